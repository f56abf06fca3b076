// SPDX-License-Identifier: GPL-2.0-only
/*
 * A weak-memory adversary for the lockless walk of llist_nulls_multi.
 *
 * The spin model is sequentially consistent and x86 is TSO, so neither can
 * show a walker reading a value older than the newest one.  The Linux-kernel
 * memory model can: a load may return any value stored to its location that
 * the reader is not yet ordered after.  This program runs the library's own
 * code (lib/llist_nulls_multi.c and the header's inline walk, built with
 * -DSHIM_WEAK, see shim/weakmem.h) over a simulated memory in one thread:
 *
 * - Before a walk, writes go straight to memory.  During it, each marked
 *   store of the writer is also kept in a history: its location, value, a
 *   timestamp, and whether it was a release.
 * - The walker's view is a timestamp: it is ordered after every store up to
 *   that time.  It starts at the walk's start and grows only when an acquire
 *   (or a READ_ONCE(), as consume) reads a release store: it becomes that
 *   store's time.  An acquire that reads a plain store gives nothing.
 * - A walker's load may return, of its location's history, the newest
 *   value at or before its view, or any later one, but never one older than
 *   what it read there before (coherence).
 * - Before each load of the walker, the writer may run its next step (a
 *   whole add() or del(), as under its lock), or not.
 *
 * Every choice (step now or not, which value) is explored exhaustively, depth
 * first, by re-running the scenario from scratch with the next choice
 * sequence.  After each walk that returns 0, every entry that was in the
 * walked list for the whole walk must have been visited; every entry handed
 * to the visitor must have been in one of the lists sharing the node pool at
 * some moment during the walk; no pass may exceed its bound.  The first
 * violations are printed with the run's trace.
 *
 * Scenarios: the two interleavings in which plain slot stores would let a
 * walk miss an entry (tools/testing/llist_nulls_multi/litmus/
 * LLNM+reuse-slot-plain and LLNM+refill-hole-plain), and random small ones: two lists of capacity 2
 * or 3 over one LIFO node pool (a node freed is the next one reused), a few
 * adds, deletions and destroys while the walker walks list A.
 *
 * Usage: weak [-n random-scenarios] [-s seed] [-r max-runs-per-scenario] [-v]
 * Exit status: 0 if no violation was found, 1 otherwise, 2 on a usage error
 * or if the simulator ran out of room.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/llist_nulls_multi.h>
#include "harness.h"

unsigned long shim_warnings;

/* --- the simulated memory ------------------------------------------------ */

#define WM_MAX_STORES	1024
#define WM_MAX_LOCS	256
#define WM_MAX_LOADS	4096

struct wm_store_rec {
	const void *addr;
	unsigned int size;
	unsigned long ts;
	bool release;
	unsigned char val[8];
};

static struct wm_store_rec recs[WM_MAX_STORES];
static unsigned int nr_recs;
/* the walker's coherence floor per location: the time of what it last read */
static struct {
	const void *addr;
	unsigned long ts;
} co[WM_MAX_LOCS];
static unsigned int nr_co;

static bool wm_active;		/* a walk is running */
static bool wm_walker;		/* the access is the walker's */
static unsigned long wm_clock;	/* timestamp of the newest store */
static unsigned long wm_view;	/* the walker is ordered after stores up to this */
static unsigned int wm_loads;	/* the walker's loads in this run */

static void wm_before_load(void);
static unsigned int choose(unsigned int n);
static void trace(const char *fmt, ...) __printf(1, 2);
static const char *loc_name(const void *addr);

static void __attribute__((noreturn)) wm_full(const char *what)
{
	fprintf(stderr, "weak: out of room: %s\n", what);
	exit(2);
}

void wm_store(void *addr, const void *buf, unsigned int size, enum wm_kind kind)
{
	unsigned int i;
	bool seen = false;

	if (!wm_active) {
		memcpy(addr, buf, size);
		return;
	}
	for (i = 0; i < nr_recs; i++) {
		if (recs[i].addr != addr)
			continue;
		if (recs[i].size != size)
			wm_full("mixed-size accesses to one location");
		seen = true;
		break;
	}
	if (nr_recs + 2 > WM_MAX_STORES)
		wm_full("stores");
	if (!seen) {
		/* what was there when the walk started, at time 0 */
		recs[nr_recs] = (struct wm_store_rec){ addr, size, 0, false, {} };
		memcpy(recs[nr_recs].val, addr, size);
		nr_recs++;
	}
	recs[nr_recs] = (struct wm_store_rec){ addr, size, ++wm_clock,
					       kind == WM_RELEASE, {} };
	memcpy(recs[nr_recs].val, buf, size);
	nr_recs++;
	memcpy(addr, buf, size);
}

