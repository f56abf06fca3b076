/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Races forced on x86's aging walks without mmu_lock, for tests: the fault
 * attribute kvm/fail_lockless_age.  Part of mmu.c, which includes it only
 * with CONFIG_KVM_PROVE_MMU and CONFIG_FAULT_INJECTION_DEBUG_FS (see
 * KVM_AGE_FAULT_INJECTION in mmu_internal.h): it needs the shadow MMU's
 * own helpers (drop_spte(), the zap, the rmap node cache), which no other
 * file should see.  mmu.c calls it through one-line hooks, empty in other
 * builds; tdp_mmu.c has its own for the TDP MMU's walk.
 */
#ifndef __KVM_X86_MMU_AGE_FAULT_H
#define __KVM_X86_MMU_AGE_FAULT_H

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fault-inject.h>

/*
 * Races forced on the lockless walk, for tests: the fault attribute
 * kvm/fail_lockless_age (in debugfs, Documentation/fault-injection/) decides
 * when, and its "modes" file, a mask of the KVM_AGE_FAULT_* bits, what:
 *
 * KVM_AGE_FAULT_FOREIGN: before an SPTE, the visitor is handed its
 *	neighbour in the same shadow page, which maps another gfn: what a
 *	walk holding a pointer that left this rmap may meet.
 * KVM_AGE_FAULT_DELAY: the visitor waits delay_us microseconds after
 *	taking an entry and again between checking its SPTE and clearing
 *	the Accessed bit, so that vCPUs and zaps change the SPTE, the rmap
 *	and its nodes under the walk.
 * KVM_AGE_FAULT_PASSES: a walk ends as if it had used up its passes, and
 *	the range is aged under mmu_lock.
 * KVM_AGE_FAULT_REUSE: once a walk, before the visitor reads an entry,
 *	SPTEs are zapped from the front of the rmap until the node holding
 *	the entry is freed, the shadow page the entry points into is zapped
 *	(and freed a grace period later), and rmap nodes are taken from the
 *	slab into a list of the walk's own, as a vCPU's cache refill would
 *	take them, until that node is among them: the walk reads an SPTE of
 *	a zapped page, and the node it is in holds another list's entries
 *	and ends on that list's nulls value.
 * KVM_AGE_FAULT_DROP: between checking an SPTE and clearing its Accessed
 *	bit, the visitor zaps the SPTE under mmu_lock, as a vCPU or an mmu
 *	notifier may: the clear must not bring it back.  The TDP MMU's
 *	lockless walk does the same, and warns if its clear wrote back the
 *	SPTE zapped (tdp_mmu_age_fault_check()).  "dropped" counts the zaps;
 *	"drops_refused" the shadow MMU's SPTEs that were no longer leaves of
 *	the walk's rmap under the lock (a huge SPTE split meanwhile), which
 *	only the rmap's own removal may take out of it.
 * KVM_AGE_FAULT_SPTE_SET: a marked vCPU waits delay_us between writing a
 *	new SPTE into a shadow page of guest translations and adding it to
 *	its rmap, so that a walk holding the slot's pointer from the rmap the
 *	old SPTE left reads the new SPTE while the rmaps are not yet changed.
 * KVM_AGE_FAULT_OTHER_VM: the shadow page of an SPTE the visitor finds to
 *	be this VM's becomes the decoy, if there is none (under mmu_lock; its
 *	zap withdraws it before the page's grace period begins).  Before an
 *	SPTE, the visitor is handed the decoy's SPTE for the same gfn if the
 *	decoy is another VM's: what a walk whose node was reused by another
 *	VM's rmap may meet, and only the shadow page's VM tells apart.
 *
 * A test enables it for its own aging thread only (task-filter and
 * /proc/thread-self/make-it-fail).  Without CONFIG_KVM_PROVE_MMU none of
 * this is built.
 */
/* The most nodes a reuse takes from the slab looking for the walk's. */
#define KVM_AGE_FAULT_REUSE_NODES	64

/* What the reused nodes hold: never shadow-present. */
static u64 kvm_age_fault_decoy_spte;

/*
 * Walks whose node KVM_AGE_FAULT_REUSE reused, and whether it can: with
 * SLUB_RCU_DEBUG a freed node waits for a grace period, which a walk holds.
 */
static atomic_t kvm_age_fault_reused;
static bool kvm_age_fault_can_reuse = !IS_ENABLED(CONFIG_SLUB_RCU_DEBUG);

/* KVM_AGE_FAULT_OTHER_VM's shadow page: one of any VM's */
static struct kvm_mmu_page __rcu *kvm_age_fault_decoy_sp;

static DECLARE_FAULT_ATTR(fail_lockless_age);
u32 kvm_age_fault_modes;
static u32 kvm_age_fault_delay_us = 100;

