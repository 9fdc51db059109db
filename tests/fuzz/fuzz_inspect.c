/*
 * Fuzz target: the inspection window. Input: byte 0 = mode (bit 0: rule-
 * driven instead of classify, bit 1: collect=always, bits 2-3: number of
 * protocols - 1), then per protocol a length byte and its regexp, then
 * packets (a length byte and the payload each). Both modes are checked
 * against a reference that rescans the whole NUL-stripped buffer with every
 * protocol in order after each packet that added bytes (routeros-spec L5).
 */
#include "fuzz.h"

#include <l7/inspect.h>
#include <l7/pattern.h>
#include <l7/protoset.h>

#include <stdlib.h>
#include <string.h>

#define MAX_PROTOS 4
#define MAX_BYTES  2048

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    size_t pos = 1;
    unsigned want = 1u + ((mode >> 2) & 3u);
    l7_protoset *set = NULL;
    if (l7_protoset_create(&set, NULL, NULL) != 0)
        abort();
    uint32_t ids[MAX_PROTOS];
    unsigned n = 0;
    for (unsigned k = 0; k < want && pos < size; k++) {
        size_t len = data[pos++];
        if (len > size - pos)
            len = size - pos;
        char name[8] = {'p', (char)('0' + k), 0};
        uint32_t id;
        if (l7_protoset_add(&id, set, name, (const char *)data + pos, len, NULL) == 0)
            ids[n++] = id;
        pos += len;
    }
    l7_inspect_options o;
    l7_inspect_options_init(&o);
    o.collect_always = (mode & 2) != 0;
    l7_inspector *insp = NULL;
    l7_inspect_state *st = NULL;
    l7_pattern_scratch *scratch = NULL;
    if (l7_inspect_create(&insp, set, &o, NULL) != 0 ||
        l7_inspect_state_create(&st, insp) != 0 ||
        l7_pattern_scratch_create(&scratch, NULL, NULL) != 0)
        abort();
    static uint8_t ref[MAX_BYTES];
    size_t ref_len = 0;
    uint32_t expect = L7_PROTO_ID_UNSET;
    int limited = 0;
    for (uint64_t pkt = 1; pos < size && pkt <= 12; pkt++) {
        size_t len = data[pos++];
        if (len > size - pos)
            len = size - pos;
        const uint8_t *pl = data + pos;
        pos += len;
        if (mode & 1) {
            /* Every rule, in set order, on every packet: the same answers
             * as classify-all (first match wins, L6). */
            if (l7_inspect_observe(insp, st, pkt, pl, len) < 0)
                abort();
            for (unsigned k = 0; k <= n; k++) {
                uint32_t id = k < n ? ids[k] : L7_PROTO_ID_UNSET;
                int r = l7_inspect_rule(insp, st, pkt, pl, len, id);
                if (r < 0)
                    abort();
                if (r == L7_INSPECT_YES && k < n && l7_inspect_state_protocol(st) != id)
                    abort();
            }
            int r = l7_inspect_rule(insp, st, pkt, pl, len, L7_PROTO_ID_UNKNOWN);
            if (r == L7_INSPECT_YES &&
                l7_inspect_state_protocol(st) != L7_PROTO_ID_UNKNOWN)
                abort();
        } else if (l7_inspect_classify(insp, st, pkt, pl, len) < 0) {
            abort();
        }
        /* The reference. */
        if (expect != L7_PROTO_ID_UNSET)
            continue;
        if (pkt > 10) {
            expect = L7_PROTO_ID_UNKNOWN;
        } else {
            size_t added = 0;
            for (size_t i = 0; i < len && ref_len < MAX_BYTES; i++)
                if (pl[i]) {
                    ref[ref_len++] = pl[i];
                    added++;
                }
            for (unsigned k = 0; added && k < n; k++) {
                int r = l7_pattern_match(l7_protoset_pattern(set, ids[k]), scratch, ref,
                                         ref_len);
                if (r == L7_PATTERN_LIMIT)
                    limited = 1;
                if (r == L7_PATTERN_MATCH) {
                    expect = ids[k];
                    break;
                }
            }
        }
        l7_inspect_stats stats;
        memset(&stats, 0, sizeof(stats));
        stats.size = sizeof(stats);
        if (l7_inspect_get_stats(&stats, insp) != 0)
            abort();
        if (!limited && !stats.limit_hits && l7_inspect_state_protocol(st) != expect)
            abort();
        if (l7_inspect_state_buffered(st) > MAX_BYTES)
            abort();
    }
    l7_pattern_scratch_destroy(scratch);
    l7_inspect_state_destroy(insp, st);
    l7_inspect_destroy(insp);
    l7_protoset_destroy(set);
    return 0;
}
