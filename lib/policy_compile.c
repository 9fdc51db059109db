/*
 * Policy -> immutable ruleset: chains resolved, values parsed once, names
 * interned, matchers sorted by cost, jump graph checked for loops and depth,
 * and the "can never match" warnings of Decision 18.
 */
#include "policy_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct cctx {
    const l7_policy *p;
    l7_ruleset *rs;
    l7_diag_list *diags;
    int errors;
    char item[48];
    char **jump_names; /* per rule index, the jump target text */
} cctx;

static const char *rule_item(cctx *c, unsigned family, unsigned table, uint32_t pos)
{
    snprintf(c->item, sizeof(c->item), "%s%s#%u", family == 6 ? "ipv6-" : "",
             table == L7_TABLE_FILTER ? "filter" : "mangle", pos);
    return c->item;
}

static void rerr(cctx *c, const l7_crule *r, int code, const char *msg, const char *arg)
{
    rule_item(c, r->family, r->table, r->pos);
    l7_diag_add(c->diags, L7_SEV_ERROR, code, c->item, r->line, 0, 0, "%s%s%s%s",
                c->item, ": ", msg, arg ? arg : "");
    c->errors++;
}

static void rwarn(cctx *c, const l7_crule *r, const char *msg)
{
    rule_item(c, r->family, r->table, r->pos);
    l7_diag_add(c->diags, L7_SEV_WARNING, 0, c->item, r->line, 0, 0, "%s: %s", c->item,
                msg);
}

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
    const uint8_t *b = data;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static int find_chain(l7_ruleset *rs, unsigned family, unsigned table, const char *name)
{
    for (uint32_t i = 0; i < rs->nchains; i++) {
        const l7_chain *ch = &rs->chains[i];
        if (ch->family == family && ch->table == table && !strcmp(ch->name, name))
            return (int)i;
    }
    return -1;
}

static int get_chain(l7_ruleset *rs, unsigned family, unsigned table, const char *name,
                     uint16_t *out)
{
    int i = find_chain(rs, family, table, name);
    if (i < 0) {
        if (rs->nchains >= UINT16_MAX - 1)
            return L7_ELIMIT;
        size_t cap = rs->chains_cap;
        L7_TRY(l7_grow(&rs->alloc, (void **)&rs->chains, &cap, rs->nchains + 1,
                       sizeof(l7_chain)));
        rs->chains_cap = (uint32_t)cap;
        l7_chain *ch = &rs->chains[rs->nchains];
        memset(ch, 0, sizeof(*ch));
        ch->name = l7_strdup(&rs->alloc, name);
        if (!ch->name)
            return L7_ENOMEM;
        ch->family = (uint8_t)family;
        ch->table = (uint8_t)table;
        int slot = l7_builtin_chain_slot(table, name);
        ch->builtin = slot >= 0;
        if (slot >= 0)
            rs->builtin[family == 6][table][slot] = (uint16_t)rs->nchains;
        i = (int)rs->nchains++;
    }
    *out = (uint16_t)i;
    return 0;
}

static int chain_append(l7_ruleset *rs, uint16_t chain, uint32_t rule)
{
    l7_chain *ch = &rs->chains[chain];
    size_t cap = ch->cap;
    L7_TRY(l7_grow(&rs->alloc, (void **)&ch->rules, &cap, ch->n + 1, sizeof(uint32_t)));
    ch->cap = (uint32_t)cap;
    ch->rules[ch->n++] = rule;
    return 0;
}

static int cmp_cost(const void *a, const void *b)
{
    const l7_cmatch *x = a, *y = b;
    if (x->def->cost != y->def->cost)
        return x->def->cost < y->def->cost ? -1 : 1;
    /* Stable on schema order (the address of the definition). */
    return x->def < y->def ? -1 : x->def > y->def;
}

static bool ports_proto_ok(uint8_t p)
{
    return p == 6 || p == 17 || p == 132 || p == 33 || p == 136;
}

