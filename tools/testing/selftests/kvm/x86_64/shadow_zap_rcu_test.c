// SPDX-License-Identifier: GPL-2.0-only
/*
 * shadow_zap_rcu_test: zapped shadow pages are freed after an RCU grace
 * period, in bounded batches, and never after their VM.
 *
 * 1. Zap every page of a VM with many shadow pages.  The guest maps one page
 *    from each of -n page tables (default 10240, one per 2 MiB of guest
 *    virtual space) and reads through each, so that under shadow paging the
 *    VM holds a shadow page per table.  Deleting a memslot then zaps them
 *    all in one commit.  The test prints how long the deletion took, how
 *    many pages waited for their grace period at most, and, from the VM's
 *    debugfs (CONFIG_KVM_PROVE_MMU), the most pages one RCU callback freed
 *    and its time; it asserts that the pages all went, and that no callback
 *    freed more than the batch KVM promises.
 *
 * 2. Destroy VMs whose zapped pages are still waiting for their grace
 *    period, after clearing the peak-of-waiting-pages stat through debugfs
 *    as root may.  A vCPU runs, every shadow page but its roots is zapped
 *    (a memslot deletion), its roots go too (KVM_SET_SREGS resets its MMU),
 *    the stat is cleared and the VM destroyed at once, with no shadow page
 *    left to zap.  Teardown must still wait for the callbacks, which touch
 *    the VM: if it does not, they write to a freed struct kvm (an oops with
 *    debug_pagealloc=on, a KASAN report under KASAN).  So that the grace
 *    period outlasts the teardown, a thread meanwhile ages a page behind a
 *    512-SPTE rmap of another VM without mmu_lock, its walks made to wait
 *    at every entry through the fail_lockless_age fault attribute (where
 *    the kernel has it): each walk holds the RCU read side for a while.
 *
 * Needs shadow paging (kvm_amd.npt=0 or kvm_intel.ept=0) and root (debugfs).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "fail_lockless_age.h"
#include "page_aging.h"

#define DATA_SLOT	10
#define DATA_GPA	0x10000000ULL
#define PT_SLOT		11
#define PT_GPA		0x20000000ULL
#define GVA_BASE	0x40000000ULL
#define DEFAULT_TABLES	10240
/* KVM_MMU_FREE_BATCH in arch/x86/kvm/mmu/mmu.c */
#define FREE_BATCH	64
#define DEFAULT_VMS	10

#define STRETCH_GVA	0x80000000ULL
#define STRETCH_PTES	512

static int nr_tables = DEFAULT_TABLES;

static void guest_code(void)
{
	int i;

	for (i = 0; i < nr_tables; i++)
		READ_ONCE(*(uint64_t *)(GVA_BASE + (uint64_t)i * PG_SIZE_2M));
	GUEST_DONE();
}

static void guest_stretch(void)
{
	int i;

	for (i = 0; i < STRETCH_PTES; i++)
		READ_ONCE(*(uint64_t *)(STRETCH_GVA + i * PG_SIZE_4K));
	GUEST_DONE();
}

/* A VM whose vCPU has read through @tables guest page tables. */
static struct kvm_vm *build_vm(struct kvm_vcpu **vcpu, int tables)
{
	struct kvm_vm *vm;
	struct ucall uc;
	int i;

	nr_tables = tables;
	vm = vm_create_with_one_vcpu(vcpu, guest_code);
	sync_global_to_guest(vm, nr_tables);
	/* The tables come from a slot of their own: slot 0 has no room. */
	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, PT_GPA, PT_SLOT,
				    tables + tables / 512 + 16, 0);
	vm->memslots[MEM_REGION_PT] = PT_SLOT;
	/* Room for every table's shadow page: KVM would recycle them. */
	vm_ioctl(vm, KVM_SET_NR_MMU_PAGES, (void *)(unsigned long)(2 * tables + 1024));
	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, DATA_GPA, DATA_SLOT, 1, 0);
	for (i = 0; i < tables; i++)
		virt_pg_map(vm, GVA_BASE + (uint64_t)i * PG_SIZE_2M, DATA_GPA);
	vcpu_run(*vcpu);
	TEST_ASSERT_KVM_EXIT_REASON(*vcpu, KVM_EXIT_IO);
	if (get_ucall(*vcpu, &uc) == UCALL_ABORT)
		REPORT_GUEST_ASSERT(uc);
	TEST_ASSERT(uc.cmd == UCALL_DONE, "unexpected ucall %lu", uc.cmd);
	return vm;
}

