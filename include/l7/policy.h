/**
 * \file l7/policy.h
 * \brief Firewall configuration (filter and mangle rules, connection
 *        tracking settings) and its compiled, immutable ruleset.
 *
 * An #l7_policy is a mutable builder that speaks RouterOS: rules are lists
 * of `property=value` pairs named exactly as in `/ip firewall filter` and
 * `/ip firewall mangle` (`chain`, `action`, `src-address-list`,
 * `layer7-protocol`, `new-connection-mark`, ...). Rules live in four lists,
 * one per (family, table), addressed by their 0-based position as RouterOS
 * `print` numbers them. Each value is checked when it is set; rules are
 * checked as a whole when the policy is compiled.
 *
 * l7_ruleset_compile() turns a policy into an immutable, reference-counted
 * #l7_ruleset that any number of engines (threads) share. Address lists are
 * not part of it: rules refer to lists by name and the engine looks them up
 * in its #l7_addrlist at packet time.
 *
 * Thread safety: a policy is not thread-safe (one writer); a ruleset is
 * immutable and may be used from any thread; l7_ruleset_ref() and
 * l7_ruleset_destroy() are atomic.
 */
#ifndef L7_POLICY_H
#define L7_POLICY_H

#include "l7/common.h"
#include "l7/protoset.h"

