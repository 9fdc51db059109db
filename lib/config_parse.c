/*
 * RouterOS script syntax, command level: the physical-to-logical line joiner,
 * command tokenizing (menu path, verb, items, arguments, `where`), menu
 * tracking, and the entry points. See config_lex.c for the syntax facts.
 */
#include "config_syntax_internal.h"

#include <stdio.h>
#include <string.h>

static bool is_ws(uint8_t ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r';
}

static bool is_alpha(uint8_t ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* ---- the command parser -------------------------------------------------------- */

typedef struct hword {
    l7_sstr s;
    size_t lofs, len;
} hword;

typedef struct parser {
    l7_sctx c;
    hword *head;
    size_t n_head, head_cap;
    l7_script_item *items;
    size_t n_items, items_cap;
    l7_script_arg *args;
    size_t n_args, args_cap;
    l7_sstr *pathbuf;
    size_t pathbuf_cap;
    const l7_sstr *menu; /* current menu (arena) */
    size_t n_menu;
    bool limit_hit;
} parser;

/* Verbs that end a menu path. A command whose words contain none of them
 * takes its last bare word as the verb (`/tool torch interface=x`). */
static const char *const verbs[] = {
    "add",
    "set",
    "remove",
    "enable",
    "disable",
    "print",
    "export",
    "find",
    "get",
    "monitor",
    "reset-counters",
    "start",
    "stop",
    "edit",
    "move",
    "unset",
    "reset-counters-all",
    "import",
    "comment",
};

static bool is_verb(const uint8_t *w, size_t n)
{
    for (size_t i = 0; i < L7_ARRAY_SIZE(verbs); i++)
        if (strlen(verbs[i]) == n && memcmp(verbs[i], w, n) == 0)
            return true;
    return false;
}

static bool word_eq(const uint8_t *w, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(w, lit, n) == 0;
}

/* Bytes that end a bare word or a property name at command level. */
static bool word_stop(uint8_t ch)
{
    return is_ws(ch) || ch == ';' || ch == '=' || ch == '"' || ch == '[' || ch == ']' ||
           ch == '(' || ch == ')' || ch == '\\';
}

static size_t scan_word(const l7_sctx *c, size_t p)
{
    while (p < c->lb_len && !word_stop(c->lb[p]))
        p++;
    return p;
}

static bool valid_name(const uint8_t *w, size_t n)
{
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++) {
        uint8_t ch = w[i];
        if (!(is_alpha(ch) || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
              ch == '.'))
            return false;
    }
    return true;
}

#define PUSH(a, vec, n, cap, val)                                                      \
    do {                                                                               \
        if (l7_grow((a), (void **)&(vec), &(cap), (n) + 1, sizeof(*(vec))) < 0) {      \
            P->c.oom = L7_ENOMEM;                                                      \
            P->c.stop = true;                                                          \
            return -1;                                                                 \
        }                                                                              \
        (vec)[(n)++] = (val);                                                          \
    } while (0)

static int push_head(parser *P, size_t lofs, size_t len)
{
    hword h = {l7_sctx_strdup(&P->c, P->c.lb + lofs, len), lofs, len};
    PUSH(P->c.a, P->head, P->n_head, P->head_cap, h);
    return 0;
}

/* `0` or `0,3,7`: the numbers `print` showed. Returns 1 if the word is a
 * number list (parsed into *item), 0 if not, -1 after an error. */
static int parse_numbers(parser *P, size_t p, size_t e, l7_script_item *item)
{
    const uint8_t *w = P->c.lb + p;
    size_t n = e - p, count = 1;
    for (size_t i = 0; i < n; i++) {
        if (w[i] == ',') {
            if (i == 0 || i + 1 == n || w[i + 1] == ',')
                return 0;
            count++;
        } else if (w[i] < '0' || w[i] > '9') {
            return 0;
        }
    }
    uint32_t *nums = l7_sctx_alloc(&P->c, count * sizeof(*nums));
    if (!nums)
        return -1;
    size_t k = 0;
    uint64_t v = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || w[i] == ',') {
            nums[k++] = (uint32_t)v;
            v = 0;
            continue;
        }
        v = v * 10 + (uint64_t)(w[i] - '0');
        if (v > UINT32_MAX) {
            l7_sctx_error(&P->c, L7_ERANGE, p, n, "item number too large");
            return -1;
        }
    }
    item->kind = L7_SITEM_NUMBERS;
    item->numbers = nums;
    item->n_numbers = count;
    return 1;
}

