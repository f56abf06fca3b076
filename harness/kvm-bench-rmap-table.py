#!/usr/bin/env python3
"""The table of make kvm-bench's rmap A/B: stock against converted, medians.

Usage: kvm-bench-rmap-table.py RESULTS_DIR, holding stock.walk,
converted.walk, stock.protect and converted.protect (us per round, one a line).
"""
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
