#!/usr/bin/env bash
# make kvm-bench: A/B of the long-rmap workload, stock against converted,
# in one run.  Boots the two kernels alternately ROUNDS times (default 2),
# each boot running shadow_rmap_test AB_REPS times (default 5), and prints
# the time of its write-protection phase (1024 rounds of dirty-log
# write-protect + one write fault, over a 960-SPTE rmap) per run, the
# medians, the spread and the ratio.  A benchmark: it prints numbers and
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
		grep -a 'write-protect rounds' "$BUILD/kvm-run/ab-$k-$r.log" |
			sed -E 's/.* in ([0-9.]+) s .*/\1/' >>"$res/$k.secs"
	done
done
python3 - "$res" <<'PY'
import statistics, sys
d = sys.argv[1]
v = {k: [float(x) for x in open(f"{d}/{k}.secs")] for k in ("stock", "converted")}
for k, xs in v.items():
    print(f"{k:10s} n={len(xs)} median={statistics.median(xs):.3f}s "
          f"min={min(xs):.3f}s max={max(xs):.3f}s runs={' '.join(f'{x:.3f}' for x in xs)}")
m = {k: statistics.median(xs) for k, xs in v.items()}
print(f"converted/stock (medians): {m['converted'] / m['stock']:.3f}")
PY
