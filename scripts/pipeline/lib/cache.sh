# shellcheck shell=bash
# shellcheck disable=SC2154,SC2034 # the run's state is check-series.sh's (below)
# Sourced by check-series.sh: the results cache.
#
# CACHE_DIR/results/KEY/ holds what a run needs to go on after an index
# (0 = the base, K = patch K) that passed, without checking it again:
#   rows.tsv                  its rows of results.tsv
#   logs/                     its logs (LOGS/INDEX-*)
#   boot/, kunit-builtin/     its boot and kunit.py results
#   CONFIG.cc, sparse         the findings so far: what the next patch is
#                             compared with
#   prev-kunit.json, prev-kunit-builtin.json, base-splats
#                             the KUnit results and splats it is compared with
# KEY is cache_keys's: a failed index is never stored, and an entry is
# written to KEY.tmp first, so a killed run leaves no half entry.
#
# The run's state these functions read and write (check-series.sh's
# globals): out, results, entries, patches, configs, tops, the options that
# change what is checked, base_ident, keys, prev_kunit, prev_kbuiltin,
# base_splats.

# cache_keys: keys[K] for the base plus patches 1..K, from the base, the
# options that change what is checked, the project's identity and the
# base's git HEAD (the process stage's), the content of the pipeline's own
# files (pipeline_files), of the configs, of pin.conf, the versions of gcc,
# clang and spatch, the content of every patch up to K, and
# which of them are tops (built in the configs of when=top).
cache_keys() {
	local k=0 f
	keys[0]=$({
		echo "$base_ident"
		echo "$tree ${configs[*]} sparse=$sparse_config ${sparse_scope[*]} boot=$boot_config kunit-builtin=$kunit_builtin"
		# The process stage's inputs besides the patch: the identity it
		# accepts, the history it looks Fixes: ids up in.
		echo "identity=$PROJECT_NAME <$PROJECT_EMAIL> git=$base_git${base_git:+ $(git -C "$base_git" rev-parse -q --verify HEAD) shallow=$(git -C "$base_git" rev-parse --is-shallow-repository)}"
		repo_files scripts/pipeline scripts/lib config-fragments kunit-configs |
			tr '\n' '\0' | (cd "$REPO_DIR" && xargs -0 cat)
		# The pin (PIN_LLVM among it) and the tools' versions: a new
		# compiler or spatch checks everything again.
		cat "${XE_STACK_PIN_FILE:-$REPO_DIR/pin.conf}"
		for t in gcc "clang$PIN_LLVM" spatch; do
			! command -v "$t" >/dev/null || "$t" --version 2>&1 | head -n1
		done
	} | sha256sum | cut -c1-32)
	for f in "${entries[@]}"; do
		k=$((k + 1))
		# A top (tops[]) is built in the configs of when=top too.
		keys[k]=$({ echo "${keys[k - 1]}${tops[k]:+ top}"; cat "$patches/$f" 2>/dev/null; } | sha256sum | cut -c1-32)
	done
}

# cache_hits: how many indexes from 0 on are cached (none without keys).
cache_hits() {
	local k=0
	while ((k < ${#keys[@]})) && [[ -d $CACHE_DIR/results/${keys[k]} ]]; do
		k=$((k + 1))
	done
	echo "$k"
}

# save_state INDEX: store the results and the comparison state after an
# index that passed.
save_state() {
	local idx=$1 e
	[[ -n ${keys[10#$idx]:-} ]] || return 0
	e=$CACHE_DIR/results/${keys[10#$idx]}
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

# load_state INDEX: the same, back into this run, its rows marked cached.
load_state() {
	local idx=$1 e=$CACHE_DIR/results/${keys[10#$1]}
	awk -F'\t' -v OFS='\t' '{ $7 = "cached"; print }' "$e/rows.tsv" >>"$results"
	cp "$e"/logs/* "$out/logs/" 2>/dev/null || true
	restore_dir "$e/boot" "$out/boot/$idx"
	restore_dir "$e/kunit-builtin" "$out/kunit-builtin/$idx"
	rm -f "$out"/state/*.cc "$out/state/sparse"
	cp "$e"/*.cc "$out/state/" 2>/dev/null || true
	[[ ! -f $e/sparse ]] || cp "$e/sparse" "$out/state/sparse"
	prev_kunit='' prev_kbuiltin='' base_splats=''
	[[ ! -f $e/prev-kunit.json ]] || { cp "$e/prev-kunit.json" "$out/state/prev-kunit.json"; prev_kunit=$out/state/prev-kunit.json; }
	[[ ! -f $e/prev-kunit-builtin.json ]] || { cp "$e/prev-kunit-builtin.json" "$out/state/prev-kunit-builtin.json"; prev_kbuiltin=$out/state/prev-kunit-builtin.json; }
	[[ ! -f $e/base-splats ]] || { cp "$e/base-splats" "$out/state/base-splats"; base_splats=$out/state/base-splats; }
	printf '[%s] %s: cached\n' "$idx" "$(awk -F'\t' 'NR == 1 { print $2 }' "$e/rows.tsv")" >&2
}
