// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a walk costs, with no writers (see bench.c):
 *
 *   warm  ns per walk with warm caches: the lockless walk, its inline form,
 *         and the iterators with and without the writers' mutex, on lists
 *         of 1, 14 and 300 entries
 *   cold  ns per walk of 300 entries whose lines were all evicted first:
 *         llist_nulls_multi against a one-entry-per-node list (onelist.h)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/rcupdate.h>

#include "bench.h"

/* ------------------------------------------------------- warm, no writers */

/* Walks, timed in batches of about 10 ms: ns per walk. */
typedef void (*walk_fn)(void *ctx);

static unsigned long calibrate(walk_fn fn, void *ctx)
{
	unsigned long loops = 1, i;
	uint64_t t;

	for (;;) {
		t = now_ns();
		for (i = 0; i < loops; i++)
			fn(ctx);
		t = now_ns() - t;
		if (t > 2000000 || loops > (1UL << 30))
			return loops * 10000000 / (t ? t : 1) + 1;
		loops *= 2;
	}
}

static double time_loops(walk_fn fn, void *ctx, unsigned long loops)
{
	unsigned long i;
	uint64_t t = now_ns();

	for (i = 0; i < loops; i++)
		fn(ctx);
	return (double)(now_ns() - t) / loops;
}

struct warm_ctx {
	struct llist_nulls_multi_head head;
};

/*
 * DEFINE_WARM_WALKS(name, type, ptr): the walks bench_warm() times for the
 * visitor of name_walk and name_locked() (see DEFINE_VISITOR_WALK()), whose
 * state is a @type starting at 0: the lockless walk out of line and inline,
 * the locked walk (the mutex and the iterators, the visitor inline), and
 * the iterators calling the visitor through @ptr, which the compiler cannot
 * see through, without and within an RCU read side (what the out-of-line
 * walk pays beyond the latter is its own).
 */
