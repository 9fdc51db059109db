/* RouterOS value grammars: every accepted and refused form, round trips. */
#include "testutil.h"

#include "common_internal.h"
#include "l7/l7.h"

#include <stdlib.h>
#include <string.h>

/* Parsers get an exact-size heap copy without a NUL, so that ASan catches
 * any read past `len`. */
static char *exact_copy(const char *text, size_t *len)
{
    *len = strlen(text);
    char *p = malloc(*len ? *len : 1);
    ck_assert_ptr_nonnull(p);
    memcpy(p, text, *len);
    return p;
}

/* ---- addresses ------------------------------------------------------------ */

static const struct {
    const char *text;
    uint32_t family; /* requested */
    int rc;
    const char *canonical; /* when rc == 0 */
} addr_cases[] = {
    {"0.0.0.0", 0, L7_OK, "0.0.0.0"},
    {"255.255.255.255", 0, L7_OK, "255.255.255.255"},
    {"192.168.1.1", 4, L7_OK, "192.168.1.1"},
    {"10.0.0.1", 0, L7_OK, "10.0.0.1"},
    {"::", 0, L7_OK, "::"},
    {"::1", 6, L7_OK, "::1"},
    {"1::", 0, L7_OK, "1::"},
    {"0:0:0:0:0:0:0:0", 0, L7_OK, "::"},
    {"2001:db8::1", 0, L7_OK, "2001:db8::1"},
    {"2001:DB8:0:0:0:0:0:1", 0, L7_OK, "2001:db8::1"},
    {"2001:db8:0:0:1:0:0:1", 0, L7_OK, "2001:db8::1:0:0:1"},
    {"2001:0db8:0000:0000:0000:ff00:0042:8329", 0, L7_OK, "2001:db8::ff00:42:8329"},
    {"1:2:3:4:5:6:7:8", 0, L7_OK, "1:2:3:4:5:6:7:8"},
    {"1:0:3:4:5:6:7:8", 0, L7_OK, "1:0:3:4:5:6:7:8"},
    {"1:2:3:4:5:6:7::", 0, L7_OK, "1:2:3:4:5:6:7:0"},
    {"::2:3:4:5:6:7:8", 0, L7_OK, "0:2:3:4:5:6:7:8"},
    {"1:0:0:2:0:0:0:3", 0, L7_OK, "1:0:0:2::3"},
    {"fe80::1", 0, L7_OK, "fe80::1"},
    {"::ffff:1.2.3.4", 0, L7_OK, "::ffff:1.2.3.4"},
    {"::ffff:0102:0304", 0, L7_OK, "::ffff:1.2.3.4"},
    {"::FFFF:255.255.255.255", 0, L7_OK, "::ffff:255.255.255.255"},
    {"64:ff9b::192.0.2.33", 0, L7_OK, "64:ff9b::c000:221"},
    {"1:2:3:4:5:6:1.2.3.4", 0, L7_OK, "1:2:3:4:5:6:102:304"},
    {"::1.2.3.4", 0, L7_OK, "::102:304"},
    /* refused */
    {"", 0, L7_ESYNTAX, NULL},
    {"1.2.3", 0, L7_ESYNTAX, NULL},
    {"1.2.3.4.5", 0, L7_ESYNTAX, NULL},
    {"256.1.1.1", 0, L7_ESYNTAX, NULL},
    {"01.2.3.4", 0, L7_ESYNTAX, NULL},
    {"1.2.3.4 ", 0, L7_ESYNTAX, NULL},
    {" 1.2.3.4", 0, L7_ESYNTAX, NULL},
    {"1..2.3", 0, L7_ESYNTAX, NULL},
    {"1.2.3.", 0, L7_ESYNTAX, NULL},
    {"1234.1.1.1", 0, L7_ESYNTAX, NULL},
    {"a.b.c.d", 0, L7_ESYNTAX, NULL},
    {"1.2.3.-4", 0, L7_ESYNTAX, NULL},
    {"1.2.3.4/32", 0, L7_ESYNTAX, NULL},
    {":", 0, L7_ESYNTAX, NULL},
    {":::", 0, L7_ESYNTAX, NULL},
    {"1:::2", 0, L7_ESYNTAX, NULL},
    {"1::2::3", 0, L7_ESYNTAX, NULL},
    {":1::", 0, L7_ESYNTAX, NULL},
    {"1:", 0, L7_ESYNTAX, NULL},
    {"::1:", 0, L7_ESYNTAX, NULL},
    {"1:2:3:4:5:6:7", 0, L7_ESYNTAX, NULL},
    {"1:2:3:4:5:6:7:8:9", 0, L7_ESYNTAX, NULL},
    {"1:2:3:4:5:6:7:8::", 0, L7_ESYNTAX, NULL},
    {"::1:2:3:4:5:6:7:8", 0, L7_ESYNTAX, NULL},
    {"12345::", 0, L7_ESYNTAX, NULL},
    {"g::1", 0, L7_ESYNTAX, NULL},
    {"fe80::1%eth0", 0, L7_ESYNTAX, NULL},
    {"fe80::1%1", 0, L7_ESYNTAX, NULL},
    {"::1.2.3", 0, L7_ESYNTAX, NULL},
    {"1.2.3.4::", 0, L7_ESYNTAX, NULL},
    {"::ffff:1.2.3.4:5", 0, L7_ESYNTAX, NULL},
    {"1:2:3:4:5:6:7:1.2.3.4", 0, L7_ESYNTAX, NULL},
    {"::ffff:01.2.3.4", 0, L7_ESYNTAX, NULL},
    {"1.2.3.4", 6, L7_ESYNTAX, NULL},
    {"::1", 4, L7_ESYNTAX, NULL},
};

