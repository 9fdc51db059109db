#define _DEFAULT_SOURCE
/* The live console: print tables over a configuration and an engine after
 * traffic, counter resets, connection listing by layer-7 protocol, and
 * runtime changes. */
#include "testutil.h"

#include "common_internal.h"
#include "l7/l7.h"
#include "policy_frames.h"

#ifdef L7T_HAVE_PCAP
#include <pcap/pcap.h>
#endif

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct out {
    char buf[65536];
    size_t n;
} out;

static int sink(const char *s, size_t n, void *user)
{
    out *o = user;
    ck_assert_uint_lt(o->n + n, sizeof(o->buf));
    memcpy(o->buf + o->n, s, n);
    o->n += n;
    o->buf[o->n] = '\0';
    return 0;
}

static const char script[] =
    "/ip firewall layer7-protocol add name=web regexp=\"^(GET|POST) \"\n"
    "/ip firewall filter\n"
    "add chain=forward action=accept layer7-protocol=web comment=\"web traffic\"\n"
    "add chain=forward action=drop protocol=udp dst-port=53 comment=dns\n"
    "add chain=forward action=passthrough disabled=yes\n"
    "/ip firewall mangle add chain=prerouting action=mark-connection "
    "layer7-protocol=web new-connection-mark=web-conn\n"
    "/queue tree add name=web-q parent=global packet-mark=web max-limit=10M\n";

typedef struct world {
    l7_config *cfg;
    l7_engine *e;
    l7_console *con;
    l7_diag_list *d;
} world;

static void world_init(world *w, bool with_engine)
{
    memset(w, 0, sizeof(*w));
    ck_assert_int_eq(l7_config_create(&w->cfg, NULL), L7_OK);
    ck_assert_int_eq(l7_diag_list_create(&w->d, NULL), L7_OK);
    ck_assert_int_eq(l7_config_load(w->cfg, "s.rsc", (const uint8_t *)script,
                                    strlen(script), NULL, w->d),
                     L7_OK);
    if (with_engine)
        ck_assert_int_eq(l7_engine_create(&w->e, l7_config_ruleset(w->cfg), NULL, NULL),
                         L7_OK);
    ck_assert_int_eq(l7_console_create(&w->con, w->cfg, w->e, NULL), L7_OK);
}

static void world_free(world *w)
{
    l7_console_destroy(w->con);
    l7_engine_destroy(w->e);
    l7_config_destroy(w->cfg);
    l7_diag_list_destroy(w->d);
}

static void send_frame(world *w, const l7t_flow *f, int reply, uint8_t flags,
                       uint32_t seq, const char *payload, uint64_t t)
{
    uint8_t frame[512];
    size_t len =
        l7t_frame(frame, f, reply, flags, seq, payload, payload ? strlen(payload) : 0);
    l7_verdict v;
    memset(&v, 0, sizeof(v));
    v.size = sizeof(v);
    ck_assert_int_eq(l7_engine_process(&v, w->e, frame, len, L7_LINK_IP, NULL, t),
                     L7_OK);
}

/* A TCP connection that sends an HTTP request, and one DNS query. */
static void traffic(world *w)
{
    static const l7t_flow web = {"192.168.1.100", "93.184.216.34", 6, 40000, 80, 0};
    static const l7t_flow dns = {"192.168.1.100", "8.8.8.8", 17, 5353, 53, 0};
    send_frame(w, &web, 0, 0x02, 1000, NULL, L7T_SEC(10));
    send_frame(w, &web, 1, 0x12, 5000, NULL, L7T_SEC(10));
    send_frame(w, &web, 0, 0x10, 1001, NULL, L7T_SEC(10));
    send_frame(w, &web, 0, 0x18, 1001, "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
               L7T_SEC(11));
    send_frame(w, &web, 1, 0x18, 5001, "HTTP/1.1 200 OK\r\n\r\n", L7T_SEC(11));
    send_frame(w, &dns, 0, 0, 0, "abcdefghijkl", L7T_SEC(12)); /* 20 + 8 + 12 = 40 */
}

static int run(world *w, const char *line, out *o)
{
    o->n = 0;
    o->buf[0] = '\0';
    return l7_console_exec(w->con, line, strlen(line), L7T_SEC(20), sink, o, w->d);
}

