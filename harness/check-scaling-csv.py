#!/usr/bin/env python3
"""Check bench scaling's CSV: a row for every mode, reader count and writer
pause, the writer working when alone, the readers walking in every row that
has readers.

Usage: check-scaling-csv.py CSV
"""
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
want = {(m, r, g) for m in ("lockless", "spinlock", "rwlock", "bitlock", "rculist")
        for r in ("0", "1", "2", "4", "8", "15") for g in ("0", "1000")}
got = {(x["mode"], x["readers"], x["writer_pause_ns"]) for x in rows}
bad = [x for x in rows if float(x["writer_ops_per_s_median"]) <= 0 and x["readers"] == "0"]
bad += [x for x in rows if x["readers"] != "0" and float(x["readers_walks_per_s_median"]) <= 0]
if got != want or len(rows) != len(want) or bad:
    print("scaling CSV: missing", sorted(want - got), "extra", sorted(got - want),
          "rows", len(rows), "idle", bad)
    sys.exit(1)
print("scaling CSV: %d rows, every mode walked and wrote" % len(rows))
