/* The inspection window: budgets, collection, classification, special names,
 * both driving modes, and the l7-protocols sample payloads. */
#include "testutil.h"

#include "common_internal.h"
#include "inspect_internal.h"
#include "l7/l7.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- scenario tables ------------------------------------------------------ */

typedef enum op_kind {
    OP_END = 0,
    OP_CLASSIFY, /* l7_inspect_classify: expect a status */
    OP_RULE,     /* l7_inspect_rule for `proto`: expect YES/NO/LIMIT */
    OP_OBSERVE   /* l7_inspect_observe: expect a status */
} op_kind;

typedef struct step {
    op_kind op;
    uint32_t pkt;
    const char *data; /* payload: `fill_len` times `fill`, then `data` */
    size_t len;       /* bytes of data; 0 = strlen */
    char fill;
    uint32_t fill_len;
    const char *proto; /* OP_RULE: protocol name ("unknown"/"unset" too) */
    int expect;
    int buffered; /* bytes buffered after the step; -1 = don't check */
} step;

typedef struct scenario {
    const char *what;
    const char *protos[4][2]; /* name, regexp */
    uint32_t strict, collect_always;
    step steps[16];
} scenario;

#define CLS(p, d, e, b)                                                                \
    {                                                                                  \
        OP_CLASSIFY, p, d, 0, 0, 0, NULL, e, b                                         \
    }
#define RULE(p, d, proto, e, b)                                                        \
    {                                                                                  \
        OP_RULE, p, d, 0, 0, 0, proto, e, b                                            \
    }
#define OBS(p, d, e, b)                                                                \
    {                                                                                  \
        OP_OBSERVE, p, d, 0, 0, 0, NULL, e, b                                          \
    }
#define INSP L7_INSPECT_INSPECTING
#define DONE L7_INSPECT_CLASSIFIED
#define UNKN L7_INSPECT_UNKNOWN
#define YES  L7_INSPECT_YES
#define NO   L7_INSPECT_NO

