// SPDX-License-Identifier: GPL-2.0-only
/*
 * What page aging costs, and who waits for whom, with kvm.lockless_aging off
 * (the locked arm) and on (the lockless arm), in one VM and one boot.
 *
 * The guest writes every page of a slot; the host then ages the slot page by
 * page through page_idle (one clear_young per 4 KiB page, or per 2 MiB page
 * with -t, a THP-backed slot), timing each call.  Every round starts from
 * the same state: the vCPU stopped after writing every page, so that every
 * SPTE is present and Accessed.  The arms run in ABBA blocks (locked,
 * lockless, lockless, locked, ...).  Optional load during the aging:
 *
 *  -w  a host thread turns dirty logging on and off for the slot, which
 *      write-protects it under mmu_lock (a long write-locked walk);
 *  -v  the vCPUs keep writing the slot's pages (it faults on each page
 *      dirty logging write-protected), and its writes per second are
 *      counted;
 *  -a  a second host thread ages the same pages through page_idle, in the
 *      opposite order, all through the timed pass (two agers at once, as
 *      kswapd, direct reclaim and a working-set estimator may be); its
 *      calls that overlap the first thread's pass (begun during it, or in
 *      flight when it began) are counted, and must be more than none;
 *  -R KIB  the second ager is reclaim instead: a host thread asks the
 *      test's memory cgroup to reclaim KIB KiB to swap (memory.reclaim),
 *      again and again through the timed pass, the slot's pages put on
 *      the inactive list (MADV_COLD) before each round; reclaim's
 *      clear_flush_young ages what it scans (pages it finds old go to
 *      swap, and the next round's writes bring them back);
 *  -L  long rmaps (shadow paging): the guest maps the slot's first two
 *      pages from LONG_MAPS GVAs, alternately, so that each page's rmap
 *      holds LONG_MAPS / 2 SPTEs, and the aging calls age those two pages
 *      alone (-p calls, alternately); with -v the vCPUs, instead of
 *      writing, keep moving their share of those GVAs from one page to
 *      the other (a PTE write, INVLPG, a read: an SPTE leaves one rmap and
 *      joins the other), each move timed as a "write".  After the rounds
 *      the guest unmaps every long map, and the rmap nodes that frees
 *      (/proc/slabinfo; boot with slab_nomerge for stock's cache) over
 *      the SPTEs dropped is printed: the rmaps' memory per SPTE.
 *
 * Where the kernel has the VM stats rmap_lock_{writer,ager}_{waits,spins}
 * (a kernel whose rmaps have a per-rmap lock bit, which the series is
 * measured against), each round also counts the acquisitions of a bit that
 * found it held and the loops they spun, by rmap writers and by agers.
 *
 * Where /proc/lock_stat exists (CONFIG_LOCK_STAT), each round also reads
 * kvm->mmu_lock's acquisitions and contentions, for writing and reading.
 * With neither -w nor -v nothing but aging runs while they are counted, so
 * every acquisition is aging's: the test asserts that the locked arm took
 * the lock (the count works) and that the lockless arm took it no more
 * often than it fell back (lockless_age_fallbacks).
 *
 * Prints one line per round and, per arm, medians with their spread; then
 * the lockless/locked ratios of the medians.
 *
 * With -i PCT (kernels with CONFIG_KVM_PROVE_MMU and fault injection), the
 * lockless arm's walks have the SPTE they are about to clear zapped under
 * mmu_lock at PCT % of their checks, through the fail_lockless_age fault
 * attribute's drop mode, for this thread only; the kernel warns if a clear
 * wrote back an SPTE zapped under it, and the test asserts that zaps ran.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "page_aging.h"
#include "fail_lockless_age.h"
#include "memcg_reclaim.h"

#define SLOT		10
#define GPA		0x40000000ULL
#define GVA		0x40000000ULL
#define LOCK_STAT	"/proc/lock_stat"
#define MAX_ROUNDS	64
#define MAX_VCPUS	16
/* -L: GVAs mapping the slot's first two pages, and their tables' alias. */
#define LONG_GVA	0x80000000ULL
#define LONG_MAPS	1024
#define PT_ALIAS_GVA	0x7fe00000ULL

static uint64_t nr_pages, nr_vcpus = 1, long_rmaps;
static uint64_t guest_stop;	/* host to guest: end the writes of -v */
static uint64_t guest_unmap;	/* host to guest: -L, unmap the long maps */
static uint64_t guest_writes[MAX_VCPUS];	/* guest to host: pages written */

