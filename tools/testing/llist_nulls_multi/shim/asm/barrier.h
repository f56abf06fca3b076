/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace shim over the base tree's tools/include/asm/barrier.h, the
 * architecture's barriers, which serve the plain build as they are.  Two
 * builds replace smp_store_release() and smp_load_acquire():
 *
 * - Under ThreadSanitizer they are C11 release and acquire accesses, the
 *   only ordering TSan understands: the base tree's x86 versions are a
 *   compiler barrier beside a plain access, which TSan cannot see, so it
 *   would report every entry published by a release.  On x86 both compile
 *   to plain moves, as in the kernel.
 * - With -DSHIM_WEAK they go through weak.c's simulated memory (weakmem.h).
 *
 * smp_mb(), smp_rmb() and smp_wmb() stay the base tree's in every build.
 * ThreadSanitizer does not model stand-alone fences (nor inline asm): it
 * ignores the ordering they give, though they still run.  So under TSan
 * they can only cause reports, never hide one.  The library uses none of
 * them; the stress test's audits use smp_mb() between atomic accesses only.
 */
#ifndef _SHIM_ASM_BARRIER_H
#define _SHIM_ASM_BARRIER_H

#include <linux/compiler.h>
#include_next <asm/barrier.h>

#if defined(SHIM_WEAK)
#undef smp_store_release
#undef smp_load_acquire
#define smp_store_release(p, v)	WM_STORE((p), (v), WM_RELEASE)
#define smp_load_acquire(p)	WM_LOAD((p), WM_ACQUIRE)
#elif defined(SHIM_TSAN)
#undef smp_store_release
#undef smp_load_acquire
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#endif

#endif
