// SPDX-License-Identifier: GPL-2.0-only
/*
 * shadow_rmap_test: long rmaps and long parent_ptes under shadow paging.
 *
 * The guest maps one data page from about a thousand GVAs and points 512
 * page directory entries at two shared page tables, so that, when KVM
 * shadows the guest's page tables, the data page's rmap holds hundreds of
 * SPTEs and each shared table's shadow page has hundreds of parent_ptes.
 * Then, over those lists:
 *
 *  - dirty logging write-protects through the rmap: after every
 *    KVM_GET_DIRTY_LOG (and, with manual protection, KVM_CLEAR_DIRTY_LOG) the
 *    guest writes through one SPTE, and the page must be reported dirty
 *    again; an SPTE that the rmap walk missed stays writable and the write
 *    goes unreported;
 *  - deleting the memslot zaps every shadow page; the slot comes back with
 *    new memory, and every GVA must read the new memory, not the old;
 *  - the guest rewrites page directory entries, moving parent_ptes from one
 *    shadow page to the other, and every region must then read through its
 *    new table;
 *  - the guest rewrites table 1's last PTEs to map page 0: the table's
 *    shadow page goes unsync, which marks its 256 parent_ptes, and page 0's
 *    rmap crosses RMAP_RECYCLE_THRESHOLD, which zaps it whole; every region
 *    must then read page 0 there;
 *  - the host drops the data pages (MADV_DONTNEED), so the mmu notifier
 *    zaps both rmaps whole, and writes new contents: every SPTE must then
 *    read them, none the freed pages.
 *
 * The shadow MMU builds these lists only under shadow paging
 * (kvm_amd.npt=0 or kvm_intel.ept=0): with TDP the test skips.  For
 * comparisons between kernels it times rounds of turning dirty logging on
 * and off with the vCPU stopped, each a walk of both rmaps and no VM exit,
 * and the write-protection phase, whose rounds each take VM exits too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"

#define DATA_SLOT	10
#define DATA_GPA	0x10000000ULL
#define DATA_PAGES	2

/* 512 regions of 2 MiB from 1 GiB: one guest page directory. */
#define GVA_BASE	0x40000000ULL
#define NR_REGIONS	512
#define NR_TABLES	2
#define PTRS		512
/*
 * Table 1 maps page 1 from this index on, so that page 0's rmap stays
 * below RMAP_RECYCLE_THRESHOLD (1000): 512 + 448 SPTEs.
 */
#define SPLIT_INDEX	448
/* Where the guest sees its own page directory, and table 1. */
#define PD_ALIAS_GVA	0x20000000ULL
#define TABLE1_ALIAS_GVA 0x20001000ULL
/* RMAP_RECYCLE_THRESHOLD in arch/x86/kvm/mmu/mmu.c */
#define RECYCLE_THRESHOLD 1000

#define PROBE_INDEX	500
#define TOKEN(t)	(0x70c0000000000000ULL | (t))
#define MARK(page)	(0x5a5a000000000000ULL | ((uint64_t)(page) << 32))
#define NEW_MARK(page)	(0xa5a5000000000000ULL | ((uint64_t)(page) << 32))
#define LAST_MARK(page)	(0x3c3c000000000000ULL | ((uint64_t)(page) << 32))

enum {
	STAGE_BUILT = 1,
	STAGE_WROTE,
	STAGE_PROTECT_DONE,
	STAGE_WROTE_MANUAL,
	STAGE_MANUAL_DONE,
	STAGE_SLOT_REPLACED,
	STAGE_REMAPPED,
	STAGE_TABLE_WRITTEN,
	STAGE_RECYCLED,
	STAGE_UNMAPPED,
};

/* Rounds of the manual-protection phase; the first phase writes every SPTE. */
#define MANUAL_ROUNDS	64
/* Rounds of the timed rmap walk, which runs no guest code. */
#define WALK_ROUNDS	2000

static uint64_t gva(int region, int index)
{
	return GVA_BASE + region * PG_SIZE_2M + index * PG_SIZE_4K;
}

/* Which table region @region's directory entry points at, initially. */
static int table_of(int region)
{
	return region % NR_TABLES;
}

static int page_of(int table, int index)
{
	return table == 1 && index >= SPLIT_INDEX;
}

