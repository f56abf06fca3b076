// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for <linux/llist_nulls_multi.h>.
 *
 * Entries are addresses in a static array, so an entry's index tells which
 * list it was added to.  Lockless cases run on one CPU: the writer "on the
 * other CPU" is either the visitor, acting between two entries of a node, or
 * a static stub of llist_nulls_multi_walk_event(), acting after a link is
 * loaded and before the node it names is read.
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/llist_nulls_multi.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/pgtable.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#define KVM_CAP		14
#define MAX_ENTRIES	512
#define MAX_NODES	80
#define B_BASE		(MAX_ENTRIES / 2)	/* list B's entries start here */

static u64 vals[MAX_ENTRIES];
static struct kmem_cache *node_cache;

static void *E(int i)
{
	return &vals[i];
}

static int idx(const void *entry)
{
	return (const u64 *)entry - vals;
}

static bool is_ours(const void *entry)
{
	return entry && idx(entry) >= 0 && idx(entry) < MAX_ENTRIES &&
	       entry == E(idx(entry));
}

/* The per-test context the hooks and visitors reach. */
struct tctx {
	struct kunit *test;
	unsigned int cap;
	struct llist_nulls_multi_head a, b;
	int na, nb;			/* entries ever added to a and b */
	u8 seen[MAX_ENTRIES];		/* visits per entry, this walk */
	bool stable[MAX_ENTRIES];	/* in a for the whole walk */
	int visits;
	/* visitor action: at this visit, call vact() once */
	int vact_at;
	void (*vact)(struct tctx *t);
	/* event hook action: at this event (or every one from it), act() */
	int act_at;
	void (*act)(struct tctx *t);
	int events;
	int event_limit;
	struct llist_nulls_multi_node *spare[4];
	int fallback_calls;
	int victim;
	bool act_always;		/* act at every event from act_at on */
	struct llist_nulls_multi_node *cur_node;
	/* the worst of every lockless walk in this case, for the log */
	unsigned int walks, passes, steps, pass_steps, pass_bound, fell_back;
};

static struct tctx *cur;

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

/* Add with a node from the cache when one is needed; must succeed. */
static int add(struct tctx *t, struct llist_nulls_multi_head *h, void *e)
{
	struct llist_nulls_multi_node *node = NULL;
	int ret;

	if (llist_nulls_multi_need_node(h, t->cap))
		node = node_new(t->test);
	ret = llist_nulls_multi_add(h, e, t->cap, node);
	KUNIT_ASSERT_GE(t->test, ret, 0);
	return ret;
}

static void del(struct tctx *t, struct llist_nulls_multi_head *h, void *e)
{
	struct llist_nulls_multi_node *freed;

	KUNIT_ASSERT_EQ(t->test, llist_nulls_multi_del(h, e, t->cap, &freed), 0);
	if (freed)
		node_free(freed, NULL);
}

static void fill(struct tctx *t, struct llist_nulls_multi_head *h, int from,
		 int n)
{
	int i;

	for (i = from; i < from + n; i++)
		add(t, h, E(i));
}

static void destroy(struct tctx *t, struct llist_nulls_multi_head *h)
{
	llist_nulls_multi_destroy(h, t->cap, NULL, node_free, NULL);
}

/* One line per lockless case, read by the harness for its summary. */
static void tctx_report(void *arg)
{
	struct tctx *t = arg;

	if (t->walks)
		kunit_info(t->test,
			   "llnm-stats walks=%u worst: passes=%u steps=%u pass_steps=%u pass_bound=%u; fell_back=%u\n",
			   t->walks, t->passes, t->steps, t->pass_steps,
			   t->pass_bound, t->fell_back);
}

static struct tctx *tctx_new(struct kunit *test, unsigned int cap)
{
	struct tctx *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->test = test;
	t->cap = cap;
	t->act_at = -1;
	t->vact_at = -1;
	cur = t;
	KUNIT_ASSERT_EQ(test, kunit_add_action(test, tctx_report, t), 0);
	return t;
}

/*
 * Check every structural invariant of @h and that it holds exactly the
 * entries whose bit is set in @want (MAX_ENTRIES bits).
 */
static void check_list(struct tctx *t, struct llist_nulls_multi_head *h,
		       const unsigned long *want)
{
	struct kunit *test = t->test;
	struct llist_nulls_multi_node *node = llist_nulls_multi_first_node(h);
	DECLARE_BITMAP(have, MAX_ENTRIES);
	unsigned int n = bitmap_weight(want, MAX_ENTRIES), seen = 0;
	u32 pos;
	int i;

	bitmap_zero(have, MAX_ENTRIES);
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_count(h, t->cap), n);
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_empty(h), n == 0);
	if (!node) {
		KUNIT_EXPECT_LE(test, n, 1);
		if (h->first) {
			KUNIT_ASSERT_TRUE(test, is_ours((void *)h->first));
			KUNIT_EXPECT_TRUE(test, test_bit(idx((void *)h->first), want));
		}
		return;
	}
	pos = node->pos;
	for (;;) {
		KUNIT_ASSERT_GE(test, node->count, 1);
		KUNIT_ASSERT_LE(test, node->count, t->cap);
		if (node != llist_nulls_multi_first_node(h))
			KUNIT_EXPECT_EQ(test, node->count, t->cap);
		KUNIT_EXPECT_EQ(test, node->pos, pos);
		for (i = 0; i < t->cap; i++) {
			void *e = node->entries[i];

			if (i >= node->count) {
				KUNIT_EXPECT_NULL(test, e);
				continue;
			}
			KUNIT_ASSERT_TRUE(test, is_ours(e));
			KUNIT_EXPECT_FALSE(test, test_and_set_bit(idx(e), have));
			seen++;
		}
		if (node->next & LLIST_NULLS_MULTI_NULLS) {
			KUNIT_EXPECT_EQ(test, node->next, llist_nulls_multi_nulls(h));
			KUNIT_EXPECT_EQ(test, node->pos, 0);
			break;
		}
		node = (struct llist_nulls_multi_node *)node->next;
		pos--;
	}
	KUNIT_EXPECT_EQ(test, seen, n);
	KUNIT_EXPECT_TRUE(test, bitmap_equal(have, want, MAX_ENTRIES));
}

