/* Time zones from TZif bytes: hand-made files, POSIX footers, the real
 * /usr/share/zoneinfo files, and hostile input. Expected offsets come from
 * glibc (`TZ=... date`) and Python's zoneinfo, computed outside the test. */
#include "testutil.h"

#include "common_internal.h"
#include "l7/l7.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZONEINFO "/usr/share/zoneinfo/"

/* ---- a small TZif writer ----------------------------------------------------- */

typedef struct tzif_type {
    int32_t utoff;
    uint8_t isdst;
    uint8_t abbr;
} tzif_type;

typedef struct tzif_spec {
    char version; /* 0, '2', '3', '4' */
    size_t ntrans;
    const int64_t *times;
    const uint8_t *trans_types;
    size_t ntypes;
    const tzif_type *types;
    size_t nchars;
    const char *chars;
    uint32_t leapcnt;   /* leap records written (zeros but sorted) */
    const char *footer; /* without the newlines; NULL for v1 */
} tzif_spec;

typedef struct wbuf {
    uint8_t data[4096];
    size_t len;
} wbuf;

static void w_bytes(wbuf *w, const void *p, size_t n)
{
    ck_assert_uint_le(w->len + n, sizeof(w->data));
    memcpy(w->data + w->len, p, n);
    w->len += n;
}

static void w_be(wbuf *w, uint64_t v, int size)
{
    for (int i = size - 1; i >= 0; i--) {
        uint8_t b = (uint8_t)(v >> (8 * i));
        w_bytes(w, &b, 1);
    }
}

static void w_block(wbuf *w, const tzif_spec *s, int time_size, bool with_trans)
{
    size_t ntrans = with_trans ? s->ntrans : 0;
    w_bytes(w, "TZif", 4);
    w_bytes(w, &s->version, 1);
    static const uint8_t zero[15];
    w_bytes(w, zero, 15);
    w_be(w, s->ntypes, 4); /* isutcnt */
    w_be(w, s->ntypes, 4); /* isstdcnt */
    w_be(w, s->leapcnt, 4);
    w_be(w, ntrans, 4);
    w_be(w, s->ntypes, 4);
    w_be(w, s->nchars, 4);
    for (size_t i = 0; i < ntrans; i++)
        w_be(w, (uint64_t)s->times[i], time_size);
    for (size_t i = 0; i < ntrans; i++)
        w_bytes(w, &s->trans_types[i], 1);
    for (size_t i = 0; i < s->ntypes; i++) {
        w_be(w, (uint32_t)s->types[i].utoff, 4);
        w_bytes(w, &s->types[i].isdst, 1);
        w_bytes(w, &s->types[i].abbr, 1);
    }
    w_bytes(w, s->chars, s->nchars);
    for (uint32_t i = 0; i < s->leapcnt; i++) {
        w_be(w, 78796800u + i * 15638400u, time_size); /* 1972-07-01, ... */
        w_be(w, i + 1, 4);
    }
    for (size_t i = 0; i < 2 * s->ntypes; i++)
        w_bytes(w, zero, 1);
}

static void build_tzif(wbuf *w, const tzif_spec *s)
{
    w->len = 0;
    if (s->version == 0) {
        w_block(w, s, 4, true);
        return;
    }
    w_block(w, s, 4, false); /* v1 block without transitions, as zic -b slim */
    w_block(w, s, 8, true);
    w_bytes(w, "\n", 1);
    w_bytes(w, s->footer, strlen(s->footer));
    w_bytes(w, "\n", 1);
}

/* "Testland": two transitions and a CET-like footer. */
static const int64_t testland_times[] = {1000000000, 1010000000};
static const uint8_t testland_idx[] = {1, 0};
static const tzif_type testland_types[] = {{3600, 0, 0}, {7200, 1, 4}};
static const char testland_chars[] = "TST\0TDT"; /* 8 bytes with the final NUL */

static tzif_spec testland(char version, uint32_t leapcnt, const char *footer)
{
    return (tzif_spec){version,        2, testland_times, testland_idx, 2,
                       testland_types, 8, testland_chars, leapcnt,      footer};
}

/* ---- hand-made files ---------------------------------------------------------- */

static const struct {
    const char *name;
    char version;
    uint32_t leapcnt;
    const char *footer;
    int64_t t;
    int32_t offset;
    const char *abbr;
    int is_dst;
} handmade_cases[] = {
    /* Before the first transition: type 0 (RFC 8536 3.2). */
    {"v2 before first", '2', 0, "TST-1TDT,M3.5.0,M10.5.0/3", 0, 3600, "TST", 0},
    {"v2 last second of type 0", '2', 0, "TST-1TDT,M3.5.0,M10.5.0/3", 999999999, 3600,
     "TST", 0},
    {"v2 at first transition", '2', 0, "TST-1TDT,M3.5.0,M10.5.0/3", 1000000000, 7200,
     "TDT", 1},
    {"v2 before second", '2', 0, "TST-1TDT,M3.5.0,M10.5.0/3", 1009999999, 7200, "TDT",
     1},
    {"v2 at last transition: footer", '2', 0, "TST-1TDT,M3.5.0,M10.5.0/3", 1010000000,
     3600, "TST", 0},
    {"v2 footer summer 2100", '2', 0, "TST-1TDT,M3.5.0,M10.5.0/3", 4118083200, 7200,
     "TDT", 1},
    {"v3 same layout", '3', 0, "TST-1TDT,M3.5.0,M10.5.0/3", 4118083200, 7200, "TDT", 1},
    {"v4 same layout", '4', 0, "TST-1TDT,M3.5.0,M10.5.0/3", 1000000000, 7200, "TDT", 1},
    {"leap records skipped", '2', 3, "TST-1TDT,M3.5.0,M10.5.0/3", 1000000000, 7200,
     "TDT", 1},
    {"leap records skipped, footer", '2', 3, "TST-1TDT,M3.5.0,M10.5.0/3", 4118083200,
     7200, "TDT", 1},
    {"empty footer keeps the last type", '2', 0, "", 4118083200, 3600, "TST", 0},
    {"v1: 32-bit data", 0, 0, NULL, 1000000000, 7200, "TDT", 1},
    {"v1: last type after the end", 0, 0, NULL, 4118083200, 3600, "TST", 0},
    {"v1 with leap records", 0, 2, NULL, 1009999999, 7200, "TDT", 1},
};

