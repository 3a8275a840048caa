#!/usr/bin/env bash
# Usage: stage-build.sh [--sparse] [--baseline KEYS] INDEX LOGS TREE CONFIG
#
# The build stage, under the stages' contract (README.md, "Stages"):
# build CONFIG (a row of config-fragments/matrix) of TREE with
# build-kernel.sh (W=1), the output in LOGS/INDEX-build-CONFIG.log, and
# every finding of the build as a warning key (warnings.awk) in
# LOGS/INDEX-build-CONFIG.keys. With --baseline, the compiler's keys
# that KEYS (a file of keys) does not hold are new: they go to
# LOGS/INDEX-build-CONFIG.new and fail the stage. Sparse's and
# kernel-doc's keys are their own stages' to judge (stage-sparse.sh,
# stage-kerneldoc.sh). Exit 0 pass, 1 fail (the build failed, or a
# compiler warning is new), 2 usage.
#
#   --sparse         also run sparse on what is recompiled (C=1)
#   --baseline KEYS  the keys that are not new
#   -h, --help       this text
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

sparse=() baseline=
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--sparse) sparse=(--sparse) ;;
	--baseline) optval "$@"; baseline=$2; shift ;;
	-*) die usage "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
	shift
done
(($# == 4)) || die usage "stage-build.sh [--sparse] [--baseline KEYS] INDEX LOGS TREE CONFIG (see --help)"
idx=$1 logs=$2 tree=$3 cfg=$4
[[ -d $logs ]] || die usage "no folder $logs"
[[ -z $baseline || -f $baseline ]] || die usage "--baseline: no file $baseline"
log=$logs/$idx-build-$cfg.log
rm -f "$logs/$idx-build-$cfg.new"

status=0
if ! "$REPO_DIR/scripts/pipeline/build-kernel.sh" "${sparse[@]}" "$tree" "$cfg" >"$log" 2>&1; then
	status=1
	log "[build] $cfg: the build fails: see $log"
	grep -E ': (fatal )?error: |^ERROR: modpost: |^make.*Error' "$log" | grep -v '^sparse: ' | head -n 20 >&2 || true
fi
warning_keys "$tree" "$log" >"$logs/$idx-build-$cfg.keys"
[[ -n $baseline ]] || exit "$status"
new=$(grep -vE '^(sparse|kernel-doc)' "$logs/$idx-build-$cfg.keys" | new_keys "$baseline" || true)
if [[ -n $new ]]; then
	status=1
	printf '%s\n' "$new" >"$logs/$idx-build-$cfg.new"
	log "[build] new compiler warnings in $cfg:"
	show_new "$tree" "$log" "$new" >&2
fi
exit "$status"
