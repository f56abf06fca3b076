// SPDX-License-Identifier: GPL-2.0-only
/*
 * Threaded stress test of llist_nulls_multi: writers under one mutex,
 * lockless walkers, type-stable node memory that is reused across lists.
 *
 * Writers (serialised by big_lock, the caller's lock) add and remove entries,
 * move them between lists, grow lists past node boundaries (1, 14, 15, 28,
 * 29, ~300 entries) and shrink them again, destroy whole lists, and free the
 * nodes the library hands back to a LIFO type-stable pool (optionally zeroed
 * on reuse), so a node a walker stands on is soon reused, often by another
 * list.  Writers also check the layout of the lists they change.
 *
 * Walkers call llist_nulls_multi_walk_lockless() on random lists, with and
 * without a fallback (big_lock around llist_nulls_multi_walk_locked()),
 * with various pass limits, and as lookups that stop at a given entry.  Each
 * list has "pinned" entries that no writer removes; every walk that returns
 * 0 must have visited all of its list's pinned entries (entries of other
 * lists may be visited too: they are recognised and ignored), a lookup of a
 * pinned entry must find it, and the walk's statistics must keep the bound.
 * A quarter of the walks are also audited against every entry, pinned or
 * not, that was in the list for the whole walk (see STATE() below): each
 * must have been visited, wherever fill-the-hole moved it meanwhile.
 *
 * Usage: stress [-w writers] [-r walkers] [-s seed] [-v] [seconds]
 * Exit status: 0 if no check failed, 1 otherwise.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/llist_nulls_multi.h>
#include <linux/rcupdate.h>

#include "harness.h"
#include "node_pool.h"

unsigned long shim_warnings;

#define NR_LISTS	8
#define NR_LOOSE	3000		/* entries writers move around */
#define OBJ_MAGIC	0x6f626a5f6c6c6e6dULL

/* Pinned entries per list: no writer removes them. */
static const unsigned int nr_pinned[NR_LISTS] = { 0, 0, 1, 2, 13, 14, 15, 29 };
/* List sizes writers aim at: around every node boundary, and long. */
static const unsigned int targets[] = {
	0, 1, 2, 3, 13, 14, 15, 16, 27, 28, 29, 30, 42, 43, 100, 299, 300, 301,
};

/*
 * An entry.  The first three fields never change once threads run; walkers
 * read those, and @state in audits.  The rest belong to writers, under
 * big_lock.
 */
struct obj {
	uint64_t magic;		/* OBJ_MAGIC ^ index */
	int pinned_list;	/* the list a pinned entry stays in, or -1 */
	int pin_idx;		/* which of that list's pinned entries */
	uint64_t state;		/* STATE(gen, list) for audits, atomic */
	int where;		/* the list holding a loose entry, or -1 */
	unsigned int slot;	/* its index in that list's loose[] */
	unsigned long stamp;	/* for duplicate checks */
} __aligned(8);

struct tlist {
	struct llist_nulls_multi_head head;
	/* Writers only, under big_lock. */
	struct obj **loose;	/* the loose entries in the list */
	unsigned int nr_loose;
	unsigned int target;
	/* Fixed. */
	unsigned int nr_pinned;
	uint64_t pinned_mask;
	struct obj *pinned[64];
};

static struct obj *objs;
static unsigned int nr_objs;
static struct tlist lists[NR_LISTS];
static struct obj **free_objs;		/* loose entries in no list */
static unsigned int nr_free_objs;
static unsigned long stamp;
static int stop;

/*
 * Audits: which entries were in a list for a whole walk.  A writer adding
 * an entry to list L stores its state as STATE(g, L), g = wseq + 1, then
 * adds it, then publishes wseq = g with release.  A writer removing one
 * stores STATE(0, -1), then smp_mb(), then removes it.  A walker reads s0 =
 * wseq (acquire) before its walk and, after it and an smp_mb(), each
 * entry's state: STATE(g, L) with g <= s0 means the add was done before the
 * walk began and no removal had begun by the time the walk ended, so the
 * walk must have visited the entry.
 */
#define STATE(gen, list)	((uint64_t)(gen) << 8 | (uint64_t)((list) + 1))
#define STATE_GEN(st)		((st) >> 8)
#define STATE_LIST(st)		((int)((st) & 0xff) - 1)
static uint64_t wseq;

static pthread_mutex_t big_lock = PTHREAD_MUTEX_INITIALIZER;
static struct node_pool pool;

/* The most nodes any list can have, to check walk bounds independently. */
static unsigned int max_nodes;

static unsigned long violations;
static int writers_broken;
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static bool verbose;

