/**
 * \file l7/inspect.h
 * \brief The layer-7 inspection window of a connection and the matcher
 *        that runs a protocol set over it (routeros-spec.md §1.2).
 *
 * Two objects:
 *
 * - an #l7_inspector per thread: a reference to a shared #l7_protoset, the
 *   window options, a match scratch and counters. Not thread-safe; one per
 *   worker thread, all sharing one protocol set;
 * - an #l7_inspect_state per connection: a few words while idle, plus a
 *   payload buffer that exists only while the connection is being
 *   inspected (allocated at the first payload byte, freed as soon as the
 *   connection is classified or the window closes). The conntrack module
 *   embeds it in its records; standalone programs make one with
 *   l7_inspect_state_create().
 *
 * The host numbers the packets of each connection: `packet_no` is 1 for the
 * connection's first packet and counts every packet of **both** directions
 * (handshake, bare ACKs and retransmissions included, L1). Packets 1 to
 * `max_packets` can be inspected; at packet `max_packets + 1` the connection
 * becomes `unknown`. Payload is appended once per packet (L12), NUL bytes
 * removed, both directions in arrival order without separator, up to
 * `max_bytes` (L2). The answers are those of running the regexps on the
 * whole collected buffer, only for packets that added bytes (L5, D-L4); the
 * first match wins for the connection's life (L6).
 *
 * What a run costs: a protocol never runs twice on the same buffer, and a
 * run does not rescan what earlier runs on the same connection ruled out.
 * A regexp anchored with `^` that can no longer match whatever bytes follow
 * is not run again (l7_inspect_stats::regex_skipped); one whose matches
 * have a bounded length resumes just before the bytes it has not seen; one
 * with `*` or `+` resumes at the old end when no match attempt reached it
 * (l7_inspect_stats::bytes_skipped). This state costs three bits per
 * protocol of the set, allocated with the buffer and freed with it.
 *
 * Two ways to drive it:
 *
 * - **rule-driven** (RouterOS semantics, what the policy layer calls): for
 *   each packet and each `layer7-protocol=[!]N` matcher evaluated, call
 *   l7_inspect_rule(); it collects the packet if not yet collected and says
 *   whether the connection is protocol N. Negation is the caller's: XOR the
 *   result (L9). Call l7_inspect_observe() for every packet of a connection
 *   before the rules run: it implements `collect=always` and frees the
 *   buffer as soon as the window closes;
 * - **classify-all** (standalone analysers): call l7_inspect_classify() for
 *   every packet; every enabled protocol is tried in set order.
 */
#ifndef L7_INSPECT_H
#define L7_INSPECT_H

#include "l7/common.h"
#include "l7/pattern.h"
#include "l7/protoset.h"

