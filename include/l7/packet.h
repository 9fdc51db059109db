/**
 * \file l7/packet.h
 * \brief Packet parsing: a bounds-checked, zero-copy view of one frame.
 *
 * A packet object is created once and reused for every frame
 * (l7_packet_parse() overwrites it), so parsing never allocates. The view
 * points into the caller's buffer, which must stay alive and unchanged while
 * the view is used.
 *
 * A malformed frame is not an error: l7_packet_parse() returns #L7_OK and
 * l7_packet_get_status() says why the frame is malformed.
 *
 * Link layers parsed: see #l7_linktype; on Ethernet also up to 8 802.1Q /
 * 802.1ad tags, LLC/SNAP, PPPoE sessions and MPLS label stacks; PPP
 * captures that hold Cisco HDLC frames are recognised.
 * l7_packet_linktype_supported() tells a host up front. IPv4 (with
 * options), IPv6 (with an extension-header chain of at most 8 headers:
 * hop-by-hop, routing, fragment, destination options, mobility, HIP,
 * shim6, AH; ESP and No Next Header end it), TCP, UDP,
 * UDP-Lite, SCTP/DCCP ports, ICMP and ICMPv6 (with the quoted header of
 * error messages); any other protocol is reported by number with its
 * payload.
 *
 * Counting: every malformed frame has exactly one #l7_packet_status; a
 * host or engine counts frames in an array of #L7_PACKET_STATUS_COUNT
 * counters indexed by status and names them with l7_packet_status_name().
 *
 * Thread safety: a packet object is used by one thread at a time; distinct
 * objects are independent.
 */
#ifndef L7_PACKET_H
#define L7_PACKET_H

#include "l7/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * \brief An IPv4 or IPv6 address, a plain value.
 *
 * IPv4 addresses use `bytes[0..3]` (network order) and leave the rest 0.
 */
typedef struct l7_addr {
    uint8_t family;   /**< 4 or 6; 0 for "no address" */
    uint8_t pad[3];   /**< always 0 */
    uint8_t bytes[16]; /**< the address in network byte order */
} l7_addr;

/** \brief TCP flag bits as reported by l7_packet_tcp_flags(). */
typedef enum l7_tcp_flag {
    L7_TCP_FIN = 0x01, /**< FIN */
    L7_TCP_SYN = 0x02, /**< SYN */
    L7_TCP_RST = 0x04, /**< RST */
    L7_TCP_PSH = 0x08, /**< PSH */
    L7_TCP_ACK = 0x10, /**< ACK */
    L7_TCP_URG = 0x20, /**< URG */
    L7_TCP_ECE = 0x40, /**< ECE */
    L7_TCP_CWR = 0x80  /**< CWR */
} l7_tcp_flag;

/**
 * \brief Link types, numbered as pcap's LINKTYPE_ values (so a host can pass
 *        a capture's link type straight through).
 *
 * #L7_LINK_IP is libl7's own value for frames that start at layer 3 (the
 * IP version nibble decides), as NFQUEUE delivers them.
 */
typedef enum l7_linktype {
    L7_LINK_NULL = 0,          /**< BSD loopback (4-byte host-order family) */
    L7_LINK_ETHERNET = 1,      /**< Ethernet II, 802.1Q and QinQ tags */
    L7_LINK_PPP = 9,           /**< PPP (optional HDLC address/control) */
    L7_LINK_RAW_DLT = 12,      /**< DLT_RAW as libpcap reports it on Linux */
    L7_LINK_RAW_DLT_BSD = 14,  /**< DLT_RAW on OpenBSD */
    L7_LINK_PPP_HDLC = 50,     /**< PPP in HDLC-like framing */
    L7_LINK_RAW = 101,         /**< raw IPv4/IPv6 (LINKTYPE_RAW) */
    L7_LINK_C_HDLC = 104,      /**< Cisco HDLC */
    L7_LINK_LOOP = 108,        /**< OpenBSD loopback (network-order family) */
    L7_LINK_LINUX_SLL = 113,   /**< Linux cooked capture v1 */
    L7_LINK_PPI = 192,         /**< Per-Packet Information header */
    L7_LINK_IPV4 = 228,        /**< raw IPv4 */
    L7_LINK_IPV6 = 229,        /**< raw IPv6 */
    L7_LINK_LINUX_SLL2 = 276,  /**< Linux cooked capture v2 */
    L7_LINK_IP = 0x10000       /**< layer 3, IPv4 or IPv6 by the version nibble */
} l7_linktype;

/**
 * \brief Why a frame is malformed (#L7_PACKET_OK when it is not).
 *
 * New reasons may be added at the end; l7_packet_status_name() names each.
 */
