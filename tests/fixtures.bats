#!/usr/bin/env bats
# Fixture series through the real pipeline on the real pinned tree: each
# must pass or fail exactly where it is built to.

load helpers

setup_file() {
	mkdir -p "$RUNS"
}

@test "a patch that breaks the build fails at patch 2, build stage, with the compiler error" {
	check_fixture build-break xe-i386 --no-boot
	[ "$status" -eq 1 ]
	[ "$(first_failure build-break)" = "02 build:xe-i386" ]
	[ "$(cell build-break 01 build:xe-i386)" = pass ]
	[ -z "$(cell build-break 03 apply)" ]
	[[ $output == *"xe_range_fence.c"*"error:"* ]]
}

@test "a checkpatch error fails checkpatch at that patch" {
	check_fixture checkpatch-error xe-i386 --no-boot
	[ "$status" -eq 1 ]
	[ "$(first_failure checkpatch-error)" = "01 checkpatch" ]
	[ "$(cell checkpatch-error 01 build:xe-i386)" = pass ]
	grep -q 'ERROR: code indent should use tabs' "$RUNS/checkpatch-error/logs/01-checkpatch.log"
}

@test "a patch that adds a sparse warning fails sparse at that patch" {
	check_fixture sparse-warning xe-svm-debug --no-boot
	[ "$status" -eq 1 ]
	[ "$(first_failure sparse-warning)" = "01 sparse" ]
	[ "$(cell sparse-warning 01 build:xe-svm-debug)" = pass ]
	grep -q 'xe_range_fence.c' "$RUNS/sparse-warning/logs/01-sparse.new"
}

@test "a patch that builds with GPUSVM but not without fails Build for xe-i386 only" {
	check_fixture svm-only "xe-svm-debug xe-i386" --no-boot
	[ "$status" -eq 1 ]
	[ "$(cell svm-only 01 build:xe-svm-debug)" = pass ]
	[ "$(cell svm-only 01 build:xe-i386)" = fail ]
	[ "$(first_failure svm-only)" = "01 build:xe-i386" ]
}

@test "a warning only clang gives fails Build for xe-clang, at the top of the series (when=top)" {
	check_fixture clang-warning "xe-i386 xe-clang" --no-boot
	[ "$status" -eq 1 ]
	[ "$(cell clang-warning 01 build:xe-i386)" = pass ]
	[ -z "$(cell clang-warning 01 build:xe-clang)" ]
	[ "$(cell clang-warning 02 build:xe-i386)" = pass ]
	[ "$(first_failure clang-warning)" = "02 build:xe-clang" ]
	grep -q 'xe_range_fence.c.*-Wsometimes-uninitialized' "$RUNS/clang-warning/logs/02-build-xe-clang.new"
	# Built with LLVM=-19 (Documentation/kbuild/llvm.rst), through ccache.
	grep -qF '+ make ARCH=x86_64 LLVM=-19 CC=ccache\ clang-19 ' "$RUNS/clang-warning/logs/02-build-xe-clang.log"
}

@test "a plain u64 division fails Build for xe-i386 (__udivdi3), and only there" {
	check_fixture i386-division "xe-svm-debug xe-i386" --no-boot
	[ "$status" -eq 1 ]
	[ "$(cell i386-division 01 build:xe-svm-debug)" = pass ]
	[ "$(first_failure i386-division)" = "01 build:xe-i386" ]
	[[ $output == *"ERROR: modpost: drivers/gpu/drm/xe/xe.ko: symbol '__udivdi3' undefined!"* ]]
}

@test "a coccinelle report the file did not have fails coccinelle at that patch" {
	check_fixture coccinelle-report xe-svm-debug --no-boot
	[ "$status" -eq 1 ]
	[ "$(first_failure coccinelle-report)" = "01 coccinelle" ]
	[ "$(cell coccinelle-report 01 checkpatch)" = pass ]
	[ "$(cell coccinelle-report 01 build:xe-svm-debug)" = pass ]
	grep -qx 'drivers/gpu/drm/xe/xe_range_fence.c:[0-9]*:[0-9-]*: WARNING: Consider using %pe to print PTR_ERR()' \
		"$RUNS/coccinelle-report/logs/01-coccinelle.log"
	[ "$(wc -l <"$RUNS/coccinelle-report/logs/01-coccinelle.new")" -eq 1 ]
}

@test "a patch whose module init warns fails Boot at that patch" {
	check_fixture boot-warn xe-svm-debug --no-kunit-builtin
	[ "$status" -eq 1 ]
	[ "$(first_failure boot-warn)" = "01 boot" ]
	[ "$(cell boot-warn 00 boot)" = pass ]
	[ "$(cell boot-warn 01 kunit)" = pass ]
	[[ $output == *"new splat"*"xe_init [xe]"*" @ do_one_initcall < do_init_module < load_module"* ]]
	# Its frames, decoded against the build's vmlinux.
	grep -q '^decode_stacktrace.sh .*/vmlinux:$' "$RUNS/boot-warn/logs/01-boot.log"
	grep -q '^do_init_module (' "$RUNS/boot-warn/logs/01-boot.log"
}

@test "a patch that breaks an existing KUnit test fails KUnit at that patch" {
	check_fixture kunit-break xe-svm-debug --no-kunit-builtin
	[ "$status" -eq 1 ]
	[ "$(first_failure kunit-break)" = "01 kunit" ]
	grep -q 'REGRESSION .*args\.' "$RUNS/kunit-break/logs/01-kunit.log"
}

@test "a patch that drops a suite xe_test.ko does not hold fails kunit-builtin at that patch" {
	check_fixture builtin-suite-gone xe-i386 --boot-config none
	[ "$status" -eq 1 ]
	[ "$(first_failure builtin-suite-gone)" = "01 kunit-builtin" ]
	[ "$(cell builtin-suite-gone 00 kunit-builtin)" = pass ]
	[ "$(cell builtin-suite-gone 01 build:xe-i386)" = pass ]
	[ -z "$(cell builtin-suite-gone 01 boot)" ]
	grep -q 'REGRESSION suite guc_buf: disappeared' "$RUNS/builtin-suite-gone/logs/01-kunit-builtin.log"
	# The suite ran on the base, built in (xe_test.ko does not hold it).
	grep -q '"guc_buf"' "$RUNS/builtin-suite-gone/kunit-builtin/00/kunit.json"
}
