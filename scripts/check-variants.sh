#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-variants.sh - checks across kernel variants, printed as a KTAP suite
# between runner markers (read back with `runner parse`):
#   - the rust kernel links the Rust entry points (System.map) and runs them:
#     copy_process() and clone3() call them and pidfs_file_operations'
#     release slot holds the Rust handler (read from vmlinux: llvm-objdump,
#     and the struct's bytes at C's offsetof(), compiled with kbuild's own
#     command); the c kernel links none, calls none, and its slot holds the C;
#   - the clone3 errno matrix is identical in every variant;
#   - what an autokill pidfd shows in F_GETFL and fdinfo is identical.
#   - kunit.py parse reads every variant's KUnit results as the runner does.
# The rust/c checks run for x86_64 (rust, c) and arm64 (rust-arm64, c-arm64).
# The suite always has the same 36 cases (configs/expected.tsv checks the
# count): what this run cannot check, because a variant is not in it, is a
# skip that says so; missing data of a variant that ran is a failure.
#
# Usage: check-variants.sh VARIANT...   (the variants that ran)
# Environment: OUT_<variant> and BUILD_<variant> (a dash in the name as _)
# replace out/<variant> and build/<variant> (make mutants checks a mutant's kernel as the rust one).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
RUNNER=$top/runner/target/release/runner
variants=("$@")
RUST_SYMS="rust_copy_process_check_flags rust_clone3_args_valid rust_clone_pidfd_flags
	   rust_clone_set_no_new_privs rust_clone_set_autoreap rust_pidfs_file_release"
# What copy_process() calls in a Rust kernel (patch "fork: use the Rust clone
# flag checks..."), and which function of clone3() calls rust_clone3_args_valid.
COPY_PROCESS_CALLS="rust_copy_process_check_flags rust_clone_pidfd_flags rust_clone_set_no_new_privs
		    rust_clone_set_autoreap"
