/*
 * Private side of the policy module: the property schema, the mutable rule
 * storage of l7_policy, the compiled (immutable) ruleset and the per-packet
 * evaluation context the engine fills in.
 *
 * The evaluator never calls another module directly: everything that lives
 * outside the ruleset (address lists, the L7 inspector, the time zone, the
 * log sink, per-engine mutable state) is reached through l7_eval_env, so
 * policy can be tested with hand-made contexts and the engine binds the real
 * modules.
 */
#ifndef L7_POLICY_INTERNAL_H
#define L7_POLICY_INTERNAL_H

#include "common_internal.h"
#include "packet_internal.h"
#include "l7/policy.h"
#include "l7/tz.h"
#include "l7/protoset.h"

#include <stdatomic.h>

/* ---- limits ---------------------------------------------------------------- */

#define L7_POL_MAX_JUMP_DEPTH       64        /* nesting of jump (compile-time check) */
#define L7_POL_MAX_PACKET_MARKS     4096      /* RouterOS: "bad new packet mark" */
#define L7_POL_MAX_LIST_ITEMS       64        /* ports, marks, protocols in one value */
#define L7_POL_ADDRLIST_TIMEOUT_MAX 21474836u /* seconds (RouterOS) */

/* ---- name spaces interned by a ruleset ------------------------------------- */

enum l7_name_kind {
    L7_NAME_CONNMARK = 0,
    L7_NAME_PACKETMARK,
    L7_NAME_ROUTINGMARK,
    L7_NAME_PROTOCOL,
    L7_NAME_ADDRLIST,
    L7_NAME_KIND_COUNT
};

/* Id 0 is reserved in every table: "no mark" / "not classified". */
#define L7_NAME_NONE 0u

typedef struct l7_names {
    char **v; /* v[0] is unused (id 0 = none) */
    uint32_t n;
    size_t cap;
} l7_names;

int l7_names_intern(l7_names *t, const l7_alloc *a, const char *s, size_t len,
                    uint32_t *out_id);
uint32_t l7_names_find(const l7_names *t, const char *s, size_t len);
void l7_names_free(l7_names *t, const l7_alloc *a);

/* ---- schema ------------------------------------------------------------------ */

enum l7_table_bit { L7_TB_FILTER = 1, L7_TB_MANGLE = 2, L7_TB_BOTH = 3 };

enum l7_prop_kind {
    L7_PK_META,    /* chain, action, comment, disabled, log, ... */
    L7_PK_MATCHER, /* evaluated per packet */
    L7_PK_ARG      /* an action argument (new-connection-mark, ...) */
};

enum l7_prop_flag {
    L7_PF_NEGATE = 1,    /* accepts a leading '!' */
    L7_PF_PORTS = 2,     /* needs protocol=tcp/udp/... */
    L7_PF_CONNTRACK = 4, /* never matches with tracking off */
    L7_PF_LISTEXT = 8    /* comma list is a libl7 extension (Decision 9) */
};

/* A connection-state bit set. */
enum l7_ct_bit {
    L7_CTB_NEW = 1,
    L7_CTB_ESTABLISHED = 2,
    L7_CTB_RELATED = 4,
    L7_CTB_INVALID = 8,
    L7_CTB_UNTRACKED = 16
};

typedef struct l7_range16 {
    uint16_t lo, hi;
} l7_range16;

/* An address matcher as an inclusive range (CIDR blocks are normalised). */
typedef struct l7_addr_range {
    uint8_t family;
    uint8_t lo[16], hi[16];
} l7_addr_range;

struct l7_timematch;
struct l7_tz;

