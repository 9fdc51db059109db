/*
 * In-order TCP payload delivery (option `tcp_in_order`).
 *
 * RouterOS appends segments to the L7 buffer as they arrive, so a
 * retransmission is appended twice and reordering garbles the buffer; that
 * remains the default. With this option each direction's bytes are given in
 * sequence order: bytes already delivered are cut off, a segment beyond the
 * next expected byte is held (at most `reorder_max` bytes per direction) and
 * released with the segment that fills the gap. The state exists only while
 * the connection is being inspected (`l7_proto` unset).
 */
#include "conntrack_internal.h"

#include <string.h>

static ct_stream *stream_of(struct l7_conntrack *ct, const struct l7_conn *c)
{
    return &ct->streams[c->stream - 1];
}

static ct_stream *stream_get(struct l7_conntrack *ct, struct l7_conn *c)
{
    if (c->stream)
        return stream_of(ct, c);
    uint32_t i;
    if (ct->stream_free) {
        i = ct->stream_free - 1;
        ct->stream_free = ct->streams[i].next_free;
    } else {
        if (ct->streams_used == ct->streams_cap) {
            size_t old = ct->streams_cap;
            if (l7_grow(&ct->alloc, (void **)&ct->streams, &ct->streams_cap,
                        ct->streams_used + 1, sizeof(ct_stream)) < 0)
                return NULL;
            ct->mem += (ct->streams_cap - old) * sizeof(ct_stream);
        }
        i = ct->streams_used++;
    }
    memset(&ct->streams[i], 0, sizeof(ct_stream));
    c->stream = i + 1;
    return &ct->streams[i];
}

static void segs_free(struct l7_conntrack *ct, ct_seg *s)
{
    while (s) {
        ct_seg *next = s->next;
        l7_ct_free(ct, s, sizeof(*s) + s->len);
        s = next;
    }
}

void l7_ct_stream_release(struct l7_conntrack *ct, struct l7_conn *c)
{
    if (!c->stream)
        return;
    ct_stream *st = stream_of(ct, c);
    segs_free(ct, st->held[0]);
    segs_free(ct, st->held[1]);
    st->held[0] = st->held[1] = NULL;
    st->next_free = ct->stream_free;
    ct->stream_free = c->stream;
    c->stream = 0;
}

void l7_ct_streams_destroy(struct l7_conntrack *ct)
{
    for (uint32_t i = 0; i < ct->carved; i++) {
        struct l7_conn *c = ct_rec(ct, i);
        if ((c->iflags & CT_I_LIVE) && c->stream)
            l7_ct_stream_release(ct, c);
    }
    l7_free(&ct->alloc, ct->streams);
    l7_free(&ct->alloc, ct->scratch);
}

static void hold(struct l7_conntrack *ct, ct_stream *st, int dir, uint32_t seq,
                 const uint8_t *data, uint32_t len)
{
    if ((uint64_t)st->held_bytes[dir] + len > ct->reorder_max) {
        ct->stats[L7_CT_STAT_STREAM_DROPPED]++;
        return;
    }
    ct_seg *s = l7_ct_alloc(ct, sizeof(*s) + len);
    if (!s) {
        ct->stats[L7_CT_STAT_STREAM_DROPPED]++;
        return;
    }
    s->seq = seq;
    s->len = len;
    memcpy(s->data, data, len);
    ct_seg **p = &st->held[dir];
    while (*p && (int32_t)((*p)->seq - seq) <= 0)
        p = &(*p)->next;
    s->next = *p;
    *p = s;
    st->held_bytes[dir] += len;
    ct->stats[L7_CT_STAT_STREAM_HELD]++;
}

static int scratch_put(struct l7_conntrack *ct, size_t at, const uint8_t *d, size_t n)
{
    if (at + n > ct->scratch_cap) {
        size_t old = ct->scratch_cap;
        if (l7_grow(&ct->alloc, (void **)&ct->scratch, &ct->scratch_cap, at + n, 1) < 0)
            return -1;
        ct->mem += ct->scratch_cap - old;
    }
    memcpy(ct->scratch + at, d, n);
    return 0;
}

void l7_ct_stream_deliver(struct l7_conntrack *ct, struct l7_conn *c, int dir,
                          const struct l7_packet *pkt, l7_ct_result *out)
{
    if (!ct->tcp_in_order || c->l7_proto != L7_CT_L7_UNSET) {
        /* Inspection is over: the state goes, payload as it arrives. */
        l7_ct_stream_release(ct, c);
        return;
    }
    ct_stream *st = stream_get(ct, c);
    if (!st)
        return; /* no memory: fall back to arrival order */
    uint32_t seq = pkt->tcp_seq;
    if (pkt->tcp_flags & L7_TCP_SYN) {
        seq++; /* the SYN takes one sequence number */
        st->next_seq[dir] = seq;
        st->have_seq[dir] = 1;
    }
    const uint8_t *data = out->payload;
    uint32_t len = out->payload_len;
    out->payload_len = 0;
    if (len == 0)
        return;
    if (!st->have_seq[dir]) { /* picked up mid-stream: start here */
        st->next_seq[dir] = seq;
        st->have_seq[dir] = 1;
    }
    uint32_t next = st->next_seq[dir];
    if ((int32_t)(seq - next) > 0) {
        hold(ct, st, dir, seq, data, len);
        return;
    }
    uint32_t skip = next - seq;
    if (skip >= len)
        return; /* a retransmission: everything already delivered */
    data += skip;
    len -= skip;
    next += len;
    ct_seg *h = st->held[dir];
    if (!h || (int32_t)(h->seq - next) > 0) {
        st->next_seq[dir] = next;
        out->payload = data;
        out->payload_len = len;
        return;
    }
    /* The gap is filled: this segment and the held ones that follow it. */
    if (scratch_put(ct, 0, data, len) < 0) {
        st->next_seq[dir] = next; /* no memory: the held bytes wait */
        out->payload = data;
        out->payload_len = len;
        return;
    }
    size_t n = len;
    while ((h = st->held[dir]) && (int32_t)(h->seq - next) <= 0) {
        uint32_t hs = next - h->seq;
        if (hs < h->len) {
            if (scratch_put(ct, n, h->data + hs, h->len - hs) < 0)
                break;
            n += h->len - hs;
            next += h->len - hs;
        }
        st->held[dir] = h->next;
        st->held_bytes[dir] -= h->len;
        l7_ct_free(ct, h, sizeof(*h) + h->len);
    }
    st->next_seq[dir] = next;
    out->payload = ct->scratch;
    out->payload_len = (uint32_t)n;
}
