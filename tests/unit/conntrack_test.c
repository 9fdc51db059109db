/* Connection tracking: state machines with injected time, timeouts, ICMP,
 * in-order delivery, the cap and early drop, iteration and removal. */
#define _DEFAULT_SOURCE
#include "testutil.h"

#include "conntrack_internal.h"
#include "l7/l7.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0    L7T_SEC(1700000000)
#define MS(x) ((uint64_t)(x)*1000000ull)

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

static struct l7_packet tcp(int dir, uint8_t flags)
{
    struct l7_packet p = dir ? mkpkt("10.0.0.2", "10.0.0.1", 6, 80, 40000)
                             : mkpkt("10.0.0.1", "10.0.0.2", 6, 40000, 80);
    p.tcp_flags = flags;
    return p;
}

static struct l7_packet icmp(const char *src, const char *dst, uint8_t type,
                             uint16_t id)
{
    struct l7_packet p = mkpkt(src, dst, strchr(src, ':') ? 58 : 1, id, id);
    p.icmp_type = type;
    p.icmp_id = id;
    return p;
}

static l7_conntrack *new_table(uint32_t max, int loose, int in_order)
{
    l7_conntrack_options o;
    l7_conntrack_options_init(&o);
    o.max_entries = max;
    o.loose_tcp = (uint8_t)loose;
    o.tcp_in_order = (uint8_t)in_order;
    o.hash_seed = 0x1234;
    l7_conntrack *ct = NULL;
    ck_assert_int_eq(l7_conntrack_create(&ct, &o, NULL), L7_OK);
    return ct;
}

/* ---- TCP transitions ------------------------------------------------------ */

#define S   L7_TCP_SYN
#define A   L7_TCP_ACK
#define F   L7_TCP_FIN
#define R   L7_TCP_RST
#define P   L7_TCP_PSH
#define O   0  /* original direction */
#define Y   1  /* reply direction */
#define INV 99 /* expected: packet invalid, state unchanged */

typedef struct {
    int dir;
    uint8_t flags;
    int tcp;   /* expected tcp state after the packet, or INV */
    int state; /* expected l7_ct_state of the packet */
} tcp_step;

static const struct {
    const char *name;
    int loose;
    tcp_step steps[8];
    int nsteps;
    uint64_t timeout_s; /* remaining right after the last valid packet */
} tcp_cases[] = {
    {"syn", 1, {{O, S, L7_TCP_SYN_SENT, L7_CT_NEW}}, 1, 5},
    {"syn retransmit",
     1,
     {{O, S, L7_TCP_SYN_SENT, L7_CT_NEW}, {O, S, L7_TCP_SYN_SENT, L7_CT_NEW}},
     2,
     5},
    {"syn-ack is established (D21)",
     1,
     {{O, S, L7_TCP_SYN_SENT, L7_CT_NEW},
      {Y, S | A, L7_TCP_SYN_RECEIVED, L7_CT_ESTABLISHED}},
     2,
     5},
    {"handshake",
     1,
     {{O, S, L7_TCP_SYN_SENT, L7_CT_NEW},
      {Y, S | A, L7_TCP_SYN_RECEIVED, L7_CT_ESTABLISHED},
      {O, A, L7_TCP_ESTABLISHED, L7_CT_ESTABLISHED},
      {Y, A | P, L7_TCP_ESTABLISHED, L7_CT_ESTABLISHED}},
     4,
     86400},
    {"fin-wait",
     1,
     {{O, S, 1, 0}, {Y, S | A, 2, 1}, {O, A, 3, 1}, {O, F | A, L7_TCP_FIN_WAIT, 1}},
     4,
     10},
    {"fin retransmit and own ack",
     1,
     {{O, S, 1, 0},
      {Y, S | A, 2, 1},
      {O, A, 3, 1},
      {O, F | A, 4, 1},
      {O, F | A, 4, 1},
      {O, A, L7_TCP_FIN_WAIT, 1}},
     6,
     10},
    {"close-wait",
     1,
     {{O, S, 1, 0},
      {Y, S | A, 2, 1},
      {O, A, 3, 1},
      {O, F | A, 4, 1},
      {Y, A, L7_TCP_CLOSE_WAIT, 1}},
     5,
     10},
    {"last-ack",
     1,
     {{O, S, 1, 0},
      {Y, S | A, 2, 1},
      {O, A, 3, 1},
      {O, F | A, 4, 1},
      {Y, A, 5, 1},
      {Y, F | A, L7_TCP_LAST_ACK, 1}},
     6,
     10},
    {"time-wait",
     1,
     {{O, S, 1, 0},
      {Y, S | A, 2, 1},
      {O, A, 3, 1},
      {O, F | A, 4, 1},
      {Y, A, 5, 1},
      {Y, F | A, 6, 1},
      {O, A, L7_TCP_TIME_WAIT, 1}},
     7,
     10},
    {"simultaneous fin",
     1,
     {{O, S, 1, 0},
      {Y, S | A, 2, 1},
      {O, A, 3, 1},
      {O, F | A, 4, 1},
      {Y, F | A, L7_TCP_LAST_ACK, 1},
      {O, A, L7_TCP_TIME_WAIT, 1}},
     6,
     10},
    {"replier closes first",
     1,
     {{O, S, 1, 0},
      {Y, S | A, 2, 1},
      {O, A, 3, 1},
      {Y, F | A, 4, 1},
      {O, A, 5, 1},
      {O, F | A, 6, 1},
      {Y, A, L7_TCP_TIME_WAIT, 1}},
     7,
     10},
    {"rst established",
     1,
     {{O, S, 1, 0}, {Y, S | A, 2, 1}, {O, A, 3, 1}, {Y, R, L7_TCP_CLOSE, 1}},
     4,
     10},
    {"rst-ack refuses syn",
     1,
     {{O, S, 1, 0}, {Y, R | A, L7_TCP_CLOSE, L7_CT_ESTABLISHED}},
     2,
     10},
    {"rst from originator", 1, {{O, S, 1, 0}, {O, R, L7_TCP_CLOSE, L7_CT_NEW}}, 2, 10},
    {"simultaneous open",
     1,
     {{O, S, 1, 0}, {Y, S, L7_TCP_SYN_RECEIVED, L7_CT_ESTABLISHED}},
     2,
     5},
    {"syn-ack from originator invalid",
     1,
     {{O, S, 1, 0}, {O, S | A, INV, L7_CT_INVALID}},
     2,
     5},
    {"ack before syn-ack invalid", 1, {{O, S, 1, 0}, {O, A, INV, L7_CT_INVALID}}, 2, 5},
    {"fin in syn-sent invalid",
     1,
     {{O, S, 1, 0}, {O, F | A, INV, L7_CT_INVALID}},
     2,
     5},
    {"syn+fin invalid",
     1,
     {{O, S, 1, 0}, {Y, S | A, 2, 1}, {O, A, 3, 1}, {O, S | F, INV, L7_CT_INVALID}},
     4,
     86400},
    {"fin without ack invalid",
     1,
     {{O, S, 1, 0}, {Y, S | A, 2, 1}, {O, A, 3, 1}, {O, F, INV, L7_CT_INVALID}},
     4,
     86400},
    {"syn on established ignored",
     1,
     {{O, S, 1, 0}, {Y, S | A, 2, 1}, {O, A, 3, 1}, {O, S, L7_TCP_ESTABLISHED, 1}},
     4,
     86400},
    {"loose ack pickup",
     1,
     {{O, A, L7_TCP_ESTABLISHED, L7_CT_NEW},
      {Y, A, L7_TCP_ESTABLISHED, L7_CT_ESTABLISHED}},
     2,
     86400},
    {"loose syn-ack pickup", 1, {{O, S | A, L7_TCP_ESTABLISHED, L7_CT_NEW}}, 1, 86400},
    {"loose fin then",
     1,
     {{O, A | P, L7_TCP_ESTABLISHED, L7_CT_NEW}, {Y, F | A, L7_TCP_FIN_WAIT, 1}},
     2,
     10},
};

