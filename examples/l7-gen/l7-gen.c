/*
 * l7-gen: writes the project's synthetic captures (classic pcap,
 * nanosecond timestamps, Ethernet). Deterministic: the same bytes on
 * every run and machine. tests/scenarios/README.md describes each one.
 */
#include "gen.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *to)
{
    fprintf(to,
            "usage: l7-gen LIST\n"
            "       l7-gen NAME -o FILE.pcap\n"
            "       l7-gen --all DIR      (writes DIR/NAME.pcap for every scenario)\n"
            "       l7-gen --help\n"
            "Scenarios (l7-gen LIST):\n");
    for (size_t i = 0; i < gen_scenario_count(); i++)
        fprintf(to, "  %-17s %s\n", gen_scenario_at(i)->name,
                gen_scenario_at(i)->summary);
}

static int write_one(const gen_scenario *s, const char *path)
{
    gen_capture c;
    if (gen_capture_build(&c, s) < 0) {
        fprintf(stderr, "l7-gen: %s: out of memory\n", s->name);
        return 1;
    }
    int rc = gen_capture_write(&c, path);
    if (rc < 0)
        fprintf(stderr, "l7-gen: %s: %s\n", path, strerror(errno));
    gen_capture_free(&c);
    return rc < 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage(stdout);
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "LIST")) {
        for (size_t i = 0; i < gen_scenario_count(); i++)
            printf("%s\n", gen_scenario_at(i)->name);
        return 0;
    }
    if (argc == 3 && !strcmp(argv[1], "--all")) {
        if (mkdir(argv[2], 0777) < 0 && errno != EEXIST) {
            fprintf(stderr, "l7-gen: %s: %s\n", argv[2], strerror(errno));
            return 1;
        }
        int fails = 0;
        for (size_t i = 0; i < gen_scenario_count(); i++) {
            char path[4096];
            const gen_scenario *s = gen_scenario_at(i);
            int n = snprintf(path, sizeof(path), "%s/%s.pcap", argv[2], s->name);
            if (n < 0 || (size_t)n >= sizeof(path)) {
                fprintf(stderr, "l7-gen: %s: path too long\n", argv[2]);
                return 1;
            }
            fails += write_one(s, path);
        }
        return fails ? 1 : 0;
    }
    if (argc == 4 && !strcmp(argv[2], "-o")) {
        const gen_scenario *s = gen_scenario_find(argv[1]);
        if (!s) {
            fprintf(stderr, "l7-gen: no scenario '%s' (see l7-gen LIST)\n", argv[1]);
            return 2;
        }
        return write_one(s, argv[3]);
    }
    usage(stderr);
    return 2;
}
