#!/usr/bin/env bash
# The userspace stress test of llist_nulls_multi (tools/testing/llist_nulls_multi):
# the library's own .c on real threads, then the same under ThreadSanitizer.
#   harness/stress.sh [seconds]      (each run; default 5)
# Fails if either run reports a violation or ThreadSanitizer reports anything.
# Logs: build/userspace/stress.log, build/userspace/stress-tsan.log.
. "$(dirname "$0")/common.sh"

secs=${1:-5}
apt_need libtsan2
build_userspace stress stress-tsan
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

log "stress: $secs s"
run stress "$OUT/stress" "$secs" || { log "stress FAILED (exit $?)"; status=1; }

log "stress under ThreadSanitizer: $secs s"
rc=0
run_tsan "$LOGS/stress-tsan.log" "$OUT/stress-tsan" "$secs" || rc=$?
[ $rc -eq 0 ] || { log "stress-tsan FAILED (exit $rc)"; status=1; }

[ $status -eq 0 ] && log "stress: both runs passed"
exit $status