/* Rows whose first packet must not create an entry. */
static const struct {
    const char *name;
    int loose;
    uint8_t flags;
} tcp_nocreate_cases[] = {
    {"ack, loose off", 0, A},
    {"syn-ack, loose off", 0, S | A},
    {"rst", 1, R},
    {"rst-ack", 1, R | A},
    {"fin-ack", 1, F | A},
    {"syn+fin", 1, S | F},
    {"null", 1, 0},
    {"xmas", 1, F | S | R | P | A | L7_TCP_URG},
};

START_TEST(test_tcp_transitions)
{
    l7_conntrack *ct = new_table(100, tcp_cases[_i].loose, 0);
    l7_ct_result r;
    l7_conn *conn = NULL;
    uint64_t now = T0, last_valid = T0;
    for (int k = 0; k < tcp_cases[_i].nsteps; k++) {
        const tcp_step *st = &tcp_cases[_i].steps[k];
        struct l7_packet p = tcp(st->dir, st->flags);
        now = T0 + MS(k + 1);
        int before = conn ? (int)l7_conn_tcp_state(conn) : -1;
        ck_assert_int_eq(l7_conntrack_track(&r, ct, &p, now), L7_OK);
        ck_assert_msg(r.state == st->state, "%s step %d: state %s, want %s",
                      tcp_cases[_i].name, k, l7_ct_state_name(r.state),
                      l7_ct_state_name(st->state));
        ck_assert_ptr_nonnull(r.conn);
        ck_assert_int_eq(r.created, k == 0);
        if (k == 0)
            conn = r.conn;
        ck_assert_ptr_eq(r.conn, conn);
        ck_assert_int_eq(r.dir, st->dir);
        if (st->tcp == INV) {
            ck_assert_int_eq(l7_conn_tcp_state(conn), before);
        } else {
            ck_assert_msg((int)l7_conn_tcp_state(conn) == st->tcp, "%s step %d: %s",
                          tcp_cases[_i].name, k,
                          l7_tcp_state_name(l7_conn_tcp_state(conn)));
            last_valid = now;
        }
    }
    uint64_t to = L7T_SEC(tcp_cases[_i].timeout_s);
    ck_assert_uint_eq(l7_conn_last_seen(conn), last_valid);
    ck_assert_uint_eq(l7_conn_timeout(ct, conn, last_valid), to);
    /* Alive one nanosecond before the timeout, gone at it. */
    l7_ct_tuple t;
    l7_conn_tuple(&t, conn, L7_CT_DIR_ORIGINAL);
    l7_conn *found;
    ck_assert_int_eq(l7_conntrack_lookup(&found, NULL, ct, &t, last_valid + to - 1),
                     L7_OK);
    ck_assert_int_eq(l7_conntrack_lookup(&found, NULL, ct, &t, last_valid + to),
                     L7_ENOTFOUND);
    l7_conntrack_destroy(ct);
}
END_TEST

START_TEST(test_tcp_no_create)
{
    l7_conntrack *ct = new_table(100, tcp_nocreate_cases[_i].loose, 0);
    struct l7_packet p = tcp(O, tcp_nocreate_cases[_i].flags);
    l7_ct_result r;
    ck_assert_int_eq(l7_conntrack_track(&r, ct, &p, T0), L7_OK);
    ck_assert_int_eq(r.state, L7_CT_INVALID);
    ck_assert_ptr_null(r.conn);
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_LIVE), 0);
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_INVALID), 1);
    l7_conntrack_destroy(ct);
}
END_TEST

START_TEST(test_tcp_reopen_and_loose_toggle)
{
    l7_conntrack *ct = new_table(100, 1, 0);
    l7_ct_result r;
    struct l7_packet p;
    uint8_t seq[][2] = {{O, S}, {Y, S | A}, {O, A}, {Y, R}};
    l7_conn *first = NULL;
    for (size_t k = 0; k < 4; k++) {
        p = tcp(seq[k][0], seq[k][1]);
        l7_conntrack_track(&r, ct, &p, T0 + MS(k));
        first = r.conn;
    }
    ck_assert_int_eq(l7_conn_tcp_state(first), L7_TCP_CLOSE);
    /* A new SYN from the former replier reopens the tuple with it as originator. */
    p = tcp(Y, S);
    l7_conntrack_track(&r, ct, &p, T0 + MS(10));
    ck_assert_int_eq(r.created, 1);
    ck_assert_int_eq(r.state, L7_CT_NEW);
    ck_assert_int_eq(r.dir, L7_CT_DIR_ORIGINAL);
    ck_assert_int_eq(l7_conn_tcp_state(r.conn), L7_TCP_SYN_SENT);
    ck_assert_uint_eq(l7_conn_packets(r.conn, L7_CT_DIR_ORIGINAL), 1);
    l7_ct_tuple t;
    l7_conn_tuple(&t, r.conn, L7_CT_DIR_ORIGINAL);
    ck_assert_uint_eq(t.sport, 80);
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_LIVE), 1);
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_REMOVED), 1);
    /* Loose switched off at runtime: mid-stream ACKs on other tuples are invalid. */
    ck_assert_int_eq(l7_conntrack_set_loose_tcp(ct, 0), L7_OK);
    p = mkpkt("10.0.0.9", "10.0.0.2", 6, 1234, 80);
    p.tcp_flags = A;
    l7_conntrack_track(&r, ct, &p, T0 + MS(11));
    ck_assert_int_eq(r.state, L7_CT_INVALID);
    ck_assert_int_eq(l7_conntrack_set_loose_tcp(ct, 2), L7_EINVAL);
    l7_conntrack_destroy(ct);
}
END_TEST

