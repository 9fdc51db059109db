/*
 * The menu registry of the script loader: which menus exist, how each
 * keeps its items, the schema of the menus the configuration keeps itself,
 * and item access (count, property getter) shared by `[find]`, `print`
 * and export.
 */
#include "config_internal.h"

#include "l7/value.h"

#include <stdlib.h>
#include <string.h>

static const cfg_pdef alist4_props[] = {
    {"list", CV_NAME, true, NULL},
    {"address", CV_ADDR4, true, NULL},
    {"timeout", CV_DURATION, false, NULL},
    {"comment", CV_STRING, false, NULL},
};

static const cfg_pdef alist6_props[] = {
    {"list", CV_NAME, true, NULL},
    {"address", CV_ADDR6, true, NULL},
    {"timeout", CV_DURATION, false, NULL},
    {"comment", CV_STRING, false, NULL},
};

/* `/queue tree` (routeros-spec §7.1). Defaults as RouterOS v7 exports them. */
static const cfg_pdef qtree_props[] = {
    {"name", CV_NAME, true, NULL},
    {"parent", CV_NAME, true, NULL},
    {"packet-mark", CV_NAMELIST, false, ""},
    {"limit-at", CV_RATE, false, "0"},
    {"max-limit", CV_RATE, false, "0"},
    {"priority", CV_PRIORITY, false, "8"},
    {"burst-limit", CV_RATE, false, "0"},
    {"burst-threshold", CV_RATE, false, "0"},
    {"burst-time", CV_DURATION, false, "0s"},
    {"queue", CV_QTYPE, false, "default-small"},
    {"bucket-size", CV_BUCKET, false, "0.1"},
    {"comment", CV_STRING, false, NULL},
};

/* `/system logging` (routeros-spec §8). */
static const cfg_pdef logging_props[] = {
    {"topics", CV_TOPICS, true, NULL},
    {"action", CV_LOGACTION, true, NULL},
    {"prefix", CV_STRING, false, ""},
    {"comment", CV_STRING, false, NULL},
};

#define STORE(p, fam, st, named, tab)                                                  \
    {                                                                                  \
        p, CK_STORE, fam, 0, st, named, tab, L7_ARRAY_SIZE(tab)                        \
    }

/* Also the order of export. */
const cfg_menu l7_cfg_menus[] = {
    {"ip firewall layer7-protocol", CK_PROTOCOLS, 4, 0, 0, true, NULL, 0},
    STORE("ip firewall address-list", 4, L7_CONFIG_MENU_ADDRESS_LIST, false,
          alist4_props),
    {"ip firewall connection tracking", CK_CONNTRACK, 4, 0, 0, false, NULL, 0},
    {"ip firewall filter", CK_RULES, 4, L7_TABLE_FILTER, 0, false, NULL, 0},
    {"ip firewall mangle", CK_RULES, 4, L7_TABLE_MANGLE, 0, false, NULL, 0},
    STORE("ipv6 firewall address-list", 6, L7_CONFIG_MENU_ADDRESS_LIST6, false,
          alist6_props),
    {"ipv6 firewall filter", CK_RULES, 6, L7_TABLE_FILTER, 0, false, NULL, 0},
    {"ipv6 firewall mangle", CK_RULES, 6, L7_TABLE_MANGLE, 0, false, NULL, 0},
    STORE("queue tree", 0, L7_CONFIG_MENU_QUEUE_TREE, true, qtree_props),
    STORE("system logging", 0, L7_CONFIG_MENU_LOGGING, false, logging_props),
    {"ip firewall connection", CK_CONNECTIONS, 4, 0, 0, false, NULL, 0},
    {"ipv6 firewall connection", CK_CONNECTIONS, 6, 0, 0, false, NULL, 0},
};

const size_t l7_cfg_menu_count = L7_ARRAY_SIZE(l7_cfg_menus);

const cfg_menu *l7_cfg_menu_find(const l7_sstr *path, size_t n)
{
    for (size_t i = 0; i < l7_cfg_menu_count; i++) {
        const char *p = l7_cfg_menus[i].path;
        size_t k = 0;
        for (; k < n; k++) {
            size_t wl = strcspn(p, " ");
            if (wl != path[k].len || memcmp(p, path[k].ptr, wl))
                break;
            p += wl;
            if (*p == ' ')
                p++;
            else if (k + 1 < n)
                break;
        }
        if (k == n && *p == '\0')
            return &l7_cfg_menus[i];
    }
    return NULL;
}

