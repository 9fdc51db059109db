/*
 * Connection table internals, shared by lib/conntrack*.c and read by the
 * engine on its hot path (the record fields below are the engine's to use:
 * `inspect`, `l7_proto`, `total_packets`, `mark`, `cookie`).
 *
 * Layout: records live in a chunked slab (stable addresses and 32-bit
 * indices: a record never moves while it is live); an open-addressing index
 * of 8-byte slots (32-bit hash tag, 32-bit record index + 1) with linear
 * probing finds them. The slot's home is the tag's top bits, so growing the
 * index and deleting from it (backward shift) never touch the records; a
 * miss usually costs one cache line of index, a hit that line plus the
 * record's first line.
 */
#ifndef L7_CONNTRACK_INTERNAL_H
#define L7_CONNTRACK_INTERNAL_H

#include "common_internal.h"
#include "l7/conntrack.h"
#include "packet_internal.h"

#include <stddef.h>
#include <string.h>

/*
 * The symmetric key: the two endpoints in a canonical order (lower
 * address/port first), so both directions build the same bytes. IPv4
 * addresses keep bytes 4..15 zero.
 */
typedef struct l7_ct_key {
    uint8_t addr[2][16]; /* [0] the lower endpoint, [1] the higher */
    uint16_t port[2];    /* ports of addr[0] / addr[1]; ICMP: the id in both */
    uint8_t proto;
    uint8_t family;      /* 4 or 6 */
    uint8_t icmp_type;   /* ICMP queries: the request type; else 0 */
    uint8_t icmp_req_hi; /* ICMP queries: 1 when the requester is addr[1] */
} l7_ct_key;

_Static_assert(sizeof(l7_ct_key) == 40, "key is five 64-bit words");

/* iflags: private state bits of a record. */
enum {
    CT_I_LIVE = 0x01,            /* the slab slot holds a connection */
    CT_I_ORIG_HI = 0x02,         /* the originator is addr[1] */
    CT_I_FIN_ORIG = 0x04,        /* a FIN seen from the originator */
    CT_I_FIN_REPLY = 0x08,       /* a FIN seen from the replier */
    CT_I_FIRST_FIN_REPLY = 0x10, /* the first FIN came from the replier */
    CT_I_IN_FIFO = 0x20          /* on the not-yet-assured (early drop) list */
};

/*
 * One connection: 128 bytes on LP64, two cache lines. The first line holds
 * everything a lookup and the per-packet update read (key, hash tag, state,
 * last_seen/timeout class which give the expiry, mark, the L7 window's packet
 * count); the second the counters and owner data.
 */
struct l7_conn {
    /* --- first cache line: hot --- */
    l7_ct_key key;
    uint32_t tag;           /* upper 32 bits of the 64-bit flow hash */
    uint32_t mark;          /* connection mark id, 0 = no-mark (names: engine layer).
                               Free slab slots chain through it (next free + 1). */
    uint64_t last_seen;     /* expiry = last_seen + timeouts[tclass] */
    uint8_t tcp_state;      /* l7_tcp_state */
    uint8_t tclass;         /* l7_ct_timeout in force */
    uint8_t flags;          /* l7_conn_flag bits */
    uint8_t iflags;         /* CT_I_* */
    uint32_t total_packets; /* both directions, every tracked packet (L7 window) */
    /* --- second cache line --- */
    uint64_t packets[2]; /* by l7_ct_dir */
    uint64_t bytes[2];
    uint64_t first_seen;
    uint64_t cookie;  /* the host's */
    void *inspect;    /* inspection state (module inspect); NULL when none */
    int32_t l7_proto; /* protocol id; L7_CT_L7_UNSET / L7_CT_L7_UNKNOWN */
    uint32_t stream;  /* in-order delivery state: pool index + 1; 0 none */
};

_Static_assert(sizeof(struct l7_conn) <= 128, "connection record over 128 bytes");
_Static_assert(offsetof(struct l7_conn, key) == 0, "key first");
_Static_assert(offsetof(struct l7_conn, tag) + sizeof(uint32_t) <= 64, "tag hot");
_Static_assert(offsetof(struct l7_conn, last_seen) + sizeof(uint64_t) <= 64,
               "expiry hot");
_Static_assert(offsetof(struct l7_conn, tcp_state) < 64 &&
                   offsetof(struct l7_conn, tclass) < 64 &&
                   offsetof(struct l7_conn, iflags) < 64,
               "state hot");