/* Intern the names of a name-list value into the ruleset. */
static int intern_names(cctx *c, l7_crule *r, l7_pval *v, unsigned kind)
{
    l7_ruleset *rs = c->rs;
    v->u.names.ids =
        l7_calloc(&rs->alloc, v->u.names.n ? v->u.names.n : 1, sizeof(uint32_t));
    if (!v->u.names.ids)
        return L7_ENOMEM;
    for (uint32_t i = 0; i < v->u.names.n; i++) {
        const char *nm = v->u.names.names[i];
        if (kind == L7_NAME_PROTOCOL) {
            if (!strcmp(nm, "unknown")) {
                v->u.names.ids[i] = L7_PROTO_ID_UNKNOWN;
                continue;
            }
            if (!strcmp(nm, "unset")) {
                v->u.names.ids[i] = L7_PROTO_ID_UNSET;
                continue;
            }
            int st = l7_policy_proto_id(&v->u.names.ids[i], rs, nm);
            if (st == L7_ENOTFOUND)
                rerr(c, r, L7_ENOTFOUND, "no such layer7-protocol: ", nm);
            if (st == 1)
                r->invalid = true; /* Decision 17: flag I, skipped */
            /* Protocols are named by the ruleset's set, not interned. */
            continue;
        }
        if ((kind == L7_NAME_CONNMARK || kind == L7_NAME_PACKETMARK ||
             kind == L7_NAME_ROUTINGMARK) &&
            !strcmp(nm, "no-mark")) {
            v->u.names.ids[i] = L7_NAME_NONE;
            continue;
        }
        L7_TRY(l7_names_intern(&rs->names[kind], &rs->alloc, nm, strlen(nm),
                               &v->u.names.ids[i]));
    }
    /* Parsing names are no longer needed. */
    for (uint32_t i = 0; i < v->u.names.n; i++)
        l7_free(&rs->alloc, v->u.names.names[i]);
    l7_free(&rs->alloc, v->u.names.names);
    v->u.names.names = NULL;
    return 0;
}