static const scenario scenarios[] = {
    {"packet 10 is inspected",
     {{"hello", "hello"}},
     0,
     0,
     {CLS(1, "", INSP, 0), CLS(2, "", INSP, 0), CLS(3, "", INSP, 0),
      CLS(4, "a", INSP, 1), CLS(5, "b", INSP, 2), CLS(9, "c", INSP, 3),
      CLS(10, "hello", DONE, 0), CLS(11, "x", DONE, 0)}},
    {"packet 11 is not: unknown",
     {{"hello", "hello"}},
     0,
     0,
     {CLS(1, "a", INSP, 1), CLS(10, "b", INSP, 2), CLS(11, "hello", UNKN, 0),
      CLS(12, "hello", UNKN, 0)}},
    {"byte 2048 is inspected",
     {{"b", "b"}},
     0,
     0,
     {{OP_CLASSIFY, 1, "", 0, 'a', 2000, NULL, INSP, 2000},
      {OP_CLASSIFY, 2, "b", 0, 'a', 47, NULL, DONE, 0}}},
    {"byte 2049 is not (truncated), buffer full keeps inspecting",
     {{"b", "b"}},
     0,
     0,
     {{OP_CLASSIFY, 1, "", 0, 'a', 2000, NULL, INSP, 2000},
      {OP_CLASSIFY, 2, "b", 0, 'a', 48, NULL, INSP, 2048},
      CLS(3, "b", INSP, 2048),
      CLS(10, "b", INSP, 2048),
      CLS(11, "", UNKN, 0)}},
    {"NUL bytes are dropped and do not count",
     {{"ab", "^ab$"}},
     0,
     0,
     {{OP_CLASSIFY, 1, "\0a\0\0b", 5, 0, 0, NULL, DONE, 0}}},
    {"match split across two packets",
     {{"http", "^get /[^ ]* http/1\\.[01]\\x0d\\x0a"}},
     0,
     0,
     {CLS(1, "", INSP, 0), CLS(4, "GET /index.html HT", INSP, 18),
      CLS(5, "TP/1.1\r\nHost: x\r\n\r\n", DONE, 0)}},
    {"pattern only in the reply direction; ^ is the first byte of either side",
     {{"client-first", "^user "}, {"ftp", "^220[ -].*ftp"}},
     0,
     0,
     {CLS(1, "", INSP, 0), CLS(2, "", INSP, 0), CLS(3, "", INSP, 0),
      CLS(4, "220 FTP server ready\r\n", DONE, 0), CLS(5, "USER bob\r\n", DONE, 0)}},
    {"directions are concatenated without separator",
     {{"joined", "readyuser"}},
     0,
     0,
     {CLS(4, "220 ready", INSP, 9), CLS(5, "USER bob", DONE, 0)}},
    {"first match wins and sticks",
     {{"aaa", "^aaa"}, {"bbb", "bbb"}},
     0,
     0,
     {RULE(1, "xbbb", "aaa", NO, 4), RULE(1, "", "bbb", YES, 0),
      RULE(2, "", "bbb", YES, 0), RULE(2, "", "aaa", NO, 0),
      RULE(3, "aaa", "aaa", NO, 0), RULE(30, "", "bbb", YES, 0),
      RULE(30, "", "unknown", NO, 0), RULE(30, "", "unset", NO, 0)}},
    {"unset while inspecting on packets that add data; unknown after give-up",
     {{"never", "^never$"}},
     0,
     0,
     {RULE(1, "", "unset", NO, 0), RULE(2, "a", "unset", YES, 1),
      RULE(2, "", "unknown", NO, 1), RULE(3, "", "unset", NO, 1),
      RULE(4, "b", "unknown", NO, 2), RULE(11, "c", "unknown", NO, 0),
      RULE(11, "", "unknown", YES, 0), RULE(12, "", "unknown", YES, 0),
      RULE(12, "", "never", NO, 0), RULE(12, "", "unset", NO, 0)}},
    {"append-once: several rules on one packet",
     {{"x", "xyz"}, {"y", "abc"}},
     0,
     0,
     {RULE(1, "ab", "x", NO, 2), RULE(1, "ab", "y", NO, 2), RULE(1, "ab", "x", NO, 2),
      RULE(2, "c", "x", NO, 3), RULE(2, "c", "y", YES, 0)}},
    {"a packet older than the last collected one answers no",
     {{"x", "x"}},
     0,
     0,
     {RULE(3, "a", "x", NO, 1), RULE(2, "x", "x", NO, 1), RULE(4, "x", "x", YES, 0)}},
    {"lenient first packet (D-L3): the window opens late",
     {{"p", "^hello"}},
     0,
     0,
     {RULE(3, "hello", "p", YES, 0)}},
    {"strict first packet (L11): first seen at packet 2, never inspected",
     {{"p", "^hello"}},
     1,
     0,
     {RULE(2, "hello", "p", NO, 0), RULE(3, "hello", "p", NO, 0),
      RULE(11, "", "unknown", NO, 0), RULE(12, "", "unknown", YES, 0)}},
    {"strict first packet: seen at packet 1 (empty SYN) is fine",
     {{"p", "^hello"}},
     1,
     0,
     {RULE(1, "", "p", NO, 0), RULE(4, "hello", "p", YES, 0)}},
    {"strict classify-all too",
     {{"p", "hello"}},
     1,
     0,
     {CLS(2, "hello", INSP, 0), CLS(3, "hello", INSP, 0), CLS(11, "", UNKN, 0)}},
    {"collect=always: observed packets are collected without rules",
     {{"p", "^hello world"}},
     0,
     1,
     {OBS(1, "", INSP, 0), OBS(2, "hello ", INSP, 6), OBS(3, "world", INSP, 11),
      OBS(4, "", INSP, 11), RULE(4, "", "p", YES, 0)}},
    {"without collect=always observe does not collect",
     {{"p", "^hello world"}},
     0,
     0,
     {OBS(1, "", INSP, 0), OBS(2, "hello ", INSP, 0), OBS(3, "world", INSP, 0),
      RULE(4, "", "p", NO, 0), RULE(5, "hello world", "p", YES, 0)}},
    {"observe closes the window and frees the buffer; the next rule still says no",
     {{"p", "zzz"}},
     0,
     0,
     {RULE(1, "abc", "p", NO, 3), OBS(11, "", UNKN, 0), RULE(11, "", "unknown", NO, 0),
      RULE(11, "", "unknown", YES, 0), RULE(12, "", "unknown", YES, 0)}},
    {"unknown protocol id never matches",
     {{"p", "a"}},
     0,
     0,
     {RULE(1, "a", "nonexistent", NO, 1), RULE(1, "a", "p", YES, 0)}},
};

