/*
 * Connection table: slab of records, open-addressing index, early-drop
 * list, incremental expiry, iteration. The per-packet logic is in
 * conntrack_track.c, in-order TCP delivery in conntrack_stream.c.
 */
#define _DEFAULT_SOURCE /* madvise */
#include "conntrack_internal.h"

#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#define NS(s) ((uint64_t)(s)*L7_NSEC_PER_SEC)

/* RouterOS v7 defaults (routeros-spec 5.1, Decision 14). */
static const uint64_t default_timeouts[L7_CT_TIMEOUT_COUNT] = {
    [L7_CT_TIMEOUT_TCP_SYN_SENT] = NS(5),
    [L7_CT_TIMEOUT_TCP_SYN_RECEIVED] = NS(5),
    [L7_CT_TIMEOUT_TCP_ESTABLISHED] = NS(86400),
    [L7_CT_TIMEOUT_TCP_FIN_WAIT] = NS(10),
    [L7_CT_TIMEOUT_TCP_CLOSE_WAIT] = NS(10),
    [L7_CT_TIMEOUT_TCP_LAST_ACK] = NS(10),
    [L7_CT_TIMEOUT_TCP_TIME_WAIT] = NS(10),
    [L7_CT_TIMEOUT_TCP_CLOSE] = NS(10),
    [L7_CT_TIMEOUT_UDP] = NS(30),
    [L7_CT_TIMEOUT_UDP_STREAM] = NS(180),
    [L7_CT_TIMEOUT_ICMP] = NS(10),
    [L7_CT_TIMEOUT_GENERIC] = NS(600),
};

#define CT_MIN_SLOTS     16u
#define CT_HUGE_BYTES    ((size_t)2 << 20)
#define CT_BIG_CHUNK     17u /* 2^17 records = 16 MiB: most of it huge pages */
#define CT_SMALL_CHUNK   12u
#define CT_SWEEP_ON_FULL 64u
#define CT_EVICT_MAX     8u

void l7_conntrack_options_init(l7_conntrack_options *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof(*out));
    out->version = L7_CT_OPTIONS_VERSION;
    out->max_entries = L7_CT_DEFAULT_MAX_ENTRIES;
    out->loose_tcp = 1;
    out->reorder_max_bytes = 8192;
    memcpy(out->timeouts, default_timeouts, sizeof(default_timeouts));
}

void *l7_ct_alloc(struct l7_conntrack *ct, size_t n)
{
    void *p = l7_malloc(&ct->alloc, n);
    if (p)
        ct->mem += n;
    return p;
}

void l7_ct_free(struct l7_conntrack *ct, void *p, size_t n)
{
    if (!p)
        return;
    l7_free(&ct->alloc, p);
    ct->mem -= n;
}

/* Ask for transparent huge pages on the 2 MiB-aligned interior of a big
 * block: it halves the TLB misses of random lookups on big tables
 * (perf-anchors 4: +15-30 %). Only a hint. */
static void ct_advise_huge(const struct l7_conntrack *ct, void *p, size_t n)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (!ct->huge_pages || n < 2 * CT_HUGE_BYTES)
        return;
    uintptr_t lo = ((uintptr_t)p + CT_HUGE_BYTES - 1) & ~(uintptr_t)(CT_HUGE_BYTES - 1);
    uintptr_t hi = ((uintptr_t)p + n) & ~(uintptr_t)(CT_HUGE_BYTES - 1);
    if (hi > lo)
        (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
    (void)ct;
    (void)p;
    (void)n;
#endif
}

/* ---- index ---------------------------------------------------------------- */

static inline uint64_t slot_make(uint32_t tag, uint32_t idx)
{
    return (uint64_t)tag << 32 | (uint64_t)(idx + 1);
}

