/* Protocol sets: names, ids, compile-time diagnostics, refcount, .pat files. */
#include "testutil.h"

#include "common_internal.h"
#include "l7/l7.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static l7_protoset *new_set(void)
{
    l7_protoset *set = NULL;
    ck_assert_int_eq(l7_protoset_create(&set, NULL, NULL), L7_OK);
    return set;
}

static int add(l7_protoset *set, uint32_t *id, const char *name, const char *re,
               l7_diag_list *d)
{
    return l7_protoset_add(id, set, name, re, strlen(re), d);
}

/* ---- names --------------------------------------------------------------- */

static const struct name_case {
    const char *name;
    int rc;
} name_cases[] = {
    {"http", L7_OK},
    {"youtube-video", L7_OK},
    {"my proto", L7_OK}, /* RouterOS names may hold spaces when quoted */
    {"a", L7_OK},
    {"", L7_EINVAL},
    {"   ", L7_EINVAL},
    {"tab\there", L7_EINVAL},
    {"caf\xc3\xa9", L7_EINVAL},
    {"unknown", L7_EINVAL},
    {"unset", L7_EINVAL},
    {"Unknown", L7_OK}, /* the special names are compared exactly, as l7-filter does */
};

START_TEST(test_names)
{
    l7_protoset *set = new_set();
    l7_diag_list *d = NULL;
    l7_diag_list_create(&d, NULL);
    uint32_t id = 0;
    ck_assert_int_eq(add(set, &id, name_cases[_i].name, "abc", d), name_cases[_i].rc);
    if (name_cases[_i].rc == L7_OK) {
        ck_assert_uint_eq(id, 0);
        ck_assert_uint_eq(l7_diag_list_count(d), 0);
        ck_assert_str_eq(l7_protoset_name(set, id), name_cases[_i].name);
    } else {
        ck_assert_uint_eq(id, L7_PROTO_ID_NONE);
        ck_assert_uint_eq(l7_diag_list_count_severity(d, L7_SEV_ERROR), 1);
        ck_assert_uint_eq(l7_protoset_count(set), 0);
    }
    l7_diag_list_destroy(d);
    l7_protoset_destroy(set);
}
END_TEST

START_TEST(test_long_name)
{
    l7_protoset *set = new_set();
    char name[300];
    memset(name, 'n', sizeof(name));
    name[L7_PROTO_NAME_MAX] = '\0';
    ck_assert_int_eq(add(set, NULL, name, "x", NULL), L7_OK);
    name[L7_PROTO_NAME_MAX] = 'n';
    name[L7_PROTO_NAME_MAX + 1] = '\0';
    ck_assert_int_eq(add(set, NULL, name, "x", NULL), L7_EINVAL);
    l7_protoset_destroy(set);
}
END_TEST

/* ---- the item lifecycle -------------------------------------------------- */

