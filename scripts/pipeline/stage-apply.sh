#!/usr/bin/env bash
# Usage: stage-apply.sh INDEX LOGS TREE
#
# The apply stage, under the stages' contract (README.md, "Stages"):
# apply the next patch of TREE's quilt series (quilt push), its output in
# LOGS/INDEX-apply.log. If it does not apply, the log shows the rejected
# hunks, the patch is popped so that nothing is left half applied, and the
# stage fails. Exit 0 pass, 1 fail, 2 usage.
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"
[[ ${1:-} == -h || ${1:-} == --help ]] && { usage; exit 0; }
[[ $# -eq 3 ]] || die usage "stage-apply.sh INDEX LOGS TREE (see --help)"
[[ -d $2 ]] || die usage "no folder $2"
[[ -d $3 ]] || die usage "no tree $3"
log=$(cd "$2" && pwd)/$1-apply.log
# Everything goes to the log; on a failure, the rejected hunks (at most 40
# lines) and why go to stderr too (fd 3), once.
exec 3>&2 >"$log" 2>&1
# shellcheck disable=SC2317 # called by the trap
failed() {
	{ sed -n '/^--- rejected hunks/,$p' "$log" | sed '$d' | head -n 40; tail -n 1 "$log"; } >&3
}
trap 'rc=$?; ((rc == 0)) || failed' EXIT
export QUILTRC="$REPO_DIR/scripts/pipeline/quiltrc"
cd "$3"
next=$(quilt next) || die apply "no patch left to apply in $3"
if run quilt push; then
	exit 0
fi
# Apply it with rejects to show them, then roll back.
echo "--- rejected hunks of $next:"
quilt push -f >/dev/null 2>&1 || true
find . -path ./.pc -prune -o -name '*.rej' -print0 2>/dev/null |
	while IFS= read -r -d '' rej; do
		printf '=== %s\n' "${rej#./}"
		cat "$rej"
		rm -f "$rej" "${rej%.rej}.orig"
	done
if [[ $(quilt top 2>/dev/null) == "$next" ]]; then
	quilt pop -f -q >/dev/null
fi
die apply "patch $next does not apply (rejects above; tree restored to $(quilt top 2>/dev/null || echo 'no patch applied'))"
