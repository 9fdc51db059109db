/*
 * Fuzz target: layer-7 regexps. Input: byte 0 = flags (compat-l7filter),
 * bytes 1-2 = regexp length (little endian, clipped), then the regexp, then
 * the payload. Checks that translation and compilation agree, and that the
 * `^.*X.*$` stripping and the JIT never change a match answer.
 */
#include "fuzz.h"

#include <l7/pattern.h>

#include <stdlib.h>

static int match(const l7_pattern *p, l7_pattern_scratch *s, const uint8_t *d, size_t n)
{
    int r = l7_pattern_match(p, s, d, n);
    if (r < 0 || r > L7_PATTERN_LIMIT)
        abort();
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    l7_pattern_options opts;
    l7_pattern_options_init(&opts);
    opts.flags = data[0] & L7_PATTERN_COMPAT_L7FILTER;
    size_t rlen = (size_t)(data[1] | data[2] << 8);
    data += 3;
    size -= 3;
    if (rlen > size)
        rlen = size;
    const char *re = (const char *)data;
    const uint8_t *payload = data + rlen;
    size_t plen = size - rlen;

    l7_diag_list *diag = NULL;
    if (l7_diag_list_create(&diag, NULL) != 0)
        abort();
    char small[16];
    int tl = l7_pattern_translate(small, sizeof(small), re, rlen, &opts, "p", diag);
    if (tl < 0 && tl != L7_ESYNTAX)
        abort();
    if (tl == L7_ESYNTAX && l7_diag_list_count(diag) == 0)
        abort();
    l7_pattern *p = NULL;
    int rc = l7_pattern_compile(&p, re, rlen, &opts, NULL, "p", NULL);
    if (tl < 0 && rc == L7_OK)
        abort(); /* translation refused it, compile must too */
    if (rc != L7_OK && (rc != L7_ESYNTAX || p))
        abort();
    l7_pattern_options plain = opts;
    plain.flags |= L7_PATTERN_NO_STRIP | L7_PATTERN_NO_JIT;
    l7_pattern *q = NULL;
    int rq = l7_pattern_compile(&q, re, rlen, &plain, NULL, "p", NULL);
    if ((rc == L7_OK) != (rq == L7_OK))
        abort();
    if (p) {
        l7_pattern_scratch *s = NULL;
        if (l7_pattern_scratch_create(&s, NULL, NULL) != 0)
            abort();
        int a = match(p, s, payload, plen);
        int b = match(q, s, payload, plen);
        if (a != L7_PATTERN_LIMIT && b != L7_PATTERN_LIMIT && a != b)
            abort();
        (void)match(p, s, payload, plen / 2);
        l7_pattern_scratch_destroy(s);
    }
    l7_pattern_destroy(p);
    l7_pattern_destroy(q);
    l7_diag_list_destroy(diag);
    return 0;
}
