/* RouterOS time= windows: parsing, canonical formatting, every error with
 * its column, exact boundaries in UTC and in Europe/Riga across DST. */
#include "testutil.h"

#include "common_internal.h"
#include "l7/l7.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZONEINFO "/usr/share/zoneinfo/"

/* Midnight UTC of days in the week of Monday 2024-07-01. */
#define MON          1719792000ll
#define TUE          (MON + 1 * 86400)
#define WED          (MON + 2 * 86400)
#define THU          (MON + 3 * 86400)
#define FRI          (MON + 4 * 86400)
#define SAT          (MON + 5 * 86400)
#define SUN          (MON + 6 * 86400)
#define HMS(h, m, s) ((h)*3600ll + (m)*60 + (s))
#define LAST_NS      999999999 /* with a time: its last nanosecond */

/* ---- parsing and formatting ---------------------------------------------------- */

static const struct {
    const char *text;
    const char *canonical;
    uint32_t nranges;
    uint32_t days;
    int extension;
    size_t warnings;
} parse_cases[] = {
    {"8h-17h,mon,tue,wed,thu,fri", "8h-17h,mon,tue,wed,thu,fri", 1, 0x3e, 0, 0},
    {"18h-8h", "18h-8h", 1, 0, 0, 0},
    {"9h-12h,14h-17h,mon,tue,wed,thu,fri", "9h-12h,14h-17h,mon,tue,wed,thu,fri", 2,
     0x3e, 1, 0},
    {"19h-23h", "19h-23h", 1, 0, 0, 0},
    {"8h-18h,mon,tue,wed,thu,fri", "8h-18h,mon,tue,wed,thu,fri", 1, 0x3e, 0, 0},
    {"0s-1d", "0s-1d", 1, 0, 0, 0},
    {"08:30:00-17:00", "8h30m-17h", 1, 0, 0, 0},
    {"8:05-17h59m59s,sat,sun", "8h5m-17h59m59s,sun,sat", 1, 0x41, 0, 0},
    {"0-86400", "0s-1d", 1, 0, 0, 0},
    {"90m-1d0h0m0s", "1h30m-1d", 1, 0, 0, 0},
    {"0w1h-2h", "1h-2h", 1, 0, 0, 0},
    {"22h-6h,fri", "22h-6h,fri", 1, 0x20, 0, 0},
    {"8h-17h,fri,mon,fri", "8h-17h,mon,fri", 1, 0x22, 0, 1}, /* twice: warning */
    {"8h-8h", "8h-8h", 1, 0, 0, 1},                          /* empty: warning */
    {"1d-0s", "1d-0s", 1, 0, 0, 1},                          /* empty: warning */
    {"1h-2h,3h-4h,5h-6h", "1h-2h,3h-4h,5h-6h", 3, 0, 1, 0},
    {"00:00:00-23:59:59", "0s-23h59m59s", 1, 0, 0, 0},
};

START_TEST(test_parse)
{
    l7_diag_list *d = NULL;
    ck_assert_int_eq(l7_diag_list_create(&d, NULL), L7_OK);
    l7_timematch *tm = NULL;
    const char *text = parse_cases[_i].text;
    ck_assert_int_eq(l7_timematch_create(&tm, text, strlen(text), NULL, d), L7_OK);
    ck_assert_uint_eq(l7_timematch_range_count(tm), parse_cases[_i].nranges);
    ck_assert_uint_eq(l7_timematch_days(tm), parse_cases[_i].days);
    ck_assert_int_eq(l7_timematch_is_extension(tm), parse_cases[_i].extension);
    ck_assert_uint_eq(l7_diag_list_count_severity(d, L7_SEV_ERROR), 0);
    ck_assert_uint_eq(l7_diag_list_count_severity(d, L7_SEV_WARNING),
                      parse_cases[_i].warnings);
    char buf[128];
    int n = l7_timematch_format(tm, buf, sizeof(buf));
    ck_assert_str_eq(buf, parse_cases[_i].canonical);
    ck_assert_int_eq(n, (int)strlen(parse_cases[_i].canonical));
    /* The canonical form parses back to the same window. */
    l7_timematch *again = NULL;
    ck_assert_int_eq(l7_timematch_create(&again, buf, (size_t)n, NULL, NULL), L7_OK);
    char buf2[128];
    l7_timematch_format(again, buf2, sizeof(buf2));
    ck_assert_str_eq(buf2, buf);
    l7_timematch_destroy(again);
    l7_timematch_destroy(tm);
    l7_diag_list_destroy(d);
}
END_TEST

