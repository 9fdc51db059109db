/*
 * RouterOS / l7-filter regexps: dialect tokenizer, translation to PCRE2,
 * compile and match (routeros-spec.md §1.4-1.5, Decisions 4-6).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "pattern_internal.h"

#include <pcre2.h>
#include <string.h>

/* Defaults for l7_pattern_limits. A 2 KiB buffer needs far fewer steps for
 * every l7-protocols pattern (the corpus test checks that none hits them);
 * exponential backtracking hits them in well under a millisecond. */
#define DEFAULT_MATCH_LIMIT    200000u
#define DEFAULT_DEPTH_LIMIT    10000u
#define DEFAULT_HEAP_LIMIT_KIB 4096u
/* l7-filter's kernel limit: a pattern is shorter than 8192 bytes (§1.6).
 * It also bounds translation and PCRE2 compile time on hostile input. */
#define MAX_REGEXP_LEN 8191u

#define COMPILE_OPTIONS                                                                \
    (PCRE2_CASELESS | PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY | PCRE2_NEVER_UTF |          \
     PCRE2_NEVER_UCP | PCRE2_NO_AUTO_CAPTURE | PCRE2_NEVER_BACKSLASH_C)

struct l7_pattern {
    l7_alloc alloc;
    pcre2_code *code;
    uint32_t max_len; /* longest match in bytes, L7_PATTERN_LEN_INF if unbounded */
    uint8_t stripped;
    uint8_t jit;
    uint8_t anchored;    /* every top-level alternative starts with `^` */
    uint8_t jit_partial; /* JIT code for PCRE2_PARTIAL_SOFT exists too */
};

struct l7_pattern_scratch {
    l7_alloc alloc;
    pcre2_general_context *gctx;
    pcre2_match_context *mctx;
    pcre2_match_data *md;
};

void l7_pattern_options_init(l7_pattern_options *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof(*opts));
    opts->size = sizeof(*opts);
}

void l7_pattern_limits_init(l7_pattern_limits *limits)
{
    if (!limits)
        return;
    memset(limits, 0, sizeof(*limits));
    limits->size = sizeof(*limits);
    limits->match_limit = DEFAULT_MATCH_LIMIT;
    limits->depth_limit = DEFAULT_DEPTH_LIMIT;
    limits->heap_limit_kib = DEFAULT_HEAP_LIMIT_KIB;
}

/* ---- translation --------------------------------------------------------- */

/* What l7-filter's pre-pass would turn into a regex operator. `{` and `}`
 * are left out: V8 has no bounds, so there they were literal anyway. */
static bool is_meta(uint8_t c)
{
    return c && strchr("$()*+.?[\\]^|", c) != NULL;
}

