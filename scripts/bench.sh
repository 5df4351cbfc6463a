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
# only), running pidfd_autokill_bench.  `runner bench` prints the table, writes
# out/bench/{results.json,bench.svg,table.txt} and, for `quick` (make
# bench-check), checks rust/c <= 1.005 on ops 1-5 and that the two icount
# boots agree within 0.2 %.
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
		log=$out/$v-$run.log
		flags=()
		[ "$run" != tcg ] && flags=(--icount --smp 1)
		echo "  BENCH   [$v] $run"
		"$RUNNER" boot --kernel "$top/out/$v/bzImage" --initrd "$b/bench.cpio" --log "$log" \
			--timeout 1800 --append "possible_cpus=2 nokaslr norandmaps" --quiet "${flags[@]}" ||
			echo "bench: boot of $v ($run) failed; see $log" >&2
	done
	logs+=("$v:icount=$out/$v-icount.log")
	[ "$mode" = quick ] || logs+=("$v:tcg=$out/$v-tcg.log")
done

# The second icount boot must repeat the first exactly: a broken measurement is
# a failure, not a number.
# Ops 1-5 are gated: their fastest repeat must agree within 0.2 % between the
# two icount boots.  (The fastest: timer interrupts and scheduling only add.)
GATED="fork_exit_wait clone3_einval autoreap_spawn autokill_close pidfd_open_close"
rep=0 n=0 tap=()
for v in $VARIANTS; do
	for op in $GATED; do
		m1=$(grep -a "^# bench: op=$op " "$out/$v-icount.log" | sed 's/.* min_ns=\([0-9.]*\).*/\1/' || true)
		m2=$(grep -a "^# bench: op=$op " "$out/$v-icount2.log" | sed 's/.* min_ns=\([0-9.]*\).*/\1/' || true)
		n=$((n + 1))
		name="icount boots agree within 0.2% for $op on $v"
		if [ -z "$m1" ] && [ -z "$m2" ] && grep -aq "ok [0-9]* $op # SKIP" "$out/$v-icount.log"; then
			tap+=("ok $n $name # SKIP $(grep -a "ok [0-9]* $op # SKIP" "$out/$v-icount.log" | sed 's/.*# SKIP //')")
		elif [ -n "$m1" ] && [ -n "$m2" ] &&
		     awk -v a="$m1" -v b="$m2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 0.002 * a) }'; then
			tap+=("ok $n $name")
		else
			tap+=("# $op on $v: fastest repeat ${m1:-none} ns in the first boot, ${m2:-none} in the second")
			tap+=("not ok $n $name")
			rep=1
		fi
	done
done
{
	echo "##> suite-begin bench/repeat"
	echo "TAP version 13"
	echo "1..$n"
	printf '%s\n' "${tap[@]}"
	echo "##> suite-end bench/repeat rc=$rep"
	echo "##> guest-exit: ok"
} > "$out/repeat-check.log"

meta=(--meta "kernel=$(cat "$top/build/src/base/.source-version" 2> /dev/null || echo '?')"
      --meta "config=tinyconfig + configs/base.config + configs/<variant>.config (CC_OPTIMIZE_FOR_PERFORMANCE)"
      --meta "qemu=$(qemu-system-x86_64 --version | head -n 1)"
      --meta "icount=-icount shift=0,align=off,sleep=off -smp 1 -cpu max,-rdrand,-rdseed nokaslr norandmaps"
      --meta "mode=$mode")
check=()
[ "$mode" = quick ] && check=(--check)
rc=0
"$RUNNER" bench --out-dir "$out" "${meta[@]}" "${check[@]}" "${logs[@]}" | tee "$out/table.txt" || rc=$?
echo "chart: out/bench/bench.svg; data: out/bench/results.json"
[ $rep = 0 ] || rc=1
exit $rc
