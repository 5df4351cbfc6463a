# SPDX-License-Identifier: GPL-2.0
#
# arch.sh - sourced by the scripts that build or boot a variant: what differs
# per architecture.  A variant's name says its architecture: "rust" and
# "c" are x86_64, "rust-arm64" and "c-arm64" the same kernels for arm64
# (make ... ARCH=arm64 VARIANT=rust runs rust-arm64).
#
# arch_setup VARIANT sets:
#   karch        the kernel's ARCH (x86_64 or arm64); kvariant: VARIANT without
#                its architecture suffix (what selects the tree and fragments)
#   kimage       the image make builds, relative to the build directory
#   image        its name in out/VARIANT (bzImage or Image)
#   qemu_arch    runner boot --arch (the QEMU binary, machine and console);
#                qemu_bin: that binary
#   cross        CROSS_COMPILE for the guest's userspace (empty: the host's gcc)
#   ucflags      extra C flags for it (a sysroot's headers), uldflags its libraries
#   busybox      the guest's static busybox
ARCHES="x86_64 arm64"
# The kernel's make takes ARCH from the environment: each build passes its own.
unset ARCH

arch_setup() {
	local v=$1 top=${top:?}
	case $v in
	*-arm64) karch=arm64 kvariant=${v%-arm64} ;;
	*) karch=x86_64 kvariant=$v ;;
	esac
	case $karch in
	x86_64)
		kimage=arch/x86/boot/bzImage image=bzImage qemu_arch=x86_64 qemu_bin=qemu-system-x86_64
		cross= ucflags= uldflags= busybox=/bin/busybox
		;;
	arm64)
		kimage=arch/arm64/boot/Image image=Image qemu_arch=arm64 qemu_bin=qemu-system-aarch64
		cross=aarch64-linux-gnu-
		# busybox-static and libcap-dev of arm64, from Debian's archive (no host install).
		local sysroot
		sysroot=$("$top/scripts/cross-sysroot.sh" arm64 | tail -n 1) || return 1
		ucflags="-isystem $sysroot/usr/include"
		uldflags="-L$sysroot/usr/lib/aarch64-linux-gnu"
		busybox=$sysroot/bin/busybox
		;;
	esac
}
