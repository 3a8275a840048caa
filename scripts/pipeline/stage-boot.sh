#!/usr/bin/env bash
# Usage: stage-boot.sh [--splats-ref FILE | --record] INDEX LOGS BUILD_DIR OUT_DIR
#
# The boot stage, under the stages' contract (README.md, "Stages"): boot
# BUILD_DIR's kernel in qemu (boot-test.sh; OUT_DIR gets console.log, the
# initramfs and the qemu command) and judge the console (check-boot.py):
# a splat that FILE, the reference kernel's splat signatures, has fewer
# of, a failed step of the guest or a guest that never ends fails the
# stage. OUT_DIR/splats gets this kernel's signatures, each with its
# stack fingerprint; the log, LOGS/INDEX-boot.log, says why it failed,
# with the new splats' frames decoded by the kernel's
# scripts/decode_stacktrace.sh against BUILD_DIR's vmlinux. stage-kunit.sh then judges the
# KUnit results of the same console. Exit 0 pass, 1 fail, 2 usage.
#
#   --splats-ref FILE  splat signatures of the reference kernel
#   --record           the reference itself: record splats, do not judge
#   -h, --help         this text
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

ref=''
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--splats-ref) optval "$@"; ref=$2; shift ;;
	--record) ref=--record ;;
	-*) die usage "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
	shift
done
[[ $# -eq 4 ]] || die usage "stage-boot.sh [--splats-ref FILE | --record] INDEX LOGS BUILD_DIR OUT_DIR (see --help)"
idx=$1 logs=$2 build=$3 d=$4
[[ -d $logs ]] || die usage "no folder $logs"
[[ -z $ref || $ref == --record || -f $ref ]] || die usage "--splats-ref: no file $ref"
mkdir -p "$d"
log=$logs/$idx-boot.log
rc=0
"$REPO_DIR/scripts/pipeline/boot-test.sh" "$build" "$d" >"$log" 2>&1 || rc=$?
"$REPO_DIR/scripts/pipeline/check-boot.py" "$d/console.log" "$d/splats" ${ref:+"$ref"} >>"$log" 2>&1 || rc=1
((rc != 0)) || exit 0
# The new splats' frames through the kernel's decode_stacktrace.sh, with
# this build's vmlinux and modules: file:line where it has debug info.
# (An out-of-tree build dir links its tree as "source".)
decode=$build/source/scripts/decode_stacktrace.sh
if grep -q '^new splat' "$log" && [[ -x $decode && -f $build/vmlinux ]]; then
	frames=$(sed -n 's/^    //p' "$log")
	echo "decode_stacktrace.sh $build/vmlinux:" >>"$log"
	timeout 120 "$decode" "$build/vmlinux" auto "$build" <<<"$frames" >>"$log" 2>&1 || true
fi
sed -n '/^new splat\|XE-STACK: FAIL\|did not reach/,+6p' "$log" | head -n 30 >&2
exit 1