/* Each write the vCPUs time under -v (page_aging.h's buckets). */
static uint64_t guest_lat[MAX_VCPUS][LAT_BUCKETS];

/* -L: the PTE of long map @i, through its table's alias. */
static uint64_t *long_pte(uint64_t i)
{
	return (uint64_t *)(PT_ALIAS_GVA + i / 512 * PG_SIZE_4K) + i % 512;
}

/* -L: point long map @i at the slot's page @page, and fault it in. */
static void long_map(uint64_t i, uint64_t page)
{
	uint64_t *pte = long_pte(i), gva = LONG_GVA + i * PG_SIZE_4K;

	WRITE_ONCE(*pte, (*pte & ~PHYSICAL_PAGE_MASK) | (GPA + page * PG_SIZE_4K));
	asm volatile("invlpg (%0)" : : "r"(gva) : "memory");
	READ_ONCE(*(uint64_t *)gva);
}

/*
 * vCPU @id writes the pages i with i % nr_vcpus == id; with -L, it also
 * maps its long maps as at the start, and its load moves them.
 */
static void guest_code(uint64_t id)
{
	uint64_t i, n = 0, mine = nr_pages / nr_vcpus, t;

	for (;;) {
		if (READ_ONCE(guest_unmap)) {
			for (i = id; i < LONG_MAPS; i += nr_vcpus) {
				WRITE_ONCE(*long_pte(i), 0);
				asm volatile("invlpg (%0)"
					     : : "r"(LONG_GVA + i * PG_SIZE_4K) : "memory");
			}
			GUEST_SYNC(2);
		}
		for (i = id; i < nr_pages; i += nr_vcpus)
			WRITE_ONCE(*(uint64_t *)(GVA + i * PG_SIZE_4K), i);
		for (i = id; long_rmaps && i < LONG_MAPS; i += nr_vcpus)
			long_map(i, i % 2);
		GUEST_SYNC(0);
		while (!READ_ONCE(guest_stop)) {
			t = rdtsc();
			if (long_rmaps) {
				i = n % (LONG_MAPS / nr_vcpus) * nr_vcpus + id;
				long_map(i, !((*long_pte(i) & PHYSICAL_PAGE_MASK) - GPA));
			} else {
				i = (n % mine) * nr_vcpus + id;
				WRITE_ONCE(*(uint64_t *)(GVA + i * PG_SIZE_4K), n);
			}
			guest_lat[id][lat_bucket(rdtsc() - t)]++;
			WRITE_ONCE(guest_writes[id], ++n);
		}
		GUEST_SYNC(1);
	}
}

/* -L: map the slot's pages 0 and 1 from LONG_MAPS GVAs; alias their tables. */
static void map_long_rmaps(struct kvm_vm *vm)
{
	uint64_t i;

	for (i = 0; i < LONG_MAPS; i++)
		virt_pg_map(vm, LONG_GVA + i * PG_SIZE_4K, GPA + i % 2 * PG_SIZE_4K);
	for (i = 0; i < LONG_MAPS / 512; i++) {
		uint64_t *pte = vm_get_page_table_entry(vm, LONG_GVA + i * PG_SIZE_2M);

		virt_pg_map(vm, PT_ALIAS_GVA + i * PG_SIZE_4K,
			    addr_hva2gpa(vm, pte) & ~(PG_SIZE_4K - 1));
	}
}

struct round {
	int lockless;
	double pass_us, p50_us, p99_us, max_us;
	double acq_w, acq_r, con_w, con_r;	/* -1: no lock_stat */
	double fallbacks, walks, vcpu_rate, writer_rate;
	double faults, fault_p50_us, fault_p99_us, fault_max_us;
	double ager2_calls;	/* -a, -R: the second ager's calls in the pass */
	double retries;		/* the series' extra passes; -1: not counted */
	/* the lock-bit arm's VM stats; -1: not this kernel */
	double w_waits, w_spins, a_waits, a_spins;
};

static struct kvm_vm *vm;
static struct kvm_vcpu *vcpus[MAX_VCPUS];
static int writer_on;
static uint64_t writer_toggles;

static uint8_t *slot_mem;

/*
 * -a, -R: the second ager's pages, whether it runs, the calls it began and
 * whether one is in flight (a reclaim request can take longer than a pass).
 */
static int ager2_on, ager2_fd, ager2_reclaim_kib;
static uint64_t *ager2_pfns;
static int ager2_ncalls;
static uint64_t ager2_count, ager2_busy;

