// SPDX-License-Identifier: GPL-2.0-only
/*
 * shadow_age_repoint_test: page aging without mmu_lock while the guest
 * repoints the PTEs that map the pages being aged, under shadow paging.
 *
 * An ager walking a page's rmap without mmu_lock may hold the pointer of
 * an SPTE that has just left that rmap.  If the guest repoints the PTE the
 * SPTE shadows, the slot is written again with an SPTE of another gfn; the
 * ager must tell that SPTE apart from the page's own (it checks the
 * translation the shadow page records for the slot), or it clears the
 * other page's Accessed bit and reports its own page young.
 *
 * The guest maps NR victim pages through PTEs of one page table and reads
 * them.  Then, for each PTE in turn: the host marks its victim idle
 * through /sys/kernel/mm/page_idle/bitmap and reads the victim's idle bit
 * back, which ages it; a millisecond into that aging call the guest points
 * the PTE at a page of its own elsewhere and writes through it.  The
 * fail_lockless_age fault attribute (CONFIG_KVM_PROVE_MMU,
 * CONFIG_FAULT_INJECTION_DEBUG_FS) makes the race certain: the ager waits
 * DELAY_US after taking the SPTE pointer from the victim's rmap before it
 * reads the SPTE (mode 0x2), and the vCPU waits DELAY_US between writing
 * the new SPTE and adding it to the other page's rmap (mode 0x40), so the
 * ager reads the new SPTE, Accessed set, while the rmaps still say nothing
 * of it.  The guest never touches a victim after its mark: a victim that
 * reads young is a wrong answer, and there must be none.  The SPTEs the
 * ager refused as another gfn's (lockless_age_foreign) show that the race
 * was met; there must be some.
 *
 * With -H, a huge SPTE split under the walk instead: the guest maps a
 * THP-backed 2 MiB page through one PDE and keeps switching that PDE
 * between the huge page and a page table of 512 PTEs over it, touching the
 * memory each time, while the host ages the huge page with the walk
 * waiting before and after its check of each SPTE and the SPTE it checked
 * dropped under mmu_lock in between (modes 0x2 and 0x10).  A drop may take
 * only a leaf of the walk's rmap out of it: a huge SPTE that became a
 * page-table pointer meanwhile is not in that rmap, and dropping it
 * corrupts the rmaps (KVM_BUG_ON_DATA_CORRUPTION).  The host ages until
 * the injection met SPLIT_RACES such SPTEs and refused them (drops_refused),
 * or for SPLIT_SECONDS: a run counts races, not seconds, so a slow host
 * meets as many as a fast one.  It asserts that there was at least one.
 *
 * Needs shadow paging (kvm_amd.npt=0 or kvm_intel.ept=0), root, the
 * page_idle bitmap, kvm.lockless_aging and the fault attribute; -H needs
 * transparent huge pages.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "fail_lockless_age.h"
#include "page_aging.h"

#define DATA_SLOT	10
#define DATA_GPA	0x10000000ULL
#define NR		16		/* victims; their new pages follow */
#define GVA_BASE	0x40000000ULL	/* the victims' 2 MiB region */
#define TABLE_ALIAS_GVA	0x20000000ULL	/* where the guest writes its table */
#define DEFAULT_ROUNDS	4
#define DELAY_US	10000		/* the injected waits */
#define ACK_DELAY_US	1000		/* into the aging call, the repoint */

/* Shared with the guest through its own image. */
static struct {
	uint64_t at;	/* guest: ready to repoint PTE at - 1 */
	uint64_t ack;	/* host: the ager is in victim ack - 1's aging call */
} shared;

static typeof(shared) *gs;

/* Host: the last sync the guest reached, and the sync it may pass. */
static uint64_t guest_at, host_go;

/* Host: the PTE whose victim the ager last started to age, + 1. */
static uint64_t aging;
static bool acker_stop;

static uint64_t gva(int i)
{
	return GVA_BASE + i * PG_SIZE_4K;
}

static uint64_t victim_gpa(int i)
{
	return DATA_GPA + i * PG_SIZE_4K;
}

