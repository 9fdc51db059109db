/*
 * l7-gen's capture model, shared by the l7-gen command and its check
 * program: each scenario builds a list of Ethernet frames with timestamps
 * (UTC nanoseconds), sorted by time, each tagged with the l7_packet_status
 * that libl7's parser must give it (L7_PACKET_OK except for the frames the
 * `malformed` scenario breaks on purpose).
 */
#ifndef L7_GEN_H
#define L7_GEN_H

#include <stddef.h>
#include <stdint.h>

typedef struct gen_packet {
    uint64_t ts_ns;
    uint8_t *data;
    uint32_t len;
    int expect;     /* l7_packet_status the parser must report */
    int l4_partial; /* a non-first fragment: no layer-4 header to check */
    uint32_t order; /* emission order: ties in ts keep it */
} gen_packet;

typedef struct gen_capture {
    gen_packet *pkts;
    size_t count, cap;
    int failed; /* out of memory somewhere */
} gen_capture;

typedef struct gen_scenario {
    const char *name;
    const char *summary;
    int committed; /* 1: a copy lives in the repository (see README) */
} gen_scenario;

size_t gen_scenario_count(void);
const gen_scenario *gen_scenario_at(size_t i);
const gen_scenario *gen_scenario_find(const char *name);

/* Build a scenario's frames into `out` (zeroed first). 0, or -1 when out
 * of memory (out is freed then). */
int gen_capture_build(gen_capture *out, const gen_scenario *s);
void gen_capture_free(gen_capture *c);

/* Write as classic pcap (nanosecond magic, LINKTYPE_ETHERNET). 0 or -1. */
int gen_capture_write(const gen_capture *c, const char *path);

#endif
