#define _POSIX_C_SOURCE 200809L
/* Policy engine cost: rules 10 / 100 / 1,000 x address lists of 10 / 1,000 /
 * 100,000 entries; nanoseconds per packet for packets that open new
 * connections and for packets of connections already classified by
 * layer7. Every filter rule is reached (passthrough) and looks its source
 * up in the address list; a mangle rule marks connections by layer7.
 *
 *   ./build/tests/bench/bench-policy [repetitions]
 */
#include "l7/l7.h"
#include "../unit/policy_frames.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Thread CPU time: on a loaded machine it leaves out the time the thread
 * waited for a core, so it is printed beside the wall-clock figure. */
static uint64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void die(const char *what, int rc)
{
    fprintf(stderr, "bench-policy: %s: %s\n", what, l7_strerror(rc));
    exit(1);
}

static void set(l7_policy *p, uint32_t t, uint32_t pos, const char *k, const char *v)
{
    int rc = l7_policy_rule_set(p, 4, t, pos, k, v, strlen(v), NULL);
    if (rc)
        die(k, rc);
}

static l7_ruleset *build_rules(unsigned nrules)
{
    l7_policy *p;
    int rc = l7_policy_create(&p, NULL);
    if (rc)
        die("policy", rc);
    static const char *const protos[][2] = {
        {"facebook", "^.*(facebook|fbcdn).*$"},
        {"youtube", "^.*(youtube|googlevideo).*$"},
        {"netflix", "^.*(netflix|nflxvideo).*$"},
        {"bittorrent", "^(\\x13BitTorrent protocol|\\x42\\x54:)"},
        {"steam", "^.*(steam|steamcontent).*$"},
        {"teamviewer", "^.*(teamviewer|dyngate).*$"},
    };
    for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
        uint32_t id;
        rc = l7_protoset_add(&id, l7_policy_protocols(p), protos[i][0], protos[i][1],
                             strlen(protos[i][1]), NULL);
        if (rc)
            die("protocol", rc);
    }
    uint32_t pos;
    l7_policy_rule_add(&pos, p, 4, L7_TABLE_MANGLE, L7_POLICY_APPEND);
    set(p, L7_TABLE_MANGLE, pos, "chain", "prerouting");
    set(p, L7_TABLE_MANGLE, pos, "action", "mark-connection");
    set(p, L7_TABLE_MANGLE, pos, "layer7-protocol", "facebook");
    set(p, L7_TABLE_MANGLE, pos, "new-connection-mark", "fb");
    for (unsigned i = 0; i < nrules; i++) {
        l7_policy_rule_add(&pos, p, 4, L7_TABLE_FILTER, L7_POLICY_APPEND);
        set(p, L7_TABLE_FILTER, pos, "chain", "forward");
        set(p, L7_TABLE_FILTER, pos, "action", "passthrough");
        set(p, L7_TABLE_FILTER, pos, "protocol", "tcp");
        set(p, L7_TABLE_FILTER, pos, "dst-port", "80");
        set(p, L7_TABLE_FILTER, pos, "src-address-list", "USERS");
    }
    l7_ruleset *rs;
    rc = l7_ruleset_compile(&rs, p, NULL);
    if (rc)
        die("compile", rc);
    l7_policy_destroy(p);
    return rs;
}

static void user_addr(char *buf, size_t n, unsigned i)
{
    snprintf(buf, n, "10.%u.%u.%u", (i >> 16) & 255, (i >> 8) & 255, i & 255);
}

static l7_addrlist *build_list(unsigned entries)
{
    l7_addrlist *al;
    int rc = l7_addrlist_create(&al, NULL, NULL);
    if (rc)
        die("addrlist", rc);
    uint32_t id;
    l7_addrlist_list_id(&id, al, "USERS", 5);
    for (unsigned i = 0; i < entries; i++) {
        char a[32];
        user_addr(a, sizeof(a), i);
        l7_value_addrspec spec;
        l7_value_parse_addrspec(&spec, a, strlen(a), 4);
        rc = l7_addrlist_add(al, id, &spec, NULL, 0);
        if (rc)
            die("addrlist add", rc);
    }
    return al;
}

typedef struct frame {
    uint8_t b[160];
    uint32_t len;
} frame;

static void run(l7_engine *e, const frame *f, unsigned n, uint64_t now)
{
    l7_verdict v;
    v.size = sizeof(v);
    for (unsigned i = 0; i < n; i++) {
        int rc = l7_engine_process(&v, e, f[i].b, f[i].len, L7_LINK_IP, NULL, now);
        if (rc)
            die("process", rc);
    }
}

