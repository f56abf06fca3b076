// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for <linux/llist_nulls_multi.h>.
 *
 * Entries are addresses in a static array, so an entry's index tells which
 * list it was added to.  Lockless cases run on one CPU: the writer "on the
 * other CPU" is either the visitor, acting between two entries of a node, or
 * a static stub of llist_nulls_multi_walk_event(), acting after a link is
 * loaded and before the node it names is read.  Each such case keeps its
 * lists and its writer's plan in a struct of its own, which the visitor
 * finds from its argument and the stub from the list being walked.
 *
 * The SMP torture is in test_llist_nulls_multi_torture.c.
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/container_of.h>
#include <linux/err.h>
#include <linux/llist_nulls_multi.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "test_llist_nulls_multi.h"

#define MAX_NODES	80
#define B_BASE		(MAX_ENTRIES / 2)	/* list B's entries start here */

static struct kmem_cache *node_cache;

/*
 * Zeroed, unlike what the guide asks of real users: here every walk runs in
 * the test's own thread, and "the other CPU" is played from inside it, so a
 * zeroed node is never written while a walker reads it (no data race); it
 * is what a walker may meet on a node reused from a zeroing allocator, and
 * lets check_list() assert that slots above the count are NULL.
 */
static struct llist_nulls_multi_node *node_new(struct kunit *test)
{
	struct llist_nulls_multi_node *node;

	node = kmem_cache_zalloc(node_cache, GFP_ATOMIC);
	KUNIT_ASSERT_NOT_NULL(test, node);
	return node;
}

static void node_free(struct llist_nulls_multi_node *node, void *arg)
{
	if (node)
		kmem_cache_free(node_cache, node);
}

/* Zeroed memory for a case's arguments, freed when the case ends. */
static void *case_args(struct kunit *test, size_t size)
{
	void *args = kunit_kzalloc(test, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, args);
	return args;
}

/* KVM's node type, for cases that use no list of their own. */
static const struct llist_nulls_multi_params kvm_params = {
	.cap = NODE_CAP,
	.node_cache = &node_cache,
};

/* A list under test: its head, its node type, the test that owns it. */
struct test_list {
	struct kunit *test;
	struct llist_nulls_multi_params params;
	struct llist_nulls_multi_head head;
};

/*
 * Nodes of any capacity up to NODE_CAP come from the suite's cache, whose
 * type the params name only for NODE_CAP, the capacity its objects have.
 */
static void test_list_init(struct test_list *l, struct kunit *test,
			   unsigned int cap)
{
	l->test = test;
	l->params.cap = cap;
	l->params.node_cache = cap == NODE_CAP ? &node_cache : NULL;
	llist_nulls_multi_init(&l->head);
}

/* Add with a node from the cache when one is needed; must succeed. */
static int add(struct test_list *l, void *e)
{
	struct llist_nulls_multi_node *node = NULL;
	int ret;

	if (llist_nulls_multi_need_node(&l->head, &l->params))
		node = node_new(l->test);
	ret = llist_nulls_multi_add(&l->head, e, &l->params, &node);
	KUNIT_ASSERT_GE(l->test, ret, 0);
	/* a node given is taken */
	KUNIT_EXPECT_NULL(l->test, node);
	return ret;
}

/* What *freed holds before a removal: no removal leaves it so. */
#define FREED_UNSET	((struct llist_nulls_multi_node *)ERR_PTR(-ESRCH))

/*
 * llist_nulls_multi_del() of @e, *@freed preset to FREED_UNSET: a removal
 * that leaves it unwritten fails the case here, at once, rather than have
 * the caller free whatever it held.  Returns the removal's value.
 */
static int del_node(struct test_list *l, void *e,
		    struct llist_nulls_multi_node **freed)
{
	int ret;

	*freed = FREED_UNSET;
	ret = llist_nulls_multi_del(&l->head, e, &l->params, freed);
	KUNIT_ASSERT_PTR_NE_MSG(l->test, *freed, FREED_UNSET,
				"llist_nulls_multi_del() left *freed unwritten");
	return ret;
}

static void del(struct test_list *l, void *e)
{
	struct llist_nulls_multi_node *freed;

	KUNIT_ASSERT_EQ(l->test, del_node(l, e, &freed), 0);
	if (freed)
		node_free(freed, NULL);
}

static void fill(struct test_list *l, int from, int n)
{
	int i;

	for (i = from; i < from + n; i++)
		add(l, E(i));
}

static void destroy(struct test_list *l)
{
	llist_nulls_multi_destroy(&l->head, &l->params, NULL, node_free, NULL);
}

static int nodes_of(struct test_list *l)
{
	struct llist_nulls_multi_node *node;

	node = llist_nulls_multi_first_node(&l->head);
	return node ? node->pos + 1 : 0;
}

/*
 * Check @l's layout with llist_nulls_multi_validate(), and that it holds
 * exactly the entries whose bit is set in @want (MAX_ENTRIES bits), once
 * each, as its count, llist_nulls_multi_empty() and a locked walk see it.
 */
static void check_list(struct test_list *l, const unsigned long *want)
{
	unsigned int n = bitmap_weight(want, MAX_ENTRIES);
	struct llist_nulls_multi_fault fault;
	struct llist_nulls_multi_iter it;
	struct kunit *test = l->test;
	DECLARE_BITMAP(have, MAX_ENTRIES);
	void *e;

	KUNIT_ASSERT_TRUE_MSG(test,
			      llist_nulls_multi_validate(&l->head, &l->params,
							 &fault),
			      "%s (node %d, slot %d)", fault.what, fault.node,
			      fault.slot);
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_count(&l->head, &l->params), n);
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_empty(&l->head), n == 0);

	bitmap_zero(have, MAX_ENTRIES);
	for (e = llist_nulls_multi_iter_first(&l->head, &it); e;
	     e = llist_nulls_multi_iter_next(&it)) {
		KUNIT_ASSERT_TRUE(test, is_ours(e));
		KUNIT_EXPECT_FALSE(test, test_and_set_bit(idx(e), have));
	}
	KUNIT_EXPECT_TRUE(test, bitmap_equal(have, want, MAX_ENTRIES));
}

/* A copy of everything a list is, to show that a failed call changed nothing. */
struct snap {
	unsigned long first;
	int nodes;
	struct llist_nulls_multi_node *addr[MAX_NODES];
	u8 raw[MAX_NODES][LLIST_NULLS_MULTI_NODE_SIZE(NODE_CAP)];
};

static struct snap *snap_take(struct test_list *l)
{
	struct snap *s = case_args(l->test, sizeof(*s));
	struct llist_nulls_multi_node *node;

	s->first = l->head.first;
	node = llist_nulls_multi_first_node(&l->head);
	while (node) {
		s->addr[s->nodes] = node;
		memcpy(s->raw[s->nodes++], node,
		       LLIST_NULLS_MULTI_NODE_SIZE(l->params.cap));
		if (node->next & LLIST_NULLS_MULTI_NULLS)
			break;
		node = (struct llist_nulls_multi_node *)node->next;
	}
	return s;
}

static void snap_expect_same(struct test_list *l, const struct snap *before)
{
	struct snap *now = snap_take(l);
	struct kunit *test = l->test;
	int i;

	KUNIT_EXPECT_EQ(test, now->first, before->first);
	KUNIT_ASSERT_EQ(test, now->nodes, before->nodes);
	for (i = 0; i < now->nodes; i++) {
		KUNIT_EXPECT_PTR_EQ(test, now->addr[i], before->addr[i]);
		KUNIT_EXPECT_MEMEQ(test, now->raw[i], before->raw[i],
				   LLIST_NULLS_MULTI_NODE_SIZE(l->params.cap));
	}
}

/* ---- layout ---------------------------------------------------------- */

static void llnm_kvm_node_is_128_bytes_holding_14(struct kunit *test)
{
	static_assert(!IS_ENABLED(CONFIG_64BIT) ||
		      LLIST_NULLS_MULTI_NODE_SIZE(NODE_CAP) == 128);
	if (IS_ENABLED(CONFIG_64BIT))
		KUNIT_EXPECT_EQ(test, LLIST_NULLS_MULTI_NODE_SIZE(NODE_CAP), 128);
	else
		KUNIT_EXPECT_EQ(test, LLIST_NULLS_MULTI_NODE_SIZE(NODE_CAP), 68);
	KUNIT_EXPECT_EQ(test, offsetof(struct llist_nulls_multi_node, entries),
			sizeof(unsigned long) + 2 * sizeof(u32));
}

