#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# series.sh - write the upstream patch series (git format-patch, with a cover
# letter) against the 7.3 base from patches/series, the overlay and patches/.
# On a base with a compat series (BASE=debian: patches/debian/), that is
# committed below the series and exported on its own to OUTDIR/BASE/.
#
# Usage: series.sh OUTDIR [check]
#   check  also: checkpatch.pl --strict on every patch, the man page applied
#          and linted, `git am` onto a fresh clone of the base (after the
#          compat series), every prefix built and linked with the port on and
#          off, KUnit booted from the prefix that adds it, the samples built;
#          table in out/series-check/prefixes.tsv.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/base.sh"
out=$(realpath -m "$1")
mode=${2:-}
base=$top/build/src$base_suffix/base
RUNNER=$top/runner/target/release/runner
die() { echo "series: error: $*" >&2; exit 1; }
say() { echo "  SERIES  $*"; }

"$top/scripts/prepare-tree.sh" pristine
tmp=$(mktemp -d)
wt=$tmp/wt
cleanup() { git -C "$base" worktree remove --force "$wt" 2> /dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
git -C "$base" worktree add -q --detach "$wt" base

# Reproducible commits: the date of the project's last commit.
date=$(git -C "$top" log -1 --format=%cI 2> /dev/null || date -u +%FT%TZ)
# Signed-off-by: whoever runs this, from git's own configuration; never a made-up one.
name=$(git -C "$top" config user.name) && email=$(git -C "$top" config user.email) ||
	die "set git config user.name and user.email: every patch is signed off by whoever runs make series"
export GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date
export GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email

# The base's compat series: one commit each, below the project's series.
compat=()
for p in "$top/patches/$BASE"/*.patch; do
	[ -e "$p" ] || continue
	git -C "$wt" apply --index "$p" || die "patches/$BASE/$(basename "$p") does not apply to the $BASE base"
	# Its message: the text before the diff, and the sign-off of whoever runs this.
	git -C "$wt" commit -q -m "$(sed '/^diff --git /,$d' "$p")" -m "Signed-off-by: $name <$email>"
	compat+=("$p")
done
start=$(git -C "$wt" rev-parse HEAD)

# Figures of the current code in the messages and the cover letter are not
# typed: {{kunit_cases}} (check_flags() cases KUnit compared with the C) and
# {{matrix_calls}} (clone3() calls of the errno matrix) come from the last rust
# run in out/rust.
kunit_cases=$(grep -a -oE 'check_flags: [0-9]+ cases' "$top/out/rust/console.log" 2> /dev/null | tail -n 1 | awk '{print $2}')
matrix_calls=$(awk -F'\t' '$1 ~ /^[0-9]+$/' "$top/out/rust/matrix.tsv" 2> /dev/null | wc -l)
[ -n "$kunit_cases" ] && [ "${matrix_calls:-0}" -gt 0 ] ||
	die "no figures from a rust run in out/rust (console.log, matrix.tsv): run make test VARIANT=rust first"
fill() { sed -e "s/{{kunit_cases}}/$kunit_cases/g" -e "s/{{matrix_calls}}/$matrix_calls/g"; }

# Split patches/series into blocks.
awk -v dir="$tmp" 'BEGIN { n = 1 } /^#/ && !body { next } /^%%$/ { n++; body = 0; next }
	{ if ($0 ~ /^body:/) { body = 1; next } print > (dir "/block." n) }' "$top/patches/series"
used_files=() used_diffs=()
n=0
# (In numeric order of N: the temporary directory's name may hold dots too.)
nblocks=$(ls "$tmp"/block.* | wc -l)
for blk in $(seq -f "$tmp/block.%g" 1 "$nblocks"); do
	n=$((n + 1))
	subject=$(sed -n 's/^subject: //p' "$blk")
	files=$(sed -n 's/^files://p' "$blk")
	diffs=$(sed -n 's/^diffs://p' "$blk")
	[ -n "$subject" ] || die "block $n of patches/series has no subject"
	for f in $files; do
		[ -f "$top/$f" ] || die "patches/series block $n: no file $f"
		mkdir -p "$wt/$(dirname "$f")"
		cp "$top/$f" "$wt/$f"
		git -C "$wt" add -f "$f"
		used_files+=("$f")
	done
	for d in $diffs; do
		git -C "$wt" apply --index "$top/patches/$d" || die "patches/$d does not apply in series position $n"
		used_diffs+=("$d")
	done
	{
		echo "$subject"
		echo
		body=$(sed -n '/^subject:/d; /^files:/d; /^diffs:/d; p' "$blk" | sed -e '/./,$!d' | fill)
		printf '%s\n' "$body"
		# Trailers of the body (Fixes:, Cc:) and the sign-off form one block.
		tail -n 1 <<< "$body" | grep -qE '^[A-Z][A-Za-z-]*: ' || echo
		echo "Signed-off-by: $name <$email>"
	} > "$tmp/msg"
	git -C "$wt" commit -q -F "$tmp/msg"
done

# Every project file and every diff belongs to exactly one patch.
missing=0
while IFS= read -r f; do
	printf '%s\n' "${used_files[@]}" | grep -qxF "$f" || { echo "series: $f is in no patch" >&2; missing=1; }
done < <(cd "$top" && find rust kernel fs include init samples tools Documentation -type f 2> /dev/null | sort)
for d in $(cd "$top/patches" && ls *.patch); do
	printf '%s\n' "${used_diffs[@]}" | grep -qxF "$d" || { echo "series: patches/$d is in no patch" >&2; missing=1; }
done
[ $missing = 0 ] || die "patches/series does not cover the project (see above)"

rm -rf "$out"
mkdir -p "$out"
git -C "$wt" -c diff.algorithm=histogram format-patch -q --cover-letter --subject-prefix="PATCH RFC" -o "$out" "$start..HEAD"
# The compat series as mails too, for git am onto the base's own tree.
[ ${#compat[@]} = 0 ] || git -C "$wt" format-patch -q -o "$out/$BASE" base.."$start"
# The userspace-facing counterpart, for the man-pages project: its message,
# the sign-off of whoever runs this, then the diff of man2/clone.2.
for p in "$top"/patches/man-pages/*.patch; do
	[ -e "$p" ] || continue
	mkdir -p "$out/man-pages"
	{
		sed '/^diff --git /,$d' "$p" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
		echo "Signed-off-by: $name <$email>"
		echo "---"
		sed -n '/^diff --git /,$p' "$p"
	} > "$out/man-pages/$(basename "$p")"
done
cover=$(ls "$out"/0000-*.patch)

# The cover letter: what, why Rust, what stays C, results of the last run.
{
	fill < "$top/patches/cover-letter.txt"
	echo
	# What it is based on, from the tree itself.
	echo "Based on: Linux $(make -s -C "$base" kernelversion 2> /dev/null), $(cat "$base/.source-version")"
	[ ${#compat[@]} = 0 ] || echo "  with the $BASE compat series below it (not part of this series): $(cd "$top/patches/$BASE" && ls *.patch | paste -sd' ')"
	echo
	echo "Results of the last run on this tree (make check / make bench):"
	echo
	for v in upstream c rust debug; do
		[ -f "$top/out/$v/results.json" ] || continue
		echo "  $v: $("$RUNNER" summary "$top/out/$v/results.json" 2> /dev/null | tail -n 1)"
	done
	# pidfd_exit_info_race_test's measurements of the POLLIN window, per variant.
	for v in upstream c rust debug; do
		[ -f "$top/out/$v/console.log" ] || continue
		grep -a -oE '# exit-info-(race|contract)[^:]*: .*' "$top/out/$v/console.log" |
			sed "s/^# /  $v: /"
	done
	if [ -f "$top/out/bench/table.txt" ]; then
		echo
		sed 's/^/  /' "$top/out/bench/table.txt"
	fi
} > "$tmp/blurb"
subject="clone3: CLONE_AUTOREAP, CLONE_NNP and CLONE_PIDFD_AUTOKILL in Rust"
python3 - "$cover" "$tmp/blurb" "$subject" <<'PY'
import sys
path, blurb, subject = sys.argv[1], open(sys.argv[2]).read().rstrip("\n"), sys.argv[3]
s = open(path).read().replace("*** SUBJECT HERE ***", subject).replace("*** BLURB HERE ***", blurb)
open(path, "w").write(s)
PY
say "$n patches and a cover letter in ${out#"$top"/}"

[ "$mode" = check ] || exit 0

fail=0
for p in "$out"/0*.patch; do
	[ "$p" = "$cover" ] && continue
	# Ignored: FILE_PATH_CHANGES (the MAINTAINERS reminder for new files: every
	# patch that adds files outside an existing entry adds its own MAINTAINERS
	# lines; the selftests' and samples' new files are under PIDFD API's
	# F: lines already, which checkpatch does not look at), BIT_MACRO (userspace selftests
	# define the uapi flags like upstream's, without BIT_ULL), ENOSYS (the sample
	# does mean "no clone3 system call"), UNKNOWN_COMMIT_ID (a Fixes: tag names
	# an upstream commit; the base is a release tarball, whose git has no history).
	if "$base/scripts/checkpatch.pl" --strict --no-tree -q \
		--ignore FILE_PATH_CHANGES,BIT_MACRO,ENOSYS,UNKNOWN_COMMIT_ID - < "$p" > "$tmp/cp.out" 2>&1; then
		say "checkpatch --strict: $(basename "$p"): clean"
	else
		say "checkpatch --strict: $(basename "$p"): PROBLEMS"
		sed 's/^/    /' "$tmp/cp.out"
		fail=1
	fi
done

# The man page: applies to man-pages' clone.2 (the copy Debian's manpages-dev
# installs) and adds no groff or mandoc warning to it.
for p in "$out"/man-pages/*.patch; do
	[ -e "$p" ] || continue
	page=/usr/share/man/man2/clone.2.gz
	[ -r "$page" ] || die "no $page to check the man page against (Debian package manpages-dev)"
	command -v mandoc > /dev/null || die "mandoc missing (Debian package mandoc)"
	mkdir -p "$tmp/man/man2"
	zcat "$page" > "$tmp/man/man2/clone.2"
	git -C "$tmp/man" init -q
	# (Both exit non-zero when they have something to say: the output decides.)
	lint() { { groff -man -ww -z "$1" 2>&1 || true; mandoc -Tlint "$1" 2>&1 || true; } | sed "s|$1|clone.2|g" | sort; }
	lint "$tmp/man/man2/clone.2" > "$tmp/man/before"
	if ! git -C "$tmp/man" apply "$p"; then
		say "man-pages: $(basename "$p") does not apply to $page: FAILED"
		fail=1
		continue
	fi
	lint "$tmp/man/man2/clone.2" > "$tmp/man/after"
	if new=$(comm -13 "$tmp/man/before" "$tmp/man/after") && [ -z "$new" ]; then
		say "man-pages: $(basename "$p"): applies, no new groff -ww or mandoc -Tlint warning"
	else
		say "man-pages: $(basename "$p"): new lint warnings: FAILED"
		sed 's/^/    /' <<< "$new"
		fail=1
	fi
done

# git am onto a fresh clone of the 7.3 base (with its compat series).
git clone -q --no-checkout "$base" "$tmp/am"
git -C "$tmp/am" checkout -q -b series base
if [ ${#compat[@]} != 0 ]; then
	git -C "$tmp/am" -c user.name=t -c user.email=t@localhost am -q "$out/$BASE"/*.patch ||
		die "the $BASE compat series (out/series/$BASE) does not git am onto the $BASE tree"
fi
amstart=$(git -C "$tmp/am" rev-parse HEAD)
if git -C "$tmp/am" -c user.name=t -c user.email=t@localhost am -q $(ls "$out"/0*.patch | grep -v 0000-); then
	say "git am onto a fresh 7.3 tree ($BASE base${compat:+, $(echo ${#compat[@]}) compat patch}): applied $(git -C "$tmp/am" rev-list --count "$amstart..HEAD") patches"
else
	say "git am onto a fresh 7.3 tree ($BASE base): FAILED"
	exit 1
fi

# Every prefix, in two configurations, each in its own build directory so that
# every step is incremental: the port on (configs/rust.config: the Rust, its
# KUnit suite and the kernel crate's doctests) and off (configs/c.config).
# The kernel must build and link (bzImage) at every prefix in both; from the
# prefix that adds the KUnit suite on, the port-on kernel boots and its KUnit
# suites must pass.  Clippy is left to make check's lint (it doubles the Rust
# build time here).
. "$top/scripts/kenv.sh"
kargs=()
for a in "${KMAKE_ARGS[@]}"; do [ "$a" = CLIPPY=1 ] || kargs+=("$a"); done
commits=$(git -C "$tmp/am" rev-list --reverse "$amstart..HEAD")
total=$(echo "$commits" | wc -w)
empty=$tmp/empty.list
: > "$empty"
selftests=$top/build/rust/selftests
mkdir -p "$top/out/series-check"
table=$top/out/series-check/prefixes.tsv
printf 'prefix\tsubject\tport on (s)\tport off (s)\tKUnit\n' > "$table"
k=0
for c in $commits; do
	k=$((k + 1))
	git -C "$tmp/am" checkout -q "$c"
	subj=$(git -C "$tmp/am" log -1 --format=%s)
	row="$k\t$subj"
	for cfg in on off; do
		bdir=$top/build/series-$cfg
		frag=$top/configs/rust.config
		[ $cfg = on ] || frag=$top/configs/c.config
		mkdir -p "$bdir"
		start=$SECONDS
		# The configuration anew at every prefix: an option the prefix does not
		# have yet is dropped, and comes back when a later prefix adds it.
		if ! { make -s -C "$tmp/am" O="$bdir" "${kargs[@]}" tinyconfig &&
		       "$tmp/am/scripts/kconfig/merge_config.sh" -m -O "$bdir" "$bdir/.config" \
				"$top/configs/base.config" "$top/configs/x86_64.config" "$frag" &&
		       make -s -C "$tmp/am" O="$bdir" "${kargs[@]}" olddefconfig; } > "$bdir/config-$k.log" 2>&1; then
			say "prefix $k/$total, port $cfg: configuration FAILED; log: $bdir/config-$k.log"
			fail=1
			row="$row\tconfig failed"
			continue
		fi
		if make -s -C "$tmp/am" O="$bdir" "${kargs[@]}" -j"$JOBS" bzImage > "$bdir/prefix-$k.log" 2>&1; then
			say "prefix $k/$total, port $cfg: bzImage builds and links ($((SECONDS - start)) s): $subj"
			row="$row\t$((SECONDS - start))"
		else
			say "prefix $k/$total, port $cfg: build FAILED ($subj); log: $bdir/prefix-$k.log"
			grep -E 'error' "$bdir/prefix-$k.log" | head -n 10 | sed 's/^/    /'
			fail=1
			row="$row\tFAILED"
		fi
	done
	# KUnit, from the prefix whose tree has the suite's option set.
	kunit="-"
	if grep -qx 'CONFIG_CLONE_AUTOKILL_RUST_KUNIT_TEST=y' "$top/build/series-on/.config" &&
	   [ -f "$top/build/series-on/arch/x86/boot/bzImage" ]; then
		[ -f "$selftests/list" ] || die "no $selftests (run make test VARIANT=rust first: the boot uses its initramfs tools)"
		b=$top/build/series-on
		log=$top/out/series-check/prefix-$k.console.log
		"$top/scripts/mkinitramfs.sh" "$b" "$selftests" "$b/kunit.cpio" --list "$empty" > /dev/null &&
		"$RUNNER" boot --kernel "$b/arch/x86/boot/bzImage" --initrd "$b/kunit.cpio" --log "$log" \
			--timeout 600 --append "possible_cpus=2" --quiet > /dev/null 2>&1
		"$RUNNER" parse --log "$log" --variant rust --out "${log%.console.log}.json" > /dev/null 2>&1
		res=$("$RUNNER" summary "${log%.console.log}.json" 2> /dev/null)
		if grep -qE '^kunit/clone_autokill +[1-9]' <<< "$res" && grep -qE '^[0-9]+ passed, 0 failed' <<< "$(tail -n 1 <<< "$res")"; then
			kunit=$(tail -n 1 <<< "$res")
			say "prefix $k/$total: KUnit passes ($kunit)"
		else
			kunit="FAILED"
			say "prefix $k/$total: KUnit FAILED; console: ${log#"$top"/}"
			tail -n 5 <<< "$res" | sed 's/^/    /'
			fail=1
		fi
	fi
	printf '%b\t%s\n' "$row" "$kunit" >> "$table"
done
say "per-prefix table: ${table#"$top"/}"

# The whole series: samples/pidfd with kbuild's own userprogs rules.
bdir=$top/build/series-on
"$tmp/am/scripts/config" --file "$bdir/.config" -e SAMPLES -e SAMPLE_PIDFD -e HEADERS_INSTALL
make -s -C "$tmp/am" O="$bdir" "${kargs[@]}" olddefconfig > /dev/null
start=$SECONDS
if make -s -C "$tmp/am" O="$bdir" "${kargs[@]}" -j"$JOBS" headers samples/pidfd/ > "$bdir/samples.log" 2>&1 &&
   [ -x "$bdir/samples/pidfd/autokill-run" ] && [ -x "$bdir/samples/pidfd/autokill-demo" ] &&
   ! grep -q 'warning:' "$bdir/samples.log"; then
	say "samples/pidfd builds with CONFIG_SAMPLE_PIDFD, no warnings ($((SECONDS - start)) s)"
else
	say "samples/pidfd builds: FAILED; log: $bdir/samples.log"
	grep -E 'error|warning' "$bdir/samples.log" | head -n 10 | sed 's/^/    /'
	fail=1
fi
exit $fail
