/*
 * Packet parsing: link layer → IPv4/IPv6 → TCP/UDP/ICMP, as a view into the
 * caller's frame. Every read is preceded by a length check against the
 * bytes that remain, so a malformed frame only ever changes the status.
 *
 * Link-layer facts (header sizes, field places) come from the tcpdump.org
 * LINKTYPE_ registry; the IPv6 rules from RFC 8200 (extension headers),
 * RFC 4302 (AH length in 4-octet units) and RFC 6946 (atomic fragments).
 */
#include "packet_internal.h"

#include <stdio.h>
#include <string.h>

/* Most IPv6 extension headers one packet may carry before we call it
 * malformed: real traffic has at most 3 or 4; the bound keeps a crafted
 * chain from costing more than a few reads. */
#define L7_IPV6_MAX_EXT_HEADERS 8
/* 802.1Q/802.1ad/MPLS labels followed before giving up. */
#define L7_MAX_LINK_TAGS 8

#define ETH_P_IPV4    0x0800
#define ETH_P_IPV6    0x86DD
#define ETH_P_8021Q   0x8100
#define ETH_P_8021AD  0x88A8
#define ETH_P_QINQ    0x9100
#define ETH_P_PPPOE_S 0x8864
#define ETH_P_MPLS_UC 0x8847
#define ETH_P_MPLS_MC 0x8848

#define PPP_IPV4 0x0021
#define PPP_IPV6 0x0057

enum {
    IPPROTO_ICMP_ = 1,
    IPPROTO_TCP_ = 6,
    IPPROTO_UDP_ = 17,
    IPPROTO_DCCP_ = 33,
    IPPROTO_IPV6_HOP_ = 0,
    IPPROTO_ROUTING_ = 43,
    IPPROTO_FRAGMENT_ = 44,
    IPPROTO_ESP_ = 50,
    IPPROTO_AH_ = 51,
    IPPROTO_ICMPV6_ = 58,
    IPPROTO_NONE_ = 59,
    IPPROTO_DSTOPTS_ = 60,
    IPPROTO_MH_ = 135,
    IPPROTO_SCTP_ = 132,
    IPPROTO_UDPLITE_ = 136,
    IPPROTO_HIP_ = 139,
    IPPROTO_SHIM6_ = 140,
};

static const char *const status_names[] = {
    [L7_PACKET_OK] = "ok",
    [L7_PACKET_UNSUPPORTED_LINK] = "unsupported-link",
    [L7_PACKET_TRUNCATED_LINK] = "truncated-link",
    [L7_PACKET_NOT_IP] = "not-ip",
    [L7_PACKET_TRUNCATED_IP] = "truncated-ip",
    [L7_PACKET_BAD_VERSION] = "bad-version",
    [L7_PACKET_BAD_IHL] = "bad-ihl",
    [L7_PACKET_BAD_TOTAL_LENGTH] = "bad-total-length",
    [L7_PACKET_LENGTH_BEYOND_FRAME] = "length-beyond-frame",
    [L7_PACKET_IPV6_CHAIN_TOO_LONG] = "ipv6-chain-too-long",
    [L7_PACKET_TRUNCATED_EXT_HEADER] = "truncated-ext-header",
    [L7_PACKET_BAD_FRAGMENT] = "bad-fragment",
    [L7_PACKET_TRUNCATED_L4] = "truncated-l4",
    [L7_PACKET_BAD_TCP_OFFSET] = "bad-tcp-offset",
    [L7_PACKET_BAD_UDP_LENGTH] = "bad-udp-length",
};
_Static_assert(L7_ARRAY_SIZE(status_names) == L7_PACKET_STATUS_COUNT,
               "every packet status has a name");

static inline uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint16_t rd16le(const uint8_t *p)
{
    return (uint16_t)((uint16_t)p[1] << 8 | p[0]);
}