static void *ager2_thread(void *arg)
{
	int i = ager2_ncalls - 1;

	while (READ_ONCE(ager2_on)) {
		__atomic_store_n(&ager2_busy, 1, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&ager2_count, 1, __ATOMIC_SEQ_CST);
		if (ager2_reclaim_kib)
			ask_reclaim(ager2_reclaim_kib);
		else
			mark_idle(ager2_fd, ager2_pfns[i]);
		__atomic_store_n(&ager2_busy, 0, __ATOMIC_SEQ_CST);
		i = i ? i - 1 : ager2_ncalls - 1;
	}
	return NULL;
}

/* The calls begun so far, less one if one is in flight (it overlaps too). */
static uint64_t ager2_calls_before(void)
{
	uint64_t n = __atomic_load_n(&ager2_count, __ATOMIC_SEQ_CST);

	return n - (__atomic_load_n(&ager2_busy, __ATOMIC_SEQ_CST) ? 1 : 0);
}

/* The lock-bit arm's counters (VM stats of that kernel only). */
static const char * const bit_stats[] = {
	"rmap_lock_writer_waits", "rmap_lock_writer_spins",
	"rmap_lock_ager_waits", "rmap_lock_ager_spins",
};

static bool have_bit_stats;

static bool vm_stat_present(struct kvm_vm *vm, const char *name)
{
	uint64_t v = ~0ULL;

	__vm_get_stat(vm, name, &v, 1);
	return v != ~0ULL;
}

/*
 * -L: the objects in use and the object size of the VM's rmap node cache
 * (the series' kvm_rmap_node, stock's pte_list_desc; boot with
 * slab_nomerge so that /proc/slabinfo lists the latter); false if neither.
 */
static bool rmap_slab(char *name, uint64_t *active, uint64_t *size)
{
	static const char * const caches[] = { "kvm_rmap_node", "pte_list_desc" };
	char line[512];
	uint64_t total;
	bool found = false;
	FILE *f;
	int i;

	/*
	 * SLUB counts the free objects of a CPU's slab as in use: shrinking
	 * the cache first puts them back on its lists, where they count free.
	 */
	for (i = 0; i < 2; i++) {
		snprintf(line, sizeof(line), "/sys/kernel/slab/%s/shrink", caches[i]);
		if (access(line, W_OK) == 0)
			write_file(line, "1");
	}
	f = fopen("/proc/slabinfo", "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%63s %lu %lu %lu", name, active, &total, size) == 4 &&
			(!strcmp(name, "kvm_rmap_node") || !strcmp(name, "pte_list_desc"));
	fclose(f);
	return found;
}

static uint64_t leaf_sptes(void)
{
	return vm_get_stat(vm, "pages_4k") + vm_get_stat(vm, "pages_2m") +
	       vm_get_stat(vm, "pages_1g");
}

/*
 * -L, after the rounds: the guest unmaps every long map, which empties both
 * long rmaps and frees their nodes and nothing else (no fault runs, so the
 * vCPUs' caches of ready nodes stay as they were); the nodes freed over the
 * SPTEs dropped is what those rmaps cost a leaf SPTE.
 */
static void report_rmap_memory(void)
{
	uint64_t active0, active1, size, sptes0, sptes1;
	char name[64];
	int i;

	if (!rmap_slab(name, &active0, &size)) {
		pr_info("rmap memory: no rmap node cache in /proc/slabinfo (boot with slab_nomerge)\n");
		return;
	}
	sptes0 = leaf_sptes();
	guest_unmap = 1;
	sync_global_to_guest(vm, guest_unmap);
	for (i = 0; i < nr_vcpus; i++)
		run_to_sync(vcpus[i], 2);
	TEST_ASSERT(rmap_slab(name, &active1, &size), "the rmap node cache went");
	sptes1 = leaf_sptes();
	pr_info("rmap memory: %s %lu objects x %lu B = %lu B for %lu leaf SPTEs: %.2f B per SPTE\n",
		name, active0 - active1, size, (active0 - active1) * size, sptes0 - sptes1,
		sptes0 > sptes1 ? (double)(active0 - active1) * size / (sptes0 - sptes1) : 0.0);
}

static void read_bit_stats(double *v)
{
	int i;

	for (i = 0; i < 4; i++)
		v[i] = have_bit_stats ? vm_get_stat(vm, bit_stats[i]) : -1;
}