/* ---- UDP, ICMP, generic timeouts ------------------------------------------ */

static const struct {
    const char *name;
    uint8_t proto;
    int reply;          /* send one reply 1 s after the first packet */
    uint64_t timeout_s; /* from the last packet */
    l7_ct_timeout which;
} timeout_cases[] = {
    {"udp one way", 17, 0, 30, L7_CT_TIMEOUT_UDP},
    {"udp stream", 17, 1, 180, L7_CT_TIMEOUT_UDP_STREAM},
    {"udplite", 136, 0, 30, L7_CT_TIMEOUT_UDP},
    {"icmp echo", 1, 0, 10, L7_CT_TIMEOUT_ICMP},
    {"icmp echo answered", 1, 1, 10, L7_CT_TIMEOUT_ICMP},
    {"gre", 47, 0, 600, L7_CT_TIMEOUT_GENERIC},
    {"gre both ways", 47, 1, 600, L7_CT_TIMEOUT_GENERIC},
    {"sctp", 132, 1, 600, L7_CT_TIMEOUT_GENERIC},
};

START_TEST(test_timeouts)
{
    l7_conntrack *ct = new_table(100, 1, 0);
    uint8_t proto = timeout_cases[_i].proto;
    struct l7_packet o, y;
    if (proto == 1) {
        o = icmp("192.0.2.1", "192.0.2.2", 8, 77);
        y = icmp("192.0.2.2", "192.0.2.1", 0, 77);
    } else {
        o = mkpkt("192.0.2.1", "192.0.2.2", proto, 5000, 53);
        y = mkpkt("192.0.2.2", "192.0.2.1", proto, 53, 5000);
    }
    l7_ct_result r;
    ck_assert_int_eq(l7_conntrack_track(&r, ct, &o, T0), L7_OK);
    ck_assert_int_eq(r.state, L7_CT_NEW);
    ck_assert_int_eq(r.created, 1);
    l7_conn *c = r.conn;
    uint64_t last = T0;
    if (timeout_cases[_i].reply) {
        last = T0 + L7T_SEC(1);
        l7_conntrack_track(&r, ct, &y, last);
        ck_assert_int_eq(r.state, L7_CT_ESTABLISHED); /* Decision 21 */
        ck_assert_int_eq(r.dir, L7_CT_DIR_REPLY);
        ck_assert_ptr_eq(r.conn, c);
        ck_assert_int_eq(r.created, 0);
        ck_assert_uint_eq(l7_conn_flags(c) & L7_CONN_ASSURED, L7_CONN_ASSURED);
    }
    uint64_t to = L7T_SEC(timeout_cases[_i].timeout_s);
    ck_assert_uint_eq(l7_conntrack_timeout(ct, timeout_cases[_i].which), to);
    ck_assert_uint_eq(l7_conn_timeout(ct, c, last), to);
    ck_assert_uint_eq(l7_conn_timeout(ct, c, last + to), 0);
    l7_ct_tuple t;
    l7_conn_tuple(&t, c, L7_CT_DIR_REPLY);
    l7_conn *f;
    l7_ct_dir d;
    ck_assert_int_eq(l7_conntrack_lookup(&f, &d, ct, &t, last + to - 1), L7_OK);
    ck_assert_int_eq(d, L7_CT_DIR_REPLY);
    ck_assert_int_eq(l7_conntrack_lookup(&f, &d, ct, &t, last + to), L7_ENOTFOUND);
    /* The expired entry is replaced by a fresh one at exactly the timeout. */
    l7_conntrack_track(&r, ct, &o, last + to);
    ck_assert_int_eq(r.created, 1);
    ck_assert_int_eq(r.state, L7_CT_NEW);
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_EXPIRED), 1);
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_LIVE), 1);
    if (timeout_cases[_i].reply)
        l7_conntrack_track(&r, ct, &y, last + to);
    /* Timeouts are settable and apply to live entries. */
    ck_assert_int_eq(l7_conntrack_set_timeout(ct, timeout_cases[_i].which, L7T_SEC(2)),
                     L7_OK);
    ck_assert_uint_eq(l7_conn_timeout(ct, r.conn, last + to), L7T_SEC(2));
    ck_assert_int_eq(l7_conntrack_set_timeout(ct, L7_CT_TIMEOUT_COUNT, 1), L7_EINVAL);
    ck_assert_int_eq(l7_conntrack_set_timeout(ct, L7_CT_TIMEOUT_UDP, 0), L7_EINVAL);
    l7_conntrack_destroy(ct);
}
END_TEST

START_TEST(test_udp_stream_promotion)
{
    l7_conntrack *ct = new_table(100, 1, 0);
    struct l7_packet o = mkpkt("192.0.2.1", "192.0.2.2", 17, 5000, 53);
    struct l7_packet y = mkpkt("192.0.2.2", "192.0.2.1", 17, 53, 5000);
    l7_ct_result r;
    for (int k = 0; k < 3; k++) {
        l7_conntrack_track(&r, ct, &o, T0 + L7T_SEC(k));
        ck_assert_int_eq(r.state, L7_CT_NEW);
        ck_assert_uint_eq(l7_conn_timeout(ct, r.conn, T0 + L7T_SEC(k)), L7T_SEC(30));
    }
    l7_conntrack_track(&r, ct, &y, T0 + L7T_SEC(20));
    ck_assert_int_eq(r.state, L7_CT_ESTABLISHED);
    l7_conntrack_track(&r, ct, &o, T0 + L7T_SEC(21));
    ck_assert_int_eq(r.state, L7_CT_ESTABLISHED);
    ck_assert_uint_eq(l7_conn_timeout(ct, r.conn, T0 + L7T_SEC(21)), L7T_SEC(180));
    ck_assert_uint_eq(l7_conn_packets(r.conn, L7_CT_DIR_ORIGINAL), 4);
    ck_assert_uint_eq(l7_conn_packets(r.conn, L7_CT_DIR_REPLY), 1);
    ck_assert_uint_eq(l7_conn_bytes(r.conn, L7_CT_DIR_ORIGINAL), 240);
    ck_assert_uint_eq(r.conn->total_packets, 5);
    ck_assert_uint_eq(l7_conn_first_seen(r.conn), T0);
    ck_assert_uint_eq(l7_conn_last_seen(r.conn), T0 + L7T_SEC(21));
    ck_assert_int_eq(l7_conn_state(r.conn), L7_CT_ESTABLISHED);
    l7_conntrack_destroy(ct);
}
END_TEST

