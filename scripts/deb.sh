#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb.sh - the patched kernel as Debian binary packages, made by the kernel's
# own bindeb-pkg (make deb), and the smoke test of such a package that make
# check runs.
#
# Usage: deb.sh build | config | smoke
#
# build (make deb): the configuration starts from CONFIG (a file), by default
#   the running kernel's /boot/config-$(uname -r) when there is one, merged
#   with configs/deb.config (Rust and the port) and verified like every
#   variant's (runner verify-config); LOCALMODCONFIG=1 then trims it to the
#   modules loaded on this machine (make localmodconfig).  Built out of the
#   patched tree in build/deb.  With neither CONFIG nor /boot/config-*, the
#   rust variant's kernel is packaged instead (tinyconfig-based: it boots in
#   this project's QEMU, not on real hardware), with a warning.
# config (make deb-config): the configuration step of build alone, to check a
#   distribution's config before its hours-long build.
# smoke (make deb-check, part of make check): the rust variant's kernel
#   packaged as above; the image package checked (its kernel image, its
#   config with CONFIG_CLONE_AUTOKILL_RUST=y, System.map, a version that is
#   the kernel's release); then the image taken out of the package is booted
#   under QEMU with KUnit, pidfd_autokill_test and the demo.  Everything is
#   written to out/deb/smoke.log, which `runner parse --variant deb` reads
#   (suite deb/package, then the guest's).
# Packages land in out/deb/ (older ones there are removed first).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/kenv.sh"
RUNNER=$top/runner/target/release/runner
what=${1:?usage: deb.sh build|smoke}
out=$top/out/deb
src=$top/build/src/patched

die() { echo "deb: error: $*" >&2; exit 1; }
say() { echo "  DEB     $*"; }

