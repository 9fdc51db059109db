/*
 * Queue tree build phase: definitions, validation, compiling into a running
 * tree, and the load warnings of routeros-spec.md §7.2, §7.3, §7.6,
 * Decision 13 and S12.
 */
#include "qtree_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- name map ------------------------------------------------------------ */

uint64_t qt_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

uint32_t qt_strmap_find(const qt_strmap *m, const char *name,
                        const char *(*name_of)(const void *ctx, uint32_t i),
                        const void *ctx)
{
    if (!m->slots)
        return QT_NONE;
    for (uint32_t i = (uint32_t)qt_hash(name) & m->mask;; i = (i + 1) & m->mask) {
        uint32_t s = m->slots[i];
        if (!s)
            return QT_NONE;
        if (strcmp(name_of(ctx, s - 1), name) == 0)
            return s - 1;
    }
}

int qt_strmap_insert(const l7_alloc *a, qt_strmap *m, const char *name, uint32_t index,
                     const char *(*name_of)(const void *ctx, uint32_t i),
                     const void *ctx)
{
    if (!m->slots || (m->used + 1) * 2 > m->mask + 1) {
        uint32_t size = m->slots ? (m->mask + 1) * 2 : 16;
        uint32_t *slots = l7_calloc(a, size, sizeof(*slots));
        if (!slots)
            return L7_ENOMEM;
        for (uint32_t i = 0; m->slots && i <= m->mask; i++) {
            uint32_t s = m->slots[i];
            if (!s)
                continue;
            uint32_t j = (uint32_t)qt_hash(name_of(ctx, s - 1)) & (size - 1);
            while (slots[j])
                j = (j + 1) & (size - 1);
            slots[j] = s;
        }
        l7_free(a, m->slots);
        m->slots = slots;
        m->mask = size - 1;
    }
    uint32_t j = (uint32_t)qt_hash(name) & m->mask;
    while (m->slots[j])
        j = (j + 1) & m->mask;
    m->slots[j] = index + 1;
    m->used++;
    return L7_OK;
}

void qt_strmap_free(const l7_alloc *a, qt_strmap *m)
{
    l7_free(a, m->slots);
    memset(m, 0, sizeof(*m));
}

/* ---- validation ---------------------------------------------------------- */

const char *qt_name_problem(const char *name, size_t len)
{
    if (len == 0)
        return "empty name";
    if (len > L7_QTREE_MAX_NAME)
        return "name longer than 255 bytes";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c == 0x7f)
            return "control character in name";
        if (c == ',')
            return "comma in name";
    }
    return NULL;
}

const char *qt_props_problem(const l7_qtree_props *p)
{
    if (p->priority < 1 || p->priority > 8)
        return "priority must be 1..8";
    if (p->limit_at > L7_QTREE_MAX_RATE || p->max_limit > L7_QTREE_MAX_RATE ||
        p->burst_limit > L7_QTREE_MAX_RATE || p->burst_threshold > L7_QTREE_MAX_RATE)
        return "rate above 1T";
    if (p->bucket_size_milli > L7_QTREE_MAX_BUCKET_MILLI)
        return "bucket-size must be 0..10";
    if (p->burst_time > 3600 * L7_NSEC_PER_SEC)
        return "burst-time above 1h";
    if (p->burst_time && p->burst_time < 16)
        return "burst-time below 16ns";
    return NULL;
}

static const char *queue_problem(const l7_qtree_props *p)
{
    if (p->queue_kind == L7_QTREE_PFIFO) {
        if (p->queue_limit < 1 || p->queue_limit > L7_QTREE_MAX_PFIFO)
            return "pfifo size must be 1..65536 packets";
    } else if (p->queue_kind == L7_QTREE_BFIFO) {
        if (p->queue_limit < 1 || p->queue_limit > L7_QTREE_MAX_BFIFO)
            return "bfifo size must be 1..64MiB";
    } else {
        return "unknown queue kind";
    }
    return NULL;
}

