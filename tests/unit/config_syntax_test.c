/* RouterOS script syntax layer: joiner, tokenizer, escapes, find/where
 * expressions, bounds, diagnostics, and the seed page's code blocks. */
#include "testutil.h"

#include "common_internal.h"
#include "config_syntax_internal.h"
#include "l7/l7.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------------ */

typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;

static void sb_putc(sbuf *b, char ch)
{
    if (b->n + 2 > b->cap) {
        b->cap = b->cap ? b->cap * 2 : 256;
        b->p = realloc(b->p, b->cap);
        ck_assert_ptr_nonnull(b->p);
    }
    b->p[b->n++] = ch;
    b->p[b->n] = '\0';
}

static void sb_puts(sbuf *b, const char *s)
{
    if (!b->p) {
        b->cap = 256;
        b->p = calloc(1, b->cap);
        ck_assert_ptr_nonnull(b->p);
    }
    while (*s)
        sb_putc(b, *s++);
}

static void sb_bytes(sbuf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch >= 0x7f) {
            char hex[8];
            snprintf(hex, sizeof(hex), "<%02X>", ch);
            sb_puts(b, hex);
        } else {
            sb_putc(b, (char)ch);
        }
    }
}

static void dump_expr(sbuf *b, const l7_sexpr *e)
{
    switch (e->op) {
    case L7_SX_ALL:
        sb_puts(b, "all");
        return;
    case L7_SX_AND:
    case L7_SX_OR:
        sb_putc(b, '(');
        for (size_t i = 0; i < e->n_kids; i++) {
            if (i)
                sb_puts(b, e->op == L7_SX_AND ? " & " : " | ");
            dump_expr(b, e->kids[i]);
        }
        sb_putc(b, ')');
        return;
    case L7_SX_NOT:
        sb_putc(b, '!');
        dump_expr(b, e->kids[0]);
        return;
    case L7_SX_BOOL:
        sb_bytes(b, e->name.ptr, e->name.len);
        return;
    case L7_SX_EQ:
    case L7_SX_NE:
    case L7_SX_MATCH:
        sb_bytes(b, e->name.ptr, e->name.len);
        sb_puts(b, e->op == L7_SX_EQ ? "=" : e->op == L7_SX_NE ? "!=" : "~");
        if (e->quoted)
            sb_putc(b, '"');
        sb_bytes(b, e->value.ptr, e->value.len);
        if (e->quoted)
            sb_putc(b, '"');
        return;
    }
}

/* One line per command:
 *   menu /ip/firewall/filter
 *   /ip/firewall/filter add <w:stats> <n:0,1> <q:text> <find:EXPR> a=b c="q" !d
 * neg:e=!x
 *   ... where:EXPR */
static char *dump_script(const l7_script *s)
{
    sbuf b = {0};
    sb_puts(&b, "");
    for (size_t i = 0; i < s->n_cmds; i++) {
        const l7_script_cmd *c = &s->cmds[i];
        if (i)
            sb_putc(&b, '\n');
        if (c->kind == L7_SCMD_MENU)
            sb_puts(&b, "menu ");
        if (!c->n_path)
            sb_putc(&b, '/');
        for (size_t k = 0; k < c->n_path; k++) {
            sb_putc(&b, '/');
            sb_bytes(&b, c->path[k].ptr, c->path[k].len);
        }
        if (c->kind == L7_SCMD_MENU)
            continue;
        sb_putc(&b, ' ');
        sb_bytes(&b, c->verb.ptr, c->verb.len);
        for (size_t k = 0; k < c->n_items; k++) {
            const l7_script_item *it = &c->items[k];
            sb_puts(&b, it->kind == L7_SITEM_WORD      ? " <w:"
                        : it->kind == L7_SITEM_QUOTED  ? " <q:"
                        : it->kind == L7_SITEM_NUMBERS ? " <n:"
                                                       : " <find:");
            if (it->kind == L7_SITEM_FIND) {
                dump_expr(&b, it->find);
            } else if (it->kind == L7_SITEM_NUMBERS) {
                for (size_t m = 0; m < it->n_numbers; m++) {
                    char num[16];
                    snprintf(num, sizeof(num), "%s%u", m ? "," : "",
                             (unsigned)it->numbers[m]);
                    sb_puts(&b, num);
                }
            } else {
                sb_bytes(&b, it->text.ptr, it->text.len);
            }
            sb_putc(&b, '>');
        }
        for (size_t k = 0; k < c->n_args; k++) {
            const l7_script_arg *a = &c->args[k];
            sb_putc(&b, ' ');
            if (a->negated)
                sb_puts(&b, "neg:");
            if (a->unset) {
                sb_putc(&b, '!');
                sb_bytes(&b, a->name.ptr, a->name.len);
                continue;
            }
            sb_bytes(&b, a->name.ptr, a->name.len);
            sb_putc(&b, '=');
            if (a->quoted)
                sb_putc(&b, '"');
            sb_bytes(&b, a->value.ptr, a->value.len);
            if (a->quoted)
                sb_putc(&b, '"');
        }
        if (c->where) {
            sb_puts(&b, " where:");
            dump_expr(&b, c->where);
        }
    }
    return b.p;
}

/* "line:col:len" of every error, comma separated. */
static char *dump_errors(const l7_diag_list *d)
{
    sbuf b = {0};
    sb_puts(&b, "");
    for (size_t i = 0; i < l7_diag_list_count(d); i++) {
        if (l7_diag_severity(d, i) != L7_SEV_ERROR)
            continue;
        char e[64];
        snprintf(e, sizeof(e), "%s%u:%u:%u", b.n ? "," : "",
                 (unsigned)l7_diag_line(d, i), (unsigned)l7_diag_column(d, i),
                 (unsigned)l7_diag_length(d, i));
        sb_puts(&b, e);
    }
    return b.p;
}

static int parse(const char *text, size_t len, const l7_script_limits *lim,
                 l7_script **s, l7_diag_list **d)
{
    ck_assert_int_eq(l7_diag_list_create(d, NULL), L7_OK);
    return l7_script_parse(s, "t.rsc", (const uint8_t *)text, len, lim, *d, NULL);
}

/* ---- the grammar table -------------------------------------------------------------
 */

