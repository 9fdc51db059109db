/*
 * IPv4/IPv6 fragment reassembly with bounded memory and a timeout.
 *
 * Policy follows Linux (net/ipv4/inet_fragment.c and ip_fragment.c since
 * 4.19, net/ipv6/netfilter/nf_conntrack_reasm.c): a fragment whose bytes
 * are all held already is a duplicate, dropped alone; any other overlap
 * kills the whole datagram (RFC 5722), a datagram lives
 * ipfrag_time (30 s) from its first fragment, and over ipfrag_high_thresh
 * (4 MiB) new fragments are refused. The figures are Linux's defaults.
 *
 * Datagrams sit in a hash table (lookup) and in a list in arrival order of
 * their first fragment: since the timeout runs from that moment, the list
 * is also in deadline order and expiry only looks at its head.
 */
#include "common_internal.h"
#include "l7/defrag.h"
#include "packet_internal.h"

#include <stddef.h>
#include <string.h>

#define DEFRAG_DEFAULT_TIMEOUT   (30ull * L7_NSEC_PER_SEC)
#define DEFRAG_DEFAULT_MEMORY    (4ull << 20)
#define DEFRAG_DEFAULT_FRAGMENTS 64u
#define DEFRAG_DEFAULT_DATAGRAMS 1024u
#define DEFRAG_LIMIT_FRAGMENTS   8192u /* 65535 / 8: the most a datagram can have */
#define DEFRAG_LIMIT_DATAGRAMS   (1u << 20)
#define DEFRAG_MAX_IP_LEN        65535u

typedef struct frag {
    uint32_t start, end; /* byte range within the fragmentable part */
    uint64_t cookie;
    uint8_t *data;
} frag;

typedef struct dgram {
    struct dgram *hnext;       /* hash chain */
    struct dgram *prev, *next; /* arrival order */
    uint64_t deadline;
    uint64_t born; /* `now` of its first fragment */
    uint32_t hash;
    /* key */
    uint8_t version, proto;
    uint32_t id;
    uint8_t src[16], dst[16];

    bool have_last;
    uint32_t total;    /* end of the last fragment, once seen */
    uint32_t received; /* bytes held; no overlaps, so total means complete */
    /* The first fragment's header: IPv4 header with options, or the IPv6
     * unfragmentable part (the Fragment header is not kept). */
    uint8_t *hdr;
    uint32_t hdr_len;
    uint32_t ipv6_nh_rel; /* where in hdr the Fragment header was named */
    uint8_t ipv6_next;    /* and what it said came next */
    frag *frags;          /* sorted by start */
    size_t nfrags, cap;
    size_t mem;
} dgram;

struct l7_defrag {
    l7_alloc alloc;
    l7_defrag_options opt;
    dgram **buckets;
    uint32_t mask;
    dgram *oldest, *newest;
    uint32_t count;
    size_t mem; /* held by pending datagrams */

    /* The last result. */
    uint8_t *buf;
    size_t buf_cap;
    uint32_t buf_len;
    uint64_t *cookies; /* max_fragments + 1 entries, allocated once */
    uint32_t ncookies;

    l7_defrag_stats st;
};

/* Sizes of the first versions of the public structs. Callers built against
 * an older header pass these; later versions only grow at the end, so the
 * checks below must keep accepting them (never compare with sizeof). */
#define DEFRAG_OPTIONS_V1_SIZE 32u
#define DEFRAG_STATS_V1_SIZE   88u
_Static_assert(offsetof(l7_defrag_options, max_memory) + sizeof(uint64_t) ==
                   DEFRAG_OPTIONS_V1_SIZE,
               "l7_defrag_options v1 layout");
_Static_assert(offsetof(l7_defrag_stats, dropped_fragments) + sizeof(uint64_t) ==
                   DEFRAG_STATS_V1_SIZE,
               "l7_defrag_stats v1 layout");

void l7_defrag_options_init(l7_defrag_options *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof(*out));
    out->size = sizeof(*out);
    out->max_fragments = DEFRAG_DEFAULT_FRAGMENTS;
    out->max_datagrams = DEFRAG_DEFAULT_DATAGRAMS;
    out->timeout_ns = DEFRAG_DEFAULT_TIMEOUT;
    out->max_memory = DEFRAG_DEFAULT_MEMORY;
}

