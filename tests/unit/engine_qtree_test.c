/* Engine + queue tree: the verdict names the leaf an accepted packet enters
 * in the global HTB and in its out-interface's HTB (routeros-spec.md §6,
 * §7.2, Decision 13). The seed's setup (examples/office.rsc) with its
 * streaming-limit queue; a small script for the rest. */
#include "testutil.h"

#include "policy_frames.h"
#include "l7/l7.h"

#define N_CASES(a) ((int)(sizeof(a) / sizeof((a)[0])))

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Monday 2026-11-23 10:00:00 UTC. */
#define MON_10 1795428000ull
#define SAT_10 (MON_10 + 5 * 86400)

#define SYN    0x02
#define SYNACK 0x12
#define ACK    0x10
#define PSHACK 0x18

typedef struct rig {
    l7_config *cfg;
    l7_addrlist *al;
    l7_qtree *qt;
    l7_engine *e;
    l7_verdict v;
    uint8_t frame[2048];
} rig;

static void load(rig *r, const char *name, const char *text, size_t len)
{
    l7_diag_list *d;
    ck_assert_int_eq(l7_diag_list_create(&d, NULL), L7_OK);
    int rc = l7_config_load(r->cfg, name, (const uint8_t *)text, len, NULL, d);
    ck_assert_msg(rc == L7_OK, "%s: %s", name, l7_diag_message(d, 0));
    l7_diag_list_destroy(d);
}

static void load_str(rig *r, const char *name, const char *text)
{
    load(r, name, text, strlen(text));
}

/* Load `script` (and first examples/office.rsc when `office`), build the
 * tree and an engine with it attached. False when the source tree is not
 * reachable (then the test is skipped). */
static bool rig_init(rig *r, bool office, const char *script)
{
    memset(r, 0, sizeof(*r));
    ck_assert_int_eq(l7_config_create(&r->cfg, NULL), L7_OK);
    if (office) {
        const char *src = getenv("L7_SOURCE_DIR");
        if (!src) {
            fprintf(stderr, "no L7_SOURCE_DIR, skipped\n");
            l7_config_destroy(r->cfg);
            return false;
        }
        char path[1024];
        snprintf(path, sizeof(path), "%s/examples/office.rsc", src);
        size_t len;
        unsigned char *text = l7t_read_file(path, &len);
        ck_assert_ptr_nonnull(text);
        load(r, "office.rsc", (const char *)text, len);
        free(text);
    }
    if (script)
        load(r, "test.rsc", script, strlen(script));
    ck_assert_int_eq(l7_addrlist_create(&r->al, NULL, NULL), L7_OK);
    ck_assert_int_eq(l7_config_apply_addrlists(r->cfg, r->al, 0, NULL), L7_OK);
    l7_qtree_def *def;
    ck_assert_int_eq(l7_config_qtree_def(&def, r->cfg), L7_OK);
    ck_assert_int_eq(l7_qtree_create(&r->qt, def, NULL, 0, NULL), L7_OK);
    l7_qtree_def_destroy(def);
    l7_engine_options o;
    l7_engine_options_init(&o);
    o.addrlists = r->al;
    ck_assert_int_eq(l7_engine_create(&r->e, l7_config_ruleset(r->cfg), &o, NULL),
                     L7_OK);
    ck_assert_int_eq(l7_engine_set_qtree(r->e, r->qt), L7_OK);
    return true;
}

static void rig_fini(rig *r)
{
    l7_engine_destroy(r->e);
    l7_qtree_destroy(r->qt);
    l7_addrlist_destroy(r->al);
    l7_config_destroy(r->cfg);
}

static const l7_verdict *pkt(rig *r, const l7t_flow *f, int reply, uint8_t flags,
                             const char *payload, uint32_t hook, const char *out_if,
                             uint64_t now_s)
{
    size_t len = l7t_frame(r->frame, f, reply, flags, 1000, payload,
                           payload ? strlen(payload) : 0);
    l7_packet_meta m;
    l7_packet_meta_init(&m);
    m.hook = hook;
    m.out_interface = out_if;
    memset(&r->v, 0, sizeof(r->v));
    r->v.size = sizeof(r->v);
    ck_assert_int_eq(
        l7_engine_process(&r->v, r->e, r->frame, len, L7_LINK_IP, &m, L7T_SEC(now_s)),
        L7_OK);
    return &r->v;
}

