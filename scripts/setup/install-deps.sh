#!/usr/bin/env bash
# Usage: install-deps.sh [--no-apt]
#
# Install what the pipeline needs on Debian 12: the build and test tools
# from apt, and sparse built from Debian sid's source package (bookworm's
# sparse is too old for 7.3) into $XE_STACK_CACHE/tools. Adds a deb-src
# entry for sid on the mirror apt already uses. Re-running is cheap.
# scripts/setup/check-tools.sh then checks that every tool works.
#
#   --no-apt    only build sparse (the apt packages are already there)
#   -h, --help  this text
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

PACKAGES=(
	bc bison flex cpio kmod rsync xz-utils zstd curl git make gcc
	libelf-dev libssl-dev dwarves python3 perl dpkg-dev
	quilt ccache patchutils qemu-system-x86 busybox-static
	# The xe-clang config (LLVM=$PIN_LLVM of pin.conf) and the
	# coccinelle stage; spatch compiles the kernel's OCaml-scripted
	# semantic patches with ocaml-nox's compiler.
	"clang$PIN_LLVM" "lld$PIN_LLVM" "llvm$PIN_LLVM" coccinelle ocaml-nox
	shellcheck bats parallel pyflakes3 b4 python3-yaml
	debhelper openssl libdw-dev lsb-release git-email
	# Debian's git-email only recommends the Perl modules git send-email
	# loads at run time: addresses (Mail::Address, Email::Valid), SMTP
	# authentication (Authen::SASL; Digest::HMAC for CRAM-MD5) and TLS
	# (IO::Socket::SSL; bookworm's Net::SMTP does SSL itself). With
	# --no-install-recommends they must be named here.
	libmailtools-perl libemail-valid-perl libauthen-sasl-perl
	libio-socket-ssl-perl libdigest-hmac-perl
	# Only recommended by gcc, git and dpkg-dev, and needed: C library
	# headers for the kernel's host programs, CA certificates for an https
	# mirror, and build-essential, which dpkg-checkbuilddeps demands in
	# bindeb-pkg (it also brings g++, for the UAPI headers' C++ test).
	libc6-dev ca-certificates build-essential
	# The tests: a bare Debian root (tests/deps.bats), and an SMTP server
	# with STARTTLS and AUTH for git send-email to talk to.
	debootstrap python3-aiosmtpd
)
# gitlab-ci-local (CI/job.sh lint, installed from npm on first use) runs on
# node; nodesource's nodejs ships its own npm and conflicts with Debian's.
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)
SID_SOURCES=/etc/apt/sources.list.d/xe-stack-sid-src.sources

as_root() {
	if ((EUID == 0)); then "$@"; else need sudo sudo; sudo "$@"; fi
}

install_apt() {
	log "installing ${#PACKAGES[@]} Debian packages"
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
}

install_sparse() {
	local dest="$CACHE_DIR/tools/sparse-$PIN_SPARSE_VERSION" mirror src
	if [[ -x $dest/sparse ]]; then
		log "sparse $PIN_SPARSE_VERSION already built: $dest/sparse"
		return
	fi
	if [[ ! -f $SID_SOURCES ]]; then
		mirror=$(apt_mirror)
		[[ -n $mirror ]] || die sparse "apt has no plain Debian suite configured; set XE_STACK_MIRROR"
		log "adding a deb-src entry for sid ($SID_SOURCES)"
		printf 'Types: deb-src\nURIs: %s\nSuites: sid\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
			"$mirror" | as_root tee "$SID_SOURCES" >/dev/null
		as_root apt-get update -qq
	fi
	src=$(mktemp -d "$CACHE_DIR/tools/.sparse.XXXXXX")
	(
		cd "$src"
		apt-get source -qq "sparse=$PIN_SPARSE_VERSION" >/dev/null 2>&1 || {
			log "sid no longer has sparse $PIN_SPARSE_VERSION; taking its current one"
			apt-get source -qq sparse >/dev/null
		}
		cd sparse-*/
		# Debian's patch names its own compiler (gcc-NN); use the system one.
		make -s -j"$JOBS" CC=gcc sparse >/dev/null
	) || die sparse "building sparse from sid's source package failed (in $src)"
	mkdir -p "$dest"
	cp "$src"/sparse-*/sparse "$dest/sparse"
	rm -rf "$src"
	log "sparse built: $dest/sparse ($("$dest/sparse" --version))"
}

case ${1:-} in
-h | --help) usage; exit 0 ;;
--no-apt) ;;
"") install_apt ;;
*) die usage "unknown argument '$1' (see --help)" ;;
esac
mkdir -p "$CACHE_DIR/tools"
install_sparse
