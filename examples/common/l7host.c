/* The host runtime (l7host.h): the engine, the queue tree in packet time,
 * held fragments and per-connection accounting. Output is in l7host_out.c. */
#define _DEFAULT_SOURCE 1
#include "l7cli.h"
#include "l7host_internal.h"

#include <stdlib.h>
#include <string.h>
#include <syslog.h>

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need)
        ncap *= 2;
    void *np = realloc(*p, ncap * elem);
    if (!np)
        return -1;
    *p = np;
    *cap = ncap;
    return 0;
}

static void oom(void)
{
    fputs("l7host: out of memory\n", stderr);
    exit(2);
}

/* ---- interned strings ------------------------------------------------------ */

const char *l7host_intern(l7host *h, const char *s)
{
    if (!s)
        return NULL;
    for (size_t i = 0; i < h->str_len; i++)
        if (!strcmp(h->strs[i], s))
            return h->strs[i];
    if (grow((void **)&h->strs, &h->str_cap, h->str_len + 1, sizeof(char *)) < 0)
        oom();
    char *copy = strdup(s);
    if (!copy)
        oom();
    h->strs[h->str_len++] = copy;
    return copy;
}

static size_t ptr_hash(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull;
    return (size_t)(x >> 56) & (L7HOST_PTR_CACHE - 1);
}

/* The engine's names live as long as the engine (marks) or its ruleset
 * (protocols): a pointer cache saves a string search per packet. */
static const char *intern_ptr(l7host *h, const char *s)
{
    if (!s)
        return NULL;
    size_t i = ptr_hash(s);
    for (unsigned probe = 0; probe < 8; probe++, i = (i + 1) & (L7HOST_PTR_CACHE - 1)) {
        if (h->ptr_cache[i].key == s)
            return h->ptr_cache[i].val;
        if (!h->ptr_cache[i].key) {
            h->ptr_cache[i].key = s;
            h->ptr_cache[i].val = l7host_intern(h, s);
            return h->ptr_cache[i].val;
        }
    }
    memset(h->ptr_cache, 0, sizeof(h->ptr_cache));
    return l7host_intern(h, s);
}

/* Queue-tree id of a packet mark: 0 = no-mark, UINT32_MAX = no queue uses it. */
static uint32_t mark_id(l7host *h, const char *mark)
{
    if (!mark)
        return L7_QTREE_NO_MARK;
    size_t i = ptr_hash(mark);
    for (unsigned probe = 0; probe < 8; probe++, i = (i + 1) & (L7HOST_PTR_CACHE - 1)) {
        if (h->mark_cache[i].key == mark)
            return (uint32_t)(uintptr_t)h->mark_cache[i].val - 1;
        if (!h->mark_cache[i].key)
            break;
    }
    uint32_t id;
    if (l7_qtree_mark_lookup(&id, h->qtree, mark) < 0)
        id = UINT32_MAX;
    i = ptr_hash(mark);
    for (unsigned probe = 0; probe < 8; probe++, i = (i + 1) & (L7HOST_PTR_CACHE - 1)) {
        if (!h->mark_cache[i].key) {
            h->mark_cache[i].key = mark;
            h->mark_cache[i].val = (const char *)(uintptr_t)((uint64_t)id + 1);
            return id;
        }
    }
    memset(h->mark_cache, 0, sizeof(h->mark_cache));
    return id;
}

/* ---- expiry heap of connections -------------------------------------------- */

static int heap_less(const l7host_heap_ent *a, const l7host_heap_ent *b)
{
    return a->key < b->key || (a->key == b->key && a->idx < b->idx);
}

static void heap_push(l7host *h, uint64_t key, uint32_t idx, uint32_t gen)
{
    if (grow((void **)&h->heap, &h->heap_cap, h->heap_len + 1, sizeof(*h->heap)) < 0)
        oom();
    size_t i = h->heap_len++;
    l7host_heap_ent e = {key, idx, gen};
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!heap_less(&e, &h->heap[parent]))
            break;
        h->heap[i] = h->heap[parent];
        i = parent;
    }
    h->heap[i] = e;
}

