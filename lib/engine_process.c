/*
 * The per-packet path: parse, reassemble, track, (fast path for
 * FastTracked connections), the hook's tables, verdict. Also the bindings
 * the evaluator reaches through l7_eval_env: address lists, the layer-7
 * inspector and the log sink.
 */
#include "engine_internal.h"

#include <string.h>

static eng_conn_ext *conn_ext(l7_engine *e, l7_conn *c)
{
    if (L7_LIKELY(c->inspect != NULL))
        return c->inspect;
    eng_conn_ext *x = l7_calloc(&e->alloc, 1, sizeof(*x));
    if (!x)
        return NULL;
    l7_inspect_state_init(&x->st);
    c->inspect = x;
    return x;
}

/* ---- bindings used by the evaluator -------------------------------------------------
 */

static bool env_list_contains(void *user, const l7_ruleset *rs, uint32_t list_id,
                              const l7_addr *addr, uint64_t now)
{
    (void)rs;
    l7_engine *e = user;
    if (!e->opts.addrlists)
        return false;
    uint32_t id = e->xlat[L7_NAME_ADDRLIST][list_id];
    for (uint32_t i = 0; i < e->nmemo; i++)
        if (e->memo[i].addr == addr && e->memo[i].list == id)
            return e->memo[i].member;
    bool member = l7_addrlist_contains(e->opts.addrlists, id, addr, now) == 1;
    uint32_t slot = e->nmemo < 4 ? e->nmemo++ : id & 3;
    e->memo[slot].addr = addr;
    e->memo[slot].list = id;
    e->memo[slot].member = member;
    return member;
}

static void env_list_add(void *user, const l7_ruleset *rs, uint32_t list_id,
                         const l7_addr *addr, uint8_t kind, uint64_t timeout_ns,
                         uint64_t now)
{
    (void)rs;
    l7_engine *e = user;
    if (!e->opts.addrlists)
        return;
    e->nmemo = 0;
    /* A full list refuses the add and counts it there; the packet goes on. */
    l7_addrlist_add_rule(e->opts.addrlists, e->xlat[L7_NAME_ADDRLIST][list_id], addr,
                         kind != L7_LT_NONE_STATIC,
                         kind == L7_LT_DURATION ? timeout_ns : 0, now);
}

static bool env_layer7(void *user, l7_eval *ev, const uint32_t *ids, uint32_t n)
{
    l7_engine *e = user;
    l7_conn *c = e->conn;
    uint8_t p = ev->pkt->l4_proto;
    /* Only TCP, UDP and ICMP streams with a connection are inspected. */
    if (!c || !(p == 6 || p == 17 || p == 1 || p == 58))
        return false;
    eng_conn_ext *x = conn_ext(e, c);
    if (!x)
        return false;
    bool yes = false;
    for (uint32_t i = 0; i < n && !yes; i++) {
        int r = l7_inspect_rule(e->insp, &x->st, c->total_packets, e->payload,
                                e->payload_len, ids[i]);
        if (r == L7_INSPECT_YES)
            yes = true;
        else if (r == L7_INSPECT_LIMIT)
            l7_engine_emit_warning(e, ev, "layer7 regexp hit its match limit");
    }
    c->l7_proto = x->st.status == L7_INSPECT_CLASSIFIED ? (int32_t)x->st.result
                  : x->st.status == L7_INSPECT_UNKNOWN  ? L7_CT_L7_UNKNOWN
                                                        : L7_CT_L7_UNSET;
    return yes;
}

static void env_log(void *user, l7_eval *ev, const l7_crule *r)
{
    l7_engine_emit_rule_log(user, ev, r);
}

void l7_engine_bind_env(l7_engine *e)
{
    e->env.user = e;
    e->env.list_contains = env_list_contains;
    e->env.list_add = env_list_add;
    e->env.layer7 = env_layer7;
    e->env.log = env_log;
}

/* ---- the packet path
 * ----------------------------------------------------------------- */

static const uint8_t ct_bit_of[5] = {L7_CTB_NEW, L7_CTB_ESTABLISHED, L7_CTB_RELATED,
                                     L7_CTB_INVALID, L7_CTB_UNTRACKED};

static const char *name_of(const l7_names *t, uint32_t id)
{
    return id && id < t->n ? t->v[id] : NULL;
}

static void finish(l7_verdict *out, l7_engine *e, uint32_t verdict)
{
    out->verdict = verdict;
    switch (verdict) {
    case L7_VERDICT_ACCEPT:
        e->stats[L7_ENGINE_STAT_ACCEPTED]++;
        break;
    case L7_VERDICT_DROP:
        e->stats[L7_ENGINE_STAT_DROPPED]++;
        break;
    case L7_VERDICT_REJECT:
    case L7_VERDICT_TARPIT:
        e->stats[L7_ENGINE_STAT_REJECTED]++;
        break;
    default:
        break;
    }
}

