#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# userns-gate.sh - Debian's user-namespace gate, moved by patches/debian/ from
# copy_process() to kernel_clone(), gives the same errno for every clone3()
# call as in Debian's own place.  The matrix's unprivileged half runs with the
# sysctl at Debian's default (1) in make check, where the gate never fires;
# here upstream (Debian's kernel unmodified), c and rust boot with
# sysctl.kernel.unprivileged_userns_clone=0 and only pidfd_clone_matrix_test.
#
# Passes when the three matrices are identical, and each differs from its
# variant's default-run matrix (out/VARIANT/matrix.tsv, from make check) in the
# unprivileged half only (proof that the sysctl took effect).  Results in
# out/userns-gate/; out/VARIANT is left as it was.  GATE_VALUE=1 (the gate open,
# as in make check) must fail: the check that can fail.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
RUNNER=$top/runner/target/release/runner
res=$top/out/userns-gate
die() { echo "userns-gate: error: $*" >&2; exit 1; }
[ "${BASE:-debian}" = debian ] || die "the gate is Debian's: BASE=debian only"
mkdir -p "$res"
keep=$(mktemp -d)
trap 'for v in upstream c rust; do [ -d "$keep/$v" ] && { rm -rf "$top/out/$v"; mv "$keep/$v" "$top/out/$v"; }; done; rm -rf "$keep"' EXIT
for v in upstream c rust; do
	[ -f "$top/out/$v/matrix.tsv" ] || die "no out/$v/matrix.tsv: run make check (or make test VARIANT=$v) first"
	cp -a "$top/out/$v" "$keep/$v"
	echo "  GATE    [$v] booting with sysctl.kernel.unprivileged_userns_clone=${GATE_VALUE:-0}"
	APPEND=sysctl.kernel.unprivileged_userns_clone=${GATE_VALUE:-0} ONLY=pidfd_clone_matrix_test \
		"$top/scripts/variant.sh" "$v" boot > "$res/$v.boot.log" 2>&1 || die "boot of $v failed (log: $res/$v.boot.log)"
	cp "$top/out/$v/console.log" "$res/$v.console.log"
	[ -f "$top/out/$v/matrix.tsv" ] || die "$v printed no matrix (console: $res/$v.console.log)"
	cp "$top/out/$v/matrix.tsv" "$res/$v.tsv"
done
rc=0
"$RUNNER" matrix-diff upstream="$res/upstream.tsv" c="$res/c.tsv" rust="$res/rust.tsv" || rc=1
for v in upstream c rust; do
	# Rows of the default run against the gated one: index, default, gated.
	changed=$(join -t "$(printf '\t')" <(awk -F'\t' '$1 ~ /^[0-9]+$/' "$keep/$v/matrix.tsv" | sort) \
		<(awk -F'\t' '$1 ~ /^[0-9]+$/' "$res/$v.tsv" | sort) | awk -F'\t' '$2 != $3')
	priv=$(awk -F'\t' '$1 < 65536' <<< "$changed" | grep -c . || true)
	unpriv=$(awk -F'\t' '$1 >= 65536' <<< "$changed" | grep -c . || true)
	echo "userns-gate: $v: $unpriv unprivileged rows changed by the gate, $priv privileged"
	if [ "$unpriv" = 0 ] || [ "$priv" != 0 ]; then
		echo "userns-gate: $v: the sysctl did not act on the unprivileged half alone" >&2
		rc=1
	fi
done
[ $rc = 0 ] && echo "userns-gate: the moved gate gives Debian's results in every variant"
exit $rc