/* A parsed matcher value (matchers and action arguments share it). */
typedef struct l7_pval {
    union {
        l7_addr_range addr;
        struct {
            l7_range16 *v;
            uint32_t n;
        } ports;
        uint8_t proto;
        uint32_t bits; /* connection-state set */
        struct {
            uint32_t *ids; /* interned ids (after compile) */
            char **names;  /* while parsing */
            uint32_t n;
        } names;
        struct {
            uint64_t lo, hi; /* hi 0 = unbounded */
        } range;
        struct {
            uint64_t rate;   /* packets (or bits) per period */
            uint64_t period; /* ns */
            uint64_t burst;  /* tokens */
            uint8_t bits;    /* 1: count bits instead of packets */
        } limit;
        struct {
            uint8_t set, clear; /* flags that must be set / clear */
        } tcpflags;
        struct {
            uint8_t *bytes;
            uint32_t len;
        } content;
        struct l7_timematch *time;
        uint64_t num;
        char *str;
    } u;
} l7_pval;

typedef struct l7_pparse {
    const l7_alloc *alloc;
    l7_diag_list *diags;
    const char *item; /* property name, for diagnostics */
    uint32_t col0;    /* column of the value's first byte (1-based) */
    bool strict;
} l7_pparse;

/* Value parsers of the schema (policy_value.c). */
int l7_pv_address(l7_pval *out, const char *v, size_t n, l7_pparse *pp);
int l7_pv_ports(l7_pval *out, const char *v, size_t n, l7_pparse *pp);
int l7_pv_protocol(l7_pval *out, const char *v, size_t n, l7_pparse *pp);
int l7_pv_connstate(l7_pval *out, const char *v, size_t n, l7_pparse *pp);
int l7_pv_name(l7_pval *out, const char *v, size_t n, l7_pparse *pp);
int l7_pv_namelist(l7_pval *out, const char *v, size_t n, l7_pparse *pp);
int l7_pv_string(l7_pval *out, const char *v, size_t n, l7_pparse *pp);
int l7_pv_ifname(l7_pval *out, const char *v, size_t n, l7_pparse *pp);
int l7_pv_content(l7_pval *out, const char *v, size_t n, l7_pparse *pp);
int l7_pv_bool(l7_pval *out, const char *v, size_t n, l7_pparse *pp);
int l7_pv_bytes_range(l7_pval *out, const char *v, size_t n, l7_pparse *pp);
int l7_pv_rate_range(l7_pval *out, const char *v, size_t n, l7_pparse *pp);
int l7_pv_limit(l7_pval *out, const char *v, size_t n, l7_pparse *pp);
int l7_pv_tcpflags(l7_pval *out, const char *v, size_t n, l7_pparse *pp);
int l7_pv_time(l7_pval *out, const char *v, size_t n, l7_pparse *pp);
int l7_pv_action(l7_pval *out, const char *v, size_t n, l7_pparse *pp);
int l7_pv_reject_with(l7_pval *out, const char *v, size_t n, l7_pparse *pp);
int l7_pv_dscp(l7_pval *out, const char *v, size_t n, l7_pparse *pp);
int l7_pv_list_timeout(l7_pval *out, const char *v, size_t n, l7_pparse *pp);
int l7_pv_chain(l7_pval *out, const char *v, size_t n, l7_pparse *pp);
void l7_pv_ports_free(l7_pval *v, const l7_alloc *a);
void l7_pv_names_free(l7_pval *v, const l7_alloc *a);
void l7_pv_string_free(l7_pval *v, const l7_alloc *a);
void l7_pv_content_free(l7_pval *v, const l7_alloc *a);
void l7_pv_time_free(l7_pval *v, const l7_alloc *a);

struct l7_eval;
struct l7_cmatch;

typedef int (*l7_parse_fn)(l7_pval *out, const char *v, size_t n, l7_pparse *pp);
typedef bool (*l7_match_fn)(const struct l7_cmatch *m, struct l7_eval *ev);
typedef void (*l7_pfree_fn)(l7_pval *v, const l7_alloc *a);

typedef struct l7_prop_def {
    const char *name;
    uint8_t kind;      /* l7_prop_kind */
    uint8_t tables;    /* l7_table_bit */
    uint8_t flags;     /* l7_prop_flag */
    uint8_t cost;      /* lower runs first (Decision 10) */
    uint8_t name_kind; /* for name lists: l7_name_kind (else 0xff) */
    l7_parse_fn parse;
    l7_match_fn match;
    l7_pfree_fn free;
} l7_prop_def;

