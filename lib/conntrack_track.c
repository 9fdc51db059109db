/*
 * Per-packet tracking: canonical keys, the flow hash, protocol state
 * machines (TCP, UDP, ICMP, generic), lookups, and the connection accessors.
 */
#include "conntrack_internal.h"

#include <string.h>

/* ---- keys and hash -------------------------------------------------------- */

enum {
    IPPROTO_ICMP_ = 1,
    IPPROTO_TCP_ = 6,
    IPPROTO_UDP_ = 17,
    IPPROTO_DCCP_ = 33,
    IPPROTO_ICMPV6_ = 58,
    IPPROTO_SCTP_ = 132,
    IPPROTO_UDPLITE_ = 136
};

static int proto_has_ports(uint8_t p)
{
    return p == IPPROTO_TCP_ || p == IPPROTO_UDP_ || p == IPPROTO_UDPLITE_ ||
           p == IPPROTO_SCTP_ || p == IPPROTO_DCCP_;
}

/* ICMP query types: the request type of a request or reply, or -1. */
static int icmp_request_of(uint8_t proto, uint8_t type, int *is_reply)
{
    *is_reply = 0;
    if (proto == IPPROTO_ICMP_) {
        switch (type) {
        case 8:
        case 13:
        case 15:
        case 17:
            return type;
        case 0:
        case 14:
        case 16:
        case 18:
            *is_reply = 1;
            return type == 0 ? 8 : type - 1;
        default:
            return -1;
        }
    }
    switch (type) { /* ICMPv6 echo and node information */
    case 128:
    case 139:
        return type;
    case 129:
    case 140:
        *is_reply = 1;
        return type - 1;
    default:
        return -1;
    }
}

static int icmp_is_error(uint8_t proto, uint8_t type)
{
    if (proto == IPPROTO_ICMP_)
        return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
    return type >= 1 && type <= 4;
}

/* ICMPv6 messages Linux leaves untracked: MLD, router/neighbour discovery,
 * redirects, multicast router discovery. */
static int icmpv6_untracked(uint8_t type)
{
    return (type >= 130 && type <= 137) || type == 143 || (type >= 151 && type <= 153);
}

static uint8_t icmp_reply_of(uint8_t proto, uint8_t req)
{
    if (proto == IPPROTO_ICMP_)
        return req == 8 ? 0 : (uint8_t)(req + 1);
    return (uint8_t)(req + 1);
}

int l7_ct_key_make(l7_ct_key *key, uint8_t *from_hi, const l7_addr *src,
                   const l7_addr *dst, uint16_t sport, uint16_t dport, uint8_t proto,
                   uint8_t icmp_type)
{
    if ((src->family != 4 && src->family != 6) || dst->family != src->family)
        return CT_KEY_INVALID;
    key->proto = proto;
    key->family = src->family;
    key->icmp_type = 0;
    key->icmp_req_hi = 0;
    uint16_t icmp_id = sport;
    if (!proto_has_ports(proto)) {
        sport = 0;
        dport = 0;
    }
    int cmp = memcmp(src->bytes, dst->bytes, 16);
    if (cmp == 0)
        cmp = (int)sport - (int)dport;
    uint8_t hi = cmp > 0;
    const l7_addr *lo_a = hi ? dst : src, *hi_a = hi ? src : dst;
    memcpy(key->addr[0], lo_a->bytes, 16);
    memcpy(key->addr[1], hi_a->bytes, 16);
    if (src->family == 4) {
        memset(key->addr[0] + 4, 0, 12);
        memset(key->addr[1] + 4, 0, 12);
    }
    key->port[0] = hi ? dport : sport;
    key->port[1] = hi ? sport : dport;
    *from_hi = hi;
    if (proto == IPPROTO_ICMP_ || proto == IPPROTO_ICMPV6_) {
        if (icmp_is_error(proto, icmp_type))
            return CT_KEY_ICMP_ERROR;
        if (proto == IPPROTO_ICMPV6_ && icmpv6_untracked(icmp_type))
            return CT_KEY_UNTRACKED;
        int is_reply;
        int req = icmp_request_of(proto, icmp_type, &is_reply);
        if (req < 0)
            return CT_KEY_INVALID;
        key->icmp_type = (uint8_t)req;
        /* The requester is the sender of a request, the receiver of a reply:
         * A pinging B and B pinging A with one id are two connections. */
        key->icmp_req_hi = is_reply ? !hi : hi;
        key->port[0] = key->port[1] = icmp_id;
    }
    return CT_KEY_OK;
}

