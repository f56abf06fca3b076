#!/usr/bin/env bash
# make kvm-bench: A/B of KVM, in one run; it prints numbers (each run,
# medians, spread, ratios) and fails only if a run fails.
#   harness/kvm-bench.sh [rounds] [aging_rounds] [mmus]
# 1. The long-rmap workload, stock against converted, ROUNDS boots each,
#    booted alternately (default 2; 0 skips it) of shadow_rmap_test AB_REPS times (default 5): the rmap
#    walk rounds (dirty logging on and off with the vCPU stopped: two walks
#    of the 960- and 64-SPTE rmaps and a memslot update, no VM exit) and the
#    write-protect rounds (a guest write through one SPTE, its exits, and
#    KVM_GET_DIRTY_LOG write-protecting the page through its rmap).
# 2. Aging A/B under contention: aging_contention_test (each boot runs its
#    arms, kvm.lockless_aging=0 and =1, in ABBA rounds from the same state in
#    one VM; every page written and the vCPUs stopped before each round;
#    each clear_young call timed: p50, p99, max), under QEMU -accel
#    tcg,thread=multi, with shadow paging and with
#    the TDP MMU, AGING_ROUNDS boots each (default 3): the @contend set (no
#    load; a dirty-log writer; THP with the writer and the vCPU writing) at
#    -smp 2, the @overcommit set (eight vCPUs writing, the writer) at -smp 4
#    and 8, and the @lockstat set on the LOCK_STAT kernel (build-kvm.sh
#    converted lockstat): kvm->mmu_lock acquisitions while only aging runs.
#    One table per workload: each figure's median and spread per arm over
#    every round of every boot, and the lockless/locked ratio of the medians;
#    then the issue's goals, met or not.
# 3. The no-contention control against stock, across boots (ABBA: stock,
#    converted, converted, stock, AGING_ROUNDS times): access_tracking_perf_test's
#    "Mark memory idle" and aging_contention_test's per-call time with no
#    load (the @agebench set; every round locked on stock).
# 4. Three arms (issue 34): stock, the lock-bit arm (build-kvm.sh bitlock:
#    the per-rmap lock bit of Linux 6.15, written on the same base) and the
#    series, under shadow paging.  The lock-bit kernel first boots the
#    aging correctness tests (@bitcheck) and the bench stops if one fails.
#    Then ARM_BOOTS rounds (default 3) of one boot per kernel, the kernels'
#    order rotated and reversed from round to round, each booting the
#    @arms workloads at -smp 2 and @armsover at -smp 4, with slab_nomerge
#    (so that /proc/slabinfo shows stock's pte_list_desc cache).  One table
#    per workload: stock's rounds, the lock bit's and the series' lockless
#    rounds, median (min-max) over the rounds of all boots, the spread of
#    the per-boot medians, the writer's pace per boot (flagged when off),
#    the bit's waits and spins, and the goals.
# 5. Dirty logging (issue 35): stock against the series, whose harvests
#    write-protect without mmu_lock, under shadow paging with -accel
#    tcg,thread=multi: DIRTY_BOOTS rounds (default 2) of one boot per
#    kernel, in ABBA order, each booting @dirtybench at -smp 2 and
#    @dirtybenchover at -smp 4 (dirty_log_perf_test with manual protect on
#    and off; shadow_dirty_log_test harvesting while its vCPUs write).  One
#    table per workload: median (min-max) over the boots per kernel, the
#    ratio, and the goals.  The lock-bit arm has no lockless write-protect
#    (its harvest is stock's, under mmu_lock), so it has no column here.
# KVM_BENCH_PARTS (default "rmap aging control arms dirtylog") picks the
# parts.
. "$(dirname "$0")/common.sh"

rounds=${1:-2}
aging_rounds=${2:-3}
mmus=${3:-shadow tdp}
arm_boots=${ARM_BOOTS:-3}
parts=" ${KVM_BENCH_PARTS:-rmap aging control arms dirtylog} "
part() { [[ $parts == *" $1 "* ]]; }
# The kernels that share a build directory with the series' are copied
# out (build/kvm-images/); the series' own is built last, so that its
# build directories hold it when the bench ends.
stock=$(bash "$HARNESS/build-kvm.sh" stock)
if part arms; then
	bitlock=$(bash "$HARNESS/build-kvm.sh" bitlock)
	bitlock_lockstat=$(bash "$HARNESS/build-kvm.sh" bitlock lockstat)
fi
if part aging || part arms; then
	lockstat=$(bash "$HARNESS/build-kvm.sh" converted lockstat)
fi
conv=$(bash "$HARNESS/build-kvm.sh" converted)
bash "$HARNESS/build-kvm-selftests.sh" >/dev/null
res=$BUILD/kvm-ab
rm -rf "$res"
mkdir -p "$res"
if part rmap && [ "$rounds" -gt 0 ]; then
	for r in $(seq "$rounds"); do
		for k in stock converted; do
			img=$stock
			[ $k = converted ] && img=$conv
			bash "$HARNESS/boot-kvm-selftests.sh" "$img" "ab-$k-$r" ab >"$res/$k-$r.results" ||
				die "run ab-$k-$r failed: see build/kvm-run/ab-$k-$r.log"
			grep -a 'rmap walk rounds' "$BUILD/kvm-run/ab-$k-$r.log" |
				sed -E 's/.*\(([0-9.]+) us each.*/\1/' >>"$res/$k.walk"
			grep -a 'write-protect rounds' "$BUILD/kvm-run/ab-$k-$r.log" |
				sed -E 's/.*\(([0-9.]+) us each.*/\1/' >>"$res/$k.protect"
		done
	done
	python3 "$HARNESS/kvm-bench-rmap-table.py" "$res"
