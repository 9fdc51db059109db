/*
 * The engine: one per thread. Creation, ruleset swaps (name translation,
 * counter carry-over, protocol re-resolution), counters and housekeeping.
 * The per-packet path is in engine_process.c.
 */
#include "engine_internal.h"

#include <string.h>

void l7_engine_options_init(l7_engine_options *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof(*opts));
    opts->size = sizeof(*opts);
    opts->l7_max_packets = 10;
    opts->l7_max_bytes = 2048;
}

void l7_packet_meta_init(l7_packet_meta *meta)
{
    if (!meta)
        return;
    memset(meta, 0, sizeof(*meta));
    meta->size = sizeof(*meta);
    meta->hook = L7_HOOK_FORWARD;
}

static void ext_free(l7_engine *e, l7_conn *c)
{
    eng_conn_ext *x = c->inspect;
    if (!x)
        return;
    l7_inspect_state_release(&e->alloc, &x->st);
    l7_free(&e->alloc, x);
    c->inspect = NULL;
}

static void conn_destructor(l7_conn *conn, void *user)
{
    ext_free(user, conn);
}

/* Policy timeouts (enum l7_ct_setting) in conntrack order. */
static const uint8_t ct_timeout_map[L7_CT_TIMEOUT_COUNT] = {
    L7_CT_TCP_SYN_SENT,
    L7_CT_TCP_SYN_RECEIVED,
    L7_CT_TCP_ESTABLISHED,
    L7_CT_TCP_FIN_WAIT,
    L7_CT_TCP_CLOSE_WAIT,
    L7_CT_TCP_LAST_ACK,
    L7_CT_TCP_TIME_WAIT,
    L7_CT_TCP_CLOSE,
    L7_CT_UDP,
    L7_CT_UDP_STREAM,
    L7_CT_ICMP,
    L7_CT_GENERIC,
};

static uint32_t max_entries_of(const l7_engine *e, const l7_ruleset *rs)
{
    uint64_t m = e->opts.max_connections ? e->opts.max_connections : rs->ct.max_entries;
    if (m > L7_CT_MAX_ENTRIES_LIMIT)
        m = L7_CT_MAX_ENTRIES_LIMIT;
    return m ? (uint32_t)m : 1;
}

static void apply_ct_settings(l7_engine *e, const l7_ruleset *rs)
{
    for (int i = 0; i < L7_CT_TIMEOUT_COUNT; i++)
        l7_conntrack_set_timeout(e->ct, (l7_ct_timeout)i,
                                 rs->ct.timeout[ct_timeout_map[i]]);
    l7_conntrack_set_loose_tcp(e->ct, rs->ct.loose_tcp);
    l7_conntrack_set_max_entries(e->ct, max_entries_of(e, rs));
}

/* Translation arrays for a ruleset: marks interned in the engine's own
 * append-only tables, address lists resolved to addrlist ids. */
static int build_xlat(l7_engine *e, const l7_ruleset *rs,
                      uint32_t *out[L7_NAME_KIND_COUNT])
{
    for (int k = 0; k < L7_NAME_KIND_COUNT; k++) {
        out[k] = NULL;
        if (k == L7_NAME_PROTOCOL)
            continue;
        const l7_names *t = &rs->names[k];
        out[k] = l7_calloc(&e->alloc, t->n ? t->n : 1, sizeof(uint32_t));
        if (!out[k])
            goto fail;
        for (uint32_t i = 1; i < t->n; i++) {
            int rc;
            if (k == L7_NAME_ADDRLIST)
                rc = e->opts.addrlists
                         ? l7_addrlist_list_id(&out[k][i], e->opts.addrlists, t->v[i],
                                               strlen(t->v[i]))
                         : 0;
            else
                rc = l7_names_intern(&e->names[k], &e->alloc, t->v[i], strlen(t->v[i]),
                                     &out[k][i]);
            if (rc < 0)
                goto fail;
        }
    }
    return 0;
fail:
    for (int k = 0; k < L7_NAME_KIND_COUNT; k++) {
        l7_free(&e->alloc, out[k]);
        out[k] = NULL;
    }
    return L7_ENOMEM;
}

/* Counters (and limit buckets) follow rules of the same identity: the same
 * id from the same policy, else the same text. */