typedef enum l7_packet_status {
    L7_PACKET_OK = 0,              /**< parsed */
    L7_PACKET_UNSUPPORTED_LINK,    /**< link type libl7 does not parse */
    L7_PACKET_TRUNCATED_LINK,      /**< frame shorter than its link header */
    L7_PACKET_NOT_IP,              /**< the link carries something other than IP */
    L7_PACKET_TRUNCATED_IP,        /**< frame shorter than the IP header */
    L7_PACKET_BAD_VERSION,         /**< IP version is not 4 or 6 (or disagrees with the link) */
    L7_PACKET_BAD_IHL,             /**< IPv4 header length below 20 bytes */
    L7_PACKET_BAD_TOTAL_LENGTH,    /**< IP length smaller than its header */
    L7_PACKET_LENGTH_BEYOND_FRAME, /**< IP length claims more bytes than the frame has */
    L7_PACKET_IPV6_CHAIN_TOO_LONG, /**< too many IPv6 extension headers */
    L7_PACKET_TRUNCATED_EXT_HEADER, /**< an IPv6 extension header runs past the packet */
    L7_PACKET_BAD_FRAGMENT,        /**< impossible fragment offset/length */
    L7_PACKET_TRUNCATED_L4,        /**< shorter than its TCP/UDP/ICMP header */
    L7_PACKET_BAD_TCP_OFFSET,      /**< TCP data offset below 5 or beyond the segment */
    L7_PACKET_BAD_UDP_LENGTH,      /**< UDP length below 8 or beyond the datagram */
    L7_PACKET_STATUS_COUNT         /**< number of values (not a status) */
} l7_packet_status;

/** \brief A parsed frame (opaque; see l7_packet_parse()). */
typedef struct l7_packet l7_packet;

/**
 * \brief Buffer size that holds any address l7_addr_format() writes,
 *        including the terminating NUL (as INET6_ADDRSTRLEN).
 */
#define L7_ADDR_STRLEN 46

/**
 * \brief Create a packet object (a reusable parse result).
 *
 * Create one per thread and reuse it for every frame: l7_packet_parse()
 * overwrites it and never allocates.
 *
 * \param[out] out receives the new packet; set to NULL on failure
 * \param alloc allocator hooks, or NULL for the C library's
 * \return #L7_OK, #L7_EINVAL (NULL `out`, incomplete hooks) or #L7_ENOMEM
 */
L7_API int l7_packet_create(l7_packet **out, const l7_allocator *alloc);

/**
 * \brief Destroy a packet object.
 * \param pkt the packet, or NULL
 */
L7_API void l7_packet_destroy(l7_packet *pkt);

/**
 * \brief Parse one frame into `pkt`, replacing what it held.
 *
 * The view points into `data` (no copy): keep the buffer alive and
 * unchanged while the view is used. Every field is checked against `len`;
 * a malformed frame is not an error: the call returns #L7_OK and
 * l7_packet_get_status() names the reason (count it per status; the fields
 * parsed before the problem, such as addresses, stay readable).
 *
 * Trailing bytes after the IP datagram (Ethernet padding) are ignored.
 * Frames up to 64 KiB and more (GSO/GRO) are fine. An IP length of 0
 * (IPv4 total length; IPv6 payload length unless the next header is 59)
 * is read as "the rest of the frame", as segmentation offload leaves it.
 *
 * \param pkt a packet from l7_packet_create()
 * \param data the frame, starting at the link header named by `linktype`
 * \param len bytes in `data`
 * \param linktype an #l7_linktype value (a pcap LINKTYPE_ number, or
 *        #L7_LINK_IP for frames that start at layer 3); any other value
 *        gives #L7_PACKET_UNSUPPORTED_LINK
 * \return #L7_OK, or #L7_EINVAL when `pkt` is NULL, `data` is NULL with a
 *         non-zero `len`, or `len` exceeds UINT32_MAX
 */
L7_API int l7_packet_parse(l7_packet *pkt, const uint8_t *data, size_t len,
                           uint32_t linktype);

/**
 * \brief Whether l7_packet_parse() understands a link type, so that a host
 *        can report and skip a capture of another type once instead of
 *        counting every frame as #L7_PACKET_UNSUPPORTED_LINK.
 * \param linktype an #l7_linktype value (a pcap LINKTYPE_/DLT_ number)
 * \return 1 if supported, else 0
 */
L7_API int l7_packet_linktype_supported(uint32_t linktype);

/**
 * \brief Parse a frame that starts at layer 3 (same as l7_packet_parse()
 *        with #L7_LINK_IP).
 * \param pkt a packet from l7_packet_create()
 * \param data the IPv4 or IPv6 datagram
 * \param len bytes in `data`
 * \return as l7_packet_parse()
 */