START_TEST(test_handmade)
{
    wbuf w;
    tzif_spec spec = testland(handmade_cases[_i].version, handmade_cases[_i].leapcnt,
                              handmade_cases[_i].footer);
    build_tzif(&w, &spec);
    l7_tz *tz = NULL;
    ck_assert_msg(l7_tz_create_from_tzif(&tz, w.data, w.len, NULL, NULL) == L7_OK, "%s",
                  handmade_cases[_i].name);
    uint64_t now = L7T_SEC(handmade_cases[_i].t);
    ck_assert_int_eq(l7_tz_offset(tz, now), handmade_cases[_i].offset);
    ck_assert_str_eq(l7_tz_abbreviation(tz, now), handmade_cases[_i].abbr);
    l7_local_time lt;
    ck_assert_int_eq(l7_tz_to_local(&lt, tz, now + 999999999u), L7_OK);
    ck_assert_int_eq(lt.is_dst, handmade_cases[_i].is_dst);
    ck_assert_int_eq(lt.utc_offset, handmade_cases[_i].offset);
    ck_assert_int_eq(lt.day * 86400 + lt.second_of_day,
                     handmade_cases[_i].t + handmade_cases[_i].offset);
    l7_tz_destroy(tz);
}
END_TEST

/* Transitions packed inside one lookup bucket (2^24 s) and on bucket edges,
 * checked against a linear scan at and around each of them. */
START_TEST(test_dense_transitions)
{
    enum { N = 300 };
    static int64_t times[N];
    static uint8_t idx[N];
    const int64_t bucket = 1 << 24;
    size_t n = 0;
    for (int64_t k = 1; k <= 4; k++) { /* edges of buckets 1..4 */
        times[n++] = k * bucket - 1;
        times[n++] = k * bucket;
        times[n++] = k * bucket + 1;
    }
    for (int64_t k = 0; n < N - 2; k++) /* dense in bucket 6 */
        times[n++] = 6 * bucket + 1000 + k * 37;
    times[n++] = 9 * bucket;
    times[n++] = 40 * bucket + 5;
    for (size_t i = 0; i < n; i++)
        idx[i] = (uint8_t)((i * 7 + 1) % 3);
    static const tzif_type types[] = {{0, 0, 0}, {3600, 1, 4}, {-1800, 0, 8}};
    tzif_spec spec = {'2', n, times, idx, 3, types, 12, "AAA\0BBB\0CCC", 0, ""};
    wbuf w;
    build_tzif(&w, &spec);
    l7_tz *tz = NULL;
    ck_assert_int_eq(l7_tz_create_from_tzif(&tz, w.data, w.len, NULL, NULL), L7_OK);
    for (size_t i = 0; i < n; i++) {
        for (int64_t d = -2; d <= 2; d++) {
            int64_t t = times[i] + d;
            size_t type = 0; /* before the first transition: type 0 */
            for (size_t j = 0; j < n && times[j] <= t; j++)
                type = idx[j];
            if (l7_tz_offset(tz, L7T_SEC(t)) != types[type].utoff)
                ck_abort_msg("transition %zu%+lld: offset %d, want %d", i, (long long)d,
                             l7_tz_offset(tz, L7T_SEC(t)), types[type].utoff);
        }
    }
    l7_tz_destroy(tz);
}
END_TEST

/* ---- POSIX footers (a file with no transitions: the footer decides all) ------ */

