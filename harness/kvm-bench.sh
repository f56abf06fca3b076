#!/usr/bin/env bash
# make kvm-bench: A/B of KVM, in one run; it prints numbers (each run,
# medians, spread, ratios) and fails only if a run fails.
#   harness/kvm-bench.sh [rounds] [aging_rounds] [mmus]
# 1. The long-rmap workload, stock against converted, ROUNDS boots each
#    (default 2; 0 skips it) of shadow_rmap_test AB_REPS times (default 5): the rmap
#    walk rounds (dirty logging on and off with the vCPU stopped: two walks
#    of the 960- and 64-SPTE rmaps and a memslot update, no VM exit) and the
#    write-protect rounds (a guest write through one SPTE, its exits, and
#    KVM_GET_DIRTY_LOG write-protecting the page through its rmap).
# 2. Aging A/B under contention: aging_contention_test (each boot runs its
#    arms, kvm.lockless_aging=0 and =1, in ABBA rounds from the same state in
#    one VM), under QEMU -accel tcg,thread=multi, with shadow paging and with
#    the TDP MMU, AGING_ROUNDS boots each (default 2): the @contend set (no
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
. "$(dirname "$0")/common.sh"

rounds=${1:-2}
aging_rounds=${2:-2}
mmus=${3:-shadow tdp}
stock=$(bash "$HARNESS/build-kvm.sh" stock)
conv=$(bash "$HARNESS/build-kvm.sh" converted)
bash "$HARNESS/build-kvm-selftests.sh" >/dev/null
res=$BUILD/kvm-ab
rm -rf "$res"
mkdir -p "$res"
if [ "$rounds" -gt 0 ]; then
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
	python3 - "$res" <<'PY'
import statistics, sys
d = sys.argv[1]
for what, title in (("walk", "rmap walk round: dirty logging on and off, vCPU stopped"),
                    ("protect", "write-protect round: one guest write, its exits, KVM_GET_DIRTY_LOG")):
    print(f"{title} (us per round):")
    v = {k: [float(x) for x in open(f"{d}/{k}.{what}")] for k in ("stock", "converted")}
    for k, xs in v.items():
        print(f"  {k:10s} n={len(xs)} median={statistics.median(xs):.1f} "
              f"min={min(xs):.1f} max={max(xs):.1f} runs={' '.join(f'{x:.1f}' for x in xs)}")
    m = {k: statistics.median(xs) for k, xs in v.items()}
    print(f"  converted/stock (medians): {m['converted'] / m['stock']:.3f}")
PY
fi

# --- 2. aging A/B under contention ------------------------------------------
lockstat=$(bash "$HARNESS/build-kvm.sh" converted lockstat)
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
for r in $(seq "$aging_rounds"); do
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
if [ -s "$res/failed-boots" ]; then
	echo "boots retried (a kernel problem or a failed test):"
	sed 's/^/  /' "$res/failed-boots"
fi
python3 - "$res" <<'PY'
import os, re, statistics, sys
d = sys.argv[1]
ROUND = re.compile(r"round \d+ (locked|lockless): pass ([\d.]+) us, call p50 ([\d.]+) p99 ([\d.]+) "
                   r"max ([\d.]+) us, mmu_lock acq w (-?[\d.]+) r (-?[\d.]+) con w (-?[\d.]+) "
                   r"r (-?[\d.]+), fallbacks ([\d.]+), walks ([\d.]+), vCPU ([\d.]+) writes/s, "
                   r"writer ([\d.]+) toggles/s, vCPU faults ([\d.]+) p50 ([\d.]+) p99 ([\d.]+) "
                   r"max ([\d.]+) us")
FIELDS = ("pass_us", "call_p50_us", "call_p99_us", "call_max_us", "mmu_lock_acq_w",
          "mmu_lock_acq_r", "mmu_lock_con_w", "mmu_lock_con_r", "fallbacks", "walks",
          "vcpu_writes_per_s", "writer_toggles_per_s", "vcpu_faults", "vcpu_fault_p50_us",
          "vcpu_fault_p99_us", "vcpu_fault_max_us")
def rounds(path, out, tag):
    key = None
    for line in open(path, errors="replace"):
        m = re.search(r"\] aging (\d+) pages in \d+ calls \(([^)]*)\), (\d+) vCPUs, .*load: (.*)$", line)
        if m:
            key = f"{tag}, {m.group(1)} pages, {m.group(2)}, {m.group(3)} vCPUs, load: {m.group(4).strip()}"
            continue
        m = ROUND.search(line)
        if m and key:
            arm = out.setdefault(key, {"locked": [], "lockless": []})[m.group(1)]
            arm.append(dict(zip(FIELDS, map(float, m.groups()[1:]))))
def med(rs, f):
    return statistics.median(r[f] for r in rs) if rs else None
