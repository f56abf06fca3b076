// SPDX-License-Identifier: GPL-2.0-only
/*
 * shadow_dirty_log_test: no page a guest writes is missing from the dirty
 * log while KVM write-protects for it without mmu_lock.
 *
 * vCPUs write a value never written before into the first word of their
 * pages, over and over, through the pages' own addresses and, with -a,
 * through aliases (-a N: N more GVAs per page, so that each page's rmap
 * holds N + 1 SPTEs and spans rmap nodes).  Meanwhile the host harvests
 * the log in a loop: KVM_GET_DIRTY_LOG, or with -c KVM_GET_DIRTY_LOG and
 * KVM_CLEAR_DIRTY_LOG of what it returned (manual protect, initially set),
 * and after each harvest reads every page.  A page whose word changed
 * between two reads was written after the first harvest finished, so its
 * bit must be in the log of the harvest after it or, if the vCPU that made
 * it writable marked it late, of one soon after (two rounds, or half a
 * second).  A page changed and named by none of them is a lost dirty page,
 * counted.  After the last round's harvest the vCPUs stop, and three more
 * harvests cover their last writes.  The test also copies, after each
 * harvest, the pages its log names (all of them the first time), as a
 * migration would: at the end every copy must equal its page.  It fails
 * if a page is lost or a copy differs.
 *
 * -s: every eighth pass over its pages, a vCPU also flips the NX bit of
 * their PTEs (through an alias of its page tables) and INVLPGs them, so
 * that mmu_lock holders replace writable SPTEs with writable ones
 * (sync_spte()) while the harvest write-protects them; in the seven passes
 * between, nothing marks a page whose Writable bit such a holder put back
 * without marking it.
 *
 * -b N: each page is written N times in a row before the next.  A vCPU
 * then keeps writing a page through the translation it has cached, and
 * the vCPUs stop (checked before every write) right after a harvest: a
 * harvest that did not flush the TLBs would leave those last writes
 * unmarked.
 *
 * -g N: instead, N rounds with the vCPUs stopped during the harvest (what
 * dirty_log_perf_test times, without its vCPU threads spinning meanwhile):
 * each vCPU writes its pages once and waits, blocked, while the host
 * harvests; every page must be in that harvest's log.  The test prints the
 * harvests' elapsed and CPU time.
 *
 * -n: each page's own address is an even page of a region whose odd pages
 * map a second memslot, without dirty logging, which one more vCPU writes
 * all along: in each shadow page of that region, the SPTE next to a logged
 * page's maps a page no harvest may write-protect (the fault attribute's
 * foreign mode hands the harvest's walk that neighbour).  That vCPU must
 * take no page fault after its first pass.
 *
 * -f N: instead, N episodes of one vCPU writing one page in a tight loop,
 * through the translation it has cached: the host harvests (the harvest
 * write-protects the page), reads the page, waits 200 microseconds and
 * moves the vCPU on to the next page; when the vCPU says it has, the host
 * harvests again and reads the page once more.  A change between the two
 * reads was written after the first harvest returned: it must have
 * faulted, and the second log must name the page.  A harvest that did not
 * flush the TLBs would leave the vCPU writing through its writable
 * translation, unmarked, until its next exit.
 *
 * The host numbers its harvests (odd while one runs) in guest memory, so
 * that the vCPUs time apart the writes that overlapped a harvest: the
 * faults that would wait for mmu_lock if the harvest took it.
 *
 * With the kernel's fail_lockless_age attribute (CONFIG_KVM_PROVE_MMU,
 * CONFIG_FAULT_INJECTION_DEBUG_FS), -i PCT -M MODES forces races on this
 * process (the harvest's walks and the vCPUs' SPTE updates, see
 * arch/x86/kvm/mmu/age_fault.h) at PCT % of the checks, and -E NAMES,
 * a comma-separated list, requires each named counter to have grown: the
 * VM's debugfs files (lockless_wrprot_cleared, _retries, _foreign,
 * _lock_races), its stats (lockless_wrprot_walks, _fallbacks) or the
 * attribute's (dropped, reused).  -l 0|1 sets kvm.lockless_dirty_log for
 * the run; with it on, the test requires the harvests to have walked
 * rmaps without mmu_lock and cleared Writable bits.
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "page_aging.h"
#include "fail_lockless_age.h"

#define SLOT		10
#define GPA		0x40000000ULL
#define GVA		0x40000000ULL
#define ALIAS_GVA	0x80000000ULL
#define PT_ALIAS_GVA	0x7fe00000ULL
#define NEIGH_SLOT	11
#define NEIGH_GPA	0x60000000ULL
#define NEIGH_GVA	0xc0000000ULL
#define MAX_VCPUS	16
#define MAX_NAMES	16
#define WRPROT_PARAM	"/sys/module/kvm/parameters/lockless_dirty_log"

static uint64_t nr_pages = 1024, nr_vcpus = 4, nr_aliases, sync_ptes, burst = 1;
static uint64_t guest_stop, idle_rounds, neighbours;
/* -n: set when the neighbours' vCPU has written each of them once. */
static uint64_t neighbours_ready;
/* -n: that vCPU's stats file, and its page faults after its first pass. */
static int neighbour_stats_fd;
static uint64_t neighbour_faults;
/* Host to guest: odd while a harvest runs. */
static uint64_t harvest_seq;
/*
 * Guest to host: each vCPU's writes, and their times (page_aging.h): of
 * every write, and of the writes that overlapped a harvest.
 */