static l7host_heap_ent heap_pop(l7host *h)
{
    l7host_heap_ent top = h->heap[0];
    l7host_heap_ent last = h->heap[--h->heap_len];
    size_t i = 0, n = h->heap_len;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && heap_less(&h->heap[c + 1], &h->heap[c]))
            c++;
        if (!heap_less(&h->heap[c], &last))
            break;
        h->heap[i] = h->heap[c];
        i = c;
    }
    if (n)
        h->heap[i] = last;
    return top;
}

/* ---- connections ----------------------------------------------------------- */

static uint64_t conn_cookie(const l7host *h, uint32_t idx)
{
    return ((uint64_t)h->conns[idx].gen << 32) | (uint64_t)(idx + 1);
}

static l7host_conn *conn_by_cookie(l7host *h, uint64_t cookie)
{
    uint32_t idx = (uint32_t)(cookie & 0xffffffffu);
    if (idx == 0 || idx > h->conn_used)
        return NULL;
    l7host_conn *c = &h->conns[idx - 1];
    return c->live && c->gen == (uint32_t)(cookie >> 32) ? c : NULL;
}

static l7host_conn *conn_get(l7host *h, l7_conn *ct_conn, uint64_t ts)
{
    l7host_conn *c = conn_by_cookie(h, l7_conn_cookie(ct_conn));
    if (c)
        return c;
    uint32_t idx;
    if (h->conn_free) {
        idx = h->conn_free - 1;
        h->conn_free = h->conns[idx].next_free;
    } else {
        size_t cap = h->conn_cap;
        if (grow((void **)&h->conns, &cap, (size_t)h->conn_used + 1,
                 sizeof(*h->conns)) < 0)
            oom();
        h->conn_cap = (uint32_t)cap;
        idx = h->conn_used++;
        h->conns[idx].gen = 0;
    }
    c = &h->conns[idx];
    uint32_t gen = c->gen;
    memset(c, 0, sizeof(*c));
    c->gen = gen;
    c->live = 1;
    c->first = ts;
    c->heap_key = UINT64_MAX;
    l7_ct_tuple t;
    l7_conn_tuple(&t, ct_conn, L7_CT_DIR_ORIGINAL);
    c->src = t.src;
    c->dst = t.dst;
    c->sport = t.sport;
    c->dport = t.dport;
    c->proto = t.l4_proto;
    l7_conn_set_cookie(ct_conn, conn_cookie(h, idx));
    h->connections++;
    return c;
}

static void proto_account(l7host *h, const l7host_conn *c)
{
    size_t i = 0;
    while (i < h->proto_len && h->protos[i].name != c->layer7)
        i++;
    if (i == h->proto_len) {
        if (grow((void **)&h->protos, &h->proto_cap, h->proto_len + 1,
                 sizeof(*h->protos)) < 0)
            oom();
        memset(&h->protos[i], 0, sizeof(h->protos[i]));
        h->protos[i].name = c->layer7;
        h->proto_len++;
    }
    l7host_proto_stat *p = &h->protos[i];
    p->connections++;
    p->packets += c->packets;
    p->bytes += c->bytes;
    p->accepted += c->accepted;
    p->dropped += c->dropped;
}

static void conn_end(l7host *h, l7host_conn *c)
{
    if (c->queued) {
        c->end_pending = 1;
        return;
    }
    proto_account(h, c);
    if (h->o.json)
        l7host_emit_conn(h, c);
    uint32_t idx = (uint32_t)(c - h->conns);
    c->live = 0;
    c->gen++;
    c->next_free = h->conn_free;
    h->conn_free = idx + 1;
}