static const struct {
    const char *text;
    int code; /* returned, and the first diagnostic's code */
    uint32_t column;
    uint32_t length;
    const char *says;
} error_cases[] = {
    {"", L7_ESYNTAX, 1, 0, "START-END is expected"},
    {"8h", L7_ESYNTAX, 1, 2, "START-END is expected"},
    {"8h17h", L7_ESYNTAX, 1, 5, "START-END is expected"},
    {"8x-17h", L7_ESYNTAX, 2, 1, "unknown unit"},
    {"8h-17x", L7_ESYNTAX, 6, 1, "unknown unit"},
    {"8h-25h", L7_ERANGE, 4, 3, "between 0s and 1d"},
    {"1w-1d", L7_ERANGE, 1, 2, "between 0s and 1d"},
    {"86401-0s", L7_ERANGE, 1, 5, "between 0s and 1d"},
    {"-5h", L7_ESYNTAX, 1, 1, "a time is expected"},
    {"5h-", L7_ESYNTAX, 4, 1, "a time is expected"},
    {"1h30-2h", L7_ESYNTAX, 3, 2, "a unit"},
    {"500ms-1h", L7_ESYNTAX, 4, 2, "milliseconds"},
    {"1m1h-2h", L7_ESYNTAX, 4, 1, "largest first"},
    {"1h1h-2h", L7_ESYNTAX, 4, 1, "largest first"},
    {"h-2h", L7_ESYNTAX, 1, 1, "a number is expected"},
    {"8:3-9h", L7_ESYNTAX, 3, 1, "two digits"},
    {"8:30:61-9h", L7_ERANGE, 6, 2, "below 60"},
    {"8:60-9h", L7_ERANGE, 3, 2, "below 60"},
    {"8:30:00:00-9h", L7_ESYNTAX, 8, 3, "after HH:MM:SS"},
    {":30-9h", L7_ESYNTAX, 1, 3, "hours expected"},
    {"8h-17h,,mon", L7_ESYNTAX, 8, 1, "empty item"},
    {"8h-17h,", L7_ESYNTAX, 7, 1, "trailing ','"},
    {"8h-17h,monday", L7_ESYNTAX, 8, 6, "not a day name"},
    {"8h-17h,Mon", L7_ESYNTAX, 8, 3, "not a day name"},
    {"8h-17h,mon,tue,xyz", L7_ESYNTAX, 16, 3, "not a day name"},
    {"mon,8h-17h", L7_ESYNTAX, 1, 3, "must come before the days"},
    {"8h-17h,mon,9h-10h", L7_ESYNTAX, 12, 6, "cannot follow day names"},
    {"8h-17h,mon-fri", L7_ESYNTAX, 8, 7, "day ranges are not supported"},
    {"8h 17h", L7_ESYNTAX, 1, 6, "START-END is expected"},
    {"8h-17h ,mon", L7_ESYNTAX, 7, 1, "a number is expected"},
};

START_TEST(test_errors)
{
    l7_diag_list *d = NULL;
    ck_assert_int_eq(l7_diag_list_create(&d, NULL), L7_OK);
    l7_timematch *tm = (l7_timematch *)&d; /* must come back NULL */
    const char *text = error_cases[_i].text;
    int rc = l7_timematch_create(&tm, text, strlen(text), NULL, d);
    ck_assert_msg(rc == error_cases[_i].code, "%s: rc %d", text, rc);
    ck_assert_ptr_null(tm);
    ck_assert_uint_ge(l7_diag_list_count_severity(d, L7_SEV_ERROR), 1);
    char buf[256];
    l7_diag_format(d, 0, buf, sizeof(buf));
    ck_assert_int_eq(l7_diag_severity(d, 0), L7_SEV_ERROR);
    ck_assert_int_eq(l7_diag_code(d, 0), error_cases[_i].code);
    ck_assert_msg(l7_diag_column(d, 0) == error_cases[_i].column, "%s: %s", text, buf);
    ck_assert_msg(l7_diag_length(d, 0) == error_cases[_i].length, "%s: %s", text, buf);
    ck_assert_msg(strstr(l7_diag_message(d, 0), error_cases[_i].says), "%s: %s", text,
                  buf);
    ck_assert_str_eq(l7_diag_item(d, 0), "time");
    l7_diag_list_destroy(d);
}
END_TEST