START_TEST(test_lifecycle)
{
    l7_protoset *set = new_set();
    l7_diag_list *d = NULL;
    l7_diag_list_create(&d, NULL);
    uint32_t http, yt, bt, id;
    ck_assert_int_eq(add(set, &http, "http", "^(get|post) ", d), L7_OK);
    ck_assert_int_eq(add(set, &yt, "youtube", "^.*youtube.*$", d), L7_OK);
    ck_assert_int_eq(add(set, &bt, "bittorrent", "^\\x13bittorrent protocol", d),
                     L7_OK);
    ck_assert_uint_eq(http, 0);
    ck_assert_uint_eq(yt, 1);
    ck_assert_uint_eq(bt, 2);
    ck_assert_uint_eq(l7_protoset_count(set), 3);
    ck_assert_uint_eq(l7_protoset_id_bound(set), 3);

    /* duplicates */
    ck_assert_int_eq(add(set, &id, "youtube", "x", d), L7_EEXIST);
    ck_assert_int_eq(l7_diag_code(d, 0), L7_EEXIST);
    ck_assert_str_eq(l7_diag_item(d, 0), "youtube");
    l7_diag_list_clear(d);

    /* lookup, including the special names */
    ck_assert_int_eq(l7_protoset_lookup(&id, set, "youtube"), L7_OK);
    ck_assert_uint_eq(id, yt);
    ck_assert_int_eq(l7_protoset_lookup(&id, set, "nope"), L7_ENOTFOUND);
    ck_assert_uint_eq(id, L7_PROTO_ID_NONE);
    ck_assert_int_eq(l7_protoset_lookup(&id, set, "unknown"), L7_OK);
    ck_assert_uint_eq(id, L7_PROTO_ID_UNKNOWN);
    ck_assert_int_eq(l7_protoset_lookup(&id, set, "unset"), L7_OK);
    ck_assert_uint_eq(id, L7_PROTO_ID_UNSET);
    ck_assert_str_eq(l7_protoset_name(set, L7_PROTO_ID_UNKNOWN), "unknown");
    ck_assert_str_eq(l7_protoset_name(set, L7_PROTO_ID_UNSET), "unset");
    ck_assert_ptr_null(l7_protoset_name(set, 99));

    /* regexp text as given; set replaces it, a bad one keeps the old */
    size_t len = 0;
    ck_assert_str_eq(l7_protoset_regexp(set, yt, &len), "^.*youtube.*$");
    ck_assert_uint_eq(len, strlen("^.*youtube.*$"));
    ck_assert_int_eq(l7_protoset_set_regexp(set, yt, "(ytimg", 6, d), L7_ESYNTAX);
    ck_assert_str_eq(l7_diag_item(d, 0), "youtube");
    ck_assert_uint_eq(l7_diag_column(d, 0), 1);
    ck_assert_str_eq(l7_protoset_regexp(set, yt, NULL), "^.*youtube.*$");
    ck_assert_int_eq(l7_protoset_set_regexp(set, yt, "ytimg", 5, d), L7_OK);
    ck_assert_str_eq(l7_protoset_regexp(set, yt, NULL), "ytimg");
    ck_assert_ptr_nonnull(l7_protoset_pattern(set, yt));
    l7_diag_list_clear(d);

    /* enable / disable / comment */
    ck_assert_int_eq(l7_protoset_enabled(set, http), 1);
    ck_assert_int_eq(l7_protoset_set_enabled(set, http, 0), L7_OK);
    ck_assert_int_eq(l7_protoset_enabled(set, http), 0);
    ck_assert_int_eq(l7_protoset_set_enabled(set, http, 7), L7_OK);
    ck_assert_int_eq(l7_protoset_enabled(set, http), 1);
    ck_assert_str_eq(l7_protoset_comment(set, http), "");
    ck_assert_int_eq(l7_protoset_set_comment(set, http, "web"), L7_OK);
    ck_assert_str_eq(l7_protoset_comment(set, http), "web");
    ck_assert_int_eq(l7_protoset_set_comment(set, http, NULL), L7_OK);
    ck_assert_str_eq(l7_protoset_comment(set, http), "");

    /* remove: the id is never reused, others keep theirs */
    ck_assert_int_eq(l7_protoset_remove(set, yt), L7_OK);
    ck_assert_int_eq(l7_protoset_remove(set, yt), L7_ENOTFOUND);
    ck_assert_ptr_null(l7_protoset_name(set, yt));
    ck_assert_ptr_null(l7_protoset_regexp(set, yt, NULL));
    ck_assert_ptr_null(l7_protoset_comment(set, yt));
    ck_assert_ptr_null(l7_protoset_pattern(set, yt));
    ck_assert_int_eq(l7_protoset_enabled(set, yt), L7_ENOTFOUND);
    ck_assert_int_eq(l7_protoset_set_enabled(set, yt, 1), L7_ENOTFOUND);
    ck_assert_int_eq(l7_protoset_set_regexp(set, yt, "a", 1, NULL), L7_ENOTFOUND);
    ck_assert_uint_eq(l7_protoset_count(set), 2);
    ck_assert_int_eq(add(set, &id, "youtube", "youtube", d), L7_OK);
    ck_assert_uint_eq(id, 3);
    ck_assert_uint_eq(l7_protoset_id_bound(set), 4);
    ck_assert_int_eq(l7_protoset_lookup(&id, set, "bittorrent"), L7_OK);
    ck_assert_uint_eq(id, bt);

    l7_diag_list_destroy(d);
    l7_protoset_destroy(set);
}
END_TEST

