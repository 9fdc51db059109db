/*
 * Fuzz target: TZif parsing (RFC 8536, with the POSIX TZ footer) and the
 * lookups over the resulting zone, at instants around the edges of uint64
 * nanoseconds and at instants taken from the input.
 */
#include "fuzz.h"

#include <l7/tz.h>

#include <stdlib.h>
#include <string.h>

static void probe(const l7_tz *tz, uint64_t now)
{
    l7_local_time lt;
    if (l7_tz_to_local(&lt, tz, now) != 0)
        abort();
    if (lt.second_of_day >= 86400 || lt.weekday > 6)
        abort();
    (void)l7_tz_offset(tz, now);
    const char *abbr = l7_tz_abbreviation(tz, now);
    if (abbr != NULL)
        (void)strlen(abbr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    l7_diag_list *diags = NULL;
    if (l7_diag_list_create(&diags, NULL) != 0)
        abort();
    l7_tz *tz = NULL;
    if (l7_tz_create_from_tzif(&tz, data, size, NULL, diags) == 0) {
        static const uint64_t fixed[] = {
            0,
            1,
            86399999999999ull,
            1700000000000000000ull,
            4102444800000000000ull,
            UINT64_MAX / 2,
            UINT64_MAX - 1,
            UINT64_MAX,
        };
        for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
            probe(tz, fixed[i]);
        for (size_t i = 0; i + 8 <= size && i < 256; i += 8) {
            uint64_t t = 0;
            memcpy(&t, data + i, 8);
            probe(tz, t);
        }
        l7_tz_destroy(l7_tz_ref(tz));
        l7_tz_destroy(tz);
    }
    for (size_t i = 0; i < l7_diag_list_count(diags); i++)
        (void)strlen(l7_diag_message(diags, i));
    l7_diag_list_destroy(diags);
    return 0;
}
