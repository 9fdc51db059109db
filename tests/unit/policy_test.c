/* Policy: the builder, the compiler and rule evaluation over hand-made
 * contexts (no engine): every matcher and action, negation, lists, chains
 * with jump/return, passthrough, counters, warnings and errors. */
#include "testutil.h"

#include "policy_frames.h"
#include "policy_internal.h"
#include "l7/l7.h"
#include "l7/policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers --------------------------------------------------------------------- */

/* Add one rule from "prop=value prop=value" text (values without spaces;
 * `_` in a value stands for a space). Returns the first error status. */
static int add_rule(l7_policy *p, uint32_t family, uint32_t table, const char *text,
                    l7_diag_list *d)
{
    uint32_t pos;
    int rc = l7_policy_rule_add(&pos, p, family, table, L7_POLICY_APPEND);
    if (rc < 0)
        return rc;
    char buf[512];
    snprintf(buf, sizeof(buf), "%s", text);
    for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
        char *eq = strchr(tok, '=');
        if (!eq)
            return L7_ESYNTAX;
        *eq = 0;
        for (char *c = eq + 1; *c; c++)
            if (*c == '_')
                *c = ' ';
        rc = l7_policy_rule_set(p, family, table, pos, tok, eq + 1, strlen(eq + 1), d);
        if (rc < 0)
            return rc;
    }
    return 0;
}

typedef struct test_env {
    /* one address list for the tests: name and members */
    const char *list_name;
    const char *members[4];
    char added[4][160]; /* list_add calls: "list addr kind timeout_s" */
    int nadded;
    int logs;
    const l7_crule *last_log;
    /* layer7: the connection's protocol name, or NULL while inspecting */
    const char *conn_proto;
    int l7_calls;
} test_env;

static bool env_list_contains(void *user, const l7_ruleset *rs, uint32_t list_id,
                              const l7_addr *addr, uint64_t now)
{
    (void)now;
    test_env *te = user;
    if (!te->list_name || strcmp(rs->names[L7_NAME_ADDRLIST].v[list_id], te->list_name))
        return false;
    char text[64];
    l7_addr_format(text, sizeof(text), addr);
    for (int i = 0; i < 4 && te->members[i]; i++)
        if (!strcmp(te->members[i], text))
            return true;
    return false;
}

static void env_list_add(void *user, const l7_ruleset *rs, uint32_t list_id,
                         const l7_addr *addr, uint8_t kind, uint64_t timeout_ns,
                         uint64_t now)
{
    (void)now;
    test_env *te = user;
    char text[64];
    l7_addr_format(text, sizeof(text), addr);
    if (te->nadded < 4)
        snprintf(te->added[te->nadded++], sizeof(te->added[0]), "%s %s %u %llu",
                 rs->names[L7_NAME_ADDRLIST].v[list_id], text, kind,
                 (unsigned long long)(timeout_ns / L7_NSEC_PER_SEC));
}

static bool env_layer7(void *user, l7_eval *ev, const uint32_t *ids, uint32_t n)
{
    test_env *te = user;
    te->l7_calls++;
    for (uint32_t i = 0; i < n; i++) {
        if (ids[i] == L7_PROTO_ID_UNSET && !te->conn_proto)
            return true;
        if (ids[i] == L7_PROTO_ID_UNKNOWN && te->conn_proto &&
            !strcmp(te->conn_proto, "unknown"))
            return true;
        if (ids[i] <= L7_PROTO_ID_MAX && te->conn_proto &&
            !strcmp(l7_protoset_name(ev->rs->protos, ids[i]), te->conn_proto))
            return true;
    }
    return false;
}

static void env_log(void *user, l7_eval *ev, const l7_crule *r)
{
    (void)ev;
    test_env *te = user;
    te->logs++;
    te->last_log = r;
}

/* One evaluation: a packet, a connection context, and the result. */
typedef struct run {
    l7_ruleset *rs;
    test_env te;
    l7_eval_env env;
    l7_eval ev;
    l7_packet *pkt;
    uint8_t frame[2048];
    uint32_t conn_mark;
    bool fasttrack;
    l7_rule_counter counters[64];
    l7_limit_state limits[64];
} run;

static void run_init(run *r, l7_ruleset *rs)
{
    memset(r, 0, sizeof(*r));
    r->rs = rs;
    r->env =
        (l7_eval_env){&r->te, env_list_contains, env_list_add, env_layer7, env_log};
    ck_assert_int_eq(l7_packet_create(&r->pkt, NULL), L7_OK);
}

static void run_fini(run *r)
{
    l7_packet_destroy(r->pkt);
    l7_ruleset_destroy(r->rs);
}

static uint32_t name_id(const l7_ruleset *rs, unsigned kind, const char *name)
{
    if (!name || !strcmp(name, "no-mark"))
        return 0;
    uint32_t id = l7_names_find(&rs->names[kind], name, strlen(name));
    return id ? id : 9999; /* a mark the ruleset does not know */
}

/* Evaluate `hook` for one packet. */
static int run_packet(run *r, uint8_t hook, const l7t_flow *f, int reply, uint8_t flags,
                      const char *payload, uint8_t ct_bits, uint64_t now)
{
    size_t len = l7t_frame(r->frame, f, reply, flags, 1000, payload,
                           payload ? strlen(payload) : 0);
    ck_assert_int_eq(l7_packet_parse_l3(r->pkt, r->frame, len), L7_OK);
    l7_eval *ev = &r->ev;
    uint32_t pmark = ev->packet_mark;
    const char *in_if = ev->in_if, *out_if = ev->out_if;
    uint64_t cb = ev->conn_bytes, crate = ev->conn_rate;
    memset(ev, 0, sizeof(*ev));
    ev->rs = r->rs;
    ev->env = &r->env;
    ev->pkt = r->pkt;
    ev->now = now;
    ev->hook = hook;
    ev->dir = (uint8_t)reply;
    ev->ct_bits = ct_bits;
    ev->ct_on = r->rs->ct_on;
    ev->has_conn = true;
    ev->conn_mark = &r->conn_mark;
    ev->fasttrack = &r->fasttrack;
    ev->packet_mark = pmark;
    ev->in_if = in_if;
    ev->out_if = out_if;
    ev->conn_bytes = cb;
    ev->conn_rate = crate;
    ev->dscp = -1;
    ev->counters = r->counters;
    ev->limits = r->limits;
    return l7_eval_hook(ev);
}

/* A policy with the seed's protocols; steam is disabled. */
static l7_policy *new_policy(void)
{
    static const char *const protos[][2] = {
        {"facebook", "^.*(facebook|fbcdn).*$"},
        {"youtube", "^.*(youtube|googlevideo).*$"},
        {"bittorrent", "^(\\x13BitTorrent protocol|\\x42\\x54:)"},
        {"steam", "^.*(steam|steamcontent).*$"},
    };
    l7_policy *p;
    ck_assert_int_eq(l7_policy_create(&p, NULL), L7_OK);
    l7_protoset *set = l7_policy_protocols(p);
    ck_assert_ptr_nonnull(set);
    for (size_t i = 0; i < L7_ARRAY_SIZE(protos); i++) {
        uint32_t id;
        ck_assert_int_eq(l7_protoset_add(&id, set, protos[i][0], protos[i][1],
                                         strlen(protos[i][1]), NULL),
                         L7_OK);
        if (!strcmp(protos[i][0], "steam"))
            ck_assert_int_eq(l7_protoset_set_enabled(set, id, 0), L7_OK);
    }
    return p;
}

static l7_ruleset *compile_rules(const char *const *filter, const char *const *mangle,
                                 l7_diag_list *d)
{
    l7_policy *p = new_policy();
    for (int i = 0; filter && filter[i]; i++)
        ck_assert_int_eq(add_rule(p, 4, L7_TABLE_FILTER, filter[i], d), L7_OK);
    for (int i = 0; mangle && mangle[i]; i++)
        ck_assert_int_eq(add_rule(p, 4, L7_TABLE_MANGLE, mangle[i], d), L7_OK);
    l7_ruleset *rs = NULL;
    int rc = l7_ruleset_compile(&rs, p, d);
    l7_policy_destroy(p);
    if (rc < 0)
        return NULL;
    return rs;
}

static const l7t_flow tcp80 = {"192.168.1.100", "93.184.216.34", 6, 40000, 80, 0};
static const l7t_flow udp53 = {"192.168.1.100", "8.8.8.8", 17, 5353, 53, 0};
static const l7t_flow icmp = {"192.168.1.100", "8.8.8.8", 1, 7, 7, 0};
static const l7t_flow tcp6 = {"2001:db8::1", "2001:db8::2", 6, 40000, 443, 0};

