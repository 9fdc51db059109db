/*
 * Range sets: prefixes and ranges of one list and family as sorted arrays
 * of disjoint segments, each with the latest expiry of the entries covering
 * it. Two arrays: a main one and one for the entries added since the main
 * one was built, so that a stream of adds rebuilds only the small array
 * (sqrt(n) entries at most) and folds into the main one rarely. Correct with overlaps:
 * an address is a member at `now` exactly when some covering entry lives past `now`,
 * i.e. when the maximum expiry over its covering entries is above `now`, and that
 * maximum is constant between two consecutive entry boundaries.
 */
/* pthread rwlocks under -std=c11. */
#define _POSIX_C_SOURCE 200809L

#include "addrlist_internal.h"

#include <stdlib.h>

static al_key key_max(uint8_t family)
{
    al_key k = {family == 6 ? UINT64_MAX : 0, family == 6 ? UINT64_MAX : 0xffffffffu};
    return k;
}

static al_key key_inc(al_key k)
{
    k.lo++;
    if (k.lo == 0)
        k.hi++;
    return k;
}

static al_key key_dec(al_key k)
{
    if (k.lo == 0)
        k.hi--;
    k.lo--;
    return k;
}

static int key_cmp(const void *a, const void *b)
{
    const al_key *x = a, *y = b;
    return al_key_lt(*x, *y) ? -1 : al_key_lt(*y, *x) ? 1 : 0;
}

static int seg_cmp_lo(const void *a, const void *b)
{
    return key_cmp(&((const al_seg *)a)->lo, &((const al_seg *)b)->lo);
}

static al_seg seg_of(const al_entry *e)
{
    al_seg s = {al_key_of(&e->first), al_key_of(&e->last), e->expiry};
    return s;
}

static al_rangeset *rangeset_of(l7_addrlist *al, const al_entry *e)
{
    return &al->lists[e->list_id]->rs[al_fam_index(e->family)];
}

int al_ranges_insert(l7_addrlist *al, al_entry *e)
{
    al_rangeset *rs = rangeset_of(al, e);
    if (rs->count == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 8;
        al_entry **grown = l7_realloc(&al->alloc, rs->entries, cap * sizeof(*grown));
        if (!grown)
            return L7_ENOMEM;
        atomic_fetch_add(&al->memory, (cap - rs->cap) * sizeof(*grown));
        rs->entries = grown;
        rs->cap = cap;
    }
    e->range_pos = (uint32_t)rs->count;
    rs->entries[rs->count++] = e;
    if (!e->disabled)
        rs->recent_dirty = 1;
    return L7_OK;
}

void al_ranges_remove(l7_addrlist *al, al_entry *e)
{
    al_rangeset *rs = rangeset_of(al, e);
    size_t pos = e->range_pos;
    if (pos >= rs->count || rs->entries[pos] != e)
        return; /* not indexed (an insert that failed) */
    rs->entries[pos] = rs->entries[--rs->count];
    rs->entries[pos]->range_pos = (uint32_t)pos;
    /* The swap mixes the main and recent parts: rebuild both. */
    rs->dirty = 1;
}

void al_ranges_grew(l7_addrlist *al, al_entry *e)
{
    al_rangeset *rs = rangeset_of(al, e);
    if (e->disabled)
        return;
    if (e->range_pos >= rs->main_count)
        rs->recent_dirty = 1; /* the rebuild reads its current expiry */
    else if (!rs->dirty && rs->ndelta < AL_DELTA_MAX)
        rs->delta[rs->ndelta++] = seg_of(e);
    else
        rs->dirty = 1;
}

void al_ranges_shrank(l7_addrlist *al, al_entry *e)
{
    al_rangeset *rs = rangeset_of(al, e);
    if (e->range_pos >= rs->main_count)
        rs->recent_dirty = 1;
    else
        rs->dirty = 1;
}

void al_rangeset_free(l7_addrlist *al, al_rangeset *rs)
{
    l7_free(&al->alloc, rs->entries);
    l7_free(&al->alloc, rs->segs);
    l7_free(&al->alloc, rs->recent_segs);
    memset(rs, 0, sizeof(*rs));
}