#ifdef __cplusplus
extern "C" {
#endif

/** \brief A mutable firewall configuration (opaque). */
typedef struct l7_policy l7_policy;

/** \brief A compiled, immutable, reference-counted ruleset (opaque). */
typedef struct l7_ruleset l7_ruleset;

/** \brief Address family of a rule list (`/ip` or `/ipv6`). */
typedef enum l7_family {
    L7_FAMILY_IPV4 = 4, /**< `/ip firewall ...`: sees IPv4 packets only */
    L7_FAMILY_IPV6 = 6  /**< `/ipv6 firewall ...`: sees IPv6 packets only */
} l7_family;

/** \brief Firewall table of a rule list. */
typedef enum l7_table {
    L7_TABLE_FILTER = 0, /**< `filter`: chains input, forward, output */
    L7_TABLE_MANGLE =
        1 /**< `mangle`: prerouting, input, forward, output, postrouting */
} l7_table;

/**
 * \brief Where in the router a packet is seen (RouterOS packet flow, §6):
 *        it decides which chains run.
 */
typedef enum l7_hook {
    /** through the router: mangle prerouting, mangle forward, filter
     *  forward, mangle postrouting */
    L7_HOOK_FORWARD = 0,
    /** to the router: mangle prerouting, mangle input, filter input */
    L7_HOOK_INPUT = 1,
    /** from the router: mangle output, filter output, mangle postrouting */
    L7_HOOK_OUTPUT = 2
} l7_hook;

/** \brief What should happen to a packet. */
typedef enum l7_verdict_kind {
    L7_VERDICT_ACCEPT = 0, /**< let it pass */
    L7_VERDICT_DROP = 1,   /**< discard silently */
    L7_VERDICT_REJECT = 2, /**< discard and answer as `reject_with` says */
    L7_VERDICT_TARPIT = 3, /**< TCP: answer SYN with SYN-ACK and hold (zero window) */
    L7_VERDICT_PENDING = 4 /**< a fragment held for reassembly: wait */
} l7_verdict_kind;

/** \brief How a `reject` answers (`reject-with`). */
typedef enum l7_reject_with {
    L7_REJECT_NET_UNREACHABLE = 0,   /**< ICMP 3/0 (the default) */
    L7_REJECT_HOST_UNREACHABLE = 1,  /**< ICMP 3/1 */
    L7_REJECT_PROTO_UNREACHABLE = 2, /**< ICMP 3/2 */
    L7_REJECT_PORT_UNREACHABLE = 3,  /**< ICMP 3/3 */
    L7_REJECT_NET_PROHIBITED = 4,    /**< ICMP 3/9 */
    L7_REJECT_HOST_PROHIBITED = 5,   /**< ICMP 3/10 */
    L7_REJECT_ADMIN_PROHIBITED = 6,  /**< ICMP 3/13 */
    L7_REJECT_TCP_RESET = 7          /**< TCP RST */
} l7_reject_with;

/** \brief Position value for l7_policy_rule_add(): append at the end. */
#define L7_POLICY_APPEND 0xffffffffu

/**
 * \brief Create an empty policy (no rules, RouterOS default connection
 *        tracking settings).
 * \param[out] out receives the policy; NULL on failure
 * \param alloc allocator hooks, or NULL
 * \return #L7_OK, #L7_EINVAL or #L7_ENOMEM
 */
L7_API int l7_policy_create(l7_policy **out, const l7_allocator *alloc);

/**
 * \brief Destroy a policy. Rulesets compiled from it stay valid.
 * \param p the policy, or NULL
 */
L7_API void l7_policy_destroy(l7_policy *p);

/**
 * \brief The policy's layer-7 protocols (`/ip firewall layer7-protocol`),
 *        shared by `/ip` and `/ipv6` rules (Decision 15).
 *
 * Edit it with the l7/protoset.h calls (add, set_regexp, remove,
 * set_enabled). l7_ruleset_compile() copies it, so later edits never reach
 * a compiled ruleset; a compile that finds the protocols unchanged reuses
 * the previous copy.
 *
 * \param p the policy
 * \return the set, owned by the policy (do not destroy it); NULL for NULL
 */
L7_API l7_protoset *l7_policy_protocols(l7_policy *p);

/**
 * \brief Set the pattern flags (#l7_pattern_flag bits, e.g.
 *        #L7_PATTERN_COMPAT_L7FILTER) its protocols' regexps compile with.
 *
 * The flags belong to the whole protocol set and every regexp in it is
 * compiled when added, so they can change only while the policy has no
 * protocols (none added, or all removed): set them right after
 * l7_policy_create(). Compiled rulesets keep the flags of their policy.
 *
 * \param p the policy
 * \param flags OR of #l7_pattern_flag bits (0 for the defaults)
 * \return #L7_OK; #L7_EINVAL (NULL policy or unknown bits); #L7_ESTATE
 *         (the policy has protocols; nothing changed)
 */
L7_API int l7_policy_set_pattern_flags(l7_policy *p, uint32_t flags);

/**
 * \brief The pattern flags set by l7_policy_set_pattern_flags().
 * \param p the policy
 * \return the #l7_pattern_flag bits; 0 for NULL
 */
L7_API uint32_t l7_policy_pattern_flags(const l7_policy *p);

/**
 * \brief Strict RouterOS mode: refuse the seed page's extensions (lists in
 *        `layer7-protocol`, `connection-mark`, `packet-mark`; several
 *        ranges in `time`) instead of accepting them with a warning.
 * \param p the policy
 * \param strict 1 for strict, 0 (default) for lenient
 * \return #L7_OK or #L7_EINVAL
 */
L7_API int l7_policy_set_strict(l7_policy *p, int strict);

/**
 * \brief Insert an empty rule.
 *
 * A rule needs at least `chain` before it can compile; `action` defaults
 * to `accept`.
 *
 * \param[out] out receives the new rule's position (may be NULL)
 * \param p the policy
 * \param family #L7_FAMILY_IPV4 or #L7_FAMILY_IPV6
 * \param table #L7_TABLE_FILTER or #L7_TABLE_MANGLE
 * \param before insert before the rule at this position
 *        (RouterOS `place-before`), or #L7_POLICY_APPEND
 * \return #L7_OK, #L7_EINVAL (bad family/table), #L7_ENOTFOUND (position
 *         beyond the end) or #L7_ENOMEM
 */
L7_API int l7_policy_rule_add(uint32_t *out, l7_policy *p, uint32_t family,
                              uint32_t table, uint32_t before);

/**
 * \brief Set one property of a rule, checking the value at once.
 *
 * `prop` is a RouterOS property name. A leading `!` in the value negates a
 * matcher that allows it. Errors are added to `diags` with the property as
 * item and a column counted from the first byte of the value (1-based).
 * Lenient extensions add a warning.
 *
 * \param p the policy
 * \param family #L7_FAMILY_IPV4 or #L7_FAMILY_IPV6
 * \param table #L7_TABLE_FILTER or #L7_TABLE_MANGLE
 * \param pos the rule's position
 * \param prop property name, NUL-terminated
 * \param value the value (need not be NUL-terminated)
 * \param value_len bytes in `value`
 * \param diags optional diagnostic list
 * \return #L7_OK; #L7_ENOTFOUND (no such rule or unknown property: the
 *         diagnostic names it); #L7_EUNSUPPORTED (the property does not
 *         belong to this table, e.g. `new-packet-mark` in filter);
 *         #L7_ESYNTAX / #L7_ERANGE (bad value); #L7_ENOMEM
 */
L7_API int l7_policy_rule_set(l7_policy *p, uint32_t family, uint32_t table,
                              uint32_t pos, const char *prop, const char *value,
                              size_t value_len, l7_diag_list *diags);

/**
 * \brief Remove one property of a rule (RouterOS `set N !prop`).
 * \param p the policy
 * \param family address family
 * \param table table
 * \param pos the rule's position
 * \param prop property name
 * \return #L7_OK (also when it was not set) or #L7_ENOTFOUND (no such rule
 *         or unknown property)
 */
L7_API int l7_policy_rule_unset(l7_policy *p, uint32_t family, uint32_t table,
                                uint32_t pos, const char *prop);

/**
 * \brief Remove a rule; later rules move up by one.
 * \param p the policy
 * \param family address family
 * \param table table
 * \param pos the rule's position
 * \return #L7_OK or #L7_ENOTFOUND
 */
L7_API int l7_policy_rule_remove(l7_policy *p, uint32_t family, uint32_t table,
                                 uint32_t pos);

/**
 * \brief Move a rule (RouterOS `move`): the rule at `from` ends up just
 *        before the rule that was at `before`.
 * \param p the policy
 * \param family address family
 * \param table table
 * \param from current position
 * \param before destination, or #L7_POLICY_APPEND for the end
 * \return #L7_OK or #L7_ENOTFOUND
 */
L7_API int l7_policy_rule_move(l7_policy *p, uint32_t family, uint32_t table,
                               uint32_t from, uint32_t before);

/**
 * \brief Number of rules in one list.
 * \param p the policy
 * \param family address family
 * \param table table
 * \return the count; 0 for NULL or bad arguments
 */
L7_API uint32_t l7_policy_rule_count(const l7_policy *p, uint32_t family,
                                     uint32_t table);

/**
 * \brief Value of one property as it was set.
 * \param[out] out receives a string owned by the policy, valid until the
 *             property or rule changes
 * \param p the policy
 * \param family address family
 * \param table table
 * \param pos the rule's position
 * \param prop property name
 * \return #L7_OK, or #L7_ENOTFOUND (no rule, unknown property, or not set)
 */
L7_API int l7_policy_rule_get(const char **out, const l7_policy *p, uint32_t family,
                              uint32_t table, uint32_t pos, const char *prop);

/**
 * \brief Iterate a rule's properties in the order they were first set
 *        (for `print` and `export`).
 * \param[out] out_name receives the property name (static string)
 * \param[out] out_value receives the value (owned by the policy)
 * \param p the policy
 * \param family address family
 * \param table table
 * \param pos the rule's position
 * \param index 0-based property index
 * \return #L7_OK, or #L7_ENOTFOUND past the last property or for a bad rule
 */
L7_API int l7_policy_rule_prop(const char **out_name, const char **out_value,
                               const l7_policy *p, uint32_t family, uint32_t table,
                               uint32_t pos, uint32_t index);

/**
 * \brief The rule's stable id: assigned at l7_policy_rule_add(), never
 *        reused within the policy, unchanged by set/move. Engines use it
 *        to keep a rule's counters across ruleset swaps.
 * \param[out] out receives the id (never 0)
 * \param p the policy
 * \param family address family
 * \param table table
 * \param pos the rule's position
 * \return #L7_OK or #L7_ENOTFOUND
 */
L7_API int l7_policy_rule_id(uint64_t *out, const l7_policy *p, uint32_t family,
                             uint32_t table, uint32_t pos);

/**
 * \brief Record where a rule came from (a script loader's line number):
 *        l7_ruleset_compile() reports errors and warnings about the rule
 *        with this line.
 * \param p the policy
 * \param family address family
 * \param table table
 * \param pos the rule's position
 * \param line 1-based source line (0 = none)
 * \return #L7_OK, #L7_ENOTFOUND or #L7_EINVAL
 */
L7_API int l7_policy_rule_set_line(l7_policy *p, uint32_t family, uint32_t table,
                                   uint32_t pos, uint32_t line);

/**
 * \brief Position of the rule with id `id` (the inverse of
 *        l7_policy_rule_id()).
 * \param[out] out receives the position
 * \param p the policy
 * \param family address family
 * \param table table
 * \param id the rule's id
 * \return #L7_OK or #L7_ENOTFOUND
 */
L7_API int l7_policy_rule_find(uint32_t *out, const l7_policy *p, uint32_t family,
                               uint32_t table, uint64_t id);

/**
 * \brief Name of the `index`-th connection-tracking property, in the order
 *        RouterOS prints them (`enabled` first).
 *
 * Iterate from 0 until NULL to list, copy or export every property that
 * l7_policy_conntrack_set() takes.
 *
 * \param index 0-based index
 * \return a static string, or NULL past the last property
 */
L7_API const char *l7_policy_conntrack_prop(uint32_t index);

/**
 * \brief Set one connection-tracking property
 *        (`/ip firewall connection tracking set`).
 *
 * Properties: `enabled` (`yes`, `no`, `auto`), `loose-tcp-tracking`,
 * `liberal-tcp-tracking`, `max-entries`, and the timeouts
 * `tcp-syn-sent-timeout`, `tcp-syn-received-timeout`,
 * `tcp-established-timeout`, `tcp-fin-wait-timeout`,
 * `tcp-close-wait-timeout`, `tcp-last-ack-timeout`,
 * `tcp-time-wait-timeout`, `tcp-close-timeout`, `udp-timeout`,
 * `udp-stream-timeout`, `icmp-timeout`, `generic-timeout` (RouterOS
 * durations such as `30s`, `3m`, `1d`, `00:10:00`).
 *
 * \param p the policy
 * \param prop property name
 * \param value the value
 * \param value_len bytes in `value`
 * \param diags optional diagnostic list
 * \return #L7_OK, #L7_ENOTFOUND (unknown property), #L7_ESYNTAX,
 *         #L7_ERANGE or #L7_ENOMEM
 */
L7_API int l7_policy_conntrack_set(l7_policy *p, const char *prop, const char *value,
                                   size_t value_len, l7_diag_list *diags);

/**
 * \brief Current value of a connection-tracking property, as set or the
 *        RouterOS default.
 * \param[out] out receives a string owned by the policy or static
 * \param p the policy
 * \param prop property name
 * \return #L7_OK or #L7_ENOTFOUND
 */
L7_API int l7_policy_conntrack_get(const char **out, const l7_policy *p,
                                   const char *prop);

/**
 * \brief Compile a policy into an immutable ruleset.
 *
 * Every rule is checked as a whole: chains resolved, jump targets defined,
 * jump loops and nesting deeper than 64 refused, ports only with
 * `protocol=tcp|udp|...`, action arguments present, layer7 protocol names
 * known. Such errors name the rule (`filter#3`) as the item and fail the
 * compile. Rules that use a disabled layer7 protocol compile as *invalid*
 * (RouterOS flag I; skipped, Decision 17). Rules that can never match get a
 * warning (Decision 18).
 *
 * \param[out] out receives the ruleset (reference count 1); NULL on failure
 * \param p the policy (not modified; the ruleset keeps no pointer to it)
 * \param diags optional diagnostic list
 * \return #L7_OK, #L7_ESYNTAX (at least one error in `diags`), #L7_EINVAL
 *         or #L7_ENOMEM
 */
L7_API int l7_ruleset_compile(l7_ruleset **out, const l7_policy *p,
                              l7_diag_list *diags);

/**
 * \brief Take another reference to a ruleset.
 * \param rs the ruleset
 * \return `rs`
 */
L7_API l7_ruleset *l7_ruleset_ref(l7_ruleset *rs);

/**
 * \brief Drop a reference; the last one frees the ruleset.
 * \param rs the ruleset, or NULL
 */
L7_API void l7_ruleset_destroy(l7_ruleset *rs);

/**
 * \brief Number of rules in one list of the ruleset (as in the policy).
 * \param rs the ruleset
 * \param family address family
 * \param table table
 * \return the count
 */
L7_API uint32_t l7_ruleset_rule_count(const l7_ruleset *rs, uint32_t family,
                                      uint32_t table);

/**
 * \brief Whether a rule is invalid (RouterOS flag I: it uses a disabled
 *        layer7 protocol and is skipped).
 * \param rs the ruleset
 * \param family address family
 * \param table table
 * \param pos the rule's position
 * \return 1 if invalid, 0 if valid, #L7_ENOTFOUND for no such rule
 */
L7_API int l7_ruleset_rule_invalid(const l7_ruleset *rs, uint32_t family,
                                   uint32_t table, uint32_t pos);

/**
 * \brief Whether connection tracking is on in this ruleset (`enabled=yes`,
 *        or `auto` with at least one rule).
 * \param rs the ruleset
 * \return 1 or 0
 */
L7_API int l7_ruleset_conntrack_enabled(const l7_ruleset *rs);

#ifdef __cplusplus
}
#endif

#endif /* L7_POLICY_H */
