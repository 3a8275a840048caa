#!/usr/bin/env bats
# Bisecting the series on the real tree: the first patch at which a check
# fails, found by binary search with few checks. The search itself (stages,
# refusals, untestable patches) is tested on the fake tree (pipeline.bats).

load helpers

# log2up N: the checks a binary search needs after the two end points.
log2up() {
	local n=$1 c=0
	while ((n > 1)); do n=$(((n + 1) / 2)); c=$((c + 1)); done
	echo "$c"
}

@test "a command that fails once a symbol appears names the patch adding it" {
	fresh_run bisect-cmd
	run "$REPO/scripts/triage/bisect-series.sh" --out "$RUNS/bisect-cmd" -- \
		sh -c '! grep -q xe_madvise_notifier_set drivers/gpu/drm/xe/xe_vm_types.h'
	printf '%s\n' "$output"
	[ "$status" -eq 0 ]
	# The answer, found the slow way: the first patch adding the symbol there.
	k=0 want=
	while read -r p; do
		k=$((k + 1))
		if awk '/^\+\+\+ b\/drivers\/gpu\/drm\/xe\/xe_vm_types.h/ { f = 1; next } /^\+\+\+ / { f = 0 } f && /^\+.*xe_madvise_notifier_set/ { found = 1 } END { exit !found }' "$REPO/patches/$p"; then
			want=$(printf '%02d %s' "$k" "$p")
			break
		fi
	done < <(series_patches)
	[ -n "$want" ]
	grep -qx "first bad patch: $want" "$RUNS/bisect-cmd/result.txt"
	n=$(series_patches | wc -l)
	checks=$(sed -n 's/^checks: \([0-9]*\) .*/\1/p' "$RUNS/bisect-cmd/result.txt")
	[ "$checks" -le $((2 + $(log2up "$n"))) ]
}

@test "the build stage names the fixture's seeded build break" {
	fresh_run bisect-build
	run "$REPO/scripts/triage/bisect-series.sh" --stage build --config xe-i386 \
		--series "$FIXTURES/build-break/series" --patches "$FIXTURES/build-break" \
		--out "$RUNS/bisect-build"
	printf '%s\n' "$output"
	[ "$status" -eq 0 ]
	grep -q '^first bad patch: 02 drm-xe-Break-the-build-in-xe_range_fence_insert.patch$' "$RUNS/bisect-build/result.txt"
	grep -q '^checks: 4 for 3 patches' "$RUNS/bisect-build/result.txt"
}
