/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace shim: min() and max() that evaluate each argument once.  The
 * kernel's versions also reject mixed signedness at build time; here
 * -Wsign-compare (from -Wextra) catches the same mistakes.
 */
#ifndef _SHIM_LINUX_MINMAX_H
#define _SHIM_LINUX_MINMAX_H

#define SHIM_MINMAX(a, b, op) ({					\
	__typeof__(a) __mm_a = (a);					\
	__typeof__(b) __mm_b = (b);					\
	__mm_a op __mm_b ? __mm_a : __mm_b;				\
})

#define min(a, b)		SHIM_MINMAX(a, b, <)
#define max(a, b)		SHIM_MINMAX(a, b, >)
#define min_t(type, a, b)	min((type)(a), (type)(b))
#define max_t(type, a, b)	max((type)(a), (type)(b))
#define clamp(val, lo, hi)	min(max(val, lo), hi)

#endif