const cfg_menu *l7_cfg_store_menu(uint32_t store)
{
    for (size_t i = 0; i < l7_cfg_menu_count; i++)
        if (l7_cfg_menus[i].kind == CK_STORE && l7_cfg_menus[i].store == store)
            return &l7_cfg_menus[i];
    return NULL;
}

int l7_cfg_proto_id(uint32_t *out, const l7_protoset *set, uint32_t index)
{
    uint32_t bound = l7_protoset_id_bound(set), seen = 0;
    for (uint32_t id = 0; id < bound; id++) {
        if (!l7_protoset_name(set, id))
            continue;
        if (seen++ == index) {
            *out = id;
            return 0;
        }
    }
    return L7_ENOTFOUND;
}

uint32_t l7_cfg_count(const l7_config *cfg, const cfg_menu *m)
{
    switch (m->kind) {
    case CK_PROTOCOLS:
        return l7_protoset_count(l7_policy_protocols(cfg->policy));
    case CK_RULES:
        return l7_policy_rule_count(cfg->policy, m->family, m->table);
    case CK_STORE:
        return cfg->stores[m->store].n;
    default:
        return 0;
    }
}

const char *l7_cfg_item_prop(const cfg_item *it, const char *name)
{
    for (uint32_t i = 0; i < it->n; i++)
        if (!strcmp(it->props[i].name, name))
            return it->props[i].value;
    return NULL;
}

void l7_cfg_item_free(const l7_alloc *a, cfg_item *it)
{
    for (uint32_t k = 0; k < it->n; k++) {
        l7_free(a, it->props[k].name);
        l7_free(a, it->props[k].value);
    }
    l7_free(a, it->props);
    memset(it, 0, sizeof(*it));
}

void l7_cfg_store_clear(const l7_alloc *a, cfg_store *s)
{
    for (uint32_t i = 0; i < s->n; i++)
        l7_cfg_item_free(a, &s->items[i]);
    l7_free(a, s->items);
    memset(s, 0, sizeof(*s));
}

void l7_cfg_getter_init(cfg_getter *g, const l7_config *cfg, const cfg_menu *m,
                        uint32_t index)
{
    g->cfg = cfg;
    g->m = m;
    g->index = index;
    g->proto_id = L7_PROTO_ID_NONE;
    if (m->kind == CK_PROTOCOLS)
        (void)l7_cfg_proto_id(&g->proto_id, l7_policy_protocols(cfg->policy), index);
}

const char *l7_cfg_get(const char *name, void *user)
{
    const cfg_getter *g = user;
    const l7_config *cfg = g->cfg;
    switch (g->m->kind) {
    case CK_PROTOCOLS: {
        const l7_protoset *set = l7_policy_protocols(cfg->policy);
        if (!strcmp(name, "name"))
            return l7_protoset_name(set, g->proto_id);
        if (!strcmp(name, "regexp"))
            return l7_protoset_regexp(set, g->proto_id, NULL);
        if (!strcmp(name, "comment"))
            return l7_protoset_comment(set, g->proto_id);
        if (!strcmp(name, "disabled"))
            return l7_protoset_enabled(set, g->proto_id) == 1 ? "no" : "yes";
        return NULL;
    }
    case CK_RULES: {
        const char *v;
        if (l7_policy_rule_get(&v, cfg->policy, g->m->family, g->m->table, g->index,
                               name) == 0)
            return v;
        if (!strcmp(name, "disabled") || !strcmp(name, "log"))
            return "no";
        if (!strcmp(name, "action"))
            return "accept";
        if (!strcmp(name, "invalid") && cfg->ruleset)
            return l7_ruleset_rule_invalid(cfg->ruleset, g->m->family, g->m->table,
                                           g->index) == 1
                       ? "yes"
                       : "no";
        return NULL;
    }
    case CK_STORE: {
        const cfg_store *s = &cfg->stores[g->m->store];
        if (g->index >= s->n)
            return NULL;
        const cfg_item *it = &s->items[g->index];
        if (!strcmp(name, "disabled"))
            return it->disabled ? "yes" : "no";
        if (!strcmp(name, "dynamic"))
            return "no";
        const char *v = l7_cfg_item_prop(it, name);
        if (v)
            return v;
        for (size_t i = 0; i < g->m->n_props; i++)
            if (!strcmp(g->m->props[i].name, name))
                return g->m->props[i].dflt;
        return NULL;
    }
    default:
        return NULL;
    }
}

/* ---- public accessors --------------------------------------------------------- */

