#!/usr/bin/env bash
# Usage: import-series.sh [--trailers MSGID | --trailers-mbox FILE]...
#                         [--from REF] [--series FILE] [--patches DIR]
#                         [--refs PREFIX]
#
# Write an exported stack branch back into the patch files, the way back
# of export-series.sh: commit k after the base becomes the k-th patch file
# named in `series` (the branch must hold as many commits as `series`
# names patches, in the same order; file names are kept even if a subject
# changed). Files are written with `git format-patch --zero-commit
# --no-signature --no-numbered --abbrev=9`, the form of the repo's patch
# files, and only if their content changed: importing an unchanged export
# rewrites nothing. The notes between a file's "---" line and its
# diffstat (the changes between versions) are not in git: they are kept.
#
# Review trailers: --trailers MSGID (a message of a posted thread, fetched
# from lore by b4, see thread-mbox.sh) or --trailers-mbox FILE (that
# thread saved as an mbox),
# once per thread, first run `b4 trailers -u` over the stack in a scratch
# clone of the export repository (the identity of project.conf, commits
# since the base): the Reviewed-by, Acked-by and Tested-by tags found in
# the replies are added to the matching commits, which are then written
# back. The export repository and its branches are not changed.
#
#   --from REF     the branch to read (default PREFIX/stack of the export
#                  repository; a scratch clone's result with --trailers)
#   --series FILE  the series file (default: the repo's)
#   --patches DIR  the patches directory written (default: the repo's)
#   --refs PREFIX  branch prefix in the export repository (default
#                  SERIES_NAME of project.conf)
#   -h, --help     this text
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

series=$REPO_DIR/series
patches=$REPO_DIR/patches
prefix=$SERIES_NAME
from=
threads=()
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--trailers | --trailers-mbox | --from | --series | --patches | --refs)
		[[ $# -ge 2 ]] || die usage "$1 needs a value"
		case $1 in
		--trailers) threads+=("id:$2") ;;
		--trailers-mbox)
			[[ -f $2 ]] || die trailers "no such mbox: $2"
			threads+=("mbox:$(cd "$(dirname "$2")" && pwd)/$(basename "$2")") ;;
		--from) from=$2 ;; --series) series=$2 ;; --patches) patches=$2 ;;
		--refs) prefix=$2 ;;
		esac
		shift 2 ;;
	*) die usage "unknown argument '$1' (see --help)" ;;
	esac
done
[[ -f $series ]] || die series "no series file: $series"
[[ -d $patches ]] || die series "no patches directory: $patches"
need git git

git_identity committer

# The export repository is not changed under us (export-series.sh).
cache_lock git
read -r repo base < <("$REPO_DIR/scripts/mail/export-base.sh") || die base "export-base.sh failed"
from=${from:-$prefix/stack}
git -C "$repo" rev-parse -q --verify "$from^{commit}" >/dev/null ||
	die import "no branch $from in $repo: run export-series.sh first"

if ((${#threads[@]})); then
	need b4 b4
	scratch=$(mktemp -d)
	trap 'rm -rf "$scratch"' EXIT
	# A clone sharing the export repository's objects, with MAINTAINERS and
	# the .gitattributes (diff drivers) checked out: b4 rewrites its branch,
	# not the export repository's.
	git clone -q --shared --no-checkout "$repo" "$scratch/linux"
	git -C "$scratch/linux" sparse-checkout set --no-cone /MAINTAINERS .gitattributes
	git -C "$scratch/linux" checkout -q -b import "$(git -C "$repo" rev-parse "$from")"
	# b4 looks for the commits by this committer since a date: from just
	# after the base commit on.
	since=@$(($(git -C "$repo" log -1 --format=%ct "$base") + 1))
	k=0
	for t in "${threads[@]}"; do
		# The thread as an mbox (thread-mbox.sh: fetched by b4, or the one
		# saved), which b4 then reads offline.
		k=$((k + 1))
		case $t in
		id:*)
			msgid=${t#id:}
			"$REPO_DIR/scripts/mail/thread-mbox.sh" "$msgid" "$scratch/thread-$k.mbox" ||
				die trailers "cannot fetch the thread of $msgid" ;;
		mbox:*)
			msgid=$("$REPO_DIR/scripts/lib/mail-headers.py" get "${t#mbox:}" Message-Id)
			[[ -n $msgid ]] || die trailers "no Message-Id in ${t#mbox:}"
			"$REPO_DIR/scripts/mail/thread-mbox.sh" --mbox "${t#mbox:}" "$msgid" "$scratch/thread-$k.mbox" ||
				die trailers "cannot read the thread in ${t#mbox:}" ;;
		esac
		msgid=${msgid#<}
		msgid=${msgid%>}
		log "collecting trailers from the thread of <$msgid>"
		(cd "$scratch/linux" && b4 --offline-mode -n trailers -u --since "$since" -m "$scratch/thread-$k.mbox" -F "$msgid") >&2 ||
			die trailers "b4 trailers -u failed for <$msgid>"
	done
	repo=$scratch/linux
	from=import
fi

parse_series "$series" "$patches" new-ok
names=("${entries[@]}")
mapfile -t commits < <(git -C "$repo" rev-list --reverse "$base..$from")
git -C "$repo" merge-base --is-ancestor "$base" "$from" ||
	die import "$from is not based on the base commit $base"
((${#commits[@]} == ${#names[@]})) ||
	die import "$from has ${#commits[@]} commits after the base, $series names ${#names[@]} patches"

changed=0
for i in "${!names[@]}"; do
	f=$patches/${names[$i]}
	git -C "$repo" format-patch --zero-commit --no-signature --no-numbered --abbrev=9 \
		--stdout -1 "${commits[$i]}" >"$f.import" ||
		die import "git format-patch failed for ${commits[$i]} (${names[$i]})"
	# The notes below "---" live only in the patch file: keep them.
	if [[ -f $f ]]; then
		patch_notes "$f" >"$f.import-notes"
		insert_notes "$f.import" "$f.import-notes"
		rm -f "$f.import-notes"
	fi
	if cmp -s "$f.import" "$f"; then
		rm -f "$f.import"
	else
		mv "$f.import" "$f"
		log "updated ${names[$i]}"
		changed=$((changed + 1))
	fi
done
log "$changed of ${#names[@]} patch files changed"
