// SPDX-License-Identifier: GPL-2.0-only
/*
 * SMP torture of <linux/llist_nulls_multi.h>: writer and lockless-walker
 * kthreads race for test_llist_nulls_multi.torture_ms milliseconds.  Run it
 * on several CPUs, under KCSAN, and under KASAN with lockdep.
 *
 * Writer kthreads, serialised by a spinlock, add and remove entries on
 * TORTURE_LISTS lists, so that nodes are freed to the SLAB_TYPESAFE_BY_RCU
 * cache and reused by other lists while walker kthreads walk without the
 * lock.  Every write bumps a sequence number; an entry records the sequence
 * of the write that added it.  After a walk that started at sequence s0, an
 * entry still on the walked list and added before s0 was on it for the whole
 * walk, so the walk must have visited it.  TORTURE_PINNED entries per list are
 * never removed (fill-the-hole still moves them).
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/llist_nulls_multi.h>
#include <linux/module.h>
#include <linux/pgtable.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "test_llist_nulls_multi.h"

#define TORTURE_LISTS		4
#define TORTURE_PINNED		3

/*
 * Both suites' parameters share one prefix: on the kernel command line
 * this one is test_llist_nulls_multi.torture_ms.
 */
#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "test_llist_nulls_multi."

static unsigned int torture_ms = 1000;
module_param(torture_ms, uint, 0444);
MODULE_PARM_DESC(torture_ms, "how long the SMP torture case runs, in ms");

static struct kmem_cache *node_cache;

static const struct llist_nulls_multi_params torture_params = {
	.cap = NODE_CAP,
	.node_cache = &node_cache,
};

static void node_free(struct llist_nulls_multi_node *node, void *arg)
{
	kmem_cache_free(node_cache, node);
}

struct torture {
	spinlock_t lock;		/* the writers' lock */
	struct llist_nulls_multi_head heads[TORTURE_LISTS];
	/* under lock: the list each entry is on (-1: none), when it was added */
	s8 where[MAX_ENTRIES];
	unsigned long added[MAX_ENTRIES];
	unsigned long seq;		/* written under lock, read by walkers */
	unsigned long deadline;
	atomic_t running;
	/* results, from all walkers */
	atomic_long_t walks, passes, steps, moved, refused, fallbacks, checked;
	atomic_t worst_pass_steps, worst_passes, worst_bound;
	atomic_t missed, overruns, errors, writer_errors;
	atomic_long_t writes;
};

struct torture_walk {
	struct torture *tt;
	int list;
	DECLARE_BITMAP(seen, MAX_ENTRIES);
};

static int torture_visit(void *e, void *arg)
{
	struct torture_walk *w = arg;

	/* an entry of any list may be seen; the check below sorts it out */
	if (is_ours(e))
		__set_bit(idx(e), w->seen);
	return 0;
}

static int torture_fallback(const struct llist_nulls_multi_head *h, void *arg)
{
	struct torture_walk *w = arg;
	int ret;

	spin_lock(&w->tt->lock);
	ret = llist_nulls_multi_walk_locked(h, torture_visit, w);
	spin_unlock(&w->tt->lock);
	return ret;
}

static void atomic_max(atomic_t *a, int v)
{
	int old = atomic_read(a);

	while (old < v && !atomic_try_cmpxchg(a, &old, v))
		;
}

static int torture_walker(void *arg)
{
	struct torture *tt = arg;
	struct torture_walk *w = kzalloc(sizeof(*w), GFP_KERNEL);
	static const struct llist_nulls_multi_walk walk = {
		.visit = torture_visit,
		.fallback = torture_fallback,
	};
	struct llist_nulls_multi_stats st;
	unsigned long n = 0, s0, checked;
	int i;

	if (!w) {
		atomic_inc(&tt->errors);
		goto out;
	}
	w->tt = tt;
	while (time_before(jiffies, tt->deadline)) {
		w->list = n++ % TORTURE_LISTS;
		bitmap_zero(w->seen, MAX_ENTRIES);
		/* Pairs with the writers' release: writes before s0 are seen. */
		s0 = smp_load_acquire(&tt->seq);
		/* a static const walk: the visitor is inlined */
		if (llist_nulls_multi_walk_lockless(&tt->heads[w->list],
						    &torture_params, &walk, w, &st))
			atomic_inc(&tt->errors);

		checked = 0;
		spin_lock(&tt->lock);
		for (i = 0; i < MAX_ENTRIES; i++) {
			if (tt->where[i] != w->list || tt->added[i] >= s0)
				continue;
			checked++;
			if (!test_bit(i, w->seen))
				atomic_inc(&tt->missed);
		}
		spin_unlock(&tt->lock);

		if (st.max_pass_steps > st.max_pass_bound ||
		    st.steps > st.passes * st.max_pass_bound)
			atomic_inc(&tt->overruns);
		atomic_long_inc(&tt->walks);
		atomic_long_add(checked, &tt->checked);
		atomic_long_add(st.passes, &tt->passes);
		atomic_long_add(st.steps, &tt->steps);
		atomic_long_add(st.moved, &tt->moved);
		atomic_long_add(st.refused, &tt->refused);
		atomic_long_add(st.fell_back, &tt->fallbacks);
		atomic_max(&tt->worst_pass_steps, st.max_pass_steps);
		atomic_max(&tt->worst_passes, st.passes);
		atomic_max(&tt->worst_bound, st.max_pass_bound);
		cond_resched();
	}
	kfree(w);
out:
	atomic_dec(&tt->running);
	return 0;
}

