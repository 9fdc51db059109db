/* Engine: the packet path with the real parser, conntrack, inspector and
 * address lists. The seed's "complete layer-7 content filtering setup"
 * built through the public API, its hole pinned, address lists with a
 * timeout, ruleset swaps under traffic, the fast path, fragments, logs. */
#include "testutil.h"

#include "policy_frames.h"
#include "l7/l7.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Monday 2026-11-23 10:00:00 UTC (the engine's zone is UTC here). */
#define MON_10 1795428000ull
#define SAT_10 (MON_10 + 5 * 86400)

/* ---- helpers ----------------------------------------------------------------------
 */

typedef struct logbook {
    int n, warnings;
    char last[256];
    char last_prefix[64];
    uint32_t last_pos;
} logbook;

static int log_cb(const l7_log_event *ev, void *user)
{
    logbook *lb = user;
    if (ev->severity == L7_LOG_WARNING)
        lb->warnings++;
    else
        lb->n++;
    l7_engine_log_format(lb->last, sizeof(lb->last), ev);
    snprintf(lb->last_prefix, sizeof(lb->last_prefix), "%s", ev->prefix);
    lb->last_pos = ev->position;
    return 0;
}

/* Add one rule from "prop=value ..." text; `_` stands for a space. */
static void add_rule(l7_policy *p, uint32_t family, uint32_t table, const char *text)
{
    uint32_t pos;
    ck_assert_int_eq(l7_policy_rule_add(&pos, p, family, table, L7_POLICY_APPEND),
                     L7_OK);
    char buf[512];
    snprintf(buf, sizeof(buf), "%s", text);
    for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
        char *eq = strchr(tok, '=');
        ck_assert_ptr_nonnull(eq);
        *eq = 0;
        for (char *c = eq + 1; *c; c++)
            if (*c == '_')
                *c = ' ';
        int rc = l7_policy_rule_set(p, family, table, pos, tok, eq + 1, strlen(eq + 1),
                                    NULL);
        ck_assert_msg(rc == L7_OK, "%s=%s: %d", tok, eq + 1, rc);
    }
}

static void add_proto(l7_policy *p, const char *name, const char *re)
{
    uint32_t id;
    ck_assert_int_eq(
        l7_protoset_add(&id, l7_policy_protocols(p), name, re, strlen(re), NULL),
        L7_OK);
}

static void add_addr(l7_addrlist *al, const char *list, const char *text)
{
    uint32_t id;
    ck_assert_int_eq(l7_addrlist_list_id(&id, al, list, strlen(list)), L7_OK);
    l7_value_addrspec spec;
    ck_assert_int_eq(l7_value_parse_addrspec(&spec, text, strlen(text), 0), L7_OK);
    ck_assert_int_eq(l7_addrlist_add(al, id, &spec, NULL, 0), L7_OK);
}

static l7_ruleset *compile(l7_policy *p)
{
    l7_diag_list *d;
    ck_assert_int_eq(l7_diag_list_create(&d, NULL), L7_OK);
    l7_ruleset *rs = NULL;
    int rc = l7_ruleset_compile(&rs, p, d);
    ck_assert_msg(rc == L7_OK, "compile: %s", l7_diag_message(d, 0));
    l7_diag_list_destroy(d);
    return rs;
}

typedef struct world {
    l7_policy *p;
    l7_ruleset *rs;
    l7_addrlist *al;
    l7_engine *e;
    logbook log;
    l7_verdict v;
    uint8_t frame[4096];
} world;

static uint32_t next_match_limit;

static void world_engine(world *w, uint32_t flags)
{
    w->rs = compile(w->p);
    l7_engine_options o;
    l7_engine_options_init(&o);
    o.flags = flags;
    o.addrlists = w->al;
    o.log_fn = log_cb;
    o.log_user = &w->log;
    o.hash_seed = 42;
    o.regex_match_limit = next_match_limit;
    next_match_limit = 0;
    ck_assert_int_eq(l7_engine_create(&w->e, w->rs, &o, NULL), L7_OK);
}

static void world_init(world *w)
{
    memset(w, 0, sizeof(*w));
    ck_assert_int_eq(l7_policy_create(&w->p, NULL), L7_OK);
    ck_assert_int_eq(l7_addrlist_create(&w->al, NULL, NULL), L7_OK);
}

static void world_fini(world *w)
{
    l7_engine_destroy(w->e);
    l7_ruleset_destroy(w->rs);
    l7_addrlist_destroy(w->al);
    l7_policy_destroy(w->p);
}

/* One packet of `f` (reply: from the responder) through the engine. */
static const l7_verdict *pkt(world *w, const l7t_flow *f, int reply, uint8_t flags,
                             const char *payload, uint64_t now_s)
{
    size_t len = l7t_frame(w->frame, f, reply, flags, 1000, payload,
                           payload ? strlen(payload) : 0);
    l7_packet_meta m;
    l7_packet_meta_init(&m);
    m.in_interface = reply ? "ether1" : "ether2";
    m.out_interface = reply ? "ether2" : "ether1";
    m.cookie = 7;
    memset(&w->v, 0, sizeof(w->v));
    w->v.size = sizeof(w->v);
    ck_assert_int_eq(
        l7_engine_process(&w->v, w->e, w->frame, len, L7_LINK_IP, &m, L7T_SEC(now_s)),
        L7_OK);
    return &w->v;
}

#define SYN    0x02
#define SYNACK 0x12
#define ACK    0x10
#define PSHACK 0x18

/* TCP handshake then a request and a response; returns the verdict of the
 * response (the last packet). */
static const l7_verdict *tcp_talk(world *w, const l7t_flow *f, const char *req,
                                  const char *resp, uint64_t t)
{
    pkt(w, f, 0, SYN, NULL, t);
    pkt(w, f, 1, SYNACK, NULL, t);
    pkt(w, f, 0, ACK, NULL, t);
    pkt(w, f, 0, PSHACK, req, t);
    return pkt(w, f, 1, PSHACK, resp, t);
}

static const char *str_or(const char *s)
{
    return s ? s : "(null)";
}

/* ---- basics -----------------------------------------------------------------------
 */

