/*
 * Script commands (`add`, `set`, `remove`, `enable`, `disable`) applied to
 * a configuration through the public builders: l7_protoset_* for layer-7
 * protocols, l7_policy_rule_* for filter and mangle, l7_policy_conntrack_*
 * for tracking, and the configuration's own validated stores for address
 * lists, the queue tree and logging. Every problem is reported at the
 * script text it comes from.
 */
#include "config_internal.h"
#include "l7/value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Menus whose commands only make sense on a live router (Decision 19). */
static const char *const console_paths[] = {
    "tool", "system resource", "system health", "log", "ip settings",
};

static bool path_has_prefix(const l7_script_cmd *cmd, const char *prefix)
{
    size_t k = 0;
    const char *p = prefix;
    while (*p) {
        size_t wl = strcspn(p, " ");
        if (k >= cmd->n_path || cmd->path[k].len != wl ||
            memcmp(cmd->path[k].ptr, p, wl))
            return false;
        k++;
        p += wl;
        if (*p == ' ')
            p++;
    }
    return true;
}

static bool console_path(const l7_script_cmd *cmd)
{
    for (size_t i = 0; i < L7_ARRAY_SIZE(console_paths); i++)
        if (path_has_prefix(cmd, console_paths[i]))
            return true;
    return false;
}

/* A console-only menu itself (no command word after it). */
static bool path_is_console_menu(const l7_script_cmd *cmd)
{
    for (size_t i = 0; i < L7_ARRAY_SIZE(console_paths); i++) {
        size_t words = 1;
        for (const char *p = console_paths[i]; *p; p++)
            words += *p == ' ';
        if (words == cmd->n_path && path_has_prefix(cmd, console_paths[i]))
            return true;
    }
    return false;
}

static const char *path_text(const l7_script_cmd *cmd, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < cmd->n_path && o + 1 < size; i++) {
        int n = snprintf(buf + o, size - o, "%s%.*s", i ? " " : "/",
                         (int)cmd->path[i].len, cmd->path[i].ptr);
        if (n < 0)
            break;
        o += (size_t)n;
    }
    if (!cmd->n_path)
        snprintf(buf, size, "/");
    return buf;
}

static void console_only(cfg_load *L, const l7_script_cmd *cmd)
{
    char path[160];
    path_text(cmd, path, sizeof(path));
    const char *sp = cmd->verb.len ? " " : "";
    if (L->flags & L7_CONFIG_LENIENT)
        l7_cfg_warn(L, cmd->pos, "skipped '%s%s%s': not a configuration command", path,
                    sp, cmd->verb.ptr);
    else
        l7_cfg_error(L, L7_EUNSUPPORTED, cmd->pos,
                     "'%s%s%s' is not a configuration command (console only; "
                     "--lenient skips it)",
                     path, sp, cmd->verb.ptr);
}

static bool arg_is(const l7_script_arg *a, const char *name)
{
    return !strcmp(a->name.ptr, name);
}

static bool strict(const cfg_load *L)
{
    return (L->flags & L7_CONFIG_STRICT) != 0;
}

/* ---- item addressing ------------------------------------------------------------ */

typedef struct idxvec {
    uint32_t *v;
    size_t n, cap;
} idxvec;

static int idx_push(cfg_load *L, idxvec *t, uint32_t x)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i] == x)
            return 0;
    if (l7_grow(&L->cfg->alloc, (void **)&t->v, &t->cap, t->n + 1, sizeof(uint32_t)))
        return L->oom = L7_ENOMEM;
    t->v[t->n++] = x;
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static bool name_of(const cfg_load *L, const cfg_menu *m, uint32_t i, const char *name)
{
    cfg_getter g;
    l7_cfg_getter_init(&g, L->cfg, m, i);
    const char *v = l7_cfg_get("name", &g);
    return v && !strcmp(v, name);
}

/* The items a command addresses, as print numbers in ascending order.
 * Returns false (after reporting) when they cannot be resolved. */
