/*
 * RouterOS script syntax, lexical level: the script object and its arena,
 * positions and errors, values and escapes, and nft-style rendering of
 * diagnostics. config_parse.c joins lines and builds commands from these.
 *
 * Syntax facts (MikroTik "Scripting" manual; reference/ecosystem.md §4.1;
 * routeros-spec.md Decision 20):
 * - a command ends at `;` or at a line end (LF, CR LF or a lone CR) that is
 *   not escaped; a trailing backslash joins the next physical line. Inside
 *   a quoted string the join inserts nothing and the continuation line's
 *   indentation is dropped; outside quotes it ends the current word ("a
 *   backslash does not continue a token except for string literals"), so
 *   the join acts as a space. Any other backslash outside quotes is an error;
 * - `#` at the start of a word, outside quotes, comments out the rest of the
 *   physical line; a comment line cannot be continued;
 * - escapes, inside double quotes only: \" \\ \$ \? \_ \a \b \f \n \r \t \v
 *   and \HH (two upper-case hex digits); anything else is an error. `$` followed by a
 * letter would be a variable, which libl7 does not have.
 */
#include "config_syntax_internal.h"

#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- arena ------------------------------------------------------------------ */

typedef struct arena_chunk {
    struct arena_chunk *next;
    size_t used, cap;
    _Alignas(16) unsigned char mem[];
} arena_chunk;

struct l7_script_arena {
    arena_chunk *head;
};

#define ARENA_CHUNK ((size_t)64 << 10)

static void *arena_alloc(const l7_alloc *a, l7_script_arena *ar, size_t size)
{
    size = (size + 15u) & ~(size_t)15u;
    arena_chunk *ch = ar->head;
    if (!ch || ch->cap - ch->used < size) {
        size_t cap = size > ARENA_CHUNK ? size : ARENA_CHUNK;
        ch = l7_malloc(a, sizeof(*ch) + cap);
        if (!ch)
            return NULL;
        ch->next = ar->head;
        ch->used = 0;
        ch->cap = cap;
        ar->head = ch;
    }
    void *p = ch->mem + ch->used;
    ch->used += size;
    return p;
}

static void arena_free(const l7_alloc *a, l7_script_arena *ar)
{
    if (!ar)
        return;
    for (arena_chunk *ch = ar->head, *next; ch; ch = next) {
        next = ch->next;
        l7_free(a, ch);
    }
    l7_free(a, ar);
}

/* ---- context helpers shared with config_find.c ----------------------------- */

void *l7_sctx_alloc(l7_sctx *c, size_t size)
{
    void *p = arena_alloc(c->a, c->script->arena, size ? size : 1);
    if (!p) {
        c->oom = L7_ENOMEM;
        c->stop = true;
        c->cmd_bad = true;
    }
    return p;
}

l7_sstr l7_sctx_strdup(l7_sctx *c, const void *p, size_t len)
{
    l7_sstr s = {"", 0};
    char *d = l7_sctx_alloc(c, len + 1);
    if (!d)
        return s;
    if (len)
        memcpy(d, p, len);
    d[len] = '\0';
    s.ptr = d;
    s.len = len;
    return s;
}

l7_spos l7_sctx_pos(const l7_sctx *c, size_t lofs, size_t len)
{
    l7_spos pos = {0, 0, 0};
    if (!c->n_seg)
        return pos;
    /* Last segment starting at or before lofs. */
    size_t lo = 0, hi = c->n_seg;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->seg[mid].lofs <= lofs)
            lo = mid;
        else
            hi = mid;
    }
    const l7_sseg *s = &c->seg[lo];
    pos.line = s->line;
    pos.column = s->column + (uint32_t)(lofs - s->lofs);
    size_t seg_end = lo + 1 < c->n_seg ? c->seg[lo + 1].lofs : c->lb_len;
    if (lofs + len > seg_end)
        len = seg_end > lofs ? seg_end - lofs : 0;
    pos.length = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
    return pos;
}

static void sctx_verror(l7_sctx *c, int code, uint32_t line, uint32_t col, uint32_t len,
                        const char *fmt, va_list ap)
{
    c->cmd_bad = true;
    if (c->stop)
        return;
    c->script->n_errors++;
    l7_diag_vadd(c->diag, L7_SEV_ERROR, code, c->script->file_name, line, col, len, fmt,
                 ap);
    if (c->script->n_errors >= c->lim.max_errors) {
        l7_diag_add(c->diag, L7_SEV_NOTE, L7_ELIMIT, c->script->file_name, line, 0, 0,
                    "too many errors (%zu), giving up", c->script->n_errors);
        c->stop = true;
    }
}

