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
#include <kunit/static_stub.h>

#ifdef CONFIG_DEBUG_LLIST_NULLS_MULTI
#include <linux/mm.h>
#include <linux/slab.h>

/* Whether @node is slab memory, not the page allocator's, static or stack. */
static bool node_in_slab(const struct llist_nulls_multi_node *node)
{
	return virt_addr_valid(node) && folio_test_slab(virt_to_folio(node));
}

/*
 * Whether @node may be of @p's type, if @p names a cache: slab memory, and
 * the cache's objects hold @p->cap entries but not @p->cap + 2 (one slot
 * may hold SLUB's free pointer, in a type-stable cache created with
 * freeptr_offset).  Only what slab exports is used, so which cache a node
 * came from, and whether that cache is SLAB_TYPESAFE_BY_RCU, are not
 * checked: see the guide ("Checking node types") for what catches those.
 */
static bool node_of_type(const struct llist_nulls_multi_params *p,
			 const struct llist_nulls_multi_node *node)
{
	unsigned int size;

	if (!p->node_cache)
		return true;
	size = kmem_cache_size(*p->node_cache);
	return node_in_slab(node) &&
	       LLIST_NULLS_MULTI_NODE_SIZE(p->cap) <= size &&
	       LLIST_NULLS_MULTI_NODE_SIZE(p->cap + 2) > size;
}

/**
 * __llist_nulls_multi_node_typed - check a node a writer is about to change
 * @head: the list
 * @p: the node type the caller says the list has
 * @node: the node
 *
 * Debug builds only.  Warns once if @node is not of @p's type (see
 * struct llist_nulls_multi_params).
 *
 * Return: true if it is.
 */
bool __llist_nulls_multi_node_typed(const struct llist_nulls_multi_head *head,
				    const struct llist_nulls_multi_params *p,
				    const struct llist_nulls_multi_node *node)
{
	if (node_of_type(p, node))
		return true;
	WARN_ONCE(1, "llist_nulls_multi: node %p of list %p is not of its params' type (capacity %u)\n",
		  node, head, p->cap);
	return false;
}
EXPORT_SYMBOL_GPL(__llist_nulls_multi_node_typed);

/**
 * __llist_nulls_multi_node_ok - check a node a lockless walk is entering
 * @head: the list being walked
 * @p: the list's node type
 * @node: the node
 *
 * Debug builds only.  Warns once if @node is not slab memory (a lockless
 * walker may stand only on a SLAB_TYPESAFE_BY_RCU cache's objects, and slab
 * does not export which cache an object is from), or not of @p's type as
 * __llist_nulls_multi_node_typed() checks it.
 *
 * Return: true if @node passes both checks.
 */
bool __llist_nulls_multi_node_ok(const struct llist_nulls_multi_head *head,
				 const struct llist_nulls_multi_params *p,
				 const struct llist_nulls_multi_node *node)
{
	if (!node_in_slab(node)) {
		WARN_ONCE(1, "llist_nulls_multi: lockless walk of %p entered node %p, which is not slab memory\n",
			  head, node);
		return false;
	}
	return __llist_nulls_multi_node_typed(head, p, node);
}
EXPORT_SYMBOL_GPL(__llist_nulls_multi_node_ok);
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
 * __llist_nulls_multi_bad_count - refuse a list whose node is over capacity
 * @head: the list
 * @p: the node type the caller says the list has
 * @count: the count found in one of @head's nodes, above @p->cap
 *
 * The list's nodes are of another type than @p: the caller passed another
 * type's params.  Warns once per boot, whatever the caller.
 *
 * Return: -EINVAL.
 */
int __llist_nulls_multi_bad_count(const struct llist_nulls_multi_head *head,
				  const struct llist_nulls_multi_params *p,
				  u32 count)
{
	WARN_ONCE(1, "llist_nulls_multi: list %p has a node holding %u entries, above the capacity %u it was given\n",
		  head, count, p->cap);
	return -EINVAL;
}
EXPORT_SYMBOL_GPL(__llist_nulls_multi_bad_count);

