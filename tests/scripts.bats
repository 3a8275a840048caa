#!/usr/bin/env bats
# The scripts that need the pinned tree (fetched on first use): fetch,
# config checking, kernel-figures. What needs no kernel is in tools.bats.

load helpers

@test "fetch: a second run downloads nothing and prints the same tree" {
	first=$("$REPO/scripts/pipeline/fetch-kernel.sh")
	start=$SECONDS
	second=$("$REPO/scripts/pipeline/fetch-kernel.sh")
	[ "$first" = "$second" ]
	[ $((SECONDS - start)) -le 5 ]
	[ -f "$first/.xe-stack-pristine" ]
	grep -q "^7.3.4-1~bpo13+1 " "$first/.xe-stack-pristine"
}

@test "fetch: a checksum mismatch is reported as such and the file dropped" {
	tmp=$BATS_TEST_TMPDIR/cache
	mkdir -p "$tmp/downloads"
	cp "$CACHE"/downloads/linux-source-7.3_*.deb "$tmp/downloads/"
	# A mirror holding the same .deb: the one kept is fetched again first.
	. "$REPO/pin.conf"
	mkdir -p "$BATS_TEST_TMPDIR/mirror/$PIN_POOL_DIR"
	ln -s "$CACHE"/downloads/linux-source-7.3_*.deb "$BATS_TEST_TMPDIR/mirror/$PIN_POOL_DIR/"
	mirror "$BATS_TEST_TMPDIR/mirror"
	sed 's/^PIN_DEB_SHA256=.*/PIN_DEB_SHA256=0000/' "$REPO/pin.conf" >"$BATS_TEST_TMPDIR/pin.conf"
	XE_STACK_CACHE=$tmp XE_STACK_PIN_FILE=$BATS_TEST_TMPDIR/pin.conf run "$REPO/scripts/pipeline/fetch-kernel.sh"
	stop_mirror
	[ "$status" -eq 1 ]
	[[ $output == *"is not the one pin.conf names now: fetching it again"* ]]
	[[ $output == *"[checksum]"*"pin.conf expects 0000"* ]]
	[ -z "$(ls "$tmp/downloads")" ]
}

@test "fetch: no network, no disk and a missing tool each say so" {
	tmp=$BATS_TEST_TMPDIR/cache
	XE_STACK_CACHE=$tmp XE_STACK_MIRROR=http://127.0.0.1:9 run "$REPO/scripts/pipeline/fetch-kernel.sh"
	[ "$status" -eq 1 ]
	[[ $output == *"[network]"* ]]
	mkdir -p "$tmp/downloads"
	cp "$CACHE"/downloads/linux-source-7.3_*.deb "$tmp/downloads/"
	XE_STACK_CACHE=$tmp XE_STACK_MIN_FREE_KB=999999999999 run "$REPO/scripts/pipeline/fetch-kernel.sh"
	[ "$status" -eq 1 ]
	[[ $output == *"[disk]"*"MiB free"* ]]
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	for t in bash dirname basename cat sed awk nproc; do ln -s "$(command -v $t)" "$BATS_TEST_TMPDIR/bin/"; done
	XE_STACK_CACHE=$tmp/none PATH=$BATS_TEST_TMPDIR/bin run "$REPO/scripts/pipeline/fetch-kernel.sh"
	[ "$status" -eq 1 ]
	[[ $output == *"[tools]"*"'curl' not found: install the Debian package 'curl'"* ]]
}

@test "fetch: a tarball of your own is unpacked once and marked unverified" {
	tar -C "$BATS_TEST_TMPDIR" -czf "$BATS_TEST_TMPDIR/k.tar.gz" --transform 's,^,mykernel/,' \
		-C "$("$REPO/scripts/pipeline/fetch-kernel.sh")" Makefile drivers/gpu/drm/xe/Kconfig
	XE_STACK_CACHE=$BATS_TEST_TMPDIR/cache run "$REPO/scripts/pipeline/fetch-kernel.sh" --tarball "$BATS_TEST_TMPDIR/k.tar.gz"
	[ "$status" -eq 0 ]
	[ -f "${lines[-1]}/drivers/gpu/drm/xe/Kconfig" ]
	grep -q '^unverified ' "${lines[-1]}/.xe-stack-pristine"
}

