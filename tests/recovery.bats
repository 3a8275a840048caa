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
	cd "$s/work" && { diff -u a/drivers/gpu/drm/xe/xe_vm.c b/drivers/gpu/drm/xe/xe_vm.c >../one.patch || true; }
	cp "$s/work/b/drivers/gpu/drm/xe/xe_vm.c" "$s/work/a/drivers/gpu/drm/xe/xe_vm.c"
	sed -i 's/int c;/int c2;/' "$s/work/b/drivers/gpu/drm/xe/xe_vm.c"
	{ diff -u a/drivers/gpu/drm/xe/xe_vm.c b/drivers/gpu/drm/xe/xe_vm.c >../two.patch || true; }
	cd "$d" && rm -rf "$s/work"
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

# fake_pin: a linux-source .deb of a tiny tree, served by a fake mirror on
# loopback, and a pin.conf naming it (XE_STACK_PIN_FILE). Sets $mirror_dir.
fake_pin() {
	local w=$BATS_TEST_TMPDIR/pin pool deb tarball
	. "$REPO/pin.conf"
	mkdir -p "$w/pkg/DEBIAN" "$w/pkg/usr/src" "$w/src/$PIN_TOPDIR/drivers/gpu/drm/xe"
	echo 'all:' >"$w/src/$PIN_TOPDIR/Makefile"
	echo 'int bo;' >"$w/src/$PIN_TOPDIR/drivers/gpu/drm/xe/xe_bo.c"
	tarball=$w/pkg/$PIN_TARBALL
	tar -cJf "$tarball" -C "$w/src" "$PIN_TOPDIR"
	printf 'Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: t <t@t>\nDescription: t\n' \
		"$PIN_PACKAGE" "$PIN_VERSION" >"$w/pkg/DEBIAN/control"
	mirror_dir=$w/mirror
	pool=$mirror_dir/$PIN_POOL_DIR
	mkdir -p "$pool"
	deb=$pool/${PIN_PACKAGE}_${PIN_VERSION}_all.deb
	dpkg-deb -Zxz --build "$w/pkg" "$deb" >/dev/null
	sed -e "s/^PIN_DEB_SHA256=.*/PIN_DEB_SHA256=$(sha256sum "$deb" | cut -d' ' -f1)/" \
		-e "s/^PIN_TARBALL_SHA256=.*/PIN_TARBALL_SHA256=$(sha256sum "$tarball" | cut -d' ' -f1)/" \
		"$REPO/pin.conf" >"$w/pin.conf"
	export XE_STACK_PIN_FILE=$w/pin.conf
	unset KERNEL_DIR
}

# mirror [--stall]: start the fake mirror; sets XE_STACK_MIRROR.
mirror() {
	local pf=$BATS_TEST_TMPDIR/port
	rm -f "$pf"
	/usr/bin/python3 "$REPO/tests/data/fake-mirror.py" "$@" "$pf" "${mirror_dir:-.}" 2>"$BATS_TEST_TMPDIR/mirror.log" 3>&- &
	mirror_pid=$!
	for _ in $(seq 50); do [[ -s $pf ]] && break; sleep 0.1; done
	XE_STACK_MIRROR=http://127.0.0.1:$(cat "$pf")
	export XE_STACK_MIRROR
}

teardown() {
	[[ -z ${mirror_pid:-} ]] || kill "$mirror_pid" 2>/dev/null || true
}

@test "fetch: a mirror that accepts and sends nothing fails with a network error" {
	fake_pin
	mirror --stall
	export XE_STACK_STALL_SECS=2
	start=$SECONDS
	run timeout 120 "$REPO/scripts/fetch-kernel.sh"
	[ "$status" -eq 1 ]
	[[ $output == *"error: [network] the transfer of $XE_STACK_MIRROR/"*"stalled"* ]]
	((SECONDS - start < 60))
	[ -z "$(find "$XE_STACK_CACHE" -name '*.part')" ]
}

@test "fetch: two at once on an empty cache give one clean tree" {
	fake_pin
	mirror
	"$REPO/scripts/fetch-kernel.sh" >"$d/one" 2>&1 &
	one=$!
	"$REPO/scripts/fetch-kernel.sh" >"$d/two" 2>&1 &
	wait "$one" && wait $!
	p=$(tail -n 1 "$d/one")
	[ "$p" = "$(tail -n 1 "$d/two")" ]
	[ "$(cd "$p" && find . | LC_ALL=C sort | xargs)" = ". ./.xe-stack-pristine ./Makefile ./drivers ./drivers/gpu ./drivers/gpu/drm ./drivers/gpu/drm/xe ./drivers/gpu/drm/xe/xe_bo.c" ]
	[ -z "$(find "$XE_STACK_CACHE/pristine" -maxdepth 1 -name '.unpack.*')" ]
}

@test "fetch: what a killed fetch left is removed; a pin with another SHA256 is unpacked again" {
	fake_pin
	mirror
	run "$REPO/scripts/fetch-kernel.sh"
	[ "$status" -eq 0 ]
	p=${lines[-1]}
	# kill -9 half-way through an unpack, and through a download.
	mkdir -p "$XE_STACK_CACHE/pristine/.unpack.AbC123/linux/big"
	echo x >"$XE_STACK_CACHE/pristine/.unpack.AbC123/linux/big/f"
	chmod -R a-w "$XE_STACK_CACHE/pristine/.unpack.AbC123/linux"
	echo x >"$XE_STACK_CACHE/downloads/some.deb.part"
	# The pin now names another tarball than the tree was unpacked from.
	sed -i 's/^PIN_TARBALL_SHA256=.*/PIN_TARBALL_SHA256=0000/' "$XE_STACK_PIN_FILE"
	run "$REPO/scripts/fetch-kernel.sh"
	[ "$status" -eq 1 ]
	[[ $output == *"was unpacked from another tarball"* ]]
	[[ $output == *"error: [checksum] tarball"*"pin.conf expects 0000"* ]]
	[ ! -e "$XE_STACK_CACHE/pristine/.unpack.AbC123" ]
	[ ! -e "$XE_STACK_CACHE/downloads/some.deb.part" ]
}
