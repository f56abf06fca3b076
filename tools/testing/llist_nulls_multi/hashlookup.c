// SPDX-License-Identifier: GPL-2.0-only
/*
 * hashlookup: the guide's "Looking up by key" and "Moving an entry to
 * another list" on pthreads, built with the Makefile's "prog" target as any
 * program outside this harness would be.  A table of 64 buckets, each a
 * list under a lock of its own; conns from a SLAB_TYPESAFE_BY_RCU cache,
 * freed at once when their last reference goes; lookups by a lockless walk
 * whose visitor takes a reference and checks the key again, falling back to
 * the bucket's lock; writers that rehash conns (removal, new key, add) and
 * replace them (removal, the table's reference dropped, a new conn from the
 * same cache, add).
 *
 * The stable conns never move: every lookup of one must find it.  A moving
 * conn may be missed while it is in flight, but a lookup that finds a conn
 * finds one that had the key it asked for.  Every walk's stats must add up
 * as the guide's "A pass" says, and no conn may outlive the table.
 *
 *   hashlookup [seconds] [writers] [readers]   (default 3 s, 2 and 2)
 *
 * Exits 1 if a stable conn was missed, a lookup returned a stable conn with
 * another key, a walk's stats did not add up, a conn leaked, a list call
 * failed or anything warned.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <linux/hash.h>
#include <linux/kernel.h>
#include <linux/llist_nulls_multi.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "harness.h"

#define CONN_HASH_BITS	6			/* 64 buckets */
#define CONN_CAP	14			/* 128-byte nodes on 64-bit */
#define STABLE		1024			/* conns that never move */
#define MOVING		1024			/* conns the writers move */

struct bucket {
	spinlock_t lock;		/* the writers' lock of @head */
	struct llist_nulls_multi_head head;
};

struct conn {
	unsigned int ref;		/* a refcount_t: 0 while free */
	u32 key;			/* WRITE_ONCE() */
};

static struct bucket conn_table[1 << CONN_HASH_BITS];
static struct kmem_cache *conn_cache, *conn_node_cache;

static const struct llist_nulls_multi_params conn_params = {
	.cap = CONN_CAP,
	.node_cache = &conn_node_cache,
};

static struct bucket *conn_bucket(u32 key)
{
	return &conn_table[hash_32(key, CONN_HASH_BITS)];
}

/*
 * refcount_inc_not_zero_acquire(), refcount_set_release() and
 * refcount_dec_and_test() over the compiler's atomics, which
 * ThreadSanitizer understands.
 */
static bool conn_get(struct conn *c)
{
	unsigned int old = __atomic_load_n(&c->ref, __ATOMIC_RELAXED);

	do {
		if (!old)
			return false;
	} while (!__atomic_compare_exchange_n(&c->ref, &old, old + 1, true,
					      __ATOMIC_ACQUIRE,
					      __ATOMIC_RELAXED));
	return true;
}

static long conns_live;			/* allocated, not yet freed */

static void conn_put(struct conn *c)
{
	if (__atomic_sub_fetch(&c->ref, 1, __ATOMIC_ACQ_REL) == 0) {
		__atomic_fetch_sub(&conns_live, 1, __ATOMIC_RELAXED);
		kmem_cache_free(conn_cache, c);
	}
}

static struct conn *conn_new(u32 key)
{
	struct conn *c = kmem_cache_alloc(conn_cache, GFP_KERNEL);

	if (!c)
		return NULL;
	__atomic_fetch_add(&conns_live, 1, __ATOMIC_RELAXED);
	WRITE_ONCE(c->key, key);
	/* The table's reference; the key is seen by whoever takes another. */
	__atomic_store_n(&c->ref, 1, __ATOMIC_RELEASE);
	return c;
}

struct conn_lookup {
	u32 key;
	struct conn *found;
};

static int conn_visit(void *entry, void *arg)
{
	struct conn_lookup *l = arg;
	struct conn *c = entry;

	if (READ_ONCE(c->key) != l->key)
		return 0;
	if (!conn_get(c))
		return 0;			/* free: go on */
	if (READ_ONCE(c->key) != l->key) {	/* reused or moved */
		conn_put(c);
		return 0;
	}
	l->found = c;
	return 1;				/* ends the walk */
}

static int conn_walk_locked(const struct llist_nulls_multi_head *head,
			    void *arg)
{
	struct bucket *b = container_of(head, struct bucket, head);

	guard(spinlock)(&b->lock);
	return llist_nulls_multi_walk_locked(head, conn_visit, arg);
}

static const struct llist_nulls_multi_walk conn_walk = {
	.visit = conn_visit,
	.fallback = conn_walk_locked,
};