CLONE3_FUNCS="__do_sys_clone3 __se_sys_clone3 __x64_sys_clone3 __arm64_sys_clone3 sys_clone3"
OBJDUMP=${OBJDUMP:-/usr/lib/llvm-19/bin/llvm-objdump}
n=0
tests=()
ok() { n=$((n + 1)); tests+=("ok $n $1"); }
notok() { n=$((n + 1)); tests+=("not ok $n $1"); }
skip() { n=$((n + 1)); tests+=("ok $n $1 # SKIP $2"); }
# A diagnostic, kept just before the result it explains (the last one is its reason).
note() { local l; while IFS= read -r l; do tests+=("# $l"); done <<< "$1"; }
# (OUT_rust_arm64 for rust-arm64: a variable name has no dash.)
out_of() { local var="OUT_${1//-/_}"; echo "${!var:-$top/out/$1}"; }
build_of() { local var="BUILD_${1//-/_}"; echo "${!var:-$top/build/$1}"; }
has() { grep -qE " [tTwW] $2\$" "$(out_of "$1")/System.map" 2>/dev/null; }
in_list() { local x; for x in "${variants[@]}"; do [ "$x" = "$1" ] && return 0; done; return 1; }
# calls VMLINUX CALLEE FUNC...: one of the FUNCs (those vmlinux has) calls or
# tail-calls CALLEE, by its disassembly.  Status 2 if vmlinux has none of them.
# (No "| grep -q" here: under pipefail, its early exit fails the producer.)
calls() {
	local vml=$1 callee=$2 f syms dis found=0
	shift 2
	syms=$(nm "$vml" 2> /dev/null)
	for f in "$@"; do
		grep -qE " [tT] $f\$" <<< "$syms" || continue
		found=1
		dis=$("$OBJDUMP" -d --no-show-raw-insn --disassemble-symbols="$f" "$vml" 2> /dev/null)
		grep -qE "^[[:space:]]*[0-9a-f]+:[[:space:]]+(callq?|jmpq?|bl|b)[[:space:]].*<$callee>" <<< "$dis" &&
			return 0
	done
	[ $found = 1 ] || return 2
	return 1
}
# holds VMLINUX OBJECT FUNC [OFFSET]: the object (a struct of function
# pointers, e.g. a file_operations) contains FUNC's address, read from the
# section vmlinux keeps it in; with OFFSET, in the 8 bytes at that offset (one
# member's slot) only.  An address that fails to read counts as absent.
holds() {
	local vml=$1 obj=$2 fn=$3 off=${4:-} addr size faddr line sec_addr sec_off sec_size words
	read -r addr size < <(nm -S "$vml" 2> /dev/null | awk -v s="$obj" '$4 == s { print $1, $2; exit }')
	faddr=$(nm "$vml" 2> /dev/null | awk -v s="$fn" '$3 == s { print $1; exit }')
	[ -n "${addr:-}" ] && [ -n "${size:-}" ] && [ -n "$faddr" ] || return 1
	if [ -n "$off" ]; then
		(( off + 8 <= 0x$size )) || return 1
		addr=$(printf '%x' $(( 0x$addr + off ))) size=8
	fi
	while read -r line; do
		read -r sec_addr sec_off sec_size <<< "$line"
		if (( 0x$addr >= 0x$sec_addr && 0x$addr < 0x$sec_addr + 0x$sec_size )); then
			words=$(od -An -v -tx8 -j $(( 0x$sec_off + 0x$addr - 0x$sec_addr )) -N $(( 0x$size )) "$vml")
			grep -qx "0*${faddr#0*}" <<< "$(tr -s ' ' '\n' <<< "$words")"
			return
		fi
	done < <(readelf -SW "$vml" | sed 's/\[ */[/' | awk '$1 ~ /^\[[0-9]+\]$/ && $3 != "NOBITS" { print $4, $5, $6 }')
	return 1
}
# release_offset BUILD: offsetof(struct file_operations, release) in the kernel
# built in BUILD, compiled with the command kbuild ran for fs/pidfs.o there (the
# same compiler, flags, config and headers), so the slot is C's, not a guess.
release_offset() {
	local b=$1 cmd src
	cmd=$(sed -n 's/^savedcmd_fs\/pidfs\.o := //p' "$b/fs/.pidfs.o.cmd" 2> /dev/null)
	[ -n "$cmd" ] || return 1
	cmd=${cmd/-Wp,-MMD,fs\/.pidfs.o.d/}
	cmd=${cmd% -c -o fs/pidfs.o *}
	src=$(mktemp --suffix=.c)
	printf '%s\n' '#include <linux/fs.h>' \
		'const unsigned long autokill_release_offset = offsetof(struct file_operations, release);' > "$src"
	(cd "$b" && PATH=/usr/lib/llvm-19/bin:$PATH && eval "$cmd -S -o - $src") 2> /dev/null |
		awk '/^autokill_release_offset:/ { getline; if ($2 ~ /^[0-9]+$/) print $2; exit }'
	rm -f "$src"
}

