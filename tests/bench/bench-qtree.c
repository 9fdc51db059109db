/*
 * Queue tree cost: nanoseconds per enqueue + dequeue pair, for trees of 10,
 * 1,000 and 10,000 leaves under one parent, in three traffic shapes:
 *
 *   one-active  each packet is dequeued right after it is enqueued: only
 *               one leaf holds packets at a time (the lightly loaded case);
 *   all-active  every leaf holds packets (4 each) and packets are sent
 *               round robin: the dequeue scans every backlogged leaf;
 *   shaped      all-active, but the parent's 6 Gbit/s max-limit (bucket
 *               1 ms) is the bottleneck: 1500-byte packets offered every
 *               1 us (12 Gbit/s), so about half of the dequeues wait and
 *               every leaf is borrowing or blocked by the parent.
 *   customers   like shaped, but an ISP's tree: leaves/2 top-level
 *               "customers" share the 6 Gbit/s (max-limit 6G / customers
 *               each, bucket 1 ms), each with two leaves (limit-at a
 *               quarter of that, priority 1 and 8): many lenders, most of
 *               them red at any time.
 *
 * Each figure is given for the scheduler (qtree_sched.c) and, in the same
 * run, for the reference scan it replaced (qtree_ref.c: every backlogged
 * leaf evaluated at each dequeue). Medians of 5 runs; the ratio column
 * compares the scheduler with its own 10-leaf figure.
 * Usage: bench-qtree [pairs-per-run]
 */
#define _POSIX_C_SOURCE 199309L
#include "l7/l7.h"
#include "qtree_internal.h" /* qt_tree_use_reference() */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 5

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

enum shape { ONE_ACTIVE, ALL_ACTIVE, SHAPED, CUSTOMERS, SHAPES };
static const char *shape_names[SHAPES] = {"one-active", "all-active", "shaped",
                                          "customers"};

static void add_customers(l7_qtree_def *d, uint32_t leaves)
{
    uint64_t rate = 6000000000ull / (leaves / 2);
    char name[32], parent[32];
    for (uint32_t i = 0; i < leaves; i++) {
        l7_qtree_props p;
        snprintf(parent, sizeof(parent), "customer%u", i / 2);
        if (i % 2 == 0) {
            l7_qtree_props_init(&p);
            p.max_limit = rate;
            p.bucket_size_milli = 1;
            l7_qtree_def_add(d, parent, "global", &p, NULL);
        }
        snprintf(name, sizeof(name), "leaf%u", i);
        l7_qtree_props_init(&p);
        p.limit_at = rate / 4;
        p.max_limit = rate;
        p.priority = i % 2 ? 8 : 1;
        p.queue_limit = 64;
        p.packet_marks = name;
        l7_qtree_def_add(d, name, parent, &p, NULL);
    }
}

static l7_qtree *build(uint32_t leaves, uint64_t parent_rate, enum shape shape,
                       uint32_t *marks, int reference)
{
    l7_qtree_def *d = NULL;
    if (l7_qtree_def_create(&d, NULL) != L7_OK)
        return NULL;
    l7_qtree_props p;
    l7_qtree_props_init(&p);
    p.max_limit = parent_rate;
    p.bucket_size_milli = 1;
    int shaped = shape == SHAPED;
    if (shape == CUSTOMERS)
        add_customers(d, leaves);
    else
        l7_qtree_def_add(d, "top", "global", &p, NULL);
    char name[32];
    for (uint32_t i = 0; shape != CUSTOMERS && i < leaves; i++) {
        snprintf(name, sizeof(name), "leaf%u", i);
        l7_qtree_props_init(&p);
        p.limit_at = shaped ? 0 : 1000000; /* shaped: all traffic borrowed */
        p.max_limit = parent_rate;
        p.priority = 1 + i % 8;
        p.queue_limit = 64;
        p.packet_marks = name;
        l7_qtree_def_add(d, name, "top", &p, NULL);
    }
    l7_qtree *t = NULL;
    l7_qtree_create(&t, d, NULL, 1000000000ull, NULL);
    l7_qtree_def_destroy(d);
    if (t && reference)
        qt_tree_use_reference(t);
    for (uint32_t i = 0; t && i < leaves; i++) {
        snprintf(name, sizeof(name), "leaf%u", i);
        l7_qtree_mark_lookup(&marks[i], t, name);
    }
    return t;
}