static bool resolve(cfg_load *L, const cfg_menu *m, const l7_script_cmd *cmd,
                    idxvec *out)
{
    if (cmd->n_items == 0) {
        l7_cfg_error(L, L7_EINVAL, cmd->verb_pos,
                     "%s needs an item: a number, %s[find ...]", cmd->verb.ptr,
                     m->named ? "a name or " : "");
        return false;
    }
    if (cmd->n_items > 1) {
        l7_cfg_error(L, L7_ESYNTAX, cmd->items[1].pos, "unexpected '%s'",
                     cmd->items[1].text.ptr);
        return false;
    }
    const l7_script_item *it = &cmd->items[0];
    uint32_t count = l7_cfg_count(L->cfg, m);
    switch (it->kind) {
    case L7_SITEM_NUMBERS:
        for (size_t i = 0; i < it->n_numbers; i++) {
            if (it->numbers[i] >= count) {
                l7_cfg_error(L, L7_ENOTFOUND, it->pos,
                             "no such item %u (the menu has %u item%s)", it->numbers[i],
                             count, count == 1 ? "" : "s");
                return false;
            }
            idx_push(L, out, it->numbers[i]);
        }
        break;
    case L7_SITEM_WORD:
    case L7_SITEM_QUOTED: {
        if (!m->named) {
            l7_cfg_error(L, L7_ENOTFOUND, it->pos,
                         "no such item '%s' (items of this menu have no names: use a "
                         "number or [find ...])",
                         it->text.ptr);
            return false;
        }
        uint32_t i = 0;
        while (i < count && !name_of(L, m, i, it->text.ptr))
            i++;
        if (i == count) {
            l7_cfg_error(L, L7_ENOTFOUND, it->pos, "no such item '%s'", it->text.ptr);
            return false;
        }
        idx_push(L, out, i);
        break;
    }
    case L7_SITEM_FIND:
        for (uint32_t i = 0; i < count; i++) {
            cfg_getter g;
            l7_cfg_getter_init(&g, L->cfg, m, i);
            if (l7_sexpr_eval(it->find, l7_cfg_get, &g))
                idx_push(L, out, i);
        }
        break;
    }
    if (out->n > 1)
        qsort(out->v, out->n, sizeof(uint32_t), cmp_u32);
    return !L->oom;
}

static bool in_list(const char *v, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v, list[i]))
            return true;
    return false;
}

static const cfg_pdef *store_prop(const cfg_menu *m, const char *name)
{
    for (size_t i = 0; i < m->n_props; i++)
        if (!strcmp(m->props[i].name, name))
            return &m->props[i];
    return NULL;
}

static int item_put(cfg_load *L, cfg_item *it, const char *name, const char *value)
{
    const l7_alloc *a = &L->cfg->alloc;
    char *v = l7_strdup(a, value);
    if (!v)
        return L->oom = L7_ENOMEM;
    for (uint32_t i = 0; i < it->n; i++) {
        if (!strcmp(it->props[i].name, name)) {
            l7_free(a, it->props[i].value);
            it->props[i].value = v;
            return 0;
        }
    }
    size_t cap = it->cap;
    char *nm = l7_strdup(a, name);
    if (!nm || l7_grow(a, (void **)&it->props, &cap, it->n + 1, sizeof(cfg_prop))) {
        l7_free(a, nm);
        l7_free(a, v);
        return L->oom = L7_ENOMEM;
    }
    it->cap = (uint32_t)cap;
    it->props[it->n].name = nm;
    it->props[it->n].value = v;
    it->n++;
    return 0;
}

static void item_del(const l7_alloc *a, cfg_item *it, const char *name)
{
    for (uint32_t i = 0; i < it->n; i++) {
        if (!strcmp(it->props[i].name, name)) {
            l7_free(a, it->props[i].name);
            l7_free(a, it->props[i].value);
            memmove(&it->props[i], &it->props[i + 1],
                    (it->n - i - 1) * sizeof(cfg_prop));
            it->n--;
            return;
        }
    }
}

static bool parse_bool_arg(cfg_load *L, const l7_script_arg *a, bool *out)
{
    uint32_t b;
    if (l7_value_parse_bool(&b, a->value.ptr, a->value.len) < 0) {
        l7_cfg_error(L, L7_ESYNTAX, l7_cfg_value_pos(L, a, 0, a->value.len),
                     "bad %s '%s': expected yes or no", a->name.ptr, a->value.ptr);
        return false;
    }
    *out = b != 0;
    return true;
}

static void unknown_prop(cfg_load *L, const l7_script_cmd *cmd, const l7_script_arg *a)
{
    char path[160];
    path_text(cmd, path, sizeof(path));
    if (arg_is(a, "layer7-protocol") && path_has_prefix(cmd, "queue"))
        l7_cfg_error(L, L7_ENOTFOUND, a->name_pos,
                     "queues have no layer7-protocol matcher: mark the packets in "
                     "/ip firewall mangle and use packet-mark");
    else
        l7_cfg_error(L, L7_ENOTFOUND, a->name_pos, "unknown property '%s' in %s",
                     a->name.ptr, path);
}

/* Address-list entries are unique per (list, address) (RouterOS: "already
 * have such entry"). Addresses compare in normalized form. */
