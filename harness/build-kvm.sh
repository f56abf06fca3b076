#!/usr/bin/env bash
# Build an x86_64 bzImage with KVM (KVM, KVM_AMD, KVM_INTEL) out of tree, in
# build/kvm, from build/linux.
#   build-kvm.sh converted  the series (branch 'series')
#   build-kvm.sh stock      the base tree (tag 'base'): checks it out, builds,
#                     keeps the image, and checks the series out again
# Both share build/kvm, so switching costs an incremental build.  Prints
# the bzImage path on stdout (for stock, a copy in build/kvm-images/).
#   build-kvm.sh converted kasan|kcsan   the series with sanitizers, in
#                     build/kvm-kasan or build/kvm-kcsan: KASAN with
#                     SLUB_RCU_DEBUG, lockdep and PROVE_RCU; or KCSAN
. "$(dirname "$0")/common.sh"

which=${1:?usage: build-kvm.sh stock|converted [kasan|kcsan]}
variant=${2:-}
tree=$SRC
out=$BUILD/kvm${variant:+-$variant}
case $which in
stock | converted) ;;
*) die "usage: build-kvm.sh stock|converted [kasan|kcsan]" ;;
esac

apt_need "${BUILD_DEPS[@]}"
# On top of x86_64_defconfig + kvm_guest.config: KVM, what the selftests
# need, no debug info, and none of the drivers a QEMU guest with a serial
# console and an initramfs does not use (they only cost build time).
RECIPE=(-e KVM -e KVM_INTEL -e KVM_AMD -e USERFAULTFD -e IDLE_PAGE_TRACKING
	-e TRANSPARENT_HUGEPAGE -e HUGETLBFS -e DEBUG_KERNEL -e KVM_WERROR
	-e PANIC_ON_OOPS -e BUG_ON_DATA_CORRUPTION
	-e EXPERT -e KVM_PROVE_MMU -e FAULT_INJECTION -e FAULT_INJECTION_DEBUG_FS
	-e DEBUG_PAGEALLOC -d DEBUG_PAGEALLOC_ENABLE_DEFAULT
	-d DEBUG_INFO -d DEBUG_INFO_DWARF5 -d DEBUG_INFO_DWARF4
	-d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT -e DEBUG_INFO_NONE
	-d DRM -d SOUND -d WLAN -d WIRELESS -d CFG80211 -d USB_SUPPORT
	-d NETFILTER -d NETWORK_FILESYSTEMS -d ETHERNET -d INPUT_MOUSE
	-d INPUT_JOYSTICK -d INPUT_TABLET -d INPUT_TOUCHSCREEN -d HID -d AGP
	-d MEDIA_SUPPORT -d ATA -d SCSI -d MD -d IPV6 -d WIRELESS_EXT)
case $variant in
'') ;;
kasan) RECIPE+=(-e KASAN -e KASAN_GENERIC -e KASAN_INLINE -e KASAN_VMALLOC -e SLUB_RCU_DEBUG
		-e PROVE_LOCKING -e PROVE_RCU -e DEBUG_ATOMIC_SLEEP -e KVM_PROVE_MMU) ;;
kcsan) RECIPE+=(-e KCSAN -d KCSAN_STRICT) ;;
*) die "unknown variant '$variant' (kasan, kcsan)" ;;
esac
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
	for o in KVM KVM_INTEL KVM_AMD KVM_PROVE_MMU FAULT_INJECTION_DEBUG_FS \
		${variant:+${variant^^}}; do
		grep -q "^CONFIG_$o=y" "$out/.config" || die "$which: CONFIG_$o did not stick"
	done
	echo "${RECIPE[*]}" >"$out/.recipe"
fi
if [ "$which" = stock ]; then
	trap 'git -C "$SRC" checkout -q series' EXIT
	git -C "$SRC" checkout -q base
fi
log "building $which bzImage (build/kvm${variant:+-$variant}, $(git -C "$SRC" describe --all --always HEAD))"
make -s -C "$tree" O="$out" ARCH=x86_64 -j"$JOBS" olddefconfig bzImage >&2
if [ "$which" = stock ] && [ -z "$variant" ]; then
	mkdir -p "$BUILD/kvm-images"
	cp "$out/arch/x86/boot/bzImage" "$BUILD/kvm-images/stock-bzImage"
	echo "$BUILD/kvm-images/stock-bzImage"
else
	echo "$out/arch/x86/boot/bzImage"
fi