START_TEST(test_basic_flow)
{
    world w;
    world_init(&w);
    add_rule(w.p, 4, L7_TABLE_FILTER,
             "chain=forward action=accept connection-state=established,related");
    add_rule(w.p, 4, L7_TABLE_FILTER,
             "chain=forward action=drop protocol=tcp dst-port=23 comment=no_telnet");
    world_engine(&w, 0);
    l7t_flow web = {"10.0.0.1", "10.0.1.1", 6, 40000, 80, 0};
    const l7_verdict *v = pkt(&w, &web, 0, SYN, NULL, MON_10);
    ck_assert_uint_eq(v->verdict, L7_VERDICT_ACCEPT);
    ck_assert_uint_eq(v->conn_state, L7_CT_NEW);
    ck_assert_uint_eq(v->has_rule, 0);
    ck_assert_ptr_nonnull(v->connection);
    ck_assert_uint_eq(v->cookie_count, 1);
    ck_assert_uint_eq(v->cookies[0], 7);
    v = pkt(&w, &web, 1, SYNACK, NULL, MON_10);
    ck_assert_uint_eq(v->conn_state, L7_CT_ESTABLISHED); /* Decision 21 */
    ck_assert_uint_eq(v->direction, L7_CT_DIR_REPLY);
    ck_assert_uint_eq(v->has_rule, 1);
    ck_assert_uint_eq(v->rule_position, 0);
    ck_assert_str_eq(v->rule_chain, "forward");

    l7t_flow telnet = {"10.0.0.1", "10.0.1.1", 6, 40001, 23, 0};
    v = pkt(&w, &telnet, 0, SYN, NULL, MON_10);
    ck_assert_uint_eq(v->verdict, L7_VERDICT_DROP);
    ck_assert_uint_eq(v->rule_position, 1);
    ck_assert_str_eq(v->rule_comment, "no telnet");
    uint64_t packets, bytes;
    ck_assert_int_eq(l7_engine_rule_stats(&packets, &bytes, w.e, 4, 0, 1), L7_OK);
    ck_assert_uint_eq(packets, 1);
    ck_assert_uint_eq(bytes, 40);
    ck_assert_int_eq(l7_engine_rule_stats(&packets, &bytes, w.e, 4, 0, 0), L7_OK);
    ck_assert_uint_eq(packets, 1);
    ck_assert_int_eq(l7_engine_rule_stats(&packets, NULL, w.e, 4, 0, 9), L7_ENOTFOUND);
    ck_assert_int_eq(l7_engine_reset_rule_stats(w.e, 4, 0, 1), L7_OK);
    l7_engine_rule_stats(&packets, NULL, w.e, 4, 0, 1);
    ck_assert_uint_eq(packets, 0);
    ck_assert_int_eq(l7_engine_reset_all_stats(w.e, 4, 0), L7_OK);
    l7_engine_rule_stats(&packets, NULL, w.e, 4, 0, 0);
    ck_assert_uint_eq(packets, 0);
    ck_assert_uint_eq(l7_engine_stat(w.e, L7_ENGINE_STAT_PACKETS), 3);
    ck_assert_uint_eq(l7_engine_stat(w.e, L7_ENGINE_STAT_DROPPED), 1);
    ck_assert_uint_eq(l7_engine_stat(w.e, L7_ENGINE_STAT_CONNECTIONS), 2);

    /* malformed: dropped and counted, never an error */
    uint8_t junk[10] = {0x45, 0, 0, 10};
    l7_verdict jv;
    memset(&jv, 0, sizeof(jv));
    jv.size = sizeof(jv);
    ck_assert_int_eq(
        l7_engine_process(&jv, w.e, junk, sizeof(junk), L7_LINK_IP, NULL, 0), L7_OK);
    ck_assert_uint_eq(jv.verdict, L7_VERDICT_DROP);
    ck_assert_uint_eq(jv.invalid, L7_INVALID_PACKET);
    ck_assert_uint_eq(jv.packet_status, L7_PACKET_TRUNCATED_IP);
    ck_assert_uint_eq(l7_engine_invalid_count(w.e, L7_PACKET_TRUNCATED_IP), 1);
    ck_assert_uint_eq(l7_engine_stat(w.e, L7_ENGINE_STAT_INVALID_PACKET), 1);
    /* bad arguments */
    ck_assert_int_eq(l7_engine_process(NULL, w.e, junk, 1, L7_LINK_IP, NULL, 0),
                     L7_EINVAL);
    jv.size = 4;
    ck_assert_int_eq(l7_engine_process(&jv, w.e, junk, 1, L7_LINK_IP, NULL, 0),
                     L7_EINVAL);
    world_fini(&w);
}
END_TEST

/* ---- the seed's complete setup -----------------------------------------------------
 */

static void seed_setup(world *w)
{
    /* 1. layer-7 protocols (regexps as the console unescapes them) */
    add_proto(w->p, "facebook", "^.*(facebook|fbcdn).*$");
    add_proto(w->p, "youtube", "^.*(youtube|googlevideo).*$");
    add_proto(w->p, "netflix", "^.*(netflix|nflxvideo).*$");
    add_proto(w->p, "bittorrent", "^(\\x13BitTorrent protocol|\\x42\\x54:)");
    add_proto(w->p, "steam", "^.*(steam|steamcontent).*$");
    add_proto(w->p, "teamviewer", "^.*(teamviewer|dyngate).*$");
    /* 2. user groups */
    add_addr(w->al, "MANAGEMENT", "192.168.1.10-192.168.1.20");
    add_addr(w->al, "EMPLOYEES", "192.168.1.100-192.168.1.200");
    add_addr(w->al, "CONTRACTORS", "192.168.2.0/24");
    /* 3. mark connections */
    const uint32_t M = L7_TABLE_MANGLE, F = L7_TABLE_FILTER;
    add_rule(w->p, 4, M,
             "chain=prerouting action=mark-connection layer7-protocol=facebook "
             "new-connection-mark=facebook-conn passthrough=yes");
    add_rule(w->p, 4, M,
             "chain=prerouting action=mark-connection layer7-protocol=youtube "
             "new-connection-mark=youtube-conn passthrough=yes");
    add_rule(w->p, 4, M,
             "chain=prerouting action=mark-connection layer7-protocol=netflix "
             "new-connection-mark=netflix-conn passthrough=yes");
    add_rule(w->p, 4, M,
             "chain=prerouting action=mark-connection layer7-protocol=bittorrent "
             "new-connection-mark=p2p-conn passthrough=yes");
    add_rule(w->p, 4, M,
             "chain=prerouting action=mark-connection layer7-protocol=steam "
             "new-connection-mark=gaming-conn passthrough=yes");
    /* 4. management */
    add_rule(w->p, 4, F,
             "chain=forward action=accept src-address-list=MANAGEMENT "
             "comment=Full_access_for_management");
    /* 5. employees in work hours */
    add_rule(w->p, 4, F,
             "chain=forward action=drop src-address-list=EMPLOYEES "
             "connection-mark=facebook-conn time=8h-17h,mon,tue,wed,thu,fri "
             "comment=Block_Facebook_for_employees");
    add_rule(w->p, 4, F,
             "chain=forward action=drop src-address-list=EMPLOYEES "
             "connection-mark=youtube-conn time=8h-17h,mon,tue,wed,thu,fri "
             "comment=Block_YouTube_for_employees");
    add_rule(w->p, 4, F,
             "chain=forward action=drop src-address-list=EMPLOYEES "
             "connection-mark=gaming-conn time=8h-17h,mon,tue,wed,thu,fri "
             "comment=Block_gaming_for_employees");
    /* 6. contractors */
    add_rule(
        w->p, 4, F,
        "chain=forward action=drop src-address-list=CONTRACTORS "
        "connection-mark=facebook-conn comment=Block_social_media_for_contractors");
    add_rule(w->p, 4, F,
             "chain=forward action=drop src-address-list=CONTRACTORS "
             "connection-mark=netflix-conn comment=Block_streaming_for_contractors");
    add_rule(w->p, 4, F,
             "chain=forward action=drop src-address-list=CONTRACTORS "
             "connection-mark=p2p-conn comment=Block_P2P_for_contractors");
    add_rule(w->p, 4, F,
             "chain=forward action=drop src-address-list=CONTRACTORS "
             "connection-mark=gaming-conn comment=Block_gaming_for_contractors");
    /* 7. P2P globally */
    add_rule(w->p, 4, F,
             "chain=forward action=drop connection-mark=p2p-conn "
             "comment=Block_P2P_globally");
    /* 8. streaming packet marks */
    add_rule(w->p, 4, M,
             "chain=prerouting action=mark-packet connection-mark=youtube-conn "
             "new-packet-mark=youtube-traffic passthrough=no");
    add_rule(w->p, 4, M,
             "chain=prerouting action=mark-packet connection-mark=netflix-conn "
             "new-packet-mark=netflix-traffic passthrough=no");
    /* 9. logging (a list of connection marks: Decision 9) */
    add_rule(w->p, 4, F,
             "chain=forward action=log log-prefix=BLOCKED-APP:_ "
             "connection-mark=facebook-conn,youtube-conn src-address-list=EMPLOYEES "
             "time=8h-17h,mon,tue,wed,thu,fri");
    world_engine(w, 0);
}

#define FB_REQ "GET / HTTP/1.1\r\nHost: www.facebook.com\r\n\r\n"
#define YT_REQ "GET /watch HTTP/1.1\r\nHost: www.youtube.com\r\n\r\n"
#define NF_REQ "GET / HTTP/1.1\r\nHost: www.netflix.com\r\n\r\n"
#define BT_HS                                                                          \
    "\x13"                                                                             \
    "BitTorrent protocol\0\0\0\0\0\0\0\0"
