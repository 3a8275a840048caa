#!/usr/bin/env bats
# The series itself: every patch passes every stage in every config.

load helpers

@test "the stack passes the whole per-patch pipeline" {
	mkdir -p "$RUNS"
	fresh_run stack
	run "$REPO/scripts/check-series.sh" --out "$RUNS/stack"
	printf '%s\n' "$output" >"$RUNS/stack.console"
	cat "$RUNS/stack/report.txt" || true
	[ "$status" -eq 0 ]
	run ! grep -qP '\t(fail|warn)\t' "$RUNS/stack/results.tsv"
	[ "$(grep -c '	apply	pass	' "$RUNS/stack/results.tsv")" -eq \
		"$(series_patches | wc -l)" ]
}
