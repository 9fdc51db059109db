/* Corpus test: every capture of ../shared/corpus/ndpi parsed, reassembled
 * and tracked, with the table's invariants checked along the way. */
#define _DEFAULT_SOURCE /* libpcap headers use u_int, u_char */
#include "l7/conntrack.h"
#include "l7/defrag.h"
#include "l7/packet.h"
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef L7T_HAVE_PCAP
#include <pcap/pcap.h>
#endif

#ifdef L7T_HAVE_PCAP

/* Why a packet was invalid, as far as the outside can tell. */
enum {
    INV_MALFORMED,      /* the parser's status was not OK */
    INV_TCP_FIRST,      /* TCP, no connection: RST, bad flags (never a first packet) */
    INV_TCP_TRANSITION, /* TCP, tracked: an impossible transition */
    INV_ICMP_ERROR,     /* an ICMP error quoting nothing tracked */
    INV_ICMP_OTHER,     /* ICMP reply to nothing, unknown type */
    INV_OTHER,
    INV_COUNT
};

static const char *const inv_names[INV_COUNT] = {
    "malformed packet",  "tcp first packet", "tcp transition",
    "icmp error orphan", "icmp other",       "other"};

struct totals {
    unsigned files, unopened, skipped;
    uint64_t frames, fragments, reassembled, tracked, untracked;
    uint64_t states[5], invalid[INV_COUNT];
    uint64_t conns, conn_packets, refused, evicted, expired;
    size_t peak_live, peak_mem;
};

/* What the destructor sees of each connection leaving a table. */
struct gone {
    uint64_t conns, packets;
    uint64_t time_travel; /* last_seen < first_seen: must stay 0 */
};

static void on_gone(l7_conn *c, void *user)
{
    struct gone *g = user;
    g->conns++;
    g->packets +=
        l7_conn_packets(c, L7_CT_DIR_ORIGINAL) + l7_conn_packets(c, L7_CT_DIR_REPLY);
    g->time_travel += l7_conn_last_seen(c) < l7_conn_first_seen(c);
}

static int is_icmp_error(uint8_t proto, uint8_t type)
{
    if (proto == 1)
        return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
    return proto == 58 && type >= 1 && type <= 4;
}

/* Track one parsed datagram; checks the per-packet invariants. */
static void track_one(struct totals *t, l7_conntrack *ct, const l7_packet *p,
                      uint64_t now, uint64_t *counted)
{
    l7_ct_result r;
    ck_assert_int_eq(l7_conntrack_track(&r, ct, p, now), L7_OK);
    ck_assert_uint_lt(r.state, 5);
    t->states[r.state]++;
    switch (r.state) {
    case L7_CT_NEW:
    case L7_CT_ESTABLISHED:
        /* Every tracked packet gets a connection, and the connection's
         * state agrees with the packet's. */
        ck_assert_ptr_nonnull(r.conn);
        ck_assert_int_eq(l7_conn_state(r.conn), r.state);
        ck_assert_uint_le(l7_conn_first_seen(r.conn), l7_conn_last_seen(r.conn));
        ck_assert(r.dir == L7_CT_DIR_ORIGINAL || r.dir == L7_CT_DIR_REPLY);
        if (r.created)
            ck_assert_int_eq(r.dir, L7_CT_DIR_ORIGINAL);
        ck_assert_uint_le(r.payload_len, l7_packet_ip_len(p));
        t->tracked++;
        (*counted)++;
        break;
    case L7_CT_RELATED:
        ck_assert_ptr_nonnull(r.conn);
        ck_assert(is_icmp_error(l7_packet_l4_proto(p), l7_packet_icmp_type(p)));
        break;
    case L7_CT_INVALID: {
        int why = INV_OTHER;
        uint8_t proto = l7_packet_l4_proto(p);
        if (l7_packet_get_status(p) != L7_PACKET_OK)
            why = INV_MALFORMED;
        else if (proto == 6)
            why = r.conn ? INV_TCP_TRANSITION : INV_TCP_FIRST;
        else if ((proto == 1 || proto == 58) &&
                 is_icmp_error(proto, l7_packet_icmp_type(p)))
            why = INV_ICMP_ERROR;
        else if (proto == 1 || proto == 58)
            why = INV_ICMP_OTHER;
        t->invalid[why]++;
        break;
    }
    case L7_CT_UNTRACKED:
        ck_assert_ptr_null(r.conn);
        t->untracked++;
        break;
    }
}

