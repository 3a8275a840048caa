#!/usr/bin/env bash
# Usage: bisect-series.sh [OPTIONS] --stage STAGE
#        bisect-series.sh [OPTIONS] -- COMMAND [ARG...]
#
# Find the first patch of the series with which a check fails, by binary
# search over the series, as `git bisect run` does over commits: the check
# runs on the work tree with patches 1..k applied (quilt), must pass on
# the base (k = 0) and fail with the whole series (k = n); then
# ceil(log2(n)) more checks find the first failing k. Builds reuse the
# pipeline's build dir of the config (incremental, ccache). Prints
# "first bad patch: NN NAME" and exits 0; exits 1 when the check already
# fails on the base, passes with the whole series, or cannot tell; 2 on a
# usage error.
#
#   --stage build      the build of CONFIG fails, or has a W=1 compiler
#                      warning the base does not have (the files the series
#                      touches are recompiled at every check, so every
#                      check sees the same files)
#   --stage kunit      in the qemu boot test, a KUnit test fails that
#                      passed on the base
#   --stage boot       the boot test fails, or shows a splat the base does
#                      not (a patch that does not build is skipped)
#   --stage kunit-builtin
#                      kunit.py, every xe suite built in (stage-kunit-builtin.sh):
#                      a test that passed on the base fails or is gone, or
#                      a suite that ran there is gone (--config unused)
#   -- COMMAND         runs in the tree with XE_STACK_TREE and
#                      XE_STACK_PATCH (= k) set: exit 0 good, 125 cannot
#                      be tested (skipped), 1-127 bad, above 127 aborts
#   --config NAME      config for the stages (default: the first pipeline
#                      config of config-fragments/matrix)
#   --series FILE      quilt series (default: the repo's series)
#   --patches DIR      patch directory (default: the repo's patches/)
#   --tree DIR         work tree (default: $XE_STACK_CACHE/ci/linux, shared
#                      with check-series.sh, one run at a time)
#   --out DIR          logs and result.txt (default: out/bisect); a folder
#                      that exists must be empty or an earlier --out
#   -h, --help         this text
#
# A patch that does not apply is bad for every check. KERNEL_DIR or
# KERNEL_TARBALL select another base, as for check-series.sh.
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

series=$REPO_DIR/series
patches=$REPO_DIR/patches
tree=$CACHE_DIR/ci/linux
out=$REPO_DIR/out/bisect
stage=
config=
cmd=()
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--stage) optval "$@"; stage=$2; shift ;;
	--config) optval "$@"; config=$2; shift ;;
	--series) optval "$@"; series=$2; shift ;;
	--patches) optval "$@"; patches=$2; shift ;;
	--tree) optval "$@"; tree=$2; shift ;;
	--out) optval "$@"; out=$2; shift ;;
	--) shift; cmd=("$@"); break ;;
	*) die usage "unknown option '$1' (see --help)" ;;
	esac
	shift
