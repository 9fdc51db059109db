/*
 * A named, ordered set of layer-7 protocols (`/ip firewall layer7-protocol`)
 * and the l7-filter `.pat` reader (routeros-spec.md §1.6).
 */
#include "protoset_internal.h"

#include <string.h>

/* Ids are small integers below L7_PROTO_ID_MAX; a set this large would
 * already be far beyond what any router configuration holds. */
#define MAX_PROTOCOLS 1000000u

void l7_protoset_options_init(l7_protoset_options *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof(*opts));
    opts->size = sizeof(*opts);
    l7_pattern_options_init(&opts->pattern);
}

int l7_protoset_create(l7_protoset **out, const l7_protoset_options *opts,
                       const l7_allocator *alloc)
{
    if (!out)
        return L7_EINVAL;
    *out = NULL;
    if (opts && opts->size < sizeof(l7_protoset_options))
        return L7_EINVAL;
    l7_alloc a;
    L7_TRY(l7_alloc_init(&a, alloc));
    l7_protoset *set = l7_calloc(&a, 1, sizeof(*set));
    if (!set)
        return L7_ENOMEM;
    set->alloc = a;
    if (opts)
        set->opts = *opts;
    else
        l7_protoset_options_init(&set->opts);
    atomic_init(&set->refs, 1);
    *out = set;
    return L7_OK;
}

l7_protoset *l7_protoset_ref(l7_protoset *set)
{
    if (set)
        atomic_fetch_add_explicit(&set->refs, 1, memory_order_relaxed);
    return set;
}

static void proto_clear(const l7_alloc *a, l7_proto *p)
{
    l7_free(a, p->name);
    l7_free(a, p->regexp);
    l7_free(a, p->comment);
    l7_pattern_destroy(p->pattern);
    memset(p, 0, sizeof(*p));
}

void l7_protoset_destroy(l7_protoset *set)
{
    if (!set)
        return;
    if (atomic_fetch_sub_explicit(&set->refs, 1, memory_order_acq_rel) != 1)
        return;
    for (uint32_t i = 0; i < set->bound; i++)
        proto_clear(&set->alloc, &set->items[i]);
    l7_free(&set->alloc, set->items);
    l7_free(&set->alloc, set);
}

/* The allocator hooks of the set, for the patterns it compiles. */
static l7_allocator hooks_of(const l7_protoset *set)
{
    l7_allocator h = {set->alloc.malloc_fn, set->alloc.realloc_fn, set->alloc.free_fn,
                      set->alloc.user};
    return h;
}

static int check_name(const char *name, l7_diag_list *diag)
{
    if (!name)
        return L7_EINVAL;
    size_t n = strlen(name);
    bool printable = true, blank = true;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)name[i];
        printable &= c >= 0x20 && c < 0x7f;
        blank &= c == ' ';
    }
    const char *why = NULL;
    if (n == 0)
        why = "empty protocol name";
    else if (n > L7_PROTO_NAME_MAX)
        why = "protocol name longer than 255 bytes";
    else if (!printable)
        why = "protocol name has a control or non-ASCII byte";
    else if (blank)
        why = "protocol name is only spaces";
    else if (strcmp(name, "unknown") == 0 || strcmp(name, "unset") == 0)
        why = "'unknown' and 'unset' are reserved protocol names";
    if (why) {
        l7_diag_add(diag, L7_SEV_ERROR, L7_EINVAL, n <= L7_PROTO_NAME_MAX ? name : NULL,
                    0, 0, 0, "%s", why);
        return L7_EINVAL;
    }
    return L7_OK;
}

static l7_proto *proto_at(const l7_protoset *set, uint32_t id)
{
    if (!set || id >= set->bound || !set->items[id].name)
        return NULL;
    return &set->items[id];
}

int l7_protoset_lookup(uint32_t *out, const l7_protoset *set, const char *name)
{
    if (out)
        *out = L7_PROTO_ID_NONE;
    if (!out || !set || !name)
        return L7_EINVAL;
    if (strcmp(name, "unknown") == 0) {
        *out = L7_PROTO_ID_UNKNOWN;
        return L7_OK;
    }
    if (strcmp(name, "unset") == 0) {
        *out = L7_PROTO_ID_UNSET;
        return L7_OK;
    }
    for (uint32_t i = 0; i < set->bound; i++) {
        if (set->items[i].name && strcmp(set->items[i].name, name) == 0) {
            *out = i;
            return L7_OK;
        }
    }
    return L7_ENOTFOUND;
}