extern const l7_prop_def l7_prop_defs[];
extern const uint32_t l7_prop_def_count;
/* Index of the property named `name`, or -1. */
int l7_prop_lookup(const char *name);
/* Indices of meta/argument properties the compiler reads by position. */
enum {
    L7_P_CHAIN = 0,
    L7_P_ACTION,
    L7_P_COMMENT,
    L7_P_DISABLED,
    L7_P_LOG,
    L7_P_LOG_PREFIX,
    L7_P_PASSTHROUGH,
    L7_P_JUMP_TARGET,
    L7_P_NEW_CONNMARK,
    L7_P_NEW_PACKETMARK,
    L7_P_NEW_ROUTINGMARK,
    L7_P_NEW_DSCP,
    L7_P_REJECT_WITH,
    L7_P_ADDRESS_LIST,
    L7_P_ADDRESS_LIST_TIMEOUT,
    L7_P_FIRST_MATCHER /* everything from here on is a matcher */
};
/* A few matchers the compiler treats specially. */
int l7_prop_index_protocol(void);
int l7_prop_index_layer7(void);
int l7_prop_index_connstate(void);

void l7_pval_free(const l7_prop_def *d, l7_pval *v, const l7_alloc *a);

/* Shared value parsers (also used for conntrack settings). */
int l7_parse_duration_ns(uint64_t *out, const char *v, size_t n);
int l7_parse_addr_range(l7_addr_range *out, const char *v, size_t n);
/* Parse a value with its optional leading '!'; columns start at 1. */
int l7_policy_parse_value(l7_pval *out, bool *negate, const l7_prop_def *d,
                          const char *v, size_t n, bool strict, const l7_alloc *a,
                          l7_diag_list *diags);

/* policy_proto.c: the protocols of a policy and a ruleset's copy. */
int l7_policy_protos_init(l7_policy *p, const l7_allocator *hooks);
void l7_policy_protos_fini(l7_policy *p);
int l7_policy_protos_snapshot(l7_ruleset *rs, const l7_policy *p);
void l7_policy_protos_release(l7_ruleset *rs);
/* 0: known and enabled (id in *out); 1: disabled; L7_ENOTFOUND. */
int l7_policy_proto_id(uint32_t *out, const l7_ruleset *rs, const char *name);
int l7_parse_bool(bool *out, const char *v, size_t n);
int l7_parse_u64(uint64_t *out, const char *v, size_t n, uint64_t max);

/* Actions. */
enum l7_action {
    L7_ACT_ACCEPT = 0,
    L7_ACT_DROP,
    L7_ACT_REJECT,
    L7_ACT_TARPIT,
    L7_ACT_LOG,
    L7_ACT_PASSTHROUGH,
    L7_ACT_JUMP,
    L7_ACT_RETURN,
    L7_ACT_ADD_SRC,
    L7_ACT_ADD_DST,
    L7_ACT_MARK_CONN,
    L7_ACT_MARK_PACKET,
    L7_ACT_MARK_ROUTING,
    L7_ACT_CHANGE_DSCP,
    L7_ACT_FASTTRACK,
    L7_ACT_COUNT
};

typedef struct l7_action_def {
    const char *name;
    uint8_t tables;      /* l7_table_bit */
    int8_t required_arg; /* property index that must be set, or -1 */
    bool honours_passthrough;
} l7_action_def;

extern const l7_action_def l7_action_defs[L7_ACT_COUNT];
int l7_action_lookup(const char *v, size_t n);

/* ---- the mutable configuration ---------------------------------------------- */

typedef struct l7_pol_prop {
    uint16_t def;
    uint32_t len;
    char *value;
} l7_pol_prop;

typedef struct l7_pol_rule {
    uint64_t id;
    uint32_t line; /* source line given by a loader (0 = none) */
    l7_pol_prop *props;
    uint32_t n, cap;
} l7_pol_rule;

typedef struct l7_pol_list {
    l7_pol_rule *rules;
    uint32_t n, cap;
} l7_pol_list;

