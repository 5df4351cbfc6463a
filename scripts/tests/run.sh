#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - host-side tests of the pipeline's failure paths, as a KTAP suite
# between runner markers: each deliberately broken input must stop the
# pipeline with a message that names what is wrong.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
# RUNNER: the runner binary to test (default: the one make check builds).
RUNNER=${RUNNER:-$top/runner/target/release/runner}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
res=()
check() { # name, expected exit (nonzero|zero), regex the output must match, command...
	local name=$1 want=$2 re=$3 rc=0
	shift 3
	"$@" > "$tmp/out" 2>&1 || rc=$?
	n=$((n + 1))
	local good=0
	case $want in
	nonzero) [ $rc -ne 0 ] && good=1 ;;
	zero) [ $rc -eq 0 ] && good=1 ;;
	esac
	if [ $good = 1 ] && grep -qE -- "$re" "$tmp/out"; then
		res+=("ok $n $name")
	else
		res+=("not ok $n $name")
		echo "# $name: exit $rc, output:"
		sed 's/^/#   /' "$tmp/out" | head -n 20
	fi
}

# A tiny stand-in for the pristine tree, so these tests need no kernel source.
mk_base() {
	mkdir -p "$tmp/src/base/kernel" "$tmp/ovl/kernel" "$tmp/patches"
	printf 'all:\n' > "$tmp/src/base/Makefile"
	printf 'int a;\nint b;\nint c;\n' > "$tmp/src/base/kernel/fork.c"
	git -C "$tmp/src/base" init -q
	git -C "$tmp/src/base" add -A
	git -C "$tmp/src/base" -c user.name=t -c user.email=t@localhost commit -q -m base
	git -C "$tmp/src/base" tag base
	printf '// new file\n' > "$tmp/ovl/kernel/new.rs"
}
mk_base
cat > "$tmp/patches/0001-good.patch" <<'P'
--- a/kernel/fork.c
+++ b/kernel/fork.c
@@ -1,3 +1,3 @@
 int a;
-int b;
+int b2;
 int c;
P
prep() { SRCDIR=$tmp/src OVERLAY_ROOT=$tmp/ovl PATCHDIR=$tmp/patches "$top/scripts/prepare-tree.sh" patched; }
check "prepare-tree applies the overlay and series" zero "1 overlay files, 1 patches" prep
check "patched tree has the patch applied" zero "int b2" cat "$tmp/src/patched/kernel/fork.c"
cat > "$tmp/patches/0002-stale.patch" <<'P'
--- a/kernel/fork.c
+++ b/kernel/fork.c
@@ -1,3 +1,3 @@
 int a;
-int nonexistent;
+int d;
 int c;
P
check "a patch that does not apply stops, naming patch and hunk" nonzero \
	"patch 0002-stale.patch does not apply.*|kernel/fork.c:1" prep
rm "$tmp/patches/0002-stale.patch"

# A requested config option that drops out of the final .config.
printf 'CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_RUST=y\n' > "$tmp/frag.config"
printf 'CONFIG_A=y\n# CONFIG_RUST is not set\n' > "$tmp/dot.config"
check "a dropped config option stops the build, named" nonzero "CONFIG_RUST" \
	"$RUNNER" verify-config "$tmp/dot.config" "$tmp/frag.config"
printf 'CONFIG_A=y\nCONFIG_RUST=y\n' > "$tmp/dot.config"
check "a complete config passes" zero "all 3 requested options present" \
	"$RUNNER" verify-config "$tmp/dot.config" "$tmp/frag.config"

# Missing kernel source.
check "a missing KSRC is a clear error" nonzero "KSRC=.*neither a directory nor a tarball" \
	env KSRC="$tmp/nowhere" "$top/scripts/fetch-source.sh" "$tmp/dest"
printf 'not a tarball' > "$tmp/bad.tar.xz"
check "an unreadable KSRC tarball is a clear error" nonzero "not a readable tarball" \
	env KSRC="$tmp/bad.tar.xz" "$top/scripts/fetch-source.sh" "$tmp/dest2"
# BASE=mainline refuses a tree with Debian's patches, and a cached orig tarball
# whose checksum is not the one its .dsc gives.
mkdir -p "$tmp/deb-tree/kernel"
printf 'all:\n' > "$tmp/deb-tree/Makefile"
printf 'int unprivileged_userns_clone = 1;\n' > "$tmp/deb-tree/kernel/user_namespace.c"
check "BASE=mainline refuses a tree with Debian's patches" nonzero \
	"carries Debian's patches .*unprivileged_userns_clone.*not mainline" \
	env BASE=mainline KSRC="$tmp/deb-tree" "$top/scripts/fetch-source.sh" "$tmp/dest3"
