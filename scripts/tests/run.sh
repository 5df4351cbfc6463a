#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - host-side tests of the pipeline's failure paths, as a KTAP suite
# between runner markers: each deliberately broken input must stop the
# pipeline with a message that names what is wrong.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
RUNNER=$top/runner/target/release/runner
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

echo "##> suite-begin host/pipeline"
echo "TAP version 13"
echo "1..$n"
printf '%s\n' "${res[@]}"
echo "##> suite-end host/pipeline rc=0"
echo "##> guest-exit: ok"
