/*
 * POSIX TZ strings as found in TZif footers (RFC 8536 section 3.3, with the
 * version 3 extensions: rule times from -167 to 167 hours), and the
 * calendar arithmetic they need. Nothing here touches the process's TZ.
 */
#include "tz_internal.h"

#include <string.h>

/*
 * Day number of a civil date, counted in 400-year eras of 146097 days with
 * years starting on March 1 so that the leap day falls at the end. This is
 * the well-known "days from civil" construction (described by Howard
 * Hinnant, "chrono-Compatible Low-Level Date Algorithms").
 */
int64_t l7_days_from_civil(int64_t year, unsigned month, unsigned day)
{
    int64_t y = year - (month <= 2);
    int64_t era = l7_floor_div(y, 400);
    int64_t year_of_era = y - era * 400;                        /* 0..399 */
    unsigned shifted_month = month > 2 ? month - 3 : month + 9; /* Mar = 0 */
    int64_t day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    int64_t day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468; /* 719468: 0000-03-01 .. 1970-01-01 */
}

int64_t l7_year_of_day(int64_t days)
{
    /* An estimate from the mean Gregorian year, then at most a step or two
     * of correction: cheaper than a full civil conversion. */
    int64_t year = 1970 + l7_floor_div(days * 400, 146097);
    while (l7_days_from_civil(year + 1, 1, 1) <= days)
        year++;
    while (l7_days_from_civil(year, 1, 1) > days)
        year--;
    return year;
}

