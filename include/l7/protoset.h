/**
 * \file l7/protoset.h
 * \brief A named, ordered set of layer-7 protocols (`/ip firewall
 *        layer7-protocol`), compiled as they are added.
 *
 * Each protocol has a stable numeric id, given at add time in increasing
 * order and never reused by the set (ids of removed protocols stay unused).
 * Id order is set order: classification tries enabled protocols from the
 * lowest id up, and the first match wins (routeros-spec.md L6).
 *
 * Regexps are compiled when added or replaced, so every error and warning
 * reaches the caller's #l7_diag_list at once, with the protocol name as item
 * and the column in the regexp.
 *
 * Sharing: a set is reference-counted (l7_protoset_ref(),
 * l7_protoset_destroy() drops one reference). Reading it (lookups, matching
 * through inspectors) is thread-safe. Changing it (add, set, remove, enable,
 * disable, comment) is not: change a set only while no other thread uses it.
 */
#ifndef L7_PROTOSET_H
#define L7_PROTOSET_H

#include "l7/common.h"
#include "l7/pattern.h"

#ifdef __cplusplus
extern "C" {
#endif

/** \brief A set of layer-7 protocols (opaque, reference-counted). */
typedef struct l7_protoset l7_protoset;

/**
 * \brief Special protocol ids (outside the range of user protocol ids).
 */
typedef enum l7_proto_id {
    /** Largest id a user protocol can have. */
    L7_PROTO_ID_MAX = 0x7ffffff0,
    /** The special name `unset`: "not classified yet" (routeros-spec.md L8). */
    L7_PROTO_ID_UNSET = 0x7ffffffd,
    /** The special name `unknown`: the window closed without a match (L7). */
    L7_PROTO_ID_UNKNOWN = 0x7ffffffe,
    /** No protocol / invalid id. */
    L7_PROTO_ID_NONE = 0x7fffffff
} l7_proto_id;

/** \brief Longest protocol name accepted, in bytes. */
#define L7_PROTO_NAME_MAX 255

/**
 * \brief Options of a protocol set.
 *
 * Initialise with l7_protoset_options_init(). `pattern` is used for every
 * regexp of the set; that is where the `compat-l7filter` switch lives
 * (#L7_PATTERN_COMPAT_L7FILTER).
 */
typedef struct l7_protoset_options {
    /** `sizeof(l7_protoset_options)` as the caller knows it. */
    uint32_t size;
    /** Reserved, 0. */
    uint32_t reserved;
    /** Translation/compile options for every regexp of the set. */
    l7_pattern_options pattern;
} l7_protoset_options;

/**
 * \brief Fill `opts` with the defaults and set its `size`.
 * \param opts options to initialise (ignored when NULL)
 */
L7_API void l7_protoset_options_init(l7_protoset_options *opts);

/**
 * \brief Create an empty set with one reference.
 * \param[out] out receives the set; NULL on failure
 * \param opts options, or NULL for the defaults
 * \param alloc allocator hooks, or NULL (inherited by the patterns)
 * \return #L7_OK, #L7_EINVAL or #L7_ENOMEM
 */
L7_API int l7_protoset_create(l7_protoset **out, const l7_protoset_options *opts,
                              const l7_allocator *alloc);

/**
 * \brief Take one more reference (atomic; any thread).
 * \param set the set, or NULL
 * \return `set`
 */
L7_API l7_protoset *l7_protoset_ref(l7_protoset *set);

/**
 * \brief Drop one reference; the last one frees the set (atomic).
 * \param set the set, or NULL
 */
L7_API void l7_protoset_destroy(l7_protoset *set);

/**
 * \brief Add an enabled protocol at the end of the set.
 *
 * Names: 1 to #L7_PROTO_NAME_MAX printable ASCII bytes, not only spaces;
 * `unknown` and `unset` are reserved. Names compare case-sensitively.
 *
 * \param[out] out receives the new id (may be NULL)
 * \param set the set
 * \param name the protocol name (NUL-terminated)
 * \param regexp the regex text (any bytes)
 * \param regexp_len length of `regexp`
 * \param diag optional diagnostic list (errors and warnings, item = name)
 * \return #L7_OK; #L7_EEXIST (name taken); #L7_EINVAL (bad or reserved
 *         name); #L7_ESYNTAX (regexp refused); #L7_ERANGE (set full);
 *         #L7_ENOMEM
 */
L7_API int l7_protoset_add(uint32_t *out, l7_protoset *set, const char *name,
                           const char *regexp, size_t regexp_len, l7_diag_list *diag);

/**
 * \brief Replace the regexp of a protocol (`set NAME regexp=...`).
 *
 * On failure the old regexp stays.
 *
 * \param set the set
 * \param id the protocol's id
 * \param regexp the new regex text
 * \param regexp_len its length
 * \param diag optional diagnostic list
 * \return #L7_OK, #L7_ENOTFOUND, #L7_ESYNTAX, #L7_EINVAL or #L7_ENOMEM
 */
L7_API int l7_protoset_set_regexp(l7_protoset *set, uint32_t id, const char *regexp,
                                  size_t regexp_len, l7_diag_list *diag);

/**
 * \brief Remove a protocol; its id is never given again by this set.
 * \param set the set
 * \param id the protocol's id
 * \return #L7_OK, #L7_ENOTFOUND or #L7_EINVAL
 */
L7_API int l7_protoset_remove(l7_protoset *set, uint32_t id);

/**
 * \brief Enable or disable a protocol (Decision 17). A disabled protocol is
 *        skipped by classification and never matches.
 * \param set the set
 * \param id the protocol's id
 * \param enabled nonzero to enable, 0 to disable
 * \return #L7_OK, #L7_ENOTFOUND or #L7_EINVAL
 */
L7_API int l7_protoset_set_enabled(l7_protoset *set, uint32_t id, int enabled);

/**
 * \brief Set or clear (NULL) a protocol's comment.
 * \param set the set
 * \param id the protocol's id
 * \param comment the comment (copied), or NULL
 * \return #L7_OK, #L7_ENOTFOUND, #L7_EINVAL or #L7_ENOMEM
 */
L7_API int l7_protoset_set_comment(l7_protoset *set, uint32_t id, const char *comment);

/**
 * \brief Find a protocol by name.
 *
 * `unknown` and `unset` give #L7_PROTO_ID_UNKNOWN and #L7_PROTO_ID_UNSET.
 *
 * \param[out] out receives the id (#L7_PROTO_ID_NONE when not found)
 * \param set the set
 * \param name the name
 * \return #L7_OK, #L7_ENOTFOUND or #L7_EINVAL
 */
L7_API int l7_protoset_lookup(uint32_t *out, const l7_protoset *set, const char *name);

/**
 * \brief Number of protocols in the set (removed ones not counted).
 * \param set the set, or NULL
 * \return the count
 */
L7_API uint32_t l7_protoset_count(const l7_protoset *set);

/**
 * \brief One past the highest id ever given by the set: iterate ids from 0
 *        below this bound and skip those whose l7_protoset_name() is NULL.
 * \param set the set, or NULL
 * \return the bound
 */
L7_API uint32_t l7_protoset_id_bound(const l7_protoset *set);

/**
 * \brief Name of a protocol.
 * \param set the set
 * \param id an id; the special ids give "unset" / "unknown"
 * \return a string owned by the set (valid until the protocol is removed),
 *         or NULL when there is no such protocol
 */
L7_API const char *l7_protoset_name(const l7_protoset *set, uint32_t id);

/**
 * \brief Regex text of a protocol, as given (before translation).
 * \param set the set
 * \param id the protocol's id
 * \param[out] out_len receives the length (may be NULL); the text is also
 *             NUL-terminated
 * \return a string owned by the set (valid until replaced or removed), or
 *         NULL when there is no such protocol
 */
L7_API const char *l7_protoset_regexp(const l7_protoset *set, uint32_t id,
                                      size_t *out_len);

/**
 * \brief Comment of a protocol.
 * \param set the set
 * \param id the protocol's id
 * \return the comment (owned by the set), "" when none, NULL for no such id
 */
L7_API const char *l7_protoset_comment(const l7_protoset *set, uint32_t id);

/**
 * \brief Whether a protocol is enabled.
 * \param set the set
 * \param id the protocol's id
 * \return 1 enabled, 0 disabled, #L7_ENOTFOUND / #L7_EINVAL
 */
L7_API int l7_protoset_enabled(const l7_protoset *set, uint32_t id);

/**
 * \brief The compiled pattern of a protocol (borrowed; read-only).
 * \param set the set
 * \param id the protocol's id
 * \return the pattern, or NULL when there is no such protocol
 */
L7_API const l7_pattern *l7_protoset_pattern(const l7_protoset *set, uint32_t id);

/**
 * \brief Where the name and the regexp are in an l7-filter `.pat` file.
 *
 * Offsets point into the bytes given to l7_protoset_parse_pat(); nothing
 * is copied or allocated.
 */
typedef struct l7_pat_info {
    /** Offset of the protocol name. */
    size_t name_offset;
    /** Length of the name (up to the first space or tab). */
    size_t name_len;
    /** Offset of the regexp line. */
    size_t regexp_offset;
    /** Length of the regexp (line end and a trailing CR excluded). */
    size_t regexp_len;
    /** 1-based line number of the regexp in the file. */
    uint32_t regexp_line;
    /** Reserved, 0. */
    uint32_t reserved;
} l7_pat_info;

/**
 * \brief Parse an l7-filter `.pat` file (routeros-spec.md §1.6).
 *
 * Lines starting with `#` and blank lines are skipped; the first other line
 * gives the name (up to the first space/tab), the next line the regexp; the
 * rest (`userspace pattern=`...) is ignored. No file I/O: the caller passes
 * the file's bytes.
 *
 * \param[out] out receives the offsets
 * \param data the file's bytes
 * \param len their length
 * \param expected_name the file name without `.pat` (the name must equal
 *        it), or NULL to accept any name
 * \param diag optional diagnostic list (item = expected_name or the name)
 * \return #L7_OK, #L7_ESYNTAX (no name / no regexp / name mismatch /
 *         NUL byte), #L7_EINVAL
 */
L7_API int l7_protoset_parse_pat(l7_pat_info *out, const uint8_t *data, size_t len,
                                 const char *expected_name, l7_diag_list *diag);

/**
 * \brief Parse a `.pat` file and add its protocol to the set.
 *
 * Diagnostics about the regexp carry the line of the regexp in the file.
 *
 * \param[out] out receives the new id (may be NULL)
 * \param set the set
 * \param data the file's bytes
 * \param len their length
 * \param expected_name as for l7_protoset_parse_pat()
 * \param diag optional diagnostic list
 * \return as l7_protoset_parse_pat() and l7_protoset_add()
 */
L7_API int l7_protoset_add_pat(uint32_t *out, l7_protoset *set, const uint8_t *data,
                               size_t len, const char *expected_name,
                               l7_diag_list *diag);

#ifdef __cplusplus
}
#endif

#endif /* L7_PROTOSET_H */
