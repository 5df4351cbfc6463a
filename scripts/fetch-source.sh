#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-source.sh - produce the pristine kernel tree the project patches.
#
# Usage: fetch-source.sh DEST
#   DEST      directory to hold the pristine tree (created; must not exist yet)
# Environment:
#   BASE      debian (default): Debian's binary package KPKG, whose tarball is
#             7.3.4 plus Debian's patches; mainline: upstream KVER, the orig
#             tarball of Debian's `linux` source package (deb-src), its SHA-256
#             checked against the signed .dsc and recorded, and refused if it
#             carries Debian's unprivileged_userns_clone
#   KSRC      a local kernel tree (directory) or tarball (.tar.xz/.tar.gz/...)
#             to use instead of downloading (with BASE=mainline, e.g. kernel.org's
#             linux-7.3.4.tar.xz; checked the same way)
#   KPKG      Debian binary package to fetch (default: linux-source-7.3)
#   KVER      upstream version of BASE=mainline (default: 7.3.4)
#   KSUITE    Debian suite that carries them (default: trixie-backports)
#   CACHE     download cache, outside the work tree (default: ~/.cache/pidfd-autokill-rs)
#
# The archive URIs are read from the machine's own apt sources; nothing in
# this repository names a mirror.  The system's apt configuration is left
# untouched: a private sources list and private list/archive directories
# under $CACHE are used.
set -euo pipefail

dest=${1:?usage: fetch-source.sh DEST}
BASE=${BASE:-debian}
KPKG=${KPKG:-linux-source-7.3}
KVER=${KVER:-7.3.4}
KSUITE=${KSUITE:-trixie-backports}
CACHE=${CACHE:-$HOME/.cache/pidfd-autokill-rs}

die() { echo "fetch-source: error: $*" >&2; exit 1; }
. "$(dirname "$0")/apt.sh"
say() { echo "  SRC     $*"; }

unpack_tarball() {
	local tarball=$1 tmp
	[ -r "$tarball" ] || die "cannot read kernel tarball '$tarball'"
	tmp=$(mktemp -d "$(dirname "$dest")/.unpack.XXXXXX")
	say "unpacking $(basename "$tarball")"
	tar -C "$tmp" -xf "$tarball" || { rm -rf "$tmp"; die "'$tarball' is not a readable tarball"; }
	local top
	top=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -n1)
	[ -n "$top" ] && [ -f "$top/Makefile" ] && [ -d "$top/kernel" ] ||
		{ rm -rf "$tmp"; die "'$tarball' does not contain a kernel tree"; }
	mv "$top" "$dest"
	rm -rf "$tmp"
}

# A private apt setup for KSUITE: lists and archives under $CACHE/apt, the
# archive URIs this machine already uses (deb822 or one-line format), "deb" or
# "deb-src" lines.  The system's apt configuration is not touched.
apt_setup() {
	local kind=$1 uris u
	uris=$(apt_uris)
	[ -n "$uris" ] || die "no Debian archive URI found in /etc/apt/sources.list{,.d}; pass KSRC=<tree or tarball>"
	mkdir -p "$CACHE/apt/$kind"
	list="$CACHE/apt/$kind/sources.list"
	: > "$list"
	for u in $uris; do
		echo "$kind [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $u $KSUITE main" >> "$list"
	done
	apt_opts "$list" "$CACHE/apt/$kind/lists" "$CACHE/apt/archives"
	say "apt-get update ($KSUITE, $kind)"
	apt-get -q "${aptopts[@]}" update > "$CACHE/apt/$kind/update.log" 2>&1 ||
		{ tail -n 20 "$CACHE/apt/$kind/update.log" >&2; die "apt-get update for $KSUITE failed"; }
}

# A mainline tree must not carry Debian's patches: their best-known mark is the
# unprivileged_userns_clone sysctl, which copy_process() would check.
not_debian() {
	if grep -qs unprivileged_userns_clone "$1/kernel/fork.c" "$1/kernel/user_namespace.c"; then
		rm -rf "$1"
		die "$2 carries Debian's patches (kernel/fork.c has unprivileged_userns_clone): not mainline"
	fi
}

[ -e "$dest" ] && die "'$dest' exists already"
mkdir -p "$(dirname "$dest")"
start=$SECONDS

if [ -n "${KSRC:-}" ]; then
	if [ -d "$KSRC" ]; then
		[ -f "$KSRC/Makefile" ] && [ -d "$KSRC/kernel" ] ||
			die "KSRC='$KSRC' is not a kernel tree (no Makefile or kernel/)"
		say "copying local tree $KSRC"
		cp -a "$KSRC" "$dest"
		rm -rf "$dest/.git"
	elif [ -f "$KSRC" ]; then
		unpack_tarball "$KSRC"
	else
		die "KSRC='$KSRC' is neither a directory nor a tarball"
	fi
	if [ "$BASE" = mainline ]; then
		not_debian "$dest" "KSRC='$KSRC'"
		[ -f "$KSRC" ] && echo "local $(basename "$KSRC") sha256 $(sha256sum < "$KSRC" | cut -d' ' -f1)" > "$dest/.source-version"
	fi
