#!/usr/bin/env bash
# Build an x86_64 bzImage, and KVM (KVM, KVM_AMD, KVM_INTEL) as modules, out
# of tree, in build/kvm, from build/linux.  KVM is modular so that an edit
# of KVM (a mutant, a patch of the series) relinks kvm.ko, not vmlinux; the
# modules KVM needs are copied next to the bzImage (boot-kvm-selftests.sh
# loads them from there).
#   build-kvm.sh converted  the series (branch 'series')
#   build-kvm.sh stock      the base tree (tag 'base'): checks it out, builds,
#                     keeps the image and its modules (build/kvm-images/stock/),
#                     and checks the series out again
# Both share build/kvm, so switching costs an incremental build.  Prints
# the bzImage path on stdout (for stock, a copy in build/kvm-images/).
#   build-kvm.sh bitlock    the lock-bit comparison arm (issue 34): tag
#                     'base' with the patches harness/arms/bitlock/series
#                     lists, on branch 'bitlock' (made anew when they
#                     change); kept like stock's, in build/kvm-images/bitlock/
#                     (with a variant, in build/kvm-images/bitlock-VARIANT/)
#   build-kvm.sh converted kasan|kcsan   the series with sanitizers, in
#                     build/kvm-kasan or build/kvm-kcsan: KASAN with
#                     SLUB_RCU_DEBUG, lockdep, PROVE_RCU and
#                     DEBUG_LLIST_NULLS_MULTI (every rmap and parent_ptes
#                     node checked against its list type); or KCSAN
#   build-kvm.sh converted lockstat   the series with LOCK_STAT, in
#                     build/kvm-lockstat: /proc/lock_stat counts kvm->mmu_lock
#                     (harness/kvm-bench.sh's lock table)
# KVM_ONLY=1, after an edit of KVM alone (arch/x86/kvm/, virt/kvm/), on a
# tree built before: rebuilds the modules only.
. "$(dirname "$0")/common.sh"

which=${1:?usage: build-kvm.sh stock|converted|bitlock [kasan|kcsan|lockstat]}
variant=${2:-}
tree=$SRC
out=$BUILD/kvm${variant:+-$variant}
case $which in
stock | converted | bitlock) ;;
*) die "usage: build-kvm.sh stock|converted|bitlock [kasan|kcsan|lockstat]" ;;
esac

apt_need "${BUILD_DEPS[@]}"
# On top of x86_64_defconfig + kvm_guest.config: KVM as modules whose
# version does not change with the tree's git state (so that modules
# rebuilt after an edit load into the kernel built before it), what the selftests
# need (MEMCG and ZRAM: reclaim_young_test swaps guest memory out of a
# memory cgroup), no debug info, and none of the drivers, networking or filesystems a
# QEMU guest with a serial console and an initramfs does not use (they only
# cost build time).
RECIPE=(-m KVM -m KVM_INTEL -m KVM_AMD -d MODULE_SIG -d MODULE_COMPRESS
	-d LOCALVERSION_AUTO -e USERFAULTFD -e IDLE_PAGE_TRACKING
	-e TRANSPARENT_HUGEPAGE -e HUGETLBFS -e DEBUG_KERNEL -e KVM_WERROR
	-e PANIC_ON_OOPS -e BUG_ON_DATA_CORRUPTION
	-e EXPERT -e KVM_PROVE_MMU -e FAULT_INJECTION -e FAULT_INJECTION_DEBUG_FS
	-e DEBUG_PAGEALLOC -d DEBUG_PAGEALLOC_ENABLE_DEFAULT
	-d DEBUG_INFO -d DEBUG_INFO_DWARF5 -d DEBUG_INFO_DWARF4
	-d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT -e DEBUG_INFO_NONE
	-d DRM -d SOUND -d WLAN -d WIRELESS -d CFG80211 -d USB_SUPPORT
	-d NETFILTER -d NETWORK_FILESYSTEMS -d ETHERNET -d INPUT_MOUSE
	-d INPUT_JOYSTICK -d INPUT_TABLET -d INPUT_TOUCHSCREEN -d HID -d AGP
	-d MEDIA_SUPPORT -d ATA -d SCSI -d MD -d IPV6 -d WIRELESS_EXT
	-d NET -d SECURITY_SELINUX -d AUDIT -d EXT4_FS -d ISO9660_FS -d VFAT_FS
	-d MSDOS_FS -d FAT_FS -d AUTOFS_FS -d QUOTA
	-e MEMCG -e ZRAM)
case $variant in
'') ;;
kasan) mapfile -t -O ${#RECIPE[@]} RECIPE < <(kconfig_opts config "${KASAN_CONFIG[@]}" "${KASAN_KVM_CONFIG[@]}") ;;
kcsan) mapfile -t -O ${#RECIPE[@]} RECIPE < <(kconfig_opts config "${KCSAN_CONFIG[@]}") ;;
lockstat) RECIPE+=(-e LOCK_STAT) ;;
*) die "unknown variant '$variant' (kasan, kcsan, lockstat)" ;;
esac
# The option each variant is for (checked to have stuck).
declare -A VARIANT_OPTION=([kasan]=KASAN [kcsan]=KCSAN [lockstat]=LOCK_STAT)
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
		grep -q "^CONFIG_$o=m" "$out/.config" || die "$which: CONFIG_$o=m did not stick"
	done
	for o in KVM_PROVE_MMU FAULT_INJECTION_DEBUG_FS ${variant:+${VARIANT_OPTION[$variant]}}; do
		grep -q "^CONFIG_$o=y" "$out/.config" || die "$which: CONFIG_$o did not stick"
	done
	echo "${RECIPE[*]}" >"$out/.recipe"
fi
if [ "$which" = stock ]; then
	trap 'git -C "$SRC" checkout -q series' EXIT
	git -C "$SRC" checkout -q base
elif [ "$which" = bitlock ]; then
	trap 'git -C "$SRC" checkout -q series' EXIT
	checkout_arm bitlock
fi
log "building $which bzImage (build/kvm${variant:+-$variant}, $(git -C "$SRC" describe --all --always HEAD))"
# KVM_ONLY=1, for an edit of KVM's modules alone on a tree built and
# configured before: KVM's modules as single targets, without olddefconfig
# or the walk of the whole tree for modules (8 s instead of 17 s after an
# edit of mmu.c).
if [ "${KVM_ONLY:-0}" = 1 ] && [ -f "$out/arch/x86/boot/bzImage" ]; then
	make -s -C "$tree" O="$out" ARCH=x86_64 -j"$JOBS" "${KVM_MODULES[@]}" >&2
else
	make -s -C "$tree" O="$out" ARCH=x86_64 -j"$JOBS" olddefconfig bzImage modules >&2
fi
copy_kvm_modules "$out" "$out/arch/x86/boot"
# Kernels other than the series' share its build directory: keep a copy.
if [ "$which" != converted ]; then
	img=$BUILD/kvm-images/$which${variant:+-$variant}
	rm -rf "$img"
	mkdir -p "$img"
	cp "$out"/arch/x86/boot/{bzImage,*.ko} "$img/"
	echo "$img/bzImage"
else
	echo "$out/arch/x86/boot/bzImage"
fi
