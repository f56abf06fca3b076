"""aging_contention_test's lines, as make kvm-bench's tables read them.

HEADER matches a run's first line (pages, calls, vCPUs, load); ROUND a
round's line, its groups the arm and then FIELDS; ROUND_ARMS the same line
with the figures that follow (the second ager's calls, the series' extra
passes, the lock bit's waits and spins), its groups the arm and then
FIELDS_ARMS.
"""
import re

HEADER = re.compile(r"\] aging (\d+) pages in \d+ calls \(([^)]*)\), (\d+) vCPUs, .*load: (.*)$")
_ROUND = (r"round \d+ (locked|lockless): pass ([\d.]+) us, call p50 ([\d.]+) p99 ([\d.]+) "
          r"max ([\d.]+) us, mmu_lock acq w (-?[\d.]+) r (-?[\d.]+) con w (-?[\d.]+) "
          r"r (-?[\d.]+), fallbacks ([\d.]+), walks ([\d.]+), vCPU ([\d.]+) writes/s, "
          r"writer ([\d.]+) toggles/s, vCPU faults ([\d.]+) p50 ([\d.]+) p99 ([\d.]+) "
          r"max ([\d.]+) us")
ROUND = re.compile(_ROUND)
ROUND_ARMS = re.compile(_ROUND + r", ager2 (-?[\d.]+) calls, retries (-?[\d.]+), bit waits/spins "
                        r"writer (-?[\d.]+)/(-?[\d.]+) ager (-?[\d.]+)/(-?[\d.]+)")
FIELDS = ("pass_us", "call_p50_us", "call_p99_us", "call_max_us", "mmu_lock_acq_w",
          "mmu_lock_acq_r", "mmu_lock_con_w", "mmu_lock_con_r", "fallbacks", "walks",
          "vcpu_writes_per_s", "writer_toggles_per_s", "vcpu_faults", "vcpu_fault_p50_us",
          "vcpu_fault_p99_us", "vcpu_fault_max_us")
FIELDS_ARMS = FIELDS + ("ager2_calls", "walk_retries", "bit_writer_waits", "bit_writer_spins",
                        "bit_ager_waits", "bit_ager_spins")
