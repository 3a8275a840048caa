#!/usr/bin/env bash
# Usage: stage-boot.sh [--prev-kunit JSON] [--splats-ref FILE | --record] TREE BUILD_DIR OUT_DIR
#
# The KUnit and boot stages of one kernel: boot BUILD_DIR's kernel in qemu
# (boot-test.sh), parse the KUnit results from the console with TREE's own
# tools/testing/kunit/kunit.py (OUT_DIR/kunit.json, .xml, .txt, .ktap),
# compare them with JSON (kunit-compare.py) and judge the console's splats
# against FILE (check-boot.py; --record: only record them, for a base).
# OUT_DIR/kunit.log and OUT_DIR/boot.log say why a stage failed.
#
# Exit status: 0 both passed, 1 KUnit failed, 2 boot failed, 3 both.
#
#   --prev-kunit JSON  KUnit results of the previous kernel (default: none,
#                      every test must pass or skip)
#   --splats-ref FILE  splat signatures of the reference kernel
#   --record           the reference itself: record splats, do not judge
#   -h, --help         this text
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

prev=
ref=
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--prev-kunit) optval "$@"; prev=$2; shift ;;
	--splats-ref) optval "$@"; ref=$2; shift ;;
	--record) ref=--record ;;
	-*) die usage "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
	shift
done
[[ $# -eq 3 ]] || die usage "stage-boot.sh [OPTIONS] TREE BUILD_DIR OUT_DIR (see --help)"
tree=$1 build=$2 d=$3
mkdir -p "$d"
rc=0 status=0
"$REPO_DIR/scripts/pipeline/boot-test.sh" "$build" "$d" >"$d/boot.log" 2>&1 || rc=$?

# KUnit, from the console, with the kernel's own parser: only from the
# first KUnit module on (the built-in executor prints an empty KTAP
# header at boot).
sed -n '/XE-STACK: kunit module/,/XE-STACK: kmemleak\|XE-STACK: done/p' \
	"$d/console.log" >"$d/kunit.console" 2>/dev/null || true
python3 "$tree/tools/testing/kunit/kunit.py" parse --json="$d/kunit.json" \
	--junit="$d/kunit.xml" "$d/kunit.console" >"$d/kunit.txt" 2>&1 || true
python3 "$tree/tools/testing/kunit/kunit.py" parse --raw_output=kunit \
	"$d/kunit.console" >"$d/kunit.ktap" 2>/dev/null || true
if [[ ! -s $d/kunit.json ]]; then
	echo "kunit: no results parsed from the console" >"$d/kunit.log"
	status=1
elif ! "$REPO_DIR/scripts/pipeline/kunit-compare.py" "$d/kunit.json" ${prev:+"$prev"} >"$d/kunit.log" 2>&1; then
	status=1
fi

if ! "$REPO_DIR/scripts/pipeline/check-boot.py" "$d/console.log" "$d/splats" ${ref:+"$ref"} >>"$d/boot.log" 2>&1 ||
	((rc != 0)); then
	status=$((status | 2))
fi
exit "$status"
