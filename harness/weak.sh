#!/usr/bin/env bash
# The weak-memory adversary (tools/testing/llist_nulls_multi/weak.c): the
# library's own code over a simulated memory in which a walker's load may
# return any value the Linux-kernel memory model lets it see, every choice
# explored.  The library as it is must show no violation; each mutant of
# harness/mutants/weak/ (a release weakened to a plain store, or a count
# that covers a stale slot) must show one.
#   harness/weak.sh [random-scenarios] [seed]     (default 300 1)
# Logs: build/userspace/weak.log, build/userspace/weak-mutant-NAME.log.
. "$(dirname "$0")/common.sh"

n=${1:-300}
seed=${2:-1}
build_userspace weak
LOGS=$BUILD/userspace
rc=0
"$USERSPACE/weak" -n "$n" -s "$seed" >"$LOGS/weak.log" 2>&1 || rc=$?
grep -E '^scenario [a-z]+-[a-z]' "$LOGS/weak.log" || true
grep -E '^(random|weak):' "$LOGS/weak.log"
[ $rc -eq 0 ] || { echo "FAIL: the library as it is shows a violation (build/userspace/weak.log)"; head -40 "$LOGS/weak.log"; exit 1; }

# The adversary's mutant family (common.sh's run_mutants): each mutant is
# built from a copy of the library, so the tree is never changed.
mutant_apply() { mutant_copy_apply weak "$1"; }
mutant_test() {
	local rc=0
	mutant_copy_run weak "$1" -n "$n" -s "$seed" || rc=$?
	# weak exits 1 on a violation, other values on an error of its own.
	echo "$(grep -c '^violation in' "$MUT_LOG") shown; $(grep -E '^weak:' "$MUT_LOG");" \
		"first: $(grep -m1 '^VIOLATION' "$MUT_LOG")"
	case $rc in 0) return 0 ;; 1) return 1 ;; *) return 2 ;; esac
}
mutant_restore() { mutant_copy_restore weak; }

run_mutants weak