static const char *str_or(const char *s)
{
    return s ? s : "none";
}

/* The queue fields agree with each other and with the tree. */
static void check_queues(const rig *r, const l7_verdict *v, const char *global,
                         const char *iface)
{
    ck_assert_str_eq(str_or(v->queue_global_name), str_or(global));
    ck_assert_str_eq(str_or(v->queue_interface_name), str_or(iface));
    if (global)
        ck_assert_str_eq(l7_qtree_queue_name(r->qt, v->queue_global), global);
    else
        ck_assert_uint_eq(v->queue_global, L7_VERDICT_NO_QUEUE);
    if (iface) {
        ck_assert_str_eq(l7_qtree_queue_name(r->qt, v->queue_interface), iface);
        ck_assert_uint_ne(v->queue_interface_root, L7_VERDICT_NO_QUEUE);
    } else {
        ck_assert_uint_eq(v->queue_interface, L7_VERDICT_NO_QUEUE);
        ck_assert_uint_eq(v->queue_interface_root, L7_VERDICT_NO_QUEUE);
    }
}

/* ---- the seed's setup --------------------------------------------------------------
 */

#define FB_REQ "GET / HTTP/1.1\r\nHost: www.facebook.com\r\n\r\n"
#define YT_REQ "GET /watch HTTP/1.1\r\nHost: www.youtube.com\r\n\r\n"
#define NF_REQ "GET / HTTP/1.1\r\nHost: www.netflix.com\r\n\r\n"
#define RESP   "HTTP/1.1 200 OK\r\n\r\n"

typedef struct office_case {
    const char *client;
    const char *req;
    uint64_t when;
    uint32_t req_verdict;
    const char *req_queue; /* global leaf of the request */
    const char *resp_queue;
} office_case;

static const office_case office_cases[] = {
    /* management: YouTube and Netflix allowed, and limited both ways */
    {"192.168.1.15", YT_REQ, MON_10, L7_VERDICT_ACCEPT, "streaming-limit",
     "streaming-limit"},
    {"192.168.1.15", NF_REQ, MON_10, L7_VERDICT_ACCEPT, "streaming-limit",
     "streaming-limit"},
    /* Facebook has no packet mark: not shaped */
    {"192.168.1.15", FB_REQ, MON_10, L7_VERDICT_ACCEPT, NULL, NULL},
    /* an employee's YouTube after hours: limited */
    {"192.168.1.150", YT_REQ, MON_10 + 8 * 3600, L7_VERDICT_ACCEPT, "streaming-limit",
     "streaming-limit"},
    /* in hours the request is dropped (never reaches a queue); the server's
     * answer is accepted with its mark, so it is limited */
    {"192.168.1.150", YT_REQ, MON_10, L7_VERDICT_DROP, NULL, "streaming-limit"},
    /* a contractor's Netflix: dropped */
    {"192.168.2.5", NF_REQ, SAT_10, L7_VERDICT_DROP, NULL, "streaming-limit"},
    /* unmarked traffic */
    {"192.168.1.150", "hello", MON_10, L7_VERDICT_ACCEPT, NULL, NULL},
};

