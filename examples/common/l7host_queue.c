/* The running queue tree of a configuration's `/queue tree` items. The
 * engine does not shape, so the host does, in packet time. */
#include "l7host_internal.h"

int l7host_qtree_build(l7_qtree **out, const l7_config *cfg, uint64_t now, FILE *err)
{
    *out = NULL;
    if (l7_config_item_count(cfg, L7_CONFIG_MENU_QUEUE_TREE) == 0)
        return 0;
    l7_qtree_def *def = NULL;
    l7_diag_list *diags = NULL;
    int rc = l7_config_qtree_def(&def, cfg);
    if (rc == 0 && l7_qtree_def_count(def) == 0) {
        l7_qtree_def_destroy(def);
        return 0; /* every queue disabled */
    }
    if (rc == 0)
        rc = l7_diag_list_create(&diags, NULL);
    if (rc == 0)
        rc = l7_qtree_create(out, def, NULL, now, diags);
    if (rc < 0) {
        /* The loader checked the tree: only errors are worth repeating. */
        size_t nd = l7_diag_list_count(diags);
        for (size_t i = 0; i < nd; i++) {
            char msg[512];
            if (l7_diag_severity(diags, i) == L7_SEV_ERROR &&
                l7_diag_format(diags, i, msg, sizeof(msg)) >= 0)
                fprintf(err, "queue tree: %s\n", msg);
        }
        fprintf(err, "queue tree: %s\n", l7_strerror(rc));
    }
    l7_diag_list_destroy(diags);
    l7_qtree_def_destroy(def);
    return rc;
}
