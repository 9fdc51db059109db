/*
 * `export`: the configuration as a RouterOS script in compact form (menu
 * headers, one `add` per item, properties in alphabetical order, defaults
 * left out, RouterOS quoting and escapes, long lines continued with `\`
 * and four spaces), which loads back to the same configuration.
 */
#include "config_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct exporter {
    const l7_alloc *a;
    l7_config_write_fn fn;
    void *user;
    uint32_t flags;
    int rc;
    const char *menu; /* menu header written last (compact form) */
} exporter;

static void out(exporter *x, const char *s, size_t n)
{
    if (x->rc == 0 && n)
        x->rc = x->fn(s, n, x->user);
}

static void outs(exporter *x, const char *s)
{
    out(x, s, strlen(s));
}

/* A growing text buffer for one logical line. */
typedef struct sbuf {
    const l7_alloc *a;
    char *p;
    size_t n, cap;
    int oom;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (l7_grow(b->a, (void **)&b->p, &b->cap, b->n + n + 1, 1)) {
        b->oom = L7_ENOMEM;
        return;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void sb_puts(sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

/* Characters RouterOS leaves unquoted in an export. */
static bool plain_char(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("-_.,:/@!+", c) != NULL;
}

size_t l7_cfg_quote(char *dst, size_t size, const char *value)
{
    const uint8_t *v = (const uint8_t *)value;
    size_t n = strlen(value), o = 0;
    bool bare = n > 0;
    for (size_t i = 0; i < n && bare; i++)
        bare = plain_char(v[i]);
#define PUT(ch)                                                                        \
    do {                                                                               \
        if (o + 1 < size)                                                              \
            dst[o] = (char)(ch);                                                       \
        o++;                                                                           \
    } while (0)
    if (!bare)
        PUT('"');
    for (size_t i = 0; i < n; i++) {
        uint8_t c = v[i];
        const char *named = NULL;
        switch (c) {
        case '"':
            named = "\\\"";
            break;
        case '\\':
            named = "\\\\";
            break;
        case '$':
            named = "\\$";
            break;
        case '?':
            named = "\\?";
            break;
        case '\n':
            named = "\\n";
            break;
        case '\r':
            named = "\\r";
            break;
        case '\t':
            named = "\\t";
            break;
        case '\a':
            named = "\\a";
            break;
        case '\b':
            named = "\\b";
            break;
        case '\f':
            named = "\\f";
            break;
        case '\v':
            named = "\\v";
            break;
        default:
            break;
        }
        if (named) {
            PUT(named[0]);
            PUT(named[1]);
        } else if (c < 0x20 || c >= 0x7f) {
            static const char hex[] = "0123456789ABCDEF";
            PUT('\\');
            PUT(hex[c >> 4]);
            PUT(hex[c & 15]);
        } else {
            PUT(c);
        }
    }
    if (!bare)
        PUT('"');
#undef PUT
    if (size)
        dst[o < size ? o : size - 1] = '\0';
    return o;
}

/* Append `value` as RouterOS writes it: bare when safe, else quoted with
 * `\"`, `\\`, `\$`, `\?`, the named control escapes and `\HH`. */
static void sb_value(sbuf *b, const char *value)
{
    size_t n = l7_cfg_quote(NULL, 0, value);
    if (b->oom || l7_grow(b->a, (void **)&b->p, &b->cap, b->n + n + 1, 1)) {
        b->oom = L7_ENOMEM;
        return;
    }
    l7_cfg_quote(b->p + b->n, n + 1, value);
    b->n += n;
}

typedef struct kv {
    const char *name;
    const char *value;
} kv;

static int cmp_kv(const void *x, const void *y)
{
    return strcmp(((const kv *)x)->name, ((const kv *)y)->name);
}

static void menu_header(exporter *x, const char *path)
{
    if (x->flags & L7_CONFIG_EXPORT_TERSE)
        return;
    if (x->menu && !strcmp(x->menu, path))
        return;
    outs(x, "/");
    outs(x, path);
    outs(x, "\n");
    x->menu = path;
}

/* One command line: `add`/`set` and its properties, sorted, wrapped near
 * column 80. `marks` is a `# libl7 extension: ...` text or "". */
static void emit(exporter *x, const char *path, const char *verb, kv *props, size_t n,
                 const char *marks)
{
    menu_header(x, path);
    if (marks[0] && !(x->flags & L7_CONFIG_EXPORT_NO_MARKS)) {
        outs(x, "# libl7 extension: ");
        outs(x, marks);
        outs(x, "\n");
    }
    qsort(props, n, sizeof(kv), cmp_kv);
    sbuf line = {x->a, NULL, 0, 0, 0};
    if (x->flags & L7_CONFIG_EXPORT_TERSE) {
        sb_puts(&line, "/");
        sb_puts(&line, path);
        sb_puts(&line, " ");
    }
    sb_puts(&line, verb);
    size_t col = line.n;
    for (size_t i = 0; i < n; i++) {
        sbuf arg = {x->a, NULL, 0, 0, 0};
        sb_puts(&arg, props[i].name);
        sb_puts(&arg, "=");
        sb_value(&arg, props[i].value);
        if (arg.oom) {
            line.oom = arg.oom;
        } else if (col + 1 + arg.n > 78 && col > 4) {
            sb_puts(&line, " \\\n    ");
            col = 4;
        } else {
            sb_puts(&line, " ");
            col++;
        }
        if (!arg.oom) {
            sb_put(&line, arg.p, arg.n);
            col += arg.n;
        }
        l7_free(x->a, arg.p);
    }
    sb_puts(&line, "\n");
    if (line.oom && !x->rc)
        x->rc = L7_ENOMEM;
    else
        out(x, line.p, line.n);
    l7_free(x->a, line.p);
}

static void add_mark(char *marks, size_t size, const char *text)
{
    size_t n = strlen(marks);
    snprintf(marks + n, size - n, "%s%s", n ? "; " : "", text);
}

/* How many time ranges a `time=` value holds (a range contains a '-'). */
static int time_ranges(const char *v)
{
    int n = 0;
    for (const char *p = v; *p;) {
        size_t k = strcspn(p, ",");
        if (memchr(p, '-', k))
            n++;
        p += k;
        if (*p)
            p++;
    }
    return n;
}

static void export_protocols(exporter *x, const cfg_menu *m, const l7_config *cfg)
{
    l7_protoset *set = l7_policy_protocols(cfg->policy);
    uint32_t bound = l7_protoset_id_bound(set);
    for (uint32_t id = 0; id < bound && !x->rc; id++) {
        const char *name = l7_protoset_name(set, id);
        if (!name)
            continue;
        kv p[4];
        size_t n = 0;
        char marks[128] = "";
        p[n++] = (kv){"name", name};
        p[n++] = (kv){"regexp", l7_protoset_regexp(set, id, NULL)};
        const char *c = l7_protoset_comment(set, id);
        if (c && *c)
            p[n++] = (kv){"comment", c};
        if (l7_protoset_enabled(set, id) == 0) {
            p[n++] = (kv){"disabled", "yes"};
            add_mark(marks, sizeof(marks), "disabled layer7-protocol (Decision 17)");
        }
        emit(x, m->path, "add", p, n, marks);
    }
}

static bool rule_default(const cfg_menu *m, const char *name, const char *value)
{
    if (!strcmp(value, "no") && (!strcmp(name, "disabled") || !strcmp(name, "log")))
        return true;
    if (!strcmp(name, "log-prefix") && !*value)
        return true;
    return m->table == L7_TABLE_MANGLE && !strcmp(name, "passthrough") &&
           !strcmp(value, "yes");
}

static void export_rules(exporter *x, const cfg_menu *m, const l7_config *cfg)
{
    uint32_t count = l7_policy_rule_count(cfg->policy, m->family, m->table);
    kv *p = NULL;
    size_t cap = 0;
    for (uint32_t pos = 0; pos < count && !x->rc; pos++) {
        size_t n = 0;
        char marks[256] = "";
        const char *name, *value;
        for (uint32_t k = 0; l7_policy_rule_prop(&name, &value, cfg->policy, m->family,
                                                 m->table, pos, k) == 0;
             k++) {
            if (rule_default(m, name, value))
                continue;
            if (l7_grow(x->a, (void **)&p, &cap, n + 1, sizeof(kv))) {
                x->rc = L7_ENOMEM;
                break;
            }
            p[n++] = (kv){name, value};
            bool list = strchr(value, ',') != NULL;
            if (list &&
                (!strcmp(name, "layer7-protocol") || !strcmp(name, "connection-mark") ||
                 !strcmp(name, "packet-mark"))) {
                char t[96];
                snprintf(t, sizeof(t), "a list in %s (Decision 9)", name);
                add_mark(marks, sizeof(marks), t);
            }
            if (!strcmp(name, "time") && time_ranges(value) > 1)
                add_mark(marks, sizeof(marks), "several time ranges (Decision 8)");
            if (m->family == 6 && !strcmp(name, "layer7-protocol"))
                add_mark(marks, sizeof(marks),
                         "layer7-protocol in an /ipv6 rule (Decision 15)");
        }
        if (!x->rc)
            emit(x, m->path, "add", p, n, marks);
    }
    l7_free(x->a, p);
}

static void export_conntrack(exporter *x, const cfg_menu *m, const l7_config *cfg)
{
    l7_policy *dflt;
    if (l7_policy_create(&dflt, cfg->has_hooks ? &cfg->hooks : NULL) < 0) {
        x->rc = L7_ENOMEM;
        return;
    }
    kv p[32];
    size_t n = 0;
    const char *name;
    for (uint32_t i = 0; (name = l7_policy_conntrack_prop(i)) && n < L7_ARRAY_SIZE(p);
         i++) {
        const char *v, *d;
        if (l7_policy_conntrack_get(&v, cfg->policy, name) == 0 &&
            l7_policy_conntrack_get(&d, dflt, name) == 0 && strcmp(v, d))
            p[n++] = (kv){name, v};
    }
    if (n)
        emit(x, m->path, "set", p, n, "");
    l7_policy_destroy(dflt);
}

static void export_store(exporter *x, const cfg_menu *m, const l7_config *cfg)
{
    const cfg_store *s = &cfg->stores[m->store];
    for (uint32_t i = 0; i < s->n && !x->rc; i++) {
        const cfg_item *it = &s->items[i];
        kv p[24];
        size_t n = 0;
        for (uint32_t k = 0; k < it->n && n < L7_ARRAY_SIZE(p) - 1; k++) {
            const cfg_prop *pr = &it->props[k];
            const char *d = NULL;
            for (size_t j = 0; j < m->n_props; j++)
                if (!strcmp(m->props[j].name, pr->name))
                    d = m->props[j].dflt;
            if (d && !strcmp(d, pr->value))
                continue;
            p[n++] = (kv){pr->name, pr->value};
        }
        if (it->disabled)
            p[n++] = (kv){"disabled", "yes"};
        emit(x, m->path, "add", p, n, "");
    }
}

int l7_config_export(const l7_config *cfg, uint32_t flags, l7_config_write_fn fn,
                     void *user)
{
    if (!cfg || !fn)
        return L7_EINVAL;
    exporter x = {&cfg->alloc, fn, user, flags, 0, NULL};
    outs(&x, "# libl7 ");
    outs(&x, l7_version_string());
    outs(&x, " export (RouterOS script, compact form)\n");
    for (size_t i = 0; i < l7_cfg_menu_count && !x.rc; i++) {
        const cfg_menu *m = &l7_cfg_menus[i];
        switch (m->kind) {
        case CK_PROTOCOLS:
            export_protocols(&x, m, cfg);
            break;
        case CK_RULES:
            export_rules(&x, m, cfg);
            break;
        case CK_STORE:
            export_store(&x, m, cfg);
            break;
        case CK_CONNTRACK:
            export_conntrack(&x, m, cfg);
            break;
        case CK_CONNECTIONS:
            break;
        }
    }
    return x.rc;
}