/* Regexp problems are reported at add time, item = protocol, column. */
static const struct add_diag_case {
    const char *re;
    int rc;
    l7_severity sev;
    uint32_t column;
} add_diag_cases[] = {
    {"^abc\\x00", L7_ESYNTAX, L7_SEV_ERROR, 5},
    {"^a(b", L7_ESYNTAX, L7_SEV_ERROR, 3},
    {"^a\\x2eb", L7_OK, L7_SEV_WARNING, 3},
    {"^\\d+", L7_OK, L7_SEV_WARNING, 2},
};

START_TEST(test_add_diagnostics)
{
    const struct add_diag_case *c = &add_diag_cases[_i];
    l7_protoset *set = new_set();
    l7_diag_list *d = NULL;
    l7_diag_list_create(&d, NULL);
    ck_assert_int_eq(add(set, NULL, "proto", c->re, d), c->rc);
    ck_assert_uint_eq(l7_diag_list_count(d), 1);
    ck_assert_int_eq(l7_diag_severity(d, 0), c->sev);
    ck_assert_str_eq(l7_diag_item(d, 0), "proto");
    ck_assert_uint_eq(l7_diag_column(d, 0), c->column);
    ck_assert_uint_eq(l7_protoset_count(set), c->rc == L7_OK);
    l7_diag_list_destroy(d);
    l7_protoset_destroy(set);
}
END_TEST

START_TEST(test_compat_option)
{
    /* compat-l7filter is a set option: it changes how `\x2e` compiles. */
    l7_protoset_options o;
    l7_protoset_options_init(&o);
    o.pattern.flags |= L7_PATTERN_COMPAT_L7FILTER;
    l7_protoset *set = NULL;
    ck_assert_int_eq(l7_protoset_create(&set, &o, NULL), L7_OK);
    uint32_t id;
    ck_assert_int_eq(add(set, &id, "p", "^a\\x2eb$", NULL), L7_OK);
    l7_pattern_scratch *s = NULL;
    l7_pattern_scratch_create(&s, NULL, NULL);
    ck_assert_int_eq(
        l7_pattern_match(l7_protoset_pattern(set, id), s, (const uint8_t *)"axb", 3),
        L7_PATTERN_MATCH);
    l7_pattern_scratch_destroy(s);
    l7_protoset_destroy(set);
    o.size = 4; /* too small to be a real options struct */
    ck_assert_int_eq(l7_protoset_create(&set, &o, NULL), L7_EINVAL);
}
END_TEST

/* ---- reference counting and the allocator -------------------------------- */

static long live_blocks;
static void *cnt_malloc(size_t n, void *user)
{
    (void)user;
    live_blocks++;
    return malloc(n);
}
static void *cnt_realloc(void *p, size_t n, void *user)
{
    (void)user;
    if (!p)
        live_blocks++;
    return realloc(p, n);
}
static void cnt_free(void *p, void *user)
{
    (void)user;
    if (p)
        live_blocks--;
    free(p);
}

START_TEST(test_refcount_and_allocator)
{
    live_blocks = 0;
    l7_allocator hooks = {cnt_malloc, cnt_realloc, cnt_free, NULL};
    l7_protoset *set = NULL;
    ck_assert_int_eq(l7_protoset_create(&set, NULL, &hooks), L7_OK);
    ck_assert_int_eq(add(set, NULL, "a", "^.*(x|y).*$", NULL), L7_OK);
    ck_assert_int_eq(add(set, NULL, "b", "^[\\x01-\\x05]", NULL), L7_OK);
    l7_protoset_set_comment(set, 0, "c");
    ck_assert_int_gt(live_blocks, 4); /* the patterns use the hooks too */
    ck_assert_ptr_eq(l7_protoset_ref(set), set);
    l7_protoset_destroy(set);
    ck_assert_str_eq(l7_protoset_name(set, 0), "a"); /* still alive */
    l7_protoset_destroy(set);
    ck_assert_int_eq(live_blocks, 0);
    l7_protoset_destroy(NULL);
    ck_assert_ptr_null(l7_protoset_ref(NULL));
}
END_TEST

/* ---- .pat parsing --------------------------------------------------------- */

