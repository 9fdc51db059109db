/**
 * \file l7/config.h
 * \brief The RouterOS script loader: load a `.rsc` script into a
 *        configuration, check it, and export it back.
 *
 * An #l7_config bundles everything a script defines:
 * - an #l7_policy (layer-7 protocols, `/ip` and `/ipv6` filter and mangle
 *   rules, connection tracking settings), compiled into an #l7_ruleset at
 *   every successful load;
 * - the static address-list entries of `/ip firewall address-list` and
 *   `/ipv6 firewall address-list`, applied to a shared #l7_addrlist with
 *   l7_config_apply_addrlists() (reload semantics: entries the script no
 *   longer defines go, dynamic entries stay);
 * - the `/queue tree` queues, validated and kept as property lists;
 * - the `/system logging` rules, kept as data for the host (log routing).
 *
 * l7_config_load() runs a script on top of the current configuration, as
 * RouterOS's `/import` does, and is all or nothing: the script is applied
 * to a scratch copy, the copy is compiled, and it replaces the
 * configuration only when no error was found. Every error of the script is
 * reported (not only the first), each with the file name as item and the
 * line, column and length of the offending text, so l7_diag_format() gives
 * `FILE:LINE:COL: error: message` and l7_config_render_diag() adds the
 * source line with the text underlined, as nft does.
 *
 * Console-only commands (`print`, `export`, `/tool ...`, `/system
 * resource`, `/log print`, `/ip settings`, `/ip firewall connection ...`)
 * are refused inside a script with a "not a configuration command" error
 * (Decision 19); #L7_CONFIG_LENIENT skips them with a warning. Live
 * queries on a running engine live in l7/console.h.
 *
 * Thread safety: a configuration is not thread-safe (one writer). The
 * ruleset it hands out is immutable and shared.
 */
#ifndef L7_CONFIG_H
#define L7_CONFIG_H

#include "l7/addrlist.h"
#include "l7/common.h"
#include "l7/policy.h"
#include "l7/qtree.h"