START_TEST(test_icmp_echo)
{
    l7_conntrack *ct = new_table(100, 1, 0);
    l7_ct_result r;
    struct l7_packet p = icmp("192.0.2.1", "192.0.2.2", 0, 9);
    l7_conntrack_track(&r, ct, &p, T0);
    ck_assert_int_eq(r.state, L7_CT_INVALID); /* a reply to nothing */
    ck_assert_ptr_null(r.conn);
    p = icmp("192.0.2.1", "192.0.2.2", 8, 9);
    l7_conntrack_track(&r, ct, &p, T0);
    l7_conn *a = r.conn;
    ck_assert_int_eq(r.state, L7_CT_NEW);
    p = icmp("192.0.2.1", "192.0.2.2", 8, 10); /* another id: another entry */
    l7_conntrack_track(&r, ct, &p, T0);
    ck_assert_ptr_ne(r.conn, a);
    /* The other side pings with the same id. */
    p = icmp("192.0.2.2", "192.0.2.1", 8, 9);
    l7_conntrack_track(&r, ct, &p, T0);
    ck_assert_ptr_ne(r.conn, a);
    ck_assert_int_eq(r.created, 1);
    p = icmp("192.0.2.2", "192.0.2.1", 0, 9); /* answer to the first */
    l7_conntrack_track(&r, ct, &p, T0 + MS(5));
    ck_assert_ptr_eq(r.conn, a);
    ck_assert_int_eq(r.dir, L7_CT_DIR_REPLY);
    ck_assert_int_eq(r.state, L7_CT_ESTABLISHED);
    l7_ct_tuple t;
    l7_conn_tuple(&t, a, L7_CT_DIR_REPLY);
    ck_assert_uint_eq(t.icmp_type, 0);
    ck_assert_uint_eq(t.sport, 9);
    l7_conn_tuple(&t, a, L7_CT_DIR_ORIGINAL);
    ck_assert_uint_eq(t.icmp_type, 8);
    ck_assert_uint_eq(t.l4_proto, 1);
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_LIVE), 3);
    /* ICMPv6 echo, and neighbour discovery that Linux does not track. */
    p = icmp("2001:db8::1", "2001:db8::2", 128, 3);
    l7_conntrack_track(&r, ct, &p, T0);
    ck_assert_int_eq(r.state, L7_CT_NEW);
    p = icmp("2001:db8::2", "2001:db8::1", 129, 3);
    l7_conntrack_track(&r, ct, &p, T0);
    ck_assert_int_eq(r.state, L7_CT_ESTABLISHED);
    p = icmp("2001:db8::2", "ff02::1:ff00:1", 135, 0);
    l7_conntrack_track(&r, ct, &p, T0);
    ck_assert_int_eq(r.state, L7_CT_UNTRACKED);
    p = icmp("192.0.2.1", "192.0.2.2", 9, 0); /* router advertisement */
    l7_conntrack_track(&r, ct, &p, T0);
    ck_assert_int_eq(r.state, L7_CT_INVALID);
    l7_conntrack_destroy(ct);
}
END_TEST

static const struct {
    const char *name;
    const char *a, *b, *router;
    uint8_t proto;
    uint8_t err_type;
    int quote_known; /* 1: quote the flow; 0: a flow never seen */
    int has_inner;
    int want;
} related_cases[] = {
    {"udp port unreachable", "10.1.0.1", "10.2.0.1", "10.2.0.1", 17, 3, 1, 1,
     L7_CT_RELATED},
    {"tcp ttl exceeded", "10.1.0.1", "10.2.0.1", "10.9.9.9", 6, 11, 1, 1,
     L7_CT_RELATED},
    {"v6 packet too big", "2001:db8::1", "2001:db8:1::1", "2001:db8:2::1", 6, 2, 1, 1,
     L7_CT_RELATED},
    {"v6 unreachable", "2001:db8::1", "2001:db8:1::1", "2001:db8:2::1", 17, 1, 1, 1,
     L7_CT_RELATED},
    {"unknown flow", "10.1.0.1", "10.2.0.1", "10.2.0.1", 17, 3, 0, 1, L7_CT_INVALID},
    {"truncated quote", "10.1.0.1", "10.2.0.1", "10.2.0.1", 17, 3, 1, 0, L7_CT_INVALID},
};

START_TEST(test_icmp_related)
{
    l7_conntrack *ct = new_table(100, 1, 0);
    l7_ct_result r;
    const char *a = related_cases[_i].a, *b = related_cases[_i].b;
    uint8_t proto = related_cases[_i].proto;
    struct l7_packet p = mkpkt(a, b, proto, 1000, 53);
    p.tcp_flags = S;
    l7_conntrack_track(&r, ct, &p, T0);
    l7_conn *c = r.conn;
    ck_assert_ptr_nonnull(c);
    int v6 = strchr(a, ':') != NULL;
    struct l7_packet e =
        icmp(related_cases[_i].router, a, related_cases[_i].err_type, 0);
    e.sport = e.dport = 0;
    e.has_inner = related_cases[_i].has_inner;
    e.inner.src = addr(a);
    e.inner.dst = addr(b);
    e.inner.l4_proto = proto;
    e.inner.sport = related_cases[_i].quote_known ? 1000 : 1001;
    e.inner.dport = 53;
    (void)v6;
    l7_conntrack_track(&r, ct, &e, T0 + L7T_SEC(3));
    ck_assert_int_eq(r.state, related_cases[_i].want);
    if (related_cases[_i].want == L7_CT_RELATED) {
        ck_assert_ptr_eq(r.conn, c);
        ck_assert_int_eq(r.dir, L7_CT_DIR_REPLY);    /* travels back to the sender */
        ck_assert_uint_eq(l7_conn_last_seen(c), T0); /* no refresh */
        ck_assert_uint_eq(c->total_packets, 1);
    } else {
        ck_assert_ptr_null(r.conn);
        ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_INVALID), 1);
    }
    l7_conntrack_destroy(ct);
}
END_TEST

START_TEST(test_untracked_and_malformed)
{
    l7_conntrack *ct = new_table(100, 1, 0);
    l7_ct_result r;
    struct l7_packet p = mkpkt("10.0.0.1", "10.0.0.2", 17, 1, 2);
    p.status = L7_PACKET_TRUNCATED_L4;
    l7_conntrack_track(&r, ct, &p, T0);
    ck_assert_int_eq(r.state, L7_CT_INVALID);
    p.status = L7_PACKET_NOT_IP;
    p.ip_version = 0;
    l7_conntrack_track(&r, ct, &p, T0);
    ck_assert_int_eq(r.state, L7_CT_UNTRACKED);
    p = mkpkt("10.0.0.1", "10.0.0.2", 17, 0, 0);
    p.is_fragment = true;
    p.frag_offset = 1480;
    l7_conntrack_track(&r, ct, &p, T0);
    ck_assert_int_eq(r.state, L7_CT_UNTRACKED);
    ck_assert_ptr_null(r.conn);
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_INVALID), 1);
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_LIVE), 0);
    ck_assert_int_eq(l7_conntrack_track(NULL, ct, &p, T0), L7_EINVAL);
    l7_conntrack_destroy(ct);
}
END_TEST

