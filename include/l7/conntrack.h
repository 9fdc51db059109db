/**
 * \file l7/conntrack.h
 * \brief Connection tracking: the flow table, states, timeouts, marks.
 *
 * A connection table (#l7_conntrack) follows RouterOS v7's
 * `/ip firewall connection tracking`: bidirectional entries keyed by
 * protocol, addresses and ports (ICMP: identifier and query type), the
 * originator being the sender of the first packet; the states `new`,
 * `established`, `related`, `invalid` and `untracked`; a netfilter-like TCP
 * tracker (loose pickup on, no window checks); per-state timeouts with
 * RouterOS v7 defaults; a capacity cap with early drop of the oldest
 * connection that is not yet established, then counted refusals.
 *
 * One call per packet: l7_conntrack_track() finds or creates the connection
 * of a parsed packet, updates its state, timeout and counters, and says in
 * which direction the packet travels and which state it has.
 *
 * Time is the caller's: every call that depends on it takes `now` in
 * nanoseconds since the Unix epoch. An entry is alive while
 * `now < last_seen + timeout(state)`; a table never reads a clock.
 * Expired entries are invisible to lookups at once and are reclaimed by
 * l7_conntrack_track() (when it meets them), by l7_conntrack_expire() (an
 * incremental sweep the caller runs with a small budget per packet) and when
 * the table is full.
 *
 * `related` comes only from ICMP/ICMPv6 errors that quote a tracked
 * connection: connection helpers (FTP, SIP, ...) are not implemented.
 * `untracked` is what the engine reports for packets a RAW `notrack` rule
 * exempted; the table itself returns it only for packets it cannot key
 * (non-first fragments, ICMPv6 neighbour discovery and multicast listener
 * messages, as Linux does).
 *
 * Connection marks are stored as small integers (0 = `no-mark`); the table
 * of mark names lives in the policy/engine layer that interns them.
 *
 * Thread safety: a table is not thread-safe; use one per worker thread (the
 * hosts spread flows over workers with a symmetric hash).
 *
 * Handles: an #l7_conn pointer stays valid until the next call on the same
 * table that may remove entries: l7_conntrack_track(),
 * l7_conntrack_expire(), l7_conntrack_remove(), l7_conntrack_remove_if(),
 * l7_conntrack_flush(), l7_conntrack_destroy(). Lookups never remove.
 */
#ifndef L7_CONNTRACK_H
#define L7_CONNTRACK_H

#include "l7/common.h"
#include "l7/packet.h"