/* `name=value` at [p, e) '=' ... */
static int parse_arg(parser *P, size_t *pp, size_t e)
{
    l7_sctx *c = &P->c;
    size_t p = *pp;
    if (c->lb[p] == '!') {
        char w[L7_SHOW_MAX];
        l7_sctx_error(c, L7_ESYNTAX, p, e - p + 1,
                      "'%s' unsets a property and takes no value",
                      l7_sctx_show(c, p, e - p, w));
        return -1;
    }
    if (!valid_name(c->lb + p, e - p)) {
        char w[L7_SHOW_MAX];
        l7_sctx_error(c, L7_ESYNTAX, p, e - p, "invalid property name '%s'",
                      l7_sctx_show(c, p, e - p, w));
        return -1;
    }
    l7_script_arg arg;
    memset(&arg, 0, sizeof(arg));
    arg.name = l7_sctx_strdup(c, c->lb + p, e - p);
    arg.name_pos = l7_sctx_pos(c, p, e - p);
    size_t v = e + 1;
    if (v < c->lb_len && c->lb[v] == '[') {
        l7_sctx_error(c, L7_EUNSUPPORTED, v, 1,
                      "a command '[...]' as a value is not supported");
        return -1;
    }
    size_t q = v;
    if (l7_sctx_read_value(c, &q, 0, &arg.quoted) < 0)
        return -1;
    arg.value = l7_sctx_strdup(c, c->tmp, c->tmp_len);
    arg.value_pos = l7_sctx_pos(c, v, q - v);
    arg.negated = !arg.quoted && arg.value.len && arg.value.ptr[0] == '!';
    PUSH(c->a, P->args, P->n_args, P->args_cap, arg);
    *pp = q;
    return 0;
}

/* Skip the rest of a bad command, up to its `;` (outside quotes). */
static size_t skip_command(const l7_sctx *c, size_t p)
{
    bool in_q = false;
    while (p < c->lb_len) {
        uint8_t ch = c->lb[p];
        if (ch == '\\') {
            p += 2;
            continue;
        }
        if (ch == '"')
            in_q = !in_q;
        else if (ch == ';' && !in_q)
            return p;
        p++;
    }
    return c->lb_len;
}

static int resolve_path(parser *P, bool absolute, size_t n_words, const l7_sstr **out,
                        size_t *n_out)
{
    l7_sctx *c = &P->c;
    size_t n = absolute ? 0 : P->n_menu;
    if (!n_words) {
        *out = absolute ? NULL : P->menu;
        *n_out = n;
        return 0;
    }
    size_t need = n + n_words;
    if (l7_grow(c->a, (void **)&P->pathbuf, &P->pathbuf_cap, need, sizeof(l7_sstr)) <
        0) {
        c->oom = L7_ENOMEM;
        c->stop = true;
        return -1;
    }
    if (n)
        memcpy(P->pathbuf, P->menu, n * sizeof(l7_sstr));
    for (size_t i = 0; i < n_words; i++) {
        const hword *h = &P->head[i];
        if (h->len == 2 && memcmp(h->s.ptr, "..", 2) == 0) {
            if (!n) {
                l7_sctx_error(c, L7_ESYNTAX, h->lofs, 2, "'..' above the root menu");
                return -1;
            }
            n--;
        } else if (h->len == 1 && h->s.ptr[0] == '.') {
            continue;
        } else {
            P->pathbuf[n++] = h->s;
        }
    }
    l7_sstr *path = l7_sctx_alloc(c, n * sizeof(*path));
    if (!path)
        return -1;
    memcpy(path, P->pathbuf, n * sizeof(*path));
    *out = path;
    *n_out = n;
    return 0;
}