/* ---- head-word transitions -------------------------------------------- */

static void llnm_empty_list_has_nothing(struct kunit *test)
{
	struct llist_nulls_multi_head h = LLIST_NULLS_MULTI_HEAD_INIT;
	struct llist_nulls_multi_iter it;

	KUNIT_EXPECT_TRUE(test, llist_nulls_multi_empty(&h));
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_count(&h, &kvm_params), 0);
	KUNIT_EXPECT_FALSE(test, llist_nulls_multi_need_node(&h, &kvm_params));
	KUNIT_EXPECT_NULL(test, llist_nulls_multi_first(&h));
	KUNIT_EXPECT_NULL(test, llist_nulls_multi_first_node(&h));
	KUNIT_EXPECT_NULL(test, llist_nulls_multi_iter_first(&h, &it));
	KUNIT_EXPECT_NULL(test, llist_nulls_multi_iter_next(&it));
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_destroy(&h, &kvm_params, NULL,
							node_free, NULL), 0);
	llist_nulls_multi_init(&h);
	KUNIT_EXPECT_EQ(test, h.first, 0);
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_nulls(&h), (unsigned long)&h | 1);
}

static void llnm_first_entry_is_inline(struct kunit *test)
{
	struct test_list a;

	test_list_init(&a, test, NODE_CAP);
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_add(&a.head, E(0), &a.params, NULL),
			0);
	KUNIT_EXPECT_EQ(test, a.head.first, (unsigned long)E(0));
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_count(&a.head, &a.params), 1);
	KUNIT_EXPECT_TRUE(test, llist_nulls_multi_need_node(&a.head, &a.params));
	KUNIT_EXPECT_PTR_EQ(test, llist_nulls_multi_first(&a.head), E(0));
	/* inline -> empty */
	del(&a, E(0));
	KUNIT_EXPECT_EQ(test, a.head.first, 0);
}

static void llnm_second_entry_makes_one_node(struct kunit *test)
{
	struct llist_nulls_multi_node *node;
	struct test_list a;

	test_list_init(&a, test, NODE_CAP);
	add(&a, E(0));
	KUNIT_EXPECT_EQ(test, add(&a, E(1)), 1);
	node = llist_nulls_multi_first_node(&a.head);
	KUNIT_ASSERT_NOT_NULL(test, node);
	KUNIT_EXPECT_EQ(test, a.head.first & 1, 1);
	KUNIT_EXPECT_EQ(test, node->count, 2);
	KUNIT_EXPECT_EQ(test, node->pos, 0);
	KUNIT_EXPECT_PTR_EQ(test, node->entries[0], E(0));
	KUNIT_EXPECT_PTR_EQ(test, node->entries[1], E(1));
	KUNIT_EXPECT_EQ(test, node->next, llist_nulls_multi_nulls(&a.head));
	KUNIT_EXPECT_FALSE(test, llist_nulls_multi_need_node(&a.head, &a.params));
	destroy(&a);
}

static void llnm_one_node_down_to_one_entry_stays_a_node(struct kunit *test)
{
	struct llist_nulls_multi_node *node, *freed;
	struct test_list a;

	test_list_init(&a, test, NODE_CAP);
	fill(&a, 0, 2);
	node = llist_nulls_multi_first_node(&a.head);
	del(&a, E(0));
	KUNIT_EXPECT_PTR_EQ(test, llist_nulls_multi_first_node(&a.head), node);
	KUNIT_EXPECT_EQ(test, node->count, 1);
	KUNIT_EXPECT_PTR_EQ(test, node->entries[0], E(1));
	/* one node -> empty: the node comes back to the caller */
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_del(&a.head, E(1), &a.params,
						    &freed), 0);
	KUNIT_ASSERT_PTR_EQ(test, freed, node);
	KUNIT_EXPECT_EQ(test, a.head.first, 0);
	node_free(freed, NULL);
}

/* Grow to 300 and shrink back, checking everything at every step. */
static void llnm_grow_and_shrink_checks_every_step(struct kunit *test)
{
	DECLARE_BITMAP(want, MAX_ENTRIES);
	struct llist_nulls_multi_node *freed;
	int i, n, ret, nodes;
	struct test_list a;

	test_list_init(&a, test, NODE_CAP);
	bitmap_zero(want, MAX_ENTRIES);
	for (i = 0; i < 300; i++) {
		KUNIT_EXPECT_EQ(test, add(&a, E(i)), i);
		__set_bit(i, want);
		check_list(&a, want);
		nodes = i == 0 ? 0 : i / NODE_CAP + 1;
		KUNIT_EXPECT_EQ(test, nodes_of(&a), nodes);
	}

	/* Remove in a scattered order: holes land in every node and slot. */
	n = 300;
	for (i = 0; i < 300; i++) {
		int victim = (i * 101) % 300;

		nodes = nodes_of(&a);
		ret = del_node(&a, E(victim), &freed);
		KUNIT_ASSERT_EQ(test, ret, 0);
		__clear_bit(victim, want);
		n--;
		check_list(&a, want);
		/* a node comes back exactly when the first node empties */
		KUNIT_EXPECT_EQ(test, !!freed, n == 0 || (n % NODE_CAP == 0));
		if (freed) {
			KUNIT_EXPECT_EQ(test, nodes_of(&a), nodes - 1);
			node_free(freed, NULL);
		}
	}
	KUNIT_EXPECT_EQ(test, a.head.first, 0);
}

static void llnm_boundaries_count_and_need_node(struct kunit *test)
{
	static const int sizes[] = { 1, NODE_CAP, NODE_CAP + 1, 2 * NODE_CAP,
				     2 * NODE_CAP + 1, 300 };
	struct test_list a;
	int k;

	test_list_init(&a, test, NODE_CAP);
	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		int n = sizes[k];

		fill(&a, 0, n);
		KUNIT_EXPECT_EQ(test, llist_nulls_multi_count(&a.head, &a.params),
				n);
		KUNIT_EXPECT_EQ(test, nodes_of(&a),
				n == 1 ? 0 : (n - 1) / NODE_CAP + 1);
		KUNIT_EXPECT_EQ(test,
				llist_nulls_multi_need_node(&a.head, &a.params),
				n == 1 || n % NODE_CAP == 0);
		destroy(&a);
	}
}

static void llnm_del_fills_hole_from_first_node(struct kunit *test)
{
	struct llist_nulls_multi_node *first, *tail;
	struct test_list a;

	test_list_init(&a, test, NODE_CAP);
	fill(&a, 0, 16);	/* tail: 0..13, first: 14, 15 */
	first = llist_nulls_multi_first_node(&a.head);
	tail = (struct llist_nulls_multi_node *)first->next;
	del(&a, E(3));
	KUNIT_EXPECT_PTR_EQ(test, tail->entries[3], E(15));
	KUNIT_EXPECT_EQ(test, tail->count, NODE_CAP);
	KUNIT_EXPECT_EQ(test, first->count, 1);
	/* the vacated slot is left as it was: only the hole and count change */
	KUNIT_EXPECT_PTR_EQ(test, first->entries[1], E(15));
	/* removing the first node's own last entry moves nothing */
	del(&a, E(14));
	KUNIT_EXPECT_PTR_EQ(test, llist_nulls_multi_first_node(&a.head), tail);
	KUNIT_EXPECT_PTR_EQ(test, tail->entries[3], E(15));
	destroy(&a);
}

/* ---- bad input -------------------------------------------------------- */

static void llnm_del_absent_entry_leaves_list_unchanged(struct kunit *test)
{
	static const int sizes[] = { 0, 1, 2, NODE_CAP, NODE_CAP + 1, 2 * NODE_CAP + 1 };
	struct llist_nulls_multi_node *freed;
	struct test_list a;
	struct snap *before;
	int k;

	test_list_init(&a, test, NODE_CAP);
	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		fill(&a, 0, sizes[k]);
		before = snap_take(&a);
		KUNIT_EXPECT_EQ(test, llist_nulls_multi_del(&a.head, E(100),
							    &a.params, &freed),
				-ENOENT);
		KUNIT_EXPECT_NULL(test, freed);
		KUNIT_EXPECT_EQ(test, llist_nulls_multi_del(&a.head, NULL,
							    &a.params, &freed),
				-ENOENT);
		snap_expect_same(&a, before);
		destroy(&a);
	}
}

