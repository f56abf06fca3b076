/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a test sees from the host of the aging of guest memory: the PFNs and
 * swap state of /proc/self/pagemap, the page_idle bitmap (whose writes reach
 * KVM as clear_young), kvm.lockless_aging and the VM's debugfs counters;
 * memory at a 2 MiB boundary; and a vCPU run to its guest's next
 * GUEST_SYNC.
 */
#ifndef SELFTEST_KVM_PAGE_AGING_H
#define SELFTEST_KVM_PAGE_AGING_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <linux/bits.h>

#include "test_util.h"
#include "kvm_util.h"
#include "ucall_common.h"

#define PAGEMAP_PRESENT	BIT_ULL(63)
#define PAGEMAP_SWAPPED	BIT_ULL(62)
#define PAGEMAP_PFN	GENMASK_ULL(54, 0)

#define LOCKLESS_PARAM	"/sys/module/kvm/parameters/lockless_aging"

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline uint64_t read_u64_file(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY);

	TEST_ASSERT(fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0,
		    "reading %s: %s", path, strerror(errno));
	close(fd);
	return strtoull(buf, NULL, 0);
}

static inline void write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);

	TEST_ASSERT(fd >= 0 && write(fd, val, strlen(val)) == (ssize_t)strlen(val),
		    "writing %s to %s: %s", val, path, strerror(errno));
	close(fd);
}

/* The pagemap entry of the page at @addr. */
static inline uint64_t pagemap_entry(int pagemap_fd, void *addr)
{
	uint64_t entry;

	TEST_ASSERT(pread(pagemap_fd, &entry, 8, (uintptr_t)addr / getpagesize() * 8) == 8,
		    "reading /proc/self/pagemap failed");
	return entry;
}

/* The PFN of the page at @addr, which must be present. */
static inline uint64_t pfn_of(int pagemap_fd, void *addr)
{
	uint64_t entry = pagemap_entry(pagemap_fd, addr);

	TEST_ASSERT(entry & PAGEMAP_PRESENT, "page at %p is not present", addr);
	TEST_ASSERT(entry & PAGEMAP_PFN, "pagemap shows PFN 0: run as root");
	return entry & PAGEMAP_PFN;
}

static inline void mark_idle(int idle_fd, uint64_t pfn)
{
	uint64_t bits = 1ULL << (pfn % 64);

	TEST_ASSERT(pwrite(idle_fd, &bits, 8, pfn / 64 * 8) == 8,
		    "writing page_idle/bitmap failed: %s", strerror(errno));
}

static inline bool is_idle(int idle_fd, uint64_t pfn)
{
	uint64_t bits;

	TEST_ASSERT(pread(idle_fd, &bits, 8, pfn / 64 * 8) == 8,
		    "reading page_idle/bitmap failed: %s", strerror(errno));
	return bits & (1ULL << (pfn % 64));
}

/*
 * Mark the @n pages of @pfns idle until each from @first on takes the mark
 * (a page in a per-CPU LRU batch cannot; dropping caches drains them); the
 * pages before @first are only marked.
 */
static inline void mark_all_idle(int idle_fd, uint64_t *pfns, int n, int first)
{
	int i = first, r;

	for (r = 0; r < 50 && i < n; r++) {
		system("echo 1 > /proc/sys/vm/drop_caches");
		for (i = 0; i < n; i++)
			mark_idle(idle_fd, pfns[i]);
		for (i = first; i < n && is_idle(idle_fd, pfns[i]); i++)
			;
	}
	TEST_ASSERT(i == n, "page %d never took the idle mark", i);
}

/* The VM's own debugfs file @name: /sys/kernel/debug/kvm/PID-FD/@name. */
static inline void vm_debugfs_path(struct kvm_vm *vm, const char *name,
				   char *path, size_t len)
{
	snprintf(path, len, "/sys/kernel/debug/kvm/%d-%d/%s", getpid(), vm->fd,
		 name);
}

/*
 * The number the VM's debugfs file @name shows, in *@val: what kernels with
 * CONFIG_KVM_PROVE_MMU count of lockless aging and deferred frees beyond
 * the VM stats.  False if the file is not there.
 */
