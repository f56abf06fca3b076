// SPDX-License-Identifier: GPL-2.0-only
/*
 * shadow_aging_test: page aging through long shadow-MMU rmaps while a vCPU
 * changes the same rmaps.
 *
 * The guest maps 64 data pages from 8 page tables, each table mapping every
 * page 8 times, and reads all of it once, so that under shadow paging each
 * data page's rmap holds 64 SPTEs.  Pages 0-15 are written, 16-31 churned,
 * 32-63 cold.  vCPU 1 keeps remapping half of a ninth table among the
 * churned pages (flush, read: faults that add and drop SPTEs under mmu_lock).
 * Then, round after round:
 *
 *  - vCPU 1 points the other half of its table at the written pages and
 *    reads through it: 16 more SPTEs in each written page's rmap;
 *  - the host marks every data page idle through
 *    /sys/kernel/mm/page_idle/bitmap, which ages the pages' SPTEs through
 *    KVM's mmu notifier (clear_young): this is the timed aging pass;
 *  - vCPU 1 points that half back at churned pages, which drops its 16
 *    SPTEs from each written page's rmap (filling the holes they leave with
 *    SPTEs moved from the rmap's first node), while vCPU 0 writes half of the
 *    written pages, each through one of its 64 SPTEs, a different one each
 *    round, and the host reads the bitmap back, which ages the SPTEs again.
 *    Every page vCPU 0 wrote must read young (a walk that missed the one
 *    SPTE it wrote through, which stayed in the rmap, would leave it idle);
 *    the other written pages, whose SPTEs were aged and then only dropped,
 *    and the cold pages must read idle.
 *
 * In the second half of the rounds, also every few milliseconds (-z) a host
 * thread adds and deletes a one-page memslot, which zaps every shadow page:
 * SPTEs the aging walks may be reading go away with their pages, whose
 * memory must outlive the walks (under KASAN, a page freed too early is a
 * report).  The zaps take SPTEs for good and refaults prefetch neighbours
 * (which marks them accessed), so this half checks only the written pages
 * and the cold ones, and only the first half that walks ran.
 *
 * With -m both (the default where kvm.lockless_aging exists) the rounds
 * alternate between kvm.lockless_aging=1 and 0, in one VM, and the test
 * prints for each the aging pass time and vCPU 1's progress meanwhile.  It
 * then checks KVM's lockless aging stats: walks ran; and prints how many
 * fell back.  On a kernel without the parameter it runs the rounds as they
 * come (-m stock).  Needs shadow paging (kvm_amd.npt=0 or kvm_intel.ept=0)
 * and root (page_idle, pagemap).
 *
 * With -i PCT (kernels with CONFIG_KVM_PROVE_MMU and fault injection) the
 * lockless rounds force the races the walk must survive, through the
 * fail_lockless_age fault attribute, enabled for this thread only, firing
 * at PCT % of its checks: the visitor is handed the neighbouring SPTE of
 * the same shadow page (another gfn's: it must be refused); in the first
 * half walks end as if out of passes; in the second, where memslot zaps
 * run, the visitor waits before reading an SPTE and before clearing it,
 * while vCPU 1 changes rmaps; the node the walk is in is freed and reused
 * by another list, the entry's shadow page zapped, and an SPTE zapped
 * between its check and its clear.
 * The test then asserts that walks were retried, foreign SPTEs refused and
 * ranges aged under the lock, and the rounds' checks as usual.  Before the
 * rounds, a second VM maps pages of its own at the same gfns and writes
 * them; aging the first VM hands its walks, before every SPTE, the second
 * VM's SPTE of the same gfn, which must be refused: the second VM's pages
 * must still read young.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "fail_lockless_age.h"
#include "page_aging.h"

#define DATA_SLOT	10
#define DATA_GPA	0x10000000ULL
#define NPAGES		64
#define WRITTEN		16		/* pages 0-15: vCPU 0 writes them */
#define CHURNED		16		/* pages 16-31: vCPU 1 churns them */
#define COLD_FIRST	(WRITTEN + CHURNED)

