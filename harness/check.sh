#!/usr/bin/env bash
# The gate: every step counts as passed or failed; the last line is
# "N passed, N failed".  Logs: build/check/<step>.log.
. "$(dirname "$0")/common.sh"
set +e

LOGS=$BUILD/check
rm -rf "$LOGS"
mkdir -p "$LOGS"
passed=0
failed=0
t0=$(date +%s)

# step [-s ERE] NAME CMD...: run CMD, log it, count it.  Under its result:
# the lines of its log that match ERE, and build/check/NAME.summary if CMD
# wrote one.
step() {
	local re='' name t rc
	if [ "$1" = -s ]; then
		re=$2
		shift 2
	fi
	name=$1 t=$(date +%s)
	shift
	log "check: $name"
	( "$@" ) >"$LOGS/$name.log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
		printf 'PASS  %-28s %4ss\n' "$name" $(($(date +%s) - t))
	else
		failed=$((failed + 1))
		printf 'FAIL  %-28s %4ss  (build/check/%s.log)\n' "$name" $(($(date +%s) - t)) "$name"
		tail -n 25 "$LOGS/$name.log" | sed 's/^/      | /'
	fi
	[ -n "$re" ] && grep -E "$re" "$LOGS/$name.log" >>"$LOGS/$name.summary"
	[ -f "$LOGS/$name.summary" ] && sed 's/^/      /' "$LOGS/$name.summary"
	return 0
}

# step_bg [-s ERE] NAME CMD...: step, in the background, for a step that
# needs one core while the steps after it leave one idle (a boot in QEMU
# TCG is one thread).  Its result is printed and counted at step_wait.
BG=()
step_bg() {
	local name=$1
	[ "$1" = -s ] && name=$3
	(
		passed=0 failed=0
		step "$@"
		echo "$failed" >"$LOGS/$name.bg-failed"
	) >"$LOGS/$name.bg-out" &
	BG+=("$name")
}

# step_wait: wait for the steps in the background, then print and count
# them in the order they started.
step_wait() {
	local name
	wait
	for name in "${BG[@]}"; do
		cat "$LOGS/$name.bg-out"
		if [ "$(cat "$LOGS/$name.bg-failed" 2>/dev/null)" = 0 ]; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
		fi
	done
	BG=()
}

OURS=(include/linux/llist_nulls_multi.h lib/llist_nulls_multi.c
      lib/test_llist_nulls_multi.c lib/test_llist_nulls_multi.h
      lib/test_llist_nulls_multi_torture.c
      Documentation/core-api/llist-nulls-multi.rst
      samples/llist_nulls_multi/revmap.h
      samples/llist_nulls_multi/llist_nulls_multi_revmap.c
      samples/llist_nulls_multi/revmap_kunit.c
      tools/testing/selftests/kvm/x86_64/shadow_rmap_test.c
      tools/testing/selftests/kvm/x86_64/shadow_aging_test.c
      tools/testing/selftests/kvm/x86_64/shadow_dirty_log_test.c
      tools/testing/selftests/kvm/x86_64/shadow_age_repoint_test.c
      tools/testing/selftests/kvm/x86_64/shadow_zap_rcu_test.c
      tools/testing/selftests/kvm/x86_64/khugepaged_young_test.c
      tools/testing/selftests/kvm/x86_64/reclaim_young_test.c
      tools/testing/selftests/kvm/x86_64/aging_contention_test.c
      tools/testing/selftests/kvm/include/x86_64/fail_lockless_age.h
      tools/testing/selftests/kvm/include/page_aging.h
      tools/testing/selftests/kvm/include/memcg_reclaim.h)
OBJS=(lib/llist_nulls_multi.o lib/test_llist_nulls_multi.o
      lib/test_llist_nulls_multi_torture.o
      samples/llist_nulls_multi/llist_nulls_multi_revmap.o
      samples/llist_nulls_multi/revmap_kunit.o)

# --- the steps -------------------------------------------------------------

