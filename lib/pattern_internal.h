/*
 * Pattern internals shared with protoset and inspect: the translation
 * result with its column map (for tools that want the PCRE2 text and the
 * user's columns together).
 */
#ifndef L7_PATTERN_INTERNAL_H
#define L7_PATTERN_INTERNAL_H

#include "common_internal.h"
#include "l7/pattern.h"

typedef struct l7_pattern_tx {
    const l7_alloc *alloc;
    char *text;    /* PCRE2 text, NUL-terminated */
    uint32_t *map; /* map[i]: 0-based offset in the user's regexp of text[i];
                    * map[len]: where the end of text maps to */
    size_t len;
    bool stripped; /* a ^.*X.*$ wrapper was removed */
} l7_pattern_tx;

/* Translate `regexp` (regexp_len bytes) with L7_PATTERN_* `flags`. Adds
 * errors and warnings to `diag` (item `name`). On success the caller frees
 * the result with l7_pattern_tx_free(). */
int l7_pattern_tx_run(l7_pattern_tx *res, const l7_alloc *a, const char *regexp,
                      size_t regexp_len, uint32_t flags, const char *name,
                      l7_diag_list *diag);
void l7_pattern_tx_free(l7_pattern_tx *res);

#endif
