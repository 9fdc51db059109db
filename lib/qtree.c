/*
 * Queue tree run time: token buckets, classification, enqueue, the HTB
 * dequeue (routeros-spec.md §7.3, §7.4), statistics and rate changes.
 *
 * The choice of the next packet lives in qtree_sched.c (and, for tests,
 * the original scan in qtree_ref.c).
 */
#include "qtree_internal.h"

#include <string.h>

/* ---- buckets ------------------------------------------------------------- */

static int64_t cap_for(uint64_t rate, uint32_t milli)
{
    const int64_t min = (int64_t)QT_MTU * QT_NB_PER_BYTE;
    uint64_t per = (uint64_t)milli * 1000000u; /* nanobits per bit/s */
    if (rate == 0 || per == 0)
        return min;
    if (rate > (uint64_t)QT_MAX_CAP / per)
        return QT_MAX_CAP;
    int64_t c = (int64_t)(rate * per);
    return c < min ? min : c;
}

static void bucket_set(qt_bucket *b, uint64_t rate, int64_t cap)
{
    b->rate = rate;
    b->cap = cap;
    if (b->tok > cap)
        b->tok = cap;
    if (b->tok < -cap - QT_MAX_PKT_NB)
        b->tok = -cap - QT_MAX_PKT_NB;
    /* Beyond fill_ns the bucket is full whatever its debt; below it
     * rate * dt cannot overflow. */
    b->fill_ns = rate ? (uint64_t)(2 * cap + QT_MAX_PKT_NB) / rate + 1 : UINT64_MAX;
}

static inline void bucket_fill(qt_bucket *b, uint64_t dt)
{
    if (!b->rate)
        return;
    if (dt >= b->fill_ns) {
        b->tok = b->cap;
    } else {
        int64_t tok = b->tok + (int64_t)(b->rate * dt);
        b->tok = tok > b->cap ? b->cap : tok;
    }
}

/* Debt is bounded so that an ancestor overrun by its children's guarantees
 * recovers within one bucket's time once they slow down. */
static inline void bucket_charge(qt_bucket *b, int64_t cost)
{
    b->tok -= cost;
    if (b->tok < -b->cap - cost)
        b->tok = -b->cap - cost;
}

/* A bucket lets a packet through while it is not in debt; the packet may
 * then take it into debt (as Linux HTB does). Asking for "enough tokens for
 * the head packet" instead would let small packets starve big ones that
 * share a parent: the parent would always be ready for the small one first. */
static inline int bucket_ok(const qt_bucket *b)
{
    return b->tok >= 0;
}

static uint64_t bucket_ready(const qt_bucket *b, uint64_t now)
{
    if (!b->rate)
        return UINT64_MAX;
    if (b->tok >= 0)
        return now;
    return now + ((uint64_t)-b->tok + b->rate - 1) / b->rate;
}

/* ---- burst --------------------------------------------------------------- */

static void mul64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    uint64_t a0 = a & 0xffffffffu, a1 = a >> 32, b0 = b & 0xffffffffu, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
    *lo = (mid << 32) | (p00 & 0xffffffffu);
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/* average < threshold, i.e. sum_bits / burst_time < threshold, exactly. */
static int burst_below(uint64_t sum_bits, uint64_t threshold, uint64_t burst_time_ns)
{
    uint64_t ah, al, bh, bl;
    mul64(sum_bits, L7_NSEC_PER_SEC, &ah, &al);
    mul64(threshold, burst_time_ns, &bh, &bl);
    return ah < bh || (ah == bh && al < bl);
}

static inline void node_fill_to(qt_node *n, uint64_t now)
{
    if (now > n->t) {
        uint64_t dt = now - n->t;
        bucket_fill(&n->cir, dt);
        bucket_fill(&n->mir, dt);
        n->t = now;
    }
}

static void burst_set_rate(qt_node *n)
{
    uint64_t rate = n->burst->allowed ? n->props.burst_limit : n->props.max_limit;
    bucket_set(&n->mir, rate, n->mir.cap);
}

/* Close every slot that ended by `now`, re-deciding the burst at each
 * boundary; tokens are filled at the old rate up to the boundary. */
