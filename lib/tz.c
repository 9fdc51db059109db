/*
 * Time zones from TZif bytes (RFC 8536). The host reads the file; this
 * module only parses bytes it is given, so the library never depends on
 * the process's TZ or on tzset()/localtime(), which are process-global.
 */
#include "tz_internal.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

typedef struct tz_type {
    int32_t utoff;
    uint8_t isdst;
    const char *abbr; /* into chars, or into rule for the footer's types */
} tz_type;

/* The footer's rule is laid out as ordinary transitions up to this year, so
 * that present-day lookups are one binary search (see expand_rule()). */
#define TZ_EXPAND_UNTIL_YEAR 2200

struct l7_tz {
    atomic_uint refs;
    l7_alloc alloc;
    size_t ntrans;
    int64_t *times;        /* strictly ascending */
    uint16_t *trans_types; /* index into types, per transition */
    size_t ntypes;
    tz_type *types;
    char *chars; /* NUL-terminated abbreviations */
    size_t nchars;
    bool has_rule;
    l7_tz_rule rule; /* the footer: after the last transition */
    /* buckets[b]: the transition in effect at instant b << TZ_BUCKET_SHIFT
     * (0 when none is yet); narrows the search to one bucket's few. */
    size_t nbuckets;
    uint32_t *buckets;
};

/* Buckets of 2^24 s (194 days): a DST zone has about one transition in
 * each, and 512 of them reach the year 2236, past the expanded table. */
#define TZ_BUCKET_SHIFT 24
#define TZ_MAX_BUCKETS  512

_Static_assert(sizeof(l7_local_time) == 24, "l7_local_time is a fixed 24-byte value");

/* ---- lookup ---------------------------------------------------------------- */

typedef struct tz_state {
    int32_t utoff;
    bool isdst;
    const char *abbr;
} tz_state;

static tz_state state_of_type(const l7_tz *tz, size_t type)
{
    const tz_type *ty = &tz->types[type];
    return (tz_state){ty->utoff, ty->isdst != 0, ty->abbr};
}

static tz_state state_of_rule(const l7_tz *tz, int64_t t)
{
    const l7_tz_rule *r = &tz->rule;
    if (l7_tz_rule_is_dst(r, t))
        return (tz_state){r->dst_offset, true, r->dst_abbr};
    return (tz_state){r->std_offset, false, r->std_abbr};
}

static tz_state tz_lookup(const l7_tz *tz, int64_t t)
{
    if (L7_UNLIKELY(!tz))
        return (tz_state){0, false, "UTC"};
    size_t n = tz->ntrans;
    if (n == 0)
        return tz->has_rule ? state_of_rule(tz, t) : state_of_type(tz, 0);
    if (t < tz->times[0])
        return state_of_type(tz, 0); /* RFC 8536: type 0 before the first */
    if (t >= tz->times[n - 1])
        return tz->has_rule ? state_of_rule(tz, t)
                            : state_of_type(tz, tz->trans_types[n - 1]);
    /* Last transition at or before t; times[0] <= t < times[n - 1] here.
     * The bucket of t bounds it to [buckets[b], buckets[b + 1]], usually
     * one or two candidates; without a bucket, the whole table. Written so
     * the compiler can use conditional moves: each step's outcome is
     * unpredictable, and a branch would mispredict half the time. */
    const int64_t *base = tz->times;
    size_t len = n - 1;
    uint64_t b = (uint64_t)t >> TZ_BUCKET_SHIFT; /* t >= 0: now is unsigned */
    if (L7_LIKELY(b + 1 < tz->nbuckets)) {
        base += tz->buckets[b];
        len = tz->buckets[b + 1] - tz->buckets[b] + 1;
    }
    while (len > 1) {
        size_t half = len / 2;
        base = base[half] <= t ? base + half : base;
        len -= half;
    }
    return state_of_type(tz, tz->trans_types[base - tz->times]);
}

static int64_t seconds_of(uint64_t now)
{
    return (int64_t)(now / L7_NSEC_PER_SEC);
}

int32_t l7_tz_offset(const l7_tz *tz, uint64_t now)
{
    return tz_lookup(tz, seconds_of(now)).utoff;
}

const char *l7_tz_abbreviation(const l7_tz *tz, uint64_t now)
{
    return tz_lookup(tz, seconds_of(now)).abbr;
}

