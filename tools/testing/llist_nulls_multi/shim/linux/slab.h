/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace shim for <linux/slab.h>: the base tree's declarations
 * (tools/include/linux/slab.h, for the radix-tree harness), and what it
 * lacks: SLAB_TYPESAFE_BY_RCU and kmem_cache_destroy().  shim.c implements
 * them over node_pool.c:
 *
 *  - a cache made with SLAB_TYPESAFE_BY_RCU hands out objects carved from
 *    memory it never gives back while it lives, and kmem_cache_free() puts
 *    an object back at once, to be handed out again (last freed, first
 *    reused) while lockless readers may still read it: type-stable memory,
 *    as in the kernel;
 *  - any other cache gives its objects back to malloc() at once, so that a
 *    lockless reader of a freed object is a use-after-free that
 *    ThreadSanitizer or AddressSanitizer can see;
 *  - constructors are not supported (kmem_cache_create() warns and fails);
 *  - kmem_cache_destroy() waits for an RCU grace period before it frees
 *    the memory; no thread may use an object after it.
 */
#ifndef _SHIM_LINUX_SLAB_H
#define _SHIM_LINUX_SLAB_H

#include_next <linux/slab.h>

#define SLAB_TYPESAFE_BY_RCU	0x00080000U

void kmem_cache_destroy(struct kmem_cache *cachep);

#endif
