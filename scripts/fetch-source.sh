#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-source.sh - produce the pristine kernel tree the project patches.
#
# Usage: fetch-source.sh DEST
#   DEST      directory to hold the pristine tree (created; must not exist yet)
# Environment:
#   KSRC      a local kernel tree (directory) or tarball (.tar.xz/.tar.gz/...)
#             to use instead of downloading Debian's package
#   KPKG      Debian source package to fetch (default: linux-source-7.3)
#   KSUITE    Debian suite that carries it (default: trixie-backports)
#   CACHE     download cache, outside the work tree (default: ~/.cache/pidfd-autokill-rs)
#
# The archive URIs are read from the machine's own apt sources; nothing in
# this repository names a mirror.  The system's apt configuration is left
# untouched: a private sources list and private list/archive directories
# under $CACHE are used.
set -euo pipefail

dest=${1:?usage: fetch-source.sh DEST}
KPKG=${KPKG:-linux-source-7.3}
KSUITE=${KSUITE:-trixie-backports}
CACHE=${CACHE:-$HOME/.cache/pidfd-autokill-rs}

die() { echo "fetch-source: error: $*" >&2; exit 1; }
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
else
	mkdir -p "$CACHE/apt/lists/partial" "$CACHE/apt/archives/partial" "$CACHE/debs"
	deb=$(ls "$CACHE/debs/${KPKG}_"*.deb 2>/dev/null | sort -V | tail -n1 || true)
	if [ -z "$deb" ]; then
		# The Debian archive URIs this machine already uses (deb822 or one-line format).
		uris=$( { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{for (i = 2; i <= NF; i++) print $i}' || true;
			  grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}' || true; } |
			grep -E '/debian/?$' | sort -u || true)
		[ -n "$uris" ] || die "no Debian archive URI found in /etc/apt/sources.list{,.d}; pass KSRC=<tree or tarball>"
		list="$CACHE/apt/sources.list"
		: > "$list"
		for u in $uris; do
			echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $u $KSUITE main" >> "$list"
		done
		aptopts=(-o Dir::Etc::sourcelist="$list" -o Dir::Etc::sourceparts=-
			 -o Dir::State::Lists="$CACHE/apt/lists" -o Dir::Cache::archives="$CACHE/apt/archives"
			 -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o APT::Get::List-Cleanup=0)
		say "apt-get update ($KSUITE)"
		apt-get -q "${aptopts[@]}" update > "$CACHE/apt/update.log" 2>&1 ||
			{ tail -n 20 "$CACHE/apt/update.log" >&2; die "apt-get update for $KSUITE failed"; }
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
