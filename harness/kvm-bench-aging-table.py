#!/usr/bin/env python3
"""The tables of make kvm-bench's aging A/B and its control against stock.

Usage: kvm-bench-aging-table.py RESULTS_DIR, the directory kvm-bench.sh
fills: contend.logs and control.logs (a boot log a line, with its MMU and
L1's CPUs, or its kernel), idle-stock.secs and idle-converted.secs.
"""
import os, re, statistics, sys
d = sys.argv[1]
from aging_rounds import FIELDS, HEADER, ROUND
def rounds(path, out, tag, boot=None):
    key = None
    for line in open(path, errors="replace"):
        m = HEADER.search(line)
        if m:
            key = f"{tag}, {m.group(1)} pages, {m.group(2)}, {m.group(3)} vCPUs, load: {m.group(4).strip()}"
            continue
        m = ROUND.search(line)
        if m and key:
            r = dict(zip(FIELDS, map(float, m.groups()[1:])))
            r["boot"] = boot
            arm = out.setdefault(key, {"locked": [], "lockless": []})[m.group(1)]
            arm.append(r)
def med(rs, f):
    return statistics.median(r[f] for r in rs) if rs else None
work = {}
for line in open(os.path.join(d, "contend.logs")):
    mmu, smp, path = line.split()
    # the boot: the round of kvm-bench.sh its label ends with (LABEL-ROUND-TRY.log)
    boot = re.sub(r"-\d+\.log$", "", os.path.basename(path)).rsplit("-", 1)[-1]
    rounds(path, work, f"{mmu} MMU, L1 -smp {smp}" + (", LOCK_STAT kernel" if "lockstat-" in path else ""),
           boot)
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
        # the ratio in each boot alone: its spread between boots
        per = []
        for bt in sorted({r["boot"] for r in arms["locked"]}):
            x = med([r for r in arms["locked"] if r["boot"] == bt], f)
            y = med([r for r in arms["lockless"] if r["boot"] == bt], f)
            if x is not None and x > 0 and y is not None and y >= 0:
                per.append(y / x)
        spread = f"{min(per):.2f}-{max(per):.2f} in {len(per)} boots" if per else ""
        print(f"   {f:22s} {cells[0]:>32s} {cells[1]:>32s} {ratio:>7s}  {spread}")
    # the writer's pace in each boot, beside the ratios it drives; a boot
    # under half the median of the workload's boots is off pace
    if "dirty-log writer" in key:
        paces = {}
        for r in arms["locked"] + arms["lockless"]:
            paces.setdefault(r["boot"], []).append(r["writer_toggles_per_s"])
        pm = {bt: statistics.median(v) for bt, v in paces.items()}
        allm = statistics.median(pm.values())
        print("   writer pace, toggles/s (median of the boot's rounds): " +
              ", ".join(f"boot {bt} {v:.0f}{' OFF PACE' if v < allm / 2 else ''}"
                        for bt, v in sorted(pm.items())))
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
print(" goals (lockless / locked, medians over every round of every boot; the spread\n"
      " of the per-boot ratios is in the tables above):")
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
