/**
 * \file l7/l7.h
 * \brief Umbrella header: includes the whole libl7 API.
 */
#ifndef L7_L7_H
#define L7_L7_H

#include "l7/common.h"
#include "l7/packet.h"
#include "l7/defrag.h"
#include "l7/value.h"
#include "l7/pattern.h"
#include "l7/protoset.h"
#include "l7/inspect.h"
#include "l7/conntrack.h"
#include "l7/addrlist.h"
#include "l7/tz.h"
#include "l7/timematch.h"
#include "l7/policy.h"
#include "l7/qtree.h"
#include "l7/engine.h"
#include "l7/config.h"
#include "l7/console.h"

#endif /* L7_L7_H */
