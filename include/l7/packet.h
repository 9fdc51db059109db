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
 * l7_packet_status() says why the frame is malformed.
 *
 * \note This header declares the types every packet-path module shares. The
 *       parsing functions are implemented by the `packet` module.
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

#ifdef __cplusplus
}
#endif

#endif /* L7_PACKET_H */
