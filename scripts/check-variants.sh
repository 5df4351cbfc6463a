#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-variants.sh - checks across kernel variants, printed as a KTAP suite
# between runner markers (read back with `runner parse`):
#   - the rust kernel links the Rust entry points and none of the C functions
#     they replace; the c kernel the other way round (nm via System.map);
#   - the clone3 errno matrix is identical in every variant;
#   - what an autokill pidfd shows in F_GETFL and fdinfo is identical.
# The suite always has the same 15 cases (configs/expected.tsv checks the
# count): what this run cannot check, because a variant is not in it, is a
# skip that says so; missing data of a variant that ran is a failure.
#
# Usage: check-variants.sh VARIANT...   (the variants that ran)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
RUNNER=$top/runner/target/release/runner
variants=("$@")
RUST_SYMS="rust_copy_process_check_flags rust_clone3_args_valid rust_clone_pidfd_flags
	   rust_clone_set_no_new_privs rust_clone_set_autoreap rust_pidfs_file_release"
# The C the Rust replaces, as far as it has symbols of its own in the c kernel.
C_SYMS="pidfs_file_release copy_process_check_flags clone3_args_valid clone3_stack_valid"

n=0
tests=()
ok() { n=$((n + 1)); tests+=("ok $n $1"); }
notok() { n=$((n + 1)); tests+=("not ok $n $1"); }
skip() { n=$((n + 1)); tests+=("ok $n $1 # SKIP $2"); }
# A diagnostic, kept just before the result it explains (the last one is its reason).
note() { local l; while IFS= read -r l; do tests+=("# $l"); done <<< "$1"; }
has() { grep -qE " [tTwW] $2\$" "$top/out/$1/System.map" 2>/dev/null; }
in_list() { local x; for x in "${variants[@]}"; do [ "$x" = "$1" ] && return 0; done; return 1; }

echo "##> suite-begin cross/variants"
# The rust kernel's symbols: 6 + 4 cases.
rust_map=$top/out/rust/System.map c_map=$top/out/c/System.map
for s in $RUST_SYMS; do
	if ! in_list rust; then
		skip "rust kernel has Rust symbol $s" "variant rust not in this run"
	elif [ ! -f "$rust_map" ]; then
		note "no ${rust_map#"$top"/}, although variant rust ran"
		notok "rust kernel has Rust symbol $s"
	elif has rust "$s"; then
		ok "rust kernel has Rust symbol $s"
	else
		notok "rust kernel has Rust symbol $s"
	fi
done
for s in $C_SYMS; do
	if ! in_list rust; then
		skip "rust kernel lacks C function $s" "variant rust not in this run"
	elif ! in_list c; then
		skip "rust kernel lacks C function $s" "variant c not in this run (it tells which C functions have symbols)"
	elif [ ! -f "$rust_map" ] || [ ! -f "$c_map" ]; then
		note "no System.map of variant rust or c, although both ran"
		notok "rust kernel lacks C function $s"
	elif ! has c "$s"; then
		skip "rust kernel lacks C function $s" "the c kernel has no symbol $s either (inlined)"
	elif has rust "$s"; then
		note "$s is still linked into the rust kernel"
		notok "rust kernel lacks C function $s"
	else
		ok "rust kernel lacks C function $s"
	fi
done
# The c kernel's: 2 cases.
if ! in_list c; then
	skip "c kernel links no Rust entry point" "variant c not in this run"
	skip "c kernel links pidfs_file_release" "variant c not in this run"
elif [ ! -f "$c_map" ]; then
	note "no ${c_map#"$top"/}, although variant c ran"
	notok "c kernel links no Rust entry point"
	note "no ${c_map#"$top"/}, although variant c ran"
	notok "c kernel links pidfs_file_release"
else
	bad=0
	for s in $RUST_SYMS; do has c "$s" && { bad=1; note "c kernel links $s"; }; done
	if [ $bad = 0 ]; then ok "c kernel links no Rust entry point"; else notok "c kernel links no Rust entry point"; fi
	if has c pidfs_file_release; then ok "c kernel links pidfs_file_release"; else notok "c kernel links pidfs_file_release"; fi
fi

# The errno matrix: 2 cases.  Every variant that ran must have produced one
# (runner parse removes a stale matrix.tsv), and matrix-diff checks that each
# is complete (131072 rows) and that they are identical.
args=() missing=()
for v in "${variants[@]}"; do
	if [ -f "$top/out/$v/matrix.tsv" ]; then args+=("$v=$top/out/$v/matrix.tsv"); else missing+=("$v"); fi
done
if [ ${#variants[@]} -lt 2 ]; then
	skip "clone3 errno matrix identical" "fewer than two variants in this run"
	skip "every variant that ran produced a matrix" "fewer than two variants in this run"
else
	if [ ${#args[@]} -lt 2 ]; then
		note "only ${#args[@]} of ${#variants[@]} variants produced a matrix: nothing to compare"
		notok "clone3 errno matrix identical across ${variants[*]}"
	# (Its lines say "runner matrix-diff:": runner parse takes "# matrix" for the matrix itself.)
	elif out=$("$RUNNER" matrix-diff "${args[@]}" 2>&1 | sed 's/^/runner /'); then
		note "$out"
		ok "clone3 errno matrix identical across ${variants[*]}"
	else
		# The headline (first line) last: it becomes the failure's reason.
		[ "$(echo "$out" | wc -l)" -gt 1 ] && note "$(echo "$out" | tail -n +2 | head -n 20)"
		note "$(echo "$out" | head -n 1)"
		notok "clone3 errno matrix identical across ${variants[*]}"
	fi
	if [ ${#missing[@]} = 0 ]; then
		ok "every variant that ran produced a matrix"
	else
		note "no matrix from ${missing[*]} (out/VARIANT/matrix.tsv)"
		notok "every variant that ran produced a matrix"
	fi
fi

# What an autokill pidfd looks like from userspace: 1 case, every variant that ran.
ref="" same=1 seen=0 silent=()
for v in "${variants[@]}"; do
	log=$top/out/$v/console.log
	cur=
	[ -f "$log" ] && cur=$(grep -a '# autokill-fdinfo: ' "$log" | sed 's/^.*# autokill-fdinfo: //' | tr -d '\r')
	[ -n "$cur" ] || { silent+=("$v"); continue; }
	seen=$((seen + 1))
	if [ -z "$ref" ]; then ref=$cur refv=$v
	elif [ "$cur" != "$ref" ]; then
		same=0
		note "$(diff <(echo "$ref") <(echo "$cur") | sed "s/^/$refv vs $v: /" | head -n 20)"
	fi
done
if [ ${#variants[@]} -lt 2 ]; then skip "autokill pidfd F_GETFL/fdinfo identical" "fewer than two variants in this run"
elif [ ${#silent[@]} -gt 0 ]; then
	note "no '# autokill-fdinfo:' line in the console of ${silent[*]}"
	notok "autokill pidfd F_GETFL/fdinfo identical across variants"
elif [ $same = 1 ]; then ok "autokill pidfd F_GETFL/fdinfo identical across $seen variants"
else note "the variants' autokill-fdinfo lines differ (above)"; notok "autokill pidfd F_GETFL/fdinfo identical across variants"; fi

echo "TAP version 13"
echo "1..$n"
printf '%s\n' "${tests[@]}"
echo "##> suite-end cross/variants rc=0"
echo "##> guest-exit: ok"
