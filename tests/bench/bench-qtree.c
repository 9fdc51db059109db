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
 *
 * Medians of 5 runs; the ratio column compares with the 10-leaf tree.
 * Usage: bench-qtree [pairs-per-run]
 */
#define _POSIX_C_SOURCE 199309L
#include "l7/l7.h"

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

enum shape { ONE_ACTIVE, ALL_ACTIVE, SHAPED, SHAPES };
static const char *shape_names[SHAPES] = {"one-active", "all-active", "shaped"};

static l7_qtree *build(uint32_t leaves, uint64_t parent_rate, int shaped,
                       uint32_t *marks)
{
    l7_qtree_def *d = NULL;
    if (l7_qtree_def_create(&d, NULL) != L7_OK)
        return NULL;
    l7_qtree_props p;
    l7_qtree_props_init(&p);
    p.max_limit = parent_rate;
    p.bucket_size_milli = 1;
    l7_qtree_def_add(d, "top", "global", &p, NULL);
    char name[32];
    for (uint32_t i = 0; i < leaves; i++) {
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
    for (uint32_t i = 0; t && i < leaves; i++) {
        snprintf(name, sizeof(name), "leaf%u", i);
        l7_qtree_mark_lookup(&marks[i], t, name);
    }
    return t;
}

/* One run: returns ns per pair, or a negative value on error. */
static double run(uint32_t leaves, enum shape shape, uint32_t pairs, uint64_t *waits)
{
    uint32_t *marks = calloc(leaves, sizeof(*marks));
    uint64_t rate = shape == SHAPED ? 6000000000ull : 1000000000000ull;
    l7_qtree *t = marks ? build(leaves, rate, shape == SHAPED, marks) : NULL;
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
    uint64_t step = shape == SHAPED ? 1000 : 100;
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
    double med[3][SHAPES];
    uint64_t waits[3][SHAPES];
    printf("qtree: ns per enqueue+dequeue (median of %d runs)\n\n", RUNS);
    for (int s = 0; s < 3; s++) {
        for (int sh = 0; sh < SHAPES; sh++) {
            /* The scanning shapes cost O(leaves): fewer pairs keep it short. */
            uint32_t pairs = base_pairs;
            if (sh != ONE_ACTIVE && sizes[s] >= 1000)
                pairs = base_pairs / (sizes[s] / 100);
            double r[RUNS];
            for (int k = 0; k < RUNS; k++)
                r[k] = run(sizes[s], (enum shape)sh, pairs, &waits[s][sh]);
            qsort(r, RUNS, sizeof(r[0]), cmp_double);
            med[s][sh] = r[RUNS / 2];
            waits[s][sh] = waits[s][sh] * 1000 / pairs; /* per mille */
        }
    }
    printf("%-8s", "leaves");
    for (int sh = 0; sh < SHAPES; sh++)
        printf(" | %12s %8s", shape_names[sh], "x10-leaf");
    printf("\n");
    for (int s = 0; s < 3; s++) {
        printf("%-8u", sizes[s]);
        for (int sh = 0; sh < SHAPES; sh++)
            printf(" | %9.0f ns %7.1fx", med[s][sh], med[s][sh] / med[0][sh]);
        printf("\n");
    }
    printf("\nshaped: dequeues that had to wait, per mille:");
    for (int s = 0; s < 3; s++)
        printf(" %u leaves %llu", sizes[s], (unsigned long long)waits[s][SHAPED]);
    printf("\n");
    return 0;
}
