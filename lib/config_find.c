/*
 * `[find ...]` and `where <expr>` expressions of RouterOS scripts, and their
 * evaluation against one item.
 *
 * Grammar (a subset of RouterOS scripting, routeros-spec.md §8):
 *
 *     or    := and { ("or" | "||") and }
 *     and   := not { ("and" | "&&") not }        `[find a=1 b=2]` also ANDs
 *     not   := { "not" | "!" } primary
 *     prim  := "(" or ")" | NAME [ ("=" | "!=" | "~") VALUE ]
 *
 * A bare NAME is a boolean property (`where disabled`). `~` takes a POSIX
 * extended regexp (RouterOS: "~ matches a regular expression"), compiled
 * here with regcomp so a bad one is reported with its position.
 */
#include "config_syntax_internal.h"

#include <regex.h>
#include <string.h>

typedef enum tok_kind {
    TK_END = 0, /* end of the command: `;` or end of line */
    TK_RBRACK,
    TK_LPAREN,
    TK_RPAREN,
    TK_EQ,
    TK_NE,
    TK_MATCH,
    TK_NOT,
    TK_AND,
    TK_OR,
    TK_WORD,
    TK_QUOTE, /* a quoted string where a name was expected */
    TK_OTHER
} tok_kind;

typedef struct tok {
    tok_kind kind;
    size_t lofs, len;
} tok;

typedef struct xparser {
    l7_sctx *c;
    size_t p;
    size_t depth;
    bool in_bracket;
} xparser;

static bool x_ws(uint8_t ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r';
}

static bool x_name_byte(uint8_t ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.';
}

static bool x_word_is(const xparser *x, const tok *t, const char *lit)
{
    return t->kind == TK_WORD && strlen(lit) == t->len &&
           memcmp(x->c->lb + t->lofs, lit, t->len) == 0;
}

/* The token at x->p (after whitespace), without consuming it. */
static tok peek(xparser *x)
{
    const uint8_t *lb = x->c->lb;
    size_t end = x->c->lb_len;
    while (x->p < end && x_ws(lb[x->p]))
        x->p++;
    size_t p = x->p;
    tok t = {TK_END, p, 0};
    if (p >= end || lb[p] == ';')
        return t;
    uint8_t ch = lb[p];
    uint8_t nx = p + 1 < end ? lb[p + 1] : 0;
    t.len = 1;
    switch (ch) {
    case ']':
        t.kind = TK_RBRACK;
        return t;
    case '(':
        t.kind = TK_LPAREN;
        return t;
    case ')':
        t.kind = TK_RPAREN;
        return t;
    case '=':
        t.kind = TK_EQ;
        return t;
    case '~':
        t.kind = TK_MATCH;
        return t;
    case '"':
        t.kind = TK_QUOTE;
        return t;
    case '!':
        t.kind = nx == '=' ? TK_NE : TK_NOT;
        t.len = nx == '=' ? 2 : 1;
        return t;
    case '&':
    case '|':
        if (nx == ch) {
            t.kind = ch == '&' ? TK_AND : TK_OR;
            t.len = 2;
            return t;
        }
        t.kind = TK_OTHER;
        return t;
    default:
        break;
    }
    if (!x_name_byte(ch)) {
        t.kind = TK_OTHER;
        return t;
    }
    size_t e = p;
    while (e < end && x_name_byte(lb[e]))
        e++;
    t.kind = TK_WORD;
    t.len = e - p;
    if (x_word_is(x, &t, "and"))
        t.kind = TK_AND;
    else if (x_word_is(x, &t, "or"))
        t.kind = TK_OR;
    else if (x_word_is(x, &t, "not"))
        t.kind = TK_NOT;
    return t;
}

static void unexpected(xparser *x, const tok *t, const char *wanted)
{
    if (t->kind == TK_END)
        l7_sctx_error(x->c, L7_ESYNTAX, t->lofs, 1, "%s before the end of the command",
                      wanted);
    else {
        char w[L7_SHOW_MAX];
        l7_sctx_error(x->c, L7_ESYNTAX, t->lofs, t->len, "%s, found '%s'", wanted,
                      l7_sctx_show(x->c, t->lofs, t->len, w));
    }
}