static void llnm_add_refuses_null_and_odd_entries(struct kunit *test)
{
	static const int sizes[] = { 0, 1, NODE_CAP, NODE_CAP + 1 };
	struct llist_nulls_multi_node *node = node_new(test);
	void *odd = (u8 *)E(7) + 1;
	struct test_list a;
	struct snap *before;
	int k;

	test_list_init(&a, test, NODE_CAP);
	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		fill(&a, 0, sizes[k]);
		before = snap_take(&a);
		KUNIT_EXPECT_EQ(test, llist_nulls_multi_add(&a.head, NULL,
							    &a.params, &node),
				-EINVAL);
		KUNIT_EXPECT_EQ(test, llist_nulls_multi_add(&a.head, odd,
							    &a.params, &node),
				-EINVAL);
		KUNIT_EXPECT_FALSE(test, llist_nulls_multi_entry_valid(NULL));
		KUNIT_EXPECT_FALSE(test, llist_nulls_multi_entry_valid(odd));
		snap_expect_same(&a, before);
		destroy(&a);
	}
	node_free(node, NULL);
}

static void llnm_add_without_needed_node_fails_unchanged(struct kunit *test)
{
	static const int sizes[] = { 1, NODE_CAP, 2 * NODE_CAP, 3 * NODE_CAP };
	struct test_list a;
	struct snap *before;
	int k;

	test_list_init(&a, test, NODE_CAP);
	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		fill(&a, 0, sizes[k]);
		KUNIT_ASSERT_TRUE(test,
				  llist_nulls_multi_need_node(&a.head, &a.params));
		before = snap_take(&a);
		KUNIT_EXPECT_EQ(test, llist_nulls_multi_add(&a.head, E(200),
							    &a.params, NULL),
				-ENOMEM);
		snap_expect_same(&a, before);
		destroy(&a);
	}
}

static void llnm_add_refuses_capacity_below_two(struct kunit *test)
{
	struct llist_nulls_multi_node *node = node_new(test);
	struct test_list a;

	test_list_init(&a, test, 1);
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_add(&a.head, E(0), &a.params,
						    NULL), 0);
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_add(&a.head, E(1), &a.params,
						    &node), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, node);
	KUNIT_EXPECT_EQ(test, a.head.first, (unsigned long)E(0));
	node_free(node, NULL);
}

static void llnm_add_takes_a_node_only_when_it_needs_one(struct kunit *test)
{
	static const int sizes[] = { 0, 1, 2, NODE_CAP - 1, NODE_CAP, NODE_CAP + 1 };
	struct llist_nulls_multi_node *node, *given;
	struct test_list a;
	bool need;
	int k;

	test_list_init(&a, test, NODE_CAP);
	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		fill(&a, 0, sizes[k]);
		need = llist_nulls_multi_need_node(&a.head, &a.params);
		node = node_new(test);
		given = node;
		KUNIT_EXPECT_EQ(test, llist_nulls_multi_add(&a.head, E(200),
							    &a.params, &node),
				sizes[k]);
		if (need) {
			KUNIT_EXPECT_NULL(test, node);
			KUNIT_EXPECT_PTR_EQ(test,
					    llist_nulls_multi_first_node(&a.head),
					    given);
		} else {
			KUNIT_EXPECT_PTR_EQ(test, node, given);
			node_free(node, NULL);
		}
		KUNIT_EXPECT_TRUE(test, llist_nulls_multi_validate(&a.head,
								   &a.params,
								   NULL));
		destroy(&a);
	}
}

static void llnm_del_always_writes_freed(struct kunit *test)
{
	static const int sizes[] = { 0, 1, 20 };
	struct llist_nulls_multi_node *freed, *first;
	struct test_list a;
	int k;

	test_list_init(&a, test, NODE_CAP);
	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		fill(&a, 0, sizes[k]);
		freed = (void *)&a;	/* anything but NULL */
		KUNIT_EXPECT_EQ(test, llist_nulls_multi_del(&a.head, E(100),
							    &a.params, &freed),
				-ENOENT);
		KUNIT_EXPECT_NULL(test, freed);
		destroy(&a);
	}

	fill(&a, 0, NODE_CAP + 2);	/* [14, 15] [0..13] */
	first = llist_nulls_multi_first_node(&a.head);
	freed = (void *)&a;
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_del(&a.head, E(3), &a.params,
						    &freed), 0);
	KUNIT_EXPECT_NULL(test, freed);
	freed = NULL;
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_del(&a.head, E(14), &a.params,
						    &freed), 0);
	KUNIT_EXPECT_PTR_EQ(test, freed, first);
	KUNIT_EXPECT_EQ(test, first->count, 0);
	node_free(freed, NULL);
	destroy(&a);
}

/* What a locked walk visited: visits per entry, and when to stop it. */
struct tally {
	u8 seen[MAX_ENTRIES];
	int visits;
	int stop_at;		/* the visit that returns 7, 0 for none */
};

static int tally_visit(void *e, void *arg)
{
	struct tally *t = arg;

	t->seen[idx(e)]++;
	return ++t->visits == t->stop_at ? 7 : 0;
}

static void llnm_del_takes_one_copy_of_a_duplicate(struct kunit *test)
{
	static const int sizes[] = { 0, 1, NODE_CAP - 1, NODE_CAP, 20 };
	struct tally *t = case_args(test, sizeof(*t));
	struct llist_nulls_multi_node *freed;
	struct test_list a;
	int k, copies;

	test_list_init(&a, test, NODE_CAP);
	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		fill(&a, 0, sizes[k]);
		add(&a, E(200));
		add(&a, E(200));	/* accepted: the list holds it twice */
		KUNIT_EXPECT_EQ(test, llist_nulls_multi_count(&a.head, &a.params),
				sizes[k] + 2);
		for (copies = 2; copies > 0; copies--) {
			memset(t, 0, sizeof(*t));
			llist_nulls_multi_walk_locked(&a.head, tally_visit, t);
			KUNIT_EXPECT_EQ(test, t->seen[200], copies);
			del(&a, E(200));	/* takes one copy */
			KUNIT_EXPECT_EQ(test,
					llist_nulls_multi_count(&a.head, &a.params),
					sizes[k] + copies - 1);
			KUNIT_EXPECT_TRUE(test,
					  llist_nulls_multi_validate(&a.head,
								     &a.params,
								     NULL));
		}
		KUNIT_EXPECT_EQ(test, llist_nulls_multi_del(&a.head, E(200),
							    &a.params, &freed),
				-ENOENT);
		destroy(&a);
	}
}

/* ---- locked walks ----------------------------------------------------- */

static void llnm_locked_walk_visits_each_once_and_can_stop(struct kunit *test)
{
	static const int sizes[] = { 0, 1, 2, NODE_CAP, NODE_CAP + 1, 2 * NODE_CAP + 1 };
	struct tally *t = case_args(test, sizeof(*t));
	struct test_list a;
	int k, i, n;

	test_list_init(&a, test, NODE_CAP);
	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		n = sizes[k];
		fill(&a, 0, n);
		memset(t, 0, sizeof(*t));
		KUNIT_EXPECT_EQ(test,
				llist_nulls_multi_walk_locked(&a.head,
							      tally_visit, t),
				0);
		KUNIT_EXPECT_EQ(test, t->visits, n);
		for (i = 0; i < n; i++)
			KUNIT_EXPECT_EQ(test, t->seen[i], 1);
		if (n) {
			memset(t, 0, sizeof(*t));
			t->stop_at = (n + 1) / 2;
			KUNIT_EXPECT_EQ(test,
					llist_nulls_multi_walk_locked(&a.head,
								      tally_visit,
								      t),
					7);
			KUNIT_EXPECT_EQ(test, t->visits, (n + 1) / 2);
		}
		destroy(&a);
	}
}

