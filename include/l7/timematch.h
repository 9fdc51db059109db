/**
 * \file l7/timematch.h
 * \brief RouterOS `time=` windows: `8h-17h,mon,tue,wed,thu,fri`.
 *
 * A window is parsed once into a small immutable object and evaluated for
 * every packet against the local wall clock of a time zone (l7/tz.h):
 *
 * - syntax `START-END[,START-END...][,day...]`; times are RouterOS
 *   durations from `0s` to `1d` (`8h`, `8h30m`, `17h59m59s`, `08:30:00`,
 *   `0s`, `1d`, a bare number of seconds); days are
 *   `sun,mon,tue,wed,thu,fri,sat`; no days means every day;
 * - a window is `[START, END)`: the start second matches, the end second
 *   does not;
 * - START > END wraps over midnight (`18h-8h`), and the day list is checked
 *   against the day on which the window **opened**: `22h-6h,fri` covers
 *   Friday 22:00 to Saturday 06:00, not Friday 00:00-06:00 (routeros-spec
 *   Decision 7);
 * - START == END is an empty window (accepted with a warning); `0s-1d` is
 *   the whole day;
 * - several ranges form a union and the day list applies to each
 *   (Decision 8). RouterOS itself accepts exactly one range, so this is an
 *   extension: l7_timematch_is_extension() tells a strict loader to refuse
 *   it and an exporter to mark it;
 * - daylight saving time: the local wall clock decides, so a skipped hour
 *   never matches and a repeated hour matches twice.
 *
 * Objects are immutable after creation and may be evaluated from any
 * number of threads at once. They are not reference-counted: the owner
 * (usually a ruleset) destroys them.
 */
#ifndef L7_TIMEMATCH_H
#define L7_TIMEMATCH_H

#include "l7/common.h"
#include "l7/tz.h"

#ifdef __cplusplus
extern "C" {
#endif

/** \brief A compiled, immutable time window. */
typedef struct l7_timematch l7_timematch;

/** \brief Most ranges one `time=` value may list. */
#define L7_TIMEMATCH_MAX_RANGES 32

/** \brief Longest `time=` text accepted, in bytes. */
#define L7_TIMEMATCH_MAX_TEXT 1024

/**
 * \brief Bits of l7_timematch_days(): bit `n` is weekday `n` (0 = Sunday).
 */
typedef enum l7_weekday_bit {
    L7_DAY_SUN = 0x01, /**< Sunday */
    L7_DAY_MON = 0x02, /**< Monday */
    L7_DAY_TUE = 0x04, /**< Tuesday */
    L7_DAY_WED = 0x08, /**< Wednesday */
    L7_DAY_THU = 0x10, /**< Thursday */
    L7_DAY_FRI = 0x20, /**< Friday */
    L7_DAY_SAT = 0x40  /**< Saturday */
} l7_weekday_bit;

/**
 * \brief Parse a `time=` value.
 *
 * Every problem is added to `diags` with its 1-based byte column in
 * `text` and the length of the offending token (a caller that found the
 * value inside a script shifts them with its own line and column).
 * Errors: a bad time (`8x`), a time outside `0s`..`1d`, a missing `-`, an
 * unknown day name, a range after a day name, an empty item, too many
 * ranges. Warnings: an empty window (START == END), a day listed twice.
 *
 * \param[out] out receives the matcher; NULL on failure
 * \param text the value, e.g. `"9h-12h,14h-17h,mon,tue"` (need not be
 *        NUL-terminated)
 * \param len length of `text` in bytes, at most #L7_TIMEMATCH_MAX_TEXT
 * \param alloc allocator hooks, or NULL for the C library's
 * \param diags optional list receiving errors and warnings
 * \return #L7_OK; #L7_ESYNTAX, #L7_ERANGE or #L7_ELIMIT for the first
 *         error found (all of them are in `diags`); #L7_EINVAL, #L7_ENOMEM
 */
L7_API int l7_timematch_create(l7_timematch **out, const char *text, size_t len,
                               const l7_allocator *alloc, l7_diag_list *diags);

/**
 * \brief Destroy a matcher.
 * \param tm the matcher, or NULL
 */
L7_API void l7_timematch_destroy(l7_timematch *tm);

/**
 * \brief Does the instant `now` fall inside the window, in zone `tz`?
 * \param tm the matcher
 * \param tz the zone whose wall clock is used (NULL counts as UTC)
 * \param now nanoseconds since the Unix epoch (UTC)
 * \return 1 inside the window, 0 outside (and 0 when `tm` is NULL)
 */
L7_API int l7_timematch_eval(const l7_timematch *tm, const l7_tz *tz, uint64_t now);

/**
 * \brief Same as l7_timematch_eval() with a local time already computed
 *        by l7_tz_to_local(), so that one packet's local time serves every
 *        time matcher of a ruleset.
 * \param tm the matcher
 * \param local the local time (only `weekday` and `second_of_day` are read)
 * \return 1 inside the window, 0 outside (and 0 when an argument is NULL)
 */
L7_API int l7_timematch_eval_local(const l7_timematch *tm, const l7_local_time *local);

/**
 * \brief Number of ranges listed (at least 1).
 * \param tm the matcher
 * \return the count; 0 when `tm` is NULL
 */
L7_API uint32_t l7_timematch_range_count(const l7_timematch *tm);

/**
 * \brief One range, as written, in seconds after midnight.
 * \param[out] out_start receives START (0..86400)
 * \param[out] out_end receives END (0..86400)
 * \param tm the matcher
 * \param index 0-based, below l7_timematch_range_count()
 * \return #L7_OK, or #L7_EINVAL for a NULL pointer or an index out of range
 */
L7_API int l7_timematch_range(uint32_t *out_start, uint32_t *out_end,
                              const l7_timematch *tm, uint32_t index);

/**
 * \brief The day list as #l7_weekday_bit flags.
 * \param tm the matcher
 * \return the listed days; 0 when no day was listed (every day matches)
 *         or `tm` is NULL
 */
L7_API uint32_t l7_timematch_days(const l7_timematch *tm);

/**
 * \brief Whether the value uses a libl7 extension RouterOS refuses (more
 *        than one range).
 * \param tm the matcher
 * \return 1 when it does, else 0
 */
L7_API int l7_timematch_is_extension(const l7_timematch *tm);

/**
 * \brief Format the window in RouterOS's canonical form, as `export`
 *        prints it: `8h-17h,mon,tue,wed,thu,fri`, `8h30m-17h59m59s`,
 *        `0s-1d`; days in the order sun..sat, each once.
 *
 * Like snprintf: the output is always NUL-terminated when `size > 0` and
 * truncated to fit.
 *
 * \param tm the matcher
 * \param buf destination (may be NULL when `size` is 0)
 * \param size size of `buf` in bytes
 * \return the length the full text needs (excluding the NUL), or
 *         #L7_EINVAL when `tm` is NULL
 */
L7_API int l7_timematch_format(const l7_timematch *tm, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* L7_TIMEMATCH_H */