static uint64_t guest_writes[MAX_VCPUS];
static uint64_t guest_lat[MAX_VCPUS][LAT_BUCKETS];
static uint64_t guest_lat_harvest[MAX_VCPUS][LAT_BUCKETS];
/* -f: the episodes; host to guest, the episode to move to; guest to host, its episode. */
static uint64_t flush_episodes, flush_move, flush_at;
/*
 * -g: the vCPUs wait on these while the host harvests, each on its own
 * idle_go: with one for all, a vCPU quick to stop again could take another
 * vCPU's go, and that vCPU would miss a round (its pages unwritten, read as
 * lost) or, at the end, wait forever.
 */
static sem_t idle_done, idle_go[MAX_VCPUS];

/* The GVA of alias @a of page @p; alias 0 is the page's own address. */
static uint64_t page_gva(uint64_t p, uint64_t a)
{
	if (!a && neighbours)
		return NEIGH_GVA + 2 * p * PG_SIZE_4K;
	if (!a)
		return GVA + p * PG_SIZE_4K;
	return ALIAS_GVA + ((a - 1) * nr_pages + p) * PG_SIZE_4K;
}

/* Write @v through alias @a of page @p, timed. */
static void guest_write(uint64_t id, uint64_t p, uint64_t a, uint64_t v)
{
	uint64_t seq = READ_ONCE(harvest_seq), t = rdtsc();

	WRITE_ONCE(*(uint64_t *)page_gva(p, a), v);
	t = lat_bucket(rdtsc() - t);
	guest_lat[id][t]++;
	if (seq & 1 || READ_ONCE(harvest_seq) != seq)
		guest_lat_harvest[id][t]++;
}

/* -n: the GVA of page @p of the slot without dirty logging. */
static uint64_t neighbour_gva(uint64_t p)
{
	return NEIGH_GVA + (2 * p + 1) * PG_SIZE_4K;
}

/* -n's last vCPU: writes the neighbours until the host stops the vCPUs. */
static void guest_neighbours(void)
{
	uint64_t p, n = 0;

	for (p = 0; p < nr_pages; p++)
		WRITE_ONCE(*(uint64_t *)neighbour_gva(p), ++n);
	WRITE_ONCE(neighbours_ready, 1);
	while (!READ_ONCE(guest_stop))
		for (p = 0; p < nr_pages; p++)
			WRITE_ONCE(*(uint64_t *)neighbour_gva(p), ++n);
	GUEST_DONE();
}

