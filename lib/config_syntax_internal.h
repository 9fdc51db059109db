/*
 * The syntax layer of the RouterOS script loader (module `config`).
 *
 * Internal API, never installed: the semantic layer (menus, properties,
 * building protocols and rules, export) and the live console consume it.
 *
 * l7_script_parse() turns script bytes into a flat array of commands. Each
 * command carries its resolved menu path, its verb, its unnamed items
 * (numbers, names, `[find ...]`), its `name=value` arguments in order and an
 * optional `where` expression, all with the physical (line, column, length)
 * of the text they came from, so that an error found later still points at
 * the original line after continuation joining. Strings are (ptr, len) into
 * an arena owned by the script; each is also NUL-terminated, and NUL bytes
 * never occur inside them (a raw NUL or `\00` is a syntax error).
 *
 * The text is bytes (RouterOS uses Windows-1252): bytes >= 0x80 pass through
 * unchanged in strings, names and comments.
 *
 * Syntax decisions (pinned by tests/unit/config_syntax_test.c):
 * - line ends: LF, CR LF, lone CR. A trailing `\` joins the next line:
 *   inside quotes it inserts nothing and drops the next line's leading
 *   spaces/tabs; outside quotes it acts as a space. Any other backslash
 *   outside quotes is an error (Scripting manual, "Line joining").
 * - `#` at the start of a word outside quotes comments out the rest of the
 *   physical line (also after `;`), never inside quotes or mid-word (`a#b`).
 * - a command: `[/]path words... verb [items] [name=value | !name]...
 *   [where EXPR]`. The path ends at the first word in the verb table (add
 *   set remove enable disable print export find get monitor reset-counters
 *   reset-counters-all start stop edit move unset import comment); with no
 *   such word, the last bare word before the first argument/item is the
 *   verb (`/tool torch interface=x`), and a line of bare words alone is a
 *   menu line. `..` goes up one menu. Words starting with `:` (scripting
 *   commands) and `{` blocks are errors (L7_EUNSUPPORTED).
 * - unquoted values end at whitespace or `;` and may not contain
 *   = ' $ ( ) [ ] { ` ? " or a backslash; `$` followed by a letter is a
 *   variable (error, L7_EUNSUPPORTED), any other `$` in quotes is literal.
 * - NUL: a raw NUL byte or `\00` is an error, so every string is also a
 *   valid C string.
 * - a command with any error is left out of the array; parsing resumes at
 *   the next `;` or line.
 */
#ifndef L7_CONFIG_SYNTAX_INTERNAL_H
#define L7_CONFIG_SYNTAX_INTERNAL_H

#include "common_internal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A string in the script's arena: `len` bytes, followed by a NUL. */
typedef struct l7_sstr {
    const char *ptr;
    size_t len;
} l7_sstr;

/* Where a piece of text starts in the file: 1-based physical line and byte
 * column, and its length in bytes, clipped to the end of that physical line
 * (for underlining). */
typedef struct l7_spos {
    uint32_t line;
    uint32_t column;
    uint32_t length;
} l7_spos;

/* ---- find / where expressions ----------------------------------------------- */

typedef enum l7_sexpr_op {
    L7_SX_ALL = 0, /* `[find]`: every item */
    L7_SX_AND,     /* kids[0..n_kids) all true (n_kids >= 2) */
    L7_SX_OR,      /* one of kids[0..n_kids) true (n_kids >= 2) */
    L7_SX_NOT,     /* kids[0] false (n_kids == 1) */
    L7_SX_EQ,      /* name=value: property equals value (bytes) */
    L7_SX_NE,      /* name!=value */
    L7_SX_MATCH,   /* name~value: POSIX ERE `value` matches somewhere in the property */
    L7_SX_BOOL     /* bare name: property is "yes" or "true" */
} l7_sexpr_op;

typedef struct l7_sexpr l7_sexpr;
struct l7_sexpr {
    l7_sexpr_op op;
    bool quoted;                 /* the value was written in double quotes */
    const l7_sexpr *const *kids; /* AND / OR / NOT operands */
    size_t n_kids;
    l7_sstr name;  /* EQ / NE / MATCH / BOOL */
    l7_sstr value; /* EQ / NE / MATCH (unescaped) */
    l7_spos name_pos;
    l7_spos value_pos;
    const void *regex; /* MATCH: compiled regex_t (owned by the script) */
};

/*
 * Property lookup for l7_sexpr_eval(): the value of property `name` (a
 * NUL-terminated property name) of the item being tested, as a
 * NUL-terminated string, or NULL when the item has no such property. An
 * absent property compares as "" for `=`, `!=` and `~`, and as false alone.
 */
typedef const char *(*l7_sexpr_get_fn)(const char *name, void *user);

/* Evaluate `e` against one item. Never fails; recursion depth is bounded by
 * the parser's nesting limit. */
