# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # globals for the bats files; bats sets $output
# Shared by the bats files: where things are, and how to read a run.

REPO=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
# `run !` (a command that must fail, checked on any line) needs 1.5.
bats_require_minimum_version 1.5.0
FIXTURES=$REPO/tests/fixtures
CACHE=${XE_STACK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xe-stack}
# Runs of the real pipeline keep their output here for inspection.
RUNS=$REPO/out/tests

# The scripts need only the system's python3 (install-deps.sh); a python3
# that is a version manager's shim (pyenv's) costs ~0.1 s a call, and a
# fake pipeline run makes dozens. The tests put a folder holding only a
# python3, the system's, first in PATH.
if [[ -x /usr/bin/python3 && $(command -v python3) != /usr/bin/python3 ]]; then
	mkdir -p "$BATS_RUN_TMPDIR/python"
	[[ -e $BATS_RUN_TMPDIR/python/python3 ]] ||
		ln -s /usr/bin/python3 "$BATS_RUN_TMPDIR/python/python3" 2>/dev/null || true
	PATH=$BATS_RUN_TMPDIR/python:$PATH
fi

# stack_info [SERIES] WHAT [NAME]: what a series file (default: the
# project's; its patches in patches/ beside it, or beside it) or the
# matrix says, read by the scripts' own parsers (scripts/lib/stack-info.sh).
stack_info() {
	local s=$REPO/series d
	[[ $1 != */* ]] || { s=$1; shift; }
	d=$(dirname "$s")
	[[ ! -d $d/patches ]] || d=$d/patches
	"$REPO/scripts/lib/stack-info.sh" --series "$s" --patches "$d" "$@"
}

# series_patches [SERIES]: the patches of a series file, in order.
series_patches() { stack_info "$@" patches; }

# mail_patches NAME [SERIES]: the own patches of mail series NAME, in order.
mail_patches() { stack_info ${2:+"$2"} own "$1"; }

# fresh_run NAME: the tests own $RUNS; a run's folder is removed before
# it runs again, since one from an older xe-stack has no output marker.
fresh_run() {
	rm -rf "${RUNS:?}/${1:?}"
}

# check_fixture NAME [CONFIGS [OPTION...]]: run the pipeline over a
# fixture series (from DIR instead of tests/fixtures/NAME if FIXTURE_DIR).
check_fixture() {
	local name=$1 configs=${2:-} dir=${FIXTURE_DIR:-$FIXTURES/$1}
	shift 2 || shift $#
	local args=(--series "$dir/series" --patches "$dir" --out "$RUNS/$name")
	[[ -z $configs ]] || args+=(--configs "$configs")
	fresh_run "$name"
	run "$REPO/scripts/pipeline/check-series.sh" "${args[@]}" "$@"
	printf '%s\n' "$output" >"$RUNS/$name.console" 2>/dev/null || true
}

# cell NAME INDEX STAGE: the status a run recorded for a patch and stage.
cell() {
	awk -F'\t' -v i="$2" -v s="$3" '$1 == i && $3 == s { print $4 }' "$RUNS/$1/results.tsv"
}

# first_failure NAME: "INDEX STAGE" of the first failed cell.
first_failure() {
	awk -F'\t' '$4 == "fail" { print $1, $3; exit }' "$RUNS/$1/results.tsv"
}

# wait_file FILE [TENTHS]: wait until FILE exists and is not empty, up to
# TENTHS tenths of a second (default 100); fails if it never is.
wait_file() {
	local k
	for ((k = 0; k < ${2:-100}; k++)); do
		[[ -s $1 ]] && return 0
		sleep 0.1
	done
	[[ -s $1 ]]
}

# mirror [--stall] [DIR]: start a fake Debian mirror on loopback serving
# DIR (default $mirror_dir), or one that accepts and never answers; sets
# XE_STACK_MIRROR. stop_mirror (in teardown) stops it.
mirror() {
	local pf=$BATS_TEST_TMPDIR/port stall=()
	[[ ${1:-} != --stall ]] || { stall=(--stall); shift; }
	rm -f "$pf"
	/usr/bin/python3 "$REPO/tests/data/fake-mirror.py" "${stall[@]}" "$pf" "${1:-${mirror_dir:-.}}" \
		2>"$BATS_TEST_TMPDIR/mirror.log" 3>&- &
	mirror_pid=$!
	wait_file "$pf" 50 || true
	XE_STACK_MIRROR=http://127.0.0.1:$(cat "$pf")
	export XE_STACK_MIRROR
}

stop_mirror() {
	[[ -z ${mirror_pid:-} ]] || kill "$mirror_pid" 2>/dev/null || true
}