static bool same_entry(const cfg_item *x, const cfg_item *y, uint32_t family)
{
    const char *lx = l7_cfg_item_prop(x, "list"), *ly = l7_cfg_item_prop(y, "list");
    const char *ax = l7_cfg_item_prop(x, "address"),
               *ay = l7_cfg_item_prop(y, "address");
    if (!lx || !ly || !ax || !ay || strcmp(lx, ly))
        return false;
    l7_value_addrspec sx, sy;
    if (l7_value_parse_addrspec(&sx, ax, strlen(ax), family) < 0 ||
        l7_value_parse_addrspec(&sy, ay, strlen(ay), family) < 0)
        return !strcmp(ax, ay);
    /* Same set of addresses: 10.0.0.1 = 10.0.0.1/32, a /24 = its range. */
    return !memcmp(&sx.first, &sy.first, sizeof(l7_addr)) &&
           !memcmp(&sx.last, &sy.last, sizeof(l7_addr));
}

/* After an add or set: names and entries must stay unique. */
static bool store_unique(cfg_load *L, const cfg_menu *m, uint32_t index,
                         const l7_script_cmd *cmd)
{
    const cfg_store *s = &L->cfg->stores[m->store];
    const cfg_item *it = &s->items[index];
    for (uint32_t i = 0; i < s->n; i++) {
        if (i == index)
            continue;
        if (m->store == L7_CONFIG_MENU_QUEUE_TREE) {
            const char *a = l7_cfg_item_prop(it, "name");
            const char *b = l7_cfg_item_prop(&s->items[i], "name");
            if (a && b && !strcmp(a, b)) {
                l7_spos pos = cmd->pos;
                for (size_t k = 0; k < cmd->n_args; k++)
                    if (arg_is(&cmd->args[k], "name"))
                        pos = cmd->args[k].value_pos;
                l7_cfg_error(L, L7_EEXIST, pos, "a queue named '%s' already exists", a);
                return false;
            }
        } else if (m->store != L7_CONFIG_MENU_LOGGING &&
                   same_entry(it, &s->items[i], m->family)) {
            l7_cfg_error(L, L7_EEXIST, cmd->pos,
                         "already have such entry: list %s already holds %s",
                         l7_cfg_item_prop(it, "list"), l7_cfg_item_prop(it, "address"));
            return false;
        }
    }
    return true;
}

/* Apply `args` to a store item; false after an error. */
static bool store_apply(cfg_load *L, const cfg_menu *m, const l7_script_cmd *cmd,
                        cfg_item *it, bool adding)
{
    bool ok = true;
    for (size_t k = 0; k < cmd->n_args; k++) {
        const l7_script_arg *a = &cmd->args[k];
        if (adding && arg_is(a, "place-before"))
            continue;
        if (arg_is(a, "disabled")) {
            bool b;
            if (a->unset)
                it->disabled = false;
            else if (parse_bool_arg(L, a, &b))
                it->disabled = b;
            else
                ok = false;
            continue;
        }
        const cfg_pdef *d = store_prop(m, a->name.ptr);
        if (!d) {
            unknown_prop(L, cmd, a);
            ok = false;
            continue;
        }
        if (a->unset) {
            if (adding || d->required) {
                l7_cfg_error(L, L7_EINVAL, a->name_pos, "%s cannot be unset here",
                             d->name);
                ok = false;
            } else {
                item_del(&L->cfg->alloc, it, d->name);
            }
            continue;
        }
        if (!l7_cfg_check_value(L, d, a)) {
            ok = false;
            continue;
        }
        if (item_put(L, it, d->name, a->value.ptr) < 0)
            return false;
    }
    if (adding && ok) {
        for (size_t i = 0; i < m->n_props; i++) {
            if (m->props[i].required && !l7_cfg_item_prop(it, m->props[i].name)) {
                l7_cfg_error(L, L7_EINVAL, cmd->verb_pos,
                             "missing required property %s", m->props[i].name);
                ok = false;
            }
        }
    }
    return ok;
}