static l7_sexpr *new_node(xparser *x, l7_sexpr_op op)
{
    l7_sexpr *e = l7_sctx_alloc(x->c, sizeof(*e));
    if (e) {
        memset(e, 0, sizeof(*e));
        e->op = op;
    }
    return e;
}

/*
 * Regexps come from scripts: keep glibc's regcomp away from patterns whose
 * compiled form explodes (nested counted repetitions) or whose nesting
 * would recurse deeply.
 */
#define REGEX_MAX_LEN    1024
#define REGEX_MAX_NEST   32
#define REGEX_MAX_REPEAT 1000

/* Why `re` is refused (and *code, the status to report), or NULL. */
static const char *regex_refused(const char *re, size_t n, int *code)
{
    *code = L7_ELIMIT;
    if (n > REGEX_MAX_LEN)
        return "regular expression too long (limit 1024 bytes)";
    size_t nest = 0;
    uint64_t product = 1;
    bool in_class = false;
    for (size_t i = 0; i < n; i++) {
        char ch = re[i];
        if (in_class) {
            if (ch == ']')
                in_class = false;
            continue;
        }
        if (ch == '\\') {
            /* POSIX EREs have no back-references, but glibc's regexec
             * accepts them and backtracks exponentially on them: a 400-byte
             * value can take minutes. */
            if (i + 1 < n && re[i + 1] >= '1' && re[i + 1] <= '9') {
                *code = L7_EUNSUPPORTED;
                return "back-references (\\1 to \\9) are not supported in a "
                       "POSIX extended regular expression";
            }
            i++;
            continue;
        }
        if (ch == '[') {
            in_class = true;
            if (i + 1 < n && re[i + 1] == '^')
                i++;
            if (i + 1 < n && re[i + 1] == ']')
                i++;
        } else if (ch == '(') {
            if (++nest > REGEX_MAX_NEST)
                return "regular expression nested too deeply (limit 32)";
        } else if (ch == ')') {
            if (nest)
                nest--;
        } else if (ch == '{') {
            uint64_t v = 0, max = 0;
            for (i++; i < n && re[i] != '}'; i++) {
                if (re[i] >= '0' && re[i] <= '9') {
                    v = v * 10 + (uint64_t)(re[i] - '0');
                    if (v > 100000)
                        v = 100000;
                } else {
                    v = 0;
                }
                if (v > max)
                    max = v;
            }
            product *= max + 1;
            if (product > REGEX_MAX_REPEAT)
                return "regular expression too complex (counted repetitions)";
        }
    }
    return NULL;
}

static int compile_regex(xparser *x, l7_sexpr *e, size_t vofs, size_t vlen)
{
    l7_sctx *c = x->c;
    int code;
    const char *why = regex_refused(e->value.ptr, e->value.len, &code);
    if (why) {
        l7_sctx_error(c, code, vofs, vlen, "%s", why);
        return -1;
    }
    regex_t *re = l7_sctx_alloc(c, sizeof(*re));
    if (!re)
        return -1;
    l7_script *s = c->script;
    if (l7_grow(c->a, (void **)&s->regexes, &s->regex_cap, s->n_regexes + 1,
                sizeof(*s->regexes)) < 0) {
        c->oom = L7_ENOMEM;
        c->stop = true;
        return -1;
    }
    int rc = regcomp(re, e->value.ptr, REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        char msg[128];
        regerror(rc, re, msg, sizeof(msg));
        l7_sctx_error(c, L7_ESYNTAX, vofs, vlen, "invalid regular expression: %s", msg);
        return -1;
    }
    s->regexes[s->n_regexes++] = re;
    e->regex = re;
    return 0;
}

static const l7_sexpr *parse_or(xparser *x, bool implicit_and);

