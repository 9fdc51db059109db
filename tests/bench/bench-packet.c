/* Packet parsing and reassembly cost: ns per call, medians of 7 runs.
 * Run: build/tests/bench/bench-packet */
#define _POSIX_C_SOURCE 200809L
#include "../unit/packet_build.h"
#include "l7/l7.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 7

static uint8_t l4buf[70000];

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v)
{
    qsort(v, RUNS, sizeof(*v), cmp_double);
    return v[RUNS / 2];
}

static volatile uint32_t sink;

static double bench_parse(l7_packet *pkt, const uint8_t *f, size_t n, uint32_t lt,
                          int iters)
{
    double r[RUNS];
    for (int k = 0; k < RUNS; k++) {
        double t0 = now_ns();
        for (int i = 0; i < iters; i++) {
            l7_packet_parse(pkt, f, n, lt);
            sink += l7_packet_dport(pkt);
        }
        r[k] = (now_ns() - t0) / iters;
    }
    return median(r);
}

int main(void)
{
    static uint8_t eth_tcp[2000], v6_chain[2000], big[70000];
    static const uint8_t eth[14] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00};
    l7_packet *pkt;
    if (l7_packet_create(&pkt, NULL) != L7_OK)
        return 1;
    const int iters = 2000000;

    memcpy(eth_tcp, eth, 14);
    size_t n = pb_tcp(l4buf, 40000, 443, 1, 2, 0x18, "GET / HTTP/1.1\r\n", 16);
    size_t eth_len = 14 + pb_ipv4(eth_tcp + 14, 6, 1, 0x4000, 0, l4buf, n);

    uint8_t ext[64];
    static const uint8_t chain[] = {0, 60, 43};
    size_t e = pb_ext_chain(ext, chain, 3, 17);
    n = pb_udp(l4buf, 5353, 53, "query", 5);
    size_t v6_len = pb_ipv6(v6_chain, 0, ext, e, l4buf, n);

    n = pb_tcp(l4buf, 1, 2, 3, 4, 0x10, NULL, 0);
    memset(l4buf + 20, 'A', 65000);
    size_t big_len = pb_ipv4(big, 6, 1, 0, 0, l4buf, 20 + 65000);

    printf("%-36s %10s\n", "case", "ns/packet");
    double a = bench_parse(pkt, eth_tcp, eth_len, L7_LINK_ETHERNET, iters);
    printf("%-36s %10.1f\n", "ethernet ipv4 tcp (70 B)", a);
    double b = bench_parse(pkt, v6_chain, v6_len, L7_LINK_IP, iters);
    printf("%-36s %10.1f  (%.2fx ipv4)\n", "ipv6 + 3 ext headers udp", b, b / a);
    double c = bench_parse(pkt, big, big_len, L7_LINK_IP, iters);
    printf("%-36s %10.1f  (%.2fx ipv4: no copy)\n", "ipv4 tcp 65 KB", c, c / a);

    /* Reassembly: a 3-fragment 4000-byte UDP datagram per round. */
    static uint8_t orig[5000], frags[3][1600];
    size_t fl[3];
    n = pb_udp(l4buf, 1, 2, NULL, 0);
    memset(l4buf + 8, 'x', 3992);
    size_t on = pb_ipv4(orig, 17, 7, 0, 0, l4buf, 4000);
    for (int i = 0; i < 3; i++) {
        uint32_t start = (uint32_t)i * 1480;
        uint32_t len = start + 1480 < on - 20 ? 1480 : (uint32_t)(on - 20 - start);
        memcpy(frags[i], orig, 20);
        pb_put16(frags[i] + 2, 20 + len);
        pb_put16(frags[i] + 6, (i < 2 ? 0x2000 : 0) | start / 8);
        memcpy(frags[i] + 20, orig + 20 + start, len);
        fl[i] = 20 + len;
    }
    l7_defrag *df;
    if (l7_defrag_create(&df, NULL, NULL) != L7_OK)
        return 1;
    const int rounds = 200000;
    double r[RUNS];
    for (int k = 0; k < RUNS; k++) {
        double t0 = now_ns();
        for (int i = 0; i < rounds; i++) {
            for (int f = 0; f < 3; f++) {
                pb_put16(frags[f] + 4, (uint32_t)i); /* a new id each round */
                l7_packet_parse(pkt, frags[f], fl[f], L7_LINK_IP);
                l7_defrag_result res;
                l7_defrag_add(&res, df, pkt, (uint64_t)f, (uint64_t)i);
            }
            uint32_t len;
            sink += l7_defrag_datagram(df, &len) ? len : 0;
        }
        r[k] = (now_ns() - t0) / rounds;
    }
    double d = median(r);
    printf("%-36s %10.1f  (%.0f ns/fragment incl. parse)\n",
           "defrag 3 fragments -> 4000 B", d, d / 3);
    l7_defrag_destroy(df);
    l7_packet_destroy(pkt);
    return 0;
}
