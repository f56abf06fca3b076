# Sourced by every harness script.
set -euo pipefail
# Debian's python3 (with the python3-* packages we install) before any other.
export PATH="/usr/bin:/bin:/usr/sbin:/sbin:$PATH"
HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HARNESS/.." && pwd)
# shellcheck source=config.sh
. "$HARNESS/config.sh"
BUILD=$TOP/build
SRC=$BUILD/linux
JOBS=$(nproc)
mkdir -p "$BUILD"

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# apt_install PKG[=VERSION]...: apt-get install, after one apt-get update
# per build/ (the first install anyone asks for).
apt_install() {
	if [ ! -f "$BUILD/.apt-updated" ]; then
		apt-get update -qq >/dev/null
		touch "$BUILD/.apt-updated"
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"$@" >"$BUILD/apt.log" 2>&1 ||
		{ tail -20 "$BUILD/apt.log" >&2; die "apt-get install $* failed (build/apt.log)"; }
}

# apt_need PKG...: install what is missing (idempotent).
apt_need() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing: ${missing[*]}"
	apt_install "${missing[@]}"
}

# A line of a kernel log that means the kernel itself found a problem: a
# warning, a BUG (KASAN, KCSAN and friends print "BUG: ..."), an oops, a
# panic, a lockdep or RCU splat, KVM's own bug check, a hung task.
KERNEL_PROBLEMS='WARNING:|BUG:|Oops|Kernel panic|KVM_BUG|general protection|ODEBUG:|INFO: task .* blocked'

# The lines of our KVM selftests' output that the gate and the torture runs
# show (an ERE): what each test built, aging counters, zaps, the young tests.
KVM_REPORT_LINES='write-protect rounds|built:|aging lock|lockless aging|rounds: [0-9]+, every|zap of every|RCU callback|teardown:|second VM|khugepaged:|reclaim, |clear_flush_young|nodes reused|shadow pages zapped|deferred|aging [0-9]+ pages in|pass_us|call_p50_us|call_p99_us|mmu_lock_acq_w|lock_stat:'

# RCU stall warnings, which the KVM boots (not the sanitizer tortures, slow
# under TCG by design) count as problems.
RCU_STALLS='detected stalls? on CPU|self-detected stall'

# kernel_reports LOG [stalls]: the lines of LOG that show the kernel found a
# problem (KERNEL_PROBLEMS; RCU_STALLS too with "stalls"), in log order;
# status 0 if there is one.  Every script that judges a kernel log asks it.
kernel_reports() {
	local re=$KERNEL_PROBLEMS
	[ "${2:-}" = stalls ] && re="$re|$RCU_STALLS"
	grep -aE "$re" "$1" 2>/dev/null
}

# The packages any kernel build here needs (rsync: headers_install).
BUILD_DEPS=(build-essential bc bison flex libssl-dev libelf-dev python3 perl git xz-utils rsync)

# build_userspace TARGET...: build the userspace harness's programs
# (tools/testing/llist_nulls_multi) in build/userspace/llist_nulls_multi,
# which USERSPACE names; its build uses the base tree's tools/include.
USERSPACE_SRC=$TOP/tools/testing/llist_nulls_multi
USERSPACE=$BUILD/userspace/llist_nulls_multi
build_userspace() {
	apt_need gcc make libc6-dev liburcu-dev
	[ -f "$SRC/Makefile" ] || bash "$HARNESS/prepare.sh"
	mkdir -p "$USERSPACE"
	log "building $* in build/userspace/llist_nulls_multi"
	make -s -C "$USERSPACE_SRC" O="$USERSPACE" -j"$JOBS" "$@"
}

# run_tsan LOG CMD...: run a ThreadSanitizer build, its output shown and in
# LOG.  Any report fails it: TSan halts at the first with an exit status of
# its own, and a report in LOG fails it whatever the status.  TSan's shadow
# layout and a kernel with more mmap randomness can disagree; then it runs
# again with ASLR off.
run_tsan() {
	local log=$1 rc=0
	shift
	export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1"
	if ! "$@" 2>&1 | tee "$log"; then
		rc=${PIPESTATUS[0]}
	fi
	if [ "$rc" -ne 0 ] && grep -q 'unexpected memory mapping' "$log"; then
		log "ThreadSanitizer cannot map its shadow memory; retrying with ASLR off"
		rc=0
		if ! setarch "$(uname -m)" -R "$@" 2>&1 | tee "$log"; then
			rc=${PIPESTATUS[0]}
		fi
	fi
	if grep -q 'ThreadSanitizer' "$log"; then
		log "ThreadSanitizer reported (see $log)"
		[ "$rc" -ne 0 ] || rc=1
	fi
	return "$rc"
}

# The modules KVM needs, in load order (each loaded before those after it).
KVM_MODULES=(virt/lib/irqbypass.ko arch/x86/kvm/kvm.ko arch/x86/kvm/kvm-amd.ko
	     arch/x86/kvm/kvm-intel.ko)

# copy_kvm_modules BUILDDIR DEST: put KVM's modules of BUILDDIR in DEST.
copy_kvm_modules() {
	local m
	for m in "${KVM_MODULES[@]}"; do
		[ -f "$1/$m" ] || die "$1/$m was not built"
		cp "$1/$m" "$2/"
	done
}

# is_kvm_patch COMMIT: true if COMMIT (in build/linux) touches KVM x86 or
# its selftests.
is_kvm_patch() {
	git -C "$SRC" diff --name-only "$1^" "$1" |
		grep -Eq '^(arch/x86/kvm/|arch/x86/include/asm/kvm|tools/testing/selftests/kvm/)'
}

# first_kvm_patch: the series' first commit that is_kvm_patch, or nothing.
first_kvm_patch() {
	local c
	for c in $(git -C "$SRC" rev-list --reverse base..series); do
		if is_kvm_patch "$c"; then echo "$c"; return; fi
	done
}
