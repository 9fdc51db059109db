/**
 * \file l7/tz.h
 * \brief Time zones built from TZif bytes, for wall-clock matching.
 *
 * libl7 never reads `TZ`, calls `tzset()`/`localtime()` or opens files: the
 * host reads a TZif file (`/usr/share/zoneinfo/Europe/Riga`,
 * `/etc/localtime`) and hands its bytes to l7_tz_create_from_tzif(). The
 * parser follows RFC 8536 (TZif versions 1 to 4): for version 2 and later it
 * uses the 64-bit data block and the POSIX TZ footer string, which decides
 * the offset after the file's last transition (and for every instant when
 * the file has no transitions). At load time the footer's rule is laid out
 * as ordinary transitions up to the year 2200, so a lookup is one binary
 * search; later instants use the rule's arithmetic. Leap-second records are
 * skipped: `now` is POSIX time, so a `right/` zone is read as if it had no
 * leap seconds (its transitions then fall up to 27 s early).
 *
 * A zone is immutable after creation and may be used from any number of
 * threads at once without locking. It is reference-counted: l7_tz_ref()
 * takes one more reference, l7_tz_destroy() drops one and frees the zone
 * with the last.
 */
#ifndef L7_TZ_H
#define L7_TZ_H

#include "l7/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** \brief An immutable, reference-counted time zone. */
typedef struct l7_tz l7_tz;

/**
 * \brief Local (wall-clock) time of one instant, as l7_tz_to_local() gives it.
 *
 * A plain value struct with a fixed layout (24 bytes); fields are never
 * added to it.
 */
typedef struct l7_local_time {
    /** Days since 1970-01-01 in local time (negative before it). */
    int64_t day;
    /** Offset from UTC in seconds at that instant, east positive (Riga in
     *  summer: 10800). */
    int32_t utc_offset;
    /** Seconds since local midnight, 0..86399. */
    uint32_t second_of_day;
    /** Day of the week, 0 = Sunday .. 6 = Saturday. */
    uint8_t weekday;
    /** 1 when daylight saving time is in effect, else 0. */
    uint8_t is_dst;
    /** Always 0. */
    uint8_t pad[6];
} l7_local_time;

/**
 * \brief Largest TZif input accepted, in bytes (real files are below 4 KiB).
 */
#define L7_TZ_MAX_TZIF_SIZE (1u << 20)

/**
 * \brief Build a zone from the bytes of a TZif file (RFC 8536, v1 to v4).
 *
 * Every count, index and string of the input is bounds-checked: hostile or
 * truncated input gives #L7_ESYNTAX (or #L7_EUNSUPPORTED) and a diagnostic
 * naming what is wrong, never a crash. The bytes are not kept: the caller
 * may free them when the call returns.
 *
 * \param[out] out receives the new zone (one reference); NULL on failure
 * \param bytes the file's contents
 * \param len length of `bytes`, at most #L7_TZ_MAX_TZIF_SIZE
 * \param alloc allocator hooks, or NULL for the C library's
 * \param diags optional list that receives one error describing a failure
 * \return #L7_OK, #L7_EINVAL (NULL pointer), #L7_ESYNTAX (malformed
 *         file or footer), #L7_ELIMIT (too large), #L7_ENOMEM
 */
L7_API int l7_tz_create_from_tzif(l7_tz **out, const void *bytes, size_t len,
                                  const l7_allocator *alloc, l7_diag_list *diags);

/**
 * \brief Build the UTC zone (offset 0, abbreviation "UTC").
 * \param[out] out receives the new zone; NULL on failure
 * \param alloc allocator hooks, or NULL for the C library's
 * \return #L7_OK, #L7_EINVAL or #L7_ENOMEM
 */
L7_API int l7_tz_create_utc(l7_tz **out, const l7_allocator *alloc);

/**
 * \brief Build a zone with a fixed offset and no daylight saving time.
 * \param[out] out receives the new zone; NULL on failure
 * \param offset_seconds offset from UTC, east positive, within ±26 hours
 *        (±93600)
 * \param alloc allocator hooks, or NULL for the C library's
 * \return #L7_OK, #L7_EINVAL, #L7_ERANGE or #L7_ENOMEM
 */
L7_API int l7_tz_create_fixed(l7_tz **out, int32_t offset_seconds,
                              const l7_allocator *alloc);

/**
 * \brief Take one more reference to a zone.
 *
 * Thread-safe (atomic). Each reference is released with l7_tz_destroy().
 *
 * \param tz the zone, or NULL
 * \return `tz`
 */
L7_API l7_tz *l7_tz_ref(l7_tz *tz);

/**
 * \brief Drop one reference; the last one frees the zone.
 * \param tz the zone, or NULL
 */
L7_API void l7_tz_destroy(l7_tz *tz);

/**
 * \brief Offset from UTC at an instant.
 * \param tz the zone (NULL counts as UTC)
 * \param now nanoseconds since the Unix epoch (UTC)
 * \return the offset in seconds, east positive (New York in winter: -18000)
 */
L7_API int32_t l7_tz_offset(const l7_tz *tz, uint64_t now);

/**
 * \brief Local wall-clock time at an instant.
 *
 * Cheap enough for every packet (a binary search; about 12 ns for a zone
 * with DST, 5 ns for UTC). A ruleset with several time matchers should call
 * it once per packet and hand the result to l7_timematch_eval_local().
 *
 * \param[out] out receives the local time
 * \param tz the zone (NULL counts as UTC)
 * \param now nanoseconds since the Unix epoch (UTC)
 * \return #L7_OK, or #L7_EINVAL when `out` is NULL
 */
L7_API int l7_tz_to_local(l7_local_time *out, const l7_tz *tz, uint64_t now);

/**
 * \brief Abbreviation in effect at an instant (`"EEST"`, `"+03"`, `"UTC"`).
 * \param tz the zone (NULL counts as UTC)
 * \param now nanoseconds since the Unix epoch (UTC)
 * \return a string owned by the zone, valid while the zone lives; never NULL
 */
L7_API const char *l7_tz_abbreviation(const l7_tz *tz, uint64_t now);

#ifdef __cplusplus
}
#endif

#endif /* L7_TZ_H */
