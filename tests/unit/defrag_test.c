/* Fragment reassembly: orders, duplicates, overlaps, timeouts, caps. */
#include "testutil.h"

#include "common_internal.h"
#include "l7/l7.h"
#include "packet_build.h"

#include <stdlib.h>
#include <string.h>

static uint8_t l4buf[70000];

/* The datagram before fragmentation: UDP 4000 -> 53 with a byte pattern. */
static size_t original(int version, uint8_t *out, size_t payload, uint8_t proto)
{
    static uint8_t data[70000];
    for (size_t i = 0; i < payload; i++)
        data[i] = (uint8_t)(i * 7 + 3);
    size_t n = pb_udp(l4buf, 4000, 53, data, payload);
    if (version == 4)
        return pb_ipv4(out, proto, 0x1234, 0, 0, l4buf, n);
    /* A hop-by-hop header before the data: the Fragment header goes after
     * it, so reassembly must patch its Next Header back. */
    uint8_t hbh[8] = {proto, 0, 1, 4, 0, 0, 0, 0};
    return pb_ipv6(out, 0, hbh, 8, l4buf, n);
}

/* Fragment [start, start + len) of the fragmentable part of `orig`. */
static size_t fragment(int version, const uint8_t *orig, uint32_t start, uint32_t len,
                       bool more, uint32_t id, uint8_t *out)
{
    if (version == 4) {
        uint32_t hl = (uint32_t)(orig[0] & 15) * 4;
        memcpy(out, orig, hl);
        pb_put16(out + 2, hl + len);
        pb_put16(out + 4, id);
        pb_put16(out + 6, (more ? 0x2000 : 0) | start / 8);
        pb_ipv4_checksum(out);
        memcpy(out + hl, orig + hl + start, len);
        return hl + len;
    }
    memcpy(out, orig, 48);
    uint8_t next = out[40];
    out[40] = 44;
    pb_put16(out + 4, 16 + len);
    uint8_t *fh = out + 48;
    fh[0] = next;
    fh[1] = 0;
    pb_put16(fh + 2, start | (more ? 1 : 0));
    pb_put32(fh + 4, id);
    memcpy(out + 56, orig + 48 + start, len);
    return 56 + len;
}

static size_t fragmentable_len(int version, const uint8_t *orig, size_t n)
{
    return version == 4 ? n - (size_t)(orig[0] & 15) * 4 : n - 48;
}

/* ---- reassembly in any order --------------------------------------------------- */

static const struct order_case {
    const char *name;
    int version;
    size_t payload;
    uint32_t frag_len; /* multiple of 8 */
    uint8_t order[8];
    size_t count;
} order_cases[] = {
    {"v4-in-order", 4, 3000, 1480, {0, 1, 2}, 3},
    {"v4-reverse", 4, 3000, 1480, {2, 1, 0}, 3},
    {"v4-last-first", 4, 3000, 1480, {2, 0, 1}, 3},
    {"v4-middle-first", 4, 3000, 1480, {1, 2, 0}, 3},
    {"v4-small-shuffled", 4, 100, 16, {3, 6, 0, 5, 2, 4, 1}, 7},
    {"v4-two", 4, 1500, 1480, {0, 1}, 2},
    {"v6-in-order", 6, 3000, 1232, {0, 1, 2}, 3},
    {"v6-reverse", 6, 3000, 1232, {2, 1, 0}, 3},
    {"v6-shuffled", 6, 100, 16, {6, 1, 4, 0, 3, 5, 2}, 7},
};

