// SPDX-License-Identifier: GPL-2.0-only
/*
 * update: what an add and a remove cost, one thread, warm caches, node
 * allocation included, llist_nulls_multi against a one-entry-per-node list
 * (onelist.h); see bench.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

struct update_ctx {
	unsigned int n;
	void *order[NR_OBJS];		/* removal order */
	struct llist_nulls_multi_head head;
	struct one_head one;
};

/*
 * The operations of one list type on @c's list of it.  update_timed()
 * inlines them all, so that its loops call the lists' own functions
 * directly, as a user of either list would.
 */
struct update_list {
	void (*init)(struct update_ctx *c);
	void (*add)(struct update_ctx *c, void *entry);
	void *(*first)(struct update_ctx *c);
	void (*del)(struct update_ctx *c, void *entry);
};

static __always_inline void llnm_init(struct update_ctx *c)
{
	llist_nulls_multi_init(&c->head);
}

static __always_inline void llnm_add(struct update_ctx *c, void *entry)
{
	struct llist_nulls_multi_node *node = NULL;

	if (llist_nulls_multi_need_node(&c->head, &test_params))
		node = node_pool_alloc(&llnm_pool, false);
	llist_nulls_multi_add(&c->head, entry, &test_params, &node);
}

static __always_inline void *llnm_first(struct update_ctx *c)
{
	return llist_nulls_multi_first(&c->head);
}

static __always_inline void llnm_del(struct update_ctx *c, void *entry)
{
	struct llist_nulls_multi_node *freed;

	llist_nulls_multi_del(&c->head, entry, &test_params, &freed);
	if (freed)
		node_pool_free(&llnm_pool, freed);
}

static const struct update_list llnm_list = {
	.init = llnm_init,
	.add = llnm_add,
	.first = llnm_first,
	.del = llnm_del,
};

static __always_inline void onel_init(struct update_ctx *c)
{
	one_init(&c->one);
}

static __always_inline void onel_add(struct update_ctx *c, void *entry)
{
	one_add(&c->one, entry, node_pool_alloc(&one_pool, false));
}

static __always_inline void *onel_first(struct update_ctx *c)
{
	return one_first(&c->one);
}

static __always_inline void onel_del(struct update_ctx *c, void *entry)
{
	struct one_node *freed;

	one_del(&c->one, entry, &freed);
	node_pool_free(&one_pool, freed);
}

static const struct update_list one_list = {
	.init = onel_init,
	.add = onel_add,
	.first = onel_first,
	.del = onel_del,
};

/*
 * Add @c->n entries to an empty list, then remove them in random order or
 * first-first: the time each phase took is added to *@add and *@del, in ns.
 */
static __always_inline void update_timed(struct update_ctx *c,
					 const struct update_list *l,
					 bool random_order, double *add,
					 double *del)
{
	unsigned int i;
	uint64_t t0, t1, t2;
	void *e;

	l->init(c);
	t0 = now_ns();
	for (i = 0; i < c->n; i++)
		l->add(c, &objs[i]);
	t1 = now_ns();
	if (random_order) {
		for (i = 0; i < c->n; i++)
			l->del(c, c->order[i]);
	} else {
		while ((e = l->first(c)))
			l->del(c, e);
	}
	t2 = now_ns();
	*add += t1 - t0;
	*del += t2 - t1;
}

/* The same, one copy for each list type. */
static void update_llnm(struct update_ctx *c, bool random_order, double *add,
			double *del)
{
	update_timed(c, &llnm_list, random_order, add, del);
}

static void update_one(struct update_ctx *c, bool random_order, double *add,
		       double *del)
{
	update_timed(c, &one_list, random_order, add, del);
}

/* c->order: the first c->n entries, shuffled. */
static void update_shuffle(struct update_ctx *c)
{
	unsigned int j, x;
	void *tmp;

	for (j = 0; j < c->n; j++)
		c->order[j] = &objs[j];
	for (j = c->n; j > 1; j--) {
		x = rnd_below(&rnd, j);
		tmp = c->order[j - 1];
		c->order[j - 1] = c->order[x];
		c->order[x] = tmp;
	}
}

void bench_update(void)
{
	static const unsigned int sizes[] = { 14, 300 };
	struct update_ctx *c = calloc(1, sizeof(*c));
	unsigned int i, j, r, k, cycles;
	struct series s[6];
	double v[6];

	if (!c)
		exit(1);
	printf("\n(update) add and remove, one thread, warm caches, node allocation included: ns per operation\n");
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		c->n = sizes[i];
		cycles = 200000 / c->n;
		if (c->n > 100)
			cycles /= 8;
		s[0] = (struct series){ .name = "llnm add" };
		s[1] = (struct series){ .name = "llnm del, random order" };
		s[2] = (struct series){ .name = "llnm del, first until empty" };
		s[3] = (struct series){ .name = "one per node add" };
		s[4] = (struct series){ .name = "one per node del, random order" };
		s[5] = (struct series){ .name = "one per node del, first until empty" };
		for (r = 0; r < opts.reps; r++) {
			memset(v, 0, sizeof(v));
			for (k = 0; k < cycles; k++) {
				update_shuffle(c);
				update_llnm(c, true, &v[0], &v[1]);
				update_llnm(c, false, &v[0], &v[2]);
				update_one(c, true, &v[3], &v[4]);
				update_one(c, false, &v[3], &v[5]);
			}
			for (j = 0; j < 6; j++) {
				/* Adds ran twice per cycle, each removal once. */
				double ops = (double)cycles * c->n * (j % 3 ? 1 : 2);

				s[j].v[s[j].n++] = v[j] / ops;
			}
		}
		printf("  %u entries\n", c->n);
		print_header();
		for (j = 0; j < 6; j++)
			print_series(&s[j], "ns");
		print_ratio("one per node / llnm, add", &s[3], &s[0], "");
		print_ratio("one per node / llnm, del random", &s[4], &s[1], "");
		print_ratio("one per node / llnm, del first", &s[5], &s[2], "");
	}
	free(c);
}

/* ------------------------------------------------- instruction counts (-i) */

/* What the runs of -i time, unread. */
static double icount_add_ns, icount_del_ns;

DEFINE_ICOUNT(add_del_llnm, struct update_ctx,
	      update_llnm(c, true, &icount_add_ns, &icount_del_ns))
DEFINE_ICOUNT(add_del_one, struct update_ctx,
	      update_one(c, true, &icount_add_ns, &icount_del_ns))

/* 300 adds and 300 removals in a fixed scattered order, @loops times. */
void bench_update_icount(unsigned long loops)
{
	struct update_ctx *c = calloc(1, sizeof(*c));
	unsigned int j;

	if (!c)
		exit(1);
	c->n = 300;
	for (j = 0; j < c->n; j++)
		c->order[j] = &objs[(j * 7) % c->n];
	icount_add_del_llnm(c, loops);
	icount_add_del_one(c, loops);
	free(c);
}
