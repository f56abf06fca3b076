#!/usr/bin/env python3
"""The table of harness/bench-ab.sh: per mode, readers and writer pause,
each arm's median over its runs, the ratio B/A, and the spread of the
per-pair ratios (run k of A against run k of B, in ABBA order).

Usage: bench-ab-table.py MUTANT-NAME DIR   (DIR holds a-RUN.csv, b-RUN.csv)
"""
import csv, glob, os, statistics, sys

name, d = sys.argv[1], sys.argv[2]


def load(arm):
    runs = []
    for path in sorted(glob.glob(os.path.join(d, f"{arm}-*.csv")),
                       key=lambda p: int(p.rsplit("-", 1)[1][:-4])):
        runs.append({(r["mode"], int(r["readers"]), int(r["writer_pause_ns"])): r
                     for r in csv.DictReader(open(path))})
    return runs


a, b = load("a"), load("b")
if not a or len(a) != len(b):
    sys.exit(f"bench-ab: {len(a)} runs of A, {len(b)} of B")
cpu = next(iter(a[0].values()))
print(f"A: the library with {name} applied; B: the library as it is")
print(f"{cpu['cpu']}, {cpu['cpus']} CPUs; {len(a)} runs an arm in ABBA order, "
      f"each the median of {cpu['rounds']} rounds of {cpu['ms']} ms")
print("ratio: B/A of the arms' medians; pairs: the lowest and highest B/A "
      "of run k of each arm")
hdr = (f"{'mode':9} {'rdrs':>4} {'pause':>5}  {'writer ops/s A':>14} {'B':>12} "
       f"{'ratio':>6} {'pairs':>11}  {'reader walks/s A':>16} {'B':>12} {'ratio':>6} {'pairs':>11}")
print(hdr)


def col(runs, key, field):
    return [float(r[key][field]) for r in runs]


for key in sorted(a[0], key=lambda k: (k[0] != "lockless", k[0], k[2], k[1])):
    if key[0] not in ("lockless", "rculist"):
        continue
    out = f"{key[0]:9} {key[1]:>4} {key[2]:>5}"
    for field in ("writer_ops_per_s_median", "readers_walks_per_s_median"):
        va, vb = col(a, key, field), col(b, key, field)
        ma, mb = statistics.median(va), statistics.median(vb)
        if ma <= 0 or mb <= 0:
            out += f"  {'-':>14} {'-':>12} {'-':>6} {'-':>11}"
            continue
        pr = [y / x for x, y in zip(va, vb) if x > 0]
        out += (f"  {ma:14.0f} {mb:12.0f} {mb / ma:6.3f} "
                f"{min(pr):5.3f}-{max(pr):5.3f}")
    print(out)
