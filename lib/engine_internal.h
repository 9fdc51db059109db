/*
 * Engine internals: the per-thread runtime that binds packet, defrag,
 * conntrack, inspect, addrlist and the policy evaluator.
 */
#ifndef L7_ENGINE_INTERNAL_H
#define L7_ENGINE_INTERNAL_H

#include "common_internal.h"
#include "conntrack_internal.h"
#include "inspect_internal.h"
#include "l7/defrag.h"
#include "l7/engine.h"
#include "l7/inspect.h"
#include "policy_internal.h"

/* What the engine keeps per connection, behind l7_conn.inspect. Allocated
 * only for connections that reach a layer7 or connection-rate matcher (or
 * every connection with collect=always), freed by the conntrack destructor. */
typedef struct eng_conn_ext {
    l7_inspect_state st;
    uint64_t rate_sec;   /* second of the current rate window */
    uint64_t rate_bytes; /* connection bytes at its start */
    uint64_t rate;       /* bit/s over the last complete second */
} eng_conn_ext;

struct l7_engine {
    l7_alloc alloc;
    l7_engine_options opts;
    l7_ruleset *rs;
    l7_conntrack *ct;
    l7_inspector *insp;
    l7_defrag *defrag;
    l7_packet *pkt;  /* the frame as given */
    l7_packet *pkt2; /* a reassembled datagram */

    /* engine name ids: connection, packet and routing marks */
    l7_names names[3];
    /* ruleset name id -> engine id (address lists: addrlist ids) */
    uint32_t *xlat[L7_NAME_KIND_COUNT];

    l7_rule_counter *counters;
    l7_limit_state *limits;

    l7_eval_env env;
    uint64_t stats[L7_ENGINE_STAT_COUNT];
    uint64_t invalid_by_status[L7_PACKET_STATUS_COUNT];
    uint64_t cookie_one;

    /* per packet */
    l7_conn *conn;
    const uint8_t *payload;
    uint32_t payload_len;
    uint32_t l7_limit_warned; /* limit hits reported for this packet */
    /* Address-list answers for this packet: many rules ask the same list
     * about the same address (the seed's EMPLOYEES rules); a list only
     * changes within a packet through its own add actions, which clear it. */
    struct {
        const l7_addr *addr;
        uint32_t list;
        bool member;
    } memo[4];
    uint32_t nmemo;
};

/* engine_process.c: fill e->env with the engine's bindings. */
void l7_engine_bind_env(l7_engine *e);

/* engine_log.c */
void l7_engine_emit_rule_log(l7_engine *e, l7_eval *ev, const l7_crule *r);
void l7_engine_emit_warning(l7_engine *e, l7_eval *ev, const char *message);

#endif
