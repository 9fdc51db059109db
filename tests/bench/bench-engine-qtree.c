#define _POSIX_C_SOURCE 200809L
/* Cost of queue classification in l7_engine_process(): nanoseconds per
 * packet of established, marked connections with no tree, with a tree of
 * one global leaf, and with a tree of 64 global leaves plus 8 interface
 * roots of 8 leaves (the packet's out interface declared last), side by
 * side. Medians over the repetitions.
 *
 *   ./build/tests/bench/bench-engine-qtree [repetitions]
 */
#include "l7/l7.h"
#include "../unit/policy_frames.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FLOWS   256
#define PACKETS 200000

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void check(const char *what, int rc)
{
    if (rc) {
        fprintf(stderr, "bench-engine-qtree: %s: %s\n", what, l7_strerror(rc));
        exit(1);
    }
}

static void load(l7_config *cfg, const char *text)
{
    check("load", l7_config_load(cfg, "bench.rsc", (const uint8_t *)text, strlen(text),
                                 NULL, NULL));
}

/* kind 0: no tree; 1: one leaf; 2: 64 global leaves + 8 interfaces. */
static l7_qtree *make_tree(l7_config *cfg, int kind)
{
    if (kind == 0)
        return NULL;
    char line[256];
    if (kind == 1) {
        load(cfg,
             "/queue tree add name=web parent=global packet-mark=web max-limit=5M\n");
    } else {
        for (int i = 0; i < 63; i++) {
            snprintf(line, sizeof(line),
                     "/queue tree add name=g%d parent=global "
                     "packet-mark=m%d\n",
                     i, i);
            load(cfg, line);
        }
        load(cfg, "/queue tree add name=web parent=global packet-mark=web\n");
        for (int k = 0; k < 8; k++)
            for (int i = 0; i < 8; i++) {
                snprintf(line, sizeof(line),
                         "/queue tree add name=if%d-%d parent=ether%d packet-mark=%s\n",
                         k, i, k + 1, i == 7 ? "web" : "other");
                load(cfg, line);
            }
    }
    l7_qtree_def *def;
    check("def", l7_config_qtree_def(&def, cfg));
    l7_qtree *qt;
    check("tree", l7_qtree_create(&qt, def, NULL, 0, NULL));
    l7_qtree_def_destroy(def);
    return qt;
}

static double run(int kind)
{
    l7_config *cfg;
    check("config", l7_config_create(&cfg, NULL));
    load(cfg, "/ip firewall filter add chain=forward action=accept "
              "connection-state=established,related\n"
              "/ip firewall mangle add chain=forward action=mark-packet protocol=tcp "
              "dst-port=80 new-packet-mark=web passthrough=no\n");
    l7_qtree *qt = make_tree(cfg, kind);
    l7_engine *e;
    check("engine", l7_engine_create(&e, l7_config_ruleset(cfg), NULL, NULL));
    check("attach", l7_engine_set_qtree(e, qt));
    static uint8_t frames[FLOWS][128];
    size_t len[FLOWS];
    char src[32];
    l7_verdict v;
    memset(&v, 0, sizeof(v));
    v.size = sizeof(v);
    l7_packet_meta m;
    l7_packet_meta_init(&m);
    m.out_interface = "ether8";
    for (int i = 0; i < FLOWS; i++) {
        snprintf(src, sizeof(src), "10.0.%d.%d", i / 200, 1 + i % 200);
        l7t_flow f = {src, "10.1.0.1", 6, (uint16_t)(40000 + i), 80, 0};
        l7t_frame(frames[i], &f, 0, 0x02, 1, NULL, 0);
        l7_engine_process(&v, e, frames[i], 40, L7_LINK_IP, &m, 1);
        l7t_frame(frames[i], &f, 1, 0x12, 1, NULL, 0);
        l7_engine_process(&v, e, frames[i], 40, L7_LINK_IP, &m, 1);
        len[i] = l7t_frame(frames[i], &f, 0, 0x10, 2, NULL, 0);
    }
    uint64_t t0 = mono_ns();
    uint64_t shaped = 0;
    for (int n = 0; n < PACKETS; n++) {
        l7_engine_process(&v, e, frames[n % FLOWS], len[n % FLOWS], L7_LINK_IP, &m, 2);
        shaped += v.queue_global != L7_VERDICT_NO_QUEUE;
    }
    uint64_t dt = mono_ns() - t0;
    if (kind && shaped != PACKETS) {
        fprintf(stderr, "bench-engine-qtree: unshaped packets\n");
        exit(1);
    }
    l7_engine_destroy(e);
    l7_qtree_destroy(qt);
    l7_config_destroy(cfg);
    return (double)dt / PACKETS;
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 5;
    if (reps < 1 || reps > 100)
        reps = 5;
    static const char *const names[] = {"no tree", "1 leaf", "64 + 8x8 leaves"};
    double med[3];
    uint64_t t[3][100];
    run(0); /* warm-up */
    /* Kinds interleaved, so a busy neighbour hurts them alike. */
    for (int r = 0; r < reps; r++)
        for (int k = 0; k < 3; k++)
            t[k][r] = (uint64_t)(run(k) * 1000.0);
    for (int k = 0; k < 3; k++) {
        qsort(t[k], (size_t)reps, sizeof(t[k][0]), cmp_u64);
        med[k] = (double)t[k][reps / 2] / 1000.0;
    }
    printf("established marked packets, %d per run, median of %d runs\n", PACKETS,
           reps);
    for (int k = 0; k < 3; k++)
        printf("  %-16s %7.1f ns/packet  (x%.2f of no tree)\n", names[k], med[k],
               med[k] / med[0]);
    return 0;
}