L7_API int l7_packet_parse_l3(l7_packet *pkt, const uint8_t *data, size_t len);

/**
 * \brief Why the last parsed frame is malformed (#L7_PACKET_OK if it is not).
 * \param pkt a parsed packet
 * \return the status; #L7_PACKET_TRUNCATED_LINK for a packet that was never
 *         parsed
 */
L7_API l7_packet_status l7_packet_get_status(const l7_packet *pkt);

/**
 * \brief Short, stable, lower-case name of a status, e.g. `"bad-ihl"`
 *        (usable as a counter name).
 * \param status a status value
 * \return a static string; `"unknown"` for values out of range
 */
L7_API const char *l7_packet_status_name(l7_packet_status status);

/**
 * \brief IP version of the parsed frame.
 * \param pkt a parsed packet
 * \return 4, 6, or 0 when the frame has no (readable) IP header
 */
L7_API uint8_t l7_packet_ip_version(const l7_packet *pkt);

/**
 * \brief Layer-4 protocol number (after the IPv6 extension headers).
 * \param pkt a parsed packet
 * \return the IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...);
 *         59 (No Next Header) or 50 (ESP) when an IPv6 chain ends there
 */
L7_API uint8_t l7_packet_l4_proto(const l7_packet *pkt);

/**
 * \brief IP length of the datagram: IPv4 total length, IPv6 40 + payload
 *        length.
 * \param pkt a parsed packet
 * \return the length in bytes, 0 without an IP header
 */
L7_API uint32_t l7_packet_ip_len(const l7_packet *pkt);

/**
 * \brief TTL (IPv4) or hop limit (IPv6).
 * \param pkt a parsed packet
 * \return the value, 0 without an IP header
 */
L7_API uint8_t l7_packet_ttl(const l7_packet *pkt);

/**
 * \brief Source address.
 * \param pkt a parsed packet
 * \return a pointer into `pkt`, valid until the next parse (family 0 when
 *         the frame has no IP header)
 */
L7_API const l7_addr *l7_packet_src(const l7_packet *pkt);

/**
 * \brief Destination address.
 * \param pkt a parsed packet
 * \return a pointer into `pkt`, valid until the next parse
 */
L7_API const l7_addr *l7_packet_dst(const l7_packet *pkt);

/**
 * \brief Source port (host order) for TCP, UDP, SCTP, DCCP and UDP-Lite;
 *        the identifier for ICMP/ICMPv6 echo and other query messages.
 * \param pkt a parsed packet
 * \return the port, 0 when there is none (also non-first fragments)
 */
L7_API uint16_t l7_packet_sport(const l7_packet *pkt);

/**
 * \brief Destination port (host order); see l7_packet_sport().
 * \param pkt a parsed packet
 * \return the port, 0 when there is none
 */
L7_API uint16_t l7_packet_dport(const l7_packet *pkt);

/**
 * \brief TCP flags (#l7_tcp_flag bits).
 * \param pkt a parsed packet
 * \return the flags, 0 for non-TCP packets
 */
L7_API uint8_t l7_packet_tcp_flags(const l7_packet *pkt);

/**
 * \brief TCP sequence number (host order).
 * \param pkt a parsed packet
 * \return the sequence number, 0 for non-TCP packets
 */
L7_API uint32_t l7_packet_tcp_seq(const l7_packet *pkt);

/**
 * \brief TCP acknowledgement number (host order).
 * \param pkt a parsed packet
 * \return the acknowledgement number, 0 for non-TCP packets
 */
L7_API uint32_t l7_packet_tcp_ack(const l7_packet *pkt);

/**
 * \brief TCP window (host order, unscaled).
 * \param pkt a parsed packet
 * \return the window, 0 for non-TCP packets
 */
L7_API uint16_t l7_packet_tcp_window(const l7_packet *pkt);

/**
 * \brief ICMP or ICMPv6 type.
 * \param pkt a parsed packet
 * \return the type, 0 for other protocols (check l7_packet_l4_proto())
 */
L7_API uint8_t l7_packet_icmp_type(const l7_packet *pkt);

/**
 * \brief ICMP or ICMPv6 code.
 * \param pkt a parsed packet
 * \return the code, 0 for other protocols
 */
L7_API uint8_t l7_packet_icmp_code(const l7_packet *pkt);

/**
 * \brief Whether the packet is an ICMP/ICMPv6 error (destination
 *        unreachable, time exceeded, parameter problem, packet too big,
 *        source quench, redirect) whose quoted IP header and first 8 bytes
 *        of layer 4 could be read.
 * \param pkt a parsed packet
 * \return 1 if it is, else 0
 */
L7_API int l7_packet_has_inner(const l7_packet *pkt);

