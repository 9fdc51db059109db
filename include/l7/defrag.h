/**
 * \file l7/defrag.h
 * \brief IPv4 and IPv6 fragment reassembly, as netfilter's defrag does
 *        before conntrack.
 *
 * A host feeds every fragment (l7_packet_is_fragment()) to a reassembly
 * table together with an opaque 64-bit cookie that names the frame it
 * holds (a queue id, an index into its own ring...). The table copies the
 * fragment's data and answers:
 *
 * - #L7_DEFRAG_PENDING: kept; the host keeps holding the frame;
 * - #L7_DEFRAG_COMPLETE: this fragment completed its datagram. The whole
 *   IP datagram is available in one buffer (l7_defrag_datagram()) with its
 *   header fixed up, ready for l7_packet_parse() with #L7_LINK_IP; the
 *   verdict the host gets for it applies to every frame listed by
 *   l7_defrag_cookies() (this one included), which the host releases or
 *   drops together;
 * - #L7_DEFRAG_DROPPED: drop every frame listed by l7_defrag_cookies()
 *   (this one, plus the earlier fragments of a datagram that was thrown
 *   away); the reason is counted in #l7_defrag_stats.
 *
 * Datagrams are keyed by (source, destination, protocol, identification)
 * for IPv4 and (source, destination, identification) for IPv6.
 *
 * Overlap policy (as Linux since 4.19, and RFC 5722 for IPv6): a fragment
 * that repeats the range of one already held, or (unless it is a last
 * fragment) lies wholly inside data already held, is a duplicate: it
 * alone is dropped and the datagram goes on, keeping the bytes it first
 * received. Any other overlap drops the whole datagram. So do fragments that would make
 * the datagram larger than 65535 bytes, a second "last" fragment that disagrees on the
 * end, and data beyond the end.
 *
 * Timeout (as Linux ipfrag_time): a datagram not complete
 * l7_defrag_options.timeout_ns after its first fragment arrived is dropped
 * by l7_defrag_expire(), which reports the cookie of each of its frames.
 * When the clock steps back, a datagram whose first fragment came more than
 * the timeout after the `now` given to l7_defrag_expire() is dropped there
 * too, so that it cannot hold back the expiry of those behind it.
 * Call it regularly (every packet is fine: it only looks at the oldest
 * datagrams).
 *
 * Limits: when the memory held would exceed l7_defrag_options.max_memory,
 * or a new datagram would exceed l7_defrag_options.max_datagrams, the new
 * fragment is dropped (as Linux over ipfrag_high_thresh); a datagram that
 * would hold more than l7_defrag_options.max_fragments fragments is dropped
 * whole.
 *
 * Thread safety: a table is used by one thread at a time.
 */
#ifndef L7_DEFRAG_H
#define L7_DEFRAG_H

#include "l7/common.h"
#include "l7/packet.h"