#define DEFINE_WARM_WALKS(name, type, ptr)				\
static void warm_##name##_lockless(void *p)				\
{									\
	struct warm_ctx *c = p;						\
	type st = 0;							\
									\
	llnm_walk_outofline(&c->head, &name##_walk, &st, NULL);		\
	sink = st;							\
}									\
									\
static void warm_##name##_inline(void *p)				\
{									\
	struct warm_ctx *c = p;						\
	type st = 0;							\
									\
	llist_nulls_multi_walk_lockless(&c->head, &test_params,	\
					&name##_walk, &st, NULL);	\
	sink = st;							\
}									\
									\
static void warm_##name##_locked(void *p)				\
{									\
	struct warm_ctx *c = p;						\
	type st = 0;							\
									\
	name##_locked(&c->head, &st);					\
	sink = st;							\
}									\
									\
static void warm_##name##_iter_ptr(void *p)				\
{									\
	struct warm_ctx *c = p;						\
	type st = 0;							\
									\
	iter_visit(&c->head, ptr, &st);					\
	sink = st;							\
}									\
									\
static void warm_##name##_iter_ptr_rcu(void *p)				\
{									\
	struct warm_ctx *c = p;						\
	type st = 0;							\
									\
	rcu_read_lock();						\
	iter_visit(&c->head, ptr, &st);					\
	rcu_read_unlock();						\
	sink = st;							\
}

DEFINE_WARM_WALKS(sum, uintptr_t, visit_ptr)
/* cas_visit(): one compare-and-exchange per entry. */
DEFINE_WARM_WALKS(cas, unsigned long, cas_visit_ptr)

/* The sum with no lock at all, the iterators inlined. */
static void warm_iter_nolock(void *p)
{
	struct warm_ctx *c = p;
	uintptr_t sum = 0;

	iter_visit(&c->head, sum_visit, &sum);
	sink = sum;
}

/*
 * The inline form again, with a fallback the compiler does not inline: the
 * sum's address reaches a call, so the sum must live in memory, and every
 * acquire of the walk (a compiler barrier) makes the compiler store and
 * reload it around each entry: the cost a caller pays when its visitor
 * state escapes; see the guide's "What a pass costs".
 */
static noinline int sum_locked_outofline(const struct llist_nulls_multi_head *head,
					 void *arg)
{
	return sum_locked(head, arg);
}

static const struct llist_nulls_multi_walk sum_walk_escaping = {
	.visit = sum_visit,
	.fallback = sum_locked_outofline,
};

static void warm_sum_inline_escaping(void *p)
{
	struct warm_ctx *c = p;
	uintptr_t sum = 0;

	llist_nulls_multi_walk_lockless(&c->head, &test_params,
					&sum_walk_escaping, &sum, NULL);
	sink = sum;
}

struct warm_variant {
	const char *name;
	walk_fn fn;
};

/*
 * The variants of one visitor, in this order: lockless, locked, iterators
 * via a pointer, inline form, then any others.
 */
enum {
	W_LOCKLESS, W_LOCKED, W_ITER_PTR, W_INLINE, W_ITER_PTR_RCU, W_NOLOCK,
	W_ESCAPING, W_NR
};

static void warm_run(const char *what, const struct warm_variant *v,
		     unsigned int nr, struct warm_ctx *c, unsigned int size)
{
	struct series s[W_NR];
	unsigned long loops[W_NR];
	unsigned int j, r;

	for (j = 0; j < nr; j++) {
		s[j] = (struct series){ .name = v[j].name };
		loops[j] = calibrate(v[j].fn, c);
	}
	for (r = 0; r < opts.reps; r++)
		for (j = 0; j < nr; j++)
			s[j].v[s[j].n++] = time_loops(v[j].fn, c, loops[j]);
	printf("  %u entries, %s\n", size, what);
	print_header();
	for (j = 0; j < nr; j++)
		print_series(&s[j], "ns");
	print_ratio("lockless inline form / locked", &s[W_INLINE],
		    &s[W_LOCKED], "   (goal: <= 1.10x)");
	print_ratio("lockless / iterators via ptr", &s[W_LOCKLESS],
		    &s[W_ITER_PTR], "   (goal: <= 1.10x)");
	print_ratio("lockless / iterators via ptr, RCU", &s[W_LOCKLESS],
		    &s[W_ITER_PTR_RCU], "");
	print_ratio("lockless / locked", &s[W_LOCKLESS], &s[W_LOCKED], "");
	if (nr > W_ESCAPING)
		print_ratio("inline form, sum escapes / locked", &s[W_ESCAPING],
			    &s[W_LOCKED], "");
}

void bench_warm(void)
{
	static const unsigned int sizes[] = { 1, 14, 300 };
	static const struct warm_variant sum_v[] = {
		[W_LOCKLESS] = { "lockless walk", warm_sum_lockless },
		[W_LOCKED] = { "locked: mutex + iterators", warm_sum_locked },
		[W_ITER_PTR] = { "iterators, no lock, visit via ptr",
				 warm_sum_iter_ptr },
		[W_INLINE] = { "lockless walk, inline form", warm_sum_inline },
		[W_ITER_PTR_RCU] = { "the same under rcu_read_lock()",
				     warm_sum_iter_ptr_rcu },
		[W_NOLOCK] = { "iterators, no lock", warm_iter_nolock },
		[W_ESCAPING] = { "inline form, sum escapes",
				 warm_sum_inline_escaping },
	};
	static const struct warm_variant cas_v[] = {
		[W_LOCKLESS] = { "lockless walk", warm_cas_lockless },
		[W_LOCKED] = { "locked: mutex + iterators", warm_cas_locked },
		[W_ITER_PTR] = { "iterators, no lock, visit via ptr",
				 warm_cas_iter_ptr },
		[W_INLINE] = { "lockless walk, inline form", warm_cas_inline },
		[W_ITER_PTR_RCU] = { "the same under rcu_read_lock()",
				     warm_cas_iter_ptr_rcu },
	};
	struct warm_ctx c;
	unsigned int i;

	printf("\n(warm) walk with no writers, warm caches: ns per walk\n");
	printf("    lockless: llist_nulls_multi_walk_lockless() in one out-of-line function, visitor called through a pointer\n");
	printf("    inline form: llist_nulls_multi_walk_lockless() with a static const walk, visitor inlined\n");
	printf("    locked: pthread mutex taken, iter_first/next with the visitor inline, mutex released\n");
	printf("    sum: the visitor adds the entry to a sum; CAS: it reads the word the entry\n");
	printf("    points at and compare-and-exchanges it (one locked cmpxchg per entry)\n");
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		llnm_fill(&c.head, sizes[i], 0);
		warm_run("sum visitor", sum_v, ARRAY_SIZE(sum_v), &c, sizes[i]);
		warm_run("CAS visitor", cas_v, ARRAY_SIZE(cas_v), &c, sizes[i]);
		llnm_empty(&c.head);
	}
}

/* ------------------------------------------------------- cold, 300 entries */

static char *flush_buf;
static size_t flush_size;

static size_t llc_size(void)
{
	static const char *const paths[] = {
		"/sys/devices/system/cpu/cpu0/cache/index3/size",
		"/sys/devices/system/cpu/cpu0/cache/index2/size",
	};
	unsigned long kb;
	unsigned int i;
	FILE *f;

	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		f = fopen(paths[i], "r");
		if (!f)
			continue;
		if (fscanf(f, "%luK", &kb) == 1 && kb) {
			fclose(f);
			return kb * 1024;
		}
		fclose(f);
	}
	return 32 << 20;
}

