/**
 * \file l7/qtree.h
 * \brief Queue trees: hierarchical token buckets with RouterOS semantics.
 *
 * A queue tree shapes packets the way RouterOS's `/queue tree` does
 * (limit-at, max-limit, priority, burst, bucket-size; pfifo and bfifo leaf
 * queues). It is used in two phases:
 *
 * 1. **Build.** A definition (#l7_qtree_def) collects queues by name, each
 *    with an #l7_qtree_props filled by l7_qtree_props_init() and then
 *    changed. Parents are referred to by name and may be added in any
 *    order. The host declares its interface names with
 *    l7_qtree_def_add_interface(); `global` always exists.
 * 2. **Run.** l7_qtree_create() validates and compiles a definition into a
 *    running tree (#l7_qtree): parents resolved, cycles and unknown parents
 *    refused, load warnings added (priorities or limit-ats that cannot have
 *    an effect, duplicate packet marks, inner queues with packet marks,
 *    children's limit-ats above the parent's, a child's max-limit above the
 *    parent's). The host then calls l7_qtree_enqueue() and
 *    l7_qtree_dequeue() with its own clock.
 *
 * **Roots.** `global` and each declared interface are independent HTBs
 * ("roots"). Root ids: #L7_QTREE_ROOT_GLOBAL is 0, interfaces are numbered
 * 1, 2, ... in the order they were declared (l7_qtree_root_lookup()).
 *
 * **Packet marks.** Queue definitions name marks (`packet-mark=a,b`,
 * `no-mark`); the packet path passes marks as `uint32_t` ids, 0 meaning
 * "no mark". l7_qtree_create() turns names into ids through the caller's
 * #l7_qtree_options::mark_id callback (so the engine can use its own
 * interned ids); without a callback the tree numbers the names itself
 * (1, 2, ... in order of first appearance) and l7_qtree_mark_lookup() tells
 * them. A packet goes to the first leaf, in configuration order, of the
 * root it is enqueued to whose mark list contains its mark (RouterOS spec,
 * Decision 13); no such leaf means #L7_QTREE_NOT_SHAPED.
 *
 * **Scheduling** (routeros-spec.md §7.3, Linux-HTB-like). Every queue has a
 * CIR bucket (rate limit-at) and a MIR bucket (rate max-limit, or
 * burst-limit while a burst is allowed), each holding `bucket-size` seconds
 * of its rate (at least one 1514-byte frame). A bucket lets a packet
 * through while it is not in debt, and the packet may take it into debt
 * (as in Linux HTB: a rule of "enough tokens for the head packet" would let
 * small packets starve big ones behind a shared parent). A top-level queue
 * with no limit-at uses its max-limit as CIR. A leaf is *green* when
 * neither of its buckets is in debt, *yellow* when only the CIR bucket is
 * and *red* otherwise. l7_qtree_dequeue() sends green leaves first; then
 * yellow leaves that can borrow, those borrowing from the deepest lending
 * ancestor first (an ancestor lends when it is green itself; the root lends
 * without limit), by priority (1 first; only for leaves with a max-limit),
 * byte-fair deficit round robin (quantum 1514 bytes) among equal
 * priorities. The round robin is flat (Decision 12): one ring per class
 * (green, or borrowing from depth d; and priority) over all the root's
 * leaves in that class, whichever ancestor they borrow from, in the order
 * they last became backlogged; a leaf keeps separate credit for sending
 * green and for borrowing. (Linux HTB instead shares per branch, level by
 * level.) A sent packet is charged to the MIR bucket of the leaf and
 * every ancestor, and to the CIR bucket of the lender and every ancestor of
 * it (as Linux HTB does: a borrower's own guarantee is not consumed by what
 * it borrowed). Green leaves send even when that pushes an ancestor past its
 * max-limit (MikroTik's "every queue gets its limit-at first"). Buckets
 * start full; debt is bounded by one bucket plus the packet being charged
 * (so charging a small packet to a bucket deeper in debt, after a big one,
 * lifts it to that bound).
 *
 * **Burst** (§7.4). With burst-limit, burst-threshold and burst-time all set,
 * the queue's average rate is the bits it sent in the last 16 slots of
 * burst-time/16 each (slot boundaries aligned to the tree's creation time),
 * divided by burst-time, recomputed at each boundary; while it is strictly
 * below burst-threshold the MIR bucket fills at burst-limit.
 *
 * **Cost.** Enqueue and dequeue cost O(depth x 8 + log q), q being the
 * number of queues that hold packets, not a scan of the backlogged leaves:
 * each such queue keeps its mode (green, yellow, red) and the next time it
 * can change by itself in a min-heap; counters per inner queue and per
 * (lending depth, priority) find the class to serve, and bitsets per
 * priority give the round robin's next leaf. One walk remains: serving a
 * borrowing class steps over yellow leaves of the same priority that borrow
 * from another depth or are held by a red ancestor (O(depth) each; a leaf
 * held by its own parent is stepped over once, then set aside until the
 * parent can lend again). The
 * choices are exactly those of a plain evaluation of every leaf (a test
 * compares them packet by packet). A WAIT's `next` is the earliest time at
 * which any queue holding packets can change mode: a lower bound, so
 * asking then may just give a later time. Nothing is allocated per packet
 * once a leaf's queue has reached its high-water mark.
 *
 * **Statistics.** Per queue: packets and bytes sent, packets dropped,
 * packets and bytes queued (an inner queue counts its subtree), and rates:
 * bits and packets sent in the last complete one-second window (windows
 * aligned to the tree's creation time).
 *
 * **Threads.** A tree has no internal lock. Calls that take a `const
 * l7_qtree *` may run concurrently with each other; any other call on a
 * tree needs exclusive access (the host's lock, or one shaper thread). A
 * definition is used by one thread at a time.
 */
