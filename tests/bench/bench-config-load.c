/* Script loader cost: the syntax parse alone, a full load (parse, apply to
 * a scratch copy, compile), export, and a one-line change on top of a big
 * configuration (the scratch copy that makes loads all-or-nothing), for
 * the office setup and a generated 5,000-rule script. Medians of 5 runs. */
#define _POSIX_C_SOURCE 200809L
#include "config_syntax_internal.h"
#include "l7/l7.h"

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

static int sink(const char *s, size_t n, void *user)
{
    (void)s;
    *(size_t *)user += n;
    return 0;
}

typedef struct text {
    char *p;
    size_t n, cap;
} text;

static void add(text *t, const char *s)
{
    size_t n = strlen(s);
    if (t->n + n + 1 > t->cap) {
        t->cap = (t->n + n + 1) * 2;
        t->p = realloc(t->p, t->cap);
    }
    memcpy(t->p + t->n, s, n + 1);
    t->n += n;
}

static char *big_script(size_t rules, size_t protos)
{
    text t = {NULL, 0, 0};
    char line[256];
    add(&t, "/ip firewall layer7-protocol\n");
    for (size_t i = 0; i < protos; i++) {
        snprintf(line, sizeof(line),
                 "add name=p%zu regexp=\"^.*(site%zu|cdn%zu).*$\"\n", i, i, i);
        add(&t, line);
    }
    add(&t, "/ip firewall filter\n");
    for (size_t i = 0; i < rules; i++) {
        snprintf(line, sizeof(line),
                 "add chain=forward action=drop layer7-protocol=p%zu "
                 "src-address=10.%zu.%zu.0/24 comment=\"rule %zu\"\n",
                 i % protos, (i >> 8) & 255, i & 255, i);
        add(&t, line);
    }
    return t.p;
}

#define REPS 5

static void measure(const char *name, const char *script)
{
    size_t len = strlen(script);
    double parse[REPS], load[REPS], exp[REPS], change[REPS];
    for (int r = 0; r < REPS; r++) {
        double t0 = now_s();
        l7_script *sc;
        l7_script_parse(&sc, name, (const uint8_t *)script, len, NULL, NULL, NULL);
        parse[r] = now_s() - t0;
        l7_script_free(sc);

        l7_config *cfg;
        l7_config_create(&cfg, NULL);
        t0 = now_s();
        int rc = l7_config_load(cfg, name, (const uint8_t *)script, len, NULL, NULL);
        load[r] = now_s() - t0;
        if (rc) {
            fprintf(stderr, "%s: load failed: %s\n", name, l7_strerror(rc));
            exit(1);
        }
        size_t bytes = 0;
        t0 = now_s();
        l7_config_export(cfg, 0, sink, &bytes);
        exp[r] = now_s() - t0;
        static const char one[] = "/ip firewall filter set 0 comment=changed\n";
        t0 = now_s();
        rc = l7_config_load(cfg, "console", (const uint8_t *)one, strlen(one), NULL,
                            NULL);
        change[r] = now_s() - t0;
        if (rc)
            exit(1);
        l7_config_destroy(cfg);
    }
    qsort(parse, REPS, sizeof(double), cmp_d);
    qsort(load, REPS, sizeof(double), cmp_d);
    qsort(exp, REPS, sizeof(double), cmp_d);
    qsort(change, REPS, sizeof(double), cmp_d);
    double p = parse[REPS / 2], l = load[REPS / 2], e = exp[REPS / 2],
           c = change[REPS / 2];
    printf(
        "%-14s %8zu B  parse %9.3f ms  load %9.3f ms (%5.1fx parse)  export %8.3f ms  "
        "1-line change %8.3f ms\n",
        name, len, p * 1e3, l * 1e3, l / p, e * 1e3, c * 1e3);
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        FILE *f = fopen(argv[1], "rb");
        if (f) {
            static char buf[1 << 20];
            size_t n = fread(buf, 1, sizeof(buf) - 1, f);
            buf[n] = '\0';
            fclose(f);
            measure("office.rsc", buf);
        }
    }
    char *s = big_script(1000, 50);
    measure("1k rules", s);
    free(s);
    s = big_script(5000, 50);
    measure("5k rules", s);
    free(s);
    return 0;
}
