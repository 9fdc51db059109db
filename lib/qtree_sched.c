/*
 * The queue tree's scheduler: which leaf sends next (routeros-spec.md
 * §7.3), in O(depth) per packet instead of a scan of every backlogged leaf.
 *
 * It gives exactly the choices of the original flat scan (qtree_ref.c,
 * checked packet by packet by the differential test): every leaf holding
 * packets is green (sends on its own CIR), borrowing from the green
 * ancestor at depth d (the deepest lender first; the root lends without
 * limit) or blocked; the best (level, priority) class is served by deficit
 * round robin in activation order.
 *
 * Instead of evaluating every leaf at each dequeue, each queue that holds
 * packets keeps its mode (red: MIR in debt; green: neither bucket in debt;
 * yellow: only the CIR in debt) and the next time that mode can change by
 * itself, in a min-heap. A mode changes only then, when the queue is
 * charged (a send below it) or when its rates change; each change updates,
 * in O(depth x priorities):
 *  - per priority, a bitset over activation positions of green leaves and
 *    one of yellow leaves;
 *  - cnt[p] of each inner queue: active yellow leaves of priority p below it
 *    whose path up to it is all yellow (those that would borrow from it);
 *  - borrow[d][p] of the root: the sum of cnt[p] over green queues at depth
 *    d, i.e. how many leaves borrow from depth d right now.
 * The best class comes from the counters; the round robin walks that
 * class's bitset from its cursor. A borrowing class walks the yellow leaves
 * of its priority and skips those that borrow from another depth or are
 * blocked by a red ancestor. A leaf found blocked by its own parent is
 * parked on the parent until the parent stops being red, so it is stepped
 * over once per red spell of its parent, not at every dequeue. Leaves
 * blocked higher up, or borrowing from another depth, are stepped over at
 * every walk: the part whose cost still grows with the number of leaves.
 */
#include "qtree_internal.h"

#include <string.h>

#define BITS_NONE UINT32_MAX

/* ---- bitsets ------------------------------------------------------------- */

static void bits_set(qt_bits *b, uint32_t i)
{
    for (uint32_t lv = 0; lv < QT_BITS_LV; lv++, i >>= 6) {
        uint64_t *w = &b->w[lv][i >> 6];
        uint64_t was = *w;
        *w = was | 1ull << (i & 63);
        if (was)
            return;
    }
}

static void bits_clear(qt_bits *b, uint32_t i)
{
    for (uint32_t lv = 0; lv < QT_BITS_LV; lv++, i >>= 6) {
        uint64_t *w = &b->w[lv][i >> 6];
        *w &= ~(1ull << (i & 63));
        if (*w)
            return;
    }
}

static inline int bits_test(const qt_bits *b, uint32_t i)
{
    return (int)(b->w[0][i >> 6] >> (i & 63) & 1);
}

/* The smallest set position >= i, or BITS_NONE. */
static uint32_t bits_find(const qt_bits *b, uint32_t i)
{
    uint32_t lv = 0, r;
    for (;;) {
        uint32_t w = i >> 6;
        if (w >= b->nw[lv])
            return BITS_NONE;
        uint64_t m = b->w[lv][w] & (~0ull << (i & 63));
        if (m) {
            r = w << 6 | (uint32_t)__builtin_ctzll(m);
            break;
        }
        if (lv + 1 == QT_BITS_LV) {
            while (++w < b->nw[lv] && !b->w[lv][w])
                ;
            if (w >= b->nw[lv])
                return BITS_NONE;
            r = w << 6 | (uint32_t)__builtin_ctzll(b->w[lv][w]);
            break;
        }
        i = w + 1;
        lv++;
    }
    while (lv > 0) {
        lv--;
        r = r << 6 | (uint32_t)__builtin_ctzll(b->w[lv][r]);
    }
    return r;
}

/* ---- event heap ---------------------------------------------------------- */

/* Event times live in the heap itself: sifting reads no queue. */
static inline void heap_place(qt_root *r, uint32_t *hp, uint32_t pos, qt_event e)
{
    r->heap[pos] = e;
    hp[e.node] = pos;
}

