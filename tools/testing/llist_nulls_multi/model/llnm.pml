/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * llnm.pml - a Promela model of llist_nulls_multi: the writers' add, remove
 * and destroy (lib/llist_nulls_multi.c, include/linux/llist_nulls_multi.h)
 * racing one lockless walker (llist_nulls_multi_walk_lockless() and its
 * __llist_nulls_multi_pass()).  See README for what is modelled and how to run it.
 *
 * Memory is sequentially consistent here: every load and store the C code
 * marks (READ_ONCE, WRITE_ONCE, acquire, release) is one atomic step, and
 * the steps of one thread happen in program order.  What the release and
 * acquire orderings buy on a weaker machine is argued in the guide and
 * checked by the LKMM/KCSAN side, not here.
 *
 * What is checked, at every state of every interleaving:
 *  - a finished pass saw every entry that was in list A for the whole pass
 *    (the visit guarantee; checked per pass, which implies it per walk);
 *  - a pass enters at most (first position + 1) nodes (the bound), and never
 *    more than NNODES (a hard cap, so a broken walker trips an assertion
 *    instead of running on);
 *  - after every writer operation both lists are well formed (positions,
 *    full tails, nulls naming the right head) and hold exactly the entries
 *    the ghost state says they hold.
 *
 * Switches (spin -D...):
 *  NO_POS_CHECK	 mutant: follow a link whatever its position
 *  NO_NULLS_CHECK	 mutant: any nulls value ends the pass as "done"
 *  LOW_SLOT_UP		 mutant: read a node from slot 0 up
 *  ONE_NODE_BACK_TO_INLINE mutant: a one-node list dropping to one entry
 *			 moves it back into the head word
 *  DEL_NO_FILL		 mutant: removal lowers the count without filling
 *			 the hole
 *  WITNESS_MOVED_B, WITNESS_ZEROED, WITNESS_PINGPONG, WITNESS_FILL,
 *  WITNESS_REUSED	 reachability probes on the correct model: each asserts
 *			 that an interesting interleaving never happens, so
 *			 spin must report a violation (see README).
 *			 WITNESS_PINGPONG with NO_POS_CHECK checks the bound
 *			 only on passes that followed the ping-pong link, so
 *			 the violation found is the 2013 ping-pong livelock itself.
 *  DESTROY_KEEPS_COUNT	 mutant: destroy frees nodes without clearing
 *			 their count
 *  NO_DESTROY		 writers never call llist_nulls_multi_destroy()
 *  NOPS, MAX_PASSES	 writer operations in all, lockless passes per walk
 */

/* ------------------------------------------------------------------ */
/* Sizes                                                                */
/* ------------------------------------------------------------------ */

#define CAP		2	/* entries per node (KVM: 13 and 14) */
#define NNODES		3	/* node objects in the type-stable pool */
#ifndef NA
#define NA		5	/* entries 1..NA belong to list A */
#endif
#ifndef NB
#define NB		2	/* entries NA+1..NA+NB belong to list B */
#endif
#define NENT		(NA + NB)
#define PINNED		1	/* entry 1 of A: writers never pick it */
#ifndef NOPS
#define NOPS		6	/* writer operations, shared by all writers */
#endif
#ifndef MAX_PASSES
#define MAX_PASSES	2	/* walk->max_passes */
#endif

/* ------------------------------------------------------------------ */
/* Words                                                                */
/* ------------------------------------------------------------------ */

/*
 * Entries are 1..NENT (a non-NULL pointer with bit 0 clear).  Nodes are
 * 1..NNODES (index 0 of the node arrays is unused).
 *
 * Head word (struct llist_nulls_multi_head.first):
 *   0			empty
 *   e, 1 <= e < MANY	one entry, inline
 *   MANY | n		first node n (LLIST_NULLS_MULTI_MANY)
 *
 * Link word (struct llist_nulls_multi_node.next):
 *   n			the next node
 *   NULLS | L		nulls of list L: (unsigned long)head | 1
 *   0			a node zeroed by the allocator
 */
#define MANY		8
#define NULLS		16
#define LA		0
#define LB		1
#define NULLS_OF(L)	(NULLS | (L))
#define BIT(e)		(1 << (e))
#define NOT(e)		(255 ^ BIT(e))
#define LIST_OF(e)	((e) <= NA -> LA : LB)
#define SLOT(n, i)	nd_slot[(n) * CAP + (i)]