elif [ "$BASE" = mainline ]; then
	# Upstream's tarball, as Debian's `linux` source package ships it (orig.tar.xz).
	orig=linux_$KVER.orig.tar.xz
	dl=$CACHE/srcpkg
	mkdir -p "$dl"
	dsc=$(ls "$dl"/linux_"$KVER"-*.dsc 2> /dev/null | sort -V | tail -n1 || true)
	if [ -z "$dsc" ] || [ ! -f "$dl/$orig" ]; then
		apt_setup deb-src
		ver=$(apt-cache "${aptopts[@]}" showsrc linux 2> /dev/null |
			awk -v v="$KVER" '$1 == "Version:" && index($2, v "-") == 1 { print $2 }' | sort -V | tail -n1)
		[ -n "$ver" ] || die "no source package linux $KVER-* in $KSUITE (set KVER=, KSUITE= or KSRC=)"
		say "downloading source package linux $ver (its $orig is upstream's tarball)"
		(cd "$dl" && apt-get -q "${aptopts[@]}" source --download-only "linux=$ver" > "$dl/download.log" 2>&1) || {
			tail -n 5 "$dl/download.log" >&2
			die "the archive did not serve source package linux $ver (log: $dl/download.log);" \
			    "pass KSRC=<upstream linux-$KVER.tar.xz or tree> instead"
		}
		dsc=$(ls "$dl"/linux_"$KVER"-*.dsc | sort -V | tail -n1)
	fi
	# apt checked the files against the signed Sources index; check the orig
	# against the .dsc again here, for a cache that was filled earlier.
	want=$(awk -v f="$orig" '/^Checksums-Sha256:/ { on = 1; next } /^[^ ]/ { on = 0 } on && $3 == f { print $1 }' "$dsc")
	[ -n "$want" ] || die "$(basename "$dsc") lists no $orig"
	have=$(sha256sum < "$dl/$orig" | cut -d' ' -f1)
	[ "$have" = "$want" ] || die "$orig: sha256 $have, but $(basename "$dsc") says $want (remove $dl to download again)"
	unpack_tarball "$dl/$orig"
	not_debian "$dest" "$orig"
	echo "linux $KVER upstream: $orig of Debian source package $(basename "$dsc" .dsc), sha256 $have" > "$dest/.source-version"
else
	mkdir -p "$CACHE/apt/lists/partial" "$CACHE/apt/archives/partial" "$CACHE/debs"
	deb=$(ls "$CACHE/debs/${KPKG}_"*.deb 2>/dev/null | sort -V | tail -n1 || true)
	if [ -z "$deb" ]; then
		apt_setup deb
		ver=$(apt-cache "${aptopts[@]}" policy "$KPKG" 2>/dev/null | awk '/Candidate:/ {print $2}')
		[ -n "$ver" ] && [ "$ver" != "(none)" ] ||
			die "package $KPKG not found in $KSUITE (set KPKG=, KSUITE= or KSRC=)"
		say "downloading $KPKG $ver"
		(cd "$CACHE/debs" && apt-get -q "${aptopts[@]}" download "$KPKG=$ver" > "$CACHE/apt/download.log" 2>&1) ||
			{ tail -n 20 "$CACHE/apt/download.log" >&2; die "apt-get download $KPKG=$ver failed"; }
		deb=$(ls "$CACHE/debs/${KPKG}_"*.deb | sort -V | tail -n1)
	fi
	ver=$(dpkg-deb -f "$deb" Version) || die "'$deb' is not a readable .deb (remove it to download again)"
	say "using $KPKG $ver ($(basename "$deb"), cached)"
	x="$CACHE/debs/x-$ver"
	if [ ! -d "$x" ]; then
		dpkg-deb -x "$deb" "$x.tmp" || die "cannot unpack '$deb'"
		mv "$x.tmp" "$x"
	fi
	tarball=$(ls "$x"/usr/src/linux-source-*.tar.* 2>/dev/null | head -n1)
	[ -n "$tarball" ] || die "'$deb' holds no usr/src/linux-source-*.tar.*"
	unpack_tarball "$tarball"
	echo "$KPKG $ver" > "$dest/.source-version"
fi
[ -f "$dest/.source-version" ] || echo "local ${KSRC}" > "$dest/.source-version"
say "kernel $(make -s -C "$dest" kernelversion 2>/dev/null || echo '?') from $(cat "$dest/.source-version") in $((SECONDS - start)) s"
