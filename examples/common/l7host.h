/* The runtime shared by libl7's host programs (l7-pcap, and later the
 * NFQUEUE and raw-socket hosts): options, time zone, policy loading and
 * atomic reload, the engine, queue-tree simulation in packet time,
 * per-connection accounting, JSON Lines and the human summary.
 *
 * A host feeds frames with l7host_frame() in time order and learns from
 * the returned action what to do with each frame; frames the queue tree
 * holds are reported later through the `release` callback. Nothing here
 * reads a clock: time is the frame's. */
#ifndef L7HOST_H
#define L7HOST_H

#include <l7/l7.h>

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

/* Long options every host accepts; l7host_option() handles them. */
enum {
    L7HOST_OPT_CHECK = 0x1000,
    L7HOST_OPT_STRICT,
    L7HOST_OPT_LENIENT,
    L7HOST_OPT_TZ,
    L7HOST_OPT_JSON,
    L7HOST_OPT_LOG,
    L7HOST_OPT_L7_PACKETS,
    L7HOST_OPT_L7_BYTES,
    L7HOST_OPT_L7_COLLECT,
    L7HOST_OPT_COMPAT,
    L7HOST_OPT_STRICT_FIRST,
    L7HOST_OPT_TCP_ORDER,
    L7HOST_OPT_QUIET
};

#define L7HOST_LONGOPTS                                                                \
    {"config", required_argument, NULL, 'c'},                                          \
        {"check", no_argument, NULL, L7HOST_OPT_CHECK},                                \
        {"strict", no_argument, NULL, L7HOST_OPT_STRICT},                              \
        {"lenient", no_argument, NULL, L7HOST_OPT_LENIENT},                            \
        {"tz", required_argument, NULL, L7HOST_OPT_TZ},                                \
        {"json", no_argument, NULL, L7HOST_OPT_JSON},                                  \
        {"log", required_argument, NULL, L7HOST_OPT_LOG},                              \
        {"l7-packets", required_argument, NULL, L7HOST_OPT_L7_PACKETS},                \
        {"l7-bytes", required_argument, NULL, L7HOST_OPT_L7_BYTES},                    \
        {"l7-collect", required_argument, NULL, L7HOST_OPT_L7_COLLECT},                \
        {"compat-l7filter", no_argument, NULL, L7HOST_OPT_COMPAT},                     \
        {"strict-first-packet", no_argument, NULL, L7HOST_OPT_STRICT_FIRST},           \
        {"tcp-order", required_argument, NULL, L7HOST_OPT_TCP_ORDER},                  \
    {                                                                                  \
        "quiet", no_argument, NULL, 'q'                                                \
    }

/* Help text of the shared options (for a host's --help). */
extern const char l7host_options_help[];

typedef enum l7host_log_dest {
    L7HOST_LOG_DEFAULT = 0, /* stderr, or only JSON with --json */
    L7HOST_LOG_STDERR,
    L7HOST_LOG_SYSLOG,
    L7HOST_LOG_NONE
} l7host_log_dest;

typedef struct l7host_opts {
    const char *prog;
    const char *config;
    const char *tz;
    int check;
    int json;
    int quiet;
    int compat_l7filter;
    uint32_t load_flags;
    uint32_t log_dest;
    l7_engine_options engine;
} l7host_opts;

void l7host_opts_init(l7host_opts *o, const char *prog);

/* Handle one getopt result of the shared table. Returns 1 when handled, 0
 * when `opt` is not a shared option, -1 on a bad value (message printed). */
int l7host_option(l7host_opts *o, int opt, const char *arg);

/* What the host does with a frame now. */
typedef enum l7host_action {
    L7HOST_PASS = 0, /* forward it */
    L7HOST_DROP = 1, /* the policy, the queue tree or reassembly dropped it */
    L7HOST_HELD = 2  /* held (a fragment, or waiting in the queue tree) */
} l7host_action;

/* Called for frames decided after they were handed in: held fragments once
 * their datagram is decided, queued frames when they leave (PASS) the
 * tree. `frame_no` is the host's number given to l7host_frame(); `data` is
 * the frame when the host asked for copies (else NULL). */
typedef void (*l7host_release_fn)(uint64_t frame_no, l7host_action action, uint64_t ts,
                                  const uint8_t *data, uint32_t caplen,
                                  uint32_t wirelen, void *user);

typedef struct l7host l7host;

/* Load the policy and build the engine. Returns 0, 1 (the policy has
 * errors, printed) or 2 (another failure, printed). */
int l7host_create(l7host **out, const l7host_opts *o, FILE *out_stream);
void l7host_destroy(l7host *h);

/* Keep copies of held frames so `release` can hand them back (-w). */
void l7host_keep_copies(l7host *h, int on);
void l7host_set_release(l7host *h, l7host_release_fn fn, void *user);

/* Run one frame (time order). `frame_no` numbers frames from 1. */
l7host_action l7host_frame(l7host *h, uint64_t frame_no, const uint8_t *data,
                           uint32_t caplen, uint32_t wirelen, uint32_t linktype,
                           uint64_t ts);

/* Reload the policy from its file: atomically, keeping connections. On an
 * error the old policy stays and the error is logged. Returns 0 or 1. */
int l7host_reload(l7host *h);

/* End of input: drain the queue tree after the last timestamp, end every
 * connection, and write the final JSON events or the human summary. */
void l7host_finish(l7host *h);

/* The human summary so far (SIGUSR1) on `f`. */
void l7host_print_summary(l7host *h, FILE *f);

/* Counters for progress lines. */
uint64_t l7host_packets(const l7host *h);

#endif
