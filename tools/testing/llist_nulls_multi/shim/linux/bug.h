/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace shim: WARN*() print to stderr and count; BUG_ON() aborts.
 *
 * shim_warnings counts every warning that fired (once-only warnings count
 * once), so a test can check that nothing warned that should not have.
 */
#ifndef _SHIM_LINUX_BUG_H
#define _SHIM_LINUX_BUG_H

#include <stdio.h>
#include <stdlib.h>
#include <linux/compiler.h>

extern unsigned long shim_warnings;

#define SHIM_WARN_REPORT(fmt, ...)					\
	do {								\
		__atomic_fetch_add(&shim_warnings, 1, __ATOMIC_RELAXED); \
		fprintf(stderr, "WARNING: %s:%d: " fmt, __FILE__,	\
			__LINE__, ##__VA_ARGS__);			\
	} while (0)

#define WARN(cond, fmt, ...) ({						\
	int __warn_cond = !!(cond);					\
	if (unlikely(__warn_cond))					\
		SHIM_WARN_REPORT(fmt, ##__VA_ARGS__);			\
	unlikely(__warn_cond);						\
})

#define WARN_ONCE(cond, fmt, ...) ({					\
	static char __warned;						\
	int __warn_cond = !!(cond);					\
	if (unlikely(__warn_cond) &&					\
	    !__atomic_exchange_n(&__warned, 1, __ATOMIC_RELAXED))	\
		SHIM_WARN_REPORT(fmt, ##__VA_ARGS__);			\
	unlikely(__warn_cond);						\
})

#define WARN_ON(cond)		WARN(cond, "WARN_ON(%s)\n", #cond)
#define WARN_ON_ONCE(cond)	WARN_ONCE(cond, "WARN_ON_ONCE(%s)\n", #cond)

#define BUG_ON(cond)							\
	do {								\
		if (unlikely(cond)) {					\
			fprintf(stderr, "BUG: %s:%d: %s\n", __FILE__,	\
				__LINE__, #cond);			\
			abort();					\
		}							\
	} while (0)

#define BUILD_BUG_ON(cond)	_Static_assert(!(cond), "BUILD_BUG_ON(" #cond ")")

#endif