#if NENT >= MANY
#error "entries must stay below MANY"
#endif
#if NNODES != 3 || CAP != 2
#error "alloc_node(), the zeroing and init are written for 3 nodes of 2 slots"
#endif

/* The shared memory: two heads and the node pool. */
byte head[2];
byte nd_next[NNODES + 1];
byte nd_count[NNODES + 1];
byte nd_pos[NNODES + 1];
byte nd_slot[(NNODES + 1) * CAP];

/* The caller's side: the slab's free list, the writers' lock. */
bool nd_free[NNODES + 1];
bool wlock;
byte ops_left = NOPS;
bool walk_done;

/*
 * Ghost state, read only by assertions.
 * in_list[L]: the entries list L holds; an add sets its bit with the store
 *	that completes it, a removal clears it before its first store.
 * owed:	the entries the current pass still has to visit: those in A
 *	when the pass read the head word, less those a removal or destroy
 *	has touched since (they are not stable), less those visited.  One mask rather than
 *	"stable" and "visited" keeps the state space small.
 */
byte in_list[2];
byte owed;

#if defined(WITNESS_FILL) || defined(WITNESS_REUSED)
byte w_node;		/* the node whose count and slots the walker is
			 * reading: set at the count load, cleared at the
			 * link load */
bool w_seen;		/* the probed event hit w_node during this pass */
#endif

/* ------------------------------------------------------------------ */
/* Writers                                                              */
/* ------------------------------------------------------------------ */

/*
 * A lockless walker only reads, and writers hold the caller's lock, so a
 * writer's loads are private: they are folded into d_steps.  Each store is
 * its own step, in the order the C code makes them.
 */

/*
 * The caller's kmem_cache_alloc(..., __GFP_ZERO) of a node from the
 * SLAB_TYPESAFE_BY_RCU cache: any free node (the slab's choice), under a
 * walker that may still be standing on it.  n = 0 if the pool is empty
 * (the add then fails with -ENOMEM and changes nothing).
 *
 * The zeroing is a memset in struct order (next, count, pos, entries[]),
 * one store per field.  A store that writes the value already there is
 * invisible to any reader, so it is folded into the next store's step:
 * each step below zeroes the first non-zero field, and the loop ends when
 * the node is all zero.  (In the correct protocol a freed node already has
 * count 0, and keeps its entries until this zeroing.)
 */
inline alloc_node()
{
	if
	:: nd_free[1] -> n = 1
	:: nd_free[2] -> n = 2
	:: nd_free[3] -> n = 3
	:: else -> n = 0
	fi;
	if
	:: n != 0 ->
		d_step {
			nd_free[n] = false;
			printf("MSC: W%d node %d from the slab, zeroing\n", _pid, n);
#ifdef WITNESS_REUSED
			if
			:: n == w_node -> w_seen = true
			:: else
			fi;
#endif
		};
		do
		:: d_step {
			if
			:: nd_next[n] != 0 -> nd_next[n] = 0
			:: nd_next[n] == 0 && nd_count[n] != 0 -> nd_count[n] = 0
			:: nd_next[n] == 0 && nd_count[n] == 0 && nd_pos[n] != 0 ->
				nd_pos[n] = 0
			:: nd_next[n] == 0 && nd_count[n] == 0 && nd_pos[n] == 0 &&
			   SLOT(n, 0) != 0 -> SLOT(n, 0) = 0
			:: nd_next[n] == 0 && nd_count[n] == 0 && nd_pos[n] == 0 &&
			   SLOT(n, 0) == 0 && SLOT(n, 1) != 0 -> SLOT(n, 1) = 0
			fi
		   }
		:: else -> break
		od
	:: else
	fi
}