static uint64_t new_gpa(int i)
{
	return DATA_GPA + (NR + i) * PG_SIZE_4K;
}

static void repoint(uint64_t *table, uint64_t flags, int i, uint64_t gpa)
{
	WRITE_ONCE(table[i], flags | gpa);
	__asm__ __volatile__("invlpg (%0)" : : "r"(gva(i)) : "memory");
}

static void guest_code(void)
{
	uint64_t *table = (uint64_t *)TABLE_ALIAS_GVA;
	uint64_t flags = table[0] & ~PHYSICAL_PAGE_MASK;
	uint64_t round;
	int i;

	for (round = 1;; round++) {
		/* Every PTE at its victim, read: an SPTE in each victim's rmap. */
		for (i = 0; i < NR; i++) {
			repoint(table, flags, i, victim_gpa(i));
			READ_ONCE(*(uint64_t *)gva(i));
		}
		GUEST_SYNC(2 * round - 1);
		/* Each PTE moved to its new page while the ager is on its victim. */
		for (i = 0; i < NR; i++) {
			WRITE_ONCE(shared.at, i + 1);
			while (READ_ONCE(shared.ack) != i + 1)
				cpu_relax();
			repoint(table, flags, i, new_gpa(i));
			WRITE_ONCE(*(uint64_t *)gva(i), round);
		}
		WRITE_ONCE(shared.at, 0);
		GUEST_SYNC(2 * round);
	}
}

/* The vCPU, marked for the fault attribute (its SPTE_SET waits). */
static void *vcpu_thread(void *arg)
{
	struct kvm_vcpu *vcpu = arg;
	struct ucall uc;

	fail_lockless_age_this_thread(true);
	for (;;) {
		vcpu_run(vcpu);
		TEST_ASSERT_KVM_EXIT_REASON(vcpu, KVM_EXIT_IO);
		switch (get_ucall(vcpu, &uc)) {
		case UCALL_SYNC:
			__atomic_store_n(&guest_at, uc.args[1], __ATOMIC_RELEASE);
			while (__atomic_load_n(&host_go, __ATOMIC_ACQUIRE) < uc.args[1])
				usleep(100);
			if (uc.args[1] == UINT64_MAX)
				return NULL;
			continue;
		case UCALL_ABORT:
			REPORT_GUEST_ASSERT(uc);
		default:
			TEST_FAIL("unexpected ucall %lu", uc.cmd);
		}
	}
}

/*
 * A millisecond into each aging call the ager announces, let the guest
 * repoint: the ager has taken the SPTE pointer by then and waits.
 */
static void *acker_thread(void *arg)
{
	uint64_t seen = 0, at;

	while (!__atomic_load_n(&acker_stop, __ATOMIC_ACQUIRE)) {
		at = __atomic_load_n(&aging, __ATOMIC_ACQUIRE);
		if (at == seen) {
			usleep(50);
			continue;
		}
		usleep(ACK_DELAY_US);
		WRITE_ONCE(gs->ack, at);
		seen = at;
	}
	return NULL;
}

static void wait_guest(uint64_t want)
{
	double t0 = now();

	while (__atomic_load_n(&guest_at, __ATOMIC_ACQUIRE) != want)
		TEST_ASSERT(now() - t0 < 120, "the guest never reached sync %lu", want);
}

static void wait_at(uint64_t want)
{
	double t0 = now();

	while (READ_ONCE(gs->at) != want)
		TEST_ASSERT(now() - t0 < 60, "the guest never got to PTE %lu", want - 1);
}

static void help(const char *name)
{
	printf("usage: %s [-r rounds] [-H]\n", name);
	exit(KSFT_SKIP);
}

#define HUGE_SLOT	11
#define HUGE_GPA	0x80000000ULL	/* 2 MiB, THP-backed */
#define HUGE_GVA	0x80000000ULL
#define PD_ALIAS_GVA	0x30000000ULL	/* where the guest writes its PD */
#define SPLIT_DELAY_US	2000
#define SPLIT_RACES	8	/* splits under the walk to meet, ... */
#define SPLIT_SECONDS	30	/* ... for at most this long */

