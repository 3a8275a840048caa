#!/usr/bin/env bats
# The scripts never delete or rewrite what they did not make: a work tree
# goes only where it is new, empty or made before by prepare-tree.sh, and
# --out folders are emptied only when an earlier run made them. Fast: a
# fake kernel tree and a scratch cache, no build.

load helpers

setup() {
	export XE_STACK_CACHE=$BATS_TEST_TMPDIR/cache
	d=$BATS_TEST_TMPDIR/d
	mkdir -p "$d/linux/drivers/gpu/drm/xe"
	echo 'all:' >"$d/linux/Makefile"
	echo 'int x;' >"$d/linux/drivers/gpu/drm/xe/xe_bo.c"
	echo 'my notes' >"$d/notes"
	export KERNEL_DIR=$d/linux
}

# listing DIR: every path under DIR with its content, to compare.
listing() {
	(cd "$1" && find . | LC_ALL=C sort && find . -type f -exec sha256sum {} + | LC_ALL=C sort)
}

@test "prepare-tree: a DEST that holds KERNEL_DIR is refused, nothing touched" {
	before=$(listing "$d")
	run "$REPO/scripts/pipeline/prepare-tree.sh" "$d"
	[ "$status" -ne 0 ]
	[[ $output == *"[usage] DEST $d holds files prepare-tree.sh did not put there"* ]]
	[ "$(listing "$d")" = "$before" ]
	# Even if it looks like a tree prepare-tree.sh made.
	: >"$d/.xe-stack-base"
	before=$(listing "$d")
	run "$REPO/scripts/pipeline/prepare-tree.sh" "$d"
	[ "$status" -ne 0 ]
	[[ $output == *"[usage] DEST $d is, holds or lies inside the base tree"* ]]
	[ "$(listing "$d")" = "$before" ]
}

@test "prepare-tree: a DEST inside KERNEL_DIR, or the repo, or above it, is refused" {
	before=$(listing "$d")
	run "$REPO/scripts/pipeline/prepare-tree.sh" "$d/linux/tree"
	[ "$status" -ne 0 ]
	[[ $output == *"[usage]"*"never written"* ]]
	[ "$(listing "$d")" = "$before" ]
	# A copy of the repo, so that a broken prepare-tree.sh destroys only it.
	r=$BATS_TEST_TMPDIR/r
	mkdir -p "$r/repo"
	cp -r "$REPO/scripts" "$REPO/pin.conf" "$REPO/project.conf" "$REPO/series" "$REPO/patches" "$r/repo/"
	echo 'my work' >"$r/repo/notes"
	before=$(listing "$r")
	for dest in "$r/repo" "$r"; do
		run "$r/repo/scripts/pipeline/prepare-tree.sh" "$dest"
		[ "$status" -ne 0 ]
		[[ $output == *"[usage] DEST $dest is or holds $r/repo"* ]]
		[ "$(listing "$r")" = "$before" ]
	done
	# Nor a folder that holds the series or the patches it is given.
	mkdir -p "$r/t/my" && cp "$REPO/series" "$r/t/my/" && echo 'my patch' >"$r/t/my/mine.patch"
	: >"$r/t/.xe-stack-base"
	before=$(listing "$r")
	run "$r/repo/scripts/pipeline/prepare-tree.sh" "$r/t" "$r/t/my/series" "$r/t/my"
	[ "$status" -ne 0 ]
	[[ $output == *"[usage] DEST $r/t is or holds $r/t/my"* ]]
	[ "$(listing "$r")" = "$before" ]
}

@test "prepare-tree: a tree inside the repo (GitLab's cache) is allowed" {
	r=$BATS_TEST_TMPDIR/r
	mkdir -p "$r/repo"
	cp -r "$REPO/scripts" "$REPO/pin.conf" "$REPO/project.conf" "$REPO/series" "$REPO/patches" "$r/repo/"
	run "$r/repo/scripts/pipeline/prepare-tree.sh" "$r/repo/.xe-stack-cache/ci/linux"
	[ "$status" -eq 0 ]
	[ -f "$r/repo/.xe-stack-cache/ci/linux/drivers/gpu/drm/xe/xe_bo.c" ]
	[ -f "$r/repo/scripts/pipeline/prepare-tree.sh" ]
}