static void heap_up(qt_root *r, uint32_t *hp, uint32_t pos)
{
    qt_event e = r->heap[pos];
    while (pos > 0) {
        uint32_t up = (pos - 1) / 2;
        if (r->heap[up].at <= e.at)
            break;
        heap_place(r, hp, pos, r->heap[up]);
        pos = up;
    }
    heap_place(r, hp, pos, e);
}

static void heap_down(qt_root *r, uint32_t *hp, uint32_t pos)
{
    qt_event e = r->heap[pos];
    for (;;) {
        uint32_t c = 2 * pos + 1;
        if (c >= r->nheap)
            break;
        if (c + 1 < r->nheap && r->heap[c + 1].at < r->heap[c].at)
            c++;
        if (r->heap[c].at >= e.at)
            break;
        heap_place(r, hp, pos, r->heap[c]);
        pos = c;
    }
    heap_place(r, hp, pos, e);
}

/* Queue x's next mode change is at `at` (UINT64_MAX: none by itself). */
static void heap_set(qt_root *r, uint32_t *hp, uint32_t x, uint64_t at)
{
    if (at == UINT64_MAX) {
        if (hp[x] == QT_NONE)
            return;
        uint32_t pos = hp[x];
        qt_event last = r->heap[--r->nheap];
        hp[x] = QT_NONE;
        if (last.node != x) {
            heap_place(r, hp, pos, last);
            heap_up(r, hp, pos);
            heap_down(r, hp, hp[last.node]);
        }
        return;
    }
    if (hp[x] == QT_NONE) {
        heap_place(r, hp, r->nheap++, (qt_event){at, x, 0});
        heap_up(r, hp, hp[x]);
        return;
    }
    uint64_t old = r->heap[hp[x]].at;
    r->heap[hp[x]].at = at;
    if (at < old)
        heap_up(r, hp, hp[x]);
    else if (at > old)
        heap_down(r, hp, hp[x]);
}

/* ---- modes and counters -------------------------------------------------- */

static inline uint8_t mode_of(const qt_node *n)
{
    return !qt_mir_ok(n) ? QT_RED : qt_cir_ok(n) ? QT_GREEN : QT_YELLOW;
}

/* The earliest time the cached mode can change without a charge. */
static uint64_t event_of(const qt_node *n, uint64_t now)
{
    if (n->mode == QT_RED)
        return qt_mir_ready(n, now);
    if (n->mode == QT_YELLOW)
        return qt_cir_ready(n, now); /* UINT64_MAX without a CIR */
    return UINT64_MAX;
}

/* `delta` (modulo 2^32) more leaves borrow from depth d at priority p. */
static inline void borrow_add(qt_root *r, uint32_t d, uint32_t p, uint32_t delta)
{
    uint32_t c = r->borrow[d][p] += delta, sum = r->borrow_sum[d] += delta;
    r->borrow_prios[d] = (uint8_t)((r->borrow_prios[d] & ~(1u << p)) | (c != 0) << p);
    r->borrow_depths = (r->borrow_depths & ~(1u << d)) | (uint32_t)(sum != 0) << d;
}

/* `delta` (modulo 2^32) yellow leaves of priority p join (leave) the
 * queues from `a` up, as far as the first queue that is not yellow. */
static void propagate(qt_root *r, qt_node *nodes, uint32_t a, uint32_t p,
                      uint32_t delta)
{
    for (; a != QT_NONE; a = nodes[a].parent) {
        qt_node *n = &nodes[a];
        n->cnt[p] += delta;
        if (n->mode == QT_GREEN) {
            borrow_add(r, n->depth, p, delta);
            return;
        }
        if (n->mode == QT_RED)
            return;
    }
    borrow_add(r, 0, p, delta);
}

/* ---- parking ------------------------------------------------------------- */

/* Yellow leaf x, met by a round robin walk while its parent is red, leaves
 * the yellow bitset so that later walks do not step over it again. */
