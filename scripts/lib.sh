# shellcheck shell=bash
# Common helpers for the xe-stack scripts. Source it; do not run it.
# shellcheck disable=SC2034  # globals for the scripts that source this

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../pin.conf
. "${XE_STACK_PIN_FILE:-$REPO_DIR/pin.conf}"
# shellcheck source=../project.conf
. "$REPO_DIR/project.conf"

CACHE_DIR=${XE_STACK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xe-stack}
JOBS=${JOBS:-$(nproc)}
PROG=$(basename "$0" .sh)
# Plain ASCII diagnostics: logs compare byte for byte across machines.
export LC_ALL=C

# Where a pinned tree is unpacked; never modified after unpacking.
PRISTINE_DIR="$CACHE_DIR/pristine/$PIN_PACKAGE-$PIN_VERSION"

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }

# die STAGE MESSAGE...: fail naming the stage (and patch/file in the message).
die() {
	local stage=$1
	shift
	printf '%s: error: [%s] %s\n' "$PROG" "$stage" "$*" >&2
	exit 1
}

# run CMD...: print the command as it would be typed, then run it.
run() {
	printf '+ %s\n' "$(printf '%q ' "$@")" >&2
	"$@"
}

# need TOOL PACKAGE: fail with the Debian package to install.
need() {
	command -v "$1" >/dev/null 2>&1 ||
		die tools "'$1' not found: install the Debian package '$2'"
}

# free_mib PATH: MiB free on the file system that holds PATH (or the
# nearest folder above it that exists).
free_mib() {
	local p=$1
	until [[ -e $p ]]; do p=$(dirname "$p"); done
	df -Pk "$p" | awk 'NR == 2 { print int($4 / 1024) }'
}

# disk_left PATH WHAT: after a failed write to PATH, fail with a [disk]
# error if its file system is (nearly) full, as the likely cause.
disk_left() {
	local free
	free=$(free_mib "$1")
	((free >= 64)) ||
		die disk "not enough space in $(dirname "$1") for $2 ($free MiB free): free some, or point XE_STACK_CACHE elsewhere"
}

# The first plain (not -updates/-security/-backports) Debian suite apt uses.
apt_mirror() {
	if [[ -n ${XE_STACK_MIRROR:-} ]]; then
		printf '%s/\n' "${XE_STACK_MIRROR%/}"
		return
	fi
	need apt-get apt
	# shellcheck disable=SC2016  # apt's own format, not shell
	apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 2>/dev/null |
		awk '$2 !~ /[-\/]/ { print $1; exit }'
}

# Print usage from the script's leading comment block (lines starting '#').
usage() {
	sed -n '2,/^[^#]/{/^#/{s/^# \{0,1\}//;p}}' "$0"
}

# The base tree to work from: KERNEL_DIR (a user's tree, copied, never
# touched), KERNEL_TARBALL (unpacked once into the cache) or the pin.
# Sets BASE_DIR and BASE_KIND (pinned | unverified).
base_tree() {
	if [[ -n ${KERNEL_DIR:-} ]]; then
		[[ -f $KERNEL_DIR/Makefile && -d $KERNEL_DIR/drivers/gpu/drm/xe ]] ||
			die base "KERNEL_DIR=$KERNEL_DIR is not a kernel tree with drivers/gpu/drm/xe"
		BASE_DIR=$(cd "$KERNEL_DIR" && pwd)
		BASE_KIND=unverified
	elif [[ -n ${KERNEL_TARBALL:-} ]]; then
		BASE_DIR=$("$REPO_DIR/scripts/fetch-kernel.sh" --tarball "$KERNEL_TARBALL") ||
			die base "cannot unpack $KERNEL_TARBALL"
		BASE_KIND=unverified
	else
		BASE_DIR=$("$REPO_DIR/scripts/fetch-kernel.sh") ||
			die base "cannot fetch the pinned kernel"
		BASE_KIND=pinned
	fi
}

# base_id: a string that changes whenever the base tree's content may have
# (call after base_tree). Empty when that cannot be known: no caching then.
base_id() {
	if [[ -f $BASE_DIR/.xe-stack-pristine ]]; then
		printf '%s %s\n' "$BASE_DIR" "$(cat "$BASE_DIR/.xe-stack-pristine")"
	elif git -C "$BASE_DIR" rev-parse --git-dir >/dev/null 2>&1; then
		printf '%s %s %s\n' "$BASE_DIR" "$(git -C "$BASE_DIR" rev-parse HEAD)" \
			"$(git -C "$BASE_DIR" status --porcelain | sha256sum | cut -c1-16)"
	fi
}

