/*
 * bench-patterns: classify synthetic connections two ways and print both
 * side by side.
 *
 *  naive  the RouterOS / l7-filter way: every protocol compiled on its own,
 *         CASELESS|DOTALL as written (the `^.*X.*$` wrapper kept), and every
 *         protocol re-run over the whole buffer after each packet that adds
 *         bytes, until one matches or the window closes;
 *  libl7  the inspect module's classify-all mode.
 *
 * Two protocol sets: the seed page's protocols, and 1,000 generated
 * host-name protocols. Connections: HTTP requests with Host headers, TLS
 * ClientHellos with an SNI, and random binary, 10 packets each. Both ways
 * must give every connection the same answer; the run fails otherwise.
 *
 * Usage: bench-patterns [connections] [runs]   (defaults 10000 and 5)
 */
#define _POSIX_C_SOURCE       200809L
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "l7/l7.h"
#include "seed_protocols.h"
#include "synth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { PACKETS = 10, WINDOW_BYTES = 2048, PKT_CAP = 1500, MAX_PROTOS = 1100 };

typedef struct conn {
    uint16_t len[PACKETS];
    uint8_t *data[PACKETS];
} conn;

typedef struct proto_def {
    char name[32];
    char regexp[128];
} proto_def;

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- workload --------------------------------------------------------- */

static const char *const seed_hosts[] = {
    "www.facebook.com", "static.xx.fbcdn.net", "www.youtube.com",
    "i.ytimg.com",      "rr4.googlevideo.com", "www.netflix.com",
    "api.twitter.com",  "www.example.org",     "news.ycombinator.com",
    "en.wikipedia.org", "api.github.com",      "mail.corp.example",
    "cdn.jsdelivr.net", "www.debian.org",      "update.company.lan",
    "intranet.local",
};

static void make_host(char *out, size_t cap, int generated, uint64_t *rng)
{
    if (generated) {
        /* 3 in 4 hosts name an existing generated protocol. */
        unsigned k = (unsigned)(synth_rand(rng) % 1333);
        snprintf(out, cap, "www.site%04u.example.com", k);
    } else {
        snprintf(
            out, cap, "%s",
            seed_hosts[synth_rand(rng) % (sizeof(seed_hosts) / sizeof(seed_hosts[0]))]);
    }
}

static void fill_random(conn *c, int k, uint64_t *rng, size_t min, size_t span)
{
    c->len[k] = (uint16_t)(min + synth_rand(rng) % span);
    synth_random_bytes(rng, c->data[k], c->len[k]);
}

static void make_conn(conn *c, int generated, uint64_t *rng)
{
    char host[64];
    unsigned kind = (unsigned)(synth_rand(rng) % 10);
    make_host(host, sizeof(host), generated, rng);
    for (int k = 0; k < PACKETS; k++)
        c->len[k] = 0;
    if (kind < 4) { /* HTTP: request, response, then body segments */
        c->len[0] = (uint16_t)synth_http_request(c->data[0], PKT_CAP, "GET", host,
                                                 "/index.html", "Mozilla/5.0 (X11)");
        c->len[1] = (uint16_t)synth_http_response(c->data[1], PKT_CAP, 900, rng);
        for (int k = 2; k < PACKETS; k++)
            c->len[k] = (uint16_t)synth_http_response(c->data[k], PKT_CAP, 1200, rng);
    } else if (kind < 8) { /* TLS: ClientHello, server flight, encrypted data */
        c->len[0] = (uint16_t)synth_tls_client_hello(c->data[0], PKT_CAP, host, rng);
        for (int k = 1; k < PACKETS; k++)
            c->len[k] = (uint16_t)synth_tls_server_flight(
                c->data[k], PKT_CAP, 300 + synth_rand(rng) % 1100, rng);
    } else { /* binary */
        for (int k = 0; k < PACKETS; k++)
            fill_random(c, k, rng, 100, 1300);
    }
}

/* ---- the naive way ---------------------------------------------------- */

typedef struct naive_set {
    size_t count;
    pcre2_code *code[MAX_PROTOS];
    pcre2_match_data *md;
} naive_set;

