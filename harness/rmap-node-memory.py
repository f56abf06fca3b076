#!/usr/bin/env python3
"""Memory and cache lines of rmap list nodes, for the layouts considered.

For each layout (SPTEs per node, slab stride, objects per 4 KiB slab, node
alignment) prints the bytes of node memory per SPTE and the cache lines a
walk of every node touches, for:
  - the rmap histogram shadow_rmap_test builds (one 960-SPTE and one
    64-SPTE rmap; single SPTEs live in the head word and cost no node);
  - a guest whose rmaps hold 2 to 15 SPTEs, each length equally common;
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


def lines_per_node(obj, stride, align):
    # average over the offsets a node can have within a slab page
    n = 4096 // stride
    tot = 0
    for k in range(n):
        off = k * stride
        tot += (off + obj - 1) // LINE - off // LINE + 1
    return tot / n


def cost(lengths, cap, obj, stride, align):
    nodes = sum(math.ceil(n / cap) for n in lengths if n >= 2)
    sptes = sum(lengths)
    return (nodes * node_bytes(stride) / sptes,
            nodes * lines_per_node(obj, stride, align))


cases = [
    ("shadow_rmap_test rmaps (960 + 64)", [960, 64]),
    ("rmaps of 2..15 SPTEs, uniform", list(range(2, 16))),
    ("one 300-SPTE list", [300]),
]
print(f"{'layout':42s} {'objs/slab':>9s}  " +
      "  ".join(f"{c[0][:24]:>24s}" for c in cases))
for name, cap, obj, stride, align in LAYOUTS:
    cols = []
    for _, lens in cases:
        b, l = cost(lens, cap, obj, stride, align)
        cols.append(f"{b:6.2f} B/SPTE {l:5.0f} ln")
    print(f"{name:42s} {4096 // stride:9d}  " + "  ".join(f"{c:>24s}" for c in cols))
