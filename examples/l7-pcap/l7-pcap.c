/*
 * l7-pcap: replay captures (or a live interface) through a RouterOS
 * layer-7 firewall policy, as if every packet were forwarded by the router.
 *
 *     l7-pcap -c office.rsc -r office.pcap [--tz Europe/Riga] [--json]
 *     l7-pcap -c office.rsc -i eth0
 *     l7-pcap --check -c office.rsc [--strict] [--lenient]
 *
 * Time comes from the packet timestamps; queue trees are simulated in that
 * time. The end is a human summary (per layer-7 protocol, `print stats` of
 * every table, per queue) or, with --json, JSON Lines. Exit status: 0, or 1
 * when the policy or the capture cannot be loaded, 2 on usage errors.
 *
 * Signals: SIGHUP reloads the policy (keeping connections; a bad policy is
 * refused and the old one stays), SIGINT/SIGTERM stop and print the
 * summary, SIGUSR1 prints the summary so far on stderr.
 */
#define _DEFAULT_SOURCE 1
#include "l7cli.h"
#include "l7host.h"

#include <pcap/pcap.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got_stop, got_reload, got_usr1;
/* Live capture only: an idle interface blocks in poll() (libpcap retries
 * on EINTR), and pcap_breakloop() is the documented way to wake it from a
 * signal handler. */
static pcap_t *live_pcap;

static void on_signal(int sig)
{
    if (sig == SIGHUP)
        got_reload = 1;
    else if (sig == SIGUSR1)
        got_usr1 = 1;
    else
        got_stop = 1;
    if (live_pcap)
        pcap_breakloop(live_pcap);
}

static void usage(FILE *f)
{
    fputs("usage: l7-pcap -c POLICY (-r FILE | -i IFACE) [options]\n"
          "       l7-pcap --check -c POLICY [--strict] [--lenient]\n"
          "\n"
          "Replay packets through a RouterOS layer-7 firewall policy: every packet\n"
          "is forwarded through the router (hook forward), at its own timestamp.\n"
          "\n"
          "  -r, --read FILE          read a capture (pcap or pcapng)\n"
          "  -i, --interface IFACE    capture live from IFACE\n"
          "  -w, --write FILE         write the packets the policy dropped (pcap)\n",
          f);
    fputs(l7host_options_help, f);
    fputs("  -h, --help               this text\n"
          "  -V, --version            print the version\n"
          "\n"
          "Signals: HUP reloads the policy, INT/TERM stop and print the summary,\n"
          "USR1 prints the summary so far on stderr.\n"
          "Exit status: 0; 1 when the policy or the capture cannot be loaded; 2 on\n"
          "usage errors.\n",
          f);
}

typedef struct writer {
    pcap_dumper_t *dumper;
    int nano;
} writer;

static void dump(writer *w, uint64_t ts, const uint8_t *data, uint32_t caplen,
                 uint32_t wirelen)
{
    struct pcap_pkthdr hdr;
    hdr.ts.tv_sec = (time_t)(ts / 1000000000ull);
    hdr.ts.tv_usec =
        (suseconds_t)(w->nano ? ts % 1000000000ull : ts % 1000000000ull / 1000);
    hdr.caplen = caplen;
    hdr.len = wirelen;
    pcap_dump((u_char *)w->dumper, &hdr, data);
}

static void on_release(uint64_t frame_no, l7host_action action, uint64_t ts,
                       const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                       void *user)
{
    (void)frame_no;
    writer *w = user;
    if (action == L7HOST_DROP && w->dumper && data)
        dump(w, ts, data, caplen, wirelen);
}

static pcap_t *open_live(const char *iface, char *errbuf)
{
    pcap_t *p = pcap_create(iface, errbuf);
    if (!p)
        return NULL;
    pcap_set_snaplen(p, 262144);
    pcap_set_promisc(p, 1);
    pcap_set_timeout(p, 200);
    /* The default buffer loses packets under load (env-notes §6). */
    pcap_set_buffer_size(p, 32 << 20);
    pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
    int rc = pcap_activate(p);
    if (rc < 0) {
        snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", pcap_geterr(p));
        pcap_close(p);
        return NULL;
    }
    return p;
}

