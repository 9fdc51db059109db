/*
 * Value parsers of the policy schema: addresses, ports, protocols, lists of
 * names, durations, rates, limits, TCP flags and time windows. Each parser
 * reports problems with a column inside the value.
 */
#include "policy_internal.h"
#include "l7/timematch.h"
#include "l7/value.h"

#include <string.h>

static int perr(l7_pparse *pp, int code, size_t at, size_t len, const char *msg)
{
    l7_diag_add(pp->diags, L7_SEV_ERROR, code, pp->item, 0, pp->col0 + (uint32_t)at,
                (uint32_t)len, "%s: %s", pp->item, msg);
    return code;
}

static int pwarn(l7_pparse *pp, size_t at, size_t len, const char *msg)
{
    l7_diag_add(pp->diags, L7_SEV_WARNING, 0, pp->item, 0, pp->col0 + (uint32_t)at,
                (uint32_t)len, "%s: %s", pp->item, msg);
    return 0;
}

int l7_parse_u64(uint64_t *out, const char *v, size_t n, uint64_t max)
{
    if (n == 0)
        return L7_ESYNTAX;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return L7_ESYNTAX;
        unsigned d = (unsigned)(v[i] - '0');
        if (x > (UINT64_MAX - d) / 10)
            return L7_ERANGE;
        x = x * 10 + d;
    }
    if (x > max)
        return L7_ERANGE;
    *out = x;
    return 0;
}

int l7_parse_bool(bool *out, const char *v, size_t n)
{
    if ((n == 3 && !memcmp(v, "yes", 3)) || (n == 4 && !memcmp(v, "true", 4))) {
        *out = true;
        return 0;
    }
    if ((n == 2 && !memcmp(v, "no", 2)) || (n == 5 && !memcmp(v, "false", 5))) {
        *out = false;
        return 0;
    }
    return L7_ESYNTAX;
}

/* RouterOS durations, with the grammar of the value module (shared with
 * address lists and the script loader). */
int l7_parse_duration_ns(uint64_t *out, const char *v, size_t n)
{
    return l7_value_parse_duration(out, v, n);
}

/* ---- addresses --------------------------------------------------------------- */

int l7_parse_addr_range(l7_addr_range *out, const char *v, size_t n)
{
    l7_value_addrspec spec;
    memset(out, 0, sizeof(*out));
    L7_TRY(l7_value_parse_addrspec(&spec, v, n, 0));
    out->family = spec.first.family;
    memcpy(out->lo, spec.first.bytes, 16);
    memcpy(out->hi, spec.last.bytes, 16);
    return 0;
}

int l7_pv_address(l7_pval *out, const char *v, size_t n, l7_pparse *pp)
{
    int rc = l7_parse_addr_range(&out->u.addr, v, n);
    if (rc == L7_ERANGE)
        return perr(pp, rc, 0, n,
                    "out of range (prefix length, or a range whose start is above its "
                    "end)");
    if (rc < 0)
        return perr(pp, L7_ESYNTAX, 0, n,
                    "expected an address, address/prefix or range a-b");
    return 0;
}

/* ---- ports ----------------------------------------------------------------------- */

int l7_pv_ports(l7_pval *out, const char *v, size_t n, l7_pparse *pp)
{
    l7_range16 tmp[L7_POL_MAX_LIST_ITEMS];
    uint32_t k = 0;
    size_t s = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && v[i] != ',')
            continue;
        const char *item = v + s;
        size_t len = i - s;
        if (k == L7_POL_MAX_LIST_ITEMS)
            return perr(pp, L7_ELIMIT, s, len, "too many ports in one list");
        const char *dash = memchr(item, '-', len);
        uint64_t lo, hi;
        size_t ln = dash ? (size_t)(dash - item) : len;
        if (l7_parse_u64(&lo, item, ln, 65535) < 0 ||
            (dash && l7_parse_u64(&hi, dash + 1, len - ln - 1, 65535) < 0))
            return perr(pp, L7_ESYNTAX, s, len, "expected a port 0-65535 or a range");
        if (!dash)
            hi = lo;
        if (lo > hi)
            return perr(pp, L7_ERANGE, s, len, "port range start is above its end");
        tmp[k].lo = (uint16_t)lo;
        tmp[k].hi = (uint16_t)hi;
        k++;
        s = i + 1;
    }
    out->u.ports.v = l7_malloc(pp->alloc, k * sizeof(l7_range16));
    if (!out->u.ports.v)
        return L7_ENOMEM;
    memcpy(out->u.ports.v, tmp, k * sizeof(l7_range16));
    out->u.ports.n = k;
    return 0;
}