static void flush_range(const void *p, size_t len)
{
#if defined(__x86_64__) || defined(__i386__)
	const char *c = (const char *)((uintptr_t)p & ~63UL);

	for (; c < (const char *)p + len; c += 64)
		__builtin_ia32_clflush(c);
#else
	(void)p;
	(void)len;
#endif
}

static void flush_fence(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_mfence();
#else
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

static void flush_buffer(void)
{
	size_t i;

	for (i = 0; i < flush_size; i += 64)
		flush_buf[i]++;
	flush_fence();
}

/*
 * The lines of one list, its head and its nodes, collected once: flushing a
 * line and then reading its link to find the next one would bring the line
 * back.
 */
struct cold_lines {
	const void *head;
	size_t head_size, node_size;
	const void *nodes[300];
	unsigned int nr_nodes;
};

struct cold_ctx {
	struct llist_nulls_multi_head head;
	struct one_head one;
	struct cold_lines llnm_lines, one_lines;
};

/* Evict @l's lines from the caches (every line, with -f buffer). */
static void cold_flush(const struct cold_lines *l)
{
	unsigned int i;

	if (opts.flush_with_buffer)
		return flush_buffer();
	flush_range(l->head, l->head_size);
	for (i = 0; i < l->nr_nodes; i++)
		flush_range(l->nodes[i], l->node_size);
	flush_fence();
}

static double cold_walk_llnm(struct cold_ctx *c, bool lockless)
{
	uintptr_t sum = 0;
	uint64_t t;

	cold_flush(&c->llnm_lines);
	t = now_ns();
	if (lockless)
		llnm_walk_outofline(&c->head, &sum_walk, &sum, NULL);
	else
		iter_visit(&c->head, sum_visit, &sum);
	t = now_ns() - t;
	sink = sum;
	return t;
}

static double cold_walk_one(struct cold_ctx *c)
{
	uintptr_t sum = 0;
	uint64_t t;

	cold_flush(&c->one_lines);
	t = now_ns();
	one_walk_lockless(&c->one, visit_ptr, &sum);
	t = now_ns() - t;
	sink = sum;
	return t;
}

static double cold_walk_clock(struct cold_ctx *c)
{
	uint64_t t;

	cold_flush(&c->one_lines);
	t = now_ns();
	t = now_ns() - t;
	return t;
}

void bench_cold(void)
{
	unsigned int walks = opts.flush_with_buffer ? 20 : 400, r, i;
	struct series s[4] = {
		{ .name = "llist_nulls_multi, lockless" },
		{ .name = "llist_nulls_multi, iterators" },
		{ .name = "one entry per node, lockless" },
		{ .name = "(empty timed region)" },
	};
	struct llist_nulls_multi_node *node;
	struct cold_ctx *c = calloc(1, sizeof(*c));
	struct cold_lines *ll, *ol;
	unsigned long link;
	double sum[4];

	if (!c)
		exit(1);
	ll = &c->llnm_lines;
	ol = &c->one_lines;
	if (opts.flush_with_buffer) {
		flush_size = 2 * llc_size();
		flush_buf = malloc(flush_size);
		if (!flush_buf)
			exit(1);
		memset(flush_buf, 1, flush_size);
	}
	/* Spread both lists' nodes over memory, as long-lived lists are. */
	node_pool_prefill_shuffled(&llnm_pool, 16384, 1);
	node_pool_prefill_shuffled(&one_pool, 65536, 2);
	llnm_fill(&c->head, 300, 0);
	one_fill(&c->one, 300, 0);
	*ll = (struct cold_lines){
		.head = &c->head,
		.head_size = sizeof(c->head),
		.node_size = LLIST_NULLS_MULTI_NODE_SIZE(NODE_CAP),
	};
	for (node = llist_nulls_multi_first_node(&c->head); node;
	     node = node->next & LLIST_NULLS_MULTI_NULLS ? NULL :
		    (struct llist_nulls_multi_node *)node->next)
		ll->nodes[ll->nr_nodes++] = node;
	*ol = (struct cold_lines){
		.head = &c->one,
		.head_size = sizeof(c->one),
		.node_size = sizeof(struct one_node),
	};
	for (link = c->one.first; !(link & 1);
	     link = ((struct one_node *)link)->next)
		ol->nodes[ol->nr_nodes++] = (const void *)link;

	printf("\n(cold) cold walk of 300 entries: ns per walk, mean of %u walks a round,\n", walks);
	if (opts.flush_with_buffer)
		printf("    each after writing %zu MiB (2x the last-level cache)\n",
		       flush_size >> 20);
	else
		printf("    each after clflush of every line of the list (head and nodes)\n");
	printf("    llist_nulls_multi: %u nodes of %zu bytes; one entry per node: 300 nodes of %zu bytes\n",
	       ll->nr_nodes, ll->node_size, ol->node_size);
	for (r = 0; r < opts.reps; r++) {
		memset(sum, 0, sizeof(sum));
		for (i = 0; i < walks; i++) {
			sum[0] += cold_walk_llnm(c, true);
			sum[1] += cold_walk_llnm(c, false);
			sum[2] += cold_walk_one(c);
			sum[3] += cold_walk_clock(c);
		}
		for (i = 0; i < 4; i++)
			s[i].v[s[i].n++] = sum[i] / walks;
	}
	print_header();
	for (i = 0; i < 4; i++)
		print_series(&s[i], "ns");
	print_ratio("one entry per node / lockless", &s[2], &s[0],
		    "   (goal: >= 4x)");
	print_ratio("one entry per node / iterators", &s[2], &s[1], "");

	llnm_empty(&c->head);
	one_empty(&c->one);
	free(c);
	free(flush_buf);
	flush_buf = NULL;
}

/* ------------------------------------------- layout: KVM's rmap node choices */

/*
 * A cold walk of 300 entries over nodes placed as a slab places them: each
 * 4 KiB slab holds 4096 / stride nodes at multiples of the stride, and the
 * list's nodes are drawn at random from many slabs.  The layouts are the
 * ones a SLAB_TYPESAFE_BY_RCU rmap node cache can have (see the KVM
 * patch): stock's 14 entries in 128 bytes; 14 entries with SLUB's free
 * pointer behind the object, a 136-byte stride; 13 entries and a word
 * left to the free pointer, 128 bytes.
 */
struct layout {
	const char *name;
	unsigned int cap, stride;
};

static const struct layout layouts[] = {
	{ "14 entries, stride 128 (stock)", 14, 128 },
	{ "14 entries, stride 136", 14, 136 },
	{ "13 entries + free ptr, stride 128", 13, 128 },
};

#define LAYOUT_SLABS	4096

struct layout_list {
	struct llist_nulls_multi_head head;
	struct cold_lines lines;
	struct llist_nulls_multi_params params;
};

static void layout_build(struct layout_list *l, const struct layout *lay,
			 char *arena)
{
	unsigned int per_slab = 4096 / lay->stride, need, i, j;
	unsigned int total = LAYOUT_SLABS * per_slab;
	unsigned int *slot = malloc(total * sizeof(*slot));
	struct llist_nulls_multi_node *node;

	if (!slot)
		exit(1);
	for (i = 0; i < total; i++)
		slot[i] = i;
	/* A random draw of distinct slots: a shuffle's first few. */
	need = (300 + lay->cap - 1) / lay->cap;
	for (i = 0; i < need; i++) {
		j = i + rnd_below(&rnd, total - i);
		node = (void *)(arena + (size_t)(slot[j] / per_slab) * 4096 +
				(slot[j] % per_slab) * lay->stride);
		slot[j] = slot[i];
		slot[i] = (unsigned int)((char *)node - arena);
	}
	memset(l, 0, sizeof(*l));
	l->params.cap = lay->cap;
	for (i = 0, j = 0; i < 300; i++) {
		node = NULL;
		if (llist_nulls_multi_need_node(&l->head, &l->params))
			node = (void *)(arena + slot[j++]);
		if (llist_nulls_multi_add(&l->head, &objs[i], &l->params, &node) < 0)
			exit(1);
	}
	free(slot);
	l->lines = (struct cold_lines){
		.head = &l->head,
		.head_size = sizeof(l->head),
		.node_size = LLIST_NULLS_MULTI_NODE_SIZE(lay->cap),
	};
	for (node = llist_nulls_multi_first_node(&l->head); node;
	     node = node->next & LLIST_NULLS_MULTI_NULLS ? NULL :
		    (struct llist_nulls_multi_node *)node->next)
		l->lines.nodes[l->lines.nr_nodes++] = node;
}

static double layout_walk(struct layout_list *l)
{
	uintptr_t sum = 0;
	uint64_t t;

	cold_flush(&l->lines);
	t = now_ns();
	llist_nulls_multi_walk_lockless(&l->head, &l->params, &sum_walk, &sum,
					NULL);
	t = now_ns() - t;
	sink = sum;
	return t;
}

void bench_layout(void)
{
	enum { N = ARRAY_SIZE(layouts) };
	unsigned int walks = 400, r, i, k;
	struct layout_list *l = calloc(N, sizeof(*l));
	struct series s[N];
	char *arena[N];
	double sum[N];

	if (!l)
		exit(1);
	for (k = 0; k < N; k++) {
		arena[k] = aligned_alloc(4096, (size_t)LAYOUT_SLABS * 4096);
		if (!arena[k])
			exit(1);
		memset(arena[k], 0, (size_t)LAYOUT_SLABS * 4096);
		layout_build(&l[k], &layouts[k], arena[k]);
		s[k] = (struct series){ .name = layouts[k].name };
	}
	printf("\n(layout) cold walk of 300 entries (inline lockless walk), ns per walk,\n");
	printf("    mean of %u walks a round, each after clflush of every line of the list;\n", walks);
	printf("    nodes drawn at random from %u slabs of 4 KiB, placed at multiples of the stride\n",
	       LAYOUT_SLABS);
	for (k = 0; k < N; k++)
		printf("    %-34s %u nodes of %zu bytes, %u to a slab\n", layouts[k].name,
		       l[k].lines.nr_nodes, l[k].lines.node_size,
		       4096 / layouts[k].stride);
	for (r = 0; r < opts.reps; r++) {
		memset(sum, 0, sizeof(sum));
		/* interleaved, so that drift hits every layout alike */
		for (i = 0; i < walks; i++)
			for (k = 0; k < N; k++)
				sum[k] += layout_walk(&l[k]);
		for (k = 0; k < N; k++)
			s[k].v[s[k].n++] = sum[k] / walks;
	}
	print_header();
	for (k = 0; k < N; k++)
		print_series(&s[k], "ns");
	for (k = 1; k < N; k++)
		print_ratio(layouts[k].name, &s[k], &s[0], " / stock");
	for (k = 0; k < N; k++)
		free(arena[k]);
	free(l);
}

/* ------------------------------------------------- instruction counts (-i) */

/* icount_walk_one()'s sum, which must not be optimised away. */
static uintptr_t one_sum;

DEFINE_ICOUNT(walk_lockless, struct warm_ctx, warm_sum_lockless(c))
DEFINE_ICOUNT(walk_locked, struct warm_ctx, warm_sum_locked(c))
DEFINE_ICOUNT(walk_iter, struct warm_ctx, warm_iter_nolock(c))
DEFINE_ICOUNT(walk_one, struct one_head,
	      one_walk_lockless(c, visit_ptr, &one_sum))

/* Each walk of 300 entries @loops times. */
void bench_walk_icount(unsigned long loops)
{
	struct warm_ctx c;
	struct one_head one;

	llnm_fill(&c.head, 300, 0);
	one_fill(&one, 300, 0);
	icount_walk_lockless(&c, loops);
	icount_walk_locked(&c, loops);
	icount_walk_iter(&c, loops);
	icount_walk_one(&one, loops);
	llnm_empty(&c.head);
	one_empty(&one);
}
