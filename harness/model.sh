#!/usr/bin/env bash
# Check the spin model of llist_nulls_multi
# (tools/testing/llist_nulls_multi/model/llnm.pml): the protocol as written
# must verify with no error, every mutant must be caught by the assertion
# that guards what it breaks, and every reachability probe must be reached.
# Each run builds in build/model/<name>/; a failing run leaves its trail
# there, replayed as build/model/<name>/trail.txt.  Runs one pan at a time.
. "$(dirname "$0")/common.sh"

apt_need spin gcc

MODEL=$TOP/tools/testing/llist_nulls_multi/model/llnm.pml
OUT=$BUILD/model
[ -f "$MODEL" ] || die "no model at $MODEL"
mkdir -p "$OUT"

# Exhaustive safety search (assertions, invalid end states), with state
# compression and a 4 GB ceiling.  Depth: the deepest run reaches ~180.
PAN_CFLAGS=(-O2 -w -DSAFETY -DCOLLAPSE -DMEMLIM=4000)
PAN_ARGS=(-m10000 -w25)

# name|spin -D switches|expectation: "ok" for no error, else an ERE that the
# first violated assertion must match.
RUNS=(
	"correct||ok"
	"correct-inline-start|-DINIT_INLINE -DNOPS=5|ok"
	"mutant-no-pos-check|-DNO_POS_CHECK|steps<=(bound|3)"
	"mutant-no-pos-check-pingpong|-DNO_POS_CHECK -DWITNESS_PINGPONG|pingpong&&\(steps>bound\)"
	"mutant-no-nulls-check|-DNO_NULLS_CHECK|owed==0"
	"mutant-low-slot-up|-DLOW_SLOT_UP|owed==0"
	"mutant-one-node-to-inline|-DONE_NODE_BACK_TO_INLINE|owed==0|nd_free\[node\]\)\|\|\(c==0\)"
	"mutant-clear-without-fill|-DCLEAR_WITHOUT_FILL|cl_set==in_list"
	"mutant-destroy-keeps-count|-DDESTROY_KEEPS_COUNT|nd_free\[node\]\)\|\|\(c==0\)"
	"probe-moved-to-b|-DWITNESS_MOVED_B|link!=\(16\|1\)"
	"probe-zeroed-link|-DWITNESS_ZEROED|link!=0"
	"probe-pingpong-refused|-DWITNESS_PINGPONG|!\(pingpong\)"
	"probe-fill-under-walker|-DWITNESS_FILL|w_seen"
	"probe-reused-under-walker|-DWITNESS_REUSED|w_seen"
)

field() { # field NAME FILE: pull one number out of pan's report
	case $1 in
	states) awk '/ states, stored/ { print $1; exit }' "$2" ;;
	transitions) awk '/ transitions \(= stored\+matched\)/ { print $1; exit }' "$2" ;;
	depth) sed -n 's/.*depth reached \([0-9]*\),.*/\1/p' "$2" | head -1 ;;
	errors) sed -n 's/.*, errors: \([0-9]*\).*/\1/p' "$2" | head -1 ;;
	time) sed -n 's/^pan: elapsed time \([0-9.e+]*\) seconds.*/\1/p' "$2" | head -1 ;;
	esac
}

failed=0
for run in "${RUNS[@]}"; do
	IFS='|' read -r name defs expect <<<"$run"
	dir=$OUT/$name
	rm -rf "$dir"
	mkdir -p "$dir"
	cp "$MODEL" "$dir/llnm.pml"
	# shellcheck disable=SC2086 # $defs is a list of -D switches
	(
		cd "$dir"
		spin $defs -a llnm.pml >spin.log 2>&1 &&
			gcc "${PAN_CFLAGS[@]}" -o pan pan.c >gcc.log 2>&1 &&
			timeout 600 ./pan "${PAN_ARGS[@]}" >pan.log 2>&1
	) || true
	log="$dir/pan.log"
	if [ ! -s "$log" ]; then
		printf '%-30s FAIL (did not build or run: see %s)\n' "$name" "$dir"
		failed=1
		continue
	fi
	states=$(field states "$log")
	trans=$(field transitions "$log")
	depth=$(field depth "$log")
	errors=$(field errors "$log")
	secs=$(field time "$log")
	what=$(grep -m1 '^pan:[0-9]*: ' "$log" |
		sed 's/^pan:[0-9]*: *//; s/ *(at depth [0-9]*)//' || true)
	verdict=FAIL
	if [ "$expect" = ok ]; then
		if [ "${errors:-x}" = 0 ] &&
		   ! grep -q 'too small\|out of memory\|MEMLIM\|aborted' "$log"; then
			verdict=PASS
		fi
		want="expect 0 errors"
	else
		if [ "${errors:-0}" -ge 1 ] 2>/dev/null &&
		   printf '%s\n' "$what" | grep -Eq -- "$expect"; then
			verdict=PASS
		fi
		want="expect /$expect/, got: ${what:-no error}"
		# shellcheck disable=SC2086
		(cd "$dir" && [ -f llnm.pml.trail ] &&
			spin $defs -t llnm.pml 2>&1 | sed -n 's/^ *MSC: //p' >trail.txt) || true
	fi
	[ "$verdict" = PASS ] || failed=1
	printf '%-30s states %9s  transitions %9s  depth %4s  time %6ss  errors %s  %s  (%s)\n' \
		"$name" "${states:-?}" "${trans:-?}" "${depth:-?}" "${secs:-?}" \
		"${errors:-?}" "$verdict" "$want"
done

[ "$failed" = 0 ] || die "model check: some runs did not meet their expectation (logs in $OUT)"
log "model check: all runs as expected (logs and trails in $OUT)"
