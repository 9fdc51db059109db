/* Build the running queue tree from the configuration's `/queue tree`
 * items (the loader keeps them as property text; the engine does not
 * shape, so the host does, in packet time). */
#include "l7host_internal.h"

#include <stdlib.h>
#include <string.h>

static const char *item(const l7_config *cfg, uint32_t i, const char *prop)
{
    const char *v = NULL;
    if (l7_config_item_get(&v, cfg, L7_CONFIG_MENU_QUEUE_TREE, i, prop) < 0)
        return NULL;
    return v && v[0] ? v : NULL;
}

static int rate(uint64_t *out, const char *v)
{
    return v ? l7_value_parse_rate(out, v, strlen(v)) : 0;
}

/* bucket-size: a decimal 0..10 with up to three decimals, in thousandths. */
static int bucket_milli(uint32_t *out, const char *v)
{
    uint32_t whole = 0, frac = 0, digits = 0;
    const char *p = v;
    if (!*p)
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        whole = whole * 10 + (uint32_t)(*p - '0');
        if (whole > 10)
            return -1;
    }
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9' && digits < 3; p++, digits++)
            frac = frac * 10 + (uint32_t)(*p - '0');
        for (; digits < 3; digits++)
            frac *= 10;
    }
    if (*p)
        return -1;
    *out = whole * 1000 + frac;
    return *out <= L7_QTREE_MAX_BUCKET_MILLI ? 0 : -1;
}

static int is_queue_name(const l7_config *cfg, uint32_t n, const char *name)
{
    for (uint32_t i = 0; i < n; i++) {
        const char *q = item(cfg, i, "name");
        if (q && !strcmp(q, name))
            return 1;
    }
    return 0;
}

int l7host_qtree_build(l7_qtree **out, const l7_config *cfg, uint64_t now, FILE *err)
{
    *out = NULL;
    uint32_t n = l7_config_item_count(cfg, L7_CONFIG_MENU_QUEUE_TREE);
    if (n == 0)
        return 0;
    l7_qtree_def *def = NULL;
    l7_diag_list *diags = NULL;
    int rc = l7_qtree_def_create(&def, NULL);
    if (rc == 0)
        rc = l7_diag_list_create(&diags, NULL);
    for (uint32_t i = 0; rc == 0 && i < n; i++) {
        const char *disabled = item(cfg, i, "disabled");
        if (disabled && !strcmp(disabled, "yes"))
            continue;
        const char *name = item(cfg, i, "name");
        const char *parent = item(cfg, i, "parent");
        if (!name || !parent) {
            fprintf(err, "queue tree item %u: no name or parent\n", i);
            rc = L7_EINVAL;
            break;
        }
        l7_qtree_props p;
        l7_qtree_props_init(&p);
        const char *v;
        rc = rate(&p.limit_at, item(cfg, i, "limit-at"));
        if (rc == 0)
            rc = rate(&p.max_limit, item(cfg, i, "max-limit"));
        if (rc == 0)
            rc = rate(&p.burst_limit, item(cfg, i, "burst-limit"));
        if (rc == 0)
            rc = rate(&p.burst_threshold, item(cfg, i, "burst-threshold"));
        if (rc == 0 && (v = item(cfg, i, "burst-time")))
            rc = l7_value_parse_duration(&p.burst_time, v, strlen(v));
        if (rc == 0 && (v = item(cfg, i, "priority")))
            p.priority = (uint32_t)strtoul(v, NULL, 10);
        if (rc == 0 && (v = item(cfg, i, "bucket-size")) &&
            bucket_milli(&p.bucket_size_milli, v) < 0)
            rc = L7_ERANGE;
        if (rc == 0 && (v = item(cfg, i, "queue")))
            rc = l7_qtree_props_set_queue_type(&p, v);
        p.packet_marks = item(cfg, i, "packet-mark");
        if (rc < 0) {
            fprintf(err, "queue tree %s: %s\n", name, l7_strerror(rc));
            break;
        }
        /* A parent that is neither global nor a queue is an interface: the
         * capture names none, so such queues never see a packet. */
        if (strcmp(parent, "global") && !is_queue_name(cfg, n, parent)) {
            int r = l7_qtree_def_add_interface(def, parent);
            if (r < 0 && r != L7_EEXIST)
                rc = r;
        }
        if (rc == 0)
            rc = l7_qtree_def_add(def, name, parent, &p, diags);
    }
    if (rc == 0)
        rc = l7_qtree_create(out, def, NULL, now, diags);
    size_t nd = l7_diag_list_count(diags);
    for (size_t i = 0; i < nd; i++) {
        char msg[512];
        if (l7_diag_severity(diags, i) == L7_SEV_ERROR || rc < 0)
            if (l7_diag_format(diags, i, msg, sizeof(msg)) >= 0)
                fprintf(err, "queue tree: %s\n", msg);
    }
    l7_diag_list_destroy(diags);
    l7_qtree_def_destroy(def);
    return rc;
}
