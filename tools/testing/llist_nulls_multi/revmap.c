// SPDX-License-Identifier: GPL-2.0-only
/*
 * revmap: a second consumer of llist_nulls_multi, built with the Makefile's
 * "prog" target as any program outside this harness would be.
 *
 * A reverse map from objects to the handles that reference them: each
 * object keeps its handles in a list, changed under the object's lock, with
 * nodes from a SLAB_TYPESAFE_BY_RCU kmem_cache; readers walk an object's
 * handles without the lock.  Each object has a few stable handles, added
 * before the readers start and never removed; the writers add and remove
 * the others.  Every lockless walk must visit every stable handle (the
 * library's visit guarantee); a walk that falls back walks under the lock.
 *
 *   revmap [seconds] [writers] [readers]     (default 2 s, 2 writers, 2 readers)
 *
 * Exits 1 if a walk missed a stable handle or anything warned.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <linux/kernel.h>
#include <linux/llist_nulls_multi.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "harness.h"

#define CAP		14
#define OBJECTS		8
#define HANDLES		64	/* per object, STABLE of them stable */
#define STABLE		4

struct handle {
	unsigned int object, index;
};

struct object {
	pthread_mutex_t lock;
	struct llist_nulls_multi_head handles;
	bool in[HANDLES];		/* writer's view, under lock */
};

static struct object objects[OBJECTS];
static struct handle handles[OBJECTS][HANDLES];
static struct kmem_cache *node_cache;
static int stop;

/* A reader's view of one walk: which stable handles it saw. */
struct seen {
	unsigned int object, mask;
};

static int visit(void *entry, void *arg)
{
	struct handle *h = entry;
	struct seen *s = arg;

	if (h->object == s->object && h->index < STABLE)
		s->mask |= 1u << h->index;
	return 0;
}

/* Falls back to a walk under the lock, with the same visitor. */
static int walk_locked(const struct llist_nulls_multi_head *head, void *arg)
{
	struct object *o = container_of(head, struct object, handles);
	struct llist_nulls_multi_iter it;
	void *e;

	pthread_mutex_lock(&o->lock);
	for (e = llist_nulls_multi_iter_first(&o->handles, &it); e;
	     e = llist_nulls_multi_iter_next(&it))
		visit(e, arg);
	pthread_mutex_unlock(&o->lock);
	return 0;
}

/* Called with @o's lock held, which it may drop and retake. */
static void add(struct object *o, struct handle *h)
{
	struct llist_nulls_multi_node *node = NULL;
	bool needed;

	/* A node only when the list needs one, allocated outside the lock. */
	while ((needed = llist_nulls_multi_need_node(&o->handles, CAP)) && !node) {
		pthread_mutex_unlock(&o->lock);
		node = kmem_cache_alloc(node_cache, GFP_KERNEL);
		pthread_mutex_lock(&o->lock);
		if (!node)
			break;
	}
	if (llist_nulls_multi_add(&o->handles, h, CAP, needed ? node : NULL) < 0) {
		WARN_ONCE(1, "revmap: no node for handle %u of object %u\n",
			  h->index, h->object);
		return;
	}
	if (needed)
		node = NULL;
	o->in[h->index] = true;
	/* Type-stable: a node is freed at once, readers or not. */
	kmem_cache_free(node_cache, node);
}

/* Called with @o's lock held. */
static void del(struct object *o, struct handle *h)
{
	struct llist_nulls_multi_node *freed;

	if (llist_nulls_multi_del(&o->handles, h, CAP, &freed))
		WARN_ONCE(1, "revmap: handle %u of object %u not found\n",
			  h->index, h->object);
	o->in[h->index] = false;
	kmem_cache_free(node_cache, freed);
}

static unsigned int nr_writers;

/* Writer @w changes the objects i with i % nr_writers == w, and no other. */
static void *writer(void *arg)
{
	unsigned int w = (unsigned int)(uintptr_t)arg;
	uint64_t rnd = rnd_seed(1, w);

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		unsigned int i = w + nr_writers * rnd_below(&rnd, (OBJECTS - w + nr_writers - 1) / nr_writers);
		unsigned int j = STABLE + rnd_below(&rnd, HANDLES - STABLE);
		struct object *o = &objects[i];

		pthread_mutex_lock(&o->lock);
		if (o->in[j])
			del(o, &handles[i][j]);
		else
			add(o, &handles[i][j]);
		pthread_mutex_unlock(&o->lock);
	}
	return NULL;
}

static void free_node(struct llist_nulls_multi_node *node, void *arg)
{
	kmem_cache_free(node_cache, node);
}

static unsigned long walks, misses;

static void *reader(void *arg)
{
	struct llist_nulls_multi_stats st;
	struct llist_nulls_multi_walk walk = {
		.visit = visit,
		.fallback = walk_locked,
		.stats = &st,
	};
	uint64_t rnd = rnd_seed(2, (unsigned int)(uintptr_t)arg);
	unsigned long n = 0, missed = 0;

	rcu_register_thread();
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		struct seen s = { .object = rnd_below(&rnd, OBJECTS) };

		llist_nulls_multi_walk_lockless(&objects[s.object].handles, CAP,
						&walk, &s);
		if (s.mask != (1u << STABLE) - 1)
			missed++;
		n++;
	}
	rcu_unregister_thread();
	__atomic_fetch_add(&walks, n, __ATOMIC_RELAXED);
	__atomic_fetch_add(&misses, missed, __ATOMIC_RELAXED);
	return NULL;
}

int main(int argc, char **argv)
{
	unsigned int secs = argc > 1 ? atoi(argv[1]) : 2;
	unsigned int nw = argc > 2 ? atoi(argv[2]) : 2;
	unsigned int nr = argc > 3 ? atoi(argv[3]) : 2;
	pthread_t t[64];
	unsigned int i, j;

	if (nw + nr > ARRAY_SIZE(t) || !nw || nw > OBJECTS || !nr) {
		fprintf(stderr, "usage: %s [seconds] [writers (1-%d)] [readers] (64 threads at most)\n",
			argv[0], OBJECTS);
		return 2;
	}
	nr_writers = nw;
	node_cache = kmem_cache_create("revmap_node", LLIST_NULLS_MULTI_NODE_SIZE(CAP),
				       0, SLAB_TYPESAFE_BY_RCU, NULL);
	if (!node_cache)
		return 1;
	for (i = 0; i < OBJECTS; i++) {
		pthread_mutex_init(&objects[i].lock, NULL);
		llist_nulls_multi_init(&objects[i].handles);
		for (j = 0; j < HANDLES; j++) {
			handles[i][j] = (struct handle){ .object = i, .index = j };
			pthread_mutex_lock(&objects[i].lock);
			if (j < STABLE)
				add(&objects[i], &handles[i][j]);
			pthread_mutex_unlock(&objects[i].lock);
		}
	}
	for (i = 0; i < nw + nr; i++)
		pthread_create(&t[i], NULL, i < nw ? writer : reader,
			       (void *)(uintptr_t)i);
	sleep(secs);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < nw + nr; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < OBJECTS; i++)
		llist_nulls_multi_destroy(&objects[i].handles, CAP, NULL, free_node, NULL);
	kmem_cache_destroy(node_cache);
	printf("revmap: %u writers, %u readers, %u s: %lu lockless walks, %lu missed a stable handle, %lu warnings\n",
	       nw, nr, secs, walks, misses, shim_warnings);
	return misses || shim_warnings ? 1 : 0;
}
