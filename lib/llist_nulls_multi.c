// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lists of pointers packed several to a node, with a nulls value that names
 * the head and positions that bound every lockless pass.
 *
 * See Documentation/core-api/llist-nulls-multi.rst for the rules and for why
 * the lockless walk keeps its promises.
 */

#include <linux/bug.h>
#include <linux/export.h>
#include <linux/llist_nulls_multi.h>
#include <linux/minmax.h>
#include <linux/rcupdate.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>

#ifdef CONFIG_DEBUG_LLIST_NULLS_MULTI
#include <linux/mm.h>
#include "../mm/slab.h"

/* Is @node memory a lockless walker may stand on: a TYPESAFE_BY_RCU slab? */
static bool llnm_node_type_stable(const struct llist_nulls_multi_node *node)
{
	struct slab *slab;

	if (!virt_addr_valid(node))
		return false;
	slab = virt_to_slab(node);
	return slab && (slab->slab_cache->flags & SLAB_TYPESAFE_BY_RCU);
}
#else
static inline bool llnm_node_type_stable(const struct llist_nulls_multi_node *node)
{
	return true;
}
#endif

/**
 * __llist_nulls_multi_bad_entry - refuse an entry that cannot be stored
 * @entry: the entry, NULL or with bit 0 set
 *
 * Warns once per boot, whatever the caller.
 *
 * Return: -EINVAL.
 */
int __llist_nulls_multi_bad_entry(const void *entry)
{
	WARN_ONCE(1, "llist_nulls_multi: refusing entry %p: NULL or bit 0 set\n",
		  entry);
	return -EINVAL;
}
EXPORT_SYMBOL_GPL(__llist_nulls_multi_bad_entry);

/**
 * __llist_nulls_multi_add_node - add an entry that needs a new first node
 * @head: the list; the caller holds the writers' lock
 * @entry: a valid entry
 * @cap: the capacity of the list's nodes, at least 2
 * @node: the new node, or NULL
 *
 * The slow path of llist_nulls_multi_add(), for a list that holds one entry
 * inline or whose first node is full.  @node is filled in completely before
 * the head word publishes it, so a walker that finds it through the head
 * finds it whole.
 *
 * Return: the number of entries the list held before, -EINVAL for a @cap
 * below 2, -ENOMEM if @node is NULL.  On error the list is unchanged.
 */
int __llist_nulls_multi_add_node(struct llist_nulls_multi_head *head,
				 void *entry, unsigned int cap,
				 struct llist_nulls_multi_node *node)
{
	struct llist_nulls_multi_node *first = llist_nulls_multi_first_node(head);
	unsigned long old = head->first;
	int count;

	if (WARN_ONCE(cap < 2, "llist_nulls_multi: capacity %u below 2\n", cap))
		return -EINVAL;
	if (!node)
		return -ENOMEM;

	if (!first) {
		/* One entry inline: it and @entry become the only node. */
		WRITE_ONCE(node->entries[0], (void *)old);
		WRITE_ONCE(node->entries[1], entry);
		WRITE_ONCE(node->count, 2);
		WRITE_ONCE(node->pos, 0);
		WRITE_ONCE(node->next, llist_nulls_multi_nulls(head));
		count = 1;
	} else {
		/* The first node is full: push a new one in front of it. */
		WRITE_ONCE(node->entries[0], entry);
		WRITE_ONCE(node->count, 1);
		WRITE_ONCE(node->pos, first->pos + 1);
		WRITE_ONCE(node->next, (unsigned long)first);
		count = (first->pos + 1) * cap;
	}
	/* Publish the whole node: pairs with the walker's dependent loads. */
	smp_store_release(&head->first,
			  (unsigned long)node | LLIST_NULLS_MULTI_MANY);
	return count;
}
EXPORT_SYMBOL_GPL(__llist_nulls_multi_add_node);

/**
 * llist_nulls_multi_del - remove an entry from a list
 * @head: the list; the caller holds the writers' lock
 * @entry: the entry to remove
 * @cap: the capacity of the list's nodes
 * @freed: set to the node the list no longer uses, or to NULL
 *
 * The hole left by @entry is filled with the first node's last entry, so
 * that every node behind the first stays full; the moved entry is written
 * into the hole before its old slot is cleared.  A first node left empty is
 * unlinked and handed back in @freed; lockless walkers may still be reading
 * it, so it must go back to type-stable memory (or be freed after a grace
 * period).  A list that drops to one entry keeps its node: moving the entry
 * back into the head word could hide it from a walker that has passed the
 * head.
 *
 * Return: 0, or -ENOENT if @entry is not in the list, which is then
 * unchanged.
 */