/* -H: shared with the guest through its own image. */
static struct {
	uint64_t pde_huge, pde_table;	/* host: the PDE's two values */
	uint64_t pd_index;		/* host: its index in the PD */
	uint64_t stop;			/* host: end */
	uint64_t flips;			/* guest: PDE changes made */
} split;

static typeof(split) *gsplit;

/*
 * Switch the PDE between the huge page and the table, touching the first
 * page each time: one huge SPTE or one 4 KiB SPTE (aging waits at every
 * SPTE it visits, so more 4 KiB ones would only slow it down).
 */
static void guest_split(void)
{
	uint64_t *pd = (uint64_t *)PD_ALIAS_GVA;
	uint64_t i, cr3 = get_cr3();

	for (i = 0; !READ_ONCE(split.stop); i++) {
		WRITE_ONCE(pd[split.pd_index],
			   i % 2 ? split.pde_table : split.pde_huge);
		__asm__ __volatile__("mov %0, %%cr3" : : "r"(cr3) : "memory");
		READ_ONCE(*(uint64_t *)HUGE_GVA);
		WRITE_ONCE(split.flips, i + 1);
	}
	GUEST_DONE();
}

static void *split_vcpu_thread(void *arg)
{
	struct kvm_vcpu *vcpu = arg;
	struct ucall uc;

	vcpu_run(vcpu);
	TEST_ASSERT_KVM_EXIT_REASON(vcpu, KVM_EXIT_IO);
	if (get_ucall(vcpu, &uc) == UCALL_ABORT)
		REPORT_GUEST_ASSERT(uc);
	TEST_ASSERT(uc.cmd == UCALL_DONE, "guest: unexpected ucall %lu", uc.cmd);
	return NULL;
}

/* -H: age a huge page whose SPTE the guest keeps splitting and remaking. */
static void run_split(int idle_fd, int pagemap_fd)
{
	uint64_t *pde, *pt, pfn, refused, dropped;
	double t0, secs;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	uint8_t *mem;
	pthread_t vt;
	int level, i;

	mem = mmap_2m_aligned(PG_SIZE_2M);
	TEST_ASSERT(!madvise(mem, PG_SIZE_2M, MADV_HUGEPAGE), "madvise");
	memset(mem, 1, PG_SIZE_2M);
	pfn = pfn_of(pagemap_fd, mem);
	__TEST_REQUIRE(pfn % 512 == 0 && pfn_of(pagemap_fd, mem + PG_SIZE_4K) == pfn + 1,
		       "-H: the 2 MiB page is not a THP (no THP available?)");

	vm = vm_create_with_one_vcpu(&vcpu, guest_split);
	vm_set_user_memory_region(vm, HUGE_SLOT, 0, HUGE_GPA, PG_SIZE_2M, mem);
	/* The library builds the levels and a table; the table maps it all. */
	virt_pg_map(vm, HUGE_GVA, HUGE_GPA);
	level = PG_LEVEL_2M;
	pde = __vm_get_page_table_entry(vm, HUGE_GVA, &level);
	pt = addr_gpa2hva(vm, PTE_GET_PA(*pde));
	for (i = 1; i < 512; i++)
		pt[i] = (pt[0] & ~PHYSICAL_PAGE_MASK) | (HUGE_GPA + i * PG_SIZE_4K);
	split.pde_table = *pde;
	split.pde_huge = PTE_PRESENT_MASK | PTE_WRITABLE_MASK | PTE_ACCESSED_MASK |
			 PTE_DIRTY_MASK | PTE_LARGE_MASK | HUGE_GPA;
	split.pd_index = ((uintptr_t)pde & (PG_SIZE_4K - 1)) / 8;
	virt_pg_map(vm, PD_ALIAS_GVA,
		    addr_hva2gpa(vm, pde) & ~(uint64_t)(PG_SIZE_4K - 1));
	sync_global_to_guest(vm, split);
	gsplit = addr_gva2hva(vm, (vm_vaddr_t)&split);

	refused = fail_lockless_age_read("drops_refused");
	dropped = fail_lockless_age_read("dropped");
	pthread_create(&vt, NULL, split_vcpu_thread, vcpu);
	fail_lockless_age_set(100, FAULT_DELAY | FAULT_DROP, SPLIT_DELAY_US);
	fail_lockless_age_this_thread(true);
	for (t0 = now(); now() - t0 < SPLIT_SECONDS;) {
		mark_idle(idle_fd, pfn);
		if (fail_lockless_age_read("drops_refused") - refused >= SPLIT_RACES)
			break;
	}
	secs = now() - t0;
	fail_lockless_age_this_thread(false);
	fail_lockless_age_set(0, 0, SPLIT_DELAY_US);
	WRITE_ONCE(gsplit->stop, 1);
	pthread_join(vt, NULL);
	refused = fail_lockless_age_read("drops_refused") - refused;
	dropped = fail_lockless_age_read("dropped") - dropped;
	pr_info("-H: %lu PDE switches in %.1f s; SPTEs dropped under the walk %lu, drops refused because the SPTE was no longer a leaf of the walk's rmap %lu\n",
		READ_ONCE(gsplit->flips), secs, dropped, refused);
	TEST_ASSERT(READ_ONCE(gsplit->flips) > 2, "the guest did not switch its PDE");
	TEST_ASSERT(refused,
		    "no drop met an SPTE split under the walk: the race was not met");
	kvm_vm_free(vm);
}