static int naive_compile(naive_set *ns, const proto_def *defs, size_t n)
{
    l7_pattern_options po;
    l7_pattern_options_init(&po);
    po.flags |= L7_PATTERN_NO_STRIP;
    ns->count = n;
    for (size_t i = 0; i < n; i++) {
        char pcre_text[512];
        int len = l7_pattern_translate(pcre_text, sizeof(pcre_text), defs[i].regexp,
                                       strlen(defs[i].regexp), &po, defs[i].name, NULL);
        if (len < 0 || (size_t)len >= sizeof(pcre_text))
            return -1;
        int err;
        PCRE2_SIZE off;
        ns->code[i] = pcre2_compile(
            (PCRE2_SPTR)pcre_text, (PCRE2_SIZE)len,
            PCRE2_CASELESS | PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY, &err, &off, NULL);
        if (!ns->code[i])
            return -1;
        pcre2_jit_compile(ns->code[i], PCRE2_JIT_COMPLETE);
    }
    ns->md = pcre2_match_data_create(1, NULL);
    return ns->md ? 0 : -1;
}

static void naive_free(naive_set *ns)
{
    for (size_t i = 0; i < ns->count; i++)
        pcre2_code_free(ns->code[i]);
    pcre2_match_data_free(ns->md);
}

/* Returns the protocol index, or -1 for unknown; adds inspected bytes. */
static int naive_classify(naive_set *ns, const conn *c, uint64_t *bytes)
{
    uint8_t buf[WINDOW_BYTES];
    size_t len = 0;
    for (int k = 0; k < PACKETS; k++) {
        size_t added = 0;
        for (size_t b = 0; b < c->len[k] && len < WINDOW_BYTES; b++)
            if (c->data[k][b]) {
                buf[len++] = c->data[k][b];
                added++;
            }
        *bytes += added;
        if (!added)
            continue;
        for (size_t p = 0; p < ns->count; p++)
            if (pcre2_match(ns->code[p], buf, len, 0, 0, ns->md, NULL) >= 0)
                return (int)p;
    }
    return -1;
}

/* ---- libl7 ------------------------------------------------------------ */

static int l7_classify(l7_inspector *insp, l7_inspect_state *st, const conn *c,
                       uint64_t *bytes)
{
    l7_inspect_state_reset(insp, st);
    for (int k = 0; k < PACKETS; k++) {
        int status =
            l7_inspect_classify(insp, st, (uint64_t)k + 1, c->data[k], c->len[k]);
        if (status != L7_INSPECT_INSPECTING)
            break;
    }
    (void)bytes;
    return l7_inspect_state_status(st) == L7_INSPECT_CLASSIFIED
               ? (int)l7_inspect_state_protocol(st)
               : -1;
}

/* ---- one set ---------------------------------------------------------- */