void l7_sctx_error(l7_sctx *c, int code, size_t lofs, size_t len, const char *fmt, ...)
{
    l7_spos pos = l7_sctx_pos(c, lofs, len ? len : 1);
    if (!pos.length)
        pos.length = 1; /* at the end of a line: still underline one column */
    va_list ap;
    va_start(ap, fmt);
    sctx_verror(c, code, pos.line, pos.column, pos.length, fmt, ap);
    va_end(ap);
}

void l7_sctx_error_at(l7_sctx *c, int code, uint32_t line, uint32_t col, uint32_t len,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sctx_verror(c, code, line, col, len, fmt, ap);
    va_end(ap);
}

bool l7_sctx_count_token(l7_sctx *c, size_t lofs)
{
    if (++c->tokens <= c->lim.max_tokens)
        return true;
    l7_sctx_error(c, L7_ELIMIT, lofs, 1, "too many words in one command (limit %zu)",
                  c->lim.max_tokens);
    return false;
}

/* ---- values and escapes ------------------------------------------------------ */

static bool is_ws(uint8_t ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r';
}

static bool is_alpha(uint8_t ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static bool is_uhex(uint8_t ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'F');
}

static bool is_anyhex(uint8_t ch)
{
    return is_uhex(ch) || (ch >= 'a' && ch <= 'f');
}

static int uhex_val(uint8_t ch)
{
    return ch <= '9' ? ch - '0' : ch - 'A' + 10;
}

const char *l7_sctx_show(const l7_sctx *c, size_t lofs, size_t len,
                         char buf[L7_SHOW_MAX])
{
    /* Script text in messages: printable ASCII only, so that a hostile
     * script cannot send escape sequences to the terminal showing them. */
    size_t n = 0;
    for (size_t i = 0; i < len && lofs + i < c->lb_len; i++) {
        uint8_t ch = c->lb[lofs + i];
        if (n + 8 >= L7_SHOW_MAX) {
            memcpy(buf + n, "...", 3);
            n += 3;
            break;
        }
        if (ch >= 0x20 && ch < 0x7f)
            buf[n++] = (char)ch;
        else
            n += (size_t)snprintf(buf + n, L7_SHOW_MAX - n, "\\x%02X", ch);
    }
    buf[n] = '\0';
    return buf;
}

/* A byte for a message: printable ASCII as itself, anything else as \xHH. */
const char *l7_show_byte(uint8_t ch, char buf[8])
{
    if (ch > 0x20 && ch < 0x7f)
        snprintf(buf, 8, "%c", ch);
    else
        snprintf(buf, 8, "\\x%02X", ch);
    return buf;
}

static void tmp_push(l7_sctx *c, uint8_t ch)
{
    if (c->tmp_len == c->tmp_cap &&
        l7_grow(c->a, (void **)&c->tmp, &c->tmp_cap, c->tmp_len + 1, 1) < 0) {
        c->oom = L7_ENOMEM;
        c->stop = true;
        c->cmd_bad = true;
        return;
    }
    c->tmp[c->tmp_len++] = ch;
}

static int named_escape(uint8_t ch)
{
    switch (ch) {
    case '"':
    case '\\':
    case '$':
    case '?':
        return ch;
    case '_':
        return ' ';
    case 'a':
        return 0x07;
    case 'b':
        return 0x08;
    case 'f':
        return 0x0c; /* Decision 20: form feed, not the manual's 0xFF */
    case 'n':
        return 0x0a;
    case 'r':
        return 0x0d;
    case 't':
        return 0x09;
    case 'v':
        return 0x0b;
    default:
        return -1;
    }
}

/* Decode the escape at lb[p] == '\\' into c->tmp; errors are not fatal (the
 * rest of the string is still checked). Returns the offset after it. */
static size_t decode_escape(l7_sctx *c, size_t p)
{
    const uint8_t *lb = c->lb;
    size_t end = c->lb_len;
    if (p + 1 >= end) {
        l7_sctx_error(c, L7_ESYNTAX, p, 1, "backslash at the end of the command");
        return p + 1;
    }
    uint8_t e = lb[p + 1];
    int named = named_escape(e);
    if (named >= 0) {
        tmp_push(c, (uint8_t)named);
        return p + 2;
    }
    if (p + 2 < end && is_uhex(e) && is_uhex(lb[p + 2])) {
        int v = uhex_val(e) * 16 + uhex_val(lb[p + 2]);
        if (v == 0)
            l7_sctx_error(c, L7_ESYNTAX, p, 3, "'\\00' (a NUL byte) is not allowed");
        else
            tmp_push(c, (uint8_t)v);
        return p + 3;
    }
    if (p + 2 < end && is_anyhex(e) && is_anyhex(lb[p + 2])) {
        l7_sctx_error(c, L7_ESYNTAX, p, 3,
                      "invalid escape '\\%c%c': a hex escape takes two upper-case "
                      "hex digits",
                      e, lb[p + 2]);
        return p + 3;
    }
    char b[8];
    l7_sctx_error(c, L7_ESYNTAX, p, 2, "invalid escape sequence '\\%s'",
                  l7_show_byte(e, b));
    return p + 2;
}

