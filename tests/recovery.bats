#!/usr/bin/env bats
# Interrupted, concurrent and careless use: the scripts keep work that is
# not recorded in a patch, recover from kill -9 on their own, lock what
# they write, time out on a stalled mirror and turn bad input into a
# clear error. Fast: a fake kernel tree, a fake series, a scratch cache.

load helpers

setup() {
	# The cache through a symlink, as ~/.cache often is: the scripts must
	# not depend on paths being canonical (a lock is known by its inode).
	mkdir -p "$BATS_TEST_TMPDIR/cache.real"
	ln -s cache.real "$BATS_TEST_TMPDIR/cache"
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
	cp -r "$k" "$s/work/a"
	cp -r "$k" "$s/work/b"
	sed -i 's/int a;/int a1;/' "$s/work/b/drivers/gpu/drm/xe/xe_vm.c"
	cd "$s/work" && { diff -u a/drivers/gpu/drm/xe/xe_vm.c b/drivers/gpu/drm/xe/xe_vm.c >../one.patch || true; }
	cp "$s/work/b/drivers/gpu/drm/xe/xe_vm.c" "$s/work/a/drivers/gpu/drm/xe/xe_vm.c"
	sed -i 's/int c;/int c2;/' "$s/work/b/drivers/gpu/drm/xe/xe_vm.c"
	{ diff -u a/drivers/gpu/drm/xe/xe_vm.c b/drivers/gpu/drm/xe/xe_vm.c >../two.patch || true; }
	cd "$d" && rm -rf "$s/work"
	printf 'one.patch\ntwo.patch\n' >"$s/series"
	tree=$d/tree
	export QUILTRC=$REPO/scripts/pipeline/quiltrc
	export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
}

prepare() {
	run "$REPO/scripts/pipeline/prepare-tree.sh" "$@" "$tree" "$s/series" "$s"
}