START_TEST(test_orders)
{
    const struct order_case *c = &order_cases[_i];
    static uint8_t orig[70000], frame[70000];
    size_t on = original(c->version, orig, c->payload, 17);
    size_t total = fragmentable_len(c->version, orig, on);
    ck_assert_uint_eq((total + c->frag_len - 1) / c->frag_len, c->count);

    l7_packet *pkt;
    l7_defrag *df;
    ck_assert_int_eq(l7_packet_create(&pkt, NULL), L7_OK);
    ck_assert_int_eq(l7_defrag_create(&df, NULL, NULL), L7_OK);
    for (size_t k = 0; k < c->count; k++) {
        uint32_t i = c->order[k];
        uint32_t start = i * c->frag_len;
        uint32_t len =
            (uint32_t)(total - start < c->frag_len ? total - start : c->frag_len);
        size_t fn =
            fragment(c->version, orig, start, len, i + 1 < c->count, 0x1234, frame);
        ck_assert_int_eq(l7_packet_parse_l3(pkt, frame, fn), L7_OK);
        ck_assert_int_eq(l7_packet_get_status(pkt), L7_PACKET_OK);
        ck_assert_int_eq(l7_packet_is_fragment(pkt), 1);
        if (i == 0) /* the first fragment carries the ports */
            ck_assert_uint_eq(l7_packet_dport(pkt), 53);
        l7_defrag_result r;
        ck_assert_int_eq(l7_defrag_add(&r, df, pkt, 100 + i, L7T_SEC(1) + k), L7_OK);
        if (k + 1 < c->count) {
            ck_assert_int_eq(r, L7_DEFRAG_PENDING);
            ck_assert_ptr_null(l7_defrag_datagram(df, NULL));
            ck_assert_ptr_null(l7_defrag_cookies(df, NULL));
        } else {
            ck_assert_int_eq(r, L7_DEFRAG_COMPLETE);
        }
    }
    uint32_t len, ncookies;
    const uint8_t *d = l7_defrag_datagram(df, &len);
    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(len, on);
    ck_assert_mem_eq(d, orig, on); /* header fixed up exactly as unfragmented */
    const uint64_t *cookies = l7_defrag_cookies(df, &ncookies);
    ck_assert_uint_eq(ncookies, c->count);
    for (uint32_t k = 0; k < ncookies; k++)
        ck_assert_uint_eq(cookies[k], 100 + k);
    /* The host parses the datagram: ports and the whole payload. */
    ck_assert_int_eq(l7_packet_parse(pkt, d, len, L7_LINK_IP), L7_OK);
    ck_assert_int_eq(l7_packet_get_status(pkt), L7_PACKET_OK);
    ck_assert_int_eq(l7_packet_is_fragment(pkt), 0);
    ck_assert_uint_eq(l7_packet_sport(pkt), 4000);
    ck_assert_uint_eq(l7_packet_payload_len(pkt), c->payload);

    l7_defrag_stats st = {.size = sizeof(st)};
    ck_assert_int_eq(l7_defrag_get_stats(&st, df), L7_OK);
    ck_assert_uint_eq(st.reassembled, 1);
    ck_assert_uint_eq(st.fragments, c->count);
    ck_assert_uint_eq(st.pending_datagrams, 0);
    uint64_t with_buf = st.memory;
    l7_defrag_release(df);
    ck_assert_ptr_null(l7_defrag_datagram(df, NULL));
    l7_defrag_get_stats(&st, df);
    ck_assert_uint_eq(st.memory, with_buf - on);
    l7_defrag_destroy(df);
    l7_packet_destroy(pkt);
}
END_TEST

/* ---- overlaps and duplicates ---------------------------------------------------- */

/* Fragments as (start, len, more) over a 64-byte UDP datagram (72 bytes of
 * fragmentable data); the last step's result and counters are checked. */
