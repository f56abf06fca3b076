#!/usr/bin/env bash
# A/B of a change to the library under bench scaling: arm A is the library
# with a mutant applied (harness/mutants/*/NAME.mut: the code as it was, or
# a change to try), arm B the library as it is.  Both binaries are built
# from copies of the tree, then run alternately in ABBA order, each run a
# whole `bench -r ROUNDS -t MS scaling` from a fresh process; the table
# gives, per mode, reader count and writer pause, each arm's median over
# its runs (of each run's median over its rounds), the ratio B/A of those,
# and the ratios' spread over the ABBA pairs.  It asserts nothing.
#   harness/bench-ab.sh [-n PAIRS] [-r ROUNDS] [-t MS] MUTANT
#                       (defaults: 2 pairs, run A B B A; 3 rounds of 200 ms)
# Logs: build/userspace/ab/{a,b}-RUN.csv, build/userspace/ab/table.txt.
. "$(dirname "$0")/common.sh"

pairs=2 rounds=3 ms=200
while getopts n:r:t: opt; do
	case $opt in
	n) pairs=$OPTARG ;;
	r) rounds=$OPTARG ;;
	t) ms=$OPTARG ;;
	*) die "usage: harness/bench-ab.sh [-n PAIRS] [-r ROUNDS] [-t MS] MUTANT" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] && [ -f "$1" ] || die "usage: harness/bench-ab.sh [-n PAIRS] [-r ROUNDS] [-t MS] MUTANT"
mutant=$(realpath "$1")

userspace_deps
AB=$BUILD/userspace/ab
rm -rf "$AB"
build_library_copy "$AB/a" "$mutant" bench || die "arm A: $(basename "$mutant") did not apply or build"
build_library_copy "$AB/b" - bench || die "arm B did not build"

# ABBA: pair i runs A B when i is even, B A when odd.
run=0
for ((i = 0; i < pairs; i++)); do
	if ((i % 2)); then order="b a"; else order="a b"; fi
	for arm in $order; do
		run=$((run + 1))
		log "run $run: arm $arm"
		"$AB/$arm/obj/bench" -r "$rounds" -t "$ms" -o "$AB/$arm-$run.csv" scaling \
			>"$AB/$arm-$run.log" 2>&1 || die "arm $arm, run $run failed (see $AB/$arm-$run.log)"
	done
done
python3 "$HARNESS/bench-ab-table.py" "$(basename "$mutant" .mut)" "$AB" | tee "$AB/table.txt"
