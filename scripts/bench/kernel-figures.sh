#!/usr/bin/env bash
# Usage: kernel-figures.sh [OPTIONS]
#
# The figures of the madvise autoreset series, measured in KUnit on the
# fake device of its xe_vm harness: munmap latency of a registered range
# against an unregistered one, unmaps per run of the VM's madvise work in
# a burst and the longest time that work holds vm->lock, bytes per
# registered range, and the cost of a GPU fault on an autoreset range
# against a plain one (GPU side stubbed). The suite that measures them,
# xe_vm_figures, is test code kept out of the series:
# tests/figures/xe-vm-autoreset-figures.patch is applied on top of it.
# The tree is built and every xe KUnit suite run (stage-kunit-builtin.sh) RUNS
# times; the figures' min / median / max over the runs go to
# OUT/summary.txt, each run's to OUT/figures.tsv. Exits 1 when a median
# misses its target (or a run fails), 2 on a usage error.
#
# Timings under TCG are slow: only the ratios within one run compare.
# kunit.py's guest has one CPU and the lock debugging of xe's
# .kunitconfig (the figures "cpus" and "hz" say what it ran on). With an
# even number of runs, the median is the lower of the middle two.
#
# The work tree ($XE_STACK_CACHE/figures/linux) and kunit.py's build dir
# ($XE_STACK_CACHE/figures/kbuild) are this script's own; KERNEL_DIR or
# KERNEL_TARBALL select another base.
#
#   --runs N         how many times the suites run (default 3)
#   --series FILE    quilt series (default: the repo's series)
#   --patches DIR    patch directory (default: the repo's patches/)
#   --out DIR        results (default: out/figures); a folder that exists
#                    must be empty or an earlier --out
#   -h, --help       this text
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

runs=3
series=$REPO_DIR/series
patches=$REPO_DIR/patches
out=$REPO_DIR/out/figures
tree=$CACHE_DIR/figures/linux
build=$CACHE_DIR/figures/kbuild
figures_patch=$REPO_DIR/tests/figures/xe-vm-autoreset-figures.patch
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--runs) optval "$@"; runs=$2; shift ;;
	--series) optval "$@"; series=$2; shift ;;
	--patches) optval "$@"; patches=$2; shift ;;
	--out) optval "$@"; out=$2; shift ;;
	-*) die usage "unknown option '$1' (see --help)" ;;
	*) die usage "no arguments, only options (see --help)" ;;
	esac
	shift
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || die usage "--runs: a number from 1, not '$runs'"
[[ -f $figures_patch ]] || die usage "no $figures_patch"
read_series "$series" "$patches"
out_apart "$out" "$CACHE_DIR/figures"
out_apart "$out" "$REPO_DIR/patches"
if [[ -e $out || -L $out ]]; then
	[[ -d $out && ! -L $out ]] || die usage "--out $out exists and is not a folder"
	[[ -f $out/$OUT_MARK || -z $(ls -A "$out") ]] ||
		die usage "--out $out holds files no xe-stack run wrote: give a new or empty folder (nothing was deleted)"
fi

# Targets on the medians: NAME, le or ge, value.
targets=(
	"munmap_untouched_ratio_permille le 1200"
	"munmap_touched_ratio_permille le 1200"
	"burst_unmaps_per_run ge 100"
)

# One run at a time: the tree and the build dir are the script's own.
cache_lock figures
claim_out "$out"
out=$(cd "$out" && pwd)
stack=$out/stack
mkdir -p "$stack"
cp "${entries[@]/#/$patches/}" "$stack/"
cp "$figures_patch" "$stack/"
{
	printf '%s\n' "${entries[@]}"
	basename "$figures_patch"
} >"$stack/series"

log "preparing $tree: the series and $(basename "$figures_patch")"
"$REPO_DIR/scripts/pipeline/prepare-tree.sh" --force --push "$tree" "$stack/series" "$stack" \
	>"$out/prepare.log" 2>&1 ||
	die prepare "prepare-tree.sh failed on $tree (series, then $(basename "$figures_patch")): see $out/prepare.log"

printf 'run\tfigure\tvalue\n' >"$out/figures.tsv"
for ((i = 1; i <= runs; i++)); do
	log "run $i of $runs: kunit.py (every xe suite)"
	"$REPO_DIR/scripts/pipeline/stage-kunit-builtin.sh" "run-$i" "$out" "$tree" "$build" "$out/run-$i" >"$out/run-$i.log" 2>&1 ||
		die kunit "run $i: a KUnit test failed or gave no result (stage kunit-builtin, series + $(basename "$figures_patch")): see $out/run-$i.log and $out/run-$i-kunit-builtin.log"
	awk -v r="$i" '/# [a-z_]+: figure: [a-z_]+ [0-9]+$/ { print r "\t" $(NF - 1) "\t" $NF }' \
		"$out/run-$i/console.log" >>"$out/figures.tsv"
	grep -q "^$i	" "$out/figures.tsv" ||
		die kunit "run $i: no figure in $out/run-$i/console.log (did the xe_vm_figures suite run?)"
done

printf '%s\n' "${targets[@]}" >"$out/targets"
missed=0
awk -F'\t' -v runs="$runs" '
FNR == NR { split($0, w, " "); op[w[1]] = w[2]; want[w[1]] = w[3]; next }
FNR == 1 { next }
!($2 in n) { order[++k] = $2 }
{ v[$2, ++n[$2]] = $3 }
END {
	printf "%-36s %10s %10s %10s  %s\n", "figure (" runs " runs)", "min", "median", "max", "target"
	for (i = 1; i <= k; i++) {
		f = order[i]
		m = n[f]
		for (a = 1; a <= m; a++) s[a] = v[f, a]
		for (a = 2; a <= m; a++)
			for (b = a; b > 1 && s[b - 1] > s[b]; b--) { x = s[b]; s[b] = s[b - 1]; s[b - 1] = x }
		med = s[int((m + 1) / 2)]
		t = ""
		if (f in op) {
			ok = op[f] == "le" ? med <= want[f] : med >= want[f]
			t = (op[f] == "le" ? "<= " : ">= ") want[f] (ok ? " met" : " MISSED")
			if (!ok) missed++
		}
		printf "%-36s %10d %10d %10d  %s\n", f, s[1], med, s[m], t
	}
	for (f in op) if (!(f in n)) { printf "%-36s not measured\n", f; missed++ }
	exit missed > 0
}' "$out/targets" "$out/figures.tsv" >"$out/summary.txt" || missed=1
cat "$out/summary.txt"
((missed == 0)) || die figures "a figure misses its target: see $out/summary.txt"