START_TEST(test_ipv6_and_accessors)
{
    l7_conntrack *ct = new_table(100, 1, 0);
    l7_ct_result r;
    struct l7_packet o = mkpkt("2001:db8::10", "2001:db8::1", 17, 5353, 53);
    struct l7_packet y = mkpkt("2001:db8::1", "2001:db8::10", 17, 53, 5353);
    o.ip_len = 100;
    y.ip_len = 300;
    l7_conntrack_track(&r, ct, &o, T0);
    l7_conn *c = r.conn;
    l7_conntrack_track(&r, ct, &y, T0 + 5);
    ck_assert_ptr_eq(r.conn, c);
    ck_assert_uint_eq(l7_conn_bytes(c, L7_CT_DIR_ORIGINAL), 100);
    ck_assert_uint_eq(l7_conn_bytes(c, L7_CT_DIR_REPLY), 300);
    l7_ct_tuple t;
    l7_conn_tuple(&t, c, L7_CT_DIR_ORIGINAL);
    ck_assert_int_eq(memcmp(&t.src, &o.src, sizeof(l7_addr)), 0);
    ck_assert_int_eq(memcmp(&t.dst, &o.dst, sizeof(l7_addr)), 0);
    ck_assert_uint_eq(t.sport, 5353);
    ck_assert_uint_eq(t.dport, 53);
    l7_conn_tuple(&t, c, L7_CT_DIR_REPLY);
    ck_assert_int_eq(memcmp(&t.src, &y.src, sizeof(l7_addr)), 0);
    ck_assert_uint_eq(t.sport, 53);
    /* An IPv4 flow with the same ports is another entry. */
    struct l7_packet v4 = mkpkt("10.0.0.1", "10.0.0.2", 17, 5353, 53);
    l7_conntrack_track(&r, ct, &v4, T0);
    ck_assert_int_eq(r.created, 1);
    ck_assert_uint_eq(l7_conn_mark(c), 0);
    l7_conn_set_mark(c, 7);
    ck_assert_uint_eq(l7_conn_mark(c), 7);
    ck_assert_uint_eq(l7_conn_cookie(c), 0);
    l7_conn_set_cookie(c, 0xdeadbeefcafeull);
    ck_assert_uint_eq(l7_conn_cookie(c), 0xdeadbeefcafeull);
    ck_assert_uint_eq(l7_conn_flags(c) & L7_CONN_FASTTRACK, 0);
    l7_conn_set_fasttrack(c);
    ck_assert_uint_eq(l7_conn_flags(c) & L7_CONN_FASTTRACK, L7_CONN_FASTTRACK);
    ck_assert_int_eq(l7_conn_l7_protocol(c), L7_CT_L7_UNSET);
    ck_assert_int_eq(l7_conn_tcp_state(c), L7_TCP_NONE);
    ck_assert_str_eq(l7_tcp_state_name(L7_TCP_SYN_RECEIVED), "syn-received");
    ck_assert_str_eq(l7_tcp_state_name(L7_TCP_NONE), "");
    ck_assert_str_eq(l7_ct_state_name(L7_CT_RELATED), "related");
    ck_assert_str_eq(l7_ct_state_name((l7_ct_state)42), "");
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_RECORD_BYTES), 128);
    l7_conntrack_destroy(ct);
}
END_TEST

/* ---- hash, lookups --------------------------------------------------------- */

START_TEST(test_hash_and_bulk_lookup)
{
    l7_conntrack *ct = new_table(5000, 1, 0);
    enum { N = 2000 };
    static l7_ct_tuple fwd[N], rev[N], miss[N];
    l7_ct_result r;
    char s[64], d[64];
    for (int i = 0; i < N; i++) {
        int v6 = i & 1;
        snprintf(s, sizeof(s), v6 ? "2001:db8::%x" : "10.0.%d.%d", v6 ? i : i >> 8,
                 i & 255);
        snprintf(d, sizeof(d), v6 ? "2001:db8:1::%x" : "10.1.%d.%d", v6 ? i : i >> 8,
                 i & 255);
        struct l7_packet p = mkpkt(s, d, 17, (uint16_t)(1024 + i), 53);
        l7_conntrack_track(&r, ct, &p, T0);
        ck_assert_int_eq(r.created, 1);
        l7_conn_tuple(&fwd[i], r.conn, L7_CT_DIR_ORIGINAL);
        l7_conn_tuple(&rev[i], r.conn, L7_CT_DIR_REPLY);
        miss[i] = fwd[i];
        miss[i].dport = 54;
        ck_assert_uint_eq(l7_conntrack_hash(ct, &fwd[i]),
                          l7_conntrack_hash(ct, &rev[i]));
    }
    static l7_conn *out[N];
    static uint64_t hashes[N];
    ck_assert_uint_eq(l7_conntrack_lookup_bulk(out, ct, fwd, NULL, N, T0), N);
    for (int i = 0; i < N; i++) {
        l7_conn *c;
        l7_ct_dir dir;
        ck_assert_int_eq(l7_conntrack_lookup(&c, &dir, ct, &rev[i], T0), L7_OK);
        ck_assert_ptr_eq(c, out[i]);
        ck_assert_int_eq(dir, L7_CT_DIR_REPLY);
        hashes[i] = l7_conntrack_hash(ct, &rev[i]);
        ck_assert_int_eq(
            l7_conntrack_lookup_hashed(&c, &dir, ct, &rev[i], hashes[i], T0), L7_OK);
        ck_assert_ptr_eq(c, out[i]);
    }
    ck_assert_uint_eq(l7_conntrack_lookup_bulk(out, ct, rev, hashes, N, T0), N);
    miss[0].src.family = 0; /* a malformed tuple is a miss, not an error */
    miss[1].dst.family = 4;
    ck_assert_uint_eq(l7_conntrack_lookup_bulk(out, ct, miss, NULL, N, T0), 0);
    for (int i = 0; i < N; i++)
        ck_assert_ptr_null(out[i]);
    /* Expired entries are not found by any lookup. */
    ck_assert_uint_eq(l7_conntrack_lookup_bulk(out, ct, fwd, NULL, N, T0 + L7T_SEC(30)),
                      0);
    /* Another seed, another hash. */
    l7_conntrack_options o;
    l7_conntrack_options_init(&o);
    o.hash_seed = 99;
    l7_conntrack *ct2;
    ck_assert_int_eq(l7_conntrack_create(&ct2, &o, NULL), L7_OK);
    ck_assert_uint_ne(l7_conntrack_hash(ct, &fwd[0]), l7_conntrack_hash(ct2, &fwd[0]));
    l7_conntrack_destroy(ct2);
    l7_conntrack_destroy(ct);
}
END_TEST

