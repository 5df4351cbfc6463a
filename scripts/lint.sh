#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lint.sh - the project's code under the kernel's own checkers, as a KTAP
# suite between runner markers: clippy (a CLIPPY=1 rebuild of the objects that
# hold the project's Rust, forced on every call), rustfmt --check, rustdoc,
# checkpatch.pl --strict on the C and the patch series, and the documentation
# page through the kernel's htmldocs.  A step that finds nothing to check fails.
#
# The project's Rust: the overlay's .rs files and the kernel's .rs files that
# the patches change (rust/kernel/task.rs, uaccess.rs, ...), as kernel paths.
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
# notok NAME < DIAGNOSTICS: the diagnostics go just before the `not ok` line,
# where `runner parse` takes a failure's reason from (the last one).
notok() {
	local l
	while IFS= read -r l; do res+=("# $l"); done
	n=$((n + 1))
	res+=("not ok $n $1")
}
kmake() { make -s -C "$src" O="$build" "${KMAKE_ARGS[@]}" "$@"; }
rustfmt=/usr/bin/rustfmt
for a in "${KMAKE_ARGS[@]}"; do
	case $a in RUSTFMT=*) rustfmt=${a#RUSTFMT=} ;; esac
done

# The project's Rust files, as paths in the kernel tree (prepare-tree.sh's
# overlay directories, and every `+++ b/<file>.rs` of the series).
mapfile -t rs < <({
	(cd "$top" && find rust kernel fs include init samples tools Documentation -name '*.rs' 2> /dev/null)
	sed -n 's|^+++ b/\(.*\.rs\)[[:space:]]*$|\1|p' "$top"/patches/*.patch 2> /dev/null
} | sort -u)
nors="no .rs files in the overlay (rust kernel fs ...) or in the patches' +++ lines"
missing=()
for f in "${rs[@]}"; do [ -f "$src/$f" ] || missing+=("$f"); done

echo "##> suite-begin lint/rust-c"

# clippy: every call rebuilds the objects that hold the project's Rust with
# CLIPPY=1 (clippy-driver is rustc plus lints: the objects are the same) and
# reads that build's own output; build.log says nothing after a no-op build.
# The objects are removed from BUILD rather than their sources touched: the
# patched tree is shared with the c and debug variants, which would all
# recompile.  The next build of BUILD relinks vmlinux.
name="clippy: no warnings in the project's Rust code"
objs=() unknown=()
for f in "${rs[@]}"; do
	case $f in
	rust/kernel/*) o=rust/kernel.o ;;
	rust/*/*) unknown+=("$f"); continue ;;
	*) o=${f%.rs}.o ;;
	esac
	[[ " ${objs[*]} " == *" $o "* ]] || objs+=("$o")
done
clog=$build/clippy.log
if [ ${#rs[@]} = 0 ]; then
	notok "$name" <<< "$nors"
elif [ ${#missing[@]} != 0 ]; then
	notok "$name" <<< "not in $src (run scripts/prepare-tree.sh patched): ${missing[*]}"
elif [ ${#unknown[@]} != 0 ]; then
	notok "$name" <<< "no object known to hold ${unknown[*]} (lint.sh maps rust/kernel/* and <dir>/<name>.rs)"
elif ! grep -qx 'CONFIG_CLONE_AUTOKILL_RUST=y' "$build/.config" 2> /dev/null; then
	notok "$name" <<< "$build/.config lacks CONFIG_CLONE_AUTOKILL_RUST=y: not the rust variant's build"
else
	(cd "$build" && rm -f -- "${objs[@]}")
	# Not -s: kbuild's `CLIPPY ... <object>` lines show that clippy ran.
	make -C "$src" O="$build" "${KMAKE_ARGS[@]}" CLIPPY=1 -j"$JOBS" "${objs[@]}" > "$clog" 2>&1
	rc=$?
	notrun=()
	for o in "${objs[@]}"; do
		q=${o//./\\.}
		grep -qE "^[[:space:]]*CLIPPY[[:space:]].*[[:space:]]$q\$|clippy-driver.*$q" "$clog" &&
			[ -f "$build/$o" ] || notrun+=("$o")
	done
	# rustc's diagnostics are blocks that end with an empty line; keep those
	# that point into the project's files.
	alts=$(printf '%s\n' "${rs[@]}" | sed 's/[.]/\\./g' | paste -sd'|')
	warn=$(awk -v pat="(^|[[:space:]/])($alts):[0-9]+" '
		/^(warning|error)(\[[^]]*\])?: / { if (hit) printf "%s\n", blk; blk = $0; hit = 0; inb = 1; next }
		inb && /^[[:space:]]*$/ { if (hit) printf "%s\n", blk; blk = ""; hit = 0; inb = 0; next }
		inb { blk = blk "\n" $0; if ($0 ~ pat) hit = 1 }
		END { if (hit) printf "%s\n", blk }' "$clog")
	nwarn=$(printf '%s\n' "$warn" | grep -cE '^(warning|error)')
	if [ $rc != 0 ]; then
		notok "$name" < <(grep -E -A8 '^(warning|error)' "$clog" | head -n 40
			tail -n 10 "$clog"
			echo "make ${objs[*]} with CLIPPY=1 failed (exit $rc); full output: $clog")
	elif [ ${#notrun[@]} != 0 ]; then
		notok "$name" < <(tail -n 10 "$clog"
			echo "clippy did not rebuild ${notrun[*]}; full output: $clog")
	elif [ -n "$warn" ]; then
		notok "$name" < <(echo "$warn" | head -n 60
			echo "$nwarn clippy/rustc diagnostics in the project's files; full output: $clog")
	else
		res+=("# clippy ran on ${objs[*]} (${#rs[@]} project files); output: $clog")
		ok "$name"
	fi
fi

# rustfmt --check with the kernel's .rustfmt.toml, on the project's files.
name="rustfmt --check: the project's Rust code"
if [ ${#rs[@]} = 0 ]; then
	notok "$name" <<< "$nors"
elif out=$(cd "$src" && "$rustfmt" --check --config-path "$src/.rustfmt.toml" "${rs[@]}" 2>&1); then
	ok "$name"
else
	notok "$name" < <(echo "$out" | head -n 40
		echo "rustfmt --check found differences in: $(echo "$out" | sed -n 's/^Diff in \(.*\) at line.*/\1/p' |
			sed "s|^$src/||" | sort -u | paste -sd' ')")
fi
if out=$(kmake rustdoc 2>&1) && ! echo "$out" | grep -qE '^(warning|error)'; then
	ok "rustdoc builds without warnings"
else
	notok "rustdoc builds without warnings" < <(echo "$out" | grep -A8 -E '^(warning|error)' | head -n 40)
fi
# checkpatch.pl --strict: the C and headers the project adds, each patch of the
# series and of the bases' compat series (patches/debian/).
mapfile -t cfiles < <(cd "$top" && find kernel fs include rust/helpers samples tools -name '*.[ch]' 2> /dev/null | sort
	ls patches/*.patch patches/*/*.patch 2> /dev/null | grep -v '^patches/man-pages/')
if [ ${#cfiles[@]} = 0 ]; then
	notok "checkpatch --strict: the project's C and patches" <<< "no .c/.h files in the overlay and no patches/*.patch"
fi
for f in "${cfiles[@]}"; do
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
		notok "checkpatch --strict $f" < <(echo "$out" | head -n 30)
	fi
done
# Mainline only: the port and its series are written against mainline, and
# carry nothing of a distribution's patches (Debian's unprivileged_userns_clone
# sysctl is the one the port once depended on); a base's differences belong in
# its compat series, patches/BASE/.
name="the port and the series name no Debian-only symbol (unprivileged_userns_clone)"
# (The output decides, not grep's status: a directory the repository lacks
# makes it 2 even when a file matched.)
hits=$(cd "$top" && grep -rls 'unprivileged_userns_clone' rust kernel fs include init samples tools \
	Documentation patches/*.patch)
if [ -n "$hits" ]; then
	notok "$name" <<< "$hits"
else
	ok "$name"
fi
# The documentation page, rendered with the kernel's own Sphinx set-up (the
# userspace-api book only, from scratch, so that Sphinx reads the page again):
# no warning may name it or the index that links it.
docs=$top/build/docs
page=Documentation/userspace-api/clone3-autokill.rst
name="htmldocs: $page renders without warnings"
if ! command -v sphinx-build > /dev/null; then
	notok "$name" <<< "sphinx-build missing (Debian package python3-sphinx)"
elif ! out=$(rm -rf "$docs" && PATH=/usr/bin:$PATH make -s -C "$src" O="$docs" SPHINXDIRS=userspace-api htmldocs 2>&1); then
	notok "$name" < <(echo "$out" | tail -n 20)
elif echo "$out" | grep -E 'WARNING|ERROR|CRITICAL' | grep -qE 'clone3-autokill|userspace-api/index\.rst'; then
	notok "$name" < <(echo "$out" | grep -E 'WARNING|ERROR|CRITICAL' | grep -E 'clone3-autokill|userspace-api/index\.rst')
elif [ ! -s "$docs/Documentation/output/userspace-api/clone3-autokill.html" ]; then
	notok "$name" <<< "no clone3-autokill.html in $docs"
else
	ok "$name"
fi

echo "TAP version 13"
echo "1..$n"
printf '%s\n' "${res[@]}"
echo "##> suite-end lint/rust-c rc=0"
echo "##> guest-exit: ok"
