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
# On top of x86_64_defconfig + kvm_guest.config: KVM, what the selftests
# need, no debug info, and none of the drivers a QEMU guest with a serial
# console and an initramfs does not use (they only cost build time).
RECIPE=(-e KVM -e KVM_INTEL -e KVM_AMD -e USERFAULTFD -e IDLE_PAGE_TRACKING
	-e TRANSPARENT_HUGEPAGE -e HUGETLBFS -e DEBUG_KERNEL -e KVM_WERROR
	-e PANIC_ON_OOPS -e BUG_ON_DATA_CORRUPTION
	-d DEBUG_INFO -d DEBUG_INFO_DWARF5 -d DEBUG_INFO_DWARF4
	-d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT -e DEBUG_INFO_NONE
	-d DRM -d SOUND -d WLAN -d WIRELESS -d CFG80211 -d USB_SUPPORT
	-d NETFILTER -d NETWORK_FILESYSTEMS -d ETHERNET -d INPUT_MOUSE
	-d INPUT_JOYSTICK -d INPUT_TABLET -d INPUT_TOUCHSCREEN -d HID -d AGP
	-d MEDIA_SUPPORT -d ATA -d SCSI -d MD -d IPV6 -d WIRELESS_EXT)
mkdir -p "$out"
if [ ! -f "$out/.config" ]; then
	log "configuring $which: x86_64_defconfig + kvm_guest.config"
	make -s -C "$tree" O="$out" ARCH=x86_64 x86_64_defconfig >/dev/null
	make -s -C "$tree" O="$out" ARCH=x86_64 kvm_guest.config >/dev/null
fi
if [ "$(cat "$out/.recipe" 2>/dev/null)" != "${RECIPE[*]}" ]; then
	log "configuring $which: KVM, KVM_AMD, KVM_INTEL, fewer drivers"
	"$tree/scripts/config" --file "$out/.config" "${RECIPE[@]}"
	make -s -C "$tree" O="$out" ARCH=x86_64 olddefconfig >/dev/null
	for o in KVM KVM_INTEL KVM_AMD; do
		grep -q "^CONFIG_$o=y" "$out/.config" || die "$which: CONFIG_$o did not stick"
	done
	echo "${RECIPE[*]}" >"$out/.recipe"
fi
log "building $which bzImage (build/$(basename "$out"))"
make -s -C "$tree" O="$out" ARCH=x86_64 -j"$JOBS" bzImage >&2
echo "$out/arch/x86/boot/bzImage"
