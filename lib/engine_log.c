/*
 * Log events: structured records handed to the host (design principle 3:
 * no I/O in the library), and RouterOS's line layout as a helper.
 */
#include "engine_internal.h"

#include <stdio.h>
#include <string.h>

static const char *const state_names[5] = {"new", "established", "related", "invalid",
                                           "untracked"};

static const char *state_name(const l7_eval *ev)
{
    for (int i = 0; i < 5; i++)
        if (ev->ct_bits == (1u << i))
            return state_names[i];
    return "untracked";
}

static void fill_packet(l7_log_event *le, const l7_eval *ev)
{
    const l7_packet *p = ev->pkt;
    le->size = sizeof(*le);
    le->in_interface = ev->in_if;
    le->out_interface = ev->out_if;
    le->connection_state = state_name(ev);
    le->ip_len = p->ip_len;
    le->now = ev->now;
    le->src = p->src;
    le->dst = p->dst;
    le->l4_proto = p->l4_proto;
    if (p->l4_proto == 6 || p->l4_proto == 17 || p->l4_proto == 132 ||
        p->l4_proto == 136 || p->l4_proto == 33) {
        le->sport = p->sport;
        le->dport = p->dport;
    }
    le->tcp_flags = p->l4_proto == 6 ? p->tcp_flags : 0;
    le->icmp_type = p->icmp_type;
    le->icmp_code = p->icmp_code;
}

void l7_engine_emit_rule_log(l7_engine *e, l7_eval *ev, const l7_crule *r)
{
    e->stats[L7_ENGINE_STAT_LOG_EVENTS]++;
    if (!e->opts.log_fn)
        return;
    l7_log_event le;
    memset(&le, 0, sizeof(le));
    fill_packet(&le, ev);
    le.severity = L7_LOG_INFO;
    le.topics = "firewall,info";
    le.prefix = r->log_prefix ? r->log_prefix : "";
    le.chain = ev->rs->chains[r->chain].name;
    le.comment = r->comment;
    le.family = r->family;
    le.table = r->table;
    le.position = r->pos;
    le.rule_id = r->id;
    e->opts.log_fn(&le, e->opts.log_user);
}

void l7_engine_emit_warning(l7_engine *e, l7_eval *ev, const char *message)
{
    /* One warning per packet is enough, however many rules hit a limit. */
    if (e->l7_limit_warned++)
        return;
    e->stats[L7_ENGINE_STAT_LOG_EVENTS]++;
    if (!e->opts.log_fn)
        return;
    l7_log_event le;
    memset(&le, 0, sizeof(le));
    fill_packet(&le, ev);
    le.severity = L7_LOG_WARNING;
    le.topics = "firewall,warning";
    le.prefix = "";
    le.chain = ev->current ? ev->rs->chains[ev->current->chain].name : "";
    le.message = message;
    if (ev->current) {
        le.family = ev->current->family;
        le.table = ev->current->table;
        le.position = ev->current->pos;
        le.rule_id = ev->current->id;
        le.comment = ev->current->comment;
    }
    e->opts.log_fn(&le, e->opts.log_user);
}

/* Append to a bounded buffer, counting the full length as snprintf does. */
typedef struct sbuf {
    char *buf;
    size_t size, len;
} sbuf;

static void put(sbuf *s, const char *text)
{
    size_t n = strlen(text);
    if (s->len < s->size) {
        size_t room = s->size - s->len - 1;
        size_t k = n < room ? n : room;
        memcpy(s->buf + s->len, text, k);
        s->buf[s->len + k] = 0;
    }
    s->len += n;
}

static void put_endpoint(sbuf *s, const l7_addr *a, uint16_t port, bool with_port)
{
    char addr[L7_ADDR_STRLEN + 2], tmp[80];
    if (l7_addr_format(addr, sizeof(addr), a) < 0)
        snprintf(addr, sizeof(addr), "?");
    if (!with_port)
        snprintf(tmp, sizeof(tmp), "%s", addr);
    else if (a->family == 6)
        snprintf(tmp, sizeof(tmp), "[%s]:%u", addr, port);
    else
        snprintf(tmp, sizeof(tmp), "%s:%u", addr, port);
    put(s, tmp);
}

static const struct {
    const char *name;
    uint8_t proto;
} proto_names[] = {{"TCP", 6},  {"UDP", 17},   {"ICMP", 1},       {"ICMPv6", 58},
                   {"GRE", 47}, {"SCTP", 132}, {"IPSEC-ESP", 50}, {"IPSEC-AH", 51}};

int l7_engine_log_format(char *buf, size_t size, const l7_log_event *ev)
{
    if (!ev || (!buf && size))
        return L7_EINVAL;
    sbuf s = {buf, size, 0};
    if (size)
        buf[0] = 0;
    if (ev->message && !ev->rule_id && !*ev->chain) {
        put(&s, ev->message);
        return (int)s.len;
    }
    char tmp[96];
    if (ev->prefix && *ev->prefix) {
        put(&s, ev->prefix);
        if (ev->prefix[strlen(ev->prefix) - 1] != ' ')
            put(&s, " ");
    }
    put(&s, ev->chain ? ev->chain : "");
    put(&s, ": in:");
    put(&s, ev->in_interface ? ev->in_interface : "(unknown 0)");
    put(&s, " out:");
    put(&s, ev->out_interface ? ev->out_interface : "(unknown 0)");
    put(&s, ", proto ");
    const char *pname = NULL;
    for (size_t i = 0; i < L7_ARRAY_SIZE(proto_names); i++)
        if (proto_names[i].proto == ev->l4_proto)
            pname = proto_names[i].name;
    if (pname) {
        put(&s, pname);
    } else {
        snprintf(tmp, sizeof(tmp), "%u", ev->l4_proto);
        put(&s, tmp);
    }
    bool ports = false;
    if (ev->l4_proto == 6) {
        static const struct {
            uint8_t bit;
            const char *name;
        } flags[] = {{L7_TCP_SYN, "SYN"}, {L7_TCP_ACK, "ACK"}, {L7_TCP_PSH, "PSH"},
                     {L7_TCP_FIN, "FIN"}, {L7_TCP_RST, "RST"}, {L7_TCP_URG, "URG"},
                     {L7_TCP_ECE, "ECE"}, {L7_TCP_CWR, "CWR"}};
        put(&s, " (");
        bool first = true;
        for (size_t i = 0; i < L7_ARRAY_SIZE(flags); i++) {
            if (!(ev->tcp_flags & flags[i].bit))
                continue;
            if (!first)
                put(&s, ",");
            put(&s, flags[i].name);
            first = false;
        }
        put(&s, ")");
        ports = true;
    } else if (ev->l4_proto == 1 || ev->l4_proto == 58) {
        snprintf(tmp, sizeof(tmp), " (type %u, code %u)", ev->icmp_type, ev->icmp_code);
        put(&s, tmp);
    } else if (ev->l4_proto == 17 || ev->l4_proto == 132) {
        ports = true;
    }
    put(&s, ", ");
    put_endpoint(&s, &ev->src, ev->sport, ports);
    put(&s, "->");
    put_endpoint(&s, &ev->dst, ev->dport, ports);
    snprintf(tmp, sizeof(tmp), ", len %u", ev->ip_len);
    put(&s, tmp);
    if (ev->message) {
        put(&s, ": ");
        put(&s, ev->message);
    }
    return (int)s.len;
}
