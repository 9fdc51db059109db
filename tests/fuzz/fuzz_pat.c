/*
 * Fuzz target: the l7-filter `.pat` reader. Input: the file. The offsets it
 * returns must lie inside the input, and adding it to a set must agree with
 * parsing it.
 */
#include "fuzz.h"

#include <l7/protoset.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    l7_diag_list *diag = NULL;
    l7_protoset *set = NULL;
    if (l7_diag_list_create(&diag, NULL) != 0 ||
        l7_protoset_create(&set, NULL, NULL) != 0)
        abort();
    l7_pat_info info;
    int rc = l7_protoset_parse_pat(&info, data, size, NULL, diag);
    if (rc == 0) {
        if (info.name_len == 0 || info.name_offset + info.name_len > size ||
            info.regexp_offset + info.regexp_len > size || info.regexp_line == 0 ||
            memchr(data + info.regexp_offset, '\n', info.regexp_len))
            abort();
    } else if (rc != L7_ESYNTAX || l7_diag_list_count(diag) == 0) {
        abort();
    }
    uint32_t id;
    int ra = l7_protoset_add_pat(&id, set, data, size, NULL, diag);
    if (rc != 0 && ra == 0)
        abort();
    if (ra == 0) {
        size_t rlen = 0;
        const char *re = l7_protoset_regexp(set, id, &rlen);
        if (!re || rlen != info.regexp_len ||
            memcmp(re, data + info.regexp_offset, rlen))
            abort();
    }
    l7_protoset_destroy(set);
    l7_diag_list_destroy(diag);
    return 0;
}
