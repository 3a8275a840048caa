#!/usr/bin/env bats
# The custom kernel for Xe machines (scripts/package/build-deb.sh): its config is
# Debian's own for the pinned kernel plus config-fragments/deb-xe.config,
# every option the fragment asks for survives olddefconfig, and the C files
# the stack changes compile with it. Building xe.ko with that config is a
# campaign (make check-deb, tests/deb-build.bats), not part of make test:
# a cold build of it takes minutes.

load helpers

setup_file() {
	. "$REPO/project.conf"
	export LOCALVERSION_WANT="-$SERIES_NAME-v$SERIES_VERSION"
	export BUILD=$CACHE/build/deb-xe
}

# requested FRAGMENT: "CONFIG_X value" per option the fragment asks for
# ("n" for "is not set").
requested() {
	sed -n -e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1 n/p' \
		-e 's/^\(CONFIG_[A-Za-z0-9_]*\)=\(.*\)$/\1 \2/p' "$1"
}

@test "deb config: Debian's config is verified against pin.conf, a mismatch named" {
	run "$REPO/scripts/pipeline/fetch-kernel.sh" --debian-config
	[ "$status" -eq 0 ]
	[[ ${lines[-1]} == */config.amd64_none_amd64 ]]
	grep -qx 'CONFIG_DRM_XE=m' "${lines[-1]}"
	tmp=$BATS_TEST_TMPDIR/cache
	mkdir -p "$tmp/downloads"
	cp "$CACHE"/downloads/linux-config-7.3_*.deb "$tmp/downloads/"
	sed 's/^PIN_CONFIG_DEB_SHA256=.*/PIN_CONFIG_DEB_SHA256=0000/' "$REPO/pin.conf" >"$BATS_TEST_TMPDIR/pin.conf"
	XE_STACK_CACHE=$tmp XE_STACK_PIN_FILE=$BATS_TEST_TMPDIR/pin.conf run "$REPO/scripts/pipeline/fetch-kernel.sh" --debian-config
	[ "$status" -eq 1 ]
	[[ $output == *"[checksum] package"*"linux-config-7.3_"*"pin.conf expects 0000"* ]]
	[ -z "$(ls "$tmp/downloads")" ]
}

@test "deb config: Debian's config + deb-xe, every requested option survives olddefconfig" {
	run "$REPO/scripts/package/build-deb.sh" --config-only
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "$BUILD/.config" ]
	[[ $output == *"[apply]"* && $output == *"config.amd64_none_amd64, then olddefconfig"* ]]
	# Debian's config, not allnoconfig: thousands of modules, Debian's xe display.
	[ "$(grep -c '=m$' "$BUILD/.config")" -gt 3000 ]
	grep -qx 'CONFIG_DRM_XE_DISPLAY=y' "$BUILD/.config"
	n=0
	while read -r opt val; do
		n=$((n + 1))
		if [ "$val" = n ]; then
			! grep -q "^$opt=" "$BUILD/.config" || { echo "$opt is set"; false; }
		else
			grep -qxF "$opt=$val" "$BUILD/.config" || { echo "$opt is not $val"; false; }
		fi
	done < <(requested "$REPO/config-fragments/deb-xe.config")
	[ "$n" -ge 8 ]
	grep -qx "CONFIG_LOCALVERSION=\"$LOCALVERSION_WANT\"" "$BUILD/.config"
	grep -qx 'CONFIG_DRM_XE=m' "$BUILD/.config"
	grep -qx 'CONFIG_DRM_XE_GPUSVM=y' "$BUILD/.config"
	grep -qx 'CONFIG_DRM_XE_PAGEMAP=y' "$BUILD/.config"
	grep -qx 'CONFIG_DEBUG_INFO_NONE=y' "$BUILD/.config"
	# The whole stack is applied in the tree the config was made for.
	[ "$(wc -l <"$CACHE/deb/linux/.pc/applied-patches")" -eq "$(grep -c '^[^#[:space:]]' "$REPO/series")" ]
}

@test "deb config: an option that cannot survive fails the config stage, named" {
	frag=$BATS_TEST_TMPDIR/frag
	cp -r "$REPO/config-fragments" "$frag"
	# GPUSVM depends on ZONE_DEVICE: merge_config.sh and olddefconfig only
	# drop it; the check names it.
	printf '# CONFIG_ZONE_DEVICE is not set\n' >"$frag/nozonedevice.config"
	printf 'deb-broken debian deb-xe nozonedevice\n' >>"$frag/matrix"
	XE_STACK_FRAGMENTS=$frag run "$REPO/scripts/package/build-deb.sh" --config-only --config deb-broken \
		--build-dir "$BATS_TEST_TMPDIR/build"
	[ "$status" -eq 1 ]
	[[ $output == *"CONFIG_DRM_XE_GPUSVM requested 'y', final .config has 'n'"* ]]
	[[ $output == *"[config] deb-broken: options above are not in the final .config"* ]]
	[ ! -f "$BATS_TEST_TMPDIR/build/.config" ]
}

@test "deb objects: the C files the stack changes compile with that config (KUnit off, xe's display on)" {
	run "$REPO/scripts/package/build-deb.sh" --objects
	[ "$status" -eq 0 ]
	# The branches the pipeline's configs never compile.
	grep -qx '# CONFIG_KUNIT is not set' "$BUILD/.config"
	grep -qx 'CONFIG_DRM_XE_DISPLAY=y' "$BUILD/.config"
	mapfile -t ps < <(stack_info patches)
	want=$(cd "$REPO/patches" && sed -n 's|^+++ b/\(.*\)\.c$|\1.o|p' "${ps[@]}" | grep -v '/tests/' | sort -u)
	[ "$(wc -l <<<"$want")" -ge 5 ]
	[ "$(grep -c "^$BUILD/.*\.o\$" <<<"$output")" -eq "$(wc -l <<<"$want")" ]
	for o in $want; do
		grep -qxF "$BUILD/$o" <<<"$output" || { echo "not built: $o"; false; }
		[ -s "$BUILD/$o" ]
	done
}
