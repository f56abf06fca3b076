/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reclaim of a test's own memory, to swap: a memory cgroup (v2) of the
 * test's own with the test in it, swap where none is on (/dev/zram0, made
 * for the test's run), and memory.reclaim requests.  reclaim_setup() undoes
 * itself at exit, whether the test passes or not.  Needs root,
 * CONFIG_MEMCG and, where no swap is on, CONFIG_ZRAM.
 */
#ifndef SELFTEST_KVM_MEMCG_RECLAIM_H
#define SELFTEST_KVM_MEMCG_RECLAIM_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <unistd.h>

#include "test_util.h"
#include "page_aging.h"

#define CGROUP_ROOT	"/sys/fs/cgroup"
#define ZRAM		"/sys/block/zram0/"
#define ZRAM_DEV	"/dev/zram0"
#define ZRAM_SIZE	(32 << 20)

/* What the test set up, undone at exit, whether it passes or not. */
static bool zram_is_ours;
static char cgroup_dir[128];
static char old_cgroup_procs[512];

static inline void write_quietly(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);

	if (fd >= 0) {
		if (write(fd, val, strlen(val)) < 0)
			perror(path);
		close(fd);
	}
}

static inline void undo_setup(void)
{
	char pid[16];

	if (cgroup_dir[0]) {
		snprintf(pid, sizeof(pid), "%d", getpid());
		write_quietly(old_cgroup_procs, pid);
		rmdir(cgroup_dir);
	}
	if (zram_is_ours) {
		swapoff(ZRAM_DEV);
		write_quietly(ZRAM "reset", "1");
	}
}

static inline bool swap_is_on(void)
{
	FILE *f = fopen("/proc/swaps", "r");
	char line[256];
	int lines = 0;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		lines++;
	fclose(f);
	return lines > 1;	/* the first is the header */
}

/* The header mkswap writes at the start of a swap area (union swap_header). */
struct swap_area_info {
	char bootbits[1024];
	uint32_t version;
	uint32_t last_page;
	uint32_t nr_badpages;
	unsigned char uuid[16];
	char volume_name[16];
	uint32_t padding[117];
};

/* Swap on, for the test's run: what is on already, or /dev/zram0. */
static inline void setup_swap(void)
{
	long page = getpagesize();
	struct swap_area_info *info;
	char *header;
	int fd;

	if (swap_is_on())
		return;
	__TEST_REQUIRE(access(ZRAM "disksize", W_OK) == 0,
		       "no swap, and no " ZRAM_DEV " to make one (CONFIG_ZRAM)");
	__TEST_REQUIRE(read_u64_file(ZRAM "disksize") == 0,
		       "no swap, and " ZRAM_DEV " is in use");
	write_file(ZRAM "disksize", "32M");
	zram_is_ours = true;

	header = calloc(1, page);
	TEST_ASSERT(header, "calloc");
	info = (struct swap_area_info *)header;
	info->version = 1;
	info->last_page = ZRAM_SIZE / page - 1;
	memcpy(header + page - 10, "SWAPSPACE2", 10);
	fd = open(ZRAM_DEV, O_WRONLY);
	TEST_ASSERT(fd >= 0 && pwrite(fd, header, page, 0) == page && !fsync(fd),
		    "writing a swap header to " ZRAM_DEV ": %s", strerror(errno));
	close(fd);
	free(header);
	TEST_ASSERT(!swapon(ZRAM_DEV, 0), "swapon " ZRAM_DEV ": %s",
		    strerror(errno));
}

/* A memory cgroup of the test's own, with the test in it. */
static inline void setup_cgroup(const char *name)
{
	char line[256] = "", path[256], pid[16];
	FILE *f;

	if (access(CGROUP_ROOT "/cgroup.controllers", R_OK))
		__TEST_REQUIRE(!mount("cgroup2", CGROUP_ROOT, "cgroup2", 0, NULL),
			       "no cgroup v2 at " CGROUP_ROOT ", and mounting one failed: %s",
			       strerror(errno));
	f = fopen(CGROUP_ROOT "/cgroup.controllers", "r");
	TEST_ASSERT(f, "opening " CGROUP_ROOT "/cgroup.controllers");
	TEST_ASSERT(fgets(line, sizeof(line), f) || feof(f),
		    "reading " CGROUP_ROOT "/cgroup.controllers");
	fclose(f);
	__TEST_REQUIRE(strstr(line, "memory"),
		       "no cgroup v2 memory controller (CONFIG_MEMCG)");

	/* Where the test was ("0::/path"), to go back there at exit. */
	f = fopen("/proc/self/cgroup", "r");
	TEST_ASSERT(f, "opening /proc/self/cgroup");
	while (fgets(line, sizeof(line), f) && strncmp(line, "0::", 3))
		;
	TEST_ASSERT(!strncmp(line, "0::", 3), "no cgroup v2 line in /proc/self/cgroup");
	fclose(f);
	line[strcspn(line, "\n")] = 0;
	snprintf(old_cgroup_procs, sizeof(old_cgroup_procs),
		 CGROUP_ROOT "%s/cgroup.procs", strcmp(line + 3, "/") ? line + 3 : "");

	write_file(CGROUP_ROOT "/cgroup.subtree_control", "+memory");
	snprintf(path, sizeof(path), CGROUP_ROOT "/%s.%d", name, getpid());
	TEST_ASSERT(strlen(path) < sizeof(cgroup_dir) && !mkdir(path, 0755),
		    "mkdir %s: %s", path, strerror(errno));
	memcpy(cgroup_dir, path, strlen(path) + 1);
	snprintf(path, sizeof(path), "%s/cgroup.procs", cgroup_dir);
	snprintf(pid, sizeof(pid), "%d", getpid());
	write_file(path, pid);
}

/* Ask the cgroup to reclaim @kib KiB, to swap; reclaim may fall short. */
static inline void ask_reclaim(int kib)
{
	char path[256], req[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/memory.reclaim", cgroup_dir);
	snprintf(req, sizeof(req), "%dK swappiness=200", kib);
	fd = open(path, O_WRONLY);
	TEST_ASSERT(fd >= 0, "opening %s: %s", path, strerror(errno));
	n = write(fd, req, strlen(req));
	TEST_ASSERT(n == (ssize_t)strlen(req) || errno == EAGAIN,
		    "writing '%s' to %s: %s", req, path, strerror(errno));
	close(fd);
}

/*
 * Swap on and a memory cgroup of the test's own, named @name.PID, with the
 * test in it (memory the test maps from then on is charged to it); both
 * undone at exit.
 */
static inline void reclaim_setup(const char *name)
{
	atexit(undo_setup);
	setup_swap();
	setup_cgroup(name);
}

#endif /* SELFTEST_KVM_MEMCG_RECLAIM_H */
