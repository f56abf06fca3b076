# shellcheck shell=bash
# Sourced by every harness script.
# shellcheck disable=SC2034 # the variables are for the scripts that source this
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
# per build/ (the first install anyone asks for).  One at a time: the gate
# runs some steps side by side.
apt_install() {
	(
		flock 9
		if [ ! -f "$BUILD/.apt-updated" ]; then
			apt-get update -qq >/dev/null
			touch "$BUILD/.apt-updated"
		fi
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			"$@" >"$BUILD/apt-$$.log" 2>&1 ||
			{ tail -20 "$BUILD/apt-$$.log" >&2; die "apt-get install $* failed (build/apt-$$.log)"; }
		rm -f "$BUILD/apt-$$.log"
	) 9>"$BUILD/.apt.lock"
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
KVM_REPORT_LINES='write-protect rounds|built:|aging lock|lockless aging|rounds: [0-9]+, every|zap of every|RCU callback|teardown:|second VM|khugepaged:|reclaim, |clear_flush_young|nodes reused|shadow pages zapped|deferred|aging [0-9]+ pages in|pass_us|call_p50_us|call_p99_us|mmu_lock_acq_w|lock_stat:|repoints under aging|-H: |injected: '

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

# userspace_deps: what any build of the userspace harness needs: the
# compilers and liburcu, and the base tree's tools/include.
userspace_deps() {
	apt_need gcc make libc6-dev liburcu-dev python3
	[ -f "$SRC/Makefile" ] || bash "$HARNESS/prepare.sh"
}

# build_userspace TARGET...: build the userspace harness's programs
# (tools/testing/llist_nulls_multi) in build/userspace/llist_nulls_multi,
# which USERSPACE names; its build uses the base tree's tools/include.
USERSPACE_SRC=$TOP/tools/testing/llist_nulls_multi
USERSPACE=$BUILD/userspace/llist_nulls_multi
build_userspace() {
	userspace_deps
	mkdir -p "$USERSPACE"
	log "building $* in build/userspace/llist_nulls_multi"
	make -s -C "$USERSPACE_SRC" O="$USERSPACE" -j"$JOBS" "$@"
}

# build_library_copy DIR MUTANT|- TARGET: build the userspace program
# TARGET from a copy of the library (include/, lib/) in DIR/src, with
# MUTANT applied unless it is "-", into DIR/obj; the tree is never changed.
# Call userspace_deps (or build_userspace) first.
build_library_copy() {
	local dir=$1 mutant=$2 target=$3
	rm -rf "$dir"
	mkdir -p "$dir/src"
	cp -r "$TOP/include" "$TOP/lib" "$dir/src/"
	if [ "$mutant" != - ]; then
		python3 "$HARNESS/mutate.py" "$mutant" "$dir/src" || return 1
	fi
	make -s -C "$USERSPACE_SRC" KSRC="$dir/src" O="$dir/obj" "$target"
}

# The mutant families whose test is a userspace program PROG (weak.sh,
# footprint.sh): mutant_copy_apply PROG MUTANT builds PROG from a copy of
# the library with MUTANT applied, in build/userspace/PROG-mutant;
# mutant_copy_run PROG MUTANT [ARGS...] runs it, its output in MUT_LOG
# (build/userspace/PROG-mutant-NAME.log), and returns its status;
# mutant_copy_restore PROG removes the copy.
mutant_copy_apply() {
	build_library_copy "$BUILD/userspace/$1-mutant" "$2" "$1"
}
mutant_copy_run() {
	local prog=$1 name
	name=$(basename "$2" .mut)
	shift 2
	MUT_LOG=$BUILD/userspace/$prog-mutant-$name.log
	"$BUILD/userspace/$prog-mutant/obj/$prog" "$@" >"$MUT_LOG" 2>&1
}
mutant_copy_restore() {
	rm -rf "$BUILD/userspace/$1-mutant"
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

# The sanitizers' kernel configs, in one place: Kconfig symbols, =y unless
# a value is given, "!SYM" for off.  kconfig_opts turns a list into the
# arguments of kunit.py or of scripts/config.
#   KCSAN_STRICT_CONFIG: the torture suite's kernels, where our code is all
#     that runs: strict mode (every plain access that races a marked one,
#     weak-memory reordering) and every report, none rate-limited.
#   KCSAN_CONFIG: KVM's host kernels, which run the rest of the kernel too,
#     whose own plain races strict mode would report: KCSAN's defaults.
#   KASAN_CONFIG: every KASAN kernel (KASAN, lockdep, PROVE_RCU, sleeping
#     in atomic context); KASAN_TORTURE_CONFIG and KASAN_KVM_CONFIG add
#     what only those kernels have.
KCSAN_STRICT_CONFIG=(KCSAN KCSAN_STRICT KCSAN_WEAK_MEMORY KCSAN_REPORT_ONCE_IN_MS=0)
KCSAN_CONFIG=(KCSAN '!KCSAN_STRICT')
KASAN_CONFIG=(KASAN KASAN_GENERIC PROVE_LOCKING PROVE_RCU DEBUG_ATOMIC_SLEEP)
# The RCU callbacks' objects checked (a node freed twice through call_rcu()).
KASAN_TORTURE_CONFIG=(DEBUG_OBJECTS DEBUG_OBJECTS_RCU_HEAD)
# Inline checks and vmalloc (KVM's memslots), type-stable slabs poisoned a
# grace period after their free, KVM's MMU assertions, every rmap and
# parent_ptes node checked against its list's type.
KASAN_KVM_CONFIG=(KASAN_INLINE KASAN_VMALLOC SLUB_RCU_DEBUG KVM_PROVE_MMU
		  DEBUG_LLIST_NULLS_MULTI)

# kconfig_opts kunit|config OPT...: OPTs as kunit.py's --kconfig_add
# arguments or as scripts/config's, one a line.
kconfig_opts() {
	local how=$1 o sym val
	shift
	for o in "$@"; do
		sym=${o%%=*} val=y
		[ "$sym" != "$o" ] && val=${o#*=}
		[ "${sym#!}" != "$sym" ] && sym=${sym#!} val=n
		case $how in
		kunit) printf '%s\n' --kconfig_add "CONFIG_$sym=$val" ;;
		config)
			case $val in
			y) printf '%s\n' -e "$sym" ;;
			n) printf '%s\n' -d "$sym" ;;
			*) printf '%s\n' --set-val "$sym" "$val" ;;
			esac ;;
		esac
	done
}