/* Monday 2026-11-23 10:00:00 UTC, and the same week's Saturday 10:00. */
#define MON_10 1795428000ull
#define SAT_10 (MON_10 + 5 * 86400)
#define MON_20 (MON_10 + 10 * 3600)

/* ---- builder --------------------------------------------------------------------- */

START_TEST(test_builder_basics)
{
    l7_policy *p;
    l7_diag_list *d;
    ck_assert_int_eq(l7_policy_create(&p, NULL), L7_OK);
    ck_assert_int_eq(l7_diag_list_create(&d, NULL), L7_OK);
    uint32_t pos;
    ck_assert_int_eq(l7_policy_rule_add(&pos, p, 4, L7_TABLE_FILTER, L7_POLICY_APPEND),
                     L7_OK);
    ck_assert_uint_eq(pos, 0);
    ck_assert_int_eq(l7_policy_rule_add(&pos, p, 4, L7_TABLE_FILTER, L7_POLICY_APPEND),
                     L7_OK);
    ck_assert_uint_eq(pos, 1);
    /* place-before=0 */
    ck_assert_int_eq(l7_policy_rule_add(&pos, p, 4, L7_TABLE_FILTER, 0), L7_OK);
    ck_assert_uint_eq(pos, 0);
    ck_assert_int_eq(l7_policy_rule_add(&pos, p, 4, L7_TABLE_FILTER, 9), L7_ENOTFOUND);
    ck_assert_int_eq(l7_policy_rule_add(&pos, p, 5, L7_TABLE_FILTER, 0), L7_EINVAL);
    ck_assert_uint_eq(l7_policy_rule_count(p, 4, L7_TABLE_FILTER), 3);
    uint64_t id0, id1, id2;
    l7_policy_rule_id(&id0, p, 4, 0, 0);
    l7_policy_rule_id(&id1, p, 4, 0, 1);
    l7_policy_rule_id(&id2, p, 4, 0, 2);
    ck_assert_uint_eq(id0, 3); /* the place-before rule was added third */
    ck_assert_uint_eq(id1, 1);
    ck_assert_uint_eq(id2, 2);

    ck_assert_int_eq(l7_policy_rule_set(p, 4, 0, 1, "chain", "forward", 7, d), L7_OK);
    ck_assert_int_eq(l7_policy_rule_set(p, 4, 0, 1, "comment", "hello world", 11, d),
                     L7_OK);
    ck_assert_int_eq(l7_policy_rule_set(p, 4, 0, 1, "chain", "input", 5, d), L7_OK);
    const char *v, *name;
    ck_assert_int_eq(l7_policy_rule_get(&v, p, 4, 0, 1, "chain"), L7_OK);
    ck_assert_str_eq(v, "input");
    ck_assert_int_eq(l7_policy_rule_prop(&name, &v, p, 4, 0, 1, 0), L7_OK);
    ck_assert_str_eq(name, "chain");
    ck_assert_int_eq(l7_policy_rule_prop(&name, &v, p, 4, 0, 1, 1), L7_OK);
    ck_assert_str_eq(name, "comment");
    ck_assert_str_eq(v, "hello world");
    ck_assert_int_eq(l7_policy_rule_prop(&name, &v, p, 4, 0, 1, 2), L7_ENOTFOUND);
    ck_assert_int_eq(l7_policy_rule_unset(p, 4, 0, 1, "comment"), L7_OK);
    ck_assert_int_eq(l7_policy_rule_get(&v, p, 4, 0, 1, "comment"), L7_ENOTFOUND);

    /* move rule 1 (id 1) to the end; ids follow their rules */
    ck_assert_int_eq(l7_policy_rule_move(p, 4, 0, 1, L7_POLICY_APPEND), L7_OK);
    uint32_t where;
    ck_assert_int_eq(l7_policy_rule_find(&where, p, 4, 0, 1), L7_OK);
    ck_assert_uint_eq(where, 2);
    ck_assert_int_eq(l7_policy_rule_get(&v, p, 4, 0, 2, "chain"), L7_OK);
    ck_assert_str_eq(v, "input");
    ck_assert_int_eq(l7_policy_rule_move(p, 4, 0, 2, 0), L7_OK);
    ck_assert_int_eq(l7_policy_rule_find(&where, p, 4, 0, 1), L7_OK);
    ck_assert_uint_eq(where, 0);
    ck_assert_int_eq(l7_policy_rule_remove(p, 4, 0, 0), L7_OK);
    ck_assert_int_eq(l7_policy_rule_find(&where, p, 4, 0, 1), L7_ENOTFOUND);
    ck_assert_uint_eq(l7_policy_rule_count(p, 4, 0), 2);
    ck_assert_int_eq(l7_policy_rule_remove(p, 4, 0, 5), L7_ENOTFOUND);
    ck_assert_uint_eq(l7_diag_list_count(d), 0);

    /* connection tracking settings */
    ck_assert_int_eq(l7_policy_conntrack_get(&v, p, "udp-timeout"), L7_OK);
    ck_assert_str_eq(v, "30s");
    ck_assert_int_eq(l7_policy_conntrack_set(p, "udp-timeout", "10s", 3, d), L7_OK);
    ck_assert_int_eq(l7_policy_conntrack_get(&v, p, "udp-timeout"), L7_OK);
    ck_assert_str_eq(v, "10s");
    ck_assert_uint_eq(p->ct.timeout[L7_CT_UDP], 10 * L7_NSEC_PER_SEC);
    ck_assert_int_eq(
        l7_policy_conntrack_set(p, "tcp-established-timeout", "01:00:00", 8, d), L7_OK);
    ck_assert_uint_eq(p->ct.timeout[L7_CT_TCP_ESTABLISHED], 3600 * L7_NSEC_PER_SEC);
    ck_assert_int_eq(l7_policy_conntrack_set(p, "enabled", "maybe", 5, d), L7_ESYNTAX);
    ck_assert_int_eq(l7_policy_conntrack_set(p, "bogus", "1", 1, d), L7_ENOTFOUND);
    ck_assert_int_eq(l7_policy_conntrack_get(&v, p, "bogus"), L7_ENOTFOUND);
    /* Every listed property is one that get/set take, `enabled` first. */
    ck_assert_str_eq(l7_policy_conntrack_prop(0), "enabled");
    uint32_t nprops = 0;
    for (const char *prop; (prop = l7_policy_conntrack_prop(nprops)); nprops++)
        ck_assert_int_eq(l7_policy_conntrack_get(&v, p, prop), L7_OK);
    ck_assert_uint_eq(nprops, 16);
    ck_assert_ptr_null(l7_policy_conntrack_prop(UINT32_MAX));
    l7_diag_list_destroy(d);
    l7_policy_destroy(p);
    l7_policy_destroy(NULL);
}
END_TEST

