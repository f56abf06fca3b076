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

# Any report fails the run: halt at the first, with an exit status of its own.
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1"
log "stress under ThreadSanitizer: $secs s"
rc=0
run stress-tsan "$OUT/stress-tsan" "$secs" || rc=$?
if [ $rc -ne 0 ] && grep -q 'unexpected memory mapping' "$LOGS/stress-tsan.log"; then
	# TSan's shadow layout and a kernel with more mmap randomness disagree.
	log "ThreadSanitizer cannot map its shadow memory; retrying with ASLR off"
	rc=0
	run stress-tsan setarch "$(uname -m)" -R "$OUT/stress-tsan" "$secs" || rc=$?
fi
if grep -q 'ThreadSanitizer' "$LOGS/stress-tsan.log"; then
	log "stress-tsan: ThreadSanitizer reported (see $LOGS/stress-tsan.log)"
	[ $rc -ne 0 ] || rc=1
fi
[ $rc -eq 0 ] || { log "stress-tsan FAILED (exit $rc)"; status=1; }

[ $status -eq 0 ] && log "stress: both runs passed"
exit $status
