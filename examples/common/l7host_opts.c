/* Shared host options and the time zone (l7host.h). */
#include "l7cli.h"
#include "l7host_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char l7host_options_help[] =
    "  -c, --config FILE        the policy: a RouterOS script (.rsc)\n"
    "      --check              load and check the policy, print every error and\n"
    "                           warning, exit 0 when it loads and 1 when not\n"
    "      --strict             refuse libl7's extensions, so that a script that\n"
    "                           passes also loads on a RouterOS router\n"
    "      --lenient            skip console-only commands (/tool, print, ...) with\n"
    "                           a warning instead of an error\n"
    "      --tz ZONE            time zone of time= matchers: an IANA name read from\n"
    "                           /usr/share/zoneinfo (default /etc/localtime)\n"
    "      --json               JSON Lines on stdout: connections, log events,\n"
    "                           rules, queues and a summary\n"
    "      --log DEST           log events (action=log, log=yes) to stderr, syslog\n"
    "                           or none (default stderr; only JSON with --json)\n"
    "      --l7-packets N       layer-7 window in packets, both directions (10)\n"
    "      --l7-bytes N         layer-7 window in payload bytes (2048)\n"
    "      --l7-collect MODE    rules: collect a packet's payload only when a\n"
    "                           layer7-protocol matcher runs (RouterOS, default);\n"
    "                           always: every packet of the window\n"
    "      --compat-l7filter    \\xHH metacharacters keep l7-filter's meaning\n"
    "      --strict-first-packet  inspect a connection only if an L7 matcher saw\n"
    "                           its first packet (the l7-filter kernel rule)\n"
    "      --tcp-order MODE     arrival (default, as RouterOS) or sequence:\n"
    "                           the order TCP payload is inspected in\n"
    "  -q, --quiet              no progress line, no warnings about the capture\n";

void l7host_opts_init(l7host_opts *o, const char *prog)
{
    memset(o, 0, sizeof(*o));
    o->prog = prog;
    l7_engine_options_init(&o->engine);
}

static int parse_u32(uint32_t *out, const char *arg, uint32_t min, uint32_t max)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (errno || end == arg || *end || arg[0] == '-' || v < min || v > max)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

int l7host_option(l7host_opts *o, int opt, const char *arg)
{
    switch (opt) {
    case 'c':
        o->config = arg;
        return 1;
    case 'q':
        o->quiet = 1;
        return 1;
    case L7HOST_OPT_CHECK:
        o->check = 1;
        return 1;
    case L7HOST_OPT_STRICT:
        o->load_flags |= L7_CONFIG_STRICT;
        return 1;
    case L7HOST_OPT_LENIENT:
        o->load_flags |= L7_CONFIG_LENIENT;
        return 1;
    case L7HOST_OPT_TZ:
        o->tz = arg;
        return 1;
    case L7HOST_OPT_JSON:
        o->json = 1;
        return 1;
    case L7HOST_OPT_LOG:
        if (!strcmp(arg, "stderr"))
            o->log_dest = L7HOST_LOG_STDERR;
        else if (!strcmp(arg, "syslog"))
            o->log_dest = L7HOST_LOG_SYSLOG;
        else if (!strcmp(arg, "none"))
            o->log_dest = L7HOST_LOG_NONE;
        else
            break;
        return 1;
    case L7HOST_OPT_L7_PACKETS:
        if (parse_u32(&o->engine.l7_max_packets, arg, 1, 1000000) < 0)
            break;
        return 1;
    case L7HOST_OPT_L7_BYTES:
        if (parse_u32(&o->engine.l7_max_bytes, arg, 1, 1u << 24) < 0)
            break;
        return 1;
    case L7HOST_OPT_L7_COLLECT:
        if (!strcmp(arg, "always"))
            o->engine.flags |= L7_ENGINE_COLLECT_ALWAYS;
        else if (!strcmp(arg, "rules"))
            o->engine.flags &= ~(uint32_t)L7_ENGINE_COLLECT_ALWAYS;
        else
            break;
        return 1;
    case L7HOST_OPT_COMPAT:
        o->compat_l7filter = 1;
        return 1;
    case L7HOST_OPT_STRICT_FIRST:
        o->engine.flags |= L7_ENGINE_STRICT_FIRST_PACKET;
        return 1;
    case L7HOST_OPT_TCP_ORDER:
        if (!strcmp(arg, "sequence"))
            o->engine.flags |= L7_ENGINE_TCP_IN_ORDER;
        else if (!strcmp(arg, "arrival"))
            o->engine.flags &= ~(uint32_t)L7_ENGINE_TCP_IN_ORDER;
        else
            break;
        return 1;
    default:
        return 0;
    }
    fprintf(stderr, "%s: bad value '%s' for an option (see --help)\n", o->prog, arg);
    return -1;
}

int l7host_load_tz(l7_tz **out, const char *name, FILE *err)
{
    *out = NULL;
    char path[4096];
    if (!name) {
        snprintf(path, sizeof(path), "/etc/localtime");
    } else if (name[0] == '/') {
        snprintf(path, sizeof(path), "%s", name);
    } else {
        /* An IANA name, never a way out of the zoneinfo tree. */
        if (!name[0] || strstr(name, "..")) {
            fprintf(err, "--tz %s: not a time zone name\n", name);
            return -1;
        }
        snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
    }
    uint8_t *bytes;
    size_t len;
    if (l7cli_read_file(path, &bytes, &len) < 0) {
        if (!name && errno == ENOENT)
            return l7_tz_create_utc(out, NULL) < 0 ? -1 : 0;
        fprintf(err, "--tz %s: %s: %s\n", name ? name : "(default)", path,
                strerror(errno));
        return -1;
    }
    l7_diag_list *diags = NULL;
    l7_diag_list_create(&diags, NULL);
    int rc = l7_tz_create_from_tzif(out, bytes, len, NULL, diags);
    free(bytes);
    if (rc < 0) {
        char msg[512];
        if (diags && l7_diag_list_count(diags) &&
            l7_diag_format(diags, 0, msg, sizeof(msg)) >= 0)
            fprintf(err, "%s: %s\n", path, msg);
        else
            fprintf(err, "%s: not a TZif file (%s)\n", path, l7_strerror(rc));
    }
    l7_diag_list_destroy(diags);
    return rc < 0 ? -1 : 0;
}
