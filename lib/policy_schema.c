/*
 * The property schema as data: every rule property of /ip firewall filter
 * and mangle that libl7 knows, with its tables, parser, matcher and cost
 * rank, plus the action table. Cheap matchers run first (Decision 10):
 * `time` ranks before `layer7-protocol`, and `limit` runs last because it
 * consumes tokens only when everything else matched.
 */
#include "policy_internal.h"
#include "l7/timematch.h"

#include <string.h>

/* ---- matchers ------------------------------------------------------------------- */

static bool in_range(const l7_addr_range *r, const l7_addr *a)
{
    return a->family == r->family && memcmp(a->bytes, r->lo, 16) >= 0 &&
           memcmp(a->bytes, r->hi, 16) <= 0;
}

static bool m_src_address(const l7_cmatch *m, l7_eval *ev)
{
    return in_range(&m->v.u.addr, &ev->pkt->src);
}

static bool m_dst_address(const l7_cmatch *m, l7_eval *ev)
{
    return in_range(&m->v.u.addr, &ev->pkt->dst);
}

static bool list_member(const l7_cmatch *m, l7_eval *ev, const l7_addr *a)
{
    if (!ev->env || !ev->env->list_contains)
        return false;
    return ev->env->list_contains(ev->env->user, ev->rs, m->v.u.names.ids[0], a,
                                  ev->now);
}

static bool m_src_address_list(const l7_cmatch *m, l7_eval *ev)
{
    return list_member(m, ev, &ev->pkt->src);
}

static bool m_dst_address_list(const l7_cmatch *m, l7_eval *ev)
{
    return list_member(m, ev, &ev->pkt->dst);
}

static bool m_protocol(const l7_cmatch *m, l7_eval *ev)
{
    return ev->pkt->l4_proto == m->v.u.proto;
}

static bool has_ports(const l7_eval *ev)
{
    uint8_t p = ev->pkt->l4_proto;
    /* Non-first fragments carry no layer-4 header. */
    return (p == 6 || p == 17 || p == 132 || p == 33 || p == 136) &&
           !(ev->pkt->is_fragment && ev->pkt->frag_offset != 0);
}

static bool port_in(const l7_pval *v, uint16_t port)
{
    for (uint32_t i = 0; i < v->u.ports.n; i++)
        if (port >= v->u.ports.v[i].lo && port <= v->u.ports.v[i].hi)
            return true;
    return false;
}

static bool m_src_port(const l7_cmatch *m, l7_eval *ev)
{
    return has_ports(ev) && port_in(&m->v, ev->pkt->sport);
}

static bool m_dst_port(const l7_cmatch *m, l7_eval *ev)
{
    return has_ports(ev) && port_in(&m->v, ev->pkt->dport);
}

static bool m_port(const l7_cmatch *m, l7_eval *ev)
{
    return has_ports(ev) &&
           (port_in(&m->v, ev->pkt->sport) || port_in(&m->v, ev->pkt->dport));
}

static bool m_in_interface(const l7_cmatch *m, l7_eval *ev)
{
    return ev->in_if && !strcmp(ev->in_if, m->v.u.str);
}

static bool m_out_interface(const l7_cmatch *m, l7_eval *ev)
{
    return ev->out_if && !strcmp(ev->out_if, m->v.u.str);
}

static bool m_connstate(const l7_cmatch *m, l7_eval *ev)
{
    return ev->ct_on && (ev->ct_bits & m->v.u.bits);
}

static bool mark_in(const l7_cmatch *m, const l7_eval *ev, unsigned kind, uint32_t have)
{
    for (uint32_t i = 0; i < m->v.u.names.n; i++)
        if (l7_eval_xlat(ev, kind, m->v.u.names.ids[i]) == have)
            return true;
    return false;
}

static bool m_connmark(const l7_cmatch *m, l7_eval *ev)
{
    if (!ev->ct_on || !ev->has_conn)
        return false;
    return mark_in(m, ev, L7_NAME_CONNMARK, *ev->conn_mark);
}

static bool m_packetmark(const l7_cmatch *m, l7_eval *ev)
{
    return mark_in(m, ev, L7_NAME_PACKETMARK, ev->packet_mark);
}

static bool m_routingmark(const l7_cmatch *m, l7_eval *ev)
{
    return mark_in(m, ev, L7_NAME_ROUTINGMARK, ev->routing_mark);
}

