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

@test "deb config --lsmod: trimmed to what a machine loads (localmodconfig), xe and every deb-xe option kept" {
	b=$BATS_TEST_TMPDIR/build
	l=$REPO/tests/data/lsmod/xe-laptop.lsmod
	run "$REPO/scripts/package/build-deb.sh" --config-only --lsmod "$l" --build-dir "$b"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "$b/.config" ]
	[[ $output == *"[config] trimming to the $(($(wc -l <"$l") - 1)) modules of $l, and xe (make localmodconfig)"* ]]
	# From over 4000 modules to the machine's, plus what they need.
	m=$(grep -c '=m$' "$b/.config")
	echo "$m modules"
	[ "$m" -lt 300 ]
	[[ $output == *"[config] $m modules (Debian's config and deb-xe: "* ]]
	# The sample's modules stay (a few, by their options), others go.
	for o in DRM_XE DRM_GPUSVM BLK_DEV_NVME EXT4_FS IWLMVM E1000E USB_XHCI_PCI USB_STORAGE \
		HID_MULTITOUCH I2C_HID_ACPI SND_HDA_INTEL USB_VIDEO_CLASS BT_HCIBTUSB KVM_INTEL; do
		grep -qx "CONFIG_$o=m" "$b/.config" || { echo "CONFIG_$o is not m"; false; }
	done
	for o in R8169 SND_USB_AUDIO DRM_AMDGPU DRM_NOUVEAU BTRFS_FS USB_USBNET; do
		run ! grep -q "^CONFIG_$o=" "$b/.config"
	done
	while read -r opt val; do
		if [ "$val" = n ]; then
			run ! grep -q "^$opt=" "$b/.config"
		else
			grep -qxF "$opt=$val" "$b/.config" || { echo "$opt is not $val"; false; }
		fi
	done < <(requested "$REPO/config-fragments/deb-xe.config")
	grep -qx "CONFIG_LOCALVERSION=\"$LOCALVERSION_WANT\"" "$b/.config"
	# Read live on the target: the same list through a pipe, the same config.
	cp "$b/.config" "$BATS_TEST_TMPDIR/first.config"
	run "$REPO/scripts/package/build-deb.sh" --config-only --lsmod <(cat "$l") --build-dir "$b"
	[ "$status" -eq 0 ]
	cmp "$BATS_TEST_TMPDIR/first.config" "$b/.config"
}

@test "deb config --lsmod: xe kept on a machine without it; an option the trimming takes away is named; a file that is no lsmod is refused first" {
	frag=$BATS_TEST_TMPDIR/frag
	cp -r "$REPO/config-fragments" "$frag"
	# usbnet is no module of the sample: the trimming turns it off, so
	# cdc_ether, which depends on it, cannot be a module any more.
	printf 'CONFIG_USB_NET_CDCETHER=m\n' >>"$frag/deb-xe.config"
	XE_STACK_FRAGMENTS=$frag run "$REPO/scripts/package/build-deb.sh" --config-only \
		--lsmod "$REPO/tests/data/lsmod/xe-laptop.lsmod" --build-dir "$BATS_TEST_TMPDIR/build"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"CONFIG_USB_NET_CDCETHER requested 'm', final .config has 'n'"* ]]
	[[ $output == *"[config] deb-xe: the config trimmed to $REPO/tests/data/lsmod/xe-laptop.lsmod lost an option the fragments ask for"* ]]
	# No .config is left that a later make would build unchecked.
	[ ! -f "$BATS_TEST_TMPDIR/build/.config" ]
	# A machine that did not load xe (nor drm) still gets xe, with what
	# it depends on.
	printf 'Module                  Size  Used by\nnvme                   61440  2\n' >"$BATS_TEST_TMPDIR/noxe.lsmod"
	run "$REPO/scripts/package/build-deb.sh" --config-only --lsmod "$BATS_TEST_TMPDIR/noxe.lsmod" \
		--build-dir "$BATS_TEST_TMPDIR/build3"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'CONFIG_DRM_XE=m' "$BATS_TEST_TMPDIR/build3/.config"
	grep -qx 'CONFIG_DRM_XE_GPUSVM=y' "$BATS_TEST_TMPDIR/build3/.config"
	grep -qx 'CONFIG_DRM=m' "$BATS_TEST_TMPDIR/build3/.config"
	run ! grep -q '^CONFIG_IWLWIFI=' "$BATS_TEST_TMPDIR/build3/.config"
	# A file that is no lsmod output, before any tree or build dir is made.
	printf 'Module Size Used by\nxe 3682304 0\nthis is no module line\n' >"$BATS_TEST_TMPDIR/bad.lsmod"
	run "$REPO/scripts/package/build-deb.sh" --config-only --lsmod "$BATS_TEST_TMPDIR/bad.lsmod" \
		--build-dir "$BATS_TEST_TMPDIR/build2"
	[ "$status" -eq 2 ]
	[[ $output == *"[usage] --lsmod $BATS_TEST_TMPDIR/bad.lsmod: line 3: this is no module line is no line of lsmod"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/build2" ]
	run "$REPO/scripts/package/build-deb.sh" --config-only --lsmod "$BATS_TEST_TMPDIR/none.lsmod"
	[ "$status" -eq 2 ]
	[[ $output == *"[usage] --lsmod $BATS_TEST_TMPDIR/none.lsmod: no such readable file"* ]]
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