static unsigned long *co_floor(const void *addr)
{
	unsigned int i;

	for (i = 0; i < nr_co; i++)
		if (co[i].addr == addr)
			return &co[i].ts;
	if (nr_co == WM_MAX_LOCS)
		wm_full("locations");
	co[nr_co].addr = addr;
	co[nr_co].ts = 0;
	return &co[nr_co++].ts;
}

void wm_load(const void *addr, void *buf, unsigned int size, enum wm_kind kind)
{
	unsigned int i, n = 0, pick, cand[WM_MAX_STORES];
	unsigned long floor, *cof;
	struct wm_store_rec *r;

	if (!wm_active || !wm_walker) {
		memcpy(buf, addr, size);
		return;
	}
	if (++wm_loads > WM_MAX_LOADS) {
		/* a walk that does not end: reported by the caller */
		memset(buf, 0, size);
		return;
	}
	wm_before_load();

	cof = co_floor(addr);
	/* the newest store the walker is ordered after */
	floor = *cof;
	for (i = 0; i < nr_recs; i++)
		if (recs[i].addr == addr && recs[i].ts <= wm_view &&
		    recs[i].ts > floor)
			floor = recs[i].ts;
	for (i = 0; i < nr_recs; i++)
		if (recs[i].addr == addr && recs[i].ts >= floor)
			cand[n++] = i;
	if (!n) {
		/* never stored during the walk */
		memcpy(buf, addr, size);
		return;
	}
	pick = choose(n);
	r = &recs[cand[pick]];
	memcpy(buf, r->val, size);
	*cof = r->ts;
	if (r->release && kind != WM_PLAIN && r->ts > wm_view)
		wm_view = r->ts;
	if (n > 1 || r->ts) {
		unsigned long v = 0;

		memcpy(&v, r->val, size);
		trace("  load%s %s = %#lx (store t%lu%s, %u of %u choices) view t%lu",
		      kind == WM_ACQUIRE ? "-acquire" : "", loc_name(addr), v,
		      r->ts, r->release ? " release" : "", pick + 1, n, wm_view);
	}
}

/* --- exhaustive exploration of choices ----------------------------------- */

#define MAX_CHOICES	512

static struct {
	unsigned int n, pick;
} choices[MAX_CHOICES];
static unsigned int depth, replay;
static bool choices_full;

static unsigned int choose(unsigned int n)
{
	if (n <= 1)
		return 0;
	if (depth < replay) {
		if (choices[depth].n != n) {
			fprintf(stderr, "weak: replay diverged\n");
			exit(2);
		}
		return choices[depth++].pick;
	}
	if (depth == MAX_CHOICES) {
		choices_full = true;
		return 0;
	}
	choices[depth].n = n;
	choices[depth].pick = 0;
	return choices[depth++].pick;
}

/* Move to the next choice sequence; false when all have been run. */
static bool next_run(void)
{
	while (depth && choices[depth - 1].pick + 1 >= choices[depth - 1].n)
		depth--;
	if (!depth)
		return false;
	choices[depth - 1].pick++;
	replay = depth;
	depth = 0;
	return true;
}

/* --- the run's trace, printed with a violation --------------------------- */

static char trace_buf[64 * 1024];
static size_t trace_len;
static bool verbose;