#define RESP "HTTP/1.1 200 OK\r\n\r\n"

typedef struct seed_case {
    const char *client;
    uint16_t sport;
    const char *req;
    uint64_t when;
    /* expected for the request packet (the classifying one) */
    uint32_t req_verdict;
    const char *conn_mark;
    const char *l7;
    const char *comment; /* deciding rule's comment, NULL for none */
    int logs;            /* log events for the request */
    /* the response from the server */
    uint32_t resp_verdict;
    const char *resp_packet_mark;
} seed_case;

static const seed_case seed_cases[] = {
    /* management: everything allowed, the mark is still set */
    {"192.168.1.15", 41000, FB_REQ, MON_10, L7_VERDICT_ACCEPT, "facebook-conn",
     "facebook", "Full access for management", 0, L7_VERDICT_ACCEPT, NULL},
    /* employees: Facebook blocked in work hours (and logged) ... */
    {"192.168.1.150", 41001, FB_REQ, MON_10, L7_VERDICT_DROP, "facebook-conn",
     "facebook", "Block Facebook for employees", 0, L7_VERDICT_ACCEPT, NULL},
    /* ... allowed at the weekend */
    {"192.168.1.150", 41002, FB_REQ, SAT_10, L7_VERDICT_ACCEPT, "facebook-conn",
     "facebook", NULL, 0, L7_VERDICT_ACCEPT, NULL},
    /* ... and after hours */
    {"192.168.1.150", 41003, YT_REQ, MON_10 + 8 * 3600, L7_VERDICT_ACCEPT,
     "youtube-conn", "youtube", NULL, 0, L7_VERDICT_ACCEPT, "youtube-traffic"},
    /* YouTube in work hours: dropped, and the packet mark is set in mangle */
    {"192.168.1.150", 41004, YT_REQ, MON_10, L7_VERDICT_DROP, "youtube-conn", "youtube",
     "Block YouTube for employees", 0, L7_VERDICT_ACCEPT, "youtube-traffic"},
    /* contractors: Netflix blocked at any time */
    {"192.168.2.5", 41005, NF_REQ, SAT_10, L7_VERDICT_DROP, "netflix-conn", "netflix",
     "Block streaming for contractors", 0, L7_VERDICT_ACCEPT, "netflix-traffic"},
    /* contractors: Facebook too */
    {"192.168.2.5", 41006, FB_REQ, SAT_10, L7_VERDICT_DROP, "facebook-conn", "facebook",
     "Block social media for contractors", 0, L7_VERDICT_ACCEPT, NULL},
    /* P2P: an employee's BitTorrent is blocked globally (both directions) */
    {"192.168.1.150", 41007, BT_HS, SAT_10, L7_VERDICT_DROP, "p2p-conn", "bittorrent",
     "Block P2P globally", 0, L7_VERDICT_DROP, NULL},
    /* a guest outside every list: P2P still blocked */
    {"192.168.3.3", 41008, BT_HS, MON_10, L7_VERDICT_DROP, "p2p-conn", "bittorrent",
     "Block P2P globally", 0, L7_VERDICT_DROP, NULL},
    /* unmatched traffic: no mark, accepted */
    {"192.168.1.150", 41009, "hello", MON_10, L7_VERDICT_ACCEPT, NULL, NULL, NULL, 0,
     L7_VERDICT_ACCEPT, NULL},
};

START_TEST(test_seed_setup)
{
    const seed_case *c = &seed_cases[_i];
    world w;
    world_init(&w);
    seed_setup(&w);
    l7t_flow f = {c->client, "157.240.1.35", 6, c->sport, 80, 0};
    pkt(&w, &f, 0, SYN, NULL, c->when);
    pkt(&w, &f, 1, SYNACK, NULL, c->when);
    const l7_verdict *v = pkt(&w, &f, 0, ACK, NULL, c->when);
    ck_assert_uint_eq(v->verdict, L7_VERDICT_ACCEPT);
    ck_assert_ptr_null(v->layer7_protocol); /* still inspecting */
    int logs_before = w.log.n;
    size_t reqlen = c->req[0] == '\x13' ? 28 : strlen(c->req);
    size_t len = l7t_frame(w.frame, &f, 0, PSHACK, 1001, c->req, reqlen);
    l7_verdict rv;
    memset(&rv, 0, sizeof(rv));
    rv.size = sizeof(rv);
    ck_assert_int_eq(
        l7_engine_process(&rv, w.e, w.frame, len, L7_LINK_IP, NULL, L7T_SEC(c->when)),
        L7_OK);
    ck_assert_msg(rv.verdict == c->req_verdict, "verdict %u", rv.verdict);
    ck_assert_str_eq(str_or(rv.connection_mark), str_or(c->conn_mark));
    ck_assert_str_eq(str_or(rv.layer7_protocol), str_or(c->l7));
    if (c->comment) {
        ck_assert_uint_eq(rv.has_rule, 1);
        ck_assert_str_eq(str_or(rv.rule_comment), c->comment);
        ck_assert_uint_eq(rv.rule_table, L7_TABLE_FILTER);
    }
    /* the log rule comes after the drops: a dropped packet is not logged;
     * an accepted one of a marked employee connection in hours would be */
    ck_assert_int_eq(w.log.n - logs_before, c->logs);
    v = pkt(&w, &f, 1, PSHACK, RESP, c->when);
    ck_assert_uint_eq(v->verdict, c->resp_verdict);
    ck_assert_str_eq(str_or(v->packet_mark), str_or(c->resp_packet_mark));
    ck_assert_str_eq(str_or(v->connection_mark), str_or(c->conn_mark));
    world_fini(&w);
}
END_TEST

/* The seed's log rule sits behind the drops with the same matchers and the
 * same window: a dropped packet never reaches it, so it logs nothing while
 * the drops are active (pinned here and in docs/policy.md). With the
 * Facebook drop disabled, it logs the employee's packets. */
START_TEST(test_seed_logging)
{
    world w;
    world_init(&w);
    seed_setup(&w);
    l7t_flow f = {"192.168.1.150", "157.240.1.35", 6, 42000, 80, 0};
    tcp_talk(&w, &f, FB_REQ, RESP, MON_10);
    ck_assert_int_eq(w.log.n, 0);
    /* disable "Block Facebook for employees": the log rule now sees it */
    ck_assert_int_eq(
        l7_policy_rule_set(w.p, 4, L7_TABLE_FILTER, 1, "disabled", "yes", 3, NULL),
        L7_OK);
    l7_ruleset *rs2 = compile(w.p);
    ck_assert_int_eq(l7_engine_set_ruleset(w.e, rs2), L7_OK);
    l7_ruleset_destroy(rs2);
    const l7_verdict *v = pkt(&w, &f, 0, PSHACK, "more", MON_10 + 1);
    ck_assert_uint_eq(v->verdict, L7_VERDICT_ACCEPT);
    ck_assert_int_eq(w.log.n, 1);
    ck_assert_str_eq(w.log.last_prefix, "BLOCKED-APP: ");
    ck_assert_str_eq(w.log.last,
                     "BLOCKED-APP: forward: in:ether2 out:ether1, proto TCP (ACK,PSH), "
                     "192.168.1.150:42000->157.240.1.35:80, len 44");
    ck_assert_uint_eq(w.log.last_pos, 9);
    world_fini(&w);
}
END_TEST

/* The seed's hole: a management host's BitTorrent connection. The
 * management accept matches the client's packets only (src-address-list);
 * the peer's replies carry the p2p-conn mark and are dropped by "Block P2P
 * globally". */
