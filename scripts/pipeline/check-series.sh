#!/usr/bin/env bash
# Usage: check-series.sh [OPTIONS]
#
# The per-patch pipeline. On a fresh copy of the base tree, for every patch
# of the series in order: apply it (quilt push), run checkpatch --strict on
# the patch file, build it incrementally in every config of the matrix
# (W=1; sparse C=1 in one config; a config of when=top only at the top
# of each mail series) and run kernel-doc on the files it
# touches; boot the debug config in qemu, running the KUnit modules; run
# every xe KUnit suite built in with the kernel's kunit.py (stage
# kunit-builtin: the suites #included from xe's .c files run only there).
# Warnings already present before the patch do not count: the base is
# built (and booted) first and only what a patch adds fails it. Prints one
# line per patch and stage, keeps every log, writes OUT/results.tsv and the
# report (report.txt, .md, .json, junit.xml); exits 1 if any stage failed,
# 2 on a usage error.
#
# Results of patches that passed are cached, keyed by the base, the
# pipeline's own files (pipeline_files), the configs and the content of
# every patch up to that one: a re-run only checks from the first patch
# that changed.
#
# The script is a loop: plan (lib/plan.sh, from the cache of lib/cache.sh
# and --from/--only), the stages of each index (lib/stages.sh), which
# record their verdicts, then the report.
#
#   --series FILE      quilt series (default: the repo's series)
#   --patches DIR      patch directory (default: the repo's patches/)
#   --configs "A B"    configs from config-fragments/matrix (default: all)
#   --sparse-config A  the config whose builds run sparse (default: the first
#                      config of when=patch)
#   --sparse-scope D   where sparse findings count (default: drivers/gpu/drm/;
#                      repeatable): the base is checked there in full, and
#                      sparse findings elsewhere are not compared
#   --out DIR          results and logs (default: out/check in the repo); a
#                      folder that exists must be empty or an earlier --out
#   --tree DIR         work tree (default: $XE_STACK_CACHE/ci/linux)
#   --boot-config A    the config that is booted for KUnit and the boot test
#                      (default: as --sparse-config; none: no boot,
#                      kunit-builtin runs)
#   --no-boot          skip every stage that runs qemu: kunit, boot and
#                      kunit-builtin
#   --no-kunit-builtin skip the kunit-builtin stage only
#   --keep-going       go on after a patch failed (default: stop there)
#   --from N           check from patch N on even if cached (1 = first)
#   --only N           check patch N only: patches 1..N-1 are applied
#                      unchecked and, unless their results are cached, the
#                      tree at N-1 is built and booted as the reference
#                      that patch N is compared with (self-contained: for
#                      per-patch CI jobs); N is built in every config,
#                      the when=top ones too
#   --no-cache         neither use nor store cached results
#   --pipeline-files   list the repo files whose content keys the cache
#   -h, --help         this text
#
# KERNEL_DIR or KERNEL_TARBALL select another base (reported unverified).
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"
# shellcheck source=lib/plan.sh
. "$REPO_DIR/scripts/pipeline/lib/plan.sh"
# shellcheck source=lib/cache.sh
. "$REPO_DIR/scripts/pipeline/lib/cache.sh"
# shellcheck source=lib/stages.sh
. "$REPO_DIR/scripts/pipeline/lib/stages.sh"

series=$REPO_DIR/series
patches=$REPO_DIR/patches
configs=
sparse_config=
out=$REPO_DIR/out/check
tree=$CACHE_DIR/ci/linux
keep_going=0
boot_config=
sparse_scope=()
from=
only=
use_cache=1
kunit_builtin=1
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--pipeline-files) pipeline_files; exit 0 ;;
	--series) optval "$@"; series=$2; shift ;;
	--patches) optval "$@"; patches=$2; shift ;;
	--configs) optval "$@"; configs=$2; shift ;;
	--sparse-config) optval "$@"; sparse_config=$2; shift ;;
	--sparse-scope) optval "$@"; sparse_scope+=("$2"); shift ;;
	--out) optval "$@"; out=$2; shift ;;
	--tree) optval "$@"; tree=$2; shift ;;
	--keep-going) keep_going=1 ;;
	--boot-config) optval "$@"; boot_config=$2; shift ;;
	--no-boot) boot_config=none kunit_builtin=0 ;;
	--no-kunit-builtin) kunit_builtin=0 ;;
	--from) optval "$@"; from=$2; shift ;;
	--only) optval "$@"; from=$2 only=$2; shift ;;
	--no-cache) use_cache=0 ;;
	*) die usage "unknown option '$1' (see --help)" ;;
	esac
	shift
