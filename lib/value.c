/*
 * RouterOS value grammars: addresses, prefixes, ranges, durations, rates,
 * port lists, booleans, comma lists. Every parser is bounded by its length
 * argument and never reads past it.
 */
#include "value_internal.h"

/* ---- small helpers -------------------------------------------------------- */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* snprintf-like append used by every formatter. */
typedef struct out_buf {
    char *buf;
    size_t size;
    size_t len; /* length the full text needs so far */
} out_buf;

static void ob_put(out_buf *o, const char *s, size_t n)
{
    if (o->size > 0 && o->len < o->size - 1) {
        size_t room = o->size - 1 - o->len;
        memcpy(o->buf + o->len, s, n < room ? n : room);
    }
    o->len += n;
}

static void ob_str(out_buf *o, const char *s)
{
    ob_put(o, s, strlen(s));
}

static void ob_u64(out_buf *o, uint64_t v)
{
    char tmp[24];
    size_t i = sizeof(tmp);
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    ob_put(o, tmp + i, sizeof(tmp) - i);
}

static int ob_finish(out_buf *o)
{
    if (o->size > 0)
        o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
    return o->len > (size_t)INT32_MAX ? L7_ERANGE : (int)o->len;
}

/* Parse decimal digits text[*pos..] (at least one) into *out without
 * overflow; stops at the first non-digit. */
