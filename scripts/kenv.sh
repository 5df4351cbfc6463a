# SPDX-License-Identifier: GPL-2.0
#
# kenv.sh - sourced by the build scripts: the toolchain every kernel build uses
# (Debian's rustc-web with its matching core sources, clang/lld 19, bindgen
# from the cache), so that kernel, rustdoc, clippy and rustfmt agree.
CACHE=${CACHE:-$HOME/.cache/pidfd-autokill-rs}
export PATH=/usr/lib/llvm-19/bin:$PATH
export LIBCLANG_PATH=/usr/lib/llvm-19/lib
JOBS=${JOBS:-3}
# CLIPPY=1: every build runs clippy on the Rust code (clippy-driver is rustc
# plus lints, so the objects are the same); warnings land in build.log.
KMAKE_ARGS=(LLVM=1 CLIPPY=1 RUSTC=/usr/bin/rustc HOSTRUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
	    RUSTFMT=/usr/bin/rustfmt CLIPPY_DRIVER=/usr/bin/clippy-driver
	    BINDGEN="$CACHE/cargo/bin/bindgen")
if [ "${V:-0}" = 1 ]; then KMAKE_ARGS+=(V=1); fi
