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
SUMMARY=
t0=$(date +%s)

# step NAME CMD...: run CMD, log it, count it.
step() {
	local name=$1 t=$(date +%s) rc
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
	# SUMMARY: a regex for the log lines worth showing under the step
	[ -n "${SUMMARY:-}" ] && grep -E "$SUMMARY" "$LOGS/$name.log" >>"$LOGS/$name.summary"
	SUMMARY=
	[ -f "$LOGS/$name.summary" ] && sed 's/^/      /' "$LOGS/$name.summary"
	return 0
}

OURS=(include/linux/llist_nulls_multi.h lib/llist_nulls_multi.c
      lib/test_llist_nulls_multi.c lib/test_llist_nulls_multi.h
      lib/test_llist_nulls_multi_torture.c
      Documentation/core-api/llist-nulls-multi.rst
      samples/llist_nulls_multi/revmap.h
      samples/llist_nulls_multi/llist_nulls_multi_revmap.c
      tools/testing/selftests/kvm/x86_64/shadow_rmap_test.c
      tools/testing/selftests/kvm/x86_64/shadow_aging_test.c
      tools/testing/selftests/kvm/x86_64/shadow_zap_rcu_test.c
      tools/testing/selftests/kvm/x86_64/khugepaged_young_test.c
      tools/testing/selftests/kvm/x86_64/reclaim_young_test.c
      tools/testing/selftests/kvm/x86_64/aging_contention_test.c
      tools/testing/selftests/kvm/include/x86_64/fail_lockless_age.h
      tools/testing/selftests/kvm/include/page_aging.h)
OBJS=(lib/llist_nulls_multi.o lib/test_llist_nulls_multi.o
      lib/test_llist_nulls_multi_torture.o
      samples/llist_nulls_multi/llist_nulls_multi_revmap.o)

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

