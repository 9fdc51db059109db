/*
 * The configuration object and the all-or-nothing loader: parse the
 * script (syntax layer), apply it to a scratch copy of the configuration
 * (config_cmd.c), compile the copy's policy, report every problem at the
 * script text it comes from, and swap the copy in only when no error was
 * found.
 */
#include "config_internal.h"
#include "l7/value.h"

#include <stdio.h>
#include <string.h>

void l7_config_load_options_init(l7_config_load_options *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof(*opts));
    opts->size = sizeof(*opts);
}

static int config_new(l7_config **out, const l7_allocator *hooks)
{
    l7_alloc a;
    L7_TRY(l7_alloc_init(&a, hooks));
    l7_config *cfg = l7_calloc(&a, 1, sizeof(*cfg));
    if (!cfg)
        return L7_ENOMEM;
    cfg->alloc = a;
    if (hooks) {
        cfg->hooks = *hooks;
        cfg->has_hooks = true;
    }
    int rc = l7_policy_create(&cfg->policy, cfg->has_hooks ? &cfg->hooks : NULL);
    if (rc < 0) {
        l7_free(&a, cfg);
        return rc;
    }
    *out = cfg;
    return 0;
}

int l7_config_create(l7_config **out, const l7_allocator *alloc)
{
    if (!out)
        return L7_EINVAL;
    *out = NULL;
    l7_config *cfg;
    L7_TRY(config_new(&cfg, alloc));
    int rc = l7_ruleset_compile(&cfg->ruleset, cfg->policy, NULL);
    if (rc < 0) {
        l7_config_destroy(cfg);
        return rc;
    }
    *out = cfg;
    return 0;
}

int l7_config_set_pattern_flags(l7_config *cfg, uint32_t flags)
{
    return cfg ? l7_policy_set_pattern_flags(cfg->policy, flags) : L7_EINVAL;
}

void l7_config_destroy(l7_config *cfg)
{
    if (!cfg)
        return;
    l7_alloc a = cfg->alloc;
    for (int i = 0; i < L7_CONFIG_MENU_COUNT; i++)
        l7_cfg_store_clear(&a, &cfg->stores[i]);
    l7_ruleset_destroy(cfg->ruleset);
    l7_policy_destroy(cfg->policy);
    l7_free(&a, cfg);
}

l7_policy *l7_config_policy(const l7_config *cfg)
{
    return cfg ? cfg->policy : NULL;
}

l7_ruleset *l7_config_ruleset(const l7_config *cfg)
{
    return cfg ? cfg->ruleset : NULL;
}

int l7_cfg_recompile(l7_config *cfg, l7_diag_list *diags)
{
    l7_ruleset *rs;
    L7_TRY(l7_ruleset_compile(&rs, cfg->policy, diags));
    l7_ruleset_destroy(cfg->ruleset);
    cfg->ruleset = rs;
    return 0;
}

/* ---- copying a configuration (the scratch copy of a load) ------------------------ */

static int copy_store(const l7_alloc *a, cfg_store *dst, const cfg_store *src)
{
    if (!src->n)
        return 0;
    dst->items = l7_calloc(a, src->n, sizeof(cfg_item));
    if (!dst->items)
        return L7_ENOMEM;
    dst->cap = src->n;
    for (uint32_t i = 0; i < src->n; i++) {
        const cfg_item *s = &src->items[i];
        cfg_item *d = &dst->items[dst->n++];
        d->disabled = s->disabled;
        if (!s->n)
            continue;
        d->props = l7_calloc(a, s->n, sizeof(cfg_prop));
        if (!d->props)
            return L7_ENOMEM;
        d->cap = s->n;
        for (uint32_t k = 0; k < s->n; k++) {
            d->props[k].name = l7_strdup(a, s->props[k].name);
            d->props[k].value = l7_strdup(a, s->props[k].value);
            d->n++;
            if (!d->props[k].name || !d->props[k].value)
                return L7_ENOMEM;
        }
    }
    return 0;
}