/* A copy of everything a list is, to show that a failed call changed nothing. */
struct snap {
	unsigned long first;
	int nodes;
	struct llist_nulls_multi_node *addr[MAX_NODES];
	u8 raw[MAX_NODES][LLIST_NULLS_MULTI_NODE_SIZE(KVM_CAP)];
};

static void snap_take(struct tctx *t, struct llist_nulls_multi_head *h,
		      struct snap *s)
{
	struct llist_nulls_multi_node *node = llist_nulls_multi_first_node(h);

	memset(s, 0, sizeof(*s));
	s->first = h->first;
	while (node) {
		s->addr[s->nodes] = node;
		memcpy(s->raw[s->nodes++], node, LLIST_NULLS_MULTI_NODE_SIZE(t->cap));
		if (node->next & LLIST_NULLS_MULTI_NULLS)
			break;
		node = (struct llist_nulls_multi_node *)node->next;
	}
}

static void snap_expect_same(struct tctx *t, struct llist_nulls_multi_head *h)
{
	struct snap *now = kunit_kzalloc(t->test, sizeof(*now), GFP_KERNEL);
	struct snap *before = t->test->priv;
	int i;

	KUNIT_ASSERT_NOT_NULL(t->test, now);
	snap_take(t, h, now);
	KUNIT_EXPECT_EQ(t->test, now->first, before->first);
	KUNIT_ASSERT_EQ(t->test, now->nodes, before->nodes);
	for (i = 0; i < now->nodes; i++) {
		KUNIT_EXPECT_PTR_EQ(t->test, now->addr[i], before->addr[i]);
		KUNIT_EXPECT_MEMEQ(t->test, now->raw[i], before->raw[i],
				   LLIST_NULLS_MULTI_NODE_SIZE(t->cap));
	}
}

static void snap_save(struct tctx *t, struct llist_nulls_multi_head *h)
{
	struct snap *s = kunit_kzalloc(t->test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(t->test, s);
	snap_take(t, h, s);
	t->test->priv = s;
}

static int nodes_of(struct llist_nulls_multi_head *h)
{
	struct llist_nulls_multi_node *node = llist_nulls_multi_first_node(h);

	return node ? node->pos + 1 : 0;
}

/* ---- layout ---------------------------------------------------------- */

static void llnm_kvm_node_is_128_bytes_holding_14(struct kunit *test)
{
	static_assert(!IS_ENABLED(CONFIG_64BIT) ||
		      LLIST_NULLS_MULTI_NODE_SIZE(KVM_CAP) == 128);
	if (IS_ENABLED(CONFIG_64BIT))
		KUNIT_EXPECT_EQ(test, LLIST_NULLS_MULTI_NODE_SIZE(KVM_CAP), 128);
	else
		KUNIT_EXPECT_EQ(test, LLIST_NULLS_MULTI_NODE_SIZE(KVM_CAP), 68);
	KUNIT_EXPECT_EQ(test, offsetof(struct llist_nulls_multi_node, entries),
			sizeof(unsigned long) + 2 * sizeof(u32));
}

/* ---- head-word transitions -------------------------------------------- */

static void llnm_empty_list_has_nothing(struct kunit *test)
{
	struct tctx *t = tctx_new(test, KVM_CAP);
	struct llist_nulls_multi_head h = LLIST_NULLS_MULTI_HEAD_INIT;
	struct llist_nulls_multi_iter it;

	KUNIT_EXPECT_TRUE(test, llist_nulls_multi_empty(&h));
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_count(&h, t->cap), 0);
	KUNIT_EXPECT_FALSE(test, llist_nulls_multi_need_node(&h, t->cap));
	KUNIT_EXPECT_NULL(test, llist_nulls_multi_first(&h));
	KUNIT_EXPECT_NULL(test, llist_nulls_multi_first_node(&h));
	KUNIT_EXPECT_NULL(test, llist_nulls_multi_iter_first(&h, &it));
	KUNIT_EXPECT_NULL(test, llist_nulls_multi_iter_next(&it));
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_destroy(&h, t->cap, NULL,
							node_free, NULL), 0);
	llist_nulls_multi_init(&h);
	KUNIT_EXPECT_EQ(test, h.first, 0);
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_nulls(&h), (unsigned long)&h | 1);
}

static void llnm_first_entry_is_inline(struct kunit *test)
{
	struct tctx *t = tctx_new(test, KVM_CAP);

	KUNIT_EXPECT_EQ(test, llist_nulls_multi_add(&t->a, E(0), t->cap, NULL), 0);
	KUNIT_EXPECT_EQ(test, t->a.first, (unsigned long)E(0));
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_count(&t->a, t->cap), 1);
	KUNIT_EXPECT_TRUE(test, llist_nulls_multi_need_node(&t->a, t->cap));
	KUNIT_EXPECT_PTR_EQ(test, llist_nulls_multi_first(&t->a), E(0));
	/* inline -> empty */
	del(t, &t->a, E(0));
	KUNIT_EXPECT_EQ(test, t->a.first, 0);
}

static void llnm_second_entry_makes_one_node(struct kunit *test)
{
	struct tctx *t = tctx_new(test, KVM_CAP);
	struct llist_nulls_multi_node *node;

	add(t, &t->a, E(0));
	KUNIT_EXPECT_EQ(test, add(t, &t->a, E(1)), 1);
	node = llist_nulls_multi_first_node(&t->a);
	KUNIT_ASSERT_NOT_NULL(test, node);
	KUNIT_EXPECT_EQ(test, t->a.first & 1, 1);
	KUNIT_EXPECT_EQ(test, node->count, 2);
	KUNIT_EXPECT_EQ(test, node->pos, 0);
	KUNIT_EXPECT_PTR_EQ(test, node->entries[0], E(0));
	KUNIT_EXPECT_PTR_EQ(test, node->entries[1], E(1));
	KUNIT_EXPECT_EQ(test, node->next, llist_nulls_multi_nulls(&t->a));
	KUNIT_EXPECT_FALSE(test, llist_nulls_multi_need_node(&t->a, t->cap));
	destroy(t, &t->a);
}

