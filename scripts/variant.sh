#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# variant.sh - one kernel variant, end to end: source tree, config, kernel,
# selftests, initramfs, boot under QEMU, results.
#
# Usage: variant.sh VARIANT kernel|selftests|test|boot|run [CMD]
# Environment: BOOT_TIMEOUT, ICOUNT, ONLY (regex of the tests to run), TESTLIST
# (a test list to use instead of the built one), APPEND (kernel arguments).
#   kernel     configure and build out/VARIANT/bzImage
#   selftests  build the selftests against the variant's headers
#   test       all of the above, boot, run every selftest and KUnit, write
#              out/VARIANT/console.log and out/VARIANT/results.json
#   boot       what test does after the build, with the kernel and selftests
#              already built (no source, kernel or selftest step): boot again
#   run        boot into a shell, or run CMD (a shell command) in the guest
#
# Variants: upstream (the unmodified 7.3 tree), c (patched, C implementation),
# rust (patched, Rust implementation), debug (rust + the kernel's checkers),
# debug-c (c + the same checkers, to tell the port's bugs from upstream's).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
variant=${1:?usage: variant.sh VARIANT kernel|selftests|test|boot|run [CMD]}
what=${2:-test}
RUNNER=$top/runner/target/release/runner
BOOT_TIMEOUT=${BOOT_TIMEOUT:-1200}
# BASE (scripts/base.sh): the tree, and the build and output directories.
. "$top/scripts/base.sh"
out=$top/out/$variant$base_suffix
build=$top/build/$variant$base_suffix
srcdir=$top/build/src$base_suffix

case $variant in
upstream) src=$srcdir/base; frags=(base upstream) ;;
c | rust) src=$srcdir/patched; frags=(base "$variant") ;;
debug) src=$srcdir/patched; frags=(base rust debug) ;;
debug-c) src=$srcdir/patched; frags=(base c debug) ;;
*) echo "variant.sh: unknown variant '$variant' (upstream, c, rust, debug, debug-c)" >&2; exit 2 ;;
esac
fragfiles=()
for f in "${frags[@]}"; do fragfiles+=("$top/configs/$f.config"); done
# Kernel command line additions of a variant, if any (configs/VARIANT.cmdline).
# possible_cpus=2: tinyconfig has no ACPI, so without it every one of NR_CPUS
# counts as possible (per-CPU areas and pid_max are sized for them).
append="possible_cpus=2"
cmdline=$top/configs/${variant%-c}.cmdline
if [ -f "$cmdline" ]; then
	append="$append $(grep -v '^#' "$cmdline" | tr '\n' ' ')"
fi
# APPEND: more kernel arguments; unknown KEY=VALUE ones reach /init's environment.
append="$append ${APPEND:-}"

case $what in
kernel | selftests | test | boot | run) ;;
*) echo "variant.sh: unknown step '$what' (kernel, selftests, test, boot, run)" >&2; exit 2 ;;
esac

# Steps test and boot: the initramfs with every selftest, one boot under QEMU, the
# console parsed into out/VARIANT/results.json.  A crash or timeout of the guest is
# a result (results.json says so), not a failure of this script.
boot_and_parse() {
	# configs/VARIANT.tests: per-variant test arguments, timeouts and skips.
	local override=() rc=0
	[ -f "$top/configs/${variant%-c}.tests" ] && override=(--override "$top/configs/${variant%-c}.tests")
	[ -n "${TESTLIST:-}" ] && override+=(--list "$TESTLIST")
	"$top/scripts/mkinitramfs.sh" "$build" "$build/selftests" "$build/initramfs.cpio" --only "${ONLY:-.}" \
		"${override[@]}"
	echo "  BOOT    [$variant] qemu-system-x86_64 (TCG), timeout ${BOOT_TIMEOUT} s; console: ${out#"$top"/}/console.log"
	"$RUNNER" boot --kernel "$out/bzImage" --initrd "$build/initramfs.cpio" --log "$out/console.log" \
		--timeout "$BOOT_TIMEOUT" --append "$append" ${ICOUNT:+--icount} --quiet || rc=$?
	"$RUNNER" parse --log "$out/console.log" --variant "$variant" --out "$out/results.json" \
		--matrix-out "$out/matrix.tsv"
}

if [ "$what" = boot ]; then
	# Nothing is built here: a kernel or selftest build that is missing is an error.
	built() {
		[ -f "$1" ] && return 0
		echo "variant.sh: boot: no $2 (${1#"$top"/}); the boot step builds nothing:" \
			"run 'scripts/variant.sh $variant selftests' (or test) first" >&2
		exit 1
	}
	built "$out/bzImage" kernel
	built "$build/selftests/list" "built selftests"
	boot_and_parse
	exit 0
fi

if [ "$variant" = upstream ]; then
	"$top/scripts/prepare-tree.sh" pristine
else
	"$top/scripts/prepare-tree.sh" patched
fi
"$top/scripts/build-kernel.sh" "$variant" "$src" "$build" "$out" "${fragfiles[@]}"
[ "$what" = kernel ] && exit 0

# The selftests always come from the patched tree (upstream's plus the
# project's), built against this variant's headers.
"$top/scripts/prepare-tree.sh" patched > /dev/null
"$top/scripts/build-selftests.sh" "$srcdir/patched" "$build/usr/include" "$build/selftests"
[ "$what" = selftests ] && exit 0

case $what in
test)
	boot_and_parse
	exit 0
	;;
run)
	if [ -n "${3:-}" ]; then
		printf '%s\n' "$3" > "$build/cmd.sh"
		"$top/scripts/mkinitramfs.sh" "$build" "$build/selftests" "$build/run.cpio" --cmd "$build/cmd.sh"
		exec "$RUNNER" boot --kernel "$out/bzImage" --initrd "$build/run.cpio" --log "$out/run.log" \
			--timeout "$BOOT_TIMEOUT" --append "$append" ${ICOUNT:+--icount}
	fi
	"$top/scripts/mkinitramfs.sh" "$build" "$build/selftests" "$build/run.cpio" --shell
	exec "$RUNNER" boot --kernel "$out/bzImage" --initrd "$build/run.cpio" --interactive --append "$append"
	;;
esac
