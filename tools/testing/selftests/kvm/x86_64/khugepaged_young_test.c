// SPDX-License-Identifier: GPL-2.0-only
/*
 * khugepaged_young_test: KVM's test_young notifier, as khugepaged calls it.
 *
 * khugepaged collapses a 2 MiB range of small pages into a huge page only
 * if one of them was referenced since it was last aged: its PTE young, its
 * folio young or referenced, or, through mmu_notifier_test_young(), one of
 * its secondary mappings young.  A guest's accesses go through KVM's SPTEs
 * only, so the last is all that tells khugepaged about them.
 *
 * The guest writes each of 512 pages (a 2 MiB-aligned memslot of small
 * pages) once.  The host ages them through /sys/kernel/mm/page_idle/bitmap
 * (KVM's clear_young), clears what the host's own mappings and folios
 * remember of the accesses with MADV_COLD, and hands the range to
 * khugepaged (MADV_HUGEPAGE):
 *
 *  - while the guest touches nothing, test_young must find no young SPTE,
 *    and khugepaged must leave the range alone for two full scans;
 *  - once the guest has written one page, test_young must find its SPTE
 *    young, and khugepaged must collapse the range, with every value the
 *    guest wrote kept.
 *
 * Where kvm.lockless_aging exists and is on, the test also checks that the
 * test_young calls walked SPTEs without mmu_lock (lockless_age_walks: rmaps
 * of the shadow MMU, roots of the TDP MMU).
 * Needs root, page_idle, THP and khugepaged; runs under either MMU.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "page_aging.h"

#define SLOT		10
#define GPA		0x10000000ULL
#define GVA		0x40000000ULL
#define NPAGES		512
#define HOT_PAGE	7	/* the page the guest writes after the aging */

#define KHUGEPAGED	"/sys/kernel/mm/transparent_hugepage/khugepaged/"
#define KPF_THP		22

static void guest_code(void)
{
	int i;

	for (i = 0; i < NPAGES; i++)
		WRITE_ONCE(*(uint64_t *)(GVA + i * PG_SIZE_4K), i + 1);
	GUEST_SYNC(0);
	WRITE_ONCE(*(uint64_t *)(GVA + HOT_PAGE * PG_SIZE_4K + 8), ~0ULL);
	GUEST_SYNC(1);
	GUEST_DONE();
}

/* Whether the page at @addr is part of a huge page. */
static bool is_thp(int pagemap_fd, int kpageflags_fd, void *addr)
{
	uint64_t flags;

	TEST_ASSERT(pread(kpageflags_fd, &flags, 8, pfn_of(pagemap_fd, addr) * 8) == 8,
		    "reading /proc/kpageflags failed");
	return flags & (1ULL << KPF_THP);
}

int main(void)
{
	int idle_fd, pagemap_fd, kpageflags_fd, i;
	uint64_t scans, walks = 0, cold_walks = 0, pfns[NPAGES];
	char sleep_ms[32] = "";
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	bool lockless;
	uint8_t *mem;
	double t0;

	idle_fd = open("/sys/kernel/mm/page_idle/bitmap", O_RDWR);
	__TEST_REQUIRE(idle_fd >= 0, "no page_idle bitmap (CONFIG_IDLE_PAGE_TRACKING)");
	__TEST_REQUIRE(access(KHUGEPAGED "full_scans", R_OK) == 0,
		       "no khugepaged (CONFIG_TRANSPARENT_HUGEPAGE)");
	pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
	kpageflags_fd = open("/proc/kpageflags", O_RDONLY);
	__TEST_REQUIRE(pagemap_fd >= 0 && kpageflags_fd >= 0,
		       "no pagemap or kpageflags (root, CONFIG_PROC_PAGE_MONITOR)");
	lockless = read_lockless();

	/* 2 MiB-aligned small pages, so that the range can collapse. */
	mem = mmap_2m_aligned(PG_SIZE_2M);
	TEST_ASSERT(!madvise(mem, PG_SIZE_2M, MADV_NOHUGEPAGE), "MADV_NOHUGEPAGE");
	memset(mem, 0, PG_SIZE_2M);

	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	vm_set_user_memory_region(vm, SLOT, 0, GPA, PG_SIZE_2M, mem);
	virt_map(vm, GVA, GPA, NPAGES);
	run_to_sync(vcpu, 0);
	TEST_ASSERT(!is_thp(pagemap_fd, kpageflags_fd, mem), "small pages expected");

	/* Aged, and nothing on the host's side remembers the accesses. */
	for (i = 0; i < NPAGES; i++)
		pfns[i] = pfn_of(pagemap_fd, mem + i * PG_SIZE_4K);
	mark_all_idle(idle_fd, pfns, NPAGES, 0);
	TEST_ASSERT(!madvise(mem, PG_SIZE_2M, MADV_COLD), "MADV_COLD");

	snprintf(sleep_ms, sizeof(sleep_ms), "%lu",
		 read_u64_file(KHUGEPAGED "scan_sleep_millisecs"));
	write_file(KHUGEPAGED "scan_sleep_millisecs", "10");
	if (lockless)
		walks = vm_get_stat(vm, "lockless_age_walks");
	TEST_ASSERT(!madvise(mem, PG_SIZE_2M, MADV_HUGEPAGE), "MADV_HUGEPAGE");

	/* Cold: two full scans, and the range is still small pages. */
	scans = read_u64_file(KHUGEPAGED "full_scans");
	t0 = now();
	while (read_u64_file(KHUGEPAGED "full_scans") < scans + 2) {
		TEST_ASSERT(now() - t0 < 60, "khugepaged did not scan for a minute");
		usleep(10000);
	}
	TEST_ASSERT(!is_thp(pagemap_fd, kpageflags_fd, mem),
		    "khugepaged collapsed a range the guest did not touch after it was aged: test_young found a young SPTE");
	if (lockless)
		cold_walks = vm_get_stat(vm, "lockless_age_walks") - walks;

	/* Hot: the guest writes one page, and the range must collapse. */
	run_to_sync(vcpu, 1);
	scans = read_u64_file(KHUGEPAGED "full_scans");
	t0 = now();
	while (!is_thp(pagemap_fd, kpageflags_fd, mem)) {
		TEST_ASSERT(now() - t0 < 20,
			    "the guest wrote page %d, but khugepaged did not collapse the range in %lu full scans: test_young found no young SPTE",
			    HOT_PAGE, read_u64_file(KHUGEPAGED "full_scans") - scans);
		usleep(10000);
	}
	pr_info("khugepaged: left the aged, untouched range alone for 2 full scans; collapsed it %.2f s after the guest wrote one page\n",
		now() - t0);
	for (i = 0; i < NPAGES; i++)
		TEST_ASSERT(*(uint64_t *)(mem + i * PG_SIZE_4K) == (uint64_t)i + 1,
			    "page %d lost the guest's value in the collapse", i);
	TEST_ASSERT(*(uint64_t *)(mem + HOT_PAGE * PG_SIZE_4K + 8) == ~0ULL,
		    "page %d lost the guest's last write in the collapse", HOT_PAGE);

	if (lockless) {
		walks = vm_get_stat(vm, "lockless_age_walks") - walks;
		pr_info("lockless aging: %lu walks by test_young while cold, %lu in all\n",
			cold_walks, walks);
		TEST_ASSERT(cold_walks, "test_young walked no SPTEs without mmu_lock");
	}
	write_file(KHUGEPAGED "scan_sleep_millisecs", sleep_ms);
	kvm_vm_free(vm);
	return 0;
}