/**
 * __llist_nulls_multi_add_node - add an entry that needs a new first node
 * @head: the list; the caller holds the writers' lock
 * @entry: a valid entry
 * @p: the list's node type
 * @nodep: where the caller's node is, or NULL
 *
 * The slow path of llist_nulls_multi_add(), for a list that holds one entry
 * inline or whose first node is full.  The node is filled in completely
 * before the head word publishes it, so a walker that finds it through the
 * head finds it whole.
 *
 * Return: the number of entries the list held before, -EINVAL for a
 * capacity below 2, a first node over capacity or (debug builds) a node
 * not of @p's type, -ENOMEM if there is no node.  On error the list and
 * *@nodep are unchanged.
 */
int __llist_nulls_multi_add_node(struct llist_nulls_multi_head *head,
				 void *entry,
				 const struct llist_nulls_multi_params *p,
				 struct llist_nulls_multi_node **nodep)
{
	struct llist_nulls_multi_node *first = llist_nulls_multi_first_node(head);
	struct llist_nulls_multi_node *node = nodep ? *nodep : NULL;
	unsigned long old = head->first, next;
	unsigned int cap = p->cap;
	u32 held;
	int before;

	if (WARN_ONCE(cap < 2, "llist_nulls_multi: capacity %u below 2\n", cap))
		return -EINVAL;
	if (first && first->count > cap)
		return __llist_nulls_multi_bad_count(head, p, first->count);
	if (!node)
		return -ENOMEM;
	if (!__llist_nulls_multi_node_typed(head, p, node) ||
	    (first && !__llist_nulls_multi_node_typed(head, p, first)))
		return -EINVAL;

	/*
	 * A walker may still stand on @node from an earlier life.  Every slot
	 * it may load with acquire is written with a release: an acquire that
	 * reads a plain store orders nothing, even after an earlier release to
	 * the same slot in this critical section (LLNM+reuse-slot-plain).  The
	 * litmus tests are in tools/testing/llist_nulls_multi/litmus/.
	 */
	if (!first) {
		/* One entry inline: it and @entry become the only node. */
		smp_store_release(&node->entries[0], (void *)old);
		/* A release as well, see above. */
		smp_store_release(&node->entries[1], entry);
		WRITE_ONCE(node->pos, 0);
		held = 2;
		next = llist_nulls_multi_nulls(head);
		before = 1;
	} else {
		/* The first node is full: push a new one in front of it. */
		smp_store_release(&node->entries[0], entry);
		WRITE_ONCE(node->pos, first->pos + 1);
		held = 1;
		next = (unsigned long)first;
		before = (first->pos + 1) * cap;
	}
	/* The count after the slots it covers (LLNM+add-count-after-slot). */
	smp_store_release(&node->count, held);
	/*
	 * The link after everything this critical section wrote: a walker
	 * that follows it from @node reaches a node set up earlier (say by
	 * the previous add) without going through the head word, and must
	 * find it whole (LLNM+reinit-link).
	 */
	smp_store_release(&node->next, next);
	/* Publish the whole node (LLNM+add-node-publish). */
	smp_store_release(&head->first,
			  (unsigned long)node | LLIST_NULLS_MULTI_MANY);
	*nodep = NULL;
	return before;
}
EXPORT_SYMBOL_GPL(__llist_nulls_multi_add_node);

/**
 * llist_nulls_multi_del - remove an entry from a list
 * @head: the list; the caller holds the writers' lock
 * @entry: the entry to remove
 * @p: the list's node type
 * @freed: always written: set to the node the list no longer uses, or NULL
 *
 * Finds @entry by a linear search in the order of a locked walk, so a
 * removal costs O(n) in the length of the list; a list holding @entry more
 * than once loses the copy found first, and keeps the others.  The hole
 * left by @entry is filled with the first node's last entry, so that every
 * node behind the first stays full, and the first node's count is lowered;
 * the slot above the new count keeps what it held, so a removal writes the
 * hole and the count and nothing else.  A first node left empty is
 * unlinked, its count 0, and handed back in *@freed; lockless walkers may
 * still be reading it, so it must go back to type-stable memory (or be
 * freed after a grace period).  A list that drops to one entry keeps its
 * node: moving the entry back into the head word could hide it from a
 * walker that has passed the head.
 *
 * Return: 0; -ENOENT if @entry is not in the list, or -EINVAL (with a
 * warning) if its first node holds more than @p->cap entries or, in debug
 * builds, is not of @p's type.  On error the list is unchanged and *@freed
 * is NULL.
 */
