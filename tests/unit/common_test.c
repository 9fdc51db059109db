/* Status codes, version and the diagnostic list. */
#include "testutil.h"

#include "common_internal.h"
#include "l7/l7.h"

#include <stdlib.h>
#include <string.h>

START_TEST(test_version)
{
    ck_assert_uint_eq(l7_version(), L7_VERSION_NUMBER);
    ck_assert_str_eq(l7_version_string(), "0.1.0");
}
END_TEST

static const struct {
    int code;
    const char *text;
} strerror_cases[] = {
    {L7_OK, "success"},
    {L7_ENOMEM, "out of memory"},
    {L7_EINVAL, "invalid argument"},
    {L7_ESYNTAX, "syntax error"},
    {L7_ELIMIT, "limit reached"},
    {-12345, "unknown error"},
    {42, "unknown error"},
};

START_TEST(test_strerror)
{
    ck_assert_str_eq(l7_strerror(strerror_cases[_i].code), strerror_cases[_i].text);
}
END_TEST

START_TEST(test_diag_list)
{
    l7_diag_list *d = NULL;
    ck_assert_int_eq(l7_diag_list_create(&d, NULL), L7_OK);
    ck_assert_uint_eq(l7_diag_list_count(d), 0);
    l7_diag_add(d, L7_SEV_ERROR, L7_ESYNTAX, "facebook", 3, 7, 2, "bad %s", "thing");
    l7_diag_add(d, L7_SEV_WARNING, 0, NULL, 0, 0, 0, "just a warning");
    ck_assert_uint_eq(l7_diag_list_count(d), 2);
    ck_assert_uint_eq(l7_diag_list_count_severity(d, L7_SEV_ERROR), 1);
    ck_assert_uint_eq(l7_diag_list_count_severity(d, L7_SEV_WARNING), 1);
    ck_assert_str_eq(l7_diag_message(d, 0), "bad thing");
    ck_assert_str_eq(l7_diag_item(d, 0), "facebook");
    ck_assert_uint_eq(l7_diag_line(d, 0), 3);
    ck_assert_uint_eq(l7_diag_column(d, 0), 7);
    ck_assert_uint_eq(l7_diag_length(d, 0), 2);
    ck_assert_int_eq(l7_diag_code(d, 0), L7_ESYNTAX);
    char buf[128];
    ck_assert_int_gt(l7_diag_format(d, 0, buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "facebook:3:7: error: bad thing");
    l7_diag_format(d, 1, buf, sizeof(buf));
    ck_assert_str_eq(buf, "warning: just a warning");
    /* snprintf-like: the needed length, truncated output. */
    char tiny[8];
    int need = l7_diag_format(d, 0, tiny, sizeof(tiny));
    ck_assert_int_eq(need, (int)strlen("facebook:3:7: error: bad thing"));
    ck_assert_str_eq(tiny, "faceboo");
    /* Out of range. */
    ck_assert_str_eq(l7_diag_message(d, 2), "");
    ck_assert_int_eq(l7_diag_format(d, 2, buf, sizeof(buf)), L7_EINVAL);
    l7_diag_list_clear(d);
    ck_assert_uint_eq(l7_diag_list_count(d), 0);
    l7_diag_list_destroy(d);
    l7_diag_list_destroy(NULL);
    /* A NULL list is accepted everywhere and records nothing. */
    l7_diag_add(NULL, L7_SEV_ERROR, L7_EINVAL, "x", 1, 1, 1, "ignored");
    ck_assert_uint_eq(l7_diag_list_count(NULL), 0);
}
END_TEST

static size_t counting_allocs;
static void *count_malloc(size_t n, void *user)
{
    (*(size_t *)user)++;
    return malloc(n);
}
static void *count_realloc(void *p, size_t n, void *user)
{
    if (!p)
        (*(size_t *)user)++;
    return realloc(p, n);
}
static void count_free(void *p, void *user)
{
    if (p)
        (*(size_t *)user)--;
    free(p);
}

START_TEST(test_allocator_hooks)
{
    counting_allocs = 0;
    l7_allocator hooks = {count_malloc, count_realloc, count_free, &counting_allocs};
    l7_diag_list *d = NULL;
    ck_assert_int_eq(l7_diag_list_create(&d, &hooks), L7_OK);
    l7_diag_add(d, L7_SEV_ERROR, L7_ESYNTAX, "item", 1, 1, 0, "message");
    ck_assert_uint_gt(counting_allocs, 1);
    l7_diag_list_destroy(d);
    ck_assert_uint_eq(counting_allocs, 0);

    l7_allocator partial = {count_malloc, NULL, NULL, NULL};
    ck_assert_int_eq(l7_diag_list_create(&d, &partial), L7_EINVAL);
    ck_assert_ptr_null(d);
}
END_TEST

static Suite *common_suite(void)
{
    Suite *s = suite_create("common");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_version);
    tcase_add_loop_test(tc, test_strerror, 0, (int)L7_ARRAY_SIZE(strerror_cases));
    tcase_add_test(tc, test_diag_list);
    tcase_add_test(tc, test_allocator_hooks);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return l7t_run_suite(common_suite());
}