static void llnm_one_node_down_to_one_entry_stays_a_node(struct kunit *test)
{
	struct tctx *t = tctx_new(test, KVM_CAP);
	struct llist_nulls_multi_node *node, *freed;

	fill(t, &t->a, 0, 2);
	node = llist_nulls_multi_first_node(&t->a);
	del(t, &t->a, E(0));
	KUNIT_EXPECT_PTR_EQ(test, llist_nulls_multi_first_node(&t->a), node);
	KUNIT_EXPECT_EQ(test, node->count, 1);
	KUNIT_EXPECT_PTR_EQ(test, node->entries[0], E(1));
	/* one node -> empty: the node comes back to the caller */
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_del(&t->a, E(1), t->cap, &freed), 0);
	KUNIT_ASSERT_PTR_EQ(test, freed, node);
	KUNIT_EXPECT_EQ(test, t->a.first, 0);
	node_free(freed, NULL);
}

/* Grow to 300 and shrink back, checking everything at every step. */
static void llnm_grow_and_shrink_checks_every_step(struct kunit *test)
{
	struct tctx *t = tctx_new(test, KVM_CAP);
	DECLARE_BITMAP(want, MAX_ENTRIES);
	struct llist_nulls_multi_node *freed;
	int i, n, ret, nodes;

	bitmap_zero(want, MAX_ENTRIES);
	for (i = 0; i < 300; i++) {
		KUNIT_EXPECT_EQ(test, add(t, &t->a, E(i)), i);
		__set_bit(i, want);
		check_list(t, &t->a, want);
		nodes = i == 0 ? 0 : i / KVM_CAP + 1;
		KUNIT_EXPECT_EQ(test, nodes_of(&t->a), nodes);
	}

	/* Remove in a scattered order: holes land in every node and slot. */
	n = 300;
	for (i = 0; i < 300; i++) {
		int victim = (i * 101) % 300;

		nodes = nodes_of(&t->a);
		ret = llist_nulls_multi_del(&t->a, E(victim), t->cap, &freed);
		KUNIT_ASSERT_EQ(test, ret, 0);
		__clear_bit(victim, want);
		n--;
		check_list(t, &t->a, want);
		/* a node comes back exactly when the first node empties */
		KUNIT_EXPECT_EQ(test, !!freed, n == 0 || (n % KVM_CAP == 0));
		if (freed) {
			KUNIT_EXPECT_EQ(test, nodes_of(&t->a), nodes - 1);
			node_free(freed, NULL);
		}
	}
	KUNIT_EXPECT_EQ(test, t->a.first, 0);
}

static void llnm_boundaries_count_and_need_node(struct kunit *test)
{
	static const int sizes[] = { 1, 14, 15, 28, 29, 300 };
	struct tctx *t = tctx_new(test, KVM_CAP);
	int k;

	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		int n = sizes[k];

		fill(t, &t->a, 0, n);
		KUNIT_EXPECT_EQ(test, llist_nulls_multi_count(&t->a, t->cap), n);
		KUNIT_EXPECT_EQ(test, nodes_of(&t->a), n == 1 ? 0 : (n - 1) / KVM_CAP + 1);
		KUNIT_EXPECT_EQ(test, llist_nulls_multi_need_node(&t->a, t->cap),
				n == 1 || n % KVM_CAP == 0);
		destroy(t, &t->a);
	}
}

static void llnm_del_fills_hole_from_first_node(struct kunit *test)
{
	struct tctx *t = tctx_new(test, KVM_CAP);
	struct llist_nulls_multi_node *first, *tail;

	fill(t, &t->a, 0, 16);	/* tail: 0..13, first: 14, 15 */
	first = llist_nulls_multi_first_node(&t->a);
	tail = (struct llist_nulls_multi_node *)first->next;
	del(t, &t->a, E(3));
	KUNIT_EXPECT_PTR_EQ(test, tail->entries[3], E(15));
	KUNIT_EXPECT_EQ(test, tail->count, KVM_CAP);
	KUNIT_EXPECT_EQ(test, first->count, 1);
	KUNIT_EXPECT_NULL(test, first->entries[1]);
	/* removing the first node's own last entry moves nothing */
	del(t, &t->a, E(14));
	KUNIT_EXPECT_PTR_EQ(test, llist_nulls_multi_first_node(&t->a), tail);
	KUNIT_EXPECT_PTR_EQ(test, tail->entries[3], E(15));
	destroy(t, &t->a);
}

/* ---- bad input -------------------------------------------------------- */

static void llnm_del_absent_entry_leaves_list_unchanged(struct kunit *test)
{
	static const int sizes[] = { 0, 1, 2, 14, 15, 29 };
	struct tctx *t = tctx_new(test, KVM_CAP);
	struct llist_nulls_multi_node *freed;
	int k;

	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		fill(t, &t->a, 0, sizes[k]);
		snap_save(t, &t->a);
		KUNIT_EXPECT_EQ(test, llist_nulls_multi_del(&t->a, E(100), t->cap,
							    &freed), -ENOENT);
		KUNIT_EXPECT_NULL(test, freed);
		KUNIT_EXPECT_EQ(test, llist_nulls_multi_del(&t->a, NULL, t->cap,
							    &freed), -ENOENT);
		snap_expect_same(t, &t->a);
		destroy(t, &t->a);
	}
}

static void llnm_add_refuses_null_and_odd_entries(struct kunit *test)
{
	static const int sizes[] = { 0, 1, 14, 15 };
	struct tctx *t = tctx_new(test, KVM_CAP);
	struct llist_nulls_multi_node *node = node_new(test);
	int k;

	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		fill(t, &t->a, 0, sizes[k]);
		snap_save(t, &t->a);
		KUNIT_EXPECT_EQ(test, llist_nulls_multi_add(&t->a, NULL, t->cap,
							    node), -EINVAL);
		KUNIT_EXPECT_EQ(test, llist_nulls_multi_add(&t->a, (u8 *)E(7) + 1,
							    t->cap, node), -EINVAL);
		KUNIT_EXPECT_FALSE(test, llist_nulls_multi_entry_valid(NULL));
		KUNIT_EXPECT_FALSE(test, llist_nulls_multi_entry_valid((u8 *)E(7) + 1));
		snap_expect_same(t, &t->a);
		destroy(t, &t->a);
	}
	node_free(node, NULL);
}

