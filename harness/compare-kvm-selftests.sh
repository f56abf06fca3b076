#!/usr/bin/env bash
# make kvm-selftests: build the stock and the converted bzImage (KVM,
# KVM_AMD, KVM_INTEL), build the KVM selftests of harness/kvm/tests.list,
# boot each kernel in QEMU TCG under shadow paging and run them all, then
# print the two columns side by side.  Fails if the converted kernel fails
# a test the stock one passes, or if either log shows a kernel problem.
#   compare-kvm-selftests.sh [SET]    SET: all (default) or check
. "$(dirname "$0")/common.sh"

set_=${1:-all}
stock=$(bash "$HARNESS/build-kvm.sh" stock)
conv=$(bash "$HARNESS/build-kvm.sh" converted)
bash "$HARNESS/build-kvm-selftests.sh" >/dev/null

rc=0
bash "$HARNESS/boot-kvm-selftests.sh" "$stock" stock "$set_" >"$BUILD/kvm-run/stock.results" || rc=1
bash "$HARNESS/boot-kvm-selftests.sh" "$conv" converted "$set_" >"$BUILD/kvm-run/converted.results" || rc=1

printf '\n%-52s %-14s %-14s\n' "KVM selftest (kvm_amd.npt=0 kvm.tdp_mmu=0)" "stock" "converted"
printf '%-52s %-14s %-14s\n' "----------------------------------------------------" "-----" "---------"
while read -r prog s ss; do
	read -r _ c cs < <(grep -F "$prog " "$BUILD/kvm-run/converted.results" | head -n 1)
	printf '%-52s %-14s %-14s\n' "$prog" "$s ${ss}s" "${c:-MISSING} ${cs:-}s"
	if [ "$s" = PASS ] && [ "${c:-}" != PASS ]; then
		echo "REGRESSION: $prog passes on stock, ${c:-MISSING} on converted"
		rc=1
	fi
done <"$BUILD/kvm-run/stock.results"
# KVM's debugfs rmap histogram, printed by shadow_rmap_test after it built
# its lists: pte_list_count() must give the stock numbers.
for k in stock converted; do
	grep -a 'mmu_rmaps_stat:' "$BUILD/kvm-run/$k.log" | sed 's/^.*mmu_rmaps_stat: //' >"$BUILD/kvm-run/$k.rmaps"
done
echo
if [ ! -s "$BUILD/kvm-run/stock.rmaps" ]; then
	echo "debugfs mmu_rmaps_stat: not printed"
	rc=1
elif cmp -s "$BUILD/kvm-run/stock.rmaps" "$BUILD/kvm-run/converted.rmaps"; then
	echo "debugfs mmu_rmaps_stat after shadow_rmap_test built its lists, the same on both kernels:"
	sed 's/^/  /' "$BUILD/kvm-run/stock.rmaps"
else
	echo "debugfs mmu_rmaps_stat differs:"
	diff "$BUILD/kvm-run/stock.rmaps" "$BUILD/kvm-run/converted.rmaps"
	rc=1
fi
echo
for k in stock converted; do
	echo "$k: $(grep -a 'write-protect rounds' "$BUILD/kvm-run/$k.log" | sed 's/^.*write-protect/write-protect/' | head -n 1)"
	grep -a '^@@@ SLAB ' "$BUILD/kvm-run/$k.log" | sed "s/^@@@ SLAB /$k: slab /"
done
exit $rc
