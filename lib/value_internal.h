/*
 * Address arithmetic shared by value.c and the address-list module.
 */
#ifndef L7_VALUE_INTERNAL_H
#define L7_VALUE_INTERNAL_H

#include "common_internal.h"
#include "l7/value.h"

#include <string.h>

/* Number of address bytes of a family (4 or 16), 0 for anything else. */
static inline size_t l7v_addr_size(uint8_t family)
{
    return family == 4 ? 4 : family == 6 ? 16 : 0;
}

/* Compare two addresses of the same family as unsigned big-endian numbers. */
static inline int l7v_addr_cmp(const l7_addr *a, const l7_addr *b)
{
    return memcmp(a->bytes, b->bytes, 16);
}

/* Set `out` to a zeroed address of `family`. */
static inline void l7v_addr_zero(l7_addr *out, uint8_t family)
{
    memset(out, 0, sizeof(*out));
    out->family = family;
}

/* Whether first..last is exactly one CIDR block; its length in *len. */
int l7v_range_is_prefix(const l7_addr *first, const l7_addr *last, uint32_t *len);

/* Clear the bits below prefix length `len`; returns 1 if any were set. */
int l7v_addr_mask(l7_addr *addr, uint32_t len);

/* Set the bits below prefix length `len` (the last address of the block). */
void l7v_addr_fill(l7_addr *addr, uint32_t len);

#endif
