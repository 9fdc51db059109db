/*
 * The layer-7 inspection window (routeros-spec.md §1.2 with the D-L
 * decisions): collection of both directions' payload, the packet and byte
 * budgets, first-match-wins classification, `unknown` and `unset`.
 */
#include "inspect_internal.h"
#include "pattern_internal.h"
#include "protoset_internal.h"

#include <string.h>

#define DEFAULT_MAX_PACKETS 10u
#define DEFAULT_MAX_BYTES   2048u /* Decision 1 */
#define MAX_MAX_PACKETS     1000u
#define MAX_MAX_BYTES       65536u /* the kernel module's maxdatalen range */
#define FIRST_CHUNK         256u

struct l7_inspector {
    l7_alloc alloc;
    l7_protoset *set;
    l7_inspect_options opts;
    l7_pattern_scratch *scratch;
    l7_inspect_stats stats;
    /* Every buffer version (a packet that added bytes) gets a new serial;
     * tried[id] == serial means protocol `id` already ran on exactly that
     * buffer and did not match, so it is never run on it again. */
    uint64_t next_serial;
    uint64_t *tried;
    size_t tried_cap;
};

void l7_inspect_options_init(l7_inspect_options *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof(*opts));
    opts->size = sizeof(*opts);
    opts->max_packets = DEFAULT_MAX_PACKETS;
    opts->max_bytes = DEFAULT_MAX_BYTES;
    l7_pattern_limits_init(&opts->limits);
}

int l7_inspect_create(l7_inspector **out, l7_protoset *set,
                      const l7_inspect_options *opts, const l7_allocator *alloc)
{
    if (!out)
        return L7_EINVAL;
    *out = NULL;
    if (!set || (opts && opts->size < sizeof(*opts)))
        return L7_EINVAL;
    l7_inspect_options o;
    if (opts)
        o = *opts;
    else
        l7_inspect_options_init(&o);
    o.size = sizeof(o);
    if (o.max_packets < 1 || o.max_packets > MAX_MAX_PACKETS || o.max_bytes < 1 ||
        o.max_bytes > MAX_MAX_BYTES)
        return L7_ERANGE;
    l7_alloc a;
    L7_TRY(l7_alloc_init(&a, alloc));
    l7_inspector *insp = l7_calloc(&a, 1, sizeof(*insp));
    if (!insp)
        return L7_ENOMEM;
    insp->alloc = a;
    insp->opts = o;
    int rc = l7_pattern_scratch_create(&insp->scratch, &o.limits, alloc);
    if (rc < 0) {
        l7_free(&a, insp);
        return rc;
    }
    insp->stats.size = sizeof(insp->stats);
    insp->stats.last_limit_protocol = L7_PROTO_ID_NONE;
    insp->set = l7_protoset_ref(set);
    *out = insp;
    return L7_OK;
}

void l7_inspect_destroy(l7_inspector *insp)
{
    if (!insp)
        return;
    l7_pattern_scratch_destroy(insp->scratch);
    l7_protoset_destroy(insp->set);
    l7_free(&insp->alloc, insp->tried);
    l7_free(&insp->alloc, insp);
}

l7_protoset *l7_inspect_protoset(const l7_inspector *insp)
{
    return insp ? insp->set : NULL;
}

const l7_alloc *l7_inspect_alloc(const l7_inspector *insp)
{
    return &insp->alloc;
}

int l7_inspect_get_stats(l7_inspect_stats *out, const l7_inspector *insp)
{
    if (!out || !insp || out->size < 2 * sizeof(uint32_t))
        return L7_EINVAL;
    uint32_t want = out->size;
    size_t n = want < sizeof(insp->stats) ? want : sizeof(insp->stats);
    memcpy(out, &insp->stats, n);
    out->size = want;
    return L7_OK;
}

/* ---- connection state ---------------------------------------------------- */

void l7_inspect_state_init(l7_inspect_state *state)
{
    memset(state, 0, sizeof(*state));
    state->result = L7_PROTO_ID_UNSET;
    state->status = L7_INSPECT_INSPECTING;
}

