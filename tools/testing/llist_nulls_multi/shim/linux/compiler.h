/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace shim: compiler attributes and READ_ONCE()/WRITE_ONCE().
 *
 * READ_ONCE() and WRITE_ONCE() are volatile accesses, as in the kernel.
 * Under ThreadSanitizer they are relaxed atomic accesses instead: TSan treats
 * a volatile access as a plain one and would report every READ_ONCE() racing
 * with a WRITE_ONCE(), which the kernel's memory model (and KCSAN, which
 * treats both as marked accesses) allows.  A relaxed atomic access is what
 * TSan understands as "marked"; on x86 and arm64 it compiles to the same
 * single load or store.
 */
#ifndef _SHIM_LINUX_COMPILER_H
#define _SHIM_LINUX_COMPILER_H

#if defined(__SANITIZE_THREAD__)
#define SHIM_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SHIM_TSAN 1
#endif
#endif

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)

#ifndef __always_inline
#define __always_inline		inline __attribute__((__always_inline__))
#endif
#define noinline		__attribute__((__noinline__))
#define __maybe_unused		__attribute__((__unused__))
#define __must_check		__attribute__((__warn_unused_result__))
#define __aligned(x)		__attribute__((__aligned__(x)))
#define __printf(a, b)		__attribute__((__format__(printf, a, b)))

/* sparse annotations: nothing to a C compiler. */
#ifndef __rcu
#define __rcu
#endif
#define __force

#define barrier()		__asm__ __volatile__("" : : : "memory")

#if defined(SHIM_WEAK)
#include <weakmem.h>
#define READ_ONCE(x)		WM_LOAD(&(x), WM_CONSUME)
#define WRITE_ONCE(x, val)	WM_STORE(&(x), (val), WM_PLAIN)
#elif defined(SHIM_TSAN)
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, val)	__atomic_store_n(&(x), (val), __ATOMIC_RELAXED)
#else
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)						\
	do {								\
		*(volatile __typeof__(x) *)&(x) = (val);		\
	} while (0)
#endif

#endif