/* Connection rate (RouterOS: recomputed every second from the connection's
 * bytes, no averaging). */
static uint64_t conn_rate(eng_conn_ext *x, const l7_conn *c, uint32_t this_len,
                          uint64_t now)
{
    uint64_t sec = now / L7_NSEC_PER_SEC;
    /* Conntrack already counted this packet: it belongs to the new second. */
    uint64_t bytes = c->bytes[0] + c->bytes[1];
    bytes = bytes >= this_len ? bytes - this_len : 0;
    if (sec != x->rate_sec) {
        x->rate = sec == x->rate_sec + 1 && bytes >= x->rate_bytes
                      ? (bytes - x->rate_bytes) * 8
                      : 0;
        x->rate_sec = sec;
        x->rate_bytes = bytes;
    }
    return x->rate;
}

static int run_datagram(l7_verdict *out, l7_engine *e, const l7_packet *pkt,
                        const l7_packet_meta *meta, uint64_t now)
{
    const l7_ruleset *rs = e->rs;
    l7_ct_result ctr;
    memset(&ctr, 0, sizeof(ctr));
    e->conn = NULL;
    e->nmemo = 0;
    e->payload = pkt->payload;
    e->payload_len = pkt->payload_len;
    uint8_t state = L7_CT_UNTRACKED;
    if (L7_LIKELY(rs->ct_on)) {
        L7_TRY(l7_conntrack_track(&ctr, e->ct, pkt, now));
        state = ctr.state;
        e->conn = ctr.conn;
        e->payload = ctr.payload;
        e->payload_len = ctr.payload_len;
        if (state == L7_CT_INVALID) {
            e->stats[L7_ENGINE_STAT_INVALID_CONNTRACK]++;
            out->invalid = L7_INVALID_CONNTRACK;
        }
    }
    l7_conn *c = e->conn;
    out->conn_state = state;
    out->direction = ctr.dir;
    out->connection = c;

    /* FastTracked connections skip the firewall (§5.4). */
    if (c && (c->flags & L7_CONN_FASTTRACK) && state != L7_CT_INVALID) {
        e->stats[L7_ENGINE_STAT_FASTTRACKED]++;
        out->fasttrack = 1;
        out->connection_mark = name_of(&e->names[L7_NAME_CONNMARK], c->mark);
        out->layer7_protocol = l7_engine_conn_layer7(e, c);
        finish(out, e, L7_VERDICT_ACCEPT);
        return 0;
    }

    eng_conn_ext *x = c ? c->inspect : NULL;
    if (c && rs->has_l7 && (e->opts.flags & L7_ENGINE_COLLECT_ALWAYS) && !x)
        x = conn_ext(e, c);
    if (x && x->st.status == L7_INSPECT_INSPECTING && c->l7_proto != L7_CT_L7_UNKNOWN) {
        /* collect=always, and closing the window (and freeing the buffer)
         * as soon as it ends whatever the rules do. */
        l7_inspect_observe(e->insp, &x->st, c->total_packets, e->payload,
                           e->payload_len);
        if (x->st.status == L7_INSPECT_UNKNOWN)
            c->l7_proto = L7_CT_L7_UNKNOWN;
    }

    l7_eval ev;
    memset(&ev, 0, sizeof(ev));
    ev.rs = rs;
    ev.env = &e->env;
    ev.pkt = pkt;
    ev.now = now;
    ev.hook = (uint8_t)meta->hook;
    ev.dir = ctr.dir;
    ev.ct_on = rs->ct_on;
    ev.ct_bits = rs->ct_on ? ct_bit_of[state < 5 ? state : L7_CT_INVALID] : 0;
    ev.has_conn = c != NULL;
    uint32_t no_mark = 0;
    bool no_ft = false;
    ev.conn_mark = c ? &c->mark : &no_mark;
    if (c) {
        ev.conn_bytes = c->bytes[0] + c->bytes[1];
        if (rs->uses_rate) {
            x = conn_ext(e, c);
            ev.conn_rate = x ? conn_rate(x, c, pkt->ip_len, now) : 0;
        }
    }
    bool ft = false;
    ev.fasttrack = c ? &ft : &no_ft;
    ev.in_if = meta->in_interface;
    ev.out_if = meta->out_interface;
    ev.dscp = -1;
    ev.tz = e->opts.tz;
    for (int k = 0; k < L7_NAME_KIND_COUNT; k++)
        ev.xlat[k] = k == L7_NAME_PROTOCOL || k == L7_NAME_ADDRLIST ? NULL : e->xlat[k];
    ev.counters = e->counters;
    ev.limits = e->limits;

    l7_eval_hook(&ev);

    if (ft && c) {
        l7_conn_set_fasttrack(c);
        out->fasttrack = 1;
    }
    e->stats[L7_ENGINE_STAT_LIMIT_HITS] += ev.limit_hits;
    out->reject_with = ev.reject_with;
    out->new_dscp = ev.dscp;
    out->packet_mark = name_of(&e->names[L7_NAME_PACKETMARK], ev.packet_mark);
    out->routing_mark = name_of(&e->names[L7_NAME_ROUTINGMARK], ev.routing_mark);
    out->connection_mark = c ? name_of(&e->names[L7_NAME_CONNMARK], c->mark) : NULL;
    out->layer7_protocol = l7_engine_conn_layer7(e, c);
    if (ev.decider) {
        const l7_crule *r = ev.decider;
        out->has_rule = 1;
        out->rule_family = r->family;
        out->rule_table = r->table;
        out->rule_position = r->pos;
        out->rule_id = r->id;
        out->rule_chain = rs->chains[r->chain].name;
        out->rule_comment = r->comment;
    }
    finish(out, e, ev.verdict);
    return 0;
}