@test "prepare-tree: a folder with files of its own is refused and kept" {
	mkdir "$d/mine" && echo keep >"$d/mine/important.txt"
	run "$REPO/scripts/pipeline/prepare-tree.sh" "$d/mine"
	[ "$status" -ne 0 ]
	[[ $output == *"holds files prepare-tree.sh did not put there"* ]]
	[ "$(cat "$d/mine/important.txt")" = keep ]
	[ "$(ls -A "$d/mine")" = important.txt ]
}

@test "prepare-tree: a new folder is prepared, and the tree it made is reused" {
	run "$REPO/scripts/pipeline/prepare-tree.sh" "$d/tree"
	[ "$status" -eq 0 ]
	[ -f "$d/tree/.xe-stack-base" ]
	[ "$(cat "$d/tree/drivers/gpu/drm/xe/xe_bo.c")" = 'int x;' ]
	mkdir "$d/empty"
	run "$REPO/scripts/pipeline/prepare-tree.sh" "$d/empty"
	[ "$status" -eq 0 ]
	run "$REPO/scripts/pipeline/prepare-tree.sh" "$d/tree"
	[ "$status" -eq 0 ]
}

@test "check-series: a bad --from is refused before --out is touched" {
	echo keep >"$d/important.txt"
	run "$REPO/scripts/pipeline/check-series.sh" --out "$d" --from 99
	[ "$status" -ne 0 ]
	[[ $output == *"[usage] --from/--only: no patch '99'"* ]]
	[ "$(cat "$d/important.txt")" = keep ]
	run "$REPO/scripts/pipeline/check-series.sh" --out "$d" --only x
	[ "$status" -ne 0 ]
	[[ $output == *"[usage] --from/--only: no patch 'x'"* ]]
	[ "$(cat "$d/important.txt")" = keep ]
}

@test "check-series and bisect: an --out they did not make is refused and kept" {
	echo keep >"$d/important.txt"
	before=$(listing "$d")
	run "$REPO/scripts/pipeline/check-series.sh" --out "$d" --no-boot
	[ "$status" -ne 0 ]
	[[ $output == *"[usage] --out $d holds files no xe-stack run wrote"* ]]
	[ "$(listing "$d")" = "$before" ]
	run "$REPO/scripts/triage/bisect-series.sh" --out "$d" -- true
	[ "$status" -ne 0 ]
	[[ $output == *"[usage] --out $d holds files no xe-stack run wrote"* ]]
	[ "$(listing "$d")" = "$before" ]
}

@test "claim_out: a new folder is marked; an earlier run's is emptied; a file is refused" {
	run bash -c ". '$REPO/scripts/lib/lib.sh' && claim_out '$d/out' && echo x >'$d/out/old' && claim_out '$d/out' && ls -A '$d/out'"
	[ "$status" -eq 0 ]
	[ "$output" = .xe-stack-output ]
	run bash -c ". '$REPO/scripts/lib/lib.sh' && claim_out '$d/notes'"
	[ "$status" -ne 0 ]
	[[ $output == *"exists and is not a folder"* ]]
	[ "$(cat "$d/notes")" = 'my notes' ]
}

@test "check-series and bisect: a bad config, or --out over the work tree, is refused first" {
	echo keep >"$d/important.txt"
	before=$(listing "$d")
	run "$REPO/scripts/pipeline/check-series.sh" --out "$d" --configs nosuch
	[ "$status" -ne 0 ]
	[[ $output == *"[usage] no config 'nosuch'"* ]]
	run "$REPO/scripts/triage/bisect-series.sh" --out "$d" --config nosuch -- true
	[ "$status" -ne 0 ]
	[[ $output == *"[usage] no config 'nosuch'"* ]]
	[ "$(listing "$d")" = "$before" ]
	run "$REPO/scripts/pipeline/check-series.sh" --out "$BATS_TEST_TMPDIR/o" --tree "$BATS_TEST_TMPDIR/o/linux"
	[ "$status" -ne 0 ]
	[[ $output == *"[usage] --out $BATS_TEST_TMPDIR/o and the work tree"*"overlap"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/o" ]
}
