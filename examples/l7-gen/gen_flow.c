#include "gen_internal.h"

#include "pcapw.h"
#include "synth.h"

#include <l7/packet.h>

#include <stdlib.h>
#include <string.h>

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xffff);
}

/* 150 -> 0x0150: the IPv6 twin reads like the IPv4 address. */
static uint16_t decimal_as_hex(int v)
{
    return (uint16_t)((v / 100) << 8 | (v / 10 % 10) << 4 | v % 10);
}

void gen_host_init(gen_host *h, int a, int b, int c, int d, uint8_t ttl,
                   uint32_t rtt_us, uint16_t first_port)
{
    memset(h, 0, sizeof(*h));
    h->v4[0] = (uint8_t)a;
    h->v4[1] = (uint8_t)b;
    h->v4[2] = (uint8_t)c;
    h->v4[3] = (uint8_t)d;
    static const uint8_t prefix[4] = {0x20, 0x01, 0x0d, 0xb8};
    memcpy(h->v6, prefix, 4);
    put16(h->v6 + 4, decimal_as_hex(c));
    put16(h->v6 + 14, decimal_as_hex(d));
    /* Locally administered, derived from the address: stable per host. */
    h->mac[0] = 0x02;
    h->mac[1] = 0x42;
    memcpy(h->mac + 2, h->v4, 4);
    h->ttl = ttl;
    h->rtt_us = rtt_us;
    h->next_port = first_port;
    h->ipid = (uint16_t)(a * 251 + b * 31 + c * 7 + d * 977);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (the well-known
 * era/day-of-era arithmetic). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

uint64_t gen_utc(int year, int month, int day, int hour, int min, int sec)
{
    int64_t days = days_from_civil(year, month, day);
    return ((uint64_t)days * 86400u + (uint64_t)hour * 3600u + (uint64_t)min * 60u +
            (uint64_t)sec) *
           GEN_S;
}

uint32_t gen_rand_range(gen_ctx *g, uint32_t lo, uint32_t hi)
{
    return lo + (uint32_t)(synth_rand(&g->rng) % (uint64_t)(hi - lo + 1));
}

uint16_t gen_csum(const uint8_t *p, size_t len, uint32_t sum)
{
    uint64_t s = sum;
    for (size_t i = 0; i + 1 < len; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        s += (uint32_t)p[len - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static uint32_t sum_words(const uint8_t *p, size_t len)
{
    uint32_t s = 0;
    for (size_t i = 0; i < len; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    return s;
}

void gen_l4_csum(gen_ctx *g, gen_host *cli, gen_host *srv, int dir, uint8_t proto,
                 uint8_t *l4, size_t len)
{
    const gen_host *src = dir ? srv : cli, *dst = dir ? cli : srv;
    size_t at = proto == 6 ? 16 : proto == 17 ? 6 : 2;
    if (len < at + 2)
        return;
    l4[at] = l4[at + 1] = 0;
    uint32_t pseudo = 0;
    if (proto != 1) { /* ICMPv4 has no pseudo-header */
        if (g->v6)
            pseudo = sum_words(src->v6, 16) + sum_words(dst->v6, 16);
        else
            pseudo = sum_words(src->v4, 4) + sum_words(dst->v4, 4);
        pseudo += proto + (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff);
    }
    uint16_t c = gen_csum(l4, len, pseudo);
    if (proto == 17 && c == 0)
        c = 0xffff; /* 0 means "no checksum" in UDP */
    put16(l4 + at, c);
}

size_t gen_frame(gen_ctx *g, uint8_t *buf, gen_host *cli, gen_host *srv, int dir,
                 uint8_t proto, const uint8_t *l4, size_t l4len, const gen_ipopt *o)
{
    static const gen_ipopt none = {0, 0, 0, -1};
    if (!o)
        o = &none;
    gen_host *src = dir ? srv : cli, *dst = dir ? cli : srv;
    if (proto == 1 && g->v6)
        proto = 58; /* ICMPv6 */
    memcpy(buf, dir ? cli->mac : g->router_mac, 6);
    memcpy(buf + 6, dir ? g->router_mac : cli->mac, 6);
    size_t ip = 14, hl, extlen = 0;
    if (g->v6) {
        put16(buf + 12, 0x86dd);
        extlen = o->v6ext ? 8 : 0;
        hl = 40 + extlen;
        uint8_t *h = buf + ip;
        memset(h, 0, hl);
        h[0] = 0x60;
        put16(h + 4, (uint32_t)(extlen + l4len));
        h[6] =
            extlen ? (uint8_t)(o->v6ext == GEN_EXT_HOP_BY_HOP ? 0 : o->v6ext) : proto;
        h[7] = src->ttl;
        memcpy(h + 8, src->v6, 16);
        memcpy(h + 24, dst->v6, 16);
        if (extlen) {
            h[40] = proto;
            h[41] = 0;
            h[42] = 1; /* PadN over the remaining 4 bytes */
            h[43] = 4;
        }
    } else {
        put16(buf + 12, 0x0800);
        hl = 20;
        uint8_t *h = buf + ip;
        memset(h, 0, hl);
        h[0] = 0x45;
        put16(h + 2, (uint32_t)(hl + l4len));
        put16(h + 4, o->ipid >= 0 ? (uint32_t)o->ipid : src->ipid++);
        put16(h + 6, o->frag | (proto == 6 ? 0x4000 : 0));
        h[8] = src->ttl;
        h[9] = proto;
        memcpy(h + 12, src->v4, 4);
        memcpy(h + 16, dst->v4, 4);
        put16(h + 10, gen_csum(h, 20, 0));
    }
    uint8_t *p = buf + ip + hl;
    memcpy(p, l4, l4len);
    if (!o->no_l4_csum)
        gen_l4_csum(g, cli, srv, dir, proto, p, l4len);
    size_t len = ip + hl + l4len;
    if (len < 60) {
        memset(buf + len, 0, 60 - len);
        len = 60;
    }
    return len;
}

static void push(gen_ctx *g, uint64_t ts, const uint8_t *frame, size_t len, int expect,
                 int partial)
{
    gen_capture *c = g->cap;
    if (c->failed)
        return;
    if (c->count == c->cap) {
        size_t n = c->cap ? c->cap * 2 : 256;
        gen_packet *p = realloc(c->pkts, n * sizeof(*p));
        if (!p) {
            c->failed = 1;
            return;
        }
        c->pkts = p;
        c->cap = n;
    }
    uint8_t *copy = malloc(len);
    if (!copy) {
        c->failed = 1;
        return;
    }
    memcpy(copy, frame, len);
    c->pkts[c->count++] =
        (gen_packet){ts, copy, (uint32_t)len, expect, partial, g->order++};
}

void gen_emit(gen_ctx *g, uint64_t ts, const uint8_t *frame, size_t len, int expect)
{
    push(g, ts, frame, len, expect, 0);
}

void gen_emit_partial(gen_ctx *g, uint64_t ts, const uint8_t *frame, size_t len)
{
    push(g, ts, frame, len, L7_PACKET_OK, 1);
}

/* ---- TCP ------------------------------------------------------------------ */

enum { FIN = 0x01, SYN = 0x02, PSH = 0x08, ACK = 0x10 };

void gen_tcp_init(gen_tcp *f, gen_ctx *g, gen_host *cli, uint16_t sport, gen_host *srv,
                  uint16_t dport, uint64_t t0)
{
    memset(f, 0, sizeof(*f));
    f->g = g;
    f->cli = cli;
    f->srv = srv;
    f->port[0] = sport ? sport : cli->next_port++;
    if (sport && sport == cli->next_port)
        cli->next_port++; /* the next ephemeral flow must not reuse it */
    f->port[1] = dport;
    f->seq[0] = (uint32_t)synth_rand(&g->rng);
    f->seq[1] = (uint32_t)synth_rand(&g->rng);
    f->t = t0;
    f->last_dir = -1;
    f->mss = g->v6 ? 1440 : 1460;
}

/* Time of the next packet from `dir`: back-to-back segments leave ~0.1 ms
 * apart; a server answers after its round trip, a LAN client quickly. */
static uint64_t tick(gen_tcp *f, int dir)
{
    gen_ctx *g = f->g;
    if (f->last_dir < 0) {
        f->last_dir = dir;
        return f->t;
    }
    if (dir == f->last_dir)
        f->t += gen_rand_range(g, 40, 160) * GEN_US;
    else if (dir == 1)
        f->t += f->srv->rtt_us * GEN_US + gen_rand_range(g, 0, 900) * GEN_US / 10;
    else
        f->t += gen_rand_range(g, 150, 600) * GEN_US;
    f->last_dir = dir;
    return f->t;
}

static void tcp_packet(gen_tcp *f, uint64_t ts, int dir, uint8_t flags,
                       const uint8_t *opts, size_t optlen, const uint8_t *data,
                       size_t len)
{
    uint8_t l4[GEN_MAX_FRAME], frame[GEN_MAX_FRAME];
    size_t hl = 20 + optlen;
    memset(l4, 0, hl);
    put16(l4, f->port[dir]);
    put16(l4 + 2, f->port[!dir]);
    put32(l4 + 4, f->seq[dir]);
    put32(l4 + 8, (flags & ACK) ? f->seq[!dir] : 0);
    l4[12] = (uint8_t)(hl / 4 << 4);
    l4[13] = flags;
    /* SYNs carry the unscaled window; later ones are scaled by 2^7. */
    put16(l4 + 14, (flags & SYN) ? (dir ? 65160 : 64240) : (dir ? 509 : 502));
    if (optlen)
        memcpy(l4 + 20, opts, optlen);
    if (len)
        memcpy(l4 + hl, data, len);
    gen_ipopt o = {dir == 0 ? f->v6ext : 0, 0, 0, -1};
    size_t n = gen_frame(f->g, frame, f->cli, f->srv, dir, 6, l4, hl + len, &o);
    gen_emit(f->g, ts, frame, n, L7_PACKET_OK);
    f->seq[dir] += (uint32_t)len + ((flags & (SYN | FIN)) ? 1u : 0u);
}

void gen_tcp_handshake(gen_tcp *f)
{
    /* MSS, NOP, window scale 7, NOP, NOP, SACK permitted. */
    uint8_t opts[12] = {2, 4, (uint8_t)(f->mss >> 8), (uint8_t)f->mss, 1, 3, 3, 7, 1, 1,
                        4, 2};
    tcp_packet(f, tick(f, 0), 0, SYN, opts, sizeof(opts), NULL, 0);
    tcp_packet(f, tick(f, 1), 1, SYN | ACK, opts, sizeof(opts), NULL, 0);
    tcp_packet(f, tick(f, 0), 0, ACK, NULL, 0, NULL, 0);
}

void gen_tcp_segment(gen_tcp *f, int dir, uint8_t flags, const uint8_t *data,
                     size_t len)
{
    if (len > f->mss)
        len = f->mss;
    tcp_packet(f, tick(f, dir), dir, flags | ACK, NULL, 0, data, len);
    f->unacked[!dir] = 0; /* our ACK covers the peer's data */
}

void gen_tcp_ack(gen_tcp *f, int dir)
{
    gen_tcp_segment(f, dir, 0, NULL, 0);
}

void gen_tcp_wait(gen_tcp *f, uint64_t ns)
{
    f->t += ns;
}

static void send_common(gen_tcp *f, int dir, const uint8_t *data, size_t len,
                        uint64_t gap_ns)
{
    for (size_t off = 0; off < len;) {
        size_t n = len - off < f->mss ? len - off : f->mss;
        uint8_t flags = off + n == len ? PSH : 0;
        if (gap_ns && off) {
            f->t += gap_ns;
            f->last_dir = dir;
            tcp_packet(f, f->t, dir, flags | ACK, NULL, 0, data + off, n);
            f->unacked[!dir] = 0;
        } else {
            gen_tcp_segment(f, dir, flags, data + off, n);
        }
        off += n;
        if (++f->unacked[dir] == 2) {
            /* Delayed ACK: every second full segment (RFC 1122/5681). */
            if (gap_ns) {
                uint64_t at = f->t + f->cli->rtt_us * GEN_US + 30 * GEN_US;
                tcp_packet(f, at, !dir, ACK, NULL, 0, NULL, 0);
            } else {
                gen_tcp_ack(f, !dir);
            }
            f->unacked[dir] = 0;
        }
    }
}

void gen_tcp_send(gen_tcp *f, int dir, const uint8_t *data, size_t len)
{
    send_common(f, dir, data, len, 0);
}

void gen_tcp_send_paced(gen_tcp *f, int dir, const uint8_t *data, size_t len,
                        uint64_t bps)
{
    /* On-the-wire bits of a full segment: payload + TCP/IP + Ethernet. */
    uint64_t bits = (uint64_t)(f->mss + 40 + 14) * 8;
    send_common(f, dir, data, len, bits * GEN_S / bps);
}

void gen_tcp_close(gen_tcp *f, int dir)
{
    tcp_packet(f, tick(f, dir), dir, FIN | ACK, NULL, 0, NULL, 0);
    tcp_packet(f, tick(f, !dir), !dir, FIN | ACK, NULL, 0, NULL, 0);
    tcp_packet(f, tick(f, dir), dir, ACK, NULL, 0, NULL, 0);
    f->unacked[0] = f->unacked[1] = 0;
}

/* ---- UDP / ICMP ----------------------------------------------------------- */

void gen_udp(gen_ctx *g, uint64_t ts, gen_host *cli, uint16_t cport, gen_host *srv,
             uint16_t sport, int dir, const uint8_t *data, size_t len, int v6ext)
{
    uint8_t l4[GEN_MAX_FRAME], frame[GEN_MAX_FRAME];
    put16(l4, dir ? sport : cport);
    put16(l4 + 2, dir ? cport : sport);
    put16(l4 + 4, (uint32_t)(8 + len));
    put16(l4 + 6, 0);
    if (len)
        memcpy(l4 + 8, data, len);
    gen_ipopt o = {v6ext, 0, 0, -1};
    size_t n = gen_frame(g, frame, cli, srv, dir, 17, l4, 8 + len, &o);
    gen_emit(g, ts, frame, n, L7_PACKET_OK);
}

void gen_ping(gen_ctx *g, uint64_t ts, gen_host *cli, gen_host *srv, uint16_t id,
              uint16_t seq)
{
    uint8_t l4[64], frame[GEN_MAX_FRAME];
    for (int dir = 0; dir < 2; dir++) {
        l4[0] = g->v6 ? (dir ? 129 : 128) : (dir ? 0 : 8);
        l4[1] = 0;
        put16(l4 + 2, 0);
        put16(l4 + 4, id);
        put16(l4 + 6, seq);
        /* Linux ping: a timestamp, then bytes counting up from 0x10. */
        put32(l4 + 8, (uint32_t)(ts / GEN_S));
        put32(l4 + 12, (uint32_t)(ts % GEN_S / 1000));
        for (int i = 16; i < 64; i++)
            l4[i] = (uint8_t)i;
        size_t n = gen_frame(g, frame, cli, srv, dir, 1, l4, 64, NULL);
        gen_emit(g, ts + (dir ? srv->rtt_us * GEN_US : 0), frame, n, L7_PACKET_OK);
    }
}

size_t gen_udp_fragments(gen_ctx *g, uint64_t ts, gen_host *cli, uint16_t cport,
                         gen_host *srv, uint16_t sport, const uint8_t *data, size_t len,
                         size_t fragsize, uint32_t emit_mask, int reverse)
{
    uint8_t l4[GEN_MAX_FRAME], frame[GEN_MAX_FRAME];
    size_t total = 8 + len;
    put16(l4, cport);
    put16(l4 + 2, sport);
    put16(l4 + 4, (uint32_t)total);
    put16(l4 + 6, 0);
    memcpy(l4 + 8, data, len);
    gen_l4_csum(g, cli, srv, 0, 17, l4, total);
    int id = cli->ipid++;
    size_t count = 0, nfrags = (total + fragsize - 1) / fragsize;
    for (size_t off = 0; off < total; off += fragsize, count++) {
        size_t n = total - off < fragsize ? total - off : fragsize;
        int more = off + n < total;
        gen_ipopt o = {0, 1, (uint16_t)((more ? 0x2000 : 0) | off / 8), id};
        size_t fl = gen_frame(g, frame, cli, srv, 0, 17, l4 + off, n, &o);
        if (emit_mask & (1u << count)) {
            uint64_t at = ts + (reverse ? nfrags - 1 - count : count) * 12 * GEN_US;
            if (off)
                gen_emit_partial(g, at, frame, fl);
            else
                gen_emit(g, at, frame, fl, L7_PACKET_OK);
        }
    }
    return count;
}

/* ---- capture ---------------------------------------------------------------- */

void gen_capture_free(gen_capture *c)
{
    for (size_t i = 0; i < c->count; i++)
        free(c->pkts[i].data);
    free(c->pkts);
    memset(c, 0, sizeof(*c));
}

static int by_time(const void *a, const void *b)
{
    const gen_packet *x = a, *y = b;
    if (x->ts_ns != y->ts_ns)
        return x->ts_ns < y->ts_ns ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

void gen_capture_sort(gen_capture *c)
{
    qsort(c->pkts, c->count, sizeof(*c->pkts), by_time);
}

int gen_capture_write(const gen_capture *c, const char *path)
{
    pcapw *w;
    if (pcapw_open(&w, path, PCAPW_LINKTYPE_ETHERNET, 65535) < 0)
        return -1;
    for (size_t i = 0; i < c->count; i++)
        pcapw_write(w, c->pkts[i].ts_ns, c->pkts[i].data, c->pkts[i].len,
                    c->pkts[i].len);
    return pcapw_close(w);
}