static const struct {
    const char *text;
    const char *dump;   /* expected commands */
    const char *errors; /* expected "line:col:len" list */
} grammar_cases[] = {
    /* menus */
    {"/ip firewall filter add chain=forward action=drop",
     "/ip/firewall/filter add chain=forward action=drop", ""},
    {"/ip/firewall/filter/add chain=forward", "/ip/firewall/filter add chain=forward",
     ""},
    {"/ip/firewall filter add chain=forward", "/ip/firewall/filter add chain=forward",
     ""},
    {"/ip firewall filter\nadd chain=x\n",
     "menu /ip/firewall/filter\n/ip/firewall/filter add chain=x", ""},
    {"/ip/firewall/filter/\nadd chain=x",
     "menu /ip/firewall/filter\n/ip/firewall/filter add chain=x", ""},
    {"/ip\nfirewall filter add chain=x\nfirewall mangle\nadd chain=y",
     "menu /ip\n/ip/firewall/filter add chain=x\nmenu /ip/firewall/mangle\n"
     "/ip/firewall/mangle add chain=y",
     ""},
    {"/ip firewall filter\n.. mangle add chain=x",
     "menu /ip/firewall/filter\n/ip/firewall/mangle add chain=x", ""},
    {"/ip\n.. .. add", "menu /ip", "2:4:2"},
    {"/\nadd x=1", "menu /\n/ add x=1", ""},
    /* an absolute command does not change the current menu */
    {"/queue tree\n/ip firewall filter add chain=a\nadd name=q",
     "menu /queue/tree\n/ip/firewall/filter add chain=a\n/queue/tree add name=q", ""},
    {"/system resource print", "/system/resource print", ""},
    {"/tool torch interface=bridge duration=30",
     "/tool torch interface=bridge duration=30", ""},
    {"/tool sniffer start interface=bridge filter-stream=yes file-name=l7-debug.pcap",
     "/tool/sniffer start interface=bridge filter-stream=yes file-name=l7-debug.pcap",
     ""},
    {"/ip/a/add/b x=1", "", "1:10:2"},
    {"/ip//a add", "", "1:5:1"},
    {"/ip /a add", "", "1:5:1"},
    /* separators and comments */
    {"/a; add x=1; add x=2;", "menu /a\n/a add x=1\n/a add x=2", ""},
    {";;  ; ", "", ""},
    {"# comment\n\n   # indented comment\n/a add x=1 # trailing\n", "/a add x=1", ""},
    {"/a add x=1;# after a separator", "/a add x=1", ""},
    {"/a add x=a#b y=\"#q\"", "/a add x=a#b y=\"#q\"", ""},
    {"# a comment cannot be continued \\\n/a add x=1", "/a add x=1", ""},
    {"/a add x=1 \\\n    # comment inside a command\n/a add y=2",
     "/a add x=1\n/a add y=2", ""},
    /* continuation */
    {"/a add x=1 \\\n    y=2", "/a add x=1 y=2", ""},
    {"/a add x=1\\\n2 y=3", "/a add <n:2> x=1 y=3", ""},
    {"/a add x=1\\\ny=2", "/a add x=1 y=2", ""},
    {"/a add x=1\r/a add y=2\r\r/a add z=(", "/a add x=1\n/a add y=2", "4:10:1"},
    {"/a add x=1 \\\r    y=\"2\\\r  3\"", "/a add x=1 y=\"23\"", ""},
    {"/a add x=\"ab\\\n    cd\"", "/a add x=\"abcd\"", ""},
    {"/a add x=\"ab \\\n\t cd\"", "/a add x=\"ab cd\"", ""},
    {"/ip firewall layer7-protocol add name=bt regexp=\"^(\\\\x13bittorrent "
     "protocol|azver\\\\x01\\$\\\n    |get /scrape\\\\\\?info_hash=)\"",
     "/ip/firewall/layer7-protocol add name=bt regexp=\"^(\\x13bittorrent "
     "protocol|azver\\x01$|get /scrape\\?info_hash=)\"",
     ""},
    {"/a add x=\"a\\\\\\\n  b\"", "/a add x=\"a\\b\"", ""},
    {"/a add x=1 \\", "/a add x=1", ""},
    /* CRLF */
    {"/a add x=1\r\n/a add y=\"2\"\r\n", "/a add x=1\n/a add y=\"2\"", ""},
    {"/a add x=1 \\\r\n    y=2\r\n", "/a add x=1 y=2", ""},
    {"/a add x=\"p\\\r\n    q\"\r\n", "/a add x=\"pq\"", ""},
    /* items and arguments */
    {"/a add x=1 place-before=0", "/a add x=1 place-before=0", ""},
    {"/a set 0 !comment", "/a set <n:0> !comment", ""},
    {"/a remove 0,1,12", "/a remove <n:0,1,12>", ""},
    {"/a remove 0,,1", "/a remove <w:0,,1>", ""},
    {"/a remove 99999999999", "", "1:11:11"},
    {"/ip firewall layer7-protocol set youtube regexp=\"^.*youtube.*$\"",
     "/ip/firewall/layer7-protocol set <w:youtube> regexp=\"^.*youtube.*$\"", ""},
    {"/a set \"my name\" x=1", "/a set <q:my name> x=1", ""},
    {"/a add src-address-list=!X", "/a add neg:src-address-list=!X", ""},
    {"/a add src-address-list=\"!X\"", "/a add src-address-list=\"!X\"", ""},
    {"/a add comment=", "/a add comment=", ""},
    {"/a add comment=\"\"", "/a add comment=\"\"", ""},
    {"/a !x=1", "", "1:4:3"},
    {"/a add bad+name=1", "", "1:8:8"},
    {"/a add x=[find]", "", "1:10:1"},
    {"x=1", "", "1:1:3"},
    /* find and where */
    {"/a disable [find]", "/a disable <find:all>", ""},
    {"/a disable [ find ]", "/a disable <find:all>", ""},
    {"/a set [find name=x] y=1", "/a set <find:name=x> y=1", ""},
    {"/a set [ find default=yes comment~\"ID:x\" ] y=1",
     "/a set <find:(default=yes & comment~\"ID:x\")> y=1", ""},
    {"/a remove [find where a=1 and b!=\"2\" or not c~\"^x\"]",
     "/a remove <find:((a=1 & b!=\"2\") | !c~\"^x\")>", ""},
    {"/a remove [find where (a=1 or b=2) and disabled]",
     "/a remove <find:((a=1 | b=2) & disabled)>", ""},
    {"/a remove [find where !disabled && a = 1 || b=2]",
     "/a remove <find:((!disabled & a=1) | b=2)>", ""},
    {"/a remove [foo]", "", "1:11:4"},
    {"/a remove [find", "", "1:11:1"},
    {"/a remove [find a=1]x", "", "1:21:1"},
    {"/a remove [find where a=1 b=2]", "", "1:27:1"},
    {"/a print [find where a~\"(\"]", "", "1:24:3"},
    /* glibc back-references backtrack exponentially on long values */
    {"/a print where comment~\"(a|aa)*\\\\1c\"", "", "1:24:13"},
    {"/a print where comment~\"[\\\\1]\"", "/a print where:comment~\"[\\1]\"", ""},
    {"/log print where topics~\"firewall\" and message~\"layer7\"",
     "/log print where:(topics~\"firewall\" & message~\"layer7\")", ""},
    {"/ip firewall filter print stats where layer7-protocol~\"youtube\"",
     "/ip/firewall/filter print <w:stats> where:layer7-protocol~\"youtube\"", ""},
    {"/ip firewall connection print detail where layer7-protocol!=no-protocol",
     "/ip/firewall/connection print <w:detail> where:layer7-protocol!=no-protocol", ""},
    {"/a print where", "", "1:15:1"},
    {"/a print where a=1; /b print", "/a print where:a=1\n/b print", ""},
    {"/a print where a=", "", "1:18:1"},
    /* forbidden unquoted characters */
    {"/a add x=a(b", "", "1:11:1"},
    {"/a add x=a)b", "", "1:11:1"},
    {"/a add x=a?b", "", "1:11:1"},
    /* a backslash outside quotes is an error (except at the end of a line) */
    {"/a add x=a\\?b", "", "1:11:2"},
    {"/a add x=a\\_b", "", "1:11:2"},
    {"/a add x=\\41", "", "1:10:2"},
    {"/a add \\x=1", "", "1:8:1"},
    {"/a add x=a'b", "", "1:11:1"},
    {"/a add x=a=b", "", "1:11:1"},
    {"/a add x=a{b", "", "1:11:1"},
    {"/a add x=a`b", "", "1:11:1"},
    {"/a add x=a[b", "", "1:11:1"},
    {"/a add x=a]b", "", "1:11:1"},
    {"/a add x=a\"b\"", "", "1:11:1"},
    {"/a add x=\"a\"b", "", "1:13:1"},
    {"/a add x=a$", "", "1:11:1"},
    {"/a add x=$abc", "", "1:10:4"},
    {"/a add x=\"a$abc b\"", "", "1:12:4"},
    {"/a add x=\"^.*$\" y=\"$\" z=\"$1 $( $_\"",
     "/a add x=\"^.*$\" y=\"$\" z=\"$1 $( $_\"", ""},
    {"/a add x=\"unterminated", "", "1:10:1"},
    {"/a add x=\"one\nadd y=2", "/ add y=2", "1:10:1"},
    {"/a ad$x", "", "1:6:2"},
    /* Windows-1252 bytes, NUL */
    {"# caf\xe9 \xff\xfe\n/a add comment=\"caf\xe9\" note=\xe9t\xe9",
     "/a add comment=\"caf<E9>\" note=<E9>t<E9>", ""},
    /* several errors in one script, positions after joining */
    {"/a add x=a(b\n/a add y=1\n/a add z=\"\\q\" \\\n    w=\"ok\\e\"\n/a add v=$w",
     "/a add y=1", "1:11:1,3:11:2,4:10:2,5:10:2"},
    {"/a add x=\"ab\\\n    c\\qd\"", "", "2:6:2"},
    {"/a add x=1 \\\n  y=(", "", "2:5:1"},
};