work = {}
for line in open(os.path.join(d, "contend.logs")):
    mmu, smp, path = line.split()
    rounds(path, work, f"{mmu} MMU, L1 -smp {smp}" + (", LOCK_STAT kernel" if "lockstat-" in path else ""))
print("aging A/B under contention (aging_contention_test, QEMU -accel tcg,thread=multi): "
      "median (min-max) over every round of every boot")
for key, arms in work.items():
    print(f" {key} (n = {len(arms['locked'])} locked, {len(arms['lockless'])} lockless rounds):")
    print(f"   {'figure':22s} {'locked':>32s} {'lockless':>32s} {'ratio':>7s}")
    for f in FIELDS:
        cells = []
        for a in ("locked", "lockless"):
            xs = [r[f] for r in arms[a]]
            cells.append(f"{statistics.median(xs):.1f} ({min(xs):.1f}-{max(xs):.1f})" if xs else "-")
        a, b = med(arms["locked"], f), med(arms["lockless"], f)
        ratio = f"{b / a:.2f}" if a and b is not None and a > 0 else "-"
        print(f"   {f:22s} {cells[0]:>32s} {cells[1]:>32s} {ratio:>7s}")
def ratio(pred, f):
    out = []
    for key, arms in work.items():
        if pred(key):
            a, b = med(arms["locked"], f), med(arms["lockless"], f)
            if a and b is not None:
                out.append((key, b / a))
    return out
def goal(title, pairs, ok):
    for key, x in pairs:
        print(f"   {title}: {x:.2f} ({key}): {'met' if ok(x) else 'NOT met'}")
    if not pairs:
        print(f"   {title}: no run")
print(" goals (lockless / locked, medians):")
plain = lambda k: "LOCK_STAT" not in k
goal("long writer, clear_young call p50 <= 0.2",
     ratio(lambda k: plain(k) and "4 KiB" in k and k.endswith("load: dirty-log writer"), "call_p50_us"),
     lambda x: x <= 0.2)
goal("THP workload, vCPU writes/s during aging >= 1.2",
     ratio(lambda k: plain(k) and "THP" in k, "vcpu_writes_per_s"), lambda x: x >= 1.2)
goal("overcommitted L1 -smp 8, aging pass <= 0.5",
     ratio(lambda k: plain(k) and "-smp 8" in k, "pass_us"), lambda x: x <= 0.5)
goal("overcommitted L1 -smp 8, vCPU fault p99 <= 0.5",
     ratio(lambda k: plain(k) and "-smp 8" in k, "vcpu_fault_p99_us"), lambda x: x <= 0.5)
goal("no-contention control, aging pass <= 1.02",
     ratio(lambda k: plain(k) and k.endswith("load: none"), "pass_us"), lambda x: x <= 1.02)
for key, arms in work.items():
    if "LOCK_STAT" in key:
        acq = max(r["mmu_lock_acq_w"] + r["mmu_lock_acq_r"] for r in arms["lockless"])
        fb = max(r["fallbacks"] for r in arms["lockless"])
        print(f"   lock_stat, aging's mmu_lock acquisitions with lockless_aging=1: at most {acq:.0f} "
              f"a round, fallbacks at most {fb:.0f} ({key}): {'met' if acq == 0 else 'NOT met'}")

print("no-contention control against stock (boots in ABBA order, shadow paging):")
idle = {}
for k in ("stock", "converted"):
    p = os.path.join(d, f"idle-{k}.secs")
    xs = [float(x) for x in open(p) if x.strip()] if os.path.exists(p) else []
    if xs:
        idle[k] = statistics.median(xs)
        print(f"  access_tracking_perf_test mark-idle s, {k:9s}: n={len(xs)} median={idle[k]:.3f} "
              f"min={min(xs):.3f} max={max(xs):.3f}")
if len(idle) == 2:
    print(f"  converted / stock (medians): {idle['converted'] / idle['stock']:.3f}")
ctl = {}
for line in open(os.path.join(d, "control.logs")):
    k, path = line.split()
    w = {}
    rounds(path, w, k)
    for key, arms in w.items():
        # on stock every round is locked; on converted the lockless arm is
        ctl.setdefault(k, []).extend(arms["lockless"] if k == "converted" else arms["locked"])
for k in ("stock", "converted"):
    if ctl.get(k):
        xs = [r["call_p50_us"] for r in ctl[k]]
        print(f"  aging_contention_test call p50 us, {k:9s} ({'lockless arm' if k == 'converted' else 'locked'}): "
              f"n={len(xs)} median={statistics.median(xs):.2f} min={min(xs):.2f} max={max(xs):.2f}")
if ctl.get("stock") and ctl.get("converted"):
    print(f"  converted / stock (medians): {med(ctl['converted'], 'call_p50_us') / med(ctl['stock'], 'call_p50_us'):.3f}")
PY
