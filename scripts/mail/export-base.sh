#!/usr/bin/env bash
# Usage: export-base.sh [--verify]
#
# Make, once, the git repository the stack is exported into, and print
# "REPO BASE": its path and the base commit id. Later runs only print it.
#
# The pinned kernel (or KERNEL_TARBALL): the tarball, checked against
# pin.conf's SHA256, is unpacked into $XE_STACK_CACHE/git/linux
# (git/tarball-SUM for KERNEL_TARBALL) and every file of it is committed
# (`git add -A -f`: no .gitignore applies) as one root commit with the
# identity of project.conf and, as author and committer date, the newest
# file time in the tarball. No config of the machine is read. The base
# commit id therefore depends on the tarball alone and is the same on
# every machine. The repository is built under a temporary name and
# renamed when complete: an interrupted run starts again.
#
# One run at a time (locks/git.lock in the cache; export-series.sh holds
# it for all of its run). What a run killed half-way left is cleared by
# the next: a half-built repository (git/.new.*) and the lock files of a
# killed git (.git/index.lock and the like) that no process holds open.
#
# KERNEL_DIR, a git checkout: cloned once with `git clone --shared` into
# $XE_STACK_CACHE/git/user-HASH, and fetched from again on every run; the
# base is the user's HEAD commit (changes not committed there are not part
# of it: a warning says so). Nothing in the user's repository is written,
# but the clone borrows its objects: do not prune them away while the
# clone is in use. KERNEL_DIR without git: its files are committed as for
# a tarball, dated by their newest file.
#
#   --verify    for the pinned kernel, also check that the base commit id
#               is the one recorded in MAINTAINERS-notes/README.md
#   -h, --help  this text
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

verify=0
case ${1:-} in
-h | --help) usage; exit 0 ;;
--verify) verify=1 ;;
"") ;;
*) die usage "unknown argument '$1' (see --help)" ;;
esac
need git git
cache_lock git
mkdir -p "$CACHE_DIR/git"
sweep "$CACHE_DIR/git" '.new.*'

git_identity author
GIT_DIR_ROOT="$CACHE_DIR/git"

# commit_dir DIR TITLE BODY: make DIR a repository holding one root commit
# of every file in it, dated by its newest file; print the commit id.
commit_dir() {
	local dir=$1 date tree commit
	date=$(find "$dir" -path "$dir/.git" -prune -o -type f -printf '%T@\n' | sort -n | tail -n 1)
	date=${date%.*}
	[[ -n $date ]] || die base "no file in $dir"
	git -C "$dir" init -q -b xe-stack/base
	git -C "$dir" config gc.auto 0
	git -C "$dir" config core.looseCompression 1
	log "committing $(find "$dir" -path "$dir/.git" -prune -o -type f -print | wc -l) files (this takes minutes)"
	nice -n 19 git -C "$dir" add -A -f .
	tree=$(git -C "$dir" write-tree)
	commit=$(printf '%s\n\n%s\n' "$2" "$3" |
		GIT_AUTHOR_DATE="@$date +0000" GIT_COMMITTER_DATE="@$date +0000" \
			git -C "$dir" commit-tree "$tree")
	git -C "$dir" update-ref refs/heads/xe-stack/base "$commit"
	printf '%s\n' "$commit"
}

# imported DEST LINE: DEST's base commit exists and its message has LINE.
imported() {
	git -C "$1" log -1 --format=%B refs/heads/xe-stack/base 2>/dev/null | grep -qxF "$2"
}

# ours DEST: DEST is new or a repository of this script (checked before
# anything is fetched or unpacked); clear what a killed git left there.
ours() {
	[[ -d $1/.git || ! -e $1 ]] || die base "$1 exists and is no repository of export-base.sh: remove it"
	[[ ! -d $1/.git ]] || clear_git_locks "$1/.git"
}

# A half-built tree of this run, removed if it fails.
tmp=
trap '[[ -z $tmp ]] || rm -rf "$tmp"' EXIT

# from_tarball TARBALL SHA256 DEST: unpack and commit under a temporary
# name, then rename it DEST. A DEST that holds another import fetches the
# new root commit instead: its branches and tags stay. Until the base
# branch is set, an interrupted run leaves DEST as it was.
from_tarball() {
	local top
	tmp=$(mktemp -d "$GIT_DIR_ROOT/.new.XXXXXX")
	log "unpacking $1 into $tmp"
	tar -xf "$1" -C "$tmp" || { disk_left "$tmp" "unpacking $1"; die base "tar failed on $1"; }
	top=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d)
	[[ -n $top && $(wc -l <<<"$top") -eq 1 && -f $top/Makefile && -d $top/drivers/gpu/drm/xe ]] ||
		die base "$1 does not hold one kernel source directory with drivers/gpu/drm/xe"
	commit_dir "$top" "Import $(basename "$1")" \
		"Every file of the tarball with SHA256 $2, as is." >/dev/null
	if [[ -d $3/.git ]]; then
		git -C "$3" fetch -q "$top" xe-stack/base ||
			{ disk_left "$3" "importing $1"; die base "cannot fetch the new import into $3"; }
		git -C "$3" update-ref refs/heads/xe-stack/base FETCH_HEAD
	else
		mv -T "$top" "$3"
	fi
}

