/*
 * Status codes, version, allocator hooks and the diagnostic list.
 */
#include "common_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define L7_STR_(x) #x
#define L7_STR(x)  L7_STR_(x)

const char *l7_strerror(int status)
{
    switch ((l7_status)status) {
    case L7_OK:
        return "success";
    case L7_ENOMEM:
        return "out of memory";
    case L7_EINVAL:
        return "invalid argument";
    case L7_ESYNTAX:
        return "syntax error";
    case L7_ENOTFOUND:
        return "not found";
    case L7_EEXIST:
        return "already exists";
    case L7_ERANGE:
        return "value out of range";
    case L7_ELIMIT:
        return "limit reached";
    case L7_EUNSUPPORTED:
        return "not supported";
    case L7_EBUFFER:
        return "buffer too small";
    case L7_ESTATE:
        return "operation not allowed in this state";
    case L7_EINTERNAL:
        return "internal error";
    }
    return "unknown error";
}

uint32_t l7_version(void)
{
    return L7_VERSION_NUMBER;
}

const char *l7_version_string(void)
{
    return L7_STR(L7_VERSION_MAJOR) "." L7_STR(L7_VERSION_MINOR) "." L7_STR(
        L7_VERSION_PATCH);
}

/* ---- allocation ---------------------------------------------------------- */

static void *libc_malloc(size_t size, void *user)
{
    (void)user;
    return malloc(size);
}

static void *libc_realloc(void *ptr, size_t size, void *user)
{
    (void)user;
    return realloc(ptr, size);
}

static void libc_free(void *ptr, void *user)
{
    (void)user;
    free(ptr);
}

int l7_alloc_init(l7_alloc *out, const l7_allocator *hooks)
{
    if (!hooks || (!hooks->malloc_fn && !hooks->realloc_fn && !hooks->free_fn)) {
        out->malloc_fn = libc_malloc;
        out->realloc_fn = libc_realloc;
        out->free_fn = libc_free;
        out->user = NULL;
        return L7_OK;
    }
    if (!hooks->malloc_fn || !hooks->realloc_fn || !hooks->free_fn)
        return L7_EINVAL;
    out->malloc_fn = hooks->malloc_fn;
    out->realloc_fn = hooks->realloc_fn;
    out->free_fn = hooks->free_fn;
    out->user = hooks->user;
    return L7_OK;
}

void *l7_malloc(const l7_alloc *a, size_t size)
{
    return a->malloc_fn(size ? size : 1, a->user);
}

