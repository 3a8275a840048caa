#!/usr/bin/env bash
# Usage: stage-checkpatch.sh [--profile strict|drm] INDEX LOGS TREE PATCH_FILE
#
# The checkpatch stage, under the stages' contract (README.md, "Stages"):
# TREE's scripts/checkpatch.pl on PATCH_FILE as it would be mailed, its
# report in LOGS/INDEX-checkpatch.log (strict) or
# LOGS/INDEX-checkpatch-drm.log (drm). Exit 0 when clean, 1 on any ERROR,
# 3 (warn) on WARNINGs or CHECKs only, 2 usage.
#
#   --profile strict  (default) --strict, every type but two:
#                     FILE_PATH_CHANGES ("does MAINTAINERS need
#                     updating?"): every file the series adds lives under
#                     drivers/gpu/drm/xe/, which the xe MAINTAINERS entry
#                     covers; and UNKNOWN_COMMIT_ID (below)
#   --profile drm     the options Intel's CI and the drm maintainers' tools
#                     run checkpatch with: --strict --max-line-length=100,
#                     BIT_MACRO, SPLIT_STRING, LONG_LINE_STRING and
#                     BOOL_MEMBER ignored, FILE_PATH_CHANGES reported
#                     (what that CI will say of the patch)
#   -h, --help        this text
#
# UNKNOWN_COMMIT_ID is ignored in both: checkpatch.pl looks the ids of
# Fixes: tags up in TREE's git history, and the work tree has none (the
# process stage looks them up where the base is a git checkout).
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"
profile=strict
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--profile) optval "$@"; profile=$2; shift ;;
	-*) die usage "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
	shift
done
case $profile in
strict) name=checkpatch opts=(--strict --ignore 'FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID') ;;
# With each finding's type, as that CI's reports show it.
drm) name=checkpatch-drm opts=(--strict --max-line-length=100 --show-types
	--ignore 'BIT_MACRO,SPLIT_STRING,LONG_LINE_STRING,BOOL_MEMBER,UNKNOWN_COMMIT_ID') ;;
*) die usage "--profile: strict or drm, not '$profile'" ;;
esac
[[ $# -eq 4 ]] || die usage "stage-checkpatch.sh [--profile P] INDEX LOGS TREE PATCH_FILE (see --help)"
[[ -d $2 ]] || die usage "no folder $2"
log=$(cd "$2" && pwd)/$1-$name.log
(cd "$3" && ./scripts/checkpatch.pl "${opts[@]}" --showfile --color=never "$4") >"$log" 2>&1 || true
total=$(grep -E '^total: [0-9]+ errors, [0-9]+ warnings, [0-9]+ checks' "$log" | tail -n1) ||
	die checkpatch "no summary from checkpatch.pl ($profile) for $4: see $log"
read -r _ errors _ warnings _ checks _ <<<"$total"
((errors + warnings + checks == 0)) ||
	grep -E '^[^ ]*: (ERROR|WARNING|CHECK):' "$log" | head -n 10 >&2 || true
if ((errors > 0)); then exit 1; fi
if ((warnings + checks > 0)); then exit 3; fi
exit 0