_Static_assert(offsetof(struct l7_conn, total_packets) + sizeof(uint32_t) <= 64,
               "window counter hot");

/* A held out-of-order TCP segment (in-order delivery). */
typedef struct ct_seg {
    struct ct_seg *next;
    uint32_t seq;
    uint32_t len;
    uint8_t data[];
} ct_seg;

/* Per-connection in-order delivery state, only while inspecting. */
typedef struct ct_stream {
    uint32_t next_seq[2];
    uint32_t held_bytes[2];
    ct_seg *held[2]; /* sorted by sequence */
    uint8_t have_seq[2];
    uint32_t next_free; /* pool free list (index + 1) */
} ct_stream;

typedef struct ct_chunk {
    void *raw;
    size_t raw_bytes;
} ct_chunk;

struct l7_conntrack {
    l7_alloc alloc;
    uint64_t seed;
    uint64_t hkey[8]; /* the flow hash's secret, derived from the seed */
    uint64_t timeouts[L7_CT_TIMEOUT_COUNT];

    /* index: cap slots, power of two; home(tag) = tag >> shift */
    uint64_t *slots;
    void *slots_raw;
    size_t slots_raw_bytes;
    uint64_t slot_mask;
    uint32_t slot_shift;
    size_t initial_slots; /* what flush shrinks the index back to */

    /* slab: chunk c holds records [c << chunk_shift, (c + 1) << chunk_shift) */
    struct l7_conn **chunk_recs;
    uint32_t (**chunk_links)[2]; /* early-drop list links, index + 1 */
    ct_chunk *chunks;
    size_t nchunks, chunks_cap;
    uint32_t chunk_shift;
    uint32_t carved;    /* records handed out so far (free or live) */
    uint32_t free_head; /* index + 1 */
    uint32_t live;
    uint32_t max_entries;

    /* not-yet-assured connections, oldest first (index + 1) */
    uint32_t fifo_head, fifo_tail;

    uint32_t sweep_cursor;

    uint8_t loose_tcp;
    uint8_t tcp_in_order;
    uint8_t huge_pages;
    uint32_t reorder_max;
    l7_conn_destructor destructor;
    void *destructor_user;

    /* in-order delivery */
    ct_stream *streams;
    size_t streams_cap;
    uint32_t streams_used; /* pool entries carved */
    uint32_t stream_free;  /* index + 1 */
    uint8_t *scratch;
    size_t scratch_cap;

    size_t mem;
    uint64_t stats[L7_CT_STAT_COUNT];
};

static inline struct l7_conn *ct_rec(const struct l7_conntrack *ct, uint32_t idx)
{
    return ct->chunk_recs[idx >> ct->chunk_shift] +
           (idx & ((1u << ct->chunk_shift) - 1));
}

static inline uint32_t *ct_links(const struct l7_conntrack *ct, uint32_t idx)
{
    return ct->chunk_links[idx >> ct->chunk_shift][idx & ((1u << ct->chunk_shift) - 1)];
}

static inline int ct_expired(const struct l7_conntrack *ct, const struct l7_conn *c,
                             uint64_t now)
{
    return now >= c->last_seen && now - c->last_seen >= ct->timeouts[c->tclass];
}

/* Result of building a key from a packet or a tuple. */
enum { CT_KEY_OK = 0, CT_KEY_INVALID = 1, CT_KEY_UNTRACKED = 2, CT_KEY_ICMP_ERROR = 3 };

/* Build the canonical key of one direction; *from_hi tells whether the
 * sender is addr[1]. `icmp_type` is the packet's ICMP type. */
int l7_ct_key_make(l7_ct_key *key, uint8_t *from_hi, const l7_addr *src,
                   const l7_addr *dst, uint16_t sport, uint16_t dport, uint8_t proto,
                   uint8_t icmp_type);

/*
 * The per-packet path is memory-bound: a hit waits for an index line and a
 * record line, and one-at-a-time lookups are fast only as far as the CPU
 * overlaps the misses of consecutive lookups (out-of-order execution runs
 * ahead into the next packet while a miss is pending). Two things stop that
 * overlap, and the code below avoids both:
 * - a store-to-load forwarding failure: a key assembled with 1- and 2-byte
 *   stores and read back as 8-byte words (by the hash and the compare)
 *   cannot be forwarded from the store buffer, so the load waits until the
 *   stores commit, i.e. until everything older retires, including the
 *   previous lookup's pending misses; every lookup then serialises behind
 *   the one before (measured: 1.4 -> 3.6 M hits/s at 1 M connections when
 *   the key's last word was built in a register instead);
 * - a long instruction stream: the fewer instructions a lookup takes, the
 *   more lookups fit in the reorder window at once.
 * So the common case (ported protocols) is inlined, written as whole words
 * and branch-free: the family and the endpoint order are random from one
 * packet to the next, and the canonical order is that of the native 64-bit
 * words (any total order does, both directions just have to agree; the
 * numeric address order would cost byte swaps). ICMP and the rest go
 * through l7_ct_key_make().
 */