done
case $stage in
build | kunit | boot | kunit-builtin) ((${#cmd[@]} == 0)) || die usage "--stage and a COMMAND exclude each other" ;;
'') ((${#cmd[@]})) || die usage "give --stage STAGE or -- COMMAND (see --help)" ;;
*) die usage "--stage: build, kunit, boot or kunit-builtin, not '$stage'" ;;
esac
[[ -n $config ]] || read -r config _ < <(pipeline_configs)
export QUILTRC="$REPO_DIR/scripts/pipeline/quiltrc"

read_series "$series" "$patches"
n=${#entries[@]}
matrix_config "$config"
out_apart "$out" "$tree"
lock_tree "$tree"
claim_out "$out"
out=$(cd "$out" && pwd)
mkdir -p "$out/applied"
pipeline_tree "$tree"
"$REPO_DIR/scripts/pipeline/prepare-tree.sh" "${tree_force[@]}" "$tree" "$series" "$patches" >"$out/prepare.log" 2>&1 ||
	die prepare "cannot prepare $tree: $(grep -m1 'error:' "$out/prepare.log" || echo "see $out/prepare.log")"
build=$CACHE_DIR/build/$config
# Every file the series touches, recompiled at every build check.
mapfile -t touched < <(sed -n 's|^+++ b/||p' "${entries[@]/#/$patches/}" | sed 's|\t.*||' | sort -u)

# goto K: pop or push until patches 1..K are applied; 1 if one does not apply.
top=0
goto() {
	while ((top > $1)); do
		(cd "$tree" && quilt pop -q) >>"$out/quilt.log" 2>&1 || die apply "quilt pop failed in $tree: see $out/quilt.log"
		top=$((top - 1))
	done
	while ((top < $1)); do
		"$REPO_DIR/scripts/pipeline/stage-apply.sh" "$(printf '%02d' $((top + 1)))" "$out/applied" "$tree" || return 1
		top=$((top + 1))
	done
}

# check K: 0 good, 1 bad, 125 skip.
check() {
	local k=$1 idx d rc=0
	idx=$(printf '%02d' "$k")
	d=$out/$idx
	mkdir -p "$d"
	goto "$k" || return 1
	if ((${#cmd[@]})); then
		(cd "$tree" && XE_STACK_TREE=$tree XE_STACK_PATCH=$k "${cmd[@]}") >"$d/check.log" 2>&1 || rc=$?
		((rc < 128)) || die check "the command exited $rc at patch $idx: aborting (see $d/check.log)"
		((rc == 0 || rc == 125)) || rc=1
		return "$rc"
	fi
	if [[ $stage == kunit-builtin ]]; then
		local prev=()
		((k == 0)) || prev=(--prev-kunit "$out/00/kunit-builtin/kunit.json")
		"$REPO_DIR/scripts/pipeline/stage-kunit-builtin.sh" "${prev[@]}" "$idx" "$d" "$tree" \
			"$CACHE_DIR/build/kunit-builtin" "$d/kunit-builtin" 2>"$d/check.log" || return 1
		return 0
	fi
	(cd "$tree" && for f in "${touched[@]}"; do [[ ! -e $f ]] || touch "$f"; done)
	# The build stage, compared with the base's build; for the other
	# stages, a patch that does not build cannot be tested.
	local base=()
	[[ $stage != build ]] || ((k == 0)) || base=(--baseline "$out/00/00-build-$config.keys")
	if ! "$REPO_DIR/scripts/pipeline/stage-build.sh" "${base[@]}" "$idx" "$d" "$tree" "$config" 2>"$d/check.log"; then
		[[ $stage == build ]] && return 1
		return 125
	fi
	[[ $stage != build ]] || return 0
	# The boot and kunit stages, against the base's boot.
	local opts=(--record) kopts=() brc=0 krc=0
	((k == 0)) || opts=(--splats-ref "$out/00/boot/splats") kopts=(--prev-kunit "$out/00/boot/kunit.json")
	"$REPO_DIR/scripts/pipeline/stage-boot.sh" "${opts[@]}" "$idx" "$d" "$build" "$d/boot" 2>>"$d/check.log" || brc=1
	"$REPO_DIR/scripts/pipeline/stage-kunit.sh" "${kopts[@]}" "$idx" "$d" "$tree" "$d/boot" 2>>"$d/check.log" || krc=1
	((k == 0)) && return $((brc | krc))
	case $stage in
	kunit) return "$krc" ;;
	boot) return "$brc" ;;
	esac
}

name() { printf '%02d %s' "$1" "${entries[$1 - 1]}"; }
checks=0
declare -A verdict=()
# run K: check K once, print and remember the verdict.
run_check() {
	local k=$1 t0=$SECONDS rc=0 v
	check "$k" || rc=$?
	checks=$((checks + 1))
	case $rc in 0) v=good ;; 125) v=skip ;; *) v=bad ;; esac
	verdict[$k]=$v
	if ((k == 0)); then
		printf '[%d] base: %s (%ss)\n' "$checks" "$v" $((SECONDS - t0)) >&2
	else
		printf '[%d] %s: %s (%ss)\n' "$checks" "$(name "$k")" "$v" $((SECONDS - t0)) >&2
	fi
}

what=${stage:+stage $stage ($config)}
log "bisecting $n patches of $series for ${what:-${cmd[*]}}"
run_check 0
[[ ${verdict[0]} == good ]] || die check "the check fails on the base already: see $out/00"
run_check "$n"
[[ ${verdict[$n]} == bad ]] || die check "the check does not fail with the whole series (patch $n: ${verdict[$n]}): nothing to bisect"

# Invariant: lo is good, hi is bad; skipped patches in between are stepped over.
lo=0 hi=$n
while ((hi - lo > 1)); do
	mid=$(((lo + hi) / 2)) pick=
	for ((d = 0; d < hi - lo; d++)); do
		for c in $((mid + d)) $((mid - d)); do
			if ((c > lo && c < hi)) && [[ -z ${verdict[$c]:-} ]]; then
				pick=$c
				break 2
			fi
		done
	done
	[[ -n $pick ]] || break
	run_check "$pick"
	case ${verdict[$pick]} in
	good) lo=$pick ;;
	bad) hi=$pick ;;
	esac
done

{
	printf 'checks: %d for %d patches\n' "$checks" "$n"
	if ((hi - lo > 1)); then
		printf 'first bad patch: one of %d..%d (the others could not be tested)\n' $((lo + 1)) "$hi"
	else
		printf 'first bad patch: %s\n' "$(name "$hi")"
		grep '^Subject:' "$patches/${entries[hi - 1]}" | head -n1 || true
	fi
	printf 'logs: %s/%02d\n' "$out" "$hi"
} | tee "$out/result.txt"
((hi - lo == 1))
