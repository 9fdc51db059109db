/* Address lists: membership, Decision 11, expiry, reload, threads, scale. */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include "common_internal.h"
#include "l7/l7.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static l7_addr addr(const char *text)
{
    l7_addr a;
    ck_assert_msg(l7_value_parse_addr(&a, text, strlen(text), 0) == L7_OK, "%s", text);
    return a;
}

static l7_value_addrspec spec(const char *text)
{
    l7_value_addrspec s;
    ck_assert_msg(l7_value_parse_addrspec(&s, text, strlen(text), 0) == L7_OK, "%s",
                  text);
    return s;
}

static l7_addrlist *make(void)
{
    l7_addrlist *al = NULL;
    ck_assert_int_eq(l7_addrlist_create(&al, NULL, NULL), L7_OK);
    return al;
}

static uint32_t list(l7_addrlist *al, const char *name)
{
    uint32_t id;
    ck_assert_int_eq(l7_addrlist_list_id(&id, al, name, strlen(name)), L7_OK);
    return id;
}

static int add_static(l7_addrlist *al, uint32_t id, const char *text)
{
    l7_value_addrspec s = spec(text);
    return l7_addrlist_add(al, id, &s, NULL, 0);
}

static int add_dynamic(l7_addrlist *al, uint32_t id, const char *text, uint64_t timeout,
                       uint64_t now)
{
    l7_value_addrspec s = spec(text);
    l7_addrlist_entry_options o = {sizeof(o), L7_ADDRLIST_ADD_MANUAL, 1, 0, timeout,
                                   NULL};
    return l7_addrlist_add(al, id, &s, &o, now);
}

static int has(l7_addrlist *al, uint32_t id, const char *text, uint64_t now)
{
    l7_addr a = addr(text);
    return l7_addrlist_contains(al, id, &a, now);
}

/* ---- membership at the edges ---------------------------------------------- */

static const char *const edge_entries[] = {
    "10.0.0.0/24",   "192.168.1.5",    "172.16.0.10-172.16.0.20", "2001:db8::/64",
    "2001:db8:1::1", "203.0.113.7/32", "100.64.0.0-100.64.1.255"};

static const struct {
    const char *probe;
    int member;
} edge_cases[] = {
    {"10.0.0.0", 1},
    {"10.0.0.255", 1},
    {"10.0.0.77", 1},
    {"9.255.255.255", 0},
    {"10.0.1.0", 0},
    {"192.168.1.5", 1},
    {"192.168.1.4", 0},
    {"192.168.1.6", 0},
    {"172.16.0.10", 1},
    {"172.16.0.20", 1},
    {"172.16.0.15", 1},
    {"172.16.0.9", 0},
    {"172.16.0.21", 0},
    {"203.0.113.7", 1},
    {"203.0.113.8", 0},
    {"100.64.0.0", 1},
    {"100.64.1.255", 1},
    {"100.63.255.255", 0},
    {"100.64.2.0", 0},
    {"0.0.0.0", 0},
    {"255.255.255.255", 0},
    {"2001:db8::", 1},
    {"2001:db8::1", 1},
    {"2001:db8:0:0:ffff:ffff:ffff:ffff", 1},
    {"2001:db8:0:1::", 0},
    {"2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", 0},
    {"2001:db8:1::1", 1},
    {"2001:db8:1::2", 0},
    {"2001:db8:1::", 0},
    /* Separate namespaces: the IPv4 entry's bytes as IPv6 are no member. */
    {"::ffff:10.0.0.1", 0},
    {"::ffff:192.168.1.5", 0},
    {"::", 0},
};

START_TEST(test_edges)
{
    l7_addrlist *al = make();
    uint32_t id = list(al, "edges"), other = list(al, "other");
    for (size_t i = 0; i < L7_ARRAY_SIZE(edge_entries); i++)
        ck_assert_int_eq(add_static(al, id, edge_entries[i]), L7_OK);
    ck_assert_int_eq(has(al, id, edge_cases[_i].probe, 0), edge_cases[_i].member);
    ck_assert_int_eq(has(al, other, edge_cases[_i].probe, 0), 0);
    ck_assert_int_eq(has(al, 999, edge_cases[_i].probe, 0), 0);
    /* The same after the range snapshot is rebuilt by a removal. */
    ck_assert_int_eq(add_static(al, id, "198.51.100.0/24"), L7_OK);
    l7_value_addrspec extra = spec("198.51.100.0/24");
    ck_assert_int_eq(l7_addrlist_remove(al, id, &extra), L7_OK);
    ck_assert_int_eq(has(al, id, edge_cases[_i].probe, 0), edge_cases[_i].member);
    l7_addrlist_destroy(al);
}
END_TEST

