/* Small frame builders for the policy and engine suites: raw IPv4/IPv6
 * datagrams with a TCP, UDP or ICMP header and a payload. */
#ifndef L7_POLICY_FRAMES_H
#define L7_POLICY_FRAMES_H

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

typedef struct l7t_flow {
    const char *src, *dst; /* textual addresses (v4 or v6) */
    uint8_t proto;         /* 6, 17, 1 */
    uint16_t sport, dport;
    uint8_t tcp_flags;
} l7t_flow;

static inline void l7t_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void l7t_put32(uint8_t *p, uint32_t v)
{
    l7t_put16(p, (uint16_t)(v >> 16));
    l7t_put16(p + 2, (uint16_t)v);
}

/* Build one datagram into buf (at least 128 + payload bytes); returns its
 * length. `reply` swaps addresses and ports. */
static inline size_t l7t_frame(uint8_t *buf, const l7t_flow *f, int reply,
                               uint8_t tcp_flags, uint32_t seq, const void *payload,
                               size_t plen)
{
    const char *src = reply ? f->dst : f->src, *dst = reply ? f->src : f->dst;
    uint16_t sport = reply ? f->dport : f->sport, dport = reply ? f->sport : f->dport;
    int v6 = strchr(src, ':') != NULL;
    size_t l3 = v6 ? 40 : 20;
    size_t l4 = f->proto == 6 ? 20 : 8;
    size_t total = l3 + l4 + plen;
    memset(buf, 0, l3 + l4);
    if (v6) {
        buf[0] = 0x60;
        l7t_put16(buf + 4, (uint16_t)(l4 + plen));
        buf[6] = f->proto == 1 ? 58 : f->proto;
        buf[7] = 64;
        inet_pton(AF_INET6, src, buf + 8);
        inet_pton(AF_INET6, dst, buf + 24);
    } else {
        buf[0] = 0x45;
        l7t_put16(buf + 2, (uint16_t)total);
        buf[8] = 64;
        buf[9] = f->proto;
        inet_pton(AF_INET, src, buf + 12);
        inet_pton(AF_INET, dst, buf + 16);
    }
    uint8_t *p = buf + l3;
    if (f->proto == 6) {
        l7t_put16(p, sport);
        l7t_put16(p + 2, dport);
        l7t_put32(p + 4, seq);
        l7t_put32(p + 8, (tcp_flags & 0x10) ? 1 : 0);
        p[12] = 5 << 4;
        p[13] = tcp_flags;
        l7t_put16(p + 14, 65535);
    } else if (f->proto == 17) {
        l7t_put16(p, sport);
        l7t_put16(p + 2, dport);
        l7t_put16(p + 4, (uint16_t)(8 + plen));
    } else {
        p[0] = v6 ? (reply ? 129 : 128) : (reply ? 0 : 8); /* echo */
        l7t_put16(p + 4, sport);
    }
    if (plen)
        memcpy(buf + l3 + l4, payload, plen);
    return total;
}

#endif
