/* Connection table: canonical keys and hashing, bounded work when full or
 * shrinking, expiry under churn, memory given back by flush, ICMP ids read
 * from real frames. */
#include "l7/conntrack.h"
#include "l7/packet.h"
#include "packet_build.h"
#include "packet_internal.h"
#include "testutil.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#define T0 (1700000000ull * 1000000000ull)

static l7_addr addr(const char *s)
{
    l7_addr a;
    memset(&a, 0, sizeof(a));
    if (strchr(s, ':')) {
        a.family = 6;
        ck_assert_int_eq(inet_pton(AF_INET6, s, a.bytes), 1);
    } else {
        a.family = 4;
        ck_assert_int_eq(inet_pton(AF_INET, s, a.bytes), 1);
    }
    return a;
}

static struct l7_packet mkpkt(const char *src, const char *dst, uint8_t proto,
                              uint16_t sport, uint16_t dport)
{
    struct l7_packet p;
    memset(&p, 0, sizeof(p));
    p.status = L7_PACKET_OK;
    p.src = addr(src);
    p.dst = addr(dst);
    p.ip_version = p.src.family;
    p.l4_proto = proto;
    p.sport = sport;
    p.dport = dport;
    p.ip_len = 60;
    return p;
}

static l7_conntrack *new_table(uint32_t max, l7_conn_destructor d, void *user)
{
    l7_conntrack_options o;
    l7_conntrack_options_init(&o);
    o.max_entries = max;
    o.hash_seed = 0x5eed;
    o.destructor = d;
    o.destructor_user = user;
    l7_conntrack *ct = NULL;
    ck_assert_int_eq(l7_conntrack_create(&ct, &o, NULL), L7_OK);
    return ct;
}

/* ---- canonical keys: both directions meet in one entry --------------------- */

static const struct {
    const char *a, *b;
    uint8_t proto;
    uint16_t pa, pb;
} sym_cases[] = {
    {"10.0.0.1", "10.0.0.2", 17, 1000, 53},
    {"10.0.0.2", "10.0.0.1", 6, 1000, 80},
    {"192.0.2.1", "192.0.2.1", 17, 5000, 5001}, /* same address: ports decide */
    {"192.0.2.1", "192.0.2.1", 17, 5001, 5000},
    {"255.255.255.255", "0.0.0.0", 17, 68, 67},
    {"2001:db8::1", "2001:db8::2", 6, 40000, 443},
    {"2001:db8::2", "2001:db8::1", 132, 9, 9},         /* same ports */
    {"2001:db8::1:0", "2001:db8::0:1", 17, 1, 2},      /* differ in the 2nd word */
    {"fe80::1", "fe80::1", 33, 7, 8},                  /* same address, DCCP */
    {"::ffff:10.0.0.1", "::ffff:10.0.0.2", 136, 1, 2}, /* UDP-Lite, v4-mapped */
};