int l7_engine_process(l7_verdict *vout, l7_engine *e, const uint8_t *frame, size_t len,
                      uint32_t linktype, const l7_packet_meta *meta, uint64_t now)
{
    if (!vout || !e || (!frame && len) || vout->size < offsetof(l7_verdict, cookies))
        return L7_EINVAL;
    l7_packet_meta m;
    l7_packet_meta_init(&m);
    if (meta) {
        if (meta->size < sizeof(uint32_t) * 2 || meta->size > sizeof(m))
            return L7_EINVAL;
        memcpy(&m, meta, meta->size);
        m.size = sizeof(m);
        if (m.hook > L7_HOOK_OUTPUT)
            return L7_EINVAL;
    }
    /* Fill a full-size copy, hand back what the caller's struct holds. */
    l7_verdict out;
    memset(&out, 0, sizeof(out));
    out.size = sizeof(out);
    out.new_dscp = -1;
    e->cookie_one = m.cookie;
    out.cookies = &e->cookie_one;
    out.cookie_count = 1;
    e->stats[L7_ENGINE_STAT_PACKETS]++;
    e->stats[L7_ENGINE_STAT_BYTES] += len;
    e->l7_limit_warned = 0;

    int rc = l7_packet_parse(e->pkt, frame, len, linktype);
    const l7_packet *pkt = e->pkt;
    if (rc < 0) {
        finish(&out, e, L7_VERDICT_DROP);
    } else if (L7_UNLIKELY(pkt->status != L7_PACKET_OK)) {
        /* Malformed: the kernel would never hand it to netfilter. */
        e->stats[L7_ENGINE_STAT_INVALID_PACKET]++;
        e->invalid_by_status[pkt->status < L7_PACKET_STATUS_COUNT ? pkt->status : 0]++;
        out.invalid = L7_INVALID_PACKET;
        out.packet_status = pkt->status;
        finish(&out, e, L7_VERDICT_DROP);
    } else if (L7_UNLIKELY(pkt->is_fragment)) {
        e->stats[L7_ENGINE_STAT_FRAGMENTS]++;
        l7_defrag_result res = L7_DEFRAG_DROPPED;
        rc = l7_defrag_add(&res, e->defrag, pkt, m.cookie, now);
        uint32_t n = 0;
        const uint64_t *cookies = l7_defrag_cookies(e->defrag, &n);
        if (cookies && n) {
            out.cookies = cookies;
            out.cookie_count = n;
        }
        if (res == L7_DEFRAG_PENDING) {
            out.verdict = L7_VERDICT_PENDING;
            rc = 0;
        } else if (res == L7_DEFRAG_DROPPED) {
            out.invalid = L7_INVALID_FRAGMENT;
            finish(&out, e, L7_VERDICT_DROP);
            rc = rc == L7_ENOMEM ? L7_ENOMEM : 0;
        } else {
            uint32_t dlen = 0;
            const uint8_t *d = l7_defrag_datagram(e->defrag, &dlen);
            e->stats[L7_ENGINE_STAT_REASSEMBLED]++;
            rc = l7_packet_parse(e->pkt2, d, dlen, L7_LINK_IP);
            if (rc == 0 && e->pkt2->status == L7_PACKET_OK) {
                rc = run_datagram(&out, e, e->pkt2, &m, now);
            } else {
                out.invalid = L7_INVALID_PACKET;
                out.packet_status = e->pkt2->status;
                finish(&out, e, L7_VERDICT_DROP);
            }
        }
    } else {
        rc = run_datagram(&out, e, pkt, &m, now);
    }
    if (rc < 0 && out.verdict != L7_VERDICT_DROP)
        finish(&out, e, L7_VERDICT_DROP);
    memcpy(vout, &out, vout->size < sizeof(out) ? vout->size : sizeof(out));
    vout->size = vout->size < sizeof(out) ? vout->size : (uint32_t)sizeof(out);
    return rc < 0 ? rc : 0;
}