static int compile_rule(cctx *c, const l7_pol_rule *pr, unsigned family, unsigned table,
                        uint32_t pos, uint32_t index)
{
    l7_ruleset *rs = c->rs;
    l7_crule *r = &rs->rules[index];
    memset(r, 0, sizeof(*r));
    r->index = index;
    r->pos = pos;
    r->id = pr->id;
    r->line = pr->line;
    r->family = (uint8_t)family;
    r->table = (uint8_t)table;
    r->action = L7_ACT_ACCEPT;
    r->passthrough = true;
    r->new_dscp = -1;
    r->jump_target = UINT16_MAX;

    /* Signature: everything but comment and disabled, in schema order, so
     * that a reload of the same text keeps the rule's counters. */
    uint64_t sig = 0xcbf29ce484222325ull;
    sig = fnv(sig, &family, sizeof(family));
    sig = fnv(sig, &table, sizeof(table));
    for (uint32_t d = 0; d < l7_prop_def_count; d++) {
        if (d == L7_P_COMMENT || d == L7_P_DISABLED)
            continue;
        for (uint32_t i = 0; i < pr->n; i++) {
            if (pr->props[i].def != d)
                continue;
            sig = fnv(sig, &d, sizeof(d));
            sig = fnv(sig, pr->props[i].value, pr->props[i].len);
        }
    }
    r->sig = sig;

    const char *chain = NULL;
    bool has_arg[L7_P_FIRST_MATCHER] = {false};
    uint32_t nmatch = 0;
    for (uint32_t i = 0; i < pr->n; i++)
        if (pr->props[i].def >= L7_P_FIRST_MATCHER)
            nmatch++;
    if (nmatch) {
        r->m = l7_calloc(&rs->alloc, nmatch, sizeof(l7_cmatch));
        if (!r->m)
            return L7_ENOMEM;
    }
    int proto = -1;
    bool proto_negated = false;
    for (uint32_t i = 0; i < pr->n; i++) {
        const l7_pol_prop *pp = &pr->props[i];
        const l7_prop_def *d = &l7_prop_defs[pp->def];
        l7_pval v;
        bool neg;
        /* Values were checked (and warned about) by set: parse quietly and
         * only on failure (strict mode switched on later) parse again to
         * report. */
        int rc = l7_policy_parse_value(&v, &neg, d, pp->value, pp->len, c->p->strict,
                                       &rs->alloc, NULL);
        if (rc == L7_ENOMEM)
            return rc;
        if (rc < 0) {
            size_t before = l7_diag_list_count(c->diags);
            l7_pval tmp;
            if (l7_policy_parse_value(&tmp, &neg, d, pp->value, pp->len, c->p->strict,
                                      &rs->alloc, c->diags) == 0)
                l7_pval_free(d, &tmp, &rs->alloc);
            rule_item(c, family, table, pos);
            l7_diag_relocate(c->diags, before, pr->line, 0, c->item);
            c->errors++;
            continue;
        }
        if (pp->def < L7_P_FIRST_MATCHER) {
            has_arg[pp->def] = true;
            switch (pp->def) {
            case L7_P_CHAIN:
                chain = pp->value;
                break;
            case L7_P_ACTION:
                r->action = (uint8_t)v.u.num;
                break;
            case L7_P_COMMENT:
                r->comment = v.u.str;
                v.u.str = NULL;
                break;
            case L7_P_DISABLED:
                r->disabled = v.u.num != 0;
                break;
            case L7_P_LOG:
                r->log = v.u.num != 0;
                break;
            case L7_P_LOG_PREFIX:
                r->log_prefix = v.u.str;
                v.u.str = NULL;
                break;
            case L7_P_PASSTHROUGH:
                r->passthrough = v.u.num != 0;
                break;
            case L7_P_JUMP_TARGET:
                c->jump_names[index] = v.u.str;
                v.u.str = NULL;
                break;
            case L7_P_NEW_CONNMARK:
            case L7_P_NEW_PACKETMARK:
            case L7_P_NEW_ROUTINGMARK:
            case L7_P_ADDRESS_LIST: {
                unsigned kind = d->name_kind;
                if (!strcmp(v.u.names.names[0], "no-mark") &&
                    kind != L7_NAME_ADDRLIST) {
                    /* `no-mark` as a new mark clears it. */
                    r->mark_id = L7_NAME_NONE;
                } else {
                    uint32_t id;
                    rc = l7_names_intern(&rs->names[kind], &rs->alloc,
                                         v.u.names.names[0], strlen(v.u.names.names[0]),
                                         &id);
                    if (rc < 0) {
                        l7_pval_free(d, &v, &rs->alloc);
                        return rc;
                    }
                    if (kind == L7_NAME_ADDRLIST)
                        r->list_id = id;
                    else
                        r->mark_id = id;
                }
                break;
            }
            case L7_P_NEW_DSCP:
                r->new_dscp = (int8_t)v.u.num;
                break;
            case L7_P_REJECT_WITH:
                r->reject_with = (uint8_t)v.u.num;
                break;
            case L7_P_ADDRESS_LIST_TIMEOUT:
                r->list_timeout_kind = (uint8_t)v.u.range.lo;
                r->list_timeout_ns = v.u.range.hi;
                break;
            }
            l7_pval_free(d, &v, &rs->alloc);
            continue;
        }
        if (pp->def == (uint16_t)l7_prop_index_protocol()) {
            proto = v.u.proto;
            proto_negated = neg;
        }
        if (d->name_kind != 0xff) {
            rc = intern_names(c, r, &v, d->name_kind);
            if (rc < 0) {
                l7_pval_free(d, &v, &rs->alloc);
                return rc;
            }
        }
        l7_cmatch *m = &r->m[r->nm++];
        m->def = d;
        m->match = d->match;
        m->negate = neg;
        m->conntrack = (d->flags & L7_PF_CONNTRACK) != 0;
        m->v = v;
    }
    /* Ports need a port protocol (RouterOS refuses them otherwise). */
    for (uint32_t i = 0; i < r->nm; i++) {
        if ((r->m[i].def->flags & L7_PF_PORTS) &&
            (proto < 0 || proto_negated || !ports_proto_ok((uint8_t)proto)))
            rerr(c, r, L7_ESYNTAX, r->m[i].def->name,
                 " needs protocol=tcp, udp, sctp, dccp or udp-lite");
    }
    for (uint32_t i = 0; i < r->nm; i++) {
        const char *n = r->m[i].def->name;
        if ((!strcmp(n, "connection-bytes") || !strcmp(n, "connection-rate")) &&
            (proto < 0 || proto_negated || (proto != 6 && proto != 17)))
            rwarn(c, r,
                  "connection-bytes and connection-rate only count TCP and UDP "
                  "connections: add protocol=tcp or protocol=udp");
    }
    if (r->nm > 1)
        qsort(r->m, r->nm, sizeof(l7_cmatch), cmp_cost);

    if (!chain) {
        rerr(c, r, L7_ESYNTAX, "missing chain", NULL);
        return 0;
    }
    const l7_action_def *ad = &l7_action_defs[r->action];
    if (ad->required_arg >= 0 && !has_arg[ad->required_arg])
        rerr(c, r, L7_ESYNTAX, "action needs ", l7_prop_defs[ad->required_arg].name);
    if (r->action == L7_ACT_TARPIT && proto >= 0 && proto != 6)
        rwarn(c, r, "tarpit only acts on TCP");
    uint16_t ci;
    int rc = get_chain(rs, family, table, chain, &ci);
    if (rc < 0)
        return rc;
    r->chain = ci;
    if (!r->disabled && !r->invalid)
        L7_TRY(chain_append(rs, ci, index));
    return 0;
}