static void *writer_thread(void *arg)
{
	uint64_t size = nr_pages * PG_SIZE_4K;

	while (READ_ONCE(writer_on)) {
		vm_set_user_memory_region(vm, SLOT, KVM_MEM_LOG_DIRTY_PAGES, GPA,
					  size, slot_mem);
		vm_set_user_memory_region(vm, SLOT, 0, GPA, size, slot_mem);
		writer_toggles++;
	}
	return NULL;
}

static void *vcpu_thread(void *arg)
{
	run_to_sync(arg, 1);
	return NULL;
}

/* Pages the vCPUs wrote so far. */
static uint64_t vcpu_writes(void)
{
	uint64_t sum = 0;
	int i;

	sync_global_from_guest(vm, guest_writes);
	for (i = 0; i < nr_vcpus; i++)
		sum += guest_writes[i];
	return sum;
}

static uint64_t tsc_khz;
static uint64_t lat_before[LAT_BUCKETS];

/* The vCPUs' write times so far, summed over the vCPUs. */
static void vcpu_lat(uint64_t *sum)
{
	int i, b;

	sync_global_from_guest(vm, guest_lat);
	memset(sum, 0, LAT_BUCKETS * sizeof(*sum));
	for (i = 0; i < nr_vcpus; i++)
		for (b = 0; b < LAT_BUCKETS; b++)
			sum[b] += guest_lat[i][b];
}

/* The writes of the round that faulted: fault_times_of(). */
static void fault_times(struct round *r)
{
	uint64_t now_lat[LAT_BUCKETS];
	struct fault_times f;
	int b;

	vcpu_lat(now_lat);
	for (b = 0; b < LAT_BUCKETS; b++)
		now_lat[b] -= lat_before[b];
	f = fault_times_of(now_lat, tsc_khz);
	r->faults = f.n;
	r->fault_p50_us = f.p50_us;
	r->fault_p99_us = f.p99_us;
	r->fault_max_us = f.max_us;
}

/*
 * kvm->mmu_lock's contentions and acquisitions, for writing and reading.
 * lock_stat names the class "&(kvm)->mmu_lock", with "-W" and "-R" lines
 * if it was held both ways, one unsuffixed line if only for writing, and
 * none at all if it was not held since the stats were cleared.
 */
static bool read_mmu_lock_stat(double *acq_w, double *acq_r, double *con_w,
			       double *con_r)
{
	FILE *f = fopen(LOCK_STAT, "r");
	char line[1024];

	if (!f)
		return false;
	*acq_w = *acq_r = *con_w = *con_r = 0;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "->mmu_lock");
		double v[8];
		bool w = true;

		if (!p)
			continue;
		p += strlen("->mmu_lock");
		if (*p == '#')
			p += strspn(p + 1, "0123456789") + 1;
		if (p[0] == '-' && (p[1] == 'W' || p[1] == 'R')) {
			w = p[1] == 'W';
			p += 2;
		}
		if (*p != ':')
			continue;
		/* con-bounces contentions wait x4 acq-bounces acquisitions ... */
		TEST_ASSERT(sscanf(p + 1, "%lf %lf %lf %lf %lf %lf %lf %lf",
				   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
				   &v[6], &v[7]) == 8,
			    "unexpected " LOCK_STAT " line: %s", line);
		*(w ? con_w : con_r) += v[1];
		*(w ? acq_w : acq_r) += v[7];
	}
	fclose(f);
	return true;
}