#define GVA_BASE	0x40000000ULL	/* region r: 2 MiB from here */
#define NR_WTABLES	8		/* regions 0-7: vCPU 0's tables */
#define CHURN_REGION	NR_WTABLES	/* region 8: vCPU 1's table */
#define PTRS		512
#define ARM_FIRST	(PTRS / 2)	/* vCPU 1's PTEs that visit written pages */
#define CHURN_ALIAS_GVA	0x20000000ULL	/* where vCPU 1 writes its table */

#define OTHER_GVA	0x60000000ULL	/* the second VM's view of its pages */

#define DEFAULT_ROUNDS	60

#define ZAP_SLOT	11
#define ZAP_GPA		0x30000000ULL
#define DEFAULT_ZAP_MS	20

/* Shared with the guest through its own image; the host asks, vCPUs answer. */
static struct {
	uint64_t round;		/* host: the round vCPU 0 writes */
	uint64_t arm, armed;	/* host, vCPU 1: written pages mapped */
	uint64_t disarm, disarmed;	/* host, vCPU 1: unmapped again */
	uint64_t churns;	/* vCPU 1: PTEs remapped among churned pages */
	uint64_t stop;		/* host: end */
} shared;

/* The host's view of the guest's copy of shared. */
static typeof(shared) *gs;

/* Host only: the round vCPU 0 last reported. */
static uint64_t writer_done = ~0ULL;

static uint64_t gva(int region, int index)
{
	return GVA_BASE + region * PG_SIZE_2M + index * PG_SIZE_4K;
}

static uint64_t data_gpa(int page)
{
	return DATA_GPA + page * PG_SIZE_4K;
}

/* The written pages vCPU 0 writes in round @round: half of them. */
static bool written_in(uint64_t round, int page)
{
	return (page + round) % 2 == 0;
}

static void guest_writer(void)
{
	uint64_t round;
	int r, i, page;

	/* Fault in every PTE of every table: 64 SPTEs per data page. */
	for (r = 0; r < NR_WTABLES; r++)
		for (i = 0; i < PTRS; i++)
			READ_ONCE(*(uint64_t *)gva(r, i));
	GUEST_SYNC(0);

	/* The host resumes vCPU 0 once it has set the next round. */
	while ((round = READ_ONCE(shared.round)) != 0) {
		/* Page p through table round % 8, PTE p + 64 * (round / 8 % 8). */
		r = round % NR_WTABLES;
		for (page = 0; page < WRITTEN; page++) {
			if (!written_in(round, page))
				continue;
			i = page + NPAGES * (round / NR_WTABLES % (PTRS / NPAGES));
			WRITE_ONCE(*(uint64_t *)(gva(r, i) + 8), round);
		}
		GUEST_SYNC(round);
	}
	GUEST_DONE();
}

/*
 * Point vCPU 1's PTEs [first, first + n) at @page_of(i), 8 at a time: write
 * them, flush them, read the first (a fault that prefetches the other 7).
 */
static void remap(uint64_t *table, uint64_t flags, int first, int n,
		  int (*page_of)(int i, uint64_t arg), uint64_t arg)
{
	int i, j;

	for (i = first; i < first + n; i += 8) {
		for (j = i; j < i + 8; j++) {
			WRITE_ONCE(table[j], flags | data_gpa(page_of(j, arg)));
			__asm__ __volatile__("invlpg (%0)" : :
					     "r"(gva(CHURN_REGION, j)) : "memory");
		}
		READ_ONCE(*(uint64_t *)gva(CHURN_REGION, i));
	}
}

static int churned_page(int i, uint64_t pass)
{
	return WRITTEN + (i + pass) % CHURNED;
}

static int written_page(int i, uint64_t unused)
{
	return i % WRITTEN;
}

