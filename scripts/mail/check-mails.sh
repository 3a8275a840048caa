#!/usr/bin/env bash
# Usage: check-mails.sh DIR
#
# The checks the list's bots (NIPA) make of a series as a whole, on the
# mails of one series in DIR (*.patch, as git format-patch writes them):
#  - every subject carries "[PATCH k/M]" or "[PATCH vN k/M]" ("[PATCH]"
#    or "[PATCH vN]" alone is 1/1), with one version N (none meaning 1,
#    and a first version not marked "v1") and one count M for all of them;
#  - the patches are 1/M to M/M, each once, and M is at most 15 (a
#    longer series is hard to review: split it);
#  - a series of more than one patch has a cover letter, 0/M.
# Each finding is a line on stderr, naming the file; exit 0 when there
# is none, 1 when there is one, 2 usage.
#
#   -h, --help  this text
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"
[[ ${1:-} == -h || ${1:-} == --help ]] && { usage; exit 0; }
[[ $# -eq 1 && -d $1 ]] || die usage "check-mails.sh DIR: a folder of mails (see --help)"
shopt -s nullglob
mails=("$1"/*.patch)
((${#mails[@]})) || die usage "no mail (*.patch) in $1"

found=0
finding() {
	printf 'check-mails: %s\n' "$1" >&2
	found=1
}

declare -A seen=()
versions='' counts='' cover=0 total=0
for f in "${mails[@]}"; do
	subject=$("$REPO_DIR/scripts/lib/mail-headers.py" get "$f" Subject) ||
		die mails "cannot read the Subject: of $f"
	if [[ ! $subject =~ ^\[PATCH(\ v([0-9]+))?(\ ([0-9]+)/([0-9]+))?\]\  ]]; then
		finding "$(basename "$f"): subject '$subject' has no [PATCH k/M] or [PATCH vN k/M]"
		continue
	fi
	[[ ${BASH_REMATCH[2]} != 1 ]] ||
		finding "$(basename "$f"): subject '$subject' says v1: a first version is [PATCH k/M]"
	v=${BASH_REMATCH[2]:-1} k=$((10#${BASH_REMATCH[4]:-1})) m=$((10#${BASH_REMATCH[5]:-1}))
	versions+="$v"$'\n' counts+="$m"$'\n'
	if ((k == 0)); then
		cover=1
		continue
	fi
	total=$((total + 1))
	((k <= m)) || finding "$(basename "$f"): patch $k of $m"
	[[ -z ${seen[$k]:-} ]] || finding "$(basename "$f"): patch $k/$m again (${seen[$k]})"
	seen[$k]=$(basename "$f")
done
uv=$(grep . <<<"$versions" | sort -u || true)
um=$(grep . <<<"$counts" | sort -un || true)
nv=$(grep -c . <<<"$uv" || true)
nm=$(grep -c . <<<"$um" || true)
((nv <= 1)) || finding "the mails carry $nv versions: $(paste -sd' ' <<<"$uv")"
if ((nm > 1)); then
	finding "the mails count $nm different totals: $(paste -sd' ' <<<"$um")"
elif ((nm == 1)); then
	m=$um
	((total == m)) || finding "$total patches, where the subjects say $m"
	((m <= 15)) || finding "$m patches: at most 15 make a series that can be reviewed (split it)"
	((m <= 1 || cover)) || finding "$m patches and no cover letter (0/$m)"
fi
exit "$found"