static void vviolation(const char *fmt, va_list ap)
{
	unsigned long n = __atomic_add_fetch(&violations, 1, __ATOMIC_RELAXED);

	if (n > 20)
		return;
	pthread_mutex_lock(&report_lock);
	fprintf(stderr, "VIOLATION: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	pthread_mutex_unlock(&report_lock);
}

static void __printf(1, 2) violation(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vviolation(fmt, ap);
	va_end(ap);
}

/*
 * A list no longer holds what the writers think it holds: report, and stop
 * every thread, since the writers' bookkeeping can no longer be trusted.
 */
static void __printf(1, 2) wviolation(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vviolation(fmt, ap);
	va_end(ap);
	__atomic_store_n(&writers_broken, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
}

/* Is @p one of our entries?  Reads only fields that never change. */
static struct obj *to_obj(void *p)
{
	uintptr_t off = (uintptr_t)p - (uintptr_t)objs;

	if ((uintptr_t)p < (uintptr_t)objs || off % sizeof(struct obj) ||
	    off / sizeof(struct obj) >= nr_objs)
		return NULL;
	if (((struct obj *)p)->magic != (OBJ_MAGIC ^ (off / sizeof(struct obj))))
		return NULL;
	return p;
}

/* ---------------------------------------------------------------- writers */

struct writer_stats {
	unsigned long ops, adds, dels, moves, node_allocs, node_frees, zeroed;
	unsigned long destroys, verifies, enomem, enoent, einval, spare_refused;
};

struct writer {
	pthread_t thread;
	unsigned int id;
	uint64_t rnd;
	struct writer_stats st;
};

static unsigned int list_size(struct tlist *l)
{
	return l->nr_pinned + l->nr_loose;
}

/* Check a list's layout against what writers know it holds. */
static void verify_list(struct tlist *l)
{
	struct llist_nulls_multi_head *head = &l->head;
	unsigned int n = 0, size = list_size(l), idx = l - lists;
	struct llist_nulls_multi_iter iter = { 0 };	/* see fallback() */
	struct llist_nulls_multi_fault fault;
	struct obj *o;
	void *e;

	/* The layout first: a list that breaks it may not be walkable. */
	if (!llist_nulls_multi_validate(head, &test_params, &fault)) {
		wviolation("list %u: %s (node %d, slot %d)", idx, fault.what,
			   fault.node, fault.slot);
		return;
	}
	if (llist_nulls_multi_count(head, &test_params) != size)
		wviolation("list %u: count %u, expected %u", idx,
			  llist_nulls_multi_count(head, &test_params), size);
	if (llist_nulls_multi_empty(head) != !size)
		wviolation("list %u: empty() wrong for size %u", idx, size);

	/* Entries: exactly the ones we put there, once each. */
	stamp++;
	e = llist_nulls_multi_iter_first(head, &iter);
	if (e != llist_nulls_multi_first(head))
		wviolation("list %u: first() differs from iter_first()", idx);
	for (; e; e = llist_nulls_multi_iter_next(&iter)) {
		n++;
		o = to_obj(e);
		if (!o) {
			wviolation("list %u: bogus entry %p", idx, e);
			continue;
		}
		if (o->pinned_list != (int)idx &&
		    (o->pinned_list >= 0 || o->where != (int)idx))
			wviolation("list %u: holds entry %p of list %d/%d", idx,
				  e, o->pinned_list, o->where);
		if (o->stamp == stamp)
			wviolation("list %u: entry %p twice", idx, e);
		o->stamp = stamp;
	}
	if (n != size)
		wviolation("list %u: walked %u entries, expected %u", idx, n,
			  size);
}

/* Add @o, a loose entry in no list, to @l. */
static void add_to(struct writer *w, struct tlist *l, struct obj *o)
{
	struct llist_nulls_multi_head *head = &l->head;
	unsigned int before = list_size(l), idx = l - lists;
	struct llist_nulls_multi_node *node = NULL, *spare = NULL;
	bool need = llist_nulls_multi_need_node(head, &test_params);
	uint64_t gen = __atomic_load_n(&wseq, __ATOMIC_RELAXED) + 1;
	bool zero;
	int ret;

	/* Behind the first node all are full: it is full iff size % cap == 0. */
	if (need != (llist_nulls_multi_first_node(head) ? before % NODE_CAP == 0 :
		     before == 1))
		wviolation("list %u: need_node %d at size %u", idx, need, before);

	if (need && !rnd_below(&w->rnd, 64)) {
		/* Allocation failure: an error, the list unchanged. */
		ret = llist_nulls_multi_add(head, o, &test_params, NULL);
		if (ret != -ENOMEM ||
		    llist_nulls_multi_count(head, &test_params) != before)
			wviolation("list %u: add without node returned %d", idx,
				  ret);
		w->st.enomem++;
	}
	if (need) {
		zero = rnd_below(&w->rnd, 2);
		node = node_pool_alloc(&pool, zero);
		if (!node) {
			fprintf(stderr, "out of memory\n");
			exit(1);
		}
		w->st.node_allocs++;
		w->st.zeroed += zero;
	} else if (!rnd_below(&w->rnd, 32)) {
		/* A node offered when none is needed is not taken. */
		spare = node_pool_alloc(&pool, false);
		node = spare;
	}

	__atomic_store_n(&o->state, STATE(gen, idx), __ATOMIC_RELAXED);
	ret = llist_nulls_multi_add(head, o, &test_params, &node);
	__atomic_store_n(&wseq, gen, __ATOMIC_RELEASE);
	if (ret != (int)before)
		wviolation("list %u: add returned %d, expected %u", idx, ret,
			  before);
	/* The node taken is cleared; one not taken is left. */
	if (node != spare)
		wviolation("list %u: add left the node %p, given %p", idx,
			  (void *)node, (void *)spare);
	if (spare) {
		if (llist_nulls_multi_first_node(head) == spare)
			wviolation("list %u: took a node it did not need", idx);
		else
			w->st.spare_refused++;
		node_pool_free(&pool, spare);
	}

	o->where = idx;
	o->slot = l->nr_loose;
	l->loose[l->nr_loose++] = o;
	w->st.adds++;
}

/* Remove @o, a loose entry, from the list holding it. */
static void remove_from(struct writer *w, struct obj *o)
{
	struct tlist *l = &lists[o->where];
	struct llist_nulls_multi_head *head = &l->head;
	unsigned int before = list_size(l), idx = l - lists;
	struct llist_nulls_multi_node *freed;
	int ret;

	__atomic_store_n(&o->state, STATE(0, -1), __ATOMIC_RELAXED);
	/* The mark before any store of the removal: pairs with audit(). */
	smp_mb();
	ret = llist_nulls_multi_del(head, o, &test_params, &freed);
	if (ret)
		wviolation("list %u: del returned %d", idx, ret);
	if (freed) {
		/* Back to type-stable memory at once: walkers may be on it. */
		node_pool_free(&pool, freed);
		w->st.node_frees++;
	}
	if (llist_nulls_multi_count(head, &test_params) != before - 1)
		wviolation("list %u: count %u after del, expected %u", idx,
			  llist_nulls_multi_count(head, &test_params), before - 1);

	l->loose[o->slot] = l->loose[--l->nr_loose];
	l->loose[o->slot]->slot = o->slot;
	o->where = -1;
	w->st.dels++;
}

static struct obj *take_free_obj(struct writer *w)
{
	unsigned int i = rnd_below(&w->rnd, nr_free_objs);
	struct obj *o = free_objs[i];

	free_objs[i] = free_objs[--nr_free_objs];
	return o;
}

static void put_free_obj(struct obj *o)
{
	free_objs[nr_free_objs++] = o;
}

/* A loose entry of some list other than @not, or NULL. */
static struct obj *steal_candidate(struct writer *w, struct tlist *not)
{
	unsigned int i, start = rnd_below(&w->rnd, NR_LISTS);
	struct tlist *l;

	for (i = 0; i < NR_LISTS; i++) {
		l = &lists[(start + i) % NR_LISTS];
		if (l != not && l->nr_loose)
			return l->loose[rnd_below(&w->rnd, l->nr_loose)];
	}
	return NULL;
}

static void pick_target(struct writer *w, struct tlist *l)
{
	unsigned int t;

	do {
		t = targets[rnd_below(&w->rnd, ARRAY_SIZE(targets))];
	} while (t < l->nr_pinned);
	l->target = t;
}

static void grow(struct writer *w, struct tlist *l)
{
	struct obj *o = NULL;

	if (!nr_free_objs || !rnd_below(&w->rnd, 4)) {
		o = steal_candidate(w, l);
		if (o) {
			remove_from(w, o);
			w->st.moves++;
		}
	}
	if (!o) {
		if (!nr_free_objs) {
			l->target = list_size(l);
			return;
		}
		o = take_free_obj(w);
	}
	add_to(w, l, o);
}

static void shrink(struct writer *w, struct tlist *l)
{
	struct obj *o = NULL, *first;
	struct tlist *to;

	if (!rnd_below(&w->rnd, 4)) {
		/* "Take the first": removing it moves nothing. */
		first = to_obj(llist_nulls_multi_first(&l->head));
		if (first && first->pinned_list < 0)
			o = first;
	}
	if (!o)
		o = l->loose[rnd_below(&w->rnd, l->nr_loose)];
	remove_from(w, o);
	if (rnd_below(&w->rnd, 2)) {
		put_free_obj(o);
		return;
	}
	to = &lists[rnd_below(&w->rnd, NR_LISTS)];
	if (to == l) {
		put_free_obj(o);
		return;
	}
	add_to(w, to, o);
	w->st.moves++;
}

struct destroy_arg {
	struct writer *w;
	struct tlist *l;
	unsigned int seen;
};

static void destroy_entry(void *entry, void *arg)
{
	struct destroy_arg *da = arg;
	struct obj *o = to_obj(entry);

	da->seen++;
	if (!o || o->where != (int)(da->l - lists) || nr_free_objs >= nr_objs) {
		wviolation("destroy of list %u visited %p", (unsigned int)(da->l - lists), entry);
		return;
	}
	o->where = -1;
	put_free_obj(o);
}

static void destroy_node(struct llist_nulls_multi_node *node, void *arg)
{
	struct destroy_arg *da = arg;

	node_pool_free(&pool, node);
	da->w->st.node_frees++;
}

/* Empty a list without pinned entries in one go, walkers or not. */
static void destroy(struct writer *w, struct tlist *l)
{
	struct destroy_arg da = { .w = w, .l = l };
	unsigned int size = list_size(l), ret, i;

	for (i = 0; i < l->nr_loose; i++)
		__atomic_store_n(&l->loose[i]->state, STATE(0, -1),
				 __ATOMIC_RELAXED);
	/* The marks before any store of the destroy: pairs with audit(). */
	smp_mb();
	ret = llist_nulls_multi_destroy(&l->head, &test_params, destroy_entry,
					destroy_node, &da);
	if (ret != size || da.seen != size || !llist_nulls_multi_empty(&l->head))
		wviolation("list %u: destroy returned %u, visited %u, size %u",
			  (unsigned int)(l - lists), ret, da.seen, size);
	l->nr_loose = 0;
	w->st.destroys++;
}

/* One writer operation, under big_lock. */
static void writer_op(struct writer *w)
{
	struct tlist *l = &lists[rnd_below(&w->rnd, NR_LISTS)];
	unsigned int size = list_size(l);
	struct llist_nulls_multi_node *freed;
	struct obj *o;
	int ret;

	w->st.ops++;
	switch (rnd_below(&w->rnd, 1024)) {
	case 0:
		/* Removing an absent entry: an error, the list unchanged. */
		o = nr_free_objs ? free_objs[0] : NULL;
		if (o) {
			ret = llist_nulls_multi_del(&l->head, o, &test_params, &freed);
			if (ret != -ENOENT || freed ||
			    llist_nulls_multi_count(&l->head, &test_params) != size)
				wviolation("list %u: del of absent entry returned %d",
					  (unsigned int)(l - lists), ret);
			w->st.enoent++;
		}
		return;
	case 1:
		/* A bad entry: refused, warned about once, list unchanged. */
		ret = llist_nulls_multi_add(&l->head, (void *)((uintptr_t)objs | 1),
					    &test_params, NULL);
		if (ret != -EINVAL || llist_nulls_multi_count(&l->head, &test_params) != size)
			wviolation("list %u: add of bad entry returned %d",
				  (unsigned int)(l - lists), ret);
		w->st.einval++;
		return;
	case 2:
		if (!l->nr_pinned && size) {
			destroy(w, l);
			return;
		}
		break;
	}

	if (size == l->target)
		pick_target(w, l);
	if (size < l->target)
		grow(w, l);
	else if (size > l->target && l->nr_loose)
		shrink(w, l);

	if (!rnd_below(&w->rnd, 64) || list_size(l) <= 3) {
		verify_list(l);
		w->st.verifies++;
	}
}

static void *writer_thread(void *arg)
{
	struct writer *w = arg;

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		pthread_mutex_lock(&big_lock);
		writer_op(w);
		pthread_mutex_unlock(&big_lock);
	}
	return NULL;
}

/* ---------------------------------------------------------------- walkers */

struct walker_stats {
	unsigned long walks, passes, steps, moved, refused, fallbacks, eagain;
	unsigned long multi_pass, lookups, visits, foreign, final_pass_misses;
	unsigned long audits, audited;
	unsigned int worst_passes, worst_steps, worst_pass_steps, worst_bound;
};

struct walker {
	pthread_t thread;
	unsigned int id;
	uint64_t rnd;
	uint64_t *seen;		/* a bit per entry, for audits */
	struct walker_stats st;
};

struct walk_ctx {
	struct tlist *l;
	int idx;
	struct llist_nulls_multi_stats *stats;
	uint64_t *rnd;
	void *target;		/* a lookup stops here */
	bool in_fallback;
	unsigned int cur_pass;
	uint64_t seen_walk;	/* pinned entries seen in the whole walk */
	uint64_t seen_pass;	/* ... in the current lockless pass */
	uint64_t *seen;		/* if auditing, every entry seen */
	unsigned long visits, lockless_visits, foreign, bogus;
};

/*
 * Now and then stall a lockless pass, as an interrupt or a preempted vCPU
 * would, so that writers change the list under the walker.
 */
static void dawdle(uint64_t *rnd)
{
	unsigned int r = rnd_below(rnd, 1 << 16), i;

	if (r < 128) {
		for (i = r * 16; i; i--)
			__asm__ __volatile__("" : : : "memory");
	} else if (r == 128) {
		sched_yield();
	}
}

static int visit(void *entry, void *arg)
{
	struct walk_ctx *c = arg;
	struct obj *o = to_obj(entry);

	c->visits++;
	if (!c->in_fallback) {
		c->lockless_visits++;
		if (c->stats->passes != c->cur_pass) {
			c->cur_pass = c->stats->passes;
			c->seen_pass = 0;
		}
		dawdle(c->rnd);
	}
	if (!o) {
		c->bogus++;
		violation("list %d: walk visited bogus entry %p", c->idx, entry);
		return 0;
	}
	if (c->seen)
		c->seen[(o - objs) / 64] |= 1ULL << ((o - objs) % 64);
	if (o->pinned_list == c->idx) {
		c->seen_walk |= 1ULL << o->pin_idx;
		c->seen_pass |= 1ULL << o->pin_idx;
	} else if (o->pinned_list >= 0) {
		/* Another list's entry, from a node reused there: allowed. */
		c->foreign++;
	}
	return entry == c->target;
}

static int fallback(const struct llist_nulls_multi_head *head, void *arg)
{
	struct walk_ctx *c = arg;
	int ret;

	if (head != &c->l->head)
		violation("list %d: fallback for another head", c->idx);
	c->in_fallback = true;
	pthread_mutex_lock(&big_lock);
	ret = llist_nulls_multi_walk_locked(head, visit, arg);
	pthread_mutex_unlock(&big_lock);
	return ret;
}

/* Every entry in the list for the whole walk was visited. */
static void audit(struct walker *w, struct walk_ctx *c, uint64_t s0,
		  struct llist_nulls_multi_stats *st)
{
	unsigned int i, missed = 0;
	uint64_t state;

	/*
	 * The walk's loads before the states: a walk that saw any store of a
	 * removal sees its mark below (pairs with remove_from(), destroy()).
	 */
	smp_mb();
	for (i = 0; i < nr_objs; i++) {
		state = __atomic_load_n(&objs[i].state, __ATOMIC_RELAXED);
		if (STATE_LIST(state) != c->idx || STATE_GEN(state) > s0)
			continue;
		w->st.audited++;
		if (!(c->seen[i / 64] & (1ULL << (i % 64))) && !missed++)
			violation("list %d: walk missed entry %u, there since %" PRIu64 " <= %" PRIu64 " (passes %u, moved %u, refused %u, fell back %d)",
				  c->idx, i, STATE_GEN(state), s0, st->passes,
				  st->moved, st->refused, st->fell_back);
	}
	w->st.audits++;
}

static void walk_once(struct walker *w)
{
	static const unsigned int pass_limits[] = { 0, 0, 0, 1, 2, 3 };
	unsigned int idx = rnd_below(&w->rnd, NR_LISTS), mode, limit;
	struct tlist *l = &lists[idx];
	struct llist_nulls_multi_stats st;
	struct llist_nulls_multi_walk walk = {
		.visit = visit,
		.fallback = fallback,
	};
	struct walk_ctx c = {
		.l = l,
		.idx = idx,
		.stats = &st,
		.rnd = &w->rnd,
	};
	uint64_t s0;
	int ret, expect;

	limit = pass_limits[rnd_below(&w->rnd, 6)];
	walk.max_passes = limit;
	if (!limit)
		limit = LLIST_NULLS_MULTI_MAX_PASSES;

	mode = rnd_below(&w->rnd, 8);
	if (mode == 5)
		walk.fallback = NULL;
	if (mode >= 6 && l->nr_pinned) {
		c.target = l->pinned[rnd_below(&w->rnd, l->nr_pinned)];
		w->st.lookups++;
	}

	if (!c.target && !rnd_below(&w->rnd, 4)) {
		c.seen = w->seen;
		memset(c.seen, 0, (nr_objs + 63) / 64 * sizeof(uint64_t));
	}
	s0 = __atomic_load_n(&wseq, __ATOMIC_ACQUIRE);

	ret = llist_nulls_multi_walk_lockless(&l->head, &test_params, &walk, &c,
					      &st);

	if (c.seen && ret == 0)
		audit(w, &c, s0, &st);

	/* The walk's account of itself, and the bound. */
	if (st.passes < 1 || st.passes > limit ||
	    st.moved + st.refused != st.passes - !st.fell_back ||
	    (st.fell_back && st.passes != limit))
		violation("list %u: passes %u moved %u refused %u fell back %d, limit %u",
			  idx, st.passes, st.moved, st.refused, st.fell_back, limit);
	if (st.max_pass_steps > st.max_pass_bound ||
	    st.steps > st.passes * st.max_pass_bound ||
	    st.max_pass_bound > max_nodes)
		violation("list %u: steps %u, max pass steps %u, bound %u (at most %u nodes)",
			  idx, st.steps, st.max_pass_steps, st.max_pass_bound,
			  max_nodes);
	if (c.lockless_visits > (unsigned long)st.steps * NODE_CAP + st.passes)
		violation("list %u: %lu lockless visits in %u steps", idx,
			  c.lockless_visits, st.steps);

	/* What it returned, and the visit guarantee. */
	if (c.target)
		expect = 1;
	else if (!walk.fallback && st.fell_back)
		expect = -EAGAIN;
	else
		expect = 0;
	if (ret != expect)
		violation("list %u: walk returned %d, expected %d (passes %u, fell back %d)",
			  idx, ret, expect, st.passes, st.fell_back);
	if (ret == 0 && c.seen_walk != l->pinned_mask)
		violation("list %u: walk missed pinned entries %#" PRIx64 " (passes %u, fell back %d)",
			  idx, l->pinned_mask & ~c.seen_walk, st.passes,
			  st.fell_back);
	/* Stricter than the contract: the finishing pass alone saw them all. */
	if (ret == 0 && !st.fell_back && l->pinned_mask &&
	    (c.cur_pass != st.passes || c.seen_pass != l->pinned_mask))
		w->st.final_pass_misses++;

	w->st.walks++;
	w->st.passes += st.passes;
	w->st.steps += st.steps;
	w->st.moved += st.moved;
	w->st.refused += st.refused;
	w->st.fallbacks += st.fell_back;
	w->st.eagain += ret == -EAGAIN;
	w->st.multi_pass += st.passes > 1;
	w->st.visits += c.visits;
	w->st.foreign += c.foreign;
	if (st.passes > w->st.worst_passes)
		w->st.worst_passes = st.passes;
	if (st.steps > w->st.worst_steps)
		w->st.worst_steps = st.steps;
	if (st.max_pass_steps > w->st.worst_pass_steps) {
		w->st.worst_pass_steps = st.max_pass_steps;
		w->st.worst_bound = st.max_pass_bound;
	}
}

static void *walker_thread(void *arg)
{
	struct walker *w = arg;

	w->seen = calloc((nr_objs + 63) / 64, sizeof(uint64_t));
	if (!w->seen) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	rcu_register_thread();
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED))
		walk_once(w);
	rcu_unregister_thread();
	return NULL;
}