static void trace(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (trace_len >= sizeof(trace_buf) - 2)
		return;
	va_start(ap, fmt);
	n = vsnprintf(trace_buf + trace_len, sizeof(trace_buf) - trace_len - 1,
		      fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	trace_len += (size_t)n;
	if (trace_len > sizeof(trace_buf) - 2)
		trace_len = sizeof(trace_buf) - 2;
	trace_buf[trace_len++] = '\n';
	trace_buf[trace_len] = 0;
}

/* --- lists, nodes and entries -------------------------------------------- */

#define NR_LISTS	2
#define NR_NODES	12
#define MAX_CAP		3
#define NR_ENTRIES	64
#define MAX_OPS		24

struct wnode {
	struct llist_nulls_multi_node n;
	void *slots[MAX_CAP];
};

static struct llist_nulls_multi_head heads[NR_LISTS];
static struct wnode nodes[NR_NODES];
static struct llist_nulls_multi_node *free_nodes[NR_NODES];
static unsigned int nr_free;
static long entries[NR_ENTRIES];
static bool member[NR_LISTS][NR_ENTRIES];

static const char *loc_name(const void *addr)
{
	static char buf[4][32];
	static unsigned int k;
	char *b = buf[k++ % 4];
	uintptr_t a = (uintptr_t)addr;
	unsigned int i;

	for (i = 0; i < NR_LISTS; i++)
		if (addr == &heads[i].first) {
			snprintf(b, 32, "%c.head", 'A' + i);
			return b;
		}
	for (i = 0; i < NR_NODES; i++) {
		struct llist_nulls_multi_node *n = &nodes[i].n;
		uintptr_t base = (uintptr_t)n;

		if (a < base || a >= base + sizeof(nodes[i]))
			continue;
		if (addr == &n->next)
			snprintf(b, 32, "N%u.next", i);
		else if (addr == &n->count)
			snprintf(b, 32, "N%u.count", i);
		else if (addr == &n->pos)
			snprintf(b, 32, "N%u.pos", i);
		else
			snprintf(b, 32, "N%u.e[%u]", i,
				 (unsigned int)((a - (uintptr_t)n->entries) /
						sizeof(void *)));
		return b;
	}
	snprintf(b, 32, "%p", addr);
	return b;
}

static int entry_id(const void *e)
{
	uintptr_t a = (uintptr_t)e, b = (uintptr_t)entries;

	if (a < b || a >= b + sizeof(entries) || (a - b) % sizeof(entries[0]))
		return -1;
	return (int)((a - b) / sizeof(entries[0]));
}

enum op_kind { OP_ADD, OP_DEL, OP_DESTROY };

struct op {
	enum op_kind kind;
	unsigned int list;
	unsigned int entry;
};

struct scenario {
	char name[64];
	unsigned int cap;
	unsigned int nr_setup, nr_steps;
	struct op setup[MAX_OPS];
	struct op steps[MAX_OPS];
};

static void free_node(struct llist_nulls_multi_node *node, void *arg)
{
	free_nodes[nr_free++] = node;
}

/* One writer operation under the (simulated) writers' lock. */
static int do_op(const struct scenario *sc, const struct op *op)
{
	const struct llist_nulls_multi_params p = { .cap = sc->cap };
	struct llist_nulls_multi_head *h = &heads[op->list];
	struct llist_nulls_multi_node *node = NULL, *freed;
	void *e = &entries[op->entry];
	int r;

	if (op->kind == OP_ADD) {
		if (llist_nulls_multi_need_node(h, &p)) {
			if (!nr_free)
				wm_full("nodes");
			node = free_nodes[--nr_free];
		}
		r = llist_nulls_multi_add(h, e, &p, &node);
		if (r < 0) {
			fprintf(stderr, "weak: %s: add of %u refused: %d\n",
				sc->name, op->entry, r);
			exit(2);
		}
		member[op->list][op->entry] = true;
	} else if (op->kind == OP_DESTROY) {
		llist_nulls_multi_destroy(h, &p, NULL, free_node, NULL);
		memset(member[op->list], 0, sizeof(member[op->list]));
	} else {
		r = llist_nulls_multi_del(h, e, &p, &freed);
		if (r) {
			fprintf(stderr, "weak: %s: del of %u failed: %d\n",
				sc->name, op->entry, r);
			exit(2);
		}
		if (freed)
			free_nodes[nr_free++] = freed;
		member[op->list][op->entry] = false;
	}
	return 0;
}

/* --- one run: set up, walk list A while the writer steps in -------------- */

static const char *const op_name[] = { "add", "del", "destroy" };
static const struct scenario *cur;
static unsigned int next_step;
static bool ever[NR_ENTRIES];	/* in some list at some moment of the walk */
static bool stable[NR_ENTRIES];	/* in list A for the whole walk */
static bool visited[NR_ENTRIES];
static unsigned int bad_visits;

static void run_step(void)
{
	const struct op *op = &cur->steps[next_step++];
	unsigned int l;

	trace("writer: %s(%c, E%u)", op_name[op->kind], 'A' + op->list, op->entry);
	wm_walker = false;
	do_op(cur, op);
	wm_walker = true;
	for (l = 0; l < NR_LISTS; l++)
		if (member[l][op->entry])
			ever[op->entry] = true;
	if (op->kind == OP_DEL && op->list == 0)
		stable[op->entry] = false;
	if (op->kind == OP_DESTROY && op->list == 0)
		memset(stable, 0, sizeof(stable));
}

static void wm_before_load(void)
{
	while (next_step < cur->nr_steps && choose(2))
		run_step();
}

static int visit(void *entry, void *arg)
{
	int id = entry_id(entry);

	if (id < 0 || !ever[id]) {
		trace("  visit %p: not an entry of any list during the walk", entry);
		bad_visits++;
		return 0;
	}
	trace("  visit E%d", id);
	visited[id] = true;
	return 0;
}

static unsigned long runs, violations, truncated, max_runs = 2000000;

/* Returns true if the run kept every promise. */
static bool one_run(const struct scenario *sc)
{
	static const struct llist_nulls_multi_walk walk = { .visit = visit };
	const struct llist_nulls_multi_params p = { .cap = sc->cap };
	struct llist_nulls_multi_stats st;
	unsigned int i, l;
	bool ok = true;
	int ret;

	/* a fresh world, before the walk: plain memory */
	wm_active = false;
	wm_walker = false;
	memset(heads, 0, sizeof(heads));
	memset(nodes, 0, sizeof(nodes));
	memset(member, 0, sizeof(member));
	nr_free = 0;
	for (i = NR_NODES; i > 0; i--)
		free_nodes[nr_free++] = &nodes[i - 1].n;
	for (i = 0; i < sc->nr_setup; i++)
		do_op(sc, &sc->setup[i]);
	for (i = 0; i < NR_ENTRIES; i++) {
		stable[i] = member[0][i];
		ever[i] = false;
		for (l = 0; l < NR_LISTS; l++)
			ever[i] |= member[l][i];
		visited[i] = false;
	}

	/* the walk */
	cur = sc;
	next_step = 0;
	nr_recs = 0;
	nr_co = 0;
	wm_clock = 0;
	wm_view = 0;
	wm_loads = 0;
	bad_visits = 0;
	trace_len = 0;
	trace_buf[0] = 0;
	wm_active = true;
	wm_walker = true;
	ret = llist_nulls_multi_walk_lockless(&heads[0], &p, &walk, NULL, &st);
	wm_active = false;
	wm_walker = false;
	trace("walk returned %d: passes %u, steps %u, max pass steps %u, bound %u",
	      ret, st.passes, st.steps, st.max_pass_steps, st.max_pass_bound);

	if (wm_loads > WM_MAX_LOADS) {
		trace("VIOLATION: the walk did not end within %u loads", WM_MAX_LOADS);
		ok = false;
	}
	if (bad_visits) {
		trace("VIOLATION: %u visit(s) of something that was in no list", bad_visits);
		ok = false;
	}
	if (st.max_pass_steps > st.max_pass_bound) {
		trace("VIOLATION: a pass took %u steps, bound %u", st.max_pass_steps,
		      st.max_pass_bound);
		ok = false;
	}
	if (ret == 0) {
		for (i = 0; i < NR_ENTRIES; i++) {
			if (stable[i] && !visited[i]) {
				trace("VIOLATION: E%u was in list A for the whole walk and was not visited", i);
				ok = false;
			}
		}
	} else if (ret != -EAGAIN) {
		trace("VIOLATION: walk returned %d", ret);
		ok = false;
	}
	return ok;
}

struct result {
	unsigned long runs;
	unsigned long violations;
	unsigned long fell_back_runs;
	bool truncated;
};

static void explore(const struct scenario *sc, struct result *res)
{
	static const unsigned int print_max = 2;

	memset(res, 0, sizeof(*res));
	depth = 0;
	replay = 0;
	choices_full = false;
	do {
		if (!one_run(sc)) {
			if (violations < print_max || verbose) {
				unsigned int i;

				printf("violation in scenario %s, run %lu; setup:", sc->name,
				       res->runs + 1);
				for (i = 0; i < sc->nr_setup; i++)
					printf(" %s(%c,E%u)", op_name[sc->setup[i].kind],
					       'A' + sc->setup[i].list, sc->setup[i].entry);
				printf("\n%s", trace_buf);
			}
			res->violations++;
			violations++;
		}
		res->runs++;
		runs++;
		if (res->runs >= max_runs) {
			res->truncated = true;
			break;
		}
	} while (next_run());
	if (choices_full)
		res->truncated = true;
	if (res->truncated)
		truncated++;
}

/* --- scenarios ----------------------------------------------------------- */

static void add_op(struct op *ops, unsigned int *n, enum op_kind k,
		   unsigned int list, unsigned int entry)
{
	if (*n == MAX_OPS)
		wm_full("ops");
	ops[(*n)++] = (struct op){ k, list, entry };
}

/*
 * The first of those interleavings: A is N1(pos 1: [E2]) -> N0(pos 0:
 * [E0, E1]).  In one critical section the writer deletes E0 (E2 fills the
 * hole, N1 is emptied and freed) and adds E3, which reuses N1.
 */
static void scenario_reuse_slot(struct scenario *sc)
{
	memset(sc, 0, sizeof(*sc));
	snprintf(sc->name, sizeof(sc->name), "reuse-slot");
	sc->cap = 2;
	add_op(sc->setup, &sc->nr_setup, OP_ADD, 0, 0);
	add_op(sc->setup, &sc->nr_setup, OP_ADD, 0, 1);
	add_op(sc->setup, &sc->nr_setup, OP_ADD, 0, 2);
	add_op(sc->steps, &sc->nr_steps, OP_DEL, 0, 0);
	add_op(sc->steps, &sc->nr_steps, OP_ADD, 0, 3);
}

/*
 * The same, with the freed N1 reused by list B, which held one entry inline:
 * both of N1's first two slots are rewritten as B's node.
 */
static void scenario_reuse_other_list(struct scenario *sc)
{
	scenario_reuse_slot(sc);
	snprintf(sc->name, sizeof(sc->name), "reuse-by-B");
	add_op(sc->setup, &sc->nr_setup, OP_ADD, 1, 9);
	sc->steps[1] = (struct op){ OP_ADD, 1, 10 };
}

/*
 * The second: a slot that is vacated, refilled by an add, then filled as a
 * hole by a later del(), after an earlier hole elsewhere was filled.  With
 * capacity 3, A is N1(pos 1: [E3, E4]) -> N0(pos 0: [E0, E1, E2]).  del(E0)
 * fills N0's slot 0 with E4 and vacates N1's slot 1; add(E5) refills that
 * slot and add(E6) the next; del(E5) fills N1's slot 1 with E6.  A walker
 * that reads E6 there must still find E4 in N0's slot 0.
 */
static void scenario_refill_hole(struct scenario *sc)
{
	unsigned int i;

	memset(sc, 0, sizeof(*sc));
	snprintf(sc->name, sizeof(sc->name), "refill-hole");
	sc->cap = 3;
	for (i = 0; i < 5; i++)
		add_op(sc->setup, &sc->nr_setup, OP_ADD, 0, i);
	add_op(sc->steps, &sc->nr_steps, OP_DEL, 0, 0);
	add_op(sc->steps, &sc->nr_steps, OP_ADD, 0, 5);
	add_op(sc->steps, &sc->nr_steps, OP_ADD, 0, 6);
	add_op(sc->steps, &sc->nr_steps, OP_DEL, 0, 5);
}

/* Random: lists A and B, a few adds and deletions while A is walked. */
static void scenario_random(struct scenario *sc, uint64_t *rs, unsigned int k)
{
	bool in[NR_LISTS][NR_ENTRIES] = {};
	unsigned int next_entry = 0, i, l, n;

	memset(sc, 0, sizeof(*sc));
	snprintf(sc->name, sizeof(sc->name), "random-%u", k);
	sc->cap = 2 + rnd_below(rs, 2);
	for (l = 0; l < NR_LISTS; l++) {
		n = l == 0 ? 1 + rnd_below(rs, 6) : rnd_below(rs, 4);
		for (i = 0; i < n; i++) {
			add_op(sc->setup, &sc->nr_setup, OP_ADD, l, next_entry);
			in[l][next_entry++] = true;
		}
	}
	/* a few deletions before the walk too, so holes are filled */
	for (i = rnd_below(rs, 3); i > 0; i--) {
		unsigned int e = rnd_below(rs, next_entry);

		for (l = 0; l < NR_LISTS; l++)
			if (in[l][e]) {
				add_op(sc->setup, &sc->nr_setup, OP_DEL, l, e);
				in[l][e] = false;
			}
	}
	/* sometimes list B destroyed before the walk: its nodes keep stale slots */
	if (!rnd_below(rs, 4)) {
		add_op(sc->setup, &sc->nr_setup, OP_DESTROY, 1, 0);
		memset(in[1], 0, sizeof(in[1]));
	}
	n = 1 + rnd_below(rs, 3);
	for (i = 0; i < n; i++) {
		unsigned int e, tries;

		l = rnd_below(rs, 4) ? 0 : 1;
		if (!rnd_below(rs, 8)) {
			add_op(sc->steps, &sc->nr_steps, OP_DESTROY, l, 0);
			memset(in[l], 0, sizeof(in[l]));
			continue;
		}
		if (rnd_below(rs, 2)) {
			add_op(sc->steps, &sc->nr_steps, OP_ADD, l, next_entry);
			in[l][next_entry++] = true;
			continue;
		}
		for (tries = 0; tries < 64; tries++) {
			e = rnd_below(rs, next_entry);
			if (in[l][e])
				break;
		}
		if (tries == 64) {
			add_op(sc->steps, &sc->nr_steps, OP_ADD, l, next_entry);
			in[l][next_entry++] = true;
			continue;
		}
		add_op(sc->steps, &sc->nr_steps, OP_DEL, l, e);
		in[l][e] = false;
	}
}

static void report(const struct scenario *sc, const struct result *r)
{
	if (verbose || r->violations || sc->name[0] != 'r' || sc->name[1] != 'a')
		printf("scenario %-12s cap %u, %u setup ops, %u writer steps: %lu runs, %lu violation(s)%s\n",
		       sc->name, sc->cap, sc->nr_setup, sc->nr_steps, r->runs,
		       r->violations, r->truncated ? " (search cut short)" : "");
}

int main(int argc, char **argv)
{
	unsigned long nr_random = 300, seed = 1;
	static struct scenario sc;
	struct result r;
	unsigned long rand_runs = 0, rand_viol = 0;
	uint64_t rs;
	unsigned int k;
	int opt;

	while ((opt = getopt(argc, argv, "n:s:r:v")) != -1) {
		switch (opt) {
		case 'n':
			nr_random = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			max_runs = strtoul(optarg, NULL, 0);
			break;
		case 'v':
			verbose = true;
			break;
		default:
			fprintf(stderr, "usage: %s [-n random-scenarios] [-s seed] [-r max-runs] [-v]\n",
				argv[0]);
			return 2;
		}
	}

	scenario_reuse_slot(&sc);
	explore(&sc, &r);
	report(&sc, &r);
	scenario_reuse_other_list(&sc);
	explore(&sc, &r);
	report(&sc, &r);
	scenario_refill_hole(&sc);
	explore(&sc, &r);
	report(&sc, &r);

	rs = rnd_seed(seed, 0);
	for (k = 0; k < nr_random; k++) {
		scenario_random(&sc, &rs, k);
		explore(&sc, &r);
		report(&sc, &r);
		rand_runs += r.runs;
		rand_viol += r.violations;
	}
	printf("random: %lu scenarios (seed %lu), %lu runs, %lu violation(s)\n",
	       nr_random, seed, rand_runs, rand_viol);
	printf("weak: %lu runs, %lu violation(s), %lu search(es) cut short, %lu warning(s)\n",
	       runs, violations, truncated, shim_warnings);
	if (truncated)
		return 2;
	return violations || shim_warnings ? 1 : 0;
}
