/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace shim over the base tree's tools/include/linux/compiler.h: its
 * attributes and its READ_ONCE()/WRITE_ONCE() (volatile accesses, as in the
 * kernel), except in two builds that need marked accesses of their own:
 *
 * - Under ThreadSanitizer they are relaxed atomic accesses: TSan treats a
 *   volatile access as a plain one and would report every READ_ONCE()
 *   racing with a WRITE_ONCE(), which the kernel's memory model (and KCSAN,
 *   which treats both as marked accesses) allows.  A relaxed atomic access
 *   is what TSan understands as "marked"; on x86 and arm64 it compiles to
 *   the same single load or store.
 * - With -DSHIM_WEAK they go through weak.c's simulated memory (weakmem.h).
 *
 * The shim directory comes first in -I, so this file is what every
 * <linux/compiler.h> finds, the base tree's own headers' included.
 */
#ifndef _SHIM_LINUX_COMPILER_H
#define _SHIM_LINUX_COMPILER_H

#include_next <linux/compiler.h>

#if defined(__SANITIZE_THREAD__)
#define SHIM_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SHIM_TSAN 1
#endif
#endif

#if defined(SHIM_WEAK)
#include <weakmem.h>
#undef READ_ONCE
#undef WRITE_ONCE
#define READ_ONCE(x)		WM_LOAD(&(x), WM_CONSUME)
#define WRITE_ONCE(x, val)	WM_STORE(&(x), (val), WM_PLAIN)
#elif defined(SHIM_TSAN)
#undef READ_ONCE
#undef WRITE_ONCE
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, val)	__atomic_store_n(&(x), (val), __ATOMIC_RELAXED)
#endif

#endif