# reimported MESSAGE XE_BO_C: export-base.sh again says MESSAGE, keeps
# the repository $er and gives a new base, base2, whose xe_bo.c is XE_BO_C.
reimported() {
	run "$REPO/scripts/mail/export-base.sh"
	[ "$status" -eq 0 ]
	[[ $output == *"$1"* ]]
	read -r er2 base2 <<<"${lines[-1]}"
	[ "$er2" = "$er" ]
	[ "$base2" != "$base" ]
	[ "$(git -C "$er" show "$base2:drivers/gpu/drm/xe/xe_bo.c")" = "$2" ]
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
	cp "$s/one.patch" "$d/one.before"
	cp "$s/two.patch" "$d/two.before"
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

@test "make tree: a file removed by hand is reported; a copy that was interrupted is done again" {
	prepare --push
	[ "$status" -eq 0 ]
	rm "$tree/drivers/gpu/drm/xe/xe_bo.c"
	prepare --push
	[ "$status" -eq 1 ]
	[[ $output == *"1 file(s) in $tree differ from the unverified base"*"drivers/gpu/drm/xe/xe_bo.c"* ]]
	[ ! -e "$tree/drivers/gpu/drm/xe/xe_bo.c" ]
	# kill -9 during the copy: the marker stays, with rsync's temporary
	# file and a file not yet copied.
	touch "$tree/.xe-stack-copying"
	echo x >"$tree/drivers/gpu/drm/xe/.xe_vm.c.AbC123"
	prepare --push
	[ "$status" -eq 0 ]
	[[ $output == *"the last copy into $tree was interrupted: copying again"* ]]
	[ "$(cat "$tree/drivers/gpu/drm/xe/xe_bo.c")" = 'int bo;' ]
	[ ! -e "$tree/drivers/gpu/drm/xe/.xe_vm.c.AbC123" ]
	[ ! -e "$tree/.xe-stack-copying" ]
}

@test "check-series and bisect on a tree of make tree (--tree): unrecorded work is kept" {
	prepare --push
	[ "$status" -eq 0 ]
	echo 'int mine;' >>"$tree/drivers/gpu/drm/xe/xe_bo.c"
	run "$REPO/scripts/pipeline/check-series.sh" --tree "$tree" --series "$s/series" --patches "$s" --out "$d/o1" --no-boot
	[ "$status" -eq 1 ]
	[[ $output == *"[prepare] 1 file(s) in $tree differ"* ]]
	run "$REPO/scripts/triage/bisect-series.sh" --tree "$tree" --series "$s/series" --patches "$s" --out "$d/o2" -- true
	[ "$status" -eq 1 ]
	[[ $output == *"[prepare] cannot prepare $tree"*"1 file(s) in $tree differ"* ]]
	grep -qx 'int mine;' "$tree/drivers/gpu/drm/xe/xe_bo.c"
}

@test "a --tree the pipeline made stays its own; make tree with an empty series prepares it" {
	printf 'one.patch\n' >"$s/first"
	# The first run's copy fails half-way (an rsync that copies one file).
	mkdir -p "$d/bin"
	cat >"$d/bin/rsync" <<'EOF'
#!/bin/bash
for dest; do :; done
mkdir -p "$dest/drivers/gpu/drm/xe" && echo 'int left;' >"$dest/drivers/gpu/drm/xe/xe_bo.c"
exit 11
EOF
	chmod +x "$d/bin/rsync"
	PATH=$d/bin:$PATH run "$REPO/scripts/triage/bisect-series.sh" --tree "$d/pt" --series "$s/first" --patches "$s" --out "$d/o" -- false
	[ "$status" -eq 1 ]
	[[ $output == *"[prepare] cannot prepare $d/pt"* ]]
	[ -f "$d/pt/.xe-stack-pipeline" ]
	grep -qx 'int left;' "$d/pt/drivers/gpu/drm/xe/xe_bo.c"
	# What a failed run left in its own tree is the pipeline's to discard.
	run "$REPO/scripts/triage/bisect-series.sh" --tree "$d/pt" --series "$s/first" --patches "$s" --out "$d/o" -- false
	[ "$status" -eq 1 ]
	[[ $output == *"fails on the base"* ]]
	[ "$(cat "$d/pt/drivers/gpu/drm/xe/xe_bo.c")" = 'int bo;' ]
	# A series with no patch yet: the tree is made, nothing is pushed.
	printf '# nothing yet\n' >"$s/empty"
	run "$REPO/scripts/pipeline/prepare-tree.sh" --push "$tree" "$s/empty" "$s"
	[ "$status" -eq 0 ]
	[[ $output == *"names no patch yet: nothing to push"* ]]
	[ -f "$tree/drivers/gpu/drm/xe/xe_vm.c" ]
}

@test "the pipeline's marker never lands in a folder that is refused" {
	run "$REPO/scripts/pipeline/prepare-tree.sh" --pipeline "$d/p1"
	[ "$status" -eq 2 ]
	[[ $output == *"[usage] --pipeline goes with --force"* ]]
	[ ! -e "$d/p1" ]
	mkdir "$k/sub"
	run "$REPO/scripts/pipeline/prepare-tree.sh" --force --pipeline "$k/sub"
	[ "$status" -eq 2 ]
	[ -z "$(ls -A "$k/sub")" ]
	mkdir "$d/mine"
	echo mine >"$d/mine/notes"
	run "$REPO/scripts/pipeline/prepare-tree.sh" --force --pipeline "$d/mine"
	[ "$status" -eq 2 ]
	[ "$(ls -A "$d/mine")" = notes ]
	# export-base.sh: a DEST it did not make is refused before any fetch
	# (no mirror runs here).
	fake_pin
	mkdir -p "$XE_STACK_CACHE/git/linux"
	echo mine >"$XE_STACK_CACHE/git/linux/notes"
	run "$REPO/scripts/mail/export-base.sh"
	[ "$status" -eq 1 ]
	[[ $output == *"[base] $XE_STACK_CACHE/git/linux exists and is no repository of export-base.sh"* ]]
	[ ! -e "$XE_STACK_CACHE/downloads" ]
}

@test "make tree: waits for another run that holds the work tree" {
	prepare
	[ "$status" -eq 0 ]
	flock "$tree.lock" bash -c "echo held >'$d/held'; sleep 3; touch '$d/released'" 3>&- &
	# Under load the holder may start late: wait until it holds the lock.
	wait_file "$d/held"
	prepare --push
	wait
	[ "$status" -eq 0 ]
	[[ $output == *"another run is using the work tree $tree: waiting for it"* ]]
	# It wrote nothing before the holder let go.
	[ -e "$d/released" ]
	[ "$(cd "$tree" && quilt top)" = two.patch ]
	[ "$tree/drivers/gpu/drm/xe/xe_vm.c" -nt "$d/released" ]
}

# fake_pin [XE_BO_C [KIB]]: a linux-source .deb of a tiny tree (plus KIB of noise), served by a fake mirror on
# loopback, and a pin.conf naming it (XE_STACK_PIN_FILE). Sets $mirror_dir.
fake_pin() {
	local w=$BATS_TEST_TMPDIR/pin pool deb tarball
	. "$REPO/pin.conf"
	mkdir -p "$w/pkg/DEBIAN" "$w/pkg/usr/src" "$w/src/$PIN_TOPDIR/drivers/gpu/drm/xe"
	echo 'all:' >"$w/src/$PIN_TOPDIR/Makefile"
	echo "${1:-int bo;}" >"$w/src/$PIN_TOPDIR/drivers/gpu/drm/xe/xe_bo.c"
	[[ -z ${2:-} ]] || head -c "${2}K" /dev/urandom >"$w/src/$PIN_TOPDIR/big"
	tarball=$w/pkg/$PIN_TARBALL
	# The same bytes on every run and machine (no compression: tar -x
	# does not need it), so the import's commit id is known.
	find "$w/src" -exec touch -h -d @1767225600 {} +
	tar --format=gnu --sort=name --mtime=@1767225600 --owner=0 --group=0 --numeric-owner \
		-cf "$tarball" -C "$w/src" "$PIN_TOPDIR"
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

teardown() {
	stop_mirror
}

@test "fetch: a mirror that accepts and sends nothing fails with a network error" {
	fake_pin
	mirror --stall
	export XE_STACK_STALL_SECS=2
	start=$SECONDS
	run timeout 120 "$REPO/scripts/pipeline/fetch-kernel.sh"
	[ "$status" -eq 1 ]
	[[ $output == *"error: [network] the transfer of $XE_STACK_MIRROR/"*"stalled"* ]]
	((SECONDS - start < 60))
	[ -z "$(find "$XE_STACK_CACHE" -name '*.part')" ]
}

@test "fetch: two at once on an empty cache give one clean tree" {
	fake_pin
	mirror
	"$REPO/scripts/pipeline/fetch-kernel.sh" >"$d/one" 2>&1 &
	one=$!
	"$REPO/scripts/pipeline/fetch-kernel.sh" >"$d/two" 2>&1 &
	two=$!
	wait "$one"
	wait "$two"
	p=$(tail -n 1 "$d/one")
	[ "$p" = "$(tail -n 1 "$d/two")" ]
	[ "$(cd "$p" && find . | LC_ALL=C sort | xargs)" = ". ./.xe-stack-pristine ./Makefile ./drivers ./drivers/gpu ./drivers/gpu/drm ./drivers/gpu/drm/xe ./drivers/gpu/drm/xe/xe_bo.c" ]
	[ -z "$(find "$XE_STACK_CACHE/pristine" -maxdepth 1 -name '.unpack.*')" ]
}

@test "fetch: what a killed fetch left is removed; a pin with another SHA256 is unpacked again" {
	fake_pin
	mirror
	run "$REPO/scripts/pipeline/fetch-kernel.sh"
	[ "$status" -eq 0 ]
	p=${lines[-1]}
	# kill -9 half-way through an unpack, and through a download.
	mkdir -p "$XE_STACK_CACHE/pristine/.unpack.AbC123/linux/big"
	echo x >"$XE_STACK_CACHE/pristine/.unpack.AbC123/linux/big/f"
	chmod -R a-w "$XE_STACK_CACHE/pristine/.unpack.AbC123/linux"
	echo x >"$XE_STACK_CACHE/downloads/some.deb.part"
	# The pin now names another tarball than the tree was unpacked from.
	stop_mirror
	fake_pin 'int bo4;'
	mirror
	run "$REPO/scripts/pipeline/fetch-kernel.sh"
	[ "$status" -eq 0 ]
	[[ $output == *"was unpacked from another tarball"* ]]
	[[ $output == *"is not the one pin.conf names now: fetching it again"* ]]
	[ "${lines[-1]}" = "$p" ]
	[ "$(cat "$p/drivers/gpu/drm/xe/xe_bo.c")" = 'int bo4;' ]
	[ ! -e "$XE_STACK_CACHE/pristine/.unpack.AbC123" ]
	[ ! -e "$XE_STACK_CACHE/downloads/some.deb.part" ]
}

# mail_stack: the fake tree's two patches as mails, one mail series.
mail_stack() {
	m=$d/mail.d
	mkdir -p "$m/covers"
	for p in one two; do
		printf 'From: T <t@t>\nDate: Thu, 1 Jan 2026 00:00:00 +0000\nSubject: [PATCH] drm/xe: %s\n\nWhy.\n\nSigned-off-by: T <t@t>\n---\n' "$p" >"$m/$p.patch"
		cat "$s/$p.patch" >>"$m/$p.patch"
	done
	printf '# mail: fake\none.patch\ntwo.patch\n' >"$m/series"
}

export_stack() {
	run "$REPO/scripts/mail/export-series.sh" --branch-only --series "$m/series" --patches "$m" --covers "$m/covers" --refs t
}

@test "export: the lock files of a git killed half-way are removed; one held open is left" {
	mail_stack
	export_stack
	[ "$status" -eq 0 ]
	er=${lines[-1]%%: *}
	tip=$(git -C "$er" rev-parse t/stack)
	# kill -9 of git am and of a ref update: their lock files stay.
	echo x >"$er/.git/index.lock"
	echo x >"$er/.git/refs/heads/t/fake.lock"
	export_stack
	[ "$status" -eq 0 ]
	[[ $output == *"removing $er/.git/index.lock, left by a git killed half-way"* ]]
	[ ! -e "$er/.git/index.lock" ]
	[ ! -e "$er/.git/refs/heads/t/fake.lock" ]
	[ "$(git -C "$er" rev-parse t/stack)" = "$tip" ]
	# A git at work (here: this shell) holds its lock open: never removed.
	exec 5>"$er/.git/index.lock"
	export_stack
	exec 5>&-
	[ "$status" -eq 1 ]
	[[ $output == *"index.lock is held open by a running process: left alone"* ]]
	[[ $output == *"[export] cannot check out the base"* ]]
	[ -e "$er/.git/index.lock" ]
}

@test "export-base: a killed run's half-built repository is removed; a changed KERNEL_DIR is committed again" {
	run "$REPO/scripts/mail/export-base.sh"
	[ "$status" -eq 0 ]
	read -r er base <<<"${lines[-1]}"
	mkdir -p "$XE_STACK_CACHE/git/.new.Xy12Ab/linux"
	echo x >"$XE_STACK_CACHE/git/.new.Xy12Ab/linux/f"
	run "$REPO/scripts/mail/export-base.sh"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "$er $base" ]
	[ ! -e "$XE_STACK_CACHE/git/.new.Xy12Ab" ]
	git -C "$er" tag t/v1 "$base"
	echo 'int bo2;' >"$k/drivers/gpu/drm/xe/xe_bo.c"
	reimported "KERNEL_DIR=$k changed since" 'int bo2;'
	# The earlier base stays, with what was tagged on it.
	[ "$(git -C "$er" rev-parse t/v1)" = "$base" ]
}

@test "base id: follows a KERNEL_DIR edit, and the pinned repository follows pin.conf" {
	bid() { bash -c ". '$REPO/scripts/lib/lib.sh' && base_tree && base_id"; }
	a=$(bid)
	b=$(bid)
	[ "$a" = "$b" ]
	echo 'int bo;' >>"$k/drivers/gpu/drm/xe/xe_bo.c"
	b=$(bid)
	[ "$b" != "$a" ]
	# The same content, another time: it may be another file now.
	touch -d @0 "$k/Makefile"
	[ "$(bid)" != "$b" ]
	# The pin: a second tarball for the same version.
	fake_pin
	mirror
	run "$REPO/scripts/mail/export-base.sh"
	[ "$status" -eq 0 ]
	read -r er base <<<"${lines[-1]}"
	stop_mirror
	fake_pin 'int bo3;'
	mirror
	reimported "holds another import than pin.conf's tarball" 'int bo3;'
	# The same commit as a first import of that tarball gives, pinned or
	# named by KERNEL_TARBALL, in a cache of its own.
	XE_STACK_CACHE=$d/cache2 run "$REPO/scripts/mail/export-base.sh"
	[ "$status" -eq 0 ]
	[ "${lines[-1]#* }" = "$base2" ]
	XE_STACK_CACHE=$d/cache3 KERNEL_TARBALL=$BATS_TEST_TMPDIR/pin/pkg/$PIN_TARBALL run "$REPO/scripts/mail/export-base.sh"
	[ "$status" -eq 0 ]
	[[ ${lines[-1]} == "$d/cache3/git/tarball-"*" $base2" ]]
	# What export-base.sh commits (files, date, identity, message) is
	# fixed: a change to it changes the pinned base (MAINTAINERS-notes).
	echo "base: $base2"
	[ "$base2" = b4fdaf1e333f2ff2805d727123ad08549337fec4 ]
}

@test "bad input: a missing patch, CRLF line ends, no patch, an option without its value" {
	cs() { run "$REPO/scripts/pipeline/check-series.sh" --out "$d/out" --tree "$d/t" "$@"; }
	bs() { run "$REPO/scripts/triage/bisect-series.sh" --out "$d/out" --tree "$d/t" "$@"; }
	printf 'one.patch\nnosuch.patch\n' >"$s/missing"
	cs --series "$s/missing" --patches "$s"
	[ "$status" -eq 1 ]
	[[ $output == *"[series] patch 2 of $s/missing, nosuch.patch, is not in $s"* ]]
	bs --series "$s/missing" --patches "$s" -- true
	[ "$status" -eq 1 ]
	[[ $output == *"[series] patch 2 of $s/missing, nosuch.patch, is not in $s"* ]]
	printf 'one.patch\r\ntwo.patch\r\n' >"$s/crlf"
	cs --series "$s/crlf" --patches "$s"
	[ "$status" -eq 1 ]
	[[ $output == *"[series] $s/crlf has CRLF line ends (line 1)"* ]]
	printf '# nothing yet\n' >"$s/empty"
	cs --series "$s/empty" --patches "$s"
	[ "$status" -eq 2 ]
	[[ $output == *"[usage] no patch in $s/empty"* ]]
	[ ! -e "$d/t" ]
	[ ! -e "$XE_STACK_CACHE/build" ]
	for o in --series --only --configs --out; do
		run "$REPO/scripts/pipeline/check-series.sh" "$o"
		[ "$status" -eq 2 ]
		[[ $output == *"[usage] $o needs a value (see --help)"* ]]
	done
	run "$REPO/scripts/triage/bisect-series.sh" --stage
	[ "$status" -eq 2 ]
	[[ $output == *"[usage] --stage needs a value"* ]]
	cs --configs nosuch --series "$s/series" --patches "$s"
	[ "$status" -eq 2 ]
	[[ $output == *"[usage] no config 'nosuch'"* ]]
	# A tarball that is not a kernel tree with xe.
	mkdir -p "$d/junk/linux"
	echo 'all:' >"$d/junk/linux/Makefile"
	tar -cf "$d/junk.tar" -C "$d/junk" linux
	KERNEL_DIR='' KERNEL_TARBALL=$d/junk.tar run "$REPO/scripts/pipeline/prepare-tree.sh" "$d/t2"
	[ "$status" -eq 1 ]
	[[ $output == *"[unpack] $d/junk.tar does not hold one kernel source directory with drivers/gpu/drm/xe"* ]]
	[ -z "$(find "$XE_STACK_CACHE/pristine" -mindepth 1 -maxdepth 1)" ]
}

# on_small_disk DIR CMD...: run CMD with a 1 MiB tmpfs on DIR (in a mount
# namespace of its own), as `run` does.
on_small_disk() {
	unshare -rm true 2>/dev/null || skip "no user and mount namespaces here"
	local dir=$1
	shift
	mkdir -p "$dir"
	# shellcheck disable=SC2016  # expanded by the inner shell
	run unshare -rm bash -c 'mount -t tmpfs -o size=1m tmpfs "$1" && shift && "$@"' _ "$dir" "$@"
}

@test "a full disk says so: [disk] not enough space, from a copy and from a download" {
	head -c 2M /dev/urandom >"$k/big"
	on_small_disk "$d/small" "$REPO/scripts/pipeline/prepare-tree.sh" "$d/small/tree"
	[ "$status" -eq 1 ]
	[[ $output == *"[disk] not enough space in $d/small"*"for a copy of the base tree"* ]]
	fake_pin 'int bo;' 2048
	mirror
	XE_STACK_CACHE=$d/small/cache on_small_disk "$d/small" "$REPO/scripts/pipeline/fetch-kernel.sh"
	[ "$status" -eq 1 ]
	[[ $output == *"[disk] not enough space in $d/small/cache/downloads for $XE_STACK_MIRROR/"* ]]
}