int llist_nulls_multi_del(struct llist_nulls_multi_head *head, void *entry,
			  const struct llist_nulls_multi_params *p,
			  struct llist_nulls_multi_node **freed)
{
	struct llist_nulls_multi_node *first = llist_nulls_multi_first_node(head);
	struct llist_nulls_multi_node *node = first;
	unsigned long next;
	int i, last;

	*freed = NULL;
	if (first && first->count > p->cap)
		return __llist_nulls_multi_bad_count(head, p, first->count);
	if (first && !__llist_nulls_multi_node_typed(head, p, first))
		return -EINVAL;
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
		/*
		 * The fill is a release too: a walker that reads it with
		 * acquire must be ordered after every earlier fill of this
		 * critical section (LLNM+refill-hole-plain).
		 */
		smp_store_release(&node->entries[i], first->entries[last]);
	/*
	 * The last slot is not cleared: a walker that read the old count
	 * finds there the entry just moved, or a later add's or fill's
	 * release, which is ordered after the fill (LLNM+del-last-slot-kept).
	 * A store of NULL would only dirty one more line of the node.
	 *
	 * The entry the slot keeps (this one, or the one moved, when it is
	 * removed later) may be read there after its removal, but not after
	 * its object is freed: the caller frees it only after a grace period
	 * that follows its removal, and a walker finds it in the slot only
	 * if it loaded, earlier in the same RCU read-side critical section,
	 * a count from before the store below, so overwritten before that
	 * grace period begins.  The walker's critical section therefore ends
	 * before the grace period does (LLNM+del-slot-kept-gp; its twin
	 * without the count load, LLNM+del-slot-kept-gp-nocount, can see
	 * the object freed).
	 *
	 * A walker that reads the lower count must then find the fill
	 * (LLNM+del-count-then-slot).
	 */
	smp_store_release(&first->count, last);
	if (last)
		return 0;

	next = first->next;
	if (next & LLIST_NULLS_MULTI_NULLS)
		WRITE_ONCE(head->first, 0);
	else
		/*
		 * Order the fill before a walker can start at @next
		 * (LLNM+del-head-to-next).
		 */
		smp_store_release(&head->first, next | LLIST_NULLS_MULTI_MANY);
	*freed = first;
	return 0;
}
EXPORT_SYMBOL_GPL(llist_nulls_multi_del);

#ifdef CONFIG_DEBUG_LLIST_NULLS_MULTI
/**
 * llist_nulls_multi_walk_event - a point in a lockless walk where tests act
 * @head: the list being walked
 * @node: the node about to be entered
 *
 * Called after a pass has loaded the link to @node and before it reads
 * anything in @node, only in debug builds (CONFIG_DEBUG_LLIST_NULLS_MULTI),
 * whose walks already call out of line for every node they enter, to check
 * it.  Other kernels, those that build the KUnit suite as a module among
 * them, have no call here: their walks cost what they cost without the
 * suite.  The suite redirects it with kunit_activate_static_stub() to play
 * the writer on another CPU at exactly this point, and skips the cases that
 * need it in other builds.  Exported without a namespace, so that modules
 * using the inline walk link in debug builds.
 */
void llist_nulls_multi_walk_event(const struct llist_nulls_multi_head *head,
				  struct llist_nulls_multi_node *node)
{
	KUNIT_STATIC_STUB_REDIRECT(llist_nulls_multi_walk_event, head, node);
}
EXPORT_SYMBOL_GPL(llist_nulls_multi_walk_event);
#endif
