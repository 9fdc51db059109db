/*
 * Address lists: the sharded entry hash, adds with RouterOS's re-add rules
 * (Decision 11), lookups, expiry and reload. See addrlist_internal.h for
 * the structure and lock order.
 */
/* pthread rwlocks under -std=c11, and glibc's writer-preferring kind. */
#define _GNU_SOURCE

#include "addrlist_internal.h"

#include <stdlib.h>

#define OPT_HAS(o, type, field)                                                        \
    ((o)->size >= offsetof(type, field) + sizeof((o)->field))

/* ---- memory --------------------------------------------------------------- */

void *al_alloc(l7_addrlist *al, size_t size)
{
    void *p = l7_calloc(&al->alloc, 1, size);
    if (p)
        atomic_fetch_add(&al->memory, size);
    return p;
}

void al_free(l7_addrlist *al, void *p, size_t size)
{
    if (!p)
        return;
    atomic_fetch_sub(&al->memory, size);
    l7_free(&al->alloc, p);
}

static char *comment_dup(l7_addrlist *al, const char *comment)
{
    if (!comment)
        return NULL;
    size_t n = strlen(comment) + 1;
    char *c = al_alloc(al, n);
    if (c)
        memcpy(c, comment, n);
    return c;
}

static void comment_free(l7_addrlist *al, char *comment)
{
    if (comment)
        al_free(al, comment, strlen(comment) + 1);
}

static void entry_free(l7_addrlist *al, al_entry *e)
{
    comment_free(al, e->comment);
    al_free(al, e, sizeof(*e));
}

/* ---- hashing -------------------------------------------------------------- */

