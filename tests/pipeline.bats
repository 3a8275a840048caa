#!/usr/bin/env bats
# The fast tier's orchestration tests: the real check-series.sh and
# bisect-series.sh on a fake kernel tree (tests/data/fakelinux, see its
# README) with a fake qemu and sparse, so stage order, stop on failure,
# --keep-going, --only and --from, the results cache, the lock and
# bisect's search take seconds. No kernel, no root, no network.

load helpers

setup() {
	export XE_STACK_CACHE=$BATS_TEST_TMPDIR/cache KERNEL_DIR=$BATS_TEST_TMPDIR/linux
	export PATH=$REPO/tests/data/fakebin:$PATH XE_STACK_SPARSE=$REPO/tests/data/fakebin/sparse
	export XE_STACK_BOOT_TIMEOUT=5 JOBS=1
	cp -r "$REPO/tests/data/fakelinux" "$KERNEL_DIR"
	S=$BATS_TEST_TMPDIR/series
	OUT=$BATS_TEST_TMPDIR/out
}

# fake_series LINE...: a series in $S of one patch per LINE, each adding
# LINE as a comment at the end of xe_fake.c ("fake: ..." marks, see
# tests/data/fakelinux/README, say what the patch does; "fake: no-signoff"
# leaves its Signed-off-by out).
fake_series() {
	local a=$BATS_TEST_TMPDIR/a b=$BATS_TEST_TMPDIR/b k=0 name
	rm -rf "$S" "$a" "$b"
	mkdir -p "$S" "$a/drivers/gpu/drm/xe"
	cp "$KERNEL_DIR/drivers/gpu/drm/xe/xe_fake.c" "$a/drivers/gpu/drm/xe/"
	for line in "$@"; do
		k=$((k + 1))
		name=$(printf '%04d-fake-%d.patch' "$k" "$k")
		rm -rf "$b"
		cp -r "$a" "$b"
		printf '/* %s */\n' "$line" >>"$b/drivers/gpu/drm/xe/xe_fake.c"
		{
			printf 'From: A U Thor <author@fakelinux.local>\nSubject: [PATCH] drm/xe: Fake %d\n\n' "$k"
			printf 'Change %d.\n\n' "$k"
			[[ $line == *'fake: no-signoff'* ]] || printf 'Signed-off-by: A U Thor <author@fakelinux.local>\n'
			printf -- '---\n'
			(cd "$BATS_TEST_TMPDIR" && diff -u a/drivers/gpu/drm/xe/xe_fake.c b/drivers/gpu/drm/xe/xe_fake.c) || true
		} >"$S/$name"
		echo "$name" >>"$S/series"
		rm -rf "$a"
		mv "$b" "$a"
	done
}

check() { # OPTION...: check-series.sh on $S, into $OUT
	run "$REPO/scripts/pipeline/check-series.sh" --series "$S/series" --patches "$S" --out "$OUT" "$@"
}

# stages INDEX: "STAGE=STATUS ..." of one patch, in the order they ran.
stages() {
	awk -F'\t' -v i="$1" '$1 == i { printf "%s%s=%s", sep, $3, $4; sep = " " }' "$OUT/results.tsv"
}

@test "every stage runs in order on each patch, the base first; a clean series passes" {
	fake_series one two
	check
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$(stages 00)" = "build:xe-svm-debug=pass sparse=pass build:xe-i386=pass build:xe-clang=pass kunit=pass boot=pass kunit-builtin=pass" ]
	# xe-clang (when=top) is built at the top only.
	[ "$(stages 01)" = "apply=pass checkpatch=pass checkpatch:drm=pass process=pass build:xe-svm-debug=pass sparse=pass build:xe-i386=pass kernel-doc=pass coccinelle=pass kunit=pass boot=pass kunit-builtin=pass" ]
	[ "$(stages 02)" = "apply=pass checkpatch=pass checkpatch:drm=pass process=pass build:xe-svm-debug=pass sparse=pass build:xe-i386=pass build:xe-clang=pass kernel-doc=pass coccinelle=pass kunit=pass boot=pass kunit-builtin=pass" ]
	grep -q '^kunit: 2 tests, 2 passed' "$OUT/logs/02-kunit.log"
	[ -f "$OUT/report.md" ]
	[ -f "$OUT/junit.xml" ]
}