static int run_set(const char *label, const proto_def *defs, size_t ndefs,
                   int generated, size_t nconn, size_t naive_conns, int runs)
{
    uint64_t rng = 42;
    conn *conns = calloc(nconn, sizeof(*conns));
    uint8_t *arena = malloc(nconn * PACKETS * PKT_CAP);
    if (!conns || !arena)
        return -1;
    for (size_t i = 0; i < nconn; i++) {
        for (int k = 0; k < PACKETS; k++)
            conns[i].data[k] = arena + (i * PACKETS + (size_t)k) * PKT_CAP;
        make_conn(&conns[i], generated, &rng);
    }

    l7_protoset *set = NULL;
    l7_inspector *insp = NULL;
    l7_inspect_state *st = NULL;
    naive_set *ns = calloc(1, sizeof(*ns));
    if (!ns || l7_protoset_create(&set, NULL, NULL))
        return -1;
    for (size_t i = 0; i < ndefs; i++)
        if (l7_protoset_add(NULL, set, defs[i].name, defs[i].regexp,
                            strlen(defs[i].regexp), NULL))
            return -1;
    if (l7_inspect_create(&insp, set, NULL, NULL) ||
        l7_inspect_state_create(&st, insp) || naive_compile(ns, defs, ndefs))
        return -1;

    /* Same answers, and the inspected byte count both ways use. */
    size_t disagree = 0, classified = 0;
    for (size_t i = 0; i < naive_conns; i++) {
        uint64_t dummy = 0;
        int a = naive_classify(ns, &conns[i], &dummy);
        int b = l7_classify(insp, st, &conns[i], &dummy);
        disagree += a != b;
        classified += b >= 0;
    }

    double naive_mbs[16], naive_cps[16], l7_mbs[16], l7_cps[16];
    for (int r = 0; r < runs; r++) {
        uint64_t bytes = 0;
        double t0 = now_sec();
        for (size_t i = 0; i < naive_conns; i++)
            naive_classify(ns, &conns[i], &bytes);
        double t1 = now_sec();
        naive_mbs[r] = (double)bytes / (t1 - t0) / 1e6;
        naive_cps[r] = (double)naive_conns / (t1 - t0);

        l7_inspect_stats s0 = {.size = sizeof(s0)}, s1 = {.size = sizeof(s1)};
        l7_inspect_get_stats(&s0, insp);
        t0 = now_sec();
        for (size_t i = 0; i < nconn; i++)
            l7_classify(insp, st, &conns[i], &bytes);
        t1 = now_sec();
        l7_inspect_get_stats(&s1, insp);
        l7_mbs[r] = (double)(s1.bytes_inspected - s0.bytes_inspected) / (t1 - t0) / 1e6;
        l7_cps[r] = (double)nconn / (t1 - t0);
    }
    double nm = median(naive_mbs, runs), nc = median(naive_cps, runs);
    double lm = median(l7_mbs, runs), lc = median(l7_cps, runs);
    printf("%-26s %6zu %8zu %10.2f %12.0f %8zu %10.2f %12.0f %8.1fx\n", label, ndefs,
           naive_conns, nm, nc, nconn, lm, lc, lc / nc);
    printf("%-26s classified %zu of %zu; answers that differ: %zu\n", "", classified,
           naive_conns, disagree);

    l7_inspect_state_destroy(insp, st);
    l7_inspect_destroy(insp);
    l7_protoset_destroy(set);
    naive_free(ns);
    free(ns);
    free(arena);
    free(conns);
    return disagree ? 1 : 0;
}

int main(int argc, char **argv)
{
    size_t nconn = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    if (nconn < 100 || runs < 1 || runs > 16) {
        fprintf(stderr, "usage: bench-patterns [connections>=100] [runs 1..16]\n");
        return 2;
    }
    static proto_def seed[64], generated[MAX_PROTOS];
    for (size_t i = 0; i < seed_protocol_count; i++) {
        snprintf(seed[i].name, sizeof(seed[i].name), "%s", seed_protocols[i].name);
        snprintf(seed[i].regexp, sizeof(seed[i].regexp), "%s",
                 seed_protocols[i].regexp);
    }
    for (unsigned i = 0; i < 1000; i++) {
        snprintf(generated[i].name, sizeof(generated[i].name), "host-%04u", i);
        snprintf(generated[i].regexp, sizeof(generated[i].regexp),
                 "^.*(site%04u\\.example|cdn%04u\\.example).*$", i, i);
    }

    printf(
        "bench-patterns: %zu synthetic connections (40%% HTTP, 40%% TLS, 20%% binary), "
        "10 packets each; medians of %d runs\n",
        nconn, runs);
    printf("MB/s = inspected payload bytes (after NUL stripping) per second\n\n");
    printf("%-26s %6s %8s %10s %12s %8s %10s %12s %9s\n", "", "protos", "naive:n",
           "naive MB/s", "naive conn/s", "libl7:n", "libl7 MB/s", "libl7 conn/s",
           "speed-up");
    int bad = 0;
    bad |= run_set("seed protocols", seed, seed_protocol_count, 0, nconn, nconn, runs);
    /* The naive way needs about a second per 200 connections with 1,000
     * protocols: it runs on a sample; rates are per second either way. */
    size_t sample = nconn < 500 ? nconn : 500;
    bad |=
        run_set("1,000 host-name protocols", generated, 1000, 1, nconn, sample, runs);
    if (bad)
        fprintf(stderr, "bench-patterns: the two ways disagree\n");
    return bad ? 1 : 0;
}