#ifdef __cplusplus
extern "C" {
#endif

/** \brief A configuration built from RouterOS scripts (opaque). */
typedef struct l7_config l7_config;

/** \brief Flags of #l7_config_load_options. */
typedef enum l7_config_load_flag {
    /** Refuse every libl7 extension (Decisions 8, 9, 15, 16, 17): lists in
     *  `layer7-protocol` / `connection-mark` / `packet-mark`, several
     *  `time` ranges, `layer7-protocol` in `/ipv6` rules, disabled
     *  layer-7 protocols. A script that loads in strict mode also loads
     *  on a router. */
    L7_CONFIG_STRICT = 0x1,
    /** Skip console-only commands with a warning instead of an error. */
    L7_CONFIG_LENIENT = 0x2
} l7_config_load_flag;

/** \brief Options of l7_config_load(); fill with l7_config_load_options_init(). */
typedef struct l7_config_load_options {
    /** `sizeof(l7_config_load_options)` as the caller knows it. */
    uint32_t size;
    /** #l7_config_load_flag bits. */
    uint32_t flags;
} l7_config_load_options;

/**
 * \brief Fill `opts` with the defaults (no flags) and set its size.
 * \param[out] opts the options (ignored when NULL)
 */
L7_API void l7_config_load_options_init(l7_config_load_options *opts);

/**
 * \brief The menus whose items the configuration keeps itself (the others
 *        live in the policy: see l7_config_policy()).
 */
typedef enum l7_config_menu {
    L7_CONFIG_MENU_ADDRESS_LIST = 0,  /**< `/ip firewall address-list` */
    L7_CONFIG_MENU_ADDRESS_LIST6 = 1, /**< `/ipv6 firewall address-list` */
    L7_CONFIG_MENU_QUEUE_TREE = 2,    /**< `/queue tree` */
    L7_CONFIG_MENU_LOGGING = 3,       /**< `/system logging` */
    L7_CONFIG_MENU_COUNT = 4          /**< number of menus (not a menu) */
} l7_config_menu;

/**
 * \brief Create an empty configuration: no protocols, rules, entries,
 *        queues or logging rules, RouterOS default connection tracking.
 * \param[out] out receives the configuration; NULL on failure
 * \param alloc allocator hooks, or NULL (inherited by the policy)
 * \return #L7_OK, #L7_EINVAL or #L7_ENOMEM
 */
L7_API int l7_config_create(l7_config **out, const l7_allocator *alloc);

/**
 * \brief Set the pattern flags the configuration's protocols compile with,
 *        e.g. #L7_PATTERN_COMPAT_L7FILTER (l7-filter's meaning of `\xHH`
 *        metacharacters, Decision 4).
 *
 * A host sets them right after l7_config_create(), before the first
 * l7_config_load(); every later load keeps them. Same rules as
 * l7_policy_set_pattern_flags() on l7_config_policy(), which this calls.
 *
 * \param cfg the configuration
 * \param flags OR of #l7_pattern_flag bits (0 for the defaults)
 * \return #L7_OK; #L7_EINVAL (NULL or unknown bits); #L7_ESTATE (the
 *         configuration already has protocols; nothing changed)
 */
L7_API int l7_config_set_pattern_flags(l7_config *cfg, uint32_t flags);

/**
 * \brief Destroy a configuration. Rulesets it handed out stay valid.
 * \param cfg the configuration, or NULL
 */
L7_API void l7_config_destroy(l7_config *cfg);

/**
 * \brief Run a RouterOS script on top of the configuration, all or nothing.
 *
 * Commands: `add` (with `place-before`), `set`, `remove`, `enable`,
 * `disable`, on items addressed by number (the current order, as `print`
 * shows it), by name (`layer7-protocol`, `queue tree`), or by `[find]`,
 * `[find where EXPR]`, `[find name=x]` (`=`, `!=`, `~`, `and`, `or`,
 * `not`). Errors found after parsing (duplicate names, undefined protocols,
 * chains or jump targets, jump loops, bad values, regexp errors) point at
 * the script text they come from; warnings (Decision 18) too.
 *
 * \param cfg the configuration
 * \param file_name the name used in diagnostics (e.g. the path)
 * \param text the script bytes (Windows-1252 or UTF-8; any byte allowed in
 *        strings and comments)
 * \param len bytes in `text`
 * \param opts options, or NULL for the defaults
 * \param diags optional diagnostic list (errors and warnings)
 * \return #L7_OK (applied); #L7_ESYNTAX (errors in `diags`; nothing
 *         changed); #L7_ELIMIT (the script exceeds a size limit; nothing
 *         changed); #L7_EINVAL or #L7_ENOMEM (nothing changed)
 */
L7_API int l7_config_load(l7_config *cfg, const char *file_name, const uint8_t *text,
                          size_t len, const l7_config_load_options *opts,
                          l7_diag_list *diags);

/**
 * \brief The configuration's policy (protocols, rules, tracking settings).
 *
 * Read it with the l7/policy.h getters. Edits made directly are kept and
 * exported, but are compiled only by the next l7_config_load().
 *
 * \param cfg the configuration
 * \return the policy, owned by the configuration; NULL for NULL
 */
L7_API l7_policy *l7_config_policy(const l7_config *cfg);

/**
 * \brief The ruleset compiled at the last successful load (an empty
 *        policy's ruleset before any load).
 * \param cfg the configuration
 * \return the ruleset, borrowed: take a reference with l7_ruleset_ref()
 *         to keep it beyond the next load; NULL for NULL
 */
L7_API l7_ruleset *l7_config_ruleset(const l7_config *cfg);

/**
 * \brief Number of items in one of the configuration's own menus.
 * \param cfg the configuration
 * \param menu an #l7_config_menu
 * \return the count; 0 for NULL or an unknown menu
 */
L7_API uint32_t l7_config_item_count(const l7_config *cfg, uint32_t menu);

/**
 * \brief One property of an item, as the script wrote it (`disabled`
 *        reads `yes` or `no`).
 *
 * Address lists: `list`, `address`, `timeout`, `comment`. Queue tree:
 * `name`, `parent`, `packet-mark`, `limit-at`, `max-limit`, `priority`,
 * `burst-limit`, `burst-threshold`, `burst-time`, `queue`, `bucket-size`,
 * `comment`. Logging: `topics`, `action`, `prefix`, `comment`.
 *
 * \param[out] out receives a string owned by the configuration, valid
 *             until the next load
 * \param cfg the configuration
 * \param menu an #l7_config_menu
 * \param index 0-based item index (the `print` number)
 * \param prop property name
 * \return #L7_OK, or #L7_ENOTFOUND (no such item, or the property is not
 *         set), #L7_EINVAL
 */
L7_API int l7_config_item_get(const char **out, const l7_config *cfg, uint32_t menu,
                              uint32_t index, const char *prop);

/**
 * \brief Install the configuration's static address-list entries into a
 *        shared address-list object, with reload semantics (design
 *        principle 4): static entries that an earlier configuration added
 *        and this one no longer defines are removed; dynamic entries and
 *        entries added by rules stay; entries with `timeout=` are added as
 *        dynamic entries.
 * \param cfg the configuration
 * \param al the shared object
 * \param now the current time (start of dynamic entries' timeouts)
 * \param diags optional diagnostic list (entries refused by the object,
 *        e.g. because its cap is reached)
 * \return #L7_OK, #L7_ELIMIT (some entries refused), #L7_EINVAL or
 *         #L7_ENOMEM
 */
L7_API int l7_config_apply_addrlists(const l7_config *cfg, l7_addrlist *al,
                                     uint64_t now, l7_diag_list *diags);

/**
 * \brief A queue-tree definition (l7/qtree.h) of the configuration's
 *        enabled `/queue tree` items, in configuration order; parents that
 *        are neither `global` nor a queue are declared as interfaces (root
 *        ids 1, 2, ... in order of first use). Compile it with
 *        l7_qtree_create(). The loader has already checked it: it compiles
 *        unless the host's allocator fails.
 * \param[out] out receives the definition (destroy it with
 *             l7_qtree_def_destroy()); NULL on failure
 * \param cfg the configuration
 * \return #L7_OK, #L7_EINVAL or #L7_ENOMEM
 */
L7_API int l7_config_qtree_def(l7_qtree_def **out, const l7_config *cfg);

/** \brief Flags of l7_config_export(). */
typedef enum l7_config_export_flag {
    /** `terse`: the full menu path on every line instead of menu headers. */
    L7_CONFIG_EXPORT_TERSE = 0x1,
    /** Do not write the `# libl7 extension: ...` comment lines. */
    L7_CONFIG_EXPORT_NO_MARKS = 0x2
} l7_config_export_flag;

/**
 * \brief Export sink: receives the text piece by piece.
 * \param text bytes (not NUL-terminated)
 * \param len number of bytes
 * \param user the `user` given to l7_config_export()
 * \return 0 to continue; anything else stops the export and is returned
 */
typedef int (*l7_config_write_fn)(const char *text, size_t len, void *user);

/**
 * \brief Write the configuration as a RouterOS script in compact form:
 *        menu header lines, one `add` per item with its properties in
 *        alphabetical order, defaults left out, values quoted and escaped
 *        as RouterOS does, long lines continued with `\` and 4 spaces.
 *
 * Items that use a libl7 extension are preceded by a comment line
 * `# libl7 extension: ...`, which RouterOS ignores. Loading the output
 * gives the same configuration.
 *
 * \param cfg the configuration
 * \param flags #l7_config_export_flag bits
 * \param fn the sink
 * \param user passed to `fn`
 * \return #L7_OK, the sink's non-zero value, #L7_EINVAL or #L7_ENOMEM
 */
L7_API int l7_config_export(const l7_config *cfg, uint32_t flags, l7_config_write_fn fn,
                            void *user);

/**
 * \brief Render diagnostic `index` nft-style:
 *        `FILE:LINE:COL: error: message`, then the source line and a
 *        `^~~~` underline under the offending text (each line ending in
 *        `\n`).
 * \param buf destination (may be NULL when `size` is 0); always
 *        NUL-terminated when `size > 0`, truncated if needed
 * \param size size of `buf`
 * \param list the diagnostic list
 * \param index 0-based entry index
 * \param text the script the list refers to, or NULL (only the first line
 *        is written then)
 * \param len bytes in `text`
 * \return the length the full text needs (excluding the NUL), or a
 *         negative `L7_E*` code
 */
L7_API int l7_config_render_diag(char *buf, size_t size, const l7_diag_list *list,
                                 size_t index, const uint8_t *text, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* L7_CONFIG_H */
