/*
 * The layer7-protocol definitions of the seed page (RouterOS "Layer-7"),
 * as regex text: what reaches the regexp dialect once the console string
 * escapes are undone (`\\x13` in the script is `\x13` here).
 */
#ifndef L7_EXAMPLES_SEED_PROTOCOLS_H
#define L7_EXAMPLES_SEED_PROTOCOLS_H

#include <stddef.h>

typedef struct seed_protocol {
    const char *name;
    const char *regexp;
} seed_protocol;

/* In page order, first definition of each name. */
extern const seed_protocol seed_protocols[];
extern const size_t seed_protocol_count;

#endif