START_TEST(test_grammar)
{
    const char *text = grammar_cases[_i].text;
    l7_script *s = NULL;
    l7_diag_list *d = NULL;
    int rc = parse(text, strlen(text), NULL, &s, &d);
    ck_assert_ptr_nonnull(s);
    char *dump = dump_script(s);
    char *errs = dump_errors(d);
    if (strcmp(dump, grammar_cases[_i].dump) != 0 ||
        strcmp(errs, grammar_cases[_i].errors) != 0) {
        for (size_t i = 0; i < l7_diag_list_count(d); i++) {
            char *r = NULL;
            l7_script_render_diag(&r, d, i, (const uint8_t *)text, strlen(text), NULL);
            fprintf(stderr, "%s\n", r);
            l7_free(&s->alloc, r);
        }
    }
    ck_assert_str_eq(dump, grammar_cases[_i].dump);
    ck_assert_str_eq(errs, grammar_cases[_i].errors);
    ck_assert_int_eq(rc, *grammar_cases[_i].errors ? L7_ESYNTAX : L7_OK);
    ck_assert_uint_eq(s->n_errors, l7_diag_list_count_severity(d, L7_SEV_ERROR));
    free(dump);
    free(errs);
    l7_script_free(s);
    l7_diag_list_destroy(d);
}
END_TEST

/* ---- every escape ------------------------------------------------------------------
 */

static const struct {
    const char *esc; /* what goes between the quotes */
    const char *bytes;
    size_t len;
    uint32_t err_col; /* 0: valid; columns count from `/a add x="` (10 bytes) */
    uint32_t err_len;
} escape_cases[] = {
    {"\\\"", "\"", 1, 0, 0},
    {"\\\\", "\\", 1, 0, 0},
    {"\\$", "$", 1, 0, 0},
    {"\\?", "?", 1, 0, 0},
    {"\\_", " ", 1, 0, 0},
    {"\\a", "\x07", 1, 0, 0},
    {"\\b", "\x08", 1, 0, 0},
    {"\\f", "\x0c", 1, 0, 0},
    {"\\n", "\n", 1, 0, 0},
    {"\\r", "\r", 1, 0, 0},
    {"\\t", "\t", 1, 0, 0},
    {"\\v", "\x0b", 1, 0, 0},
    {"\\41", "A", 1, 0, 0},
    {"\\FF", "\xff", 1, 0, 0},
    {"\\0A", "\n", 1, 0, 0},
    {"\\7F\\80", "\x7f\x80", 2, 0, 0},
    {"\\bA",
     "\x08"
     "A",
     2, 0, 0}, /* named escape, then 'A' */
    {"\\ff",
     "\x0c"
     "f",
     2, 0, 0}, /* form feed, then 'f' */
    {"\\a1",
     "\x07"
     "1",
     2, 0, 0},
    {"\\\\x13", "\\x13", 4, 0, 0}, /* the regexp's own level survives */
    {"\\\\\\?", "\\?", 2, 0, 0},
    {"\\1f", "", 0, 11, 3}, /* lower-case hex digit */
    {"\\Ab", "", 0, 11, 3}, /* 'b' is a lower-case hex digit */
    {"\\AG", "", 0, 11, 2}, /* 'A' then a non-hex: no such escape */
    {"\\00", "", 0, 11, 3}, /* NUL */
    {"\\x41", "", 0, 11, 2},
    {"\\e", "", 0, 11, 2},
    {"\\q", "", 0, 11, 2},
    {"\\G1", "", 0, 11, 2},
    {"\\ ", "", 0, 11, 2},
    {"\\'", "", 0, 11, 2},
    {"ok\\z", "", 0, 13, 2},
    {"\\A", "", 0, 11, 2}, /* one hex digit only */
    {"$x", "", 0, 11, 2},  /* a variable */
    {"$", "$", 1, 0, 0},
    {".*$", ".*$", 3, 0, 0},
    {"\t\x01\xe9", "\t\x01\xe9", 3, 0, 0}, /* raw bytes are kept */
};

