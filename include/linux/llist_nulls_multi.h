/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_LLIST_NULLS_MULTI_H
#define _LINUX_LLIST_NULLS_MULTI_H
/*
 * Singly-linked lists of pointers, packed several to a node, that writers
 * change under a lock of their own and that readers may walk under RCU.
 * Unlike <linux/llist.h>, whose writers need no lock and whose readers
 * take the whole list at once, writers here are serialised by the caller
 * and readers walk the list in place, without any lock, while it changes.
 *
 * A list is one word, struct llist_nulls_multi_head.  It is empty (0), holds
 * one entry inline (a pointer with bit 0 clear), or points at a chain of
 * nodes (a node pointer with bit 0 set).  Each node holds up to @cap entries;
 * new nodes are pushed at the front, so every node behind the first is full
 * and a node's position (its distance from the last node) never changes while
 * it is on a list.  The last node's link is a "nulls" value that names the
 * head: (unsigned long)head | 1.
 *
 * A node type is described once, by a struct llist_nulls_multi_params that
 * every call on its lists is given.
 *
 * Writers are serialised by the caller.  The library never allocates: an add
 * that needs a node takes the one the caller offers, or fails with -ENOMEM
 * so that the caller can allocate one and try again; a removal that empties
 * the first node hands it back.
 *
 * See Documentation/core-api/llist-nulls-multi.rst.
 */

#include <linux/bits.h>
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/rcupdate.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <asm/barrier.h>

struct kmem_cache;

/* Bit 0 of the head word: the rest of the word points at the first node. */
#define LLIST_NULLS_MULTI_MANY		BIT(0)
/* Bit 0 of a node's link: the rest of the word is the address of a head. */
#define LLIST_NULLS_MULTI_NULLS		BIT(0)

/**
 * LLIST_NULLS_MULTI_MAX_PASSES - default number of lockless passes
 *
 * A lockless walk starts a new pass when it finds that writers moved it off
 * its list or handed it a link whose position did not decrease.  After this
 * many passes it stops trying and falls back (see
 * llist_nulls_multi_walk_lockless()).
 */
#define LLIST_NULLS_MULTI_MAX_PASSES	4

/**
 * struct llist_nulls_multi_params - a node type: its capacity and its cache
 * @cap: the number of entries a node holds, at least 2
 * @node_cache: the cache the nodes come from, or NULL if they come from
 *	no one cache
 *
 * Define one static const instance per node type, next to the node cache,
 * and pass it to every call on lists of that type, as rhashtable passes its
 * params: the compiler folds @cap into the inline functions.  An add or a
 * removal given params of a smaller capacity than the list's first node
 * holds returns -EINVAL and warns once.  With CONFIG_DEBUG_LLIST_NULLS_MULTI,
 * every node a lockless walk enters is checked to be slab memory and, with
 * a @node_cache, every node an add or a removal changes too, and the cache
 * to fit the type: objects of *@node_cache hold @cap entries but not
 * @cap + 2 (one slot may hold SLUB's free pointer, in a
 * %SLAB_TYPESAFE_BY_RCU cache created with freeptr_offset).  A call that
 * fails a check warns once; an add or a removal then returns -EINVAL, and
 * a lockless walk falls back.  Which cache a node came from is not checked
 * (slab does not export it).  Without that option a capacity larger than
 * the nodes' writes past their end: pass the params defined with the cache.
 */
struct llist_nulls_multi_params {
	unsigned int cap;
	struct kmem_cache **node_cache;
};

/**
 * struct llist_nulls_multi_head - the head word of a list
 * @first: 0, an entry, or the first node's address | %LLIST_NULLS_MULTI_MANY
 */
struct llist_nulls_multi_head {
	unsigned long first;
};

/**
 * struct llist_nulls_multi_node - a node of entries
 * @next: the next node's address, or the list's nulls value
 * @count: the number of entries held, at most the capacity; never 0 on a list
 * @pos: the number of nodes behind this one; fixed while on a list
 * @entries: the entries, @count of them, packed from slot 0
 *
 * A node type is this header followed by a fixed number of slots, its
 * capacity, named by the type's struct llist_nulls_multi_params.  Allocate
 * nodes of LLIST_NULLS_MULTI_NODE_SIZE(cap) bytes.  If lockless walkers are
 * used, node memory must be type-stable for them: a %SLAB_TYPESAFE_BY_RCU
 * cache used for nodes of this type only.
 */
struct llist_nulls_multi_node {
	unsigned long next;
	u32 count;
	u32 pos;
	void *entries[];
};