/* connection-bytes and connection-rate count TCP and UDP connections only. */
static bool tcp_or_udp(const l7_eval *ev)
{
    return ev->pkt->l4_proto == 6 || ev->pkt->l4_proto == 17;
}

static bool m_connbytes(const l7_cmatch *m, l7_eval *ev)
{
    if (!ev->ct_on || !ev->has_conn || !tcp_or_udp(ev))
        return false;
    uint64_t b = ev->conn_bytes;
    return b >= m->v.u.range.lo && (m->v.u.range.hi == 0 || b <= m->v.u.range.hi);
}

static bool m_connrate(const l7_cmatch *m, l7_eval *ev)
{
    if (!ev->ct_on || !ev->has_conn || !tcp_or_udp(ev))
        return false;
    uint64_t r = ev->conn_rate;
    return r >= m->v.u.range.lo && (m->v.u.range.hi == 0 || r <= m->v.u.range.hi);
}

/* Token bucket, one per rule and engine: refilled continuously at
 * rate/period, holding at most `burst` tokens. Tokens are kept in units of
 * 1/period-ns so that integer arithmetic stays exact. */
static bool m_limit(const l7_cmatch *m, l7_eval *ev)
{
    l7_limit_state *st = &ev->limits[ev->current->index];
    uint64_t period = m->v.u.limit.period;
    uint64_t cap = m->v.u.limit.burst * period;
    if (!st->init) {
        st->init = true;
        st->tokens = cap;
        st->last = ev->now;
    }
    if (ev->now > st->last) {
        uint64_t dt = ev->now - st->last;
        /* dt * rate overflows only after ~584 years / rate; cap it. */
        uint64_t add = dt > cap ? cap * m->v.u.limit.rate : dt * m->v.u.limit.rate;
        st->tokens = st->tokens + add > cap ? cap : st->tokens + add;
        st->last = ev->now;
    }
    uint64_t cost = m->v.u.limit.bits ? (uint64_t)ev->pkt->ip_len * 8 * period : period;
    if (st->tokens >= cost) {
        st->tokens -= cost;
        return true;
    }
    ev->limit_hits++;
    return false;
}

static bool m_content(const l7_cmatch *m, l7_eval *ev)
{
    const uint8_t *p = ev->pkt->payload;
    uint32_t n = ev->pkt->payload_len, k = m->v.u.content.len;
    if (!p || n < k)
        return false;
    const uint8_t *needle = m->v.u.content.bytes;
    for (uint32_t i = 0; i + k <= n; i++) {
        const uint8_t *hit = memchr(p + i, needle[0], n - k - i + 1);
        if (!hit)
            return false;
        i = (uint32_t)(hit - p);
        if (!memcmp(hit, needle, k))
            return true;
    }
    return false;
}

static bool m_tcpflags(const l7_cmatch *m, l7_eval *ev)
{
    if (ev->pkt->l4_proto != 6)
        return false;
    uint8_t f = ev->pkt->tcp_flags;
    return (f & m->v.u.tcpflags.set) == m->v.u.tcpflags.set &&
           (f & m->v.u.tcpflags.clear) == 0;
}

static bool m_time(const l7_cmatch *m, l7_eval *ev)
{
    if (!ev->time_ready) {
        l7_tz_to_local(&ev->local, ev->tz, ev->now);
        ev->time_ready = true;
    }
    return l7_timematch_eval_local(m->v.u.time, &ev->local) == 1;
}

static bool m_layer7(const l7_cmatch *m, l7_eval *ev)
{
    if (!ev->env || !ev->env->layer7)
        return false;
    /* Negation is a plain XOR over this result (L9), applied by the rule
     * evaluator like for any other matcher. */
    return ev->env->layer7(ev->env->user, ev, m->v.u.names.ids, m->v.u.names.n);
}

/* ---- the table ---------------------------------------------------------------------
 */

#define META(n, p, f)                                                                  \
    {                                                                                  \
        n, L7_PK_META, L7_TB_BOTH, 0, 0, 0xff, p, NULL, f                              \
    }
#define ARG(n, t, p, f, k)                                                             \
    {                                                                                  \
        n, L7_PK_ARG, t, 0, 0, k, p, NULL, f                                           \
    }
#define MATCH(n, fl, cost, p, m, f, k)                                                 \
    {                                                                                  \
        n, L7_PK_MATCHER, L7_TB_BOTH, fl, cost, k, p, m, f                             \
    }