@test "each stage fails on what it checks, and only that stage" {
	# mark -> the stages it fails (a regular expression) and their status
	declare -A want=(
		["fake: warning unused x"]="build:.*=fail"
		["fake: error no such thing"]="build:.*=fail"
		["fake: sparse bad cast"]="sparse=fail"
		["fake: kdoc no description"]="kernel-doc=fail"
		["fake: cocci WARNING: Consider using %pe"]="coccinelle=fail"
		["fake: clang variable unset here"]="build:xe-clang=fail"
		["fake: udivdi3"]="build:xe-i386=fail"
		["fake: checkpatch-warn line too long"]="checkpatch(:drm)?=warn"
		["fake: no-signoff"]="process=fail"
		["fake: boot-warn"]="boot=fail"
		["fake: kunit-fail fake_two"]="kunit=fail"
		["fake: builtin-fail builtin_one"]="kunit-builtin=fail"
	)
	for mark in "${!want[@]}"; do
		fake_series clean "$mark"
		check
		got=$(stages 02 | tr ' ' '\n' | grep -E '=(fail|warn)$' | paste -sd' ')
		[ -n "$got" ] || { echo "$mark: nothing failed: $(stages 02)"; false; }
		for s in $got; do
			[[ $s =~ ^${want[$mark]}$ ]] || { echo "$mark: $(stages 02)"; false; }
		done
		# Both checkpatch runs see a warning both profiles keep.
		[[ $mark != *checkpatch-warn* || $got == "checkpatch=warn checkpatch:drm=warn" ]]
		[ "$(stages 01 | grep -o '=pass' | wc -l)" -eq 12 ]
	done
}

@test "schedule: a when=top config is built at each mail series' top and the last patch, and at N with --only N" {
	fake_series "fake: clang c unset" two three four
	printf '# mail: a\n0001-fake-1.patch\n0002-fake-2.patch\n# mail: b\n0003-fake-3.patch\n0004-fake-4.patch\n' >"$S/series"
	check --keep-going
	[ "$status" -eq 1 ]
	[[ $(stages 01) != *xe-clang* && $(stages 03) != *xe-clang* ]]
	[[ $(stages 01) == *"build:xe-i386=pass"* && $(stages 03) == *"build:xe-i386=pass"* ]]
	# Patch 1's clang warning is found at the top of its mail series...
	[[ $(stages 02) == *"build:xe-clang=fail"* ]]
	grep -q 'c unset \[-Wfake-clang\]' "$OUT/logs/02-build-xe-clang.new"
	[[ $output == *"xe-clang is built at series tops only"*'make bisect ARGS="--stage build --config xe-clang"'* ]]
	# ...and is not new at the next top.
	[[ $(stages 04) == *"build:xe-clang=pass"* ]]
	# --only 1 builds patch 1 in xe-clang: the warning is its own.
	check --only 1 --configs xe-clang --no-boot
	[ "$status" -eq 1 ]
	[ "$(stages 01 | tr ' ' '\n' | grep '^build:')" = "build:xe-clang=fail" ]
	# The cache keeps a patch checked as a top apart from the same patch
	# checked where it is not one.
	fake_series one two three
	check --only 1 --no-boot
	[[ $(stages 01) == *"build:xe-clang=pass"* ]]
	check --no-boot
	[ "$status" -eq 0 ]
	[[ $(stages 01) != *xe-clang* ]]
	[ -z "$(awk -F'\t' '$1 == "01" && $7 == "cached"' "$OUT/results.tsv")" ]
}

