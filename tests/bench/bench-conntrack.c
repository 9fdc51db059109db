/*
 * bench-conntrack: the connection table against a plain chained hash table.
 *
 * For each table size (default 1 M and 10 M live connections, half IPv4 and
 * half IPv6, queried in random order): hit and miss lookups per second
 * (one at a time and, for libl7, batched with prefetch), inserts per second
 * into the full table, the record size and the whole table's bytes per live
 * connection. Every figure is the median of several runs (default 5).
 *
 * usage: bench-conntrack [-c] [-r RUNS] [-q QUERIES] [--thp-row] [SIZE...]
 *   -c          time with the thread's CPU clock instead of CLOCK_MONOTONIC
 *   --thp-row   also run libl7 with transparent huge pages (huge_pages=1)
 */
#define _GNU_SOURCE
#include "conntrack_internal.h"
#include "l7/l7.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define T0       (1700000000ull * 1000000000ull)
#define MAX_RUNS 15
#define BLOCK    65536
#define INSERTS  200000

/* -c: thread CPU time instead of wall time, for a machine shared with
 * other jobs (descheduled time is then not counted). */
static clockid_t g_clock = CLOCK_MONOTONIC;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(g_clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* Flow number i: a deterministic, random-looking UDP tuple; even-hashed flows
 * IPv4, the others IPv6. Distinct i give distinct tuples. */
static void flow_tuple(l7_ct_tuple *t, uint64_t i)
{
    memset(t, 0, sizeof(*t));
    uint64_t a = mix64(i), b = mix64(i ^ 0x5555555555555555ull);
    t->l4_proto = 17;
    t->sport = (uint16_t)(1024 + (a >> 48) % 60000);
    t->dport = 53;
    if (a & 1) {
        t->src.family = t->dst.family = 6;
        t->src.bytes[0] = 0x20;
        t->src.bytes[1] = 0x01;
        memcpy(t->src.bytes + 8, &i, 8); /* unique per flow */
        t->dst.bytes[0] = 0x20;
        t->dst.bytes[1] = 0x01;
        memcpy(t->dst.bytes + 8, &b, 8);
    } else {
        t->src.family = t->dst.family = 4;
        uint32_t lo = (uint32_t)i, hi = (uint32_t)(i >> 32);
        /* 10.x.y.z + port carry the 32 low bits of i; dst from the hash */
        t->src.bytes[0] = 10;
        t->src.bytes[1] = (uint8_t)(lo >> 16);
        t->src.bytes[2] = (uint8_t)(lo >> 8);
        t->src.bytes[3] = (uint8_t)lo;
        t->sport = (uint16_t)(1024 + ((lo >> 24) | ((hi & 0xff) << 8)));
        memcpy(t->dst.bytes, &b, 4);
        t->dst.bytes[0] = (uint8_t)(100 + (i >> 40)); /* hits, misses, inserts apart */
    }
}

static void tuple_packet(struct l7_packet *p, const l7_ct_tuple *t)
{
    memset(p, 0, sizeof(*p));
    p->status = L7_PACKET_OK;
    p->ip_version = t->src.family;
    p->src = t->src;
    p->dst = t->dst;
    p->l4_proto = t->l4_proto;
    p->sport = t->sport;
    p->dport = t->dport;
    p->ip_len = 80;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(double), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Query order: random flow numbers, hits from [0, n), misses far beyond. */
static void make_queries(l7_ct_tuple *q, size_t count, uint64_t n, int miss,
                         uint64_t *rng)
{
    for (size_t k = 0; k < count; k++) {
        *rng = mix64(*rng);
        uint64_t i = *rng % n;
        flow_tuple(&q[k], miss ? i + (1ull << 40) : i);
    }
}

/* ---- the baseline: a straightforward chained hash table --------------------- */

typedef struct bnode {
    struct bnode *next;
    l7_ct_tuple key;     /* 48 bytes, as given (not canonicalised) */
    uint8_t payload[72]; /* same per-connection state as libl7's record */
} bnode;

typedef struct {
    bnode **buckets;
    uint64_t mask;
    size_t count;
    size_t node_bytes; /* malloc'd bytes including the allocator's header */
} btable;

static uint64_t bhash(const l7_ct_tuple *t)
{
    uint64_t w[6];
    memcpy(w, t, sizeof(w));
    uint64_t h = 0x27d4eb2f165667c5ull;
    for (int i = 0; i < 6; i++)
        h = (h ^ w[i]) * 0x9e3779b185ebca87ull, h ^= h >> 29;
    return mix64(h);
}

static void bt_init(btable *b, size_t n)
{
    size_t cap = 1;
    while (cap < n)
        cap <<= 1;
    b->buckets = calloc(cap, sizeof(bnode *));
    b->mask = cap - 1;
    b->count = 0;
    b->node_bytes = 0;
}

static bnode *bt_find(const btable *b, const l7_ct_tuple *t)
{
    for (bnode *n = b->buckets[bhash(t) & b->mask]; n; n = n->next)
        if (memcmp(&n->key, t, sizeof(*t)) == 0)
            return n;
    return NULL;
}

static void bt_insert(btable *b, const l7_ct_tuple *t)
{
    bnode **head = &b->buckets[bhash(t) & b->mask];
    for (bnode *n = *head; n; n = n->next)
        if (memcmp(&n->key, t, sizeof(*t)) == 0)
            return;
    bnode *n = malloc(sizeof(*n));
    memset(n, 0, sizeof(*n));
    n->key = *t;
    n->next = *head;
    *head = n;
    b->count++;
    b->node_bytes += malloc_usable_size(n) + 8;
}

static void bt_remove(btable *b, const l7_ct_tuple *t)
{
    for (bnode **p = &b->buckets[bhash(t) & b->mask]; *p; p = &(*p)->next)
        if (memcmp(&(*p)->key, t, sizeof(*t)) == 0) {
            bnode *n = *p;
            *p = n->next;
            b->node_bytes -= malloc_usable_size(n) + 8;
            free(n);
            b->count--;
            return;
        }
}

static void bt_free(btable *b)
{
    for (uint64_t i = 0; i <= b->mask; i++)
        for (bnode *n = b->buckets[i], *next; n; n = next) {
            next = n->next;
            free(n);
        }
    free(b->buckets);
}

/* ---- measurements ----------------------------------------------------------- */

enum { HIT, MISS, BHIT, BMISS, INS, NFIG };

typedef struct {
    double fig[NFIG]; /* operations per second (medians) */
    double record_bytes, bytes_per_conn;
} result;

static size_t g_queries = 500000;
static l7_ct_tuple *g_q;
static l7_conn **g_out;
static volatile uintptr_t g_sink;

/* Rate of `what` over g_queries lookups; query generation is not timed. */
static double time_l7_lookups(l7_conntrack *ct, uint64_t n, int miss, int batched,
                              uint64_t *rng)
{
    double t = 0;
    size_t found = 0;
    for (size_t done = 0; done < g_queries; done += BLOCK) {
        size_t m = g_queries - done < BLOCK ? g_queries - done : BLOCK;
        make_queries(g_q, m, n, miss, rng);
        double t0 = now_s();
        if (batched) {
            found += l7_conntrack_lookup_bulk(g_out, ct, g_q, NULL, m, T0);
        } else {
            for (size_t k = 0; k < m; k++) {
                l7_conn *c;
                found += l7_conntrack_lookup(&c, NULL, ct, &g_q[k], T0) == L7_OK;
                g_sink += (uintptr_t)c;
            }
        }
        t += now_s() - t0;
    }
    if (found != (miss ? 0 : g_queries))
        fprintf(stderr, "bench-conntrack: libl7 found %zu of %zu (miss=%d)\n", found,
                g_queries, miss);
    return (double)g_queries / t;
}

static double time_bt_lookups(btable *b, uint64_t n, int miss, uint64_t *rng)
{
    double t = 0;
    size_t found = 0;
    for (size_t done = 0; done < g_queries; done += BLOCK) {
        size_t m = g_queries - done < BLOCK ? g_queries - done : BLOCK;
        make_queries(g_q, m, n, miss, rng);
        double t0 = now_s();
        for (size_t k = 0; k < m; k++) {
            bnode *x = bt_find(b, &g_q[k]);
            found += x != NULL;
            g_sink += (uintptr_t)x;
        }
        t += now_s() - t0;
    }
    if (found != (miss ? 0 : g_queries))
        fprintf(stderr, "bench-conntrack: baseline found %zu of %zu\n", found,
                g_queries);
    return (double)g_queries / t;
}

/* Insert INSERTS new flows into the full table through the per-packet call
 * (timed), then remove them again (not timed). */
static double time_l7_inserts(l7_conntrack *ct, uint64_t base)
{
    static struct l7_packet pk[BLOCK];
    double t = 0;
    for (size_t done = 0; done < INSERTS; done += BLOCK) {
        size_t m = INSERTS - done < BLOCK ? INSERTS - done : BLOCK;
        for (size_t k = 0; k < m; k++) {
            flow_tuple(&g_q[k], base + done + k);
            tuple_packet(&pk[k], &g_q[k]);
        }
        double t0 = now_s();
        for (size_t k = 0; k < m; k++) {
            l7_ct_result r;
            l7_conntrack_track(&r, ct, &pk[k], T0);
            g_sink += r.created;
        }
        t += now_s() - t0;
    }
    for (size_t k = 0; k < INSERTS; k++) {
        l7_ct_tuple tu;
        l7_conn *c;
        flow_tuple(&tu, base + k);
        if (l7_conntrack_lookup(&c, NULL, ct, &tu, T0) == L7_OK)
            l7_conntrack_remove(ct, c);
    }
    return INSERTS / t;
}

static double time_bt_inserts(btable *b, uint64_t base)
{
    double t = 0;
    for (size_t done = 0; done < INSERTS; done += BLOCK) {
        size_t m = INSERTS - done < BLOCK ? INSERTS - done : BLOCK;
        for (size_t k = 0; k < m; k++)
            flow_tuple(&g_q[k], base + done + k);
        double t0 = now_s();
        for (size_t k = 0; k < m; k++)
            bt_insert(b, &g_q[k]);
        t += now_s() - t0;
    }
    for (size_t k = 0; k < INSERTS; k++) {
        l7_ct_tuple tu;
        flow_tuple(&tu, base + k);
        bt_remove(b, &tu);
    }
    return INSERTS / t;
}

static l7_conntrack *build_l7(uint64_t n, int huge, result *res)
{
    l7_conntrack_options o;
    l7_conntrack_options_init(&o);
    o.max_entries = (uint32_t)(n + INSERTS);
    o.initial_entries = (uint32_t)(n + INSERTS);
    o.huge_pages = (uint8_t)huge;
    o.hash_seed = 0x9e3779b97f4a7c15ull;
    l7_conntrack *ct;
    if (l7_conntrack_create(&ct, &o, NULL) != L7_OK) {
        fprintf(stderr, "bench-conntrack: cannot create a table\n");
        exit(1);
    }
    double t0 = now_s();
    struct l7_packet p;
    for (uint64_t i = 0; i < n; i++) {
        flow_tuple(&g_q[0], i);
        tuple_packet(&p, &g_q[0]);
        l7_ct_result r;
        l7_conntrack_track(&r, ct, &p, T0);
    }
    double build = now_s() - t0;
    if (l7_conntrack_stat(ct, L7_CT_STAT_LIVE) != n)
        fprintf(stderr, "bench-conntrack: %llu live, want %llu\n",
                (unsigned long long)l7_conntrack_stat(ct, L7_CT_STAT_LIVE),
                (unsigned long long)n);
    res->record_bytes = (double)l7_conntrack_stat(ct, L7_CT_STAT_RECORD_BYTES);
    res->bytes_per_conn = (double)l7_conntrack_stat(ct, L7_CT_STAT_MEMORY) / (double)n;
    fprintf(stderr,
            "  libl7%s %llu: built in %.2f s (%.2f M inserts/s while growing)\n",
            huge ? " (THP)" : "", (unsigned long long)n, build, n / build / 1e6);
    return ct;
}

static void build_baseline(btable *b, uint64_t n, result *res)
{
    bt_init(b, n);
    l7_ct_tuple t;
    for (uint64_t i = 0; i < n; i++) {
        flow_tuple(&t, i);
        bt_insert(b, &t);
    }
    res->record_bytes =
        (double)(malloc_usable_size(b->buckets[bhash(&t) & b->mask]) + 8);
    res->bytes_per_conn =
        (double)((b->mask + 1) * sizeof(bnode *) + b->node_bytes) / (double)n;
}

/*
 * All tables of one size are built first and measured in turns within each
 * run (libl7, baseline, libl7 with THP, ...), so that the load of a shared
 * machine hits them alike; every figure is a median over the runs, and the
 * ratios printed are medians of the per-run ratios.
 */
static void bench_size(uint64_t n, int runs, int thp_row, result res[3],
                       double ratio[2][NFIG])
{
    l7_conntrack *ct[2] = {NULL, NULL};
    btable b;
    ct[0] = build_l7(n, 0, &res[0]);
    if (thp_row)
        ct[1] = build_l7(n, 1, &res[2]);
    build_baseline(&b, n, &res[1]);
    double v[3][NFIG][MAX_RUNS], rv[2][NFIG][MAX_RUNS];
    for (int r = 0; r < runs; r++) {
        for (int f = HIT; f <= MISS; f++) {
            int miss = f == MISS;
            uint64_t rng = 42 + (uint64_t)r * 1000 + (uint64_t)f;
            v[1][f][r] = time_bt_lookups(&b, n, miss, &rng);
            for (int k = 0; k < 2; k++) {
                if (!ct[k])
                    continue;
                rng = 42 + (uint64_t)r * 1000 + (uint64_t)f;
                v[k ? 2 : 0][f][r] = time_l7_lookups(ct[k], n, miss, 0, &rng);
                rng = 42 + (uint64_t)r * 1000 + (uint64_t)f;
                v[k ? 2 : 0][f + 2][r] = time_l7_lookups(ct[k], n, miss, 1, &rng);
            }
        }
        v[1][INS][r] = time_bt_inserts(&b, (1ull << 41) + (uint64_t)r * INSERTS);
        for (int k = 0; k < 2; k++)
            if (ct[k])
                v[k ? 2 : 0][INS][r] =
                    time_l7_inserts(ct[k], (1ull << 41) + (uint64_t)r * INSERTS);
        for (int k = 0; k < 2; k++) {
            if (!ct[k])
                continue;
            double *x[NFIG];
            for (int f = 0; f < NFIG; f++)
                x[f] = v[k ? 2 : 0][f];
            rv[k][HIT][r] = x[HIT][r] / v[1][HIT][r];
            rv[k][MISS][r] = x[MISS][r] / v[1][MISS][r];
            rv[k][BHIT][r] = x[BHIT][r] / v[1][HIT][r];
            rv[k][BMISS][r] = x[BMISS][r] / v[1][MISS][r];
            rv[k][INS][r] = x[INS][r] / v[1][INS][r];
        }
    }
    for (int t = 0; t < 3; t++) {
        if (t == 2 && !thp_row)
            continue;
        for (int f = 0; f < NFIG; f++)
            res[t].fig[f] =
                t == 1 && (f == BHIT || f == BMISS) ? 0 : median(v[t][f], runs);
    }
    for (int k = 0; k < 2; k++)
        if (ct[k])
            for (int f = 0; f < NFIG; f++)
                ratio[k][f] = median(rv[k][f], runs);
    l7_conntrack_destroy(ct[0]);
    l7_conntrack_destroy(ct[1]);
    bt_free(&b);
}

static void print_row(const char *size, const char *name, const result *r,
                      const double *ratio)
{
    printf("%-5s %-17s %7.2f %7.2f %7.2f %7.2f %7.2f %6.0f %8.1f", size, name,
           r->fig[HIT] / 1e6, r->fig[MISS] / 1e6, r->fig[BHIT] / 1e6,
           r->fig[BMISS] / 1e6, r->fig[INS] / 1e6, r->record_bytes, r->bytes_per_conn);
    if (ratio)
        printf("   x%.2f hit  x%.2f miss  x%.2f b-hit  x%.2f b-miss  x%.2f ins",
               ratio[HIT], ratio[MISS], ratio[BHIT], ratio[BMISS], ratio[INS]);
    printf("\n");
}

int main(int argc, char **argv)
{
    int runs = 5, thp_row = 0;
    uint64_t sizes[8];
    int nsizes = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-r") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-q") && i + 1 < argc)
            g_queries = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "-c"))
            g_clock = CLOCK_THREAD_CPUTIME_ID;
        else if (!strcmp(argv[i], "--thp-row"))
            thp_row = 1;
        else if (nsizes < 8)
            sizes[nsizes++] = strtoull(argv[i], NULL, 10);
    }
    if (runs < 1 || runs > MAX_RUNS || g_queries == 0) {
        fprintf(stderr, "usage: bench-conntrack [-c] [-r RUNS<=15] [-q QUERIES] "
                        "[--thp-row] [SIZE...]\n");
        return 2;
    }
    if (!nsizes) {
        sizes[nsizes++] = 1000000;
        sizes[nsizes++] = 10000000;
    }
    g_q = malloc(BLOCK * sizeof(*g_q));
    g_out = malloc(BLOCK * sizeof(*g_out));
    result rows[8][3];
    double ratios[8][2][NFIG];
    for (int s = 0; s < nsizes; s++) {
        fprintf(stderr, "size %llu ...\n", (unsigned long long)sizes[s]);
        bench_size(sizes[s], runs, thp_row, rows[s], ratios[s]);
    }
    printf("\nconntrack lookups, median of %d runs, %zu random queries per run, "
           "50%% IPv4 / 50%% IPv6, one core, %s time\n",
           runs, g_queries, g_clock == CLOCK_MONOTONIC ? "wall" : "thread CPU");
    printf("M/s: hit/miss = one at a time, b-hit/b-miss = l7_conntrack_lookup_bulk; "
           "ins = new flows into the full table (l7_conntrack_track)\n");
    printf("rec B = one connection record; tbl B/conn = all table memory / live "
           "connections (slack included)\n");
    printf("tables measured in turns within each run; xN = median of the per-run "
           "ratios to the baseline's one-at-a-time figure\n\n");
    printf("%-5s %-17s %7s %7s %7s %7s %7s %6s %8s\n", "size", "table", "hit", "miss",
           "b-hit", "b-miss", "ins", "rec B", "tbl B/c");
    for (int s = 0; s < nsizes; s++) {
        char label[32];
        if (sizes[s] % 1000000 == 0)
            snprintf(label, sizeof(label), "%lluM",
                     (unsigned long long)(sizes[s] / 1000000));
        else
            snprintf(label, sizeof(label), "%llu", (unsigned long long)sizes[s]);
        print_row(label, "libl7", &rows[s][0], ratios[s][0]);
        if (thp_row)
            print_row(label, "libl7 (THP)", &rows[s][2], ratios[s][1]);
        print_row(label, "chained baseline", &rows[s][1], NULL);
    }
    free(g_q);
    free(g_out);
    return (int)(g_sink & 0);
}