START_TEST(test_seed_hole_management_p2p)
{
    world w;
    world_init(&w);
    seed_setup(&w);
    l7t_flow f = {"192.168.1.12", "203.0.113.9", 6, 51413, 6881, 0};
    pkt(&w, &f, 0, SYN, NULL, MON_10);
    pkt(&w, &f, 1, SYNACK, NULL, MON_10);
    pkt(&w, &f, 0, ACK, NULL, MON_10);
    size_t len = l7t_frame(w.frame, &f, 0, PSHACK, 1001, BT_HS, 28);
    l7_verdict v;
    memset(&v, 0, sizeof(v));
    v.size = sizeof(v);
    ck_assert_int_eq(
        l7_engine_process(&v, w.e, w.frame, len, L7_LINK_IP, NULL, L7T_SEC(MON_10)),
        L7_OK);
    /* the client's handshake: marked, but accepted by the management rule */
    ck_assert_uint_eq(v.verdict, L7_VERDICT_ACCEPT);
    ck_assert_str_eq(str_or(v.connection_mark), "p2p-conn");
    ck_assert_str_eq(str_or(v.rule_comment), "Full access for management");
    /* the peer's reply: not from MANAGEMENT, so it reaches the global drop */
    const l7_verdict *r = pkt(&w, &f, 1, PSHACK, BT_HS, MON_10);
    ck_assert_uint_eq(r->verdict, L7_VERDICT_DROP);
    ck_assert_str_eq(str_or(r->rule_comment), "Block P2P globally");
    /* and so on for every later packet: client out, peer in dropped */
    ck_assert_uint_eq(pkt(&w, &f, 0, PSHACK, "piece", MON_10)->verdict,
                      L7_VERDICT_ACCEPT);
    ck_assert_uint_eq(pkt(&w, &f, 1, PSHACK, "piece", MON_10)->verdict,
                      L7_VERDICT_DROP);
    world_fini(&w);
}
END_TEST

/* ---- address lists with a timeout
 * ---------------------------------------------------- */

START_TEST(test_addrlist_timeout)
{
    world w;
    world_init(&w);
    add_rule(&*w.p, 4, L7_TABLE_FILTER,
             "chain=forward action=drop src-address-list=telnet-scanners");
    add_rule(w.p, 4, L7_TABLE_FILTER,
             "chain=forward action=add-src-to-address-list protocol=tcp dst-port=23 "
             "address-list=telnet-scanners address-list-timeout=1m");
    world_engine(&w, 0);
    l7t_flow probe = {"198.51.100.7", "10.0.0.1", 6, 40000, 23, 0};
    l7t_flow web = {"198.51.100.7", "10.0.0.1", 6, 40001, 80, 0};
    l7t_flow other = {"198.51.100.8", "10.0.0.1", 6, 40002, 80, 0};
    uint64_t t = MON_10;
    ck_assert_uint_eq(pkt(&w, &probe, 0, SYN, NULL, t)->verdict, L7_VERDICT_ACCEPT);
    /* listed: restricted */
    ck_assert_uint_eq(pkt(&w, &web, 0, SYN, NULL, t + 10)->verdict, L7_VERDICT_DROP);
    ck_assert_uint_eq(pkt(&w, &other, 0, SYN, NULL, t + 10)->verdict,
                      L7_VERDICT_ACCEPT);
    ck_assert_uint_eq(pkt(&w, &web, 0, SYN, NULL, t + 59)->verdict, L7_VERDICT_DROP);
    /* expired: free again */
    ck_assert_uint_eq(pkt(&w, &web, 0, SYN, NULL, t + 61)->verdict, L7_VERDICT_ACCEPT);
    /* a new probe lists it again */
    pkt(&w, &probe, 0, SYN, NULL, t + 100);
    ck_assert_uint_eq(pkt(&w, &web, 0, SYN, NULL, t + 101)->verdict, L7_VERDICT_DROP);
    world_fini(&w);
}
END_TEST

/* The seed's "dynamic application-based blocking": a BitTorrent user is
 * listed for 1h and loses web access, then gets it back. */
START_TEST(test_seed_p2p_users)
{
    world w;
    world_init(&w);
    add_proto(w.p, "bittorrent", "^(\\x13BitTorrent protocol|\\x42\\x54:)");
    add_rule(w.p, 4, L7_TABLE_FILTER,
             "chain=forward action=add-src-to-address-list layer7-protocol=bittorrent "
             "address-list=p2p-users address-list-timeout=1h comment=Track_P2P_users");
    add_rule(w.p, 4, L7_TABLE_FILTER,
             "chain=forward action=drop src-address-list=p2p-users dst-port=80,443 "
             "protocol=tcp comment=Limit_web_access_for_P2P_users");
    world_engine(&w, 0);
    l7t_flow bt = {"192.168.1.150", "203.0.113.9", 6, 51413, 6881, 0};
    l7t_flow web = {"192.168.1.150", "93.184.216.34", 6, 40000, 443, 0};
    l7t_flow web2 = {"192.168.1.150", "93.184.216.34", 6, 40001, 443, 0};
    uint64_t t = MON_10;
    ck_assert_uint_eq(pkt(&w, &web, 0, SYN, NULL, t)->verdict, L7_VERDICT_ACCEPT);
    pkt(&w, &bt, 0, SYN, NULL, t);
    pkt(&w, &bt, 1, SYNACK, NULL, t);
    pkt(&w, &bt, 0, ACK, NULL, t);
    size_t len = l7t_frame(w.frame, &bt, 0, PSHACK, 1001, BT_HS, 28);
    l7_verdict v;
    memset(&v, 0, sizeof(v));
    v.size = sizeof(v);
    ck_assert_int_eq(
        l7_engine_process(&v, w.e, w.frame, len, L7_LINK_IP, NULL, L7T_SEC(t)), L7_OK);
    ck_assert_str_eq(str_or(v.layer7_protocol), "bittorrent");
    /* replies come from the server, not listed: accepted */
    ck_assert_uint_eq(pkt(&w, &web, 1, SYNACK, NULL, t + 1)->verdict,
                      L7_VERDICT_ACCEPT);
    /* the user's web traffic, even of an older connection, is now dropped */
    const l7_verdict *r = pkt(&w, &web, 0, ACK, NULL, t + 1);
    ck_assert_uint_eq(r->verdict, L7_VERDICT_DROP);
    ck_assert_str_eq(str_or(r->rule_comment), "Limit web access for P2P users");
    /* every BitTorrent packet refreshes the entry (Decision 11) */
    pkt(&w, &bt, 0, PSHACK, "x", t + 1800);
    ck_assert_uint_eq(pkt(&w, &web2, 0, SYN, NULL, t + 3000)->verdict, L7_VERDICT_DROP);
    /* an hour after the last refresh: free again */
    ck_assert_uint_eq(pkt(&w, &web2, 0, SYN, NULL, t + 1800 + 3601)->verdict,
                      L7_VERDICT_ACCEPT);
    world_fini(&w);
}
END_TEST

/* ---- swaps
 * --------------------------------------------------------------------------- */