/* Under tt->lock: one write, then publish it with a new sequence number. */
static void torture_write(struct torture *tt, int e, int to,
			  struct llist_nulls_multi_node **spare)
{
	struct llist_nulls_multi_node *freed;
	int from = tt->where[e], ret;

	if (from >= 0) {
		ret = llist_nulls_multi_del(&tt->heads[from], E(e), &torture_params,
					    &freed);
		if (ret)
			atomic_inc(&tt->writer_errors);
		tt->where[e] = -1;
		if (freed)
			kmem_cache_free(node_cache, freed);
	} else {
		ret = llist_nulls_multi_add(&tt->heads[to], E(e), &torture_params,
					    spare);
		if (ret == -ENOMEM)
			return;
		if (ret < 0) {
			atomic_inc(&tt->writer_errors);
			return;
		}
		tt->where[e] = to;
		tt->added[e] = tt->seq;
	}
	/* Pairs with the walkers' acquire of the sequence number. */
	smp_store_release(&tt->seq, tt->seq + 1);
}

static int torture_writer(void *arg)
{
	struct torture *tt = arg;
	struct llist_nulls_multi_node *spare = NULL;
	u32 rnd = get_random_u32();
	int e;

	while (time_before(jiffies, tt->deadline)) {
		/* not zeroed: a memset would race with walkers on the node */
		if (!spare)
			spare = kmem_cache_alloc(node_cache, GFP_KERNEL);
		rnd = rnd * 1103515245 + 12345;
		/* pinned entries, 0 .. TORTURE_LISTS * TORTURE_PINNED - 1, stay */
		e = TORTURE_LISTS * TORTURE_PINNED +
		    (rnd >> 8) % (MAX_ENTRIES - TORTURE_LISTS * TORTURE_PINNED);
		spin_lock(&tt->lock);
		torture_write(tt, e, (rnd >> 4) % TORTURE_LISTS, &spare);
		spin_unlock(&tt->lock);
		atomic_long_inc(&tt->writes);
		if (!(rnd & 63))
			cond_resched();
	}
	if (spare)
		kmem_cache_free(node_cache, spare);
	atomic_dec(&tt->running);
	return 0;
}

/* For the log: node addresses in a 5-level direct map have more bits set. */
static int paging_levels(void)
{
#ifdef CONFIG_X86_5LEVEL
	return pgtable_l5_enabled() ? 5 : 4;
#else
	return CONFIG_PGTABLE_LEVELS;
#endif
}

/*
 * After the race, with no writer left: each list keeps the layout and holds
 * exactly the entries the writers put on it, once each.  Then free it.
 */
static void torture_check_lists(struct kunit *test, struct torture *tt)
{
	struct llist_nulls_multi_fault fault;
	struct llist_nulls_multi_head *h;
	struct llist_nulls_multi_iter it;
	DECLARE_BITMAP(have, MAX_ENTRIES);
	unsigned int want, n;
	int l, i;
	void *e;

	for (l = 0; l < TORTURE_LISTS; l++) {
		h = &tt->heads[l];
		KUNIT_ASSERT_TRUE_MSG(test,
				      llist_nulls_multi_validate(h, &torture_params,
								 &fault),
				      "list %d: %s (node %d, slot %d)", l,
				      fault.what, fault.node, fault.slot);
		bitmap_zero(have, MAX_ENTRIES);
		n = 0;
		for (e = llist_nulls_multi_iter_first(h, &it); e;
		     e = llist_nulls_multi_iter_next(&it)) {
			KUNIT_ASSERT_TRUE(test, is_ours(e));
			KUNIT_EXPECT_FALSE(test,
					   test_and_set_bit(idx(e), have));
			KUNIT_EXPECT_EQ(test, tt->where[idx(e)], l);
			n++;
		}
		want = 0;
		for (i = 0; i < MAX_ENTRIES; i++)
			want += tt->where[i] == l;
		KUNIT_EXPECT_EQ(test, n, want);
		KUNIT_EXPECT_EQ(test, llist_nulls_multi_count(h, &torture_params),
				want);
		llist_nulls_multi_destroy(h, &torture_params, NULL, node_free, NULL);
	}
}

