/* Script syntax layer throughput: parse time per MB and per command for
 * three script shapes, next to a memchr line count over the same bytes (the
 * floor any line-based loader pays). Medians of 5 runs. */
#define _POSIX_C_SOURCE 200809L
#include "config_syntax_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static char *build(const char *unit, size_t count, size_t *len)
{
    size_t ul = strlen(unit);
    char *p = malloc(ul * count + 1);
    for (size_t i = 0; i < count; i++)
        memcpy(p + i * ul, unit, ul);
    p[ul * count] = '\0';
    *len = ul * count;
    return p;
}

int main(void)
{
    static const struct {
        const char *name, *unit;
    } shapes[] = {
        {"filter rules",
         "/ip firewall filter add chain=forward action=drop layer7-protocol=facebook "
         "time=8h-17h,mon,tue,wed,thu,fri comment=\"Block Facebook during work "
         "hours\"\n"},
        {"l7 regexps + continuation",
         "/ip firewall layer7-protocol add name=bittorrent \\\n    "
         "regexp=\"^(\\\\x13Bit"
         "Torrent protocol|\\\\x42\\\\x54:|\\\\x47\\\\x45\\\\x54\\\\x2f)\"\n"},
        {"set [find where ...]",
         "/ip firewall filter set [find where comment~\"^Block\" and !disabled or "
         "(chain=forward and action!=accept)] disabled=yes\n"},
    };
    const size_t count = 20000;
    l7_script_limits lim = {0};
    lim.max_commands = count;
    printf("%-28s %10s %10s %12s %10s %8s\n", "shape", "MB", "parse ms", "ns/command",
           "memchr ms", "ratio");
    for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
        size_t len;
        char *text = build(shapes[s].unit, count, &len);
        double t[5], base[5];
        for (int r = 0; r < 5; r++) {
            double t0 = now_s();
            l7_script *sc = NULL;
            int rc = l7_script_parse(&sc, "bench", (const uint8_t *)text, len, &lim,
                                     NULL, NULL);
            t[r] = now_s() - t0;
            if (rc != L7_OK || sc->n_cmds != count) {
                fprintf(stderr, "parse failed: %d\n", rc);
                return 1;
            }
            l7_script_free(sc);
            t0 = now_s();
            size_t lines = 0;
            for (const char *p = text; (p = memchr(p, '\n', len - (size_t)(p - text)));
                 p++)
                lines++;
            base[r] = now_s() - t0;
            if (!lines)
                return 1;
        }
        qsort(t, 5, sizeof(double), cmp_d);
        qsort(base, 5, sizeof(double), cmp_d);
        printf("%-28s %10.1f %10.2f %12.0f %10.3f %8.0fx\n", shapes[s].name,
               (double)len / 1e6, t[2] * 1e3, t[2] * 1e9 / (double)count, base[2] * 1e3,
               t[2] / base[2]);
        free(text);
    }
    return 0;
}
