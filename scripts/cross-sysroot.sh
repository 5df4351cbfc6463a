#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cross-sysroot.sh - the guest userspace pieces of another architecture that
# the host's packages do not provide: Debian's busybox-static (the guest's
# shell and tools) and libcap-dev (libcap.a and <sys/capability.h>, for the
# static selftests), for DEBARCH, unpacked into $CACHE/sysroot-DEBARCH.
#
# Usage: cross-sysroot.sh DEBARCH        (e.g. arm64)
# Prints the sysroot's path on its last line.
#
# A private apt setup under $CACHE/apt/DEBARCH, from the archive URIs and suite
# of the machine's own apt sources, with -o APT::Architectures: nothing is
# added to the host's dpkg architectures and nothing is installed on the host.
set -euo pipefail

arch=${1:?usage: cross-sysroot.sh DEBARCH}
CACHE=${CACHE:-$HOME/.cache/pidfd-autokill-rs}
PKGS=(busybox-static libcap-dev libcap2)
root=$CACHE/sysroot-$arch
stamp=$root/.packages

die() { echo "cross-sysroot: error: $*" >&2; exit 1; }
say() { echo "  SYSROOT [$arch] $*" >&2; }
. "$(dirname "$0")/apt.sh"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "${PKGS[*]}" ] && [ -x "$root/bin/busybox" ]; then
	echo "$root"
	exit 0
fi

suite=$( . /etc/os-release 2> /dev/null && echo "${VERSION_CODENAME:-}")
[ -n "$suite" ] || die "no VERSION_CODENAME in /etc/os-release: cannot tell the Debian suite"
uris=$(apt_uris)
[ -n "$uris" ] || die "no Debian archive URI in /etc/apt/sources.list{,.d}"
apt=$CACHE/apt/$arch
mkdir -p "$apt"
: > "$apt/sources.list"
for u in $uris; do
	echo "deb [arch=$arch signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $u $suite main" >> "$apt/sources.list"
done
apt_opts "$apt/sources.list" "$apt/lists" "$apt/archives" -o APT::Architectures="$(dpkg --print-architecture),$arch"
say "apt-get update ($suite, $arch)"
apt-get -q "${aptopts[@]}" update > "$apt/update.log" 2>&1 ||
	{ tail -n 20 "$apt/update.log" >&2; die "apt-get update for $suite/$arch failed (log: $apt/update.log)"; }
dl=$apt/debs
mkdir -p "$dl"
say "downloading ${PKGS[*]}"
(cd "$dl" && apt-get -q "${aptopts[@]}" download "${PKGS[@]/%/:$arch}" > "$apt/download.log" 2>&1) ||
	{ tail -n 20 "$apt/download.log" >&2; die "apt-get download ${PKGS[*]} for $arch failed (log: $apt/download.log)"; }
rm -rf "$root.new"
mkdir -p "$root.new"
for p in "${PKGS[@]}"; do
	deb=$(ls -t "$dl/${p}_"*"_$arch.deb" 2> /dev/null | head -n1)
	[ -n "$deb" ] || die "no ${p}_*_$arch.deb in $dl after the download"
	dpkg-deb -x "$deb" "$root.new" || die "cannot unpack $deb"
done
[ -x "$root.new/bin/busybox" ] || die "busybox-static:$arch has no /bin/busybox"
ls "$root.new"/usr/lib/*/libcap.a > /dev/null 2>&1 || die "libcap-dev:$arch has no libcap.a"
echo "${PKGS[*]}" > "$root.new/.packages"
rm -rf "$root"
mv "$root.new" "$root"
say "ready: busybox $(file -b "$root/bin/busybox" | cut -d, -f1-2)"
echo "$root"