/* ---- properties ---------------------------------------------------------- */

void l7_qtree_props_init(l7_qtree_props *props)
{
    if (!props)
        return;
    memset(props, 0, sizeof(*props));
    props->size = sizeof(*props);
    props->priority = 8;
    props->bucket_size_milli = 100;
    props->queue_kind = L7_QTREE_PFIFO;
    props->queue_limit = 10;
}

static const struct {
    const char *name;
    int status;
    uint32_t kind, limit;
} queue_types[] = {
    {"default", L7_OK, L7_QTREE_PFIFO, 50},
    {"ethernet-default", L7_OK, L7_QTREE_PFIFO, 50},
    {"default-small", L7_OK, L7_QTREE_PFIFO, 10},
    {"wireless-default", L7_EUNSUPPORTED, 0, 0},
    {"pcq-upload-default", L7_EUNSUPPORTED, 0, 0},
    {"pcq-download-default", L7_EUNSUPPORTED, 0, 0},
};

int l7_qtree_props_set_queue_type(l7_qtree_props *props, const char *type)
{
    if (!props || !type)
        return L7_EINVAL;
    for (size_t i = 0; i < L7_ARRAY_SIZE(queue_types); i++) {
        if (strcmp(queue_types[i].name, type) != 0)
            continue;
        if (queue_types[i].status == L7_OK) {
            props->queue_kind = queue_types[i].kind;
            props->queue_limit = queue_types[i].limit;
        }
        return queue_types[i].status;
    }
    return L7_ENOTFOUND;
}

/* Copy a caller's props (which may be an older, smaller struct). */
static int props_copy(l7_qtree_props *dst, const l7_qtree_props *src)
{
    l7_qtree_props_init(dst);
    if (!src)
        return L7_OK;
    if (src->size <
            offsetof(l7_qtree_props, packet_marks) + sizeof(src->packet_marks) ||
        src->size > 65536)
        return L7_EINVAL;
    memcpy(dst, src, src->size < sizeof(*dst) ? src->size : sizeof(*dst));
    dst->size = sizeof(*dst);
    return L7_OK;
}

/* ---- definitions --------------------------------------------------------- */

static const char *def_name_of(const void *ctx, uint32_t i)
{
    return ((const l7_qtree_def *)ctx)->q[i].name;
}

int l7_qtree_def_create(l7_qtree_def **out, const l7_allocator *alloc)
{
    if (!out)
        return L7_EINVAL;
    *out = NULL;
    l7_alloc a;
    L7_TRY(l7_alloc_init(&a, alloc));
    l7_qtree_def *d = l7_calloc(&a, 1, sizeof(*d));
    if (!d)
        return L7_ENOMEM;
    d->alloc = a;
    *out = d;
    return L7_OK;
}

void l7_qtree_def_destroy(l7_qtree_def *def)
{
    if (!def)
        return;
    for (size_t i = 0; i < def->n; i++) {
        l7_free(&def->alloc, def->q[i].name);
        l7_free(&def->alloc, def->q[i].parent);
        l7_free(&def->alloc, def->q[i].marks);
    }
    for (size_t i = 0; i < def->nif; i++)
        l7_free(&def->alloc, def->ifaces[i]);
    l7_free(&def->alloc, def->ifaces);
    l7_free(&def->alloc, def->q);
    qt_strmap_free(&def->alloc, &def->names);
    l7_free(&def->alloc, def);
}

uint32_t l7_qtree_def_count(const l7_qtree_def *def)
{
    return def ? (uint32_t)def->n : 0;
}

static uint32_t def_iface_find(const l7_qtree_def *d, const char *name)
{
    for (size_t i = 0; i < d->nif; i++)
        if (strcmp(d->ifaces[i], name) == 0)
            return (uint32_t)i;
    return QT_NONE;
}

