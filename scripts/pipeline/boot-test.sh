#!/usr/bin/env bash
# Usage: boot-test.sh BUILD_DIR OUT_DIR
#
# Boot BUILD_DIR's bzImage in qemu-system-x86_64 with the boot-test
# initramfs (make-initramfs.sh) and keep the serial console in
# OUT_DIR/console.log. KVM when /dev/kvm is usable (and the CPU has
# vmx/svm), TCG otherwise; OUT_DIR/accel says which. The guest is killed
# after XE_STACK_BOOT_TIMEOUT seconds (default 900): a hung guest never
# hangs the pipeline. Exit 0 when the guest ran to its end, 1 otherwise;
# scripts/pipeline/check-boot.py judges the console.
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"
[[ ${1:-} == -h || ${1:-} == --help ]] && { usage; exit 0; }
[[ $# -eq 2 ]] || die usage "boot-test.sh BUILD_DIR OUT_DIR (see --help)"
build=$1 out=$2
timeout=${XE_STACK_BOOT_TIMEOUT:-900}
need qemu-system-x86_64 qemu-system-x86
mkdir -p "$out"
kernel=$build/arch/x86/boot/bzImage
[[ -f $kernel ]] || die boot "no kernel at $kernel"

accel=tcg
! kvm_usable || accel=kvm
echo "$accel" >"$out/accel"

"$REPO_DIR/scripts/pipeline/make-initramfs.sh" "$build" "$out/initramfs.cpio.gz"
cmd=(qemu-system-x86_64 -accel "$accel" -m 2048 -smp 2 -nographic -no-reboot
	-kernel "$kernel" -initrd "$out/initramfs.cpio.gz"
	-append "console=ttyS0 panic=-1 kmemleak=on ${XE_STACK_CMDLINE:-}")
[[ $accel == kvm ]] && cmd+=(-cpu host)
printf '+ %s\n' "$(printf '%q ' "${cmd[@]}")" >"$out/qemu.cmd"
log "booting ($accel, timeout ${timeout}s): $(cat "$out/qemu.cmd")"
rc=0
timeout --kill-after=10 "$timeout" "${cmd[@]}" </dev/null >"$out/console.log" 2>&1 || rc=$?
if ((rc == 124 || rc == 137)); then
	echo "XE-STACK: FAIL guest killed after ${timeout}s" >>"$out/console.log"
	log "guest did not finish in ${timeout}s; last console lines:"
	tail -n 25 "$out/console.log" >&2
	exit 1
fi
if ! grep -q '^XE-STACK: done' "$out/console.log"; then
	log "guest stopped before its end (qemu exit $rc); last console lines:"
	tail -n 25 "$out/console.log" >&2
	exit 1
fi
