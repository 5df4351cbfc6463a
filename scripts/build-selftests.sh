#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-selftests.sh - build the guest's selftests, static, with kselftest's lib.mk.
#
# Usage: build-selftests.sh SRC HDRS OUT
#   SRC   the patched tree (upstream's selftests plus the project's)
#   HDRS  the variant's installed UAPI headers (BUILD/usr/include)
#   OUT   output directory: OUT/<dir>/<binary> and OUT/list (one "dir/binary" a line)
set -euo pipefail

src=$(realpath -m "$1") hdrs=$(realpath -m "$2") out=$(realpath -m "$3")
DIRS=${SELFTEST_DIRS:-pidfd clone3}

die() { echo "build-selftests: error: $*" >&2; exit 1; }
[ -d "$hdrs/linux" ] || die "no installed headers at $hdrs (make headers_install)"

start=$SECONDS
mkdir -p "$out"
: > "$out/list.new"
for d in $DIRS; do
	sd=$src/tools/testing/selftests/$d
	[ -d "$sd" ] || die "no selftest directory $sd"
	mkdir -p "$out/$d"
	# lib.mk: KHDR_INCLUDES points at this variant's headers; -static because
	# the guest has no C library.
	if ! make -s -C "$sd" OUTPUT="$out/$d" KHDR_INCLUDES="-isystem $hdrs" LDFLAGS=-static \
		> "$out/$d.log" 2>&1; then
		grep -E 'error|warning' "$out/$d.log" | head -n 30 >&2
		die "selftests in $d failed to build (log: $out/$d.log)"
	fi
	if grep -q 'warning:' "$out/$d.log"; then
		echo "  TESTS   warnings in $d:" >&2
		grep 'warning:' "$out/$d.log" | sed 's/^/    /' >&2
	fi
	make -s --no-print-directory -C "$sd" COLLECTION="$d" emit_tests | sed 's|:|/|' >> "$out/list.new"
done
mv "$out/list.new" "$out/list"
echo "  TESTS   $(wc -l < "$out/list") selftest binaries (${DIRS// /, }) built in $((SECONDS - start)) s"