/* Longest jump path from chain `ci`; -1 on a loop (colour 1 = on stack). */
static int chain_depth(cctx *c, uint16_t ci, uint8_t *colour, int *depth,
                       const l7_crule **loop_rule)
{
    l7_ruleset *rs = c->rs;
    if (colour[ci] == 2)
        return depth[ci];
    if (colour[ci] == 1)
        return -1;
    colour[ci] = 1;
    int best = 0;
    const l7_chain *ch = &rs->chains[ci];
    for (uint32_t i = 0; i < ch->n; i++) {
        const l7_crule *r = &rs->rules[ch->rules[i]];
        if (r->action != L7_ACT_JUMP || r->jump_target == UINT16_MAX)
            continue;
        int d = chain_depth(c, r->jump_target, colour, depth, loop_rule);
        if (d < 0) {
            if (!*loop_rule)
                *loop_rule = r;
            return -1;
        }
        if (d + 1 > best)
            best = d + 1;
    }
    colour[ci] = 2;
    depth[ci] = best;
    return best;
}

static bool is_accept_established(const l7_crule *r)
{
    if (r->action != L7_ACT_ACCEPT)
        return false;
    for (uint32_t i = 0; i < r->nm; i++)
        if (!strcmp(r->m[i].def->name, "connection-state") && !r->m[i].negate &&
            (r->m[i].v.u.bits & L7_CTB_ESTABLISHED))
            return true;
    return false;
}

static const l7_cmatch *find_match(const l7_crule *r, const char *name)
{
    for (uint32_t i = 0; i < r->nm; i++)
        if (!strcmp(r->m[i].def->name, name))
            return &r->m[i];
    return NULL;
}

