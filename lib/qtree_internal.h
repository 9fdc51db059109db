/*
 * Queue tree internals shared by qtree_def.c (build, validate, compile) and
 * qtree.c (run time: enqueue, dequeue, statistics).
 *
 * Token units: "nanobits" (bits x 1e9), so that a rate in bit/s times a time
 * in ns is a token count with no division. Buckets are clamped to
 * QT_MAX_CAP so that every sum stays inside int64.
 */
#ifndef L7_QTREE_INTERNAL_H
#define L7_QTREE_INTERNAL_H

#include "common_internal.h"
#include "l7/qtree.h"

#define QT_NONE        UINT32_MAX
#define QT_NB_PER_BYTE 8000000000ll /* nanobits in one byte */
#define QT_MTU         1514u        /* minimum bucket, DRR quantum */
#define QT_MAX_CAP     (1ll << 60)
#define QT_PRIOS       8u
#define QT_INELIGIBLE  UINT32_MAX
#define QT_MAX_PKT_NB  ((int64_t)L7_QTREE_MAX_PACKET * QT_NB_PER_BYTE)
#define QT_LENDERS     (L7_QTREE_MAX_DEPTH + 1u) /* lender depths 0 (root) .. 16 */
#define QT_BITS_LV     3u

/* Cached mode of an active queue (see qtree_sched.c). */
enum { QT_RED = 0, QT_YELLOW = 1, QT_GREEN = 2 };

/* A three-level bitset over leaf positions: level 0 holds the bits, bit j of
 * level k+1 says that word j of level k is not zero. */
typedef struct qt_bits {
    uint64_t *w[QT_BITS_LV];
    uint32_t nw[QT_BITS_LV];
} qt_bits;

/* A small open-addressing map from names to indices (names owned elsewhere). */
typedef struct qt_strmap {
    uint32_t *slots; /* index + 1; 0 = empty */
    uint32_t mask;
    uint32_t used;
} qt_strmap;

uint64_t qt_hash(const char *s);
/* Find `name`; `names(i)` gives the name of index i. Returns index or QT_NONE. */
uint32_t qt_strmap_find(const qt_strmap *m, const char *name,
                        const char *(*name_of)(const void *ctx, uint32_t i),
                        const void *ctx);
int qt_strmap_insert(const l7_alloc *a, qt_strmap *m, const char *name, uint32_t index,
                     const char *(*name_of)(const void *ctx, uint32_t i),
                     const void *ctx);
void qt_strmap_free(const l7_alloc *a, qt_strmap *m);

/* Checks a queue, interface or mark name; returns NULL or why it is bad. */
const char *qt_name_problem(const char *name, size_t len);
/* Checks rate properties; returns NULL or why they are out of range. */
const char *qt_props_problem(const l7_qtree_props *p);

/* One queue as defined. */
typedef struct qt_dq {
    char *name;
    char *parent;
    char *marks; /* NULL when none */
    l7_qtree_props props;
} qt_dq;

struct l7_qtree_def {
    l7_alloc alloc;
    qt_dq *q;
    size_t n, cap;
    qt_strmap names;
    char **ifaces;
    size_t nif, ifcap;
};

typedef struct qt_pkt {
    uint64_t handle;
    uint32_t len;
    uint32_t pad;
} qt_pkt;

typedef struct qt_bucket {
    int64_t tok;
    int64_t cap;
    uint64_t rate;    /* bit/s; 0 = never fills */
    uint64_t fill_ns; /* from the floor to full at `rate` */
} qt_bucket;

typedef struct qt_burst {
    uint64_t origin; /* slot boundaries are origin + k * slot_ns */
    uint64_t slot_ns;
    uint64_t slot_end; /* next slot boundary */
    uint64_t acc;      /* bits sent in the current slot */
    uint64_t sum;      /* bits in the 16 completed slots */
    uint64_t slots[16];
    uint32_t pos;
    uint32_t allowed;
} qt_burst;

typedef struct qt_node {
    uint32_t scan_level; /* qtree_ref.c: this dequeue's level, QT_INELIGIBLE */
    uint32_t act_next, act_prev;
    uint32_t parent;    /* node index or QT_NONE (a root) */
    uint8_t depth;      /* 1 = top-level */
    uint8_t prio;       /* effective priority 0..7 */
    uint8_t cir_is_mir; /* top-level queue without limit-at */
    uint8_t mir_unlim;  /* no max-limit and no burst */
    uint64_t t;         /* buckets filled up to this time */
    qt_burst *burst;    /* NULL when burst is off */
    qt_bucket cir;
    qt_bucket mir;
    /* leaf queue */
    qt_pkt *ring;
    uint32_t rcap, head, count, limit; /* limit: packets or bytes */
    uint64_t qbytes;
    int64_t deficit[2]; /* DRR credit: sending on its own CIR / borrowing */
    uint32_t root;
    uint32_t act_pos;                    /* index in the root's act_ids */
    uint8_t is_leaf, kind, active, mode; /* mode: QT_RED.. (qtree_sched.c) */
    /* scheduler state (qtree_sched.c) */
    uint32_t pos; /* leaf: position in the root's active order */
    /* Yellow leaves found blocked by their red parent are "parked" on the
     * parent's list, out of the yellow bitset, until it stops being red. */
    uint32_t park_head;            /* inner: first parked child, QT_NONE */
    uint32_t park_next, park_prev; /* leaf: links in the parent's list */
    uint8_t parked;
    uint32_t cnt[QT_PRIOS]; /* inner: active leaves per priority whose path
                             * up to this queue is all yellow */
    /* statistics (inner queues count their subtree) */
    uint64_t packets, bytes, dropped, queued_pkts, queued_bytes;
    uint64_t win, win_bytes, win_pkts, last_bytes, last_pkts;
    /* configuration */
    l7_qtree_props props;
    char *name;
} qt_node;