static inline uint64_t ct_w64(const void *p, size_t off)
{
    uint64_t v;
    memcpy(&v, (const uint8_t *)p + off, 8);
    return v;
}

/* The 64-bit word whose bytes in memory are p[0..3] then four zeros. */
static inline uint64_t ct_w32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return (uint64_t)v << 32;
#else
    return v;
#endif
}

static inline void ct_put64(void *p, size_t off, uint64_t v)
{
    memcpy((uint8_t *)p + off, &v, 8);
}

/* The key's fifth word (ports, protocol, family; no ICMP fields) built in a
 * register. */
static inline uint64_t ct_key_w4(uint16_t port0, uint16_t port1, uint8_t proto,
                                 uint8_t family)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    _Static_assert(offsetof(l7_ct_key, port) == 32 &&
                       offsetof(l7_ct_key, proto) == 36 &&
                       offsetof(l7_ct_key, family) == 37,
                   "fifth word layout");
    return (uint64_t)port0 | (uint64_t)port1 << 16 | (uint64_t)proto << 32 |
           (uint64_t)family << 40;
#else
    l7_ct_key k;
    memset(&k, 0, sizeof(k));
    k.port[0] = port0;
    k.port[1] = port1;
    k.proto = proto;
    k.family = family;
    return ct_w64(&k, 32);
#endif
}

static inline int ct_key_make_fast(l7_ct_key *key, uint8_t *from_hi, const l7_addr *src,
                                   const l7_addr *dst, uint16_t sport, uint16_t dport,
                                   uint8_t proto, uint8_t icmp_type)
{
    /* TCP, UDP, UDP-Lite, SCTP, DCCP */
    if (L7_UNLIKELY(!(proto == 6 || proto == 17 || proto == 136 || proto == 132 ||
                      proto == 33) ||
                    (src->family != 4 && src->family != 6) ||
                    dst->family != src->family))
        return l7_ct_key_make(key, from_hi, src, dst, sport, dport, proto, icmp_type);
    /* Whole-word stores only, no branches on the order (see above). IPv4
     * addresses are read with 4-byte loads: the parser stores them as 4
     * bytes into a zeroed packet, and an 8-byte load across that store
     * could not be forwarded and would wait for it to commit. */
    uint64_t s0, s1, d0, d1;
    if (src->family == 4) {
        s0 = ct_w32(src->bytes);
        d0 = ct_w32(dst->bytes);
        s1 = d1 = 0;
    } else {
        s0 = ct_w64(src->bytes, 0);
        s1 = ct_w64(src->bytes, 8);
        d0 = ct_w64(dst->bytes, 0);
        d1 = ct_w64(dst->bytes, 8);
    }
    __uint128_t sa = (__uint128_t)s0 << 64 | s1, da = (__uint128_t)d0 << 64 | d1;
    uint32_t hi =
        (uint32_t)(sa > da) | ((uint32_t)(sa == da) & (uint32_t)(sport > dport));
    uint64_t sw = (uint64_t)0 - (uint64_t)hi;
    uint64_t x0 = (s0 ^ d0) & sw, x1 = (s1 ^ d1) & sw;
    uint32_t xp = (uint32_t)(sport ^ dport) & (uint32_t)sw;
    ct_put64(key->addr[0], 0, s0 ^ x0);
    ct_put64(key->addr[0], 8, s1 ^ x1);
    ct_put64(key->addr[1], 0, d0 ^ x0);
    ct_put64(key->addr[1], 8, d1 ^ x1);
    ct_put64(
        key, 32,
        ct_key_w4((uint16_t)(sport ^ xp), (uint16_t)(dport ^ xp), proto, src->family));
    *from_hi = (uint8_t)hi;
    return 0; /* CT_KEY_OK */
}

/* 64x64 -> 128-bit multiply, halves folded: one multiply mixes every bit of
 * both operands into the middle of the result. */