enum l7_ct_setting {
    L7_CT_ENABLED = 0,
    L7_CT_LOOSE_TCP,
    L7_CT_LIBERAL_TCP,
    L7_CT_MAX_ENTRIES,
    L7_CT_TCP_SYN_SENT,
    L7_CT_TCP_SYN_RECEIVED,
    L7_CT_TCP_ESTABLISHED,
    L7_CT_TCP_FIN_WAIT,
    L7_CT_TCP_CLOSE_WAIT,
    L7_CT_TCP_LAST_ACK,
    L7_CT_TCP_TIME_WAIT,
    L7_CT_TCP_CLOSE,
    L7_CT_UDP,
    L7_CT_UDP_STREAM,
    L7_CT_ICMP,
    L7_CT_GENERIC,
    L7_CT_COUNT
};

/* Compiled conntrack settings (timeouts in ns). */
typedef struct l7_ct_config {
    uint8_t enabled; /* 0 no, 1 yes, 2 auto */
    bool loose_tcp, liberal_tcp;
    uint64_t max_entries;
    uint64_t timeout[L7_CT_COUNT]; /* indexed by l7_ct_setting (timeouts only) */
} l7_ct_config;

struct l7_policy {
    l7_alloc alloc;
    l7_pol_list lists[2][2]; /* [family 4/6][table] */
    uint64_t next_id;
    uint64_t uid;
    char *ct_text[L7_CT_COUNT];
    l7_ct_config ct;
    bool strict;
    struct l7_protoset *protos; /* owned; edited by callers */
    struct l7_protoset *snap;   /* copy shared with the last ruleset */
};

/* ---- the compiled ruleset ---------------------------------------------------- */

typedef struct l7_cmatch {
    l7_match_fn match;
    const l7_prop_def *def;
    bool negate;
    bool conntrack; /* def->flags & L7_PF_CONNTRACK, kept here for the hot loop */
    l7_pval v;
} l7_cmatch;

typedef struct l7_crule {
    uint32_t index; /* into per-engine arrays (counters, limit state) */
    uint32_t pos;   /* print number within (family, table) */
    uint64_t id, sig;
    uint32_t line; /* source line for diagnostics */
    uint8_t family, table, action;
    bool log, passthrough, invalid, disabled;
    uint16_t chain;       /* index into the ruleset's chains */
    uint16_t jump_target; /* chain index for jump */
    uint8_t reject_with;
    int8_t new_dscp;
    uint32_t mark_id;          /* new connection/packet/routing mark (interned) */
    uint32_t list_id;          /* address list for add-*-to-address-list */
    uint8_t list_timeout_kind; /* l7_list_timeout */
    uint64_t list_timeout_ns;
    char *comment, *log_prefix;
    l7_cmatch *m;
    uint32_t nm;
} l7_crule;

typedef struct l7_chain {
    char *name;
    uint8_t family, table;
    bool builtin;
    uint32_t *rules; /* indices into l7_ruleset.rules, in order */
    uint32_t n, cap;
} l7_chain;

enum l7_list_timeout { L7_LT_NONE_DYNAMIC = 0, L7_LT_NONE_STATIC, L7_LT_DURATION };

struct l7_ruleset {
    l7_alloc alloc;
    atomic_uint refs;
    uint64_t policy_uid;
    l7_crule *rules;
    uint32_t nrules;
    l7_cmatch *matchers; /* every rule's matchers in one block, in rule order */
    l7_chain *chains;
    uint32_t nchains, chains_cap;
    /* builtin chain index per [family][hook chain], or UINT16_MAX */
    uint16_t builtin[2][2][5];
    l7_names names[L7_NAME_KIND_COUNT];
    l7_ct_config ct;
    bool ct_on;
    bool has_l7;
    bool uses_rate;             /* some rule has connection-rate */
    struct l7_protoset *protos; /* own reference to an unchanging copy */
};

/* Built-in chain slots. */
enum l7_bchain {
    L7_BC_PREROUTING = 0,
    L7_BC_INPUT,
    L7_BC_FORWARD,
    L7_BC_OUTPUT,
    L7_BC_POSTROUTING
};

