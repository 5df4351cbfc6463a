# SPDX-License-Identifier: GPL-2.0
#
# apt.sh - sourced by fetch-source.sh and cross-sysroot.sh: a private apt
# setup.  The archive URIs come from the machine's own apt sources (deb822
# or one-line format), lists and archives live under the project's cache,
# and the system's apt configuration is not touched.
#
# apt_uris: the Debian archive URIs this machine uses, one a line.
# apt_opts SOURCES LISTS ARCHIVES [OPTION...]: sets aptopts, the apt-get
#   options that use the sources list SOURCES, the lists in LISTS and the
#   archives in ARCHIVES (both created), plus OPTION... (more -o settings).
apt_uris() {
	{ grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{for (i = 2; i <= NF; i++) print $i}' || true
	  grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}' || true; } |
		grep -E '/debian/?$' | sort -u || true
}

apt_opts() {
	local sources=$1 lists=$2 archives=$3
	shift 3
	mkdir -p "$lists/partial" "$archives/partial"
	aptopts=(-o Dir::Etc::sourcelist="$sources" -o Dir::Etc::sourceparts=-
		 -o Dir::State::Lists="$lists" -o Dir::Cache::archives="$archives"
		 -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o APT::Get::List-Cleanup=0 "$@")
}