static void llnm_add_without_needed_node_fails_unchanged(struct kunit *test)
{
	static const int sizes[] = { 1, 14, 28, 42 };
	struct tctx *t = tctx_new(test, KVM_CAP);
	int k;

	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		fill(t, &t->a, 0, sizes[k]);
		KUNIT_ASSERT_TRUE(test, llist_nulls_multi_need_node(&t->a, t->cap));
		snap_save(t, &t->a);
		KUNIT_EXPECT_EQ(test, llist_nulls_multi_add(&t->a, E(200), t->cap,
							    NULL), -ENOMEM);
		snap_expect_same(t, &t->a);
		destroy(t, &t->a);
	}
}

static void llnm_add_refuses_capacity_below_two(struct kunit *test)
{
	struct tctx *t = tctx_new(test, 1);
	struct llist_nulls_multi_node *node = node_new(test);

	KUNIT_EXPECT_EQ(test, llist_nulls_multi_add(&t->a, E(0), 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_add(&t->a, E(1), 1, node), -EINVAL);
	KUNIT_EXPECT_EQ(test, t->a.first, (unsigned long)E(0));
	node_free(node, NULL);
}

/* ---- locked walks ----------------------------------------------------- */

static void llnm_iter_goes_first_node_first_last_slot_down(struct kunit *test)
{
	struct tctx *t = tctx_new(test, KVM_CAP);
	struct llist_nulls_multi_iter it;
	void *e;
	int n = 0, expect;

	fill(t, &t->a, 0, 31);	/* nodes: [28..30] [14..27] [0..13] */
	for (e = llist_nulls_multi_iter_first(&t->a, &it); e;
	     e = llist_nulls_multi_iter_next(&it)) {
		/* expected order: 30..28, 27..14, 13..0 */
		expect = 30 - n;
		KUNIT_EXPECT_EQ(test, idx(e), expect);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, 31);
	KUNIT_EXPECT_NULL(test, llist_nulls_multi_iter_next(&it));
	destroy(t, &t->a);

	add(t, &t->a, E(5));
	n = 0;
	for (e = llist_nulls_multi_iter_first(&t->a, &it); e;
	     e = llist_nulls_multi_iter_next(&it)) {
		KUNIT_EXPECT_EQ(test, idx(e), 5);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, 1);
	destroy(t, &t->a);
}

static void llnm_take_first_until_empty_moves_nothing(struct kunit *test)
{
	struct tctx *t = tctx_new(test, KVM_CAP);
	struct llist_nulls_multi_node *freed;
	DECLARE_BITMAP(want, MAX_ENTRIES);
	int n = 43, freed_nodes = 0;
	void *e;

	bitmap_zero(want, MAX_ENTRIES);
	bitmap_set(want, 0, n);
	fill(t, &t->a, 0, n);
	while ((e = llist_nulls_multi_first(&t->a))) {
		/* the first entry is always the newest one left */
		KUNIT_EXPECT_EQ(test, idx(e), n - 1);
		KUNIT_ASSERT_EQ(test, llist_nulls_multi_del(&t->a, e, t->cap, &freed), 0);
		__clear_bit(idx(e), want);
		n--;
		if (freed) {
			freed_nodes++;
			node_free(freed, NULL);
		}
		check_list(t, &t->a, want);
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
	static const int sizes[] = { 0, 1, 2, 14, 15, 28, 29, 300 };
	struct tctx *t = tctx_new(test, KVM_CAP);
	struct destroy_arg *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	int k, i;

	KUNIT_ASSERT_NOT_NULL(test, d);
	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		int n = sizes[k];

		memset(d, 0, sizeof(*d));
		fill(t, &t->a, 0, n);
		KUNIT_EXPECT_EQ(test, llist_nulls_multi_destroy(&t->a, t->cap,
								destroy_visit,
								destroy_free, d),
				n);
		KUNIT_EXPECT_EQ(test, t->a.first, 0);
		KUNIT_EXPECT_EQ(test, d->nodes, n < 2 ? 0 : (n - 1) / KVM_CAP + 1);
		for (i = 0; i < MAX_ENTRIES; i++)
			KUNIT_EXPECT_EQ(test, d->seen[i], i < n ? 1 : 0);
	}
}

static void llnm_any_capacity_keeps_invariants(struct kunit *test)
{
	static const unsigned int caps[] = { 2, 3, 5, 14 };
	DECLARE_BITMAP(want, MAX_ENTRIES);
	int k, i;

	for (k = 0; k < ARRAY_SIZE(caps); k++) {
		struct tctx *t = tctx_new(test, caps[k]);

		bitmap_zero(want, MAX_ENTRIES);
		for (i = 0; i < 40; i++) {
			KUNIT_EXPECT_EQ(test, add(t, &t->a, E(i)), i);
			__set_bit(i, want);
			check_list(t, &t->a, want);
		}
		for (i = 0; i < 40; i++) {
			int v = (i * 7) % 40;

			del(t, &t->a, E(v));
			__clear_bit(v, want);
			check_list(t, &t->a, want);
		}
	}
}

/* ---- lockless walks ----------------------------------------------------- */

static int visit(void *e, void *arg)
{
	struct tctx *t = arg;
	int i = idx(e);

	if (is_ours(e))
		t->seen[i]++;
	if (t->visits++ == t->vact_at && t->vact)
		t->vact(t);
	return 0;
}

static int fallback_locked(const struct llist_nulls_multi_head *h, void *arg)
{
	struct tctx *t = arg;
	struct llist_nulls_multi_iter it;
	void *e;

	t->fallback_calls++;
	for (e = llist_nulls_multi_iter_first(h, &it); e;
	     e = llist_nulls_multi_iter_next(&it))
		if (is_ours(e))
			t->seen[idx(e)]++;
	return 0;
}

static void walk_reset(struct tctx *t)
{
	memset(t->seen, 0, sizeof(t->seen));
	t->visits = 0;
	t->events = 0;
	t->fallback_calls = 0;
}

static int walk(struct tctx *t, struct llist_nulls_multi_head *h,
		struct llist_nulls_multi_stats *st, unsigned int max_passes,
		bool with_fallback)
{
	struct llist_nulls_multi_walk w = {
		.visit = visit,
		.fallback = with_fallback ? fallback_locked : NULL,
		.max_passes = max_passes,
		.stats = st,
	};

	return llist_nulls_multi_walk_lockless(h, t->cap, &w, t);
}

/* Mark what is in @h now as stable; entries added later are not. */
static void mark_stable(struct tctx *t, struct llist_nulls_multi_head *h)
{
	struct llist_nulls_multi_iter it;
	void *e;

	memset(t->stable, 0, sizeof(t->stable));
	for (e = llist_nulls_multi_iter_first(h, &it); e;
	     e = llist_nulls_multi_iter_next(&it))
		if (is_ours(e))
			t->stable[idx(e)] = true;
}

static void expect_stable_seen(struct tctx *t)
{
	int i, missed = 0;

	for (i = 0; i < MAX_ENTRIES; i++)
		if (t->stable[i] && !t->seen[i])
			missed++;
	KUNIT_EXPECT_EQ_MSG(t->test, missed, 0, "stable entries not visited");
}

/* The stated bound: no pass enters more nodes than its first position + 1. */
static void expect_within_bound(struct tctx *t,
				const struct llist_nulls_multi_stats *st)
{
	t->walks++;
	t->passes = max(t->passes, st->passes);
	t->steps = max(t->steps, st->steps);
	t->pass_steps = max(t->pass_steps, st->max_pass_steps);
	t->pass_bound = max(t->pass_bound, st->max_pass_bound);
	t->fell_back += st->fell_back;
	KUNIT_EXPECT_LE(t->test, st->max_pass_steps, st->max_pass_bound);
	KUNIT_EXPECT_LE(t->test, st->steps, st->passes * st->max_pass_bound);
}

static void llnm_lockless_walk_of_quiet_list_is_one_pass(struct kunit *test)
{
	static const int sizes[] = { 0, 1, 2, 14, 15, 28, 29, 300 };
	struct tctx *t = tctx_new(test, KVM_CAP);
	struct llist_nulls_multi_stats st;
	int k, i;

	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		int n = sizes[k], nodes = n < 2 ? 0 : (n - 1) / KVM_CAP + 1;

		fill(t, &t->a, 0, n);
		walk_reset(t);
		KUNIT_EXPECT_EQ(test, walk(t, &t->a, &st, 0, true), 0);
		for (i = 0; i < MAX_ENTRIES; i++)
			KUNIT_EXPECT_EQ(test, t->seen[i], i < n ? 1 : 0);
		KUNIT_EXPECT_EQ(test, st.passes, 1);
		KUNIT_EXPECT_EQ(test, st.steps, nodes);
		KUNIT_EXPECT_EQ(test, st.max_pass_bound, nodes);
		KUNIT_EXPECT_FALSE(test, st.fell_back);
		KUNIT_EXPECT_EQ(test, t->fallback_calls, 0);
		expect_within_bound(t, &st);
		destroy(t, &t->a);
	}
}

