/*
 * The flow model the scenarios are written in: hosts with MACs, addresses
 * and TTLs; TCP connections with a real handshake, sequence and
 * acknowledgement numbers, MSS-sized segments, delayed ACKs and a FIN
 * teardown; UDP exchanges; ICMP echo; IPv4 fragments; raw frames for the
 * malformed cases. Every checksum is computed.
 *
 * The capture point is the office router's LAN side: client packets go
 * from the client's MAC to the router's, server packets come from the
 * router's MAC with the TTL they arrive with.
 */
#ifndef L7_GEN_INTERNAL_H
#define L7_GEN_INTERNAL_H

#include "gen.h"

#include <stddef.h>
#include <stdint.h>

#define GEN_US  1000ull
#define GEN_MS  1000000ull
#define GEN_S   1000000000ull
#define GEN_MIN (60ull * GEN_S)

enum { GEN_MAX_FRAME = 9100 };
enum { GEN_EXT_HOP_BY_HOP = 1, GEN_EXT_DEST_OPTS = 60 };

typedef struct gen_host {
    uint8_t v4[4];
    uint8_t v6[16];
    uint8_t mac[6];
    uint8_t ttl;        /* TTL / hop limit as seen at the capture point */
    uint16_t ipid;      /* next IPv4 identification */
    uint16_t next_port; /* next ephemeral port */
    uint32_t rtt_us;    /* round trip from the capture point */
} gen_host;

typedef struct gen_ctx {
    gen_capture *cap;
    uint64_t rng;
    int v6; /* flows made from now on use the hosts' IPv6 addresses */
    uint8_t router_mac[6];
    uint32_t order;
} gen_ctx;

/* Hosts: a.b.c.d; the IPv6 twin is 2001:db8:<c>::<d>, each written as
 * decimal digits read as hex (192.168.1.150 -> 2001:db8:1::150). */
void gen_host_init(gen_host *h, int a, int b, int c, int d, uint8_t ttl,
                   uint32_t rtt_us, uint16_t first_port);

/* UTC nanoseconds of a calendar date and time. */
uint64_t gen_utc(int year, int month, int day, int hour, int min, int sec);

/* The IP options of one packet. */
typedef struct gen_ipopt {
    int v6ext;      /* IPv6: 0 none, GEN_EXT_HOP_BY_HOP or GEN_EXT_DEST_OPTS: an
                       8-byte extension header (PadN) before layer 4 */
    int no_l4_csum; /* leave the layer-4 checksum as given (fragments) */
    uint16_t frag;  /* IPv4 flags/fragment word, DF is added for TCP */
    int ipid;       /* >= 0: use this identification */
} gen_ipopt;

/* Build one frame: Ethernet + IP (+ ext) + the layer-4 bytes given, with
 * the checksums filled in (layer 4 by `proto`: TCP, UDP, ICMP, ICMPv6),
 * padded to 60 bytes as on the wire. dir 0: client to server. Returns the
 * frame length. */
size_t gen_frame(gen_ctx *g, uint8_t *buf, gen_host *cli, gen_host *srv, int dir,
                 uint8_t proto, const uint8_t *l4, size_t l4len, const gen_ipopt *o);

/* Append a frame to the capture. */
void gen_emit(gen_ctx *g, uint64_t ts, const uint8_t *frame, size_t len, int expect);
void gen_emit_partial(gen_ctx *g, uint64_t ts, const uint8_t *frame, size_t len);

/* Sort by time (stable on emission order). */
void gen_capture_sort(gen_capture *c);

/* Internet checksum over `len` bytes plus an initial 32-bit sum. */
uint16_t gen_csum(const uint8_t *p, size_t len, uint32_t sum);
/* Checksum a whole layer-4 datagram (with its pseudo-header) in place. */
void gen_l4_csum(gen_ctx *g, gen_host *cli, gen_host *srv, int dir, uint8_t proto,
                 uint8_t *l4, size_t len);

uint32_t gen_rand_range(gen_ctx *g, uint32_t lo, uint32_t hi);

/* ---- TCP ------------------------------------------------------------------ */

typedef struct gen_tcp {
    gen_ctx *g;
    gen_host *cli, *srv;
    uint16_t port[2]; /* client port, server port */
    uint32_t seq[2];  /* next sequence number each side sends */
    uint64_t t;       /* time of the last packet */
    int last_dir;     /* -1 before the first packet */
    uint32_t mss;
    int v6ext;           /* extension header on the client's IPv6 packets */
    uint32_t unacked[2]; /* full segments sent by a side, not yet acked */
} gen_tcp;

/* A connection from cli (port sport, 0: the host's next ephemeral port) to
 * srv:dport whose SYN goes out at t0. No packet yet. */
void gen_tcp_init(gen_tcp *f, gen_ctx *g, gen_host *cli, uint16_t sport, gen_host *srv,
                  uint16_t dport, uint64_t t0);
/* SYN, SYN-ACK, ACK. */
void gen_tcp_handshake(gen_tcp *f);
/* One segment of at most MSS bytes (flags: ACK is always added). */
void gen_tcp_segment(gen_tcp *f, int dir, uint8_t flags, const uint8_t *data,
                     size_t len);
/* A pure ACK from `dir`. */
void gen_tcp_ack(gen_tcp *f, int dir);
/* Data split into MSS segments, PSH on the last; the receiver ACKs every
 * second full segment. */
void gen_tcp_send(gen_tcp *f, int dir, const uint8_t *data, size_t len);
/* As gen_tcp_send() with the segments paced at `bps` bits/s. */
void gen_tcp_send_paced(gen_tcp *f, int dir, const uint8_t *data, size_t len,
                        uint64_t bps);
/* FIN from `dir`, FIN-ACK back, last ACK. */
void gen_tcp_close(gen_tcp *f, int dir);
/* Let time pass (think time, server processing). */
void gen_tcp_wait(gen_tcp *f, uint64_t ns);

/* ---- UDP / ICMP ----------------------------------------------------------- */

/* One UDP datagram at `ts`. */
void gen_udp(gen_ctx *g, uint64_t ts, gen_host *cli, uint16_t cport, gen_host *srv,
             uint16_t sport, int dir, const uint8_t *data, size_t len, int v6ext);

/* ICMP (ICMPv6 under g->v6) echo request at ts and its reply. */
void gen_ping(gen_ctx *g, uint64_t ts, gen_host *cli, gen_host *srv, uint16_t id,
              uint16_t seq);

/* An IPv4 UDP datagram cut into fragments of `fragsize` data bytes (a
 * multiple of 8), 12 us apart; bit i of `emit_mask` emits fragment i, so a
 * missing bit leaves the datagram incomplete; `reverse` sends the last
 * fragment first. Returns the number of fragments. */
size_t gen_udp_fragments(gen_ctx *g, uint64_t ts, gen_host *cli, uint16_t cport,
                         gen_host *srv, uint16_t sport, const uint8_t *data, size_t len,
                         size_t fragsize, uint32_t emit_mask, int reverse);

#endif