static const struct {
    const char *footer;
    int64_t t;
    int32_t offset;
    const char *abbr;
} footer_cases[] = {
    {"EST5EDT,M3.2.0,M11.1.0", 4108690799, -18000, "EST"},    /* 2100-03-14T06:59:59 */
    {"EST5EDT,M3.2.0,M11.1.0", 4108690800, -14400, "EDT"},    /* 2100-03-14T07:00:00 */
    {"EST5EDT,M3.2.0,M11.1.0", 4129250399, -14400, "EDT"},    /* 2100-11-07T05:59:59 */
    {"EST5EDT,M3.2.0,M11.1.0", 4129250400, -18000, "EST"},    /* 2100-11-07T06:00:00 */
    {"<+03>-3", 1704067200, 10800, "+03"},                    /* 2024-01-01T00:00:00 */
    {"<+03>-3", 10426838400, 10800, "+03"},                   /* 2300-06-01T00:00:00 */
    {"CET-1CEST,M3.5.0,M10.5.0/3", 4109878799, 3600, "CET"},  /* 2100-03-28T00:59:59 */
    {"CET-1CEST,M3.5.0,M10.5.0/3", 4109878800, 7200, "CEST"}, /* 2100-03-28T01:00:00 */
    {"CET-1CEST,M3.5.0,M10.5.0/3", 4128627599, 7200, "CEST"}, /* 2100-10-31T00:59:59 */
    {"CET-1CEST,M3.5.0,M10.5.0/3", 4128627600, 3600, "CET"},  /* 2100-10-31T01:00:00 */
    /* Jn: February 29 never counted, so J60 is March 1 in every year. */
    {"XST-2XDT,J60/0,J300/0", 1961704799, 7200, "XST"},  /* 2032-02-29T21:59:59 */
    {"XST-2XDT,J60/0,J300/0", 1961704800, 10800, "XDT"}, /* 2032-02-29T22:00:00 */
    {"XST-2XDT,J60/0,J300/0", 1898546399, 7200, "XST"},  /* 2030-02-28T21:59:59 */
    {"XST-2XDT,J60/0,J300/0", 1898546400, 10800, "XDT"}, /* 2030-02-28T22:00:00 */
    {"XST-2XDT,J60/0,J300/0", 1982437199, 10800, "XDT"}, /* 2032-10-26T20:59:59 */
    {"XST-2XDT,J60/0,J300/0", 1982437200, 7200, "XST"},  /* 2032-10-26T21:00:00 */
    /* n: zero-based, February 29 counted (day 59 is Feb 29 in 2032). Python's
     * zoneinfo gets this form one day early; glibc is the reference. */
    {"XST-2XDT,59/0,300/0", 1961618399, 7200, "XST"},  /* 2032-02-28T21:59:59 */
    {"XST-2XDT,59/0,300/0", 1961618400, 10800, "XDT"}, /* 2032-02-28T22:00:00 */
    {"XST-2XDT,59/0,300/0", 1898546399, 7200, "XST"},  /* 2030-02-28T21:59:59 */
    {"XST-2XDT,59/0,300/0", 1898546400, 10800, "XDT"}, /* 2030-02-28T22:00:00 */
    {"XST-2XDT,59/0,300/0", 1982437199, 10800, "XDT"}, /* 2032-10-26T20:59:59 */
    {"XST-2XDT,59/0,300/0", 1982437200, 7200, "XST"},  /* 2032-10-26T21:00:00 */
    /* RFC 8536 3.3.1: permanent DST. Python agrees; glibc shows EST for the
     * first hour of the UTC year. */
    {"EST5EDT,0/0,J365/25", 1893473999, -14400, "EDT"}, /* 2030-01-01T04:59:59 */
    {"EST5EDT,0/0,J365/25", 1893474000, -14400, "EDT"}, /* 2030-01-01T05:00:00 */
    {"EST5EDT,0/0,J365/25", 1909094400, -14400, "EDT"}, /* 2030-07-01T00:00:00 */
    {"EST5EDT,0/0,J365/25", 1988107200, -14400, "EDT"}, /* 2032-12-31T12:00:00 */
    /* Negative rule time (America/Nuuk since 2023). */
    {"<-02>2<-01>,M3.5.0/-1,M10.5.0/0", 4109878799, -7200,
     "-02"}, /* 2100-03-28T00:59:59 */
    {"<-02>2<-01>,M3.5.0/-1,M10.5.0/0", 4109878800, -3600,
     "-01"}, /* 2100-03-28T01:00:00 */
    {"<-02>2<-01>,M3.5.0/-1,M10.5.0/0", 4128627599, -3600,
     "-01"}, /* 2100-10-31T00:59:59 */
    {"<-02>2<-01>,M3.5.0/-1,M10.5.0/0", 4128627600, -7200,
     "-02"}, /* 2100-10-31T01:00:00 */
    /* Southern hemisphere, 30-minute DST (Australia/Lord_Howe). */
    {"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", 4110447599, 39600, "+11"},
    {"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", 4110447600, 37800, "+1030"},
    {"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", 4126174199, 37800, "+1030"},
    {"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", 4126174200, 39600, "+11"},
    /* RFC 8536 v3: rule hours beyond 24 and below 0. */
    {"AAA3BBB,M3.2.0/50,M11.1.0/-30", 4108856399, -10800,
     "AAA"}, /* 2100-03-16T04:59:59 */
    {"AAA3BBB,M3.2.0/50,M11.1.0/-30", 4108856400, -7200,
     "BBB"}, /* 2100-03-16T05:00:00 */
    {"AAA3BBB,M3.2.0/50,M11.1.0/-30", 4129127999, -7200,
     "BBB"}, /* 2100-11-05T19:59:59 */
    {"AAA3BBB,M3.2.0/50,M11.1.0/-30", 4129128000, -10800,
     "AAA"}, /* 2100-11-05T20:00:00 */
    {"ABC-5:30", 1717200000, 19800, "ABC"},
    {"ABC+5", 1717200000, -18000, "ABC"},
    {"ABC-5:30:15", 1717200000, 19815, "ABC"},
    {"XXX-1YYY-3,M3.5.0,M10.5.0", 4118083200, 10800, "YYY"}, /* explicit DST offset */
    {"XXX-1YYY-3,M3.5.0,M10.5.0", 4102444800, 3600, "XXX"},
    /* DST without a rule: the US rule, as glibc. */
    {"EST5EDT", 4108690799, -18000, "EST"}, /* 2100-03-14T06:59:59 */
    {"EST5EDT", 4108690800, -14400, "EDT"}, /* 2100-03-14T07:00:00 */
};

static const tzif_type one_type[] = {{0, 0, 0}};