#ifndef L7_QTREE_H
#define L7_QTREE_H

#include "l7/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** \brief Root id of the global HTB (`parent=global`). */
#define L7_QTREE_ROOT_GLOBAL 0u
/** \brief Mark id meaning "the packet has no mark" (`no-mark`). */
#define L7_QTREE_NO_MARK 0u
/** \brief Most queues one tree may hold. */
#define L7_QTREE_MAX_QUEUES 262144u
/** \brief Most levels of queues below a root (a top-level queue is level 1). */
#define L7_QTREE_MAX_DEPTH 16u
/** \brief Longest queue, interface or packet-mark name, in bytes. */
#define L7_QTREE_MAX_NAME 255u
/** \brief Largest packet length accepted by l7_qtree_enqueue(), in bytes. */
#define L7_QTREE_MAX_PACKET 262144u
/** \brief Largest rate (limit-at, max-limit, burst-limit, threshold), bit/s. */
#define L7_QTREE_MAX_RATE 1000000000000ull
/** \brief Largest pfifo size, in packets. */
#define L7_QTREE_MAX_PFIFO 65536u
/** \brief Largest bfifo size, in bytes. */
#define L7_QTREE_MAX_BFIFO 67108864u
/** \brief Largest bucket-size, in thousandths (10.000). */
#define L7_QTREE_MAX_BUCKET_MILLI 10000u

/** \brief A tree definition being built (opaque). */
typedef struct l7_qtree_def l7_qtree_def;

/** \brief A compiled, running queue tree (opaque). */
typedef struct l7_qtree l7_qtree;

/** \brief Leaf queue disciplines (RouterOS queue-type kinds). */
typedef enum l7_qtree_kind {
    L7_QTREE_PFIFO = 0, /**< FIFO limited in packets; tail drop */
    L7_QTREE_BFIFO = 1  /**< FIFO limited in bytes; tail drop */
} l7_qtree_kind;

/**
 * \brief Properties of one queue (`/queue tree add ...`).
 *
 * Always fill it with l7_qtree_props_init() first: it sets `size` and the
 * RouterOS defaults. New fields are only ever added at the end.
 */
typedef struct l7_qtree_props {
    /** sizeof(l7_qtree_props), set by l7_qtree_props_init(). */
    uint32_t size;
    /** `priority`, 1 (highest) .. 8 (lowest); default 8. */
    uint32_t priority;
    /** `limit-at` (CIR) in bit/s; 0 = none (default). */
    uint64_t limit_at;
    /** `max-limit` (MIR) in bit/s; 0 = unlimited (default). */
    uint64_t max_limit;
    /** `burst-limit` in bit/s; 0 = no burst (default). */
    uint64_t burst_limit;
    /** `burst-threshold` in bit/s; 0 = no burst (default). */
    uint64_t burst_threshold;
    /** `burst-time` in nanoseconds; 0 = no burst (default). */
    uint64_t burst_time;
    /** `bucket-size` in thousandths, 0..10000; default 100 (0.1). */
    uint32_t bucket_size_milli;
    /** Leaf discipline, an #l7_qtree_kind; default #L7_QTREE_PFIFO. */
    uint32_t queue_kind;
    /** Leaf queue size: packets (pfifo) or bytes (bfifo), at least 1;
     *  default 10 (`default-small`). */
    uint32_t queue_limit;
    /** Source line of the definition, copied into diagnostics (0 = none). */
    uint32_t line;
    /** `packet-mark`: comma-separated mark names (`no-mark` = unmarked
     *  packets), or NULL / "" for none (default). Copied by
     *  l7_qtree_def_add(). */
    const char *packet_marks;
} l7_qtree_props;