static int stop_at_third(void *e, void *arg)
{
	int *n = arg;

	return ++*n == 3 ? 42 : 0;
}

static void llnm_lockless_visitor_can_end_the_walk(struct kunit *test)
{
	struct tctx *t = tctx_new(test, KVM_CAP);
	struct llist_nulls_multi_walk w = { .visit = stop_at_third };
	int n = 0;

	fill(t, &t->a, 0, 29);
	KUNIT_EXPECT_EQ(test, llist_nulls_multi_walk_lockless(&t->a, t->cap, &w, &n), 42);
	KUNIT_EXPECT_EQ(test, n, 3);
	destroy(t, &t->a);
}

/*
 * Fill-the-hole: at every point of the walk (after each visit), remove each
 * possible victim.  The hole is filled from the first node's last slot.  No
 * entry other than the victim may be missed.
 */
static void act_remove_victim(struct tctx *t)
{
	del(t, &t->a, E(t->victim));
	t->stable[t->victim] = false;
}

static void llnm_lockless_hole_filling_never_hides_an_entry(struct kunit *test)
{
	static const int sizes[] = { 2, 15, 29, 43 };
	struct tctx *t = tctx_new(test, KVM_CAP);
	struct llist_nulls_multi_stats st;
	int k, at, v;

	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		int n = sizes[k];

		for (at = 0; at < n; at++) {
			for (v = 0; v < n; v++) {
				fill(t, &t->a, 0, n);
				mark_stable(t, &t->a);
				walk_reset(t);
				t->vact_at = at;
				t->vact = act_remove_victim;
				t->victim = v;
				KUNIT_ASSERT_EQ(test, walk(t, &t->a, &st, 0, false), 0);
				expect_stable_seen(t);
				expect_within_bound(t, &st);
				destroy(t, &t->a);
				if (test->status == KUNIT_FAILURE)
					return;
			}
		}
	}
}

/*
 * Several removals at once, emptying the node the walker is in: the node is
 * freed under the walker.  Removed entries are chosen from the oldest, so
 * holes are deep in the list and filled from the first node.
 */
static void act_remove_many(struct tctx *t)
{
	int i;

	for (i = 0; i < t->victim; i++) {
		del(t, &t->a, E(i));
		t->stable[i] = false;
	}
}

static void llnm_lockless_node_emptied_under_walker_hides_nothing(struct kunit *test)
{
	struct tctx *t = tctx_new(test, KVM_CAP);
	struct llist_nulls_multi_stats st;
	int at, r, n = 43;

	for (at = 0; at < n; at++) {
		for (r = 1; r <= 2 * KVM_CAP + 1; r++) {
			fill(t, &t->a, 0, n);
			mark_stable(t, &t->a);
			walk_reset(t);
			t->vact_at = at;
			t->vact = act_remove_many;
			t->victim = r;
			KUNIT_ASSERT_EQ(test, walk(t, &t->a, &st, 0, false), 0);
			expect_stable_seen(t);
			expect_within_bound(t, &st);
			destroy(t, &t->a);
			if (test->status == KUNIT_FAILURE)
				return;
		}
	}
}

/*
 * The event hook: called after the walker loaded a link to @node and before
 * it reads @node.  t->act runs at the chosen event.
 */
static void event_hook(const struct llist_nulls_multi_head *h,
		       struct llist_nulls_multi_node *node)
{
	struct tctx *t = cur;
	int ev = t->events++;

	t->cur_node = node;
	if (t->act && (ev == t->act_at || (t->act_always && ev > t->act_at)))
		t->act(t);
}

/*
 * Moved walker: the node the walker is about to enter is emptied out of list
 * a (its entries removed, so it is freed) and pushed onto list b.  The walker
 * ends on b's nulls and must walk a again.
 */