/* ------------------------------------------------------------------ setup */

static void setup(void)
{
	unsigned int i, j, n = 0;
	struct obj *o;

	for (i = 0; i < NR_LISTS; i++)
		n += nr_pinned[i];
	nr_objs = n + NR_LOOSE;
	objs = aligned_alloc(64, ((sizeof(*objs) * nr_objs) + 63) & ~63UL);
	free_objs = calloc(nr_objs, sizeof(*free_objs));
	if (!objs || !free_objs || node_pool_init(&pool,
			LLIST_NULLS_MULTI_NODE_SIZE(NODE_CAP), 256)) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	/* No list can hold more than all the entries, one node per CAP. */
	max_nodes = nr_objs / NODE_CAP + 1;

	for (i = 0; i < nr_objs; i++) {
		o = &objs[i];
		memset(o, 0, sizeof(*o));
		o->magic = OBJ_MAGIC ^ i;
		o->pinned_list = -1;
		o->where = -1;
		o->state = STATE(0, -1);
	}
	n = 0;
	for (i = 0; i < NR_LISTS; i++) {
		struct tlist *l = &lists[i];

		llist_nulls_multi_init(&l->head);
		l->loose = calloc(nr_objs, sizeof(*l->loose));
		if (!l->loose) {
			fprintf(stderr, "out of memory\n");
			exit(1);
		}
		l->nr_pinned = nr_pinned[i];
		l->pinned_mask = l->nr_pinned ? ~0ULL >> (64 - l->nr_pinned) : 0;
		for (j = 0; j < l->nr_pinned; j++) {
			struct llist_nulls_multi_node *node = NULL;

			o = &objs[n++];
			o->pinned_list = i;
			o->pin_idx = j;
			o->state = STATE(0, i);
			l->pinned[j] = o;
			if (llist_nulls_multi_need_node(&l->head, &test_params))
				node = node_pool_alloc(&pool, false);
			if (llist_nulls_multi_add(&l->head, o, &test_params, &node) != (int)j) {
				fprintf(stderr, "setup: add failed\n");
				exit(1);
			}
		}
		l->target = l->nr_pinned;
	}
	for (; n < nr_objs; n++)
		put_free_obj(&objs[n]);
}