/* Returns the conn with a reference, or NULL. */
static struct conn *conn_lookup(u32 key, struct llist_nulls_multi_stats *st)
{
	struct conn_lookup l = { .key = key };

	llist_nulls_multi_walk_lockless(&conn_bucket(key)->head, &conn_params,
					&conn_walk, &l, st);
	return l.found;
}

static unsigned long errors;

/* The guide's "Adding". */
static void conn_add(struct conn *c)
{
	struct bucket *b = conn_bucket(c->key);
	struct llist_nulls_multi_node *node = NULL;
	int ret;

	spin_lock(&b->lock);
	while ((ret = llist_nulls_multi_add(&b->head, c, &conn_params,
					    &node)) == -ENOMEM) {
		spin_unlock(&b->lock);
		node = kmem_cache_alloc(conn_node_cache, GFP_KERNEL);
		if (!node) {
			fprintf(stderr, "hashlookup: out of memory\n");
			exit(2);
		}
		spin_lock(&b->lock);
	}
	spin_unlock(&b->lock);
	if (node)
		kmem_cache_free(conn_node_cache, node);
	if (ret < 0)
		__atomic_fetch_add(&errors, 1, __ATOMIC_RELAXED);
}

/* The guide's "Removing". */
static void conn_del(struct conn *c)
{
	struct bucket *b = conn_bucket(c->key);
	struct llist_nulls_multi_node *freed;
	int ret;

	spin_lock(&b->lock);
	ret = llist_nulls_multi_del(&b->head, c, &conn_params, &freed);
	spin_unlock(&b->lock);
	if (freed)
		kmem_cache_free(conn_node_cache, freed);
	if (ret)
		__atomic_fetch_add(&errors, 1, __ATOMIC_RELAXED);
}

/*
 * Moving conn i's keys are STABLE + i + MOVING * generation: unique, and
 * never a stable conn's.
 */
static u32 moving_key(unsigned int i, unsigned int gen)
{
	return STABLE + i + MOVING * (gen % ((0xffffffffu - STABLE) / MOVING));
}

static struct conn *moving[MOVING];	/* each its writer's own */
static u32 moving_keys[MOVING];		/* read by the readers */
static unsigned int nr_writers;
static unsigned long rehashes, replaced;
static int stop;

/* Writer @w moves the conns i with i % nr_writers == w, and no other. */
static void *writer(void *arg)
{
	unsigned int w = (unsigned int)(uintptr_t)arg;
	uint64_t rnd = rnd_seed(1, w);
	unsigned long moves = 0, news = 0;
	unsigned int gen = 0;

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		unsigned int i = w + nr_writers *
			rnd_below(&rnd, (MOVING - w + nr_writers - 1) / nr_writers);
		struct conn *c = moving[i];
		u32 key = moving_key(i, ++gen);

		conn_del(c);
		if (rnd_below(&rnd, 4)) {
			/* A rehash: the key changes while c is in no bucket. */
			WRITE_ONCE(c->key, key);
			moves++;
		} else {
			/* The table's reference goes: c may be freed now. */
			conn_put(c);
			c = conn_new(key);
			if (!c) {
				fprintf(stderr, "hashlookup: out of memory\n");
				exit(2);
			}
			moving[i] = c;
			news++;
		}
		conn_add(c);
		__atomic_store_n(&moving_keys[i], key, __ATOMIC_RELAXED);
	}
	__atomic_fetch_add(&rehashes, moves, __ATOMIC_RELAXED);
	__atomic_fetch_add(&replaced, news, __ATOMIC_RELAXED);
	return NULL;
}

static unsigned long stable_lookups, stable_misses, moving_lookups,
	moving_misses, wrong, bad_stats, fell_back, moved, refused;

