/* Private state of the host runtime (l7host.h). */
#ifndef L7HOST_INTERNAL_H
#define L7HOST_INTERNAL_H

#include "l7host.h"

#include <stddef.h>
#include <stdint.h>

/* One connection as the host accounts for it: frames and their fate. */
typedef struct l7host_conn {
    uint64_t first, last; /* first and last frame time */
    uint64_t expires;     /* when conntrack forgets it (packet time) */
    uint64_t heap_key;    /* key of its live entry in the expiry heap */
    uint64_t packets, bytes, accepted, dropped;
    const char *layer7; /* interned; NULL = never inspected / inspecting */
    const char *mark;   /* interned; NULL = no-mark */
    l7_addr src, dst;
    uint32_t gen;    /* bumped when the slot is reused */
    uint32_t queued; /* frames of it waiting in the queue tree */
    uint32_t next_free;
    uint16_t sport, dport;
    uint8_t proto;
    uint8_t live;
    uint8_t end_pending; /* expired while frames were still queued */
    uint8_t pad;
} l7host_conn;

typedef struct l7host_heap_ent {
    uint64_t key;
    uint32_t idx;
    uint32_t gen;
} l7host_heap_ent;

/* A fragment the engine holds for reassembly. */
typedef struct l7host_pending {
    uint64_t frame_no;
    uint64_t ts;
    uint32_t caplen, wirelen;
    uint8_t *data; /* copy, only with keep_copies */
} l7host_pending;

/* A frame waiting in the queue tree (the tree's handle is its index). */
typedef struct l7host_queued {
    uint64_t frame_no;
    uint64_t conn_cookie;
    uint64_t ts;
    uint32_t next_free;
} l7host_queued;

typedef struct l7host_proto_stat {
    const char *name; /* interned; NULL = not inspected */
    uint64_t connections, packets, bytes, accepted, dropped;
} l7host_proto_stat;

typedef struct l7host_ptr_slot {
    const void *key;
    const char *val;
} l7host_ptr_slot;

#define L7HOST_PTR_CACHE    256u
#define L7HOST_FRAG_TIMEOUT (30ull * L7_NSEC_PER_SEC)

struct l7host {
    l7host_opts o;
    FILE *out;
    l7_config *cfg;
    l7_addrlist *al;
    l7_tz *tz;
    l7_engine *engine;
    l7_qtree *qtree;
    uint32_t queue_count;
    int started;
    int keep_copies;
    uint64_t first_ts, last_ts;
    l7host_release_fn release;
    void *release_user;

    /* connections */
    l7host_conn *conns;
    uint32_t conn_cap, conn_used, conn_free; /* free list head: index+1 */
    l7host_heap_ent *heap;
    size_t heap_len, heap_cap;

    /* held fragments (sorted by frame_no) */
    l7host_pending *pend;
    size_t pend_len, pend_cap, pend_head;

    /* queued frames */
    l7host_queued *queued;
    uint32_t queued_cap, queued_used, queued_free;
    uint64_t queued_now; /* frames in the tree */
    uint64_t q_clock;    /* the tree has been served up to this time */

    /* interned strings and a pointer cache in front of them */
    char **strs;
    size_t str_len, str_cap;
    l7host_ptr_slot ptr_cache[L7HOST_PTR_CACHE];
    l7host_ptr_slot mark_cache[L7HOST_PTR_CACHE]; /* packet mark -> qtree id + 1 */

    l7host_proto_stat *protos;
    size_t proto_len, proto_cap;

    /* summary */
    uint64_t packets, bytes, accepted, dropped, invalid, connections;
    uint64_t drop_filter, drop_queue, drop_malformed, drop_fragment;
    uint64_t unsupported_link_warned;
};

/* l7host_out.c */
void l7host_json_str(FILE *f, const char *s);
void l7host_json_time(FILE *f, uint64_t ns);
void l7host_emit_conn(l7host *h, const l7host_conn *c);
void l7host_emit_final(l7host *h);
int l7host_log_cb(const l7_log_event *ev, void *user);
const char *l7host_proto_name(uint8_t proto, char *buf, size_t size);
const char *l7host_intern(l7host *h, const char *s);

/* l7host_opts.c */
int l7host_load_tz(l7_tz **out, const char *name, FILE *err);

/* l7host_queue.c */
int l7host_qtree_build(l7_qtree **out, const l7_config *cfg, uint64_t now, FILE *err);

#endif
