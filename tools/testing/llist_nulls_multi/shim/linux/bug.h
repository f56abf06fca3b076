/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace shim for <linux/bug.h>: the WARN*() family prints to stderr and
 * counts in shim_warnings (once-only warnings count once), so that a test
 * can check that nothing warned that should not have; the base tree's
 * WARN*() (tools/include/asm/bug.h) only print.  BUILD_BUG_ON() and
 * BUILD_BUG_ON_ZERO() are the base tree's <linux/build_bug.h>, as in the
 * kernel's <linux/bug.h>; tools/include/linux/bug.h, which has only a
 * BUILD_BUG_ON_ZERO() that clashes with it, is not used.
 */
#ifndef _SHIM_LINUX_BUG_H
#define _SHIM_LINUX_BUG_H

#include <stdio.h>
#include <linux/compiler.h>
#include <linux/build_bug.h>

/*
 * Defined once per program: stress.c, bench.c, weak.c and footprint.c
 * define their own; a program built with the Makefile's "prog" target
 * gets shim/shim.c's, a weak definition that one of its own replaces.
 */
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

#endif
