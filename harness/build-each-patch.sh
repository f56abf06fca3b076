#!/usr/bin/env bash
# Build the tree after every patch of the series: UML (with the KUnit
# config and the sample built in) for patches that touch no KVM file,
# x86_64 with KVM for the KVM ones (a patch of selftests alone builds them
# on the kernel of the patch before it), and x86_64 with KVM once more at
# the commit before the first KVM patch (stock KVM).  Fails if any step
# does not build.  Configures build/uml and build/kvm first if no earlier
# step did (run-kunit.sh, build-kvm.sh).
. "$(dirname "$0")/common.sh"

[ -f "$BUILD/uml/.config" ] || bash "$HARNESS/run-kunit.sh" >/dev/null ||
	die "cannot configure build/uml (bash harness/run-kunit.sh)"
[ -f "$BUILD/kvm/.config" ] || bash "$HARNESS/build-kvm.sh" converted >/dev/null ||
	die "cannot configure build/kvm (bash harness/build-kvm.sh converted)"
umlcfg=$(mktemp)
cp "$BUILD/uml/.config" "$umlcfg"
bisectcfg=$(mktemp)
cp "$umlcfg" "$bisectcfg"
printf 'CONFIG_SAMPLES=y\nCONFIG_SAMPLE_LLIST_NULLS_MULTI=y\nCONFIG_SAMPLE_LLIST_NULLS_MULTI_KUNIT_TEST=y\n' >>"$bisectcfg"
tip=$(git -C "$SRC" rev-parse series)
trap 'git -C "$SRC" checkout -q series; cp "$umlcfg" "$BUILD/uml/.config"; rm -f "$umlcfg" "$bisectcfg"' EXIT

# kernel_unchanged COMMIT: COMMIT changes no file a kernel build reads
# (only tools/, Documentation/ or MAINTAINERS): the kernel built after the
# commit before it stands for it.
kernel_unchanged() {
	! git -C "$SRC" diff --name-only "$1^" "$1" | grep -Evq '^(tools/|Documentation/|MAINTAINERS$)'
}

# x86_64 with KVM, in build/kvm, from whatever is checked out.
build_kvm() {
	make -s -C "$SRC" O="$BUILD/kvm" ARCH=x86_64 -j"$JOBS" olddefconfig bzImage modules
}

mapfile -t commits < <(git -C "$SRC" rev-list --reverse base..series)
first_kvm=$(first_kvm_patch)
n=0
x86_built=	# the last commit built for x86_64
for c in "${commits[@]}"; do
	n=$((n + 1))
	subj=$(git -C "$SRC" log -1 --format=%s "$c")
	git -C "$SRC" checkout -q "$c"
	if is_kvm_patch "$c"; then
		if kernel_unchanged "$c" && [ "$x86_built" = "$(git -C "$SRC" rev-parse "$c^")" ]; then
			echo "[$n] KVM selftests (the kernel is patch $((n - 1))'s): $subj"
		else
			echo "[$n] x86_64+KVM: $subj"
			build_kvm || { echo "FAILED to build after patch $n"; exit 1; }
		fi
		x86_built=$c
		if git -C "$SRC" diff --name-only "$c^" "$c" | grep -q '^tools/testing/selftests/kvm/'; then
			PRESENT_ONLY=1 bash "$HARNESS/build-kvm-selftests.sh" >/dev/null ||
				{ echo "FAILED to build the selftests after patch $n"; exit 1; }
		fi
	else
		echo "[$n] UML: $subj"
		cp "$bisectcfg" "$BUILD/uml/.config"
		make -s -C "$SRC" O="$BUILD/uml" ARCH=um olddefconfig >/dev/null &&
			make -s -C "$SRC" O="$BUILD/uml" ARCH=um -j"$JOBS" ||
			{ echo "FAILED to build after patch $n"; exit 1; }
		if [ -n "$first_kvm" ] && [ "$(git -C "$SRC" rev-parse "$first_kvm^")" = "$c" ]; then
			echo "[$n] x86_64+KVM (stock KVM, for comparison): $subj"
			build_kvm || { echo "FAILED to build x86_64 after patch $n"; exit 1; }
			x86_built=$c
		fi
	fi
done
[ "$(git -C "$SRC" rev-parse HEAD)" = "$tip" ] || die "did not end at the tip"
echo "all ${#commits[@]} patches build"