static bool place_before(cfg_load *L, const l7_script_cmd *cmd, uint32_t count,
                         uint32_t *out)
{
    *out = UINT32_MAX;
    for (size_t k = 0; k < cmd->n_args; k++) {
        const l7_script_arg *a = &cmd->args[k];
        if (!arg_is(a, "place-before"))
            continue;
        char *end = NULL;
        unsigned long v = strtoul(a->value.ptr, &end, 10);
        if (!a->value.len || *end || a->value.ptr[0] == '-' || a->value.ptr[0] == '+') {
            l7_cfg_error(L, L7_ESYNTAX, l7_cfg_value_pos(L, a, 0, a->value.len),
                         "place-before takes an item number");
            return false;
        }
        if (v >= count) {
            l7_cfg_error(L, L7_ENOTFOUND, l7_cfg_value_pos(L, a, 0, a->value.len),
                         "place-before: no such item %lu (the menu has %u item%s)", v,
                         count, count == 1 ? "" : "s");
            return false;
        }
        *out = (uint32_t)v;
    }
    return true;
}

static void store_add(cfg_load *L, const cfg_menu *m, const l7_script_cmd *cmd)
{
    cfg_store *s = &L->cfg->stores[m->store];
    uint32_t before;
    if (!place_before(L, cmd, s->n, &before))
        return;
    cfg_item it;
    memset(&it, 0, sizeof(it));
    it.src = cmd;
    if (!store_apply(L, m, cmd, &it, true) || L->oom) {
        l7_cfg_item_free(&L->cfg->alloc, &it);
        return;
    }
    size_t cap = s->cap;
    if (l7_grow(&L->cfg->alloc, (void **)&s->items, &cap, s->n + 1, sizeof(cfg_item))) {
        l7_cfg_item_free(&L->cfg->alloc, &it);
        L->oom = L7_ENOMEM;
        return;
    }
    s->cap = (uint32_t)cap;
    uint32_t at = before == UINT32_MAX ? s->n : before;
    memmove(&s->items[at + 1], &s->items[at], (s->n - at) * sizeof(cfg_item));
    s->items[at] = it;
    s->n++;
    if (!store_unique(L, m, at, cmd)) {
        cfg_item gone = s->items[at];
        memmove(&s->items[at], &s->items[at + 1], (s->n - at - 1) * sizeof(cfg_item));
        s->n--;
        l7_cfg_item_free(&L->cfg->alloc, &gone);
    }
}

/* ---- rules ----------------------------------------------------------------------- */

static void note_rule(cfg_load *L, const cfg_menu *m, uint64_t id,
                      const l7_script_cmd *cmd)
{
    /* Every command that touched the rule is kept (latest last), so that a
     * compile error finds the one that set the property it is about. */
    if (L->n_srcs && L->srcs[L->n_srcs - 1].id == id &&
        L->srcs[L->n_srcs - 1].cmd == cmd &&
        L->srcs[L->n_srcs - 1].family == m->family &&
        L->srcs[L->n_srcs - 1].table == m->table)
        return;
    if (l7_grow(&L->cfg->alloc, (void **)&L->srcs, &L->srcs_cap, L->n_srcs + 1,
                sizeof(cfg_rule_src))) {
        L->oom = L7_ENOMEM;
        return;
    }
    L->srcs[L->n_srcs++] = (cfg_rule_src){m->family, m->table, id, cmd};
}

/* Set the arguments of `cmd` on the rule at `pos`; false after an error. */
static bool rule_apply(cfg_load *L, const cfg_menu *m, const l7_script_cmd *cmd,
                       uint32_t pos, bool adding)
{
    l7_policy *p = L->cfg->policy;
    bool ok = true;
    for (size_t k = 0; k < cmd->n_args; k++) {
        const l7_script_arg *a = &cmd->args[k];
        if (adding && arg_is(a, "place-before"))
            continue;
        if (m->family == 6 && arg_is(a, "layer7-protocol") && strict(L)) {
            l7_cfg_error(L, L7_EUNSUPPORTED, a->name_pos,
                         "layer7-protocol in /ipv6 rules is a libl7 extension "
                         "(Decision 15), refused in strict mode");
            ok = false;
            continue;
        }
        if (a->unset) {
            if (adding) {
                l7_cfg_error(L, L7_EINVAL, a->name_pos, "'!%s' only works with set",
                             a->name.ptr);
                ok = false;
            } else if (l7_policy_rule_unset(p, m->family, m->table, pos, a->name.ptr) <
                       0) {
                unknown_prop(L, cmd, a);
                ok = false;
            }
            continue;
        }
        int rc = l7_policy_rule_set(p, m->family, m->table, pos, a->name.ptr,
                                    a->value.ptr, a->value.len, L->tmp);
        if (rc == L7_ENOMEM)
            L->oom = rc;
        if (l7_cfg_forward(L, a, a->name_pos) || rc < 0)
            ok = false;
    }
    return ok;
}

