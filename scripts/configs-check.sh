#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# configs-check.sh - make configs-check: the Kconfig combinations that the port
# allows must each configure, build and link vmlinux, and a kernel whose Rust
# bindings have a wrong layout must not build.
#
# Usage: configs-check.sh [CASE...]   (default: every case, in the order below)
#
# Every case is tinyconfig + configs/base.config + the case's own lines, built
# from the patched tree in one object directory, build/configs, one case after
# the other (incremental: only what a case's options change is rebuilt).  The
# case's options are verified in the final .config (a combination that Kconfig
# silently rewrote would prove nothing).
#
# Case bad-layout is the proof that the layout check can fail: the patched
# tree's rust/bindgen_parameters without the opaque-type line of patch 3 and
# CONFIG_SCHEDSTATS=n.  The build must fail, and its log must name a field of
# task_struct whose offset differs from C's.  The file is restored afterwards,
# whatever happens.
#
# Results: out/configs/configs.tsv (case, expectation, outcome, seconds) and
# out/configs/CASE.log; the last line is "N passed, N failed, N skipped".
# Exit status 0 only if every case met its expectation.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/kenv.sh"
RUNNER=${RUNNER:-$top/runner/target/release/runner}
src=$top/build/src/patched
build=$top/build/configs
out=$top/out/configs

# name | expectation (link or layout-error) | options on top of base.config, ";"-separated
cases="
rust-off|link|# CONFIG_RUST is not set
port-c|link|# CONFIG_CLONE_AUTOKILL_RUST is not set
port-rust-kunit|link|CONFIG_CLONE_AUTOKILL_RUST=y;CONFIG_CLONE_AUTOKILL_RUST_KUNIT_TEST=y
port-rust-no-test|link|CONFIG_CLONE_AUTOKILL_RUST=y;CONFIG_KUNIT=y;# CONFIG_CLONE_AUTOKILL_RUST_KUNIT_TEST is not set
kunit-off|link|CONFIG_CLONE_AUTOKILL_RUST=y;# CONFIG_KUNIT is not set
user-ns-off|link|CONFIG_CLONE_AUTOKILL_RUST=y;# CONFIG_USER_NS is not set
pid-ns-off|link|CONFIG_CLONE_AUTOKILL_RUST=y;# CONFIG_PID_NS is not set
schedstats-on|link|CONFIG_CLONE_AUTOKILL_RUST=y;CONFIG_SCHEDSTATS=y
bad-layout|layout-error|CONFIG_CLONE_AUTOKILL_RUST=y;# CONFIG_SCHEDSTATS is not set
"

die() { echo "configs-check: error: $*" >&2; exit 2; }
say() { echo "  CONFIGS $*"; }
kmake() { make -s -C "$src" O="$build" "${KMAKE_ARGS[@]}" "$@"; }

"$top/scripts/prepare-tree.sh" patched
mkdir -p "$build" "$out"

wanted=("$@")
known=$(sed -n 's/|.*//p' <<< "$cases" | tr '\n' ' ')
for w in "${wanted[@]}"; do
	[[ " $known " == *" $w "* ]] || die "unknown case '$w' (cases: $known)"
done

params=$src/rust/bindgen_parameters
restore_params() { [ -f "$params.configs-check" ] && mv -f "$params.configs-check" "$params"; true; }
trap restore_params EXIT

# One case: configure, verify, build vmlinux.  Prints the outcome word.
run_case() {
	local name=$1 want=$2 opts=$3 frag=$build/case.config log=$out/$1.log
	tr ';' '\n' <<< "$opts" > "$frag"
	{
		echo "# case $name: expect $want"
		cat "$frag"
	} > "$log"
	kmake tinyconfig >> "$log" 2>&1 || { echo config-failed; return; }
	(cd "$build" && "$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" \
		"$top/configs/base.config" "$top/configs/x86_64.config" "$frag") >> "$log" 2>&1 || { echo config-failed; return; }
	kmake olddefconfig >> "$log" 2>&1 || { echo config-failed; return; }
	"$RUNNER" verify-config "$build/.config" "$frag" >> "$log" 2>&1 || { echo options-dropped; return; }
	if [ "$want" = layout-error ]; then
		cp -p "$params" "$params.configs-check"
		grep -v '^--opaque-type sched_statistics$' "$params.configs-check" > "$params"
		cmp -s "$params" "$params.configs-check" &&
			{ restore_params; echo "no-opaque-line-to-remove"; return; }
	fi
	local rc=0
	kmake -j"$JOBS" vmlinux >> "$log" 2>&1 || rc=$?
	if [ "$want" = layout-error ]; then
		# The restored file is older than the bindings generated from the mutated one.
		restore_params
		rm -f "$build/rust/bindings/bindings_generated.rs"
	fi
	if [ "$want" = link ]; then
		if [ $rc = 0 ] && [ -f "$build/vmlinux" ]; then echo linked; else echo build-failed; fi
		return
	fi
	if [ $rc = 0 ]; then
		echo built-with-wrong-layout
	elif grep -q "bindgen's offset of task_struct\.[a-z_]* differs from C's" "$log"; then
		echo layout-error
	else
		echo failed-otherwise
	fi
}

printf 'case\texpect\toutcome\tseconds\n' > "$out/configs.tsv"
pass=0 fail=0 t0=$SECONDS
while IFS='|' read -r name want opts; do
	[ -n "$name" ] || continue
	if [ ${#wanted[@]} -gt 0 ] && [[ " ${wanted[*]} " != *" $name "* ]]; then continue; fi
	start=$SECONDS
	rm -f "$build/vmlinux"
	outcome=$(run_case "$name" "$want" "$opts")
	secs=$((SECONDS - start))
	printf '%s\t%s\t%s\t%s\n' "$name" "$want" "$outcome" "$secs" >> "$out/configs.tsv"
	expected=$want; [ "$want" = link ] && expected=linked
	if [ "$outcome" = "$expected" ]; then
		pass=$((pass + 1)); say "ok   $name: $outcome ($secs s)"
	else
		fail=$((fail + 1)); say "FAIL $name: $outcome, expected $expected ($secs s; log: out/configs/$name.log)"
		grep -E 'error|Error' "$out/$name.log" | head -n 8 >&2 || true
	fi
done <<< "$cases"
say "$((SECONDS - t0)) s in all; table: out/configs/configs.tsv"
echo "$pass passed, $fail failed, 0 skipped"
[ "$fail" = 0 ]
