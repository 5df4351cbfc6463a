#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-variants.sh - checks across kernel variants, printed as a KTAP suite
# between runner markers (read back with `runner parse`):
#   - the rust kernel links the Rust entry points and none of the C functions
#     they replace; the c kernel the other way round (nm via System.map);
#   - the clone3 errno matrix is identical in every variant;
#   - what an autokill pidfd shows in F_GETFL and fdinfo is identical.
#
# Usage: check-variants.sh VARIANT...
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
has() { grep -qE " [tTwW] $2\$" "$top/out/$1/System.map" 2>/dev/null; }
in_list() { local x; for x in "${variants[@]}"; do [ "$x" = "$1" ] && return 0; done; return 1; }

echo "##> suite-begin cross/variants"
if in_list rust && [ -f "$top/out/rust/System.map" ]; then
	for s in $RUST_SYMS; do
		if has rust "$s"; then ok "rust kernel has Rust symbol $s"; else notok "rust kernel has Rust symbol $s"; fi
	done
	for s in $C_SYMS; do
		if ! has c "$s"; then
			skip "rust kernel lacks C function $s" "the c kernel has no symbol $s either (inlined)"
		elif has rust "$s"; then
			notok "rust kernel lacks C function $s"
			echo "# $s is still linked into the rust kernel"
		else
			ok "rust kernel lacks C function $s"
		fi
	done
else
	skip "symbols of the rust kernel" "variant rust not in this run"
fi
if in_list c && [ -f "$top/out/c/System.map" ]; then
	bad=0
	for s in $RUST_SYMS; do has c "$s" && { bad=1; echo "# c kernel links $s"; }; done
	if [ $bad = 0 ]; then ok "c kernel links no Rust entry point"; else notok "c kernel links no Rust entry point"; fi
	if has c pidfs_file_release; then ok "c kernel links pidfs_file_release"; else notok "c kernel links pidfs_file_release"; fi
fi

# The errno matrix.
args=()
for v in "${variants[@]}"; do
	[ -f "$top/out/$v/matrix.tsv" ] && args+=("$v=$top/out/$v/matrix.tsv")
done
if [ ${#args[@]} -ge 2 ]; then
	if out=$("$RUNNER" matrix-diff "${args[@]}" 2>&1); then
		echo "$out" | sed 's/^/# /'
		ok "clone3 errno matrix identical across ${variants[*]}"
	else
		echo "$out" | sed 's/^/# /'
		notok "clone3 errno matrix identical across ${variants[*]}"
	fi
	[ ${#args[@]} -eq ${#variants[@]} ] || notok "every variant produced a matrix (${#args[@]} of ${#variants[@]})"
else
	skip "clone3 errno matrix identical" "fewer than two variants produced a matrix"
fi

# What an autokill pidfd looks like from userspace.
ref="" same=1 seen=0
for v in "${variants[@]}"; do
	log=$top/out/$v/console.log
	[ -f "$log" ] || continue
	cur=$(grep -a '# autokill-fdinfo: ' "$log" | sed 's/^.*# autokill-fdinfo: //' | tr -d '\r')
	[ -n "$cur" ] || continue
	seen=$((seen + 1))
	if [ -z "$ref" ]; then ref=$cur refv=$v
	elif [ "$cur" != "$ref" ]; then
		same=0
		diff <(echo "$ref") <(echo "$cur") | sed "s/^/# $refv vs $v: /" | head -n 20
	fi
done
if [ $seen -lt 2 ]; then skip "autokill pidfd F_GETFL/fdinfo identical" "fewer than two variants reported it"
elif [ $same = 1 ]; then ok "autokill pidfd F_GETFL/fdinfo identical across $seen variants"
else notok "autokill pidfd F_GETFL/fdinfo identical across variants"; fi

echo "TAP version 13"
echo "1..$n"
printf '%s\n' "${tests[@]}"
echo "##> suite-end cross/variants rc=0"
echo "##> guest-exit: ok"