int l7_tz_to_local(l7_local_time *out, const l7_tz *tz, uint64_t now)
{
    if (!out)
        return L7_EINVAL;
    int64_t t = seconds_of(now);
    tz_state st = tz_lookup(tz, t);
    int64_t local = t + st.utoff;
    int64_t day = l7_floor_div(local, L7_SECS_PER_DAY);
    memset(out, 0, sizeof(*out));
    out->day = day;
    out->utc_offset = st.utoff;
    out->second_of_day = (uint32_t)(local - day * L7_SECS_PER_DAY);
    out->weekday = (uint8_t)l7_floor_mod(day + 4, 7); /* 1970-01-01: Thursday */
    out->is_dst = st.isdst;
    return L7_OK;
}

/* ---- life cycle ------------------------------------------------------------ */

static int tz_alloc(l7_tz **out, const l7_allocator *hooks, l7_tz **tz)
{
    l7_alloc a;
    if (!out)
        return L7_EINVAL;
    *out = NULL;
    L7_TRY(l7_alloc_init(&a, hooks));
    *tz = l7_calloc(&a, 1, sizeof(**tz));
    if (!*tz)
        return L7_ENOMEM;
    (*tz)->alloc = a;
    atomic_init(&(*tz)->refs, 1);
    return L7_OK;
}

static void tz_free(l7_tz *tz)
{
    const l7_alloc a = tz->alloc;
    l7_free(&a, tz->times);
    l7_free(&a, tz->trans_types);
    l7_free(&a, tz->types);
    l7_free(&a, tz->chars);
    l7_free(&a, tz->buckets);
    l7_free(&a, tz);
}

l7_tz *l7_tz_ref(l7_tz *tz)
{
    if (tz)
        atomic_fetch_add_explicit(&tz->refs, 1, memory_order_relaxed);
    return tz;
}

void l7_tz_destroy(l7_tz *tz)
{
    if (tz && atomic_fetch_sub_explicit(&tz->refs, 1, memory_order_acq_rel) == 1)
        tz_free(tz);
}

/* A zone of one local time type and no transitions. */
static int tz_make_fixed(l7_tz **out, int32_t utoff, const char *abbr,
                         const l7_allocator *hooks)
{
    l7_tz *tz;
    L7_TRY(tz_alloc(out, hooks, &tz));
    tz->types = l7_calloc(&tz->alloc, 1, sizeof(*tz->types));
    tz->chars = l7_strdup(&tz->alloc, abbr);
    if (!tz->types || !tz->chars) {
        tz_free(tz);
        return L7_ENOMEM;
    }
    tz->ntypes = 1;
    tz->nchars = strlen(abbr) + 1;
    tz->types[0].utoff = utoff;
    tz->types[0].abbr = tz->chars;
    *out = tz;
    return L7_OK;
}

int l7_tz_create_utc(l7_tz **out, const l7_allocator *alloc)
{
    return tz_make_fixed(out, 0, "UTC", alloc);
}

int l7_tz_create_fixed(l7_tz **out, int32_t offset_seconds, const l7_allocator *alloc)
{
    if (out)
        *out = NULL;
    if (offset_seconds < -93600 || offset_seconds > 93600)
        return L7_ERANGE;
    /* The abbreviation tzdata uses for such zones: +03, -0530, +013045. */
    char abbr[12];
    uint32_t mag = (uint32_t)(offset_seconds < 0 ? -offset_seconds : offset_seconds);
    uint32_t parts[3] = {mag / 3600, mag / 60 % 60, mag % 60};
    size_t n = 0, nparts = parts[2] ? 3 : parts[1] ? 2 : 1;
    abbr[n++] = offset_seconds < 0 ? '-' : '+';
    for (size_t i = 0; i < nparts; i++) {
        abbr[n++] = (char)('0' + parts[i] / 10);
        abbr[n++] = (char)('0' + parts[i] % 10);
    }
    abbr[n] = '\0';
    return tz_make_fixed(out, offset_seconds, abbr, alloc);
}

/* ---- TZif parsing ---------------------------------------------------------- */

#define TZIF_HEADER_SIZE 44
/* RFC 8536 section 3.2: utoff SHOULD be in [-89999, 93599]. */
#define TZIF_MIN_UTOFF (-89999)
#define TZIF_MAX_UTOFF 93599

typedef struct tzif_counts {
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
} tzif_counts;

typedef struct reader {
    const uint8_t *bytes;
    size_t len;
    l7_diag_list *diags;
} reader;

