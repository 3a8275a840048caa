# shellcheck shell=bash
# Common helpers for the xe-stack scripts. Source it; do not run it.
# shellcheck disable=SC2034  # globals for the scripts that source this

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../../pin.conf
. "${XE_STACK_PIN_FILE:-$REPO_DIR/pin.conf}"
# shellcheck source=../../project.conf
. "$REPO_DIR/project.conf"

# Everything the scripts write outside the repo is under CACHE_DIR, laid
# out as README.md's "Layout" says (downloads/, pristine/, tools/, ci/,
# build/, ccache/, results/, git/, locks/, ...); what they write in the
# repo is under out/, one folder per command.
CACHE_DIR=${XE_STACK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xe-stack}
JOBS=${JOBS:-$(nproc)}
PROG=$(basename "$0" .sh)
# Plain ASCII diagnostics: logs compare byte for byte across machines.
export LC_ALL=C

# Where a pinned tree is unpacked; never modified after unpacking.
PRISTINE_DIR="$CACHE_DIR/pristine/$PIN_PACKAGE-$PIN_VERSION"

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }

# die STAGE MESSAGE...: fail naming the stage (and patch/file in the
# message). Exit code 2 for a usage error, 1 for any other failure.
die() {
	local stage=$1
	shift
	printf '%s: error: [%s] %s\n' "$PROG" "$stage" "$*" >&2
	[[ $stage != usage ]] || exit 2
	exit 1
}

