/* Differential test of the inspector's incremental matching (dead anchored
 * patterns, late starts, soft partial matches) against the l7-filter
 * reference of routeros-spec.md §1.2 / L5: every protocol re-run over the
 * whole buffer after each packet that added bytes. Random patterns of the
 * dialect, the seed page's regexps and the l7-protocols .pat regexps, over
 * random and structured payloads cut into random packets; both driving
 * modes. Deterministic seeds. */
#define _POSIX_C_SOURCE 200809L /* strdup, opendir */
#include "testutil.h"

#include "common_internal.h"
#include "l7/l7.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- randomness -------------------------------------------------------- */

static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint32_t below(uint64_t *s, uint32_t n)
{
    return (uint32_t)(rnd(s) % n);
}

/* ---- random patterns of the dialect ------------------------------------ */

typedef struct text {
    char s[400];
    size_t n;
} text;

static void put(text *t, const char *s)
{
    size_t k = strlen(s);
    if (t->n + k < sizeof(t->s)) {
        memcpy(t->s + t->n, s, k);
        t->n += k;
        t->s[t->n] = '\0';
    }
}

/* Atoms drawn from a small alphabet so that matches, near-misses and
 * partial matches at the end of the buffer are all frequent. */
static const char *const atoms[] = {
    "a",           "b",   "c",    "ab",    "A",     "x",        "\\x0a",
    "\\xe3",       ".",   "[ab]", "[^a]",  "[a-c]", " ",        "[\\x01-\\x0a]",
    "[[:digit:]]", "1",   "\\.",  "\\x41", "bc",    "[^\\x0a]", "get ",
    "\\x13bit",    "abc", "\\$",
};

static const char *const quants[] = {"",   "",   "",      "",    "",      "?",
                                     "*",  "+",  "{1,3}", "{2}", "{0,2}", "{1,}",
                                     "*?", "+?", "{3,5}", "??"};

static void gen_alt(text *t, uint64_t *r, unsigned depth, bool top);

static void gen_seq(text *t, uint64_t *r, unsigned depth)
{
    uint32_t items = 1 + below(r, 4);
    for (uint32_t i = 0; i < items; i++) {
        if (depth < 2 && below(r, 5) == 0) {
            put(t, "(");
            gen_alt(t, r, depth + 1, false);
            put(t, ")");
        } else {
            put(t, atoms[below(r, L7_ARRAY_SIZE(atoms))]);
        }
        put(t, quants[below(r, L7_ARRAY_SIZE(quants))]);
    }
}

static void gen_alt(text *t, uint64_t *r, unsigned depth, bool top)
{
    uint32_t alts = 1 + (below(r, 3) == 0 ? below(r, 3) : 0);
    /* At the top: all alternatives anchored, none, or a mix. */
    uint32_t anchor_mode = top ? below(r, 3) : 0;
    bool dollar = top && below(r, 5) == 0;
    for (uint32_t a = 0; a < alts; a++) {
        if (a)
            put(t, "|");
        if (anchor_mode == 1 || (anchor_mode == 2 && below(r, 2)))
            put(t, "^");
        gen_seq(t, r, depth);
        if (dollar || (top && below(r, 10) == 0))
            put(t, "$");
    }
}

static void gen_pattern(text *t, uint64_t *r)
{
    t->n = 0;
    t->s[0] = '\0';
    uint32_t kind = below(r, 10);
    if (kind >= 8) { /* a short word over {a, b}: matches as long as the
                      * pattern cross packet boundaries all the time */
        uint32_t n = 2 + below(r, 5);
        if (kind == 9)
            put(t, "^");
        for (uint32_t i = 0; i < n; i++)
            put(t, below(r, 2) ? "a" : "b");
        if (below(r, 4) == 0)
            put(t, "$");
    } else if (kind == 0) { /* the RouterOS wrapper, stripped by the compiler */
        put(t, "^.*");
        gen_seq(t, r, 1);
        put(t, ".*$");
    } else if (kind == 1) { /* an unbounded gap */
        if (below(r, 2))
            put(t, "^");
        gen_seq(t, r, 1);
        put(t, ".*");
        gen_seq(t, r, 1);
    } else {
        gen_alt(t, r, 0, true);
    }
}