/* ---- TCP ------------------------------------------------------------------- */

enum { P_SYN, P_SYNACK, P_FIN, P_ACK, P_RST, P_BAD };

/* Flag combinations Linux accepts (nf_conntrack_proto_tcp.c, tcp_valid_flags),
 * ECE/CWR ignored; everything else (SYN+FIN, FIN without ACK, null, xmas)
 * is invalid. */
static int tcp_class(uint8_t flags)
{
    uint8_t f = flags & (L7_TCP_FIN | L7_TCP_SYN | L7_TCP_RST | L7_TCP_ACK |
                         L7_TCP_PSH | L7_TCP_URG);
    uint8_t core = f & (uint8_t) ~(L7_TCP_PSH | L7_TCP_URG);
    switch (core) {
    case L7_TCP_SYN:
        return (f & L7_TCP_PSH) ? P_BAD : P_SYN;
    case L7_TCP_SYN | L7_TCP_ACK:
        return (f & (L7_TCP_PSH | L7_TCP_URG)) ? P_BAD : P_SYNACK;
    case L7_TCP_RST:
        return (f & (L7_TCP_PSH | L7_TCP_URG)) ? P_BAD : P_RST;
    case L7_TCP_RST | L7_TCP_ACK:
        return (f & L7_TCP_URG) ? P_BAD : P_RST;
    case L7_TCP_FIN | L7_TCP_ACK:
        return P_FIN;
    case L7_TCP_ACK:
        return P_ACK;
    default:
        return P_BAD;
    }
}

uint8_t l7_ct_tcp_tclass(uint8_t state)
{
    static const uint8_t map[] = {
        [L7_TCP_NONE] = L7_CT_TIMEOUT_TCP_CLOSE,
        [L7_TCP_SYN_SENT] = L7_CT_TIMEOUT_TCP_SYN_SENT,
        [L7_TCP_SYN_RECEIVED] = L7_CT_TIMEOUT_TCP_SYN_RECEIVED,
        [L7_TCP_ESTABLISHED] = L7_CT_TIMEOUT_TCP_ESTABLISHED,
        [L7_TCP_FIN_WAIT] = L7_CT_TIMEOUT_TCP_FIN_WAIT,
        [L7_TCP_CLOSE_WAIT] = L7_CT_TIMEOUT_TCP_CLOSE_WAIT,
        [L7_TCP_LAST_ACK] = L7_CT_TIMEOUT_TCP_LAST_ACK,
        [L7_TCP_TIME_WAIT] = L7_CT_TIMEOUT_TCP_TIME_WAIT,
        [L7_TCP_CLOSE] = L7_CT_TIMEOUT_TCP_CLOSE,
    };
    return state < sizeof(map) ? map[state] : L7_CT_TIMEOUT_TCP_CLOSE;
}

int l7_ct_tcp_first(uint8_t flags, int loose)
{
    switch (tcp_class(flags)) {
    case P_SYN:
        return L7_TCP_SYN_SENT;
    case P_SYNACK:
    case P_ACK:
        /* Loose pickup (loose-tcp-tracking=yes): history lost, assume the
         * connection is established. */
        return loose ? L7_TCP_ESTABLISHED : CT_TCP_INVALID;
    default:
        return CT_TCP_INVALID;
    }
}

/*
 * The state machine without sequence checks (liberal tracking): netfilter's
 * transitions, with the FIN bits standing in for the sequence numbers that
 * tell which side a FIN/ACK belongs to.
 */