/* Values refused (or warned about) by set, with the diagnostic's column. */
static const struct {
    uint32_t table;
    const char *prop, *value;
    int rc;
    uint32_t column;    /* of the first diagnostic; 0 = do not check */
    int warnings;       /* expected warnings when rc is OK */
    const char *needle; /* in the message */
} set_cases[] = {
    {L7_TABLE_FILTER, "bogus-prop", "1", L7_ENOTFOUND, 0, 0, "bogus-prop"},
    {L7_TABLE_FILTER, "new-packet-mark", "x", L7_EUNSUPPORTED, 0, 0, "filter"},
    {L7_TABLE_FILTER, "action", "mark-connection", L7_EUNSUPPORTED, 0, 0,
     "not allowed"},
    {L7_TABLE_MANGLE, "action", "reject", L7_EUNSUPPORTED, 0, 0, "not allowed"},
    {L7_TABLE_FILTER, "action", "dst-nat", L7_EUNSUPPORTED, 1, 0, "action"},
    {L7_TABLE_FILTER, "src-address", "10.0.0.300", L7_ESYNTAX, 1, 0, "address"},
    {L7_TABLE_FILTER, "src-address", "!10.0.0.1/33", L7_ERANGE, 2, 0, "prefix length"},
    {L7_TABLE_FILTER, "src-address", "10.0.0.9-10.0.0.1", L7_ERANGE, 1, 0, "range"},
    {L7_TABLE_FILTER, "dst-port", "80,9x", L7_ESYNTAX, 4, 0, "port"},
    {L7_TABLE_FILTER, "dst-port", "80,70000", L7_ESYNTAX, 4, 0, "port"},
    {L7_TABLE_FILTER, "dst-port", "90-80", L7_ERANGE, 1, 0, "range"},
    {L7_TABLE_FILTER, "protocol", "tcpx", L7_ESYNTAX, 1, 0, "protocol"},
    {L7_TABLE_FILTER, "connection-state", "established,old", L7_ESYNTAX, 13, 0, "new"},
    {L7_TABLE_FILTER, "time", "8h-17x", L7_ESYNTAX, 0, 0, ""},
    {L7_TABLE_FILTER, "time", "9h-12h,14h-17h,mon", 0, 0, 1, ""},
    {L7_TABLE_FILTER, "layer7-protocol", "facebook,twitter", 0, 0, 1, "extension"},
    {L7_TABLE_FILTER, "connection-mark", "a,b", 0, 0, 1, "extension"},
    {L7_TABLE_FILTER, "src-address-list", "a,b", L7_ESYNTAX, 1, 0, "single"},
    {L7_TABLE_FILTER, "time", "!8h-17h", L7_ESYNTAX, 1, 0, "negated"},
    {L7_TABLE_FILTER, "limit", "0/1s,5", L7_ESYNTAX, 1, 0, "rate"},
    {L7_TABLE_FILTER, "limit", "10/1s,5:bytes", L7_ESYNTAX, 0, 0, "packet or bit"},
    {L7_TABLE_FILTER, "tcp-flags", "syn,!ackk", L7_ESYNTAX, 5, 0, "syn"},
    {L7_TABLE_FILTER, "address-list-timeout", "1x", L7_ESYNTAX, 1, 0, "none-dynamic"},
    {L7_TABLE_FILTER, "address-list-timeout", "300d", L7_ERANGE, 1, 0, "21474836"},
    {L7_TABLE_FILTER, "reject-with", "icmp-nope", L7_ESYNTAX, 1, 0, "reject-with"},
    {L7_TABLE_MANGLE, "new-dscp", "64", L7_ERANGE, 1, 0, "DSCP"},
    {L7_TABLE_FILTER, "connection-bytes", "100", L7_ESYNTAX, 1, 0, "from-to"},
    {L7_TABLE_FILTER, "connection-rate", "1M-2x", L7_ESYNTAX, 4, 0, "number"},
    {L7_TABLE_FILTER, "disabled", "maybe", L7_ESYNTAX, 1, 0, "yes or no"},
    {L7_TABLE_FILTER, "content", "", L7_ESYNTAX, 1, 0, "empty"},
    {L7_TABLE_FILTER, "passthrough", "yes", L7_EUNSUPPORTED, 0, 0, "filter"},
    {L7_TABLE_MANGLE, "passthrough", "no", 0, 0, 0, ""},
    {L7_TABLE_FILTER, "src-address", "2001:db8::/32", 0, 0, 0, ""},
    {L7_TABLE_FILTER, "dst-port", "80,443,8000-8100", 0, 0, 0, ""},
};

START_TEST(test_set_values)
{
    l7_policy *p;
    l7_diag_list *d;
    ck_assert_int_eq(l7_policy_create(&p, NULL), L7_OK);
    ck_assert_int_eq(l7_diag_list_create(&d, NULL), L7_OK);
    uint32_t t = set_cases[_i].table;
    ck_assert_int_eq(l7_policy_rule_add(NULL, p, 4, t, L7_POLICY_APPEND), L7_OK);
    const char *v = set_cases[_i].value;
    int rc = l7_policy_rule_set(p, 4, t, 0, set_cases[_i].prop, v, strlen(v), d);
    ck_assert_int_eq(rc, set_cases[_i].rc);
    if (rc < 0) {
        ck_assert_uint_ge(l7_diag_list_count_severity(d, L7_SEV_ERROR), 1);
        ck_assert_str_eq(l7_diag_item(d, 0), set_cases[_i].prop);
        if (set_cases[_i].column)
            ck_assert_uint_eq(l7_diag_column(d, 0), set_cases[_i].column);
        /* a refused value leaves the property unset */
        const char *got;
        ck_assert_int_eq(l7_policy_rule_get(&got, p, 4, t, 0, set_cases[_i].prop),
                         L7_ENOTFOUND);
    } else {
        ck_assert_int_eq((int)l7_diag_list_count_severity(d, L7_SEV_WARNING),
                         set_cases[_i].warnings);
    }
    if (*set_cases[_i].needle) {
        ck_assert_uint_ge(l7_diag_list_count(d), 1);
        ck_assert_msg(strstr(l7_diag_message(d, 0), set_cases[_i].needle),
                      "'%s' not in '%s'", set_cases[_i].needle, l7_diag_message(d, 0));
    }
    l7_diag_list_destroy(d);
    l7_policy_destroy(p);
}
END_TEST

START_TEST(test_strict_mode)
{
    l7_policy *p;
    l7_diag_list *d;
    ck_assert_int_eq(l7_policy_create(&p, NULL), L7_OK);
    ck_assert_int_eq(l7_diag_list_create(&d, NULL), L7_OK);
    ck_assert_int_eq(l7_policy_set_strict(p, 1), L7_OK);
    ck_assert_int_eq(l7_policy_rule_add(NULL, p, 4, 0, L7_POLICY_APPEND), L7_OK);
    ck_assert_int_eq(l7_policy_rule_set(p, 4, 0, 0, "layer7-protocol", "a,b", 3, d),
                     L7_EUNSUPPORTED);
    ck_assert_int_eq(l7_policy_rule_set(p, 4, 0, 0, "time", "9h-12h,14h-17h", 14, d),
                     L7_EUNSUPPORTED);
    ck_assert_int_eq(l7_policy_rule_set(p, 4, 0, 0, "layer7-protocol", "a", 1, d),
                     L7_OK);
    /* IPv6 layer7 is an extension (Decision 15) */
    ck_assert_int_eq(l7_policy_rule_add(NULL, p, 6, 0, L7_POLICY_APPEND), L7_OK);
    ck_assert_int_eq(l7_policy_rule_set(p, 6, 0, 0, "layer7-protocol", "a", 1, d),
                     L7_EUNSUPPORTED);
    l7_policy_set_strict(p, 0);
    ck_assert_int_eq(l7_policy_rule_set(p, 6, 0, 0, "layer7-protocol", "a", 1, d),
                     L7_OK);
    l7_diag_list_destroy(d);
    l7_policy_destroy(p);
}
END_TEST

/* ---- compile errors and warnings ------------------------------------------------- */

static const struct {
    const char *rules[4]; /* filter rules */
    int rc;
    const char *item, *needle; /* first error (or warning when rc is OK) */
} compile_cases[] = {
    {{"action=drop", NULL}, L7_ESYNTAX, "filter#0", "missing chain"},
    {{"chain=forward dst-port=80", NULL}, L7_ESYNTAX, "filter#0", "needs protocol"},
    {{"chain=forward protocol=icmp port=80", NULL},
     L7_ESYNTAX,
     "filter#0",
     "needs protocol"},
    {{"chain=forward protocol=!tcp src-port=80", NULL},
     L7_ESYNTAX,
     "filter#0",
     "needs protocol"},
    {{"chain=forward action=jump", NULL}, L7_ESYNTAX, "filter#0", "jump-target"},
    {{"chain=forward action=jump jump-target=nowhere", NULL},
     L7_ESYNTAX,
     "filter#0",
     "not defined"},
    {{"chain=forward action=jump jump-target=input", NULL},
     L7_ESYNTAX,
     "filter#0",
     "built-in"},
    {{"chain=a action=jump jump-target=b", "chain=b action=jump jump-target=a", NULL},
     L7_ESYNTAX,
     "filter#",
     "loop"},
    {{"chain=a action=jump jump-target=a", NULL}, L7_ESYNTAX, "filter#0", "loop"},
    {{"chain=forward action=add-src-to-address-list", NULL},
     L7_ESYNTAX,
     "filter#0",
     "address-list"},
    {{"chain=forward protocol=tcp connection-state=new layer7-protocol=bittorrent",
      NULL},
     0,
     "filter#0",
     "connection-state=new"},
    {{"chain=forward action=accept connection-state=established,related",
      "chain=forward action=drop layer7-protocol=facebook", NULL},
     0,
     "filter#1",
     "filter#0"},
    {{"chain=forward action=fasttrack-connection connection-state=established",
      "chain=forward action=drop layer7-protocol=facebook", NULL},
     0,
     "filter#1",
     "fasttrack"},
    {{"chain=forward protocol=tcp dst-port=80,443 action=drop", NULL}, 0, NULL, NULL},
    {{"chain=output in-interface=ether1 action=drop", NULL}, 0, "filter#0", "output"},
    {{"chain=input out-interface=ether1 action=drop", NULL}, 0, "filter#0", "routing"},
    {{"chain=input out-interface=!ether1 action=drop", NULL}, 0, NULL, NULL},
    {{"chain=forward connection-bytes=1000-0 action=drop", NULL},
     0,
     "filter#0",
     "protocol=tcp"},
    {{"chain=forward protocol=udp connection-rate=1M-0 action=drop", NULL},
     0,
     NULL,
     NULL},
    {{"chain=forward layer7-protocol=netflix action=drop", NULL},
     L7_ESYNTAX,
     "filter#0",
     "netflix"},
};