mkdir -p "$tmp/cache/srcpkg"
tar -C "$tmp" -cJf "$tmp/cache/srcpkg/linux_9.9.9.orig.tar.xz" deb-tree
printf 'Checksums-Sha256:\n %064d 1 linux_9.9.9.orig.tar.xz\n' 0 > "$tmp/cache/srcpkg/linux_9.9.9-1.dsc"
check "BASE=mainline refuses an orig tarball whose checksum is not the .dsc's" nonzero \
	"linux_9.9.9.orig.tar.xz: sha256 [0-9a-f]{64}, but linux_9.9.9-1.dsc says 0{64}" \
	env BASE=mainline KVER=9.9.9 CACHE="$tmp/cache" "$top/scripts/fetch-source.sh" "$tmp/dest4"

# A failing test, a kernel WARN and a hung guest, read back from consoles.
cat > "$tmp/console.log" <<'L'
##> guest-exit: crash
##> suite-begin pidfd/x
TAP version 13
1..2
ok 1 global.a
not ok 2 global.b
##> suite-end pidfd/x rc=1
[    2.000000] WARNING: CPU: 0 PID: 1 at kernel/fork.c:1 copy_process+0x1/0x2
##> guest-exit: ok
L
"$RUNNER" parse --log "$tmp/console.log" --variant t --out "$tmp/r.json" > /dev/null
check "a failing test and a WARN fail the summary" nonzero "SPLAT.*WARNING: CPU" "$RUNNER" summary "$tmp/r.json"
check "the summary ends with the totals line" nonzero "^1 passed, 2 failed, 0 skipped$" "$RUNNER" summary "$tmp/r.json"
printf '#!/bin/sh\necho "##> guest-exit: crash"\nexec sleep 60\n' > "$tmp/qemu"
chmod +x "$tmp/qemu"
check "a hung guest is a reported timeout with the console tail" nonzero "TIMEOUT after 2 s" \
	"$RUNNER" boot --qemu "$tmp/qemu" --kernel /dev/null --initrd /dev/null --log "$tmp/hang.log" --timeout 2 --quiet

# check.sh under CI=true refuses every override that reduces coverage, before any
# work, with the totals line last.  It runs from a copy in a scratch tree, so
# that if it did not refuse, it would stop at once (no runner to build there).
mkdir -p "$tmp/top/scripts"
cp "$top/scripts/check.sh" "$tmp/top/scripts/"
last_line() { "$@" > "$tmp/last" 2>&1; local rc=$?; cat "$tmp/last"; echo "last line: $(tail -n 1 "$tmp/last")"; return $rc; }
totals='last line: 0 passed, 1 failed, 0 skipped$'
check "CI=true refuses ONLY" nonzero "$totals" \
	last_line env CI=true ONLY=autokill "$tmp/top/scripts/check.sh" upstream c rust debug
check "CI=true names the refused override" nonzero "refus.*ONLY=autokill" \
	env CI=true ONLY=autokill "$tmp/top/scripts/check.sh" upstream c rust debug
check "CI=true refuses fewer VARIANTS" nonzero "$totals" \
	last_line env CI=true "$tmp/top/scripts/check.sh" rust
check "CI=true refuses APPEND" nonzero "$totals" \
	last_line env CI=true APPEND=PIDFD_FEATURE_OPTIONAL=1 "$tmp/top/scripts/check.sh" upstream c rust debug
check "CI=true refuses CHECK_BENCH=0" nonzero "$totals" \
	last_line env CI=true CHECK_BENCH=0 "$tmp/top/scripts/check.sh" upstream c rust debug
check "CI=true refuses TESTLIST" nonzero "$totals" \
	last_line env CI=true TESTLIST=/dev/null "$tmp/top/scripts/check.sh" upstream c rust debug

# The expected-results manifest: a console with nothing but the guest's final line.
printf '##> guest-exit: ok\n' > "$tmp/empty.log"
"$RUNNER" parse --log "$tmp/empty.log" --variant rust --out "$tmp/empty.json" > /dev/null
check "a run that reports no suite fails configs/expected.tsv" nonzero \
	"FAIL required suite kunit/clone_autokill is missing" \
	"$RUNNER" summary --expect "$top/configs/expected.tsv" "$tmp/empty.json"

# check-variants.sh on crafted out/ trees (a copy of the script in a scratch tree).
cv=$tmp/cv
mkdir -p "$cv/scripts" "$cv/runner/target/release"
cp "$top/scripts/check-variants.sh" "$cv/scripts/"
ln -s "$RUNNER" "$cv/runner/target/release/runner"
for v in upstream c rust; do
	mkdir -p "$cv/out/$v"
	awk 'BEGIN { print "index\tresult"; for (i = 0; i < 131712; i++) print i "\tok" }' > "$cv/out/$v/matrix.tsv"
	# A KUnit suite as the kernel prints it at boot, and the runner's kunit.py export of it.
	printf '%s\n' 'KTAP version 1' '1..1' '    KTAP version 1' '    # Subtest: demo_suite' '    1..2' \
		'    ok 1 demo_case' '    ok 2 demo_other # SKIP not here' 'ok 1 demo_suite' \
		'# autokill-fdinfo: flags=02000002' > "$cv/out/$v/console.log"
	"$RUNNER" parse --log "$cv/out/$v/console.log" --variant "$v" --out "$cv/out/$v/results.json" \
		--kunit-json "$cv/out/$v/kunit.json" > /dev/null