static L7_NOINLINE void burst_roll(qt_node *n, uint64_t now)
{
    qt_burst *b = n->burst;
    for (uint32_t rolls = 0; now >= b->slot_end; rolls++) {
        node_fill_to(n, b->slot_end);
        if (rolls >= 16) { /* idle for a whole window: every slot is empty */
            memset(b->slots, 0, sizeof(b->slots));
            b->sum = b->acc = 0;
            b->allowed = 1;
            b->slot_end = b->origin + ((now - b->origin) / b->slot_ns + 1) * b->slot_ns;
            burst_set_rate(n);
            break;
        }
        b->sum -= b->slots[b->pos];
        b->slots[b->pos] = b->acc;
        b->sum += b->acc;
        b->acc = 0;
        b->pos = (b->pos + 1) & 15u;
        b->allowed = (uint32_t)burst_below(b->sum, n->props.burst_threshold,
                                           n->props.burst_time);
        b->slot_end += b->slot_ns;
        burst_set_rate(n);
    }
}

void qt_node_fill(qt_node *n, uint64_t now)
{
    if (L7_UNLIKELY(n->burst != NULL) && now >= n->burst->slot_end)
        burst_roll(n, now);
    node_fill_to(n, now);
}

int qt_node_apply_rates(const l7_alloc *a, qt_node *n, const l7_qtree_props *p,
                        uint64_t now, uint64_t created)
{
    n->props.priority = p->priority;
    n->props.limit_at = p->limit_at;
    n->props.max_limit = p->max_limit;
    n->props.burst_limit = p->burst_limit;
    n->props.burst_threshold = p->burst_threshold;
    n->props.burst_time = p->burst_time;
    n->props.bucket_size_milli = p->bucket_size_milli;
    n->prio = (uint8_t)((p->max_limit ? p->priority : 8) - 1);
    n->cir_is_mir = n->depth == 1 && p->limit_at == 0;
    int burst_on = p->burst_limit && p->burst_threshold && p->burst_time &&
                   p->max_limit && p->burst_limit > p->max_limit;
    if (burst_on) {
        uint64_t slot_ns = p->burst_time / 16;
        if (!n->burst || n->burst->slot_ns != slot_ns) {
            if (!n->burst) {
                n->burst = l7_calloc(a, 1, sizeof(*n->burst));
                if (!n->burst)
                    return L7_ENOMEM;
            }
            memset(n->burst, 0, sizeof(*n->burst));
            n->burst->origin = created;
            n->burst->slot_ns = slot_ns;
            n->burst->slot_end = created + ((now - created) / slot_ns + 1) * slot_ns;
            n->burst->allowed = 1;
        } else {
            n->burst->allowed =
                (uint32_t)burst_below(n->burst->sum, p->burst_threshold, p->burst_time);
        }
    } else if (n->burst) {
        l7_free(a, n->burst);
        n->burst = NULL;
    }
    n->mir_unlim = p->max_limit == 0;
    uint64_t mrate = n->burst && n->burst->allowed ? p->burst_limit : p->max_limit;
    bucket_set(&n->mir, mrate, cap_for(p->max_limit, p->bucket_size_milli));
    bucket_set(&n->cir, p->limit_at, cap_for(p->limit_at, p->bucket_size_milli));
    return L7_OK;
}

/* ---- modes --------------------------------------------------------------- */

uint64_t qt_mir_ready(const qt_node *n, uint64_t now)
{
    uint64_t r = bucket_ready(&n->mir, now);
    if (n->burst && n->burst->slot_end < r) /* the rate may rise then */
        r = n->burst->slot_end;
    return r;
}

uint64_t qt_cir_ready(const qt_node *n, uint64_t now)
{
    return n->cir_is_mir ? qt_mir_ready(n, now) : bucket_ready(&n->cir, now);
}

/* ---- active lists -------------------------------------------------------- */

static void act_add(l7_qtree *t, qt_root *r, uint32_t i)
{
    qt_node *n = &t->nodes[i];
    if (r->act_head == QT_NONE) {
        n->act_prev = n->act_next = i;
        r->act_head = i;
    } else {
        uint32_t head = r->act_head, tail = t->nodes[head].act_prev;
        n->act_prev = tail;
        n->act_next = head;
        t->nodes[tail].act_next = i;
        t->nodes[head].act_prev = i;
    }
    n->active = 1;
    n->deficit[0] = n->deficit[1] = 0;
    n->act_pos = r->nactive;
    r->act_ids[r->nactive++] = i;
}