static int index_alloc(struct l7_conntrack *ct, size_t cap, uint64_t **slots,
                       void **raw, size_t *raw_bytes)
{
    size_t bytes = cap * sizeof(uint64_t) + 64;
    void *p = l7_calloc(&ct->alloc, 1, bytes);
    if (!p)
        return L7_ENOMEM;
    ct->mem += bytes;
    uintptr_t a = ((uintptr_t)p + 63) & ~(uintptr_t)63;
    *slots = (uint64_t *)a;
    *raw = p;
    *raw_bytes = bytes;
    ct_advise_huge(ct, *slots, cap * sizeof(uint64_t));
    return L7_OK;
}

static inline void index_put(uint64_t *slots, uint64_t mask, uint32_t shift, uint64_t s)
{
    uint64_t i = (uint32_t)(s >> 32) >> shift;
    while (slots[i])
        i = (i + 1) & mask;
    slots[i] = s;
}

static int index_resize(struct l7_conntrack *ct, size_t cap)
{
    uint64_t *slots;
    void *raw;
    size_t raw_bytes;
    L7_TRY(index_alloc(ct, cap, &slots, &raw, &raw_bytes));
    uint32_t shift = 32 - (uint32_t)__builtin_ctzll(cap);
    uint64_t mask = cap - 1;
    if (ct->slots) {
        for (uint64_t i = 0; i <= ct->slot_mask; i++)
            if (ct->slots[i])
                index_put(slots, mask, shift, ct->slots[i]);
        l7_ct_free(ct, ct->slots_raw, ct->slots_raw_bytes);
    }
    ct->slots = slots;
    ct->slots_raw = raw;
    ct->slots_raw_bytes = raw_bytes;
    ct->slot_mask = mask;
    ct->slot_shift = shift;
    return L7_OK;
}

/* Slots needed to hold `n` entries at a load of at most 3/4. */
static size_t index_cap_for(size_t n)
{
    size_t cap = CT_MIN_SLOTS;
    while (cap / 4 * 3 < n)
        cap <<= 1;
    return cap;
}

/* Delete slot `i`, shifting later members of its cluster back so that
 * probing never meets a hole before their entry (no tombstones). */
static void index_delete_at(struct l7_conntrack *ct, uint64_t i)
{
    uint64_t *slots = ct->slots;
    uint64_t mask = ct->slot_mask;
    uint64_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        uint64_t s = slots[j];
        if (!s)
            break;
        uint64_t home = (uint32_t)(s >> 32) >> ct->slot_shift;
        /* s may move to i only if its home is not cyclically in (i, j]. */
        int stays = (i <= j) ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            slots[i] = s;
            i = j;
        }
    }
    slots[i] = 0;
}

static uint64_t index_pos(const struct l7_conntrack *ct, uint32_t tag, uint32_t idx)
{
    uint64_t want = slot_make(tag, idx);
    uint64_t i = tag >> ct->slot_shift;
    while (ct->slots[i] != want)
        i = (i + 1) & ct->slot_mask;
    return i;
}

uint32_t l7_ct_idx_of(const struct l7_conntrack *ct, const struct l7_conn *c)
{
    uint64_t i = c->tag >> ct->slot_shift;
    for (;;) {
        uint64_t s = ct->slots[i];
        if (!s)
            return UINT32_MAX; /* not a connection of this table */
        if ((uint32_t)(s >> 32) == c->tag && ct_rec(ct, (uint32_t)s - 1) == c)
            return (uint32_t)s - 1;
        i = (i + 1) & ct->slot_mask;
    }
}

/* ---- early-drop list ------------------------------------------------------ */

static void fifo_push(struct l7_conntrack *ct, uint32_t idx)
{
    uint32_t *l = ct_links(ct, idx);
    l[0] = ct->fifo_tail;
    l[1] = 0;
    if (ct->fifo_tail)
        ct_links(ct, ct->fifo_tail - 1)[1] = idx + 1;
    else
        ct->fifo_head = idx + 1;
    ct->fifo_tail = idx + 1;
    ct_rec(ct, idx)->iflags |= CT_I_IN_FIFO;
}

