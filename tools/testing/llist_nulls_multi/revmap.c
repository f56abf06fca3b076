// SPDX-License-Identifier: GPL-2.0-only
/*
 * revmap: the reverse map of samples/llist_nulls_multi/ (revmap.h, the same
 * file the kernel module builds) on pthreads, built with the Makefile's
 * "prog" target as any program outside this harness would be, so that it
 * also runs under ThreadSanitizer.
 *
 * Each object has a few stable handles, added before the readers start and
 * never removed; the writers add and remove the others.  Every lockless
 * walk must visit every stable handle (the library's visit guarantee); a
 * walk that falls back walks under the lock.  The sample's KUnit check
 * (samples/llist_nulls_multi/revmap_kunit.c) is the same, on kthreads.
 *
 *   revmap [seconds] [writers] [readers]     (default 2 s, 2 writers, 2 readers)
 *
 * Exits 1 if a walk missed a stable handle or anything warned.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <linux/kernel.h>
#include <linux/rcupdate.h>

#include "harness.h"
#include "../../../samples/llist_nulls_multi/revmap.h"

#define OBJECTS		8
#define HANDLES		64	/* per object, STABLE of them stable */
#define STABLE		4

static struct revmap_object objects[OBJECTS];
static struct revmap_handle handles[OBJECTS][HANDLES];
static unsigned int nr_writers;
static unsigned long walks, misses, errors;
static int stop;

/* Writer @w changes the objects i with i % nr_writers == w, and no other. */
static void *writer(void *arg)
{
	unsigned int w = (unsigned int)(uintptr_t)arg;
	uint64_t rnd = rnd_seed(1, w);
	unsigned long errs = 0;

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		unsigned int i = w + nr_writers * rnd_below(&rnd, (OBJECTS - w + nr_writers - 1) / nr_writers);
		struct revmap_handle *h = &handles[i][STABLE + rnd_below(&rnd, HANDLES - STABLE)];

		errs += !!(READ_ONCE(h->object) ? revmap_del(&objects[i], h) :
						  revmap_add(&objects[i], h));
	}
	__atomic_fetch_add(&errors, errs, __ATOMIC_RELAXED);
	return NULL;
}

static int seen(struct revmap_handle *h, void *arg)
{
	unsigned int *mask = arg;

	if (h->index < STABLE)
		*mask |= 1u << h->index;
	return 0;
}

static void *reader(void *arg)
{
	uint64_t rnd = rnd_seed(2, (unsigned int)(uintptr_t)arg);
	unsigned long n = 0, missed = 0;

	rcu_register_thread();
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		unsigned int mask = 0;

		revmap_for_each(&objects[rnd_below(&rnd, OBJECTS)], seen, &mask,
				NULL);
		missed += mask != (1u << STABLE) - 1;
		n++;
	}
	rcu_unregister_thread();
	__atomic_fetch_add(&walks, n, __ATOMIC_RELAXED);
	__atomic_fetch_add(&misses, missed, __ATOMIC_RELAXED);
	return NULL;
}

int main(int argc, char **argv)
{
	unsigned int secs = argc > 1 ? atoi(argv[1]) : 2;
	unsigned int nw = argc > 2 ? atoi(argv[2]) : 2;
	unsigned int nr = argc > 3 ? atoi(argv[3]) : 2;
	pthread_t t[64];
	unsigned int i, j;

	if (nw + nr > ARRAY_SIZE(t) || !nw || nw > OBJECTS || !nr) {
		fprintf(stderr, "usage: %s [seconds] [writers (1-%d)] [readers] (64 threads at most)\n",
			argv[0], OBJECTS);
		return 2;
	}
	nr_writers = nw;
	if (revmap_init())
		return 1;
	for (i = 0; i < OBJECTS; i++) {
		revmap_object_init(&objects[i]);
		for (j = 0; j < HANDLES; j++) {
			handles[i][j].index = j;
			if (j < STABLE && revmap_add(&objects[i], &handles[i][j]))
				errors++;
		}
	}
	for (i = 0; i < nw + nr; i++)
		pthread_create(&t[i], NULL, i < nw ? writer : reader,
			       (void *)(uintptr_t)i);
	sleep(secs);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < nw + nr; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < OBJECTS; i++)
		revmap_object_destroy(&objects[i]);
	revmap_exit();
	printf("revmap: %u writers, %u readers, %u s: %lu lockless walks, %lu missed a stable handle, %lu errors, %lu warnings\n",
	       nw, nr, secs, walks, misses, errors, shim_warnings);
	return misses || errors || shim_warnings ? 1 : 0;
}
