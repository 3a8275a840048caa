#!/usr/bin/env bash
# Usage: prepare-tree.sh [--force] [--push] [--pipeline] DEST [SERIES PATCHES_DIR]
#
# Make DEST a copy of the base tree (the pinned kernel, or KERNEL_DIR /
# KERNEL_TARBALL) with no patch applied, wired for quilt: DEST/series and
# DEST/patches are links to SERIES and PATCHES_DIR (default: the repo's
# own), so `quilt refresh` writes the repo's patch files in place.
# DEST must be new, empty, or a tree this script made; it is never the
# base tree or the repo, nor a folder that holds them. DEST is locked
# (DEST.lock) while it is written: a run on the same tree waits.
#
# The base tree is never written. DEST is reused: patches applied there are
# popped, and only files that differ from the base are copied again (and
# touched, so an incremental build in an O= directory sees them). Work not
# recorded in a patch is never thrown away: the script stops, changing
# nothing, if an applied patch has changes not yet refreshed, if a file
# differs from the base and no applied patch holds it, or if a push was
# interrupted half-way (it then says how to put the files back).
#
#   --force   discard all of that instead (the pipeline's own trees)
#   --push    then apply the whole series (quilt push -a), under the lock
#   --pipeline  with --force: mark DEST as a tree of check-series.sh or
#             bisect-series.sh (.xe-stack-pipeline, before anything is
#             copied): they --force it from then on, even after a failed
#             first run
#   -h, --help  this text
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

force=0 push=0 pipeline=0
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--force) force=1 ;;
	--push) push=1 ;;
	--pipeline) pipeline=1 ;;
	--) shift; break ;;
	-*) die usage "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
	shift
