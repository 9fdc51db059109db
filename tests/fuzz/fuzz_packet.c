/*
 * Fuzz target: l7_packet_parse() over every supported link type.
 * Input: byte 0 picks the link type, the rest is the frame. Every accessor
 * is read and the payload touched, so ASan sees any view that leaves the
 * frame.
 */
#include "fuzz.h"

#include <l7/packet.h>

#include <stdlib.h>

static const uint32_t linktypes[] = {
    L7_LINK_IP,     L7_LINK_ETHERNET, L7_LINK_RAW,         L7_LINK_NULL,
    L7_LINK_PPP,    L7_LINK_RAW_DLT,  L7_LINK_RAW_DLT_BSD, L7_LINK_PPP_HDLC,
    L7_LINK_C_HDLC, L7_LINK_LOOP,     L7_LINK_LINUX_SLL,   L7_LINK_PPI,
    L7_LINK_IPV4,   L7_LINK_IPV6,     L7_LINK_LINUX_SLL2,  7777,
};

static void touch_addr(const l7_addr *a)
{
    char buf[64];
    if (a != NULL)
        (void)l7_addr_format(buf, sizeof buf, a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    l7_packet *pkt = NULL;
    if (l7_packet_create(&pkt, NULL) != 0)
        abort();
    uint32_t lt = linktypes[data[0] % (sizeof linktypes / sizeof linktypes[0])];
    if (l7_packet_parse(pkt, data + 1, size - 1, lt) != 0)
        abort();
    volatile unsigned sink = 0;
    (void)l7_packet_status_name(l7_packet_get_status(pkt));
    sink += l7_packet_ip_version(pkt) + l7_packet_l4_proto(pkt) + l7_packet_ip_len(pkt);
    sink += l7_packet_ttl(pkt) + l7_packet_sport(pkt) + l7_packet_dport(pkt);
    sink += l7_packet_tcp_flags(pkt) + l7_packet_tcp_seq(pkt) + l7_packet_tcp_ack(pkt);
    sink +=
        l7_packet_tcp_window(pkt) + l7_packet_icmp_type(pkt) + l7_packet_icmp_code(pkt);
    touch_addr(l7_packet_src(pkt));
    touch_addr(l7_packet_dst(pkt));
    if (l7_packet_has_inner(pkt)) {
        touch_addr(l7_packet_inner_src(pkt));
        touch_addr(l7_packet_inner_dst(pkt));
        sink += l7_packet_inner_l4_proto(pkt) + l7_packet_inner_sport(pkt) +
                l7_packet_inner_dport(pkt);
    }
    const uint8_t *pl = l7_packet_payload(pkt);
    uint32_t pl_len = l7_packet_payload_len(pkt);
    if (pl_len > 0) {
        if (pl == NULL || pl < data + 1 || pl + pl_len > data + size)
            abort(); /* the payload view must stay inside the frame */
        sink += pl[0] + pl[pl_len - 1];
    }
    sink += (unsigned)l7_packet_is_fragment(pkt) + (unsigned)l7_packet_frag_more(pkt) +
            l7_packet_frag_offset(pkt) + l7_packet_frag_id(pkt);
    for (uint32_t i = 0; i <= l7_packet_vlan_count(pkt); i++)
        sink += l7_packet_vlan(pkt, i);
    (void)sink;
    l7_packet_destroy(pkt);
    return 0;
}