START_TEST(test_escapes)
{
    char text[128];
    snprintf(text, sizeof(text), "/a add x=\"%s\"", escape_cases[_i].esc);
    l7_script *s = NULL;
    l7_diag_list *d = NULL;
    int rc = parse(text, strlen(text), NULL, &s, &d);
    if (escape_cases[_i].err_col == 0) {
        ck_assert_int_eq(rc, L7_OK);
        ck_assert_uint_eq(s->n_cmds, 1);
        ck_assert_uint_eq(s->cmds[0].n_args, 1);
        const l7_script_arg *a = &s->cmds[0].args[0];
        ck_assert_uint_eq(a->value.len, escape_cases[_i].len);
        ck_assert_mem_eq(a->value.ptr, escape_cases[_i].bytes, a->value.len);
        ck_assert_int_eq(a->value.ptr[a->value.len], 0);
        ck_assert(a->quoted);
        /* The value's source span covers the quotes. */
        ck_assert_uint_eq(a->value_pos.column, 10);
        ck_assert_uint_eq(a->value_pos.length, strlen(text) - 9);
    } else {
        ck_assert_int_eq(rc, L7_ESYNTAX);
        ck_assert_uint_eq(s->n_cmds, 0);
        ck_assert_uint_eq(l7_diag_list_count(d), 1);
        ck_assert_uint_eq(l7_diag_line(d, 0), 1);
        ck_assert_uint_eq(l7_diag_column(d, 0), escape_cases[_i].err_col);
        ck_assert_uint_eq(l7_diag_length(d, 0), escape_cases[_i].err_len);
    }
    l7_script_free(s);
    l7_diag_list_destroy(d);
}
END_TEST

START_TEST(test_messages)
{
    static const struct {
        const char *text, *message;
    } cases[] = {
        {"/a add x=\"\\1f\"",
         "invalid escape '\\1f': a hex escape takes two upper-case "
         "hex digits"},
        {"/a add x=\"\\00\"", "'\\00' (a NUL byte) is not allowed"},
        {"/a add x=\"\\q\"", "invalid escape sequence '\\q'"},
        {"/a add x=$name", "variables are not supported ('$name'); write '\\$' for a "
                           "literal '$'"},
        {"/a add x=a?", "'?' must be written inside quotes as '\\?'"},
        {"/a add x=a\\_b", "a backslash escape is only allowed inside double quotes"},
        {"/a add x=(", "'(' is not allowed in an unquoted value; quote the value"},
        {"/a add x=\"", "unterminated string"},
        {"/a set [/ip route find]", "only '[find ...]' is supported inside brackets"},
        {"/a\n.. ..", "'..' above the root menu"},
        {":global x 1", "scripting commands (':global') are not supported"},
        {"{ /a add x=1 }", "script blocks ('{ ... }') are not supported"},
        {"/a add b\x1b=1", "invalid property name 'b\\x1B'"},
        {"/a print where a=1 \x9b",
         "expected 'and', 'or' or the end of the expression, "
         "found '\\x9B'"},
        {"/a add x=1\0", "NUL byte in the script"},
    };
    for (size_t i = 0; i < L7_ARRAY_SIZE(cases); i++) {
        l7_script *s = NULL;
        l7_diag_list *d = NULL;
        size_t len = strlen(cases[i].text);
        if (i == L7_ARRAY_SIZE(cases) - 1)
            len++;
        parse(cases[i].text, len, NULL, &s, &d);
        ck_assert_uint_ge(l7_diag_list_count(d), 1);
        ck_assert_str_eq(l7_diag_message(d, 0), cases[i].message);
        ck_assert_str_eq(l7_diag_item(d, 0), "t.rsc");
        ck_assert_int_lt(l7_diag_code(d, 0), 0);
        l7_script_free(s);
        l7_diag_list_destroy(d);
    }
}
END_TEST

/* ---- positions ----------------------------------------------------------------------
 */

START_TEST(test_positions)
{
    const char *text = "/ip firewall filter add chain=forward action=drop \\\n"
                       "    time=8h-17h comment=\"Block \\\n"
                       "        it\"\n"
                       "add x=1";
    l7_script *s = NULL;
    l7_diag_list *d = NULL;
    ck_assert_int_eq(parse(text, strlen(text), NULL, &s, &d), L7_OK);
    ck_assert_uint_eq(s->n_cmds, 2);
    const l7_script_cmd *c = &s->cmds[0];
    ck_assert_uint_eq(c->path_pos.line, 1);
    ck_assert_uint_eq(c->path_pos.column, 1);
    ck_assert_uint_eq(c->path_pos.length, 19);
    ck_assert_uint_eq(c->verb_pos.column, 21);
    ck_assert_uint_eq(c->verb_pos.length, 3);
    ck_assert_uint_eq(c->n_args, 4);
    ck_assert_uint_eq(c->args[1].value_pos.column, 46);
    ck_assert_uint_eq(c->args[2].name_pos.line, 2);
    ck_assert_uint_eq(c->args[2].name_pos.column, 5);
    ck_assert_uint_eq(c->args[2].value_pos.column, 10);
    ck_assert_uint_eq(c->args[2].value_pos.length, 6);
    /* A value that spans lines is underlined to the end of its first line. */
    ck_assert_uint_eq(c->args[3].value_pos.line, 2);
    ck_assert_uint_eq(c->args[3].value_pos.column, 25);
    ck_assert_uint_eq(c->args[3].value_pos.length, 7);
    ck_assert_str_eq(c->args[3].value.ptr, "Block it");
    ck_assert_ptr_eq(l7_script_cmd_arg(c, "time"), &c->args[2]);
    ck_assert_ptr_null(l7_script_cmd_arg(c, "tim"));
    ck_assert_uint_eq(c->pos.line, 1);
    ck_assert_uint_eq(c->pos.column, 1);
    /* The relative command has no current menu (the first one was absolute
     * and did not set it): the semantic layer reports that. */
    ck_assert_uint_eq(s->cmds[1].n_path, 0);
    ck_assert_uint_eq(s->cmds[1].verb_pos.line, 4);
    ck_assert_uint_eq(s->cmds[1].path_pos.length, 0);
    l7_script_free(s);
    l7_diag_list_destroy(d);
}
END_TEST