static void fifo_unlink(struct l7_conntrack *ct, uint32_t idx)
{
    uint32_t *l = ct_links(ct, idx);
    if (l[0])
        ct_links(ct, l[0] - 1)[1] = l[1];
    else
        ct->fifo_head = l[1];
    if (l[1])
        ct_links(ct, l[1] - 1)[0] = l[0];
    else
        ct->fifo_tail = l[0];
    ct_rec(ct, idx)->iflags &= (uint8_t)~CT_I_IN_FIFO;
}

void l7_ct_assure(struct l7_conntrack *ct, struct l7_conn *c)
{
    c->flags |= L7_CONN_ASSURED;
    if (c->iflags & CT_I_IN_FIFO)
        fifo_unlink(ct, l7_ct_idx_of(ct, c));
}

/* ---- slab ----------------------------------------------------------------- */

static int slab_add_chunk(struct l7_conntrack *ct)
{
    if (ct->nchunks == ct->chunks_cap) {
        size_t cap = ct->chunks_cap ? ct->chunks_cap * 2 : 8;
        ct_chunk *c = l7_realloc(&ct->alloc, ct->chunks, cap * sizeof(*c));
        if (!c)
            return L7_ENOMEM;
        ct->chunks = c;
        struct l7_conn **r = l7_realloc(&ct->alloc, ct->chunk_recs, cap * sizeof(*r));
        if (!r)
            return L7_ENOMEM;
        ct->chunk_recs = r;
        uint32_t(**l)[2] = l7_realloc(&ct->alloc, ct->chunk_links, cap * sizeof(*l));
        if (!l)
            return L7_ENOMEM;
        ct->chunk_links = l;
        ct->mem += (cap - ct->chunks_cap) * (sizeof(*c) + sizeof(*r) + sizeof(*l));
        ct->chunks_cap = cap;
    }
    size_t n = (size_t)1 << ct->chunk_shift;
    size_t rec_bytes = n * sizeof(struct l7_conn);
    size_t bytes = rec_bytes + n * 2 * sizeof(uint32_t) + 64;
    void *raw = l7_ct_alloc(ct, bytes);
    if (!raw)
        return L7_ENOMEM;
    uintptr_t a = ((uintptr_t)raw + 63) & ~(uintptr_t)63;
    ct_advise_huge(ct, (void *)a, rec_bytes);
    ct->chunks[ct->nchunks] = (ct_chunk){raw, bytes};
    ct->chunk_recs[ct->nchunks] = (struct l7_conn *)a;
    ct->chunk_links[ct->nchunks] = (uint32_t(*)[2])(a + rec_bytes);
    ct->nchunks++;
    return L7_OK;
}

/* A free record index, or -1 (L7_ENOMEM). */
static int64_t slab_take(struct l7_conntrack *ct)
{
    if (ct->free_head) {
        uint32_t idx = ct->free_head - 1;
        ct->free_head = ct_rec(ct, idx)->mark;
        return idx;
    }
    if ((ct->carved >> ct->chunk_shift) >= ct->nchunks && slab_add_chunk(ct) < 0)
        return -1;
    return ct->carved++;
}

static void slab_put(struct l7_conntrack *ct, uint32_t idx)
{
    struct l7_conn *c = ct_rec(ct, idx);
    c->iflags = 0;
    c->mark = ct->free_head;
    ct->free_head = idx + 1;
}

void l7_ct_remove_idx(struct l7_conntrack *ct, uint32_t idx, int why)
{
    struct l7_conn *c = ct_rec(ct, idx);
    if (ct->destructor)
        ct->destructor(c, ct->destructor_user);
    if (c->stream)
        l7_ct_stream_release(ct, c);
    index_delete_at(ct, index_pos(ct, c->tag, idx));
    if (c->iflags & CT_I_IN_FIFO)
        fifo_unlink(ct, idx);
    slab_put(ct, idx);
    ct->live--;
    ct->stats[why]++;
}

/* Make room for one more entry; 0 when there is room. The cost is bounded
 * whatever the state: a sweep of CT_SWEEP_ON_FULL slots, then at most
 * CT_EVICT_MAX early drops (more than one only after the cap was lowered
 * below the live count: the table then shrinks a few entries per new
 * connection instead of all at once on one packet). */