START_TEST(test_swap_keeps_connections)
{
    world w;
    world_init(&w);
    add_proto(w.p, "facebook", "^.*(facebook|fbcdn).*$");
    add_rule(w.p, 4, L7_TABLE_MANGLE,
             "chain=prerouting action=mark-connection layer7-protocol=facebook "
             "new-connection-mark=fb");
    add_rule(w.p, 4, L7_TABLE_FILTER, "chain=forward action=passthrough");
    world_engine(&w, 0);
    l7t_flow f = {"192.168.1.150", "157.240.1.35", 6, 43000, 80, 0};
    const l7_verdict *v = tcp_talk(&w, &f, FB_REQ, RESP, MON_10);
    ck_assert_str_eq(str_or(v->connection_mark), "fb");
    ck_assert_str_eq(str_or(v->layer7_protocol), "facebook");
    uint64_t pass_before;
    l7_engine_rule_stats(&pass_before, NULL, w.e, 4, L7_TABLE_FILTER, 0);
    ck_assert_uint_eq(pass_before, 5);

    /* A new configuration from scratch (a reload): another protocol ahead
     * of facebook (new ids), a drop on the old mark, the passthrough kept. */
    l7_policy *p2;
    ck_assert_int_eq(l7_policy_create(&p2, NULL), L7_OK);
    add_proto(p2, "youtube", "^.*(youtube|googlevideo).*$");
    add_proto(p2, "facebook", "^.*(facebook|fbcdn).*$");
    add_rule(p2, 4, L7_TABLE_FILTER, "chain=forward action=drop connection-mark=fb");
    add_rule(p2, 4, L7_TABLE_FILTER, "chain=forward action=passthrough");
    add_rule(p2, 4, L7_TABLE_FILTER,
             "chain=forward action=reject layer7-protocol=youtube");
    l7_ruleset *rs2 = compile(p2);
    ck_assert_int_eq(l7_engine_set_ruleset(w.e, rs2), L7_OK);
    ck_assert_ptr_eq(l7_engine_ruleset(w.e), rs2);
    l7_ruleset_destroy(rs2);
    /* the connection keeps its mark and its protocol (by name) */
    v = pkt(&w, &f, 0, PSHACK, "more", MON_10 + 1);
    ck_assert_uint_eq(v->verdict, L7_VERDICT_DROP);
    ck_assert_str_eq(str_or(v->connection_mark), "fb");
    ck_assert_str_eq(str_or(v->layer7_protocol), "facebook");
    ck_assert_ptr_nonnull(v->connection);
    ck_assert_str_eq(str_or(l7_engine_conn_mark(w.e, v->connection)), "fb");
    ck_assert_str_eq(str_or(l7_engine_conn_layer7(w.e, v->connection)), "facebook");
    /* the unchanged passthrough kept its counter (same text); the new drop
     * started at 0 */
    uint64_t n;
    l7_engine_rule_stats(&n, NULL, w.e, 4, L7_TABLE_FILTER, 1);
    ck_assert_uint_eq(n, pass_before);
    l7_engine_rule_stats(&n, NULL, w.e, 4, L7_TABLE_FILTER, 0);
    ck_assert_uint_eq(n, 1);
    /* L6: classified as facebook, never youtube */
    v = pkt(&w, &f, 0, PSHACK, YT_REQ, MON_10 + 2);
    ck_assert_str_eq(str_or(v->rule_chain), "forward");
    ck_assert_uint_eq(v->rule_position, 0);
    l7_policy_destroy(p2);
    world_fini(&w);
}
END_TEST

/* A connection still inspecting across a swap to another protocol set:
 * what the regexps learnt under the old ids must not leak into the new
 * ones (an anchored pattern found dead under id 0 is another protocol
 * after the swap). */
START_TEST(test_swap_while_inspecting)
{
    world w;
    world_init(&w);
    add_proto(w.p, "xyz", "^xyz");
    add_rule(w.p, 4, L7_TABLE_MANGLE,
             "chain=prerouting action=mark-connection layer7-protocol=xyz "
             "new-connection-mark=x");
    world_engine(&w, 0);
    l7t_flow f = {"10.0.0.1", "10.0.1.1", 6, 40000, 7000, 0};
    pkt(&w, &f, 0, SYN, NULL, MON_10);
    pkt(&w, &f, 1, SYNACK, NULL, MON_10);
    pkt(&w, &f, 0, ACK, NULL, MON_10);
    ck_assert_ptr_null(pkt(&w, &f, 0, PSHACK, "abc", MON_10)->layer7_protocol);

    l7_policy *p2;
    ck_assert_int_eq(l7_policy_create(&p2, NULL), L7_OK);
    add_proto(p2, "target", "^abc.*def");
    add_rule(p2, 4, L7_TABLE_MANGLE,
             "chain=prerouting action=mark-connection layer7-protocol=target "
             "new-connection-mark=t");
    l7_ruleset *rs2 = compile(p2);
    ck_assert_int_eq(l7_engine_set_ruleset(w.e, rs2), L7_OK);
    l7_ruleset_destroy(rs2);
    const l7_verdict *v = pkt(&w, &f, 0, PSHACK, "def", MON_10);
    ck_assert_str_eq(str_or(v->layer7_protocol), "target");
    ck_assert_str_eq(str_or(v->connection_mark), "t");
    l7_policy_destroy(p2);
    world_fini(&w);
}
END_TEST

START_TEST(test_swap_same_policy_ids)
{
    /* Edits of the same policy: a rule keeps its counters across a `set`
     * (same id), even though its text changed. */
    world w;
    world_init(&w);
    add_rule(w.p, 4, L7_TABLE_FILTER, "chain=forward action=passthrough protocol=tcp");
    world_engine(&w, 0);
    l7t_flow f = {"10.0.0.1", "10.0.1.1", 6, 40000, 80, 0};
    pkt(&w, &f, 0, SYN, NULL, MON_10);
    pkt(&w, &f, 1, SYNACK, NULL, MON_10);
    ck_assert_int_eq(l7_policy_rule_set(w.p, 4, 0, 0, "comment", "x", 1, NULL), L7_OK);
    ck_assert_int_eq(l7_policy_rule_set(w.p, 4, 0, 0, "dst-port", "80", 2, NULL),
                     L7_OK);
    ck_assert_int_eq(l7_policy_rule_add(NULL, w.p, 4, 0, 0), L7_OK);
    ck_assert_int_eq(l7_policy_rule_set(w.p, 4, 0, 0, "chain", "forward", 7, NULL),
                     L7_OK);
    l7_ruleset *rs2 = compile(w.p);
    ck_assert_int_eq(l7_engine_set_ruleset(w.e, rs2), L7_OK);
    l7_ruleset_destroy(rs2);
    uint64_t n;
    l7_engine_rule_stats(&n, NULL, w.e, 4, 0, 1);
    ck_assert_uint_eq(n, 2);
    l7_engine_rule_stats(&n, NULL, w.e, 4, 0, 0);
    ck_assert_uint_eq(n, 0);
    world_fini(&w);
}
END_TEST

/* ---- fast path, L7 window
 * -------------------------------------------------------------- */

START_TEST(test_fast_path_no_regex)
{
    world w;
    world_init(&w);
    add_proto(w.p, "facebook", "^.*(facebook|fbcdn).*$");
    add_proto(w.p, "youtube", "^.*(youtube|googlevideo).*$");
    add_rule(w.p, 4, L7_TABLE_MANGLE,
             "chain=prerouting action=mark-connection layer7-protocol=youtube "
             "new-connection-mark=yt");
    add_rule(w.p, 4, L7_TABLE_MANGLE,
             "chain=prerouting action=mark-connection layer7-protocol=facebook "
             "new-connection-mark=fb");
    world_engine(&w, 0);
    l7t_flow f = {"192.168.1.150", "157.240.1.35", 6, 43000, 80, 0};
    tcp_talk(&w, &f, FB_REQ, RESP, MON_10);
    uint64_t runs = l7_engine_stat(w.e, L7_ENGINE_STAT_REGEX_RUNS);
    ck_assert_uint_gt(runs, 0);
    for (int i = 0; i < 20; i++)
        ck_assert_str_eq(
            str_or(pkt(&w, &f, i & 1, PSHACK, "data", MON_10)->connection_mark), "fb");
    ck_assert_uint_eq(l7_engine_stat(w.e, L7_ENGINE_STAT_REGEX_RUNS), runs);
    /* an unmatched connection gives up after 10 packets: `unknown` */
    l7t_flow g = {"192.168.1.150", "157.240.1.35", 6, 43001, 80, 0};
    for (int i = 0; i < 12; i++)
        pkt(&w, &g, i & 1, PSHACK, "zzz", MON_10);
    ck_assert_str_eq(str_or(w.v.layer7_protocol), "unknown");
    runs = l7_engine_stat(w.e, L7_ENGINE_STAT_REGEX_RUNS);
    pkt(&w, &g, 0, PSHACK, "facebook", MON_10);
    ck_assert_uint_eq(l7_engine_stat(w.e, L7_ENGINE_STAT_REGEX_RUNS), runs);
    ck_assert_ptr_null(w.v.connection_mark);
    world_fini(&w);
}
END_TEST

