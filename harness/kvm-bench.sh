#!/usr/bin/env bash
# make kvm-bench: A/B of the long-rmap workload, stock against converted,
# in one run.  Boots the two kernels alternately ROUNDS times (default 2),
# each boot running shadow_rmap_test AB_REPS times (default 5), and prints
# two of its timings per run, their medians, spread and ratio: the rmap
# walk rounds (dirty logging turned on and off with the vCPU stopped: two
# walks of the 960- and 64-SPTE rmaps and a memslot update, no VM exit)
# and the write-protect rounds (a guest write through one SPTE, its exits,
# and KVM_GET_DIRTY_LOG write-protecting the page through its rmap).  A benchmark: it prints numbers and
# fails only if a run fails.
. "$(dirname "$0")/common.sh"

rounds=${1:-2}
stock=$(bash "$HARNESS/build-kvm.sh" stock)
conv=$(bash "$HARNESS/build-kvm.sh" converted)
bash "$HARNESS/build-kvm-selftests.sh" >/dev/null
res=$BUILD/kvm-ab
rm -rf "$res"
mkdir -p "$res"
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
