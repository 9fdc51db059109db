/* Packet parsing: link types, malformed variants, fields, truncation, corpus. */
#define _DEFAULT_SOURCE /* libpcap headers use u_int, u_char */
#include "testutil.h"

#include "l7/l7.h"
#include "packet_build.h"
#include "packet_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef L7T_HAVE_PCAP
#include <pcap/pcap.h>
#endif

static uint8_t l4buf[70000];
static uint8_t ipbuf[70000];
static uint8_t frame[70100];

/* The reference payloads: IPv4 TCP "hello" and IPv6 UDP "hi!". */
static size_t ref_ipv4_tcp(uint8_t *out)
{
    size_t n =
        pb_tcp(l4buf, 40000, 80, 1000, 2000, L7_TCP_ACK | L7_TCP_PSH, "hello", 5);
    return pb_ipv4(out, 6, 77, 0x4000, 0, l4buf, n);
}

static size_t ref_ipv6_udp(uint8_t *out)
{
    size_t n = pb_udp(l4buf, 5353, 53, "hi!", 3);
    return pb_ipv6(out, 17, NULL, 0, l4buf, n);
}

/* ---- link types -------------------------------------------------------------- */

#define MACS 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11

/* clang-format off */
static const struct link_case {
    const char *name;
    uint32_t linktype;
    uint8_t hdr[40];
    size_t hdr_len;
    int ip; /* 4: IPv4 TCP follows, 6: IPv6 UDP, 0: nothing */
    l7_packet_status status;
    uint8_t vlans;
    uint16_t vlan0;
} link_cases[] = {
    {"ethernet", L7_LINK_ETHERNET, {MACS, 0x08, 0x00}, 14, 4, L7_PACKET_OK, 0, 0},
    {"ethernet6", L7_LINK_ETHERNET, {MACS, 0x86, 0xdd}, 14, 6, L7_PACKET_OK, 0, 0},
    {"vlan", L7_LINK_ETHERNET, {MACS, 0x81, 0x00, 0x00, 0x64, 0x08, 0x00},
     18, 4, L7_PACKET_OK, 1, 100},
    {"qinq", L7_LINK_ETHERNET, {MACS, 0x88, 0xa8, 0x00, 0x0a, 0x81, 0x00, 0x00, 0x14, 0x86, 0xdd},
     22, 6, L7_PACKET_OK, 2, 10},
    {"snap", L7_LINK_ETHERNET, {MACS, 0x00, 0x40, 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00},
     22, 4, L7_PACKET_OK, 0, 0},
    {"pppoe", L7_LINK_ETHERNET, {MACS, 0x88, 0x64, 0x11, 0x00, 0x00, 0x01, 0x00, 0x2f, 0x00, 0x21},
     22, 4, L7_PACKET_OK, 0, 0},
    {"mpls", L7_LINK_ETHERNET, {MACS, 0x88, 0x47, 0x00, 0x01, 0x01, 0x40},
     18, 6, L7_PACKET_OK, 0, 0},
    {"sll", L7_LINK_LINUX_SLL, {0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00},
     16, 4, L7_PACKET_OK, 0, 0},
    {"sll2", L7_LINK_LINUX_SLL2, {0x86, 0xdd, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0},
     20, 6, L7_PACKET_OK, 0, 0},
    {"null-le", L7_LINK_NULL, {2, 0, 0, 0}, 4, 4, L7_PACKET_OK, 0, 0},
    {"null-be", L7_LINK_NULL, {0, 0, 0, 2}, 4, 4, L7_PACKET_OK, 0, 0},
    {"null-darwin6", L7_LINK_NULL, {30, 0, 0, 0}, 4, 6, L7_PACKET_OK, 0, 0},
    {"null-bsd6", L7_LINK_NULL, {24, 0, 0, 0}, 4, 6, L7_PACKET_OK, 0, 0},
    {"loop", L7_LINK_LOOP, {0, 0, 0, 2}, 4, 4, L7_PACKET_OK, 0, 0},
    {"ppp", L7_LINK_PPP, {0xff, 0x03, 0x00, 0x21}, 4, 4, L7_PACKET_OK, 0, 0},
    {"ppp-pfc", L7_LINK_PPP, {0x57}, 1, 6, L7_PACKET_OK, 0, 0},
    {"ppp-nohdlc", L7_LINK_PPP, {0x00, 0x57}, 2, 6, L7_PACKET_OK, 0, 0},
    {"ppp-hdlc", L7_LINK_PPP_HDLC, {0xff, 0x03, 0x00, 0x21}, 4, 4, L7_PACKET_OK, 0, 0},
    {"ppp-cisco", L7_LINK_PPP, {0x0f, 0x00, 0x08, 0x00}, 4, 4, L7_PACKET_OK, 0, 0},
    {"c-hdlc", L7_LINK_C_HDLC, {0x8f, 0x00, 0x86, 0xdd}, 4, 6, L7_PACKET_OK, 0, 0},
    {"ppi-eth", L7_LINK_PPI, {0, 0, 8, 0, 1, 0, 0, 0, MACS, 0x08, 0x00},
     22, 4, L7_PACKET_OK, 0, 0},
    {"raw", L7_LINK_RAW, {0}, 0, 6, L7_PACKET_OK, 0, 0},
    {"raw-dlt12", L7_LINK_RAW_DLT, {0}, 0, 4, L7_PACKET_OK, 0, 0},
    {"raw-dlt14", L7_LINK_RAW_DLT_BSD, {0}, 0, 4, L7_PACKET_OK, 0, 0},
    {"ipv4", L7_LINK_IPV4, {0}, 0, 4, L7_PACKET_OK, 0, 0},
    {"ipv6", L7_LINK_IPV6, {0}, 0, 6, L7_PACKET_OK, 0, 0},
    {"l3", L7_LINK_IP, {0}, 0, 6, L7_PACKET_OK, 0, 0}, /* refused */
    {"unsupported", 105 /* 802.11 */, {0}, 0, 4, L7_PACKET_UNSUPPORTED_LINK, 0, 0},
    {"unsupported-big", 0x40000000u, {0}, 0, 4, L7_PACKET_UNSUPPORTED_LINK, 0, 0},
    {"arp", L7_LINK_ETHERNET, {MACS, 0x08, 0x06}, 14, 0, L7_PACKET_NOT_IP, 0, 0},
    {"eth-short", L7_LINK_ETHERNET, {MACS, 0x08},
     13, 0, L7_PACKET_TRUNCATED_LINK, 0, 0},
    {"vlan-short", L7_LINK_ETHERNET, {MACS, 0x81, 0x00, 0x00},
     15, 0, L7_PACKET_TRUNCATED_LINK, 0, 0},
    {"eth-type-v6-nibble-4", L7_LINK_ETHERNET, {MACS, 0x86, 0xdd},
     14, 4, L7_PACKET_BAD_VERSION, 0, 0},
    {"ipv6-link-v4", L7_LINK_IPV6, {0}, 0, 4, L7_PACKET_BAD_VERSION, 0, 0},
    {"ipv4-link-v6", L7_LINK_IPV4, {0}, 0, 6, L7_PACKET_BAD_VERSION, 0, 0},
    {"slarp", L7_LINK_C_HDLC, {0x8f, 0x00, 0x80, 0x35}, 4, 0, L7_PACKET_NOT_IP, 0, 0},
    {"ppp-lcp", L7_LINK_PPP, {0xff, 0x03, 0xc0, 0x21}, 4, 0, L7_PACKET_NOT_IP, 0, 0},
    {"null-unknown", L7_LINK_NULL, {7, 0, 0, 0}, 4, 4, L7_PACKET_NOT_IP, 0, 0},
    {"sll-short", L7_LINK_LINUX_SLL, {0, 0, 0, 1},
     4, 0, L7_PACKET_TRUNCATED_LINK, 0, 0},
    {"sll2-arp", L7_LINK_LINUX_SLL2, {0x08, 0x06, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0},
     20, 0, L7_PACKET_NOT_IP, 0, 0},
    {"ppi-80211", L7_LINK_PPI, {0, 0, 8, 0, 105, 0, 0, 0},
     8, 4, L7_PACKET_UNSUPPORTED_LINK, 0, 0},
    {"ppi-in-ppi", L7_LINK_PPI, {0, 0, 8, 0, 192, 0, 0, 0},
     8, 4, L7_PACKET_UNSUPPORTED_LINK, 0, 0},
    {"ppi-bad-len", L7_LINK_PPI, {0, 0, 4, 0, 1, 0, 0, 0},
     8, 4, L7_PACKET_TRUNCATED_LINK, 0, 0},
    {"ppi-len-beyond", L7_LINK_PPI, {0, 0, 0xff, 0, 1, 0, 0, 0},
     8, 0, L7_PACKET_TRUNCATED_LINK, 0, 0},
    {"empty", L7_LINK_IP, {0}, 0, 0, L7_PACKET_TRUNCATED_IP, 0, 0},
};
/* clang-format on */