int l7_defrag_create(l7_defrag **out, const l7_defrag_options *opts,
                     const l7_allocator *alloc)
{
    if (!out)
        return L7_EINVAL;
    *out = NULL;
    l7_defrag_options o;
    l7_defrag_options_init(&o);
    if (opts) {
        if (opts->size < DEFRAG_OPTIONS_V1_SIZE)
            return L7_EINVAL;
        if (opts->max_fragments)
            o.max_fragments = opts->max_fragments;
        if (opts->max_datagrams)
            o.max_datagrams = opts->max_datagrams;
        if (opts->timeout_ns)
            o.timeout_ns = opts->timeout_ns;
        if (opts->max_memory)
            o.max_memory = opts->max_memory;
    }
    if (o.max_fragments > DEFRAG_LIMIT_FRAGMENTS ||
        o.max_datagrams > DEFRAG_LIMIT_DATAGRAMS)
        return L7_ERANGE;
    l7_alloc a;
    L7_TRY(l7_alloc_init(&a, alloc));
    l7_defrag *d = l7_calloc(&a, 1, sizeof(*d));
    if (!d)
        return L7_ENOMEM;
    d->alloc = a;
    d->opt = o;
    uint32_t nb = 16;
    while (nb < o.max_datagrams)
        nb <<= 1;
    d->mask = nb - 1;
    d->buckets = l7_calloc(&a, nb, sizeof(*d->buckets));
    d->cookies = l7_calloc(&a, (size_t)o.max_fragments + 1, sizeof(*d->cookies));
    if (!d->buckets || !d->cookies) {
        l7_defrag_destroy(d);
        return L7_ENOMEM;
    }
    d->st.size = sizeof(d->st);
    *out = d;
    return L7_OK;
}

static void dgram_free(l7_defrag *d, dgram *g)
{
    for (size_t i = 0; i < g->nfrags; i++)
        l7_free(&d->alloc, g->frags[i].data);
    l7_free(&d->alloc, g->frags);
    l7_free(&d->alloc, g->hdr);
    l7_free(&d->alloc, g);
}

void l7_defrag_destroy(l7_defrag *defrag)
{
    if (!defrag)
        return;
    for (dgram *g = defrag->oldest; g;) {
        dgram *next = g->next;
        dgram_free(defrag, g);
        g = next;
    }
    l7_free(&defrag->alloc, defrag->buckets);
    l7_free(&defrag->alloc, defrag->cookies);
    l7_free(&defrag->alloc, defrag->buf);
    l7_free(&defrag->alloc, defrag);
}

/* FNV-1a over the key; the chains are bounded by max_datagrams anyway. */
static uint32_t key_hash(uint8_t version, uint8_t proto, uint32_t id,
                         const uint8_t *src, const uint8_t *dst)
{
    uint32_t h = 2166136261u;
    uint8_t head[6] = {
        version,    proto, (uint8_t)(id >> 24), (uint8_t)(id >> 16), (uint8_t)(id >> 8),
        (uint8_t)id};
    for (size_t i = 0; i < sizeof(head); i++)
        h = (h ^ head[i]) * 16777619u;
    for (size_t i = 0; i < 16; i++)
        h = (h ^ src[i]) * 16777619u;
    for (size_t i = 0; i < 16; i++)
        h = (h ^ dst[i]) * 16777619u;
    return h ^ (h >> 15);
}

static void unlink_dgram(l7_defrag *d, dgram *g)
{
    dgram **pp = &d->buckets[g->hash & d->mask];
    while (*pp != g)
        pp = &(*pp)->hnext;
    *pp = g->hnext;
    if (g->prev)
        g->prev->next = g->next;
    else
        d->oldest = g->next;
    if (g->next)
        g->next->prev = g->prev;
    else
        d->newest = g->prev;
    d->count--;
    d->mem -= g->mem;
}

/* Throw a datagram away; its cookies (and `extra`, the fragment being
 * added, if any) become the result the host must drop. */
static void drop_dgram(l7_defrag *d, dgram *g, const uint64_t *extra)
{
    d->ncookies = 0;
    for (size_t i = 0; i < g->nfrags; i++)
        d->cookies[d->ncookies++] = g->frags[i].cookie;
    if (extra)
        d->cookies[d->ncookies++] = *extra;
    d->st.dropped_fragments += d->ncookies;
    unlink_dgram(d, g);
    dgram_free(d, g);
}

static l7_defrag_result drop_one(l7_defrag *d, uint64_t cookie, uint64_t *counter)
{
    d->cookies[0] = cookie;
    d->ncookies = 1;
    d->st.dropped_fragments++;
    (*counter)++;
    return L7_DEFRAG_DROPPED;
}

