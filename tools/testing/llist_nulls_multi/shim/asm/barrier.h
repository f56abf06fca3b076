/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace shim: barriers as C11 fences and acquire/release accesses.
 * ThreadSanitizer understands smp_store_release() and smp_load_acquire();
 * on x86 they compile to plain moves, as in the kernel.
 *
 * ThreadSanitizer does not model stand-alone fences: it ignores the
 * ordering smp_mb(), smp_rmb() and smp_wmb() give (the fence itself still
 * runs).  So under TSan they can only cause reports, never hide one.  The
 * library uses none of them; the stress test's audits use smp_mb() between
 * atomic accesses only.
 */
#ifndef _SHIM_ASM_BARRIER_H
#define _SHIM_ASM_BARRIER_H

#include <linux/compiler.h>

#if defined(SHIM_TSAN) && defined(__GNUC__) && !defined(__clang__)
/* gcc warns that TSan ignores fences: known, see above. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wtsan"
#endif
static inline void shim_fence_seq_cst(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static inline void shim_fence_acquire(void)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
}

static inline void shim_fence_release(void)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
}
#if defined(SHIM_TSAN) && defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#define smp_mb()		shim_fence_seq_cst()
/* Loads before the fence are ordered before later loads (and stores). */
#define smp_rmb()		shim_fence_acquire()
/* Earlier stores (and loads) are ordered before stores after the fence. */
#define smp_wmb()		shim_fence_release()
#define mb()			smp_mb()
#define rmb()			smp_rmb()
#define wmb()			smp_wmb()

#ifdef SHIM_WEAK
/* weak.c's simulated memory, see weakmem.h. */
#define smp_store_release(p, v)	WM_STORE((p), (v), WM_RELEASE)
#define smp_load_acquire(p)	WM_LOAD((p), WM_ACQUIRE)
#else
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#endif

#endif