/* Checks before any thread runs, of what the threads cannot provoke. */
static void selftest(void)
{
	static const struct llist_nulls_multi_params cap1 = { .cap = 1 };
	struct llist_nulls_multi_head head = LLIST_NULLS_MULTI_HEAD_INIT;
	struct llist_nulls_multi_node *node = node_pool_alloc(&pool, true);
	int ret;

	/* A capacity below 2 is refused, with a warning. */
	llist_nulls_multi_add(&head, &objs[0], &test_params, NULL);
	ret = llist_nulls_multi_add(&head, &objs[1], &cap1, &node);
	if (ret != -EINVAL || llist_nulls_multi_first_node(&head))
		violation("selftest: capacity 1 accepted (%d)", ret);
	/* NULL is refused (the warning is once per boot: counted above). */
	ret = llist_nulls_multi_add(&head, NULL, &test_params, &node);
	if (ret != -EINVAL || llist_nulls_multi_count(&head, &test_params) != 1)
		violation("selftest: NULL entry accepted (%d)", ret);
	node_pool_free(&pool, node);
}

/* After the threads: every list checks out; destroy them; no node leaks. */
static void teardown_check(void)
{
	struct node_pool_stats ps;
	unsigned int i, total = 0;
	struct writer w = { .rnd = 1 };

	for (i = 0; i < NR_LISTS; i++) {
		verify_list(&lists[i]);
		total += list_size(&lists[i]);
	}
	if (total + nr_free_objs != nr_objs)
		violation("entries: %u in lists + %u free != %u", total,
			  nr_free_objs, nr_objs);
	for (i = 0; i < NR_LISTS; i++) {
		struct tlist *l = &lists[i];
		struct llist_nulls_multi_node *freed;

		while (l->nr_loose)
			remove_from(&w, l->loose[0]);
		for (unsigned int j = 0; j < l->nr_pinned; j++) {
			if (llist_nulls_multi_del(&l->head, l->pinned[j], &test_params,
						  &freed))
				violation("list %u: pinned entry missing", i);
			if (freed)
				node_pool_free(&pool, freed);
		}
		if (!llist_nulls_multi_empty(&l->head))
			violation("list %u: not empty at the end", i);
	}
	node_pool_get_stats(&pool, &ps);
	if (ps.in_use)
		violation("node pool: %lu nodes leaked", ps.in_use);
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-w writers] [-r walkers] [-s seed] [-v] [seconds]\n",
		prog);
	exit(2);
}