START_TEST(test_footer)
{
    wbuf w;
    tzif_spec spec = {'2',      0, NULL,  NULL, 1,
                      one_type, 4, "LMT", 0,    footer_cases[_i].footer};
    build_tzif(&w, &spec);
    l7_tz *tz = NULL;
    l7_diag_list *d = NULL;
    ck_assert_int_eq(l7_diag_list_create(&d, NULL), L7_OK);
    int rc = l7_tz_create_from_tzif(&tz, w.data, w.len, NULL, d);
    ck_assert_msg(rc == L7_OK, "%s: %s", footer_cases[_i].footer,
                  l7_diag_list_count(d) ? l7_diag_message(d, 0) : "");
    uint64_t now = L7T_SEC(footer_cases[_i].t);
    ck_assert_int_eq(l7_tz_offset(tz, now), footer_cases[_i].offset);
    ck_assert_str_eq(l7_tz_abbreviation(tz, now), footer_cases[_i].abbr);
    l7_tz_destroy(tz);
    l7_diag_list_destroy(d);
}
END_TEST

/* After its last transition a zone follows its footer. libl7 lays the
 * footer out as a table up to 2200 at load time; here a zone with
 * transitions and the same footer alone must agree on every change, to the
 * second, from the last transition to 2210 (past the table's end). */
static const struct {
    const char *footer;
    int min_changes; /* seen from both zones, 2010..2210 */
} expansion_cases[] = {
    {"CET-1CEST,M3.5.0,M10.5.0/3", 800},
    {"EST5EDT,0/0,J365/25", 0}, /* permanent DST */
    {"<-02>2<-01>,M3.5.0/-1,M10.5.0/0", 800},
    {"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", 800},
    {"AAA3BBB,M3.2.0/50,M11.1.0/-30", 800},
    {"XST-2XDT,59/0,300/0", 800},
    {"XST-2XDT,J1/-100,J365/100", 0}, /* DST overlaps the year: always on */
    {"<+03>-3", 0},
    {"EST5EDT", 800},
};

