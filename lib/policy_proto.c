/*
 * Layer-7 protocol names known to a policy. Until the protoset module is
 * merged, every protocol name is accepted and resolved by name at run time.
 */
#include "policy_internal.h"

int l7_policy_proto_state(const l7_policy *p, const char *name);
int l7_policy_protos_snapshot(l7_ruleset *rs, const l7_policy *p);
void l7_policy_protos_release(l7_ruleset *rs);

int l7_policy_proto_state(const l7_policy *p, const char *name)
{
    (void)p;
    (void)name;
    return 0;
}

int l7_policy_protos_snapshot(l7_ruleset *rs, const l7_policy *p)
{
    (void)rs;
    (void)p;
    return 0;
}

void l7_policy_protos_release(l7_ruleset *rs)
{
    (void)rs;
}
