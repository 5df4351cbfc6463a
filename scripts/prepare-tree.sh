#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# prepare-tree.sh - the pristine tree, and the patched tree built from it.
#
# Usage: prepare-tree.sh pristine|patched
#
#   pristine  $SRCDIR/base: the kernel source of BASE (scripts/base.sh)
#             unpacked once (fetch-source.sh) and committed to a local git
#             repository as tag 'base'.
#   patched   $SRCDIR/patched: a git worktree of a commit made from 'base' plus
#             the base's compat series patches/BASE/*.patch (if any), the
#             project's files at their kernel paths (the overlay) and the
#             ordered series patches/*.patch.  Only files whose content changed
#             since the last run are rewritten, so kernel builds stay incremental.
#
# A patch that does not apply stops the run and names the patch and the hunk.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/base.sh"
SRCDIR=${SRCDIR:-$top/build/src$base_suffix}
OVERLAY_DIRS="rust kernel fs include init samples tools Documentation"
OVERLAY_ROOT=${OVERLAY_ROOT:-$top}
PATCHDIR=${PATCHDIR:-$top/patches}
what=${1:?usage: prepare-tree.sh pristine|patched}

die() { echo "prepare-tree: error: $*" >&2; exit 1; }
say() { echo "  TREE    $*"; }

base=$SRCDIR/base
g() { git -C "$base" -c user.name=pipeline -c user.email=pipeline@localhost -c gc.auto=0 "$@"; }

if ! g rev-parse -q --verify base > /dev/null 2>&1; then
	start=$SECONDS
	if [ ! -f "$base/Makefile" ]; then
		rm -rf "$base.tmp"
		"$top/scripts/fetch-source.sh" "$base.tmp"
		rm -rf "$base"
		mv "$base.tmp" "$base"
	fi
	say "committing the pristine tree to $base/.git (once)"
	rm -rf "$base/.git"
	g init -q
	g add -A -f .
	g commit -q -m "Linux $(make -s -C "$base" kernelversion) ($(cat "$base/.source-version"))"
	g tag base
	say "pristine tree ready in $((SECONDS - start)) s"
fi
[ "$what" = pristine ] && exit 0
[ "$what" = patched ] || die "unknown tree '$what'"

start=$SECONDS
export GIT_INDEX_FILE=$SRCDIR/.patched.index
rm -f "$GIT_INDEX_FILE"
g read-tree base

# The overlay: every project file under the kernel-path directories.
n=0
while IFS= read -r -d '' f; do
	rel=${f#"$OVERLAY_ROOT"/}
	blob=$(g hash-object -w --path="$rel" -- "$f")
	mode=100644
	[ -x "$f" ] && mode=100755
	g update-index --add --cacheinfo "$mode,$blob,$rel"
	n=$((n + 1))
done < <(cd "$OVERLAY_ROOT" && for d in $OVERLAY_DIRS; do [ -d "$d" ] && find "$OVERLAY_ROOT/$d" -type f -print0; done)

# The base's compat series, then the project's series, in order.
p=0
for patch in "$PATCHDIR/$BASE"/*.patch "$PATCHDIR"/*.patch; do
	[ -e "$patch" ] || continue
	if ! out=$(g apply --cached --verbose "$patch" 2>&1); then
		echo "prepare-tree: error: patch ${patch#"$PATCHDIR"/} does not apply to the $BASE 7.3 base:" >&2
		echo "$out" | grep -v '^Checking patch' | sed 's/^/    /' >&2
		exit 1
	fi
	p=$((p + 1))
done

tree=$(g write-tree)
commit=$(g commit-tree -p base -m "base + overlay ($n files) + $p patches" "$tree")
unset GIT_INDEX_FILE

wt=$SRCDIR/patched
if [ ! -e "$wt/.git" ]; then
	rm -rf "$wt"
	g worktree prune
	g worktree add -q --detach "$wt" "$commit"
else
	git -C "$wt" checkout -q -f --detach "$commit"
	git -C "$wt" clean -q -f -d -x -e '*.o' > /dev/null
fi
say "patched tree: $n overlay files, $p patches ($((SECONDS - start)) s)"
