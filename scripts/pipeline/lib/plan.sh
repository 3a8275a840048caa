# shellcheck shell=bash
# Sourced by check-series.sh: which patches a run checks, and against what.
#
# plan_run PATCHES CACHED FROM ONLY: prints "FIRST REF".
#   PATCHES  number of patches in the series
#   CACHED   how many indexes from 0 (the base) on have cached results
#            (at most PATCHES+1)
#   FROM     --from N, or empty
#   ONLY     --only N, or empty (FROM is N then too)
#   FIRST    the first index checked for real: 0 is the base, PATCHES+1
#            means that everything is cached
#   REF      with --only N when patches 1..N-1 are not all cached: N-1,
#            the patch whose tree is built and booted as the reference
#            that N is compared with; else 0 (the base is the reference,
#            or the reference's results come from the cache)
plan_run() {
	local first=$2 from=$3 only=$4 ref=0
	if [[ -n $from ]] && ((first > from)); then
		first=$from
	fi
	if [[ -n $only ]] && ((only > 1 && first < only)); then
		ref=$((only - 1))
		first=$only
	fi
	echo "$first $ref"
}