static void llnm_iter_goes_first_node_first_last_slot_down(struct kunit *test)
{
	struct llist_nulls_multi_iter it;
	struct test_list a;
	int n = 0, expect;
	void *e;

	test_list_init(&a, test, NODE_CAP);
	fill(&a, 0, 31);	/* nodes: [28..30] [14..27] [0..13] */
	for (e = llist_nulls_multi_iter_first(&a.head, &it); e;
	     e = llist_nulls_multi_iter_next(&it)) {
		/* expected order: 30..28, 27..14, 13..0 */
		expect = 30 - n;
		KUNIT_EXPECT_EQ(test, idx(e), expect);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, 31);
	KUNIT_EXPECT_NULL(test, llist_nulls_multi_iter_next(&it));
	destroy(&a);

	add(&a, E(5));
	n = 0;
	for (e = llist_nulls_multi_iter_first(&a.head, &it); e;
	     e = llist_nulls_multi_iter_next(&it)) {
		KUNIT_EXPECT_EQ(test, idx(e), 5);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, 1);
	destroy(&a);
}

static void llnm_take_first_until_empty_moves_nothing(struct kunit *test)
{
	struct llist_nulls_multi_node *freed;
	DECLARE_BITMAP(want, MAX_ENTRIES);
	int n = 3 * NODE_CAP + 1, freed_nodes = 0;
	struct test_list a;
	void *e;

	test_list_init(&a, test, NODE_CAP);
	bitmap_zero(want, MAX_ENTRIES);
	bitmap_set(want, 0, n);
	fill(&a, 0, n);
	while ((e = llist_nulls_multi_first(&a.head))) {
		/* the first entry is always the newest one left */
		KUNIT_EXPECT_EQ(test, idx(e), n - 1);
		KUNIT_ASSERT_EQ(test, del_node(&a, e, &freed), 0);
		__clear_bit(idx(e), want);
		n--;
		if (freed) {
			freed_nodes++;
			node_free(freed, NULL);
		}
		check_list(&a, want);
	}
	KUNIT_EXPECT_EQ(test, n, 0);
	KUNIT_EXPECT_EQ(test, freed_nodes, 4);
}

struct destroy_arg {
	u8 seen[MAX_ENTRIES];
	int nodes;
};

static void destroy_visit(void *e, void *arg)
{
	struct destroy_arg *d = arg;

	d->seen[idx(e)]++;
}

static void destroy_free(struct llist_nulls_multi_node *node, void *arg)
{
	struct destroy_arg *d = arg;

	d->nodes++;
	node_free(node, NULL);
}

static void llnm_destroy_visits_each_once_and_frees_every_node(struct kunit *test)
{
	static const int sizes[] = { 0, 1, 2, NODE_CAP, NODE_CAP + 1,
				     2 * NODE_CAP, 2 * NODE_CAP + 1, 300 };
	struct destroy_arg *d = case_args(test, sizeof(*d));
	struct test_list a;
	int k, i;

	test_list_init(&a, test, NODE_CAP);
	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		int n = sizes[k];

		memset(d, 0, sizeof(*d));
		fill(&a, 0, n);
		KUNIT_EXPECT_EQ(test, llist_nulls_multi_destroy(&a.head, &a.params,
								destroy_visit,
								destroy_free, d),
				n);
		KUNIT_EXPECT_EQ(test, a.head.first, 0);
		KUNIT_EXPECT_EQ(test, d->nodes, n < 2 ? 0 : (n - 1) / NODE_CAP + 1);
		for (i = 0; i < MAX_ENTRIES; i++)
			KUNIT_EXPECT_EQ(test, d->seen[i], i < n ? 1 : 0);
	}
}

static void llnm_any_capacity_keeps_invariants(struct kunit *test)
{
	static const unsigned int caps[] = { 2, 3, 5, 14 };
	DECLARE_BITMAP(want, MAX_ENTRIES);
	struct test_list a;
	int k, i;

	for (k = 0; k < ARRAY_SIZE(caps); k++) {
		test_list_init(&a, test, caps[k]);
		bitmap_zero(want, MAX_ENTRIES);
		for (i = 0; i < 40; i++) {
			KUNIT_EXPECT_EQ(test, add(&a, E(i)), i);
			__set_bit(i, want);
			check_list(&a, want);
		}
		for (i = 0; i < 40; i++) {
			int v = (i * 7) % 40;

			del(&a, E(v));
			__clear_bit(v, want);
			check_list(&a, want);
		}
	}
}

/* ---- lockless walks ----------------------------------------------------- */

/*
 * What a case's lockless walks visited, against what they had to visit, and
 * their statistics, logged when the case ends.
 */
struct walk_check {
	struct kunit *test;
	/* the current walk */
	u8 seen[MAX_ENTRIES];		/* visits per entry */
	bool stable[MAX_ENTRIES];	/* in the list for the whole walk */
	unsigned int fallback_calls;
	/* all its walks: their number, the worst of each, the fallbacks */
	unsigned int walks, passes, steps, pass_steps, pass_bound, fell_back;
};

/* One line per lockless case, read by the harness for its summary. */
static void walk_check_report(void *arg)
{
	struct walk_check *wc = arg;

	if (wc->walks)
		kunit_info(wc->test,
			   "llnm-stats walks=%u worst: passes=%u steps=%u pass_steps=%u pass_bound=%u; fell_back=%u\n",
			   wc->walks, wc->passes, wc->steps, wc->pass_steps,
			   wc->pass_bound, wc->fell_back);
}

static void walk_check_init(struct walk_check *wc, struct kunit *test)
{
	wc->test = test;
	KUNIT_ASSERT_EQ(test, kunit_add_action(test, walk_check_report, wc), 0);
}

/* The visitor of a walk that nothing disturbs; @arg is the walk_check. */
static int visit_count(void *e, void *arg)
{
	struct walk_check *wc = arg;

	if (is_ours(e))
		wc->seen[idx(e)]++;
	return 0;
}

/* The writers' lock is this thread: the other CPU is played from inside it. */
static int fallback_locked(const struct llist_nulls_multi_head *h, void *arg)
{
	struct walk_check *wc = arg;

	wc->fallback_calls++;
	return llist_nulls_multi_walk_locked(h, visit_count, wc);
}

/*
 * Walk @l without its lock, giving @wc to @visit (which counts the visit in
 * @wc, see visit_count()) and to the fallback, if there is one.
 */
static int walk(struct walk_check *wc, struct test_list *l,
		int (*visit)(void *entry, void *arg),
		struct llist_nulls_multi_stats *st, unsigned int max_passes,
		bool with_fallback)
{
	struct llist_nulls_multi_walk w = {
		.visit = visit,
		.fallback = with_fallback ? fallback_locked : NULL,
		.max_passes = max_passes,
	};

	memset(wc->seen, 0, sizeof(wc->seen));
	wc->fallback_calls = 0;
	return llist_nulls_multi_walk_lockless(&l->head, &l->params, &w, wc, st);
}

/* Mark what is in @l now as stable; entries added later are not. */
static void mark_stable(struct walk_check *wc, struct test_list *l)
{
	struct llist_nulls_multi_iter it;
	void *e;

	memset(wc->stable, 0, sizeof(wc->stable));
	for (e = llist_nulls_multi_iter_first(&l->head, &it); e;
	     e = llist_nulls_multi_iter_next(&it))
		if (is_ours(e))
			wc->stable[idx(e)] = true;
}

static void expect_stable_seen(struct walk_check *wc)
{
	int i, missed = 0;

	for (i = 0; i < MAX_ENTRIES; i++)
		if (wc->stable[i] && !wc->seen[i])
			missed++;
	KUNIT_EXPECT_EQ_MSG(wc->test, missed, 0, "stable entries not visited");
}

/* The stated bound: no pass enters more nodes than its first position + 1. */
static void expect_within_bound(struct walk_check *wc,
				const struct llist_nulls_multi_stats *st)
{
	wc->walks++;
	wc->passes = max(wc->passes, st->passes);
	wc->steps = max(wc->steps, st->steps);
	wc->pass_steps = max(wc->pass_steps, st->max_pass_steps);
	wc->pass_bound = max(wc->pass_bound, st->max_pass_bound);
	wc->fell_back += st->fell_back;
	KUNIT_EXPECT_LE(wc->test, st->max_pass_steps, st->max_pass_bound);
	KUNIT_EXPECT_LE(wc->test, st->steps, st->passes * st->max_pass_bound);
}

/*
 * Walk @l, filled and marked by the caller, with @visit playing the writer:
 * the walk must finish, see every stable entry and keep its bound.  Then
 * empty @l.  Returns false once the case has failed, to end its loops.
 */