START_TEST(test_print_stats_after_traffic)
{
    world w;
    world_init(&w, true);
    traffic(&w);
    uint64_t pk0, by0, pk1, by1;
    ck_assert_int_eq(l7_engine_rule_stats(&pk0, &by0, w.e, 4, L7_TABLE_FILTER, 0), 0);
    ck_assert_int_eq(l7_engine_rule_stats(&pk1, &by1, w.e, 4, L7_TABLE_FILTER, 1), 0);
    ck_assert_uint_eq(pk1, 1);
    ck_assert_uint_eq(by1, 40);
    ck_assert_uint_ge(pk0, 2); /* the request and the answer, once classified */
    out o;
    ck_assert_int_eq(run(&w, "/ip firewall filter print stats", &o), L7_OK);
    char expect[1024];
    char b0[32], p0[32];
    snprintf(b0, sizeof(b0), "%" PRIu64, by0);
    snprintf(p0, sizeof(p0), "%" PRIu64, pk0);
    /* Column widths: CHAIN 11 ("passthrough" is the widest action), BYTES and
     * PACKETS right-aligned to their titles. */
    snprintf(expect, sizeof(expect),
             "Flags: X - disabled, I - invalid, D - dynamic\n"
             " #    CHAIN    ACTION       BYTES  PACKETS\n"
             " 0    ;;; web traffic\n"
             "      forward  accept       %5s  %7s\n"
             " 1    ;;; dns\n"
             "      forward  drop            40        1\n"
             " 2 X  forward  passthrough      0        0\n",
             b0, p0);
    ck_assert_str_eq(o.buf, expect);

    /* print stats where ... */
    ck_assert_int_eq(
        run(&w, "/ip firewall filter print stats where comment~\"^dn\"", &o), L7_OK);
    ck_assert_ptr_null(strstr(o.buf, "web traffic"));
    ck_assert_ptr_nonnull(strstr(o.buf, " 1    ;;; dns\n"));

    /* reset-counters N, then reset-counters-all */
    ck_assert_int_eq(run(&w, "/ip firewall filter reset-counters 1", &o), L7_OK);
    ck_assert_int_eq(l7_engine_rule_stats(&pk1, &by1, w.e, 4, L7_TABLE_FILTER, 1), 0);
    ck_assert_uint_eq(pk1, 0);
    ck_assert_int_eq(l7_engine_rule_stats(&pk1, &by1, w.e, 4, L7_TABLE_FILTER, 0), 0);
    ck_assert_uint_eq(pk1, pk0);
    ck_assert_int_eq(run(&w, "/ip firewall filter reset-counters-all", &o), L7_OK);
    ck_assert_int_eq(l7_engine_rule_stats(&pk1, &by1, w.e, 4, L7_TABLE_FILTER, 0), 0);
    ck_assert_uint_eq(pk1, 0);
    world_free(&w);
}
END_TEST

START_TEST(test_connection_print)
{
    world w;
    world_init(&w, true);
    traffic(&w);
    out o;
    ck_assert_int_eq(
        run(&w, "/ip firewall connection print where layer7-protocol=web", &o), L7_OK);
    ck_assert_ptr_nonnull(strstr(o.buf, "192.168.1.100:40000"));
    ck_assert_ptr_nonnull(strstr(o.buf, "93.184.216.34:80"));
    ck_assert_ptr_nonnull(strstr(o.buf, "established"));
    ck_assert_ptr_null(strstr(o.buf, "8.8.8.8"));
    /* Decision 16: no-protocol is the empty value (DNS: never inspected). */
    ck_assert_int_eq(
        run(&w, "/ip firewall connection print where layer7-protocol=no-protocol", &o),
        L7_OK);
    ck_assert_ptr_nonnull(strstr(o.buf, "8.8.8.8:53"));
    ck_assert_ptr_null(strstr(o.buf, "93.184.216.34"));
    ck_assert_int_eq(run(&w,
                         "/ip firewall connection print detail where "
                         "layer7-protocol!=no-protocol",
                         &o),
                     L7_OK);
    ck_assert_ptr_nonnull(
        strstr(o.buf, "protocol=tcp src-address=192.168.1.100:40000"));
    ck_assert_ptr_nonnull(strstr(o.buf, "connection-mark=web-conn"));
    ck_assert_ptr_nonnull(strstr(o.buf, "layer7-protocol=web\n"));
    ck_assert_ptr_null(strstr(o.buf, "8.8.8.8"));
    ck_assert_int_eq(
        run(&w, "/ip firewall connection print where dst-address~\"^8\\\\.\"", &o),
        L7_OK);
    ck_assert_ptr_nonnull(strstr(o.buf, "udp"));
    world_free(&w);
}
END_TEST