/**
 * \brief Fill `props` with RouterOS's defaults: priority 8, no limit-at,
 *        unlimited max-limit, no burst, bucket-size 0.1, queue
 *        `default-small` (pfifo 10), no packet mark.
 * \param props the struct to fill (NULL is ignored)
 */
L7_API void l7_qtree_props_init(l7_qtree_props *props);

/**
 * \brief Set the leaf discipline from a RouterOS queue-type name.
 *
 * Known names: `default`, `ethernet-default` (pfifo 50), `default-small`
 * (pfifo 10). The SFQ/PCQ types (`wireless-default`, `pcq-*-default`) are
 * not supported yet.
 *
 * \param props properties to change
 * \param type the queue-type name
 * \return #L7_OK, #L7_EINVAL (NULL argument), #L7_EUNSUPPORTED (an SFQ or
 *         PCQ type) or #L7_ENOTFOUND (an unknown name)
 */
L7_API int l7_qtree_props_set_queue_type(l7_qtree_props *props, const char *type);

/**
 * \brief Create an empty definition.
 * \param[out] out receives the definition; NULL on failure
 * \param alloc allocator hooks, or NULL; inherited by trees made from it
 * \return #L7_OK, #L7_EINVAL or #L7_ENOMEM
 */
L7_API int l7_qtree_def_create(l7_qtree_def **out, const l7_allocator *alloc);

/**
 * \brief Destroy a definition (trees made from it are independent).
 * \param def the definition, or NULL
 */
L7_API void l7_qtree_def_destroy(l7_qtree_def *def);

/**
 * \brief Declare an interface name that queues may use as `parent`.
 *
 * Each interface is its own root; root ids follow the order of these calls,
 * starting at 1. Declaring the same name twice is #L7_EEXIST.
 *
 * \param def the definition
 * \param name interface name (1..#L7_QTREE_MAX_NAME printable bytes, no
 *        comma, not `global`)
 * \return #L7_OK, #L7_EINVAL, #L7_EEXIST, #L7_ELIMIT or #L7_ENOMEM
 */
L7_API int l7_qtree_def_add_interface(l7_qtree_def *def, const char *name);

/**
 * \brief Add a queue.
 *
 * Checks the name and each property's range; parents are only resolved by
 * l7_qtree_create(), so they may be added later.
 *
 * \param def the definition
 * \param name queue name (1..#L7_QTREE_MAX_NAME printable bytes, no comma,
 *        not `global`), unique
 * \param parent `global`, a declared interface or another queue's name
 * \param props the properties (from l7_qtree_props_init()); NULL = defaults
 * \param diag optional list that receives an error naming the queue
 * \return #L7_OK, #L7_EINVAL (bad name or struct), #L7_ERANGE (a property
 *         out of range), #L7_EEXIST (duplicate name), #L7_ELIMIT (more than
 *         #L7_QTREE_MAX_QUEUES) or #L7_ENOMEM
 */
L7_API int l7_qtree_def_add(l7_qtree_def *def, const char *name, const char *parent,
                            const l7_qtree_props *props, l7_diag_list *diag);

/**
 * \brief Number of queues in a definition.
 * \param def the definition, or NULL (0)
 * \return the number of queues added
 */
L7_API uint32_t l7_qtree_def_count(const l7_qtree_def *def);

/**
 * \brief Options for l7_qtree_create().
 *
 * Zero-fill it and set `size` = sizeof(l7_qtree_options).
 */
typedef struct l7_qtree_options {
    /** sizeof(l7_qtree_options). */
    uint32_t size;
    /** Reserved, set to 0. */
    uint32_t reserved;
    /**
     * Turns a packet-mark name into the id the host will pass to
     * l7_qtree_enqueue(): store a non-zero id in `*out` and return 0, or
     * return a negative `L7_E*` code to fail the compile. Called once per
     * distinct name, during l7_qtree_create() only. NULL: the tree numbers
     * names itself.
     */
    int (*mark_id)(uint32_t *out, const char *name, void *user);
    /** Passed to `mark_id`. */
    void *mark_user;
} l7_qtree_options;