struct run {
	unsigned int nr_writers, nr_walkers, cpus;
	uint64_t seed;
	double seconds;
	struct writer *writers;
	struct walker *walkers;
};

static void parse_args(int argc, char **argv, struct run *r)
{
	int opt;

	while ((opt = getopt(argc, argv, "w:r:s:v")) != -1) {
		switch (opt) {
		case 'w':
			r->nr_writers = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			r->nr_walkers = strtoul(optarg, NULL, 0);
			break;
		case 's':
			r->seed = strtoull(optarg, NULL, 0);
			break;
		case 'v':
			verbose = true;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind < argc)
		r->seconds = strtod(argv[optind++], NULL);
	if (optind < argc || r->seconds <= 0)
		usage(argv[0]);
	/* Every core busy: walkers on all of them, writers on half. */
	if (!r->nr_walkers)
		r->nr_walkers = r->cpus;
	if (!r->nr_writers)
		r->nr_writers = r->cpus / 2 > 2 ? r->cpus / 2 : 2;
}

/* Start the walkers and the writers, let them run, stop them. */
static void run_threads(struct run *r)
{
	struct timespec deadline;
	unsigned int i;

	r->writers = calloc(r->nr_writers, sizeof(*r->writers));
	r->walkers = calloc(r->nr_walkers, sizeof(*r->walkers));
	if (!r->writers || !r->walkers)
		exit(1);
	for (i = 0; i < r->nr_walkers; i++) {
		r->walkers[i].id = i;
		r->walkers[i].rnd = rnd_seed(r->seed, 1000 + i);
		if (pthread_create(&r->walkers[i].thread, NULL, walker_thread, &r->walkers[i]))
			exit(1);
	}
	for (i = 0; i < r->nr_writers; i++) {
		r->writers[i].id = i;
		r->writers[i].rnd = rnd_seed(r->seed, i);
		if (pthread_create(&r->writers[i].thread, NULL, writer_thread, &r->writers[i]))
			exit(1);
	}

	usleep((useconds_t)(r->seconds * 1e6));
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);

	/* Every walk ends within its bound: a thread that does not is a bug. */
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 30;
	for (i = 0; i < r->nr_walkers + r->nr_writers; i++) {
		pthread_t t = i < r->nr_walkers ? r->walkers[i].thread :
			      r->writers[i - r->nr_walkers].thread;

		if (pthread_timedjoin_np(t, NULL, &deadline)) {
			fprintf(stderr, "VIOLATION: a thread did not stop within 30 s of the end\n");
			fflush(NULL);
			_exit(1);
		}
	}
}

