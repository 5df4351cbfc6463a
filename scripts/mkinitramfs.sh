#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh - the guest's initramfs, with the kernel's own usr/gen_init_cpio
# (no root, no host cpio), from initramfs/base.list plus the selftests.
#
# Usage: mkinitramfs.sh BUILD TESTS OUT.cpio [--cmd FILE | --shell] [--only REGEX] [--list FILE]
#                       [--override FILE]
#   BUILD  a kernel build directory (for usr/gen_init_cpio)
#   TESTS  output of build-selftests.sh
#   --override  lines that replace the test list's line of the same binary:
#               "DIR/BINARY TIMEOUT [ARGS...]" or "DIR/BINARY SKIP REASON"
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "$1") tests=$(realpath -m "$2") cpio=$(realpath -m "$3")
shift 3
extra=() only=. testlist= override=
while [ $# -gt 0 ]; do
	case $1 in
	--cmd) extra+=("file /cmd $(realpath "$2") 0644 0 0"); shift ;;
	--shell) extra+=("file /shell /dev/null 0644 0 0") ;;
	--only) only=$2; shift ;;
	--list) testlist=$(realpath "$2"); shift ;;
	--override) override=$(realpath -e "$2") || { echo "mkinitramfs: no file $2" >&2; exit 2; }; shift ;;
	*) echo "mkinitramfs: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

die() { echo "mkinitramfs: error: $*" >&2; exit 1; }
gen=$build/usr/gen_init_cpio
if [ ! -x "$gen" ]; then
	# A host tool: built with the host's compiler whatever the kernel's ARCH.
	mkdir -p "$build/usr"
	cc -O2 -o "$gen" "$(readlink -f "$build/source")/usr/gen_init_cpio.c" ||
		die "cannot build usr/gen_init_cpio"
fi
export BUSYBOX=${BUSYBOX:-/bin/busybox} INITRAMFS_DIR=$top/initramfs
[ -x "$BUSYBOX" ] || die "$BUSYBOX missing (Debian package busybox-static)"
command -v file > /dev/null && file "$BUSYBOX" 2>/dev/null | grep -q 'dynamically' && die "$BUSYBOX is not static (Debian package busybox-static)"

# An override for a binary that was not built is a mistake, not a no-op.
if [ -n "$override" ]; then
	for t in $(grep -v '^#' "$override" | awk 'NF > 1 { print $1 }'); do
		grep -q "^$t\( \|\$\)" "$tests/list" || die "$override: $t is not a built test"
	done
fi

list=$cpio.list
{
	cat "$top/initramfs/base.list"
	{ grep -E "$only" "${testlist:-$tests/list}" || [ $? = 1 ]; } |
		awk -v override="$override" '
			BEGIN {
				while (override != "" && (r = getline l < override) > 0)
					if (l !~ /^#/ && split(l, w, " ") > 1)
						line[w[1]] = l
				if (r < 0) { print "mkinitramfs: cannot read " override > "/dev/stderr"; exit 1 }
			}
			$1 in line { print line[$1]; next }
			{ print }' > "$cpio.tests" || die "cannot write the test list $cpio.tests"
	echo "file /tests/list $cpio.tests 0644 0 0"
	for d in $(cut -d/ -f1 "$tests/list" | sort -u); do
		echo "dir /tests/$d 0755 0 0"
		for f in "$tests/$d"/*; do
			[ -f "$f" ] && [ -x "$f" ] && echo "file /tests/$d/$(basename "$f") $f 0755 0 0"
		done
	done
	for l in "${extra[@]}"; do echo "$l"; done
} > "$list"
"$gen" "$list" > "$cpio" || die "gen_init_cpio failed on $list"