START_TEST(test_both_directions_one_entry)
{
    l7_conntrack *ct = new_table(100, NULL, NULL);
    struct l7_packet o = mkpkt(sym_cases[_i].a, sym_cases[_i].b, sym_cases[_i].proto,
                               sym_cases[_i].pa, sym_cases[_i].pb);
    struct l7_packet r = mkpkt(sym_cases[_i].b, sym_cases[_i].a, sym_cases[_i].proto,
                               sym_cases[_i].pb, sym_cases[_i].pa);
    if (sym_cases[_i].proto == 6) {
        o.tcp_flags = L7_TCP_SYN;
        r.tcp_flags = L7_TCP_SYN | L7_TCP_ACK;
    }
    l7_ct_result ro, rr;
    ck_assert_int_eq(l7_conntrack_track(&ro, ct, &o, T0), L7_OK);
    ck_assert_int_eq(ro.created, 1);
    ck_assert_int_eq(l7_conntrack_track(&rr, ct, &r, T0 + 1), L7_OK);
    ck_assert_int_eq(rr.created, 0);
    ck_assert_ptr_eq(rr.conn, ro.conn);
    ck_assert_int_eq(rr.dir, L7_CT_DIR_REPLY);
    ck_assert_int_eq(rr.state, L7_CT_ESTABLISHED);
    /* The tuples read back are the packets' own. */
    l7_ct_tuple t;
    l7_conn_tuple(&t, ro.conn, L7_CT_DIR_ORIGINAL);
    ck_assert(l7_addr_equal(&t.src, &o.src) && l7_addr_equal(&t.dst, &o.dst));
    ck_assert_uint_eq(t.sport, sym_cases[_i].pa);
    ck_assert_uint_eq(t.dport, sym_cases[_i].pb);
    /* Hash and lookup agree from either side. */
    l7_ct_tuple rev;
    l7_conn_tuple(&rev, ro.conn, L7_CT_DIR_REPLY);
    ck_assert_uint_eq(l7_conntrack_hash(ct, &t), l7_conntrack_hash(ct, &rev));
    l7_conn *c;
    l7_ct_dir d;
    ck_assert_int_eq(
        l7_conntrack_lookup_hashed(&c, &d, ct, &rev, l7_conntrack_hash(ct, &t), T0 + 2),
        L7_OK);
    ck_assert_ptr_eq(c, ro.conn);
    ck_assert_int_eq(d, L7_CT_DIR_REPLY);
    /* Another seed, another hash (the secret matters). */
    l7_conntrack *ct2 = new_table(100, NULL, NULL);
    l7_conntrack_options opt;
    l7_conntrack_options_init(&opt);
    opt.hash_seed = 0x5eee;
    l7_conntrack *ct3;
    ck_assert_int_eq(l7_conntrack_create(&ct3, &opt, NULL), L7_OK);
    ck_assert_uint_eq(l7_conntrack_hash(ct2, &t), l7_conntrack_hash(ct, &t));
    ck_assert_uint_ne(l7_conntrack_hash(ct3, &t), l7_conntrack_hash(ct, &t));
    l7_conntrack_destroy(ct3);
    l7_conntrack_destroy(ct2);
    l7_conntrack_destroy(ct);
}
END_TEST

/* IPv4 bytes beyond the fourth are not part of the address. */
START_TEST(test_ipv4_garbage_bytes_ignored)
{
    l7_conntrack *ct = new_table(100, NULL, NULL);
    struct l7_packet o = mkpkt("10.0.0.1", "10.0.0.2", 17, 1, 2);
    struct l7_packet r = mkpkt("10.0.0.2", "10.0.0.1", 17, 2, 1);
    memset(r.src.bytes + 4, 0xa5, 12);
    memset(r.dst.bytes + 4, 0x5a, 12);
    l7_ct_result ro, rr;
    l7_conntrack_track(&ro, ct, &o, T0);
    l7_conntrack_track(&rr, ct, &r, T0);
    ck_assert_ptr_eq(rr.conn, ro.conn);
    ck_assert_int_eq(rr.dir, L7_CT_DIR_REPLY);
    l7_conntrack_destroy(ct);
}
END_TEST

/* ---- bounded work: lowering the cap, churn --------------------------------- */

static struct l7_packet flow(uint32_t i)
{
    char a[32], b[32];
    snprintf(a, sizeof(a), "10.%u.%u.%u", (i >> 16) & 255, (i >> 8) & 255, i & 255);
    snprintf(b, sizeof(b), "172.16.%u.%u", (i >> 8) & 255, i & 255);
    return mkpkt(a, b, 17, (uint16_t)(1024 + (i & 0x3fff)), 53);
}