START_TEST(test_every_error_reported)
{
    /* One call reports every bad token, each at its own column. */
    static const char text[] = "8x-17h,1h-99h,mon,fooday,mon";
    l7_diag_list *d = NULL;
    ck_assert_int_eq(l7_diag_list_create(&d, NULL), L7_OK);
    l7_timematch *tm = NULL;
    ck_assert_int_eq(l7_timematch_create(&tm, text, strlen(text), NULL, d), L7_ESYNTAX);
    ck_assert_uint_eq(l7_diag_list_count_severity(d, L7_SEV_ERROR), 3);
    ck_assert_uint_eq(l7_diag_column(d, 0), 2);  /* 8x */
    ck_assert_uint_eq(l7_diag_column(d, 1), 11); /* 99h */
    ck_assert_int_eq(l7_diag_code(d, 1), L7_ERANGE);
    ck_assert_uint_eq(l7_diag_column(d, 2), 19); /* fooday */
    ck_assert_uint_eq(l7_diag_list_count_severity(d, L7_SEV_WARNING),
                      1); /* mon twice */
    l7_diag_list_destroy(d);
}
END_TEST

START_TEST(test_limits_and_arguments)
{
    l7_timematch *tm = NULL;
    char text[L7_TIMEMATCH_MAX_TEXT + 8];
    /* Exactly the maximum number of ranges is fine; one more is not. */
    size_t n = 0;
    for (int i = 0; i <= L7_TIMEMATCH_MAX_RANGES; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%dm-%dm", i ? "," : "", i,
                              i + 1);
    size_t last_comma = (size_t)(strrchr(text, ',') - text);
    ck_assert_int_eq(l7_timematch_create(&tm, text, last_comma, NULL, NULL), L7_OK);
    ck_assert_uint_eq(l7_timematch_range_count(tm), L7_TIMEMATCH_MAX_RANGES);
    l7_timematch_destroy(tm);
    l7_diag_list *d = NULL;
    ck_assert_int_eq(l7_diag_list_create(&d, NULL), L7_OK);
    ck_assert_int_eq(l7_timematch_create(&tm, text, n, NULL, d), L7_ELIMIT);
    ck_assert_uint_eq(l7_diag_column(d, 0), last_comma + 2);
    l7_diag_list_destroy(d);

    memset(text, 'x', sizeof(text));
    ck_assert_int_eq(
        l7_timematch_create(&tm, text, L7_TIMEMATCH_MAX_TEXT + 1, NULL, NULL),
        L7_ELIMIT);
    ck_assert_int_eq(l7_timematch_create(NULL, "8h-9h", 5, NULL, NULL), L7_EINVAL);
    ck_assert_int_eq(l7_timematch_create(&tm, NULL, 5, NULL, NULL), L7_EINVAL);
    /* The text need not be NUL-terminated: only len bytes are read. */
    ck_assert_int_eq(l7_timematch_create(&tm, "8h-9hXXXX", 5, NULL, NULL), L7_OK);

    uint32_t s = 1, e = 1;
    ck_assert_int_eq(l7_timematch_range(&s, &e, tm, 0), L7_OK);
    ck_assert_uint_eq(s, 8 * 3600);
    ck_assert_uint_eq(e, 9 * 3600);
    ck_assert_int_eq(l7_timematch_range(&s, &e, tm, 1), L7_EINVAL);
    ck_assert_int_eq(l7_timematch_range(NULL, &e, tm, 0), L7_EINVAL);
    /* snprintf-like formatting. */
    char small[4];
    ck_assert_int_eq(l7_timematch_format(tm, small, sizeof(small)), 5);
    ck_assert_str_eq(small, "8h-");
    ck_assert_int_eq(l7_timematch_format(tm, NULL, 0), 5);
    ck_assert_int_eq(l7_timematch_format(NULL, small, sizeof(small)), L7_EINVAL);
    ck_assert_int_eq(l7_timematch_eval(NULL, NULL, 0), 0);
    ck_assert_int_eq(l7_timematch_eval_local(tm, NULL), 0);
    l7_local_time bad = {0, 0, 86400, 1, 0, {0}};
    ck_assert_int_eq(l7_timematch_eval_local(tm, &bad), 0);
    ck_assert_uint_eq(l7_timematch_range_count(NULL), 0);
    ck_assert_uint_eq(l7_timematch_days(NULL), 0);
    ck_assert_int_eq(l7_timematch_is_extension(NULL), 0);
    l7_timematch_destroy(tm);
    l7_timematch_destroy(NULL);
}
END_TEST