/* ---- payloads ------------------------------------------------------------ */

typedef struct packets {
    size_t n;
    size_t len[14];
    uint8_t data[14][1600];
} packets;

static const uint8_t alphabet[] = {'a', 'b', 'c', 'A',  'B',  'x',  '\n', 0,
                                   ' ', '1', '.', 0xe3, 0x13, 'g',  'e',  't',
                                   'i', 'a', 'b', 'c',  '$',  0x0a, 'T',  'B'};

static const char *const fragments[] = {
    "abc",
    "get ",
    "GET / HTTP/1.1\r\nHost: www.youtube.com\r\n\r\n",
    "\x13"
    "bit",
    "ab",
    "x",
    "\n",
    "AB",
    "ba",
    "c$",
    "1.1",
    "\xe3\xe3",
    "bitTorrent protocol",
};

/* A stream: random bytes of a small alphabet, or fragments glued together,
 * or (when given) a corpus sample; then cut into packets. */
static void gen_packets(packets *p, uint64_t *r, const uint8_t *sample,
                        size_t sample_len)
{
    uint8_t stream[14 * 400];
    size_t n = 0, want = below(r, 6) == 0 ? 2000 + below(r, 2500) : below(r, 700);
    if (want > sizeof(stream))
        want = sizeof(stream);
    if (sample) {
        n = sample_len < sizeof(stream) ? sample_len : sizeof(stream);
        memcpy(stream, sample, n);
    } else if (below(r, 3) == 0) {
        static const uint8_t ab[] = {'a', 'b', 'A', 'B', 0};
        while (n < want)
            stream[n++] = ab[below(r, sizeof(ab))];
    } else if (below(r, 2)) {
        while (n < want)
            stream[n++] = alphabet[below(r, sizeof(alphabet))];
    } else {
        while (n < want) {
            const char *f = fragments[below(r, L7_ARRAY_SIZE(fragments))];
            size_t k = strlen(f);
            if (below(r, 4) == 0)
                stream[n++] = 0; /* NULs vanish from the buffer */
            for (size_t i = 0; i < k && n < want; i++)
                stream[n++] = (uint8_t)f[i];
        }
    }
    /* 1..12 packets (past the default window of 10); empty ones too. */
    p->n = 1 + below(r, 12);
    size_t at = 0;
    for (size_t k = 0; k < p->n; k++) {
        size_t left = n - at, take;
        if (k + 1 == p->n)
            take = left;
        else if (below(r, 6) == 0)
            take = 0;
        else
            take = left ? below(r, (uint32_t)(2 * left / (p->n - k) + 2)) : 0;
        if (take > left)
            take = left;
        if (take > sizeof(p->data[k]))
            take = sizeof(p->data[k]);
        memcpy(p->data[k], stream + at, take);
        p->len[k] = take;
        at += take;
    }
}

/* ---- the reference (routeros-spec.md §1.2, full rescans) ----------------- */

typedef struct ref {
    const l7_protoset *set;
    l7_pattern_scratch *scratch;
    uint32_t max_packets, max_bytes;
    bool collect_always;
    uint8_t buf[70000];
    size_t len;
    uint64_t last_packet;
    bool added, unknown, giveup_pending, limited;
    uint32_t result; /* L7_PROTO_ID_UNSET while inspecting */
} ref;

static void ref_init(ref *r, const l7_protoset *set, l7_pattern_scratch *scratch,
                     uint32_t max_packets, uint32_t max_bytes, bool collect_always)
{
    r->set = set;
    r->scratch = scratch;
    r->max_packets = max_packets;
    r->max_bytes = max_bytes;
    r->collect_always = collect_always;
    r->len = 0;
    r->last_packet = 0;
    r->added = r->unknown = r->giveup_pending = r->limited = false;
    r->result = L7_PROTO_ID_UNSET;
}

