#!/usr/bin/env bash
# Usage: fetch-kernel.sh [--tarball FILE | --uri | --debian-config | --debian-config-uri]
#
# Fetch the pinned kernel (pin.conf) into the cache and print the path of
# the pristine tree. The .deb is downloaded through the Debian mirror that
# apt is configured with (XE_STACK_MIRROR overrides it), both SHA256 sums
# are verified, and the tree is unpacked read-only under
# $XE_STACK_CACHE (default ~/.cache/xe-stack). A second run downloads
# nothing and only prints the path.
#
#   --tarball FILE  unpack a kernel tarball of your own instead (unverified)
#   --uri           print the download URI and exit
#   --debian-config print the path of Debian's own amd64 config for the
#                   pinned kernel (pin.conf PIN_CONFIG_*: the .deb and the
#                   file in it are verified, then unpacked once, read-only)
#   --debian-config-uri  print that package's download URI and exit
#   -h, --help      this text
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

MIN_FREE_KB=${XE_STACK_MIN_FREE_KB:-$((4 * 1024 * 1024))}

check_disk() {
	local free
	mkdir -p "$CACHE_DIR"
	free=$(df -Pk "$CACHE_DIR" | awk 'NR == 2 { print $4 }')
	((free >= MIN_FREE_KB)) ||
		die disk "$CACHE_DIR has $((free / 1024)) MiB free; unpacking needs $((MIN_FREE_KB / 1024)) MiB"
}

verify() { # FILE SHA256 WHAT: a file that does not match is removed
	local got
	got=$(sha256sum "$1" | cut -d' ' -f1)
	if [[ $got != "$2" ]]; then
		rm -f "$1"
		die checksum "$3 $1: SHA256 is $got, pin.conf expects $2 (file removed)"
	fi
}

download() { # URI DEST
	local rc=0
	log "downloading $1"
	curl -fsSL --retry 2 --connect-timeout 20 -o "$2.part" "$1" || rc=$?
	case $rc in
	0) mv "$2.part" "$2" ;;
	5 | 6 | 7 | 28 | 35 | 56)
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

# unpack_tar TARBALL DEST: atomically unpack a kernel tarball's single top
# directory as DEST, read-only.
unpack_tar() {
	local tmp top
	check_disk
	tmp=$(mktemp -d "$CACHE_DIR/pristine/.unpack.XXXXXX")
	log "unpacking $1"
	tar -xf "$1" -C "$tmp" || { rm -rf "$tmp"; die unpack "tar failed on $1"; }
	top=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d)
	[[ -n $top && $(wc -l <<<"$top") -eq 1 && -f $top/Makefile ]] ||
		{ rm -rf "$tmp"; die unpack "$1 does not hold one kernel source directory"; }
	chmod -R a-w "$top"
	mv "$top" "$2"
	rmdir "$tmp"
}

fetch_pinned() {
	local deb="$PIN_PACKAGE"_"$PIN_VERSION"_all.deb dl="$CACHE_DIR/downloads"
	local mirror tarball
	if [[ -f $PRISTINE_DIR/.xe-stack-pristine ]]; then
		printf '%s\n' "$PRISTINE_DIR"
		return
	fi
	need curl curl
	need dpkg-deb dpkg
	need xz xz-utils
	mkdir -p "$dl" "$CACHE_DIR/pristine"
	if [[ ! -f $dl/$deb ]]; then
		mirror=$(apt_mirror)
		[[ -n $mirror ]] ||
			die mirror "apt has no plain Debian suite configured; set XE_STACK_MIRROR"
		download "$mirror$PIN_POOL_DIR/$deb" "$dl/$deb"
	fi
	verify "$dl/$deb" "$PIN_DEB_SHA256" "package"
	tarball="$dl/$(basename "$PIN_TARBALL")"
	if [[ ! -f $tarball ]]; then
		check_disk
		dpkg-deb --fsys-tarfile "$dl/$deb" |
			tar -xO "./$PIN_TARBALL" >"$tarball.part" ||
			die unpack "$deb does not contain $PIN_TARBALL"
		mv "$tarball.part" "$tarball"
	fi
	verify "$tarball" "$PIN_TARBALL_SHA256" "tarball"
	[[ -d $PRISTINE_DIR ]] && chmod -R u+w "$PRISTINE_DIR" && rm -rf "$PRISTINE_DIR"
	unpack_tar "$tarball" "$PRISTINE_DIR"
	chmod u+w "$PRISTINE_DIR"
	printf '%s %s\n' "$PIN_VERSION" "$PIN_TARBALL_SHA256" >"$PRISTINE_DIR/.xe-stack-pristine"
	chmod a-w "$PRISTINE_DIR"
	printf '%s\n' "$PRISTINE_DIR"
}

fetch_debian_config() {
	local deb="$PIN_CONFIG_PACKAGE"_"$PIN_VERSION"_"$PIN_CONFIG_ARCH".deb dl="$CACHE_DIR/downloads"
	local dest="$CACHE_DIR/debian-config/$PIN_CONFIG_PACKAGE-$PIN_VERSION" out mirror
	out="$dest/$(basename "$PIN_CONFIG_FILE" .xz)"
	if [[ -f $out ]]; then
		printf '%s\n' "$out"
		return
	fi
	need curl curl
	need dpkg-deb dpkg
	need xz xz-utils
	mkdir -p "$dl" "$dest"
	if [[ ! -f $dl/$deb ]]; then
		mirror=$(apt_mirror)
		[[ -n $mirror ]] ||
			die mirror "apt has no plain Debian suite configured; set XE_STACK_MIRROR"
		download "$mirror$PIN_POOL_DIR/$deb" "$dl/$deb"
	fi
	verify "$dl/$deb" "$PIN_CONFIG_DEB_SHA256" "package"
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
	if [[ ! -f $dest/.xe-stack-pristine ]]; then
		mkdir -p "$CACHE_DIR/pristine"
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