prepare() {
	apt_need sparse python3-sphinx python3-sphinx-rtd-theme python3-yaml python3-ply python3-git
	bash "$HARNESS/prepare.sh"
}

kunit_uml() {
	bash "$HARNESS/run-kunit.sh" || return 1
	local line
	line=$(grep -E 'Testing complete\. Ran [0-9]+ tests' "$BUILD/kunit-uml.log" | tail -n 1)
	{
		echo "$line"
		grep -E 'Elapsed time' "$BUILD/kunit-uml.log" | tail -n 1
		grep -ho 'llnm_[a-z0-9_]*: llnm-.*' "$BUILD/uml/test.log"
	} >"$LOGS/kunit-uml.summary"
	grep -q 'llist_nulls_multi' "$BUILD/kunit-uml.log" || { echo "suite did not run"; return 1; }
	# at least the cases the suite declares, all passed
	local want
	want=$(cat "$TOP/lib/test_llist_nulls_multi.c" "$TOP/lib/test_llist_nulls_multi_torture.c" |
		grep -c '^	KUNIT_CASE')
	echo "$line" | grep -Eq "Ran $want tests: passed: $want\$" ||
		{ echo "expected $want passed cases: $line"; return 1; }
}

checkpatch_files() {
	cd "$SRC" || return 1
	local f rc=0
	for f in "${OURS[@]}"; do
		perl scripts/checkpatch.pl --strict --no-summary --show-types -f "$f" || rc=1
	done
	return $rc
}