static size_t build_link_frame(const struct link_case *c, uint8_t *out)
{
    memcpy(out, c->hdr, c->hdr_len);
    size_t n = c->hdr_len;
    if (c->ip == 4)
        n += ref_ipv4_tcp(out + n);
    else if (c->ip == 6)
        n += ref_ipv6_udp(out + n);
    return n;
}

/* Parse from an exact-size heap copy so that ASan sees any read past it. */
static void parse_exact(l7_packet *pkt, const uint8_t *data, size_t len, uint32_t lt)
{
    uint8_t *copy = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, data, len);
    ck_assert_int_eq(l7_packet_parse(pkt, copy, len, lt), L7_OK);
    free(copy);
}

START_TEST(test_link_types)
{
    const struct link_case *c = &link_cases[_i];
    l7_packet *pkt;
    ck_assert_int_eq(l7_packet_create(&pkt, NULL), L7_OK);
    size_t n = build_link_frame(c, frame);
    uint8_t *copy = malloc(n ? n : 1);
    memcpy(copy, frame, n);
    ck_assert_int_eq(l7_packet_parse(pkt, copy, n, c->linktype), L7_OK);
    ck_assert_msg(l7_packet_get_status(pkt) == c->status, "%s: got %s, want %s",
                  c->name, l7_packet_status_name(l7_packet_get_status(pkt)),
                  l7_packet_status_name(c->status));
    ck_assert_uint_eq(l7_packet_vlan_count(pkt), c->vlans);
    ck_assert_uint_eq(l7_packet_vlan(pkt, 0), c->vlan0);
    ck_assert_int_eq(l7_packet_linktype_supported(c->linktype),
                     c->status != L7_PACKET_UNSUPPORTED_LINK ||
                         c->linktype == L7_LINK_PPI);
    if (c->status == L7_PACKET_OK) {
        ck_assert_uint_eq(l7_packet_ip_version(pkt), (unsigned)c->ip);
        ck_assert_uint_eq(pkt->l3_offset, n - (c->ip == 4 ? 45 : 51));
        if (c->ip == 4) {
            ck_assert_uint_eq(l7_packet_l4_proto(pkt), 6);
            ck_assert_uint_eq(l7_packet_dport(pkt), 80);
            ck_assert_uint_eq(l7_packet_payload_len(pkt), 5);
            ck_assert_mem_eq(l7_packet_payload(pkt), "hello", 5);
        } else {
            ck_assert_uint_eq(l7_packet_l4_proto(pkt), 17);
            ck_assert_uint_eq(l7_packet_sport(pkt), 5353);
            ck_assert_uint_eq(l7_packet_payload_len(pkt), 3);
            ck_assert_mem_eq(l7_packet_payload(pkt), "hi!", 3);
        }
        ck_assert_ptr_eq(l7_packet_payload(pkt),
                         copy + n - l7_packet_payload_len(pkt)); /* no copy */
    }
    free(copy);
    l7_packet_destroy(pkt);
}
END_TEST

/* Every prefix of every valid frame: nothing read out of bounds (ASan), and
 * the status is a truncation (or OK for the whole frame). */
START_TEST(test_link_truncations)
{
    const struct link_case *c = &link_cases[_i];
    if (c->status != L7_PACKET_OK)
        return;
    l7_packet *pkt;
    ck_assert_int_eq(l7_packet_create(&pkt, NULL), L7_OK);
    size_t n = build_link_frame(c, frame);
    for (size_t len = 0; len < n; len++) {
        parse_exact(pkt, frame, len, c->linktype);
        l7_packet_status st = l7_packet_get_status(pkt);
        ck_assert_msg(st == L7_PACKET_TRUNCATED_LINK || st == L7_PACKET_TRUNCATED_IP ||
                          st == L7_PACKET_LENGTH_BEYOND_FRAME,
                      "%s cut at %zu: %s", c->name, len, l7_packet_status_name(st));
    }
    parse_exact(pkt, frame, n, c->linktype);
    ck_assert_int_eq(l7_packet_get_status(pkt), L7_PACKET_OK);
    l7_packet_destroy(pkt);
}
END_TEST

/* Random corruption of every valid frame (fixed seed, so reproducible):
 * whatever the bytes, the view stays inside the frame. */
