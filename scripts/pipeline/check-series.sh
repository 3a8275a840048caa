#!/usr/bin/env bash
# Usage: check-series.sh [OPTIONS]
#
# The per-patch pipeline. On a fresh copy of the base tree, for every patch
# of the series in order: apply it (quilt push), run checkpatch --strict on
# the patch file, build it incrementally in every config of the matrix
# (W=1; sparse C=1 in one config) and run kernel-doc on the files it
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
#   --series FILE      quilt series (default: the repo's series)
#   --patches DIR      patch directory (default: the repo's patches/)
#   --configs "A B"    configs from config-fragments/matrix (default: all)
#   --sparse-config A  the config whose builds run sparse (default: first)
#   --sparse-scope D   where sparse findings count (default: drivers/gpu/drm/;
#                      repeatable): the base is checked there in full, and
#                      sparse findings elsewhere are not compared
#   --out DIR          results and logs (default: out/check in the repo); a
#                      folder that exists must be empty or an earlier --out
#   --tree DIR         work tree (default: $XE_STACK_CACHE/ci/linux)
#   --boot-config A    the config that is booted for KUnit and the boot test
#                      (default: first; none: no boot, kunit-builtin runs)
#   --no-boot          skip every stage that runs qemu: kunit, boot and
#                      kunit-builtin
#   --no-kunit-builtin skip the kunit-builtin stage only
#   --keep-going       go on after a patch failed (default: stop there)
#   --from N           check from patch N on even if cached (1 = first)
#   --only N           check patch N only: patches 1..N-1 are applied
#                      unchecked and, unless their results are cached, the
#                      tree at N-1 is built and booted as the reference
#                      that patch N is compared with (self-contained: for
#                      per-patch CI jobs)
#   --no-cache         neither use nor store cached results
#   --pipeline-files   list the repo files whose content keys the cache
#   -h, --help         this text
#
# KERNEL_DIR or KERNEL_TARBALL select another base (reported unverified).
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

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
sparse_config=${sparse_config:-${configs[0]}}
boot_config=${boot_config:-${configs[0]}}
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

for c in "${configs[@]}" "$sparse_config" "$boot_config"; do
	[[ $c == none ]] || matrix_config "$c"
done
# One run at a time per work tree (they share it and the build dirs).
open_run "$out" "$tree" $'index\tpatch\tstage\tstatus\tseconds\tlog\tcached'
failed=0
base_label=base

# status_of EXIT: a stage's status from its exit code (the contract).
status_of() {
	case $1 in 0) echo pass ;; 3) echo warn ;; *) echo fail ;; esac
}

# record INDEX PATCH STAGE STATUS SECONDS LOG
record() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\t\n' "$1" "$2" "$3" "$4" "$5" "${6#"$out"/}" >>"$results"
	printf '  %-22s %-5s %4ss  %s\n' "$3" "$4" "$5" "${6#"$out"/}" >&2
	[[ $4 != fail ]] || failed=1
}

# merge_keys STATE KEYS: add the keys of file KEYS to the state file STATE.
merge_keys() {
	LC_ALL=C sort -u -o "$1" "$1" "$2"
}