int l7_qtree_def_add_interface(l7_qtree_def *def, const char *name)
{
    if (!def || !name || qt_name_problem(name, strlen(name)) ||
        strcmp(name, "global") == 0)
        return L7_EINVAL;
    if (def_iface_find(def, name) != QT_NONE)
        return L7_EEXIST;
    if (def->nif >= 4096)
        return L7_ELIMIT;
    L7_TRY(l7_grow(&def->alloc, (void **)&def->ifaces, &def->ifcap, def->nif + 1,
                   sizeof(*def->ifaces)));
    char *copy = l7_strdup(&def->alloc, name);
    if (!copy)
        return L7_ENOMEM;
    def->ifaces[def->nif++] = copy;
    return L7_OK;
}

/* Checks every mark name of a comma list. */
static const char *marks_problem(const char *marks)
{
    const char *p = marks;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *why = qt_name_problem(p, len);
        if (why)
            return len == 0 ? "empty packet-mark in list" : why;
        if (!comma)
            return NULL;
        p = comma + 1;
    }
}

int l7_qtree_def_add(l7_qtree_def *def, const char *name, const char *parent,
                     const l7_qtree_props *props, l7_diag_list *diag)
{
    if (!def || !name || !parent)
        return L7_EINVAL;
    l7_qtree_props p;
    if (props_copy(&p, props) < 0) {
        l7_diag_add(diag, L7_SEV_ERROR, L7_EINVAL, name, 0, 0, 0,
                    "properties struct has a bad size field");
        return L7_EINVAL;
    }
    uint32_t line = p.line;
    const char *why = qt_name_problem(name, strlen(name));
    if (!why && strcmp(name, "global") == 0)
        why = "'global' is reserved";
    if (!why && def_iface_find(def, name) != QT_NONE)
        why = "name is an interface";
    if (why) {
        l7_diag_add(diag, L7_SEV_ERROR, L7_EINVAL, name, line, 0, 0,
                    "bad queue name: %s", why);
        return L7_EINVAL;
    }
    if ((why = qt_name_problem(parent, strlen(parent))) != NULL) {
        l7_diag_add(diag, L7_SEV_ERROR, L7_EINVAL, name, line, 0, 0, "bad parent: %s",
                    why);
        return L7_EINVAL;
    }
    if ((why = qt_props_problem(&p)) != NULL || (why = queue_problem(&p)) != NULL) {
        l7_diag_add(diag, L7_SEV_ERROR, L7_ERANGE, name, line, 0, 0, "%s", why);
        return L7_ERANGE;
    }
    const char *marks = p.packet_marks && *p.packet_marks ? p.packet_marks : NULL;
    if (marks && (why = marks_problem(marks)) != NULL) {
        l7_diag_add(diag, L7_SEV_ERROR, L7_EINVAL, name, line, 0, 0,
                    "bad packet-mark: %s", why);
        return L7_EINVAL;
    }
    if (qt_strmap_find(&def->names, name, def_name_of, def) != QT_NONE) {
        l7_diag_add(diag, L7_SEV_ERROR, L7_EEXIST, name, line, 0, 0,
                    "a queue with this name already exists");
        return L7_EEXIST;
    }
    if (def->n >= L7_QTREE_MAX_QUEUES) {
        l7_diag_add(diag, L7_SEV_ERROR, L7_ELIMIT, name, line, 0, 0,
                    "more than %u queues", L7_QTREE_MAX_QUEUES);
        return L7_ELIMIT;
    }
    L7_TRY(
        l7_grow(&def->alloc, (void **)&def->q, &def->cap, def->n + 1, sizeof(*def->q)));
    qt_dq *q = &def->q[def->n];
    memset(q, 0, sizeof(*q));
    q->name = l7_strdup(&def->alloc, name);
    q->parent = l7_strdup(&def->alloc, parent);
    q->marks = marks ? l7_strdup(&def->alloc, marks) : NULL;
    q->props = p;
    q->props.packet_marks = NULL;
    if (!q->name || !q->parent || (marks && !q->marks) ||
        qt_strmap_insert(&def->alloc, &def->names, name, (uint32_t)def->n, def_name_of,
                         def) < 0) {
        l7_free(&def->alloc, q->name);
        l7_free(&def->alloc, q->parent);
        l7_free(&def->alloc, q->marks);
        return L7_ENOMEM;
    }
    def->n++;
    return L7_OK;
}