START_TEST(test_compile_diags)
{
    l7_policy *p = new_policy();
    l7_diag_list *d;
    ck_assert_int_eq(l7_diag_list_create(&d, NULL), L7_OK);
    for (int i = 0; compile_cases[_i].rules[i]; i++)
        ck_assert_int_eq(add_rule(p, 4, L7_TABLE_FILTER, compile_cases[_i].rules[i], d),
                         L7_OK);
    l7_diag_list_clear(d);
    for (uint32_t i = 0; i < l7_policy_rule_count(p, 4, 0); i++)
        ck_assert_int_eq(l7_policy_rule_set_line(p, 4, 0, i, 10 + i), L7_OK);
    l7_ruleset *rs = NULL;
    int rc = l7_ruleset_compile(&rs, p, d);
    ck_assert_int_eq(rc, compile_cases[_i].rc);
    /* diagnostics about a rule carry the line a loader recorded */
    if (l7_diag_list_count(d) && strstr(l7_diag_item(d, 0), "filter#"))
        ck_assert_uint_eq(l7_diag_line(d, 0),
                          10 + atoi(strchr(l7_diag_item(d, 0), '#') + 1));
    if (rc < 0) {
        ck_assert_ptr_null(rs);
        ck_assert_uint_ge(l7_diag_list_count_severity(d, L7_SEV_ERROR), 1);
    } else {
        ck_assert_ptr_nonnull(rs);
        ck_assert_uint_eq(l7_diag_list_count_severity(d, L7_SEV_ERROR), 0);
    }
    if (compile_cases[_i].item) {
        ck_assert_uint_ge(l7_diag_list_count(d), 1);
        ck_assert_msg(strstr(l7_diag_item(d, 0), compile_cases[_i].item), "item %s",
                      l7_diag_item(d, 0));
        ck_assert_msg(strstr(l7_diag_message(d, 0), compile_cases[_i].needle),
                      "'%s' not in '%s'", compile_cases[_i].needle,
                      l7_diag_message(d, 0));
    } else {
        ck_assert_uint_eq(l7_diag_list_count(d), 0);
    }
    l7_ruleset_destroy(rs);
    l7_diag_list_destroy(d);
    l7_policy_destroy(p);
}
END_TEST

START_TEST(test_jump_depth_limit)
{
    l7_policy *p;
    l7_diag_list *d;
    ck_assert_int_eq(l7_policy_create(&p, NULL), L7_OK);
    ck_assert_int_eq(l7_diag_list_create(&d, NULL), L7_OK);
    char buf[128];
    ck_assert_int_eq(add_rule(p, 4, 0, "chain=forward action=jump jump-target=c0", d),
                     L7_OK);
    for (int i = 0; i < 70; i++) {
        snprintf(buf, sizeof(buf), "chain=c%d action=jump jump-target=c%d", i, i + 1);
        ck_assert_int_eq(add_rule(p, 4, 0, buf, d), L7_OK);
    }
    ck_assert_int_eq(add_rule(p, 4, 0, "chain=c70 action=drop", d), L7_OK);
    l7_ruleset *rs = NULL;
    ck_assert_int_eq(l7_ruleset_compile(&rs, p, d), L7_ESYNTAX);
    ck_assert_ptr_nonnull(strstr(l7_diag_message(d, 0), "deeper"));
    /* 60 levels are fine. */
    l7_policy_rule_set(p, 4, 0, 61, "jump-target", "c70", 3, d);
    l7_diag_list_clear(d);
    ck_assert_int_eq(l7_ruleset_compile(&rs, p, d), L7_OK);
    l7_ruleset_destroy(rs);
    l7_diag_list_destroy(d);
    l7_policy_destroy(p);
}
END_TEST

/* ---- matchers -----------------------------------------------------------------------
 */

typedef struct mcase {
    const char *rule; /* filter forward rule (action=drop added) */
    const l7t_flow *flow;
    int reply;
    uint8_t flags;
    const char *payload;
    uint8_t ct_bits;
    const char *conn_mark, *packet_mark;
    const char *in_if;
    uint64_t now_s;
    uint64_t conn_bytes, conn_rate;
    const char *conn_proto; /* layer7 context */
    int match;
} mcase;

#define ES L7_CTB_ESTABLISHED
static const mcase match_cases[] = {
    /* addresses: single, CIDR (host bits normalised), range, negation, family */
    {"src-address=192.168.1.100", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 1},
    {"src-address=192.168.1.101", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 0},
    {"src-address=192.168.1.1/24", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 1},
    {"src-address=!192.168.1.0/24", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0,
     0},
    {"dst-address=93.184.216.0-93.184.216.40", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10,
     0, 0, 0, 1},
    {"dst-address=93.184.216.35-93.184.216.40", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10,
     0, 0, 0, 0},
    {"dst-address=192.168.1.100", &tcp80, 1, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 1},
    {"src-address=2001:db8::/64", &tcp6, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 0},
    /* address lists */
    {"src-address-list=EMP", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 1},
    {"src-address-list=!EMP", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 0},
    {"dst-address-list=EMP", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 0},
    {"dst-address-list=EMP", &tcp80, 1, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 1},
    {"src-address-list=OTHER", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 0},
    /* protocol */
    {"protocol=tcp", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 1},
    {"protocol=6", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 1},
    {"protocol=udp", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 0},
    {"protocol=!udp", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 1},
    {"protocol=icmp", &icmp, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 1},
    /* ports: lists, ranges, negation, `port` either side */
    {"protocol=tcp dst-port=80", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 1},
    {"protocol=tcp dst-port=443,8000-8100", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0,
     0, 0, 0},
    {"protocol=tcp dst-port=22,79-81", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0,
     1},
    {"protocol=tcp dst-port=!80,443", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0,
     0},
    {"protocol=tcp dst-port=!443", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 1},
    {"protocol=tcp src-port=40000", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0,
     1},
    {"protocol=tcp port=80", &tcp80, 1, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 1},
    {"protocol=udp port=53", &udp53, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 1},
    {"protocol=udp dst-port=53", &udp53, 1, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 0},
    /* interfaces */
    {"in-interface=ether1", &tcp80, 0, 0, NULL, ES, 0, 0, "ether1", MON_10, 0, 0, 0, 1},
    {"in-interface=ether2", &tcp80, 0, 0, NULL, ES, 0, 0, "ether1", MON_10, 0, 0, 0, 0},
    {"in-interface=!ether2", &tcp80, 0, 0, NULL, ES, 0, 0, "ether1", MON_10, 0, 0, 0,
     1},
    {"out-interface=ether1", &tcp80, 0, 0, NULL, ES, 0, 0, "ether1", MON_10, 0, 0, 0,
     0},
    /* connection-state */
    {"connection-state=new", &tcp80, 0, 0x02, NULL, L7_CTB_NEW, 0, 0, 0, MON_10, 0, 0,
     0, 1},
    {"connection-state=established,related", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0,
     0, 0, 1},
    {"connection-state=established,related", &tcp80, 0, 0, NULL, L7_CTB_INVALID, 0, 0,
     0, MON_10, 0, 0, 0, 0},
    {"connection-state=!invalid", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 1},
    /* marks, no-mark, lists (Decision 9) */
    {"connection-mark=p2p-conn", &tcp80, 0, 0, NULL, ES, "p2p-conn", 0, 0, MON_10, 0, 0,
     0, 1},
    {"connection-mark=p2p-conn", &tcp80, 0, 0, NULL, ES, "other", 0, 0, MON_10, 0, 0, 0,
     0},
    {"connection-mark=no-mark", &tcp80, 0, 0, NULL, ES, NULL, 0, 0, MON_10, 0, 0, 0, 1},
    {"connection-mark=!no-mark", &tcp80, 0, 0, NULL, ES, NULL, 0, 0, MON_10, 0, 0, 0,
     0},
    {"connection-mark=facebook-conn,youtube-conn", &tcp80, 0, 0, NULL, ES,
     "youtube-conn", 0, 0, MON_10, 0, 0, 0, 1},
    {"packet-mark=no-mark", &tcp80, 0, 0, NULL, ES, 0, NULL, 0, MON_10, 0, 0, 0, 1},
    {"packet-mark=yt", &tcp80, 0, 0, NULL, ES, 0, "yt", 0, MON_10, 0, 0, 0, 1},
    {"packet-mark=!yt", &tcp80, 0, 0, NULL, ES, 0, "yt", 0, MON_10, 0, 0, 0, 0},
    /* connection-bytes / connection-rate (to=0: no upper bound) */
    {"connection-bytes=1000-0", &icmp, 0, 0, NULL, ES, 0, 0, 0, MON_10, 5000, 0, 0, 0},
    {"protocol=tcp connection-bytes=1000-0", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10,
     5000, 0, 0, 1},
    {"protocol=tcp connection-bytes=0-1000", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10,
     5000, 0, 0, 0},
    {"protocol=tcp connection-rate=1M-0", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0,
     2000000, 0, 1},
    {"protocol=tcp connection-rate=!0-100k", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0,
     2000000, 0, 1},
    {"protocol=tcp connection-rate=0-100k", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0,
     2000000, 0, 0},
    /* content: per packet, case-sensitive */
    {"content=youtube", &tcp80, 0, 0x18, "GET / HTTP/1.1\r\nHost: www.youtube.com", ES,
     0, 0, 0, MON_10, 0, 0, 0, 1},
    {"content=YouTube", &tcp80, 0, 0x18, "GET / HTTP/1.1\r\nHost: www.youtube.com", ES,
     0, 0, 0, MON_10, 0, 0, 0, 0},
    {"content=!youtube", &tcp80, 0, 0x18, "hello", ES, 0, 0, 0, MON_10, 0, 0, 0, 1},
    {"content=hello", &tcp80, 0, 0x18, "hell", ES, 0, 0, 0, MON_10, 0, 0, 0, 0},
    /* tcp-flags: every listed condition must hold */
    {"tcp-flags=syn", &tcp80, 0, 0x02, NULL, L7_CTB_NEW, 0, 0, 0, MON_10, 0, 0, 0, 1},
    {"tcp-flags=syn,!ack", &tcp80, 1, 0x12, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 0},
    {"tcp-flags=syn,ack", &tcp80, 1, 0x12, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 1},
    {"tcp-flags=!syn", &tcp80, 0, 0x10, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 1},
    {"tcp-flags=syn", &udp53, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 0},
    /* time (UTC here), weekday lists, midnight wrap (Decision 7) */
    {"time=8h-17h,mon,tue,wed,thu,fri", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0,
     0, 1},
    {"time=8h-17h,mon,tue,wed,thu,fri", &tcp80, 0, 0, NULL, ES, 0, 0, 0, SAT_10, 0, 0,
     0, 0},
    {"time=8h-17h,mon,tue,wed,thu,fri", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_20, 0, 0,
     0, 0},
    {"time=18h-8h,mon", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_20, 0, 0, 0, 1},
    {"time=18h-8h,mon", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_20 + 8 * 3600, 0, 0, 0, 1},
    {"time=18h-8h,mon", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10 - 12 * 3600, 0, 0, 0,
     0},
    {"time=9h-9h30m,14h-17h", &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 0},
    /* layer7 (the inspector is the env's; negation is an XOR) */
    {"layer7-protocol=facebook", &tcp80, 0, 0x18, "x", ES, 0, 0, 0, MON_10, 0, 0,
     "facebook", 1},
    {"layer7-protocol=facebook", &tcp80, 0, 0x18, "x", ES, 0, 0, 0, MON_10, 0, 0,
     "youtube", 0},
    {"layer7-protocol=!facebook", &tcp80, 0, 0x18, "x", ES, 0, 0, 0, MON_10, 0, 0,
     "youtube", 1},
    {"layer7-protocol=facebook,youtube", &tcp80, 0, 0x18, "x", ES, 0, 0, 0, MON_10, 0,
     0, "youtube", 1},
    {"layer7-protocol=unknown", &tcp80, 0, 0x18, "x", ES, 0, 0, 0, MON_10, 0, 0,
     "unknown", 1},
    {"layer7-protocol=unset", &tcp80, 0, 0x18, "x", ES, 0, 0, 0, MON_10, 0, 0, NULL, 1},
    {"layer7-protocol=!facebook", &tcp80, 0, 0x18, "x", ES, 0, 0, 0, MON_10, 0, 0, NULL,
     1},
    /* AND across properties */
    {"protocol=tcp dst-port=80 src-address-list=EMP connection-state=established",
     &tcp80, 0, 0, NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 1},
    {"protocol=tcp dst-port=80 src-address-list=EMP connection-state=new", &tcp80, 0, 0,
     NULL, ES, 0, 0, 0, MON_10, 0, 0, 0, 0},
};