int main(int argc, char *argv[])
{
	uint64_t *pd, *pte, pd_gpa, table_gpa, *table, pfn[NR];
	uint64_t foreign, walks, wrong = 0;
	int rounds = DEFAULT_ROUNDS, idle_fd, pagemap_fd, level, opt, r, i;
	bool huge = false;
	struct kvm_vcpu *vcpu;
	pthread_t vt, at;
	struct kvm_vm *vm;
	bool was_lockless;
	uint8_t *data;

	while ((opt = getopt(argc, argv, "hr:H")) != -1) {
		if (opt == 'H')
			huge = true;
		else if (opt == 'r')
			rounds = atoi_positive("Rounds", optarg);
		else
			help(argv[0]);
	}

	TEST_REQUIRE(!kvm_is_tdp_enabled());
	idle_fd = open("/sys/kernel/mm/page_idle/bitmap", O_RDWR);
	__TEST_REQUIRE(idle_fd >= 0, "no page_idle bitmap (CONFIG_IDLE_PAGE_TRACKING)");
	pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
	TEST_ASSERT(pagemap_fd >= 0, "opening /proc/self/pagemap failed");
	__TEST_REQUIRE(access(LOCKLESS_PARAM, W_OK) == 0, "no " LOCKLESS_PARAM);
	__TEST_REQUIRE(fail_lockless_age_present(),
		       "no " FAIL_ATTR " (KVM_PROVE_MMU, FAULT_INJECTION_DEBUG_FS)");
	was_lockless = read_lockless();
	set_lockless(true);
	if (huge) {
		run_split(idle_fd, pagemap_fd);
		set_lockless(was_lockless);
		return 0;
	}

	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	data = mmap(NULL, 2 * NR * PG_SIZE_4K, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(data != MAP_FAILED, "mmap of the data pages failed");
	madvise(data, 2 * NR * PG_SIZE_4K, MADV_NOHUGEPAGE);
	for (i = 0; i < 2 * NR; i++)
		data[i * PG_SIZE_4K] = i;
	vm_set_user_memory_region(vm, DATA_SLOT, 0, DATA_GPA,
				  2 * NR * PG_SIZE_4K, data);
	for (i = 0; i < NR; i++)
		pfn[i] = pfn_of(pagemap_fd, data + i * PG_SIZE_4K);

	/* The library builds the upper levels; the region gets a table of ours. */
	virt_pg_map(vm, GVA_BASE, DATA_GPA);
	level = PG_LEVEL_1G;
	pte = __vm_get_page_table_entry(vm, GVA_BASE, &level);
	pd_gpa = PTE_GET_PA(*pte);
	pd = addr_gpa2hva(vm, pd_gpa);
	table_gpa = vm_alloc_page_table(vm);
	table = addr_gpa2hva(vm, table_gpa);
	for (i = 0; i < NR; i++)
		table[i] = PTE_PRESENT_MASK | PTE_WRITABLE_MASK |
			   PTE_ACCESSED_MASK | PTE_DIRTY_MASK | victim_gpa(i);
	pd[0] = PTE_PRESENT_MASK | PTE_WRITABLE_MASK | PTE_ACCESSED_MASK |
		table_gpa;
	virt_pg_map(vm, TABLE_ALIAS_GVA, table_gpa);
	sync_global_to_guest(vm, shared);
	gs = addr_gva2hva(vm, (vm_vaddr_t)&shared);

	fail_lockless_age_set(0, 0, DELAY_US);
	pthread_create(&vt, NULL, vcpu_thread, vcpu);
	pthread_create(&at, NULL, acker_thread, NULL);
	foreign = vm_debugfs_u64(vm, "lockless_age_foreign");
	walks = vm_get_stat(vm, "lockless_age_walks");

	for (r = 1; r <= rounds; r++) {
		wait_guest(2 * r - 1);
		/* The victims young again (read by the guest) before the marks. */
		for (i = 0; i < NR; i++)
			is_idle(idle_fd, pfn[i]);
		fail_lockless_age_set(100, FAULT_DELAY | FAULT_SPTE_SET, DELAY_US);
		fail_lockless_age_this_thread(true);
		__atomic_store_n(&host_go, 2 * r - 1, __ATOMIC_RELEASE);
		for (i = 0; i < NR; i++) {
			wait_at(i + 1);
			mark_idle(idle_fd, pfn[i]);
			/* A page in a per-CPU LRU batch cannot take the mark. */
			if (!is_idle(idle_fd, pfn[i]))
				mark_all_idle(idle_fd, &pfn[i], 1, 0);
			__atomic_store_n(&aging, i + 1, __ATOMIC_RELEASE);
			/* The aging call the guest repoints under. */
			is_idle(idle_fd, pfn[i]);
			/* The acker lets the guest go once per call. */
			while (READ_ONCE(gs->ack) != (uint64_t)i + 1)
				usleep(100);
		}
		wait_guest(2 * r);
		fail_lockless_age_this_thread(false);
		fail_lockless_age_set(0, 0, DELAY_US);
		/* No victim was touched after its mark. */
		for (i = 0; i < NR; i++)
			if (!is_idle(idle_fd, pfn[i])) {
				pr_info("round %d: victim %d (pfn %#lx) reads young, never touched after its mark\n",
					r, i, pfn[i]);
				wrong++;
			}
		if (r < rounds)
			__atomic_store_n(&host_go, 2 * r, __ATOMIC_RELEASE);
	}
	foreign = vm_debugfs_u64(vm, "lockless_age_foreign") - foreign;
	walks = vm_get_stat(vm, "lockless_age_walks") - walks;
	pr_info("%d rounds of %d repoints under aging: %lu wrong answers, %lu SPTEs refused as another gfn's, %lu lockless rmap walks\n",
		rounds, NR, wrong, foreign, walks);

	__atomic_store_n(&acker_stop, true, __ATOMIC_RELEASE);
	pthread_join(at, NULL);
	set_lockless(was_lockless);
	TEST_ASSERT(!wrong,
		    "%lu victims read young: aging took a repointed SPTE of another gfn for theirs",
		    wrong);
	TEST_ASSERT(foreign,
		    "no SPTE was refused as another gfn's: the race was not met (%lu walks)",
		    walks);
	/* The vCPU thread waits at the last sync: no vCPU runs any more. */
	pthread_cancel(vt);
	pthread_join(vt, NULL);
	kvm_vm_free(vm);
	munmap(data, 2 * NR * PG_SIZE_4K);
	return 0;
}
