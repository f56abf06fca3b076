// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a writer's operation writes, counted: the cache lines each add,
 * removal and move stores to, for llist_nulls_multi and for the one-entry
 * list of onelist.h, and of those the lines a lockless walker of the list
 * reads (the head word's line, and in each node the lines of its link,
 * count and position and of its slots below the count; a one-entry node's
 * line).  Every line a writer stores to, a reader holding it loses.
 *
 * Built with -DSHIM_WEAK, as weak.c is, so that every marked store of the
 * library's own code (lib/llist_nulls_multi.c and the header) comes here
 * through wm_store(); the writers make no other store to shared memory.
 * One thread, no walker: each operation runs on a list built afresh, for
 * every list length up to three full nodes and more and every entry
 * removed.  Nodes are 128 bytes at a 128-byte boundary, as the slab lays
 * out KVM's rmap nodes: 13 entries (line 0: link, count, position and
 * entries 0-5; line 1: entries 6-12 and the slab's free pointer) and, as
 * the harness's NODE_CAP, 14.  A one-entry node has a line of its own, as
 * when it is embedded in the object it lists.  Freed nodes go back to a
 * LIFO free list as they are, and the next allocation reuses them.
 *
 * Asserted for llist_nulls_multi (the table in README, "What a writer's
 * operation writes"): the most lines each kind of operation writes, and no
 * line whose every store wrote the value already there (a store that
 * changes nothing still takes the line from its readers).
 *
 * Usage: footprint [-v]
 * Exit status: 0 if every operation kept its bound, 1 otherwise, 2 on a
 * usage error.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/llist_nulls_multi.h>
#include "onelist.h"

unsigned long shim_warnings;

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define LINE		64
#define NODE_BYTES	128
#define MAX_N		(3 * 14 + 3)	/* entries a list holds at most here */
#define NR_NODES	64
#define MAX_LINES	(2 * NR_NODES + 2)	/* every node's lines and two heads */

/* --- sets of lines ------------------------------------------------------- */

struct line_set {
	uintptr_t line[MAX_LINES];
	bool changed[MAX_LINES];	/* some store to it wrote a new value */
	unsigned int nr;
};

static uintptr_t line_of(uintptr_t a)
{
	return a & ~(uintptr_t)(LINE - 1);
}

/* The index of @line in @set, added if it is not there. */
static unsigned int line_add(struct line_set *set, uintptr_t line)
{
	unsigned int i;

	for (i = 0; i < set->nr; i++)
		if (set->line[i] == line)
			return i;
	if (set->nr == MAX_LINES) {
		fprintf(stderr, "footprint: over %d lines in one set\n", MAX_LINES);
		exit(2);
	}
	set->line[i] = line;
	set->changed[i] = false;
	set->nr++;
	return i;
}

static bool line_in(const struct line_set *set, uintptr_t line)
{
	unsigned int i;

	for (i = 0; i < set->nr; i++)
		if (set->line[i] == line)
			return true;
	return false;
}

/* --- the stores an operation makes ---------------------------------------- */

static struct line_set written;	/* by the operation being recorded */
static struct line_set walked;	/* by a walker, taken before it */
static unsigned int nr_stores;
static bool recording;

void wm_store(void *addr, const void *buf, unsigned int size, enum wm_kind kind)
{
	uintptr_t a = (uintptr_t)addr;
	bool changed = memcmp(addr, buf, size) != 0;

	if (recording) {
		nr_stores++;
		written.changed[line_add(&written, line_of(a))] |= changed;
		written.changed[line_add(&written, line_of(a + size - 1))] |= changed;
	}
	memcpy(addr, buf, size);
}

void wm_load(const void *addr, void *buf, unsigned int size, enum wm_kind kind)
{
	memcpy(buf, addr, size);
}

static void add_read(const void *p, size_t size)
{
	uintptr_t a;

	for (a = line_of((uintptr_t)p); a < (uintptr_t)p + size; a += LINE)
		line_add(&walked, a);
}

/* --- nodes: 128-byte objects, freed ones reused first --------------------- */

static unsigned char arena[NR_NODES][NODE_BYTES] __aligned(NODE_BYTES);
static void *free_stack[NR_NODES];
static unsigned int nr_free;

static void pool_reset(void)
{
	unsigned int i;

	memset(arena, 0, sizeof(arena));
	nr_free = 0;
	for (i = NR_NODES; i-- > 0;)
		free_stack[nr_free++] = arena[i];
}

static void *pool_alloc(void)
{
	if (!nr_free) {
		fprintf(stderr, "footprint: out of nodes\n");
		exit(2);
	}
	return free_stack[--nr_free];
}

static void pool_free(void *p)
{
	free_stack[nr_free++] = p;
}

/* --- what each kind of operation wrote ------------------------------------ */

struct kind {
	const char *name;
	int max_lines;		/* the bound asserted, or -1 for none */
	unsigned long n, lines, walker, stores, silent;
	unsigned int min_lines, most_lines, most_walker;
};

static bool verbose;
static int failures;

/* Stop recording and charge what the operation wrote to @k. */
static void account(struct kind *k, const char *what)
{
	unsigned int i, walker = 0, silent = 0;

	recording = false;
	for (i = 0; i < written.nr; i++) {
		walker += line_in(&walked, written.line[i]);
		silent += !written.changed[i];
	}
	if (!k->n || written.nr < k->min_lines)
		k->min_lines = written.nr;
	if (written.nr > k->most_lines)
		k->most_lines = written.nr;
	if (walker > k->most_walker)
		k->most_walker = walker;
	k->n++;
	k->lines += written.nr;
	k->walker += walker;
	k->stores += nr_stores;
	k->silent += silent;
	if (verbose)
		printf("  %-44s %s: %u lines (%u a walker reads), %u stores\n",
		       k->name, what, written.nr, walker, nr_stores);
	if (k->max_lines >= 0 && written.nr > (unsigned int)k->max_lines) {
		if (failures++ < 10)
			printf("FAIL: %s: %s wrote %u lines, at most %d expected\n",
			       k->name, what, written.nr, k->max_lines);
	}
	if (k->max_lines >= 0 && silent) {
		if (failures++ < 10)
			printf("FAIL: %s: %s wrote %u lines with only their old values\n",
			       k->name, what, silent);
	}
}

static void start(void)
{
	written.nr = 0;
	nr_stores = 0;
	recording = true;
}

/* --- llist_nulls_multi ---------------------------------------------------- */

enum {
	K_ADD_EMPTY, K_ADD_INLINE, K_ADD_ROOM, K_ADD_FULL,
	K_DEL_INLINE, K_DEL_LAST, K_DEL_FIRST_NODE, K_DEL_OTHER_NODE,
	K_DEL_EMPTIES, K_MOVE, NR_KINDS
};

/*
 * The bounds are the README table's; a removal that stored NULL into the
 * slot it vacates, as the library once did, breaks "its own last entry"
 * (2 lines when that slot is in line 1) and "the hole in another node" (3).
 */
static struct kind kinds[NR_KINDS] = {
	[K_ADD_EMPTY]      = { "add to an empty list (inline)", 1 },
	[K_ADD_INLINE]     = { "add to one inline entry (a node)", 2 },
	[K_ADD_ROOM]       = { "add, the first node has room", 2 },
	[K_ADD_FULL]       = { "add, the first node full (a node)", 2 },
	[K_DEL_INLINE]     = { "remove the inline entry", 1 },
	[K_DEL_LAST]       = { "remove the first node's last entry", 1 },
	[K_DEL_FIRST_NODE] = { "remove, the hole in the first node", 2 },
	[K_DEL_OTHER_NODE] = { "remove, the hole in another node", 2 },
	[K_DEL_EMPTIES]    = { "remove that empties the first node", 3 },
	[K_MOVE]           = { "move (remove, add to another list)", 5 },
};

struct list {
	struct llist_nulls_multi_head head;
} __aligned(LINE);

static struct list lists[2];
static long entries[2 * MAX_N + 2];
static struct llist_nulls_multi_params params;

static void *E(unsigned int i)
{
	return &entries[i];
}

static void take_read_lines(const struct llist_nulls_multi_head *head)
{
	const struct llist_nulls_multi_node *node;

	add_read(&head->first, sizeof(head->first));
	for (node = llist_nulls_multi_first_node(head); node;
	     node = node->next & LLIST_NULLS_MULTI_NULLS ? NULL :
		    (const struct llist_nulls_multi_node *)node->next)
		add_read(node, LLIST_NULLS_MULTI_NODE_SIZE(node->count));
}

static void must(int ret, const char *what)
{
	if (ret < 0) {
		fprintf(stderr, "footprint: %s failed: %d\n", what, ret);
		exit(2);
	}
}

static void add(struct llist_nulls_multi_head *head, void *e)
{
	struct llist_nulls_multi_node *node = NULL;

	if (llist_nulls_multi_need_node(head, &params))
		node = pool_alloc();
	must(llist_nulls_multi_add(head, e, &params, &node), "add");
	if (node)
		pool_free(node);
}

static void del(struct llist_nulls_multi_head *head, void *e)
{
	struct llist_nulls_multi_node *freed;

	must(llist_nulls_multi_del(head, e, &params, &freed), "del");
	if (freed)
		pool_free(freed);
}

/* List 0 holds E(0)..E(n - 1), list 1 E(MAX_N)..E(MAX_N + m - 1). */
static void build(unsigned int n, unsigned int m)
{
	unsigned int i;

	pool_reset();
	memset(lists, 0, sizeof(lists));
	for (i = 0; i < n; i++)
		add(&lists[0].head, E(i));
	for (i = 0; i < m; i++)
		add(&lists[1].head, E(MAX_N + i));
	walked.nr = 0;
}

static unsigned int del_kind(unsigned int n, unsigned int k)
{
	struct llist_nulls_multi_node *first = llist_nulls_multi_first_node(&lists[0].head);
	unsigned int in_first = first ? first->count : 0;

	if (!first)
		return K_DEL_INLINE;
	if (in_first == 1)
		return K_DEL_EMPTIES;
	if (k == n - 1)
		return K_DEL_LAST;
	/* E(k) was added k-th: the first node holds the last in_first added */
	return k >= n - in_first ? K_DEL_FIRST_NODE : K_DEL_OTHER_NODE;
}

static void count_llnm(unsigned int cap)
{
	static const unsigned int to_sizes[] = { 0, 1, 2, 6, 7 };
	struct llist_nulls_multi_node *first;
	unsigned int n, k, t, kind, m;
	char what[64];

	params = (struct llist_nulls_multi_params){ .cap = cap };
	for (n = 0; n <= 3 * cap + 2; n++) {
		build(n, 0);
		first = llist_nulls_multi_first_node(&lists[0].head);
		if (!n)
			kind = K_ADD_EMPTY;
		else if (!first)
			kind = K_ADD_INLINE;
		else
			kind = first->count < cap ? K_ADD_ROOM : K_ADD_FULL;
		take_read_lines(&lists[0].head);
		snprintf(what, sizeof(what), "cap %u, %u entries", cap, n);
		start();
		add(&lists[0].head, E(n));
		account(&kinds[kind], what);

		for (k = 0; k < n; k++) {
			build(n, 0);
			kind = del_kind(n, k);
			take_read_lines(&lists[0].head);
			snprintf(what, sizeof(what), "cap %u, %u entries, entry %u",
				 cap, n, k);
			start();
			del(&lists[0].head, E(k));
			account(&kinds[kind], what);

			for (t = 0; t < ARRAY_SIZE(to_sizes); t++) {
				m = to_sizes[t] + (to_sizes[t] > 2 ? cap : 0);
				build(n, m);
				take_read_lines(&lists[0].head);
				take_read_lines(&lists[1].head);
				snprintf(what, sizeof(what),
					 "cap %u, %u entries, entry %u, to %u", cap,
					 n, k, m);
				start();
				del(&lists[0].head, E(k));
				add(&lists[1].head, E(k));
				account(&kinds[K_MOVE], what);
			}
		}
	}
}

/* --- the one-entry list (onelist.h) --------------------------------------- */

enum { O_ADD, O_DEL, O_MOVE, NR_ONE_KINDS };

static struct kind one_kinds[NR_ONE_KINDS] = {
	[O_ADD]  = { "add", -1 },
	[O_DEL]  = { "remove", -1 },
	[O_MOVE] = { "move (remove, add to another list)", -1 },
};

struct one_list {
	struct one_head head;
} __aligned(LINE);

static struct one_list one_lists[2];

static void one_take_read_lines(const struct one_head *head)
{
	unsigned long link;

	add_read(&head->first, sizeof(head->first));
	for (link = head->first; !(link & 1);
	     link = ((struct one_node *)link)->next)
		add_read((void *)link, sizeof(struct one_node));
}

static void one_build(unsigned int n, unsigned int m)
{
	unsigned int i;

	pool_reset();
	one_init(&one_lists[0].head);
	one_init(&one_lists[1].head);
	for (i = 0; i < n; i++)
		one_add(&one_lists[0].head, E(i), pool_alloc());
	for (i = 0; i < m; i++)
		one_add(&one_lists[1].head, E(MAX_N + i), pool_alloc());
	walked.nr = 0;
}

static void one_del_free(struct one_head *head, void *e)
{
	struct one_node *freed;

	must(one_del(head, e, &freed), "one_del");
	pool_free(freed);
}

static void count_onelist(void)
{
	unsigned int n, k;
	char what[64];

	for (n = 0; n <= MAX_N - 1; n++) {
		one_build(n, 0);
		one_take_read_lines(&one_lists[0].head);
		snprintf(what, sizeof(what), "%u entries", n);
		start();
		one_add(&one_lists[0].head, E(n), pool_alloc());
		account(&one_kinds[O_ADD], what);
		for (k = 0; k < n; k++) {
			one_build(n, 0);
			one_take_read_lines(&one_lists[0].head);
			snprintf(what, sizeof(what), "%u entries, entry %u", n, k);
			start();
			one_del_free(&one_lists[0].head, E(k));
			account(&one_kinds[O_DEL], what);

			one_build(n, 3);
			one_take_read_lines(&one_lists[0].head);
			one_take_read_lines(&one_lists[1].head);
			start();
			one_del_free(&one_lists[0].head, E(k));
			one_add(&one_lists[1].head, E(k), pool_alloc());
			account(&one_kinds[O_MOVE], what);
		}
	}
}

static void print_kinds(const char *title, struct kind *k, unsigned int nr)
{
	char bound[8];
	unsigned int i;

	printf("%s\n", title);
	printf("  %-44s %5s %13s %8s %13s %6s %6s\n", "operation", "cases",
	       "lines min-max", "mean", "walker's max", "stores", "bound");
	for (i = 0; i < nr; i++, k++) {
		if (!k->n)
			continue;
		snprintf(bound, sizeof(bound), "%d", k->max_lines);
		printf("  %-44s %5lu %9u-%-3u %8.2f %13u %6.2f %6s\n", k->name,
		       k->n, k->min_lines, k->most_lines,
		       (double)k->lines / k->n, k->most_walker,
		       (double)k->stores / k->n,
		       k->max_lines < 0 ? "-" : bound);
	}
}

int main(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "v")) != -1) {
		if (opt != 'v') {
			fprintf(stderr, "usage: footprint [-v]\n");
			return 2;
		}
		verbose = true;
	}

	count_llnm(13);
	count_llnm(14);
	count_onelist();
	print_kinds("llist_nulls_multi, capacities 13 and 14, 128-byte nodes:",
		    kinds, NR_KINDS);
	print_kinds("one entry a node (onelist.h), a line a node:", one_kinds,
		    NR_ONE_KINDS);
	if (shim_warnings)
		printf("FAIL: %lu warnings from the library\n", shim_warnings);
	printf("footprint: %d operations over their bound\n", failures);
	return failures || shim_warnings ? 1 : 0;
}