/* llist_nulls_multi_add() and __llist_nulls_multi_add_node() */
inline op_add(L, e)
{
	if
	:: head[L] == 0 ->
		/* empty: smp_store_release(&head->first, entry) */
		d_step { head[L] = e; in_list[L] = in_list[L] | BIT(e) }
	:: head[L] != 0 && head[L] < MANY ->
		/* one entry inline: need_node() is true, caller allocates */
		alloc_node();
		if
		:: n != 0 ->
			/* __llist_nulls_multi_add_node(), !first */
			SLOT(n, 0) = head[L];		/* entries[0] = old */
			SLOT(n, 1) = e;			/* entries[1] = entry */
			nd_count[n] = 2;		/* count = 2 */
			/* pos = 0: already 0 after the zeroing (folded) */
			nd_next[n] = NULLS_OF(L);	/* next = nulls(head) */
			/* smp_store_release(&head->first, node | MANY) */
			d_step { head[L] = MANY | n; in_list[L] = in_list[L] | BIT(e) }
		:: else	/* -ENOMEM, list unchanged */
		fi
	:: head[L] > MANY && nd_count[head[L] - MANY] < CAP ->
		/* room in the first node: the inline fast path */
		f = head[L] - MANY;
		c = nd_count[f];
		SLOT(f, c) = e;		/* smp_store_release(&entries[count]) */
		/* WRITE_ONCE(first->count, count + 1) */
		d_step { nd_count[f] = c + 1; in_list[L] = in_list[L] | BIT(e) }
	:: head[L] > MANY && nd_count[head[L] - MANY] >= CAP ->
		/* first node full: need_node() is true, caller allocates */
		f = head[L] - MANY;
		alloc_node();
		if
		:: n != 0 ->
			/* __llist_nulls_multi_add_node(), first != NULL */
			SLOT(n, 0) = e;			/* entries[0] = entry */
			nd_count[n] = 1;		/* count = 1 */
			nd_pos[n] = nd_pos[f] + 1;	/* pos = first->pos + 1 */
			nd_next[n] = f;			/* next = first */
			/* smp_store_release(&head->first, node | MANY) */
			d_step { head[L] = MANY | n; in_list[L] = in_list[L] | BIT(e) }
		:: else	/* -ENOMEM, list unchanged */
		fi
	fi
}

/* llist_nulls_multi_del() */
inline op_del(L, e)
{
	/* Find the entry: first node first, each node from its last slot down. */
	d_step {
		in_list[L] = in_list[L] & NOT(e);
		owed = owed & NOT(e);
		if
		:: head[L] < MANY -> f = 0
		:: else ->
			f = head[L] - MANY;
			nd = f;
			do
			:: true ->
				i = nd_count[nd];
				do
				:: i > 0 && SLOT(nd, i - 1) != e -> i--
				:: else -> break
				od;
				if
				:: i > 0 -> i--; break		/* found */
				:: else ->
					assert(!(nd_next[nd] & NULLS));
					nd = nd_next[nd]
				fi
			od;
			last = nd_count[f] - 1
		fi
	};
	if
	:: f == 0 ->
		/* inline: WRITE_ONCE(head->first, 0) */
		head[L] = 0
	:: else ->
		if
		:: nd != f || i != last ->
#ifndef DEL_NO_FILL
			/* fill the hole: entries[i] = first->entries[last] */
			d_step {
#ifdef WITNESS_FILL
				if
				:: nd == w_node -> w_seen = true
				:: else
				fi;
#endif
				SLOT(nd, i) = SLOT(f, last);
				printf("MSC: W%d fill node %d slot %d with %d\n",
				       _pid, nd, i, SLOT(nd, i))
			}
#else
			skip
#endif
		:: else
		fi;
		/*
		 * smp_store_release(&first->count, last); the vacated slot
		 * keeps the entry the fill moved
		 */
		nd_count[f] = last;
		if
#ifdef ONE_NODE_BACK_TO_INLINE
		:: last == 1 && (nd_next[f] & NULLS) ->
			d_step { head[L] = SLOT(f, 0); nd_free[f] = true }
#endif
		:: last == 0 && (nd_next[f] & NULLS) ->
			/* the only node emptied: WRITE_ONCE(head->first, 0) */
			d_step {
				head[L] = 0;
				nd_free[f] = true;
				printf("MSC: W%d node %d freed\n", _pid, f)
			}
		:: last == 0 && !(nd_next[f] & NULLS) ->
			/* smp_store_release(&head->first, next | MANY); the
			 * caller frees *freed back to the slab */
			d_step {
				head[L] = MANY | nd_next[f];
				nd_free[f] = true;
				printf("MSC: W%d node %d freed\n", _pid, f)
			}
		:: else
		fi
	fi
}

/*
 * llist_nulls_multi_destroy() with a free_node() that frees each node back
 * to the slab as the walk leaves it: the head word is cleared first, then
 * each node's count is cleared and the node freed with its entries, pos and
 * next still in it (a removal frees only an emptied node).
 */