START_TEST(test_print_menus)
{
    world w;
    world_init(&w, false);
    out o;
    ck_assert_int_eq(run(&w, "/ip firewall filter print", &o), L7_OK);
    ck_assert_str_eq(o.buf, "Flags: X - disabled, I - invalid, D - dynamic\n"
                            " 0    ;;; web traffic\n"
                            "      chain=forward action=accept layer7-protocol=web\n"
                            " 1    ;;; dns\n"
                            "      chain=forward action=drop protocol=udp dst-port=53\n"
                            " 2 X  chain=forward action=passthrough\n");
    ck_assert_int_eq(run(&w, "/ip firewall layer7-protocol print where name=web", &o),
                     L7_OK);
    ck_assert_str_eq(o.buf, "Flags: X - disabled\n"
                            " #    NAME  REGEXP\n"
                            " 0    web   ^(GET|POST) \n");
    ck_assert_int_eq(run(&w, "/queue tree print", &o), L7_OK);
    ck_assert_ptr_nonnull(strstr(o.buf, "web-q  global  web"));
    ck_assert_int_eq(run(&w, "/ip firewall connection tracking print", &o), L7_OK);
    ck_assert_ptr_nonnull(strstr(o.buf, "udp-timeout: 30s"));
    /* Without an engine, counters read 0 and connections are refused. */
    ck_assert_int_eq(run(&w, "/ip firewall filter print stats where action=drop", &o),
                     L7_OK);
    ck_assert_ptr_nonnull(strstr(o.buf, "forward  drop        0        0"));
    ck_assert_int_lt(run(&w, "/ip firewall connection print", &o), 0);
    ck_assert_uint_eq(o.n, 0);
    world_free(&w);
}
END_TEST

static const struct bad_case {
    const char *line;
    int rc;
    const char *message;
} bad_cases[] = {
    {"/log print where topics~\"firewall\"", L7_EUNSUPPORTED, "served by the host"},
    {"/ip firewall frob print", L7_ESYNTAX, "unknown menu"},
    {"/ip firewall filter print sideways", L7_ESYNTAX, "unexpected 'sideways'"},
    {"/ip firewall filter reset-counters 9", L7_ESYNTAX, "no such item 9"},
    {"/ip firewall filter frob 1", L7_ESYNTAX, "unknown console command 'frob'"},
    {"/ip firewall filter set 0 action=bogus", L7_ESYNTAX, "action"},
};

START_TEST(test_console_errors)
{
    const struct bad_case *c = &bad_cases[_i];
    world w;
    world_init(&w, true);
    l7_diag_list_clear(w.d);
    out o;
    ck_assert_int_eq(run(&w, c->line, &o), c->rc);
    ck_assert_uint_eq(o.n, 0);
    bool found = false;
    for (size_t k = 0; k < l7_diag_list_count(w.d); k++)
        found |= strstr(l7_diag_message(w.d, k), c->message) != NULL;
    ck_assert_msg(found, "%s: no '%s'", c->line, c->message);
    world_free(&w);
}
END_TEST