/* The same, once the guest has pointed table 1's last PTEs at page 0. */
static int page_of_rewired(int table, int index)
{
	return 0;
}

/* Which table @region's directory entry points at after STAGE_REMAPPED. */
static int table_of_remapped(int region)
{
	return region % 3 ? table_of(region) : 1 - table_of(region);
}

/* The SPTE that round @t writes through, numbered over both tables. */
static void round_target(int t, int *table, int *index)
{
	*table = t / PTRS;
	*index = t % PTRS;
}

static uint64_t *slot_word(int region, int index, int word)
{
	return (uint64_t *)(gva(region, index) + word * sizeof(uint64_t));
}

static void guest_write_round(int t)
{
	int table, index, alias;

	round_target(t, &table, &index);
	/* A region of this table other than the one that filled it. */
	alias = table + NR_TABLES * (1 + t % (NR_REGIONS / NR_TABLES - 1));
	WRITE_ONCE(*slot_word(table, index, 1 + t % 500), TOKEN(t));
	/* The same SPTE, reached through another directory entry. */
	GUEST_ASSERT_EQ(READ_ONCE(*slot_word(alias, index, 1 + t % 500)),
			TOKEN(t));
}

static void guest_code(uint64_t table_gpa0, uint64_t table_gpa1)
{
	uint64_t table_gpa[NR_TABLES] = { table_gpa0, table_gpa1 };
	uint64_t *pd = (uint64_t *)PD_ALIAS_GVA;
	uint64_t *table1 = (uint64_t *)TABLE1_ALIAS_GVA;
	int r, i, t, table, page;

	/* Link every directory entry: parent_ptes of the two tables grow. */
	for (r = 0; r < NR_REGIONS; r++)
		GUEST_ASSERT_EQ(READ_ONCE(*slot_word(r, 0, 0)), MARK(0));
	/* Map every PTE of both tables: the data pages' rmaps grow. */
	for (table = 0; table < NR_TABLES; table++)
		for (i = 0; i < PTRS; i++)
			GUEST_ASSERT_EQ(READ_ONCE(*slot_word(table, i, 0)),
					MARK(page_of(table, i)));
	GUEST_SYNC(STAGE_BUILT);

	/* Host turned dirty logging on: write through every SPTE in turn. */
	for (t = 0; t < NR_TABLES * PTRS; t++) {
		guest_write_round(t);
		GUEST_SYNC(STAGE_WROTE);
	}
	GUEST_SYNC(STAGE_PROTECT_DONE);

	/* Host turned manual protection on. */
	for (t = 0; t < MANUAL_ROUNDS; t++) {
		guest_write_round(t * 15 % (NR_TABLES * PTRS));
		GUEST_SYNC(STAGE_WROTE_MANUAL);
	}
	GUEST_SYNC(STAGE_MANUAL_DONE);

	/* Host replaced the slot's memory: nothing may read the old. */
	for (r = 0; r < NR_REGIONS; r++)
		GUEST_ASSERT_EQ(READ_ONCE(*slot_word(r, PROBE_INDEX, 0)),
				NEW_MARK(page_of(table_of(r), PROBE_INDEX)));
	for (table = 0; table < NR_TABLES; table++)
		for (i = 0; i < PTRS; i++)
			GUEST_ASSERT_EQ(READ_ONCE(*slot_word(table, i, 0)),
					NEW_MARK(page_of(table, i)));
	GUEST_SYNC(STAGE_SLOT_REPLACED);

	/* Move every third region to the other table. */
	for (r = 0; r < NR_REGIONS; r += 3) {
		table = 1 - table_of(r);
		WRITE_ONCE(pd[r], (pd[r] & ~PHYSICAL_PAGE_MASK) |
				  (table_gpa[table] & PHYSICAL_PAGE_MASK));
	}
	__asm__ __volatile__("mov %0, %%cr3" : : "r"(get_cr3()) : "memory");
	for (r = 0; r < NR_REGIONS; r++) {
		table = table_of_remapped(r);
		page = page_of(table, PROBE_INDEX);
		GUEST_ASSERT_EQ(READ_ONCE(*slot_word(r, PROBE_INDEX, 0)),
				NEW_MARK(page));
	}
	GUEST_SYNC(STAGE_REMAPPED);

	/*
	 * Point table 1's last PTEs at page 0.  The table is shadowed: the
	 * write makes its shadow page unsync, and KVM marks all its parents.
	 */
	for (i = SPLIT_INDEX; i < PTRS; i++)
		WRITE_ONCE(table1[i], (table1[i] & ~PHYSICAL_PAGE_MASK) |
				      (DATA_GPA & PHYSICAL_PAGE_MASK));
	GUEST_SYNC(STAGE_TABLE_WRITTEN);
	/* The sync reaches the table only through the marked parents. */
	__asm__ __volatile__("mov %0, %%cr3" : : "r"(get_cr3()) : "memory");
	/* Region 1 points at table 1: page 0's rmap grows past 1000. */
	for (i = SPLIT_INDEX; i < PTRS; i++)
		GUEST_ASSERT_EQ(READ_ONCE(*slot_word(1, i, 0)), NEW_MARK(0));
	for (r = 0; r < NR_REGIONS; r++)
		if (table_of_remapped(r) == 1)
			GUEST_ASSERT_EQ(READ_ONCE(*slot_word(r, PTRS - 1, 0)),
					NEW_MARK(page_of_rewired(1, PTRS - 1)));
	GUEST_SYNC(STAGE_RECYCLED);

	/* Host dropped the data pages and wrote new ones: read every SPTE. */
	for (table = 0; table < NR_TABLES; table++)
		for (i = 0; i < PTRS; i++)
			GUEST_ASSERT_EQ(READ_ONCE(*slot_word(table == 1 ? 1 : 2, i, 0)),
					LAST_MARK(page_of_rewired(table, i)));
	for (r = 0; r < NR_REGIONS; r++)
		GUEST_ASSERT_EQ(READ_ONCE(*slot_word(r, PROBE_INDEX, 0)),
				LAST_MARK(0));
	GUEST_SYNC(STAGE_UNMAPPED);
	GUEST_DONE();
}