static void park(l7_qtree *t, qt_root *r, uint32_t x)
{
    qt_node *nodes = t->nodes, *n = &nodes[x], *p = &nodes[n->parent];
    bits_clear(&r->yellow[n->prio], n->pos);
    n->parked = 1;
    n->park_prev = QT_NONE;
    n->park_next = p->park_head;
    if (p->park_head != QT_NONE)
        nodes[p->park_head].park_prev = x;
    p->park_head = x;
}

static void unpark(l7_qtree *t, uint32_t x)
{
    qt_node *nodes = t->nodes, *n = &nodes[x];
    if (n->park_prev != QT_NONE)
        nodes[n->park_prev].park_next = n->park_next;
    else
        nodes[n->parent].park_head = n->park_next;
    if (n->park_next != QT_NONE)
        nodes[n->park_next].park_prev = n->park_prev;
    n->parked = 0;
}

/* Inner queue x stopped being red: its parked children may borrow again.
 * Each was parked by a walk that stepped over it, which pays for this. */
static void unpark_all(l7_qtree *t, qt_root *r, uint32_t x)
{
    qt_node *nodes = t->nodes;
    for (uint32_t c = nodes[x].park_head; c != QT_NONE; c = nodes[c].park_next) {
        nodes[c].parked = 0;
        bits_set(&r->yellow[nodes[c].prio], nodes[c].pos);
    }
    nodes[x].park_head = QT_NONE;
}

/* Add (or remove) what active queue x contributes in its cached mode. */
static void contrib(l7_qtree *t, qt_root *r, uint32_t x, int add)
{
    qt_node *nodes = t->nodes, *n = &nodes[x];
    if (n->is_leaf) {
        if (n->mode == QT_GREEN) {
            if (add) {
                bits_set(&r->green[n->prio], n->pos);
                r->ngreen[n->prio]++;
                r->green_prios |= 1u << n->prio;
            } else {
                bits_clear(&r->green[n->prio], n->pos);
                if (--r->ngreen[n->prio] == 0)
                    r->green_prios &= ~(1u << n->prio);
            }
        } else if (n->mode == QT_YELLOW) {
            if (add)
                bits_set(&r->yellow[n->prio], n->pos);
            else if (n->parked)
                unpark(t, x);
            else
                bits_clear(&r->yellow[n->prio], n->pos);
            propagate(r, nodes, n->parent, n->prio, add ? 1u : UINT32_MAX);
        }
        return;
    }
    if (n->mode == QT_RED)
        return;
    for (uint32_t p = 0; p < QT_PRIOS; p++) {
        uint32_t c = n->cnt[p];
        if (!c)
            continue;
        uint32_t d = add ? c : 0u - c;
        if (n->mode == QT_GREEN) {
            borrow_add(r, n->depth, p, d);
        } else {
            propagate(r, nodes, n->parent, p, d);
        }
    }
}

/* Bring active queue x's mode and next event up to date at `now`. */
static void refresh(l7_qtree *t, qt_root *r, uint32_t x, uint64_t now)
{
    qt_node *n = &t->nodes[x];
    qt_node_fill(n, now);
    uint8_t m = mode_of(n);
    if (m != n->mode) {
        contrib(t, r, x, 0);
        if (n->mode == QT_RED && !n->is_leaf)
            unpark_all(t, r, x);
        n->mode = m;
        contrib(t, r, x, 1);
    }
    heap_set(r, t->heap_pos, x, event_of(n, now));
}

/* Depth of the ancestor yellow leaf x borrows from, QT_NONE if blocked. */
static uint32_t lender_of(const qt_node *nodes, uint32_t x)
{
    for (uint32_t a = nodes[x].parent; a != QT_NONE; a = nodes[a].parent) {
        if (nodes[a].mode == QT_GREEN)
            return nodes[a].depth;
        if (nodes[a].mode == QT_RED)
            return QT_NONE;
    }
    return 0;
}

/* ---- activation ---------------------------------------------------------- */

/* Renumber the active leaves 0, 1, ... in list order and rebuild the
 * bitsets (leaf `skip` is not attached yet). */
