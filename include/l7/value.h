/**
 * \file l7/value.h
 * \brief Parsing and formatting of RouterOS property values.
 *
 * The small value grammars every configuration module shares: IPv4/IPv6
 * addresses, CIDR prefixes and IPv4 ranges (`src-address`, address lists),
 * durations (`timeout`, `time=`, `burst-time`), rates in bit/s
 * (`max-limit`), port lists (`dst-port`), booleans and comma lists.
 *
 * Every parser takes `(text, len)`: the text need not be NUL-terminated and
 * no byte at or past `len` is read. A parser returns #L7_OK, #L7_ESYNTAX
 * (not of that form), #L7_ERANGE (well formed but out of range, or an
 * overflow) or #L7_EINVAL (a NULL pointer); on error `*out` is left in an
 * unspecified but initialised state.
 *
 * Every formatter behaves like snprintf(): it writes at most `size` bytes
 * including a terminating NUL (nothing when `size` is 0) and returns the
 * length the full text needs, excluding the NUL, or a negative `L7_E*` code.
 * The formatted text parses back to the same value.
 *
 * All functions are pure: thread-safe, no allocation.
 */
#ifndef L7_VALUE_H
#define L7_VALUE_H

#include "l7/common.h"
#include "l7/packet.h"

#ifdef __cplusplus
extern "C" {
#endif

/** \brief Fixed sizes of the value types. */
typedef enum l7_value_limit {
    /** Most items in one port list (`80,443,8000-8100` has 3). RouterOS
     *  documents no limit; this is libl7's bound (iptables' multiport
     *  allows 15). */
    L7_VALUE_PORTLIST_MAX = 16,
    /** Buffer size that holds any formatted address, prefix or range. */
    L7_VALUE_ADDR_TEXT_MAX = 96,
    /** Buffer size that holds any formatted duration (`...w...d...ns`). */
    L7_VALUE_DURATION_TEXT_MAX = 64
} l7_value_limit;

/** \brief What an address value was written as. */
typedef enum l7_value_addr_kind {
    L7_VALUE_ADDR_SINGLE = 0, /**< one address: `10.0.0.1`, `2001:db8::1` */
    L7_VALUE_ADDR_PREFIX = 1, /**< a CIDR prefix: `10.0.0.0/8`, `2001:db8::/32` */
    L7_VALUE_ADDR_RANGE = 2   /**< an IPv4 range `a-b` (never IPv6) */
} l7_value_addr_kind;

/**
 * \brief An address, a prefix or an IPv4 range, as the set of addresses
 *        `first` .. `last` (inclusive) it covers.
 */
typedef struct l7_value_addrspec {
    uint32_t kind; /**< an #l7_value_addr_kind */
    uint32_t
        prefix_len; /**< prefix length (PREFIX); 32 or 128 for SINGLE; 0 for RANGE */
    uint32_t
        normalised;    /**< 1 when host bits of a prefix were cleared (`1.1.1.1/24`) */
    uint32_t reserved; /**< always 0 */
    l7_addr first;     /**< lowest address covered (the network address of a prefix) */
    l7_addr last;      /**< highest address covered */
} l7_value_addrspec;

/** \brief A parsed port list: `count` inclusive ranges `lo[i]..hi[i]`. */
typedef struct l7_value_portlist {
    uint32_t count; /**< number of items, 1 .. #L7_VALUE_PORTLIST_MAX */
    uint16_t lo[L7_VALUE_PORTLIST_MAX]; /**< first port of each item */
    uint16_t
        hi[L7_VALUE_PORTLIST_MAX]; /**< last port of each item (== lo for one port) */
} l7_value_portlist;

/** \brief One item of a split list: `text + offset`, `length` bytes. */
typedef struct l7_value_span {
    uint32_t offset; /**< byte offset of the item in the split text */
    uint32_t length; /**< length of the item in bytes (never 0) */
} l7_value_span;

/**
 * \brief Parse an IPv4 or IPv6 address.
 *
 * IPv4: dotted quad, four decimal octets 0..255 without leading zeros.
 * IPv6: every RFC 4291 textual form (`::`, `1::`, `::1`, full form, an
 * embedded IPv4 tail such as <tt>\::ffff:1.2.3.4</tt>); hex digits of either case.
 * Zone ids (`fe80::1%eth0`) are refused (#L7_ESYNTAX). The reverse is
 * l7_addr_format() (l7/packet.h).
 *
 * \param[out] out receives the address
 * \param text the text
 * \param len its length in bytes
 * \param family 4 or 6 to accept only that family, 0 for either
 * \return #L7_OK, #L7_ESYNTAX or #L7_EINVAL
 */
L7_API int l7_value_parse_addr(l7_addr *out, const char *text, size_t len,
                               uint32_t family);

/**
 * \brief Parse a CIDR prefix `addr/len`.
 *
 * Host bits are cleared (`1.1.1.1/24` gives `1.1.1.0/24`) and
 * `out->normalised` is set to 1 so that a loader can warn.
 *
 * \param[out] out receives the prefix (kind #L7_VALUE_ADDR_PREFIX)
 * \param text the text
 * \param len its length
 * \param family 4, 6 or 0 for either
 * \return #L7_OK, #L7_ESYNTAX, #L7_ERANGE (length above 32 / 128) or
 *         #L7_EINVAL
 */
L7_API int l7_value_parse_prefix(l7_value_addrspec *out, const char *text, size_t len,
                                 uint32_t family);

/**
 * \brief Parse an IPv4 range `a-b` (`a` <= `b`).
 * \param[out] out receives the range (kind #L7_VALUE_ADDR_RANGE)
 * \param text the text
 * \param len its length
 * \return #L7_OK, #L7_ESYNTAX (IPv6 ranges too), #L7_ERANGE (`a` > `b`) or
 *         #L7_EINVAL
 */
L7_API int l7_value_parse_range(l7_value_addrspec *out, const char *text, size_t len);

/**
 * \brief Parse any address value: an address, a prefix or an IPv4 range, as
 *        `src-address=` and address lists accept them.
 * \param[out] out receives the value, with `kind` saying which form it was
 * \param text the text
 * \param len its length
 * \param family 4, 6 or 0 for either
 * \return #L7_OK, #L7_ESYNTAX, #L7_ERANGE or #L7_EINVAL
 */
L7_API int l7_value_parse_addrspec(l7_value_addrspec *out, const char *text, size_t len,
                                   uint32_t family);

/**
 * \brief Format an address value as it was parsed: `a`, `a/len` or `a-b`.
 * \param[out] buf destination (may be NULL when `size` is 0)
 * \param size size of `buf`
 * \param spec the value
 * \return the length of the full text, or #L7_EINVAL
 */
L7_API int l7_value_format_addrspec(char *buf, size_t size,
                                    const l7_value_addrspec *spec);

/**
 * \brief Make `out` describe the addresses `first` .. `last` in the form
 *        RouterOS shows them: a single address, else the one CIDR block if
 *        the range is exactly one (`192.168.0.0-192.168.1.255` is
 *        `192.168.0.0/23`), else an IPv4 range.
 * \param[out] out receives the value (`normalised` is 0)
 * \param first lowest address
 * \param last highest address, same family, not below `first`
 * \return #L7_OK, #L7_ERANGE (`first` > `last`, or an IPv6 range that is no
 *         prefix) or #L7_EINVAL (families differ or are not 4/6)
 */
L7_API int l7_value_addrspec_from_range(l7_value_addrspec *out, const l7_addr *first,
                                        const l7_addr *last);

/**
 * \brief Whether an address value covers an address.
 * \param spec the value
 * \param addr the address
 * \return 1 when `addr` is of the same family and inside, else 0
 */
L7_API int l7_value_addrspec_contains(const l7_value_addrspec *spec,
                                      const l7_addr *addr);

/**
 * \brief Parse a RouterOS duration into nanoseconds.
 *
 * Forms: a plain number of seconds (`30`); numbers with units in
 * decreasing order, each unit at most once (`1w2d3h4m5s`, `8h30m`,
 * `500ms`; units `w d h m s ms` and, as a libl7 extension so that every
 * formatted value parses back, `us ns`); the clock form `H:MM` or
 * `H:MM:SS[.fraction]` with up to 9 fraction digits, optionally after
 * weeks/days (`1d02:00:00`, `1d 02:00:00`). Minutes and seconds of the
 * clock form are two digits below 60.
 *
 * \param[out] out receives nanoseconds
 * \param text the text
 * \param len its length
 * \return #L7_OK, #L7_ESYNTAX, #L7_ERANGE (does not fit 64 bits) or
 *         #L7_EINVAL
 */
L7_API int l7_value_parse_duration(uint64_t *out, const char *text, size_t len);

/**
 * \brief Format nanoseconds in RouterOS's compact form: `1d2h`, `30s`,
 *        `1m30s`, `1s500ms`; zero is `0s`.
 * \param[out] buf destination (may be NULL when `size` is 0)
 * \param size size of `buf`
 * \param ns the duration
 * \return the length of the full text
 */
L7_API int l7_value_format_duration(char *buf, size_t size, uint64_t ns);

/**
 * \brief Parse a rate in bit/s with an optional decimal suffix: `k` (or
 *        `K`) = 10^3, `M` = 10^6, `G` = 10^9. A fraction is allowed when the
 *        result is a whole number of bits (`1.5M`).
 *
 * Lower-case `m` and `g` are refused (`m` could be read as milli), and
 * so is a `bps` tail: RouterOS writes rates as `10M`.
 * \param[out] out receives bit/s
 * \param text the text
 * \param len its length
 * \return #L7_OK, #L7_ESYNTAX, #L7_ERANGE or #L7_EINVAL
 */
L7_API int l7_value_parse_rate(uint64_t *out, const char *text, size_t len);

/**
 * \brief Format a rate with the largest suffix that divides it exactly:
 *        `5M`, `512k`, `1500k`, `1234`, `0`.
 * \param[out] buf destination (may be NULL when `size` is 0)
 * \param size size of `buf`
 * \param bps bit/s
 * \return the length of the full text
 */
L7_API int l7_value_format_rate(char *buf, size_t size, uint64_t bps);

/**
 * \brief Parse a port list: comma-separated ports and ranges `a-b`
 *        (0..65535, `a` <= `b`), at most #L7_VALUE_PORTLIST_MAX items, no
 *        spaces, no empty items. A leading `!` is the caller's business.
 * \param[out] out receives the list
 * \param text the text
 * \param len its length
 * \return #L7_OK, #L7_ESYNTAX, #L7_ERANGE (a port above 65535, `a` > `b`),
 *         #L7_ELIMIT (too many items) or #L7_EINVAL
 */
L7_API int l7_value_parse_portlist(l7_value_portlist *out, const char *text,
                                   size_t len);

/**
 * \brief Format a port list as `80,443,8000-8100`.
 * \param[out] buf destination (may be NULL when `size` is 0)
 * \param size size of `buf`
 * \param list the list
 * \return the length of the full text, or #L7_EINVAL
 */
L7_API int l7_value_format_portlist(char *buf, size_t size,
                                    const l7_value_portlist *list);

/**
 * \brief Whether a port list contains a port.
 * \param list the list
 * \param port the port (host order)
 * \return 1 or 0
 */
L7_API int l7_value_portlist_contains(const l7_value_portlist *list, uint16_t port);

/**
 * \brief Parse a boolean: `yes`/`true` give 1, `no`/`false` give 0 (lower
 *        case, as RouterOS writes them).
 * \param[out] out receives 0 or 1
 * \param text the text
 * \param len its length
 * \return #L7_OK, #L7_ESYNTAX or #L7_EINVAL
 */
L7_API int l7_value_parse_bool(uint32_t *out, const char *text, size_t len);

/**
 * \brief Split `text` at every `sep` byte into non-empty items.
 *
 * `a,b,c` gives three spans; an empty text, an empty item (`a,,b`) or a
 * leading or trailing separator is #L7_ESYNTAX. Items are not trimmed.
 *
 * \param[out] out receives up to `capacity` spans (may be NULL when
 *             `capacity` is 0)
 * \param capacity number of spans `out` holds
 * \param[out] out_count receives the number of items in the text (even when
 *             they do not all fit)
 * \param text the text
 * \param len its length (below 4 GiB)
 * \param sep the separator byte, usually `,`
 * \return #L7_OK, #L7_ESYNTAX, #L7_EBUFFER (more items than `capacity`;
 *         the first `capacity` are filled) or #L7_EINVAL
 */
L7_API int l7_value_split(l7_value_span *out, size_t capacity, size_t *out_count,
                          const char *text, size_t len, char sep);

#ifdef __cplusplus
}
#endif

#endif /* L7_VALUE_H */
