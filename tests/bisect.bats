#!/usr/bin/env bats
# Bisecting the series: the first patch at which a check fails, found by
# binary search with few checks.

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

@test "a check that already fails on the base is refused" {
	fresh_run bisect-base
	run "$REPO/scripts/triage/bisect-series.sh" --out "$RUNS/bisect-base" -- false
	[ "$status" -eq 1 ]
	[[ $output == *"fails on the base already"* ]]
}

@test "a check that passes with the whole series is refused" {
	fresh_run bisect-none
	run "$REPO/scripts/triage/bisect-series.sh" --out "$RUNS/bisect-none" -- true
	[ "$status" -eq 1 ]
	[[ $output == *"nothing to bisect"* ]]
}

@test "patches that cannot be tested are stepped over" {
	# 125 (untestable) at every patch but the last: the answer is a range.
	fresh_run bisect-skip
	n=$(series_patches | wc -l)
	run "$REPO/scripts/triage/bisect-series.sh" --out "$RUNS/bisect-skip" -- \
		sh -c "case \$XE_STACK_PATCH in 0) exit 0 ;; $n) exit 1 ;; *) exit 125 ;; esac"
	[ "$status" -eq 1 ]
	grep -q '^first bad patch: one of 1\.\.' "$RUNS/bisect-skip/result.txt"
}

@test "the kunit-builtin stage names the patch that drops a built-in suite" {
	fresh_run bisect-kunit-builtin
	run "$REPO/scripts/triage/bisect-series.sh" --stage kunit-builtin \
		--series "$FIXTURES/builtin-suite-gone/series" --patches "$FIXTURES/builtin-suite-gone" \
		--out "$RUNS/bisect-kunit-builtin"
	printf '%s\n' "$output"
	[ "$status" -eq 0 ]
	grep -q '^first bad patch: 01 drm-xe-guc-Stop-including-the-built-in-guc_buf-suite.patch$' \
		"$RUNS/bisect-kunit-builtin/result.txt"
	grep -q 'REGRESSION suite guc_buf: disappeared' "$RUNS/bisect-kunit-builtin/01/01-kunit-builtin.log"
}

@test "the build stage names the fixture's seeded build break" {
	fresh_run bisect-build
	run "$REPO/scripts/triage/bisect-series.sh" --stage build --config xe-nosvm \
		--series "$FIXTURES/build-break/series" --patches "$FIXTURES/build-break" \
		--out "$RUNS/bisect-build"
	printf '%s\n' "$output"
	[ "$status" -eq 0 ]
	grep -q '^first bad patch: 02 drm-xe-Break-the-build-in-xe_range_fence_insert.patch$' "$RUNS/bisect-build/result.txt"
	grep -q '^checks: 4 for 3 patches' "$RUNS/bisect-build/result.txt"
}
