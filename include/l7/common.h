/**
 * \file l7/common.h
 * \brief Status codes, version, allocator hooks, diagnostics and time.
 *
 * Every other libl7 header includes this one. It holds the conventions the
 * whole API shares:
 *
 * - functions return `int`: 0 (#L7_OK) on success or a negative `L7_E*`
 *   code; l7_strerror() names it;
 * - compile and load calls take an optional, caller-owned #l7_diag_list
 *   that collects every error and warning with line, column and item name;
 *   there is no thread-local "last error";
 * - objects are opaque, made by `*_create()` and released by `*_destroy()`,
 *   which accepts NULL;
 * - an optional #l7_allocator is given at creation and inherited by every
 *   child object;
 * - time is always passed in as `uint64_t` nanoseconds since the Unix epoch
 *   (UTC); the library never reads a clock.
 */
#ifndef L7_COMMON_H
#define L7_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * \brief Marks a function as part of the exported, versioned API.
 *
 * The library is built with hidden visibility; only declarations carrying
 * this macro are exported from `libl7.so`.
 */
#if defined(__GNUC__) || defined(__clang__)
#define L7_API __attribute__((visibility("default")))
#else
#define L7_API
#endif

/** \brief Major version of the headers (ABI major, SONAME `libl7.so.0`). */
#define L7_VERSION_MAJOR 0
/** \brief Minor version of the headers. */
#define L7_VERSION_MINOR 1
/** \brief Patch version of the headers. */
#define L7_VERSION_PATCH 0
/**
 * \brief The header version as one number: `major << 16 | minor << 8 | patch`.
 *
 * Compare it with l7_version() to detect a header/library mismatch.
 */
#define L7_VERSION_NUMBER                                                              \
    ((L7_VERSION_MAJOR << 16) | (L7_VERSION_MINOR << 8) | L7_VERSION_PATCH)

/** \brief Nanoseconds in one second, for building `now` values. */
#define L7_NSEC_PER_SEC 1000000000ull

/**
 * \brief Status codes returned by libl7 functions.
 *
 * Success is 0; every error is negative. New codes may be added at the end;
 * treat unknown negative values as errors.
 */
typedef enum l7_status {
    L7_OK = 0,         /**< success */
    L7_ENOMEM = -1,    /**< an allocation failed */
    L7_EINVAL = -2,    /**< an argument is invalid (NULL, out of range, bad name) */
    L7_ESYNTAX = -3,   /**< text (regexp, script, value) could not be parsed */
    L7_ENOTFOUND = -4, /**< the named item does not exist */
    L7_EEXIST = -5,    /**< an item with that name already exists */
    L7_ERANGE = -6,    /**< a value is outside its allowed range */
    L7_ELIMIT = -7,    /**< a configured limit was reached (match limit, table cap) */
    L7_EUNSUPPORTED = -8, /**< valid, but not supported by libl7 */
    L7_EBUFFER = -9,      /**< an output buffer is too small */
    L7_ESTATE = -10,      /**< the object is not in a state that allows the call */
    L7_EINTERNAL = -11    /**< an internal error (a bug: please report it) */
} l7_status;

/**
 * \brief Describe a status code.
 * \param status a value returned by a libl7 function
 * \return a static, human-readable string; never NULL (unknown codes give
 *         "unknown error")
 */
L7_API const char *l7_strerror(int status);

/**
 * \brief The library's version as one number (see #L7_VERSION_NUMBER).
 * \return `major << 16 | minor << 8 | patch` of the loaded library
 */
L7_API uint32_t l7_version(void);

/**
 * \brief The library's version as text, e.g. `"0.1.0"`.
 * \return a static string
 */
L7_API const char *l7_version_string(void);

/**
 * \brief Allocator hooks.
 *
 * Passed (optionally) to every `*_create()` call and copied into the object;
 * child objects inherit their parent's hooks. A NULL allocator pointer, or a
 * struct whose three functions are all NULL, means the C library's
 * malloc/realloc/free. Either all three functions are set or none.
 *
 * The hooks must be thread-safe if the objects using them are used from
 * several threads.
 */
typedef struct l7_allocator {
    /** Allocate `size` bytes; return NULL on failure. */
    void *(*malloc_fn)(size_t size, void *user);
    /** Resize `ptr` (which may be NULL) to `size` bytes; return NULL on failure. */
    void *(*realloc_fn)(void *ptr, size_t size, void *user);
    /** Release `ptr` (which may be NULL). */
    void (*free_fn)(void *ptr, void *user);
    /** Passed unchanged to the three functions. */
    void *user;
} l7_allocator;