/* L10: an L7 rule behind `accept established` never sees payload (and the
 * compiler warned about it); with collect=always the engine still collects
 * but the rule is never evaluated for those packets. */
START_TEST(test_l7_behind_accept_established)
{
    world w;
    world_init(&w);
    add_proto(w.p, "facebook", "^.*(facebook|fbcdn).*$");
    add_rule(w.p, 4, L7_TABLE_FILTER,
             "chain=forward action=accept connection-state=established,related");
    add_rule(w.p, 4, L7_TABLE_FILTER,
             "chain=forward action=drop layer7-protocol=facebook");
    world_engine(&w, 0);
    l7t_flow f = {"192.168.1.150", "157.240.1.35", 6, 43000, 80, 0};
    const l7_verdict *v = tcp_talk(&w, &f, FB_REQ, RESP, MON_10);
    ck_assert_uint_eq(v->verdict, L7_VERDICT_ACCEPT);
    ck_assert_ptr_null(v->layer7_protocol);
    ck_assert_uint_eq(l7_engine_stat(w.e, L7_ENGINE_STAT_REGEX_RUNS), 0);
    world_fini(&w);
}
END_TEST

START_TEST(test_fasttrack)
{
    world w;
    world_init(&w);
    add_rule(w.p, 4, L7_TABLE_FILTER,
             "chain=forward action=fasttrack-connection connection-state=established");
    add_rule(w.p, 4, L7_TABLE_FILTER,
             "chain=forward action=accept connection-state=established");
    add_rule(w.p, 4, L7_TABLE_FILTER, "chain=forward action=passthrough");
    world_engine(&w, 0);
    l7t_flow f = {"10.0.0.1", "10.0.1.1", 6, 40000, 80, 0};
    pkt(&w, &f, 0, SYN, NULL, MON_10);
    const l7_verdict *v = pkt(&w, &f, 1, SYNACK, NULL, MON_10);
    ck_assert_uint_eq(v->fasttrack, 1);
    ck_assert_uint_eq(v->rule_position, 1);
    v = pkt(&w, &f, 0, ACK, NULL, MON_10);
    ck_assert_uint_eq(v->fasttrack, 1);
    ck_assert_uint_eq(v->has_rule, 0);
    ck_assert_uint_eq(l7_engine_stat(w.e, L7_ENGINE_STAT_FASTTRACKED), 1);
    uint64_t n;
    l7_engine_rule_stats(&n, NULL, w.e, 4, 0, 0);
    ck_assert_uint_eq(n, 1);
    world_fini(&w);
}
END_TEST

/* ---- conntrack settings, IPv6, hooks, fragments -------------------------------------
 */

START_TEST(test_conntrack_disabled)
{
    world w;
    world_init(&w);
    add_rule(w.p, 4, L7_TABLE_FILTER, "chain=forward action=drop connection-state=new");
    add_rule(w.p, 4, L7_TABLE_FILTER, "chain=forward action=reject protocol=udp");
    ck_assert_int_eq(l7_policy_conntrack_set(w.p, "enabled", "no", 2, NULL), L7_OK);
    world_engine(&w, 0);
    l7t_flow f = {"10.0.0.1", "10.0.1.1", 6, 40000, 80, 0};
    const l7_verdict *v = pkt(&w, &f, 0, SYN, NULL, MON_10);
    ck_assert_uint_eq(v->verdict, L7_VERDICT_ACCEPT);
    ck_assert_uint_eq(v->conn_state, L7_CT_UNTRACKED);
    ck_assert_ptr_null(v->connection);
    ck_assert_uint_eq(l7_engine_stat(w.e, L7_ENGINE_STAT_CONNECTIONS), 0);
    l7t_flow u = {"10.0.0.1", "10.0.1.1", 17, 5000, 53, 0};
    ck_assert_uint_eq(pkt(&w, &u, 0, 0, "q", MON_10)->verdict, L7_VERDICT_REJECT);
    world_fini(&w);
}
END_TEST

START_TEST(test_ipv6_layer7)
{
    world w;
    world_init(&w);
    add_proto(w.p, "facebook", "^.*(facebook|fbcdn).*$");
    add_rule(w.p, 6, L7_TABLE_MANGLE,
             "chain=prerouting action=mark-connection layer7-protocol=facebook "
             "new-connection-mark=fb6");
    add_rule(w.p, 6, L7_TABLE_FILTER, "chain=forward action=drop connection-mark=fb6");
    add_rule(w.p, 4, L7_TABLE_FILTER, "chain=forward action=drop");
    world_engine(&w, 0);
    l7t_flow f = {"2001:db8::1", "2001:db8::2", 6, 40000, 80, 0};
    pkt(&w, &f, 0, SYN, NULL, MON_10);
    ck_assert_uint_eq(w.v.verdict, L7_VERDICT_ACCEPT); /* /ip drop sees IPv4 only */
    pkt(&w, &f, 1, SYNACK, NULL, MON_10);
    pkt(&w, &f, 0, ACK, NULL, MON_10);
    const l7_verdict *v = pkt(&w, &f, 0, PSHACK, FB_REQ, MON_10);
    ck_assert_uint_eq(v->verdict, L7_VERDICT_DROP);
    ck_assert_str_eq(str_or(v->connection_mark), "fb6");
    ck_assert_uint_eq(v->rule_family, 6);
    world_fini(&w);
}
END_TEST

START_TEST(test_hooks_and_interfaces)
{
    world w;
    world_init(&w);
    add_rule(w.p, 4, L7_TABLE_FILTER, "chain=input action=drop in-interface=ether1");
    add_rule(w.p, 4, L7_TABLE_FILTER, "chain=output action=reject protocol=udp");
    add_rule(w.p, 4, L7_TABLE_MANGLE,
             "chain=postrouting action=change-dscp new-dscp=46 protocol=udp");
    world_engine(&w, 0);
    l7t_flow f = {"10.0.0.1", "10.0.1.1", 17, 4000, 53, 0};
    size_t len = l7t_frame(w.frame, &f, 0, 0, 0, "q", 1);
    l7_packet_meta m;
    l7_packet_meta_init(&m);
    l7_verdict v;
    memset(&v, 0, sizeof(v));
    v.size = sizeof(v);
    /* forward: only mangle postrouting acts */
    ck_assert_int_eq(l7_engine_process(&v, w.e, w.frame, len, L7_LINK_IP, &m, 0),
                     L7_OK);
    ck_assert_uint_eq(v.verdict, L7_VERDICT_ACCEPT);
    ck_assert_int_eq(v.new_dscp, 46);
    m.hook = L7_HOOK_INPUT;
    m.in_interface = "ether1";
    ck_assert_int_eq(l7_engine_process(&v, w.e, w.frame, len, L7_LINK_IP, &m, 0),
                     L7_OK);
    ck_assert_uint_eq(v.verdict, L7_VERDICT_DROP);
    ck_assert_int_eq(v.new_dscp, -1); /* input does not run postrouting */
    m.in_interface = "ether2";
    ck_assert_int_eq(l7_engine_process(&v, w.e, w.frame, len, L7_LINK_IP, &m, 0),
                     L7_OK);
    ck_assert_uint_eq(v.verdict, L7_VERDICT_ACCEPT);
    m.hook = L7_HOOK_OUTPUT;
    ck_assert_int_eq(l7_engine_process(&v, w.e, w.frame, len, L7_LINK_IP, &m, 0),
                     L7_OK);
    ck_assert_uint_eq(v.verdict, L7_VERDICT_REJECT);
    ck_assert_uint_eq(v.reject_with, L7_REJECT_NET_UNREACHABLE);
    m.hook = 9;
    ck_assert_int_eq(l7_engine_process(&v, w.e, w.frame, len, L7_LINK_IP, &m, 0),
                     L7_EINVAL);
    world_fini(&w);
}
END_TEST