/* Wait up to 30 s for the VM's zapped pages to be freed. */
static double wait_freed(struct kvm_vm *vm)
{
	double t0 = now();

	while (vm_get_stat(vm, "mmu_deferred_free_pages")) {
		TEST_ASSERT(now() - t0 < 30, "%lu zapped shadow pages still not freed after 30 s",
			    vm_get_stat(vm, "mmu_deferred_free_pages"));
		usleep(1000);
	}
	return now() - t0;
}

static void zap_all(int tables)
{
	uint64_t zapped, waiting, batch_pages, batch_ns;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	double t0, del, freed;
	bool prove;

	t0 = now();
	vm = build_vm(&vcpu, tables);
	pr_info("built: %d guest page tables read through in %.1f s\n", tables, now() - t0);

	zapped = vm_get_stat(vm, "mmu_shadow_zapped");
	t0 = now();
	vm_mem_region_delete(vm, DATA_SLOT);
	del = now() - t0;
	freed = wait_freed(vm);
	zapped = vm_get_stat(vm, "mmu_shadow_zapped") - zapped;
	prove = vm_debugfs_read(vm, "max_mmu_deferred_free_pages", &waiting) &&
		vm_debugfs_read(vm, "mmu_free_batch_max_pages", &batch_pages) &&
		vm_debugfs_read(vm, "mmu_free_batch_max_ns", &batch_ns);
	pr_info("zap of every page: %lu shadow pages zapped, memslot deleted in %.1f ms, all freed %.1f ms later\n",
		zapped, del * 1e3, freed * 1e3);
	TEST_ASSERT(zapped >= (uint64_t)tables,
		    "%d guest page tables, but only %lu shadow pages zapped", tables, zapped);
	if (prove) {
		pr_info("at most %lu pages (%lu KiB) waiting for a grace period\n",
			waiting, waiting * 8);
		TEST_ASSERT(waiting >= (uint64_t)tables,
			    "%lu shadow pages zapped at once, but at most %lu waited",
			    zapped, waiting);
		pr_info("longest RCU callback: %lu pages freed, %.1f us; no callback frees more than %d\n",
			batch_pages, batch_ns / 1e3, FREE_BATCH);
		TEST_ASSERT(batch_pages >= 1 && batch_pages <= FREE_BATCH,
			    "an RCU callback freed %lu zapped shadow pages, more than %d",
			    batch_pages, FREE_BATCH);
	} else {
		pr_info("no max_mmu_deferred_free_pages, mmu_free_batch_max_pages in the VM's debugfs (CONFIG_KVM_PROVE_MMU): the peak and callback sizes not checked\n");
	}
	kvm_vm_free(vm);
}

static bool stretch_stop;
static uint64_t stretch_passes;

/*
 * Age one page behind a 512-SPTE rmap until told to stop, each lockless walk
 * waiting 200 us at every entry: no grace period ends while a walk runs.
 */
static void *stretch_thread(void *arg)
{
	uint64_t pfn = *(uint64_t *)arg;
	int fd = open("/sys/kernel/mm/page_idle/bitmap", O_WRONLY);

	TEST_ASSERT(fd >= 0, "opening page_idle/bitmap: %s", strerror(errno));
	fail_lockless_age_this_thread(true);
	while (!__atomic_load_n(&stretch_stop, __ATOMIC_ACQUIRE)) {
		mark_idle(fd, pfn);
		stretch_passes++;
	}
	close(fd);
	return NULL;
}

/*
 * A VM whose one data page sits behind a 512-SPTE rmap, aged by a thread of
 * its own; NULL where the kernel cannot make those walks wait.
 */
