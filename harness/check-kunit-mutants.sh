#!/usr/bin/env bash
# Show that the KUnit suites can fail: for each harness/mutants/kunit/*.mut,
# put the deliberate bug in the library (build/linux), run the suites on
# UML, and require a case to fail or crash; then put the library back and
# rebuild it.  A mutant that corrupts a list can hang a locked walk: a run
# times out at 30 s, ten times a good one.  Fails if a mutant survives.
# The gate's "mutants" step.
#   check-kunit-mutants.sh [NAME...]
# Logs: build/kunit-mutants/NAME.log.
. "$(dirname "$0")/common.sh"

LOGS=$BUILD/kunit-mutants
rm -rf "$LOGS"
mkdir -p "$LOGS"

mutant_apply() { python3 "$HARNESS/mutate.py" "$1" "$SRC"; }
mutant_test() {
	local log cases rc=0
	log=$LOGS/$(basename "$1" .mut).log
	bash "$HARNESS/run-kunit.sh" um uml --timeout=30 >"$log" 2>&1 || rc=$?
	cases=$(grep -Eo '\[(FAILED|CRASHED)\] llnm_[a-z0-9_]+' "$log" |
		awk '{print $2}' | sort -u | tr '\n' ' ')
	if [ $rc -eq 0 ]; then
		echo "every case passed"
		return 0
	elif [ -n "$cases" ]; then
		echo "failed: $cases"
		return 1
	fi
	echo "no case failed, kunit.py exit $rc: $(tail -n 2 "$log" | tr '\n' ' ')"
	return 2
}
mutant_restore() { git -C "$SRC" checkout -q -- lib include; }

rc=0
run_mutants kunit "$@" || rc=1
# Leave the UML build as the suites expect it.
bash "$HARNESS/run-kunit.sh" >/dev/null 2>&1 || rc=1
exit $rc