bool l7_sexpr_eval(const l7_sexpr *e, l7_sexpr_get_fn get, void *user);

/* ---- commands ------------------------------------------------------------------ */

typedef enum l7_sitem_kind {
    L7_SITEM_WORD =
        0,           /* a bare word: a name (`set youtube`) or a flag (`print stats`) */
    L7_SITEM_QUOTED, /* a double-quoted string */
    L7_SITEM_NUMBERS, /* `0` or `0,3,7`: numbers from the last print */
    L7_SITEM_FIND     /* `[find ...]` */
} l7_sitem_kind;

/* An unnamed item after the verb. */
typedef struct l7_script_item {
    l7_sitem_kind kind;
    l7_sstr text; /* WORD / QUOTED: the (unescaped) text; else the source text */
    const uint32_t *numbers; /* NUMBERS */
    size_t n_numbers;
    const l7_sexpr *find; /* FIND */
    l7_spos pos;
} l7_script_item;

/* A `name=value` or `!name` argument. */
typedef struct l7_script_arg {
    l7_sstr name;  /* without the leading `!` of the unset form */
    l7_sstr value; /* unescaped bytes; empty for `!name` and for `name=` */
    l7_spos name_pos;
    l7_spos value_pos; /* for `name=` (empty value): where the value would start */
    bool quoted;       /* the value was written in double quotes */
    bool unset;        /* `!name` (unset, in `set`) */
    bool negated;      /* unquoted value starting with `!` (`src-address-list=!X`);
                          the `!` is kept in `value` */
} l7_script_arg;

typedef enum l7_scmd_kind {
    L7_SCMD_COMMAND = 0, /* `[path] verb ...` */
    L7_SCMD_MENU         /* a bare path: sets the current menu for later commands */
} l7_scmd_kind;

typedef struct l7_script_cmd {
    l7_scmd_kind kind;
    bool absolute;       /* the path was written from the root (`/ip ...`) */
    const l7_sstr *path; /* resolved menu path, e.g. {"ip","firewall","filter"} */
    size_t n_path;
    l7_spos path_pos; /* the path as written (length 0 when none was) */
    l7_sstr verb;     /* empty for L7_SCMD_MENU */
    l7_spos verb_pos;
    const l7_script_item *items; /* unnamed items, in order; items[0] is the target */
    size_t n_items;
    const l7_script_arg *args; /* named arguments, in order */
    size_t n_args;
    const l7_sexpr *where; /* `where <expr>` (print), or NULL */
    l7_spos where_pos;
    l7_spos pos; /* the whole command (start, clipped to its line) */
} l7_script_cmd;

/* The last argument called `name` (NUL-terminated) of `cmd`, or NULL. */
const l7_script_arg *l7_script_cmd_arg(const l7_script_cmd *cmd, const char *name);

/* Bounds against hostile scripts. A zero field means the default. */
typedef struct l7_script_limits {
    size_t max_input;    /* total script bytes (default 64 MiB; at most 4 GiB - 1) */
    size_t max_line;     /* bytes of one logical line after joining (64 KiB) */
    size_t max_tokens;   /* words, arguments and expression terms per command (4096) */
    size_t max_depth;    /* parenthesis nesting in expressions (32; at most 256) */
    size_t max_commands; /* commands per script (200000) */
    size_t max_errors;   /* errors reported before giving up (100) */
} l7_script_limits;

#define L7_SCRIPT_DEFAULT_MAX_INPUT    ((size_t)64 << 20)
#define L7_SCRIPT_DEFAULT_MAX_LINE     ((size_t)64 << 10)
#define L7_SCRIPT_DEFAULT_MAX_TOKENS   ((size_t)4096)
#define L7_SCRIPT_DEFAULT_MAX_DEPTH    ((size_t)32)
#define L7_SCRIPT_DEFAULT_MAX_COMMANDS ((size_t)200000)
#define L7_SCRIPT_DEFAULT_MAX_ERRORS   ((size_t)100)

typedef struct l7_script_arena l7_script_arena;

/* A parsed script. Read-only for consumers; free with l7_script_free(). */
typedef struct l7_script {
    const l7_script_cmd *cmds; /* in file order; bad commands are left out */
    size_t n_cmds;
    size_t n_errors;       /* syntax errors added to the diag list */
    const l7_sexpr *expr;  /* l7_script_parse_expr() only */
    const char *file_name; /* copy of the name given (arena) */
    /* private */
    l7_alloc alloc;
    l7_script_arena *arena;
    l7_script_cmd *cmd_store;
    size_t cmd_cap;
    void **regexes; /* regex_t * to regfree */
    size_t n_regexes, regex_cap;
} l7_script;