void l7_defrag_release(l7_defrag *defrag)
{
    if (!defrag)
        return;
    l7_free(&defrag->alloc, defrag->buf);
    defrag->buf = NULL;
    defrag->buf_cap = 0;
    defrag->buf_len = 0;
    defrag->ncookies = 0;
}

static void ipv4_checksum(uint8_t *h, uint32_t hl)
{
    h[10] = h[11] = 0;
    uint32_t sum = 0;
    for (uint32_t i = 0; i + 1 < hl; i += 2)
        sum += (uint32_t)h[i] << 8 | h[i + 1];
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    sum = ~sum & 0xffff;
    h[10] = (uint8_t)(sum >> 8);
    h[11] = (uint8_t)sum;
}

/* Build the whole datagram into d->buf. Returns L7_ERANGE when it would be
 * larger than an IP length can say. */
static int reassemble(l7_defrag *d, dgram *g)
{
    size_t len = (size_t)g->hdr_len + g->total;
    size_t limit = g->version == 4 ? DEFRAG_MAX_IP_LEN : 40 + DEFRAG_MAX_IP_LEN;
    if (len > limit)
        return L7_ERANGE;
    if (len > d->buf_cap) {
        uint8_t *nb = l7_realloc(&d->alloc, d->buf, len);
        if (!nb)
            return L7_ENOMEM;
        d->buf = nb;
        d->buf_cap = len;
    }
    uint8_t *b = d->buf;
    memcpy(b, g->hdr, g->hdr_len);
    for (size_t i = 0; i < g->nfrags; i++) {
        const frag *f = &g->frags[i];
        if (f->end > f->start)
            memcpy(b + g->hdr_len + f->start, f->data, f->end - f->start);
    }
    if (g->version == 4) {
        b[2] = (uint8_t)(len >> 8);
        b[3] = (uint8_t)len;
        b[6] &= 0x40; /* keep DF, clear MF and the offset */
        b[7] = 0;
        ipv4_checksum(b, g->hdr_len);
    } else {
        size_t pl = len - 40;
        b[4] = (uint8_t)(pl >> 8);
        b[5] = (uint8_t)pl;
        b[g->ipv6_nh_rel] = g->ipv6_next;
    }
    d->buf_len = (uint32_t)len;
    d->ncookies = 0;
    for (size_t i = 0; i < g->nfrags; i++)
        d->cookies[d->ncookies++] = g->frags[i].cookie;
    return L7_OK;
}

static dgram *find(l7_defrag *d, uint32_t h, uint8_t version, uint8_t proto,
                   uint32_t id, const uint8_t *src, const uint8_t *dst)
{
    for (dgram *g = d->buckets[h & d->mask]; g; g = g->hnext)
        if (g->hash == h && g->id == id && g->version == version && g->proto == proto &&
            !memcmp(g->src, src, 16) && !memcmp(g->dst, dst, 16))
            return g;
    return NULL;
}

static bool fits(const l7_defrag *d, size_t more)
{
    return d->mem + more <= d->opt.max_memory;
}

/* Record the first fragment's header (see dgram.hdr). */
static int keep_header(l7_defrag *d, dgram *g, const l7_packet *pkt)
{
    uint32_t hl = pkt->ip_version == 4 ? pkt->ip_hdr_len
                                       : pkt->ipv6_frag_hdr_offset - pkt->l3_offset;
    g->hdr = l7_malloc(&d->alloc, hl);
    if (!g->hdr)
        return L7_ENOMEM;
    memcpy(g->hdr, pkt->frame + pkt->l3_offset, hl);
    g->hdr_len = hl;
    if (pkt->ip_version == 6) {
        g->ipv6_nh_rel = pkt->ipv6_frag_nh_ptr - pkt->l3_offset;
        g->ipv6_next = pkt->ipv6_frag_next;
    }
    g->mem += hl;
    d->mem += hl;
    return L7_OK;
}

/* Whether the held fragments cover [start, end) without a gap. */
static bool covered(const dgram *g, uint32_t start, uint32_t end)
{
    uint32_t reach = start;
    for (size_t i = 0; i < g->nfrags && g->frags[i].start <= reach; i++)
        if (g->frags[i].end > reach)
            reach = g->frags[i].end;
    return reach >= end;
}

/* A datagram created for a fragment that could not be stored holds
 * nothing: do not let it wait for its timeout. */