# optval "$@": in an option loop, fail unless option $1 has a value.
optval() {
	(($# >= 2)) || die usage "$1 needs a value (see --help)"
}

# The one parser of a series file. A patch is the first word of a line;
# "#" starts a comment. The mail series are "# mail: NAME" lines, each
# running to the next one; a "# with: PATCH" line in one names a patch of
# a series before it that its mails carry first, so that it applies to
# the base alone.
#
# parse_series SERIES PATCHES [new-ok]: set entries[] (every patch, in order),
# mail_names[] (the mail series, in order) and, per NAME, newline-
# terminated lists mail_own[NAME] (its own patches) and mail_with[NAME]
# (the patches it carries). Fails, naming the line, on CRLF line ends, a
# patch not in PATCHES (unless new-ok) or a patch listed twice. What is wrong with the
# mail lines is kept in mail_error for read_mail_series: the pipeline
# checks series that have none.
parse_series() {
	local line cur='' p n=0
	local -A owner=()
	entries=() mail_names=() mail_error=''
	declare -gA mail_own=() mail_with=()
	[[ -f $1 ]] || die usage "no series file: $1"
	[[ -d $2 ]] || die usage "no patches directory: $2"
	if grep -q $'\r' "$1"; then
		die series "$1 has CRLF line ends (line $(grep -n -m1 $'\r' "$1" | cut -d: -f1)), which quilt takes as part of the patch names: convert it (sed -i 's/\r\$//' $1)"
	fi
	while IFS= read -r line || [[ -n $line ]]; do
		if [[ $line =~ ^#[[:space:]]*mail:[[:space:]]*([A-Za-z0-9._-]+)[[:space:]]*$ ]]; then
			cur=${BASH_REMATCH[1]}
			[[ -z ${mail_own[$cur]+x} ]] || mail_err "mail series $cur is named twice in $1"
			mail_names+=("$cur")
			mail_own[$cur]='' mail_with[$cur]=''
			continue
		fi
		if [[ $line =~ ^#[[:space:]]*with:[[:space:]]*([^[:space:]]+)[[:space:]]*$ ]]; then
			p=${BASH_REMATCH[1]}
			if [[ -z $cur ]]; then
				mail_err "'# with: $p' comes before any '# mail: NAME' line in $1"
			elif [[ -z ${owner[$p]:-} ]]; then
				mail_err "mail series $cur: '# with: $p' names no patch of a series before it in $1"
			elif [[ ${owner[$p]} == "$cur" ]]; then
				mail_err "mail series $cur: '# with: $p' names one of its own patches in $1"
			elif [[ $'\n'${mail_with[$cur]} == *$'\n'$p$'\n'* ]]; then
				mail_err "mail series $cur: '# with: $p' is there twice in $1"
			else
				mail_with[$cur]+="$p"$'\n'
			fi
			continue
		fi
		line=${line%%#*}
		read -r p _ <<<"$line" || true
		[[ -n ${p:-} ]] || continue
		n=$((n + 1))
		[[ -f $2/$p || ${3:-} == new-ok ]] || die series "patch $n of $1, $p, is not in $2: add it there, or remove it from the series"
		[[ -z ${owner[$p]+x} ]] ||
			die series "patch $p is listed twice in $1${owner[$p]:+${cur:+ (mail series ${owner[$p]} and $cur)}}"
		entries+=("$p")
		owner[$p]=$cur
		if [[ -n $cur ]]; then
			mail_own[$cur]+="$p"$'\n'
		else
			mail_err "patch $p comes before any '# mail: NAME' line in $1"
		fi
	done <"$1"
	((${#mail_names[@]})) || mail_err "no '# mail: NAME' line in $1"
	for cur in "${mail_names[@]}"; do
		[[ -n ${mail_own[$cur]} ]] || mail_err "mail series $cur has no patch in $1"
	done
}

# series_tops: after parse_series, the tops of the series, one number a
# line (1 = its first patch): the last patch of each mail series, and the
# last patch. The configs of when=top (read_matrix) are built there.
series_tops() {
	local m p k
	for m in "${mail_names[@]}"; do
		p=${mail_own[$m]%$'\n'}
		p=${p##*$'\n'}
		for ((k = 0; k < ${#entries[@]}; k++)); do
			[[ ${entries[k]} != "$p" ]] || echo $((k + 1))
		done
	done
	((${#entries[@]} == 0)) || echo "${#entries[@]}"
}

# mail_err MESSAGE: the first thing wrong with a series' mail lines.
mail_err() { [[ -n $mail_error ]] || mail_error=$1; }

# read_series SERIES PATCHES [empty-ok]: parse_series, and fail on a
# series with no patch unless empty-ok.
read_series() {
	parse_series "$1" "$2"
	((${#entries[@]})) || [[ ${3:-} == empty-ok ]] || die usage "no patch in $1: nothing to do"
}

# read_mail_series SERIES PATCHES: parse_series, and fail on anything
# wrong with its mail lines.
read_mail_series() {
	parse_series "$1" "$2"
	[[ -z $mail_error ]] || die series "$mail_error"
}

# pipeline_files: the repo files whose content keys the pipeline's
# results cache: all that it runs lives in scripts/pipeline/ and
# scripts/lib/ (the workflow scripts elsewhere can change without
# re-checking the series). An editor's backup or swap file is not one.
pipeline_files() {
	repo_files scripts/pipeline scripts/lib
}

# repo_files DIR...: the files under the repo's DIRs, sorted, without an
# editor's backup or swap file or a patch's leftovers (*~, .*, *.orig,
# *.rej): what keys a cache is what the project holds.
repo_files() {
	(cd "$REPO_DIR" && find "$@" -type f ! -name '*~' ! -name '.*' \
		! -name '*.orig' ! -name '*.rej' | LC_ALL=C sort)
}

# The findings of builds and kernel-doc, as the stages compare them: one
# key per finding, "TOOL<TAB>FILE<TAB>MESSAGE" (scripts/pipeline/warnings.awk).
#
# warning_keys TREE LOG...: the keys of the findings in LOG, sorted, once.
warning_keys() {
	local tree=$1
	shift
	awk -v src="$tree" -f "$REPO_DIR/scripts/pipeline/warnings.awk" "$@" | LC_ALL=C sort -u
}

# new_keys BASELINE: the keys read from stdin that BASELINE does not hold.
new_keys() {
	LC_ALL=C comm -13 <(LC_ALL=C sort -u "$1") <(LC_ALL=C sort -u)
}

# show_new TREE LOG KEYS: the lines of LOG behind KEYS (newline-separated).
show_new() {
	awk -v src="$1" -v raw=1 -f "$REPO_DIR/scripts/pipeline/warnings.awk" "$2" |
		awk -F'\t' 'NR == FNR { want[$0]; next } ($1 "\t" $2 "\t" $3) in want { print $4 }' \
			<(printf '%s\n' "$3") - | head -n 20 || true
}

# in_scope DIR...: the keys read from stdin of files under one of DIRs.
in_scope() {
	local re
	re=$(printf '%s|' "$@")
	awk -F'\t' -v re="^(${re%|})" '$2 ~ re'
}

# git_identity committer|author: git with no system or user config, so
# that commits and mails do not depend on the machine, committing (and
# with author, authoring too) as the project. The identity is config too: b4
# reads user.name and user.email.
git_identity() {
	export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
	export GIT_COMMITTER_NAME=$PROJECT_NAME GIT_COMMITTER_EMAIL=$PROJECT_EMAIL
	export GIT_CONFIG_COUNT=2 GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0=$PROJECT_NAME \
		GIT_CONFIG_KEY_1=user.email GIT_CONFIG_VALUE_1=$PROJECT_EMAIL
	[[ $1 != author ]] || export GIT_AUTHOR_NAME=$PROJECT_NAME GIT_AUTHOR_EMAIL=$PROJECT_EMAIL
}

# get_maintainer REPO ARG...: the base's scripts/get_maintainer.pl, run
# in the export repository REPO, on MAINTAINERS alone (no git history).
get_maintainer() {
	(cd "$1" && shift && perl scripts/get_maintainer.pl --no-git --no-git-fallback --no-git-chief-penguins \
		--no-rolestats --no-fixes "$@")
}

# patch_notes FILE: the notes of a patch file for the reviewers, the
# changes between versions: what stands between its first "---" line and
# the diffstat or the diff, without leading or trailing blank lines.
# git am drops them, so the export and import put them back.
patch_notes() {
	awk 'on && (/^---$/ || /^diff / || /^Index: / || /^--- / || /^ .*[|] / || /^ [0-9]+ files? changed/) { exit }
		on && /^[ \t]*$/ { if (n) blank = blank "\n"; next }
		on { printf "%s%s\n", blank, $0; blank = ""; n++; next }
		/^---$/ { on = 1 }' "$1"
}

# insert_notes FILE NOTES: put the text of file NOTES, if any, and a blank
# line after the first "---" line of the format-patch output FILE.
insert_notes() {
	[[ -s $2 ]] || return 0
	awk -v notes="$2" '{ print } /^---$/ && !done {
		while ((getline l <notes) > 0) print l
		print ""
		done = 1 }' "$1" >"$1.notes" && mv "$1.notes" "$1"
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

# kvm_usable: qemu can use KVM here: /dev/kvm can be opened (or
# XE_STACK_ACCEL=kvm says to try anyway; =tcg says not to) and the CPU has
# vmx/svm. Without them, qemu -accel kvm hangs in this project's machines.
kvm_usable() {
	[[ ${XE_STACK_ACCEL:-} == kvm || (-z ${XE_STACK_ACCEL:-} && -w /dev/kvm) ]] &&
		grep -qwE 'vmx|svm' /proc/cpuinfo
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
		BASE_DIR=$("$REPO_DIR/scripts/pipeline/fetch-kernel.sh" --tarball "$KERNEL_TARBALL") ||
			die base "cannot unpack $KERNEL_TARBALL"
		BASE_KIND=unverified
	else
		BASE_DIR=$("$REPO_DIR/scripts/pipeline/fetch-kernel.sh") ||
			die base "cannot fetch the pinned kernel"
		BASE_KIND=pinned
	fi
}

# tree_stamp DIR: a hash of the path, type, size and modification time of
# every file under DIR but .git and quilt's own (.pc, patches, series):
# what prepare-tree.sh copies. 0.4 s for the 7.3 tree in the page cache
# (hashing its 1.6 GB of content: 12.7 s).
tree_stamp() {
	(cd "$1" && find . \( -path ./.git -o -path ./.pc -o -path ./patches -o -path ./series \) -prune \
		-o -printf '%P %y %s %T@\n') | LC_ALL=C sort | sha256sum | cut -c1-16
}

# base_id: a string that changes whenever the base tree's content does
# (call after base_tree). A tree the cache unpacked is named by what it
# was unpacked from; a KERNEL_DIR by its tree_stamp: any edit, checkout or
# new file changes it.
base_id() {
	if [[ -z ${KERNEL_DIR:-} && -f $BASE_DIR/.xe-stack-pristine ]]; then
		printf '%s %s\n' "$BASE_DIR" "$(cat "$BASE_DIR/.xe-stack-pristine")"
	else
		printf '%s stamp %s\n' "$BASE_DIR" "$(tree_stamp "$BASE_DIR")"
	fi
}

# baseline_id BUILD BASE_IDENT: what the warnings baseline stored in build
# dir BUILD (.xe-stack-baseline, first line) must say to be the base's for
# its .config. Bump the format when what a baseline holds changes.
BASELINE_FORMAT=2
baseline_id() {
	printf 'format=%s %s %s\n' "$BASELINE_FORMAT" "$2" \
		"$(sha256sum "$1/.config" "$REPO_DIR/scripts/pipeline/warnings.awk" | cut -c1-16 | xargs)"
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

# open_run OUT TREE COLUMNS: for a run on work tree TREE, after its
# arguments are checked: hold TREE and the build dirs (lock_tree), make
# OUT a fresh output folder with logs/ and state/, and start
# OUT/results.tsv with the header line COLUMNS. Sets out (absolute) and
# results.
open_run() {
	out_apart "$1" "$2"
	lock_tree "$2"
	claim_out "$1"
	mkdir -p "$1/logs" "$1/state"
	out=$(cd "$1" && pwd)
	results=$out/results.tsv
	printf '%s\n' "$3" >"$results"
}

# The one parser of config-fragments/matrix (or XE_STACK_FRAGMENTS/matrix):
# "NAME ROLE [KEY=VALUE...] FRAGMENT..." rows, "#" comments. The keys:
#   when=patch|top      the pipeline builds the config for every patch
#                       (the default), or only for the top patch of each
#                       mail series (and the base)
#   arch=x86_64|i386    the kernel's ARCH (default x86_64)
#   cc=gcc|clang        the toolchain: gcc, or LLVM=$PIN_LLVM (default gcc)
# read_matrix sets matrix_names[] in order, and per NAME matrix_role[NAME],
# matrix_frags[NAME] (its fragment names, space-separated), matrix_when,
# matrix_arch and matrix_cc.
read_matrix() {
	local f=${XE_STACK_FRAGMENTS:-$REPO_DIR/config-fragments}/matrix name role rest w
	local -a settings
	local -A opt
	matrix_names=()
	declare -gA matrix_role=() matrix_frags=() matrix_when=() matrix_arch=() matrix_cc=()
	[[ -f $f ]] || die config "no matrix: $f"
	while read -r name role rest; do
		[[ -n $name && $name != \#* ]] || continue
		opt=([when]=patch [arch]=x86_64 [cc]=gcc)
		matrix_frags[$name]=''
		read -ra settings <<<"$rest"
		for w in "${settings[@]}"; do
			if [[ $w != *=* ]]; then
				matrix_frags[$name]+=${matrix_frags[$name]:+ }$w
			elif [[ $w =~ ^(when=(patch|top)|arch=(x86_64|i386)|cc=(gcc|clang))$ ]]; then
				opt[${w%%=*}]=${w#*=}
			else
				die config "matrix row '$name': unknown setting '$w' (when=patch|top, arch=x86_64|i386, cc=gcc|clang) ($f)"
			fi
		done
		[[ -n $role && -n ${matrix_frags[$name]} ]] || die config "matrix row '$name' needs a role and fragments ($f)"
		matrix_names+=("$name")
		matrix_role[$name]=$role matrix_when[$name]=${opt[when]}
		matrix_arch[$name]=${opt[arch]} matrix_cc[$name]=${opt[cc]}
	done <"$f"
}

# matrix_make_args NAME: the make variables that select the row's ARCH and
# toolchain, one a line (read_matrix first). Without CC=: the caller adds
# its own (ccache).
matrix_make_args() {
	echo "ARCH=${matrix_arch[$1]}"
	[[ ${matrix_cc[$1]} != clang ]] || echo "LLVM=$PIN_LLVM"
}

# matrix_configs ROLE: the configs of the matrix's ROLE rows, in order,
# on one line.
matrix_configs() {
	local c picked=()
	read_matrix
	for c in "${matrix_names[@]}"; do
		[[ ${matrix_role[$c]} != "$1" ]] || picked+=("$c")
	done
	printf '%s\n' "${picked[*]}"
}

# pipeline_configs: the configs the per-patch pipeline checks, on one line.
pipeline_configs() { matrix_configs pipeline; }

# pipeline_configs_when WHEN: those of them built at WHEN (patch or top).
pipeline_configs_when() {
	local c picked=()
	read_matrix
	for c in $(matrix_configs pipeline); do
		[[ ${matrix_when[$c]} != "$1" ]] || picked+=("$c")
	done
	printf '%s\n' "${picked[*]}"
}

# matrix_config NAME: fail unless NAME is a config of config-fragments/matrix.
matrix_config() {
	read_matrix
	[[ -n ${matrix_role[$1]+x} ]] || die usage "no config '$1' in config-fragments/matrix"
}

# hold_lock FILE FD WHAT: hold FILE (flock) on descriptor FD until the
# script exits; when another run holds it, say that it is using WHAT and
# wait for it. The one locking idiom of the scripts. A script started by
# the holder (XE_STACK_HELD_LOCKS names FILE) has the lock too.
hold_lock() {
	local f
	f=$(realpath -m "$1")
	[[ ${XE_STACK_HELD_LOCKS:-} != *"|$f|"* ]] || return 0
	mkdir -p "$(dirname "$f")"
	eval "exec $2>\"\$f\""
	if ! flock -n "$2"; then
		log "another run is using $3: waiting for it"
		flock "$2"
	fi
	export XE_STACK_HELD_LOCKS="${XE_STACK_HELD_LOCKS:-}|$f|"
}

# cache_lock NAME: hold $CACHE_DIR/locks/NAME.lock on fd 7. Whatever the
# holder of the lock makes under a temporary name (.unpack.*, .new.*) and
# finds from an earlier run was left by a run killed half-way.
cache_lock() {
	hold_lock "$CACHE_DIR/locks/$1.lock" 7 "$CACHE_DIR/locks/$1.lock"
}

# clear_git_locks GITDIR: remove the *.lock files a git killed half-way
# left in GITDIR (index.lock, HEAD.lock, refs/**.lock, ...), which make
# every later git command there fail. Only files no running process holds
# open are removed; call with cache_lock git held, so that no git of these
# scripts is at work in the repository. (git closes a ref's lock file
# before it renames it: a git run by hand there at that very moment is
# not seen.)
clear_git_locks() {
	local f
	while IFS= read -r -d '' f; do
		# By inode (the path may go through a symlink); find fails on the
		# processes that end while it looks.
		if [[ -n $(find -L /proc/[0-9]*/fd -maxdepth 1 -samefile "$f" -print -quit 2>/dev/null || true) ]]; then
			log "$f is held open by a running process: left alone"
			continue
		fi
		log "removing $f, left by a git killed half-way"
		rm -f "$f"
	done < <(find "$1" -path "$1/objects" -prune -o -type f -name '*.lock' ! -name 'xe-stack-*' -print0)
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

# pipeline_tree TREE: set tree_force to prepare-tree.sh's options for a
# pipeline's work tree (check-series.sh, bisect-series.sh). The default
# tree, and one the pipeline made (new or empty before; marked
# .xe-stack-pipeline at once), are its own: prepared with --force. A tree of
# `make tree` given as --tree keeps its unrecorded work: prepare-tree.sh
# stops instead.
pipeline_tree() {
	tree_force=()
	if [[ $(realpath -m "$1") == "$(realpath -m "$CACHE_DIR/ci/linux")" || -f $1/.xe-stack-pipeline ||
		! -e $1 || -z $(ls -A "$1" 2>/dev/null) ]]; then
		tree_force=(--force --pipeline)
	fi
}

# lock_tree TREE: one pipeline run at a time on TREE and on the build dirs
# of this cache (shared by every tree); waits for a run that holds them.
# Holds fds 8 and 9.
lock_tree() {
	lock_worktree "$1"
	hold_lock "$CACHE_DIR/build/.lock" 8 "the build dirs in $CACHE_DIR/build"
}

# lock_worktree TREE: hold TREE.lock on fd 9; every script that writes a
# work tree takes it. A child it runs on the same tree shares it.
lock_worktree() {
	hold_lock "$(realpath -m "$1").lock" 9 "the work tree $1"
}