uint32_t l7_config_item_count(const l7_config *cfg, uint32_t menu)
{
    if (!cfg || menu >= L7_CONFIG_MENU_COUNT)
        return 0;
    return cfg->stores[menu].n;
}

int l7_config_item_get(const char **out, const l7_config *cfg, uint32_t menu,
                       uint32_t index, const char *prop)
{
    if (!out || !cfg || !prop || menu >= L7_CONFIG_MENU_COUNT)
        return L7_EINVAL;
    *out = NULL;
    const cfg_store *s = &cfg->stores[menu];
    if (index >= s->n)
        return L7_ENOTFOUND;
    const cfg_item *it = &s->items[index];
    if (!strcmp(prop, "disabled")) {
        *out = it->disabled ? "yes" : "no";
        return 0;
    }
    *out = l7_cfg_item_prop(it, prop);
    return *out ? 0 : L7_ENOTFOUND;
}

/* ---- values of the configuration's own stores ---------------------------------- */

static const char *const queue_types[] = {
    "default",
    "default-small",
    "ethernet-default",
    "wireless-default",
    "pcq-upload-default",
    "pcq-download-default",
    "synchronous-default",
    "hotspot-default",
    "only-hardware-queue",
    "multi-queue-ethernet-default",
};

static const char *const log_actions[] = {"memory", "disk", "echo", "remote"};

static bool in_list(const char *v, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v, list[i]))
            return true;
    return false;
}

static bool names_ok(const char *v, size_t n, bool allow_bang)
{
    if (n == 0)
        return false;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || v[i] == ',') {
            size_t s = start;
            if (allow_bang && s < i && v[s] == '!')
                s++;
            if (s == i)
                return false;
            start = i + 1;
        }
    }
    return true;
}

bool l7_cfg_check_value(cfg_load *L, const cfg_pdef *d, const l7_script_arg *a)
{
    const char *v = a->value.ptr;
    size_t n = a->value.len;
    int rc = 0;
    const char *what = NULL;
    switch (d->type) {
    case CV_STRING:
        return true;
    case CV_NAME:
        if (!n || memchr(v, ',', n))
            what = "a name (not empty, no commas)";
        break;
    case CV_NAMELIST:
        if (!names_ok(v, n, false))
            what = "a comma-separated list of names";
        break;
    case CV_ADDR4:
    case CV_ADDR6: {
        l7_value_addrspec spec;
        rc = l7_value_parse_addrspec(&spec, v, n, d->type == CV_ADDR4 ? 4 : 6);
        if (rc < 0)
            what = d->type == CV_ADDR4 ? "an IPv4 address, prefix or range (DNS names "
                                         "are not resolved by libl7)"
                                       : "an IPv6 address or prefix";
        break;
    }
    case CV_DURATION: {
        uint64_t ns;
        if (l7_value_parse_duration(&ns, v, n) < 0)
            what = "a duration such as 30s, 1h, 1d2h or 00:10:00";
        break;
    }
    case CV_RATE: {
        uint64_t bps;
        if (l7_value_parse_rate(&bps, v, n) < 0)
            what = "a rate in bit/s such as 512k, 10M or 1G";
        break;
    }
    case CV_PRIORITY:
        if (!(n == 1 && v[0] >= '1' && v[0] <= '8'))
            what = "a priority from 1 (highest) to 8 (lowest)";
        break;
    case CV_QTYPE:
        if (!in_list(v, queue_types, L7_ARRAY_SIZE(queue_types)))
            what = "a queue type (default, default-small, ethernet-default, "
                   "wireless-default, pcq-upload-default, pcq-download-default, ...)";
        break;
    case CV_BUCKET: {
        char *end = NULL;
        double x = strtod(v, &end);
        if (!n || end != v + n || !(x >= 0.0 && x <= 10.0) || v[0] == '+' ||
            v[0] == '-' || v[0] == ' ')
            what = "a number from 0 to 10";
        break;
    }
    case CV_LOGACTION:
        if (!in_list(v, log_actions, L7_ARRAY_SIZE(log_actions)))
            what = "a logging action: memory, disk, echo or remote";
        break;
    case CV_TOPICS:
        if (!names_ok(v, n, true))
            what = "a comma-separated list of topics (e.g. firewall,info)";
        break;
    }
    if (!what)
        return true;
    l7_cfg_error(L, L7_ESYNTAX, l7_cfg_value_pos(L, a, 0, n),
                 "bad %s '%s': expected %s", d->name, v, what);
    return false;
}