#ifdef __cplusplus
extern "C" {
#endif

/** \brief A connection table (opaque). */
typedef struct l7_conntrack l7_conntrack;

/** \brief One tracked connection (opaque handle owned by its table). */
typedef struct l7_conn l7_conn;

/** \brief Default capacity: RouterOS's largest `max-entries`. */
#define L7_CT_DEFAULT_MAX_ENTRIES 1048576u

/** \brief Largest capacity a table accepts. */
#define L7_CT_MAX_ENTRIES_LIMIT 0x7fffffffu

/** \brief `l7_protocol` of a connection whose inspection has not decided yet. */
#define L7_CT_L7_UNSET (-1)

/** \brief `l7_protocol` of a connection whose inspection window closed unmatched. */
#define L7_CT_L7_UNKNOWN (-2)

/** \brief Connection-tracking state of a packet or connection (RouterOS names). */
typedef enum l7_ct_state {
    L7_CT_NEW = 0,         /**< opens an entry, or the entry has not yet seen a reply */
    L7_CT_ESTABLISHED = 1, /**< the entry has seen packets in both directions */
    L7_CT_RELATED = 2,     /**< an ICMP error quoting a tracked connection */
    L7_CT_INVALID = 3,     /**< bad TCP flags/transition, unknown ICMP error, no room */
    L7_CT_UNTRACKED = 4 /**< not tracked (notrack, or a packet the table cannot key) */
} l7_ct_state;

/** \brief Direction of a packet within its connection. */
typedef enum l7_ct_dir {
    L7_CT_DIR_ORIGINAL = 0, /**< sent by the originator (the first packet's sender) */
    L7_CT_DIR_REPLY = 1     /**< sent by the other side */
} l7_ct_dir;

/** \brief TCP tracker states (netfilter's, named as RouterOS prints them). */
typedef enum l7_tcp_state {
    L7_TCP_NONE = 0,         /**< not TCP ("") */
    L7_TCP_SYN_SENT = 1,     /**< "syn-sent": a SYN seen */
    L7_TCP_SYN_RECEIVED = 2, /**< "syn-received": SYN-ACK seen */
    L7_TCP_ESTABLISHED = 3,  /**< "established" */
    L7_TCP_FIN_WAIT = 4,     /**< "fin-wait": a first FIN seen */
    L7_TCP_CLOSE_WAIT = 5,   /**< "close-wait": the first FIN acknowledged */
    L7_TCP_LAST_ACK = 6,     /**< "last-ack": the second FIN seen */
    L7_TCP_TIME_WAIT = 7,    /**< "time-wait": the second FIN acknowledged */
    L7_TCP_CLOSE = 8         /**< "close": reset */
} l7_tcp_state;

/**
 * \brief The settable timeouts (`/ip firewall connection tracking set`).
 *
 * Defaults are RouterOS v7's (routeros-spec Decision 14).
 */
typedef enum l7_ct_timeout {
    L7_CT_TIMEOUT_TCP_SYN_SENT = 0,     /**< tcp-syn-sent-timeout, 5 s */
    L7_CT_TIMEOUT_TCP_SYN_RECEIVED = 1, /**< tcp-syn-received-timeout, 5 s */
    L7_CT_TIMEOUT_TCP_ESTABLISHED = 2,  /**< tcp-established-timeout, 1 d */
    L7_CT_TIMEOUT_TCP_FIN_WAIT = 3,     /**< tcp-fin-wait-timeout, 10 s */
    L7_CT_TIMEOUT_TCP_CLOSE_WAIT = 4,   /**< tcp-close-wait-timeout, 10 s */
    L7_CT_TIMEOUT_TCP_LAST_ACK = 5,     /**< tcp-last-ack-timeout, 10 s */
    L7_CT_TIMEOUT_TCP_TIME_WAIT = 6,    /**< tcp-time-wait-timeout, 10 s */
    L7_CT_TIMEOUT_TCP_CLOSE = 7,        /**< tcp-close-timeout, 10 s */
    L7_CT_TIMEOUT_UDP = 8,              /**< udp-timeout (one direction seen), 30 s */
    L7_CT_TIMEOUT_UDP_STREAM = 9,       /**< udp-stream-timeout (both seen), 3 min */
    L7_CT_TIMEOUT_ICMP = 10,            /**< icmp-timeout, 10 s */
    L7_CT_TIMEOUT_GENERIC = 11, /**< generic-timeout (other protocols), 10 min */
    L7_CT_TIMEOUT_COUNT = 12    /**< number of timeouts (not a timeout) */
} l7_ct_timeout;

/** \brief Table counters read with l7_conntrack_stat(). */
typedef enum l7_ct_stat {
    L7_CT_STAT_LIVE =
        0, /**< entries in the table (expired ones not yet reclaimed included) */
    L7_CT_STAT_MAX_ENTRIES = 1, /**< the capacity cap */
    L7_CT_STAT_CREATED = 2,     /**< entries created */
    L7_CT_STAT_EXPIRED = 3,     /**< entries reclaimed after their timeout */
    L7_CT_STAT_EVICTED =
        4, /**< not-yet-established entries dropped early to make room */
    L7_CT_STAT_REFUSED = 5, /**< new connections refused: table full, nothing to drop */
    L7_CT_STAT_INVALID = 6, /**< packets classified invalid */
    L7_CT_STAT_REMOVED = 7, /**< entries removed by the caller (remove, flush) */
    L7_CT_STAT_MEMORY = 8,  /**< bytes allocated by the table, everything included */
    L7_CT_STAT_RECORD_BYTES = 9, /**< size of one connection record */
    L7_CT_STAT_STREAM_HELD =
        10, /**< out-of-order TCP segments held (in-order delivery) */
    L7_CT_STAT_STREAM_DROPPED =
        11,               /**< out-of-order segments not held: bound reached */
    L7_CT_STAT_COUNT = 12 /**< number of counters (not a counter) */
} l7_ct_stat;

/** \brief Connection flags returned by l7_conn_flags() (RouterOS print flags). */
typedef enum l7_conn_flag {
    L7_CONN_SEEN_REPLY = 0x01, /**< `S`: a packet was seen in each direction */
    L7_CONN_ASSURED = 0x02,    /**< `A`: established for good; never dropped early */
    L7_CONN_FASTTRACK = 0x04,  /**< `F`: FastTracked */
    L7_CONN_LOOSE = 0x08       /**< TCP picked up mid-stream (loose tracking) */
} l7_conn_flag;

/**
 * \brief Called once for every entry that leaves the table (expired, evicted,
 *        removed, flushed, replaced by a new connection on the same tuple, or
 *        at l7_conntrack_destroy()), before its memory is reused.
 *
 * The owner of per-connection state (the inspection buffer, the cookie)
 * frees it here. The callback must not call back into the table.
 *
 * \param conn the connection being removed
 * \param user the `destructor_user` pointer of the options
 */
typedef void (*l7_conn_destructor)(l7_conn *conn, void *user);

/** \brief Version of #l7_conntrack_options filled by l7_conntrack_options_init(). */
#define L7_CT_OPTIONS_VERSION 1u

/**
 * \brief Options of a table. Fill with l7_conntrack_options_init(), then
 *        change what you need. New fields are only ever added at the end.
 */
typedef struct l7_conntrack_options {
    /** Set to #L7_CT_OPTIONS_VERSION by l7_conntrack_options_init(). */
    uint32_t version;
    /** Capacity cap (`max-entries`), 1 .. #L7_CT_MAX_ENTRIES_LIMIT. */
    uint32_t max_entries;
    /** Entries to size the table for at creation (0: grow on demand). */
    uint32_t initial_entries;
    /** 1: loose TCP pickup (`loose-tcp-tracking=yes`, the default); 0: a
     *  first packet that is not a SYN is invalid. */
    uint8_t loose_tcp;
    /** 1: deliver each direction's TCP payload in sequence order (see
     *  l7_conntrack_track()); 0 (default): as the segments arrive, like
     *  RouterOS. */
    uint8_t tcp_in_order;
    /** 1: ask the kernel for transparent huge pages for big arrays (a hint;
     *  no effect where unsupported). 0 (default): on the shadow-paged VM
     *  libl7 is benchmarked on, huge pages made 10 M-entry tables 2-3x
     *  slower; turn it on where it helps (bench-conntrack --thp-row). */
    uint8_t huge_pages;
    /** Always 0. */
    uint8_t reserved;
    /** In-order delivery: out-of-order bytes held per direction at most
     *  (default 8192); segments beyond it are not held and are counted. */
    uint32_t reorder_max_bytes;
    /** Seed of the flow hash; give each table its own (e.g. from the host's
     *  random source) so remote hosts cannot aim collisions at it. */
    uint64_t hash_seed;
    /** Timeouts in nanoseconds, indexed by #l7_ct_timeout. */
    uint64_t timeouts[L7_CT_TIMEOUT_COUNT];
    /** Called for each entry that leaves the table; may be NULL. */
    l7_conn_destructor destructor;
    /** Passed to `destructor`. */
    void *destructor_user;
} l7_conntrack_options;

/**
 * \brief The tuple of one direction of a connection.
 *
 * TCP, UDP, UDP-Lite, SCTP and DCCP use the ports. ICMP/ICMPv6 queries
 * (echo, timestamp, ...) put the identifier in both ports and, in
 * `icmp_type`, the type a packet of that direction carries (echo: 8 in the
 * original tuple, 0 in the reply tuple). Other protocols leave the ports 0.
 */
typedef struct l7_ct_tuple {
    l7_addr src;         /**< source address */
    l7_addr dst;         /**< destination address (same family as `src`) */
    uint16_t sport;      /**< source port, host order (ICMP: identifier) */
    uint16_t dport;      /**< destination port, host order (ICMP: identifier) */
    uint8_t l4_proto;    /**< IP protocol number */
    uint8_t icmp_type;   /**< ICMP: this direction's query type; else 0 */
    uint8_t reserved[2]; /**< always 0 */
} l7_ct_tuple;

/** \brief What l7_conntrack_track() found out about one packet. */
typedef struct l7_ct_result {
    /** The connection (for #L7_CT_RELATED: the connection the ICMP error
     *  quotes); NULL when the packet has none (refused, untracked, or
     *  invalid without an entry). */
    l7_conn *conn;
    /** The packet's direction (#l7_ct_dir) in `conn`. */
    uint8_t dir;
    /** The packet's state (#l7_ct_state). */
    uint8_t state;
    /** 1 when this packet created `conn`. */
    uint8_t created;
    /** Always 0. */
    uint8_t reserved;
    /** Length of `payload`. */
    uint32_t payload_len;
    /**
     * The layer-4 payload to inspect for this packet. By default it is the
     * packet's own payload. With `tcp_in_order`, TCP bytes are given in
     * sequence order per direction: retransmitted bytes are left out,
     * out-of-order segments are held (up to `reorder_max_bytes`) and given
     * with the segment that fills the gap; the pointer may then point into
     * a buffer of the table, valid until the next call on it.
     */
    const uint8_t *payload;
} l7_ct_result;

/**
 * \brief Filter and visitor callback of l7_conntrack_foreach() and
 *        l7_conntrack_remove_if().
 * \param conn a live connection
 * \param user the caller's pointer
 * \return foreach: 0 continues, anything else stops the walk and is returned;
 *         remove_if: non-zero removes the connection
 */
typedef int (*l7_conn_visit_fn)(l7_conn *conn, void *user);

/**
 * \brief Fill `out` with the defaults (RouterOS v7 timeouts, 1,048,576
 *        entries, loose TCP on, arrival-order payload).
 * \param[out] out the options to fill
 */
L7_API void l7_conntrack_options_init(l7_conntrack_options *out);

/**
 * \brief Create a table.
 * \param[out] out receives the table; NULL on failure
 * \param opts options (NULL: the defaults); `version` must be set
 * \param alloc allocator hooks, or NULL for the C library's
 * \return #L7_OK, #L7_EINVAL (bad options) or #L7_ENOMEM
 */
L7_API int l7_conntrack_create(l7_conntrack **out, const l7_conntrack_options *opts,
                               const l7_allocator *alloc);

/**
 * \brief Destroy a table; the destructor runs once for each entry.
 * \param ct the table, or NULL
 */
L7_API void l7_conntrack_destroy(l7_conntrack *ct);

/**
 * \brief Change one timeout. Live entries use the new value from now on
 *        (their expiry is `last_seen + timeout`).
 * \param ct the table
 * \param which the timeout
 * \param ns the new value in nanoseconds (at least 1)
 * \return #L7_OK or #L7_EINVAL
 */
L7_API int l7_conntrack_set_timeout(l7_conntrack *ct, l7_ct_timeout which, uint64_t ns);

/**
 * \brief Read one timeout.
 * \param ct the table
 * \param which the timeout
 * \return the value in nanoseconds; 0 for an unknown `which`
 */
L7_API uint64_t l7_conntrack_timeout(const l7_conntrack *ct, l7_ct_timeout which);

/**
 * \brief Turn loose TCP pickup on (1) or off (0).
 * \param ct the table
 * \param on 1 or 0
 * \return #L7_OK or #L7_EINVAL
 */
L7_API int l7_conntrack_set_loose_tcp(l7_conntrack *ct, int on);

/**
 * \brief Change the capacity cap. Lowering it below the live count removes
 *        nothing; each new connection then drops up to 8 not-yet-assured
 *        entries, and is refused until the table is below the cap.
 * \param ct the table
 * \param max_entries the new cap, 1 .. #L7_CT_MAX_ENTRIES_LIMIT
 * \return #L7_OK or #L7_EINVAL
 */
L7_API int l7_conntrack_set_max_entries(l7_conntrack *ct, uint32_t max_entries);

/**
 * \brief Track one parsed packet: find or create its connection, run the
 *        protocol state machine, refresh the timeout, count the packet.
 *
 * Packets that are not IP, or that the parser marked malformed, are
 * `invalid`. A first packet of TCP that is not a SYN creates an entry only
 * with loose pickup (SYN-ACK or ACK, tcp-state `established`); a RST or
 * invalid flags (SYN+FIN, no ACK on data, ...) never create one. ICMP
 * errors quoting a tracked connection are `related` (and do not refresh
 * it); quoting nothing known, `invalid`. Invalid packets of a tracked
 * connection leave it unchanged and return it in `out->conn`.
 *
 * When the table is full, the oldest connection that is not yet established
 * (not assured) is dropped to make room; when there is none, the new
 * connection is refused: `invalid` with `out->conn` NULL.
 *
 * \param[out] out what was found (always filled)
 * \param ct the table
 * \param pkt a packet parsed by l7_packet_parse()
 * \param now the packet's time, nanoseconds since the epoch
 * \return #L7_OK, or #L7_EINVAL for NULL arguments
 */
L7_API int l7_conntrack_track(l7_ct_result *out, l7_conntrack *ct, const l7_packet *pkt,
                              uint64_t now);

/**
 * \brief The table's seeded, symmetric hash of a tuple: both directions of
 *        a connection hash alike. Pass it to l7_conntrack_lookup_hashed().
 * \param ct the table
 * \param tuple a tuple of either direction
 * \return the hash
 */
L7_API uint64_t l7_conntrack_hash(const l7_conntrack *ct, const l7_ct_tuple *tuple);

/**
 * \brief Find the live connection of a tuple (either direction).
 *
 * A hit costs two dependent cache misses (index slot, record); on a big
 * table one-at-a-time lookups are bound by how many of them the CPU can
 * overlap. Where many lookups are due at once, l7_conntrack_lookup_bulk()
 * overlaps them explicitly and is several times faster.
 * \param[out] out receives the connection, or NULL
 * \param[out] out_dir receives the tuple's direction in it (may be NULL)
 * \param ct the table
 * \param tuple the tuple
 * \param now the time (entries expired at `now` are not found)
 * \return #L7_OK, #L7_ENOTFOUND or #L7_EINVAL
 */
L7_API int l7_conntrack_lookup(l7_conn **out, l7_ct_dir *out_dir,
                               const l7_conntrack *ct, const l7_ct_tuple *tuple,
                               uint64_t now);

/**
 * \brief l7_conntrack_lookup() with a hash from l7_conntrack_hash().
 * \param[out] out receives the connection, or NULL
 * \param[out] out_dir receives the tuple's direction (may be NULL)
 * \param ct the table
 * \param tuple the tuple
 * \param hash l7_conntrack_hash() of `tuple` on this table
 * \param now the time
 * \return #L7_OK, #L7_ENOTFOUND or #L7_EINVAL
 */
L7_API int l7_conntrack_lookup_hashed(l7_conn **out, l7_ct_dir *out_dir,
                                      const l7_conntrack *ct, const l7_ct_tuple *tuple,
                                      uint64_t hash, uint64_t now);

/**
 * \brief Look up many tuples at once, overlapping their memory accesses
 *        (hash all, prefetch, probe): much faster per lookup on big tables.
 * \param[out] out `n` connections; NULL where not found
 * \param ct the table
 * \param tuples `n` tuples
 * \param hashes `n` hashes from l7_conntrack_hash(), or NULL to compute them
 * \param n number of tuples
 * \param now the time
 * \return the number found
 */
L7_API size_t l7_conntrack_lookup_bulk(l7_conn **out, const l7_conntrack *ct,
                                       const l7_ct_tuple *tuples,
                                       const uint64_t *hashes, size_t n, uint64_t now);

/**
 * \brief Reclaim expired entries: examine at most `budget` slots of the
 *        table, continuing where the previous call stopped. Calling it with
 *        a small budget for each packet keeps the cost O(1) per packet.
 *
 * Why a sweep and not a timer wheel. Expired entries are invisible at once
 * (every lookup compares `now` with `last_seen + timeout`), so reclaiming
 * them is only about memory and room, and a cyclic sweep gives what a wheel
 * would, without a per-packet list operation:
 * - cost: `budget` slots per call, examined in address order (sequential
 *   memory, prefetched by the hardware); a wheel must unlink and relink an
 *   entry whenever a packet refreshes it, two random cache misses;
 * - bounded memory: with C slots in use (at most the peak live count) and
 *   a budget b per packet, an entry is reclaimed at most C/b packets after
 *   it expires. Each packet creates at most one entry, so in steady state
 *   live <= alive + C/b: with b >= 2 a flood of short connections settles
 *   at about twice the connections really alive, and never fills a table
 *   whose cap is above that (tests/unit/conntrack_table_test.c, churn);
 * - when the table is full, l7_conntrack_track() sweeps 64 more slots
 *   before dropping anything, then drops the oldest not-yet-assured entry
 *   (at most 8 per new connection, so lowering the cap never costs one
 *   packet a mass removal). A refusal with dead entries left needs the 64
 *   slots swept to hold none, i.e. nearly all entries really alive: the
 *   capacity lost is about 1/b of the table at most.
 * Linux's conntrack works the same way (an incremental garbage-collection
 * scan of the table plus early drop of unassured entries when full).
 *
 * \param ct the table
 * \param now the time
 * \param budget slots to examine
 * \return the number of entries reclaimed
 */
L7_API size_t l7_conntrack_expire(l7_conntrack *ct, uint64_t now, size_t budget);

/**
 * \brief Visit every connection alive at `now`.
 *
 * The callback may change marks, flags and cookies, but must not add or
 * remove entries (use l7_conntrack_remove_if()).
 *
 * \param ct the table
 * \param now the time
 * \param fn the visitor
 * \param user passed to `fn`
 * \return 0 after a full walk, or the non-zero value `fn` stopped it with
 */
L7_API int l7_conntrack_foreach(l7_conntrack *ct, uint64_t now, l7_conn_visit_fn fn,
                                void *user);

/**
 * \brief Remove every connection alive at `now` for which `fn` returns
 *        non-zero (`/ip firewall connection remove [find where ...]`).
 * \param ct the table
 * \param now the time
 * \param fn the filter
 * \param user passed to `fn`
 * \return the number removed
 */
L7_API size_t l7_conntrack_remove_if(l7_conntrack *ct, uint64_t now,
                                     l7_conn_visit_fn fn, void *user);

/**
 * \brief Remove one connection.
 * \param ct the table
 * \param conn a connection of `ct` (invalid afterwards)
 * \return #L7_OK or #L7_EINVAL
 */
L7_API int l7_conntrack_remove(l7_conntrack *ct, l7_conn *conn);

/**
 * \brief Remove every connection (the destructor runs for each) and give
 *        back the memory the table grew: afterwards #L7_CT_STAT_MEMORY is
 *        what a freshly created table reports.
 * \param ct the table (NULL: nothing happens)
 */
L7_API void l7_conntrack_flush(l7_conntrack *ct);

/**
 * \brief Read a counter.
 * \param ct the table
 * \param which the counter
 * \return its value; 0 for an unknown `which`
 */
L7_API uint64_t l7_conntrack_stat(const l7_conntrack *ct, l7_ct_stat which);

/**
 * \brief Name of a packet state: "new", "established", "related",
 *        "invalid", "untracked".
 * \param state the state
 * \return a static string; "" for unknown values
 */
L7_API const char *l7_ct_state_name(l7_ct_state state);

/**
 * \brief RouterOS name of a TCP state ("syn-sent", "syn-received",
 *        "established", "fin-wait", "close-wait", "last-ack", "time-wait",
 *        "close"); "" for #L7_TCP_NONE and unknown values.
 * \param state the state
 * \return a static string
 */
L7_API const char *l7_tcp_state_name(l7_tcp_state state);

/**
 * \brief State of a connection: #L7_CT_ESTABLISHED once it has seen both
 *        directions, else #L7_CT_NEW.
 * \param conn the connection
 * \return the state
 */
L7_API l7_ct_state l7_conn_state(const l7_conn *conn);

/**
 * \brief TCP tracker state (#L7_TCP_NONE when not TCP).
 * \param conn the connection
 * \return the state
 */
L7_API l7_tcp_state l7_conn_tcp_state(const l7_conn *conn);

/**
 * \brief Time left before the connection expires.
 * \param ct its table (which holds the timeouts)
 * \param conn the connection
 * \param now the time
 * \return nanoseconds left; 0 when expired
 */
L7_API uint64_t l7_conn_timeout(const l7_conntrack *ct, const l7_conn *conn,
                                uint64_t now);

/**
 * \brief Tuple of one direction. The reply tuple is the original one with
 *        sources and destinations swapped (no NAT).
 * \param[out] out the tuple
 * \param conn the connection
 * \param dir which direction
 */
L7_API void l7_conn_tuple(l7_ct_tuple *out, const l7_conn *conn, l7_ct_dir dir);

/**
 * \brief Connection mark id (0 = `no-mark`).
 * \param conn the connection
 * \return the mark id
 */
L7_API uint32_t l7_conn_mark(const l7_conn *conn);

/**
 * \brief Set the connection mark id (0 = `no-mark`).
 * \param conn the connection
 * \param mark the mark id, interned by the policy/engine layer
 */
L7_API void l7_conn_set_mark(l7_conn *conn, uint32_t mark);

/**
 * \brief Packets counted in one direction.
 * \param conn the connection
 * \param dir the direction
 * \return the count
 */
L7_API uint64_t l7_conn_packets(const l7_conn *conn, l7_ct_dir dir);

/**
 * \brief IP bytes (headers included) counted in one direction.
 * \param conn the connection
 * \param dir the direction
 * \return the count
 */
L7_API uint64_t l7_conn_bytes(const l7_conn *conn, l7_ct_dir dir);

/**
 * \brief Time of the first packet.
 * \param conn the connection
 * \return nanoseconds since the epoch
 */
L7_API uint64_t l7_conn_first_seen(const l7_conn *conn);

/**
 * \brief Time of the latest packet that refreshed the connection.
 * \param conn the connection
 * \return nanoseconds since the epoch
 */
L7_API uint64_t l7_conn_last_seen(const l7_conn *conn);

/**
 * \brief Flags (#l7_conn_flag bits).
 * \param conn the connection
 * \return the flags
 */
L7_API uint32_t l7_conn_flags(const l7_conn *conn);

/**
 * \brief Mark the connection FastTracked (for the rest of its life).
 * \param conn the connection
 */
L7_API void l7_conn_set_fasttrack(l7_conn *conn);

/**
 * \brief Layer-7 protocol id decided by inspection, #L7_CT_L7_UNSET while
 *        inspecting, #L7_CT_L7_UNKNOWN when nothing matched.
 * \param conn the connection
 * \return the id
 */
L7_API int32_t l7_conn_l7_protocol(const l7_conn *conn);

/**
 * \brief The host's opaque 64-bit value (0 for a new connection).
 * \param conn the connection
 * \return the cookie
 */
L7_API uint64_t l7_conn_cookie(const l7_conn *conn);

/**
 * \brief Store the host's opaque 64-bit value.
 * \param conn the connection
 * \param cookie the value
 */
L7_API void l7_conn_set_cookie(l7_conn *conn, uint64_t cookie);

#ifdef __cplusplus
}
#endif

#endif /* L7_CONNTRACK_H */
