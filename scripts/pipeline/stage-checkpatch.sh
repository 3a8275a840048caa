#!/usr/bin/env bash
# Usage: stage-checkpatch.sh TREE PATCH_FILE
#
# Run TREE's scripts/checkpatch.pl --strict on PATCH_FILE as it would be
# mailed. Exit 0 when clean, 1 on any ERROR, 3 on WARNINGs or CHECKs only.
# FILE_PATH_CHANGES ("does MAINTAINERS need updating?") is not counted:
# every file the series adds lives under drivers/gpu/drm/xe/, which the
# xe MAINTAINERS entry already covers. UNKNOWN_COMMIT_ID is not either:
# checkpatch.pl looks the ids of Fixes: tags up in the tree's git history,
# and the base is an import of Debian's tarball, which has none.
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"
[[ ${1:-} == -h || ${1:-} == --help ]] && { usage; exit 0; }
[[ $# -eq 2 ]] || die usage "stage-checkpatch.sh TREE PATCH_FILE (see --help)"
out=$(cd "$1" && ./scripts/checkpatch.pl --strict --showfile --color=never \
	--ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID "$2" 2>&1) || true
printf '%s\n' "$out"
total=$(grep -E '^total: [0-9]+ errors, [0-9]+ warnings, [0-9]+ checks' <<<"$out" | tail -n1)
[[ -n $total ]] || die checkpatch "no summary from checkpatch.pl for $2"
read -r _ errors _ warnings _ checks _ <<<"$total"
if ((errors > 0)); then exit 1; fi
if ((warnings + checks > 0)); then exit 3; fi
exit 0
