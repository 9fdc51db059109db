/**
 * \file l7/console.h
 * \brief A live RouterOS console beside a running engine: `print`,
 *        `print stats`, `print detail`, `print where ...`,
 *        `/ip firewall connection print [detail] where ...`,
 *        `reset-counters`, `reset-counters-all`, and runtime
 *        `add`/`set`/`remove`/`enable`/`disable`.
 *
 * The console is the one module that sits beside the engine (design.md):
 * it reads the configuration (l7/config.h) for the items and the engine
 * (l7/engine.h) for the counters and connections, and writes
 * RouterOS-style tables (`Flags: X - disabled, I - invalid, D - dynamic`,
 * `;;; comment` lines, `#  CHAIN  ACTION  BYTES  PACKETS`). Hosts expose it
 * on a control socket; the Python bindings as `console()`.
 *
 * A configuration command (`add`, `set`, ...) is run with
 * l7_config_load() (all or nothing) and the new ruleset is swapped into
 * the engine, so connections and counters of unchanged rules stay.
 *
 * Connection listing: the `layer7-protocol` column (Decision 16, a libl7
 * extension) shows the protocol name, `unknown`, or nothing while the
 * connection is inspected; in `where`, `no-protocol` stands for nothing.
 *
 * Thread safety: call the console from the engine's thread, between
 * packets.
 */
#ifndef L7_CONSOLE_H
#define L7_CONSOLE_H

#include "l7/common.h"
#include "l7/config.h"
#include "l7/engine.h"

#ifdef __cplusplus
extern "C" {
#endif

/** \brief A console over one configuration and (optionally) one engine. */
typedef struct l7_console l7_console;

/**
 * \brief Output sink of l7_console_exec().
 * \param text bytes (not NUL-terminated)
 * \param len number of bytes
 * \param user the `user` given to l7_console_exec()
 * \return 0 to continue; anything else stops the command and is returned
 */
typedef int (*l7_console_write_fn)(const char *text, size_t len, void *user);

/**
 * \brief Create a console.
 * \param[out] out receives the console; NULL on failure
 * \param cfg the configuration (borrowed; must outlive the console)
 * \param engine the engine whose counters and connections are shown
 *        (borrowed), or NULL: counters read 0 and connection listing and
 *        counter resets are refused
 * \param alloc allocator hooks, or NULL
 * \return #L7_OK, #L7_EINVAL or #L7_ENOMEM
 */
L7_API int l7_console_create(l7_console **out, l7_config *cfg, l7_engine *engine,
                             const l7_allocator *alloc);

/**
 * \brief Show the live entries of a shared address-list object in
 *        `/ip firewall address-list print` (static and dynamic entries,
 *        flag `D`, remaining timeouts) instead of the configuration's
 *        static definitions.
 * \param con the console
 * \param al the object the engine uses (borrowed), or NULL to go back to
 *        the configuration's entries
 * \return #L7_OK or #L7_EINVAL
 */
L7_API int l7_console_set_addrlist(l7_console *con, l7_addrlist *al);

/**
 * \brief Destroy a console (not the configuration or engine).
 * \param con the console, or NULL
 */
L7_API void l7_console_destroy(l7_console *con);

/**
 * \brief Run one console line (one or more commands separated by `;`).
 *
 * Paths are absolute (`/ip firewall filter print stats`). Errors (unknown
 * menu or command, bad `where`, no such item) go to `diags` with the
 * column in `line`; nothing is written for a failing command.
 *
 * \param con the console
 * \param line the command text
 * \param len bytes in `line`
 * \param now current time (timeouts of connections and entries)
 * \param fn output sink
 * \param user passed to `fn`
 * \param diags optional diagnostic list
 * \return #L7_OK; #L7_ESYNTAX (errors in `diags`); #L7_EUNSUPPORTED (a
 *         console command libl7 does not run, such as `/log print`, which
 *         the host serves); the sink's non-zero value; #L7_EINVAL or
 *         #L7_ENOMEM
 */
L7_API int l7_console_exec(l7_console *con, const char *line, size_t len, uint64_t now,
                           l7_console_write_fn fn, void *user, l7_diag_list *diags);

#ifdef __cplusplus
}
#endif

#endif /* L7_CONSOLE_H */