/* ---- compiling ----------------------------------------------------------- */

static const char *tree_name_of(const void *ctx, uint32_t i)
{
    return ((const l7_qtree *)ctx)->nodes[i].name;
}

static const char *mark_name_of(const void *ctx, uint32_t i)
{
    return ((const l7_qtree *)ctx)->mark_names[i];
}

void l7_qtree_destroy(l7_qtree *t)
{
    if (!t)
        return;
    for (uint32_t i = 0; t->nodes && i < t->n; i++) {
        l7_free(&t->alloc, t->nodes[i].name);
        l7_free(&t->alloc, t->nodes[i].ring);
        l7_free(&t->alloc, t->nodes[i].burst);
    }
    qt_sched_free(t);
    for (uint32_t i = 0; t->roots && i < t->nroots; i++) {
        l7_free(&t->alloc, t->roots[i].name);
        l7_free(&t->alloc, t->roots[i].marks);
        l7_free(&t->alloc, t->roots[i].act_ids);
    }
    for (uint32_t i = 0; i < t->nmark_names; i++)
        l7_free(&t->alloc, t->mark_names[i]);
    l7_free(&t->alloc, t->mark_names);
    l7_free(&t->alloc, t->mark_ids);
    l7_free(&t->alloc, t->roots);
    l7_free(&t->alloc, t->nodes);
    qt_strmap_free(&t->alloc, &t->names);
    qt_strmap_free(&t->alloc, &t->marks_by_name);
    l7_free(&t->alloc, t);
}

/* Resolve each queue's parent (queue index, or a root through root_of[]). */
static int resolve_parents(l7_qtree *t, const l7_qtree_def *d, l7_diag_list *diag)
{
    int rc = L7_OK;
    for (uint32_t i = 0; i < t->n; i++) {
        const qt_dq *q = &d->q[i];
        qt_node *n = &t->nodes[i];
        n->parent = QT_NONE;
        n->root = QT_NONE;
        if (strcmp(q->parent, "global") == 0) {
            n->root = L7_QTREE_ROOT_GLOBAL;
            continue;
        }
        uint32_t p = qt_strmap_find(&d->names, q->parent, def_name_of, d);
        if (p != QT_NONE) {
            n->parent = p;
            continue;
        }
        uint32_t ifc = def_iface_find(d, q->parent);
        if (ifc != QT_NONE) {
            n->root = ifc + 1;
            continue;
        }
        l7_diag_add(diag, L7_SEV_ERROR, L7_ENOTFOUND, q->name, q->props.line, 0, 0,
                    "unknown parent '%s' (not global, a declared interface or a queue)",
                    q->parent);
        rc = rc ? rc : L7_ENOTFOUND;
    }
    return rc;
}

/* Depth of every queue; refuses cycles and trees deeper than the cap. Uses
 * scan_level as the visit state and act_prev as the walk stack: O(n). */