static int64_t find_change(const l7_tz *tz, int64_t lo, int64_t hi)
{
    /* offset(lo) != offset(hi): the first second with offset(hi). */
    int32_t at_hi = l7_tz_offset(tz, L7T_SEC(hi));
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        if (l7_tz_offset(tz, L7T_SEC(mid)) == at_hi)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

/* Check records every passing ck_assert (a write per call), so hot loops
 * test with plain ifs and only call Check to fail. */
static void same_at(const l7_tz *a, const l7_tz *b, int64_t t, const char *footer)
{
    uint64_t now = L7T_SEC(t);
    if (l7_tz_offset(a, now) != l7_tz_offset(b, now) ||
        strcmp(l7_tz_abbreviation(a, now), l7_tz_abbreviation(b, now)) != 0)
        ck_abort_msg("%s at %lld: %d %s vs %d %s", footer, (long long)t,
                     l7_tz_offset(a, now), l7_tz_abbreviation(a, now),
                     l7_tz_offset(b, now), l7_tz_abbreviation(b, now));
}

START_TEST(test_footer_expansion)
{
    const char *footer = expansion_cases[_i].footer;
    wbuf w;
    tzif_spec with_table = testland('2', 0, footer);
    tzif_spec rule_only = {'2', 0, NULL, NULL, 1, one_type, 4, "LMT", 0, footer};
    l7_tz *a = NULL, *b = NULL;
    build_tzif(&w, &with_table);
    ck_assert_int_eq(l7_tz_create_from_tzif(&a, w.data, w.len, NULL, NULL), L7_OK);
    build_tzif(&w, &rule_only);
    ck_assert_int_eq(l7_tz_create_from_tzif(&b, w.data, w.len, NULL, NULL), L7_OK);
    const int64_t step = 6 * 3600, end = 7574457600; /* 2210-01-01 */
    int changes = 0;
    for (int64_t t = testland_times[1]; t < end; t += step) {
        same_at(a, b, t, footer);
        for (int z = 0; z < 2; z++) {
            const l7_tz *tz = z ? b : a;
            if (l7_tz_offset(tz, L7T_SEC(t)) != l7_tz_offset(tz, L7T_SEC(t + step))) {
                int64_t c = find_change(tz, t, t + step);
                same_at(a, b, c - 1, footer);
                same_at(a, b, c, footer);
                changes++;
            }
        }
    }
    ck_assert_int_ge(changes, expansion_cases[_i].min_changes);
    l7_tz_destroy(a);
    l7_tz_destroy(b);
}
END_TEST

static const struct {
    const char *footer;
    uint32_t column; /* 1-based inside the footer text */
} bad_footer_cases[] = {
    {"EST", 4},                                  /* no offset */
    {"ES5", 3},                                  /* abbreviation too short */
    {"<AB>5", 5},                                /* <abbreviation> too short */
    {"<ABC5", 6},                                /* unterminated */
    {"<A$C>5", 3},                               /* bad character */
    {"ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGH5", 32}, /* too long */
    {"EST25", 4},                                /* hours above 24 */
    {"EST5:60", 6},                              /* minutes above 59 */
    {"EST5EDT,M3.2.0", 15},                      /* no end rule */
    {"EST5EDT;M3.2.0,M11.1.0", 8},               /* ';' */
    {"EST5EDT,M13.1.0,M11.1.0", 10},             /* month 13 */
    {"EST5EDT,M0.1.0,M11.1.0", 10},              /* month 0 */
    {"EST5EDT,M3.6.0,M11.1.0", 12},              /* week 6 */
    {"EST5EDT,M3.0.0,M11.1.0", 12},              /* week 0 */
    {"EST5EDT,M3.2.7,M11.1.0", 14},              /* weekday 7 */
    {"EST5EDT,M3-2.0,M11.1.0", 11},              /* '.' missing */
    {"EST5EDT,J0,J365", 10},                     /* J counts from 1 */
    {"EST5EDT,J366,J1", 10},                     /* J up to 365 */
    {"EST5EDT,366,1", 9},                        /* n up to 365 */
    {"EST5EDT,M3.2.0/168,M11.1.0", 16},          /* rule hours up to 167 */
    {"EST5EDT,M3.2.0,M11.1.0x", 23},             /* trailing text */
    {"EST5EDT,X,M11.1.0", 9},                    /* not a date */
};

START_TEST(test_bad_footer)
{
    wbuf w;
    tzif_spec spec = {'2',      0, NULL,  NULL, 1,
                      one_type, 4, "LMT", 0,    bad_footer_cases[_i].footer};
    build_tzif(&w, &spec);
    size_t footer_at = w.len - strlen(bad_footer_cases[_i].footer) - 1;
    l7_tz *tz = (l7_tz *)&w; /* must be reset to NULL */
    l7_diag_list *d = NULL;
    ck_assert_int_eq(l7_diag_list_create(&d, NULL), L7_OK);
    ck_assert_int_eq(l7_tz_create_from_tzif(&tz, w.data, w.len, NULL, d), L7_ESYNTAX);
    ck_assert_ptr_null(tz);
    ck_assert_uint_eq(l7_diag_list_count(d), 1);
    ck_assert_int_eq(l7_diag_code(d, 0), L7_ESYNTAX);
    ck_assert_ptr_nonnull(strstr(l7_diag_message(d, 0), "footer"));
    ck_assert_msg(l7_diag_column(d, 0) == footer_at + bad_footer_cases[_i].column,
                  "%s: column %u, want %zu (%s)", bad_footer_cases[_i].footer,
                  l7_diag_column(d, 0), footer_at + bad_footer_cases[_i].column,
                  l7_diag_message(d, 0));
    l7_diag_list_destroy(d);
}
END_TEST

/* ---- malformed files ---------------------------------------------------------- */

/* Offsets inside build_tzif(testland('2', 0, F)): the v1 block holds no
 * transitions, 2 types (12 bytes), 8 chars and 4 indicator bytes. */
#define V2_HDR  (44 + 12 + 8 + 4)
#define V2_DATA (V2_HDR + 44)
#define V2_IDX  (V2_DATA + 16)
#define V2_TYPE (V2_IDX + 2)
#define V2_CHAR (V2_TYPE + 12)
#define V2_FOOT (V2_CHAR + 8 + 4)

static const struct {
    const char *name;
    size_t at;
    uint8_t bytes[8];
    size_t n;
    int code;
} patch_cases[] = {
    {"bad magic", 0, {'X'}, 1, L7_ESYNTAX},
    {"version '1'", 4, {'1'}, 1, L7_EUNSUPPORTED},
    {"version 0xff", 4, {0xff}, 1, L7_EUNSUPPORTED},
    {"v1 typecnt 0", 36, {0, 0, 0, 0}, 4, L7_ESYNTAX},
    {"v1 timecnt huge", 32, {0xff, 0xff, 0xff, 0xff}, 4, L7_ESYNTAX},
    {"v1 leapcnt huge", 28, {0x7f, 0xff, 0xff, 0xff}, 4, L7_ESYNTAX},
    {"v2 bad magic", V2_HDR, {'T', 'Z', 'i', 'g'}, 4, L7_ESYNTAX},
    {"v2 typecnt 0", V2_HDR + 36, {0, 0, 0, 0}, 4, L7_ESYNTAX},
    {"v2 typecnt 300", V2_HDR + 36, {0, 0, 1, 44}, 4, L7_ESYNTAX},
    {"v2 charcnt 0", V2_HDR + 40, {0, 0, 0, 0}, 4, L7_ESYNTAX},
    {"v2 isutcnt 1", V2_HDR + 20, {0, 0, 0, 1}, 4, L7_ESYNTAX},
    {"v2 isstdcnt 3", V2_HDR + 24, {0, 0, 0, 3}, 4, L7_ESYNTAX},
    {"v2 timecnt huge", V2_HDR + 32, {0xff, 0xff, 0xff, 0xff}, 4, L7_ESYNTAX},
    {"v2 charcnt huge", V2_HDR + 40, {0xff, 0xff, 0xff, 0xff}, 4, L7_ESYNTAX},
    {"times not ascending", V2_DATA + 8, {0, 0, 0, 0, 0, 0, 0, 0}, 8, L7_ESYNTAX},
    {"times equal", V2_DATA + 8, {0, 0, 0, 0, 0x3b, 0x9a, 0xca, 0x00}, 8, L7_ESYNTAX},
    {"type index out of range", V2_IDX + 1, {2}, 1, L7_ESYNTAX},
    {"utoff INT32_MIN", V2_TYPE, {0x80, 0, 0, 0}, 4, L7_ESYNTAX},
    {"utoff 26 h", V2_TYPE, {0, 1, 0x6d, 0xa0}, 4, L7_ESYNTAX},
    {"isdst 2", V2_TYPE + 4, {2}, 1, L7_ESYNTAX},
    {"abbreviation index out of range", V2_TYPE + 5, {8}, 1, L7_ESYNTAX},
    {"abbreviations not NUL-terminated", V2_CHAR + 7, {'X'}, 1, L7_ESYNTAX},
    {"no footer newline", V2_FOOT, {'X'}, 1, L7_ESYNTAX},
};

START_TEST(test_patched)
{
    wbuf w;
    tzif_spec spec = testland('2', 0, "TST-1TDT,M3.5.0,M10.5.0/3");
    build_tzif(&w, &spec);
    /* The layout the offsets above assume. */
    ck_assert_int_eq(w.data[V2_HDR], 'T');
    ck_assert_int_eq(w.data[V2_FOOT], '\n');
    memcpy(w.data + patch_cases[_i].at, patch_cases[_i].bytes, patch_cases[_i].n);
    l7_tz *tz = NULL;
    l7_diag_list *d = NULL;
    ck_assert_int_eq(l7_diag_list_create(&d, NULL), L7_OK);
    ck_assert_msg(l7_tz_create_from_tzif(&tz, w.data, w.len, NULL, d) ==
                      patch_cases[_i].code,
                  "%s", patch_cases[_i].name);
    ck_assert_ptr_null(tz);
    ck_assert_uint_eq(l7_diag_list_count(d), 1);
    ck_assert_str_eq(l7_diag_item(d, 0), "TZif");
    ck_assert_uint_gt(l7_diag_column(d, 0), 0);
    l7_diag_list_destroy(d);
}
END_TEST

/* Every proper prefix of a v2+ file lacks its footer's final newline at
 * least, so each must fail cleanly; ASan watches the reads. */
static void check_truncations(const uint8_t *bytes, size_t len)
{
    for (size_t n = 0; n < len; n++) {
        /* A private copy of exactly n bytes, so ASan sees any overread. */
        uint8_t *copy = malloc(n ? n : 1);
        ck_assert_ptr_nonnull(copy);
        memcpy(copy, bytes, n);
        l7_tz *tz = NULL;
        int rc = l7_tz_create_from_tzif(&tz, copy, n, NULL, NULL);
        if (rc >= 0 || tz)
            ck_abort_msg("prefix of %zu/%zu bytes accepted", n, len);
        free(copy);
    }
    l7_tz *tz = NULL;
    ck_assert_int_eq(l7_tz_create_from_tzif(&tz, bytes, len, NULL, NULL), L7_OK);
    l7_tz_destroy(tz);
}

/* Random byte corruptions: a clean error or a usable zone, never a crash.
 * A fixed-seed xorshift keeps the run reproducible. */
static void check_corruptions(const uint8_t *bytes, size_t len, int rounds)
{
    uint64_t state = 0x9e3779b97f4a7c15ull;
    uint8_t *copy = malloc(len);
    ck_assert_ptr_nonnull(copy);
    int accepted = 0, refused = 0;
    for (int r = 0; r < rounds; r++) {
        memcpy(copy, bytes, len);
        int flips = 1 + r % 4;
        for (int k = 0; k < flips; k++) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            copy[state % len] = (uint8_t)(state >> 32);
        }
        l7_tz *tz = NULL;
        int rc = l7_tz_create_from_tzif(&tz, copy, len, NULL, NULL);
        if (rc == L7_OK) {
            accepted++;
            for (int64_t t = 0; t < 5000000000ll; t += 123456789) {
                int32_t off = l7_tz_offset(tz, L7T_SEC(t));
                if (off < -89999 || off > 93599 || !l7_tz_abbreviation(tz, L7T_SEC(t)))
                    ck_abort_msg("round %d: offset %d at %lld", r, off, (long long)t);
            }
            l7_tz_destroy(tz);
        } else {
            refused++;
            if (tz)
                ck_abort_msg("round %d: error but a zone", r);
        }
    }
    free(copy);
    /* Both outcomes occur: the test really exercises the parser. */
    ck_assert_int_gt(accepted, 0);
    ck_assert_int_gt(refused, 0);
}

