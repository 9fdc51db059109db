/*
 * Time zones from TZif bytes (RFC 8536). The host reads the file; this
 * module only parses bytes it is given, so the library never depends on
 * the process's TZ or on tzset()/localtime(), which are process-global.
 */
#include "tz_internal.h"

#include <stdatomic.h>
#include <string.h>

typedef struct tz_type {
    int32_t utoff;
    uint8_t isdst;
    uint32_t abbr; /* offset into chars */
} tz_type;

struct l7_tz {
    atomic_uint refs;
    l7_alloc alloc;
    size_t ntrans;
    int64_t *times;       /* strictly ascending */
    uint8_t *trans_types; /* index into types, per transition */
    size_t ntypes;
    tz_type *types;
    char *chars; /* NUL-terminated abbreviations */
    size_t nchars;
    bool has_rule;
    l7_tz_rule rule; /* the footer: after the last transition */
};

/* ---- lookup ---------------------------------------------------------------- */

typedef struct tz_state {
    int32_t utoff;
    bool isdst;
    const char *abbr;
} tz_state;

static tz_state state_of_type(const l7_tz *tz, size_t type)
{
    const tz_type *ty = &tz->types[type];
    return (tz_state){ty->utoff, ty->isdst != 0, tz->chars + ty->abbr};
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
    /* times[lo] <= t < times[hi] */
    size_t lo = 0, hi = n - 1;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (tz->times[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return state_of_type(tz, tz->trans_types[lo]);
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
    tz->trans_types = l7_calloc(&tz->alloc, c->timecnt ? c->timecnt : 1, 1);
    tz->types = l7_calloc(&tz->alloc, c->typecnt, sizeof(tz_type));
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
        tz->types[i] = (tz_type){utoff, ty[4], ty[5]};
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
    return read_footer(r, at + (size_t)v2_size, tz);
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