START_TEST(test_matchers)
{
    const mcase *c = &match_cases[_i];
    char rule[256];
    snprintf(rule, sizeof(rule), "chain=forward action=drop %s", c->rule);
    const char *filter[] = {rule, NULL};
    l7_diag_list *d;
    ck_assert_int_eq(l7_diag_list_create(&d, NULL), L7_OK);
    l7_ruleset *rs = compile_rules(filter, NULL, d);
    ck_assert_msg(rs != NULL, "compile failed: %s", l7_diag_message(d, 0));
    run r;
    run_init(&r, rs);
    r.te.list_name = "EMP";
    r.te.members[0] = "192.168.1.100";
    r.te.conn_proto = c->conn_proto;
    r.conn_mark = name_id(rs, L7_NAME_CONNMARK, c->conn_mark);
    r.ev.packet_mark = name_id(rs, L7_NAME_PACKETMARK, c->packet_mark);
    r.ev.in_if = c->in_if;
    r.ev.conn_bytes = c->conn_bytes;
    r.ev.conn_rate = c->conn_rate;
    int v = run_packet(&r, L7_HOOK_FORWARD, c->flow, c->reply, c->flags, c->payload,
                       c->ct_bits, L7T_SEC(c->now_s));
    ck_assert_msg(v == (c->match ? L7_VERDICT_DROP : L7_VERDICT_ACCEPT),
                  "case %d (%s): verdict %d", _i, c->rule, v);
    /* counters count matches only, with the whole IP length */
    ck_assert_uint_eq(r.counters[0].packets, c->match ? 1 : 0);
    if (c->match)
        ck_assert_uint_eq(r.counters[0].bytes, r.pkt->ip_len);
    run_fini(&r);
    l7_diag_list_destroy(d);
}
END_TEST

/* Decision 10: `time` runs before `layer7-protocol`, so a packet outside
 * the window never reaches the inspector. */
START_TEST(test_cost_order)
{
    const char *filter[] = {"chain=forward action=drop layer7-protocol=facebook "
                            "time=8h-17h src-address-list=EMP",
                            NULL};
    l7_ruleset *rs = compile_rules(filter, NULL, NULL);
    ck_assert_ptr_nonnull(rs);
    const l7_crule *cr = &rs->rules[0];
    ck_assert_uint_eq(cr->nm, 3);
    ck_assert_str_eq(cr->m[0].def->name, "src-address-list");
    ck_assert_str_eq(cr->m[1].def->name, "time");
    ck_assert_str_eq(cr->m[2].def->name, "layer7-protocol");
    run r;
    run_init(&r, rs);
    r.te.list_name = "EMP";
    r.te.members[0] = "192.168.1.100";
    r.te.conn_proto = "facebook";
    run_packet(&r, L7_HOOK_FORWARD, &tcp80, 0, 0x18, "x", ES, L7T_SEC(MON_20));
    ck_assert_int_eq(r.te.l7_calls, 0);
    ck_assert_int_eq(r.ev.verdict, L7_VERDICT_ACCEPT);
    run_packet(&r, L7_HOOK_FORWARD, &tcp80, 0, 0x18, "x", ES, L7T_SEC(MON_10));
    ck_assert_int_eq(r.te.l7_calls, 1);
    ck_assert_int_eq(r.ev.verdict, L7_VERDICT_DROP);
    run_fini(&r);
}
END_TEST

/* ---- actions, chains, passthrough -------------------------------------------------
 */

typedef struct acase {
    const char *filter[6];
    const char *mangle[6];
    uint8_t hook;
    int verdict;
    int decider_table; /* -1: none */
    uint32_t decider_pos;
    const char *conn_mark, *packet_mark, *routing_mark;
    int dscp;
    uint64_t counters[8]; /* filter rules first, then mangle (in index order) */
} acase;