int l7_ct_tcp_next(uint8_t s, uint8_t flags, int dir, uint8_t *iflags)
{
    uint8_t mine = dir ? CT_I_FIN_REPLY : CT_I_FIN_ORIG;
    int first_fin_mine = ((*iflags & CT_I_FIRST_FIN_REPLY) != 0) == (dir != 0);
    switch (tcp_class(flags)) {
    case P_RST:
        return L7_TCP_CLOSE;
    case P_SYN:
        switch (s) {
        case L7_TCP_SYN_SENT:
            return dir ? L7_TCP_SYN_RECEIVED
                       : L7_TCP_SYN_SENT; /* dir 1: simultaneous open */
        case L7_TCP_TIME_WAIT:
        case L7_TCP_CLOSE:
            return CT_TCP_REOPEN;
        default:
            return s; /* ignored, as netfilter does */
        }
    case P_SYNACK:
        switch (s) {
        case L7_TCP_SYN_SENT:
        case L7_TCP_SYN_RECEIVED:
            return dir ? L7_TCP_SYN_RECEIVED : CT_TCP_INVALID;
        case L7_TCP_ESTABLISHED:
            return s;
        default:
            return CT_TCP_INVALID;
        }
    case P_FIN:
        switch (s) {
        case L7_TCP_SYN_SENT:
            return CT_TCP_INVALID;
        case L7_TCP_SYN_RECEIVED:
        case L7_TCP_ESTABLISHED:
            *iflags |= mine;
            if (dir)
                *iflags |= CT_I_FIRST_FIN_REPLY;
            else
                *iflags &= (uint8_t)~CT_I_FIRST_FIN_REPLY;
            return L7_TCP_FIN_WAIT;
        case L7_TCP_FIN_WAIT:
        case L7_TCP_CLOSE_WAIT:
            if (*iflags & mine)
                return s; /* retransmitted FIN */
            *iflags |= mine;
            return L7_TCP_LAST_ACK;
        default:
            return s;
        }
    case P_ACK:
        switch (s) {
        case L7_TCP_SYN_SENT:
            return CT_TCP_INVALID;
        case L7_TCP_SYN_RECEIVED:
            return dir ? s : L7_TCP_ESTABLISHED;
        case L7_TCP_FIN_WAIT:
            return first_fin_mine ? s : L7_TCP_CLOSE_WAIT;
        case L7_TCP_LAST_ACK:
            return first_fin_mine ? L7_TCP_TIME_WAIT : s;
        default:
            return s;
        }
    default:
        return CT_TCP_INVALID;
    }
}

/* ---- track ------------------------------------------------------------------ */

static void result_init(l7_ct_result *out, const struct l7_packet *pkt, int state)
{
    out->conn = NULL;
    out->dir = L7_CT_DIR_ORIGINAL;
    out->state = (uint8_t)state;
    out->created = 0;
    out->reserved = 0;
    out->payload = pkt->payload;
    out->payload_len = pkt->payload ? pkt->payload_len : 0;
}

static int invalid(struct l7_conntrack *ct, l7_ct_result *out)
{
    ct->stats[L7_CT_STAT_INVALID]++;
    out->state = L7_CT_INVALID;
    return L7_OK;
}

static inline int rec_dir(const struct l7_conn *c, uint8_t from_hi)
{
    return from_hi != ((c->iflags & CT_I_ORIG_HI) != 0);
}

/* ICMP error: related to the connection its quoted packet belongs to. */
static int track_icmp_error(struct l7_conntrack *ct, l7_ct_result *out,
                            const struct l7_packet *pkt, uint64_t now)
{
    if (!pkt->has_inner)
        return invalid(ct, out);
    const l7_packet_inner *in = &pkt->inner;
    l7_ct_key key;
    uint8_t from_hi;
    if (ct_key_make_fast(&key, &from_hi, &in->src, &in->dst, in->sport, in->dport,
                         in->l4_proto, in->icmp_type) != CT_KEY_OK)
        return invalid(ct, out);
    uint64_t h = l7_ct_hash_key(&key, ct->hkey);
    struct l7_conn *c = l7_ct_find(ct, &key, (uint32_t)(h >> 32));
    if (!c || ct_expired(ct, c, now))
        return invalid(ct, out);
    out->conn = c;
    out->state = L7_CT_RELATED;
    /* The error travels back towards the quoted packet's sender. */
    out->dir = (uint8_t)!rec_dir(c, from_hi);
    return L7_OK;
}

