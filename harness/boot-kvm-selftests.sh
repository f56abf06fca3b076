#!/usr/bin/env bash
# boot-kvm-selftests.sh BZIMAGE LABEL SET [TIMEOUT]
# Boot BZIMAGE in QEMU TCG (-accel tcg,thread=single -cpu max: emulated AMD
# SVM, so kvm_amd loads) with shadow paging forced (kvm_amd.npt=0
# kvm.tdp_mmu=0), or with KVM_MMU=tdp the TDP MMU over the nested page tables
# QEMU's TCG emulates for SVM (kvm_amd.npt=1 kvm.tdp_mmu=1), run the KVM selftests of harness/kvm/tests.list (SET: all,
# or a tag: check for the lines tagged @check, and so on) from a busybox-static initramfs, and
# print one line per test: "name result seconds".  Results come from the
# guest's serial log (build/kvm-run/LABEL.log), never from QEMU's exit code.
# Exits non-zero if the log shows a kernel warning, oops, panic or RCU stall, or if the
# guest did not finish.
# Environment: QEMU_ACCEL (default tcg,thread=single; tcg,thread=multi runs
# the vCPUs on host threads of their own), QEMU_SMP (the guest's vCPUs, 2),
# BOOT_APPEND (more kernel parameters,
# e.g. kvm.lockless_aging=0), OUT_TAIL (lines of each test's output kept, 40).
. "$(dirname "$0")/common.sh"

kernel=${1:?usage: boot-kvm-selftests.sh BZIMAGE LABEL SET [TIMEOUT]}
label=${2:?}
set_=${3:?}
per_test=${4:-600}
case ${KVM_MMU:-shadow} in
shadow) mmu_append="kvm_amd.npt=0 kvm.tdp_mmu=0" mmu_booted="npt=N tdp_mmu=N" ;;
tdp) mmu_append="kvm_amd.npt=1 kvm.tdp_mmu=1" mmu_booted="npt=Y tdp_mmu=Y" ;;
*) die "KVM_MMU=$KVM_MMU: shadow or tdp" ;;
esac
apt_need busybox-static qemu-system-x86 cpio

st=$BUILD/kvm-selftests
run=$BUILD/kvm-run
root=$run/root-$label
mkdir -p "$run"
rm -rf "$root"
mkdir -p "$root"/{bin,proc,sys,dev,tmp,tests}
cp /bin/busybox "$root/bin/busybox"
# KVM's modules, which build-kvm.sh puts next to the bzImage.
mkdir -p "$root/lib/kvm"
for m in "${KVM_MODULES[@]}"; do
	m=$(dirname "$kernel")/$(basename "$m")
	[ -f "$m" ] || die "no $m: build-kvm.sh puts KVM's modules next to the bzImage"
	cp "$m" "$root/lib/kvm/"
done

# The run list: program and arguments, tags stripped.  SET ab: the lines
# tagged @ab, each AB_REPS times (default 5).
grep -Ev '^\s*(#|$)' "$HARNESS/kvm/tests.list" | while read -r line; do
	[ "$set_" = all ] || grep -qw "@$set_" <<<"$line" || continue
	for _ in $(seq "$([ "$set_" = ab ] && echo "${AB_REPS:-5}" || echo 1)"); do
		sed -E 's/ ?@[a-z]+//g' <<<"$line"
	done
done >"$root/tests/run.list"
[ -s "$root/tests/run.list" ] || die "no tests selected for set '$set_'"
while read -r prog _; do
	[ -x "$st/$prog" ] || die "selftest $prog is not built (make kvm-selftests builds it)"
	mkdir -p "$root/tests/$(dirname "$prog")"
	cp "$st/$prog" "$root/tests/$prog"
done <"$root/tests/run.list"

cat >"$root/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mount -t debugfs debugfs /sys/kernel/debug
# KVM's modules, with their parameters from the command line (MODULE.NAME=V).
for m in $(printf '%s ' "${KVM_MODULES[@]##*/}" | sed 's/kvm-intel.ko //'); do
	name=\$(echo \${m%.ko} | tr - _)
	insmod /lib/kvm/\$m \$(tr ' ' '\n' </proc/cmdline | sed -n "s/^\$name\.//p") ||
		echo "@@@ NO-MODULE \$m"
