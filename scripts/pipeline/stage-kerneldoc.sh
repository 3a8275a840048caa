#!/usr/bin/env bash
# Usage: stage-kerneldoc.sh TREE FILE...
#
# Print the kernel-doc diagnostics (scripts/kernel-doc -none -Wall) of the
# given tree-relative C files that exist in TREE, one normalized key per
# line (see warnings.awk), sorted. Run it before and after a patch and
# compare with comm to see what the patch added.
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"
[[ ${1:-} == -h || ${1:-} == --help ]] && { usage; exit 0; }
[[ $# -ge 1 ]] || die usage "stage-kerneldoc.sh TREE FILE... (see --help)"
tree=$(cd "$1" && pwd)
shift
files=()
for f in "$@"; do
	[[ $f == *.[ch] && -f $tree/$f ]] && files+=("$f")
done
((${#files[@]})) || exit 0
(cd "$tree" && { ./scripts/kernel-doc -none -Wall "${files[@]}" 2>&1 || true; }) |
	awk -v src="$tree" -f "$REPO_DIR/scripts/pipeline/warnings.awk" | sort -u
