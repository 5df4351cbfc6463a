#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh - configure and build one kernel variant out of tree.
#
# Usage: build-kernel.sh VARIANT SRC BUILD OUT FRAGMENT...
#   SRC       kernel source tree (pristine or patched)
#   BUILD     object directory (O=), kept between runs: rebuilds are incremental
#   OUT       where the image (bzImage, or Image on arm64), vmlinux's symbol
#             map and .config are copied
#   FRAGMENT  configs/*.config, merged in order on top of tinyconfig
# The architecture comes from VARIANT's name (scripts/arch.sh).
#
# The merged configuration is verified: every option a fragment requests
# must be in the final .config, or the build stops and names it.
#
# Compiler cache: clang runs through ccache, cache in $CACHE/ccache.  ccache
# is put in front of clang on PATH, so kbuild's command lines stay the same
# with and without it.  CCACHE_BASEDIR makes the paths under build/ relative:
# variants built from the same tree and configured alike (c and rust, their
# arm64 twins, make mutants' kernels) share every object whose preprocessed
# source the configuration does not change.  CCACHE=auto (the default) uses it
# for those; upstream (its own tree) and debug (its own compiler flags) would
# only pay ccache's preprocessing on every miss: CCACHE=1 caches them too,
# CCACHE=0 nothing.  Each build logs its hits and misses.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/kenv.sh"
. "$top/scripts/arch.sh"
variant=$1
src=$(realpath -m "$2") build=$(realpath -m "$3") out=$(realpath -m "$4")
shift 4
frags=()
for f in "$@"; do frags+=("$(realpath -m "$f")"); done
RUNNER=${RUNNER:-$top/runner/target/release/runner}
arch_setup "$variant" || die "no userspace for $variant's architecture"
# (x86_64 is the host's: kbuild's default, and no ARCH= on its command lines.)
[ "$karch" = x86_64 ] || KMAKE_ARGS+=(ARCH="$karch")

die() { echo "build-kernel: error: $*" >&2; exit 1; }
say() { echo "  KERNEL  [$variant] $*"; }
kmake() { make -s -C "$src" O="$build" "${KMAKE_ARGS[@]}" "$@"; }

mkdir -p "$build" "$out"
ccache_stats() { ccache --print-stats 2> /dev/null |
	awk '$1 ~ /^(direct|preprocessed)_cache_hit$/ { h += $2 } $1 == "cache_miss" { m += $2 } END { print h + 0, m + 0 }'; }
use_ccache=${CCACHE:-auto}
if [ "$use_ccache" = auto ]; then
	case $kvariant in
	c | rust | mutant) use_ccache=1 ;;
	*) use_ccache=0 ;;
	esac
fi
if [ "$use_ccache" = 1 ]; then
	command -v ccache > /dev/null || die "ccache not found (Debian package ccache; CCACHE=0 builds without it)"
	mkdir -p "$CACHE/ccache/bin"
	for c in clang clang-19; do ln -sfn "$(command -v ccache)" "$CACHE/ccache/bin/$c"; done
	export PATH=$CACHE/ccache/bin:$PATH CCACHE_DIR=$CACHE/ccache/store CCACHE_BASEDIR=$top/build
	export CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
fi
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
say "building $image for $karch (-j$JOBS; log: $build/build.log)"
[ "$use_ccache" = 1 ] && read -r hits0 miss0 < <(ccache_stats)
# Progress: kbuild's one line per step ("  CC      kernel/fork.o") counted every
# PROGRESS seconds (default 30; 0 for none), against the step count of this
# variant's last build from scratch ($CACHE/progress) when there was one.
steps_file=$CACHE/progress/$variant.steps
fresh=0
[ -f "$build/vmlinux" ] || fresh=1
expect=$(cat "$steps_file" 2> /dev/null || true)
make -C "$src" O="$build" "${KMAKE_ARGS[@]}" -j"$JOBS" "$image" > "$build/build.log" 2>&1 &
kpid=$!
mon=
if [ "${PROGRESS:-30}" != 0 ]; then
	while sleep "${PROGRESS:-30}"; do
		kill -0 "$kpid" 2> /dev/null || break
		n=$(grep -cE '^  [A-Z]' "$build/build.log" || true)
		of=
		if [ $fresh = 1 ] && [ -n "$expect" ] && [ "$expect" -gt 0 ]; then
			of=" of about $expect ($((100 * n / expect))%)"
		fi
		say "... $n steps$of, $((SECONDS - start)) s"
	done &
	mon=$!
fi
krc=0
wait "$kpid" || krc=$?
[ -z "$mon" ] || { kill "$mon" 2> /dev/null; wait "$mon" 2> /dev/null || true; }
if [ $krc = 0 ] && [ $fresh = 1 ]; then
	mkdir -p "$(dirname "$steps_file")"
	grep -cE '^  [A-Z]' "$build/build.log" > "$steps_file" || true
fi
if [ $krc != 0 ]; then
	grep -E 'error|Error' "$build/build.log" | head -n 30 >&2
	tail -n 15 "$build/build.log" >&2
	die "kernel build of variant '$variant' failed (full log: $build/build.log)"
fi
cc=
if [ "$use_ccache" = 1 ]; then
	read -r hits miss < <(ccache_stats)
	hits=$((hits - hits0)) miss=$((miss - miss0))
	cc="; ccache: $hits hits, $miss misses"
	[ $((hits + miss)) = 0 ] || cc="$cc ($((100 * hits / (hits + miss)))% hits)"
	echo "ccache: $hits hits, $miss misses" >> "$build/build.log"
fi
say "built in $((SECONDS - start)) s$cc: $(kmake -s kernelrelease 2>/dev/null)"
kmake headers_install > /dev/null 2>&1 || die "make headers_install failed"
cp "$build/$kimage" "$out/$image"
cp "$build/.config" "$out/config"
cp "$build/System.map" "$out/System.map"
