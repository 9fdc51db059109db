/*
 * l7-pcap: run pcap captures through a RouterOS layer-7 firewall policy.
 *
 * This first version only checks a policy, like `nft -c`:
 *
 *     l7-pcap --check -c office.rsc [--strict] [--lenient]
 *
 * prints every error and warning as FILE:LINE:COL: error: message with the
 * source line underlined, and exits 0 when the script loads, 1 when it has
 * errors and 2 on usage errors.
 */
#include "l7cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
    fputs("usage: l7-pcap --check -c FILE [--strict] [--lenient]\n"
          "\n"
          "  -c, --config FILE  the policy: a RouterOS script (.rsc)\n"
          "      --check        load and check the policy, print every error and\n"
          "                     warning, exit 0 when it loads and 1 when not\n"
          "      --strict       refuse libl7's extensions, so that a script that\n"
          "                     passes also loads on a RouterOS router\n"
          "      --lenient      skip console-only commands (/tool, print, ...) with\n"
          "                     a warning instead of an error\n"
          "  -h, --help         this text\n"
          "  -V, --version      print the version\n",
          f);
}

int main(int argc, char **argv)
{
    enum { OPT_CHECK = 256, OPT_STRICT, OPT_LENIENT };
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'},
        {"check", no_argument, NULL, OPT_CHECK},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"lenient", no_argument, NULL, OPT_LENIENT},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    const char *config = NULL;
    int check = 0;
    uint32_t flags = 0;
    int c;
    while ((c = getopt_long(argc, argv, "c:hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            config = optarg;
            break;
        case OPT_CHECK:
            check = 1;
            break;
        case OPT_STRICT:
            flags |= L7_CONFIG_STRICT;
            break;
        case OPT_LENIENT:
            flags |= L7_CONFIG_LENIENT;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("l7-pcap (libl7 %s)\n", l7_version_string());
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "l7-pcap: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 2;
    }
    if (!check) {
        fputs("l7-pcap: only --check is implemented so far\n", stderr);
        usage(stderr);
        return 2;
    }
    if (!config) {
        fputs("l7-pcap: --check needs a policy: -c FILE\n", stderr);
        return 2;
    }
    l7_config *cfg;
    if (l7_config_create(&cfg, NULL) < 0) {
        fputs("l7-pcap: out of memory\n", stderr);
        return 2;
    }
    int rc = l7cli_load_config(cfg, config, flags, stderr);
    l7_config_destroy(cfg);
    return rc == 0 ? 0 : 1;
}