void l7_pv_ports_free(l7_pval *v, const l7_alloc *a)
{
    l7_free(a, v->u.ports.v);
    v->u.ports.v = NULL;
}

/* ---- protocol -----------------------------------------------------------------------
 */

static const struct {
    const char *name;
    uint8_t num;
} proto_names[] = {
    {"icmp", 1},        {"igmp", 2},        {"ipencap", 4},    {"tcp", 6},
    {"egp", 8},         {"pup", 12},        {"udp", 17},       {"hmp", 20},
    {"xns-idp", 22},    {"rdp", 27},        {"ddp", 37},       {"ipv6-encap", 41},
    {"ipv6-route", 43}, {"ipv6-frag", 44},  {"idrp", 45},      {"rsvp", 46},
    {"gre", 47},        {"ipsec-esp", 50},  {"ipsec-ah", 51},  {"icmpv6", 58},
    {"ipv6-icmp", 58},  {"ipv6-nonxt", 59}, {"ipv6-opts", 60}, {"vmtp", 81},
    {"ospf", 89},       {"ipip", 94},       {"etherip", 97},   {"encap", 98},
    {"pim", 103},       {"vrrp", 112},      {"l2tp", 115},     {"sctp", 132},
    {"udp-lite", 136},  {"dccp", 33},
};

int l7_pv_protocol(l7_pval *out, const char *v, size_t n, l7_pparse *pp)
{
    uint64_t num;
    if (l7_parse_u64(&num, v, n, 255) == 0) {
        out->u.proto = (uint8_t)num;
        return 0;
    }
    for (size_t i = 0; i < L7_ARRAY_SIZE(proto_names); i++) {
        if (strlen(proto_names[i].name) == n && !memcmp(proto_names[i].name, v, n)) {
            out->u.proto = proto_names[i].num;
            return 0;
        }
    }
    return perr(pp, L7_ESYNTAX, 0, n, "unknown protocol (a name such as tcp or 0-255)");
}

/* ---- connection-state --------------------------------------------------------------
 */

int l7_pv_connstate(l7_pval *out, const char *v, size_t n, l7_pparse *pp)
{
    static const struct {
        const char *name;
        uint32_t bit;
    } states[] = {{"new", L7_CTB_NEW},
                  {"established", L7_CTB_ESTABLISHED},
                  {"related", L7_CTB_RELATED},
                  {"invalid", L7_CTB_INVALID},
                  {"untracked", L7_CTB_UNTRACKED}};
    uint32_t bits = 0;
    size_t s = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && v[i] != ',')
            continue;
        size_t len = i - s;
        size_t j;
        for (j = 0; j < L7_ARRAY_SIZE(states); j++)
            if (strlen(states[j].name) == len && !memcmp(states[j].name, v + s, len))
                break;
        if (j == L7_ARRAY_SIZE(states))
            return perr(pp, L7_ESYNTAX, s, len,
                        "expected new, established, related, invalid or untracked");
        bits |= states[j].bit;
        s = i + 1;
    }
    out->u.bits = bits;
    return 0;
}

/* ---- names and name lists
 * ------------------------------------------------------------ */

static bool name_char_ok(unsigned char c)
{
    return c > ' ' && c != ',' && c != '!' && c != '"' && c != 0x7f;
}

static int check_name(const char *v, size_t n, size_t at, l7_pparse *pp)
{
    if (n == 0)
        return perr(pp, L7_ESYNTAX, at, 1, "empty name");
    for (size_t i = 0; i < n; i++)
        if (!name_char_ok((unsigned char)v[i]) && !(v[i] == ' ' && i > 0 && i + 1 < n))
            return perr(pp, L7_ESYNTAX, at + i, 1, "invalid character in name");
    return 0;
}

static void names_free(l7_pval *v, const l7_alloc *a)
{
    if (v->u.names.names) {
        for (uint32_t i = 0; i < v->u.names.n; i++)
            l7_free(a, v->u.names.names[i]);
        l7_free(a, v->u.names.names);
    }
    l7_free(a, v->u.names.ids);
    v->u.names.names = NULL;
    v->u.names.ids = NULL;
    v->u.names.n = 0;
}