static int emit_command(parser *P, l7_script_cmd *cmd)
{
    l7_sctx *c = &P->c;
    l7_script *s = c->script;
    if (s->n_cmds >= c->lim.max_commands) {
        l7_sctx_error(c, L7_ELIMIT, 0, 1, "too many commands (limit %zu)",
                      c->lim.max_commands);
        P->limit_hit = true;
        c->stop = true;
        return -1;
    }
    if (P->n_items) {
        l7_script_item *it = l7_sctx_alloc(c, P->n_items * sizeof(*it));
        if (!it)
            return -1;
        memcpy(it, P->items, P->n_items * sizeof(*it));
        cmd->items = it;
        cmd->n_items = P->n_items;
    }
    if (P->n_args) {
        l7_script_arg *ar = l7_sctx_alloc(c, P->n_args * sizeof(*ar));
        if (!ar)
            return -1;
        memcpy(ar, P->args, P->n_args * sizeof(*ar));
        cmd->args = ar;
        cmd->n_args = P->n_args;
    }
    if (l7_grow(c->a, (void **)&s->cmd_store, &s->cmd_cap, s->n_cmds + 1,
                sizeof(*s->cmd_store)) < 0) {
        c->oom = L7_ENOMEM;
        c->stop = true;
        return -1;
    }
    s->cmd_store[s->n_cmds++] = *cmd;
    s->cmds = s->cmd_store;
    return 0;
}