static void act_move_second_node_to_b(struct tctx *t)
{
	struct llist_nulls_multi_node *victim;
	void *e;
	int i;

	/* a: [28] [14..27] [0..13]; the walker is entering [14..27] */
	victim = (struct llist_nulls_multi_node *)llist_nulls_multi_first_node(&t->a)->next;
	for (i = 0; i < 15; i++) {
		struct llist_nulls_multi_node *freed;

		e = llist_nulls_multi_first(&t->a);
		t->stable[idx(e)] = false;
		KUNIT_ASSERT_EQ(t->test, llist_nulls_multi_del(&t->a, e, t->cap, &freed), 0);
		if (freed && freed != victim)
			node_free(freed, NULL);
	}
	KUNIT_ASSERT_EQ(t->test, llist_nulls_multi_count(&t->a, t->cap), 14);
	/* b holds 14 entries in one node; push the victim as b's new first node */
	KUNIT_ASSERT_TRUE(t->test, llist_nulls_multi_need_node(&t->b, t->cap));
	KUNIT_ASSERT_GE(t->test, llist_nulls_multi_add(&t->b, E(B_BASE + 20), t->cap,
						       victim), 0);
}

static void llnm_lockless_walker_moved_to_another_list_rewalks(struct kunit *test)
{
	struct tctx *t = tctx_new(test, KVM_CAP);
	struct llist_nulls_multi_stats st;
	int i;

	kunit_activate_static_stub(test, llist_nulls_multi_walk_event, event_hook);
	fill(t, &t->a, 0, 29);
	fill(t, &t->b, B_BASE, 14);
	mark_stable(t, &t->a);
	walk_reset(t);
	t->act_at = 1;		/* event 0: first node; event 1: link to the second */
	t->act = act_move_second_node_to_b;
	KUNIT_EXPECT_EQ(test, walk(t, &t->a, &st, 0, false), 0);
	expect_stable_seen(t);
	expect_within_bound(t, &st);
	KUNIT_EXPECT_EQ(test, st.moved, 1);
	KUNIT_EXPECT_EQ(test, st.refused, 0);
	KUNIT_EXPECT_EQ(test, st.passes, 2);
	KUNIT_EXPECT_FALSE(test, st.fell_back);
	/* the first pass walked b's entries: the walker really was on b */
	KUNIT_EXPECT_EQ(test, t->seen[B_BASE + 20], 1);
	for (i = 0; i < 14; i++)
		KUNIT_EXPECT_EQ(test, t->seen[B_BASE + i], 1);
	destroy(t, &t->a);
	destroy(t, &t->b);
}

/*
 * Freed, zeroed, reused: the node the walker is about to enter is emptied
 * and freed, the allocator zeroes it, and then it is reused: left free
 * (zeroed), pushed on list b, or pushed back on list a itself.
 */
enum reuse { REUSE_NONE, REUSE_OTHER_LIST, REUSE_SAME_LIST };

static void act_free_zero_reuse(struct tctx *t)
{
	struct llist_nulls_multi_node *victim = llist_nulls_multi_first_node(&t->a);
	struct llist_nulls_multi_node *freed = NULL;
	void *e;
	int i;

	/* empty the first node: remove its entries, newest first */
	while (llist_nulls_multi_first_node(&t->a) == victim) {
		e = llist_nulls_multi_first(&t->a);
		t->stable[idx(e)] = false;
		KUNIT_ASSERT_EQ(t->test, llist_nulls_multi_del(&t->a, e, t->cap, &freed), 0);
	}
	KUNIT_ASSERT_PTR_EQ(t->test, freed, victim);
	memset(victim, 0, LLIST_NULLS_MULTI_NODE_SIZE(t->cap));
	t->spare[0] = victim;

	switch (t->victim) {
	case REUSE_OTHER_LIST:
		KUNIT_ASSERT_GE(t->test, llist_nulls_multi_add(&t->b, E(B_BASE + 20),
							       t->cap, victim), 0);
		t->spare[0] = NULL;
		break;
	case REUSE_SAME_LIST:
		/* a is now a whole number of nodes, so the next add pushes */
		KUNIT_ASSERT_TRUE(t->test, llist_nulls_multi_need_node(&t->a, t->cap));
		KUNIT_ASSERT_GE(t->test, llist_nulls_multi_add(&t->a, E(200), t->cap,
							       victim), 0);
		for (i = 201; i < 205; i++)
			KUNIT_ASSERT_GE(t->test, llist_nulls_multi_add(&t->a, E(i), t->cap,
								       NULL), 0);
		t->spare[0] = NULL;
		break;
	}
}

static void llnm_lockless_node_freed_zeroed_reused_under_walker(struct kunit *test)
{
	static const struct {
		int act_at;		/* event: 0 = first node, 1 = second */
		enum reuse reuse;
		unsigned int moved;
	} cases[] = {
		{ 0, REUSE_NONE, 1 },		/* zeroed: link 0, walk again */
		{ 0, REUSE_OTHER_LIST, 1 },	/* ends on b's nulls */
		{ 0, REUSE_SAME_LIST, 0 },	/* new first node of a: no loss */
	};
	struct tctx *t = tctx_new(test, KVM_CAP);
	struct llist_nulls_multi_stats st;
	int k;

	kunit_activate_static_stub(test, llist_nulls_multi_walk_event, event_hook);
	for (k = 0; k < ARRAY_SIZE(cases); k++) {
		fill(t, &t->a, 0, 42);
		fill(t, &t->b, B_BASE, 14);
		mark_stable(t, &t->a);
		walk_reset(t);
		t->act_at = cases[k].act_at;
		t->act = act_free_zero_reuse;
		t->victim = cases[k].reuse;
		KUNIT_EXPECT_EQ(test, walk(t, &t->a, &st, 0, false), 0);
		expect_stable_seen(t);
		expect_within_bound(t, &st);
		KUNIT_EXPECT_EQ_MSG(test, st.moved, cases[k].moved, "case %d", k);
		KUNIT_EXPECT_EQ(test, st.passes, 1 + cases[k].moved);
		if (t->spare[0]) {
			node_free(t->spare[0], NULL);
			t->spare[0] = NULL;
		}
		destroy(t, &t->a);
		destroy(t, &t->b);
	}
}