START_TEST(test_scenarios)
{
    const scenario *sc = &scenarios[_i];
    l7_protoset *set = NULL;
    ck_assert_int_eq(l7_protoset_create(&set, NULL, NULL), L7_OK);
    for (size_t k = 0; k < 4 && sc->protos[k][0]; k++)
        ck_assert_int_eq(l7_protoset_add(NULL, set, sc->protos[k][0], sc->protos[k][1],
                                         strlen(sc->protos[k][1]), NULL),
                         L7_OK);
    l7_inspect_options o;
    l7_inspect_options_init(&o);
    o.strict_first_packet = sc->strict;
    o.collect_always = sc->collect_always;
    l7_inspector *insp = NULL;
    ck_assert_int_eq(l7_inspect_create(&insp, set, &o, NULL), L7_OK);
    l7_protoset_destroy(set); /* the inspector holds its own reference */
    l7_inspect_state *st = NULL;
    ck_assert_int_eq(l7_inspect_state_create(&st, insp), L7_OK);
    for (size_t k = 0; k < 16 && sc->steps[k].op != OP_END; k++) {
        const step *s = &sc->steps[k];
        size_t dlen = s->len ? s->len : strlen(s->data);
        size_t n = s->fill_len + dlen;
        uint8_t *buf = malloc(n + 1);
        memset(buf, s->fill, s->fill_len);
        memcpy(buf + s->fill_len, s->data, dlen);
        int r;
        if (s->op == OP_CLASSIFY) {
            r = l7_inspect_classify(insp, st, s->pkt, buf, n);
        } else if (s->op == OP_OBSERVE) {
            r = l7_inspect_observe(insp, st, s->pkt, buf, n);
        } else {
            uint32_t id = L7_PROTO_ID_NONE;
            l7_protoset_lookup(&id, set, s->proto);
            r = l7_inspect_rule(insp, st, s->pkt, buf, n, id);
        }
        free(buf);
        ck_assert_msg(r == s->expect, "%s: step %zu (packet %u) gave %d, want %d",
                      sc->what, k, s->pkt, r, s->expect);
        if (s->buffered >= 0)
            ck_assert_msg(l7_inspect_state_buffered(st) == (uint32_t)s->buffered,
                          "%s: step %zu buffered %u, want %d", sc->what, k,
                          l7_inspect_state_buffered(st), s->buffered);
        int status = l7_inspect_state_status(st);
        ck_assert(status >= 0 && status <= 2);
        /* The buffer exists only while inspecting. */
        if (status != L7_INSPECT_INSPECTING)
            ck_assert_ptr_null(st->buf);
    }
    l7_inspect_state_destroy(insp, st);
    l7_inspect_destroy(insp);
}
END_TEST

/* ---- queries, counters, memo ---------------------------------------------- */

