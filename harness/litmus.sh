#!/usr/bin/env bash
# Decide every litmus test of tools/testing/llist_nulls_multi/litmus/ with
# herd7 under the Linux-kernel memory model of the base tree
# (build/linux/tools/memory-model) and check each verdict against the one
# the test states in its "Result:" line: Never (what must not happen),
# Sometimes or Always.  Each test that must answer Never is also decided
# with every smp_store_release() of its writer turned into WRITE_ONCE(),
# and must then answer Sometimes: its exists clause can be met, so the test
# could fail.  A test whose answer its releases do not decide (a grace
# period does) names instead, in a "Weakened: OTHER.litmus" line, a twin in
# its directory without what it relies on, which must answer Sometimes.
# herd7 comes from PATH, else it is built once from
# the herdtools7 source in ../shared/tools (HERDTOOLS_TARBALL overrides)
# into build/herdtools7.  Fails on any unexpected verdict.
#   harness/litmus.sh [TEST.litmus...]
. "$(dirname "$0")/common.sh"

LITMUS=$TOP/tools/testing/llist_nulls_multi/litmus
[ -f "$SRC/tools/memory-model/linux-kernel.cfg" ] || bash "$HARNESS/prepare.sh"
MM=$SRC/tools/memory-model

if command -v herd7 >/dev/null; then
	HERD=(herd7)
else
	tarball=${HERDTOOLS_TARBALL:-$(cd "$TOP/.." && pwd)/shared/tools/herdtools7-7.57.tar.xz}
	dir=$BUILD/herdtools7
	exe=$dir/herdtools7-7.57/_build/default/herd/herd.exe
	if [ ! -x "$exe" ]; then
		[ -f "$tarball" ] || die "no herd7 on PATH and no herdtools7 source at $tarball"
		apt_need ocaml-nox ocaml-dune menhir libmenhir-ocaml-dev libzarith-ocaml-dev xz-utils
		log "building herd7 from $(basename "$tarball") (about 90 s)"
		rm -rf "$dir"
		mkdir -p "$dir"
		tar -xJf "$tarball" -C "$dir"
		(cd "$dir/herdtools7-7.57" && sh ./version-gen.sh "$dir/herdtools7-7.57" >/dev/null &&
			dune build --profile release herd/herd.exe) >"$dir/build.log" 2>&1 ||
			{ tail -20 "$dir/build.log" >&2; die "herd7 did not build"; }
	fi
	HERD=("$exe" -I "$dir/herdtools7-7.57/herd/libdir")
fi

if [ $# -gt 0 ]; then mapfile -t tests < <(realpath -- "$@"); else tests=("$LITMUS"/*.litmus); fi
[ -e "${tests[0]}" ] || die "no litmus tests in $LITMUS"
pass=0
fail=0
t0=$(date +%s%N)
weak=$(mktemp -d)
trap 'rm -rf "$weak"' EXIT
cd "$MM" || die "no $MM"
# decide NAME FILE WANT: one herd7 run, its verdict checked.
decide() {
	local name=$1 t=$2 want=$3 s out ms got
	s=$(date +%s%N)
	out=$("${HERD[@]}" -conf linux-kernel.cfg "$t" 2>&1)
	ms=$((($(date +%s%N) - s) / 1000000))
	got=$(echo "$out" | awk '$1 == "Observation" {print $3}')
	if [ "$got" = "$want" ]; then
		pass=$((pass + 1))
		printf 'ok    %-9s %5sms  %s\n' "$got" "$ms" "$name"
	else
		fail=$((fail + 1))
		printf 'FAIL  %-9s %5sms  %s (expected %s)\n' "${got:-error}" "$ms" "$name" "$want"
		echo "$out" | sed 's/^/      | /'
	fi
}

for t in "${tests[@]}"; do
	name=$(basename "$t" .litmus)
	want=$(sed -n 's/^ *\*\? *Result: *\([A-Za-z]*\).*/\1/p' "$t" | head -n 1)
	[ -n "$want" ] || die "$name: no 'Result:' line"
	decide "$name" "$t" "$want"
	[ "$want" = Never ] || continue
	twin=$(sed -n 's/^ *\*\? *Weakened: *\([^ ]*\).*/\1/p' "$t" | head -n 1)
	if [ -n "$twin" ]; then
		[ -f "$(dirname "$t")/$twin" ] || die "$name: no weakened twin $twin"
		decide "$name (weakened: $(basename "$twin" .litmus))" "$(dirname "$t")/$twin" Sometimes
		continue
	fi
	# the same with the writer's releases weakened: must be reachable
	sed -E 's/smp_store_release\(([a-z0-9_]+), ([^)]*)\)/WRITE_ONCE(*\1, \2)/' "$t" \
		>"$weak/$name.litmus"
	grep -Eq "smp_store_release\\([a-z]" "$weak/$name.litmus" && die "$name: could not weaken"
	decide "$name (releases weakened)" "$weak/$name.litmus" Sometimes
done
echo "litmus: $pass as expected, $fail not, in $((($(date +%s%N) - t0) / 1000000)) ms"
[ $fail -eq 0 ]