static bool walk_must_see_stable(struct walk_check *wc, struct test_list *l,
				 int (*visit)(void *entry, void *arg))
{
	struct llist_nulls_multi_stats st;

	KUNIT_ASSERT_EQ(l->test, walk(wc, l, visit, &st, 0, false), 0);
	expect_stable_seen(wc);
	expect_within_bound(wc, &st);
	destroy(l);
	return l->test->status != KUNIT_FAILURE;
}

static void llnm_lockless_walk_of_quiet_list_is_one_pass(struct kunit *test)
{
	static const int sizes[] = { 0, 1, 2, NODE_CAP, NODE_CAP + 1,
				     2 * NODE_CAP, 2 * NODE_CAP + 1, 300 };
	struct walk_check *wc = case_args(test, sizeof(*wc));
	struct llist_nulls_multi_stats st;
	struct test_list a;
	int k, i;

	test_list_init(&a, test, NODE_CAP);
	walk_check_init(wc, test);
	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		int n = sizes[k], nodes = n < 2 ? 0 : (n - 1) / NODE_CAP + 1;

		fill(&a, 0, n);
		KUNIT_EXPECT_EQ(test, walk(wc, &a, visit_count, &st, 0, true),
				0);
		for (i = 0; i < MAX_ENTRIES; i++)
			KUNIT_EXPECT_EQ(test, wc->seen[i], i < n ? 1 : 0);
		KUNIT_EXPECT_EQ(test, st.passes, 1);
		KUNIT_EXPECT_EQ(test, st.steps, nodes);
		KUNIT_EXPECT_EQ(test, st.max_pass_bound, nodes);
		KUNIT_EXPECT_FALSE(test, st.fell_back);
		KUNIT_EXPECT_EQ(test, wc->fallback_calls, 0);
		expect_within_bound(wc, &st);
		destroy(&a);
	}
}

static int stop_at_third(void *e, void *arg)
{
	int *n = arg;

	return ++*n == 3 ? 42 : 0;
}

static void llnm_lockless_visitor_can_end_the_walk(struct kunit *test)
{
	struct llist_nulls_multi_walk w = { .visit = stop_at_third };
	struct test_list a;
	int n = 0;

	test_list_init(&a, test, NODE_CAP);
	fill(&a, 0, 29);
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_walk_lockless(&a.head, &a.params,
							      &w, &n, NULL), 42);
	KUNIT_EXPECT_EQ(test, n, 3);
	destroy(&a);
}

/*
 * Removals under a lockless walker: after its visit number remove_at, the
 * visitor removes entries first .. first + nr - 1, then adds entry refill
 * if it is not -1, as a writer on another CPU could between two of the
 * walker's loads.  No other entry may be missed.
 */
struct removal_under_walker {
	struct test_list a;
	struct walk_check check;
	unsigned int visits;		/* this walk's, so far */
	unsigned int remove_at;		/* the visit the removals follow */
	int first, nr;			/* the entries removed */
	int refill;			/* the entry added after them, or -1 */
};

static int removal_visit(void *e, void *arg)
{
	struct removal_under_walker *c =
		container_of(arg, struct removal_under_walker, check);
	int i;

	visit_count(e, arg);
	if (c->visits++ != c->remove_at)
		return 0;
	for (i = c->first; i < c->first + c->nr; i++) {
		del(&c->a, E(i));
		c->check.stable[i] = false;
	}
	if (c->refill >= 0)
		add(&c->a, E(c->refill));
	return 0;
}

static struct removal_under_walker *removal_case_init(struct kunit *test)
{
	struct removal_under_walker *c = case_args(test, sizeof(*c));

	test_list_init(&c->a, test, NODE_CAP);
	walk_check_init(&c->check, test);
	return c;
}

/*
 * One walk of a list of @n entries with those removals and that add; false
 * on a miss.
 */
static bool walk_removing(struct removal_under_walker *c, int n,
			  unsigned int remove_at, int first, int nr, int refill)
{
	fill(&c->a, 0, n);
	mark_stable(&c->check, &c->a);
	c->visits = 0;
	c->remove_at = remove_at;
	c->first = first;
	c->nr = nr;
	c->refill = refill;
	return walk_must_see_stable(&c->check, &c->a, removal_visit);
}

/*
 * Fill-the-hole: at every point of the walk (after each visit), remove each
 * possible victim, and if @refill add a new entry after it.  The hole is
 * filled from the first node's last slot.
 */
static void remove_each_at_each_visit(struct kunit *test, bool refill)
{
	static const int sizes[] = { 2, NODE_CAP + 1, 2 * NODE_CAP + 1, 3 * NODE_CAP + 1 };
	struct removal_under_walker *c = removal_case_init(test);
	int k, at, v;

	for (k = 0; k < ARRAY_SIZE(sizes); k++)
		for (at = 0; at < sizes[k]; at++)
			for (v = 0; v < sizes[k]; v++)
				if (!walk_removing(c, sizes[k], at, v, 1,
						   refill ? sizes[k] : -1))
					return;
}

static void llnm_lockless_hole_filling_never_hides_an_entry(struct kunit *test)
{
	remove_each_at_each_visit(test, false);
}

/*
 * The same, each removal followed by an add, which stores a new entry into
 * the slot the removal vacated; until then that slot still holds the entry
 * that filled the hole.  A walker that reads the new entry there must still
 * find the moved one, in the hole: a walk that read a node's slots upwards
 * would have passed the hole already.
 */
static void llnm_lockless_hole_filled_then_slot_reused_hides_nothing(struct kunit *test)
{
	remove_each_at_each_visit(test, true);
}

/*
 * Several removals at once, emptying the node the walker is in: the node is
 * freed under the walker.  Removed entries are chosen from the oldest, so
 * holes are deep in the list and filled from the first node.
 */
static void llnm_lockless_node_emptied_under_walker_hides_nothing(struct kunit *test)
{
	struct removal_under_walker *c = removal_case_init(test);
	int at, r, n = 3 * NODE_CAP + 1;

	for (at = 0; at < n; at++)
		for (r = 1; r <= 2 * NODE_CAP + 1; r++)
			if (!walk_removing(c, n, at, 0, r, -1))
				return;
}

/*
 * The cases below act from a static stub of llist_nulls_multi_walk_event(),
 * called after the walker loaded a link to @node and before it reads @node.
 * Each stub finds its case's arguments from @head, the list being walked,
 * which is their member a.  Only debug builds have the hook: elsewhere the
 * cases are skipped.
 */
static void activate_walk_event(struct kunit *test,
				void (*stub)(const struct llist_nulls_multi_head *,
					     struct llist_nulls_multi_node *))
{
	if (!IS_ENABLED(CONFIG_DEBUG_LLIST_NULLS_MULTI))
		kunit_skip(test, "the walk's test hook needs CONFIG_DEBUG_LLIST_NULLS_MULTI");
	/* @stub's type is the hook's: what kunit_activate_static_stub() checks */
	__kunit_activate_static_stub(test, llist_nulls_multi_walk_event, stub);
}

/*
 * Moved walker: the node the walker is about to enter is emptied out of list
 * a (its entries removed, so it is freed) and pushed onto list b.  The walker
 * ends on b's nulls and must walk a again.
 */
struct moved_walker {
	struct test_list a, b;
	struct walk_check check;
	unsigned int events;		/* this walk's, so far */
};

static void moved_walker_event(const struct llist_nulls_multi_head *head,
			       struct llist_nulls_multi_node *node)
{
	struct moved_walker *c = container_of(head, struct moved_walker,
					      a.head);
	struct kunit *test = c->a.test;
	struct llist_nulls_multi_node *freed;
	void *e;
	int i;

	/* event 0: the first node; event 1: the link to the second */
	if (c->events++ != 1)
		return;
	/* a: [28] [14..27] [0..13]; the walker is entering @node, [14..27] */
	for (i = 0; i < 15; i++) {
		e = llist_nulls_multi_first(&c->a.head);
		c->check.stable[idx(e)] = false;
		KUNIT_ASSERT_EQ(test, llist_nulls_multi_del(&c->a.head, e,
							    &c->a.params, &freed),
				0);
		if (freed && freed != node)
			node_free(freed, NULL);
	}
	KUNIT_ASSERT_EQ(test, llist_nulls_multi_count(&c->a.head, &c->a.params),
			14);
	/* b holds 14 entries in one node; push @node as b's new first */
	KUNIT_ASSERT_TRUE(test, llist_nulls_multi_need_node(&c->b.head,
							    &c->b.params));
	KUNIT_ASSERT_GE(test, llist_nulls_multi_add(&c->b.head, E(B_BASE + 20),
						    &c->b.params, &node), 0);
}

