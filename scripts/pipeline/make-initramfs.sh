#!/usr/bin/env bash
# Usage: make-initramfs.sh BUILD_DIR OUT_FILE [KUNIT_MODULES]
#
# Build the boot-test initramfs for a built kernel: Debian's static
# busybox, the kernel's modules (make modules_install from BUILD_DIR) and
# scripts/pipeline/guest/init, which cycles xe, loads KUNIT_MODULES (default: the
# names in kunit-configs/modules) and scans for leaks. Written as a gzip'd
# newc cpio to OUT_FILE.
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"
[[ ${1:-} == -h || ${1:-} == --help ]] && { usage; exit 0; }
[[ $# -eq 2 || $# -eq 3 ]] || die usage "make-initramfs.sh BUILD_DIR OUT_FILE [KUNIT_MODULES] (see --help)"
build=$1 out=$2
modules=${3:-$(sed 's/#.*//' "$REPO_DIR/kunit-configs/modules" | xargs)}
busybox=${XE_STACK_BUSYBOX:-/bin/busybox}
[[ -x $busybox && $(ldd "$busybox" 2>&1 || true) == *"not a dynamic executable"* ]] ||
	die tools "no static busybox at $busybox: install the Debian package 'busybox-static'"
need cpio cpio
need depmod kmod

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,etc,tmp}
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
install -m 755 "$REPO_DIR/scripts/pipeline/guest/init" "$root/init"
printf 'XE_CYCLES=%s\nKUNIT_MODULES="%s"\n' "${XE_STACK_XE_CYCLES:-3}" "$modules" >"$root/etc/xe-stack.conf"
make -s -C "$build" INSTALL_MOD_PATH="$root" INSTALL_MOD_STRIP=1 DEPMOD=/sbin/depmod modules_install >/dev/null ||
	die boot "make modules_install failed in $build"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
