#!/usr/bin/env bash
# The userspace performance and stress set for a machine with more cores or
# another CPU (the per-entry cost on that CPU, scaling to its cores):
#   harness/cores.sh build        here: static bench and stress, and the
#                                 TSan stress with libtsan and liburcu
#                                 linked in (it loads libc alone), into
#                                 build/cores (git-ignored); checks with ldd
#   harness/cores.sh run [DIR]    anywhere, from build/cores alone (no apt,
#                                 no compiler): logs and CSV into DIR
#                                 (default build/cores/logs)
# run does: bench warm (7 rounds); bench scaling (5 rounds of 300 ms, CSV);
# stress -w 2 -r 14 for 60 s and -w 6 -r 10 for 30 s; the TSan stress with
# 8 threads (-w 2 -r 6) for 30 s.  It fails if a stress run fails.
# To run on another machine, take harness/ and build/cores there.
. "$(dirname "$0")/common.sh"

BIN=$BUILD/cores

case "${1:-}" in
build)
	apt_need gcc make libc6-dev liburcu-dev libtsan2
	[ -f "$SRC/Makefile" ] || bash "$HARNESS/prepare.sh"
	mkdir -p "$BIN"
	log "building static binaries in build/cores"
	# liburcu from its archives, libtsan static: the binaries need nothing
	# but libc (stress-tsan: ThreadSanitizer's runtime needs libc dynamic).
	make -s -C "$TOP/tools/testing/llist_nulls_multi" O="$BIN" -j"$JOBS" \
		LDFLAGS=-static TSAN_LDFLAGS=-static-libtsan \
		TSAN_LDLIBS="-Wl,-Bstatic -lurcu-memb -lurcu-common -Wl,-Bdynamic -lpthread" \
		bench stress stress-tsan
	rm -rf "${BIN:?}/lib"
	for b in bench stress; do
		deps=$(ldd "$BIN/$b" 2>&1 || true)
		grep -q 'not a dynamic executable' <<<"$deps" ||
			die "build/cores/$b is not static: $(tr '\n' ' ' <<<"$deps")"
	done
	# What stress-tsan loads: libc's own libraries and nothing else.
	deps=$(ldd "$BIN/stress-tsan" | awk '{print $1}' | tr '\n' ' ')
	others=$(tr ' ' '\n' <<<"$deps" | grep -Ev '^(linux-vdso|libc|libm|libpthread|libdl|librt|libgcc_s|/lib64/ld-linux)|^$' | tr '\n' ' ' || true)
	[ -z "$others" ] || die "build/cores/stress-tsan loads libraries a bare machine may lack: $others"
	log "build/cores: bench and stress static; stress-tsan loads only libc's libraries ($deps)"
	ls -l "$BIN/bench" "$BIN/stress" "$BIN/stress-tsan"
	;;
run)
	LOGS=${2:-$BIN/logs}
	mkdir -p "$LOGS"
	for b in bench stress stress-tsan; do
		[ -x "$BIN/$b" ] || die "no $BIN/$b: run 'harness/cores.sh build' first"
	done
	{
		echo "host: $(uname -n), $(nproc) CPUs"
		grep -m1 'model name' /proc/cpuinfo || true
		date -u
	} | tee "$LOGS/machine.txt"
	rc=0
	"$BIN/bench" -r 7 warm 2>&1 | tee "$LOGS/bench-warm.log"
	"$BIN/bench" -r 5 -t 300 -o "$LOGS/bench-scaling.csv" scaling 2>&1 |
		tee "$LOGS/bench-scaling.log"
	"$BIN/stress" -w 2 -r 14 60 >"$LOGS/stress-w2-r14.log" 2>&1 || rc=1
	tail -8 "$LOGS/stress-w2-r14.log"
	"$BIN/stress" -w 6 -r 10 30 >"$LOGS/stress-w6-r10.log" 2>&1 || rc=1
	tail -8 "$LOGS/stress-w6-r10.log"
	run_tsan "$LOGS/stress-tsan-8.log" "$BIN/stress-tsan" -w 2 -r 6 30 || rc=1
	[ $rc -eq 0 ] && log "cores: every stress run passed" ||
		log "cores: a stress run FAILED (logs in $LOGS)"
	exit $rc
	;;
*)
	die "usage: harness/cores.sh build | run [DIR]"
	;;
esac