int l7_conntrack_track(l7_ct_result *out, l7_conntrack *ct, const l7_packet *pkt,
                       uint64_t now)
{
    if (!out || !ct || !pkt)
        return L7_EINVAL;
    result_init(out, pkt, L7_CT_NEW);
    if (L7_UNLIKELY(pkt->status != L7_PACKET_OK || pkt->ip_version == 0)) {
        if (pkt->status == L7_PACKET_NOT_IP) {
            out->state = L7_CT_UNTRACKED;
            return L7_OK;
        }
        return invalid(ct, out);
    }
    if (L7_UNLIKELY(pkt->is_fragment && pkt->frag_offset > 0)) {
        /* No layer-4 header to key on: the engine reassembles first. */
        out->state = L7_CT_UNTRACKED;
        return L7_OK;
    }
    uint16_t sport = pkt->sport, dport = pkt->dport;
    if (L7_UNLIKELY(pkt->l4_proto == IPPROTO_ICMP_ ||
                    pkt->l4_proto == IPPROTO_ICMPV6_)) {
        /* The query id is read from the header itself when the frame holds
         * it: the parser puts it in the ports only for the query types it
         * knows (not ICMPv6 node information, 139/140). */
        if (pkt->frame && pkt->l4_offset <= pkt->frame_len &&
            pkt->frame_len - pkt->l4_offset >= 8) {
            const uint8_t *h = pkt->frame + pkt->l4_offset;
            sport = dport = (uint16_t)(h[4] << 8 | h[5]);
        }
    }
    l7_ct_key key;
    uint8_t from_hi;
    int kr = ct_key_make_fast(&key, &from_hi, &pkt->src, &pkt->dst, sport, dport,
                              pkt->l4_proto, pkt->icmp_type);
    if (L7_UNLIKELY(kr != CT_KEY_OK)) {
        if (kr == CT_KEY_ICMP_ERROR)
            return track_icmp_error(ct, out, pkt, now);
        if (kr == CT_KEY_UNTRACKED) {
            out->state = L7_CT_UNTRACKED;
            return L7_OK;
        }
        return invalid(ct, out);
    }
    uint64_t h = l7_ct_hash_key(&key, ct->hkey);
    uint32_t tag = (uint32_t)(h >> 32);
    struct l7_conn *c = l7_ct_find(ct, &key, tag);
    int is_tcp = pkt->l4_proto == IPPROTO_TCP_;
    int dir = 0;
    int tcp_state = L7_TCP_NONE;
    uint8_t iflags = 0;

    if (c && L7_UNLIKELY(ct_expired(ct, c, now))) {
        l7_ct_remove_idx(ct, l7_ct_idx_of(ct, c), L7_CT_STAT_EXPIRED);
        c = NULL;
    }
    if (c) {
        dir = rec_dir(c, from_hi);
        if (is_tcp) {
            iflags = c->iflags;
            tcp_state = l7_ct_tcp_next(c->tcp_state, pkt->tcp_flags, dir, &iflags);
            if (tcp_state == CT_TCP_INVALID) {
                out->conn = c;
                out->dir = (uint8_t)dir;
                return invalid(ct, out);
            }
            if (tcp_state == CT_TCP_REOPEN) {
                /* A SYN on a closed tuple starts a new connection, whose
                 * originator is the SYN's sender. */
                l7_ct_remove_idx(ct, l7_ct_idx_of(ct, c), L7_CT_STAT_REMOVED);
                c = NULL;
            }
        }
    }
    if (!c) {
        if (is_tcp) {
            tcp_state = l7_ct_tcp_first(pkt->tcp_flags, ct->loose_tcp);
            if (tcp_state == CT_TCP_INVALID)
                return invalid(ct, out);
        } else if (key.icmp_type) {
            int is_reply;
            icmp_request_of(key.proto, pkt->icmp_type, &is_reply);
            if (is_reply) /* a reply to nothing we saw */
                return invalid(ct, out);
        }
        c = l7_ct_insert(ct, &key, tag, now);
        if (!c) /* full and nothing to drop: "no resources" is invalid */
            return invalid(ct, out);
        dir = 0;
        if (from_hi)
            c->iflags |= CT_I_ORIG_HI;
        iflags = c->iflags;
        if (is_tcp && tcp_state == L7_TCP_ESTABLISHED)
            c->flags |= L7_CONN_LOOSE;
        out->created = 1;
    }

    /* Count and refresh. */
    c->packets[dir]++;
    c->bytes[dir] += pkt->ip_len;
    c->total_packets++;
    if (now > c->last_seen)
        c->last_seen = now;
    if (dir)
        c->flags |= L7_CONN_SEEN_REPLY;
    if (is_tcp) {
        c->tcp_state = (uint8_t)tcp_state;
        c->iflags = iflags;
        c->tclass = l7_ct_tcp_tclass((uint8_t)tcp_state);
    } else if (pkt->l4_proto == IPPROTO_UDP_ || pkt->l4_proto == IPPROTO_UDPLITE_) {
        c->tclass = (c->flags & L7_CONN_SEEN_REPLY) ? L7_CT_TIMEOUT_UDP_STREAM
                                                    : L7_CT_TIMEOUT_UDP;
    } else if (key.icmp_type) {
        c->tclass = L7_CT_TIMEOUT_ICMP;
    } else {
        c->tclass = L7_CT_TIMEOUT_GENERIC;
    }
    if (!(c->flags & L7_CONN_ASSURED) && (c->flags & L7_CONN_SEEN_REPLY) &&
        (!is_tcp || (tcp_state >= L7_TCP_ESTABLISHED && tcp_state != L7_TCP_CLOSE)))
        l7_ct_assure(ct, c);

    out->conn = c;
    out->dir = (uint8_t)dir;
    out->state = (c->flags & L7_CONN_SEEN_REPLY) ? L7_CT_ESTABLISHED : L7_CT_NEW;
    if (is_tcp && (c->stream || (ct->tcp_in_order && c->l7_proto == L7_CT_L7_UNSET)))
        l7_ct_stream_deliver(ct, c, dir, pkt, out);
    return L7_OK;
}

