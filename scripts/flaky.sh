#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# flaky.sh - a flake hunt (make flaky): one variant built once and booted RUNS
# times with every selftest and KUnit, to find the tests whose result is not
# the same from one boot to the next.
#
# Usage: flaky.sh VARIANT RUNS
#   run 1 is `variant.sh VARIANT test` (build, boot, test), runs 2..RUNS are
#   `variant.sh VARIANT boot` (the same kernel and selftests, booted again).
#   After each run its out/VARIANT/results.json and console.log are kept as
#   out/flaky/VARIANT/run-N.json and run-N.log; then `runner flaky` compares
#   the runs: out/flaky/VARIANT/flaky.tsv (every test, its outcome per run)
#   and flaky.txt (the tests whose outcome changed, with the failures' reasons).
# The environment of variant.sh applies (ONLY, TESTLIST, APPEND, BOOT_TIMEOUT...).
# Exit status: runner flaky's (0 no test changed, 1 some did, 2 bad input);
# 2 for bad arguments, non-zero if a build or a boot step fails.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
RUNNER=$top/runner/target/release/runner
variant=${1:?usage: flaky.sh VARIANT RUNS}
runs=${2:?usage: flaky.sh VARIANT RUNS}

die() { echo "flaky: $*" >&2; exit 2; }
case $variant in
'' | *[!a-z0-9-]*) die "bad variant name '$variant'" ;;
esac
[[ $runs =~ ^[0-9]+$ ]] && [ "$runs" -ge 2 ] ||
	die "RUNS must be a number of at least 2, got '$runs' (a flake hunt with one run proves nothing)"

# Relative paths, so that flaky.txt names the runs as out/flaky/VARIANT/run-N.json.
out=out/$variant
dir=out/flaky/$variant
mkdir -p "$dir"
rm -f "$dir"/run-*.json "$dir"/run-*.log "$dir/flaky.tsv" "$dir/flaky.txt"

t0=$SECONDS
jsons=()
for i in $(seq 1 "$runs"); do
	start=$SECONDS
	if [ "$i" = 1 ]; then
		"$top/scripts/variant.sh" "$variant" test
	else
		"$top/scripts/variant.sh" "$variant" boot
	fi
	# variant.sh exits 0 only once runner parse has written results.json (a crash
	# or timeout of the guest is in it); a build or boot step failure stops here.
	cp "$out/results.json" "$dir/run-$i.json"
	cp "$out/console.log" "$dir/run-$i.log"
	jsons+=("$dir/run-$i.json")
	# The last line of the summary: "N passed, N failed, N skipped" (splats count as failures).
	totals=$("$RUNNER" summary "$dir/run-$i.json" | tail -n 1) || true
	echo "  FLAKY   [$variant] run $i/$runs: $((SECONDS - start)) s, $totals ($dir/run-$i.json)"
done

echo "  FLAKY   [$variant] $runs runs in $(( (SECONDS - t0) / 60 ))m$(( (SECONDS - t0) % 60 ))s; comparing"
rc=0
"$RUNNER" flaky --out-dir "$dir" "${jsons[@]}" || rc=$?
echo "per-test table: $dir/flaky.tsv; report: $dir/flaky.txt"
exit $rc
