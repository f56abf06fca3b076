#!/usr/bin/env bash
# Build the KVM selftests we run (harness/kvm/tests.list), statically, from
# the series tree, without touching it: headers go to build/kvm-headers,
# binaries to build/kvm-selftests.  Prints the binaries' directory.
. "$(dirname "$0")/common.sh"

# file: the check that each binary is static
apt_need "${BUILD_DEPS[@]}" file
hdr=$BUILD/kvm-headers
out=$BUILD/kvm-selftests
mkdir -p "$hdr" "$out"
log "installing UAPI headers into build/kvm-headers"
make -s -C "$SRC" O="$hdr" ARCH=x86_64 headers_install >&2

# The programs named in tests.list (first word of each line).  With
# PRESENT_ONLY=1 (build-each-patch.sh, on a commit in the middle of the
# series), those whose source the tree does not have yet are left out.
mapfile -t progs < <(grep -Ev '^\s*(#|$)' "$HARNESS/kvm/tests.list" | awk '{print $1}' | sort -u)
if [ "${PRESENT_ONLY:-0}" = 1 ]; then
	mapfile -t progs < <(for p in "${progs[@]}"; do
		[ -f "$SRC/tools/testing/selftests/kvm/$p.c" ] && echo "$p"
	done)
fi
log "building ${#progs[@]} KVM selftests (static)"
make -s -C "$SRC/tools/testing/selftests/kvm" OUTPUT="$out" ARCH=x86_64 \
	KHDR_INCLUDES="-isystem $hdr/usr/include" EXTRA_CFLAGS=-static \
	TEST_GEN_PROGS_x86_64="${progs[*]}" TEST_GEN_PROGS_EXTENDED_x86_64= \
	TEST_PROGS_x86_64= -j"$JOBS" >&2
for p in "${progs[@]}"; do
	[ -x "$out/$p" ] || die "selftest $p was not built"
	file "$out/$p" | grep -q 'statically linked' || die "selftest $p is not static"
done
echo "$out"
