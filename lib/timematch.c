/*
 * RouterOS `time=` windows (routeros-spec §3, Decisions 7 and 8).
 *
 * The ranges and the day list are compiled into a sorted list of disjoint
 * intervals over the week, in seconds since Sunday 00:00 local time. The
 * opening-day rule for windows that wrap over midnight then falls out of
 * the construction (a `22h-6h` window opened on Friday is the interval
 * Fri 22:00 .. Sat 06:00), and a packet costs one local-time lookup plus a
 * binary search over a handful of intervals.
 */
#include "tz_internal.h"
#include "l7/timematch.h"

#include <stdlib.h>
#include <string.h>

#define WEEK_SECONDS (7u * L7_SECS_PER_DAY)

typedef struct tm_range {
    uint32_t start;
    uint32_t end;
} tm_range;

typedef struct tm_interval {
    uint32_t start; /* seconds since Sunday 00:00, < WEEK_SECONDS */
    uint32_t end;   /* exclusive, <= WEEK_SECONDS */
} tm_interval;

struct l7_timematch {
    l7_alloc alloc;
    uint32_t days; /* l7_weekday_bit set; 0 = every day */
    uint32_t nranges;
    tm_range ranges[L7_TIMEMATCH_MAX_RANGES];
    uint32_t nintervals;
    tm_interval intervals[]; /* sorted, disjoint, not adjacent */
};

static const char *const day_names[7] = {"sun", "mon", "tue", "wed",
                                         "thu", "fri", "sat"};

/* ---- evaluation ------------------------------------------------------------ */

static int match_week_second(const l7_timematch *tm, uint32_t t)
{
    /* First interval whose end lies beyond t; inside iff it started. */
    uint32_t lo = 0, hi = tm->nintervals;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (tm->intervals[mid].end <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < tm->nintervals && tm->intervals[lo].start <= t;
}

int l7_timematch_eval_local(const l7_timematch *tm, const l7_local_time *local)
{
    if (L7_UNLIKELY(!tm || !local || local->weekday > 6 ||
                    local->second_of_day >= L7_SECS_PER_DAY))
        return 0;
    return match_week_second(tm, local->weekday * (uint32_t)L7_SECS_PER_DAY +
                                     local->second_of_day);
}

int l7_timematch_eval(const l7_timematch *tm, const l7_tz *tz, uint64_t now)
{
    if (L7_UNLIKELY(!tm))
        return 0;
    /* Whole-week and empty windows need no clock. */
    if (tm->nintervals == 0)
        return 0;
    if (tm->intervals[0].start == 0 && tm->intervals[0].end == WEEK_SECONDS)
        return 1;
    l7_local_time local;
    l7_tz_to_local(&local, tz, now);
    return match_week_second(tm, local.weekday * (uint32_t)L7_SECS_PER_DAY +
                                     local.second_of_day);
}

/* ---- accessors ------------------------------------------------------------- */

void l7_timematch_destroy(l7_timematch *tm)
{
    if (tm) {
        const l7_alloc a = tm->alloc;
        l7_free(&a, tm);
    }
}

uint32_t l7_timematch_range_count(const l7_timematch *tm)
{
    return tm ? tm->nranges : 0;
}

int l7_timematch_range(uint32_t *out_start, uint32_t *out_end, const l7_timematch *tm,
                       uint32_t index)
{
    if (!out_start || !out_end || !tm || index >= tm->nranges)
        return L7_EINVAL;
    *out_start = tm->ranges[index].start;
    *out_end = tm->ranges[index].end;
    return L7_OK;
}

uint32_t l7_timematch_days(const l7_timematch *tm)
{
    return tm ? tm->days : 0;
}

int l7_timematch_is_extension(const l7_timematch *tm)
{
    return tm && tm->nranges > 1;
}

/* ---- formatting ------------------------------------------------------------ */

typedef struct outbuf {
    char *buf;
    size_t size;
    size_t len; /* length the full text needs */
} outbuf;

static void put(outbuf *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++, o->len++)
        if (o->len + 1 < o->size)
            o->buf[o->len] = s[i];
}

/* RouterOS prints durations as non-zero d/h/m/s parts (`8h30m`, `1d`) and
 * zero as `0s`. */
