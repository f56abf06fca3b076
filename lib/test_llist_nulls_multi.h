/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the llist_nulls_multi KUnit suites share: their entries are the
 * addresses of the slots of an array of u64, so that an entry's index is
 * known and anything else handed to a visitor is recognised.
 */
#ifndef _TEST_LLIST_NULLS_MULTI_H
#define _TEST_LLIST_NULLS_MULTI_H

#include <linux/types.h>

/* The suites' node capacity: 14 entries fill a 128-byte node on 64-bit. */
#define NODE_CAP		14
#define MAX_ENTRIES	512

static u64 vals[MAX_ENTRIES];

static inline void *E(int i)
{
	return &vals[i];
}

static inline int idx(const void *entry)
{
	return (const u64 *)entry - vals;
}

static inline bool is_ours(const void *entry)
{
	return entry && idx(entry) >= 0 && idx(entry) < MAX_ENTRIES &&
	       entry == E(idx(entry));
}

#endif