START_TEST(test_addr)
{
    size_t len;
    char *text = exact_copy(addr_cases[_i].text, &len);
    l7_addr a;
    int rc = l7_value_parse_addr(&a, text, len, addr_cases[_i].family);
    ck_assert_msg(rc == addr_cases[_i].rc, "%s: rc %d", addr_cases[_i].text, rc);
    if (rc == L7_OK) {
        char buf[L7_VALUE_ADDR_TEXT_MAX];
        int n = l7_addr_format(buf, sizeof(buf), &a);
        ck_assert_int_eq(n, (int)strlen(addr_cases[_i].canonical));
        ck_assert_str_eq(buf, addr_cases[_i].canonical);
        /* The canonical form parses back to the same address. */
        l7_addr b;
        ck_assert_int_eq(l7_value_parse_addr(&b, buf, strlen(buf), 0), L7_OK);
        ck_assert_mem_eq(&a, &b, sizeof(a));
        ck_assert_uint_eq(a.family, strchr(addr_cases[_i].text, ':') ? 6 : 4);
    }
    free(text);
}
END_TEST

START_TEST(test_addr_bytes_and_bounds)
{
    l7_addr a;
    ck_assert_int_eq(l7_value_parse_addr(&a, "10.1.2.3", 8, 0), L7_OK);
    const uint8_t want4[16] = {10, 1, 2, 3};
    ck_assert_mem_eq(a.bytes, want4, 16);
    /* Only `len` bytes are read: "1.2.3.45" cut to 7 is 1.2.3.4. */
    ck_assert_int_eq(l7_value_parse_addr(&a, "1.2.3.45", 7, 4), L7_OK);
    ck_assert_uint_eq(a.bytes[3], 4);
    ck_assert_int_eq(l7_value_parse_addr(&a, "::ffff:1.2.3.4", 14, 6), L7_OK);
    const uint8_t want6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4};
    ck_assert_mem_eq(a.bytes, want6, 16);
    ck_assert_int_eq(l7_value_parse_addr(NULL, "1.2.3.4", 7, 0), L7_EINVAL);
    ck_assert_int_eq(l7_value_parse_addr(&a, "1.2.3.4", 7, 5), L7_EINVAL);
    /* Addresses are formatted by l7_addr_format() (packet.h); an address
     * value keeps snprintf-like truncation. */
    l7_value_addrspec spec;
    ck_assert_int_eq(l7_value_parse_addrspec(&spec, "192.168.100.200", 15, 0), L7_OK);
    char tiny[8];
    ck_assert_int_eq(l7_value_format_addrspec(tiny, sizeof(tiny), &spec), 15);
    ck_assert_str_eq(tiny, "192.168");
    ck_assert_int_eq(l7_value_format_addrspec(NULL, 0, &spec), 15);
    l7_value_addrspec none;
    memset(&none, 0, sizeof(none));
    ck_assert_int_eq(l7_value_format_addrspec(tiny, sizeof(tiny), &none), L7_EINVAL);
}
END_TEST

/* ---- prefixes, ranges, address values ------------------------------------- */

