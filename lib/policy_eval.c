/*
 * Rule evaluation (routeros-spec §2.2): chains in order, AND across a
 * rule's matchers (cheapest first), actions, jump/return on an explicit
 * stack bounded at compile time, the default accept at the end of a
 * built-in chain, and the table sequence of each hook (§6).
 */
#include "policy_internal.h"

static inline bool rule_matches(l7_eval *ev, const l7_crule *r)
{
    for (uint32_t i = 0; i < r->nm; i++) {
        const l7_cmatch *m = &r->m[i];
        /* With tracking off, every conntrack matcher is off: it never
         * matches, negated or not. */
        if (L7_UNLIKELY(!ev->ct_on) && m->conntrack)
            return false;
        if (m->match(m, ev) == m->negate)
            return false;
    }
    return true;
}

static void apply_mark(l7_eval *ev, const l7_crule *r)
{
    switch (r->action) {
    case L7_ACT_MARK_CONN:
        if (ev->has_conn && ev->ct_on && ev->conn_mark)
            *ev->conn_mark = l7_eval_xlat(ev, L7_NAME_CONNMARK, r->mark_id);
        break;
    case L7_ACT_MARK_PACKET:
        ev->packet_mark = l7_eval_xlat(ev, L7_NAME_PACKETMARK, r->mark_id);
        break;
    case L7_ACT_MARK_ROUTING:
        ev->routing_mark = l7_eval_xlat(ev, L7_NAME_ROUTINGMARK, r->mark_id);
        break;
    case L7_ACT_CHANGE_DSCP:
        ev->dscp = r->new_dscp;
        break;
    default:
        break;
    }
}

int l7_eval_chain(l7_eval *ev, uint16_t start)
{
    const l7_ruleset *rs = ev->rs;
    struct {
        uint16_t chain;
        uint32_t next;
    } stack[L7_POL_MAX_JUMP_DEPTH + 1];
    int sp = 0;
    stack[0].chain = start;
    stack[0].next = 0;
    while (sp >= 0) {
        const l7_chain *ch = &rs->chains[stack[sp].chain];
        if (stack[sp].next >= ch->n) {
            sp--; /* end of a user chain: implicit return */
            continue;
        }
        const l7_crule *r = &rs->rules[ch->rules[stack[sp].next++]];
        ev->current = r;
        if (!rule_matches(ev, r))
            continue;
        l7_rule_counter *ctr = &ev->counters[r->index];
        ctr->packets++;
        ctr->bytes += ev->pkt->ip_len;
        if ((r->log || r->action == L7_ACT_LOG) && ev->env && ev->env->log)
            ev->env->log(ev->env->user, ev, r);
        switch (r->action) {
        case L7_ACT_ACCEPT:
            ev->verdict = L7_VERDICT_ACCEPT;
            ev->decider = r;
            return 1;
        case L7_ACT_DROP:
            ev->verdict = L7_VERDICT_DROP;
            ev->decider = r;
            return 1;
        case L7_ACT_REJECT:
            ev->verdict = L7_VERDICT_REJECT;
            ev->reject_with = r->reject_with;
            ev->decider = r;
            return 1;
        case L7_ACT_TARPIT:
            /* Only TCP can be tarpitted; anything else is dropped. */
            ev->verdict = ev->pkt->l4_proto == 6 ? L7_VERDICT_TARPIT : L7_VERDICT_DROP;
            ev->decider = r;
            return 1;
        case L7_ACT_LOG:
        case L7_ACT_PASSTHROUGH:
            break;
        case L7_ACT_JUMP:
            if (L7_LIKELY(sp < L7_POL_MAX_JUMP_DEPTH) && r->jump_target != UINT16_MAX) {
                sp++;
                stack[sp].chain = r->jump_target;
                stack[sp].next = 0;
            }
            break;
        case L7_ACT_RETURN:
            /* From a built-in chain this ends it with the default accept. */
            sp--;
            break;
        case L7_ACT_ADD_SRC:
        case L7_ACT_ADD_DST:
            if (ev->env && ev->env->list_add)
                ev->env->list_add(ev->env->user, rs, r->list_id,
                                  r->action == L7_ACT_ADD_SRC ? &ev->pkt->src
                                                              : &ev->pkt->dst,
                                  r->list_timeout_kind, r->list_timeout_ns, ev->now);
            break;
        case L7_ACT_FASTTRACK:
            if (ev->has_conn && ev->ct_on && ev->fasttrack)
                *ev->fasttrack = true;
            break;
        default:
            apply_mark(ev, r);
            if (!r->passthrough) {
                /* passthrough=no ends this table for the packet, like accept. */
                ev->verdict = L7_VERDICT_ACCEPT;
                ev->decider = r;
                return 1;
            }
            break;
        }
    }
    return 0;
}

/* The tables a hook runs, in order (RouterOS packet flow, NAT/RAW left out). */
static const struct {
    uint8_t n;
    struct {
        uint8_t table, chain;
    } step[4];
} hook_steps[3] = {
    [L7_HOOK_FORWARD] = {4,
                         {{L7_TABLE_MANGLE, L7_BC_PREROUTING},
                          {L7_TABLE_MANGLE, L7_BC_FORWARD},
                          {L7_TABLE_FILTER, L7_BC_FORWARD},
                          {L7_TABLE_MANGLE, L7_BC_POSTROUTING}}},
    [L7_HOOK_INPUT] = {3,
                       {{L7_TABLE_MANGLE, L7_BC_PREROUTING},
                        {L7_TABLE_MANGLE, L7_BC_INPUT},
                        {L7_TABLE_FILTER, L7_BC_INPUT}}},
    [L7_HOOK_OUTPUT] = {3,
                        {{L7_TABLE_MANGLE, L7_BC_OUTPUT},
                         {L7_TABLE_FILTER, L7_BC_OUTPUT},
                         {L7_TABLE_MANGLE, L7_BC_POSTROUTING}}},
};

int l7_eval_hook(l7_eval *ev)
{
    ev->verdict = L7_VERDICT_ACCEPT;
    if (ev->hook > L7_HOOK_OUTPUT ||
        (ev->pkt->ip_version != 4 && ev->pkt->ip_version != 6))
        return ev->verdict;
    unsigned fam = ev->pkt->ip_version == 6;
    const l7_ruleset *rs = ev->rs;
    for (unsigned i = 0; i < hook_steps[ev->hook].n; i++) {
        uint16_t ci = rs->builtin[fam][hook_steps[ev->hook].step[i].table]
                                 [hook_steps[ev->hook].step[i].chain];
        if (ci == UINT16_MAX)
            continue;
        ev->verdict = L7_VERDICT_ACCEPT;
        l7_eval_chain(ev, ci);
        if (ev->verdict != L7_VERDICT_ACCEPT)
            break;
    }
    return ev->verdict;
}
