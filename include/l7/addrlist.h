/**
 * \file l7/addrlist.h
 * \brief Named IPv4/IPv6 address lists (`/ip firewall address-list`,
 *        `/ipv6 firewall address-list`).
 *
 * One #l7_addrlist object holds every list of a process and is shared by all
 * engines. Lists are named; a name is resolved once (at rule-compile time)
 * to an integer id with l7_addrlist_list_id(), which creates the list empty
 * if it does not exist yet, so that rules may name lists that get entries
 * later. An empty list matches nothing.
 *
 * A list id covers both families: IPv4 entries form the `/ip` list of that
 * name and IPv6 entries the `/ipv6` list, two separate namespaces. Lookups
 * pick the family from the address.
 *
 * Entries are a single address, a CIDR prefix (host bits cleared) or an IPv4
 * range `a-b`; a range that is exactly one CIDR block is the same entry as
 * that block and is shown as it. An entry's identity is its list, family and
 * address set: there is never more than one entry with the same identity.
 * Overlapping entries (a /24 and a host inside it) are allowed.
 *
 * Entries are static (kept for good) or dynamic. A dynamic entry either
 * expires `timeout` after it was added or refreshed, or never (timeout 0,
 * RouterOS `none-dynamic`). Expiry is lazy: an entry whose expiry time is
 * at or before the caller's `now` never matches; l7_addrlist_expire()
 * reclaims its memory later.
 *
 * Re-adding (Decision 11): a manual add (#L7_ADDRLIST_ADD_MANUAL) of an
 * existing entry fails with #L7_EEXIST ("already have such entry"); an add
 * by a rule action (#L7_ADDRLIST_ADD_RULE, `add-src-to-address-list`)
 * extends a dynamic entry's expiry when the new one is later and leaves
 * static and `none-dynamic` entries untouched. Neither creates a duplicate.
 *
 * Reload (design principle 4): l7_addrlist_reload_begin() starts a new
 * generation; the loader re-adds the static entries of its script; then
 * l7_addrlist_reload_commit() drops the configured static entries that
 * were not re-added. Dynamic entries, and static ones created by rules
 * (`none-static`), survive.
 *
 * Thread safety: every function may be called concurrently from any
 * thread on the same object, except l7_addrlist_destroy(). Lookups take
 * shared locks only; adds lock one of several shards, so dynamic adds at
 * packet rate do not serialise all lookups. Lookup cost does not grow with
 * the number of entries (a hash for single addresses, a binary search over
 * merged intervals for prefixes and ranges).
 */
#ifndef L7_ADDRLIST_H
#define L7_ADDRLIST_H

#include "l7/common.h"
#include "l7/packet.h"
#include "l7/value.h"

