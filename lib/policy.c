/*
 * The mutable configuration: four rule lists of property=value text, the
 * connection-tracking settings, and name interning shared with compile.
 */
#include "policy_internal.h"

#include <string.h>

/* ---- interned names ------------------------------------------------------------- */

uint32_t l7_names_find(const l7_names *t, const char *s, size_t len)
{
    for (uint32_t i = 1; i < t->n; i++)
        if (strlen(t->v[i]) == len && !memcmp(t->v[i], s, len))
            return i;
    return L7_NAME_NONE;
}

int l7_names_intern(l7_names *t, const l7_alloc *a, const char *s, size_t len,
                    uint32_t *out_id)
{
    uint32_t id = t->n ? l7_names_find(t, s, len) : L7_NAME_NONE;
    if (id != L7_NAME_NONE) {
        *out_id = id;
        return 0;
    }
    size_t need = t->n ? t->n + 1 : 2;
    L7_TRY(l7_grow(a, (void **)&t->v, &t->cap, need, sizeof(char *)));
    if (t->n == 0) {
        t->v[0] = NULL;
        t->n = 1;
    }
    char *copy = l7_strndup(a, s, len);
    if (!copy)
        return L7_ENOMEM;
    t->v[t->n] = copy;
    *out_id = t->n++;
    return 0;
}

void l7_names_free(l7_names *t, const l7_alloc *a)
{
    for (uint32_t i = 1; i < t->n; i++)
        l7_free(a, t->v[i]);
    l7_free(a, t->v);
    memset(t, 0, sizeof(*t));
}

/* ---- connection tracking settings -------------------------------------------------
 */

enum ct_kind { CT_ENABLED, CT_BOOL, CT_COUNT_KIND, CT_DURATION };

static const struct {
    const char *name;
    uint8_t kind;
    const char *def;
} ct_defs[L7_CT_COUNT] = {
    [L7_CT_ENABLED] = {"enabled", CT_ENABLED, "auto"},
    [L7_CT_LOOSE_TCP] = {"loose-tcp-tracking", CT_BOOL, "yes"},
    [L7_CT_LIBERAL_TCP] = {"liberal-tcp-tracking", CT_BOOL, "no"},
    [L7_CT_MAX_ENTRIES] = {"max-entries", CT_COUNT_KIND, "1048576"},
    [L7_CT_TCP_SYN_SENT] = {"tcp-syn-sent-timeout", CT_DURATION, "5s"},
    [L7_CT_TCP_SYN_RECEIVED] = {"tcp-syn-received-timeout", CT_DURATION, "5s"},
    [L7_CT_TCP_ESTABLISHED] = {"tcp-established-timeout", CT_DURATION, "1d"},
    [L7_CT_TCP_FIN_WAIT] = {"tcp-fin-wait-timeout", CT_DURATION, "10s"},
    [L7_CT_TCP_CLOSE_WAIT] = {"tcp-close-wait-timeout", CT_DURATION, "10s"},
    [L7_CT_TCP_LAST_ACK] = {"tcp-last-ack-timeout", CT_DURATION, "10s"},
    [L7_CT_TCP_TIME_WAIT] = {"tcp-time-wait-timeout", CT_DURATION, "10s"},
    [L7_CT_TCP_CLOSE] = {"tcp-close-timeout", CT_DURATION, "10s"},
    [L7_CT_UDP] = {"udp-timeout", CT_DURATION, "30s"},
    [L7_CT_UDP_STREAM] = {"udp-stream-timeout", CT_DURATION, "3m"},
    [L7_CT_ICMP] = {"icmp-timeout", CT_DURATION, "10s"},
    [L7_CT_GENERIC] = {"generic-timeout", CT_DURATION, "10m"},
};

static int ct_lookup(const char *prop)
{
    for (int i = 0; i < L7_CT_COUNT; i++)
        if (!strcmp(ct_defs[i].name, prop))
            return i;
    return -1;
}

static int ct_apply(l7_ct_config *ct, int which, const char *v, size_t n)
{
    bool b;
    uint64_t x;
    switch (ct_defs[which].kind) {
    case CT_ENABLED:
        if (n == 4 && !memcmp(v, "auto", 4)) {
            ct->enabled = 2;
            return 0;
        }
        L7_TRY(l7_parse_bool(&b, v, n));
        ct->enabled = b;
        return 0;
    case CT_BOOL:
        L7_TRY(l7_parse_bool(&b, v, n));
        if (which == L7_CT_LOOSE_TCP)
            ct->loose_tcp = b;
        else
            ct->liberal_tcp = b;
        return 0;
    case CT_COUNT_KIND:
        L7_TRY(l7_parse_u64(&x, v, n, 1048576 * 16));
        if (x == 0)
            return L7_ERANGE;
        ct->max_entries = x;
        return 0;
    default:
        L7_TRY(l7_parse_duration_ns(&x, v, n));
        if (x == 0)
            return L7_ERANGE;
        ct->timeout[which] = x;
        return 0;
    }
}