static void age_round(struct round *r, uint64_t *pfns, int ncalls, int idle_fd,
		      bool load_vcpu, bool load_writer, bool lockless_param,
		      bool two_agers)
{
	double *lat = calloc(ncalls, sizeof(*lat)), t0, t, bits0[4], bits1[4];
	uint64_t fb = 0, walks = 0, writes0, a2_0 = 0, retries0;
	pthread_t vt[MAX_VCPUS], wt, at;
	bool have_lock_stat;
	int i;

	TEST_ASSERT(lat, "calloc");
	if (lockless_param)
		set_lockless(r->lockless);
	/* The same state for each round: every page written, vCPU stopped. */
	guest_stop = 0;
	sync_global_to_guest(vm, guest_stop);
	for (i = 0; i < nr_vcpus; i++)
		run_to_sync(vcpus[i], 0);
	/* Pages still in a per-CPU LRU batch are not aged: drain them. */
	system("echo 1 > /proc/sys/vm/drop_caches");
	/* -R: the slot's pages where reclaim looks first (the inactive list). */
	if (ager2_reclaim_kib)
		TEST_ASSERT(!madvise(slot_mem, nr_pages * PG_SIZE_4K, MADV_COLD),
			    "MADV_COLD");
	for (i = 0; load_vcpu && i < nr_vcpus; i++)
		pthread_create(&vt[i], NULL, vcpu_thread, vcpus[i]);
	writer_toggles = 0;
	if (load_writer) {
		WRITE_ONCE(writer_on, 1);
		pthread_create(&wt, NULL, writer_thread, NULL);
	}
	if (two_agers) {
		WRITE_ONCE(ager2_on, 1);
		pthread_create(&at, NULL, ager2_thread, NULL);
		for (t0 = now(); !__atomic_load_n(&ager2_count, __ATOMIC_RELAXED) &&
		     now() - t0 < 5;)
			;
	}
	if (lockless_param) {
		fb = vm_get_stat(vm, "lockless_age_fallbacks");
		walks = vm_get_stat(vm, "lockless_age_walks");
	}
	/* The load is on before the clock starts: the vCPUs are writing. */
	writes0 = vcpu_writes();
	for (t0 = now(); load_vcpu && vcpu_writes() == writes0 && now() - t0 < 5;)
		;
	TEST_ASSERT(!load_vcpu || vcpu_writes() != writes0, "the vCPUs did not start writing");
	writes0 = vcpu_writes();
	vcpu_lat(lat_before);
	have_lock_stat = access(LOCK_STAT, W_OK) == 0;
	if (have_lock_stat)
		write_file(LOCK_STAT, "0");
	read_bit_stats(bits0);
	a2_0 = ager2_calls_before();
	retries0 = vm_debugfs_u64(vm, "lockless_age_retries");

	t0 = now();
	for (i = 0; i < ncalls; i++) {
		t = now();
		mark_idle(idle_fd, pfns[i]);
		lat[i] = (now() - t) * 1e6;
	}
	r->pass_us = (now() - t0) * 1e6;
	r->ager2_calls = __atomic_load_n(&ager2_count, __ATOMIC_RELAXED) - a2_0;
	/* CONFIG_KVM_PROVE_MMU's debugfs file; ~0 where there is none */
	r->retries = retries0 == ~0ULL ? -1 :
		     (double)(vm_debugfs_u64(vm, "lockless_age_retries") - retries0);
	read_bit_stats(bits1);
	r->w_waits = have_bit_stats ? bits1[0] - bits0[0] : -1;
	r->w_spins = have_bit_stats ? bits1[1] - bits0[1] : -1;
	r->a_waits = have_bit_stats ? bits1[2] - bits0[2] : -1;
	r->a_spins = have_bit_stats ? bits1[3] - bits0[3] : -1;

	if (!have_lock_stat ||
	    !read_mmu_lock_stat(&r->acq_w, &r->acq_r, &r->con_w, &r->con_r)) {
		r->acq_w = -1;
		r->acq_r = -1;
		r->con_w = -1;
		r->con_r = -1;
	}
	r->vcpu_rate = (vcpu_writes() - writes0) / (r->pass_us / 1e6);
	fault_times(r);
	r->fallbacks = lockless_param ? vm_get_stat(vm, "lockless_age_fallbacks") - fb : 0;
	r->walks = lockless_param ? vm_get_stat(vm, "lockless_age_walks") - walks : 0;
	if (load_writer) {
		WRITE_ONCE(writer_on, 0);
		pthread_join(wt, NULL);
	}
	if (two_agers) {
		WRITE_ONCE(ager2_on, 0);
		pthread_join(at, NULL);
	}
	r->writer_rate = writer_toggles / (r->pass_us / 1e6);
	/* The guest ends its writes (or skips them) and stops again. */
	guest_stop = 1;
	sync_global_to_guest(vm, guest_stop);
	for (i = 0; i < nr_vcpus; i++) {
		if (load_vcpu)
			pthread_join(vt[i], NULL);
		else
			run_to_sync(vcpus[i], 1);
	}
	r->max_us = pct(lat, ncalls, 100);
	r->p99_us = pct(lat, ncalls, 99);
	r->p50_us = pct(lat, ncalls, 50);
	free(lat);
}

/* Median, min and max of one field over the rounds of one arm. */
static void spread(struct round *rs, int n, int lockless, size_t off,
		   double *med, double *lo, double *hi)
{
	double v[MAX_ROUNDS];
	int i, k = 0;

	for (i = 0; i < n; i++)
		if (rs[i].lockless == lockless)
			v[k++] = *(double *)((char *)&rs[i] + off);
	qsort(v, k, sizeof(*v), cmp_double);
	*med = k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
	*lo = v[0];
	*hi = v[k - 1];
}