/* ---- in-order delivery ------------------------------------------------------ */

typedef struct {
    int dir;
    uint32_t seq; /* relative to the direction's ISN + 1 */
    const char *data;
    const char *want; /* delivered bytes */
} seg_step;

static const struct {
    const char *name;
    int in_order;
    uint32_t reorder_max;
    seg_step steps[6];
    int nsteps;
    uint64_t held, dropped;
} stream_cases[] = {
    {"in order", 1, 64, {{O, 0, "GET ", "GET "}, {O, 4, "/ HTTP", "/ HTTP"}}, 2, 0, 0},
    {"retransmission once",
     1,
     64,
     {{O, 0, "abc", "abc"}, {O, 0, "abc", ""}, {O, 3, "def", "def"}},
     3,
     0,
     0},
    {"overlap trimmed", 1, 64, {{O, 0, "abcd", "abcd"}, {O, 2, "cdef", "ef"}}, 2, 0, 0},
    {"out of order held",
     1,
     64,
     {{O, 0, "abc", "abc"},
      {O, 6, "ghi", ""},
      {O, 9, "jk", ""},
      {O, 3, "def", "defghijk"}},
     4,
     2,
     0},
    {"directions apart",
     1,
     64,
     {{O, 3, "def", ""}, {Y, 0, "HTTP", "HTTP"}, {O, 0, "abc", "abcdef"}},
     3,
     1,
     0},
    {"bound enforced",
     1,
     4,
     {{O, 0, "ab", "ab"}, {O, 4, "ef", ""}, {O, 6, "ghi", ""}, {O, 2, "cd", "cdef"}},
     4,
     1,
     1},
    {"faithful default",
     0,
     64,
     {{O, 0, "abc", "abc"},
      {O, 0, "abc", "abc"},
      {O, 6, "ghi", "ghi"},
      {O, 3, "def", "def"}},
     4,
     0,
     0},
};

START_TEST(test_tcp_in_order)
{
    l7_conntrack_options o;
    l7_conntrack_options_init(&o);
    o.tcp_in_order = (uint8_t)stream_cases[_i].in_order;
    o.reorder_max_bytes = stream_cases[_i].reorder_max;
    l7_conntrack *ct;
    ck_assert_int_eq(l7_conntrack_create(&ct, &o, NULL), L7_OK);
    const uint32_t isn[2] = {0xfffffff0u, 1000}; /* the original side wraps */
    l7_ct_result r;
    struct l7_packet p = tcp(O, S);
    p.tcp_seq = isn[0];
    l7_conntrack_track(&r, ct, &p, T0);
    p = tcp(Y, S | A);
    p.tcp_seq = isn[1];
    l7_conntrack_track(&r, ct, &p, T0);
    for (int k = 0; k < stream_cases[_i].nsteps; k++) {
        const seg_step *st = &stream_cases[_i].steps[k];
        p = tcp(st->dir, A | P);
        p.tcp_seq = isn[st->dir] + 1 + st->seq;
        p.payload = (const uint8_t *)st->data;
        p.payload_len = (uint32_t)strlen(st->data);
        l7_conntrack_track(&r, ct, &p, T0 + MS(k + 1));
        ck_assert_int_eq(r.state, L7_CT_ESTABLISHED);
        ck_assert_msg(r.payload_len == strlen(st->want) &&
                          memcmp(r.payload, st->want, r.payload_len) == 0,
                      "%s step %d: got %.*s want %s", stream_cases[_i].name, k,
                      (int)r.payload_len, r.payload ? (const char *)r.payload : "",
                      st->want);
    }
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_STREAM_HELD),
                      stream_cases[_i].held);
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_STREAM_DROPPED),
                      stream_cases[_i].dropped);
    /* Once inspection has decided, the stream state goes and payload flows as is. */
    if (stream_cases[_i].in_order) {
        ck_assert_uint_ne(r.conn->stream, 0);
        r.conn->l7_proto = L7_CT_L7_UNKNOWN;
        p = tcp(O, A);
        p.tcp_seq = isn[0] + 1; /* an old retransmission */
        p.payload = (const uint8_t *)"zz";
        p.payload_len = 2;
        l7_conntrack_track(&r, ct, &p, T0 + L7T_SEC(1));
        ck_assert_uint_eq(r.conn->stream, 0);
        ck_assert_uint_eq(r.payload_len, 2);
    }
    l7_conntrack_destroy(ct);
}
END_TEST

START_TEST(test_stream_freed_with_held_segments)
{
    /* A connection removed with segments still held leaks nothing (ASan). */
    l7_conntrack *ct = new_table(10, 1, 1);
    l7_ct_result r;
    struct l7_packet p = tcp(O, A);
    p.tcp_seq = 100;
    p.payload = (const uint8_t *)"x";
    p.payload_len = 1;
    l7_conntrack_track(&r, ct, &p, T0);
    p.tcp_seq = 200;
    l7_conntrack_track(&r, ct, &p, T0);
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_STREAM_HELD), 1);
    uint64_t mem = l7_conntrack_stat(ct, L7_CT_STAT_MEMORY);
    p = tcp(Y, A); /* a second connection, kept to the end */
    p.sport = 81;
    p.tcp_seq = 5;
    p.payload = (const uint8_t *)"y";
    p.payload_len = 1;
    l7_conntrack_track(&r, ct, &p, T0);
    p.tcp_seq = 50;
    l7_conntrack_track(&r, ct, &p, T0);
    ck_assert_uint_gt(l7_conntrack_stat(ct, L7_CT_STAT_MEMORY), mem);
    p = tcp(O, A);
    l7_conn *c;
    l7_ct_tuple t;
    p.tcp_seq = 100;
    l7_conntrack_track(&r, ct, &p, T0);
    c = r.conn;
    l7_conn_tuple(&t, c, L7_CT_DIR_ORIGINAL);
    ck_assert_int_eq(l7_conntrack_remove(ct, c), L7_OK);
    ck_assert_int_eq(l7_conntrack_lookup(&c, NULL, ct, &t, T0), L7_ENOTFOUND);
    l7_conntrack_destroy(ct);
}
END_TEST

/* ---- cap, early drop, refusals --------------------------------------------- */

static struct l7_packet flow(uint32_t i, int reply)
{
    char a[32], b[32];
    snprintf(a, sizeof(a), "10.%u.%u.%u", (i >> 16) & 255, (i >> 8) & 255, i & 255);
    snprintf(b, sizeof(b), "172.16.%u.%u", (i >> 8) & 255, i & 255);
    return reply ? mkpkt(b, a, 17, 53, (uint16_t)(1024 + (i & 0x3fff)))
                 : mkpkt(a, b, 17, (uint16_t)(1024 + (i & 0x3fff)), 53);
}

