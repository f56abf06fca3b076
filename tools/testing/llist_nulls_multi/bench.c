// SPDX-License-Identifier: GPL-2.0-only
/*
 * Benchmarks of llist_nulls_multi.  They print numbers and assert nothing.
 *
 * Every benchmark measures its variants side by side in one run: each of
 * @reps rounds measures every variant once, in turn, and the report gives
 * the minimum, median and maximum over the rounds and the ratio of medians.
 *
 *   a  walking a list with no writers: lockless walk against a locked walk
 *      (iterators under a mutex), lists of 1, 14 and 300 entries
 *   b  a cold walk of 300 entries (caches flushed before each walk) against
 *      the same entries in a one-entry-per-node list (onelist.h)
 *   c  readers' walk throughput on 300-entry lists while one writer thread
 *      adds and removes: lockless walks against readers taking a pthread
 *      spinlock, a fair ticket spinlock, and a pthread rwlock for reading
 *   d  add and remove against the same on the one-entry-per-node list
 *
 * Usage: bench [-r reps] [-t ms] [-R readers] [-g ns] [-f clflush|buffer]
 *              [-i loops] [a] [b] [c] [d]
 *
 *   -r  rounds (default 7)
 *   -t  length of one measurement of c, in ms (default 300)
 *   -R  reader threads in c (default: run c with one per CPU but the
 *       writer's, and with one per CPU)
 *   -g  the writer's pause between operations in c, in ns (default: run c
 *       with no pause and with 1000 ns)
 *   -f  how b makes caches cold: clflush the lists' lines (default on x86)
 *       or write a buffer twice the size of the last-level cache
 *   -i  instead of timing, run each walk and update of a and d @loops times
 *       in functions of its own (icount_*), for
 *       valgrind --tool=callgrind; see harness/bench.sh --icount
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/llist_nulls_multi.h>
#include <linux/rcupdate.h>

#include "harness.h"
#include "node_pool.h"
#include "onelist.h"

unsigned long shim_warnings;

#define MAX_REPS	64
#define NR_OBJS		4096

/* Entries point at these: 8-byte aligned, never dereferenced by walks. */
struct bench_obj {
	unsigned long payload[8];
};

static struct bench_obj *objs;
static struct node_pool llnm_pool, one_pool;
static unsigned int reps = 7;
static volatile uintptr_t sink;
static uint64_t rnd = 0x1234567;

/* ---------------------------------------------------------------- reports */