static l7_inspector *make_inspector(const char *const (*protos)[2], size_t n,
                                    l7_protoset **set_out)
{
    l7_protoset *set = NULL;
    ck_assert_int_eq(l7_protoset_create(&set, NULL, NULL), L7_OK);
    for (size_t k = 0; k < n; k++)
        ck_assert_int_eq(l7_protoset_add(NULL, set, protos[k][0], protos[k][1],
                                         strlen(protos[k][1]), NULL),
                         L7_OK);
    l7_inspector *insp = NULL;
    ck_assert_int_eq(l7_inspect_create(&insp, set, NULL, NULL), L7_OK);
    l7_protoset_destroy(set);
    if (set_out)
        *set_out = set;
    return insp;
}

static l7_inspect_stats stats_of(const l7_inspector *insp)
{
    l7_inspect_stats s;
    s.size = sizeof(s);
    ck_assert_int_eq(l7_inspect_get_stats(&s, insp), L7_OK);
    return s;
}

START_TEST(test_query_and_counters)
{
    static const char *const protos[][2] = {
        {"http", "^get "}, {"ssh", "^ssh-"}, {"off", "^s"}};
    l7_protoset *set;
    l7_inspector *insp = make_inspector(protos, 3, &set);
    ck_assert_int_eq(l7_protoset_set_enabled(set, 2, 0), L7_OK);
    ck_assert_ptr_eq(l7_inspect_protoset(insp), set);
    l7_inspect_state *st = NULL;
    l7_inspect_state_create(&st, insp);
    ck_assert_uint_eq(l7_inspect_state_protocol(st), L7_PROTO_ID_UNSET);
    ck_assert_str_eq(l7_inspect_state_protocol_name(insp, st), "unset");

    /* A packet that adds nothing runs no regexp (D-L4). */
    ck_assert_int_eq(l7_inspect_classify(insp, st, 1, NULL, 0), L7_INSPECT_INSPECTING);
    ck_assert_uint_eq(stats_of(insp).regex_runs, 0);
    /* Classify-all runs each enabled protocol once per packet that added bytes. */
    ck_assert_int_eq(l7_inspect_classify(insp, st, 2, (const uint8_t *)"SSH", 3),
                     L7_INSPECT_INSPECTING);
    ck_assert_uint_eq(stats_of(insp).regex_runs, 2); /* "off" is disabled */
    ck_assert_int_eq(l7_inspect_classify(insp, st, 3, (const uint8_t *)"\0\0", 2),
                     L7_INSPECT_INSPECTING);
    ck_assert_uint_eq(stats_of(insp).regex_runs, 2);
    /* A rule for a protocol that already ran on these bytes reruns nothing. */
    ck_assert_int_eq(l7_inspect_rule(insp, st, 3, NULL, 0, 1), L7_INSPECT_NO);
    ck_assert_uint_eq(stats_of(insp).regex_runs, 2);
    /* "^get " cannot match a buffer starting "ssh" whatever follows: it is
     * not run again; "^ssh-" runs and matches. */
    ck_assert_int_eq(l7_inspect_classify(insp, st, 4, (const uint8_t *)"-2.0", 4),
                     L7_INSPECT_CLASSIFIED);
    ck_assert_uint_eq(stats_of(insp).regex_runs, 3);
    ck_assert_uint_eq(stats_of(insp).regex_skipped, 1);
    ck_assert_uint_eq(l7_inspect_state_protocol(st), 1);
    ck_assert_str_eq(l7_inspect_state_protocol_name(insp, st), "ssh");
    ck_assert_uint_eq(l7_inspect_state_buffered(st), 0);
    l7_inspect_stats s = stats_of(insp);
    ck_assert_uint_eq(s.bytes_inspected, 7);
    ck_assert_uint_eq(s.packets_collected, 4);
    ck_assert_uint_eq(s.classified, 1);
    ck_assert_uint_eq(s.unknown, 0);
    ck_assert_uint_eq(s.limit_hits, 0);
    ck_assert_uint_eq(s.last_limit_protocol, L7_PROTO_ID_NONE);
    /* Classified: later packets cost nothing. */
    ck_assert_int_eq(l7_inspect_classify(insp, st, 5, (const uint8_t *)"get ", 4),
                     L7_INSPECT_CLASSIFIED);
    ck_assert_uint_eq(stats_of(insp).regex_runs, 3);
    /* Removing the protocol leaves the connection's id with no name. */
    ck_assert_int_eq(l7_protoset_remove(set, 1), L7_OK);
    ck_assert_str_eq(l7_inspect_state_protocol_name(insp, st), "");

    l7_inspect_state_reset(insp, st);
    ck_assert_int_eq(l7_inspect_state_status(st), L7_INSPECT_INSPECTING);
    for (uint64_t p = 1; p <= 11; p++)
        l7_inspect_classify(insp, st, p, (const uint8_t *)"zz", 2);
    ck_assert_int_eq(l7_inspect_state_status(st), L7_INSPECT_UNKNOWN);
    ck_assert_str_eq(l7_inspect_state_protocol_name(insp, st), "unknown");
    ck_assert_uint_eq(l7_inspect_state_protocol(st), L7_PROTO_ID_UNKNOWN);
    ck_assert_uint_eq(stats_of(insp).unknown, 1);

    /* A second connection on the same inspector gets its own buffer. */
    l7_inspect_state *st2 = NULL;
    l7_inspect_state_create(&st2, insp);
    ck_assert_int_eq(l7_inspect_rule(insp, st2, 1, (const uint8_t *)"GET /", 5, 0),
                     L7_INSPECT_YES);
    l7_inspect_state_destroy(insp, st2);
    l7_inspect_state_destroy(insp, st);
    l7_inspect_state_destroy(insp, NULL);
    l7_inspect_destroy(insp);
}
END_TEST