static bool is_leap(int64_t year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static unsigned month_length(int64_t year, unsigned month)
{
    static const uint8_t lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return lengths[month - 1] + (month == 2 && is_leap(year));
}

/* Seconds since the epoch of the local wall-clock instant a rule date names
 * in `year` (still to be shifted by the offset in effect before it). */
static int64_t rule_local_instant(const l7_tz_date *d, int64_t year)
{
    int64_t day;
    switch (d->kind) {
    case L7_TZ_JULIAN1: /* Jn: 1..365, February 29 never counted */
        day = l7_days_from_civil(year, 1, 1) + d->day - 1;
        if (is_leap(year) && d->day >= 60)
            day++;
        break;
    case L7_TZ_JULIAN0: /* n: 0..365, February 29 counted */
        day = l7_days_from_civil(year, 1, 1) + d->day;
        break;
    default: { /* Mm.w.d: weekday d of week w (5 = last) of month m */
        int64_t first = l7_days_from_civil(year, d->month, 1);
        int64_t first_weekday = l7_floor_mod(first + 4, 7); /* 1970-01-01: Thu */
        day = first + l7_floor_mod(d->day - first_weekday, 7) + 7 * (d->week - 1);
        if (day >= first + month_length(year, d->month))
            day -= 7;
        break;
    }
    }
    return day * L7_SECS_PER_DAY + d->time;
}

bool l7_tz_rule_is_dst(const l7_tz_rule *rule, int64_t t)
{
    if (!rule->has_dst)
        return false;
    /* The year as standard local time sees it: both changes of that year
     * are computed, and the rule's own order (north: start < end; south:
     * end < start) says which side of them is DST. A rule covering the
     * whole year (`J1/0,J365/25`) gives start < end spanning it. */
    int64_t year = l7_year_of_day(l7_floor_div(t + rule->std_offset, L7_SECS_PER_DAY));
    int64_t start = rule_local_instant(&rule->start, year) - rule->std_offset;
    int64_t end = rule_local_instant(&rule->end, year) - rule->dst_offset;
    if (start < end)
        return t >= start && t < end;
    return !(t >= end && t < start);
}

size_t l7_tz_rule_change_points(const l7_tz_rule *rule, int64_t year, int64_t out[3])
{
    out[0] = l7_days_from_civil(year, 1, 1) * L7_SECS_PER_DAY - rule->std_offset;
    if (!rule->has_dst)
        return 1;
    out[1] = rule_local_instant(&rule->start, year) - rule->std_offset;
    out[2] = rule_local_instant(&rule->end, year) - rule->dst_offset;
    return 3;
}

/* ---- parsing -------------------------------------------------------------- */

typedef struct cursor {
    const char *text;
    size_t len;
    size_t pos;
    size_t err_at;
    const char *err_msg;
} cursor;

static int fail(cursor *c, const char *msg)
{
    c->err_at = c->pos;
    c->err_msg = msg;
    return L7_ESYNTAX;
}

static int peek(const cursor *c)
{
    return c->pos < c->len ? (unsigned char)c->text[c->pos] : -1;
}

static bool is_alpha(int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static bool is_digit(int ch)
{
    return ch >= '0' && ch <= '9';
}

/* An unsigned decimal of 1..3 digits, at most `max`. */
static int parse_number(cursor *c, unsigned max, unsigned *out)
{
    unsigned value = 0;
    size_t digits = 0;
    while (is_digit(peek(c)) && digits < 4) {
        value = value * 10 + (unsigned)(peek(c) - '0');
        c->pos++;
        digits++;
    }
    if (digits == 0)
        return fail(c, "a number is expected");
    if (value > max) {
        c->pos -= digits;
        return fail(c, "number out of range");
    }
    *out = value;
    return L7_OK;
}

/* A zone abbreviation: three or more letters, or `<...>` with letters,
 * digits, '+' and '-'. */
static int parse_abbr(cursor *c, char *out)
{
    size_t n = 0;
    if (peek(c) == '<') {
        c->pos++;
        int ch;
        while ((ch = peek(c)) != '>') {
            if (!(is_alpha(ch) || is_digit(ch) || ch == '+' || ch == '-'))
                return fail(c, ch < 0 ? "unterminated <abbreviation>"
                                      : "bad character in <abbreviation>");
            if (n == L7_TZ_ABBR_MAX)
                return fail(c, "abbreviation too long");
            out[n++] = (char)ch;
            c->pos++;
        }
        c->pos++;
    } else {
        while (is_alpha(peek(c))) {
            if (n == L7_TZ_ABBR_MAX)
                return fail(c, "abbreviation too long");
            out[n++] = (char)peek(c);
            c->pos++;
        }
    }
    if (n < 3)
        return fail(c, "a zone abbreviation of at least 3 characters is expected");
    out[n] = '\0';
    return L7_OK;
}

/* [+-]hh[:mm[:ss]] with hours up to `max_hours`; returns seconds. */
static int parse_hms(cursor *c, unsigned max_hours, int32_t *out)
{
    int sign = 1;
    if (peek(c) == '+' || peek(c) == '-') {
        sign = peek(c) == '-' ? -1 : 1;
        c->pos++;
    }
    unsigned h, m = 0, s = 0;
    L7_TRY(parse_number(c, max_hours, &h));
    if (peek(c) == ':') {
        c->pos++;
        L7_TRY(parse_number(c, 59, &m));
        if (peek(c) == ':') {
            c->pos++;
            L7_TRY(parse_number(c, 59, &s));
        }
    }
    *out = sign * (int32_t)(h * 3600 + m * 60 + s);
    return L7_OK;
}

static int parse_date(cursor *c, l7_tz_date *out)
{
    unsigned n;
    memset(out, 0, sizeof(*out));
    if (peek(c) == 'J') {
        c->pos++;
        out->kind = L7_TZ_JULIAN1;
        L7_TRY(parse_number(c, 365, &n));
        if (n == 0) {
            c->pos--;
            return fail(c, "Julian day Jn counts from 1");
        }
        out->day = (uint16_t)n;
    } else if (peek(c) == 'M') {
        c->pos++;
        out->kind = L7_TZ_MONTH;
        L7_TRY(parse_number(c, 12, &n));
        if (n == 0) {
            c->pos--;
            return fail(c, "month counts from 1");
        }
        out->month = (uint8_t)n;
        if (peek(c) != '.')
            return fail(c, "'.' expected in Mm.w.d");
        c->pos++;
        L7_TRY(parse_number(c, 5, &n));
        if (n == 0) {
            c->pos--;
            return fail(c, "week counts from 1");
        }
        out->week = (uint8_t)n;
        if (peek(c) != '.')
            return fail(c, "'.' expected in Mm.w.d");
        c->pos++;
        L7_TRY(parse_number(c, 6, &n));
        out->day = (uint16_t)n;
    } else if (is_digit(peek(c))) {
        out->kind = L7_TZ_JULIAN0;
        L7_TRY(parse_number(c, 365, &n));
        out->day = (uint16_t)n;
    } else {
        return fail(c, "a rule date (Jn, n or Mm.w.d) is expected");
    }
    out->time = 2 * 3600; /* POSIX default: 02:00:00 */
    if (peek(c) == '/') {
        c->pos++;
        L7_TRY(parse_hms(c, 167, &out->time));
    }
    return L7_OK;
}

int l7_tz_rule_parse(l7_tz_rule *out, const char *text, size_t len, size_t *err_at,
                     const char **err_msg)
{
    cursor c = {text, len, 0, 0, NULL};
    int32_t west;
    int rc;
    memset(out, 0, sizeof(*out));

    if ((rc = parse_abbr(&c, out->std_abbr)) < 0)
        goto bad;
    if ((rc = parse_hms(&c, 24, &west)) < 0)
        goto bad;
    out->std_offset = -west;
    out->dst_offset = out->std_offset;
    if (peek(&c) < 0)
        return L7_OK;

    if ((rc = parse_abbr(&c, out->dst_abbr)) < 0)
        goto bad;
    out->has_dst = true;
    out->dst_offset = out->std_offset + 3600;
    if (peek(&c) != ',' && peek(&c) >= 0) {
        if ((rc = parse_hms(&c, 24, &west)) < 0)
            goto bad;
        out->dst_offset = -west;
    }
    if (peek(&c) < 0) {
        /* POSIX leaves a rule-less DST zone to the implementation; use the
         * current US rule, as glibc and tzcode do. */
        out->start = (l7_tz_date){L7_TZ_MONTH, 0, 3, 2, 7200};
        out->end = (l7_tz_date){L7_TZ_MONTH, 0, 11, 1, 7200};
        return L7_OK;
    }
    if (peek(&c) != ',') {
        rc = fail(&c, "',' and a DST start rule expected");
        goto bad;
    }
    c.pos++;
    if ((rc = parse_date(&c, &out->start)) < 0)
        goto bad;
    if (peek(&c) != ',') {
        rc = fail(&c, "',' and a DST end rule expected");
        goto bad;
    }
    c.pos++;
    if ((rc = parse_date(&c, &out->end)) < 0)
        goto bad;
    if (peek(&c) >= 0) {
        rc = fail(&c, "unexpected text after the DST end rule");
        goto bad;
    }
    return L7_OK;
bad:
    *err_at = c.err_at;
    *err_msg = c.err_msg;
    return rc;
}