START_TEST(test_flood_past_cap)
{
    enum { CAP = 1000, ASSURED = 100, FLOOD = 5000 };
    l7_conntrack *ct = new_table(CAP, 1, 0);
    l7_ct_result r;
    /* 100 answered (assured) flows, then unanswered ones up to the cap. */
    for (uint32_t i = 0; i < CAP; i++) {
        struct l7_packet p = flow(i, 0);
        l7_conntrack_track(&r, ct, &p, T0 + i);
        ck_assert_int_eq(r.created, 1);
        if (i < ASSURED) {
            p = flow(i, 1);
            l7_conntrack_track(&r, ct, &p, T0 + i);
            ck_assert_int_eq(r.state, L7_CT_ESTABLISHED);
        }
    }
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_LIVE), CAP);
    uint64_t mem_full = l7_conntrack_stat(ct, L7_CT_STAT_MEMORY);
    /* The flood: each new flow drops the oldest unanswered one. */
    for (uint32_t i = CAP; i < CAP + FLOOD; i++) {
        struct l7_packet p = flow(i, 0);
        l7_conntrack_track(&r, ct, &p, T0 + i);
        ck_assert_int_eq(r.created, 1);
        ck_assert_int_eq(r.state, L7_CT_NEW);
        ck_assert_uint_le(l7_conntrack_stat(ct, L7_CT_STAT_LIVE), CAP);
        /* The oldest unanswered flow still alive is the one created CAP-ASSURED-1
         * flows ago. */
        uint32_t oldest = i - (CAP - ASSURED - 1);
        l7_conn *c;
        l7_ct_tuple t;
        struct l7_packet q = flow(oldest, 0);
        memset(&t, 0, sizeof(t));
        t.src = q.src;
        t.dst = q.dst;
        t.sport = q.sport;
        t.dport = q.dport;
        t.l4_proto = 17;
        ck_assert_int_eq(l7_conntrack_lookup(&c, NULL, ct, &t, T0 + i), L7_OK);
        q = flow(oldest - 1, 0);
        t.src = q.src;
        t.dst = q.dst;
        t.sport = q.sport;
        ck_assert_int_eq(l7_conntrack_lookup(&c, NULL, ct, &t, T0 + i), L7_ENOTFOUND);
    }
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_EVICTED), FLOOD);
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_REFUSED), 0);
    /* Memory did not grow past the full table; the record slab is reused. */
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_MEMORY), mem_full);
    ck_assert_uint_lt(mem_full, (uint64_t)CAP * 200 + 4096);
    /* Every assured flow survived and is found in both directions. */
    for (uint32_t i = 0; i < ASSURED; i++) {
        struct l7_packet p = flow(i, 1);
        l7_conntrack_track(&r, ct, &p, T0 + CAP + FLOOD);
        ck_assert_int_eq(r.created, 0);
        ck_assert_int_eq(r.state, L7_CT_ESTABLISHED);
    }
    /* Answer every flow: nothing left to drop, new flows are refused. */
    for (uint32_t i = FLOOD + ASSURED; i < CAP + FLOOD; i++) {
        struct l7_packet p = flow(i, 1);
        l7_conntrack_track(&r, ct, &p, T0 + CAP + FLOOD);
        ck_assert_int_eq(r.created, 0);
    }
    struct l7_packet p = flow(CAP + FLOOD, 0);
    l7_conntrack_track(&r, ct, &p, T0 + CAP + FLOOD);
    ck_assert_int_eq(r.state, L7_CT_INVALID);
    ck_assert_ptr_null(r.conn);
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_REFUSED), 1);
    /* Once entries expire they make room again (udp-stream 3 min). */
    l7_conntrack_track(&r, ct, &p, T0 + CAP + FLOOD + L7T_SEC(181));
    ck_assert_int_eq(r.created, 1);
    ck_assert_uint_ge(l7_conntrack_stat(ct, L7_CT_STAT_EXPIRED), 1);
    /* Lowering the cap removes nothing by itself. */
    ck_assert_int_eq(l7_conntrack_set_max_entries(ct, 10), L7_OK);
    ck_assert_uint_gt(l7_conntrack_stat(ct, L7_CT_STAT_LIVE), 10);
    ck_assert_int_eq(l7_conntrack_set_max_entries(ct, 0), L7_EINVAL);
    l7_conntrack_destroy(ct);
}
END_TEST

/* ---- expiry sweep, iteration, removal, destructor -------------------------- */

static unsigned dtor_calls[4096];
static void count_dtor(l7_conn *conn, void *user)
{
    (*(unsigned *)user)++;
    uint64_t id = l7_conn_cookie(conn);
    ck_assert_uint_lt(id, 4096);
    dtor_calls[id]++;
}

static int visit_count(l7_conn *conn, void *user)
{
    (void)conn;
    (*(int *)user)++;
    return 0;
}

static int visit_stop_at_mark5(l7_conn *conn, void *user)
{
    (*(int *)user)++;
    return l7_conn_mark(conn) == 5 ? 42 : 0;
}

static int is_mark2(l7_conn *conn, void *user)
{
    (void)user;
    return l7_conn_mark(conn) == 2;
}