START_TEST(test_hostile_handmade)
{
    wbuf w;
    tzif_spec spec = testland('2', 2, "TST-1TDT,M3.5.0,M10.5.0/3");
    build_tzif(&w, &spec);
    check_truncations(w.data, w.len);
    check_corruptions(w.data, w.len, 3000);
}
END_TEST

START_TEST(test_hostile_real)
{
    size_t len = 0;
    unsigned char *bytes = l7t_read_file(ZONEINFO "America/New_York", &len);
    if (!bytes) {
        printf("skip: " ZONEINFO "America/New_York is absent\n");
        return;
    }
    check_truncations(bytes, len);
    check_corruptions(bytes, len, 3000);
    free(bytes);
}
END_TEST

static void *partial_malloc(size_t n, void *user)
{
    (void)user;
    return malloc(n);
}

START_TEST(test_bad_arguments)
{
    l7_tz *tz = NULL;
    ck_assert_int_eq(l7_tz_create_from_tzif(NULL, "TZif", 4, NULL, NULL), L7_EINVAL);
    ck_assert_int_eq(l7_tz_create_from_tzif(&tz, NULL, 4, NULL, NULL), L7_EINVAL);
    ck_assert_int_eq(l7_tz_create_from_tzif(&tz, NULL, 0, NULL, NULL), L7_ESYNTAX);
    ck_assert_int_eq(
        l7_tz_create_from_tzif(&tz, "x", L7_TZ_MAX_TZIF_SIZE + 1, NULL, NULL),
        L7_ELIMIT);
    ck_assert_ptr_null(tz);
    ck_assert_int_eq(l7_tz_to_local(NULL, NULL, 0), L7_EINVAL);
    ck_assert_int_eq(l7_tz_create_utc(NULL, NULL), L7_EINVAL);
    l7_allocator partial = {partial_malloc, NULL, NULL, NULL};
    ck_assert_int_eq(l7_tz_create_utc(&tz, &partial), L7_EINVAL);
    l7_tz_destroy(NULL);
    ck_assert_ptr_null(l7_tz_ref(NULL));
}
END_TEST

