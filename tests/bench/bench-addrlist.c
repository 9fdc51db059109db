/*
 * Address-list lookups and dynamic adds against a linear scan.
 *
 *   build/tests/bench/bench-addrlist [repetitions]
 *
 * For 10 / 1,000 / 100,000 entries (single hosts, or /28 prefixes that go
 * through the range index), prints ns per lookup for hits and misses and
 * dynamic adds per second, libl7 beside a linear scan over an array of
 * (first, last, expiry) — what a naive implementation does — with medians
 * over the repetitions.
 */
#define _POSIX_C_SOURCE 200809L
#include "l7/l7.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { PROBES = 1 << 16, MAX_REPS = 15 };

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time of this thread: on a shared, oversubscribed machine wall time
 * also counts the time other processes run, so both are printed. */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    rng_state = x;
    return (uint32_t)(x >> 16);
}

static l7_addr v4(uint32_t v)
{
    l7_addr a;
    memset(&a, 0, sizeof(a));
    a.family = 4;
    a.bytes[0] = (uint8_t)(v >> 24);
    a.bytes[1] = (uint8_t)(v >> 16);
    a.bytes[2] = (uint8_t)(v >> 8);
    a.bytes[3] = (uint8_t)v;
    return a;
}

/* The baseline: what a list without an index does. */
typedef struct linear_entry {
    uint32_t first, last;
    uint64_t expiry;
} linear_entry;

typedef struct linear_list {
    linear_entry *e;
    size_t n, cap;
} linear_list;

static int linear_contains(const linear_list *l, uint32_t a, uint64_t now)
{
    for (size_t i = 0; i < l->n; i++)
        if (a >= l->e[i].first && a <= l->e[i].last && l->e[i].expiry > now)
            return 1;
    return 0;
}

/* Decision 11 needs the duplicate check, so an add scans too. */
static void linear_add(linear_list *l, uint32_t first, uint32_t last, uint64_t expiry)
{
    for (size_t i = 0; i < l->n; i++) {
        if (l->e[i].first == first && l->e[i].last == last) {
            if (expiry > l->e[i].expiry)
                l->e[i].expiry = expiry;
            return;
        }
    }
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->e = realloc(l->e, l->cap * sizeof(*l->e));
        if (!l->e)
            abort();
    }
    l->e[l->n++] = (linear_entry){first, last, expiry};
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static volatile int sink;

typedef struct row {
    double l7_hit, l7_miss, lin_hit, lin_miss, l7_add, lin_add, cpu_hit, cpu_miss;
} row;

static row run(size_t n, int prefixes, int reps)
{
    const uint64_t now = 1000ull * L7_NSEC_PER_SEC, ttl = 3600ull * L7_NSEC_PER_SEC;
    double m[8][MAX_REPS];
    uint32_t *base = malloc(n * sizeof(*base));
    uint32_t *hits = malloc(PROBES * sizeof(*hits));
    uint32_t *misses = malloc(PROBES * sizeof(*misses));
    if (!base || !hits || !misses)
        abort();
    for (int r = 0; r < reps; r++) {
        l7_addrlist *al = NULL;
        l7_addrlist_options opts = {sizeof(opts), 0, 10000000, 0};
        if (l7_addrlist_create(&al, &opts, NULL) != L7_OK)
            abort();
        uint32_t id, other;
        l7_addrlist_list_id(&id, al, "bench", 5);
        l7_addrlist_list_id(&other, al, "adds", 4);
        linear_list lin = {0};
        /* Entries in 10.0.0.0/8, on 32-address strides so that misses
         * can fall between them; hosts at the stride start, prefixes /28. */
        for (size_t i = 0; i < n; i++) {
            uint32_t a = 0x0a000000u | ((rnd() & 0x7ffff) << 5);
            base[i] = a;
            uint32_t last = prefixes ? a | 15 : a;
            l7_addr f = v4(a), l = v4(last);
            l7_value_addrspec s;
            l7_value_addrspec_from_range(&s, &f, &l);
            l7_addrlist_entry_options o = {sizeof(o), L7_ADDRLIST_ADD_RULE, 1, 0, ttl,
                                           NULL};
            l7_addrlist_add(al, id, &s, &o, 0);
            linear_add(&lin, a, last, ttl);
        }
        for (size_t i = 0; i < PROBES; i++) {
            uint32_t a = base[rnd() % n];
            hits[i] = prefixes ? a | (rnd() & 15) : a;
            /* Offset 16..31 of a stride is never covered. */
            misses[i] = (0x0a000000u | ((rnd() & 0x7ffff) << 5)) | 16 | (rnd() & 15);
        }
        l7_addr probe;
        int acc = 0;
        /* Warm up (and build the range snapshot) before timing. */
        for (size_t i = 0; i < 1024; i++) {
            probe = v4(hits[i]);
            acc += l7_addrlist_contains(al, id, &probe, now);
        }
        double c0 = cpu_s(), t0 = now_s();
        for (size_t i = 0; i < PROBES; i++) {
            probe = v4(hits[i]);
            acc += l7_addrlist_contains(al, id, &probe, now);
        }
        double c1 = cpu_s(), t1 = now_s();
        for (size_t i = 0; i < PROBES; i++) {
            probe = v4(misses[i]);
            acc += l7_addrlist_contains(al, id, &probe, now);
        }
        double c2 = cpu_s(), t2 = now_s();
        m[0][r] = (t1 - t0) * 1e9 / PROBES;
        m[1][r] = (t2 - t1) * 1e9 / PROBES;
        m[6][r] = (c1 - c0) * 1e9 / PROBES;
        m[7][r] = (c2 - c1) * 1e9 / PROBES;
        if (acc != PROBES + 1024)
            fprintf(stderr, "libl7: wrong answers (%d)\n", acc);
        /* The linear scan gets fewer probes when it is slow. */
        size_t lprobes = n >= 100000 ? 512 : n >= 1000 ? 8192 : PROBES;
        acc = 0;
        t0 = now_s();
        for (size_t i = 0; i < lprobes; i++)
            acc += linear_contains(&lin, hits[i], now);
        t1 = now_s();
        for (size_t i = 0; i < lprobes; i++)
            acc += linear_contains(&lin, misses[i], now);
        t2 = now_s();
        m[2][r] = (t1 - t0) * 1e9 / (double)lprobes;
        m[3][r] = (t2 - t1) * 1e9 / (double)lprobes;
        if (acc != (int)lprobes)
            fprintf(stderr, "linear: wrong answers (%d)\n", acc);
        sink = acc;

        /* Dynamic adds of new hosts into the populated list, at packet
         * rate: the add-src-to-address-list path. */
        size_t adds = 20000;
        t0 = now_s();
        for (size_t i = 0; i < adds; i++) {
            l7_addr a = v4(0x0b000000u + (uint32_t)i * 7 + (uint32_t)r * 1000003u);
            l7_addrlist_add_rule(al, id, &a, 1, ttl, now);
        }
        t1 = now_s();
        m[4][r] = (double)adds / (t1 - t0);
        size_t ladds = n >= 100000 ? 200 : 2000;
        t0 = now_s();
        for (size_t i = 0; i < ladds; i++)
            linear_add(&lin, 0x0b000000u + (uint32_t)i * 7,
                       0x0b000000u + (uint32_t)i * 7, now + ttl);
        t1 = now_s();
        m[5][r] = (double)ladds / (t1 - t0);
        free(lin.e);
        l7_addrlist_destroy(al);
    }
    free(base);
    free(hits);
    free(misses);
    row out = {median(m[0], reps), median(m[1], reps), median(m[2], reps),
               median(m[3], reps), median(m[4], reps), median(m[5], reps),
               median(m[6], reps), median(m[7], reps)};
    return out;
}