# The pinned tarball, verified: fetch-kernel.sh keeps it in downloads/.
pinned_tarball() {
	local tarball deb
	tarball="$CACHE_DIR/downloads/$(basename "$PIN_TARBALL")"
	deb="$CACHE_DIR/downloads/${PIN_PACKAGE}_${PIN_VERSION}_all.deb"
	"$REPO_DIR/scripts/pipeline/fetch-kernel.sh" >/dev/null || die base "cannot fetch the pinned kernel"
	if [[ ! -f $tarball && -f $deb ]]; then
		need dpkg-deb dpkg
		dpkg-deb --fsys-tarfile "$deb" | tar -xO "./$PIN_TARBALL" >"$tarball.part" ||
			die base "$deb does not contain $PIN_TARBALL"
		mv "$tarball.part" "$tarball"
	fi
	[[ -f $tarball ]] || die base "no $tarball (nor $deb): remove them from the cache and run fetch-kernel.sh"
	[[ $(sha256sum "$tarball" | cut -d' ' -f1) == "$PIN_TARBALL_SHA256" ]] ||
		die checksum "$tarball does not have pin.conf's SHA256 $PIN_TARBALL_SHA256"
	printf '%s\n' "$tarball"
}

# from_user_git DEST: clone KERNEL_DIR (shared) once, fetch its HEAD.
from_user_git() {
	local src=$1 dest=$2 tmp head
	head=$(git -C "$src" rev-parse --verify HEAD) || die base "KERNEL_DIR=$src has no HEAD commit"
	# --no-optional-locks: status must not refresh the user's index.
	[[ -z $(git -C "$src" --no-optional-locks status --porcelain --untracked-files=no 2>/dev/null) ]] ||
		log "warning: KERNEL_DIR=$src has uncommitted changes; the base is its HEAD $head without them"
	if [[ ! -d $dest/.git ]]; then
		mkdir -p "$GIT_DIR_ROOT"
		tmp=$(mktemp -d "$GIT_DIR_ROOT/.new.XXXXXX")
		log "cloning $src (shared) into $dest"
		git clone -q --shared --no-checkout "$src" "$tmp/linux" || { rm -rf "$tmp"; die base "git clone --shared $src failed"; }
		git -C "$tmp/linux" config gc.auto 0
		git -C "$tmp/linux" checkout -q --detach "$head" || { rm -rf "$tmp"; die base "cannot check out $head"; }
		mv "$tmp/linux" "$dest"
		rmdir "$tmp"
	fi
	git -C "$dest" fetch -q "$src" HEAD || die base "cannot fetch HEAD of $src"
	[[ $(git -C "$dest" rev-parse FETCH_HEAD) == "$head" ]] || die base "HEAD of $src moved while fetching"
	git -C "$dest" update-ref refs/heads/xe-stack/base "$head"
}

if [[ -n ${KERNEL_DIR:-} ]]; then
	base_tree
	dest="$GIT_DIR_ROOT/user-$(printf '%s' "$BASE_DIR" | sha256sum | cut -c1-12)"
	ours "$dest"
	if git -C "$BASE_DIR" rev-parse --show-toplevel >/dev/null 2>&1; then
		[[ $(cd "$(git -C "$BASE_DIR" rev-parse --show-toplevel)" && pwd) == "$BASE_DIR" ]] ||
			die base "KERNEL_DIR=$BASE_DIR is inside a git repository but not its top"
		from_user_git "$BASE_DIR" "$dest"
	else
		# Committed again whenever the tree changes (lib.sh tree_stamp).
		stamp="Tree stamp: $(tree_stamp "$BASE_DIR")"
		if ! imported "$dest" "$stamp"; then
			need rsync rsync
			[[ ! -d $dest/.git ]] || log "KERNEL_DIR=$BASE_DIR changed since $dest was made from it: committing it again"
			mkdir -p "$dest"
			rsync -rlpt --delete --exclude=/.git --exclude=/.pc --exclude=/patches --exclude=/series \
				--exclude=/.xe-stack-pristine "$BASE_DIR/" "$dest/" ||
				{ disk_left "$dest" "a copy of KERNEL_DIR"; die base "rsync $BASE_DIR/ $dest/ failed"; }
			commit_dir "$dest" "Import $BASE_DIR" "Every file of the tree, as is."$'\n\n'"$stamp" >/dev/null
		fi
	fi
elif [[ -n ${KERNEL_TARBALL:-} ]]; then
	[[ -f $KERNEL_TARBALL ]] || die base "no such tarball: $KERNEL_TARBALL"
	sum=$(sha256sum "$KERNEL_TARBALL" | cut -d' ' -f1)
	dest="$GIT_DIR_ROOT/tarball-${sum:0:16}"
	ours "$dest"
	imported "$dest" "Every file of the tarball with SHA256 $sum, as is." ||
		from_tarball "$KERNEL_TARBALL" "$sum" "$dest"
else
	# The pin's SHA256 is checked against what the repository holds: a
	# changed pin.conf is imported again.
	dest="$GIT_DIR_ROOT/linux"
	ours "$dest"
	if ! imported "$dest" "Every file of the tarball with SHA256 $PIN_TARBALL_SHA256, as is."; then
		[[ ! -d $dest/.git ]] || log "$dest holds another import than pin.conf's tarball: importing that"
		from_tarball "$(pinned_tarball)" "$PIN_TARBALL_SHA256" "$dest"
	fi
fi

base=$(git -C "$dest" rev-parse --verify refs/heads/xe-stack/base) ||
	die base "$dest has no xe-stack/base branch: remove $dest and run again"
if ((verify)) && [[ -z ${KERNEL_DIR:-}${KERNEL_TARBALL:-} ]]; then
	want=$(sed -n 's/^ *base-commit: \([0-9a-f]\{40\}\)$/\1/p' "$REPO_DIR/MAINTAINERS-notes/README.md")
	[[ $base == "$want" ]] ||
		die base "base commit $base is not the recorded ${want:-<none>} (MAINTAINERS-notes/README.md)"
fi
printf '%s %s\n' "$dest" "$base"