static void act_remove(l7_qtree *t, qt_root *r, uint32_t i)
{
    qt_node *n = &t->nodes[i];
    uint32_t prev = n->act_prev, next = n->act_next;
    if (next == i) {
        r->act_head = QT_NONE;
        prev = QT_NONE;
    } else {
        t->nodes[prev].act_next = next;
        t->nodes[next].act_prev = prev;
        if (r->act_head == i)
            r->act_head = next;
    }
    for (uint32_t p = 0; p < QT_PRIOS; p++) {
        if (r->cursor[0][p] == i)
            r->cursor[0][p] = prev;
        if (r->cursor[1][p] == i)
            r->cursor[1][p] = prev;
    }
    n->act_prev = n->act_next = QT_NONE;
    n->active = 0;
    n->deficit[0] = n->deficit[1] = 0;
    uint32_t last = r->act_ids[--r->nactive];
    r->act_ids[n->act_pos] = last;
    t->nodes[last].act_pos = n->act_pos;
}

/* ---- statistics ---------------------------------------------------------- */

static inline void window_roll(qt_node *n, uint64_t w)
{
    if (w == n->win)
        return;
    if (w == n->win + 1) {
        n->last_bytes = n->win_bytes;
        n->last_pkts = n->win_pkts;
    } else {
        n->last_bytes = n->last_pkts = 0;
    }
    n->win_bytes = n->win_pkts = 0;
    n->win = w;
}

/* Pop the head of leaf i and charge it: MIR of every queue up to the root,
 * CIR from the lender (depth lender_depth) up. */
void qt_leaf_send(l7_qtree *t, uint32_t i, uint32_t lender_depth, int charge,
                  uint64_t now, l7_qtree_packet *out)
{
    qt_node *n = &t->nodes[i];
    qt_pkt pkt = n->ring[n->head];
    n->head = n->head + 1 == n->rcap ? 0 : n->head + 1;
    n->count--;
    n->qbytes -= pkt.len;
    if (charge)
        n->deficit[lender_depth != n->depth] -= pkt.len;
    int64_t cost = (int64_t)pkt.len * QT_NB_PER_BYTE;
    uint64_t w = (now - t->created) / L7_NSEC_PER_SEC;
    for (uint32_t k = i; k != QT_NONE; k = t->nodes[k].parent) {
        qt_node *a = &t->nodes[k];
        if (charge) {
            qt_node_fill(a, now);
            if (!a->mir_unlim)
                bucket_charge(&a->mir, cost);
            if (a->depth <= lender_depth && !a->cir_is_mir && a->cir.rate)
                bucket_charge(&a->cir, cost);
            if (a->burst)
                a->burst->acc += (uint64_t)pkt.len * 8;
        }
        a->packets++;
        a->bytes += pkt.len;
        a->queued_pkts--;
        a->queued_bytes -= pkt.len;
        window_roll(a, w);
        a->win_bytes += pkt.len;
        a->win_pkts++;
    }
    if (!t->reference)
        qt_sched_sent(t, i, now);
    if (n->count == 0)
        act_remove(t, &t->roots[n->root], i);
    out->status = L7_QTREE_SEND;
    out->queue = i;
    out->handle = pkt.handle;
    out->length = pkt.len;
    out->reserved = 0;
    out->next = UINT64_MAX;
}

/* ---- public run-time calls ----------------------------------------------- */

uint32_t l7_qtree_queue_count(const l7_qtree *tree)
{
    return tree ? tree->n : 0;
}

static const char *tree_name_of(const void *ctx, uint32_t i)
{
    return ((const l7_qtree *)ctx)->nodes[i].name;
}

static const char *mark_name_of(const void *ctx, uint32_t i)
{
    return ((const l7_qtree *)ctx)->mark_names[i];
}

int l7_qtree_queue_lookup(uint32_t *out, const l7_qtree *tree, const char *name)
{
    if (!out || !tree || !name)
        return L7_EINVAL;
    uint32_t i = qt_strmap_find(&tree->names, name, tree_name_of, tree);
    if (i == QT_NONE)
        return L7_ENOTFOUND;
    *out = i;
    return L7_OK;
}

