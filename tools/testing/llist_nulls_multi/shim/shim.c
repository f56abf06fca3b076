// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the shims need a translation unit for: the warning count of
 * <linux/bug.h> and the kmem_cache and kmalloc of <linux/slab.h>, over the
 * type-stable node_pool.c.  Linked into every program built with the
 * Makefile's "prog" target (stress, bench and weak define their own
 * shim_warnings and allocate from node_pool.c directly).
 */
#include <stdlib.h>
#include <string.h>

#include <linux/bug.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "../node_pool.h"

/* A program may define its own (weak here). */
unsigned long shim_warnings __attribute__((weak));

struct kmem_cache {
	const char *name;
	size_t size;
	unsigned int flags;
	struct node_pool pool;	/* SLAB_TYPESAFE_BY_RCU only */
};

void *kmalloc(size_t size, gfp_t gfp)
{
	return gfp & __GFP_ZERO ? calloc(1, size) : malloc(size);
}

void kfree(void *p)
{
	free(p);
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, unsigned int flags,
				     void (*ctor)(void *))
{
	struct kmem_cache *c;

	if (WARN_ONCE(ctor, "kmem_cache %s: the shim has no constructors\n", name) ||
	    WARN_ONCE(align > sizeof(long), "kmem_cache %s: align %u unsupported\n",
		      name, align))
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->name = name;
	/* node_pool's objects are whole longs. */
	c->size = (size + sizeof(long) - 1) / sizeof(long) * sizeof(long);
	c->flags = flags;
	if ((flags & SLAB_TYPESAFE_BY_RCU) && node_pool_init(&c->pool, c->size, 256)) {
		free(c);
		return NULL;
	}
	return c;
}

void *kmem_cache_alloc_lru(struct kmem_cache *c, struct list_lru *lru, int gfp)
{
	if (c->flags & SLAB_TYPESAFE_BY_RCU)
		return node_pool_alloc(&c->pool, gfp & __GFP_ZERO);
	return kmalloc(c->size, gfp);
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	if (!obj)
		return;
	if (c->flags & SLAB_TYPESAFE_BY_RCU)
		node_pool_free(&c->pool, obj);
	else
		free(obj);
}

void kmem_cache_free_bulk(struct kmem_cache *c, size_t size, void **list)
{
	while (size--)
		kmem_cache_free(c, list[size]);
}

int kmem_cache_alloc_bulk(struct kmem_cache *c, gfp_t gfp, size_t size,
			  void **list)
{
	size_t i;

	for (i = 0; i < size; i++) {
		list[i] = kmem_cache_alloc(c, gfp);
		if (!list[i]) {
			kmem_cache_free_bulk(c, i, list);
			return 0;
		}
	}
	return size;
}

void kmem_cache_destroy(struct kmem_cache *c)
{
	if (!c)
		return;
	if (c->flags & SLAB_TYPESAFE_BY_RCU) {
		/* Readers that may still stand on an object finish first. */
		synchronize_rcu();
		node_pool_destroy(&c->pool);
	}
	free(c);
}
