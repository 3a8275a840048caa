#!/usr/bin/env bash
# Usage: check-deb.sh [--lsmod FILE] LINUX_IMAGE_DEB
#
# Check the kernel packages build-deb.sh wrote (it prints their paths),
# before anyone installs them:
#  - LINUX_IMAGE_DEB is linux-image-V; beside it, linux-headers-V and
#    linux-libc-dev of the same version; the `dpkg-deb --info` of each is
#    sane (package name, version, Architecture amd64, the project as
#    Maintainer, an Installed-Size, a Description), each file named as
#    that says;
#  - the image holds /boot/vmlinuz-V, its System.map and config (whose
#    CONFIG_LOCALVERSION is the series', project.conf), and
#    /lib/modules/V with modules.dep, modules.order, modules.builtin and
#    xe.ko, whose vermagic starts with V, which depends on
#    drm_gpusvm_helper (the stack's SVM), and whose dependencies the
#    package's own modules.dep resolves (modprobe --show-depends);
#  - with --lsmod FILE (build-deb.sh's), every module FILE lists is in
#    the image: as a module, or built in (modules.builtin).
# Prints V. Each finding goes to stderr, naming the package and the file;
# exit 1 when there is one.
#
#   --lsmod FILE  the modules the kernel was trimmed to
#   -h, --help    this text
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

lsmod=
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--lsmod) optval "$@"; lsmod=$2; shift 2 ;;
	-*) die usage "unknown argument '$1' (see --help)" ;;
	*) break ;;
	esac
done
[[ $# -eq 1 ]] || die usage "check-deb.sh [--lsmod FILE] LINUX_IMAGE_DEB (see --help)"
image=$1
[[ -f $image ]] || die usage "no such package: $image"
[[ -z $lsmod || (-r $lsmod && ! -d $lsmod) ]] || die usage "--lsmod $lsmod: no such readable file"
need dpkg-deb dpkg
need modinfo kmod
need modprobe kmod
dir=$(dirname "$image")

found=0
finding() {
	printf 'check-deb: error: [deb] %s\n' "$1" >&2
	found=1
}

shopt -s nullglob
pkg=$(dpkg-deb -f "$image" Package) || die usage "$image: dpkg-deb cannot read it"
version=$(dpkg-deb -f "$image" Version)
v=${pkg#linux-image-}
[[ $pkg == linux-image-* && -n $v ]] || die deb "$image: package '$pkg' is no linux-image-VERSION"

# info DEB PACKAGE: dpkg-deb --info of DEB says what it should.
info() {
	local f=$1 want=$2 b p ver arch maint field
	b=$(basename "$f")
	p=$(dpkg-deb -f "$f" Package)
	ver=$(dpkg-deb -f "$f" Version)
	arch=$(dpkg-deb -f "$f" Architecture)
	maint=$(dpkg-deb -f "$f" Maintainer)
	[[ $p == "$want" ]] || finding "$b: Package is '$p', not $want"
	[[ $ver == "$version" ]] || finding "$b: Version '$ver', not $version as $pkg"
	[[ $arch == amd64 ]] || finding "$b: Architecture '$arch', not amd64"
	[[ $maint == "$PROJECT_NAME <$PROJECT_EMAIL>" ]] || finding "$b: Maintainer '$maint', not project.conf's"
	for field in Installed-Size Description; do
		[[ -n $(dpkg-deb -f "$f" "$field") ]] || finding "$b: no $field"
	done
	[[ $b == "${want}_${version}_amd64.deb" ]] || finding "$b: not named ${want}_${version}_amd64.deb"
}
info "$image" "$pkg"
for other in "linux-headers-$v" linux-libc-dev; do
	f=$dir/${other}_${version}_amd64.deb
	if [[ -f $f ]]; then
		info "$f" "$other"
	else
		finding "$dir: no ${other}_${version}_amd64.deb beside $(basename "$image")"
	fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$image" "$tmp" || die deb "dpkg-deb -x $image failed"
m=$tmp/lib/modules/$v
[[ -d $m ]] || m=$tmp/usr/lib/modules/$v
for f in "boot/vmlinuz-$v" "boot/System.map-$v" "boot/config-$v"; do
	[[ -f $tmp/$f ]] || finding "$(basename "$image"): no /$f"
done
want_lv="CONFIG_LOCALVERSION=\"-$SERIES_NAME-v$SERIES_VERSION\""
[[ ! -f $tmp/boot/config-$v ]] || grep -qxF "$want_lv" "$tmp/boot/config-$v" ||
	finding "$(basename "$image"): /boot/config-$v has no $want_lv"
for f in modules.dep modules.order modules.builtin; do
	[[ -f $m/$f ]] || finding "$(basename "$image"): no ${m#"$tmp"}/$f"
done
[[ -d $m ]] || finding "$(basename "$image"): no /lib/modules/$v"
xe=$(find "$m" -name 'xe.ko*' -path '*/drivers/gpu/drm/xe/*' 2>/dev/null | head -n 1 || true)
if [[ -z $xe ]]; then
	finding "$(basename "$image"): no xe.ko under ${m#"$tmp"}"
else
	magic=$(modinfo -F vermagic "$xe" 2>/dev/null || true)
	[[ $magic == "$v "* ]] || finding "$(basename "$image"): ${xe#"$tmp"} has vermagic '$magic', not $v"
	[[ ,$(modinfo -F depends "$xe" 2>/dev/null || true), == *,drm_gpusvm_helper,* ]] ||
		finding "$(basename "$image"): ${xe#"$tmp"} does not depend on drm_gpusvm_helper (no SVM)"
	modprobe -d "$tmp" -S "$v" --show-depends xe >/dev/null 2>&1 ||
		finding "$(basename "$image"): its modules.dep does not resolve what xe needs (modprobe --show-depends xe)"
fi
n=0
if [[ -n $lsmod ]]; then
	# Module names: "-" and "_" are one.
	have=$( (find "$m" -name '*.ko*' -printf '%f\n' 2>/dev/null | sed 's/\.ko.*//'
		sed 's|.*/||; s/\.ko$//' "$m/modules.builtin" 2>/dev/null || true) | tr '-' '_' | sort -u)
	while read -r name _; do
		[[ -n $name && $name != Module ]] || continue
		n=$((n + 1))
		grep -qxF "${name//-/_}" <<<"$have" || finding "$(basename "$image"): module $name of $lsmod is neither a module nor built in"
	done <"$lsmod"
fi
((found)) && exit 1
log "$pkg $version: linux-image, linux-headers, linux-libc-dev; xe.ko vermagic $v${lsmod:+; the $n modules of $lsmod}"
printf '%s\n' "$v"
