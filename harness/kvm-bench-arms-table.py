#!/usr/bin/env python3
"""make kvm-bench's three-arm tables: stock, the lock-bit arm, the series.

Usage: kvm-bench-arms-table.py RESULTS_DIR, the directory kvm-bench.sh
fills: arms.logs (a boot a line: kernel, L1's CPUs, boot round, log, and
"lockstat" for a boot of a LOCK_STAT build) and arms.order.  Each boot ran aging_contention_test's @arms (or @armsover)
workloads.  The columns: stock (a kernel without the switch: every round
aged under mmu_lock), lock bit (the lock-bit kernel's rounds with
kvm.lockless_aging=1) and ours (the series' kernel's rounds with it on);
then, for the two kernels with a switch, their locked rounds, the ratio
of their lockless to their locked medians (measured within each boot),
and ours over the lock bit (medians over all rounds of all boots).
"""
import os, re, statistics, sys

d = sys.argv[1]
from aging_rounds import FIELDS_ARMS as FIELDS, HEADER, ROUND_ARMS as ROUND
SHOW = ("call_p50_us", "call_p99_us", "call_max_us", "pass_us", "vcpu_fault_p50_us",
        "vcpu_fault_p99_us", "vcpu_writes_per_s", "writer_toggles_per_s", "ager2_calls",
        "walks", "fallbacks", "walk_retries", "bit_writer_waits", "bit_writer_spins",
        "bit_ager_waits", "bit_ager_spins")
MEM = re.compile(r"rmap memory: (\S+) (\d+) objects x (\d+) B = (\d+) B for (\d+) leaf SPTEs")
ARMS = ("stock", "bitlock", "converted")
NAME = {"stock": "stock", "bitlock": "lock bit", "converted": "ours"}

# work[key][kernel] = {"locked": [rounds], "lockless": [rounds], "boots": {r: [rounds]},
#                      "mem": [(bytes, sptes)]}
work = {}


def parse(path, kernel, smp, boot, prefix):
    key = None
    for line in open(path, errors="replace"):
        m = HEADER.search(line)
        if m:
            key = (f"{prefix}L1 -smp {smp}, {m.group(1)} pages, {m.group(2)}, {m.group(3)} vCPUs, "
                   f"load: {m.group(4).strip()}")
            continue
        if not key:
            continue
        w = work.setdefault(key, {}).setdefault(kernel, {"locked": [], "lockless": [],
                                                         "boots": {}, "mem": []})
        m = MEM.search(line)
        if m:
            w["mem"].append((int(m.group(4)), int(m.group(5))))
            continue
        m = ROUND.search(line)
        if m:
            r = dict(zip(FIELDS, map(float, m.groups()[1:])))
            arm = m.group(1)
            w[arm].append(r)
            # the arm each kernel is measured by: stock's locked, the others' lockless
            if arm == ("locked" if kernel == "stock" else "lockless"):
                w["boots"].setdefault(boot, []).append(r)


for line in open(os.path.join(d, "arms.logs")):
    kernel, smp, boot, path, *lockstat = line.split()
    parse(path, kernel, smp, boot, "LOCK_STAT kernel, " if lockstat else "")


def rounds_of(w, kernel):
    """The rounds that stand for the arm: stock's all, the others' lockless."""
    if kernel not in w:
        return []
    return w[kernel]["locked"] if kernel == "stock" else w[kernel]["lockless"]


def med(rs, f):
    xs = [r[f] for r in rs if r[f] >= 0]
    return statistics.median(xs) if xs else None


def cell(rs, f):
    xs = [r[f] for r in rs if r[f] >= 0]
    if not xs:
        return "-"
    return f"{statistics.median(xs):.1f} ({min(xs):.1f}-{max(xs):.1f})"


def boots_cell(w, kernel, f):
    if kernel not in w:
        return "-"
    ms = [med(rs, f) for rs in w[kernel]["boots"].values()]
    ms = [m for m in ms if m is not None]
    return f"{min(ms):.1f}-{max(ms):.1f}" if ms else "-"


def ratio(a, b):
    return f"{a / b:.2f}" if a is not None and b else "-"


print("three arms (aging_contention_test under shadow paging, QEMU -accel tcg,thread=multi, "
      "slab_nomerge): stock = every round under mmu_lock on the stock kernel; lock bit and "
      "ours = the rounds with kvm.lockless_aging=1 on their kernels; median (min-max) over "
      "the rounds of every boot, then the range of the per-boot medians")
if os.path.exists(os.path.join(d, "arms.order")):
    for line in open(os.path.join(d, "arms.order")):
        print("  " + line.strip())