static int compute_depths(l7_qtree *t, const l7_qtree_def *d, l7_diag_list *diag)
{
    enum { UNSEEN = 0, ON_PATH = 1, DONE = 2, BROKEN = 3 };
    int rc = L7_OK;
    for (uint32_t i = 0; i < t->n; i++)
        t->nodes[i].scan_level = UNSEEN;
    for (uint32_t start = 0; start < t->n; start++) {
        if (t->nodes[start].scan_level != UNSEEN)
            continue;
        /* Walk up to a known node, a root, or back onto this path. */
        uint32_t len = 0, cur = start;
        while (cur != QT_NONE && t->nodes[cur].scan_level == UNSEEN) {
            t->nodes[cur].scan_level = ON_PATH;
            t->nodes[len++].act_prev = cur; /* stack slot, overwritten later */
            cur = t->nodes[cur].parent;
        }
        uint32_t base_depth = 0, base_root = QT_NONE;
        int broken = 0;
        if (cur == QT_NONE) {
            base_root = t->nodes[t->nodes[len - 1].act_prev].root;
        } else if (t->nodes[cur].scan_level == DONE) {
            base_depth = t->nodes[cur].depth;
            base_root = t->nodes[cur].root;
        } else if (t->nodes[cur].scan_level == BROKEN) {
            broken = 1;
        } else { /* ON_PATH: the path from cur's place on is a cycle */
            broken = 1;
            uint32_t from = 0;
            while (t->nodes[from].act_prev != cur)
                from++;
            for (uint32_t k = from; k < len; k++) {
                uint32_t m = t->nodes[k].act_prev;
                if (k - from == 16) { /* a hostile cycle: name a few */
                    l7_diag_add(diag, L7_SEV_ERROR, L7_EINVAL, d->q[m].name,
                                d->q[m].props.line, 0, 0,
                                "parent chain is a cycle (and %u more queues in it)",
                                len - k - 1);
                    break;
                }
                l7_diag_add(diag, L7_SEV_ERROR, L7_EINVAL, d->q[m].name,
                            d->q[m].props.line, 0, 0,
                            "parent chain is a cycle (through '%s')", d->q[cur].name);
            }
            rc = rc ? rc : L7_EINVAL;
        }
        /* Unwind from the top of the path, assigning depths. */
        for (uint32_t k = len; k-- > 0;) {
            uint32_t m = t->nodes[k].act_prev;
            qt_node *n = &t->nodes[m];
            if (broken) {
                n->scan_level = BROKEN;
                continue;
            }
            base_depth++;
            if (base_depth > L7_QTREE_MAX_DEPTH) {
                l7_diag_add(diag, L7_SEV_ERROR, L7_ELIMIT, d->q[m].name,
                            d->q[m].props.line, 0, 0,
                            "queue is more than %u levels below its root",
                            L7_QTREE_MAX_DEPTH);
                rc = rc ? rc : L7_ELIMIT;
                broken = 1;
                n->scan_level = BROKEN;
                continue;
            }
            n->depth = (uint8_t)base_depth;
            n->root = base_root;
            n->scan_level = DONE;
        }
    }
    for (uint32_t i = 0; i < t->n; i++) {
        t->nodes[i].scan_level = QT_INELIGIBLE;
        t->nodes[i].act_prev = QT_NONE;
    }
    return rc;
}

static int intern_mark(l7_qtree *t, uint32_t *out, const char *name, size_t len,
                       const l7_qtree_options *o, uint32_t *cap)
{
    if (len == 7 && memcmp(name, "no-mark", 7) == 0) {
        *out = L7_QTREE_NO_MARK;
        return L7_OK;
    }
    char *copy = l7_strndup(&t->alloc, name, len);
    if (!copy)
        return L7_ENOMEM;
    uint32_t idx = qt_strmap_find(&t->marks_by_name, copy, mark_name_of, t);
    if (idx != QT_NONE) {
        l7_free(&t->alloc, copy);
        *out = t->mark_ids[idx];
        return L7_OK;
    }
    uint32_t id = t->nmark_names + 1;
    if (o->mark_id) {
        int rc = o->mark_id(&id, copy, o->mark_user);
        if (rc < 0 || id == L7_QTREE_NO_MARK) {
            l7_free(&t->alloc, copy);
            return rc < 0 ? rc : L7_EINVAL;
        }
    }
    size_t c1 = *cap, c2 = *cap;
    if (l7_grow(&t->alloc, (void **)&t->mark_names, &c1, t->nmark_names + 1,
                sizeof(char *)) < 0 ||
        l7_grow(&t->alloc, (void **)&t->mark_ids, &c2, t->nmark_names + 1,
                sizeof(uint32_t)) < 0) {
        l7_free(&t->alloc, copy);
        return L7_ENOMEM;
    }
    *cap = (uint32_t)(c1 < c2 ? c1 : c2);
    t->mark_names[t->nmark_names] = copy;
    t->mark_ids[t->nmark_names] = id;
    t->nmark_names++; /* the tree owns copy from here on */
    if (qt_strmap_insert(&t->alloc, &t->marks_by_name, copy, t->nmark_names - 1,
                         mark_name_of, t) < 0)
        return L7_ENOMEM;
    *out = id;
    return L7_OK;
}