static void rules_add(cfg_load *L, const cfg_menu *m, const l7_script_cmd *cmd)
{
    l7_policy *p = L->cfg->policy;
    uint32_t before, pos;
    if (!place_before(L, cmd, l7_policy_rule_count(p, m->family, m->table), &before))
        return;
    int rc = l7_policy_rule_add(&pos, p, m->family, m->table,
                                before == UINT32_MAX ? L7_POLICY_APPEND : before);
    if (rc < 0) {
        L->oom = rc == L7_ENOMEM ? rc : L->oom;
        l7_cfg_error(L, rc, cmd->pos, "cannot add the rule: %s", l7_strerror(rc));
        return;
    }
    if (!rule_apply(L, m, cmd, pos, true)) {
        l7_policy_rule_remove(p, m->family, m->table, pos);
        return;
    }
    uint64_t id;
    if (l7_policy_rule_id(&id, p, m->family, m->table, pos) == 0)
        note_rule(L, m, id, cmd);
}

/* ---- layer-7 protocols ----------------------------------------------------------- */

static const l7_script_arg *find_arg(const l7_script_cmd *cmd, const char *name)
{
    for (size_t k = 0; k < cmd->n_args; k++)
        if (arg_is(&cmd->args[k], name))
            return &cmd->args[k];
    return NULL;
}

static bool proto_disable_ok(cfg_load *L, l7_spos pos)
{
    if (!strict(L))
        return true;
    l7_cfg_error(L, L7_EUNSUPPORTED, pos,
                 "disabling a layer7-protocol is a libl7 extension (Decision 17), "
                 "refused in strict mode");
    return false;
}

/* Set regexp/comment/disabled on protocol `id`. */
static bool proto_apply(cfg_load *L, const l7_script_cmd *cmd, uint32_t id, bool adding)
{
    l7_protoset *set = l7_policy_protocols(L->cfg->policy);
    bool ok = true;
    for (size_t k = 0; k < cmd->n_args; k++) {
        const l7_script_arg *a = &cmd->args[k];
        int rc = 0;
        if (arg_is(a, "name")) {
            if (!adding && strcmp(a->value.ptr, l7_protoset_name(set, id))) {
                l7_cfg_error(L, L7_EUNSUPPORTED, a->name_pos,
                             "renaming a layer7-protocol is not supported: remove it "
                             "and add it again");
                ok = false;
            }
        } else if (arg_is(a, "regexp")) {
            if (adding)
                continue;
            rc = l7_protoset_set_regexp(set, id, a->unset ? "" : a->value.ptr,
                                        a->unset ? 0 : a->value.len, L->tmp);
            if (l7_cfg_forward(L, a, a->value_pos) || rc < 0)
                ok = false;
        } else if (arg_is(a, "comment")) {
            rc = l7_protoset_set_comment(set, id, a->unset ? NULL : a->value.ptr);
        } else if (arg_is(a, "disabled")) {
            bool b = false;
            if (!a->unset && !parse_bool_arg(L, a, &b)) {
                ok = false;
                continue;
            }
            if (b && !proto_disable_ok(L, a->name_pos)) {
                ok = false;
                continue;
            }
            rc = l7_protoset_set_enabled(set, id, !b);
        } else {
            unknown_prop(L, cmd, a);
            ok = false;
        }
        if (rc == L7_ENOMEM)
            L->oom = rc;
    }
    return ok;
}

static void protos_add(cfg_load *L, const cfg_menu *m, const l7_script_cmd *cmd)
{
    (void)m;
    l7_protoset *set = l7_policy_protocols(L->cfg->policy);
    const l7_script_arg *name = find_arg(cmd, "name");
    const l7_script_arg *re = find_arg(cmd, "regexp");
    const l7_script_arg *pb = find_arg(cmd, "place-before");
    if (pb) {
        l7_cfg_error(L, L7_EUNSUPPORTED, pb->name_pos,
                     "place-before is not supported for layer7-protocol (the order of "
                     "protocols does not matter)");
        return;
    }
    if (!name || name->unset) {
        l7_cfg_error(L, L7_EINVAL, cmd->verb_pos, "missing required property name");
        return;
    }
    uint32_t id;
    if (l7_protoset_lookup(&id, set, name->value.ptr) == 0 && id < L7_PROTO_ID_MAX) {
        l7_cfg_error(L, L7_EEXIST, l7_cfg_value_pos(L, name, 0, name->value.len),
                     "a layer7-protocol named '%s' already exists", name->value.ptr);
        return;
    }
    int rc = l7_protoset_add(&id, set, name->value.ptr, re ? re->value.ptr : "",
                             re ? re->value.len : 0, L->tmp);
    if (rc == L7_ENOMEM)
        L->oom = rc;
    if (rc == L7_EINVAL || rc == L7_EEXIST || rc == L7_ERANGE) {
        l7_cfg_forward(L, name, name->value_pos);
        return;
    }
    l7_cfg_forward(L, re, cmd->verb_pos);
    if (rc < 0)
        return;
    if (!proto_apply(L, cmd, id, true))
        l7_protoset_remove(set, id);
}