/* ---- real zones ---------------------------------------------------------------- */

static const struct {
    const char *zone;
    int64_t t;
    int32_t offset;
    const char *abbr;
    int is_dst;
} real_cases[] = {
    {"Europe/Riga", 1719835200, 10800, "EEST", 1}, /* 2024-07-01 15:00 local */
    {"Europe/Riga", 1735732800, 7200, "EET", 0},   /* 2025-01-01 14:00 local */
    {"Europe/Riga", 1711846799, 7200, "EET", 0},   /* 2024-03-31 02:59:59 */
    {"Europe/Riga", 1711846800, 10800, "EEST", 1}, /* 2024-03-31 04:00:00 */
    {"Europe/Riga", 1729990799, 10800, "EEST", 1}, /* 2024-10-27 03:59:59 */
    {"Europe/Riga", 1729990800, 7200, "EET", 0},   /* 2024-10-27 03:00:00 */
    /* Beyond 2037, the last transition of a "fat" file: footer rule. */
    {"Europe/Riga", 4118126400, 10800, "EEST", 1},          /* 2100-07-01 */
    {"Europe/Riga", 4128627599, 10800, "EEST", 1},          /* 2100-10-31 00:59:59Z */
    {"Europe/Riga", 4128627600, 7200, "EET", 0},            /* 2100-10-31 01:00:00Z */
    {"Europe/Riga", 16740864000, 10800, "EEST", 1},         /* 2500-07-01 */
    {"America/New_York", 1710053999, -18000, "EST", 0},     /* 2024-03-10 01:59:59 */
    {"America/New_York", 1710054000, -14400, "EDT", 1},     /* 2024-03-10 03:00:00 */
    {"America/New_York", 1730613599, -14400, "EDT", 1},     /* 2024-11-03 01:59:59 */
    {"America/New_York", 1730613600, -18000, "EST", 0},     /* 2024-11-03 01:00:00 */
    {"America/New_York", 4103654400, -18000, "EST", 0},     /* 2100-01-15 */
    {"America/New_York", 4108690799, -18000, "EST", 0},     /* 2100-03-14 01:59:59 */
    {"America/New_York", 4108690800, -14400, "EDT", 1},     /* 2100-03-14 03:00:00 */
    {"Australia/Lord_Howe", 1712415599, 39600, "+11", 1},   /* 2024-04-07 01:59:59 */
    {"Australia/Lord_Howe", 1712415600, 37800, "+1030", 0}, /* 2024-04-07 01:30:00 */
    {"Australia/Lord_Howe", 1728142199, 37800, "+1030", 0}, /* 2024-10-06 01:59:59 */
    {"Australia/Lord_Howe", 1728142200, 39600, "+11", 1},   /* 2024-10-06 02:30:00 */
    {"Australia/Lord_Howe", 4102444800, 39600, "+11", 1},   /* 2100-01-01 */
    {"Australia/Lord_Howe", 4115491200, 37800, "+1030", 0}, /* 2100-06-01 */
    {"America/Nuuk", 1901149199, -7200, "-02", 0},          /* 2030-03-30 22:59:59 */
    {"America/Nuuk", 1901149200, -3600, "-01", 1},          /* 2030-03-31 00:00:00 */
    /* right/ zones carry leap-second records: skipped, POSIX time kept */
    {"right/Europe/Riga", 1719835200, 10800, "EEST", 1},
    {"right/Europe/Riga", 4118126400, 10800, "EEST", 1},
    {"right/UTC", 1735732800, 0, "UTC", 0},
    {"UTC", 0, 0, "UTC", 0},
    {"UTC", 4102444800, 0, "UTC", 0},
};

START_TEST(test_real_zone)
{
    char path[256];
    snprintf(path, sizeof(path), ZONEINFO "%s", real_cases[_i].zone);
    size_t len = 0;
    unsigned char *bytes = l7t_read_file(path, &len);
    if (!bytes) {
        printf("skip: %s is absent\n", path);
        return;
    }
    l7_tz *tz = NULL;
    ck_assert_int_eq(l7_tz_create_from_tzif(&tz, bytes, len, NULL, NULL), L7_OK);
    free(bytes); /* the zone keeps no pointer into the input */
    uint64_t now = L7T_SEC(real_cases[_i].t);
    ck_assert_int_eq(l7_tz_offset(tz, now), real_cases[_i].offset);
    ck_assert_str_eq(l7_tz_abbreviation(tz, now), real_cases[_i].abbr);
    l7_local_time lt;
    ck_assert_int_eq(l7_tz_to_local(&lt, tz, now), L7_OK);
    ck_assert_int_eq(lt.is_dst, real_cases[_i].is_dst);
    l7_tz_destroy(tz);
}
END_TEST

/* ---- local time fields and fixed zones ----------------------------------------- */

static const struct {
    int32_t offset; /* fixed zone */
    int64_t t;
    int64_t day;
    uint32_t second_of_day;
    uint8_t weekday;
    const char *abbr;
} local_cases[] = {
    {0, 0, 0, 0, 4, "UTC"},           /* 1970-01-01 Thursday */
    {-18000, 0, -1, 68400, 3, "-05"}, /* 1969-12-31 19:00 Wednesday */
    {19800, 0, 0, 19800, 4, "+0530"},
    {10800, 1719835200, 19905, 54000, 1, "+03"}, /* 2024-07-01 15:00 Monday */
    {0, 1719878399, 19905, 86399, 1, "UTC"},     /* last second of that Monday */
    {0, 1719878400, 19906, 0, 2, "UTC"},         /* Tuesday */
    {-3600, 1719878400, 19905, 82800, 1, "-01"},
    {45045, 0, 0, 45045, 4, "+123045"},
    {93600, 0, 1, 7200, 5, "+26"},
};