static int make_room(struct l7_conntrack *ct, uint64_t now)
{
    if (ct->live < ct->max_entries)
        return 0;
    /* Expired entries go first: they cost nobody anything. */
    l7_conntrack_expire(ct, now, CT_SWEEP_ON_FULL);
    for (unsigned n = 0;
         n < CT_EVICT_MAX && ct->live >= ct->max_entries && ct->fifo_head; n++) {
        uint32_t idx = ct->fifo_head - 1;
        int why = ct_expired(ct, ct_rec(ct, idx), now) ? L7_CT_STAT_EXPIRED
                                                       : L7_CT_STAT_EVICTED;
        l7_ct_remove_idx(ct, idx, why);
    }
    return ct->live < ct->max_entries ? 0 : -1;
}

struct l7_conn *l7_ct_insert(struct l7_conntrack *ct, const l7_ct_key *key,
                             uint32_t tag, uint64_t now)
{
    if (L7_UNLIKELY(make_room(ct, now) < 0)) {
        ct->stats[L7_CT_STAT_REFUSED]++;
        return NULL;
    }
    if (L7_UNLIKELY((size_t)ct->live + 1 > (ct->slot_mask + 1) / 4 * 3) &&
        index_resize(ct, (ct->slot_mask + 1) * 2) < 0) {
        ct->stats[L7_CT_STAT_REFUSED]++;
        return NULL;
    }
    int64_t idx = slab_take(ct);
    if (L7_UNLIKELY(idx < 0)) {
        ct->stats[L7_CT_STAT_REFUSED]++;
        return NULL;
    }
    struct l7_conn *c = ct_rec(ct, (uint32_t)idx);
    memset(c, 0, sizeof(*c));
    c->key = *key;
    c->tag = tag;
    c->first_seen = now;
    c->last_seen = now;
    c->iflags = CT_I_LIVE;
    c->l7_proto = L7_CT_L7_UNSET;
    index_put(ct->slots, ct->slot_mask, ct->slot_shift, slot_make(tag, (uint32_t)idx));
    fifo_push(ct, (uint32_t)idx);
    ct->live++;
    ct->stats[L7_CT_STAT_CREATED]++;
    return c;
}

/* ---- create / destroy ----------------------------------------------------- */

int l7_conntrack_create(l7_conntrack **out, const l7_conntrack_options *opts,
                        const l7_allocator *alloc)
{
    if (!out)
        return L7_EINVAL;
    *out = NULL;
    l7_conntrack_options defaults;
    if (!opts) {
        l7_conntrack_options_init(&defaults);
        opts = &defaults;
    }
    if (opts->version != L7_CT_OPTIONS_VERSION || opts->max_entries == 0 ||
        opts->max_entries > L7_CT_MAX_ENTRIES_LIMIT || opts->loose_tcp > 1 ||
        opts->tcp_in_order > 1 || opts->huge_pages > 1)
        return L7_EINVAL;
    for (int i = 0; i < L7_CT_TIMEOUT_COUNT; i++)
        if (opts->timeouts[i] == 0)
            return L7_EINVAL;
    l7_alloc a;
    L7_TRY(l7_alloc_init(&a, alloc));
    struct l7_conntrack *ct = l7_calloc(&a, 1, sizeof(*ct));
    if (!ct)
        return L7_ENOMEM;
    ct->alloc = a;
    ct->mem = sizeof(*ct);
    ct->seed = opts->hash_seed;
    /* splitmix64 steps (public constants) spread the seed over the hash's
     * eight secret words. */
    uint64_t x = opts->hash_seed;
    for (int i = 0; i < 8; i++) {
        x += 0x9e3779b97f4a7c15ull;
        uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        ct->hkey[i] = (z ^ (z >> 31)) | 1; /* odd: never a zero factor alone */
    }
    memcpy(ct->timeouts, opts->timeouts, sizeof(ct->timeouts));
    ct->max_entries = opts->max_entries;
    ct->loose_tcp = opts->loose_tcp;
    ct->tcp_in_order = opts->tcp_in_order;
    ct->huge_pages = opts->huge_pages;
    ct->reorder_max = opts->reorder_max_bytes;
    ct->destructor = opts->destructor;
    ct->destructor_user = opts->destructor_user;
    /* Big tables get 16 MiB chunks (mostly huge pages); small ones small
     * chunks so that a 100-entry table does not cost megabytes. */
    uint32_t shift = CT_SMALL_CHUNK;
    if (opts->max_entries <= (1u << CT_SMALL_CHUNK)) {
        shift = 4;
        while ((1u << shift) < opts->max_entries)
            shift++;
    } else if (opts->max_entries >= (1u << CT_BIG_CHUNK) && opts->huge_pages) {
        shift = CT_BIG_CHUNK;
    }
    ct->chunk_shift = shift;
    size_t want = opts->initial_entries < opts->max_entries ? opts->initial_entries
                                                            : opts->max_entries;
    ct->initial_slots = index_cap_for(want);
    if (index_resize(ct, ct->initial_slots) < 0) {
        l7_free(&a, ct);
        return L7_ENOMEM;
    }
    *out = ct;
    return L7_OK;
}