START_TEST(test_overlap)
{
    l7_addrlist *al = make();
    uint32_t id = list(al, "o");
    const uint64_t s = L7T_SEC(1);
    ck_assert_int_eq(add_static(al, id, "10.0.0.0/24"), L7_OK);
    ck_assert_int_eq(add_static(al, id, "10.0.0.7"), L7_OK);
    ck_assert_int_eq(add_static(al, id, "10.0.0.0-10.0.0.9"), L7_OK);
    ck_assert_int_eq(has(al, id, "10.0.0.7", 0), 1);
    ck_assert_int_eq(has(al, id, "10.0.0.200", 0), 1);
    l7_value_addrspec block = spec("10.0.0.0/24");
    ck_assert_int_eq(l7_addrlist_remove(al, id, &block), L7_OK);
    ck_assert_int_eq(l7_addrlist_remove(al, id, &block), L7_ENOTFOUND);
    ck_assert_int_eq(has(al, id, "10.0.0.7", 0), 1);
    ck_assert_int_eq(has(al, id, "10.0.0.9", 0), 1);
    ck_assert_int_eq(has(al, id, "10.0.0.10", 0), 0);
    ck_assert_int_eq(has(al, id, "10.0.0.200", 0), 0);

    /* Overlapping dynamic ranges with different lifetimes. */
    uint32_t d = list(al, "d");
    ck_assert_int_eq(add_dynamic(al, d, "20.0.0.0/24", 10 * s, 0), L7_OK);
    ck_assert_int_eq(add_dynamic(al, d, "20.0.0.128/25", 20 * s, 0), L7_OK);
    ck_assert_int_eq(add_dynamic(al, d, "20.0.0.100-20.0.0.150", 30 * s, 0), L7_OK);
    ck_assert_int_eq(has(al, d, "20.0.0.1", 5 * s), 1);
    ck_assert_int_eq(has(al, d, "20.0.0.1", 15 * s), 0);
    ck_assert_int_eq(has(al, d, "20.0.0.200", 15 * s), 1);
    ck_assert_int_eq(has(al, d, "20.0.0.200", 25 * s), 0);
    ck_assert_int_eq(has(al, d, "20.0.0.100", 25 * s), 1);
    ck_assert_int_eq(has(al, d, "20.0.0.150", 29 * s), 1);
    ck_assert_int_eq(has(al, d, "20.0.0.151", 25 * s), 0);
    ck_assert_int_eq(has(al, d, "20.0.0.99", 15 * s), 0);
    ck_assert_int_eq(has(al, d, "20.0.0.150", 30 * s), 0);

    /* Entries that share an end point: the shared address belongs to both. */
    uint32_t e = list(al, "touching");
    ck_assert_int_eq(add_static(al, e, "30.0.0.0-30.0.0.5"), L7_OK);
    ck_assert_int_eq(add_dynamic(al, e, "30.0.0.5-30.0.0.9", 10 * s, 0), L7_OK);
    ck_assert_int_eq(add_dynamic(al, e, "30.0.0.9-30.0.0.20", 20 * s, 0), L7_OK);
    for (int pass = 0; pass < 2; pass++) {
        /* Pass 0 answers from the delta, pass 1 from a rebuilt snapshot. */
        if (pass == 1) {
            ck_assert_int_eq(add_static(al, e, "31.0.0.0/8"), L7_OK);
            l7_value_addrspec gone = spec("31.0.0.0/8");
            ck_assert_int_eq(l7_addrlist_remove(al, e, &gone), L7_OK);
        }
        ck_assert_int_eq(has(al, e, "30.0.0.5", 15 * s), 1);
        ck_assert_int_eq(has(al, e, "30.0.0.6", 15 * s), 0);
        ck_assert_int_eq(has(al, e, "30.0.0.9", 15 * s), 1);
        ck_assert_int_eq(has(al, e, "30.0.0.9", 25 * s), 0);
        ck_assert_int_eq(has(al, e, "30.0.0.8", 5 * s), 1);
    }
    l7_addrlist_destroy(al);
}
END_TEST

/* Random prefixes and ranges with random lifetimes against a linear scan:
 * pins the merged-interval snapshot, the delta and rebuilds after removal. */
