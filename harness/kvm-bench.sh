#!/usr/bin/env bash
# make kvm-bench: A/B of KVM under shadow paging, in one run, kernels booted
# alternately; it prints numbers (each run, medians, spread, ratios) and
# fails only if a run fails.
#   harness/kvm-bench.sh [rounds] [aging_rounds] [accels]
# 1. The long-rmap workload, stock against converted, ROUNDS boots each
#    (default 2; 0 skips it) of shadow_rmap_test AB_REPS times (default 5): the rmap
#    walk rounds (dirty logging on and off with the vCPU stopped: two walks
#    of the 960- and 64-SPTE rmaps and a memslot update, no VM exit) and the
#    write-protect rounds (a guest write through one SPTE, its exits, and
#    KVM_GET_DIRTY_LOG write-protecting the page through its rmap).
# 2. Aging, AGING_ROUNDS boots (default 5) of each of stock, converted with
#    kvm.lockless_aging=1 and with =0, under each QEMU TCG mode of ACCELS
#    (default "single multi"): shadow_aging_test (the time to mark 64 pages
#    idle while a vCPU faults on their rmaps, and that vCPU's progress; on
#    the converted kernel its rounds alternate lockless and locked aging in
#    one VM) and, as the no-contention control, access_tracking_perf_test's
#    "Mark memory idle" time.
. "$(dirname "$0")/common.sh"

rounds=${1:-2}
aging_rounds=${2:-5}
accels=${3:-single multi}
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

# --- 2. aging ---------------------------------------------------------------
for accel in $accels; do
	for r in $(seq "$aging_rounds"); do
		for k in stock lockless locked; do
			img=$conv append=
			[ $k = stock ] && img=$stock
			[ $k = locked ] && append=kvm.lockless_aging=0
			# Multi-threaded TCG now and then oopses on an int3 of the
			# kernel's own text patching (seen on the stock kernel
			# too): such a boot is retried, up to twice, and listed.
			for try in 1 2 3; do
				label=age-$accel-$k-$r-$try
				QEMU_ACCEL=tcg,thread=$accel BOOT_APPEND=$append \
					bash "$HARNESS/boot-kvm-selftests.sh" "$img" "$label" \
					agebench >"$res/$label.results" && break
				echo "$label: $(grep -aE -m1 "$KERNEL_PROBLEMS" \
					"$BUILD/kvm-run/$label.log" || echo 'no kernel report')" \
					>>"$res/failed-boots"
				[ "$try" = 3 ] && die "run $label failed 3 times: see build/kvm-run/$label.log"
			done
			l=$BUILD/kvm-run/$label.log
			# "aging <mode>: N passes ..., us per pass median M ...; ... R PTE remaps/s"
			grep -a '\] aging [a-z]*: ' "$l" |
				sed -E 's/.*\] aging ([a-z]+): .* median ([0-9.]+) .* ([0-9.]+) PTE remaps.*/\1 \2 \3/' |
				while read -r mode us rate; do
					echo "$us" >>"$res/age-$accel-$k-$mode.pass"
					echo "$rate" >>"$res/age-$accel-$k-$mode.vcpu"
				done
			grep -a 'Mark memory idle' "$l" | sed -E 's/.*: *([0-9.]+)s.*/\1/' |
				paste -sd+ | bc >>"$res/idle-$accel-$k.secs"
			# the stock kernel has no lockless aging stats
			{ grep -a 'lockless aging:' "$l" || true; } | sed 's/^.*\] //' \
				>>"$res/age-$accel-$k.stats"
			grep -a 'memslot deleted' "$l" | sed -E 's/.* in ([0-9.]+) us.*/\1/' \
				>>"$res/zap-$accel-$k.us"
			{ grep -a 'deferred shadow-page frees' "$l" || true; } |
				sed -E 's/.* at most ([0-9]+) pages.*/\1/' >>"$res/held-$accel-$k.pages"
		done
	done
done
if [ -s "$res/failed-boots" ]; then
	echo "boots retried (a kernel problem or a failed test):"
	sed 's/^/  /' "$res/failed-boots"
fi
python3 - "$res" "$accels" <<'PY'
import glob, os, statistics, sys
d, accels = sys.argv[1], sys.argv[2].split()
def read(pattern):
    xs = []
    for p in sorted(glob.glob(os.path.join(d, pattern))):
        xs += [float(x) for x in open(p) if x.strip()]
    return xs
def show(label, xs):
    if not xs:
        return None
    print(f"  {label:10s} n={len(xs):2d} median={statistics.median(xs):10.1f} "
          f"min={min(xs):10.1f} max={max(xs):10.1f}")
    return statistics.median(xs)
for accel in accels:
    print(f"aging under contention, QEMU -accel tcg,thread={accel}: shadow_aging_test, "
          "median of each run; converted boots alternate lockless and locked rounds in one VM")
    for what, title in (("pass", "aging pass, us to mark 64 pages idle"),
                        ("vcpu", "vCPU 1 progress during the passes, PTE remaps/s")):
        print(f" {title}:")
        m = {"stock": show("stock", read(f"age-{accel}-stock-stock.{what}")),
             "lockless": show("lockless", read(f"age-{accel}-lock*-lockless.{what}")),
             "locked": show("locked", read(f"age-{accel}-lock*-locked.{what}"))}
        for a, b in (("lockless", "stock"), ("locked", "stock"), ("lockless", "locked")):
            if m[a] and m[b]:
                print(f"   {a} / {b} (medians): {m[a] / m[b]:.3f}")
    print(" no-contention control: access_tracking_perf_test -v 1 -b 32M, "
          "s of its two Mark memory idle passes:")
    m = {k: show(k, read(f"idle-{accel}-{k}.secs")) for k in ("stock", "lockless", "locked")}
    for k in ("lockless", "locked"):
        if m["stock"] and m[k]:
            print(f"   {k} / stock (medians): {m[k] / m['stock']:.3f}")
    print(" zap of every shadow page (memslot deletion at the end of shadow_aging_test), us:")
    m = {k: show(k, read(f"zap-{accel}-{k}.us")) for k in ("stock", "lockless", "locked")}
    for k in ("lockless", "locked"):
        if m["stock"] and m[k]:
            print(f"   {k} / stock (medians): {m[k] / m['stock']:.3f}")
    print(" most zapped shadow pages waiting for a grace period, per run:")
    for k in ("lockless", "locked"):
        show(k, read(f"held-{accel}-{k}.pages"))
    for p in sorted(glob.glob(os.path.join(d, f"age-{accel}-lock*.stats"))):
        for line in open(p).read().splitlines():
            print("  " + os.path.basename(p) + ": " + line)
PY