/*
 * The seed's ping-pong.  a: desc1 (first) -> desc2 -> desc0.  Whenever the
 * walker has loaded a link and is about to enter a node, the writer deletes
 * desc1 and desc2 and adds them back in the other order, so that the node the
 * walker enters always links on to the node it came from.  Without positions
 * the walker would go round desc1 and desc2 for ever (the hook gives up after
 * PINGPONG_LIMIT rounds so that a broken build fails instead of hanging);
 * with them, every pass is refused and the walk falls back.
 */
#define PINGPONG_LIMIT	1000

static void act_pingpong(struct tctx *t)
{
	struct llist_nulls_multi_node *n1, *n2, *freed;
	void *e;
	int i;

	/* act on links only: the walker is entering a node behind the first */
	if (t->events > PINGPONG_LIMIT ||
	    t->cur_node == llist_nulls_multi_first_node(&t->a))
		return;
	n1 = llist_nulls_multi_first_node(&t->a);
	n2 = (struct llist_nulls_multi_node *)n1->next;
	for (i = 0; i < 2 * KVM_CAP; i++) {
		e = llist_nulls_multi_first(&t->a);
		KUNIT_ASSERT_EQ(t->test, llist_nulls_multi_del(&t->a, e, t->cap, &freed), 0);
	}
	/* push n1 back first, then n2: n2 becomes first, linking to n1 */
	for (i = 0; i < 2 * KVM_CAP; i++) {
		struct llist_nulls_multi_node *node = NULL;

		if (llist_nulls_multi_need_node(&t->a, t->cap))
			node = i == 0 ? n1 : n2;
		KUNIT_ASSERT_GE(t->test, llist_nulls_multi_add(&t->a, E(100 + i), t->cap,
							       node), 0);
	}
}

static void llnm_lockless_pingpong_ends_within_bound_then_falls_back(struct kunit *test)
{
	static const unsigned int passes[] = { 1, 2, LLIST_NULLS_MULTI_MAX_PASSES, 8 };
	struct tctx *t = tctx_new(test, KVM_CAP);
	struct llist_nulls_multi_stats st;
	int k, i;

	kunit_activate_static_stub(test, llist_nulls_multi_walk_event, event_hook);
	for (k = 0; k < ARRAY_SIZE(passes); k++) {
		for (i = 0; i < 3 * KVM_CAP; i++)
			add(t, &t->a, E(i < KVM_CAP ? i : 100 + i - KVM_CAP));
		mark_stable(t, &t->a);
		for (i = 100; i < 100 + 2 * KVM_CAP; i++)
			t->stable[i] = false;	/* deleted and re-added */
		walk_reset(t);
		t->act_at = 0;
		t->act_always = true;
		t->act = act_pingpong;
		KUNIT_EXPECT_EQ(test, walk(t, &t->a, &st, passes[k], true), 0);
		KUNIT_EXPECT_TRUE(test, st.fell_back);
		KUNIT_EXPECT_EQ(test, st.passes, passes[k]);
		KUNIT_EXPECT_EQ(test, st.refused, passes[k]);
		KUNIT_EXPECT_EQ(test, t->fallback_calls, 1);
		/* three nodes, first position 2: at most 3 steps a pass */
		KUNIT_EXPECT_EQ(test, st.max_pass_bound, 3);
		expect_within_bound(t, &st);
		KUNIT_EXPECT_LT(test, t->events, PINGPONG_LIMIT);
		/* desc0 never moved: the fallback saw it all */
		expect_stable_seen(t);
		destroy(t, &t->a);
	}

	/* without a fallback the walk says it could not finish */
	for (i = 0; i < 3 * KVM_CAP; i++)
		add(t, &t->a, E(i < KVM_CAP ? i : 100 + i - KVM_CAP));
	walk_reset(t);
	t->act_at = 0;
	t->act_always = true;
	t->act = act_pingpong;
	KUNIT_EXPECT_EQ(test, walk(t, &t->a, &st, 0, false), -EAGAIN);
	KUNIT_EXPECT_TRUE(test, st.fell_back);
	KUNIT_EXPECT_EQ(test, st.passes, LLIST_NULLS_MULTI_MAX_PASSES);
	KUNIT_EXPECT_EQ(test, t->fallback_calls, 0);
	expect_within_bound(t, &st);
	destroy(t, &t->a);
}

/* A walker that finds the list grown meanwhile finishes in one pass. */
static void act_grow(struct tctx *t)
{
	fill(t, &t->a, 300, 20);
}

static void llnm_lockless_entries_added_during_walk_lose_nothing(struct kunit *test)
{
	struct tctx *t = tctx_new(test, KVM_CAP);
	struct llist_nulls_multi_stats st;
	int at;

	for (at = 0; at < 29; at++) {
		fill(t, &t->a, 0, 29);
		mark_stable(t, &t->a);
		walk_reset(t);
		t->vact_at = at;
		t->vact = act_grow;
		KUNIT_EXPECT_EQ(test, walk(t, &t->a, &st, 0, false), 0);
		expect_stable_seen(t);
		expect_within_bound(t, &st);
		KUNIT_EXPECT_EQ(test, st.passes, 1);
		destroy(t, &t->a);
	}
}

/* Debug builds refuse to walk nodes outside a SLAB_TYPESAFE_BY_RCU cache. */
static void llnm_lockless_walk_checks_node_memory_in_debug_builds(struct kunit *test)
{
	struct tctx *t = tctx_new(test, KVM_CAP);
	struct llist_nulls_multi_node *node;
	struct llist_nulls_multi_stats st;

	if (!IS_ENABLED(CONFIG_DEBUG_LLIST_NULLS_MULTI))
		kunit_skip(test, "needs CONFIG_DEBUG_LLIST_NULLS_MULTI");

	/* kmalloc memory is not type-stable */
	node = kunit_kzalloc(test, LLIST_NULLS_MULTI_NODE_SIZE(KVM_CAP), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, node);
	add(t, &t->a, E(0));
	KUNIT_ASSERT_GE(test, llist_nulls_multi_add(&t->a, E(1), t->cap, node), 0);
	walk_reset(t);
	KUNIT_EXPECT_EQ(test, walk(t, &t->a, &st, 0, true), 0);
	KUNIT_EXPECT_TRUE(test, st.fell_back);
	KUNIT_EXPECT_EQ(test, st.passes, 1);
	KUNIT_EXPECT_EQ(test, t->fallback_calls, 1);
	KUNIT_EXPECT_EQ(test, t->seen[0] + t->seen[1], 2);
	t->a.first = 0;

	/* nodes from the suite's SLAB_TYPESAFE_BY_RCU cache pass */
	fill(t, &t->a, 0, 20);
	walk_reset(t);
	KUNIT_EXPECT_EQ(test, walk(t, &t->a, &st, 0, true), 0);
	KUNIT_EXPECT_FALSE(test, st.fell_back);
	destroy(t, &t->a);
}