/* Compile `regexp` for protocol `name` and copy its text. */
static int compile_for(l7_protoset *set, const char *name, const char *regexp,
                       size_t regexp_len, l7_diag_list *diag, l7_pattern **pat,
                       char **text)
{
    if (!regexp && regexp_len)
        return L7_EINVAL;
    l7_allocator h = hooks_of(set);
    L7_TRY(l7_pattern_compile(pat, regexp ? regexp : "", regexp_len, &set->opts.pattern,
                              &h, name, diag));
    *text = l7_strndup(&set->alloc, regexp ? regexp : "", regexp_len);
    if (!*text) {
        l7_pattern_destroy(*pat);
        *pat = NULL;
        return L7_ENOMEM;
    }
    return L7_OK;
}

int l7_protoset_add(uint32_t *out, l7_protoset *set, const char *name,
                    const char *regexp, size_t regexp_len, l7_diag_list *diag)
{
    if (out)
        *out = L7_PROTO_ID_NONE;
    if (!set)
        return L7_EINVAL;
    L7_TRY(check_name(name, diag));
    uint32_t existing;
    if (l7_protoset_lookup(&existing, set, name) == L7_OK) {
        l7_diag_add(diag, L7_SEV_ERROR, L7_EEXIST, name, 0, 0, 0,
                    "a protocol with this name already exists");
        return L7_EEXIST;
    }
    if (set->bound >= MAX_PROTOCOLS) {
        l7_diag_add(diag, L7_SEV_ERROR, L7_ERANGE, name, 0, 0, 0,
                    "too many protocols in one set");
        return L7_ERANGE;
    }
    L7_TRY(l7_grow(&set->alloc, (void **)&set->items, &set->cap, set->bound + 1,
                   sizeof(*set->items)));
    l7_proto p;
    memset(&p, 0, sizeof(p));
    L7_TRY(compile_for(set, name, regexp, regexp_len, diag, &p.pattern, &p.regexp));
    p.regexp_len = regexp_len;
    p.name = l7_strdup(&set->alloc, name);
    if (!p.name) {
        proto_clear(&set->alloc, &p);
        return L7_ENOMEM;
    }
    p.enabled = 1;
    uint32_t id = set->bound++;
    set->items[id] = p;
    set->live++;
    if (out)
        *out = id;
    return L7_OK;
}

int l7_protoset_set_regexp(l7_protoset *set, uint32_t id, const char *regexp,
                           size_t regexp_len, l7_diag_list *diag)
{
    l7_proto *p = proto_at(set, id);
    if (!p)
        return set ? L7_ENOTFOUND : L7_EINVAL;
    l7_pattern *pat = NULL;
    char *text = NULL;
    L7_TRY(compile_for(set, p->name, regexp, regexp_len, diag, &pat, &text));
    l7_pattern_destroy(p->pattern);
    l7_free(&set->alloc, p->regexp);
    p->pattern = pat;
    p->regexp = text;
    p->regexp_len = regexp_len;
    set->gen++;
    return L7_OK;
}

int l7_protoset_remove(l7_protoset *set, uint32_t id)
{
    l7_proto *p = proto_at(set, id);
    if (!p)
        return set ? L7_ENOTFOUND : L7_EINVAL;
    proto_clear(&set->alloc, p);
    set->live--;
    return L7_OK;
}

int l7_protoset_set_enabled(l7_protoset *set, uint32_t id, int enabled)
{
    l7_proto *p = proto_at(set, id);
    if (!p)
        return set ? L7_ENOTFOUND : L7_EINVAL;
    p->enabled = enabled != 0;
    return L7_OK;
}

int l7_protoset_set_comment(l7_protoset *set, uint32_t id, const char *comment)
{
    l7_proto *p = proto_at(set, id);
    if (!p)
        return set ? L7_ENOTFOUND : L7_EINVAL;
    char *c = NULL;
    if (comment && *comment) {
        c = l7_strdup(&set->alloc, comment);
        if (!c)
            return L7_ENOMEM;
    }
    l7_free(&set->alloc, p->comment);
    p->comment = c;
    return L7_OK;
}

uint32_t l7_protoset_count(const l7_protoset *set)
{
    return set ? set->live : 0;
}

uint32_t l7_protoset_id_bound(const l7_protoset *set)
{
    return set ? set->bound : 0;
}

const char *l7_protoset_name(const l7_protoset *set, uint32_t id)
{
    if (id == L7_PROTO_ID_UNKNOWN)
        return "unknown";
    if (id == L7_PROTO_ID_UNSET)
        return "unset";
    const l7_proto *p = proto_at(set, id);
    return p ? p->name : NULL;
}