START_TEST(test_office_streaming)
{
    const office_case *c = &office_cases[_i];
    rig r;
    if (!rig_init(&r, true, NULL))
        return;
    l7t_flow f = {c->client, "142.250.1.1", 6, (uint16_t)(42000 + _i), 80, 0};
    /* handshake: no mark yet */
    check_queues(&r, pkt(&r, &f, 0, SYN, NULL, L7_HOOK_FORWARD, "ether1", c->when),
                 NULL, NULL);
    ck_assert_uint_eq(r.v.queue_mark, L7_QTREE_NO_MARK);
    check_queues(&r, pkt(&r, &f, 1, SYNACK, NULL, L7_HOOK_FORWARD, "ether2", c->when),
                 NULL, NULL);
    pkt(&r, &f, 0, ACK, NULL, L7_HOOK_FORWARD, "ether1", c->when);
    const l7_verdict *v =
        pkt(&r, &f, 0, PSHACK, c->req, L7_HOOK_FORWARD, "ether1", c->when);
    ck_assert_uint_eq(v->verdict, c->req_verdict);
    check_queues(&r, v, c->req_queue, NULL);
    v = pkt(&r, &f, 1, PSHACK, RESP, L7_HOOK_FORWARD, "ether2", c->when);
    check_queues(&r, v, c->resp_queue, NULL);
    if (c->resp_queue) {
        /* the mark id is the one the host passes to l7_qtree_enqueue() */
        uint32_t leaf;
        ck_assert_int_eq(
            l7_qtree_classify(&leaf, r.qt, L7_QTREE_ROOT_GLOBAL, v->queue_mark), L7_OK);
        ck_assert_uint_eq(leaf, v->queue_global);
        l7_qtree_verdict qv;
        uint32_t q;
        ck_assert_int_eq(l7_qtree_enqueue(&qv, &q, r.qt, L7_QTREE_ROOT_GLOBAL,
                                          v->queue_mark, 1, 60, L7T_SEC(c->when)),
                         L7_OK);
        ck_assert_uint_eq(qv, L7_QTREE_QUEUED);
        ck_assert_uint_eq(q, v->queue_global);
        l7_qtree_packet p;
        ck_assert_int_eq(l7_qtree_flush(&p, r.qt, L7_QTREE_ROOT_GLOBAL, 0), L7_OK);
        ck_assert_uint_eq(p.handle, 1);
    }
    rig_fini(&r);
}
END_TEST

/* ---- global and interface roots
 * ------------------------------------------------------
 */

static const char small_script[] =
    "/ip firewall mangle add chain=forward action=mark-packet protocol=tcp "
    "dst-port=80 new-packet-mark=web passthrough=no\n"
    "/ip firewall mangle add chain=forward action=mark-packet protocol=tcp "
    "dst-port=22 new-packet-mark=ssh passthrough=no\n"
    "/ip firewall mangle add chain=input action=mark-packet protocol=tcp "
    "dst-port=80 new-packet-mark=web passthrough=no\n"
    "/ip firewall mangle add chain=output action=mark-packet protocol=tcp "
    "dst-port=80 new-packet-mark=web passthrough=no\n"
    "/ip firewall filter add chain=forward action=drop protocol=tcp dst-port=23\n"
    "/ip firewall filter add chain=forward action=reject protocol=tcp dst-port=24\n"
    "/queue tree add name=web-first parent=global packet-mark=web\n"
    "/queue tree add name=web-second parent=global packet-mark=web,ssh\n"
    "/queue tree add name=tls-q parent=global packet-mark=tls\n"
    "/queue tree add name=up parent=ether1 max-limit=10M\n"
    "/queue tree add name=up-web parent=up packet-mark=web\n"
    "/queue tree add name=up-rest parent=up packet-mark=no-mark\n";

typedef struct route_case {
    uint16_t dport;
    uint32_t hook;
    const char *out_if;
    uint32_t verdict;
    const char *global, *iface;
} route_case;