static const struct {
	const char *name;
	size_t off;
} fields[] = {
	{ "pass_us", offsetof(struct round, pass_us) },
	{ "call_p50_us", offsetof(struct round, p50_us) },
	{ "call_p99_us", offsetof(struct round, p99_us) },
	{ "call_max_us", offsetof(struct round, max_us) },
	{ "mmu_lock_acq_w", offsetof(struct round, acq_w) },
	{ "mmu_lock_acq_r", offsetof(struct round, acq_r) },
	{ "mmu_lock_con_w", offsetof(struct round, con_w) },
	{ "mmu_lock_con_r", offsetof(struct round, con_r) },
	{ "fallbacks", offsetof(struct round, fallbacks) },
	{ "vcpu_writes_per_s", offsetof(struct round, vcpu_rate) },
	{ "writer_toggles_per_s", offsetof(struct round, writer_rate) },
	{ "vcpu_faults", offsetof(struct round, faults) },
	{ "vcpu_fault_p50_us", offsetof(struct round, fault_p50_us) },
	{ "vcpu_fault_p99_us", offsetof(struct round, fault_p99_us) },
	{ "vcpu_fault_max_us", offsetof(struct round, fault_max_us) },
	{ "ager2_calls", offsetof(struct round, ager2_calls) },
	{ "walk_retries", offsetof(struct round, retries) },
	{ "bit_writer_waits", offsetof(struct round, w_waits) },
	{ "bit_writer_spins", offsetof(struct round, w_spins) },
	{ "bit_ager_waits", offsetof(struct round, a_waits) },
	{ "bit_ager_spins", offsetof(struct round, a_spins) },
};

static void help(const char *name)
{
	printf("usage: %s [-p pages] [-n rounds] [-t] [-w] [-v] [-V vcpus] [-i pct]\n"
	       "          [-a] [-R KiB] [-L]\n"
	       " -p: pages of the slot (default 4096)\n"
	       " -n: rounds, a multiple of 4 (ABBA blocks; default 8)\n"
	       " -t: back the slot with transparent huge pages\n"
	       " -w: a host thread toggles dirty logging during the aging\n"
	       " -v: the vCPUs write the slot during the aging\n"
	       " -V: vCPUs, each writing its share of the pages (default 1)\n"
	       " -i: zap the SPTEs lockless walks are about to clear, at pct %%\n"
	       " -a: a second host thread ages the same pages meanwhile\n"
	       " -R: a host thread asks memory.reclaim for KiB at a time meanwhile\n"
	       " -L: age two pages of %d SPTEs each (-p calls); -v moves their SPTEs\n",
	       name, LONG_MAPS / 2);
	exit(KSFT_SKIP);
}