/**
 * \brief Source address of the packet an ICMP error quotes (the original
 *        sender: for a reply to our packet, our own address).
 * \param pkt a parsed packet
 * \return a pointer into `pkt`, valid until the next parse; family 0 when
 *         l7_packet_has_inner() is 0
 */
L7_API const l7_addr *l7_packet_inner_src(const l7_packet *pkt);

/**
 * \brief Destination address of the quoted packet.
 * \param pkt a parsed packet
 * \return a pointer into `pkt`; family 0 without a quote
 */
L7_API const l7_addr *l7_packet_inner_dst(const l7_packet *pkt);

/**
 * \brief Layer-4 protocol of the quoted packet.
 * \param pkt a parsed packet
 * \return the protocol number, 0 without a quote
 */
L7_API uint8_t l7_packet_inner_l4_proto(const l7_packet *pkt);

/**
 * \brief Source port of the quoted packet (ICMP echo: its identifier).
 * \param pkt a parsed packet
 * \return the port, 0 without one
 */
L7_API uint16_t l7_packet_inner_sport(const l7_packet *pkt);

/**
 * \brief Destination port of the quoted packet (ICMP echo: its identifier).
 * \param pkt a parsed packet
 * \return the port, 0 without one
 */
L7_API uint16_t l7_packet_inner_dport(const l7_packet *pkt);

/**
 * \brief Layer-4 payload: the bytes after the TCP/UDP/ICMP header, or
 *        after the IP header(s) for other protocols and non-first
 *        fragments.
 * \param pkt a parsed packet
 * \return a pointer into the frame, NULL when the payload is empty
 */
L7_API const uint8_t *l7_packet_payload(const l7_packet *pkt);

/**
 * \brief Length of l7_packet_payload().
 * \param pkt a parsed packet
 * \return bytes, bounded by both the IP length and the frame
 */
L7_API uint32_t l7_packet_payload_len(const l7_packet *pkt);

/**
 * \brief Whether the datagram is an IP fragment (IPv4 MF or a non-zero
 *        offset; IPv6 Fragment header other than an atomic fragment).
 *
 * Only the fragment at offset 0 carries layer-4 fields. Feed fragments to
 * an l7_defrag table (l7/defrag.h) to get the whole datagram.
 *
 * \param pkt a parsed packet
 * \return 1 if it is a fragment, else 0
 */
L7_API int l7_packet_is_fragment(const l7_packet *pkt);

/**
 * \brief Whether more fragments follow (IPv4 MF, IPv6 M flag).
 * \param pkt a parsed packet
 * \return 1 or 0
 */
L7_API int l7_packet_frag_more(const l7_packet *pkt);

/**
 * \brief Fragment offset in bytes.
 * \param pkt a parsed packet
 * \return the offset, 0 when not a fragment
 */
L7_API uint32_t l7_packet_frag_offset(const l7_packet *pkt);

/**
 * \brief Fragment identification (IPv4: 16 bits; IPv6: 32 bits).
 * \param pkt a parsed packet
 * \return the identification, 0 when not a fragment
 */
L7_API uint32_t l7_packet_frag_id(const l7_packet *pkt);

/**
 * \brief Number of 802.1Q/802.1ad tags seen on an Ethernet frame (0-2).
 * \param pkt a parsed packet
 * \return the count
 */
L7_API uint8_t l7_packet_vlan_count(const l7_packet *pkt);

/**
 * \brief VLAN ID of tag `index` (0 = outer).
 * \param pkt a parsed packet
 * \param index 0 or 1
 * \return the 12-bit VLAN ID, 0 when there is no such tag
 */
L7_API uint16_t l7_packet_vlan(const l7_packet *pkt, uint32_t index);

/**
 * \brief Write an address as text: dotted quad for IPv4, RFC 5952 form
 *        for IPv6 (lower case, longest zero run as `::`).
 *
 * (Parsing text into an address is l7_value_parse_addr(), in another module.)
 *
 * \param buf destination; #L7_ADDR_STRLEN bytes always suffice
 * \param size size of `buf`
 * \param addr the address
 * \return the length written (excluding the NUL), #L7_EBUFFER when `size`
 *         is too small (`buf` then holds ""), #L7_EINVAL for NULL args or a
 *         family other than 4 or 6
 */
L7_API int l7_addr_format(char *buf, size_t size, const l7_addr *addr);

/**
 * \brief Compare two addresses (family and bytes).
 * \param a first address
 * \param b second address
 * \return 1 when equal, else 0 (also when either is NULL)
 */
L7_API int l7_addr_equal(const l7_addr *a, const l7_addr *b);

#ifdef __cplusplus
}
#endif

#endif /* L7_PACKET_H */