static const struct pat_case {
    const char *text;
    const char *expected; /* expected name argument */
    int rc;
    const char *name, *regexp;
    uint32_t line;
} pat_cases[] = {
    {"# comment\n#\nfoo\n^foo[a-z]$\n", "foo", L7_OK, "foo", "^foo[a-z]$", 4},
    {"foo\tgroup\n\n# between\nbar\nuserspace pattern=x\n", "foo", L7_OK, "foo", "bar",
     4},
    {"foo extra words\r\n^a b \r\n", NULL, L7_OK, "foo", "^a b ", 2},
    {"\n\nfoo\nre", "foo", L7_OK, "foo", "re", 4},              /* no final newline */
    {"finger\n^x: $\n", "finger", L7_OK, "finger", "^x: $", 2}, /* spaces kept */
    {"foo\n", "foo", L7_ESYNTAX, NULL, NULL, 0},
    {"# only\n\n", "foo", L7_ESYNTAX, NULL, NULL, 0},
    {"", NULL, L7_ESYNTAX, NULL, NULL, 0},
    {"bar\nre\n", "foo", L7_ESYNTAX, NULL, NULL, 0},
    {"foobar\nre\n", "foo", L7_ESYNTAX, NULL, NULL, 0},
    {" foo\nre\n", NULL, L7_ESYNTAX, NULL, NULL, 0},
};

START_TEST(test_parse_pat)
{
    const struct pat_case *c = &pat_cases[_i];
    l7_pat_info info;
    l7_diag_list *d = NULL;
    l7_diag_list_create(&d, NULL);
    const uint8_t *data = (const uint8_t *)c->text;
    int rc = l7_protoset_parse_pat(&info, data, strlen(c->text), c->expected, d);
    ck_assert_int_eq(rc, c->rc);
    if (rc == L7_OK) {
        ck_assert_uint_eq(info.name_len, strlen(c->name));
        ck_assert_int_eq(memcmp(data + info.name_offset, c->name, info.name_len), 0);
        ck_assert_uint_eq(info.regexp_len, strlen(c->regexp));
        ck_assert_int_eq(memcmp(data + info.regexp_offset, c->regexp, info.regexp_len),
                         0);
        ck_assert_uint_eq(info.regexp_line, c->line);
        ck_assert_uint_eq(l7_diag_list_count(d), 0);
    } else {
        ck_assert_uint_eq(l7_diag_list_count_severity(d, L7_SEV_ERROR), 1);
        ck_assert_str_ne(l7_diag_message(d, 0), "");
    }
    l7_diag_list_destroy(d);
}
END_TEST

START_TEST(test_parse_pat_nul)
{
    l7_pat_info info;
    static const uint8_t text[] = "foo\nab\0c\n";
    ck_assert_int_eq(l7_protoset_parse_pat(&info, text, sizeof(text) - 1, "foo", NULL),
                     L7_ESYNTAX);
    ck_assert_int_eq(l7_protoset_parse_pat(NULL, text, 3, NULL, NULL), L7_EINVAL);
}
END_TEST

START_TEST(test_add_pat_line)
{
    l7_protoset *set = new_set();
    l7_diag_list *d = NULL;
    l7_diag_list_create(&d, NULL);
    const char *text = "# x\nbad\n^ab(c\n";
    uint32_t id;
    ck_assert_int_eq(
        l7_protoset_add_pat(&id, set, (const uint8_t *)text, strlen(text), "bad", d),
        L7_ESYNTAX);
    ck_assert_uint_eq(l7_diag_line(d, 0), 3);
    ck_assert_uint_eq(l7_diag_column(d, 0), 4);
    ck_assert_str_eq(l7_diag_item(d, 0), "bad");
    text = "# x\ngood\n^ab(c)\n";
    ck_assert_int_eq(
        l7_protoset_add_pat(&id, set, (const uint8_t *)text, strlen(text), "good", d),
        L7_OK);
    ck_assert_str_eq(l7_protoset_name(set, id), "good");
    ck_assert_str_eq(l7_protoset_regexp(set, id, NULL), "^ab(c)");
    l7_diag_list_destroy(d);
    l7_protoset_destroy(set);
}
END_TEST

/* ---- the l7-protocols corpus: every .pat loads or is refused for a reason */