/* The threads' counts, summed. */
static void sum_stats(const struct run *r, struct writer_stats *ws,
		      struct walker_stats *rs)
{
	unsigned int i;

	for (i = 0; i < r->nr_writers; i++) {
		const struct writer_stats *s = &r->writers[i].st;

		ws->ops += s->ops;
		ws->adds += s->adds;
		ws->dels += s->dels;
		ws->moves += s->moves;
		ws->node_allocs += s->node_allocs;
		ws->node_frees += s->node_frees;
		ws->zeroed += s->zeroed;
		ws->destroys += s->destroys;
		ws->verifies += s->verifies;
		ws->enomem += s->enomem;
		ws->enoent += s->enoent;
		ws->einval += s->einval;
		ws->spare_refused += s->spare_refused;
	}
	for (i = 0; i < r->nr_walkers; i++) {
		const struct walker_stats *s = &r->walkers[i].st;

		rs->walks += s->walks;
		rs->passes += s->passes;
		rs->steps += s->steps;
		rs->moved += s->moved;
		rs->refused += s->refused;
		rs->fallbacks += s->fallbacks;
		rs->eagain += s->eagain;
		rs->multi_pass += s->multi_pass;
		rs->lookups += s->lookups;
		rs->visits += s->visits;
		rs->foreign += s->foreign;
		rs->final_pass_misses += s->final_pass_misses;
		rs->audits += s->audits;
		rs->audited += s->audited;
		if (s->worst_passes > rs->worst_passes)
			rs->worst_passes = s->worst_passes;
		if (s->worst_steps > rs->worst_steps)
			rs->worst_steps = s->worst_steps;
		if (s->worst_pass_steps > rs->worst_pass_steps) {
			rs->worst_pass_steps = s->worst_pass_steps;
			rs->worst_bound = s->worst_bound;
		}
	}
}

