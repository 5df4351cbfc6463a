#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-selftests.sh - build the guest's selftests, static, with kselftest's lib.mk.
#
# Usage: build-selftests.sh SRC HDRS OUT
#   SRC   the patched tree (upstream's selftests plus the project's)
#   HDRS  the variant's installed UAPI headers (BUILD/usr/include)
#   OUT   output directory: OUT/<dir>/<binary> and OUT/list (one "dir/binary" a line);
#         OUT/demo: the pidfd samples autokill-run and autokill-demo
# Environment, for another architecture (scripts/arch.sh): CROSS_COMPILE (the
# compiler prefix), UCFLAGS and ULDFLAGS (a sysroot's headers and libraries).
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
	if ! make -s -C "$sd" OUTPUT="$out/$d" CROSS_COMPILE="${CROSS_COMPILE:-}" \
		KHDR_INCLUDES="-isystem $hdrs ${UCFLAGS:-}" LDFLAGS="-static ${ULDFLAGS:-}" \
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
# The pidfd samples: autokill-demo (which runs autokill-run) is the last suite.
mkdir -p "$out/demo"
for p in autokill-run autokill-demo; do
	if ! "${CROSS_COMPILE:-}gcc" -static -O2 -Wall -Wextra -isystem "$hdrs" -o "$out/demo/$p" \
		"$src/samples/pidfd/$p.c" -lpthread > "$out/demo/$p.log" 2>&1; then
		head -n 30 "$out/demo/$p.log" >&2
		die "samples/pidfd/$p.c failed to build (log: $out/demo/$p.log)"
	fi
	if grep -q 'warning:' "$out/demo/$p.log"; then
		echo "  TESTS   warnings in samples/pidfd/$p.c:" >&2
		sed 's/^/    /' "$out/demo/$p.log" >&2
	fi
done
echo "demo/autokill-demo" >> "$out/list.new"
mv "$out/list.new" "$out/list"
echo "  TESTS   $(wc -l < "$out/list") selftest binaries (${DIRS// /, }) built in $((SECONDS - start)) s"
