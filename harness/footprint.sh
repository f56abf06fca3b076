#!/usr/bin/env bash
# The cache lines each writer operation stores to
# (tools/testing/llist_nulls_multi/footprint.c), counted on the library's own
# code for every list length up to three nodes and every entry removed, with
# the one-entry list of onelist.h beside it.  The library must keep the
# bounds of README's table ("What a writer's operation writes"), and each
# mutant of harness/mutants/footprint/ must break one.
#   harness/footprint.sh [-v]
# Logs: build/userspace/footprint.log, build/userspace/footprint-mutant-NAME.log.
. "$(dirname "$0")/common.sh"

build_userspace footprint
LOGS=$BUILD/userspace
rc=0
"$USERSPACE/footprint" "$@" >"$LOGS/footprint.log" 2>&1 || rc=$?
cat "$LOGS/footprint.log"
[ $rc -eq 0 ] || { echo "FAIL: the library as it is writes more lines than its bounds (build/userspace/footprint.log)"; exit 1; }

# The family's mutants (common.sh's run_mutants), each built from a copy of
# the library, so the tree is never changed.
mutant_apply() { mutant_copy_apply footprint "$1"; }
mutant_test() {
	local rc=0
	mutant_copy_run footprint "$1" || rc=$?
	# footprint exits 1 when an operation breaks its bound, 2 on an error.
	echo "$(grep -E '^footprint:' "$MUT_LOG"); first: $(grep -m1 '^FAIL' "$MUT_LOG")"
	case $rc in 0) return 0 ;; 1) return 1 ;; *) return 2 ;; esac
}
mutant_restore() { mutant_copy_restore footprint; }

run_mutants footprint
