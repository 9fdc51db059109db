/*
 * The semantic layer of the RouterOS script loader (module `config`) and
 * what the live console (module `console`) shares with it: the menu
 * registry, item access for `[find]` / `print`, and the configuration's
 * own item stores (address lists, queue tree, logging).
 */
#ifndef L7_CONFIG_INTERNAL_H
#define L7_CONFIG_INTERNAL_H

#include "common_internal.h"
#include "config_syntax_internal.h"
#include "l7/config.h"
#include "l7/policy.h"
#include "l7/protoset.h"

#include <stdbool.h>

/* One `name=value` of an item the configuration keeps itself. */
typedef struct cfg_prop {
    char *name;
    char *value;
} cfg_prop;

typedef struct cfg_item {
    cfg_prop *props; /* in the order first set */
    uint32_t n, cap;
    bool disabled;
    const l7_script_cmd *src; /* during a load: the command that made it */
} cfg_item;

typedef struct cfg_store {
    cfg_item *items;
    uint32_t n, cap;
} cfg_store;

struct l7_config {
    l7_alloc alloc;
    l7_allocator hooks; /* as given, for the child objects */
    bool has_hooks;
    l7_policy *policy;
    l7_ruleset *ruleset;
    cfg_store stores[L7_CONFIG_MENU_COUNT];
};

/* How a menu keeps its items. */
typedef enum cfg_kind {
    CK_PROTOCOLS = 0, /* the policy's protoset */
    CK_RULES,         /* one of the policy's rule lists */
    CK_STORE,         /* one of cfg->stores */
    CK_CONNTRACK,     /* the policy's tracking settings (only `set`) */
    CK_CONNECTIONS    /* `/ip firewall connection`: console only */
} cfg_kind;

/* Value types of the configuration's own properties. */
typedef enum cfg_vtype {
    CV_STRING = 0,
    CV_NAME,      /* a non-empty name without commas */
    CV_NAMELIST,  /* comma-separated names */
    CV_ADDR4,     /* address, prefix or range */
    CV_ADDR6,     /* address or prefix */
    CV_DURATION,  /* RouterOS duration */
    CV_RATE,      /* bit/s with k/M/G */
    CV_PRIORITY,  /* 1..8 */
    CV_QTYPE,     /* queue type name */
    CV_BUCKET,    /* 0..10 decimal */
    CV_LOGACTION, /* memory, disk, echo, remote */
    CV_TOPICS     /* comma list of topics, each optionally !negated */
} cfg_vtype;

typedef struct cfg_pdef {
    const char *name;
    cfg_vtype type;
    bool required;
    const char *dflt; /* left out of export when equal; NULL = none */
} cfg_pdef;

typedef struct cfg_menu {
    const char *path; /* words separated by single spaces */
    cfg_kind kind;
    uint8_t family;        /* 4 or 6 (rules, address lists) */
    uint8_t table;         /* CK_RULES: l7_table */
    uint8_t store;         /* CK_STORE: l7_config_menu */
    bool named;            /* items can be addressed by `name` */
    const cfg_pdef *props; /* CK_STORE: the schema */
    size_t n_props;
} cfg_menu;

extern const cfg_menu l7_cfg_menus[];
extern const size_t l7_cfg_menu_count;

/* The menu of a resolved path, or NULL. */
const cfg_menu *l7_cfg_menu_find(const l7_sstr *path, size_t n);
/* The menu of a store. */
const cfg_menu *l7_cfg_store_menu(uint32_t store);

/* Number of items of a menu (its `print` numbers are 0 .. count-1). */
uint32_t l7_cfg_count(const l7_config *cfg, const cfg_menu *m);

/* Property getter over one item, for l7_sexpr_eval() and print. */
typedef struct cfg_getter {
    const l7_config *cfg;
    const cfg_menu *m;
    uint32_t index;
    uint32_t proto_id; /* CK_PROTOCOLS: the protocol id of `index` */
} cfg_getter;
void l7_cfg_getter_init(cfg_getter *g, const l7_config *cfg, const cfg_menu *m,
                        uint32_t index);
const char *l7_cfg_get(const char *name, void *user);

/* Protocol id of print number `index` (ids stay in insertion order). */
int l7_cfg_proto_id(uint32_t *out, const l7_protoset *set, uint32_t index);

/* Store item helpers. */
const char *l7_cfg_item_prop(const cfg_item *it, const char *name);
void l7_cfg_item_free(const l7_alloc *a, cfg_item *it);
void l7_cfg_store_clear(const l7_alloc *a, cfg_store *s);

/* A value as RouterOS writes it (quoted and escaped when needed), snprintf-style:
 * returns the full length. */
size_t l7_cfg_quote(char *dst, size_t size, const char *value);

/* Compile the policy and replace cfg->ruleset (used by the console after a
 * runtime change). */
int l7_cfg_recompile(l7_config *cfg, l7_diag_list *diags);

/* ---- between config.c and config_cmd.c ---------------------------------------- */

/* Where a rule was last added or set by the script being loaded. */
typedef struct cfg_rule_src {
    uint32_t family, table;
    uint64_t id;
    const l7_script_cmd *cmd;
} cfg_rule_src;

typedef struct cfg_load {
    l7_config *cfg; /* the scratch copy */
    const char *file;
    const uint8_t *text;
    size_t len;
    uint32_t *line_start; /* byte offset of each physical line */
    size_t n_lines;
    l7_diag_list *diags;
    l7_diag_list *tmp; /* builder diagnostics, before relocation */
    uint32_t flags;    /* L7_CONFIG_* */
    size_t errors;
    int oom;
    cfg_rule_src *srcs;
    size_t n_srcs, srcs_cap;
} cfg_load;

void l7_cfg_error(cfg_load *L, int code, l7_spos pos, const char *fmt, ...)
    L7_PRINTF(4, 5);
void l7_cfg_warn(cfg_load *L, l7_spos pos, const char *fmt, ...) L7_PRINTF(3, 4);
/* Position of byte `offset` of an argument's (unescaped) value. */
l7_spos l7_cfg_value_pos(const cfg_load *L, const l7_script_arg *arg, size_t offset,
                         size_t length);
/* Move the builder diagnostics in L->tmp to L->diags, at `arg`'s value (or
 * at `fallback` when there is no argument or no column). Returns the
 * number of errors moved. */
size_t l7_cfg_forward(cfg_load *L, const l7_script_arg *arg, l7_spos fallback);
/* The argument of `cmd` a message is about (the longest property name it
 * mentions as a word), or NULL. */
const l7_script_arg *l7_cfg_arg_in_message(const l7_script_cmd *cmd, const char *msg);
/* Check a value of the configuration's own stores; reports and returns
 * false when it is bad. */
bool l7_cfg_check_value(cfg_load *L, const cfg_pdef *d, const l7_script_arg *a);
/* Run one command against L->cfg. */
void l7_cfg_run(cfg_load *L, const l7_script_cmd *cmd);
/* Checks that need the whole script: the queue tree, compiled by the qtree
 * module (parents, cycles, queue types, settings without effect). */
void l7_cfg_check_stores(cfg_load *L);

#endif