static void conns_expire(l7host *h, uint64_t now)
{
    while (h->heap_len && h->heap[0].key <= now) {
        l7host_heap_ent e = heap_pop(h);
        l7host_conn *c = &h->conns[e.idx];
        if (!c->live || c->gen != e.gen || c->heap_key != e.key || c->end_pending)
            continue;
        if (c->expires <= now) {
            c->heap_key = UINT64_MAX;
            conn_end(h, c);
        } else {
            c->heap_key = c->expires;
            heap_push(h, c->expires, e.idx, c->gen);
        }
    }
}

/* After a packet: what conntrack now says about the connection. */
static void conn_update(l7host *h, l7host_conn *c, l7_conn *ct_conn,
                        const l7_verdict *v, uint64_t ts)
{
    c->last = ts;
    c->layer7 = intern_ptr(h, v->layer7_protocol);
    c->mark = intern_ptr(h, v->connection_mark);
    c->bytes = l7_conn_bytes(ct_conn, L7_CT_DIR_ORIGINAL) +
               l7_conn_bytes(ct_conn, L7_CT_DIR_REPLY);
    const l7_conntrack *ct = l7_engine_conntrack(h->engine);
    c->expires = ts + l7_conn_timeout(ct, ct_conn, ts);
    if (c->expires < c->heap_key) {
        c->heap_key = c->expires;
        heap_push(h, c->expires, (uint32_t)(c - h->conns), c->gen);
    }
}

/* ---- held fragments -------------------------------------------------------- */

#define PEND_TAKEN UINT32_MAX

static void pend_add(l7host *h, uint64_t frame_no, uint64_t ts, const uint8_t *data,
                     uint32_t caplen, uint32_t wirelen)
{
    if (h->pend_head > 0 && h->pend_head * 2 >= h->pend_len) {
        memmove(h->pend, h->pend + h->pend_head,
                (h->pend_len - h->pend_head) * sizeof(*h->pend));
        h->pend_len -= h->pend_head;
        h->pend_head = 0;
    }
    if (grow((void **)&h->pend, &h->pend_cap, h->pend_len + 1, sizeof(*h->pend)) < 0)
        oom();
    l7host_pending *p = &h->pend[h->pend_len++];
    p->frame_no = frame_no;
    p->ts = ts;
    p->caplen = caplen;
    p->wirelen = wirelen;
    p->data = NULL;
    if (h->keep_copies) {
        p->data = malloc(caplen ? caplen : 1);
        if (!p->data)
            oom();
        memcpy(p->data, data, caplen);
    }
}

static l7host_pending *pend_find(l7host *h, uint64_t frame_no)
{
    size_t lo = h->pend_head, hi = h->pend_len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (h->pend[mid].frame_no < frame_no)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < h->pend_len && h->pend[lo].frame_no == frame_no &&
        h->pend[lo].caplen != PEND_TAKEN)
        return &h->pend[lo];
    return NULL;
}

static void pend_done(l7host *h, l7host_pending *p)
{
    free(p->data);
    p->data = NULL;
    p->caplen = PEND_TAKEN;
    while (h->pend_head < h->pend_len && h->pend[h->pend_head].caplen == PEND_TAKEN)
        h->pend_head++;
}

/* Fragments the engine gave up on (its reassembly timeout) never come back
 * in a verdict: count them dropped once that timeout has surely passed. */
static void pend_age(l7host *h, uint64_t now, int all)
{
    while (h->pend_head < h->pend_len) {
        l7host_pending *p = &h->pend[h->pend_head];
        if (p->caplen != PEND_TAKEN) {
            if (!all && p->ts + L7HOST_FRAG_TIMEOUT > now)
                break;
            h->dropped++;
            h->drop_fragment++;
            if (h->release)
                h->release(p->frame_no, L7HOST_DROP, p->ts, p->data, p->caplen,
                           p->wirelen, h->release_user);
        }
        pend_done(h, p);
    }
}