/**
 * \brief Compile a definition into a running tree.
 *
 * Every error (unknown parent, cycle, too deep, interface/queue name clash)
 * and warning (settings that can have no effect) is added to `diag`, named
 * after the queue and carrying its #l7_qtree_props::line. Queue ids are the
 * definition's order: 0, 1, ...
 *
 * \param[out] out receives the tree; NULL on failure
 * \param def the definition (not changed; may be destroyed afterwards)
 * \param opts options, or NULL for defaults
 * \param now creation time (ns since the epoch); burst slots and rate
 *        windows are aligned to it
 * \param diag optional diagnostics list
 * \return #L7_OK, #L7_EINVAL (any definition error), #L7_ENOTFOUND (an unknown
 *         parent), #L7_ELIMIT (too deep), #L7_ENOMEM, or the mark_id
 *         callback's error
 */
L7_API int l7_qtree_create(l7_qtree **out, const l7_qtree_def *def,
                           const l7_qtree_options *opts, uint64_t now,
                           l7_diag_list *diag);

/**
 * \brief Destroy a tree. Packets still queued are forgotten (their handles
 *        belong to the host: drain with l7_qtree_flush() first).
 * \param tree the tree, or NULL
 */
L7_API void l7_qtree_destroy(l7_qtree *tree);

/**
 * \brief Find a root by name (`global` or a declared interface).
 * \param[out] out receives the root id
 * \param tree the tree
 * \param name the name
 * \return #L7_OK, #L7_EINVAL or #L7_ENOTFOUND
 */
L7_API int l7_qtree_root_lookup(uint32_t *out, const l7_qtree *tree, const char *name);

/**
 * \brief The id a packet-mark name was given at compile time.
 * \param[out] out receives the id (`no-mark` gives #L7_QTREE_NO_MARK)
 * \param tree the tree
 * \param name the mark name
 * \return #L7_OK, #L7_EINVAL or #L7_ENOTFOUND (no queue names that mark)
 */
L7_API int l7_qtree_mark_lookup(uint32_t *out, const l7_qtree *tree, const char *name);

/**
 * \brief Number of queues (ids are 0 .. count-1, in configuration order).
 * \param tree the tree, or NULL (0)
 * \return the number of queues
 */
L7_API uint32_t l7_qtree_queue_count(const l7_qtree *tree);

/**
 * \brief Find a queue by name.
 * \param[out] out receives the queue id
 * \param tree the tree
 * \param name the queue name
 * \return #L7_OK, #L7_EINVAL or #L7_ENOTFOUND
 */
L7_API int l7_qtree_queue_lookup(uint32_t *out, const l7_qtree *tree, const char *name);

/**
 * \brief Name of a queue.
 * \param tree the tree
 * \param queue a queue id
 * \return the name, owned by the tree; NULL for a bad id
 */
L7_API const char *l7_qtree_queue_name(const l7_qtree *tree, uint32_t queue);

/**
 * \brief Find the leaf a packet would enter.
 * \param[out] out receives the queue id
 * \param tree the tree
 * \param root root id
 * \param mark the packet's mark id (#L7_QTREE_NO_MARK for none)
 * \return #L7_OK, #L7_ENOTFOUND (not shaped in that root) or #L7_EINVAL (bad
 *         root)
 */
L7_API int l7_qtree_classify(uint32_t *out, const l7_qtree *tree, uint32_t root,
                             uint32_t mark);

/** \brief What l7_qtree_enqueue() did with a packet. */
typedef enum l7_qtree_verdict {
    L7_QTREE_QUEUED = 0,      /**< held in a leaf; l7_qtree_dequeue() returns it */
    L7_QTREE_NOT_SHAPED = 1,  /**< no leaf of that root takes the mark: send it */
    L7_QTREE_DROPPED_FULL = 2 /**< the leaf's queue is full: drop it (counted) */
} l7_qtree_verdict;

/**
 * \brief Offer a packet to a root of the tree.
 *
 * Never allocates once the leaf's queue has reached its high-water mark.
 *
 * \param[out] out receives the verdict
 * \param[out] out_queue receives the leaf's id, or UINT32_MAX when not
 *        shaped (may be NULL)
 * \param tree the tree
 * \param root root id
 * \param mark the packet's mark id (#L7_QTREE_NO_MARK for none)
 * \param handle the host's packet handle, returned by l7_qtree_dequeue()
 * \param length packet length in bytes, 1..#L7_QTREE_MAX_PACKET
 * \param now current time (ns); must not go backwards (an earlier time is
 *        treated as the latest time seen)
 * \return #L7_OK; #L7_EINVAL for a bad root, length or argument (nothing is
 *         counted then); #L7_ENOMEM when a queue could not grow (the packet
 *         is dropped and counted)
 */