/* -f's vCPU: each episode, one page written until the host moves it on. */
static void guest_flush(void)
{
	uint64_t e, n = 0, *page;

	for (e = 0; e < flush_episodes; e++) {
		page = (uint64_t *)page_gva(e % nr_pages, 0);
		WRITE_ONCE(flush_at, e);
		while (READ_ONCE(flush_move) <= e)
			WRITE_ONCE(*page, ++n);
	}
	guest_writes[0] = n;
	WRITE_ONCE(flush_at, e);
	GUEST_DONE();
}

static void guest_code(uint64_t id)
{
	uint64_t n = 0, pass, p, b, *pte;

	if (id == nr_vcpus)
		guest_neighbours();
	if (flush_episodes)
		guest_flush();

	for (pass = 0;; pass++) {
		if (idle_rounds && pass) {
			GUEST_SYNC(pass);
			if (pass == idle_rounds)
				goto out;
		}
		for (p = id; p < nr_pages; p += nr_vcpus) {
			for (b = 0; b < burst; b++) {
				if (READ_ONCE(guest_stop))
					goto out;
				n++;
				guest_write(id, p, n % (nr_aliases + 1), n << 8 | id);
			}
			if (!sync_ptes || pass % 8)
				continue;
			pte = (uint64_t *)(PT_ALIAS_GVA + p / 512 * PG_SIZE_4K) + p % 512;
			WRITE_ONCE(*pte, READ_ONCE(*pte) ^ PTE_NX_MASK);
			asm volatile("invlpg (%0)" : : "r"(page_gva(p, 0)) : "memory");
		}
	}
out:
	guest_writes[id] = n;
	GUEST_DONE();
}

static void *vcpu_thread(void *arg)
{
	struct kvm_vcpu *vcpu = arg;
	struct ucall uc;

	for (;;) {
		vcpu_run(vcpu);
		switch (get_ucall(vcpu, &uc)) {
		case UCALL_DONE:
			return NULL;
		case UCALL_SYNC:
			TEST_ASSERT(!sem_post(&idle_done) &&
				    !sem_wait(&idle_go[vcpu->id]),
				    "sem_post/sem_wait");
			break;
		case UCALL_ABORT:
			REPORT_GUEST_ASSERT(uc);
		default:
			TEST_FAIL("unexpected exit %s",
				  exit_reason_str(vcpu->run->exit_reason));
		}
	}
}

/*
 * The statistic @name of the vCPU whose stats file is @fd: read from that
 * file, which needs no vCPU ioctl (it would wait for KVM_RUN to return).
 */
static uint64_t vcpu_stat(int fd, const char *name)
{
	struct kvm_stats_header header;
	struct kvm_stats_desc *descs, *d;
	uint64_t v = ~0ULL;
	int i;

	read_stats_header(fd, &header);
	descs = read_stats_descriptors(fd, &header);
	for (i = 0; i < header.num_desc; i++) {
		d = get_stats_descriptor(descs, i, &header);
		if (!strcmp(d->name, name))
			read_stat_data(fd, &header, d, &v, 1);
	}
	free(descs);
	TEST_ASSERT(v != ~0ULL, "no vCPU statistic '%s'", name);
	return v;
}

/* The number a counter of -E shows: VM debugfs, VM stat or the attribute. */
static uint64_t read_counter(struct kvm_vm *vm, const char *name)
{
	char path[160];
	uint64_t v = ~0ULL;

	if (vm_debugfs_read(vm, name, &v))
		return v;
	snprintf(path, sizeof(path), FAIL_ATTR "%s", name);
	if (!access(path, R_OK))
		return fail_lockless_age_read(name);
	__vm_get_stat(vm, name, &v, 1);
	TEST_ASSERT(v != ~0ULL, "no counter '%s' in this kernel", name);
	return v;
}

static bool bit(const unsigned long *map, uint64_t p)
{
	return map[p / 64] >> (p % 64) & 1;
}

