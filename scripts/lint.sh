#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lint.sh - the project's code under the kernel's own checkers, as a KTAP
# suite between runner markers: clippy (every build runs with CLIPPY=1),
# rustfmtcheck, rustdoc, checkpatch.pl --strict on the C and the patch
# series, and the documentation page through the kernel's htmldocs.
#
# Usage: lint.sh BUILD   (a built variant with CONFIG_CLONE_AUTOKILL_RUST=y)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/kenv.sh"
build=$(realpath -m "$1")
src=$top/build/src/patched
n=0
res=()
ok() { n=$((n + 1)); res+=("ok $n $1"); }
notok() { n=$((n + 1)); res+=("not ok $n $1"); }
kmake() { make -s -C "$src" O="$build" "${KMAKE_ARGS[@]}" "$@"; }
# Rust files of the project, as paths in the kernel tree.
rs_files=$(cd "$top" && find rust kernel fs -name '*.rs' 2>/dev/null | sort)

echo "##> suite-begin lint/rust-c"
# clippy and rustc warnings from the last build, in the project's files.
pat=$(echo "$rs_files" | sed 's/\./\\./g' | paste -sd'|')
if grep -A12 -E '^(warning|error)' "$build/build.log" | grep -qE "$pat"; then
	notok "clippy: no warnings in the project's Rust code"
	grep -B2 -A12 -E '^(warning|error)' "$build/build.log" | head -n 60 | sed 's/^/# /'
else
	ok "clippy: no warnings in the project's Rust code"
fi
if out=$(kmake rustfmtcheck 2>&1); then
	ok "rustfmtcheck"
else
	notok "rustfmtcheck"
	echo "$out" | head -n 40 | sed 's/^/# /'
fi
if out=$(kmake rustdoc 2>&1) && ! echo "$out" | grep -qE '^(warning|error)'; then
	ok "rustdoc builds without warnings"
else
	notok "rustdoc builds without warnings"
	echo "$out" | grep -A8 -E '^(warning|error)' | head -n 40 | sed 's/^/# /'
fi
# checkpatch.pl --strict: the C and headers the project adds, and each patch.
for f in $(cd "$top" && find kernel fs include rust/helpers samples tools -name '*.[ch]' 2>/dev/null | sort) \
	 $(cd "$top" && ls patches/*.patch 2>/dev/null); do
	# Patches go through stdin: given a path inside a git work tree,
	# checkpatch would check the .patch file as a source file.
	# BIT_MACRO: the selftests' pidfd.h defines uapi flags for userspace the
	# way the rest of that header does, without BIT_ULL; ENOSYS: userspace
	# tells a kernel without clone3() by it (both as series.sh).
	case $f in *.patch) mode=(-) ;; *) mode=(-f "$top/$f") ;; esac
	if out=$(cd "$src" && ./scripts/checkpatch.pl --strict --no-tree --no-signoff -q \
		--ignore BIT_MACRO,ENOSYS "${mode[@]}" < "$top/$f" 2>&1); then
		ok "checkpatch --strict $f"
	else
		notok "checkpatch --strict $f"
		echo "$out" | head -n 30 | sed 's/^/# /'
	fi
done
# The documentation page, rendered with the kernel's own Sphinx set-up (the
# userspace-api book only, from scratch, so that Sphinx reads the page again):
# no warning may name it or the index that links it.
docs=$top/build/docs
page=Documentation/userspace-api/clone3-autokill.rst
if ! command -v sphinx-build > /dev/null; then
	notok "htmldocs: $page renders without warnings"
	echo "# sphinx-build missing (Debian package python3-sphinx)"
elif ! out=$(rm -rf "$docs" && PATH=/usr/bin:$PATH make -s -C "$src" O="$docs" SPHINXDIRS=userspace-api htmldocs 2>&1); then
	notok "htmldocs: $page renders without warnings"
	echo "$out" | tail -n 20 | sed 's/^/# /'
elif echo "$out" | grep -E 'WARNING|ERROR|CRITICAL' | grep -qE 'clone3-autokill|userspace-api/index\.rst'; then
	notok "htmldocs: $page renders without warnings"
	echo "$out" | grep -E 'WARNING|ERROR|CRITICAL' | grep -E 'clone3-autokill|userspace-api/index\.rst' | sed 's/^/# /'
elif [ ! -s "$docs/Documentation/output/userspace-api/clone3-autokill.html" ]; then
	notok "htmldocs: $page renders without warnings"
	echo "# no clone3-autokill.html in $docs"
else
	ok "htmldocs: $page renders without warnings"
fi

echo "TAP version 13"
echo "1..$n"
printf '%s\n' "${res[@]}"
echo "##> suite-end lint/rust-c rc=0"
echo "##> guest-exit: ok"