/* ---- lookups ---------------------------------------------------------------- */

static inline int tuple_key(l7_ct_key *key, uint8_t *from_hi, const l7_ct_tuple *t)
{
    return ct_key_make_fast(key, from_hi, &t->src, &t->dst, t->sport, t->dport,
                            t->l4_proto, t->icmp_type);
}

uint64_t l7_conntrack_hash(const l7_conntrack *ct, const l7_ct_tuple *tuple)
{
    if (!ct || !tuple)
        return 0;
    l7_ct_key key;
    uint8_t from_hi;
    if (tuple_key(&key, &from_hi, tuple) != CT_KEY_OK)
        return 0;
    return l7_ct_hash_key(&key, ct->hkey);
}

static int lookup_key(l7_conn **out, l7_ct_dir *out_dir, const l7_conntrack *ct,
                      const l7_ct_key *key, uint8_t from_hi, uint64_t hash,
                      uint64_t now)
{
    struct l7_conn *c = l7_ct_find(ct, key, (uint32_t)(hash >> 32));
    if (!c || ct_expired(ct, c, now))
        return L7_ENOTFOUND;
    *out = c;
    if (out_dir)
        *out_dir = (l7_ct_dir)rec_dir(c, from_hi);
    return L7_OK;
}

int l7_conntrack_lookup_hashed(l7_conn **out, l7_ct_dir *out_dir,
                               const l7_conntrack *ct, const l7_ct_tuple *tuple,
                               uint64_t hash, uint64_t now)
{
    if (!out)
        return L7_EINVAL;
    *out = NULL;
    if (!ct || !tuple)
        return L7_EINVAL;
    l7_ct_key key;
    uint8_t from_hi;
    if (tuple_key(&key, &from_hi, tuple) != CT_KEY_OK)
        return L7_ENOTFOUND;
    return lookup_key(out, out_dir, ct, &key, from_hi, hash, now);
}