# The symbol, call and slot checks of one architecture's rust and c kernels
# (16 cases): per_arch SUFFIX, with the variants rust$SUFFIX and c$SUFFIX.
per_arch() {
	local rv=rust$1 cv=c$1 s t bad rust_map c_map rust_vml c_vml rust_release c_release
	# The rust kernel's symbols: 6 cases.
	rust_map=$(out_of "$rv")/System.map c_map=$(out_of "$cv")/System.map
	for s in $RUST_SYMS; do
		if ! in_list "$rv"; then
			skip "$rv kernel has Rust symbol $s" "variant $rv not in this run"
		elif [ ! -f "$rust_map" ]; then
			note "no ${rust_map#"$top"/}, although variant $rv ran"
			notok "$rv kernel has Rust symbol $s"
		elif has "$rv" "$s"; then
			ok "$rv kernel has Rust symbol $s"
		else
			notok "$rv kernel has Rust symbol $s"
		fi
	done
	# What the rust kernel runs, from its vmlinux: 6 cases.  (That it links the
	# Rust proves nothing: only a call site or the release slot does.)
	rust_vml=$(build_of "$rv")/vmlinux
	runs() { # what to check, test name
		if ! in_list "$rv"; then
			skip "$2" "variant $rv not in this run"
		elif [ ! -f "$rust_vml" ]; then
			note "no ${rust_vml#"$top"/}, although variant $rv ran"
			notok "$2"
		elif eval "$1"; then
			ok "$2"
		else
			notok "$2"
		fi
	}
	for s in $COPY_PROCESS_CALLS; do
		runs 'calls "$rust_vml" '"$s"' copy_process' "$rv kernel: copy_process() calls $s"
	done
	runs 'calls "$rust_vml" rust_clone3_args_valid $CLONE3_FUNCS' "$rv kernel: clone3() calls rust_clone3_args_valid"
	rust_release=$(release_offset "$(build_of "$rv")")
	[ -n "$rust_release" ] || ! in_list "$rv" || note "no offsetof(struct file_operations, release) from $(build_of "$rv")/fs/.pidfs.o.cmd"
	runs '[ -n "$rust_release" ] && holds "$rust_vml" pidfs_file_operations rust_pidfs_file_release "$rust_release" &&
	      ! holds "$rust_vml" pidfs_file_operations pidfs_file_release' \
		"$rv kernel: pidfs_file_operations.release is rust_pidfs_file_release, and the C is in no slot"
	# The c kernel's: 2 cases.
	if ! in_list "$cv"; then
		skip "$cv kernel links no Rust entry point" "variant $cv not in this run"
		skip "$cv kernel links pidfs_file_release" "variant $cv not in this run"
	elif [ ! -f "$c_map" ]; then
		note "no ${c_map#"$top"/}, although variant $cv ran"
		notok "$cv kernel links no Rust entry point"
		note "no ${c_map#"$top"/}, although variant $cv ran"
		notok "$cv kernel links pidfs_file_release"
	else
		bad=0
		for s in $RUST_SYMS; do has "$cv" "$s" && { bad=1; note "$cv kernel links $s"; }; done
		if [ $bad = 0 ]; then ok "$cv kernel links no Rust entry point"; else notok "$cv kernel links no Rust entry point"; fi
		if has "$cv" pidfs_file_release; then ok "$cv kernel links pidfs_file_release"; else notok "$cv kernel links pidfs_file_release"; fi
	fi
	# What the c kernel runs: 2 cases.
	c_vml=$(build_of "$cv")/vmlinux
	for t in "$cv kernel: copy_process() and clone3() call no Rust entry point" \
		 "$cv kernel: pidfs_file_operations.release is pidfs_file_release"; do
		if ! in_list "$cv"; then
			skip "$t" "variant $cv not in this run"
		elif [ ! -f "$c_vml" ]; then
			note "no ${c_vml#"$top"/}, although variant $cv ran"
			notok "$t"
		elif [[ $t == *"call no Rust"* ]]; then
			bad=0
			for s in $RUST_SYMS; do
				calls "$c_vml" "$s" copy_process $CLONE3_FUNCS
				case $? in
				0) bad=1; note "the $cv kernel calls $s" ;;
				2) bad=1; note "no copy_process() or clone3() function in ${c_vml#"$top"/}" ;;
				esac
			done
			if [ $bad = 0 ]; then ok "$t"; else notok "$t"; fi
		elif c_release=$(release_offset "$(build_of "$cv")") && [ -n "$c_release" ] &&
		     holds "$c_vml" pidfs_file_operations pidfs_file_release "$c_release"; then
			ok "$t"
		else
			notok "$t"
		fi
	done
}

echo "##> suite-begin cross/variants"
per_arch ""
per_arch -arm64

# The errno matrix: 2 cases.  Every variant that ran must have produced one
# (runner parse removes a stale matrix.tsv), and matrix-diff checks that each
# is complete (131712 rows) and that they are identical.
args=() missing=()
for v in "${variants[@]}"; do
	if [ -f "$(out_of "$v")/matrix.tsv" ]; then args+=("$v=$(out_of "$v")/matrix.tsv"); else missing+=("$v"); fi