static bool is_hex(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned hex_val(uint8_t c)
{
    if (c <= '9')
        return c - '0';
    return (unsigned)((c | 0x20) - 'a' + 10);
}

static bool is_alnum(uint8_t c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static bool is_print(uint8_t c)
{
    return c >= 0x20 && c < 0x7f;
}

typedef struct tx_out {
    const l7_alloc *a;
    char *s;
    uint32_t *map; /* map[i]: 0-based source offset of output byte i */
    size_t len, cap;
    bool oom;
} tx_out;

static void out_put(tx_out *o, const char *s, size_t n, uint32_t src)
{
    if (o->oom)
        return;
    if (o->len + n + 1 > o->cap) {
        size_t ncap = o->cap ? o->cap : 64;
        while (ncap < o->len + n + 1)
            ncap *= 2;
        char *ns = l7_realloc(o->a, o->s, ncap);
        if (!ns) {
            o->oom = true;
            return;
        }
        o->s = ns;
        uint32_t *nm = l7_realloc(o->a, o->map, ncap * sizeof(*nm));
        if (!nm) {
            o->oom = true;
            return;
        }
        o->map = nm;
        o->cap = ncap;
    }
    memcpy(o->s + o->len, s, n);
    for (size_t i = 0; i < n; i++)
        o->map[o->len + i] = src;
    o->len += n;
    o->s[o->len] = '\0';
}

/* Copy user text verbatim, each byte mapped to its own column. */
static void out_copy(tx_out *o, const uint8_t *src, uint32_t off, uint32_t n)
{
    size_t at = o->len;
    out_put(o, (const char *)src + off, n, off);
    for (uint32_t i = 0; !o->oom && i < n; i++)
        o->map[at + i] = off + i;
}

static void out_hex(tx_out *o, uint8_t v, uint32_t src)
{
    static const char digits[] = "0123456789abcdef";
    char b[6] = {'\\', 'x', '{', digits[v >> 4], digits[v & 15], '}'};
    out_put(o, b, sizeof(b), src);
}

/* A literal byte, in the cheapest form PCRE2 reads as exactly that byte. */
static void out_literal(tx_out *o, uint8_t v, uint32_t src)
{
    if (is_alnum(v) || v == ' ') {
        char c = (char)v;
        out_put(o, &c, 1, src);
    } else if (is_print(v)) {
        char b[2] = {'\\', (char)v};
        out_put(o, b, 2, src);
    } else {
        out_hex(o, v, src);
    }
}

/* One lexical unit of the regex text. */
typedef enum unit_kind {
    U_END,
    U_RAW, /* an unescaped byte: may be an operator */
    U_LIT, /* a byte that stands for itself (escape, or \xHH) */
    U_ERR
} unit_kind;

typedef struct unit {
    unit_kind kind;
    uint8_t c;
    bool from_hex; /* \xHH */
    uint32_t off, len;
} unit;

/* Top-level units, for the wrapper-stripping analysis. */
typedef enum top_kind { T_BOL, T_DOT, T_STAR, T_DOLLAR, T_QUANT, T_OTHER } top_kind;

typedef struct top_unit {
    top_kind kind;
    uint32_t out_start;
} top_unit;

typedef struct tx {
    const uint8_t *src;
    uint32_t n, p;
    uint32_t flags;
    const char *name;
    l7_diag_list *diag;
    tx_out out;
    top_unit *top;
    size_t ntop, captop;
    bool top_alt;
    int error; /* first error status, 0 if none */
} tx;

static void tx_error(tx *t, uint32_t off, uint32_t len, const char *msg)
{
    l7_diag_add(t->diag, L7_SEV_ERROR, L7_ESYNTAX, t->name, 1, off + 1, len, "%s", msg);
    if (!t->error)
        t->error = L7_ESYNTAX;
}

static void top_push(tx *t, top_kind k, uint32_t out_start)
{
    if (l7_grow(t->out.a, (void **)&t->top, &t->captop, t->ntop + 1, sizeof(*t->top))) {
        t->out.oom = true;
        return;
    }
    t->top[t->ntop].kind = k;
    t->top[t->ntop].out_start = out_start;
    t->ntop++;
}

static unit lex(tx *t, bool in_bracket)
{
    unit u = {U_END, 0, false, t->p, 0};
    if (t->p >= t->n)
        return u;
    uint8_t c = t->src[t->p];
    if (c == 0) {
        tx_error(t, t->p, 1, "NUL byte in regexp");
        t->p++;
        u.kind = U_ERR;
        return u;
    }
    if (c != '\\') {
        u.kind = U_RAW;
        u.c = c;
        u.len = 1;
        t->p++;
        return u;
    }
    /* \xHH: two hex digits of either case (Decision 4). */
    if (t->p + 3 < t->n && t->src[t->p + 1] == 'x' && is_hex(t->src[t->p + 2]) &&
        is_hex(t->src[t->p + 3])) {
        uint8_t v =
            (uint8_t)(hex_val(t->src[t->p + 2]) << 4 | hex_val(t->src[t->p + 3]));
        u.off = t->p;
        u.len = 4;
        t->p += 4;
        if (v == 0) {
            tx_error(t, u.off, 4, "NUL byte (\\x00) in regexp");
            u.kind = U_ERR;
            return u;
        }
        u.c = v;
        u.from_hex = true;
        u.kind = U_LIT;
        if (is_meta(v)) {
            bool compat = (t->flags & L7_PATTERN_COMPAT_L7FILTER) != 0;
            if (compat && v != '\\') {
                u.kind = U_RAW;
                l7_diag_add(t->diag, L7_SEV_WARNING, 0, t->name, 1, u.off + 1, 4,
                            "\\x%02x is the metacharacter '%c': given its regex "
                            "meaning (compat-l7filter)",
                            v, v);
            } else {
                l7_diag_add(t->diag, L7_SEV_WARNING, 0, t->name, 1, u.off + 1, 4,
                            "\\x%02x is the metacharacter '%c': matched as a literal "
                            "byte (l7-filter would give it its regex meaning)",
                            v, v);
            }
        }
        return u;
    }
    if (in_bracket) {
        /* POSIX and V8: a backslash in a bracket is just a backslash. */
        u.kind = U_LIT;
        u.c = '\\';
        u.len = 1;
        t->p++;
        return u;
    }
    if (t->p + 1 >= t->n) {
        tx_error(t, t->p, 1, "trailing backslash");
        t->p++;
        u.kind = U_ERR;
        return u;
    }
    uint8_t d = t->src[t->p + 1];
    u.off = t->p;
    u.len = 2;
    t->p += 2;
    if (d == 0) {
        tx_error(t, u.off + 1, 1, "NUL byte in regexp");
        u.kind = U_ERR;
        return u;
    }
    if (is_alnum(d))
        l7_diag_add(t->diag, L7_SEV_WARNING, 0, t->name, 1, u.off + 1, 2,
                    "'\\%c' is not an escape in layer-7 regexps: matched as the "
                    "literal '%c'",
                    d, d);
    u.kind = U_LIT;
    u.c = d;
    return u;
}

/* {n}, {n,}, {n,m} starting at `at` (the '{'); returns its length or 0.
 * Numbers of any length count: PCRE2 then refuses one above 65535 with a
 * clear error instead of the brace turning into literal text. */
static uint32_t bound_len(const tx *t, uint32_t at)
{
    uint32_t i = at + 1, digits = 0;
    while (i < t->n && t->src[i] >= '0' && t->src[i] <= '9')
        i++, digits++;
    if (!digits || i >= t->n)
        return 0;
    if (t->src[i] == '}')
        return i + 1 - at;
    if (t->src[i] != ',')
        return 0;
    i++;
    while (i < t->n && t->src[i] >= '0' && t->src[i] <= '9')
        i++;
    if (i >= t->n || t->src[i] != '}')
        return 0;
    return i + 1 - at;
}

static const char *const posix_classes[] = {"alpha", "digit", "alnum", "upper",
                                            "lower", "space", "blank", "punct",
                                            "print", "graph", "cntrl", "xdigit"};

/* A bracket expression; `open` is the '[' unit already consumed. */
static void tx_bracket(tx *t, const unit *open)
{
    out_put(&t->out, "[", 1, open->off);
    unit u = lex(t, true);
    if (u.kind == U_RAW && u.c == '^') {
        out_put(&t->out, "^", 1, u.off);
        u = lex(t, true);
    }
    if (u.kind == U_RAW && u.c == ']') {
        out_put(&t->out, "\\]", 2, u.off); /* first ']' is literal (POSIX) */
        u = lex(t, true);
    }
    for (;; u = lex(t, true)) {
        switch (u.kind) {
        case U_END:
            tx_error(t, open->off, 1, "unbalanced '[': bracket expression not closed");
            return;
        case U_ERR:
            continue;
        case U_LIT:
            out_hex(&t->out, u.c, u.off);
            continue;
        case U_RAW:
            break;
        }
        if (u.c == ']') {
            out_put(&t->out, "]", 1, u.off);
            return;
        }
        /* The class name is copied from the source text, so a `[` given
         * by \x5b (compat) cannot start one: it is just a byte. */
        if (u.c == '[' && !u.from_hex && t->p < t->n &&
            (t->src[t->p] == ':' || t->src[t->p] == '.' || t->src[t->p] == '=')) {
            uint8_t kind = t->src[t->p];
            uint32_t start = u.off, i = t->p + 1;
            while (i + 1 < t->n && !(t->src[i] == kind && t->src[i + 1] == ']'))
                i++;
            if (i + 1 >= t->n) {
                tx_error(t, start, 2, "unterminated POSIX class in bracket expression");
                t->p = t->n;
                return;
            }
            uint32_t name_off = t->p + 1, name_len = i - name_off;
            bool known = false;
            for (size_t k = 0; kind == ':' && k < L7_ARRAY_SIZE(posix_classes); k++)
                known |= strlen(posix_classes[k]) == name_len &&
                         memcmp(posix_classes[k], t->src + name_off, name_len) == 0;
            if (!known) {
                tx_error(t, start, i + 2 - start,
                         kind == ':' ? "unknown POSIX character class"
                                     : "POSIX collating elements and equivalence "
                                       "classes are not supported");
            } else {
                out_copy(&t->out, t->src, start, i + 2 - start);
            }
            t->p = i + 2;
            continue;
        }
        if (u.c == '-' || (is_alnum(u.c) || u.c == ' ')) {
            char c = (char)u.c;
            out_put(&t->out, &c, 1, u.off);
        } else if (is_print(u.c)) {
            char b[2] = {'\\', (char)u.c};
            out_put(&t->out, b, 2, u.off);
        } else {
            out_hex(&t->out, u.c, u.off);
        }
    }
}

typedef enum prev_kind { P_NONE, P_ATOM, P_QUANT, P_LAZY, P_ASSERT } prev_kind;

typedef struct group {
    uint32_t src, out;
} group;

static int tx_run(tx *t)
{
    group stack[64];
    size_t depth = 0;
    prev_kind prev = P_NONE;
    for (;;) {
        uint32_t out_start = (uint32_t)t->out.len;
        unit u = lex(t, false);
        if (u.kind == U_END)
            break;
        if (u.kind == U_ERR) {
            prev = P_ATOM;
            continue;
        }
        top_kind tk = T_OTHER;
        if (u.kind == U_LIT) {
            if (u.from_hex)
                out_hex(&t->out, u.c, u.off);
            else
                out_literal(&t->out, u.c, u.off);
            prev = P_ATOM;
        } else {
            switch (u.c) {
            case '(':
                if (depth == L7_ARRAY_SIZE(stack)) {
                    tx_error(t, u.off, 1, "parentheses nested too deeply");
                    return t->error;
                }
                stack[depth].src = u.off;
                stack[depth].out = out_start;
                depth++;
                out_put(&t->out, "(", 1, u.off);
                prev = P_NONE;
                continue; /* the group is one top-level unit, pushed at ')' */
            case ')':
                if (!depth) {
                    tx_error(t, u.off, 1, "unbalanced ')'");
                    prev = P_ATOM;
                    continue;
                }
                depth--;
                out_put(&t->out, ")", 1, u.off);
                out_start = stack[depth].out;
                prev = P_ATOM;
                break;
            case '|':
                out_put(&t->out, "|", 1, u.off);
                if (!depth)
                    t->top_alt = true;
                prev = P_NONE;
                break;
            case '^':
                out_put(&t->out, "^", 1, u.off);
                tk = T_BOL;
                prev = P_ASSERT;
                break;
            case '$':
                out_put(&t->out, "$", 1, u.off);
                tk = T_DOLLAR;
                prev = P_ASSERT;
                break;
            case '.':
                out_put(&t->out, ".", 1, u.off);
                tk = T_DOT;
                prev = P_ATOM;
                break;
            case '*':
            case '+':
            case '?':
            case '{': {
                uint32_t blen = 1;
                if (u.c == '{') {
                    blen = bound_len(t, u.off);
                    if (!blen || prev != P_ATOM) {
                        out_put(&t->out, "\\{", 2, u.off);
                        prev = P_ATOM;
                        break;
                    }
                }
                if (prev == P_QUANT && u.c == '?') {
                    /* Lazy: PCRE2 reads `*?` as non-greedy, which gives the
                     * same yes/no answer as POSIX's greedy reading. */
                    out_put(&t->out, "?", 1, u.off);
                    prev = P_LAZY;
                    tk = T_QUANT;
                    break;
                }
                if (prev == P_QUANT || prev == P_LAZY) {
                    tx_error(t, u.off, blen, "nested quantifier");
                    t->p = u.off + blen;
                    break;
                }
                if (prev != P_ATOM) {
                    tx_error(t, u.off, blen,
                             "quantifier does not follow a repeatable item");
                    t->p = u.off + blen;
                    break;
                }
                out_copy(&t->out, t->src, u.off, blen);
                t->p = u.off + blen;
                tk = (u.c == '*') ? T_STAR : T_QUANT;
                prev = P_QUANT;
                break;
            }
            case '[':
                tx_bracket(t, &u);
                prev = P_ATOM;
                break;
            default:
                /* ']' and '}' outside brackets are plain characters. */
                out_literal(&t->out, u.c, u.off);
                prev = P_ATOM;
                break;
            }
        }
        if (!depth)
            top_push(t, tk, out_start);
    }
    while (depth) {
        depth--;
        tx_error(t, stack[depth].src, 1, "unbalanced '(': group not closed");
    }
    return t->error;
}

void l7_pattern_tx_free(l7_pattern_tx *res)
{
    if (!res || !res->alloc)
        return;
    l7_free(res->alloc, res->text);
    l7_free(res->alloc, res->map);
    res->text = NULL;
    res->map = NULL;
}

int l7_pattern_tx_run(l7_pattern_tx *res, const l7_alloc *a, const char *regexp,
                      size_t regexp_len, uint32_t flags, const char *name,
                      l7_diag_list *diag)
{
    memset(res, 0, sizeof(*res));
    res->alloc = a;
    if (regexp_len > MAX_REGEXP_LEN) {
        l7_diag_add(diag, L7_SEV_ERROR, L7_ESYNTAX, name, 0, 0, 0,
                    "regexp longer than %u bytes (l7-filter's limit)", MAX_REGEXP_LEN);
        return L7_ESYNTAX;
    }
    tx t;
    memset(&t, 0, sizeof(t));
    t.src = (const uint8_t *)regexp;
    t.n = (uint32_t)regexp_len;
    t.flags = flags;
    t.name = name;
    t.diag = diag;
    t.out.a = a;
    out_put(&t.out, "", 0, 0); /* always have a buffer */
    int rc = tx_run(&t);
    if (t.out.oom)
        rc = L7_ENOMEM;
    if (rc < 0) {
        l7_free(a, t.out.s);
        l7_free(a, t.out.map);
        l7_free(a, t.top);
        return rc;
    }

    /* Strip `^.*X.*$`: with DOTALL and DOLLAR_ENDONLY, `^.*` in front of a
     * top-level concatenation X means "X starting anywhere" and `.*$`
     * behind it "X ending anywhere"; both are what an unanchored search
     * does already. A top-level '|' would bind the anchors to one branch
     * only, so no stripping then. */
    size_t from = 0, to = t.out.len;
    uint32_t end_src = t.n;
    if (!(flags & L7_PATTERN_NO_STRIP) && !t.top_alt) {
        const top_unit *u = t.top;
        size_t k = t.ntop, lo = 0, hi = k;
        if (k >= 3 && u[0].kind == T_BOL && u[1].kind == T_DOT && u[2].kind == T_STAR &&
            (k == 3 || u[3].kind != T_QUANT))
            lo = 3;
        if (k >= lo + 3 && u[k - 1].kind == T_DOLLAR && u[k - 2].kind == T_STAR &&
            u[k - 3].kind == T_DOT)
            hi = k - 3;
        if (lo || hi != k) {
            res->stripped = true;
            from = lo < k ? u[lo].out_start : t.out.len;
            to = hi < k ? u[hi].out_start : t.out.len;
            if (to < from)
                to = from;
            if (hi < k)
                end_src = t.out.map[u[hi].out_start];
        }
    }
    l7_free(a, t.top);
    res->len = to - from;
    memmove(t.out.s, t.out.s + from, res->len);
    t.out.s[res->len] = '\0';
    memmove(t.out.map, t.out.map + from, res->len * sizeof(uint32_t));
    t.out.map[res->len] = end_src; /* cap >= len + 1 always */
    res->text = t.out.s;
    res->map = t.out.map;
    return L7_OK;
}

int l7_pattern_translate(char *out, size_t size, const char *regexp, size_t regexp_len,
                         const l7_pattern_options *opts, const char *name,
                         l7_diag_list *diag)
{
    if ((!out && size) || (!regexp && regexp_len))
        return L7_EINVAL;
    l7_alloc a;
    l7_alloc_init(&a, NULL);
    uint32_t flags = opts ? opts->flags : 0;
    l7_pattern_tx res;
    L7_TRY(l7_pattern_tx_run(&res, &a, regexp ? regexp : "", regexp_len, flags, name,
                             diag));
    if (size) {
        size_t n = res.len < size - 1 ? res.len : size - 1;
        memcpy(out, res.text, n);
        out[n] = '\0';
    }
    int len = res.len > (size_t)INT32_MAX ? L7_ERANGE : (int)res.len;
    l7_pattern_tx_free(&res);
    return len;
}

/* ---- shape analysis -------------------------------------------------------- */

/* The inspector skips work on a growing buffer by knowing two things about
 * a pattern: whether it is anchored (every top-level alternative starts
 * with `^`) and the longest match it can have. Both are read off the PCRE2
 * text the translator emitted, whose syntax is small and regular: literals
 * (alnum, space, `\` + punctuation, `\x{HH}`), `.`, brackets, groups, `|`,
 * `^`, `$` and the quantifiers `* + ? {n} {n,} {n,m}` (plus a lazy `?`). */

typedef struct shape {
    const char *s;
    size_t n, p;
} shape;

static uint32_t len_add(uint32_t a, uint32_t b)
{
    if (a == L7_PATTERN_LEN_INF || b == L7_PATTERN_LEN_INF ||
        a + b > L7_PATTERN_LEN_CAP)
        return L7_PATTERN_LEN_INF;
    return a + b;
}

static uint32_t len_mul(uint32_t a, uint32_t times)
{
    if (a == 0)
        return 0;
    if (a == L7_PATTERN_LEN_INF || times == L7_PATTERN_LEN_INF)
        return L7_PATTERN_LEN_INF;
    uint64_t r = (uint64_t)a * times;
    return r > L7_PATTERN_LEN_CAP ? L7_PATTERN_LEN_INF : (uint32_t)r;
}

static uint32_t shape_number(shape *sh)
{
    uint32_t v = 0;
    while (sh->p < sh->n && sh->s[sh->p] >= '0' && sh->s[sh->p] <= '9') {
        if (v <= L7_PATTERN_LEN_CAP)
            v = v * 10 + (uint32_t)(sh->s[sh->p] - '0');
        sh->p++;
    }
    return v;
}

/* Past `\c` or `\x{HH}`. */
static void shape_escape(shape *sh)
{
    if (sh->p + 2 < sh->n && sh->s[sh->p + 1] == 'x' && sh->s[sh->p + 2] == '{') {
        while (sh->p < sh->n && sh->s[sh->p] != '}')
            sh->p++;
        sh->p++;
    } else {
        sh->p += 2;
    }
}

/* Past a bracket expression; a raw `]` always closes it (a leading `]` is
 * emitted as `\]`, other punctuation is escaped, POSIX classes copied). */
static void shape_bracket(shape *sh)
{
    sh->p++;
    while (sh->p < sh->n) {
        char c = sh->s[sh->p];
        if (c == '\\') {
            shape_escape(sh);
        } else if (c == '[' && sh->p + 1 < sh->n && sh->s[sh->p + 1] == ':') {
            sh->p += 2;
            while (sh->p + 1 < sh->n &&
                   !(sh->s[sh->p] == ':' && sh->s[sh->p + 1] == ']'))
                sh->p++;
            sh->p += 2;
        } else {
            sh->p++;
            if (c == ']')
                return;
        }
    }
}

/* Quantifiers after an atom of maximum length `atom`. */
static uint32_t shape_quant(shape *sh, uint32_t atom)
{
    while (sh->p < sh->n) {
        char c = sh->s[sh->p];
        if (c == '*' || c == '+') {
            sh->p++;
            atom = len_mul(atom, L7_PATTERN_LEN_INF);
        } else if (c == '?') {
            sh->p++; /* optional, or the lazy mark of the previous quantifier */
        } else if (c == '{') {
            sh->p++;
            uint32_t lo = shape_number(sh), hi = lo;
            if (sh->p < sh->n && sh->s[sh->p] == ',') {
                sh->p++;
                hi = (sh->p < sh->n && sh->s[sh->p] == '}') ? L7_PATTERN_LEN_INF
                                                            : shape_number(sh);
            }
            sh->p++; /* '}' */
            atom = len_mul(atom, hi);
        } else {
            break;
        }
    }
    return atom;
}

/* An alternation up to `)` or the end: its maximum match length; `anchored`
 * (if not NULL) says whether every alternative starts with `^`. */
static uint32_t shape_alt(shape *sh, unsigned depth, bool *anchored)
{
    uint32_t best = 0;
    bool all_bol = true;
    for (;;) {
        uint32_t seq = 0;
        bool first = true, bol = false;
        while (sh->p < sh->n && sh->s[sh->p] != '|' && sh->s[sh->p] != ')') {
            char c = sh->s[sh->p];
            uint32_t atom = 1;
            if (first)
                bol = c == '^';
            first = false;
            if (c == '^' || c == '$') {
                atom = 0;
                sh->p++;
            } else if (c == '(') {
                sh->p++;
                /* The translator caps nesting at 64; be safe anyway. */
                atom =
                    depth < 200 ? shape_alt(sh, depth + 1, NULL) : L7_PATTERN_LEN_INF;
                sh->p++; /* ')' */
            } else if (c == '[') {
                shape_bracket(sh);
            } else if (c == '\\') {
                shape_escape(sh);
            } else {
                sh->p++;
            }
            seq = len_add(seq, shape_quant(sh, atom));
        }
        if (seq > best) /* L7_PATTERN_LEN_INF is the largest value */
            best = seq;
        all_bol &= bol;
        if (sh->p < sh->n && sh->s[sh->p] == '|') {
            sh->p++;
            continue;
        }
        break;
    }
    if (anchored)
        *anchored = all_bol;
    return best;
}

static void analyse_shape(l7_pattern *p, const char *text, size_t len)
{
    shape sh = {text, len, 0};
    bool anchored = false;
    p->max_len = shape_alt(&sh, 0, &anchored);
    p->anchored = anchored;
}

/* ---- compile and match ------------------------------------------------- */

static void *pcre_malloc(PCRE2_SIZE size, void *user)
{
    const l7_alloc *a = user;
    return l7_malloc(a, size);
}

static void pcre_free(void *ptr, void *user)
{
    const l7_alloc *a = user;
    l7_free(a, ptr);
}

int l7_pattern_compile(l7_pattern **out, const char *regexp, size_t regexp_len,
                       const l7_pattern_options *opts, const l7_allocator *alloc,
                       const char *name, l7_diag_list *diag)
{
    if (!out)
        return L7_EINVAL;
    *out = NULL;
    if (!regexp && regexp_len)
        return L7_EINVAL;
    l7_alloc a;
    L7_TRY(l7_alloc_init(&a, alloc));
    l7_pattern *p = l7_calloc(&a, 1, sizeof(*p));
    if (!p)
        return L7_ENOMEM;
    p->alloc = a;
    uint32_t flags = opts ? opts->flags : 0;
    l7_pattern_tx res;
    int rc = l7_pattern_tx_run(&res, &p->alloc, regexp ? regexp : "", regexp_len, flags,
                               name, diag);
    if (rc < 0) {
        l7_free(&a, p);
        return rc;
    }
    /* The general context hands PCRE2 our allocator; it points at p->alloc,
     * which lives as long as the code. */
    pcre2_general_context *gctx =
        pcre2_general_context_create(pcre_malloc, pcre_free, &p->alloc);
    pcre2_compile_context *cctx = gctx ? pcre2_compile_context_create(gctx) : NULL;
    if (!cctx) {
        pcre2_general_context_free(gctx);
        l7_pattern_tx_free(&res);
        l7_free(&a, p);
        return L7_ENOMEM;
    }
    int errcode = 0;
    PCRE2_SIZE erroff = 0;
    p->code = pcre2_compile((PCRE2_SPTR)res.text, res.len, COMPILE_OPTIONS, &errcode,
                            &erroff, cctx);
    pcre2_compile_context_free(cctx);
    pcre2_general_context_free(gctx);
    if (!p->code) {
        PCRE2_UCHAR msg[256];
        if (pcre2_get_error_message(errcode, msg, sizeof(msg)) < 0)
            strcpy((char *)msg, "PCRE2 error");
        if (errcode == PCRE2_ERROR_NOMEMORY) {
            rc = L7_ENOMEM;
        } else {
            uint32_t col = res.map[erroff <= res.len ? erroff : res.len] + 1;
            l7_diag_add(diag, L7_SEV_ERROR, L7_ESYNTAX, name, 1, col, 0, "%s",
                        (const char *)msg);
            rc = L7_ESYNTAX;
        }
        l7_pattern_tx_free(&res);
        l7_free(&a, p);
        return rc;
    }
    p->stripped = res.stripped;
    analyse_shape(p, res.text, res.len);
    l7_pattern_tx_free(&res);
    uint32_t have_jit = 0;
    if (!(flags & L7_PATTERN_NO_JIT) &&
        pcre2_config(PCRE2_CONFIG_JIT, &have_jit) >= 0 && have_jit) {
        /* Partial matching is only used on patterns without a bounded
         * unanchored shape (see l7_pattern_match_at()); the others need
         * no second block of machine code. A failed partial JIT compile
         * just leaves those runs to the interpreter. */
        uint32_t modes = PCRE2_JIT_COMPLETE;
        if (p->anchored || p->max_len == L7_PATTERN_LEN_INF)
            modes |= PCRE2_JIT_PARTIAL_SOFT;
        p->jit = pcre2_jit_compile(p->code, modes) == 0;
        p->jit_partial = p->jit && modes != PCRE2_JIT_COMPLETE;
        if (!p->jit && modes != PCRE2_JIT_COMPLETE)
            p->jit = pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE) == 0;
    }
    *out = p;
    return L7_OK;
}

void l7_pattern_destroy(l7_pattern *pattern)
{
    if (!pattern)
        return;
    pcre2_code_free(pattern->code);
    l7_free(&pattern->alloc, pattern);
}

int l7_pattern_is_stripped(const l7_pattern *pattern)
{
    return pattern && pattern->stripped;
}

int l7_pattern_is_jit(const l7_pattern *pattern)
{
    return pattern && pattern->jit;
}

int l7_pattern_scratch_create(l7_pattern_scratch **out, const l7_pattern_limits *limits,
                              const l7_allocator *alloc)
{
    if (!out)
        return L7_EINVAL;
    *out = NULL;
    l7_pattern_limits lim;
    l7_pattern_limits_init(&lim);
    if (limits) {
        if (limits->size < sizeof(uint32_t) * 4)
            return L7_EINVAL;
        if (limits->match_limit)
            lim.match_limit = limits->match_limit;
        if (limits->depth_limit)
            lim.depth_limit = limits->depth_limit;
        if (limits->heap_limit_kib)
            lim.heap_limit_kib = limits->heap_limit_kib;
    }
    l7_alloc a;
    L7_TRY(l7_alloc_init(&a, alloc));
    l7_pattern_scratch *s = l7_calloc(&a, 1, sizeof(*s));
    if (!s)
        return L7_ENOMEM;
    s->alloc = a;
    s->gctx = pcre2_general_context_create(pcre_malloc, pcre_free, &s->alloc);
    s->mctx = s->gctx ? pcre2_match_context_create(s->gctx) : NULL;
    /* One pair is enough: the answer is yes/no (NO_AUTO_CAPTURE). */
    s->md = s->gctx ? pcre2_match_data_create(1, s->gctx) : NULL;
    if (!s->mctx || !s->md) {
        l7_pattern_scratch_destroy(s);
        return L7_ENOMEM;
    }
    pcre2_set_match_limit(s->mctx, lim.match_limit);
    pcre2_set_depth_limit(s->mctx, lim.depth_limit);
    pcre2_set_heap_limit(s->mctx, lim.heap_limit_kib);
    *out = s;
    return L7_OK;
}

void l7_pattern_scratch_destroy(l7_pattern_scratch *scratch)
{
    if (!scratch)
        return;
    pcre2_match_data_free(scratch->md);
    pcre2_match_context_free(scratch->mctx);
    pcre2_general_context_free(scratch->gctx);
    l7_free(&scratch->alloc, scratch);
}

uint32_t l7_pattern_max_len(const l7_pattern *pattern)
{
    return pattern->max_len;
}

bool l7_pattern_anchored(const l7_pattern *pattern)
{
    return pattern->anchored;
}

int l7_pattern_match(const l7_pattern *pattern, l7_pattern_scratch *scratch,
                     const uint8_t *data, size_t len)
{
    if (L7_UNLIKELY(!pattern || !scratch || (!data && len)))
        return L7_EINVAL;
    return l7_pattern_match_at(pattern, scratch, data, len, 0, false);
}

int l7_pattern_match_at(const l7_pattern *pattern, l7_pattern_scratch *scratch,
                        const uint8_t *data, size_t len, size_t start, bool partial)
{
    static const uint8_t empty[1] = {0};
    uint32_t options = partial ? PCRE2_PARTIAL_SOFT : 0;
    PCRE2_SPTR subject = data ? data : empty;
    int rc;
    /* With 1,000 protocols a packet makes 1,000 short runs: the JIT fast
     * path skips pcre2_match()'s checks, which we have made already (valid
     * pattern, bytes without UTF, start <= len, JIT code for this mode). */
    if (L7_LIKELY(pattern->jit && (!partial || pattern->jit_partial)))
        rc = pcre2_jit_match(pattern->code, subject, len, start, options, scratch->md,
                             scratch->mctx);
    else
        rc = pcre2_match(pattern->code, subject, len, start, options, scratch->md,
                         scratch->mctx);
    if (rc >= 0)
        return L7_PATTERN_MATCH;
    switch (rc) {
    case PCRE2_ERROR_NOMATCH:
        return L7_PATTERN_NOMATCH;
    case PCRE2_ERROR_PARTIAL:
        return L7_PATTERN_PARTIAL;
    case PCRE2_ERROR_MATCHLIMIT:
    case PCRE2_ERROR_DEPTHLIMIT:
    case PCRE2_ERROR_HEAPLIMIT:
    case PCRE2_ERROR_JIT_STACKLIMIT:
    case PCRE2_ERROR_NOMEMORY:
        return L7_PATTERN_LIMIT;
    default:
        return L7_EINTERNAL;
    }
}
