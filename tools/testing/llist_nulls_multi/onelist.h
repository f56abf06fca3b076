/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal one-entry-per-node list, hlist_nulls style, for the benchmarks
 * to compare llist_nulls_multi against: each node holds one entry and a
 * link; the last link is a nulls value naming the head; new nodes are pushed
 * at the front.  Walkers may run under RCU over type-stable nodes: a walk
 * that ends on another list's nulls starts again (with no bound, as in
 * rculist_nulls).  Writers are serialised by the caller.
 */
#ifndef _LLNM_ONELIST_H
#define _LLNM_ONELIST_H

#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/rcupdate.h>
#include <asm/barrier.h>

struct one_node {
	unsigned long next;	/* a node, or the nulls value */
	void *entry;
};

struct one_head {
	unsigned long first;	/* a node, or the nulls value */
};

static inline unsigned long one_nulls(const struct one_head *head)
{
	return (unsigned long)head | 1;
}

static inline void one_init(struct one_head *head)
{
	head->first = one_nulls(head);
}

/* Push @node, holding @entry, at the front. */
static inline void one_add(struct one_head *head, void *entry,
			   struct one_node *node)
{
	WRITE_ONCE(node->entry, entry);
	WRITE_ONCE(node->next, head->first);
	/* Publish the node whole: pairs with the walker's acquire loads. */
	smp_store_release(&head->first, (unsigned long)node);
}

/* Unlink the node holding @entry and return it in *@freed. */
static inline int one_del(struct one_head *head, void *entry,
			  struct one_node **freed)
{
	unsigned long *link = &head->first;
	struct one_node *node;

	while (!(*link & 1)) {
		node = (struct one_node *)*link;
		if (node->entry == entry) {
			WRITE_ONCE(*link, node->next);
			*freed = node;
			return 0;
		}
		link = &node->next;
	}
	*freed = NULL;
	return -ENOENT;
}

static inline void *one_first(const struct one_head *head)
{
	if (head->first & 1)
		return NULL;
	return ((struct one_node *)head->first)->entry;
}

/* A walk under the writers' lock, @visit inlined where it is known. */
static __always_inline void
one_walk_locked(const struct one_head *head, void (*visit)(void *, void *),
		void *arg)
{
	unsigned long link;

	for (link = head->first; !(link & 1);
	     link = ((struct one_node *)link)->next)
		visit(((struct one_node *)link)->entry, arg);
}

/* A lockless walk: start again when moved to another list. */
static inline void one_walk_lockless(const struct one_head *head,
				     int (*visit)(void *, void *), void *arg)
{
	unsigned long nulls = one_nulls(head), link;
	struct one_node *node;

	rcu_read_lock();
again:
	/* Pairs with the release in one_add(). */
	link = smp_load_acquire(&head->first);
	while (!(link & 1)) {
		node = (struct one_node *)link;
		if (visit(READ_ONCE(node->entry), arg))
			break;
		/* The next node after this one's entry, as one_add() wrote them. */
		link = smp_load_acquire(&node->next);
		/* Another list's nulls, or a node zeroed for reuse. */
		if (!link || ((link & 1) && link != nulls))
			goto again;
	}
	rcu_read_unlock();
}

#endif