/* Decision 18: rules that load but can never match. */
static void warn_never_match(cctx *c)
{
    l7_ruleset *rs = c->rs;
    for (uint32_t ci = 0; ci < rs->nchains; ci++) {
        const l7_chain *ch = &rs->chains[ci];
        const l7_crule *accept_est = NULL;
        for (uint32_t i = 0; i < ch->n; i++) {
            const l7_crule *r = &rs->rules[ch->rules[i]];
            const l7_cmatch *l7 = find_match(r, "layer7-protocol");
            if (l7) {
                const l7_cmatch *st = find_match(r, "connection-state");
                const l7_cmatch *pr = find_match(r, "protocol");
                if (st && !st->negate && st->v.u.bits == L7_CTB_NEW &&
                    (!pr || (!pr->negate && pr->v.u.proto == 6)))
                    rwarn(c, r,
                          "layer7-protocol with connection-state=new never matches "
                          "TCP: the SYN carries no payload and later packets are "
                          "not new");
                if (accept_est) {
                    char msg[160];
                    snprintf(msg, sizeof(msg),
                             "layer7-protocol behind an accept of established "
                             "connections (%s#%u) sees no payload and never matches",
                             accept_est->table == L7_TABLE_FILTER ? "filter" : "mangle",
                             accept_est->pos);
                    rwarn(c, r, msg);
                }
            }
            if (!accept_est && is_accept_established(r))
                accept_est = r;
            /* Interfaces a hook never has (§2.4): output has no input
             * interface, prerouting and input no output interface. */
            const l7_cmatch *in = find_match(r, "in-interface");
            const l7_cmatch *out = find_match(r, "out-interface");
            int slot = ch->builtin ? l7_builtin_chain_slot(ch->table, ch->name) : -1;
            if (in && !in->negate && slot == L7_BC_OUTPUT)
                rwarn(c, r, "in-interface never matches in the output chain");
            if (out && !out->negate &&
                (slot == L7_BC_PREROUTING || slot == L7_BC_INPUT))
                rwarn(c, r,
                      "out-interface never matches before routing (prerouting, "
                      "input)");
        }
    }
    /* fasttrack-connection ahead of L7 rules of the same family. */
    for (unsigned f = 0; f < 2; f++) {
        const l7_crule *ft = NULL;
        for (uint32_t i = 0; i < rs->nrules && !ft; i++) {
            const l7_crule *r = &rs->rules[i];
            if ((r->family == 6) == f && r->action == L7_ACT_FASTTRACK && !r->disabled)
                ft = r;
        }
        if (!ft)
            continue;
        for (uint32_t i = 0; i < rs->nrules; i++) {
            const l7_crule *r = &rs->rules[i];
            if ((r->family == 6) == f && !r->disabled &&
                find_match(r, "layer7-protocol")) {
                char msg[160];
                snprintf(msg, sizeof(msg),
                         "fasttrack-connection (%s#%u) makes later packets of its "
                         "connections skip this layer7-protocol rule",
                         ft->table == L7_TABLE_FILTER ? "filter" : "mangle", ft->pos);
                rwarn(c, r, msg);
            }
        }
    }
}

static int resolve_jumps(cctx *c)
{
    l7_ruleset *rs = c->rs;
    for (uint32_t i = 0; i < rs->nrules; i++) {
        l7_crule *r = &rs->rules[i];
        if (r->action != L7_ACT_JUMP || !c->jump_names[i])
            continue;
        int t = find_chain(rs, r->family, r->table, c->jump_names[i]);
        if (l7_builtin_chain_slot(r->table, c->jump_names[i]) >= 0) {
            rerr(c, r, L7_EINVAL, "cannot jump to the built-in chain ",
                 c->jump_names[i]);
            continue;
        }
        if (t < 0) {
            rerr(c, r, L7_ENOTFOUND, "jump target is not defined: ", c->jump_names[i]);
            continue;
        }
        r->jump_target = (uint16_t)t;
    }
    if (c->errors)
        return 0;
    uint8_t *colour = l7_calloc(&rs->alloc, rs->nchains + 1, 1);
    int *depth = l7_calloc(&rs->alloc, rs->nchains + 1, sizeof(int));
    if (!colour || !depth) {
        l7_free(&rs->alloc, colour);
        l7_free(&rs->alloc, depth);
        return L7_ENOMEM;
    }
    for (uint32_t ci = 0; ci < rs->nchains; ci++) {
        const l7_crule *loop = NULL;
        int d = chain_depth(c, (uint16_t)ci, colour, depth, &loop);
        if (d < 0) {
            rerr(c, loop, L7_EINVAL, "jump loop through chain ",
                 rs->chains[loop->jump_target].name);
            break;
        }
        if (d > L7_POL_MAX_JUMP_DEPTH) {
            char buf[64];
            snprintf(buf, sizeof(buf), "%d", L7_POL_MAX_JUMP_DEPTH);
            l7_diag_add(c->diags, L7_SEV_ERROR, L7_ELIMIT, rs->chains[ci].name, 0, 0, 0,
                        "chain %s: jumps nest deeper than %s", rs->chains[ci].name,
                        buf);
            c->errors++;
            break;
        }
    }
    l7_free(&rs->alloc, colour);
    l7_free(&rs->alloc, depth);
    return 0;
}