static uint32_t xorshift(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

static void assert_view_in_frame(const l7_packet *pkt, const uint8_t *data, size_t len)
{
    ck_assert_int_lt(l7_packet_get_status(pkt), L7_PACKET_STATUS_COUNT);
    const uint8_t *p = l7_packet_payload(pkt);
    uint32_t n = l7_packet_payload_len(pkt);
    if (p) {
        ck_assert(p >= data && p + n <= data + len);
        ck_assert_uint_gt(n, 0);
    } else {
        ck_assert_uint_eq(n, 0);
    }
    if (l7_packet_get_status(pkt) == L7_PACKET_OK && l7_packet_ip_version(pkt)) {
        ck_assert_uint_le(pkt->l3_offset + l7_packet_ip_len(pkt), len);
        ck_assert_uint_le(pkt->l4_offset, len);
        if (pkt->is_fragment)
            ck_assert_uint_le(pkt->frag_data_offset + pkt->frag_data_len, len);
    }
}

START_TEST(test_link_mutations)
{
    const struct link_case *c = &link_cases[_i];
    if (c->status != L7_PACKET_OK)
        return;
    l7_packet *pkt;
    ck_assert_int_eq(l7_packet_create(&pkt, NULL), L7_OK);
    size_t n = build_link_frame(c, frame);
    uint32_t seed = 0x9e3779b9u ^ (uint32_t)_i;
    uint8_t *copy = malloc(n + 64);
    for (int iter = 0; iter < 1000; iter++) {
        size_t len = n + xorshift(&seed) % 64;
        memcpy(copy, frame, n);
        for (size_t k = n; k < len; k++)
            copy[k] = (uint8_t)xorshift(&seed);
        int flips = 1 + (int)(xorshift(&seed) % 4);
        for (int f = 0; f < flips; f++)
            copy[xorshift(&seed) % len] = (uint8_t)xorshift(&seed);
        if (xorshift(&seed) % 4 == 0)
            len = xorshift(&seed) % (len + 1);
        uint8_t *exact = malloc(len ? len : 1);
        memcpy(exact, copy, len);
        ck_assert_int_eq(l7_packet_parse(pkt, exact, len, c->linktype), L7_OK);
        assert_view_in_frame(pkt, exact, len);
        free(exact);
    }
    free(copy);
    l7_packet_destroy(pkt);
}
END_TEST

/* ---- malformed layer 3/4 ------------------------------------------------------ */

enum base {
    B_V4_TCP,
    B_V4_UDP,
    B_V4_ICMP,
    B_V4_OPTS_TCP, /* 12 bytes of options */
    B_V4_FRAG_MF,  /* first fragment, MF, 16 bytes of UDP data */
    B_V6_TCP,
    B_V6_CHAIN,    /* HBH, routing, dstopts, AH, atomic fragment → TCP */
    B_V6_CHAIN8,   /* 8 dstopts → UDP (the bound) */
    B_V6_CHAIN9,   /* 9 dstopts → UDP */
    B_V6_TWO_FRAG, /* two fragment headers */
    B_V6_ESP,
    B_V6_NONE,
    B_V6_ICMP,
    B_V4_GRE,
    B_V6_FRAG_LAST, /* a last fragment: Fragment header, 16 data bytes */
};

static size_t build_base(enum base b, uint8_t *out)
{
    uint8_t ext[128];
    size_t n, e;
    static const uint8_t chain[] = {0, 43, 60, 51, 44};
    static const uint8_t dst8[] = {60, 60, 60, 60, 60, 60, 60, 60, 60};
    static const uint8_t frag2[] = {44, 44};
    switch (b) {
    case B_V4_TCP:
        return ref_ipv4_tcp(out);
    case B_V4_UDP:
        n = pb_udp(l4buf, 1234, 53, "query", 5);
        return pb_ipv4(out, 17, 1, 0, 0, l4buf, n);
    case B_V4_ICMP:
        n = pb_icmp(l4buf, 8, 0, 0x1234, "ping", 4);
        return pb_ipv4(out, 1, 1, 0, 0, l4buf, n);
    case B_V4_OPTS_TCP:
        n = pb_tcp(l4buf, 1, 2, 3, 4, L7_TCP_SYN, NULL, 0);
        return pb_ipv4(out, 6, 1, 0, 12, l4buf, n);
    case B_V4_FRAG_MF:
        n = pb_udp(l4buf, 1, 2, "0123456789", 10);
        pb_put16(l4buf + 4, 100);
        return pb_ipv4(out, 17, 9, 0x2000, 0, l4buf, 16);
    case B_V6_TCP:
        n = pb_tcp(l4buf, 443, 50000, 1, 2, L7_TCP_SYN | L7_TCP_ACK, "tls", 3);
        return pb_ipv6(out, 6, NULL, 0, l4buf, n);
    case B_V6_CHAIN:
        e = pb_ext_chain(ext, chain, 5, 6);
        n = pb_tcp(l4buf, 443, 50000, 1, 2, L7_TCP_ACK, "x", 1);
        return pb_ipv6(out, 0, ext, e, l4buf, n);
    case B_V6_CHAIN8:
    case B_V6_CHAIN9:
        e = pb_ext_chain(ext, dst8, b == B_V6_CHAIN8 ? 8 : 9, 17);
        n = pb_udp(l4buf, 1, 2, "u", 1);
        return pb_ipv6(out, 60, ext, e, l4buf, n);
    case B_V6_TWO_FRAG:
        e = pb_ext_chain(ext, frag2, 2, 17);
        pb_put16(ext + 2, 1); /* first: M set */
        n = pb_udp(l4buf, 1, 2, "uuuuuuu", 7);
        return pb_ipv6(out, 44, ext, e, l4buf, 16);
    case B_V6_ESP:
        memset(l4buf, 0xee, 24);
        return pb_ipv6(out, 50, NULL, 0, l4buf, 24);
    case B_V6_NONE:
        return pb_ipv6(out, 59, NULL, 0, l4buf, 0);
    case B_V6_ICMP:
        n = pb_icmp(l4buf, 128, 0, 0x4242, "ping6", 5);
        return pb_ipv6(out, 58, NULL, 0, l4buf, n);
    case B_V6_FRAG_LAST:
        e = pb_ext_chain(ext, frag2, 1, 17);
        memset(l4buf, 0xab, 16);
        return pb_ipv6(out, 44, ext, e, l4buf, 16);
    case B_V4_GRE:
        memset(l4buf, 0, 4);
        pb_put16(l4buf + 2, 0x0800);
        return pb_ipv4(out, 47, 1, 0, 0, l4buf, 4);
    }
    return 0;
}

#define NOPATCH                                                                        \
    {                                                                                  \
        0, 0, 0                                                                        \
    }

/* clang-format off */
static const struct l3_case {
    const char *name;
    enum base base;
    struct {
        uint32_t off, width, val; /* width 0: unused */
    } patch[2];
    uint32_t cut; /* frame length; 0: whole */
    bool fix_len; /* set the IP length to the cut frame */
    l7_packet_status status;
    uint8_t l4_proto; /* expected when status is OK */
    uint32_t payload_len;
} l3_cases[] = {
    {"v4-tcp", B_V4_TCP, {NOPATCH, NOPATCH}, 0, false, L7_PACKET_OK, 6, 5},
    {"v4-udp", B_V4_UDP, {NOPATCH, NOPATCH}, 0, false, L7_PACKET_OK, 17, 5},
    {"v4-icmp", B_V4_ICMP, {NOPATCH, NOPATCH}, 0, false, L7_PACKET_OK, 1, 4},
    {"v4-options", B_V4_OPTS_TCP, {NOPATCH, NOPATCH}, 0, false, L7_PACKET_OK, 6, 0},
    {"v4-other-proto", B_V4_GRE, {NOPATCH, NOPATCH}, 0, false, L7_PACKET_OK, 47, 4},
    {"v4-first-fragment", B_V4_FRAG_MF, {NOPATCH, NOPATCH},
     0, false, L7_PACKET_OK, 17, 8},
    {"v4-padding-ignored", B_V4_TCP, {{2, 2, 44}, NOPATCH},
     0, false, L7_PACKET_OK, 6, 4},
    {"v4-udp-length-trims", B_V4_UDP, {{24, 2, 10}, NOPATCH},
     0, false, L7_PACKET_OK, 17, 2},
    {"v4-version-5", B_V4_TCP, {{0, 1, 0x55}, NOPATCH},
     0, false, L7_PACKET_BAD_VERSION, 0, 0},
    {"v4-version-0", B_V4_TCP, {{0, 1, 0x05}, NOPATCH},
     0, false, L7_PACKET_BAD_VERSION, 0, 0},
    {"v4-ihl-4", B_V4_TCP, {{0, 1, 0x44}, NOPATCH}, 0, false, L7_PACKET_BAD_IHL, 0, 0},
    {"v4-total-0-tso", B_V4_TCP, {{2, 2, 0}, NOPATCH}, 0, false, L7_PACKET_OK, 6, 5},
    {"v6-payload-0-gso", B_V6_TCP, {{4, 2, 0}, NOPATCH}, 0, false, L7_PACKET_OK, 6, 3},
    {"v6-payload-0-none", B_V6_NONE, {NOPATCH, NOPATCH}, 0, false, L7_PACKET_OK, 59, 0},
    {"v4-ihl-0", B_V4_TCP, {{0, 1, 0x40}, NOPATCH}, 0, false, L7_PACKET_BAD_IHL, 0, 0},
    {"v4-ihl-beyond-frame", B_V4_TCP, {{0, 1, 0x4f}, NOPATCH},
     40, true, L7_PACKET_TRUNCATED_IP, 0, 0},
    {"v4-short", B_V4_TCP, {NOPATCH, NOPATCH}, 19, false, L7_PACKET_TRUNCATED_IP, 0, 0},
    {"v4-total-below-header", B_V4_TCP, {{2, 2, 19}, NOPATCH},
     0, false, L7_PACKET_BAD_TOTAL_LENGTH, 0, 0},
    {"v4-total-below-options", B_V4_OPTS_TCP, {{2, 2, 24}, NOPATCH},
     0, false, L7_PACKET_BAD_TOTAL_LENGTH, 0, 0},
    {"v4-total-beyond-frame", B_V4_TCP, {{2, 2, 46}, NOPATCH},
     0, false, L7_PACKET_LENGTH_BEYOND_FRAME, 0, 0},
    {"v4-total-65535", B_V4_TCP, {{2, 2, 65535}, NOPATCH},
     0, false, L7_PACKET_LENGTH_BEYOND_FRAME, 0, 0},
    {"v4-tcp-short", B_V4_TCP, {NOPATCH, NOPATCH},
     39, true, L7_PACKET_TRUNCATED_L4, 0, 0},
    {"v4-tcp-offset-4", B_V4_TCP, {{32, 1, 0x40}, NOPATCH},
     0, false, L7_PACKET_BAD_TCP_OFFSET, 0, 0},
    {"v4-tcp-offset-beyond", B_V4_TCP, {{32, 1, 0x70}, NOPATCH},
     0, false, L7_PACKET_BAD_TCP_OFFSET, 0, 0},
    {"v4-tcp-offset-exact", B_V4_TCP, {{32, 1, 0x60}, NOPATCH},
     0, false, L7_PACKET_OK, 6, 1},
    {"v4-udp-short", B_V4_UDP, {NOPATCH, NOPATCH},
     27, true, L7_PACKET_TRUNCATED_L4, 0, 0},
    {"v4-udp-length-7", B_V4_UDP, {{24, 2, 7}, NOPATCH},
     0, false, L7_PACKET_BAD_UDP_LENGTH, 0, 0},
    {"v4-udp-length-beyond", B_V4_UDP, {{24, 2, 14}, NOPATCH},
     0, false, L7_PACKET_BAD_UDP_LENGTH, 0, 0},
    {"v4-icmp-short", B_V4_ICMP, {NOPATCH, NOPATCH},
     24, true, L7_PACKET_TRUNCATED_L4, 0, 0},
    {"v4-frag-odd", B_V4_FRAG_MF, {{2, 2, 35}, NOPATCH},
     35, false, L7_PACKET_BAD_FRAGMENT, 0, 0},
    {"v4-frag-too-big", B_V4_UDP, {{6, 2, 0x1fff}, NOPATCH},
     0, false, L7_PACKET_BAD_FRAGMENT, 0, 0},
    {"v4-frag-last-ok", B_V4_UDP, {{6, 2, 0x1000}, NOPATCH},
     0, false, L7_PACKET_OK, 17, 13},
    {"v6-tcp", B_V6_TCP, {NOPATCH, NOPATCH}, 0, false, L7_PACKET_OK, 6, 3},
    {"v6-chain", B_V6_CHAIN, {NOPATCH, NOPATCH}, 0, false, L7_PACKET_OK, 6, 1},
    {"v6-chain-8", B_V6_CHAIN8, {NOPATCH, NOPATCH}, 0, false, L7_PACKET_OK, 17, 1},
    {"v6-chain-9", B_V6_CHAIN9, {NOPATCH, NOPATCH},
     0, false, L7_PACKET_IPV6_CHAIN_TOO_LONG, 0, 0},
    {"v6-esp", B_V6_ESP, {NOPATCH, NOPATCH}, 0, false, L7_PACKET_OK, 50, 24},
    {"v6-no-next", B_V6_NONE, {NOPATCH, NOPATCH}, 0, false, L7_PACKET_OK, 59, 0},
    {"v6-icmp", B_V6_ICMP, {NOPATCH, NOPATCH}, 0, false, L7_PACKET_OK, 58, 5},
    {"v6-short", B_V6_TCP, {NOPATCH, NOPATCH}, 39, false, L7_PACKET_TRUNCATED_IP, 0, 0},
    {"v6-version-7", B_V6_TCP, {{0, 1, 0x70}, NOPATCH},
     0, false, L7_PACKET_BAD_VERSION, 0, 0},
    {"v6-payload-beyond", B_V6_TCP, {{4, 2, 24}, NOPATCH},
     0, false, L7_PACKET_LENGTH_BEYOND_FRAME, 0, 0},
    {"v6-ext-len-beyond", B_V6_CHAIN, {{41, 1, 200}, NOPATCH},
     0, false, L7_PACKET_TRUNCATED_EXT_HEADER, 0, 0},
    {"v6-ah-len-beyond", B_V6_CHAIN, {{65, 1, 200}, NOPATCH},
     0, false, L7_PACKET_TRUNCATED_EXT_HEADER, 0, 0},
    {"v6-ext-cut", B_V6_CHAIN, {NOPATCH, NOPATCH},
     44, true, L7_PACKET_TRUNCATED_EXT_HEADER, 0, 0},
    /* RFC 8200 4.5: the limit is on the reassembled payload, which no
     * longer holds the 8-byte Fragment header. */
    {"v6-frag-ends-at-65535", B_V6_FRAG_LAST, {{42, 2, 0xfff0}, NOPATCH},
     63, true, L7_PACKET_OK, 17, 15},
    {"v6-frag-ends-at-65536", B_V6_FRAG_LAST, {{42, 2, 0xfff0}, NOPATCH},
     0, false, L7_PACKET_BAD_FRAGMENT, 0, 0},
    {"v6-two-fragment-headers", B_V6_TWO_FRAG, {NOPATCH, NOPATCH},
     0, false, L7_PACKET_BAD_FRAGMENT, 0, 0},
    {"v6-tcp-short", B_V6_TCP, {NOPATCH, NOPATCH},
     50, true, L7_PACKET_TRUNCATED_L4, 0, 0},
    {"v6-tcp-offset-beyond", B_V6_TCP, {{52, 1, 0xf0}, NOPATCH},
     0, false, L7_PACKET_BAD_TCP_OFFSET, 0, 0},
    {"v6-icmp-short", B_V6_ICMP, {NOPATCH, NOPATCH},
     47, true, L7_PACKET_TRUNCATED_L4, 0, 0},
};
/* clang-format on */

START_TEST(test_l3_variants)
{
    const struct l3_case *c = &l3_cases[_i];
    size_t n = build_base(c->base, ipbuf);
    for (int i = 0; i < 2; i++) {
        if (c->patch[i].width == 1)
            ipbuf[c->patch[i].off] = (uint8_t)c->patch[i].val;
        else if (c->patch[i].width == 2)
            pb_put16(ipbuf + c->patch[i].off, c->patch[i].val);
    }
    if (c->cut)
        n = c->cut;
    if (c->fix_len) {
        if ((ipbuf[0] >> 4) == 4)
            pb_put16(ipbuf + 2, (uint32_t)n);
        else
            pb_put16(ipbuf + 4, (uint32_t)n - 40);
    }
    l7_packet *pkt;
    ck_assert_int_eq(l7_packet_create(&pkt, NULL), L7_OK);
    parse_exact(pkt, ipbuf, n, L7_LINK_IP);
    ck_assert_msg(l7_packet_get_status(pkt) == c->status, "%s: got %s, want %s",
                  c->name, l7_packet_status_name(l7_packet_get_status(pkt)),
                  l7_packet_status_name(c->status));
    if (c->status == L7_PACKET_OK) {
        ck_assert_uint_eq(l7_packet_l4_proto(pkt), c->l4_proto);
        ck_assert_uint_eq(l7_packet_payload_len(pkt), c->payload_len);
    }
    l7_packet_destroy(pkt);
}
END_TEST

/* ---- fields ------------------------------------------------------------------ */

START_TEST(test_fields_ipv4_tcp)
{
    l7_packet *pkt;
    ck_assert_int_eq(l7_packet_create(&pkt, NULL), L7_OK);
    size_t n = ref_ipv4_tcp(ipbuf);
    ck_assert_int_eq(l7_packet_parse_l3(pkt, ipbuf, n), L7_OK);
    ck_assert_int_eq(l7_packet_get_status(pkt), L7_PACKET_OK);
    ck_assert_uint_eq(l7_packet_ip_version(pkt), 4);
    ck_assert_uint_eq(l7_packet_ip_len(pkt), 45);
    ck_assert_uint_eq(l7_packet_ttl(pkt), 64);
    ck_assert_uint_eq(pkt->dscp, 10);
    char buf[L7_ADDR_STRLEN];
    ck_assert_int_eq(l7_addr_format(buf, sizeof(buf), l7_packet_src(pkt)), 9);
    ck_assert_str_eq(buf, "192.0.2.1");
    l7_addr_format(buf, sizeof(buf), l7_packet_dst(pkt));
    ck_assert_str_eq(buf, "198.51.100.7");
    ck_assert_uint_eq(l7_packet_sport(pkt), 40000);
    ck_assert_uint_eq(l7_packet_dport(pkt), 80);
    ck_assert_uint_eq(l7_packet_tcp_seq(pkt), 1000);
    ck_assert_uint_eq(l7_packet_tcp_ack(pkt), 2000);
    ck_assert_uint_eq(l7_packet_tcp_flags(pkt), L7_TCP_ACK | L7_TCP_PSH);
    ck_assert_uint_eq(l7_packet_tcp_window(pkt), 65535);
    ck_assert_int_eq(l7_packet_is_fragment(pkt), 0);
    ck_assert_ptr_eq(l7_packet_payload(pkt), ipbuf + 40);
    ck_assert_uint_eq(pkt->l4_offset, 20);
    /* A non-IP frame resets everything from the previous parse. */
    ck_assert_int_eq(l7_packet_parse(pkt, ipbuf, n, 105), L7_OK);
    ck_assert_int_eq(l7_packet_get_status(pkt), L7_PACKET_UNSUPPORTED_LINK);
    ck_assert_uint_eq(l7_packet_sport(pkt), 0);
    ck_assert_uint_eq(l7_packet_src(pkt)->family, 0);
    ck_assert_ptr_null(l7_packet_payload(pkt));
    /* Arguments. */
    ck_assert_int_eq(l7_packet_parse(NULL, ipbuf, n, L7_LINK_IP), L7_EINVAL);
    ck_assert_int_eq(l7_packet_parse(pkt, NULL, 3, L7_LINK_IP), L7_EINVAL);
    ck_assert_int_eq(l7_packet_parse(pkt, NULL, 0, L7_LINK_IP), L7_OK);
    ck_assert_int_eq(l7_packet_get_status(pkt), L7_PACKET_TRUNCATED_IP);
    ck_assert_int_eq(l7_packet_create(NULL, NULL), L7_EINVAL);
    ck_assert_uint_eq(l7_packet_sport(NULL), 0);
    l7_packet_destroy(pkt);
    l7_packet_destroy(NULL);
}
END_TEST

START_TEST(test_fields_ipv6_chain_and_fragment)
{
    l7_packet *pkt;
    ck_assert_int_eq(l7_packet_create(&pkt, NULL), L7_OK);
    size_t n = build_base(B_V6_CHAIN, ipbuf);
    ck_assert_int_eq(l7_packet_parse_l3(pkt, ipbuf, n), L7_OK);
    ck_assert_int_eq(l7_packet_get_status(pkt), L7_PACKET_OK);
    ck_assert_uint_eq(pkt->ip_hdr_len, 40 + 5 * 8);
    ck_assert_uint_eq(l7_packet_dport(pkt), 50000);
    ck_assert_int_eq(l7_packet_is_fragment(pkt), 0); /* atomic fragment */
    char buf[L7_ADDR_STRLEN];
    l7_addr_format(buf, sizeof(buf), l7_packet_src(pkt));
    ck_assert_str_eq(buf, "2001:db8::1");
    l7_addr_format(buf, sizeof(buf), l7_packet_dst(pkt));
    ck_assert_str_eq(buf, "2001:db8:1::42");

    /* A non-first fragment behind a hop-by-hop header: no layer 4. */
    uint8_t ext[16];
    static const uint8_t types[] = {0, 44};
    pb_ext_chain(ext, types, 2, 17);
    pb_put16(ext + 8 + 2, 1480 | 1); /* offset 1480, M */
    pb_put32(ext + 8 + 4, 0xdeadbeef);
    memset(l4buf, 'z', 64);
    n = pb_ipv6(ipbuf, 0, ext, 16, l4buf, 64);
    ck_assert_int_eq(l7_packet_parse_l3(pkt, ipbuf, n), L7_OK);
    ck_assert_int_eq(l7_packet_get_status(pkt), L7_PACKET_OK);
    ck_assert_int_eq(l7_packet_is_fragment(pkt), 1);
    ck_assert_int_eq(l7_packet_frag_more(pkt), 1);
    ck_assert_uint_eq(l7_packet_frag_offset(pkt), 1480);
    ck_assert_uint_eq(l7_packet_frag_id(pkt), 0xdeadbeef);
    ck_assert_uint_eq(l7_packet_l4_proto(pkt), 17);
    ck_assert_uint_eq(l7_packet_sport(pkt), 0);
    ck_assert_uint_eq(l7_packet_payload_len(pkt), 64);
    ck_assert_uint_eq(pkt->ipv6_frag_hdr_offset, 48);
    ck_assert_uint_eq(pkt->ipv6_frag_nh_ptr, 40);
    ck_assert_uint_eq(pkt->ipv6_frag_next, 17);
    ck_assert_uint_eq(pkt->frag_data_offset, 56);
    l7_packet_destroy(pkt);
}
END_TEST

START_TEST(test_fields_icmp)
{
    l7_packet *pkt;
    ck_assert_int_eq(l7_packet_create(&pkt, NULL), L7_OK);
    size_t n = build_base(B_V4_ICMP, ipbuf);
    ck_assert_int_eq(l7_packet_parse_l3(pkt, ipbuf, n), L7_OK);
    ck_assert_uint_eq(l7_packet_icmp_type(pkt), 8);
    ck_assert_uint_eq(l7_packet_sport(pkt), 0x1234);
    ck_assert_uint_eq(l7_packet_dport(pkt), 0x1234);
    ck_assert_int_eq(l7_packet_has_inner(pkt), 0);
    n = build_base(B_V6_ICMP, ipbuf);
    ck_assert_int_eq(l7_packet_parse_l3(pkt, ipbuf, n), L7_OK);
    ck_assert_uint_eq(l7_packet_icmp_type(pkt), 128);
    ck_assert_uint_eq(pkt->icmp_id, 0x4242);
    /* Node information queries (RFC 4620) are tracked by the same 16 bits,
     * as netfilter does: turn the echo request into one. */
    uint8_t *icmp6 = ipbuf + pkt->l4_offset - pkt->l3_offset;
    icmp6[0] = 139;
    ck_assert_int_eq(l7_packet_parse_l3(pkt, ipbuf, n), L7_OK);
    ck_assert_uint_eq(l7_packet_icmp_type(pkt), 139);
    ck_assert_uint_eq(l7_packet_sport(pkt), 0x4242);
    ck_assert_uint_eq(l7_packet_dport(pkt), 0x4242);
    l7_packet_destroy(pkt);
}
END_TEST

/* ICMP errors quoting a packet: every quote length from 0 to the whole
 * quoted packet, with consistent outer lengths. The outer packet is always
 * OK; the inner tuple appears once the quote holds the IP header + 8. */
static const struct icmp_err_case {
    const char *name;
    int version;
    uint8_t type, code;
    enum base quoted;
    uint32_t need; /* quote bytes needed for has_inner */
    uint8_t inner_proto;
    uint16_t inner_sport, inner_dport;
} icmp_err_cases[] = {
    {"v4-unreach-tcp", 4, 3, 3, B_V4_TCP, 28, 6, 40000, 80},
    {"v4-time-exceeded-udp", 4, 11, 0, B_V4_UDP, 28, 17, 1234, 53},
    {"v4-unreach-options", 4, 3, 1, B_V4_OPTS_TCP, 40, 6, 1, 2},
    {"v4-unreach-ping", 4, 3, 1, B_V4_ICMP, 28, 1, 0x1234, 0x1234},
    {"v6-unreach-tcp", 6, 1, 4, B_V6_TCP, 48, 6, 443, 50000},
    {"v6-too-big-chain", 6, 2, 0, B_V6_CHAIN, 88, 6, 443, 50000},
    {"v6-param-ping", 6, 4, 0, B_V6_ICMP, 48, 58, 0x4242, 0x4242},
    /* An ICMP error quotes a packet of its own family (netfilter reads the
     * quote as PF_INET / PF_INET6): a cross-family quote relates to no
     * connection. */
    {"v4-quoting-v6", 4, 3, 3, B_V6_TCP, UINT32_MAX, 0, 0, 0},
    {"v6-quoting-v4", 6, 1, 4, B_V4_TCP, UINT32_MAX, 0, 0, 0},
};

START_TEST(test_icmp_errors)
{
    const struct icmp_err_case *c = &icmp_err_cases[_i];
    static uint8_t quoted[256], icmp[300], outer[400];
    size_t qn = build_base(c->quoted, quoted);
    l7_packet *pkt;
    ck_assert_int_eq(l7_packet_create(&pkt, NULL), L7_OK);
    for (size_t q = 0; q <= qn; q++) {
        size_t in = pb_icmp(icmp, c->type, c->code, 0, quoted, q);
        size_t n = c->version == 4 ? pb_ipv4(outer, 1, 5, 0, 0, icmp, in)
                                   : pb_ipv6(outer, 58, NULL, 0, icmp, in);
        parse_exact(pkt, outer, n, L7_LINK_IP);
        ck_assert_int_eq(l7_packet_get_status(pkt), L7_PACKET_OK);
        ck_assert_uint_eq(l7_packet_icmp_type(pkt), c->type);
        ck_assert_uint_eq(l7_packet_icmp_code(pkt), c->code);
        ck_assert_msg(l7_packet_has_inner(pkt) == (q >= c->need), "%s quote %zu",
                      c->name, q);
        if (q >= c->need) {
            ck_assert_uint_eq(l7_packet_inner_l4_proto(pkt), c->inner_proto);
            ck_assert_uint_eq(l7_packet_inner_sport(pkt), c->inner_sport);
            ck_assert_uint_eq(l7_packet_inner_dport(pkt), c->inner_dport);
            ck_assert_uint_eq(pkt->inner.icmp_type, c->inner_proto == 1    ? 8
                                                    : c->inner_proto == 58 ? 128
                                                                           : 0);
            ck_assert_uint_eq(l7_packet_inner_src(pkt)->family, (unsigned)c->version);
            ck_assert_int_eq(l7_packet_inner_src(pkt)->bytes[0],
                             c->version == 4 ? 192 : 0x20);
            ck_assert_int_eq(l7_packet_inner_dst(pkt)->bytes[0],
                             c->version == 4 ? 198 : 0x20);
        } else {
            ck_assert_uint_eq(l7_packet_inner_sport(pkt), 0);
            ck_assert_uint_eq(l7_packet_inner_src(pkt)->family, 0);
        }
    }
    l7_packet_destroy(pkt);
}
END_TEST

/* GSO/GRO sizes: a 65535-byte IPv4 datagram in a 65549-byte Ethernet frame,
 * and a maximal IPv6 one. */
START_TEST(test_large_frames)
{
    l7_packet *pkt;
    ck_assert_int_eq(l7_packet_create(&pkt, NULL), L7_OK);
    static uint8_t big[65600];
    memset(big, 'A', sizeof(big));
    size_t n = pb_tcp(l4buf, 1, 2, 3, 4, L7_TCP_ACK, big, 65535 - 40);
    static const uint8_t eth[14] = {MACS, 0x08, 0x00};
    memcpy(frame, eth, 14);
    n = pb_ipv4(frame + 14, 6, 1, 0, 0, l4buf, n);
    ck_assert_uint_eq(n, 65535);
    parse_exact(pkt, frame, n + 14, L7_LINK_ETHERNET);
    ck_assert_int_eq(l7_packet_get_status(pkt), L7_PACKET_OK);
    ck_assert_uint_eq(l7_packet_payload_len(pkt), 65495);
    /* A GSO super-packet beyond 64 KiB: IPv4 total length 0. */
    n = pb_tcp(l4buf, 1, 2, 3, 4, L7_TCP_ACK, big, 65535);
    n = pb_ipv4(frame + 14, 6, 1, 0, 0, l4buf, n);
    pb_put16(frame + 14 + 2, 0);
    parse_exact(pkt, frame, n + 14, L7_LINK_ETHERNET);
    ck_assert_int_eq(l7_packet_get_status(pkt), L7_PACKET_OK);
    ck_assert_uint_eq(l7_packet_ip_len(pkt), 65575);
    ck_assert_uint_eq(l7_packet_payload_len(pkt), 65535);
    n = pb_udp(l4buf, 1, 2, big, 65535 - 8);
    n = pb_ipv6(frame, 17, NULL, 0, l4buf, n);
    parse_exact(pkt, frame, n, L7_LINK_IPV6);
    ck_assert_int_eq(l7_packet_get_status(pkt), L7_PACKET_OK);
    ck_assert_uint_eq(l7_packet_ip_len(pkt), 65575);
    ck_assert_uint_eq(l7_packet_payload_len(pkt), 65527);
    l7_packet_destroy(pkt);
}
END_TEST

/* ---- addresses and names --------------------------------------------------------- */

/* clang-format off */
static const struct fmt_case {
    uint8_t family;
    uint8_t bytes[16];
    const char *text;
} fmt_cases[] = {
    {4, {0, 0, 0, 0}, "0.0.0.0"},
    {4, {255, 255, 255, 255}, "255.255.255.255"},
    {6, {0}, "::"},
    {6, {[15] = 1}, "::1"},
    {6, {0x20, 0x01, 0x0d, 0xb8, [15] = 1}, "2001:db8::1"},
    {6, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1},
     "2001:db8:0:1:0:1:0:1"},
    {6, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1},
     "2001:db8::1:0:0:1"},
    {6, {0xfe, 0x80, [14] = 0xab, 0xcd}, "fe80::abcd"},
    {6, {0x20, 0x01, 0x0d, 0xb8, [12] = 0, 0, 0, 0}, "2001:db8::"},
    {6, {[10] = 0xff, 0xff, 192, 0, 2, 1}, "::ffff:192.0.2.1"},
    {6, {0xff, 0x02, [14] = 0, 0}, "ff02::"},
    {6, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
     "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
    {6, {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}, "1:0:1::1:0:0"},
};
/* clang-format on */

