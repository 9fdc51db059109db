#define _POSIX_C_SOURCE 200809L
/* The script loader (semantic layer): the seed page's blocks, the error
 * table, strict and lenient modes, all-or-nothing loading, item
 * addressing, export round trips and the golden export of the office
 * setup, address lists into a shared object. */
#include "testutil.h"

#include "common_internal.h"
#include "policy_internal.h"
#include "l7/l7.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers --------------------------------------------------------------------- */

typedef struct text {
    char *p;
    size_t n, cap;
} text;

static void text_add(text *t, const char *s, size_t n)
{
    if (t->n + n + 1 > t->cap) {
        t->cap = (t->n + n + 1) * 2;
        t->p = realloc(t->p, t->cap);
        ck_assert_ptr_nonnull(t->p);
    }
    memcpy(t->p + t->n, s, n);
    t->n += n;
    t->p[t->n] = '\0';
}

static int text_sink(const char *s, size_t n, void *user)
{
    text_add(user, s, n);
    return 0;
}

static char *export_text(const l7_config *cfg, uint32_t flags)
{
    text t = {NULL, 0, 0};
    text_add(&t, "", 0);
    ck_assert_int_eq(l7_config_export(cfg, flags, text_sink, &t), L7_OK);
    return t.p;
}

static int load(l7_config *cfg, const char *script, uint32_t flags, l7_diag_list *d)
{
    l7_config_load_options o;
    l7_config_load_options_init(&o);
    o.flags = flags;
    return l7_config_load(cfg, "t.rsc", (const uint8_t *)script, strlen(script), &o, d);
}

static void dump(const l7_diag_list *d)
{
    for (size_t i = 0; i < l7_diag_list_count(d); i++) {
        char buf[512];
        l7_diag_format(d, i, buf, sizeof(buf));
        fprintf(stderr, "  %s\n", buf);
    }
}

static size_t errors(const l7_diag_list *d)
{
    return l7_diag_list_count_severity(d, L7_SEV_ERROR);
}

/* ---- the seed page's code blocks ---------------------------------------------- */

/* The fenced blocks of the seed page, keyed by the heading above them (the
 * complete setup is keyed "complete"). */
typedef struct seed_block {
    char heading[96];
    char *body;
} seed_block;

static seed_block seed[64];
static size_t n_seed;
static unsigned char *seed_page;

