/**
 * \file l7/pattern.h
 * \brief RouterOS / l7-filter layer-7 regexps, translated to PCRE2.
 *
 * A pattern is the regex text of one `/ip firewall layer7-protocol` item
 * (after the console-string unescaping: `^(\x13bittorrent protocol|\x42\x54:)`).
 * libl7 tokenizes it, translates it to PCRE2 syntax (see
 * l7_pattern_translate() and the dialect table in routeros-spec.md §1.5)
 * and compiles it with byte semantics: case-insensitive (ASCII only), `.`
 * matches every byte, `^`/`$` are the start/end of the whole buffer.
 *
 * Threads: a compiled #l7_pattern is read-only and may be shared by any
 * number of threads. Each thread that matches needs its own
 * #l7_pattern_scratch (match data and match limits), like Hyperscan's
 * `hs_scratch_t`; one scratch serves every pattern.
 */
#ifndef L7_PATTERN_H
#define L7_PATTERN_H

#include "l7/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** \brief A compiled layer-7 regexp (opaque, read-only once compiled). */
typedef struct l7_pattern l7_pattern;

/** \brief Per-thread match state: match data and match limits (opaque). */
typedef struct l7_pattern_scratch l7_pattern_scratch;

/** \brief Bits of l7_pattern_options::flags. */
typedef enum l7_pattern_flag {
    /**
     * `\xHH` giving a regex metacharacter (`$ ( ) * + . ? [ \ ] ^ |`) keeps
     * its meta meaning, as in l7-filter (Decision 4). Without this flag it is
     * a literal byte. A load warning is given either way.
     */
    L7_PATTERN_COMPAT_L7FILTER = 0x1,
    /** Do not JIT-compile even when PCRE2's JIT is available. */
    L7_PATTERN_NO_JIT = 0x2,
    /**
     * Keep a `^.*X.*$` wrapper instead of compiling the equivalent
     * unanchored `X` (for tests and benchmarks of the optimisation).
     */
    L7_PATTERN_NO_STRIP = 0x4
} l7_pattern_flag;

/**
 * \brief Options for translating and compiling a pattern.
 *
 * Initialise with l7_pattern_options_init(); the struct may grow at the end
 * in later versions (the `size` field tells the library which fields exist).
 */
typedef struct l7_pattern_options {
    /** `sizeof(l7_pattern_options)` as the caller knows it. */
    uint32_t size;
    /** OR of #l7_pattern_flag bits; 0 by default. */
    uint32_t flags;
} l7_pattern_options;

/**
 * \brief Fill `opts` with the defaults (no flags) and set its `size`.
 * \param opts the options to initialise (ignored when NULL)
 */
L7_API void l7_pattern_options_init(l7_pattern_options *opts);

/**
 * \brief Match limits of a scratch: bounded time and memory per match.
 *
 * A limit of 0 means "libl7's default". Initialise with
 * l7_pattern_limits_init().
 */
typedef struct l7_pattern_limits {
    /** `sizeof(l7_pattern_limits)` as the caller knows it. */
    uint32_t size;
    /** PCRE2 match limit (backtracking steps); default 200000. */
    uint32_t match_limit;
    /** PCRE2 depth limit (interpreter only); default 10000. */
    uint32_t depth_limit;
    /** PCRE2 heap limit in KiB (interpreter only); default 4096. */
    uint32_t heap_limit_kib;
} l7_pattern_limits;

/**
 * \brief Fill `limits` with the defaults and set its `size`.
 * \param limits the limits to initialise (ignored when NULL)
 */
L7_API void l7_pattern_limits_init(l7_pattern_limits *limits);

/** \brief Result of l7_pattern_match() (errors are negative `L7_E*`). */
typedef enum l7_pattern_result {
    L7_PATTERN_NOMATCH = 0, /**< the pattern does not match the buffer */
    L7_PATTERN_MATCH = 1,   /**< the pattern matches somewhere in the buffer */
    /**
     * A match, depth, heap or JIT-stack limit was hit: treat as no match,
     * count it and raise a `firewall,warning` event as RouterOS does.
     */
    L7_PATTERN_LIMIT = 2
} l7_pattern_result;