struct series {
	const char *name;
	double v[MAX_REPS];
	unsigned int n;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median_of(const struct series *s)
{
	double v[MAX_REPS];

	memcpy(v, s->v, s->n * sizeof(double));
	qsort(v, s->n, sizeof(double), cmp_double);
	return s->n % 2 ? v[s->n / 2] : (v[s->n / 2 - 1] + v[s->n / 2]) / 2;
}

static void print_series(const struct series *s, const char *unit)
{
	double v[MAX_REPS];

	memcpy(v, s->v, s->n * sizeof(double));
	qsort(v, s->n, sizeof(double), cmp_double);
	printf("    %-34s %10.1f %10.1f %10.1f  %s\n", s->name, v[0],
	       median_of(s), v[s->n - 1], unit);
}

static void print_header(void)
{
	printf("    %-34s %10s %10s %10s\n", "", "min", "median", "max");
}

static void print_ratio(const char *what, const struct series *num,
			const struct series *den, const char *goal)
{
	double n = median_of(num), d = median_of(den);

	if (d > 0 && n / d < 1000)
		printf("    %-34s %10.2fx%s\n", what, n / d, goal);
	else
		printf("    %-34s %10s %s (the median below is starved)\n", what,
		       ">1000x", goal);
}

/* ---------------------------------------------------------------- helpers */

static int sum_visit(void *entry, void *arg)
{
	*(uintptr_t *)arg += (uintptr_t)entry;
	return 0;
}

/* The same visitor, called through a pointer the compiler cannot see. */
static int (*volatile visit_ptr)(void *, void *) = sum_visit;

static pthread_mutex_t wlock = PTHREAD_MUTEX_INITIALIZER;

static int locked_fallback(const struct llist_nulls_multi_head *head, void *arg)
{
	struct llist_nulls_multi_iter iter = { 0 };
	void *e;

	pthread_mutex_lock(&wlock);
	for (e = llist_nulls_multi_iter_first(head, &iter); e;
	     e = llist_nulls_multi_iter_next(&iter))
		sum_visit(e, arg);
	pthread_mutex_unlock(&wlock);
	return 0;
}

static const struct llist_nulls_multi_walk sum_walk = {
	.visit = sum_visit,
	.fallback = locked_fallback,
};

static void llnm_fill(struct llist_nulls_multi_head *head, unsigned int n,
		      unsigned int first_obj)
{
	struct llist_nulls_multi_node *node;
	unsigned int i;

	llist_nulls_multi_init(head);
	for (i = 0; i < n; i++) {
		node = NULL;
		if (llist_nulls_multi_need_node(head, TEST_CAP))
			node = node_pool_alloc(&llnm_pool, false);
		if (llist_nulls_multi_add(head, &objs[(first_obj + i) % NR_OBJS],
					  TEST_CAP, node) < 0) {
			fprintf(stderr, "llnm_fill: add failed\n");
			exit(1);
		}
	}
}

static void llnm_free_node(struct llist_nulls_multi_node *node,
			   void *arg __maybe_unused)
{
	node_pool_free(&llnm_pool, node);
}

static void llnm_empty(struct llist_nulls_multi_head *head)
{
	llist_nulls_multi_destroy(head, TEST_CAP, NULL, llnm_free_node, NULL);
}

static void one_fill(struct one_head *head, unsigned int n, unsigned int first_obj)
{
	unsigned int i;

	one_init(head);
	for (i = 0; i < n; i++)
		one_add(head, &objs[(first_obj + i) % NR_OBJS],
			node_pool_alloc(&one_pool, false));
}

static void one_empty(struct one_head *head)
{
	struct one_node *freed;
	void *e;

	while ((e = one_first(head))) {
		one_del(head, e, &freed);
		node_pool_free(&one_pool, freed);
	}
}

/* Walks of @n entries, timed in batches of about 10 ms: ns per walk. */
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

/* ------------------------------------------------------ a: warm, no writers */

struct a_ctx {
	struct llist_nulls_multi_head head;
};

static void a_lockless(void *p)
{
	struct a_ctx *c = p;
	uintptr_t sum = 0;

	llist_nulls_multi_walk_lockless(&c->head, TEST_CAP, &sum_walk, &sum);
	sink = sum;
}

static void a_lockless_inline(void *p)
{
	struct a_ctx *c = p;
	uintptr_t sum = 0;

	__llist_nulls_multi_walk_lockless(&c->head, TEST_CAP, &sum_walk, &sum);
	sink = sum;
}

static void a_locked(void *p)
{
	struct a_ctx *c = p;
	struct llist_nulls_multi_iter iter = { 0 };
	uintptr_t sum = 0;
	void *e;

	pthread_mutex_lock(&wlock);
	for (e = llist_nulls_multi_iter_first(&c->head, &iter); e;
	     e = llist_nulls_multi_iter_next(&iter))
		sum += (uintptr_t)e;
	pthread_mutex_unlock(&wlock);
	sink = sum;
}

static void a_iter_nolock(void *p)
{
	struct a_ctx *c = p;
	struct llist_nulls_multi_iter iter = { 0 };
	uintptr_t sum = 0;
	void *e;

	for (e = llist_nulls_multi_iter_first(&c->head, &iter); e;
	     e = llist_nulls_multi_iter_next(&iter))
		sum += (uintptr_t)e;
	sink = sum;
}

static void a_iter_indirect(void *p)
{
	struct a_ctx *c = p;
	struct llist_nulls_multi_iter iter = { 0 };
	int (*visit)(void *, void *) = visit_ptr;
	uintptr_t sum = 0;
	void *e;

	for (e = llist_nulls_multi_iter_first(&c->head, &iter); e;
	     e = llist_nulls_multi_iter_next(&iter))
		visit(e, &sum);
	sink = sum;
}

static void bench_a(void)
{
	static const unsigned int sizes[] = { 1, 14, 300 };
	static const struct {
		const char *name;
		walk_fn fn;
	} v[] = {
		{ "lockless walk", a_lockless },
		{ "locked: mutex + iterators", a_locked },
		{ "iterators, no lock", a_iter_nolock },
		{ "iterators, no lock, visit via ptr", a_iter_indirect },
		{ "lockless walk, inline form", a_lockless_inline },
	};
	struct series s[5];
	unsigned long loops[5];
	unsigned int i, j, r;
	struct a_ctx c;

	printf("\n(a) walk with no writers, warm caches: ns per walk\n");
	printf("    lockless: llist_nulls_multi_walk_lockless(), visitor called through a pointer\n");
	printf("    inline form: __llist_nulls_multi_walk_lockless() with a constant walk, visitor inlined\n");
	printf("    locked: pthread mutex taken, iter_first/next with the sum inline, mutex released\n");
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		llnm_fill(&c.head, sizes[i], 0);
		for (j = 0; j < ARRAY_SIZE(v); j++) {
			s[j] = (struct series){ .name = v[j].name };
			loops[j] = calibrate(v[j].fn, &c);
		}
		for (r = 0; r < reps; r++)
			for (j = 0; j < ARRAY_SIZE(v); j++)
				s[j].v[s[j].n++] = time_loops(v[j].fn, &c, loops[j]);
		printf("  %u entries\n", sizes[i]);
		print_header();
		for (j = 0; j < ARRAY_SIZE(v); j++)
			print_series(&s[j], "ns");
		print_ratio("lockless / locked", &s[0], &s[1],
			    "   (goal: <= 1.15x)");
		print_ratio("lockless inline form / locked", &s[4], &s[1],
			    "   (goal: <= 1.15x)");
		print_ratio("lockless / iterators, no lock", &s[0], &s[2], "");
		print_ratio("lockless / iterators via ptr", &s[0], &s[3], "");
		llnm_empty(&c.head);
	}
}

