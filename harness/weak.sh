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
apt_need python3
build_userspace weak
LOGS=$BUILD/userspace
rc=0
"$USERSPACE/weak" -n "$n" -s "$seed" >"$LOGS/weak.log" 2>&1 || rc=$?
grep -E '^scenario [a-z]+-[a-z]' "$LOGS/weak.log" || true
grep -E '^(random|weak):' "$LOGS/weak.log"
[ $rc -eq 0 ] || { echo "FAIL: the library as it is shows a violation (build/userspace/weak.log)"; head -40 "$LOGS/weak.log"; exit 1; }

# The adversary's mutant family (common.sh's run_mutants): each mutant is
# built from a copy of the library, so the tree is never changed.
MUT_TREE=$BUILD/userspace/weak-mutant
mutant_apply() {
	mkdir -p "$MUT_TREE/src"
	cp -r "$TOP/include" "$TOP/lib" "$MUT_TREE/src/"
	python3 "$HARNESS/mutate.py" "$1" "$MUT_TREE/src" &&
		make -s -C "$USERSPACE_SRC" KSRC="$MUT_TREE/src" O="$MUT_TREE/obj" weak
}
mutant_test() {
	local name log rc=0
	name=$(basename "$1" .mut)
	log=$LOGS/weak-mutant-$name.log
	"$MUT_TREE/obj/weak" -n "$n" -s "$seed" >"$log" 2>&1 || rc=$?
	# weak exits 1 on a violation, other values on an error of its own.
	echo "$(grep -c '^violation in' "$log") shown; $(grep -E '^weak:' "$log");" \
		"first: $(grep -m1 '^VIOLATION' "$log")"
	case $rc in 0) return 0 ;; 1) return 1 ;; *) return 2 ;; esac
}
mutant_restore() { rm -rf "$MUT_TREE"; }

run_mutants weak
