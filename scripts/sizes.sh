#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sizes.sh - make sizes: the object sizes the README quotes, read from the
# built kernels, so that no figure about the code is typed by hand.
#
# Usage: sizes.sh [VARIANT...]   (default: upstream c rust; each must be built)
#
# Prints, and writes to out/sizes.txt:
#   - per variant, the size in bytes (nm -S) of the functions on the path the
#     feature changes: copy_process, __do_sys_clone3 (or what clang left of
#     clone3), pidfs_file_release, and in a kernel with the Rust port every
#     function of kernel/clone_autokill.rs and fs/pidfs_autokill.rs outside
#     its KUnit suite (the #[export]ed entry points, what they call out of
#     line, and out-of-line copies that only the KUnit suite calls);
#   - the text size of kernel/clone_autokill.o and fs/pidfs_autokill.o.
# A variant that is not built is an error that names the command to build it.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
export PATH=/usr/lib/llvm-19/bin:$PATH
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(upstream c rust)
out=$top/out/sizes.txt
mkdir -p "$top/out"

for tool in llvm-nm llvm-size; do
	command -v "$tool" > /dev/null ||
		{ echo "sizes: $tool not found (Debian package llvm-19)" >&2; exit 2; }
done

{
	for v in "${variants[@]}"; do
		vmlinux=$top/build/$v/vmlinux
		[ -f "$vmlinux" ] ||
			{ echo "sizes: no $vmlinux: run 'make kernel VARIANT=$v' first" >&2; exit 2; }
		echo "== $v (build/$v/vmlinux) =="
		printf '%-60s %6s\n' function bytes
		total=0
		# Demangled names; Rust functions of the port are named after their crate.
		while read -r hex name; do
			size=$((16#$hex))
			printf '%-60s %6d\n' "$name" "$size"
			case $name in
			rust_* | clone_autokill::* | pidfs_autokill::*) total=$((total + size)) ;;
			esac
		done < <(llvm-nm -S --demangle --defined-only "$vmlinux" |
			awk '$3 ~ /^[tT]$/ { name = $4; for (i = 5; i <= NF; i++) name = name " " $i;
				print $2, name }' |
			grep -E ' (copy_process|__do_sys_clone3|__x64_sys_clone3|pidfs_file_release|rust_(copy_process|clone|pidfs)[a-z0-9_]*|(clone_autokill|pidfs_autokill)::[^ ]*)$' |
			grep -v '::tests::' | sort -k2)
		[ "$total" = 0 ] || printf '%-60s %6d\n' "(the Rust port's functions, together)" "$total"
		for o in kernel/clone_autokill.o fs/pidfs_autokill.o; do
			[ -f "$top/build/$v/$o" ] || continue
			printf '%-60s %6d\n' "text of $o (with its KUnit suite, if built)" \
				"$(llvm-size -A "$top/build/$v/$o" | awk '$1 ~ /^\.text/ { s += $2 } END { print s }')"
		done
		echo
	done
} | tee "$out"
echo "written: out/sizes.txt"
