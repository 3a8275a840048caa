#!/usr/bin/env bash
# Usage: mutate.sh [OPTIONS] [ID...]
#
# Mutation testing of the series: does the pipeline catch a patch that is
# subtly wrong? Each mutation, declared in MUTATIONS/PATCH.mut for the
# patch file PATCH of the series, changes one line that the patch adds
# (a condition negated, a call dropped, an argument swapped). For each
# one, a copy of the series with that line changed is checked by
# check-series.sh --only K (K: the patch's place in the series); the
# mutant is killed when a stage fails, and survives when every stage
# passes. The series itself is checked first, with the same options, and
# must pass: otherwise every mutant would count as killed. That run also
# fills the result cache, so that a mutant costs about one patch's checks.
#
# A .mut file holds blocks separated by blank lines ('#' starts a comment):
#
#   id: gc-negated                   unique over all files: [a-z0-9_-]+
#   file: drivers/gpu/drm/xe/xe_svm.c
#   line: <TAB>if (xe_vma_autoreset(vma))      the added line, exactly
#   mutant: <TAB>if (!xe_vma_autoreset(vma))   what it becomes (empty: a blank line)
#   occurrence: 2                    which one, when the patch adds the
#                                    line more than once (optional)
#   why: negated condition           optional
#
# Writes OUT/mutants.tsv (id, patch, file, result: the first failing
# stage, or "survived"; seconds) and OUT/summary.txt (killed / total, the
# kill ratio, the survivors); each mutant's run is in OUT/runs/ID. Exits
# 0 when the kill ratio is at least --min-ratio, 1 when it is not or a
# mutant could not be checked, 2 on a usage error or a mutation that does
# not name exactly one added line of its patch (the occurrence-th one, if
# given).
#
#   --series FILE       quilt series (default: the repo's series)
#   --patches DIR       patch directory (default: the repo's patches/)
#   --mutations DIR     the .mut files (default: tests/mutations)
#   --out DIR           results (default: out/mutate); a folder that exists
#                       must be empty or an earlier --out
#   --min-ratio PCT     the kill ratio to reach, in percent (default: 90)
#   --list              check every mutation against its patch and list
#                       them; build nothing
#   -h, --help          this text
#
# --configs, --sparse-config, --boot-config, --tree, --no-boot,
# --no-kunit-builtin and --no-cache go to check-series.sh: fewer stages
# run faster but kill fewer mutants. ID... runs only those mutants.
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

series=$REPO_DIR/series
patches=$REPO_DIR/patches
mutations=$REPO_DIR/tests/mutations
out=$REPO_DIR/out/mutate
min_ratio=90
list=0
check_args=()
ids=()
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--series) optval "$@"; series=$2; shift ;;
	--patches) optval "$@"; patches=$2; shift ;;
	--mutations) optval "$@"; mutations=$2; shift ;;
	--out) optval "$@"; out=$2; shift ;;
	--min-ratio) optval "$@"; min_ratio=$2; shift ;;
	--list) list=1 ;;
	--configs | --sparse-config | --boot-config)
		optval "$@"
		for c in $2; do [[ $c == none ]] || matrix_config "$c"; done
		check_args+=("$1" "$2")
		shift ;;
	--tree) optval "$@"; check_args+=("$1" "$2"); shift ;;
	--no-boot | --no-kunit-builtin | --no-cache) check_args+=("$1") ;;
	-*) die usage "unknown option '$1' (see --help)" ;;
	*) ids+=("$1") ;;
	esac
	shift