/* ---- evaluation --------------------------------------------------------------- */

static const struct {
    const char *zone; /* "UTC" or a file under /usr/share/zoneinfo */
    const char *text;
    int64_t t;  /* seconds since the epoch */
    int64_t ns; /* added nanoseconds */
    int match;
} eval_cases[] = {
    /* start inclusive, end exclusive, to the nanosecond */
    {"UTC", "8h-17h,mon,tue,wed,thu,fri", MON + HMS(8, 0, 0), 0, 1},
    {"UTC", "8h-17h,mon,tue,wed,thu,fri", MON + HMS(7, 59, 59), LAST_NS, 0},
    {"UTC", "8h-17h,mon,tue,wed,thu,fri", MON + HMS(16, 59, 59), LAST_NS, 1},
    {"UTC", "8h-17h,mon,tue,wed,thu,fri", MON + HMS(17, 0, 0), 0, 0},
    {"UTC", "8h-17h,mon,tue,wed,thu,fri", FRI + HMS(12, 0, 0), 0, 1},
    {"UTC", "8h-17h,mon,tue,wed,thu,fri", SAT + HMS(12, 0, 0), 0, 0},
    {"UTC", "8h-17h,mon,tue,wed,thu,fri", SUN + HMS(12, 0, 0), 0, 0},
    {"UTC", "8h-18h,mon,tue,wed,thu,fri", FRI + HMS(17, 59, 59), LAST_NS, 1},
    {"UTC", "8h-18h,mon,tue,wed,thu,fri", FRI + HMS(18, 0, 0), 0, 0},
    {"UTC", "8h-18h,mon,tue,wed,thu,fri", SAT + HMS(9, 0, 0), 0, 0},
    {"UTC", "19h-23h", WED + HMS(19, 0, 0), 0, 1},
    {"UTC", "19h-23h", WED + HMS(18, 59, 59), LAST_NS, 0},
    {"UTC", "19h-23h", SUN + HMS(22, 59, 59), LAST_NS, 1},
    {"UTC", "19h-23h", SUN + HMS(23, 0, 0), 0, 0},
    /* union of two ranges */
    {"UTC", "9h-12h,14h-17h,mon,tue,wed,thu,fri", TUE + HMS(11, 59, 59), LAST_NS, 1},
    {"UTC", "9h-12h,14h-17h,mon,tue,wed,thu,fri", TUE + HMS(12, 0, 0), 0, 0},
    {"UTC", "9h-12h,14h-17h,mon,tue,wed,thu,fri", TUE + HMS(13, 59, 59), LAST_NS, 0},
    {"UTC", "9h-12h,14h-17h,mon,tue,wed,thu,fri", TUE + HMS(14, 0, 0), 0, 1},
    {"UTC", "9h-12h,14h-17h,mon,tue,wed,thu,fri", TUE + HMS(17, 0, 0), 0, 0},
    {"UTC", "9h-12h,14h-17h,mon,tue,wed,thu,fri", SAT + HMS(10, 0, 0), 0, 0},
    /* midnight wrap, no days: every night */
    {"UTC", "18h-8h", MON + HMS(18, 0, 0), 0, 1},
    {"UTC", "18h-8h", MON + HMS(17, 59, 59), LAST_NS, 0},
    {"UTC", "18h-8h", TUE + HMS(7, 59, 59), LAST_NS, 1},
    {"UTC", "18h-8h", TUE + HMS(8, 0, 0), 0, 0},
    {"UTC", "18h-8h", SUN + HMS(0, 0, 0), 0, 1},
    {"UTC", "18h-8h", MON + HMS(12, 0, 0), 0, 0},
    /* Decision 7: the day on which the window opened */
    {"UTC", "22h-6h,fri", FRI + HMS(22, 0, 0), 0, 1},
    {"UTC", "22h-6h,fri", FRI + HMS(21, 59, 59), LAST_NS, 0},
    {"UTC", "22h-6h,fri", FRI + HMS(23, 59, 59), LAST_NS, 1},
    {"UTC", "22h-6h,fri", SAT + HMS(0, 0, 0), 0, 1},
    {"UTC", "22h-6h,fri", SAT + HMS(5, 59, 59), LAST_NS, 1},
    {"UTC", "22h-6h,fri", SAT + HMS(6, 0, 0), 0, 0},
    {"UTC", "22h-6h,fri", FRI + HMS(3, 0, 0), 0, 0},
    {"UTC", "22h-6h,fri", FRI + HMS(0, 0, 0), 0, 0},
    {"UTC", "22h-6h,fri", SAT + HMS(22, 0, 0), 0, 0},
    {"UTC", "22h-6h,fri", THU + HMS(23, 0, 0), 0, 0},
    /* a Saturday night runs into Sunday: the week wraps */
    {"UTC", "22h-6h,sat", SAT + HMS(23, 0, 0), 0, 1},
    {"UTC", "22h-6h,sat", SUN + HMS(5, 0, 0), 0, 1},
    {"UTC", "22h-6h,sat", SUN + HMS(6, 0, 0), 0, 0},
    {"UTC", "22h-6h,sat", SAT + HMS(3, 0, 0), 0, 0},
    {"UTC", "22h-6h,sat", SUN + HMS(23, 0, 0), 0, 0},
    /* whole day, empty windows, end at 1d or 0s */
    {"UTC", "0s-1d", MON + HMS(0, 0, 0), 0, 1},
    {"UTC", "0s-1d", THU + HMS(23, 59, 59), LAST_NS, 1},
    {"UTC", "0s-1d,sun", SUN + HMS(23, 59, 59), LAST_NS, 1},
    {"UTC", "0s-1d,sun", MON + HMS(0, 0, 0), 0, 0},
    {"UTC", "0s-1d,sun", SAT + HMS(23, 59, 59), LAST_NS, 0},
    {"UTC", "8h-8h", MON + HMS(8, 0, 0), 0, 0},
    {"UTC", "8h-8h", MON + HMS(7, 0, 0), 0, 0},
    {"UTC", "17h-1d,fri", FRI + HMS(23, 59, 59), LAST_NS, 1},
    {"UTC", "17h-1d,fri", SAT + HMS(0, 0, 0), 0, 0},
    {"UTC", "22h-0s,fri", FRI + HMS(22, 0, 0), 0, 1},
    {"UTC", "22h-0s,fri", SAT + HMS(0, 0, 0), 0, 0},
    {"UTC", "1d-6h,fri", SAT + HMS(3, 0, 0), 0, 1}, /* opens at Friday's 24:00 */
    {"UTC", "1d-6h,fri", FRI + HMS(3, 0, 0), 0, 0},
    /* Riga, summer (EEST, +3): local days differ from UTC days */
    {"Europe/Riga", "8h-17h,mon,tue,wed,thu,fri", MON + HMS(5, 0, 0), 0, 1},
    {"Europe/Riga", "8h-17h,mon,tue,wed,thu,fri", MON + HMS(4, 59, 59), LAST_NS, 0},
    {"Europe/Riga", "8h-17h,mon,tue,wed,thu,fri", MON + HMS(13, 59, 59), LAST_NS, 1},
    {"Europe/Riga", "8h-17h,mon,tue,wed,thu,fri", MON + HMS(14, 0, 0), 0, 0},
    {"Europe/Riga", "22h-6h,fri", FRI + HMS(19, 0, 0), 0, 1}, /* Fri 22:00 */
    {"Europe/Riga", "22h-6h,fri", FRI + HMS(18, 59, 59), LAST_NS, 0},
    {"Europe/Riga", "22h-6h,fri", SAT + HMS(2, 59, 59), LAST_NS, 1}, /* Sat 05:59:59 */
    {"Europe/Riga", "22h-6h,fri", SAT + HMS(3, 0, 0), 0, 0},
    {"Europe/Riga", "22h-6h,fri", THU + HMS(21, 30, 0), 0, 0}, /* Fri 00:30 local */
    {"Europe/Riga", "22h-6h,fri", FRI + HMS(2, 0, 0), 0, 0},   /* Fri 05:00 local */
    /* Riga, winter (EET, +2): Monday 2025-01-06 */
    {"Europe/Riga", "8h-17h,mon", 1736143200, 0, 1},       /* 06:00Z = 08:00 */
    {"Europe/Riga", "8h-17h,mon", 1736143199, LAST_NS, 0}, /* 07:59:59.999999999 */
    /* Spring forward 2024-03-31 01:00Z: 03:00 EET becomes 04:00 EEST, so the
     * 03:00-04:00 hour never happens on the wall clock. */
    {"Europe/Riga", "3h-4h", 1711846799, LAST_NS, 0}, /* 02:59:59.999999999 EET */
    {"Europe/Riga", "3h-4h", 1711846800, 0, 0},       /* 04:00:00 EEST */
    {"Europe/Riga", "2h-3h", 1711846799, LAST_NS, 1},
    {"Europe/Riga", "4h-5h", 1711846800, 0, 1},
    /* Fall back 2024-10-27 01:00Z: 04:00 EEST becomes 03:00 EET, so the
     * 03:00-04:00 hour happens twice (00:00Z-02:00Z). */
    {"Europe/Riga", "3h-4h", 1729987199, LAST_NS, 0}, /* 02:59:59.999999999 EEST */
    {"Europe/Riga", "3h-4h", 1729987200, 0, 1},       /* 03:00 EEST */
    {"Europe/Riga", "3h-4h", 1729990799, LAST_NS, 1}, /* 03:59:59 EEST */
    {"Europe/Riga", "3h-4h", 1729990800, 0, 1},       /* 03:00 EET, again */
    {"Europe/Riga", "3h-4h", 1729994399, LAST_NS, 1}, /* 03:59:59.999999999 EET */
    {"Europe/Riga", "3h-4h", 1729994400, 0, 0},       /* 04:00 EET */
    /* the day of a wrapped window across the DST change (Sunday 2024-10-27) */
    {"Europe/Riga", "23h-4h,sat", 1729994399, 0, 1}, /* Sun 03:59:59 EET */
    {"Europe/Riga", "23h-4h,sat", 1729994400, 0, 0},
    {"Europe/Riga", "23h-4h,sun", 1729994399, 0, 0},
};