START_TEST(test_limit_hit)
{
    static const char *const protos[][2] = {{"evil", "^(a+)+[^a]"},
                                            {"fine", "a{2048}"}};
    l7_inspector *insp = make_inspector(protos, 2, NULL);
    l7_inspect_state *st = NULL;
    l7_inspect_state_create(&st, insp);
    uint8_t buf[2048];
    memset(buf, 'a', sizeof(buf));
    ck_assert_int_eq(l7_inspect_rule(insp, st, 1, buf, sizeof(buf), 0),
                     L7_INSPECT_LIMIT);
    l7_inspect_stats s = stats_of(insp);
    ck_assert_uint_eq(s.limit_hits, 1);
    ck_assert_uint_eq(s.last_limit_protocol, 0);
    ck_assert_int_eq(l7_inspect_state_status(st), L7_INSPECT_INSPECTING);
    /* Not retried on the same bytes; the next protocol still gets its turn. */
    ck_assert_int_eq(l7_inspect_rule(insp, st, 1, buf, sizeof(buf), 0), L7_INSPECT_NO);
    ck_assert_uint_eq(stats_of(insp).limit_hits, 1);
    ck_assert_int_eq(l7_inspect_rule(insp, st, 1, buf, sizeof(buf), 1), L7_INSPECT_YES);
    /* Classify-all counts the limit too and moves on. */
    l7_inspect_state_reset(insp, st);
    ck_assert_int_eq(l7_inspect_classify(insp, st, 1, buf, sizeof(buf)),
                     L7_INSPECT_CLASSIFIED);
    ck_assert_uint_eq(stats_of(insp).limit_hits, 2);
    ck_assert_uint_eq(l7_inspect_state_protocol(st), 1);
    l7_inspect_state_destroy(insp, st);
    l7_inspect_destroy(insp);
}
END_TEST