START_TEST(test_render)
{
    static const struct {
        const char *text, *render;
    } cases[] = {
        {"/a add\tx=a(b\n",
         "t.rsc:1:11: error: '(' is not allowed in an unquoted value; quote the value\n"
         "/a add\tx=a(b\n"
         "      \t   ^"},
        {"/a add x=1\n/a add y=$abc z=1\r\n",
         "t.rsc:2:10: error: variables are not supported ('$abc'); write '\\$' for a "
         "literal '$'\n"
         "/a add y=$abc z=1\n"
         "         ^~~~"},
        {"/a add x=\"a\x1b[31m\\q\"",
         "t.rsc:1:17: error: invalid escape sequence '\\q'\n"
         "/a add x=\"a?[31m\\q\"\n"
         "                ^~"},
        {"# old Mac line ends\r/a add x=1\r\n/a add \\\r  y=\"a\\\r  \\e\"\r",
         "t.rsc:5:3: error: invalid escape sequence '\\e'\n"
         "  \\e\"\n"
         "  ^~"},
    };
    for (size_t i = 0; i < L7_ARRAY_SIZE(cases); i++) {
        l7_script *s = NULL;
        l7_diag_list *d = NULL;
        const char *text = cases[i].text;
        parse(text, strlen(text), NULL, &s, &d);
        ck_assert_uint_eq(l7_diag_list_count(d), 1);
        char *r = NULL;
        ck_assert_int_eq(
            l7_script_render_diag(&r, d, 0, (const uint8_t *)text, strlen(text), NULL),
            L7_OK);
        ck_assert_str_eq(r, cases[i].render);
        l7_free(&s->alloc, r);
        /* Without the text only the first line is rendered. */
        ck_assert_int_eq(l7_script_render_diag(&r, d, 0, NULL, 0, NULL), L7_OK);
        ck_assert_ptr_null(strchr(r, '\n'));
        l7_free(&s->alloc, r);
        ck_assert_int_eq(l7_script_render_diag(&r, d, 5, NULL, 0, NULL), L7_EINVAL);
        l7_script_free(s);
        l7_diag_list_destroy(d);
    }
    /* A long line is cut around the column. */
    size_t n = 100000;
    char *big = malloc(n + 16);
    memset(big, 'a', n);
    memcpy(big, "/a add x=", 9);
    big[50000] = '(';
    big[n] = '\0';
    l7_script *s = NULL;
    l7_diag_list *d = NULL;
    l7_script_limits lim = {0};
    lim.max_line = 1u << 20;
    parse(big, n, &lim, &s, &d);
    ck_assert_uint_eq(l7_diag_column(d, 0), 50001);
    char *r = NULL;
    ck_assert_int_eq(l7_script_render_diag(&r, d, 0, (const uint8_t *)big, n, NULL),
                     L7_OK);
    ck_assert_uint_lt(strlen(r), 700);
    const char *src = strchr(r, '\n') + 1;
    const char *ul = strchr(src, '\n') + 1;
    ck_assert(strncmp(src, "...", 3) == 0);
    ck_assert_int_eq(src[strchr(ul, '^') - ul], '(');
    l7_free(&s->alloc, r);
    free(big);
    l7_script_free(s);
    l7_diag_list_destroy(d);
}
END_TEST

/* ---- expressions: parse and evaluate ------------------------------------------------
 */

static const char *const item_props[][2] = {
    {"name", "youtube"}, {"disabled", "yes"}, {"comment", "hello world"},
    {"a", "1"},          {"b", "2"},          {"dynamic", "no"},
};

static const char *get_prop(const char *name, void *user)
{
    (void)user;
    for (size_t i = 0; i < L7_ARRAY_SIZE(item_props); i++)
        if (strcmp(item_props[i][0], name) == 0)
            return item_props[i][1];
    return NULL;
}

static const struct {
    const char *expr;
    int want; /* 1 true, 0 false, -1 parse error */
} expr_cases[] = {
    {"name=youtube", 1},
    {"name=\"youtube\"", 1},
    {"name=YouTube", 0},
    {"name!=youtube", 0},
    {"name!=netflix", 1},
    {"name~\"^you\"", 1},
    {"name~tube", 1},
    {"name~\"^tube\"", 0},
    {"name~\"^(you|net)(tube|flix)$\"", 1},
    {"comment=\"hello world\"", 1},
    {"comment~\"o w\"", 1},
    {"disabled", 1},
    {"dynamic", 0},
    {"missing", 0},
    {"not disabled", 0},
    {"!disabled", 0},
    {"not not disabled", 1},
    {"missing=\"\"", 1},
    {"missing!=x", 1},
    {"missing~\".\"", 0},
    {"missing~\"^$\"", 1},
    {"a=1 and b=2", 1},
    {"a=1 and b=3", 0},
    {"a=0 or b=2", 1},
    {"a=1 && b=2", 1},
    {"a=0 || b=0", 0},
    {"a=1 or b=0 and a=0", 1},   /* and binds tighter than or */
    {"(a=1 or b=0) and a=0", 0}, /* parentheses */
    {"not a=1 or b=2", 1},       /* not binds tighter than or */
    {"not (a=1 or b=2)", 0},
    {"a = 1 and ( b=2 )", 1},
    {"a=1 and b=2 and disabled and name~you and comment!=x", 1},
    {"a=1 b=2", -1},
    {"a=", -1},
    {"(a=1", -1},
    {"a=1)", -1},
    {"and", -1},
    {"a=1 and", -1},
    {"name~\"(\"", -1},
    {"name~\"a{100}{100}\"", -1},
    {"a=$x", -1},
    {"a=1; b=2", -1},
    {"", -1},
    {"a=1\nb=2", -1},
    {"a=1 \\\n and b=2", 1},
};

