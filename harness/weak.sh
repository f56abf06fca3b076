#!/usr/bin/env bash
# The weak-memory adversary (tools/testing/llist_nulls_multi/weak.c): the
# library's own code over a simulated memory in which a walker's load may
# return any value the Linux-kernel memory model lets it see, every choice
# explored.  The library as it is must show no violation; each mutant of
# harness/weak-mutants/ (a release weakened to a plain store, or a count
# that covers a stale slot) must show one.
#   harness/weak.sh [random-scenarios] [seed]     (default 300 1)
# Log: build/userspace/weak.log, build/userspace/weak-mutant-NAME.log.
. "$(dirname "$0")/common.sh"

n=${1:-300}
seed=${2:-1}
apt_need python3
build_userspace weak
SRCDIR=$USERSPACE_SRC
OUT=$BUILD/userspace
r=0
"$OUT/llist_nulls_multi/weak" -n "$n" -s "$seed" >"$OUT/weak.log" 2>&1 || r=$?
grep -E '^scenario [a-z]+-[a-z]' "$OUT/weak.log" || true
grep -E '^(random|weak):' "$OUT/weak.log"
[ $r -eq 0 ] || { echo "FAIL: the library as it is shows a violation (build/userspace/weak.log)"; head -40 "$OUT/weak.log"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for m in "$HARNESS"/weak-mutants/*.mut; do
	name=$(basename "$m" .mut)
	rm -rf "$tmp/src"
	mkdir -p "$tmp/src"
	cp -r "$TOP/include" "$TOP/lib" "$tmp/src/"
	python3 "$HARNESS/mutate.py" "$m" "$tmp/src" || { r=1; continue; }
	make -s -C "$SRCDIR" KSRC="$tmp/src" O="$tmp/obj-$name" weak || { echo "mutant $name does not build"; r=1; continue; }
	rc=0
	"$tmp/obj-$name/weak" -n "$n" -s "$seed" >"$OUT/weak-mutant-$name.log" 2>&1 || rc=$?
	if [ $rc -eq 1 ]; then
		echo "killed: $name: $(grep -c '^violation in' "$OUT/weak-mutant-$name.log") shown; $(grep -E '^weak:' "$OUT/weak-mutant-$name.log")"
		grep -m1 '^VIOLATION' "$OUT/weak-mutant-$name.log" | sed 's/^/  /'
	else
		echo "SURVIVED: $name (exit $rc)"
		r=1
	fi
done
exit $r