static uint64_t rng_next(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

START_TEST(test_ranges_vs_linear)
{
    enum { N = 600, PROBES = 4000 };
    l7_addrlist *al = make();
    uint32_t id = list(al, "r");
    static struct {
        l7_value_addrspec s;
        uint64_t expiry;
        int live;
    } ref[N];
    uint64_t rng = 0x1234567 + (uint64_t)_i;
    const uint64_t s = L7T_SEC(1);
    size_t n = 0;
    for (size_t i = 0; i < N; i++) {
        /* Small address space (10.0.0.0/20) so that entries overlap a lot. */
        uint32_t a = (uint32_t)(rng_next(&rng) % 4096), b;
        if (rng_next(&rng) % 2) {
            uint32_t plen = 20 + (uint32_t)(rng_next(&rng) % 13);
            uint32_t mask = plen == 32 ? 0xffffffffu : ~(0xffffffffu >> plen);
            a &= mask;
            b = a | (~mask & 0xfff);
        } else {
            b = a + (uint32_t)(rng_next(&rng) % 64);
            if (b > 4095)
                b = 4095;
        }
        l7_addr first = {4, {0}, {10, 0, (uint8_t)(a >> 8), (uint8_t)a}};
        l7_addr last = {4, {0}, {10, 0, (uint8_t)(b >> 8), (uint8_t)b}};
        ck_assert_int_eq(l7_value_addrspec_from_range(&ref[n].s, &first, &last), L7_OK);
        uint64_t timeout = (rng_next(&rng) % 4) * 10 * s; /* 0 = none-dynamic */
        int dynamic = (rng_next(&rng) % 3) != 0;
        l7_addrlist_entry_options o = {
            sizeof(o), L7_ADDRLIST_ADD_MANUAL, (uint32_t)dynamic, 0, timeout, NULL};
        int rc = l7_addrlist_add(al, id, &ref[n].s, &o, 0);
        if (rc == L7_EEXIST)
            continue;
        ck_assert_int_eq(rc, L7_OK);
        ref[n].expiry = dynamic && timeout ? timeout : UINT64_MAX;
        ref[n].live = 1;
        n++;
        /* Now and then probe in the middle of the adds (delta path) and
         * remove one (rebuild path). */
        if (i % 50 == 49) {
            size_t victim = (size_t)(rng_next(&rng) % n);
            if (ref[victim].live) {
                ck_assert_int_eq(l7_addrlist_remove(al, id, &ref[victim].s), L7_OK);
                ref[victim].live = 0;
            }
        }
        if (i % 7 == 0) {
            uint32_t p = (uint32_t)(rng_next(&rng) % 4200);
            l7_addr probe = {4, {0}, {10, 0, (uint8_t)(p >> 8), (uint8_t)p}};
            uint64_t now = (rng_next(&rng) % 45) * s;
            int want = 0;
            for (size_t k = 0; k < n && !want; k++)
                want = ref[k].live && ref[k].expiry > now &&
                       l7_value_addrspec_contains(&ref[k].s, &probe);
            ck_assert_int_eq(l7_addrlist_contains(al, id, &probe, now), want);
        }
    }
    for (size_t i = 0; i < PROBES; i++) {
        uint32_t p = (uint32_t)(rng_next(&rng) % 4200);
        if (i % 2 && n > 0) {
            /* Half the probes sit on an entry's edge or just outside it. */
            const l7_addr *edge = rng_next(&rng) % 2 ? &ref[rng_next(&rng) % n].s.first
                                                     : &ref[rng_next(&rng) % n].s.last;
            p = (uint32_t)(edge->bytes[2] << 8 | edge->bytes[3]);
            p += (uint32_t)(rng_next(&rng) % 3) - 1;
        }
        l7_addr probe = {4, {0}, {10, 0, (uint8_t)(p >> 8), (uint8_t)p}};
        uint64_t now = (rng_next(&rng) % 45) * s;
        int want = 0;
        for (size_t k = 0; k < n && !want; k++)
            want = ref[k].live && ref[k].expiry > now &&
                   l7_value_addrspec_contains(&ref[k].s, &probe);
        ck_assert_msg(l7_addrlist_contains(al, id, &probe, now) == want,
                      "probe 10.0.%u.%u at %llus", p >> 8, p & 255,
                      (unsigned long long)(now / s));
    }
    l7_addrlist_destroy(al);
}
END_TEST

/* ---- Decision 11 ---------------------------------------------------------- */

enum existing_kind {
    EX_STATIC,
    EX_DYNAMIC_100,
    EX_NONE_DYNAMIC,
    EX_NONE_STATIC,
    EX_EXPIRED_5
};

static const struct {
    const char *what;
    int existing;
    uint32_t rule_dynamic;
    uint64_t rule_timeout_s; /* 0 = none-dynamic */
    /* Expected at t = 10 s, after the rule add at t = 10 s. */
    uint32_t dynamic;
    uint32_t has_timeout;
    uint64_t remaining_s;
} refresh_cases[] = {
    {"later expiry extends", EX_DYNAMIC_100, 1, 200, 1, 1, 200},
    {"earlier expiry is ignored", EX_DYNAMIC_100, 1, 50, 1, 1, 90},
    {"equal expiry is a no-op", EX_DYNAMIC_100, 1, 90, 1, 1, 90},
    {"none-dynamic over a timeout", EX_DYNAMIC_100, 1, 0, 1, 0, 0},
    {"none-static over a timeout", EX_DYNAMIC_100, 0, 0, 0, 0, 0},
    {"static untouched by timeout", EX_STATIC, 1, 50, 0, 0, 0},
    {"static untouched by none-dynamic", EX_STATIC, 1, 0, 0, 0, 0},
    {"none-dynamic untouched", EX_NONE_DYNAMIC, 1, 500, 1, 0, 0},
    {"none-static untouched", EX_NONE_STATIC, 1, 500, 0, 0, 0},
    {"expired entry starts afresh", EX_EXPIRED_5, 1, 5, 1, 1, 5},
};

static int capture(const l7_addrlist_entry_info *e, void *user)
{
    *(l7_addrlist_entry_info *)user = *e;
    return 0;
}

START_TEST(test_refresh)
{
    const uint64_t s = L7T_SEC(1);
    l7_addrlist *al = make();
    uint32_t id = list(al, "seen");
    l7_addr a = addr("198.51.100.9");
    switch (refresh_cases[_i].existing) {
    case EX_STATIC:
        ck_assert_int_eq(add_static(al, id, "198.51.100.9"), L7_OK);
        break;
    case EX_DYNAMIC_100:
        ck_assert_int_eq(l7_addrlist_add_rule(al, id, &a, 1, 100 * s, 0), L7_OK);
        break;
    case EX_NONE_DYNAMIC:
        ck_assert_int_eq(l7_addrlist_add_rule(al, id, &a, 1, 0, 0), L7_OK);
        break;
    case EX_NONE_STATIC:
        ck_assert_int_eq(l7_addrlist_add_rule(al, id, &a, 0, 0, 0), L7_OK);
        break;
    case EX_EXPIRED_5:
        ck_assert_int_eq(l7_addrlist_add_rule(al, id, &a, 1, 5 * s, 0), L7_OK);
        break;
    }
    ck_assert_int_eq(l7_addrlist_add_rule(al, id, &a, refresh_cases[_i].rule_dynamic,
                                          refresh_cases[_i].rule_timeout_s * s, 10 * s),
                     L7_OK);
    size_t count;
    ck_assert_int_eq(l7_addrlist_count(&count, al, L7_ADDRLIST_ALL_LISTS, 0, 10 * s),
                     L7_OK);
    ck_assert_msg(count == 1, "%s: %zu entries", refresh_cases[_i].what, count);
    l7_addrlist_entry_info info;
    memset(&info, 0, sizeof(info));
    ck_assert_int_eq(l7_addrlist_foreach(al, id, 4, 10 * s, capture, &info), L7_OK);
    ck_assert_msg(info.dynamic == refresh_cases[_i].dynamic, "%s",
                  refresh_cases[_i].what);
    ck_assert_msg(info.has_timeout == refresh_cases[_i].has_timeout, "%s",
                  refresh_cases[_i].what);
    ck_assert_uint_eq(info.timeout_remaining_ns, refresh_cases[_i].remaining_s * s);
    ck_assert_int_eq(l7_addrlist_contains(al, id, &a, 10 * s), 1);
    if (refresh_cases[_i].has_timeout) {
        uint64_t end = 10 * s + refresh_cases[_i].remaining_s * s;
        ck_assert_int_eq(l7_addrlist_contains(al, id, &a, end - 1), 1);
        ck_assert_int_eq(l7_addrlist_contains(al, id, &a, end), 0);
    }
    l7_addrlist_destroy(al);
}
END_TEST

/* A refreshed range entry (the delta path) and a rule add over a manual
 * dynamic entry. */
START_TEST(test_refresh_range)
{
    const uint64_t s = L7T_SEC(1);
    l7_addrlist *al = make();
    uint32_t id = list(al, "r");
    l7_value_addrspec net = spec("10.9.0.0/16");
    l7_addrlist_entry_options dyn = {sizeof(dyn), L7_ADDRLIST_ADD_MANUAL, 1, 0, 10 * s,
                                     NULL};
    ck_assert_int_eq(l7_addrlist_add(al, id, &net, &dyn, 0), L7_OK);
    ck_assert_int_eq(has(al, id, "10.9.255.255", 9 * s), 1);
    if (_i == 1) {
        /* Make the entry part of the main array (a removal folds all), so
         * that its refresh goes through the delta. */
        ck_assert_int_eq(add_static(al, id, "10.10.0.0/16"), L7_OK);
        l7_value_addrspec other = spec("10.10.0.0/16");
        ck_assert_int_eq(l7_addrlist_remove(al, id, &other), L7_OK);
        ck_assert_int_eq(has(al, id, "10.9.0.1", 9 * s), 1);
    }
    l7_addrlist_entry_options rule = {sizeof(rule), L7_ADDRLIST_ADD_RULE, 1, 0, 10 * s,
                                      NULL};
    ck_assert_int_eq(l7_addrlist_add(al, id, &net, &rule, 5 * s), L7_OK);
    ck_assert_int_eq(has(al, id, "10.9.0.0", 14 * s), 1);
    ck_assert_int_eq(has(al, id, "10.9.0.0", 15 * s), 0);
    ck_assert_int_eq(l7_addrlist_add(al, id, &net, &dyn, 6 * s), L7_EEXIST);
    l7_addrlist_destroy(al);
}
END_TEST

/* ---- manual duplicates ---------------------------------------------------- */

static const struct {
    const char *first;
    const char *second;
    int same_list;
    int rc;
} dup_cases[] = {
    {"1.2.3.4", "1.2.3.4", 1, L7_EEXIST},
    {"1.2.3.4", "1.2.3.4/32", 1, L7_EEXIST},
    {"192.168.0.0/23", "192.168.0.0-192.168.1.255", 1, L7_EEXIST},
    {"192.168.0.7/23", "192.168.0.0/23", 1, L7_EEXIST},
    {"2001:db8::/48", "2001:db8:0::1/48", 1, L7_EEXIST},
    {"2001:db8::1", "2001:DB8::1", 1, L7_EEXIST},
    {"1.2.3.4", "1.2.3.5", 1, L7_OK},
    {"1.2.3.4", "1.2.3.4", 0, L7_OK},
    {"192.168.0.0/23", "192.168.0.0/24", 1, L7_OK},
    {"1.2.3.4", "::ffff:1.2.3.4", 1, L7_OK},
};

START_TEST(test_duplicates)
{
    l7_addrlist *al = make();
    uint32_t a = list(al, "a"), b = list(al, "b");
    ck_assert_int_eq(add_static(al, a, dup_cases[_i].first), L7_OK);
    ck_assert_int_eq(
        add_static(al, dup_cases[_i].same_list ? a : b, dup_cases[_i].second),
        dup_cases[_i].rc);
    /* A dynamic twin is refused the same way. */
    ck_assert_int_eq(add_dynamic(al, a, dup_cases[_i].first, L7T_SEC(5), 0), L7_EEXIST);
    l7_addrlist_stats st;
    ck_assert_int_eq(l7_addrlist_get_stats(&st, al), L7_OK);
    ck_assert_uint_eq(st.entries, dup_cases[_i].rc == L7_OK ? 2 : 1);
    l7_addrlist_destroy(al);
}
END_TEST

START_TEST(test_expired_manual_readd)
{
    l7_addrlist *al = make();
    uint32_t id = list(al, "x");
    ck_assert_int_eq(add_dynamic(al, id, "5.5.5.5", L7T_SEC(5), 0), L7_OK);
    ck_assert_int_eq(add_dynamic(al, id, "5.5.5.5", L7T_SEC(5), L7T_SEC(4)), L7_EEXIST);
    /* Expired (not yet reclaimed): gone for every purpose. */
    l7_value_addrspec five = spec("5.5.5.5");
    ck_assert_int_eq(l7_addrlist_add(al, id, &five, NULL, L7T_SEC(5)), L7_OK);
    ck_assert_int_eq(has(al, id, "5.5.5.5", L7T_SEC(100)), 1);
    l7_addrlist_stats st;
    l7_addrlist_get_stats(&st, al);
    ck_assert_uint_eq(st.entries, 1);
    ck_assert_uint_eq(st.dynamic_entries, 0);
    l7_addrlist_destroy(al);
}
END_TEST

/* ---- expiry ---------------------------------------------------------------- */

static const struct {
    const char *entry;
    const char *probe;
} expiry_cases[] = {
    {"7.7.7.7", "7.7.7.7"},
    {"7.7.0.0/16", "7.7.200.1"},
    {"7.7.7.1-7.7.7.9", "7.7.7.9"},
    {"2001:db8::7", "2001:db8::7"},
    {"2001:db8::/32", "2001:db8:ffff::1"},
};

START_TEST(test_expiry_boundary)
{
    const uint64_t t0 = 1700000000ull * L7_NSEC_PER_SEC + 123, timeout = L7T_SEC(10);
    l7_addrlist *al = make();
    uint32_t id = list(al, "e");
    ck_assert_int_eq(add_dynamic(al, id, expiry_cases[_i].entry, timeout, t0), L7_OK);
    ck_assert_int_eq(has(al, id, expiry_cases[_i].probe, t0), 1);
    ck_assert_int_eq(has(al, id, expiry_cases[_i].probe, t0 + timeout - 1), 1);
    ck_assert_int_eq(has(al, id, expiry_cases[_i].probe, t0 + timeout), 0);
    size_t n = 99;
    ck_assert_int_eq(l7_addrlist_expire(&n, al, t0 + timeout - 1, 0), L7_OK);
    ck_assert_uint_eq(n, 0);
    l7_addrlist_stats before, after;
    l7_addrlist_get_stats(&before, al);
    ck_assert_int_eq(l7_addrlist_expire(&n, al, t0 + timeout, 0), L7_OK);
    ck_assert_uint_eq(n, 1);
    l7_addrlist_get_stats(&after, al);
    ck_assert_uint_eq(after.entries, 0);
    ck_assert_uint_eq(after.reclaimed, 1);
    ck_assert_uint_lt(after.memory_bytes, before.memory_bytes);
    ck_assert_int_eq(has(al, id, expiry_cases[_i].probe, t0), 0);
    l7_addrlist_destroy(al);
}
END_TEST

START_TEST(test_timeout_limits)
{
    l7_addrlist *al = make();
    uint32_t id = list(al, "t");
    const uint64_t max = (uint64_t)L7_ADDRLIST_TIMEOUT_MAX_SEC * L7_NSEC_PER_SEC;
    l7_addr a = addr("1.1.1.1"), b = addr("1.1.1.2");
    ck_assert_int_eq(l7_addrlist_add_rule(al, id, &a, 1, max, 0), L7_OK);
    ck_assert_int_eq(l7_addrlist_add_rule(al, id, &b, 1, max + 1, 0), L7_ERANGE);
    ck_assert_int_eq(add_dynamic(al, id, "1.1.1.3", max + 1, 0), L7_ERANGE);
    /* A static entry ignores the timeout field. */
    l7_value_addrspec s = spec("1.1.1.4");
    l7_addrlist_entry_options o = {sizeof(o), L7_ADDRLIST_ADD_MANUAL, 0, 0, max + 1,
                                   NULL};
    ck_assert_int_eq(l7_addrlist_add(al, id, &s, &o, 0), L7_OK);
    ck_assert_int_eq(has(al, id, "1.1.1.1", max - 1), 1);
    ck_assert_int_eq(has(al, id, "1.1.1.1", max), 0);
    /* Near the end of time the expiry saturates instead of wrapping. */
    ck_assert_int_eq(l7_addrlist_add_rule(al, id, &b, 1, max, UINT64_MAX - 5), L7_OK);
    ck_assert_int_eq(has(al, id, "1.1.1.2", UINT64_MAX - 5), 1);
    l7_addrlist_destroy(al);
}
END_TEST

START_TEST(test_expire_budget)
{
    l7_addrlist *al = make();
    uint32_t id = list(al, "b");
    for (uint32_t i = 0; i < 1000; i++) {
        l7_addr a = {4, {0}, {10, 1, (uint8_t)(i >> 8), (uint8_t)i}};
        ck_assert_int_eq(l7_addrlist_add_rule(al, id, &a, 1, L7T_SEC(1), 0), L7_OK);
    }
    l7_addr keep = {4, {0}, {10, 2, 0, 1}};
    ck_assert_int_eq(l7_addrlist_add_rule(al, id, &keep, 1, 0, 0), L7_OK);
    size_t total = 0, calls = 0, n;
    while (total < 1000 && calls < 1000) {
        ck_assert_int_eq(l7_addrlist_expire(&n, al, L7T_SEC(2), 50), L7_OK);
        ck_assert_uint_le(n, 50 + 64); /* the budget, plus one bucket's chain */
        total += n;
        calls++;
    }
    ck_assert_uint_eq(total, 1000);
    ck_assert_uint_ge(calls, 1000 / 64);
    l7_addrlist_stats st;
    l7_addrlist_get_stats(&st, al);
    ck_assert_uint_eq(st.entries, 1);
    ck_assert_int_eq(l7_addrlist_contains(al, id, &keep, L7T_SEC(1000)), 1);
    l7_addrlist_destroy(al);
}
END_TEST

/* ---- reload --------------------------------------------------------------- */

static int first_comment(const l7_addrlist_entry_info *e, void *user)
{
    /* Called with the lock held: copy nothing, just keep the static text. */
    if (e->comment && strcmp(e->comment, "new") == 0)
        *(const char **)user = "new";
    else if (e->comment && strcmp(e->comment, "old") == 0)
        *(const char **)user = "old";
    return 0;
}

START_TEST(test_reload)
{
    const uint64_t s = L7T_SEC(1);
    l7_addrlist *al = make();
    uint32_t id = list(al, "cfg");
    l7_value_addrspec a = spec("10.0.0.1"), b = spec("10.0.1.0/24"),
                      c = spec("10.0.2.1");
    l7_addrlist_entry_options with_comment = {
        sizeof(with_comment), L7_ADDRLIST_ADD_MANUAL, 0, 0, 0, "old"};
    ck_assert_int_eq(l7_addrlist_add(al, id, &a, &with_comment, 0), L7_OK);
    ck_assert_int_eq(l7_addrlist_add(al, id, &b, NULL, 0), L7_OK);
    ck_assert_int_eq(add_dynamic(al, id, "10.0.3.1", 100 * s, 0), L7_OK);
    l7_addr ruled = addr("10.0.4.1"), dyn = addr("10.0.5.1");
    ck_assert_int_eq(l7_addrlist_add_rule(al, id, &ruled, 0, 0, 0), L7_OK);
    ck_assert_int_eq(l7_addrlist_add_rule(al, id, &dyn, 1, 0, 0), L7_OK);

    uint32_t gen;
    ck_assert_int_eq(l7_addrlist_reload_begin(&gen, al), L7_OK);
    /* The new script keeps a (new comment), drops b, adds c. */
    l7_addrlist_entry_options renamed = {
        sizeof(renamed), L7_ADDRLIST_ADD_MANUAL, 0, 0, 0, "new"};
    ck_assert_int_eq(l7_addrlist_add(al, id, &a, &renamed, s), L7_OK);
    ck_assert_int_eq(l7_addrlist_add(al, id, &a, &renamed, s), L7_EEXIST);
    ck_assert_int_eq(l7_addrlist_add(al, id, &c, NULL, s), L7_OK);
    /* During the reload the old entries still match. */
    ck_assert_int_eq(has(al, id, "10.0.1.9", s), 1);
    size_t removed;
    uint32_t gen2;
    ck_assert_int_eq(l7_addrlist_reload_begin(&gen2, al), L7_OK);
    ck_assert_int_eq(l7_addrlist_reload_commit(&removed, al, gen), L7_ESTATE);
    /* Start again properly: a second begin supersedes the first. */
    ck_assert_int_eq(l7_addrlist_add(al, id, &a, &renamed, s), L7_OK);
    ck_assert_int_eq(l7_addrlist_add(al, id, &c, NULL, s), L7_OK);
    ck_assert_int_eq(l7_addrlist_reload_commit(&removed, al, gen2), L7_OK);
    ck_assert_uint_eq(removed, 1);

    ck_assert_int_eq(has(al, id, "10.0.0.1", 2 * s), 1);
    ck_assert_int_eq(has(al, id, "10.0.1.9", 2 * s), 0);
    ck_assert_int_eq(has(al, id, "10.0.2.1", 2 * s), 1);
    ck_assert_int_eq(has(al, id, "10.0.3.1", 2 * s), 1);
    ck_assert_int_eq(has(al, id, "10.0.4.1", 2 * s), 1);
    ck_assert_int_eq(has(al, id, "10.0.5.1", 2 * s), 1);
    /* The adopted entry carries the new script's comment. */
    const char *comment = NULL;
    ck_assert_int_eq(l7_addrlist_foreach(al, id, 4, 2 * s, first_comment, &comment),
                     L7_OK);
    ck_assert_ptr_nonnull(comment);
    ck_assert_str_eq(comment, "new");
    size_t count;
    l7_addrlist_count(&count, al, id, 4, 2 * s);
    ck_assert_uint_eq(count, 5);
    l7_addrlist_destroy(al);
}
END_TEST

/* ---- printing, disabling, lists ------------------------------------------- */

typedef struct printed {
    char lines[8][160];
    size_t n;
    size_t stop_after;
} printed;

static int print_entry(const l7_addrlist_entry_info *e, void *user)
{
    printed *p = user;
    char address[L7_VALUE_ADDR_TEXT_MAX], timeout[L7_VALUE_DURATION_TEXT_MAX] = "";
    l7_value_format_addrspec(address, sizeof(address), &e->address);
    if (e->has_timeout)
        l7_value_format_duration(timeout, sizeof(timeout), e->timeout_remaining_ns);
    snprintf(p->lines[p->n++], sizeof(p->lines[0]), "%s%s %s %s %s ;%s",
             e->dynamic ? "D" : "", e->disabled ? "X" : "", e->list_name, address,
             timeout, e->comment ? e->comment : "");
    return p->n == p->stop_after ? 42 : 0;
}

START_TEST(test_print_and_disable)
{
    const uint64_t s = L7T_SEC(1);
    l7_addrlist *al = make();
    uint32_t web = list(al, "web"), bad = list(al, "bad");
    l7_value_addrspec r = spec("192.168.0.0-192.168.1.255");
    l7_addrlist_entry_options o = {sizeof(o), L7_ADDRLIST_ADD_MANUAL, 0, 0, 0,
                                   "office"};
    ck_assert_int_eq(l7_addrlist_add(al, web, &r, &o, 0), L7_OK);
    ck_assert_int_eq(add_dynamic(al, bad, "6.6.6.6", 90 * s, 0), L7_OK);
    ck_assert_int_eq(add_static(al, web, "2001:db8::/48"), L7_OK);
    ck_assert_int_eq(add_static(al, web, "1.2.3.4-1.2.3.6"), L7_OK);
    l7_value_addrspec host = spec("1.2.3.4-1.2.3.6");
    ck_assert_int_eq(l7_addrlist_set_disabled(al, web, &host, 1), L7_OK);

    printed p = {.n = 0, .stop_after = 0};
    ck_assert_int_eq(
        l7_addrlist_foreach(al, L7_ADDRLIST_ALL_LISTS, 0, 30 * s, print_entry, &p),
        L7_OK);
    ck_assert_uint_eq(p.n, 4);
    ck_assert_str_eq(p.lines[0], " web 192.168.0.0/23  ;office");
    ck_assert_str_eq(p.lines[1], "D bad 6.6.6.6 1m ;");
    ck_assert_str_eq(p.lines[2], " web 2001:db8::/48  ;");
    ck_assert_str_eq(p.lines[3], "X web 1.2.3.4-1.2.3.6  ;");
    p.n = 0;
    ck_assert_int_eq(l7_addrlist_foreach(al, web, 4, 30 * s, print_entry, &p), L7_OK);
    ck_assert_uint_eq(p.n, 2);
    p.n = 0;
    p.stop_after = 1;
    ck_assert_int_eq(
        l7_addrlist_foreach(al, L7_ADDRLIST_ALL_LISTS, 0, 0, print_entry, &p), 42);
    ck_assert_uint_eq(p.n, 1);

    ck_assert_int_eq(has(al, web, "1.2.3.5", 0), 0);
    ck_assert_int_eq(l7_addrlist_set_disabled(al, web, &host, 0), L7_OK);
    ck_assert_int_eq(has(al, web, "1.2.3.5", 0), 1);
    l7_value_addrspec six = spec("6.6.6.6");
    ck_assert_int_eq(l7_addrlist_set_disabled(al, bad, &six, 1), L7_OK);
    ck_assert_int_eq(has(al, bad, "6.6.6.6", 0), 0);
    ck_assert_int_eq(l7_addrlist_set_disabled(al, web, &six, 1), L7_ENOTFOUND);
    l7_addrlist_destroy(al);
}
END_TEST

START_TEST(test_lists)
{
    l7_addrlist *al = make();
    uint32_t a, b, again, found;
    ck_assert_int_eq(l7_addrlist_list_find(&found, al, "later", 5), L7_ENOTFOUND);
    ck_assert_int_eq(l7_addrlist_list_id(&a, al, "later", 5), L7_OK);
    ck_assert_int_eq(l7_addrlist_list_id(&b, al, "blocked", 7), L7_OK);
    ck_assert_int_eq(l7_addrlist_list_id(&again, al, "laterXYZ", 5), L7_OK);
    ck_assert_uint_eq(again, a);
    ck_assert_uint_ne(a, b);
    ck_assert_int_eq(l7_addrlist_list_find(&found, al, "blocked", 7), L7_OK);
    ck_assert_uint_eq(found, b);
    ck_assert_str_eq(l7_addrlist_list_name(al, a), "later");
    ck_assert_ptr_null(l7_addrlist_list_name(al, 77));
    ck_assert_uint_eq(l7_addrlist_list_count(al), 2);
    /* An empty list matches nothing; entries added later are seen. */
    ck_assert_int_eq(has(al, a, "1.1.1.1", 0), 0);
    ck_assert_int_eq(add_static(al, a, "1.1.1.1"), L7_OK);
    ck_assert_int_eq(has(al, a, "1.1.1.1", 0), 1);
    /* Bad arguments. */
    ck_assert_int_eq(l7_addrlist_list_id(&a, al, "", 0), L7_EINVAL);
    char longname[300];
    memset(longname, 'x', sizeof(longname));
    ck_assert_int_eq(l7_addrlist_list_id(&a, al, longname, 256), L7_EINVAL);
    ck_assert_int_eq(l7_addrlist_list_id(&a, al, longname, 255), L7_OK);
    ck_assert_int_eq(add_static(al, 1000, "1.1.1.1"), L7_EINVAL);
    l7_addr none = {0};
    ck_assert_int_eq(l7_addrlist_contains(al, 0, &none, 0), L7_EINVAL);
    l7_value_addrspec bad6;
    memset(&bad6, 0, sizeof(bad6));
    bad6.first = addr("2001:db8::1");
    bad6.last = addr("2001:db8::5");
    ck_assert_int_eq(l7_addrlist_add(al, b, &bad6, NULL, 0), L7_ERANGE);
    l7_addrlist_destroy(al);
    l7_addrlist_destroy(NULL);
}
END_TEST

START_TEST(test_cap)
{
    l7_addrlist_options opts = {sizeof(opts), 0, 3, 0};
    l7_addrlist *al = NULL;
    ck_assert_int_eq(l7_addrlist_create(&al, &opts, NULL), L7_OK);
    uint32_t id = list(al, "c");
    ck_assert_int_eq(add_static(al, id, "1.0.0.1"), L7_OK);
    ck_assert_int_eq(add_static(al, id, "1.0.0.2"), L7_OK);
    ck_assert_int_eq(add_static(al, id, "1.0.0.0/8"), L7_OK);
    ck_assert_int_eq(add_static(al, id, "1.0.0.4"), L7_ELIMIT);
    l7_addr a = addr("1.0.0.5");
    ck_assert_int_eq(l7_addrlist_add_rule(al, id, &a, 1, L7T_SEC(5), 0), L7_ELIMIT);
    /* Refreshing an existing entry needs no room. */
    ck_assert_int_eq(add_static(al, id, "1.0.0.1"), L7_EEXIST);
    l7_addrlist_stats st;
    l7_addrlist_get_stats(&st, al);
    ck_assert_uint_eq(st.refused, 2);
    ck_assert_uint_eq(st.entries, 3);
    ck_assert_uint_eq(st.range_entries, 1);
    ck_assert_uint_eq(st.max_entries, 3);
    ck_assert_int_eq(l7_addrlist_set_max_entries(al, 4), L7_OK);
    ck_assert_int_eq(add_static(al, id, "1.0.0.4"), L7_OK);
    ck_assert_int_eq(l7_addrlist_set_max_entries(al, 0), L7_EINVAL);
    l7_addrlist_destroy(al);
}
END_TEST

static size_t outstanding;
static pthread_mutex_t outstanding_lock = PTHREAD_MUTEX_INITIALIZER;
static void *count_malloc(size_t n, void *user)
{
    (void)user;
    pthread_mutex_lock(&outstanding_lock);
    outstanding++;
    pthread_mutex_unlock(&outstanding_lock);
    return malloc(n);
}
static void *count_realloc(void *p, size_t n, void *user)
{
    (void)user;
    if (!p) {
        pthread_mutex_lock(&outstanding_lock);
        outstanding++;
        pthread_mutex_unlock(&outstanding_lock);
    }
    return realloc(p, n);
}
static void count_free(void *p, void *user)
{
    (void)user;
    if (p) {
        pthread_mutex_lock(&outstanding_lock);
        outstanding--;
        pthread_mutex_unlock(&outstanding_lock);
    }
    free(p);
}

START_TEST(test_allocator)
{
    outstanding = 0;
    l7_allocator hooks = {count_malloc, count_realloc, count_free, NULL};
    l7_addrlist *al = NULL;
    ck_assert_int_eq(l7_addrlist_create(&al, NULL, &hooks), L7_OK);
    uint32_t id = list(al, "m");
    for (int i = 0; i < 300; i++) {
        char text[32];
        snprintf(text, sizeof(text), "10.%d.%d.0/24", i / 256, i % 256);
        l7_value_addrspec s = spec(text);
        l7_addrlist_entry_options o = {sizeof(o), 0, 0, 0, 0, "c"};
        ck_assert_int_eq(l7_addrlist_add(al, id, &s, &o, 0), L7_OK);
    }
    ck_assert_int_eq(has(al, id, "10.1.2.3", 0), 1);
    ck_assert_uint_gt(outstanding, 300);
    l7_addrlist_stats st;
    l7_addrlist_get_stats(&st, al);
    ck_assert_uint_gt(st.memory_bytes, 300 * 64);
    l7_addrlist_destroy(al);
    ck_assert_uint_eq(outstanding, 0);
}
END_TEST

/* ---- scale ---------------------------------------------------------------- */

START_TEST(test_100k)
{
    enum { N = 100000 };
    l7_addrlist *al = make();
    uint32_t id = list(al, "big"), nets = list(al, "nets");
    /* Hosts at even offsets: the odd neighbours must miss. */
    for (uint32_t i = 0; i < N; i++) {
        uint32_t v = 0x0a000000u + 2 * i;
        l7_addr a = {
            4,
            {0},
            {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v}};
        ck_assert_int_eq(l7_addrlist_add_rule(al, id, &a, 1, L7T_SEC(60), 0), L7_OK);
    }
    /* And 1,000 /28 prefixes with gaps between them. */
    for (uint32_t i = 0; i < 1000; i++) {
        uint32_t v = 0xac100000u + 32 * i;
        l7_addr a = {
            4,
            {0},
            {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v}};
        l7_value_addrspec s;
        l7_addr last = a;
        last.bytes[3] |= 15;
        ck_assert_int_eq(l7_value_addrspec_from_range(&s, &a, &last), L7_OK);
        ck_assert_int_eq(l7_addrlist_add(al, nets, &s, NULL, 0), L7_OK);
    }
    for (uint32_t i = 0; i < N; i++) {
        uint32_t v = 0x0a000000u + 2 * i;
        l7_addr a = {
            4,
            {0},
            {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v}};
        ck_assert_int_eq(l7_addrlist_contains(al, id, &a, L7T_SEC(1)), 1);
        ck_assert_int_eq(l7_addrlist_contains(al, nets, &a, L7T_SEC(1)), 0);
        a.bytes[3] |= 1;
        ck_assert_int_eq(l7_addrlist_contains(al, id, &a, L7T_SEC(1)), 0);
    }
    for (uint32_t i = 0; i < 32 * 1000 + 64; i++) {
        uint32_t v = 0xac100000u + i;
        l7_addr a = {
            4,
            {0},
            {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v}};
        int want = i < 32 * 1000 && (i % 32) < 16;
        ck_assert_int_eq(l7_addrlist_contains(al, nets, &a, 0), want);
    }
    size_t count;
    ck_assert_int_eq(l7_addrlist_count(&count, al, id, 4, L7T_SEC(1)), L7_OK);
    ck_assert_uint_eq(count, N);
    ck_assert_int_eq(l7_addrlist_count(&count, al, id, 4, L7T_SEC(60)), L7_OK);
    ck_assert_uint_eq(count, 0);
    size_t reclaimed;
    ck_assert_int_eq(l7_addrlist_expire(&reclaimed, al, L7T_SEC(60), 0), L7_OK);
    ck_assert_uint_eq(reclaimed, N);
    l7_addrlist_destroy(al);
}
END_TEST

/* ---- threads -------------------------------------------------------------- */

enum { T_WRITERS = 2, T_READERS = 2, T_ITER = 20000 };

typedef struct shared_state {
    l7_addrlist *al;
    uint32_t id;
    int index;
    int failures;
} shared_state;

static void *writer(void *arg)
{
    shared_state *st = arg;
    for (uint32_t i = 0; i < T_ITER; i++) {
        /* Each writer owns 11.<index>.x.y; every 64th add is a range, every
         * 128th removes a range again (rebuilds under readers). */
        l7_addr a = {4, {0}, {11, (uint8_t)st->index, (uint8_t)(i >> 8), (uint8_t)i}};
        uint64_t now = (uint64_t)i * 1000;
        if (l7_addrlist_add_rule(st->al, st->id, &a, 1, L7T_SEC(3600), now) != L7_OK)
            st->failures++;
        if (l7_addrlist_contains(st->al, st->id, &a, now) != 1)
            st->failures++;
        if (i % 64 == 0) {
            l7_value_addrspec s;
            uint32_t k = i / 64; /* one distinct range per k; odd ones stay */
            l7_addr first = {
                4, {0}, {12, (uint8_t)(st->index * 2 + (k >> 8)), (uint8_t)k, 0}};
            l7_addr last = first;
            last.bytes[3] = 127;
            l7_value_addrspec_from_range(&s, &first, &last);
            l7_addrlist_entry_options o = {sizeof(o), L7_ADDRLIST_ADD_RULE, 1,
                                           0,         L7T_SEC(3600),        NULL};
            if (l7_addrlist_add(st->al, st->id, &s, &o, now) != L7_OK)
                st->failures++;
            if (i % 128 == 0 && l7_addrlist_remove(st->al, st->id, &s) != L7_OK)
                st->failures++;
        }
        if (i % 1024 == 0) {
            size_t n;
            l7_addrlist_expire(&n, st->al, now, 256);
        }
    }
    return NULL;
}

static void *reader(void *arg)
{
    shared_state *st = arg;
    for (uint32_t i = 0; i < T_ITER * 2; i++) {
        /* Static entries always match; 13.x never does. */
        l7_addr in = {4, {0}, {172, 20, (uint8_t)(i % 3), (uint8_t)i}};
        l7_addr out = {4, {0}, {13, 0, (uint8_t)(i >> 8), (uint8_t)i}};
        l7_addr six = {
            6,
            {0},
            {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (uint8_t)i}};
        if (l7_addrlist_contains(st->al, st->id, &in, 0) != 1)
            st->failures++;
        if (l7_addrlist_contains(st->al, st->id, &out, 0) != 0)
            st->failures++;
        if (l7_addrlist_contains(st->al, st->id, &six, 0) != 1)
            st->failures++;
        if (i % 4096 == 0) {
            size_t n;
            l7_addrlist_count(&n, st->al, st->id, 0, 0);
        }
    }
    return NULL;
}

START_TEST(test_threads)
{
    l7_addrlist *al = make();
    uint32_t id = list(al, "shared");
    ck_assert_int_eq(add_static(al, id, "172.20.0.0/22"), L7_OK);
    ck_assert_int_eq(add_static(al, id, "2001:db8::/64"), L7_OK);
    pthread_t threads[T_WRITERS + T_READERS];
    shared_state st[T_WRITERS + T_READERS];
    for (int i = 0; i < T_WRITERS + T_READERS; i++) {
        st[i] = (shared_state){al, id, i, 0};
        ck_assert_int_eq(
            pthread_create(&threads[i], NULL, i < T_WRITERS ? writer : reader, &st[i]),
            0);
    }
    for (int i = 0; i < T_WRITERS + T_READERS; i++) {
        pthread_join(threads[i], NULL);
        ck_assert_int_eq(st[i].failures, 0);
    }
    /* Every host every writer added is there, once. */
    size_t count;
    ck_assert_int_eq(l7_addrlist_count(&count, al, id, 4, 0), L7_OK);
    ck_assert_uint_eq(count, 1 + T_WRITERS * (T_ITER + (T_ITER + 63) / 64 / 2));
    for (int w = 0; w < T_WRITERS; w++)
        for (uint32_t i = 0; i < T_ITER; i += 97) {
            l7_addr a = {4, {0}, {11, (uint8_t)w, (uint8_t)(i >> 8), (uint8_t)i}};
            ck_assert_int_eq(l7_addrlist_contains(al, id, &a, 0), 1);
        }
    l7_addrlist_destroy(al);
}
END_TEST

static Suite *addrlist_suite(void)
{
    Suite *s = suite_create("addrlist");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_edges, 0, (int)L7_ARRAY_SIZE(edge_cases));
    tcase_add_test(tc, test_overlap);
    tcase_add_loop_test(tc, test_ranges_vs_linear, 0, 4);
    tcase_add_loop_test(tc, test_refresh, 0, (int)L7_ARRAY_SIZE(refresh_cases));
    tcase_add_loop_test(tc, test_refresh_range, 0, 2);
    tcase_add_loop_test(tc, test_duplicates, 0, (int)L7_ARRAY_SIZE(dup_cases));
    tcase_add_test(tc, test_expired_manual_readd);
    tcase_add_loop_test(tc, test_expiry_boundary, 0, (int)L7_ARRAY_SIZE(expiry_cases));
    tcase_add_test(tc, test_timeout_limits);
    tcase_add_test(tc, test_expire_budget);
    tcase_add_test(tc, test_reload);
    tcase_add_test(tc, test_print_and_disable);
    tcase_add_test(tc, test_lists);
    tcase_add_test(tc, test_cap);
    tcase_add_test(tc, test_allocator);
    tcase_add_test(tc, test_100k);
    tcase_add_test(tc, test_threads);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return l7t_run_suite(addrlist_suite());
}