START_TEST(test_addr_format)
{
    const struct fmt_case *c = &fmt_cases[_i];
    l7_addr a = {.family = c->family};
    memcpy(a.bytes, c->bytes, 16);
    char buf[L7_ADDR_STRLEN];
    ck_assert_int_eq(l7_addr_format(buf, sizeof(buf), &a), (int)strlen(c->text));
    ck_assert_str_eq(buf, c->text);
    char small[L7_ADDR_STRLEN] = "xyz";
    ck_assert_int_eq(l7_addr_format(small, strlen(c->text), &a), L7_EBUFFER);
    ck_assert_str_eq(small, "");
    ck_assert_int_eq(l7_addr_format(buf, strlen(c->text) + 1, &a),
                     (int)strlen(c->text));
    ck_assert_int_eq(l7_addr_equal(&a, &a), 1);
}
END_TEST

START_TEST(test_addr_misc)
{
    l7_addr a = {.family = 4, .bytes = {1, 2, 3, 4}}, b = a, c = a;
    ck_assert_int_eq(l7_addr_equal(&a, &b), 1);
    c.bytes[3] = 5;
    ck_assert_int_eq(l7_addr_equal(&a, &c), 0);
    c = a;
    c.family = 6;
    ck_assert_int_eq(l7_addr_equal(&a, &c), 0);
    ck_assert_int_eq(l7_addr_equal(&a, NULL), 0);
    char buf[L7_ADDR_STRLEN];
    l7_addr none = {0};
    ck_assert_int_eq(l7_addr_format(buf, sizeof(buf), &none), L7_EINVAL);
    ck_assert_int_eq(l7_addr_format(NULL, 0, &a), L7_EINVAL);
}
END_TEST