static int bad(const reader *r, int code, size_t at, const char *msg)
{
    l7_diag_add(r->diags, L7_SEV_ERROR, code, "TZif", 0,
                (uint32_t)(at < UINT32_MAX ? at + 1 : UINT32_MAX), 0, "%s", msg);
    return code;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static int read_header(const reader *r, size_t at, char *version, tzif_counts *c)
{
    if (r->len - at < TZIF_HEADER_SIZE)
        return bad(r, L7_ESYNTAX, at, "truncated TZif header");
    const uint8_t *h = r->bytes + at;
    if (memcmp(h, "TZif", 4) != 0)
        return bad(r, L7_ESYNTAX, at, "not a TZif file (no \"TZif\" magic)");
    *version = (char)h[4];
    /* Version 0 is v1; later versions keep the v2 layout (RFC 8536 3.1),
     * so any digit from '2' up is read as such. */
    if (*version != 0 && (*version < '2' || *version > '9'))
        return bad(r, L7_EUNSUPPORTED, at + 4, "unknown TZif version byte");
    const uint8_t *p = h + 20;
    c->isutcnt = be32(p);
    c->isstdcnt = be32(p + 4);
    c->leapcnt = be32(p + 8);
    c->timecnt = be32(p + 12);
    c->typecnt = be32(p + 16);
    c->charcnt = be32(p + 20);
    if (c->typecnt == 0 || c->typecnt > 256)
        return bad(r, L7_ESYNTAX, at + 36, "typecnt must be 1..256");
    if (c->charcnt == 0)
        return bad(r, L7_ESYNTAX, at + 40, "charcnt must not be zero");
    if (c->isutcnt != 0 && c->isutcnt != c->typecnt)
        return bad(r, L7_ESYNTAX, at + 20, "isutcnt must be 0 or typecnt");
    if (c->isstdcnt != 0 && c->isstdcnt != c->typecnt)
        return bad(r, L7_ESYNTAX, at + 24, "isstdcnt must be 0 or typecnt");
    return L7_OK;
}

/* Size of the data block that follows a header; 64-bit arithmetic so that
 * hostile counts cannot wrap. */
static uint64_t data_size(const tzif_counts *c, unsigned time_size)
{
    return (uint64_t)c->timecnt * time_size + c->timecnt + (uint64_t)c->typecnt * 6 +
           c->charcnt + (uint64_t)c->leapcnt * (time_size + 4) + c->isstdcnt +
           c->isutcnt;
}

static int read_data(const reader *r, size_t at, const tzif_counts *c,
                     unsigned time_size, l7_tz *tz)
{
    const uint8_t *p = r->bytes + at;
    tz->ntrans = c->timecnt;
    tz->ntypes = c->typecnt;
    tz->nchars = c->charcnt;
    tz->times = l7_calloc(&tz->alloc, c->timecnt ? c->timecnt : 1, sizeof(int64_t));
    tz->trans_types =
        l7_calloc(&tz->alloc, c->timecnt ? c->timecnt : 1, sizeof(uint16_t));
    /* Two spare types for the footer's standard and daylight time. */
    tz->types = l7_calloc(&tz->alloc, c->typecnt + 2, sizeof(tz_type));
    tz->chars = l7_malloc(&tz->alloc, c->charcnt);
    if (!tz->times || !tz->trans_types || !tz->types || !tz->chars)
        return L7_ENOMEM;

    for (uint32_t i = 0; i < c->timecnt; i++, p += time_size) {
        tz->times[i] = time_size == 8 ? be64(p) : (int32_t)be32(p);
        if (i > 0 && tz->times[i] <= tz->times[i - 1])
            return bad(r, L7_ESYNTAX, (size_t)(p - r->bytes),
                       "transition times are not strictly ascending");
    }
    for (uint32_t i = 0; i < c->timecnt; i++, p++) {
        if (*p >= c->typecnt)
            return bad(r, L7_ESYNTAX, (size_t)(p - r->bytes),
                       "transition type index out of range");
        tz->trans_types[i] = *p;
    }
    const uint8_t *types = p;
    p += (size_t)c->typecnt * 6;
    memcpy(tz->chars, p, c->charcnt);
    if (tz->chars[c->charcnt - 1] != '\0')
        return bad(r, L7_ESYNTAX, (size_t)(p - r->bytes) + c->charcnt - 1,
                   "time zone abbreviations are not NUL-terminated");
    for (uint32_t i = 0; i < c->typecnt; i++) {
        const uint8_t *ty = types + (size_t)i * 6;
        int32_t utoff = (int32_t)be32(ty);
        if (utoff < TZIF_MIN_UTOFF || utoff > TZIF_MAX_UTOFF)
            return bad(r, L7_ESYNTAX, (size_t)(ty - r->bytes),
                       "UT offset out of range (-89999..93599 s)");
        if (ty[4] > 1)
            return bad(r, L7_ESYNTAX, (size_t)(ty - r->bytes) + 4,
                       "isdst must be 0 or 1");
        if (ty[5] >= c->charcnt)
            return bad(r, L7_ESYNTAX, (size_t)(ty - r->bytes) + 5,
                       "abbreviation index out of range");
        tz->types[i] = (tz_type){utoff, ty[4], tz->chars + ty[5]};
    }
    /* Leap-second records and the standard/UT indicators follow; libl7
     * keeps POSIX time, so they are only skipped (their size is already
     * inside the bounds check of data_size()). */
    return L7_OK;
}

static int read_footer(const reader *r, size_t at, l7_tz *tz)
{
    if (at >= r->len || r->bytes[at] != '\n')
        return bad(r, L7_ESYNTAX, at, "missing TZ string footer");
    const uint8_t *text = r->bytes + at + 1;
    size_t room = r->len - at - 1;
    const uint8_t *nl = memchr(text, '\n', room);
    if (!nl)
        return bad(r, L7_ESYNTAX, at, "unterminated TZ string footer");
    size_t n = (size_t)(nl - text);
    if (n == 0)
        return L7_OK; /* empty footer: the last transition's type stays */
    size_t err_at = 0;
    const char *err_msg = NULL;
    if (l7_tz_rule_parse(&tz->rule, (const char *)text, n, &err_at, &err_msg) < 0) {
        l7_diag_add(r->diags, L7_SEV_ERROR, L7_ESYNTAX, "TZif", 0,
                    (uint32_t)(at + 2 + err_at), 0, "bad TZ string footer \"%.*s\": %s",
                    (int)(n > 64 ? 64 : n), (const char *)text, err_msg);
        return L7_ESYNTAX;
    }
    if (tz->rule.std_offset < TZIF_MIN_UTOFF || tz->rule.std_offset > TZIF_MAX_UTOFF ||
        tz->rule.dst_offset < TZIF_MIN_UTOFF || tz->rule.dst_offset > TZIF_MAX_UTOFF)
        return bad(r, L7_ESYNTAX, at + 1, "TZ string footer offset out of range");
    tz->has_rule = true;
    return L7_OK;
}

static int cmp_int64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/*
 * Lay the footer's rule out as ordinary transitions from the file's last
 * transition up to TZ_EXPAND_UNTIL_YEAR, so that a lookup is one binary
 * search instead of calendar arithmetic (tzdata "slim" files stop their
 * tables in 2007, "fat" ones in 2037). The rule is evaluated at every
 * instant where its answer can change, so the table agrees with
 * l7_tz_rule_is_dst() at every second, however odd the rule.
 */
static int expand_rule(l7_tz *tz)
{
    const l7_tz_rule *rule = &tz->rule;
    size_t n = tz->ntrans;
    if (!tz->has_rule || n == 0)
        return L7_OK;
    int64_t last = tz->times[n - 1];
    /* Lookups only see instants after 1970 (`now` is unsigned). */
    int64_t until = l7_days_from_civil(TZ_EXPAND_UNTIL_YEAR, 1, 1) * L7_SECS_PER_DAY;
    if (last < 0 || last >= until)
        return L7_OK;

    uint16_t std_type = (uint16_t)tz->ntypes, dst_type = (uint16_t)(tz->ntypes + 1);
    tz->types[std_type] = (tz_type){rule->std_offset, 0, rule->std_abbr};
    tz->types[dst_type] = (tz_type){rule->dst_offset, 1, rule->dst_abbr};
    /* From the last transition on, the footer decides (RFC 8536 3.2). */
    bool dst = l7_tz_rule_is_dst(rule, last);
    tz->trans_types[n - 1] = dst ? dst_type : std_type;
    if (!rule->has_dst)
        return L7_OK;

    int64_t first_year = l7_year_of_day(l7_floor_div(last, L7_SECS_PER_DAY)) - 1;
    size_t ncand = (size_t)(TZ_EXPAND_UNTIL_YEAR - first_year + 1) * 3;
    int64_t *cand = l7_malloc(&tz->alloc, ncand * sizeof(*cand));
    if (!cand)
        return L7_ENOMEM;
    size_t k = 0;
    for (int64_t year = first_year; year <= TZ_EXPAND_UNTIL_YEAR; year++)
        k += l7_tz_rule_change_points(rule, year, cand + k);
    qsort(cand, k, sizeof(*cand), cmp_int64);

    int64_t *times = l7_realloc(&tz->alloc, tz->times, (n + k) * sizeof(*times));
    if (times)
        tz->times = times;
    uint16_t *types =
        times ? l7_realloc(&tz->alloc, tz->trans_types, (n + k) * sizeof(*types))
              : NULL;
    if (!types) {
        l7_free(&tz->alloc, cand);
        return L7_ENOMEM;
    }
    tz->trans_types = types;
    for (size_t i = 0; i < k; i++) {
        if (cand[i] <= times[n - 1])
            continue;
        bool now_dst = l7_tz_rule_is_dst(rule, cand[i]);
        if (now_dst != dst) {
            times[n] = cand[i];
            types[n] = now_dst ? dst_type : std_type;
            n++;
            dst = now_dst;
        }
    }
    tz->ntrans = n;
    l7_free(&tz->alloc, cand);
    return L7_OK;
}

static int build_buckets(l7_tz *tz)
{
    size_t n = tz->ntrans;
    if (n < 2 || tz->times[n - 1] < 0)
        return L7_OK;
    uint64_t need = ((uint64_t)tz->times[n - 1] >> TZ_BUCKET_SHIFT) + 2;
    size_t nbuckets = need < TZ_MAX_BUCKETS ? (size_t)need : TZ_MAX_BUCKETS;
    tz->buckets = l7_malloc(&tz->alloc, nbuckets * sizeof(*tz->buckets));
    if (!tz->buckets)
        return L7_ENOMEM;
    size_t i = 0;
    for (size_t b = 0; b < nbuckets; b++) {
        int64_t start = (int64_t)((uint64_t)b << TZ_BUCKET_SHIFT);
        while (i + 1 < n && tz->times[i + 1] <= start)
            i++;
        tz->buckets[b] = (uint32_t)i;
    }
    tz->nbuckets = nbuckets;
    return L7_OK;
}

static int parse_tzif(const reader *r, l7_tz *tz)
{
    char version;
    tzif_counts c;
    L7_TRY(read_header(r, 0, &version, &c));
    uint64_t v1_size = data_size(&c, 4);
    if (v1_size > r->len - TZIF_HEADER_SIZE)
        return bad(r, L7_ESYNTAX, TZIF_HEADER_SIZE, "truncated TZif v1 data block");
    if (version == 0)
        return read_data(r, TZIF_HEADER_SIZE, &c, 4, tz);

    size_t at = TZIF_HEADER_SIZE + (size_t)v1_size;
    char version2;
    L7_TRY(read_header(r, at, &version2, &c));
    at += TZIF_HEADER_SIZE;
    uint64_t v2_size = data_size(&c, 8);
    if (v2_size > r->len - at)
        return bad(r, L7_ESYNTAX, at, "truncated TZif v2+ data block");
    L7_TRY(read_data(r, at, &c, 8, tz));
    L7_TRY(read_footer(r, at + (size_t)v2_size, tz));
    L7_TRY(expand_rule(tz));
    return build_buckets(tz);
}

int l7_tz_create_from_tzif(l7_tz **out, const void *bytes, size_t len,
                           const l7_allocator *alloc, l7_diag_list *diags)
{
    if (out)
        *out = NULL;
    if (!bytes && len)
        return L7_EINVAL;
    reader r = {bytes, len, diags};
    if (len > L7_TZ_MAX_TZIF_SIZE) {
        if (!out)
            return L7_EINVAL;
        return bad(&r, L7_ELIMIT, 0, "TZif input larger than L7_TZ_MAX_TZIF_SIZE");
    }
    l7_tz *tz;
    L7_TRY(tz_alloc(out, alloc, &tz));
    int rc = parse_tzif(&r, tz);
    if (rc < 0) {
        tz_free(tz);
        return rc;
    }
    *out = tz;
    return L7_OK;
}