/* ---- the commands ---------------------------------------------------------------- */

static void do_add(cfg_load *L, const cfg_menu *m, const l7_script_cmd *cmd)
{
    if (cmd->n_items) {
        l7_cfg_error(L, L7_ESYNTAX, cmd->items[0].pos, "unexpected '%s' after add",
                     cmd->items[0].text.ptr);
        return;
    }
    switch (m->kind) {
    case CK_PROTOCOLS:
        protos_add(L, m, cmd);
        break;
    case CK_RULES:
        rules_add(L, m, cmd);
        break;
    case CK_STORE:
        store_add(L, m, cmd);
        break;
    default:
        l7_cfg_error(L, L7_EUNSUPPORTED, cmd->verb_pos,
                     "this menu has no items to add: use set");
        break;
    }
}

static void conntrack_set(cfg_load *L, const l7_script_cmd *cmd)
{
    if (cmd->n_items) {
        l7_cfg_error(L, L7_ESYNTAX, cmd->items[0].pos, "unexpected '%s'",
                     cmd->items[0].text.ptr);
        return;
    }
    for (size_t k = 0; k < cmd->n_args; k++) {
        const l7_script_arg *a = &cmd->args[k];
        if (a->unset) {
            l7_cfg_error(L, L7_EINVAL, a->name_pos, "%s cannot be unset", a->name.ptr);
            continue;
        }
        int rc = l7_policy_conntrack_set(L->cfg->policy, a->name.ptr, a->value.ptr,
                                         a->value.len, L->tmp);
        if (rc == L7_ENOMEM)
            L->oom = rc;
        l7_cfg_forward(L, rc == L7_ENOTFOUND ? NULL : a,
                       rc == L7_ENOTFOUND ? a->name_pos : a->value_pos);
    }
}

/* Protocol ids / rule ids of the addressed items, so that a removal does
 * not shift the next target. */
static bool target_ids(cfg_load *L, const cfg_menu *m, const idxvec *t, uint64_t *ids)
{
    for (size_t i = 0; i < t->n; i++) {
        if (m->kind == CK_PROTOCOLS) {
            uint32_t id;
            if (l7_cfg_proto_id(&id, l7_policy_protocols(L->cfg->policy), t->v[i]) < 0)
                return false;
            ids[i] = id;
        } else if (m->kind == CK_RULES) {
            if (l7_policy_rule_id(&ids[i], L->cfg->policy, m->family, m->table,
                                  t->v[i]) < 0)
                return false;
        } else {
            ids[i] = t->v[i];
        }
    }
    return true;
}

typedef enum verb_op { OP_SET, OP_REMOVE, OP_ENABLE, OP_DISABLE } verb_op;