static const l7_sexpr *parse_primary(xparser *x)
{
    l7_sctx *c = x->c;
    tok t = peek(x);
    if (t.kind == TK_LPAREN) {
        if (++x->depth > c->lim.max_depth) {
            l7_sctx_error(c, L7_ELIMIT, t.lofs, 1,
                          "expression nested too deeply (limit %zu)", c->lim.max_depth);
            return NULL;
        }
        x->p += t.len;
        const l7_sexpr *inner = parse_or(x, false);
        if (!inner)
            return NULL;
        tok r = peek(x);
        if (r.kind != TK_RPAREN) {
            unexpected(x, &r, "expected ')'");
            return NULL;
        }
        x->p += r.len;
        x->depth--;
        return inner;
    }
    if (t.kind != TK_WORD) {
        unexpected(x, &t, "expected a property name");
        return NULL;
    }
    if (!l7_sctx_count_token(c, t.lofs))
        return NULL;
    x->p += t.len;
    /* The operator must follow the name directly or after spaces. */
    tok op = peek(x);
    l7_sexpr_op kind;
    switch (op.kind) {
    case TK_EQ:
        kind = L7_SX_EQ;
        break;
    case TK_NE:
        kind = L7_SX_NE;
        break;
    case TK_MATCH:
        kind = L7_SX_MATCH;
        break;
    default:
        kind = L7_SX_BOOL;
        break;
    }
    l7_sexpr *e = new_node(x, kind);
    if (!e)
        return NULL;
    e->name = l7_sctx_strdup(c, c->lb + t.lofs, t.len);
    e->name_pos = l7_sctx_pos(c, t.lofs, t.len);
    if (kind == L7_SX_BOOL)
        return e;
    x->p += op.len;
    tok v = peek(x);
    if (v.kind == TK_END || v.kind == TK_RPAREN || v.kind == TK_RBRACK) {
        unexpected(x, &v, "expected a value (write \"\" for an empty one)");
        return NULL;
    }
    size_t vofs = x->p, q = vofs;
    bool quoted;
    if (l7_sctx_read_value(c, &q, L7_SVAL_EXPR, &quoted) < 0)
        return NULL;
    e->value = l7_sctx_strdup(c, c->tmp, c->tmp_len);
    e->value_pos = l7_sctx_pos(c, vofs, q - vofs);
    e->quoted = quoted;
    x->p = q;
    if (kind == L7_SX_MATCH && !c->cmd_bad && compile_regex(x, e, vofs, q - vofs) < 0)
        return NULL;
    return e;
}

static const l7_sexpr *parse_not(xparser *x)
{
    size_t nots = 0;
    for (;;) {
        tok t = peek(x);
        if (t.kind != TK_NOT)
            break;
        x->p += t.len;
        nots++;
    }
    const l7_sexpr *e = parse_primary(x);
    if (!e || !(nots & 1))
        return e;
    l7_sexpr *n = new_node(x, L7_SX_NOT);
    const l7_sexpr **kids = l7_sctx_alloc(x->c, sizeof(*kids));
    if (!n || !kids)
        return NULL;
    kids[0] = e;
    n->kids = kids;
    n->n_kids = 1;
    return n;
}

/* Collect operands joined by `op` into one n-ary node, so that long chains
 * evaluate without deep recursion. */
static const l7_sexpr *parse_chain(xparser *x, l7_sexpr_op op, bool implicit_and)
{
    l7_sctx *c = x->c;
    const l7_sexpr **v = NULL;
    size_t n = 0, cap = 0;
    const l7_sexpr *result = NULL;
    for (;;) {
        const l7_sexpr *e =
            op == L7_SX_OR ? parse_chain(x, L7_SX_AND, implicit_and) : parse_not(x);
        if (!e)
            goto out;
        if (l7_grow(c->a, (void **)&v, &cap, n + 1, sizeof(*v)) < 0) {
            c->oom = L7_ENOMEM;
            c->stop = true;
            goto out;
        }
        v[n++] = e;
        tok t = peek(x);
        if (t.kind == (op == L7_SX_OR ? TK_OR : TK_AND)) {
            x->p += t.len;
            continue;
        }
        if (op == L7_SX_AND && implicit_and &&
            (t.kind == TK_WORD || t.kind == TK_NOT || t.kind == TK_LPAREN))
            continue;
        break;
    }
    if (n == 1) {
        result = v[0];
        goto out;
    }
    l7_sexpr *node = new_node(x, op);
    const l7_sexpr **kids = l7_sctx_alloc(c, n * sizeof(*kids));
    if (!node || !kids)
        goto out;
    memcpy(kids, v, n * sizeof(*kids));
    node->kids = kids;
    node->n_kids = n;
    result = node;
out:
    l7_free(c->a, v);
    return result;
}

