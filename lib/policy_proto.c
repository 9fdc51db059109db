/*
 * Layer-7 protocols of a policy. The policy owns a mutable protocol set
 * that callers edit through l7/protoset.h; a ruleset must not change under
 * its engines, so compile takes a snapshot: a copy of the set, reused from
 * the previous compile when nothing changed (so a swap that leaves the
 * protocols alone keeps every inspector and inspection state as is).
 */
#include "policy_internal.h"
#include "protoset_internal.h"

#include <string.h>

l7_protoset *l7_policy_protocols(l7_policy *p)
{
    return p ? p->protos : NULL;
}

int l7_policy_protos_init(l7_policy *p, const l7_allocator *hooks)
{
    return l7_protoset_create(&p->protos, NULL, hooks);
}

int l7_policy_set_pattern_flags(l7_policy *p, uint32_t flags)
{
    const uint32_t known =
        L7_PATTERN_COMPAT_L7FILTER | L7_PATTERN_NO_JIT | L7_PATTERN_NO_STRIP;
    if (!p || (flags & ~known))
        return L7_EINVAL;
    /* Patterns are compiled when added: changing the flags under them would
     * leave a set whose regexps disagree on what `\xHH` means. */
    if (p->protos->live)
        return L7_ESTATE;
    p->protos->opts.pattern.flags = flags;
    return 0;
}

uint32_t l7_policy_pattern_flags(const l7_policy *p)
{
    return p ? p->protos->opts.pattern.flags : 0;
}

void l7_policy_protos_fini(l7_policy *p)
{
    l7_protoset_destroy(p->snap);
    l7_protoset_destroy(p->protos);
}

/* 0 known and enabled (id in *out), 1 disabled, L7_ENOTFOUND. */
int l7_policy_proto_id(uint32_t *out, const l7_ruleset *rs, const char *name)
{
    if (!rs->protos || l7_protoset_lookup(out, rs->protos, name) < 0)
        return L7_ENOTFOUND;
    return l7_protoset_enabled(rs->protos, *out) == 1 ? 0 : 1;
}

static bool same_protocols(const l7_protoset *a, const l7_protoset *b)
{
    if (a->live != b->live)
        return false;
    uint32_t i = 0, j = 0;
    for (;;) {
        while (i < a->bound && !a->items[i].name)
            i++;
        while (j < b->bound && !b->items[j].name)
            j++;
        if (i == a->bound || j == b->bound)
            return i == a->bound && j == b->bound;
        const l7_proto *x = &a->items[i++], *y = &b->items[j++];
        if (strcmp(x->name, y->name) || x->regexp_len != y->regexp_len ||
            memcmp(x->regexp, y->regexp, x->regexp_len) || x->enabled != y->enabled)
            return false;
    }
}

int l7_policy_protos_snapshot(l7_ruleset *rs, const l7_policy *cp)
{
    /* The snapshot is a cache: updating it does not change the policy's
     * observable state. */
    l7_policy *p = (l7_policy *)cp;
    if (p->snap && same_protocols(p->snap, p->protos) &&
        !memcmp(&p->snap->opts, &p->protos->opts, sizeof(p->snap->opts))) {
        rs->protos = l7_protoset_ref(p->snap);
        return 0;
    }
    l7_allocator hooks = {p->alloc.malloc_fn, p->alloc.realloc_fn, p->alloc.free_fn,
                          p->alloc.user};
    l7_protoset *copy;
    L7_TRY(l7_protoset_create(&copy, &p->protos->opts, &hooks));
    for (uint32_t i = 0; i < p->protos->bound; i++) {
        const l7_proto *src = &p->protos->items[i];
        if (!src->name)
            continue;
        uint32_t id;
        int rc =
            l7_protoset_add(&id, copy, src->name, src->regexp, src->regexp_len, NULL);
        if (rc == 0 && !src->enabled)
            rc = l7_protoset_set_enabled(copy, id, 0);
        if (rc < 0) {
            l7_protoset_destroy(copy);
            return rc;
        }
    }
    l7_protoset_destroy(p->snap);
    p->snap = copy;
    rs->protos = l7_protoset_ref(copy);
    return 0;
}

void l7_policy_protos_release(l7_ruleset *rs)
{
    l7_protoset_destroy(rs->protos);
    rs->protos = NULL;
}
