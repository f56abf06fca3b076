// SPDX-License-Identifier: GPL-2.0-only
/*
 * reclaim_young_test: KVM's clear_flush_young notifier, as reclaim calls it.
 *
 * Before reclaim evicts a page, folio_referenced() asks each of its
 * mappings whether it was used since the last look, clearing what it
 * finds; for a page only a guest uses, KVM's clear_flush_young notifier,
 * reading and clearing the Accessed bits of the page's SPTEs, is what
 * answers.  Only reclaim calls clear_flush_young: page_idle calls
 * clear_young and khugepaged test_young.
 *
 * The guest writes 1024 pages, then reads the even ones (hot) again before
 * every round; it never touches the odd ones (cold) again.  The host ages
 * all of them through page_idle and deactivates them (MADV_COLD), then,
 * each round, lets the guest read its hot pages and asks the test's memory
 * cgroup to reclaim a few dozen pages (memory.reclaim, to swap):
 *
 *  - reclaim must swap cold pages out, and (nearly) never a hot one: each
 *    hot page was read since reclaim last looked at it, so its SPTE is
 *    young, and a page found referenced is kept;
 *  - every value the guest wrote must come back from swap;
 *  - where kvm.lockless_aging is on, clear_flush_young must have walked
 *    SPTEs without mmu_lock (rmaps of the shadow MMU, roots of the TDP MMU).
 *
 * Needs root, page_idle, a cgroup v2 memory controller (CONFIG_MEMCG) and
 * swap: where none is on, the test makes /dev/zram0 (CONFIG_ZRAM) its swap
 * for its run.  Runs under either MMU.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "page_aging.h"
#include "memcg_reclaim.h"

#define SLOT		10
#define GPA		0x10000000ULL
#define GVA		0x40000000ULL
#define NPAGES		1024		/* even pages hot, odd pages cold */
#define DEFAULT_ROUNDS	8
#define DEFAULT_KIB	128		/* asked of reclaim per round */

static void guest_code(void)
{
	uint64_t round, i;

	for (i = 0; i < NPAGES; i++)
		WRITE_ONCE(*(uint64_t *)(GVA + i * PG_SIZE_4K), i + 1);
	for (round = 0;; round++) {
		GUEST_SYNC(round);
		for (i = 0; i < NPAGES; i += 2)
			GUEST_ASSERT_EQ(READ_ONCE(*(uint64_t *)(GVA + i * PG_SIZE_4K)),
					i + 1);
	}
}

static void help(const char *name)
{
	printf("usage: %s [-r rounds] [-k KiB]\n"
	       " -r: rounds of the guest reading its hot pages, then reclaim (default %d)\n"
	       " -k: KiB asked of reclaim each round (default %d)\n",
	       name, DEFAULT_ROUNDS, DEFAULT_KIB);
	exit(0);
}

int main(int argc, char *argv[])
{
	int rounds = DEFAULT_ROUNDS, kib = DEFAULT_KIB;
	int idle_fd, pagemap_fd, opt, r, i;
	uint64_t walks = 0, pfns[NPAGES];
	int hot_out = 0, cold_out = 0;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	bool lockless;
	uint8_t *mem;

	while ((opt = getopt(argc, argv, "r:k:h")) != -1) {
		switch (opt) {
		case 'r':
			rounds = atoi_positive("Rounds", optarg);
			break;
		case 'k':
			kib = atoi_positive("KiB per round", optarg);
			break;
		default:
			help(argv[0]);
		}
	}

	/* Small pages, and khugepaged (test_young) kept away from them. */
	TEST_ASSERT(!prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0), "PR_SET_THP_DISABLE");
	idle_fd = open("/sys/kernel/mm/page_idle/bitmap", O_RDWR);
	__TEST_REQUIRE(idle_fd >= 0, "no page_idle bitmap (CONFIG_IDLE_PAGE_TRACKING)");
	pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
	__TEST_REQUIRE(pagemap_fd >= 0, "no pagemap (CONFIG_PROC_PAGE_MONITOR)");
	lockless = read_lockless();
	reclaim_setup("reclaim_young_test");

	/* Guest memory is charged to the cgroup: the test is in it already. */
	mem = mmap(NULL, NPAGES * PG_SIZE_4K, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(mem != MAP_FAILED, "mmap failed");
	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	vm_set_user_memory_region(vm, SLOT, 0, GPA, NPAGES * PG_SIZE_4K, mem);
	virt_map(vm, GVA, GPA, NPAGES);
	run_to_sync(vcpu, 0);

	/* Aged (SPTEs and host PTEs old), and on the inactive list. */
	for (i = 0; i < NPAGES; i++)
		pfns[i] = pfn_of(pagemap_fd, mem + i * PG_SIZE_4K);
	mark_all_idle(idle_fd, pfns, NPAGES, 0);
	TEST_ASSERT(!madvise(mem, NPAGES * PG_SIZE_4K, MADV_COLD), "MADV_COLD");

	if (lockless)
		walks = vm_get_stat(vm, "lockless_age_walks");
	for (r = 1; r <= rounds; r++) {
		/* The guest reads its hot pages (swapping in any that went). */
		run_to_sync(vcpu, r);
		ask_reclaim(kib);
		for (i = 0; i < NPAGES; i += 2)
			hot_out += !!(pagemap_entry(pagemap_fd, mem + i * PG_SIZE_4K) &
				      PAGEMAP_SWAPPED);
	}
	for (i = 1; i < NPAGES; i += 2)
		cold_out += !!(pagemap_entry(pagemap_fd, mem + i * PG_SIZE_4K) &
			       PAGEMAP_SWAPPED);
	if (lockless)
		walks = vm_get_stat(vm, "lockless_age_walks") - walks;

	pr_info("reclaim, %d rounds of %d KiB: %d of %d cold pages swapped out; hot pages swapped out %d times (the guest read each of its %d before every round)\n",
		rounds, kib, cold_out, NPAGES / 2, hot_out, NPAGES / 2);
	TEST_ASSERT(cold_out >= rounds,
		    "reclaim swapped out only %d of the %d cold pages in %d rounds",
		    cold_out, NPAGES / 2, rounds);
	TEST_ASSERT(hot_out * 8 <= cold_out,
		    "reclaim swapped hot pages out %d times, against %d cold pages: clear_flush_young did not find the guest's reads",
		    hot_out, cold_out);

	/* The host reads every page back, from swap where it went. */
	for (i = 0; i < NPAGES; i++)
		TEST_ASSERT(*(uint64_t *)(mem + i * PG_SIZE_4K) == (uint64_t)i + 1,
			    "page %d lost the guest's value through swap", i);

	if (lockless) {
		pr_info("lockless aging: %lu walks by clear_flush_young\n", walks);
		TEST_ASSERT(walks, "clear_flush_young walked no SPTEs without mmu_lock");
	}
	kvm_vm_free(vm);
	return 0;
}
