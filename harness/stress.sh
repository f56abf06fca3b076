#!/usr/bin/env bash
# The userspace stress test of llist_nulls_multi (tools/testing/llist_nulls_multi):
# the library's own .c on real threads, then the same under ThreadSanitizer;
# then revmap.c, a consumer built as another program would be (make prog),
# plain and under ThreadSanitizer.
#   harness/stress.sh [seconds]      (each run; default 5)
# Fails if a run reports a violation (revmap: a missed stable handle or a
# warning) or ThreadSanitizer reports anything.
# Logs: build/userspace/{stress,stress-tsan,revmap,revmap-tsan}.log.
. "$(dirname "$0")/common.sh"

secs=${1:-5}
apt_need libtsan2
build_userspace stress stress-tsan
build_userspace prog PROG=revmap.c
OUT=$USERSPACE
LOGS=$BUILD/userspace

# run NAME CMD...: run, show and log the output; returns the exit status.
run() {
	local name=$1 rc
	shift
	set +e
	"$@" 2>&1 | tee "$LOGS/$name.log"
	rc=${PIPESTATUS[0]}
	set -e
	return "$rc"
}

status=0

# pair NAME ARGS...: $OUT/NAME, then $OUT/NAME-tsan, with the same arguments.
pair() {
	local name=$1 rc=0
	shift
	log "$name: $*"
	run "$name" "$OUT/$name" "$@" || { log "$name FAILED (exit $?)"; status=1; }
	log "$name under ThreadSanitizer: $*"
	run_tsan "$LOGS/$name-tsan.log" "$OUT/$name-tsan" "$@" || rc=$?
	[ $rc -eq 0 ] || { log "$name-tsan FAILED (exit $rc)"; status=1; }
}

pair stress "$secs"
# a second consumer, built as another program would be
pair revmap "$secs"

[ $status -eq 0 ] && log "stress: every run passed"
exit $status