int l7_policy_conntrack_set(l7_policy *p, const char *prop, const char *value,
                            size_t value_len, l7_diag_list *diags)
{
    if (!p || !prop || (!value && value_len))
        return L7_EINVAL;
    int which = ct_lookup(prop);
    if (which < 0) {
        l7_diag_add(diags, L7_SEV_ERROR, L7_ENOTFOUND, prop, 0, 0, 0,
                    "unknown connection tracking property '%s'", prop);
        return L7_ENOTFOUND;
    }
    l7_ct_config tmp = p->ct;
    int rc = ct_apply(&tmp, which, value, value_len);
    if (rc < 0) {
        l7_diag_add(diags, L7_SEV_ERROR, rc, prop, 0, 1, (uint32_t)value_len,
                    "%s: bad value", prop);
        return rc;
    }
    char *copy = l7_strndup(&p->alloc, value, value_len);
    if (!copy)
        return L7_ENOMEM;
    l7_free(&p->alloc, p->ct_text[which]);
    p->ct_text[which] = copy;
    p->ct = tmp;
    return 0;
}

const char *l7_policy_conntrack_prop(uint32_t index)
{
    return index < L7_CT_COUNT ? ct_defs[index].name : NULL;
}

int l7_policy_conntrack_get(const char **out, const l7_policy *p, const char *prop)
{
    if (!out || !p || !prop)
        return L7_EINVAL;
    int which = ct_lookup(prop);
    if (which < 0)
        return L7_ENOTFOUND;
    *out = p->ct_text[which] ? p->ct_text[which] : ct_defs[which].def;
    return 0;
}

/* ---- policy -----------------------------------------------------------------------
 */