static void ruleset_free(l7_ruleset *rs)
{
    for (uint32_t i = 0; i < rs->nrules; i++) {
        l7_crule *r = &rs->rules[i];
        for (uint32_t k = 0; k < r->nm; k++)
            l7_pval_free(r->m[k].def, &r->m[k].v, &rs->alloc);
        if (!rs->matchers)
            l7_free(&rs->alloc, r->m);
        l7_free(&rs->alloc, r->comment);
        l7_free(&rs->alloc, r->log_prefix);
    }
    l7_free(&rs->alloc, rs->rules);
    l7_free(&rs->alloc, rs->matchers);
    for (uint32_t i = 0; i < rs->nchains; i++) {
        l7_free(&rs->alloc, rs->chains[i].name);
        l7_free(&rs->alloc, rs->chains[i].rules);
    }
    l7_free(&rs->alloc, rs->chains);
    for (int k = 0; k < L7_NAME_KIND_COUNT; k++)
        l7_names_free(&rs->names[k], &rs->alloc);
    l7_alloc a = rs->alloc;
    l7_free(&a, rs);
}

/* Move every rule's matchers into one block in rule order, so that a
 * packet walking a chain streams through memory instead of chasing one
 * small allocation per rule. Optional: on allocation failure the rules keep
 * their own arrays. */
static void pack_matchers(l7_ruleset *rs)
{
    size_t total = 0;
    for (uint32_t i = 0; i < rs->nrules; i++)
        total += rs->rules[i].nm;
    if (!total)
        return;
    l7_cmatch *block = l7_malloc(&rs->alloc, total * sizeof(l7_cmatch));
    if (!block)
        return;
    size_t at = 0;
    for (uint32_t i = 0; i < rs->nrules; i++) {
        l7_crule *r = &rs->rules[i];
        if (!r->nm)
            continue;
        memcpy(block + at, r->m, r->nm * sizeof(l7_cmatch));
        l7_free(&rs->alloc, r->m);
        r->m = block + at;
        at += r->nm;
    }
    rs->matchers = block;
}