static const acase action_cases[] = {
    /* terminal actions */
    {{"chain=forward action=drop", "chain=forward action=accept"},
     {NULL},
     L7_HOOK_FORWARD,
     L7_VERDICT_DROP,
     0,
     0,
     NULL,
     NULL,
     NULL,
     -1,
     {1, 0}},
    {{"chain=forward action=reject reject-with=tcp-reset"},
     {NULL},
     L7_HOOK_FORWARD,
     L7_VERDICT_REJECT,
     0,
     0,
     NULL,
     NULL,
     NULL,
     -1,
     {1}},
    {{"chain=forward action=tarpit"},
     {NULL},
     L7_HOOK_FORWARD,
     L7_VERDICT_TARPIT,
     0,
     0,
     NULL,
     NULL,
     NULL,
     -1,
     {1}},
    /* default accept at the end of a built-in chain */
    {{"chain=forward action=drop protocol=udp"},
     {NULL},
     L7_HOOK_FORWARD,
     L7_VERDICT_ACCEPT,
     -1,
     0,
     NULL,
     NULL,
     NULL,
     -1,
     {0}},
    /* non-terminal: log, passthrough, then drop */
    {{"chain=forward action=log log-prefix=X", "chain=forward action=passthrough",
      "chain=forward action=drop"},
     {NULL},
     L7_HOOK_FORWARD,
     L7_VERDICT_DROP,
     0,
     2,
     NULL,
     NULL,
     NULL,
     -1,
     {1, 1, 1}},
    /* jump / return / implicit return */
    {{"chain=forward action=jump jump-target=sub", "chain=forward action=drop",
      "chain=sub action=return", "chain=sub action=accept"},
     {NULL},
     L7_HOOK_FORWARD,
     L7_VERDICT_DROP,
     0,
     1,
     NULL,
     NULL,
     NULL,
     -1,
     {1, 1, 1, 0}},
    {{"chain=forward action=jump jump-target=sub", "chain=forward action=drop",
      "chain=sub action=accept"},
     {NULL},
     L7_HOOK_FORWARD,
     L7_VERDICT_ACCEPT,
     0,
     2,
     NULL,
     NULL,
     NULL,
     -1,
     {1, 0, 1}},
    {{"chain=forward action=jump jump-target=a", "chain=forward action=drop",
      "chain=a action=jump jump-target=b", "chain=b action=passthrough"},
     {NULL},
     L7_HOOK_FORWARD,
     L7_VERDICT_DROP,
     0,
     1,
     NULL,
     NULL,
     NULL,
     -1,
     {1, 1, 1, 1}},
    /* return from a built-in chain: the default accept */
    {{"chain=forward action=return", "chain=forward action=drop"},
     {NULL},
     L7_HOOK_FORWARD,
     L7_VERDICT_ACCEPT,
     -1,
     0,
     NULL,
     NULL,
     NULL,
     -1,
     {1, 0}},
    /* mangle: passthrough=yes (default) continues, =no stops the table only */
    {{"chain=forward action=drop connection-mark=c1"},
     {"chain=prerouting action=mark-connection new-connection-mark=c1",
      "chain=prerouting action=mark-packet new-packet-mark=p1 passthrough=no",
      "chain=prerouting action=mark-packet new-packet-mark=p2"},
     L7_HOOK_FORWARD,
     L7_VERDICT_DROP,
     0,
     0,
     "c1",
     "p1",
     NULL,
     -1,
     {1, 1, 1, 0}},
    /* a later matcher on the same packet already sees the new mark */
    {{NULL},
     {"chain=prerouting action=mark-connection new-connection-mark=c1",
      "chain=prerouting action=mark-packet new-packet-mark=p1 connection-mark=c1",
      "chain=forward action=mark-routing new-routing-mark=r1 packet-mark=p1",
      "chain=postrouting action=change-dscp new-dscp=46 routing-mark=r1"},
     L7_HOOK_FORWARD,
     L7_VERDICT_ACCEPT,
     -1,
     0,
     "c1",
     "p1",
     "r1",
     46,
     {1, 1, 1, 1}},
    /* mangle accept ends mangle prerouting only; filter still runs */
    {{"chain=forward action=drop"},
     {"chain=prerouting action=accept", "chain=prerouting action=mark-packet "
                                        "new-packet-mark=p1"},
     L7_HOOK_FORWARD,
     L7_VERDICT_DROP,
     0,
     0,
     NULL,
     NULL,
     NULL,
     -1,
     {1, 1, 0}},
    /* hooks pick their chains */
    {{"chain=forward action=drop", "chain=input action=reject"},
     {NULL},
     L7_HOOK_INPUT,
     L7_VERDICT_REJECT,
     0,
     1,
     NULL,
     NULL,
     NULL,
     -1,
     {0, 1}},
    {{"chain=forward action=drop", "chain=output action=drop"},
     {"chain=prerouting action=mark-packet new-packet-mark=p1",
      "chain=output action=mark-packet new-packet-mark=p2 passthrough=no"},
     L7_HOOK_OUTPUT,
     L7_VERDICT_DROP,
     0,
     1,
     NULL,
     "p2",
     NULL,
     -1,
     {0, 1, 0, 1}},
    /* disabled rules are skipped and not counted */
    {{"chain=forward action=drop disabled=yes", "chain=forward action=accept"},
     {NULL},
     L7_HOOK_FORWARD,
     L7_VERDICT_ACCEPT,
     0,
     1,
     NULL,
     NULL,
     NULL,
     -1,
     {0, 1}},
    /* log=yes on any action */
    {{"chain=forward action=accept log=yes"},
     {NULL},
     L7_HOOK_FORWARD,
     L7_VERDICT_ACCEPT,
     0,
     0,
     NULL,
     NULL,
     NULL,
     -1,
     {1}},
};

START_TEST(test_actions)
{
    const acase *c = &action_cases[_i];
    l7_diag_list *d;
    ck_assert_int_eq(l7_diag_list_create(&d, NULL), L7_OK);
    l7_ruleset *rs = compile_rules(c->filter, c->mangle, d);
    ck_assert_msg(rs != NULL, "compile: %s", l7_diag_message(d, 0));
    run r;
    run_init(&r, rs);
    int v = run_packet(&r, c->hook, &tcp80, 0, 0x18, "x", ES, L7T_SEC(MON_10));
    ck_assert_int_eq(v, c->verdict);
    if (c->decider_table < 0 && c->verdict == L7_VERDICT_ACCEPT &&
        (!r.ev.decider || r.ev.decider->table == L7_TABLE_MANGLE)) {
        /* default accept: no filter rule decided */
    } else if (c->decider_table >= 0) {
        ck_assert_ptr_nonnull(r.ev.decider);
        ck_assert_uint_eq(r.ev.decider->table, (unsigned)c->decider_table);
        ck_assert_uint_eq(r.ev.decider->pos, c->decider_pos);
    }
    if (v == L7_VERDICT_REJECT && c->filter[0] && strstr(c->filter[0], "tcp-reset"))
        ck_assert_uint_eq(r.ev.reject_with, L7_REJECT_TCP_RESET);
    ck_assert_uint_eq(r.conn_mark, name_id(rs, L7_NAME_CONNMARK, c->conn_mark));
    ck_assert_uint_eq(r.ev.packet_mark,
                      name_id(rs, L7_NAME_PACKETMARK, c->packet_mark));
    ck_assert_uint_eq(r.ev.routing_mark,
                      name_id(rs, L7_NAME_ROUTINGMARK, c->routing_mark));
    ck_assert_int_eq(r.ev.dscp, c->dscp);
    for (uint32_t i = 0; i < rs->nrules; i++)
        ck_assert_msg(r.counters[i].packets == c->counters[i], "rule %u: %llu != %llu",
                      i, (unsigned long long)r.counters[i].packets,
                      (unsigned long long)c->counters[i]);
    if (c->filter[0] &&
        (strstr(c->filter[0], "log") || strstr(c->filter[0], "log=yes")))
        ck_assert_int_eq(r.te.logs, 1);
    run_fini(&r);
    l7_diag_list_destroy(d);
}
END_TEST

START_TEST(test_address_list_actions)
{
    const char *filter[] = {
        "chain=forward action=add-src-to-address-list address-list=seen "
        "address-list-timeout=1h",
        "chain=forward action=add-dst-to-address-list address-list=dsts",
        "chain=forward action=add-src-to-address-list address-list=perm "
        "address-list-timeout=none-static",
        "chain=forward action=drop", NULL};
    l7_ruleset *rs = compile_rules(filter, NULL, NULL);
    ck_assert_ptr_nonnull(rs);
    run r;
    run_init(&r, rs);
    ck_assert_int_eq(run_packet(&r, L7_HOOK_FORWARD, &tcp80, 0, 0x18, "x", ES, 0),
                     L7_VERDICT_DROP);
    ck_assert_int_eq(r.te.nadded, 3);
    ck_assert_str_eq(r.te.added[0], "seen 192.168.1.100 2 3600");
    ck_assert_str_eq(r.te.added[1], "dsts 93.184.216.34 0 0");
    ck_assert_str_eq(r.te.added[2], "perm 192.168.1.100 1 0");
    run_fini(&r);
}
END_TEST

