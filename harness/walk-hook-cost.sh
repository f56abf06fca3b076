#!/usr/bin/env bash
# What the lockless walk's test hook costs a kernel that builds the KUnit
# suite as a module, as distributions do: KVM's aging code (mmu.o) built
# twice from the series, in build/kvm (the suite not built) and in
# build/kvm-hook (the same config with CONFIG_KUNIT=y and
# CONFIG_LLIST_NULLS_MULTI_KUNIT_TEST=m, CONFIG_DEBUG_LLIST_NULLS_MULTI off
# in both); prints the instructions of each aging function of each, and the
# calls to llist_nulls_multi_walk_event().  Fails if the suite as a module
# adds a call or an instruction: only debug builds have the hook.
#   harness/walk-hook-cost.sh
. "$(dirname "$0")/common.sh"

apt_need "${BUILD_DEPS[@]}" binutils
base=$BUILD/kvm
hook=$BUILD/kvm-hook
obj=arch/x86/kvm/mmu/mmu.o
[ -f "$base/.config" ] || bash "$HARNESS/build-kvm.sh" converted >/dev/null ||
	die "cannot configure build/kvm (bash harness/build-kvm.sh converted)"
grep -q '^CONFIG_DEBUG_LLIST_NULLS_MULTI=y' "$base/.config" &&
	die "build/kvm has CONFIG_DEBUG_LLIST_NULLS_MULTI: not a production build"
make -s -C "$SRC" O="$base" ARCH=x86_64 "$obj"

mkdir -p "$hook"
cp "$base/.config" "$hook/.config"
"$SRC/scripts/config" --file "$hook/.config" -e KUNIT -m LLIST_NULLS_MULTI_KUNIT_TEST \
	-d DEBUG_LLIST_NULLS_MULTI -d KUNIT_ALL_TESTS
make -s -C "$SRC" O="$hook" ARCH=x86_64 olddefconfig >/dev/null
grep -q '^CONFIG_LLIST_NULLS_MULTI_KUNIT_TEST=m' "$hook/.config" ||
	die "CONFIG_LLIST_NULLS_MULTI_KUNIT_TEST=m did not stick"
make -s -C "$SRC" O="$hook" ARCH=x86_64 -j"$JOBS" prepare >/dev/null
make -s -C "$SRC" O="$hook" ARCH=x86_64 "$obj"

# insns DIR: "function instructions" for each function of mmu.o whose name
# has "age" as a word in it (the aging paths, lockless walk inlined),
# then "calls N".
insns() {
	objdump -dr --no-show-raw-insn "$1/$obj" | awk '
		/^[0-9a-f]+ <.*>:$/ { f = $2; gsub(/[<>:]/, "", f); next }
		/R_X86_64_(PLT32|PC32)[ \t]+llist_nulls_multi_walk_event/ { calls++ }
		/^ *[0-9a-f]+:\t/ && f ~ /(^|_)age(_|$)/ { n[f]++ }
		END { for (f in n) print f, n[f]; print "calls", calls + 0 }' | sort
}
insns "$base" >"$hook/without.txt"
insns "$hook" >"$hook/with-module.txt"
echo "instructions of mmu.o's aging functions, KUnit suite not built / built as a module:"
join "$hook/without.txt" "$hook/with-module.txt" | awk '{ printf "  %-45s %6s %6s\n", $1, $2, $3 }'
cmp -s "$hook/without.txt" "$hook/with-module.txt" ||
	die "the KUnit suite as a module changes KVM's aging code"
grep -q '^calls 0$' "$hook/with-module.txt" ||
	die "KVM's aging code calls llist_nulls_multi_walk_event()"
echo "walk hook: no call, no instruction added with the suite as a module"