int l7_conntrack_lookup(l7_conn **out, l7_ct_dir *out_dir, const l7_conntrack *ct,
                        const l7_ct_tuple *tuple, uint64_t now)
{
    if (!out)
        return L7_EINVAL;
    *out = NULL;
    if (!ct || !tuple)
        return L7_EINVAL;
    l7_ct_key key;
    uint8_t from_hi;
    if (tuple_key(&key, &from_hi, tuple) != CT_KEY_OK)
        return L7_ENOTFOUND;
    return lookup_key(out, out_dir, ct, &key, from_hi, l7_ct_hash_key(&key, ct->hkey),
                      now);
}

/*
 * A software pipeline over the tuples so that their cache misses overlap
 * without stalls between batches: tuple t is hashed and its index line
 * prefetched (stage A), CT_PF_DIST tuples later its first tag match is
 * found and the record prefetched (stage B), CT_PF_DIST tuples later still
 * the key is compared (stage C). Each line has had the time of CT_PF_DIST
 * lookups to arrive when it is read.
 */
#define CT_PF_DIST 8
#define CT_RING    32 /* power of two > 2 * CT_PF_DIST */

size_t l7_conntrack_lookup_bulk(l7_conn **out, const l7_conntrack *ct,
                                const l7_ct_tuple *tuples, const uint64_t *hashes,
                                size_t n, uint64_t now)
{
    if (!out || !ct || (!tuples && n))
        return 0;
    _Static_assert(CT_RING > 2 * CT_PF_DIST && (CT_RING & (CT_RING - 1)) == 0, "ring");
    size_t found = 0;
    l7_ct_key keys[CT_RING];
    uint32_t tags[CT_RING];
    uint64_t pos[CT_RING];
    uint8_t ok[CT_RING];
    const uint64_t *slots = ct->slots;
    const uint64_t mask = ct->slot_mask;
    for (size_t t = 0; t < n + 2 * CT_PF_DIST; t++) {
        if (t < n) { /* stage A */
            size_t j = t & (CT_RING - 1);
            uint8_t from_hi;
            ok[j] = tuple_key(&keys[j], &from_hi, &tuples[t]) == CT_KEY_OK;
            if (L7_UNLIKELY(!ok[j]))
                memset(&keys[j], 0, sizeof(keys[j])); /* never matches a live key */
            uint64_t h = hashes ? hashes[t] : l7_ct_hash_key(&keys[j], ct->hkey);
            tags[j] = (uint32_t)(h >> 32);
            pos[j] = tags[j] >> ct->slot_shift;
            __builtin_prefetch(&slots[pos[j]]);
        }
        if (t >= CT_PF_DIST && t - CT_PF_DIST < n) { /* stage B */
            size_t j = (t - CT_PF_DIST) & (CT_RING - 1);
            uint64_t i = pos[j];
            uint64_t s;
            while ((s = slots[i]) && (uint32_t)(s >> 32) != tags[j])
                i = (i + 1) & mask;
            pos[j] = i;
            if (s)
                __builtin_prefetch(ct_rec(ct, (uint32_t)s - 1));
        }
        if (t >= 2 * CT_PF_DIST) { /* stage C */
            size_t k = t - 2 * CT_PF_DIST;
            size_t j = k & (CT_RING - 1);
            l7_conn *c = NULL;
            uint64_t i = pos[j];
            uint64_t s;
            while (ok[j] && (s = slots[i])) {
                if ((uint32_t)(s >> 32) == tags[j]) {
                    struct l7_conn *r = ct_rec(ct, (uint32_t)s - 1);
                    if (ct_key_eq(&r->key, &keys[j])) {
                        if (!ct_expired(ct, r, now))
                            c = r;
                        break;
                    }
                }
                i = (i + 1) & mask;
            }
            out[k] = c;
            found += c != NULL;
        }
    }
    return found;
}

