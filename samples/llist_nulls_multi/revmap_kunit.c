// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit self-check of the llist_nulls_multi sample's reverse map
 * (revmap.h): writer kthreads add and remove handles under each object's
 * lock while a reader kthread per online CPU walks the objects' lists
 * without it, for revmap_kunit.runtime_ms milliseconds.  Each object has
 * handles that no writer removes; every walk must visit all of them (the
 * list's visit guarantee).  harness/torture.sh runs it beside
 * llist_nulls_multi_torture, under KCSAN and under KASAN.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#include "revmap.h"

#define OBJECTS		8
#define HANDLES		64	/* per object */
#define STABLE		4	/* handles no writer removes, per object */
#define WRITERS		2

static unsigned int runtime_ms = 1000;
module_param(runtime_ms, uint, 0444);
MODULE_PARM_DESC(runtime_ms, "how long the self-check runs, in ms");

struct revmap_check {
	struct revmap_object objects[OBJECTS];
	struct revmap_handle handles[OBJECTS][HANDLES];
	atomic_t writers;
	atomic_long_t walks, rewalked, fell_back, missed, writes, errors;
};

/* Writer @w changes the objects i with i % WRITERS == w, and no other. */
static int revmap_writer(void *arg)
{
	struct revmap_check *c = arg;
	unsigned int w = atomic_inc_return(&c->writers) - 1;
	struct revmap_handle *h;
	unsigned int i;

	while (!kthread_should_stop()) {
		i = w + WRITERS * get_random_u32_below(OBJECTS / WRITERS);
		h = &c->handles[i][STABLE + get_random_u32_below(HANDLES - STABLE)];
		if ((READ_ONCE(h->object) ? revmap_del(&c->objects[i], h) :
					    revmap_add(&c->objects[i], h)))
			atomic_long_inc(&c->errors);
		atomic_long_inc(&c->writes);
		cond_resched();
	}
	return 0;
}

static int revmap_seen(struct revmap_handle *h, void *arg)
{
	unsigned long *stable_seen = arg;

	if (h->index < STABLE)
		*stable_seen |= BIT(h->index);
	return 0;
}

static int revmap_reader(void *arg)
{
	struct llist_nulls_multi_stats st;
	struct revmap_check *c = arg;
	unsigned long seen;

	while (!kthread_should_stop()) {
		seen = 0;
		if (revmap_for_each(&c->objects[get_random_u32_below(OBJECTS)],
				    revmap_seen, &seen, &st))
			atomic_long_inc(&c->errors);
		if (seen != GENMASK(STABLE - 1, 0))
			atomic_long_inc(&c->missed);
		atomic_long_inc(&c->walks);
		atomic_long_add(st.passes - 1, &c->rewalked);
		atomic_long_add(st.fell_back, &c->fell_back);
		cond_resched();
	}
	return 0;
}

static void revmap_writers_and_lockless_readers_race(struct kunit *test)
{
	unsigned int readers = num_online_cpus(), i, j;
	struct task_struct **tasks;
	struct revmap_check *c;

	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	tasks = kunit_kcalloc(test, WRITERS + readers, sizeof(*tasks),
			      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_NOT_NULL(test, tasks);
	for (i = 0; i < OBJECTS; i++) {
		revmap_object_init(&c->objects[i]);
		for (j = 0; j < HANDLES; j++) {
			c->handles[i][j].index = j;
			if (j < STABLE)
				KUNIT_EXPECT_EQ(test, revmap_add(&c->objects[i],
								 &c->handles[i][j]),
						0);
		}
	}

	/* Held until kthread_stop(): no thread outlives this case. */
	for (i = 0; i < WRITERS + readers; i++) {
		tasks[i] = kthread_run(i < WRITERS ? revmap_writer : revmap_reader,
				       c, "revmap/%u", i);
		if (IS_ERR(tasks[i])) {
			tasks[i] = NULL;
			atomic_long_inc(&c->errors);
			continue;
		}
		get_task_struct(tasks[i]);
	}
	msleep(runtime_ms);
	for (i = 0; i < WRITERS + readers; i++) {
		if (!tasks[i])
			continue;
		kthread_stop(tasks[i]);
		put_task_struct(tasks[i]);
	}
	for (i = 0; i < OBJECTS; i++)
		revmap_object_destroy(&c->objects[i]);

	kunit_info(test, "revmap: %u writers, %u readers, %u ms: %ld writes, %ld lockless walks (%ld passes rewalked, %ld fell back), %ld missed a stable handle, %ld errors\n",
		   WRITERS, readers, runtime_ms, atomic_long_read(&c->writes),
		   atomic_long_read(&c->walks), atomic_long_read(&c->rewalked),
		   atomic_long_read(&c->fell_back), atomic_long_read(&c->missed),
		   atomic_long_read(&c->errors));
	KUNIT_EXPECT_GT(test, atomic_long_read(&c->walks), 0);
	KUNIT_EXPECT_GT(test, atomic_long_read(&c->writes), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&c->missed), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&c->errors), 0);
}

static int revmap_suite_init(struct kunit_suite *suite)
{
	return revmap_init();
}

static void revmap_suite_exit(struct kunit_suite *suite)
{
	revmap_exit();
}

static struct kunit_case revmap_cases[] = {
	KUNIT_CASE_SLOW(revmap_writers_and_lockless_readers_race),
	{}
};

static struct kunit_suite revmap_suite = {
	.name = "llist_nulls_multi_revmap",
	.suite_init = revmap_suite_init,
	.suite_exit = revmap_suite_exit,
	.test_cases = revmap_cases,
};

kunit_test_suite(revmap_suite);

MODULE_DESCRIPTION("KUnit self-check of the llist_nulls_multi reverse-map sample");
MODULE_LICENSE("GPL");