static void ref_collect(ref *r, uint64_t k, const uint8_t *d, size_t n)
{
    r->last_packet = k;
    r->added = false;
    for (size_t i = 0; i < n && r->len < r->max_bytes; i++)
        if (d[i]) {
            r->buf[r->len++] = d[i];
            r->added = true;
        }
}

/* Does protocol `id` match the whole buffer now? */
static bool ref_run(ref *r, uint32_t id)
{
    if (!l7_protoset_enabled(r->set, id))
        return false;
    int m =
        l7_pattern_match(l7_protoset_pattern(r->set, id), r->scratch, r->buf, r->len);
    ck_assert_int_ge(m, 0);
    if (m == L7_PATTERN_LIMIT)
        r->limited = true;
    if (m == L7_PATTERN_MATCH) {
        r->result = id;
        return true;
    }
    return false;
}

static int ref_status(const ref *r)
{
    if (r->unknown)
        return L7_INSPECT_UNKNOWN;
    return r->result == L7_PROTO_ID_UNSET ? L7_INSPECT_INSPECTING
                                          : L7_INSPECT_CLASSIFIED;
}

static int ref_classify(ref *r, uint64_t k, const uint8_t *d, size_t n)
{
    if (ref_status(r) != L7_INSPECT_INSPECTING)
        return ref_status(r);
    if (k > r->max_packets) {
        r->unknown = true;
        return ref_status(r);
    }
    ref_collect(r, k, d, n);
    if (r->added)
        for (uint32_t id = 0; id < l7_protoset_id_bound(r->set); id++)
            if (ref_run(r, id))
                break;
    return ref_status(r);
}

static void ref_observe(ref *r, uint64_t k, const uint8_t *d, size_t n)
{
    if (ref_status(r) != L7_INSPECT_INSPECTING)
        return;
    if (k > r->max_packets) {
        r->unknown = r->giveup_pending = true;
        return;
    }
    if (r->collect_always && k > r->last_packet)
        ref_collect(r, k, d, n);
}

static int ref_rule(ref *r, uint64_t k, const uint8_t *d, size_t n, uint32_t id)
{
    if (r->result != L7_PROTO_ID_UNSET)
        return r->result == id ? L7_INSPECT_YES : L7_INSPECT_NO;
    if (r->unknown) {
        if (r->giveup_pending) {
            r->giveup_pending = false;
            return L7_INSPECT_NO;
        }
        return id == L7_PROTO_ID_UNKNOWN ? L7_INSPECT_YES : L7_INSPECT_NO;
    }
    if (k > r->max_packets) {
        r->unknown = true;
        return L7_INSPECT_NO;
    }
    if (k > r->last_packet)
        ref_collect(r, k, d, n);
    else if (k < r->last_packet)
        return L7_INSPECT_NO;
    if (id == L7_PROTO_ID_UNKNOWN) /* L8 */
        return L7_INSPECT_NO;
    if (id == L7_PROTO_ID_UNSET)
        return r->added ? L7_INSPECT_YES : L7_INSPECT_NO;
    if (!r->added && !(r->collect_always && r->len))
        return L7_INSPECT_NO;
    return ref_run(r, id) ? L7_INSPECT_YES : L7_INSPECT_NO;
}

/* ---- one case ------------------------------------------------------------- */

typedef struct tally {
    unsigned cases, compared, limited, classified, skipped_runs;
} tally;

static uint64_t limit_hits(const l7_inspector *insp)
{
    l7_inspect_stats s;
    s.size = sizeof(s);
    ck_assert_int_eq(l7_inspect_get_stats(&s, insp), L7_OK);
    return s.limit_hits;
}

/* Drive one connection both ways and compare after every call. `rules`:
 * rule-driven with random rules, else classify-all. */