/*
 * One harvest, numbered odd for the vCPUs while it runs; its elapsed and
 * CPU time, in microseconds, go to *@us and *@cpu_us.
 */
static void harvest(struct kvm_vm *vm, unsigned long *map, bool clear,
		    uint64_t *seq, double *us, double *cpu_us)
{
	struct timespec c0, c1;
	double t;

	__atomic_fetch_add(seq, 1, __ATOMIC_SEQ_CST);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
	t = now();
	kvm_vm_get_dirty_log(vm, SLOT, map);
	if (clear)
		kvm_vm_clear_dirty_log(vm, SLOT, map, 0, nr_pages);
	*us = (now() - t) * 1e6;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
	__atomic_fetch_add(seq, 1, __ATOMIC_SEQ_CST);
	*cpu_us = (c1.tv_sec - c0.tv_sec) * 1e6 + (c1.tv_nsec - c0.tv_nsec) / 1e3;
}

/* -f: the episodes, with the vCPU writing one page through its TLB. */
static void harvest_flush(struct kvm_vm *vm, bool clear, uint64_t *seq)
{
	unsigned long *map = calloc(nr_pages / 64, sizeof(*map));
	uint64_t *at = addr_gva2hva(vm, (vm_vaddr_t)&flush_at);
	uint64_t *move = addr_gva2hva(vm, (vm_vaddr_t)&flush_move);
	uint8_t *mem = addr_gpa2hva(vm, GPA);
	uint64_t e, p, v, late = 0, lost = 0;
	double us, cpu_us;

	TEST_ASSERT(map, "calloc");
	for (e = 0; e < flush_episodes; e++) {
		uint64_t *page;

		p = e % nr_pages;
		page = (uint64_t *)(mem + p * PG_SIZE_4K);
		while (READ_ONCE(*at) != e)
			usleep(10);
		/* Long enough for a write fault, and for a timer exit to pass. */
		usleep(1000);
		harvest(vm, map, clear, seq, &us, &cpu_us);
		v = READ_ONCE(*page);
		usleep(200);
		WRITE_ONCE(*move, e + 1);
		while (READ_ONCE(*at) != e + 1)
			usleep(10);
		harvest(vm, map, clear, seq, &us, &cpu_us);
		if (READ_ONCE(*page) == v)
			continue;
		late++;
		if (!bit(map, p)) {
			if (lost < 10)
				pr_info("lost: page %lu written after episode %lu's harvest, not in the next log\n",
					p, e);
			lost++;
		}
	}
	pr_info("episodes: %lu, with writes after the harvest: %lu, lost: %lu\n",
		flush_episodes, late, lost);
	TEST_ASSERT(late > 0, "no write after a harvest: the race was not run");
	TEST_ASSERT(!lost, "%lu dirty pages lost", lost);
	free(map);
}

/*
 * -g: each round, every vCPU writes each of its pages, stops and waits;
 * the host harvests, and the log must name every page.
 */
static void harvest_idle(struct kvm_vm *vm, bool clear, uint64_t *seq)
{
	unsigned long *map = calloc(nr_pages / 64, sizeof(*map));
	double *us = calloc(idle_rounds, sizeof(*us));
	double *cpu = calloc(idle_rounds, sizeof(*cpu));
	uint64_t k, i, p, lost = 0;

	TEST_ASSERT(map && us && cpu, "calloc");
	for (k = 0; k < idle_rounds; k++) {
		for (i = 0; i < nr_vcpus; i++)
			TEST_ASSERT(!sem_wait(&idle_done), "sem_wait");
		harvest(vm, map, clear, seq, &us[k], &cpu[k]);
		for (p = 0; p < nr_pages; p++)
			lost += !bit(map, p);
		for (i = 0; i < nr_vcpus; i++)
			TEST_ASSERT(!sem_post(&idle_go[i]), "sem_post");
	}
	pr_info("harvests with the vCPUs stopped: %lu, elapsed p50 %.1f us, min %.1f us; CPU p50 %.1f us, min %.1f us\n",
		idle_rounds, pct(us, idle_rounds, 50), pct(us, idle_rounds, 0),
		pct(cpu, idle_rounds, 50), pct(cpu, idle_rounds, 0));
	pr_info("pages written before a harvest and not in its log: %lu\n", lost);
	TEST_ASSERT(!lost, "%lu dirty pages lost", lost);
	free(map);
	free(us);
	free(cpu);
}