START_TEST(test_expire_foreach_remove_flush)
{
    memset(dtor_calls, 0, sizeof(dtor_calls));
    unsigned total = 0;
    l7_conntrack_options o;
    l7_conntrack_options_init(&o);
    o.max_entries = 1000;
    o.destructor = count_dtor;
    o.destructor_user = &total;
    l7_conntrack *ct;
    ck_assert_int_eq(l7_conntrack_create(&ct, &o, NULL), L7_OK);
    l7_ct_result r;
    /* 300 flows: 100 expire at T0+30s (one-way UDP), 200 stay (answered). */
    for (uint32_t i = 0; i < 300; i++) {
        struct l7_packet p = flow(i, 0);
        l7_conntrack_track(&r, ct, &p, T0);
        l7_conn_set_cookie(r.conn, i);
        l7_conn_set_mark(r.conn, i % 10);
        if (i >= 100) {
            p = flow(i, 1);
            l7_conntrack_track(&r, ct, &p, T0);
        }
    }
    uint64_t now = T0 + L7T_SEC(30);
    int n = 0;
    ck_assert_int_eq(l7_conntrack_foreach(ct, now, visit_count, &n), 0);
    ck_assert_int_eq(n, 200); /* expired ones are not listed */
    size_t reclaimed = 0, calls = 0;
    while (l7_conntrack_stat(ct, L7_CT_STAT_LIVE) > 200) {
        size_t got = l7_conntrack_expire(ct, now, 16);
        ck_assert_uint_le(got, 16);
        reclaimed += got;
        ck_assert_uint_lt(++calls, 100);
    }
    ck_assert_uint_eq(reclaimed, 100);
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_EXPIRED), 100);
    ck_assert_uint_eq(total, 100);
    n = 0;
    ck_assert_int_eq(l7_conntrack_foreach(ct, now, visit_stop_at_mark5, &n), 42);
    ck_assert_int_lt(n, 200);
    ck_assert_uint_eq(l7_conntrack_remove_if(ct, now, is_mark2, NULL), 20);
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_LIVE), 180);
    n = 0;
    l7_conntrack_foreach(ct, now, visit_count, &n);
    ck_assert_int_eq(n, 180);
    /* Removed connections are gone for lookups, the others are still there. */
    struct l7_packet q = flow(102, 1);
    l7_conntrack_track(&r, ct, &q, now);
    ck_assert_int_eq(r.created, 1); /* flow 102 had mark 2: it was removed */
    l7_conn_set_cookie(r.conn, 1000);
    q = flow(103, 1);
    l7_conntrack_track(&r, ct, &q, now);
    ck_assert_int_eq(r.created, 0);
    ck_assert_int_eq(l7_conntrack_remove(ct, r.conn), L7_OK);
    ck_assert_int_eq(l7_conntrack_remove(ct, NULL), L7_EINVAL);
    l7_conntrack_flush(ct);
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_LIVE), 0);
    n = 0;
    l7_conntrack_foreach(ct, now, visit_count, &n);
    ck_assert_int_eq(n, 0);
    /* A few more, left for destroy. */
    for (uint32_t i = 2000; i < 2010; i++) {
        struct l7_packet p = flow(i, 0);
        l7_conntrack_track(&r, ct, &p, now);
        l7_conn_set_cookie(r.conn, i);
    }
    l7_conntrack_destroy(ct);
    ck_assert_uint_eq(total, 300 + 1 + 10);
    for (unsigned i = 0; i < 300; i++)
        ck_assert_uint_eq(dtor_calls[i], 1);
    ck_assert_uint_eq(dtor_calls[1000], 1);
    for (unsigned i = 2000; i < 2010; i++)
        ck_assert_uint_eq(dtor_calls[i], 1);
}
END_TEST

START_TEST(test_destructor_on_eviction_and_reopen)
{
    memset(dtor_calls, 0, sizeof(dtor_calls));
    unsigned total = 0;
    l7_conntrack_options o;
    l7_conntrack_options_init(&o);
    o.max_entries = 4;
    o.destructor = count_dtor;
    o.destructor_user = &total;
    l7_conntrack *ct;
    ck_assert_int_eq(l7_conntrack_create(&ct, &o, NULL), L7_OK);
    l7_ct_result r;
    for (uint32_t i = 0; i < 10; i++) {
        struct l7_packet p = flow(i, 0);
        l7_conntrack_track(&r, ct, &p, T0);
        l7_conn_set_cookie(r.conn, i);
    }
    ck_assert_uint_eq(total, 6);
    for (unsigned i = 0; i < 6; i++)
        ck_assert_uint_eq(dtor_calls[i], 1);
    /* A TCP tuple reopened after RST: the old entry's destructor runs. */
    struct l7_packet p = tcp(O, S);
    l7_conntrack_track(&r, ct, &p, T0);
    l7_conn_set_cookie(r.conn, 100);
    p = tcp(Y, R);
    l7_conntrack_track(&r, ct, &p, T0);
    p = tcp(O, S);
    l7_conntrack_track(&r, ct, &p, T0);
    ck_assert_int_eq(r.created, 1);
    ck_assert_uint_eq(dtor_calls[100], 1);
    l7_conntrack_destroy(ct);
    ck_assert_uint_eq(total, 12);
}
END_TEST

START_TEST(test_options)
{
    l7_conntrack_options o;
    l7_conntrack_options_init(&o);
    ck_assert_uint_eq(o.max_entries, 1048576);
    ck_assert_uint_eq(o.timeouts[L7_CT_TIMEOUT_TCP_ESTABLISHED], L7T_SEC(86400));
    ck_assert_uint_eq(o.timeouts[L7_CT_TIMEOUT_UDP], L7T_SEC(30));
    ck_assert_uint_eq(o.loose_tcp, 1);
    ck_assert_uint_eq(o.tcp_in_order, 0);
    l7_conntrack *ct = (l7_conntrack *)1;
    o.version = 0;
    ck_assert_int_eq(l7_conntrack_create(&ct, &o, NULL), L7_EINVAL);
    ck_assert_ptr_null(ct);
    l7_conntrack_options_init(&o);
    o.max_entries = 0;
    ck_assert_int_eq(l7_conntrack_create(&ct, &o, NULL), L7_EINVAL);
    l7_conntrack_options_init(&o);
    o.timeouts[L7_CT_TIMEOUT_ICMP] = 0;
    ck_assert_int_eq(l7_conntrack_create(&ct, &o, NULL), L7_EINVAL);
    ck_assert_int_eq(l7_conntrack_create(NULL, NULL, NULL), L7_EINVAL);
    ck_assert_int_eq(l7_conntrack_create(&ct, NULL, NULL), L7_OK);
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_MAX_ENTRIES), 1048576);
    ck_assert_uint_lt(l7_conntrack_stat(ct, L7_CT_STAT_MEMORY), 4096);
    l7_conntrack_destroy(ct);
    l7_conntrack_destroy(NULL);
}
END_TEST

static Suite *conntrack_suite(void)
{
    Suite *s = suite_create("conntrack");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_tcp_transitions, 0, (int)L7_ARRAY_SIZE(tcp_cases));
    tcase_add_loop_test(tc, test_tcp_no_create, 0,
                        (int)L7_ARRAY_SIZE(tcp_nocreate_cases));
    tcase_add_test(tc, test_tcp_reopen_and_loose_toggle);
    tcase_add_loop_test(tc, test_timeouts, 0, (int)L7_ARRAY_SIZE(timeout_cases));
    tcase_add_test(tc, test_udp_stream_promotion);
    tcase_add_test(tc, test_icmp_echo);
    tcase_add_loop_test(tc, test_icmp_related, 0, (int)L7_ARRAY_SIZE(related_cases));
    tcase_add_test(tc, test_untracked_and_malformed);
    tcase_add_test(tc, test_ipv6_and_accessors);
    tcase_add_test(tc, test_hash_and_bulk_lookup);
    tcase_add_loop_test(tc, test_tcp_in_order, 0, (int)L7_ARRAY_SIZE(stream_cases));
    tcase_add_test(tc, test_stream_freed_with_held_segments);
    tcase_add_test(tc, test_flood_past_cap);
    tcase_add_test(tc, test_expire_foreach_remove_flush);
    tcase_add_test(tc, test_destructor_on_eviction_and_reopen);
    tcase_add_test(tc, test_options);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return l7t_run_suite(conntrack_suite());
}
