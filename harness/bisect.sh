#!/usr/bin/env bash
# Build the tree after every patch of the series: UML (with the KUnit
# config) for patches that touch no KVM file, x86_64 with KVM for the KVM
# ones.  Fails if any step does not build.  On the way it keeps, for the
# commit before the first KVM patch (stock KVM) and for the tip:
#   build/kvm-sizes/{stock,converted}.size   size of mmu.o and the library
#   build/kvm-sizes/{stock,converted}.sparse sparse C=2 + W=1 on mmu.o
# Needs build/uml and build/kvm configured (kunit.sh, kvm.sh converted).
. "$(dirname "$0")/common.sh"

[ -f "$BUILD/uml/.config" ] || die "build/uml is not configured: run harness/kunit.sh first"
[ -f "$BUILD/kvm/.config" ] || die "build/kvm is not configured: run harness/kvm.sh converted first"
out=$BUILD/kvm-sizes
mkdir -p "$out"
umlcfg=$(mktemp)
cp "$BUILD/uml/.config" "$umlcfg"
tip=$(git -C "$SRC" rev-parse series)
trap 'git -C "$SRC" checkout -q series; cp "$umlcfg" "$BUILD/uml/.config"; rm -f "$umlcfg"' EXIT

is_kvm() {
	git -C "$SRC" diff --name-only "$1^" "$1" | grep -Eq '^(arch/x86/kvm/|arch/x86/include/asm/kvm|tools/testing/selftests/kvm/)'
}

# x86_64 with KVM, in build/kvm, from whatever is checked out.
build_kvm() {
	make -s -C "$SRC" O="$BUILD/kvm" ARCH=x86_64 -j"$JOBS" olddefconfig bzImage
}

# mmu_report NAME: size and sparse/W=1 warnings of mmu.o as built now.
mmu_report() {
	local o=$BUILD/kvm
	size "$o/arch/x86/kvm/mmu/mmu.o" >"$out/$1.size"
	if [ "$1" = converted ]; then
		size "$o/lib/llist_nulls_multi.o" | tail -n 1 >>"$out/$1.size" || return 1
	fi
	# C=2 checks mmu.c whether or not it is rebuilt; W=1 rebuilds it.
	make -C "$SRC" O="$o" ARCH=x86_64 C=2 W=1 arch/x86/kvm/mmu/mmu.o >"$out/$1.sparse.raw" 2>&1 ||
		{ cat "$out/$1.sparse.raw"; return 1; }
	grep -q ' CHECK .*mmu.c' "$out/$1.sparse.raw" || { echo "sparse did not check mmu.c"; return 1; }
	# warnings with their text, line numbers dropped, so stock and converted compare
	grep -E '(warning|error):' "$out/$1.sparse.raw" |
		sed -E 's/:[0-9]+:[0-9]+:/:/; s/:[0-9]+:/:/' | sort >"$out/$1.sparse"
	# and build it back without W=1
	make -s -C "$SRC" O="$o" ARCH=x86_64 arch/x86/kvm/mmu/mmu.o
}

mapfile -t commits < <(git -C "$SRC" rev-list --reverse base..series)
first_kvm=
for c in "${commits[@]}"; do
	if is_kvm "$c"; then first_kvm=$c; break; fi
done
n=0
for c in "${commits[@]}"; do
	n=$((n + 1))
	subj=$(git -C "$SRC" log -1 --format=%s "$c")
	git -C "$SRC" checkout -q "$c"
	if is_kvm "$c"; then
		echo "[$n] x86_64+KVM: $subj"
		build_kvm || { echo "FAILED to build after patch $n"; exit 1; }
		if git -C "$SRC" diff --name-only "$c^" "$c" | grep -q '^tools/testing/selftests/kvm/'; then
			bash "$HARNESS/selftests.sh" >/dev/null ||
				{ echo "FAILED to build the selftests after patch $n"; exit 1; }
		fi
	else
		echo "[$n] UML: $subj"
		cp "$umlcfg" "$BUILD/uml/.config"
		make -s -C "$SRC" O="$BUILD/uml" ARCH=um olddefconfig >/dev/null &&
			make -s -C "$SRC" O="$BUILD/uml" ARCH=um -j"$JOBS" ||
			{ echo "FAILED to build after patch $n"; exit 1; }
		if [ -n "$first_kvm" ] && [ "$(git -C "$SRC" rev-parse "$first_kvm^")" = "$c" ]; then
			echo "[$n] x86_64+KVM (stock KVM, for comparison): $subj"
			build_kvm || { echo "FAILED to build x86_64 after patch $n"; exit 1; }
			mmu_report stock || exit 1
		fi
	fi
done
[ "$(git -C "$SRC" rev-parse HEAD)" = "$tip" ] || die "did not end at the tip"
[ -n "$first_kvm" ] && { mmu_report converted || exit 1; }
echo "all ${#commits[@]} patches build"
