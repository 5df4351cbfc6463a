#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - the whole test suite (make check).
#
# Usage: check.sh VARIANT...
#
# 1. host: cargo test of the runner, and the pipeline's own failure-path tests;
# 2. every variant: kernel, selftests, boot, KUnit + selftest results;
# 3. cross-variant: Rust symbols instead of the C they replace (nm), and the
#    clone3 errno matrix identical in every variant;
# 4. the rust kernel as a Debian package: its contents, and its image booted;
# then one summary whose last line is "N passed, N failed, N skipped" and
# whose exit status is non-zero on any failure.  The summary starts with the
# effective settings and checks every variant against configs/expected.tsv
# (the suites it must report, their case counts, the skips allowed).
#
# Environment that narrows what is tested (printed in the summary; refused,
# before anything runs, when CI=true): VARIANTS other than the default (the
# arguments), ONLY, TESTLIST, APPEND (read by variant.sh), CHECK_BENCH other
# than 1, BENCH_VARIANTS (read by bench.sh).  Also printed: BOOT_TIMEOUT,
# ICOUNT, KSRC.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
RUNNER=$top/runner/target/release/runner
variants=("$@")
host=$top/out/host

# The effective settings, and those that reduce coverage.
DEFAULT_VARIANTS="upstream c rust debug rust-arm64"   # the Makefile's VARIANTS
DEFAULT_BENCH_VARIANTS="upstream c rust"   # bench.sh's
sorted() { printf '%s\n' $1 | sort -u | paste -sd' '; }
settings=() reduced=()
setting() { # NAME VALUE REDUCES(0/1) [NOTE]
	local line="$1=$2${4:+ ($4)}"
	if [ "$3" = 1 ]; then line="$line: reduces coverage"; reduced+=("$1=$2"); fi
	settings+=(--setting "$line")
}
v_reduced=0
[ "$(sorted "${variants[*]}")" = "$(sorted "$DEFAULT_VARIANTS")" ] || v_reduced=1
setting VARIANTS "${variants[*]}" $v_reduced "$([ $v_reduced = 1 ] && echo "default: $DEFAULT_VARIANTS" || echo default)"
if [ -n "${ONLY:-}" ]; then setting ONLY "$ONLY" 1; else setting ONLY "" 0 "unset: every selftest"; fi
if [ -n "${TESTLIST:-}" ]; then setting TESTLIST "$TESTLIST" 1; else setting TESTLIST "" 0 "unset: the built list"; fi
if [ -n "${APPEND:-}" ]; then setting APPEND "$APPEND" 1; else setting APPEND "" 0 unset; fi
if [ "${CHECK_BENCH:-1}" = 1 ]; then setting CHECK_BENCH 1 0 "$([ -n "${CHECK_BENCH:-}" ] || echo default)"
else setting CHECK_BENCH "$CHECK_BENCH" 1; fi
if [ -z "${BENCH_VARIANTS:-}" ]; then setting BENCH_VARIANTS "$DEFAULT_BENCH_VARIANTS" 0 default
elif [ "$(sorted "$BENCH_VARIANTS")" = "$(sorted "$DEFAULT_BENCH_VARIANTS")" ]; then setting BENCH_VARIANTS "$BENCH_VARIANTS" 0
else setting BENCH_VARIANTS "$BENCH_VARIANTS" 1 "default: $DEFAULT_BENCH_VARIANTS"; fi
setting BOOT_TIMEOUT "${BOOT_TIMEOUT:-1200}" 0 "$([ -n "${BOOT_TIMEOUT:-}" ] || echo "default, seconds")"
setting ICOUNT "${ICOUNT:-}" 0 "$([ -n "${ICOUNT:-}" ] || echo "unset: plain TCG")"
setting BASE "${BASE:-debian}" 0 "$([ -n "${BASE:-}" ] || echo "default: Debian's linux-source package and patches/debian")"
setting KSRC "${KSRC:-}" 0 "$([ -n "${KSRC:-}" ] || echo "unset: the base's package")"
setting CI "${CI:-}" 0 "$([ -n "${CI:-}" ] || echo unset)"
echo "check: settings"
for ((i = 1; i < ${#settings[@]}; i += 2)); do echo "  ${settings[i]}"; done
if [ "${CI:-}" = true ] && [ ${#reduced[@]} -gt 0 ]; then
	echo "check: CI=true: refusing settings that reduce coverage: ${reduced[*]}" >&2
	echo "check: CI runs the whole suite; unset them (VARIANTS: $DEFAULT_VARIANTS)" >&2
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi

# The checks read out/VARIANT, the default base's results: another base is for
# make test BASE=... (out/VARIANT-BASE), not for this suite.
if [ "${BASE:-debian}" != debian ]; then
	echo "check: BASE=$BASE: make check runs the default base (debian); use make test BASE=$BASE VARIANT=..." >&2
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi

mkdir -p "$host"
t0=$SECONDS
mmss() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }
# Each step, when the next begins: one status line with its time, the total so
# far and what is left by the last run's step times (out/host/steps.tsv).
steps_now=$host/steps.tsv steps_last=$host/steps.last.tsv
if [ -s "$steps_now" ]; then mv "$steps_now" "$steps_last"; fi
: > "$steps_now"
cur=
step() {
	if [ -n "$cur" ]; then
		local took=$((SECONDS - cur_start)) left
		printf '%s\t%s\n' "$cur" "$took" >> "$steps_now"
		left=$(awk -F'\t' 'NR == FNR { done[$1] = 1; next } !($1 in done) { s += $2; n++ }
			END { if (n) print s }' "$steps_now" "$steps_last" 2> /dev/null)
		[ -z "$left" ] || left=", about $(mmss "$left") left by the last run's step times"
		echo "check: $cur: done in $(mmss $took), $(mmss $((SECONDS - t0))) so far$left"
	fi
	cur=$1 cur_start=$SECONDS
	echo; echo "=== $1 ($(mmss $((SECONDS - t0))))"
}

step "host: cargo test (runner)"
cargo build -q --locked --offline --release --manifest-path runner/Cargo.toml ||
	{ echo "check: cannot build the runner" >&2; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
# The exit status goes into the file: a test binary that crashes or does not
# build leaves no failing `test result:` line (runner summary --host reads it).
cargo test --locked --offline --manifest-path runner/Cargo.toml > "$host/cargo-test.txt" 2>&1
echo "cargo test exit status: $?" >> "$host/cargo-test.txt"
grep -E '^test result:|^cargo test exit status:' "$host/cargo-test.txt"

step "host: pipeline failure paths"
scripts/tests/run.sh > "$host/pipeline.log" 2>&1
"$RUNNER" parse --log "$host/pipeline.log" --variant host --out "$host/pipeline.json" | tail -n 1

results=()
booted=()
for v in "${variants[@]}"; do
	start=$SECONDS
	step "variant $v"
	if scripts/variant.sh "$v" test; then
		booted+=("$v")
	else
		echo "check: variant $v did not build or boot" >&2
		printf '##> suite-begin build/%s\n1..1\nnot ok 1 build of variant %s (see above)\n##> suite-end build/%s rc=1\n##> guest-exit: ok\n' \
			"$v" "$v" "$v" > "$host/build-$v.log"
		# (--matrix-out: an older matrix.tsv of this variant is removed, not compared.)
		"$RUNNER" parse --log "$host/build-$v.log" --variant "$v" --out "$top/out/$v/results.json" \
			--matrix-out "$top/out/$v/matrix.tsv" > /dev/null
	fi
	echo "  TIME    [$v] $((SECONDS - start)) s"
	results+=("$top/out/$v/results.json")
done

for v in "${variants[@]}"; do
	[ "$v" = rust ] || continue
	step "lint: clippy, rustfmt, rustdoc, checkpatch"
	scripts/lint.sh "$top/build/rust" > "$host/lint.log" 2>&1
	"$RUNNER" parse --log "$host/lint.log" --variant lint --out "$host/lint.json" | tail -n 1
	results+=("$host/lint.json")
done

# The benchmark gates (make bench-check), once upstream, c and rust are built
# and tested in this run; CHECK_BENCH=0 leaves them out.  Skipping is recorded.
in_run() { local x; for x in "${variants[@]}"; do [ "$x" = "$1" ] && return 0; done; return 1; }
bench_skip=
if [ "${CHECK_BENCH:-1}" != 1 ]; then
	bench_skip="CHECK_BENCH=${CHECK_BENCH}"
elif ! in_run upstream || ! in_run c || ! in_run rust; then
	bench_skip="needs the upstream, c and rust variants in this run"
else
	for v in upstream c rust; do
		[[ " ${booted[*]} " == *" $v "* ]] || bench_skip="variant $v did not build or boot"
	done
fi
if [ -n "$bench_skip" ]; then
	printf '##> suite-begin bench/check\n1..0 # SKIP %s\n##> suite-end bench/check rc=4\n##> guest-exit: ok\n' \
		"$bench_skip" > "$host/bench-skip.log"
	"$RUNNER" parse --log "$host/bench-skip.log" --variant bench --out "$host/bench.json" > /dev/null
	results+=("$host/bench.json")
else
	step "bench-check: rust vs c under qemu -icount"
	start=$SECONDS
	rm -f out/bench/bench-check.log
	scripts/bench.sh quick > "$host/bench.out" 2>&1
	tail -n 30 "$host/bench.out"
	if [ -f "$top/out/bench/bench-check.log" ]; then
		"$RUNNER" parse --log "$top/out/bench/bench-check.log" --variant bench --out "$host/bench.json" | tail -n 1
	else
		printf '##> suite-begin bench/check\n1..1\nnot ok 1 bench-check produced no results (see out/host/bench.out)\n##> suite-end bench/check rc=1\n##> guest-exit: ok\n' > "$host/bench-fail.log"
		"$RUNNER" parse --log "$host/bench-fail.log" --variant bench --out "$host/bench.json" > /dev/null
	fi
	results+=("$host/bench.json")
	echo "  TIME    [bench-check] $((SECONDS - start)) s"
fi

step "cross-variant checks"
scripts/check-variants.sh "${variants[@]}" > "$host/variants.log" 2>&1
"$RUNNER" parse --log "$host/variants.log" --variant cross --out "$host/variants.json" | tail -n 1

# A kernel a user can install: the rust kernel packaged by bindeb-pkg, the
# package checked and its image booted (scripts/deb.sh smoke).  After the
# cross-variant checks: packaging relinks build/rust/vmlinux (its version).
deb_run=0
if in_run rust; then
	deb_run=1
	step "deb: the rust kernel as a Debian package, booted"
	scripts/deb.sh smoke > "$host/deb.out" 2>&1
	tail -n 5 "$host/deb.out"
	if [ -f out/deb/smoke.log ]; then
		"$RUNNER" parse --log out/deb/smoke.log --variant deb --out out/deb/results.json | tail -n 1
	else
		printf '##> suite-begin deb/package\n1..1\nnot ok 1 deb.sh smoke wrote no log (see out/host/deb.out)\n##> suite-end deb/package rc=1\n##> guest-exit: ok\n' > "$host/deb-fail.log"
		mkdir -p out/deb
		"$RUNNER" parse --log "$host/deb-fail.log" --variant deb --out out/deb/results.json > /dev/null
	fi
	results+=("$top/out/deb/results.json")
fi

# Every part this run was to report must have results: a results file left out
# of the list below, or one of the wrong variant, fails the summary.
required=(--require host --require cross --require bench)
for v in "${variants[@]}"; do
	required+=(--require "$v")
	[ "$v" = rust ] && required+=(--require lint)
done
[ $deb_run = 0 ] || required+=(--require deb)

step "summary (total $(mmss $((SECONDS - t0))))"
exec "$RUNNER" summary "${settings[@]}" "${required[@]}" --expect "$top/configs/expected.tsv" \
	--host "$host/cargo-test.txt" "$host/pipeline.json" "${results[@]}" "$host/variants.json"