/** \brief Severity of one diagnostic. */
typedef enum l7_severity {
    L7_SEV_ERROR = 0,   /**< the item was refused */
    L7_SEV_WARNING = 1, /**< accepted, but probably not what was meant */
    L7_SEV_NOTE = 2     /**< extra information attached to the previous diagnostic */
} l7_severity;

/**
 * \brief A caller-owned list of diagnostics (errors and warnings).
 *
 * Compile and load calls append one entry per problem they find, so that a
 * caller can report every problem of a script at once. Lines and columns are
 * 1-based; 0 means "not applicable". Columns count bytes. Not thread-safe:
 * use one list per call in flight.
 */
typedef struct l7_diag_list l7_diag_list;

/**
 * \brief Create an empty diagnostic list.
 * \param[out] out receives the new list; set to NULL on failure
 * \param alloc allocator hooks, or NULL for the C library's
 * \return #L7_OK, #L7_EINVAL or #L7_ENOMEM
 */
L7_API int l7_diag_list_create(l7_diag_list **out, const l7_allocator *alloc);

/**
 * \brief Destroy a diagnostic list and every entry in it.
 * \param list the list, or NULL
 */
L7_API void l7_diag_list_destroy(l7_diag_list *list);

/**
 * \brief Remove every entry, keeping the list.
 * \param list the list, or NULL
 */
L7_API void l7_diag_list_clear(l7_diag_list *list);

/**
 * \brief Number of entries.
 * \param list the list, or NULL (counts as empty)
 * \return the number of entries
 */
L7_API size_t l7_diag_list_count(const l7_diag_list *list);

/**
 * \brief Number of entries of one severity.
 * \param list the list, or NULL (counts as empty)
 * \param severity which severity to count
 * \return the number of entries with that severity
 */
L7_API size_t l7_diag_list_count_severity(const l7_diag_list *list,
                                          l7_severity severity);

/**
 * \brief Severity of entry `index`.
 * \param list the list
 * \param index 0-based entry index, below l7_diag_list_count()
 * \return the severity; #L7_SEV_ERROR for an index out of range
 */
L7_API l7_severity l7_diag_severity(const l7_diag_list *list, size_t index);

/**
 * \brief Status code of entry `index` (a negative `L7_E*` for errors, 0 for
 *        warnings that have no code).
 * \param list the list
 * \param index 0-based entry index
 * \return the code; #L7_EINVAL for an index out of range
 */
L7_API int l7_diag_code(const l7_diag_list *list, size_t index);

/**
 * \brief Message of entry `index`, without position or severity prefix.
 * \param list the list
 * \param index 0-based entry index
 * \return a string owned by the list, valid until it is cleared or
 *         destroyed; "" for an index out of range
 */
L7_API const char *l7_diag_message(const l7_diag_list *list, size_t index);

/**
 * \brief Name of the item the entry is about (a protocol name, a file name),
 *        or "" when none.
 * \param list the list
 * \param index 0-based entry index
 * \return a string owned by the list; "" for an index out of range
 */
L7_API const char *l7_diag_item(const l7_diag_list *list, size_t index);

/**
 * \brief 1-based line of entry `index` (0 when not applicable).
 * \param list the list
 * \param index 0-based entry index
 * \return the line, or 0
 */
L7_API uint32_t l7_diag_line(const l7_diag_list *list, size_t index);

/**
 * \brief 1-based byte column of entry `index` (0 when not applicable).
 * \param list the list
 * \param index 0-based entry index
 * \return the column, or 0
 */
L7_API uint32_t l7_diag_column(const l7_diag_list *list, size_t index);

/**
 * \brief Length in bytes of the offending text at line/column (0 when
 *        unknown), for underlining it.
 * \param list the list
 * \param index 0-based entry index
 * \return the length, or 0
 */
L7_API uint32_t l7_diag_length(const l7_diag_list *list, size_t index);

/**
 * \brief Format entry `index` as `ITEM:LINE:COL: error: MESSAGE`.
 *
 * Parts that are empty or 0 are left out (`ITEM: warning: MESSAGE`). The
 * result is always NUL-terminated when `size > 0`, truncated if needed.
 *
 * \param list the list
 * \param index 0-based entry index
 * \param buf destination buffer (may be NULL when `size` is 0)
 * \param size size of `buf` in bytes
 * \return the length the full text needs (excluding the NUL), as snprintf
 *         does, or a negative `L7_E*` code for an index out of range
 */
L7_API int l7_diag_format(const l7_diag_list *list, size_t index, char *buf,
                          size_t size);

#ifdef __cplusplus
}
#endif

#endif /* L7_COMMON_H */
