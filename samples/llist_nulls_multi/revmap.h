/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A reverse map over llist_nulls_multi: each object keeps the handles that
 * refer to it in a list that writers change under the object's lock and
 * readers walk without it.  Written from
 * Documentation/core-api/llist-nulls-multi.rst; the module
 * (llist_nulls_multi_revmap.c) and the userspace harness
 * (tools/testing/llist_nulls_multi/revmap.c) both build it.
 *
 * A handle may be freed a grace period after it left its object's list.
 */
#ifndef _SAMPLE_LLIST_NULLS_MULTI_REVMAP_H
#define _SAMPLE_LLIST_NULLS_MULTI_REVMAP_H

#include <linux/errno.h>
#include <linux/llist_nulls_multi.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

struct revmap_object {
	spinlock_t lock;			/* the writers' lock of @handles */
	struct llist_nulls_multi_head handles;
};

struct revmap_handle {
	struct revmap_object *object;	/* the object it refers to, or NULL */
	unsigned int index;
};

static struct kmem_cache *revmap_node_cache;

static const struct llist_nulls_multi_params revmap_params = {
	/*
	 * 128-byte objects on 64-bit; SLUB keeps a type-stable cache's free
	 * pointer behind the object, so each takes 136 bytes of its slab
	 * (the guide's memory rules say how KVM keeps its nodes at 128).
	 */
	.cap = 14,
	.node_cache = &revmap_node_cache,
};

static inline int revmap_init(void)
{
	size_t size = LLIST_NULLS_MULTI_NODE_SIZE(revmap_params.cap);

	revmap_node_cache = kmem_cache_create("revmap_node", size, 0,
					      SLAB_TYPESAFE_BY_RCU, NULL);
	return revmap_node_cache ? 0 : -ENOMEM;
}

/* After every object is destroyed: waits for walkers still in a node. */
static inline void revmap_exit(void)
{
	kmem_cache_destroy(revmap_node_cache);
}

static inline void revmap_object_init(struct revmap_object *o)
{
	spin_lock_init(&o->lock);
	llist_nulls_multi_init(&o->handles);
}

/* Make @h, which refers to nothing, refer to @o; may sleep. */
static inline int revmap_add(struct revmap_object *o, struct revmap_handle *h)
{
	struct llist_nulls_multi_node *node = NULL;
	int ret;

	spin_lock(&o->lock);
	/* Set before the add publishes @h: a walker that finds @h sees it. */
	WRITE_ONCE(h->object, o);
	while ((ret = llist_nulls_multi_add(&o->handles, h, &revmap_params,
					    &node)) == -ENOMEM) {
		spin_unlock(&o->lock);
		node = kmem_cache_alloc(revmap_node_cache, GFP_KERNEL);
		spin_lock(&o->lock);
		if (!node)
			break;
	}
	if (ret < 0)
		WRITE_ONCE(h->object, NULL);
	spin_unlock(&o->lock);
	if (node)
		kmem_cache_free(revmap_node_cache, node);
	return ret < 0 ? ret : 0;
}

/* Make @h, which refers to @o, refer to nothing. */
static inline int revmap_del(struct revmap_object *o, struct revmap_handle *h)
{
	struct llist_nulls_multi_node *freed;
	int ret;

	spin_lock(&o->lock);
	ret = llist_nulls_multi_del(&o->handles, h, &revmap_params, &freed);
	if (!ret)
		WRITE_ONCE(h->object, NULL);
	spin_unlock(&o->lock);
	if (freed)
		kmem_cache_free(revmap_node_cache, freed);
	return ret;
}

struct revmap_visit {
	struct revmap_object *object;
	int (*fn)(struct revmap_handle *h, void *arg);
	void *arg;
};

static inline int revmap_visit(void *entry, void *arg)
{
	struct revmap_visit *v = arg;
	struct revmap_handle *h = entry;

	/* Another object's handle, met on a node reused there. */
	if (READ_ONCE(h->object) != v->object)
		return 0;
	return v->fn(h, v->arg);
}

static inline int revmap_walk_locked(const struct llist_nulls_multi_head *head,
				     void *arg)
{
	struct revmap_visit *v = arg;
	int ret;

	spin_lock(&v->object->lock);
	ret = llist_nulls_multi_walk_locked(head, revmap_visit, v);
	spin_unlock(&v->object->lock);
	return ret;
}

static const struct llist_nulls_multi_walk revmap_walk = {
	.visit = revmap_visit,
	.fallback = revmap_walk_locked,
};

/*
 * Call @fn for the handles that refer to @o, without @o's lock, until it
 * returns non-zero.  Each handle that refers to @o for the whole call is
 * visited at least once; one added or removed meanwhile may or may not be.
 * @fn must not sleep.  Returns 0 or what @fn returned; @st, if not NULL,
 * says how the walk went.
 */
static inline int revmap_for_each(struct revmap_object *o,
				  int (*fn)(struct revmap_handle *h, void *arg),
				  void *arg, struct llist_nulls_multi_stats *st)
{
	struct revmap_visit v = { .object = o, .fn = fn, .arg = arg };

	return llist_nulls_multi_walk_lockless(&o->handles, &revmap_params,
					       &revmap_walk, &v, st);
}

static inline void revmap_forget(void *entry, void *arg)
{
	struct revmap_handle *h = entry;

	WRITE_ONCE(h->object, NULL);
}

static inline void revmap_node_free(struct llist_nulls_multi_node *node,
				    void *arg)
{
	kmem_cache_free(revmap_node_cache, node);
}

/* Make every handle of @o refer to nothing. */
static inline void revmap_object_destroy(struct revmap_object *o)
{
	spin_lock(&o->lock);
	llist_nulls_multi_destroy(&o->handles, &revmap_params, revmap_forget,
				  revmap_node_free, NULL);
	spin_unlock(&o->lock);
}

#endif /* _SAMPLE_LLIST_NULLS_MULTI_REVMAP_H */