START_TEST(test_expr)
{
    const char *text = expr_cases[_i].expr;
    l7_script *s = NULL;
    l7_diag_list *d = NULL;
    ck_assert_int_eq(l7_diag_list_create(&d, NULL), L7_OK);
    int rc = l7_script_parse_expr(&s, "where", (const uint8_t *)text, strlen(text),
                                  NULL, d, NULL);
    if (expr_cases[_i].want < 0) {
        ck_assert_int_ne(rc, L7_OK);
        ck_assert_ptr_null(s->expr);
        ck_assert_uint_ge(l7_diag_list_count(d), 1);
        ck_assert_uint_ge(l7_diag_column(d, 0), 1);
    } else {
        ck_assert_int_eq(rc, L7_OK);
        ck_assert_ptr_nonnull(s->expr);
        ck_assert_int_eq(l7_sexpr_eval(s->expr, get_prop, NULL), expr_cases[_i].want);
    }
    l7_script_free(s);
    l7_diag_list_destroy(d);
}
END_TEST

START_TEST(test_api_edges)
{
    const uint8_t text[] = "/a add x=(\n/a add y=1";
    l7_script *s = (l7_script *)1;
    ck_assert_int_eq(l7_script_parse(NULL, "f", text, 3, NULL, NULL, NULL), L7_EINVAL);
    ck_assert_int_eq(l7_script_parse(&s, "f", NULL, 3, NULL, NULL, NULL), L7_EINVAL);
    ck_assert_ptr_null(s);
    /* No diag list: errors are still counted. */
    ck_assert_int_eq(
        l7_script_parse(&s, NULL, text, sizeof(text) - 1, NULL, NULL, NULL),
        L7_ESYNTAX);
    ck_assert_uint_eq(s->n_errors, 1);
    ck_assert_uint_eq(s->n_cmds, 1);
    ck_assert_str_eq(s->file_name, "");
    l7_script_free(s);
    ck_assert_int_eq(l7_script_parse(&s, "f", NULL, 0, NULL, NULL, NULL), L7_OK);
    ck_assert_uint_eq(s->n_cmds, 0);
    l7_script_free(s);
    l7_script_free(NULL);
}
END_TEST

START_TEST(test_find_eval)
{
    const char *text = "/a disable [find a=1 b=2]\n/a disable [find a=1 b=3]\n"
                       "/a disable [find]\n/a print where name~\"you\" and !dynamic";
    l7_script *s = NULL;
    l7_diag_list *d = NULL;
    ck_assert_int_eq(parse(text, strlen(text), NULL, &s, &d), L7_OK);
    ck_assert_uint_eq(s->n_cmds, 4);
    ck_assert(l7_sexpr_eval(s->cmds[0].items[0].find, get_prop, NULL));
    ck_assert(!l7_sexpr_eval(s->cmds[1].items[0].find, get_prop, NULL));
    ck_assert(l7_sexpr_eval(s->cmds[2].items[0].find, get_prop, NULL));
    ck_assert(l7_sexpr_eval(s->cmds[3].where, get_prop, NULL));
    ck_assert_uint_eq(s->cmds[3].where_pos.column, 10);
    /* Value positions inside a find expression. */
    const l7_sexpr *e = s->cmds[0].items[0].find;
    ck_assert_int_eq(e->op, L7_SX_AND);
    ck_assert_uint_eq(e->kids[1]->name_pos.column, 22);
    ck_assert_uint_eq(e->kids[1]->value_pos.column, 24);
    l7_script_free(s);
    l7_diag_list_destroy(d);
}
END_TEST

/* ---- bounds
 * --------------------------------------------------------------------------- */

static char *repeat(const char *head, const char *unit, size_t count, const char *tail,
                    size_t *len)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
    size_t n = hl + ul * count + tl;
    char *p = malloc(n + 1);
    ck_assert_ptr_nonnull(p);
    memcpy(p, head, hl);
    for (size_t i = 0; i < count; i++)
        memcpy(p + hl + i * ul, unit, ul);
    memcpy(p + hl + ul * count, tail, tl);
    p[n] = '\0';
    *len = n;
    return p;
}

START_TEST(test_bounds_long_line)
{
    size_t len;
    char *text = repeat("/a add x=", "a", 10u << 20, "\n/a add y=1\n", &len);
    l7_script *s = NULL;
    l7_diag_list *d = NULL;
    ck_assert_int_eq(parse(text, len, NULL, &s, &d), L7_ESYNTAX);
    ck_assert_uint_eq(l7_diag_list_count(d), 1);
    ck_assert_int_eq(l7_diag_code(d, 0), L7_ELIMIT);
    ck_assert_uint_eq(l7_diag_line(d, 0), 1);
    /* The next line is still read. */
    ck_assert_uint_eq(s->n_cmds, 1);
    ck_assert_uint_eq(s->cmds[0].pos.line, 2);
    l7_script_free(s);
    l7_diag_list_destroy(d);
    free(text);
}
END_TEST

START_TEST(test_bounds_nesting)
{
    l7_script_limits lim = {0};
    lim.max_line = 1u << 20;
    static const struct {
        const char *head, *unit, *tail;
        int code;
    } cases[] = {
        {"/a print ", "[", "", L7_EUNSUPPORTED},
        {"/a print where ", "(", "a=1", L7_ELIMIT},
        {"/a print [find where ", "(", "a=1", L7_ELIMIT},
        {"/a print where ", "not ", "a=1", 0},
        {"/a print where a=1", " and a=1", "", L7_ELIMIT},
        {"/a add", " x=1", "", L7_ELIMIT},
        {"/a add x=1", " \\\n", "y=2", 0},
        {"/a add x=\"", "\\\n", "\"", 0},
        {"", ";", "", 0},
        {"", "\\\n", "", 0},
    };
    for (size_t i = 0; i < L7_ARRAY_SIZE(cases); i++) {
        size_t len;
        char *text = repeat(cases[i].head, cases[i].unit, 100000, cases[i].tail, &len);
        l7_script *s = NULL;
        l7_diag_list *d = NULL;
        int rc = parse(text, len, &lim, &s, &d);
        if (cases[i].code) {
            ck_assert_int_eq(rc, L7_ESYNTAX);
            ck_assert_uint_eq(l7_diag_list_count(d), 1);
            ck_assert_int_eq(l7_diag_code(d, 0), cases[i].code);
        } else {
            ck_assert_int_eq(rc, L7_OK);
        }
        l7_script_free(s);
        l7_diag_list_destroy(d);
        free(text);
    }
}
END_TEST

