#!/usr/bin/env bash
# Usage: prepare-tree.sh [--force] DEST [SERIES PATCHES_DIR]
#
# Make DEST a copy of the base tree (the pinned kernel, or KERNEL_DIR /
# KERNEL_TARBALL) with no patch applied, wired for quilt: DEST/series and
# DEST/patches are links to SERIES and PATCHES_DIR (default: the repo's
# own), so `quilt refresh` writes the repo's patch files in place.
# DEST must be new, empty, or a tree this script made; it is never the
# base tree or the repo, nor a folder that holds them.
#
# The base tree is never written. DEST is reused: patches applied there are
# popped, and only files that differ from the base are copied again (and
# touched, so an incremental build in an O= directory sees them). Refuses
# to run if an applied patch has changes not yet refreshed, unless --force.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

force=0
case ${1:-} in
-h | --help) usage; exit 0 ;;
--force) force=1; shift ;;
esac
[[ $# -eq 1 || $# -eq 3 ]] || die usage "prepare-tree.sh [--force] DEST [SERIES PATCHES_DIR] (see --help)"
dest=$1
series=${2:-$REPO_DIR/series}
patches=${3:-$REPO_DIR/patches}
[[ -f $series ]] || die prepare "no series file: $series"
[[ -d $patches ]] || die prepare "no patches directory: $patches"
series=$(cd "$(dirname "$series")" && pwd)/$(basename "$series")
patches=$(cd "$patches" && pwd)
need quilt quilt
need rsync rsync
export QUILTRC="$REPO_DIR/scripts/quiltrc"

# DEST is written only if it is new, empty, or a tree this script made
# (it carries .xe-stack-base); it never is or holds the repo, SERIES or
# PATCHES_DIR, and never is, holds or lies inside the base tree. All of it
# is checked before anything is written.
real=$(realpath -m "$dest")
holds() { [[ $2 == "$1" || $2 == "${1%/}"/* ]]; }
for kept in "$REPO_DIR" "$(dirname "$series")" "$patches"; do
	kept=$(realpath -m "$kept")
	if holds "$real" "$kept"; then
		die usage "DEST $dest is or holds $kept, which is never written: give another folder"
	fi
done
if [[ -e $dest || -L $dest ]]; then
	[[ -d $dest ]] || die usage "DEST $dest exists and is not a folder"
	[[ -f $dest/.xe-stack-base || -z $(ls -A "$dest") ]] ||
		die usage "DEST $dest holds files prepare-tree.sh did not put there: give a new or empty folder (nothing was changed)"
fi
base_tree
kept=$(realpath "$BASE_DIR")
if holds "$real" "$kept" || holds "$kept" "$real"; then
	die usage "DEST $dest is, holds or lies inside the base tree $kept, which is never written: give another folder"
fi
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
# Marked first: a copy interrupted half-way is still recognised as ours.
[[ -f $dest/.xe-stack-base ]] || printf 'base: %s %s\n' "$BASE_KIND" "$BASE_DIR" >"$dest/.xe-stack-base"

# Pop what a previous run applied, keeping unrefreshed work safe.
if [[ -d $dest/.pc ]]; then
	while read -r p; do
		[[ -n $p ]] || continue
		if ((force == 0)) && [[ -n $(cd "$dest" && quilt diff -z -P "$p" 2>/dev/null) ]]; then
			die prepare "patch $p has changes in $dest not yet refreshed: 'quilt refresh' them or pass --force"
		fi
	done < <(cd "$dest" && { quilt applied 2>/dev/null || true; })
	(cd "$dest" && quilt pop -a -f -q >/dev/null 2>&1) || true
	rm -rf "$dest/.pc"
fi

# Copy what differs from the base, by content: times are not copied, so a
# rewritten file is newer than the objects an O= build made from it.
changed=$(rsync -rlpgoD -c --delete --chmod=u+w --out-format='%n' \
	--exclude=/.pc --exclude=/patches --exclude=/series --exclude=/.git \
	--exclude=/.xe-stack-base "$BASE_DIR/" "$dest/")
ln -sfn "$patches" "$dest/patches"
ln -sfn "$series" "$dest/series"
printf 'base: %s %s\n' "$BASE_KIND" "$BASE_DIR" >"$dest/.xe-stack-base"
log "prepared $dest ($(grep -c . <<<"$changed" || true) paths copied from the $BASE_KIND base)"