const char *l7_protoset_regexp(const l7_protoset *set, uint32_t id, size_t *out_len)
{
    const l7_proto *p = proto_at(set, id);
    if (out_len)
        *out_len = p ? p->regexp_len : 0;
    return p ? p->regexp : NULL;
}

const char *l7_protoset_comment(const l7_protoset *set, uint32_t id)
{
    const l7_proto *p = proto_at(set, id);
    if (!p)
        return NULL;
    return p->comment ? p->comment : "";
}

int l7_protoset_enabled(const l7_protoset *set, uint32_t id)
{
    const l7_proto *p = proto_at(set, id);
    if (!p)
        return set ? L7_ENOTFOUND : L7_EINVAL;
    return p->enabled;
}

const l7_pattern *l7_protoset_pattern(const l7_protoset *set, uint32_t id)
{
    const l7_proto *p = proto_at(set, id);
    return p ? p->pattern : NULL;
}

/* ---- .pat files ----------------------------------------------------------- */

int l7_protoset_parse_pat(l7_pat_info *out, const uint8_t *data, size_t len,
                          const char *expected_name, l7_diag_list *diag)
{
    if (!out || (!data && len))
        return L7_EINVAL;
    memset(out, 0, sizeof(*out));
    const char *item = expected_name;
    bool have_name = false;
    uint32_t line = 0;
    size_t pos = 0;
    while (pos < len) {
        size_t start = pos, end = pos;
        while (end < len && data[end] != '\n')
            end++;
        pos = end < len ? end + 1 : end;
        line++;
        size_t stop = end;
        if (stop > start && data[stop - 1] == '\r')
            stop--;
        if (memchr(data + start, 0, stop - start)) {
            l7_diag_add(diag, L7_SEV_ERROR, L7_ESYNTAX, item, line, 0, 0,
                        "NUL byte in .pat file");
            return L7_ESYNTAX;
        }
        if (stop == start || data[start] == '#')
            continue;
        if (!have_name) {
            size_t n = start;
            while (n < stop && data[n] != ' ' && data[n] != '\t')
                n++;
            if (n == start) {
                /* An indented line: l7-filter would read an empty name. */
                l7_diag_add(diag, L7_SEV_ERROR, L7_ESYNTAX, item, line, 1, 0,
                            "protocol name line starts with a space or tab");
                return L7_ESYNTAX;
            }
            out->name_offset = start;
            out->name_len = n - start;
            if (expected_name && (strlen(expected_name) != out->name_len ||
                                  memcmp(expected_name, data + start, out->name_len))) {
                l7_diag_add(diag, L7_SEV_ERROR, L7_ESYNTAX, item, line, 1,
                            (uint32_t)out->name_len,
                            "protocol name '%.*s' does not match the file name",
                            (int)(out->name_len > 64 ? 64 : out->name_len),
                            (const char *)data + start);
                return L7_ESYNTAX;
            }
            have_name = true;
            continue;
        }
        out->regexp_offset = start;
        out->regexp_len = stop - start;
        out->regexp_line = line;
        return L7_OK;
    }
    l7_diag_add(diag, L7_SEV_ERROR, L7_ESYNTAX, item, 0, 0, 0,
                have_name ? "no regexp line after the protocol name"
                          : "no protocol name (only comments and blank lines)");
    return L7_ESYNTAX;
}

int l7_protoset_add_pat(uint32_t *out, l7_protoset *set, const uint8_t *data,
                        size_t len, const char *expected_name, l7_diag_list *diag)
{
    if (out)
        *out = L7_PROTO_ID_NONE;
    if (!set)
        return L7_EINVAL;
    l7_pat_info info;
    L7_TRY(l7_protoset_parse_pat(&info, data, len, expected_name, diag));
    if (info.name_len > L7_PROTO_NAME_MAX) {
        l7_diag_add(diag, L7_SEV_ERROR, L7_EINVAL, expected_name, 0, 0, 0,
                    "protocol name longer than 255 bytes");
        return L7_EINVAL;
    }
    char name[L7_PROTO_NAME_MAX + 1];
    memcpy(name, data + info.name_offset, info.name_len);
    name[info.name_len] = '\0';
    size_t first = l7_diag_list_count(diag);
    int rc = l7_protoset_add(out, set, name, (const char *)data + info.regexp_offset,
                             info.regexp_len, diag);
    /* Regexp diagnostics carry the regexp's line in the file. */
    if (l7_diag_list_count(diag) > first && l7_diag_column(diag, first))
        l7_diag_relocate(diag, first, info.regexp_line, 0, NULL);
    return rc;
}