/**
 * LLIST_NULLS_MULTI_NODE_SIZE - the size of a node of a given capacity
 * @cap: the number of entries a node holds, at least 2
 */
#define LLIST_NULLS_MULTI_NODE_SIZE(cap)				\
	(offsetof(struct llist_nulls_multi_node, entries) +		\
	 (cap) * sizeof(void *))

/**
 * struct llist_nulls_multi_iter - a cursor for locked walks
 * @node: the node holding the current entry, NULL for an inline entry
 * @slot: the current entry's slot in @node
 *
 * The fields are private to the iterator functions.
 */
struct llist_nulls_multi_iter {
	struct llist_nulls_multi_node *node;
	int slot;
};

/**
 * struct llist_nulls_multi_stats - what a lockless walk did
 * @passes: passes started, including the one that finished
 * @steps: nodes entered, over all passes
 * @max_pass_steps: the most nodes entered in one pass
 * @max_pass_bound: the largest per-pass bound, first position + 1, of any pass
 * @moved: passes abandoned on another list's nulls or on a broken link
 * @refused: passes abandoned on a link whose position did not decrease
 * @fell_back: the walk gave up its lockless passes
 *
 * Filled in by each llist_nulls_multi_walk_lockless() call that is given
 * one; it belongs to that call, so walkers running at once each pass their
 * own.  A pass never enters more nodes than its bound, so @max_pass_steps is
 * at most @max_pass_bound, and @steps is at most @passes * @max_pass_bound.
 */
struct llist_nulls_multi_stats {
	unsigned int passes;
	unsigned int steps;
	unsigned int max_pass_steps;
	unsigned int max_pass_bound;
	unsigned int moved;
	unsigned int refused;
	bool fell_back;
};

/**
 * struct llist_nulls_multi_walk - how to walk a list without its lock
 * @visit: called for each entry found; a non-zero return ends the walk
 * @fallback: called, outside the RCU read side, when @max_passes passes did
 *	not finish; it should walk the list under the writers' lock, which
 *	llist_nulls_multi_walk_locked() does with the same @visit.  If NULL, the
 *	walk returns -EAGAIN instead.
 * @max_passes: passes to try, 0 for %LLIST_NULLS_MULTI_MAX_PASSES
 *
 * Nothing in it changes from call to call, so it can be static const, which
 * lets the compiler inline @visit and @fallback into the walk.
 */
struct llist_nulls_multi_walk {
	int (*visit)(void *entry, void *arg);
	int (*fallback)(const struct llist_nulls_multi_head *head, void *arg);
	unsigned int max_passes;
};

int __llist_nulls_multi_add_node(struct llist_nulls_multi_head *head,
				 void *entry,
				 const struct llist_nulls_multi_params *p,
				 struct llist_nulls_multi_node **node);
int __llist_nulls_multi_bad_entry(const void *entry);
int __llist_nulls_multi_bad_count(const struct llist_nulls_multi_head *head,
				  const struct llist_nulls_multi_params *p,
				  u32 count);
int llist_nulls_multi_del(struct llist_nulls_multi_head *head, void *entry,
			  const struct llist_nulls_multi_params *p,
			  struct llist_nulls_multi_node **freed);
#ifdef CONFIG_DEBUG_LLIST_NULLS_MULTI
void llist_nulls_multi_walk_event(const struct llist_nulls_multi_head *head,
				  struct llist_nulls_multi_node *node);
bool __llist_nulls_multi_node_ok(const struct llist_nulls_multi_head *head,
				 const struct llist_nulls_multi_params *p,
				 const struct llist_nulls_multi_node *node);
bool __llist_nulls_multi_node_typed(const struct llist_nulls_multi_head *head,
				    const struct llist_nulls_multi_params *p,
				    const struct llist_nulls_multi_node *node);
#else
/* Walks of production builds have no test hook: it costs them nothing. */
static inline void
llist_nulls_multi_walk_event(const struct llist_nulls_multi_head *head,
			     struct llist_nulls_multi_node *node)
{
}

static inline bool
__llist_nulls_multi_node_ok(const struct llist_nulls_multi_head *head,
			    const struct llist_nulls_multi_params *p,
			    const struct llist_nulls_multi_node *node)
{
	return true;
}

static inline bool
__llist_nulls_multi_node_typed(const struct llist_nulls_multi_head *head,
			       const struct llist_nulls_multi_params *p,
			       const struct llist_nulls_multi_node *node)
{
	return true;
}
#endif