void *l7_calloc(const l7_alloc *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    void *p = l7_malloc(a, count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

void *l7_realloc(const l7_alloc *a, void *ptr, size_t size)
{
    return a->realloc_fn(ptr, size ? size : 1, a->user);
}

void l7_free(const l7_alloc *a, void *ptr)
{
    if (ptr)
        a->free_fn(ptr, a->user);
}

char *l7_strndup(const l7_alloc *a, const char *s, size_t n)
{
    char *p = l7_malloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *l7_strdup(const l7_alloc *a, const char *s)
{
    return l7_strndup(a, s, strlen(s));
}

int l7_grow(const l7_alloc *a, void **items, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return L7_OK;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return L7_ENOMEM;
        ncap *= 2;
    }
    if (elem && ncap > SIZE_MAX / elem)
        return L7_ENOMEM;
    void *p = l7_realloc(a, *items, ncap * elem);
    if (!p)
        return L7_ENOMEM;
    *items = p;
    *cap = ncap;
    return L7_OK;
}

/* ---- diagnostics --------------------------------------------------------- */

typedef struct l7_diag_entry {
    l7_severity severity;
    int code;
    uint32_t line, column, length;
    char *item;
    char *message;
} l7_diag_entry;

struct l7_diag_list {
    l7_alloc alloc;
    l7_diag_entry *items;
    size_t count, cap;
};

int l7_diag_list_create(l7_diag_list **out, const l7_allocator *hooks)
{
    if (!out)
        return L7_EINVAL;
    *out = NULL;
    l7_alloc a;
    L7_TRY(l7_alloc_init(&a, hooks));
    l7_diag_list *list = l7_calloc(&a, 1, sizeof(*list));
    if (!list)
        return L7_ENOMEM;
    list->alloc = a;
    *out = list;
    return L7_OK;
}

void l7_diag_list_clear(l7_diag_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++) {
        l7_free(&list->alloc, list->items[i].item);
        l7_free(&list->alloc, list->items[i].message);
    }
    list->count = 0;
}

void l7_diag_list_destroy(l7_diag_list *list)
{
    if (!list)
        return;
    l7_diag_list_clear(list);
    l7_free(&list->alloc, list->items);
    l7_free(&list->alloc, list);
}

size_t l7_diag_list_count(const l7_diag_list *list)
{
    return list ? list->count : 0;
}

size_t l7_diag_list_count_severity(const l7_diag_list *list, l7_severity severity)
{
    size_t n = 0;
    for (size_t i = 0; list && i < list->count; i++)
        n += list->items[i].severity == severity;
    return n;
}

static const l7_diag_entry *entry_at(const l7_diag_list *list, size_t index)
{
    return (list && index < list->count) ? &list->items[index] : NULL;
}

l7_severity l7_diag_severity(const l7_diag_list *list, size_t index)
{
    const l7_diag_entry *e = entry_at(list, index);
    return e ? e->severity : L7_SEV_ERROR;
}

int l7_diag_code(const l7_diag_list *list, size_t index)
{
    const l7_diag_entry *e = entry_at(list, index);
    return e ? e->code : L7_EINVAL;
}

const char *l7_diag_message(const l7_diag_list *list, size_t index)
{
    const l7_diag_entry *e = entry_at(list, index);
    return e && e->message ? e->message : "";
}

const char *l7_diag_item(const l7_diag_list *list, size_t index)
{
    const l7_diag_entry *e = entry_at(list, index);
    return e && e->item ? e->item : "";
}

uint32_t l7_diag_line(const l7_diag_list *list, size_t index)
{
    const l7_diag_entry *e = entry_at(list, index);
    return e ? e->line : 0;
}

uint32_t l7_diag_column(const l7_diag_list *list, size_t index)
{
    const l7_diag_entry *e = entry_at(list, index);
    return e ? e->column : 0;
}

uint32_t l7_diag_length(const l7_diag_list *list, size_t index)
{
    const l7_diag_entry *e = entry_at(list, index);
    return e ? e->length : 0;
}

static const char *severity_name(l7_severity s)
{
    switch (s) {
    case L7_SEV_ERROR:
        return "error";
    case L7_SEV_WARNING:
        return "warning";
    case L7_SEV_NOTE:
        return "note";
    }
    return "error";
}

int l7_diag_format(const l7_diag_list *list, size_t index, char *buf, size_t size)
{
    const l7_diag_entry *e = entry_at(list, index);
    if (!e || (!buf && size))
        return L7_EINVAL;
    char pos[64] = "";
    if (e->line && e->column)
        snprintf(pos, sizeof(pos), "%u:%u:", (unsigned)e->line, (unsigned)e->column);
    else if (e->line)
        snprintf(pos, sizeof(pos), "%u:", (unsigned)e->line);
    const char *item = e->item ? e->item : "";
    int n = snprintf(buf, size, "%s%s%s%s%s: %s", item, *item ? ":" : "", pos,
                     (*item || *pos) ? " " : "", severity_name(e->severity),
                     e->message ? e->message : "");
    /* "item:" followed by "1:2:" gives "item:1:2: error: ..."; with no
     * position the trailing colon of the item already separates it. */
    return n < 0 ? L7_EINTERNAL : n;
}

void l7_diag_vadd(l7_diag_list *list, l7_severity sev, int code, const char *item,
                  uint32_t line, uint32_t column, uint32_t length, const char *fmt,
                  va_list ap)
{
    if (!list)
        return;
    if (l7_grow(&list->alloc, (void **)&list->items, &list->cap, list->count + 1,
                sizeof(*list->items)) < 0)
        return;
    char small[256];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof(small), fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    char *msg = l7_malloc(&list->alloc, (size_t)n + 1);
    if (!msg)
        return;
    if ((size_t)n < sizeof(small))
        memcpy(msg, small, (size_t)n + 1);
    else
        vsnprintf(msg, (size_t)n + 1, fmt, ap);
    char *it = NULL;
    if (item && *item) {
        it = l7_strdup(&list->alloc, item);
        if (!it) {
            l7_free(&list->alloc, msg);
            return;
        }
    }
    l7_diag_entry *e = &list->items[list->count++];
    e->severity = sev;
    e->code = code;
    e->line = line;
    e->column = column;
    e->length = length;
    e->item = it;
    e->message = msg;
}

void l7_diag_add(l7_diag_list *list, l7_severity sev, int code, const char *item,
                 uint32_t line, uint32_t column, uint32_t length, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    l7_diag_vadd(list, sev, code, item, line, column, length, fmt, ap);
    va_end(ap);
}

void l7_diag_relocate(l7_diag_list *list, size_t from, uint32_t line,
                      uint32_t column_offset, const char *item)
{
    for (size_t i = from; list && i < list->count; i++) {
        l7_diag_entry *e = &list->items[i];
        e->line = line;
        if (e->column)
            e->column += column_offset;
        if (item && *item) {
            char *it = l7_strdup(&list->alloc, item);
            if (it) {
                l7_free(&list->alloc, e->item);
                e->item = it;
            }
        }
    }
}