static void run_case(l7_protoset *set, const packets *p, uint64_t *r, bool rules,
                     const char *what, tally *t)
{
    static ref rf;
    l7_inspect_options o;
    l7_inspect_options_init(&o);
    static const uint32_t byte_caps[] = {2048, 2048, 2048, 64, 300, 5000};
    static const uint32_t pkt_caps[] = {10, 10, 3, 20};
    o.max_bytes = byte_caps[below(r, L7_ARRAY_SIZE(byte_caps))];
    o.max_packets = pkt_caps[below(r, L7_ARRAY_SIZE(pkt_caps))];
    o.collect_always = rules && below(r, 3) == 0;
    l7_inspector *insp = NULL;
    ck_assert_int_eq(l7_inspect_create(&insp, set, &o, NULL), L7_OK);
    l7_pattern_scratch *scratch = NULL;
    ck_assert_int_eq(l7_pattern_scratch_create(&scratch, NULL, NULL), L7_OK);
    l7_inspect_state *st = NULL;
    ck_assert_int_eq(l7_inspect_state_create(&st, insp), L7_OK);
    ref_init(&rf, set, scratch, o.max_packets, o.max_bytes, o.collect_always);
    uint32_t bound = l7_protoset_id_bound(set);
    bool differ = false;
    char why[200] = "";
    for (size_t k = 0; k < p->n && !differ; k++) {
        uint64_t pkt = k + 1;
        const uint8_t *d = p->data[k];
        size_t n = p->len[k];
        if (!rules) {
            int a = l7_inspect_classify(insp, st, pkt, d, n);
            int b = ref_classify(&rf, pkt, d, n);
            ck_assert_int_ge(a, 0);
            if (a != b || l7_inspect_state_protocol(st) !=
                              (rf.unknown ? L7_PROTO_ID_UNKNOWN : rf.result)) {
                differ = true;
                snprintf(why, sizeof(why), "packet %zu: status %d/%d protocol %u/%u",
                         k + 1, a, b, l7_inspect_state_protocol(st), rf.result);
            }
            continue;
        }
        int a = l7_inspect_observe(insp, st, pkt, d, n);
        ck_assert_int_ge(a, 0);
        ref_observe(&rf, pkt, d, n);
        /* Some packets reach no L7 rule (L10); others several, repeats too. */
        uint32_t nrules = below(r, 4) == 0 ? 0 : 1 + below(r, 4);
        for (uint32_t i = 0; i < nrules && !differ; i++) {
            uint32_t special = below(r, 10);
            uint32_t id = special == 0   ? L7_PROTO_ID_UNKNOWN
                          : special == 1 ? L7_PROTO_ID_UNSET
                                         : below(r, bound);
            int x = l7_inspect_rule(insp, st, pkt, d, n, id);
            int y = ref_rule(&rf, pkt, d, n, id);
            ck_assert_int_ge(x, 0);
            if (x == L7_INSPECT_LIMIT)
                x = L7_INSPECT_NO;
            if (x != y) {
                differ = true;
                snprintf(why, sizeof(why), "packet %zu rule %u for id %u: %d/%d", k + 1,
                         i, id, x, y);
            }
        }
    }
    t->cases++;
    /* A match limit makes runs of different lengths legitimately disagree. */
    if (rf.limited || limit_hits(insp)) {
        t->limited++;
    } else {
        t->compared++;
        t->classified += rf.result != L7_PROTO_ID_UNSET;
        if (differ) {
            fprintf(stderr, "differ (%s, %s): %s\n", rules ? "rules" : "classify", what,
                    why);
            for (uint32_t id = 0; id < bound; id++) {
                size_t len = 0;
                const char *re = l7_protoset_regexp(set, id, &len);
                fprintf(stderr, "  protocol %u%s: %.*s\n", id,
                        l7_protoset_enabled(set, id) ? "" : " (disabled)", (int)len,
                        re ? re : "");
            }
            for (size_t k = 0; k < p->n; k++) {
                fprintf(stderr, "  packet %zu (%zu bytes):", k + 1, p->len[k]);
                for (size_t i = 0; i < p->len[k] && i < 80; i++)
                    fprintf(stderr, " %02x", p->data[k][i]);
                fprintf(stderr, "\n");
            }
        }
        ck_assert_msg(!differ, "optimised inspector and reference differ: %s", why);
    }
    l7_inspect_stats s;
    s.size = sizeof(s);
    l7_inspect_get_stats(&s, insp);
    t->skipped_runs += (unsigned)s.regex_skipped;
    l7_inspect_state_destroy(insp, st);
    l7_pattern_scratch_destroy(scratch);
    l7_inspect_destroy(insp);
}

