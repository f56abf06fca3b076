#!/usr/bin/env bash
# The userspace stress test of llist_nulls_multi (tools/testing/llist_nulls_multi):
# the library's own .c on real threads, then the same under ThreadSanitizer;
# then revmap.c and hashlookup.c, consumers built as another program would
# be (make prog), plain and under ThreadSanitizer.
#   harness/stress.sh [seconds]      (each run; default 5)
# Fails if a run reports a violation (revmap: a missed stable handle or a
# warning) or ThreadSanitizer reports anything.
# Logs: build/userspace/{stress,revmap,hashlookup}{,-tsan}.log.
. "$(dirname "$0")/common.sh"

secs=${1:-5}
apt_need libtsan2
build_userspace stress stress-tsan
build_userspace prog PROG=revmap.c
build_userspace prog PROG=hashlookup.c
LOGS=$BUILD/userspace

# run_logged NAME CMD...: run CMD, its output shown and in
# build/userspace/NAME.log; returns CMD's exit status.
run_logged() {
	local name=$1 rc
	shift
	set +e
	"$@" 2>&1 | tee "$LOGS/$name.log"
	rc=${PIPESTATUS[0]}
	set -e
	return "$rc"
}

rc=0

# pair NAME ARGS...: build/userspace/llist_nulls_multi/NAME, then NAME-tsan,
# with the same arguments; a failure sets rc.
pair() {
	local name=$1
	shift
	log "$name: $*"
	run_logged "$name" "$USERSPACE/$name" "$@" || { log "$name FAILED (exit $?)"; rc=1; }
	log "$name under ThreadSanitizer: $*"
	run_tsan "$LOGS/$name-tsan.log" "$USERSPACE/$name-tsan" "$@" ||
		{ log "$name-tsan FAILED (exit $?)"; rc=1; }
}

pair stress "$secs"
# a second consumer, built as another program would be
pair revmap "$secs"
# a third: the guide's lookup by key and rehash, on a 64-bucket table
pair hashlookup "$secs" 2 2

[ $rc -eq 0 ] && log "stress: every run passed"
exit $rc