# A deliberately broken library must fail the suite.  A mutant that
# corrupts a list can hang a locked walk: 30 s is ten times a good run.
mutants() {
	local m name rc out=0
	for m in "$HARNESS"/mutants/*.mut; do
		name=$(basename "$m" .mut)
		python3 "$HARNESS/mutate.py" "$m" "$SRC" || { out=1; continue; }
		bash "$HARNESS/run-kunit.sh" um uml --timeout=30 >"$LOGS/mutant-$name.log" 2>&1
		rc=$?
		git -C "$SRC" checkout -q -- lib include
		if [ $rc -eq 0 ]; then
			echo "SURVIVED: $name"
			out=1
		else
			echo "killed: $name by: $(grep -Eo '\[(FAILED|CRASHED)\] llnm_[a-z0-9_]+' \
				"$LOGS/mutant-$name.log" | awk '{print $2}' | sort -u | tr '\n' ' ')"
		fi >>"$LOGS/mutants.summary"
	done
	# put the tree back as the suite expects it
	bash "$HARNESS/run-kunit.sh" >/dev/null 2>&1
	return $out
}

checkpatch_files() {
	cd "$SRC" || return 1
	local f r=0
	for f in "${OURS[@]}"; do
		perl scripts/checkpatch.pl --strict --no-summary --show-types -f "$f" || r=1
	done
	return $r
}

checkpatch_series() {
	local d
	d=$(mktemp -d)
	git -C "$SRC" format-patch -q -o "$d" base..series || return 1
	cd "$SRC" || return 1
	perl scripts/checkpatch.pl --strict --show-types "$d"/*.patch
	local r=$?
	rm -rf "$d"
	return $r
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
		-e SAMPLES -e SAMPLE_LLIST_NULLS_MULTI
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
	local results=$1 t r=0
	shift
	for t in "$@"; do
		grep -q "^$t PASS" "$results" || { echo "$t did not pass"; r=1; }
	done
	return $r
}

# Boot the converted kernel under shadow paging and run the @check tests.
kvm_selftests_check() {
	local conv r=0
	bash "$HARNESS/build-kvm-selftests.sh" >/dev/null || return 1
	conv=$BUILD/kvm/arch/x86/boot/bzImage
	bash "$HARNESS/boot-kvm-selftests.sh" "$conv" converted-check check >"$LOGS/kvm.results" || r=1
	cat "$LOGS/kvm.results"
	grep -aE "$KVM_REPORT_LINES" "$BUILD/kvm-run/converted-check.log" | sed 's/^.*\] //'
	require_pass "$LOGS/kvm.results" x86_64/shadow_rmap_test x86_64/shadow_aging_test \
		x86_64/shadow_zap_rcu_test x86_64/khugepaged_young_test \
		x86_64/reclaim_young_test x86_64/aging_contention_test || r=1
	! grep -Ev ' (PASS|SKIP) ' "$LOGS/kvm.results" || r=1
	# The node layouts the KVM patch asserts at build time, as SLUB made
	# them: 128-byte objects at a 128-byte stride, the rmap nodes' free
	# pointer inside the object.
	local slab
	for slab in kvm_rmap_node kvm_parent_pte_node; do
		grep -a "^@@@ SLAB $slab " "$BUILD/kvm-run/converted-check.log" ||
			{ echo "no slab line for $slab"; r=1; continue; }
		grep -aq "^@@@ SLAB $slab object_size=128 slab_size=128 " \
			"$BUILD/kvm-run/converted-check.log" ||
			{ echo "$slab: not 128-byte objects at a 128-byte stride"; r=1; }
	done
	return $r
}

# Boot it again with the TDP MMU (QEMU's TCG emulates nested paging for
# SVM) and run the @tdp tests: the stock access_tracking_perf_test, and the
# aging tests, whose walks without mmu_lock are the TDP MMU's there.
kvm_selftests_tdp() {
	local r=0
	bash "$HARNESS/build-kvm-selftests.sh" >/dev/null || return 1
	KVM_MMU=tdp bash "$HARNESS/boot-kvm-selftests.sh" "$BUILD/kvm/arch/x86/boot/bzImage" \
		converted-tdp tdp >"$LOGS/kvm-tdp.results" || r=1
	cat "$LOGS/kvm-tdp.results"
	grep -aE "$KVM_REPORT_LINES" "$BUILD/kvm-run/converted-tdp.log" | sed 's/^.*\] //'
	require_pass "$LOGS/kvm-tdp.results" access_tracking_perf_test \
		x86_64/khugepaged_young_test x86_64/reclaim_young_test \
		x86_64/aging_contention_test || r=1
	return $r
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
	python3 - "$csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
want = {(m, r, g) for m in ("lockless", "spinlock", "rwlock", "bitlock", "rculist")
        for r in ("0", "1", "2", "4", "8", "15") for g in ("0", "1000")}
got = {(x["mode"], x["readers"], x["writer_pause_ns"]) for x in rows}
bad = [x for x in rows if float(x["writer_ops_per_s_median"]) <= 0 and x["readers"] == "0"]
bad += [x for x in rows if x["readers"] != "0" and float(x["readers_walks_per_s_median"]) <= 0]
if got != want or len(rows) != len(want) or bad:
    print("scaling CSV: missing", sorted(want - got), "extra", sorted(got - want),
          "rows", len(rows), "idle", bad)
    sys.exit(1)
print("scaling CSV: %d rows, every mode walked and wrote" % len(rows))
PY
}

# --- run -------------------------------------------------------------------

step prepare prepare
if [ $failed -eq 0 ]; then
	step kunit-uml kunit_uml
	step mutants mutants
	step checkpatch-files checkpatch_files
	step checkpatch-series checkpatch_series
	step kernel-doc kernel_doc
	step kvm-build kvm_build
	SUMMARY='^\[[0-9]+\]|patches build|FAILED'
	step series-bisect-build bash "$HARNESS/build-each-patch.sh"
	SUMMARY='warning|stock|converted|sizes'
	step sparse-w1-mmu bash "$HARNESS/compare-mmu.sh"
	SUMMARY=" (PASS|SKIP|FAIL|TIMEOUT|MISSING)|SLAB|stride|$KVM_REPORT_LINES"
	step kvm-selftests-shadow kvm_selftests_check
	step kvm-selftests-tdp kvm_selftests_tdp
	SUMMARY='killed|SURVIVED|SURVIVING|NOT JUDGED|skipped|not logged|does not build'
	step kvm-mutant bash "$HARNESS/check-kvm-mutants.sh"
	step sparse-w1-x86_64 sparse_w1 x86_64 x86_64_defconfig
	step sparse-w1-i386 sparse_w1 i386 i386_defconfig
	step htmldocs-core-api htmldocs
	SUMMARY='^(stress:|walkers:|audits:|worst:|violations:)'
	step userspace-stress-and-tsan bash "$HARNESS/stress.sh" 3
	SUMMARY='^scaling CSV'
	step userspace-bench-runs bench_smoke
	SUMMARY='PASS|FAIL|states|errors'
	step spin-model-and-mutants bash "$HARNESS/model.sh"
	SUMMARY='^(ok|FAIL) .*-plain|^FAIL|^litmus:'
	step lkmm-litmus-herd7 bash "$HARNESS/litmus.sh"
	SUMMARY='^scenario|^random:|^weak:|killed|SURVIVED|FAIL'
	step weak-memory-adversary bash "$HARNESS/weak.sh"
	SUMMARY='llnm-torture|llist_nulls_multi_revmap|Testing complete|report|sample'
	step smp-kcsan-torture bash "$HARNESS/torture.sh" kcsan 10000 2
fi

echo "check took $(($(date +%s) - t0))s"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
