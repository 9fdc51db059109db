/* Cost of one time= evaluation per packet: UTC, a DST zone inside its
 * file's own transitions (2026), the same zone past 2037 where the POSIX
 * footer rules (laid out as transitions at load time), and the matcher
 * alone on a precomputed local time. Medians of 9 runs.
 *
 *   build/tests/bench/bench-timematch [iterations]
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime under -std=c11 */

#include "l7/l7.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 9

static double clock_ns(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static l7_tz *load_zone(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static unsigned char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    l7_tz *tz = NULL;
    if (l7_tz_create_from_tzif(&tz, buf, n, NULL, NULL) != L7_OK)
        return NULL;
    return tz;
}

typedef enum { EVAL, TO_LOCAL, EVAL_LOCAL } bench_kind;

/* Median ns per call over RUNS runs of `iters` calls. Instants advance by
 * 7.3 s per call so every call sees a different wall-clock second. */
static double bench(clockid_t clock, bench_kind kind, const l7_timematch *tm,
                    const l7_tz *tz, uint64_t start, long iters, long *sink)
{
    double per_call[RUNS];
    const uint64_t step = 7300000000ull;
    for (int r = 0; r < RUNS; r++) {
        uint64_t now = start;
        long hits = 0;
        double t0 = clock_ns(clock);
        for (long i = 0; i < iters; i++, now += step) {
            l7_local_time lt;
            switch (kind) {
            case EVAL:
                hits += l7_timematch_eval(tm, tz, now);
                break;
            case TO_LOCAL:
                l7_tz_to_local(&lt, tz, now);
                hits += lt.second_of_day;
                break;
            case EVAL_LOCAL:
                lt.weekday = (uint8_t)(i % 7);
                lt.second_of_day = (uint32_t)((now / 1000000000u) % 86400);
                hits += l7_timematch_eval_local(tm, &lt);
                break;
            }
        }
        per_call[r] = (clock_ns(clock) - t0) / (double)iters;
        *sink += hits;
    }
    qsort(per_call, RUNS, sizeof(per_call[0]), cmp_double);
    return per_call[RUNS / 2];
}

int main(int argc, char **argv)
{
    long iters = argc > 1 ? atol(argv[1]) : 2000000;
    const uint64_t y2026 = 1780000000ull * 1000000000ull; /* 2026-05-28 */
    const uint64_t y2100 = 4118083200ull * 1000000000ull; /* 2100-07-01 */
    static const char *const specs[] = {"8h-17h,mon,tue,wed,thu,fri", "18h-8h",
                                        "9h-12h,14h-17h,mon,tue,wed,thu,fri"};
    l7_tz *utc = NULL;
    l7_tz_create_utc(&utc, NULL);
    l7_tz *riga = load_zone("/usr/share/zoneinfo/Europe/Riga");
    long sink = 0;

    /* CLOCK_MONOTONIC is the reference; the thread's CPU time follows, as
     * on a shared, loaded machine it leaves preemption out. */
    static const struct {
        clockid_t id;
        const char *name;
    } clocks[] = {{CLOCK_MONOTONIC, "CLOCK_MONOTONIC"},
                  {CLOCK_THREAD_CPUTIME_ID, "thread CPU time"}};
    for (size_t c = 0; c < sizeof(clocks) / sizeof(clocks[0]); c++) {
        clockid_t clk = clocks[c].id;
        printf("bench-timematch: ns per call (%s), median of %d runs x %ld calls\n",
               clocks[c].name, RUNS, iters);
        printf("%-38s %9s %11s %11s %9s %12s\n", "window", "UTC", "Riga 2026",
               "Riga 2100", "local", "Riga26/UTC");
        for (size_t s = 0; s < sizeof(specs) / sizeof(specs[0]); s++) {
            l7_timematch *tm = NULL;
            if (l7_timematch_create(&tm, specs[s], strlen(specs[s]), NULL, NULL) !=
                L7_OK)
                return 1;
            double u = bench(clk, EVAL, tm, utc, y2026, iters, &sink);
            double r26 = riga ? bench(clk, EVAL, tm, riga, y2026, iters, &sink) : 0;
            double r21 = riga ? bench(clk, EVAL, tm, riga, y2100, iters, &sink) : 0;
            double loc = bench(clk, EVAL_LOCAL, tm, NULL, y2026, iters, &sink);
            printf("%-38s %9.2f %11.2f %11.2f %9.2f %11.2fx\n", specs[s], u, r26, r21,
                   loc, riga ? r26 / u : 0.0);
            l7_timematch_destroy(tm);
        }
        printf("%-38s %9.2f %11.2f %11.2f\n\n", "l7_tz_to_local alone",
               bench(clk, TO_LOCAL, NULL, utc, y2026, iters, &sink),
               riga ? bench(clk, TO_LOCAL, NULL, riga, y2026, iters, &sink) : 0,
               riga ? bench(clk, TO_LOCAL, NULL, riga, y2100, iters, &sink) : 0);
    }
    if (!riga)
        printf("(Europe/Riga absent: its columns are 0)\n");
    printf("(checksum %ld)\n", sink);
    l7_tz_destroy(riga);
    l7_tz_destroy(utc);
    return 0;
}
