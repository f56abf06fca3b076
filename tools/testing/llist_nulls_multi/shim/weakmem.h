/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace shim for weak.c, the weak-memory adversary (built with
 * -DSHIM_WEAK): every marked access of the library goes through a
 * simulated memory that keeps, per location, each value stored during a
 * lockless walk.  A walker's load may return any of them that the
 * Linux-kernel memory model lets it see, not only the newest; see weak.c.
 *
 * READ_ONCE() is a "consume" load here: if it reads a release store, the
 * walker's later loads are ordered after everything the writer did before
 * that store.  LKMM gives that to loads whose address depends on the value
 * read (rcu_dereference()'s guarantee); the walk's READ_ONCE() loads are of
 * the head word, through which it reaches everything else, and of a node's
 * position, which no writer stores with a release.
 */
#ifndef _SHIM_WEAKMEM_H
#define _SHIM_WEAKMEM_H

enum wm_kind { WM_PLAIN, WM_CONSUME, WM_ACQUIRE, WM_RELEASE };

void wm_load(const void *addr, void *buf, unsigned int size, enum wm_kind kind);
void wm_store(void *addr, const void *buf, unsigned int size, enum wm_kind kind);

#define WM_LOAD(p, kind) ({						\
	union {								\
		__typeof__(*(p)) v;					\
		unsigned char b[sizeof(*(p))];				\
	} __wm_u;							\
	wm_load((const void *)(p), __wm_u.b, sizeof(*(p)), (kind));	\
	__wm_u.v;							\
})

#define WM_STORE(p, val, kind)						\
	do {								\
		__typeof__(*(p)) __wm_v = (val);			\
		wm_store((void *)(p), &__wm_v, sizeof(__wm_v), (kind));	\
	} while (0)

#endif