/* A reload under traffic: /28 prefixes added one by one into a list that
 * already holds `n` of them, each add followed by a lookup (which brings
 * the range index up to date). Returns (add + lookup) pairs per second. */
static double range_adds_under_lookups(size_t n, size_t adds)
{
    l7_addrlist *al = NULL;
    l7_addrlist_options opts = {sizeof(opts), 0, 10000000, 0};
    if (l7_addrlist_create(&al, &opts, NULL) != L7_OK)
        abort();
    uint32_t id;
    l7_addrlist_list_id(&id, al, "reload", 6);
    double start = 0;
    for (size_t i = 0; i < n + adds; i++) {
        if (i == n) {
            l7_addr probe = v4(0x0a000000u);
            sink = l7_addrlist_contains(al, id, &probe, 0); /* index built */
            start = now_s();
        }
        l7_addr f = v4(0x0a000000u + (uint32_t)i * 32), l = f;
        l.bytes[3] |= 15;
        l7_value_addrspec s;
        l7_value_addrspec_from_range(&s, &f, &l);
        l7_addrlist_add(al, id, &s, NULL, 0);
        if (i >= n) {
            l7_addr probe = v4(0x0a000000u + (uint32_t)(i * 7919 % (i + 1)) * 32);
            sink = l7_addrlist_contains(al, id, &probe, 0);
        }
    }
    double rate = (double)adds / (now_s() - start);
    l7_addrlist_destroy(al);
    return rate;
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 5;
    if (reps < 1 || reps > MAX_REPS)
        reps = 5;
    printf("address-list lookups, medians of %d runs (1 thread)\n", reps);
    printf("ns per lookup (wall; cpu = this thread's CPU time), adds per second\n\n");
    printf("%-7s %-5s | %8s %8s | %8s %8s | %11s %11s | %6s %6s | %9s %9s %6s\n",
           "entries", "kind", "l7 hit", "l7 miss", "cpu hit", "cpu miss", "linear hit",
           "linear miss", "x hit", "x miss", "l7 add/s", "lin add/s", "x add");
    const size_t sizes[] = {10, 1000, 100000};
    for (int kind = 0; kind < 2; kind++) {
        for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
            row r = run(sizes[s], kind, reps);
            printf("%-7zu %-5s | %8.1f %8.1f | %8.1f %8.1f | %11.1f %11.1f | %6.1f "
                   "%6.1f | "
                   "%9.3g %9.3g %6.1f\n",
                   sizes[s], kind ? "/28" : "host", r.l7_hit, r.l7_miss, r.cpu_hit,
                   r.cpu_miss, r.lin_hit, r.lin_miss, r.lin_hit / r.l7_hit,
                   r.lin_miss / r.l7_miss, r.l7_add, r.lin_add, r.l7_add / r.lin_add);
        }
    }
    printf("\nrange adds under lookups (reload while traffic flows), medians:\n");
    const size_t bases[] = {1000, 100000};
    for (size_t b = 0; b < 2; b++) {
        double v[MAX_REPS];
        for (int r = 0; r < reps; r++)
            v[r] = range_adds_under_lookups(bases[b], 2000);
        printf(
            "  %6zu /28 entries + 2000 adds, each followed by a lookup: %.3g pairs/s\n",
            bases[b], median(v, reps));
    }
    return 0;
}