static L7_NOINLINE void compact(l7_qtree *t, qt_root *r, uint32_t skip)
{
    memset(r->bitwords, 0, (size_t)r->nbitwords * sizeof(uint64_t));
    uint32_t k = 0, x = r->act_head;
    do {
        qt_node *n = &t->nodes[x];
        n->pos = k;
        r->pos_leaf[k++] = x;
        if (x != skip && n->mode == QT_GREEN)
            bits_set(&r->green[n->prio], n->pos);
        else if (x != skip && n->mode == QT_YELLOW && !n->parked)
            bits_set(&r->yellow[n->prio], n->pos);
        x = n->act_next;
    } while (x != r->act_head);
    r->pos_next = k;
}

void qt_sched_leaf_on(l7_qtree *t, uint32_t i, uint64_t now)
{
    qt_node *nodes = t->nodes, *n = &nodes[i];
    qt_root *r = &t->roots[n->root];
    /* Queues that just got their first packet: no leaf counts on them yet. */
    for (uint32_t k = n->parent; k != QT_NONE && nodes[k].queued_pkts == 1;
         k = nodes[k].parent) {
        qt_node_fill(&nodes[k], now);
        nodes[k].mode = mode_of(&nodes[k]);
        heap_set(r, t->heap_pos, k, event_of(&nodes[k], now));
    }
    if (r->pos_next == r->pos_cap)
        compact(t, r, i);
    else {
        n->pos = r->pos_next++;
        r->pos_leaf[n->pos] = i;
    }
    qt_node_fill(n, now);
    n->mode = mode_of(n);
    contrib(t, r, i, 1);
    heap_set(r, t->heap_pos, i, event_of(n, now));
}

void qt_sched_sent(l7_qtree *t, uint32_t i, uint64_t now)
{
    qt_node *nodes = t->nodes, *n = &nodes[i];
    qt_root *r = &t->roots[n->root];
    if (n->count == 0) {
        contrib(t, r, i, 0);
        heap_set(r, t->heap_pos, i, UINT64_MAX);
    } else {
        refresh(t, r, i, now);
    }
    for (uint32_t k = n->parent; k != QT_NONE; k = nodes[k].parent) {
        if (nodes[k].queued_pkts == 0) /* idle: its counters are all 0 */
            heap_set(r, t->heap_pos, k, UINT64_MAX);
        else
            refresh(t, r, k, now);
    }
}

void qt_sched_rates_before(l7_qtree *t, uint32_t q)
{
    qt_node *n = &t->nodes[q];
    if (n->queued_pkts)
        contrib(t, &t->roots[n->root], q, 0);
}

void qt_sched_rates_after(l7_qtree *t, uint32_t q, uint64_t now)
{
    qt_node *n = &t->nodes[q];
    if (!n->queued_pkts)
        return;
    qt_root *r = &t->roots[n->root];
    qt_node_fill(n, now);
    uint8_t old = n->mode;
    n->mode = mode_of(n);
    if (old == QT_RED && n->mode != QT_RED && !n->is_leaf)
        unpark_all(t, r, q);
    contrib(t, r, q, 1);
    heap_set(r, t->heap_pos, q, event_of(n, now));
}

/* ---- dequeue ------------------------------------------------------------- */