static l7_tz *open_zone(const char *zone)
{
    l7_tz *tz = NULL;
    if (strcmp(zone, "UTC") == 0) {
        ck_assert_int_eq(l7_tz_create_utc(&tz, NULL), L7_OK);
        return tz;
    }
    char path[256];
    snprintf(path, sizeof(path), ZONEINFO "%s", zone);
    size_t len = 0;
    unsigned char *bytes = l7t_read_file(path, &len);
    if (!bytes)
        return NULL;
    ck_assert_int_eq(l7_tz_create_from_tzif(&tz, bytes, len, NULL, NULL), L7_OK);
    free(bytes);
    return tz;
}

START_TEST(test_eval)
{
    l7_tz *tz = open_zone(eval_cases[_i].zone);
    if (!tz) {
        printf("skip: %s%s is absent\n", ZONEINFO, eval_cases[_i].zone);
        return;
    }
    l7_timematch *tm = NULL;
    const char *text = eval_cases[_i].text;
    ck_assert_int_eq(l7_timematch_create(&tm, text, strlen(text), NULL, NULL), L7_OK);
    uint64_t now = L7T_SEC(eval_cases[_i].t) + (uint64_t)eval_cases[_i].ns;
    ck_assert_msg(l7_timematch_eval(tm, tz, now) == eval_cases[_i].match,
                  "%s at %lld+%lld", text, (long long)eval_cases[_i].t,
                  (long long)eval_cases[_i].ns);
    l7_local_time lt;
    ck_assert_int_eq(l7_tz_to_local(&lt, tz, now), L7_OK);
    ck_assert_int_eq(l7_timematch_eval_local(tm, &lt), eval_cases[_i].match);
    l7_timematch_destroy(tm);
    l7_tz_destroy(tz);
}
END_TEST