int llist_nulls_multi_del(struct llist_nulls_multi_head *head, void *entry,
			  unsigned int cap, struct llist_nulls_multi_node **freed)
{
	struct llist_nulls_multi_node *first = llist_nulls_multi_first_node(head);
	struct llist_nulls_multi_node *node = first;
	unsigned long next;
	int i, last;

	*freed = NULL;
	if (!first) {
		if (!entry || head->first != (unsigned long)entry)
			return -ENOENT;
		WRITE_ONCE(head->first, 0);
		return 0;
	}

	for (;;) {
		for (i = node->count - 1; i >= 0; i--)
			if (node->entries[i] == entry)
				goto found;
		if (node->next & LLIST_NULLS_MULTI_NULLS)
			return -ENOENT;
		node = (struct llist_nulls_multi_node *)node->next;
	}

found:
	last = first->count - 1;
	if (node != first || i != last)
		WRITE_ONCE(node->entries[i], first->entries[last]);
	/* Order the fill before the clear: see "Fill the hole" in the guide. */
	smp_store_release(&first->entries[last], NULL);
	/* A walker that reads the lower count must then find the fill. */
	smp_store_release(&first->count, last);
	if (last)
		return 0;

	next = first->next;
	if (next & LLIST_NULLS_MULTI_NULLS)
		WRITE_ONCE(head->first, 0);
	else
		/* Order the fill above before a walker can start at @next. */
		smp_store_release(&head->first, next | LLIST_NULLS_MULTI_MANY);
	*freed = first;
	return 0;
}
EXPORT_SYMBOL_GPL(llist_nulls_multi_del);

/**
 * llist_nulls_multi_walk_event - a point in a lockless walk where tests act
 * @head: the list being walked
 * @node: the node about to be entered
 *
 * Called after a pass has loaded the link to @node and before it reads
 * anything in @node.  Empty, and compiled away, unless KUnit is built in;
 * KUnit tests redirect it with kunit_activate_static_stub() to play the
 * writer on another CPU at exactly this point.
 */
VISIBLE_IF_KUNIT void
llist_nulls_multi_walk_event(const struct llist_nulls_multi_head *head,
			     struct llist_nulls_multi_node *node)
{
	KUNIT_STATIC_STUB_REDIRECT(llist_nulls_multi_walk_event, head, node);
}
EXPORT_SYMBOL_IF_KUNIT(llist_nulls_multi_walk_event);

enum llnm_pass_end {
	LLNM_PASS_DONE,
	LLNM_PASS_MOVED,
	LLNM_PASS_REFUSED,
	LLNM_PASS_UNSAFE,
};

/*
 * One lockless pass.  Returns how it ended, or the visitor's non-zero
 * value in *ret.  Every load of something a writer may change is marked, and
 * each slot is loaded with acquire so that a slot found cleared orders every
 * later load after the fill that preceded the clear.
 */
static enum llnm_pass_end
llnm_pass(const struct llist_nulls_multi_head *head, unsigned int cap,
	  const struct llist_nulls_multi_walk *walk, void *arg,
	  struct llist_nulls_multi_stats *st, int *ret)
{
	unsigned long nulls = llist_nulls_multi_nulls(head);
	struct llist_nulls_multi_node *node;
	unsigned long link = READ_ONCE(head->first);
	unsigned int steps = 0;
	u32 pos, npos, count;
	void *entry;
	int i;

	*ret = 0;
	if (!link)
		return LLNM_PASS_DONE;
	if (!(link & LLIST_NULLS_MULTI_MANY)) {
		*ret = walk->visit((void *)link, arg);
		return LLNM_PASS_DONE;
	}

	node = (struct llist_nulls_multi_node *)(link & ~LLIST_NULLS_MULTI_MANY);
	llist_nulls_multi_walk_event(head, node);
	if (!llnm_node_type_stable(node))
		goto unsafe;
	pos = READ_ONCE(node->pos);
	st->max_pass_bound = max(st->max_pass_bound, pos + 1);

