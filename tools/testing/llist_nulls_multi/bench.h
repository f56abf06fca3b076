/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the llist_nulls_multi benchmarks share: the options, the entries and
 * node pools, the lists' fill and empty, the reports (bench.c), and the
 * visitor every walk calls.  Each benchmark is in a file of its own:
 *
 *   bench_walk.c        warm and cold walk cost
 *   bench_contention.c  readers' walk throughput against one writer, and
 *                       how it scales with the number of readers
 *   bench_update.c      add and remove cost
 */
#ifndef _LLNM_BENCH_H
#define _LLNM_BENCH_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/llist_nulls_multi.h>

#include "harness.h"
#include "node_pool.h"
#include "onelist.h"

#define MAX_REPS	64
#define NR_OBJS		4096

struct bench_opts {
	unsigned int reps;	/* rounds: -r */
	unsigned int ms;	/* one contention measurement: -t */
	int readers;		/* contention's reader threads, or -1: -R */
	int gap;		/* contention writer's pause in ns, or -1: -g */
	bool flush_with_buffer;	/* cold: evict by writing a buffer: -f */
	const char *csv;	/* scaling: where to write its CSV: -o */
};

extern struct bench_opts opts;

/*
 * Entries point at these, one to a cache line.  Only cas_visit() touches
 * them: its walks write payload[0].
 */
struct bench_obj {
	unsigned long payload[8];
};

extern struct bench_obj *objs;
extern struct node_pool llnm_pool, one_pool;
extern volatile uintptr_t sink;
extern uint64_t rnd;
/* The writers' lock: locked walks and the fallback of lockless ones take it. */
extern pthread_mutex_t wlock;

static inline int sum_visit(void *entry, void *arg)
{
	*(uintptr_t *)arg += (uintptr_t)entry;
	return 0;
}

/* The same visitor, called through a pointer the compiler cannot see. */
extern int (*volatile visit_ptr)(void *, void *);

/*
 * A visitor shaped like KVM's aging one: read the word the entry points at,
 * then compare-and-exchange it (a locked cmpxchg on x86, as
 * try_cmpxchg64() is), counting the exchanges in @arg.  It flips bit 1
 * rather than clearing it, so that every walk exchanges every word, as
 * aging does when every page was young.
 */
static inline int cas_visit(void *entry, void *arg)
{
	unsigned long *word = &((struct bench_obj *)entry)->payload[0];
	unsigned long old = READ_ONCE(*word);

	if (__atomic_compare_exchange_n(word, &old, old ^ 2, false,
					__ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
		(*(unsigned long *)arg)++;
	return 0;
}

extern int (*volatile cas_visit_ptr)(void *, void *);

/* A walk with the iterators: @visit is inlined where it is known. */
static __always_inline void
iter_visit(const struct llist_nulls_multi_head *head,
	   int (*visit)(void *, void *), void *arg)
{
	struct llist_nulls_multi_iter iter = { 0 };
	void *e;

	for (e = llist_nulls_multi_iter_first(head, &iter); e;
	     e = llist_nulls_multi_iter_next(&iter))
		visit(e, arg);
}

/*
 * DEFINE_VISITOR_WALK(name, fn): name_locked(), the visitor @fn over a list
 * under the writers' lock with the iterators, and name_walk, a lockless walk
 * with @fn and name_locked() as its fallback.  Both are visible where they are
 * used, so that llist_nulls_multi_walk_lockless() inlines the visitor and
 * the fallback.
 */
#define DEFINE_VISITOR_WALK(name, fn)				\
static inline int name##_locked(const struct llist_nulls_multi_head *head, \
				void *arg)				\
{									\
	pthread_mutex_lock(&wlock);					\
	iter_visit(head, fn, arg);					\
	pthread_mutex_unlock(&wlock);					\
	return 0;							\
}									\
									\
static const struct llist_nulls_multi_walk name##_walk __maybe_unused = { \
	.visit = fn,							\
	.fallback = name##_locked,					\
}

/*
 * The lockless walk in one out-of-line function, the visitor called through
 * a pointer: what a caller gets that wraps the inline walk once for all its
 * walks (bench.c).
 */
int llnm_walk_outofline(const struct llist_nulls_multi_head *head,
			const struct llist_nulls_multi_walk *walk, void *arg,
			struct llist_nulls_multi_stats *st);

DEFINE_VISITOR_WALK(sum, sum_visit);
DEFINE_VISITOR_WALK(cas, cas_visit);

/* min, median and max of up to MAX_REPS measurements */
struct series {
	const char *name;
	double v[MAX_REPS];
	unsigned int n;
};

double series_median(const struct series *s);
double series_min(const struct series *s);
double series_max(const struct series *s);
void print_header(void);
void print_series(const struct series *s, const char *unit);
void print_ratio(const char *what, const struct series *num,
		 const struct series *den, const char *goal);

/* Lists of @n entries: &objs[@first_obj] onwards. */
void llnm_fill(struct llist_nulls_multi_head *head, unsigned int n,
	       unsigned int first_obj);
void llnm_empty(struct llist_nulls_multi_head *head);
void one_fill(struct one_head *head, unsigned int n, unsigned int first_obj);
void one_empty(struct one_head *head);

/* The benchmarks: the report of each on stdout. */
void bench_warm(void);		/* bench_walk.c */
void bench_cold(void);		/* bench_walk.c */
void bench_layout(void);	/* bench_walk.c */
void bench_contention(void);	/* bench_contention.c */
void bench_scaling(void);	/* bench_contention.c */
void bench_update(void);	/* bench_update.c */

/*
 * -i: icount_NAME() runs @stmt @loops times, so that callgrind's inclusive
 * count for it divided by @loops is instructions per run.  harness/bench.sh
 * --icount reports the functions named icount_* that it knows: give no
 * other function that prefix.
 */
#define DEFINE_ICOUNT(name, type, stmt)					\
static noinline void icount_##name(type *c, unsigned long loops)	\
{									\
	while (loops--)							\
		stmt;							\
}

/* Each icount_* function of the file, @loops times. */
void bench_walk_icount(unsigned long loops);
void bench_update_icount(unsigned long loops);

#endif
