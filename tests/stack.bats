#!/usr/bin/env bats
# The series itself: every patch passes every stage in every config.

load helpers

@test "the stack passes the whole per-patch pipeline" {
	mkdir -p "$RUNS"
	fresh_run stack
	run "$REPO/scripts/pipeline/check-series.sh" --out "$RUNS/stack"
	printf '%s\n' "$output" >"$RUNS/stack.console"
	cat "$RUNS/stack/report.txt" || true
	[ "$status" -eq 0 ]
	# No warning either. checkpatch's "does MAINTAINERS need updating?" on
	# the files the series adds is not one: stage-checkpatch.sh ignores it
	# on purpose (xe's F: entry covers them).
	run ! grep -qP '\t(fail|warn)\t' "$RUNS/stack/results.tsv"
	[ "$(grep -c '	apply	pass	' "$RUNS/stack/results.tsv")" -eq \
		"$(series_patches | wc -l)" ]
}

@test "every mail series applies and builds alone on the base, as a maintainer applies it" {
	fresh_run mail-check
	run "$REPO/scripts/mail/check-mail-series.sh" --out "$RUNS/mail-check"
	printf '%s\n' "$output" >"$RUNS/mail-check.console"
	echo "$output" | tail -n 20
	[ "$status" -eq 0 ]
	# For each series: apply, and a build in each pipeline config.
	series=$(grep -c '^# mail:' "$REPO/series")
	configs=$(stack_info configs pipeline | wc -l)
	[ "$(grep -c '	pass	' "$RUNS/mail-check/results.tsv")" -eq $((series * (configs + 1))) ]
	# Each series got exactly its own patches, those it carries first.
	stack_info mails | while read -r n; do
		diff <(stack_info mail "$n") "$RUNS/mail-check/state/$n.series"
		diff "$RUNS/mail-check/state/$n.series" \
			<(sed -n 's/^Applying patch //p' "$RUNS/mail-check/logs/$n-apply.log")
	done
}

@test "a mail series without a patch it needs fails alone, naming the series, the patch and the stage" {
	s=$BATS_TEST_TMPDIR/s
	mkdir -p "$s"
	grep -v '^# with:' "$REPO/series" >"$s/series"
	fresh_run mail-check-fail
	run "$REPO/scripts/mail/check-mail-series.sh" --series "$s/series" --only purgeable-query \
		--configs xe-nosvm --no-cache --out "$RUNS/mail-check-fail"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"mail series purgeable-query: patch drm-xe-vm-Fill-purgeable-state-"*" does not apply to the base alone (stage apply)"* ]]
	[ "$(awk -F'\t' '$1 == "purgeable-query" { print $2 ":" $3 }' "$RUNS/mail-check-fail/results.tsv" | xargs)" = \
		"apply:fail build:xe-nosvm:skip" ]
}
