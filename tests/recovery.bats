#!/usr/bin/env bats
# Interrupted, concurrent and careless use: the scripts keep work that is
# not recorded in a patch, recover from kill -9 on their own, lock what
# they write, time out on a stalled mirror and turn bad input into a
# clear error. Fast: a fake kernel tree, a fake series, a scratch cache.

load helpers

setup() {
	export XE_STACK_CACHE=$BATS_TEST_TMPDIR/cache
	d=$BATS_TEST_TMPDIR/d
	k=$d/linux
	mkdir -p "$k/drivers/gpu/drm/xe"
	echo 'all:' >"$k/Makefile"
	printf 'int bo;\n' >"$k/drivers/gpu/drm/xe/xe_bo.c"
	printf 'int a;\nint b;\nint c;\n' >"$k/drivers/gpu/drm/xe/xe_vm.c"
	export KERNEL_DIR=$k
	# Two patches on one file, as patches 4 and 5 of the stack are.
	s=$d/series.d
	mkdir -p "$s/work"
	cp -r "$k" "$s/work/a" && cp -r "$k" "$s/work/b"
	sed -i 's/int a;/int a1;/' "$s/work/b/drivers/gpu/drm/xe/xe_vm.c"
	(cd "$s/work" && diff -u a/drivers/gpu/drm/xe/xe_vm.c b/drivers/gpu/drm/xe/xe_vm.c >../one.patch || true)
	cp "$s/work/b/drivers/gpu/drm/xe/xe_vm.c" "$s/work/a/drivers/gpu/drm/xe/xe_vm.c"
	sed -i 's/int c;/int c2;/' "$s/work/b/drivers/gpu/drm/xe/xe_vm.c"
	(cd "$s/work" && diff -u a/drivers/gpu/drm/xe/xe_vm.c b/drivers/gpu/drm/xe/xe_vm.c >../two.patch || true)
	rm -rf "$s/work"
	printf 'one.patch\ntwo.patch\n' >"$s/series"
	tree=$d/tree
	export QUILTRC=$REPO/scripts/quiltrc
}

prepare() {
	run "$REPO/scripts/prepare-tree.sh" "$@" "$tree" "$s/series" "$s"
}

@test "make tree: an edit to a file no patch holds is kept and reported" {
	prepare --push
	[ "$status" -eq 0 ]
	[ "$(sed -n 1p "$tree/drivers/gpu/drm/xe/xe_vm.c")" = 'int a1;' ]
	echo 'int mine;' >>"$tree/drivers/gpu/drm/xe/xe_bo.c"
	echo 'new file' >"$tree/drivers/gpu/drm/xe/mine.c"
	prepare --push
	[ "$status" -eq 1 ]
	[[ $output == *"[prepare] 2 file(s) in $tree differ from the unverified base and no applied patch holds them"* ]]
	[[ $output == *"drivers/gpu/drm/xe/mine.c"* && $output == *"nothing was changed"* ]]
	grep -qx 'int mine;' "$tree/drivers/gpu/drm/xe/xe_bo.c"
	[ -f "$tree/drivers/gpu/drm/xe/mine.c" ]
	[ "$(cd "$tree" && quilt applied)" = "$(printf 'one.patch\ntwo.patch')" ]
	# --force is the way to throw them away.
	prepare --force --push
	[ "$status" -eq 0 ]
	[ "$(cat "$tree/drivers/gpu/drm/xe/xe_bo.c")" = 'int bo;' ]
	[ ! -e "$tree/drivers/gpu/drm/xe/mine.c" ]
}

@test "make tree: a push killed half-way is detected, and the advice given recovers it" {
	prepare --push
	[ "$status" -eq 0 ]
	(cd "$tree" && quilt pop -q)
	cp "$s/one.patch" "$d/one.before" && cp "$s/two.patch" "$d/two.before"
	# What quilt push does for two.patch before kill -9 lands: patch(1)
	# has written the file and its backup; applied-patches has no entry.
	(cd "$tree" && patch -s -p1 --backup --prefix=.pc/two.patch/ -i patches/two.patch)
	prepare --push
	[ "$status" -eq 1 ]
	[[ $output == *"[prepare] patch two.patch was being pushed in $tree when that push was interrupted"* ]]
	[[ $output != *"'quilt refresh' them"* ]]
	advice=$(sed -n 's/.*with quilt.s own rollback: \(.*\)  (then run this again.*/\1/p' <<<"$output")
	[ -n "$advice" ]
	run bash -c "$advice"
	[ "$status" -eq 0 ]
	[ "$(cat "$tree/drivers/gpu/drm/xe/xe_vm.c")" = "$(printf 'int a1;\nint b;\nint c;')" ]
	prepare --push
	[ "$status" -eq 0 ]
	cmp "$s/one.patch" "$d/one.before"
	cmp "$s/two.patch" "$d/two.before"
	[ "$(sed -n 3p "$tree/drivers/gpu/drm/xe/xe_vm.c")" = 'int c2;' ]
	# The pipeline's own trees (--force) roll it back by themselves.
	(cd "$tree" && quilt pop -q && patch -s -p1 --backup --prefix=.pc/two.patch/ -i patches/two.patch)
	prepare --force --push
	[ "$status" -eq 0 ]
	[[ $output == *"patch two.patch was half applied by an interrupted push: rolled back"* ]]
	[ "$(cd "$tree" && quilt top)" = two.patch ]
}

@test "make tree: waits for another run that holds the work tree" {
	prepare
	[ "$status" -eq 0 ]
	flock "$tree.lock" bash -c "sleep 3; touch '$d/released'" &
	sleep 1
	prepare --push
	wait
	[ "$status" -eq 0 ]
	[[ $output == *"another run is using the work tree $tree: waiting for it"* ]]
	# It wrote nothing before the holder let go.
	[ -e "$d/released" ]
	[ "$(cd "$tree" && quilt top)" = two.patch ]
	[ "$tree/drivers/gpu/drm/xe/xe_vm.c" -nt "$d/released" ]
}