/* One run: returns ns per pair, or a negative value on error. */
static double run(uint32_t leaves, enum shape shape, uint32_t pairs, uint64_t *waits,
                  int reference)
{
    uint32_t *marks = calloc(leaves, sizeof(*marks));
    uint64_t rate = shape >= SHAPED ? 6000000000ull : 1000000000000ull;
    l7_qtree *t = marks ? build(leaves, rate, shape, marks, reference) : NULL;
    if (!t) {
        free(marks);
        return -1;
    }
    uint64_t now = 1000000000ull;
    l7_qtree_verdict v;
    l7_qtree_packet pk;
    if (shape != ONE_ACTIVE)
        for (uint32_t k = 0; k < 4; k++)
            for (uint32_t i = 0; i < leaves; i++)
                l7_qtree_enqueue(&v, NULL, t, 0, marks[i], i, 1500, now);
    uint64_t step = shape >= SHAPED ? 1000 : 100;
    *waits = 0;
    uint64_t t0 = mono_ns();
    for (uint32_t n = 0; n < pairs; n++) {
        now += step;
        l7_qtree_enqueue(&v, NULL, t, 0, marks[n % leaves], n, 1500, now);
        l7_qtree_dequeue(&pk, t, 0, now);
        if (pk.status != L7_QTREE_SEND)
            (*waits)++;
    }
    uint64_t t1 = mono_ns();
    l7_qtree_destroy(t);
    free(marks);
    return (double)(t1 - t0) / pairs;
}

int main(int argc, char **argv)
{
    uint32_t base_pairs = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 200000;
    static const uint32_t sizes[] = {10, 1000, 10000};
    double med[2][3][SHAPES]; /* [reference?][size][shape] */
    uint64_t waits[2][3][SHAPES];
    printf("qtree: ns per enqueue+dequeue (median of %d runs)\n"
           "scan = reference scan (qtree_ref.c), sched = the scheduler\n\n",
           RUNS);
    for (int s = 0; s < 3; s++) {
        for (int sh = 0; sh < SHAPES; sh++) {
            for (int ref = 0; ref < 2; ref++) {
                /* The scan costs O(leaves): fewer pairs keep it short. */
                uint32_t pairs = base_pairs;
                if (ref && sh != ONE_ACTIVE && sizes[s] >= 1000)
                    pairs = base_pairs / (sizes[s] / 100);
                double r[RUNS];
                for (int k = 0; k < RUNS; k++)
                    r[k] =
                        run(sizes[s], (enum shape)sh, pairs, &waits[ref][s][sh], ref);
                qsort(r, RUNS, sizeof(r[0]), cmp_double);
                med[ref][s][sh] = r[RUNS / 2];
                waits[ref][s][sh] = waits[ref][s][sh] * 1000 / pairs; /* per mille */
            }
        }
    }
    printf("%-11s %7s %11s %9s %13s %9s\n", "shape", "leaves", "scan", "sched",
           "sched/10-leaf", "scan/sched");
    for (int sh = 0; sh < SHAPES; sh++)
        for (int s = 0; s < 3; s++)
            printf("%-11s %7u %8.0f ns %6.0f ns %12.1fx %9.1fx\n", shape_names[sh],
                   sizes[s], med[1][s][sh], med[0][s][sh],
                   med[0][s][sh] / med[0][0][sh], med[1][s][sh] / med[0][s][sh]);
    /* The scan runs fewer pairs on big trees, so its share differs. */
    printf("\ndequeues that had to wait, per mille (scan / sched):\n");
    for (int sh = SHAPED; sh < SHAPES; sh++) {
        printf("%-11s", shape_names[sh]);
        for (int s = 0; s < 3; s++)
            printf(" %u leaves %llu / %llu", sizes[s],
                   (unsigned long long)waits[1][s][sh],
                   (unsigned long long)waits[0][s][sh]);
        printf("\n");
    }
    return 0;
}
