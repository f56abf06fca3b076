#!/usr/bin/env python3
"""make kvm-bench, part 5: the dirty-log tables, stock against the series.

Reads RES/dirty.logs (lines "KERNEL SMP ROUND SET LOG", written by
harness/kvm-bench.sh) and each boot's log; a boot's tests are the lines of
tests.list tagged with its set, in order, and each test's output is what the
log holds before its "@@@ RESULT N" line.  For every workload (a tests.list
line) and figure, prints each kernel's median (min-max) over its boots and
the series' median over stock's, then the issue's goals, met or not:

  harvest time <= 1.1x stock: dirty_log_perf_test's "Get dirty log" time
      per iteration with -g, its "Clear dirty log" time without (where the
      get only copies the bitmap), shadow_dirty_log_test's harvest p50
      with its vCPUs stopped (-g) and while they write;
  write-fault p99 during a harvest <= 0.5x stock: shadow_dirty_log_test's
      guest-timed writes that faulted while a harvest ran (the guest reads
      a sequence count the host makes odd around each harvest);
  fault path without dirty logging <= 1.02x stock: dirty_log_perf_test's
      "Populate memory time" (first touch, before logging is enabled).

usage: kvm-bench-dirty-table.py RES TESTS_LIST
"""
import re
import statistics
import sys
from collections import defaultdict

FIGURES = [
    # name, regexp on one test's output, unit, lower is better
    ("populate s", r"Populate memory time: ([0-9.]+)s", "s"),
    ("dirty memory s/iter", None, "s"),
    ("get log s/iter", r"Get dirty log over \d+ iterations took [0-9.]+s\. \(Avg ([0-9.]+)s", "s"),
    ("clear log s/iter", r"Clear dirty log over \d+ iterations took [0-9.]+s\. \(Avg ([0-9.]+)s", "s"),
    ("idle harvest p50 us", r"harvests with the vCPUs stopped: \d+, elapsed p50 ([0-9.]+) us", "us"),
    ("idle harvest CPU us", r"harvests with the vCPUs stopped: .*; CPU p50 ([0-9.]+) us", "us"),
    ("harvest p50 us", r"harvests while the vCPUs wrote: \d+, p50 ([0-9.]+) us", "us"),
    ("harvest p99 us", r"harvests while the vCPUs wrote: \d+, p50 [0-9.]+ us, p99 ([0-9.]+) us", "us"),
    ("vCPU writes/s", r"vCPU writes: \d+ in [0-9.]+ s \(([0-9.]+) per s\)", "/s"),
    ("write-fault p50 us", r"faulted: [0-9.]+, p50 ([0-9.]+) us", "us"),
    ("write-fault p99 us", r"faulted: [0-9.]+, p50 [0-9.]+ us, p99 ([0-9.]+) us", "us"),
    ("harvest-fault p50 us", r"faulted during a harvest: [1-9][0-9]*, p50 ([0-9.]+) us", "us"),
    ("harvest-fault p99 us", r"faulted during a harvest: [1-9][0-9]*, p50 [0-9.]+ us, p99 ([0-9.]+) us", "us"),
]


def set_lines(tests_list, set_):
    out = []
    for line in open(tests_list):
        line = line.strip()
        if not line or line.startswith("#") or f"@{set_}" not in line.split():
            continue
        out.append(" ".join(w for w in line.split() if not w.startswith("@")))
    return out


def outputs(log, n):
    """The output lines of tests 1..n of a boot's log, by test number."""
    per, cur = defaultdict(list), []
    for line in open(log, errors="replace"):
        m = re.match(r"@@@ RESULT (\d+) ", line)
        if m:
            per[int(m.group(1))] = cur
            cur = []
        else:
            cur.append(line)
    return per


def figures(lines):
    text = "".join(lines)
    got = {}
    for name, rx, _ in FIGURES:
        if rx is None:
            iters = [float(x) for i, x in re.findall(r"Iteration (\d+) dirty memory time: ([0-9.]+)s", text)
                     if int(i) > 1]
            if iters:
                got[name] = statistics.mean(iters)
            continue
        m = re.search(rx, text)
        if m:
            got[name] = float(m.group(1))
    return got


def fmt(v):
    if v >= 1000:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.4g}"


def main():
    res, tests_list = sys.argv[1], sys.argv[2]
    # data[(set, test index)][figure][kernel] = [per-boot values]
    data = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    names = {}
    boots = defaultdict(int)
    for line in open(f"{res}/dirty.logs"):
        kernel, smp, rnd, set_, log = line.split()
        tests = set_lines(tests_list, set_)
        per = outputs(log, len(tests))
        boots[(kernel, set_)] += 1
        for i, t in enumerate(tests, 1):
            names[(set_, i)] = f"-smp {smp}: {t}"
            for fig, v in figures(per.get(i, [])).items():
                data[(set_, i)][fig][kernel].append(v)
    goals = []
    print("dirty logging under shadow paging (tcg,thread=multi): median (min-max) over boots, series/stock")
    for key in sorted(data, key=lambda k: (k[0] != "dirtybench", k[1])):
        print(f"\n{names[key]}")
        for fig, _, unit in FIGURES:
            arms = data[key].get(fig)
            if not arms or "stock" not in arms or "converted" not in arms:
                continue
            med = {k: statistics.median(v) for k, v in arms.items()}
            cells = []
            for k in ("stock", "converted"):
                v = arms[k]
                cells.append(f"{k} {fmt(med[k])} ({fmt(min(v))}-{fmt(max(v))}) n={len(v)}")
            ratio = med["converted"] / med["stock"] if med["stock"] else float("nan")
            print(f"  {fig:20s} {'   '.join(cells)}   ratio {ratio:.3f}")
            goal = None
            # With manual protect (no -g), KVM_GET_DIRTY_LOG only copies the
            # bitmap: KVM_CLEAR_DIRTY_LOG is the harvest that write-protects.
            if fig == "get log s/iter" and " -g" not in names[key]:
                pass
            elif fig in ("get log s/iter", "clear log s/iter", "harvest p50 us",
                         "idle harvest p50 us"):
                goal = ("harvest time <= 1.1x stock", 1.1)
            elif fig == "harvest-fault p99 us":
                goal = ("write-fault p99 during a harvest <= 0.5x stock", 0.5)
            elif fig == "populate s":
                goal = ("fault path without dirty logging <= 1.02x stock", 1.02)
            if goal:
                goals.append((goal[0], names[key], fig, ratio, ratio <= goal[1]))
    print("\ngoals (series/stock of the medians):")
    for what, name, fig, ratio, ok in goals:
        print(f"  {'met    ' if ok else 'NOT MET'} {what}: {ratio:.3f} ({fig}; {name})")


main()