void l7_pv_names_free(l7_pval *v, const l7_alloc *a)
{
    names_free(v, a);
}

static int names_parse(l7_pval *out, const char *v, size_t n, l7_pparse *pp, bool list)
{
    uint32_t count = 1;
    for (size_t i = 0; i < n; i++)
        if (v[i] == ',')
            count++;
    if (count > 1 && !list)
        return perr(pp, L7_ESYNTAX, 0, n, "takes a single name");
    if (count > L7_POL_MAX_LIST_ITEMS)
        return perr(pp, L7_ELIMIT, 0, n, "too many names in one list");
    if (count > 1 && pp->strict)
        return perr(pp, L7_EUNSUPPORTED, 0, n,
                    "RouterOS takes a single name here (a list is a libl7 extension, "
                    "refused in strict mode)");
    if (count > 1)
        pwarn(pp, 0, n, "a list of names is a libl7 extension (RouterOS takes one)");
    out->u.names.names = l7_calloc(pp->alloc, count, sizeof(char *));
    if (!out->u.names.names)
        return L7_ENOMEM;
    size_t s = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && v[i] != ',')
            continue;
        int rc = check_name(v + s, i - s, s, pp);
        if (rc < 0) {
            names_free(out, pp->alloc);
            return rc;
        }
        char *name = l7_strndup(pp->alloc, v + s, i - s);
        if (!name) {
            names_free(out, pp->alloc);
            return L7_ENOMEM;
        }
        out->u.names.names[out->u.names.n++] = name;
        s = i + 1;
    }
    return 0;
}

int l7_pv_name(l7_pval *out, const char *v, size_t n, l7_pparse *pp)
{
    return names_parse(out, v, n, pp, false);
}

int l7_pv_namelist(l7_pval *out, const char *v, size_t n, l7_pparse *pp)
{
    return names_parse(out, v, n, pp, true);
}

int l7_pv_string(l7_pval *out, const char *v, size_t n, l7_pparse *pp)
{
    out->u.str = l7_strndup(pp->alloc, v, n);
    return out->u.str ? 0 : L7_ENOMEM;
}

void l7_pv_string_free(l7_pval *v, const l7_alloc *a)
{
    l7_free(a, v->u.str);
    v->u.str = NULL;
}

int l7_pv_ifname(l7_pval *out, const char *v, size_t n, l7_pparse *pp)
{
    L7_TRY(check_name(v, n, 0, pp));
    return l7_pv_string(out, v, n, pp);
}

int l7_pv_content(l7_pval *out, const char *v, size_t n, l7_pparse *pp)
{
    if (n == 0)
        return perr(pp, L7_ESYNTAX, 0, 1, "empty content");
    out->u.content.bytes = l7_malloc(pp->alloc, n);
    if (!out->u.content.bytes)
        return L7_ENOMEM;
    memcpy(out->u.content.bytes, v, n);
    out->u.content.len = (uint32_t)n;
    return 0;
}

void l7_pv_content_free(l7_pval *v, const l7_alloc *a)
{
    l7_free(a, v->u.content.bytes);
    v->u.content.bytes = NULL;
}

int l7_pv_bool(l7_pval *out, const char *v, size_t n, l7_pparse *pp)
{
    bool b;
    if (l7_parse_bool(&b, v, n) < 0)
        return perr(pp, L7_ESYNTAX, 0, n, "expected yes or no");
    out->u.num = b;
    return 0;
}

/* ---- numbers, ranges, rates
 * ----------------------------------------------------------- */

/* A rate in bit/s with decimal suffixes (k = 10^3, M = 10^6, G = 10^9). */
static int parse_rate(uint64_t *out, const char *v, size_t n)
{
    return l7_value_parse_rate(out, v, n);
}