static void print_report(const struct run *r, const struct writer_stats *ws,
			 const struct walker_stats *rs,
			 const struct node_pool_stats *ps)
{
	unsigned int i;

	if (verbose) {
		for (i = 0; i < r->nr_writers; i++)
			printf("writer %u: %lu ops, %lu adds, %lu dels, %lu moves\n",
			       i, r->writers[i].st.ops, r->writers[i].st.adds,
			       r->writers[i].st.dels, r->writers[i].st.moves);
		for (i = 0; i < r->nr_walkers; i++)
			printf("walker %u: %lu walks, %lu passes, %lu fell back, worst %u passes, %u steps\n",
			       i, r->walkers[i].st.walks, r->walkers[i].st.passes,
			       r->walkers[i].st.fallbacks, r->walkers[i].st.worst_passes,
			       r->walkers[i].st.worst_steps);
	}

	printf("writers: %lu ops: %lu adds, %lu dels, %lu moves between lists, %lu destroys, %lu layout checks\n",
	       ws->ops, ws->adds, ws->dels, ws->moves, ws->destroys, ws->verifies);
	printf("         error paths: %lu -ENOMEM, %lu -ENOENT, %lu -EINVAL, %lu spare nodes refused\n",
	       ws->enomem, ws->enoent, ws->einval, ws->spare_refused);
	printf("nodes:   %lu allocated (%lu reused, %lu zeroed), %lu freed, %lu ever carved\n",
	       ps->allocs, ps->reused, ps->zeroed, ps->frees, ps->total);
	printf("walkers: %lu walks (%lu lookups), %lu passes, %lu node steps, %lu visits (%lu of other lists' pinned entries)\n",
	       rs->walks, rs->lookups, rs->passes, rs->steps, rs->visits, rs->foreign);
	printf("         %lu walks took more than one pass: %lu passes moved, %lu refused; %lu fell back (%lu returned -EAGAIN)\n",
	       rs->multi_pass, rs->moved, rs->refused, rs->fallbacks, rs->eagain);
	printf("audits:  %lu walks checked against every entry in the list for the whole walk (%lu such entries, all visited unless reported)\n",
	       rs->audits, rs->audited);
	printf("worst:   %u passes in a walk, %u node steps in a walk, %u node steps in a pass (its bound %u)\n",
	       rs->worst_passes, rs->worst_steps, rs->worst_pass_steps, rs->worst_bound);
	printf("         %lu finished walks whose last pass alone missed a pinned entry (beyond the contract; informational)\n",
	       rs->final_pass_misses);
}