@test "coccinelle: a new report fails; one there before the patch does not; a file is checked once per content" {
	export FAKE_COCCI_CALLS=$BATS_TEST_TMPDIR/cocci-calls
	fake_series "fake: cocci WARNING: old report" "fake: cocci WARNING: new report"
	check --keep-going --no-boot
	[ "$status" -eq 1 ]
	[[ $(stages 01) == *"coccinelle=fail"* && $(stages 02) == *"coccinelle=fail"* ]]
	[ "$(cat "$OUT/logs/01-coccinelle.new")" = "$(printf 'cocci\tdrivers/gpu/drm/xe/xe_fake.c\tWARNING: old report')" ]
	[ "$(cat "$OUT/logs/02-coccinelle.new")" = "$(printf 'cocci\tdrivers/gpu/drm/xe/xe_fake.c\tWARNING: new report')" ]
	grep -q '^drivers/gpu/drm/xe/xe_fake.c:[0-9]*:8-15: WARNING: new report$' "$OUT/logs/02-coccinelle.log"
	[[ $output == *"[coccinelle] new reports:"* ]]
	# The base's file, then after each patch: the run before patch 2
	# found the file as patch 1 left it.
	[ "$(wc -l <"$FAKE_COCCI_CALLS")" -eq 3 ]
	check --keep-going --no-boot --no-cache
	[ "$(wc -l <"$FAKE_COCCI_CALLS")" -eq 3 ]
	# One more copy of a report the file has is new.
	fake_series "fake: cocci WARNING: same" "fake: cocci WARNING: same"
	check --keep-going --no-boot
	[ "$(cat "$OUT/logs/02-coccinelle.new")" = "$(printf 'cocci\tdrivers/gpu/drm/xe/xe_fake.c\tWARNING: same #2')" ]
	# coccicheck failing fails the stage, naming the file; on the tree
	# before the next patch, it fails that patch's stage, which says so.
	fake_series "fake: cocci-crash" two
	check --keep-going --no-boot
	[ "$status" -eq 1 ]
	[[ $(stages 01) == *"coccinelle=fail"* && $(stages 02) == *"coccinelle=fail"* ]]
	grep -q 'coccicheck failed (or ran over 900s) on drivers/gpu/drm/xe/xe_fake.c' "$OUT/logs/01-coccinelle.log"
	grep -q 'fake spatch: crashed' "$OUT/logs/02-coccinelle.log"
	[[ $output == *"[coccinelle] patch 02: coccicheck fails on the tree before it"* ]]
	# The store's key: the file, and the headers a semantic patch may
	# read; the same tree again calls coccicheck no more.
	mkdir -p "$BATS_TEST_TMPDIR/logs" "$KERNEL_DIR/include/linux"
	echo '/* content no run has seen */' >>"$KERNEL_DIR/drivers/gpu/drm/xe/xe_fake.c"
	: >"$FAKE_COCCI_CALLS"
	stage() { "$REPO/scripts/pipeline/stage-coccinelle.sh" 90 "$BATS_TEST_TMPDIR/logs" "$KERNEL_DIR" "$BATS_TEST_TMPDIR" drivers/gpu/drm/xe/xe_fake.c; }
	stage
	stage
	[ "$(wc -l <"$FAKE_COCCI_CALLS")" -eq 1 ]
	echo '/* a header changes */' >"$KERNEL_DIR/include/linux/fake.h"
	stage
	[ "$(wc -l <"$FAKE_COCCI_CALLS")" -eq 2 ]
	echo '/* an xe header changes */' >"$KERNEL_DIR/drivers/gpu/drm/xe/xe_fake.h"
	stage
	[ "$(wc -l <"$FAKE_COCCI_CALLS")" -eq 3 ]
	# Coccinelle goes with sparse: not in a run without sparse's config.
	check --no-boot --configs xe-i386 --sparse-config xe-svm-debug
	[[ $(stages 01) != *coccinelle* ]]
}

@test "checkpatch: a new file passes the strict run and warns in drm's profile, as that CI reports it" {
	fake_series one
	# Patch 1 also adds a file.
	sed -i 's|^---$|---\n--- /dev/null\n+++ b/drivers/gpu/drm/xe/xe_new.c\n@@ -0,0 +1 @@\n+/* new */|' "$S/0001-fake-1.patch"
	check
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[[ $(stages 01) == "apply=pass checkpatch=pass checkpatch:drm=warn process=pass "* ]]
	grep -q 'does MAINTAINERS need updating' "$OUT/logs/01-checkpatch-drm.log"
	run ! grep -q 'MAINTAINERS' "$OUT/logs/01-checkpatch.log"
	grep -q 'checkpatch_drm' "$OUT/report.md"
}