static void on_targets(cfg_load *L, const cfg_menu *m, const l7_script_cmd *cmd,
                       verb_op op)
{
    if (m->kind == CK_CONNTRACK) {
        if (op == OP_SET)
            conntrack_set(L, cmd);
        else
            l7_cfg_error(L, L7_EUNSUPPORTED, cmd->verb_pos,
                         "connection tracking has no items: use set");
        return;
    }
    if (op != OP_SET && cmd->n_args) {
        l7_cfg_error(L, L7_ESYNTAX, cmd->args[0].name_pos, "%s takes no properties",
                     cmd->verb.ptr);
        return;
    }
    idxvec t = {NULL, 0, 0};
    uint64_t *ids = NULL;
    if (!resolve(L, m, cmd, &t))
        goto out;
    ids = l7_calloc(&L->cfg->alloc, t.n ? t.n : 1, sizeof(uint64_t));
    if (!ids || !target_ids(L, m, &t, ids)) {
        L->oom = L7_ENOMEM;
        goto out;
    }
    l7_policy *p = L->cfg->policy;
    l7_protoset *set = l7_policy_protocols(p);
    cfg_store *s = m->kind == CK_STORE ? &L->cfg->stores[m->store] : NULL;
    /* Backwards, so that removing by print number keeps the rest valid. */
    for (size_t j = t.n; j-- > 0;) {
        uint32_t pos = t.v[j];
        if (m->kind == CK_RULES &&
            l7_policy_rule_find(&pos, p, m->family, m->table, ids[j]) < 0)
            continue;
        bool ok = true;
        switch (op) {
        case OP_SET:
            if (m->kind == CK_PROTOCOLS)
                ok = proto_apply(L, cmd, (uint32_t)ids[j], false);
            else if (m->kind == CK_RULES)
                ok = rule_apply(L, m, cmd, pos, false);
            else
                ok = store_apply(L, m, cmd, &s->items[pos], false) &&
                     store_unique(L, m, pos, cmd);
            if (ok && m->kind == CK_RULES)
                note_rule(L, m, ids[j], cmd);
            break;
        case OP_REMOVE:
            if (m->kind == CK_PROTOCOLS) {
                l7_protoset_remove(set, (uint32_t)ids[j]);
            } else if (m->kind == CK_RULES) {
                l7_policy_rule_remove(p, m->family, m->table, pos);
            } else {
                cfg_item gone = s->items[pos];
                memmove(&s->items[pos], &s->items[pos + 1],
                        (s->n - pos - 1) * sizeof(cfg_item));
                s->n--;
                l7_cfg_item_free(&L->cfg->alloc, &gone);
            }
            break;
        case OP_ENABLE:
        case OP_DISABLE:
            if (m->kind == CK_PROTOCOLS) {
                if (op == OP_DISABLE && !proto_disable_ok(L, cmd->verb_pos))
                    ok = false;
                else
                    l7_protoset_set_enabled(set, (uint32_t)ids[j], op == OP_ENABLE);
            } else if (m->kind == CK_RULES) {
                const char *v = op == OP_DISABLE ? "yes" : "no";
                l7_policy_rule_set(p, m->family, m->table, pos, "disabled", v,
                                   strlen(v), NULL);
            } else {
                s->items[pos].disabled = op == OP_DISABLE;
            }
            break;
        }
        if (!ok) /* one report per command, not one per matching item */
            break;
    }
out:
    l7_free(&L->cfg->alloc, ids);
    l7_free(&L->cfg->alloc, t.v);
}

/* `move ITEMS [DEST]` / `move ITEMS destination=DEST`: the items go, in
 * order, before the item numbered DEST (the end when DEST is past it). */
static void do_move(cfg_load *L, const cfg_menu *m, const l7_script_cmd *cmd)
{
    if (m->kind != CK_RULES && m->kind != CK_STORE) {
        l7_cfg_error(L, L7_EUNSUPPORTED, cmd->verb_pos,
                     "move is not supported in this menu (its order does not matter)");
        return;
    }
    l7_script_cmd one = *cmd;
    const l7_script_item *dst = cmd->n_items == 2 ? &cmd->items[1] : NULL;
    uint32_t dest = UINT32_MAX;
    one.n_items = cmd->n_items ? 1 : 0;
    one.n_args = 0;
    if (dst && dst->kind == L7_SITEM_NUMBERS && dst->n_numbers == 1)
        dest = dst->numbers[0];
    for (size_t k = 0; k < cmd->n_args; k++) {
        const l7_script_arg *a = &cmd->args[k];
        char *end;
        unsigned long v = strtoul(a->value.ptr, &end, 10);
        if (!arg_is(a, "destination") || !a->value.len || *end) {
            l7_cfg_error(L, L7_ESYNTAX, a->name_pos, "move takes destination=NUMBER");
            return;
        }
        dest = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
    }
    if ((dst && dest == UINT32_MAX) || cmd->n_items > 2) {
        l7_cfg_error(L, L7_ESYNTAX, cmd->items[cmd->n_items - 1].pos,
                     "move takes the items and one destination number");
        return;
    }
    idxvec t = {NULL, 0, 0};
    if (!resolve(L, m, &one, &t))
        goto out;
    uint32_t count = l7_cfg_count(L->cfg, m);
    if (m->kind == CK_RULES) {
        l7_policy *p = L->cfg->policy;
        uint64_t dest_id = 0;
        bool to_end = dest >= count ||
                      l7_policy_rule_id(&dest_id, p, m->family, m->table, dest) < 0;
        uint64_t *ids = l7_calloc(&L->cfg->alloc, t.n ? t.n : 1, sizeof(uint64_t));
        if (!ids) {
            L->oom = L7_ENOMEM;
            goto out;
        }
        for (size_t i = 0; i < t.n; i++)
            l7_policy_rule_id(&ids[i], p, m->family, m->table, t.v[i]);
        for (size_t i = 0; i < t.n; i++) {
            uint32_t from, before = L7_POLICY_APPEND;
            if (!to_end && ids[i] == dest_id)
                continue;
            l7_policy_rule_find(&from, p, m->family, m->table, ids[i]);
            if (!to_end)
                l7_policy_rule_find(&before, p, m->family, m->table, dest_id);
            l7_policy_rule_move(p, m->family, m->table, from, before);
            note_rule(L, m, ids[i], cmd);
        }
        l7_free(&L->cfg->alloc, ids);
    } else {
        /* Take the items out (from the back), then insert them in order. */
        cfg_store *s = &L->cfg->stores[m->store];
        cfg_item *moved = l7_calloc(&L->cfg->alloc, t.n ? t.n : 1, sizeof(cfg_item));
        if (!moved) {
            L->oom = L7_ENOMEM;
            goto out;
        }
        uint32_t at = dest >= count ? s->n : dest;
        for (size_t i = t.n; i-- > 0;) {
            uint32_t pos = t.v[i];
            moved[i] = s->items[pos];
            memmove(&s->items[pos], &s->items[pos + 1],
                    (s->n - pos - 1) * sizeof(cfg_item));
            s->n--;
            if (pos < at)
                at--;
        }
        memmove(&s->items[at + t.n], &s->items[at], (s->n - at) * sizeof(cfg_item));
        memcpy(&s->items[at], moved, t.n * sizeof(cfg_item));
        s->n += (uint32_t)t.n;
        l7_free(&L->cfg->alloc, moved);
    }
out:
    l7_free(&L->cfg->alloc, t.v);
}