/**
 * LLIST_NULLS_MULTI_HEAD_INIT - an initializer for an empty list
 */
#define LLIST_NULLS_MULTI_HEAD_INIT	{ .first = 0 }

/**
 * llist_nulls_multi_init - make a list empty
 * @head: the list
 *
 * Only for a list that nobody else can see yet.
 */
static inline void llist_nulls_multi_init(struct llist_nulls_multi_head *head)
{
	head->first = 0;
}

/**
 * llist_nulls_multi_nulls - the value that ends a list's last node
 * @head: the list
 *
 * Return: @head's address with bit 0 set.
 */
static inline unsigned long
llist_nulls_multi_nulls(const struct llist_nulls_multi_head *head)
{
	return (unsigned long)head | LLIST_NULLS_MULTI_NULLS;
}

/**
 * llist_nulls_multi_empty - test whether a list is empty
 * @head: the list
 *
 * Return: true if @head holds no entry.
 */
static inline bool llist_nulls_multi_empty(const struct llist_nulls_multi_head *head)
{
	return !READ_ONCE(head->first);
}

/**
 * llist_nulls_multi_entry_valid - test whether a pointer can be an entry
 * @entry: the pointer
 *
 * Return: true if @entry is not NULL and has bit 0 clear.
 */
static inline bool llist_nulls_multi_entry_valid(const void *entry)
{
	return entry && !((unsigned long)entry & LLIST_NULLS_MULTI_MANY);
}

/**
 * llist_nulls_multi_first_node - the first node of a list
 * @head: the list; the caller holds the writers' lock
 *
 * Return: the first node, or NULL if @head is empty or holds its only entry
 * inline.
 */
static inline struct llist_nulls_multi_node *
llist_nulls_multi_first_node(const struct llist_nulls_multi_head *head)
{
	unsigned long first = head->first;

	if (!(first & LLIST_NULLS_MULTI_MANY))
		return NULL;
	return (struct llist_nulls_multi_node *)(first & ~LLIST_NULLS_MULTI_MANY);
}

/**
 * llist_nulls_multi_count - the number of entries in a list, in O(1)
 * @head: the list; the caller holds the writers' lock
 * @p: the list's node type
 *
 * Every node behind the first is full, so the count is the first node's
 * position times the capacity plus the first node's count.
 *
 * Return: the number of entries.
 */
static inline unsigned int
llist_nulls_multi_count(const struct llist_nulls_multi_head *head,
			const struct llist_nulls_multi_params *p)
{
	struct llist_nulls_multi_node *node = llist_nulls_multi_first_node(head);
	unsigned int cap = p->cap;

	if (!node)
		return head->first ? 1 : 0;
	return node->pos * cap + node->count;
}

/**
 * llist_nulls_multi_need_node - tell whether adding an entry needs a node
 * @head: the list; the caller holds the writers' lock
 * @p: the list's node type
 *
 * For callers that allocate under the writers' lock (from a pre-filled
 * cache, say) and want to allocate only when a node is needed.
 *
 * Return: true if the next llist_nulls_multi_add() to @head must be given a
 * node: the list holds one entry inline, or its first node is full.
 */
static inline bool
llist_nulls_multi_need_node(const struct llist_nulls_multi_head *head,
			    const struct llist_nulls_multi_params *p)
{
	struct llist_nulls_multi_node *node = llist_nulls_multi_first_node(head);

	if (!node)
		return head->first != 0;
	return node->count >= p->cap;
}

/**
 * llist_nulls_multi_add - add an entry to a list
 * @head: the list; the caller holds the writers' lock
 * @entry: the entry: not NULL, bit 0 clear
 * @p: the list's node type
 * @node: a node the add may take, or NULL: *@node is a node of @p's type
 *	(LLIST_NULLS_MULTI_NODE_SIZE(@p->cap) bytes, from *@p->node_cache if
 *	set) or NULL.  If the add takes it, *@node is set to NULL.
 *
 * The entry goes into the first node, into a new first node (the only case
 * that takes *@node: llist_nulls_multi_need_node() tells it in advance), or
 * inline into an empty head.  Entries already in the list do not move.  An
 * entry already in the list is added again: the list then holds it twice.
 * A caller that allocates with the lock dropped adds with no node first,
 * and allocates only on -ENOMEM::
 *
 *	node = NULL;
 *	spin_lock(&lock);
 *	while (llist_nulls_multi_add(head, entry, &params, &node) == -ENOMEM) {
 *		spin_unlock(&lock);
 *		node = kmem_cache_alloc(cache, GFP_KERNEL);
 *		if (!node)
 *			return -ENOMEM;
 *		spin_lock(&lock);
 *	}
 *	spin_unlock(&lock);
 *	if (node)
 *		kmem_cache_free(cache, node);
 *
 * where the node is freed if the list changed meanwhile and did not take it.
 *
 * Return: the number of entries the list held before (a list holds fewer
 * than INT_MAX), or -EINVAL for an invalid @entry, a capacity below 2 or
 * another node type's params (see struct llist_nulls_multi_params), or
 * -ENOMEM if a node was needed and none given.  On error the list and
 * *@node are unchanged.
 */