static void free_buffer(const l7_alloc *alloc, l7_inspect_state *st)
{
    l7_free(alloc, st->buf);
    l7_free(alloc, st->memo);
    st->buf = NULL;
    st->memo = NULL;
    st->len = st->cap = 0;
}

void l7_inspect_state_release(const l7_alloc *alloc, l7_inspect_state *state)
{
    if (state)
        free_buffer(alloc, state);
}

int l7_inspect_state_create(l7_inspect_state **out, l7_inspector *insp)
{
    if (!out)
        return L7_EINVAL;
    *out = NULL;
    if (!insp)
        return L7_EINVAL;
    l7_inspect_state *st = l7_malloc(&insp->alloc, sizeof(*st));
    if (!st)
        return L7_ENOMEM;
    l7_inspect_state_init(st);
    *out = st;
    return L7_OK;
}

void l7_inspect_state_destroy(l7_inspector *insp, l7_inspect_state *state)
{
    if (!insp || !state)
        return;
    free_buffer(&insp->alloc, state);
    l7_free(&insp->alloc, state);
}

void l7_inspect_state_reset(l7_inspector *insp, l7_inspect_state *state)
{
    if (!insp || !state)
        return;
    free_buffer(&insp->alloc, state);
    l7_inspect_state_init(state);
}

int l7_inspect_state_status(const l7_inspect_state *state)
{
    return state ? state->status : L7_INSPECT_INSPECTING;
}

uint32_t l7_inspect_state_protocol(const l7_inspect_state *state)
{
    return state ? state->result : L7_PROTO_ID_UNSET;
}

const char *l7_inspect_state_protocol_name(const l7_inspector *insp,
                                           const l7_inspect_state *state)
{
    if (!insp || !state)
        return "";
    const char *n = l7_protoset_name(insp->set, state->result);
    return n ? n : "";
}

uint32_t l7_inspect_state_buffered(const l7_inspect_state *state)
{
    return state ? state->len : 0;
}

/* ---- the window ------------------------------------------------------------ */

static void give_up(l7_inspector *insp, l7_inspect_state *st)
{
    free_buffer(&insp->alloc, st);
    st->status = L7_INSPECT_UNKNOWN;
    st->result = L7_PROTO_ID_UNKNOWN;
    insp->stats.unknown++;
}

static void classify_as(l7_inspector *insp, l7_inspect_state *st, uint32_t id)
{
    free_buffer(&insp->alloc, st);
    st->status = L7_INSPECT_CLASSIFIED;
    st->result = id;
    insp->stats.classified++;
}

/* Whether this evaluation may open the window (D-L3; strict: L11). */
static bool may_inspect(const l7_inspector *insp, l7_inspect_state *st,
                        uint64_t packet_no)
{
    if (st->flags & L7_INSPECT_F_STARTED)
        return true;
    if (st->flags & L7_INSPECT_F_NEVER)
        return false;
    if (insp->opts.strict_first_packet && packet_no != 1) {
        st->flags |= L7_INSPECT_F_NEVER;
        return false;
    }
    st->flags |= L7_INSPECT_F_STARTED;
    return true;
}