static int parse_u64(uint64_t *out, const char *text, size_t len, size_t *pos)
{
    size_t i = *pos;
    uint64_t v = 0;
    int overflow = 0;
    if (i >= len || !is_digit(text[i]))
        return L7_ESYNTAX;
    for (; i < len && is_digit(text[i]); i++) {
        unsigned d = (unsigned)(text[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            overflow = 1;
        else
            v = v * 10 + d;
    }
    *pos = i;
    *out = v;
    return overflow ? L7_ERANGE : L7_OK;
}

/* ---- addresses ------------------------------------------------------------ */

static int parse_ipv4_bytes(uint8_t out[4], const char *s, size_t n)
{
    size_t i = 0;
    for (int octet = 0; octet < 4; octet++) {
        if (octet > 0) {
            if (i >= n || s[i] != '.')
                return L7_ESYNTAX;
            i++;
        }
        size_t start = i;
        unsigned v = 0;
        while (i < n && is_digit(s[i]) && i - start < 3)
            v = v * 10 + (unsigned)(s[i++] - '0');
        if (i == start || (i < n && is_digit(s[i])))
            return L7_ESYNTAX;
        /* Leading zeros would read as octal to some parsers: refuse them. */
        if (i - start > 1 && s[start] == '0')
            return L7_ESYNTAX;
        if (v > 255)
            return L7_ESYNTAX;
        out[octet] = (uint8_t)v;
    }
    return i == n ? L7_OK : L7_ESYNTAX;
}

static int parse_ipv6_bytes(uint8_t out[16], const char *s, size_t n)
{
    uint16_t words[8];
    int count = 0, gap = -1;
    size_t i = 0;
    if (n < 2)
        return L7_ESYNTAX;
    if (s[0] == ':') {
        if (s[1] != ':')
            return L7_ESYNTAX;
        gap = 0;
        i = 2;
    }
    while (i < n) {
        size_t j = i;
        while (j < n && hex_value(s[j]) >= 0)
            j++;
        if (j < n && s[j] == '.') {
            /* An embedded IPv4 address ends the text and fills two words. */
            uint8_t v4[4];
            if (count > 6 || parse_ipv4_bytes(v4, s + i, n - i) != L7_OK)
                return L7_ESYNTAX;
            words[count++] = (uint16_t)(v4[0] << 8 | v4[1]);
            words[count++] = (uint16_t)(v4[2] << 8 | v4[3]);
            i = n;
            break;
        }
        if (j == i || j - i > 4 || count == 8)
            return L7_ESYNTAX;
        unsigned w = 0;
        for (size_t k = i; k < j; k++)
            w = w << 4 | (unsigned)hex_value(s[k]);
        words[count++] = (uint16_t)w;
        i = j;
        if (i == n)
            break;
        if (s[i] != ':')
            return L7_ESYNTAX; /* includes '%' zone ids */
        i++;
        if (i < n && s[i] == ':') {
            if (gap >= 0)
                return L7_ESYNTAX;
            gap = count;
            i++;
        } else if (i == n) {
            return L7_ESYNTAX; /* a trailing single ':' */
        }
    }
    if (gap < 0 ? count != 8 : count > 7)
        return L7_ESYNTAX;
    memset(out, 0, 16);
    int tail = gap < 0 ? 0 : count - gap;
    for (int k = 0; k < count; k++) {
        int at = (gap < 0 || k < gap) ? k : 8 - tail + (k - gap);
        out[2 * at] = (uint8_t)(words[k] >> 8);
        out[2 * at + 1] = (uint8_t)words[k];
    }
    return L7_OK;
}

int l7_value_parse_addr(l7_addr *out, const char *text, size_t len, uint32_t family)
{
    if (!out || (!text && len) || (family != 0 && family != 4 && family != 6))
        return L7_EINVAL;
    memset(out, 0, sizeof(*out));
    if (len == 0)
        return L7_ESYNTAX;
    int has_colon = memchr(text, ':', len) != NULL;
    if (!has_colon) {
        if (family == 6 || parse_ipv4_bytes(out->bytes, text, len) != L7_OK)
            return L7_ESYNTAX;
        out->family = 4;
        return L7_OK;
    }
    if (family == 4 || parse_ipv6_bytes(out->bytes, text, len) != L7_OK) {
        memset(out, 0, sizeof(*out));
        return L7_ESYNTAX;
    }
    out->family = 6;
    return L7_OK;
}

int l7v_addr_mask(l7_addr *addr, uint32_t len)
{
    int changed = 0;
    size_t size = l7v_addr_size(addr->family);
    for (size_t k = 0; k < size; k++) {
        uint32_t bit = (uint32_t)k * 8;
        uint8_t keep = bit >= len       ? 0
                       : len - bit >= 8 ? 0xff
                                        : (uint8_t)(0xff << (8 - (len - bit)));
        if (addr->bytes[k] & (uint8_t)~keep)
            changed = 1;
        addr->bytes[k] &= keep;
    }
    return changed;
}

void l7v_addr_fill(l7_addr *addr, uint32_t len)
{
    size_t size = l7v_addr_size(addr->family);
    for (size_t k = 0; k < size; k++) {
        uint32_t bit = (uint32_t)k * 8;
        uint8_t keep = bit >= len       ? 0
                       : len - bit >= 8 ? 0xff
                                        : (uint8_t)(0xff << (8 - (len - bit)));
        addr->bytes[k] |= (uint8_t)~keep;
    }
}

int l7v_range_is_prefix(const l7_addr *first, const l7_addr *last, uint32_t *len)
{
    uint32_t bits = (uint32_t)l7v_addr_size(first->family) * 8;
    /* The block length is fixed by the first differing bit; then the low
     * bits must be all 0 in `first` and all 1 in `last`. */
    uint32_t common = 0;
    while (common < bits) {
        uint32_t k = common / 8, shift = 7 - common % 8;
        if (((first->bytes[k] >> shift) & 1) != ((last->bytes[k] >> shift) & 1))
            break;
        common++;
    }
    l7_addr lo = *first, hi = *last;
    if (l7v_addr_mask(&lo, common))
        return 0;
    l7v_addr_fill(&hi, common);
    if (l7v_addr_cmp(&hi, last) != 0)
        return 0;
    *len = common;
    return 1;
}

static void spec_single(l7_value_addrspec *out, const l7_addr *a)
{
    memset(out, 0, sizeof(*out));
    out->kind = L7_VALUE_ADDR_SINGLE;
    out->prefix_len = (uint32_t)l7v_addr_size(a->family) * 8;
    out->first = *a;
    out->last = *a;
}

int l7_value_parse_prefix(l7_value_addrspec *out, const char *text, size_t len,
                          uint32_t family)
{
    if (!out || (!text && len))
        return L7_EINVAL;
    memset(out, 0, sizeof(*out));
    if (len == 0)
        return L7_ESYNTAX;
    const char *slash = memchr(text, '/', len);
    if (!slash)
        return L7_ESYNTAX;
    l7_addr a;
    L7_TRY(l7_value_parse_addr(&a, text, (size_t)(slash - text), family));
    size_t pos = (size_t)(slash - text) + 1;
    size_t digits_at = pos;
    uint64_t plen;
    int rc = parse_u64(&plen, text, len, &pos);
    if (rc == L7_ESYNTAX || pos != len || pos - digits_at > 3)
        return rc == L7_ERANGE ? L7_ERANGE : L7_ESYNTAX;
    if (plen > l7v_addr_size(a.family) * 8)
        return L7_ERANGE;
    out->kind = L7_VALUE_ADDR_PREFIX;
    out->prefix_len = (uint32_t)plen;
    out->normalised = (uint32_t)l7v_addr_mask(&a, out->prefix_len);
    out->first = a;
    out->last = a;
    l7v_addr_fill(&out->last, out->prefix_len);
    return L7_OK;
}

int l7_value_parse_range(l7_value_addrspec *out, const char *text, size_t len)
{
    if (!out || (!text && len))
        return L7_EINVAL;
    memset(out, 0, sizeof(*out));
    if (len == 0)
        return L7_ESYNTAX;
    const char *dash = memchr(text, '-', len);
    if (!dash)
        return L7_ESYNTAX;
    size_t left = (size_t)(dash - text);
    l7_addr a, b;
    L7_TRY(l7_value_parse_addr(&a, text, left, 4));
    L7_TRY(l7_value_parse_addr(&b, dash + 1, len - left - 1, 4));
    if (l7v_addr_cmp(&a, &b) > 0)
        return L7_ERANGE;
    out->kind = L7_VALUE_ADDR_RANGE;
    out->first = a;
    out->last = b;
    return L7_OK;
}

int l7_value_parse_addrspec(l7_value_addrspec *out, const char *text, size_t len,
                            uint32_t family)
{
    if (!out || (!text && len) || (family != 0 && family != 4 && family != 6))
        return L7_EINVAL;
    memset(out, 0, sizeof(*out));
    if (len == 0)
        return L7_ESYNTAX;
    if (memchr(text, '/', len))
        return l7_value_parse_prefix(out, text, len, family);
    if (memchr(text, '-', len)) {
        if (family == 6)
            return L7_ESYNTAX; /* RouterOS has no IPv6 ranges */
        return l7_value_parse_range(out, text, len);
    }
    l7_addr a;
    L7_TRY(l7_value_parse_addr(&a, text, len, family));
    spec_single(out, &a);
    return L7_OK;
}

int l7_value_format_addrspec(char *buf, size_t size, const l7_value_addrspec *spec)
{
    if (!spec || (!buf && size) || spec->kind > L7_VALUE_ADDR_RANGE)
        return L7_EINVAL;
    /* One address formatter for the whole library: packet's. */
    char a[L7_ADDR_STRLEN], b[L7_ADDR_STRLEN];
    int n = l7_addr_format(a, sizeof(a), &spec->first);
    if (n < 0)
        return n;
    out_buf o = {buf, size, 0};
    ob_str(&o, a);
    if (spec->kind == L7_VALUE_ADDR_PREFIX) {
        ob_put(&o, "/", 1);
        ob_u64(&o, spec->prefix_len);
    } else if (spec->kind == L7_VALUE_ADDR_RANGE) {
        L7_TRY(l7_addr_format(b, sizeof(b), &spec->last));
        ob_put(&o, "-", 1);
        ob_str(&o, b);
    }
    return ob_finish(&o);
}

int l7_value_addrspec_from_range(l7_value_addrspec *out, const l7_addr *first,
                                 const l7_addr *last)
{
    if (!out || !first || !last || first->family != last->family ||
        l7v_addr_size(first->family) == 0)
        return L7_EINVAL;
    if (l7v_addr_cmp(first, last) > 0)
        return L7_ERANGE;
    if (l7v_addr_cmp(first, last) == 0) {
        spec_single(out, first);
        return L7_OK;
    }
    memset(out, 0, sizeof(*out));
    out->first = *first;
    out->last = *last;
    uint32_t plen;
    if (l7v_range_is_prefix(first, last, &plen)) {
        out->kind = L7_VALUE_ADDR_PREFIX;
        out->prefix_len = plen;
        return L7_OK;
    }
    if (first->family == 6)
        return L7_ERANGE;
    out->kind = L7_VALUE_ADDR_RANGE;
    return L7_OK;
}

int l7_value_addrspec_contains(const l7_value_addrspec *spec, const l7_addr *addr)
{
    if (!spec || !addr || spec->first.family != addr->family)
        return 0;
    return l7v_addr_cmp(&spec->first, addr) <= 0 &&
           l7v_addr_cmp(addr, &spec->last) <= 0;
}

/* ---- durations ------------------------------------------------------------ */

static const struct {
    const char *name;
    uint64_t ns;
} duration_units[] = {
    /* Decreasing size: the order units must appear in. */
    {"w", 7 * 86400 * L7_NSEC_PER_SEC},
    {"d", 86400 * L7_NSEC_PER_SEC},
    {"h", 3600 * L7_NSEC_PER_SEC},
    {"m", 60 * L7_NSEC_PER_SEC},
    {"s", L7_NSEC_PER_SEC},
    {"ms", 1000000ull},
    {"us", 1000ull},
    {"ns", 1ull},
};

static int add_checked(uint64_t *acc, uint64_t value, uint64_t unit)
{
    if (unit && value > UINT64_MAX / unit)
        return L7_ERANGE;
    if (*acc > UINT64_MAX - value * unit)
        return L7_ERANGE;
    *acc += value * unit;
    return L7_OK;
}

/* Exactly two digits below 60 at text[*pos]. */
static int parse_clock_field(uint64_t *out, const char *text, size_t len, size_t *pos)
{
    size_t i = *pos;
    if (len - i < 2 || !is_digit(text[i]) || !is_digit(text[i + 1]))
        return L7_ESYNTAX;
    if (i + 2 < len && is_digit(text[i + 2]))
        return L7_ESYNTAX;
    *out = (uint64_t)(text[i] - '0') * 10 + (uint64_t)(text[i + 1] - '0');
    *pos = i + 2;
    return *out < 60 ? L7_OK : L7_ERANGE;
}

/* `H:MM` or `H:MM:SS[.fraction]` from text[pos] to the end. */
static int parse_clock(uint64_t *acc, const char *text, size_t len, size_t pos)
{
    uint64_t hours, minutes, seconds = 0, frac_ns = 0;
    L7_TRY(parse_u64(&hours, text, len, &pos));
    if (pos >= len || text[pos] != ':')
        return L7_ESYNTAX;
    pos++;
    L7_TRY(parse_clock_field(&minutes, text, len, &pos));
    if (pos < len && text[pos] == ':') {
        pos++;
        L7_TRY(parse_clock_field(&seconds, text, len, &pos));
        if (pos < len && text[pos] == '.') {
            pos++;
            size_t start = pos;
            uint64_t scale = 100000000ull;
            while (pos < len && is_digit(text[pos]) && pos - start < 9) {
                frac_ns += (uint64_t)(text[pos++] - '0') * scale;
                scale /= 10;
            }
            if (pos == start)
                return L7_ESYNTAX;
        }
    }
    if (pos != len)
        return L7_ESYNTAX;
    L7_TRY(add_checked(acc, hours, 3600 * L7_NSEC_PER_SEC));
    L7_TRY(add_checked(acc, minutes, 60 * L7_NSEC_PER_SEC));
    L7_TRY(add_checked(acc, seconds, L7_NSEC_PER_SEC));
    return add_checked(acc, frac_ns, 1);
}

int l7_value_parse_duration(uint64_t *out, const char *text, size_t len)
{
    if (!out || (!text && len))
        return L7_EINVAL;
    *out = 0;
    if (len == 0)
        return L7_ESYNTAX;
    uint64_t acc = 0;
    size_t pos = 0;
    size_t next_unit = 0; /* units must come in decreasing order */
    int parts = 0, need_clock = 0;
    while (pos < len) {
        size_t number_at = pos;
        uint64_t v;
        int rc = parse_u64(&v, text, len, &pos);
        if (rc == L7_ESYNTAX)
            return L7_ESYNTAX;
        if (pos < len && text[pos] == ':') {
            /* The clock form, possibly after weeks and days only. */
            if (next_unit > 2)
                return L7_ESYNTAX;
            rc = parse_clock(&acc, text, len, number_at);
            if (rc == L7_OK)
                *out = acc;
            return rc;
        }
        if (rc != L7_OK)
            return rc;
        if (need_clock)
            return L7_ESYNTAX;
        if (pos == len) {
            /* A bare number: seconds, allowed only alone. */
            if (parts)
                return L7_ESYNTAX;
            L7_TRY(add_checked(&acc, v, L7_NSEC_PER_SEC));
            break;
        }
        size_t unit = L7_ARRAY_SIZE(duration_units);
        for (size_t k = 0; k < L7_ARRAY_SIZE(duration_units); k++) {
            size_t n = strlen(duration_units[k].name);
            if (len - pos >= n && memcmp(text + pos, duration_units[k].name, n) == 0 &&
                !(n == 1 && len - pos >= 2 && text[pos + 1] == 's' &&
                  (text[pos] == 'm' || text[pos] == 'u' || text[pos] == 'n'))) {
                unit = k;
                pos += n;
                break;
            }
        }
        if (unit == L7_ARRAY_SIZE(duration_units) || unit < next_unit)
            return L7_ESYNTAX;
        next_unit = unit + 1;
        parts++;
        L7_TRY(add_checked(&acc, v, duration_units[unit].ns));
        /* `1d 02:00:00`: one space between days and the clock. */
        if (pos < len && text[pos] == ' ' && unit <= 1) {
            pos++;
            need_clock = 1;
        }
    }
    if (need_clock)
        return L7_ESYNTAX;
    *out = acc;
    return L7_OK;
}

int l7_value_format_duration(char *buf, size_t size, uint64_t ns)
{
    if (!buf && size)
        return L7_EINVAL;
    out_buf o = {buf, size, 0};
    if (ns == 0)
        ob_str(&o, "0s");
    for (size_t k = 0; k < L7_ARRAY_SIZE(duration_units) && ns; k++) {
        uint64_t n = ns / duration_units[k].ns;
        if (n) {
            ob_u64(&o, n);
            ob_str(&o, duration_units[k].name);
            ns -= n * duration_units[k].ns;
        }
    }
    return ob_finish(&o);
}

/* ---- rates ---------------------------------------------------------------- */

int l7_value_parse_rate(uint64_t *out, const char *text, size_t len)
{
    if (!out || (!text && len))
        return L7_EINVAL;
    *out = 0;
    size_t pos = 0;
    uint64_t whole;
    L7_TRY(parse_u64(&whole, text, len, &pos));
    uint64_t frac = 0, frac_scale = 1;
    int has_frac = 0;
    if (pos < len && text[pos] == '.') {
        pos++;
        size_t start = pos;
        while (pos < len && is_digit(text[pos]) && pos - start < 9) {
            frac = frac * 10 + (uint64_t)(text[pos++] - '0');
            frac_scale *= 10;
        }
        if (pos == start || (pos < len && is_digit(text[pos])))
            return L7_ESYNTAX;
        has_frac = 1;
    }
    uint64_t mult = 1;
    if (pos < len) {
        switch (text[pos]) {
        case 'k':
        case 'K':
            mult = 1000ull;
            break;
        case 'M':
            mult = 1000000ull;
            break;
        case 'G':
            mult = 1000000000ull;
            break;
        default:
            return L7_ESYNTAX;
        }
        pos++;
    }
    if (pos != len)
        return L7_ESYNTAX;
    if (has_frac && (frac * mult) % frac_scale != 0)
        return has_frac && mult == 1 ? L7_ESYNTAX : L7_ERANGE;
    uint64_t acc = 0;
    L7_TRY(add_checked(&acc, whole, mult));
    L7_TRY(add_checked(&acc, frac * mult / frac_scale, 1));
    *out = acc;
    return L7_OK;
}

int l7_value_format_rate(char *buf, size_t size, uint64_t bps)
{
    if (!buf && size)
        return L7_EINVAL;
    out_buf o = {buf, size, 0};
    if (bps && bps % 1000000000ull == 0) {
        ob_u64(&o, bps / 1000000000ull);
        ob_put(&o, "G", 1);
    } else if (bps && bps % 1000000ull == 0) {
        ob_u64(&o, bps / 1000000ull);
        ob_put(&o, "M", 1);
    } else if (bps && bps % 1000ull == 0) {
        ob_u64(&o, bps / 1000ull);
        ob_put(&o, "k", 1);
    } else {
        ob_u64(&o, bps);
    }
    return ob_finish(&o);
}

/* ---- port lists, booleans, lists ------------------------------------------ */

static int parse_port(uint16_t *out, const char *text, size_t len, size_t *pos)
{
    uint64_t v;
    size_t start = *pos;
    int rc = parse_u64(&v, text, len, pos);
    if (rc == L7_ESYNTAX)
        return rc;
    if (*pos - start > 5 || rc == L7_ERANGE || v > 65535)
        return L7_ERANGE;
    *out = (uint16_t)v;
    return L7_OK;
}

int l7_value_parse_portlist(l7_value_portlist *out, const char *text, size_t len)
{
    if (!out || (!text && len))
        return L7_EINVAL;
    memset(out, 0, sizeof(*out));
    l7_value_span items[L7_VALUE_PORTLIST_MAX];
    size_t count;
    int rc = l7_value_split(items, L7_VALUE_PORTLIST_MAX, &count, text, len, ',');
    if (rc == L7_EBUFFER)
        return L7_ELIMIT;
    L7_TRY(rc);
    for (size_t k = 0; k < count; k++) {
        const char *item = text + items[k].offset;
        size_t n = items[k].length, pos = 0;
        uint16_t lo, hi;
        L7_TRY(parse_port(&lo, item, n, &pos));
        hi = lo;
        if (pos < n && item[pos] == '-') {
            pos++;
            L7_TRY(parse_port(&hi, item, n, &pos));
        }
        if (pos != n)
            return L7_ESYNTAX;
        if (lo > hi)
            return L7_ERANGE;
        out->lo[k] = lo;
        out->hi[k] = hi;
    }
    out->count = (uint32_t)count;
    return L7_OK;
}

int l7_value_format_portlist(char *buf, size_t size, const l7_value_portlist *list)
{
    if (!list || (!buf && size) || list->count == 0 ||
        list->count > L7_VALUE_PORTLIST_MAX)
        return L7_EINVAL;
    out_buf o = {buf, size, 0};
    for (uint32_t k = 0; k < list->count; k++) {
        if (k)
            ob_put(&o, ",", 1);
        ob_u64(&o, list->lo[k]);
        if (list->hi[k] != list->lo[k]) {
            ob_put(&o, "-", 1);
            ob_u64(&o, list->hi[k]);
        }
    }
    return ob_finish(&o);
}

int l7_value_portlist_contains(const l7_value_portlist *list, uint16_t port)
{
    if (!list)
        return 0;
    uint32_t n =
        list->count < L7_VALUE_PORTLIST_MAX ? list->count : L7_VALUE_PORTLIST_MAX;
    for (uint32_t k = 0; k < n; k++)
        if (port >= list->lo[k] && port <= list->hi[k])
            return 1;
    return 0;
}

int l7_value_parse_bool(uint32_t *out, const char *text, size_t len)
{
    static const struct {
        const char *word;
        uint32_t value;
    } words[] = {{"yes", 1}, {"true", 1}, {"no", 0}, {"false", 0}};
    if (!out || (!text && len))
        return L7_EINVAL;
    *out = 0;
    for (size_t k = 0; k < L7_ARRAY_SIZE(words); k++) {
        if (strlen(words[k].word) == len && memcmp(words[k].word, text, len) == 0) {
            *out = words[k].value;
            return L7_OK;
        }
    }
    return L7_ESYNTAX;
}

int l7_value_split(l7_value_span *out, size_t capacity, size_t *out_count,
                   const char *text, size_t len, char sep)
{
    if (!out_count || (!out && capacity) || (!text && len) || len > UINT32_MAX)
        return L7_EINVAL;
    *out_count = 0;
    if (len == 0)
        return L7_ESYNTAX;
    size_t count = 0, start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && text[i] != sep)
            continue;
        if (i == start)
            return L7_ESYNTAX;
        if (count < capacity) {
            out[count].offset = (uint32_t)start;
            out[count].length = (uint32_t)(i - start);
        }
        count++;
        start = i + 1;
    }
    *out_count = count;
    return count > capacity ? L7_EBUFFER : L7_OK;
}
