/*
 * Private parts of the tz module: the POSIX TZ rule (TZif footer) and the
 * calendar arithmetic both tz.c and timematch.c use.
 */
#ifndef L7_TZ_INTERNAL_H
#define L7_TZ_INTERNAL_H

#include "common_internal.h"
#include "l7/tz.h"

#include <stdbool.h>
#include <stdint.h>

#define L7_SECS_PER_DAY 86400

/* Longest abbreviation kept from a footer (`<...>` names included). */
#define L7_TZ_ABBR_MAX 31

/* Floor division and modulo for a positive divisor. */
static inline int64_t l7_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b < 0) ? q - 1 : q;
}

static inline int64_t l7_floor_mod(int64_t a, int64_t b)
{
    int64_t r = a % b;
    return r < 0 ? r + b : r;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
int64_t l7_days_from_civil(int64_t year, unsigned month, unsigned day);

/* Year of a day number (days since 1970-01-01). */
int64_t l7_year_of_day(int64_t days);

/* One date of a POSIX TZ rule: `Jn`, `n` or `Mm.w.d`, plus the local time
 * of day of the change (seconds, may be negative or above 24 h: RFC 8536
 * version 3 allows -167..167 hours). */
typedef enum { L7_TZ_JULIAN1, L7_TZ_JULIAN0, L7_TZ_MONTH } l7_tz_date_kind;

typedef struct l7_tz_date {
    l7_tz_date_kind kind;
    uint16_t day;  /* Jn: 1..365; n: 0..365; M: 0..6 weekday */
    uint8_t month; /* M: 1..12 */
    uint8_t week;  /* M: 1..5 (5 = last) */
    int32_t time;  /* seconds after local midnight */
} l7_tz_date;

/* A parsed POSIX TZ string (`CET-1CEST,M3.5.0,M10.5.0/3`). Offsets are
 * stored east positive (the string writes them west positive). */
typedef struct l7_tz_rule {
    int32_t std_offset;
    int32_t dst_offset;
    bool has_dst;
    l7_tz_date start; /* DST begins, in standard local time */
    l7_tz_date end;   /* DST ends, in daylight local time */
    char std_abbr[L7_TZ_ABBR_MAX + 1];
    char dst_abbr[L7_TZ_ABBR_MAX + 1];
} l7_tz_rule;

/* Parse a POSIX TZ string of `len` bytes (no NUL needed). On failure
 * returns L7_ESYNTAX and sets *err_at to the offending byte offset and
 * *err_msg to a static description. */
int l7_tz_rule_parse(l7_tz_rule *out, const char *text, size_t len, size_t *err_at,
                     const char **err_msg);

/* The instants of `year` at which l7_tz_rule_is_dst() may change its
 * answer: the year's start in standard time (the rule computes with that
 * year), and the DST start and end. Fills out[] and returns how many (1
 * without DST, else 3); they need not be sorted. */
size_t l7_tz_rule_change_points(const l7_tz_rule *rule, int64_t year, int64_t out[3]);

/* Whether DST is in effect at `t` (seconds since the epoch) under `rule`. */
bool l7_tz_rule_is_dst(const l7_tz_rule *rule, int64_t t);

#endif
