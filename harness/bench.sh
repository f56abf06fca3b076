#!/usr/bin/env bash
# The llist_nulls_multi benchmarks (tools/testing/llist_nulls_multi/bench*.c).
# They print numbers and assert nothing.
#   harness/bench.sh [bench options and benchmarks]   e.g. -r 7, or: warm cold
#                    (benchmarks: warm cold layout contention update, the
#                    default, and scaling, only when named)
#   harness/bench.sh --icount    instructions per operation, from callgrind,
#                                where wall time is too noisy
# Log: build/userspace/bench.log (or bench-icount.log); scaling's CSV:
# build/userspace/bench-scaling.csv.
. "$(dirname "$0")/common.sh"

build_userspace bench
LOGS=$BUILD/userspace

if [ "${1:-}" != "--icount" ]; then
	set +e
	"$USERSPACE/bench" -o "$LOGS/bench-scaling.csv" "$@" 2>&1 | tee "$LOGS/bench.log"
	exit "${PIPESTATUS[0]}"
fi

apt_need valgrind
loops=2000
cg=$LOGS/bench.callgrind
log "callgrind: each operation $loops times"
valgrind --tool=callgrind --callgrind-out-file="$cg" "$USERSPACE/bench" -i "$loops" \
	>"$LOGS/bench-icount.valgrind.log" 2>&1 ||
	{ tail -20 "$LOGS/bench-icount.valgrind.log" >&2; die "callgrind failed"; }
{
	echo "instructions per operation (callgrind, inclusive, 300-entry lists, $loops runs each)"
	echo "  walks call the visitor through a pointer; the iterators sum inline"
	echo "  (*) mean of 300 adds to an empty list and 300 dels in random order,"
	echo "      node allocation included"
	callgrind_annotate --inclusive=yes --threshold=100 "$cg" 2>/dev/null |
		awk -v loops="$loops" '
		BEGIN {
			what["walk_lockless"] = "llist_nulls_multi lockless walk"
			what["walk_locked"] = "llist_nulls_multi mutex + iterators"
			what["walk_iter"] = "llist_nulls_multi iterators, no lock"
			what["walk_one"] = "one entry per node, lockless walk"
			what["add_del_llnm"] = "llist_nulls_multi add or del (*)"
			what["add_del_one"] = "one entry per node add or del (*)"
		}
		/:icount_[a-z_]+ / && !/=>/ {
			n = $1; gsub(",", "", n)
			f = $0; sub(/.*:icount_/, "", f); sub(/ .*/, "", f)
			if (!(f in what))
				next
			per = f ~ /^add_del/ ? 600 : 1
			printf "  %-42s %10.0f\n", what[f], n / loops / per
		}' | sort
} | tee "$LOGS/bench-icount.log"