/* The first L7_P_FIRST_MATCHER entries are in the order of the L7_P_* enum. */
const l7_prop_def l7_prop_defs[] = {
    META("chain", l7_pv_chain, l7_pv_string_free),
    META("action", l7_pv_action, NULL),
    META("comment", l7_pv_string, l7_pv_string_free),
    META("disabled", l7_pv_bool, NULL),
    META("log", l7_pv_bool, NULL),
    META("log-prefix", l7_pv_string, l7_pv_string_free),
    {"passthrough", L7_PK_META, L7_TB_MANGLE, 0, 0, 0xff, l7_pv_bool, NULL, NULL},
    ARG("jump-target", L7_TB_BOTH, l7_pv_chain, l7_pv_string_free, 0xff),
    ARG("new-connection-mark", L7_TB_MANGLE, l7_pv_name, l7_pv_names_free,
        L7_NAME_CONNMARK),
    ARG("new-packet-mark", L7_TB_MANGLE, l7_pv_name, l7_pv_names_free,
        L7_NAME_PACKETMARK),
    ARG("new-routing-mark", L7_TB_MANGLE, l7_pv_name, l7_pv_names_free,
        L7_NAME_ROUTINGMARK),
    ARG("new-dscp", L7_TB_MANGLE, l7_pv_dscp, NULL, 0xff),
    ARG("reject-with", L7_TB_FILTER, l7_pv_reject_with, NULL, 0xff),
    ARG("address-list", L7_TB_BOTH, l7_pv_name, l7_pv_names_free, L7_NAME_ADDRLIST),
    ARG("address-list-timeout", L7_TB_BOTH, l7_pv_list_timeout, NULL, 0xff),
    /* matchers, cheapest first within equal ranks */
    MATCH("protocol", L7_PF_NEGATE, 0, l7_pv_protocol, m_protocol, NULL, 0xff),
    MATCH("src-address", L7_PF_NEGATE, 1, l7_pv_address, m_src_address, NULL, 0xff),
    MATCH("dst-address", L7_PF_NEGATE, 1, l7_pv_address, m_dst_address, NULL, 0xff),
    MATCH("src-port", L7_PF_NEGATE | L7_PF_PORTS, 1, l7_pv_ports, m_src_port,
          l7_pv_ports_free, 0xff),
    MATCH("dst-port", L7_PF_NEGATE | L7_PF_PORTS, 1, l7_pv_ports, m_dst_port,
          l7_pv_ports_free, 0xff),
    MATCH("port", L7_PF_NEGATE | L7_PF_PORTS, 1, l7_pv_ports, m_port, l7_pv_ports_free,
          0xff),
    MATCH("in-interface", L7_PF_NEGATE, 2, l7_pv_ifname, m_in_interface,
          l7_pv_string_free, 0xff),
    MATCH("out-interface", L7_PF_NEGATE, 2, l7_pv_ifname, m_out_interface,
          l7_pv_string_free, 0xff),
    MATCH("tcp-flags", L7_PF_NEGATE, 2, l7_pv_tcpflags, m_tcpflags, NULL, 0xff),
    MATCH("packet-mark", L7_PF_NEGATE | L7_PF_LISTEXT, 3, l7_pv_namelist, m_packetmark,
          l7_pv_names_free, L7_NAME_PACKETMARK),
    MATCH("routing-mark", L7_PF_NEGATE | L7_PF_LISTEXT, 3, l7_pv_namelist,
          m_routingmark, l7_pv_names_free, L7_NAME_ROUTINGMARK),
    MATCH("connection-mark", L7_PF_NEGATE | L7_PF_LISTEXT | L7_PF_CONNTRACK, 3,
          l7_pv_namelist, m_connmark, l7_pv_names_free, L7_NAME_CONNMARK),
    MATCH("connection-state", L7_PF_NEGATE | L7_PF_CONNTRACK, 3, l7_pv_connstate,
          m_connstate, NULL, 0xff),
    MATCH("src-address-list", L7_PF_NEGATE, 4, l7_pv_name, m_src_address_list,
          l7_pv_names_free, L7_NAME_ADDRLIST),
    MATCH("dst-address-list", L7_PF_NEGATE, 4, l7_pv_name, m_dst_address_list,
          l7_pv_names_free, L7_NAME_ADDRLIST),
    MATCH("connection-bytes", L7_PF_NEGATE | L7_PF_CONNTRACK, 5, l7_pv_bytes_range,
          m_connbytes, NULL, 0xff),
    MATCH("connection-rate", L7_PF_NEGATE | L7_PF_CONNTRACK, 5, l7_pv_rate_range,
          m_connrate, NULL, 0xff),
    MATCH("content", L7_PF_NEGATE, 6, l7_pv_content, m_content, l7_pv_content_free,
          0xff),
    MATCH("time", 0, 7, l7_pv_time, m_time, l7_pv_time_free, 0xff),
    MATCH("layer7-protocol", L7_PF_NEGATE | L7_PF_LISTEXT | L7_PF_CONNTRACK, 8,
          l7_pv_namelist, m_layer7, l7_pv_names_free, L7_NAME_PROTOCOL),
    MATCH("limit", 0, 9, l7_pv_limit, m_limit, NULL, 0xff),
};