START_TEST(test_lowered_cap_shrinks_gradually)
{
    enum { N = 2000, CAP = 100 };
    l7_conntrack *ct = new_table(N, NULL, NULL);
    l7_ct_result r;
    for (uint32_t i = 0; i < N; i++) {
        struct l7_packet p = flow(i);
        l7_conntrack_track(&r, ct, &p, T0);
        ck_assert_int_eq(r.created, 1);
    }
    ck_assert_int_eq(l7_conntrack_set_max_entries(ct, CAP), L7_OK);
    /* Each new connection drops at most a few old ones, never thousands on
     * one packet; the table converges to the cap. */
    uint64_t evicted = 0;
    uint32_t i = N;
    do {
        struct l7_packet p = flow(i++);
        l7_conntrack_track(&r, ct, &p, T0 + 1);
        uint64_t e = l7_conntrack_stat(ct, L7_CT_STAT_EVICTED);
        ck_assert_uint_le(e - evicted, 8);
        ck_assert_uint_gt(e - evicted, 0);
        ck_assert_int_eq(r.state, r.created ? L7_CT_NEW : L7_CT_INVALID);
        evicted = e;
        ck_assert_uint_lt(i, N + N);
    } while (!r.created);
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_LIVE), CAP);
    ck_assert_uint_eq(evicted, N - CAP + 1);
    /* From then on: one in, one out. */
    struct l7_packet p = flow(i++);
    l7_conntrack_track(&r, ct, &p, T0 + 2);
    ck_assert_int_eq(r.created, 1);
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_LIVE), CAP);
    l7_conntrack_destroy(ct);
}
END_TEST

/* A flood of short one-way flows, the caller sweeping a small budget per
 * packet: dead entries are reclaimed before the table fills, so nothing is
 * refused or dropped early and memory stops growing. */
static const struct {
    size_t budget;
    uint32_t cap;
} churn_cases[] = {{2, 1000}, {4, 1000}, {8, 300}};

START_TEST(test_churn_reclaims_before_full)
{
    enum { FLOWS = 30000, PER_SEC = 100 };
    const uint32_t cap = churn_cases[_i].cap;
    l7_conntrack *ct = new_table(cap, NULL, NULL);
    ck_assert_int_eq(l7_conntrack_set_timeout(ct, L7_CT_TIMEOUT_UDP, L7T_SEC(1)),
                     L7_OK);
    l7_ct_result r;
    uint64_t mem_at_cap = 0;
    for (uint32_t i = 0; i < FLOWS; i++) {
        uint64_t now = T0 + (uint64_t)i * (L7T_SEC(1) / PER_SEC);
        struct l7_packet p = flow(i);
        l7_conntrack_track(&r, ct, &p, now);
        ck_assert_int_eq(r.created, 1);
        l7_conntrack_expire(ct, now, churn_cases[_i].budget);
        if (i == FLOWS / 2)
            mem_at_cap = l7_conntrack_stat(ct, L7_CT_STAT_MEMORY);
    }
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_REFUSED), 0);
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_EVICTED), 0);
    ck_assert_uint_le(l7_conntrack_stat(ct, L7_CT_STAT_LIVE), cap);
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_MEMORY), mem_at_cap);
    ck_assert_uint_ge(l7_conntrack_stat(ct, L7_CT_STAT_EXPIRED), FLOWS - cap);
    l7_conntrack_destroy(ct);
}
END_TEST

/* ---- flush gives memory back ------------------------------------------------ */

static void count(l7_conn *c, void *user)
{
    (void)c;
    (*(unsigned *)user)++;
}

