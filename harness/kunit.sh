#!/usr/bin/env bash
# Build UML out of tree and run the llist_nulls_multi KUnit suite.
# Extra arguments go to kunit.py run.  The full log: build/kunit-uml.log.
. "$(dirname "$0")/common.sh"

cd "$SRC"
set +e
python3 tools/testing/kunit/kunit.py run --build_dir="$BUILD/uml" \
	--kunitconfig="$HARNESS/kunitconfig" --jobs="$JOBS" --timeout=600 "$@" \
	2>&1 | tee "$BUILD/kunit-uml.log"
rc=${PIPESTATUS[0]}
set -e
exit "$rc"