/* Parse the head words (menu path and verb) and everything after them. */
static int parse_command_body(parser *P, size_t *pp, l7_script_cmd *cmd, long *verb_idx)
{
    l7_sctx *c = &P->c;
    const uint8_t *lb = c->lb;
    size_t end = c->lb_len, p = *pp;
    bool head_open = true;
    for (;;) {
        while (p < end && is_ws(lb[p]))
            p++;
        *pp = p;
        if (p >= end || lb[p] == ';')
            return 0;
        if (!l7_sctx_count_token(c, p))
            return -1;
        uint8_t ch = lb[p];
        l7_script_item item;
        memset(&item, 0, sizeof(item));
        if (ch == '"') {
            head_open = false;
            size_t q = p;
            bool quoted;
            if (l7_sctx_read_value(c, &q, 0, &quoted) < 0)
                return -1;
            item.kind = L7_SITEM_QUOTED;
            item.text = l7_sctx_strdup(c, c->tmp, c->tmp_len);
            item.pos = l7_sctx_pos(c, p, q - p);
            PUSH(c->a, P->items, P->n_items, P->items_cap, item);
            p = q;
            continue;
        }
        if (ch == '[') {
            head_open = false;
            size_t q = p;
            if (l7_sx_parse_find(c, &q, &item.find) < 0)
                return -1;
            item.kind = L7_SITEM_FIND;
            item.text = l7_sctx_strdup(c, lb + p, q - p);
            item.pos = l7_sctx_pos(c, p, q - p);
            PUSH(c->a, P->items, P->n_items, P->items_cap, item);
            p = q;
            continue;
        }
        size_t e = scan_word(c, p);
        char b[8];
        if (e == p) {
            l7_sctx_error(c, L7_ESYNTAX, p, 1, "unexpected '%s'", l7_show_byte(ch, b));
            return -1;
        }
        uint8_t s = e < end ? lb[e] : 0;
        if (s == '=') {
            head_open = false;
            size_t q = p;
            if (parse_arg(P, &q, e) < 0)
                return -1;
            p = q;
            continue;
        }
        if (e < end && !is_ws(s) && s != ';') {
            char w[L7_SHOW_MAX];
            l7_sctx_error(c, L7_ESYNTAX, e, 1, "unexpected '%s' after '%s'",
                          l7_show_byte(s, b), l7_sctx_show(c, p, e - p, w));
            return -1;
        }
        if (head_open && lb[p] == '{') {
            l7_sctx_error(c, L7_EUNSUPPORTED, p, 1,
                          "script blocks ('{ ... }') are not supported");
            return -1;
        }
        if (l7_sctx_check_word(c, p, e) < 0)
            return -1;
        if (lb[p] == '!') {
            head_open = false;
            if (!valid_name(lb + p + 1, e - p - 1)) {
                l7_sctx_error(c, L7_ESYNTAX, p, e - p,
                              "invalid property name after '!'");
                return -1;
            }
            l7_script_arg arg;
            memset(&arg, 0, sizeof(arg));
            arg.unset = true;
            arg.name = l7_sctx_strdup(c, lb + p + 1, e - p - 1);
            arg.name_pos = l7_sctx_pos(c, p + 1, e - p - 1);
            arg.value = l7_sctx_strdup(c, "", 0);
            arg.value_pos = l7_sctx_pos(c, e, 0);
            PUSH(c->a, P->args, P->n_args, P->args_cap, arg);
            p = e;
            continue;
        }
        if (head_open && lb[p] == ':') {
            char w[L7_SHOW_MAX];
            l7_sctx_error(c, L7_EUNSUPPORTED, p, e - p,
                          "scripting commands ('%s') are not supported",
                          l7_sctx_show(c, p, e - p, w));
            return -1;
        }
        if (head_open) {
            /* Menu words, in either style: `/ip firewall filter add` or
             * `/ip/firewall/filter/add`. */
            size_t w = p;
            if (lb[w] == '/') {
                if (P->n_head) {
                    l7_sctx_error(c, L7_ESYNTAX, w, 1,
                                  "'/' may only start the first word of a path");
                    return -1;
                }
                cmd->absolute = true;
                w++;
            }
            while (w < e) {
                size_t k = w;
                while (k < e && lb[k] != '/')
                    k++;
                if (k == w) {
                    l7_sctx_error(c, L7_ESYNTAX, w, 1, "empty menu name in a path");
                    return -1;
                }
                if (*verb_idx >= 0) {
                    l7_sctx_error(c, L7_ESYNTAX, w - 1, k - w + 1,
                                  "unexpected '/' after the command '%.*s'",
                                  (int)P->head[*verb_idx].len,
                                  P->head[*verb_idx].s.ptr);
                    return -1;
                }
                if (push_head(P, w, k - w) < 0)
                    return -1;
                if (is_verb(lb + w, k - w)) {
                    *verb_idx = (long)P->n_head - 1;
                    head_open = false;
                }
                /* A trailing slash (`/ip/firewall/`) ends the loop here. */
                w = k < e ? k + 1 : k;
            }
            p = e;
            continue;
        }
        if (word_eq(lb + p, e - p, "where")) {
            size_t q = e;
            cmd->where_pos = l7_sctx_pos(c, p, e - p);
            if (l7_sx_parse_where(c, &q, &cmd->where) < 0)
                return -1;
            *pp = q;
            return 0;
        }
        int r = parse_numbers(P, p, e, &item);
        if (r < 0)
            return -1;
        if (r == 0) {
            item.kind = L7_SITEM_WORD;
            item.text = l7_sctx_strdup(c, lb + p, e - p);
        } else {
            item.text = l7_sctx_strdup(c, lb + p, e - p);
        }
        item.pos = l7_sctx_pos(c, p, e - p);
        PUSH(c->a, P->items, P->n_items, P->items_cap, item);
        p = e;
    }
}

