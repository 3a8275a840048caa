#!/usr/bin/env bash
# Usage: check-tools.sh [--list]
#
# Check that every tool the scripts and tests call works on this machine:
# not only that it is on PATH, but that it runs the way the scripts use it
# (headers a host program includes, a Perl module git send-email loads at
# run time, qemu's firmware, ...). One line per tool, naming the Debian
# package that provides it; exits 1 if any tool fails.
# scripts/setup/install-deps.sh installs all of them.
#
#   --list      print the checks (package, tool, command) and run nothing
#   -h, --help  this text
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

# package|tool|smoke command (run by bash in an empty temporary folder,
# 60 s at most). The command proves the tool does its job here, not that
# the package is installed.
CHECKS=$(
	cat <<'EOF'
make|make|make --version
gcc|gcc|printf 'int main(void){return 0;}\n' >t.c && gcc -o t t.c && ./t
libc6-dev|C library headers (host programs)|printf '#include <stdio.h>\n#include <sys/mman.h>\nint main(void){return puts("");}\n' >t.c && gcc -o t t.c
libelf-dev|libelf (objtool, resolve_btfids)|printf '#include <gelf.h>\nint main(void){return elf_version(EV_CURRENT)==EV_NONE;}\n' >t.c && gcc -o t t.c -lelf && ./t
libdw-dev|libdw (bindeb-pkg debug info)|printf '#include <elfutils/libdw.h>\nint main(void){return 0;}\n' >t.c && gcc -o t t.c -ldw
libssl-dev|OpenSSL headers (sign-file, certs)|printf '#include <openssl/evp.h>\nint main(void){return !EVP_sha256();}\n' >t.c && gcc -o t t.c -lcrypto && ./t
bc|bc|[ "$(echo '2^10' | bc)" = 1024 ]
bison|bison|bison --version
flex|flex|flex --version
dwarves|pahole|pahole --version
cpio|cpio|echo t >t && echo t | cpio -o -H newc >x 2>/dev/null && [ -s x ]
kmod|depmod, modinfo|depmod --version && modinfo --version
rsync|rsync|mkdir a && echo t >a/f && rsync -a a/ b/ && [ -f b/f ]
xz-utils|xz|echo t | xz | xz -d >/dev/null
zstd|zstd|echo t | zstd -q | zstd -qd >/dev/null
curl|curl|echo t >f && [ "$(curl -fsS "file://$PWD/f")" = t ]
ca-certificates|CA certificates (https mirrors)|[ -s /etc/ssl/certs/ca-certificates.crt ]
openssl|openssl|openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=t -days 1 -keyout k -out c 2>/dev/null
git|git|git init -q r && git -C r -c user.name=t -c user.email=t@t commit -q --allow-empty -m t
git-email|git send-email|printf 'From: T <t@example.invalid>\nSubject: [PATCH] t\nMessage-Id: <t@example.invalid>\n\nt\n' >t.patch && git send-email --dry-run --confirm=never --no-validate --from='T <t@example.invalid>' --to=l@example.invalid t.patch | grep -q '^Dry-OK'
libmailtools-perl|Mail::Address (git send-email)|perl -MMail::Address -e1
libemail-valid-perl|Email::Valid (git send-email)|perl -MEmail::Valid -e1
libauthen-sasl-perl|Authen::SASL (git send-email SMTP AUTH)|perl -MAuthen::SASL -e1
libdigest-hmac-perl|Digest::HMAC_MD5 (SMTP AUTH CRAM-MD5)|perl -MDigest::HMAC_MD5 -e1
libio-socket-ssl-perl|IO::Socket::SSL (git send-email TLS)|perl -e 'use IO::Socket::SSL 1.951'
python3|python3|python3 -c 'import csv, json, statistics, xml.sax.saxutils'
python3-yaml|PyYAML (CI/lava/check-job.py), in Debian's python3|/usr/bin/python3 -c 'import yaml; yaml.safe_load("a: 1")'
perl|perl|perl -e 'use Getopt::Long; use File::Basename; exit 0'
dpkg-dev|dpkg-buildpackage|dpkg-architecture -qDEB_HOST_GNU_TYPE && dpkg-parsechangelog --version
build-essential|build dependencies of bindeb-pkg (dpkg-checkbuilddeps)|mkdir debian && printf 'Source: xe-smoke\nBuild-Depends: debhelper-compat (= 12)\nBuild-Depends-Arch: bc, bison, flex, gcc-x86-64-linux-gnu, kmod, libdw-dev:native, libelf-dev:native, libssl-dev:native, python3:native, rsync\n\nPackage: xe-smoke\nArchitecture: any\n' >debian/control && dpkg-checkbuilddeps
g++|C++ compiler (the UAPI headers' C++ test)|echo 'int x;' | g++ -x c++ -fsyntax-only -
debhelper|dh (bindeb-pkg)|mkdir debian && printf 'Source: xe-smoke\n\nPackage: xe-smoke\nArchitecture: all\n' >debian/control && [ "$(dh_listpackages)" = xe-smoke ]
quilt|quilt|quilt --version
diffstat|diffstat (quilt refresh)|printf -- '--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n' | diffstat | grep -q '1 file changed'
patchutils|lsdiff|printf -- '--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n' | lsdiff | grep -qx a/f
ccache|ccache|ccache --version
clang-19|clang, for the xe-clang config (LLVM=-19)|echo 'int f(int c) { int v; if (c) v = 1; return v; }' >t.c && clang-19 -c -Wsometimes-uninitialized t.c 2>&1 | grep -q sometimes-uninitialized
lld-19|ld.lld-19 (LLVM=-19)|ld.lld-19 --version
llvm-19|llvm-ar-19, llvm-nm-19, llvm-objcopy-19 (LLVM=-19)|llvm-ar-19 --version && llvm-nm-19 --version && llvm-objcopy-19 --version
coccinelle|spatch (the coccinelle stage)|printf '@@\nexpression e;\n@@\n- e\n+ e\n' >t.cocci && echo 'int f(void) { return 0; }' >t.c && spatch --very-quiet --sp-file t.cocci t.c >/dev/null
ocaml-nox|OCaml for spatch's OCaml scripts (null/badzero.cocci)|printf '@r@\nexpression e;\nposition p;\n@@\nreturn e@p;\n@script:ocaml@\np << r.p;\n@@\nignore p; print_string "ocaml-ok"\n' >t.cocci && echo 'int f(void) { return 0; }' >t.c && spatch --very-quiet --sp-file t.cocci t.c 2>&1 | grep -q ocaml-ok
qemu-system-x86|qemu-system-x86_64, its BIOS and option ROMs|echo quit | timeout 20 qemu-system-x86_64 -M pc -accel tcg -m 64 -display none -serial none -S -monitor stdio >/dev/null
busybox-static|static busybox (guest initramfs)|ldd /bin/busybox 2>&1 | grep -q "not a dynamic" && busybox --list | grep -qx modprobe
b4|b4|b4 --version
lsb-release|lsb_release|lsb_release -is
nodejs|node (gitlab-ci-local)|node -e 'process.exit(0)'
npm|npm|npm --version
shellcheck|shellcheck (tests)|printf '#!/bin/sh\necho t\n' >t.sh && shellcheck t.sh
bats|bats (tests)|bats --version
parallel|GNU parallel (bats --jobs: the fast tests side by side)|parallel --version | grep -q '^GNU parallel'
pyflakes3|pyflakes3 (make lint)|printf 'import os\n' >t.py && ! pyflakes3 t.py >/dev/null
debootstrap|debootstrap (tests)|debootstrap --version
python3-aiosmtpd|aiosmtpd (tests, with Debian's python3)|/usr/bin/python3 -c 'import aiosmtpd.controller, aiosmtpd.smtp'
util-linux|flock, unshare|flock --version && unshare --version
sparse|sparse built by install-deps.sh|printf 'static __typeof_unqual__(const int) x;\nint f(void) { return x; }\n' >t.c && s=${XE_STACK_SPARSE:-$XE_STACK_CACHE/tools/sparse-$PIN_SPARSE_VERSION/sparse} && "$s" t.c >o 2>&1 && ! grep -q 'error:' o
EOF
)

if [[ ${1:-} == -h || ${1:-} == --help ]]; then
	usage
	exit 0
fi
if [[ ${1:-} == --list ]]; then
	printf '%s\n' "$CHECKS"
	exit 0
fi
[[ -z ${1:-} ]] || die usage "unknown argument '$1' (see --help)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
while IFS='|' read -r pkg tool cmd; do
	mkdir "$tmp/w" && cd "$tmp/w"
	if out=$(HOME=$tmp/w XE_STACK_CACHE=$CACHE_DIR PIN_SPARSE_VERSION=$PIN_SPARSE_VERSION \
		XE_STACK_SPARSE=${XE_STACK_SPARSE:-} \
		timeout 60 bash -c "$cmd" 2>&1 </dev/null); then
		printf 'ok    %-22s %s\n' "$pkg" "$tool"
	else
		printf 'FAIL  %-22s %s\n' "$pkg" "$tool"
		printf '      $ %s\n' "$cmd"
		[[ -z $out ]] || printf '%s\n' "$out" | tail -n 3 | sed 's/^/      | /'
		failed=$((failed + 1))
	fi
	cd / && rm -rf "$tmp/w"
done <<<"$CHECKS"
if ((failed)); then
	die tools "$failed tool(s) above do not work: install their Debian packages (scripts/setup/install-deps.sh)"
fi
log "every tool works"