static int cmp_markmap(const void *a, const void *b)
{
    const qt_markmap *x = a, *y = b;
    if (x->mark != y->mark)
        return x->mark < y->mark ? -1 : 1;
    return x->leaf < y->leaf ? -1 : x->leaf > y->leaf;
}

/* Classification tables: first leaf in configuration order wins a mark. */
static int build_marks(l7_qtree *t, const l7_qtree_def *d, const l7_qtree_options *o,
                       l7_diag_list *diag)
{
    uint32_t mark_cap = 0;
    size_t *cap = l7_calloc(&t->alloc, t->nroots, sizeof(size_t));
    if (!cap)
        return L7_ENOMEM;
    int rc = L7_OK;
    for (uint32_t i = 0; i < t->n && rc == L7_OK; i++) {
        const qt_dq *q = &d->q[i];
        if (!q->marks)
            continue;
        if (!t->nodes[i].is_leaf) {
            l7_diag_add(diag, L7_SEV_WARNING, 0, q->name, q->props.line, 0, 0,
                        "packet-mark on an inner queue is ignored: only leaves hold "
                        "packets");
            continue;
        }
        qt_root *r = &t->roots[t->nodes[i].root];
        for (const char *p = q->marks; rc == L7_OK;) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            uint32_t id;
            rc = intern_mark(t, &id, p, len, o, &mark_cap);
            if (rc == L7_OK) {
                rc = l7_grow(&t->alloc, (void **)&r->marks, &cap[t->nodes[i].root],
                             r->nmarks + 1, sizeof(*r->marks));
                if (rc == L7_OK)
                    r->marks[r->nmarks++] = (qt_markmap){id, i};
            }
            if (!comma)
                break;
            p = comma + 1;
        }
    }
    l7_free(&t->alloc, cap);
    if (rc < 0)
        return rc;
    /* Sort by (mark, leaf); keep the first leaf of each mark, warn for the rest. */
    for (uint32_t ri = 0; ri < t->nroots; ri++) {
        qt_root *r = &t->roots[ri];
        if (r->nmarks > 1)
            qsort(r->marks, r->nmarks, sizeof(*r->marks), cmp_markmap);
        uint32_t w = 0;
        for (uint32_t k = 0; k < r->nmarks; k++) {
            if (w > 0 && r->marks[w - 1].mark == r->marks[k].mark) {
                if (r->marks[w - 1].leaf != r->marks[k].leaf) {
                    const qt_dq *q = &d->q[r->marks[k].leaf];
                    l7_diag_add(diag, L7_SEV_WARNING, 0, q->name, q->props.line, 0, 0,
                                "a packet mark of this queue is also on '%s', which "
                                "comes first and takes those packets",
                                d->q[r->marks[w - 1].leaf].name);
                }
                continue;
            }
            r->marks[w++] = r->marks[k];
        }
        r->nmarks = w;
    }
    return L7_OK;
}