static int copy_policy(l7_policy *dst, const l7_policy *src_c)
{
    l7_policy *src = (l7_policy *)src_c; /* l7_policy_protocols() is not const */
    l7_protoset *ps = l7_policy_protocols(src), *pd = l7_policy_protocols(dst);
    uint32_t bound = l7_protoset_id_bound(ps);
    for (uint32_t id = 0; id < bound; id++) {
        const char *name = l7_protoset_name(ps, id);
        if (!name)
            continue;
        size_t rl;
        const char *re = l7_protoset_regexp(ps, id, &rl);
        uint32_t nid;
        L7_TRY(l7_protoset_add(&nid, pd, name, re, rl, NULL));
        const char *c = l7_protoset_comment(ps, id);
        if (c && *c)
            L7_TRY(l7_protoset_set_comment(pd, nid, c));
        if (l7_protoset_enabled(ps, id) == 0)
            L7_TRY(l7_protoset_set_enabled(pd, nid, 0));
    }
    static const uint32_t fams[2] = {L7_FAMILY_IPV4, L7_FAMILY_IPV6};
    for (int f = 0; f < 2; f++) {
        for (uint32_t t = 0; t < 2; t++) {
            uint32_t n = l7_policy_rule_count(src, fams[f], t);
            for (uint32_t pos = 0; pos < n; pos++) {
                uint32_t np;
                L7_TRY(l7_policy_rule_add(&np, dst, fams[f], t, L7_POLICY_APPEND));
                const char *name, *value;
                for (uint32_t k = 0;
                     l7_policy_rule_prop(&name, &value, src, fams[f], t, pos, k) == 0;
                     k++)
                    L7_TRY(l7_policy_rule_set(dst, fams[f], t, np, name, value,
                                              strlen(value), NULL));
            }
        }
    }
    const char *name;
    for (uint32_t i = 0; (name = l7_policy_conntrack_prop(i)); i++) {
        const char *v;
        if (l7_policy_conntrack_get(&v, src, name) == 0)
            L7_TRY(l7_policy_conntrack_set(dst, name, v, strlen(v), NULL));
    }
    return 0;
}

static int config_clone(l7_config **out, const l7_config *src)
{
    l7_config *cfg;
    L7_TRY(config_new(&cfg, src->has_hooks ? &src->hooks : NULL));
    /* Before the protocols: they compile with the flags. */
    int rc =
        l7_policy_set_pattern_flags(cfg->policy, l7_policy_pattern_flags(src->policy));
    if (rc == 0)
        rc = copy_policy(cfg->policy, src->policy);
    for (int i = 0; rc == 0 && i < L7_CONFIG_MENU_COUNT; i++)
        rc = copy_store(&cfg->alloc, &cfg->stores[i], &src->stores[i]);
    if (rc < 0) {
        l7_config_destroy(cfg);
        return rc == L7_ENOMEM ? rc : L7_EINTERNAL;
    }
    *out = cfg;
    return 0;
}

/* ---- diagnostics at script positions ----------------------------------------------
 */

void l7_cfg_error(cfg_load *L, int code, l7_spos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    l7_diag_vadd(L->diags, L7_SEV_ERROR, code, L->file, pos.line, pos.column,
                 pos.length, fmt, ap);
    va_end(ap);
    L->errors++;
}

void l7_cfg_warn(cfg_load *L, l7_spos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    l7_diag_vadd(L->diags, L7_SEV_WARNING, 0, L->file, pos.line, pos.column, pos.length,
                 fmt, ap);
    va_end(ap);
}

/* Physical line (1-based) of byte offset `p`. */
static uint32_t line_of(const cfg_load *L, size_t p)
{
    size_t lo = 0, hi = L->n_lines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (L->line_start[mid] <= p)
            lo = mid;
        else
            hi = mid;
    }
    return (uint32_t)lo + 1;
}