/* When the vCPUs had stopped, after the last round's harvest. */
static double now_stopped;

static void help(const char *name)
{
	printf("usage: %s [-v vcpus] [-p pages] [-a aliases] [-b burst] [-r rounds]\n"
	       "       [-t interval_us] [-g rounds | -f episodes] [-c] [-s] [-n] [-l 0|1]\n"
	       "       [-i pct -M modes]\n"
	       "       [-d delay_us] [-E counter,...]\n", name);
	exit(KSFT_SKIP);
}

/*
 * Harvest while the vCPUs write, @rounds rounds @interval_us apart, then
 * stop the vCPUs (@threads) and harvest four more times; fail if a change
 * was named by no log soon after it or a copy differs from its page.
 */
static void harvest_while_writing(struct kvm_vm *vm, bool clear, uint64_t *seq,
				  pthread_t *threads, uint64_t rounds,
				  uint64_t interval_us)
{
	uint64_t nr_rounds = rounds + 4, changes = 0, lost = 0, corrupt = 0;
	uint64_t *last = calloc(nr_pages, sizeof(*last));
	uint64_t *dest = calloc(nr_pages, sizeof(*dest));
	double *when = calloc(nr_rounds, sizeof(*when));
	double *harvest_us = calloc(rounds, sizeof(*harvest_us));
	unsigned long *maps = calloc(nr_rounds, nr_pages / 8);
	uint8_t *changed = calloc(nr_rounds, nr_pages);
	uint8_t *mem = addr_gpa2hva(vm, GPA);
	uint64_t k, j, p, i;
	double us, cpu_us;

	TEST_ASSERT(last && dest && when && harvest_us && maps && changed, "calloc");

	/*
	 * Round k: harvest, then read every page, note which changed since
	 * round k - 1, and copy those the log names (all in round 0) to
	 * dest[], as a migration would.
	 */
	for (k = 0; k < nr_rounds; k++) {
		unsigned long *map = maps + k * nr_pages / 64;

		if (k < rounds)
			usleep(interval_us);
		when[k] = now();
		harvest(vm, map, clear, seq, &us, &cpu_us);
		if (k < rounds)
			harvest_us[k] = us;
		for (p = 0; p < nr_pages; p++) {
			uint64_t v = READ_ONCE(*(uint64_t *)(mem + p * PG_SIZE_4K));

			changed[k * nr_pages + p] = k && v != last[p];
			last[p] = v;
			if (!k || bit(map, p))
				dest[p] = v;
		}
		/*
		 * The vCPUs stop right after a harvest: their last writes must
		 * fault and be marked, not go through translations cached
		 * before the harvest write-protected them.
		 */
		if (k == rounds) {
			if (neighbours)
				neighbour_faults = vcpu_stat(neighbour_stats_fd, "pf_taken") -
						   neighbour_faults;
			WRITE_ONCE(*(uint64_t *)addr_gva2hva(vm, (vm_vaddr_t)&guest_stop), 1);
			for (i = 0; i < nr_vcpus; i++)
				pthread_join(threads[i], NULL);
			now_stopped = now();
		}
	}

	/*
	 * A change seen in round k was written after harvest k - 1 returned:
	 * the log of round k or of one soon after must name the page (a
	 * vCPU may mark it late: two more rounds, or half a second).
	 */
	for (k = 1; k < nr_rounds; k++) {
		for (p = 0; p < nr_pages; p++) {
			bool named = false;

			if (!changed[k * nr_pages + p])
				continue;
			changes++;
			for (j = k; j < nr_rounds && !named; j++)
				named = (j - k <= 2 || when[j] - when[k] <= 0.5) &&
					bit(maps + j * nr_pages / 64, p);
			if (named)
				continue;
			if (lost < 10)
				pr_info("lost: page %lu changed in round %lu, named by no log soon after\n",
					p, k);
			lost++;
		}
	}
	/* The last rounds read long after the vCPUs stopped: no change. */
	for (p = 0; p < nr_pages; p++) {
		TEST_ASSERT(!changed[(nr_rounds - 1) * nr_pages + p] &&
			    !changed[(nr_rounds - 2) * nr_pages + p],
			    "page %lu changed after the vCPUs stopped", p);
		corrupt += dest[p] != last[p];
	}

	pr_info("harvests while the vCPUs wrote: %lu, p50 %.1f us, p99 %.1f us, max %.1f us\n",
		rounds, pct(harvest_us, rounds, 50), pct(harvest_us, rounds, 99),
		pct(harvest_us, rounds, 100));
	pr_info("pages changed between harvests: %lu, lost: %lu, wrong after the last harvest: %lu\n",
		changes, lost, corrupt);
	TEST_ASSERT(changes > 0, "no page changed: the vCPUs did not run");
	TEST_ASSERT(!lost, "%lu dirty pages lost", lost);
	TEST_ASSERT(!corrupt, "%lu pages differ from their copy after the last harvest", corrupt);
	free(last);
	free(dest);
	free(when);
	free(harvest_us);
	free(maps);
	free(changed);
}