const char *l7_qtree_queue_name(const l7_qtree *tree, uint32_t queue)
{
    return tree && queue < tree->n ? tree->nodes[queue].name : NULL;
}

int l7_qtree_root_lookup(uint32_t *out, const l7_qtree *tree, const char *name)
{
    if (!out || !tree || !name)
        return L7_EINVAL;
    for (uint32_t r = 0; r < tree->nroots; r++) {
        if (strcmp(tree->roots[r].name, name) == 0) {
            *out = r;
            return L7_OK;
        }
    }
    return L7_ENOTFOUND;
}

int l7_qtree_mark_lookup(uint32_t *out, const l7_qtree *tree, const char *name)
{
    if (!out || !tree || !name)
        return L7_EINVAL;
    if (strcmp(name, "no-mark") == 0) {
        *out = L7_QTREE_NO_MARK;
        return L7_OK;
    }
    uint32_t i = qt_strmap_find(&tree->marks_by_name, name, mark_name_of, tree);
    if (i == QT_NONE)
        return L7_ENOTFOUND;
    *out = tree->mark_ids[i];
    return L7_OK;
}

static uint32_t classify(const qt_root *r, uint32_t mark)
{
    uint32_t lo = 0, hi = r->nmarks;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (r->marks[mid].mark < mark)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->nmarks && r->marks[lo].mark == mark ? r->marks[lo].leaf : QT_NONE;
}

int l7_qtree_classify(uint32_t *out, const l7_qtree *tree, uint32_t root, uint32_t mark)
{
    if (!out || !tree || root >= tree->nroots)
        return L7_EINVAL;
    uint32_t leaf = classify(&tree->roots[root], mark);
    if (leaf == QT_NONE)
        return L7_ENOTFOUND;
    *out = leaf;
    return L7_OK;
}

static L7_NOINLINE int ring_grow(const l7_alloc *a, qt_node *n)
{
    uint32_t cap = n->rcap ? n->rcap * 2 : 16;
    if (cap > n->limit) /* a bfifo holds at most `limit` one-byte packets */
        cap = n->limit;
    if (cap <= n->rcap)
        return L7_ELIMIT;
    qt_pkt *ring = l7_malloc(a, (size_t)cap * sizeof(*ring));
    if (!ring)
        return L7_ENOMEM;
    for (uint32_t k = 0; k < n->count; k++)
        ring[k] = n->ring[(n->head + k) % n->rcap];
    l7_free(a, n->ring);
    n->ring = ring;
    n->rcap = cap;
    n->head = 0;
    return L7_OK;
}

static void count_drop(l7_qtree *t, uint32_t i)
{
    for (uint32_t k = i; k != QT_NONE; k = t->nodes[k].parent)
        t->nodes[k].dropped++;
}

int l7_qtree_enqueue(l7_qtree_verdict *out, uint32_t *out_queue, l7_qtree *tree,
                     uint32_t root, uint32_t mark, uint64_t handle, uint32_t length,
                     uint64_t now)
{
    if (out_queue)
        *out_queue = UINT32_MAX;
    if (!out || !tree || root >= tree->nroots || length == 0 ||
        length > L7_QTREE_MAX_PACKET)
        return L7_EINVAL;
    if (now < tree->last_now)
        now = tree->last_now;
    tree->last_now = now;
    uint32_t i = classify(&tree->roots[root], mark);
    if (i == QT_NONE) {
        *out = L7_QTREE_NOT_SHAPED;
        return L7_OK;
    }
    if (out_queue)
        *out_queue = i;
    qt_node *n = &tree->nodes[i];
    int full = n->kind == L7_QTREE_PFIFO ? n->count >= n->limit
                                         : n->qbytes + length > n->limit;
    if (full) {
        count_drop(tree, i);
        *out = L7_QTREE_DROPPED_FULL;
        return L7_OK;
    }
    if (L7_UNLIKELY(n->count == n->rcap)) {
        int rc = ring_grow(&tree->alloc, n);
        if (rc < 0) {
            count_drop(tree, i);
            *out = L7_QTREE_DROPPED_FULL;
            return rc == L7_ENOMEM ? L7_ENOMEM : L7_EINTERNAL;
        }
    }
    uint32_t tail = n->head + n->count;
    if (tail >= n->rcap)
        tail -= n->rcap;
    n->ring[tail] = (qt_pkt){handle, length, 0};
    n->count++;
    n->qbytes += length;
    for (uint32_t k = i; k != QT_NONE; k = tree->nodes[k].parent) {
        tree->nodes[k].queued_pkts++;
        tree->nodes[k].queued_bytes += length;
    }
    if (!n->active) {
        act_add(tree, &tree->roots[root], i);
        if (!tree->reference)
            qt_sched_leaf_on(tree, i, now);
    }
    *out = L7_QTREE_QUEUED;
    return L7_OK;
}

