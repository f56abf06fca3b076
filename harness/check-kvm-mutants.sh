#!/usr/bin/env bash
# Show that our KVM selftests can fail: for each harness/mutants/kvm/*.mut,
# apply the deliberate bug to the converted KVM, build it, boot it and run
# the selftest the mutant names ("# test:", default shadow_rmap_test;
# "# set:" the tests.list tag to boot, default ab; "# append:" more kernel
# parameters, e.g. debug_pagealloc=on; "# mmu: tdp" boots the TDP MMU, else
# shadow paging), which must fail or make the kernel report a problem; then
# put the tree back and rebuild.  Fails if a mutant survives.
#
# A mutant marked "# survives: REASON" is a known gap (no test kills it
# yet) or an equivalent mutant: it is listed as SURVIVING with its reason
# and not booted.  --all boots those too: one a test now kills reads
# "killed" (then drop its mark).
#
# A mutant is killed only by its test failing (or timing out) or by a
# kernel report in the boot's log; a boot where the test was skipped or
# missing, or KVM did not load, reads NOT JUDGED and fails the run.  KVM is
# built as modules, so a mutant of arch/x86/kvm/ or virt/kvm/ rebuilds KVM's
# modules alone (KVM_ONLY=1 build-kvm.sh converted), and the boot loads them
# with the kernel's kvm.* and kvm_amd.* parameters.  Each mutant's kernel
# and modules are copied to build/kvm-mutants/NAME and booted from there
# while the next mutant builds (run_mutants' mutant_snapshot).
#   check-kvm-mutants.sh [--all] [NAME...]
. "$(dirname "$0")/common.sh"

[ "${1:-}" = --all ] && { export MUTANTS_ALL=1; shift; }

bash "$HARNESS/build-kvm-selftests.sh" >/dev/null || die "cannot build the KVM selftests (bash harness/build-kvm-selftests.sh)"

# kvm_only FILE: true if the mutant is of KVM's modules alone.
kvm_only() {
	case $(sed -n 's/^file: *//p' "$1") in arch/x86/kvm/* | virt/kvm/*) ;; *) return 1 ;; esac
}

# Set while build/kvm's vmlinux has a mutant in it that the tree no longer
# has (a mutant of vmlinux, restored): the next build must be a full one.
VMLINUX_MUTATED=$BUILD/kvm/.vmlinux-mutated

mutant_apply() {
	local ko=0
	python3 "$HARNESS/mutate.py" "$1" "$SRC" || return 1
	# A mutant of KVM's modules rebuilds only them, on a clean vmlinux.
	kvm_only "$1" && [ ! -e "$VMLINUX_MUTATED" ] && ko=1
	KVM_ONLY=$ko bash "$HARNESS/build-kvm.sh" converted >/dev/null || return 1
	if kvm_only "$1"; then rm -f "$VMLINUX_MUTATED"; else touch "$VMLINUX_MUTATED"; fi
}

# The mutant's kernel and modules, booted while the next mutant builds.
mutant_snapshot() {
	local dir
	dir=$BUILD/kvm-mutants/$(basename "$1" .mut)
	rm -rf "$dir"
	mkdir -p "$dir"
	cp "$BUILD"/kvm/arch/x86/boot/{bzImage,*.ko} "$dir/"
}

mutant_test() {
	local name test log res='' reports='' why='' reported=0
	name=$(basename "$1" .mut)
	test=$(mutant_field "$1" test)
	test=${test:-x86_64/shadow_rmap_test}
	log=$BUILD/kvm-run/mutant-$name.log
	AB_REPS=1 BOOT_APPEND="$(mutant_field "$1" append)" \
		KVM_MMU="$(mutant_field "$1" mmu | grep . || echo shadow)" \
		bash "$HARNESS/boot-kvm-selftests.sh" "$BUILD/kvm-mutants/$name/bzImage" \
		"mutant-$name" "$(mutant_field "$1" set | grep . || echo ab)" \
		>"$BUILD/kvm-run/mutant-$name.results" || true
	rm -rf "$BUILD/kvm-mutants/$name"
	res=$(awk -v t="$test" '$1 == t { print $2 }' "$BUILD/kvm-run/mutant-$name.results" |
		head -n 1)
	# A kernel problem (BUG, WARNING, KASAN) in the log fails the boot: that
	# kills the mutant as surely as a failed test.
	reports=$(kernel_reports "$log") && reported=1
	if [ $reported = 0 ] && [ "$res" = PASS ]; then
		echo "$test PASS"
		return 0
	elif [ $reported = 0 ] && [[ $res != FAIL* && $res != TIMEOUT ]]; then
		# Skipped, missing, or a boot without KVM: not a kill.
		echo "${res:-no result} (build/kvm-run/mutant-$name.log)"
		return 2
	fi
	# Why: the assertion's own words, else the kernel's report.
	[[ $res == FAIL* ]] &&
		why=$(grep -a -A4 'Test Assertion Failure' "$log" |
			grep -a -v -E 'Assertion|\.c:[0-9]+:|pid=|addr2line' |
			grep -a -m1 . | sed 's/^.*\] *//')
	[ -z "$why" ] && [ $reported = 1 ] &&
		why="kernel report: $(head -n 1 <<<"$reports" | sed 's/^\[[^]]*\] *//')"
	[ -z "$why" ] &&
		why=$(grep -a -m1 -E "not logged|expected|BUG at" "$log" | sed 's/^.*\] *//')
	echo "$test ${res:-no result}: ${why:-see build/kvm-run/mutant-$name.log}"
	return 1
}

mutant_restore() { git -C "$SRC" checkout -q -- arch include lib virt; }

# Mutants of KVM's modules first: after one of vmlinux, the next mutant
# needs a full build (VMLINUX_MUTATED), and the full build at the end
# does that for the last.
if [ $# = 0 ]; then
	for m in "$HARNESS"/mutants/kvm/*.mut; do kvm_only "$m" && set -- "$@" "$(basename "$m" .mut)"; done
	for m in "$HARNESS"/mutants/kvm/*.mut; do kvm_only "$m" || set -- "$@" "$(basename "$m" .mut)"; done
fi
rc=0
run_mutants kvm "$@" || rc=1
# Leave the converted kernel built as the series has it.
if bash "$HARNESS/build-kvm.sh" converted >/dev/null; then
	rm -f "$VMLINUX_MUTATED"
else
	rc=1
fi
exit $rc
