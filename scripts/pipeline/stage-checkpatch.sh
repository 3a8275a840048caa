#!/usr/bin/env bash
# Usage: stage-checkpatch.sh INDEX LOGS TREE PATCH_FILE
#
# The checkpatch stage, under the stages' contract (README.md, "Stages"):
# TREE's scripts/checkpatch.pl --strict on PATCH_FILE as it would be
# mailed, its report in LOGS/INDEX-checkpatch.log. Exit 0 when clean, 1 on
# any ERROR, 3 (warn) on WARNINGs or CHECKs only, 2 usage.
# FILE_PATH_CHANGES ("does MAINTAINERS need updating?") is not counted:
# every file the series adds lives under drivers/gpu/drm/xe/, which the
# xe MAINTAINERS entry already covers. UNKNOWN_COMMIT_ID is not either:
# checkpatch.pl looks the ids of Fixes: tags up in the tree's git history,
# and the base is an import of Debian's tarball, which has none.
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"
[[ ${1:-} == -h || ${1:-} == --help ]] && { usage; exit 0; }
[[ $# -eq 4 ]] || die usage "stage-checkpatch.sh INDEX LOGS TREE PATCH_FILE (see --help)"
[[ -d $2 ]] || die usage "no folder $2"
log=$(cd "$2" && pwd)/$1-checkpatch.log
(cd "$3" && ./scripts/checkpatch.pl --strict --showfile --color=never \
	--ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID "$4") >"$log" 2>&1 || true
total=$(grep -E '^total: [0-9]+ errors, [0-9]+ warnings, [0-9]+ checks' "$log" | tail -n1) ||
	die checkpatch "no summary from checkpatch.pl for $4: see $log"
read -r _ errors _ warnings _ checks _ <<<"$total"
((errors + warnings + checks == 0)) ||
	grep -E '^[^ ]+: (ERROR|WARNING|CHECK):' "$log" | head -n 10 >&2 || true
if ((errors > 0)); then exit 1; fi
if ((warnings + checks > 0)); then exit 3; fi
exit 0