static void *data_alloc(uint64_t (*mark)(int page))
{
	size_t size = DATA_PAGES * PG_SIZE_4K;
	uint64_t *p;
	int page;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	TEST_ASSERT(p != MAP_FAILED, "mmap of the data pages failed");
	memset(p, 0, size);
	for (page = 0; page < DATA_PAGES; page++)
		p[page * PG_SIZE_4K / sizeof(uint64_t)] = mark(page);
	return p;
}

static uint64_t mark_old(int page)
{
	return MARK(page);
}

static uint64_t mark_new(int page)
{
	return NEW_MARK(page);
}

/* Run the guest to its next ucall, which must be @cmd (at @stage). */
static void expect_ucall(struct kvm_vcpu *vcpu, uint64_t cmd, uint64_t stage)
{
	struct ucall uc;
	uint64_t got;

	vcpu_run(vcpu);
	TEST_ASSERT_KVM_EXIT_REASON(vcpu, KVM_EXIT_IO);
	got = get_ucall(vcpu, &uc);
	if (got == UCALL_ABORT)
		REPORT_GUEST_ASSERT(uc);
	TEST_ASSERT(got == cmd, "expected ucall %lu, got %lu", cmd, got);
	if (cmd == UCALL_SYNC)
		TEST_ASSERT(uc.args[1] == stage,
			    "expected stage %lu, guest is at %lu",
			    stage, uc.args[1]);
}

/* Print KVM's rmap histogram from debugfs, if debugfs is mounted. */
static void print_rmaps_stat(struct kvm_vm *vm)
{
	char path[96], line[256];
	FILE *f;

	snprintf(path, sizeof(path),
		 "/sys/kernel/debug/kvm/%d-%d/mmu_rmaps_stat", getpid(), vm->fd);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		pr_info("mmu_rmaps_stat: %s", line);
	fclose(f);
}