@test "process: with a git KERNEL_DIR, a Fixes: id is looked up in its history" {
	git -C "$KERNEL_DIR" init -q
	git -C "$KERNEL_DIR" add -A
	git -C "$KERNEL_DIR" -c user.name=T -c user.email=t@t commit -q -m 'drm/xe: Add the fake driver'
	id=$(git -C "$KERNEL_DIR" rev-parse --short=12 HEAD)
	fake_series one two
	sed -i "s/^Signed-off-by:/Fixes: $id (\"drm\/xe: Add the fake driver\")\n&/" "$S/0001-fake-1.patch"
	sed -i 's/^Signed-off-by:/Fixes: 0123456789ab ("drm\/xe: Add the fake driver")\n&/' "$S/0002-fake-2.patch"
	check
	[ "$status" -eq 1 ]
	[[ $(stages 01) == *" process=pass "* ]]
	[[ $(stages 02) == *" process=fail "* ]]
	grep -qx "fixes: 0123456789ab is no commit of $KERNEL_DIR" "$OUT/logs/02-process.log"
	# The history is an input: a new commit with the same files checks
	# patch 1 again, which was cached.
	check
	[ "$(awk -F'\t' '$1 == "01" && $7 == "cached"' "$OUT/results.tsv" | wc -l)" -gt 0 ]
	git -C "$KERNEL_DIR" -c user.name=T -c user.email=t@t commit -q --allow-empty -m 'drm/xe: Nothing'
	check
	[ "$(awk -F'\t' '$1 == "01" && $7 == "cached"' "$OUT/results.tsv" | wc -l)" -eq 0 ]
	[[ $(stages 01) == *" process=pass "* ]]
}

@test "a patch that does not apply fails apply, says why once, and leaves the tree at the patch before" {
	fake_series one two
	# Patch 2 is patch 1 again: its hunk is there already.
	cp "$S/0001-fake-1.patch" "$S/0002-fake-2.patch"
	check
	[ "$status" -eq 1 ]
	[ "$(stages 02)" = "apply=fail" ]
	[ "$(grep -c 'does not apply' <<<"$output")" -eq 1 ]
	[ "$(grep -c '^--- rejected hunks of 0002-fake-2.patch' <<<"$output")" -eq 1 ]
	[[ $output == *"=== drivers/gpu/drm/xe/xe_fake.c.rej"* ]]
	[ "$(cd "$XE_STACK_CACHE/ci/linux" && QUILTRC=$REPO/scripts/pipeline/quiltrc quilt top)" = 0001-fake-1.patch ]
	[ -z "$(find "$XE_STACK_CACHE/ci/linux" -name '*.rej' -o -name '*.orig')" ]
}

@test "a boot that never ends fails on the timeout" {
	fake_series "fake: boot-hang"
	start=$SECONDS
	check
	[ "$status" -eq 1 ]
	# Two boots (base and patch): only the patch's hangs, for 5 s.
	[ $((SECONDS - start)) -lt 30 ]
	[[ " $(stages 01) " == *" boot=fail "* ]]
	grep -q 'XE-STACK: FAIL guest killed after 5s' "$OUT/boot/01/console.log"
	# kunit.py ran while the guest hung: the qemu stages run side by side.
	[ "$(stages 01 | grep -o 'kunit-builtin=[a-z]*')" = kunit-builtin=pass ]
	[ "$OUT/boot/01/console.log" -nt "$OUT/kunit-builtin/01/kunit.json" ]
}

@test "the kernel's Python runs through the interpreter python3 resolves to, not a shim" {
	# A shim (as pyenv's) in front of an interpreter that keeps its own
	# path as sys.executable (exec -a).
	t=$BATS_TEST_TMPDIR
	mkdir -p "$t/shims" "$t/real"
	printf '#!/bin/sh\nexec "%s/real/python3" "$@"\n' "$t" >"$t/shims/python3"
	# shellcheck disable=SC2016 # $0 is the script's own
	printf '#!/bin/bash\nexec -a "$0" /usr/bin/python3 "$@"\n' >"$t/real/python3"
	chmod +x "$t/shims/python3" "$t/real/python3"
	fake_series one
	PATH=$t/shims:$PATH check --configs xe-i386 --no-boot
	[ "$status" -eq 0 ]
	grep -q "^  KDOC    drivers/gpu/drm/xe/xe_fake.c ($t/real/python3)\$" "$OUT/logs/01-build-xe-i386.log"
}

@test "the first failing patch stops the run; --keep-going checks the rest" {
	fake_series "fake: warning w" two
	check
	[ "$status" -eq 1 ]
	[[ $(stages 01) == *"build:xe-svm-debug=fail"* ]]
	[ -z "$(stages 02)" ]
	[[ $output == *"stopping after the first failing patch"* ]]
	check --keep-going
	[ "$status" -eq 1 ]
	[[ $(stages 02) == "apply=pass checkpatch=pass checkpatch:drm=pass process=pass build:xe-svm-debug=pass"* ]]
	# What a failed patch added is not new at the next one.
	fake_series "fake: warning w" "fake: sparse s" three
	check --keep-going
	[ "$status" -eq 1 ]
	[[ $(stages 02) == *"build:xe-svm-debug=pass sparse=fail build:xe-i386=pass"* ]]
	# xe-clang (when=top) was not built at patch 1: at the top, its
	# warning is new there.
	[ "$(stages 03 | grep -o '=pass' | wc -l)" -eq 12 ]
	[[ $(stages 03) == *"build:xe-clang=fail"* ]]
}