static inline bool vm_debugfs_read(struct kvm_vm *vm, const char *name,
				   uint64_t *val)
{
	char path[128];
	FILE *f;
	bool ok;

	vm_debugfs_path(vm, name, path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return false;
	ok = fscanf(f, "%lu", val) == 1;
	fclose(f);
	TEST_ASSERT(ok, "reading a number from %s failed", path);
	return true;
}

/* That number, or ~0 if the file is not there. */
static inline uint64_t vm_debugfs_u64(struct kvm_vm *vm, const char *name)
{
	uint64_t val;

	return vm_debugfs_read(vm, name, &val) ? val : ~0ULL;
}

static inline void vm_debugfs_write(struct kvm_vm *vm, const char *name,
				    const char *val)
{
	char path[128];

	vm_debugfs_path(vm, name, path, sizeof(path));
	write_file(path, val);
}

#define PAGE_AGING_2M	BIT_ULL(21)

/*
 * @size bytes of anonymous memory from a 2 MiB boundary, so that huge pages
 * (THP, khugepaged's collapse) can back them wherever madvise() lets them.
 */
static inline uint8_t *mmap_2m_aligned(uint64_t size)
{
	uint8_t *mem = mmap(NULL, size + PAGE_AGING_2M, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	TEST_ASSERT(mem != MAP_FAILED, "mmap of %lu bytes failed", size);
	return (uint8_t *)(((uintptr_t)mem + PAGE_AGING_2M - 1) &
			   ~(uintptr_t)(PAGE_AGING_2M - 1));
}

/* Whether the bool module parameter @path exists and is on. */
static inline bool read_bool_param(const char *path)
{
	int fd = open(path, O_RDONLY);
	char c = 0;

	if (fd < 0)
		return false;
	TEST_ASSERT(read(fd, &c, 1) == 1, "reading %s", path);
	close(fd);
	return c == 'Y' || c == '1';
}

/* Whether kvm.lockless_aging exists (a kernel with the series) and is on. */
static inline bool read_lockless(void)
{
	return read_bool_param(LOCKLESS_PARAM);
}

static inline void set_lockless(bool on)
{
	write_file(LOCKLESS_PARAM, on ? "1" : "0");
}

/*
 * Guest-timed writes, by TSC cycles: bucket 8 * e + m holds the times from
 * (8 + m) << (e - 3) up to the next bucket's (times below 8 cycles in bucket
 * 0), so that a bucket is at most 1/8 of its value wide.
 */
#define LAT_BUCKETS	512

static inline int lat_bucket(uint64_t cycles)
{
	int e = 63 - __builtin_clzll(cycles | 1);

	if (e < 3)
		return 0;
	return 8 * e + ((cycles >> (e - 3)) & 7);
}

static inline double lat_bucket_cycles(int b)
{
	return b < 24 ? 0 : (double)((8ULL + b % 8) << (b / 8 - 3));
}

/* Writes that faulted, out of a histogram: how many, p50, p99, max (us). */
struct fault_times {
	double n, p50_us, p99_us, max_us;
};

/*
 * The writes of @hist that faulted (took 10 us or more: a write that exits
 * to KVM; one that does not takes well under 1 us): how many, and their
 * p50, p99 and max, at the middle of their buckets.
 */
static inline struct fault_times
fault_times_of(const uint64_t *hist, uint64_t tsc_khz)
{
	double floor = 10.0 * tsc_khz / 1000, us = 1000.0 / tsc_khz;
	struct fault_times f = { 0 };
	uint64_t n = 0, seen = 0;
	int b, first = LAT_BUCKETS;

	for (b = 0; b < LAT_BUCKETS; b++) {
		if (lat_bucket_cycles(b) >= floor) {
			first = b < first ? b : first;
			n += hist[b];
		}
	}
	f.n = n;
	for (b = first; b < LAT_BUCKETS && n; b++) {
		double hi = b + 1 < LAT_BUCKETS ? lat_bucket_cycles(b + 1) : lat_bucket_cycles(b);
		double mid = (lat_bucket_cycles(b) + hi) / 2 * us;

		if (!hist[b])
			continue;
		if (seen < n / 2 && seen + hist[b] >= n / 2)
			f.p50_us = mid;
		if (seen < n * 99 / 100 && seen + hist[b] >= n * 99 / 100)
			f.p99_us = mid;
		seen += hist[b];
		f.max_us = mid;
	}
	return f;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The @p-th percentile of @v's @n values (sorts @v). */
static inline double pct(double *v, int n, int p)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[(n - 1) * p / 100];
}

/* Run @vcpu until its guest calls GUEST_SYNC(@want). */
static inline void run_to_sync(struct kvm_vcpu *vcpu, uint64_t want)
{
	struct ucall uc;

	vcpu_run(vcpu);
	TEST_ASSERT_KVM_EXIT_REASON(vcpu, KVM_EXIT_IO);
	if (get_ucall(vcpu, &uc) == UCALL_ABORT)
		REPORT_GUEST_ASSERT(uc);
	TEST_ASSERT(uc.cmd == UCALL_SYNC && uc.args[1] == want,
		    "guest: expected sync %lu, got ucall %lu", want, uc.cmd);
}

#endif /* SELFTEST_KVM_PAGE_AGING_H */