static inline uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint32_t rd32le(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* ---- object ---------------------------------------------------------------- */

int l7_packet_create(l7_packet **out, const l7_allocator *alloc)
{
    if (!out)
        return L7_EINVAL;
    *out = NULL;
    l7_alloc a;
    L7_TRY(l7_alloc_init(&a, alloc));
    l7_packet *pkt = l7_calloc(&a, 1, sizeof(*pkt));
    if (!pkt)
        return L7_ENOMEM;
    pkt->alloc = a;
    pkt->status = L7_PACKET_TRUNCATED_LINK;
    *out = pkt;
    return L7_OK;
}

void l7_packet_destroy(l7_packet *pkt)
{
    if (pkt)
        l7_free(&pkt->alloc, pkt);
}

const char *l7_packet_status_name(l7_packet_status status)
{
    if ((unsigned)status >= L7_PACKET_STATUS_COUNT)
        return "unknown";
    return status_names[status];
}

/* ---- layer 4 ----------------------------------------------------------------- */

static bool icmp_is_query(uint8_t proto, uint8_t type)
{
    if (proto == IPPROTO_ICMP_)
        return type == 0 || type == 8 || (type >= 13 && type <= 18);
    /* echo request/reply, and node information query/reply (RFC 4620),
     * which netfilter also tracks by the 16 bits at offset 4 */
    return type == 128 || type == 129 || type == 139 || type == 140;
}

static bool icmp_is_error(uint8_t proto, uint8_t type)
{
    if (proto == IPPROTO_ICMP_)
        return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
    return type >= 1 && type <= 4;
}

static bool has_ports(uint8_t proto)
{
    return proto == IPPROTO_TCP_ || proto == IPPROTO_UDP_ ||
           proto == IPPROTO_UDPLITE_ || proto == IPPROTO_SCTP_ ||
           proto == IPPROTO_DCCP_;
}

/*
 * The packet an ICMP error quotes: its IP header and at least the first 8
 * bytes of its layer 4 (RFC 792 / RFC 4443). The quote is usually cut
 * short, so lengths inside it are not checked against what is there; only
 * our own reads are. It must be of the error's own IP version, as
 * netfilter reads it: an ICMPv4 error quoting IPv6 relates to nothing.
 */
static bool parse_inner(l7_packet_inner *in, unsigned version, const uint8_t *p,
                        uint32_t len)
{
    memset(in, 0, sizeof(*in));
    if (len < 1 || (p[0] >> 4) != version)
        return false;
    uint32_t pos;
    uint8_t proto;
    bool first = true;
    if ((p[0] >> 4) == 4) {
        if (len < 20)
            return false;
        uint32_t hl = (uint32_t)(p[0] & 0x0f) * 4;
        if (hl < 20 || hl > len)
            return false;
        in->src.family = in->dst.family = 4;
        memcpy(in->src.bytes, p + 12, 4);
        memcpy(in->dst.bytes, p + 16, 4);
        proto = p[9];
        first = (rd16(p + 6) & 0x1fff) == 0;
        pos = hl;
    } else if ((p[0] >> 4) == 6) {
        if (len < 40)
            return false;
        in->src.family = in->dst.family = 6;
        memcpy(in->src.bytes, p + 8, 16);
        memcpy(in->dst.bytes, p + 24, 16);
        proto = p[6];
        pos = 40;
        for (int n = 0;; n++) {
            if (n > L7_IPV6_MAX_EXT_HEADERS)
                return false;
            if (proto == IPPROTO_IPV6_HOP_ || proto == IPPROTO_ROUTING_ ||
                proto == IPPROTO_DSTOPTS_ || proto == IPPROTO_MH_ ||
                proto == IPPROTO_HIP_ || proto == IPPROTO_SHIM6_ ||
                proto == IPPROTO_AH_) {
                if (len - pos < 8)
                    return false;
                uint32_t hlen = proto == IPPROTO_AH_ ? ((uint32_t)p[pos + 1] + 2) * 4
                                                     : ((uint32_t)p[pos + 1] + 1) * 8;
                proto = p[pos];
                if (hlen > len - pos)
                    return false;
                pos += hlen;
            } else if (proto == IPPROTO_FRAGMENT_) {
                if (len - pos < 8)
                    return false;
                first = (rd16(p + pos + 2) & 0xfff8) == 0;
                proto = p[pos];
                pos += 8;
            } else {
                break;
            }
        }
    } else {
        return false;
    }
    in->l4_proto = proto;
    if (!first)
        return true;
    if (len - pos < 8)
        return false;
    const uint8_t *l4 = p + pos;
    if (has_ports(proto)) {
        in->sport = rd16(l4);
        in->dport = rd16(l4 + 2);
    } else if (proto == IPPROTO_ICMP_ || proto == IPPROTO_ICMPV6_) {
        in->icmp_type = l4[0];
        if (icmp_is_query(proto, l4[0]))
            in->sport = in->dport = rd16(l4 + 4);
    }
    return true;
}

static void set_payload(l7_packet *pkt, uint32_t off, uint32_t len)
{
    pkt->payload = len ? pkt->frame + off : NULL;
    pkt->payload_len = len;
}

/* Parse layer 4 at pkt->l4_offset, `len` bytes long (bounded by the IP
 * length and the frame). A first fragment is parsed leniently: its layer-4
 * header may continue in the next fragment and its lengths describe the
 * whole datagram, so only the fields that are present are filled in. */
static l7_packet_status parse_l4(l7_packet *pkt, uint32_t len)
{
    const uint8_t *p = pkt->frame + pkt->l4_offset;
    uint32_t off = pkt->l4_offset;
    bool frag = pkt->is_fragment;
    switch (pkt->l4_proto) {
    case IPPROTO_TCP_: {
        if (len < 20)
            goto truncated;
        pkt->sport = rd16(p);
        pkt->dport = rd16(p + 2);
        pkt->tcp_seq = rd32(p + 4);
        pkt->tcp_ack = rd32(p + 8);
        pkt->tcp_flags = p[13];
        pkt->tcp_window = rd16(p + 14);
        uint32_t doff = (uint32_t)(p[12] >> 4) * 4;
        if (doff < 20 || doff > len) {
            if (frag)
                return L7_PACKET_OK;
            return L7_PACKET_BAD_TCP_OFFSET;
        }
        set_payload(pkt, off + doff, len - doff);
        return L7_PACKET_OK;
    }
    case IPPROTO_UDP_:
    case IPPROTO_UDPLITE_: {
        if (len < 8)
            goto truncated;
        pkt->sport = rd16(p);
        pkt->dport = rd16(p + 2);
        uint32_t ulen = rd16(p + 4);
        if (pkt->l4_proto == IPPROTO_UDP_ && !frag) {
            if (ulen < 8 || ulen > len)
                return L7_PACKET_BAD_UDP_LENGTH;
            /* The UDP length wins over trailing bytes inside the IP datagram. */
            len = ulen;
        }
        set_payload(pkt, off + 8, len - 8);
        return L7_PACKET_OK;
    }
    case IPPROTO_SCTP_:
        if (len < 12)
            goto truncated;
        pkt->sport = rd16(p);
        pkt->dport = rd16(p + 2);
        set_payload(pkt, off + 12, len - 12);
        return L7_PACKET_OK;
    case IPPROTO_DCCP_: {
        if (len < 12)
            goto truncated;
        pkt->sport = rd16(p);
        pkt->dport = rd16(p + 2);
        uint32_t doff = (uint32_t)p[4] * 4;
        if (doff < 12 || doff > len) {
            if (frag)
                return L7_PACKET_OK;
            return L7_PACKET_TRUNCATED_L4;
        }
        set_payload(pkt, off + doff, len - doff);
        return L7_PACKET_OK;
    }
    case IPPROTO_ICMP_:
    case IPPROTO_ICMPV6_:
        if (len < 8)
            goto truncated;
        pkt->icmp_type = p[0];
        pkt->icmp_code = p[1];
        if (icmp_is_query(pkt->l4_proto, p[0])) {
            pkt->icmp_id = rd16(p + 4);
            pkt->sport = pkt->dport = pkt->icmp_id;
        } else if (icmp_is_error(pkt->l4_proto, p[0]) && !frag) {
            pkt->has_inner = parse_inner(&pkt->inner, pkt->ip_version, p + 8, len - 8);
            if (!pkt->has_inner) /* no half-read tuple for conntrack to trust */
                memset(&pkt->inner, 0, sizeof(pkt->inner));
        }
        set_payload(pkt, off + 8, len - 8);
        return L7_PACKET_OK;
    default:
        set_payload(pkt, off, len);
        return L7_PACKET_OK;
    }
truncated:
    if (frag)
        return L7_PACKET_OK;
    return L7_PACKET_TRUNCATED_L4;
}

/* ---- layer 3 ----------------------------------------------------------------- */

static l7_packet_status parse_ipv4(l7_packet *pkt, uint32_t off)
{
    const uint8_t *p = pkt->frame + off;
    uint32_t avail = pkt->frame_len - off;
    if (avail < 20)
        return L7_PACKET_TRUNCATED_IP;
    uint32_t hl = (uint32_t)(p[0] & 0x0f) * 4;
    if (hl < 20)
        return L7_PACKET_BAD_IHL;
    pkt->ip_version = 4;
    pkt->dscp = p[1] >> 2;
    pkt->ttl = p[8];
    pkt->l4_proto = p[9];
    pkt->src.family = pkt->dst.family = 4;
    memcpy(pkt->src.bytes, p + 12, 4);
    memcpy(pkt->dst.bytes, p + 16, 4);
    uint32_t tot = rd16(p + 2);
    /* Segmentation offload (TSO/GSO) hands the capture point a super-packet
     * whose length the NIC fills in later: 0 means "the rest of the frame",
     * as Wireshark also reads it. */
    if (tot == 0)
        tot = avail;
    pkt->ip_len = tot;
    pkt->ip_hdr_len = hl;
    if (hl > avail)
        return L7_PACKET_TRUNCATED_IP;
    if (tot < hl)
        return L7_PACKET_BAD_TOTAL_LENGTH;
    if (tot > avail)
        return L7_PACKET_LENGTH_BEYOND_FRAME;

    uint16_t fw = rd16(p + 6);
    pkt->ipv4_flags = fw;
    pkt->l4_offset = off + hl;
    uint32_t l4_len = tot - hl;
    uint32_t frag_off = (uint32_t)(fw & 0x1fff) * 8;
    if ((fw & 0x2000) || frag_off) {
        pkt->is_fragment = true;
        pkt->more_fragments = (fw & 0x2000) != 0;
        pkt->frag_id = rd16(p + 4);
        pkt->frag_offset = frag_off;
        pkt->frag_data_offset = off + hl;
        pkt->frag_data_len = l4_len;
        /* RFC 791: every fragment but the last carries a multiple of 8
         * bytes; the reassembled datagram must fit in 65535 bytes. */
        if ((pkt->more_fragments && (l4_len == 0 || l4_len % 8)) ||
            hl + frag_off + l4_len > 65535)
            return L7_PACKET_BAD_FRAGMENT;
        if (frag_off) {
            set_payload(pkt, off + hl, l4_len);
            return L7_PACKET_OK;
        }
    }
    return parse_l4(pkt, l4_len);
}

static bool ipv6_is_ext(uint8_t nh)
{
    return nh == IPPROTO_IPV6_HOP_ || nh == IPPROTO_ROUTING_ ||
           nh == IPPROTO_FRAGMENT_ || nh == IPPROTO_DSTOPTS_ || nh == IPPROTO_AH_ ||
           nh == IPPROTO_MH_ || nh == IPPROTO_HIP_ || nh == IPPROTO_SHIM6_;
}

static l7_packet_status parse_ipv6(l7_packet *pkt, uint32_t off)
{
    const uint8_t *p = pkt->frame + off;
    uint32_t avail = pkt->frame_len - off;
    if (avail < 40)
        return L7_PACKET_TRUNCATED_IP;
    pkt->ip_version = 6;
    pkt->dscp = (uint8_t)((rd16(p) >> 6) & 0x3f);
    pkt->ttl = p[7];
    pkt->src.family = pkt->dst.family = 6;
    memcpy(pkt->src.bytes, p + 8, 16);
    memcpy(pkt->dst.bytes, p + 24, 16);
    uint32_t ip_len = 40 + (uint32_t)rd16(p + 4);
    /* As for IPv4: a zero length on a GSO super-packet (or a jumbogram
     * whose hop-by-hop option was stripped) covers the rest of the frame. */
    if (ip_len == 40 && avail > 40 && p[6] != IPPROTO_NONE_)
        ip_len = avail;
    pkt->ip_len = ip_len;
    uint8_t nh = p[6];
    pkt->l4_proto = nh;
    pkt->ip_hdr_len = 40;
    if (ip_len > avail)
        return L7_PACKET_LENGTH_BEYOND_FRAME;

    const uint8_t *f = pkt->frame;
    uint32_t end = off + ip_len;
    uint32_t pos = off + 40;
    uint32_t nh_ptr = off + 6;
    bool seen_frag = false;
    for (unsigned n = 0; ipv6_is_ext(nh); n++) {
        if (n >= L7_IPV6_MAX_EXT_HEADERS)
            return L7_PACKET_IPV6_CHAIN_TOO_LONG;
        if (end - pos < 8)
            return L7_PACKET_TRUNCATED_EXT_HEADER;
        uint8_t next = f[pos];
        if (nh == IPPROTO_FRAGMENT_) {
            uint16_t w = rd16(f + pos + 2);
            uint32_t frag_off = w & 0xfff8;
            bool more = (w & 1) != 0;
            if (seen_frag)
                return L7_PACKET_BAD_FRAGMENT;
            seen_frag = true;
            /* RFC 6946: an atomic fragment (offset 0, M clear) is a whole
             * datagram; it is parsed on, never reassembled. */
            if (frag_off || more) {
                uint32_t data = pos + 8;
                pkt->is_fragment = true;
                pkt->more_fragments = more;
                pkt->frag_id = rd32(f + pos + 4);
                pkt->frag_offset = frag_off;
                pkt->frag_data_offset = data;
                pkt->frag_data_len = end - data;
                pkt->ipv6_frag_hdr_offset = pos;
                pkt->ipv6_frag_nh_ptr = nh_ptr;
                pkt->ipv6_frag_next = next;
                /* RFC 8200 4.5: non-last fragments are multiples of 8;
                 * the reassembled payload fits the 16-bit length. That
                 * payload is the unfragmentable headers without this
                 * 8-byte Fragment header, plus the fragmentable part. */
                if ((more && (pkt->frag_data_len == 0 || pkt->frag_data_len % 8)) ||
                    (pos - off - 40) + frag_off + pkt->frag_data_len > 65535)
                    return L7_PACKET_BAD_FRAGMENT;
                if (frag_off) {
                    pkt->l4_proto = next;
                    pkt->ip_hdr_len = data - off;
                    pkt->l4_offset = data;
                    set_payload(pkt, data, end - data);
                    return L7_PACKET_OK;
                }
            }
            nh_ptr = pos;
            pos += 8;
        } else {
            uint32_t hlen = nh == IPPROTO_AH_ ? ((uint32_t)f[pos + 1] + 2) * 4
                                              : ((uint32_t)f[pos + 1] + 1) * 8;
            if (hlen > end - pos)
                return L7_PACKET_TRUNCATED_EXT_HEADER;
            nh_ptr = pos;
            pos += hlen;
        }
        nh = next;
        pkt->l4_proto = nh;
    }
    pkt->ip_hdr_len = pos - off;
    pkt->l4_offset = pos;
    if (nh == IPPROTO_NONE_)
        return L7_PACKET_OK;
    return parse_l4(pkt, end - pos);
}

/* want: 4 or 6 when the link layer said which, 0 to go by the nibble. */
static l7_packet_status parse_ip(l7_packet *pkt, uint32_t off, unsigned want)
{
    pkt->l3_offset = off;
    if (off >= pkt->frame_len)
        return L7_PACKET_TRUNCATED_IP;
    unsigned version = pkt->frame[off] >> 4;
    if ((version != 4 && version != 6) || (want && version != want))
        return L7_PACKET_BAD_VERSION;
    return version == 4 ? parse_ipv4(pkt, off) : parse_ipv6(pkt, off);
}

/* ---- link layer -------------------------------------------------------------- */

static l7_packet_status by_ppp_proto(l7_packet *pkt, uint32_t off, uint16_t proto)
{
    if (proto == PPP_IPV4)
        return parse_ip(pkt, off, 4);
    if (proto == PPP_IPV6)
        return parse_ip(pkt, off, 6);
    return L7_PACKET_NOT_IP;
}

/* Dispatch on an Ethernet type at f[off - 2], following VLAN tags, PPPoE
 * sessions and MPLS labels (bounded). `tags` records VLAN IDs only for
 * Ethernet framing. */
static l7_packet_status by_ethertype(l7_packet *pkt, uint32_t off, uint16_t type,
                                     bool tags)
{
    const uint8_t *f = pkt->frame;
    uint32_t len = pkt->frame_len;
    for (unsigned n = 0; n < L7_MAX_LINK_TAGS; n++) {
        switch (type) {
        case ETH_P_IPV4:
            return parse_ip(pkt, off, 4);
        case ETH_P_IPV6:
            return parse_ip(pkt, off, 6);
        case ETH_P_8021Q:
        case ETH_P_8021AD:
        case ETH_P_QINQ:
            if (len - off < 4)
                return L7_PACKET_TRUNCATED_LINK;
            if (tags && pkt->vlan_count < 2)
                pkt->vlan[pkt->vlan_count++] = rd16(f + off) & 0x0fff;
            type = rd16(f + off + 2);
            off += 4;
            break;
        case ETH_P_PPPOE_S:
            /* 6-byte PPPoE header, then the 2-byte PPP protocol. */
            if (len - off < 8)
                return L7_PACKET_TRUNCATED_LINK;
            return by_ppp_proto(pkt, off + 8, rd16(f + off + 6));
        case ETH_P_MPLS_UC:
        case ETH_P_MPLS_MC:
            for (unsigned k = 0;; k++) {
                if (k >= L7_MAX_LINK_TAGS)
                    return L7_PACKET_NOT_IP;
                if (len - off < 4)
                    return L7_PACKET_TRUNCATED_LINK;
                bool bottom = (f[off + 2] & 1) != 0;
                off += 4;
                if (bottom)
                    break;
            }
            /* No type field after the label stack: the nibble decides. */
            return parse_ip(pkt, off, 0);
        default:
            return L7_PACKET_NOT_IP;
        }
    }
    return L7_PACKET_NOT_IP;
}

static l7_packet_status parse_ethernet(l7_packet *pkt, uint32_t off)
{
    const uint8_t *f = pkt->frame;
    if (pkt->frame_len - off < 14)
        return L7_PACKET_TRUNCATED_LINK;
    uint16_t type = rd16(f + off + 12);
    off += 14;
    if (type < 0x0600) {
        /* 802.3 length: only LLC/SNAP with an Ethernet type carries IP. */
        if (pkt->frame_len - off < 8)
            return L7_PACKET_TRUNCATED_LINK;
        if (f[off] != 0xAA || f[off + 1] != 0xAA || f[off + 2] != 0x03)
            return L7_PACKET_NOT_IP;
        type = rd16(f + off + 6);
        off += 8;
    }
    return by_ethertype(pkt, off, type, true);
}

static l7_packet_status parse_c_hdlc(l7_packet *pkt, uint32_t off)
{
    /* address, control, 2-byte Ethernet type */
    if (pkt->frame_len - off < 4)
        return L7_PACKET_TRUNCATED_LINK;
    return by_ethertype(pkt, off + 4, rd16(pkt->frame + off + 2), false);
}

static l7_packet_status parse_ppp(l7_packet *pkt, uint32_t off)
{
    const uint8_t *f = pkt->frame;
    uint32_t len = pkt->frame_len;
    if (len - off < 1)
        return L7_PACKET_TRUNCATED_LINK;
    /* Captures labelled PPP often hold Cisco HDLC (address 0x0F unicast or
     * 0x8F broadcast), as libpcap and Wireshark recognise. */
    if (f[off] == 0x0F || f[off] == 0x8F)
        return parse_c_hdlc(pkt, off);
    if (f[off] == 0xFF) {
        if (len - off < 2)
            return L7_PACKET_TRUNCATED_LINK;
        off += 2; /* HDLC address and control (0xFF 0x03) */
    }
    if (len - off < 1)
        return L7_PACKET_TRUNCATED_LINK;
    uint16_t proto;
    if (f[off] & 1) { /* protocol field compression (RFC 1661 6.5) */
        proto = f[off];
        off += 1;
    } else {
        if (len - off < 2)
            return L7_PACKET_TRUNCATED_LINK;
        proto = rd16(f + off);
        off += 2;
    }
    return by_ppp_proto(pkt, off, proto);
}

/* BSD loopback: the address family of the sender's OS and byte order. */
static l7_packet_status parse_null(l7_packet *pkt, uint32_t off, bool network_order)
{
    if (pkt->frame_len - off < 4)
        return L7_PACKET_TRUNCATED_LINK;
    const uint8_t *f = pkt->frame + off;
    uint32_t fam = network_order ? rd32(f) : rd32le(f);
    if (!network_order && fam > 0xffff)
        fam = rd32(f); /* written by a big-endian host */
    switch (fam) {
    case 2: /* AF_INET everywhere */
        return parse_ip(pkt, off + 4, 4);
    case 10: /* Linux */
    case 24: /* NetBSD, OpenBSD, BSD/OS */
    case 28: /* FreeBSD */
    case 30: /* Darwin */
        return parse_ip(pkt, off + 4, 6);
    default:
        return L7_PACKET_NOT_IP;
    }
}

static l7_packet_status parse_link(l7_packet *pkt, uint32_t linktype, bool in_ppi)
{
    const uint8_t *f = pkt->frame;
    uint32_t len = pkt->frame_len;
    uint32_t off = pkt->l3_offset; /* start of this link header */
    switch (linktype) {
    case L7_LINK_ETHERNET:
        return parse_ethernet(pkt, off);
    case L7_LINK_NULL:
        return parse_null(pkt, off, false);
    case L7_LINK_LOOP:
        return parse_null(pkt, off, true);
    case L7_LINK_PPP:
    case L7_LINK_PPP_HDLC:
        return parse_ppp(pkt, off);
    case L7_LINK_C_HDLC:
        return parse_c_hdlc(pkt, off);
    case L7_LINK_RAW:
    case L7_LINK_RAW_DLT:
    case L7_LINK_RAW_DLT_BSD:
    case L7_LINK_IP:
        return parse_ip(pkt, off, 0);
    case L7_LINK_IPV4:
        return parse_ip(pkt, off, 4);
    case L7_LINK_IPV6:
        return parse_ip(pkt, off, 6);
    case L7_LINK_LINUX_SLL:
        /* packet type, ARPHRD, address length, 8-byte address, protocol */
        if (len - off < 16)
            return L7_PACKET_TRUNCATED_LINK;
        return by_ethertype(pkt, off + 16, rd16(f + off + 14), false);
    case L7_LINK_LINUX_SLL2:
        /* protocol, reserved, ifindex, ARPHRD, packet type, address len,
         * 8-byte address */
        if (len - off < 20)
            return L7_PACKET_TRUNCATED_LINK;
        return by_ethertype(pkt, off + 20, rd16(f + off), false);
    case L7_LINK_PPI: {
        /* version, flags, little-endian header length and inner DLT. */
        if (in_ppi)
            return L7_PACKET_UNSUPPORTED_LINK;
        if (len - off < 8)
            return L7_PACKET_TRUNCATED_LINK;
        uint32_t hlen = rd16le(f + off + 2);
        uint32_t dlt = rd32le(f + off + 4);
        if (hlen < 8 || hlen > len - off)
            return L7_PACKET_TRUNCATED_LINK;
        pkt->l3_offset = off + hlen;
        return parse_link(pkt, dlt, true);
    }
    default:
        return L7_PACKET_UNSUPPORTED_LINK;
    }
}

int l7_packet_parse(l7_packet *pkt, const uint8_t *data, size_t len, uint32_t linktype)
{
    if (!pkt || (!data && len) || len > UINT32_MAX)
        return L7_EINVAL;
    l7_alloc a = pkt->alloc;
    memset(pkt, 0, sizeof(*pkt));
    pkt->alloc = a;
    static const uint8_t empty[1] = {0};
    pkt->frame = data ? data : empty;
    pkt->frame_len = (uint32_t)len;
    pkt->linktype = linktype;
    pkt->status = parse_link(pkt, linktype, false);
    return L7_OK;
}

int l7_packet_linktype_supported(uint32_t linktype)
{
    switch (linktype) {
    case L7_LINK_NULL:
    case L7_LINK_ETHERNET:
    case L7_LINK_PPP:
    case L7_LINK_RAW_DLT:
    case L7_LINK_RAW_DLT_BSD:
    case L7_LINK_PPP_HDLC:
    case L7_LINK_RAW:
    case L7_LINK_C_HDLC:
    case L7_LINK_LOOP:
    case L7_LINK_LINUX_SLL:
    case L7_LINK_PPI:
    case L7_LINK_IPV4:
    case L7_LINK_IPV6:
    case L7_LINK_LINUX_SLL2:
    case L7_LINK_IP:
        return 1;
    default:
        return 0;
    }
}

int l7_packet_parse_l3(l7_packet *pkt, const uint8_t *data, size_t len)
{
    return l7_packet_parse(pkt, data, len, L7_LINK_IP);
}

/* ---- accessors --------------------------------------------------------------- */

l7_packet_status l7_packet_get_status(const l7_packet *pkt)
{
    return pkt ? pkt->status : L7_PACKET_TRUNCATED_LINK;
}

#define L7_PACKET_GETTER(type, name, expr)                                             \
    type l7_packet_##name(const l7_packet *pkt)                                        \
    {                                                                                  \
        return pkt ? (type)(expr) : (type)0;                                           \
    }

L7_PACKET_GETTER(uint8_t, ip_version, pkt->ip_version)
L7_PACKET_GETTER(uint8_t, l4_proto, pkt->l4_proto)
L7_PACKET_GETTER(uint32_t, ip_len, pkt->ip_len)
L7_PACKET_GETTER(uint8_t, ttl, pkt->ttl)
L7_PACKET_GETTER(uint16_t, sport, pkt->sport)
L7_PACKET_GETTER(uint16_t, dport, pkt->dport)
L7_PACKET_GETTER(uint8_t, tcp_flags, pkt->tcp_flags)
L7_PACKET_GETTER(uint32_t, tcp_seq, pkt->tcp_seq)
L7_PACKET_GETTER(uint32_t, tcp_ack, pkt->tcp_ack)
L7_PACKET_GETTER(uint16_t, tcp_window, pkt->tcp_window)
L7_PACKET_GETTER(uint8_t, icmp_type, pkt->icmp_type)
L7_PACKET_GETTER(uint8_t, icmp_code, pkt->icmp_code)
L7_PACKET_GETTER(int, has_inner, pkt->has_inner)
L7_PACKET_GETTER(uint8_t, inner_l4_proto, pkt->inner.l4_proto)
L7_PACKET_GETTER(uint16_t, inner_sport, pkt->inner.sport)
L7_PACKET_GETTER(uint16_t, inner_dport, pkt->inner.dport)
L7_PACKET_GETTER(const l7_addr *, inner_src, &pkt->inner.src)
L7_PACKET_GETTER(const l7_addr *, inner_dst, &pkt->inner.dst)
L7_PACKET_GETTER(const uint8_t *, payload, pkt->payload)
L7_PACKET_GETTER(uint32_t, payload_len, pkt->payload_len)
L7_PACKET_GETTER(int, is_fragment, pkt->is_fragment)
L7_PACKET_GETTER(int, frag_more, pkt->more_fragments)
L7_PACKET_GETTER(uint32_t, frag_offset, pkt->frag_offset)
L7_PACKET_GETTER(uint32_t, frag_id, pkt->frag_id)
L7_PACKET_GETTER(uint8_t, vlan_count, pkt->vlan_count)

const l7_addr *l7_packet_src(const l7_packet *pkt)
{
    return pkt ? &pkt->src : NULL;
}

const l7_addr *l7_packet_dst(const l7_packet *pkt)
{
    return pkt ? &pkt->dst : NULL;
}

uint16_t l7_packet_vlan(const l7_packet *pkt, uint32_t index)
{
    if (!pkt || index >= pkt->vlan_count)
        return 0;
    return pkt->vlan[index];
}

/* ---- addresses --------------------------------------------------------------- */

int l7_addr_equal(const l7_addr *a, const l7_addr *b)
{
    if (!a || !b || a->family != b->family)
        return 0;
    size_t n = a->family == 4 ? 4 : 16;
    return memcmp(a->bytes, b->bytes, n) == 0;
}

/* RFC 5952: lower-case hex without leading zeros, the longest run of two or
 * more zero groups (the first one on a tie) as "::", IPv4-mapped addresses
 * with a dotted quad. */
static int format_ipv6(char *out, size_t size, const uint8_t *b)
{
    uint16_t g[8];
    for (int i = 0; i < 8; i++)
        g[i] = rd16(b + 2 * i);
    int best = -1, best_len = 0;
    for (int i = 0; i < 8;) {
        if (g[i]) {
            i++;
            continue;
        }
        int j = i;
        while (j < 8 && !g[j])
            j++;
        if (j - i > best_len && j - i >= 2) {
            best = i;
            best_len = j - i;
        }
        i = j;
    }
    size_t n = 0;
    bool mapped = best == 0 && best_len == 5 && g[5] == 0xffff;
    int groups = mapped ? 6 : 8;
    for (int i = 0; i < groups;) {
        if (i == best) {
            n += (size_t)snprintf(out + n, size - n, "::");
            i += best_len;
            continue;
        }
        n += (size_t)snprintf(out + n, size - n, "%x%s", g[i],
                              (i + 1 < groups && i + 1 != best) || mapped ? ":" : "");
        i++;
    }
    if (mapped)
        n += (size_t)snprintf(out + n, size - n, "%u.%u.%u.%u", b[12], b[13], b[14],
                              b[15]);
    return (int)n;
}

int l7_addr_format(char *buf, size_t size, const l7_addr *addr)
{
    if (!buf || !addr)
        return L7_EINVAL;
    char tmp[64];
    int n;
    if (addr->family == 4)
        n = snprintf(tmp, sizeof(tmp), "%u.%u.%u.%u", addr->bytes[0], addr->bytes[1],
                     addr->bytes[2], addr->bytes[3]);
    else if (addr->family == 6)
        n = format_ipv6(tmp, sizeof(tmp), addr->bytes);
    else
        return L7_EINVAL;
    if ((size_t)n >= size) {
        if (size)
            buf[0] = '\0';
        return L7_EBUFFER;
    }
    memcpy(buf, tmp, (size_t)n + 1);
    return n;
}
