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
#define MAX_VCPUS	16
#define MAX_NAMES	16
#define WRPROT_PARAM	"/sys/module/kvm/parameters/lockless_dirty_log"

static uint64_t nr_pages = 1024, nr_vcpus = 4, nr_aliases, sync_ptes, burst = 1;
static uint64_t guest_stop;
/* Guest to host: each vCPU's writes, and their times (page_aging.h). */
static uint64_t guest_writes[MAX_VCPUS];
static uint64_t guest_lat[MAX_VCPUS][LAT_BUCKETS];

/* The GVA of alias @a of page @p; alias 0 is the page's own address. */
static uint64_t page_gva(uint64_t p, uint64_t a)
{
	if (!a)
		return GVA + p * PG_SIZE_4K;
	return ALIAS_GVA + ((a - 1) * nr_pages + p) * PG_SIZE_4K;
}

static void guest_code(uint64_t id)
{
	uint64_t n = 0, pass, p, b, t, *pte;

	for (pass = 0;; pass++) {
		for (p = id; p < nr_pages; p += nr_vcpus) {
			for (b = 0; b < burst; b++) {
				if (READ_ONCE(guest_stop))
					goto out;
				n++;
				t = rdtsc();
				WRITE_ONCE(*(uint64_t *)page_gva(p, n % (nr_aliases + 1)),
					   n << 8 | id);
				guest_lat[id][lat_bucket(rdtsc() - t)]++;
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
		case UCALL_ABORT:
			REPORT_GUEST_ASSERT(uc);
		default:
			TEST_FAIL("unexpected exit %s",
				  exit_reason_str(vcpu->run->exit_reason));
		}
	}
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

static void help(const char *name)
{
	printf("usage: %s [-v vcpus] [-p pages] [-a aliases] [-b burst] [-r rounds]\n"
	       "       [-t interval_us] [-c] [-s] [-l 0|1] [-i pct -M modes]\n"
	       "       [-d delay_us] [-E counter,...]\n", name);
	exit(KSFT_SKIP);
}

int main(int argc, char *argv[])
{
	uint64_t rounds = 40, interval_us = 10000, inject = 0, modes = 0;
	uint64_t delay_us = 20, changes = 0, lost = 0, corrupt = 0;
	uint64_t nr_rounds, k, j, p, i, a;
	int lockless_set = -1, nr_names = 0, opt;
	struct kvm_vcpu *vcpus[MAX_VCPUS];
	pthread_t threads[MAX_VCPUS];
	uint64_t before[MAX_NAMES], after[MAX_NAMES];
	char *names[MAX_NAMES], *s;
	unsigned long *maps;
	uint8_t *changed;
	double *when;
	bool clear = false, lockless;
	uint64_t *last, *dest, walks = 0, cleared = 0, tsc_khz, writes = 0;
	uint64_t lat[LAT_BUCKETS] = { 0 };
	double *harvest_us, t0, t1 = 0;
	struct fault_times f;
	int b;
	struct kvm_vm *vm;
	uint8_t *mem;

	while ((opt = getopt(argc, argv, "v:p:a:b:r:t:csl:i:M:d:E:h")) != -1) {
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
		case 'c':
			clear = true;
			break;
		case 's':
			sync_ptes = 1;
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
	TEST_ASSERT(nr_vcpus <= MAX_VCPUS, "at most %d vCPUs", MAX_VCPUS);
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

	vm = vm_create_with_vcpus(nr_vcpus, guest_code, vcpus);
	if (clear)
		vm_enable_cap(vm, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
			      KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE |
			      KVM_DIRTY_LOG_INITIALLY_SET);
	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, GPA, SLOT,
				    nr_pages, KVM_MEM_LOG_DIRTY_PAGES);
	mem = addr_gpa2hva(vm, GPA);
	for (a = 0; a <= nr_aliases; a++)
		for (p = 0; p < nr_pages; p++)
			virt_pg_map(vm, page_gva(p, a), GPA + p * PG_SIZE_4K);
	for (i = 0; sync_ptes && i < nr_pages / 512; i++) {
		uint64_t *pte = vm_get_page_table_entry(vm, GVA + i * PG_SIZE_2M);

		virt_pg_map(vm, PT_ALIAS_GVA + i * PG_SIZE_4K,
			    addr_hva2gpa(vm, pte) & ~(PG_SIZE_4K - 1));
	}
	for (i = 0; i < nr_vcpus; i++)
		vcpu_args_set(vcpus[i], 1, i);
	sync_global_to_guest(vm, nr_pages);
	sync_global_to_guest(vm, nr_vcpus);
	sync_global_to_guest(vm, nr_aliases);
	sync_global_to_guest(vm, sync_ptes);
	sync_global_to_guest(vm, burst);
	for (i = 0; i < (uint64_t)nr_names; i++)
		before[i] = read_counter(vm, names[i]);

	nr_rounds = rounds + 4;
	last = calloc(nr_pages, sizeof(*last));
	dest = calloc(nr_pages, sizeof(*dest));
	when = calloc(nr_rounds, sizeof(*when));
	harvest_us = calloc(rounds, sizeof(*harvest_us));
	maps = calloc(nr_rounds, nr_pages / 8);
	changed = calloc(nr_rounds, nr_pages);
	TEST_ASSERT(last && dest && when && harvest_us && maps && changed, "calloc");
	tsc_khz = __vcpu_ioctl(vcpus[0], KVM_GET_TSC_KHZ, NULL);
	TEST_ASSERT(tsc_khz > 0 && tsc_khz < 100000000, "KVM_GET_TSC_KHZ failed");

	pr_info("%lu vCPUs writing %lu pages (%lu SPTEs each), %s, %lu rounds, write-protect %s mmu_lock%s\n",
		nr_vcpus, nr_pages,
		nr_aliases + 1, clear ? "KVM_CLEAR_DIRTY_LOG" : "KVM_GET_DIRTY_LOG",
		rounds, lockless ? "without" : "under",
		sync_ptes ? ", PTEs rewritten" : "");
	t0 = now();
	for (i = 0; i < nr_vcpus; i++)
		pthread_create(&threads[i], NULL, vcpu_thread, vcpus[i]);

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
		kvm_vm_get_dirty_log(vm, SLOT, map);
		if (clear)
			kvm_vm_clear_dirty_log(vm, SLOT, map, 0, nr_pages);
		if (k < rounds)
			harvest_us[k] = (now() - when[k]) * 1e6;
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
			WRITE_ONCE(*(uint64_t *)addr_gva2hva(vm, (vm_vaddr_t)&guest_stop), 1);
			for (i = 0; i < nr_vcpus; i++)
				pthread_join(threads[i], NULL);
			t1 = now();
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

	if (lockless) {
		walks = read_counter(vm, "lockless_wrprot_walks");
		vm_debugfs_read(vm, "lockless_wrprot_cleared", &cleared);
	}
	/* What a migration would see: the harvests' time, the vCPUs' pace. */
	sync_global_from_guest(vm, guest_writes);
	sync_global_from_guest(vm, guest_lat);
	for (i = 0; i < nr_vcpus; i++) {
		writes += guest_writes[i];
		for (b = 0; b < LAT_BUCKETS; b++)
			lat[b] += guest_lat[i][b];
	}
	f = fault_times_of(lat, tsc_khz);
	pr_info("harvests while the vCPUs wrote: %lu, p50 %.1f us, p99 %.1f us, max %.1f us\n",
		rounds, pct(harvest_us, rounds, 50), pct(harvest_us, rounds, 99),
		pct(harvest_us, rounds, 100));
	pr_info("vCPU writes: %lu in %.3f s (%.0f per s); faulted: %.0f, p50 %.1f us, p99 %.1f us, max %.1f us\n",
		writes, t1 - t0, writes / (t1 - t0), f.n, f.p50_us, f.p99_us, f.max_us);
	pr_info("pages changed between harvests: %lu, lost: %lu, wrong after the last harvest: %lu\n",
		changes, lost, corrupt);
	if (lockless)
		pr_info("lockless rmap walks: %lu, fallbacks: %lu, Writable bits cleared: %lu\n",
			walks, read_counter(vm, "lockless_wrprot_fallbacks"), cleared);
	for (i = 0; i < (uint64_t)nr_names; i++) {
		after[i] = read_counter(vm, names[i]);
		pr_info("%s: %lu\n", names[i], after[i] - before[i]);
	}
	TEST_ASSERT(changes > 0, "no page changed: the vCPUs did not run");
	TEST_ASSERT(!lost, "%lu dirty pages lost", lost);
	TEST_ASSERT(!corrupt, "%lu pages differ from their copy after the last harvest", corrupt);
	for (i = 0; i < (uint64_t)nr_names; i++)
		TEST_ASSERT(after[i] > before[i], "-E: counter %s did not grow", names[i]);
	TEST_ASSERT(!lockless || walks > 0,
		    "kvm.lockless_dirty_log=1 but no rmap was walked without mmu_lock");
	if (inject)
		fail_lockless_age_set(0, 0, 0);
	kvm_vm_free(vm);
	return 0;
}
