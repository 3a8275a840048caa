#!/usr/bin/env bats
# The campaign of the custom kernel for Xe machines (make check-deb; not
# part of make test): xe.ko builds with Debian's config + deb-xe and the
# stack, named by the series' LOCALVERSION; and the whole package of that
# config trimmed to the sample machine (tests/data/lsmod) is built, checked,
# installed in a Debian root of its own and booted, and the LAVA job fits
# it. deb.bats, in the kernel tier, checks the configs; this builds from
# them: minutes for xe.ko, about an hour on 2 cores for the package, cold.

load helpers

setup_file() {
	. "$REPO/project.conf"
	export LOCALVERSION_WANT="-$SERIES_NAME-v$SERIES_VERSION"
	export BUILD=$CACHE/build/deb-xe
}

@test "deb xe module: xe.ko builds with that config, vermagic has the LOCALVERSION" {
	run "$REPO/scripts/package/build-deb.sh" --xe-module
	[ "$status" -eq 0 ]
	ko=$BUILD/drivers/gpu/drm/xe/xe.ko
	[ "${lines[-1]}" = "$ko" ]
	[ -f "$ko" ]
	vermagic=$(modinfo -F vermagic "$ko")
	echo "vermagic: $vermagic"
	version=$(awk '$2 == "=" && /^(VERSION|PATCHLEVEL|SUBLEVEL) / { v = v (v ? "." : "") $3 } END { print v }' "$CACHE/deb/linux/Makefile")
	[[ $vermagic == "$version$LOCALVERSION_WANT "* ]]
	# The stack's own code is in it (a file the autoreset patches add).
	[ -f "$BUILD/drivers/gpu/drm/xe/xe_madvise_notifier.o" ]
}

@test "deb package for a machine (--lsmod): built whole, trimmed, checked, installed in a root of its own, booted; the LAVA job fits it" {
	l=$REPO/tests/data/lsmod/xe-laptop.lsmod
	out=$BATS_FILE_TMPDIR/debs
	run "$REPO/scripts/package/build-deb.sh" --lsmod "$l" --out "$out"
	echo "${output: -3000}"
	[ "$status" -eq 0 ]
	[[ $output == *"[config] trimming to the "*" modules of $l, and xe (make localmodconfig)"* ]]
	[[ $output == *"[build] "*" elapsed"* ]]
	[[ $output == *"[package] version "* ]]
	image=$(grep '/linux-image-[^/]*\.deb$' <<<"$output" | grep -v -- '-dbg_')
	[ -f "$image" ]
	run "$REPO/scripts/package/check-deb.sh" --lsmod "$l" "$image"
	echo "$output"
	[ "$status" -eq 0 ]
	v=${lines[-1]}
	[ "$v" = "7.3.4$LOCALVERSION_WANT" ]
	# Trimmed: a few hundred modules at most, none of another GPU.
	n=$(dpkg-deb -c "$image" | grep -c '\.ko\(\.[a-z]*\)\{0,1\}$')
	echo "$n modules"
	[ "$n" -lt 300 ]
	run ! grep -q 'amdgpu\.ko' <(dpkg-deb -c "$image")
	run "$REPO/CI/lava/check-job.py" "$REPO/CI/lava/xe-boot.yaml" --deb "$image"
	[ "$status" -eq 0 ]
	[[ $EUID -eq 0 ]] || skip "installing in a chroot needs root"
	run "$REPO/scripts/package/boot-deb.sh" "$image" "$BATS_FILE_TMPDIR/boot"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qF "XE-STACK: boot $v" "$BATS_FILE_TMPDIR/boot/console.log"
	grep -q 'XE-STACK: xe pci driver registered' "$BATS_FILE_TMPDIR/boot/console.log"
	grep -q "^dpkg-query: install ok installed " "$BATS_FILE_TMPDIR/boot/install.log"
	[ ! -e "$BATS_FILE_TMPDIR/boot/root" ]
}