/* ---- random patterns -------------------------------------------------------- */

START_TEST(test_random_patterns)
{
    uint64_t r = 0x5eed0000u + (uint64_t)_i;
    tally t = {0};
    unsigned sets = 0, refused = 0;
    for (unsigned s = 0; s < 300; s++) {
        l7_protoset *set = NULL;
        ck_assert_int_eq(l7_protoset_create(&set, NULL, NULL), L7_OK);
        uint32_t want = 1 + below(&r, 5);
        for (uint32_t i = 0; i < want; i++) {
            text pat;
            gen_pattern(&pat, &r);
            char name[16];
            snprintf(name, sizeof(name), "p%u", i);
            uint32_t id = 0;
            if (l7_protoset_add(&id, set, name, pat.s, pat.n, NULL) != L7_OK) {
                refused++;
                continue;
            }
            if (below(&r, 10) == 0)
                l7_protoset_set_enabled(set, id, 0);
        }
        if (!l7_protoset_count(set)) {
            l7_protoset_destroy(set);
            continue;
        }
        sets++;
        for (unsigned c = 0; c < 6; c++) {
            packets p;
            gen_packets(&p, &r, NULL, 0);
            run_case(set, &p, &r, c & 1, "random", &t);
        }
        l7_protoset_destroy(set);
    }
    printf("inspect-diff: random patterns (seed %d): %u sets (%u regexps refused), %u "
           "cases, %u compared (%u classified), %u with a match limit, %u runs "
           "skipped\n",
           _i, sets, refused, t.cases, t.compared, t.classified, t.limited,
           t.skipped_runs);
    ck_assert_uint_gt(t.compared, 1000);
    ck_assert_uint_gt(t.classified, 200);
    ck_assert_uint_gt(t.compared - t.classified, 200);
    ck_assert_uint_gt(t.skipped_runs, 100);
}
END_TEST

/* ---- the seed page's regexps ------------------------------------------------- */

/* A selection of the seed page's layer7-protocol regexps (regex text). */
static const char *const seed_regexps[][2] = {
    {"http-web", "^(GET|POST|HEAD|PUT|DELETE|OPTIONS|TRACE|CONNECT) .*HTTP/1\\.[01]"},
    {"facebook", "^.*(facebook|fbcdn|fbsbx).*$"},
    {"youtube", "^.*(youtube|googlevideo|ytimg).*$"},
    {"bittorrent", "^(\\x13BitTorrent protocol|\\x42\\x54:|\\x47\\x45\\x54\\x2f)"},
    {"edonkey", "^[\\xe3\\xc6\\xd4\\xc7\\xe5]"},
    {"sip-voip", "^(INVITE|REGISTER|OPTIONS|ACK|BYE) sip:"},
    {"teamspeak", "^\\xf4\\xbe\\x03.*$"},
    {"custom-app", "^.*User-Agent: CustomApp/.*$"},
    {"internal-api", "^GET /api/v[0-9]+/.*$"},
    {"youtube-video", "^.*(youtube\\.com/watch|googlevideo\\.com).*$"},
    {"simple-match", "^.*youtube.*$"},
};

static const char *const seed_streams[] = {
    "GET /api/v12/items HTTP/1.1\r\nHost: api.example\r\n\r\n",
    "GET /watch?v=x HTTP/1.1\r\nHost: www.youtube.com\r\nUser-Agent: "
    "CustomApp/2\r\n\r\n",
    "POST /upload HTTP/1.0\r\nHost: rr3.googlevideo.com\r\n\r\nbody",
    "\x13"
    "BitTorrent protocol\0\0\0\0\0\0\0\0",
    "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP host\r\n\r\n",
    "\xf4\xbe\x03\x00\x01payload",
    "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 static.xx.fbcdn.net",
    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<a href=youtube.com/watch>",
    "\xe3\x01\x02 edonkey",
    "GET /api/vX/ HTTP/1.1\r\n\r\nGET /api/v1/",
};

