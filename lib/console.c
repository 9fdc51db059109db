/*
 * The live console: RouterOS `print` tables over a configuration and an
 * engine's counters and connections, counter resets, and runtime changes
 * through the all-or-nothing loader.
 */
#include "config_internal.h"
#include "l7/console.h"
#include "l7/value.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct l7_console {
    l7_alloc alloc;
    l7_config *cfg;
    l7_engine *engine;
    l7_addrlist *addrlists; /* live entries for address-list print, or NULL */
};

int l7_console_create(l7_console **out, l7_config *cfg, l7_engine *engine,
                      const l7_allocator *alloc)
{
    if (!out || !cfg)
        return L7_EINVAL;
    *out = NULL;
    l7_alloc a;
    L7_TRY(l7_alloc_init(&a, alloc));
    l7_console *c = l7_calloc(&a, 1, sizeof(*c));
    if (!c)
        return L7_ENOMEM;
    c->alloc = a;
    c->cfg = cfg;
    c->engine = engine;
    *out = c;
    return 0;
}

int l7_console_set_addrlist(l7_console *con, l7_addrlist *al)
{
    if (!con)
        return L7_EINVAL;
    con->addrlists = al;
    return 0;
}

void l7_console_destroy(l7_console *con)
{
    if (con)
        l7_free(&con->alloc, con);
}

/* ---- output -----------------------------------------------------------------------
 */

typedef struct obuf {
    const l7_alloc *a;
    char *p;
    size_t n, cap;
    int oom;
} obuf;