/* vCPU 1: churn the lower half of its table; arm and disarm the upper. */
static void guest_churner(void)
{
	uint64_t *table = (uint64_t *)CHURN_ALIAS_GVA;
	uint64_t pass, flags, req;

	flags = table[0] & ~PHYSICAL_PAGE_MASK;
	for (pass = 1; !READ_ONCE(shared.stop); pass++) {
		remap(table, flags, pass * 8 % ARM_FIRST, 8, churned_page, pass);
		WRITE_ONCE(shared.churns, pass * 8);
		req = READ_ONCE(shared.arm);
		if (req != READ_ONCE(shared.armed)) {
			remap(table, flags, ARM_FIRST, PTRS - ARM_FIRST,
			      written_page, 0);
			WRITE_ONCE(shared.armed, req);
		}
		req = READ_ONCE(shared.disarm);
		if (req != READ_ONCE(shared.disarmed)) {
			remap(table, flags, ARM_FIRST, PTRS - ARM_FIRST,
			      churned_page, 0);
			WRITE_ONCE(shared.disarmed, req);
		}
	}
	GUEST_DONE();
}

/* The second VM's vCPU: write every page, each time the host runs it. */
static void guest_other(void)
{
	uint64_t pass;
	int i;

	for (pass = 1;; pass++) {
		for (i = 0; i < NPAGES; i++)
			WRITE_ONCE(*(uint64_t *)(OTHER_GVA + i * PG_SIZE_4K), pass);
		GUEST_SYNC(pass);
	}
}

static void guest_code(uint64_t role)
{
	if (role == 2)
		guest_other();
	else if (role)
		guest_churner();
	else
		guest_writer();
}

static void *vcpu_thread(void *arg)
{
	struct kvm_vcpu *vcpu = arg;
	struct ucall uc;

	for (;;) {
		vcpu_run(vcpu);
		TEST_ASSERT_KVM_EXIT_REASON(vcpu, KVM_EXIT_IO);
		switch (get_ucall(vcpu, &uc)) {
		case UCALL_SYNC:
			/* vCPU 0 wrote round args[1]: wait for the next */
			__atomic_store_n(&writer_done, uc.args[1], __ATOMIC_RELEASE);
			while (READ_ONCE(gs->round) == uc.args[1])
				usleep(100);
			continue;
		case UCALL_DONE:
			return NULL;
		case UCALL_ABORT:
			REPORT_GUEST_ASSERT(uc);
		default:
			TEST_FAIL("unexpected ucall %lu", uc.cmd);
		}
	}
}

static int zap_ms = DEFAULT_ZAP_MS;
static bool zap_stop;
static uint64_t zaps;