START_TEST(test_seed_regexps)
{
    uint64_t r = 0x5eedu;
    tally t = {0};
    for (unsigned s = 0; s < 60; s++) {
        l7_protoset *set = NULL;
        ck_assert_int_eq(l7_protoset_create(&set, NULL, NULL), L7_OK);
        /* A random order of a random subset: set order decides ties. */
        uint32_t order[L7_ARRAY_SIZE(seed_regexps)];
        for (uint32_t i = 0; i < L7_ARRAY_SIZE(order); i++)
            order[i] = i;
        for (uint32_t i = L7_ARRAY_SIZE(order) - 1; i > 0; i--) {
            uint32_t j = below(&r, i + 1), tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        uint32_t n = 3 + below(&r, (uint32_t)L7_ARRAY_SIZE(order) - 2);
        for (uint32_t i = 0; i < n; i++) {
            const char *const *d = seed_regexps[order[i]];
            ck_assert_int_eq(l7_protoset_add(NULL, set, d[0], d[1], strlen(d[1]), NULL),
                             L7_OK);
        }
        for (unsigned c = 0; c < 20; c++) {
            /* A seed stream, its pieces shuffled among random fragments. */
            uint8_t stream[3000];
            size_t len = 0;
            while (len < 200 + below(&r, 2400)) {
                const char *f =
                    below(&r, 3) ? seed_streams[below(&r, L7_ARRAY_SIZE(seed_streams))]
                                 : fragments[below(&r, L7_ARRAY_SIZE(fragments))];
                size_t k = strlen(f);
                for (size_t i = 0; i < k && len < sizeof(stream); i++)
                    stream[len++] = (uint8_t)f[i];
                if (c % 3 == 0)
                    break; /* a single stream, as a real connection */
            }
            packets p;
            gen_packets(&p, &r, stream, len);
            run_case(set, &p, &r, c & 1, "seed", &t);
        }
        l7_protoset_destroy(set);
    }
    printf("inspect-diff: seed regexps: %u cases, %u compared (%u classified), %u "
           "runs skipped\n",
           t.cases, t.compared, t.classified, t.skipped_runs);
    ck_assert_uint_gt(t.classified, 100);
    ck_assert_uint_gt(t.compared - t.classified, 50);
}
END_TEST

/* ---- the l7-protocols corpus ------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(test_corpus_regexps)
{
    const char *shared = l7t_shared_dir();
    if (!shared) {
        printf("inspect-diff: corpus not found (L7_SHARED_DIR unset): skipped\n");
        return;
    }
    char dir[1024], path[2048];
    snprintf(dir, sizeof(dir), "%s/corpus/l7-protocols/protocols", shared);
    DIR *dh = opendir(dir);
    if (!dh) {
        printf("inspect-diff: %s missing: skipped\n", dir);
        return;
    }
    char *names[400];
    size_t nnames = 0;
    for (struct dirent *e; (e = readdir(dh)) && nnames < L7_ARRAY_SIZE(names);) {
        size_t k = strlen(e->d_name);
        if (k > 4 && strcmp(e->d_name + k - 4, ".pat") == 0)
            names[nnames++] = strdup(e->d_name);
    }
    closedir(dh);
    qsort(names, nnames, sizeof(*names), cmp_str); /* deterministic set order */
    l7_protoset *set = NULL;
    ck_assert_int_eq(l7_protoset_create(&set, NULL, NULL), L7_OK);
    unsigned loaded = 0;
    for (size_t i = 0; i < nnames; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        size_t len = 0;
        uint8_t *data = l7t_read_file(path, &len);
        names[i][strlen(names[i]) - 4] = '\0';
        if (data && l7_protoset_add_pat(NULL, set, data, len, names[i], NULL) == L7_OK)
            loaded++;
        free(data);
        free(names[i]);
    }
    ck_assert_uint_gt(loaded, 50);

    /* Payloads: the corpus's sample captures, and random streams. */
    snprintf(dir, sizeof(dir), "%s/corpus/l7-protocols/testing/data", shared);
    char *samples[200];
    size_t nsamples = 0;
    dh = opendir(dir);
    for (struct dirent *e;
         dh && (e = readdir(dh)) && nsamples < L7_ARRAY_SIZE(samples);)
        if (e->d_name[0] != '.')
            samples[nsamples++] = strdup(e->d_name);
    if (dh)
        closedir(dh);
    qsort(samples, nsamples, sizeof(*samples), cmp_str);

    uint64_t r = 0xc0ffeeu;
    tally t = {0};
    for (unsigned c = 0; c < 240; c++) {
        packets p;
        uint8_t *data = NULL;
        size_t len = 0;
        if (nsamples && c % 4 != 3) {
            snprintf(path, sizeof(path), "%s/%s", dir,
                     samples[below(&r, (uint32_t)nsamples)]);
            data = l7t_read_file(path, &len);
        }
        gen_packets(&p, &r, data, len);
        free(data);
        run_case(set, &p, &r, c & 1, "corpus", &t);
    }
    for (size_t i = 0; i < nsamples; i++)
        free(samples[i]);
    l7_protoset_destroy(set);
    printf("inspect-diff: %u corpus regexps: %u cases, %u compared (%u classified), "
           "%u with a match limit, %u runs skipped\n",
           loaded, t.cases, t.compared, t.classified, t.limited, t.skipped_runs);
    ck_assert_uint_gt(t.classified, 20);
}
END_TEST