done
# A stand-in for the kernel's kunit.py (the tree is not needed here): parse
# --json=FILE LOG writes the runner's own export of LOG, or with KUNIT_BREAK
# set, the same with one count changed, or with KUNIT_NONE no group at all.
cat > "$tmp/kunit.py" <<'PY'
import json, os, sys
out = [a.split("=", 1)[1] for a in sys.argv if a.startswith("--json=")][0]
d = json.load(open(os.path.join(os.path.dirname(sys.argv[-1]), "kunit.json")))
if os.environ.get("KUNIT_BREAK"):
    d["sub_groups"][0]["misc"]["passed"] += 1
if os.environ.get("KUNIT_NONE"):
    d["sub_groups"] = []
json.dump(d, open(out, "w"))
PY
export KUNIT_PY=$tmp/kunit.py
for s in rust_copy_process_check_flags rust_clone3_args_valid rust_clone_pidfd_flags \
	 rust_clone_set_no_new_privs rust_clone_set_autoreap rust_pidfs_file_release; do
	echo "ffffffff81000000 T $s"
done > "$cv/out/rust/System.map"
for s in pidfs_file_release copy_process_check_flags clone3_args_valid clone3_stack_valid; do
	echo "ffffffff81000000 T $s"
done > "$cv/out/c/System.map"
# Stand-in vmlinux files: copy_process() and __do_sys_clone3() calling (or
# not) the Rust entry points, and a pidfs_file_operations whose release slot
# holds the Rust or the C handler; built with gcc -O0 so every call stays.
cat > "$tmp/vmlinux.c" <<'C'
#define F(n) void n(void) {}
F(rust_copy_process_check_flags) F(rust_clone_pidfd_flags) F(rust_clone_set_no_new_privs)
F(rust_clone_set_autoreap) F(rust_clone3_args_valid) F(rust_pidfs_file_release)
F(pidfs_file_release)
#include <linux/fs.h>
#ifndef SLOT
#define SLOT release
#endif
const struct file_operations pidfs_file_operations = { .SLOT = RELEASE };
void copy_process(void)
{
#ifdef RUST
	rust_copy_process_check_flags(); rust_clone_pidfd_flags();
	rust_clone_set_no_new_privs(); rust_clone_set_autoreap();
#endif
}
void __do_sys_clone3(void)
{
#ifdef RUST
	rust_clone3_args_valid();
#endif
}
void _start(void) {}
C
# Its struct file_operations, and the kbuild command check-variants.sh takes
# to compile offsetof(struct file_operations, release).
mkdir -p "$tmp/inc/linux"
echo 'struct file_operations { void (*open)(void); void (*release)(void); void (*poll)(void); };' \
	> "$tmp/inc/linux/fs.h"
for v in rust c; do
	mkdir -p "$cv/build/$v/fs"
	echo "savedcmd_fs/pidfs.o := gcc -Wp,-MMD,fs/.pidfs.o.d -include stddef.h -I$tmp/inc -c -o fs/pidfs.o fs/pidfs.c" \
		> "$cv/build/$v/fs/.pidfs.o.cmd"
done
fake_vmlinux() { # out, cc flags...
	local o=$1
	shift
	mkdir -p "$(dirname "$o")"
	gcc -O0 -fno-inline -nostdlib -static -fno-pie -no-pie -I"$tmp/inc" "$@" -o "$o" "$tmp/vmlinux.c"
}
fake_vmlinux "$cv/build/rust/vmlinux" -DRUST -DRELEASE=rust_pidfs_file_release
fake_vmlinux "$cv/build/c/vmlinux" -DRELEASE=pidfs_file_release
with() { local -x "$1"; shift; "$@"; } # NAME=VALUE command...: with that in its environment
cross() { # variants...: check-variants.sh, parsed, summarised
	"$cv/scripts/check-variants.sh" "$@" > "$cv/variants.log" 2>&1
	"$RUNNER" parse --log "$cv/variants.log" --variant cross --out "$cv/variants.json" > /dev/null
	"$RUNNER" summary "$cv/variants.json"
}
check "check-variants passes on complete data of x86_64 (arm64's checks skip)" zero \
	"^20 passed, 0 failed, 16 skipped$" cross upstream c rust