# --- Mutants: deliberate bugs that a test must catch ------------------------
# harness/mutants/FAMILY/NAME.mut, one bug a file, a family for each thing
# that catches them: kunit (the library under the KUnit suite), weak (the
# weak-memory adversary), kvm (the converted KVM under our selftests), model
# (the spin model).  A bug of the library has the same NAME in every family
# that has it.  The script of a family defines
#   mutant_apply FILE    put the bug in place; fails if it does not apply
#                        or build, saying why
#   mutant_test FILE     run what must catch it, saying what it saw in one
#                        line; status 0 if it passed (the mutant survived),
#                        1 if it failed (killed), 2 if it could not tell
#                        (nothing ran that judges the mutant)
#   mutant_restore FILE  put the tree back; run after each mutant, and by a
#                        trap if the script dies in the middle of one
# and may define
#   mutant_snapshot FILE keep what mutant_apply built where mutant_test
#                        finds it (then the tree is put back at once, and
#                        mutant_test runs in the background while the next
#                        mutant builds: a boot overlaps a build)
# and calls run_mutants FAMILY [NAME...] (default: every mutant).  A mutant
# marked "# survives: REASON" is a known gap (no test kills it yet) or an
# equivalent mutant: it is listed as SURVIVING with its reason and not run,
# unless MUTANTS_ALL=1 (then one a test now kills reads "killed": drop its
# mark).  One line a mutant: "killed: NAME: WHAT", "SURVIVED: NAME: WHAT",
# "NOT JUDGED: NAME: WHAT", "SURVIVING (known, not run): NAME: REASON" or
# "does not apply: NAME: WHY".  Status 1 if any survived, was not judged or
# did not apply.

# The lines run_mutants prints, as an ERE (for the gate's summaries).
MUTANT_LINES='^(killed|SURVIVED|NOT JUDGED|SURVIVING|does not apply)'

# mutant_field FILE KEY: the value of FILE's "# KEY:" line.
mutant_field() {
	sed -n "s/^# $2: *//p" "$1" | head -n 1
}