int main(int argc, char **argv)
{
	struct run r = {
		.cpus = nr_cpus(),
		.seed = (uint64_t)time(NULL),
		.seconds = 5,
	};
	struct writer_stats ws = { 0 };
	struct walker_stats rs = { 0 };
	struct node_pool_stats ps;
	unsigned long expected_warnings;

	parse_args(argc, argv, &r);
	setup();
	printf("selftest: expect two warnings, for a capacity of 1 and a NULL entry\n");
	fflush(stdout);
	selftest();

	printf("stress: %.1f s, %u writers, %u walkers, %u cpus, %u lists, %u entries (%u pinned), cap %u, seed %" PRIu64 "\n",
	       r.seconds, r.nr_writers, r.nr_walkers, r.cpus, NR_LISTS, nr_objs,
	       nr_objs - NR_LOOSE, NODE_CAP, r.seed);
	fflush(stdout);
	run_threads(&r);
	sum_stats(&r, &ws, &rs);
	node_pool_get_stats(&pool, &ps);
	print_report(&r, &ws, &rs, &ps);

	if (writers_broken)
		printf("writers' bookkeeping broken: final checks skipped\n");
	else
		teardown_check();

	/*
	 * The only warnings: the selftest's bad capacity and bad entry (that
	 * one warns once, whoever passes a bad entry later).
	 */
	expected_warnings = 2;
	if (shim_warnings != expected_warnings)
		violation("%lu warnings, expected %lu", shim_warnings,
			  expected_warnings);
	if (!rs.walks || !ws.ops || !ps.reused)
		violation("nothing happened: %lu walks, %lu ops, %lu nodes reused",
			  rs.walks, ws.ops, ps.reused);

	printf("violations: %lu\n", violations);
	printf("%s\n", violations ? "FAIL" : "PASS");
	node_pool_destroy(&pool);
	return violations ? 1 : 0;
}