/* ---- SMP torture -------------------------------------------------------- */

/*
 * Writer kthreads, serialised by a spinlock, add and remove entries on
 * TORTURE_LISTS lists, so that nodes are freed to the SLAB_TYPESAFE_BY_RCU
 * cache and reused by other lists while walker kthreads walk without the
 * lock.  Every write bumps a sequence number; an entry records the sequence
 * of the write that added it.  After a walk that started at sequence s0, an
 * entry still on the walked list and added before s0 was on it for the whole
 * walk, so the walk must have visited it.  TORTURE_PINNED entries per list are
 * never removed (fill-the-hole still moves them).
 */
#define TORTURE_LISTS		4
#define TORTURE_PINNED		3

static unsigned int torture_ms = 1000;
module_param(torture_ms, uint, 0444);
MODULE_PARM_DESC(torture_ms, "how long the SMP torture case runs, in ms");

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
	struct llist_nulls_multi_iter it;
	void *e;

	spin_lock(&w->tt->lock);
	for (e = llist_nulls_multi_iter_first(h, &it); e;
	     e = llist_nulls_multi_iter_next(&it))
		torture_visit(e, w);
	spin_unlock(&w->tt->lock);
	return 0;
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
	struct llist_nulls_multi_stats st;
	struct llist_nulls_multi_walk walk = {
		.visit = torture_visit,
		.fallback = torture_fallback,
		.stats = &st,
	};
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
		/* the inline form, with the visitor known at compile time */
		if (__llist_nulls_multi_walk_lockless(&tt->heads[w->list], KVM_CAP,
						      &walk, w))
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
	bool need;

	if (from >= 0) {
		ret = llist_nulls_multi_del(&tt->heads[from], E(e), KVM_CAP, &freed);
		if (ret)
			atomic_inc(&tt->writer_errors);
		tt->where[e] = -1;
		if (freed)
			kmem_cache_free(node_cache, freed);
	} else {
		need = llist_nulls_multi_need_node(&tt->heads[to], KVM_CAP);
		if (need && !*spare)
			return;
		ret = llist_nulls_multi_add(&tt->heads[to], E(e), KVM_CAP,
					    need ? *spare : NULL);
		if (ret < 0) {
			atomic_inc(&tt->writer_errors);
			return;
		}
		if (need)
			*spare = NULL;
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

static void llnm_torture_writers_and_lockless_walkers_race(struct kunit *test)
{
	struct torture *tt = kunit_kzalloc(test, sizeof(*tt), GFP_KERNEL);
	int nwalkers = max(2U, num_online_cpus()), nwriters = 2, i, l;
	struct llist_nulls_multi_node *spare;
	struct task_struct *task;

	KUNIT_ASSERT_NOT_NULL(test, tt);
	spin_lock_init(&tt->lock);
	memset(tt->where, -1, sizeof(tt->where));
	for (i = 0; i < TORTURE_LISTS * TORTURE_PINNED; i++) {
		spare = node_new(test);
		torture_write(tt, i, i % TORTURE_LISTS, &spare);
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

	/* the lists are still well formed: each holds what the writers say */
	for (l = 0; l < TORTURE_LISTS; l++) {
		DECLARE_BITMAP(want, MAX_ENTRIES);
		struct tctx *t = tctx_new(test, KVM_CAP);

		bitmap_zero(want, MAX_ENTRIES);
		for (i = 0; i < MAX_ENTRIES; i++)
			if (tt->where[i] == l)
				__set_bit(i, want);
		check_list(t, &tt->heads[l], want);
		llist_nulls_multi_destroy(&tt->heads[l], KVM_CAP, NULL, node_free, NULL);
	}
}

static int llnm_suite_init(struct kunit_suite *suite)
{
	node_cache = kmem_cache_create("llnm_test_node",
				       LLIST_NULLS_MULTI_NODE_SIZE(KVM_CAP), 0,
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
	KUNIT_CASE(llnm_iter_goes_first_node_first_last_slot_down),
	KUNIT_CASE(llnm_take_first_until_empty_moves_nothing),
	KUNIT_CASE(llnm_destroy_visits_each_once_and_frees_every_node),
	KUNIT_CASE(llnm_any_capacity_keeps_invariants),
	KUNIT_CASE(llnm_lockless_walk_of_quiet_list_is_one_pass),
	KUNIT_CASE(llnm_lockless_visitor_can_end_the_walk),
	KUNIT_CASE(llnm_lockless_hole_filling_never_hides_an_entry),
	KUNIT_CASE(llnm_lockless_node_emptied_under_walker_hides_nothing),
	KUNIT_CASE(llnm_lockless_walker_moved_to_another_list_rewalks),
	KUNIT_CASE(llnm_lockless_node_freed_zeroed_reused_under_walker),
	KUNIT_CASE(llnm_lockless_pingpong_ends_within_bound_then_falls_back),
	KUNIT_CASE(llnm_lockless_entries_added_during_walk_lose_nothing),
	KUNIT_CASE(llnm_lockless_walk_checks_node_memory_in_debug_builds),
	{}
};

static struct kunit_suite llnm_suite = {
	.name = "llist_nulls_multi",
	.suite_init = llnm_suite_init,
	.suite_exit = llnm_suite_exit,
	.test_cases = llnm_cases,
};

static struct kunit_case llnm_torture_cases[] = {
	KUNIT_CASE_SLOW(llnm_torture_writers_and_lockless_walkers_race),
	{}
};

static struct kunit_suite llnm_torture_suite = {
	.name = "llist_nulls_multi_torture",
	.suite_init = llnm_suite_init,
	.suite_exit = llnm_suite_exit,
	.test_cases = llnm_torture_cases,
};

kunit_test_suites(&llnm_suite, &llnm_torture_suite);

MODULE_DESCRIPTION("KUnit tests for llist_nulls_multi");
MODULE_LICENSE("GPL");
