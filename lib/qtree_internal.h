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
    /* hot: a blocked leaf costs the dequeue scan only this first part */
    uint64_t wake;       /* lower bound of when the leaf may send */
    uint32_t scan_level; /* this dequeue's level, QT_INELIGIBLE */
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
    uint32_t act_pos; /* index in the root's act_ids */
    uint8_t is_leaf, kind, active, pad;
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

typedef struct qt_root {
    char *name;
    uint32_t act_head; /* circular list of leaves with packets (DRR order) */
    uint32_t nactive;
    uint32_t *act_ids;            /* the same leaves as a dense array (scan order) */
    uint32_t cursor[2][QT_PRIOS]; /* last leaf served: green / borrowing */
    qt_markmap *marks;            /* sorted by mark */
    uint32_t nmarks;
    /* No leaf can send before this time, as long as no leaf becomes
     * active and no rate changes (then it is reset to 0). */
    uint64_t wait_until;
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
};

/* Run-time helpers used by both files. */
/* (Re)configure a node's buckets and burst state from `p` at `now`; the
 * node's buckets must already be filled up to `now`. */
int qt_node_apply_rates(const l7_alloc *a, qt_node *n, const l7_qtree_props *p,
                        uint64_t now, uint64_t created);

#endif