done
((pipeline == 0 || force)) || die usage "--pipeline goes with --force (see --help)"
[[ $# -eq 1 || $# -eq 3 ]] || die usage "prepare-tree.sh [--force] [--push] [--pipeline] DEST [SERIES PATCHES_DIR] (see --help)"
dest=$1
series=${2:-$REPO_DIR/series}
patches=${3:-$REPO_DIR/patches}
[[ -f $series ]] || die usage "no series file: $series"
[[ -d $patches ]] || die usage "no patches directory: $patches"
# A series to push is checked first: its patches are all there.
((push == 0)) || read_series "$series" "$patches" empty-ok
series=$(cd "$(dirname "$series")" && pwd)/$(basename "$series")
patches=$(cd "$patches" && pwd)
need quilt quilt
need rsync rsync
export QUILTRC="$REPO_DIR/scripts/pipeline/quiltrc"

# DEST is written only if it is new, empty, or a tree this script made
# (it carries .xe-stack-base or .xe-stack-pipeline); it never is or holds
# the repo, SERIES or PATCHES_DIR, and never is, holds or lies inside the
# base tree. All of it is checked before anything is written.
real=$(realpath -m "$dest")
holds() { [[ $2 == "$1" || $2 == "${1%/}"/* ]]; }
for kept in "$REPO_DIR" "$(dirname "$series")" "$patches"; do
	kept=$(realpath -m "$kept")
	if holds "$real" "$kept"; then
		die usage "DEST $dest is or holds $kept, which is never written: give another folder"
	fi
done
dest_ours() {
	if [[ -e $dest || -L $dest ]]; then
		[[ -d $dest ]] || die usage "DEST $dest exists and is not a folder"
		[[ -f $dest/.xe-stack-base || -f $dest/.xe-stack-pipeline || -z $(ls -A "$dest") ]] ||
			die usage "DEST $dest holds files prepare-tree.sh did not put there: give a new or empty folder (nothing was changed)"
	fi
}
dest_ours
base_tree
kept=$(realpath "$BASE_DIR")
if holds "$real" "$kept" || holds "$kept" "$real"; then
	die usage "DEST $dest is, holds or lies inside the base tree $kept, which is never written: give another folder"
fi
# Checked again under the lock: a run that waited sees what the run
# before it made.
lock_worktree "$dest"
dest_ours
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
q() { (cd "$dest" && "$@"); }
# What rsync leaves alone in DEST: quilt's and git's own, and the markers.
keep=(--exclude=/.pc --exclude=/patches --exclude=/series --exclude=/.git
	--exclude=/.xe-stack-base --exclude=/.xe-stack-pipeline --exclude=/.xe-stack-copying)
# The marker's text: the base, and for the pin what it was unpacked from.
base_mark() {
	printf 'base: %s %s%s\n' "$BASE_KIND" "$BASE_DIR" \
		"$([[ -n ${KERNEL_DIR:-} || ! -f $BASE_DIR/.xe-stack-pristine ]] || printf ' (%s)' "$(cat "$BASE_DIR/.xe-stack-pristine")")"
}

# A push killed half-way: patch P made its backups in .pc/P but is not in
# .pc/applied-patches. Its files are half patched; quilt's own rollback
# (the one a failed push runs) puts them back as they were before.
rollback() {
	q /usr/share/quilt/scripts/backup-files -s -r -B ".pc/$1/" - && rm -rf "${dest:?}/.pc/$1"
}
if [[ -d $dest/.pc ]]; then
	for d in "$dest"/.pc/*/; do
		p=${d%/}
		p=${p#"$dest/.pc/"}
		if [[ ! -d $d ]] || grep -qxF "$p" "$dest/.pc/applied-patches" 2>/dev/null; then
			continue
		fi
		if ((force)); then
			log "patch $p was half applied by an interrupted push: rolled back"
			rollback "$p" || die prepare "cannot roll back the half-applied patch $p in $dest"
		else
			die prepare "patch $p was being pushed in $dest when that push was interrupted: its files are half patched. Put them back as they were before that push, with quilt's own rollback: cd $dest && /usr/share/quilt/scripts/backup-files -r -B .pc/$p/ -  (then run this again; do not 'quilt refresh' now: the top patch would take in $p's changes)"
		fi
	done
fi

# Refuses, changing nothing, if unrecorded work would be lost: changes to
# an applied patch's files not yet refreshed, and files that differ from
# the base while no applied patch holds them (edited, added or removed by
# hand).
if ((force == 0)) && [[ -f $dest/.xe-stack-base && -f $dest/Makefile ]]; then
	if [[ -d $dest/.pc ]]; then
		while read -r p; do
			[[ -n $p ]] || continue
			if [[ -n $(q quilt diff -z -P "$p" 2>/dev/null) ]]; then
				die prepare "patch $p has changes in $dest not yet refreshed: 'quilt refresh' them, or pass --force to discard them (nothing was changed)"
			fi
		done < <(q quilt applied 2>/dev/null || true)
	fi
	# Content and type only: modes differ (the base is read-only). Every
	# file an applied patch touches has a backup in .pc/PATCH/. A copy
	# that was interrupted (.xe-stack-copying) holds no work of the user.
	if [[ -f $dest/.xe-stack-copying ]]; then
		log "the last copy into $dest was interrupted: copying again"
		unrecorded=
	else
		items=$(rsync -rlD -c -n -i --delete "${keep[@]}" "$BASE_DIR/" "$dest/") ||
			die prepare "cannot compare $dest with the base $BASE_DIR (rsync failed; nothing was changed)"
		unrecorded=$(awk '/^\*deleting / { sub(/^\*deleting +/, ""); print; next } { sub(/^[^ ]+ /, ""); print }' <<<"$items" |
			{ grep -v -e '/$' -e '^$' || true; } | while IFS= read -r f; do
				compgen -G "$dest/.pc/*/$f" >/dev/null || printf '%s\n' "$f"
			done)
	fi
	if [[ -n $unrecorded ]]; then
		if [[ $(cat "$dest/.xe-stack-base") != "$(base_mark)" ]]; then
			log "$dest was prepared from another base ($(cat "$dest/.xe-stack-base"))"
		fi
		die prepare "$(wc -l <<<"$unrecorded") file(s) in $dest differ from the $BASE_KIND base and no applied patch holds them, e.g. $(head -n 3 <<<"$unrecorded" | xargs): record them in a patch (quilt new, quilt add, quilt refresh) or save them, or pass --force to discard them (nothing was changed)"
	fi
fi

# Marked first: a copy interrupted half-way is still recognised as ours,
# and as a copy that did not end; a pipeline's tree as the pipeline's.
((pipeline == 0)) || : >"$dest/.xe-stack-pipeline" ||
	{ disk_left "$dest" "the pipeline's marker"; die prepare "cannot write $dest/.xe-stack-pipeline"; }
[[ -f $dest/.xe-stack-base ]] || base_mark >"$dest/.xe-stack-base"
: >"$dest/.xe-stack-copying"

# Pop what a previous run applied (checked above, or --force).
if [[ -d $dest/.pc ]]; then
	q quilt pop -a -f -q >/dev/null 2>&1 || true
	rm -rf "$dest/.pc"
fi

# Copy what differs from the base, by content: times are not copied, so a
# rewritten file is newer than the objects an O= build made from it.
rc=0
changed=$(rsync -rlpgoD -c --delete --chmod=u+w --out-format='%n' "${keep[@]}" \
	"$BASE_DIR/" "$dest/") || rc=$?
if ((rc)); then
	disk_left "$dest" "a copy of the base tree"
	die prepare "copying $BASE_DIR to $dest failed (rsync exit $rc; see its message above)"
fi
ln -sfn "$patches" "$dest/patches"
ln -sfn "$series" "$dest/series"
base_mark >"$dest/.xe-stack-base"
rm -f "$dest/.xe-stack-copying"
log "prepared $dest ($(grep -c . <<<"$changed" || true) paths copied from the $BASE_KIND base)"
((push)) || exit 0
n=${#entries[@]}
((n > 0)) || { log "$series names no patch yet: nothing to push"; exit 0; }
rc=0
q quilt push -a -q >&2 || rc=$?
if ((rc != 0)); then
	die apply "patch $(q quilt next 2>/dev/null || echo '?') does not apply on $dest (series $series): see quilt's message above; $(q quilt applied 2>/dev/null | wc -l) of $n patches are applied"
fi
log "applied $n patches in $dest"
