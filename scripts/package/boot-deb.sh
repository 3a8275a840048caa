#!/usr/bin/env bash
# Usage: boot-deb.sh [--keep-root] LINUX_IMAGE_DEB OUT_DIR
#
# Install LINUX_IMAGE_DEB (build-deb.sh's) the way a user does, then boot
# the installed kernel: never on this machine, but
# in a Debian root made for the purpose (scripts/setup/bare-root.sh
# --make, OUT_DIR/root) with `apt-get install ./linux-image-V.deb` (dpkg
# with what the package depends on). The kernel and modules that landed
# there (/boot/vmlinuz-V, /lib/modules/V) boot in qemu with a minimal
# initramfs: static busybox, those modules (decompressed) and the boot
# test's own init (scripts/pipeline/guest/init), which loads xe, checks
# that its PCI driver registered (there is no Xe GPU: it binds nothing)
# and unloads it. scripts/pipeline/check-boot.py judges the console:
# any WARN, BUG, Oops or failed step fails. TCG unless KVM works
# (XE_STACK_ACCEL), killed after XE_STACK_BOOT_TIMEOUT seconds (900).
#
# OUT_DIR (new, empty, or an earlier run's; locked while in use) gets
# install.log, console.log, qemu.cmd, the kernel it booted, the initramfs
# and splats; the root is removed at the end unless --keep-root. Needs root (chroot), qemu-system-x86,
# busybox-static, cpio, kmod, xz-utils.
#
#   --keep-root  keep OUT_DIR/root (bare-root.sh --remove deletes it)
#   -h, --help   this text
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

keep=0
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--keep-root) keep=1; shift ;;
	-*) die usage "unknown argument '$1' (see --help)" ;;
	*) break ;;
	esac
done
[[ $# -eq 2 ]] || die usage "boot-deb.sh [--keep-root] LINUX_IMAGE_DEB OUT_DIR (see --help)"
image=$1 out=$2
[[ -f $image && $(basename "$image") == linux-image-*.deb ]] || die usage "no linux-image-*.deb at $image"
image=$(cd "$(dirname "$image")" && pwd)/$(basename "$image")
((EUID == 0)) || die usage "needs root: the package is installed in a chroot"
need dpkg-deb dpkg
need qemu-system-x86_64 qemu-system-x86
need cpio cpio
need depmod kmod
need xz xz-utils
busybox=${XE_STACK_BUSYBOX:-/bin/busybox}
[[ -x $busybox && $(ldd "$busybox" 2>&1 || true) == *"not a dynamic executable"* ]] ||
	die tools "no static busybox at $busybox: install the Debian package 'busybox-static'"
timeout=${XE_STACK_BOOT_TIMEOUT:-900}
[[ $timeout =~ ^[1-9][0-9]*$ ]] || die usage "XE_STACK_BOOT_TIMEOUT='$timeout' is no number of seconds"
v=$(dpkg-deb -f "$image" Package) || die usage "$image: dpkg-deb cannot read it"
v=${v#linux-image-}

hold_lock "$(realpath -m "$out").lock" 8 "$out"
claim_out "$out"
out=$(cd "$out" && pwd)
root=$out/root
bare=$REPO_DIR/scripts/setup/bare-root.sh
# The root goes however the run ends, unless it is to be kept.
cleanup() {
	if ((keep)); then
		[[ ! -d $root ]] || log "the root stays: $root (bare-root.sh --remove it)"
	elif [[ -d $root ]] && ! "$bare" --remove "$root" >/dev/null 2>&1; then
		log "warning: could not remove the root $root: bare-root.sh --remove it"
	fi
}
trap cleanup EXIT

log "[install] a Debian root for the purpose: $root"
"$bare" --make "$root" >"$out/install.log" 2>&1 || { tail -n 20 "$out/install.log" >&2; die install "bare-root.sh --make $root failed"; }
cp "$image" "$root/tmp/"
log "[install] apt-get install ./$(basename "$image") in it"
"$bare" --in "$root" -- env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q --no-install-recommends "/tmp/$(basename "$image")" >>"$out/install.log" 2>&1 ||
	{ tail -n 20 "$out/install.log" >&2; die install "apt-get install of $(basename "$image") failed in $root (see $out/install.log)"; }
# shellcheck disable=SC2016 # dpkg-query's format, not shell
st=$("$bare" --in "$root" -- dpkg-query -W -f '${Status} ${Version}' "linux-image-$v" 2>>"$out/install.log") ||
	die install "dpkg-query knows no linux-image-$v in $root"
printf 'dpkg-query: %s\n' "$st" >>"$out/install.log"
[[ $st == "install ok installed "* ]] || die install "dpkg lists linux-image-$v as '$st' in $root, not installed"
kernel=$root/boot/vmlinuz-$v
mods=$root/lib/modules/$v
[[ -f $kernel ]] || die install "no /boot/vmlinuz-$v in $root after the install"
[[ -f $mods/modules.dep ]] || die install "no /lib/modules/$v/modules.dep in $root after the install"

log "[initramfs] busybox, the installed modules, the boot test's init"
init=$out/initramfs.d
mkdir -p "$init"/{bin,dev,proc,sys,etc,tmp,lib/modules}
cp "$busybox" "$init/bin/busybox"
ln -s busybox "$init/bin/sh"
install -m 755 "$REPO_DIR/scripts/pipeline/guest/init" "$init/init"
printf 'XE_CYCLES=1\nKUNIT_MODULES=""\n' >"$init/etc/xe-stack.conf"
cp -a "$mods" "$init/lib/modules/"
# busybox's modprobe reads modules as they are: decompress them.
find "$init/lib/modules/$v" -name '*.ko.xz' -exec xz -d {} +
find "$init/lib/modules/$v" -name '*.ko.gz' -exec gzip -d {} +
if [[ -n $(find "$init/lib/modules/$v" -name '*.ko.zst' -print -quit) ]]; then
	need zstd zstd
	find "$init/lib/modules/$v" -name '*.ko.zst' -exec zstd -q -d --rm {} +
fi
depmod -b "$init" "$v" || die initramfs "depmod failed for the modules of linux-image-$v"
(cd "$init" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1) >"$out/initramfs.cpio.gz"
rm -rf "$init"
cp "$kernel" "$out/vmlinuz-$v"

accel=tcg
! kvm_usable || accel=kvm
cmd=(qemu-system-x86_64 -accel "$accel" -m 2048 -smp 2 -nographic -no-reboot
	-kernel "$out/vmlinuz-$v" -initrd "$out/initramfs.cpio.gz" -append "console=ttyS0 panic=-1")
[[ $accel == kvm ]] && cmd+=(-cpu host)
printf '+ %s\n' "$(printf '%q ' "${cmd[@]}")" >"$out/qemu.cmd"
log "[boot] the installed $v ($accel, timeout ${timeout}s)"
rc=0
timeout --kill-after=10 "$timeout" "${cmd[@]}" </dev/null >"$out/console.log" 2>&1 || rc=$?
((rc != 124 && rc != 137)) || echo "XE-STACK: FAIL guest killed after ${timeout}s" >>"$out/console.log"
"$REPO_DIR/scripts/pipeline/check-boot.py" "$out/console.log" "$out/splats" ||
	die boot "the installed linux-image-$v failed its boot (console: $out/console.log)"
grep -qF "XE-STACK: boot $v" "$out/console.log" || die boot "the guest did not run linux-image-$v (console: $out/console.log)"
log "[boot] linux-image-$v installed in a root of its own, booted, xe loaded, registered and unloaded"