START_TEST(test_runtime_change)
{
    world w;
    world_init(&w, true);
    traffic(&w);
    uint64_t pk0, by0;
    l7_engine_rule_stats(&pk0, &by0, w.e, 4, L7_TABLE_FILTER, 0);
    l7_ruleset *old = l7_engine_ruleset(w.e);
    out o;
    /* A change runs through the loader and swaps the ruleset into the
     * engine; the unchanged rule keeps its counters. */
    ck_assert_int_eq(run(&w,
                         "/ip firewall filter set 1 comment=\"changed\"; "
                         "/ip firewall filter print where comment=changed",
                         &o),
                     L7_OK);
    ck_assert_ptr_ne(l7_engine_ruleset(w.e), old);
    ck_assert_ptr_nonnull(strstr(o.buf, ";;; changed"));
    uint64_t pk, by;
    ck_assert_int_eq(l7_engine_rule_stats(&pk, &by, w.e, 4, L7_TABLE_FILTER, 0), 0);
    ck_assert_uint_eq(pk, pk0);
    ck_assert_uint_eq(by, by0);
    /* Several lines: each change is loaded alone, at its own line. */
    l7_diag_list_clear(w.d);
    ck_assert_int_eq(run(&w,
                         "/ip firewall filter set 0 comment=first\n"
                         "/ip firewall filter set 2 comment=second; "
                         "/ip firewall filter set 9 comment=x",
                         &o),
                     L7_ESYNTAX);
    const char *v;
    l7_policy_rule_get(&v, l7_config_policy(w.cfg), 4, L7_TABLE_FILTER, 2, "comment");
    ck_assert_str_eq(v, "second");
    l7_policy_rule_get(&v, l7_config_policy(w.cfg), 4, L7_TABLE_FILTER, 0, "comment");
    ck_assert_str_eq(v, "first");
    ck_assert_uint_eq(l7_diag_list_count(w.d), 1);
    ck_assert_uint_eq(l7_diag_line(w.d, 0), 2);
    ck_assert_uint_eq(l7_diag_column(w.d, 0), 67);
    /* A failing change leaves everything as it was. */
    l7_ruleset *cur = l7_engine_ruleset(w.e);
    ck_assert_int_eq(run(&w, "/ip firewall filter add chain=forward action=bogus", &o),
                     L7_ESYNTAX);
    ck_assert_ptr_eq(l7_engine_ruleset(w.e), cur);
    ck_assert_uint_eq(l7_policy_rule_count(l7_config_policy(w.cfg), 4, L7_TABLE_FILTER),
                      3);
    ck_assert_int_eq(l7_console_create(NULL, w.cfg, NULL, NULL), L7_EINVAL);
    ck_assert_int_eq(l7_console_exec(w.con, NULL, 1, 0, sink, &o, NULL), L7_EINVAL);
    l7_console_destroy(NULL);
    world_free(&w);
}
END_TEST

/* The office setup (examples/office.rsc) over the office capture
 * (examples/data/office.pcap): print stats shows what the engine counted,
 * and the connection listing finds the classified connections. */