static const struct {
    const char *text;
    uint32_t family;
    int rc;
    uint32_t kind;
    uint32_t normalised;
    const char *formatted; /* format(parse(text)) */
    const char *first, *last;
} spec_cases[] = {
    {"1.1.1.1/24", 0, L7_OK, L7_VALUE_ADDR_PREFIX, 1, "1.1.1.0/24", "1.1.1.0",
     "1.1.1.255"},
    {"10.0.0.0/8", 4, L7_OK, L7_VALUE_ADDR_PREFIX, 0, "10.0.0.0/8", "10.0.0.0",
     "10.255.255.255"},
    {"0.0.0.0/0", 0, L7_OK, L7_VALUE_ADDR_PREFIX, 0, "0.0.0.0/0", "0.0.0.0",
     "255.255.255.255"},
    {"9.9.9.9/0", 0, L7_OK, L7_VALUE_ADDR_PREFIX, 1, "0.0.0.0/0", "0.0.0.0",
     "255.255.255.255"},
    {"1.2.3.4/32", 0, L7_OK, L7_VALUE_ADDR_PREFIX, 0, "1.2.3.4/32", "1.2.3.4",
     "1.2.3.4"},
    {"1.2.3.5/31", 0, L7_OK, L7_VALUE_ADDR_PREFIX, 1, "1.2.3.4/31", "1.2.3.4",
     "1.2.3.5"},
    {"172.16.200.1/12", 0, L7_OK, L7_VALUE_ADDR_PREFIX, 1, "172.16.0.0/12",
     "172.16.0.0", "172.31.255.255"},
    {"2001:db8::1/32", 0, L7_OK, L7_VALUE_ADDR_PREFIX, 1, "2001:db8::/32",
     "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"},
    {"::/0", 6, L7_OK, L7_VALUE_ADDR_PREFIX, 0, "::/0",
     "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
    {"::1/128", 0, L7_OK, L7_VALUE_ADDR_PREFIX, 0, "::1/128", "::1", "::1"},
    {"fe80::1:2/127", 0, L7_OK, L7_VALUE_ADDR_PREFIX, 0, "fe80::1:2/127", "fe80::1:2",
     "fe80::1:3"},
    {"1.2.3.4", 0, L7_OK, L7_VALUE_ADDR_SINGLE, 0, "1.2.3.4", "1.2.3.4", "1.2.3.4"},
    {"2001:db8::7", 6, L7_OK, L7_VALUE_ADDR_SINGLE, 0, "2001:db8::7", "2001:db8::7",
     "2001:db8::7"},
    {"1.2.3.4-1.2.3.10", 0, L7_OK, L7_VALUE_ADDR_RANGE, 0, "1.2.3.4-1.2.3.10",
     "1.2.3.4", "1.2.3.10"},
    {"1.2.3.4-1.2.3.4", 0, L7_OK, L7_VALUE_ADDR_RANGE, 0, "1.2.3.4-1.2.3.4", "1.2.3.4",
     "1.2.3.4"},
    {"192.168.0.0-192.168.1.255", 4, L7_OK, L7_VALUE_ADDR_RANGE, 0,
     "192.168.0.0-192.168.1.255", "192.168.0.0", "192.168.1.255"},
    /* refused */
    {"1.2.3.4/33", 0, L7_ERANGE, 0, 0, NULL, NULL, NULL},
    {"::/129", 0, L7_ERANGE, 0, 0, NULL, NULL, NULL},
    {"1.2.3.4/", 0, L7_ESYNTAX, 0, 0, NULL, NULL, NULL},
    {"/24", 0, L7_ESYNTAX, 0, 0, NULL, NULL, NULL},
    {"1.2.3.4/a", 0, L7_ESYNTAX, 0, 0, NULL, NULL, NULL},
    {"1.2.3.4/24/1", 0, L7_ESYNTAX, 0, 0, NULL, NULL, NULL},
    {"1.2.3.4/-1", 0, L7_ESYNTAX, 0, 0, NULL, NULL, NULL},
    {"1.2.3.4/0024", 0, L7_ESYNTAX, 0, 0, NULL, NULL, NULL},
    {"1.2.3.4/ 24", 0, L7_ESYNTAX, 0, 0, NULL, NULL, NULL},
    {"1.2.3.4/24", 6, L7_ESYNTAX, 0, 0, NULL, NULL, NULL},
    {"1.2.3.10-1.2.3.4", 0, L7_ERANGE, 0, 0, NULL, NULL, NULL},
    {"1.2.3.4-", 0, L7_ESYNTAX, 0, 0, NULL, NULL, NULL},
    {"-1.2.3.4", 0, L7_ESYNTAX, 0, 0, NULL, NULL, NULL},
    {"1.2.3.4--1.2.3.5", 0, L7_ESYNTAX, 0, 0, NULL, NULL, NULL},
    {"1.2.3.4-1.2.3.5-1.2.3.6", 0, L7_ESYNTAX, 0, 0, NULL, NULL, NULL},
    {"1.2.3.4 - 1.2.3.5", 0, L7_ESYNTAX, 0, 0, NULL, NULL, NULL},
    {"::1-::2", 0, L7_ESYNTAX, 0, 0, NULL, NULL, NULL},
    {"1.2.3.4-1.2.3.5", 6, L7_ESYNTAX, 0, 0, NULL, NULL, NULL},
    {"", 0, L7_ESYNTAX, 0, 0, NULL, NULL, NULL},
};

START_TEST(test_addrspec)
{
    size_t len;
    char *text = exact_copy(spec_cases[_i].text, &len);
    l7_value_addrspec s;
    int rc = l7_value_parse_addrspec(&s, text, len, spec_cases[_i].family);
    ck_assert_msg(rc == spec_cases[_i].rc, "%s: rc %d", spec_cases[_i].text, rc);
    if (rc == L7_OK) {
        ck_assert_uint_eq(s.kind, spec_cases[_i].kind);
        ck_assert_uint_eq(s.normalised, spec_cases[_i].normalised);
        char buf[L7_VALUE_ADDR_TEXT_MAX];
        ck_assert_int_ge(l7_value_format_addrspec(buf, sizeof(buf), &s), 0);
        ck_assert_str_eq(buf, spec_cases[_i].formatted);
        ck_assert_int_ge(l7_addr_format(buf, sizeof(buf), &s.first), 0);
        ck_assert_str_eq(buf, spec_cases[_i].first);
        ck_assert_int_ge(l7_addr_format(buf, sizeof(buf), &s.last), 0);
        ck_assert_str_eq(buf, spec_cases[_i].last);
        ck_assert_int_eq(l7_value_addrspec_contains(&s, &s.first), 1);
        ck_assert_int_eq(l7_value_addrspec_contains(&s, &s.last), 1);
        /* Round trip: the formatted text parses to the same set. */
        l7_value_addrspec back;
        ck_assert_int_eq(l7_value_parse_addrspec(&back, spec_cases[_i].formatted,
                                                 strlen(spec_cases[_i].formatted), 0),
                         L7_OK);
        ck_assert_mem_eq(&back.first, &s.first, sizeof(l7_addr));
        ck_assert_mem_eq(&back.last, &s.last, sizeof(l7_addr));
        ck_assert_uint_eq(back.normalised, 0);
    }
    free(text);
}
END_TEST

static const struct {
    const char *first, *last;
    int rc;
    const char *shown;
} from_range_cases[] = {
    {"192.168.0.0", "192.168.1.255", L7_OK, "192.168.0.0/23"},
    {"192.168.0.1", "192.168.1.255", L7_OK, "192.168.0.1-192.168.1.255"},
    {"192.168.0.0", "192.168.1.254", L7_OK, "192.168.0.0-192.168.1.254"},
    {"10.0.0.7", "10.0.0.7", L7_OK, "10.0.0.7"},
    {"0.0.0.0", "255.255.255.255", L7_OK, "0.0.0.0/0"},
    {"10.0.0.2", "10.0.0.3", L7_OK, "10.0.0.2/31"},
    {"10.0.0.1", "10.0.0.2", L7_OK, "10.0.0.1-10.0.0.2"},
    {"2001:db8::", "2001:db8::ff", L7_OK, "2001:db8::/120"},
    {"2001:db8::1", "2001:db8::ff", L7_ERANGE, NULL},
    {"10.0.0.9", "10.0.0.8", L7_ERANGE, NULL},
    {"10.0.0.1", "::1", L7_EINVAL, NULL},
};

START_TEST(test_from_range)
{
    l7_addr a, b;
    ck_assert_int_eq(l7_value_parse_addr(&a, from_range_cases[_i].first,
                                         strlen(from_range_cases[_i].first), 0),
                     L7_OK);
    ck_assert_int_eq(l7_value_parse_addr(&b, from_range_cases[_i].last,
                                         strlen(from_range_cases[_i].last), 0),
                     L7_OK);
    l7_value_addrspec s;
    ck_assert_int_eq(l7_value_addrspec_from_range(&s, &a, &b), from_range_cases[_i].rc);
    if (from_range_cases[_i].rc == L7_OK) {
        char buf[L7_VALUE_ADDR_TEXT_MAX];
        l7_value_format_addrspec(buf, sizeof(buf), &s);
        ck_assert_str_eq(buf, from_range_cases[_i].shown);
    }
}
END_TEST

/* ---- durations ------------------------------------------------------------ */

#define SEC(x) ((uint64_t)(x)*1000000000ull)

static const struct {
    const char *text;
    int rc;
    uint64_t ns;
    const char *formatted;
} duration_cases[] = {
    {"0", L7_OK, 0, "0s"},
    {"0s", L7_OK, 0, "0s"},
    {"30", L7_OK, SEC(30), "30s"},
    {"30s", L7_OK, SEC(30), "30s"},
    {"1m", L7_OK, SEC(60), "1m"},
    {"90m", L7_OK, SEC(5400), "1h30m"},
    {"8h30m", L7_OK, SEC(30600), "8h30m"},
    {"1d2h3m4s", L7_OK, SEC(93784), "1d2h3m4s"},
    {"1w", L7_OK, SEC(604800), "1w"},
    {"1w2d", L7_OK, SEC(777600), "1w2d"},
    {"500ms", L7_OK, 500000000ull, "500ms"},
    {"1s500ms", L7_OK, 1500000000ull, "1s500ms"},
    {"2us", L7_OK, 2000ull, "2us"},
    {"3ns", L7_OK, 3ull, "3ns"},
    {"1h1ms1ns", L7_OK, SEC(3600) + 1000001ull, "1h1ms1ns"},
    {"1d", L7_OK, SEC(86400), "1d"},
    {"00:30:00", L7_OK, SEC(1800), "30m"},
    {"8:30", L7_OK, SEC(30600), "8h30m"},
    {"08:30:00", L7_OK, SEC(30600), "8h30m"},
    {"17:59:59", L7_OK, SEC(64799), "17h59m59s"},
    {"25:00:00", L7_OK, SEC(90000), "1d1h"},
    {"1d02:00:00", L7_OK, SEC(93600), "1d2h"},
    {"1d 02:00:00", L7_OK, SEC(93600), "1d2h"},
    {"1w2d03:04:05", L7_OK, SEC(788645), "1w2d3h4m5s"},
    {"00:00:01.5", L7_OK, 1500000000ull, "1s500ms"},
    {"00:00:00.000000001", L7_OK, 1ull, "1ns"},
    {"00:00:00", L7_OK, 0, "0s"},
    {"18446744073", L7_OK, SEC(18446744073ull), "30500w3d23h34m33s"},
    /* refused */
    {"", L7_ESYNTAX, 0, NULL},
    {"s", L7_ESYNTAX, 0, NULL},
    {"1x", L7_ESYNTAX, 0, NULL},
    {"1M", L7_ESYNTAX, 0, NULL},
    {"1h1d", L7_ESYNTAX, 0, NULL},
    {"1s1s", L7_ESYNTAX, 0, NULL},
    {"1h30", L7_ESYNTAX, 0, NULL},
    {"-1s", L7_ESYNTAX, 0, NULL},
    {"1.5s", L7_ESYNTAX, 0, NULL},
    {" 1s", L7_ESYNTAX, 0, NULL},
    {"1s ", L7_ESYNTAX, 0, NULL},
    {"1d ", L7_ESYNTAX, 0, NULL},
    {"1d 2h", L7_ESYNTAX, 0, NULL},
    {"1h 00:30", L7_ESYNTAX, 0, NULL},
    {"1h00:30:00", L7_ESYNTAX, 0, NULL},
    {"8:3", L7_ESYNTAX, 0, NULL},
    {"8:300", L7_ESYNTAX, 0, NULL},
    {"8:30:5", L7_ESYNTAX, 0, NULL},
    {"8:60", L7_ERANGE, 0, NULL},
    {"8:30:60", L7_ERANGE, 0, NULL},
    {"1:", L7_ESYNTAX, 0, NULL},
    {":30", L7_ESYNTAX, 0, NULL},
    {"00:00:00.", L7_ESYNTAX, 0, NULL},
    {"00:00:00.1234567890", L7_ESYNTAX, 0, NULL},
    {"00:00:00:00", L7_ESYNTAX, 0, NULL},
    {"18446744074", L7_ERANGE, 0, NULL},
    {"18446744073709551616", L7_ERANGE, 0, NULL},
    {"30501w", L7_ERANGE, 0, NULL},
    {"30500w6d", L7_ERANGE, 0, NULL},
    {"5124096:00:00", L7_ERANGE, 0, NULL},
};

START_TEST(test_duration)
{
    size_t len;
    char *text = exact_copy(duration_cases[_i].text, &len);
    uint64_t ns = 12345;
    int rc = l7_value_parse_duration(&ns, text, len);
    ck_assert_msg(rc == duration_cases[_i].rc, "%s: rc %d", duration_cases[_i].text,
                  rc);
    if (rc == L7_OK) {
        ck_assert_uint_eq(ns, duration_cases[_i].ns);
        char buf[L7_VALUE_DURATION_TEXT_MAX];
        int n = l7_value_format_duration(buf, sizeof(buf), ns);
        ck_assert_int_eq(n, (int)strlen(duration_cases[_i].formatted));
        ck_assert_str_eq(buf, duration_cases[_i].formatted);
        uint64_t back;
        ck_assert_int_eq(l7_value_parse_duration(&back, buf, strlen(buf)), L7_OK);
        ck_assert_uint_eq(back, ns);
    }
    free(text);
}
END_TEST

START_TEST(test_duration_format_extremes)
{
    /* Every value formats and parses back, including the largest. */
    const uint64_t values[] = {UINT64_MAX, UINT64_MAX - 1, 1,       999,
                               1000,       999999999,      SEC(59), SEC(60),
                               SEC(86399), SEC(21474836)};
    for (size_t i = 0; i < L7_ARRAY_SIZE(values); i++) {
        char buf[L7_VALUE_DURATION_TEXT_MAX];
        int n = l7_value_format_duration(buf, sizeof(buf), values[i]);
        ck_assert_int_gt(n, 0);
        ck_assert_int_lt(n, L7_VALUE_DURATION_TEXT_MAX);
        uint64_t back;
        ck_assert_int_eq(l7_value_parse_duration(&back, buf, (size_t)n), L7_OK);
        ck_assert_uint_eq(back, values[i]);
    }
    char b[64];
    l7_value_format_duration(b, sizeof(b), SEC(21474836));
    ck_assert_str_eq(b, "35w3d13h13m56s");
}
END_TEST

/* ---- rates ---------------------------------------------------------------- */

static const struct {
    const char *text;
    int rc;
    uint64_t bps;
    const char *formatted;
} rate_cases[] = {
    {"0", L7_OK, 0, "0"},
    {"1", L7_OK, 1, "1"},
    {"1234", L7_OK, 1234, "1234"},
    {"1k", L7_OK, 1000, "1k"},
    {"1K", L7_OK, 1000, "1k"},
    {"512k", L7_OK, 512000, "512k"},
    {"1500k", L7_OK, 1500000, "1500k"},
    {"1M", L7_OK, 1000000, "1M"},
    {"5M", L7_OK, 5000000, "5M"},
    {"1000k", L7_OK, 1000000, "1M"},
    {"1.5M", L7_OK, 1500000, "1500k"},
    {"2.5G", L7_OK, 2500000000ull, "2500M"},
    {"10G", L7_OK, 10000000000ull, "10G"},
    {"0.5k", L7_OK, 500, "500"},
    {"1.0", L7_OK, 1, "1"},
    {"18446744073709551615", L7_OK, UINT64_MAX, "18446744073709551615"},
    {"18446744073G", L7_OK, 18446744073000000000ull, "18446744073G"},
    /* refused */
    {"", L7_ESYNTAX, 0, NULL},
    {"k", L7_ESYNTAX, 0, NULL},
    {"1m", L7_ESYNTAX, 0, NULL},
    {"1g", L7_ESYNTAX, 0, NULL},
    {"1MM", L7_ESYNTAX, 0, NULL},
    {"1M ", L7_ESYNTAX, 0, NULL},
    {" 1M", L7_ESYNTAX, 0, NULL},
    {"1.5", L7_ESYNTAX, 0, NULL},
    {"1.", L7_ESYNTAX, 0, NULL},
    {".5M", L7_ESYNTAX, 0, NULL},
    {"-1", L7_ESYNTAX, 0, NULL},
    {"1bps", L7_ESYNTAX, 0, NULL},
    {"1Mbps", L7_ESYNTAX, 0, NULL},
    {"1.0000000001G", L7_ESYNTAX, 0, NULL},
    {"0.0001k", L7_ERANGE, 0, NULL},
    {"18446744073709551616", L7_ERANGE, 0, NULL},
    {"18446744074G", L7_ERANGE, 0, NULL},
};

START_TEST(test_rate)
{
    size_t len;
    char *text = exact_copy(rate_cases[_i].text, &len);
    uint64_t bps = 777;
    int rc = l7_value_parse_rate(&bps, text, len);
    ck_assert_msg(rc == rate_cases[_i].rc, "%s: rc %d", rate_cases[_i].text, rc);
    if (rc == L7_OK) {
        ck_assert_uint_eq(bps, rate_cases[_i].bps);
        char buf[32];
        ck_assert_int_eq(l7_value_format_rate(buf, sizeof(buf), bps),
                         (int)strlen(rate_cases[_i].formatted));
        ck_assert_str_eq(buf, rate_cases[_i].formatted);
        uint64_t back;
        ck_assert_int_eq(l7_value_parse_rate(&back, buf, strlen(buf)), L7_OK);
        ck_assert_uint_eq(back, bps);
    }
    free(text);
}
END_TEST

/* ---- port lists ----------------------------------------------------------- */

static const struct {
    const char *text;
    int rc;
    uint32_t count;
    const char *formatted;
} port_cases[] = {
    {"80", L7_OK, 1, "80"},
    {"80,443,8000-8100", L7_OK, 3, "80,443,8000-8100"},
    {"0,65535", L7_OK, 2, "0,65535"},
    {"1-65535", L7_OK, 1, "1-65535"},
    {"0-0", L7_OK, 1, "0"},
    {"22,22", L7_OK, 2, "22,22"},
    {"080", L7_OK, 1, "80"},
    {"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", L7_OK, 16,
     "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16"},
    /* refused */
    {"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", L7_ELIMIT, 0, NULL},
    {"", L7_ESYNTAX, 0, NULL},
    {"80,", L7_ESYNTAX, 0, NULL},
    {",80", L7_ESYNTAX, 0, NULL},
    {"80,,443", L7_ESYNTAX, 0, NULL},
    {"80, 443", L7_ESYNTAX, 0, NULL},
    {"80-", L7_ESYNTAX, 0, NULL},
    {"-80", L7_ESYNTAX, 0, NULL},
    {"80-90-100", L7_ESYNTAX, 0, NULL},
    {"http", L7_ESYNTAX, 0, NULL},
    {"!80", L7_ESYNTAX, 0, NULL},
    {"65536", L7_ERANGE, 0, NULL},
    {"100-90", L7_ERANGE, 0, NULL},
    {"1-70000", L7_ERANGE, 0, NULL},
    {"99999999999999999999", L7_ERANGE, 0, NULL},
};

START_TEST(test_portlist)
{
    size_t len;
    char *text = exact_copy(port_cases[_i].text, &len);
    l7_value_portlist pl;
    int rc = l7_value_parse_portlist(&pl, text, len);
    ck_assert_msg(rc == port_cases[_i].rc, "%s: rc %d", port_cases[_i].text, rc);
    if (rc == L7_OK) {
        ck_assert_uint_eq(pl.count, port_cases[_i].count);
        char buf[128];
        ck_assert_int_ge(l7_value_format_portlist(buf, sizeof(buf), &pl), 0);
        ck_assert_str_eq(buf, port_cases[_i].formatted);
    }
    free(text);
}
END_TEST

START_TEST(test_portlist_contains)
{
    l7_value_portlist pl;
    ck_assert_int_eq(l7_value_parse_portlist(&pl, "80,443,8000-8100", 16), L7_OK);
    const struct {
        uint16_t port;
        int in;
    } probes[] = {{80, 1},   {79, 0},   {81, 0},   {443, 1}, {7999, 0}, {8000, 1},
                  {8050, 1}, {8100, 1}, {8101, 0}, {0, 0},   {65535, 0}};
    for (size_t i = 0; i < L7_ARRAY_SIZE(probes); i++)
        ck_assert_int_eq(l7_value_portlist_contains(&pl, probes[i].port), probes[i].in);
}
END_TEST

/* ---- booleans and lists --------------------------------------------------- */

static const struct {
    const char *text;
    int rc;
    uint32_t value;
} bool_cases[] = {
    {"yes", L7_OK, 1},      {"true", L7_OK, 1},     {"no", L7_OK, 0},
    {"false", L7_OK, 0},    {"Yes", L7_ESYNTAX, 0}, {"", L7_ESYNTAX, 0},
    {"1", L7_ESYNTAX, 0},   {"y", L7_ESYNTAX, 0},   {"yess", L7_ESYNTAX, 0},
    {"no ", L7_ESYNTAX, 0},
};

START_TEST(test_bool)
{
    size_t len;
    char *text = exact_copy(bool_cases[_i].text, &len);
    uint32_t v = 7;
    ck_assert_int_eq(l7_value_parse_bool(&v, text, len), bool_cases[_i].rc);
    if (bool_cases[_i].rc == L7_OK)
        ck_assert_uint_eq(v, bool_cases[_i].value);
    free(text);
}
END_TEST

static const struct {
    const char *text;
    size_t capacity;
    int rc;
    size_t count;
    const char *items[4];
} split_cases[] = {
    {"a,b,c", 4, L7_OK, 3, {"a", "b", "c"}},
    {"tcp", 4, L7_OK, 1, {"tcp"}},
    {"new,established", 4, L7_OK, 2, {"new", "established"}},
    {"a b,c", 4, L7_OK, 2, {"a b", "c"}},
    {"a,b,c", 2, L7_EBUFFER, 3, {"a", "b"}},
    {"", 4, L7_ESYNTAX, 0, {NULL}},
    {",a", 4, L7_ESYNTAX, 0, {NULL}},
    {"a,", 4, L7_ESYNTAX, 0, {NULL}},
    {"a,,b", 4, L7_ESYNTAX, 0, {NULL}},
    {",", 4, L7_ESYNTAX, 0, {NULL}},
};

START_TEST(test_split)
{
    size_t len;
    char *text = exact_copy(split_cases[_i].text, &len);
    l7_value_span spans[4];
    size_t count = 99;
    int rc = l7_value_split(spans, split_cases[_i].capacity, &count, text, len, ',');
    ck_assert_int_eq(rc, split_cases[_i].rc);
    if (rc == L7_OK || rc == L7_EBUFFER) {
        ck_assert_uint_eq(count, split_cases[_i].count);
        size_t filled =
            count < split_cases[_i].capacity ? count : split_cases[_i].capacity;
        for (size_t k = 0; k < filled; k++) {
            ck_assert_uint_eq(spans[k].length, strlen(split_cases[_i].items[k]));
            ck_assert_mem_eq(text + spans[k].offset, split_cases[_i].items[k],
                             spans[k].length);
        }
    }
    free(text);
}
END_TEST

START_TEST(test_null_and_empty)
{
    /* (NULL, 0) is an empty text, refused without touching the pointer. */
    l7_addr a;
    l7_value_addrspec sp;
    uint64_t u;
    uint32_t b;
    l7_value_portlist pl;
    size_t count;
    ck_assert_int_eq(l7_value_parse_addr(&a, NULL, 0, 0), L7_ESYNTAX);
    ck_assert_int_eq(l7_value_parse_prefix(&sp, NULL, 0, 0), L7_ESYNTAX);
    ck_assert_int_eq(l7_value_parse_range(&sp, NULL, 0), L7_ESYNTAX);
    ck_assert_int_eq(l7_value_parse_addrspec(&sp, NULL, 0, 0), L7_ESYNTAX);
    ck_assert_int_eq(l7_value_parse_duration(&u, NULL, 0), L7_ESYNTAX);
    ck_assert_int_eq(l7_value_parse_rate(&u, NULL, 0), L7_ESYNTAX);
    ck_assert_int_eq(l7_value_parse_portlist(&pl, NULL, 0), L7_ESYNTAX);
    ck_assert_int_eq(l7_value_parse_bool(&b, NULL, 0), L7_ESYNTAX);
    ck_assert_int_eq(l7_value_split(NULL, 0, &count, NULL, 0, ','), L7_ESYNTAX);
    /* NULL with a length, or a NULL out, is an argument error. */
    ck_assert_int_eq(l7_value_parse_addr(&a, NULL, 3, 0), L7_EINVAL);
    ck_assert_int_eq(l7_value_parse_duration(NULL, "1s", 2), L7_EINVAL);
    ck_assert_int_eq(l7_value_parse_rate(NULL, "1M", 2), L7_EINVAL);
    ck_assert_int_eq(l7_value_format_rate(NULL, 4, 1), L7_EINVAL);
    ck_assert_int_eq(l7_value_format_duration(NULL, 0, 61 * L7_NSEC_PER_SEC), 4);
}
END_TEST

static Suite *value_suite(void)
{
    Suite *s = suite_create("value");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_addr, 0, (int)L7_ARRAY_SIZE(addr_cases));
    tcase_add_test(tc, test_addr_bytes_and_bounds);
    tcase_add_loop_test(tc, test_addrspec, 0, (int)L7_ARRAY_SIZE(spec_cases));
    tcase_add_loop_test(tc, test_from_range, 0, (int)L7_ARRAY_SIZE(from_range_cases));
    tcase_add_loop_test(tc, test_duration, 0, (int)L7_ARRAY_SIZE(duration_cases));
    tcase_add_test(tc, test_duration_format_extremes);
    tcase_add_loop_test(tc, test_rate, 0, (int)L7_ARRAY_SIZE(rate_cases));
    tcase_add_loop_test(tc, test_portlist, 0, (int)L7_ARRAY_SIZE(port_cases));
    tcase_add_test(tc, test_portlist_contains);
    tcase_add_loop_test(tc, test_bool, 0, (int)L7_ARRAY_SIZE(bool_cases));
    tcase_add_loop_test(tc, test_split, 0, (int)L7_ARRAY_SIZE(split_cases));
    tcase_add_test(tc, test_null_and_empty);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return l7t_run_suite(value_suite());
}
