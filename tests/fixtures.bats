#!/usr/bin/env bats
# Fixture series through the real pipeline on the real pinned tree: each
# must pass or fail exactly where it is built to.

load helpers

setup_file() {
	mkdir -p "$RUNS"
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