static l7_defrag_result refuse(l7_defrag *d, dgram *g, uint64_t cookie, int *err)
{
    *err = L7_ENOMEM;
    if (!g->nfrags) {
        unlink_dgram(d, g);
        dgram_free(d, g);
    }
    return drop_one(d, cookie, &d->st.over_limit);
}

static l7_defrag_result add_fragment(l7_defrag *d, const l7_packet *pkt,
                                     uint64_t cookie, uint64_t now, int *err)
{
    uint8_t src[16] = {0}, dst[16] = {0};
    memcpy(src, pkt->src.bytes, 16);
    memcpy(dst, pkt->dst.bytes, 16);
    /* IPv6 keys have no protocol (RFC 8200: it may differ per fragment). */
    uint8_t proto = pkt->ip_version == 4 ? pkt->l4_proto : 0;
    uint32_t h = key_hash(pkt->ip_version, proto, pkt->frag_id, src, dst);
    uint32_t start = pkt->frag_offset;
    uint32_t flen = pkt->frag_data_len;
    uint32_t end = start + flen;
    size_t need = flen + sizeof(frag);

    dgram *g = find(d, h, pkt->ip_version, proto, pkt->frag_id, src, dst);
    if (!g) {
        if (d->count >= d->opt.max_datagrams || !fits(d, need + sizeof(dgram)))
            return drop_one(d, cookie, &d->st.over_limit);
        g = l7_calloc(&d->alloc, 1, sizeof(*g));
        if (!g) {
            *err = L7_ENOMEM;
            return drop_one(d, cookie, &d->st.over_limit);
        }
        g->hash = h;
        g->version = pkt->ip_version;
        g->proto = proto;
        g->id = pkt->frag_id;
        memcpy(g->src, src, 16);
        memcpy(g->dst, dst, 16);
        g->deadline =
            now > UINT64_MAX - d->opt.timeout_ns ? UINT64_MAX : now + d->opt.timeout_ns;
        g->born = now;
        g->mem = sizeof(*g);
        d->mem += g->mem;
        g->hnext = d->buckets[h & d->mask];
        d->buckets[h & d->mask] = g;
        g->prev = d->newest;
        if (d->newest)
            d->newest->next = g;
        else
            d->oldest = g;
        d->newest = g;
        d->count++;
    } else if (!fits(d, need)) {
        return drop_one(d, cookie, &d->st.over_limit);
    }

    /* The end of the datagram: the last fragment says it, once. */
    if (!pkt->more_fragments) {
        if ((g->have_last && g->total != end) ||
            (g->nfrags && g->frags[g->nfrags - 1].end > end)) {
            d->st.invalid++;
            drop_dgram(d, g, &cookie);
            return L7_DEFRAG_DROPPED;
        }
    } else if (g->have_last && end > g->total) {
        d->st.invalid++;
        drop_dgram(d, g, &cookie);
        return L7_DEFRAG_DROPPED;
    }

    /* Insertion point, then overlap with the neighbours (the list holds
     * no overlaps, so only the ones around `at` can touch the new range). */
    size_t at = 0;
    while (at < g->nfrags && g->frags[at].start < start)
        at++;
    for (size_t i = at ? at - 1 : 0; i < g->nfrags && g->frags[i].start <= end; i++) {
        const frag *f = &g->frags[i];
        bool touches = f->start < end && start < f->end;
        bool same = f->start == start && f->end == end;
        if (same)
            return drop_one(d, cookie, &d->st.duplicates);
        if (touches) {
            /* Linux calls a fragment that lies inside data already held
             * a duplicate, not an overlap; a last fragment still has to
             * say where the datagram ends, so it gets no such pass. */
            if (pkt->more_fragments && covered(g, start, end))
                return drop_one(d, cookie, &d->st.duplicates);
            d->st.overlaps++;
            drop_dgram(d, g, &cookie);
            return L7_DEFRAG_DROPPED;
        }
    }
    if (g->nfrags >= d->opt.max_fragments) {
        d->st.over_limit++;
        drop_dgram(d, g, &cookie);
        return L7_DEFRAG_DROPPED;
    }

    if (g->nfrags == g->cap) {
        size_t old = g->cap;
        if (l7_grow(&d->alloc, (void **)&g->frags, &g->cap, g->nfrags + 1,
                    sizeof(frag)) < 0) {
            return refuse(d, g, cookie, err);
        }
        g->mem += (g->cap - old) * sizeof(frag);
        d->mem += (g->cap - old) * sizeof(frag);
    }
    uint8_t *copy = NULL;
    if (flen) {
        copy = l7_malloc(&d->alloc, flen);
        if (!copy)
            return refuse(d, g, cookie, err);
        memcpy(copy, pkt->frame + pkt->frag_data_offset, flen);
    }
    if (start == 0 && !g->hdr && keep_header(d, g, pkt) < 0) {
        l7_free(&d->alloc, copy);
        return refuse(d, g, cookie, err);
    }
    memmove(&g->frags[at + 1], &g->frags[at], (g->nfrags - at) * sizeof(frag));
    g->frags[at] = (frag){.start = start, .end = end, .cookie = cookie, .data = copy};
    g->nfrags++;
    g->received += flen;
    g->mem += flen;
    d->mem += flen;
    if (!pkt->more_fragments) {
        g->have_last = true;
        g->total = end;
    }

    if (!g->have_last || !g->hdr || g->received != g->total)
        return L7_DEFRAG_PENDING;
    int rc = reassemble(d, g);
    if (rc < 0) {
        if (rc == L7_ENOMEM)
            *err = rc;
        d->st.invalid += rc == L7_ERANGE;
        d->st.over_limit += rc == L7_ENOMEM;
        drop_dgram(d, g, NULL);
        return L7_DEFRAG_DROPPED;
    }
    d->st.reassembled++;
    unlink_dgram(d, g);
    dgram_free(d, g);
    return L7_DEFRAG_COMPLETE;
}