/* ---- against a direct reading of routeros-spec §3 ---------------------------- */

static bool has_day(uint32_t days, int d)
{
    return days == 0 || (days & (1u << ((d + 7) % 7)));
}

static bool reference_match(const uint32_t (*ranges)[2], int nranges, uint32_t days,
                            int weekday, uint32_t t)
{
    for (int i = 0; i < nranges; i++) {
        uint32_t s = ranges[i][0], e = ranges[i][1];
        if (s < e && s <= t && t < e && has_day(days, weekday))
            return true;
        if (s > e && ((t >= s && has_day(days, weekday)) ||
                      (t < e && has_day(days, weekday - 1))))
            return true;
    }
    return false;
}

static uint64_t xorshift(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

START_TEST(test_against_reference)
{
    uint64_t state = 0x2545f4914f6cdd1dull;
    static const uint32_t grid[] = {0,     1,     3599,  3600,  28800,
                                    43200, 61200, 79200, 86399, 86400};
    for (int round = 0; round < 2000; round++) {
        int nranges = 1 + (int)(xorshift(&state) % 3);
        uint32_t ranges[3][2];
        char text[128];
        size_t n = 0;
        for (int i = 0; i < nranges; i++) {
            for (int k = 0; k < 2; k++) {
                uint64_t r = xorshift(&state);
                ranges[i][k] = r % 2 ? grid[r / 2 % L7_ARRAY_SIZE(grid)]
                                     : (uint32_t)(r / 2 % 86401);
            }
            n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%u-%u", i ? "," : "",
                                  ranges[i][0], ranges[i][1]);
        }
        uint32_t days = (uint32_t)(xorshift(&state) % 128);
        static const char *const names[] = {"sun", "mon", "tue", "wed",
                                            "thu", "fri", "sat"};
        for (int d = 0; d < 7; d++)
            if (days & (1u << d))
                n += (size_t)snprintf(text + n, sizeof(text) - n, ",%s", names[d]);
        l7_timematch *tm = NULL;
        ck_assert_int_eq(l7_timematch_create(&tm, text, n, NULL, NULL), L7_OK);
        for (int probe = 0; probe < 50; probe++) {
            uint64_t r = xorshift(&state);
            int weekday = (int)(r % 7);
            uint32_t t;
            if (probe % 2) { /* near a boundary */
                uint32_t b = ranges[r / 7 % (uint64_t)nranges][r / 21 % 2];
                t = (b + 86400 + (uint32_t)(r >> 40) % 3 - 1) % 86400;
            } else {
                t = (uint32_t)(r / 7 % 86400);
            }
            l7_local_time lt = {0, 0, t, (uint8_t)weekday, 0, {0}};
            /* a plain if: Check records every passing assertion */
            if (l7_timematch_eval_local(tm, &lt) !=
                reference_match(ranges, nranges, days, weekday, t))
                ck_abort_msg("%s: weekday %d second %u", text, weekday, t);
        }
        l7_timematch_destroy(tm);
    }
}
END_TEST