static void parse_command(parser *P, size_t *pp)
{
    l7_sctx *c = &P->c;
    size_t start = *pp, p = start;
    c->cmd_bad = false;
    c->tokens = 0;
    P->n_head = P->n_items = P->n_args = 0;
    l7_script_cmd cmd;
    memset(&cmd, 0, sizeof(cmd));
    long verb_idx = -1;
    if (parse_command_body(P, &p, &cmd, &verb_idx) < 0 || c->cmd_bad) {
        *pp = skip_command(c, p);
        return;
    }
    *pp = p;
    size_t n_path;
    bool has_rest = P->n_items || P->n_args || cmd.where;
    if (verb_idx >= 0) {
        n_path = (size_t)verb_idx;
    } else if (P->n_head && has_rest) {
        verb_idx = (long)P->n_head - 1;
        n_path = P->n_head - 1;
    } else if (P->n_head || cmd.absolute) {
        n_path = P->n_head;
        cmd.kind = L7_SCMD_MENU;
    } else {
        l7_sctx_error(c, L7_ESYNTAX, start, p - start,
                      "expected a command before the arguments");
        return;
    }
    if (resolve_path(P, cmd.absolute, n_path, &cmd.path, &cmd.n_path) < 0)
        return;
    if (n_path) {
        const hword *last = &P->head[n_path - 1];
        size_t from = cmd.absolute ? P->head[0].lofs - 1 : P->head[0].lofs;
        cmd.path_pos = l7_sctx_pos(c, from, last->lofs + last->len - from);
    } else if (cmd.absolute) {
        cmd.path_pos = l7_sctx_pos(c, start, 1);
    } else {
        cmd.path_pos = l7_sctx_pos(c, start, 0);
    }
    if (verb_idx >= 0) {
        cmd.verb = P->head[verb_idx].s;
        cmd.verb_pos = l7_sctx_pos(c, P->head[verb_idx].lofs, P->head[verb_idx].len);
    } else {
        cmd.verb = l7_sctx_strdup(c, "", 0);
    }
    cmd.pos = l7_sctx_pos(c, start, p - start);
    if (c->cmd_bad)
        return;
    if (cmd.kind == L7_SCMD_MENU) {
        P->menu = cmd.path;
        P->n_menu = cmd.n_path;
    }
    emit_command(P, &cmd);
}

static void parse_logical_line(parser *P)
{
    l7_sctx *c = &P->c;
    size_t p = 0;
    while (p < c->lb_len && !c->stop) {
        while (p < c->lb_len && is_ws(c->lb[p]))
            p++;
        if (p >= c->lb_len)
            break;
        if (c->lb[p] == ';') {
            p++;
            continue;
        }
        parse_command(P, &p);
        if (p < c->lb_len && c->lb[p] == ';')
            p++;
    }
}

/* ---- the line joiner ----------------------------------------------------------------
 */

typedef struct joiner {
    const uint8_t *text;
    size_t len, p;
    uint32_t line, col;
    uint8_t *lb;
    size_t lb_len, lb_cap; /* lb_cap = max_line */
    l7_sseg *seg;
    size_t n_seg, seg_cap;
} joiner;

/* Length of the line end at text[p], or 0. RouterOS accepts LF, CR LF and
 * a lone CR (Scripting manual, "Physical line"). */
static size_t newline_at(const joiner *j, size_t p)
{
    if (p >= j->len)
        return 0;
    if (j->text[p] == '\n')
        return 1;
    if (j->text[p] == '\r')
        return p + 1 < j->len && j->text[p + 1] == '\n' ? 2 : 1;
    return 0;
}

static int new_segment(l7_sctx *c, joiner *j)
{
    if (j->n_seg && j->seg[j->n_seg - 1].lofs == j->lb_len) {
        j->seg[j->n_seg - 1].line = j->line;
        j->seg[j->n_seg - 1].column = j->col;
        return 0;
    }
    if (l7_grow(c->a, (void **)&j->seg, &j->seg_cap, j->n_seg + 1, sizeof(*j->seg)) < 0)
        return L7_ENOMEM;
    j->seg[j->n_seg++] = (l7_sseg){(uint32_t)j->lb_len, j->line, j->col};
    return 0;
}

/*
 * Read the next logical line into j->lb. Returns 1 when a line was read and
 * should be parsed, 0 when it was read but must be skipped (an error was
 * reported), negative on allocation failure.
 */
