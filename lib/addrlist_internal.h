/*
 * Address lists, private structure.
 *
 * Every entry lives in a hash keyed by its identity (list, family, first,
 * last), split into shards with one rwlock each: single-address lookups and
 * dynamic adds (the packet-rate operations) touch one shard only.
 *
 * Prefixes and ranges are also indexed per list and family in a "range set"
 * under one rwlock (`lists_lock`, which also guards the list names): a
 * sorted array of disjoint segments, each carrying the latest expiry of the
 * entries that cover it, so one binary search answers "is any live entry
 * covering x?". Arrays are rebuilt lazily (at the next lookup) after
 * changes: entries added since the last full build sit in a second, small
 * array that is cheap to rebuild and is folded into the main one once it
 * passes sqrt(n); expiry extensions of older entries go to a tiny delta.
 *
 * Lock order: a shard lock, then `lists_lock`. A range entry's mutable
 * fields (expiry, disabled) change only while both are held for writing,
 * so either lock is enough to read them.
 */
#ifndef L7_ADDRLIST_INTERNAL_H
#define L7_ADDRLIST_INTERNAL_H

#include "common_internal.h"
#include "l7/addrlist.h"
#include "value_internal.h"

#include <pthread.h>
#include <stdatomic.h>

#define AL_SHARDS        16u /* power of two */
#define AL_DELTA_MAX     16u
#define AL_NEVER         UINT64_MAX
#define AL_FIRST_BUCKETS 16u

/* An address as a 128-bit unsigned number (IPv4 in the low 32 bits). */
typedef struct al_key {
    uint64_t hi, lo;
} al_key;

static inline al_key al_key_of(const l7_addr *a)
{
    al_key k = {0, 0};
    if (a->family == 4) {
        k.lo = (uint64_t)a->bytes[0] << 24 | (uint64_t)a->bytes[1] << 16 |
               (uint64_t)a->bytes[2] << 8 | a->bytes[3];
        return k;
    }
    for (int i = 0; i < 8; i++) {
        k.hi = k.hi << 8 | a->bytes[i];
        k.lo = k.lo << 8 | a->bytes[8 + i];
    }
    return k;
}

static inline int al_key_le(al_key a, al_key b)
{
    return a.hi < b.hi || (a.hi == b.hi && a.lo <= b.lo);
}

static inline int al_key_lt(al_key a, al_key b)
{
    return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo);
}

typedef struct al_entry {
    /* What a lookup reads comes first, within 48 bytes. */
    struct al_entry *next; /* hash chain */
    uint64_t expiry;       /* ns; AL_NEVER for static and none-dynamic */
    uint32_t list_id;
    uint8_t family;
    uint8_t is_range; /* first != last */
    uint8_t disabled;
    uint8_t dynamic;
    l7_addr first;
    uint8_t from_rule;
    uint32_t generation; /* reload generation of a configured static entry */
    uint32_t range_pos;  /* index in its range set (range entries only) */
    uint64_t created;
    uint64_t seq; /* creation order, for printing */
    char *comment;
    l7_addr last;
} al_entry;

/* One segment of a range set: keys lo..hi live until `expiry`. */
typedef struct al_seg {
    al_key lo, hi;
    uint64_t expiry;
} al_seg;

typedef struct al_rangeset {
    al_entry **entries; /* every range entry of this list and family */
    size_t count, cap;
    size_t main_count; /* entries[0..main_count) are in `segs` */
    al_seg *segs;      /* sorted, disjoint; valid unless `dirty` */
    size_t nsegs;
    al_seg *recent_segs; /* the same for entries[main_count..count) */
    size_t nrecent_segs;
    al_seg delta[AL_DELTA_MAX]; /* later expiries of entries in `segs` */
    size_t ndelta;
    int dirty;        /* rebuild both arrays */
    int recent_dirty; /* rebuild `recent_segs` */
} al_rangeset;

typedef struct al_list {
    char *name;
    size_t name_len;
    al_rangeset rs[2]; /* [0] IPv4, [1] IPv6 */
} al_list;

typedef struct al_shard {
    pthread_rwlock_t lock;
    al_entry **buckets;
    size_t mask; /* bucket count - 1 */
    size_t count;
    char pad[64]; /* keeps hot shards on separate cache lines */
} al_shard;

struct l7_addrlist {
    l7_alloc alloc;
    uint64_t seed;
    al_shard shards[AL_SHARDS];

    pthread_rwlock_t lists_lock;
    al_list **lists;
    size_t lists_cap;
    _Atomic uint32_t nlists;

    _Atomic uint64_t max_entries;
    _Atomic uint64_t entries;
    _Atomic uint64_t dynamic_entries;
    _Atomic uint64_t range_entries[2];
    _Atomic uint64_t refused;
    _Atomic uint64_t reclaimed;
    _Atomic uint64_t memory;
    _Atomic uint64_t next_seq;
    _Atomic uint32_t generation;

    pthread_mutex_t expire_lock; /* guards the cursor below */
    uint32_t expire_shard;
    size_t expire_bucket;
};

static inline int al_fam_index(uint8_t family)
{
    return family == 6;
}

/* Allocation with memory accounting. */
void *al_alloc(l7_addrlist *al, size_t size);
void al_free(l7_addrlist *al, void *p, size_t size);

/* Range sets; callers hold lists_lock for writing (and, for entry changes,
 * the entry's shard lock). */
int al_ranges_insert(l7_addrlist *al, al_entry *e);
void al_ranges_remove(l7_addrlist *al, al_entry *e);
/* The entry's expiry grew or it was enabled: cheap delta when possible. */
void al_ranges_grew(l7_addrlist *al, al_entry *e);
/* The entry shrank or was disabled: the snapshot must be rebuilt. */
void al_ranges_shrank(l7_addrlist *al, al_entry *e);
void al_rangeset_free(l7_addrlist *al, al_rangeset *rs);

/* Whether a live range entry of the list covers addr; takes lists_lock. */
int al_ranges_contains(l7_addrlist *al, uint32_t list_id, const l7_addr *addr,
                       uint64_t now);

#endif