START_TEST(test_office_capture)
{
#ifndef L7T_HAVE_PCAP
    fprintf(stderr, "no libpcap, skipped\n");
#else
    const char *src = getenv("L7_SOURCE_DIR");
    if (!src) {
        fprintf(stderr, "no L7_SOURCE_DIR, skipped\n");
        return;
    }
    char path[1024];
    snprintf(path, sizeof(path), "%s/examples/office.rsc", src);
    size_t len;
    unsigned char *office = l7t_read_file(path, &len);
    ck_assert_ptr_nonnull(office);
    l7_config *cfg;
    l7_addrlist *al;
    l7_engine *e;
    l7_console *con;
    ck_assert_int_eq(l7_config_create(&cfg, NULL), L7_OK);
    ck_assert_int_eq(l7_config_load(cfg, "office.rsc", office, len, NULL, NULL), L7_OK);
    ck_assert_int_eq(l7_addrlist_create(&al, NULL, NULL), L7_OK);
    ck_assert_int_eq(l7_config_apply_addrlists(cfg, al, 0, NULL), L7_OK);
    l7_engine_options eo;
    l7_engine_options_init(&eo);
    eo.addrlists = al;
    ck_assert_int_eq(l7_engine_create(&e, l7_config_ruleset(cfg), &eo, NULL), L7_OK);
    ck_assert_int_eq(l7_console_create(&con, cfg, e, NULL), L7_OK);

    snprintf(path, sizeof(path), "%s/examples/data/office.pcap", src);
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_open_offline(path, err);
    ck_assert_msg(pc != NULL, "%s", err);
    struct pcap_pkthdr *h;
    const u_char *data;
    uint64_t now = 0;
    size_t frames = 0;
    while (pcap_next_ex(pc, &h, &data) == 1) {
        l7_verdict v;
        memset(&v, 0, sizeof(v));
        v.size = sizeof(v);
        now =
            (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec * 1000ull;
        ck_assert_int_eq(l7_engine_process(&v, e, data, h->caplen,
                                           (uint32_t)pcap_datalink(pc), NULL, now),
                         L7_OK);
        frames++;
    }
    pcap_close(pc);
    ck_assert_uint_gt(frames, 100);

    static out o;
    o.n = 0;
    static const char stats[] = "/ip firewall mangle print stats";
    ck_assert_int_eq(l7_console_exec(con, stats, strlen(stats), now, sink, &o, NULL),
                     L7_OK);
    /* Each row shows the engine's counters for that rule. */
    uint64_t total = 0;
    for (uint32_t i = 0; i < l7_policy_rule_count(l7_config_policy(cfg), 4, 1); i++) {
        uint64_t pk, by;
        ck_assert_int_eq(l7_engine_rule_stats(&pk, &by, e, 4, 1, i), L7_OK);
        char row[128];
        snprintf(row, sizeof(row), "%2u    prerouting  ", i);
        const char *at = strstr(o.buf, row);
        ck_assert_msg(at != NULL, "row %u missing:\n%s", i, o.buf);
        char nums[64];
        snprintf(nums, sizeof(nums), "%" PRIu64, by);
        const char *eol = strchr(at, '\n');
        ck_assert_ptr_nonnull(strstr(at, nums));
        ck_assert(strstr(at, nums) < eol);
        total += pk;
    }
    ck_assert_uint_gt(total, 0);
    o.n = 0;
    static const char q[] =
        "/ip firewall connection print where layer7-protocol=facebook";
    ck_assert_int_eq(l7_console_exec(con, q, strlen(q), now, sink, &o, NULL), L7_OK);
    ck_assert_ptr_nonnull(strstr(o.buf, "facebook"));
    ck_assert_ptr_nonnull(strstr(o.buf, "192.168.1."));
    /* Live address lists: the static entries plus a rule-added one. */
    l7_addr a;
    uint32_t lid;
    l7_value_parse_addr(&a, "10.1.2.3", 8, 4);
    l7_addrlist_list_id(&lid, al, "p2p-users", 9);
    ck_assert_int_eq(l7_addrlist_add_rule(al, lid, &a, 1, L7T_SEC(3600), now), L7_OK);
    ck_assert_int_eq(l7_console_set_addrlist(con, al), L7_OK);
    o.n = 0;
    static const char lists[] = "/ip firewall address-list print";
    ck_assert_int_eq(
        l7_console_exec(con, lists, strlen(lists), now + L7T_SEC(60), sink, &o, NULL),
        L7_OK);
    ck_assert_ptr_nonnull(strstr(o.buf, "MANAGEMENT   192.168.1.10-192.168.1.20"));
    ck_assert_ptr_nonnull(strstr(o.buf, " 3 D  p2p-users    10.1.2.3"));
    ck_assert_ptr_nonnull(strstr(o.buf, "59m"));
    o.n = 0;
    static const char dyn[] = "/ip firewall address-list print where dynamic";
    ck_assert_int_eq(l7_console_exec(con, dyn, strlen(dyn), now, sink, &o, NULL),
                     L7_OK);
    ck_assert_ptr_null(strstr(o.buf, "MANAGEMENT"));
    ck_assert_ptr_nonnull(strstr(o.buf, "p2p-users"));
    l7_console_destroy(con);
    l7_engine_destroy(e);
    l7_addrlist_destroy(al);
    l7_config_destroy(cfg);
    free(office);
#endif
}
END_TEST

static Suite *console_suite(void)
{
    Suite *s = suite_create("console");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_print_stats_after_traffic);
    tcase_add_test(tc, test_connection_print);
    tcase_add_test(tc, test_print_menus);
    tcase_add_loop_test(tc, test_console_errors, 0, (int)L7_ARRAY_SIZE(bad_cases));
    tcase_add_test(tc, test_runtime_change);
    tcase_add_test(tc, test_office_capture);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return l7t_run_suite(console_suite());
}