# mutant_survives FILE: the reason of "# survives:", with the comment lines
# that continue it, on one line; nothing if there is none.
mutant_survives() {
	awk '/^# survives:/ { on = 1; sub(/^# survives: */, ""); printf "%s", $0; next }
	     on && (/^# (test|set|append|mmu|defines|expect|survives):/ || !/^# /) { exit }
	     on { sub(/^# */, " "); printf "%s", $0 }' "$1"
}

# mutant_verdict NAME STATUS WHAT: the line for a mutant mutant_test judged
# (STATUS is its status); false unless the mutant was killed.
mutant_verdict() {
	case $2 in
	0) echo "SURVIVED: $1: $3"; return 1 ;;
	1) echo "killed: $1: $3" ;;
	*) echo "NOT JUDGED: $1: $3"; return 1 ;;
	esac
}

# mutant_collect: wait for the mutant whose test runs in the background (a
# family with mutant_snapshot) and print its line; false unless killed.
mutant_collect() {
	local name=${MUTANT_BG:-}
	[ -n "$name" ] || return 0
	MUTANT_BG=
	wait "$MUTANT_BG_PID"
	mutant_verdict "$name" "$(cat "$MUTANT_BG_DIR/status" 2>/dev/null || echo 2)" \
		"$(cat "$MUTANT_BG_DIR/what" 2>/dev/null)"
}

run_mutants() {
	local family=$1 m name what reason verdict rc=0 files=() piped=0
	shift
	if [ $# -gt 0 ]; then
		for name in "$@"; do files+=("$HARNESS/mutants/$family/$name.mut"); done
	else
		files=("$HARNESS/mutants/$family"/*.mut)
	fi
	declare -F mutant_snapshot >/dev/null && piped=1
	MUTANT_BG='' MUTANT_BG_DIR=$(mktemp -d)
	for m in "${files[@]}"; do
		[ -f "$m" ] || die "no mutant $m"
		name=$(basename "$m" .mut)
		reason=$(mutant_survives "$m")
		if [ -n "$reason" ] && [ "${MUTANTS_ALL:-0}" != 1 ]; then
			echo "SURVIVING (known, not run): $name: $reason"
			continue
		fi
		# shellcheck disable=SC2064 # the file is fixed now, on purpose
		trap "mutant_restore '$m'" EXIT
		if ! what=$(mutant_apply "$m" 2>&1); then
			echo "does not apply: $name: $(tail -n 3 <<<"$what" | tr '\n' ' ')"
			rc=1
		elif [ $piped = 1 ]; then
			mutant_snapshot "$m"
			mutant_restore "$m"
			trap - EXIT
			mutant_collect || rc=1
			rm -f "$MUTANT_BG_DIR"/{what,status}
			(
				mutant_test "$m" >"$MUTANT_BG_DIR/what"
				echo $? >"$MUTANT_BG_DIR/status"
			) &
			MUTANT_BG=$name MUTANT_BG_PID=$!
			continue
		else
			verdict=0
			what=$(mutant_test "$m") || verdict=$?
			mutant_verdict "$name" $verdict "$what" || rc=1
		fi
		mutant_restore "$m"
		trap - EXIT
	done
	mutant_collect || rc=1
	rm -rf "$MUTANT_BG_DIR"
	return $rc
}

# checkout_arm NAME: check out branch NAME of build/linux: tag 'base' with
# the patches harness/arms/NAME/series lists (a path relative to the
# repository, then optionally the only files to take from it).  The branch
# is made anew when the list or a patch in it changed (its commit message
# records their hash).
checkout_arm() {
	local name=$1 list=$HARNESS/arms/$1/series sum path inc args
	[ -f "$list" ] || die "no arm '$name' ($list)"
	sum=$(grep -v '^#' "$list" | awk '{print $1}' | (cd "$TOP" && xargs cat) |
		cat "$list" - | sha1sum | cut -c1-12)
	if git -C "$SRC" log -1 --format=%s "refs/heads/$name" 2>/dev/null |
		grep -qx "arm $name $sum"; then
		git -C "$SRC" checkout -q "$name"
		return
	fi
	log "making branch $name: base + harness/arms/$name/series ($sum)"
	git -C "$SRC" checkout -q -B "$name" base
	while read -r path inc; do
		case $path in '' | '#'*) continue ;; esac
		args=()
		[ -n "$inc" ] && args=(--include="$inc")
		git -C "$SRC" apply --index "${args[@]}" "$TOP/$path" ||
			die "arm $name: $path does not apply to base"
	done <"$list"
	git -C "$SRC" -c user.name=harness -c user.email=harness@localhost \
		commit -q -m "arm $name $sum"
}