static void remove_all(struct l7_conntrack *ct, int why)
{
    for (uint32_t i = 0; i < ct->carved; i++)
        if (ct_rec(ct, i)->iflags & CT_I_LIVE)
            l7_ct_remove_idx(ct, i, why);
}

void l7_conntrack_destroy(l7_conntrack *ct)
{
    if (!ct)
        return;
    if (ct->destructor)
        for (uint32_t i = 0; i < ct->carved; i++)
            if (ct_rec(ct, i)->iflags & CT_I_LIVE)
                ct->destructor(ct_rec(ct, i), ct->destructor_user);
    l7_ct_streams_destroy(ct);
    for (size_t i = 0; i < ct->nchunks; i++)
        l7_free(&ct->alloc, ct->chunks[i].raw);
    l7_free(&ct->alloc, ct->chunks);
    l7_free(&ct->alloc, ct->chunk_recs);
    l7_free(&ct->alloc, ct->chunk_links);
    l7_free(&ct->alloc, ct->slots_raw);
    l7_alloc a = ct->alloc;
    l7_free(&a, ct);
}

/* ---- settings and counters ------------------------------------------------ */

int l7_conntrack_set_timeout(l7_conntrack *ct, l7_ct_timeout which, uint64_t ns)
{
    if (!ct || (unsigned)which >= L7_CT_TIMEOUT_COUNT || ns == 0)
        return L7_EINVAL;
    ct->timeouts[which] = ns;
    return L7_OK;
}

uint64_t l7_conntrack_timeout(const l7_conntrack *ct, l7_ct_timeout which)
{
    if (!ct || (unsigned)which >= L7_CT_TIMEOUT_COUNT)
        return 0;
    return ct->timeouts[which];
}

int l7_conntrack_set_loose_tcp(l7_conntrack *ct, int on)
{
    if (!ct || (on != 0 && on != 1))
        return L7_EINVAL;
    ct->loose_tcp = (uint8_t)on;
    return L7_OK;
}

int l7_conntrack_set_max_entries(l7_conntrack *ct, uint32_t max_entries)
{
    if (!ct || max_entries == 0 || max_entries > L7_CT_MAX_ENTRIES_LIMIT)
        return L7_EINVAL;
    ct->max_entries = max_entries;
    return L7_OK;
}

uint64_t l7_conntrack_stat(const l7_conntrack *ct, l7_ct_stat which)
{
    if (!ct)
        return 0;
    switch (which) {
    case L7_CT_STAT_LIVE:
        return ct->live;
    case L7_CT_STAT_MAX_ENTRIES:
        return ct->max_entries;
    case L7_CT_STAT_MEMORY:
        return ct->mem;
    case L7_CT_STAT_RECORD_BYTES:
        return sizeof(struct l7_conn);
    default:
        if ((unsigned)which < L7_CT_STAT_COUNT)
            return ct->stats[which];
        return 0;
    }
}

/* ---- expiry, iteration, removal ------------------------------------------- */