/*
 * Parse a script. `file_name` names the text in diagnostics (item field of
 * every entry); `limits` and `diag` may be NULL; `alloc` NULL means libc.
 *
 * Every syntax error goes to `diag` as `file:line:col` with the length of
 * the offending text; parsing resumes at the next command, so every bad
 * command of the file is reported (up to limits->max_errors).
 *
 * Returns L7_OK (no error), L7_ESYNTAX (errors were reported; *out still
 * holds the good commands), L7_ELIMIT (a limit stopped the parse: input
 * too large, too many commands or errors; *out holds what was parsed
 * before), L7_EINVAL or L7_ENOMEM (then *out is NULL).
 */
int l7_script_parse(l7_script **out, const char *file_name, const uint8_t *text,
                    size_t len, const l7_script_limits *limits, l7_diag_list *diag,
                    const l7_alloc *alloc);

/*
 * Parse a standalone expression, as written after `where` (`name~"x" and
 * not disabled`), e.g. a console's `print where` argument. On success
 * (*out)->expr is the tree. Same return codes as l7_script_parse().
 */
int l7_script_parse_expr(l7_script **out, const char *file_name, const uint8_t *text,
                         size_t len, const l7_script_limits *limits, l7_diag_list *diag,
                         const l7_alloc *alloc);

void l7_script_free(l7_script *script);

/*
 * Render diagnostic `index` nft-style into a new NUL-terminated string
 * (allocated with `alloc`; free it with l7_free):
 *
 *     FILE:LINE:COL: error: message
 *     <the source line>
 *          ^~~~
 *
 * `text` is the script the diagnostic refers to (or NULL: only the first
 * line is rendered). Tabs before the column are copied into the underline
 * so it lines up; control bytes in the shown line become '?'; very long
 * lines are cut around the column with "...".
 */
int l7_script_render_diag(char **out, const l7_diag_list *list, size_t index,
                          const uint8_t *text, size_t len, const l7_alloc *alloc);

/* ---- between config_lex.c and config_find.c only ------------------------------ */

/* A run of logical bytes that sits contiguously on one physical line. */
typedef struct l7_sseg {
    uint32_t lofs;
    uint32_t line;
    uint32_t column;
} l7_sseg;

typedef struct l7_sctx {
    const l7_alloc *a;
    l7_script *script;
    l7_diag_list *diag;
    l7_script_limits lim;
    const uint8_t *lb; /* the current logical line */
    size_t lb_len;
    const l7_sseg *seg;
    size_t n_seg;
    bool cmd_bad;  /* the current command had an error */
    bool stop;     /* give up (too many errors or out of memory) */
    int oom;       /* L7_ENOMEM once an allocation failed */
    size_t tokens; /* tokens in the current command */
    uint8_t *tmp;  /* scratch for unescaping */
    size_t tmp_len, tmp_cap;
} l7_sctx;

enum {
    L7_SVAL_EXPR = 1u << 0, /* `)` and `]` end an unquoted value */
};

l7_spos l7_sctx_pos(const l7_sctx *c, size_t lofs, size_t len);
void l7_sctx_error(l7_sctx *c, int code, size_t lofs, size_t len, const char *fmt, ...)
    L7_PRINTF(5, 6);
void *l7_sctx_alloc(l7_sctx *c, size_t size);
/* Script text made safe for a message (printable ASCII, \xHH, cut with ...). */
#define L7_SHOW_MAX 48
const char *l7_sctx_show(const l7_sctx *c, size_t lofs, size_t len,
                         char buf[L7_SHOW_MAX]);
l7_sstr l7_sctx_strdup(l7_sctx *c, const void *p, size_t len);
bool l7_sctx_count_token(l7_sctx *c, size_t lofs);
/* An error at a physical position (the joiner's, before segments exist). */
void l7_sctx_error_at(l7_sctx *c, int code, uint32_t line, uint32_t col, uint32_t len,
                      const char *fmt, ...) L7_PRINTF(6, 7);
/* A byte for a message: printable ASCII as itself, anything else as \xHH. */
const char *l7_show_byte(uint8_t ch, char buf[8]);
/* Check a bare word [p, e) for bytes that must be quoted; -1 after an error. */
int l7_sctx_check_word(l7_sctx *c, size_t p, size_t e);
/* A new empty script (its arena holds a copy of file_name). */
int l7_script_new(l7_script **out, const char *file_name, const l7_alloc *alloc);
/* Read a quoted or unquoted value at *p; on success it is in c->tmp. Returns
 * 0, or -1 after a fatal error (the command must be abandoned). */
int l7_sctx_read_value(l7_sctx *c, size_t *p, unsigned flags, bool *quoted);

/* Parse `find ...` after a `[` at *p, up to and including the `]`. */
int l7_sx_parse_find(l7_sctx *c, size_t *p, const l7_sexpr **out);
/* Parse an expression from *p to `;` or the end of the logical line. */
int l7_sx_parse_where(l7_sctx *c, size_t *p, const l7_sexpr **out);

#endif