/* Settings that cannot have an effect, and MikroTik's sanity rules (§7.3). */
static void warn_tree(const l7_qtree *t, const l7_qtree_def *d, l7_diag_list *diag)
{
    /* Children's limit-at sums in one pass (no O(n^2) on wide trees). */
    uint64_t *child_cir = l7_calloc(&t->alloc, t->n ? t->n : 1, sizeof(uint64_t));
    for (uint32_t i = 0; child_cir && i < t->n; i++)
        if (t->nodes[i].parent != QT_NONE)
            child_cir[t->nodes[i].parent] += t->nodes[i].props.limit_at;
    for (uint32_t i = 0; i < t->n; i++) {
        const qt_node *n = &t->nodes[i];
        const qt_dq *q = &d->q[i];
        const l7_qtree_props *p = &q->props;
        const char *rootname = t->roots[n->root].name;
        int limited_above = 0;
        for (uint32_t a = n->parent; a != QT_NONE; a = t->nodes[a].parent)
            if (t->nodes[a].props.max_limit)
                limited_above = 1;
        if (n->is_leaf && p->priority != 8 && !p->max_limit)
            l7_diag_add(diag, L7_SEV_WARNING, 0, q->name, p->line, 0, 0,
                        "priority has no effect on a queue without max-limit");
        else if (!n->is_leaf && p->priority != 8)
            l7_diag_add(
                diag, L7_SEV_WARNING, 0, q->name, p->line, 0, 0,
                "priority has no effect on an inner queue: only leaves have one");
        else if (n->is_leaf && p->priority != 8 && !limited_above)
            l7_diag_add(diag, L7_SEV_WARNING, 0, q->name, p->line, 0, 0,
                        "priority has no effect: no parent up to '%s' has a max-limit, "
                        "so there is never a shortage to share",
                        rootname);
        if (p->limit_at && !limited_above)
            l7_diag_add(diag, L7_SEV_WARNING, 0, q->name, p->line, 0, 0,
                        "limit-at has no effect: no parent up to '%s' has a max-limit, "
                        "so nothing competes for the bandwidth",
                        rootname);
        if (p->limit_at && p->max_limit && p->limit_at > p->max_limit)
            l7_diag_add(diag, L7_SEV_WARNING, 0, q->name, p->line, 0, 0,
                        "limit-at is above max-limit: max-limit wins");
        if (p->burst_limit || p->burst_threshold || p->burst_time) {
            if (!p->burst_limit || !p->burst_threshold || !p->burst_time)
                l7_diag_add(diag, L7_SEV_WARNING, 0, q->name, p->line, 0, 0,
                            "burst needs burst-limit, burst-threshold and burst-time: "
                            "burst is off");
            else if (!p->max_limit || p->burst_limit <= p->max_limit)
                l7_diag_add(diag, L7_SEV_WARNING, 0, q->name, p->line, 0, 0,
                            "burst-limit has no effect: it must be above a non-zero "
                            "max-limit");
        }
        if (n->is_leaf && !q->marks)
            l7_diag_add(diag, L7_SEV_WARNING, 0, q->name, p->line, 0, 0,
                        "leaf without packet-mark never receives packets");
        if (n->parent != QT_NONE) {
            const l7_qtree_props *pp = &t->nodes[n->parent].props;
            if (pp->max_limit && p->max_limit > pp->max_limit)
                l7_diag_add(diag, L7_SEV_WARNING, 0, q->name, p->line, 0, 0,
                            "max-limit is above the parent's ('%s')",
                            d->q[n->parent].name);
        }
        if (!n->is_leaf && child_cir) {
            /* The parent's CIR; a top-level queue's CIR is its MIR. */
            uint64_t cir = p->limit_at ? p->limit_at : n->depth == 1 ? p->max_limit : 0;
            uint64_t sum = child_cir[i];
            if (cir && sum > cir)
                l7_diag_add(diag, L7_SEV_WARNING, 0, q->name, p->line, 0, 0,
                            "the children's limit-ats add up to %llu bit/s, more than "
                            "this queue's %llu: the guarantees cannot all be met",
                            (unsigned long long)sum, (unsigned long long)cir);
        }
    }
    l7_free(&t->alloc, child_cir);
}