/* ---- what the memo must not survive ------------------------------------------ */

/* A protocol ruled out for a connection comes back when its regexp is
 * replaced (the proofs belong to the old regexp). */
START_TEST(test_regexp_replaced)
{
    l7_protoset *set = NULL;
    ck_assert_int_eq(l7_protoset_create(&set, NULL, NULL), L7_OK);
    uint32_t a = 0, b = 0;
    ck_assert_int_eq(l7_protoset_add(&a, set, "a", "^zz", 3, NULL), L7_OK);
    ck_assert_int_eq(l7_protoset_add(&b, set, "b", "qq", 2, NULL), L7_OK);
    l7_inspector *insp = NULL;
    ck_assert_int_eq(l7_inspect_create(&insp, set, NULL, NULL), L7_OK);
    l7_inspect_state *st = NULL;
    ck_assert_int_eq(l7_inspect_state_create(&st, insp), L7_OK);
    ck_assert_int_eq(l7_inspect_classify(insp, st, 1, (const uint8_t *)"xyz", 3),
                     L7_INSPECT_INSPECTING);
    ck_assert_int_eq(l7_inspect_classify(insp, st, 2, (const uint8_t *)"abc", 3),
                     L7_INSPECT_INSPECTING);
    l7_inspect_stats s;
    s.size = sizeof(s);
    l7_inspect_get_stats(&s, insp);
    ck_assert_uint_eq(s.regex_skipped, 1); /* "^zz" ruled out after packet 1 */
    ck_assert_uint_eq(s.bytes_skipped, 2); /* "qq" resumed at byte 3 - (2 - 1) */
    ck_assert_int_eq(l7_protoset_set_regexp(set, a, "^xy", 3, NULL), L7_OK);
    ck_assert_int_eq(l7_protoset_set_regexp(set, b, "yzab", 4, NULL), L7_OK);
    ck_assert_int_eq(l7_inspect_classify(insp, st, 3, (const uint8_t *)"d", 1),
                     L7_INSPECT_CLASSIFIED);
    ck_assert_uint_eq(l7_inspect_state_protocol(st), a);
    l7_inspect_state_destroy(insp, st);
    l7_inspect_destroy(insp);
    l7_protoset_destroy(set);
}
END_TEST

static Suite *inspect_diff_suite(void)
{
    Suite *s = suite_create("inspect-diff");
    TCase *tc = tcase_create("differential");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_random_patterns, 0, 4);
    tcase_add_test(tc, test_seed_regexps);
    tcase_add_test(tc, test_corpus_regexps);
    tcase_add_test(tc, test_regexp_replaced);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return l7t_run_suite(inspect_diff_suite());
}