static void llnm_lockless_walker_moved_to_another_list_rewalks(struct kunit *test)
{
	struct moved_walker *c = case_args(test, sizeof(*c));
	struct llist_nulls_multi_stats st;
	int i;

	test_list_init(&c->a, test, NODE_CAP);
	test_list_init(&c->b, test, NODE_CAP);
	walk_check_init(&c->check, test);
	activate_walk_event(test, moved_walker_event);
	fill(&c->a, 0, 29);
	fill(&c->b, B_BASE, 14);
	mark_stable(&c->check, &c->a);
	KUNIT_EXPECT_EQ(test,
			walk(&c->check, &c->a, visit_count, &st, 0, false),
			0);
	expect_stable_seen(&c->check);
	expect_within_bound(&c->check, &st);
	KUNIT_EXPECT_EQ(test, st.moved, 1);
	KUNIT_EXPECT_EQ(test, st.refused, 0);
	KUNIT_EXPECT_EQ(test, st.passes, 2);
	KUNIT_EXPECT_FALSE(test, st.fell_back);
	/* the first pass walked b's entries: the walker really was on b */
	KUNIT_EXPECT_EQ(test, c->check.seen[B_BASE + 20], 1);
	for (i = 0; i < 14; i++)
		KUNIT_EXPECT_EQ(test, c->check.seen[B_BASE + i], 1);
	destroy(&c->a);
	destroy(&c->b);
}

/*
 * Freed, zeroed, reused: the first node, which the walker is about to enter,
 * is emptied and freed, the allocator zeroes it, and then it is reused: left
 * free (zeroed), pushed on list b, or pushed back on list a itself.
 */
enum reuse { REUSE_NONE, REUSE_OTHER_LIST, REUSE_SAME_LIST };

struct node_reused {
	struct test_list a, b;
	struct walk_check check;
	unsigned int events;		/* this walk's, so far */
	enum reuse reuse;
	/* the freed node, while no list has it */
	struct llist_nulls_multi_node *unused;
};

static void node_reused_event(const struct llist_nulls_multi_head *head,
			      struct llist_nulls_multi_node *node)
{
	struct node_reused *c = container_of(head, struct node_reused, a.head);
	struct llist_nulls_multi_node *victim, *freed = NULL;
	struct kunit *test = c->a.test;
	void *e;
	int i;

	if (c->events++ != 0)
		return;
	/* empty the first node: remove its entries, newest first */
	victim = llist_nulls_multi_first_node(&c->a.head);
	while (llist_nulls_multi_first_node(&c->a.head) == victim) {
		e = llist_nulls_multi_first(&c->a.head);
		c->check.stable[idx(e)] = false;
		KUNIT_ASSERT_EQ(test, llist_nulls_multi_del(&c->a.head, e,
							    &c->a.params, &freed),
				0);
	}
	KUNIT_ASSERT_PTR_EQ(test, freed, victim);
	memset(victim, 0, LLIST_NULLS_MULTI_NODE_SIZE(c->a.params.cap));
	c->unused = victim;

	switch (c->reuse) {
	case REUSE_NONE:
		break;
	case REUSE_OTHER_LIST:
		KUNIT_ASSERT_GE(test, llist_nulls_multi_add(&c->b.head,
							    E(B_BASE + 20),
							    &c->b.params, &victim),
				0);
		c->unused = NULL;
		break;
	case REUSE_SAME_LIST:
		/* a is now a whole number of nodes, so the next add pushes */
		KUNIT_ASSERT_TRUE(test, llist_nulls_multi_need_node(&c->a.head,
								    &c->a.params));
		KUNIT_ASSERT_GE(test, llist_nulls_multi_add(&c->a.head, E(200),
							    &c->a.params, &victim),
				0);
		for (i = 201; i < 205; i++)
			KUNIT_ASSERT_GE(test,
					llist_nulls_multi_add(&c->a.head, E(i),
							      &c->a.params, NULL),
					0);
		c->unused = NULL;
		break;
	}
}

static void llnm_lockless_node_freed_zeroed_reused_under_walker(struct kunit *test)
{
	static const struct {
		enum reuse reuse;
		unsigned int moved;
	} cases[] = {
		{ REUSE_NONE, 1 },		/* zeroed: link 0, walk again */
		{ REUSE_OTHER_LIST, 1 },	/* ends on b's nulls */
		{ REUSE_SAME_LIST, 0 },		/* new first node of a: no loss */
	};
	struct node_reused *c = case_args(test, sizeof(*c));
	struct llist_nulls_multi_stats st;
	int k;

	test_list_init(&c->a, test, NODE_CAP);
	test_list_init(&c->b, test, NODE_CAP);
	walk_check_init(&c->check, test);
	activate_walk_event(test, node_reused_event);
	for (k = 0; k < ARRAY_SIZE(cases); k++) {
		fill(&c->a, 0, 42);
		fill(&c->b, B_BASE, 14);
		mark_stable(&c->check, &c->a);
		c->events = 0;
		c->reuse = cases[k].reuse;
		KUNIT_EXPECT_EQ(test, walk(&c->check, &c->a, visit_count, &st,
					   0, false), 0);
		expect_stable_seen(&c->check);
		expect_within_bound(&c->check, &st);
		KUNIT_EXPECT_EQ_MSG(test, st.moved, cases[k].moved, "case %d", k);
		KUNIT_EXPECT_EQ(test, st.passes, 1 + cases[k].moved);
		node_free(c->unused, NULL);
		c->unused = NULL;
		destroy(&c->a);
		destroy(&c->b);
	}
}

/*
 * Destroyed under the walker: the whole list the walker is about to enter is
 * destroyed, its nodes handed to free_node() as they are (kept here, not
 * reused).  Each comes back with count 0, so the walker, which still follows
 * the nodes' links down to the list's nulls, finds no entry in any of them.
 */
struct destroyed_walker {
	struct test_list a;
	struct walk_check check;
	unsigned int events;
	struct llist_nulls_multi_node *freed[4];
	int nfreed, nonzero;
};

static void destroyed_free(struct llist_nulls_multi_node *node, void *arg)
{
	struct destroyed_walker *c = arg;

	if (READ_ONCE(node->count))
		c->nonzero++;
	if (c->nfreed < ARRAY_SIZE(c->freed))
		c->freed[c->nfreed++] = node;
	else
		node_free(node, NULL);
}

static void destroyed_walker_event(const struct llist_nulls_multi_head *head,
				   struct llist_nulls_multi_node *node)
{
	struct destroyed_walker *c = container_of(head, struct destroyed_walker,
						  a.head);

	if (c->events++ != 0)
		return;
	KUNIT_EXPECT_EQ(c->a.test,
			llist_nulls_multi_destroy(&c->a.head, &c->a.params, NULL,
						  destroyed_free, c),
			42);
}

static void llnm_lockless_walker_in_destroyed_list_finds_nothing(struct kunit *test)
{
	struct destroyed_walker *c = case_args(test, sizeof(*c));
	struct llist_nulls_multi_stats st;
	int i;

	test_list_init(&c->a, test, NODE_CAP);
	walk_check_init(&c->check, test);
	activate_walk_event(test, destroyed_walker_event);
	fill(&c->a, 0, 42);
	KUNIT_EXPECT_EQ(test, walk(&c->check, &c->a, visit_count, &st, 0,
				   false), 0);
	KUNIT_EXPECT_EQ(test, c->nfreed, 3);
	KUNIT_EXPECT_EQ(test, c->nonzero, 0);
	for (i = 0; i < 42; i++)
		KUNIT_EXPECT_EQ_MSG(test, c->check.seen[i], 0,
				    "entry %d of the destroyed list visited", i);
	KUNIT_EXPECT_EQ(test, st.passes, 1);
	KUNIT_EXPECT_EQ(test, st.steps, 3);
	KUNIT_EXPECT_FALSE(test, st.fell_back);
	for (i = 0; i < c->nfreed; i++)
		node_free(c->freed[i], NULL);
}

/*
 * The seed's ping-pong.  a: desc1 (first) -> desc2 -> desc0.  Whenever the
 * walker has loaded a link and is about to enter a node, the writer deletes
 * desc1 and desc2 and adds them back in the other order, so that the node the
 * walker enters always links on to the node it came from.  Without positions
 * the walker would go round desc1 and desc2 for ever (the stub gives up after
 * PINGPONG_LIMIT events so that a broken build fails instead of hanging);
 * with them, every pass is refused and the walk falls back.
 */