check "check-variants: kunit.py counting otherwise than the runner fails" nonzero \
	"FAIL kunit.py parse and the runner agree.*passed" with KUNIT_BREAK=1 cross upstream c rust
check "check-variants: kunit.py finding no KUnit suite fails" nonzero \
	"FAIL kunit.py parse and the runner agree.*nothing was compared" with KUNIT_NONE=1 cross upstream c rust
# The arm64 twins (stand-ins: the same files), checked the same way and compared.
for v in rust c; do
	cp -r "$cv/out/$v" "$cv/out/$v-arm64"
	cp -r "$cv/build/$v" "$cv/build/$v-arm64"
done
check "check-variants passes on complete data of both architectures" zero \
	"^36 passed, 0 failed, 0 skipped$" cross upstream c rust rust-arm64 c-arm64
sed -i '2s/ok$/EINVAL/' "$cv/out/rust-arm64/matrix.tsv"
check "check-variants: an arm64 matrix that differs from x86_64's fails" nonzero \
	"FAIL clone3 errno matrix identical" cross upstream c rust rust-arm64 c-arm64
rm -r "$cv/out/rust-arm64" "$cv/out/c-arm64" "$cv/build/rust-arm64" "$cv/build/c-arm64"
# The fork.c patch's IS_ENABLED() mistyped: the rust kernel runs the C.
fake_vmlinux "$cv/build/rust/vmlinux" -DRELEASE=rust_pidfs_file_release
check "check-variants: a rust kernel whose copy_process() calls no Rust fails" nonzero \
	"FAIL rust kernel: copy_process\(\) calls rust_copy_process_check_flags" cross upstream c rust
fake_vmlinux "$cv/build/rust/vmlinux" -DRUST -DRELEASE=pidfs_file_release
check "check-variants: a rust kernel whose pidfs release slot holds the C fails" nonzero \
	"FAIL rust kernel: pidfs_file_operations.release is rust_pidfs_file_release" cross upstream c rust
fake_vmlinux "$cv/build/rust/vmlinux" -DRUST -DRELEASE=rust_pidfs_file_release -DSLOT=poll
check "check-variants: a rust kernel with the Rust handler in another slot fails" nonzero \
	"FAIL rust kernel: pidfs_file_operations.release is rust_pidfs_file_release" cross upstream c rust
mv "$cv/build/rust/fs/.pidfs.o.cmd" "$cv/rust.cmd"
fake_vmlinux "$cv/build/rust/vmlinux" -DRUST -DRELEASE=rust_pidfs_file_release
check "check-variants: no kbuild command to read the release slot's offset from fails" nonzero \
	"FAIL rust kernel: pidfs_file_operations.release is rust_pidfs_file_release" \
	cross upstream c rust
mv "$cv/rust.cmd" "$cv/build/rust/fs/.pidfs.o.cmd"
fake_vmlinux "$cv/build/rust/vmlinux" -DRUST -DRELEASE=rust_pidfs_file_release
fake_vmlinux "$cv/build/c/vmlinux" -DRUST -DRELEASE=pidfs_file_release
check "check-variants: a c kernel that calls Rust fails" nonzero \
	"FAIL c kernel: copy_process\(\) and clone3\(\) call no Rust entry point" cross upstream c rust
fake_vmlinux "$cv/build/c/vmlinux" -DRELEASE=pidfs_file_release
mv "$cv/out/c/matrix.tsv" "$cv/c-matrix.tsv"
check "check-variants: a variant that ran without a matrix fails" nonzero \
	"FAIL every variant that ran produced a matrix.*no matrix from c" cross upstream c rust
check "check-variants: one matrix of two variants that ran fails, not skips" nonzero \
	"FAIL clone3 errno matrix identical" cross c rust
mv "$cv/c-matrix.tsv" "$cv/out/c/matrix.tsv"
head -n 1001 "$cv/out/c/matrix.tsv" > "$cv/short.tsv"
cp "$cv/short.tsv" "$cv/out/upstream/matrix.tsv"
cp "$cv/short.tsv" "$cv/out/c/matrix.tsv"
check "check-variants: truncated matrices fail" nonzero "1000 rows, expected 131712" cross upstream c
check "check-variants: one variant alone skips the comparisons, with the reason" zero \
	"SKIP clone3 errno matrix identical.*fewer than two variants in this run" cross rust
mv "$cv/out/rust/System.map" "$cv/rust.map"
check "check-variants: the rust kernel's System.map missing fails" nonzero \
	"FAIL rust kernel has Rust symbol rust_clone3_args_valid" cross rust

echo "##> suite-begin host/pipeline"
echo "TAP version 13"
echo "1..$n"
printf '%s\n' "${res[@]}"
echo "##> suite-end host/pipeline rc=0"
echo "##> guest-exit: ok"