static const l7_sexpr *parse_or(xparser *x, bool implicit_and)
{
    return parse_chain(x, L7_SX_OR, implicit_and);
}

int l7_sx_parse_where(l7_sctx *c, size_t *p, const l7_sexpr **out)
{
    xparser x = {c, *p, 0, false};
    tok t = peek(&x);
    if (t.kind == TK_END) {
        unexpected(&x, &t, "expected an expression");
        return -1;
    }
    const l7_sexpr *e = parse_or(&x, false);
    if (!e)
        return -1;
    t = peek(&x);
    if (t.kind != TK_END) {
        unexpected(&x, &t, "expected 'and', 'or' or the end of the expression");
        return -1;
    }
    *p = x.p;
    *out = e;
    return c->cmd_bad ? -1 : 0;
}

int l7_sx_parse_find(l7_sctx *c, size_t *p, const l7_sexpr **out)
{
    size_t open = *p;
    xparser x = {c, open + 1, 0, true};
    tok t = peek(&x);
    if (!x_word_is(&x, &t, "find")) {
        if (t.kind == TK_END)
            l7_sctx_error(c, L7_ESYNTAX, open, 1, "unterminated '['");
        else
            l7_sctx_error(c, L7_EUNSUPPORTED, open, t.lofs + t.len - open,
                          "only '[find ...]' is supported inside brackets");
        return -1;
    }
    x.p += t.len;
    t = peek(&x);
    const l7_sexpr *e;
    if (t.kind == TK_END) {
        l7_sctx_error(c, L7_ESYNTAX, open, 1, "unterminated '['");
        return -1;
    }
    if (t.kind == TK_RBRACK) {
        l7_sexpr *all = new_node(&x, L7_SX_ALL);
        if (!all)
            return -1;
        e = all;
    } else if (x_word_is(&x, &t, "where")) {
        x.p += t.len;
        e = parse_or(&x, false);
    } else {
        /* `[find name=x]`: RouterOS's argument form; several terms AND. */
        e = parse_or(&x, true);
    }
    if (!e)
        return -1;
    t = peek(&x);
    if (t.kind != TK_RBRACK) {
        if (t.kind == TK_END)
            l7_sctx_error(c, L7_ESYNTAX, open, 1, "unterminated '['");
        else
            unexpected(&x, &t, "expected ']'");
        return -1;
    }
    x.p += t.len;
    if (x.p < c->lb_len && !x_ws(c->lb[x.p]) && c->lb[x.p] != ';') {
        l7_sctx_error(c, L7_ESYNTAX, x.p, 1, "unexpected text after ']'");
        return -1;
    }
    *p = x.p;
    *out = e;
    return c->cmd_bad ? -1 : 0;
}

/* ---- evaluation ----------------------------------------------------------------- */

bool l7_sexpr_eval(const l7_sexpr *e, l7_sexpr_get_fn get, void *user)
{
    const char *v;
    switch (e->op) {
    case L7_SX_ALL:
        return true;
    case L7_SX_AND:
        for (size_t i = 0; i < e->n_kids; i++)
            if (!l7_sexpr_eval(e->kids[i], get, user))
                return false;
        return true;
    case L7_SX_OR:
        for (size_t i = 0; i < e->n_kids; i++)
            if (l7_sexpr_eval(e->kids[i], get, user))
                return true;
        return false;
    case L7_SX_NOT:
        return !l7_sexpr_eval(e->kids[0], get, user);
    case L7_SX_EQ:
    case L7_SX_NE: {
        v = get(e->name.ptr, user);
        if (!v)
            v = "";
        bool eq =
            strlen(v) == e->value.len && memcmp(v, e->value.ptr, e->value.len) == 0;
        return e->op == L7_SX_EQ ? eq : !eq;
    }
    case L7_SX_MATCH:
        v = get(e->name.ptr, user);
        return regexec((const regex_t *)e->regex, v ? v : "", 0, NULL, 0) == 0;
    case L7_SX_BOOL:
        v = get(e->name.ptr, user);
        return v && (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0);
    }
    return false;
}