static inline int llist_nulls_multi_add(struct llist_nulls_multi_head *head,
					void *entry,
					const struct llist_nulls_multi_params *p,
					struct llist_nulls_multi_node **node)
{
	struct llist_nulls_multi_node *first;
	unsigned int cap = p->cap;
	u32 count;

	if (unlikely(!llist_nulls_multi_entry_valid(entry)))
		return __llist_nulls_multi_bad_entry(entry);

	if (!head->first) {
		/*
		 * Publish: a walker that sees @entry sees what it points at
		 * (LLNM+inline-publish).
		 */
		smp_store_release(&head->first, (unsigned long)entry);
		return 0;
	}

	first = llist_nulls_multi_first_node(head);
	if (first && first->count < cap) {
		if (IS_ENABLED(CONFIG_DEBUG_LLIST_NULLS_MULTI) &&
		    !__llist_nulls_multi_node_typed(head, p, first))
			return -EINVAL;
		count = first->count;
		/*
		 * Publish: pairs with the walker's acquire of the slot
		 * (LLNM+slot-publish).
		 */
		smp_store_release(&first->entries[count], entry);
		/*
		 * A walker that reads the new count finds the slot filled
		 * (LLNM+add-count-after-slot).
		 */
		smp_store_release(&first->count, count + 1);
		return first->pos * cap + count;
	}

	return __llist_nulls_multi_add_node(head, entry, p, node);
}

/**
 * llist_nulls_multi_first - the entry a locked walk would visit first
 * @head: the list; the caller holds the writers' lock
 *
 * Removing this entry never moves another, so "take the first and remove
 * it until the list is empty" costs O(1) a step.
 *
 * Return: the first entry, or NULL if @head is empty.
 */
static inline void *llist_nulls_multi_first(const struct llist_nulls_multi_head *head)
{
	struct llist_nulls_multi_node *node = llist_nulls_multi_first_node(head);

	if (!node)
		return (void *)head->first;
	return node->entries[node->count - 1];
}

/**
 * llist_nulls_multi_iter_first - start a locked walk
 * @head: the list; the caller holds the writers' lock
 * @iter: the cursor
 *
 * The walk visits the first node first and each node from its last slot
 * down.  Start again after removing entries: a removal may move an entry.
 * A locked walk is::
 *
 *	for (e = llist_nulls_multi_iter_first(head, &iter); e;
 *	     e = llist_nulls_multi_iter_next(&iter))
 *		use(e);
 *
 * Return: the first entry, or NULL if @head is empty.
 */
static inline void *
llist_nulls_multi_iter_first(const struct llist_nulls_multi_head *head,
			     struct llist_nulls_multi_iter *iter)
{
	struct llist_nulls_multi_node *node = llist_nulls_multi_first_node(head);

	iter->node = node;
	if (!node) {
		iter->slot = 0;
		return (void *)head->first;
	}
	iter->slot = node->count - 1;
	return node->entries[iter->slot];
}

/**
 * llist_nulls_multi_iter_next - step a locked walk
 * @iter: the cursor, set up by llist_nulls_multi_iter_first()
 *
 * Return: the next entry, or NULL at the end of the list.
 */
static inline void *llist_nulls_multi_iter_next(struct llist_nulls_multi_iter *iter)
{
	struct llist_nulls_multi_node *node = iter->node;

	if (!node)
		return NULL;
	if (iter->slot > 0)
		return node->entries[--iter->slot];
	if (node->next & LLIST_NULLS_MULTI_NULLS) {
		iter->node = NULL;
		return NULL;
	}
	node = (struct llist_nulls_multi_node *)node->next;
	iter->node = node;
	iter->slot = node->count - 1;
	return node->entries[iter->slot];
}