#define PINGPONG_LIMIT	1000

struct pingpong {
	struct test_list a;
	struct walk_check check;
	unsigned int events;		/* this walk's, so far */
};

static void pingpong_event(const struct llist_nulls_multi_head *head,
			   struct llist_nulls_multi_node *node)
{
	struct pingpong *c = container_of(head, struct pingpong, a.head);
	struct llist_nulls_multi_node *n1, *n2, *freed;
	struct kunit *test = c->a.test;
	void *e;
	int i;

	/* act on links only: the walker is entering a node behind the first */
	if (c->events++ >= PINGPONG_LIMIT ||
	    node == llist_nulls_multi_first_node(&c->a.head))
		return;
	n1 = llist_nulls_multi_first_node(&c->a.head);
	n2 = (struct llist_nulls_multi_node *)n1->next;
	for (i = 0; i < 2 * NODE_CAP; i++) {
		e = llist_nulls_multi_first(&c->a.head);
		KUNIT_ASSERT_EQ(test, llist_nulls_multi_del(&c->a.head, e,
							    &c->a.params, &freed),
				0);
	}
	/* push n1 back first, then n2: n2 becomes first, linking to n1 */
	for (i = 0; i < 2 * NODE_CAP; i++) {
		struct llist_nulls_multi_node *spare = NULL;

		if (llist_nulls_multi_need_node(&c->a.head, &c->a.params))
			spare = i == 0 ? n1 : n2;
		KUNIT_ASSERT_GE(test, llist_nulls_multi_add(&c->a.head,
							    E(100 + i),
							    &c->a.params, &spare),
				0);
	}
}

/* desc0: entries 0..13; desc2 and desc1: 100..127, which the writer moves. */
static void pingpong_fill(struct pingpong *c)
{
	int i;

	for (i = 0; i < 3 * NODE_CAP; i++)
		add(&c->a, E(i < NODE_CAP ? i : 100 + i - NODE_CAP));
	c->events = 0;
}

static void llnm_lockless_pingpong_ends_within_bound_then_falls_back(struct kunit *test)
{
	static const unsigned int passes[] = {
		1, 2, LLIST_NULLS_MULTI_MAX_PASSES, 8
	};
	struct pingpong *c = case_args(test, sizeof(*c));
	struct llist_nulls_multi_stats st;
	int k, i;

	test_list_init(&c->a, test, NODE_CAP);
	walk_check_init(&c->check, test);
	activate_walk_event(test, pingpong_event);
	for (k = 0; k < ARRAY_SIZE(passes); k++) {
		pingpong_fill(c);
		mark_stable(&c->check, &c->a);
		for (i = 100; i < 100 + 2 * NODE_CAP; i++)
			c->check.stable[i] = false;	/* deleted and re-added */
		KUNIT_EXPECT_EQ(test, walk(&c->check, &c->a, visit_count, &st,
					   passes[k], true), 0);
		KUNIT_EXPECT_TRUE(test, st.fell_back);
		KUNIT_EXPECT_EQ(test, st.passes, passes[k]);
		KUNIT_EXPECT_EQ(test, st.refused, passes[k]);
		KUNIT_EXPECT_EQ(test, c->check.fallback_calls, 1);
		/* three nodes, first position 2: at most 3 steps a pass */
		KUNIT_EXPECT_EQ(test, st.max_pass_bound, 3);
		expect_within_bound(&c->check, &st);
		KUNIT_EXPECT_LT(test, c->events, PINGPONG_LIMIT);
		/* desc0 never moved: the fallback saw it all */
		expect_stable_seen(&c->check);
		destroy(&c->a);
	}

	/* without a fallback the walk says it could not finish */
	pingpong_fill(c);
	KUNIT_EXPECT_EQ(test,
			walk(&c->check, &c->a, visit_count, &st, 0, false),
			-EAGAIN);
	KUNIT_EXPECT_TRUE(test, st.fell_back);
	KUNIT_EXPECT_EQ(test, st.passes, LLIST_NULLS_MULTI_MAX_PASSES);
	KUNIT_EXPECT_EQ(test, c->check.fallback_calls, 0);
	expect_within_bound(&c->check, &st);
	destroy(&c->a);
}

/*
 * The walk in the caller's RCU read side visits what the walk that takes
 * its own does, and one that cannot finish returns -EAGAIN for the caller
 * to take the lock: it never calls the fallback (it would run under the
 * caller's RCU read side).
 */
static void llnm_lockless_rcu_walk_leaves_the_fallback_to_the_caller(struct kunit *test)
{
	static const int sizes[] = { 0, 1, 2, NODE_CAP + 1, 300 };
	struct pingpong *c = case_args(test, sizeof(*c));
	struct walk_check *wc = &c->check;
	const struct llist_nulls_multi_walk w = {
		.visit = visit_count,
		.fallback = fallback_locked,
	};
	struct llist_nulls_multi_stats st;
	int k, i, r;

	test_list_init(&c->a, test, NODE_CAP);
	walk_check_init(wc, test);
	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		fill(&c->a, 0, sizes[k]);
		memset(wc->seen, 0, sizeof(wc->seen));
		wc->fallback_calls = 0;
		rcu_read_lock();
		r = llist_nulls_multi_walk_lockless_rcu(&c->a.head, &c->a.params,
							&w, wc, &st);
		rcu_read_unlock();
		KUNIT_EXPECT_EQ(test, r, 0);
		for (i = 0; i < MAX_ENTRIES; i++)
			KUNIT_EXPECT_EQ(test, wc->seen[i], i < sizes[k] ? 1 : 0);
		KUNIT_EXPECT_EQ(test, st.passes, 1);
		KUNIT_EXPECT_FALSE(test, st.fell_back);
		KUNIT_EXPECT_EQ(test, wc->fallback_calls, 0);
		destroy(&c->a);
	}

	activate_walk_event(test, pingpong_event);
	pingpong_fill(c);
	wc->fallback_calls = 0;
	rcu_read_lock();
	r = llist_nulls_multi_walk_lockless_rcu(&c->a.head, &c->a.params, &w,
						wc, &st);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, r, -EAGAIN);
	KUNIT_EXPECT_TRUE(test, st.fell_back);
	KUNIT_EXPECT_EQ(test, st.passes, LLIST_NULLS_MULTI_MAX_PASSES);
	KUNIT_EXPECT_EQ(test, wc->fallback_calls, 0);
	destroy(&c->a);
}

/* A walker that finds the list grown meanwhile finishes in one pass. */
struct list_grown {
	struct test_list a;
	struct walk_check check;
	unsigned int visits;		/* this walk's, so far */
	unsigned int grow_at;		/* the visit the adds follow */
};

static int list_grown_visit(void *e, void *arg)
{
	struct list_grown *c = container_of(arg, struct list_grown, check);

	visit_count(e, arg);
	if (c->visits++ == c->grow_at)
		fill(&c->a, 300, 20);
	return 0;
}

static void llnm_lockless_entries_added_during_walk_lose_nothing(struct kunit *test)
{
	struct list_grown *c = case_args(test, sizeof(*c));
	struct llist_nulls_multi_stats st;
	int at;

	test_list_init(&c->a, test, NODE_CAP);
	walk_check_init(&c->check, test);
	for (at = 0; at < 29; at++) {
		fill(&c->a, 0, 29);
		mark_stable(&c->check, &c->a);
		c->visits = 0;
		c->grow_at = at;
		KUNIT_EXPECT_EQ(test, walk(&c->check, &c->a, list_grown_visit,
					   &st, 0, false), 0);
		expect_stable_seen(&c->check);
		expect_within_bound(&c->check, &st);
		KUNIT_EXPECT_EQ(test, st.passes, 1);
		destroy(&c->a);
	}
}

/*
 * Another node type's params: an add or a removal that meets a node over
 * their capacity refuses; in debug builds a lockless walk falls back on it,
 * or where the params' capacity does not fit their cache, and an add or a
 * removal refuses such params, or a node that is not slab memory.
 */
