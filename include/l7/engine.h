/**
 * \file l7/engine.h
 * \brief The packet path: parse, reassemble, track, inspect, run the
 *        firewall tables of a hook, and return a verdict.
 *
 * An engine belongs to one thread. It owns a connection table, an
 * inspector, a fragment reassembly table, per-rule counters and the mutable
 * state of `limit` matchers. It runs packets through a shared, immutable
 * #l7_ruleset (l7/policy.h) and reads and writes a shared #l7_addrlist
 * (l7/addrlist.h), which is thread-safe.
 *
 * A new ruleset swaps in with l7_engine_set_ruleset(): connections keep
 * their marks and their layer-7 results (protocols are matched again by
 * name), and rules that did not change keep their counters. To swap in
 * several engines, call it on each from its own thread between packets.
 *
 * Names (connection, packet and routing marks) are interned by the engine
 * in append-only tables, so a connection's mark survives any number of
 * swaps and a rule checks a mark with one array lookup.
 *
 * The fast path: a packet of a connection whose layer-7 protocol is
 * decided costs one flow lookup and the rules it reaches; no regexp runs.
 *
 * Thread safety: none inside one engine; use one engine per thread. The
 * log callback runs on the thread that called l7_engine_process() and
 * must not call back into the same engine.
 */
#ifndef L7_ENGINE_H
#define L7_ENGINE_H

#include "l7/addrlist.h"
#include "l7/common.h"
#include "l7/conntrack.h"
#include "l7/packet.h"
#include "l7/policy.h"
#include "l7/tz.h"

