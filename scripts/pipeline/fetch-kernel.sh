#!/usr/bin/env bash
# Usage: fetch-kernel.sh [--tarball FILE | --uri | --debian-config | --debian-config-uri]
#
# Fetch the pinned kernel (pin.conf) into the cache and print the path of
# the pristine tree. The .deb is downloaded through the Debian mirror that
# apt is configured with (XE_STACK_MIRROR overrides it), both SHA256 sums
# are verified, and the tree is unpacked read-only under
# $XE_STACK_CACHE (default ~/.cache/xe-stack). A second run downloads
# nothing and only prints the path; a tree unpacked from another pin.conf
# SHA256 is unpacked again.
#
# Runs take a lock (locks/fetch.lock in the cache): a second one waits,
# then finds the work done. What a run killed half-way left (pristine/
# .unpack.*, downloads/*.part) is removed by the next. A transfer that
# stalls (under 1 KiB/s for XE_STACK_STALL_SECS, default 60 s, in each of
# 3 tries) fails with a [network] error, as does a mirror that takes the
# connection in none of 3 tries of 20 s.
#
#   --tarball FILE  unpack a kernel tarball of your own instead (unverified)
#   --uri           print the download URI and exit
#   --debian-config print the path of Debian's own amd64 config for the
#                   pinned kernel (pin.conf PIN_CONFIG_*: the .deb and the
#                   file in it are verified, then unpacked once, read-only)
#   --debian-config-uri  print that package's download URI and exit
#   -h, --help      this text
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

MIN_FREE_KB=${XE_STACK_MIN_FREE_KB:-$((4 * 1024 * 1024))}
STALL_SECS=${XE_STACK_STALL_SECS:-60}
[[ $STALL_SECS =~ ^[1-9][0-9]*$ ]] || die usage "XE_STACK_STALL_SECS=$STALL_SECS is not a number of seconds"

check_disk() {
	local free
	mkdir -p "$CACHE_DIR"
	free=$(df -Pk "$CACHE_DIR" | awk 'NR == 2 { print $4 }')
	((free >= MIN_FREE_KB)) ||
		die disk "$CACHE_DIR has $((free / 1024)) MiB free; unpacking needs $((MIN_FREE_KB / 1024)) MiB"
}

# Temporary paths of this run, removed if it fails or is interrupted.
tmps=()
trap 'rm -rf "${tmps[@]}" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM HUP

# locked: one fetch at a time; clear what a killed one left.
locked() {
	cache_lock fetch
	mkdir -p "$CACHE_DIR/downloads" "$CACHE_DIR/pristine"
	sweep "$CACHE_DIR/pristine" '.unpack.*'
	sweep "$CACHE_DIR/downloads" '*.part'
}

verify() { # FILE SHA256 WHAT: a file that does not match is removed
	local got
	got=$(sha256sum "$1" | cut -d' ' -f1)
	if [[ $got != "$2" ]]; then
		rm -f "$1"
		die checksum "$3 $1: SHA256 is $got, pin.conf expects $2 (file removed)"
	fi
}

# stale FILE SHA256: a download kept from an earlier pin.conf is removed,
# to be fetched again.
stale() {
	[[ -f $1 && $(sha256sum "$1" | cut -d' ' -f1) != "$2" ]] || return 0
	log "$1 is not the one pin.conf names now: fetching it again"
	rm -f "$1"
}

download() { # URI DEST
	local rc=0
	log "downloading $1"
	tmps+=("$2.part")
	curl -fsSL --retry 2 --connect-timeout 20 --speed-limit 1024 --speed-time "$STALL_SECS" \
		-o "$2.part" "$1" || rc=$?
	case $rc in
	0) mv "$2.part" "$2" ;;
	28)
		die network "the transfer of $1 stalled: under 1 KiB/s for $STALL_SECS s, 3 tries (curl exit 28): is the mirror or the network down?" ;;
	23)
		die disk "not enough space in $(dirname "$2") for $1 (curl could not write; $(free_mib "$2") MiB free)" ;;
	5 | 6 | 7 | 35 | 56)
		rm -f "$2.part"
		die network "cannot reach the mirror for $1 (curl exit $rc): is the network up?" ;;
	22)
		rm -f "$2.part"
		die download "the mirror has no $1 (HTTP error): is $PIN_SUITE in its archive?" ;;
	*)
		rm -f "$2.part"
		die download "curl failed with exit $rc for $1" ;;
	esac
}

# get_deb NAME SHA256: NAME from the mirror's pool into downloads/ (once),
# verified.
get_deb() {
	local dl=$CACHE_DIR/downloads mirror
	# A kept one has just been checked.
	stale "$dl/$1" "$2"
	[[ ! -f $dl/$1 ]] || return 0
	mirror=$(apt_mirror)
	[[ -n $mirror ]] ||
		die mirror "apt has no plain Debian suite configured; set XE_STACK_MIRROR"
	download "$mirror$PIN_POOL_DIR/$1" "$dl/$1"
	verify "$dl/$1" "$2" "package"
}

# unpack_tar TARBALL DEST: atomically unpack a kernel tarball's single top
# directory as DEST, read-only.
unpack_tar() {
	local tmp top
	check_disk
	tmp=$(mktemp -d "$CACHE_DIR/pristine/.unpack.XXXXXX")
	tmps+=("$tmp")
	log "unpacking $1"
	if ! tar -xf "$1" -C "$tmp"; then
		disk_left "$tmp" "unpacking $1"
		die unpack "tar failed on $1"
	fi
	top=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d)
	[[ -n $top && $(wc -l <<<"$top") -eq 1 && -f $top/Makefile && -d $top/drivers/gpu/drm/xe ]] ||
		die unpack "$1 does not hold one kernel source directory with drivers/gpu/drm/xe"
	chmod -R a-w "$top"
	mv -T "$top" "$2"
	rmdir "$tmp"
}