static double wall(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int check_only(const l7host_opts *o)
{
    if (!o->config) {
        fputs("l7-pcap: --check needs a policy: -c FILE\n", stderr);
        return 2;
    }
    l7_config *cfg;
    if (l7_config_create(&cfg, NULL) < 0 ||
        l7_config_set_pattern_flags(cfg, o->compat_l7filter ? L7_PATTERN_COMPAT_L7FILTER
                                                            : 0) < 0) {
        l7_config_destroy(cfg);
        fputs("l7-pcap: out of memory\n", stderr);
        return 2;
    }
    int rc = l7cli_load_config(cfg, o->config, o->load_flags, stderr);
    l7_config_destroy(cfg);
    return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        L7HOST_LONGOPTS,
        {"read", required_argument, NULL, 'r'},
        {"interface", required_argument, NULL, 'i'},
        {"write", required_argument, NULL, 'w'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    l7host_opts o;
    l7host_opts_init(&o, "l7-pcap");
    const char *rfile = NULL, *iface = NULL, *wfile = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "c:r:i:w:qhV", longopts, NULL)) != -1) {
        int handled = l7host_option(&o, c, optarg);
        if (handled < 0)
            return 2;
        if (handled)
            continue;
        switch (c) {
        case 'r':
            rfile = optarg;
            break;
        case 'i':
            iface = optarg;
            break;
        case 'w':
            wfile = optarg;
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
    if (o.check)
        return check_only(&o);
    if (!o.config) {
        fputs("l7-pcap: no policy: -c FILE\n", stderr);
        usage(stderr);
        return 2;
    }
    if (!rfile == !iface) {
        fputs("l7-pcap: give one capture source: -r FILE or -i IFACE\n", stderr);
        usage(stderr);
        return 2;
    }

    /* Before the capture is opened: a FIFO's writer knows we are ready once
     * the open returns. */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    /* Offline reads restart (a FIFO may block); live reads wake up on the
     * capture timeout, and the loop looks at the flags between packets. */
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);

    char errbuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = rfile ? pcap_open_offline_with_tstamp_precision(
                            rfile, PCAP_TSTAMP_PRECISION_NANO, errbuf)
                      : open_live(iface, errbuf);
    if (!p) {
        fprintf(stderr, "l7-pcap: %s: %s\n", rfile ? rfile : iface, errbuf);
        return 1;
    }
    int nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
    uint32_t linktype = (uint32_t)pcap_datalink(p);
    if (!l7_packet_linktype_supported(linktype) && !o.quiet)
        fprintf(stderr,
                "l7-pcap: %s: link type %s (%u) is not parsed by libl7; every packet "
                "counts as invalid\n",
                rfile ? rfile : iface, pcap_datalink_val_to_name((int)linktype),
                linktype);

    l7host *h;
    int rc = l7host_create(&h, &o, stdout);
    if (rc != 0) {
        pcap_close(p);
        return 1;
    }
    writer w = {NULL, nano};
    if (wfile) {
        w.dumper = pcap_dump_open(p, wfile);
        if (!w.dumper) {
            fprintf(stderr, "l7-pcap: %s: %s\n", wfile, pcap_geterr(p));
            l7host_destroy(h);
            pcap_close(p);
            return 1;
        }
        l7host_keep_copies(h, 1);
    }
    l7host_set_release(h, on_release, &w);
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));

    if (iface)
        live_pcap = p;
    int progress = rfile && !o.quiet && isatty(STDERR_FILENO);
    off_t fsize = 0;
    struct stat stbuf;
    if (progress && stat(rfile, &stbuf) == 0)
        fsize = stbuf.st_size;
    double next_progress = progress ? wall() + 1.0 : 0;
    int shown = 0;

    uint64_t frame_no = 0;
    struct pcap_pkthdr *hdr;
    const u_char *data;
    int r;
    for (;;) {
        r = pcap_next_ex(p, &hdr, &data);
        if (r == PCAP_ERROR_BREAK && iface && !got_stop)
            r = 0; /* woken for HUP or USR1: carry on */
        if (got_stop || r < 0)
            break;
        if (got_reload) {
            got_reload = 0;
            l7host_reload(h);
        }
        if (got_usr1) {
            got_usr1 = 0;
            l7host_print_summary(h, stderr);
        }
        if (r == 0)
            continue; /* live: read timeout */
        uint64_t ts = (uint64_t)hdr->ts.tv_sec * 1000000000ull +
                      (uint64_t)hdr->ts.tv_usec * (nano ? 1u : 1000u);
        l7host_action a =
            l7host_frame(h, ++frame_no, data, hdr->caplen, hdr->len, linktype, ts);
        if (a == L7HOST_DROP && w.dumper)
            dump(&w, ts, data, hdr->caplen, hdr->len);
        if (progress && (frame_no & 4095) == 0 && wall() >= next_progress) {
            FILE *fp = pcap_file(p);
            long pos = fp ? ftell(fp) : -1;
            if (fsize > 0 && pos >= 0)
                fprintf(stderr, "\rl7-pcap: %llu packets (%d%%)",
                        (unsigned long long)frame_no, (int)(100.0 * pos / fsize));
            else
                fprintf(stderr, "\rl7-pcap: %llu packets",
                        (unsigned long long)frame_no);
            shown = 1;
            next_progress = wall() + 1.0;
        }
    }
    live_pcap = NULL;
    if (!got_stop && r == PCAP_ERROR && !o.quiet)
        fprintf(stderr, "%sl7-pcap: %s: %s (the packets before it were replayed)\n",
                shown ? "\n" : "", rfile ? rfile : iface, pcap_geterr(p));
    else if (shown)
        fputs("\r\033[K", stderr);
    l7host_finish(h);
    if (w.dumper)
        pcap_dump_close(w.dumper);
    l7host_destroy(h);
    pcap_close(p);
    return 0;
}
