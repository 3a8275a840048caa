#!/usr/bin/env bash
# Usage: stage-kerneldoc.sh [--baseline KEYS] INDEX LOGS TREE FILE...
#
# The kernel-doc stage, under the stages' contract (README.md, "Stages"):
# TREE's scripts/kernel-doc -none -Wall on the given tree-relative C files
# that exist in TREE, each diagnostic as a warning key (warnings.awk) in
# LOGS/INDEX-kernel-doc.keys. With --baseline, the keys that KEYS does
# not hold are new: they go to LOGS/INDEX-kernel-doc.new and the log
# LOGS/INDEX-kernel-doc.log, and fail the stage (without, the log holds
# every key). Run it without
# --baseline before a patch, and with the keys it wrote as the baseline
# after it. Exit 0 pass, 1 fail, 2 usage.
#
#   --baseline KEYS  the keys that are not new
#   -h, --help       this text
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

baseline=''
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--baseline) optval "$@"; baseline=$2; shift ;;
	-*) die usage "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
	shift
done
(($# >= 3)) || die usage "stage-kerneldoc.sh [--baseline KEYS] INDEX LOGS TREE FILE... (see --help)"
idx=$1 logs=$2 tree=$(cd "$3" && pwd)
shift 3
[[ -d $logs ]] || die usage "no folder $logs"
[[ -z $baseline || -f $baseline ]] || die usage "--baseline: no file $baseline"
files=()
for f in "$@"; do
	[[ $f == *.[ch] && -f $tree/$f ]] && files+=("$f")
done
if ((${#files[@]})); then
	(cd "$tree" && { ./scripts/kernel-doc -none -Wall "${files[@]}" 2>&1 || true; }) |
		warning_keys "$tree" - >"$logs/$idx-kernel-doc.keys"
else
	: >"$logs/$idx-kernel-doc.keys"
fi
if [[ -z $baseline ]]; then
	cp "$logs/$idx-kernel-doc.keys" "$logs/$idx-kernel-doc.log"
	exit 0
fi
new_keys "$baseline" <"$logs/$idx-kernel-doc.keys" >"$logs/$idx-kernel-doc.log" || true
[[ -s $logs/$idx-kernel-doc.log ]] || { rm -f "$logs/$idx-kernel-doc.new"; exit 0; }
cp "$logs/$idx-kernel-doc.log" "$logs/$idx-kernel-doc.new"
cat "$logs/$idx-kernel-doc.log" >&2
exit 1