int l7_defrag_add(l7_defrag_result *out, l7_defrag *defrag, const l7_packet *pkt,
                  uint64_t cookie, uint64_t now)
{
    if (!out || !defrag || !pkt || pkt->status != L7_PACKET_OK || !pkt->is_fragment ||
        (pkt->ip_version != 4 && pkt->ip_version != 6))
        return L7_EINVAL;
    defrag->buf_len = 0;
    defrag->ncookies = 0;
    defrag->st.fragments++;
    int err = L7_OK;
    *out = add_fragment(defrag, pkt, cookie, now, &err);
    return err;
}

const uint8_t *l7_defrag_datagram(const l7_defrag *defrag, uint32_t *len)
{
    uint32_t n = defrag ? defrag->buf_len : 0;
    if (len)
        *len = n;
    return n ? defrag->buf : NULL;
}

const uint64_t *l7_defrag_cookies(const l7_defrag *defrag, uint32_t *count)
{
    uint32_t n = defrag ? defrag->ncookies : 0;
    if (count)
        *count = n;
    return n ? defrag->cookies : NULL;
}

int l7_defrag_expire(l7_defrag *defrag, uint64_t now, l7_defrag_drop_fn drop,
                     void *user)
{
    if (!defrag)
        return L7_EINVAL;
    defrag->buf_len = 0;
    defrag->ncookies = 0;
    /* The list is in arrival order, which is deadline order while time
     * runs forward. A head that began more than a timeout after `now` means
     * the clock stepped back (or a frame carried a bogus time): left alone it
     * would shield every later datagram from expiring, so it goes too. */
    uint64_t horizon = now > UINT64_MAX - defrag->opt.timeout_ns
                           ? UINT64_MAX
                           : now + defrag->opt.timeout_ns;
    int n = 0;
    while (defrag->oldest &&
           (defrag->oldest->deadline <= now || defrag->oldest->born > horizon)) {
        dgram *g = defrag->oldest;
        if (drop)
            for (size_t i = 0; i < g->nfrags; i++)
                drop(g->frags[i].cookie, user);
        defrag->st.timeouts++;
        defrag->st.timeout_fragments += g->nfrags;
        unlink_dgram(defrag, g);
        dgram_free(defrag, g);
        if (n < INT32_MAX)
            n++;
    }
    return n;
}

int l7_defrag_get_stats(l7_defrag_stats *out, const l7_defrag *defrag)
{
    if (!out || !defrag || out->size < DEFRAG_STATS_V1_SIZE)
        return L7_EINVAL;
    /* An older caller's struct is shorter: fill only what it has. */
    size_t n =
        out->size < sizeof(l7_defrag_stats) ? out->size : sizeof(l7_defrag_stats);
    l7_defrag_stats st = defrag->st;
    st.size = (uint32_t)n;
    st.pending_datagrams = defrag->count;
    st.memory = defrag->mem + defrag->buf_cap +
                ((size_t)defrag->opt.max_fragments + 1) * sizeof(uint64_t);
    memcpy(out, &st, n);
    return L7_OK;
}