/* ---- queue tree ------------------------------------------------------------ */

static void queued_release(l7host *h, uint64_t handle)
{
    l7host_queued *q = &h->queued[handle];
    h->accepted++;
    h->queued_now--;
    l7host_conn *c = conn_by_cookie(h, q->conn_cookie);
    if (c) {
        c->accepted++;
        c->queued--;
        if (!c->queued && c->end_pending) {
            c->end_pending = 0;
            conn_end(h, c);
        }
    }
    if (h->release)
        h->release(q->frame_no, L7HOST_PASS, q->ts, NULL, 0, 0, h->release_user);
    q->next_free = h->queued_free;
    h->queued_free = (uint32_t)handle + 1;
}

/* Send what the tree lets go up to `now`, at the times it says (frames
 * may be far apart: the tree must not wait for the next one). */
static void qtree_service(l7host *h, uint64_t now)
{
    uint64_t t = h->q_clock;
    while (h->queued_now) {
        l7_qtree_packet p;
        if (l7_qtree_dequeue(&p, h->qtree, L7_QTREE_ROOT_GLOBAL, t) < 0)
            break;
        if (p.status == L7_QTREE_SEND)
            queued_release(h, p.handle);
        else if (p.status == L7_QTREE_WAIT && p.next <= now && t < now)
            t = p.next > t ? p.next : now;
        else
            break;
    }
    h->q_clock = now;
}

/* After the last frame: let the tree send everything, in its own time. */
static void qtree_drain(l7host *h, uint64_t now, int flush)
{
    uint64_t t = now;
    for (unsigned rounds = 0; h->queued_now; rounds++) {
        l7_qtree_packet p;
        int rc = flush || rounds > 10000000u
                     ? l7_qtree_flush(&p, h->qtree, L7_QTREE_ROOT_GLOBAL, t)
                     : l7_qtree_dequeue(&p, h->qtree, L7_QTREE_ROOT_GLOBAL, t);
        if (rc < 0 || p.status == L7_QTREE_EMPTY)
            break;
        if (p.status == L7_QTREE_SEND)
            queued_release(h, p.handle);
        else if (p.next != UINT64_MAX && p.next > t)
            t = p.next;
        else
            flush = 1;
    }
    if (t > h->last_ts)
        h->last_ts = t;
}

/* An accepted frame meets the tree: PASS, DROP (queue full) or HELD. */
static l7host_action shape(l7host *h, l7host_conn *c, const char *packet_mark,
                           uint64_t frame_no, uint32_t wirelen, uint64_t ts)
{
    if (!h->qtree)
        return L7HOST_PASS;
    uint32_t mark = mark_id(h, packet_mark);
    if (mark == UINT32_MAX)
        return L7HOST_PASS;
    uint32_t handle;
    if (h->queued_free) {
        handle = h->queued_free - 1;
        h->queued_free = h->queued[handle].next_free;
    } else {
        size_t cap = h->queued_cap;
        if (grow((void **)&h->queued, &cap, (size_t)h->queued_used + 1,
                 sizeof(*h->queued)) < 0)
            oom();
        h->queued_cap = (uint32_t)cap;
        handle = h->queued_used++;
    }
    uint32_t len = wirelen ? wirelen : 1;
    if (len > L7_QTREE_MAX_PACKET)
        len = L7_QTREE_MAX_PACKET;
    l7_qtree_verdict qv = L7_QTREE_NOT_SHAPED;
    int rc = l7_qtree_enqueue(&qv, NULL, h->qtree, L7_QTREE_ROOT_GLOBAL, mark, handle,
                              len, ts);
    if (rc == 0 && qv == L7_QTREE_QUEUED) {
        l7host_queued *q = &h->queued[handle];
        q->frame_no = frame_no;
        q->ts = ts;
        q->conn_cookie = c ? conn_cookie(h, (uint32_t)(c - h->conns)) : 0;
        if (c)
            c->queued++;
        h->queued_now++;
        return L7HOST_HELD;
    }
    h->queued[handle].next_free = h->queued_free;
    h->queued_free = handle + 1;
    if (rc == L7_ENOMEM || (rc == 0 && qv == L7_QTREE_DROPPED_FULL)) {
        h->drop_queue++;
        return L7HOST_DROP;
    }
    return L7HOST_PASS;
}