/* Max-heap of interval indices ordered by expiry. */
static void heap_push(size_t *heap, size_t *n, const al_seg *iv, size_t idx)
{
    size_t i = (*n)++;
    heap[i] = idx;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (iv[heap[parent]].expiry >= iv[heap[i]].expiry)
            break;
        size_t t = heap[parent];
        heap[parent] = heap[i];
        heap[i] = t;
        i = parent;
    }
}

static void heap_pop(size_t *heap, size_t *n, const al_seg *iv)
{
    heap[0] = heap[--(*n)];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, big = i;
        if (l < *n && iv[heap[l]].expiry > iv[heap[big]].expiry)
            big = l;
        if (r < *n && iv[heap[r]].expiry > iv[heap[big]].expiry)
            big = r;
        if (big == i)
            return;
        size_t t = heap[big];
        heap[big] = heap[i];
        heap[i] = t;
        i = big;
    }
}

/* Build the segment array of the enabled entries among `entries[0..count)`
 * into *out_segs / *out_n (replacing and freeing what they held). */
static int build_segs(l7_addrlist *al, al_seg **out_segs, size_t *out_n,
                      al_entry *const *entries, size_t count, uint8_t family)
{
    size_t n = 0;
    for (size_t i = 0; i < count; i++)
        n += !entries[i]->disabled;
    al_seg *iv = NULL, *out = NULL;
    al_key *bounds = NULL;
    size_t *heap = NULL;
    size_t nout = 0;
    if (n > 0) {
        iv = l7_malloc(&al->alloc, n * sizeof(*iv));
        bounds = l7_malloc(&al->alloc, 2 * n * sizeof(*bounds));
        heap = l7_malloc(&al->alloc, n * sizeof(*heap));
        out = l7_malloc(&al->alloc, 2 * n * sizeof(*out));
        if (!iv || !bounds || !heap || !out) {
            l7_free(&al->alloc, iv);
            l7_free(&al->alloc, bounds);
            l7_free(&al->alloc, heap);
            l7_free(&al->alloc, out);
            return L7_ENOMEM;
        }
        al_key top = key_max(family);
        size_t nb = 0;
        for (size_t i = 0, k = 0; i < count; i++) {
            if (entries[i]->disabled)
                continue;
            iv[k] = seg_of(entries[i]);
            bounds[nb++] = iv[k].lo;
            if (al_key_lt(iv[k].hi, top))
                bounds[nb++] = key_inc(iv[k].hi);
            k++;
        }
        qsort(iv, n, sizeof(*iv), seg_cmp_lo);
        qsort(bounds, nb, sizeof(*bounds), key_cmp);
        size_t uniq = 0;
        for (size_t i = 0; i < nb; i++)
            if (uniq == 0 || key_cmp(&bounds[uniq - 1], &bounds[i]) != 0)
                bounds[uniq++] = bounds[i];
        /* Sweep the elementary intervals [bounds[j], bounds[j+1]-1]: the set
         * of covering entries is constant inside each. */
        size_t next = 0, nheap = 0;
        for (size_t j = 0; j < uniq; j++) {
            al_key at = bounds[j];
            while (next < n && al_key_le(iv[next].lo, at))
                heap_push(heap, &nheap, iv, next++);
            while (nheap > 0 && al_key_lt(iv[heap[0]].hi, at))
                heap_pop(heap, &nheap, iv);
            if (nheap == 0)
                continue;
            al_seg s = {at, j + 1 < uniq ? key_dec(bounds[j + 1]) : top,
                        iv[heap[0]].expiry};
            /* Every entry's end + 1 is a boundary, so no entry on the heap
             * ends inside this interval: the top covers all of it. Equal
             * neighbours merge so that the array stays short. */
            al_key before = key_dec(s.lo);
            if (nout > 0 && out[nout - 1].expiry == s.expiry &&
                key_cmp(&out[nout - 1].hi, &before) == 0)
                out[nout - 1].hi = s.hi;
            else
                out[nout++] = s;
        }
        l7_free(&al->alloc, iv);
        l7_free(&al->alloc, bounds);
        l7_free(&al->alloc, heap);
    }
    atomic_fetch_sub(&al->memory, *out_n * sizeof(al_seg));
    l7_free(&al->alloc, *out_segs);
    if (out && nout < 2 * n) {
        al_seg *shrunk = l7_realloc(&al->alloc, out, nout * sizeof(*out));
        if (shrunk)
            out = shrunk;
    }
    /* Accounted by segment count; realloc slack is not tracked. */
    atomic_fetch_add(&al->memory, nout * sizeof(al_seg));
    *out_segs = out;
    *out_n = nout;
    return L7_OK;
}