static inline uint64_t ct_mum(uint64_t a, uint64_t b)
{
    __uint128_t r = (__uint128_t)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/*
 * The flow hash: the five key words, each xored with its own word of the
 * table's secret (derived from the seed at creation), multiplied pairwise
 * (three independent multiplies that run in parallel), then one more
 * multiply to mix the three products. The folded-multiply construction is
 * the one wyhash popularised (public idea, own code); with secret keys a
 * remote sender cannot aim collisions without knowing them. ~20
 * instructions and ~10 cycles of latency, against ~40 and ~55 for the
 * multiply-rotate rounds it replaced.
 */
static inline uint64_t l7_ct_hash_key(const l7_ct_key *key, const uint64_t *k)
{
    uint64_t a = ct_mum(ct_w64(key, 0) ^ k[0], ct_w64(key, 8) ^ k[1]);
    uint64_t b = ct_mum(ct_w64(key, 16) ^ k[2], ct_w64(key, 24) ^ k[3]);
    uint64_t c = ct_mum(ct_w64(key, 32) ^ k[4], k[5]);
    return ct_mum(a ^ b ^ k[6], c ^ k[7]);
}

static inline int ct_key_eq(const l7_ct_key *a, const l7_ct_key *b)
{
    return ((ct_w64(a, 0) ^ ct_w64(b, 0)) | (ct_w64(a, 8) ^ ct_w64(b, 8)) |
            (ct_w64(a, 16) ^ ct_w64(b, 16)) | (ct_w64(a, 24) ^ ct_w64(b, 24)) |
            (ct_w64(a, 32) ^ ct_w64(b, 32))) == 0;
}

/* Index lookup of a canonical key; NULL when absent (expiry not checked). */
static inline struct l7_conn *l7_ct_find(const struct l7_conntrack *ct,
                                         const l7_ct_key *key, uint32_t tag)
{
    const uint64_t *slots = ct->slots;
    uint64_t i = tag >> ct->slot_shift;
    for (;;) {
        uint64_t s = slots[i];
        if (!s)
            return NULL;
        if ((uint32_t)(s >> 32) == tag) {
            struct l7_conn *c = ct_rec(ct, (uint32_t)s - 1);
            if (L7_LIKELY(ct_key_eq(&c->key, key)))
                return c;
        }
        i = (i + 1) & ct->slot_mask;
    }
}

/* Remove a live record; `why` is the l7_ct_stat counted (EXPIRED, EVICTED,
 * REMOVED). Runs the destructor. */
void l7_ct_remove_idx(struct l7_conntrack *ct, uint32_t idx, int why);
/* Index of a live record (found through the index). */
uint32_t l7_ct_idx_of(const struct l7_conntrack *ct, const struct l7_conn *c);

/* Allocate a fresh live record for `key` (making room if the table is
 * full); NULL when refused or out of memory. */
struct l7_conn *l7_ct_insert(struct l7_conntrack *ct, const l7_ct_key *key,
                             uint32_t tag, uint64_t now);
/* The record became assured: it leaves the early-drop list. */
void l7_ct_assure(struct l7_conntrack *ct, struct l7_conn *c);

/* Accounted allocations. */
void *l7_ct_alloc(struct l7_conntrack *ct, size_t n);
void l7_ct_free(struct l7_conntrack *ct, void *p, size_t n);

/* TCP tracker: the next state for a packet with `flags` in direction `dir`
 * (updating FIN bits in *iflags), or one of these: */
enum { CT_TCP_INVALID = -1, CT_TCP_REOPEN = -2 };
int l7_ct_tcp_next(uint8_t state, uint8_t flags, int dir, uint8_t *iflags);
/* The state a first packet with `flags` opens (loose: pickup allowed), or
 * CT_TCP_INVALID. */
int l7_ct_tcp_first(uint8_t flags, int loose);
/* Timeout class of a TCP state. */
uint8_t l7_ct_tcp_tclass(uint8_t state);

/* In-order delivery (conntrack_stream.c). Fills out->payload/len. */
void l7_ct_stream_deliver(struct l7_conntrack *ct, struct l7_conn *c, int dir,
                          const struct l7_packet *pkt, l7_ct_result *out);
/* Free the connection's in-order state (inspection finished or entry gone).
 * The engine may call it as soon as it sets `l7_proto`. */
void l7_ct_stream_release(struct l7_conntrack *ct, struct l7_conn *c);
void l7_ct_streams_destroy(struct l7_conntrack *ct);

#endif