START_TEST(test_bounds_commands)
{
    size_t len;
    char *text = repeat("", "/a add x=1\n", 1000000, "", &len);
    l7_script *s = NULL;
    l7_diag_list *d = NULL;
    ck_assert_int_eq(parse(text, len, NULL, &s, &d), L7_ELIMIT);
    ck_assert_uint_eq(s->n_cmds, L7_SCRIPT_DEFAULT_MAX_COMMANDS);
    ck_assert_uint_eq(l7_diag_line(d, 0), L7_SCRIPT_DEFAULT_MAX_COMMANDS + 1);
    l7_script_free(s);
    l7_diag_list_destroy(d);

    /* Settable. */
    l7_script_limits lim = {0};
    lim.max_commands = 10;
    ck_assert_int_eq(parse(text, len, &lim, &s, &d), L7_ELIMIT);
    ck_assert_uint_eq(s->n_cmds, 10);
    l7_script_free(s);
    l7_diag_list_destroy(d);

    /* One error per bad line, up to max_errors. */
    free(text);
    text = repeat("", "/a add x=(\n", 1000000, "", &len);
    ck_assert_int_eq(parse(text, len, NULL, &s, &d), L7_ELIMIT);
    ck_assert_uint_eq(l7_diag_list_count_severity(d, L7_SEV_ERROR),
                      L7_SCRIPT_DEFAULT_MAX_ERRORS);
    ck_assert_uint_eq(l7_diag_line(d, 99), 100);
    ck_assert_uint_eq(s->n_cmds, 0);
    l7_script_free(s);
    l7_diag_list_destroy(d);

    /* Total size. */
    lim.max_input = 1000;
    ck_assert_int_eq(parse(text, len, &lim, &s, &d), L7_ELIMIT);
    ck_assert_uint_eq(s->n_cmds, 0);
    ck_assert_uint_eq(l7_diag_list_count(d), 1);
    l7_script_free(s);
    l7_diag_list_destroy(d);
    free(text);
}
END_TEST

/* An allocator that fails after N allocations: every failure point returns
 * L7_ENOMEM cleanly (ASan checks for leaks). */
typedef struct failing {
    size_t left;
} failing;

static void *f_malloc(size_t n, void *user)
{
    failing *f = user;
    if (!f->left)
        return NULL;
    f->left--;
    return malloc(n);
}

static void *f_realloc(void *p, size_t n, void *user)
{
    failing *f = user;
    if (!f->left)
        return NULL;
    f->left--;
    return realloc(p, n);
}

static void f_free(void *p, void *user)
{
    (void)user;
    free(p);
}

START_TEST(test_oom)
{
    const char *text =
        "/ip firewall filter\nadd chain=forward comment=\"x\\41\" \\\n"
        "   action=drop\n/a remove [find where a~\"b\" and (c=1 or d)]\n";
    int last = L7_ENOMEM;
    for (size_t n = 0; n < 200 && last == L7_ENOMEM; n++) {
        failing f = {n};
        l7_alloc a = {f_malloc, f_realloc, f_free, &f};
        l7_script *s = NULL;
        last = l7_script_parse(&s, "t", (const uint8_t *)text, strlen(text), NULL, NULL,
                               &a);
        if (last == L7_ENOMEM)
            ck_assert_ptr_null(s);
        l7_script_free(s);
    }
    ck_assert_int_eq(last, L7_OK);
}
END_TEST

/* Random scripts over the bytes that matter to the grammar: no crash, no
 * leak, a consistent result, and every diagnostic renders. */
START_TEST(test_random_scripts)
{
    static const char alphabet[] = "/ \t\n\r\\\"#;=![]()~$?_abfnx0AF9,.-'{`\x00\xe9";
    uint64_t state = 0x9e3779b97f4a7c15ull;
    char text[160];
    for (int round = 0; round < 3000; round++) {
        size_t n = 0;
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        size_t len = (size_t)(state % sizeof(text));
        for (n = 0; n < len; n++) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text[n] = alphabet[state % (sizeof(alphabet) - 1)];
        }
        l7_script *s = NULL;
        l7_diag_list *d = NULL;
        int rc = parse(text, len, NULL, &s, &d);
        ck_assert(rc == L7_OK || rc == L7_ESYNTAX);
        ck_assert_uint_eq(s->n_errors, l7_diag_list_count_severity(d, L7_SEV_ERROR));
        ck_assert_int_eq(rc == L7_OK, s->n_errors == 0);
        for (size_t i = 0; i < l7_diag_list_count(d); i++) {
            char *r = NULL;
            ck_assert_int_eq(
                l7_script_render_diag(&r, d, i, (const uint8_t *)text, len, NULL),
                L7_OK);
            ck_assert_uint_ge(l7_diag_line(d, i), 1);
            ck_assert_uint_ge(l7_diag_column(d, i), 1);
            l7_free(&s->alloc, r);
        }
        for (size_t i = 0; i < s->n_cmds; i++)
            for (size_t k = 0; k < s->cmds[i].n_items; k++)
                if (s->cmds[i].items[k].find)
                    (void)l7_sexpr_eval(s->cmds[i].items[k].find, get_prop, NULL);
        l7_script_free(s);
        l7_diag_list_destroy(d);
    }
}
END_TEST

/* ---- the seed page
 * ---------------------------------------------------------------------- */

static const l7_script_arg *find_arg(const l7_script_cmd *c, const char *name)
{
    for (size_t i = 0; i < c->n_args; i++)
        if (strcmp(c->args[i].name.ptr, name) == 0)
            return &c->args[i];
    return NULL;
}

static bool cmd_has_arg(const l7_script_cmd *c, const char *name, const char *value)
{
    const l7_script_arg *a = find_arg(c, name);
    return a && strcmp(a->value.ptr, value) == 0;
}

