/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the llist_nulls_multi stress test and benchmarks.
 */
#ifndef _LLNM_HARNESS_H
#define _LLNM_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <linux/llist_nulls_multi.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/*
 * The capacity of the node type the harness uses: a 128-byte node, as KVM's
 * parent_ptes nodes (14); its rmap nodes keep one word for the slab's free
 * pointer and hold 13.
 */
#define NODE_CAP	14

static const struct llist_nulls_multi_params test_params = { .cap = NODE_CAP };

/* The count of shim warnings: shim/shim.c's, or the program's own. */
extern unsigned long shim_warnings;

/* xorshift64*: a fast per-thread generator; @state must start non-zero. */
static inline uint64_t rnd_next(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* A value in [0, n), n > 0. */
static inline unsigned int rnd_below(uint64_t *state, unsigned int n)
{
	return (unsigned int)(((rnd_next(state) >> 32) * n) >> 32);
}

static inline uint64_t rnd_seed(uint64_t seed, unsigned int stream)
{
	uint64_t s = seed ^ (0x9e3779b97f4a7c15ULL * (stream + 1));

	return s ? s : 1;
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline unsigned int nr_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned int)n : 1;
}

#endif