/* Fold everything into the main array. */
static int rebuild_all(l7_addrlist *al, al_rangeset *rs, uint8_t family)
{
    L7_TRY(build_segs(al, &rs->segs, &rs->nsegs, rs->entries, rs->count, family));
    L7_TRY(build_segs(al, &rs->recent_segs, &rs->nrecent_segs, NULL, 0, family));
    rs->main_count = rs->count;
    rs->ndelta = 0;
    rs->dirty = 0;
    rs->recent_dirty = 0;
    return L7_OK;
}

/* Whether the recent part has grown past sqrt(count) (at least 64): then
 * folding it into the main array is cheaper in the long run than
 * rebuilding the recent array again and again. */
static int recent_too_big(const al_rangeset *rs)
{
    if (rs->main_count > rs->count)
        return 1; /* removals since the last build: refold */
    size_t recent = rs->count - rs->main_count;
    return recent > 64 && recent * recent > rs->count;
}

static int rangeset_refresh(l7_addrlist *al, al_rangeset *rs, uint8_t family)
{
    if (rs->dirty || recent_too_big(rs))
        return rebuild_all(al, rs, family);
    L7_TRY(build_segs(al, &rs->recent_segs, &rs->nrecent_segs,
                      rs->entries + rs->main_count, rs->count - rs->main_count,
                      family));
    rs->recent_dirty = 0;
    return L7_OK;
}

static int segs_contain(const al_seg *segs, size_t n, al_key k, uint64_t now)
{
    /* The last segment starting at or before k. */
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (al_key_le(segs[mid].lo, k))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return 0;
    const al_seg *s = &segs[lo - 1];
    return al_key_le(k, s->hi) && s->expiry > now;
}

/* Slow but allocation-free answer, for when a rebuild cannot allocate. */
static int entries_contain(const al_rangeset *rs, al_key k, uint64_t now)
{
    for (size_t i = 0; i < rs->count; i++) {
        const al_entry *e = rs->entries[i];
        if (!e->disabled && e->expiry > now && al_key_le(al_key_of(&e->first), k) &&
            al_key_le(k, al_key_of(&e->last)))
            return 1;
    }
    return 0;
}

int al_ranges_contains(l7_addrlist *al, uint32_t list_id, const l7_addr *addr,
                       uint64_t now)
{
    al_key k = al_key_of(addr);
    int fam = al_fam_index(addr->family);
    pthread_rwlock_rdlock(&al->lists_lock);
    for (;;) {
        if (list_id >= atomic_load_explicit(&al->nlists, memory_order_acquire)) {
            pthread_rwlock_unlock(&al->lists_lock);
            return 0;
        }
        al_rangeset *rs = &al->lists[list_id]->rs[fam];
        if (!rs->dirty && !rs->recent_dirty) {
            int hit = 0;
            for (size_t i = 0; i < rs->ndelta && !hit; i++)
                hit = al_key_le(rs->delta[i].lo, k) && al_key_le(k, rs->delta[i].hi) &&
                      rs->delta[i].expiry > now;
            if (!hit)
                hit = segs_contain(rs->segs, rs->nsegs, k, now) ||
                      segs_contain(rs->recent_segs, rs->nrecent_segs, k, now);
            pthread_rwlock_unlock(&al->lists_lock);
            return hit;
        }
        pthread_rwlock_unlock(&al->lists_lock);
        pthread_rwlock_wrlock(&al->lists_lock);
        if ((rs->dirty || rs->recent_dirty) &&
            rangeset_refresh(al, rs, addr->family) != L7_OK) {
            rs->dirty = 1; /* a half-done refresh must be redone */
            int hit = entries_contain(rs, k, now);
            pthread_rwlock_unlock(&al->lists_lock);
            return hit;
        }
        pthread_rwlock_unlock(&al->lists_lock);
        pthread_rwlock_rdlock(&al->lists_lock);
    }
}
