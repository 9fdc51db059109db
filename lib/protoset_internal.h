/*
 * Protocol-set internals read by inspect on the hot path (direct access to
 * the compiled patterns in set order).
 *
 * A later multi-pattern prefilter slots in here: the set would own it, and
 * inspect would ask it for the candidate ids of a buffer before running the
 * per-protocol regexps below in id order.
 */
#ifndef L7_PROTOSET_INTERNAL_H
#define L7_PROTOSET_INTERNAL_H

#include "common_internal.h"
#include "l7/protoset.h"

#include <stdatomic.h>

typedef struct l7_proto {
    char *name; /* NULL: removed (the id stays unused) */
    char *regexp;
    size_t regexp_len;
    char *comment;
    l7_pattern *pattern;
    uint8_t enabled;
} l7_proto;

struct l7_protoset {
    l7_alloc alloc;
    atomic_uint refs;
    l7_protoset_options opts;
    l7_proto *items; /* index = id */
    size_t cap;
    uint32_t bound; /* ids given so far */
    uint32_t live;  /* not removed */
    /* Bumped whenever an id's regexp changes: what inspectors remember
     * about a connection and a protocol's regexp is only valid for the
     * generation it was learnt in. */
    uint32_t gen;
};

#endif