START_TEST(test_fragments)
{
    world w;
    world_init(&w);
    add_rule(w.p, 4, L7_TABLE_FILTER,
             "chain=forward action=drop protocol=udp content=secret");
    world_engine(&w, 0);
    /* one UDP datagram with 40 payload bytes, split at 24 bytes of IP data */
    l7t_flow f = {"10.0.0.1", "10.0.1.1", 17, 4000, 9999, 0};
    const char *payload = "0123456789abcdef-secret-0123456789abcd";
    uint8_t whole[128];
    size_t len = l7t_frame(whole, &f, 0, 0, 0, payload, strlen(payload));
    size_t data = len - 20;
    uint8_t a[64], b[64];
    memcpy(a, whole, 20 + 24);
    l7t_put16(a + 2, 20 + 24);
    l7t_put16(a + 4, 0x1234);
    l7t_put16(a + 6, 0x2000); /* MF */
    memcpy(b, whole, 20);
    memcpy(b + 20, whole + 20 + 24, data - 24);
    l7t_put16(b + 2, (uint16_t)(20 + data - 24));
    l7t_put16(b + 4, 0x1234);
    l7t_put16(b + 6, 24 / 8);
    l7_packet_meta m;
    l7_packet_meta_init(&m);
    l7_verdict v;
    memset(&v, 0, sizeof(v));
    v.size = sizeof(v);
    m.cookie = 101;
    ck_assert_int_eq(l7_engine_process(&v, w.e, a, 44, L7_LINK_IP, &m, 0), L7_OK);
    ck_assert_uint_eq(v.verdict, L7_VERDICT_PENDING);
    m.cookie = 102;
    ck_assert_int_eq(l7_engine_process(&v, w.e, b, 20 + data - 24, L7_LINK_IP, &m, 0),
                     L7_OK);
    ck_assert_uint_eq(v.verdict, L7_VERDICT_DROP);
    ck_assert_uint_eq(v.cookie_count, 2);
    ck_assert_uint_eq(v.cookies[0] + v.cookies[1], 203);
    ck_assert_uint_eq(l7_engine_stat(w.e, L7_ENGINE_STAT_REASSEMBLED), 1);
    world_fini(&w);
}
END_TEST

/* L10 and Decision 2: an L7 rule that only sees the client's packets
 * matches `^` at the client's first byte when the server spoke first;
 * with collect=always the server's banner is collected too and `^` fails. */
static void collect_world(world *w, uint32_t flags)
{
    world_init(w);
    add_proto(w->p, "hello", "^hello");
    add_rule(w->p, 4, L7_TABLE_MANGLE,
             "chain=prerouting action=mark-connection src-address=10.0.0.1 "
             "layer7-protocol=hello new-connection-mark=hi");
    world_engine(w, flags);
}

START_TEST(test_collect_modes)
{
    l7t_flow f = {"10.0.0.1", "10.0.1.1", 6, 40000, 25, 0};
    for (int always = 0; always < 2; always++) {
        world w;
        collect_world(&w, always ? L7_ENGINE_COLLECT_ALWAYS : 0);
        pkt(&w, &f, 0, SYN, NULL, MON_10);
        pkt(&w, &f, 1, SYNACK, NULL, MON_10);
        pkt(&w, &f, 0, ACK, NULL, MON_10);
        pkt(&w, &f, 1, PSHACK, "220 banner\r\n", MON_10);
        const l7_verdict *v = pkt(&w, &f, 0, PSHACK, "hello there", MON_10);
        if (always) {
            ck_assert_ptr_null(v->connection_mark);
        } else {
            ck_assert_str_eq(str_or(v->connection_mark), "hi");
            ck_assert_str_eq(str_or(v->layer7_protocol), "hello");
        }
        world_fini(&w);
    }
}
END_TEST