/* Append packet `packet_no` once (L12): NULs dropped, truncated at the cap. */
L7_NOINLINE static int collect(l7_inspector *insp, l7_inspect_state *st,
                               uint64_t packet_no, const uint8_t *payload, size_t len)
{
    st->last_packet = (uint32_t)packet_no; /* <= max_packets here */
    st->flags &= (uint8_t)~L7_INSPECT_F_ADDED;
    insp->stats.packets_collected++;
    uint32_t room = insp->opts.max_bytes - st->len;
    if (!room || !len)
        return L7_OK;
    size_t want = len < room ? len : room;
    if (st->len + want > st->cap) {
        size_t ncap = st->cap ? st->cap * 2 : FIRST_CHUNK;
        if (ncap < st->len + want)
            ncap = st->len + want;
        if (ncap > insp->opts.max_bytes)
            ncap = insp->opts.max_bytes;
        uint8_t *nb = l7_realloc(&insp->alloc, st->buf, ncap);
        if (!nb)
            return L7_ENOMEM;
        st->buf = nb;
        st->cap = (uint32_t)ncap;
    }
    /* NULs are rare in most payloads: copy the runs between them. */
    uint32_t added = 0;
    const uint8_t *p = payload, *end = payload + len;
    while (p < end && added < room) {
        const uint8_t *nul = memchr(p, 0, (size_t)(end - p));
        size_t run = (size_t)((nul ? nul : end) - p);
        if (run > room - added)
            run = room - added;
        memcpy(st->buf + st->len + added, p, run);
        added += (uint32_t)run;
        if (!nul)
            break;
        p = nul + 1;
    }
    if (added) {
        st->len += added;
        st->flags |= L7_INSPECT_F_ADDED;
        st->serial = ++insp->next_serial;
        insp->stats.bytes_inspected += added;
    }
    return L7_OK;
}

/* ---- incremental matching ---------------------------------------------- *
 *
 * The answer must stay that of l7-filter: protocol N matches after packet k
 * iff its regexp matches the whole buffer B_k (L5). Between two runs of N
 * the buffer only grows (B_j is a prefix of B_k), and our dialect has no
 * lookbehind, \b or \K, so:
 *
 *  (a) a match in B_k that ends at or before len(B_j) is a match in B_j:
 *      its bytes are the same, and `$` cannot have held inside it (it only
 *      holds at len(B_k) > len(B_j));
 *  (b) hence if N did not match B_j, a match in B_k ends after len(B_j).
 *
 * Three kinds of pattern make use of it:
 *
 *  bounded    unanchored, longest match L (pattern shape analysis): by (b)
 *             a new match starts at or after len(B_j) - (L - 1); run from
 *             there. Each byte is scanned about once instead of once per
 *             packet;
 *  anchored   all alternatives start with `^`: if no match and no attempt
 *             reached the end of B_j (PCRE2 soft partial: NOMATCH, or a
 *             complete NOMATCH once len(B_j) >= L, since a match then lies
 *             inside B_j), no extension of B_j can match (by (a), or the
 *             attempt would have reached the end): the protocol is dead for
 *             this connection and never runs again;
 *  unbounded  unanchored with `*`/`+`: a soft partial NOMATCH from offset r
 *             says no start in [r, len(B_j)) can ever match (same
 *             argument), so the next run starts at len(B_j). A partial
 *             result (typical once the text before a `.*` occurred) proves
 *             nothing: the next run rescans from 0.
 *
 * A run that hits a match limit proves nothing either (it counts as no
 * match, as before). The proofs are per connection and per protocol: the
 * memo (inspect_internal.h) keeps them in bitmaps freed with the buffer. */

static size_t memo_bytes(uint32_t nbits)
{
    return sizeof(l7_inspect_memo) + 3 * (size_t)((nbits + 7) / 8);
}

/* The connection's memo, valid for the set's current regexps; NULL when it
 * cannot be allocated (runs are then full rescans: slower, same answers). */
static l7_inspect_memo *memo_for(l7_inspector *insp, l7_inspect_state *st)
{
    const l7_protoset *set = insp->set;
    l7_inspect_memo *m = st->memo;
    if (L7_LIKELY(m && m->gen == set->gen))
        return m;
    l7_free(&insp->alloc, m);
    st->memo = NULL;
    if (!set->bound)
        return NULL;
    m = l7_calloc(&insp->alloc, 1, memo_bytes(set->bound));
    if (m) {
        m->nbits = set->bound;
        m->gen = set->gen;
    }
    st->memo = m;
    return m;
}

static bool bit_get(const uint8_t *map, uint32_t id)
{
    return (map[id >> 3] >> (id & 7)) & 1;
}

static void bit_set(uint8_t *map, uint32_t id)
{
    map[id >> 3] |= (uint8_t)(1u << (id & 7));
}

/* Run protocol `id` on the buffer unless it already ran on these bytes,
 * starting as late as the memo proves safe. */
