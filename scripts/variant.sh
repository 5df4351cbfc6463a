#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# variant.sh - one kernel variant, end to end: source tree, config, kernel,
# selftests, initramfs, boot under QEMU, results.
#
# Usage: variant.sh VARIANT kernel|selftests|test|boot|run [CMD]
# Environment: BOOT_TIMEOUT, ICOUNT, ONLY (regex of the tests to run), TESTLIST
# (a test list to use instead of the built one), APPEND (kernel arguments).
#   kernel     configure and build out/VARIANT/bzImage (Image on arm64)
#   selftests  build the selftests against the variant's headers
#   test       all of the above, boot, run every selftest and KUnit, write
#              out/VARIANT/console.log and out/VARIANT/results.json (and
#              matrix.tsv, kunit.json and ktap/: see boot_and_parse)
#   boot       what test does after the build, with the kernel and selftests
#              already built (no source, kernel or selftest step): boot again
#   run        boot into a shell, or run CMD (a shell command) in the guest
#
# Variants: upstream (the unmodified 7.3 tree), c (patched, C implementation),
# rust (patched, Rust implementation), debug (rust + the kernel's checkers),
# debug-c (c + the same checkers, to tell the port's bugs from upstream's).
# With the suffix -arm64 (rust-arm64, c-arm64, upstream-arm64): the same
# kernel for arm64, cross-built and booted under qemu-system-aarch64.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
variant=${1:?usage: variant.sh VARIANT kernel|selftests|test|boot|run [CMD]}
what=${2:-test}
RUNNER=$top/runner/target/release/runner
BOOT_TIMEOUT=${BOOT_TIMEOUT:-1200}
# BASE (scripts/base.sh): the tree, and the build and output directories.
. "$top/scripts/base.sh"
. "$top/scripts/arch.sh"
arch_setup "$variant" || { echo "variant.sh: no userspace for $variant's architecture" >&2; exit 1; }
out=$top/out/$variant$base_suffix
build=$top/build/$variant$base_suffix
srcdir=$top/build/src$base_suffix

case $kvariant in
upstream) src=$srcdir/base; frags=(base "$karch" upstream) ;;
c | rust) src=$srcdir/patched; frags=(base "$karch" "$kvariant") ;;
debug) src=$srcdir/patched; frags=(base "$karch" rust debug) ;;
debug-c) src=$srcdir/patched; frags=(base "$karch" c debug) ;;
*) echo "variant.sh: unknown variant '$variant' (upstream, c, rust, debug, debug-c; -arm64 for arm64)" >&2; exit 2 ;;
esac
fragfiles=()
for f in "${frags[@]}"; do fragfiles+=("$top/configs/$f.config"); done
# Kernel command line additions of a variant, if any (configs/VARIANT.cmdline).
# possible_cpus=2: tinyconfig has no ACPI, so without it every one of NR_CPUS
# counts as possible (per-CPU areas and pid_max are sized for them).
append="possible_cpus=2"
cmdline=$top/configs/${kvariant%-c}.cmdline
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
	[ -f "$top/configs/${kvariant%-c}.tests" ] && override=(--override "$top/configs/${kvariant%-c}.tests")
	[ -n "${TESTLIST:-}" ] && override+=(--list "$TESTLIST")
	BUSYBOX=$busybox "$top/scripts/mkinitramfs.sh" "$build" "$build/selftests" "$build/initramfs.cpio" \
		--only "${ONLY:-.}" "${override[@]}"
	echo "  BOOT    [$variant] QEMU $karch (TCG), timeout ${BOOT_TIMEOUT} s; console: ${out#"$top"/}/console.log"
	"$RUNNER" boot --arch "$qemu_arch" --kernel "$out/$image" --initrd "$build/initramfs.cpio" --log "$out/console.log" \
		--timeout "$BOOT_TIMEOUT" --append "$append" ${ICOUNT:+--icount} --quiet || rc=$?
	# Besides results.json: each suite's KTAP as printed (out/VARIANT/ktap/), and
	# every suite in the JSON of the kernel's kunit.py (out/VARIANT/kunit.json).
	"$RUNNER" parse --log "$out/console.log" --variant "$variant" --out "$out/results.json" \
		--matrix-out "$out/matrix.tsv" --ktap-dir "$out/ktap" --kunit-json "$out/kunit.json"
}

if [ "$what" = boot ]; then
	# Nothing is built here: a kernel or selftest build that is missing is an error.
	built() {
		[ -f "$1" ] && return 0
		echo "variant.sh: boot: no $2 (${1#"$top"/}); the boot step builds nothing:" \
			"run 'scripts/variant.sh $variant selftests' (or test) first" >&2
		exit 1
	}
	built "$out/$image" kernel
	built "$build/selftests/list" "built selftests"
	boot_and_parse
	exit 0
fi

if [ "$kvariant" = upstream ]; then
	"$top/scripts/prepare-tree.sh" pristine
else
	"$top/scripts/prepare-tree.sh" patched
fi
"$top/scripts/build-kernel.sh" "$variant" "$src" "$build" "$out" "${fragfiles[@]}"
[ "$what" = kernel ] && exit 0

# The selftests always come from the patched tree (upstream's plus the
# project's), built against this variant's headers.
"$top/scripts/prepare-tree.sh" patched > /dev/null
CROSS_COMPILE=$cross UCFLAGS=$ucflags ULDFLAGS=$uldflags \
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
		BUSYBOX=$busybox "$top/scripts/mkinitramfs.sh" "$build" "$build/selftests" "$build/run.cpio" --cmd "$build/cmd.sh"
		exec "$RUNNER" boot --arch "$qemu_arch" --kernel "$out/$image" --initrd "$build/run.cpio" --log "$out/run.log" \
			--timeout "$BOOT_TIMEOUT" --append "$append" ${ICOUNT:+--icount}
	fi
	BUSYBOX=$busybox "$top/scripts/mkinitramfs.sh" "$build" "$build/selftests" "$build/run.cpio" --shell
	exec "$RUNNER" boot --arch "$qemu_arch" --kernel "$out/$image" --initrd "$build/run.cpio" --interactive --append "$append"
	;;
esac