static const struct overlap_case {
    const char *name;
    int version;
    struct {
        uint32_t start, len;
        bool more;
    } steps[4];
    size_t count;
    l7_defrag_result last;
    uint32_t last_cookies; /* cookies reported with the last result */
    uint64_t duplicates, overlaps, invalid;
    uint32_t pending;
} overlap_cases[] = {
    {"v4-exact-duplicate",
     4,
     {{0, 24, true}, {0, 24, true}},
     2,
     L7_DEFRAG_DROPPED,
     1,
     1,
     0,
     0,
     1},
    {"v4-duplicate-last",
     4,
     {{48, 24, false}, {48, 24, false}},
     2,
     L7_DEFRAG_DROPPED,
     1,
     1,
     0,
     0,
     1},
    {"v4-overlap-tail",
     4,
     {{0, 24, true}, {16, 24, true}},
     2,
     L7_DEFRAG_DROPPED,
     2,
     0,
     1,
     0,
     0},
    {"v4-overlap-head",
     4,
     {{16, 24, true}, {8, 16, true}},
     2,
     L7_DEFRAG_DROPPED,
     2,
     0,
     1,
     0,
     0},
    /* Linux (inet_frag_queue_insert): a fragment inside data already held
     * is a duplicate, dropped alone; the datagram goes on. */
    {"v4-contained",
     4,
     {{0, 48, true}, {8, 16, true}},
     2,
     L7_DEFRAG_DROPPED,
     1,
     1,
     0,
     0,
     1},
    {"v4-contained-in-run",
     4,
     {{0, 24, true}, {24, 24, true}, {16, 16, true}},
     3,
     L7_DEFRAG_DROPPED,
     1,
     1,
     0,
     0,
     1},
    {"v4-across-a-gap",
     4,
     {{0, 16, true}, {24, 24, true}, {8, 24, true}},
     3,
     L7_DEFRAG_DROPPED,
     3,
     0,
     1,
     0,
     0},
    {"v6-contained",
     6,
     {{0, 48, true}, {8, 16, true}},
     2,
     L7_DEFRAG_DROPPED,
     1,
     1,
     0,
     0,
     1},
    {"v4-containing",
     4,
     {{8, 16, true}, {48, 24, false}, {0, 48, true}},
     3,
     L7_DEFRAG_DROPPED,
     3,
     0,
     1,
     0,
     0},
    {"v4-adjacent",
     4,
     {{0, 24, true}, {24, 24, true}},
     2,
     L7_DEFRAG_PENDING,
     0,
     0,
     0,
     0,
     1},
    {"v4-two-ends",
     4,
     {{48, 24, false}, {40, 8, false}},
     2,
     L7_DEFRAG_DROPPED,
     2,
     0,
     0,
     1,
     0},
    {"v4-beyond-end",
     4,
     {{40, 8, false}, {48, 24, true}},
     2,
     L7_DEFRAG_DROPPED,
     2,
     0,
     0,
     1,
     0},
    {"v4-end-before-data",
     4,
     {{48, 24, true}, {24, 8, false}},
     2,
     L7_DEFRAG_DROPPED,
     2,
     0,
     0,
     1,
     0},
    {"v6-exact-duplicate",
     6,
     {{0, 24, true}, {0, 24, true}},
     2,
     L7_DEFRAG_DROPPED,
     1,
     1,
     0,
     0,
     1},
    {"v6-overlap",
     6,
     {{0, 24, true}, {16, 24, true}},
     2,
     L7_DEFRAG_DROPPED,
     2,
     0,
     1,
     0,
     0},
    {"v6-adjacent-complete",
     6,
     {{0, 24, true}, {24, 48, false}},
     2,
     L7_DEFRAG_COMPLETE,
     2,
     0,
     0,
     0,
     0},
};

START_TEST(test_overlaps)
{
    const struct overlap_case *c = &overlap_cases[_i];
    static uint8_t orig[256], frame[256];
    original(c->version, orig, 64, 17);
    l7_packet *pkt;
    l7_defrag *df;
    ck_assert_int_eq(l7_packet_create(&pkt, NULL), L7_OK);
    ck_assert_int_eq(l7_defrag_create(&df, NULL, NULL), L7_OK);
    l7_defrag_result r = L7_DEFRAG_PENDING;
    for (size_t k = 0; k < c->count; k++) {
        size_t fn = fragment(c->version, orig, c->steps[k].start, c->steps[k].len,
                             c->steps[k].more, 7, frame);
        ck_assert_int_eq(l7_packet_parse_l3(pkt, frame, fn), L7_OK);
        ck_assert_int_eq(l7_packet_get_status(pkt), L7_PACKET_OK);
        ck_assert_int_eq(l7_defrag_add(&r, df, pkt, 10 + k, 0), L7_OK);
        if (k + 1 < c->count)
            ck_assert_int_eq(r, L7_DEFRAG_PENDING);
    }
    ck_assert_msg(r == c->last, "%s: result %d", c->name, r);
    uint32_t n;
    const uint64_t *cookies = l7_defrag_cookies(df, &n);
    ck_assert_uint_eq(n, c->last_cookies);
    /* The fragment just added is always among the frames to drop. */
    bool found = false;
    for (uint32_t k = 0; k < n; k++)
        found |= cookies[k] == 10 + c->count - 1;
    ck_assert(n == 0 || found);
    l7_defrag_stats st = {.size = sizeof(st)};
    l7_defrag_get_stats(&st, df);
    ck_assert_uint_eq(st.duplicates, c->duplicates);
    ck_assert_uint_eq(st.overlaps, c->overlaps);
    ck_assert_uint_eq(st.invalid, c->invalid);
    ck_assert_uint_eq(st.pending_datagrams, c->pending);
    ck_assert_uint_eq(st.dropped_fragments, c->last == L7_DEFRAG_DROPPED ? n : 0);
    l7_defrag_destroy(df);
    l7_packet_destroy(pkt);
}
END_TEST

/* A duplicate does not disturb the datagram: it still completes with the
 * cookies of the fragments kept. */
