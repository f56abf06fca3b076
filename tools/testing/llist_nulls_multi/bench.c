// SPDX-License-Identifier: GPL-2.0-only
/*
 * Benchmarks of llist_nulls_multi.  They print numbers and assert nothing.
 *
 * Every benchmark measures its variants side by side in one run: each of
 * @reps rounds measures every variant once, in turn, and the report gives
 * the minimum, median and maximum over the rounds and the ratio of medians.
 *
 *   warm        walking a list with no writers: lockless walk against a
 *               locked walk (iterators under a mutex), lists of 1, 14 and
 *               300 entries, with a summing visitor and with one that does
 *               a compare-and-exchange on each entry's word (bench_walk.c)
 *   cold        a cold walk of 300 entries (caches flushed before each walk)
 *   layout      the same over three node layouts KVM's rmap nodes could have
 *               against the same entries in a one-entry-per-node list,
 *               onelist.h (bench_walk.c)
 *   contention  readers' walk throughput on 300-entry lists while one writer
 *               thread adds and removes: lockless walks against readers
 *               taking a pthread spinlock, a pthread rwlock for reading and
 *               a lock bit per list (bench_contention.c)
 *   scaling     the same at 0, 1, 2, 4, 8 and 15 readers, writer flat out
 *               and pausing 1 us: one table, and a CSV with -o
 *               (bench_contention.c; not run by default)
 *   update      add and remove against the same on the one-entry-per-node
 *               list (bench_update.c)
 *
 * Usage: bench [-r reps] [-t ms] [-R readers] [-g ns] [-f clflush|buffer]
 *              [-i loops] [-o csv] [warm] [cold] [layout] [contention]
 *              [update] [scaling]
 *
 *   -r  rounds (default 7)
 *   -t  length of one measurement of contention, in ms (default 300)
 *   -R  reader threads in contention (default: run it with one per CPU but
 *       the writer's, and with one per CPU)
 *   -g  the writer's pause between operations in contention, in ns
 *       (default: run it with no pause and with 1000 ns)
 *   -f  how cold makes caches cold: clflush the lists' lines (default on
 *       x86) or write a buffer twice the size of the last-level cache
 *   -o  where scaling writes its CSV
 *   -i  instead of timing, run each walk of warm and each update of update
 *       @loops times in functions of its own (icount_*), for
 *       valgrind --tool=callgrind; see harness/bench.sh --icount
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/rcupdate.h>

#include "bench.h"

unsigned long shim_warnings;

struct bench_opts opts = {
	.reps = 7,
	.ms = 300,
	.readers = -1,
	.gap = -1,
#if !defined(__x86_64__) && !defined(__i386__)
	.flush_with_buffer = true,
#endif
};

struct bench_obj *objs;
struct node_pool llnm_pool, one_pool;
volatile uintptr_t sink;
uint64_t rnd = 0x1234567;
pthread_mutex_t wlock = PTHREAD_MUTEX_INITIALIZER;
int (*volatile visit_ptr)(void *, void *) = sum_visit;
int (*volatile cas_visit_ptr)(void *, void *) = cas_visit;

/* ---------------------------------------------------------------- reports */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* @s's values in order, into @v. */
static void sort_series(const struct series *s, double *v)
{
	memcpy(v, s->v, s->n * sizeof(double));
	qsort(v, s->n, sizeof(double), cmp_double);
}

double series_median(const struct series *s)
{
	double v[MAX_REPS];

	sort_series(s, v);
	return s->n % 2 ? v[s->n / 2] : (v[s->n / 2 - 1] + v[s->n / 2]) / 2;
}

double series_min(const struct series *s)
{
	double v[MAX_REPS];

	sort_series(s, v);
	return v[0];
}

double series_max(const struct series *s)
{
	double v[MAX_REPS];

	sort_series(s, v);
	return v[s->n - 1];
}

void print_series(const struct series *s, const char *unit)
{
	double v[MAX_REPS];

	sort_series(s, v);
	printf("    %-34s %10.1f %10.1f %10.1f  %s\n", s->name, v[0],
	       series_median(s), v[s->n - 1], unit);
}

void print_header(void)
{
	printf("    %-34s %10s %10s %10s\n", "", "min", "median", "max");
}

void print_ratio(const char *what, const struct series *num,
		 const struct series *den, const char *goal)
{
	double n = series_median(num), d = series_median(den);

	if (d > 0 && n / d < 1000)
		printf("    %-34s %10.2fx%s\n", what, n / d, goal);
	else
		printf("    %-34s %10s %s (the median below is starved)\n", what,
		       ">1000x", goal);
}

/* ------------------------------------------------------------------ lists */

