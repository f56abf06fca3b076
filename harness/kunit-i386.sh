#!/usr/bin/env bash
# The KUnit suites (llist_nulls_multi and llist_nulls_multi_torture) on a
# 32-bit kernel: i386 QEMU.  Part of make torture.
. "$(dirname "$0")/common.sh"

apt_need qemu-system-x86
cd "$SRC"
python3 tools/testing/kunit/kunit.py run --arch=i386 \
	--build_dir="$BUILD/kunit-i386" --kunitconfig="$HARNESS/kunitconfig" \
	--jobs="$JOBS" --timeout=600 'llist_nulls_multi*'
grep -h 'llnm-torture [0-9]*-bit' "$BUILD/kunit-i386/test.log"
grep -q 'llnm-torture 32-bit kernel' "$BUILD/kunit-i386/test.log" ||
	die "the i386 run did not report a 32-bit kernel"
