/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace shim for <linux/spinlock.h>: the base tree's (tools/include,
 * spinlock_t a pthread mutex), and guard(spinlock)(&lock) from
 * <linux/cleanup.h>, which tools/include lacks: the lock is taken at the
 * declaration and dropped when the scope ends.
 */
#ifndef _SHIM_LINUX_SPINLOCK_H
#define _SHIM_LINUX_SPINLOCK_H

#include_next <linux/spinlock.h>

static inline spinlock_t *shim_guard_spinlock_init(spinlock_t *lock)
{
	spin_lock(lock);
	return lock;
}

static inline void shim_guard_spinlock_exit(spinlock_t **lock)
{
	spin_unlock(*lock);
}

#define __shim_guard_name(n)	__shim_guard_##n
#define __shim_guard(name, n)						\
	spinlock_t *__shim_guard_name(n)				\
		__attribute__((cleanup(shim_guard_##name##_exit))) =	\
		shim_guard_##name##_init
#define guard(name)	__shim_guard(name, __COUNTER__)

#endif