/*
 * SPTEs KVM_AGE_FAULT_DROP zapped, on either MMU's walk, and the shadow
 * MMU's drops it refused because the SPTE was no longer a leaf of the
 * walk's rmap under the lock.
 */
static atomic_t kvm_age_fault_drops;
static atomic_t kvm_age_fault_drops_refused;

bool __kvm_age_fault(void)
{
	return should_fail(&fail_lockless_age, 1);
}

void kvm_age_fault_count_drop(void)
{
	atomic_inc(&kvm_age_fault_drops);
}

static void kvm_age_fault_delay(void)
{
	if (kvm_age_fault(KVM_AGE_FAULT_DELAY))
		udelay(READ_ONCE(kvm_age_fault_delay_us));
}

static bool kvm_mmu_prepare_zap_page(struct kvm *kvm, struct kvm_mmu_page *sp,
				     struct list_head *invalid_list);
static void kvm_mmu_commit_zap_page(struct kvm *kvm,
				    struct list_head *invalid_list);

static void kvm_age_fault_spte_set(struct kvm_mmu_page *sp)
{
	if (sp->shadowed_translation && kvm_age_fault(KVM_AGE_FAULT_SPTE_SET))
		udelay(READ_ONCE(kvm_age_fault_delay_us));
}

static bool kvm_age_spte_is_ours(const struct kvm_age_rmap_walk *w,
				 u64 *sptep);

static void kvm_age_fault_reuse(struct kvm_age_rmap_walk *w, u64 *sptep)
{
	struct llist_nulls_multi_head *list = &w->rmap->list;
	struct llist_nulls_multi_node *node, *held = NULL;
	struct kvm_mmu_page *sp = sptep_to_sp(sptep);
	struct kvm *kvm = w->kvm;
	LIST_HEAD(invalid_list);
	bool flush = false;
	u32 held_pos = 0;
	int i;

	write_lock(&kvm->mmu_lock);
	/* The node holding the entry, if the entry is in this rmap's nodes. */
	for (node = llist_nulls_multi_first_node(list); node && !held;
	     node = node->next & LLIST_NULLS_MULTI_NULLS ? NULL :
		    (struct llist_nulls_multi_node *)node->next)
		for (i = 0; i < node->count; i++)
			if (node->entries[i] == sptep)
				held = node;
	/* Zap SPTEs from the front of the rmap until that node is freed. */
	if (held)
		held_pos = held->pos;
	while (held && (node = llist_nulls_multi_first_node(list)) &&
	       node->pos >= held_pos) {
		drop_spte(kvm, llist_nulls_multi_first(list));
		flush = true;
	}
	if (flush)
		kvm_flush_remote_tlbs(kvm);
	/* Zap the shadow page the entry points into. */
	if (sp->kvm == kvm && !sp->role.invalid && !sp->root_count)
		kvm_mmu_prepare_zap_page(kvm, sp, &invalid_list);
	kvm_mmu_commit_zap_page(kvm, &invalid_list);
	/* Take nodes from the slab, as a refill would, until that one. */
	for (i = 0; held && i < KVM_AGE_FAULT_REUSE_NODES * RMAP_NODE_CAP; i++) {
		node = NULL;
		if (llist_nulls_multi_need_node(&w->decoy, &rmap_node_params)) {
			node = kmem_cache_alloc(rmap_node_cache,
						GFP_ATOMIC | __GFP_NOWARN);
			if (!node)
				break;
		}
		if (llist_nulls_multi_add(&w->decoy, &kvm_age_fault_decoy_spte,
					  &rmap_node_params, &node) < 0) {
			if (node)
				kmem_cache_free(rmap_node_cache, node);
			break;
		}
		if (llist_nulls_multi_first_node(&w->decoy) == held) {
			atomic_inc(&kvm_age_fault_reused);
			break;
		}
	}
	write_unlock(&kvm->mmu_lock);
}

static void kvm_age_fault_drop(struct kvm_age_rmap_walk *w, u64 *sptep)
{
	if (!kvm_age_fault(KVM_AGE_FAULT_DROP))
		return;
	write_lock(&w->kvm->mmu_lock);
	/*
	 * Checked again under the lock: the SPTE may have changed since the
	 * visitor's check (a huge SPTE split into a page table, another gfn's
	 * SPTE written into the slot), and only a leaf of this rmap may be
	 * dropped from it.  A present SPTE that is not is a refusal; one
	 * zapped meanwhile is not.
	 */
	if (is_shadow_present_pte(*sptep) && is_last_spte(*sptep, w->level) &&
	    kvm_age_spte_is_ours(w, sptep)) {
		drop_spte(w->kvm, sptep);
		kvm_flush_remote_tlbs(w->kvm);
		kvm_age_fault_count_drop();
	} else if (is_shadow_present_pte(*sptep)) {
		atomic_inc(&kvm_age_fault_drops_refused);
	}
	write_unlock(&w->kvm->mmu_lock);
}

