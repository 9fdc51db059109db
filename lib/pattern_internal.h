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

/* Shape of a compiled pattern, for the inspector's incremental matching.
 * Lengths above L7_PATTERN_LEN_CAP count as unbounded. */
#define L7_PATTERN_LEN_INF UINT32_MAX
#define L7_PATTERN_LEN_CAP 65536u

/* Longest match the pattern can have, in bytes (`^`/`$` count 0, a
 * bracket or `.` 1), or L7_PATTERN_LEN_INF (`*`, `+`, `{n,}`). */
uint32_t l7_pattern_max_len(const l7_pattern *pattern);

/* Every top-level alternative starts with `^`: no match can start after
 * byte 0 (no MULTILINE), so with a start offset > 0 it never matches. */
bool l7_pattern_anchored(const l7_pattern *pattern);

/* Result of l7_pattern_match_at() with `partial`: no complete match, but a
 * match attempt reached the end of the data wanting more (PCRE2's soft
 * partial match). */
#define L7_PATTERN_PARTIAL 3

/* l7_pattern_match() for matches starting at or after `start` (<= len),
 * without argument checks. With `partial` (PCRE2_PARTIAL_SOFT), a complete
 * match still wins; L7_PATTERN_NOMATCH then also says that no attempt
 * starting in [start, len) reached the end of the data, so no match
 * starting there can appear when bytes are appended. Our dialect has no
 * lookbehind, \b or \K, so the bytes before `start` play no part. */
int l7_pattern_match_at(const l7_pattern *pattern, l7_pattern_scratch *scratch,
                        const uint8_t *data, size_t len, size_t start, bool partial);

#endif
