/* Frame builders for the packet and defrag suites: assemble IPv4/IPv6 and
 * TCP/UDP/ICMP bytes with correct lengths and checksums, so that tests
 * state only what they change. */
#ifndef L7_PACKET_BUILD_H
#define L7_PACKET_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline void pb_put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void pb_put32(uint8_t *p, uint32_t v)
{
    pb_put16(p, v >> 16);
    pb_put16(p + 2, v & 0xffff);
}

static inline uint16_t pb_get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void pb_ipv4_checksum(uint8_t *h)
{
    uint32_t hl = (uint32_t)(h[0] & 15) * 4, sum = 0;
    h[10] = h[11] = 0;
    for (uint32_t i = 0; i < hl; i += 2)
        sum += pb_get16(h + i);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    pb_put16(h + 10, ~sum & 0xffff);
}

/* TCP header (20 bytes, no options) + payload. */
static inline size_t pb_tcp(uint8_t *b, uint16_t sp, uint16_t dp, uint32_t seq,
                            uint32_t ack, uint8_t flags, const void *pl, size_t n)
{
    memset(b, 0, 20);
    pb_put16(b, sp);
    pb_put16(b + 2, dp);
    pb_put32(b + 4, seq);
    pb_put32(b + 8, ack);
    b[12] = 5 << 4;
    b[13] = flags;
    pb_put16(b + 14, 65535);
    if (n)
        memcpy(b + 20, pl, n);
    return 20 + n;
}

static inline size_t pb_udp(uint8_t *b, uint16_t sp, uint16_t dp, const void *pl,
                            size_t n)
{
    pb_put16(b, sp);
    pb_put16(b + 2, dp);
    pb_put16(b + 4, (uint32_t)(8 + n));
    pb_put16(b + 6, 0);
    if (n)
        memcpy(b + 8, pl, n);
    return 8 + n;
}

/* ICMP/ICMPv6: type, code, checksum 0, 4 bytes "rest" (id, seq), data. */
static inline size_t pb_icmp(uint8_t *b, uint8_t type, uint8_t code, uint16_t id,
                             const void *data, size_t n)
{
    b[0] = type;
    b[1] = code;
    pb_put16(b + 2, 0);
    pb_put16(b + 4, id);
    pb_put16(b + 6, 1);
    if (n)
        memcpy(b + 8, data, n);
    return 8 + n;
}

static const uint8_t pb_v4_src[4] = {192, 0, 2, 1};
static const uint8_t pb_v4_dst[4] = {198, 51, 100, 7};
static const uint8_t pb_v6_src[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                      0,    0,    0,    0,    0, 0, 0, 1};
static const uint8_t pb_v6_dst[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0,
                                      0,    0,    0,    0,    0, 0, 0, 0x42};

/* IPv4 header with `optlen` bytes of NOP options (multiple of 4), then l4. */
static inline size_t pb_ipv4(uint8_t *b, uint8_t proto, uint16_t id, uint16_t fragword,
                             size_t optlen, const uint8_t *l4, size_t n)
{
    size_t hl = 20 + optlen;
    memset(b, 0, hl);
    b[0] = (uint8_t)(0x40 | (hl / 4));
    b[1] = 0x28; /* DSCP 10 */
    pb_put16(b + 2, (uint32_t)(hl + n));
    pb_put16(b + 4, id);
    pb_put16(b + 6, fragword);
    b[8] = 64;
    b[9] = proto;
    memcpy(b + 12, pb_v4_src, 4);
    memcpy(b + 16, pb_v4_dst, 4);
    memset(b + 20, 1, optlen); /* NOP */
    pb_ipv4_checksum(b);
    memmove(b + hl, l4, n);
    return hl + n;
}

/* IPv6 header + raw extension headers (whose next-header bytes the caller
 * set) + l4. `nh` is the header's Next Header. */
static inline size_t pb_ipv6(uint8_t *b, uint8_t nh, const uint8_t *ext, size_t extlen,
                             const uint8_t *l4, size_t n)
{
    memset(b, 0, 40);
    b[0] = 0x60;
    pb_put16(b + 4, (uint32_t)(extlen + n));
    b[6] = nh;
    b[7] = 63;
    memcpy(b + 8, pb_v6_src, 16);
    memcpy(b + 24, pb_v6_dst, 16);
    if (extlen)
        memcpy(b + 40, ext, extlen);
    memmove(b + 40 + extlen, l4, n);
    return 40 + extlen + n;
}

/* A chain of 8-byte extension headers of the given types, each naming the
 * next, the last naming `final`. Fragment headers (44) are atomic. */
static inline size_t pb_ext_chain(uint8_t *out, const uint8_t *types, size_t count,
                                  uint8_t final)
{
    for (size_t i = 0; i < count; i++) {
        uint8_t *h = out + 8 * i;
        memset(h, 0, 8);
        h[0] = i + 1 < count ? types[i + 1] : final;
        if (types[i] != 44) {
            h[2] = 1; /* PadN covering the rest */
            h[3] = 4;
        }
        if (types[i] == 51)
            h[1] = 0; /* AH: (0 + 2) * 4 = 8 bytes */
    }
    return 8 * count;
}

#endif
