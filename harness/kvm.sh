#!/usr/bin/env bash
# Build an x86_64 bzImage with KVM (KVM, KVM_AMD, KVM_INTEL) out of tree.
#   kvm.sh stock      base tree (a git worktree at tag 'base') -> build/kvm-stock
#   kvm.sh converted  the series (build/linux)                 -> build/kvm
# Prints the bzImage path on stdout.  Incremental after the first build.
. "$(dirname "$0")/common.sh"

which=${1:?usage: kvm.sh stock|converted}
case $which in
stock)
	tree=$BUILD/linux-stock
	out=$BUILD/kvm-stock
	if [ ! -f "$tree/Makefile" ]; then
		log "checking out the base tree into build/linux-stock"
		rm -rf "$tree"
		git -C "$SRC" worktree prune
		git -C "$SRC" worktree add -q --detach "$tree" base
	fi
	;;
converted)
	tree=$SRC
	out=$BUILD/kvm
	;;
*) die "usage: kvm.sh stock|converted" ;;
esac

apt_need "${BUILD_DEPS[@]}"
mkdir -p "$out"
if [ ! -f "$out/.config" ]; then
	log "configuring $which: x86_64_defconfig + kvm_guest.config + KVM"
	make -s -C "$tree" O="$out" ARCH=x86_64 x86_64_defconfig >/dev/null
	make -s -C "$tree" O="$out" ARCH=x86_64 kvm_guest.config >/dev/null
	"$tree/scripts/config" --file "$out/.config" \
		-e KVM -e KVM_INTEL -e KVM_AMD -e USERFAULTFD -e IDLE_PAGE_TRACKING \
		-e DEBUG_KERNEL -e KVM_WERROR -d DEBUG_INFO -d DEBUG_INFO_DWARF5 \
		-d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT -d DEBUG_INFO_DWARF4 \
		-e DEBUG_INFO_NONE -e PANIC_ON_OOPS -e BUG_ON_DATA_CORRUPTION
	make -s -C "$tree" O="$out" ARCH=x86_64 olddefconfig >/dev/null
	for o in KVM KVM_INTEL KVM_AMD; do
		grep -q "^CONFIG_$o=y" "$out/.config" || die "$which: CONFIG_$o did not stick"
	done
fi
log "building $which bzImage (build/$(basename "$out"))"
make -s -C "$tree" O="$out" ARCH=x86_64 -j"$JOBS" bzImage >&2
echo "$out/arch/x86/boot/bzImage"