static inline uint64_t mix64(uint64_t x)
{
    /* The splitmix64 / murmur3 finaliser. */
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

static inline uint64_t entry_hash(const l7_addrlist *al, uint32_t list_id, al_key first,
                                  al_key last, int is_range)
{
    uint64_t h = mix64(al->seed ^ ((uint64_t)list_id << 8) ^ (uint64_t)is_range);
    h = mix64(h ^ first.lo);
    h = mix64(h ^ first.hi);
    if (is_range) {
        h = mix64(h ^ last.lo);
        h = mix64(h ^ last.hi);
    }
    return h;
}

static inline al_shard *shard_of(l7_addrlist *al, uint64_t h)
{
    return &al->shards[h >> 60 & (AL_SHARDS - 1)];
}

static al_entry **bucket_of(al_shard *sh, uint64_t h)
{
    return &sh->buckets[h & sh->mask];
}

static int same_identity(const al_entry *e, uint32_t list_id, const l7_addr *first,
                         const l7_addr *last)
{
    return e->list_id == list_id && e->family == first->family &&
           memcmp(e->first.bytes, first->bytes, 16) == 0 &&
           memcmp(e->last.bytes, last->bytes, 16) == 0;
}

/* The link pointing at the entry with this identity, or NULL. */
static al_entry **find_link(al_shard *sh, uint64_t h, uint32_t list_id,
                            const l7_addr *first, const l7_addr *last)
{
    for (al_entry **link = bucket_of(sh, h); *link; link = &(*link)->next)
        if (same_identity(*link, list_id, first, last))
            return link;
    return NULL;
}

static uint64_t hash_of_entry(const l7_addrlist *al, const al_entry *e)
{
    return entry_hash(al, e->list_id, al_key_of(&e->first), al_key_of(&e->last),
                      e->is_range);
}

/* Double the bucket array once the load passes 1; failure keeps the old one. */
static void shard_maybe_grow(l7_addrlist *al, al_shard *sh)
{
    size_t n = sh->mask + 1;
    if (sh->count <= n)
        return;
    al_entry **grown = al_alloc(al, 2 * n * sizeof(*grown));
    if (!grown)
        return;
    size_t mask = 2 * n - 1;
    for (size_t b = 0; b < n; b++) {
        al_entry *e = sh->buckets[b];
        while (e) {
            al_entry *next = e->next;
            al_entry **to = &grown[hash_of_entry(al, e) & mask];
            e->next = *to;
            *to = e;
            e = next;
        }
    }
    al_free(al, sh->buckets, n * sizeof(*sh->buckets));
    sh->buckets = grown;
    sh->mask = mask;
}

/* ---- create / destroy ----------------------------------------------------- */

int l7_addrlist_create(l7_addrlist **out, const l7_addrlist_options *opts,
                       const l7_allocator *alloc)
{
    if (!out)
        return L7_EINVAL;
    *out = NULL;
    if (opts && opts->size < offsetof(l7_addrlist_options, max_entries))
        return L7_EINVAL;
    l7_alloc a;
    L7_TRY(l7_alloc_init(&a, alloc));
    l7_addrlist *al = l7_calloc(&a, 1, sizeof(*al));
    if (!al)
        return L7_ENOMEM;
    al->alloc = a;
    atomic_init(&al->memory, sizeof(*al));
    uint64_t max = L7_ADDRLIST_DEFAULT_MAX_ENTRIES;
    if (opts && OPT_HAS(opts, l7_addrlist_options, max_entries) && opts->max_entries)
        max = opts->max_entries;
    atomic_init(&al->max_entries, max);
    uint64_t seed = 0;
    if (opts && OPT_HAS(opts, l7_addrlist_options, hash_seed))
        seed = opts->hash_seed;
    /* Without a caller seed, the object's address gives each process (with
     * ASLR) a different hash, which is better than a fixed one. */
    al->seed = mix64(seed ? seed : (uint64_t)(uintptr_t)al ^ 0x9e3779b97f4a7c15ull);

    /* Readers (lookups) hold a lock only briefly but may overlap without
     * end on a busy shard; a reader-preferring lock (glibc's default) could
     * then starve packet-rate adds. Nothing takes a read lock recursively,
     * so writer preference is safe. */
    pthread_rwlockattr_t attr;
    if (pthread_rwlockattr_init(&attr) != 0) {
        l7_free(&a, al);
        return L7_ENOMEM;
    }
#if defined(__GLIBC__)
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
#endif
    int rc = L7_OK;
    size_t made = 0;
    for (; made < AL_SHARDS; made++) {
        al_shard *sh = &al->shards[made];
        sh->buckets = al_alloc(al, AL_FIRST_BUCKETS * sizeof(*sh->buckets));
        if (!sh->buckets || pthread_rwlock_init(&sh->lock, &attr) != 0) {
            al_free(al, sh->buckets, AL_FIRST_BUCKETS * sizeof(*sh->buckets));
            rc = L7_ENOMEM;
            break;
        }
        sh->mask = AL_FIRST_BUCKETS - 1;
    }
    int lists_ok = rc == L7_OK && pthread_rwlock_init(&al->lists_lock, &attr) == 0;
    pthread_rwlockattr_destroy(&attr);
    int expire_ok = lists_ok && pthread_mutex_init(&al->expire_lock, NULL) == 0;
    if (!expire_ok) {
        if (lists_ok)
            pthread_rwlock_destroy(&al->lists_lock);
        for (size_t i = 0; i < made; i++) {
            pthread_rwlock_destroy(&al->shards[i].lock);
            l7_free(&a, al->shards[i].buckets);
        }
        l7_free(&a, al);
        return L7_ENOMEM;
    }
    *out = al;
    return L7_OK;
}

void l7_addrlist_destroy(l7_addrlist *al)
{
    if (!al)
        return;
    for (size_t s = 0; s < AL_SHARDS; s++) {
        al_shard *sh = &al->shards[s];
        for (size_t b = 0; b <= sh->mask; b++) {
            al_entry *e = sh->buckets[b];
            while (e) {
                al_entry *next = e->next;
                entry_free(al, e);
                e = next;
            }
        }
        l7_free(&al->alloc, sh->buckets);
        pthread_rwlock_destroy(&sh->lock);
    }
    uint32_t n = atomic_load(&al->nlists);
    for (uint32_t i = 0; i < n; i++) {
        al_rangeset_free(al, &al->lists[i]->rs[0]);
        al_rangeset_free(al, &al->lists[i]->rs[1]);
        l7_free(&al->alloc, al->lists[i]->name);
        l7_free(&al->alloc, al->lists[i]);
    }
    l7_free(&al->alloc, al->lists);
    pthread_rwlock_destroy(&al->lists_lock);
    pthread_mutex_destroy(&al->expire_lock);
    l7_alloc a = al->alloc;
    l7_free(&a, al);
}

int l7_addrlist_set_max_entries(l7_addrlist *al, uint64_t max_entries)
{
    if (!al || max_entries == 0)
        return L7_EINVAL;
    atomic_store(&al->max_entries, max_entries);
    return L7_OK;
}

/* ---- list names ----------------------------------------------------------- */

static int find_name(l7_addrlist *al, uint32_t *out, const char *name, size_t len)
{
    uint32_t n = atomic_load_explicit(&al->nlists, memory_order_relaxed);
    for (uint32_t i = 0; i < n; i++) {
        if (al->lists[i]->name_len == len &&
            memcmp(al->lists[i]->name, name, len) == 0) {
            *out = i;
            return L7_OK;
        }
    }
    return L7_ENOTFOUND;
}

static int name_ok(const char *name, size_t len)
{
    return name && len > 0 && len <= L7_ADDRLIST_NAME_MAX && !memchr(name, '\0', len);
}

int l7_addrlist_list_id(uint32_t *out, l7_addrlist *al, const char *name, size_t len)
{
    if (!out || !al || !name_ok(name, len))
        return L7_EINVAL;
    pthread_rwlock_wrlock(&al->lists_lock);
    int rc = find_name(al, out, name, len);
    if (rc == L7_ENOTFOUND) {
        uint32_t n = atomic_load(&al->nlists);
        rc = L7_ENOMEM;
        if (n == al->lists_cap) {
            size_t cap = al->lists_cap ? al->lists_cap * 2 : 8;
            al_list **grown = l7_realloc(&al->alloc, al->lists, cap * sizeof(*grown));
            if (!grown)
                goto done;
            atomic_fetch_add(&al->memory, (cap - al->lists_cap) * sizeof(*grown));
            al->lists = grown;
            al->lists_cap = cap;
        }
        al_list *list = al_alloc(al, sizeof(*list));
        char *copy = list ? al_alloc(al, len + 1) : NULL;
        if (!copy) {
            al_free(al, list, sizeof(*list));
            goto done;
        }
        memcpy(copy, name, len);
        list->name = copy;
        list->name_len = len;
        al->lists[n] = list;
        atomic_store_explicit(&al->nlists, n + 1, memory_order_release);
        *out = n;
        rc = L7_OK;
    }
done:
    pthread_rwlock_unlock(&al->lists_lock);
    return rc;
}

int l7_addrlist_list_find(uint32_t *out, l7_addrlist *al, const char *name, size_t len)
{
    if (!out || !al || !name_ok(name, len))
        return L7_EINVAL;
    pthread_rwlock_rdlock(&al->lists_lock);
    int rc = find_name(al, out, name, len);
    pthread_rwlock_unlock(&al->lists_lock);
    return rc;
}

const char *l7_addrlist_list_name(l7_addrlist *al, uint32_t list_id)
{
    if (!al)
        return NULL;
    const char *name = NULL;
    pthread_rwlock_rdlock(&al->lists_lock);
    if (list_id < atomic_load(&al->nlists))
        name = al->lists[list_id]->name; /* never freed before destroy */
    pthread_rwlock_unlock(&al->lists_lock);
    return name;
}

uint32_t l7_addrlist_list_count(l7_addrlist *al)
{
    return al ? atomic_load(&al->nlists) : 0;
}

/* ---- add / remove --------------------------------------------------------- */

typedef struct add_request {
    uint32_t mode, dynamic, disabled;
    uint64_t expiry;
    const char *comment;
} add_request;

static int set_comment(l7_addrlist *al, al_entry *e, const char *comment)
{
    char *c = comment_dup(al, comment);
    if (comment && !c)
        return L7_ENOMEM;
    comment_free(al, e->comment);
    e->comment = c;
    return L7_OK;
}

/* An expired dynamic entry is gone for every purpose but memory: reuse it. */
/* An entry as a fresh add makes it: a new one, or an expired one revived. */
static void take_request(l7_addrlist *al, al_entry *e, const add_request *rq,
                         uint64_t now)
{
    e->expiry = rq->expiry;
    e->dynamic = (uint8_t)rq->dynamic;
    e->disabled = (uint8_t)rq->disabled;
    e->from_rule = rq->mode == L7_ADDRLIST_ADD_RULE;
    e->generation = atomic_load(&al->generation);
    e->created = now;
    e->seq = atomic_fetch_add(&al->next_seq, 1);
}

static int revive(l7_addrlist *al, al_entry *e, const add_request *rq, uint64_t now)
{
    L7_TRY(set_comment(al, e, rq->comment));
    if (!rq->dynamic)
        atomic_fetch_sub(&al->dynamic_entries, 1);
    /* The old expiry is <= now < the new one, so the entry only grows;
     * a revived disabled entry's stale segment is already dead. */
    if (e->is_range)
        pthread_rwlock_wrlock(&al->lists_lock);
    take_request(al, e, rq, now);
    if (e->is_range) {
        al_ranges_grew(al, e);
        pthread_rwlock_unlock(&al->lists_lock);
    }
    return L7_OK;
}

static int readd(l7_addrlist *al, al_entry *e, const add_request *rq)
{
    if (rq->mode == L7_ADDRLIST_ADD_RULE) {
        /* Decision 11: only a dynamic entry with a timeout moves, and only
         * later; a none-static add over it makes it static. */
        if (!e->dynamic || e->expiry == AL_NEVER || rq->expiry <= e->expiry)
            return L7_OK;
        if (e->is_range)
            pthread_rwlock_wrlock(&al->lists_lock);
        e->expiry = rq->expiry;
        if (!rq->dynamic) {
            e->dynamic = 0;
            e->from_rule = 1;
            atomic_fetch_sub(&al->dynamic_entries, 1);
        }
        if (e->is_range) {
            al_ranges_grew(al, e);
            pthread_rwlock_unlock(&al->lists_lock);
        }
        return L7_OK;
    }
    uint32_t gen = atomic_load(&al->generation);
    if (e->dynamic || e->from_rule || rq->dynamic || e->generation == gen)
        return L7_EEXIST;
    /* A reload re-adding its static entry: adopt it into the new generation. */
    L7_TRY(set_comment(al, e, rq->comment));
    e->generation = gen;
    if (e->disabled != rq->disabled) {
        if (e->is_range)
            pthread_rwlock_wrlock(&al->lists_lock);
        e->disabled = (uint8_t)rq->disabled;
        if (e->is_range) {
            if (rq->disabled)
                al_ranges_shrank(al, e);
            else
                al_ranges_grew(al, e);
            pthread_rwlock_unlock(&al->lists_lock);
        }
    }
    return L7_OK;
}

static int insert_new(l7_addrlist *al, al_shard *sh, uint64_t h, uint32_t list_id,
                      const l7_addr *first, const l7_addr *last, const add_request *rq,
                      uint64_t now)
{
    uint64_t max = atomic_load(&al->max_entries);
    if (atomic_fetch_add(&al->entries, 1) >= max) {
        atomic_fetch_sub(&al->entries, 1);
        atomic_fetch_add(&al->refused, 1);
        return L7_ELIMIT;
    }
    al_entry *e = al_alloc(al, sizeof(*e));
    if (!e || set_comment(al, e, rq->comment) != L7_OK) {
        if (e)
            al_free(al, e, sizeof(*e));
        atomic_fetch_sub(&al->entries, 1);
        return L7_ENOMEM;
    }
    e->first = *first;
    e->last = *last;
    e->family = first->family;
    e->list_id = list_id;
    e->is_range = l7v_addr_cmp(first, last) != 0;
    take_request(al, e, rq, now);
    if (e->is_range) {
        pthread_rwlock_wrlock(&al->lists_lock);
        int rc = al_ranges_insert(al, e);
        pthread_rwlock_unlock(&al->lists_lock);
        if (rc != L7_OK) {
            entry_free(al, e);
            atomic_fetch_sub(&al->entries, 1);
            return rc;
        }
        atomic_fetch_add(&al->range_entries[al_fam_index(e->family)], 1);
    }
    al_entry **bucket = bucket_of(sh, h);
    e->next = *bucket;
    *bucket = e;
    sh->count++;
    if (e->dynamic)
        atomic_fetch_add(&al->dynamic_entries, 1);
    shard_maybe_grow(al, sh);
    return L7_OK;
}

static int add_entry(l7_addrlist *al, uint32_t list_id, const l7_addr *first,
                     const l7_addr *last, const add_request *rq, uint64_t now)
{
    int is_range = l7v_addr_cmp(first, last) != 0;
    uint64_t h = entry_hash(al, list_id, al_key_of(first), al_key_of(last), is_range);
    al_shard *sh = shard_of(al, h);
    pthread_rwlock_wrlock(&sh->lock);
    al_entry **link = find_link(sh, h, list_id, first, last);
    int rc;
    if (!link)
        rc = insert_new(al, sh, h, list_id, first, last, rq, now);
    else if ((*link)->dynamic && (*link)->expiry <= now)
        rc = revive(al, *link, rq, now);
    else
        rc = readd(al, *link, rq);
    pthread_rwlock_unlock(&sh->lock);
    return rc;
}

/* Validate and normalise an address set into first/last of one family. */
static int check_spec(l7_addr *first, l7_addr *last, const l7_value_addrspec *spec)
{
    if (!spec || spec->first.family != spec->last.family ||
        l7v_addr_size(spec->first.family) == 0)
        return L7_EINVAL;
    *first = spec->first;
    *last = spec->last;
    size_t n = l7v_addr_size(first->family);
    memset(first->pad, 0, sizeof(first->pad));
    memset(last->pad, 0, sizeof(last->pad));
    memset(first->bytes + n, 0, 16 - n);
    memset(last->bytes + n, 0, 16 - n);
    int order = l7v_addr_cmp(first, last);
    if (order > 0)
        return L7_EINVAL;
    uint32_t plen;
    if (first->family == 6 && order != 0 && !l7v_range_is_prefix(first, last, &plen))
        return L7_ERANGE; /* RouterOS has no IPv6 ranges */
    return L7_OK;
}

static uint64_t expiry_of(uint32_t dynamic, uint64_t timeout_ns, uint64_t now)
{
    if (!dynamic || timeout_ns == 0)
        return AL_NEVER;
    return now > AL_NEVER - 1 - timeout_ns ? AL_NEVER - 1 : now + timeout_ns;
}

int l7_addrlist_add(l7_addrlist *al, uint32_t list_id, const l7_value_addrspec *address,
                    const l7_addrlist_entry_options *opts, uint64_t now)
{
    if (!al || (opts && opts->size < offsetof(l7_addrlist_entry_options, timeout_ns)))
        return L7_EINVAL;
    l7_addr first, last;
    L7_TRY(check_spec(&first, &last, address));
    if (list_id >= atomic_load_explicit(&al->nlists, memory_order_acquire))
        return L7_EINVAL;
    add_request rq = {L7_ADDRLIST_ADD_MANUAL, 0, 0, AL_NEVER, NULL};
    uint64_t timeout = 0;
    if (opts) {
        rq.mode = opts->mode;
        rq.dynamic = opts->dynamic;
        rq.disabled = opts->disabled;
        if (OPT_HAS(opts, l7_addrlist_entry_options, timeout_ns))
            timeout = opts->timeout_ns;
        if (OPT_HAS(opts, l7_addrlist_entry_options, comment))
            rq.comment = opts->comment;
    }
    if (rq.mode > L7_ADDRLIST_ADD_RULE || rq.dynamic > 1 || rq.disabled > 1)
        return L7_EINVAL;
    if (rq.dynamic && timeout > (uint64_t)L7_ADDRLIST_TIMEOUT_MAX_SEC * L7_NSEC_PER_SEC)
        return L7_ERANGE;
    rq.expiry = expiry_of(rq.dynamic, timeout, now);
    return add_entry(al, list_id, &first, &last, &rq, now);
}

int l7_addrlist_add_rule(l7_addrlist *al, uint32_t list_id, const l7_addr *addr,
                         uint32_t dynamic, uint64_t timeout_ns, uint64_t now)
{
    if (!al || !addr || dynamic > 1 || l7v_addr_size(addr->family) == 0)
        return L7_EINVAL;
    if (list_id >= atomic_load_explicit(&al->nlists, memory_order_acquire))
        return L7_EINVAL;
    if (dynamic && timeout_ns > (uint64_t)L7_ADDRLIST_TIMEOUT_MAX_SEC * L7_NSEC_PER_SEC)
        return L7_ERANGE;
    l7_addr a = *addr;
    size_t n = l7v_addr_size(a.family);
    memset(a.pad, 0, sizeof(a.pad));
    memset(a.bytes + n, 0, 16 - n);
    add_request rq = {L7_ADDRLIST_ADD_RULE, dynamic, 0,
                      expiry_of(dynamic, timeout_ns, now), NULL};
    return add_entry(al, list_id, &a, &a, &rq, now);
}

/* Unlink and free `*link` (caller holds its shard for writing). */
static void unlink_entry(l7_addrlist *al, al_shard *sh, al_entry **link)
{
    al_entry *e = *link;
    *link = e->next;
    sh->count--;
    if (e->is_range) {
        pthread_rwlock_wrlock(&al->lists_lock);
        al_ranges_remove(al, e);
        pthread_rwlock_unlock(&al->lists_lock);
        atomic_fetch_sub(&al->range_entries[al_fam_index(e->family)], 1);
    }
    if (e->dynamic)
        atomic_fetch_sub(&al->dynamic_entries, 1);
    atomic_fetch_sub(&al->entries, 1);
    entry_free(al, e);
}

int l7_addrlist_remove(l7_addrlist *al, uint32_t list_id,
                       const l7_value_addrspec *address)
{
    if (!al)
        return L7_EINVAL;
    l7_addr first, last;
    L7_TRY(check_spec(&first, &last, address));
    int is_range = l7v_addr_cmp(&first, &last) != 0;
    uint64_t h = entry_hash(al, list_id, al_key_of(&first), al_key_of(&last), is_range);
    al_shard *sh = shard_of(al, h);
    pthread_rwlock_wrlock(&sh->lock);
    al_entry **link = find_link(sh, h, list_id, &first, &last);
    if (link)
        unlink_entry(al, sh, link);
    pthread_rwlock_unlock(&sh->lock);
    return link ? L7_OK : L7_ENOTFOUND;
}

int l7_addrlist_set_disabled(l7_addrlist *al, uint32_t list_id,
                             const l7_value_addrspec *address, uint32_t disabled)
{
    if (!al || disabled > 1)
        return L7_EINVAL;
    l7_addr first, last;
    L7_TRY(check_spec(&first, &last, address));
    int is_range = l7v_addr_cmp(&first, &last) != 0;
    uint64_t h = entry_hash(al, list_id, al_key_of(&first), al_key_of(&last), is_range);
    al_shard *sh = shard_of(al, h);
    pthread_rwlock_wrlock(&sh->lock);
    al_entry **link = find_link(sh, h, list_id, &first, &last);
    if (link && (*link)->disabled != disabled) {
        al_entry *e = *link;
        if (e->is_range) {
            pthread_rwlock_wrlock(&al->lists_lock);
            e->disabled = (uint8_t)disabled;
            if (disabled)
                al_ranges_shrank(al, e);
            else
                al_ranges_grew(al, e);
            pthread_rwlock_unlock(&al->lists_lock);
        } else {
            e->disabled = (uint8_t)disabled;
        }
    }
    pthread_rwlock_unlock(&sh->lock);
    return link ? L7_OK : L7_ENOTFOUND;
}

/* ---- lookup --------------------------------------------------------------- */

int l7_addrlist_contains(l7_addrlist *al, uint32_t list_id, const l7_addr *addr,
                         uint64_t now)
{
    if (L7_UNLIKELY(!al || !addr || l7v_addr_size(addr->family) == 0))
        return L7_EINVAL;
    l7_addr a;
    a.family = addr->family;
    memset(a.pad, 0, sizeof(a.pad));
    memcpy(a.bytes, addr->bytes, 16);
    if (a.family == 4)
        memset(a.bytes + 4, 0, 12);
    al_key k = al_key_of(&a);
    uint64_t h = entry_hash(al, list_id, k, k, 0);
    al_shard *sh = shard_of(al, h);
    int hit = 0;
    pthread_rwlock_rdlock(&sh->lock);
    for (const al_entry *e = *bucket_of(sh, h); e; e = e->next) {
        if (e->list_id == list_id && !e->is_range && e->family == a.family &&
            memcmp(e->first.bytes, a.bytes, 16) == 0) {
            hit = !e->disabled && e->expiry > now;
            break;
        }
    }
    pthread_rwlock_unlock(&sh->lock);
    if (hit)
        return 1;
    if (atomic_load_explicit(&al->range_entries[al_fam_index(a.family)],
                             memory_order_relaxed) == 0)
        return 0;
    return al_ranges_contains(al, list_id, &a, now);
}

/* ---- expiry and reload ---------------------------------------------------- */

static int is_expired(const al_entry *e, uint64_t now)
{
    return e->dynamic && e->expiry <= now;
}

int l7_addrlist_expire(size_t *out, l7_addrlist *al, uint64_t now, size_t budget)
{
    if (out)
        *out = 0;
    if (!al)
        return L7_EINVAL;
    size_t examined = 0, reclaimed = 0;
    pthread_mutex_lock(&al->expire_lock);
    uint32_t s = al->expire_shard;
    size_t b = al->expire_bucket;
    int stop = 0;
    /* One more visit than shards: the first shard may have started midway. */
    for (uint32_t visit = 0; visit <= AL_SHARDS && !stop; visit++) {
        al_shard *sh = &al->shards[s];
        pthread_rwlock_wrlock(&sh->lock);
        for (; b <= sh->mask && !stop; b++) {
            al_entry **link = &sh->buckets[b];
            examined++; /* an empty bucket costs a visit too */
            while (*link) {
                examined++;
                if (is_expired(*link, now)) {
                    unlink_entry(al, sh, link);
                    reclaimed++;
                } else {
                    link = &(*link)->next;
                }
            }
            stop = budget && examined >= budget;
        }
        int finished = b > sh->mask;
        pthread_rwlock_unlock(&sh->lock);
        if (finished) {
            s = (s + 1) % AL_SHARDS;
            b = 0;
        }
    }
    al->expire_shard = s;
    al->expire_bucket = b;
    pthread_mutex_unlock(&al->expire_lock);
    atomic_fetch_add(&al->reclaimed, reclaimed);
    if (out)
        *out = reclaimed;
    return L7_OK;
}

int l7_addrlist_reload_begin(uint32_t *out, l7_addrlist *al)
{
    if (!out || !al)
        return L7_EINVAL;
    *out = atomic_fetch_add(&al->generation, 1) + 1;
    return L7_OK;
}

int l7_addrlist_reload_commit(size_t *out, l7_addrlist *al, uint32_t generation)
{
    if (out)
        *out = 0;
    if (!al)
        return L7_EINVAL;
    if (generation != atomic_load(&al->generation))
        return L7_ESTATE;
    size_t removed = 0;
    for (size_t s = 0; s < AL_SHARDS; s++) {
        al_shard *sh = &al->shards[s];
        pthread_rwlock_wrlock(&sh->lock);
        for (size_t b = 0; b <= sh->mask; b++) {
            al_entry **link = &sh->buckets[b];
            while (*link) {
                const al_entry *e = *link;
                if (!e->dynamic && !e->from_rule && e->generation != generation) {
                    unlink_entry(al, sh, link);
                    removed++;
                } else {
                    link = &(*link)->next;
                }
            }
        }
        pthread_rwlock_unlock(&sh->lock);
    }
    if (out)
        *out = removed;
    return L7_OK;
}

/* ---- iteration and counters ----------------------------------------------- */

static int entry_selected(const al_entry *e, int64_t list, uint32_t family,
                          uint64_t now)
{
    return (list < 0 || e->list_id == (uint64_t)list) &&
           (family == 0 || e->family == family) && !is_expired(e, now);
}

static void lock_all_shards(l7_addrlist *al)
{
    for (size_t s = 0; s < AL_SHARDS; s++)
        pthread_rwlock_rdlock(&al->shards[s].lock);
}

static void unlock_all_shards(l7_addrlist *al)
{
    for (size_t s = AL_SHARDS; s-- > 0;)
        pthread_rwlock_unlock(&al->shards[s].lock);
}

int l7_addrlist_count(size_t *out, l7_addrlist *al, int64_t list, uint32_t family,
                      uint64_t now)
{
    if (!out || !al || (family != 0 && family != 4 && family != 6))
        return L7_EINVAL;
    size_t n = 0;
    lock_all_shards(al);
    for (size_t s = 0; s < AL_SHARDS; s++)
        for (size_t b = 0; b <= al->shards[s].mask; b++)
            for (const al_entry *e = al->shards[s].buckets[b]; e; e = e->next)
                n += (size_t)entry_selected(e, list, family, now);
    unlock_all_shards(al);
    *out = n;
    return L7_OK;
}

static int by_seq(const void *a, const void *b)
{
    const al_entry *x = *(al_entry *const *)a, *y = *(al_entry *const *)b;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int l7_addrlist_foreach(l7_addrlist *al, int64_t list, uint32_t family, uint64_t now,
                        l7_addrlist_entry_fn fn, void *user)
{
    if (!al || !fn || (family != 0 && family != 4 && family != 6))
        return L7_EINVAL;
    lock_all_shards(al);
    pthread_rwlock_rdlock(&al->lists_lock);
    size_t total = 0;
    for (size_t s = 0; s < AL_SHARDS; s++)
        total += al->shards[s].count;
    al_entry **sel = l7_malloc(&al->alloc, (total ? total : 1) * sizeof(*sel));
    int rc = L7_ENOMEM;
    if (sel) {
        size_t n = 0;
        for (size_t s = 0; s < AL_SHARDS; s++)
            for (size_t b = 0; b <= al->shards[s].mask; b++)
                for (al_entry *e = al->shards[s].buckets[b]; e; e = e->next)
                    if (entry_selected(e, list, family, now))
                        sel[n++] = e;
        qsort(sel, n, sizeof(*sel), by_seq);
        rc = L7_OK;
        for (size_t i = 0; i < n && rc == 0; i++) {
            const al_entry *e = sel[i];
            l7_addrlist_entry_info info;
            memset(&info, 0, sizeof(info));
            info.list_id = e->list_id;
            info.dynamic = e->dynamic;
            info.disabled = e->disabled;
            info.has_timeout = e->dynamic && e->expiry != AL_NEVER;
            info.from_rule = e->from_rule;
            info.list_name = al->lists[e->list_id]->name;
            info.comment = e->comment;
            l7_value_addrspec_from_range(&info.address, &e->first, &e->last);
            info.timeout_remaining_ns = info.has_timeout ? e->expiry - now : 0;
            info.creation_time = e->created;
            rc = fn(&info, user);
        }
        l7_free(&al->alloc, sel);
    }
    pthread_rwlock_unlock(&al->lists_lock);
    unlock_all_shards(al);
    return rc;
}

int l7_addrlist_get_stats(l7_addrlist_stats *out, l7_addrlist *al)
{
    if (!out || !al)
        return L7_EINVAL;
    memset(out, 0, sizeof(*out));
    out->entries = atomic_load(&al->entries);
    out->dynamic_entries = atomic_load(&al->dynamic_entries);
    out->range_entries =
        atomic_load(&al->range_entries[0]) + atomic_load(&al->range_entries[1]);
    out->lists = atomic_load(&al->nlists);
    out->max_entries = atomic_load(&al->max_entries);
    out->refused = atomic_load(&al->refused);
    out->reclaimed = atomic_load(&al->reclaimed);
    out->memory_bytes = atomic_load(&al->memory);
    return L7_OK;
}