int main(int argc, char *argv[])
{
	uint64_t rounds = 40, interval_us = 10000, inject = 0, modes = 0;
	uint64_t delay_us = 20, p, i, a;
	int lockless_set = -1, nr_names = 0, opt;
	struct kvm_vcpu *vcpus[MAX_VCPUS];
	pthread_t threads[MAX_VCPUS];
	uint64_t before[MAX_NAMES], after[MAX_NAMES];
	char *names[MAX_NAMES], *s;
	bool clear = false, lockless;
	uint64_t walks = 0, cleared = 0, tsc_khz, writes = 0, *seq;
	uint64_t lat[LAT_BUCKETS] = { 0 }, lat_harvest[LAT_BUCKETS] = { 0 };
	double t0, t1;
	struct fault_times f;
	int b;
	struct kvm_vm *vm;

	while ((opt = getopt(argc, argv, "v:p:a:b:r:t:g:f:csnl:i:M:d:E:h")) != -1) {
		switch (opt) {
		case 'v':
			nr_vcpus = atoi_positive("vCPUs", optarg);
			break;
		case 'p':
			nr_pages = atoi_positive("pages", optarg);
			break;
		case 'a':
			nr_aliases = atoi_non_negative("aliases", optarg);
			break;
		case 'b':
			burst = atoi_positive("burst", optarg);
			break;
		case 'r':
			rounds = atoi_positive("rounds", optarg);
			break;
		case 't':
			interval_us = atoi_non_negative("interval", optarg);
			break;
		case 'g':
			idle_rounds = atoi_positive("-g", optarg);
			break;
		case 'c':
			clear = true;
			break;
		case 'f':
			flush_episodes = atoi_positive("-f", optarg);
			break;
		case 's':
			sync_ptes = 1;
			break;
		case 'n':
			neighbours = 1;
			break;
		case 'l':
			lockless_set = atoi_non_negative("-l", optarg);
			break;
		case 'i':
			inject = atoi_non_negative("-i", optarg);
			break;
		case 'M':
			modes = strtoul(optarg, NULL, 0);
			break;
		case 'd':
			delay_us = atoi_non_negative("delay", optarg);
			break;
		case 'E':
			for (s = strtok(optarg, ","); s && nr_names < MAX_NAMES;
			     s = strtok(NULL, ","))
				names[nr_names++] = s;
			break;
		default:
			help(argv[0]);
		}
	}
	TEST_ASSERT(nr_vcpus + neighbours <= MAX_VCPUS, "at most %d vCPUs",
		    MAX_VCPUS - (int)neighbours);
	TEST_ASSERT(!neighbours || (!sync_ptes && !idle_rounds),
		    "-n goes with neither -s nor -g");
	TEST_ASSERT(!flush_episodes ||
		    (nr_vcpus == 1 && !nr_aliases && !sync_ptes && !idle_rounds && !neighbours),
		    "-f goes with -v 1 and none of -a, -s, -g, -n");
	TEST_ASSERT(nr_pages % 512 == 0, "-p: a multiple of 512 pages");
	TEST_REQUIRE(kvm_has_cap(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2) || !clear);
	__TEST_REQUIRE(!inject || fail_lockless_age_present(),
		       "-i needs " FAIL_ATTR " (KVM_PROVE_MMU, FAULT_INJECTION_DEBUG_FS)");

	if (lockless_set >= 0 && !access(WRPROT_PARAM, W_OK))
		write_file(WRPROT_PARAM, lockless_set ? "1" : "0");
	lockless = read_bool_param(WRPROT_PARAM);
	if (inject) {
		fail_lockless_age_set(inject, modes, delay_us);
		/* Inherited by the vCPU threads, created below. */
		fail_lockless_age_this_thread(true);
	}

	vm = vm_create_with_vcpus(nr_vcpus + neighbours, guest_code, vcpus);
	if (clear)
		vm_enable_cap(vm, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
			      KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE |
			      KVM_DIRTY_LOG_INITIALLY_SET);
	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, GPA, SLOT,
				    nr_pages, KVM_MEM_LOG_DIRTY_PAGES);
	for (a = 0; a <= nr_aliases; a++)
		for (p = 0; p < nr_pages; p++)
			virt_pg_map(vm, page_gva(p, a), GPA + p * PG_SIZE_4K);
	if (neighbours) {
		vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, NEIGH_GPA,
					    NEIGH_SLOT, nr_pages, 0);
		for (p = 0; p < nr_pages; p++)
			virt_pg_map(vm, neighbour_gva(p), NEIGH_GPA + p * PG_SIZE_4K);
	}
	for (i = 0; sync_ptes && i < nr_pages / 512; i++) {
		uint64_t *pte = vm_get_page_table_entry(vm, GVA + i * PG_SIZE_2M);

		virt_pg_map(vm, PT_ALIAS_GVA + i * PG_SIZE_4K,
			    addr_hva2gpa(vm, pte) & ~(PG_SIZE_4K - 1));
	}
	for (i = 0; i < nr_vcpus + neighbours; i++)
		vcpu_args_set(vcpus[i], 1, i);
	sync_global_to_guest(vm, nr_pages);
	sync_global_to_guest(vm, nr_vcpus);
	sync_global_to_guest(vm, nr_aliases);
	sync_global_to_guest(vm, sync_ptes);
	sync_global_to_guest(vm, burst);
	sync_global_to_guest(vm, idle_rounds);
	sync_global_to_guest(vm, neighbours);
	sync_global_to_guest(vm, flush_episodes);
	for (i = 0; i < (uint64_t)nr_names; i++)
		before[i] = read_counter(vm, names[i]);

	tsc_khz = __vcpu_ioctl(vcpus[0], KVM_GET_TSC_KHZ, NULL);
	TEST_ASSERT(tsc_khz > 0 && tsc_khz < 100000000, "KVM_GET_TSC_KHZ failed");
	seq = addr_gva2hva(vm, (vm_vaddr_t)&harvest_seq);
	TEST_ASSERT(!sem_init(&idle_done, 0, 0), "sem_init");
	for (i = 0; i < nr_vcpus; i++)
		TEST_ASSERT(!sem_init(&idle_go[i], 0, 0), "sem_init");

	pr_info("%lu vCPUs writing %lu pages (%lu SPTEs each), %s, %lu rounds%s, write-protect %s mmu_lock%s\n",
		nr_vcpus, nr_pages,
		nr_aliases + 1, clear ? "KVM_CLEAR_DIRTY_LOG" : "KVM_GET_DIRTY_LOG",
		flush_episodes ?: idle_rounds ?: rounds,
		flush_episodes ? " (one page each, -f)" : idle_rounds ? " (vCPUs stopped)" : "",
		lockless ? "without" : "under",
		sync_ptes ? ", PTEs rewritten" : "");
	t0 = now();
	for (i = 0; i < nr_vcpus; i++)
		pthread_create(&threads[i], NULL, vcpu_thread, vcpus[i]);
	if (neighbours) {
		uint64_t *ready = addr_gva2hva(vm, (vm_vaddr_t)&neighbours_ready);

		neighbour_stats_fd = vcpu_get_stats_fd(vcpus[nr_vcpus]);
		pthread_create(&threads[nr_vcpus], NULL, vcpu_thread, vcpus[nr_vcpus]);
		while (!READ_ONCE(*ready))
			usleep(1000);
		/* Counted until the vCPUs are stopped (harvest_while_writing()). */
		neighbour_faults = vcpu_stat(neighbour_stats_fd, "pf_taken");
	}
	if (flush_episodes) {
		harvest_flush(vm, clear, seq);
		pthread_join(threads[0], NULL);
		t1 = now();
	} else if (idle_rounds) {
		harvest_idle(vm, clear, seq);
		for (i = 0; i < nr_vcpus; i++)
			pthread_join(threads[i], NULL);
		t1 = now();
	} else {
		harvest_while_writing(vm, clear, seq, threads, rounds, interval_us);
		t1 = now_stopped;
	}
	if (neighbours) {
		pthread_join(threads[nr_vcpus], NULL);
		pr_info("page faults of the vCPU writing the slot without dirty logging, after its first pass: %lu\n",
			neighbour_faults);
		TEST_ASSERT(!neighbour_faults,
			    "%lu page faults on pages no harvest may write-protect",
			    neighbour_faults);
	}

	if (lockless) {
		walks = read_counter(vm, "lockless_wrprot_walks");
		vm_debugfs_read(vm, "lockless_wrprot_cleared", &cleared);
	}
	/* What a migration would see: the vCPUs' pace and their faults. */
	sync_global_from_guest(vm, guest_writes);
	sync_global_from_guest(vm, guest_lat);
	sync_global_from_guest(vm, guest_lat_harvest);
	for (i = 0; i < nr_vcpus; i++) {
		writes += guest_writes[i];
		for (b = 0; b < LAT_BUCKETS; b++) {
			lat[b] += guest_lat[i][b];
			lat_harvest[b] += guest_lat_harvest[i][b];
		}
	}
	f = fault_times_of(lat, tsc_khz);
	pr_info("vCPU writes: %lu in %.3f s (%.0f per s); faulted: %.0f, p50 %.1f us, p99 %.1f us, max %.1f us\n",
		writes, t1 - t0, writes / (t1 - t0), f.n, f.p50_us, f.p99_us, f.max_us);
	f = fault_times_of(lat_harvest, tsc_khz);
	pr_info("faulted during a harvest: %.0f, p50 %.1f us, p99 %.1f us, max %.1f us\n",
		f.n, f.p50_us, f.p99_us, f.max_us);
	if (lockless)
		pr_info("lockless rmap walks: %lu, fallbacks: %lu, Writable bits cleared: %lu\n",
			walks, read_counter(vm, "lockless_wrprot_fallbacks"), cleared);
	for (i = 0; i < (uint64_t)nr_names; i++) {
		after[i] = read_counter(vm, names[i]);
		pr_info("%s: %lu\n", names[i], after[i] - before[i]);
	}
	for (i = 0; i < (uint64_t)nr_names; i++)
		TEST_ASSERT(after[i] > before[i], "-E: counter %s did not grow", names[i]);
	TEST_ASSERT(!lockless || walks > 0,
		    "kvm.lockless_dirty_log=1 but no rmap was walked without mmu_lock");
	if (inject)
		fail_lockless_age_set(0, 0, 0);
	kvm_vm_free(vm);
	return 0;
}