static void seed_load(void)
{
    if (seed_page || !l7t_shared_dir())
        return;
    char path[1024];
    snprintf(path, sizeof(path), "%s/seed/000_7b45c62aedba12da.txt", l7t_shared_dir());
    size_t len;
    seed_page = l7t_read_file(path, &len);
    if (!seed_page)
        return;
    char heading[96] = "";
    char *save = NULL;
    char *copy = strdup((char *)seed_page);
    text body = {NULL, 0, 0};
    bool in = false;
    for (char *ln = strtok_r(copy, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
        if (!in && !strncmp(ln, "### ", 4))
            snprintf(heading, sizeof(heading), "%s", ln + 4);
        else if (!in && strstr(ln, "<summary>Show complete"))
            snprintf(heading, sizeof(heading), "complete");
        else if (!in && !strncmp(ln, "```bash", 7)) {
            in = true;
            body.n = 0;
            text_add(&body, "", 0);
        } else if (in && !strncmp(ln, "```", 3)) {
            in = false;
            if (n_seed < L7_ARRAY_SIZE(seed)) {
                snprintf(seed[n_seed].heading, sizeof(seed[0].heading), "%s", heading);
                seed[n_seed++].body = strdup(body.p);
            }
        } else if (in) {
            text_add(&body, ln, strlen(ln));
            text_add(&body, "\n", 1);
        }
    }
    free(body.p);
    free(copy);
}

static int seed_index(const char *heading)
{
    for (size_t i = 0; i < n_seed; i++)
        if (!strcmp(seed[i].heading, heading))
            return (int)i;
    return -1;
}

/* Blocks [from, to] (by heading) joined in page order. */
static char *seed_range(const char *from, const char *to)
{
    int a = seed_index(from), b = seed_index(to);
    ck_assert_int_ge(a, 0);
    ck_assert_int_ge(b, a);
    text t = {NULL, 0, 0};
    for (int i = a; i <= b; i++)
        text_add(&t, seed[i].body, strlen(seed[i].body));
    return t.p;
}

#define NEED_SEED()                                                                    \
    do {                                                                               \
        seed_load();                                                                   \
        if (!n_seed) {                                                                 \
            fprintf(stderr, "%s: no ../shared seed page, skipped\n", __func__);        \
            return;                                                                    \
        }                                                                              \
    } while (0)

static l7_config *seed_config(l7_diag_list *d)
{
    l7_config *cfg;
    ck_assert_int_eq(l7_config_create(&cfg, NULL), L7_OK);
    char *s = seed_range("Basic protocol definitions", "Optimize layer-7 processing");
    int rc = load(cfg, s, 0, d);
    if (rc)
        dump(d);
    ck_assert_int_eq(rc, L7_OK);
    free(s);
    return cfg;
}

START_TEST(test_seed_blocks_load_as_one_script)
{
    NEED_SEED();
    l7_diag_list *d;
    l7_diag_list_create(&d, NULL);
    l7_config *cfg = seed_config(d);
    ck_assert_uint_eq(errors(d), 0);
    /* Warnings are the seed's list extensions and Decision 18 hints. */
    ck_assert_uint_gt(l7_diag_list_count_severity(d, L7_SEV_WARNING), 0);
    l7_policy *p = l7_config_policy(cfg);
    /* 10 + 8 + 7 + 3 + 4 + 1 protocols */
    ck_assert_uint_eq(l7_protoset_count(l7_policy_protocols(p)), 33);
    ck_assert_uint_eq(l7_policy_rule_count(p, 4, L7_TABLE_FILTER), 21);
    ck_assert_uint_eq(l7_policy_rule_count(p, 4, L7_TABLE_MANGLE), 7);
    ck_assert_uint_eq(l7_config_item_count(cfg, L7_CONFIG_MENU_ADDRESS_LIST), 3);
    ck_assert_uint_eq(l7_config_item_count(cfg, L7_CONFIG_MENU_QUEUE_TREE), 4);
    const char *v;
    ck_assert_int_eq(l7_config_item_get(&v, cfg, L7_CONFIG_MENU_QUEUE_TREE, 0, "name"),
                     0);
    ck_assert_str_eq(v, "voip-queue");
    ck_assert_ptr_nonnull(l7_config_ruleset(cfg));
    l7_config_destroy(cfg);
    l7_diag_list_destroy(d);
}
END_TEST

START_TEST(test_seed_office_alone_and_after)
{
    NEED_SEED();
    l7_diag_list *d;
    l7_diag_list_create(&d, NULL);
    l7_config *office;
    ck_assert_int_eq(l7_config_create(&office, NULL), L7_OK);
    int i = seed_index("complete");
    ck_assert_int_ge(i, 0);
    ck_assert_int_eq(load(office, seed[i].body, 0, d), L7_OK);
    ck_assert_uint_eq(l7_config_item_count(office, L7_CONFIG_MENU_LOGGING), 1);
    const char *v;
    l7_config_item_get(&v, office, L7_CONFIG_MENU_LOGGING, 0, "topics");
    ck_assert_str_eq(v, "firewall,info");
    l7_config_destroy(office);

    /* Pasted after the other blocks: the names it redefines are duplicates. */
    l7_diag_list_clear(d);
    l7_config *cfg = seed_config(d);
    char *before = export_text(cfg, 0);
    l7_diag_list_clear(d);
    ck_assert_int_eq(load(cfg, seed[i].body, 0, d), L7_ESYNTAX);
    size_t dups = 0, entries = 0;
    for (size_t k = 0; k < l7_diag_list_count(d); k++) {
        if (l7_diag_severity(d, k) != L7_SEV_ERROR)
            continue;
        ck_assert_int_eq(l7_diag_code(d, k), L7_EEXIST);
        if (strstr(l7_diag_message(d, k), "already exists")) {
            dups++; /* the six protocols */
            ck_assert_uint_ge(l7_diag_line(d, k), 3);
            ck_assert_uint_le(l7_diag_line(d, k), 8);
            ck_assert_uint_eq(l7_diag_column(d, k), 39);
        } else {
            /* EMPLOYEES 192.168.1.100-192.168.1.200 again */
            ck_assert_ptr_nonnull(
                strstr(l7_diag_message(d, k), "already have such entry"));
            ck_assert_uint_eq(l7_diag_line(d, k), 11);
            entries++;
        }
    }
    ck_assert_uint_eq(dups, 6);
    ck_assert_uint_eq(entries, 1);
    char *after = export_text(cfg, 0);
    ck_assert_str_eq(before, after); /* all or nothing */
    free(before);
    free(after);
    l7_config_destroy(cfg);
    l7_diag_list_destroy(d);
}
END_TEST

START_TEST(test_seed_console_blocks)
{
    NEED_SEED();
    l7_diag_list *d;
    l7_diag_list_create(&d, NULL);
    l7_config *cfg = seed_config(d);
    char *s = seed_range("Connection state management", "Performance troubleshooting");
    l7_diag_list_clear(d);
    ck_assert_int_eq(load(cfg, s, 0, d), L7_ESYNTAX);
    /* Every error is a console-only command, named with its line. */
    size_t n = 0;
    for (size_t k = 0; k < l7_diag_list_count(d); k++) {
        if (l7_diag_severity(d, k) != L7_SEV_ERROR)
            continue;
        n++;
        ck_assert_msg(strstr(l7_diag_message(d, k), "not a configuration command"),
                      "%s", l7_diag_message(d, k));
        ck_assert_uint_gt(l7_diag_line(d, k), 0);
        ck_assert_uint_eq(l7_diag_column(d, k), 1);
    }
    /* /ip settings, print stats, connection print, /log print, /tool torch,
     * /tool fetch, connection print detail, /system resource print,
     * layer7-protocol print, /tool sniffer, connection print,
     * /system resource monitor, connection tracking print, /system resource
     * print */
    ck_assert_uint_eq(n, 14);
    uint32_t rules = l7_policy_rule_count(l7_config_policy(cfg), 4, L7_TABLE_FILTER);
    l7_diag_list_clear(d);
    ck_assert_int_eq(load(cfg, s, L7_CONFIG_LENIENT, d), L7_OK);
    ck_assert_uint_eq(errors(d), 0);
    ck_assert_uint_ge(l7_diag_list_count_severity(d, L7_SEV_WARNING), 14);
    ck_assert_uint_eq(l7_policy_rule_count(l7_config_policy(cfg), 4, L7_TABLE_FILTER),
                      rules + 4);
    /* `place-before=0` put the log rule first; `disable [find]` disabled
     * every protocol, which makes the rules that use them invalid. */
    const char *v;
    ck_assert_int_eq(
        l7_policy_rule_get(&v, l7_config_policy(cfg), 4, L7_TABLE_FILTER, 0, "action"),
        0);
    ck_assert_str_eq(v, "log");
    ck_assert_int_eq(l7_protoset_enabled(l7_policy_protocols(l7_config_policy(cfg)), 0),
                     0);
    ck_assert_int_eq(
        l7_ruleset_rule_invalid(l7_config_ruleset(cfg), 4, L7_TABLE_FILTER, 0), 1);
    free(s);
    l7_config_destroy(cfg);
    l7_diag_list_destroy(d);
}
END_TEST

/* ---- the error table ------------------------------------------------------------- */

static const struct err_case {
    const char *kind;
    const char *script;
    uint32_t flags;
    int code;
    uint32_t line, column;
    const char *message;
} err_cases[] = {
    {"unknown menu", "/ip firewall frob add x=y\n", 0, L7_ENOTFOUND, 1, 1,
     "unknown menu '/ip firewall frob'"},
    {"command outside a menu", "# x\n  add chain=forward\n", 0, L7_ENOTFOUND, 2, 3,
     "'add' outside a menu"},
    {"unknown command", "\n/ip firewall filter frob\n", 0, L7_ENOTFOUND, 2, 1,
     "unknown command 'frob' in /ip firewall filter"},
    {"unknown property", "/ip firewall filter add chain=forward foo=bar\n", 0,
     L7_ENOTFOUND, 1, 39, "unknown property 'foo'"},
    {"unknown store property", "/queue tree add name=q parent=global color=red\n", 0,
     L7_ENOTFOUND, 1, 38, "unknown property 'color' in /queue tree"},
    {"layer7 on a queue", "/queue tree add name=q parent=global layer7-protocol=x\n", 0,
     L7_ENOTFOUND, 1, 38, "queues have no layer7-protocol matcher"},
    {"bad action", "/ip firewall filter add chain=forward action=frobnicate\n", 0,
     L7_EUNSUPPORTED, 1, 46, "action"},
    {"mark in filter",
     "/ip firewall filter add chain=forward action=mark-packet new-packet-mark=x\n", 0,
     L7_EUNSUPPORTED, 1, 46, "not allowed in the filter table"},
    {"bad value", "/queue tree add name=q parent=global priority=9\n", 0, L7_ESYNTAX, 1,
     47, "bad priority '9'"},
    {"bad address", "/ip firewall address-list add list=A address=1.2.3.999\n", 0,
     L7_ESYNTAX, 1, 46, "bad address"},
    {"ipv6 range", "/ipv6 firewall address-list add list=A address=::1-::2\n", 0,
     L7_ESYNTAX, 1, 48, "IPv6"},
    {"bad tracking value", "/ip firewall connection tracking set udp-timeout=forever\n",
     0, L7_ESYNTAX, 1, 50, "udp-timeout"},
    {"undefined protocol",
     "/ip firewall layer7-protocol add name=web regexp=GET\n"
     "/ip firewall filter add chain=forward action=drop layer7-protocol=web,nosuch\n",
     0, L7_ENOTFOUND, 2, 71, "no such layer7-protocol: nosuch"},
    {"undefined jump target",
     "/ip firewall filter add chain=forward action=jump jump-target=nowhere\n", 0,
     L7_ENOTFOUND, 1, 63, "jump target is not defined: nowhere"},
    {"jump loop",
     "/ip firewall filter\nadd chain=forward action=jump jump-target=a\n"
     "add chain=a action=jump jump-target=b\nadd chain=b action=jump jump-target=a\n",
     0, L7_EINVAL, 4, 37, "jump loop"},
    {"undefined protocol set later",
     "/ip firewall filter add chain=forward\n"
     "/ip firewall filter set 0 layer7-protocol=nosuch\n"
     "/ip firewall filter set 0 comment=later\n",
     0, L7_ENOTFOUND, 2, 43, "no such layer7-protocol: nosuch"},
    {"ports without protocol", "/ip firewall filter add chain=forward dst-port=80\n", 0,
     L7_ESYNTAX, 1, 48, "dst-port needs protocol"},
    {"missing chain", "/ip firewall filter add action=drop\n", 0, L7_ESYNTAX, 1, 1,
     "missing chain"},
    {"duplicate protocol",
     "/ip firewall layer7-protocol add name=web regexp=GET\n"
     "/ip firewall layer7-protocol add name=web regexp=POST\n",
     0, L7_EEXIST, 2, 39, "a layer7-protocol named 'web' already exists"},
    {"duplicate queue",
     "/queue tree add name=q parent=global\n/queue tree add name=q parent=global\n", 0,
     L7_EEXIST, 2, 22, "a queue named 'q' already exists"},
    {"duplicate entry",
     "/ip firewall address-list add list=A address=10.0.0.1\n"
     "/ip firewall address-list add list=A address=10.0.0.1/32\n",
     0, L7_EEXIST, 2, 1, "already have such entry"},
    {"reserved protocol name",
     "/ip firewall layer7-protocol add name=unknown regexp=x\n", 0, L7_EINVAL, 1, 39,
     "reserved"},
    {"regexp error column",
     "/ip firewall layer7-protocol add name=bt regexp=\"^\\\\x13(GET\"\n", 0,
     L7_ESYNTAX, 1, 56, "unbalanced"},
    {"NUL in regexp", "/ip firewall layer7-protocol add name=z regexp=\"a\\\\x00b\"\n",
     0, L7_ESYNTAX, 1, 50, "NUL"},
    {"no such item number", "/ip firewall filter set 3 comment=x\n", 0, L7_ENOTFOUND, 1,
     25, "no such item 3"},
    {"no such item name", "/ip firewall layer7-protocol set youtube regexp=x\n", 0,
     L7_ENOTFOUND, 1, 34, "no such item 'youtube'"},
    {"name on an unnamed menu", "/ip firewall filter set web comment=x\n", 0,
     L7_ENOTFOUND, 1, 25, "have no names"},
    {"place-before beyond the end",
     "/ip firewall filter add chain=forward place-before=2\n", 0, L7_ENOTFOUND, 1, 52,
     "place-before: no such item 2"},
    {"console-only command", "/tool torch interface=bridge duration=30\n", 0,
     L7_EUNSUPPORTED, 1, 1, "'/tool torch' is not a configuration command"},
    {"print in a script", "/ip firewall filter print stats\n", 0, L7_EUNSUPPORTED, 1, 1,
     "'/ip firewall filter print' is not a configuration command"},
    {"strict: protocol list",
     "/ip firewall layer7-protocol add name=a regexp=a\n"
     "/ip firewall layer7-protocol add name=b regexp=b\n"
     "/ip firewall filter add chain=forward layer7-protocol=a,b\n",
     L7_CONFIG_STRICT, L7_EUNSUPPORTED, 3, 55, "strict"},
    {"strict: time ranges",
     "/ip firewall filter add chain=forward time=9h-12h,14h-17h,mon\n",
     L7_CONFIG_STRICT, L7_EUNSUPPORTED, 1, 44, "strict"},
    {"strict: ipv6 layer7",
     "/ip firewall layer7-protocol add name=a regexp=a\n"
     "/ipv6 firewall filter add chain=forward layer7-protocol=a\n",
     L7_CONFIG_STRICT, L7_EUNSUPPORTED, 2, 41, "Decision 15"},
    {"strict: disabled protocol",
     "/ip firewall layer7-protocol add name=a regexp=a\n"
     "/ip firewall layer7-protocol disable a\n",
     L7_CONFIG_STRICT, L7_EUNSUPPORTED, 2, 30, "Decision 17"},
    {"variable", "/ip firewall filter add chain=forward comment=$x\n", 0,
     L7_EUNSUPPORTED, 1, 47, "variable"},
    {"missing required", "/ip firewall address-list add list=A\n", 0, L7_EINVAL, 1, 27,
     "missing required property address"},
    {"queue is its own parent",
     "/queue tree add name=a parent=b\n/queue tree add name=b parent=a\n", 0, L7_EINVAL,
     1, 31, "queue a: parent chain is a cycle"},
    {"unsupported queue type",
     "/queue tree add name=c parent=global queue=pcq-upload-default packet-mark=x\n", 0,
     L7_EUNSUPPORTED, 1, 44, "queue type pcq-upload-default is not supported"},
};

START_TEST(test_error_table)
{
    const struct err_case *c = &err_cases[_i];
    l7_config *cfg;
    l7_diag_list *d;
    ck_assert_int_eq(l7_config_create(&cfg, NULL), L7_OK);
    l7_diag_list_create(&d, NULL);
    int rc = load(cfg, c->script, c->flags, d);
    ck_assert_msg(rc == L7_ESYNTAX, "%s: load gave %d", c->kind, rc);
    bool found = false;
    for (size_t k = 0; k < l7_diag_list_count(d) && !found; k++) {
        if (l7_diag_severity(d, k) != L7_SEV_ERROR)
            continue;
        found = strstr(l7_diag_message(d, k), c->message) != NULL;
        if (!found)
            continue;
        ck_assert_msg(l7_diag_code(d, k) == c->code, "%s: code %d, want %d", c->kind,
                      l7_diag_code(d, k), c->code);
        ck_assert_msg(l7_diag_line(d, k) == c->line &&
                          l7_diag_column(d, k) == c->column,
                      "%s: at %u:%u, want %u:%u", c->kind, l7_diag_line(d, k),
                      l7_diag_column(d, k), c->line, c->column);
        ck_assert_str_eq(l7_diag_item(d, k), "t.rsc");
    }
    if (!found)
        dump(d);
    ck_assert_msg(found, "%s: no error '%s'", c->kind, c->message);
    /* Nothing was applied. */
    ck_assert_uint_eq(l7_policy_rule_count(l7_config_policy(cfg), 4, L7_TABLE_FILTER),
                      0);
    ck_assert_uint_eq(l7_protoset_count(l7_policy_protocols(l7_config_policy(cfg))), 0);
    l7_diag_list_destroy(d);
    l7_config_destroy(cfg);
}
END_TEST

START_TEST(test_every_error_reported)
{
    static const char script[] = "/ip firewall filter add chain=forward foo=1\n"
                                 "/ip firewall filter add chain=forward action=frob\n"
                                 "/queue tree add name=q parent=global priority=0\n"
                                 "/tool torch\n"
                                 "/ip firewall filter add chain=forward jump-target=x "
                                 "action=jump\n";
    l7_config *cfg;
    l7_diag_list *d;
    l7_config_create(&cfg, NULL);
    l7_diag_list_create(&d, NULL);
    ck_assert_int_eq(load(cfg, script, 0, d), L7_ESYNTAX);
    bool line_seen[6] = {false};
    for (size_t k = 0; k < l7_diag_list_count(d); k++)
        if (l7_diag_severity(d, k) == L7_SEV_ERROR && l7_diag_line(d, k) < 6)
            line_seen[l7_diag_line(d, k)] = true;
    for (int ln = 1; ln <= 5; ln++)
        ck_assert_msg(line_seen[ln], "no error on line %d", ln);
    /* The nft-style rendering underlines the offending text. */
    char buf[512];
    int n = l7_config_render_diag(buf, sizeof(buf), d, 0, (const uint8_t *)script,
                                  strlen(script));
    ck_assert_int_gt(n, 0);
    ck_assert_ptr_nonnull(strstr(buf, "t.rsc:1:39: error: unknown property 'foo'"));
    ck_assert_ptr_nonnull(
        strstr(buf, "\n/ip firewall filter add chain=forward foo=1\n"));
    ck_assert_ptr_nonnull(strstr(buf, "\n                                      ^~~"));
    l7_diag_list_destroy(d);
    l7_config_destroy(cfg);
}
END_TEST

START_TEST(test_warnings_have_positions)
{
    static const char script[] =
        "/ip firewall layer7-protocol add name=bt regexp=\"^\\\\x13bit\"\n"
        "/ip firewall filter add chain=forward action=accept "
        "connection-state=established,related\n"
        "/ip firewall filter add chain=forward action=drop layer7-protocol=bt\n"
        "/queue tree add name=a parent=global packet-mark=m priority=1\n";
    l7_config *cfg;
    l7_diag_list *d;
    l7_config_create(&cfg, NULL);
    l7_diag_list_create(&d, NULL);
    ck_assert_int_eq(load(cfg, script, 0, d), L7_OK);
    size_t w = 0;
    for (size_t k = 0; k < l7_diag_list_count(d); k++) {
        ck_assert_int_eq(l7_diag_severity(d, k), L7_SEV_WARNING);
        ck_assert_uint_gt(l7_diag_line(d, k), 0);
        ck_assert_uint_gt(l7_diag_column(d, k), 0);
        if (l7_diag_line(d, k) == 3)
            ck_assert_ptr_nonnull(strstr(l7_diag_message(d, k), "never matches"));
        if (l7_diag_line(d, k) == 4) { /* at the value the warning is about */
            ck_assert_ptr_nonnull(
                strstr(l7_diag_message(d, k), "priority has no effect"));
            ck_assert_uint_eq(l7_diag_column(d, k), 61);
        }
        w++;
    }
    ck_assert_uint_ge(w, 2); /* the L7 rule behind accept-established, the queue */
    l7_diag_list_destroy(d);
    l7_config_destroy(cfg);
}
END_TEST

/* ---- addressing, all or nothing ---------------------------------------------------
 */

static const char base_script[] =
    "/ip firewall layer7-protocol\n"
    "add name=web regexp=\"^GET\"\n"
    "add name=video regexp=\"youtube\" comment=\"video sites\"\n"
    "/ip firewall filter\n"
    "add chain=forward action=drop layer7-protocol=video comment=\"no video\"\n"
    "add chain=forward action=accept layer7-protocol=web\n"
    "add chain=forward action=drop protocol=udp dst-port=53 comment=dns\n";

static const struct addr_case {
    const char *script;
    uint32_t table;
    const char *expect; /* comment (or "-" for none) of each rule, comma-separated */
} addr_cases[] = {
    {"/ip firewall filter remove 1\n", L7_TABLE_FILTER, "no video,dns"},
    {"/ip firewall filter remove 0,2\n", L7_TABLE_FILTER, "-"},
    {"/ip firewall filter remove [find]\n", L7_TABLE_FILTER, ""},
    {"/ip firewall filter remove [find where comment~\"^no\"]\n", L7_TABLE_FILTER,
     "-,dns"},
    {"/ip firewall filter remove [find where action=drop and comment!=\"no video\"]\n",
     L7_TABLE_FILTER, "no video,-"},
    {"/ip firewall filter remove [find where not (action=drop)]\n", L7_TABLE_FILTER,
     "no video,dns"},
    {"/ip firewall filter remove [find where layer7-protocol=web or comment=dns]\n",
     L7_TABLE_FILTER, "no video"},
    {"/ip firewall filter set [find action!=accept] comment=x\n", L7_TABLE_FILTER,
     "x,-,x"},
    {"/ip firewall filter add chain=forward comment=first place-before=0\n",
     L7_TABLE_FILTER, "first,no video,-,dns"},
    {"/ip firewall filter add chain=forward comment=mid place-before=2\n",
     L7_TABLE_FILTER, "no video,-,mid,dns"},
    {"/ip firewall filter set 2 !comment\n", L7_TABLE_FILTER, "no video,-,-"},
    {"/ip firewall filter move 2 0\n", L7_TABLE_FILTER, "dns,no video,-"},
    {"/ip firewall filter move 0 destination=3\n", L7_TABLE_FILTER, "-,dns,no video"},
    {"/ip firewall filter move 0,1 3\n", L7_TABLE_FILTER, "dns,no video,-"},
    {"/ip firewall filter move [find comment=dns] 1\n", L7_TABLE_FILTER,
     "no video,dns,-"},
    {"/ip firewall filter\nset 0 comment=a; set 1 comment=b\n", L7_TABLE_FILTER,
     "a,b,dns"},
};

static void comments_of(char *buf, size_t size, const l7_config *cfg, uint32_t table)
{
    buf[0] = '\0';
    l7_policy *p = l7_config_policy(cfg);
    for (uint32_t i = 0; i < l7_policy_rule_count(p, 4, table); i++) {
        const char *v;
        if (l7_policy_rule_get(&v, p, 4, table, i, "comment") < 0)
            v = "-";
        size_t n = strlen(buf);
        snprintf(buf + n, size - n, "%s%s", i ? "," : "", v);
    }
}

START_TEST(test_addressing)
{
    const struct addr_case *c = &addr_cases[_i];
    l7_config *cfg;
    l7_diag_list *d;
    l7_config_create(&cfg, NULL);
    l7_diag_list_create(&d, NULL);
    ck_assert_int_eq(load(cfg, base_script, 0, d), L7_OK);
    int rc = load(cfg, c->script, 0, d);
    if (rc)
        dump(d);
    ck_assert_int_eq(rc, L7_OK);
    char buf[256];
    comments_of(buf, sizeof(buf), cfg, c->table);
    ck_assert_str_eq(buf, c->expect);
    l7_diag_list_destroy(d);
    l7_config_destroy(cfg);
}
END_TEST

START_TEST(test_protocol_commands)
{
    l7_config *cfg;
    l7_diag_list *d;
    l7_config_create(&cfg, NULL);
    l7_diag_list_create(&d, NULL);
    ck_assert_int_eq(load(cfg, base_script, 0, d), L7_OK);
    l7_protoset *ps = l7_policy_protocols(l7_config_policy(cfg));
    ck_assert_int_eq(
        load(cfg, "/ip firewall layer7-protocol set video regexp=\"vimeo\"\n", 0, d),
        L7_OK);
    uint32_t id;
    ps = l7_policy_protocols(l7_config_policy(cfg));
    ck_assert_int_eq(l7_protoset_lookup(&id, ps, "video"), 0);
    ck_assert_str_eq(l7_protoset_regexp(ps, id, NULL), "vimeo");
    ck_assert_str_eq(l7_protoset_comment(ps, id), "video sites");
    ck_assert_int_eq(
        load(cfg, "/ip firewall layer7-protocol disable [find name=video]\n", 0, d),
        L7_OK);
    ps = l7_policy_protocols(l7_config_policy(cfg));
    l7_protoset_lookup(&id, ps, "video");
    ck_assert_int_eq(l7_protoset_enabled(ps, id), 0);
    /* Decision 17: the rule using it is invalid. */
    ck_assert_int_eq(
        l7_ruleset_rule_invalid(l7_config_ruleset(cfg), 4, L7_TABLE_FILTER, 0), 1);
    ck_assert_int_eq(load(cfg, "/ip firewall layer7-protocol enable 1\n", 0, d), L7_OK);
    ck_assert_int_eq(
        l7_ruleset_rule_invalid(l7_config_ruleset(cfg), 4, L7_TABLE_FILTER, 0), 0);
    /* Removing a protocol that a rule uses fails at compile: nothing changes. */
    ck_assert_int_eq(load(cfg, "/ip firewall layer7-protocol remove web\n", 0, d),
                     L7_ESYNTAX);
    ck_assert_uint_eq(l7_protoset_count(l7_policy_protocols(l7_config_policy(cfg))), 2);
    ck_assert_int_eq(load(cfg,
                          "/ip firewall filter remove [find layer7-protocol=web]\n"
                          "/ip firewall layer7-protocol remove web\n",
                          0, d),
                     L7_OK);
    ck_assert_uint_eq(l7_protoset_count(l7_policy_protocols(l7_config_policy(cfg))), 1);
    l7_diag_list_destroy(d);
    l7_config_destroy(cfg);
}
END_TEST

START_TEST(test_all_or_nothing)
{
    l7_config *cfg;
    l7_diag_list *d;
    l7_config_create(&cfg, NULL);
    l7_diag_list_create(&d, NULL);
    ck_assert_int_eq(load(cfg, base_script, 0, d), L7_OK);
    l7_ruleset *rs = l7_config_ruleset(cfg);
    char *before = export_text(cfg, 0);
    static const char bad[] = "/ip firewall layer7-protocol add name=new regexp=new\n"
                              "/ip firewall filter remove [find]\n"
                              "/ip firewall address-list add list=L address=10.0.0.1\n"
                              "/queue tree add name=q parent=global max-limit=10M\n"
                              "/system logging add topics=firewall action=memory\n"
                              "/ip firewall connection tracking set udp-timeout=1m\n"
                              "/ip firewall filter add chain=forward action=bogus\n";
    ck_assert_int_eq(load(cfg, bad, 0, d), L7_ESYNTAX);
    char *after = export_text(cfg, 0);
    ck_assert_str_eq(before, after);
    ck_assert_ptr_eq(l7_config_ruleset(cfg), rs);
    free(before);
    free(after);
    l7_diag_list_destroy(d);
    l7_config_destroy(cfg);
}
END_TEST

/* ---- export -----------------------------------------------------------------------
 */

static void round_trip(const char *script, uint32_t flags)
{
    l7_config *a, *b;
    l7_diag_list *d;
    l7_config_create(&a, NULL);
    l7_config_create(&b, NULL);
    l7_diag_list_create(&d, NULL);
    int rc = load(a, script, flags, d);
    if (rc)
        dump(d);
    ck_assert_int_eq(rc, L7_OK);
    char *ea = export_text(a, 0);
    rc = load(b, ea, flags, d);
    if (rc) {
        dump(d);
        fprintf(stderr, "%s", ea);
    }
    ck_assert_int_eq(rc, L7_OK);
    char *eb = export_text(b, 0);
    ck_assert_str_eq(ea, eb);
    /* terse form loads to the same configuration too */
    char *ta = export_text(a, L7_CONFIG_EXPORT_TERSE);
    l7_config *c;
    l7_config_create(&c, NULL);
    ck_assert_int_eq(load(c, ta, flags, d), L7_OK);
    char *ec = export_text(c, 0);
    ck_assert_str_eq(ea, ec);
    free(ea);
    free(eb);
    free(ta);
    free(ec);
    l7_config_destroy(a);
    l7_config_destroy(b);
    l7_config_destroy(c);
    l7_diag_list_destroy(d);
}

START_TEST(test_round_trip_escapes)
{
    round_trip(
        "/ip firewall layer7-protocol add name=x "
        "regexp=\"^a\\\\x13q\\?\\\\\\$\\\"x\\\\\\\\ b\" comment=\"tab\\there "
        "\\C3\\A9\"\n"
        "/ip firewall layer7-protocol add name=off regexp=\".*\" disabled=yes\n"
        "/ip firewall filter add chain=forward action=drop log=yes "
        "log-prefix=\"L7: \" src-address-list=!A time=9h-12h,14h-17h,mon\n"
        "/ip firewall mangle add chain=prerouting action=mark-connection "
        "new-connection-mark=c passthrough=no layer7-protocol=x\n"
        "/ipv6 firewall filter add chain=forward layer7-protocol=x disabled=yes\n"
        "/ipv6 firewall address-list add list=V6 address=2001:db8::/32\n"
        "/ip firewall address-list add list=T address=10.1.0.0/16 timeout=1h "
        "comment=\"temp\"\n"
        "/ip firewall connection tracking set udp-timeout=10s enabled=yes\n"
        "/queue tree add name=up parent=ether1 max-limit=10M\n"
        "/queue tree add name=voip parent=up packet-mark=v limit-at=1M priority=1 "
        "queue=default bucket-size=0.2 disabled=yes\n"
        "/system logging add topics=firewall,!debug action=memory prefix=\"fw \"\n",
        0);
}
END_TEST

START_TEST(test_round_trip_seed)
{
    NEED_SEED();
    char *s = seed_range("Basic protocol definitions", "Optimize layer-7 processing");
    round_trip(s, 0);
    free(s);
    round_trip(seed[seed_index("complete")].body, 0);
}
END_TEST

START_TEST(test_export_marks_and_strict)
{
    static const char script[] =
        "/ip firewall layer7-protocol add name=a regexp=a\n"
        "/ip firewall layer7-protocol add name=b regexp=b\n"
        "/ip firewall filter add chain=forward layer7-protocol=a,b\n"
        "/ip firewall filter add chain=forward layer7-protocol=a\n";
    l7_config *cfg;
    l7_config_create(&cfg, NULL);
    ck_assert_int_eq(load(cfg, script, 0, NULL), L7_OK);
    char *e = export_text(cfg, 0);
    ck_assert_ptr_nonnull(
        strstr(e, "# libl7 extension: a list in layer7-protocol (Decision 9)\n"
                  "add chain=forward layer7-protocol=a,b\n"
                  "add chain=forward layer7-protocol=a\n"));
    free(e);
    e = export_text(cfg, L7_CONFIG_EXPORT_NO_MARKS);
    ck_assert_ptr_null(strstr(e, "libl7 extension"));
    free(e);
    l7_config_destroy(cfg);
}
END_TEST

START_TEST(test_golden_office_export)
{
    const char *src = getenv("L7_SOURCE_DIR");
    if (!src) {
        fprintf(stderr, "no L7_SOURCE_DIR, skipped\n");
        return;
    }
    char path[1024];
    snprintf(path, sizeof(path), "%s/examples/office.rsc", src);
    size_t len;
    unsigned char *office = l7t_read_file(path, &len);
    ck_assert_ptr_nonnull(office);
    l7_config *cfg;
    l7_config_create(&cfg, NULL);
    ck_assert_int_eq(load(cfg, (const char *)office, 0, NULL), L7_OK);
    char *e = export_text(cfg, 0);
    snprintf(path, sizeof(path), "%s/tests/golden/office.export.rsc", src);
    if (getenv("L7_UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "wb");
        ck_assert_ptr_nonnull(f);
        fputs(e, f);
        fclose(f);
    }
    unsigned char *golden = l7t_read_file(path, &len);
    ck_assert_ptr_nonnull(golden);
    ck_assert_str_eq(e, (const char *)golden);
    snprintf(path, sizeof(path), "%s/tests/golden/office.export-terse.rsc", src);
    char *t = export_text(cfg, L7_CONFIG_EXPORT_TERSE);
    if (getenv("L7_UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "wb");
        ck_assert_ptr_nonnull(f);
        fputs(t, f);
        fclose(f);
    }
    unsigned char *golden_t = l7t_read_file(path, &len);
    ck_assert_ptr_nonnull(golden_t);
    ck_assert_str_eq(t, (const char *)golden_t);
    free(golden);
    free(golden_t);
    free(office);
    free(e);
    free(t);
    l7_config_destroy(cfg);
}
END_TEST

/* ---- address lists into the shared object ------------------------------------------
 */

START_TEST(test_apply_addrlists)
{
    l7_config *cfg;
    l7_addrlist *al;
    l7_config_create(&cfg, NULL);
    ck_assert_int_eq(l7_addrlist_create(&al, NULL, NULL), L7_OK);
    ck_assert_int_eq(
        load(cfg,
             "/ip firewall address-list\n"
             "add list=MANAGEMENT address=192.168.1.10-192.168.1.20\n"
             "add list=CONTRACTORS address=192.168.2.0/24\n"
             "add list=OFF address=10.9.9.9 disabled=yes\n"
             "/ipv6 firewall address-list add list=V6 address=2001:db8::/32\n",
             0, NULL),
        L7_OK);
    ck_assert_int_eq(l7_config_apply_addrlists(cfg, al, L7T_SEC(100), NULL), L7_OK);
    uint32_t mg, ct, v6, off;
    ck_assert_int_eq(l7_addrlist_list_find(&mg, al, "MANAGEMENT", 10), 0);
    ck_assert_int_eq(l7_addrlist_list_find(&ct, al, "CONTRACTORS", 11), 0);
    ck_assert_int_eq(l7_addrlist_list_find(&v6, al, "V6", 2), 0);
    ck_assert_int_eq(l7_addrlist_list_find(&off, al, "OFF", 3), 0);
    l7_addr a;
    l7_value_parse_addr(&a, "192.168.1.15", 12, 4);
    ck_assert_int_eq(l7_addrlist_contains(al, mg, &a, L7T_SEC(100)), 1);
    l7_value_parse_addr(&a, "10.9.9.9", 8, 4);
    ck_assert_int_eq(l7_addrlist_contains(al, off, &a, L7T_SEC(100)), 0);
    l7_value_parse_addr(&a, "2001:db8::5", 11, 6);
    ck_assert_int_eq(l7_addrlist_contains(al, v6, &a, L7T_SEC(100)), 1);
    /* A dynamic entry added by a rule survives the reload; the static entry
     * the new script no longer defines goes. */
    l7_value_parse_addr(&a, "172.16.0.1", 10, 4);
    ck_assert_int_eq(l7_addrlist_add_rule(al, ct, &a, 1, L7T_SEC(3600), L7T_SEC(100)),
                     0);
    ck_assert_int_eq(load(cfg,
                          "/ip firewall address-list remove [find list=CONTRACTORS]\n",
                          0, NULL),
                     L7_OK);
    ck_assert_int_eq(l7_config_apply_addrlists(cfg, al, L7T_SEC(200), NULL), L7_OK);
    ck_assert_int_eq(l7_addrlist_contains(al, ct, &a, L7T_SEC(200)), 1);
    l7_value_parse_addr(&a, "192.168.2.7", 11, 4);
    ck_assert_int_eq(l7_addrlist_contains(al, ct, &a, L7T_SEC(200)), 0);
    l7_value_parse_addr(&a, "192.168.1.15", 12, 4);
    ck_assert_int_eq(l7_addrlist_contains(al, mg, &a, L7T_SEC(200)), 1);
    l7_addrlist_destroy(al);
    l7_config_destroy(cfg);
}
END_TEST

START_TEST(test_qtree_def)
{
    l7_config *cfg;
    l7_config_create(&cfg, NULL);
    ck_assert_int_eq(load(cfg,
                          "/queue tree\n"
                          "add name=up parent=ether1 max-limit=10M\n"
                          "add name=voip parent=up packet-mark=voip limit-at=1M "
                          "max-limit=2M priority=1\n"
                          "add name=bulk parent=up packet-mark=bulk max-limit=10M\n"
                          "add name=off parent=global packet-mark=x disabled=yes\n",
                          0, NULL),
                     L7_OK);
    ck_assert_int_eq(load(cfg, "/queue tree move 2 0\n/queue tree move 1 3\n", 0, NULL),
                     L7_OK);
    const char *v;
    l7_config_item_get(&v, cfg, L7_CONFIG_MENU_QUEUE_TREE, 0, "name");
    ck_assert_str_eq(v, "bulk");
    l7_config_item_get(&v, cfg, L7_CONFIG_MENU_QUEUE_TREE, 2, "name");
    ck_assert_str_eq(v, "up"); /* bulk, voip, up, off */
    ck_assert_int_eq(load(cfg, "/queue tree move 0 destination=x\n", 0, NULL),
                     L7_ESYNTAX);
    ck_assert_int_eq(load(cfg, "/ip firewall layer7-protocol move 0 1\n", 0, NULL),
                     L7_ESYNTAX);
    l7_qtree_def *def;
    ck_assert_int_eq(l7_config_qtree_def(&def, cfg), L7_OK);
    ck_assert_uint_eq(l7_qtree_def_count(def), 3); /* the disabled queue is left out */
    l7_qtree *tree;
    ck_assert_int_eq(l7_qtree_create(&tree, def, NULL, 0, NULL), L7_OK);
    uint32_t root, q;
    ck_assert_int_eq(l7_qtree_root_lookup(&root, tree, "ether1"), L7_OK);
    ck_assert_uint_eq(root, 1);
    ck_assert_int_eq(l7_qtree_queue_lookup(&q, tree, "voip"), L7_OK);
    ck_assert_uint_eq(q, 1); /* bulk, voip, up (off is disabled: left out) */
    l7_qtree_destroy(tree);
    l7_qtree_def_destroy(def);
    ck_assert_int_eq(l7_config_qtree_def(NULL, cfg), L7_EINVAL);
    l7_config_destroy(cfg);
}
END_TEST

/* Mutated copies of a real script: every load ends in a clean status. */
START_TEST(test_mutated_scripts)
{
    static const char good[] =
        "/ip firewall layer7-protocol add name=bt regexp=\"^(\\\\x13BitTorrent|GET)\"\n"
        "/ip firewall address-list add list=A address=10.0.0.0/8 comment=\"a b\"\n"
        "/ip firewall filter add chain=forward action=jump jump-target=c "
        "layer7-protocol=bt\n"
        "/ip firewall filter add chain=c action=drop src-address-list=!A "
        "time=8h-17h,mon protocol=tcp dst-port=80,443\n"
        "/ip firewall filter set [find where chain=c] comment=x; remove 0\n"
        "/ip firewall mangle add chain=prerouting action=mark-packet "
        "new-packet-mark=p passthrough=no\n"
        "/queue tree add name=q parent=global packet-mark=p max-limit=5M\n"
        "/system logging add topics=firewall,info action=memory\n";
    static const char alphabet[] = "\"\\=[]!~$;# \n/-,0aq";
    uint32_t rng = 12345;
    char buf[sizeof(good)];
    for (int iter = 0; iter < 400; iter++) {
        memcpy(buf, good, sizeof(good));
        for (int k = 0; k < 1 + iter % 4; k++) {
            rng = rng * 1103515245u + 12345u;
            size_t at = (rng >> 8) % (sizeof(good) - 1);
            rng = rng * 1103515245u + 12345u;
            buf[at] = alphabet[(rng >> 8) % (sizeof(alphabet) - 1)];
        }
        l7_config *cfg;
        l7_diag_list *d;
        l7_config_create(&cfg, NULL);
        l7_diag_list_create(&d, NULL);
        int rc = load(cfg, buf, iter & 1 ? L7_CONFIG_STRICT : 0, d);
        ck_assert_msg(rc == L7_OK || rc == L7_ESYNTAX, "iteration %d: %d", iter, rc);
        if (rc == L7_OK) {
            /* whatever loaded exports and reloads to itself */
            char *e = export_text(cfg, 0);
            l7_config *again;
            l7_config_create(&again, NULL);
            ck_assert_int_eq(load(again, e, 0, NULL), L7_OK);
            char *e2 = export_text(again, 0);
            ck_assert_str_eq(e, e2);
            free(e);
            free(e2);
            l7_config_destroy(again);
        } else {
            ck_assert_uint_gt(errors(d), 0);
        }
        l7_diag_list_destroy(d);
        l7_config_destroy(cfg);
    }
}
END_TEST

/* An allocator that fails after a budget of allocations. */
static long budget;
static void *fail_malloc(size_t n, void *u)
{
    (void)u;
    return budget-- > 0 ? malloc(n) : NULL;
}
static void *fail_realloc(void *p, size_t n, void *u)
{
    (void)u;
    return budget-- > 0 ? realloc(p, n) : NULL;
}
static void fail_free(void *p, void *u)
{
    (void)u;
    free(p);
}

START_TEST(test_allocation_failures)
{
    static const char script[] =
        "/ip firewall layer7-protocol add name=web regexp=GET\n"
        "/ip firewall address-list add list=A address=10.0.0.1\n"
        "/ip firewall filter add chain=forward layer7-protocol=web\n"
        "/queue tree add name=q parent=global packet-mark=m\n"
        "/ip firewall filter add chain=forward action=bogus\n";
    l7_allocator hooks = {fail_malloc, fail_realloc, fail_free, NULL};
    for (long b = 0; b < 400; b += 3) {
        budget = 1000000;
        l7_config *cfg;
        ck_assert_int_eq(l7_config_create(&cfg, &hooks), L7_OK);
        ck_assert_int_eq(load(cfg, "/ip firewall filter add chain=input\n", 0, NULL),
                         L7_OK);
        char *before = export_text(cfg, 0);
        budget = b;
        int rc = load(cfg, script, 0, NULL);
        ck_assert_msg(rc == L7_ENOMEM || rc == L7_ESYNTAX, "budget %ld: %d", b, rc);
        budget = 1000000;
        char *after = export_text(cfg, 0);
        ck_assert_str_eq(before, after);
        free(before);
        free(after);
        l7_config_destroy(cfg);
    }
}
END_TEST

/* Decision 4 end to end: `\x2e` is a literal '.' unless the configuration
 * was given L7_PATTERN_COMPAT_L7FILTER, which must survive later loads (each
 * load rebuilds the policy) and reach the compiled ruleset's copy. */
static int proto_matches(const l7_protoset *set, const char *name, const char *data)
{
    uint32_t id;
    ck_assert_int_eq(l7_protoset_lookup(&id, set, name), L7_OK);
    l7_pattern_scratch *sc;
    ck_assert_int_eq(l7_pattern_scratch_create(&sc, NULL, NULL), L7_OK);
    int rc = l7_pattern_match(l7_protoset_pattern(set, id), sc, (const uint8_t *)data,
                              strlen(data));
    l7_pattern_scratch_destroy(sc);
    ck_assert(rc == L7_PATTERN_MATCH || rc == L7_PATTERN_NOMATCH);
    return rc == L7_PATTERN_MATCH;
}

static bool has_meta_warning(const l7_diag_list *d, const char *meaning)
{
    for (size_t k = 0; k < l7_diag_list_count(d); k++)
        if (l7_diag_severity(d, k) == L7_SEV_WARNING &&
            strstr(l7_diag_message(d, k), "\\x2e is the metacharacter") &&
            strstr(l7_diag_message(d, k), meaning))
            return true;
    return false;
}

START_TEST(test_compat_l7filter)
{
    const int compat = _i;
    l7_config *cfg;
    l7_diag_list *d;
    ck_assert_int_eq(l7_config_create(&cfg, NULL), L7_OK);
    ck_assert_int_eq(l7_diag_list_create(&d, NULL), L7_OK);
    ck_assert_int_eq(l7_config_set_pattern_flags(NULL, 0), L7_EINVAL);
    ck_assert_int_eq(l7_config_set_pattern_flags(cfg, 0x80000000u), L7_EINVAL);
    if (compat)
        ck_assert_int_eq(l7_config_set_pattern_flags(cfg, L7_PATTERN_COMPAT_L7FILTER),
                         L7_OK);
    ck_assert_int_eq(
        load(cfg, "/ip firewall layer7-protocol add name=dot regexp=\"^a\\\\x2eb\"\n",
             0, d),
        L7_OK);
    ck_assert(has_meta_warning(d, compat ? "regex meaning" : "literal byte"));
    /* A second load rebuilds the policy from a copy: the flags must follow. */
    ck_assert_int_eq(
        load(cfg, "/ip firewall layer7-protocol add name=x regexp=x\n", 0, NULL),
        L7_OK);
    ck_assert_uint_eq(l7_policy_pattern_flags(l7_config_policy(cfg)),
                      compat ? L7_PATTERN_COMPAT_L7FILTER : 0);
    const l7_protoset *sets[2] = {l7_policy_protocols(l7_config_policy(cfg)),
                                  l7_config_ruleset(cfg)->protos};
    for (int k = 0; k < 2; k++) {
        ck_assert_int_eq(proto_matches(sets[k], "dot", "axb"), compat);
        ck_assert_int_eq(proto_matches(sets[k], "dot", "a.b"), 1);
    }
    /* Fixed once protocols exist. */
    ck_assert_int_eq(l7_config_set_pattern_flags(cfg, compat ? 0 : 1), L7_ESTATE);
    l7_diag_list_destroy(d);
    l7_config_destroy(cfg);
}
END_TEST

START_TEST(test_api_edges)
{
    l7_config *cfg;
    ck_assert_int_eq(l7_config_create(NULL, NULL), L7_EINVAL);
    ck_assert_int_eq(l7_config_create(&cfg, NULL), L7_OK);
    ck_assert_int_eq(l7_config_load(NULL, "x", NULL, 0, NULL, NULL), L7_EINVAL);
    ck_assert_int_eq(l7_config_load(cfg, "x", NULL, 0, NULL, NULL), L7_OK);
    ck_assert_int_eq(
        l7_config_load(cfg, NULL, (const uint8_t *)"# hi\n", 5, NULL, NULL), L7_OK);
    const char *v;
    ck_assert_int_eq(l7_config_item_get(&v, cfg, 99, 0, "x"), L7_EINVAL);
    ck_assert_int_eq(l7_config_item_get(&v, cfg, 0, 0, "x"), L7_ENOTFOUND);
    ck_assert_uint_eq(l7_config_item_count(NULL, 0), 0);
    ck_assert_int_eq(l7_config_export(cfg, 0, NULL, NULL), L7_EINVAL);
    ck_assert_ptr_null(l7_config_policy(NULL));
    ck_assert_ptr_null(l7_config_ruleset(NULL));
    ck_assert_int_eq(l7_config_apply_addrlists(cfg, NULL, 0, NULL), L7_EINVAL);
    l7_config_destroy(cfg);
    l7_config_destroy(NULL);
}
END_TEST

static Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("seed");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_seed_blocks_load_as_one_script);
    tcase_add_test(tc, test_seed_office_alone_and_after);
    tcase_add_test(tc, test_seed_console_blocks);
    tcase_add_test(tc, test_round_trip_seed);
    tcase_add_test(tc, test_golden_office_export);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_loop_test(tc, test_error_table, 0, (int)L7_ARRAY_SIZE(err_cases));
    tcase_add_test(tc, test_every_error_reported);
    tcase_add_test(tc, test_warnings_have_positions);
    suite_add_tcase(s, tc);
    tc = tcase_create("commands");
    tcase_add_loop_test(tc, test_addressing, 0, (int)L7_ARRAY_SIZE(addr_cases));
    tcase_add_test(tc, test_protocol_commands);
    tcase_add_test(tc, test_all_or_nothing);
    tcase_add_test(tc, test_round_trip_escapes);
    tcase_add_test(tc, test_export_marks_and_strict);
    tcase_add_test(tc, test_apply_addrlists);
    tcase_add_test(tc, test_qtree_def);
    tcase_add_test(tc, test_mutated_scripts);
    tcase_add_test(tc, test_allocation_failures);
    tcase_add_test(tc, test_api_edges);
    tcase_add_loop_test(tc, test_compat_l7filter, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return l7t_run_suite(config_suite());
}