done
echo "@@@ BOOTED \$(uname -r) npt=\$(cat /sys/module/kvm_amd/parameters/npt) tdp_mmu=\$(cat /sys/module/kvm/parameters/tdp_mmu) lockless_aging=\$(cat /sys/module/kvm/parameters/lockless_aging 2>/dev/null || echo none)"
[ -c /dev/kvm ] || echo "@@@ NO-KVM"
cd /tests
n=0
while read -r prog args; do
	n=\$((n + 1))
	s=\$(date +%s)
	timeout $per_test ./\$prog \$args </dev/null >/tmp/out 2>&1
	rc=\$?
	e=\$(date +%s)
	sed "s|^|[\$prog] |" /tmp/out | tail -n ${OUT_TAIL:-40}
	echo "@@@ RESULT \$n \$prog rc=\$rc secs=\$((e - s))"
done <run.list
for n in pte_list_desc kvm_rmap_node kvm_parent_pte_node; do
	d=/sys/kernel/slab/\$n
	[ -e \$d ] && echo "@@@ SLAB \$n object_size=\$(cat \$d/object_size) slab_size=\$(cat \$d/slab_size) objs_per_slab=\$(cat \$d/objs_per_slab) total_objects=\$(cat \$d/total_objects)"
done
echo "@@@ DONE"
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$run/initramfs-$label.cpio.gz"

log="$run/$label.log"
ntests=$(wc -l <"$root/tests/run.list")
log "booting $label: $ntests selftest(s), log in build/kvm-run/$label.log"
# mem=3000M: a multiple of 64 pages, so that the page_idle bitmap has no
# partial last word (page_idle_bitmap_read() returns 0 bytes for one, and
# access_tracking_perf_test fails whenever its memory lands there).
timeout $((ntests * per_test + 300)) qemu-system-x86_64 \
	-accel "${QEMU_ACCEL:-tcg,thread=single}" -cpu max -smp "${QEMU_SMP:-2}" -m 3G \
	-kernel "$kernel" -initrd "$run/initramfs-$label.cpio.gz" \
	-append "console=ttyS0 loglevel=5 panic=-1 oops=panic mem=3000M $mmu_append ${BOOT_APPEND:-}" \
	-nographic -no-reboot -serial "file:$log" -monitor none </dev/null >"$run/$label.qemu.log" 2>&1 || true

bad=0
grep -q '@@@ BOOTED' "$log" || { echo "$label: the guest did not boot" >&2; bad=1; }
if grep -q '@@@ BOOTED' "$log" && ! grep -q "@@@ BOOTED.* $mmu_booted" "$log"; then
	echo "$label: ${KVM_MMU:-shadow} paging was not in force: $(grep '@@@ BOOTED' "$log")" >&2
	bad=1
fi
grep -q '@@@ NO-KVM' "$log" && { echo "$label: no /dev/kvm in the guest" >&2; bad=1; }
grep -q '@@@ NO-MODULE' "$log" && { echo "$label: $(grep -m1 '@@@ NO-MODULE' "$log")" >&2; bad=1; }
n=0
while read -r prog _; do
	n=$((n + 1))
	line=$(grep -a "@@@ RESULT $n $prog " "$log" | tail -n 1)
	if [ -z "$line" ]; then
		res=MISSING secs=-
	else
		rc=$(sed -E 's/.* rc=([0-9]+).*/\1/' <<<"$line")
		secs=$(sed -E 's/.* secs=([0-9]+).*/\1/' <<<"$line")
		case $rc in
		0) res=PASS ;;
		4) res=SKIP ;;
		124 | 143) res=TIMEOUT ;;
		*) res="FAIL(rc=$rc)" ;;
		esac
	fi
	echo "$prog $res $secs"
done <"$root/tests/run.list"
if reports=$(kernel_reports "$log" stalls); then
	echo "$label: kernel problem in the log:" >&2
	head -n 5 <<<"$reports" >&2
	bad=1
fi
grep -q '@@@ DONE' "$log" || { echo "$label: the guest did not finish the list" >&2; bad=1; }
exit $bad