int main(int argc, char *argv[])
{
	bool thp = false, load_writer = false, load_vcpu = false, lockless_param;
	bool two_agers = false;
	int opt, rounds = 8, ncalls = 0, idle_fd, pagemap_fd, i, k, inject = 0;
	unsigned long drops = 0;
	struct round rs[MAX_ROUNDS] = {};
	uint64_t *pfns, size;
	double med[2], lo[2], hi[2];
	uint8_t *mem;

	nr_pages = 4096;
	while ((opt = getopt(argc, argv, "p:n:twvV:i:aR:Lh")) != -1) {
		switch (opt) {
		case 'p':
			nr_pages = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			rounds = atoi(optarg);
			break;
		case 't':
			thp = true;
			break;
		case 'w':
			load_writer = true;
			break;
		case 'v':
			load_vcpu = true;
			break;
		case 'V':
			nr_vcpus = strtoull(optarg, NULL, 0);
			break;
		case 'a':
			two_agers = true;
			break;
		case 'R':
			two_agers = true;
			ager2_reclaim_kib = atoi_positive("KiB per reclaim", optarg);
			break;
		case 'L':
			long_rmaps = 1;
			break;
		case 'i':
			inject = atoi_positive("Injection percentage", optarg);
			TEST_ASSERT(inject <= 100, "-i takes a percentage");
			break;
		default:
			help(argv[0]);
		}
	}
	TEST_ASSERT(rounds >= 4 && rounds % 4 == 0 && rounds <= MAX_ROUNDS,
		    "-n: a multiple of 4, at most %d", MAX_ROUNDS);
	TEST_ASSERT(nr_pages >= 512 && nr_pages % 512 == 0, "-p: a multiple of 512");
	TEST_ASSERT(nr_vcpus >= 1 && nr_vcpus <= MAX_VCPUS && nr_pages % nr_vcpus == 0,
		    "-V: 1 to %d vCPUs, dividing the pages", MAX_VCPUS);
	TEST_ASSERT(!long_rmaps || (!thp && LONG_MAPS % nr_vcpus == 0),
		    "-L: small pages, and vCPUs dividing %d", LONG_MAPS);
	idle_fd = open("/sys/kernel/mm/page_idle/bitmap", O_RDWR);
	__TEST_REQUIRE(idle_fd >= 0, "no page_idle bitmap (CONFIG_IDLE_PAGE_TRACKING)");
	pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
	__TEST_REQUIRE(pagemap_fd >= 0, "no pagemap (CONFIG_PROC_PAGE_MONITOR)");
	lockless_param = access(LOCKLESS_PARAM, W_OK) == 0;
	if (!lockless_param)
		pr_info("no kvm.lockless_aging (a stock kernel): every round locked\n");
	__TEST_REQUIRE(!inject || (lockless_param && fail_lockless_age_present()),
		       "-i needs " FAIL_ATTR " (KVM_PROVE_MMU, FAULT_INJECTION_DEBUG_FS)");
	if (inject) {
		fail_lockless_age_set(inject, FAULT_DROP, 0);
		fail_lockless_age_this_thread(true);
		drops = fail_lockless_age_read("dropped");
	}

	/* Guest memory is charged to the test's cgroup: the test is in it first. */
	if (ager2_reclaim_kib)
		reclaim_setup("aging_contention_test");

	/* 2 MiB-aligned, huge pages (-t) or small ones only. */
	size = nr_pages * PG_SIZE_4K;
	mem = mmap_2m_aligned(size);
	TEST_ASSERT(!madvise(mem, size, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE),
		    "madvise");
	memset(mem, 0, size);

	vm = vm_create_with_vcpus(nr_vcpus, guest_code, vcpus);
	for (i = 0; i < nr_vcpus; i++)
		vcpu_args_set(vcpus[i], 1, i);
	tsc_khz = __vcpu_ioctl(vcpus[0], KVM_GET_TSC_KHZ, NULL);
	TEST_ASSERT(tsc_khz > 0 && tsc_khz < 100000000, "KVM_GET_TSC_KHZ failed");
	vm_set_user_memory_region(vm, SLOT, 0, GPA, size, mem);
	slot_mem = mem;
	virt_map(vm, GVA, GPA, nr_pages);
	if (long_rmaps)
		map_long_rmaps(vm);
	sync_global_to_guest(vm, nr_pages);
	sync_global_to_guest(vm, nr_vcpus);
	sync_global_to_guest(vm, long_rmaps);
	have_bit_stats = true;
	for (i = 0; i < 4 && have_bit_stats; i++)
		have_bit_stats = vm_stat_present(vm, bit_stats[i]);

	/* One call per page, or per huge page: a tail page's write ages nothing. */
	pfns = calloc(nr_pages, sizeof(*pfns));
	TEST_ASSERT(pfns, "calloc");
	for (i = 0; i < (int)nr_pages; i += thp ? 512 : 1)
		pfns[ncalls++] = pfn_of(pagemap_fd, mem + (long_rmaps ? i % 2 : i) * PG_SIZE_4K);
	ager2_fd = idle_fd;
	ager2_pfns = pfns;
	ager2_ncalls = ncalls;
	for (i = 0; thp && i < ncalls; i++) {
		uint64_t next = pfn_of(pagemap_fd, mem + (i * 512 + 1) * PG_SIZE_4K);

		TEST_ASSERT(pfns[i] % 512 == 0 && next == pfns[i] + 1,
			    "-t: huge page %d is not a THP (no THP available?)", i);
	}

	pr_info("aging %lu pages in %d calls (%s), %lu vCPUs, rounds ABBA: %d, load: %s%s%s%s\n",
		long_rmaps ? 2 : nr_pages, ncalls,
		thp ? "THP, 512 gfns a call" :
		long_rmaps ? "4 KiB a call, two pages of 512 SPTEs" : "4 KiB a call",
		nr_vcpus, rounds,
		load_writer ? "dirty-log writer " : "",
		load_vcpu ? (long_rmaps ? "vCPUs moving SPTEs " : "vCPU writes ") : "",
		two_agers ? (ager2_reclaim_kib ? "reclaim ager " : "second ager ") : "",
		load_writer || load_vcpu || two_agers ? "" : "none");
	for (i = 0; i < rounds; i++) {
		rs[i].lockless = lockless_param && ((i % 4 == 1) || (i % 4 == 2));
		age_round(&rs[i], pfns, ncalls, idle_fd, load_vcpu, load_writer,
			  lockless_param, two_agers);
		pr_info("round %d %s: pass %.0f us, call p50 %.1f p99 %.1f max %.1f us, mmu_lock acq w %.0f r %.0f con w %.0f r %.0f, fallbacks %.0f, walks %.0f, vCPU %.0f writes/s, writer %.1f toggles/s, vCPU faults %.0f p50 %.1f p99 %.1f max %.1f us, ager2 %.0f calls, retries %.0f, bit waits/spins writer %.0f/%.0f ager %.0f/%.0f\n",
			i, rs[i].lockless ? "lockless" : "locked", rs[i].pass_us,
			rs[i].p50_us, rs[i].p99_us, rs[i].max_us, rs[i].acq_w,
			rs[i].acq_r, rs[i].con_w, rs[i].con_r, rs[i].fallbacks,
			rs[i].walks, rs[i].vcpu_rate, rs[i].writer_rate, rs[i].faults,
			rs[i].fault_p50_us, rs[i].fault_p99_us, rs[i].fault_max_us,
			rs[i].ager2_calls, rs[i].retries, rs[i].w_waits, rs[i].w_spins,
			rs[i].a_waits, rs[i].a_spins);
	}
	if (lockless_param)
		set_lockless(true);
	if (long_rmaps)
		report_rmap_memory();
	if (inject) {
		fail_lockless_age_this_thread(false);
		fail_lockless_age_set(0, 0, 0);
		drops = fail_lockless_age_read("dropped") - drops;
		pr_info("injected: %lu SPTEs zapped between a lockless walk's check and its clear\n",
			drops);
		TEST_ASSERT(drops > 0, "-i: no SPTE was zapped under a lockless walk");
	}

	pr_info("%-22s %30s %30s %8s\n", "median (min-max)", "locked", "lockless", "ratio");
	for (k = 0; k < (int)ARRAY_SIZE(fields); k++) {
		char a[2][64];
		int m;

		/* Figures of a load or a kernel this run does not have. */
		if ((!two_agers && fields[k].off == offsetof(struct round, ager2_calls)) ||
		    (rs[0].retries < 0 && fields[k].off == offsetof(struct round, retries)) ||
		    (!have_bit_stats && fields[k].off >= offsetof(struct round, w_waits)))
			continue;

		for (m = 0; m < 1 + lockless_param; m++) {
			spread(rs, rounds, m, fields[k].off, &med[m], &lo[m], &hi[m]);
			snprintf(a[m], sizeof(a[m]), "%.1f (%.1f-%.1f)", med[m], lo[m], hi[m]);
		}
		if (!lockless_param)
			snprintf(a[1], sizeof(a[1]), "-");
		if (lockless_param && med[0] > 0)
			pr_info("%-22s %30s %30s %8.2f\n", fields[k].name, a[0], a[1],
				med[1] / med[0]);
		else
			pr_info("%-22s %30s %30s %8s\n", fields[k].name, a[0], a[1], "-");
	}

	/* Nothing but aging ran while lock_stat counted: every acquisition was aging's. */
	if (rs[0].acq_w >= 0 && !load_writer && !load_vcpu && !inject && !two_agers) {
		for (i = 0; i < rounds; i++) {
			double acq = rs[i].acq_w + rs[i].acq_r;

			if (!rs[i].lockless)
				TEST_ASSERT(acq >= ncalls,
					    "round %d, locked: %.0f mmu_lock acquisitions for %d aging calls: lock_stat does not count them",
					    i, acq, ncalls);
			else
				TEST_ASSERT(acq <= rs[i].fallbacks,
					    "round %d, lockless: aging took mmu_lock %.0f times, with %.0f fallbacks",
					    i, acq, rs[i].fallbacks);
		}
		pr_info("lock_stat: the lockless arm took mmu_lock only to fall back; the locked arm once a call or more\n");
	}
	for (i = 0; i < rounds; i++) {
		TEST_ASSERT(!rs[i].lockless || rs[i].walks > 0,
			    "round %d, lockless: no walk without mmu_lock", i);
		TEST_ASSERT(!two_agers || rs[i].ager2_calls > 0,
			    "round %d: the second ager made no call during the pass", i);
	}
	kvm_vm_free(vm);
	return 0;
}
