#!/usr/bin/env bash
# Usage: stage-apply.sh TREE
#
# Apply the next patch of TREE's quilt series (quilt push). If it does not
# apply, show the rejected hunks, then pop it so that nothing is left half
# applied, and exit 1.
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"
[[ ${1:-} == -h || ${1:-} == --help ]] && { usage; exit 0; }
[[ $# -eq 1 ]] || die usage "stage-apply.sh TREE (see --help)"
export QUILTRC="$REPO_DIR/scripts/pipeline/quiltrc"
cd "$1"
next=$(quilt next) || die apply "no patch left to apply in $1"
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