int l7_ruleset_compile(l7_ruleset **out, const l7_policy *p, l7_diag_list *diags)
{
    if (!out || !p)
        return L7_EINVAL;
    *out = NULL;
    l7_ruleset *rs = l7_calloc(&p->alloc, 1, sizeof(*rs));
    if (!rs)
        return L7_ENOMEM;
    rs->alloc = p->alloc;
    atomic_init(&rs->refs, 1);
    rs->policy_uid = p->uid;
    rs->ct = p->ct;
    memset(rs->builtin, 0xff, sizeof(rs->builtin));
    uint32_t total = 0;
    for (int f = 0; f < 2; f++)
        for (int t = 0; t < 2; t++)
            total += p->lists[f][t].n;
    cctx c = {p, rs, diags, 0, {0}, NULL};
    /* Protocols first: layer7 matchers resolve names against the copy. */
    int rc = l7_policy_protos_snapshot(rs, p);
    if (total) {
        rs->rules = l7_calloc(&rs->alloc, total, sizeof(l7_crule));
        c.jump_names = l7_calloc(&rs->alloc, total, sizeof(char *));
        if (!rs->rules || !c.jump_names)
            rc = L7_ENOMEM;
    }
    for (unsigned f = 0; f < 2 && rc == 0; f++) {
        for (unsigned t = 0; t < 2 && rc == 0; t++) {
            const l7_pol_list *l = &p->lists[f][t];
            for (uint32_t i = 0; i < l->n && rc == 0; i++) {
                rc = compile_rule(&c, &l->rules[i], f ? 6 : 4, t, i, rs->nrules);
                rs->nrules++;
            }
        }
    }
    if (rc == 0)
        rc = resolve_jumps(&c);
    if (rc == 0 && rs->names[L7_NAME_PACKETMARK].n > L7_POL_MAX_PACKET_MARKS + 1) {
        l7_diag_add(diags, L7_SEV_ERROR, L7_ELIMIT, "new-packet-mark", 0, 0, 0,
                    "bad new packet mark: more than %u distinct packet marks",
                    L7_POL_MAX_PACKET_MARKS);
        c.errors++;
    }
    if (rc == 0 && !c.errors)
        warn_never_match(&c);
    for (uint32_t i = 0; c.jump_names && i < total; i++)
        l7_free(&rs->alloc, c.jump_names[i]);
    l7_free(&rs->alloc, c.jump_names);
    for (uint32_t i = 0; i < rs->nrules; i++) {
        if (find_match(&rs->rules[i], "layer7-protocol"))
            rs->has_l7 = true;
        if (find_match(&rs->rules[i], "connection-rate"))
            rs->uses_rate = true;
    }
    rs->ct_on = rs->ct.enabled == 1 || (rs->ct.enabled == 2 && total > 0);
    if (rc == 0 && c.errors)
        rc = L7_ESYNTAX;
    if (rc == 0)
        pack_matchers(rs);
    if (rc < 0) {
        l7_policy_protos_release(rs);
        ruleset_free(rs);
        return rc;
    }
    *out = rs;
    return 0;
}

l7_ruleset *l7_ruleset_ref(l7_ruleset *rs)
{
    if (rs)
        atomic_fetch_add_explicit(&rs->refs, 1, memory_order_relaxed);
    return rs;
}

void l7_ruleset_destroy(l7_ruleset *rs)
{
    if (!rs)
        return;
    if (atomic_fetch_sub_explicit(&rs->refs, 1, memory_order_acq_rel) != 1)
        return;
    l7_policy_protos_release(rs);
    ruleset_free(rs);
}

static const l7_crule *rs_rule(const l7_ruleset *rs, uint32_t family, uint32_t table,
                               uint32_t pos)
{
    if (!rs)
        return NULL;
    for (uint32_t i = 0; i < rs->nrules; i++) {
        const l7_crule *r = &rs->rules[i];
        if (r->family == family && r->table == table && r->pos == pos)
            return r;
    }
    return NULL;
}

uint32_t l7_ruleset_rule_count(const l7_ruleset *rs, uint32_t family, uint32_t table)
{
    uint32_t n = 0;
    for (uint32_t i = 0; rs && i < rs->nrules; i++)
        if (rs->rules[i].family == family && rs->rules[i].table == table)
            n++;
    return n;
}

int l7_ruleset_rule_invalid(const l7_ruleset *rs, uint32_t family, uint32_t table,
                            uint32_t pos)
{
    const l7_crule *r = rs_rule(rs, family, table, pos);
    if (!r)
        return L7_ENOTFOUND;
    return r->invalid ? 1 : 0;
}

int l7_ruleset_conntrack_enabled(const l7_ruleset *rs)
{
    return rs && rs->ct_on ? 1 : 0;
}