START_TEST(test_flush_returns_to_fresh_memory)
{
    unsigned gone = 0;
    l7_conntrack_options o;
    l7_conntrack_options_init(&o);
    o.tcp_in_order = 1; /* the in-order pool is given back too */
    o.destructor = count;
    o.destructor_user = &gone;
    l7_conntrack *ct;
    ck_assert_int_eq(l7_conntrack_create(&ct, &o, NULL), L7_OK);
    const uint64_t fresh = l7_conntrack_stat(ct, L7_CT_STAT_MEMORY);
    l7_ct_result r;
    for (int round = 0; round < 2; round++) {
        unsigned gone_before = gone;
        for (uint32_t i = 0; i < 20000; i++) {
            struct l7_packet p = flow(i);
            p.l4_proto = 6;
            p.tcp_flags = L7_TCP_SYN;
            l7_conntrack_track(&r, ct, &p, T0);
            ck_assert_int_eq(r.created, 1);
        }
        ck_assert_uint_gt(l7_conntrack_stat(ct, L7_CT_STAT_MEMORY),
                          fresh + 20000 * 128);
        l7_conntrack_flush(ct);
        ck_assert_uint_eq(gone - gone_before, 20000);
        ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_LIVE), 0);
        ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_MEMORY), fresh);
        /* Still usable after the flush. */
        struct l7_packet p = flow(7);
        l7_conntrack_track(&r, ct, &p, T0 + 1);
        ck_assert_int_eq(r.created, 1);
        l7_conn *c;
        l7_ct_tuple t;
        l7_conn_tuple(&t, r.conn, L7_CT_DIR_REPLY);
        ck_assert_int_eq(l7_conntrack_lookup(&c, NULL, ct, &t, T0 + 1), L7_OK);
        l7_conntrack_flush(ct);
        ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_MEMORY), fresh);
    }
    l7_conntrack_flush(NULL);
    l7_conntrack_destroy(ct);
}
END_TEST

/* ---- ICMP query ids from real frames ---------------------------------------- */

/* Parse an IPv6 ICMPv6 frame of `type` and `id`, in the reply direction when
 * `reply` (addresses swapped). */
static void icmp6_frame(l7_packet *pkt, uint8_t *buf, uint8_t type, uint16_t id,
                        int reply)
{
    uint8_t l4[16];
    size_t n = pb_icmp(l4, type, 0, id, "nonce123", 8);
    size_t len = pb_ipv6(buf, 58, NULL, 0, l4, n);
    if (reply) {
        uint8_t tmp[16];
        memcpy(tmp, buf + 8, 16);
        memcpy(buf + 8, buf + 24, 16);
        memcpy(buf + 24, tmp, 16);
    }
    ck_assert_int_eq(l7_packet_parse_l3(pkt, buf, len), L7_OK);
    ck_assert_int_eq(l7_packet_get_status(pkt), L7_PACKET_OK);
}

static const struct {
    uint8_t req, rep;
} icmp6_query_cases[] = {{128, 129}, {139, 140}};

START_TEST(test_icmpv6_query_ids_from_frames)
{
    l7_conntrack *ct = new_table(100, NULL, NULL);
    l7_packet *pkt;
    ck_assert_int_eq(l7_packet_create(&pkt, NULL), L7_OK);
    uint8_t buf[2][128];
    l7_ct_result a, b, ra, rb;
    icmp6_frame(pkt, buf[0], icmp6_query_cases[_i].req, 1, 0);
    l7_conntrack_track(&a, ct, pkt, T0);
    icmp6_frame(pkt, buf[1], icmp6_query_cases[_i].req, 2, 0);
    l7_conntrack_track(&b, ct, pkt, T0);
    /* Two ids, two connections; each reply finds its own request. */
    ck_assert_int_eq(a.created, 1);
    ck_assert_int_eq(b.created, 1);
    ck_assert_ptr_ne(a.conn, b.conn);
    icmp6_frame(pkt, buf[0], icmp6_query_cases[_i].rep, 2, 1);
    l7_conntrack_track(&rb, ct, pkt, T0 + 1);
    icmp6_frame(pkt, buf[1], icmp6_query_cases[_i].rep, 1, 1);
    l7_conntrack_track(&ra, ct, pkt, T0 + 1);
    ck_assert_ptr_eq(ra.conn, a.conn);
    ck_assert_ptr_eq(rb.conn, b.conn);
    ck_assert_int_eq(ra.state, L7_CT_ESTABLISHED);
    ck_assert_int_eq(ra.dir, L7_CT_DIR_REPLY);
    l7_ct_tuple t;
    l7_conn_tuple(&t, a.conn, L7_CT_DIR_ORIGINAL);
    ck_assert_uint_eq(t.sport, 1);
    ck_assert_uint_eq(t.icmp_type, icmp6_query_cases[_i].req);
    /* A reply with an id nobody asked for is invalid. */
    icmp6_frame(pkt, buf[0], icmp6_query_cases[_i].rep, 3, 1);
    l7_conntrack_track(&ra, ct, pkt, T0 + 1);
    ck_assert_int_eq(ra.state, L7_CT_INVALID);
    l7_packet_destroy(pkt);
    l7_conntrack_destroy(ct);
}
END_TEST