START_TEST(test_options_and_args)
{
    l7_protoset *set = NULL;
    l7_protoset_create(&set, NULL, NULL);
    l7_inspect_options o;
    l7_inspect_options_init(&o);
    ck_assert_uint_eq(o.max_packets, 10);
    ck_assert_uint_eq(o.max_bytes, 2048);
    ck_assert_uint_eq(o.strict_first_packet, 0);
    ck_assert_uint_eq(o.collect_always, 0);
    l7_inspector *insp = NULL;
    o.max_bytes = 0;
    ck_assert_int_eq(l7_inspect_create(&insp, set, &o, NULL), L7_ERANGE);
    o.max_bytes = 65537;
    ck_assert_int_eq(l7_inspect_create(&insp, set, &o, NULL), L7_ERANGE);
    o.max_bytes = 16;
    o.max_packets = 1001;
    ck_assert_int_eq(l7_inspect_create(&insp, set, &o, NULL), L7_ERANGE);
    o.max_packets = 2;
    o.size = 8;
    ck_assert_int_eq(l7_inspect_create(&insp, set, &o, NULL), L7_EINVAL);
    o.size = sizeof(o);
    ck_assert_int_eq(l7_inspect_create(&insp, NULL, &o, NULL), L7_EINVAL);
    ck_assert_int_eq(l7_inspect_create(&insp, set, &o, NULL), L7_OK);
    ck_assert_int_eq(l7_protoset_add(NULL, set, "p", "^x{16}$", 7, NULL), L7_OK);
    l7_inspect_state *st = NULL;
    l7_inspect_state_create(&st, insp);
    /* Custom budgets: 2 packets, 16 bytes. */
    uint8_t x[20];
    memset(x, 'x', sizeof(x));
    ck_assert_int_eq(l7_inspect_classify(insp, st, 1, x, 10), L7_INSPECT_INSPECTING);
    ck_assert_int_eq(l7_inspect_classify(insp, st, 2, x, 10), L7_INSPECT_CLASSIFIED);
    l7_inspect_state_reset(insp, st);
    ck_assert_int_eq(l7_inspect_classify(insp, st, 3, x, 20), L7_INSPECT_UNKNOWN);
    /* Bad arguments */
    ck_assert_int_eq(l7_inspect_classify(insp, st, 0, x, 1), L7_EINVAL);
    ck_assert_int_eq(l7_inspect_rule(insp, st, 1, NULL, 1, 0), L7_EINVAL);
    ck_assert_int_eq(l7_inspect_observe(NULL, st, 1, x, 1), L7_EINVAL);
    l7_inspect_stats s;
    s.size = 4;
    ck_assert_int_eq(l7_inspect_get_stats(&s, insp), L7_EINVAL);
    l7_inspect_state_destroy(insp, st);
    l7_inspect_destroy(insp);
    l7_inspect_destroy(NULL);
    l7_protoset_destroy(set);
}
END_TEST

START_TEST(test_embedded_state)
{
    /* conntrack embeds the struct: init, drive, release. */
    static const char *const protos[][2] = {{"p", "^never"}};
    l7_inspector *insp = make_inspector(protos, 1, NULL);
    struct {
        uint64_t other_fields;
        l7_inspect_state l7;
    } record;
    l7_inspect_state_init(&record.l7);
    ck_assert_int_eq(
        l7_inspect_classify(insp, &record.l7, 1, (const uint8_t *)"abc", 3),
        L7_INSPECT_INSPECTING);
    ck_assert_ptr_nonnull(record.l7.buf);
    l7_inspect_state_release(l7_inspect_alloc(insp), &record.l7);
    ck_assert_ptr_null(record.l7.buf);
    l7_inspect_destroy(insp);
}
END_TEST

/* ---- the l7-protocols sample payloads ------------------------------------- */

typedef struct family {
    const char *family; /* testing/data/<family>-<n> */
    const char *pat;    /* .pat under corpus/l7-protocols, NULL when none */
    const char *miss;   /* why it is not expected to classify, NULL when it must */
} family;