static int join_line(l7_sctx *c, joiner *j)
{
    j->lb_len = 0;
    j->n_seg = 0;
    uint32_t start_line = j->line, start_col = j->col;
    bool in_q = false, too_long = false, nul = false;
    L7_TRY(new_segment(c, j));
#define EMIT(ch)                                                                       \
    do {                                                                               \
        if (j->lb_len < j->lb_cap)                                                     \
            j->lb[j->lb_len++] = (ch);                                                 \
        else                                                                           \
            too_long = true;                                                           \
    } while (0)
    while (j->p < j->len) {
        uint8_t ch = j->text[j->p];
        size_t nl = newline_at(j, j->p);
        if (nl) {
            j->p += nl;
            j->line++;
            j->col = 1;
            break;
        }
        if (ch == '\\') {
            size_t cont = newline_at(j, j->p + 1);
            if (cont || j->p + 1 == j->len) {
                j->p += 1 + cont;
                j->line++;
                j->col = 1;
                if (!in_q)
                    EMIT(' '); /* the join ends a word outside strings */
                if (in_q) {
                    while (j->p < j->len &&
                           (j->text[j->p] == ' ' || j->text[j->p] == '\t')) {
                        j->p++;
                        j->col++;
                    }
                }
                if (!too_long)
                    L7_TRY(new_segment(c, j));
                continue;
            }
            /* An escape pair: its second byte never opens or closes a
             * string nor starts a comment. */
            EMIT(ch);
            j->p++;
            j->col++;
            ch = j->text[j->p];
            if (newline_at(j, j->p))
                continue;
        } else if (ch == '"') {
            in_q = !in_q;
        } else if (ch == '#' && !in_q &&
                   (j->lb_len == 0 || is_ws(j->lb[j->lb_len - 1]) ||
                    j->lb[j->lb_len - 1] == ';')) {
            while (j->p < j->len && !newline_at(j, j->p))
                j->p++;
            continue;
        }
        if (ch == 0 && !nul) {
            nul = true;
            l7_sctx_error_at(c, L7_ESYNTAX, j->line, j->col, 1,
                             "NUL byte in the script");
        }
        EMIT(ch);
        j->p++;
        j->col++;
    }
#undef EMIT
    if (too_long) {
        l7_sctx_error_at(c, L7_ELIMIT, start_line, start_col, 1,
                         "command too long (more than %zu bytes after joining lines)",
                         c->lim.max_line);
        return 0;
    }
    return nul ? 0 : 1;
}

/* ---- entry points -------------------------------------------------------------------
 */

static void resolve_limits(l7_script_limits *out, const l7_script_limits *in)
{
    l7_script_limits d = {L7_SCRIPT_DEFAULT_MAX_INPUT,    L7_SCRIPT_DEFAULT_MAX_LINE,
                          L7_SCRIPT_DEFAULT_MAX_TOKENS,   L7_SCRIPT_DEFAULT_MAX_DEPTH,
                          L7_SCRIPT_DEFAULT_MAX_COMMANDS, L7_SCRIPT_DEFAULT_MAX_ERRORS};
    if (in) {
        if (in->max_input)
            d.max_input = in->max_input;
        if (in->max_line)
            d.max_line = in->max_line;
        if (in->max_tokens)
            d.max_tokens = in->max_tokens;
        if (in->max_depth)
            d.max_depth = in->max_depth;
        if (in->max_commands)
            d.max_commands = in->max_commands;
        if (in->max_errors)
            d.max_errors = in->max_errors;
    }
    /* The parser recurses once per parenthesis level. */
    if (d.max_depth > 256)
        d.max_depth = 256;
    /* Offsets, lines and columns are 32-bit. */
    if (d.max_input > UINT32_MAX)
        d.max_input = UINT32_MAX;
    if (d.max_line > UINT32_MAX / 2)
        d.max_line = UINT32_MAX / 2;
    *out = d;
}