static const route_case route_cases[] = {
    /* two leaves take `web`: the first in configuration order (Decision 13) */
    {80, L7_HOOK_FORWARD, "ether1", L7_VERDICT_ACCEPT, "web-first", "up-web"},
    /* the interface HTB only for the interface that has one */
    {80, L7_HOOK_FORWARD, "ether2", L7_VERDICT_ACCEPT, "web-first", NULL},
    {80, L7_HOOK_FORWARD, NULL, L7_VERDICT_ACCEPT, "web-first", NULL},
    {80, L7_HOOK_FORWARD, "global", L7_VERDICT_ACCEPT, "web-first", NULL},
    /* `ssh` is named only by the second global leaf; the interface's
     * no-mark leaf does not take a marked packet */
    {22, L7_HOOK_FORWARD, "ether1", L7_VERDICT_ACCEPT, "web-second", NULL},
    /* unmarked: no global leaf takes no-mark; the interface one does */
    {443, L7_HOOK_FORWARD, "ether1", L7_VERDICT_ACCEPT, NULL, "up-rest"},
    {443, L7_HOOK_FORWARD, "ether2", L7_VERDICT_ACCEPT, NULL, NULL},
    /* dropped or rejected packets never reach a queue */
    {23, L7_HOOK_FORWARD, "ether1", L7_VERDICT_DROP, NULL, NULL},
    {24, L7_HOOK_FORWARD, "ether1", L7_VERDICT_REJECT, NULL, NULL},
    /* input: global HTB only (no egress); output: both */
    {80, L7_HOOK_INPUT, "ether1", L7_VERDICT_ACCEPT, "web-first", NULL},
    {80, L7_HOOK_OUTPUT, "ether1", L7_VERDICT_ACCEPT, "web-first", "up-web"},
};

START_TEST(test_roots)
{
    const route_case *c = &route_cases[_i];
    rig r;
    rig_init(&r, false, small_script);
    l7t_flow f = {"10.0.0.1", "10.0.1.1", 6, 40000, c->dport, 0};
    const l7_verdict *v = pkt(&r, &f, 0, SYN, NULL, c->hook, c->out_if, MON_10);
    ck_assert_uint_eq(v->verdict, c->verdict);
    check_queues(&r, v, c->global, c->iface);
    if (c->iface) {
        uint32_t root;
        ck_assert_int_eq(l7_qtree_root_lookup(&root, r.qt, c->out_if), L7_OK);
        ck_assert_uint_eq(v->queue_interface_root, root);
    }
    rig_fini(&r);
}
END_TEST

/* Detach, re-attach, a ruleset swap that brings a new packet-mark name, an
 * old-size verdict struct. */