done
[[ -n $configs ]] || configs=$(pipeline_configs)
read -ra configs <<<"$configs"
((${#sparse_scope[@]})) || sparse_scope=(drivers/gpu/drm/)
scope_args=()
for d in "${sparse_scope[@]}"; do scope_args+=(--scope "$d"); done
export QUILTRC="$REPO_DIR/scripts/pipeline/quiltrc"
read_series "$series" "$patches"
series=$(cd "$(dirname "$series")" && pwd)/$(basename "$series")
patches=$(cd "$patches" && pwd)
if [[ -n $from ]]; then
	if [[ ! $from =~ ^[0-9]+$ ]] || ((10#$from < 1 || 10#$from > ${#entries[@]})); then
		die usage "--from/--only: no patch '$from' in $series (1..${#entries[@]})"
	fi
	from=$((10#$from))
	[[ -z $only ]] || only=$from
fi

for c in "${configs[@]}"; do
	matrix_config "$c"
done
# Sparse and the boot follow their config's schedule: by default they go
# with the first config that is built for every patch.
first_cfg=${configs[0]}
for c in "${configs[@]}"; do
	[[ ${matrix_when[$c]} != patch ]] || { first_cfg=$c; break; }
done
sparse_config=${sparse_config:-$first_cfg}
boot_config=${boot_config:-$first_cfg}
for c in "$sparse_config" "$boot_config"; do
	[[ $c == none ]] || matrix_config "$c"
done
# tops[K]: patch K is the top of a mail series or the last patch, where
# the configs of when=top are built.
tops=()
while read -r k; do tops[k]=1; done < <(series_tops)
# --only N checks N in every config.
[[ -z $only ]] || tops[only]=1
# One run at a time per work tree (they share it and the build dirs).
open_run "$out" "$tree" $'index\tpatch\tstage\tstatus\tseconds\tlog\tcached'
failed=0 applied=0
base_label=base

log "checking ${#entries[@]} patches of $series in: ${configs[*]}"
printf 'index\tpatch\tsubject\n' >"$out/patches.tsv"
n=0
for patch in "${entries[@]}"; do
	n=$((n + 1))
	subject=$(sed -n 's/^Subject: //p' "$patches/$patch" 2>/dev/null | head -n1)
	printf '%02d\t%s\t%s\n' "$n" "$patch" "${subject:-$patch}" >>"$out/patches.tsv"
done

# Plan: what the cache holds, then what is checked.
base_tree
base_ident=$(base_id)
# A base that is a git checkout (KERNEL_DIR) has the history that the
# process stage looks Fixes: ids up in.
base_git=''
[[ -z ${KERNEL_DIR:-} || $(git -C "$BASE_DIR" rev-parse --show-toplevel 2>/dev/null) != "$(cd "$BASE_DIR" && pwd -P)" ]] ||
	base_git=$BASE_DIR
keys=()
((!use_cache)) || cache_keys
read -r first ref < <(plan_run "${#entries[@]}" "$(cache_hits)" "$from" "$only")
last=${only:-${#entries[@]}}
((ref == 0)) || base_label="reference (patches 1-$ref applied)"
prev_kunit='' prev_kbuiltin='' base_splats=''
if ((ref == 0)); then
	for ((k = 0; k < first; k++)); do
		load_state "$(printf '%02d' "$k")"
	done
fi
if ((first > last)); then
	log "every patch is cached: nothing to check (--no-cache forces a run)"
	"$REPO_DIR/scripts/pipeline/report.py" "$out" | tee "$out/report.txt"
	exit "$failed"
fi

# Stages: the reference if it is not cached, then each patch; record.
pipeline_tree "$tree"
"$REPO_DIR/scripts/pipeline/prepare-tree.sh" "${tree_force[@]}" "$tree" "$series" "$patches"
cp "$tree/.xe-stack-base" "$out/base.txt"
if ((ref)); then
	apply_unchecked 1 "$ref"
	log "patch $only alone: the tree at patch $ref is the reference"
	reference_stages
elif ((first == 0)); then
	reference_stages
	((failed)) || save_state 00
	first=1
else
	apply_unchecked 1 $((first - 1))
fi
for ((n = first; n <= last; n++)); do
	idx=$(printf '%02d' "$n")
	patch=${entries[n - 1]}
	printf '[%s/%s] %s\n' "$n" "${#entries[@]}" "$patch" >&2
	[[ -f $patches/$patch ]] || die apply "patch $idx: $patch is in the series but not in $patches"
	patch_stages "$idx" "$patch" "$patches/$patch"
	((applied)) || break
	((failed)) || save_state "$idx"
	if ((failed && !keep_going)); then
		log "stopping after the first failing patch ($patch); --keep-going checks the rest"
		break
	fi
done

"$REPO_DIR/scripts/pipeline/report.py" "$out" | tee "$out/report.txt"
exit "$failed"
