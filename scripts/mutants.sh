#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mutants.sh - make mutants: every mutation of configs/mutants.tsv applied in
# turn to a scratch copy of the patched tree, the rust kernel rebuilt
# incrementally, booted with KUnit and the selftests the mutant names, and
# checked across variants against the c kernel.  A mutant is killed when a
# test fails; one that survives is a missing test.  Not part of make check
# (about 2-4 minutes per mutant).
#
# Usage: mutants.sh [ID...]   (default: every mutant in the file)
#
# Needs the rust and c variants built (make kernel VARIANT=c, make test):
# the selftests are the rust variant's, the cross-variant check compares the
# mutant with the c kernel.  The scratch tree is a git worktree of the patched
# tree in build/mutants/src; the kernel is built in build/mutants/obj.
#
# Results: out/mutants/mutants.tsv (id, outcome, what killed it, seconds) and
# out/mutants/ID.{log,json}; the last line is "N passed, N failed, N skipped"
# (a mutant killed passes).  Exit 0 only if every mutant was killed.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
RUNNER=$top/runner/target/release/runner
list=$top/configs/mutants.tsv
patched=$top/build/src/patched
src=$top/build/mutants/src
obj=$top/build/mutants/obj
kout=$top/out/mutants/kernel
out=$top/out/mutants

die() { echo "mutants: error: $*" >&2; exit 2; }
say() { echo "  MUTANT  $*"; }

for need in "$top/build/rust/selftests/list" "$top/out/c/System.map" "$top/build/c/vmlinux"; do
	[ -e "$need" ] || die "no ${need#"$top"/}: build the rust and c variants first (make test; make kernel VARIANT=c)"
done

"$top/scripts/prepare-tree.sh" patched > /dev/null
commit=$(git -C "$patched" rev-parse HEAD)
if [ ! -e "$src/.git" ]; then
	say "scratch tree: a worktree of the patched tree in build/mutants/src"
	mkdir -p "$top/build/mutants"
	git -C "$patched" worktree add -q -f --detach "$src" "$commit"
fi
git -C "$src" checkout -q -f --detach "$commit"
git -C "$src" reset -q --hard
mkdir -p "$out" "$kout"

# The mutants: id<TAB>file<TAB>from<TAB>to<TAB>only<TAB>what, "\t" and "\n" escaped.
ids=() files=() froms=() tos=() onlys=() whats=()
while IFS=$'\t' read -r id file from to only what; do
	case $id in '' | '#'*) continue ;; esac
	[ -n "$what" ] || die "configs/mutants.tsv: mutant '$id' has fewer than 6 fields"
	ids+=("$id") files+=("$file") froms+=("$(printf '%b' "$from")") tos+=("$(printf '%b' "$to")")
	onlys+=("$only") whats+=("$what")
done < "$list"
[ ${#ids[@]} -gt 0 ] || die "configs/mutants.tsv lists no mutant"
for w in "$@"; do
	[[ " ${ids[*]} " == *" $w "* ]] || die "unknown mutant '$w'"
done

# mutate FILE FROM TO: replace the one occurrence of FROM in FILE by TO.
mutate() {
	local file=$1 from=$2 to=$3 text rest
	text=$(cat "$file"; echo x)
	text=${text%x}
	rest=${text//"$from"/}
	case $(( (${#text} - ${#rest}) / ${#from} )) in
	1) printf '%s' "${text/"$from"/"$to"}" > "$file" ;;
	0) echo "the text to replace is not in ${file#"$src"/}"; return 1 ;;
	*) echo "the text to replace occurs more than once in ${file#"$src"/}"; return 1 ;;
	esac
}

# Check every mutant applies before building anything.
for i in "${!ids[@]}"; do
	f=$src/${files[$i]}
	[ -f "$f" ] || die "mutant ${ids[$i]}: no file ${files[$i]}"
	cp "$f" "$out/.probe"
	msg=$(mutate "$out/.probe" "${froms[$i]}" "${tos[$i]}") || die "mutant ${ids[$i]}: $msg"
done
rm -f "$out/.probe"

# The unmutated kernel first: a mutant must be killed by a test that passes here.
build() {
	"$top/scripts/build-kernel.sh" mutant "$src" "$obj" "$kout" \
		"$top/configs/base.config" "$top/configs/x86_64.config" "$top/configs/rust.config"
}
boot() {
	local only=$1 override=()
	[ -f "$top/configs/rust.tests" ] && override=(--override "$top/configs/rust.tests")
	"$top/scripts/mkinitramfs.sh" "$obj" "$top/build/rust/selftests" "$obj/initramfs.cpio" \
		--only "$only" "${override[@]}"
	"$RUNNER" boot --kernel "$kout/bzImage" --initrd "$obj/initramfs.cpio" --log "$kout/console.log" \
		--timeout "${BOOT_TIMEOUT:-1200}" --append "possible_cpus=2" --quiet || true
	"$RUNNER" parse --log "$kout/console.log" --variant rust --out "$kout/results.json" \
		--matrix-out "$kout/matrix.tsv" > /dev/null
}
# What failed: the suites with a failure in the summary, and the cross check's not-ok cases.
failures() {
	"$RUNNER" summary "$kout/results.json" 2>/dev/null |
		awk 'NF == 4 && $3 ~ /^[0-9]+$/ && $3 > 0 { printf "%s ", $1 }' || true
	OUT_rust=$kout BUILD_rust=$obj "$top/scripts/check-variants.sh" rust c 2>/dev/null |
		sed -n 's/^not ok [0-9]* \(.*\)/cross: \1;/p' | tr '\n' ' ' || true
}

say "the kernel without a mutation (build/mutants/obj)"
build
boot .
base_fail=$(failures)
[ -z "$base_fail" ] || die "the unmutated kernel already fails: $base_fail (out/mutants/kernel)"

printf 'mutant\toutcome\tkilled by\tseconds\twhat\n' > "$out/mutants.tsv"
killed=0 survived=0 t0=$SECONDS
for i in "${!ids[@]}"; do
	id=${ids[$i]} f=$src/${files[$i]}
	if [ $# -gt 0 ] && [[ " $* " != *" $id "* ]]; then continue; fi
	start=$SECONDS
	mutate "$f" "${froms[$i]}" "${tos[$i]}" > /dev/null
	outcome= by=
	if ! build > "$out/$id.log" 2>&1; then
		outcome=stillborn by="does not build (see out/mutants/$id.log)"
	else
		# The matrix and the fdinfo record always run: the cross-variant check reads them.
		boot "${onlys[$i]}|clone_matrix|autokill_test" >> "$out/$id.log" 2>&1
		cp "$kout/results.json" "$out/$id.json"
		by=$(failures)
		if [ -n "$by" ]; then outcome=killed; else outcome=survived by=-; fi
	fi
	git -C "$src" checkout -q -- "${files[$i]}"
	secs=$((SECONDS - start))
	printf '%s\t%s\t%s\t%s\t%s\n' "$id" "$outcome" "$by" "$secs" "${whats[$i]}" >> "$out/mutants.tsv"
	if [ "$outcome" = killed ]; then
		killed=$((killed + 1)); say "killed   $id ($secs s): $by"
	else
		survived=$((survived + 1)); say "${outcome^^} $id ($secs s): ${whats[$i]}"
	fi
done
# Leave the scratch kernel unmutated for the next run's incremental build.
build > /dev/null 2>&1 || true
say "$((SECONDS - t0)) s for the mutants; table: out/mutants/mutants.tsv"
echo "$killed passed, $survived failed, 0 skipped"
[ "$survived" = 0 ]