START_TEST(test_limit)
{
    /* 2 packets per second, burst 2 */
    const char *filter[] = {"chain=forward action=accept limit=2/1s,2:packet",
                            "chain=forward action=drop", NULL};
    l7_ruleset *rs = compile_rules(filter, NULL, NULL);
    ck_assert_ptr_nonnull(rs);
    run r;
    run_init(&r, rs);
    uint64_t t = L7T_SEC(MON_10);
    ck_assert_int_eq(run_packet(&r, 0, &tcp80, 0, 0x10, NULL, ES, t),
                     L7_VERDICT_ACCEPT);
    ck_assert_int_eq(run_packet(&r, 0, &tcp80, 0, 0x10, NULL, ES, t),
                     L7_VERDICT_ACCEPT);
    ck_assert_int_eq(run_packet(&r, 0, &tcp80, 0, 0x10, NULL, ES, t), L7_VERDICT_DROP);
    /* half a second later one token is back */
    t += L7_NSEC_PER_SEC / 2;
    ck_assert_int_eq(run_packet(&r, 0, &tcp80, 0, 0x10, NULL, ES, t),
                     L7_VERDICT_ACCEPT);
    ck_assert_int_eq(run_packet(&r, 0, &tcp80, 0, 0x10, NULL, ES, t), L7_VERDICT_DROP);
    /* a long pause refills to the burst only */
    t += 100 * L7_NSEC_PER_SEC;
    ck_assert_int_eq(run_packet(&r, 0, &tcp80, 0, 0x10, NULL, ES, t),
                     L7_VERDICT_ACCEPT);
    ck_assert_int_eq(run_packet(&r, 0, &tcp80, 0, 0x10, NULL, ES, t),
                     L7_VERDICT_ACCEPT);
    ck_assert_int_eq(run_packet(&r, 0, &tcp80, 0, 0x10, NULL, ES, t), L7_VERDICT_DROP);
    ck_assert_uint_eq(r.counters[0].packets, 5);
    run_fini(&r);
}
END_TEST

START_TEST(test_limit_bits)
{
    /* 8000 bit/s with a burst of 8000 bits: 25 packets of 40 bytes */
    const char *filter[] = {"chain=forward action=accept limit=8k/1s,8k:bit",
                            "chain=forward action=drop", NULL};
    l7_ruleset *rs = compile_rules(filter, NULL, NULL);
    ck_assert_ptr_nonnull(rs);
    run r;
    run_init(&r, rs);
    uint64_t t = L7T_SEC(MON_10);
    int accepted = 0;
    for (int i = 0; i < 40; i++)
        accepted +=
            run_packet(&r, 0, &tcp80, 0, 0x10, NULL, ES, t) == L7_VERDICT_ACCEPT;
    ck_assert_int_eq(accepted, 25);
    /* 40 ms later: 320 bits, one more packet */
    t += 40 * 1000000ull;
    ck_assert_int_eq(run_packet(&r, 0, &tcp80, 0, 0x10, NULL, ES, t),
                     L7_VERDICT_ACCEPT);
    ck_assert_int_eq(run_packet(&r, 0, &tcp80, 0, 0x10, NULL, ES, t), L7_VERDICT_DROP);
    ck_assert_uint_eq(r.ev.limit_hits, 1);
    run_fini(&r);
}
END_TEST

START_TEST(test_conntrack_off)
{
    l7_policy *p;
    ck_assert_int_eq(l7_policy_create(&p, NULL), L7_OK);
    ck_assert_int_eq(
        add_rule(p, 4, 0, "chain=forward action=drop connection-state=!new", NULL),
        L7_OK);
    ck_assert_int_eq(
        add_rule(p, 4, 0, "chain=forward action=reject connection-mark=!x", NULL),
        L7_OK);
    ck_assert_int_eq(l7_policy_conntrack_set(p, "enabled", "no", 2, NULL), L7_OK);
    l7_ruleset *rs;
    ck_assert_int_eq(l7_ruleset_compile(&rs, p, NULL), L7_OK);
    ck_assert_int_eq(l7_ruleset_conntrack_enabled(rs), 0);
    run r;
    run_init(&r, rs);
    /* every conntrack matcher is off, negated or not */
    ck_assert_int_eq(run_packet(&r, 0, &tcp80, 0, 0x10, NULL, ES, 0),
                     L7_VERDICT_ACCEPT);
    run_fini(&r);
    /* auto: on as soon as a rule exists */
    ck_assert_int_eq(l7_policy_conntrack_set(p, "enabled", "auto", 4, NULL), L7_OK);
    ck_assert_int_eq(l7_ruleset_compile(&rs, p, NULL), L7_OK);
    ck_assert_int_eq(l7_ruleset_conntrack_enabled(rs), 1);
    l7_ruleset_destroy(rs);
    l7_policy_destroy(p);
}
END_TEST

START_TEST(test_ipv6_tables)
{
    l7_policy *p;
    ck_assert_int_eq(l7_policy_create(&p, NULL), L7_OK);
    ck_assert_int_eq(add_rule(p, 4, 0, "chain=forward action=drop", NULL), L7_OK);
    ck_assert_int_eq(add_rule(p, 6, 0,
                              "chain=forward action=reject protocol=tcp "
                              "dst-port=443",
                              NULL),
                     L7_OK);
    l7_ruleset *rs;
    ck_assert_int_eq(l7_ruleset_compile(&rs, p, NULL), L7_OK);
    ck_assert_uint_eq(l7_ruleset_rule_count(rs, 6, 0), 1);
    run r;
    run_init(&r, l7_ruleset_ref(rs));
    /* /ip rules see IPv4 only, /ipv6 rules IPv6 only */
    ck_assert_int_eq(run_packet(&r, 0, &tcp6, 0, 0x10, NULL, ES, 0), L7_VERDICT_REJECT);
    ck_assert_uint_eq(r.counters[0].packets, 0);
    ck_assert_int_eq(run_packet(&r, 0, &tcp80, 0, 0x10, NULL, ES, 0), L7_VERDICT_DROP);
    run_fini(&r);
    l7_ruleset_destroy(rs);
    l7_policy_destroy(p);
}
END_TEST

/* Decision 17: a rule naming a disabled protocol is invalid and skipped;
 * edits of the policy's set after compile never reach the ruleset. */
START_TEST(test_disabled_protocol)
{
    l7_policy *p = new_policy();
    ck_assert_int_eq(
        add_rule(p, 4, 0, "chain=forward action=drop layer7-protocol=steam", NULL),
        L7_OK);
    ck_assert_int_eq(add_rule(p, 4, 0,
                              "chain=forward action=reject "
                              "layer7-protocol=facebook",
                              NULL),
                     L7_OK);
    l7_ruleset *rs;
    ck_assert_int_eq(l7_ruleset_compile(&rs, p, NULL), L7_OK);
    ck_assert_int_eq(l7_ruleset_rule_invalid(rs, 4, 0, 0), 1);
    ck_assert_int_eq(l7_ruleset_rule_invalid(rs, 4, 0, 1), 0);
    ck_assert_int_eq(l7_ruleset_rule_invalid(rs, 4, 0, 2), L7_ENOTFOUND);
    run r;
    run_init(&r, rs);
    r.te.conn_proto = "steam";
    ck_assert_int_eq(run_packet(&r, 0, &tcp80, 0, 0x18, "x", ES, 0), L7_VERDICT_ACCEPT);
    ck_assert_uint_eq(r.counters[0].packets, 0);
    r.te.conn_proto = "facebook";
    ck_assert_int_eq(run_packet(&r, 0, &tcp80, 0, 0x18, "x", ES, 0), L7_VERDICT_REJECT);
    /* unchanged protocols: the next compile shares the copy */
    l7_ruleset *rs2;
    ck_assert_int_eq(l7_ruleset_compile(&rs2, p, NULL), L7_OK);
    ck_assert_ptr_eq(rs2->protos, rs->protos);
    l7_ruleset_destroy(rs2);
    /* an edit makes a new copy; the old ruleset keeps its own */
    uint32_t id;
    ck_assert_int_eq(l7_protoset_lookup(&id, l7_policy_protocols(p), "steam"), L7_OK);
    ck_assert_int_eq(l7_protoset_set_enabled(l7_policy_protocols(p), id, 1), L7_OK);
    ck_assert_int_eq(l7_ruleset_compile(&rs2, p, NULL), L7_OK);
    ck_assert_ptr_ne(rs2->protos, rs->protos);
    ck_assert_int_eq(l7_ruleset_rule_invalid(rs2, 4, 0, 0), 0);
    ck_assert_int_eq(l7_ruleset_rule_invalid(rs, 4, 0, 0), 1);
    l7_ruleset_destroy(rs2);
    run_fini(&r);
    l7_policy_destroy(p);
}
END_TEST

/* RouterOS allows at most 4096 distinct packet marks ("bad new packet
 * mark"). */
