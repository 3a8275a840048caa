#!/usr/bin/env bash
# Usage: maintainers-table.sh [--update]
#
# Print, per patch of `series` and in stack order, the MAINTAINERS entries
# and the lists the base's scripts/get_maintainer.pl gives for it (run in
# the export repository of export-base.sh, with --no-git: the entries, not
# the history, decide), as a markdown table.
#
#   --update    write the table into MAINTAINERS-notes/README.md, between
#               its "maintainers-table" marker lines
#   -h, --help  this text
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

update=0
case ${1:-} in
-h | --help) usage; exit 0 ;;
--update) update=1 ;;
"") ;;
*) die usage "unknown argument '$1' (see --help)" ;;
esac
need perl perl
notes=$REPO_DIR/MAINTAINERS-notes/README.md

# The export repository is not changed under us (export-series.sh).
cache_lock git
read -r repo base < <("$REPO_DIR/scripts/mail/export-base.sh") || die base "export-base.sh failed"
# get_maintainer.pl reads the base's MAINTAINERS from the work tree.
git -C "$repo" checkout -q -f --detach "$base" || die base "cannot check out $base in $repo"

table() {
	local mail p subsys lists
	read_mail_series "$REPO_DIR/series" "$REPO_DIR/patches"
	printf '| mail series | patch | MAINTAINERS entries | lists |\n| --- | --- | --- | --- |\n'
	for mail in "${mail_names[@]}"; do
		while IFS= read -r p; do
			[[ -n $p ]] || continue
			subsys=$(get_maintainer "$repo" --no-email --no-l --subsystem "$REPO_DIR/patches/$p" | sort |
				paste -sd ';' | sed 's/;/; /g') || die maintainers "get_maintainer.pl failed on $p"
			lists=$(get_maintainer "$repo" --no-m --no-r --l "$REPO_DIR/patches/$p" | sort |
				sed 's/@.*//' | paste -sd ',' | sed 's/,/, /g') || die maintainers "get_maintainer.pl failed on $p"
			printf '| %s | %s | %s | %s |\n' "$mail" "${p%.patch}" "$subsys" "$lists"
		done <<<"${mail_own[$mail]}"
	done
}

if ((update)); then
	[[ $(grep -c '^<!-- maintainers-table \(start\|end\) -->$' "$notes") -eq 2 ]] ||
		die notes "$notes has no maintainers-table marker lines"
	table >"$notes.table"
	awk -v t="$notes.table" '/^<!-- maintainers-table end -->$/ { while ((getline l < t) > 0) print l; skip = 0 }
		!skip { print } /^<!-- maintainers-table start -->$/ { skip = 1 }' "$notes" >"$notes.new"
	rm -f "$notes.table"
	mv "$notes.new" "$notes"
	log "updated $notes"
else
	table
fi
