#!/usr/bin/env bats
# The campaign of the custom kernel for Xe machines (make check-deb; not
# part of make test): xe.ko builds with Debian's config + deb-xe and the
# stack, named by the series' LOCALVERSION. deb.bats, in the kernel tier,
# checks that config; this builds from it (minutes on 2 cores, cold).

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
