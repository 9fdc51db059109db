/*
 * The reference scheduler: the queue tree's original dequeue, kept so that
 * tests can check qtree_sched.c against it packet by packet (a tree uses it
 * after qt_tree_use_reference(); hosts never do).
 *
 * Each dequeue evaluates every leaf that holds packets (a dense array per
 * root) from its buckets and its ancestors', so it costs O(backlogged
 * leaves x depth): the plainest statement of the rules.
 */
#include "qtree_internal.h"

void qt_tree_use_reference(l7_qtree *t)
{
    t->reference = 1;
}

static inline uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* When a blocked leaf may be able to send: its own CIR or any yellow
 * ancestor's below `red` turning green, or `red` leaving debt. Kept out of
 * leaf_level() so that eligible leaves pay no division. */
static L7_NOINLINE uint64_t blocked_wake(const qt_node *nodes, uint32_t i, uint32_t red,
                                         uint64_t now)
{
    if (red == i)
        return qt_mir_ready(&nodes[i], now);
    uint64_t w = qt_mir_ready(&nodes[red], now);
    for (uint32_t k = i; k != red; k = nodes[k].parent)
        w = min_u64(w, qt_cir_ready(&nodes[k], now));
    return w;
}

/* Level a leaf can send at now: 0 = green, 1 + MAX_DEPTH - d = borrowing from
 * the ancestor at depth d (d = 0: the root); QT_INELIGIBLE with *wake set
 * to a time before which that cannot change. */
static uint32_t leaf_level(qt_node *nodes, uint32_t i, uint64_t now, uint64_t *wake)
{
    qt_node *n = &nodes[i];
    qt_node_fill(n, now);
    if (!qt_mir_ok(n)) {
        *wake = blocked_wake(nodes, i, i, now);
        return QT_INELIGIBLE;
    }
    if (qt_cir_ok(n))
        return 0;
    for (uint32_t p = n->parent; p != QT_NONE; p = nodes[p].parent) {
        qt_node *a = &nodes[p];
        qt_node_fill(a, now);
        if (!qt_mir_ok(a)) {
            *wake = blocked_wake(nodes, i, p, now);
            return QT_INELIGIBLE;
        }
        if (qt_cir_ok(a))
            return 1 + L7_QTREE_MAX_DEPTH - a->depth;
    }
    return 1 + L7_QTREE_MAX_DEPTH;
}

int qt_ref_dequeue(l7_qtree_packet *out, l7_qtree *tree, qt_root *r, uint64_t now)
{
    qt_node *nodes = tree->nodes;
    uint32_t best = QT_INELIGIBLE, best_prio = QT_PRIOS;
    uint64_t next = UINT64_MAX;
    /* Every backlogged leaf is evaluated afresh. (The original also skipped
     * a leaf until a remembered wake-up time and the whole root until the
     * last WAIT time; that is unsound: bucket_charge() bounds debt, so a
     * small packet charged to a deeply indebted ancestor can bring the
     * ancestor's recovery forward, and a remembered time would hold back
     * leaves that may send.) */
    for (uint32_t k = 0; k < r->nactive; k++) {
        uint32_t i = r->act_ids[k];
        qt_node *n = &nodes[i];
        uint64_t wake = 0;
        uint32_t level = leaf_level(nodes, i, now, &wake);
        n->scan_level = level;
        if (level == QT_INELIGIBLE)
            next = min_u64(next, wake);
        else if (level < best || (level == best && n->prio < best_prio)) {
            best = level;
            best_prio = n->prio;
        }
    }
    if (best == QT_INELIGIBLE) {
        qt_set_idle(out, L7_QTREE_WAIT, next);
        return L7_OK;
    }
#define QT_CANDIDATE(x) (nodes[x].scan_level == best && nodes[x].prio == best_prio)
    /* Deficit round robin among the best (level, priority), with separate
     * credit for sending on one's own CIR and for borrowing: the last leaf
     * served keeps going while it has credit, then the next one gets a
     * quantum. */
    uint32_t cls = best != 0;
    uint32_t pick = r->cursor[cls][best_prio];
    if (pick == QT_NONE || !QT_CANDIDATE(pick) || nodes[pick].deficit[cls] <= 0) {
        uint32_t x = pick != QT_NONE ? nodes[pick].act_next : r->act_head;
        for (;; x = nodes[x].act_next) {
            if (QT_CANDIDATE(x)) {
                nodes[x].deficit[cls] += QT_MTU;
                if (nodes[x].deficit[cls] > 0)
                    break;
            }
        }
        pick = x;
    }
#undef QT_CANDIDATE
    r->cursor[cls][best_prio] = pick;
    uint32_t lender_depth =
        best == 0 ? nodes[pick].depth : 1 + L7_QTREE_MAX_DEPTH - best;
    qt_leaf_send(tree, pick, lender_depth, 1, now, out);
    return L7_OK;
}

void qt_ref_rates_changed(l7_qtree *tree, qt_root *r)
{
    (void)tree;
    (void)r;
}