/**
 * llist_nulls_multi_walk_locked - visit every entry under the writers' lock
 * @head: the list; the caller holds the writers' lock
 * @visit: called for each entry, in the order of a locked walk; a non-zero
 *	return ends the walk
 * @arg: passed to @visit
 *
 * The locked walk with a lockless walk's visitor, so that a fallback is the
 * lock around this call.  Each entry is visited once.  @visit must not
 * change the list.  It is inlined where it is known at compile time.
 *
 * Return: 0, or the value of @visit that ended the walk.
 */
static __always_inline int
llist_nulls_multi_walk_locked(const struct llist_nulls_multi_head *head,
			      int (*visit)(void *entry, void *arg), void *arg)
{
	struct llist_nulls_multi_iter iter;
	void *entry;
	int ret;

	for (entry = llist_nulls_multi_iter_first(head, &iter); entry;
	     entry = llist_nulls_multi_iter_next(&iter)) {
		ret = visit(entry, arg);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * llist_nulls_multi_destroy - empty a list, visiting each entry once
 * @head: the list; the caller holds the writers' lock
 * @p: the list's node type
 * @fn: called for each entry, or NULL
 * @free_node: called for each node once the walk is done with it
 * @arg: passed to @fn and @free_node
 *
 * The list is empty before the first call to @fn.  Each node is handed to
 * @free_node with its count cleared (a release), so a lockless walker that
 * is still in it finds no entry there; @free_node may free it at once to a
 * type-stable cache, or after a grace period to any other memory.  @fn and
 * @free_node are inlined where they are known at compile time.
 *
 * Return: the number of entries the list held.
 */
static __always_inline unsigned int
llist_nulls_multi_destroy(struct llist_nulls_multi_head *head,
			  const struct llist_nulls_multi_params *p,
			  void (*fn)(void *entry, void *arg),
			  void (*free_node)(struct llist_nulls_multi_node *node,
					    void *arg),
			  void *arg)
{
	struct llist_nulls_multi_node *node = llist_nulls_multi_first_node(head);
	unsigned long first = head->first;
	unsigned int count;
	unsigned long next;
	int i;

	if (!first)
		return 0;
	WRITE_ONCE(head->first, 0);
	if (!node) {
		if (fn)
			fn((void *)first, arg);
		return 1;
	}

	count = node->pos * p->cap + node->count;
	for (;;) {
		if (fn)
			for (i = node->count - 1; i >= 0; i--)
				fn(node->entries[i], arg);
		next = node->next;
		/*
		 * A freed node has count 0, as after a removal: a walker still
		 * in it reads no slot of this life, and in the node's next life
		 * only what that life published.
		 */
		smp_store_release(&node->count, 0);
		free_node(node, arg);
		if (next & LLIST_NULLS_MULTI_NULLS)
			break;
		node = (struct llist_nulls_multi_node *)next;
	}
	return count;
}

/**
 * struct llist_nulls_multi_fault - where a list breaks the layout rules
 * @what: the rule it breaks
 * @node: the node that breaks it, counted from the first node (0), or -1
 *	for the head word
 * @slot: the slot that breaks it, or -1
 */
struct llist_nulls_multi_fault {
	const char *what;
	int node;
	int slot;
};

/**
 * llist_nulls_multi_validate - check a list against the layout rules
 * @head: the list; the caller holds the writers' lock
 * @p: the list's node type
 * @fault: if not NULL, where to say what is wrong
 *
 * For tests and debugging.  The head word must be 0, an entry, or a node
 * with bit 0 set.  The first node must hold 1 to @p->cap entries and every
 * node behind it @p->cap; positions must go down by one from node to node, to
 * 0 at the last node, whose link must be @head's own nulls value; every slot
 * below a node's count must hold a valid entry (not NULL, bit 0 clear).
 * Slots at and above the count are not checked: a removal leaves the slot
 * it vacates as it was, and an add fills only the slots it uses of a new
 * node, which may come from llist_nulls_multi_destroy() with its old
 * entries.
 *
 * A link is followed only to the next lower position, so the check ends on
 * any list, after at most (first position + 1) nodes.  Being inline, it
 * costs nothing where it is not called.
 *
 * Return: true if @head keeps the rules, false (with @fault filled in, if
 * given) if not.
 */
static inline bool
llist_nulls_multi_validate(const struct llist_nulls_multi_head *head,
			   const struct llist_nulls_multi_params *p,
			   struct llist_nulls_multi_fault *fault)
{
	const struct llist_nulls_multi_node *node, *next;
	unsigned int cap = p->cap;
	int depth = 0, slot = -1;
	unsigned long link;
	const char *what;
	u32 i;

	if (!(head->first & LLIST_NULLS_MULTI_MANY))
		return true;
	node = llist_nulls_multi_first_node(head);
	if (!node) {
		depth = -1;
		what = "the head word names no node";
		goto bad;
	}
	for (;;) {
		if (node->count < 1 || node->count > cap) {
			what = "a count is not in 1..cap";
			goto bad;
		}
		if (depth && node->count != cap) {
			what = "a node behind the first is not full";
			goto bad;
		}
		for (i = 0; i < node->count; i++) {
			if (!llist_nulls_multi_entry_valid(node->entries[i])) {
				slot = i;
				what = "a slot below the count holds no entry";
				goto bad;
			}
		}
		link = node->next;
		if (link & LLIST_NULLS_MULTI_NULLS)
			break;
		if (!link) {
			what = "a link is 0";
			goto bad;
		}
		if (!node->pos) {
			what = "the node at position 0 links on";
			goto bad;
		}
		next = (const struct llist_nulls_multi_node *)link;
		if (next->pos != node->pos - 1) {
			depth++;
			what = "a position is not one below the one before";
			goto bad;
		}
		node = next;
		depth++;
	}
	if (link != llist_nulls_multi_nulls(head)) {
		what = "the last link is another list's nulls";
		goto bad;
	}
	if (node->pos) {
		what = "the last node's position is not 0";
		goto bad;
	}
	return true;

bad:
	if (fault) {
		fault->what = what;
		fault->node = depth;
		fault->slot = slot;
	}
	return false;
}

/**
 * enum llist_nulls_multi_pass_end - how a lockless pass ended
 * @LLIST_NULLS_MULTI_PASS_DONE: it reached the list's own nulls value, or
 *	the visitor ended the walk
 * @LLIST_NULLS_MULTI_PASS_MOVED: it met another list's nulls value or a
 *	zeroed link: it was moved off its list
 * @LLIST_NULLS_MULTI_PASS_REFUSED: it met a link whose position did not
 *	decrease
 * @LLIST_NULLS_MULTI_PASS_UNSAFE: it entered a node outside a
 *	%SLAB_TYPESAFE_BY_RCU cache or the params' cache, or one holding more
 *	entries than the params' capacity (debug builds only)
 */
enum llist_nulls_multi_pass_end {
	LLIST_NULLS_MULTI_PASS_DONE,
	LLIST_NULLS_MULTI_PASS_MOVED,
	LLIST_NULLS_MULTI_PASS_REFUSED,
	LLIST_NULLS_MULTI_PASS_UNSAFE,
};

/*
 * One lockless pass.  Returns how it ended; the visitor's non-zero value
 * goes to *ret.  Every load of something a writer may change is marked; the
 * count, each slot and each link are loaded with acquire so that a walker that
 * finds a lowered count, or a value stored after a removal in the slot the
 * removal vacated, also finds the fill before it.
 * Every store a walker can read with acquire is a release, so each acquire
 * here that reads a writer's store is ordered after all that writer did
 * before it.  Each pairing has a herd7 litmus test in
 * tools/testing/llist_nulls_multi/litmus/, named below.
 *
 * The per-entry loop is kept as short as the locked walk's: the visitor is
 * read from @walk once, and the pass counts its nodes in a local and stores
 * its stats once, at the end.  @walk and *st live in memory, and each
 * acquire is a compiler barrier on every architecture, so either in the loop
 * would be loaded or stored again for every entry.
 */
static __always_inline enum llist_nulls_multi_pass_end
__llist_nulls_multi_pass(const struct llist_nulls_multi_head *head,
			 const struct llist_nulls_multi_params *p,
			 const struct llist_nulls_multi_walk *walk, void *arg,
			 struct llist_nulls_multi_stats *st, int *ret)
{
	int (*visit)(void *entry, void *arg) = walk->visit;
	unsigned int cap = p->cap;
	unsigned long nulls = llist_nulls_multi_nulls(head);
	unsigned long link = READ_ONCE(head->first);
	enum llist_nulls_multi_pass_end end;
	struct llist_nulls_multi_node *node;
	unsigned int steps = 0;
	u32 pos, npos, count;
	void *entry;
	int i;

	*ret = 0;
	if (!link)
		return LLIST_NULLS_MULTI_PASS_DONE;
	if (!(link & LLIST_NULLS_MULTI_MANY)) {
		*ret = visit((void *)link, arg);
		return LLIST_NULLS_MULTI_PASS_DONE;
	}

	node = (struct llist_nulls_multi_node *)(link & ~LLIST_NULLS_MULTI_MANY);
	llist_nulls_multi_walk_event(head, node);
	if (!__llist_nulls_multi_node_ok(head, p, node))
		return LLIST_NULLS_MULTI_PASS_UNSAFE;
	pos = READ_ONCE(node->pos);
	st->max_pass_bound = max(st->max_pass_bound, pos + 1);

	for (;;) {
		steps++;

		/*
		 * Pairs with the release of a lower count in _del()
		 * (LLNM+del-count-then-slot) or a higher one in _add()
		 * (LLNM+add-count-after-slot).
		 */
		count = smp_load_acquire(&node->count);
		if (IS_ENABLED(CONFIG_DEBUG_LLIST_NULLS_MULTI) && count > cap) {
			__llist_nulls_multi_bad_count(head, p, count);
			end = LLIST_NULLS_MULTI_PASS_UNSAFE;
			goto out;
		}
		for (i = (int)min(count, cap) - 1; i >= 0; i--) {
			/*
			 * Pairs with the fill in _del() and the later stores
			 * to the slot it vacated (LLNM+del-last-slot-kept,
			 * LLNM+reuse-slot).  The library never stores
			 * NULL; a node may come zeroed from its cache.
			 *
			 * An entry read from a slot a removal vacated may
			 * have been removed since, but its object is not yet
			 * freed: the count loaded above, in this RCU read-side
			 * critical section, is from before the removal that
			 * vacated the slot, which came no later than the
			 * entry's own, so it was overwritten before the grace
			 * period after which the caller frees the object
			 * (LLNM+del-slot-kept-gp).
			 */
			entry = smp_load_acquire(&node->entries[i]);
			if (!entry)
				continue;
			*ret = visit(entry, arg);
			if (*ret) {
				end = LLIST_NULLS_MULTI_PASS_DONE;
				goto out;
			}
		}

		/* Pairs with the link's release (LLNM+reinit-link). */
		link = smp_load_acquire(&node->next);
		end = LLIST_NULLS_MULTI_PASS_DONE;
		if (link == nulls)
			break;
		/* Another list's nulls, or a node zeroed on its way to reuse. */
		end = LLIST_NULLS_MULTI_PASS_MOVED;
		if ((link & LLIST_NULLS_MULTI_NULLS) || !link)
			break;

		node = (struct llist_nulls_multi_node *)link;
		llist_nulls_multi_walk_event(head, node);
		end = LLIST_NULLS_MULTI_PASS_UNSAFE;
		if (!__llist_nulls_multi_node_ok(head, p, node))
			break;
		npos = READ_ONCE(node->pos);
		end = LLIST_NULLS_MULTI_PASS_REFUSED;
		if (npos >= pos)
			break;
		pos = npos;
	}
out:
	st->steps += steps;
	st->max_pass_steps = max(st->max_pass_steps, steps);
	return end;
}

/*
 * The passes of a lockless walk, in the caller's RCU read-side critical
 * section; -EAGAIN, with st->fell_back set, if none finished.
 */
static __always_inline int
__llist_nulls_multi_walk_passes(const struct llist_nulls_multi_head *head,
				const struct llist_nulls_multi_params *p,
				const struct llist_nulls_multi_walk *walk,
				void *arg, struct llist_nulls_multi_stats *st)
{
	unsigned int max_passes = walk->max_passes ?: LLIST_NULLS_MULTI_MAX_PASSES;
	enum llist_nulls_multi_pass_end end;
	int ret = 0;

	*st = (struct llist_nulls_multi_stats){};
	while (st->passes < max_passes) {
		st->passes++;
		end = __llist_nulls_multi_pass(head, p, walk, arg, st, &ret);
		if (end == LLIST_NULLS_MULTI_PASS_DONE)
			return ret;
		if (end == LLIST_NULLS_MULTI_PASS_UNSAFE)
			break;
		if (end == LLIST_NULLS_MULTI_PASS_MOVED)
			st->moved++;
		else
			st->refused++;
	}
	st->fell_back = true;
	return -EAGAIN;
}

/**
 * llist_nulls_multi_walk_lockless - visit every entry without the lock
 * @head: the list
 * @p: the list's node type
 * @walk: the visitor, the fallback and the pass limit
 * @arg: passed to @walk->visit and @walk->fallback
 * @stats: if not NULL, filled in with what this walk did
 *
 * Walks @head under rcu_read_lock(), concurrently with writers, over node
 * memory that must be type-stable (a %SLAB_TYPESAFE_BY_RCU cache holding
 * nodes of @p's type only).  A pass visits the first node first and each
 * node from its last slot down.  It starts again if it ends on a nulls
 * value that is not @head's (it was moved to another list) or meets a link
 * whose position is not below the current one; a pass follows only strictly
 * decreasing positions, so it enters at most p + 1 nodes, p being the
 * position it read in its first node (which, if that node was reused
 * meanwhile, is bounded by the longest list sharing the node cache).  After
 * @walk->max_passes passes the walk leaves its RCU read side and calls
 * @walk->fallback, which visits the list again from the start: entries the
 * abandoned passes visited are visited again.
 *
 * @head must stay valid until the walk returns.  If the caller keeps it
 * valid with an rcu_read_lock() of its own, the walk still runs under RCU
 * when it falls back, so @walk->fallback must not sleep (a spinlock, not a
 * mutex), or the caller passes no fallback and takes the lock itself on
 * -EAGAIN, after its own rcu_read_unlock().  With
 * CONFIG_DEBUG_LLIST_NULLS_MULTI, a pass that enters a node outside a
 * %SLAB_TYPESAFE_BY_RCU cache or outside *@p->node_cache, or that finds a
 * node holding more than @p->cap entries, warns once and the walk falls
 * back at once.
 *
 * If a pass finishes (@stats, if given, shows fell_back false), every entry
 * that was in the list for the whole walk was visited at least once, and
 * every entry @walk->visit was given was in a list whose nodes share the
 * cache at some moment during the walk.  Entries added or removed meanwhile
 * may or may not be visited, an entry may be visited more than once, and an
 * entry may belong to another list with nodes of the same type:
 * @walk->visit must validate what it is given.  @walk->visit runs under
 * rcu_read_lock() and must not sleep.
 *
 * The function is inlined: with a static const @walk and @p, the visitor is
 * inlined too, not called through a pointer for every entry.  A caller that
 * wants one copy of the walk wraps it in a function of its own.
 *
 * Return: 0 when a pass finished, the visitor's non-zero value if it ended
 * the walk, the fallback's value if the walk fell back, or -EAGAIN if it
 * could not finish and there is no fallback.  Only @stats tells these
 * apart when the values collide (a fallback returning 0, a visitor
 * returning -EAGAIN): its fell_back is true exactly when the walk fell back.
 */
static __always_inline int
llist_nulls_multi_walk_lockless(const struct llist_nulls_multi_head *head,
				const struct llist_nulls_multi_params *p,
				const struct llist_nulls_multi_walk *walk,
				void *arg, struct llist_nulls_multi_stats *stats)
{
	struct llist_nulls_multi_stats local, *st = stats ?: &local;
	int ret;

	rcu_read_lock();
	ret = __llist_nulls_multi_walk_passes(head, p, walk, arg, st);
	rcu_read_unlock();
	if (!st->fell_back)
		return ret;
	if (!walk->fallback)
		return -EAGAIN;
	return walk->fallback(head, arg);
}

/**
 * llist_nulls_multi_walk_lockless_rcu - a lockless walk in the caller's RCU
 *	read side
 * @head: the list
 * @p: the list's node type
 * @walk: the visitor and the pass limit; its fallback is not called
 * @arg: passed to @walk->visit
 * @stats: if not NULL, filled in with what this walk did
 *
 * llist_nulls_multi_walk_lockless() for a caller that walks many lists in
 * one RCU read-side critical section of its own, and holds rcu_read_lock()
 * across the call: the walk neither takes nor drops it.  The passes, their
 * guarantee and the visitor's rules are those of
 * llist_nulls_multi_walk_lockless().  A walk that could not finish returns
 * -EAGAIN (with @stats, if given, showing fell_back true); the caller takes
 * the writers' lock for that list after its rcu_read_unlock().
 *
 * Return: 0 when a pass finished, the visitor's non-zero value if it ended
 * the walk, or -EAGAIN if no pass finished.
 */
static __always_inline int
llist_nulls_multi_walk_lockless_rcu(const struct llist_nulls_multi_head *head,
				    const struct llist_nulls_multi_params *p,
				    const struct llist_nulls_multi_walk *walk,
				    void *arg, struct llist_nulls_multi_stats *stats)
{
	struct llist_nulls_multi_stats local;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(),
			 "llist_nulls_multi_walk_lockless_rcu() needs rcu_read_lock()");
	return __llist_nulls_multi_walk_passes(head, p, walk, arg,
					       stats ?: &local);
}

#endif /* _LINUX_LLIST_NULLS_MULTI_H */