@test "the results cache: a second run checks nothing; a changed patch is checked again from there" {
	fake_series one two three
	check
	[ "$status" -eq 0 ]
	check
	[ "$status" -eq 0 ]
	[[ $output == *"every patch is cached: nothing to check"* ]]
	[ "$(awk -F'\t' 'NR > 1 && $7 != "cached"' "$OUT/results.tsv" | wc -l)" -eq 0 ]
	grep -qx '\[03\] 0003-fake-3.patch: cached' <<<"$output"
	# Patch 3 changes: 00-02 come from the cache, 03 runs.
	sed -i 's/Change 3\./Change 3, reworded./' "$S/0003-fake-3.patch"
	check
	[ "$status" -eq 0 ]
	[ "$(awk -F'\t' 'NR > 1 && $7 == "cached" { print $1 }' "$OUT/results.tsv" | sort -u | paste -sd' ')" = "00 01 02" ] || { cat "$OUT/results.tsv"; false; }
	[ "$(awk -F'\t' '$1 == "03" && $7 == ""' "$OUT/results.tsv" | wc -l)" -eq 13 ]
	# Patch 1 changes: every patch after it is checked again too.
	sed -i 's/Change 1\./Change 1, reworded./' "$S/0001-fake-1.patch"
	check
	[ "$status" -eq 0 ]
	[ "$(awk -F'\t' 'NR > 1 && $7 == "cached" { print $1 }' "$OUT/results.tsv" | sort -u | paste -sd' ')" = "00" ]
	# Patch 2 dropped: patch 3, now second, is not what was checked after 2.
	sed -i '/0002-fake-2.patch/d' "$S/series"
	check
	[ "$(awk -F'\t' 'NR > 1 && $7 == "cached" { print $1 }' "$OUT/results.tsv" | sort -u | paste -sd' ')" = "00 01" ]
	sed -i '1a 0002-fake-2.patch' "$S/series"
	# --no-cache runs everything.
	check --no-cache
	[ "$(awk -F'\t' 'NR > 1 && $7 == "cached"' "$OUT/results.tsv" | wc -l)" -eq 0 ]
	# A failed patch is never cached.
	fake_series one "fake: warning w" three
	check --keep-going
	check --keep-going
	[ "$status" -eq 1 ]
	[ "$(awk -F'\t' 'NR > 1 && $7 == "cached" { print $1 }' "$OUT/results.tsv" | sort -u | paste -sd' ')" = "00 01" ]
}

@test "the results cache: a change under scripts/pipeline, scripts/lib or the configs checks everything again, one elsewhere or an editor's file nothing" {
	# A copy of the project, whose scripts can be edited.
	r=$BATS_TEST_TMPDIR/repo
	mkdir -p "$r"
	cp -r "$REPO/scripts" "$REPO/config-fragments" "$REPO/kunit-configs" "$REPO/pin.conf" "$REPO/project.conf" "$r/"
	fake_series one
	rcheck() { run "$r/scripts/pipeline/check-series.sh" --series "$S/series" --patches "$S" --out "$OUT"; }
	rcheck
	[ "$status" -eq 0 ]
	echo '# edited' >>"$r/scripts/triage/bisect-series.sh"
	echo '# a backup' >"$r/scripts/pipeline/warnings.awk~"
	echo '# a swap file' >"$r/scripts/lib/.lib.sh.swp"
	echo '# a backup' >"$r/config-fragments/xe.config~"
	echo '# a swap file' >"$r/kunit-configs/.xe.kunitconfig.swp"
	rcheck
	[[ $output == *"every patch is cached"* ]]
	echo '# edited' >>"$r/kunit-configs/xe.kunitconfig"
	rcheck
	[ "$status" -eq 0 ]
	[ "$(awk -F'\t' 'NR > 1 && $7 == "cached"' "$OUT/results.tsv" | wc -l)" -eq 0 ]
	echo '# edited' >>"$r/scripts/pipeline/warnings.awk"
	rcheck
	[ "$status" -eq 0 ]
	[ "$(awk -F'\t' 'NR > 1 && $7 == "cached"' "$OUT/results.tsv" | wc -l)" -eq 0 ]
	echo '# edited' >>"$r/scripts/lib/lib.sh"
	rcheck
	[ "$status" -eq 0 ]
	[ "$(awk -F'\t' 'NR > 1 && $7 == "cached"' "$OUT/results.tsv" | wc -l)" -eq 0 ]
}