static void carry_counters(const l7_ruleset *old, const l7_rule_counter *oc,
                           const l7_limit_state *ol, const l7_ruleset *rs,
                           l7_rule_counter *nc, l7_limit_state *nl, uint8_t *used)
{
    bool same_policy = old->policy_uid == rs->policy_uid;
    for (uint32_t i = 0; i < rs->nrules; i++) {
        const l7_crule *r = &rs->rules[i];
        int found = -1;
        if (same_policy) {
            if (i < old->nrules && old->rules[i].id == r->id && !used[i])
                found = (int)i;
            for (uint32_t j = 0; found < 0 && j < old->nrules; j++)
                if (!used[j] && old->rules[j].id == r->id)
                    found = (int)j;
        }
        if (found < 0) {
            if (i < old->nrules && old->rules[i].sig == r->sig && !used[i])
                found = (int)i;
            for (uint32_t j = 0; found < 0 && j < old->nrules; j++)
                if (!used[j] && old->rules[j].sig == r->sig)
                    found = (int)j;
        }
        if (found >= 0) {
            used[found] = 1;
            nc[i] = oc[found];
            nl[i] = ol[found];
        }
    }
}

typedef struct remap_ctx {
    const l7_alloc *alloc; /* the old inspector's, which allocated the memos */
    const l7_protoset *from, *to;
} remap_ctx;

/* A new protocol set: classified connections keep their protocol by name
 * (or become unknown when it is gone); the conntrack copy follows. */
static int remap_conn(l7_conn *c, void *user)
{
    remap_ctx *m = user;
    eng_conn_ext *x = c->inspect;
    if (!x)
        return 0;
    if (x->st.memo) {
        /* The memo is indexed by the old set's protocol ids (and its
         * generation counter means nothing across sets): forget it; the
         * next run rescans the buffer, with the same answers. */
        l7_free(m->alloc, x->st.memo);
        x->st.memo = NULL;
    }
    if (x->st.status == L7_INSPECT_CLASSIFIED) {
        const char *name = l7_protoset_name(m->from, x->st.result);
        uint32_t id;
        if (name && l7_protoset_lookup(&id, m->to, name) == 0) {
            x->st.result = id;
        } else {
            x->st.status = L7_INSPECT_UNKNOWN;
            x->st.result = L7_PROTO_ID_UNKNOWN;
        }
    }
    c->l7_proto = x->st.status == L7_INSPECT_CLASSIFIED ? (int32_t)x->st.result
                  : x->st.status == L7_INSPECT_UNKNOWN  ? L7_CT_L7_UNKNOWN
                                                        : L7_CT_L7_UNSET;
    return 0;
}

static int make_inspector(l7_inspector **out, l7_engine *e, l7_protoset *set)
{
    l7_inspect_options io;
    l7_inspect_options_init(&io);
    io.max_packets = e->opts.l7_max_packets;
    io.max_bytes = e->opts.l7_max_bytes;
    io.strict_first_packet = (e->opts.flags & L7_ENGINE_STRICT_FIRST_PACKET) != 0;
    io.collect_always = (e->opts.flags & L7_ENGINE_COLLECT_ALWAYS) != 0;
    if (e->opts.regex_match_limit)
        io.limits.match_limit = e->opts.regex_match_limit;
    l7_allocator hooks = {e->alloc.malloc_fn, e->alloc.realloc_fn, e->alloc.free_fn,
                          e->alloc.user};
    return l7_inspect_create(out, set, &io, &hooks);
}

int l7_engine_set_ruleset(l7_engine *e, l7_ruleset *rs)
{
    if (!e || !rs)
        return L7_EINVAL;
    if (rs == e->rs)
        return 0;
    uint32_t *xlat[L7_NAME_KIND_COUNT];
    L7_TRY(build_xlat(e, rs, xlat));
    size_t n = rs->nrules ? rs->nrules : 1;
    l7_rule_counter *nc = l7_calloc(&e->alloc, n, sizeof(*nc));
    l7_limit_state *nl = l7_calloc(&e->alloc, n, sizeof(*nl));
    uint8_t *used = l7_calloc(&e->alloc, e->rs && e->rs->nrules ? e->rs->nrules : 1, 1);
    l7_inspector *insp = NULL;
    int rc = nc && nl && used ? 0 : L7_ENOMEM;
    if (rc == 0 && e->rs && e->rs->protos != rs->protos)
        rc = make_inspector(&insp, e, rs->protos);
    if (rc < 0) {
        for (int k = 0; k < L7_NAME_KIND_COUNT; k++)
            l7_free(&e->alloc, xlat[k]);
        l7_free(&e->alloc, nc);
        l7_free(&e->alloc, nl);
        l7_free(&e->alloc, used);
        return rc;
    }
    /* Nothing below fails: the swap is all or nothing. */
    if (e->rs) {
        carry_counters(e->rs, e->counters, e->limits, rs, nc, nl, used);
        if (insp) {
            remap_ctx m = {l7_inspect_alloc(e->insp), e->rs->protos, rs->protos};
            /* now = 0: every entry, expired or not, gets remapped. */
            l7_conntrack_foreach(e->ct, 0, remap_conn, &m);
            l7_inspect_stats st;
            memset(&st, 0, sizeof(st));
            st.size = sizeof(st);
            if (l7_inspect_get_stats(&st, e->insp) == 0) {
                e->stats[L7_ENGINE_STAT_REGEX_RUNS] += st.regex_runs;
                e->stats[L7_ENGINE_STAT_REGEX_LIMIT_HITS] += st.limit_hits;
            }
            l7_inspect_destroy(e->insp);
            e->insp = insp;
        }
    }
    l7_free(&e->alloc, used);
    l7_free(&e->alloc, e->counters);
    l7_free(&e->alloc, e->limits);
    e->counters = nc;
    e->limits = nl;
    for (int k = 0; k < L7_NAME_KIND_COUNT; k++) {
        l7_free(&e->alloc, e->xlat[k]);
        e->xlat[k] = xlat[k];
    }
    l7_ruleset *old = e->rs;
    e->rs = l7_ruleset_ref(rs);
    l7_ruleset_destroy(old);
    if (e->ct)
        apply_ct_settings(e, rs);
    return 0;
}