#ifdef __cplusplus
extern "C" {
#endif

/** \brief A per-thread packet engine (opaque). */
typedef struct l7_engine l7_engine;

/** \brief Flags of #l7_engine_options. */
typedef enum l7_engine_flag {
    /** `collect=always` (Decision 2): every packet of the layer-7 window is
     *  collected, whatever the rules do. Default: only when a
     *  `layer7-protocol` matcher is evaluated (RouterOS). */
    L7_ENGINE_COLLECT_ALWAYS = 0x1,
    /** The kernel's first-packet rule (L11): a connection is inspected only
     *  if an L7 matcher saw its first packet. Default: lenient (D-L3). */
    L7_ENGINE_STRICT_FIRST_PACKET = 0x2,
    /** Feed TCP payload to the inspector in sequence order (conntrack
     *  reorders). Default: arrival order, as RouterOS. */
    L7_ENGINE_TCP_IN_ORDER = 0x4
} l7_engine_flag;

/** \brief Topics of a log event. */
typedef enum l7_log_severity {
    L7_LOG_INFO = 0,   /**< `firewall,info`: a rule with `log=yes` or `action=log` */
    L7_LOG_WARNING = 1 /**< `firewall,warning`: e.g. a regexp hit its match limit */
} l7_log_severity;

/**
 * \brief One log event, handed to the host as a structured record.
 *
 * Every pointer is valid only during the callback. l7_engine_log_format()
 * writes RouterOS's log line from it.
 */
typedef struct l7_log_event {
    /** `sizeof(l7_log_event)` as the library knows it. */
    uint32_t size;
    /** An #l7_log_severity. */
    uint32_t severity;
    /** `"firewall,info"` or `"firewall,warning"`. */
    const char *topics;
    /** The rule's `log-prefix` ("" when none). */
    const char *prefix;
    /** Chain of the rule ("" for events without a rule). */
    const char *chain;
    /** The rule's comment, or NULL. */
    const char *comment;
    /** A message for events without a rule (warnings), else NULL. */
    const char *message;
    /** Input interface as the host named it, or NULL. */
    const char *in_interface;
    /** Output interface as the host named it, or NULL. */
    const char *out_interface;
    /** The packet's connection state name ("new", "established", ...). */
    const char *connection_state;
    /** Family of the rule's list (4 or 6); 0 without a rule. */
    uint32_t family;
    /** Table of the rule (#l7_table). */
    uint32_t table;
    /** Position of the rule in its list. */
    uint32_t position;
    /** The packet's IP length. */
    uint32_t ip_len;
    /** The rule's id (l7_policy_rule_id()); 0 without a rule. */
    uint64_t rule_id;
    /** The packet's time. */
    uint64_t now;
    /** Source address. */
    l7_addr src;
    /** Destination address. */
    l7_addr dst;
    /** Source port (TCP/UDP), or 0. */
    uint16_t sport;
    /** Destination port (TCP/UDP), or 0. */
    uint16_t dport;
    /** IP protocol number. */
    uint8_t l4_proto;
    /** TCP flags (#l7_tcp_flag bits). */
    uint8_t tcp_flags;
    /** ICMP type (ICMP packets). */
    uint8_t icmp_type;
    /** ICMP code (ICMP packets). */
    uint8_t icmp_code;
} l7_log_event;

/**
 * \brief Log callback.
 * \param ev the event (valid during the call only)
 * \param user the options' `log_user`
 * \return 0 (other values are reserved and ignored for now)
 */
typedef int (*l7_log_fn)(const l7_log_event *ev, void *user);

/**
 * \brief Engine options. Fill with l7_engine_options_init(), then change
 *        fields; new fields are only added at the end.
 */
typedef struct l7_engine_options {
    /** `sizeof(l7_engine_options)` as the caller knows it. */
    uint32_t size;
    /** #l7_engine_flag bits. */
    uint32_t flags;
    /** Connection table cap; 0 = the ruleset's `max-entries`. */
    uint32_t max_connections;
    /** Layer-7 window in packets (both directions); default 10. */
    uint32_t l7_max_packets;
    /** Layer-7 window in payload bytes; default 2048 (Decision 1). */
    uint32_t l7_max_bytes;
    /** Reserved, 0. */
    uint32_t reserved;
    /** Seed of the connection table's hash (give each engine its own). */
    uint64_t hash_seed;
    /** Time zone of `time=` matchers (borrowed, must outlive the engine);
     *  NULL = UTC. */
    const l7_tz *tz;
    /** Shared address lists (borrowed, must outlive the engine); NULL: every
     *  list is empty and add-to-list actions do nothing. */
    l7_addrlist *addrlists;
    /** Log events (rules with `log=yes` / `action=log`, warnings); may be NULL. */
    l7_log_fn log_fn;
    /** Passed to `log_fn`. */
    void *log_user;
    /** PCRE2 match limit for layer-7 regexps (0 = libl7's default). A run
     *  that hits it counts as no match and raises a `firewall,warning`
     *  event. */
    uint32_t regex_match_limit;
    /** Reserved, 0. */
    uint32_t reserved2;
} l7_engine_options;

/**
 * \brief Fill `opts` with the defaults and set its size.
 * \param[out] opts the options
 */
L7_API void l7_engine_options_init(l7_engine_options *opts);

/**
 * \brief Per-packet input besides the frame.
 */
typedef struct l7_packet_meta {
    /** `sizeof(l7_packet_meta)` as the caller knows it. */
    uint32_t size;
    /** An #l7_hook: which tables run (default forward). */
    uint32_t hook;
    /** Input interface name for `in-interface` (NULL = unknown). */
    const char *in_interface;
    /** Output interface name for `out-interface` (NULL = unknown). */
    const char *out_interface;
    /** The host's name for this frame; fragments report it back in
     *  l7_verdict::cookies. */
    uint64_t cookie;
} l7_packet_meta;

/**
 * \brief Fill `meta` with the defaults (forward hook, no interfaces) and
 *        set its size.
 * \param[out] meta the metadata
 */
L7_API void l7_packet_meta_init(l7_packet_meta *meta);

/** \brief Why a packet is invalid (l7_verdict::invalid). */
typedef enum l7_invalid_reason {
    L7_INVALID_NONE = 0,      /**< valid */
    L7_INVALID_PACKET = 1,    /**< malformed: see l7_verdict::packet_status; dropped */
    L7_INVALID_CONNTRACK = 2, /**< connection-state=invalid (rules decide) */
    L7_INVALID_FRAGMENT = 3   /**< fragment dropped by reassembly */
} l7_invalid_reason;

/**
 * \brief The result of l7_engine_process().
 *
 * The caller sets `size`; the engine fills the fields that fit. Strings are
 * owned by the engine or its ruleset and valid until the next call on the
 * engine.
 */
typedef struct l7_verdict {
    /** `sizeof(l7_verdict)` as the caller knows it. */
    uint32_t size;
    /** An #l7_verdict_kind. */
    uint32_t verdict;
    /** An #l7_reject_with when `verdict` is reject. */
    uint32_t reject_with;
    /** An #l7_invalid_reason. */
    uint32_t invalid;
    /** The #l7_packet_status of a malformed frame. */
    uint32_t packet_status;
    /** The packet's #l7_ct_state (#L7_CT_UNTRACKED with tracking off). */
    uint32_t conn_state;
    /** The packet's #l7_ct_dir. */
    uint32_t direction;
    /** 1 when the connection is FastTracked (rules were skipped or it was
     *  flagged by this packet). */
    uint32_t fasttrack;
    /** The connection (valid until the next call on the engine), or NULL. */
    l7_conn *connection;
    /** Connection mark, or NULL for `no-mark`. */
    const char *connection_mark;
    /** Packet mark set by mangle, or NULL. */
    const char *packet_mark;
    /** Routing mark set by mangle, or NULL. */
    const char *routing_mark;
    /** Layer-7 protocol of the connection: NULL while never inspected or
     *  still inspecting, "unknown" after the window closed, or a name. */
    const char *layer7_protocol;
    /** New DSCP from `change-dscp` (0-63), or -1. */
    int32_t new_dscp;
    /** 1 when a rule decided (then the rule_* fields are set): the last
     *  rule that ended a table for this packet (accept, drop, reject,
     *  tarpit, or a mangle action with `passthrough=no`); 0 when every
     *  table ran to its end (the default accept). */
    uint32_t has_rule;
    /** Deciding rule: family (4 or 6). */
    uint32_t rule_family;
    /** Deciding rule: #l7_table. */
    uint32_t rule_table;
    /** Deciding rule: position in its list. */
    uint32_t rule_position;
    /** Number of entries in `cookies`. */
    uint32_t cookie_count;
    /** Deciding rule: id (l7_policy_rule_id()). */
    uint64_t rule_id;
    /** Deciding rule: chain. */
    const char *rule_chain;
    /** Deciding rule: comment, or NULL. */
    const char *rule_comment;
    /** Frames the verdict applies to: the meta cookie for a whole packet;
     *  every fragment's cookie for a reassembled or dropped datagram. */
    const uint64_t *cookies;
} l7_verdict;

/**
 * \brief Create an engine.
 * \param[out] out receives the engine; NULL on failure
 * \param rs the ruleset to start with (the engine takes a reference); NULL
 *        = an empty ruleset (everything accepted; with `enabled=auto`
 *        tracking stays off until a ruleset with rules is set)
 * \param opts options, or NULL for the defaults
 * \param alloc allocator hooks, or NULL
 * \return #L7_OK, #L7_EINVAL, #L7_ERANGE (an option out of range) or
 *         #L7_ENOMEM
 */
L7_API int l7_engine_create(l7_engine **out, l7_ruleset *rs,
                            const l7_engine_options *opts, const l7_allocator *alloc);

/**
 * \brief Destroy an engine (its connections, counters and references).
 * \param e the engine, or NULL
 */
L7_API void l7_engine_destroy(l7_engine *e);

/**
 * \brief Swap in a new ruleset, atomically for this engine.
 *
 * Connections, their marks and their layer-7 results stay (a result is
 * carried over by protocol name; a connection whose protocol no longer
 * exists counts as `unknown`). Counters move to rules of the new ruleset
 * with the same identity: the same rule id from the same policy, or failing
 * that the same text (family, table and every property except `comment`
 * and `disabled`). Connection-tracking settings are applied to the table.
 *
 * \param e the engine
 * \param rs the new ruleset (the engine takes a reference)
 * \return #L7_OK, #L7_EINVAL or #L7_ENOMEM (the old ruleset stays)
 */
L7_API int l7_engine_set_ruleset(l7_engine *e, l7_ruleset *rs);

/**
 * \brief The engine's current ruleset (borrowed).
 * \param e the engine
 * \return the ruleset
 */
L7_API l7_ruleset *l7_engine_ruleset(const l7_engine *e);

/**
 * \brief Run one frame through the engine.
 *
 * Sequence for the hook (§6): reassembly → connection tracking → mangle
 * prerouting → mangle forward → filter forward → mangle postrouting
 * (forward); input and output likewise. Malformed frames are dropped and
 * counted (never an error). A fragment held for reassembly gets
 * #L7_VERDICT_PENDING.
 *
 * \param[out] out the verdict (set `out->size` first)
 * \param e the engine
 * \param frame the frame
 * \param len bytes in `frame`
 * \param linktype an #l7_linktype
 * \param meta hook, interfaces and cookie; NULL = forward, none, cookie 0
 * \param now the packet's time, ns since the epoch
 * \return #L7_OK, #L7_EINVAL (NULL arguments, bad size) or #L7_ENOMEM
 *         (the packet is then dropped: `out->verdict` is drop)
 */
L7_API int l7_engine_process(l7_verdict *out, l7_engine *e, const uint8_t *frame,
                             size_t len, uint32_t linktype, const l7_packet_meta *meta,
                             uint64_t now);

/**
 * \brief Counters of one rule (`print stats`).
 * \param[out] out_packets packets matched (may be NULL)
 * \param[out] out_bytes IP bytes matched (may be NULL)
 * \param e the engine
 * \param family 4 or 6
 * \param table #l7_table
 * \param pos the rule's position
 * \return #L7_OK or #L7_ENOTFOUND
 */
L7_API int l7_engine_rule_stats(uint64_t *out_packets, uint64_t *out_bytes,
                                const l7_engine *e, uint32_t family, uint32_t table,
                                uint32_t pos);

/**
 * \brief Reset the counters of one rule (`reset-counters N`).
 * \param e the engine
 * \param family 4 or 6
 * \param table #l7_table
 * \param pos the rule's position
 * \return #L7_OK or #L7_ENOTFOUND
 */
L7_API int l7_engine_reset_rule_stats(l7_engine *e, uint32_t family, uint32_t table,
                                      uint32_t pos);

/**
 * \brief Reset every rule counter of one table (`reset-counters-all`).
 * \param e the engine
 * \param family 4 or 6
 * \param table #l7_table
 * \return #L7_OK or #L7_EINVAL
 */
L7_API int l7_engine_reset_all_stats(l7_engine *e, uint32_t family, uint32_t table);

/** \brief Engine counters read with l7_engine_stat(). */
typedef enum l7_engine_counter {
    L7_ENGINE_STAT_PACKETS = 0,           /**< frames processed */
    L7_ENGINE_STAT_BYTES = 1,             /**< bytes of frames processed */
    L7_ENGINE_STAT_ACCEPTED = 2,          /**< accepted */
    L7_ENGINE_STAT_DROPPED = 3,           /**< dropped (rules, malformed, fragments) */
    L7_ENGINE_STAT_REJECTED = 4,          /**< rejected or tarpitted */
    L7_ENGINE_STAT_INVALID_PACKET = 5,    /**< malformed frames */
    L7_ENGINE_STAT_INVALID_CONNTRACK = 6, /**< connection-state invalid */
    L7_ENGINE_STAT_FRAGMENTS = 7,         /**< fragments seen */
    L7_ENGINE_STAT_REASSEMBLED = 8,       /**< datagrams reassembled */
    L7_ENGINE_STAT_FASTTRACKED = 9,       /**< packets that skipped the rules */
    L7_ENGINE_STAT_REGEX_RUNS = 10,       /**< regexps run by the inspector */
    L7_ENGINE_STAT_REGEX_LIMIT_HITS = 11, /**< regexp runs that hit a limit */
    L7_ENGINE_STAT_LIMIT_HITS = 12,       /**< packets refused by `limit` matchers */
    L7_ENGINE_STAT_CONNECTIONS = 13,      /**< live connections */
    L7_ENGINE_STAT_LOG_EVENTS = 14,       /**< log events emitted */
    L7_ENGINE_STAT_COUNT = 15             /**< number of counters (not a counter) */
} l7_engine_counter;

/**
 * \brief Read an engine counter.
 * \param e the engine
 * \param which the counter
 * \return the value; 0 for an unknown `which`
 */
L7_API uint64_t l7_engine_stat(const l7_engine *e, l7_engine_counter which);

/**
 * \brief Count of invalid (malformed) frames by parse status.
 * \param e the engine
 * \param status an #l7_packet_status
 * \return the count
 */
L7_API uint64_t l7_engine_invalid_count(const l7_engine *e, l7_packet_status status);

/**
 * \brief Housekeeping: reclaim expired connections (at most `budget` table
 *        slots examined), expired fragments and expired address-list
 *        entries. Call it regularly, e.g. once per packet batch.
 * \param e the engine
 * \param now the time
 * \param budget connection table slots to examine
 * \return the number of connections reclaimed
 */
L7_API size_t l7_engine_expire(l7_engine *e, uint64_t now, size_t budget);

/**
 * \brief The engine's connection table, for listing connections
 *        (l7_conntrack_foreach()) and removing them. Do not change its
 *        settings or the connections' marks directly; connection marks are
 *        engine name ids (see l7_engine_conn_mark()).
 * \param e the engine
 * \return the table (borrowed)
 */
L7_API l7_conntrack *l7_engine_conntrack(const l7_engine *e);

/**
 * \brief A connection's mark name.
 * \param e the engine that owns the connection
 * \param conn the connection
 * \return the name, or NULL for `no-mark`
 */
L7_API const char *l7_engine_conn_mark(const l7_engine *e, const l7_conn *conn);

/**
 * \brief A connection's layer-7 protocol (Decision 16's column).
 * \param e the engine that owns the connection
 * \param conn the connection
 * \return the name, "unknown", or NULL while inspecting / never inspected
 */
L7_API const char *l7_engine_conn_layer7(const l7_engine *e, const l7_conn *conn);

/**
 * \brief Format a log event as RouterOS writes it, e.g.
 *        `BLOCKED-APP: forward: in:ether2 out:ether1, proto TCP (ACK,PSH),
 *        192.168.1.100:40000->93.184.216.34:80, len 52`.
 *
 * Warnings without a rule format as their message. The result is always
 * NUL-terminated when `size > 0`, truncated if needed.
 *
 * \param buf destination (may be NULL when `size` is 0)
 * \param size size of `buf`
 * \param ev the event
 * \return the length the full line needs (excluding the NUL), or
 *         #L7_EINVAL
 */
L7_API int l7_engine_log_format(char *buf, size_t size, const l7_log_event *ev);

#ifdef __cplusplus
}
#endif

#endif /* L7_ENGINE_H */
