/*
 * Replays fuzz inputs without libFuzzer, so each target also builds as a
 * plain program that ctest runs over its committed corpus.
 *
 *   fuzz_x FILE|DIR...      run every file (directories: every regular file)
 *   fuzz_x -r N FILE|DIR... also run N random byte mutations of each input
 *                           (seeded, so a failure is reproducible), for
 *                           machines without libFuzzer
 */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static unsigned long runs;
static unsigned long mutations;
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void mutate_and_run(const uint8_t *data, size_t len)
{
    size_t cap = len + 64;
    uint8_t *buf = malloc(cap);
    if (buf == NULL)
        return;
    for (unsigned long i = 0; i < mutations; i++) {
        size_t n = len;
        memcpy(buf, data, len);
        unsigned edits = 1 + (unsigned)(next_random() % 8);
        for (unsigned e = 0; e < edits; e++) {
            uint64_t r = next_random();
            switch (r % 4) {
            case 0: /* flip a byte */
                if (n > 0)
                    buf[(r >> 8) % n] ^= (uint8_t)(1u << ((r >> 40) % 8));
                break;
            case 1: /* set an interesting byte */
                if (n > 0) {
                    static const uint8_t interesting[] = {0,    1,   0x7f, 0x80, 0xff,
                                                          '\\', '"', '\n', ' ',  '='};
                    buf[(r >> 8) % n] = interesting[(r >> 40) % sizeof interesting];
                }
                break;
            case 2: /* truncate */
                if (n > 0)
                    n = (size_t)((r >> 8) % n);
                break;
            default: /* insert a random byte */
                if (n < cap) {
                    size_t at = n ? (size_t)((r >> 8) % (n + 1)) : 0;
                    memmove(buf + at + 1, buf + at, n - at);
                    buf[at] = (uint8_t)(r >> 40);
                    n++;
                }
                break;
            }
        }
        uint8_t *exact = malloc(n ? n : 1); /* exact size so ASan sees overreads */
        if (exact == NULL)
            break;
        memcpy(exact, buf, n);
        LLVMFuzzerTestOneInput(exact, n);
        free(exact);
        runs++;
    }
    free(buf);
}

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *data = malloc(cap);
    size_t got;
    while (data != NULL && (got = fread(data + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            uint8_t *grown = realloc(data, cap * 2);
            if (grown == NULL) {
                free(data);
                data = NULL;
                break;
            }
            data = grown;
            cap *= 2;
        }
    }
    fclose(f);
    if (data == NULL) {
        fprintf(stderr, "%s: out of memory\n", path);
        return 1;
    }
    uint8_t *exact = malloc(len ? len : 1);
    if (exact == NULL) {
        free(data);
        return 1;
    }
    memcpy(exact, data, len);
    LLVMFuzzerTestOneInput(exact, len);
    runs++;
    mutate_and_run(exact, len);
    free(exact);
    free(data);
    return 0;
}

static int run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode))
        return run_file(path);
    DIR *dir = opendir(path);
    if (dir == NULL) {
        perror(path);
        return 1;
    }
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        size_t n = strlen(path) + strlen(de->d_name) + 2;
        char *child = malloc(n);
        if (child == NULL) {
            rc = 1;
            break;
        }
        snprintf(child, n, "%s/%s", path, de->d_name);
        if (stat(child, &st) == 0 && S_ISREG(st.st_mode))
            rc |= run_file(child);
        free(child);
    }
    closedir(dir);
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 0, i = 1;
    if (argc > 2 && strcmp(argv[1], "-r") == 0) {
        mutations = strtoul(argv[2], NULL, 10);
        i = 3;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: %s [-r N] FILE|DIR...\n", argv[0]);
        return 2;
    }
    for (; i < argc; i++)
        rc |= run_path(argv[i]);
    printf("%s: %lu inputs run\n", argv[0], runs);
    return rc;
}