#ifdef __cplusplus
extern "C" {
#endif

/** \brief A fragment reassembly table (opaque). */
typedef struct l7_defrag l7_defrag;

/** \brief Options for l7_defrag_create(); fill with l7_defrag_options_init(). */
typedef struct l7_defrag_options {
    /** sizeof(l7_defrag_options), set by l7_defrag_options_init() */
    uint32_t size;
    /** most fragments one datagram may have (default 128: a 64 KiB
     *  datagram over a 576-byte MTU) */
    uint32_t max_fragments;
    /** most datagrams in reassembly at once (default 1024) */
    uint32_t max_datagrams;
    /** reserved, 0 */
    uint32_t reserved;
    /** a datagram's lifetime from its first fragment, in ns (default 30 s,
     *  Linux's ipfrag_time) */
    uint64_t timeout_ns;
    /** most bytes held (fragment copies and bookkeeping; default 4 MiB,
     *  Linux's ipfrag_high_thresh) */
    uint64_t max_memory;
} l7_defrag_options;

/** \brief What l7_defrag_add() did with a fragment. */
typedef enum l7_defrag_result {
    L7_DEFRAG_PENDING = 0,  /**< kept; the datagram is not complete yet */
    L7_DEFRAG_COMPLETE = 1, /**< the datagram is complete: see l7_defrag_datagram() */
    L7_DEFRAG_DROPPED = 2   /**< drop the frames of l7_defrag_cookies() */
} l7_defrag_result;

/**
 * \brief Counters of a table (see l7_defrag_get_stats()).
 *
 * The caller sets `size`; fields beyond it are not written, so the struct
 * can grow at the end.
 */
typedef struct l7_defrag_stats {
    /** sizeof(l7_defrag_stats), set by the caller */
    uint32_t size;
    /** datagrams currently in reassembly */
    uint32_t pending_datagrams;
    /** bytes currently held (including the last reassembled buffer) */
    uint64_t memory;
    /** fragments given to l7_defrag_add() */
    uint64_t fragments;
    /** datagrams reassembled */
    uint64_t reassembled;
    /** datagrams dropped by l7_defrag_expire() */
    uint64_t timeouts;
    /** fragments dropped by l7_defrag_expire() */
    uint64_t timeout_fragments;
    /** exact duplicate fragments dropped */
    uint64_t duplicates;
    /** datagrams dropped for overlapping fragments */
    uint64_t overlaps;
    /** datagrams dropped for exceeding 65535 bytes or inconsistent ends */
    uint64_t invalid;
    /** fragments dropped (alone) over the memory or datagram cap, and
     *  datagrams dropped over the fragment cap */
    uint64_t over_limit;
    /** fragments dropped in total, by any cause except timeouts */
    uint64_t dropped_fragments;
} l7_defrag_stats;

/**
 * \brief Callback of l7_defrag_expire(): drop the frame named by `cookie`.
 * \param cookie the cookie given with the fragment to l7_defrag_add()
 * \param user the `user` pointer given to l7_defrag_expire()
 */
typedef void (*l7_defrag_drop_fn)(uint64_t cookie, void *user);

/**
 * \brief Fill `out` with the defaults and set its `size`.
 * \param[out] out the options to fill
 */
L7_API void l7_defrag_options_init(l7_defrag_options *out);

/**
 * \brief Create a reassembly table.
 * \param[out] out receives the table; NULL on failure
 * \param opts options from l7_defrag_options_init(), or NULL for the
 *        defaults; zero fields take their default
 * \param alloc allocator hooks, or NULL for the C library's
 * \return #L7_OK, #L7_EINVAL (NULL `out`, bad `size`), #L7_ERANGE (a limit
 *         out of range: max_fragments above 8192, max_datagrams above
 *         1048576) or #L7_ENOMEM
 */
L7_API int l7_defrag_create(l7_defrag **out, const l7_defrag_options *opts,
                            const l7_allocator *alloc);

/**
 * \brief Destroy a table and every fragment it holds (their cookies are
 *        not reported: expire first if the host needs them).
 * \param defrag the table, or NULL
 */
L7_API void l7_defrag_destroy(l7_defrag *defrag);

/**
 * \brief Add one fragment.
 *
 * Invalidates the previous result (datagram buffer and cookie list).
 *
 * \param[out] out what happened (#l7_defrag_result)
 * \param defrag the table
 * \param pkt a parsed fragment: l7_packet_get_status() is #L7_PACKET_OK and
 *        l7_packet_is_fragment() is 1. Its data is copied.
 * \param cookie the host's name for the frame, reported back in
 *        l7_defrag_cookies() and to l7_defrag_expire()'s callback
 * \param now current time, ns since the epoch
 * \return #L7_OK, #L7_EINVAL (NULL args, a packet that is not a well-formed
 *         fragment) or #L7_ENOMEM (the fragment is then dropped: `out` is
 *         #L7_DEFRAG_DROPPED)
 */
L7_API int l7_defrag_add(l7_defrag_result *out, l7_defrag *defrag, const l7_packet *pkt,
                         uint64_t cookie, uint64_t now);

/**
 * \brief The reassembled datagram of the last #L7_DEFRAG_COMPLETE result.
 *
 * The datagram starts at its IP header: IPv4 total length set, MF and
 * offset cleared (DF kept), checksum recomputed, options of the first
 * fragment; IPv6 payload length set and the Fragment header removed.
 * Valid until the next l7_defrag_add(), l7_defrag_expire(),
 * l7_defrag_release() or l7_defrag_destroy() on this table.
 *
 * \param defrag the table
 * \param[out] len receives the datagram's length (0 when there is none);
 *        may be NULL
 * \return the datagram, or NULL when the last result was not COMPLETE
 */
L7_API const uint8_t *l7_defrag_datagram(const l7_defrag *defrag, uint32_t *len);

/**
 * \brief Cookies of the frames the last l7_defrag_add() result applies to
 *        (every fragment of a completed or dropped datagram, in offset
 *        order; just the added fragment for a dropped duplicate or a
 *        fragment over a cap; none for PENDING).
 *
 * Valid as long as l7_defrag_datagram().
 *
 * \param defrag the table
 * \param[out] count receives the number of cookies; may be NULL
 * \return the cookies, or NULL when there are none
 */
L7_API const uint64_t *l7_defrag_cookies(const l7_defrag *defrag, uint32_t *count);

/**
 * \brief Free the last result's buffers now (they are reused otherwise).
 * \param defrag the table, or NULL
 */
L7_API void l7_defrag_release(l7_defrag *defrag);

/**
 * \brief Drop every datagram whose timeout has passed at `now`.
 *
 * Cost is proportional to the number of datagrams dropped (they are kept in
 * arrival order). A datagram at the head of that order whose first fragment
 * came more than the timeout after `now` (the clock stepped back) is
 * dropped as well. Invalidates the last l7_defrag_add() result.
 *
 * \param defrag the table
 * \param now current time, ns since the epoch
 * \param drop called once per fragment of each dropped datagram, with its
 *        cookie; may be NULL. It must not call back into this table.
 * \param user passed to `drop`
 * \return the number of datagrams dropped (>= 0), or #L7_EINVAL for a NULL
 *         table
 */
L7_API int l7_defrag_expire(l7_defrag *defrag, uint64_t now, l7_defrag_drop_fn drop,
                            void *user);

/**
 * \brief Read the counters.
 * \param[out] out counters; set `out->size` to sizeof(l7_defrag_stats) first
 * \param defrag the table
 * \return #L7_OK, or #L7_EINVAL for NULL args or a `size` below the first
 *         version of the struct
 */
L7_API int l7_defrag_get_stats(l7_defrag_stats *out, const l7_defrag *defrag);

#ifdef __cplusplus
}
#endif

#endif /* L7_DEFRAG_H */
