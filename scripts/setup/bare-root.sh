#!/usr/bin/env bash
# Usage: bare-root.sh --make DIR
#        bare-root.sh --in DIR [--] COMMAND [ARG...]
#        bare-root.sh --remove DIR
#
# A bare Debian 12 system (debootstrap --variant=minbase bookworm) to check
# that scripts/setup/install-deps.sh alone is enough on a fresh machine: what a
# machine's history installed (a Recommends, a tool used once) is not there.
# Needs root (chroot and mounts).
#
#   --make DIR    unpack a fresh bare root into DIR (which must not exist,
#                 or be empty). The minbase system is bootstrapped once per
#                 mirror into $XE_STACK_CACHE/bare/ (about 1 min, 85 MB)
#                 from the Debian mirror apt uses; apt's own settings
#                 (apt.conf.d, auth.conf.d) are copied in, as a machine of
#                 this network would have them.
#   --in DIR      run COMMAND as root in DIR, in /repo: this repository,
#                 mounted read-only. /proc, /sys and /dev are mounted in a
#                 mount namespace of the command's own, so nothing stays
#                 mounted when it ends, however it ends. The .debs apt
#                 downloads are kept in $XE_STACK_CACHE/bare/archives.
#   --remove DIR  delete a root that --make made (and nothing else).
#   -h, --help    this text
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

BARE_DIR=$CACHE_DIR/bare
MARK=.xe-stack-bare-root
SUITE=bookworm

is_ours() { [[ -f $1/$MARK ]]; }

# base_tarball: set TAR to the minbase system of this mirror, bootstrapped
# once (not in $(...): errors must stop the script).
base_tarball() {
	local mirror tmp
	mirror=$(apt_mirror)
	[[ -n $mirror ]] || die bare "apt has no plain Debian suite configured; set XE_STACK_MIRROR"
	TAR=$BARE_DIR/$SUITE-minbase-$(printf '%s' "$mirror" | sha256sum | cut -c1-12).tar.zst
	if [[ ! -s $TAR ]]; then
		need debootstrap debootstrap
		need zstd zstd
		# Under the lock: any earlier .debootstrap.* is an interrupted one.
		find "$BARE_DIR" -maxdepth 1 -name '.debootstrap.*' -exec rm -rf --one-file-system {} +
		tmp=$(mktemp -d "$BARE_DIR/.debootstrap.XXXXXX")
		log "bootstrapping a minbase $SUITE from $mirror (once)"
		# In a mount namespace of its own: its /proc mounts end with it.
		unshare --mount --propagation private -- \
			debootstrap --variant=minbase "$SUITE" "$tmp/root" "$mirror" >"$tmp/log" 2>&1 || {
			tail -n 20 "$tmp/log" >&2
			rm -rf --one-file-system "$tmp"
			die bare "debootstrap of $SUITE from $mirror failed"
		}
		tar -C "$tmp/root" -cf - . | zstd -q -T0 -3 >"$tmp/base.tar.zst"
		mv "$tmp/base.tar.zst" "$TAR"
		rm -rf --one-file-system "$tmp"
	fi
}

