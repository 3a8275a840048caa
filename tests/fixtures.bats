#!/usr/bin/env bats
# Fixture series through the real pipeline on the real pinned tree: each
# must pass or fail exactly where it is built to.

load helpers

setup_file() {
	mkdir -p "$RUNS"
}

@test "a clean 3-patch series passes every stage in every config" {
	check_fixture clean
	[ "$status" -eq 0 ]
	for i in 01 02 03; do
		for s in apply checkpatch build:xe-svm-debug build:xe-nosvm sparse kernel-doc kunit boot kunit-builtin; do
			[ "$(cell clean "$i" "$s")" = pass ] || { echo "$i $s: $(cell clean "$i" "$s")"; false; }
		done
	done
	grep -q 'Patch_applied' "$RUNS/clean/report.md"
}

@test "a patch that breaks the build fails at patch 2, build stage, with the compiler error" {
	check_fixture build-break xe-nosvm --no-boot
	[ "$status" -eq 1 ]
	[ "$(first_failure build-break)" = "02 build:xe-nosvm" ]
	[ "$(cell build-break 01 build:xe-nosvm)" = pass ]
	[ -z "$(cell build-break 03 apply)" ]
	[[ $output == *"xe_range_fence.c"*"error:"* ]]
}

@test "a checkpatch error fails checkpatch at that patch" {
	check_fixture checkpatch-error xe-nosvm --no-boot
	[ "$status" -eq 1 ]
	[ "$(first_failure checkpatch-error)" = "01 checkpatch" ]
	[ "$(cell checkpatch-error 01 build:xe-nosvm)" = pass ]
	grep -q 'ERROR: code indent should use tabs' "$RUNS/checkpatch-error/logs/01-checkpatch.log"
}

@test "a patch that does not apply stops cleanly, shows the reject, restores the tree" {
	check_fixture no-apply xe-nosvm --no-boot
	[ "$status" -eq 1 ]
	[ "$(first_failure no-apply)" = "02 apply" ]
	[[ $output == *"rejected hunks"* ]]
	[[ $output == *"ops_that_is_not_there"* ]]
	tree=$CACHE/ci/linux
	# Patch 1 stays applied, nothing of patch 2 is left behind.
	[ "$(cd "$tree" && QUILTRC=$REPO/scripts/pipeline/quiltrc quilt top)" = \
		"$(head -n1 "$FIXTURES/no-apply/series")" ]
	[ -z "$(find "$tree/drivers/gpu/drm/xe" -name '*.rej' -o -name '*.orig')" ]
	grep -q '^	rfence->ops = ops;$' "$tree/drivers/gpu/drm/xe/xe_range_fence.c"
}

@test "a patch that adds a sparse warning fails sparse at that patch" {
	check_fixture sparse-warning xe-svm-debug --no-boot
	[ "$status" -eq 1 ]
	[ "$(first_failure sparse-warning)" = "01 sparse" ]
	[ "$(cell sparse-warning 01 build:xe-svm-debug)" = pass ]
	grep -q 'xe_range_fence.c' "$RUNS/sparse-warning/logs/01-sparse.new"
}

@test "a patch that builds with GPUSVM but not without fails Build for xe-nosvm only" {
	check_fixture svm-only "" --no-boot
	[ "$status" -eq 1 ]
	[ "$(cell svm-only 01 build:xe-svm-debug)" = pass ]
	[ "$(cell svm-only 01 build:xe-nosvm)" = fail ]
	[ "$(first_failure svm-only)" = "01 build:xe-nosvm" ]
}

@test "a patch whose module init warns fails Boot at that patch" {
	check_fixture boot-warn xe-svm-debug --no-kunit-builtin
	[ "$status" -eq 1 ]
	[ "$(first_failure boot-warn)" = "01 boot" ]
	[ "$(cell boot-warn 00 boot)" = pass ]
	[ "$(cell boot-warn 01 kunit)" = pass ]
	[[ $output == *"new splat"*"xe_init"* ]]
}

@test "a patch that breaks an existing KUnit test fails KUnit at that patch" {
	check_fixture kunit-break xe-svm-debug --no-kunit-builtin
	[ "$status" -eq 1 ]
	[ "$(first_failure kunit-break)" = "01 kunit" ]
	grep -q 'REGRESSION .*args\.' "$RUNS/kunit-break/logs/01-kunit.log"
}

