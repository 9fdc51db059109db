/*
 * Fuzz target: the script syntax layer (lexer, command parser, find/where
 * expressions). Byte 0 picks whole-script or standalone-expression mode;
 * every diagnostic is rendered and every expression evaluated.
 */
#include "fuzz.h"

#include "config_syntax_internal.h"

#include <stdlib.h>
#include <string.h>

static const char *get_prop(const char *name, void *user)
{
    (void)user;
    if (strcmp(name, "name") == 0)
        return "youtube";
    if (strcmp(name, "disabled") == 0)
        return "yes";
    return NULL;
}

static void eval_all(const l7_script *s)
{
    if (s->expr != NULL)
        (void)l7_sexpr_eval(s->expr, get_prop, NULL);
    for (size_t i = 0; i < s->n_cmds; i++) {
        const l7_script_cmd *cmd = &s->cmds[i];
        if (cmd->where != NULL)
            (void)l7_sexpr_eval(cmd->where, get_prop, NULL);
        for (size_t k = 0; k < cmd->n_items; k++) {
            if (cmd->items[k].find != NULL)
                (void)l7_sexpr_eval(cmd->items[k].find, get_prop, NULL);
            if (strlen(cmd->items[k].text.ptr) != cmd->items[k].text.len &&
                cmd->items[k].kind != L7_SITEM_FIND &&
                cmd->items[k].kind != L7_SITEM_NUMBERS)
                abort(); /* strings never hold a NUL */
        }
        for (size_t k = 0; k < cmd->n_args; k++)
            if (strlen(cmd->args[k].value.ptr) != cmd->args[k].value.len)
                abort();
        (void)l7_script_cmd_arg(cmd, "name");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    l7_diag_list *diags = NULL;
    if (l7_diag_list_create(&diags, NULL) != 0)
        abort();
    l7_script_limits lim = {.max_line = 4096, .max_tokens = 256, .max_errors = 20};
    l7_script *s = NULL;
    const uint8_t *text = data + 1;
    size_t len = size - 1;
    int rc = (data[0] & 1)
                 ? l7_script_parse_expr(&s, "fuzz", text, len, &lim, diags, NULL)
                 : l7_script_parse(&s, "fuzz", text, len, &lim, diags, NULL);
    if (rc == L7_ENOMEM || rc == L7_EINVAL) {
        if (s != NULL)
            abort();
    } else if (s == NULL) {
        abort();
    }
    if (s != NULL)
        eval_all(s);
    for (size_t i = 0; i < l7_diag_list_count(diags); i++) {
        char *r = NULL;
        if (l7_script_render_diag(&r, diags, i, text, len, NULL) == 0) {
            l7_alloc a;
            l7_alloc_init(&a, NULL);
            l7_free(&a, r);
        }
    }
    l7_script_free(s);
    l7_diag_list_destroy(diags);
    return 0;
}