int qt_sched_dequeue(l7_qtree_packet *out, l7_qtree *t, qt_root *r, uint64_t now)
{
    qt_node *nodes = t->nodes;
    while (r->nheap && r->heap[0].at <= now)
        refresh(t, r, r->heap[0].node, now);
    /* The best class: green leaves, then borrowers of the deepest lender;
     * the best priority inside. */
    uint32_t cls = 0, prio, lender = 0;
    if (r->green_prios) {
        prio = (uint32_t)__builtin_ctz(r->green_prios);
    } else if (r->borrow_depths) {
        cls = 1;
        lender = 31u - (uint32_t)__builtin_clz(r->borrow_depths);
        prio = (uint32_t)__builtin_ctz(r->borrow_prios[lender]);
    } else {
        qt_set_idle(out, L7_QTREE_WAIT, r->nheap ? r->heap[0].at : UINT64_MAX);
        return L7_OK;
    }
    /* Deficit round robin in activation order, separate credit for sending
     * on one's own CIR and for borrowing: the last leaf served keeps going
     * while it has credit, then the next one gets a quantum. */
    const qt_bits *b = cls ? &r->yellow[prio] : &r->green[prio];
    uint32_t pick = r->cursor[cls][prio];
    if (pick == QT_NONE || !bits_test(b, nodes[pick].pos) ||
        (cls && lender_of(nodes, pick) != lender) || nodes[pick].deficit[cls] <= 0) {
        uint32_t from = pick == QT_NONE ? 0 : nodes[pick].pos + 1, wraps = 0;
        for (;;) {
            uint32_t pos = bits_find(b, from);
            if (pos == BITS_NONE) {
                pos = bits_find(b, 0);
                /* The counters promised a candidate: never loop forever. */
                if (pos == BITS_NONE || ++wraps > 2 + L7_QTREE_MAX_PACKET / QT_MTU)
                    return L7_EINTERNAL;
            }
            uint32_t x = r->pos_leaf[pos];
            uint32_t l = cls ? lender_of(nodes, x) : lender;
            if (l == lender) {
                nodes[x].deficit[cls] += QT_MTU;
                if (nodes[x].deficit[cls] > 0) {
                    pick = x;
                    break;
                }
            } else if (l == QT_NONE && nodes[nodes[x].parent].mode == QT_RED) {
                park(t, r, x);
            }
            from = pos + 1;
        }
    }
    r->cursor[cls][prio] = pick;
    qt_leaf_send(t, pick, cls ? lender : nodes[pick].depth, 1, now, out);
    return L7_OK;
}

/* ---- set-up -------------------------------------------------------------- */

int qt_sched_init(l7_qtree *t)
{
    t->heap_pos = l7_malloc(&t->alloc, (size_t)(t->n ? t->n : 1) * sizeof(uint32_t));
    if (!t->heap_pos)
        return L7_ENOMEM;
    for (uint32_t i = 0; i < t->n; i++) {
        t->heap_pos[i] = QT_NONE;
        t->nodes[i].park_head = QT_NONE;
    }
    for (uint32_t ri = 0; ri < t->nroots; ri++) {
        qt_root *r = &t->roots[ri];
        uint32_t leaves = 0, nodes = 0;
        for (uint32_t i = 0; i < t->n; i++) {
            if (t->nodes[i].root == ri) {
                nodes++;
                leaves += t->nodes[i].is_leaf;
            }
        }
        /* Room for twice the leaves: a renumbering (O(leaves)) comes at
         * most once per `leaves` activations. */
        r->pos_cap = 2 * leaves + 64;
        uint32_t nw[QT_BITS_LV], per = 0;
        for (uint32_t lv = 0, bits = r->pos_cap; lv < QT_BITS_LV; lv++) {
            nw[lv] = (bits + 63) / 64;
            per += nw[lv];
            bits = nw[lv];
        }
        r->nbitwords = 2 * QT_PRIOS * per;
        r->bitwords = l7_calloc(&t->alloc, r->nbitwords, sizeof(uint64_t));
        r->pos_leaf = l7_malloc(&t->alloc, (size_t)r->pos_cap * sizeof(uint32_t));
        r->heap = l7_malloc(&t->alloc, (size_t)(nodes ? nodes : 1) * sizeof(qt_event));
        if (!r->bitwords || !r->pos_leaf || !r->heap)
            return L7_ENOMEM;
        uint64_t *w = r->bitwords;
        for (uint32_t s = 0; s < 2 * QT_PRIOS; s++) {
            qt_bits *b = s < QT_PRIOS ? &r->green[s] : &r->yellow[s - QT_PRIOS];
            for (uint32_t lv = 0; lv < QT_BITS_LV; lv++) {
                b->w[lv] = w;
                b->nw[lv] = nw[lv];
                w += nw[lv];
            }
        }
    }
    return L7_OK;
}

void qt_sched_free(l7_qtree *t)
{
    l7_free(&t->alloc, t->heap_pos);
    for (uint32_t ri = 0; t->roots && ri < t->nroots; ri++) {
        l7_free(&t->alloc, t->roots[ri].bitwords);
        l7_free(&t->alloc, t->roots[ri].pos_leaf);
        l7_free(&t->alloc, t->roots[ri].heap);
    }
}
