/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace shim: the base tree's tools/include has no <linux/rcupdate.h>
 * (its <linux/rcu.h> is liblockdep's, with no read side).  RCU here is
 * liburcu's "memb" flavour (liburcu-dev), whose read-side lock is a
 * per-thread counter and needs no signals.  Every thread that calls
 * rcu_read_lock() must first call rcu_register_thread() and, before it
 * exits, rcu_unregister_thread().  weak.c runs in one thread and needs no
 * RCU at all (-DSHIM_WEAK).
 *
 * _LGPL_SOURCE inlines the read-side primitives, as rcu_read_lock() is
 * inlined in the kernel, so that benchmarks do not measure a library call.
 * Include this, not <urcu.h>.
 *
 * tools/include's <linux/kernel.h> defines synchronize_rcu() as nothing;
 * it is included first here, and that definition dropped, so that
 * synchronize_rcu() waits for a grace period whatever the include order.
 * ThreadSanitizer does not see liburcu's grace periods: it reports freeing
 * an object after synchronize_rcu() that a reader read before it as a data
 * race.  Objects that readers reach are best kept in a SLAB_TYPESAFE_BY_RCU
 * kmem_cache (shim/linux/slab.h) or kept until the readers are joined.
 */
#ifndef _SHIM_LINUX_RCUPDATE_H
#define _SHIM_LINUX_RCUPDATE_H

#include <linux/kernel.h>
#undef synchronize_rcu

#ifdef SHIM_WEAK
/* weak.c runs writer and walker in one thread: nothing to do. */
static inline void rcu_read_lock(void) { }
static inline void rcu_read_unlock(void) { }
#else
#ifndef _LGPL_SOURCE
#define _LGPL_SOURCE
#endif
#include <urcu/urcu-memb.h>

static inline void rcu_register_thread(void)
{
	urcu_memb_register_thread();
}

static inline void rcu_unregister_thread(void)
{
	urcu_memb_unregister_thread();
}

static inline void rcu_read_lock(void)
{
	urcu_memb_read_lock();
}

static inline void rcu_read_unlock(void)
{
	urcu_memb_read_unlock();
}

static inline void synchronize_rcu(void)
{
	urcu_memb_synchronize_rcu();
}

#endif /* SHIM_WEAK */

/* No lockdep here: llist_nulls_multi_walk_lockless_rcu()'s check is empty. */
static inline int rcu_read_lock_held(void)
{
	return 1;
}

#define RCU_LOCKDEP_WARN(c, s) do { } while (0 && (c))

#endif