static void llnm_torture_writers_and_lockless_walkers_race(struct kunit *test)
{
	struct torture *tt = kunit_kzalloc(test, sizeof(*tt), GFP_KERNEL);
	int nwalkers = max(2U, num_online_cpus()), nwriters = 2, i;
	struct llist_nulls_multi_node *spare;
	struct task_struct *task;

	KUNIT_ASSERT_NOT_NULL(test, tt);
	spin_lock_init(&tt->lock);
	memset(tt->where, -1, sizeof(tt->where));
	/* Zeroed nodes are fine here: no walker runs yet. */
	for (i = 0; i < TORTURE_LISTS * TORTURE_PINNED; i++) {
		spare = kmem_cache_zalloc(node_cache, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, spare);
		torture_write(tt, i, i % TORTURE_LISTS, &spare);
		if (spare)
			node_free(spare, NULL);
	}

	tt->deadline = jiffies + msecs_to_jiffies(torture_ms);
	atomic_set(&tt->running, nwalkers + nwriters);
	for (i = 0; i < nwalkers + nwriters; i++) {
		task = kthread_run(i < nwriters ? torture_writer : torture_walker,
				   tt, "llnm_torture/%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	}
	while (atomic_read(&tt->running))
		msleep(20);

	kunit_info(test, "llnm-torture %d-bit kernel, %d-level paging\n",
		   BITS_PER_LONG, paging_levels());
	kunit_info(test,
		   "llnm-torture cpus=%u ms=%u writers=%d walkers=%d writes=%ld walks=%ld stable_checked=%ld passes=%ld steps=%ld moved=%ld refused=%ld fallbacks=%ld worst: passes=%d pass_steps=%d pass_bound=%d missed=%d overruns=%d\n",
		   num_online_cpus(), torture_ms, nwriters, nwalkers,
		   atomic_long_read(&tt->writes), atomic_long_read(&tt->walks),
		   atomic_long_read(&tt->checked),
		   atomic_long_read(&tt->passes), atomic_long_read(&tt->steps),
		   atomic_long_read(&tt->moved), atomic_long_read(&tt->refused),
		   atomic_long_read(&tt->fallbacks),
		   atomic_read(&tt->worst_passes),
		   atomic_read(&tt->worst_pass_steps),
		   atomic_read(&tt->worst_bound),
		   atomic_read(&tt->missed), atomic_read(&tt->overruns));
	KUNIT_EXPECT_GT(test, atomic_long_read(&tt->walks), 0);
	KUNIT_EXPECT_GT(test, atomic_long_read(&tt->writes), 0);
	KUNIT_EXPECT_GT(test, atomic_long_read(&tt->checked), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&tt->missed), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&tt->overruns), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&tt->errors), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&tt->writer_errors), 0);
	torture_check_lists(test, tt);
}

static int llnm_torture_suite_init(struct kunit_suite *suite)
{
	node_cache = kmem_cache_create("llnm_torture_node",
				       LLIST_NULLS_MULTI_NODE_SIZE(NODE_CAP), 0,
				       SLAB_TYPESAFE_BY_RCU, NULL);
	return node_cache ? 0 : -ENOMEM;
}

static void llnm_torture_suite_exit(struct kunit_suite *suite)
{
	kmem_cache_destroy(node_cache);
}

static struct kunit_case llnm_torture_cases[] = {
	KUNIT_CASE_SLOW(llnm_torture_writers_and_lockless_walkers_race),
	{}
};

static struct kunit_suite llnm_torture_suite = {
	.name = "llist_nulls_multi_torture",
	.suite_init = llnm_torture_suite_init,
	.suite_exit = llnm_torture_suite_exit,
	.test_cases = llnm_torture_cases,
};

kunit_test_suite(llnm_torture_suite);

MODULE_DESCRIPTION("SMP torture test for llist_nulls_multi");
MODULE_LICENSE("GPL");