START_TEST(test_seed_page)
{
    const char *shared = l7t_shared_dir();
    char dirpath[4096];
    DIR *dir = NULL;
    if (shared) {
        snprintf(dirpath, sizeof(dirpath), "%s/seed", shared);
        dir = opendir(dirpath);
    }
    if (!dir) {
        fprintf(stderr, "config_syntax: no seed page (L7_SHARED_DIR), skipping\n");
        return;
    }
    size_t blocks = 0, cmds = 0, seen_bt = 0, seen_fb_drop = 0, seen_torch = 0,
           seen_log = 0, seen_stats = 0;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        size_t nl = strlen(de->d_name);
        if (nl < 4 || strcmp(de->d_name + nl - 4, ".txt") != 0)
            continue;
        char path[8192];
        snprintf(path, sizeof(path), "%s/%s", dirpath, de->d_name);
        size_t len;
        unsigned char *page = l7t_read_file(path, &len);
        ck_assert_ptr_nonnull(page);
        /* Every ```bash block, as its own script. */
        char *p = (char *)page;
        while ((p = strstr(p, "```bash\n")) != NULL) {
            p += 8;
            char *end = strstr(p, "\n```");
            ck_assert_ptr_nonnull(end);
            size_t block_line = 1;
            for (char *q = (char *)page; q < p; q++)
                block_line += *q == '\n';
            l7_script *s = NULL;
            l7_diag_list *d = NULL;
            int rc = parse(p, (size_t)(end + 1 - p), NULL, &s, &d);
            for (size_t i = 0; i < l7_diag_list_count(d); i++) {
                char *r = NULL;
                l7_script_render_diag(&r, d, i, (const uint8_t *)p,
                                      (size_t)(end + 1 - p), NULL);
                fprintf(stderr, "seed block at line %zu: %s\n", block_line, r);
                l7_free(&s->alloc, r);
            }
            ck_assert_int_eq(rc, L7_OK);
            ck_assert_uint_gt(s->n_cmds, 0);
            for (size_t i = 0; i < s->n_cmds; i++) {
                const l7_script_cmd *c = &s->cmds[i];
                ck_assert_int_eq(c->kind, L7_SCMD_COMMAND);
                ck_assert(c->absolute);
                if (cmd_has_arg(c, "name", "bittorrent")) {
                    const l7_script_arg *re = find_arg(c, "regexp");
                    ck_assert_ptr_nonnull(re);
                    ck_assert(strncmp(re->value.ptr,
                                      "^(\\x13BitTorrent protocol|\\x42\\x54:", 34) ==
                              0);
                    if (strstr(re->value.ptr, "x47"))
                        ck_assert_str_eq(re->value.ptr,
                                         "^(\\x13BitTorrent "
                                         "protocol|\\x42\\x54:|\\x47\\x45\\x54\\x2f)");
                    seen_bt++;
                }
                if (cmd_has_arg(c, "comment", "Block Facebook during work hours")) {
                    ck_assert_uint_eq(c->n_args, 5);
                    ck_assert(cmd_has_arg(c, "chain", "forward"));
                    ck_assert(cmd_has_arg(c, "action", "drop"));
                    ck_assert(cmd_has_arg(c, "layer7-protocol", "facebook"));
                    const l7_script_arg *t = find_arg(c, "time");
                    ck_assert_str_eq(t->value.ptr, "8h-17h,mon,tue,wed,thu,fri");
                    ck_assert_uint_eq(t->name_pos.line, c->pos.line + 1);
                    ck_assert_uint_eq(t->name_pos.column, 5);
                    ck_assert(find_arg(c, "comment")->quoted);
                    ck_assert_str_eq(c->verb.ptr, "add");
                    ck_assert_uint_eq(c->n_path, 3);
                    ck_assert_str_eq(c->path[2].ptr, "filter");
                    seen_fb_drop++;
                }
                if (c->n_path == 1 && strcmp(c->path[0].ptr, "tool") == 0 &&
                    strcmp(c->verb.ptr, "torch") == 0)
                    seen_torch++;
                if (c->n_path == 1 && strcmp(c->path[0].ptr, "log") == 0) {
                    ck_assert_ptr_nonnull(c->where);
                    ck_assert_int_eq(c->where->op, L7_SX_AND);
                    seen_log++;
                }
                if (c->where && c->n_items == 1 &&
                    strcmp(c->items[0].text.ptr, "stats") == 0)
                    seen_stats++;
            }
            cmds += s->n_cmds;
            blocks++;
            l7_script_free(s);
            l7_diag_list_destroy(d);
            p = end + 4;
        }
        free(page);
    }
    closedir(dir);
    if (!blocks) {
        fprintf(stderr,
                "config_syntax: no ```bash blocks in the seed page, skipping\n");
        return;
    }
    ck_assert_uint_ge(cmds, 100);
    ck_assert_uint_eq(seen_bt, 2);
    ck_assert_uint_eq(seen_fb_drop, 1);
    ck_assert_uint_eq(seen_torch, 1);
    ck_assert_uint_eq(seen_log, 1);
    ck_assert_uint_eq(seen_stats, 1);
}
END_TEST

static Suite *config_syntax_suite(void)
{
    Suite *s = suite_create("config_syntax");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_grammar, 0, (int)L7_ARRAY_SIZE(grammar_cases));
    tcase_add_loop_test(tc, test_escapes, 0, (int)L7_ARRAY_SIZE(escape_cases));
    tcase_add_test(tc, test_messages);
    tcase_add_test(tc, test_positions);
    tcase_add_test(tc, test_render);
    tcase_add_loop_test(tc, test_expr, 0, (int)L7_ARRAY_SIZE(expr_cases));
    tcase_add_test(tc, test_find_eval);
    tcase_add_test(tc, test_api_edges);
    tcase_add_test(tc, test_random_scripts);
    tcase_add_test(tc, test_oom);
    tcase_add_test(tc, test_seed_page);
    suite_add_tcase(s, tc);
    TCase *tb = tcase_create("bounds");
    tcase_set_timeout(tb, 60);
    tcase_add_test(tb, test_bounds_long_line);
    tcase_add_test(tb, test_bounds_nesting);
    tcase_add_test(tb, test_bounds_commands);
    suite_add_tcase(s, tb);
    return s;
}

int main(void)
{
    return l7t_run_suite(config_syntax_suite());
}