int l7_policy_create(l7_policy **out, const l7_allocator *alloc)
{
    if (!out)
        return L7_EINVAL;
    *out = NULL;
    l7_alloc a;
    L7_TRY(l7_alloc_init(&a, alloc));
    l7_policy *p = l7_calloc(&a, 1, sizeof(*p));
    if (!p)
        return L7_ENOMEM;
    p->alloc = a;
    p->next_id = 1;
    /* A per-object token so that an engine can tell rule ids of this policy
     * from those of another one (the address is unique while it lives). */
    p->uid = ((uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull) | 1;
    for (int i = 0; i < L7_CT_COUNT; i++) {
        const char *d = ct_defs[i].def;
        ct_apply(&p->ct, i, d, strlen(d));
    }
    int rc = l7_policy_protos_init(p, alloc);
    if (rc < 0) {
        l7_free(&a, p);
        return rc;
    }
    *out = p;
    return 0;
}

static void rule_clear(l7_policy *p, l7_pol_rule *r)
{
    for (uint32_t i = 0; i < r->n; i++)
        l7_free(&p->alloc, r->props[i].value);
    l7_free(&p->alloc, r->props);
    memset(r, 0, sizeof(*r));
}

void l7_policy_destroy(l7_policy *p)
{
    if (!p)
        return;
    for (int f = 0; f < 2; f++)
        for (int t = 0; t < 2; t++) {
            l7_pol_list *l = &p->lists[f][t];
            for (uint32_t i = 0; i < l->n; i++)
                rule_clear(p, &l->rules[i]);
            l7_free(&p->alloc, l->rules);
        }
    for (int i = 0; i < L7_CT_COUNT; i++)
        l7_free(&p->alloc, p->ct_text[i]);
    l7_policy_protos_fini(p);
    l7_free(&p->alloc, p);
}

int l7_policy_set_strict(l7_policy *p, int strict)
{
    if (!p)
        return L7_EINVAL;
    p->strict = strict != 0;
    return 0;
}

static l7_pol_list *list_of(const l7_policy *p, uint32_t family, uint32_t table)
{
    if (!p || (family != 4 && family != 6) || table > 1)
        return NULL;
    return (l7_pol_list *)&p->lists[family == 6][table];
}

static l7_pol_rule *rule_at(const l7_policy *p, uint32_t family, uint32_t table,
                            uint32_t pos)
{
    l7_pol_list *l = list_of(p, family, table);
    return l && pos < l->n ? &l->rules[pos] : NULL;
}

int l7_policy_rule_add(uint32_t *out, l7_policy *p, uint32_t family, uint32_t table,
                       uint32_t before)
{
    l7_pol_list *l = list_of(p, family, table);
    if (!l)
        return L7_EINVAL;
    if (before == L7_POLICY_APPEND)
        before = l->n;
    if (before > l->n)
        return L7_ENOTFOUND;
    size_t cap = l->cap;
    L7_TRY(l7_grow(&p->alloc, (void **)&l->rules, &cap, l->n + 1, sizeof(l7_pol_rule)));
    l->cap = (uint32_t)cap;
    memmove(&l->rules[before + 1], &l->rules[before],
            (l->n - before) * sizeof(l7_pol_rule));
    memset(&l->rules[before], 0, sizeof(l7_pol_rule));
    l->rules[before].id = p->next_id++;
    l->n++;
    if (out)
        *out = before;
    return 0;
}

int l7_policy_rule_remove(l7_policy *p, uint32_t family, uint32_t table, uint32_t pos)
{
    l7_pol_list *l = list_of(p, family, table);
    if (!l)
        return L7_EINVAL;
    if (pos >= l->n)
        return L7_ENOTFOUND;
    rule_clear(p, &l->rules[pos]);
    memmove(&l->rules[pos], &l->rules[pos + 1], (l->n - pos - 1) * sizeof(l7_pol_rule));
    l->n--;
    return 0;
}

int l7_policy_rule_move(l7_policy *p, uint32_t family, uint32_t table, uint32_t from,
                        uint32_t before)
{
    l7_pol_list *l = list_of(p, family, table);
    if (!l)
        return L7_EINVAL;
    if (before == L7_POLICY_APPEND)
        before = l->n;
    if (from >= l->n || before > l->n)
        return L7_ENOTFOUND;
    l7_pol_rule r = l->rules[from];
    memmove(&l->rules[from], &l->rules[from + 1], (l->n - from - 1) * sizeof(r));
    if (before > from)
        before--;
    memmove(&l->rules[before + 1], &l->rules[before], (l->n - 1 - before) * sizeof(r));
    l->rules[before] = r;
    return 0;
}

uint32_t l7_policy_rule_count(const l7_policy *p, uint32_t family, uint32_t table)
{
    l7_pol_list *l = list_of(p, family, table);
    return l ? l->n : 0;
}

static int unknown_prop(l7_diag_list *diags, const char *prop)
{
    l7_diag_add(diags, L7_SEV_ERROR, L7_ENOTFOUND, prop, 0, 0, 0,
                "unknown property '%s'", prop);
    return L7_ENOTFOUND;
}

/* Parse a value into a temporary to check it, with the column of the
 * value's first byte at 1. Used by set and by compile. */
int l7_policy_parse_value(l7_pval *out, bool *negate, const l7_prop_def *d,
                          const char *v, size_t n, bool strict, const l7_alloc *a,
                          l7_diag_list *diags)
{
    l7_pparse pp = {a, diags, d->name, 1, strict};
    memset(out, 0, sizeof(*out));
    *negate = false;
    if (n > 0 && v[0] == '!') {
        if (!(d->flags & L7_PF_NEGATE)) {
            l7_diag_add(diags, L7_SEV_ERROR, L7_ESYNTAX, d->name, 0, 1, 1,
                        "%s: cannot be negated", d->name);
            return L7_ESYNTAX;
        }
        *negate = true;
        v++;
        n--;
        pp.col0 = 2;
    }
    return d->parse(out, v, n, &pp);
}

int l7_policy_rule_set(l7_policy *p, uint32_t family, uint32_t table, uint32_t pos,
                       const char *prop, const char *value, size_t value_len,
                       l7_diag_list *diags)
{
    if (!p || !prop || (!value && value_len))
        return L7_EINVAL;
    l7_pol_rule *r = rule_at(p, family, table, pos);
    if (!r)
        return list_of(p, family, table) ? L7_ENOTFOUND : L7_EINVAL;
    int idx = l7_prop_lookup(prop);
    if (idx < 0)
        return unknown_prop(diags, prop);
    const l7_prop_def *d = &l7_prop_defs[idx];
    unsigned tbit = table == L7_TABLE_FILTER ? L7_TB_FILTER : L7_TB_MANGLE;
    if (!(d->tables & tbit)) {
        l7_diag_add(diags, L7_SEV_ERROR, L7_EUNSUPPORTED, prop, 0, 0, 0,
                    "%s: not a property of the %s table", prop,
                    table == L7_TABLE_FILTER ? "filter" : "mangle");
        return L7_EUNSUPPORTED;
    }
    if (family == 6 && idx == l7_prop_index_layer7() && p->strict) {
        /* Decision 15: RouterOS has no IPv6 layer7 matcher. */
        l7_diag_add(diags, L7_SEV_ERROR, L7_EUNSUPPORTED, prop, 0, 0, 0,
                    "%s: /ipv6 rules have no layer7-protocol in RouterOS (a libl7 "
                    "extension, refused in strict mode)",
                    prop);
        return L7_EUNSUPPORTED;
    }
    l7_pval v;
    bool neg;
    int rc = l7_policy_parse_value(&v, &neg, d, value ? value : "", value_len,
                                   p->strict, &p->alloc, diags);
    if (rc < 0)
        return rc;
    if (idx == L7_P_ACTION && !(l7_action_defs[v.u.num].tables & tbit)) {
        l7_diag_add(diags, L7_SEV_ERROR, L7_EUNSUPPORTED, prop, 0, 1,
                    (uint32_t)value_len, "action %s is not allowed in the %s table",
                    l7_action_defs[v.u.num].name,
                    table == L7_TABLE_FILTER ? "filter" : "mangle");
        return L7_EUNSUPPORTED;
    }
    l7_pval_free(d, &v, &p->alloc);

    char *copy = l7_strndup(&p->alloc, value ? value : "", value_len);
    if (!copy)
        return L7_ENOMEM;
    for (uint32_t i = 0; i < r->n; i++) {
        if (r->props[i].def == idx) {
            l7_free(&p->alloc, r->props[i].value);
            r->props[i].value = copy;
            r->props[i].len = (uint32_t)value_len;
            return 0;
        }
    }
    size_t cap = r->cap;
    if (l7_grow(&p->alloc, (void **)&r->props, &cap, r->n + 1, sizeof(l7_pol_prop)) <
        0) {
        l7_free(&p->alloc, copy);
        return L7_ENOMEM;
    }
    r->cap = (uint32_t)cap;
    r->props[r->n].def = (uint16_t)idx;
    r->props[r->n].value = copy;
    r->props[r->n].len = (uint32_t)value_len;
    r->n++;
    return 0;
}

int l7_policy_rule_unset(l7_policy *p, uint32_t family, uint32_t table, uint32_t pos,
                         const char *prop)
{
    if (!p || !prop)
        return L7_EINVAL;
    l7_pol_rule *r = rule_at(p, family, table, pos);
    if (!r)
        return L7_ENOTFOUND;
    int idx = l7_prop_lookup(prop);
    if (idx < 0)
        return L7_ENOTFOUND;
    for (uint32_t i = 0; i < r->n; i++) {
        if (r->props[i].def == idx) {
            l7_free(&p->alloc, r->props[i].value);
            memmove(&r->props[i], &r->props[i + 1],
                    (r->n - i - 1) * sizeof(l7_pol_prop));
            r->n--;
            break;
        }
    }
    return 0;
}

int l7_policy_rule_get(const char **out, const l7_policy *p, uint32_t family,
                       uint32_t table, uint32_t pos, const char *prop)
{
    if (!out || !prop)
        return L7_EINVAL;
    const l7_pol_rule *r = rule_at(p, family, table, pos);
    int idx = l7_prop_lookup(prop);
    if (!r || idx < 0)
        return L7_ENOTFOUND;
    for (uint32_t i = 0; i < r->n; i++) {
        if (r->props[i].def == idx) {
            *out = r->props[i].value;
            return 0;
        }
    }
    return L7_ENOTFOUND;
}

int l7_policy_rule_prop(const char **out_name, const char **out_value,
                        const l7_policy *p, uint32_t family, uint32_t table,
                        uint32_t pos, uint32_t index)
{
    if (!out_name || !out_value)
        return L7_EINVAL;
    const l7_pol_rule *r = rule_at(p, family, table, pos);
    if (!r || index >= r->n)
        return L7_ENOTFOUND;
    *out_name = l7_prop_defs[r->props[index].def].name;
    *out_value = r->props[index].value;
    return 0;
}

int l7_policy_rule_id(uint64_t *out, const l7_policy *p, uint32_t family,
                      uint32_t table, uint32_t pos)
{
    if (!out)
        return L7_EINVAL;
    const l7_pol_rule *r = rule_at(p, family, table, pos);
    if (!r)
        return L7_ENOTFOUND;
    *out = r->id;
    return 0;
}

int l7_policy_rule_set_line(l7_policy *p, uint32_t family, uint32_t table, uint32_t pos,
                            uint32_t line)
{
    l7_pol_rule *r = rule_at(p, family, table, pos);
    if (!r)
        return list_of(p, family, table) ? L7_ENOTFOUND : L7_EINVAL;
    r->line = line;
    return 0;
}

int l7_policy_rule_find(uint32_t *out, const l7_policy *p, uint32_t family,
                        uint32_t table, uint64_t id)
{
    if (!out)
        return L7_EINVAL;
    const l7_pol_list *l = list_of(p, family, table);
    if (!l)
        return L7_EINVAL;
    for (uint32_t i = 0; i < l->n; i++) {
        if (l->rules[i].id == id) {
            *out = i;
            return 0;
        }
    }
    return L7_ENOTFOUND;
}
