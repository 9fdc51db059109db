/*
 * Fuzz target: every RouterOS value parser. The whole input goes through
 * each parser; what parses is formatted and parsed again, which must give
 * the same value (the export round trip).
 */
#include "fuzz.h"

#include <l7/value.h>

#include <stdlib.h>
#include <string.h>

static void addrspec(const char *t, size_t n, uint32_t family)
{
    l7_value_addrspec a, b;
    if (l7_value_parse_addrspec(&a, t, n, family) != 0)
        return;
    char buf[128];
    int len = l7_value_format_addrspec(buf, sizeof(buf), &a);
    if (len < 0 || (size_t)len >= sizeof(buf))
        abort();
    if (l7_value_parse_addrspec(&b, buf, (size_t)len, family) != 0)
        abort();
    if (memcmp(&a.first, &b.first, sizeof(a.first)) ||
        memcmp(&a.last, &b.last, sizeof(a.last)) || a.kind != b.kind)
        abort();
    if (!l7_value_addrspec_contains(&a, &a.first) ||
        !l7_value_addrspec_contains(&a, &a.last))
        abort();
    l7_value_addrspec c;
    if (l7_value_addrspec_from_range(&c, &a.first, &a.last) == 0 &&
        (memcmp(&c.first, &a.first, sizeof(c.first)) ||
         memcmp(&c.last, &a.last, sizeof(c.last))))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *t = (const char *)data;
    char buf[128];
    l7_addr addr;
    (void)l7_value_parse_addr(&addr, t, size, 0);
    addrspec(t, size, 0);
    addrspec(t, size, 4);
    addrspec(t, size, 6);

    uint64_t v, w;
    if (l7_value_parse_duration(&v, t, size) == 0) {
        int len = l7_value_format_duration(buf, sizeof(buf), v);
        if (len < 0 || (size_t)len >= sizeof(buf) ||
            l7_value_parse_duration(&w, buf, (size_t)len) != 0 || v != w)
            abort();
    }
    if (l7_value_parse_rate(&v, t, size) == 0) {
        int len = l7_value_format_rate(buf, sizeof(buf), v);
        if (len < 0 || (size_t)len >= sizeof(buf) ||
            l7_value_parse_rate(&w, buf, (size_t)len) != 0 || v != w)
            abort();
    }
    l7_value_portlist pl, pl2;
    if (l7_value_parse_portlist(&pl, t, size) == 0) {
        static char big[L7_VALUE_PORTLIST_MAX * 12 + 1];
        int len = l7_value_format_portlist(big, sizeof(big), &pl);
        if (len < 0 || (size_t)len >= sizeof(big) ||
            l7_value_parse_portlist(&pl2, big, (size_t)len) != 0 ||
            memcmp(&pl, &pl2, sizeof(pl)) != 0)
            abort();
        if (!l7_value_portlist_contains(&pl, pl.lo[0]))
            abort();
    }
    uint32_t b;
    (void)l7_value_parse_bool(&b, t, size);
    l7_value_span spans[8];
    size_t count = 0;
    int rc = l7_value_split(spans, 8, &count, t, size, ',');
    if (rc == 0 || rc == L7_EBUFFER) {
        for (size_t k = 0; k < count && k < 8; k++)
            if (spans[k].length == 0 ||
                (size_t)spans[k].offset + spans[k].length > size)
                abort();
    }
    return 0;
}
