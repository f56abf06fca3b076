#!/usr/bin/env bash
# Check the spin model of llist_nulls_multi
# (tools/testing/llist_nulls_multi/model/llnm.pml): the protocol as written
# must verify with no error, every reachability probe must be reached, and
# every mutant of harness/mutants/model/ must be caught by the assertion
# that guards what it breaks.
# Each run builds in build/model/<name>/; a failing run leaves its trail
# there, replayed as build/model/<name>/trail.txt.  Runs one pan at a time.
. "$(dirname "$0")/common.sh"

apt_need spin gcc

MODELS=$TOP/tools/testing/llist_nulls_multi/model
MODEL=$MODELS/llnm.pml
LOGS=$BUILD/model
[ -f "$MODEL" ] || die "no model at $MODEL"
mkdir -p "$LOGS"

# Exhaustive safety search (assertions, invalid end states), with state
# compression and a 4 GB ceiling.  Depth: the deepest run reaches ~180.
PAN_CFLAGS=(-O2 -w -DSAFETY -DCOLLAPSE -DMEMLIM=4000)
PAN_ARGS=(-m10000 -w25)

# The runs of the model as written: name|spin -D switches|expectation: "ok"
# for no error, else an ERE that the first violated assertion must match
# (a probe asserts that an interleaving never happens, so spin must find
# it).  A run named MODEL-... checks MODEL.pml, any other llnm.pml.  The
# mutants are harness/mutants/model/*.mut ("# defines:" the -D switches,
# "# expect:" the ERE, "# model:" the model if not llnm.pml), named as the
# C mutants of the same bug.  dirtylog.pml is KVM's dirty-log
# write-protect without mmu_lock, over the list's visit guarantee.
RUNS=(
	"correct||ok"
	"correct-inline-start|-DINIT_INLINE -DNOPS=5|ok"
	"probe-moved-to-b|-DWITNESS_MOVED_B|link!=\(16\|1\)"
	"probe-zeroed-link|-DWITNESS_ZEROED|link!=0"
	"probe-pingpong-refused|-DWITNESS_PINGPONG|!\(pingpong\)"
	"probe-fill-under-walker|-DWITNESS_FILL|w_seen"
	"probe-reused-under-walker|-DWITNESS_REUSED|w_seen"
	"dirtylog-correct||ok"
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

# pan_run NAME DEFS [MODEL]: build MODEL (default llnm.pml) with DEFS and
# search it, in
# build/model/NAME; a run that violates an assertion leaves its trail,
# replayed as trail.txt.  Status 1 if pan did not build or run.
pan_run() {
	local dir=$LOGS/$1 defs=$2 model=${3:-llnm.pml}
	rm -rf "$dir"
	mkdir -p "$dir"
	cp "$MODELS/$model" "$dir/llnm.pml"
	# shellcheck disable=SC2086 # $defs is a list of -D switches
	(
		cd "$dir"
		spin $defs -a llnm.pml >spin.log 2>&1 &&
			gcc "${PAN_CFLAGS[@]}" -o pan pan.c >gcc.log 2>&1 &&
			timeout 600 ./pan "${PAN_ARGS[@]}" >pan.log 2>&1
	) || true
	# shellcheck disable=SC2086
	(cd "$dir" && [ -f llnm.pml.trail ] &&
		spin $defs -t llnm.pml 2>&1 | sed -n 's/^ *MSC: //p' >trail.txt) || true
	[ -s "$dir/pan.log" ]
}

# pan_verdict NAME EXPECT: print the run's figures; status 0 if it met
# EXPECT ("ok": no error and a full search; else the first violated
# assertion matches the ERE EXPECT), 2 if it found an error EXPECT does not
# name, 1 otherwise.
pan_verdict() {
	local log=$LOGS/$1/pan.log expect=$2 errors what rc=1
	errors=$(field errors "$log")
	what=$(grep -m1 '^pan:[0-9]*: ' "$log" |
		sed 's/^pan:[0-9]*: *//; s/ *(at depth [0-9]*)//' || true)
	if [ "$expect" = ok ]; then
		[ "${errors:-x}" = 0 ] &&
			! grep -q 'too small\|out of memory\|MEMLIM\|aborted' "$log" && rc=0
		what="expect 0 errors"
	elif [ "${errors:-0}" -ge 1 ] 2>/dev/null; then
		rc=2
		printf '%s\n' "$what" | grep -Eq -- "$expect" && rc=0
		what="expect /$expect/, got: $what"
	else
		what="expect /$expect/, got: no error"
	fi
	printf 'states %9s  transitions %9s  depth %4s  time %6ss  errors %s  (%s)' \
		"$(field states "$log")" "$(field transitions "$log")" "$(field depth "$log")" \
		"$(field time "$log")" "${errors:-?}" "$what"
	return $rc
}

# The model's mutant family (common.sh's run_mutants): each builds its own
# copy of the model, so the tree is never changed.
mutant_apply() { :; }
mutant_restore() { :; }
mutant_test() {
	local name defs expect model rc=0
	name=mutant-$(basename "$1" .mut)
	defs=$(mutant_field "$1" defines)
	expect=$(mutant_field "$1" expect)
	model=$(mutant_field "$1" model)
	[ -n "$defs" ] && [ -n "$expect" ] || { echo "no '# defines:' or '# expect:'"; return 2; }
	pan_run "$name" "$defs" "$model" || { echo "pan did not build or run (build/model/$name)"; return 2; }
	pan_verdict "$name" "$expect" || rc=$?
	# Caught by the assertion that guards what it breaks: killed.
	case $rc in 0) return 1 ;; 2) return 2 ;; *) return 0 ;; esac
}

rc=0
for run in "${RUNS[@]}"; do
	IFS='|' read -r name defs expect <<<"$run"
	model=
	[ -f "$MODELS/${name%%-*}.pml" ] && model=${name%%-*}.pml
	if ! pan_run "$name" "$defs" "$model"; then
		printf '%-30s FAIL (did not build or run: see %s)\n' "$name" "$LOGS/$name"
		rc=1
		continue
	fi
	verdict=PASS
	what=$(pan_verdict "$name" "$expect") || { verdict=FAIL; rc=1; }
	printf '%-30s %s  %s\n' "$name" "$verdict" "$what"
done
run_mutants model || rc=1

[ "$rc" = 0 ] || die "model check: some runs did not meet their expectation (logs in $LOGS)"
log "model check: all runs as expected (logs and trails in $LOGS)"