/* `$` then a letter starts a RouterOS variable. Returns its length or 0. */
static size_t variable_len(const l7_sctx *c, size_t p)
{
    if (p + 1 >= c->lb_len || !is_alpha(c->lb[p + 1]))
        return 0;
    size_t e = p + 1;
    while (e < c->lb_len &&
           (is_alpha(c->lb[e]) || (c->lb[e] >= '0' && c->lb[e] <= '9') ||
            c->lb[e] == '_' || c->lb[e] == '-'))
        e++;
    return e - p;
}

static void variable_error(l7_sctx *c, size_t p, size_t n)
{
    l7_sctx_error(c, L7_EUNSUPPORTED, p, n,
                  "variables are not supported ('%.*s'); write '\\$' for a literal '$'",
                  (int)(n > 64 ? 64 : n), (const char *)c->lb + p);
}

/* Characters RouterOS requires to be quoted (or, for '?', escaped). */
static bool forbidden_unquoted(uint8_t ch)
{
    return ch == '=' || ch == '\'' || ch == '$' || ch == '(' || ch == ')' ||
           ch == '[' || ch == ']' || ch == '{' || ch == '`' || ch == '?';
}

static void forbidden_error(l7_sctx *c, size_t p)
{
    uint8_t ch = c->lb[p];
    if (ch == '?')
        l7_sctx_error(c, L7_ESYNTAX, p, 1,
                      "'?' must be written inside quotes as '\\?'");
    else
        l7_sctx_error(c, L7_ESYNTAX, p, 1,
                      "'%c' is not allowed in an unquoted value; quote the value", ch);
}

int l7_sctx_read_value(l7_sctx *c, size_t *pp, unsigned flags, bool *quoted)
{
    const uint8_t *lb = c->lb;
    size_t p = *pp, end = c->lb_len;
    c->tmp_len = 0;
    if (p < end && lb[p] == '"') {
        size_t open = p++;
        *quoted = true;
        for (;;) {
            if (p >= end) {
                l7_sctx_error(c, L7_ESYNTAX, open, 1, "unterminated string");
                return -1;
            }
            uint8_t ch = lb[p];
            if (ch == '"') {
                p++;
                break;
            }
            if (ch == '\\') {
                p = decode_escape(c, p);
                continue;
            }
            size_t vn;
            if (ch == '$' && (vn = variable_len(c, p)) > 0) {
                variable_error(c, p, vn);
                p += vn;
                continue;
            }
            tmp_push(c, ch);
            p++;
        }
        if (p < end && !is_ws(lb[p]) && lb[p] != ';' &&
            !((flags & L7_SVAL_EXPR) && (lb[p] == ')' || lb[p] == ']'))) {
            l7_sctx_error(c, L7_ESYNTAX, p, 1,
                          "unexpected text after the closing quote; separate words "
                          "with a space");
            return -1;
        }
    } else {
        *quoted = false;
        while (p < end) {
            uint8_t ch = lb[p];
            if (is_ws(ch) || ch == ';')
                break;
            if ((flags & L7_SVAL_EXPR) && (ch == ')' || ch == ']'))
                break;
            if (ch == '\\') {
                /* Scripting manual, "Line joining": a backslash is illegal
                 * on a line outside a string literal, except at its end. */
                l7_sctx_error(
                    c, L7_ESYNTAX, p, 2,
                    "a backslash escape is only allowed inside double quotes");
                return -1;
            }
            size_t vn;
            if (ch == '$' && (vn = variable_len(c, p)) > 0) {
                variable_error(c, p, vn);
                p += vn;
                continue;
            }
            if (ch == '"') {
                l7_sctx_error(c, L7_ESYNTAX, p, 1,
                              "'\"' inside an unquoted value; quote the whole value");
                return -1;
            }
            if (forbidden_unquoted(ch)) {
                forbidden_error(c, p);
                return -1;
            }
            tmp_push(c, ch);
            p++;
        }
    }
    *pp = p;
    return c->stop ? -1 : 0;
}

/* Forbidden bytes in a bare word. Returns -1 after an error. */
int l7_sctx_check_word(l7_sctx *c, size_t p, size_t e)
{
    for (size_t i = p; i < e; i++) {
        size_t vn;
        if (c->lb[i] == '$' && (vn = variable_len(c, i)) > 0) {
            variable_error(c, i, vn);
            return -1;
        }
        if (forbidden_unquoted(c->lb[i])) {
            forbidden_error(c, i);
            return -1;
        }
    }
    return 0;
}