l7_ruleset *l7_engine_ruleset(const l7_engine *e)
{
    return e ? e->rs : NULL;
}

static int empty_ruleset(l7_ruleset **out, const l7_allocator *alloc)
{
    l7_policy *p;
    L7_TRY(l7_policy_create(&p, alloc));
    int rc = l7_ruleset_compile(out, p, NULL);
    l7_policy_destroy(p);
    return rc;
}

int l7_engine_create(l7_engine **out, l7_ruleset *rs, const l7_engine_options *opts,
                     const l7_allocator *alloc)
{
    if (!out)
        return L7_EINVAL;
    *out = NULL;
    l7_engine_options o;
    l7_engine_options_init(&o);
    if (opts) {
        if (opts->size < offsetof(l7_engine_options, log_user) + sizeof(void *) ||
            opts->size > sizeof(o))
            return L7_EINVAL;
        memcpy(&o, opts, opts->size);
        o.size = sizeof(o);
    }
    if (o.l7_max_packets == 0 || o.l7_max_packets > 1000 || o.l7_max_bytes == 0 ||
        o.l7_max_bytes > 65536)
        return L7_ERANGE;
    l7_alloc a;
    L7_TRY(l7_alloc_init(&a, alloc));
    l7_engine *e = l7_calloc(&a, 1, sizeof(*e));
    if (!e)
        return L7_ENOMEM;
    e->alloc = a;
    e->opts = o;
    l7_engine_bind_env(e);
    l7_ruleset *own = NULL;
    int rc = 0;
    if (!rs) {
        rc = empty_ruleset(&own, alloc);
        rs = own;
    }
    if (rc == 0)
        rc = l7_engine_set_ruleset(e, rs);
    l7_ruleset_destroy(own);
    if (rc == 0)
        rc = make_inspector(&e->insp, e, e->rs->protos);
    if (rc == 0) {
        l7_conntrack_options co;
        l7_conntrack_options_init(&co);
        co.max_entries = max_entries_of(e, e->rs);
        co.loose_tcp = e->rs->ct.loose_tcp;
        co.tcp_in_order = (o.flags & L7_ENGINE_TCP_IN_ORDER) != 0;
        co.hash_seed = o.hash_seed;
        for (int i = 0; i < L7_CT_TIMEOUT_COUNT; i++)
            co.timeouts[i] = e->rs->ct.timeout[ct_timeout_map[i]];
        co.destructor = conn_destructor;
        co.destructor_user = e;
        rc = l7_conntrack_create(&e->ct, &co, alloc);
    }
    if (rc == 0)
        rc = l7_defrag_create(&e->defrag, NULL, alloc);
    if (rc == 0)
        rc = l7_packet_create(&e->pkt, alloc);
    if (rc == 0)
        rc = l7_packet_create(&e->pkt2, alloc);
    if (rc < 0) {
        l7_engine_destroy(e);
        return rc;
    }
    *out = e;
    return 0;
}

void l7_engine_destroy(l7_engine *e)
{
    if (!e)
        return;
    /* Connections first: their destructor frees inspection buffers. */
    l7_conntrack_destroy(e->ct);
    l7_inspect_destroy(e->insp);
    l7_defrag_destroy(e->defrag);
    l7_packet_destroy(e->pkt);
    l7_packet_destroy(e->pkt2);
    for (int k = 0; k < L7_NAME_KIND_COUNT; k++)
        l7_free(&e->alloc, e->xlat[k]);
    for (int k = 0; k < 3; k++)
        l7_names_free(&e->names[k], &e->alloc);
    l7_free(&e->alloc, e->counters);
    l7_free(&e->alloc, e->limits);
    l7_ruleset_destroy(e->rs);
    l7_alloc a = e->alloc;
    l7_free(&a, e);
}

