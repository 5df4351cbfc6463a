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
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
RUNNER=$top/runner/target/release/runner
mode=${1:-full}
VARIANTS=${BENCH_VARIANTS:-upstream c rust}
out=$top/out/bench
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
	"$top/scripts/variant.sh" "$v" selftests
	b=$top/build/$v
	echo "pidfd/pidfd_autokill_bench 1800 $args" > "$b/bench.list"
	"$top/scripts/mkinitramfs.sh" "$b" "$b/selftests" "$b/bench.cpio" --list "$b/bench.list"
	for run in "${runs[@]}"; do
		# The run names are runner bench's modes: icount, icount2 (the
		# repeat, for the gates only) and tcg.
		log=$out/$v-$run.log
		flags=()
		[ "$run" != tcg ] && flags=(--icount --smp 1)
		echo "  BENCH   [$v] $run"
		# An earlier run's log must not stand in for a boot that wrote none.
		rm -f "$log"
		"$RUNNER" boot --kernel "$top/out/$v/bzImage" --initrd "$b/bench.cpio" --log "$log" \
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
      --meta "config=tinyconfig + configs/base.config + configs/<variant>.config (CC_OPTIMIZE_FOR_PERFORMANCE)"
      --meta "qemu=$(qemu-system-x86_64 --version | head -n 1)"
      --meta "icount=-icount shift=0,align=off,sleep=off -smp 1 -cpu max,-rdrand,-rdseed nokaslr norandmaps"
      --meta "mode=$mode")
rc=0
"$RUNNER" bench --out-dir "$out" "${meta[@]}" --check "${logs[@]}" | tee "$out/table.txt" || rc=$?
echo "chart: out/bench/bench.svg; data: out/bench/results.json; gates: out/bench/bench-check.log"
exit $rc