static int run_protocol(l7_inspector *insp, l7_inspect_state *st, uint32_t id,
                        const l7_pattern *pat)
{
    if (id < insp->tried_cap && insp->tried[id] == st->serial)
        return L7_PATTERN_NOMATCH;
    if (id >= insp->tried_cap) {
        size_t old = insp->tried_cap;
        /* Without the memo we would only lose the "never twice" saving. */
        if (l7_grow(&insp->alloc, (void **)&insp->tried, &insp->tried_cap, id + 1,
                    sizeof(*insp->tried)) == L7_OK)
            memset(insp->tried + old, 0,
                   (insp->tried_cap - old) * sizeof(*insp->tried));
    }
    if (id < insp->tried_cap)
        insp->tried[id] = st->serial;

    l7_inspect_memo *m = memo_for(insp, st);
    uint8_t *dead = NULL, *now = NULL;
    const uint8_t *before = NULL;
    uint32_t before_len = 0;
    if (m && id < m->nbits) {
        size_t nb = (m->nbits + 7) / 8;
        if (m->round_len[m->cur] != st->len) { /* a new round */
            m->cur ^= 1;
            m->round_len[m->cur] = st->len;
            memset(m->bits + nb * (1 + m->cur), 0, nb);
        }
        dead = m->bits;
        now = m->bits + nb * (1 + m->cur);
        before = m->bits + nb * (2 - m->cur);
        before_len = m->round_len[m->cur ^ 1];
        if (bit_get(dead, id)) {
            insp->stats.regex_skipped++;
            return L7_PATTERN_NOMATCH;
        }
    }

    uint32_t max_len = l7_pattern_max_len(pat);
    bool anchored = l7_pattern_anchored(pat);
    bool resume = before && bit_get(before, id);
    size_t start = 0;
    bool partial;
    if (anchored) {
        partial = max_len == L7_PATTERN_LEN_INF || st->len < max_len;
    } else if (max_len != L7_PATTERN_LEN_INF) {
        partial = false;
        uint32_t back = max_len ? max_len - 1 : 0;
        if (resume && before_len > back)
            start = before_len - back;
    } else {
        partial = true;
        if (resume)
            start = before_len;
    }
    insp->stats.regex_runs++;
    insp->stats.bytes_skipped += start;
    int r = l7_pattern_match_at(pat, insp->scratch, st->buf, st->len, start, partial);
    if (r == L7_PATTERN_NOMATCH && now) {
        if (anchored)
            bit_set(dead, id);
        else
            bit_set(now, id);
    }
    if (r == L7_PATTERN_PARTIAL)
        r = L7_PATTERN_NOMATCH;
    if (r == L7_PATTERN_MATCH) {
        classify_as(insp, st, id);
    } else if (r == L7_PATTERN_LIMIT) {
        insp->stats.limit_hits++;
        insp->stats.last_limit_protocol = id;
    }
    return r;
}

static bool bad_args(const l7_inspector *insp, const l7_inspect_state *st,
                     const uint8_t *payload, size_t len, uint64_t packet_no)
{
    return !insp || !st || (!payload && len) || packet_no == 0;
}

int l7_inspect_observe(l7_inspector *insp, l7_inspect_state *state, uint64_t packet_no,
                       const uint8_t *payload, size_t len)
{
    if (L7_UNLIKELY(bad_args(insp, state, payload, len, packet_no)))
        return L7_EINVAL;
    if (state->status != L7_INSPECT_INSPECTING)
        return state->status;
    if (packet_no > insp->opts.max_packets) {
        give_up(insp, state);
        state->flags |= L7_INSPECT_F_GIVEUP_PENDING;
        return state->status;
    }
    if (insp->opts.collect_always && packet_no > state->last_packet &&
        may_inspect(insp, state, packet_no))
        L7_TRY(collect(insp, state, packet_no, payload, len));
    return state->status;
}