# build_stage INDEX PATCH CONFIG [cold]: the build stage, then, in the
# sparse config, the sparse stage; what they found joins the state that
# the next patch is compared with. A cold build runs no sparse:
# sparse_scan covers the base. At the base (index 00) everything found
# is the baseline, not a failure.
build_stage() {
	local idx=$1 patch=$2 cfg=$3 cold=${4:-} t0 status=pass sstatus=pass
	local sparse_arg=() base_arg=() sbase_arg=()
	[[ $cfg != "$sparse_config" || -n $cold ]] || sparse_arg=(--sparse)
	[[ $idx == 00 ]] || base_arg=(--baseline "$out/state/$cfg.cc") sbase_arg=(--baseline "$out/state/sparse")
	t0=$SECONDS
	printf '[%s] %s: build %s%s ...\n' "$idx" "$patch" "$cfg" "${cold:+ (cold)}" >&2
	"$REPO_DIR/scripts/pipeline/stage-build.sh" "${sparse_arg[@]}" "${base_arg[@]}" \
		"$idx" "$out/logs" "$tree" "$cfg" || status=fail
	# W=1 also runs kernel-doc on compiled files: that is the kernel-doc
	# stage's to judge (it covers headers too), not the build's.
	grep -vE '^(sparse|kernel-doc)' "$out/logs/$idx-build-$cfg.keys" >"$out/state/$idx-$cfg.found" || true
	merge_keys "$out/state/$cfg.cc" "$out/state/$idx-$cfg.found"
	record "$idx" "$patch" "build:$cfg" "$status" $((SECONDS - t0)) "$out/logs/$idx-build-$cfg.log"
	((${#sparse_arg[@]})) || return 0
	"$REPO_DIR/scripts/pipeline/stage-sparse.sh" "${sbase_arg[@]}" "${scope_args[@]}" \
		"$idx" "$out/logs" "$tree" "$cfg" || sstatus=fail
	merge_keys "$out/state/sparse" "$out/logs/$idx-sparse.keys"
	[[ $status != fail || $sstatus == fail ]] || sstatus=skip
	record "$idx" "$patch" sparse "$sstatus" 0 "$out/logs/$idx-sparse.log"
}

# boot_stage INDEX PATCH: boot the boot config's kernel in qemu (the boot
# stage), then judge its KUnit results against the previous patch's (the
# kunit stage) and its splats against the base's (index 00, whose results
# become the reference).
boot_stage() {
	local idx=$1 patch=$2 d=$out/boot/$1 t0=$SECONDS st=pass kst=pass
	local build=$CACHE_DIR/build/$boot_config opts=()
	[[ $boot_config != none ]] || return 0
	if [[ $(awk -F'\t' -v i="$idx" -v s="build:$boot_config" '$1 == i && $3 == s { print $4 }' "$results") != pass ]]; then
		record "$idx" "$patch" kunit skip 0 ""
		record "$idx" "$patch" boot skip 0 ""
		return 0
	fi
	printf '[%s] %s: boot %s ...\n' "$idx" "$patch" "$boot_config" >&2
	# The base's splats are the reference (7.3's own KUnit suites warn on
	# purpose); from patch 1 on, only more of them fail.
	if [[ $idx == 00 ]]; then
		opts=(--record)
	elif [[ -n $base_splats ]]; then
		opts=(--splats-ref "$base_splats")
	fi
	"$REPO_DIR/scripts/pipeline/stage-boot.sh" "${opts[@]}" "$idx" "$out/logs" "$build" "$d" || st=fail
	local secs=$((SECONDS - t0))
	"$REPO_DIR/scripts/pipeline/stage-kunit.sh" ${prev_kunit:+--prev-kunit "$prev_kunit"} \
		"$idx" "$out/logs" "$tree" "$d" || kst=fail
	[[ $kst == fail ]] || prev_kunit=$d/kunit.json
	record "$idx" "$patch" kunit "$kst" 0 "$out/logs/$idx-kunit.log"
	printf '  boot: %s\n' "$(cat "$d/accel" 2>/dev/null)" >&2
	record "$idx" "$patch" boot "$st" "$secs" "$out/logs/$idx-boot.log"
	if [[ $idx == 00 ]]; then
		[[ $st == pass ]] || die baseline "the $base_label does not boot cleanly: see $out/logs/00-boot.log"
		base_splats=$d/splats
	fi
}

# kunit_builtin_stage INDEX PATCH: every xe suite built in, run by the
# tree's kunit.py in its own build dir, judged against the previous
# patch's results (a test or a suite that is gone fails too).
kunit_builtin_stage() {
	local idx=$1 patch=$2 d=$out/kunit-builtin/$1 t0=$SECONDS st=pass
	((kunit_builtin)) || return 0
	printf '[%s] %s: kunit-builtin (kunit.py) ...\n' "$idx" "$patch" >&2
	"$REPO_DIR/scripts/pipeline/stage-kunit-builtin.sh" ${prev_kbuiltin:+--prev-kunit "$prev_kbuiltin"} \
		"$idx" "$out/logs" "$tree" "$CACHE_DIR/build/kunit-builtin" "$d" || st=fail
	[[ $st == fail ]] || prev_kbuiltin=$d/kunit.json
	record "$idx" "$patch" kunit-builtin "$st" $((SECONDS - t0)) "$out/logs/$idx-kunit-builtin.log"
	[[ $idx != 00 || $st == pass ]] || die baseline "kunit-builtin fails on the $base_label: see $out/logs/$idx-kunit-builtin.log"
}

# sparse_scan CONFIG: sparse over the whole sparse scope of the base tree
# (C=2), stored in the build dir as the sparse baseline.
sparse_scan() {
	local cfg=$1 id=$2 log=$out/logs/00-sparse-$1.log t0=$SECONDS scope_args=()
	for d in "${sparse_scope[@]}"; do scope_args+=(--sparse-all "$d"); done
	printf '[00] base: sparse over %s ...\n' "${sparse_scope[*]}" >&2
	"$REPO_DIR/scripts/pipeline/build-kernel.sh" "${scope_args[@]}" "$tree" "$cfg" >"$log" 2>&1 ||
		die baseline "sparse over ${sparse_scope[*]} failed on the base tree: see $log"
	warning_keys "$tree" "$log" | { grep '^sparse' || true; } | in_scope "${sparse_scope[@]}" |
		sort -u -o "$out/state/sparse" - "$out/state/sparse"
	[[ -n $ref ]] || { echo "$id"; cat "$out/state/sparse"; } >"$CACHE_DIR/build/$cfg/.xe-stack-sparse-baseline"
	record 00 "$base_label" sparse pass $((SECONDS - t0)) "$log"
}

# baseline CONFIG: bring the build dir to the unpatched tree and record the
# warnings already there. A build dir without a baseline for this exact
# base and .config (new, or interrupted) is emptied and built in full.
baseline() {
	local cfg=$1 build=$CACHE_DIR/build/$1 id sid stored cold=
	mkdir -p "$build"
	"$REPO_DIR/scripts/pipeline/make-config.sh" "$tree" "$build" "$cfg" 2>"$out/logs/config-$cfg.log" ||
		die config "cannot make the $cfg config: see $out/logs/config-$cfg.log"
	id=$(baseline_id "$build" "$base_ident")
	stored=$build/.xe-stack-baseline
	if [[ ! -f $stored || $(head -n1 "$stored") != "$id" ]]; then
		log "$cfg: no baseline for this base and config: full build"
		find "$build" -mindepth 1 -maxdepth 1 ! -name .config -exec rm -rf {} +
		cold=cold
	fi
	: >"$out/state/$cfg.cc"
	[[ $cfg == "$sparse_config" ]] && : >"$out/state/sparse"
	build_stage 00 "$base_label" "$cfg" $cold
	[[ $(awk -F'\t' -v s="build:$cfg" '$3 == s { print $4 }' "$results") == pass ]] ||
		die baseline "the $base_label does not build in $cfg: see $out/logs/00-build-$cfg.log"
	# Only a build of the base itself is stored as the base's baseline.
	# A cold build saw every warning; an incremental one adds the stored.
	if [[ -n $cold && -z $ref ]]; then
		{ echo "$id"; cat "$out/state/$cfg.cc"; } >"$stored"
	elif [[ -z $cold ]]; then
		tail -n +2 "$stored" | sort -u -o "$out/state/$cfg.cc" - "$out/state/$cfg.cc"
	fi
	[[ $cfg == "$sparse_config" ]] || return 0
	sid="$id scope=${sparse_scope[*]}"
	stored=$build/.xe-stack-sparse-baseline
	if [[ -z $cold && -f $stored && $(head -n1 "$stored") == "$sid" ]]; then
		tail -n +2 "$stored" | sort -u -o "$out/state/sparse" - "$out/state/sparse"
	else
		sparse_scan "$cfg" "$sid"
	fi
}

log "checking ${#entries[@]} patches of $series in: ${configs[*]}"
printf 'index\tpatch\tsubject\n' >"$out/patches.tsv"
n=0
for patch in "${entries[@]}"; do
	n=$((n + 1))
	subject=$(sed -n 's/^Subject: //p' "$patches/$patch" 2>/dev/null | head -n1)
	printf '%02d\t%s\t%s\n' "$n" "$patch" "${subject:-$patch}" >>"$out/patches.tsv"
done

# Cache keys: key[0] for the base, key[k] for the base plus patches 1..k.
cache_root=$CACHE_DIR/results
keys=()
base_ident=
cache_keys() {
	local k=0 f
	base_tree
	base_ident=$(base_id)
	((use_cache)) || return 0
	keys[0]=$({
		echo "$base_ident"
		echo "$tree ${configs[*]} sparse=$sparse_config ${sparse_scope[*]} boot=$boot_config kunit-builtin=$kunit_builtin"
		{ pipeline_files; cd "$REPO_DIR" && find config-fragments kunit-configs -type f; } |
			LC_ALL=C sort | tr '\n' '\0' | (cd "$REPO_DIR" && xargs -0 cat)
	} | sha256sum | cut -c1-32)
	for f in "${entries[@]}"; do
		k=$((k + 1))
		keys[k]=$({ echo "${keys[k - 1]}"; cat "$patches/$f" 2>/dev/null; } | sha256sum | cut -c1-32)
	done
}

# save_state INDEX: store the results and the comparison state after a
# patch that passed (or the base) in the cache.
save_state() {
	local idx=$1 e
	[[ -n ${keys[10#$idx]:-} ]] || return 0
	e=$cache_root/${keys[10#$idx]}
	rm -rf "$e.tmp"
	mkdir -p "$e.tmp/logs"
	awk -F'\t' -v i="$idx" '$1 == i' "$results" >"$e.tmp/rows.tsv"
	cp "$out"/logs/"$idx"-* "$e.tmp/logs/" 2>/dev/null || true
	[[ ! -d $out/boot/$idx ]] || cp -r "$out/boot/$idx" "$e.tmp/boot"
	cp "$out"/state/*.cc "$e.tmp/" 2>/dev/null || true
	[[ ! -f $out/state/sparse ]] || cp "$out/state/sparse" "$e.tmp/sparse"
	[[ -z $prev_kunit ]] || cp "$prev_kunit" "$e.tmp/prev-kunit.json"
	[[ ! -d $out/kunit-builtin/$idx ]] || cp -r "$out/kunit-builtin/$idx" "$e.tmp/kunit-builtin"
	[[ -z $prev_kbuiltin ]] || cp "$prev_kbuiltin" "$e.tmp/prev-kunit-builtin.json"
	[[ -z $base_splats ]] || cp "$base_splats" "$e.tmp/base-splats"
	rm -rf "$e"
	mv "$e.tmp" "$e"
}

# restore_dir CACHED DEST: DEST becomes a copy of CACHED, if it was cached.
restore_dir() {
	[[ -d $1 ]] || return 0
	mkdir -p "$(dirname "$2")"
	rm -rf "${2:?}"
	cp -r "$1" "$2"
}

# load_state INDEX: the same, back into this run, marked cached.
load_state() {
	local idx=$1 e=$cache_root/${keys[10#$1]}
	awk -F'\t' -v OFS='\t' '{ $7 = "cached"; print }' "$e/rows.tsv" >>"$results"
	cp "$e"/logs/* "$out/logs/" 2>/dev/null || true
	restore_dir "$e/boot" "$out/boot/$idx"
	restore_dir "$e/kunit-builtin" "$out/kunit-builtin/$idx"
	rm -f "$out"/state/*.cc "$out/state/sparse"
	cp "$e"/*.cc "$out/state/" 2>/dev/null || true
	[[ ! -f $e/sparse ]] || cp "$e/sparse" "$out/state/sparse"
	prev_kunit='' base_splats='' prev_kbuiltin=''
	[[ ! -f $e/prev-kunit.json ]] || { cp "$e/prev-kunit.json" "$out/state/prev-kunit.json"; prev_kunit=$out/state/prev-kunit.json; }
	[[ ! -f $e/prev-kunit-builtin.json ]] || { cp "$e/prev-kunit-builtin.json" "$out/state/prev-kunit-builtin.json"; prev_kbuiltin=$out/state/prev-kunit-builtin.json; }
	[[ ! -f $e/base-splats ]] || { cp "$e/base-splats" "$out/state/base-splats"; base_splats=$out/state/base-splats; }
	printf '[%s] %s: cached\n' "$idx" "$(awk -F'\t' 'NR == 1 { print $2 }' "$e/rows.tsv")" >&2
}

cache_keys
# first: the first index (0 = base) that has to be checked for real.
first=0
if ((${#keys[@]})); then
	while ((first <= ${#entries[@]})) && [[ -d $cache_root/${keys[first]} ]]; do
		first=$((first + 1))
	done
fi
if [[ -n $from ]]; then
	((from >= 1 && from <= ${#entries[@]})) || die usage "--from/--only: no patch $from (1..${#entries[@]})"
	((first <= from)) || first=$from
fi
# --only N without the results of 1..N-1: the tree at N-1 is the reference.
ref=''
if [[ -n $only ]] && ((only > 1 && first < only)); then
	ref=$((only - 1))
	first=$only
	base_label="reference (patches 1-$ref applied)"
fi
prev_kunit=''
prev_kbuiltin=''
base_splats=''
base_saved=''
for ((k = 0; k < (ref ? 0 : first); k++)); do
	load_state "$(printf '%02d' "$k")"
	[[ -z $base_splats ]] || base_saved=$base_splats
done
base_splats=$base_saved
if ((first > ${#entries[@]})); then
	log "every patch is cached: nothing to check (--no-cache forces a run)"
	"$REPO_DIR/scripts/pipeline/report.py" "$out" | tee "$out/report.txt"
	exit "$failed"
fi

pipeline_tree "$tree"
"$REPO_DIR/scripts/pipeline/prepare-tree.sh" "${tree_force[@]}" "$tree" "$series" "$patches"
cp "$tree/.xe-stack-base" "$out/base.txt"
if ((first == 0)); then
	for cfg in "${configs[@]}"; do
		baseline "$cfg"
	done
	boot_stage 00 base
	kunit_builtin_stage 00 base
	((failed)) || save_state 00
elif [[ -n $ref ]]; then
	mkdir -p "$out/logs/applied"
	for ((k = 1; k <= ref; k++)); do
		"$REPO_DIR/scripts/pipeline/stage-apply.sh" "$(printf '%02d' "$k")" "$out/logs/applied" "$tree" ||
			die apply "patch $k (${entries[k - 1]}) does not apply: see $out/logs/applied/$(printf '%02d' "$k")-apply.log"
	done
	log "patch $only alone: the tree at patch $ref is the reference"
	for cfg in "${configs[@]}"; do
		baseline "$cfg"
	done
	boot_stage 00 "$base_label"
	kunit_builtin_stage 00 "$base_label"
else
	# Patches before the first one to check: applied, not checked.
	mkdir -p "$out/logs/applied"
	for ((k = 1; k < first; k++)); do
		"$REPO_DIR/scripts/pipeline/stage-apply.sh" "$(printf '%02d' "$k")" "$out/logs/applied" "$tree" ||
			die apply "patch $k (${entries[k - 1]}) no longer applies: see $out/logs/applied/$(printf '%02d' "$k")-apply.log"
	done
fi

n=0
for patch in "${entries[@]}"; do
	n=$((n + 1))
	((n >= first)) || continue
	idx=$(printf '%02d' "$n")
	file=$patches/$patch
	printf '[%s/%s] %s\n' "$n" "${#entries[@]}" "$patch" >&2
	[[ -f $file ]] || die apply "patch $idx: $patch is in the series but not in $patches"
	mapfile -t touched < <(grep -E '^\+\+\+ b/' "$file" | sed 's|^+++ b/||; s|\t.*||')
	"$REPO_DIR/scripts/pipeline/stage-kerneldoc.sh" "$idx-before" "$out/state" "$tree" "${touched[@]}"

	t0=$SECONDS
	if ! "$REPO_DIR/scripts/pipeline/stage-apply.sh" "$idx" "$out/logs" "$tree"; then
		record "$idx" "$patch" apply fail $((SECONDS - t0)) "$out/logs/$idx-apply.log"
		{ sed -n '/^--- rejected hunks/,$p' "$out/logs/$idx-apply.log" | head -n 40; } >&2 || true
		break
	fi
	record "$idx" "$patch" apply pass $((SECONDS - t0)) "$out/logs/$idx-apply.log"

	t0=$SECONDS rc=0
	"$REPO_DIR/scripts/pipeline/stage-checkpatch.sh" "$idx" "$out/logs" "$tree" "$file" || rc=$?
	st=$(status_of "$rc")
	record "$idx" "$patch" checkpatch "$st" $((SECONDS - t0)) "$out/logs/$idx-checkpatch.log"

	for cfg in "${configs[@]}"; do
		build_stage "$idx" "$patch" "$cfg"
	done

	t0=$SECONDS rc=0
	"$REPO_DIR/scripts/pipeline/stage-kerneldoc.sh" --baseline "$out/state/$idx-before-kernel-doc.keys" \
		"$idx" "$out/logs" "$tree" "${touched[@]}" || rc=$?
	st=$(status_of "$rc")
	record "$idx" "$patch" kernel-doc "$st" $((SECONDS - t0)) "$out/logs/$idx-kernel-doc.log"

	boot_stage "$idx" "$patch"
	kunit_builtin_stage "$idx" "$patch"
	((failed)) || save_state "$idx"

	[[ -z $only ]] || break
	if ((failed && !keep_going)); then
		log "stopping after the first failing patch ($patch); --keep-going checks the rest"
		break
	fi
done

"$REPO_DIR/scripts/pipeline/report.py" "$out" | tee "$out/report.txt"
exit "$failed"