static int parse_range(l7_pval *out, const char *v, size_t n, l7_pparse *pp, bool rate)
{
    const char *dash = memchr(v, '-', n);
    if (!dash)
        return perr(pp, L7_ESYNTAX, 0, n, "expected from-to");
    size_t ln = (size_t)(dash - v);
    uint64_t lo, hi;
    int rc = rate ? parse_rate(&lo, v, ln) : l7_parse_u64(&lo, v, ln, UINT64_MAX);
    if (rc < 0)
        return perr(pp, L7_ESYNTAX, 0, ln, "expected a number");
    rc = rate ? parse_rate(&hi, dash + 1, n - ln - 1)
              : l7_parse_u64(&hi, dash + 1, n - ln - 1, UINT64_MAX);
    if (rc < 0)
        return perr(pp, L7_ESYNTAX, ln + 1, n - ln - 1, "expected a number");
    if (hi != 0 && lo > hi)
        return perr(pp, L7_ERANGE, 0, n, "range start is above its end");
    out->u.range.lo = lo;
    out->u.range.hi = hi;
    return 0;
}

int l7_pv_bytes_range(l7_pval *out, const char *v, size_t n, l7_pparse *pp)
{
    return parse_range(out, v, n, pp, false);
}

int l7_pv_rate_range(l7_pval *out, const char *v, size_t n, l7_pparse *pp)
{
    return parse_range(out, v, n, pp, true);
}

/* `rate[/time],burst[:packet|bit]`, e.g. `50/5s,2:packet`, `1M,2M:bit`. */
int l7_pv_limit(l7_pval *out, const char *v, size_t n, l7_pparse *pp)
{
    const char *comma = memchr(v, ',', n);
    size_t rn = comma ? (size_t)(comma - v) : n;
    const char *slash = memchr(v, '/', rn);
    size_t cn = slash ? (size_t)(slash - v) : rn;
    uint64_t rate, period = L7_NSEC_PER_SEC, burst = 0;
    if (parse_rate(&rate, v, cn) < 0 || rate == 0)
        return perr(pp, L7_ESYNTAX, 0, cn, "expected a non-zero rate");
    if (slash) {
        const char *p = slash + 1;
        size_t pn = rn - cn - 1;
        if (pn == 3 && !memcmp(p, "sec", 3))
            period = L7_NSEC_PER_SEC;
        else if (pn == 3 && !memcmp(p, "min", 3))
            period = 60 * L7_NSEC_PER_SEC;
        else if (pn == 4 && !memcmp(p, "hour", 4))
            period = 3600 * L7_NSEC_PER_SEC;
        else if (l7_parse_duration_ns(&period, p, pn) < 0 || period == 0)
            return perr(pp, L7_ESYNTAX, cn + 1, pn, "expected a time such as 1s or 1m");
    }
    uint8_t bits = 0;
    if (comma) {
        const char *b = comma + 1;
        size_t bn = n - rn - 1;
        const char *colon = memchr(b, ':', bn);
        size_t nn = colon ? (size_t)(colon - b) : bn;
        if (parse_rate(&burst, b, nn) < 0)
            return perr(pp, L7_ESYNTAX, rn + 1, nn, "expected a burst count");
        if (colon) {
            const char *m = colon + 1;
            size_t mn = bn - nn - 1;
            if (mn == 3 && !memcmp(m, "bit", 3))
                bits = 1;
            else if (!(mn == 6 && !memcmp(m, "packet", 6)))
                return perr(pp, L7_ESYNTAX, rn + 2 + nn, mn, "expected packet or bit");
        }
    }
    out->u.limit.rate = rate;
    out->u.limit.period = period;
    out->u.limit.burst = burst ? burst : (bits ? rate : 5);
    out->u.limit.bits = bits;
    return 0;
}

/* `syn,!ack`: every listed condition must hold. */
int l7_pv_tcpflags(l7_pval *out, const char *v, size_t n, l7_pparse *pp)
{
    static const char *const names[8] = {"fin", "syn", "rst", "psh",
                                         "ack", "urg", "ece", "cwr"};
    uint8_t set = 0, clear = 0;
    size_t s = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && v[i] != ',')
            continue;
        const char *item = v + s;
        size_t len = i - s;
        bool neg = len > 0 && item[0] == '!';
        if (neg) {
            item++;
            len--;
        }
        unsigned j;
        for (j = 0; j < 8; j++)
            if (strlen(names[j]) == len && !memcmp(names[j], item, len))
                break;
        if (j == 8)
            return perr(pp, L7_ESYNTAX, s, i - s,
                        "expected fin, syn, rst, psh, ack, urg, ece or cwr");
        if (neg)
            clear |= (uint8_t)(1u << j);
        else
            set |= (uint8_t)(1u << j);
        s = i + 1;
    }
    out->u.tcpflags.set = set;
    out->u.tcpflags.clear = clear;
    return 0;
}

