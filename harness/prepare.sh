#!/usr/bin/env bash
# Fetch the pinned base tree, unpack it under build/linux as a git repo
# (tag 'base'), build our patch series on branch 'series' and check it out.
. "$(dirname "$0")/common.sh"

apt_need "${BUILD_DEPS[@]}"
have=$(dpkg-query -W -f='${Version}' "$LINUX_SOURCE_PKG" 2>/dev/null || true)
if [ "$have" != "$LINUX_SOURCE_VERSION" ]; then
	log "installing $LINUX_SOURCE_PKG=$LINUX_SOURCE_VERSION (pinned in harness/config.sh)"
	apt_install "$LINUX_SOURCE_PKG=$LINUX_SOURCE_VERSION"
fi

if ! git -C "$SRC" rev-parse -q --verify base >/dev/null 2>&1; then
	log "unpacking /usr/src/$LINUX_SOURCE_PKG.tar.xz into build/linux"
	rm -rf "$SRC" "$BUILD/$LINUX_SOURCE_PKG"
	tar -C "$BUILD" -xf "/usr/src/$LINUX_SOURCE_PKG.tar.xz"
	mv "$BUILD/$LINUX_SOURCE_PKG" "$SRC"
	v=$(make -s -C "$SRC" kernelversion)
	[ "$v" = "$LINUX_KVER" ] || die "unpacked kernel is $v, expected $LINUX_KVER"
	log "recording the base tree in git (tag 'base')"
	git -C "$SRC" init -q
	git -C "$SRC" config user.name base
	git -C "$SRC" config user.email base@localhost
	git -C "$SRC" config gc.auto 0
	git -C "$SRC" add -A -f .
	git -C "$SRC" commit -q -m "Linux $LINUX_KVER ($LINUX_SOURCE_PKG $LINUX_SOURCE_VERSION)"
	git -C "$SRC" tag base
fi

tip=$(python3 "$HARNESS/series.py" "$TOP" "$SRC")
git -C "$SRC" symbolic-ref HEAD refs/heads/series
# Rewrites only files that differ, so incremental builds stay incremental.
git -C "$SRC" reset -q --hard "$tip"
log "build/linux is at series $(git -C "$SRC" log --oneline base..series | wc -l) patch(es) on base"