@test "--from N checks from N on; --only N checks N alone against the tree at N-1" {
	fake_series one two three
	check
	check --from 3
	[ "$status" -eq 0 ]
	[ "$(awk -F'\t' 'NR > 1 && $7 == "cached" { print $1 }' "$OUT/results.tsv" | sort -u | paste -sd' ')" = "00 01 02" ]
	[ "$(awk -F'\t' '$1 == "03" && $7 == ""' "$OUT/results.tsv" | wc -l)" -eq 13 ]
	# --only 2, the whole series cached: 00 and 01 from the cache, 02 checked again, no 03.
	check --only 2
	[ "$status" -eq 0 ]
	[ "$(awk -F'\t' 'NR > 1 && $7 == "cached" { print $1 }' "$OUT/results.tsv" | sort -u | paste -sd' ')" = "00 01" ]
	[ "$(awk -F'\t' '$1 == "02" && $7 == ""' "$OUT/results.tsv" | wc -l)" -eq 13 ]
	[ -z "$(stages 03)" ]
	# Patch 3 alone: patch 2's warning is in its reference, not new.
	fake_series one "fake: warning w" three
	check --only 3 --no-cache
	[ "$status" -eq 0 ]
	[[ $output == *"patch 3 alone: the tree at patch 2 is the reference"* ]]
	[ "$(awk -F'\t' 'NR > 1 { print $1 }' "$OUT/results.tsv" | sort -u | paste -sd' ')" = "00 03" ]
	check --only 2 --no-cache
	[ "$status" -eq 1 ]
	[[ $(stages 02) == *"build:xe-svm-debug=fail"* ]]
	# A reference that does not build is an error, not a verdict on 3.
	fake_series one "fake: error e" three
	check --only 3 --no-cache
	[ "$status" -eq 1 ]
	[[ $output == *"the reference (patches 1-2 applied) does not build in xe-svm-debug"* ]]
	[ -z "$(stages 03)" ]
	check --from 4
	[ "$status" -eq 2 ]
	[[ $output == *"--from/--only: no patch '4'"* ]]
}

@test "two runs on one work tree: the second waits for the first" {
	fake_series one
	"$REPO/scripts/pipeline/check-series.sh" --series "$S/series" --patches "$S" --out "$OUT.1" --no-cache \
		>"$BATS_TEST_TMPDIR/1.log" 2>&1 3>&- &
	first=$!
	# The first holds the lock once it has written its results header.
	wait_file "$OUT.1/results.tsv"
	check --no-cache
	[ "$status" -eq 0 ]
	wait "$first"
	[[ $output == *"another run is using the work tree"*": waiting for it"* ]]
	# The first had finished before the second began.
	[ "$(stat -c %Y "$OUT.1/report.txt")" -le "$(stat -c %Y "$OUT/logs/config-xe-svm-debug.log")" ]
}

@test "bisect: the first patch where a stage fails, in few checks" {
	fake_series one two three four five "fake: warning w" seven eight
	run "$REPO/scripts/triage/bisect-series.sh" --series "$S/series" --patches "$S" --out "$OUT" --stage build
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	grep -qx 'first bad patch: 06 0006-fake-6.patch' "$OUT/result.txt"
	checks=$(sed -n 's/^checks: \([0-9]*\) .*/\1/p' "$OUT/result.txt")
	[ "$checks" -le 5 ]
}