static void expect_sync(struct kvm_vcpu *vcpu, uint64_t stage)
{
	expect_ucall(vcpu, UCALL_SYNC, stage);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void check_round(struct kvm_vm *vm, uint64_t *data, uint64_t *bitmap,
			int t, bool manual)
{
	int table, index, page, word = 1 + t % 500;

	round_target(t, &table, &index);
	page = page_of(table, index);
	memset(bitmap, 0, sizeof(*bitmap));
	kvm_vm_get_dirty_log(vm, DATA_SLOT, bitmap);
	TEST_ASSERT(*bitmap & (1ULL << page),
		    "round %d: write through table %d index %d not logged (dirty bitmap %#lx)",
		    t, table, index, *bitmap);
	TEST_ASSERT(data[page * PG_SIZE_4K / 8 + word] == TOKEN(t),
		    "round %d: host sees %#lx, expected %#llx", t,
		    data[page * PG_SIZE_4K / 8 + word], TOKEN(t));
	if (manual)
		kvm_vm_clear_dirty_log(vm, DATA_SLOT, bitmap, 0, DATA_PAGES);
}

int main(int argc, char *argv[])
{
	uint64_t table_gpa[NR_TABLES], pd_gpa, *pte, *pd, *table;
	struct kvm_vcpu *vcpu;
	uint64_t *data, *new_data, bitmap, max_rmap, unsync;
	struct kvm_vm *vm;
	int level, r, i, t;
	double t0, t_protect, t_walk;

	/* With TDP the shadow MMU keeps no such lists: nothing to test. */
	TEST_REQUIRE(!kvm_is_tdp_enabled());

	vm = vm_create_with_one_vcpu(&vcpu, guest_code);

	data = data_alloc(mark_old);
	vm_set_user_memory_region(vm, DATA_SLOT, 0, DATA_GPA,
				  DATA_PAGES * PG_SIZE_4K, data);

	/* Let the library build the upper levels, then share two tables. */
	virt_pg_map(vm, GVA_BASE, DATA_GPA);
	level = PG_LEVEL_1G;
	pte = __vm_get_page_table_entry(vm, GVA_BASE, &level);
	pd_gpa = PTE_GET_PA(*pte);
	pd = addr_gpa2hva(vm, pd_gpa);
	for (t = 0; t < NR_TABLES; t++) {
		table_gpa[t] = vm_alloc_page_table(vm);
		table = addr_gpa2hva(vm, table_gpa[t]);
		for (i = 0; i < PTRS; i++)
			table[i] = PTE_PRESENT_MASK | PTE_WRITABLE_MASK |
				   PTE_ACCESSED_MASK | PTE_DIRTY_MASK |
				   (DATA_GPA + page_of(t, i) * PG_SIZE_4K);
	}
	for (r = 0; r < NR_REGIONS; r++)
		pd[r] = PTE_PRESENT_MASK | PTE_WRITABLE_MASK | PTE_ACCESSED_MASK |
			table_gpa[table_of(r)];
	virt_pg_map(vm, PD_ALIAS_GVA, pd_gpa);
	virt_pg_map(vm, TABLE1_ALIAS_GVA, table_gpa[1]);
	vcpu_args_set(vcpu, 2, table_gpa[0], table_gpa[1]);

	expect_sync(vcpu, STAGE_BUILT);
	pr_info("built: %d SPTEs map page 0 and %d page 1; %d parent_ptes on each of %d tables\n",
		PTRS + SPLIT_INDEX, PTRS - SPLIT_INDEX,
		NR_REGIONS / NR_TABLES, NR_TABLES);
	/* The count before the last add: page 0's rmap reached 960. */
	max_rmap = vm_get_stat(vm, "max_mmu_rmap_size");
	pr_info("max_mmu_rmap_size: %lu\n", max_rmap);
	TEST_ASSERT(max_rmap >= PTRS + SPLIT_INDEX - 1,
		    "the longest rmap held %lu SPTEs, expected %d",
		    max_rmap + 1, PTRS + SPLIT_INDEX);
	print_rmaps_stat(vm);

	/*
	 * The rmap walk alone, with the vCPU stopped: turning dirty logging
	 * on write-protects every SPTE of the slot through its rmaps, and
	 * turning it off walks them again for SPTEs that could be huge.
	 */
	t0 = now();
	for (t = 0; t < WALK_ROUNDS; t++) {
		vm_set_user_memory_region(vm, DATA_SLOT, KVM_MEM_LOG_DIRTY_PAGES,
					  DATA_GPA, DATA_PAGES * PG_SIZE_4K, data);
		vm_set_user_memory_region(vm, DATA_SLOT, 0, DATA_GPA,
					  DATA_PAGES * PG_SIZE_4K, data);
	}
	t_walk = now() - t0;
	pr_info("rmap walk rounds: %d in %.3f s (%.1f us each, dirty logging on and off over %d SPTEs)\n",
		WALK_ROUNDS, t_walk, t_walk * 1e6 / WALK_ROUNDS,
		NR_TABLES * PTRS);

	/* Write-protect every SPTE of the slot through the rmaps. */
	t0 = now();
	vm_set_user_memory_region(vm, DATA_SLOT, KVM_MEM_LOG_DIRTY_PAGES,
				  DATA_GPA, DATA_PAGES * PG_SIZE_4K, data);
	kvm_vm_get_dirty_log(vm, DATA_SLOT, &bitmap);
	for (t = 0; t < NR_TABLES * PTRS; t++) {
		expect_sync(vcpu, STAGE_WROTE);
		check_round(vm, data, &bitmap, t, false);
	}
	t_protect = now() - t0;
	expect_sync(vcpu, STAGE_PROTECT_DONE);
	pr_info("write-protect rounds: %d in %.3f s (%.1f us each)\n",
		NR_TABLES * PTRS, t_protect,
		t_protect * 1e6 / (NR_TABLES * PTRS));

	vm_enable_cap(vm, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
		      KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE);
	kvm_vm_get_dirty_log(vm, DATA_SLOT, &bitmap);
	kvm_vm_clear_dirty_log(vm, DATA_SLOT, &bitmap, 0, DATA_PAGES);
	for (t = 0; t < MANUAL_ROUNDS; t++) {
		expect_sync(vcpu, STAGE_WROTE_MANUAL);
		check_round(vm, data, &bitmap, t * 15 % (NR_TABLES * PTRS), true);
	}
	expect_sync(vcpu, STAGE_MANUAL_DONE);
	pr_info("clear-dirty-log rounds: %d\n", MANUAL_ROUNDS);

	/* Delete the slot (zapping every shadow page), bring it back anew. */
	vm_set_user_memory_region(vm, DATA_SLOT, 0, DATA_GPA, 0, NULL);
	new_data = data_alloc(mark_new);
	vm_set_user_memory_region(vm, DATA_SLOT, 0, DATA_GPA,
				  DATA_PAGES * PG_SIZE_4K, new_data);
	expect_sync(vcpu, STAGE_SLOT_REPLACED);
	pr_info("slot deleted and replaced: every GVA reads the new memory\n");

	expect_sync(vcpu, STAGE_REMAPPED);
	pr_info("directory entries moved between tables: every region reads through its new table\n");

	expect_sync(vcpu, STAGE_TABLE_WRITTEN);
	unsync = vm_get_stat(vm, "mmu_unsync");
	TEST_ASSERT(unsync >= 1, "the guest wrote a shadowed table, but no shadow page is unsync");
	expect_sync(vcpu, STAGE_RECYCLED);
	max_rmap = vm_get_stat(vm, "max_mmu_rmap_size");
	pr_info("table 1 rewritten: %lu unsync shadow page(s); page 0's rmap reached %lu (recycled past %d)\n",
		unsync, max_rmap + 1, RECYCLE_THRESHOLD);
	TEST_ASSERT(max_rmap > RECYCLE_THRESHOLD,
		    "page 0's rmap held at most %lu SPTEs, not past %d",
		    max_rmap + 1, RECYCLE_THRESHOLD);

	/* The mmu notifier zaps both rmaps whole; new pages come in. */
	TEST_ASSERT(!madvise(new_data, DATA_PAGES * PG_SIZE_4K, MADV_DONTNEED),
		    "madvise(MADV_DONTNEED) failed");
	for (i = 0; i < DATA_PAGES; i++)
		new_data[i * PG_SIZE_4K / sizeof(uint64_t)] = LAST_MARK(i);
	expect_sync(vcpu, STAGE_UNMAPPED);
	pr_info("data pages dropped and refilled: every SPTE reads the new pages\n");

	expect_ucall(vcpu, UCALL_DONE, 0);
	kvm_vm_free(vm);
	munmap(data, DATA_PAGES * PG_SIZE_4K);
	munmap(new_data, DATA_PAGES * PG_SIZE_4K);
	return 0;
}
