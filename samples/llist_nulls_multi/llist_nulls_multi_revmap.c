// SPDX-License-Identifier: GPL-2.0-only
/*
 * A second user of llist_nulls_multi, written from its guide: a reverse map
 * from objects to the handles that refer to them (revmap.h).  Loading the
 * module makes two objects and a few handles, moves one handle from one
 * object to the other, and prints what a walk of each object's handles,
 * without its lock, finds; unloading takes the map down.  The map's check
 * under concurrent writers and lockless readers is a KUnit suite,
 * revmap_kunit.c (CONFIG_SAMPLE_LLIST_NULLS_MULTI_KUNIT_TEST).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "revmap.h"

#define OBJECTS		2
#define HANDLES		40	/* 20 an object, more than a node holds */

static struct revmap_object objects[OBJECTS];
static struct revmap_handle handles[HANDLES];

static int revmap_count(struct revmap_handle *h, void *arg)
{
	unsigned int *n = arg;

	(*n)++;
	return 0;
}

/* How many handles refer to @o, counted by a walk without @o's lock. */
static void revmap_show(struct revmap_object *o)
{
	struct llist_nulls_multi_stats st;
	unsigned int n = 0;
	int ret;

	ret = revmap_for_each(o, revmap_count, &n, &st);
	pr_info("object %td: %u handles, in %u pass(es)%s (%d)\n",
		o - objects, n, st.passes, st.fell_back ? ", fell back" : "",
		ret);
}

static void revmap_sample_teardown(void)
{
	unsigned int i;

	for (i = 0; i < OBJECTS; i++)
		revmap_object_destroy(&objects[i]);
	revmap_exit();
}

static int __init revmap_sample_init(void)
{
	unsigned int i;
	int ret;

	ret = revmap_init();
	if (ret)
		return ret;
	for (i = 0; i < OBJECTS; i++)
		revmap_object_init(&objects[i]);
	for (i = 0; i < HANDLES; i++) {
		handles[i].index = i;
		ret = revmap_add(&objects[i % OBJECTS ? 1 : 0], &handles[i]);
		if (ret)
			goto fail;
	}
	revmap_show(&objects[0]);
	revmap_show(&objects[1]);

	/* Move handle 0 to object 1: off one list, then onto the other. */
	ret = revmap_del(&objects[0], &handles[0]);
	if (!ret)
		ret = revmap_add(&objects[1], &handles[0]);
	if (ret)
		goto fail;
	revmap_show(&objects[0]);
	revmap_show(&objects[1]);
	return 0;

fail:
	pr_err("setting up the map failed (%d)\n", ret);
	revmap_sample_teardown();
	return ret;
}

static void __exit revmap_sample_exit(void)
{
	revmap_sample_teardown();
}

module_init(revmap_sample_init);
module_exit(revmap_sample_exit);
MODULE_DESCRIPTION("llist_nulls_multi sample: a reverse map walked without its lock");
MODULE_LICENSE("GPL");
