/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A type-stable object pool: what a SLAB_TYPESAFE_BY_RCU cache gives a
 * lockless walker in the kernel.
 *
 * Objects are carved from chunks that are never returned to the system
 * while the pool lives.  A freed object goes on a free list and comes back
 * from a later allocation, possibly for another list, while lockless walkers
 * may still be reading it; so memory that once held an object of the pool
 * always holds one.  As in SLUB's TYPESAFE_BY_RCU caches, the free list is
 * kept outside the objects, so freeing an object does not scribble on it.
 * An allocation may zero the object (like __GFP_ZERO); it does so with
 * WRITE_ONCE() of each word, since walkers may be reading it.
 *
 * Allocation is LIFO, so a node freed is the next one reused: that makes
 * reuse under a walker as likely as it can be.
 */
#ifndef _LLNM_NODE_POOL_H
#define _LLNM_NODE_POOL_H

#include <pthread.h>
#include <stddef.h>
#include <stdbool.h>

struct node_pool_stats {
	unsigned long allocs;	/* objects handed out */
	unsigned long frees;	/* objects given back */
	unsigned long reused;	/* allocations of an object freed before */
	unsigned long zeroed;	/* allocations that zeroed the object */
	unsigned long in_use;	/* allocs - frees */
	unsigned long total;	/* objects ever carved from chunks */
};

struct node_pool_chunk;

struct node_pool {
	pthread_mutex_t lock;
	size_t obj_size;		/* a multiple of sizeof(long) */
	unsigned int chunk_objs;	/* objects per chunk */
	struct node_pool_chunk *chunks;
	char *fresh;			/* never-used objects of the last chunk */
	unsigned int nr_fresh;
	void **free;			/* a stack of free objects */
	size_t nr_free, free_cap;
	struct node_pool_stats stats;
};

/* Objects are sizeof(long) aligned; chunks are page aligned. */
int node_pool_init(struct node_pool *pool, size_t obj_size,
		   unsigned int chunk_objs);
/* Frees every chunk: only when no thread can touch an object any more. */
void node_pool_destroy(struct node_pool *pool);

/* Returns NULL only if the system is out of memory. */
void *node_pool_alloc(struct node_pool *pool, bool zero);
void node_pool_free(struct node_pool *pool, void *obj);

/*
 * Put at least @nr objects on the free list and shuffle it: for benchmarks
 * that want objects spread over memory rather than in allocation order.
 */
int node_pool_prefill_shuffled(struct node_pool *pool, size_t nr,
			       unsigned long seed);

void node_pool_get_stats(struct node_pool *pool, struct node_pool_stats *st);

#endif
