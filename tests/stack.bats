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
	# No warning either, but one: checkpatch's "does MAINTAINERS need
	# updating?" on the files the series adds. xe's F: entry covers them,
	# so the strict run ignores it; drm's profile reports it, as Intel's
	# CI will, on each patch that adds a file and on no other.
	[ -z "$(awk -F'\t' 'NR > 1 && ($4 == "fail" || $4 == "warn") && $3 != "checkpatch:drm"' "$RUNS/stack/results.tsv")" ]
	# And no stage was left out: each ran and passed on every patch.
	# The configs of when=top ran at the series' tops, and only there.
	stages=(apply checkpatch process sparse kernel-doc coccinelle kunit boot kunit-builtin)
	top_stages=()
	for c in $(stack_info configs pipeline); do
		if [ "$(stack_info when "$c")" = top ]; then
			top_stages+=("build:$c")
		else
			stages+=("build:$c")
		fi
	done
	tops=" $(stack_info tops | xargs) "
	mapfile -t ps < <(series_patches)
	n=${#ps[@]}
	[ "$n" -gt 0 ]
	[ "${#stages[@]}" -gt 9 ]
	[ "${#top_stages[@]}" -gt 0 ]
	adds=0
	for ((i = 1; i <= n; i++)); do
		idx=$(printf %02d "$i")
		for s in "${stages[@]}"; do
			[ "$(cell stack "$idx" "$s")" = pass ] || { echo "patch $i: $s"; false; }
		done
		for s in "${top_stages[@]}"; do
			if [[ $tops == *" $i "* ]]; then
				[ "$(cell stack "$idx" "$s")" = pass ] || { echo "patch $i (a top): $s"; false; }
			else
				[ -z "$(cell stack "$idx" "$s")" ] || { echo "patch $i (no top): $s ran"; false; }
			fi
		done
		if grep -q '^--- /dev/null' "$REPO/patches/${ps[i - 1]}"; then
			adds=$((adds + 1))
			[ "$(cell stack "$idx" checkpatch:drm)" = warn ] || { echo "patch $i: checkpatch:drm"; false; }
			other=$(grep -E ': (ERROR|WARNING|CHECK):' "$RUNS/stack/logs/$idx-checkpatch-drm.log" | grep -v ':FILE_PATH_CHANGES:' || true)
			[ -z "$other" ] || { echo "patch $i: $other"; false; }
		else
			[ "$(cell stack "$idx" checkpatch:drm)" = pass ] || { echo "patch $i: checkpatch:drm"; false; }
		fi
	done
	[ "$adds" -gt 0 ]
	grep -q 'Patch_applied' "$RUNS/stack/report.md"
}

@test "a re-run of the unchanged stack is answered from the cache, in seconds" {
	# It re-runs what the test above ran and passed (a failed patch is
	# never cached: a re-run would check it again, for minutes).
	[ "$(awk -F'\t' 'NR > 1' "$RUNS/stack/results.tsv" 2>/dev/null | wc -l)" -gt 0 ] &&
		! grep -qP '\tfail\t' "$RUNS/stack/results.tsv" ||
		skip "the stack's own run (the test above) did not pass"
	# From a copy: the cache is keyed by content, not by where it is.
	s=$BATS_TEST_TMPDIR/stack
	mkdir -p "$s"
	cp "$REPO/series" "$REPO"/patches/*.patch "$s/"
	fresh_run stack-warm
	start=$SECONDS
	run timeout 120 "$REPO/scripts/pipeline/check-series.sh" --series "$s/series" --patches "$s" --out "$RUNS/stack-warm"
	[ "$status" -eq 0 ]
	[ $((SECONDS - start)) -le 30 ]
	[ "$(awk -F'\t' 'NR > 1 && $7 != "cached"' "$RUNS/stack-warm/results.tsv" | wc -l)" -eq 0 ]
	[ "$(awk -F'\t' 'NR > 1' "$RUNS/stack-warm/results.tsv" | wc -l)" -eq \
		"$(awk -F'\t' 'NR > 1' "$RUNS/stack/results.tsv" | wc -l)" ]
	grep -q '(cached)' "$RUNS/stack-warm/report.md"
}

@test "every mail series applies and builds alone on the base, as a maintainer applies it" {
	fresh_run mail-check
	run "$REPO/scripts/mail/check-mail-series.sh" --out "$RUNS/mail-check"
	printf '%s\n' "$output" >"$RUNS/mail-check.console"
	echo "$output" | tail -n 20
	[ "$status" -eq 0 ]
	# For each series: apply, and a build in each pipeline config built
	# for every patch (the when=top ones built the tops in the stack).
	series=$(grep -c '^# mail:' "$REPO/series")
	configs=0
	for c in $(stack_info configs pipeline); do
		[ "$(stack_info when "$c")" = top ] || configs=$((configs + 1))
	done
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
		--configs xe-i386 --no-cache --out "$RUNS/mail-check-fail"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"mail series purgeable-query: patch drm-xe-vm-Fill-purgeable-state-"*" does not apply to the base alone (stage apply)"* ]]
	[ "$(awk -F'\t' '$1 == "purgeable-query" { print $2 ":" $3 }' "$RUNS/mail-check-fail/results.tsv" | xargs)" = \
		"apply:fail build:xe-i386:skip" ]
}
