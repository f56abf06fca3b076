#!/usr/bin/env bash
# The one wrapper of the kernel's kunit.py: build ARCH out of tree with
# harness/kunitconfig and run the llist_nulls_multi suites (or the filter
# given) on it.  make kunit, the gate, torture.sh and the 32-bit run all
# come through here.
#   harness/run-kunit.sh [ARCH NAME [kunit.py run options and filter...]]
# ARCH: um (default), x86_64 or i386 (QEMU).  NAME: the build directory,
# build/NAME (default uml).  Later options override the defaults here
# (e.g. --timeout).  The full log: build/kunit-NAME.log; the kernel's own
# log: build/NAME/test.log.
. "$(dirname "$0")/common.sh"

arch=${1:-um}
name=${2:-uml}
shift $(($# < 2 ? $# : 2))
case $arch in
um) ;;
x86_64 | i386) apt_need qemu-system-x86 ;;
*) die "usage: run-kunit.sh [um|x86_64|i386 NAME [kunit.py options]]" ;;
esac
apt_need "${BUILD_DEPS[@]}"

cd "$SRC"
set +e
python3 tools/testing/kunit/kunit.py run --arch="$arch" --build_dir="$BUILD/$name" \
	--kunitconfig="$HARNESS/kunitconfig" --jobs="$JOBS" --timeout=600 "$@" \
	2>&1 | tee "$BUILD/kunit-$name.log"
rc=${PIPESTATUS[0]}
set -e
exit "$rc"