static const family families[] = {
    {"aim", "protocols/aim", NULL},
    {"bittorrent-a", "protocols/bittorrent", NULL},
    {"bittorrent-b", "protocols/bittorrent", NULL},
    {"chikka-a", "protocols/chikka", NULL},
    {"chikka-b", "protocols/chikka", NULL},
    {"dns", "protocols/dns", NULL},
    {"edonkey-tcp-a", "protocols/edonkey", NULL},
    {"edonkey-tcp-b", "protocols/edonkey", NULL},
    {"edonkey-udp-a", "protocols/edonkey", NULL},
    {"edonkey-udp-b", "protocols/edonkey", NULL},
    {"ftp", "protocols/ftp", NULL},
    {"gnutella", "protocols/gnutella", NULL},
    {"gnutella-connect", "protocols/gnutella", NULL},
    {"gnutella-udp-a", "protocols/gnutella", NULL},
    {"gnutella-udp-b", "protocols/gnutella", NULL},
    {"gnutella-udp-c", "protocols/gnutella",
     "pattern misses it (also with Python re): 15 bytes, no GND header, no \"lime\""},
    {"http-digg-304", "protocols/http", NULL},
    {"http-wunderground", "protocols/http", NULL},
    {"imap", "protocols/imap", NULL},
    {"ipp", "protocols/ipp", NULL},
    {"jabber", "protocols/jabber", NULL},
    {"skypeout-a", "protocols/skypeout", NULL},
    {"skypeout-b", "protocols/skypeout", NULL},
    {"skypeout-c", "protocols/skypeout", NULL},
    {"ssdp", "protocols/ssdp", NULL},
    {"ssh", "protocols/ssh", NULL},
    {"stun", "protocols/stun",
     "pattern misses it (also with Python re): first byte 0x50, the pattern wants a "
     "0x01/0x02 STUN header as the connection's first byte"},
    {"validcertssl", "protocols/validcertssl", NULL},
    {"x11", "protocols/x11", NULL},
    {"yahoo", "protocols/yahoo", NULL},
    {"aresdownload-a", "protocols/ares",
     "pattern misses it (also with Python re): testing/README says the ares files are "
     "not first-packet captures"},
    {"aresdownload-b", "protocols/ares", "as aresdownload-a"},
    {"aresdownload-c", "protocols/ares", "as aresdownload-a"},
    {"winmx", NULL, "no winmx.pat in l7-protocols"},
    {"dce-rpc-spam-a", NULL,
     "no .pat for DCE-RPC spam (malware/ has only code_red, nimda)"},
    {"dce-rpc-spam-b", NULL,
     "no .pat for DCE-RPC spam (malware/ has only code_red, nimda)"},
};

/* Read <family>-1, -2, ... (or the single file <family>). The sample tool
 * wrote a text newline after some captures: when every file but the last
 * is a prefix of the next only without its final '\n', that byte is an
 * artifact and is dropped from every file. */
static size_t read_family(const char *dir, const char *fam, uint8_t **files,
                          size_t *lens, size_t max)
{
    size_t n = 0;
    char path[2048];
    for (; n < max; n++) {
        snprintf(path, sizeof(path), "%s/%s-%zu", dir, fam, n + 1);
        files[n] = l7t_read_file(path, &lens[n]);
        if (!files[n])
            break;
    }
    if (!n) {
        snprintf(path, sizeof(path), "%s/%s", dir, fam);
        files[0] = l7t_read_file(path, &lens[0]);
        return files[0] ? 1 : 0;
    }
    bool artifact = n >= 2;
    for (size_t k = 0; k < n && artifact; k++) {
        artifact = lens[k] && files[k][lens[k] - 1] == '\n';
        if (artifact && k + 1 < n)
            artifact = lens[k] - 1 <= lens[k + 1] &&
                       memcmp(files[k], files[k + 1], lens[k] - 1) == 0 &&
                       !(lens[k] <= lens[k + 1] &&
                         memcmp(files[k], files[k + 1], lens[k]) == 0);
    }
    if (artifact)
        for (size_t k = 0; k < n; k++)
            lens[k]--;
    return n;
}