void llnm_fill(struct llist_nulls_multi_head *head, unsigned int n,
	       unsigned int first_obj)
{
	struct llist_nulls_multi_node *node;
	unsigned int i;

	llist_nulls_multi_init(head);
	for (i = 0; i < n; i++) {
		node = NULL;
		if (llist_nulls_multi_need_node(head, &test_params))
			node = node_pool_alloc(&llnm_pool, false);
		if (llist_nulls_multi_add(head, &objs[(first_obj + i) % NR_OBJS],
					  &test_params, &node) < 0) {
			fprintf(stderr, "llnm_fill: add failed\n");
			exit(1);
		}
	}
}

noinline int llnm_walk_outofline(const struct llist_nulls_multi_head *head,
				 const struct llist_nulls_multi_walk *walk,
				 void *arg, struct llist_nulls_multi_stats *st)
{
	return llist_nulls_multi_walk_lockless(head, &test_params, walk, arg, st);
}

static void llnm_free_node(struct llist_nulls_multi_node *node,
			   void *arg __maybe_unused)
{
	node_pool_free(&llnm_pool, node);
}

void llnm_empty(struct llist_nulls_multi_head *head)
{
	llist_nulls_multi_destroy(head, &test_params, NULL, llnm_free_node, NULL);
}

void one_fill(struct one_head *head, unsigned int n, unsigned int first_obj)
{
	unsigned int i;

	one_init(head);
	for (i = 0; i < n; i++)
		one_add(head, &objs[(first_obj + i) % NR_OBJS],
			node_pool_alloc(&one_pool, false));
}

void one_empty(struct one_head *head)
{
	struct one_node *freed;
	void *e;

	while ((e = one_first(head))) {
		one_del(head, e, &freed);
		node_pool_free(&one_pool, freed);
	}
}

/* ------------------------------------------------------------------- main */

/* on_request: run only when named, as it takes minutes. */
static const struct {
	const char *name;
	void (*run)(void);
	bool on_request;
} benches[] = {
	{ .name = "warm", .run = bench_warm },
	{ .name = "cold", .run = bench_cold },
	{ .name = "layout", .run = bench_layout },
	{ .name = "contention", .run = bench_contention },
	{ .name = "update", .run = bench_update },
	{ .name = "scaling", .run = bench_scaling, .on_request = true },
};

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
	unsigned int i;

	fprintf(stderr, "usage: %s [-r reps] [-t ms] [-R readers] [-g ns]", prog);
	fprintf(stderr, " [-f clflush|buffer] [-i loops] [-o csv]");
	for (i = 0; i < ARRAY_SIZE(benches); i++)
		fprintf(stderr, " [%s]", benches[i].name);
	fprintf(stderr, "\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long icount_loops = 0;
	bool run[ARRAY_SIZE(benches)] = { false };
	bool any = false;
	unsigned int i;
	int opt;

	while ((opt = getopt(argc, argv, "r:t:R:g:f:i:o:")) != -1) {
		switch (opt) {
		case 'r':
			opts.reps = strtoul(optarg, NULL, 0);
			break;
		case 't':
			opts.ms = strtoul(optarg, NULL, 0);
			break;
		case 'R':
			opts.readers = strtol(optarg, NULL, 0);
			break;
		case 'g':
			opts.gap = strtol(optarg, NULL, 0);
			break;
		case 'f':
			if (!strcmp(optarg, "buffer"))
				opts.flush_with_buffer = true;
			else if (!strcmp(optarg, "clflush"))
				opts.flush_with_buffer = false;
			else
				usage(argv[0]);
			break;
		case 'i':
			icount_loops = strtoul(optarg, NULL, 0);
			break;
		case 'o':
			opts.csv = optarg;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (!opts.reps || opts.reps > MAX_REPS || !opts.ms || !opts.readers)
		usage(argv[0]);
	for (; optind < argc; optind++) {
		for (i = 0; i < ARRAY_SIZE(benches); i++)
			if (!strcmp(argv[optind], benches[i].name))
				break;
		if (i == ARRAY_SIZE(benches))
			usage(argv[0]);
		run[i] = true;
		any = true;
	}

	objs = aligned_alloc(64, NR_OBJS * sizeof(*objs));
	if (!objs || node_pool_init(&llnm_pool, LLIST_NULLS_MULTI_NODE_SIZE(NODE_CAP), 256) ||
	    node_pool_init(&one_pool, sizeof(struct one_node), 1024))
		return 1;
	memset(objs, 0, NR_OBJS * sizeof(*objs));
	rcu_register_thread();

	if (icount_loops) {
		bench_walk_icount(icount_loops);
		bench_update_icount(icount_loops);
		printf("icount: ran each icount_* function body %lu times on 300 entries\n",
		       icount_loops);
		return 0;
	}

	printf("bench: %u CPUs, %u rounds, cap %u (%zu-byte nodes), compiler %s\n",
	       nr_cpus(), opts.reps, NODE_CAP,
	       LLIST_NULLS_MULTI_NODE_SIZE(NODE_CAP), __VERSION__);
	print_loadavg();
	for (i = 0; i < ARRAY_SIZE(benches); i++)
		if (run[i] || (!any && !benches[i].on_request))
			benches[i].run();
	rcu_unregister_thread();
	return 0;
}
