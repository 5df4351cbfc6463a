#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh - configure and build one kernel variant out of tree.
#
# Usage: build-kernel.sh VARIANT SRC BUILD OUT FRAGMENT...
#   SRC       kernel source tree (pristine or patched)
#   BUILD     object directory (O=), kept between runs: rebuilds are incremental
#   OUT       where bzImage, vmlinux's symbol map and .config are copied
#   FRAGMENT  configs/*.config, merged in order on top of tinyconfig
#
# The merged configuration is verified: every option a fragment requests
# must be in the final .config, or the build stops and names it.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/kenv.sh"
variant=$1
src=$(realpath -m "$2") build=$(realpath -m "$3") out=$(realpath -m "$4")
shift 4
frags=()
for f in "$@"; do frags+=("$(realpath -m "$f")"); done
RUNNER=${RUNNER:-$top/runner/target/release/runner}

die() { echo "build-kernel: error: $*" >&2; exit 1; }
say() { echo "  KERNEL  [$variant] $*"; }
kmake() { make -s -C "$src" O="$build" "${KMAKE_ARGS[@]}" "$@"; }

mkdir -p "$build" "$out"
for f in "${frags[@]}"; do [ -r "$f" ] || die "config fragment '$f' not found"; done

# Configure when a fragment or the source changed (or on the first run).
stamp=$build/.fragments.sha
want=$( (cat "${frags[@]}"; git -C "$src" rev-parse "HEAD^{tree}" 2>/dev/null || true) | sha256sum | cut -d' ' -f1)
if [ ! -f "$build/.config" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	start=$SECONDS
	say "config: tinyconfig + ${frags[*]#"$top"/}"
	kmake tinyconfig > "$build/config.log" 2>&1 || { tail -n 20 "$build/config.log"; die "make tinyconfig failed"; }
	(cd "$build" && "$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" "${frags[@]}") \
		>> "$build/config.log" 2>&1 || { tail -n 20 "$build/config.log"; die "merge_config.sh failed"; }
	kmake olddefconfig >> "$build/config.log" 2>&1 || { tail -n 20 "$build/config.log"; die "make olddefconfig failed"; }
	if ! "$RUNNER" verify-config "$build/.config" "${frags[@]}"; then
		if grep -qx 'CONFIG_RUST=y' "${frags[@]}" && ! grep -qx 'CONFIG_RUST=y' "$build/.config"; then
			echo "build-kernel: CONFIG_RUST dropped out; 'make rustavailable' says:" >&2
			kmake rustavailable >&2 || true
		fi
		rm -f "$stamp"
		die "the configuration of variant '$variant' lacks requested options (see above; log: $build/config.log)"
	fi
	echo "$want" > "$stamp"
	say "config done in $((SECONDS - start)) s"
fi

start=$SECONDS
say "building bzImage (-j$JOBS; log: $build/build.log)"
if ! kmake -j"$JOBS" bzImage > "$build/build.log" 2>&1; then
	grep -E 'error|Error' "$build/build.log" | head -n 30 >&2
	tail -n 15 "$build/build.log" >&2
	die "kernel build of variant '$variant' failed (full log: $build/build.log)"
fi
say "built in $((SECONDS - start)) s: $(kmake -s kernelrelease 2>/dev/null)"
kmake headers_install > /dev/null 2>&1 || die "make headers_install failed"
cp "$build/arch/x86/boot/bzImage" "$out/bzImage"
cp "$build/.config" "$out/config"
cp "$build/System.map" "$out/System.map"