START_TEST(test_status_names)
{
    for (int s = 0; s < L7_PACKET_STATUS_COUNT; s++) {
        const char *name = l7_packet_status_name((l7_packet_status)s);
        ck_assert_ptr_nonnull(name);
        ck_assert_str_ne(name, "unknown");
        for (int t = 0; t < s; t++)
            ck_assert_str_ne(name, l7_packet_status_name((l7_packet_status)t));
    }
    ck_assert_str_eq(l7_packet_status_name(L7_PACKET_BAD_IHL), "bad-ihl");
    ck_assert_str_eq(l7_packet_status_name(L7_PACKET_STATUS_COUNT), "unknown");
    ck_assert_str_eq(l7_packet_status_name((l7_packet_status)-1), "unknown");
}
END_TEST

/* ---- corpus -----------------------------------------------------------------------
 */

#ifdef L7T_HAVE_PCAP
struct corpus_totals {
    uint64_t frames, by_status[L7_PACKET_STATUS_COUNT];
    uint64_t fragments, reassembled, reassembled_ok, defrag_dropped, timeouts;
    unsigned files, unopened, skipped;
    char unsupported[2048];
};

static void count_drop(uint64_t cookie, void *user)
{
    (void)cookie;
    (*(uint64_t *)user)++;
}