fi

# --- 2. aging A/B under contention ------------------------------------------
# boot_set LABEL IMG SET MMU SMP: boot, retrying a boot that multi-threaded
# TCG kills (it now and then oopses on an int3 of the kernel's own text
# patching, seen on the stock kernel too), up to twice, each retry listed.
boot_set() {
	local label=$1 img=$2 set_=$3 mmu=$4 smp=$5 try why
	for try in 1 2 3; do
		QEMU_ACCEL=tcg,thread=multi QEMU_SMP=$smp KVM_MMU=$mmu \
			bash "$HARNESS/boot-kvm-selftests.sh" "$img" "$label-$try" "$set_" \
			>"$res/$label-$try.results" && { echo "$BUILD/kvm-run/$label-$try.log"; return; }
		why=$(kernel_reports "$BUILD/kvm-run/$label-$try.log" | head -n 1 || true)
		echo "$label-$try: ${why:-no kernel report}" >>"$res/failed-boots"
	done
	die "run $label failed 3 times: see build/kvm-run/$label-3.log"
}
part aging || aging_rounds=0
for r in $(seq "$aging_rounds"); do
	for mmu in $mmus; do
		echo "$mmu 2 $(boot_set "contend-$mmu-$r" "$conv" contend "$mmu" 2)" >>"$res/contend.logs"
		for smp in 4 8; do
			echo "$mmu $smp $(boot_set "overcommit-$mmu-$smp-$r" "$conv" overcommit "$mmu" "$smp")" \
				>>"$res/contend.logs"
		done
		echo "$mmu 2 $(boot_set "lockstat-$mmu-$r" "$lockstat" lockstat "$mmu" 2)" >>"$res/contend.logs"
	done
done

# --- 3. the no-contention control against stock --------------------------
i=0
control_rounds=${2:-3}
part control || control_rounds=0
for r in $(seq "$control_rounds"); do
	for k in stock converted converted stock; do
		img=$conv
		[ $k = stock ] && img=$stock
		i=$((i + 1))
		l=$(boot_set "control-$k-$i" "$img" agebench shadow 2)
		grep -a 'Mark memory idle' "$l" | sed -E 's/.*: *([0-9.]+)s.*/\1/' |
			paste -sd+ | bc >>"$res/idle-$k.secs"
		echo "$k $l" >>"$res/control.logs"
	done
done

# --- 4. three arms: stock, the lock bit, the series ------------------------
if part arms; then
	l=$(BOOT_APPEND=slab_nomerge boot_set bitcheck "$bitlock" bitcheck shadow 2)
	echo "the lock-bit arm's correctness boot (@bitcheck, shadow paging): all passed ($l)"
	sed 's/^/  /' "$res/bitcheck-"*.results
	arms=(stock bitlock converted)
	for r in $(seq "$arm_boots"); do
		# rotate by r - 1, and reverse every other round
		order=("${arms[@]:$(((r - 1) % 3))}" "${arms[@]:0:$(((r - 1) % 3))}")
		[ $((r % 2)) = 0 ] && order=("${order[2]}" "${order[1]}" "${order[0]}")
		echo "three-arm boot round $r: ${order[*]}" >>"$res/arms.order"
		for k in "${order[@]}"; do
			case $k in stock) img=$stock ;; bitlock) img=$bitlock ;; *) img=$conv ;; esac
			for smp in 2 4; do
				set_=arms
				[ $smp = 4 ] && set_=armsover
				echo "$k $smp $r $(OUT_TAIL=80 BOOT_APPEND=slab_nomerge \
					boot_set "arms-$k-$smp-$r" "$img" "$set_" shadow "$smp")" >>"$res/arms.logs"
			done
		done
		# kvm->mmu_lock's acquisitions while only aging runs (@lockstat),
		# on the LOCK_STAT builds of the two kernels with the switch
		for k in "${order[@]}"; do
			case $k in stock) continue ;; bitlock) img=$bitlock_lockstat ;; *) img=$lockstat ;; esac
			echo "$k 2 $r $(OUT_TAIL=80 boot_set "arms-lockstat-$k-$r" "$img" lockstat shadow 2) lockstat" \
				>>"$res/arms.logs"
		done
	done
fi
# --- 5. dirty logging: stock against the series ---------------------------
if part dirtylog; then
	for r in $(seq "${DIRTY_BOOTS:-2}"); do
		order=(stock converted)
		[ $((r % 2)) = 0 ] && order=(converted stock)
		for k in "${order[@]}"; do
			img=$conv
			[ $k = stock ] && img=$stock
			for smp in 2 4; do
				set_=dirtybench
				[ $smp = 4 ] && set_=dirtybenchover
				echo "$k $smp $r $set_ $(boot_set "dirty-$k-$smp-$r" "$img" "$set_" shadow "$smp")" \
					>>"$res/dirty.logs"
			done
		done
	done
fi
if [ -s "$res/failed-boots" ]; then
	echo "boots retried (a kernel problem or a failed test):"
	sed 's/^/  /' "$res/failed-boots"
fi
if part aging || part control; then
	python3 "$HARNESS/kvm-bench-aging-table.py" "$res"
fi
if part arms; then
	python3 "$HARNESS/kvm-bench-arms-table.py" "$res"
fi
if part dirtylog; then
	python3 "$HARNESS/kvm-bench-dirty-table.py" "$res" "$HARNESS/kvm/tests.list"
fi