inline op_destroy(L)
{
	d_step {
		owed = owed & (255 ^ in_list[L]);
		in_list[L] = 0;
		if
		:: head[L] > MANY -> f = head[L] - MANY
		:: else -> f = 0
		fi
	};
	head[L] = 0;				/* WRITE_ONCE(head->first, 0) */
	do
	:: f != 0 ->
		d_step {
			nd = nd_next[f];	/* next = node->next */
#ifndef DESTROY_KEEPS_COUNT
			nd_count[f] = 0;	/* smp_store_release(&node->count, 0) */
#endif
			nd_free[f] = true;	/* free_node(node) */
			printf("MSC: W%d node %d freed\n", _pid, f);
			if
			:: nd & NULLS -> f = 0
			:: else -> f = nd
			fi;
			nd = 0
		}
	:: else -> break
	od;
	skip
}

/*
 * Under the lock, after each operation: list L is well formed and holds
 * exactly in_list[L].  (Catches a wrong writer model, and DEL_NO_FILL.)
 */
inline check_list(L)
{
	cl_set = 0;
	if
	:: head[L] == 0
	:: head[L] != 0 && head[L] < MANY -> cl_set = BIT(head[L])
	:: head[L] > MANY ->
		cl_n = head[L] - MANY;
		cl_p = nd_pos[cl_n];
		assert(nd_count[cl_n] >= 1 && nd_count[cl_n] <= CAP);
		do
		:: true ->
			assert(!nd_free[cl_n] && nd_pos[cl_n] == cl_p);
			cl_i = 0;
			do
			:: cl_i < nd_count[cl_n] ->
				assert(SLOT(cl_n, cl_i) != 0);
				assert(!(cl_set & BIT(SLOT(cl_n, cl_i))));
				cl_set = cl_set | BIT(SLOT(cl_n, cl_i));
				cl_i++
			:: else -> break
			od;
			if
			:: nd_next[cl_n] == NULLS_OF(L) ->
				assert(cl_p == 0);
				break
			:: else ->
				assert(cl_p > 0);
				assert(nd_next[cl_n] >= 1 && nd_next[cl_n] <= NNODES);
				cl_n = nd_next[cl_n];
				cl_p--;
				assert(nd_count[cl_n] == CAP)
			fi
		od
	fi;
	assert(cl_set == in_list[L]);
	cl_set = 0; cl_n = 0; cl_p = 0; cl_i = 0
}

/*
 * A writer: takes the lock, picks an entry other than the pinned one,
 * removes it if it is on its list and adds it otherwise, or destroys list
 * B.  NOPS operations in all, between all writers; the writers stop when
 * the walk is over.  (List A is never destroyed: it holds the pinned entry.)
 */
proctype writer()
{
	byte e, L, f, n, nd, i, last, c;
	byte cl_set, cl_n, cl_p, cl_i;

	/*
	 * A writer with nothing left to do waits here for ever (a valid end
	 * state): writers that never terminate keep the state space free of
	 * "which writer has exited" variants.
	 */
end_idle:
	do
	:: atomic {
		!wlock && ops_left > 0 && !walk_done ->
		wlock = true;
		ops_left--;
		/* any entry but PINNED */
		if
		:: e = PINNED + 1
		:: e = 3
#if NENT >= 4
		:: e = 4
#endif
#if NENT >= 5
		:: e = 5
#endif
#if NENT >= 6
		:: e = 6
#endif
#if NENT >= 7
		:: e = 7
#endif
#ifndef NO_DESTROY
		:: head[LB] != 0 -> e = 0	/* destroy B */
#endif
		fi;
		L = LIST_OF(e);
		if
		:: e == 0 -> L = LB
		:: else
		fi
	   };
		if
		:: e == 0 ->
			printf("MSC: W%d destroy %c\n", _pid, 'A' + L);
			op_destroy(L)
		:: e != 0 && (in_list[L] & BIT(e)) ->
			printf("MSC: W%d del %d from %c\n", _pid, e, 'A' + L);
			op_del(L, e)
		:: e != 0 && !(in_list[L] & BIT(e)) ->
			printf("MSC: W%d add %d to %c\n", _pid, e, 'A' + L);
			op_add(L, e)
		fi;
		d_step {
			check_list(LA);
			check_list(LB);
			e = 0; L = 0; f = 0; n = 0; nd = 0; i = 0; last = 0; c = 0;
			wlock = false
		}
	od
}