/* Add and delete a one-page memslot: each deletion zaps every shadow page. */
static void *zap_thread(void *arg)
{
	struct kvm_vm *vm = arg;
	void *page;

	page = mmap(NULL, PG_SIZE_4K, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(page != MAP_FAILED, "mmap of the zap slot failed");
	while (!__atomic_load_n(&zap_stop, __ATOMIC_ACQUIRE)) {
		usleep(zap_ms * 1000);
		vm_set_user_memory_region(vm, ZAP_SLOT, 0, ZAP_GPA, PG_SIZE_4K, page);
		vm_set_user_memory_region(vm, ZAP_SLOT, 0, ZAP_GPA, 0, NULL);
		zaps++;
	}
	munmap(page, PG_SIZE_4K);
	return NULL;
}

/* Wait up to a minute for *@at, written by another thread, to be @want. */
static void wait_for(uint64_t *at, uint64_t want, const char *what)
{
	double t0 = now();

	while (__atomic_load_n(at, __ATOMIC_ACQUIRE) != want) {
		TEST_ASSERT(now() - t0 < 60, "round %lu: %s", want, what);
		usleep(100);
	}
}

struct mode_times {
	const char *name;
	double pass[1024];	/* seconds to mark every page idle */
	int n;
	/* vCPU 1's PTE remaps during the aging passes, and their time */
	uint64_t churns;
	double secs;
};

static void report(struct mode_times *m)
{
	double p[1024];

	if (!m->n)
		return;
	memcpy(p, m->pass, m->n * sizeof(double));
	qsort(p, m->n, sizeof(double), cmp_double);
	pr_info("aging %s: %d passes over %d pages, us per pass median %.1f min %.1f max %.1f; vCPU 1 during them: %.0f PTE remaps/s\n",
		m->name, m->n, NPAGES, p[m->n / 2] * 1e6, p[0] * 1e6,
		p[m->n - 1] * 1e6, m->churns / m->secs);
}

/* Force @modes on this thread's lockless aging walks, at @pct % of the checks. */
static void inject(int pct, int modes)
{
	fail_lockless_age_set(pct, modes, 2000);
	fail_lockless_age_this_thread(pct);
}

/*
 * Run @thread on CPU @cpu.  With races injected, the vCPUs and the zap
 * thread share one CPU and the aging thread has the other: the rmap nodes a
 * zap frees go to that CPU's slab freelist, which hands them out first to
 * the vCPUs' cache refills, so nodes are reused while a walk waits in them.
 */
static void pin(pthread_t thread, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	TEST_ASSERT(!pthread_setaffinity_np(thread, sizeof(set), &set),
		    "pinning a thread to CPU %d", cpu);
}

/*
 * A second VM, whose pages sit at the first VM's gfns, writes them; its
 * aging makes one of its shadow pages the injection's decoy, and the first
 * VM's walks are handed that page's SPTE of their gfn before every SPTE.
 * Only the shadow page's VM tells it apart: the first VM's walks must leave
 * it alone, and the second VM's pages read young.
 */
static void check_other_vm(struct kvm_vm *vm, int idle_fd, int pagemap_fd,
			   uint64_t *pfn)
{
	uint64_t pfn2[NPAGES], foreign;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm2;
	struct ucall uc;
	uint8_t *data2;
	int i;

	vm2 = vm_create_with_one_vcpu(&vcpu, guest_code);
	vcpu_args_set(vcpu, 1, 2);
	data2 = mmap(NULL, NPAGES * PG_SIZE_4K, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(data2 != MAP_FAILED, "mmap of the second VM's pages failed");
	madvise(data2, NPAGES * PG_SIZE_4K, MADV_NOHUGEPAGE);
	memset(data2, 1, NPAGES * PG_SIZE_4K);
	vm_set_user_memory_region(vm2, DATA_SLOT, 0, DATA_GPA,
				  NPAGES * PG_SIZE_4K, data2);
	virt_map(vm2, OTHER_GVA, DATA_GPA, NPAGES);
	for (i = 0; i < NPAGES; i++)
		pfn2[i] = pfn_of(pagemap_fd, data2 + i * PG_SIZE_4K);

	vcpu_run(vcpu);
	TEST_ASSERT(get_ucall(vcpu, &uc) == UCALL_SYNC, "second VM: no sync");
	/* Aged: its pages idle, one of its shadow pages the decoy. */
	inject(100, FAULT_OTHER_VM);
	mark_all_idle(idle_fd, pfn2, NPAGES, 0);
	inject(0, 0);
	vcpu_run(vcpu);
	TEST_ASSERT(get_ucall(vcpu, &uc) == UCALL_SYNC, "second VM: no sync");

	foreign = vm_debugfs_u64(vm, "lockless_age_foreign");
	inject(100, FAULT_OTHER_VM);
	for (i = 0; i < NPAGES; i++)
		mark_idle(idle_fd, pfn[i]);
	inject(0, 0);
	foreign = vm_debugfs_u64(vm, "lockless_age_foreign") - foreign;
	for (i = 0; i < NPAGES; i++)
		TEST_ASSERT(!is_idle(idle_fd, pfn2[i]),
			    "the second VM wrote page %d (pfn %#lx), but it reads idle: the first VM's aging took its SPTE",
			    i, pfn2[i]);
	/* Every page's walk was handed the second VM's SPTE and refused it. */
	TEST_ASSERT(foreign >= NPAGES,
		    "the first VM's walks refused only %lu SPTEs of the second VM's",
		    foreign);
	pr_info("second VM: %lu of its SPTEs handed to the first VM's walks, refused; its %d written pages read young\n",
		foreign, NPAGES);
	kvm_vm_free(vm2);
	munmap(data2, NPAGES * PG_SIZE_4K);
}

static void help(const char *name)
{
	printf("usage: %s [-r rounds] [-m both|on|off|stock] [-z ms, 0: no zaps] [-i percent]\n",
	       name);
	exit(KSFT_SKIP);
}

/* One run of the test: its options, its VM and what its rounds measured. */
struct aging_run {
	int rounds, inject_pct;
	const char *mode;
	bool has_param, was_lockless;
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpus[2];
	pthread_t threads[3];	/* vCPU 0, vCPU 1, the zap thread */
	uint8_t *data;
	int idle_fd, pagemap_fd;
	uint64_t pfn[NPAGES];
	struct mode_times modes[3];	/* lockless, locked, stock */
	/* the second half zaps; what the first half's lockless rounds did */
	bool zapping;
	uint64_t walks_half, fallbacks_half;
	int lockless_passes;
};

static void parse_args(struct aging_run *run, int argc, char *argv[])
{
	int opt;

	run->rounds = DEFAULT_ROUNDS;
	while ((opt = getopt(argc, argv, "hr:m:z:i:")) != -1) {
		switch (opt) {
		case 'r':
			run->rounds = atoi_positive("Rounds", optarg);
			TEST_ASSERT(run->rounds < 1024, "at most 1023 rounds");
			break;
		case 'm':
			run->mode = optarg;
			break;
		case 'z':
			zap_ms = atoi_non_negative("Zap interval", optarg);
			break;
		case 'i':
			run->inject_pct = atoi_positive("Injection percentage", optarg);
			TEST_ASSERT(run->inject_pct <= 100, "-i takes a percentage");
			break;
		default:
			help(argv[0]);
		}
	}
}

/* What the test needs of the host, and which arms it runs. */
static void check_host(struct aging_run *run)
{
	/* With TDP the shadow MMU keeps no rmaps: nothing to test. */
	TEST_REQUIRE(!kvm_is_tdp_enabled());
	run->idle_fd = open("/sys/kernel/mm/page_idle/bitmap", O_RDWR);
	__TEST_REQUIRE(run->idle_fd >= 0, "no page_idle bitmap (CONFIG_IDLE_PAGE_TRACKING)");
	run->pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
	TEST_ASSERT(run->pagemap_fd >= 0, "opening /proc/self/pagemap failed");

	run->has_param = access(LOCKLESS_PARAM, W_OK) == 0;
	run->was_lockless = run->has_param ? read_lockless() : true;
	if (!run->mode)
		run->mode = run->has_param ? "both" : "stock";
	TEST_ASSERT(!strcmp(run->mode, "stock") || run->has_param,
		    "-m %s needs " LOCKLESS_PARAM, run->mode);
	__TEST_REQUIRE(!run->inject_pct || fail_lockless_age_present(),
		       "-i needs " FAIL_ATTR " (KVM_PROVE_MMU, FAULT_INJECTION_DEBUG_FS)");
}

/* The VM, its data pages and the guest page tables that alias them. */
static void build_vm(struct aging_run *run)
{
	uint64_t *pd, *pte, pd_gpa, table_gpa, *table;
	int level, r, i;

	run->vm = vm_create_with_vcpus(2, guest_code, run->vcpus);
	run->data = mmap(NULL, NPAGES * PG_SIZE_4K, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(run->data != MAP_FAILED, "mmap of the data pages failed");
	madvise(run->data, NPAGES * PG_SIZE_4K, MADV_NOHUGEPAGE);
	for (i = 0; i < NPAGES; i++)
		run->data[i * PG_SIZE_4K] = i;
	vm_set_user_memory_region(run->vm, DATA_SLOT, 0, DATA_GPA,
				  NPAGES * PG_SIZE_4K, run->data);

	/* Let the library build the upper levels, then point regions at tables. */
	virt_pg_map(run->vm, GVA_BASE, DATA_GPA);
	level = PG_LEVEL_1G;
	pte = __vm_get_page_table_entry(run->vm, GVA_BASE, &level);
	pd_gpa = PTE_GET_PA(*pte);
	pd = addr_gpa2hva(run->vm, pd_gpa);
	for (r = 0; r <= CHURN_REGION; r++) {
		table_gpa = vm_alloc_page_table(run->vm);
		table = addr_gpa2hva(run->vm, table_gpa);
		for (i = 0; i < PTRS; i++)
			table[i] = PTE_PRESENT_MASK | PTE_WRITABLE_MASK |
				   PTE_ACCESSED_MASK | PTE_DIRTY_MASK |
				   data_gpa(r == CHURN_REGION ? churned_page(i, 0) :
					    i % NPAGES);
		pd[r] = PTE_PRESENT_MASK | PTE_WRITABLE_MASK |
			PTE_ACCESSED_MASK | table_gpa;
	}
	virt_pg_map(run->vm, CHURN_ALIAS_GVA, table_gpa);
	vcpu_args_set(run->vcpus[0], 1, 0);
	vcpu_args_set(run->vcpus[1], 1, 1);

	sync_global_to_guest(run->vm, shared);
	gs = addr_gva2hva(run->vm, (vm_vaddr_t)&shared);
}

/* Both vCPUs running, vCPU 1 churning; every page but the cold ones young. */
static void start_vcpus(struct aging_run *run)
{
	int i;

	pthread_create(&run->threads[0], NULL, vcpu_thread, run->vcpus[0]);
	while (__atomic_load_n(&writer_done, __ATOMIC_ACQUIRE) != 0)
		usleep(1000);
	pthread_create(&run->threads[1], NULL, vcpu_thread, run->vcpus[1]);
	while (!READ_ONCE(gs->churns))
		usleep(1000);
	if (run->inject_pct) {
		pin(pthread_self(), 0);
		pin(run->threads[0], 1);
		pin(run->threads[1], 1);
	}
	pr_info("built: %d data pages, %d SPTEs each (%d more on pages 0-%d when vCPU 1 maps them); vCPU 1 churning pages %d-%d\n",
		NPAGES, NR_WTABLES * PTRS / NPAGES, (PTRS - ARM_FIRST) / WRITTEN,
		WRITTEN - 1, WRITTEN, COLD_FIRST - 1);

	for (i = 0; i < NPAGES; i++)
		run->pfn[i] = pfn_of(run->pagemap_fd, run->data + i * PG_SIZE_4K);
	/* The cold pages idle: the others are in use. */
	mark_all_idle(run->idle_fd, run->pfn, NPAGES, COLD_FIRST);
}

/* The arm of round @r: -m's, or lockless and locked in turn. */
static struct mode_times *round_mode(struct aging_run *run, int r)
{
	if (!strcmp(run->mode, "stock"))
		return &run->modes[2];
	if (!strcmp(run->mode, "on") || (!strcmp(run->mode, "both") && r % 2))
		return &run->modes[0];
	return &run->modes[1];
}

/* From the second half on: what the first half's walks did, then zaps. */
static void start_second_half(struct aging_run *run)
{
	if (run->has_param) {
		run->walks_half = vm_get_stat(run->vm, "lockless_age_walks");
		run->fallbacks_half = vm_get_stat(run->vm, "lockless_age_fallbacks");
	}
	run->lockless_passes = run->modes[0].n;
	if (zap_ms) {
		pthread_create(&run->threads[2], NULL, zap_thread, run->vm);
		if (run->inject_pct)
			pin(run->threads[2], 1);
	}
	/* Injected reuse zaps under the walks: the same relaxed checks. */
	run->zapping = zap_ms || run->inject_pct;
}

/*
 * Round @r with arm @m: the timed aging pass over every page while vCPU 1
 * has the written pages mapped, then vCPU 0's writes while vCPU 1 unmaps
 * them, and the read-back that ages again and checks each page.
 */
static void age_round(struct aging_run *run, int r, struct mode_times *m)
{
	bool lockless = m == &run->modes[0];
	bool all_fall_back;
	int young = 0, idle = 0, i;
	uint64_t c0, c1;
	double t0, t1;

	if (m != &run->modes[2])
		set_lockless(lockless);
	/*
	 * The first half keeps every check; the second, which zaps anyway,
	 * also zaps and reuses under the walks.  In the first half's odd
	 * rounds every range of the timed pass falls back and the read-back's
	 * walks are left to finish: pages 0 and 8, not written in those
	 * rounds, then hold Accessed SPTEs (vCPU 1's reads) that only the
	 * fallback ages.
	 */
	all_fall_back = run->inject_pct && lockless && r <= run->rounds / 2 && r % 2;
	if (run->inject_pct)
		inject(lockless ? (all_fall_back ? 100 : run->inject_pct) : 0,
		       r > run->rounds / 2 ?
		       FAULT_FOREIGN | FAULT_DELAY | FAULT_REUSE | FAULT_DROP :
		       FAULT_PASSES | (all_fall_back ? 0 : FAULT_FOREIGN));
	if (r == run->rounds / 2 + 1)
		start_second_half(run);

	/* vCPU 1 maps the written pages: 16 more SPTEs each. */
	WRITE_ONCE(gs->arm, r);
	wait_for(&gs->armed, r, "vCPU 1 did not map the written pages");

	c0 = READ_ONCE(gs->churns);
	t0 = now();
	for (i = 0; i < NPAGES; i++)
		mark_idle(run->idle_fd, run->pfn[i]);
	t1 = now();
	c1 = READ_ONCE(gs->churns);
	m->pass[m->n++] = t1 - t0;
	m->churns += c1 - c0;
	m->secs += t1 - t0;
	if (all_fall_back)
		inject(run->inject_pct, FAULT_FOREIGN);

	/* vCPU 1 drops those SPTEs while vCPU 0 writes and we age. */
	WRITE_ONCE(gs->disarm, r);
	WRITE_ONCE(gs->round, r);
	wait_for(&writer_done, r, "vCPU 0 did not write");

	for (i = 0; i < NPAGES; i++) {
		bool now_idle = is_idle(run->idle_fd, run->pfn[i]), want_idle;

		if (i < WRITTEN)
			want_idle = !written_in(r, i);
		else if (i < COLD_FIRST)
			continue;	/* churned: vCPU 1 reads them */
		else
			want_idle = true;
		/* Zaps make refaults prefetch unwritten pages. */
		if (want_idle && i < WRITTEN && run->zapping)
			continue;
		TEST_ASSERT(now_idle == want_idle,
			    "round %d (aging %s): %s page %d (pfn %#lx) reads %s",
			    r, m->name, i < WRITTEN ?
			    (want_idle ? "written-to-but-not-this-round" : "written") :
			    "cold", i, run->pfn[i], now_idle ? "idle" : "young");
		young += !now_idle;
		idle += now_idle;
	}
	wait_for(&gs->disarmed, r, "vCPU 1 did not unmap the written pages");
	if (r == 1)
		pr_info("round 1: %d pages young, %d idle\n", young, idle);
}

/* Stop the vCPUs and the zap thread; the rounds' figures. */
static void stop_and_report(struct aging_run *run)
{
	uint64_t churns;
	double t0;
	int i;

	if (run->inject_pct)
		inject(0, 0);
	churns = READ_ONCE(gs->churns);
	WRITE_ONCE(gs->stop, 1);
	WRITE_ONCE(gs->round, 0);
	pthread_join(run->threads[0], NULL);
	pthread_join(run->threads[1], NULL);
	if (zap_ms) {
		__atomic_store_n(&zap_stop, true, __ATOMIC_RELEASE);
		pthread_join(run->threads[2], NULL);
	}
	pr_info("rounds: %d, every page written young, every page aged and not written idle; vCPU 1 remapped %lu PTEs\n",
		run->rounds, churns);
	for (i = 0; i < 3; i++)
		report(&run->modes[i]);

	pr_info("shadow pages zapped while aging: %lu, in %lu zaps of every page\n",
		vm_get_stat(run->vm, "mmu_shadow_zapped"), zaps);
	/* Zap every shadow page: the slot goes. */
	t0 = now();
	vm_set_user_memory_region(run->vm, DATA_SLOT, 0, DATA_GPA, 0, NULL);
	pr_info("memslot deleted (every shadow page zapped) in %.1f us\n",
		(now() - t0) * 1e6);
}

/* KVM's lockless aging stats: walks ran, and injected races were handled. */
static void check_lockless_stats(struct aging_run *run)
{
	uint64_t walks, retries, fallbacks, max_passes, foreign, reused = 0;
	bool can_reuse = true;
	struct kvm_vm *vm = run->vm;

	walks = vm_get_stat(vm, "lockless_age_walks");
	fallbacks = vm_get_stat(vm, "lockless_age_fallbacks");
	/* CONFIG_KVM_PROVE_MMU's, in debugfs: ~0 where the kernel has none */
	retries = vm_debugfs_u64(vm, "lockless_age_retries");
	max_passes = vm_debugfs_u64(vm, "max_lockless_age_passes");
	foreign = vm_debugfs_u64(vm, "lockless_age_foreign");
	if (retries == ~0ULL) {
		/* a kernel without the walk's debugfs counters */
		pr_info("lockless aging: %lu rmap walks, %lu ranges fell back (no debugfs counters of the walk)\n",
			walks, fallbacks);
	} else {
		pr_info("lockless aging: %lu rmap walks, %lu extra passes, %lu ranges fell back, %lu foreign SPTEs refused, at most %lu passes\n",
			walks, retries, fallbacks, foreign, max_passes);
		pr_info("lockless aging per 1000 walks: %.2f extra passes, %.2f fallbacks, %.2f foreign SPTEs refused%s\n",
			walks ? retries * 1000.0 / walks : 0.0,
			walks ? fallbacks * 1000.0 / walks : 0.0,
			walks ? foreign * 1000.0 / walks : 0.0,
			run->inject_pct ? " (races injected)" : "");
	}
	if (vm_debugfs_u64(vm, "max_mmu_deferred_free_pages") != ~0ULL)
		pr_info("deferred shadow-page frees: at most %lu pages waiting\n",
			vm_debugfs_u64(vm, "max_mmu_deferred_free_pages"));
	/*
	 * The first half's rmaps: at least one per page and pass, walked or,
	 * where a race was injected, handed to the locked path.
	 */
	TEST_ASSERT(run->walks_half + run->fallbacks_half >=
		    (uint64_t)run->lockless_passes * NPAGES,
		    "%d lockless aging passes over %d pages, but only %lu rmap walks without mmu_lock and %lu fallbacks",
		    run->lockless_passes, NPAGES, run->walks_half, run->fallbacks_half);
	/*
	 * Every injected race reached the path that handles it.  A kernel
	 * that keeps freed nodes a grace period (SLUB_RCU_DEBUG) cannot reuse
	 * one under a walk: no extra pass is owed there.
	 */
	if (run->inject_pct) {
		reused = fail_lockless_age_read("reused");
		can_reuse = fail_lockless_age_read("can_reuse");
		pr_info("nodes reused under a walk: %lu%s\n", reused,
			can_reuse ? "" : " (this kernel keeps freed nodes a grace period)");
	}
	TEST_ASSERT(!run->inject_pct || ((retries || !can_reuse) && foreign && fallbacks),
		    "races injected, but %lu extra passes, %lu foreign SPTEs refused, %lu fallbacks",
		    retries, foreign, fallbacks);
	TEST_ASSERT(!run->inject_pct || !can_reuse || reused,
		    "races injected, but no node was reused under a walk");
}

int main(int argc, char *argv[])
{
	static struct aging_run run = {
		.modes = { { .name = "lockless" }, { .name = "locked" }, { .name = "stock" } },
	};
	int r;

	parse_args(&run, argc, argv);
	check_host(&run);
	build_vm(&run);
	start_vcpus(&run);
	if (run.inject_pct) {
		set_lockless(true);
		check_other_vm(run.vm, run.idle_fd, run.pagemap_fd, run.pfn);
	}

	for (r = 1; r <= run.rounds; r++)
		age_round(&run, r, round_mode(&run, r));

	stop_and_report(&run);
	if (run.has_param) {
		check_lockless_stats(&run);
		set_lockless(run.was_lockless);
	}
	kvm_vm_free(run.vm);
	munmap(run.data, NPAGES * PG_SIZE_4K);
	return 0;
}