	for (;;) {
		steps++;
		st->steps++;
		st->max_pass_steps = max(st->max_pass_steps, steps);

		/* Pairs with the release of a lower count in _del(). */
		count = smp_load_acquire(&node->count);
		for (i = (int)min(count, cap) - 1; i >= 0; i--) {
			/* Pairs with the fill-then-clear release in _del(). */
			entry = smp_load_acquire(&node->entries[i]);
			if (!entry)
				continue;
			*ret = walk->visit(entry, arg);
			if (*ret)
				return LLNM_PASS_DONE;
		}

		/* Order the link after the slots: see "Fill the hole". */
		link = smp_load_acquire(&node->next);
		if (link == nulls)
			return LLNM_PASS_DONE;
		/* Another list's nulls, or a node zeroed on its way to reuse. */
		if ((link & LLIST_NULLS_MULTI_NULLS) || !link)
			return LLNM_PASS_MOVED;

		node = (struct llist_nulls_multi_node *)link;
		llist_nulls_multi_walk_event(head, node);
		if (!llnm_node_type_stable(node))
			goto unsafe;
		npos = READ_ONCE(node->pos);
		if (npos >= pos)
			return LLNM_PASS_REFUSED;
		pos = npos;
	}

unsafe:
	WARN_ONCE(1, "llist_nulls_multi: lockless walk of %p entered node %p, which is not in a SLAB_TYPESAFE_BY_RCU cache\n",
		  head, node);
	return LLNM_PASS_UNSAFE;
}

/**
 * llist_nulls_multi_walk_lockless - visit every entry without the lock
 * @head: the list
 * @cap: the capacity of the list's nodes
 * @walk: the visitor, the fallback, the pass limit and where to put stats
 * @arg: passed to @walk->visit and @walk->fallback
 *
 * Walks @head under rcu_read_lock(), concurrently with writers, over node
 * memory that must be type-stable (a %SLAB_TYPESAFE_BY_RCU cache holding
 * nodes of capacity @cap only).  A pass visits the first node first and
 * each node from its last slot down.  It starts again if it ends on a nulls
 * value that is not @head's (it was moved to another list) or meets a link
 * whose position is not below the current one; a pass follows only strictly
 * decreasing positions, so it enters at most p + 1 nodes, p being the
 * position it read in its first node.  After @walk->max_passes passes the
 * walk leaves the RCU read side and calls @walk->fallback.  With
 * CONFIG_DEBUG_LLIST_NULLS_MULTI, a pass that enters a node outside a
 * %SLAB_TYPESAFE_BY_RCU cache warns once and the walk falls back at once.
 *
 * If the walk returns 0, every entry that was in the list for the whole
 * walk was visited at least once.  Entries added or removed meanwhile may or
 * may not be visited, an entry may be visited more than once, and an entry
 * may belong to another list with nodes of the same type: @walk->visit must
 * validate what it is given.  @walk->visit runs under rcu_read_lock() and
 * must not sleep.
 *
 * Return: 0 when a pass finished, the visitor's non-zero value if it ended
 * the walk, the fallback's value if the walk fell back, or -EAGAIN if it
 * could not finish and there is no fallback.
 */
int llist_nulls_multi_walk_lockless(const struct llist_nulls_multi_head *head,
				    unsigned int cap,
				    const struct llist_nulls_multi_walk *walk,
				    void *arg)
{
	unsigned int max_passes = walk->max_passes ?: LLIST_NULLS_MULTI_MAX_PASSES;
	struct llist_nulls_multi_stats local, *st = walk->stats ?: &local;
	enum llnm_pass_end end;
	int ret = 0;

	*st = (struct llist_nulls_multi_stats){};
	rcu_read_lock();
	while (st->passes < max_passes) {
		st->passes++;
		end = llnm_pass(head, cap, walk, arg, st, &ret);
		if (end == LLNM_PASS_DONE) {
			rcu_read_unlock();
			return ret;
		}
		if (end == LLNM_PASS_UNSAFE)
			break;
		if (end == LLNM_PASS_MOVED)
			st->moved++;
		else
			st->refused++;
	}
	rcu_read_unlock();

	st->fell_back = true;
	if (!walk->fallback)
		return -EAGAIN;
	return walk->fallback(head, arg);
}
EXPORT_SYMBOL_GPL(llist_nulls_multi_walk_lockless);
