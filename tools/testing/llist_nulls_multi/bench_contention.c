// SPDX-License-Identifier: GPL-2.0-only
/*
 * contention: readers' walk throughput while one writer adds and removes
 * (see bench.c).
 *
 * Readers walk, a writer adds and removes.  In every mode a reader calls
 * the same visitor through a pointer for each entry, so that the modes
 * differ only in how readers synchronise with the writer:
 *
 *   lockless   llist_nulls_multi_walk_lockless(); the writer takes a mutex
 *   spinlock   pthread_spin_lock() for readers and the writer
 *   rwlock     pthread_rwlock_rdlock() for readers, wrlock for the writer
 *   bit lock   a lock bit per list, taken by readers and the writer alike
 *              with a compare-and-exchange loop, as KVM's shadow MMU has
 *              done since Linux 6.15 (bit 1 of each rmap head word); here
 *              the bit is in a word beside the head word, in its cache
 *              line, since add and del rewrite the head word itself
 *   rculist    the lockless baseline: the same entries on a list of one
 *              entry a node in the hlist_nulls style (onelist.h), nodes
 *              from a type-stable pool and freed at once, walked under
 *              rcu_read_lock() as rculist_nulls readers walk; the writer
 *              takes a mutex
 *
 * Each mode's writer changes only its own lists; the lists of the other
 * representation are rebuilt from the writer's view before a mode that
 * uses them runs, outside the measurement.
 *
 * "scaling" runs every mode with 0, 1, 2, 4, 8 and 15 readers, the writer
 * running flat out and pausing 1 us between operations, prints one table
 * and writes it as CSV (-o).
 *
 * (A fair ticket spinlock, closer to the kernel's, collapses in userspace
 * as soon as a waiter is preempted, so it is not offered.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/rcupdate.h>

#include "bench.h"

enum cont_mode {
	CONT_LOCKLESS, CONT_SPIN, CONT_RWLOCK, CONT_BITLOCK, CONT_RCULIST,
	CONT_NR_MODES
};

static const char *const cont_names[CONT_NR_MODES] = {
	"lockless walks", "pthread spinlock", "pthread rwlock (readers: read)",
	"bit lock per list", "RCU list, one entry a node",
};

/* Short names, for the scaling table and its CSV. */
static const char *const cont_keys[CONT_NR_MODES] = {
	"lockless", "spinlock", "rwlock", "bitlock", "rculist",
};

/* The per-list lock bit, as KVM_RMAP_LOCKED is bit 1 of an rmap head. */
#define CONT_LOCKED	2UL

#define CONT_LISTS	4
#define CONT_MIN	290
#define CONT_MAX	310

struct cont_list {
	struct llist_nulls_multi_head head;
	unsigned long lock;		/* CONT_LOCKED, in bit lock mode */
	struct one_head one;		/* the same entries, in rculist mode */
	void *entries[CONT_MAX];	/* writer's view */
	unsigned int nr;
} __aligned(64);

static struct cont_list lists[CONT_LISTS];
static void *spare[NR_OBJS];		/* entries in no list */
static unsigned int nr_spare;
static enum cont_mode mode;
static unsigned int gap_ns;		/* writer's pause between operations */
static pthread_spinlock_t spin __aligned(64);
static pthread_rwlock_t rwlock = PTHREAD_RWLOCK_INITIALIZER;
static int stop;
/* Whether the llist_nulls_multi lists, and the one-entry lists, are current. */
static bool llnm_current, one_current;

