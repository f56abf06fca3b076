// SPDX-License-Identifier: GPL-2.0-only
/*
 * A second user of llist_nulls_multi, written from its guide: a reverse map
 * from objects to the handles that refer to them (revmap.h).  At load the
 * module checks it: writer threads add and remove handles under each
 * object's lock while reader threads, one per online CPU, walk the objects'
 * lists without it, for runtime_ms milliseconds.  Each object has handles
 * that no writer removes; every walk must visit all of them.  Loading fails
 * with -EINVAL if one was missed.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

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
MODULE_PARM_DESC(runtime_ms, "how long the self-check runs (ms)");

static struct revmap_object objects[OBJECTS];
static struct revmap_handle handles[OBJECTS][HANDLES];

struct check {
	atomic_t writers;
	atomic_long_t walks, rewalked, fell_back, missed, writes, errors;
};

/* Writer @w changes the objects i with i % WRITERS == w, and no other. */
static int revmap_writer(void *arg)
{
	struct check *c = arg;
	unsigned int w = atomic_inc_return(&c->writers) - 1;
	struct revmap_handle *h;
	unsigned int i;

	while (!kthread_should_stop()) {
		i = w + WRITERS * get_random_u32_below(OBJECTS / WRITERS);
		h = &handles[i][STABLE + get_random_u32_below(HANDLES - STABLE)];
		if ((READ_ONCE(h->object) ? revmap_del(&objects[i], h) :
					    revmap_add(&objects[i], h)))
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
	struct check *c = arg;
	unsigned long seen;

	while (!kthread_should_stop()) {
		seen = 0;
		if (revmap_for_each(&objects[get_random_u32_below(OBJECTS)],
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

static int __init revmap_check(void)
{
	unsigned int readers = num_online_cpus(), i, j;
	struct task_struct **tasks;
	struct check *c;
	int ret;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	tasks = kcalloc(WRITERS + readers, sizeof(*tasks), GFP_KERNEL);
	if (!c || !tasks) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < OBJECTS; i++) {
		revmap_object_init(&objects[i]);
		for (j = 0; j < HANDLES; j++) {
			handles[i][j].index = j;
			if (j < STABLE && revmap_add(&objects[i], &handles[i][j]))
				atomic_long_inc(&c->errors);
		}
	}

	/* Held until kthread_stop(): no thread outlives this function. */
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
		revmap_object_destroy(&objects[i]);
	ret = atomic_long_read(&c->missed) || atomic_long_read(&c->errors) ?
	      -EINVAL : 0;
	pr_info("%u writers, %u readers, %u ms: %ld writes, %ld lockless walks (%ld passes rewalked, %ld fell back), %ld missed a stable handle, %ld errors: %s\n",
		WRITERS, readers, runtime_ms, atomic_long_read(&c->writes),
		atomic_long_read(&c->walks), atomic_long_read(&c->rewalked),
		atomic_long_read(&c->fell_back), atomic_long_read(&c->missed),
		atomic_long_read(&c->errors), ret ? "FAIL" : "ok");
out:
	kfree(tasks);
	kfree(c);
	return ret;
}

static int __init revmap_sample_init(void)
{
	int ret = revmap_init();

	if (ret)
		return ret;
	ret = revmap_check();
	revmap_exit();
	return ret;
}

static void __exit revmap_sample_exit(void)
{
}

module_init(revmap_sample_init);
module_exit(revmap_sample_exit);
MODULE_DESCRIPTION("llist_nulls_multi sample: a reverse map walked without its lock");
MODULE_LICENSE("GPL");
