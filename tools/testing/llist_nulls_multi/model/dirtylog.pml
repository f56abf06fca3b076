/*
 * KVM's dirty-log write-protect without mmu_lock (arch/x86/kvm/mmu/mmu.c),
 * as a spin model: one guest page, mapped by one SPTE slot, logged by a
 * harvest that walks the page's rmap without the lock, against a vCPU
 * that writes the page and faults, an mmu_lock holder that replaces the
 * SPTE with a writable value built from an earlier read (sync_spte()),
 * and a zap.  Each statement is one atomic step; spin explores every
 * interleaving (sequential consistency: the orders the steps rely on
 * under the kernel's memory model are the KVM+wrprot-* litmus tests).
 * The TLB is not modelled: the harvest's flush before the log reaches
 * user space is taken as done.
 *
 * The property is a migration's: every write is followed by a harvest
 * that names the page and copies it.  "unreported" is set by each write
 * and cleared by each copy; once the vCPU, the holder and the zap are
 * done, a last harvest must leave it clear.
 *
 * The list's walk is abstracted to its visit guarantee: the harvest reads
 * whether the SPTE's entry is in the rmap once (an entry added during the
 * walk may or may not be visited) and, if it is, visits the SPTE, which
 * may have been zapped meanwhile.
 *
 * Mutants (-D): PLAIN_STORE, the holder replaces a writable SPTE with a
 * plain store (6.12's rule); NO_MARK_AFTER, the slow fault keeps only
 * make_spte()'s mark, made before the SPTE is written; MARK_BEFORE_RMAP,
 * it marks after writing the SPTE but before adding it to the rmap;
 * FAST_PF_MARK_FIRST, the fast page fault marks before its cmpxchg;
 * PLAIN_CLEAR, the harvest clears Writable with a plain store of the
 * value it checked.  Each must lose a page (harvest_done_clean).
 */

#ifndef NWRITES
#define NWRITES		3	/* the vCPU's writes */
#endif
#ifndef NHARVESTS
#define NHARVESTS	2	/* harvests while the others run */
#endif
#define NDONE		3	/* vCPU, holder, zap */

bool present;		/* the SPTE is present */
bool writable;		/* ... and writable (it is always MMU-writable) */
bool in_rmap;		/* its entry is in the page's rmap */
bool dirty;		/* the page's dirty bit */
bool unreported;	/* a write since the last copy */
bool locked;		/* mmu_lock */
byte done;

inline lock()
{
	atomic { !locked -> locked = true }
}

inline unlock()
{
	locked = false
}

/* The vCPU: NWRITES writes, each through a writable SPTE or after a fault. */
proctype vcpu()
{
	byte n = 0;

	do
	:: n == NWRITES -> break
	:: atomic { n < NWRITES && present && writable -> unreported = true; n++ }
#ifdef FAST_PF_MARK_FIRST
	:: atomic { n < NWRITES && present && !writable }
		dirty = true;
		atomic { if :: present && !writable -> writable = true :: else -> skip fi }
#else
	:: atomic { n < NWRITES && present && !writable -> writable = true }
		dirty = true		/* fast_page_fault(): its cmpxchg, then the mark */
#endif
	:: atomic { n < NWRITES && !present }
		/* the slow path, under mmu_lock: mmu_set_spte() */
		lock();
		if
		:: !present ->
			dirty = true;		/* make_spte()'s mark */
			atomic { present = true; writable = true };
#ifdef MARK_BEFORE_RMAP
			dirty = true;
#endif
			in_rmap = true;
#if !defined(NO_MARK_AFTER) && !defined(MARK_BEFORE_RMAP)
			dirty = true;		/* kvm_mmu_note_writable() */
#endif
		:: else -> skip
		fi;
		unlock()
	od;
	done++
}

/* An mmu_lock holder rebuilding the SPTE writable: sync_spte(). */
proctype holder()
{
	bool old;

	lock();
	if
	:: present ->
		dirty = true;			/* make_spte()'s mark */
#ifdef PLAIN_STORE
		old = writable;
		if
		:: old -> writable = true	/* a plain store: the value read */
		:: else -> atomic { old = writable; writable = true }
		fi;
#else
		atomic { old = writable; writable = true };	/* xchg */
#endif
		if
		:: !old -> dirty = true		/* kvm_mmu_note_writable() */
		:: else -> skip
		fi
	:: else -> skip
	fi;
	unlock();
	done++
}

/* A zap under mmu_lock: drop_spte(). */
proctype zap()
{
	lock();
	atomic { present = false; writable = false };
	in_rmap = false;
	unlock();
	done++
}

/*
 * One harvest: xchg() the bit; if it was set, walk the rmap without the
 * lock, clear Writable, (flush,) copy the page.
 */
inline harvest()
{
	atomic { took = dirty; dirty = false };
	if
	:: took ->
		if
		:: in_rmap ->
#ifdef PLAIN_CLEAR
			p = present;
			w = writable;
			if
			:: p && w -> atomic { present = p; writable = false }
			:: else -> skip
			fi;
#else
			atomic { if :: present && writable -> writable = false :: else -> skip fi };
#endif
		:: else -> skip
		fi;
		unreported = false
	:: else -> skip
	fi
}

proctype harvester()
{
	bool took, p, w;
	byte h = 0;

	do
	:: h < NHARVESTS -> harvest(); h++
	:: h == NHARVESTS -> break
	od;
	done == NDONE;
	harvest();
	assert(!unreported);	/* harvest_done_clean */
}

init
{
	atomic {
		run vcpu();
		run holder();
		run zap();
		run harvester()
	}
}