static void corpus_file(const char *path, const char *name, struct corpus_totals *t,
                        l7_packet *pkt, l7_packet *re)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_open_offline(path, err);
    if (!pc) {
        t->unopened++;
        size_t used = strlen(t->unsupported);
        snprintf(t->unsupported + used, sizeof(t->unsupported) - used,
                 " %s(unreadable)", name);
        return;
    }
    t->files++;
    int lt = pcap_datalink(pc);
    if (!l7_packet_linktype_supported((uint32_t)lt)) {
        size_t used = strlen(t->unsupported);
        snprintf(t->unsupported + used, sizeof(t->unsupported) - used, " %s(link %d)",
                 name, lt);
        t->skipped++;
        pcap_close(pc);
        return;
    }
    l7_defrag *df;
    ck_assert_int_eq(l7_defrag_create(&df, NULL, NULL), L7_OK);
    struct pcap_pkthdr *h;
    const u_char *data;
    uint64_t n = 0, unsupported = 0;
    uint64_t now = 0;
    while (pcap_next_ex(pc, &h, &data) == 1) {
        now =
            (uint64_t)h->ts.tv_sec * L7_NSEC_PER_SEC + (uint64_t)h->ts.tv_usec * 1000u;
        ck_assert_int_eq(l7_packet_parse(pkt, data, h->caplen, (uint32_t)lt), L7_OK);
        l7_packet_status st = l7_packet_get_status(pkt);
        t->frames++;
        t->by_status[st]++;
        unsupported += st == L7_PACKET_UNSUPPORTED_LINK;
        t->timeouts +=
            (uint64_t)l7_defrag_expire(df, now, count_drop, &t->defrag_dropped);
        if (st == L7_PACKET_OK && l7_packet_is_fragment(pkt)) {
            t->fragments++;
            l7_defrag_result r;
            ck_assert_int_eq(l7_defrag_add(&r, df, pkt, n, now), L7_OK);
            if (r == L7_DEFRAG_COMPLETE) {
                uint32_t len;
                const uint8_t *d = l7_defrag_datagram(df, &len);
                ck_assert_int_eq(l7_packet_parse_l3(re, d, len), L7_OK);
                t->reassembled++;
                t->reassembled_ok += l7_packet_get_status(re) == L7_PACKET_OK;
            } else if (r == L7_DEFRAG_DROPPED) {
                uint32_t count;
                l7_defrag_cookies(df, &count);
                t->defrag_dropped += count;
            }
        }
        n++;
    }
    t->timeouts +=
        (uint64_t)l7_defrag_expire(df, UINT64_MAX, count_drop, &t->defrag_dropped);
    if (unsupported) {
        size_t used = strlen(t->unsupported);
        snprintf(t->unsupported + used, sizeof(t->unsupported) - used, " %s(link %d)",
                 name, lt);
    }
    l7_defrag_destroy(df);
    pcap_close(pc);
}
#endif