/* ---- create, reload -------------------------------------------------------- */

static void engine_log(l7host *h, int prio, const char *what, const char *path)
{
    char line[1024];
    snprintf(line, sizeof(line), "%s%s%s", what, path ? " " : "", path ? path : "");
    if (h->o.log_dest == L7HOST_LOG_SYSLOG)
        syslog(prio, "%s", line);
    fprintf(stderr, "%s: %s\n", h->o.prog, line);
}

static uint32_t host_pattern_flags(const l7host_opts *o)
{
    return o->compat_l7filter ? L7_PATTERN_COMPAT_L7FILTER : 0;
}

int l7host_create(l7host **out, const l7host_opts *o, FILE *out_stream)
{
    *out = NULL;
    l7host *h = calloc(1, sizeof(*h));
    if (!h)
        return 2;
    h->o = *o;
    h->out = out_stream;
    if (h->o.log_dest == L7HOST_LOG_SYSLOG)
        openlog(o->prog, LOG_PID, LOG_USER);
    int rc = 2;
    if (l7host_load_tz(&h->tz, o->tz, stderr) < 0)
        goto fail;
    if (l7_config_create(&h->cfg, NULL) < 0 ||
        l7_config_set_pattern_flags(h->cfg, host_pattern_flags(o)) < 0)
        goto fail;
    rc = l7cli_load_config(h->cfg, o->config, o->load_flags, stderr);
    if (rc != 0)
        goto fail;
    rc = 1;
    l7_qtree *probe = NULL;
    if (l7host_qtree_build(&probe, h->cfg, 0, stderr) < 0)
        goto fail;
    l7_qtree_destroy(probe);
    rc = 2;
    l7_addrlist_options ao;
    memset(&ao, 0, sizeof(ao));
    ao.size = sizeof(ao);
    if (l7_addrlist_create(&h->al, &ao, NULL) < 0)
        goto fail;
    l7_engine_options eo = o->engine;
    eo.tz = h->tz;
    eo.addrlists = h->al;
    eo.log_fn = l7host_log_cb;
    eo.log_user = h;
    eo.hash_seed = 0x6c37686f73742d31ull; /* fixed: replays are reproducible */
    int erc = l7_engine_create(&h->engine, l7_config_ruleset(h->cfg), &eo, NULL);
    if (erc < 0) {
        fprintf(stderr, "%s: engine: %s\n", o->prog, l7_strerror(erc));
        goto fail;
    }
    *out = h;
    return 0;
fail:
    l7host_destroy(h);
    return rc;
}

void l7host_destroy(l7host *h)
{
    if (!h)
        return;
    l7_engine_destroy(h->engine);
    l7_qtree_destroy(h->qtree);
    l7_addrlist_destroy(h->al);
    l7_config_destroy(h->cfg);
    l7_tz_destroy(h->tz);
    for (size_t i = h->pend_head; i < h->pend_len; i++)
        if (h->pend[i].caplen != PEND_TAKEN)
            free(h->pend[i].data);
    free(h->pend);
    free(h->queued);
    free(h->conns);
    free(h->heap);
    for (size_t i = 0; i < h->str_len; i++)
        free(h->strs[i]);
    free(h->strs);
    free(h->protos);
    if (h->o.log_dest == L7HOST_LOG_SYSLOG)
        closelog();
    free(h);
}

void l7host_keep_copies(l7host *h, int on)
{
    h->keep_copies = on;
}

