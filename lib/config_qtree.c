/*
 * `/queue tree` items → an l7_qtree_def (module qtree). The loader compiles
 * the definition once per load to report, at the script line of each
 * queue, what the qtree module finds (unknown parents, cycles, depth,
 * unsupported queue types, settings that have no effect); hosts build
 * their running tree from l7_config_qtree_def().
 */
#include "config_internal.h"
#include "l7/qtree.h"
#include "l7/value.h"

#include <stdlib.h>
#include <string.h>

static const char *prop_or(const cfg_item *it, const char *name, const char *dflt)
{
    const char *v = l7_cfg_item_prop(it, name);
    return v ? v : dflt;
}

static uint64_t rate_of(const cfg_item *it, const char *name)
{
    const char *v = l7_cfg_item_prop(it, name);
    uint64_t bps = 0;
    if (v)
        (void)l7_value_parse_rate(&bps, v, strlen(v));
    return bps;
}

/* Fill `p` from a stored (already validated) queue item. Returns the
 * queue-type status of l7_qtree_props_set_queue_type(). */
static int props_of(l7_qtree_props *p, const cfg_item *it, uint32_t line)
{
    l7_qtree_props_init(p);
    p->line = line;
    p->priority = (uint32_t)atoi(prop_or(it, "priority", "8"));
    p->limit_at = rate_of(it, "limit-at");
    p->max_limit = rate_of(it, "max-limit");
    p->burst_limit = rate_of(it, "burst-limit");
    p->burst_threshold = rate_of(it, "burst-threshold");
    const char *bt = l7_cfg_item_prop(it, "burst-time");
    if (bt)
        (void)l7_value_parse_duration(&p->burst_time, bt, strlen(bt));
    const char *bs = l7_cfg_item_prop(it, "bucket-size");
    if (bs)
        p->bucket_size_milli = (uint32_t)(strtod(bs, NULL) * 1000.0 + 0.5);
    p->packet_marks = l7_cfg_item_prop(it, "packet-mark");
    const char *q = l7_cfg_item_prop(it, "queue");
    return q ? l7_qtree_props_set_queue_type(p, q) : 0;
}

static bool is_queue_name(const cfg_store *s, const char *name)
{
    for (uint32_t i = 0; i < s->n; i++) {
        const char *n = l7_cfg_item_prop(&s->items[i], "name");
        if (n && !strcmp(n, name))
            return true;
    }
    return false;
}

/* The definition of the stored queues; queue i carries line i + 1 so that
 * diagnostics lead back to the item. Parents that are neither `global`
 * nor a queue are declared as interfaces. */
static int build(l7_qtree_def **out, const l7_config *cfg, l7_diag_list *diag,
                 int *bad_type_item)
{
    const cfg_store *s = &cfg->stores[L7_CONFIG_MENU_QUEUE_TREE];
    l7_qtree_def *def;
    L7_TRY(l7_qtree_def_create(&def, cfg->has_hooks ? &cfg->hooks : NULL));
    int rc = 0;
    *bad_type_item = -1;
    for (uint32_t i = 0; i < s->n && rc != L7_ENOMEM; i++) {
        const char *parent = l7_cfg_item_prop(&s->items[i], "parent");
        if (parent && strcmp(parent, "global") && !is_queue_name(s, parent)) {
            int r = l7_qtree_def_add_interface(def, parent);
            if (r == L7_ENOMEM)
                rc = r;
        }
    }
    for (uint32_t i = 0; i < s->n && rc != L7_ENOMEM; i++) {
        const cfg_item *it = &s->items[i];
        if (it->disabled)
            continue; /* a disabled queue does not exist for the shaper */
        l7_qtree_props p;
        int r = props_of(&p, it, i + 1);
        if (r < 0 && *bad_type_item < 0)
            *bad_type_item = (int)i;
        r = l7_qtree_def_add(def, prop_or(it, "name", ""), prop_or(it, "parent", ""),
                             &p, diag);
        if (r == L7_ENOMEM)
            rc = r;
    }
    if (rc < 0) {
        l7_qtree_def_destroy(def);
        return rc;
    }
    *out = def;
    return 0;
}

int l7_config_qtree_def(l7_qtree_def **out, const l7_config *cfg)
{
    if (!out || !cfg)
        return L7_EINVAL;
    *out = NULL;
    int bad;
    return build(out, cfg, NULL, &bad);
}

void l7_cfg_check_stores(cfg_load *L)
{
    const cfg_store *s = &L->cfg->stores[L7_CONFIG_MENU_QUEUE_TREE];
    if (!s->n)
        return;
    l7_qtree_def *def = NULL;
    int bad_type = -1;
    int rc = build(&def, L->cfg, L->tmp, &bad_type);
    if (rc < 0) {
        L->oom = rc;
        return;
    }
    if (bad_type >= 0) {
        const cfg_item *it = &s->items[bad_type];
        const char *q = l7_cfg_item_prop(it, "queue");
        l7_spos pos = it->src ? it->src->pos : (l7_spos){0, 0, 0};
        for (size_t k = 0; it->src && k < it->src->n_args; k++)
            if (!strcmp(it->src->args[k].name.ptr, "queue"))
                pos = l7_cfg_value_pos(L, &it->src->args[k], 0, strlen(q));
        l7_cfg_error(L, L7_EUNSUPPORTED, pos,
                     "queue type %s is not supported yet (libl7 shapes with pfifo: "
                     "default, ethernet-default, default-small)",
                     q);
    }
    l7_qtree *tree = NULL;
    if (l7_diag_list_count_severity(L->tmp, L7_SEV_ERROR) == 0)
        rc = l7_qtree_create(&tree, def, NULL, 0, L->tmp);
    l7_qtree_destroy(tree);
    l7_qtree_def_destroy(def);
    if (rc == L7_ENOMEM)
        L->oom = rc;
    /* Move the qtree diagnostics to the queue's command. */
    size_t n = l7_diag_list_count(L->tmp);
    for (size_t i = 0; i < n; i++) {
        l7_severity sev = l7_diag_severity(L->tmp, i);
        uint32_t line = l7_diag_line(L->tmp, i);
        const cfg_item *it = line >= 1 && line <= s->n ? &s->items[line - 1] : NULL;
        const char *msg = l7_diag_message(L->tmp, i);
        if (it && !it->src && sev != L7_SEV_ERROR)
            continue; /* warned when the queue was loaded */
        l7_spos pos = {0, 0, 0};
        if (it && it->src) {
            pos = it->src->pos;
            const l7_script_arg *a = l7_cfg_arg_in_message(it->src, msg);
            if (a)
                pos = l7_cfg_value_pos(L, a, 0, a->value.len);
        }
        const char *name = it ? prop_or(it, "name", "") : l7_diag_item(L->tmp, i);
        if (sev == L7_SEV_ERROR)
            l7_cfg_error(L, l7_diag_code(L->tmp, i), pos, "queue %s: %s", name, msg);
        else
            l7_cfg_warn(L, pos, "queue %s: %s", name, msg);
    }
    l7_diag_list_clear(L->tmp);
}
