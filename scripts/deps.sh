#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh - install what the pipeline needs, and only what is missing.
#
# Debian packages come from the machine's own apt sources; bindgen-cli comes
# from the Rust crate registry and is installed into $CACHE/cargo, outside the
# work tree.  A tool that is still missing afterwards stops the run with the
# name of the package that provides it.
set -euo pipefail

CACHE=${CACHE:-$HOME/.cache/pidfd-autokill-rs}
BINDGEN_VERSION=${BINDGEN_VERSION:-0.73.2}
BINDGEN_MIN=0.71.1

die() { echo "deps: error: $*" >&2; exit 1; }

# package:file-it-provides
pkgs=(
	rustc-web:/usr/bin/rustc
	rust-web-src:/usr/lib/rustlib/src/rust/library/core/src/lib.rs
	rust-web-clippy:/usr/bin/clippy-driver
	rustfmt-web:/usr/bin/rustfmt
	clang-19:/usr/bin/clang-19
	lld-19:/usr/bin/ld.lld-19
	llvm-19:/usr/lib/llvm-19/bin/llvm-objcopy
	libclang-19-dev:/usr/lib/llvm-19/lib/libclang.so
	flex:/usr/bin/flex
	bison:/usr/bin/bison
	bc:/usr/bin/bc
	libelf-dev:/usr/include/libelf.h
	libssl-dev:/usr/include/openssl/ssl.h
	cpio:/usr/bin/cpio
	busybox-static:/bin/busybox
	qemu-system-x86:/usr/bin/qemu-system-x86_64
	ccache:/usr/bin/ccache
	# arm64: QEMU, and the cross compiler and C library for the guest's userspace
	# (its busybox and libcap come from scripts/cross-sysroot.sh).
	qemu-system-arm:/usr/bin/qemu-system-aarch64
	gcc-aarch64-linux-gnu:/usr/bin/aarch64-linux-gnu-gcc
	libc6-dev-arm64-cross:/usr/aarch64-linux-gnu/lib/libc.a
	libcap-dev:/usr/include/sys/capability.h
	gcc:/usr/bin/gcc
	make:/usr/bin/make
	python3:/usr/bin/python3
	perl:/usr/bin/perl
	rsync:/usr/bin/rsync
	git:/usr/bin/git
	dpkg-dev:/usr/bin/dpkg-architecture
	# make deb: the kernel's bindeb-pkg runs debhelper and checks its build
	# dependencies (kmod, libdw-dev besides the above)
	debhelper:/usr/bin/dh_testdir
	kmod:/usr/bin/kmod
	libdw-dev:/usr/include/elfutils/libdw.h
	python3-sphinx:/usr/bin/sphinx-build
)

missing=()
for p in "${pkgs[@]}"; do
	[ -e "${p#*:}" ] || missing+=("${p%%:*}")
done
# libcap.a for the static selftests
[ -e /usr/lib/x86_64-linux-gnu/libcap.a ] || missing+=(libcap-dev)

if [ ${#missing[@]} -gt 0 ]; then
	echo "  DEPS    installing: ${missing[*]}"
	start=$SECONDS
	if [ "$(id -u)" -ne 0 ]; then
		die "missing packages (${missing[*]}); install them as root: apt-get install ${missing[*]}"
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get -q update > "${TMPDIR:-/tmp}/deps-apt-update.log" 2>&1 || true
	apt-get -q -y install --no-install-recommends "${missing[@]}" > "${TMPDIR:-/tmp}/deps-apt-install.log" 2>&1 ||
		{ tail -n 20 "${TMPDIR:-/tmp}/deps-apt-install.log" >&2; die "apt-get install ${missing[*]} failed"; }
	echo "  DEPS    installed in $((SECONDS - start)) s"
	for p in "${pkgs[@]}"; do
			[ -e "${p#*:}" ] || die "${p#*:} still missing; it comes with Debian package '${p%%:*}'"
	done
fi

# bindgen-cli (the kernel needs >= $BINDGEN_MIN)
bindgen=$CACHE/cargo/bin/bindgen
have=$("$bindgen" --version 2>/dev/null | awk '{print $2}' || true)
if [ -z "$have" ] || [ "$(printf '%s\n%s\n' "$BINDGEN_MIN" "$have" | sort -V | head -n1)" != "$BINDGEN_MIN" ]; then
	command -v cargo > /dev/null || die "cargo not found: it is needed to install bindgen-cli (Debian package 'cargo' or a rustup toolchain)"
	echo "  DEPS    cargo install bindgen-cli $BINDGEN_VERSION (into $CACHE/cargo)"
	start=$SECONDS
	mkdir -p "$CACHE/cargo"
	cargo install --locked --root "$CACHE/cargo" bindgen-cli --version "$BINDGEN_VERSION" \
		> "$CACHE/cargo/install.log" 2>&1 ||
		{ tail -n 20 "$CACHE/cargo/install.log" >&2; die "cargo install bindgen-cli failed (crate 'bindgen-cli')"; }
	echo "  DEPS    bindgen-cli installed in $((SECONDS - start)) s"
fi
"$bindgen" --version > /dev/null 2>&1 || die "$bindgen does not run (crate 'bindgen-cli')"

# The arm64 guest's busybox and libcap (Debian's arm64 packages, unpacked under
# $CACHE; nothing installed on the host).
"$(dirname "$0")/cross-sysroot.sh" arm64 > /dev/null

# The runner's crates, at the versions runner/Cargo.lock pins: fetched once into
# cargo's own cache, so that every build after this one runs --locked --offline.
top=$(cd "$(dirname "$0")/.." && pwd)
cargo fetch -q --locked --manifest-path "$top/runner/Cargo.toml" > "$CACHE/cargo-fetch.log" 2>&1 ||
	{ tail -n 20 "$CACHE/cargo-fetch.log" >&2; die "cargo fetch of the runner's crates failed (runner/Cargo.lock)"; }