#define NCONN 1000
#define HOST  "GET / HTTP/1.1\r\nHost: www.facebook.com\r\n\r\n"

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 5;
    if (reps < 1)
        reps = 1;
    static const unsigned rules[] = {10, 100, 1000};
    static const unsigned lists[] = {10, 1000, 100000};
    const uint64_t now = 1795428000ull * 1000000000ull;
    printf("bench-policy: ns/packet, median of %d runs\n", reps);
    printf("%6s %8s | %10s %12s %8s | %10s %12s | %s\n", "rules", "entries", "new-conn",
           "classified", "new/cls", "new(cpu)", "cls(cpu)",
           "regex runs while classified");
    for (size_t ri = 0; ri < 3; ri++) {
        l7_ruleset *rs = build_rules(rules[ri]);
        for (size_t li = 0; li < 3; li++) {
            l7_addrlist *al = build_list(lists[li]);
            unsigned npk = 2000000 / rules[ri];
            if (npk > 40000)
                npk = 40000;
            frame *syns = calloc(npk, sizeof(frame));
            frame *data = calloc(npk, sizeof(frame));
            if (!syns || !data)
                die("frames", L7_ENOMEM);
            char src[32];
            uint64_t t_new[16], t_cls[16], c_new[16], c_cls[16];
            uint64_t runs_cls = 0;
            for (int r = 0; r < reps && r < 16; r++) {
                l7_engine_options o;
                l7_engine_options_init(&o);
                o.addrlists = al;
                o.hash_seed = 0x1234 + (uint64_t)r;
                l7_engine *e;
                int rc = l7_engine_create(&e, rs, &o, NULL);
                if (rc)
                    die("engine", rc);
                /* new connections: one SYN each, source in the list */
                for (unsigned i = 0; i < npk; i++) {
                    user_addr(src, sizeof(src), i % lists[li]);
                    l7t_flow f = {src, "157.240.1.35",
                                  6,   (uint16_t)(1024 + i / lists[li]),
                                  80,  0};
                    syns[i].len =
                        (uint32_t)l7t_frame(syns[i].b, &f, 0, 0x02, 1, NULL, 0);
                }
                uint64_t t0 = mono_ns(), c0 = cpu_ns();
                run(e, syns, npk, now);
                t_new[r] = (mono_ns() - t0) / npk;
                c_new[r] = (cpu_ns() - c0) / npk;
                /* NCONN classified connections, then their data packets */
                l7_engine_destroy(e);
                rc = l7_engine_create(&e, rs, &o, NULL);
                if (rc)
                    die("engine", rc);
                for (unsigned c = 0; c < NCONN; c++) {
                    user_addr(src, sizeof(src), c % lists[li]);
                    l7t_flow f = {src, "157.240.1.35", 6, (uint16_t)(20000 + c), 80, 0};
                    frame hs[4];
                    hs[0].len = (uint32_t)l7t_frame(hs[0].b, &f, 0, 0x02, 1, NULL, 0);
                    hs[1].len = (uint32_t)l7t_frame(hs[1].b, &f, 1, 0x12, 1, NULL, 0);
                    hs[2].len = (uint32_t)l7t_frame(hs[2].b, &f, 0, 0x10, 2, NULL, 0);
                    hs[3].len = (uint32_t)l7t_frame(hs[3].b, &f, 0, 0x18, 2, HOST,
                                                    strlen(HOST));
                    run(e, hs, 4, now);
                }
                for (unsigned i = 0; i < npk; i++) {
                    unsigned c = i % NCONN;
                    user_addr(src, sizeof(src), c % lists[li]);
                    l7t_flow f = {src, "157.240.1.35", 6, (uint16_t)(20000 + c), 80, 0};
                    data[i].len = (uint32_t)l7t_frame(data[i].b, &f, (int)(i & 1), 0x18,
                                                      3 + i, "payload", 7);
                }
                uint64_t before = l7_engine_stat(e, L7_ENGINE_STAT_REGEX_RUNS);
                t0 = mono_ns();
                c0 = cpu_ns();
                run(e, data, npk, now);
                t_cls[r] = (mono_ns() - t0) / npk;
                c_cls[r] = (cpu_ns() - c0) / npk;
                runs_cls += l7_engine_stat(e, L7_ENGINE_STAT_REGEX_RUNS) - before;
                l7_engine_destroy(e);
            }
            int n = reps < 16 ? reps : 16;
            qsort(t_new, (size_t)n, sizeof(uint64_t), cmp_u64);
            qsort(t_cls, (size_t)n, sizeof(uint64_t), cmp_u64);
            qsort(c_new, (size_t)n, sizeof(uint64_t), cmp_u64);
            qsort(c_cls, (size_t)n, sizeof(uint64_t), cmp_u64);
            uint64_t mn = t_new[n / 2], mc = t_cls[n / 2];
            printf("%6u %8u | %10llu %12llu %8.2f | %10llu %12llu | %llu\n", rules[ri],
                   lists[li], (unsigned long long)mn, (unsigned long long)mc,
                   mc ? (double)mn / (double)mc : 0.0, (unsigned long long)c_new[n / 2],
                   (unsigned long long)c_cls[n / 2], (unsigned long long)runs_cls);
            free(syns);
            free(data);
            l7_addrlist_destroy(al);
        }
        l7_ruleset_destroy(rs);
    }
    return 0;
}
