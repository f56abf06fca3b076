#!/usr/bin/env python3
"""Memory and cache lines of rmap list nodes, for the layouts considered.

For each layout (SPTEs per node, slab stride, objects per 4 KiB slab, node
alignment) prints the bytes of node memory per SPTE and the cache lines a
walk reads (each node's header and used slots), for:
  - the rmap histogram shadow_rmap_test builds (one 960-SPTE and one
    64-SPTE rmap; single SPTEs live in the head word and cost no node);
  - a guest whose rmaps hold 2 to 6 SPTEs, or 2 to 15, each length
    equally common;
  - one 300-SPTE list (the cold walk of make bench).
A list of n >= 2 SPTEs takes ceil(n / cap) nodes; a slab holds
floor(4096 / stride) of them, so a node costs 4096 / that many bytes.
"""
import math

LINE = 64
# name, SPTEs per node, object bytes, stride, alignment of each node
LAYOUTS = [
    ("stock pte_list_desc", 14, 128, 128, 128),
    ("14 SPTEs, free pointer behind (136 B)", 14, 128, 136, 8),
    ("13 SPTEs + free-pointer word (128 B)", 13, 128, 128, 128),
]


def node_bytes(stride):
    return 4096 / (4096 // stride)


HEADER = 16


def lines_of(used, stride):
    """cache lines holding the first @used bytes of a node, averaged over
    the offsets a node can have within a slab page"""
    n = 4096 // stride
    tot = 0
    for k in range(n):
        off = k * stride
        tot += (off + used - 1) // LINE - off // LINE + 1
    return tot / n


def cost(lengths, cap, obj, stride, align):
    """bytes of node memory per SPTE, and cache lines a walk reads: the
    header and the used slots of each node"""
    nodes = lines = 0
    for n in lengths:
        if n < 2:
            continue
        k = math.ceil(n / cap)
        nodes += k
        first = n - (k - 1) * cap
        lines += lines_of(HEADER + 8 * first, stride)
        lines += (k - 1) * lines_of(HEADER + 8 * cap, stride)
    return nodes * node_bytes(stride) / sum(lengths), lines


cases = [
    ("shadow_rmap_test rmaps (960 + 64)", [960, 64]),
    ("rmaps of 2..6 SPTEs, uniform", list(range(2, 7))),
    ("rmaps of 2..15 SPTEs, uniform", list(range(2, 16))),
    ("one 300-SPTE list", [300]),
]
for name, _ in cases:
    print(f"  [{cases.index((name, _)) + 1}] {name}")
print(f"{'layout':42s} {'objs/slab':>9s}  " +
      "  ".join(f"{'[' + str(i + 1) + ']':>22s}" for i in range(len(cases))))
for name, cap, obj, stride, align in LAYOUTS:
    cols = []
    for _, lens in cases:
        b, l = cost(lens, cap, obj, stride, align)
        cols.append(f"{b:6.2f} B/SPTE {l:5.0f} ln")
    print(f"{name:42s} {4096 // stride:9d}  " + "  ".join(f"{c:>22s}" for c in cols))
