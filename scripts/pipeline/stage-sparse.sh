#!/usr/bin/env bash
# Usage: stage-sparse.sh [--baseline KEYS] [--scope DIR]... INDEX LOGS TREE CONFIG
#
# The sparse stage, under the stages' contract (README.md, "Stages"):
# judge what sparse said in the build of CONFIG that stage-build.sh
# --sparse ran for INDEX (LOGS/INDEX-build-CONFIG.log and .keys). Its
# lines go to LOGS/INDEX-sparse.log, its keys under the scope to
# LOGS/INDEX-sparse.keys, and with --baseline those that KEYS does not
# hold to LOGS/INDEX-sparse.new: they fail the stage. Exit 0 pass, 1
# fail, 2 usage.
#
#   --baseline KEYS  the keys that are not new
#   --scope DIR      where findings count (repeatable; default
#                    drivers/gpu/drm/)
#   -h, --help       this text
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

baseline='' scope=()
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--baseline) optval "$@"; baseline=$2; shift ;;
	--scope) optval "$@"; scope+=("$2"); shift ;;
	-*) die usage "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
	shift
done
(($# == 4)) || die usage "stage-sparse.sh [--baseline KEYS] [--scope DIR]... INDEX LOGS TREE CONFIG (see --help)"
idx=$1 logs=$2 tree=$3 cfg=$4
build_log=$logs/$idx-build-$cfg.log
[[ -f $build_log && -f $logs/$idx-build-$cfg.keys ]] || die usage "no build of $cfg for $idx in $logs (stage-build.sh --sparse first)"
[[ -z $baseline || -f $baseline ]] || die usage "--baseline: no file $baseline"
((${#scope[@]})) || scope=(drivers/gpu/drm/)
rm -f "$logs/$idx-sparse.new"

grep '^sparse: ' "$build_log" >"$logs/$idx-sparse.log" || true
{ grep '^sparse' "$logs/$idx-build-$cfg.keys" || true; } | in_scope "${scope[@]}" >"$logs/$idx-sparse.keys"
[[ -n $baseline ]] || exit 0
new=$(new_keys "$baseline" <"$logs/$idx-sparse.keys" || true)
[[ -n $new ]] || exit 0
printf '%s\n' "$new" >"$logs/$idx-sparse.new"
log "[sparse] new sparse warnings:"
show_new "$tree" "$build_log" "$new" >&2
exit 1