static void put_duration(outbuf *o, uint32_t secs)
{
    static const struct {
        uint32_t size;
        char unit;
    } units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
    if (secs == 0) {
        put(o, "0s", 2);
        return;
    }
    for (size_t i = 0; i < L7_ARRAY_SIZE(units); i++) {
        uint32_t n = secs / units[i].size;
        secs %= units[i].size;
        if (n == 0)
            continue;
        char digits[12];
        size_t k = sizeof(digits);
        digits[--k] = units[i].unit;
        do {
            digits[--k] = (char)('0' + n % 10);
            n /= 10;
        } while (n);
        put(o, digits + k, sizeof(digits) - k);
    }
}

int l7_timematch_format(const l7_timematch *tm, char *buf, size_t size)
{
    if (!tm || (!buf && size))
        return L7_EINVAL;
    outbuf o = {buf, size, 0};
    for (uint32_t i = 0; i < tm->nranges; i++) {
        if (i)
            put(&o, ",", 1);
        put_duration(&o, tm->ranges[i].start);
        put(&o, "-", 1);
        put_duration(&o, tm->ranges[i].end);
    }
    for (unsigned d = 0; d < 7; d++) {
        if (tm->days & (1u << d)) {
            put(&o, ",", 1);
            put(&o, day_names[d], 3);
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len > INT32_MAX ? L7_ELIMIT : (int)o.len;
}

/* ---- parsing --------------------------------------------------------------- */

/*
 * A time of day in RouterOS duration syntax. This is a private parser on
 * purpose: the general duration parser of the `value` module was written
 * at the same time; the two should be merged once it is available.
 *
 * Accepted: unit form `1d`, `8h30m`, `17h59m59s`, `90m`, `0s` (units w, d,
 * h, m, s, each at most once, largest first); clock form `8:30`,
 * `08:30:00` (minutes and seconds as two digits below 60); a bare number of
 * seconds. The result must lie in 0..86400.
 */
typedef struct tod_error {
    int code;
    size_t at; /* byte offset inside the token */
    const char *msg;
} tod_error;

static bool is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* Digits at s[*i..]; values beyond 10^9 are clamped (they are out of range
 * anyway) so hostile input cannot overflow. */
static bool take_number(const char *s, size_t n, size_t *i, uint64_t *value)
{
    size_t begin = *i;
    uint64_t v = 0;
    while (*i < n && is_digit(s[*i])) {
        if (v < 1000000000u)
            v = v * 10 + (uint64_t)(s[*i] - '0');
        (*i)++;
    }
    *value = v;
    return *i > begin;
}

static int tod_fail(tod_error *err, int code, size_t at, const char *msg)
{
    err->code = code;
    err->at = at;
    err->msg = msg;
    return code;
}

static int parse_clock(const char *s, size_t n, uint64_t *out, tod_error *err)
{
    size_t i = 0;
    uint64_t h, part;
    if (!take_number(s, n, &i, &h))
        return tod_fail(err, L7_ESYNTAX, 0, "hours expected before ':'");
    uint64_t total = h * 3600;
    for (int field = 0; field < 2 && i < n; field++) {
        if (s[i] != ':')
            return tod_fail(err, L7_ESYNTAX, i, "':' expected in HH:MM:SS");
        size_t begin = ++i;
        if (!take_number(s, n, &i, &part) || i - begin != 2)
            return tod_fail(err, L7_ESYNTAX, begin, "two digits expected in HH:MM:SS");
        if (part > 59)
            return tod_fail(err, L7_ERANGE, begin,
                            "minutes and seconds must be below 60");
        total += part * (field == 0 ? 60 : 1);
    }
    if (i < n)
        return tod_fail(err, L7_ESYNTAX, i, "unexpected text after HH:MM:SS");
    *out = total;
    return L7_OK;
}

static int parse_units(const char *s, size_t n, uint64_t *out, tod_error *err)
{
    static const char units[] = "wdhms";
    static const uint32_t unit_seconds[] = {604800, 86400, 3600, 60, 1};
    size_t i = 0;
    size_t next_unit = 0; /* units must come largest first, each once */
    uint64_t total = 0;
    while (i < n) {
        size_t begin = i;
        uint64_t v;
        if (!take_number(s, n, &i, &v))
            return tod_fail(err, L7_ESYNTAX, i, "a number is expected");
        if (i == n) {
            if (begin == 0) { /* a bare number: seconds */
                total = v;
                break;
            }
            return tod_fail(err, L7_ESYNTAX, begin, "a unit (d, h, m, s) is expected");
        }
        if (s[i] == 'm' && i + 1 < n && s[i + 1] == 's')
            return tod_fail(err, L7_ESYNTAX, i,
                            "milliseconds are not allowed in a time of day");
        const char *u = memchr(units, s[i], sizeof(units) - 1);
        if (!u)
            return tod_fail(err, L7_ESYNTAX, i, "unknown unit (use d, h, m or s)");
        size_t k = (size_t)(u - units);
        if (k < next_unit)
            return tod_fail(err, L7_ESYNTAX, i,
                            "units must be given largest first, each once");
        next_unit = k + 1;
        total += v * unit_seconds[k];
        i++;
    }
    *out = total;
    return L7_OK;
}

static int parse_time_of_day(const char *s, size_t n, uint32_t *out, tod_error *err)
{
    uint64_t secs;
    if (n == 0)
        return tod_fail(err, L7_ESYNTAX, 0, "a time is expected");
    if (memchr(s, ':', n))
        L7_TRY(parse_clock(s, n, &secs, err));
    else
        L7_TRY(parse_units(s, n, &secs, err));
    if (secs > L7_SECS_PER_DAY)
        return tod_fail(err, L7_ERANGE, 0, "a time of day must lie between 0s and 1d");
    *out = (uint32_t)secs;
    return L7_OK;
}

typedef struct parse_state {
    const char *text;
    l7_diag_list *diags;
    int first_error;
} parse_state;

/* One diagnostic about `token` (quoted in the message when not empty) at
 * byte offset `at` of the value. */
static void report(parse_state *ps, l7_severity sev, int code, size_t at, size_t len,
                   const char *token, size_t token_len, const char *msg)
{
    if (sev == L7_SEV_ERROR && ps->first_error == 0)
        ps->first_error = code;
    if (token_len)
        l7_diag_add(ps->diags, sev, code, "time", 1, (uint32_t)at + 1, (uint32_t)len,
                    "\"%.*s\": %s", (int)token_len, token, msg);
    else
        l7_diag_add(ps->diags, sev, code, "time", 1, (uint32_t)at + 1, (uint32_t)len,
                    "%s", msg);
}

static void parse_range_token(parse_state *ps, size_t at, size_t n, tm_range *out)
{
    const char *tok = ps->text + at;
    const char *dash = memchr(tok, '-', n);
    if (!dash) {
        report(ps, L7_SEV_ERROR, L7_ESYNTAX, at, n, tok, n,
               "a range START-END is expected");
        return;
    }
    size_t half[2][2] = {{0, (size_t)(dash - tok)},
                         {(size_t)(dash - tok) + 1, n - (size_t)(dash - tok) - 1}};
    uint32_t value[2] = {0, 0};
    bool failed = false;
    for (int h = 0; h < 2; h++) {
        tod_error err = {0, 0, NULL};
        const char *part = tok + half[h][0];
        if (parse_time_of_day(part, half[h][1], &value[h], &err) < 0) {
            size_t col = at + half[h][0] + err.at;
            report(ps, L7_SEV_ERROR, err.code, col,
                   half[h][1] > err.at ? half[h][1] - err.at : 1, part, half[h][1],
                   err.msg);
            failed = true;
        }
    }
    out->start = value[0];
    out->end = value[1];
    if (failed)
        return;
    if (value[0] == value[1] || (value[0] == L7_SECS_PER_DAY && value[1] == 0))
        report(ps, L7_SEV_WARNING, 0, at, n, tok, n,
               "the window is empty and never matches");
}

static int day_index(const char *tok, size_t n)
{
    for (int d = 0; d < 7; d++)
        if (n == 3 && memcmp(tok, day_names[d], 3) == 0)
            return d;
    return -1;
}

static int cmp_interval(const void *a, const void *b)
{
    const tm_interval *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Lay each range down on every selected day, from the day it opens;
 * a window that runs past Saturday midnight continues on Sunday. */
static uint32_t build_intervals(const tm_range *ranges, uint32_t nranges, uint32_t days,
                                tm_interval *out)
{
    uint32_t n = 0;
    uint32_t selected = days ? days : 0x7f;
    for (uint32_t r = 0; r < nranges; r++) {
        uint32_t s = ranges[r].start, e = ranges[r].end;
        uint32_t len = s < e ? e - s : s > e ? L7_SECS_PER_DAY - s + e : 0;
        if (len == 0)
            continue;
        for (uint32_t d = 0; d < 7; d++) {
            if (!(selected & (1u << d)))
                continue;
            uint32_t start = (d * L7_SECS_PER_DAY + s) % WEEK_SECONDS;
            uint32_t end = start + len;
            if (end > WEEK_SECONDS) {
                out[n++] = (tm_interval){start, WEEK_SECONDS};
                out[n++] = (tm_interval){0, end - WEEK_SECONDS};
            } else {
                out[n++] = (tm_interval){start, end};
            }
        }
    }
    qsort(out, n, sizeof(*out), cmp_interval);
    uint32_t merged = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (merged && out[i].start <= out[merged - 1].end) {
            if (out[i].end > out[merged - 1].end)
                out[merged - 1].end = out[i].end;
        } else {
            out[merged++] = out[i];
        }
    }
    return merged;
}

int l7_timematch_create(l7_timematch **out, const char *text, size_t len,
                        const l7_allocator *alloc, l7_diag_list *diags)
{
    l7_alloc a;
    if (out)
        *out = NULL;
    if (!out || (!text && len))
        return L7_EINVAL;
    L7_TRY(l7_alloc_init(&a, alloc));
    parse_state ps = {text, diags, 0};
    if (len > L7_TIMEMATCH_MAX_TEXT) {
        report(&ps, L7_SEV_ERROR, L7_ELIMIT, 0, 0, "", 0, "the time value is too long");
        return L7_ELIMIT;
    }
    if (len == 0) {
        report(&ps, L7_SEV_ERROR, L7_ESYNTAX, 0, 0, "", 0,
               "a time range START-END is expected");
        return L7_ESYNTAX;
    }

    tm_range ranges[L7_TIMEMATCH_MAX_RANGES];
    uint32_t nranges = 0, days = 0;
    size_t at = 0;
    for (;;) {
        const char *comma = memchr(text + at, ',', len - at);
        size_t n = comma ? (size_t)(comma - (text + at)) : len - at;
        const char *tok = text + at;
        bool looks_like_day =
            n > 0 && !is_digit(tok[0]) && !memchr(tok, '-', n) && !memchr(tok, ':', n);
        if (n == 0) {
            report(&ps, L7_SEV_ERROR, L7_ESYNTAX, at, 1, "", 0,
                   "empty item in the time value");
        } else if (n > 3 && tok[3] == '-' && day_index(tok, 3) >= 0) {
            report(&ps, L7_SEV_ERROR, L7_ESYNTAX, at, n, tok, n,
                   "day ranges are not supported: list each day (mon,tue,wed)");
        } else if (!looks_like_day) {
            if (days && nranges) {
                report(&ps, L7_SEV_ERROR, L7_ESYNTAX, at, n, tok, n,
                       "a time range cannot follow day names");
            } else if (nranges == L7_TIMEMATCH_MAX_RANGES) {
                report(&ps, L7_SEV_ERROR, L7_ELIMIT, at, n, tok, n,
                       "too many time ranges (L7_TIMEMATCH_MAX_RANGES)");
            } else {
                parse_range_token(&ps, at, n, &ranges[nranges++]);
            }
        } else {
            int d = day_index(tok, n);
            if (d < 0) {
                report(&ps, L7_SEV_ERROR, L7_ESYNTAX, at, n, tok, n,
                       "not a day name (sun, mon, tue, wed, thu, fri, sat)");
            } else if (nranges == 0) {
                report(&ps, L7_SEV_ERROR, L7_ESYNTAX, at, n, tok, n,
                       "a time range START-END must come before the days");
            } else if (days & (1u << d)) {
                report(&ps, L7_SEV_WARNING, 0, at, n, tok, n, "day listed twice");
            }
            if (d >= 0)
                days |= 1u << d;
        }
        if (!comma)
            break;
        at += n + 1;
        if (at == len) {
            report(&ps, L7_SEV_ERROR, L7_ESYNTAX, at - 1, 1, "", 0,
                   "trailing ',' in the time value");
            break;
        }
    }
    if (ps.first_error)
        return ps.first_error;

    tm_interval raw[L7_TIMEMATCH_MAX_RANGES * 7 * 2];
    uint32_t nintervals = build_intervals(ranges, nranges, days, raw);
    l7_timematch *tm =
        l7_malloc(&a, sizeof(*tm) + (size_t)nintervals * sizeof(tm_interval));
    if (!tm)
        return L7_ENOMEM;
    memset(tm, 0, sizeof(*tm));
    tm->alloc = a;
    tm->days = days;
    tm->nranges = nranges;
    memcpy(tm->ranges, ranges, nranges * sizeof(*ranges));
    tm->nintervals = nintervals;
    memcpy(tm->intervals, raw, nintervals * sizeof(*raw));
    *out = tm;
    return L7_OK;
}