checkpatch_series() {
	local d
	d=$(mktemp -d)
	git -C "$SRC" format-patch -q -o "$d" base..series || return 1
	cd "$SRC" || return 1
	perl scripts/checkpatch.pl --strict --show-types "$d"/*.patch
	local rc=$?
	rm -rf "$d"
	return $rc
}

kernel_doc() {
	cd "$SRC" || return 1
	local out
	out=$(perl scripts/kernel-doc -none -Wall include/linux/llist_nulls_multi.h \
		lib/llist_nulls_multi.c 2>&1)
	echo "$out"
	[ -z "$out" ]
}

# sparse (C=2) and W=1 on our objects, for ARCH $1 with defconfig $2.
sparse_w1() {
	local arch=$1 defconfig=$2 o=$BUILD/obj-$1
	cd "$SRC" || return 1
	if [ ! -f "$o/.config" ]; then
		make -s ARCH="$arch" O="$o" "$defconfig" || return 1
	fi
	scripts/config --file "$o/.config" -e KUNIT -e LLIST_NULLS_MULTI_KUNIT_TEST \
		-e SAMPLES -e SAMPLE_LLIST_NULLS_MULTI \
		-e SAMPLE_LLIST_NULLS_MULTI_KUNIT_TEST
	make -s ARCH="$arch" O="$o" olddefconfig || return 1
	make -s ARCH="$arch" O="$o" -j"$JOBS" prepare || return 1
	local out
	out=$(make ARCH="$arch" O="$o" C=2 W=1 "${OBJS[@]}" 2>&1)
	echo "$out"
	echo "$out" | grep -q ' CHECK ' || { echo "sparse did not run"; return 1; }
	for f in "${OBJS[@]}"; do
		[ -f "$o/$f" ] || { echo "$f not built"; return 1; }
	done
	! echo "$out" | grep -E 'llist_nulls_multi.*(warning|error)'
}

# The converted KVM: x86_64_defconfig + kvm_guest.config + KVM, KVM_AMD, KVM_INTEL.
kvm_build() {
	bash "$HARNESS/build-kvm.sh" converted
}

# require_pass RESULTS TEST...: each TEST has a PASS line in RESULTS.
require_pass() {
	local results=$1 t rc=0
	shift
	for t in "$@"; do
		grep -q "^$t PASS" "$results" || { echo "$t did not pass"; rc=1; }
	done
	return $rc
}

# Boot the converted kernel under shadow paging and run the @check tests.
kvm_selftests_check() {
	local conv rc=0
	bash "$HARNESS/build-kvm-selftests.sh" >/dev/null || return 1
	conv=$BUILD/kvm/arch/x86/boot/bzImage
	bash "$HARNESS/boot-kvm-selftests.sh" "$conv" converted-check check >"$LOGS/kvm.results" || rc=1
	cat "$LOGS/kvm.results"
	grep -aE "$KVM_REPORT_LINES" "$BUILD/kvm-run/converted-check.log" | sed 's/^.*\] //'
	require_pass "$LOGS/kvm.results" x86_64/shadow_rmap_test x86_64/shadow_aging_test \
		x86_64/shadow_age_repoint_test x86_64/shadow_zap_rcu_test \
		x86_64/khugepaged_young_test x86_64/reclaim_young_test \
		x86_64/aging_contention_test || rc=1
	# Both shadow_age_repoint_test runs reported (-H needs THP: not a SKIP).
	[ "$(grep -ac 'repoints under aging: 0 wrong answers' "$BUILD/kvm-run/converted-check.log")" -ge 1 ] &&
		grep -aq -- '-H: .* drops refused' "$BUILD/kvm-run/converted-check.log" ||
		{ echo "shadow_age_repoint_test: a run did not report"; rc=1; }
	! grep -Ev ' (PASS|SKIP) ' "$LOGS/kvm.results" || rc=1
	# The node layouts the KVM patch asserts at build time, as SLUB made
	# them: 128-byte objects at a 128-byte stride, the rmap nodes' free
	# pointer inside the object.
	local slab
	for slab in kvm_rmap_node kvm_parent_pte_node; do
		grep -a "^@@@ SLAB $slab " "$BUILD/kvm-run/converted-check.log" ||
			{ echo "no slab line for $slab"; rc=1; continue; }
		grep -aq "^@@@ SLAB $slab object_size=128 slab_size=128 " \
			"$BUILD/kvm-run/converted-check.log" ||
			{ echo "$slab: not 128-byte objects at a 128-byte stride"; rc=1; }
	done
	return $rc
}

# Boot it again with the TDP MMU (QEMU's TCG emulates nested paging for
# SVM) and run the @tdp tests: the stock access_tracking_perf_test, and the
# aging tests, whose walks without mmu_lock are the TDP MMU's there.
kvm_selftests_tdp() {
	local rc=0
	bash "$HARNESS/build-kvm-selftests.sh" >/dev/null || return 1
	KVM_MMU=tdp bash "$HARNESS/boot-kvm-selftests.sh" "$BUILD/kvm/arch/x86/boot/bzImage" \
		converted-tdp tdp >"$LOGS/kvm-tdp.results" || rc=1
	cat "$LOGS/kvm-tdp.results"
	grep -aE "$KVM_REPORT_LINES" "$BUILD/kvm-run/converted-tdp.log" | sed 's/^.*\] //'
	require_pass "$LOGS/kvm-tdp.results" access_tracking_perf_test \
		x86_64/khugepaged_young_test x86_64/reclaim_young_test \
		x86_64/aging_contention_test || rc=1
	! grep -Ev ' (PASS|SKIP) ' "$LOGS/kvm-tdp.results" || rc=1
	# aging_contention_test -i: the TDP walk's SPTEs zapped under it.
	grep -aq 'injected: [1-9][0-9]* SPTEs zapped' "$BUILD/kvm-run/converted-tdp.log" ||
		{ echo "aging_contention_test -i: no zap reported"; rc=1; }
	return $rc
}

# The harness's own scripts: shellcheck's warnings and errors.
shellcheck_harness() {
	apt_need shellcheck
	shellcheck -x -S warning "$HARNESS"/*.sh
}

htmldocs() {
	cd "$SRC" || return 1
	local out
	out=$(make O="$BUILD/docs" SPHINXDIRS=core-api htmldocs 2>&1)
	local rc=$?
	echo "$out" | tail -n 40
	[ $rc -eq 0 ] || return 1
	[ -f "$BUILD/docs/Documentation/output/core-api/llist-nulls-multi.html" ] ||
		{ echo "guide not built"; return 1; }
	! echo "$out" | grep -Ei 'llist[-_]nulls[-_]multi.*(warning|error)'
}

# The benchmarks build and run; their numbers are not judged here.  A short
# warm and scaling: scaling's CSV must hold a row for every mode, reader
# count and writer pause, the writer working when alone and the readers
# walking in every row that has readers.
bench_smoke() {
	local csv=$BUILD/userspace/bench-scaling.csv
	rm -f "$csv"
	bash "$HARNESS/bench.sh" -r 1 -t 20 warm scaling || return 1
	python3 "$HARNESS/check-scaling-csv.py" "$csv"
}

# --- run -------------------------------------------------------------------

step prepare prepare
if [ $failed -eq 0 ]; then
	step kunit-uml kunit_uml
	step -s "$MUTANT_LINES" mutants bash "$HARNESS/check-kunit-mutants.sh"
	step checkpatch-files checkpatch_files
	step checkpatch-series checkpatch_series
	step kernel-doc kernel_doc
	step kvm-build kvm_build
	step -s '^  kvm_rmap_age_gfn_range_lockless|^  calls|walk hook' \
		walk-hook-cost bash "$HARNESS/walk-hook-cost.sh"
	step -s '^\[[0-9]+\]|patches build|FAILED' \
		series-bisect-build bash "$HARNESS/build-each-patch.sh"
	step -s 'warning|stock|converted|sizes' sparse-w1-mmu bash "$HARNESS/compare-mmu.sh"
	# The KVM boots run QEMU TCG on one thread: the spin model (one pan)
	# and herd7's build and runs take the other core meanwhile.
	step_bg -s "PASS|FAIL|states|errors|$MUTANT_LINES" \
		spin-model-and-mutants bash "$HARNESS/model.sh"
	step -s " (PASS|SKIP|FAIL|TIMEOUT|MISSING)|SLAB|stride|$KVM_REPORT_LINES" \
		kvm-selftests-shadow kvm_selftests_check
	step -s " (PASS|SKIP|FAIL|TIMEOUT|MISSING)|SLAB|stride|$KVM_REPORT_LINES" \
		kvm-selftests-tdp kvm_selftests_tdp
	step_wait
	step_bg -s '^(ok|FAIL) .*-plain|^FAIL|^litmus:' lkmm-litmus-herd7 bash "$HARNESS/litmus.sh"
	step -s "$MUTANT_LINES|not logged" kvm-mutant bash "$HARNESS/check-kvm-mutants.sh"
	step_wait
	step sparse-w1-x86_64 sparse_w1 x86_64 x86_64_defconfig
	step sparse-w1-i386 sparse_w1 i386 i386_defconfig
	step htmldocs-core-api htmldocs
	step shellcheck-harness shellcheck_harness
	step -s '^(stress:|walkers:|audits:|worst:|violations:)' \
		userspace-stress-and-tsan bash "$HARNESS/stress.sh" 3
	step -s '^scaling CSV' userspace-bench-runs bench_smoke
	step -s "^scenario|^random:|^weak:|$MUTANT_LINES|FAIL" \
		weak-memory-adversary bash "$HARNESS/weak.sh"
	step -s "^  |^footprint:|^llist|^one|$MUTANT_LINES|FAIL" \
		writer-footprint bash "$HARNESS/footprint.sh"
	# The lock-bit comparison arm's correctness boot (@bitcheck) runs in
	# make kvm-bench, which stops before timing the arm if it fails.
	# The SMP torture under KCSAN (a KCSAN kernel build, 8 minutes here)
	# runs in make torture, with KASAN and the KVM boots under both: the
	# gate would not fit in an hour with it.
fi

echo "check took $(($(date +%s) - t0))s"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