static bool is_upper_hex(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

/* Skip backslash-newline joins (and the next line's indentation) at p. */
static size_t skip_joins(const cfg_load *L, size_t p)
{
    const uint8_t *t = L->text;
    while (p + 1 < L->len && t[p] == '\\' && (t[p + 1] == '\n' || t[p + 1] == '\r')) {
        p += 2;
        if (t[p - 1] == '\r' && p < L->len && t[p] == '\n')
            p++;
        while (p < L->len && (t[p] == ' ' || t[p] == '\t'))
            p++;
    }
    return p;
}

/* Raw offset just after `n` logical bytes of a quoted string from p. */
static size_t skip_logical(const cfg_load *L, size_t p, size_t n)
{
    const uint8_t *t = L->text;
    for (size_t i = 0; i < n && p < L->len; i++) {
        p = skip_joins(L, p);
        if (p >= L->len || t[p] == '"')
            break;
        if (t[p] == '\\' && p + 1 < L->len)
            p += (p + 2 < L->len && is_upper_hex(t[p + 1]) && is_upper_hex(t[p + 2]))
                     ? 3
                     : 2;
        else
            p++;
    }
    return p;
}

l7_spos l7_cfg_value_pos(const cfg_load *L, const l7_script_arg *arg, size_t offset,
                         size_t length)
{
    l7_spos vp = arg->value_pos;
    if (!L->text || vp.line == 0 || vp.line > L->n_lines || vp.column == 0)
        return vp;
    size_t p = L->line_start[vp.line - 1] + vp.column - 1;
    if (p >= L->len)
        return vp;
    if (!arg->quoted) {
        l7_spos r = {vp.line, vp.column + (uint32_t)offset, (uint32_t)length};
        if (offset + length > vp.length)
            r.length = offset < vp.length ? vp.length - (uint32_t)offset : 0;
        return r;
    }
    if (L->text[p] == '"')
        p++;
    size_t s = skip_joins(L, skip_logical(L, p, offset));
    size_t e = skip_logical(L, s, length);
    uint32_t line = line_of(L, s);
    size_t eol = line < L->n_lines ? L->line_start[line] : L->len;
    if (e > eol)
        e = eol;
    l7_spos r = {line, (uint32_t)(s - L->line_start[line - 1]) + 1,
                 (uint32_t)(e > s ? e - s : 0)};
    return r;
}

size_t l7_cfg_forward(cfg_load *L, const l7_script_arg *arg, l7_spos fallback)
{
    size_t errors = 0, n = l7_diag_list_count(L->tmp);
    for (size_t i = 0; i < n; i++) {
        l7_severity sev = l7_diag_severity(L->tmp, i);
        uint32_t col = l7_diag_column(L->tmp, i);
        l7_spos pos = fallback;
        if (arg && col > 0)
            pos = l7_cfg_value_pos(L, arg, col - 1, l7_diag_length(L->tmp, i));
        l7_diag_add(L->diags, sev, l7_diag_code(L->tmp, i), L->file, pos.line,
                    pos.column, pos.length, "%s", l7_diag_message(L->tmp, i));
        if (sev == L7_SEV_ERROR)
            errors++;
    }
    L->errors += errors;
    l7_diag_list_clear(L->tmp);
    return errors;
}

/* ---- compile diagnostics back to the rule's command -------------------------------
 */

static bool word_at(const char *msg, const char *p, size_t n)
{
    bool before = p == msg || !(p[-1] == '-' || (p[-1] >= 'a' && p[-1] <= 'z'));
    bool after = !(p[n] == '-' || (p[n] >= 'a' && p[n] <= 'z'));
    return before && after;
}

/* The argument a compile message is about: the longest property name of
 * the command that the message mentions as a word. */
const l7_script_arg *l7_cfg_arg_in_message(const l7_script_cmd *cmd, const char *msg)
{
    const l7_script_arg *best = NULL;
    /* The subject first: "priority has no effect", "dst-port needs ..." */
    for (size_t k = 0; k < cmd->n_args; k++) {
        const l7_script_arg *a = &cmd->args[k];
        if (!strncmp(msg, a->name.ptr, a->name.len) &&
            (msg[a->name.len] == ' ' || msg[a->name.len] == ':'))
            return a;
    }
    for (size_t k = 0; k < cmd->n_args; k++) {
        const l7_script_arg *a = &cmd->args[k];
        for (const char *p = strstr(msg, a->name.ptr); p;
             p = strstr(p + 1, a->name.ptr)) {
            if (word_at(msg, p, a->name.len) && (!best || a->name.len > best->name.len))
                best = a;
        }
        /* "jump target is not defined", "jump loop through chain X" */
        if (!strcmp(a->name.ptr, "jump-target") && !strncmp(msg, "jump ", 5))
            return a;
    }
    return best;
}

static void forward_compile(cfg_load *L, const l7_config *cfg)
{
    size_t n = l7_diag_list_count(L->tmp);
    for (size_t i = 0; i < n; i++) {
        l7_severity sev = l7_diag_severity(L->tmp, i);
        const char *item = l7_diag_item(L->tmp, i);
        const char *msg = l7_diag_message(L->tmp, i);
        uint32_t family = 4, table, pos;
        const char *it = item;
        if (!strncmp(it, "ipv6-", 5)) {
            family = 6;
            it += 5;
        }
        const l7_script_cmd *cmd = NULL;
        int used = 0;
        if ((sscanf(it, "filter#%u%n", &pos, &used) == 1 ||
             sscanf(it, "mangle#%u%n", &pos, &used) == 1) &&
            it[used] == '\0') {
            table = it[0] == 'f' ? L7_TABLE_FILTER : L7_TABLE_MANGLE;
            uint64_t id;
            size_t il = strlen(item);
            const char *m = msg;
            if (!strncmp(m, item, il) && !strncmp(m + il, ": ", 2))
                m += il + 2;
            /* The latest command of the rule that names the property the
             * message is about; else the latest command of the rule. */
            if (l7_policy_rule_id(&id, cfg->policy, family, table, pos) == 0) {
                for (size_t k = L->n_srcs; k-- > 0;) {
                    const cfg_rule_src *rs = &L->srcs[k];
                    if (rs->id != id || rs->family != family || rs->table != table)
                        continue;
                    if (!cmd)
                        cmd = rs->cmd;
                    if (l7_cfg_arg_in_message(rs->cmd, m)) {
                        cmd = rs->cmd;
                        break;
                    }
                }
            }
            if (cmd)
                msg = m;
        }
        l7_spos at = {0, 0, 0};
        if (cmd) {
            at = cmd->pos;
            const l7_script_arg *a = l7_cfg_arg_in_message(cmd, msg);
            uint32_t col = l7_diag_column(L->tmp, i);
            if (a && col > 0) {
                at = l7_cfg_value_pos(L, a, col - 1, l7_diag_length(L->tmp, i));
            } else if (a) {
                at = l7_cfg_value_pos(L, a, 0, a->value.len);
                /* Point at the offending name inside a list value. */
                const char *colon = strrchr(msg, ' ');
                const char *hit = colon ? strstr(a->value.ptr, colon + 1) : NULL;
                if (hit && colon[1])
                    at = l7_cfg_value_pos(L, a, (size_t)(hit - a->value.ptr),
                                          strlen(colon + 1));
            }
        }
        l7_diag_add(L->diags, sev, l7_diag_code(L->tmp, i), L->file, at.line, at.column,
                    at.length, "%s", msg);
        if (sev == L7_SEV_ERROR)
            L->errors++;
    }
    l7_diag_list_clear(L->tmp);
}

/* ---- the loader -------------------------------------------------------------------
 */

static int index_lines(cfg_load *L)
{
    size_t n = 1;
    for (size_t i = 0; i < L->len; i++)
        if (L->text[i] == '\n' ||
            (L->text[i] == '\r' && !(i + 1 < L->len && L->text[i + 1] == '\n')))
            n++;
    L->line_start = l7_malloc(&L->cfg->alloc, n * sizeof(uint32_t));
    if (!L->line_start)
        return L7_ENOMEM;
    L->line_start[0] = 0;
    L->n_lines = 1;
    for (size_t i = 0; i < L->len; i++)
        if (L->text[i] == '\n' ||
            (L->text[i] == '\r' && !(i + 1 < L->len && L->text[i + 1] == '\n')))
            L->line_start[L->n_lines++] = (uint32_t)(i + 1);
    return 0;
}

static void forget_sources(l7_config *cfg)
{
    for (int s = 0; s < L7_CONFIG_MENU_COUNT; s++)
        for (uint32_t i = 0; i < cfg->stores[s].n; i++)
            cfg->stores[s].items[i].src = NULL;
}

static void swap_in(l7_config *cfg, l7_config *scratch, l7_ruleset *rs)
{
    l7_config old = *cfg;
    cfg->policy = scratch->policy;
    cfg->ruleset = rs;
    memcpy(cfg->stores, scratch->stores, sizeof(cfg->stores));
    scratch->policy = old.policy;
    scratch->ruleset = old.ruleset;
    memcpy(scratch->stores, old.stores, sizeof(old.stores));
}

int l7_config_load(l7_config *cfg, const char *file_name, const uint8_t *text,
                   size_t len, const l7_config_load_options *opts, l7_diag_list *diags)
{
    if (!cfg || (!text && len) || (opts && opts->size < sizeof(uint32_t) * 2))
        return L7_EINVAL;
    if (len > UINT32_MAX)
        return L7_ELIMIT;
    if (!file_name)
        file_name = "<script>";
    static const uint8_t empty[1] = {0};
    if (!text)
        text = empty;
    l7_script *sc = NULL;
    int rc = l7_script_parse(&sc, file_name, text, len, NULL, diags, &cfg->alloc);
    if (rc == L7_EINVAL || rc == L7_ENOMEM)
        return rc;
    if (rc == L7_ELIMIT) {
        l7_script_free(sc);
        return rc;
    }
    cfg_load L;
    memset(&L, 0, sizeof(L));
    L.file = sc->file_name;
    L.text = text;
    L.len = len;
    L.diags = diags;
    L.flags = opts ? opts->flags : 0;
    L.errors = sc->n_errors;
    l7_config *scratch = NULL;
    l7_ruleset *rs = NULL;
    rc = config_clone(&scratch, cfg);
    if (rc == 0) {
        L.cfg = scratch;
        rc = l7_diag_list_create(&L.tmp, cfg->has_hooks ? &cfg->hooks : NULL);
    }
    if (rc == 0)
        rc = index_lines(&L);
    if (rc == 0) {
        l7_policy_set_strict(scratch->policy, (L.flags & L7_CONFIG_STRICT) != 0);
        for (size_t i = 0; i < sc->n_cmds && !L.oom; i++)
            l7_cfg_run(&L, &sc->cmds[i]);
        if (!L.oom)
            l7_cfg_check_stores(&L);
        if (!L.oom) {
            int crc = l7_ruleset_compile(&rs, scratch->policy, L.tmp);
            forward_compile(&L, scratch);
            if (crc == L7_ENOMEM)
                L.oom = crc;
        }
        l7_policy_set_strict(scratch->policy, 0);
        rc = L.oom ? L.oom : L.errors ? L7_ESYNTAX : 0;
    }
    if (rc == 0) {
        swap_in(cfg, scratch, rs);
        rs = NULL;
        forget_sources(cfg);
    }
    l7_ruleset_destroy(rs);
    l7_config_destroy(scratch);
    l7_diag_list_destroy(L.tmp);
    if (L.line_start)
        l7_free(&cfg->alloc, L.line_start);
    l7_free(&cfg->alloc, L.srcs);
    l7_script_free(sc);
    return rc;
}

/* ---- hosts --------------------------------------------------------------------------
 */

int l7_config_render_diag(char *buf, size_t size, const l7_diag_list *list,
                          size_t index, const uint8_t *text, size_t len)
{
    if ((!buf && size) || !list || index >= l7_diag_list_count(list))
        return L7_EINVAL;
    char *s = NULL;
    l7_alloc a;
    L7_TRY(l7_alloc_init(&a, NULL));
    L7_TRY(l7_script_render_diag(&s, list, index, text, len, &a));
    size_t n = strlen(s);
    if (size) {
        size_t c = n < size - 1 ? n : size - 1;
        memcpy(buf, s, c);
        buf[c] = '\0';
    }
    l7_free(&a, s);
    return n > INT32_MAX ? L7_ELIMIT : (int)n;
}

int l7_config_apply_addrlists(const l7_config *cfg, l7_addrlist *al, uint64_t now,
                              l7_diag_list *diags)
{
    if (!cfg || !al)
        return L7_EINVAL;
    uint32_t gen;
    L7_TRY(l7_addrlist_reload_begin(&gen, al));
    int worst = 0;
    static const uint32_t stores[2] = {L7_CONFIG_MENU_ADDRESS_LIST,
                                       L7_CONFIG_MENU_ADDRESS_LIST6};
    for (int s = 0; s < 2; s++) {
        const cfg_store *st = &cfg->stores[stores[s]];
        uint32_t family = s ? 6 : 4;
        for (uint32_t i = 0; i < st->n; i++) {
            const cfg_item *it = &st->items[i];
            const char *list = l7_cfg_item_prop(it, "list");
            const char *addr = l7_cfg_item_prop(it, "address");
            const char *timeout = l7_cfg_item_prop(it, "timeout");
            if (!list || !addr)
                continue;
            uint32_t lid;
            l7_value_addrspec spec;
            l7_addrlist_entry_options eo;
            memset(&eo, 0, sizeof(eo));
            eo.size = sizeof(eo);
            eo.mode = L7_ADDRLIST_ADD_MANUAL;
            eo.disabled = it->disabled;
            eo.comment = l7_cfg_item_prop(it, "comment");
            if (timeout) {
                eo.dynamic = 1;
                (void)l7_value_parse_duration(&eo.timeout_ns, timeout, strlen(timeout));
            }
            int rc = l7_addrlist_list_id(&lid, al, list, strlen(list));
            if (rc == 0)
                rc = l7_value_parse_addrspec(&spec, addr, strlen(addr), family);
            if (rc == 0)
                rc = l7_addrlist_add(al, lid, &spec, &eo, now);
            if (rc == L7_EEXIST && timeout)
                rc = 0; /* a live dynamic entry stays as it is */
            if (rc < 0) {
                l7_diag_add(diags, L7_SEV_ERROR, rc, list, 0, 0, 0,
                            "address-list %s: cannot add %s: %s", list, addr,
                            l7_strerror(rc));
                if (rc == L7_ENOMEM)
                    worst = rc;
                else if (!worst)
                    worst = L7_ELIMIT;
            }
        }
    }
    int rc = l7_addrlist_reload_commit(NULL, al, gen);
    return worst ? worst : rc;
}
