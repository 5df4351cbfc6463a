# SPDX-License-Identifier: GPL-2.0
#
# base.sh - sourced by prepare-tree.sh and variant.sh: the kernel tree the
# project patches, chosen by BASE.
#   debian    Debian's linux-source-7.3 package: 7.3.4 plus Debian's patches,
#             then patches/debian/*.patch (the compat series) before the
#             project's series.  The default: see README.md, "Base".
#   mainline  upstream 7.3.4 unmodified: the orig tarball of Debian's `linux`
#             source package, or KSRC=<tarball or tree>; the series applies
#             to it as it is.
# The default base keeps the plain paths (build/src, build/VARIANT, out/VARIANT);
# another base gets its own (build/src-BASE, build/VARIANT-BASE, out/VARIANT-BASE),
# so switching between them rebuilds neither from scratch.
DEFAULT_BASE=debian
BASE=${BASE:-$DEFAULT_BASE}
case $BASE in
debian | mainline) ;;
*) echo "unknown BASE '$BASE' (debian or mainline)" >&2; exit 2 ;;
esac
export BASE
base_suffix=
[ "$BASE" = "$DEFAULT_BASE" ] || base_suffix=-$BASE