done
if [[ ! $min_ratio =~ ^[0-9]+$ ]] || ((10#$min_ratio > 100)); then
	die usage "--min-ratio: a percentage 0..100, not '$min_ratio'"
fi
min_ratio=$((10#$min_ratio))
[[ -d $mutations ]] || die usage "no mutations directory: $mutations"
read_series "$series" "$patches"
series=$(cd "$(dirname "$series")" && pwd)/$(basename "$series")
patches=$(cd "$patches" && pwd)

# parse FILE: one line per mutation, fields separated by \x1f: id, file,
# line, mutant, why, occurrence, the line number of its block.
parse() {
	awk -v f="$1" '
	function flush() {
		if (n) {
			if (id == "" || file == "" || !hasline || !hasmut) {
				printf "%s:%d: a block needs id, file, line and mutant\n", f, start > "/dev/stderr"
				bad = 1
			} else
				printf "%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%d\n", id, file, line, mut, why, occ, start
		}
		n = 0; id = file = line = mut = why = occ = ""; hasline = hasmut = 0
	}
	/^#/ { next }
	/^[ \t]*$/ { flush(); next }
	{
		if (!n) start = FNR
		n++
		k = $0; sub(/:.*/, "", k); v = substr($0, length(k) + 2); sub(/^ /, "", v)
		if (k == "id") id = v
		else if (k == "file") file = v
		else if (k == "line") { line = v; hasline = 1 }
		else if (k == "mutant") { mut = v; hasmut = 1 }
		else if (k == "why") why = v
		else if (k == "occurrence") occ = v
		else { printf "%s:%d: unknown key \"%s\"\n", f, FNR, k > "/dev/stderr"; bad = 1 }
	}
	END { flush(); exit bad }' "$1"
}

# mutate PATCH_IN FILE LINE MUTANT OCCURRENCE PATCH_OUT: PATCH_IN with the
# added line LINE of FILE replaced by MUTANT: the only one, or the
# OCCURRENCE-th. Exit 3 unless that one exists (and is the only one).
mutate() {
	# Through the environment: awk -v would turn a \n in C code into a newline.
	file=$2 want="+$3" mut="+$4" occ=$5 awk '
	BEGIN { file = ENVIRON["file"]; want = ENVIRON["want"]; mut = ENVIRON["mut"]; occ = ENVIRON["occ"] }
	/^\+\+\+ / { p = $2; sub(/^b\//, "", p); sub(/\t.*/, "", p); in_file = (p == file) }
	/^diff --git / { in_file = 0 }
	in_file && $0 == want && !/^\+\+\+ / {
		hits++
		if (occ == "" || hits == occ) { print mut; next }
	}
	{ print }
	END { exit (occ == "" ? hits == 1 : hits >= occ) ? 0 : 3 }' "$1" >"$6"
}

# Every mutation, checked against its patch before anything runs.
declare -A seen=() patch_of=() index_of=()
all=()
k=0
for p in "${entries[@]}"; do
	k=$((k + 1))
	index_of[$p]=$k
done
shopt -s nullglob
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for m in "$mutations"/*.mut; do
	p=$(basename "$m" .mut).patch
	[[ -n ${index_of[$p]:-} ]] || die usage "$m: no patch $p in $series"
	parse "$m" >"$tmp/parsed" || die usage "$m: see above"
	while IFS=$'\x1f' read -r id file line mut why occ at; do
		[[ $id =~ ^[a-z0-9_-]+$ ]] || die usage "$m:$at: id '$id' is not [a-z0-9_-]+"
		[[ -z ${seen[$id]:-} ]] || die usage "$m:$at: id '$id' is also in ${seen[$id]}"
		[[ $line != "$mut" ]] || die usage "$m:$at: $id: the mutant is the line itself"
		[[ -z $occ || $occ =~ ^[1-9][0-9]*$ ]] || die usage "$m:$at: $id: occurrence '$occ' is not a number from 1"
		mutate "$patches/$p" "$file" "$line" "$mut" "$occ" "$tmp/check.patch" ||
			die usage "$m:$at: $id: patch $p does not add exactly one line '$line' to $file${occ:+ (occurrence $occ)}"
		seen[$id]=$m:$at
		patch_of[$id]=$p
		printf '%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\n' "$id" "$file" "$line" "$mut" "$why" "$occ" >"$tmp/$id"
		all+=("$id")
	done <"$tmp/parsed"
done
((${#all[@]})) || die usage "no mutation in $mutations/*.mut"
if ((${#ids[@]})); then
	for id in "${ids[@]}"; do
		[[ -n ${seen[$id]:-} ]] || die usage "no mutation '$id' in $mutations"
	done
else
	ids=("${all[@]}")
fi

if ((list)); then
	printf 'id\tpatch\tfile\twhy\n'
	for id in "${ids[@]}"; do
		IFS=$'\x1f' read -r _ file _ _ why _ <"$tmp/$id"
		printf '%s\t%02d %s\t%s\t%s\n' "$id" "${index_of[${patch_of[$id]}]}" "${patch_of[$id]}" "$file" "$why"
	done
	exit 0
fi

claim_out "$out"
out=$(cd "$out" && pwd)
mkdir -p "$out/runs"
log "the series itself first, with the same options"
if ! "$REPO_DIR/scripts/pipeline/check-series.sh" --series "$series" --patches "$patches" \
	--out "$out/original" "${check_args[@]}" >"$out/original.log" 2>&1; then
	die check "the series itself fails check-series.sh: every mutant would count as killed (see $out/original.log and $out/original/report.txt)"
fi
printf 'id\tpatch\tfile\tresult\tseconds\n' >"$out/mutants.tsv"
killed=0 total=0 errors=0
survivors=()
for id in "${ids[@]}"; do
	IFS=$'\x1f' read -r _ file line mut why occ <"$tmp/$id"
	p=${patch_of[$id]}
	k=${index_of[$p]}
	d=$out/runs/$id
	mkdir -p "$d/patches"
	cp "${entries[@]/#/$patches/}" "$d/patches/"
	printf '%s\n' "${entries[@]}" >"$d/patches/series"
	mutate "$patches/$p" "$file" "$line" "$mut" "$occ" "$d/patches/$p"
	log "[$((total + 1))/${#ids[@]}] $id: patch $k ($p), $file${why:+ ($why)}"
	t0=$SECONDS rc=0
	"$REPO_DIR/scripts/pipeline/check-series.sh" --series "$d/patches/series" --patches "$d/patches" \
		--only "$k" --out "$d/check" "${check_args[@]}" >"$d/check.log" 2>&1 || rc=$?
	result=$(awk -F'\t' -v i="$(printf '%02d' "$k")" '$1 == i && $4 == "fail" { print $3; exit }' \
		"$d/check/results.tsv" 2>/dev/null || true)
	total=$((total + 1))
	if ((rc == 0)); then
		result=survived
		survivors+=("$id ($p, $file: ${why:-no reason given})")
	elif [[ -n $result ]]; then
		killed=$((killed + 1))
	else
		result=error
		errors=$((errors + 1))
		log "$id: check-series.sh exited $rc without a failing stage: see $d/check.log"
	fi
	printf '%s\t%s\t%s\t%s\t%s\n' "$id" "$p" "$file" "$result" $((SECONDS - t0)) >>"$out/mutants.tsv"
	log "$id: $result ($((SECONDS - t0))s)"
done

ratio=$((killed * 100 / total))
{
	printf 'mutants: %d, killed: %d, survived: %d, errors: %d, kill ratio: %d%% (at least %d%% wanted)\n' \
		"$total" "$killed" "${#survivors[@]}" "$errors" "$ratio" "$min_ratio"
	printf 'killed by stage:\n'
	awk -F'\t' 'NR > 1 && $4 != "survived" && $4 != "error" { n[$4]++ } END { for (s in n) printf "  %-16s %d\n", s, n[s] }' \
		"$out/mutants.tsv" | sort
	if ((${#survivors[@]})); then
		printf 'survivors:\n'
		printf '  %s\n' "${survivors[@]}"
	fi
} | tee "$out/summary.txt"
((errors == 0 && ratio >= min_ratio))