START_TEST(test_corpus)
{
#ifndef L7T_HAVE_PCAP
    printf("corpus: skipped (built without libpcap)\n");
#else
    const char *shared = l7t_shared_dir();
    char dir[4096];
    char **names = NULL;
    long count = -1;
    if (shared) {
        snprintf(dir, sizeof(dir), "%s/corpus/ndpi/tests/cfgs/default/pcap", shared);
        count = l7t_list_captures(dir, &names);
    }
    if (count < 0) {
        printf("corpus: skipped (no ../shared/corpus/ndpi)\n");
        return;
    }

    static struct corpus_totals t;
    memset(&t, 0, sizeof(t));
    l7_packet *pkt, *re;
    ck_assert_int_eq(l7_packet_create(&pkt, NULL), L7_OK);
    ck_assert_int_eq(l7_packet_create(&re, NULL), L7_OK);
    for (long i = 0; i < count; i++) {
        char path[8192];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        corpus_file(path, names[i], &t, pkt, re);
    }
    l7t_free_names(names, count);
    l7_packet_destroy(pkt);
    l7_packet_destroy(re);

    printf("corpus: %u files (%u unreadable, %u unsupported link), %llu frames\n",
           t.files, t.unopened, t.skipped, (unsigned long long)t.frames);
    for (int s = 0; s < L7_PACKET_STATUS_COUNT; s++)
        if (t.by_status[s])
            printf("  %-22s %llu\n", l7_packet_status_name((l7_packet_status)s),
                   (unsigned long long)t.by_status[s]);
    printf("  fragments %llu, reassembled %llu (%llu parse ok), dropped %llu, "
           "timeouts %llu\n",
           (unsigned long long)t.fragments, (unsigned long long)t.reassembled,
           (unsigned long long)t.reassembled_ok, (unsigned long long)t.defrag_dropped,
           (unsigned long long)t.timeouts);
    printf("  unsupported or unreadable:%s\n",
           t.unsupported[0] ? t.unsupported : " none");
    ck_assert_uint_gt(t.files, 500);
    /* Nearly everything in the corpus is well-formed IP; the rest is
     * counted by reason above. */
    ck_assert_uint_gt(t.by_status[L7_PACKET_OK], t.frames * 95 / 100);
    ck_assert_uint_eq(t.reassembled, t.reassembled_ok);
#endif
}
END_TEST