L7_API int l7_qtree_enqueue(l7_qtree_verdict *out, uint32_t *out_queue, l7_qtree *tree,
                            uint32_t root, uint32_t mark, uint64_t handle,
                            uint32_t length, uint64_t now);

/** \brief Outcome of l7_qtree_dequeue(). */
typedef enum l7_qtree_dq_status {
    L7_QTREE_SEND = 0, /**< a packet is returned: send it now */
    L7_QTREE_WAIT = 1, /**< packets are queued but none may go yet */
    L7_QTREE_EMPTY = 2 /**< nothing is queued in that root */
} l7_qtree_dq_status;

/** \brief A dequeued packet, or when to ask again. */
typedef struct l7_qtree_packet {
    /** An #l7_qtree_dq_status. */
    uint32_t status;
    /** #L7_QTREE_SEND: the leaf it came from. */
    uint32_t queue;
    /** #L7_QTREE_SEND: the host's handle given to l7_qtree_enqueue(). */
    uint64_t handle;
    /** #L7_QTREE_SEND: its length in bytes. */
    uint32_t length;
    /** Reserved, 0. */
    uint32_t reserved;
    /** #L7_QTREE_WAIT: no packet can go before this time (ns); asking
     *  then may give a packet or a later time. UINT64_MAX otherwise. */
    uint64_t next;
} l7_qtree_packet;

/**
 * \brief Take the next packet a root may send at `now`.
 * \param[out] out receives the packet, or the time to ask again
 * \param tree the tree
 * \param root root id
 * \param now current time (ns)
 * \return #L7_OK or #L7_EINVAL (#L7_EINTERNAL would be a scheduler bug: its
 *         counters promised a leaf that its round robin could not find)
 */
L7_API int l7_qtree_dequeue(l7_qtree_packet *out, l7_qtree *tree, uint32_t root,
                            uint64_t now);

/**
 * \brief Take the next queued packet of a root regardless of its shaping
 *        (to drain a tree before destroying or replacing it). Counted as
 *        sent.
 * \param[out] out receives the packet (#L7_QTREE_SEND) or #L7_QTREE_EMPTY
 * \param tree the tree
 * \param root root id
 * \param now current time (ns)
 * \return #L7_OK or #L7_EINVAL
 */
L7_API int l7_qtree_flush(l7_qtree_packet *out, l7_qtree *tree, uint32_t root,
                          uint64_t now);

/** \brief Statistics of one queue (`/queue tree print stats`). */
typedef struct l7_qtree_stats {
    /** Set by the caller to sizeof(l7_qtree_stats); fields beyond it are not
     *  written. */
    uint32_t size;
    /** 1 for a leaf, 0 for an inner queue. */
    uint32_t is_leaf;
    /** Packets sent (an inner queue counts its subtree). */
    uint64_t packets;
    /** Bytes sent. */
    uint64_t bytes;
    /** Packets dropped because a queue was full. */
    uint64_t dropped;
    /** Packets waiting now. */
    uint64_t queued_packets;
    /** Bytes waiting now. */
    uint64_t queued_bytes;
    /** Bits sent in the last complete one-second window. */
    uint64_t rate;
    /** Packets sent in the last complete one-second window. */
    uint64_t packet_rate;
} l7_qtree_stats;

/**
 * \brief Read a queue's statistics.
 * \param[out] out receives them; set `out->size` first
 * \param tree the tree
 * \param queue queue id
 * \param now current time (ns), for the rate window
 * \return #L7_OK or #L7_EINVAL (bad id or size)
 */
L7_API int l7_qtree_stats_get(l7_qtree_stats *out, const l7_qtree *tree, uint32_t queue,
                              uint64_t now);

/**
 * \brief Change a running queue's rates (`/queue tree set`).
 *
 * Applies priority, limit-at, max-limit, burst-limit, burst-threshold,
 * burst-time and bucket-size from `props`, from `now` on; the tokens earned
 * before `now` are kept (clipped to the new bucket sizes). The queue type,
 * size, packet marks and parent cannot change this way (build a new tree):
 * those fields of `props` are ignored.
 *
 * \param tree the tree
 * \param queue queue id
 * \param props new properties
 * \param now current time (ns)
 * \return #L7_OK, #L7_EINVAL or #L7_ERANGE
 */
L7_API int l7_qtree_set_rates(l7_qtree *tree, uint32_t queue,
                              const l7_qtree_props *props, uint64_t now);

#ifdef __cplusplus
}
#endif

#endif /* L7_QTREE_H */