/* ---- bulk lookups agree with single ones ----------------------------------- */

static const size_t bulk_sizes[] = {0, 1, 7, 8, 15, 16, 17, 31, 33, 100};

START_TEST(test_bulk_matches_single)
{
    l7_conntrack *ct = new_table(1000, NULL, NULL);
    l7_ct_result r;
    for (uint32_t i = 0; i < 500; i += 2) { /* even flows exist */
        struct l7_packet p = flow(i);
        l7_conntrack_track(&r, ct, &p, T0);
    }
    const size_t n = bulk_sizes[_i];
    l7_ct_tuple t[100];
    l7_conn *got[100];
    uint64_t h[100];
    for (size_t k = 0; k < n; k++) {
        struct l7_packet p = flow((uint32_t)(k * 7 % 500));
        memset(&t[k], 0, sizeof(t[k]));
        t[k].src = k % 3 ? p.src : p.dst; /* either direction */
        t[k].dst = k % 3 ? p.dst : p.src;
        t[k].sport = k % 3 ? p.sport : p.dport;
        t[k].dport = k % 3 ? p.dport : p.sport;
        t[k].l4_proto = 17;
        if (k % 11 == 5)
            t[k].dst.family = 0; /* malformed: never found */
        h[k] = l7_conntrack_hash(ct, &t[k]);
    }
    for (int with_hashes = 0; with_hashes < 2; with_hashes++) {
        memset(got, 0xff, sizeof(got));
        size_t want = 0;
        size_t found =
            l7_conntrack_lookup_bulk(got, ct, t, with_hashes ? h : NULL, n, T0 + 1);
        for (size_t k = 0; k < n; k++) {
            l7_conn *c;
            int rc = l7_conntrack_lookup(&c, NULL, ct, &t[k], T0 + 1);
            ck_assert_ptr_eq(got[k], rc == L7_OK ? c : NULL);
            want += rc == L7_OK;
        }
        ck_assert_uint_eq(found, want);
        if (n >= 16)
            ck_assert_uint_gt(found, 0);
    }
    /* Expired entries are not found. */
    ck_assert_uint_eq(l7_conntrack_lookup_bulk(got, ct, t, NULL, n, T0 + L7T_SEC(31)),
                      0);
    l7_conntrack_destroy(ct);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("conntrack_table");
    TCase *tc = tcase_create("table");
    tcase_add_loop_test(tc, test_both_directions_one_entry, 0,
                        (int)L7_ARRAY_SIZE(sym_cases));
    tcase_add_test(tc, test_ipv4_garbage_bytes_ignored);
    tcase_add_test(tc, test_lowered_cap_shrinks_gradually);
    tcase_add_loop_test(tc, test_churn_reclaims_before_full, 0,
                        (int)L7_ARRAY_SIZE(churn_cases));
    tcase_add_test(tc, test_flush_returns_to_fresh_memory);
    tcase_add_loop_test(tc, test_icmpv6_query_ids_from_frames, 0,
                        (int)L7_ARRAY_SIZE(icmp6_query_cases));
    tcase_add_loop_test(tc, test_bulk_matches_single, 0,
                        (int)L7_ARRAY_SIZE(bulk_sizes));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return l7t_run_suite(suite());
}