static __always_inline void kvm_age_fault_maybe_reuse(struct kvm_age_rmap_walk *w,
						      u64 *sptep)
{
	/* Only an SPTE (not a reused node's entry) has a shadow page. */
	if (!w->reused && is_shadow_present_pte(mmu_spte_get_lockless(sptep)) &&
	    kvm_age_fault(KVM_AGE_FAULT_REUSE)) {
		w->reused = true;
		kvm_age_fault_reuse(w, sptep);
	}
}

/*
 * KVM_AGE_FAULT_OTHER_VM: the decoy's SPTE for the walk's gfn if the decoy
 * is another VM's page; without a decoy, @sptep's page becomes it.
 */
static u64 *kvm_age_fault_other_vm(struct kvm_age_rmap_walk *w, u64 *sptep)
{
	struct kvm_mmu_page *sp = rcu_dereference(kvm_age_fault_decoy_sp);
	union kvm_mmu_page_role role;
	int i;

	if (!sp) {
		sp = sptep_to_sp(sptep);
		write_lock(&w->kvm->mmu_lock);
		/* Not yet zapped, so its zap will withdraw it. */
		if (sp->kvm == w->kvm && !sp->role.invalid &&
		    is_shadow_present_pte(*sptep))
			cmpxchg(&kvm_age_fault_decoy_sp, NULL, RCU_INITIALIZER(sp));
		write_unlock(&w->kvm->mmu_lock);
		return NULL;
	}
	if (sp->kvm == w->kvm)
		return NULL;
	role.word = READ_ONCE(sp->role.word);
	if (role.level != w->level)
		return NULL;
	for (i = 0; i < SPTE_ENT_PER_PAGE; i++)
		if (kvm_age_sp_gfn(sp, role, i) >> KVM_HPAGE_GFN_SHIFT(w->level) ==
		    w->gfn >> KVM_HPAGE_GFN_SHIFT(w->level))
			return sp->spt + i;
	return NULL;
}

/*
 * KVM_AGE_FAULT_FOREIGN or KVM_AGE_FAULT_OTHER_VM: an SPTE to hand the
 * visitor before @sptep, or NULL.
 */
static __always_inline u64 *kvm_age_fault_other(struct kvm_age_rmap_walk *w,
						u64 *sptep)
{
	/* Only an SPTE (not a reused node's entry) has a shadow page. */
	if (!is_shadow_present_pte(mmu_spte_get_lockless(sptep)))
		return NULL;
	if (kvm_age_fault(KVM_AGE_FAULT_FOREIGN))
		return sptep_to_sp(sptep)->spt + (spte_index(sptep) ^ 1);
	if (kvm_age_fault(KVM_AGE_FAULT_OTHER_VM))
		return kvm_age_fault_other_vm(w, sptep);
	return NULL;
}

/* A zapped page stops being the decoy before its grace period begins. */
static void kvm_age_fault_withdraw(struct kvm_mmu_page *sp)
{
	if (rcu_access_pointer(kvm_age_fault_decoy_sp) == sp)
		cmpxchg(&kvm_age_fault_decoy_sp, RCU_INITIALIZER(sp), NULL);
}

/* Frees what KVM_AGE_FAULT_REUSE took, once the walk is over. */
static inline void kvm_age_fault_walk_end(struct kvm_age_rmap_walk *w)
{
	/* Only a reuse puts nodes on the decoy list. */
	if (w->reused)
		llist_nulls_multi_destroy(&w->decoy, &rmap_node_params, NULL,
					  rmap_node_free_fn, NULL);
}

static inline void kvm_age_fault_walk_start(struct kvm_age_rmap_walk *w,
					    struct kvm_rmap_head *rmap)
{
	w->rmap = rmap;
	w->reused = false;
	llist_nulls_multi_init(&w->decoy);
}

/*
 * The attribute's directory, in KVM's debugfs directory, which kvm_exit()
 * removes with everything in it.
 */
void kvm_arch_create_debugfs(struct dentry *kvm_dir)
{
	struct dentry *dir;

	fail_lockless_age.verbose = 0;
	dir = fault_create_debugfs_attr("fail_lockless_age", kvm_dir,
					&fail_lockless_age);
	if (IS_ERR(dir))
		return;
	debugfs_create_x32("modes", 0600, dir, &kvm_age_fault_modes);
	debugfs_create_u32("delay_us", 0600, dir, &kvm_age_fault_delay_us);
	debugfs_create_atomic_t("reused", 0400, dir, &kvm_age_fault_reused);
	debugfs_create_atomic_t("dropped", 0400, dir, &kvm_age_fault_drops);
	debugfs_create_atomic_t("drops_refused", 0400, dir,
				&kvm_age_fault_drops_refused);
	debugfs_create_bool("can_reuse", 0400, dir, &kvm_age_fault_can_reuse);
}

#endif /* __KVM_X86_MMU_AGE_FAULT_H */