static int finish(l7_script **out, l7_script *s, l7_sctx *c, bool limit_hit)
{
    if (c->oom) {
        l7_script_free(s);
        return L7_ENOMEM;
    }
    *out = s;
    if (limit_hit || (c->stop && s->n_errors >= c->lim.max_errors))
        return L7_ELIMIT;
    return s->n_errors ? L7_ESYNTAX : L7_OK;
}

static int parse_text(l7_script **out, const char *file_name, const uint8_t *text,
                      size_t len, const l7_script_limits *limits, l7_diag_list *diag,
                      const l7_alloc *alloc, bool expr_only)
{
    if (!out)
        return L7_EINVAL;
    *out = NULL;
    if (!text && len)
        return L7_EINVAL;
    l7_script *s;
    L7_TRY(l7_script_new(&s, file_name, alloc));
    parser P;
    memset(&P, 0, sizeof(P));
    l7_sctx *c = &P.c;
    c->a = &s->alloc;
    c->script = s;
    c->diag = diag;
    resolve_limits(&c->lim, limits);
    if (len > c->lim.max_input) {
        l7_sctx_error_at(c, L7_ELIMIT, 0, 0, 0,
                         "script too large (%zu bytes, limit %zu)", len,
                         c->lim.max_input);
        return finish(out, s, c, true);
    }
    joiner j;
    memset(&j, 0, sizeof(j));
    j.text = text;
    j.len = len;
    j.line = 1;
    j.col = 1;
    /* A logical line is never longer than the text it comes from. */
    j.lb_cap = len < c->lim.max_line ? len : c->lim.max_line;
    j.lb = l7_malloc(c->a, j.lb_cap ? j.lb_cap : 1);
    if (!j.lb) {
        l7_script_free(s);
        return L7_ENOMEM;
    }
    if (expr_only) {
        /* One logical line: the whole text, newlines included, is the
         * expression (a console passes one line). */
        int r = join_line(c, &j);
        if (r == 1 && j.p < len) {
            l7_sctx_error_at(c, L7_ESYNTAX, j.line, 1, 1,
                             "an expression must fit on one line");
            r = 0;
        }
        if (r == 1) {
            c->lb = j.lb;
            c->lb_len = j.lb_len;
            c->seg = j.seg;
            c->n_seg = j.n_seg;
            size_t p = 0;
            const l7_sexpr *e = NULL;
            if (l7_sx_parse_where(c, &p, &e) == 0 && !c->cmd_bad) {
                if (p < j.lb_len)
                    l7_sctx_error(c, L7_ESYNTAX, p, 1, "unexpected ';'");
                else
                    s->expr = e;
            }
        } else if (r < 0) {
            c->oom = r;
        }
    } else {
        while (j.p < len && !c->stop) {
            int r = join_line(c, &j);
            if (r < 0) {
                c->oom = r;
                break;
            }
            if (r == 0)
                continue;
            c->lb = j.lb;
            c->lb_len = j.lb_len;
            c->seg = j.seg;
            c->n_seg = j.n_seg;
            parse_logical_line(&P);
        }
    }
    l7_free(c->a, j.lb);
    l7_free(c->a, j.seg);
    l7_free(c->a, c->tmp);
    l7_free(c->a, P.head);
    l7_free(c->a, P.items);
    l7_free(c->a, P.args);
    l7_free(c->a, P.pathbuf);
    return finish(out, s, c, P.limit_hit);
}

int l7_script_parse(l7_script **out, const char *file_name, const uint8_t *text,
                    size_t len, const l7_script_limits *limits, l7_diag_list *diag,
                    const l7_alloc *alloc)
{
    return parse_text(out, file_name, text, len, limits, diag, alloc, false);
}

int l7_script_parse_expr(l7_script **out, const char *file_name, const uint8_t *text,
                         size_t len, const l7_script_limits *limits, l7_diag_list *diag,
                         const l7_alloc *alloc)
{
    return parse_text(out, file_name, text, len, limits, diag, alloc, true);
}