void l7host_set_release(l7host *h, l7host_release_fn fn, void *user)
{
    h->release = fn;
    h->release_user = user;
}

uint64_t l7host_packets(const l7host *h)
{
    return h->packets;
}

static void start(l7host *h, uint64_t ts)
{
    h->started = 1;
    h->first_ts = h->last_ts = ts;
    if (l7_config_apply_addrlists(h->cfg, h->al, ts, NULL) < 0)
        engine_log(h, LOG_WARNING, "some address-list entries were refused", NULL);
    if (l7host_qtree_build(&h->qtree, h->cfg, ts, stderr) < 0)
        h->qtree = NULL; /* validated at load: only memory can fail here */
    h->queue_count = l7_qtree_queue_count(h->qtree);
    h->q_clock = ts;
}

int l7host_reload(l7host *h)
{
    l7_config *cfg = NULL;
    /* A fresh configuration: the pattern flags must be set again, or a
     * reload would silently drop --compat-l7filter. */
    if (l7_config_create(&cfg, NULL) < 0 ||
        l7_config_set_pattern_flags(cfg, host_pattern_flags(&h->o)) < 0) {
        l7_config_destroy(cfg);
        return 1;
    }
    if (l7cli_load_config(cfg, h->o.config, h->o.load_flags, stderr) != 0) {
        engine_log(h, LOG_ERR, "reload failed, the old policy stays:", h->o.config);
        l7_config_destroy(cfg);
        return 1;
    }
    l7_qtree *tree = NULL;
    if (h->started && l7host_qtree_build(&tree, cfg, h->last_ts, stderr) < 0) {
        engine_log(h, LOG_ERR,
                   "reload failed (queue tree), the old policy stays:", h->o.config);
        l7_config_destroy(cfg);
        return 1;
    }
    if (l7_engine_set_ruleset(h->engine, l7_config_ruleset(cfg)) < 0) {
        engine_log(h, LOG_ERR,
                   "reload failed (out of memory), the old policy stays:", h->o.config);
        l7_qtree_destroy(tree);
        l7_config_destroy(cfg);
        return 1;
    }
    if (h->started) {
        l7_config_apply_addrlists(cfg, h->al, h->last_ts, NULL);
        /* Frames queued in the old tree leave now: a reload resets shaping. */
        qtree_drain(h, h->last_ts, 1);
        l7_qtree_destroy(h->qtree);
        h->qtree = tree;
        h->queue_count = l7_qtree_queue_count(tree);
        h->q_clock = h->last_ts;
    }
    l7_config_destroy(h->cfg);
    h->cfg = cfg;
    memset(h->ptr_cache, 0, sizeof(h->ptr_cache));
    memset(h->mark_cache, 0, sizeof(h->mark_cache));
    engine_log(h, LOG_INFO, "reloaded", h->o.config);
    return 0;
}

/* ---- the packet path ------------------------------------------------------- */

static void advance(l7host *h, uint64_t ts)
{
    if (h->qtree)
        qtree_service(h, ts);
    if (h->pend_head < h->pend_len)
        pend_age(h, ts, 0);
    conns_expire(h, ts);
    l7_engine_expire(h->engine, ts, 8);
    h->last_ts = ts;
}

static void count(l7host *h, l7host_conn *c, l7host_action a, int reason_filter,
                  const l7_verdict *v)
{
    if (c)
        c->packets++;
    if (a == L7HOST_PASS) {
        h->accepted++;
        if (c)
            c->accepted++;
    } else if (a == L7HOST_DROP) {
        h->dropped++;
        if (c)
            c->dropped++;
        if (reason_filter) {
            if (v->invalid == L7_INVALID_PACKET)
                h->drop_malformed++;
            else if (v->invalid == L7_INVALID_FRAGMENT)
                h->drop_fragment++;
            else
                h->drop_filter++;
        }
    }
}

