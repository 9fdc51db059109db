/*
 * Private helpers shared by every module: allocation through the caller's
 * hooks, diagnostics, branch hints. Never installed.
 */
#ifndef L7_COMMON_INTERNAL_H
#define L7_COMMON_INTERNAL_H

#include "l7/common.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define L7_LIKELY(x)    __builtin_expect(!!(x), 1)
#define L7_UNLIKELY(x)  __builtin_expect(!!(x), 0)
#define L7_NOINLINE     __attribute__((noinline))
#define L7_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define L7_UNUSED       __attribute__((unused))
#else
#define L7_LIKELY(x)   (x)
#define L7_UNLIKELY(x) (x)
#define L7_NOINLINE
#define L7_PRINTF(f, a)
#define L7_UNUSED
#endif

#define L7_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Propagate a negative status in one line. */
#define L7_TRY(expr)                                                                   \
    do {                                                                               \
        int l7_try_rc_ = (expr);                                                       \
        if (L7_UNLIKELY(l7_try_rc_ < 0))                                               \
            return l7_try_rc_;                                                         \
    } while (0)

/*
 * An allocator as stored inside objects: always complete (libc functions
 * filled in when the caller gave none), so the hot path never tests for NULL.
 */
typedef struct l7_alloc {
    void *(*malloc_fn)(size_t size, void *user);
    void *(*realloc_fn)(void *ptr, size_t size, void *user);
    void (*free_fn)(void *ptr, void *user);
    void *user;
} l7_alloc;

/* Resolve caller hooks (possibly NULL or partial) into a complete allocator.
 * Returns L7_EINVAL when only some of the three functions are set. */
int l7_alloc_init(l7_alloc *out, const l7_allocator *hooks);

void *l7_malloc(const l7_alloc *a, size_t size);
void *l7_calloc(const l7_alloc *a, size_t count, size_t size);
void *l7_realloc(const l7_alloc *a, void *ptr, size_t size);
void l7_free(const l7_alloc *a, void *ptr);
char *l7_strdup(const l7_alloc *a, const char *s);
char *l7_strndup(const l7_alloc *a, const char *s, size_t n);

/* Grow *items (element size `elem`) so that it holds at least `need`
 * elements; capacity doubles. Returns L7_OK or L7_ENOMEM. */
int l7_grow(const l7_alloc *a, void **items, size_t *cap, size_t need, size_t elem);

/*
 * Append a diagnostic. `list` may be NULL (then nothing is recorded, but the
 * call is still cheap). Allocation failures while recording are ignored: the
 * caller's status code already says what went wrong.
 */
void l7_diag_add(l7_diag_list *list, l7_severity sev, int code, const char *item,
                 uint32_t line, uint32_t column, uint32_t length, const char *fmt, ...)
    L7_PRINTF(8, 9);
void l7_diag_vadd(l7_diag_list *list, l7_severity sev, int code, const char *item,
                  uint32_t line, uint32_t column, uint32_t length, const char *fmt,
                  va_list ap);

/* Shift line/column of entries [from, count) — used when a caller embeds a
 * piece of text (a regexp) at a known position of a larger text (a script). */
void l7_diag_relocate(l7_diag_list *list, size_t from, uint32_t line,
                      uint32_t column_offset, const char *item);

#endif
