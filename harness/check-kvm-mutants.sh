#!/usr/bin/env bash
# Show that our KVM selftests can fail: for each harness/kvm/mutants/*.mut,
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
#   check-kvm-mutants.sh [--all] [NAME...]
. "$(dirname "$0")/common.sh"

all=0
[ "${1:-}" = --all ] && { all=1; shift; }
if [ $# -gt 0 ]; then
	muts=()
	for n in "$@"; do muts+=("$HARNESS/kvm/mutants/$n.mut"); done
else
	muts=("$HARNESS"/kvm/mutants/*.mut)
fi

bash "$HARNESS/build-kvm-selftests.sh" >/dev/null || die "cannot build the KVM selftests (bash harness/build-kvm-selftests.sh)"
# Whatever happens, the tree goes back to the series.
trap 'git -C "$SRC" checkout -q -- arch include lib virt' EXIT
r=0
for m in "${muts[@]}"; do
	[ -f "$m" ] || die "no mutant $m"
	name=$(basename "$m" .mut)
	test=$(sed -n 's/^# test: *//p' "$m")
	set_=$(sed -n 's/^# set: *//p' "$m")
	append=$(sed -n 's/^# append: *//p' "$m")
	mmu=$(sed -n 's/^# mmu: *//p' "$m")
	survives=$(sed -n '/^# survives:/,/^# [a-z]*:/p' "$m" | sed '$d' | sed 's/^# *//; s/^survives: *//' | tr '\n' ' ')
	if [ -n "$survives" ] && [ $all = 0 ]; then
		echo "SURVIVING (known, not booted): $name: $survives"
		continue
	fi
	python3 "$HARNESS/mutate.py" "$m" "$SRC" || { r=1; continue; }
	f=$(sed -n 's/^file: *//p' "$m")
	# A mutant of KVM's modules rebuilds only them.
	ko=0
	case $f in arch/x86/kvm/* | virt/kvm/*) ko=1 ;; esac
	if img=$(KVM_ONLY=$ko bash "$HARNESS/build-kvm.sh" converted); then
		# A kernel problem (BUG, WARNING, KASAN) in the log fails the
		# boot: that kills the mutant as surely as a failed test.
		AB_REPS=1 BOOT_APPEND="$append" KVM_MMU="${mmu:-shadow}" bash "$HARNESS/boot-kvm-selftests.sh" "$img" \
			"mutant-$name" "${set_:-ab}" >"$BUILD/kvm-run/mutant-$name.results" || true
		res=$(awk -v t="${test:-x86_64/shadow_rmap_test}" '$1 == t { print $2 }' \
			"$BUILD/kvm-run/mutant-$name.results" | head -n 1)
		reported=0
		reports=$(kernel_reports "$BUILD/kvm-run/mutant-$name.log") && reported=1
		if [ $reported = 0 ] && [ "$res" = PASS ]; then
			echo "SURVIVED: $name"
			r=1
		elif [ $reported = 0 ] && [[ $res != FAIL* && $res != TIMEOUT ]]; then
			# Skipped, missing, or a boot without KVM: not a kill.
			echo "NOT JUDGED: $name: ${res:-no result} (build/kvm-run/mutant-$name.log)"
			r=1
		else
			# One line: the named test's result and why: the assertion's
			# own words, else the kernel's report.
			log_=$BUILD/kvm-run/mutant-$name.log
			why=
			[[ $res == FAIL* ]] &&
				why=$(grep -a -A4 'Test Assertion Failure' "$log_" |
					grep -a -v -E 'Assertion|\.c:[0-9]+:|pid=|addr2line' |
					grep -a -m1 . | sed 's/^.*\] *//')
			[ -z "$why" ] && [ $reported = 1 ] &&
				why="kernel report: $(head -n 1 <<<"$reports" | sed 's/^\[[^]]*\] *//')"
			[ -z "$why" ] &&
				why=$(grep -a -m1 -E "not logged|expected|BUG at" "$log_" | sed 's/^.*\] *//')
			echo "killed: $name: ${test:-x86_64/shadow_rmap_test} ${res:-no result}: ${why:-see build/kvm-run/mutant-$name.log}"
		fi
	else
		echo "mutant $name does not build"
		r=1
	fi
	git -C "$SRC" checkout -q -- "$f"
done
bash "$HARNESS/build-kvm.sh" converted >/dev/null || r=1
exit $r