# pristine_ok: the pristine tree is there, unpacked from pin.conf's tarball.
pristine_ok() {
	[[ -f $PRISTINE_DIR/.xe-stack-pristine &&
		$(cat "$PRISTINE_DIR/.xe-stack-pristine") == "$PIN_VERSION $PIN_TARBALL_SHA256" ]]
}

fetch_pinned() {
	local deb="$PIN_PACKAGE"_"$PIN_VERSION"_all.deb dl="$CACHE_DIR/downloads"
	local tarball
	if pristine_ok; then
		printf '%s\n' "$PRISTINE_DIR"
		return
	fi
	need curl curl
	need dpkg-deb dpkg
	need xz xz-utils
	locked
	if pristine_ok; then
		printf '%s\n' "$PRISTINE_DIR"
		return
	fi
	[[ ! -f $PRISTINE_DIR/.xe-stack-pristine ]] ||
		log "$PRISTINE_DIR was unpacked from another tarball ($(cat "$PRISTINE_DIR/.xe-stack-pristine")): unpacking pin.conf's again"
	get_deb "$deb" "$PIN_DEB_SHA256"
	tarball="$dl/$(basename "$PIN_TARBALL")"
	stale "$tarball" "$PIN_TARBALL_SHA256"
	if [[ ! -f $tarball ]]; then
		check_disk
		tmps+=("$tarball.part")
		if ! dpkg-deb --fsys-tarfile "$dl/$deb" | tar -xO "./$PIN_TARBALL" >"$tarball.part"; then
			disk_left "$tarball.part" "extracting $PIN_TARBALL"
			die unpack "$deb does not contain $PIN_TARBALL"
		fi
		mv "$tarball.part" "$tarball"
		verify "$tarball" "$PIN_TARBALL_SHA256" "tarball"
	fi
	[[ -d $PRISTINE_DIR ]] && chmod -R u+w "$PRISTINE_DIR" && rm -rf "$PRISTINE_DIR"
	unpack_tar "$tarball" "$PRISTINE_DIR"
	chmod u+w "$PRISTINE_DIR"
	printf '%s %s\n' "$PIN_VERSION" "$PIN_TARBALL_SHA256" >"$PRISTINE_DIR/.xe-stack-pristine"
	chmod a-w "$PRISTINE_DIR"
	printf '%s\n' "$PRISTINE_DIR"
}

fetch_debian_config() {
	local deb="$PIN_CONFIG_PACKAGE"_"$PIN_VERSION"_"$PIN_CONFIG_ARCH".deb dl="$CACHE_DIR/downloads"
	local dest="$CACHE_DIR/debian-config/$PIN_CONFIG_PACKAGE-$PIN_VERSION" out
	out="$dest/$(basename "$PIN_CONFIG_FILE" .xz)"
	if [[ -f $out ]]; then
		printf '%s\n' "$out"
		return
	fi
	need curl curl
	need dpkg-deb dpkg
	need xz xz-utils
	locked
	mkdir -p "$dest"
	sweep "$dest" '*.part'
	get_deb "$deb" "$PIN_CONFIG_DEB_SHA256"
	dpkg-deb --fsys-tarfile "$dl/$deb" | tar -xO "./$PIN_CONFIG_FILE" >"$out.xz.part" ||
		{ rm -f "$out.xz.part"; die unpack "$deb does not contain $PIN_CONFIG_FILE"; }
	verify "$out.xz.part" "$PIN_CONFIG_FILE_SHA256" "config"
	xz -dc "$out.xz.part" >"$out.part" || { rm -f "$out.part"; die unpack "cannot decompress $PIN_CONFIG_FILE"; }
	rm -f "$out.xz.part"
	chmod a-w "$out.part"
	mv "$out.part" "$out"
	printf '%s\n' "$out"
}

fetch_tarball() {
	local sum dest
	[[ -f $1 ]] || die base "no such tarball: $1"
	sum=$(sha256sum "$1" | cut -c1-16)
	dest="$CACHE_DIR/pristine/tarball-$sum"
	[[ -f $dest/.xe-stack-pristine ]] || locked
	if [[ ! -f $dest/.xe-stack-pristine ]]; then
		[[ -d $dest ]] && chmod -R u+w "$dest" && rm -rf "$dest"
		unpack_tar "$1" "$dest"
		chmod u+w "$dest"
		printf 'unverified %s\n' "$1" >"$dest/.xe-stack-pristine"
		chmod a-w "$dest"
	fi
	printf '%s\n' "$dest"
}

case ${1:-} in
-h | --help) usage; exit 0 ;;
--uri) printf '%s%s/%s_%s_all.deb\n' "$(apt_mirror)" "$PIN_POOL_DIR" "$PIN_PACKAGE" "$PIN_VERSION" ;;
--debian-config) fetch_debian_config ;;
--debian-config-uri) printf '%s%s/%s_%s_%s.deb\n' "$(apt_mirror)" "$PIN_POOL_DIR" "$PIN_CONFIG_PACKAGE" "$PIN_VERSION" "$PIN_CONFIG_ARCH" ;;
--tarball) [[ $# -eq 2 ]] || die usage "--tarball takes a file"; fetch_tarball "$2" ;;
"") fetch_pinned ;;
*) die usage "unknown argument '$1' (see --help)" ;;
esac