int l7_qtree_create(l7_qtree **out, const l7_qtree_def *def,
                    const l7_qtree_options *opts, uint64_t now, l7_diag_list *diag)
{
    if (!out)
        return L7_EINVAL;
    *out = NULL;
    if (!def)
        return L7_EINVAL;
    l7_qtree_options o;
    memset(&o, 0, sizeof(o));
    if (opts) {
        if (opts->size < offsetof(l7_qtree_options, mark_user) + sizeof(void *))
            return L7_EINVAL;
        o = *opts;
    }
    l7_qtree *t = l7_calloc(&def->alloc, 1, sizeof(*t));
    if (!t)
        return L7_ENOMEM;
    t->alloc = def->alloc;
    t->created = now;
    t->last_now = now;
    t->n = (uint32_t)def->n;
    t->nroots = (uint32_t)def->nif + 1;
    t->nodes = l7_calloc(&t->alloc, t->n ? t->n : 1, sizeof(*t->nodes));
    t->roots = l7_calloc(&t->alloc, t->nroots, sizeof(*t->roots));
    if (!t->nodes || !t->roots)
        goto nomem;
    for (uint32_t r = 0; r < t->nroots; r++) {
        t->roots[r].name = l7_strdup(&t->alloc, r ? def->ifaces[r - 1] : "global");
        if (!t->roots[r].name)
            goto nomem;
        t->roots[r].act_head = QT_NONE;
        for (uint32_t p = 0; p < QT_PRIOS; p++)
            t->roots[r].cursor[0][p] = t->roots[r].cursor[1][p] = QT_NONE;
    }
    for (uint32_t i = 0; i < t->n; i++) {
        t->nodes[i].name = l7_strdup(&t->alloc, def->q[i].name);
        if (!t->nodes[i].name ||
            qt_strmap_insert(&t->alloc, &t->names, t->nodes[i].name, i, tree_name_of,
                             t) < 0)
            goto nomem;
    }
    int rc = resolve_parents(t, def, diag);
    if (rc == L7_OK)
        rc = compute_depths(t, def, diag);
    if (rc < 0) {
        l7_qtree_destroy(t);
        return rc;
    }
    for (uint32_t i = 0; i < t->n; i++)
        t->nodes[i].is_leaf = 1;
    for (uint32_t i = 0; i < t->n; i++)
        if (t->nodes[i].parent != QT_NONE)
            t->nodes[t->nodes[i].parent].is_leaf = 0;
    for (uint32_t i = 0; i < t->n; i++) {
        qt_node *n = &t->nodes[i];
        n->props = def->q[i].props;
        n->kind = (uint8_t)n->props.queue_kind;
        n->limit = n->props.queue_limit;
        n->act_prev = n->act_next = QT_NONE;
        n->scan_level = QT_INELIGIBLE;
        if (qt_node_apply_rates(&t->alloc, n, &n->props, now, now) < 0)
            goto nomem;
        n->t = now; /* buckets start full */
        n->cir.tok = n->cir.cap;
        n->mir.tok = n->mir.cap;
    }
    /* The scan array of each root holds all its leaves at most: sized now,
     * so that enqueue never allocates for it. */
    uint32_t *leaves_in = l7_calloc(&t->alloc, t->nroots, sizeof(uint32_t));
    if (!leaves_in)
        goto nomem;
    for (uint32_t i = 0; i < t->n; i++)
        leaves_in[t->nodes[i].root] += t->nodes[i].is_leaf;
    for (uint32_t r = 0; r < t->nroots; r++) {
        t->roots[r].act_ids =
            l7_malloc(&t->alloc, (leaves_in[r] ? leaves_in[r] : 1) * sizeof(uint32_t));
        if (!t->roots[r].act_ids) {
            l7_free(&t->alloc, leaves_in);
            goto nomem;
        }
    }
    l7_free(&t->alloc, leaves_in);
    if (qt_sched_init(t) < 0)
        goto nomem;
    rc = build_marks(t, def, &o, diag);
    if (rc < 0) {
        l7_qtree_destroy(t);
        return rc;
    }
    warn_tree(t, def, diag);
    *out = t;
    return L7_OK;
nomem:
    l7_qtree_destroy(t);
    return L7_ENOMEM;
}
