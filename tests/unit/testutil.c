#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int l7t_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

const char *l7t_shared_dir(void)
{
    const char *dir = getenv("L7_SHARED_DIR");
    struct stat st;
    if (!dir || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return NULL;
    return dir;
}

unsigned char *l7t_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap + 1);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        cap *= 2;
        unsigned char *nb = realloc(buf, cap + 1);
        if (!nb) {
            free(buf);
            buf = NULL;
        } else {
            buf = nb;
        }
    }
    fclose(f);
    if (buf) {
        buf[n] = 0;
        *len = n;
    }
    return buf;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t l = strlen(s), n = strlen(suffix);
    return l > n && !strcmp(s + l - n, suffix);
}

long l7t_list_captures(const char *dir, char ***out)
{
    *out = NULL;
    DIR *dp = opendir(dir);
    if (!dp)
        return -1;
    char **names = NULL;
    long count = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(dp))) {
        if (!has_suffix(de->d_name, ".pcap") && !has_suffix(de->d_name, ".pcapng"))
            continue;
        if (count == cap) {
            cap = cap ? 2 * cap : 256;
            char **grown = realloc(names, (size_t)cap * sizeof(*names));
            ck_assert_ptr_nonnull(grown);
            names = grown;
        }
        names[count] = strdup(de->d_name);
        ck_assert_ptr_nonnull(names[count]);
        count++;
    }
    closedir(dp);
    if (count)
        qsort(names, (size_t)count, sizeof(*names), name_cmp);
    *out = names;
    return count;
}

void l7t_free_names(char **names, long count)
{
    for (long i = 0; i < count; i++)
        free(names[i]);
    free(names);
}
