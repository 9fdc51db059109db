/*
 * The per-connection inspection state, for modules that embed it
 * (conntrack keeps one in every connection record).
 *
 * Kept small on purpose: a few words while idle; the payload buffer is
 * allocated at the first payload byte and freed as soon as the connection
 * is classified or the window closes, so a classified connection costs
 * only the words below.
 *
 * Embedding: zero the struct (or call l7_inspect_state_init()) for a new
 * connection; call l7_inspect_state_release() with the allocator of the
 * inspector that drives it when the record dies.
 */
#ifndef L7_INSPECT_INTERNAL_H
#define L7_INSPECT_INTERNAL_H

#include "common_internal.h"
#include "l7/inspect.h"

/* l7_inspect_state.flags */
enum {
    /* The window was opened by an allowed first evaluation (D-L3 / L11). */
    L7_INSPECT_F_STARTED = 0x01,
    /* Strict mode saw the connection first at packet >= 2: never inspect. */
    L7_INSPECT_F_NEVER = 0x02,
    /* The last collected packet added bytes (the regexps have work to do). */
    L7_INSPECT_F_ADDED = 0x04,
    /* Gave up outside l7_inspect_rule(): the next rule evaluation must
     * still answer false for `unknown` (L7). */
    L7_INSPECT_F_GIVEUP_PENDING = 0x08,
};

/* What the regexps already told about a connection's growing buffer, so
 * that a packet does not make them rescan bytes they have seen (the
 * answers stay those of a full rescan, routeros-spec.md L5). Allocated at
 * the first regexp run, freed with the buffer. Per protocol id < nbits,
 * three bitmaps of (nbits + 7) / 8 bytes:
 *
 *  dead        an anchored pattern that can never match this connection;
 *  checked[2]  two rounds: the pattern was run on the buffer when it had
 *              round_len[i] bytes, with no match and a proof that lets the
 *              next run start late (see run_protocol() in inspect.c).
 *
 * A round is a buffer length at which some regexp ran; checked[cur] is the
 * current one. A protocol checked in the round before can resume; one
 * checked longer ago (rule-driven: its rule skipped packets) rescans. */
typedef struct l7_inspect_memo {
    uint32_t nbits;
    uint32_t gen; /* l7_protoset generation the bits belong to */
    uint32_t round_len[2];
    uint32_t cur;
    uint8_t bits[]; /* dead, checked[0], checked[1] */
} l7_inspect_memo;

struct l7_inspect_state {
    uint8_t *buf;          /* NULL unless inspecting and bytes were collected */
    l7_inspect_memo *memo; /* NULL until a regexp ran; freed with buf */
    uint64_t serial;       /* inspector-wide id of the current buffer contents */
    uint32_t len;          /* bytes in buf */
    uint32_t cap;          /* allocated size of buf */
    uint32_t last_packet;  /* number of the last collected packet (0: none) */
    uint32_t result;       /* protocol id, L7_PROTO_ID_UNSET or _UNKNOWN */
    uint8_t status;        /* l7_inspect_status */
    uint8_t flags;         /* L7_INSPECT_F_* */
    uint8_t pad[6];
};

_Static_assert(sizeof(struct l7_inspect_state) <= 48, "keep the state small");

/* Prepare an embedded state for a new connection. */
void l7_inspect_state_init(l7_inspect_state *state);

/* Free the buffer of an embedded state (the record is going away or is
 * reused); `alloc` is the allocator of the inspector that drives it. */
void l7_inspect_state_release(const l7_alloc *alloc, l7_inspect_state *state);

/* The allocator of an inspector (for embedders that free records). */
const l7_alloc *l7_inspect_alloc(const l7_inspector *insp);

#endif