size_t l7_conntrack_expire(l7_conntrack *ct, uint64_t now, size_t budget)
{
    if (!ct || !ct->carved)
        return 0;
    size_t n = 0;
    uint32_t cur = ct->sweep_cursor;
    if (budget > ct->carved)
        budget = ct->carved;
    while (budget--) {
        if (cur >= ct->carved)
            cur = 0;
        struct l7_conn *c = ct_rec(ct, cur);
        if ((c->iflags & CT_I_LIVE) && ct_expired(ct, c, now)) {
            l7_ct_remove_idx(ct, cur, L7_CT_STAT_EXPIRED);
            n++;
        }
        cur++;
    }
    ct->sweep_cursor = cur;
    return n;
}

int l7_conntrack_foreach(l7_conntrack *ct, uint64_t now, l7_conn_visit_fn fn,
                         void *user)
{
    if (!ct || !fn)
        return L7_EINVAL;
    for (uint32_t i = 0; i < ct->carved; i++) {
        struct l7_conn *c = ct_rec(ct, i);
        if ((c->iflags & CT_I_LIVE) && !ct_expired(ct, c, now)) {
            int rc = fn(c, user);
            if (rc)
                return rc;
        }
    }
    return 0;
}

size_t l7_conntrack_remove_if(l7_conntrack *ct, uint64_t now, l7_conn_visit_fn fn,
                              void *user)
{
    if (!ct || !fn)
        return 0;
    size_t n = 0;
    for (uint32_t i = 0; i < ct->carved; i++) {
        struct l7_conn *c = ct_rec(ct, i);
        if ((c->iflags & CT_I_LIVE) && !ct_expired(ct, c, now) && fn(c, user)) {
            l7_ct_remove_idx(ct, i, L7_CT_STAT_REMOVED);
            n++;
        }
    }
    return n;
}

int l7_conntrack_remove(l7_conntrack *ct, l7_conn *conn)
{
    if (!ct || !conn || !(conn->iflags & CT_I_LIVE))
        return L7_EINVAL;
    uint32_t idx = l7_ct_idx_of(ct, conn);
    if (idx == UINT32_MAX)
        return L7_EINVAL;
    l7_ct_remove_idx(ct, idx, L7_CT_STAT_REMOVED);
    return L7_OK;
}

/* An empty table gives back what it grew: slab chunks, the in-order pool,
 * and the index down to its initial size, so that the memory reported after
 * a flush is what a fresh table reports. */
static void release_storage(struct l7_conntrack *ct)
{
    for (size_t i = 0; i < ct->nchunks; i++)
        l7_ct_free(ct, ct->chunks[i].raw, ct->chunks[i].raw_bytes);
    size_t per_chunk =
        sizeof(ct_chunk) + sizeof(struct l7_conn *) + sizeof(uint32_t(*)[2]);
    l7_free(&ct->alloc, ct->chunks);
    l7_free(&ct->alloc, ct->chunk_recs);
    l7_free(&ct->alloc, ct->chunk_links);
    ct->mem -= ct->chunks_cap * per_chunk;
    ct->chunks = NULL;
    ct->chunk_recs = NULL;
    ct->chunk_links = NULL;
    ct->nchunks = ct->chunks_cap = 0;
    ct->carved = ct->free_head = ct->sweep_cursor = 0;
    ct->fifo_head = ct->fifo_tail = 0;
    l7_ct_free(ct, ct->streams, ct->streams_cap * sizeof(ct_stream));
    l7_ct_free(ct, ct->scratch, ct->scratch_cap);
    ct->streams = NULL;
    ct->scratch = NULL;
    ct->streams_cap = ct->scratch_cap = 0;
    ct->streams_used = ct->stream_free = 0;
    if (ct->slot_mask + 1 > ct->initial_slots)
        (void)index_resize(ct, ct->initial_slots); /* on failure keep the big one */
}

void l7_conntrack_flush(l7_conntrack *ct)
{
    if (!ct)
        return;
    remove_all(ct, L7_CT_STAT_REMOVED);
    release_storage(ct);
}
