#!/usr/bin/env bash
# make torture: the llist_nulls_multi_torture KUnit suite on x86_64 QEMU
# with several CPUs, once under KCSAN and once under KASAN with lockdep,
# PROVE_RCU and DEBUG_OBJECTS_RCU_HEAD, each kernel with the sample of
# samples/llist_nulls_multi/ built in (it shows a walk at boot) and its
# KUnit self-check, llist_nulls_multi_revmap (writers and a lockless
# reader per CPU on the sample's map), run after the torture on the same
# CPUs, which must miss nothing; then both suites on i386 QEMU, a
# 32-bit kernel.  Every run goes through run-kunit.sh.  Then the converted
# KVM built with KASAN (SLUB_RCU_DEBUG, lockdep, PROVE_RCU) and with KCSAN,
# each booted under shadow paging with two vCPUs on two host threads
# (-accel tcg,thread=multi) running the @sanitize tests of tests.list, the
# aging test with races injected among them (kvm-kasan, kvm-kcsan).
#   harness/torture.sh [kcsan|kasan|i386|kvm-kasan|kvm-kcsan|all] [torture_ms] [cpus]
#                      (defaults: all, 20000 ms, 2 CPUs)
# Fails on a failed case or on any line kernel_reports() shows
# (common.sh): only the torture suite runs, so no warning is expected.
# Logs: build/kunit-torture-{kcsan,kasan}.log, build/kunit-i386.log.
. "$(dirname "$0")/common.sh"

which=${1:-all}
ms=${2:-20000}
cpus=${3:-2}
apt_need qemu-system-x86 "${BUILD_DEPS[@]}"

# torture_run NAME OPT...: the torture suite and the sample's on x86_64,
# in build/torture-NAME, the kernel configured with OPTs (common.sh's
# kconfig_opts form).
torture_run() {
	local name=$1 dir=$BUILD/torture-$1 rc args=()
	shift
	mapfile -t args < <(kconfig_opts kunit SMP SAMPLES SAMPLE_LLIST_NULLS_MULTI \
		SAMPLE_LLIST_NULLS_MULTI_KUNIT_TEST "$@")
	log "torture: $name, $cpus CPUs, ${ms} ms"
	rm -f "$dir/test.log"	# a failed build must not leave the last run's log
	set +e
	# MTTCG, so that the vCPUs really run in parallel on the host's cores;
	# -cpu max has LA57, so the kernel runs with 5-level paging.
	bash "$HARNESS/run-kunit.sh" x86_64 "torture-$name" "${args[@]}" \
		--qemu_args="-smp $cpus -accel tcg,thread=multi -cpu max -m 1G" \
		--kernel_args="test_llist_nulls_multi.torture_ms=$ms revmap_kunit.runtime_ms=$ms" \
		--timeout=$((2 * ms / 1000 + 900)) 'llist_nulls_multi_[rt]*' \
		>/dev/null 2>&1
	rc=$?
	set -e
	grep -E 'Testing complete|Elapsed' "$BUILD/kunit-torture-$name.log" || true
	grep -ho 'llnm-torture.*' "$dir/test.log" 2>/dev/null | sed "s/^/$name: /" || true
	grep -q 'llnm-torture 64-bit kernel, 5-level paging' "$dir/test.log" 2>/dev/null ||
		echo "$name: note: not running with 5-level paging"
	local reports
	reports=$(kernel_reports "$dir/test.log" | sort | uniq -c || true)
	if [ -n "$reports" ]; then
		echo "$name: kernel reports:"
		echo "$reports"
		rc=1
	else
		echo "$name: no sanitizer, lockdep or RCU report"
	fi
	grep -q 'llnm-torture cpus=' "$dir/test.log" 2>/dev/null ||
		{ echo "$name: the torture case did not run"; rc=1; }
	# The sample's map checked by its KUnit suite, and the sample module's
	# own lines at boot (it shows a walk of each object's handles).
	grep -ho 'revmap: [0-9]* writers.*' "$dir/test.log" 2>/dev/null |
		sed "s/^/$name: /" || true
	grep -q 'revmap: [0-9]* writers.* 0 missed a stable handle, 0 errors' \
		"$dir/test.log" 2>/dev/null ||
		{ echo "$name: the sample's self-check did not pass"; rc=1; }
	grep -ho 'llist_nulls_multi_revmap: object.*' "$dir/test.log" 2>/dev/null |
		sed "s/^/$name: sample: /" || true
	return $rc
}

# Both suites on a 32-bit kernel (i386 QEMU).
i386() {
	local rc=0
	log "torture: both suites on i386"
	bash "$HARNESS/run-kunit.sh" i386 i386 'llist_nulls_multi*' >/dev/null 2>&1 || rc=1
	grep -E 'Testing complete' "$BUILD/kunit-i386.log" || true
	grep -h 'llnm-torture [0-9]*-bit' "$BUILD/i386/test.log" 2>/dev/null | sed 's/^/i386: /'
	grep -q 'llnm-torture 32-bit kernel' "$BUILD/i386/test.log" 2>/dev/null ||
		{ echo "i386: the run did not report a 32-bit kernel"; rc=1; }
	return $rc
}

# The converted KVM with a sanitizer, booted on two host threads.
kvm_sanitized() {
	local v=$1 img rc=0 label=torture-kvm-$1
	log "torture: KVM under $v"
	img=$(bash "$HARNESS/build-kvm.sh" converted "$v") || return 1
	bash "$HARNESS/build-kvm-selftests.sh" >/dev/null || return 1
	QEMU_ACCEL=tcg,thread=multi bash "$HARNESS/boot-kvm-selftests.sh" "$img" \
		"$label" sanitize 1500 || rc=1
	grep -aE "$KVM_REPORT_LINES" "$BUILD/kvm-run/$label.log" | sed "s/^/$v: /"
	if reports=$(kernel_reports "$BUILD/kvm-run/$label.log"); then
		echo "kvm-$v: kernel reports:"
		sort <<<"$reports" | uniq -c | head -n 20 || true
		rc=1
	else
		echo "kvm-$v: no sanitizer, lockdep or RCU report"
	fi
	return $rc
}

rc=0
case $which in
kvm-kasan) kvm_sanitized kasan || rc=1 ;;
kvm-kcsan) kvm_sanitized kcsan || rc=1 ;;
kcsan) torture_run kcsan "${KCSAN_STRICT_CONFIG[@]}" || rc=1 ;;
kasan) torture_run kasan "${KASAN_CONFIG[@]}" "${KASAN_TORTURE_CONFIG[@]}" || rc=1 ;;
i386) i386 || rc=1 ;;
all)
	torture_run kcsan "${KCSAN_STRICT_CONFIG[@]}" || rc=1
	torture_run kasan "${KASAN_CONFIG[@]}" "${KASAN_TORTURE_CONFIG[@]}" || rc=1
	i386 || rc=1
	kvm_sanitized kasan || rc=1
	kvm_sanitized kcsan || rc=1
	;;
*) die "usage: torture.sh [kcsan|kasan|i386|kvm-kasan|kvm-kcsan|all] [torture_ms] [cpus]" ;;
esac
exit $rc
