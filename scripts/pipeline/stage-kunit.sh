#!/usr/bin/env bash
# Usage: stage-kunit.sh [--prev-kunit JSON] INDEX LOGS TREE BOOT_DIR
#
# The kunit stage, under the stages' contract (README.md, "Stages"): the
# KUnit modules' results in the console of the boot that stage-boot.sh
# ran into BOOT_DIR, parsed with TREE's own tools/testing/kunit/kunit.py
# (BOOT_DIR/kunit.json, .xml, .txt, .ktap) and compared with JSON, the
# previous kernel's (kunit-compare.py): a test that passed and now fails
# or is gone, or a suite that ran and is gone, fails the stage; so does a
# console with no result. The comparison is LOGS/INDEX-kunit.log. Exit 0
# pass, 1 fail, 2 usage.
#
#   --prev-kunit JSON  KUnit results of the previous kernel (default: none,
#                      every test must pass or skip)
#   -h, --help         this text
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

prev=''
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--prev-kunit) optval "$@"; prev=$2; shift ;;
	-*) die usage "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
	shift
done
[[ $# -eq 4 ]] || die usage "stage-kunit.sh [--prev-kunit JSON] INDEX LOGS TREE BOOT_DIR (see --help)"
idx=$1 logs=$2 tree=$3 d=$4
[[ -d $logs ]] || die usage "no folder $logs"
[[ -d $d ]] || die usage "no boot in $d (stage-boot.sh first)"
[[ -z $prev || -f $prev ]] || die usage "--prev-kunit: no file $prev"
log=$logs/$idx-kunit.log

# Only from the first KUnit module on: the built-in executor prints an
# empty KTAP header at boot.
sed -n '/XE-STACK: kunit module/,/XE-STACK: kmemleak\|XE-STACK: done/p' \
	"$d/console.log" >"$d/kunit.console" 2>/dev/null || true
rm -f "$d/kunit.json"
python3 "$tree/tools/testing/kunit/kunit.py" parse --json="$d/kunit.json" \
	--junit="$d/kunit.xml" "$d/kunit.console" >"$d/kunit.txt" 2>&1 || true
python3 "$tree/tools/testing/kunit/kunit.py" parse --raw_output=kunit \
	"$d/kunit.console" >"$d/kunit.ktap" 2>/dev/null || true
rc=0
if [[ ! -s $d/kunit.json ]]; then
	echo "kunit: no results parsed from the console" >"$log"
	rc=1
elif ! "$REPO_DIR/scripts/pipeline/kunit-compare.py" "$d/kunit.json" ${prev:+"$prev"} >"$log" 2>&1; then
	rc=1
fi
grep -m1 '^kunit:' "$log" >&2 || true
((rc == 0)) || grep -E 'REGRESSION|no KUnit|no results' "$log" | head -n 10 >&2 || true
exit "$rc"