typedef struct qt_markmap {
    uint32_t mark;
    uint32_t leaf;
} qt_markmap;

/* When a queue's mode may next change by itself. */
typedef struct qt_event {
    uint64_t at;
    uint32_t node;
    uint32_t pad;
} qt_event;

typedef struct qt_root {
    char *name;
    uint32_t act_head; /* circular list of leaves with packets (DRR order) */
    uint32_t nactive;
    uint32_t *act_ids;            /* the same leaves as a dense array (scan order) */
    uint32_t cursor[2][QT_PRIOS]; /* last leaf served: green / borrowing */
    qt_markmap *marks;            /* sorted by mark */
    uint32_t nmarks;
    /* The scheduler of qtree_sched.c. Active leaves have positions that
     * grow with activation order (the circular list's order); green and
     * yellow leaves are kept per priority in bitsets over positions. */
    qt_bits green[QT_PRIOS], yellow[QT_PRIOS];
    uint64_t *bitwords;
    uint32_t *pos_leaf; /* position -> leaf */
    uint32_t pos_next, pos_cap;
    uint32_t ngreen[QT_PRIOS];
    /* Active yellow leaves per (depth of the green ancestor they borrow
     * from, priority); depth 0 is the root, which always lends. */
    uint32_t borrow[QT_LENDERS][QT_PRIOS];
    uint32_t borrow_sum[QT_LENDERS];
    uint8_t borrow_prios[QT_LENDERS]; /* bit p: borrow[d][p] != 0 */
    uint32_t borrow_depths;           /* bit d: borrow_sum[d] != 0 */
    uint32_t green_prios;             /* bit p: ngreen[p] != 0 */
    uint32_t nbitwords;
    qt_event *heap; /* min-heap of the queues' next mode changes */
    uint32_t nheap;
} qt_root;

struct l7_qtree {
    l7_alloc alloc;
    qt_node *nodes;
    uint32_t n;
    uint32_t nroots;
    qt_root *roots;
    qt_strmap names;
    char **mark_names; /* interned mark names */
    uint32_t *mark_ids;
    uint32_t nmark_names;
    qt_strmap marks_by_name;
    uint64_t created;
    uint64_t last_now;
    uint32_t reference; /* use the reference scheduler (qtree_ref.c) */
    /* Per queue: index in its root's event heap, QT_NONE. Apart from the
     * queues so that sifting the heap touches one small array. */
    uint32_t *heap_pos;
};

/* Run-time helpers used by both files. */
/* (Re)configure a node's buckets and burst state from `p` at `now`; the
 * node's buckets must already be filled up to `now`. */
int qt_node_apply_rates(const l7_alloc *a, qt_node *n, const l7_qtree_props *p,
                        uint64_t now, uint64_t created);
/* Fill a queue's buckets up to `now` (rolling burst slots on the way). */
void qt_node_fill(qt_node *n, uint64_t now);
/* A lower bound of when the MIR (CIR) bucket is out of debt. */
uint64_t qt_mir_ready(const qt_node *n, uint64_t now);
uint64_t qt_cir_ready(const qt_node *n, uint64_t now);
/* Pop the head of leaf i, charge it (unless !charge, for flush) and count
 * it: MIR of every queue up to the root, CIR from the lender (at depth
 * lender_depth) up. */
void qt_leaf_send(l7_qtree *t, uint32_t i, uint32_t lender_depth, int charge,
                  uint64_t now, l7_qtree_packet *out);
void qt_set_idle(l7_qtree_packet *out, uint32_t status, uint64_t next);

static inline int qt_mir_ok(const qt_node *n)
{
    return n->mir_unlim || n->mir.tok >= 0;
}

static inline int qt_cir_ok(const qt_node *n)
{
    if (n->cir_is_mir)
        return qt_mir_ok(n);
    return n->cir.rate && n->cir.tok >= 0;
}

/* The scheduler (qtree_sched.c). */
int qt_sched_init(l7_qtree *t);
void qt_sched_free(l7_qtree *t);
/* Leaf i (already in the active list) just became active. */
void qt_sched_leaf_on(l7_qtree *t, uint32_t i, uint64_t now);
/* A packet of leaf i was sent or flushed: refresh the queues above it. */
void qt_sched_sent(l7_qtree *t, uint32_t i, uint64_t now);
/* Queue q's rates are about to change / have changed. */
void qt_sched_rates_before(l7_qtree *t, uint32_t q);
void qt_sched_rates_after(l7_qtree *t, uint32_t q, uint64_t now);
int qt_sched_dequeue(l7_qtree_packet *out, l7_qtree *t, qt_root *r, uint64_t now);

/* The reference scheduler (qtree_ref.c): the original flat scan, O(active
 * leaves) per dequeue, kept to check the scheduler against (differential
 * test). Same observable behaviour; only the WAIT times may differ (both
 * are valid lower bounds). */
void qt_tree_use_reference(l7_qtree *t);
int qt_ref_dequeue(l7_qtree_packet *out, l7_qtree *t, qt_root *r, uint64_t now);
void qt_ref_rates_changed(l7_qtree *t, qt_root *r);

#endif
