#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh - the Rust port against upstream's C, side by side (make bench).
#
# Usage: bench.sh [quick]
#
# Each variant (upstream, c, rust) boots twice under QEMU -icount
# (shift=0, align=off, sleep=off: the guest clock counts instructions, so
# numbers repeat exactly; one vCPU, no KASLR, no RDRAND, for the same reason)
# and, except for `quick`, once under plain TCG (wall clock, for orientation
# only), running pidfd_autokill_bench.  `runner bench --check` prints the
# table, writes out/bench/{results.json,bench.svg,table.txt,bench-check.log}
# and gates every run (see `runner --help`): each boot is clean (the guest's
# final line, no kernel splat, no `not ok`), ops 1-5 have a result or skip for
# c and rust with rust/c <= 1.005 (<= 1.03 for the three that fork and kill:
# see runner/src/bench.rs), and the fastest repeat of ops 1-5 agrees
# within 0.2 % between the two icount boots of each variant (a broken
# measurement is a failure, not a number).  `quick` (make bench-check) runs
# ops 1-5 only, with fewer iterations, and no TCG boot.
#
# ARCH=arm64 (make bench ARCH=arm64): the c and rust variants built for arm64
# (c-arm64, rust-arm64), booted under qemu-system-aarch64 the same way, gated
# the same way; results in out/bench-arm64.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
RUNNER=$top/runner/target/release/runner
bench_arch=${ARCH:-x86_64}
. "$top/scripts/arch.sh"
mode=${1:-full}
case $bench_arch in
x86_64 | x86) VARIANTS=${BENCH_VARIANTS:-upstream c rust} sfx= out=$top/out/bench ;;
arm64) VARIANTS=${BENCH_VARIANTS:-c rust} sfx=-arm64 out=$top/out/bench-arm64 ;;
*) echo "bench: ARCH=$bench_arch: x86_64 or arm64" >&2; exit 2 ;;
esac
mkdir -p "$out"
args=""
runs=(icount icount2 tcg)
if [ "$mode" = quick ]; then
	# The gated ops only, fewer iterations, and no wall-clock boot.
	args="-q -o fork_exit_wait,clone3_einval,autoreap_spawn,autokill_close,pidfd_open_close"
	runs=(icount icount2)
fi

logs=()
for v in $VARIANTS; do
	# (The log's label is the variant without its architecture: the gates
	# compare c and rust.)
	"$top/scripts/variant.sh" "$v$sfx" selftests
	arch_setup "$v$sfx"
	b=$top/build/$v$sfx
	echo "pidfd/pidfd_autokill_bench 1800 $args" > "$b/bench.list"
	BUSYBOX=$busybox "$top/scripts/mkinitramfs.sh" "$b" "$b/selftests" "$b/bench.cpio" --list "$b/bench.list"
	for run in "${runs[@]}"; do
		# The run names are runner bench's modes: icount, icount2 (the
		# repeat, for the gates only) and tcg.
		log=$out/$v-$run.log
		flags=()
		[ "$run" != tcg ] && flags=(--icount --smp 1)
		echo "  BENCH   [$v$sfx] $run"
		# An earlier run's log must not stand in for a boot that wrote none.
		rm -f "$log"
		"$RUNNER" boot --arch "$qemu_arch" --kernel "$top/out/$v$sfx/$image" --initrd "$b/bench.cpio" --log "$log" \
			--timeout 1800 --append "possible_cpus=2 nokaslr norandmaps" --quiet "${flags[@]}" ||
			echo "bench: boot of $v ($run) failed; see $log" >&2
		# runner bench --check fails a log without the guest's final line.
		[ -s "$log" ] || echo "##> host: runner boot wrote no console log" > "$log"
		logs+=("$v:$run=$log")
	done
done
# The repeat check lives in runner bench now (suite bench/check).
rm -f "$out/repeat-check.log"

meta=(--meta "kernel=$(cat "$top/build/src/base/.source-version" 2> /dev/null || echo '?')"
      --meta "config=tinyconfig + configs/base.config + configs/<arch>.config + configs/<variant>.config (CC_OPTIMIZE_FOR_PERFORMANCE)"
      --meta "arch=$karch"
      --meta "qemu=$("$qemu_bin" --version | head -n 1)"
      --meta "icount=-icount shift=0,align=off,sleep=off -smp 1 -cpu $([ "$karch" = arm64 ] && echo cortex-a72 || echo max,-rdrand,-rdseed) -seed 1 nokaslr norandmaps"
      --meta "mode=$mode")
rc=0
"$RUNNER" bench --out-dir "$out" "${meta[@]}" --check "${logs[@]}" | tee "$out/table.txt" || rc=$?
r=${out#"$top"/}
echo "chart: $r/bench.svg; data: $r/results.json; gates: $r/bench-check.log"
exit $rc
