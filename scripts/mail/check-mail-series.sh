#!/usr/bin/env bash
# Usage: check-mail-series.sh [OPTIONS]
#
# Each mail series of the series file (its "# mail: NAME" lines) the way
# a maintainer takes it: alone, on the base. In the pipeline's work tree,
# the unpatched base gets the series' patches with quilt, the patches
# its "# with: PATCH" lines name first, then its own; the result is
# built in the pipeline's configs of when=patch (W=1). A patch that does not apply,
# a build that fails, or a compiler warning the base does not have fails
# the series. The base's warnings are the baseline that check-series.sh
# stores in each build dir: run this after it (make pipeline does).
#
# Prints one line per series and stage, keeps the logs, writes
# OUT/results.tsv (series, stage, status, seconds, log, cached); exits 1
# if a series failed, 2 on a usage error. A result is cached, keyed by
# the base, the baselines, the configs, this pipeline's files and the
# content of the series' patches.
#
#   --series FILE    the series file (default: the repo's series)
#   --patches DIR    the patches directory (default: the repo's patches/)
#   --configs "A B"  configs from config-fragments/matrix (default: the
#                    pipeline configs of when=patch)
#   --only NAME      check mail series NAME only
#   --out DIR        results and logs (default: out/mail-check in the
#                    repo); a folder that exists must be empty or an
#                    earlier --out
#   --tree DIR       work tree (default: check-series.sh's,
#                    $XE_STACK_CACHE/ci/linux); only a pipeline's tree,
#                    whose quilt series this script replaces
#   --no-cache       neither use nor store cached results
#   -h, --help       this text
#
# KERNEL_DIR or KERNEL_TARBALL select another base, as for check-series.sh.
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

series=$REPO_DIR/series
patches=$REPO_DIR/patches
configs=
only=
out=$REPO_DIR/out/mail-check
tree=$CACHE_DIR/ci/linux
use_cache=1
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--series) optval "$@"; series=$2; shift ;;
	--patches) optval "$@"; patches=$2; shift ;;
	--configs) optval "$@"; configs=$2; shift ;;
	--only) optval "$@"; only=$2; shift ;;
	--out) optval "$@"; out=$2; shift ;;
	--tree) optval "$@"; tree=$2; shift ;;
	--no-cache) use_cache=0 ;;
	*) die usage "unknown option '$1' (see --help)" ;;
	esac
	shift