static void llnm_params_of_another_type_are_refused(struct kunit *test)
{
	const struct llist_nulls_multi_params smaller = {
		.cap = NODE_CAP / 2,
		.node_cache = &node_cache,
	};
	const struct llist_nulls_multi_params larger = {
		.cap = NODE_CAP + 1,
		.node_cache = &node_cache,
	};
	/* no cache named: only the count tells, in any build */
	const struct llist_nulls_multi_params smaller_any = { .cap = NODE_CAP / 2 };
	static const struct llist_nulls_multi_walk w = {
		.visit = visit_count,
		.fallback = fallback_locked,
	};
	struct llist_nulls_multi_node *node, *freed;
	struct llist_nulls_multi_stats st;
	struct walk_check *wc;
	struct test_list a;
	struct snap *before;
	int i;

	test_list_init(&a, test, NODE_CAP);
	fill(&a, 0, 2 * NODE_CAP);	/* both nodes full */
	before = snap_take(&a);
	node = node_new(test);
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_add(&a.head, E(200),
						    &smaller_any, &node),
			-EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, node);
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_del(&a.head, E(0), &smaller_any,
						    &freed), -EINVAL);
	KUNIT_EXPECT_NULL(test, freed);
	snap_expect_same(&a, before);
	if (!IS_ENABLED(CONFIG_DEBUG_LLIST_NULLS_MULTI))
		goto out;

	wc = case_args(test, sizeof(*wc));
	walk_check_init(wc, test);
	memset(wc->seen, 0, sizeof(wc->seen));
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_walk_lockless(&a.head,
							      &smaller_any, &w,
							      wc, &st), 0);
	KUNIT_EXPECT_TRUE(test, st.fell_back);
	KUNIT_EXPECT_EQ(test, st.passes, 1);

	KUNIT_EXPECT_EQ(test, llist_nulls_multi_walk_lockless(&a.head, &smaller,
							      &w, wc, &st), 0);
	KUNIT_EXPECT_TRUE(test, st.fell_back);
	KUNIT_EXPECT_EQ(test, wc->fallback_calls, 2);
	for (i = 0; i < 2 * NODE_CAP; i++)
		KUNIT_EXPECT_EQ(test, wc->seen[i], 2);

	/* a node from the page allocator, not from the params' cache */
	node_free(node, NULL);
	node = (void *)__get_free_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, node);
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_add(&a.head, E(200), &a.params,
						    &node), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, node);
	snap_expect_same(&a, before);
	free_page((unsigned long)node);
	node = NULL;

	/* a larger capacity: the add would write past the first node */
	del(&a, E(0));
	before = snap_take(&a);
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_add(&a.head, E(200), &larger,
						    NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_del(&a.head, E(1), &larger,
						    &freed), -EINVAL);
	snap_expect_same(&a, before);
	destroy(&a);

	/* a smaller capacity the first node holds exactly */
	fill(&a, 0, NODE_CAP / 2);
	before = snap_take(&a);
	node = node_new(test);
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_add(&a.head, E(200), &smaller,
						    &node), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, node);
	snap_expect_same(&a, before);
out:
	node_free(node, NULL);
	destroy(&a);
}

static void llnm_lockless_walk_checks_node_memory_in_debug_builds(struct kunit *test)
{
	struct llist_nulls_multi_node *node, *page;
	struct llist_nulls_multi_stats st;
	struct walk_check *wc;
	struct test_list a;

	if (!IS_ENABLED(CONFIG_DEBUG_LLIST_NULLS_MULTI))
		kunit_skip(test, "needs CONFIG_DEBUG_LLIST_NULLS_MULTI");

	/* params that name no cache: an add takes any node */
	test_list_init(&a, test, NODE_CAP);
	a.params.node_cache = NULL;
	wc = case_args(test, sizeof(*wc));
	walk_check_init(wc, test);
	/* the page allocator's memory is not slab memory */
	page = (void *)__get_free_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, page);
	node = page;
	add(&a, E(0));
	KUNIT_ASSERT_GE(test, llist_nulls_multi_add(&a.head, E(1), &a.params,
						    &node), 0);
	KUNIT_EXPECT_EQ(test, walk(wc, &a, visit_count, &st, 0, true), 0);
	KUNIT_EXPECT_TRUE(test, st.fell_back);
	KUNIT_EXPECT_EQ(test, st.passes, 1);
	KUNIT_EXPECT_EQ(test, wc->fallback_calls, 1);
	KUNIT_EXPECT_EQ(test, wc->seen[0] + wc->seen[1], 2);
	a.head.first = 0;
	free_page((unsigned long)page);

	/* nodes from the suite's SLAB_TYPESAFE_BY_RCU cache pass */
	fill(&a, 0, 20);
	KUNIT_EXPECT_EQ(test, walk(wc, &a, visit_count, &st, 0, true), 0);
	KUNIT_EXPECT_FALSE(test, st.fell_back);
	destroy(&a);
}

static int llnm_suite_init(struct kunit_suite *suite)
{
	node_cache = kmem_cache_create("llnm_test_node",
				       LLIST_NULLS_MULTI_NODE_SIZE(NODE_CAP), 0,
				       SLAB_TYPESAFE_BY_RCU, NULL);
	return node_cache ? 0 : -ENOMEM;
}

static void llnm_suite_exit(struct kunit_suite *suite)
{
	kmem_cache_destroy(node_cache);
}

static struct kunit_case llnm_cases[] = {
	KUNIT_CASE(llnm_kvm_node_is_128_bytes_holding_14),
	KUNIT_CASE(llnm_empty_list_has_nothing),
	KUNIT_CASE(llnm_first_entry_is_inline),
	KUNIT_CASE(llnm_second_entry_makes_one_node),
	KUNIT_CASE(llnm_one_node_down_to_one_entry_stays_a_node),
	KUNIT_CASE(llnm_grow_and_shrink_checks_every_step),
	KUNIT_CASE(llnm_boundaries_count_and_need_node),
	KUNIT_CASE(llnm_del_fills_hole_from_first_node),
	KUNIT_CASE(llnm_del_absent_entry_leaves_list_unchanged),
	KUNIT_CASE(llnm_add_refuses_null_and_odd_entries),
	KUNIT_CASE(llnm_add_without_needed_node_fails_unchanged),
	KUNIT_CASE(llnm_add_refuses_capacity_below_two),
	KUNIT_CASE(llnm_add_takes_a_node_only_when_it_needs_one),
	KUNIT_CASE(llnm_del_always_writes_freed),
	KUNIT_CASE(llnm_del_takes_one_copy_of_a_duplicate),
	KUNIT_CASE(llnm_locked_walk_visits_each_once_and_can_stop),
	KUNIT_CASE(llnm_iter_goes_first_node_first_last_slot_down),
	KUNIT_CASE(llnm_take_first_until_empty_moves_nothing),
	KUNIT_CASE(llnm_destroy_visits_each_once_and_frees_every_node),
	KUNIT_CASE(llnm_any_capacity_keeps_invariants),
	KUNIT_CASE(llnm_lockless_walk_of_quiet_list_is_one_pass),
	KUNIT_CASE(llnm_lockless_visitor_can_end_the_walk),
	KUNIT_CASE(llnm_lockless_hole_filling_never_hides_an_entry),
	KUNIT_CASE(llnm_lockless_hole_filled_then_slot_reused_hides_nothing),
	KUNIT_CASE(llnm_lockless_node_emptied_under_walker_hides_nothing),
	KUNIT_CASE(llnm_lockless_walker_moved_to_another_list_rewalks),
	KUNIT_CASE(llnm_lockless_node_freed_zeroed_reused_under_walker),
	KUNIT_CASE(llnm_lockless_walker_in_destroyed_list_finds_nothing),
	KUNIT_CASE(llnm_lockless_pingpong_ends_within_bound_then_falls_back),
	KUNIT_CASE(llnm_lockless_rcu_walk_leaves_the_fallback_to_the_caller),
	KUNIT_CASE(llnm_lockless_entries_added_during_walk_lose_nothing),
	KUNIT_CASE(llnm_params_of_another_type_are_refused),
	KUNIT_CASE(llnm_lockless_walk_checks_node_memory_in_debug_builds),
	{}
};

static struct kunit_suite llnm_suite = {
	.name = "llist_nulls_multi",
	.suite_init = llnm_suite_init,
	.suite_exit = llnm_suite_exit,
	.test_cases = llnm_cases,
};

kunit_test_suite(llnm_suite);

MODULE_DESCRIPTION("KUnit tests for llist_nulls_multi");
MODULE_LICENSE("GPL");