# The file that marks a folder as a tool's own output (check-series.sh
# --out, bisect-series.sh --out): only such a folder is ever emptied.
OUT_MARK=.xe-stack-output

# claim_out DIR: make DIR a fresh output folder. DIR must not exist, be an
# empty folder, or carry OUT_MARK (an earlier run's output, emptied here);
# anything else is refused before a file is written or deleted. Call it
# once the arguments are checked.
claim_out() {
	local dir=$1
	if [[ -e $dir || -L $dir ]]; then
		[[ -d $dir && ! -L $dir ]] || die usage "--out $dir exists and is not a folder"
		[[ -f $dir/$OUT_MARK || -z $(ls -A "$dir") ]] ||
			die usage "--out $dir holds files no xe-stack run wrote: give a new or empty folder (nothing was deleted; output of an older xe-stack has no $OUT_MARK: remove it yourself)"
	fi
	mkdir -p "$dir"
	find "$dir" -mindepth 1 -maxdepth 1 ! -name "$OUT_MARK" -exec rm -rf {} +
	: >"$dir/$OUT_MARK"
}

# out_apart OUT TREE: refuse an --out that is, holds or lies inside the
# work tree (one would empty or overwrite the other).
out_apart() {
	local o t
	o=$(realpath -m "$1")
	t=$(realpath -m "$2")
	if [[ $o == "$t" || $o == "${t%/}"/* || $t == "${o%/}"/* ]]; then
		die usage "--out $1 and the work tree $2 overlap: give folders apart"
	fi
}

# matrix_config NAME: fail unless NAME is a config of config-fragments/matrix.
matrix_config() {
	awk -v c="$1" '!/^#/ && $1 == c { found = 1 } END { exit !found }' \
		"$REPO_DIR/config-fragments/matrix" ||
		die usage "no config '$1' in config-fragments/matrix"
}

# cache_lock NAME: hold $CACHE_DIR/locks/NAME.lock on fd 7 until the
# script exits, waiting for another run that holds it. Whatever the
# holder of the lock makes under a temporary name (.unpack.*, .new.*) and
# finds from an earlier run was left by a run killed half-way.
cache_lock() {
	mkdir -p "$CACHE_DIR/locks"
	exec 7>"$CACHE_DIR/locks/$1.lock"
	if ! flock -n 7; then
		log "another run holds $CACHE_DIR/locks/$1.lock: waiting for it"
		flock 7
	fi
}

# sweep DIR GLOB: remove what an interrupted run left in DIR under names
# matching GLOB (call with the cache_lock held). Only the tool's own
# temporary names are given here.
sweep() {
	local f
	for f in "$1"/$2; do
		[[ -e $f ]] || continue
		log "removing $f, left by an interrupted run"
		chmod -R u+w "$f" 2>/dev/null || true
		rm -rf "$f"
	done
}

# lock_tree TREE: one pipeline run at a time on TREE and on the build dirs
# of this cache (shared by every tree); waits for a run that holds them.
# Holds fds 8 and 9.
lock_tree() {
	mkdir -p "$(dirname "$1")" "$CACHE_DIR/build"
	exec 8>"$CACHE_DIR/build/.lock"
	lock_worktree "$1"
	if ! flock -n 8; then
		log "another run is using the build dirs in $CACHE_DIR/build: waiting for it"
		flock 8
	fi
}

# lock_worktree TREE: hold TREE.lock on fd 9, waiting for another holder;
# every script that writes a work tree takes it. A child it runs on the
# same tree (XE_STACK_LOCKED_TREE) shares the parent's lock.
lock_worktree() {
	local real
	real=$(realpath -m "$1")
	[[ ${XE_STACK_LOCKED_TREE:-} != "$real" ]] || return 0
	mkdir -p "$(dirname "$real")"
	exec 9>"$real.lock"
	if ! flock -n 9; then
		log "another run is using the work tree $1: waiting for it"
		flock 9
	fi
	export XE_STACK_LOCKED_TREE=$real
}