/**
 * \brief Translate a RouterOS-dialect regexp to PCRE2 syntax, without
 *        compiling it.
 *
 * For tooling and tests. Errors and warnings of the dialect (NUL byte,
 * unbalanced parentheses or brackets, `\xHH` metacharacters, backslash +
 * letter) are added to `diag` with `name` as item and the 1-based byte
 * column in `regexp`. PCRE2 itself is not run, so an error only PCRE2
 * detects (e.g. `a{3,2}`) is not reported here. A regexp of 8192 bytes or
 * more is refused, as l7-filter's kernel module refuses it.
 *
 * The text written is what l7_pattern_compile() hands to PCRE2, including
 * the removal of a `^.*X.*$` wrapper (unless #L7_PATTERN_NO_STRIP).
 *
 * \param[out] out buffer for the NUL-terminated PCRE2 text (may be NULL
 *             when `size` is 0); truncated when too small
 * \param size size of `out` in bytes
 * \param regexp the regex text (may contain any byte; need not be
 *        NUL-terminated)
 * \param regexp_len length of `regexp` in bytes
 * \param opts options, or NULL for the defaults
 * \param name item name for diagnostics (a protocol name), or NULL
 * \param diag optional diagnostic list
 * \return the length of the full translation (excluding the NUL), as
 *         snprintf does; #L7_ESYNTAX when the regexp is refused (see
 *         `diag`); #L7_EINVAL for bad arguments; #L7_ENOMEM
 */
L7_API int l7_pattern_translate(char *out, size_t size, const char *regexp,
                                size_t regexp_len, const l7_pattern_options *opts,
                                const char *name, l7_diag_list *diag);

/**
 * \brief Translate and compile a regexp (JIT when available).
 *
 * The regexp must be shorter than 8192 bytes (l7-filter's limit).
 *
 * \param[out] out receives the pattern; NULL on failure
 * \param regexp the regex text (any bytes)
 * \param regexp_len length of `regexp` in bytes
 * \param opts options, or NULL for the defaults
 * \param alloc allocator hooks, or NULL
 * \param name item name for diagnostics (a protocol name), or NULL
 * \param diag optional diagnostic list: warnings are added even on success;
 *        on failure at least one error with the column in `regexp`
 * \return #L7_OK; #L7_ESYNTAX (refused regexp); #L7_EINVAL; #L7_ENOMEM
 */
L7_API int l7_pattern_compile(l7_pattern **out, const char *regexp, size_t regexp_len,
                              const l7_pattern_options *opts, const l7_allocator *alloc,
                              const char *name, l7_diag_list *diag);

/**
 * \brief Destroy a pattern.
 * \param pattern the pattern, or NULL
 */
L7_API void l7_pattern_destroy(l7_pattern *pattern);

/**
 * \brief Whether the pattern was stripped of a `^.*X.*$`-style wrapper.
 * \param pattern the pattern
 * \return 1 when stripped, 0 otherwise (also for NULL)
 */
L7_API int l7_pattern_is_stripped(const l7_pattern *pattern);

/**
 * \brief Whether the pattern runs JIT-compiled code.
 * \param pattern the pattern
 * \return 1 when JIT-compiled, 0 otherwise (also for NULL)
 */
L7_API int l7_pattern_is_jit(const l7_pattern *pattern);

/**
 * \brief Create a per-thread scratch.
 * \param[out] out receives the scratch; NULL on failure
 * \param limits match limits, or NULL for the defaults
 * \param alloc allocator hooks, or NULL
 * \return #L7_OK, #L7_EINVAL or #L7_ENOMEM
 */
L7_API int l7_pattern_scratch_create(l7_pattern_scratch **out,
                                     const l7_pattern_limits *limits,
                                     const l7_allocator *alloc);

/**
 * \brief Destroy a scratch.
 * \param scratch the scratch, or NULL
 */
L7_API void l7_pattern_scratch_destroy(l7_pattern_scratch *scratch);

/**
 * \brief Does the pattern match anywhere in `data`?
 *
 * `data` is matched as it is: the caller strips NUL bytes beforehand (the
 * inspect module does). Case-insensitive for ASCII letters only.
 *
 * \param pattern a compiled pattern (shared, read-only)
 * \param scratch this thread's scratch (not shared while in use)
 * \param data the bytes (may be NULL when `len` is 0)
 * \param len number of bytes
 * \return #L7_PATTERN_MATCH, #L7_PATTERN_NOMATCH, #L7_PATTERN_LIMIT, or
 *         #L7_EINVAL / #L7_EINTERNAL
 */
L7_API int l7_pattern_match(const l7_pattern *pattern, l7_pattern_scratch *scratch,
                            const uint8_t *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* L7_PATTERN_H */