START_TEST(test_attach_swap_abi)
{
    rig r;
    rig_init(&r, false, small_script);
    l7t_flow web = {"10.0.0.1", "10.0.1.1", 6, 40000, 80, 0};
    l7t_flow tls = {"10.0.0.1", "10.0.1.1", 6, 40001, 443, 0};
    check_queues(&r, pkt(&r, &web, 0, SYN, NULL, 0, "ether1", MON_10), "web-first",
                 "up-web");
    uint32_t id;
    ck_assert_int_eq(l7_qtree_mark_lookup(&id, r.qt, "web"), L7_OK);
    ck_assert_uint_eq(r.v.queue_mark, id);

    ck_assert_int_eq(l7_engine_set_qtree(r.e, NULL), L7_OK);
    const l7_verdict *v = pkt(&r, &web, 0, ACK, NULL, 0, "ether1", MON_10);
    ck_assert_str_eq(str_or(v->packet_mark), "web");
    check_queues(&r, v, NULL, NULL);
    ck_assert_uint_eq(v->queue_mark, L7_VERDICT_NO_QUEUE);
    ck_assert_int_eq(l7_engine_set_qtree(NULL, r.qt), L7_EINVAL);
    ck_assert_int_eq(l7_engine_set_qtree(r.e, r.qt), L7_OK);

    /* `tls` is named by a queue but by no rule yet */
    check_queues(&r, pkt(&r, &tls, 0, SYN, NULL, 0, "ether2", MON_10), NULL, NULL);
    load_str(&r, "swap.rsc",
             "/ip firewall mangle add chain=forward action=mark-packet protocol=tcp "
             "dst-port=443 new-packet-mark=tls passthrough=no\n");
    ck_assert_int_eq(l7_engine_set_ruleset(r.e, l7_config_ruleset(r.cfg)), L7_OK);
    v = pkt(&r, &tls, 0, ACK, NULL, 0, "ether2", MON_10);
    ck_assert_str_eq(str_or(v->packet_mark), "tls");
    check_queues(&r, v, "tls-q", NULL);
    check_queues(&r, pkt(&r, &web, 0, ACK, NULL, 0, "ether1", MON_10), "web-first",
                 "up-web");
    /* a mark no queue names */
    load_str(&r, "swap2.rsc",
             "/ip firewall mangle add chain=forward action=mark-packet protocol=tcp "
             "dst-port=8080 new-packet-mark=alt passthrough=no\n");
    ck_assert_int_eq(l7_engine_set_ruleset(r.e, l7_config_ruleset(r.cfg)), L7_OK);
    l7t_flow alt = {"10.0.0.1", "10.0.1.1", 6, 40002, 8080, 0};
    v = pkt(&r, &alt, 0, SYN, NULL, 0, "ether1", MON_10);
    ck_assert_str_eq(str_or(v->packet_mark), "alt");
    check_queues(&r, v, NULL, NULL); /* not even the no-mark leaf */
    ck_assert_uint_eq(v->queue_mark, L7_VERDICT_NO_QUEUE);

    /* a caller that knows the struct without the queue fields */
    size_t len = l7t_frame(r.frame, &web, 0, ACK, 1000, NULL, 0);
    union {
        l7_verdict v;
        uint8_t b[sizeof(l7_verdict)];
    } old;
    memset(&old, 0xAB, sizeof(old));
    old.v.size = (uint32_t)offsetof(l7_verdict, queue_global);
    ck_assert_int_eq(l7_engine_process(&old.v, r.e, r.frame, len, L7_LINK_IP, NULL, 0),
                     L7_OK);
    ck_assert_uint_eq(old.v.size, offsetof(l7_verdict, queue_global));
    ck_assert_uint_eq(old.v.verdict, L7_VERDICT_ACCEPT);
    for (size_t i = offsetof(l7_verdict, queue_global); i < sizeof(old); i++)
        ck_assert_uint_eq(old.b[i], 0xAB);
    rig_fini(&r);
}
END_TEST

/* FastTrack (§5.4): the packet that flags the connection ran the tables
 * and goes to the global HTB; later packets skip it (and mangle: no mark)
 * but interface queues still apply. */
START_TEST(test_fasttrack_skips_global)
{
    rig r;
    rig_init(&r, false,
             "/ip firewall filter add chain=forward action=fasttrack-connection "
             "connection-state=established\n"
             "/ip firewall filter add chain=forward action=accept "
             "connection-state=established\n"
             "/queue tree add name=g-rest parent=global packet-mark=no-mark\n"
             "/queue tree add name=up-rest parent=ether1 packet-mark=no-mark\n");
    l7t_flow f = {"10.0.0.1", "10.0.1.1", 6, 40000, 80, 0};
    const l7_verdict *v = pkt(&r, &f, 0, SYN, NULL, 0, "ether1", MON_10);
    ck_assert_uint_eq(v->fasttrack, 0);
    check_queues(&r, v, "g-rest", "up-rest");
    v = pkt(&r, &f, 1, SYNACK, NULL, 0, "ether2", MON_10);
    ck_assert_uint_eq(v->fasttrack, 1);
    check_queues(&r, v, "g-rest", NULL);
    v = pkt(&r, &f, 0, ACK, NULL, 0, "ether1", MON_10);
    ck_assert_uint_eq(v->fasttrack, 1);
    ck_assert_uint_eq(v->has_rule, 0); /* the fast path */
    check_queues(&r, v, NULL, "up-rest");
    rig_fini(&r);
}
END_TEST

static Suite *engine_qtree_suite(void)
{
    Suite *s = suite_create("engine_qtree");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_office_streaming, 0, N_CASES(office_cases));
    tcase_add_loop_test(tc, test_roots, 0, N_CASES(route_cases));
    tcase_add_test(tc, test_attach_swap_abi);
    tcase_add_test(tc, test_fasttrack_skips_global);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return l7t_run_suite(engine_qtree_suite());
}