static const l7_crule *rule_at(const l7_engine *e, uint32_t family, uint32_t table,
                               uint32_t pos)
{
    if (!e)
        return NULL;
    const l7_ruleset *rs = e->rs;
    for (uint32_t i = 0; i < rs->nrules; i++)
        if (rs->rules[i].family == family && rs->rules[i].table == table &&
            rs->rules[i].pos == pos)
            return &rs->rules[i];
    return NULL;
}

int l7_engine_rule_stats(uint64_t *out_packets, uint64_t *out_bytes, const l7_engine *e,
                         uint32_t family, uint32_t table, uint32_t pos)
{
    const l7_crule *r = rule_at(e, family, table, pos);
    if (!r)
        return L7_ENOTFOUND;
    if (out_packets)
        *out_packets = e->counters[r->index].packets;
    if (out_bytes)
        *out_bytes = e->counters[r->index].bytes;
    return 0;
}

int l7_engine_reset_rule_stats(l7_engine *e, uint32_t family, uint32_t table,
                               uint32_t pos)
{
    const l7_crule *r = rule_at(e, family, table, pos);
    if (!r)
        return L7_ENOTFOUND;
    memset(&e->counters[r->index], 0, sizeof(l7_rule_counter));
    return 0;
}

int l7_engine_reset_all_stats(l7_engine *e, uint32_t family, uint32_t table)
{
    if (!e || (family != 4 && family != 6) || table > 1)
        return L7_EINVAL;
    for (uint32_t i = 0; i < e->rs->nrules; i++)
        if (e->rs->rules[i].family == family && e->rs->rules[i].table == table)
            memset(&e->counters[i], 0, sizeof(l7_rule_counter));
    return 0;
}

uint64_t l7_engine_stat(const l7_engine *e, l7_engine_counter which)
{
    if (!e || (unsigned)which >= L7_ENGINE_STAT_COUNT)
        return 0;
    if (which == L7_ENGINE_STAT_CONNECTIONS)
        return l7_conntrack_stat(e->ct, L7_CT_STAT_LIVE);
    if (which == L7_ENGINE_STAT_REGEX_RUNS ||
        which == L7_ENGINE_STAT_REGEX_LIMIT_HITS) {
        l7_inspect_stats s;
        memset(&s, 0, sizeof(s));
        s.size = sizeof(s);
        if (l7_inspect_get_stats(&s, e->insp) < 0)
            return 0;
        /* Runs of inspectors replaced by swaps are kept in stats[]. */
        return e->stats[which] +
               (which == L7_ENGINE_STAT_REGEX_RUNS ? s.regex_runs : s.limit_hits);
    }
    return e->stats[which];
}

uint64_t l7_engine_invalid_count(const l7_engine *e, l7_packet_status status)
{
    if (!e || (unsigned)status >= L7_PACKET_STATUS_COUNT)
        return 0;
    return e->invalid_by_status[status];
}

static void defrag_drop(uint64_t cookie, void *user)
{
    (void)cookie;
    l7_engine *e = user;
    e->stats[L7_ENGINE_STAT_DROPPED]++;
}

size_t l7_engine_expire(l7_engine *e, uint64_t now, size_t budget)
{
    if (!e)
        return 0;
    size_t n = l7_conntrack_expire(e->ct, now, budget);
    l7_defrag_expire(e->defrag, now, defrag_drop, e);
    if (e->opts.addrlists) {
        size_t ignored;
        l7_addrlist_expire(&ignored, e->opts.addrlists, now, budget);
    }
    return n;
}

l7_conntrack *l7_engine_conntrack(const l7_engine *e)
{
    return e ? e->ct : NULL;
}

const char *l7_engine_conn_mark(const l7_engine *e, const l7_conn *conn)
{
    if (!e || !conn || conn->mark == 0 || conn->mark >= e->names[L7_NAME_CONNMARK].n)
        return NULL;
    return e->names[L7_NAME_CONNMARK].v[conn->mark];
}

const char *l7_engine_conn_layer7(const l7_engine *e, const l7_conn *conn)
{
    if (!e || !conn || !conn->inspect)
        return NULL;
    const eng_conn_ext *x = conn->inspect;
    if (x->st.status == L7_INSPECT_UNKNOWN)
        return "unknown";
    if (x->st.status == L7_INSPECT_CLASSIFIED)
        return l7_protoset_name(e->rs->protos, x->st.result);
    return NULL;
}