const uint32_t l7_prop_def_count = L7_ARRAY_SIZE(l7_prop_defs);

_Static_assert(L7_P_FIRST_MATCHER == 15, "meta/arg entries follow the L7_P_* enum");

int l7_prop_lookup(const char *name)
{
    for (uint32_t i = 0; i < l7_prop_def_count; i++)
        if (!strcmp(l7_prop_defs[i].name, name))
            return (int)i;
    return -1;
}

static int find_fixed(const char *name)
{
    int i = l7_prop_lookup(name);
    return i;
}

int l7_prop_index_protocol(void)
{
    return find_fixed("protocol");
}

int l7_prop_index_layer7(void)
{
    return find_fixed("layer7-protocol");
}

int l7_prop_index_connstate(void)
{
    return find_fixed("connection-state");
}

void l7_pval_free(const l7_prop_def *d, l7_pval *v, const l7_alloc *a)
{
    if (d->free)
        d->free(v, a);
}

/* ---- actions
 * ------------------------------------------------------------------------- */

const l7_action_def l7_action_defs[L7_ACT_COUNT] = {
    [L7_ACT_ACCEPT] = {"accept", L7_TB_BOTH, -1, false},
    [L7_ACT_DROP] = {"drop", L7_TB_BOTH, -1, false},
    [L7_ACT_REJECT] = {"reject", L7_TB_FILTER, -1, false},
    [L7_ACT_TARPIT] = {"tarpit", L7_TB_FILTER, -1, false},
    [L7_ACT_LOG] = {"log", L7_TB_BOTH, -1, false},
    [L7_ACT_PASSTHROUGH] = {"passthrough", L7_TB_BOTH, -1, false},
    [L7_ACT_JUMP] = {"jump", L7_TB_BOTH, L7_P_JUMP_TARGET, false},
    [L7_ACT_RETURN] = {"return", L7_TB_BOTH, -1, false},
    [L7_ACT_ADD_SRC] = {"add-src-to-address-list", L7_TB_BOTH, L7_P_ADDRESS_LIST,
                        false},
    [L7_ACT_ADD_DST] = {"add-dst-to-address-list", L7_TB_BOTH, L7_P_ADDRESS_LIST,
                        false},
    [L7_ACT_MARK_CONN] = {"mark-connection", L7_TB_MANGLE, L7_P_NEW_CONNMARK, true},
    [L7_ACT_MARK_PACKET] = {"mark-packet", L7_TB_MANGLE, L7_P_NEW_PACKETMARK, true},
    [L7_ACT_MARK_ROUTING] = {"mark-routing", L7_TB_MANGLE, L7_P_NEW_ROUTINGMARK, true},
    [L7_ACT_CHANGE_DSCP] = {"change-dscp", L7_TB_MANGLE, L7_P_NEW_DSCP, true},
    [L7_ACT_FASTTRACK] = {"fasttrack-connection", L7_TB_BOTH, -1, false},
};

int l7_action_lookup(const char *v, size_t n)
{
    for (int i = 0; i < L7_ACT_COUNT; i++)
        if (strlen(l7_action_defs[i].name) == n &&
            !memcmp(l7_action_defs[i].name, v, n))
            return i;
    return -1;
}

/* ---- built-in chains ----------------------------------------------------------------
 */

static const char *const bchain_names[5] = {"prerouting", "input", "forward", "output",
                                            "postrouting"};

int l7_builtin_chain_slot(unsigned table, const char *name)
{
    for (int i = 0; i < 5; i++) {
        if (strcmp(bchain_names[i], name))
            continue;
        if (table == L7_TABLE_FILTER &&
            (i == L7_BC_PREROUTING || i == L7_BC_POSTROUTING))
            return -1;
        return i;
    }
    return -1;
}

const char *l7_builtin_chain_name(unsigned slot)
{
    return slot < 5 ? bchain_names[slot] : "";
}