/* ------------------------------------------------------------------ */
/* The lockless walker: llist_nulls_multi_walk_lockless() on list A     */
/* ------------------------------------------------------------------ */

/*
 * One step per load of shared memory; local work is folded into the same
 * step.  "visit" clears the entry from owed.  steps counts the nodes the
 * pass has entered (st->steps / max_pass_steps), bound is pos + 1 of the
 * first node (st->max_pass_bound).
 */
#if !(defined(WITNESS_PINGPONG) && defined(NO_POS_CHECK))
#define ENTER_NODE \
	steps++; \
	assert(steps <= bound);		/* the bound: first position + 1 */ \
	assert(steps <= NNODES)		/* hard cap */
#else
/* mutant + probe: only a pass that followed the ping-pong link counts */
#define ENTER_NODE \
	steps++; \
	assert(!(pingpong && steps > bound))
#endif

proctype walker()
{
	byte passes, link, node, p, np, steps, bound, c, i, e;
#ifdef WITNESS_PINGPONG
	byte prev;
	bool pingpong;
#endif

	/* (the "skip"s below exist because a label may not name a d_step) */
pass:
	skip;
	/* while (st->passes < max_passes) { st->passes++; __llist_nulls_multi_pass() } */
	d_step {
		passes++;
		steps = 0;
		bound = 0;
		link = head[LA];		/* READ_ONCE(head->first) */
		owed = in_list[LA];		/* ghost: what this pass owes */
		printf("MSC: R pass %d: head %d, owes %d\n", passes, link, owed);
#if defined(WITNESS_FILL) || defined(WITNESS_REUSED)
		w_seen = false;
#endif
	};
	if
	:: link == 0 -> goto done		/* empty */
	:: link != 0 && link < MANY ->
		owed = owed & NOT(link);	/* inline: visit, done */
		goto done
	:: else ->
		node = link - MANY;
		link = 0
	fi;
	d_step {
		p = nd_pos[node];		/* pos = READ_ONCE(node->pos) */
		bound = p + 1;
		printf("MSC: R enter node %d, pos %d, bound %d\n", node, p, bound);
		ENTER_NODE
	};

slots:
	skip;
#ifndef LOW_SLOT_UP
	/* for (i = min(READ_ONCE(node->count), cap) - 1; i >= 0; i--) */
	d_step {
		c = nd_count[node];
		/* a free node has count 0: nothing of a past life is read */
		assert(!nd_free[node] || c == 0);
		if
		:: c > CAP -> c = CAP
		:: else
		fi;
		i = c;
		printf("MSC: R node %d count %d\n", node, c);
		c = 0;
#if defined(WITNESS_FILL) || defined(WITNESS_REUSED)
		w_node = node;
#endif
	};
	do
	:: i > 0 ->
		d_step {
			i--;
			e = SLOT(node, i);	/* smp_load_acquire(&entries[i]) */
			if
			:: e != 0 ->			/* walk->visit() */
				owed = owed & NOT(e);
				printf("MSC: R visit %d (node %d slot %d)\n", e, node, i)
			:: else				/* NULL: skip */
			fi;
			e = 0
		}
	:: else -> break
	od;
	skip;
#else
	/* mutant: for (i = 0; i < min(READ_ONCE(node->count), cap); i++) */
	i = 0;
#if defined(WITNESS_FILL) || defined(WITNESS_REUSED)
	w_node = node;
#endif
	do
	:: skip;
	   d_step {
		c = nd_count[node];
		if
		:: c > CAP -> c = CAP
		:: else
		fi
	   };
	   if
	   :: i < c ->
		d_step {
			e = SLOT(node, i);
			if
			:: e != 0 ->
				owed = owed & NOT(e);
				printf("MSC: R visit %d (node %d slot %d)\n", e, node, i)
			:: else
			fi;
			e = 0;
			i++
		}
	   :: else -> break
	   fi
	od;
	c = 0;
#endif

	/* link = smp_load_acquire(&node->next) */
	d_step {
		i = 0;
		link = nd_next[node];
		printf("MSC: R node %d next %d\n", node, link);
#ifdef WITNESS_REUSED
		/* probe: the node was freed, zeroed and reused under us */
		assert(!w_seen);
#endif
#if defined(WITNESS_FILL) || defined(WITNESS_REUSED)
		w_node = 0;
#endif
	};
	if
#ifndef NO_NULLS_CHECK
	:: link == NULLS_OF(LA) ->		/* link == nulls: done */
		goto done
	:: link != NULLS_OF(LA) && ((link & NULLS) || link == 0) ->
#else
	:: (link & NULLS) ->			/* mutant: any nulls is done */
		goto done
	:: link == 0 ->
#endif
		/* another list's nulls, or a zeroed node: moved */
		printf("MSC: R moved\n");
#ifdef WITNESS_MOVED_B
		assert(link != NULLS_OF(LB));
#endif
#ifdef WITNESS_ZEROED
		assert(link != 0);
#endif
		goto restart
	:: else ->
#ifdef WITNESS_PINGPONG
		prev = node;
#endif
		node = link;
		link = 0
	fi;
	d_step {
		np = nd_pos[node];		/* npos = READ_ONCE(node->pos) */
#ifdef WITNESS_PINGPONG
		/* probe: the 2013 desc1/desc2 ping-pong: the node the link
		 * led to has our position and links back to where we are */
		if
		:: np == p && nd_next[node] == prev -> pingpong = true
		:: else
		fi;
#ifndef NO_POS_CHECK
		assert(!pingpong);		/* reached; refused below */
#endif
#endif
		printf("MSC: R link to node %d, pos %d\n", node, np)
	};
#ifndef NO_POS_CHECK
	if
	:: np >= p ->				/* refused */
		printf("MSC: R refused\n");
		goto restart
	:: else
	fi;
#endif
	d_step {
		p = np;				/* pos = npos */
		np = 0;
		ENTER_NODE
	};
	goto slots;

restart:
	skip;
	d_step {
		node = 0; p = 0; np = 0; link = 0; steps = 0; bound = 0;
#ifdef WITNESS_PINGPONG
		prev = 0;
		pingpong = false;
#endif
		owed = 0
	};
	if
	:: passes < MAX_PASSES -> goto pass
	:: else -> goto fallback
	fi;

done:
	/* a pass finished: the visit guarantee */
	printf("MSC: R done, owes %d\n", owed);
	assert(owed == 0);
#ifdef WITNESS_FILL
	/* probe: a fill-the-hole store landed in a node we were reading */
	assert(!w_seen);
#endif
	walk_done = true;
	goto out;

fallback:
	/* st->fell_back: the locked walk sees everything; nothing to check */
	printf("MSC: R fell back\n");
	walk_done = true;
out:
	skip
}