/* Allocation failure leaves nothing behind. */
static int fail_next;
static void *fa_malloc(size_t n, void *user)
{
    (void)user;
    return fail_next ? NULL : malloc(n);
}
static void *fa_realloc(void *p, size_t n, void *user)
{
    (void)user;
    return fail_next ? NULL : realloc(p, n);
}
static void fa_free(void *p, void *user)
{
    (void)user;
    free(p);
}

START_TEST(test_alloc_failure)
{
    l7_allocator hooks = {fa_malloc, fa_realloc, fa_free, NULL};
    l7_timematch *tm = NULL;
    fail_next = 1;
    ck_assert_int_eq(l7_timematch_create(&tm, "8h-17h,mon", 10, &hooks, NULL),
                     L7_ENOMEM);
    ck_assert_ptr_null(tm);
    fail_next = 0;
    ck_assert_int_eq(l7_timematch_create(&tm, "8h-17h,mon", 10, &hooks, NULL), L7_OK);
    ck_assert_int_eq(l7_timematch_eval(tm, NULL, L7T_SEC(MON + HMS(9, 0, 0))), 1);
    l7_timematch_destroy(tm);
}
END_TEST

static Suite *timematch_suite(void)
{
    Suite *s = suite_create("timematch");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_parse, 0, (int)L7_ARRAY_SIZE(parse_cases));
    tcase_add_loop_test(tc, test_errors, 0, (int)L7_ARRAY_SIZE(error_cases));
    tcase_add_test(tc, test_every_error_reported);
    tcase_add_test(tc, test_limits_and_arguments);
    tcase_add_loop_test(tc, test_eval, 0, (int)L7_ARRAY_SIZE(eval_cases));
    tcase_add_test(tc, test_against_reference);
    tcase_add_test(tc, test_alloc_failure);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return l7t_run_suite(timematch_suite());
}