@test "config: every option a fragment asks for is checked, by name; arch= and cc= reach Kconfig" {
	src=$("$REPO/scripts/pipeline/fetch-kernel.sh")
	frag=$BATS_TEST_TMPDIR/frag
	cp -r "$REPO/config-fragments" "$frag"
	# GPUSVM needs ZONE_DEVICE: merge_config.sh only warns; we fail.
	printf '# CONFIG_MEMORY_HOTREMOVE is not set\n' >"$frag/nohotremove.config"
	printf 'broken pipeline base xe debug svm nohotremove\n' >>"$frag/matrix"
	XE_STACK_FRAGMENTS=$frag run "$REPO/scripts/pipeline/make-config.sh" "$src" "$BATS_TEST_TMPDIR/b" broken
	[ "$status" -eq 1 ]
	[[ $output == *"CONFIG_DRM_XE_GPUSVM requested 'y'"* ]]
	[[ $output == *"[config] broken: options above are not in the final .config"* ]]
	run "$REPO/scripts/pipeline/make-config.sh" "$src" "$BATS_TEST_TMPDIR/ok" xe-nosvm
	[ "$status" -eq 0 ]
	grep -q '^CONFIG_DRM_XE=m$' "$BATS_TEST_TMPDIR/ok/.config"
	run ! grep -q '^CONFIG_DRM_XE_GPUSVM=' "$BATS_TEST_TMPDIR/ok/.config"
	# A row's arch= and cc= reach Kconfig: 32-bit x86; clang and ld.lld.
	run "$REPO/scripts/pipeline/make-config.sh" "$src" "$BATS_TEST_TMPDIR/i386" xe-i386
	[ "$status" -eq 0 ]
	grep -qx 'CONFIG_X86_32=y' "$BATS_TEST_TMPDIR/i386/.config"
	run ! grep -q '^CONFIG_64BIT=' "$BATS_TEST_TMPDIR/i386/.config"
	grep -qx 'CONFIG_DRM_XE=m' "$BATS_TEST_TMPDIR/i386/.config"
	run "$REPO/scripts/pipeline/make-config.sh" "$src" "$BATS_TEST_TMPDIR/clang" xe-clang
	[ "$status" -eq 0 ]
	grep -qx 'CONFIG_CC_IS_CLANG=y' "$BATS_TEST_TMPDIR/clang/.config"
	grep -qx 'CONFIG_LD_IS_LLD=y' "$BATS_TEST_TMPDIR/clang/.config"
	grep -qx 'CONFIG_DRM_XE_GPUSVM=y' "$BATS_TEST_TMPDIR/clang/.config"
}

@test "kernel-figures: bad arguments and an --out it did not make are refused before anything is written" {
	d=$BATS_TEST_TMPDIR
	export XE_STACK_CACHE=$d/cache
	run "$REPO/scripts/bench/kernel-figures.sh" --runs 0 --out "$d/out"
	[ "$status" -eq 2 ]
	[[ $output == *"[usage] --runs: a number from 1, not '0'"* ]]
	run "$REPO/scripts/bench/kernel-figures.sh" --out "$d/out" extra
	[ "$status" -eq 2 ]
	[[ $output == *"[usage] no arguments"* ]]
	mkdir -p "$d/mine"
	echo mine >"$d/mine/file"
	run "$REPO/scripts/bench/kernel-figures.sh" --out "$d/mine"
	[ "$status" -eq 2 ]
	[[ $output == *"[usage] --out $d/mine holds files no xe-stack run wrote"* ]]
	[ "$(ls -A "$d/mine")" = file ]
	[ "$(cat "$d/mine/file")" = mine ]
	[ ! -e "$d/cache" ]
	[ ! -e "$d/out" ]
}

@test "kernel-figures: its patch applies to the harness as the series leaves it" {
	d=$BATS_TEST_TMPDIR/tree
	f=drivers/gpu/drm/xe/tests/xe_vm_kunit.c
	mkdir -p "$d"
	while read -r p; do
		filterdiff -p1 -i "$f" "$REPO/patches/$p" >"$BATS_TEST_TMPDIR/part"
		[ -s "$BATS_TEST_TMPDIR/part" ] || continue
		(cd "$d" && patch -p1 -s --no-backup-if-mismatch <"$BATS_TEST_TMPDIR/part")
	done < <(series_patches)
	[ -f "$d/$f" ]
	(cd "$d" && patch -p1 -s --dry-run <"$REPO/tests/figures/xe-vm-autoreset-figures.patch")
}

@test "kunit-configs/xe.kunitconfig holds all of the pinned xe's own .kunitconfig" {
	pristine=$("$REPO/scripts/pipeline/fetch-kernel.sh")
	while IFS= read -r line; do
		[[ $line == CONFIG_* || $line =~ ^#\ CONFIG_[A-Za-z0-9_]+\ is\ not\ set$ ]] || continue
		grep -qxF "$line" "$REPO/kunit-configs/xe.kunitconfig" || { echo "missing: $line"; false; }
	done <"$pristine/drivers/gpu/drm/xe/.kunitconfig"
}