static void *reader(void *arg)
{
	uint64_t rnd = rnd_seed(2, (unsigned int)(uintptr_t)arg);
	unsigned long n[2] = { 0 }, miss[2] = { 0 }, bad = 0, wr = 0;
	unsigned long fb = 0, mv = 0, rf = 0;

	rcu_register_thread();
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		struct llist_nulls_multi_stats st;
		bool stable = rnd_below(&rnd, 2);
		u32 key = stable ? rnd_below(&rnd, STABLE) :
			__atomic_load_n(&moving_keys[rnd_below(&rnd, MOVING)],
					__ATOMIC_RELAXED);
		struct conn *c = conn_lookup(key, &st);

		n[stable]++;
		miss[stable] += !c;
		if (c) {
			/* A stable conn's key never changes. */
			wr += stable && READ_ONCE(c->key) != key;
			conn_put(c);
		}
		/* The guide's "A pass": how passes, moved and refused add up. */
		if (st.fell_back)
			bad += st.passes != st.moved + st.refused ||
			       st.passes != LLIST_NULLS_MULTI_MAX_PASSES;
		else
			bad += st.passes != st.moved + st.refused + 1;
		fb += st.fell_back;
		mv += st.moved;
		rf += st.refused;
	}
	rcu_unregister_thread();
	__atomic_fetch_add(&stable_lookups, n[1], __ATOMIC_RELAXED);
	__atomic_fetch_add(&stable_misses, miss[1], __ATOMIC_RELAXED);
	__atomic_fetch_add(&moving_lookups, n[0], __ATOMIC_RELAXED);
	__atomic_fetch_add(&moving_misses, miss[0], __ATOMIC_RELAXED);
	__atomic_fetch_add(&wrong, wr, __ATOMIC_RELAXED);
	__atomic_fetch_add(&bad_stats, bad, __ATOMIC_RELAXED);
	__atomic_fetch_add(&fell_back, fb, __ATOMIC_RELAXED);
	__atomic_fetch_add(&moved, mv, __ATOMIC_RELAXED);
	__atomic_fetch_add(&refused, rf, __ATOMIC_RELAXED);
	return NULL;
}

static void conn_forget(void *entry, void *arg)
{
	conn_put(entry);			/* the table's reference */
}

static void conn_node_free(struct llist_nulls_multi_node *node, void *arg)
{
	kmem_cache_free(conn_node_cache, node);
}

int main(int argc, char **argv)
{
	unsigned int secs = argc > 1 ? atoi(argv[1]) : 3;
	unsigned int nw = argc > 2 ? atoi(argv[2]) : 2;
	unsigned int nr = argc > 3 ? atoi(argv[3]) : 2;
	pthread_t t[64];
	unsigned int i;

	if (nw + nr > ARRAY_SIZE(t) || !nw || nw > MOVING || !nr) {
		fprintf(stderr, "usage: %s [seconds] [writers] [readers] (64 threads at most)\n",
			argv[0]);
		return 2;
	}
	nr_writers = nw;
	conn_cache = kmem_cache_create("conn", sizeof(struct conn), 0,
				       SLAB_TYPESAFE_BY_RCU, NULL);
	conn_node_cache = kmem_cache_create("conn_node",
					    LLIST_NULLS_MULTI_NODE_SIZE(CONN_CAP),
					    0, SLAB_TYPESAFE_BY_RCU, NULL);
	if (!conn_cache || !conn_node_cache)
		return 2;
	for (i = 0; i < ARRAY_SIZE(conn_table); i++) {
		spin_lock_init(&conn_table[i].lock);
		llist_nulls_multi_init(&conn_table[i].head);
	}
	for (i = 0; i < STABLE + MOVING; i++) {
		u32 key = i < STABLE ? i : moving_key(i - STABLE, 0);
		struct conn *c = conn_new(key);

		if (!c)
			return 2;
		conn_add(c);
		if (i >= STABLE) {
			moving[i - STABLE] = c;
			moving_keys[i - STABLE] = key;
		}
	}

	for (i = 0; i < nw + nr; i++)
		pthread_create(&t[i], NULL, i < nw ? writer : reader,
			       (void *)(uintptr_t)i);
	sleep(secs);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < nw + nr; i++)
		pthread_join(t[i], NULL);

	/* The guide's "Tearing down": no writer and no walker is left. */
	for (i = 0; i < ARRAY_SIZE(conn_table); i++) {
		spin_lock(&conn_table[i].lock);
		llist_nulls_multi_destroy(&conn_table[i].head, &conn_params,
					  conn_forget, conn_node_free, NULL);
		spin_unlock(&conn_table[i].lock);
	}
	kmem_cache_destroy(conn_node_cache);
	kmem_cache_destroy(conn_cache);

	/* One line. */
	printf("hashlookup: %u buckets, %u conns, %u writers, %u readers, %u s: ",
	       1u << CONN_HASH_BITS, STABLE + MOVING, nw, nr, secs);
	printf("%lu lookups of stable conns, %lu missed; ",
	       stable_lookups, stable_misses);
	printf("%lu of moving conns, %lu missed (in flight, allowed); ",
	       moving_lookups, moving_misses);
	printf("%lu rehashed, %lu replaced; ", rehashes, replaced);
	printf("%lu walks fell back, %lu passes moved, %lu refused; ",
	       fell_back, moved, refused);
	printf("%lu wrong, %lu stats not adding up, %ld leaked, %lu errors, %lu warnings\n",
	       wrong, bad_stats, conns_live, errors, shim_warnings);
	return stable_misses || wrong || bad_stats || conns_live || errors ||
	       shim_warnings ? 1 : 0;
}
