/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fail_lockless_age: the fault attribute with which kernels built with
 * CONFIG_KVM_PROVE_MMU and CONFIG_FAULT_INJECTION_DEBUG_FS force races on
 * x86's lockless aging walk (arch/x86/kvm/mmu/mmu.c), for the tasks marked
 * through /proc/thread-self/make-it-fail.
 */
#ifndef SELFTEST_KVM_FAIL_LOCKLESS_AGE_H
#define SELFTEST_KVM_FAIL_LOCKLESS_AGE_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"
#include "page_aging.h"

#define FAIL_ATTR	"/sys/kernel/debug/kvm/fail_lockless_age/"

/* Its modes */
#define FAULT_FOREIGN	0x1	/* the neighbouring SPTE first */
#define FAULT_DELAY	0x2	/* wait before reading, before clearing */
#define FAULT_PASSES	0x4	/* end the walk as if out of passes */
#define FAULT_REUSE	0x8	/* free the walk's node, reuse it; zap the entry's page */
#define FAULT_DROP	0x10	/* zap the SPTE between its check and its clear */
#define FAULT_OTHER_VM	0x20	/* another VM's SPTE of the same gfn first */
#define FAULT_SPTE_SET	0x40	/* a marked vCPU waits between a new SPTE and its rmap */

static inline bool fail_lockless_age_present(void)
{
	return access(FAIL_ATTR "modes", W_OK) == 0;
}

/*
 * The walks of marked tasks do @modes at @pct % of the checks (0: nothing),
 * waiting @delay_us where a mode waits.
 */
static inline void fail_lockless_age_set(int pct, int modes, int delay_us)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d", pct);
	write_file(FAIL_ATTR "probability", buf);
	write_file(FAIL_ATTR "interval", "1");
	write_file(FAIL_ATTR "times", "-1");
	write_file(FAIL_ATTR "verbose", "0");
	write_file(FAIL_ATTR "task-filter", "Y");
	snprintf(buf, sizeof(buf), "%d", delay_us);
	write_file(FAIL_ATTR "delay_us", buf);
	snprintf(buf, sizeof(buf), "%#x", pct ? modes : 0);
	write_file(FAIL_ATTR "modes", buf);
}

/* A number the attribute's directory shows (reused), or its Y/N as 1/0. */
static inline unsigned long fail_lockless_age_read(const char *name)
{
	char path[128], buf[32] = "";
	int fd;

	snprintf(path, sizeof(path), FAIL_ATTR "%s", name);
	fd = open(path, O_RDONLY);
	TEST_ASSERT(fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0,
		    "reading %s: %s", path, strerror(errno));
	close(fd);
	if (buf[0] == 'Y' || buf[0] == 'N')
		return buf[0] == 'Y';
	return strtoul(buf, NULL, 0);
}

/* Whether the calling thread is marked. */
static inline void fail_lockless_age_this_thread(bool on)
{
	write_file("/proc/thread-self/make-it-fail", on ? "1" : "0");
}

#endif /* SELFTEST_KVM_FAIL_LOCKLESS_AGE_H */