l7host_action l7host_frame(l7host *h, uint64_t frame_no, const uint8_t *data,
                           uint32_t caplen, uint32_t wirelen, uint32_t linktype,
                           uint64_t ts)
{
    if (!h->started)
        start(h, ts);
    if (ts < h->last_ts)
        ts = h->last_ts; /* time never goes back: captures sometimes do */
    advance(h, ts);
    h->packets++;
    h->bytes += wirelen;

    l7_packet_meta meta;
    l7_packet_meta_init(&meta);
    meta.cookie = frame_no;
    l7_verdict v;
    memset(&v, 0, sizeof(v));
    v.size = sizeof(v);
    if (l7_engine_process(&v, h->engine, data, caplen, linktype, &meta, ts) < 0 &&
        v.verdict != L7_VERDICT_DROP)
        v.verdict = L7_VERDICT_DROP;
    if (v.invalid == L7_INVALID_PACKET || v.invalid == L7_INVALID_CONNTRACK)
        h->invalid++;
    if (v.verdict == L7_VERDICT_PENDING) {
        pend_add(h, frame_no, ts, data, caplen, wirelen);
        return L7HOST_HELD;
    }
    l7host_action act = v.verdict == L7_VERDICT_ACCEPT ? L7HOST_PASS : L7HOST_DROP;
    l7_conn *ct_conn = v.connection;
    l7host_conn *c = NULL;
    if (ct_conn && v.conn_state != L7_CT_RELATED)
        c = conn_get(h, ct_conn, ts);

    l7host_action mine = L7HOST_DROP;
    int seen_self = 0;
    uint32_t n = v.cookie_count;
    for (uint32_t i = 0; i <= n; i++) {
        uint64_t cookie;
        l7host_pending *p = NULL;
        if (i < n) {
            cookie = v.cookies[i];
            if (cookie == frame_no) {
                if (seen_self)
                    continue;
                seen_self = 1;
            } else if (!(p = pend_find(h, cookie))) {
                continue;
            }
        } else if (!seen_self) {
            cookie = frame_no;
        } else {
            break;
        }
        uint32_t wl = p ? p->wirelen : wirelen;
        uint64_t fts = p ? p->ts : ts;
        l7host_action a = act;
        int by_rules = 1;
        if (a == L7HOST_PASS) {
            a = shape(h, c, v.packet_mark, cookie, wl, ts);
            by_rules = 0;
        }
        count(h, c, a, by_rules, &v);
        if (p) {
            if (h->release && a != L7HOST_HELD)
                h->release(cookie, a, fts, p->data, p->caplen, p->wirelen,
                           h->release_user);
            pend_done(h, p);
        } else {
            mine = a;
        }
    }
    if (c)
        conn_update(h, c, ct_conn, &v, ts);
    return mine;
}

static int cmp_live(const void *a, const void *b)
{
    const l7host_conn *x = *(const l7host_conn *const *)a;
    const l7host_conn *y = *(const l7host_conn *const *)b;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    return x < y ? -1 : x > y;
}

void l7host_finish(l7host *h)
{
    if (h->qtree)
        qtree_drain(h, h->last_ts, 0);
    pend_age(h, h->last_ts, 1);
    /* Connections that ended in packet time before the end go first. */
    conns_expire(h, h->last_ts);
    size_t n = 0;
    l7host_conn **live = malloc(((size_t)h->conn_used + 1) * sizeof(*live));
    if (!live)
        oom();
    for (uint32_t i = 0; i < h->conn_used; i++)
        if (h->conns[i].live)
            live[n++] = &h->conns[i];
    qsort(live, n, sizeof(*live), cmp_live);
    for (size_t i = 0; i < n; i++) {
        live[i]->queued = 0;
        conn_end(h, live[i]);
    }
    free(live);
    if (h->o.json)
        l7host_emit_final(h);
    else
        l7host_print_summary(h, h->out);
    fflush(h->out);
}
