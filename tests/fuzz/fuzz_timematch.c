/*
 * Fuzz target: `time=` values. The input is the text; the matcher is
 * evaluated at every hour edge of a week and its canonical form is parsed
 * again, which must give the same window (export round trip).
 */
#include "fuzz.h"

#include <l7/timematch.h>
#include <l7/tz.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    l7_diag_list *diags = NULL;
    if (l7_diag_list_create(&diags, NULL) != 0)
        abort();
    l7_timematch *tm = NULL;
    if (l7_timematch_create(&tm, (const char *)data, size, NULL, diags) == 0) {
        uint32_t n = l7_timematch_range_count(tm);
        if (n == 0)
            abort();
        for (uint32_t i = 0; i < n; i++) {
            uint32_t s = 0, e = 0;
            if (l7_timematch_range(&s, &e, tm, i) != 0 || s > 86400 || e > 86400)
                abort();
        }
        int need = l7_timematch_format(tm, NULL, 0);
        if (need < 0)
            abort();
        char *text = malloc((size_t)need + 1);
        if (text == NULL)
            abort();
        if (l7_timematch_format(tm, text, (size_t)need + 1) != need)
            abort();
        char small[8];
        (void)l7_timematch_format(tm, small, sizeof small);
        l7_timematch *again = NULL;
        if (l7_timematch_create(&again, text, (size_t)need, NULL, NULL) != 0)
            abort(); /* export must load back */
        l7_local_time lt;
        memset(&lt, 0, sizeof lt);
        for (uint32_t day = 0; day < 7; day++)
            for (uint32_t sec = 0; sec < 86400; sec += 1799) {
                lt.weekday = (uint8_t)day;
                lt.second_of_day = sec;
                if (l7_timematch_eval_local(tm, &lt) !=
                    l7_timematch_eval_local(again, &lt))
                    abort();
            }
        (void)l7_timematch_eval(tm, NULL, UINT64_MAX);
        (void)l7_timematch_eval(tm, NULL, 0);
        l7_timematch_destroy(again);
        free(text);
        l7_timematch_destroy(tm);
    }
    for (size_t i = 0; i < l7_diag_list_count(diags); i++)
        (void)strlen(l7_diag_message(diags, i));
    l7_diag_list_destroy(diags);
    return 0;
}