START_TEST(test_packet_mark_limit)
{
    l7_policy *p;
    ck_assert_int_eq(l7_policy_create(&p, NULL), L7_OK);
    char buf[96];
    for (int i = 0; i < 4097; i++) {
        snprintf(buf, sizeof(buf),
                 "chain=prerouting action=mark-packet new-packet-mark=m%d", i % 4096);
        ck_assert_int_eq(add_rule(p, 4, L7_TABLE_MANGLE, buf, NULL), L7_OK);
    }
    l7_ruleset *rs = NULL;
    ck_assert_int_eq(l7_ruleset_compile(&rs, p, NULL), L7_OK);
    l7_ruleset_destroy(rs);
    ck_assert_int_eq(
        add_rule(p, 4, L7_TABLE_MANGLE,
                 "chain=prerouting action=mark-packet new-packet-mark=one-more", NULL),
        L7_OK);
    l7_diag_list *d;
    ck_assert_int_eq(l7_diag_list_create(&d, NULL), L7_OK);
    ck_assert_int_eq(l7_ruleset_compile(&rs, p, d), L7_ESYNTAX);
    ck_assert_ptr_nonnull(strstr(l7_diag_message(d, 0), "bad new packet mark"));
    l7_diag_list_destroy(d);
    l7_policy_destroy(p);
}
END_TEST

/* Hostile values for every property: refused with a diagnostic or
 * accepted, never a crash; whatever was accepted compiles or is refused
 * with an error (never a crash either). */
START_TEST(test_random_values)
{
    static const char alphabet[] = "0123456789abcdefxyz-,./:!_ \x00\xff\"$";
    uint32_t seed = 12345u + (uint32_t)_i;
    l7_policy *p = new_policy();
    l7_diag_list *d;
    ck_assert_int_eq(l7_diag_list_create(&d, NULL), L7_OK);
    for (uint32_t def = 0; def < l7_prop_def_count; def++) {
        uint32_t table = (l7_prop_defs[def].tables & L7_TB_FILTER) ? 0 : 1;
        uint32_t pos;
        ck_assert_int_eq(l7_policy_rule_add(&pos, p, 4, table, L7_POLICY_APPEND),
                         L7_OK);
        l7_policy_rule_set(p, 4, table, pos, "chain", "forward", 7, NULL);
        for (int k = 0; k < 60; k++) {
            char v[24];
            seed = seed * 1103515245u + 12345u;
            size_t n = (seed >> 16) % sizeof(v);
            for (size_t j = 0; j < n; j++) {
                seed = seed * 1103515245u + 12345u;
                v[j] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
            }
            int rc =
                l7_policy_rule_set(p, 4, table, pos, l7_prop_defs[def].name, v, n, d);
            ck_assert_int_le(rc, 0);
            if (rc < 0)
                ck_assert_uint_ge(l7_diag_list_count_severity(d, L7_SEV_ERROR), 1);
            l7_diag_list_clear(d);
        }
    }
    l7_ruleset *rs = NULL;
    int rc = l7_ruleset_compile(&rs, p, d);
    ck_assert(rc == L7_OK || rc == L7_ESYNTAX);
    if (rc < 0)
        ck_assert_uint_ge(l7_diag_list_count_severity(d, L7_SEV_ERROR), 1);
    l7_ruleset_destroy(rs);
    l7_diag_list_destroy(d);
    l7_policy_destroy(p);
}
END_TEST

START_TEST(test_counter_identity)
{
    /* The signature ignores comment/disabled, so a reload of the same text
     * keeps a rule's identity. */
    const char *a[] = {"chain=forward action=drop protocol=tcp comment=one", NULL};
    const char *b[] = {"chain=forward action=drop protocol=tcp comment=two", NULL};
    const char *c[] = {"chain=forward action=drop protocol=udp", NULL};
    l7_ruleset *ra = compile_rules(a, NULL, NULL), *rb = compile_rules(b, NULL, NULL),
               *rc = compile_rules(c, NULL, NULL);
    ck_assert_uint_eq(ra->rules[0].sig, rb->rules[0].sig);
    ck_assert_uint_ne(ra->rules[0].sig, rc->rules[0].sig);
    ck_assert_str_eq(ra->rules[0].comment, "one");
    l7_ruleset_destroy(ra);
    l7_ruleset_destroy(rb);
    l7_ruleset_destroy(rc);
}
END_TEST

/* The policy's pattern flags reach its protocols and the compiled copy
 * (Decision 4), and are fixed while the policy has protocols. */
START_TEST(test_pattern_flags)
{
    const int compat = _i;
    static const char re[] = "^a\\x2eb"; /* regexp text: ^a\x2eb */
    l7_policy *p;
    ck_assert_int_eq(l7_policy_create(&p, NULL), L7_OK);
    ck_assert_uint_eq(l7_policy_pattern_flags(p), 0);
    ck_assert_int_eq(l7_policy_set_pattern_flags(NULL, 0), L7_EINVAL);
    ck_assert_int_eq(l7_policy_set_pattern_flags(p, 0x100), L7_EINVAL);
    uint32_t flags = compat ? L7_PATTERN_COMPAT_L7FILTER : 0;
    ck_assert_int_eq(l7_policy_set_pattern_flags(p, flags), L7_OK);
    ck_assert_uint_eq(l7_policy_pattern_flags(p), flags);
    l7_protoset *set = l7_policy_protocols(p);
    l7_diag_list *d;
    ck_assert_int_eq(l7_diag_list_create(&d, NULL), L7_OK);
    uint32_t id;
    ck_assert_int_eq(l7_protoset_add(&id, set, "dot", re, strlen(re), d), L7_OK);
    ck_assert_uint_eq(l7_diag_list_count(d), 1);
    ck_assert_int_eq(l7_diag_severity(d, 0), L7_SEV_WARNING);
    ck_assert_ptr_nonnull(
        strstr(l7_diag_message(d, 0), compat ? "regex meaning" : "literal byte"));
    ck_assert_int_eq(l7_policy_set_pattern_flags(p, flags ^ 1), L7_ESTATE);
    l7_ruleset *rs;
    ck_assert_int_eq(l7_ruleset_compile(&rs, p, NULL), L7_OK);
    l7_pattern_scratch *sc;
    ck_assert_int_eq(l7_pattern_scratch_create(&sc, NULL, NULL), L7_OK);
    const l7_protoset *sets[2] = {set, rs->protos};
    for (int k = 0; k < 2; k++) {
        uint32_t rid;
        ck_assert_int_eq(l7_protoset_lookup(&rid, sets[k], "dot"), L7_OK);
        const l7_pattern *pat = l7_protoset_pattern(sets[k], rid);
        ck_assert_int_eq(l7_pattern_match(pat, sc, (const uint8_t *)"axb", 3),
                         compat ? L7_PATTERN_MATCH : L7_PATTERN_NOMATCH);
        ck_assert_int_eq(l7_pattern_match(pat, sc, (const uint8_t *)"a.b", 3),
                         L7_PATTERN_MATCH);
    }
    /* Once the set is empty again the flags may change. */
    ck_assert_int_eq(l7_protoset_remove(set, id), L7_OK);
    ck_assert_int_eq(l7_policy_set_pattern_flags(p, flags ^ 1), L7_OK);
    l7_pattern_scratch_destroy(sc);
    l7_ruleset_destroy(rs);
    l7_diag_list_destroy(d);
    l7_policy_destroy(p);
}
END_TEST

static Suite *policy_suite(void)
{
    Suite *s = suite_create("policy");
    TCase *tc = tcase_create("builder");
    tcase_add_test(tc, test_builder_basics);
    tcase_add_loop_test(tc, test_set_values, 0, (int)L7_ARRAY_SIZE(set_cases));
    tcase_add_test(tc, test_strict_mode);
    tcase_add_loop_test(tc, test_pattern_flags, 0, 2);
    suite_add_tcase(s, tc);
    tc = tcase_create("compile");
    tcase_add_loop_test(tc, test_compile_diags, 0, (int)L7_ARRAY_SIZE(compile_cases));
    tcase_add_test(tc, test_jump_depth_limit);
    tcase_add_test(tc, test_counter_identity);
    tcase_add_test(tc, test_disabled_protocol);
    tcase_add_test(tc, test_packet_mark_limit);
    tcase_add_loop_test(tc, test_random_values, 0, 8);
    suite_add_tcase(s, tc);
    tc = tcase_create("eval");
    tcase_add_loop_test(tc, test_matchers, 0, (int)L7_ARRAY_SIZE(match_cases));
    tcase_add_test(tc, test_cost_order);
    tcase_add_loop_test(tc, test_actions, 0, (int)L7_ARRAY_SIZE(action_cases));
    tcase_add_test(tc, test_address_list_actions);
    tcase_add_test(tc, test_limit);
    tcase_add_test(tc, test_limit_bits);
    tcase_add_test(tc, test_conntrack_off);
    tcase_add_test(tc, test_ipv6_tables);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return l7t_run_suite(policy_suite());
}