@test "bisect: a command or the kunit-builtin stage; a check bad on the base or good at the top refused; untestable patches stepped over" {
	fake_series one two "fake: builtin-fail builtin_one" four five
	b() { run "$REPO/scripts/triage/bisect-series.sh" --series "$S/series" --patches "$S" --out "$OUT" "$@"; }
	b --stage kunit-builtin
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	grep -qx 'first bad patch: 03 0003-fake-3.patch' "$OUT/result.txt"
	grep -q 'REGRESSION' "$OUT/03/03-kunit-builtin.log"
	b -- sh -c '! grep -q "builtin-fail" drivers/gpu/drm/xe/xe_fake.c'
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	grep -qx 'first bad patch: 03 0003-fake-3.patch' "$OUT/result.txt"
	b -- false
	[ "$status" -eq 1 ]
	[[ $output == *"fails on the base already"* ]]
	b -- true
	[ "$status" -eq 1 ]
	[[ $output == *"nothing to bisect"* ]]
	# 125 (untestable) at every patch but the last: the answer is a range.
	# shellcheck disable=SC2016 # $XE_STACK_PATCH is the check's, not this shell's
	b -- sh -c 'case $XE_STACK_PATCH in 0) exit 0 ;; 5) exit 1 ;; *) exit 125 ;; esac'
	[ "$status" -eq 1 ]
	grep -qx 'first bad patch: one of 1\.\.5.*' "$OUT/result.txt" || { cat "$OUT/result.txt"; false; }
}

@test "check-mail-series: each mail series alone on the base, its new warning named" {
	fake_series one "fake: warning w"
	printf '# mail: one\n0001-fake-1.patch\n# mail: two\n# with: 0001-fake-1.patch\n0002-fake-2.patch\n' >"$S/series"
	check --keep-going
	run "$REPO/scripts/mail/check-mail-series.sh" --series "$S/series" --patches "$S" --out "$OUT.mail"
	[ "$status" -eq 1 ]
	[ "$(awk -F'\t' 'NR > 1 { print $1 ":" $2 ":" $3 }' "$OUT.mail/results.tsv" | xargs)" = \
		"one:apply:pass one:build:xe-svm-debug:pass one:build:xe-i386:pass two:apply:pass two:build:xe-svm-debug:fail two:build:xe-i386:fail" ]
	grep -qx 'cc	drivers/gpu/drm/xe/xe_fake.c	warning w \[-Wfake\]' "$OUT.mail/logs/two-build-xe-i386.new"
	[[ $output == *"mail series two: the build fails in xe-i386, or warns anew (stage build)"* ]]
	# Without its '# with:' line, two does not apply alone.
	sed -i '/^# with:/d' "$S/series"
	run "$REPO/scripts/mail/check-mail-series.sh" --series "$S/series" --patches "$S" --out "$OUT.mail" --only two
	[ "$status" -eq 1 ]
	[[ $output == *"mail series two: patch 0002-fake-2.patch does not apply to the base alone (stage apply)"* ]]
}

@test "kunit-builtin: a tree whose xe .kunitconfig asks for more than kunit-configs/xe.kunitconfig fails, naming it" {
	s=$REPO/scripts/pipeline/stage-kunit-builtin.sh
	mkdir -p "$OUT"
	run "$s" 00 "$OUT" "$KERNEL_DIR" "$BATS_TEST_TMPDIR/kb" "$BATS_TEST_TMPDIR/d"
	[ "$status" -eq 0 ]
	echo 'CONFIG_DRM_XE_NEW_THING=y' >>"$KERNEL_DIR/drivers/gpu/drm/xe/.kunitconfig"
	run "$s" 01 "$OUT" "$KERNEL_DIR" "$BATS_TEST_TMPDIR/kb" "$BATS_TEST_TMPDIR/d"
	[ "$status" -eq 1 ]
	[[ $output == *"kunit-configs/xe.kunitconfig lacks what $KERNEL_DIR/drivers/gpu/drm/xe/.kunitconfig asks for: CONFIG_DRM_XE_NEW_THING=y"* ]]
	grep -q 'CONFIG_DRM_XE_NEW_THING=y' "$OUT/01-kunit-builtin.log"
	# An option it turns off counts too.
	sed -i '$d' "$KERNEL_DIR/drivers/gpu/drm/xe/.kunitconfig"
	echo '# CONFIG_DRM_XE_OLD_THING is not set' >>"$KERNEL_DIR/drivers/gpu/drm/xe/.kunitconfig"
	run "$s" 02 "$OUT" "$KERNEL_DIR" "$BATS_TEST_TMPDIR/kb" "$BATS_TEST_TMPDIR/d"
	[ "$status" -eq 1 ]
	[[ $output == *"asks for: # CONFIG_DRM_XE_OLD_THING is not set"* ]]
}