const l7_script_arg *l7_script_cmd_arg(const l7_script_cmd *cmd, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = cmd->n_args; i-- > 0;)
        if (cmd->args[i].name.len == n && memcmp(cmd->args[i].name.ptr, name, n) == 0)
            return &cmd->args[i];
    return NULL;
}

/* ---- script objects ---------------------------------------------------------- */

int l7_script_new(l7_script **out, const char *file_name, const l7_alloc *alloc)
{
    l7_alloc a;
    if (alloc)
        a = *alloc;
    else
        L7_TRY(l7_alloc_init(&a, NULL));
    l7_script *s = l7_calloc(&a, 1, sizeof(*s));
    if (!s)
        return L7_ENOMEM;
    s->alloc = a;
    s->arena = l7_calloc(&a, 1, sizeof(*s->arena));
    if (!s->arena) {
        l7_free(&a, s);
        return L7_ENOMEM;
    }
    const char *fn = file_name ? file_name : "";
    size_t n = strlen(fn);
    char *copy = arena_alloc(&s->alloc, s->arena, n + 1);
    if (!copy) {
        l7_script_free(s);
        return L7_ENOMEM;
    }
    memcpy(copy, fn, n + 1);
    s->file_name = copy;
    *out = s;
    return 0;
}

void l7_script_free(l7_script *s)
{
    if (!s)
        return;
    l7_alloc a = s->alloc;
    for (size_t i = 0; i < s->n_regexes; i++)
        regfree(s->regexes[i]);
    l7_free(&a, s->regexes);
    l7_free(&a, s->cmd_store);
    arena_free(&a, s->arena);
    l7_free(&a, s);
}

/* ---- nft-style rendering of a diagnostic ------------------------------------------
 */

#define RENDER_WINDOW 240 /* bytes of a long source line shown around the column */

int l7_script_render_diag(char **out, const l7_diag_list *list, size_t index,
                          const uint8_t *text, size_t len, const l7_alloc *alloc)
{
    if (!out)
        return L7_EINVAL;
    *out = NULL;
    l7_alloc a;
    if (alloc)
        a = *alloc;
    else
        L7_TRY(l7_alloc_init(&a, NULL));
    int head = l7_diag_format(list, index, NULL, 0);
    if (head < 0)
        return head;
    uint32_t line = l7_diag_line(list, index);
    uint32_t col = l7_diag_column(list, index);
    uint32_t ulen = l7_diag_length(list, index);
    const uint8_t *ls = NULL;
    size_t ll = 0;
    if (text && line) {
        /* Line ends as the joiner counts them: LF, CR LF or a lone CR. */
        size_t p = 0;
        uint32_t l = 1;
        while (l < line && p < len) {
            if (text[p] == '\r' && p + 1 < len && text[p + 1] == '\n')
                p++;
            if (text[p] == '\n' || text[p] == '\r')
                l++;
            p++;
        }
        if (l == line) {
            ls = text + p;
            while (p < len && text[p] != '\n' && text[p] != '\r')
                p++;
            ll = (size_t)(text + p - ls);
        }
    }
    size_t c0 = col ? (size_t)col - 1 : 0;
    if (c0 > ll)
        c0 = ll;
    size_t from = 0, to = ll;
    if (ll > RENDER_WINDOW) {
        from = c0 > RENDER_WINDOW / 3 ? c0 - RENDER_WINDOW / 3 : 0;
        to = from + RENDER_WINDOW < ll ? from + RENDER_WINDOW : ll;
    }
    size_t u = ulen ? ulen : 1;
    if (c0 < to && u > to - c0)
        u = to - c0;
    if (c0 >= to)
        u = 1;
    size_t cap = (size_t)head + 1 + (to - from) + 8 + (c0 - from) + u + 8;
    char *buf = l7_malloc(&a, cap);
    if (!buf)
        return L7_ENOMEM;
    l7_diag_format(list, index, buf, (size_t)head + 1);
    size_t n = (size_t)head;
    if (ls && col) {
        buf[n++] = '\n';
        size_t pad = 0;
        if (from > 0) {
            memcpy(buf + n, "...", 3);
            n += 3;
            pad = 3;
        }
        for (size_t i = from; i < to; i++) {
            uint8_t ch = ls[i];
            buf[n++] = (char)((ch < 0x20 && ch != '\t') || ch == 0x7f ? '?' : ch);
        }
        if (to < ll) {
            memcpy(buf + n, "...", 3);
            n += 3;
        }
        buf[n++] = '\n';
        for (size_t i = 0; i < pad; i++)
            buf[n++] = ' ';
        for (size_t i = from; i < c0; i++)
            buf[n++] = ls[i] == '\t' ? '\t' : ' ';
        buf[n++] = '^';
        for (size_t i = 1; i < u; i++)
            buf[n++] = '~';
    }
    buf[n] = '\0';
    *out = buf;
    return 0;
}
