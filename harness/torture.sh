#!/usr/bin/env bash
# SMP torture of the lockless walk: the llist_nulls_multi_torture KUnit suite on
# x86_64 QEMU with several CPUs, once under KCSAN and once under KASAN with
# lockdep, PROVE_RCU and DEBUG_OBJECTS_RCU_HEAD.
#   harness/torture.sh [kcsan|kasan|all] [torture_ms] [cpus]
# Fails on a failed case or on any sanitizer, lockdep, RCU or WARN report
# (only the torture suite runs, so no warning is expected).
. "$(dirname "$0")/common.sh"

which=${1:-all}
ms=${2:-20000}
cpus=${3:-2}
apt_need qemu-system-x86 "${BUILD_DEPS[@]}"

kcsan=(CONFIG_KCSAN=y CONFIG_KCSAN_STRICT=y CONFIG_KCSAN_WEAK_MEMORY=y
       CONFIG_KCSAN_REPORT_ONCE_IN_MS=0)
kasan=(CONFIG_KASAN=y CONFIG_KASAN_GENERIC=y CONFIG_PROVE_LOCKING=y
       CONFIG_PROVE_RCU=y CONFIG_DEBUG_OBJECTS=y CONFIG_DEBUG_OBJECTS_RCU_HEAD=y
       CONFIG_DEBUG_ATOMIC_SLEEP=y)

run() {
	local name=$1 dir=$BUILD/torture-$1 rc args=() opt
	shift
	for opt in CONFIG_SMP=y "$@"; do
		args+=(--kconfig_add "$opt")
	done
	log "torture: $name, $cpus CPUs, ${ms} ms"
	cd "$SRC"
	set +e
	# MTTCG, so that the vCPUs really run in parallel on the host's cores;
	# -cpu max has LA57, so the kernel runs with 5-level paging.
	python3 tools/testing/kunit/kunit.py run --arch=x86_64 \
		--build_dir="$dir" --kunitconfig="$HARNESS/kunitconfig" "${args[@]}" \
		--qemu_args="-smp $cpus -accel tcg,thread=multi -cpu max -m 1G" \
		--kernel_args="test_llist_nulls_multi.torture_ms=$ms" \
		--jobs="$JOBS" --timeout=$((ms / 1000 + 900)) \
		'llist_nulls_multi_torture' \
		>"$BUILD/torture-$name.log" 2>&1
	rc=$?
	set -e
	grep -E 'Testing complete|Elapsed' "$BUILD/torture-$name.log" || true
	grep -ho 'llnm-torture.*' "$dir/test.log" 2>/dev/null | sed "s/^/$name: /" || true
	grep -q 'llnm-torture 64-bit kernel, 5-level paging' "$dir/test.log" 2>/dev/null ||
		echo "$name: note: not running with 5-level paging"
	local reports
	reports=$(grep -E 'BUG: KCSAN|BUG: KASAN|WARNING: possible|WARNING: suspicious RCU|ODEBUG:|INFO: task .* blocked|BUG: |WARNING: CPU' \
		"$dir/test.log" 2>/dev/null | sort | uniq -c || true)
	if [ -n "$reports" ]; then
		echo "$name: kernel reports:"
		echo "$reports"
		rc=1
	else
		echo "$name: no sanitizer, lockdep or RCU report"
	fi
	grep -q 'llnm-torture cpus=' "$dir/test.log" 2>/dev/null ||
		{ echo "$name: the torture case did not run"; rc=1; }
	return $rc
}

status=0
case $which in
kcsan) run kcsan "${kcsan[@]}" || status=1 ;;
kasan) run kasan "${kasan[@]}" || status=1 ;;
all)
	run kcsan "${kcsan[@]}" || status=1
	run kasan "${kasan[@]}" || status=1
	;;
*) die "usage: torture.sh [kcsan|kasan|all] [torture_ms] [cpus]" ;;
esac
exit $status