/* The refusals we expect, with why. Anything else refused fails the test. */
static const struct refusal {
    const char *file;
    const char *why;
} expected_refusals[] = {
    {"protocols/unknown.pat", "'unknown' is a reserved name (Decision 3, D-L6)"},
    {"protocols/unset.pat", "'unset' is a reserved name (Decision 3, D-L6)"},
};

static const char *const pat_dirs[] = {"protocols", "extra", "file_types", "malware"};

START_TEST(test_corpus_pat_files)
{
    const char *shared = l7t_shared_dir();
    if (!shared) {
        printf("protoset: corpus not found (L7_SHARED_DIR unset): skipped\n");
        return;
    }
    l7_protoset *set = new_set();
    l7_diag_list *d = NULL;
    l7_diag_list_create(&d, NULL);
    size_t loaded = 0, refused = 0, warned = 0;
    for (size_t k = 0; k < L7_ARRAY_SIZE(pat_dirs); k++) {
        char dir[1024];
        snprintf(dir, sizeof(dir), "%s/corpus/l7-protocols/%s", shared, pat_dirs[k]);
        DIR *dh = opendir(dir);
        if (!dh) {
            printf("protoset: %s missing: skipped\n", dir);
            continue;
        }
        struct dirent *de;
        while ((de = readdir(dh))) {
            size_t n = strlen(de->d_name);
            if (n < 5 || strcmp(de->d_name + n - 4, ".pat") != 0)
                continue;
            char path[2048], rel[512], name[256];
            snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
            snprintf(rel, sizeof(rel), "%s/%s", pat_dirs[k], de->d_name);
            snprintf(name, sizeof(name), "%.*s", (int)(n - 4), de->d_name);
            size_t len = 0;
            unsigned char *data = l7t_read_file(path, &len);
            ck_assert_ptr_nonnull(data);
            l7_diag_list_clear(d);
            int rc = l7_protoset_add_pat(NULL, set, data, len, name, d);
            free(data);
            const char *why = NULL;
            for (size_t r = 0; r < L7_ARRAY_SIZE(expected_refusals); r++)
                if (strcmp(expected_refusals[r].file, rel) == 0)
                    why = expected_refusals[r].why;
            warned += l7_diag_list_count_severity(d, L7_SEV_WARNING) > 0;
            if (rc == L7_OK) {
                ck_assert_msg(!why, "%s loaded but was expected to be refused", rel);
                loaded++;
                continue;
            }
            char msg[512] = "";
            l7_diag_format(d, 0, msg, sizeof(msg));
            ck_assert_msg(why, "%s refused unexpectedly: %s", rel, msg);
            ck_assert_str_ne(msg, "");
            printf("protoset: refused %s: %s (%s)\n", rel, msg, why);
            refused++;
        }
        closedir(dh);
    }
    printf("protoset: l7-protocols: %zu loaded, %zu refused, %zu with warnings\n",
           loaded, refused, warned);
    ck_assert_uint_eq(refused, L7_ARRAY_SIZE(expected_refusals));
    ck_assert_uint_gt(loaded, 100);
    ck_assert_uint_eq(l7_protoset_count(set), loaded);
    l7_diag_list_destroy(d);
    l7_protoset_destroy(set);
}
END_TEST

static Suite *protoset_suite(void)
{
    Suite *s = suite_create("protoset");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_names, 0, (int)L7_ARRAY_SIZE(name_cases));
    tcase_add_test(tc, test_long_name);
    tcase_add_test(tc, test_lifecycle);
    tcase_add_loop_test(tc, test_add_diagnostics, 0,
                        (int)L7_ARRAY_SIZE(add_diag_cases));
    tcase_add_test(tc, test_compat_option);
    tcase_add_test(tc, test_refcount_and_allocator);
    suite_add_tcase(s, tc);
    TCase *pat = tcase_create("pat");
    tcase_add_loop_test(pat, test_parse_pat, 0, (int)L7_ARRAY_SIZE(pat_cases));
    tcase_add_test(pat, test_parse_pat_nul);
    tcase_add_test(pat, test_add_pat_line);
    tcase_add_test(pat, test_corpus_pat_files);
    suite_add_tcase(s, pat);
    return s;
}

int main(void)
{
    return l7t_run_suite(protoset_suite());
}
