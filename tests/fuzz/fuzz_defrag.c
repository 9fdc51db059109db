/*
 * Fuzz target: IPv4/IPv6 reassembly.
 * Input: a sequence of records [u8 flags][u16 length, big-endian][length
 * bytes of an IP datagram]. Each record is parsed as a layer-3 frame and,
 * when it is a fragment, added to a small table; flags bit 0 advances the
 * clock past the timeout (and expires), bit 1 releases the last result.
 * A completed datagram is parsed again, as a host would.
 */
#include "fuzz.h"

#include <l7/defrag.h>
#include <l7/packet.h>

#include <stdlib.h>

static void on_drop(uint64_t cookie, void *user)
{
    (void)cookie;
    ++*(unsigned *)user;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    l7_packet *pkt = NULL, *whole = NULL;
    l7_defrag *df = NULL;
    l7_defrag_options opts;
    l7_defrag_options_init(&opts);
    opts.max_fragments = 16;
    opts.max_datagrams = 4;
    opts.max_memory = 64 * 1024;
    opts.timeout_ns = 1000000000ull;
    if (l7_packet_create(&pkt, NULL) != 0 || l7_packet_create(&whole, NULL) != 0 ||
        l7_defrag_create(&df, &opts, NULL) != 0)
        abort();
    uint64_t now = 1700000000000000000ull;
    uint64_t cookie = 0;
    unsigned dropped = 0;
    size_t p = 0;
    while (p + 3 <= size) {
        uint8_t flags = data[p];
        size_t n = (size_t)data[p + 1] << 8 | data[p + 2];
        p += 3;
        if (n > size - p)
            n = size - p;
        const uint8_t *frame = data + p;
        p += n;
        if (flags & 1) {
            now += 2000000000ull;
            if (l7_defrag_expire(df, now, on_drop, &dropped) < 0)
                abort();
        }
        if (flags & 2)
            l7_defrag_release(df);
        if (l7_packet_parse_l3(pkt, frame, n) != 0)
            abort();
        if (l7_packet_get_status(pkt) != L7_PACKET_OK || !l7_packet_is_fragment(pkt))
            continue;
        l7_defrag_result res;
        int rc = l7_defrag_add(&res, df, pkt, cookie++, now);
        if (rc != 0)
            continue;
        uint32_t count = 0;
        const uint64_t *cookies = l7_defrag_cookies(df, &count);
        for (uint32_t i = 0; i < count; i++)
            if (cookies[i] >= cookie)
                abort();
        if (res == L7_DEFRAG_COMPLETE) {
            uint32_t len = 0;
            const uint8_t *dg = l7_defrag_datagram(df, &len);
            if (dg == NULL || len == 0)
                abort();
            if (l7_packet_parse_l3(whole, dg, len) != 0)
                abort();
            if (l7_packet_get_status(whole) == L7_PACKET_OK &&
                l7_packet_is_fragment(whole))
                abort(); /* a reassembled datagram is never a fragment */
        }
    }
    l7_defrag_stats st = {.size = sizeof st};
    if (l7_defrag_get_stats(&st, df) != 0)
        abort();
    l7_defrag_destroy(df);
    l7_packet_destroy(whole);
    l7_packet_destroy(pkt);
    return 0;
}