struct cont_thread {
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

/*
 * Take @l's lock bit: wait until it reads clear, then try to set it with a
 * compare-and-exchange, an acquire; the unlock is a release.  Readers
 * exclude each other as well as the writer.
 */
static void bit_lock(struct cont_list *l)
{
	unsigned long old = __atomic_load_n(&l->lock, __ATOMIC_RELAXED);

	for (;;) {
		while (old & CONT_LOCKED) {
			cpu_relax();
			old = __atomic_load_n(&l->lock, __ATOMIC_RELAXED);
		}
		if (__atomic_compare_exchange_n(&l->lock, &old,
						old | CONT_LOCKED, false,
						__ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return;
	}
}

static void bit_unlock(struct cont_list *l)
{
	__atomic_store_n(&l->lock, l->lock & ~CONT_LOCKED, __ATOMIC_RELEASE);
}

static void cont_lock(struct cont_list *l, bool writer)
{
	switch (mode) {
	case CONT_BITLOCK:
		bit_lock(l);
		break;
	case CONT_LOCKLESS:
	case CONT_RCULIST:
		pthread_mutex_lock(&wlock);
		break;
	case CONT_SPIN:
		pthread_spin_lock(&spin);
		break;
	default:
		if (writer)
			pthread_rwlock_wrlock(&rwlock);
		else
			pthread_rwlock_rdlock(&rwlock);
		break;
	}
}

static void cont_unlock(struct cont_list *l)
{
	switch (mode) {
	case CONT_BITLOCK:
		bit_unlock(l);
		break;
	case CONT_LOCKLESS:
	case CONT_RCULIST:
		pthread_mutex_unlock(&wlock);
		break;
	case CONT_SPIN:
		pthread_spin_unlock(&spin);
		break;
	default:
		pthread_rwlock_unlock(&rwlock);
		break;
	}
}

/* One add or one remove, keeping every list within [CONT_MIN, CONT_MAX]. */
static void cont_write(struct cont_thread *t)
{
	struct cont_list *l = &lists[rnd_below(&t->rnd, CONT_LISTS)];
	struct llist_nulls_multi_node *node = NULL;
	struct one_node *one = NULL;
	unsigned int i;
	void *e;

	cont_lock(l, true);
	if (l->nr > CONT_MIN && (l->nr == CONT_MAX || rnd_below(&t->rnd, 2))) {
		i = rnd_below(&t->rnd, l->nr);
		e = l->entries[i];
		l->entries[i] = l->entries[--l->nr];
		if (mode == CONT_RCULIST)
			one_del(&l->one, e, &one);
		else
			llist_nulls_multi_del(&l->head, e, &test_params, &node);
		spare[nr_spare++] = e;
	} else {
		i = rnd_below(&t->rnd, nr_spare);
		e = spare[i];
		spare[i] = spare[--nr_spare];
		if (mode == CONT_RCULIST) {
			one_add(&l->one, e, node_pool_alloc(&one_pool, false));
		} else {
			if (llist_nulls_multi_need_node(&l->head, &test_params))
				node = node_pool_alloc(&llnm_pool, false);
			llist_nulls_multi_add(&l->head, e, &test_params, &node);
			node = NULL;
		}
		l->entries[l->nr++] = e;
	}
	cont_unlock(l);
	/* Type-stable memory: free at once, walkers or not. */
	if (node)
		node_pool_free(&llnm_pool, node);
	if (one)
		node_pool_free(&one_pool, one);
	t->ops++;
}

static void *cont_writer(void *arg)
{
	struct cont_thread *t = arg;
	uint64_t until;

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		cont_write(t);
		if (gap_ns) {
			until = now_ns() + gap_ns;
			while (now_ns() < until)
				cpu_relax();
		}
	}
	return NULL;
}

static void *cont_reader(void *arg)
{
	struct llist_nulls_multi_stats st;
	struct cont_thread *t = arg;
	unsigned int i = rnd_below(&t->rnd, CONT_LISTS);
	int (*visit)(void *, void *) = visit_ptr;
	uintptr_t sum = 0;

	rcu_register_thread();
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		struct cont_list *l = &lists[i];

		i = (i + 1) % CONT_LISTS;
		if (mode == CONT_LOCKLESS) {
			llnm_walk_outofline(&l->head, &sum_walk, &sum, &st);
			t->fallbacks += st.fell_back;
		} else if (mode == CONT_RCULIST) {
			one_walk_lockless(&l->one, visit, &sum);
		} else {
			cont_lock(l, false);
			iter_visit(&l->head, visit, &sum);
			cont_unlock(l);
		}
		t->ops++;
	}
	rcu_unregister_thread();
	sink = sum;
	return NULL;
}

/*
 * Make the lists mode @m uses hold the writer's view of each list: after a
 * measurement in the other representation, rebuild them (no thread runs).
 */
static void cont_sync(enum cont_mode m)
{
	struct llist_nulls_multi_node *node;
	bool one_mode = m == CONT_RCULIST;
	unsigned int i, k;

	if (one_mode ? one_current : llnm_current)
		return;
	for (i = 0; i < CONT_LISTS; i++) {
		struct cont_list *l = &lists[i];

		if (one_mode) {
			one_empty(&l->one);
			for (k = 0; k < l->nr; k++)
				one_add(&l->one, l->entries[k],
					node_pool_alloc(&one_pool, false));
			continue;
		}
		llnm_empty(&l->head);
		llist_nulls_multi_init(&l->head);
		for (k = 0; k < l->nr; k++) {
			node = NULL;
			if (llist_nulls_multi_need_node(&l->head, &test_params))
				node = node_pool_alloc(&llnm_pool, false);
			llist_nulls_multi_add(&l->head, l->entries[k], &test_params,
					      &node);
		}
	}
	one_current = one_mode;
	llnm_current = !one_mode;
}

/* One measurement: walks per second of all readers, writer ops per second. */
static void cont_run(enum cont_mode m, unsigned int nr_readers,
		     double *reads, double *writes, unsigned long *fallbacks)
{
	struct cont_thread *t = calloc(nr_readers + 1, sizeof(*t));
	unsigned int i;
	uint64_t start, el;

	if (!t)
		exit(1);
	cont_sync(m);
	mode = m;
	__atomic_store_n(&stop, 0, __ATOMIC_RELAXED);
	for (i = 0; i <= nr_readers; i++) {
		t[i].rnd = rnd_seed(rnd_next(&rnd), i);
		if (pthread_create(&t[i].thread, NULL,
				   i ? cont_reader : cont_writer, &t[i]))
			exit(1);
	}
	start = now_ns();
	usleep(opts.ms * 1000);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
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

/*
 * Every mode with @nr_readers readers and the writer's gap_ns, opts.reps
 * rounds of one measurement per mode: readers' and writer's rates in k/s.
 */
static void cont_series(unsigned int nr_readers, struct series *rd,
			struct series *wr, unsigned long *fallbacks)
{
	double reads, writes;
	unsigned int m, r;

	for (m = 0; m < CONT_NR_MODES; m++) {
		rd[m] = (struct series){ .name = cont_names[m] };
		wr[m] = (struct series){ .name = cont_names[m] };
	}
	for (r = 0; r < opts.reps; r++) {
		for (m = 0; m < CONT_NR_MODES; m++) {
			cont_run(m, nr_readers, &reads, &writes, fallbacks);
			rd[m].v[rd[m].n++] = reads / 1000;
			wr[m].v[wr[m].n++] = writes / 1000;
		}
	}
}

/*
 * Lockless readers' walks against those of each other mode, each ratio
 * followed by @goal[mode] if there is one.
 */
static void print_lockless_ratios(const struct series *rd,
				  const char *const goal[CONT_NR_MODES])
{
	char what[64];
	unsigned int m;

	for (m = CONT_LOCKLESS + 1; m < CONT_NR_MODES; m++) {
		snprintf(what, sizeof(what), "lockless / %s", cont_keys[m]);
		print_ratio(what, &rd[CONT_LOCKLESS], &rd[m],
			    goal[m] ? goal[m] : "");
	}
}

/* Every mode with @nr_readers readers and the writer's gap_ns: the report. */
static void cont_measure(unsigned int nr_readers)
{
	static const char *const contention_goals[CONT_NR_MODES] = {
		[CONT_SPIN] = "   (goal: >= 3x on 2 cores)",
	};
	struct series rd[CONT_NR_MODES], wr[CONT_NR_MODES];
	unsigned long fallbacks = 0;
	unsigned int m;

	cont_series(nr_readers, rd, wr, &fallbacks);
	printf("  %u reader%s, writer %s", nr_readers, nr_readers == 1 ? "" : "s",
	       gap_ns ? "pausing" : "running flat out");
	if (gap_ns)
		printf(" %u ns between operations", gap_ns);
	printf("\n");
	printf("   readers' walks, thousands per second (all readers)\n");
	print_header();
	for (m = 0; m < CONT_NR_MODES; m++)
		print_series(&rd[m], "k/s");
	print_lockless_ratios(rd, contention_goals);
	printf("   writer's operations, thousands per second\n");
	print_header();
	for (m = 0; m < CONT_NR_MODES; m++)
		print_series(&wr[m], "k/s");
	printf("   lockless walks that fell back: %lu\n", fallbacks);
}

static void cont_setup(void)
{
	unsigned int i;

	pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
	for (i = 0; i < CONT_LISTS; i++) {
		llnm_fill(&lists[i].head, 300, i * 300);
		one_fill(&lists[i].one, 300, i * 300);
		lists[i].lock = 0;
		for (lists[i].nr = 0; lists[i].nr < 300; lists[i].nr++)
			lists[i].entries[lists[i].nr] =
				&objs[i * 300 + lists[i].nr];
	}
	for (i = CONT_LISTS * 300; i < NR_OBJS; i++)
		spare[nr_spare++] = &objs[i];
	llnm_current = true;
	one_current = true;
}

static void cont_teardown(void)
{
	unsigned int i;

	for (i = 0; i < CONT_LISTS; i++) {
		llnm_empty(&lists[i].head);
		one_empty(&lists[i].one);
	}
	nr_spare = 0;
	pthread_spin_destroy(&spin);
}

void bench_contention(void)
{
	unsigned int cpus = nr_cpus(), r, g, nr_r = 0, nr_g = 0;
	unsigned int readers[2], gaps[2];

	if (opts.readers > 0) {
		readers[nr_r++] = opts.readers;
	} else {
		readers[nr_r++] = cpus > 1 ? cpus - 1 : 1;
		if (cpus > 1)
			readers[nr_r++] = cpus;
	}
	if (opts.gap >= 0) {
		gaps[nr_g++] = opts.gap;
	} else {
		gaps[nr_g++] = 0;
		gaps[nr_g++] = 1000;
	}

	cont_setup();
	printf("\n(contention) readers walking %u lists of %u-%u entries while one writer adds and removes\n",
	       CONT_LISTS, CONT_MIN, CONT_MAX);
	printf("    (%u ms a measurement, %u CPUs; readers call the visitor through a pointer in every mode;\n",
	       opts.ms, cpus);
	printf("    the writer takes the same lock as the readers, or a mutex for lockless walks)\n");
	for (r = 0; r < nr_r; r++) {
		for (g = 0; g < nr_g; g++) {
			gap_ns = gaps[g];
			cont_measure(readers[r]);
		}
	}
	cont_teardown();
}

/* ------------------------------------------------------------- scaling */

/* The CPU's name, from /proc/cpuinfo, with commas dropped for the CSV. */
static void cpu_name(char *buf, size_t len)
{
	char line[256], *p;
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, len, "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "model name", 10))
			continue;
		p = strchr(line, ':');
		if (!p)
			break;
		for (p++; *p == ' '; p++)
			;
		p[strcspn(p, "\n")] = 0;
		snprintf(buf, len, "%s", p);
		for (p = buf; *p; p++)
			if (*p == ',')
				*p = ' ';
		break;
	}
	if (f)
		fclose(f);
}

#define SCALE_NR	6
#define SCALE_GAPS	2

static const unsigned int scale_readers[SCALE_NR] = { 0, 1, 2, 4, 8, 15 };
static const unsigned int scale_gaps[SCALE_GAPS] = { 0, 1000 };

/* One measurement series per writer pause, reader count and mode. */
struct scale_results {
	struct series rd[SCALE_GAPS][SCALE_NR][CONT_NR_MODES];
	struct series wr[SCALE_GAPS][SCALE_NR][CONT_NR_MODES];
	unsigned long fallbacks[SCALE_GAPS][SCALE_NR];
};

/* The whole table: one row per writer pause and reader count. */
static void scale_print_table(const struct scale_results *res)
{
	unsigned int g, n, m;

	printf("    %6s %7s |", "pause", "readers");
	for (m = 0; m < CONT_NR_MODES; m++)
		printf(" %21s |", cont_keys[m]);
	printf("\n    %6s %7s |", "ns", "");
	for (m = 0; m < CONT_NR_MODES; m++)
		printf(" %10s %10s |", "walks", "writer");
	printf("\n");
	for (g = 0; g < SCALE_GAPS; g++) {
		for (n = 0; n < SCALE_NR; n++) {
			printf("    %6u %7u |", scale_gaps[g], scale_readers[n]);
			for (m = 0; m < CONT_NR_MODES; m++)
				printf(" %10.1f %10.1f |",
				       series_median(&res->rd[g][n][m]),
				       series_median(&res->wr[g][n][m]));
			printf("\n");
		}
	}
}

/* For each writer pause: the ratios the goals name, at the most readers. */
static void scale_print_goals(const struct scale_results *res)
{
	static const char *const scaling_goals[CONT_NR_MODES] = {
		[CONT_SPIN] = "   (goal on 16 cores: >= 10x)",
		[CONT_RWLOCK] = "   (goal on 16 cores: >= 1x)",
		[CONT_BITLOCK] = "   (goal on 16 cores: >= 2x)",
	};
	unsigned int g, n, m, top = SCALE_NR - 1;
	const struct series *rd;
	double alone, ratio;

	for (g = 0; g < SCALE_GAPS; g++) {
		rd = res->rd[g][top];
		printf("  at %u readers, writer pausing %u ns:\n",
		       scale_readers[top], scale_gaps[g]);
		print_lockless_ratios(rd, scaling_goals);
		for (m = 0; m < CONT_NR_MODES; m++) {
			alone = series_median(&res->wr[g][0][m]);
			ratio = alone > 0 ?
				series_median(&res->wr[g][top][m]) / alone : 0;
			printf("    writer, %-26s %9.1f%%%s\n", cont_keys[m],
			       ratio * 100, m == CONT_LOCKLESS ?
			       "   (of its rate alone; goal: >= 50% and >= rculist's)" : "");
		}
		printf("    lockless walks that fell back, at each reader count:");
		for (n = 0; n < SCALE_NR; n++)
			printf(" %lu", res->fallbacks[g][n]);
		printf("\n");
	}
}

static void scale_write_csv(const struct scale_results *res, const char *cpu,
			    unsigned int cpus)
{
	const struct series *rd, *wr;
	unsigned int g, n, m;
	FILE *csv = fopen(opts.csv, "w");

	if (!csv) {
		perror(opts.csv);
		exit(1);
	}
	fprintf(csv, "cpu,cpus,mode,readers,writer_pause_ns,rounds,ms,readers_walks_per_s_median,readers_walks_per_s_min,readers_walks_per_s_max,writer_ops_per_s_median,writer_ops_per_s_min,writer_ops_per_s_max,lockless_fallbacks\n");
	for (g = 0; g < SCALE_GAPS; g++) {
		for (n = 0; n < SCALE_NR; n++) {
			for (m = 0; m < CONT_NR_MODES; m++) {
				rd = &res->rd[g][n][m];
				wr = &res->wr[g][n][m];
				fprintf(csv, "%s,%u,%s,%u,%u,%u,%u,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%lu\n",
					cpu, cpus, cont_keys[m],
					scale_readers[n], scale_gaps[g],
					opts.reps, opts.ms,
					series_median(rd) * 1000,
					series_min(rd) * 1000,
					series_max(rd) * 1000,
					series_median(wr) * 1000,
					series_min(wr) * 1000,
					series_max(wr) * 1000,
					m == CONT_LOCKLESS ?
					res->fallbacks[g][n] : 0);
			}
		}
	}
	fclose(csv);
	printf("  CSV: %s\n", opts.csv);
}

/*
 * The scaling table: every mode at 0 (the writer alone), 1, 2, 4, 8 and 15
 * readers, with the writer flat out and pausing 1 us.  One table on stdout,
 * the goals' ratios, and with -o one CSV row per pause, reader count and
 * mode.
 */
void bench_scaling(void)
{
	struct scale_results *res = calloc(1, sizeof(*res));
	unsigned int cpus = nr_cpus(), g, n;
	char cpu[128];

	if (!res)
		exit(1);
	cpu_name(cpu, sizeof(cpu));
	cont_setup();
	printf("\n(scaling) %u lists of %u-%u entries, one writer, 0-%u readers, every mode\n",
	       CONT_LISTS, CONT_MIN, CONT_MAX, scale_readers[SCALE_NR - 1]);
	printf("    %s, %u CPUs, %u rounds of %u ms; medians, thousands per second;\n",
	       cpu, cpus, opts.reps, opts.ms);
	printf("    pause: the writer's pause between operations\n");
	if (cpus < scale_readers[SCALE_NR - 1] + 1)
		printf("    (fewer CPUs than threads: readers and the writer share CPUs at the larger counts)\n");
	for (g = 0; g < SCALE_GAPS; g++) {
		gap_ns = scale_gaps[g];
		for (n = 0; n < SCALE_NR; n++)
			cont_series(scale_readers[n], res->rd[g][n],
				    res->wr[g][n], &res->fallbacks[g][n]);
	}
	cont_teardown();
	scale_print_table(res);
	scale_print_goals(res);
	if (opts.csv)
		scale_write_csv(res, cpu, cpus);
	free(res);
}