/* ---- names and accessors ---------------------------------------------------- */

const char *l7_ct_state_name(l7_ct_state state)
{
    static const char *const names[] = {"new", "established", "related", "invalid",
                                        "untracked"};
    return (unsigned)state < L7_ARRAY_SIZE(names) ? names[state] : "";
}

const char *l7_tcp_state_name(l7_tcp_state state)
{
    static const char *const names[] = {
        "",           "syn-sent", "syn-received", "established", "fin-wait",
        "close-wait", "last-ack", "time-wait",    "close"};
    return (unsigned)state < L7_ARRAY_SIZE(names) ? names[state] : "";
}

l7_ct_state l7_conn_state(const l7_conn *conn)
{
    return (conn->flags & L7_CONN_SEEN_REPLY) ? L7_CT_ESTABLISHED : L7_CT_NEW;
}

l7_tcp_state l7_conn_tcp_state(const l7_conn *conn)
{
    return (l7_tcp_state)conn->tcp_state;
}

uint64_t l7_conn_timeout(const l7_conntrack *ct, const l7_conn *conn, uint64_t now)
{
    uint64_t expires = conn->last_seen + ct->timeouts[conn->tclass];
    if (expires < conn->last_seen)
        return UINT64_MAX - now; /* a timeout so long it overflows: never */
    return now >= expires ? 0 : expires - now;
}

void l7_conn_tuple(l7_ct_tuple *out, const l7_conn *conn, l7_ct_dir dir)
{
    memset(out, 0, sizeof(*out));
    int o = (conn->iflags & CT_I_ORIG_HI) != 0; /* side of the originator */
    int s = dir == L7_CT_DIR_REPLY ? !o : o;
    const l7_ct_key *k = &conn->key;
    out->src.family = out->dst.family = k->family;
    memcpy(out->src.bytes, k->addr[s], k->family == 4 ? 4 : 16);
    memcpy(out->dst.bytes, k->addr[!s], k->family == 4 ? 4 : 16);
    out->sport = k->port[s];
    out->dport = k->port[!s];
    out->l4_proto = k->proto;
    if (k->icmp_type)
        out->icmp_type = dir == L7_CT_DIR_REPLY ? icmp_reply_of(k->proto, k->icmp_type)
                                                : k->icmp_type;
}

uint32_t l7_conn_mark(const l7_conn *conn)
{
    return conn->mark;
}

void l7_conn_set_mark(l7_conn *conn, uint32_t mark)
{
    conn->mark = mark;
}

uint64_t l7_conn_packets(const l7_conn *conn, l7_ct_dir dir)
{
    return conn->packets[dir == L7_CT_DIR_REPLY];
}

uint64_t l7_conn_bytes(const l7_conn *conn, l7_ct_dir dir)
{
    return conn->bytes[dir == L7_CT_DIR_REPLY];
}

uint64_t l7_conn_first_seen(const l7_conn *conn)
{
    return conn->first_seen;
}

uint64_t l7_conn_last_seen(const l7_conn *conn)
{
    return conn->last_seen;
}

uint32_t l7_conn_flags(const l7_conn *conn)
{
    return conn->flags;
}

void l7_conn_set_fasttrack(l7_conn *conn)
{
    conn->flags |= L7_CONN_FASTTRACK;
}

int32_t l7_conn_l7_protocol(const l7_conn *conn)
{
    return conn->l7_proto;
}

uint64_t l7_conn_cookie(const l7_conn *conn)
{
    return conn->cookie;
}

void l7_conn_set_cookie(l7_conn *conn, uint64_t cookie)
{
    conn->cookie = cookie;
}