static struct kvm_vm *start_stretch(pthread_t *thread, uint64_t *pfn)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	struct ucall uc;
	void *hva;
	int i, fd;

	if (!fail_lockless_age_present() ||
	    access("/sys/kernel/mm/page_idle/bitmap", W_OK))
		return NULL;
	vm = vm_create_with_one_vcpu(&vcpu, guest_stretch);
	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, DATA_GPA, DATA_SLOT, 1, 0);
	for (i = 0; i < STRETCH_PTES; i++)
		virt_pg_map(vm, STRETCH_GVA + i * PG_SIZE_4K, DATA_GPA);
	/* A page of its own, not the zero page a read fault would map. */
	hva = addr_gpa2hva(vm, DATA_GPA);
	memset(hva, 1, PG_SIZE_4K);
	vcpu_run(vcpu);
	TEST_ASSERT(get_ucall(vcpu, &uc) == UCALL_DONE, "stretch guest did not finish");

	fd = open("/proc/self/pagemap", O_RDONLY);
	TEST_ASSERT(fd >= 0, "opening /proc/self/pagemap: %s", strerror(errno));
	*pfn = pfn_of(fd, hva);
	close(fd);

	/* A page still in a per-CPU LRU batch is not aged: mark it idle first. */
	fd = open("/sys/kernel/mm/page_idle/bitmap", O_RDWR);
	TEST_ASSERT(fd >= 0, "opening page_idle/bitmap: %s", strerror(errno));
	mark_all_idle(fd, pfn, 1, 0);
	close(fd);

	fail_lockless_age_set(100, FAULT_DELAY, 200);
	pthread_create(thread, NULL, stretch_thread, pfn);
	return vm;
}

static void stop_stretch(struct kvm_vm *vm, pthread_t thread)
{
	if (!vm)
		return;
	__atomic_store_n(&stretch_stop, true, __ATOMIC_RELEASE);
	pthread_join(thread, NULL);
	fail_lockless_age_set(0, 0, 200);
	pr_info("teardown: meanwhile %lu lockless aging passes over a 512-SPTE rmap, each waiting at every entry\n",
		stretch_passes);
	kvm_vm_free(vm);
}

/* Destroy a VM with frees in flight, its peak-waiting stat cleared. */
static void destroy_while_freeing(int round)
{
	struct kvm_sregs sregs;
	struct kvm_vcpu *vcpu;
	uint64_t waiting, peak;
	struct kvm_vm *vm;

	vm = build_vm(&vcpu, 64);
	vm_mem_region_delete(vm, DATA_SLOT);
	/* The vCPU's roots: a changed CR4.PGE resets its MMU, freeing them. */
	vcpu_sregs_get(vcpu, &sregs);
	sregs.cr4 ^= X86_CR4_PGE;
	vcpu_sregs_set(vcpu, &sregs);
	waiting = vm_get_stat(vm, "mmu_deferred_free_pages");
	/* The peak, where CONFIG_KVM_PROVE_MMU shows it, cleared. */
	if (vm_debugfs_read(vm, "max_mmu_deferred_free_pages", &peak)) {
		vm_debugfs_write(vm, "max_mmu_deferred_free_pages", "0");
		TEST_ASSERT(vm_debugfs_read(vm, "max_mmu_deferred_free_pages", &peak) &&
			    !peak, "max_mmu_deferred_free_pages not cleared");
	}
	kvm_vm_free(vm);
	if (round == 0)
		pr_info("teardown: VM destroyed with %lu zapped pages waiting and the peak stat cleared\n",
			waiting);
}

int main(int argc, char *argv[])
{
	int opt, tables = DEFAULT_TABLES, vms = DEFAULT_VMS, i;
	struct kvm_vm *stretch;
	pthread_t thread;
	uint64_t pfn;

	while ((opt = getopt(argc, argv, "hn:v:")) != -1) {
		switch (opt) {
		case 'n':
			tables = atoi_positive("Page tables", optarg);
			break;
		case 'v':
			vms = atoi_non_negative("VMs to destroy", optarg);
			break;
		default:
			printf("usage: %s [-n guest page tables] [-v VMs to destroy]\n", argv[0]);
			exit(KSFT_SKIP);
		}
	}
	TEST_REQUIRE(!kvm_is_tdp_enabled());
	/* What was printed survives an abort. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	__TEST_REQUIRE(access("/sys/kernel/debug/kvm", R_OK) == 0, "no debugfs");

	zap_all(tables);
	stretch = start_stretch(&thread, &pfn);
	if (!stretch)
		pr_info("teardown: no fail_lockless_age or page_idle: grace periods not stretched\n");
	for (i = 0; i < vms; i++)
		destroy_while_freeing(i);
	stop_stretch(stretch, thread);
	pr_info("teardown: %d VMs destroyed while their zapped pages waited\n", vms);
	return 0;
}
