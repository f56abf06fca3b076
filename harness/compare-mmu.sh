#!/usr/bin/env bash
# Compare arch/x86/kvm/mmu/mmu.o and tdp_mmu.o, stock against converted:
# sparse (C=2) and W=1 warnings (line numbers dropped) and `size`.  Fails if the converted
# file has a warning the stock one does not.  Stock is the commit before the
# series' first KVM patch (the library is there, KVM untouched); converted is
# the tip.  Builds only those objects (and what they need) in build/kvm, configuring
# that tree first if no earlier step did; leaves build/linux on the tip.
# Writes build/kvm-sizes/{stock,converted}.{size,sparse,sparse.raw}.
. "$(dirname "$0")/common.sh"

apt_need "${BUILD_DEPS[@]}" sparse
o=$BUILD/kvm
out=$BUILD/kvm-sizes
mkdir -p "$out"
[ -f "$o/.config" ] || bash "$HARNESS/build-kvm.sh" converted >/dev/null ||
	die "cannot configure build/kvm (bash harness/build-kvm.sh converted)"

tip=$(git -C "$SRC" rev-parse series)
first=$(first_kvm_patch)
[ -n "$first" ] || die "no patch of the series touches KVM"
stock=$(git -C "$SRC" rev-parse "$first^")
trap 'git -C "$SRC" checkout -q series' EXIT

OBJS=(arch/x86/kvm/mmu/mmu.o arch/x86/kvm/mmu/tdp_mmu.o)
# report NAME COMMIT: size and sparse/W=1 warnings of OBJS at COMMIT.
report() {
	local obj
	git -C "$SRC" checkout -q "$2"
	make -s -C "$SRC" O="$o" ARCH=x86_64 olddefconfig >/dev/null
	make -s -C "$SRC" O="$o" ARCH=x86_64 -j"$JOBS" prepare >/dev/null
	# C=2 checks each file whether or not it is rebuilt; W=1 rebuilds it.
	make -C "$SRC" O="$o" ARCH=x86_64 C=2 W=1 "${OBJS[@]}" \
		>"$out/$1.sparse.raw" 2>&1 || { cat "$out/$1.sparse.raw"; return 1; }
	for obj in "${OBJS[@]}"; do
		grep -q " CHECK .*${obj%.o}.c" "$out/$1.sparse.raw" ||
			{ echo "sparse did not check ${obj%.o}.c"; return 1; }
	done
	grep -E '(warning|error):' "$out/$1.sparse.raw" |
		sed -E 's/:[0-9]+:[0-9]+:/:/; s/:[0-9]+:/:/' | sort >"$out/$1.sparse"
	(cd "$o" && size "${OBJS[@]}") >"$out/$1.size"
	if [ "$1" = converted ]; then
		make -s -C "$SRC" O="$o" ARCH=x86_64 lib/llist_nulls_multi.o
		size "$o/lib/llist_nulls_multi.o" | tail -n 1 >>"$out/$1.size"
	fi
}

report stock "$stock" || exit 1
report converted "$tip" || exit 1
# and the objects back as the bzImage build makes them (without W=1)
make -s -C "$SRC" O="$o" ARCH=x86_64 "${OBJS[@]}"

echo "stock mmu.o, tdp_mmu.o: $(wc -l <"$out/stock.sparse") warning(s); converted: $(wc -l <"$out/converted.sparse")"
new=$(comm -13 "$out/stock.sparse" "$out/converted.sparse")
[ -z "$new" ] || { echo "new warnings:"; echo "$new"; exit 1; }
echo "sizes (text data bss dec hex file):"
tail -n +2 "$out/stock.size" | sed 's/^/stock:     /'
tail -n +2 "$out/converted.size" | sed 's/^/converted: /'
