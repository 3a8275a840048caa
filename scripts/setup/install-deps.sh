#!/usr/bin/env bash
# Usage: install-deps.sh [--no-apt]
#
# Install what the pipeline needs on Debian 12: the build and test tools
# from apt, and sparse built from Debian sid's source package (bookworm's
# sparse is too old for 7.3) into $XE_STACK_CACHE/tools. sid's source
# package comes from the mirror apt already uses, through an apt
# configuration of its own in $XE_STACK_CACHE/apt (its sources list, its
# package lists): the system's apt sources and lists are left as they
# are. Re-running is cheap.
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
# What install-deps.sh added before it had an apt configuration of its
# own: it is not used any more.
OLD_SID_SOURCES=/etc/apt/sources.list.d/xe-stack-sid-src.sources

as_root() {
	if ((EUID == 0)); then "$@"; else need sudo sudo; sudo "$@"; fi
}

install_apt() {
	log "installing ${#PACKAGES[@]} Debian packages"
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
}

# sid_apt ARG...: apt-get with sid's deb-src entry alone, on the mirror
# apt uses, everything of it in $CACHE_DIR/apt: its own APT_CONFIG, which
# reads none of the system's apt.conf files (so no hook of the system's
# apt runs) but takes their transfer settings (apt-config dump), its own
# sources list, lists
# and cache. No root needed; nothing of the system's apt written.
sid_apt() {
	APT_CONFIG=$CACHE_DIR/apt/apt.conf apt-get "$@"
}

# sid_apt_setup MIRROR: write that configuration.
sid_apt_setup() {
	local a=$CACHE_DIR/apt
	mkdir -p "$a/apt.conf.d" "$a/sources.list.d" "$a/lists/partial" "$a/cache/archives/partial"
	: >"$a/main.conf"
	{
		# The system's transfer settings: proxies and timeouts, and whether
		# an old Release file is accepted (a snapshot mirror's is old).
		apt-config dump 2>/dev/null |
			grep -E '^Acquire::((http|https|ftp)::|(ForceIPv4|ForceIPv6|Retries|Check-Valid-Until|Check-Date|Max-ValidTime) )' || true
		printf 'Dir::Etc::Parts "%s";\n' "$a/apt.conf.d"
		printf 'Dir::Etc::main "%s";\n' "$a/main.conf"
		printf 'Dir::Etc::SourceList "%s";\n' "$a/sources.list"
		printf 'Dir::Etc::SourceParts "%s";\n' "$a/sources.list.d"
		printf 'Dir::State::Lists "%s";\n' "$a/lists"
		printf 'Dir::Cache "%s";\n' "$a/cache"
		printf 'Dir::Cache::pkgcache "";\nDir::Cache::srcpkgcache "";\n'
		# As root apt fetches as _apt, which cannot enter a cache in
		# root's home: root fetches itself, as apt does where _apt is
		# missing.
		((EUID)) || printf 'APT::Sandbox::User "root";\n'
	} >"$a/apt.conf.new"
	mv "$a/apt.conf.new" "$a/apt.conf"
	printf 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s sid main\n' "$1" >"$a/sources.list.new"
	mv "$a/sources.list.new" "$a/sources.list"
}

install_sparse() {
	local dest="$CACHE_DIR/tools/sparse-$PIN_SPARSE_VERSION" mirror src
	if [[ -x $dest/sparse ]]; then
		log "sparse $PIN_SPARSE_VERSION already built: $dest/sparse"
		return
	fi
	mirror=$(apt_mirror)
	[[ -n $mirror ]] || die sparse "apt has no plain Debian suite configured; set XE_STACK_MIRROR"
	cache_lock apt
	if [[ -x $dest/sparse ]]; then
		log "sparse $PIN_SPARSE_VERSION built meanwhile by another run: $dest/sparse"
		return
	fi
	sid_apt_setup "$mirror"
	log "reading sid's source package list into $CACHE_DIR/apt"
	sid_apt update -qq || die sparse "apt-get update of sid's deb-src entry ($CACHE_DIR/apt/sources.list) failed"
	src=$(mktemp -d "$CACHE_DIR/tools/.sparse.XXXXXX")
	(
		cd "$src"
		sid_apt source -qq "sparse=$PIN_SPARSE_VERSION" >/dev/null 2>&1 || {
			log "sid no longer has sparse $PIN_SPARSE_VERSION; taking its current one"
			sid_apt source -qq sparse >/dev/null
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

# An older install-deps.sh added a sid deb-src file to the system's apt:
# removed where it is exactly what that version wrote.
old_sid_sources() {
	[[ -f $OLD_SID_SOURCES ]] || return 0
	if ! grep -qvE '^(Types: deb-src|URIs: [^ ]+|Suites: sid|Components: main|Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg)$' "$OLD_SID_SOURCES" &&
		[[ $(wc -l <"$OLD_SID_SOURCES") -eq 5 ]] && ((EUID == 0)); then
		rm -f "$OLD_SID_SOURCES"
		log "removed $OLD_SID_SOURCES, which an older install-deps.sh added (apt's next update drops its lists)"
	else
		log "note: $OLD_SID_SOURCES is no longer used by install-deps.sh: remove it if nothing else uses it"
	fi
}

case ${1:-} in
-h | --help) usage; exit 0 ;;
--no-apt) apt=0 ;;
"") apt=1 ;;
*) die usage "unknown argument '$1' (see --help)" ;;
esac
old_sid_sources
((apt == 0)) || install_apt
mkdir -p "$CACHE_DIR/tools"
install_sparse