#ifdef __cplusplus
extern "C" {
#endif

/** \brief A set of named address lists (opaque). */
typedef struct l7_addrlist l7_addrlist;

/** \brief Fixed limits of address lists. */
typedef enum l7_addrlist_limit {
    /** Largest dynamic timeout in seconds (RouterOS `address-list-timeout`). */
    L7_ADDRLIST_TIMEOUT_MAX_SEC = 21474836,
    /** Default cap on the number of entries of one object. */
    L7_ADDRLIST_DEFAULT_MAX_ENTRIES = 1000000,
    /** Longest list name in bytes. */
    L7_ADDRLIST_NAME_MAX = 255,
    /** `list` argument of l7_addrlist_count() and l7_addrlist_foreach(): every list. */
    L7_ADDRLIST_ALL_LISTS = -1
} l7_addrlist_limit;

/** \brief Creation options; zero-initialise, then set `size`. */
typedef struct l7_addrlist_options {
    uint32_t size;        /**< `sizeof(l7_addrlist_options)` */
    uint32_t reserved;    /**< must be 0 */
    uint64_t max_entries; /**< cap on entries; 0 = #L7_ADDRLIST_DEFAULT_MAX_ENTRIES */
    uint64_t hash_seed; /**< seeds the hash against crafted addresses; 0 = derived from
                           the object */
} l7_addrlist_options;

/** \brief Who adds an entry, which decides what re-adding does. */
typedef enum l7_addrlist_add_mode {
    /** `/ip firewall address-list add`: an existing entry is #L7_EEXIST. */
    L7_ADDRLIST_ADD_MANUAL = 0,
    /** A rule action (`add-src-to-address-list`): refresh per Decision 11. */
    L7_ADDRLIST_ADD_RULE = 1
} l7_addrlist_add_mode;

/** \brief How to add an entry; zero-initialise, then set `size`. */
typedef struct l7_addrlist_entry_options {
    uint32_t size;       /**< `sizeof(l7_addrlist_entry_options)` */
    uint32_t mode;       /**< an #l7_addrlist_add_mode */
    uint32_t dynamic;    /**< 1 = dynamic; 0 = static (a rule's `none-static`) */
    uint32_t disabled;   /**< 1 = present but never matches */
    uint64_t timeout_ns; /**< dynamic only: lifetime from `now`; 0 = `none-dynamic` */
    const char *comment; /**< copied; NULL for none */
} l7_addrlist_entry_options;

/** \brief One entry as l7_addrlist_foreach() shows it. */
typedef struct l7_addrlist_entry_info {
    uint32_t list_id;              /**< the list */
    uint32_t dynamic;              /**< 1 for a dynamic entry (flag `D`) */
    uint32_t disabled;             /**< 1 for a disabled entry (flag `X`) */
    uint32_t has_timeout;          /**< 1 when the entry expires */
    uint32_t from_rule;            /**< 1 when a rule action created it */
    uint32_t reserved;             /**< always 0 */
    const char *list_name;         /**< the list's name */
    const char *comment;           /**< the comment, or NULL */
    l7_value_addrspec address;     /**< the address set, in RouterOS's display form */
    uint64_t timeout_remaining_ns; /**< time left when `has_timeout` (never 0) */
    uint64_t creation_time;        /**< `now` of the add that created it */
} l7_addrlist_entry_info;

/**
 * \brief Called once per entry by l7_addrlist_foreach().
 *
 * The object's locks are held: the callback must not call any
 * `l7_addrlist_*` function on the same object. Pointers in `entry` are
 * valid during the call only.
 *
 * \param entry the entry
 * \param user the `user` given to l7_addrlist_foreach()
 * \return 0 to continue; anything else stops the iteration and is returned
 */
typedef int (*l7_addrlist_entry_fn)(const l7_addrlist_entry_info *entry, void *user);

/** \brief Counters of an address-list object. */
typedef struct l7_addrlist_stats {
    uint64_t entries; /**< entries held, including expired ones not yet reclaimed */
    uint64_t dynamic_entries; /**< of which dynamic */
    uint64_t range_entries;   /**< of which prefixes or ranges (not single addresses) */
    uint64_t lists;           /**< number of list names */
    uint64_t max_entries;     /**< the cap */
    uint64_t refused;         /**< adds refused because the cap was reached */
    uint64_t reclaimed;       /**< expired entries reclaimed by l7_addrlist_expire() */
    uint64_t memory_bytes;    /**< bytes allocated by the object */
} l7_addrlist_stats;

/**
 * \brief Create an empty address-list object.
 * \param[out] out receives the object; NULL on failure
 * \param opts options, or NULL for the defaults
 * \param alloc allocator hooks, or NULL for the C library's
 * \return #L7_OK, #L7_EINVAL or #L7_ENOMEM
 */
L7_API int l7_addrlist_create(l7_addrlist **out, const l7_addrlist_options *opts,
                              const l7_allocator *alloc);

/**
 * \brief Destroy the object and every entry. No other call may be in
 *        flight on it.
 * \param al the object, or NULL
 */
L7_API void l7_addrlist_destroy(l7_addrlist *al);

/**
 * \brief Change the cap on entries. Entries above a lowered cap stay; only
 *        new ones are refused.
 * \param al the object
 * \param max_entries the new cap (at least 1)
 * \return #L7_OK or #L7_EINVAL
 */
L7_API int l7_addrlist_set_max_entries(l7_addrlist *al, uint64_t max_entries);

/**
 * \brief Resolve a list name to its id, creating an empty list when the
 *        name is new. Ids are small, dense and stable for the object's life.
 * \param[out] out receives the id
 * \param al the object
 * \param name the name (not necessarily NUL-terminated)
 * \param len its length, 1 .. #L7_ADDRLIST_NAME_MAX
 * \return #L7_OK, #L7_EINVAL (empty or too long) or #L7_ENOMEM
 */
L7_API int l7_addrlist_list_id(uint32_t *out, l7_addrlist *al, const char *name,
                               size_t len);

/**
 * \brief Look a list name up without creating it.
 * \param[out] out receives the id
 * \param al the object
 * \param name the name
 * \param len its length
 * \return #L7_OK, #L7_ENOTFOUND or #L7_EINVAL
 */
L7_API int l7_addrlist_list_find(uint32_t *out, l7_addrlist *al, const char *name,
                                 size_t len);

/**
 * \brief Name of a list.
 * \param al the object
 * \param list_id the id
 * \return the NUL-terminated name, valid for the object's life, or NULL for
 *         an unknown id
 */
L7_API const char *l7_addrlist_list_name(l7_addrlist *al, uint32_t list_id);

/**
 * \brief Number of list names (ids are 0 .. count-1).
 * \param al the object
 * \return the count (0 for NULL)
 */
L7_API uint32_t l7_addrlist_list_count(l7_addrlist *al);

/**
 * \brief Add an entry (see the file description for re-adding rules).
 * \param al the object
 * \param list_id a list id
 * \param address the address set; an IPv6 set must be one address or prefix
 * \param opts how to add; NULL = a manual, static, enabled entry
 * \param now current time, ns since the epoch
 * \return #L7_OK (added, refreshed, or left alone by a rule add),
 *         #L7_EEXIST (manual add of an existing entry), #L7_ELIMIT (the cap
 *         is reached; counted in `refused`), #L7_ERANGE (timeout above
 *         #L7_ADDRLIST_TIMEOUT_MAX_SEC, or an IPv6 range), #L7_EINVAL or
 *         #L7_ENOMEM
 */
L7_API int l7_addrlist_add(l7_addrlist *al, uint32_t list_id,
                           const l7_value_addrspec *address,
                           const l7_addrlist_entry_options *opts, uint64_t now);

/**
 * \brief The rule-action fast path: add or refresh one address as
 *        `add-src-to-address-list` / `add-dst-to-address-list` do.
 * \param al the object
 * \param list_id a list id
 * \param addr the address
 * \param dynamic 1 = dynamic entry; 0 = `none-static` (a static entry)
 * \param timeout_ns dynamic lifetime; 0 = `none-dynamic`
 * \param now current time
 * \return as l7_addrlist_add() with #L7_ADDRLIST_ADD_RULE
 */
L7_API int l7_addrlist_add_rule(l7_addrlist *al, uint32_t list_id, const l7_addr *addr,
                                uint32_t dynamic, uint64_t timeout_ns, uint64_t now);

/**
 * \brief Remove the entry with exactly this address set (`remove`).
 * \param al the object
 * \param list_id the list
 * \param address the entry's address set
 * \return #L7_OK, #L7_ENOTFOUND or #L7_EINVAL
 */
L7_API int l7_addrlist_remove(l7_addrlist *al, uint32_t list_id,
                              const l7_value_addrspec *address);

/**
 * \brief Enable or disable an entry (`enable` / `disable`).
 * \param al the object
 * \param list_id the list
 * \param address the entry's address set
 * \param disabled 1 to disable, 0 to enable
 * \return #L7_OK, #L7_ENOTFOUND or #L7_EINVAL
 */
L7_API int l7_addrlist_set_disabled(l7_addrlist *al, uint32_t list_id,
                                    const l7_value_addrspec *address,
                                    uint32_t disabled);

/**
 * \brief Whether a list contains an address: some enabled entry of the
 *        address's family covers it and has not expired at `now`.
 * \param al the object
 * \param list_id the list (an unknown id is an empty list)
 * \param addr the address (family 4 or 6)
 * \param now current time
 * \return 1 (member), 0 (not a member) or #L7_EINVAL
 */
L7_API int l7_addrlist_contains(l7_addrlist *al, uint32_t list_id, const l7_addr *addr,
                                uint64_t now);

/**
 * \brief Reclaim expired entries, a bounded piece at a time.
 *
 * Each call continues where the previous one stopped, so calling it
 * periodically with a small budget eventually visits every entry.
 *
 * \param[out] out receives the number of entries reclaimed (may be NULL)
 * \param al the object
 * \param now current time
 * \param budget work units for this call, one per hash bucket and one per
 *        entry examined (a call may finish the bucket it is in); 0 = all
 * \return #L7_OK or #L7_EINVAL
 */
L7_API int l7_addrlist_expire(size_t *out, l7_addrlist *al, uint64_t now,
                              size_t budget);

/**
 * \brief Start a reload: static entries added from now on belong to a new
 *        generation, and a manual add of an existing configured static
 *        entry adopts it (updates comment and disabled flag) instead of
 *        failing with #L7_EEXIST.
 * \param[out] out receives the new generation, for
 *             l7_addrlist_reload_commit()
 * \param al the object
 * \return #L7_OK or #L7_EINVAL
 */
L7_API int l7_addrlist_reload_begin(uint32_t *out, l7_addrlist *al);

/**
 * \brief Finish a reload: remove every static entry added manually (by a
 *        configuration) before `generation` began and not re-added since.
 *        Dynamic entries and rule-created static entries stay.
 * \param[out] out receives the number of entries removed (may be NULL)
 * \param al the object
 * \param generation the value l7_addrlist_reload_begin() gave
 * \return #L7_OK, #L7_ESTATE (a newer reload has begun since) or
 *         #L7_EINVAL
 */
L7_API int l7_addrlist_reload_commit(size_t *out, l7_addrlist *al, uint32_t generation);

/**
 * \brief Count the live (not expired) entries of one list and family.
 * \param[out] out receives the count
 * \param al the object
 * \param list a list id, or #L7_ADDRLIST_ALL_LISTS (any negative value)
 * \param family 4, 6, or 0 for both
 * \param now current time
 * \return #L7_OK or #L7_EINVAL
 */
L7_API int l7_addrlist_count(size_t *out, l7_addrlist *al, int64_t list,
                             uint32_t family, uint64_t now);

/**
 * \brief Visit the live entries in the order they were created (the order
 *        `print` shows), optionally of one list and family.
 * \param al the object
 * \param list a list id, or #L7_ADDRLIST_ALL_LISTS (any negative value)
 * \param family 4, 6, or 0 for both
 * \param now current time (expired entries are skipped; the remaining
 *        timeout is computed from it)
 * \param fn the callback
 * \param user passed to `fn`
 * \return #L7_OK, the callback's non-zero value, #L7_EINVAL or #L7_ENOMEM
 */
L7_API int l7_addrlist_foreach(l7_addrlist *al, int64_t list, uint32_t family,
                               uint64_t now, l7_addrlist_entry_fn fn, void *user);

/**
 * \brief Read the object's counters.
 * \param[out] out receives the counters
 * \param al the object
 * \return #L7_OK or #L7_EINVAL
 */
L7_API int l7_addrlist_get_stats(l7_addrlist_stats *out, l7_addrlist *al);

#ifdef __cplusplus
}
#endif

#endif /* L7_ADDRLIST_H */