make_root() {
	local dir=$1 f
	if [[ -e $dir ]]; then
		[[ -d $dir && -z $(ls -A "$dir") ]] ||
			die usage "$dir exists and is not an empty folder: give a new one"
	fi
	mkdir -p "$BARE_DIR"
	hold_lock "$BARE_DIR/.lock" 7 "the bare roots' base in $BARE_DIR"
	base_tarball
	mkdir -p "$dir"
	: >"$dir/$MARK"
	zstd -q -dc "$TAR" | tar -C "$dir" -xf -
	# What a container or a new machine is given, not installed: name
	# resolution, and the settings that make this network's mirror work.
	cp /etc/resolv.conf "$dir/etc/resolv.conf"
	printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$dir/etc/hosts"
	for f in /etc/apt/apt.conf.d/* /etc/apt/auth.conf.d/*; do
		[[ -f $f ]] || continue
		mkdir -p "$dir/$(dirname "$f")"
		cp "$f" "$dir/$f"
	done
	# As Debian's container images do: dpkg does not fsync every file of
	# a root that is thrown away after the test.
	printf 'force-unsafe-io\n' >"$dir/etc/dpkg/dpkg.cfg.d/xe-stack-unsafe-io"
	if [[ -n ${XE_STACK_MIRROR:-} ]]; then
		printf 'deb %s %s main\n' "${XE_STACK_MIRROR%/}" "$SUITE" >"$dir/etc/apt/sources.list"
	fi
	mkdir -p "$dir/repo"
	log "bare $SUITE root ready: $dir"
}

# in_root DIR CMD...: the second half runs in a private mount namespace.
in_root() {
	local dir=$1
	shift
	mkdir -p "$BARE_DIR/archives/partial"
	hold_lock "$BARE_DIR/archives.lock" 7 "the bare roots' package cache in $BARE_DIR"
	unshare --mount --propagation private -- "$0" --mounted "$dir" "$@"
}

# mounted DIR CMD...: only in the namespace in_root made, never the caller's.
mounted() {
	local dir=$1
	shift
	[[ $(readlink /proc/self/ns/mnt) != "$(readlink "/proc/$PPID/ns/mnt")" ]] ||
		die usage "--mounted is bare-root.sh's own step: use --in"
	mount -t proc proc "$dir/proc"
	mount --rbind /sys "$dir/sys"
	mount --rbind /dev "$dir/dev"
	mount --bind "$BARE_DIR/archives" "$dir/var/cache/apt/archives"
	mount --bind "$REPO_DIR" "$dir/repo"
	mount -o remount,bind,ro "$dir/repo"
	exec env -i HOME=/root TERM=dumb LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		${XE_STACK_MIRROR:+XE_STACK_MIRROR="$XE_STACK_MIRROR"} \
		chroot "$dir" /bin/sh -c 'cd /repo && exec "$@"' sh "$@"
}

mode=${1:-}
case $mode in
-h | --help) usage; exit 0 ;;
--make | --in | --remove | --mounted) ;;
*) die usage "expected --make, --in or --remove (see --help)" ;;
esac
[[ -n ${2:-} ]] || die usage "$mode needs a folder (see --help)"
dir=$2
shift 2
[[ $mode != --in || ${1:-} != -- ]] || shift
[[ $mode != --in && $mode != --mounted ]] || (($#)) || die usage "--in needs a command (see --help)"
[[ $mode == --in || $mode == --mounted ]] || (($# == 0)) || die usage "unexpected '$1' (see --help)"
((EUID == 0)) || die usage "needs root: chroot and mount"
need unshare util-linux

case $mode in
--make) make_root "$dir" ;;
--in | --mounted | --remove)
	is_ours "$dir" || die usage "$dir is not a root that bare-root.sh --make made"
	dir=$(cd "$dir" && pwd -P)
	case $mode in
	--in) in_root "$dir" "$@" ;;
	--mounted) mounted "$dir" "$@" ;;
	--remove)
		# Not while a command runs in it, nor with anything mounted there.
		mkdir -p "$BARE_DIR"
		hold_lock "$BARE_DIR/archives.lock" 7 "the bare roots' package cache in $BARE_DIR"
		# mountinfo writes a space, tab, newline or backslash as \ooo.
		! D=$dir awk '{
			m = $5
			gsub(/\\040/, " ", m); gsub(/\\011/, "\t", m); gsub(/\\012/, "\n", m); gsub(/\\134/, "\\", m)
			if (m == ENVIRON["D"] || index(m, ENVIRON["D"] "/") == 1) found = 1
		} END { exit !found }' /proc/self/mountinfo || die bare "something is mounted under $dir: not removing it"
		rm -rf --one-file-system "$dir"
		;;
	esac
	;;
esac