done
if [ ${#variants[@]} -lt 2 ]; then
	skip "clone3 errno matrix identical" "fewer than two variants in this run"
	skip "every variant that ran produced a matrix" "fewer than two variants in this run"
else
	if [ ${#args[@]} -lt 2 ]; then
		note "only ${#args[@]} of ${#variants[@]} variants produced a matrix: nothing to compare"
		notok "clone3 errno matrix identical across ${variants[*]}"
	# (Its lines say "runner matrix-diff:": runner parse takes "# matrix" for the matrix itself.)
	elif out=$("$RUNNER" matrix-diff "${args[@]}" 2>&1 | sed 's/^/runner /'); then
		note "$out"
		ok "clone3 errno matrix identical across ${variants[*]}"
	else
		# The headline (first line) last: it becomes the failure's reason.
		[ "$(echo "$out" | wc -l)" -gt 1 ] && note "$(echo "$out" | tail -n +2 | head -n 20)"
		note "$(echo "$out" | head -n 1)"
		notok "clone3 errno matrix identical across ${variants[*]}"
	fi
	if [ ${#missing[@]} = 0 ]; then
		ok "every variant that ran produced a matrix"
	else
		note "no matrix from ${missing[*]} (out/VARIANT/matrix.tsv)"
		notok "every variant that ran produced a matrix"
	fi
fi

# What an autokill pidfd looks like from userspace: 1 case, every variant that ran.
ref="" same=1 seen=0 silent=()
for v in "${variants[@]}"; do
	log=$(out_of "$v")/console.log
	cur=
	[ -f "$log" ] && cur=$(grep -a '# autokill-fdinfo: ' "$log" | sed 's/^.*# autokill-fdinfo: //' | tr -d '\r')
	[ -n "$cur" ] || { silent+=("$v"); continue; }
	seen=$((seen + 1))
	if [ -z "$ref" ]; then ref=$cur refv=$v
	elif [ "$cur" != "$ref" ]; then
		same=0
		note "$(diff <(echo "$ref") <(echo "$cur") | sed "s/^/$refv vs $v: /" | head -n 20)"
	fi
done
if [ ${#variants[@]} -lt 2 ]; then skip "autokill pidfd F_GETFL/fdinfo identical" "fewer than two variants in this run"
elif [ ${#silent[@]} -gt 0 ]; then
	note "no '# autokill-fdinfo:' line in the console of ${silent[*]}"
	notok "autokill pidfd F_GETFL/fdinfo identical across variants"
elif [ $same = 1 ]; then ok "autokill pidfd F_GETFL/fdinfo identical across $seen variants"
else note "the variants' autokill-fdinfo lines differ (above)"; notok "autokill pidfd F_GETFL/fdinfo identical across variants"; fi

# The kernel's own kunit.py reads the same consoles: 1 case.  kunit.py parse
# --json (KUnit's KTAP only) against the runner's export (out/VARIANT/kunit.json,
# every suite in kunit.py's format): runner kunit-compare requires every group
# kunit.py found, with the same counts and cases, and at least one group.
KUNIT_PY=${KUNIT_PY:-$top/build/src/patched/tools/testing/kunit/kunit.py}
t="kunit.py parse and the runner agree on every KUnit suite of every variant"
if [ ${#variants[@]} = 0 ]; then
	skip "$t" "no variant in this run"
elif [ ! -f "$KUNIT_PY" ]; then
	note "no ${KUNIT_PY#"$top"/} (the patched tree's tools/testing/kunit)"
	notok "$t"
else
	bad=0 groups=0
	theirs=$(mktemp)
	for v in "${variants[@]}"; do
		o=$(out_of "$v")
		if [ ! -f "$o/kunit.json" ]; then
			bad=1; note "no ${o#"$top"/}/kunit.json (runner parse --kunit-json), although variant $v ran"; continue
		fi
		if ! python3 "$KUNIT_PY" parse --json="$theirs" "$o/console.log" > /dev/null 2>&1; then
			bad=1; note "kunit.py parse failed on ${o#"$top"/}/console.log"; continue
		fi
		if r=$("$RUNNER" kunit-compare --ours "$o/kunit.json" --theirs "$theirs" 2>&1); then
			groups=$((groups + $(grep -c '^ok ' <<< "$r")))
		else
			bad=1; note "$(grep -E '^not ok|rror' <<< "$r" | sed "s/^/$v: /" | head -n 5)"
		fi
	done
	rm -f "$theirs"
	if [ $bad = 0 ]; then ok "$t ($groups suites in ${#variants[@]} variants)"; else notok "$t"; fi
fi

echo "TAP version 13"
echo "1..$n"
printf '%s\n' "${tests[@]}"
echo "##> suite-end cross/variants rc=0"
echo "##> guest-exit: ok"