void qt_set_idle(l7_qtree_packet *out, uint32_t status, uint64_t next)
{
    memset(out, 0, sizeof(*out));
    out->status = status;
    out->queue = UINT32_MAX;
    out->next = next;
}

int l7_qtree_dequeue(l7_qtree_packet *out, l7_qtree *tree, uint32_t root, uint64_t now)
{
    if (!out || !tree || root >= tree->nroots)
        return L7_EINVAL;
    if (now < tree->last_now)
        now = tree->last_now;
    tree->last_now = now;
    qt_root *r = &tree->roots[root];
    if (r->act_head == QT_NONE) {
        qt_set_idle(out, L7_QTREE_EMPTY, UINT64_MAX);
        return L7_OK;
    }
    if (tree->reference)
        return qt_ref_dequeue(out, tree, r, now);
    return qt_sched_dequeue(out, tree, r, now);
}

int l7_qtree_flush(l7_qtree_packet *out, l7_qtree *tree, uint32_t root, uint64_t now)
{
    if (!out || !tree || root >= tree->nroots)
        return L7_EINVAL;
    if (now < tree->last_now)
        now = tree->last_now;
    tree->last_now = now;
    qt_root *r = &tree->roots[root];
    if (r->act_head == QT_NONE) {
        qt_set_idle(out, L7_QTREE_EMPTY, UINT64_MAX);
        return L7_OK;
    }
    qt_leaf_send(tree, r->act_head, 0, 0, now, out);
    return L7_OK;
}

int l7_qtree_stats_get(l7_qtree_stats *out, const l7_qtree *tree, uint32_t queue,
                       uint64_t now)
{
    if (!out || !tree || queue >= tree->n || out->size < 2 * sizeof(uint32_t))
        return L7_EINVAL;
    const qt_node *n = &tree->nodes[queue];
    l7_qtree_stats s;
    memset(&s, 0, sizeof(s));
    s.size = out->size;
    s.is_leaf = n->is_leaf;
    s.packets = n->packets;
    s.bytes = n->bytes;
    s.dropped = n->dropped;
    s.queued_packets = n->queued_pkts;
    s.queued_bytes = n->queued_bytes;
    uint64_t w = now > tree->created ? (now - tree->created) / L7_NSEC_PER_SEC : 0;
    if (w == n->win) {
        s.rate = n->last_bytes * 8;
        s.packet_rate = n->last_pkts;
    } else if (w == n->win + 1) {
        s.rate = n->win_bytes * 8;
        s.packet_rate = n->win_pkts;
    }
    memcpy(out, &s, out->size < sizeof(s) ? out->size : sizeof(s));
    return L7_OK;
}

int l7_qtree_set_rates(l7_qtree *tree, uint32_t queue, const l7_qtree_props *props,
                       uint64_t now)
{
    if (!tree || queue >= tree->n || !props ||
        props->size < offsetof(l7_qtree_props, bucket_size_milli) + sizeof(uint32_t))
        return L7_EINVAL;
    l7_qtree_props p;
    l7_qtree_props_init(&p);
    memcpy(&p, props, props->size < sizeof(p) ? props->size : sizeof(p));
    if (qt_props_problem(&p))
        return L7_ERANGE;
    if (now < tree->last_now)
        now = tree->last_now;
    tree->last_now = now;
    qt_node *n = &tree->nodes[queue];
    qt_node_fill(n, now);
    if (!tree->reference)
        qt_sched_rates_before(tree, queue);
    int rc = qt_node_apply_rates(&tree->alloc, n, &p, now, tree->created);
    if (tree->reference)
        qt_ref_rates_changed(tree, &tree->roots[n->root]);
    else
        qt_sched_rates_after(tree, queue, now);
    return rc;
}
