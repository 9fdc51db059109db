/*
 * The parsed packet view, as the other modules of lib/ read it.
 *
 * Public callers see `l7_packet` only through the accessors of
 * include/l7/packet.h; inside the library the hot path (conntrack, inspect,
 * policy) reads these fields directly. Every pointer points into the
 * caller's frame (no copy) and every length has been checked against it.
 */
#ifndef L7_PACKET_INTERNAL_H
#define L7_PACKET_INTERNAL_H

#include "common_internal.h"
#include "l7/packet.h"

/* The tuple an ICMP/ICMPv6 error quotes (the offending packet's header),
 * so that conntrack can find the connection the error is "related" to. */
typedef struct l7_packet_inner {
    l7_addr src, dst;
    uint8_t l4_proto;
    uint16_t sport, dport; /* host order; ICMP echo: id in both */
    uint8_t icmp_type;     /* when l4_proto is ICMP/ICMPv6 */
} l7_packet_inner;

struct l7_packet {
    l7_alloc alloc;

    /* The whole frame as given, and where layer 3 starts in it. */
    const uint8_t *frame;
    uint32_t frame_len;
    uint32_t l3_offset;
    uint32_t l4_offset;

    l7_packet_status status; /* L7_PACKET_OK, or why it is malformed */

    uint8_t ip_version; /* 4 or 6; 0 when there is no IP layer */
    uint8_t l4_proto;   /* IP protocol number (after IPv6 extension headers) */
    uint8_t ttl;        /* TTL / hop limit */
    uint8_t dscp;       /* DSCP (upper 6 bits of TOS / traffic class) */
    uint32_t ip_len;    /* IPv4 total length / IPv6 40 + payload length */

    l7_addr src, dst;

    /* TCP/UDP/SCTP/DCCP/UDPLite ports, host order. For ICMP echo
     * request/reply the identifier is in both (conntrack keys on it). */
    uint16_t sport, dport;

    uint8_t tcp_flags; /* L7_TCP_FIN | L7_TCP_SYN | ... */
    uint16_t tcp_window;
    uint32_t tcp_seq, tcp_ack;

    uint8_t icmp_type, icmp_code;
    uint16_t icmp_id;
    bool has_inner; /* an ICMP error quoting a packet */
    l7_packet_inner inner;

    /* Layer-4 payload (after the TCP/UDP/ICMP header); NULL/0 when none. */
    const uint8_t *payload;
    uint32_t payload_len;

    /* Fragments: set when this datagram is a fragment (IPv4 MF/offset, or
     * an IPv6 Fragment header). Only the first fragment has layer-4 fields. */
    bool is_fragment;
    bool more_fragments;
    uint32_t frag_id;     /* IPv4: 16-bit ID; IPv6: 32-bit identification */
    uint32_t frag_offset; /* in bytes */
    /* Where the fragmentable part starts (IPv4: after the header; IPv6:
     * after the Fragment header) — what reassembly concatenates. */
    uint32_t frag_data_offset;
    uint32_t frag_data_len;
    uint32_t ipv6_frag_hdr_offset; /* IPv6: offset of the Fragment header */

    uint16_t vlan[2]; /* outer first */
    uint8_t vlan_count;

    /* Added by the packet module (after the shared contract above). */
    uint32_t linktype;   /* as given to l7_packet_parse() */
    uint32_t ip_hdr_len; /* IPv4 IHL*4; IPv6 40 + extension headers */
    /* IPv6 fragments: offset (from frame) of the byte holding the Fragment
     * header's type (the previous header's Next Header), and the Fragment
     * header's own Next Header, so that reassembly can unlink it. */
    uint32_t ipv6_frag_nh_ptr;
    uint8_t ipv6_frag_next;
    uint16_t ipv4_flags; /* IPv4 flags+offset word, host order */
};

#endif
