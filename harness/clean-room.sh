#!/usr/bin/env bash
# The README's two commands on a machine nobody touched: build a minimal
# Debian 12 root under build/clean-room/root (mmdebstrap, from the archive
# this machine's apt uses), give it what a fresh machine of this kind has and
# a minimal root lacks (make, git, ca-certificates and the apt sources, which
# carry bookworm-security for the pinned linux-source), put a fresh clone of
# this repo's committed HEAD at /work/main in it and ../shared beside it, and
# run `make` and then `make check` there under chroot, with /proc, /sys, /dev
# and /dev/shm mounted as UML and QEMU need.  Prints each command's result
# and wall time, and the packages the root had to gain.
#   harness/clean-room.sh [make|all]   (make: only the first command)
# Logs: build/clean-room/{make,check}.log.  Not part of the gate.
. "$(dirname "$0")/common.sh"

what=${1:-all}
case $what in make | all) ;; *) die "usage: clean-room.sh [make|all]" ;; esac
apt_need mmdebstrap git
cr=$BUILD/clean-room
root=$cr/root
shared=$(cd "$TOP/.." && pwd)/shared
[ -d "$shared" ] || die "no ../shared beside the repo"

mounted() { grep -q " $root/" /proc/mounts; }
unmount_all() {
	local m
	# deepest first
	for m in $(awk -v r="$root/" 'index($2, r) == 1 {print $2}' /proc/mounts | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
	! mounted
}
trap unmount_all EXIT

unmount_all || die "cannot unmount what is mounted under $root"
rm -rf "$root"
mkdir -p "$cr"
log "clean room: mmdebstrap minbase bookworm into build/clean-room/root"
mmdebstrap --quiet --variant=minbase --include=make,git,ca-certificates \
	bookworm "$root" /etc/apt/sources.list.d/debian.sources >"$cr/mmdebstrap.log" 2>&1 ||
	{ tail -20 "$cr/mmdebstrap.log" >&2; die "mmdebstrap failed"; }
rm -f "$root/etc/apt/sources.list" "$root"/etc/apt/sources.list.d/*
mkdir -p "$root/etc/apt/sources.list.d"
cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"
cp /etc/resolv.conf "$root/etc/resolv.conf"
chroot "$root" dpkg-query -W -f='${Package}\n' | sort >"$cr/packages-before"
chroot "$root" apt-mark showmanual | sort >"$cr/manual-before"

mkdir -p "$root/work"
git clone -q "$TOP" "$root/work/main"
cp -a "$shared" "$root/work/shared"

mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --rbind /dev "$root/dev"
mount --make-rslave "$root/dev"
mkdir -p "$root/dev/shm"
mount -t tmpfs -o size=8g shm "$root/dev/shm"

# in_root CMD: run CMD in the clone, as a fresh login would, with no
# variable of ours leaking in.
in_root() {
	env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		TERM=dumb LANG=C.UTF-8 chroot "$root" /bin/bash -c "cd /work/main && $1"
}

declare -A took res
run_one() {
	local name=$1 cmd=$2 t rc
	t=$(date +%s)
	log "clean room: $cmd"
	in_root "$cmd" >"$cr/$name.log" 2>&1
	rc=$?
	took[$name]=$(($(date +%s) - t))
	res[$name]=$rc
	return $rc
}

set +e
run_one make make
mk=$?
if [ "$what" = all ]; then
	run_one check "make check"
	ck=$?
fi
set -e
chroot "$root" dpkg-query -W -f='${Package}\n' | sort >"$cr/packages-after"
chroot "$root" apt-mark showmanual | sort >"$cr/manual-after"

echo "clean room: Debian $(cat "$root/etc/debian_version"), minbase + make git ca-certificates"
echo "make:       rc=${res[make]} in ${took[make]}s: $(grep -E 'Testing complete|tests: passed' "$cr/make.log" | tail -n 1)"
if [ "$what" = all ]; then
	echo "make check: rc=${res[check]} in ${took[check]}s: $(tail -n 1 "$cr/check.log")"
	grep -E '^(PASS|FAIL)  ' "$cr/check.log" | sed 's/^/  /'
fi
echo "what the targets installed (apt_need), with their dependencies not listed:"
comm -13 "$cr/manual-before" "$cr/manual-after" | fmt -w 76 | sed 's/^/  /'
gained=$(comm -13 "$cr/packages-before" "$cr/packages-after")
echo "packages the root gained: $(echo "$gained" | grep -c .)"
echo "$gained" >"$cr/packages-gained"
echo "  (list: build/clean-room/packages-gained)"
[ "$mk" -eq 0 ] || exit 1
[ "$what" = make ] || [ "$ck" -eq 0 ]