@test "a patch that drops a suite xe_test.ko does not hold fails kunit-builtin at that patch" {
	check_fixture builtin-suite-gone xe-nosvm --boot-config none
	[ "$status" -eq 1 ]
	[ "$(first_failure builtin-suite-gone)" = "01 kunit-builtin" ]
	[ "$(cell builtin-suite-gone 00 kunit-builtin)" = pass ]
	[ "$(cell builtin-suite-gone 01 build:xe-nosvm)" = pass ]
	[ -z "$(cell builtin-suite-gone 01 boot)" ]
	grep -q 'REGRESSION suite guc_buf: disappeared' "$RUNS/builtin-suite-gone/logs/01-kunit-builtin.log"
	# The suite ran on the base, built in (xe_test.ko does not hold it).
	grep -q '"guc_buf"' "$RUNS/builtin-suite-gone/kunit-builtin/00/kunit.json"
}

@test "a guest that hangs is failed by the timeout, not waited on" {
	start=$SECONDS
	XE_STACK_BOOT_TIMEOUT=120 check_fixture boot-hang xe-svm-debug --no-kunit-builtin
	[ "$status" -eq 1 ]
	[ "$(first_failure boot-hang)" = "01 kunit" ] || [ "$(first_failure boot-hang)" = "01 boot" ]
	[ "$(cell boot-hang 01 boot)" = fail ]
	grep -q 'XE-STACK: FAIL guest killed after 120s' "$RUNS/boot-hang/boot/01/console.log"
	[ $((SECONDS - start)) -lt 900 ]
}

@test "a warm re-run after editing only the last patch re-checks only that patch" {
	dir=$BATS_TEST_TMPDIR/clean
	cp -r "$FIXTURES/clean" "$dir"
	FIXTURE_DIR=$dir check_fixture clean-warm
	[ "$status" -eq 0 ]
	# Nothing changed: everything from the cache, in seconds.
	start=$SECONDS
	FIXTURE_DIR=$dir check_fixture clean-warm
	[ "$status" -eq 0 ]
	[ $((SECONDS - start)) -le 30 ]
	[ "$(awk -F'\t' 'NR > 1 && $7 != "cached"' "$RUNS/clean-warm/results.tsv" | wc -l)" -eq 0 ]
	# Edit the last patch: only it is checked again. The edit is new on
	# every run, so a result cached by an earlier run cannot answer it.
	last=$(tail -n1 "$dir/series")
	nonce=$(date +%s%N)-$$
	sed -i "s/^Spell out \"and\" instead of \"+\" in the parameter description\./& (revision $nonce)/" "$dir/$last"
	grep -q "(revision $nonce)" "$dir/$last"
	FIXTURE_DIR=$dir check_fixture clean-warm
	[ "$status" -eq 0 ]
	run awk -F'\t' 'NR > 1 && $7 != "cached" { print $1 }' "$RUNS/clean-warm/results.tsv"
	[ "$(sort -u <<<"$output")" = 03 ]
	grep -q '(cached)' "$RUNS/clean-warm/report.md"
}

@test "--only N checks patch N alone against the tree at N-1, without a cache" {
	FIXTURE_DIR=$FIXTURES/clean check_fixture clean-only xe-nosvm --only 3 --no-cache --no-kunit-builtin
	[ "$status" -eq 0 ]
	grep -q '^00	reference (patches 1-2 applied)	build:xe-nosvm	pass' "$RUNS/clean-only/results.tsv"
	[ "$(cell clean-only 03 checkpatch)" = pass ]
	[ "$(cell clean-only 03 build:xe-nosvm)" = pass ]
	[ "$(cell clean-only 03 boot)" = pass ]
	[ -z "$(cell clean-only 01 apply)" ]
	grep -q '<testcase' "$RUNS/clean-only/junit.xml"
}

@test "--only N fails patch N, and a reference that does not build is an error" {
	FIXTURE_DIR=$FIXTURES/build-break check_fixture build-break-only xe-nosvm --only 2 --no-cache --no-boot
	[ "$status" -eq 1 ]
	[ "$(first_failure build-break-only)" = "02 build:xe-nosvm" ]
	FIXTURE_DIR=$FIXTURES/build-break check_fixture build-break-ref xe-nosvm --only 3 --no-cache --no-boot
	[ "$status" -eq 1 ]
	[[ $output == *"the reference (patches 1-2 applied) does not build in xe-nosvm"* ]]
}