/* ------------------------------------------------------------------ */
/* The start                                                            */
/* ------------------------------------------------------------------ */

/*
 * The default start (three nodes, list A full):
 *
 *   A: node 1 [5] pos 2 -> node 2 [3, 1] pos 1 -> node 3 [2, 4] pos 0 -> nulls(A)
 *   B: empty (entries 6 and 7 may be added); no node free.
 *
 * Entry 1, pinned, sits in the last slot of a middle node: once node 1 is
 * gone, removing 2 or 4 makes it fill their hole in node 3, so even the
 * pinned entry moves under the walker.  Every node list B ever gets is one
 * unlinked from A, freed, zeroed and reused.
 *
 * With -DINIT_INLINE the start is instead A = 1 inline, B empty and all
 * three nodes free, which covers the inline head, the inline-to-node step
 * and a walker that finds the head word changed from entry to node.
 */
init
{
	d_step {
#ifndef INIT_INLINE
		SLOT(3, 0) = 2; SLOT(3, 1) = 4;
		nd_count[3] = 2; nd_pos[3] = 0; nd_next[3] = NULLS_OF(LA);
		SLOT(2, 0) = 3; SLOT(2, 1) = 1;
		nd_count[2] = 2; nd_pos[2] = 1; nd_next[2] = 3;
		SLOT(1, 0) = 5;
		nd_count[1] = 1; nd_pos[1] = 2; nd_next[1] = 2;
		head[LA] = MANY | 1;
		in_list[LA] = BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5);
#else
		nd_free[1] = true; nd_free[2] = true; nd_free[3] = true;
		head[LA] = 1;
		in_list[LA] = BIT(1);
#endif
		head[LB] = 0;
		in_list[LB] = 0
	};
	atomic {
		run walker();
		run writer();
		run writer()
	}
}