/* A regexp that hits its match limit: no match, one firewall,warning. */
START_TEST(test_regex_limit_warning)
{
    world w;
    world_init(&w);
    add_proto(&*w.p, "slow", "^(a|aa)*$");
    add_rule(w.p, 4, L7_TABLE_FILTER, "chain=forward action=drop layer7-protocol=slow");
    next_match_limit = 50;
    world_engine(&w, 0);
    l7t_flow f = {"10.0.0.1", "10.0.1.1", 17, 4000, 9, 0};
    const l7_verdict *v =
        pkt(&w, &f, 0, 0, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", MON_10);
    ck_assert_uint_eq(v->verdict, L7_VERDICT_ACCEPT);
    ck_assert_int_eq(w.log.warnings, 1);
    ck_assert_uint_ge(l7_engine_stat(w.e, L7_ENGINE_STAT_REGEX_LIMIT_HITS), 1);
    ck_assert_ptr_nonnull(strstr(w.log.last, "match limit"));
    world_fini(&w);
}
END_TEST

/* connection-rate: bytes of the last complete second, in bit/s. */
START_TEST(test_connection_rate)
{
    world w;
    world_init(&w);
    add_rule(w.p, 4, L7_TABLE_MANGLE,
             "chain=forward action=mark-packet connection-rate=8k-0 protocol=udp "
             "new-packet-mark=fast");
    world_engine(&w, 0);
    l7t_flow f = {"10.0.0.1", "10.0.1.1", 17, 4000, 5000, 0};
    char big[1001];
    memset(big, 'x', 1000);
    big[1000] = 0;
    /* second 0: 2 x 1028 bytes; the rate is unknown yet */
    ck_assert_ptr_null(pkt(&w, &f, 0, 0, big, MON_10)->packet_mark);
    ck_assert_ptr_null(pkt(&w, &f, 0, 0, big, MON_10)->packet_mark);
    /* second 1: the previous second carried > 8 kbit/s */
    ck_assert_str_eq(str_or(pkt(&w, &f, 0, 0, "s", MON_10 + 1)->packet_mark), "fast");
    /* second 2: only 29 bytes in second 1 (232 bit/s) */
    ck_assert_ptr_null(pkt(&w, &f, 0, 0, "s", MON_10 + 2)->packet_mark);
    /* after an idle gap the rate is 0 */
    ck_assert_ptr_null(pkt(&w, &f, 0, 0, big, MON_10 + 9)->packet_mark);
    world_fini(&w);
}
END_TEST

/* Engines on two threads share one ruleset and one address-list object:
 * each sees its own connections; rule adds land in the shared lists. */
typedef struct thread_job {
    l7_ruleset *rs;
    l7_addrlist *al;
    int base;
    int drops;
} thread_job;

static void *thread_main(void *arg)
{
    thread_job *job = arg;
    l7_engine_options o;
    l7_engine_options_init(&o);
    o.addrlists = job->al;
    l7_engine *e;
    if (l7_engine_create(&e, job->rs, &o, NULL) != L7_OK)
        return NULL;
    uint8_t frame[256];
    char src[32];
    l7_verdict v;
    v.size = sizeof(v);
    for (int i = 0; i < 200; i++) {
        snprintf(src, sizeof(src), "10.%d.0.%d", job->base, i % 200 + 1);
        l7t_flow f = {src, "203.0.113.9", 6, (uint16_t)(30000 + i), 6881, 0};
        size_t len = l7t_frame(frame, &f, 0, SYN, 1, NULL, 0);
        l7_engine_process(&v, e, frame, len, L7_LINK_IP, NULL, L7T_SEC(MON_10));
        len = l7t_frame(frame, &f, 1, SYNACK, 1, NULL, 0);
        l7_engine_process(&v, e, frame, len, L7_LINK_IP, NULL, L7T_SEC(MON_10));
        len = l7t_frame(frame, &f, 0, PSHACK, 2, BT_HS, 28);
        l7_engine_process(&v, e, frame, len, L7_LINK_IP, NULL, L7T_SEC(MON_10));
        if (v.verdict == L7_VERDICT_DROP)
            job->drops++;
    }
    l7_engine_destroy(e);
    return NULL;
}

START_TEST(test_threads_share_ruleset)
{
    world w;
    world_init(&w);
    add_proto(w.p, "bittorrent", "^(\\x13BitTorrent protocol|\\x42\\x54:)");
    add_rule(w.p, 4, L7_TABLE_FILTER,
             "chain=forward action=add-src-to-address-list layer7-protocol=bittorrent "
             "address-list=p2p-users address-list-timeout=1h");
    add_rule(w.p, 4, L7_TABLE_FILTER,
             "chain=forward action=drop src-address-list=p2p-users");
    w.rs = compile(w.p);
    thread_job jobs[2] = {{w.rs, w.al, 1, 0}, {w.rs, w.al, 2, 0}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, thread_main, &jobs[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    ck_assert_int_eq(jobs[0].drops, 200);
    ck_assert_int_eq(jobs[1].drops, 200);
    size_t n = 0;
    ck_assert_int_eq(
        l7_addrlist_count(&n, w.al, L7_ADDRLIST_ALL_LISTS, 0, L7T_SEC(MON_10)), L7_OK);
    ck_assert_uint_eq(n, 400);
    world_fini(&w);
}
END_TEST

/* Hostile frames (random bytes, truncated and mutated real packets) through
 * the seed setup: every one gets a verdict, none is an error or a crash. */
START_TEST(test_random_frames)
{
    world w;
    world_init(&w);
    seed_setup(&w);
    uint32_t seed = 99;
    uint8_t buf[256];
    l7t_flow f = {"192.168.1.150", "157.240.1.35", 6, 43000, 80, 0};
    for (int i = 0; i < 3000; i++) {
        size_t len;
        seed = seed * 1103515245u + 12345u;
        if (i & 1) {
            len = l7t_frame(buf, &f, (int)(seed >> 30) & 1, (uint8_t)(seed >> 8), seed,
                            FB_REQ, strlen(FB_REQ));
            len = (seed >> 16) % (len + 1);
            for (int k = 0; k < 3; k++) {
                seed = seed * 1103515245u + 12345u;
                if (len)
                    buf[(seed >> 16) % len] ^= (uint8_t)(seed >> 4);
            }
        } else {
            len = (seed >> 16) % sizeof(buf);
            for (size_t k = 0; k < len; k++) {
                seed = seed * 1103515245u + 12345u;
                buf[k] = (uint8_t)(seed >> 16);
            }
            if (len)
                buf[0] = (uint8_t)(0x45 + (seed & 0x20));
        }
        l7_verdict v;
        memset(&v, 0, sizeof(v));
        v.size = sizeof(v);
        ck_assert_int_eq(l7_engine_process(&v, w.e, buf, len, L7_LINK_IP, NULL,
                                           L7T_SEC(MON_10) + (uint64_t)i * 1000000),
                         L7_OK);
        ck_assert_uint_le(v.verdict, L7_VERDICT_PENDING);
    }
    l7_engine_expire(w.e, L7T_SEC(MON_10 + 86400 * 2), 1u << 20);
    ck_assert_uint_eq(l7_engine_stat(w.e, L7_ENGINE_STAT_PACKETS), 3000);
    world_fini(&w);
}
END_TEST

START_TEST(test_log_format)
{
    l7_log_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.size = sizeof(ev);
    ev.prefix = "";
    ev.chain = "input";
    ev.in_interface = "ether1";
    ev.l4_proto = 6;
    ev.tcp_flags = L7_TCP_SYN;
    ev.src.family = 4;
    ev.src.bytes[0] = 10;
    ev.src.bytes[3] = 1;
    ev.dst.family = 4;
    ev.dst.bytes[0] = 1;
    ev.dst.bytes[1] = 2;
    ev.dst.bytes[2] = 3;
    ev.dst.bytes[3] = 4;
    ev.sport = 1234;
    ev.dport = 80;
    ev.ip_len = 60;
    char buf[256];
    int n = l7_engine_log_format(buf, sizeof(buf), &ev);
    ck_assert_str_eq(buf, "input: in:ether1 out:(unknown 0), proto TCP (SYN), "
                          "10.0.0.1:1234->1.2.3.4:80, len 60");
    ck_assert_int_eq(n, (int)strlen(buf));
    char tiny[6];
    ck_assert_int_eq(l7_engine_log_format(tiny, sizeof(tiny), &ev), n);
    ck_assert_str_eq(tiny, "input");
    ev.prefix = "X";
    ev.l4_proto = 1;
    ev.icmp_type = 8;
    l7_engine_log_format(buf, sizeof(buf), &ev);
    ck_assert_str_eq(buf,
                     "X input: in:ether1 out:(unknown 0), proto ICMP (type 8, code "
                     "0), 10.0.0.1->1.2.3.4, len 60");
    ck_assert_int_eq(l7_engine_log_format(NULL, 0, NULL), L7_EINVAL);
}
END_TEST

START_TEST(test_create_options)
{
    l7_engine *e = NULL;
    /* NULL ruleset: an empty one, everything accepted */
    ck_assert_int_eq(l7_engine_create(&e, NULL, NULL, NULL), L7_OK);
    uint8_t frame[128];
    l7t_flow f = {"10.0.0.1", "10.0.1.1", 17, 4000, 53, 0};
    size_t len = l7t_frame(frame, &f, 0, 0, 0, "q", 1);
    l7_verdict v;
    memset(&v, 0, sizeof(v));
    v.size = sizeof(v);
    ck_assert_int_eq(l7_engine_process(&v, e, frame, len, L7_LINK_IP, NULL, 0), L7_OK);
    ck_assert_uint_eq(v.verdict, L7_VERDICT_ACCEPT);
    ck_assert_uint_eq(v.conn_state, L7_CT_UNTRACKED); /* auto: no rules, no tracking */
    l7_engine_destroy(e);
    l7_engine_destroy(NULL);
    l7_engine_options o;
    l7_engine_options_init(&o);
    o.l7_max_packets = 0;
    ck_assert_int_eq(l7_engine_create(&e, NULL, &o, NULL), L7_ERANGE);
    o.l7_max_packets = 10;
    o.size = 3;
    ck_assert_int_eq(l7_engine_create(&e, NULL, &o, NULL), L7_EINVAL);
    ck_assert_int_eq(l7_engine_create(NULL, NULL, NULL, NULL), L7_EINVAL);
}
END_TEST

static Suite *engine_suite(void)
{
    Suite *s = suite_create("engine");
    TCase *tc = tcase_create("basics");
    tcase_add_test(tc, test_basic_flow);
    tcase_add_test(tc, test_create_options);
    tcase_add_test(tc, test_log_format);
    tcase_add_test(tc, test_hooks_and_interfaces);
    tcase_add_test(tc, test_fragments);
    tcase_add_test(tc, test_conntrack_disabled);
    tcase_add_test(tc, test_fasttrack);
    suite_add_tcase(s, tc);
    tc = tcase_create("seed");
    tcase_add_loop_test(tc, test_seed_setup, 0,
                        (int)(sizeof(seed_cases) / sizeof(seed_cases[0])));
    tcase_add_test(tc, test_seed_logging);
    tcase_add_test(tc, test_seed_hole_management_p2p);
    suite_add_tcase(s, tc);
    tc = tcase_create("state");
    tcase_add_test(tc, test_addrlist_timeout);
    tcase_add_test(tc, test_seed_p2p_users);
    tcase_add_test(tc, test_swap_keeps_connections);
    tcase_add_test(tc, test_swap_same_policy_ids);
    tcase_add_test(tc, test_swap_while_inspecting);
    tcase_add_test(tc, test_fast_path_no_regex);
    tcase_add_test(tc, test_l7_behind_accept_established);
    tcase_add_test(tc, test_ipv6_layer7);
    tcase_add_test(tc, test_collect_modes);
    tcase_add_test(tc, test_regex_limit_warning);
    tcase_add_test(tc, test_connection_rate);
    tcase_add_test(tc, test_threads_share_ruleset);
    tcase_add_test(tc, test_random_frames);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return l7t_run_suite(engine_suite());
}