/* ---- time windows
 * ----------------------------------------------------------------------- */

int l7_pv_time(l7_pval *out, const char *v, size_t n, l7_pparse *pp)
{
    size_t before = l7_diag_list_count(pp->diags);
    l7_allocator hooks = {pp->alloc->malloc_fn, pp->alloc->realloc_fn,
                          pp->alloc->free_fn, pp->alloc->user};
    int rc = l7_timematch_create(&out->u.time, v, n, &hooks, pp->diags);
    l7_diag_relocate(pp->diags, before, 0, pp->col0 - 1, pp->item);
    if (rc < 0)
        return rc;
    if (l7_timematch_is_extension(out->u.time)) {
        if (pp->strict) {
            l7_timematch_destroy(out->u.time);
            out->u.time = NULL;
            return perr(pp, L7_EUNSUPPORTED, 0, n,
                        "RouterOS allows one time range (several are a libl7 "
                        "extension, refused in strict mode)");
        }
        pwarn(pp, 0, n, "several time ranges are a libl7 extension (Decision 8)");
    }
    return 0;
}

void l7_pv_time_free(l7_pval *v, const l7_alloc *a)
{
    (void)a;
    l7_timematch_destroy(v->u.time);
    v->u.time = NULL;
}

/* ---- action arguments
 * ------------------------------------------------------------------ */

int l7_pv_action(l7_pval *out, const char *v, size_t n, l7_pparse *pp)
{
    int a = l7_action_lookup(v, n);
    if (a < 0)
        return perr(pp, L7_EUNSUPPORTED, 0, n, "unknown or unsupported action");
    out->u.num = (uint64_t)a;
    return 0;
}

static const char *const reject_names[] = {
    "icmp-network-unreachable",  "icmp-host-unreachable",
    "icmp-protocol-unreachable", "icmp-port-unreachable",
    "icmp-net-prohibited",       "icmp-host-prohibited",
    "icmp-admin-prohibited",     "tcp-reset",
};

int l7_pv_reject_with(l7_pval *out, const char *v, size_t n, l7_pparse *pp)
{
    for (size_t i = 0; i < L7_ARRAY_SIZE(reject_names); i++) {
        if (strlen(reject_names[i]) == n && !memcmp(reject_names[i], v, n)) {
            out->u.num = i;
            return 0;
        }
    }
    /* RouterOS also spells the last one `tcp-reset`; older `icmp-port-unreach`
     * style names are not accepted. */
    return perr(pp, L7_ESYNTAX, 0, n, "unknown reject-with value");
}

int l7_pv_dscp(l7_pval *out, const char *v, size_t n, l7_pparse *pp)
{
    if (l7_parse_u64(&out->u.num, v, n, 63) < 0)
        return perr(pp, L7_ERANGE, 0, n, "expected a DSCP value 0-63");
    return 0;
}

int l7_pv_list_timeout(l7_pval *out, const char *v, size_t n, l7_pparse *pp)
{
    /* Encoded as kind in the top byte, duration (ns) below. */
    if (n == 12 && !memcmp(v, "none-dynamic", 12)) {
        out->u.range.lo = L7_LT_NONE_DYNAMIC;
        out->u.range.hi = 0;
        return 0;
    }
    if (n == 11 && !memcmp(v, "none-static", 11)) {
        out->u.range.lo = L7_LT_NONE_STATIC;
        out->u.range.hi = 0;
        return 0;
    }
    uint64_t ns;
    if (l7_parse_duration_ns(&ns, v, n) < 0)
        return perr(pp, L7_ESYNTAX, 0, n,
                    "expected none-dynamic, none-static or a duration");
    if (ns > (uint64_t)L7_POL_ADDRLIST_TIMEOUT_MAX * L7_NSEC_PER_SEC)
        return perr(pp, L7_ERANGE, 0, n, "at most 21474836s");
    /* 00:00:00 is RouterOS's spelling of none-dynamic. */
    out->u.range.lo = ns ? L7_LT_DURATION : L7_LT_NONE_DYNAMIC;
    out->u.range.hi = ns;
    return 0;
}

int l7_pv_chain(l7_pval *out, const char *v, size_t n, l7_pparse *pp)
{
    L7_TRY(check_name(v, n, 0, pp));
    return l7_pv_string(out, v, n, pp);
}
