#!/usr/bin/env bash
# Usage: benchmark.sh [--cold N] [--touched N] [--unchanged N] [CHECK-SERIES OPTIONS]
#
# Time the pipeline (check-series.sh) over the stack: cold (build dirs,
# ccache and cached results removed; the pristine tree kept), warm with
# the last patch touched (its changelog below '---' edited, so only it is
# re-checked), and warm with nothing changed. Prints per-stage min /
# median / max seconds and the cold/warm ratios (scripts/bench/bench-stats.py);
# runs are kept in out/bench/. Defaults: 1 cold, 2 touched, 2 unchanged.
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

cold=1 touched=2 unchanged=2
args=()
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--cold) optval "$@"; cold=$2; shift ;;
	--touched) optval "$@"; touched=$2; shift ;;
	--unchanged) optval "$@"; unchanged=$2; shift ;;
	*) args+=("$1") ;;
	esac
	shift
done
bench=$REPO_DIR/out/bench
rm -rf "$bench"
mkdir -p "$bench"
# A private copy of the stack: the touched runs edit its last patch.
stack=$bench/stack
mkdir -p "$stack"
cp "$REPO_DIR"/patches/*.patch "$stack/"
cp "$REPO_DIR/series" "$stack/series"
read_series "$stack/series" "$stack"
last=${entries[-1]}

one() { # KIND N
	local t0=$SECONDS
	log "run $1 #$2"
	"$REPO_DIR/scripts/pipeline/check-series.sh" --series "$stack/series" --patches "$stack" \
		--out "$bench/$1-$2" "${args[@]}" >"$bench/$1-$2.console" 2>&1 ||
		die bench "$1 run $2 failed: see $bench/$1-$2.console"
	echo $((SECONDS - t0)) >"$bench/$1-$2/wall"
}

for ((i = 1; i <= cold; i++)); do
	rm -rf "$CACHE_DIR/build" "$CACHE_DIR/ccache" "$CACHE_DIR/results"
	one cold "$i"
done
for ((i = 1; i <= touched; i++)); do
	sed -i "0,/^---\$/s//---\\nbench: touched run $i $RANDOM\\n/" "$stack/$last"
	one touched "$i"
done
for ((i = 1; i <= unchanged; i++)); do
	one unchanged "$i"
done
"$REPO_DIR/scripts/bench/bench-stats.py" "$bench" | tee "$bench/summary.txt"