START_TEST(test_local_fields)
{
    l7_tz *tz = NULL;
    if (local_cases[_i].offset == 0)
        ck_assert_int_eq(l7_tz_create_utc(&tz, NULL), L7_OK);
    else
        ck_assert_int_eq(l7_tz_create_fixed(&tz, local_cases[_i].offset, NULL), L7_OK);
    l7_local_time lt;
    memset(&lt, 0xaa, sizeof(lt));
    uint64_t now = L7T_SEC(local_cases[_i].t) + 5;
    ck_assert_int_eq(l7_tz_to_local(&lt, tz, now), L7_OK);
    ck_assert_int_eq(lt.day, local_cases[_i].day);
    ck_assert_uint_eq(lt.second_of_day, local_cases[_i].second_of_day);
    ck_assert_uint_eq(lt.weekday, local_cases[_i].weekday);
    ck_assert_int_eq(lt.utc_offset, local_cases[_i].offset);
    ck_assert_uint_eq(lt.is_dst, 0);
    ck_assert_uint_eq(lt.pad[0] | lt.pad[5], 0);
    ck_assert_str_eq(l7_tz_abbreviation(tz, now), local_cases[_i].abbr);
    l7_tz_destroy(tz);
}
END_TEST

START_TEST(test_fixed_range_and_refs)
{
    l7_tz *tz = NULL;
    ck_assert_int_eq(l7_tz_create_fixed(&tz, 93601, NULL), L7_ERANGE);
    ck_assert_ptr_null(tz);
    ck_assert_int_eq(l7_tz_create_fixed(&tz, -93601, NULL), L7_ERANGE);
    /* NULL zone counts as UTC. */
    ck_assert_int_eq(l7_tz_offset(NULL, L7T_SEC(1719835200)), 0);
    ck_assert_str_eq(l7_tz_abbreviation(NULL, 0), "UTC");
    /* References: the zone lives until the last destroy (ASan checks). */
    ck_assert_int_eq(l7_tz_create_fixed(&tz, 3600, NULL), L7_OK);
    ck_assert_ptr_eq(l7_tz_ref(tz), tz);
    l7_tz_destroy(tz);
    ck_assert_int_eq(l7_tz_offset(tz, 0), 3600);
    l7_tz_destroy(tz);
}
END_TEST

/* Allocation failures at every step leave nothing behind. */
typedef struct fail_alloc {
    int countdown; /* fail when it reaches 0 */
    int live;
} fail_alloc;

static void *fa_malloc(size_t n, void *user)
{
    fail_alloc *fa = user;
    if (fa->countdown-- == 0)
        return NULL;
    fa->live++;
    return malloc(n);
}
static void *fa_realloc(void *p, size_t n, void *user)
{
    fail_alloc *fa = user;
    if (fa->countdown-- == 0)
        return NULL;
    if (!p)
        fa->live++;
    return realloc(p, n);
}
static void fa_free(void *p, void *user)
{
    fail_alloc *fa = user;
    if (p)
        fa->live--;
    free(p);
}

START_TEST(test_alloc_failures)
{
    wbuf w;
    tzif_spec spec = testland('2', 0, "TST-1TDT,M3.5.0,M10.5.0/3");
    build_tzif(&w, &spec);
    int ok_at = -1;
    for (int k = 0; k < 20 && ok_at < 0; k++) {
        fail_alloc fa = {k, 0};
        l7_allocator hooks = {fa_malloc, fa_realloc, fa_free, &fa};
        l7_tz *tz = NULL;
        int rc = l7_tz_create_from_tzif(&tz, w.data, w.len, &hooks, NULL);
        if (rc == L7_OK) {
            ok_at = k;
            ck_assert_int_eq(l7_tz_offset(tz, L7T_SEC(1000000000)), 7200);
            l7_tz_destroy(tz);
        } else {
            ck_assert_int_eq(rc, L7_ENOMEM);
            ck_assert_ptr_null(tz);
        }
        ck_assert_int_eq(fa.live, 0);
    }
    ck_assert_int_gt(ok_at, 0);
}
END_TEST

static Suite *tz_suite(void)
{
    Suite *s = suite_create("tz");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_handmade, 0, (int)L7_ARRAY_SIZE(handmade_cases));
    tcase_add_test(tc, test_dense_transitions);
    tcase_add_loop_test(tc, test_footer, 0, (int)L7_ARRAY_SIZE(footer_cases));
    tcase_add_loop_test(tc, test_footer_expansion, 0,
                        (int)L7_ARRAY_SIZE(expansion_cases));
    tcase_add_loop_test(tc, test_bad_footer, 0, (int)L7_ARRAY_SIZE(bad_footer_cases));
    tcase_add_loop_test(tc, test_patched, 0, (int)L7_ARRAY_SIZE(patch_cases));
    tcase_add_test(tc, test_hostile_handmade);
    tcase_add_test(tc, test_hostile_real);
    tcase_add_test(tc, test_bad_arguments);
    tcase_add_loop_test(tc, test_real_zone, 0, (int)L7_ARRAY_SIZE(real_cases));
    tcase_add_loop_test(tc, test_local_fields, 0, (int)L7_ARRAY_SIZE(local_cases));
    tcase_add_test(tc, test_fixed_range_and_refs);
    tcase_add_test(tc, test_alloc_failures);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return l7t_run_suite(tz_suite());
}