done
# Each mail series alone is a top, but the configs of when=top build its
# code at the stack's tops already (check-series.sh): alone, it is built in
# the configs of every patch.
[[ -n $configs ]] || configs=$(pipeline_configs_when patch)
read -ra configs <<<"$configs"
((${#configs[@]})) || die usage "--configs: no config given"
for c in "${configs[@]}"; do matrix_config "$c"; done
read_mail_series "$series" "$patches"
names=("${mail_names[@]}")
if [[ -n $only ]]; then
	[[ -n ${mail_own[$only]+x} ]] || die usage "--only: no mail series '$only' in $series (${mail_names[*]})"
	names=("$only")
fi
patches=$(cd "$patches" && pwd)
pipeline_tree "$tree"
((${#tree_force[@]})) ||
	die usage "--tree $tree is not a pipeline's work tree (check-series.sh --tree): this script would replace its quilt series"
open_run "$out" "$tree" $'series\tstage\tstatus\tseconds\tlog\tcached'
failed=0

# record SERIES STAGE STATUS SECONDS LOG
record() {
	printf '%s\t%s\t%s\t%s\t%s\t\n' "$1" "$2" "$3" "$4" "${5#"$out"/}" >>"$results"
	printf '  %-16s %-20s %-5s %4ss  %s\n' "$1" "$2" "$3" "$4" "${5#"$out"/}" >&2
	[[ $3 != fail ]] || failed=1
}

# The base's warnings in each config, as check-series.sh stored them.
base_tree
base_ident=$(base_id)
declare -A baseline=()
baseline_ids=
for cfg in "${configs[@]}"; do
	build=$CACHE_DIR/build/$cfg
	stored=$build/.xe-stack-baseline
	mkdir -p "$build"
	"$REPO_DIR/scripts/pipeline/make-config.sh" "$BASE_DIR" "$build" "$cfg" 2>"$out/logs/config-$cfg.log" ||
		die config "cannot make the $cfg config: see $out/logs/config-$cfg.log"
	if [[ ! -f $stored || $(head -n1 "$stored") != "$(baseline_id "$build" "$base_ident")" ]]; then
		die baseline "no warnings baseline of this base in $build: run scripts/pipeline/check-series.sh --no-cache --configs \"${configs[*]}\" first"
	fi
	baseline[$cfg]=$out/state/$cfg.base
	tail -n +2 "$stored" | sort -u >"${baseline[$cfg]}"
	baseline_ids+="$(head -n1 "$stored")"$'\n'
done

# cache_key NAME: names one series' result; empty with --no-cache.
cache_key() {
	((use_cache)) || return 0
	{
		echo "$base_ident ${configs[*]}"
		printf '%s' "$baseline_ids"
		cat "${baseline[@]}"
		cd "$REPO_DIR"
		{ pipeline_files; echo scripts/mail/check-mail-series.sh; } | xargs cat
		repo_files config-fragments | xargs cat
		grep . <<<"${mail_with[$1]}${mail_own[$1]}" | while IFS= read -r p; do
			echo "$p"
			cat "$patches/$p"
		done
	} | sha256sum | cut -c1-32
}

for n in "${names[@]}"; do
	mapfile -t list < <(grep . <<<"${mail_with[$n]}${mail_own[$n]}")
	printf '%s\n' "${list[@]}" >"$out/state/$n.series"
	key=$(cache_key "$n")
	entry=$CACHE_DIR/results/mail-$key
	if [[ -n $key && -f $entry/rows.tsv ]]; then
		awk -F'\t' -v OFS='\t' '{ $6 = "cached"; print }' "$entry/rows.tsv" >>"$results"
		cp "$entry"/logs/* "$out/logs/" 2>/dev/null || true
		printf '[%s] cached: %s\n' "$n" "$(cut -f3 "$entry/rows.tsv" | sort | uniq -c | xargs)" >&2
		continue
	fi
	printf '[%s] %s patches alone on the base\n' "$n" "${#list[@]}" >&2
	rows_from=$(wc -l <"$results")

	t0=$SECONDS st=pass
	log=$out/logs/$n-apply.log
	"$REPO_DIR/scripts/pipeline/prepare-tree.sh" "${tree_force[@]}" "$tree" "$out/state/$n.series" "$patches" >"$log" 2>&1 ||
		die tree "cannot prepare $tree for mail series $n: see $log"
	mkdir -p "$out/state/applied"
	for p in "${list[@]}"; do
		rc=0
		"$REPO_DIR/scripts/pipeline/stage-apply.sh" "$n" "$out/state/applied" "$tree" || rc=$?
		cat "$out/state/applied/$n-apply.log" >>"$log"
		if ((rc)); then
			st=fail
			printf 'mail series %s: patch %s does not apply to the base alone (stage apply): see %s\n' "$n" "$p" "$log" >&2
			{ sed -n '/^--- rejected hunks/,$p' "$log" | head -n 40; } >&2 || true
			break
		fi
	done
	record "$n" apply "$st" $((SECONDS - t0)) "$log"

	for cfg in "${configs[@]}"; do
		log=$out/logs/$n-build-$cfg.log
		if [[ $st == fail ]]; then
			record "$n" "build:$cfg" skip 0 ""
			continue
		fi
		t0=$SECONDS bst=pass
		printf '[%s] build %s ...\n' "$n" "$cfg" >&2
		if ! "$REPO_DIR/scripts/pipeline/stage-build.sh" --baseline "${baseline[$cfg]}" "$n" "$out/logs" "$tree" "$cfg"; then
			bst=fail
			printf 'mail series %s: the build fails in %s, or warns anew (stage build): see %s\n' "$n" "$cfg" "$log" >&2
		fi
		record "$n" "build:$cfg" "$bst" $((SECONDS - t0)) "$log"
	done

	if [[ -n $key ]] && ! grep -q $'\tfail\t' <(tail -n +$((rows_from + 1)) "$results"); then
		rm -rf "$entry.tmp"
		mkdir -p "$entry.tmp/logs"
		tail -n +$((rows_from + 1)) "$results" >"$entry.tmp/rows.tsv"
		cp "$out/logs/$n-apply.log" "$out/logs/$n"-build-*.log "$entry.tmp/logs/"
		rm -rf "$entry"
		mv "$entry.tmp" "$entry"
	fi
done

printf '\nmail series alone on the base: %s\n' "$(awk -F'\t' 'NR > 1 { n[$3]++ } END { for (s in n) printf "%s %d  ", s, n[s] }' "$results")" >&2
if ((failed)); then
	printf 'FAILED: %s\n' "$(awk -F'\t' '$3 == "fail" { print $1 " " $2 }' "$results" | paste -sd, | sed 's/,/, /g')" >&2
fi
exit "$failed"