goals = []
for key, w in work.items():
    ns = ", ".join(f"{NAME[k]} n={len(rounds_of(w, k))} rounds in {len(w[k]['boots'])} boots"
                   for k in ARMS if k in w)
    print(f"\n {key} ({ns}):")
    print(f"   {'figure':20s} {'stock':>24s} {'lock bit':>24s} {'ours':>24s} "
          f"{'ours/bit':>8s}   {'per-boot medians: stock | lock bit | ours'}")
    for f in SHOW:
        cells = [cell(rounds_of(w, k), f) for k in ARMS]
        # a figure no arm has, or that is 0 in every round (a load not run)
        if all(c == "-" for c in cells) or all(
                r[f] <= 0 for k in ARMS for r in rounds_of(w, k)):
            continue
        b, o = med(rounds_of(w, "bitlock"), f), med(rounds_of(w, "converted"), f)
        boots = " | ".join(boots_cell(w, k, f) for k in ARMS)
        print(f"   {f:20s} {cells[0]:>24s} {cells[1]:>24s} {cells[2]:>24s} {ratio(o, b):>8s}   {boots}")
    # within each kernel's boots: lockless over locked, the same VM and boot
    for k in ("bitlock", "converted"):
        if k in w and w[k]["locked"] and w[k]["lockless"]:
            rs = ", ".join(f"{f} {ratio(med(w[k]['lockless'], f), med(w[k]['locked'], f))}"
                           for f in ("call_p50_us", "call_p99_us", "pass_us", "vcpu_fault_p99_us"))
            print(f"   {NAME[k]}: lockless / locked in the same boots: {rs}")
    # the writer's pace, per boot; a boot under half the workload's median is off pace
    if "dirty-log writer" in key:
        paces = {(k, b): med(rs, "writer_toggles_per_s") for k in ARMS if k in w
                 for b, rs in w[k]["boots"].items()}
        allm = statistics.median(v for v in paces.values() if v is not None)
        print("   writer pace (toggles/s, median of the boot's rounds): " +
              ", ".join(f"{NAME[k]} boot {b} {v:.0f}{' OFF PACE' if v < allm / 2 else ''}"
                        for (k, b), v in sorted(paces.items()) if v is not None))
    if key.startswith("LOCK_STAT"):
        for k in ("bitlock", "converted"):
            if k in w and w[k]["locked"] and w[k]["lockless"]:
                lk = [r["mmu_lock_acq_w"] + r["mmu_lock_acq_r"] for r in w[k]["locked"]]
                ll = [r["mmu_lock_acq_w"] + r["mmu_lock_acq_r"] for r in w[k]["lockless"]]
                fb = max(r["fallbacks"] for r in w[k]["lockless"])
                print(f"   lock_stat, {NAME[k]}: aging's mmu_lock acquisitions a round: locked "
                      f"rounds (stock's path) median {statistics.median(lk):.0f}, lockless rounds "
                      f"max {max(ll):.0f} (fallbacks max {fb:.0f}; n={len(lk)}+{len(ll)} rounds)")
                goals.append((key + f", {NAME[k]}", "mmu_lock_acquisitions_lockless", 0, max(ll)))
    for k in ARMS:
        if k in w and w[k]["mem"]:
            per = [b / s for b, s in w[k]["mem"] if s]
            print(f"   rmap memory per leaf SPTE, {NAME[k]}: {statistics.median(per):.2f} B "
                  f"(n={len(per)} boots, {min(per):.2f}-{max(per):.2f}; "
                  f"{w[k]['mem'][0][0]} B for {w[k]['mem'][0][1]} SPTEs in the first)")
    if key.startswith("LOCK_STAT"):
        continue
    contended = any(x in key for x in ("second ager", "reclaim ager", "moving SPTEs"))
    b_r, o_r = rounds_of(w, "bitlock"), rounds_of(w, "converted")
    for f, bound in ((("call_p99_us", 0.5), ("vcpu_fault_p99_us", 0.5)) if contended else
                     (("call_p50_us", 1.05), ("call_p99_us", 1.05))):
        b, o = med(b_r, f), med(o_r, f)
        if f == "vcpu_fault_p99_us" and not b:
            continue
        goals.append((key, f, bound, None if b is None or o is None or not b else o / b))
    mb = [b / s for b, s in w.get("bitlock", {}).get("mem", []) if s]
    mo = [b / s for b, s in w.get("converted", {}).get("mem", []) if s]
    if mb and mo:
        goals.append((key, "rmap_bytes_per_spte", 1.0,
                      statistics.median(mo) / statistics.median(mb)))

print("\n goals (ours / lock bit, medians over every round of every boot):")
for key, f, bound, x in goals:
    if f == "mmu_lock_acquisitions_lockless":
        print(f"   {f} == 0: {x:.0f} ({key}): {'met' if x == 0 else 'NOT met'}")
    elif x is None:
        print(f"   {f} <= {bound}: no figure ({key})")
    else:
        print(f"   {f} <= {bound}: {x:.2f} ({key}): {'met' if x <= bound else 'NOT met'}")
# The contention each workload was for actually happened.
for key, w in work.items():
    if "bitlock" in w:
        rs = w["bitlock"]["lockless"]
        spins = sum(r["bit_writer_spins"] + r["bit_ager_spins"] for r in rs if r["bit_writer_spins"] >= 0)
        print(f"   lock bit spins over its lockless rounds: {spins:.0f} ({key})")
    if "second ager" in key or "reclaim ager" in key:
        calls = [r["ager2_calls"] for k in ARMS if k in w for r in rounds_of(w, k)]
        print(f"   second ager's calls (page_idle writes or memory.reclaim requests) during a "
              f"pass: min {min(calls):.0f} ({key})")