static Suite *packet_suite(void)
{
    Suite *s = suite_create("packet");
    TCase *tc = tcase_create("parse");
    tcase_add_loop_test(tc, test_link_types, 0, (int)L7_ARRAY_SIZE(link_cases));
    tcase_add_loop_test(tc, test_link_truncations, 0, (int)L7_ARRAY_SIZE(link_cases));
    tcase_add_loop_test(tc, test_link_mutations, 0, (int)L7_ARRAY_SIZE(link_cases));
    tcase_add_loop_test(tc, test_l3_variants, 0, (int)L7_ARRAY_SIZE(l3_cases));
    tcase_add_test(tc, test_fields_ipv4_tcp);
    tcase_add_test(tc, test_fields_ipv6_chain_and_fragment);
    tcase_add_test(tc, test_fields_icmp);
    tcase_add_loop_test(tc, test_icmp_errors, 0, (int)L7_ARRAY_SIZE(icmp_err_cases));
    tcase_add_test(tc, test_large_frames);
    tcase_add_loop_test(tc, test_addr_format, 0, (int)L7_ARRAY_SIZE(fmt_cases));
    tcase_add_test(tc, test_addr_misc);
    tcase_add_test(tc, test_status_names);
    suite_add_tcase(s, tc);
    TCase *corpus = tcase_create("corpus");
    tcase_set_timeout(corpus, 120);
    tcase_add_test(corpus, test_corpus);
    suite_add_tcase(s, corpus);
    return s;
}

int main(void)
{
    return l7t_run_suite(packet_suite());
}