START_TEST(test_duplicate_then_complete)
{
    static uint8_t orig[256], frame[256];
    original(4, orig, 64, 17);
    l7_packet *pkt;
    l7_defrag *df;
    ck_assert_int_eq(l7_packet_create(&pkt, NULL), L7_OK);
    ck_assert_int_eq(l7_defrag_create(&df, NULL, NULL), L7_OK);
    static const struct {
        uint32_t start, len;
        bool more;
        l7_defrag_result want;
    } steps[] = {{0, 40, true, L7_DEFRAG_PENDING},
                 {0, 40, true, L7_DEFRAG_DROPPED},
                 {40, 32, false, L7_DEFRAG_COMPLETE}};
    for (size_t k = 0; k < L7_ARRAY_SIZE(steps); k++) {
        size_t fn = fragment(4, orig, steps[k].start, steps[k].len, steps[k].more,
                             0x1234, frame);
        l7_packet_parse_l3(pkt, frame, fn);
        l7_defrag_result r;
        ck_assert_int_eq(l7_defrag_add(&r, df, pkt, k, 0), L7_OK);
        ck_assert_int_eq(r, steps[k].want);
    }
    uint32_t n;
    const uint64_t *cookies = l7_defrag_cookies(df, &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(cookies[0], 0);
    ck_assert_uint_eq(cookies[1], 2);
    uint32_t len;
    ck_assert_mem_eq(l7_defrag_datagram(df, &len), orig, 92);
    ck_assert_uint_eq(len, 92);
    l7_defrag_destroy(df);
    l7_packet_destroy(pkt);
}
END_TEST

/* ---- timeouts ------------------------------------------------------------------- */

struct dropped {
    uint64_t cookies[16];
    size_t n;
};

static void on_drop(uint64_t cookie, void *user)
{
    struct dropped *d = user;
    ck_assert_uint_lt(d->n, 16);
    d->cookies[d->n++] = cookie;
}

START_TEST(test_timeout)
{
    static uint8_t orig[256], frame[256];
    original(4, orig, 64, 17);
    l7_packet *pkt;
    l7_defrag *df;
    ck_assert_int_eq(l7_packet_create(&pkt, NULL), L7_OK);
    ck_assert_int_eq(l7_defrag_create(&df, NULL, NULL), L7_OK);
    l7_defrag_stats st = {.size = sizeof(st)};
    l7_defrag_get_stats(&st, df);
    uint64_t empty_memory = st.memory;
    /* Three incomplete datagrams (ids 1, 2, 3) starting at 0 s, 10 s, 20 s;
     * the first gets a second fragment at 25 s (which does not extend its
     * life: Linux times a datagram from its first fragment). */
    struct {
        uint32_t id, start, len;
        uint64_t t;
    } adds[] = {{1, 0, 24, 0}, {2, 0, 24, 10}, {3, 24, 24, 20}, {1, 48, 24, 25}};
    for (size_t k = 0; k < L7_ARRAY_SIZE(adds); k++) {
        size_t fn = fragment(4, orig, adds[k].start, adds[k].len, adds[k].start < 48,
                             adds[k].id, frame);
        l7_packet_parse_l3(pkt, frame, fn);
        l7_defrag_result r;
        ck_assert_int_eq(l7_defrag_add(&r, df, pkt, 50 + k, L7T_SEC(adds[k].t)), L7_OK);
        ck_assert_int_eq(r, L7_DEFRAG_PENDING);
    }
    struct dropped d = {{0}, 0};
    ck_assert_int_eq(l7_defrag_expire(df, L7T_SEC(30) - 1, on_drop, &d), 0);
    ck_assert_uint_eq(d.n, 0);
    ck_assert_int_eq(l7_defrag_expire(df, L7T_SEC(30), on_drop, &d), 1);
    ck_assert_uint_eq(d.n, 2);
    ck_assert_uint_eq(d.cookies[0], 50);
    ck_assert_uint_eq(d.cookies[1], 53);
    l7_defrag_get_stats(&st, df);
    ck_assert_uint_eq(st.pending_datagrams, 2);
    ck_assert_uint_eq(st.timeouts, 1);
    ck_assert_uint_eq(st.timeout_fragments, 2);
    d.n = 0;
    ck_assert_int_eq(l7_defrag_expire(df, L7T_SEC(100), on_drop, &d), 2);
    ck_assert_uint_eq(d.n, 2);
    ck_assert_uint_eq(d.cookies[0], 51);
    ck_assert_uint_eq(d.cookies[1], 52);
    l7_defrag_get_stats(&st, df);
    ck_assert_uint_eq(st.pending_datagrams, 0);
    ck_assert_uint_eq(st.timeouts, 3);
    ck_assert_uint_eq(st.timeout_fragments, 4);
    ck_assert_uint_eq(st.memory, empty_memory);
    ck_assert_int_eq(l7_defrag_expire(df, UINT64_MAX, NULL, NULL), 0);
    ck_assert_int_eq(l7_defrag_expire(NULL, 0, NULL, NULL), L7_EINVAL);
    l7_defrag_destroy(df);
    l7_packet_destroy(pkt);
}
END_TEST

/* The clock may step back (NTP, a pcap with one bogus timestamp): a datagram
 * stamped in the future must not sit at the head of the expiry list and
 * shield every later one from expiring, which would fill the table. */
START_TEST(test_timeout_clock_step_back)
{
    static uint8_t orig[256], frame[256];
    original(4, orig, 64, 17);
    l7_packet *pkt;
    l7_defrag *df;
    ck_assert_int_eq(l7_packet_create(&pkt, NULL), L7_OK);
    ck_assert_int_eq(l7_defrag_create(&df, NULL, NULL), L7_OK);
    const uint64_t t0 = L7T_SEC(1700000000);
    struct {
        uint32_t id;
        uint64_t t;
    } adds[] = {{1, t0 + L7T_SEC(3600)}, {2, t0}, {3, t0 + L7T_SEC(10)}};
    for (size_t k = 0; k < L7_ARRAY_SIZE(adds); k++) {
        size_t fn = fragment(4, orig, 0, 24, true, adds[k].id, frame);
        l7_packet_parse_l3(pkt, frame, fn);
        l7_defrag_result r;
        ck_assert_int_eq(l7_defrag_add(&r, df, pkt, 60 + k, adds[k].t), L7_OK);
        ck_assert_int_eq(r, L7_DEFRAG_PENDING);
    }
    struct dropped d = {{0}, 0};
    /* 30 s after datagram 2 began: it expires, and datagram 1, which claims
     * to have begun an hour from now, is dropped as stale; 3 stays. */
    ck_assert_int_eq(l7_defrag_expire(df, t0 + L7T_SEC(30), on_drop, &d), 2);
    ck_assert_uint_eq(d.n, 2);
    ck_assert_uint_eq(d.cookies[0], 60);
    ck_assert_uint_eq(d.cookies[1], 61);
    l7_defrag_stats st = {.size = sizeof(st)};
    l7_defrag_get_stats(&st, df);
    ck_assert_uint_eq(st.pending_datagrams, 1);
    d.n = 0;
    ck_assert_int_eq(l7_defrag_expire(df, t0 + L7T_SEC(40), on_drop, &d), 1);
    ck_assert_uint_eq(d.cookies[0], 62);
    l7_defrag_destroy(df);
    l7_packet_destroy(pkt);
}
END_TEST

/* ---- limits --------------------------------------------------------------------- */

static const struct limit_case {
    const char *name;
    l7_defrag_options opt; /* size filled in by the test */
    struct {
        uint32_t id, start, len;
        bool more;
        l7_defrag_result want;
        uint32_t cookies;
    } steps[4];
    size_t count;
    uint64_t over_limit, invalid;
    uint32_t pending;
} limit_cases[] = {
    {"memory",
     {.max_memory = 2000},
     {{1, 0, 1480, true, L7_DEFRAG_PENDING, 0},
      {1, 1480, 1480, false, L7_DEFRAG_DROPPED, 1},
      {2, 0, 400, true, L7_DEFRAG_DROPPED, 1}},
     3,
     2,
     0,
     1},
    {"datagrams",
     {.max_datagrams = 2},
     {{1, 0, 8, true, L7_DEFRAG_PENDING, 0},
      {2, 0, 8, true, L7_DEFRAG_PENDING, 0},
      {3, 0, 8, true, L7_DEFRAG_DROPPED, 1},
      {1, 8, 8, false, L7_DEFRAG_COMPLETE, 2}},
     4,
     1,
     0,
     1},
    {"fragments",
     {.max_fragments = 2},
     {{1, 0, 8, true, L7_DEFRAG_PENDING, 0},
      {1, 8, 8, true, L7_DEFRAG_PENDING, 0},
      {1, 16, 8, false, L7_DEFRAG_DROPPED, 3}},
     3,
     1,
     0,
     0},
};

START_TEST(test_limits)
{
    const struct limit_case *c = &limit_cases[_i];
    static uint8_t orig[4000], frame[4000];
    original(4, orig, 2952, 17);
    l7_defrag_options opt = c->opt;
    opt.size = sizeof(opt);
    l7_packet *pkt;
    l7_defrag *df;
    ck_assert_int_eq(l7_packet_create(&pkt, NULL), L7_OK);
    ck_assert_int_eq(l7_defrag_create(&df, &opt, NULL), L7_OK);
    for (size_t k = 0; k < c->count; k++) {
        size_t fn = fragment(4, orig, c->steps[k].start, c->steps[k].len,
                             c->steps[k].more, c->steps[k].id, frame);
        ck_assert_int_eq(l7_packet_parse_l3(pkt, frame, fn), L7_OK);
        ck_assert_int_eq(l7_packet_get_status(pkt), L7_PACKET_OK);
        l7_defrag_result r;
        ck_assert_int_eq(l7_defrag_add(&r, df, pkt, k, 0), L7_OK);
        ck_assert_msg(r == c->steps[k].want, "%s step %zu: %d", c->name, k, r);
        uint32_t n;
        l7_defrag_cookies(df, &n);
        ck_assert_uint_eq(n, c->steps[k].cookies);
    }
    l7_defrag_stats st = {.size = sizeof(st)};
    l7_defrag_get_stats(&st, df);
    ck_assert_uint_eq(st.over_limit, c->over_limit);
    ck_assert_uint_eq(st.invalid, c->invalid);
    ck_assert_uint_eq(st.pending_datagrams, c->pending);
    l7_defrag_destroy(df);
    l7_packet_destroy(pkt);
}
END_TEST

/* Each fragment is within bounds, but the first fragment's 60-byte header
 * makes the whole datagram longer than 65535 bytes. */
/* The largest IPv6 datagram: a 65535-byte payload (hop-by-hop header and
 * fragmentable part; the Fragment header does not count, RFC 8200 4.5). */
START_TEST(test_ipv6_largest)
{
    static uint8_t orig[70000], frame[70000];
    size_t n = original(6, orig, 65519, 17);
    ck_assert_uint_eq(n, 40 + 65535);
    l7_packet *pkt;
    l7_defrag *df;
    ck_assert_int_eq(l7_packet_create(&pkt, NULL), L7_OK);
    ck_assert_int_eq(l7_defrag_create(&df, NULL, NULL), L7_OK);
    uint32_t parts[2][3] = {{0, 32768, 1}, {32768, 65527 - 32768, 0}};
    l7_defrag_result r = L7_DEFRAG_DROPPED;
    for (int k = 0; k < 2; k++) {
        size_t fn = fragment(6, orig, parts[k][0], parts[k][1], parts[k][2], 3, frame);
        l7_packet_parse_l3(pkt, frame, fn);
        ck_assert_int_eq(l7_packet_get_status(pkt), L7_PACKET_OK);
        ck_assert_int_eq(l7_defrag_add(&r, df, pkt, (uint64_t)k, 0), L7_OK);
    }
    ck_assert_int_eq(r, L7_DEFRAG_COMPLETE);
    uint32_t len;
    const uint8_t *dg = l7_defrag_datagram(df, &len);
    ck_assert_uint_eq(len, n);
    ck_assert_mem_eq(dg, orig, n);
    l7_defrag_destroy(df);
    l7_packet_destroy(pkt);
}
END_TEST

START_TEST(test_too_big)
{
    static uint8_t orig[70000], frame[70000];
    size_t n = pb_udp(l4buf, 1, 2, NULL, 0);
    memset(l4buf + 8, 'x', 65504);
    n = pb_ipv4(orig, 17, 9, 0, 40, l4buf, 65512 - 40);
    (void)n;
    l7_packet *pkt;
    l7_defrag *df;
    ck_assert_int_eq(l7_packet_create(&pkt, NULL), L7_OK);
    ck_assert_int_eq(l7_defrag_create(&df, NULL, NULL), L7_OK);
    /* first: 60-byte header + [0, 65472) */
    size_t fn = fragment(4, orig, 0, 65472, true, 9, frame);
    l7_packet_parse_l3(pkt, frame, fn);
    ck_assert_int_eq(l7_packet_get_status(pkt), L7_PACKET_OK);
    l7_defrag_result r;
    ck_assert_int_eq(l7_defrag_add(&r, df, pkt, 1, 0), L7_OK);
    ck_assert_int_eq(r, L7_DEFRAG_PENDING);
    /* the rest with a 20-byte header */
    static uint8_t plain[256];
    memcpy(plain, orig, 20);
    plain[0] = 0x45;
    memset(plain + 20, 'y', 40);
    uint32_t parts[2][3] = {{65472, 24, 1}, {65496, 16, 0}};
    for (int k = 0; k < 2; k++) {
        memcpy(frame, plain, 20);
        pb_put16(frame + 2, 20 + parts[k][1]);
        pb_put16(frame + 6, (parts[k][2] ? 0x2000 : 0) | parts[k][0] / 8);
        memset(frame + 20, 'z', parts[k][1]);
        l7_packet_parse_l3(pkt, frame, 20 + parts[k][1]);
        ck_assert_int_eq(l7_packet_get_status(pkt), L7_PACKET_OK);
        ck_assert_int_eq(l7_defrag_add(&r, df, pkt, 2 + (uint64_t)k, 0), L7_OK);
    }
    ck_assert_int_eq(r, L7_DEFRAG_DROPPED);
    uint32_t count;
    l7_defrag_cookies(df, &count);
    ck_assert_uint_eq(count, 3);
    l7_defrag_stats st = {.size = sizeof(st)};
    l7_defrag_get_stats(&st, df);
    ck_assert_uint_eq(st.invalid, 1);
    ck_assert_uint_eq(st.pending_datagrams, 0);
    l7_defrag_destroy(df);
    l7_packet_destroy(pkt);
}
END_TEST

/* IPv4 keys include the protocol and both addresses; IPv6 keys do not
 * include the protocol. */
START_TEST(test_keys)
{
    static uint8_t orig[256], frame[256];
    l7_packet *pkt;
    l7_defrag *df;
    ck_assert_int_eq(l7_packet_create(&pkt, NULL), L7_OK);
    ck_assert_int_eq(l7_defrag_create(&df, NULL, NULL), L7_OK);
    l7_defrag_result r;
    original(4, orig, 64, 17);
    size_t fn = fragment(4, orig, 0, 24, true, 5, frame);
    l7_packet_parse_l3(pkt, frame, fn);
    l7_defrag_add(&r, df, pkt, 1, 0);
    /* Same id, protocol 132: a different datagram, so no overlap. */
    frame[9] = 132;
    pb_ipv4_checksum(frame);
    l7_packet_parse_l3(pkt, frame, fn);
    ck_assert_int_eq(l7_defrag_add(&r, df, pkt, 2, 0), L7_OK);
    ck_assert_int_eq(r, L7_DEFRAG_PENDING);
    /* Same id and protocol, another source. */
    frame[9] = 17;
    frame[15] = 99;
    l7_packet_parse_l3(pkt, frame, fn);
    ck_assert_int_eq(l7_defrag_add(&r, df, pkt, 3, 0), L7_OK);
    ck_assert_int_eq(r, L7_DEFRAG_PENDING);
    /* IPv6 with the same id as an IPv4 datagram: separate. */
    original(6, orig, 64, 17);
    fn = fragment(6, orig, 0, 24, true, 5, frame);
    l7_packet_parse_l3(pkt, frame, fn);
    ck_assert_int_eq(l7_defrag_add(&r, df, pkt, 4, 0), L7_OK);
    ck_assert_int_eq(r, L7_DEFRAG_PENDING);
    l7_defrag_stats st = {.size = sizeof(st)};
    l7_defrag_get_stats(&st, df);
    ck_assert_uint_eq(st.pending_datagrams, 4);
    l7_defrag_destroy(df);
    l7_packet_destroy(pkt);
}
END_TEST

START_TEST(test_arguments)
{
    static uint8_t orig[256];
    l7_packet *pkt;
    l7_defrag *df;
    ck_assert_int_eq(l7_packet_create(&pkt, NULL), L7_OK);
    ck_assert_int_eq(l7_defrag_create(NULL, NULL, NULL), L7_EINVAL);
    l7_defrag_options opt;
    l7_defrag_options_init(&opt);
    ck_assert_uint_eq(opt.timeout_ns, L7T_SEC(30));
    ck_assert_uint_eq(opt.max_memory, 4u << 20);
    opt.size = 4;
    ck_assert_int_eq(l7_defrag_create(&df, &opt, NULL), L7_EINVAL);
    ck_assert_ptr_null(df);
    l7_defrag_options_init(&opt);
    opt.max_fragments = 9000;
    ck_assert_int_eq(l7_defrag_create(&df, &opt, NULL), L7_ERANGE);
    ck_assert_int_eq(l7_defrag_create(&df, NULL, NULL), L7_OK);
    /* Not a fragment, malformed, never parsed: refused. */
    l7_defrag_result r;
    size_t n = original(4, orig, 64, 17);
    l7_packet_parse_l3(pkt, orig, n);
    ck_assert_int_eq(l7_defrag_add(&r, df, pkt, 1, 0), L7_EINVAL);
    l7_packet_parse_l3(pkt, orig, 10);
    ck_assert_int_eq(l7_defrag_add(&r, df, pkt, 1, 0), L7_EINVAL);
    ck_assert_int_eq(l7_defrag_add(NULL, df, pkt, 1, 0), L7_EINVAL);
    ck_assert_int_eq(l7_defrag_add(&r, NULL, pkt, 1, 0), L7_EINVAL);
    ck_assert_int_eq(l7_defrag_add(&r, df, NULL, 1, 0), L7_EINVAL);
    l7_defrag_stats st = {.size = 8};
    ck_assert_int_eq(l7_defrag_get_stats(&st, df), L7_EINVAL);
    st.size = sizeof(st);
    ck_assert_int_eq(l7_defrag_get_stats(&st, df), L7_OK);
    ck_assert_uint_eq(st.fragments, 0);
    ck_assert_ptr_null(l7_defrag_datagram(NULL, NULL));
    l7_defrag_release(NULL);
    l7_defrag_destroy(df);
    l7_defrag_destroy(NULL);
    l7_packet_destroy(pkt);
}
END_TEST

/* ---- allocation failures -------------------------------------------------------- */

struct failing {
    int left; /* allocations that succeed; then every one fails */
    int live;
};

static void *fail_malloc(size_t n, void *user)
{
    struct failing *f = user;
    if (f->left-- <= 0)
        return NULL;
    f->live++;
    return malloc(n);
}

static void *fail_realloc(void *p, size_t n, void *user)
{
    struct failing *f = user;
    if (f->left-- <= 0)
        return NULL;
    if (!p)
        f->live++;
    return realloc(p, n);
}

static void fail_free(void *p, void *user)
{
    struct failing *f = user;
    if (p)
        f->live--;
    free(p);
}

/* Every allocation of a whole reassembly failing in turn: each add either
 * works or says ENOMEM with the fragment dropped; nothing leaks. */
START_TEST(test_alloc_failures)
{
    static uint8_t orig[4000], frame[4000];
    original(6, orig, 2000, 17);
    size_t total = fragmentable_len(6, orig, 48 + 8 + 2000);
    l7_packet *pkt;
    ck_assert_int_eq(l7_packet_create(&pkt, NULL), L7_OK);
    for (int budget = 0; budget < 30; budget++) {
        struct failing f = {budget, 0};
        l7_allocator a = {fail_malloc, fail_realloc, fail_free, &f};
        l7_defrag *df = NULL;
        if (l7_defrag_create(&df, NULL, &a) != L7_OK) {
            ck_assert_int_eq(f.live, 0);
            continue;
        }
        bool complete = false;
        for (uint32_t start = 0; start < total; start += 1000) {
            uint32_t len = total - start < 1000 ? (uint32_t)(total - start) : 1000;
            size_t fn = fragment(6, orig, start, len, start + len < total, 3, frame);
            l7_packet_parse_l3(pkt, frame, fn);
            l7_defrag_result r;
            int rc = l7_defrag_add(&r, df, pkt, start, 0);
            ck_assert(rc == L7_OK || rc == L7_ENOMEM);
            if (rc == L7_ENOMEM)
                ck_assert_int_eq(r, L7_DEFRAG_DROPPED);
            complete |= r == L7_DEFRAG_COMPLETE;
        }
        if (budget >= 29)
            ck_assert(complete);
        l7_defrag_expire(df, UINT64_MAX, NULL, NULL);
        l7_defrag_destroy(df);
        ck_assert_int_eq(f.live, 0);
    }
    l7_packet_destroy(pkt);
}
END_TEST

static Suite *defrag_suite(void)
{
    Suite *s = suite_create("defrag");
    TCase *tc = tcase_create("defrag");
    tcase_add_loop_test(tc, test_orders, 0, (int)L7_ARRAY_SIZE(order_cases));
    tcase_add_loop_test(tc, test_overlaps, 0, (int)L7_ARRAY_SIZE(overlap_cases));
    tcase_add_test(tc, test_duplicate_then_complete);
    tcase_add_test(tc, test_timeout);
    tcase_add_test(tc, test_timeout_clock_step_back);
    tcase_add_loop_test(tc, test_limits, 0, (int)L7_ARRAY_SIZE(limit_cases));
    tcase_add_test(tc, test_too_big);
    tcase_add_test(tc, test_ipv6_largest);
    tcase_add_test(tc, test_keys);
    tcase_add_test(tc, test_arguments);
    tcase_add_test(tc, test_alloc_failures);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return l7t_run_suite(defrag_suite());
}