# bindeb-pkg in BUILD (a configured, built object directory): the packages
# (written next to BUILD by dpkg-buildpackage) moved to out/deb.
package() {
	local build=$1 start=$SECONDS parent
	parent=$(dirname "$build")
	rm -rf "$out"
	mkdir -p "$out"
	rm -f "$parent"/*.deb "$parent"/*.buildinfo "$parent"/*.changes
	say "bindeb-pkg in ${build#"$top"/} (-j$JOBS; log: ${build#"$top"/}/deb.log)"
	if ! make -C "$src" O="$build" "${KMAKE_ARGS[@]}" -j"$JOBS" bindeb-pkg \
		KDEB_CHANGELOG_DIST=unstable > "$build/deb.log" 2>&1; then
		grep -E 'error|Error' "$build/deb.log" | head -n 20 >&2
		tail -n 15 "$build/deb.log" >&2
		echo "deb: error: bindeb-pkg failed (log: $build/deb.log)" >&2
		return 1
	fi
	mv "$parent"/*.deb "$out/" 2> /dev/null ||
		{ echo "deb: error: bindeb-pkg wrote no package next to $build" >&2; return 1; }
	mv "$parent"/*.buildinfo "$parent"/*.changes "$out/" 2> /dev/null || true
	say "packaged in $((SECONDS - start)) s: $(cd "$out" && ls -- *.deb | paste -sd' ')"
}

image_deb() { ls "$out"/linux-image-*.deb 2> /dev/null | grep -v -- '-dbg_' | head -n 1; }

case $what in
build | config)
	config=${CONFIG:-}
	if [ -z "$config" ] && [ -f "/boot/config-$(uname -r)" ]; then
		config=/boot/config-$(uname -r)
	fi
	if [ -z "$config" ]; then
		[ "$what" = build ] || die "no CONFIG= and no /boot/config-$(uname -r): nothing to configure"
		echo "deb: no CONFIG= and no /boot/config-$(uname -r): packaging the rust variant's" \
			"kernel, which boots in this project's QEMU only (CONFIG=<file> for a real machine)" >&2
		"$top/scripts/variant.sh" rust kernel
		package "$top/build/rust" || exit 1
		exit 0
	fi
	[ -r "$config" ] || die "CONFIG=$config: no such file"
	"$top/scripts/prepare-tree.sh" patched
	build=$top/build/deb
	mkdir -p "$build"
	start=$SECONDS
	say "config: $config + configs/deb.config${LOCALMODCONFIG:+, localmodconfig}"
	cp "$config" "$build/.config"
	(cd "$build" && "$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" \
		"$top/configs/deb.config") > "$build/config.log" 2>&1 ||
		{ tail -n 20 "$build/config.log"; die "merge_config.sh failed"; }
	kmake() { make -s -C "$src" O="$build" "${KMAKE_ARGS[@]}" "$@"; }
	kmake olddefconfig >> "$build/config.log" 2>&1 || die "make olddefconfig failed (log: $build/config.log)"
	if [ "${LOCALMODCONFIG:-0}" = 1 ]; then
		yes '' | kmake localmodconfig >> "$build/config.log" 2>&1 ||
			die "make localmodconfig failed (log: $build/config.log)"
	fi
	"$RUNNER" verify-config "$build/.config" "$top/configs/deb.config" ||
		die "the configuration lacks what the feature needs (above; log: $build/config.log)"
	say "configured in $((SECONDS - start)) s: $(grep -c '=[ym]$' "$build/.config") options set," \
		"$(grep -c '=m$' "$build/.config") of them modules (${build#"$top"/}/.config)"
	[ "$what" = build ] || exit 0
	package "$build" || exit 1
	say "done in $((SECONDS - start)) s; install: dpkg -i ${out#"$top"/}/linux-image-*.deb"
	;;
smoke)
	# (DEB_VARIANT=c packages the c kernel instead: the config check must fail.)
	build=$top/build/${DEB_VARIANT:-rust}
	[ -f "$build/vmlinux" ] || die "no rust kernel in ${build#"$top"/}: run 'scripts/variant.sh rust test' first"
	[ -f "$build/selftests/list" ] || die "no selftests in ${build#"$top"/}: run 'scripts/variant.sh rust test' first"
	log=$out/smoke.log
	rm -f "$top/build/deb-smoke.log"
	n=0 cases=()
	ok() { n=$((n + 1)); cases+=("ok $n $1"); }
	notok() { n=$((n + 1)); cases+=("# $2" "not ok $n $1"); }
	if package "$build" > "$top/build/deb-smoke.log" 2>&1; then
		ok "bindeb-pkg packages the ${DEB_VARIANT:-rust} kernel"
	else
		notok "bindeb-pkg packages the ${DEB_VARIANT:-rust} kernel" "$(tail -n 1 "$top/build/deb-smoke.log")"
	fi
	cat "$top/build/deb-smoke.log"
	deb=$(image_deb)
	rel=$(make -s -C "$src" O="$build" "${KMAKE_ARGS[@]}" kernelrelease 2> /dev/null)
	x=$(mktemp -d)
	trap 'rm -rf "$x"' EXIT
	if [ -n "$deb" ] && dpkg-deb -x "$deb" "$x/root" 2> /dev/null; then
		ok "the image package unpacks ($(basename "$deb"))"
	else
		notok "the image package unpacks" "no linux-image-*.deb in out/deb, or dpkg-deb -x failed"
	fi
	pkg=$( [ -n "$deb" ] && dpkg-deb -f "$deb" Package 2> /dev/null || true)
	if [ -n "$rel" ] && [ "$pkg" = "linux-image-$rel" ]; then
		ok "the package is the kernel's release: $pkg"
	else
		notok "the package is the kernel's release" "package '$pkg', kernel release '$rel'"
	fi
	img=$x/root/boot/vmlinuz-$rel
	if [ -f "$img" ] && [ -f "$x/root/boot/System.map-$rel" ]; then
		ok "it holds boot/vmlinuz-$rel and boot/System.map-$rel"
	else
		notok "it holds boot/vmlinuz-$rel and boot/System.map-$rel" \
			"contents: $(cd "$x/root" 2> /dev/null && find boot -type f | paste -sd' ')"
	fi
	if grep -qx 'CONFIG_CLONE_AUTOKILL_RUST=y' "$x/root/boot/config-$rel" 2> /dev/null &&
	   grep -qx 'CONFIG_RUST=y' "$x/root/boot/config-$rel"; then
		ok "its boot/config-$rel has CONFIG_RUST=y and CONFIG_CLONE_AUTOKILL_RUST=y"
	else
		notok "its boot/config-$rel has CONFIG_RUST=y and CONFIG_CLONE_AUTOKILL_RUST=y" \
			"not in boot/config-$rel"
	fi
	if cmp -s "$img" "$build/arch/x86/boot/bzImage"; then
		ok "its image is the one the build made"
	else
		notok "its image is the one the build made" "boot/vmlinuz-$rel differs from ${build#"$top"/}/arch/x86/boot/bzImage"
	fi
	{
		echo "##> suite-begin deb/package"
		echo "TAP version 13"
		echo "1..$n"
		printf '%s\n' "${cases[@]}"
		echo "##> suite-end deb/package rc=0"
	} > "$log"
	# The image from the package, booted: KUnit at boot, the autokill selftest, the demo.
	if [ -f "$img" ]; then
		"$top/scripts/mkinitramfs.sh" "$build" "$build/selftests" "$x/smoke.cpio" \
			--only 'pidfd/pidfd_autokill_test$|demo/'
		say "booting the packaged image (console: ${log#"$top"/})"
		"$RUNNER" boot --kernel "$img" --initrd "$x/smoke.cpio" --log "$x/console.log" \
			--timeout "${BOOT_TIMEOUT:-600}" --append "possible_cpus=2" --quiet || true
		cat "$x/console.log" >> "$log"
	fi
	;;
*) die "unknown step '$what' (build, smoke)" ;;
esac