int l7_inspect_rule(l7_inspector *insp, l7_inspect_state *state, uint64_t packet_no,
                    const uint8_t *payload, size_t len, uint32_t proto_id)
{
    if (L7_UNLIKELY(bad_args(insp, state, payload, len, packet_no)))
        return L7_EINVAL;
    l7_inspect_state *st = state;
    /* Decided connections: no regexp, no buffer (L6, L7). */
    if (L7_LIKELY(st->status == L7_INSPECT_CLASSIFIED))
        return st->result == proto_id ? L7_INSPECT_YES : L7_INSPECT_NO;
    if (st->status == L7_INSPECT_UNKNOWN) {
        if (st->flags & L7_INSPECT_F_GIVEUP_PENDING) {
            st->flags &= (uint8_t)~L7_INSPECT_F_GIVEUP_PENDING;
            return L7_INSPECT_NO;
        }
        return proto_id == L7_PROTO_ID_UNKNOWN ? L7_INSPECT_YES : L7_INSPECT_NO;
    }
    if (packet_no > insp->opts.max_packets) {
        give_up(insp, st); /* this evaluation still says no, even to `unknown` */
        return L7_INSPECT_NO;
    }
    if (!may_inspect(insp, st, packet_no))
        return L7_INSPECT_NO;
    if (packet_no > st->last_packet)
        L7_TRY(collect(insp, st, packet_no, payload, len));
    else if (packet_no < st->last_packet)
        return L7_INSPECT_NO; /* an old packet: it was dealt with */
    bool added_now = (st->flags & L7_INSPECT_F_ADDED) != 0;
    if (proto_id == L7_PROTO_ID_UNKNOWN)
        return L7_INSPECT_NO; /* never while inspecting (L8) */
    if (proto_id == L7_PROTO_ID_UNSET)
        return added_now ? L7_INSPECT_YES : L7_INSPECT_NO;
    /* D-L4: a packet that added nothing runs no regexp. With collect=always
     * the bytes may have come in on packets no rule looked at, so any
     * buffer this protocol has not seen yet is worth a run. */
    if (!added_now && !(insp->opts.collect_always && st->len > 0))
        return L7_INSPECT_NO;
    const l7_proto *p =
        proto_id < insp->set->bound ? &insp->set->items[proto_id] : NULL;
    if (!p || !p->name || !p->enabled)
        return L7_INSPECT_NO;
    int r = run_protocol(insp, st, proto_id, p->pattern);
    if (r == L7_PATTERN_MATCH)
        return L7_INSPECT_YES;
    return r == L7_PATTERN_LIMIT ? L7_INSPECT_LIMIT : L7_INSPECT_NO;
}

int l7_inspect_classify(l7_inspector *insp, l7_inspect_state *state, uint64_t packet_no,
                        const uint8_t *payload, size_t len)
{
    if (L7_UNLIKELY(bad_args(insp, state, payload, len, packet_no)))
        return L7_EINVAL;
    l7_inspect_state *st = state;
    if (st->status != L7_INSPECT_INSPECTING)
        return st->status;
    if (packet_no > insp->opts.max_packets) {
        give_up(insp, st);
        return st->status;
    }
    if (!may_inspect(insp, st, packet_no))
        return st->status;
    if (packet_no > st->last_packet)
        L7_TRY(collect(insp, st, packet_no, payload, len));
    if (!st->len)
        return st->status;
    /* Set order, first match wins. A multi-pattern prefilter would narrow
     * this loop to its candidate ids. An id it rules out for the whole
     * buffer may also get its `checked` bit for a bounded pattern (no match
     * in the buffer is all that kind needs); an unbounded one needs the
     * stronger "no attempt reached the end", which a streaming prefilter
     * (Hyperscan stream mode) can give, and an anchored one "dead". */
    const l7_protoset *set = insp->set;
    for (uint32_t id = 0; id < set->bound; id++) {
        const l7_proto *p = &set->items[id];
        if (!p->name || !p->enabled)
            continue;
        if (run_protocol(insp, st, id, p->pattern) == L7_PATTERN_MATCH)
            break;
    }
    return st->status;
}
