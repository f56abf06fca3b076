// SPDX-License-Identifier: GPL-2.0-only
/*
 * A type-stable object pool for the llist_nulls_multi harness; see
 * node_pool.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/compiler.h>

#include "node_pool.h"

struct node_pool_chunk {
	struct node_pool_chunk *next;
	void *mem;
};

int node_pool_init(struct node_pool *pool, size_t obj_size,
		   unsigned int chunk_objs)
{
	memset(pool, 0, sizeof(*pool));
	if (!obj_size || obj_size % sizeof(long) || !chunk_objs)
		return -1;
	pthread_mutex_init(&pool->lock, NULL);
	pool->obj_size = obj_size;
	pool->chunk_objs = chunk_objs;
	return 0;
}

void node_pool_destroy(struct node_pool *pool)
{
	struct node_pool_chunk *chunk, *next;

	for (chunk = pool->chunks; chunk; chunk = next) {
		next = chunk->next;
		free(chunk->mem);
		free(chunk);
	}
	free(pool->free);
	pthread_mutex_destroy(&pool->lock);
	memset(pool, 0, sizeof(*pool));
}

/*
 * Called with pool->lock held.  Adds a chunk of never-used objects, handed
 * out in address order once the free stack is empty.
 */
static int node_pool_grow(struct node_pool *pool)
{
	size_t bytes = pool->obj_size * pool->chunk_objs;
	struct node_pool_chunk *chunk;
	size_t cap;
	void **stack;
	char *mem;

	cap = pool->stats.total + pool->chunk_objs;
	if (cap > pool->free_cap) {
		cap *= 2;
		stack = realloc(pool->free, cap * sizeof(void *));
		if (!stack)
			return -1;
		pool->free = stack;
		pool->free_cap = cap;
	}
	chunk = malloc(sizeof(*chunk));
	mem = aligned_alloc(4096, (bytes + 4095) & ~(size_t)4095);
	if (!chunk || !mem) {
		free(chunk);
		free(mem);
		return -1;
	}
	/* Nobody can see this memory yet: a plain memset is fine. */
	memset(mem, 0, bytes);
	chunk->mem = mem;
	chunk->next = pool->chunks;
	pool->chunks = chunk;
	pool->fresh = mem;
	pool->nr_fresh = pool->chunk_objs;
	pool->stats.total += pool->chunk_objs;
	return 0;
}

/* Called with pool->lock held. */
static void *node_pool_take_fresh(struct node_pool *pool)
{
	void *obj;

	if (!pool->nr_fresh && node_pool_grow(pool))
		return NULL;
	obj = pool->fresh;
	pool->fresh += pool->obj_size;
	pool->nr_fresh--;
	return obj;
}

void *node_pool_alloc(struct node_pool *pool, bool zero)
{
	unsigned long *word;
	size_t i;
	void *obj;

	pthread_mutex_lock(&pool->lock);
	if (pool->nr_free) {
		obj = pool->free[--pool->nr_free];
		pool->stats.reused++;
	} else {
		obj = node_pool_take_fresh(pool);
		if (!obj) {
			pthread_mutex_unlock(&pool->lock);
			return NULL;
		}
	}
	pool->stats.allocs++;
	if (zero)
		pool->stats.zeroed++;
	pthread_mutex_unlock(&pool->lock);

	if (zero) {
		/* Walkers may be reading the object: one marked store a word. */
		word = obj;
		for (i = 0; i < pool->obj_size / sizeof(long); i++)
			WRITE_ONCE(word[i], 0);
	}
	return obj;
}

void node_pool_free(struct node_pool *pool, void *obj)
{
	pthread_mutex_lock(&pool->lock);
	pool->free[pool->nr_free++] = obj;
	pool->stats.frees++;
	pthread_mutex_unlock(&pool->lock);
}

int node_pool_prefill_shuffled(struct node_pool *pool, size_t nr,
			       unsigned long seed)
{
	uint64_t x = seed * 2 + 1;
	size_t i, j;
	void *tmp;

	pthread_mutex_lock(&pool->lock);
	while (pool->nr_free < nr) {
		tmp = node_pool_take_fresh(pool);
		if (!tmp) {
			pthread_mutex_unlock(&pool->lock);
			return -1;
		}
		pool->free[pool->nr_free++] = tmp;
	}
	for (i = pool->nr_free; i > 1; i--) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		j = x % i;
		tmp = pool->free[i - 1];
		pool->free[i - 1] = pool->free[j];
		pool->free[j] = tmp;
	}
	pthread_mutex_unlock(&pool->lock);
	return 0;
}

void node_pool_get_stats(struct node_pool *pool, struct node_pool_stats *st)
{
	pthread_mutex_lock(&pool->lock);
	*st = pool->stats;
	st->in_use = st->allocs - st->frees;
	pthread_mutex_unlock(&pool->lock);
}