/* ---- evaluation ----------------------------------------------------------------- */

/* What the evaluator needs from outside the ruleset. */
typedef struct l7_eval_env {
    void *user;
    /* Membership of `addr` in address list `list_id` (ruleset name id). */
    bool (*list_contains)(void *user, const l7_ruleset *rs, uint32_t list_id,
                          const l7_addr *addr, uint64_t now);
    /* Add `addr` to a list; kind is l7_list_timeout. */
    void (*list_add)(void *user, const l7_ruleset *rs, uint32_t list_id,
                     const l7_addr *addr, uint8_t timeout_kind, uint64_t timeout_ns,
                     uint64_t now);
    /* Layer-7 matcher: is the connection one of protocols `ids` (ids of
     * rs->protos, or L7_PROTO_ID_UNKNOWN / L7_PROTO_ID_UNSET)? Drives
     * collection. */
    bool (*layer7)(void *user, struct l7_eval *ev, const uint32_t *ids, uint32_t n);
    /* A matched rule with log=yes or action=log. */
    void (*log)(void *user, struct l7_eval *ev, const l7_crule *r);
} l7_eval_env;

/* Protocol ids with a special meaning in a layer7-protocol list. */
#define L7_PROTO_ID_UNKNOWN  0xfffffffeu
#define L7_PROTO_ID_UNSET    0xfffffffdu
#define L7_PROTO_ID_DISABLED 0xfffffffcu

typedef struct l7_rule_counter {
    uint64_t packets, bytes;
} l7_rule_counter;

typedef struct l7_limit_state {
    uint64_t tokens; /* scaled by 1e9 / period units */
    uint64_t last;
    bool init;
} l7_limit_state;

/* The per-packet context. Marks are in the engine's id space: the xlat
 * arrays map a ruleset name id to an engine id (identity in unit tests). */
typedef struct l7_eval {
    const l7_ruleset *rs;
    const l7_eval_env *env;
    const l7_packet *pkt;
    uint64_t now;
    uint8_t hook;    /* l7_hook */
    uint8_t dir;     /* 0 original, 1 reply */
    uint8_t ct_bits; /* one l7_ct_bit (0 when tracking is off) */
    bool ct_on;      /* tracking enabled (conntrack matchers usable) */
    bool has_conn;
    const char *in_if, *out_if;
    /* connection (engine ids; pointers into the connection record) */
    uint32_t *conn_mark;
    uint64_t conn_bytes; /* both directions */
    uint64_t conn_rate;  /* bit/s */
    bool *fasttrack;
    /* packet */
    uint32_t packet_mark, routing_mark;
    int dscp; /* -1 unchanged */
    /* translation ruleset id -> engine id per name kind (NULL = identity) */
    const uint32_t *xlat[L7_NAME_KIND_COUNT];
    /* per-engine state */
    l7_rule_counter *counters;
    l7_limit_state *limits;
    /* lazily computed local time for `time` (zone NULL = UTC) */
    const struct l7_tz *tz;
    bool time_ready;
    l7_local_time local;
    /* result */
    uint8_t verdict;     /* l7_verdict_kind */
    uint8_t reject_with; /* l7_reject_with */
    const l7_crule *decider;
    const l7_crule *current; /* rule being evaluated (for the L7 hook) */
    uint32_t limit_hits;
} l7_eval;

static inline uint32_t l7_eval_xlat(const l7_eval *ev, unsigned kind, uint32_t id)
{
    const uint32_t *x = ev->xlat[kind];
    return x && id != L7_NAME_NONE ? x[id] : id;
}

/* Run the tables of `hook` for the family of ev->pkt. Returns the verdict
 * (also in ev->verdict). */
int l7_eval_hook(l7_eval *ev);
/* Run one built-in chain; returns 1 when a terminal verdict ended it. */
int l7_eval_chain(l7_eval *ev, uint16_t chain);

/* Builtin chain slot for (table, name) or -1. */
int l7_builtin_chain_slot(unsigned table, const char *name);
const char *l7_builtin_chain_name(unsigned slot);

#endif