static void ob_put(obuf *b, const char *s, size_t n)
{
    if (b->oom || !n)
        return;
    if (l7_grow(b->a, (void **)&b->p, &b->cap, b->n + n + 1, 1)) {
        b->oom = L7_ENOMEM;
        return;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void ob_puts(obuf *b, const char *s)
{
    ob_put(b, s, strlen(s));
}

static void ob_printf(obuf *b, const char *fmt, ...) L7_PRINTF(2, 3);
static void ob_printf(obuf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n > 0)
        ob_put(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void ob_pad(obuf *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ob_put(b, " ", 1);
}

static void ob_value(obuf *b, const char *v)
{
    size_t n = l7_cfg_quote(NULL, 0, v);
    if (b->oom || l7_grow(b->a, (void **)&b->p, &b->cap, b->n + n + 1, 1)) {
        b->oom = L7_ENOMEM;
        return;
    }
    l7_cfg_quote(b->p + b->n, n + 1, v);
    b->n += n;
}

/* ---- tables ---------------------------------------------------------------------- */

#define MAX_COLS 8

typedef struct col {
    const char *title;
    bool right;
} col;

typedef struct trow {
    uint32_t number;
    char flags[4];
    char *comment;
    char *cells[MAX_COLS];
} trow;

typedef struct table {
    const l7_alloc *a;
    const col *cols;
    size_t ncols;
    trow *rows;
    size_t n, cap;
    int oom;
    int flag_w; /* width of the flags field (2; connections use 3) */
} table;

static trow *tab_row(table *t, uint32_t number, const char *flags, const char *comment)
{
    if (l7_grow(t->a, (void **)&t->rows, &t->cap, t->n + 1, sizeof(trow))) {
        t->oom = L7_ENOMEM;
        return NULL;
    }
    trow *r = &t->rows[t->n++];
    memset(r, 0, sizeof(*r));
    r->number = number;
    snprintf(r->flags, sizeof(r->flags), "%s", flags);
    if (comment && *comment && !(r->comment = l7_strdup(t->a, comment)))
        t->oom = L7_ENOMEM;
    return r;
}

static void tab_cell(table *t, trow *r, size_t i, const char *v)
{
    if (r && i < MAX_COLS && !(r->cells[i] = l7_strdup(t->a, v ? v : "")))
        t->oom = L7_ENOMEM;
}

static void tab_free(table *t)
{
    for (size_t i = 0; i < t->n; i++) {
        l7_free(t->a, t->rows[i].comment);
        for (size_t k = 0; k < MAX_COLS; k++)
            l7_free(t->a, t->rows[i].cells[k]);
    }
    l7_free(t->a, t->rows);
}

/* ` 0 X  ` : the number right-aligned in 2, the flags in 2. */
#define PREFIX 6 /* ` 0 X  ` */

static void print_prefix(obuf *b, const trow *r, int flag_w)
{
    ob_printf(b, "%2" PRIu32 " %-*s ", r->number, flag_w < 2 ? 2 : flag_w, r->flags);
}

static void tab_print(obuf *b, table *t)
{
    size_t w[MAX_COLS];
    for (size_t k = 0; k < t->ncols; k++) {
        w[k] = strlen(t->cols[k].title);
        for (size_t i = 0; i < t->n; i++)
            if (t->rows[i].cells[k] && strlen(t->rows[i].cells[k]) > w[k])
                w[k] = strlen(t->rows[i].cells[k]);
    }
    int fw = t->flag_w < 2 ? 2 : t->flag_w;
    ob_puts(b, " #");
    ob_pad(b, (size_t)fw + 2);
    for (size_t k = 0; k < t->ncols; k++) {
        size_t l = strlen(t->cols[k].title);
        if (t->cols[k].right)
            ob_pad(b, w[k] - l);
        ob_puts(b, t->cols[k].title);
        if (!t->cols[k].right && k + 1 < t->ncols)
            ob_pad(b, w[k] - l);
        if (k + 1 < t->ncols)
            ob_puts(b, "  ");
    }
    ob_puts(b, "\n");
    for (size_t i = 0; i < t->n; i++) {
        const trow *r = &t->rows[i];
        print_prefix(b, r, fw);
        if (r->comment) {
            ob_puts(b, ";;; ");
            ob_puts(b, r->comment);
            ob_puts(b, "\n");
            ob_pad(b, (size_t)fw + 4);
        }
        for (size_t k = 0; k < t->ncols; k++) {
            const char *v = r->cells[k] ? r->cells[k] : "";
            size_t l = strlen(v);
            if (t->cols[k].right)
                ob_pad(b, w[k] - l);
            ob_puts(b, v);
            if (!t->cols[k].right && k + 1 < t->ncols)
                ob_pad(b, w[k] - l);
            if (k + 1 < t->ncols)
                ob_puts(b, "  ");
        }
        ob_puts(b, "\n");
    }
}

/* ---- print over configuration menus ---------------------------------------------- */

typedef struct pflags {
    bool stats, detail;
    const l7_sexpr *where;
} pflags;

static bool selected(const l7_config *cfg, const cfg_menu *m, uint32_t i,
                     const l7_sexpr *where)
{
    if (!where)
        return true;
    cfg_getter g;
    l7_cfg_getter_init(&g, cfg, m, i);
    return l7_sexpr_eval(where, l7_cfg_get, &g);
}

static const char *rule_flags(const l7_console *c, const cfg_menu *m, uint32_t i,
                              char buf[4])
{
    cfg_getter g;
    l7_cfg_getter_init(&g, c->cfg, m, i);
    size_t o = 0;
    const char *d = l7_cfg_get("disabled", &g);
    if (d && !strcmp(d, "yes"))
        buf[o++] = 'X';
    const char *inv = l7_cfg_get("invalid", &g);
    if (inv && !strcmp(inv, "yes"))
        buf[o++] = 'I';
    buf[o] = '\0';
    return buf;
}

static void print_rules(l7_console *c, const cfg_menu *m, const pflags *pf, obuf *b)
{
    ob_puts(b, "Flags: X - disabled, I - invalid, D - dynamic\n");
    uint32_t count = l7_cfg_count(c->cfg, m);
    l7_policy *p = c->cfg->policy;
    if (pf->stats) {
        static const col cols[] = {
            {"CHAIN", false}, {"ACTION", false}, {"BYTES", true}, {"PACKETS", true}};
        table t = {&c->alloc, cols, 4, NULL, 0, 0, 0, 2};
        for (uint32_t i = 0; i < count; i++) {
            if (!selected(c->cfg, m, i, pf->where))
                continue;
            cfg_getter g;
            l7_cfg_getter_init(&g, c->cfg, m, i);
            char fl[4];
            trow *r =
                tab_row(&t, i, rule_flags(c, m, i, fl), l7_cfg_get("comment", &g));
            uint64_t pk = 0, by = 0;
            if (c->engine)
                (void)l7_engine_rule_stats(&pk, &by, c->engine, m->family, m->table, i);
            char nb[32], np[32];
            snprintf(nb, sizeof(nb), "%" PRIu64, by);
            snprintf(np, sizeof(np), "%" PRIu64, pk);
            tab_cell(&t, r, 0, l7_cfg_get("chain", &g));
            tab_cell(&t, r, 1, l7_cfg_get("action", &g));
            tab_cell(&t, r, 2, nb);
            tab_cell(&t, r, 3, np);
        }
        if (t.oom)
            b->oom = t.oom;
        else
            tab_print(b, &t);
        tab_free(&t);
        return;
    }
    for (uint32_t i = 0; i < count; i++) {
        if (!selected(c->cfg, m, i, pf->where))
            continue;
        cfg_getter g;
        l7_cfg_getter_init(&g, c->cfg, m, i);
        char fl[4];
        trow r = {i, "", NULL, {NULL}};
        snprintf(r.flags, sizeof(r.flags), "%s", rule_flags(c, m, i, fl));
        print_prefix(b, &r, 2);
        const char *comment = l7_cfg_get("comment", &g);
        if (comment && *comment) {
            ob_puts(b, ";;; ");
            ob_puts(b, comment);
            ob_puts(b, "\n");
            ob_pad(b, PREFIX);
        }
        ob_puts(b, "chain=");
        ob_value(b, l7_cfg_get("chain", &g));
        ob_puts(b, " action=");
        ob_value(b, l7_cfg_get("action", &g));
        const char *name, *value;
        for (uint32_t k = 0;
             l7_policy_rule_prop(&name, &value, p, m->family, m->table, i, k) == 0;
             k++) {
            if (!strcmp(name, "chain") || !strcmp(name, "action") ||
                !strcmp(name, "comment") || !strcmp(name, "disabled"))
                continue;
            ob_printf(b, " %s=", name);
            ob_value(b, value);
        }
        if (pf->detail) {
            if (l7_policy_rule_get(&value, p, m->family, m->table, i, "log") < 0)
                ob_puts(b, " log=no");
            if (l7_policy_rule_get(&value, p, m->family, m->table, i, "log-prefix") < 0)
                ob_puts(b, " log-prefix=\"\"");
        }
        ob_puts(b, "\n");
    }
}

/* Columns of the configuration's own menus. */
static const col alist_cols[] = {
    {"LIST", false}, {"ADDRESS", false}, {"TIMEOUT", false}};
static const char *const alist_props[] = {"list", "address", "timeout"};
static const col qtree_cols[] = {{"NAME", false},        {"PARENT", false},
                                 {"PACKET-MARK", false}, {"LIMIT-AT", true},
                                 {"MAX-LIMIT", true},    {"PRIORITY", true}};
static const char *const qtree_props[] = {"name",     "parent",    "packet-mark",
                                          "limit-at", "max-limit", "priority"};
static const col log_cols[] = {{"TOPICS", false}, {"ACTION", false}, {"PREFIX", false}};
static const char *const log_props[] = {"topics", "action", "prefix"};

/* One row per item of a configuration menu: its flags, its comment, and the
 * given properties as columns. */
static void print_items(l7_console *c, const cfg_menu *m, const pflags *pf, obuf *b,
                        const char *flags_line, const col *cols,
                        const char *const *props, size_t n)
{
    table t = {&c->alloc, cols, n, NULL, 0, 0, 0, 2};
    ob_puts(b, flags_line);
    uint32_t count = l7_cfg_count(c->cfg, m);
    for (uint32_t i = 0; i < count; i++) {
        if (!selected(c->cfg, m, i, pf->where))
            continue;
        cfg_getter g;
        l7_cfg_getter_init(&g, c->cfg, m, i);
        const char *d = l7_cfg_get("disabled", &g);
        trow *r = tab_row(&t, i, d && !strcmp(d, "yes") ? "X" : "",
                          l7_cfg_get("comment", &g));
        for (size_t k = 0; k < n; k++)
            tab_cell(&t, r, k, l7_cfg_get(props[k], &g));
    }
    if (t.oom)
        b->oom = t.oom;
    else
        tab_print(b, &t);
    tab_free(&t);
}

static const col proto_cols[] = {{"NAME", false}, {"REGEXP", false}};
static const char *const proto_props[] = {"name", "regexp"};

static void print_protocols(l7_console *c, const cfg_menu *m, const pflags *pf, obuf *b)
{
    print_items(c, m, pf, b, "Flags: X - disabled\n", proto_cols, proto_props,
                L7_ARRAY_SIZE(proto_props));
}

static void print_store(l7_console *c, const cfg_menu *m, const pflags *pf, obuf *b)
{
    if (m->store == L7_CONFIG_MENU_QUEUE_TREE)
        print_items(c, m, pf, b, "Flags: X - disabled\n", qtree_cols, qtree_props,
                    L7_ARRAY_SIZE(qtree_props));
    else if (m->store == L7_CONFIG_MENU_LOGGING)
        print_items(c, m, pf, b, "Flags: X - disabled\n", log_cols, log_props,
                    L7_ARRAY_SIZE(log_props));
    else
        print_items(c, m, pf, b, "Flags: X - disabled, D - dynamic\n", alist_cols,
                    alist_props, L7_ARRAY_SIZE(alist_props));
}

/* Live address-list entries (static and dynamic) from the shared object. */
typedef struct alist_walk {
    const l7_console *c;
    const pflags *pf;
    table *t;
    uint32_t number;
    char list[L7_ADDRLIST_NAME_MAX + 1], address[L7_VALUE_ADDR_TEXT_MAX], timeout[32],
        comment[256];
    const l7_addrlist_entry_info *e;
} alist_walk;

static const char *entry_get(const char *name, void *user)
{
    const alist_walk *w = user;
    if (!strcmp(name, "list"))
        return w->list;
    if (!strcmp(name, "address"))
        return w->address;
    if (!strcmp(name, "timeout"))
        return w->timeout;
    if (!strcmp(name, "comment"))
        return w->comment;
    if (!strcmp(name, "dynamic"))
        return w->e->dynamic ? "yes" : "no";
    if (!strcmp(name, "disabled"))
        return w->e->disabled ? "yes" : "no";
    return NULL;
}

static int alist_entry(const l7_addrlist_entry_info *e, void *user)
{
    alist_walk *w = user;
    w->e = e;
    snprintf(w->list, sizeof(w->list), "%s", e->list_name);
    l7_value_format_addrspec(w->address, sizeof(w->address), &e->address);
    w->timeout[0] = '\0';
    if (e->has_timeout)
        l7_value_format_duration(w->timeout, sizeof(w->timeout),
                                 e->timeout_remaining_ns / L7_NSEC_PER_SEC *
                                     L7_NSEC_PER_SEC);
    snprintf(w->comment, sizeof(w->comment), "%s", e->comment ? e->comment : "");
    uint32_t num = w->number++;
    if (w->pf->where && !l7_sexpr_eval(w->pf->where, entry_get, w))
        return 0;
    char fl[4];
    size_t o = 0;
    if (e->disabled)
        fl[o++] = 'X';
    if (e->dynamic)
        fl[o++] = 'D';
    fl[o] = '\0';
    trow *r = tab_row(w->t, num, fl, w->comment);
    tab_cell(w->t, r, 0, w->list);
    tab_cell(w->t, r, 1, w->address);
    tab_cell(w->t, r, 2, w->timeout);
    return w->t->oom ? 1 : 0;
}

static void print_live_alist(l7_console *c, const cfg_menu *m, const pflags *pf,
                             uint64_t now, obuf *b)
{
    table t = {&c->alloc, alist_cols, 3, NULL, 0, 0, 0, 2};
    alist_walk w;
    memset(&w, 0, sizeof(w));
    w.c = c;
    w.pf = pf;
    w.t = &t;
    ob_puts(b, "Flags: X - disabled, D - dynamic\n");
    int rc = l7_addrlist_foreach(c->addrlists, L7_ADDRLIST_ALL_LISTS, m->family, now,
                                 alist_entry, &w);
    if (t.oom || rc == L7_ENOMEM)
        b->oom = L7_ENOMEM;
    else
        tab_print(b, &t);
    tab_free(&t);
}

static void print_conntrack(l7_console *c, obuf *b)
{
    const char *name;
    for (uint32_t i = 0; (name = l7_policy_conntrack_prop(i)); i++) {
        const char *v;
        if (l7_policy_conntrack_get(&v, c->cfg->policy, name) == 0)
            ob_printf(b, "%25s: %s\n", name, v);
    }
    if (c->engine)
        ob_printf(b, "%25s: %" PRIu64 "\n", "total-entries",
                  l7_engine_stat(c->engine, L7_ENGINE_STAT_CONNECTIONS));
}

/* ---- connections ----------------------------------------------------------------- */

typedef struct connrec {
    l7_conn *conn;
    uint64_t first;
} connrec;

typedef struct conncoll {
    const l7_alloc *a;
    connrec *v;
    size_t n, cap;
    int oom;
} conncoll;

static int collect_conn(l7_conn *conn, void *user)
{
    conncoll *cc = user;
    if (l7_grow(cc->a, (void **)&cc->v, &cc->cap, cc->n + 1, sizeof(connrec))) {
        cc->oom = L7_ENOMEM;
        return 1;
    }
    cc->v[cc->n++] = (connrec){conn, l7_conn_first_seen(conn)};
    return 0;
}

static int cmp_conn(const void *x, const void *y)
{
    const connrec *a = x, *b = y;
    return a->first < b->first ? -1 : a->first > b->first;
}

typedef struct conn_view {
    const l7_console *c;
    l7_conn *conn;
    uint64_t now;
    char proto[16], src[128], dst[128], rsrc[128], rdst[128], timeout[32], l7[64];
    const char *tcp_state, *mark;
} conn_view;

static const char *proto_name(uint8_t p, char buf[16])
{
    switch (p) {
    case 6:
        return "tcp";
    case 17:
        return "udp";
    case 1:
        return "icmp";
    case 58:
        return "icmpv6";
    default:
        snprintf(buf, 16, "%u", p);
        return buf;
    }
}

static void endpoint(char *buf, size_t size, const l7_addr *a, uint16_t port,
                     uint8_t proto)
{
    char t[L7_VALUE_ADDR_TEXT_MAX];
    l7_addr_format(t, sizeof(t), a);
    bool ports =
        proto == 6 || proto == 17 || proto == 132 || proto == 33 || proto == 136;
    if (!ports)
        snprintf(buf, size, "%s", t);
    else if (a->family == 6)
        snprintf(buf, size, "[%s]:%u", t, port);
    else
        snprintf(buf, size, "%s:%u", t, port);
}

static void conn_view_init(conn_view *v, const l7_console *c, l7_conn *conn,
                           uint64_t now)
{
    memset(v, 0, sizeof(*v));
    v->c = c;
    v->conn = conn;
    v->now = now;
    l7_ct_tuple o, r;
    l7_conn_tuple(&o, conn, L7_CT_DIR_ORIGINAL);
    l7_conn_tuple(&r, conn, L7_CT_DIR_REPLY);
    char pb[16];
    snprintf(v->proto, sizeof(v->proto), "%s", proto_name(o.l4_proto, pb));
    endpoint(v->src, sizeof(v->src), &o.src, o.sport, o.l4_proto);
    endpoint(v->dst, sizeof(v->dst), &o.dst, o.dport, o.l4_proto);
    endpoint(v->rsrc, sizeof(v->rsrc), &r.src, r.sport, r.l4_proto);
    endpoint(v->rdst, sizeof(v->rdst), &r.dst, r.dport, r.l4_proto);
    /* Whole seconds, as RouterOS shows them. */
    uint64_t left = l7_conn_timeout(l7_engine_conntrack(c->engine), conn, now);
    l7_value_format_duration(v->timeout, sizeof(v->timeout),
                             left / L7_NSEC_PER_SEC * L7_NSEC_PER_SEC);
    v->tcp_state = l7_tcp_state_name(l7_conn_tcp_state(conn));
    v->mark = l7_engine_conn_mark(c->engine, conn);
    const char *p = l7_engine_conn_layer7(c->engine, conn);
    snprintf(v->l7, sizeof(v->l7), "%s", p ? p : "");
}

static const char *conn_get(const char *name, void *user)
{
    conn_view *v = user;
    if (!strcmp(name, "protocol"))
        return v->proto;
    if (!strcmp(name, "src-address"))
        return v->src;
    if (!strcmp(name, "dst-address"))
        return v->dst;
    if (!strcmp(name, "reply-src-address"))
        return v->rsrc;
    if (!strcmp(name, "reply-dst-address"))
        return v->rdst;
    if (!strcmp(name, "tcp-state"))
        return v->tcp_state;
    if (!strcmp(name, "timeout"))
        return v->timeout;
    if (!strcmp(name, "connection-mark"))
        return v->mark ? v->mark : "";
    /* Decision 16: `no-protocol` names the empty value (still inspecting). */
    if (!strcmp(name, "layer7-protocol"))
        return v->l7[0] ? v->l7 : "no-protocol";
    return NULL;
}

static const char *conn_flags(l7_conn *conn, char buf[8])
{
    uint32_t f = l7_conn_flags(conn);
    size_t o = 0;
    if (f & L7_CONN_SEEN_REPLY)
        buf[o++] = 'S';
    if (f & L7_CONN_ASSURED)
        buf[o++] = 'A';
    buf[o++] = 'C';
    if (f & L7_CONN_FASTTRACK)
        buf[o++] = 'F';
    buf[o] = '\0';
    return buf;
}

static void print_connections(l7_console *c, const cfg_menu *m, const pflags *pf,
                              uint64_t now, obuf *b)
{
    conncoll cc = {&c->alloc, NULL, 0, 0, 0};
    l7_conntrack_foreach(l7_engine_conntrack(c->engine), now, collect_conn, &cc);
    if (cc.oom) {
        b->oom = cc.oom;
        l7_free(&c->alloc, cc.v);
        return;
    }
    if (cc.n > 1)
        qsort(cc.v, cc.n, sizeof(connrec), cmp_conn);
    ob_puts(b, "Flags: E - expected, S - seen-reply, A - assured, C - confirmed, "
               "D - dying, F - fasttrack\n");
    static const col cols[] = {{"PR..", false},        {"SRC-ADDRESS", false},
                               {"DST-ADDRESS", false}, {"TCP-STATE", false},
                               {"TIMEOUT", false},     {"LAYER7-PROTOCOL", false}};
    table t = {&c->alloc, cols, 6, NULL, 0, 0, 0, 3};
    uint32_t number = 0;
    for (size_t i = 0; i < cc.n; i++) {
        conn_view v;
        conn_view_init(&v, c, cc.v[i].conn, now);
        l7_ct_tuple o;
        l7_conn_tuple(&o, cc.v[i].conn, L7_CT_DIR_ORIGINAL);
        if (o.src.family != m->family)
            continue;
        uint32_t num = number++;
        if (pf->where && !l7_sexpr_eval(pf->where, conn_get, &v))
            continue;
        char fl[8];
        conn_flags(cc.v[i].conn, fl);
        if (pf->detail) {
            ob_printf(b,
                      "%2" PRIu32 " %-4s protocol=%s src-address=%s dst-address=%s "
                      "reply-src-address=%s reply-dst-address=%s",
                      num, fl, v.proto, v.src, v.dst, v.rsrc, v.rdst);
            if (v.tcp_state[0])
                ob_printf(b, " tcp-state=%s", v.tcp_state);
            ob_printf(b, " timeout=%s", v.timeout);
            if (v.mark)
                ob_printf(b, " connection-mark=%s", v.mark);
            ob_printf(b,
                      " orig-packets=%" PRIu64 " orig-bytes=%" PRIu64
                      " repl-packets=%" PRIu64 " repl-bytes=%" PRIu64,
                      l7_conn_packets(cc.v[i].conn, L7_CT_DIR_ORIGINAL),
                      l7_conn_bytes(cc.v[i].conn, L7_CT_DIR_ORIGINAL),
                      l7_conn_packets(cc.v[i].conn, L7_CT_DIR_REPLY),
                      l7_conn_bytes(cc.v[i].conn, L7_CT_DIR_REPLY));
            ob_printf(b, " layer7-protocol=%s\n", v.l7[0] ? v.l7 : "\"\"");
            continue;
        }
        trow *r = tab_row(&t, num, fl, NULL);
        if (r)
            snprintf(r->flags, sizeof(r->flags), "%.3s", fl);
        tab_cell(&t, r, 0, v.proto);
        tab_cell(&t, r, 1, v.src);
        tab_cell(&t, r, 2, v.dst);
        tab_cell(&t, r, 3, v.tcp_state);
        tab_cell(&t, r, 4, v.timeout);
        tab_cell(&t, r, 5, v.l7);
    }
    if (!pf->detail) {
        if (t.oom)
            b->oom = t.oom;
        else
            tab_print(b, &t);
    }
    tab_free(&t);
    l7_free(&c->alloc, cc.v);
}

/* ---- commands -------------------------------------------------------------------- */

typedef struct cctx {
    l7_console *c;
    const char *line;
    size_t len;
    uint64_t now;
    l7_diag_list *diags;
    int rc;
} cctx;

static void cerr(cctx *x, int code, l7_spos pos, const char *fmt, ...) L7_PRINTF(4, 5);
static void cerr(cctx *x, int code, l7_spos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    l7_diag_vadd(x->diags, L7_SEV_ERROR, code, "console", pos.line, pos.column,
                 pos.length, fmt, ap);
    va_end(ap);
    if (!x->rc || x->rc == L7_ESYNTAX)
        x->rc = code == L7_EUNSUPPORTED ? code : L7_ESYNTAX;
}

static bool parse_print_flags(cctx *x, const l7_script_cmd *cmd, pflags *pf)
{
    memset(pf, 0, sizeof(*pf));
    pf->where = cmd->where;
    for (size_t i = 0; i < cmd->n_items; i++) {
        const l7_script_item *it = &cmd->items[i];
        const char *w = it->text.ptr;
        if (it->kind == L7_SITEM_WORD && !strcmp(w, "stats"))
            pf->stats = true;
        else if (it->kind == L7_SITEM_WORD && !strcmp(w, "detail"))
            pf->detail = true;
        else if (it->kind == L7_SITEM_WORD &&
                 (!strcmp(w, "all") || !strcmp(w, "static") || !strcmp(w, "terse")))
            ; /* no dynamic rules: the same listing */
        else {
            cerr(x, L7_ESYNTAX, it->pos, "unexpected '%s' after print", w);
            return false;
        }
    }
    if (cmd->n_args) {
        cerr(x, L7_ESYNTAX, cmd->args[0].name_pos, "print takes no properties");
        return false;
    }
    return true;
}

static bool need_engine(cctx *x, const l7_script_cmd *cmd)
{
    if (x->c->engine)
        return true;
    cerr(x, L7_ESTATE, cmd->verb_pos, "%s needs a running engine", cmd->verb.ptr);
    return false;
}

static void do_print(cctx *x, const cfg_menu *m, const l7_script_cmd *cmd, obuf *b)
{
    pflags pf;
    if (!parse_print_flags(x, cmd, &pf))
        return;
    switch (m->kind) {
    case CK_RULES:
        print_rules(x->c, m, &pf, b);
        break;
    case CK_PROTOCOLS:
        print_protocols(x->c, m, &pf, b);
        break;
    case CK_STORE:
        if (x->c->addrlists && (m->store == L7_CONFIG_MENU_ADDRESS_LIST ||
                                m->store == L7_CONFIG_MENU_ADDRESS_LIST6))
            print_live_alist(x->c, m, &pf, x->now, b);
        else
            print_store(x->c, m, &pf, b);
        break;
    case CK_CONNTRACK:
        print_conntrack(x->c, b);
        break;
    case CK_CONNECTIONS:
        if (need_engine(x, cmd))
            print_connections(x->c, m, &pf, x->now, b);
        break;
    }
}

static void do_reset(cctx *x, const cfg_menu *m, const l7_script_cmd *cmd, bool all)
{
    if (m->kind != CK_RULES) {
        cerr(x, L7_ENOTFOUND, cmd->verb_pos,
             "%s only applies to filter and mangle rules", cmd->verb.ptr);
        return;
    }
    if (!need_engine(x, cmd))
        return;
    if (all) {
        l7_engine_reset_all_stats(x->c->engine, m->family, m->table);
        return;
    }
    if (cmd->n_items != 1) {
        cerr(x, L7_EINVAL, cmd->verb_pos,
             "reset-counters needs an item: a number or "
             "[find ...]");
        return;
    }
    const l7_script_item *it = &cmd->items[0];
    uint32_t count = l7_cfg_count(x->c->cfg, m);
    if (it->kind == L7_SITEM_NUMBERS) {
        for (size_t i = 0; i < it->n_numbers; i++) {
            if (it->numbers[i] >= count) {
                cerr(x, L7_ENOTFOUND, it->pos, "no such item %u", it->numbers[i]);
                return;
            }
        }
        for (size_t i = 0; i < it->n_numbers; i++)
            l7_engine_reset_rule_stats(x->c->engine, m->family, m->table,
                                       it->numbers[i]);
    } else if (it->kind == L7_SITEM_FIND) {
        for (uint32_t i = 0; i < count; i++)
            if (selected(x->c->cfg, m, i, it->find))
                l7_engine_reset_rule_stats(x->c->engine, m->family, m->table, i);
    } else {
        cerr(x, L7_ENOTFOUND, it->pos, "no such item '%s'", it->text.ptr);
    }
}

/* add/set/remove/enable/disable: through the loader, then into the engine. */
static void do_change(cctx *x, const l7_script_cmd *cmd)
{
    /* Byte offset of the command's (line, column). */
    size_t from = 0;
    for (uint32_t ln = 1; ln < cmd->pos.line && from < x->len; from++)
        if (x->line[from] == '\n')
            ln++;
    from += cmd->pos.column ? cmd->pos.column - 1 : 0;
    if (from > x->len)
        from = x->len;
    size_t to = x->len;
    /* The command's text ends at a top-level ';' or an unjoined newline;
     * reloading the whole line would repeat the other commands. */
    for (size_t i = from; i < x->len; i++) {
        if (x->line[i] == '"') {
            for (i++; i < x->len && x->line[i] != '"'; i++)
                if (x->line[i] == '\\')
                    i++;
        } else if (x->line[i] == ';' ||
                   (x->line[i] == '\n' && !(i > 0 && x->line[i - 1] == '\\'))) {
            to = i;
            break;
        }
    }
    l7_config_load_options o;
    l7_config_load_options_init(&o);
    /* What comes before becomes blanks (newlines kept), so that the
     * loader's lines and columns are the console line's. */
    size_t n = to;
    char *text = l7_malloc(&x->c->alloc, n + 1);
    if (!text) {
        x->rc = L7_ENOMEM;
        return;
    }
    for (size_t i = 0; i < from; i++)
        text[i] = x->line[i] == '\n' ? '\n' : ' ';
    memcpy(text + from, x->line + from, n - from);
    text[n] = '\0';
    int rc =
        l7_config_load(x->c->cfg, "console", (const uint8_t *)text, n, &o, x->diags);
    l7_free(&x->c->alloc, text);
    if (rc < 0) {
        x->rc = x->rc ? x->rc : rc;
        return;
    }
    if (x->c->engine) {
        rc = l7_engine_set_ruleset(x->c->engine, l7_config_ruleset(x->c->cfg));
        if (rc < 0)
            x->rc = rc;
    }
}

static void run_command(cctx *x, const l7_script_cmd *cmd, obuf *b)
{
    if (cmd->kind == L7_SCMD_MENU) {
        size_t k = cmd->n_path;
        while (k > 1 && !l7_cfg_menu_find(cmd->path, k - 1))
            k--;
        if (k > 1 && l7_cfg_menu_find(cmd->path, k - 1)) {
            const l7_sstr *w = &cmd->path[k - 1];
            cerr(x, L7_ENOTFOUND, cmd->pos, "unknown console command '%.*s'",
                 (int)w->len, w->ptr);
        } else {
            cerr(x, L7_EINVAL, cmd->pos,
                 "give a command after the menu (console paths are absolute)");
        }
        return;
    }
    const cfg_menu *m = l7_cfg_menu_find(cmd->path, cmd->n_path);
    const char *verb = cmd->verb.ptr;
    if (!m) {
        if (cmd->n_path >= 1 && cmd->path[0].len == 3 &&
            !memcmp(cmd->path[0].ptr, "log", 3))
            cerr(x, L7_EUNSUPPORTED, cmd->pos,
                 "/log print is served by the host (its memory log), not by libl7");
        else
            cerr(x, L7_ENOTFOUND, cmd->pos, "unknown menu or console command");
        return;
    }
    if (!strcmp(verb, "print")) {
        do_print(x, m, cmd, b);
    } else if (!strcmp(verb, "reset-counters") || !strcmp(verb, "reset-counters-all")) {
        do_reset(x, m, cmd, !strcmp(verb, "reset-counters-all"));
    } else if (!strcmp(verb, "add") || !strcmp(verb, "set") ||
               !strcmp(verb, "remove") || !strcmp(verb, "enable") ||
               !strcmp(verb, "disable")) {
        if (m->kind == CK_CONNECTIONS)
            cerr(x, L7_EUNSUPPORTED, cmd->verb_pos,
                 "connections are not changed from the console");
        else
            do_change(x, cmd);
    } else {
        cerr(x, L7_ENOTFOUND, cmd->verb_pos, "unknown console command '%s'", verb);
    }
}

int l7_console_exec(l7_console *con, const char *line, size_t len, uint64_t now,
                    l7_console_write_fn fn, void *user, l7_diag_list *diags)
{
    if (!con || !fn || (!line && len))
        return L7_EINVAL;
    l7_script *sc = NULL;
    int rc = l7_script_parse(&sc, "console", (const uint8_t *)(line ? line : ""), len,
                             NULL, diags, &con->alloc);
    if (rc == L7_ENOMEM || rc == L7_EINVAL)
        return rc;
    if (rc < 0) {
        l7_script_free(sc);
        return rc;
    }
    cctx x = {con, line, len, now, diags, 0};
    for (size_t i = 0; i < sc->n_cmds && !x.rc; i++) {
        obuf b = {&con->alloc, NULL, 0, 0, 0};
        run_command(&x, &sc->cmds[i], &b);
        if (b.oom && !x.rc)
            x.rc = b.oom;
        if (!x.rc && b.n)
            x.rc = fn(b.p, b.n, user);
        l7_free(&con->alloc, b.p);
    }
    l7_script_free(sc);
    return x.rc;
}