static void track_file(const char *path, const char *name, struct totals *t,
                       l7_packet *pkt, l7_packet *re)
{
    (void)name;
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_open_offline(path, err);
    if (!pc) {
        t->unopened++;
        return;
    }
    int lt = pcap_datalink(pc);
    if (!l7_packet_linktype_supported((uint32_t)lt)) {
        t->skipped++;
        pcap_close(pc);
        return;
    }
    t->files++;
    struct gone g = {0};
    l7_conntrack_options o;
    l7_conntrack_options_init(&o);
    o.destructor = on_gone;
    o.destructor_user = &g;
    o.hash_seed = 0x1234567890abcdefull;
    l7_conntrack *ct;
    ck_assert_int_eq(l7_conntrack_create(&ct, &o, NULL), L7_OK);
    const uint64_t base_mem = l7_conntrack_stat(ct, L7_CT_STAT_MEMORY);
    l7_defrag *df;
    ck_assert_int_eq(l7_defrag_create(&df, NULL, NULL), L7_OK);

    struct pcap_pkthdr *h;
    const u_char *data;
    uint64_t n = 0, now = 0, counted = 0;
    uint64_t inv0 = 0;
    for (int i = 0; i < INV_COUNT; i++)
        inv0 += t->invalid[i];
    while (pcap_next_ex(pc, &h, &data) == 1) {
        now =
            (uint64_t)h->ts.tv_sec * L7_NSEC_PER_SEC + (uint64_t)h->ts.tv_usec * 1000u;
        ck_assert_int_eq(l7_packet_parse(pkt, data, h->caplen, (uint32_t)lt), L7_OK);
        t->frames++;
        n++;
        l7_defrag_expire(df, now, NULL, NULL);
        const l7_packet *p = pkt;
        if (l7_packet_get_status(pkt) == L7_PACKET_OK && l7_packet_is_fragment(pkt)) {
            t->fragments++;
            l7_defrag_result dr;
            ck_assert_int_eq(l7_defrag_add(&dr, df, pkt, n, now), L7_OK);
            if (dr != L7_DEFRAG_COMPLETE) {
                l7_conntrack_expire(ct, now, 8);
                continue;
            }
            uint32_t len;
            const uint8_t *d = l7_defrag_datagram(df, &len);
            ck_assert_int_eq(l7_packet_parse_l3(re, d, len), L7_OK);
            ck_assert_int_eq(l7_packet_is_fragment(re), 0);
            t->reassembled++;
            p = re;
        }
        track_one(t, ct, p, now, &counted);
        l7_conntrack_expire(ct, now, 8);
        size_t live = (size_t)l7_conntrack_stat(ct, L7_CT_STAT_LIVE);
        if (live > t->peak_live)
            t->peak_live = live;
    }
    uint64_t inv1 = 0;
    for (int i = 0; i < INV_COUNT; i++)
        inv1 += t->invalid[i];
    /* The table counts exactly the packets it called invalid. */
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_INVALID), inv1 - inv0);
    size_t mem = (size_t)l7_conntrack_stat(ct, L7_CT_STAT_MEMORY);
    if (mem > t->peak_mem)
        t->peak_mem = mem;
    uint64_t created = l7_conntrack_stat(ct, L7_CT_STAT_CREATED);
    t->conns += created;
    t->refused += l7_conntrack_stat(ct, L7_CT_STAT_REFUSED);
    t->evicted += l7_conntrack_stat(ct, L7_CT_STAT_EVICTED);
    t->expired += l7_conntrack_stat(ct, L7_CT_STAT_EXPIRED);
    l7_conntrack_flush(ct);
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_LIVE), 0);
    /* Every connection left through the destructor exactly once, and the
     * packets they counted are the packets tracked. */
    ck_assert_uint_eq(g.conns, created);
    ck_assert_uint_eq(g.packets, counted);
    ck_assert_uint_eq(g.time_travel, 0);
    t->conn_packets += g.packets;
    ck_assert_uint_eq(l7_conntrack_stat(ct, L7_CT_STAT_MEMORY), base_mem);
    l7_defrag_destroy(df);
    l7_conntrack_destroy(ct);
    ck_assert_uint_eq(g.conns, created); /* destroy after flush: nothing left */
    pcap_close(pc);
}
#endif

START_TEST(test_track_corpus)
{
#ifndef L7T_HAVE_PCAP
    printf("track corpus: skipped (built without libpcap)\n");
#else
    const char *shared = l7t_shared_dir();
    char dir[4096];
    char **names = NULL;
    long count = -1;
    if (shared) {
        snprintf(dir, sizeof(dir), "%s/corpus/ndpi/tests/cfgs/default/pcap", shared);
        count = l7t_list_captures(dir, &names);
    }
    if (count < 0) {
        printf("track corpus: skipped (no ../shared/corpus/ndpi)\n");
        return;
    }

    static struct totals t;
    memset(&t, 0, sizeof(t));
    l7_packet *pkt, *re;
    ck_assert_int_eq(l7_packet_create(&pkt, NULL), L7_OK);
    ck_assert_int_eq(l7_packet_create(&re, NULL), L7_OK);
    for (long i = 0; i < count; i++) {
        char path[8192];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        track_file(path, names[i], &t, pkt, re);
    }
    l7t_free_names(names, count);
    l7_packet_destroy(pkt);
    l7_packet_destroy(re);

    printf("track corpus: %u files tracked (%u unreadable, %u unsupported link), "
           "%llu frames, %llu fragments, %llu reassembled\n",
           t.files, t.unopened, t.skipped, (unsigned long long)t.frames,
           (unsigned long long)t.fragments, (unsigned long long)t.reassembled);
    printf("  connections %llu (expired %llu, evicted %llu, refused %llu), "
           "peak live %zu, peak table memory %zu B\n",
           (unsigned long long)t.conns, (unsigned long long)t.expired,
           (unsigned long long)t.evicted, (unsigned long long)t.refused, t.peak_live,
           t.peak_mem);
    printf("  packets counted on connections %llu = tracked %llu\n",
           (unsigned long long)t.conn_packets, (unsigned long long)t.tracked);
    printf("  states:");
    for (int s = 0; s < 5; s++)
        printf(" %s %llu", l7_ct_state_name((l7_ct_state)s),
               (unsigned long long)t.states[s]);
    printf("\n  invalid by reason:");
    for (int i = 0; i < INV_COUNT; i++)
        printf(" %s %llu%s", inv_names[i], (unsigned long long)t.invalid[i],
               i + 1 < INV_COUNT ? "," : "\n");
    ck_assert_uint_gt(t.files, 500);
    ck_assert_uint_eq(t.conn_packets, t.tracked);
    /* The corpus is overwhelmingly trackable traffic. */
    ck_assert_uint_gt(t.tracked, t.frames * 9 / 10);
    ck_assert_uint_gt(t.states[L7_CT_RELATED], 0);
    ck_assert_uint_eq(t.refused, 0);
#endif
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("track_corpus");
    TCase *tc = tcase_create("corpus");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_track_corpus);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return l7t_run_suite(suite());
}