static const char *const console_verbs[] = {
    "print", "export", "monitor", "reset-counters", "reset-counters-all", "find", "get",
    "edit",  "start",  "stop",    "import",
};

void l7_cfg_run(cfg_load *L, const l7_script_cmd *cmd)
{
    const cfg_menu *m = l7_cfg_menu_find(cmd->path, cmd->n_path);
    char path[160];
    if (cmd->kind == L7_SCMD_MENU) {
        if (m)
            return;
        if (console_path(cmd)) {
            /* `/tool` changes menu; `/tool torch` runs a tool. */
            if (cmd->n_path > 1 && !path_is_console_menu(cmd))
                console_only(L, cmd);
            return;
        }
        /* `/ip firewall filter frob`: a known menu and an unknown verb */
        size_t k = cmd->n_path;
        while (k > 1 && !l7_cfg_menu_find(cmd->path, k - 1))
            k--;
        if (k > 1) {
            const l7_sstr *w = &cmd->path[k - 1];
            l7_script_cmd up = *cmd;
            up.n_path = k - 1;
            l7_cfg_error(L, L7_ENOTFOUND, cmd->path_pos, "unknown command '%.*s' in %s",
                         (int)w->len, w->ptr, path_text(&up, path, sizeof(path)));
            return;
        }
        l7_cfg_error(L, L7_ENOTFOUND, cmd->path_pos, "unknown menu '%s'",
                     path_text(cmd, path, sizeof(path)));
        return;
    }
    if (!m) {
        if (console_path(cmd))
            console_only(L, cmd);
        else if (!cmd->n_path)
            l7_cfg_error(L, L7_ENOTFOUND, cmd->verb_pos,
                         "'%s' outside a menu: start with a menu path such as "
                         "/ip firewall filter",
                         cmd->verb.ptr);
        else
            l7_cfg_error(L, L7_ENOTFOUND, cmd->path_pos, "unknown menu '%s'",
                         path_text(cmd, path, sizeof(path)));
        return;
    }
    const char *verb = cmd->verb.ptr;
    if (m->kind == CK_CONNECTIONS ||
        in_list(verb, console_verbs, L7_ARRAY_SIZE(console_verbs))) {
        console_only(L, cmd);
        return;
    }
    static const struct {
        const char *name;
        int op; /* -1: add, -2: move */
    } verbs[] = {
        {"add", -1},           {"move", -2},          {"set", OP_SET},
        {"remove", OP_REMOVE}, {"enable", OP_ENABLE}, {"disable", OP_DISABLE},
    };
    for (size_t i = 0; i < L7_ARRAY_SIZE(verbs); i++) {
        if (strcmp(verb, verbs[i].name))
            continue;
        if (verbs[i].op == -2)
            do_move(L, m, cmd);
        else if (verbs[i].op < 0)
            do_add(L, m, cmd);
        else
            on_targets(L, m, cmd, (verb_op)verbs[i].op);
        return;
    }
    l7_cfg_error(L, L7_ENOTFOUND, cmd->verb_pos, "unknown command '%s' in %s", verb,
                 path_text(cmd, path, sizeof(path)));
}
