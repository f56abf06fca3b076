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
	rm -rf "${SRC:?}" "${BUILD:?}/$LINUX_SOURCE_PKG"
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

# The reset below drops edits in build/linux that patches/ does not have:
# uncommitted ones, and commits on 'series' made since the last export
# (build/series-exported, written here and by make refresh) whose tree
# patches/ does not give.  Refuse, unless FORCE=1.
cur=$(git -C "$SRC" rev-parse -q --verify refs/heads/series || true)
if [ -n "$cur" ] && [ "${FORCE:-0}" != 1 ]; then
	git -C "$SRC" diff --quiet HEAD ||
		die "build/linux has uncommitted edits ($(git -C "$SRC" diff --name-only HEAD | head -n 3 | tr '\n' ' ')): commit them onto the series and run make refresh, or FORCE=1 make to drop them"
fi
tip=$(python3 "$HARNESS/series.py" "$TOP" "$SRC")
if [ -n "$cur" ] && [ "${FORCE:-0}" != 1 ] &&
   [ "$cur" != "$(cat "$BUILD/series-exported" 2>/dev/null)" ] &&
   [ "$(git -C "$SRC" rev-parse "$cur^{tree}")" != "$(git -C "$SRC" rev-parse "$tip^{tree}")" ]; then
	git -C "$SRC" update-ref refs/heads/series "$cur"
	die "build/linux's series ($(git -C "$SRC" rev-parse --short "$cur")) has commits patches/ does not have: make refresh writes them back, FORCE=1 make drops them"
fi
git -C "$SRC" symbolic-ref HEAD refs/heads/series
# Rewrites only files that differ, so incremental builds stay incremental.
git -C "$SRC" reset -q --hard "$tip"
echo "$tip" >"$BUILD/series-exported"
log "build/linux is at series $(git -C "$SRC" log --oneline base..series | wc -l) patch(es) on base"