/* ------------------------------------------------------- b: cold, 300 entries */

static bool flush_with_buffer;
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

	for (i = 0; i < 2; i++) {
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
 * The nodes of both lists are collected once: flushing a line and then
 * reading its link to find the next one would bring the line back.
 */
struct b_ctx {
	struct llist_nulls_multi_head head;
	struct one_head one;
	struct llist_nulls_multi_node *nodes[64];
	unsigned int nr_nodes;
	struct one_node *one_nodes[300];
	unsigned int nr_one_nodes;
};

static void b_flush_llnm(struct b_ctx *c)
{
	unsigned int i;

	if (flush_with_buffer)
		return flush_buffer();
	flush_range(&c->head, sizeof(c->head));
	for (i = 0; i < c->nr_nodes; i++)
		flush_range(c->nodes[i], LLIST_NULLS_MULTI_NODE_SIZE(TEST_CAP));
	flush_fence();
}

static void b_flush_one(struct b_ctx *c)
{
	unsigned int i;

	if (flush_with_buffer)
		return flush_buffer();
	flush_range(&c->one, sizeof(c->one));
	for (i = 0; i < c->nr_one_nodes; i++)
		flush_range(c->one_nodes[i], sizeof(struct one_node));
	flush_fence();
}

static double b_walk_llnm(struct b_ctx *c, bool lockless)
{
	struct llist_nulls_multi_iter iter = { 0 };
	uintptr_t sum = 0;
	uint64_t t;
	void *e;

	b_flush_llnm(c);
	t = now_ns();
	if (lockless) {
		llist_nulls_multi_walk_lockless(&c->head, TEST_CAP, &sum_walk, &sum);
	} else {
		for (e = llist_nulls_multi_iter_first(&c->head, &iter); e;
		     e = llist_nulls_multi_iter_next(&iter))
			sum += (uintptr_t)e;
	}
	t = now_ns() - t;
	sink = sum;
	return t;
}

static double b_walk_one(struct b_ctx *c)
{
	uintptr_t sum = 0;
	uint64_t t;

	b_flush_one(c);
	t = now_ns();
	one_walk_lockless(&c->one, visit_ptr, &sum);
	t = now_ns() - t;
	sink = sum;
	return t;
}

static double b_walk_clock(struct b_ctx *c)
{
	uint64_t t;

	b_flush_one(c);
	t = now_ns();
	t = now_ns() - t;
	return t;
}

static void bench_b(void)
{
	unsigned int walks = flush_with_buffer ? 20 : 400, r, i;
	struct series s[4] = {
		{ .name = "llist_nulls_multi, lockless" },
		{ .name = "llist_nulls_multi, iterators" },
		{ .name = "one entry per node, lockless" },
		{ .name = "(empty timed region)" },
	};
	struct llist_nulls_multi_node *node;
	struct b_ctx *c = calloc(1, sizeof(*c));
	unsigned long link;
	double sum[4];

	if (!c)
		exit(1);
	if (flush_with_buffer) {
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
	for (node = llist_nulls_multi_first_node(&c->head); node;
	     node = node->next & LLIST_NULLS_MULTI_NULLS ? NULL :
		    (struct llist_nulls_multi_node *)node->next)
		c->nodes[c->nr_nodes++] = node;
	for (link = c->one.first; !(link & 1);
	     link = ((struct one_node *)link)->next)
		c->one_nodes[c->nr_one_nodes++] = (struct one_node *)link;

	printf("\n(b) cold walk of 300 entries: ns per walk, mean of %u walks a round,\n", walks);
	if (flush_with_buffer)
		printf("    each after writing %zu MiB (2x the last-level cache)\n",
		       flush_size >> 20);
	else
		printf("    each after clflush of every line of the list (head and nodes)\n");
	printf("    llist_nulls_multi: %u nodes of %zu bytes; one entry per node: 300 nodes of %zu bytes\n",
	       c->nr_nodes, LLIST_NULLS_MULTI_NODE_SIZE(TEST_CAP),
	       sizeof(struct one_node));
	for (r = 0; r < reps; r++) {
		memset(sum, 0, sizeof(sum));
		for (i = 0; i < walks; i++) {
			sum[0] += b_walk_llnm(c, true);
			sum[1] += b_walk_llnm(c, false);
			sum[2] += b_walk_one(c);
			sum[3] += b_walk_clock(c);
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

/* ------------------------------------------- c: readers with one writer */

/*
 * Readers walk, a writer adds and removes.  In every mode a reader calls
 * the same visitor through a pointer for each entry, so that the modes
 * differ only in how readers synchronise with the writer:
 *
 *   lockless   llist_nulls_multi_walk_lockless(); the writer takes a mutex
 *   spinlock   pthread_spin_lock() for readers and the writer
 *   rwlock     pthread_rwlock_rdlock() for readers, wrlock for the writer
 *
 * (A fair ticket spinlock, closer to the kernel's, collapses in userspace
 * as soon as a waiter is preempted, so it is not offered.)
 */
enum c_mode { C_LOCKLESS, C_SPIN, C_RWLOCK, C_NR_MODES };

static const char *const c_names[C_NR_MODES] = {
	"lockless walks", "pthread spinlock", "pthread rwlock (readers: read)",
};

#define C_LISTS		4
#define C_MIN		290
#define C_MAX		310

struct c_list {
	struct llist_nulls_multi_head head;
	void *entries[C_MAX];		/* writer's view */
	unsigned int nr;
} __aligned(64);

static struct c_list c_lists[C_LISTS];
static void *c_spare[NR_OBJS];		/* entries in no list */
static unsigned int c_nr_spare;
static enum c_mode c_mode;
static unsigned int c_gap_ns;		/* writer's pause between operations */
static pthread_spinlock_t c_spin __aligned(64);
static pthread_rwlock_t c_rwlock = PTHREAD_RWLOCK_INITIALIZER;
static int c_stop;

struct c_thread {
	pthread_t thread;
	uint64_t rnd;
	unsigned long ops, fallbacks;
} __aligned(64);

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	barrier();
#endif
}

static void c_lock(bool writer)
{
	switch (c_mode) {
	case C_LOCKLESS:
		pthread_mutex_lock(&wlock);
		break;
	case C_SPIN:
		pthread_spin_lock(&c_spin);
		break;
	default:
		if (writer)
			pthread_rwlock_wrlock(&c_rwlock);
		else
			pthread_rwlock_rdlock(&c_rwlock);
		break;
	}
}

static void c_unlock(void)
{
	switch (c_mode) {
	case C_LOCKLESS:
		pthread_mutex_unlock(&wlock);
		break;
	case C_SPIN:
		pthread_spin_unlock(&c_spin);
		break;
	default:
		pthread_rwlock_unlock(&c_rwlock);
		break;
	}
}

/* One add or one remove, keeping every list within [C_MIN, C_MAX]. */
static void c_write(struct c_thread *t)
{
	struct c_list *l = &c_lists[rnd_below(&t->rnd, C_LISTS)];
	struct llist_nulls_multi_node *node = NULL;
	unsigned int i;
	void *e;

	c_lock(true);
	if (l->nr > C_MIN && (l->nr == C_MAX || rnd_below(&t->rnd, 2))) {
		i = rnd_below(&t->rnd, l->nr);
		e = l->entries[i];
		l->entries[i] = l->entries[--l->nr];
		llist_nulls_multi_del(&l->head, e, TEST_CAP, &node);
		c_spare[c_nr_spare++] = e;
	} else {
		i = rnd_below(&t->rnd, c_nr_spare);
		e = c_spare[i];
		c_spare[i] = c_spare[--c_nr_spare];
		if (llist_nulls_multi_need_node(&l->head, TEST_CAP))
			node = node_pool_alloc(&llnm_pool, false);
		llist_nulls_multi_add(&l->head, e, TEST_CAP, node);
		node = NULL;
		l->entries[l->nr++] = e;
	}
	c_unlock();
	/* Type-stable memory: free at once, walkers or not. */
	if (node)
		node_pool_free(&llnm_pool, node);
	t->ops++;
}

static void *c_writer(void *arg)
{
	struct c_thread *t = arg;
	uint64_t until;

	while (!__atomic_load_n(&c_stop, __ATOMIC_RELAXED)) {
		c_write(t);
		if (c_gap_ns) {
			until = now_ns() + c_gap_ns;
			while (now_ns() < until)
				cpu_relax();
		}
	}
	return NULL;
}

static void *c_reader(void *arg)
{
	struct llist_nulls_multi_stats st;
	struct llist_nulls_multi_walk walk = sum_walk;
	struct llist_nulls_multi_iter iter = { 0 };
	struct c_thread *t = arg;
	unsigned int i = rnd_below(&t->rnd, C_LISTS);
	int (*visit)(void *, void *) = visit_ptr;
	uintptr_t sum = 0;
	void *e;

	walk.stats = &st;
	rcu_register_thread();
	while (!__atomic_load_n(&c_stop, __ATOMIC_RELAXED)) {
		struct c_list *l = &c_lists[i];

		i = (i + 1) % C_LISTS;
		if (c_mode == C_LOCKLESS) {
			llist_nulls_multi_walk_lockless(&l->head, TEST_CAP,
							&walk, &sum);
			t->fallbacks += st.fell_back;
		} else {
			c_lock(false);
			for (e = llist_nulls_multi_iter_first(&l->head, &iter); e;
			     e = llist_nulls_multi_iter_next(&iter))
				visit(e, &sum);
			c_unlock();
		}
		t->ops++;
	}
	rcu_unregister_thread();
	sink = sum;
	return NULL;
}

/* One measurement: walks per second of all readers, writer ops per second. */
static void c_run(enum c_mode mode, unsigned int nr_readers, unsigned int ms,
		  double *reads, double *writes, unsigned long *fallbacks)
{
	struct c_thread *t = calloc(nr_readers + 1, sizeof(*t));
	unsigned int i;
	uint64_t start, el;

	if (!t)
		exit(1);
	c_mode = mode;
	__atomic_store_n(&c_stop, 0, __ATOMIC_RELAXED);
	for (i = 0; i <= nr_readers; i++) {
		t[i].rnd = rnd_seed(rnd_next(&rnd), i);
		if (pthread_create(&t[i].thread, NULL, i ? c_reader : c_writer, &t[i]))
			exit(1);
	}
	start = now_ns();
	usleep(ms * 1000);
	__atomic_store_n(&c_stop, 1, __ATOMIC_RELAXED);
	el = now_ns() - start;
	*reads = 0;
	for (i = 0; i <= nr_readers; i++) {
		pthread_join(t[i].thread, NULL);
		if (i) {
			*reads += t[i].ops;
			*fallbacks += t[i].fallbacks;
		}
	}
	*reads = *reads * 1e9 / el;
	*writes = t[0].ops * 1e9 / el;
	free(t);
}

static void bench_c_gap(unsigned int nr_readers, unsigned int ms)
{
	struct series rd[C_NR_MODES], wr[C_NR_MODES];
	unsigned long fallbacks = 0;
	double reads, writes;
	unsigned int m, r;

	for (m = 0; m < C_NR_MODES; m++) {
		rd[m] = (struct series){ .name = c_names[m] };
		wr[m] = (struct series){ .name = c_names[m] };
	}
	for (r = 0; r < reps; r++) {
		for (m = 0; m < C_NR_MODES; m++) {
			c_run(m, nr_readers, ms, &reads, &writes, &fallbacks);
			rd[m].v[rd[m].n++] = reads / 1000;
			wr[m].v[wr[m].n++] = writes / 1000;
		}
	}
	printf("  %u reader%s, writer %s", nr_readers, nr_readers == 1 ? "" : "s",
	       c_gap_ns ? "pausing" : "running flat out");
	if (c_gap_ns)
		printf(" %u ns between operations", c_gap_ns);
	printf("\n");
	printf("   readers' walks, thousands per second (all readers)\n");
	print_header();
	for (m = 0; m < C_NR_MODES; m++)
		print_series(&rd[m], "k/s");
	print_ratio("lockless / pthread spinlock", &rd[C_LOCKLESS], &rd[C_SPIN],
		    "   (goal: >= 3x on 2 cores)");
	print_ratio("lockless / rwlock", &rd[C_LOCKLESS], &rd[C_RWLOCK], "");
	printf("   writer's operations, thousands per second\n");
	print_header();
	for (m = 0; m < C_NR_MODES; m++)
		print_series(&wr[m], "k/s");
	printf("   lockless walks that fell back: %lu\n", fallbacks);
}

static void bench_c(int nr_readers, unsigned int ms, int gap)
{
	unsigned int cpus = nr_cpus(), i, r, g, nr_r = 0, nr_g = 0;
	unsigned int readers[2], gaps[2];

	if (nr_readers > 0) {
		readers[nr_r++] = nr_readers;
	} else {
		readers[nr_r++] = cpus > 1 ? cpus - 1 : 1;
		if (cpus > 1)
			readers[nr_r++] = cpus;
	}
	if (gap >= 0) {
		gaps[nr_g++] = gap;
	} else {
		gaps[nr_g++] = 0;
		gaps[nr_g++] = 1000;
	}

	pthread_spin_init(&c_spin, PTHREAD_PROCESS_PRIVATE);
	for (i = 0; i < C_LISTS; i++) {
		llnm_fill(&c_lists[i].head, 300, i * 300);
		for (c_lists[i].nr = 0; c_lists[i].nr < 300; c_lists[i].nr++)
			c_lists[i].entries[c_lists[i].nr] =
				&objs[i * 300 + c_lists[i].nr];
	}
	for (i = C_LISTS * 300; i < NR_OBJS; i++)
		c_spare[c_nr_spare++] = &objs[i];

	printf("\n(c) readers walking %u lists of %u-%u entries while one writer adds and removes\n",
	       C_LISTS, C_MIN, C_MAX);
	printf("    (%u ms a measurement, %u CPUs; readers call the visitor through a pointer in every mode;\n",
	       ms, cpus);
	printf("    the writer takes the same lock as the readers, or a mutex for lockless walks)\n");
	for (r = 0; r < nr_r; r++) {
		for (g = 0; g < nr_g; g++) {
			c_gap_ns = gaps[g];
			bench_c_gap(readers[r], ms);
		}
	}

	for (i = 0; i < C_LISTS; i++)
		llnm_empty(&c_lists[i].head);
	c_nr_spare = 0;
	pthread_spin_destroy(&c_spin);
}

/* ------------------------------------------------- d: add and remove */

struct d_ctx {
	unsigned int n;
	void *order[NR_OBJS];		/* removal order */
	struct llist_nulls_multi_head head;
	struct one_head one;
};

/* Add @n, then remove them in random order or first-first: ns per op. */
static void d_llnm(struct d_ctx *c, bool random_order, double *add, double *del)
{
	struct llist_nulls_multi_node *freed;
	unsigned int i;
	uint64_t t0, t1, t2;
	void *e;

	llist_nulls_multi_init(&c->head);
	t0 = now_ns();
	for (i = 0; i < c->n; i++) {
		struct llist_nulls_multi_node *node = NULL;

		if (llist_nulls_multi_need_node(&c->head, TEST_CAP))
			node = node_pool_alloc(&llnm_pool, false);
		llist_nulls_multi_add(&c->head, &objs[i], TEST_CAP, node);
	}
	t1 = now_ns();
	if (random_order) {
		for (i = 0; i < c->n; i++) {
			llist_nulls_multi_del(&c->head, c->order[i], TEST_CAP, &freed);
			if (freed)
				node_pool_free(&llnm_pool, freed);
		}
	} else {
		while ((e = llist_nulls_multi_first(&c->head))) {
			llist_nulls_multi_del(&c->head, e, TEST_CAP, &freed);
			if (freed)
				node_pool_free(&llnm_pool, freed);
		}
	}
	t2 = now_ns();
	*add += t1 - t0;
	*del += t2 - t1;
}

static void d_one(struct d_ctx *c, bool random_order, double *add, double *del)
{
	struct one_node *freed;
	unsigned int i;
	uint64_t t0, t1, t2;
	void *e;

	one_init(&c->one);
	t0 = now_ns();
	for (i = 0; i < c->n; i++)
		one_add(&c->one, &objs[i], node_pool_alloc(&one_pool, false));
	t1 = now_ns();
	if (random_order) {
		for (i = 0; i < c->n; i++) {
			one_del(&c->one, c->order[i], &freed);
			node_pool_free(&one_pool, freed);
		}
	} else {
		while ((e = one_first(&c->one))) {
			one_del(&c->one, e, &freed);
			node_pool_free(&one_pool, freed);
		}
	}
	t2 = now_ns();
	*add += t1 - t0;
	*del += t2 - t1;
}

static void bench_d(void)
{
	static const unsigned int sizes[] = { 14, 300 };
	struct d_ctx *c = calloc(1, sizeof(*c));
	unsigned int i, j, r, k, cycles;
	struct series s[6];
	double v[6];

	if (!c)
		exit(1);
	printf("\n(d) add and remove, one thread, warm caches, node allocation included: ns per operation\n");
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
		for (r = 0; r < reps; r++) {
			memset(v, 0, sizeof(v));
			for (k = 0; k < cycles; k++) {
				for (j = 0; j < c->n; j++)
					c->order[j] = &objs[j];
				for (j = c->n; j > 1; j--) {
					unsigned int x = rnd_below(&rnd, j);
					void *tmp = c->order[j - 1];

					c->order[j - 1] = c->order[x];
					c->order[x] = tmp;
				}
				d_llnm(c, true, &v[0], &v[1]);
				d_llnm(c, false, &v[0], &v[2]);
				d_one(c, true, &v[3], &v[4]);
				d_one(c, false, &v[3], &v[5]);
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

/* ------------------------------------------- instruction counts (-i) */

/*
 * Each function runs one kind of operation @loops times, so callgrind's
 * inclusive count for it divided by @loops is instructions per operation.
 */
static noinline void icount_walk_lockless(struct llist_nulls_multi_head *h,
					  unsigned long loops)
{
	struct a_ctx *c = (struct a_ctx *)h;

	while (loops--)
		a_lockless(c);
}

static noinline void icount_walk_locked(struct llist_nulls_multi_head *h,
					unsigned long loops)
{
	struct a_ctx *c = (struct a_ctx *)h;

	while (loops--)
		a_locked(c);
}

static noinline void icount_walk_iter(struct llist_nulls_multi_head *h,
				      unsigned long loops)
{
	struct a_ctx *c = (struct a_ctx *)h;

	while (loops--)
		a_iter_nolock(c);
}

static noinline void icount_walk_one(struct one_head *h, unsigned long loops)
{
	uintptr_t sum = 0;

	while (loops--)
		one_walk_lockless(h, visit_ptr, &sum);
	sink = sum;
}

static noinline void icount_add_del_llnm(struct d_ctx *c, unsigned long loops)
{
	double a = 0, d = 0;

	while (loops--)
		d_llnm(c, true, &a, &d);
}

static noinline void icount_add_del_one(struct d_ctx *c, unsigned long loops)
{
	double a = 0, d = 0;

	while (loops--)
		d_one(c, true, &a, &d);
}

static void icount(unsigned long loops)
{
	struct d_ctx *d = calloc(1, sizeof(*d));
	struct a_ctx c;
	struct one_head one;
	unsigned int j;

	if (!d)
		exit(1);
	llnm_fill(&c.head, 300, 0);
	one_fill(&one, 300, 0);
	icount_walk_lockless(&c.head, loops);
	icount_walk_locked(&c.head, loops);
	icount_walk_iter(&c.head, loops);
	icount_walk_one(&one, loops);
	d->n = 300;
	for (j = 0; j < d->n; j++)
		d->order[j] = &objs[(j * 7) % d->n];
	icount_add_del_llnm(d, loops);
	icount_add_del_one(d, loops);
	printf("icount: ran each icount_* function body %lu times on 300 entries\n",
	       loops);
	free(d);
}

/* ------------------------------------------------------------------ main */

/* Other load on the machine makes every number here noisier: say so. */
static void print_loadavg(void)
{
	char buf[128] = "";
	FILE *f = fopen("/proc/loadavg", "r");

	if (f && fgets(buf, sizeof(buf), f))
		printf("load average at start: %s", buf);
	if (f)
		fclose(f);
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-r reps] [-t ms] [-R readers] [-g ns] [-f clflush|buffer] [-i loops] [a] [b] [c] [d]\n",
		prog);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned int cpus = nr_cpus();
	int readers = -1;
	unsigned int ms = 300, i;
	int gap = -1;
	unsigned long icount_loops = 0;
	bool run[4] = { false };
	bool any = false;
	int opt;

#if !defined(__x86_64__) && !defined(__i386__)
	flush_with_buffer = true;
#endif
	while ((opt = getopt(argc, argv, "r:t:R:g:f:i:")) != -1) {
		switch (opt) {
		case 'r':
			reps = strtoul(optarg, NULL, 0);
			break;
		case 't':
			ms = strtoul(optarg, NULL, 0);
			break;
		case 'R':
			readers = strtol(optarg, NULL, 0);
			break;
		case 'g':
			gap = strtol(optarg, NULL, 0);
			break;
		case 'f':
			if (!strcmp(optarg, "buffer"))
				flush_with_buffer = true;
			else if (!strcmp(optarg, "clflush"))
				flush_with_buffer = false;
			else
				usage(argv[0]);
			break;
		case 'i':
			icount_loops = strtoul(optarg, NULL, 0);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (!reps || reps > MAX_REPS || !ms || !readers)
		usage(argv[0]);
	for (; optind < argc; optind++) {
		if (strlen(argv[optind]) != 1 || argv[optind][0] < 'a' ||
		    argv[optind][0] > 'd')
			usage(argv[0]);
		run[argv[optind][0] - 'a'] = true;
		any = true;
	}
	for (i = 0; i < 4 && !any; i++)
		run[i] = true;

	objs = aligned_alloc(64, NR_OBJS * sizeof(*objs));
	if (!objs || node_pool_init(&llnm_pool, LLIST_NULLS_MULTI_NODE_SIZE(TEST_CAP), 256) ||
	    node_pool_init(&one_pool, sizeof(struct one_node), 1024))
		return 1;
	memset(objs, 0, NR_OBJS * sizeof(*objs));
	rcu_register_thread();

	if (icount_loops) {
		icount(icount_loops);
		return 0;
	}

	printf("bench: %u CPUs, %u rounds, cap %u (%zu-byte nodes), compiler %s\n",
	       cpus, reps, TEST_CAP, LLIST_NULLS_MULTI_NODE_SIZE(TEST_CAP),
	       __VERSION__);
	print_loadavg();
	if (run[0])
		bench_a();
	if (run[1])
		bench_b();
	if (run[2])
		bench_c(readers, ms, gap);
	if (run[3])
		bench_d();
	rcu_unregister_thread();
	return 0;
}