START_TEST(test_corpus_samples)
{
    const char *shared = l7t_shared_dir();
    if (!shared) {
        printf("inspect: corpus not found (L7_SHARED_DIR unset): skipped\n");
        return;
    }
    const family *f = &families[_i];
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/corpus/l7-protocols/testing/data", shared);
    uint8_t *files[32] = {0};
    size_t lens[32] = {0};
    size_t n = read_family(dir, f->family, files, lens, 32);
    if (!n) {
        printf("inspect: sample %s missing: skipped\n", f->family);
        return;
    }
    if (!f->pat) {
        printf("inspect: sample %s: not checked: %s\n", f->family, f->miss);
        for (size_t k = 0; k < n; k++)
            free(files[k]);
        return;
    }
    char path[2048];
    snprintf(path, sizeof(path), "%s/corpus/l7-protocols/%s.pat", shared, f->pat);
    size_t plen = 0;
    uint8_t *pat = l7t_read_file(path, &plen);
    ck_assert_ptr_nonnull(pat);
    l7_protoset *set = NULL;
    l7_protoset_create(&set, NULL, NULL);
    uint32_t id;
    ck_assert_int_eq(
        l7_protoset_add_pat(&id, set, pat, plen, strrchr(f->pat, '/') + 1, NULL),
        L7_OK);
    free(pat);
    l7_inspector *insp = NULL;
    ck_assert_int_eq(l7_inspect_create(&insp, set, NULL, NULL), L7_OK);
    l7_inspect_state *st = NULL;
    l7_inspect_state_create(&st, insp);
    /* Packet k is what file k adds to file k-1; files that are not each
     * other's prefixes are fed whole, one connection each. */
    size_t classified_at = 0, prev = 0;
    for (size_t k = 0; k < n && !classified_at; k++) {
        bool grows = k && lens[k] >= prev && memcmp(files[k], files[k - 1], prev) == 0;
        if (k && !grows) {
            l7_inspect_state_reset(insp, st);
            prev = 0;
        }
        uint64_t pkt = grows ? k + 1 : 1;
        int s = l7_inspect_classify(insp, st, pkt, files[k] + prev, lens[k] - prev);
        ck_assert_int_ge(s, 0);
        if (s == L7_INSPECT_CLASSIFIED) {
            ck_assert_uint_eq(l7_inspect_state_protocol(st), id);
            classified_at = k + 1;
        }
        prev = lens[k];
    }
    l7_inspect_stats s = stats_of(insp);
    ck_assert_uint_eq(s.limit_hits, 0);
    if (f->miss) {
        printf("inspect: sample %s: %s, classified at %zu\n", f->family, f->miss,
               classified_at);
    } else {
        ck_assert_msg(classified_at, "%s: never classified as %s over %zu files",
                      f->family, f->pat, n);
        printf("inspect: sample %s classified as %s at packet %zu of %zu\n", f->family,
               f->pat, classified_at, n);
    }
    for (size_t k = 0; k < n; k++)
        free(files[k]);
    l7_inspect_state_destroy(insp, st);
    l7_inspect_destroy(insp);
    l7_protoset_destroy(set);
}
END_TEST

static Suite *inspect_suite(void)
{
    Suite *s = suite_create("inspect");
    TCase *tc = tcase_create("window");
    tcase_add_loop_test(tc, test_scenarios, 0, (int)L7_ARRAY_SIZE(scenarios));
    tcase_add_test(tc, test_query_and_counters);
    tcase_add_test(tc, test_limit_hit);
    tcase_add_test(tc, test_options_and_args);
    tcase_add_test(tc, test_embedded_state);
    suite_add_tcase(s, tc);
    TCase *corpus = tcase_create("corpus");
    tcase_add_loop_test(corpus, test_corpus_samples, 0, (int)L7_ARRAY_SIZE(families));
    suite_add_tcase(s, corpus);
    return s;
}

int main(void)
{
    return l7t_run_suite(inspect_suite());
}
