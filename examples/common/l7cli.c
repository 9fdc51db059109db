/* Host helpers shared by the example programs (see l7cli.h). */
#include "l7cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int l7cli_read_file(const char *path, uint8_t **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 0, n = 0;
    uint8_t *buf = NULL;
    for (;;) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            uint8_t *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                fclose(f);
                errno = ENOMEM;
                return -1;
            }
            buf = nb;
            cap = ncap;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        errno = EIO;
        return -1;
    }
    *out = buf;
    *len = n;
    return 0;
}

void l7cli_print_diags(FILE *f, const l7_diag_list *diags, const uint8_t *text,
                       size_t len)
{
    size_t n = l7_diag_list_count(diags);
    for (size_t i = 0; i < n; i++) {
        int need = l7_config_render_diag(NULL, 0, diags, i, text, len);
        if (need < 0)
            continue;
        char *s = malloc((size_t)need + 1);
        if (!s)
            continue;
        l7_config_render_diag(s, (size_t)need + 1, diags, i, text, len);
        fputs(s, f);
        if (need == 0 || s[need - 1] != '\n')
            fputc('\n', f);
        free(s);
    }
}

int l7cli_load_config(l7_config *cfg, const char *path, uint32_t flags, FILE *err)
{
    uint8_t *text;
    size_t len;
    if (l7cli_read_file(path, &text, &len) < 0) {
        fprintf(err, "%s: %s\n", path, strerror(errno));
        return 2;
    }
    l7_diag_list *diags = NULL;
    if (l7_diag_list_create(&diags, NULL) < 0) {
        free(text);
        fprintf(err, "out of memory\n");
        return 2;
    }
    l7_config_load_options opts;
    l7_config_load_options_init(&opts);
    opts.flags = flags;
    int rc = l7_config_load(cfg, path, text, len, &opts, diags);
    l7cli_print_diags(err, diags, text, len);
    if (rc < 0 && rc != L7_ESYNTAX)
        fprintf(err, "%s: %s\n", path, l7_strerror(rc));
    l7_diag_list_destroy(diags);
    free(text);
    return rc == 0 ? 0 : rc == L7_ESYNTAX ? 1 : 2;
}