#ifdef __cplusplus
extern "C" {
#endif

/** \brief Per-thread inspection context (opaque). */
typedef struct l7_inspector l7_inspector;

/** \brief Per-connection inspection state (opaque to programs). */
typedef struct l7_inspect_state l7_inspect_state;

/** \brief Where a connection's classification stands. */
typedef enum l7_inspect_status {
    /** The window is open (or not started): protocol `unset`. */
    L7_INSPECT_INSPECTING = 0,
    /** A protocol matched; it sticks for the connection's life. */
    L7_INSPECT_CLASSIFIED = 1,
    /** The window closed without a match: protocol `unknown`. */
    L7_INSPECT_UNKNOWN = 2
} l7_inspect_status;

/** \brief Result of l7_inspect_rule() (errors are negative `L7_E*`). */
typedef enum l7_inspect_result {
    L7_INSPECT_NO = 0,  /**< the connection is not (yet) protocol N */
    L7_INSPECT_YES = 1, /**< the connection is protocol N */
    /**
     * Not matched because N's regexp hit a match limit on this buffer
     * (counted in l7_inspect_stats::limit_hits): treat as #L7_INSPECT_NO
     * and raise a `firewall,warning` event.
     */
    L7_INSPECT_LIMIT = 2
} l7_inspect_result;

/**
 * \brief Inspector options. Initialise with l7_inspect_options_init().
 *
 * The `compat-l7filter` dialect switch is a protocol-set option
 * (l7_protoset_options::pattern), because regexps are compiled when they
 * are added to the set.
 */
typedef struct l7_inspect_options {
    /** `sizeof(l7_inspect_options)` as the caller knows it. */
    uint32_t size;
    /** Packets of both directions that can be inspected; default 10 (1..1000). */
    uint32_t max_packets;
    /** Payload bytes kept after NUL stripping; default 2048 (1..65536, Decision 1). */
    uint32_t max_bytes;
    /**
     * Nonzero: the kernel's L11 rule, a connection is inspected only if an
     * L7 matcher sees its first packet. 0 (default, D-L3): inspection
     * starts at the first L7 evaluation while the window is open.
     */
    uint32_t strict_first_packet;
    /**
     * Nonzero: `collect=always` (Decision 2), l7_inspect_observe() collects
     * every packet of the window whatever the rules do. 0 (default):
     * collected only when an L7 matcher is evaluated (L10).
     */
    uint32_t collect_always;
    /** Match limits for every regexp run (zeros = defaults). */
    l7_pattern_limits limits;
} l7_inspect_options;

/**
 * \brief Fill `opts` with the defaults and set its `size`.
 * \param opts options to initialise (ignored when NULL)
 */
L7_API void l7_inspect_options_init(l7_inspect_options *opts);

/**
 * \brief Counters of an inspector (since creation).
 */
typedef struct l7_inspect_stats {
    /** `sizeof(l7_inspect_stats)`: set by the caller before the call. */
    uint32_t size;
    /** Protocol id of the last regexp that hit a limit (#L7_PROTO_ID_NONE if none). */
    uint32_t last_limit_protocol;
    /** Regexps run. */
    uint64_t regex_runs;
    /** Regexp runs that hit a match/depth/heap limit (counted as no match). */
    uint64_t limit_hits;
    /** Payload bytes appended to inspection buffers (after NUL stripping). */
    uint64_t bytes_inspected;
    /** Packets appended (including those that added 0 bytes). */
    uint64_t packets_collected;
    /** Connections classified as a protocol. */
    uint64_t classified;
    /** Connections given up as `unknown`. */
    uint64_t unknown;
    /**
     * Regexp runs saved: a protocol whose anchored regexp was shown unable
     * to match the connection whatever bytes follow is not run again.
     */
    uint64_t regex_skipped;
    /**
     * Buffer bytes the regexp runs started after: a run that resumes where
     * an earlier run on the same connection proved nothing new can begin
     * skips the bytes before that point (each skipped byte counted once).
     */
    uint64_t bytes_skipped;
} l7_inspect_stats;

/**
 * \brief Create an inspector for one thread.
 * \param[out] out receives the inspector; NULL on failure
 * \param set the protocol set; the inspector takes its own reference
 * \param opts options, or NULL for the defaults
 * \param alloc allocator hooks, or NULL
 * \return #L7_OK, #L7_EINVAL, #L7_ERANGE (option out of range) or #L7_ENOMEM
 */
L7_API int l7_inspect_create(l7_inspector **out, l7_protoset *set,
                             const l7_inspect_options *opts, const l7_allocator *alloc);

/**
 * \brief Destroy an inspector (drops its protocol-set reference).
 * \param insp the inspector, or NULL
 */
L7_API void l7_inspect_destroy(l7_inspector *insp);

/**
 * \brief The inspector's protocol set (borrowed).
 * \param insp the inspector
 * \return the set
 */
L7_API l7_protoset *l7_inspect_protoset(const l7_inspector *insp);

/**
 * \brief Copy the counters.
 * \param[out] out the counters; set `out->size` to `sizeof(*out)` first
 * \param insp the inspector
 * \return #L7_OK or #L7_EINVAL
 */
L7_API int l7_inspect_get_stats(l7_inspect_stats *out, const l7_inspector *insp);

/**
 * \brief Create a connection state (inspecting, no buffer yet).
 * \param[out] out receives the state
 * \param insp the inspector whose allocator the state uses
 * \return #L7_OK, #L7_EINVAL or #L7_ENOMEM
 */
L7_API int l7_inspect_state_create(l7_inspect_state **out, l7_inspector *insp);

/**
 * \brief Destroy a connection state and its buffer.
 * \param insp the inspector it was created with
 * \param state the state, or NULL
 */
L7_API void l7_inspect_state_destroy(l7_inspector *insp, l7_inspect_state *state);

/**
 * \brief Forget everything about the connection (a new connection reuses
 *        the state).
 * \param insp the inspector it was created with
 * \param state the state
 */
L7_API void l7_inspect_state_reset(l7_inspector *insp, l7_inspect_state *state);

/**
 * \brief Host hook, called once for every packet of a connection (before
 *        its rules run).
 *
 * With `collect_always` it appends the payload (no regexp runs). In any
 * case, past the window it frees the buffer and marks the connection
 * `unknown`; the first l7_inspect_rule() call after that still answers
 * false for `unknown`, as the kernel's give-up evaluation does (L7).
 *
 * \param insp the inspector
 * \param state the connection's state
 * \param packet_no the packet's number in the connection (1-based, both
 *        directions)
 * \param payload layer-4 payload (may be NULL when `len` is 0)
 * \param len payload length
 * \return the #l7_inspect_status after the call, or a negative `L7_E*`
 */
L7_API int l7_inspect_observe(l7_inspector *insp, l7_inspect_state *state,
                              uint64_t packet_no, const uint8_t *payload, size_t len);

/**
 * \brief Rule-driven evaluation of `layer7-protocol=N` for one packet.
 *
 * Collects the packet if not yet collected (once per packet, however many
 * rules evaluate it), runs N's regexp if the packet added bytes and N was
 * not yet tried on this buffer, and answers. Special ids: #L7_PROTO_ID_UNSET
 * is true while inspecting on a packet that added bytes;
 * #L7_PROTO_ID_UNKNOWN is true once the connection gave up (not on the
 * evaluation that gives up). A disabled or removed protocol never matches.
 * The result is **not** negated: for `!N` the caller XORs
 * (`(r == L7_INSPECT_YES) ^ negate`).
 *
 * \param insp the inspector
 * \param state the connection's state
 * \param packet_no the packet's number in the connection (1-based)
 * \param payload layer-4 payload (may be NULL when `len` is 0)
 * \param len payload length
 * \param proto_id the rule's protocol id (from l7_protoset_lookup())
 * \return #L7_INSPECT_YES, #L7_INSPECT_NO, #L7_INSPECT_LIMIT, or a negative
 *         `L7_E*` (#L7_EINVAL, #L7_ENOMEM: the packet could not be collected)
 */
L7_API int l7_inspect_rule(l7_inspector *insp, l7_inspect_state *state,
                           uint64_t packet_no, const uint8_t *payload, size_t len,
                           uint32_t proto_id);

/**
 * \brief Classify-all evaluation for one packet: collect it and try every
 *        enabled protocol in set order (first match wins).
 *
 * \param insp the inspector
 * \param state the connection's state
 * \param packet_no the packet's number in the connection (1-based)
 * \param payload layer-4 payload (may be NULL when `len` is 0)
 * \param len payload length
 * \return the #l7_inspect_status after the packet, or a negative `L7_E*`
 */
L7_API int l7_inspect_classify(l7_inspector *insp, l7_inspect_state *state,
                               uint64_t packet_no, const uint8_t *payload, size_t len);

/**
 * \brief Where the connection stands.
 * \param state the state
 * \return an #l7_inspect_status value (#L7_INSPECT_INSPECTING for NULL)
 */
L7_API int l7_inspect_state_status(const l7_inspect_state *state);

/**
 * \brief The connection's protocol: an id of the set when classified,
 *        #L7_PROTO_ID_UNKNOWN after give-up, #L7_PROTO_ID_UNSET while
 *        inspecting.
 * \param state the state
 * \return the id
 */
L7_API uint32_t l7_inspect_state_protocol(const l7_inspect_state *state);

/**
 * \brief The connection's protocol as a name: the protocol's name,
 *        "unknown", or "unset" while inspecting.
 * \param insp the inspector (its set names the id)
 * \param state the state
 * \return a string owned by the set or static; "" when the protocol was
 *         removed from the set since
 */
L7_API const char *l7_inspect_state_protocol_name(const l7_inspector *insp,
                                                  const l7_inspect_state *state);

/**
 * \brief Payload bytes collected so far (0 once the buffer is freed).
 * \param state the state
 * \return the byte count
 */
L7_API uint32_t l7_inspect_state_buffered(const l7_inspect_state *state);

#ifdef __cplusplus
}
#endif

#endif /* L7_INSPECT_H */
