#!/usr/bin/env bash
# make TARGET in the fake tree (O=, C=, CHECK= as kbuild takes them).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${O:-$src}
xe=drivers/gpu/drm/xe


compile() {
	local f rel n msg rc=0
	for f in "$src/$xe"/*.c; do
		rel=${f#"$src"/}
		echo "  CC      ${rel%.c}.o"
		# W=1: kbuild runs $(PYTHON3) kernel-doc on each file it compiles.
		[[ ${W:-} != *1* ]] || echo "  KDOC    $rel (${PYTHON3:-python3})"
		while IFS=$'\t' read -r n msg; do
			echo "$f:$n:5: warning: $msg [-Wfake]" >&2
		done < <(fake-marks warning "$f")
		while IFS=$'\t' read -r n msg; do
			echo "$f:$n:5: error: $msg" >&2
			rc=1
		done < <(fake-marks error "$f")
		# clang's own warnings; on 32 bits, an undefined __udivdi3.
		if [[ ${CC:-} == *clang* ]]; then
			while IFS=$'\t' read -r n msg; do
				echo "$f:$n:5: warning: $msg [-Wfake-clang]" >&2
			done < <(fake-marks clang "$f")
		fi
		if [[ ${ARCH:-} == i386 && -n $(fake-marks udivdi3 "$f") ]]; then
			echo "ERROR: modpost: $xe/xe.ko: symbol '__udivdi3' undefined!" >&2
			rc=1
		fi
		if [[ ${C:-} == 1 ]]; then
			echo "  CHECK   $rel"
			"$CHECK" "$f"
		fi
	done
	((rc == 0)) || { echo "make[4]: *** [$src/scripts/Makefile.build:295: ${rel%.c}.o] Error 1" >&2; exit 2; }
}

case $1 in
bzImage)
	[[ -f $build/.config ]] || { echo "fake: no .config in $build" >&2; exit 2; }
	compile
	mkdir -p "$build/arch/x86/boot"
	cat "$src/$xe"/*.c | grep -o 'fake: \(boot-[a-z]*\|kunit-fail [A-Za-z0-9_]*\)' \
		>"$build/arch/x86/boot/bzImage" || true
	;;
modules)
	mkdir -p "$build/$xe"
	echo fake >"$build/$xe/xe.ko"
	# shellcheck disable=SC2016 # $(CURDIR) is make's
	printf 'modules_install:\n\t@O=$(CURDIR) %s/scripts/fake-build.sh modules_install\n' "$src" >"$build/Makefile"
	;;
modules_install)
	mkdir -p "$INSTALL_MOD_PATH/lib/modules/7.3.4-fake/kernel/$xe"
	cp "$build/$xe/xe.ko" "$INSTALL_MOD_PATH/lib/modules/7.3.4-fake/kernel/$xe/"
	;;
*/)
	[[ ${C:-} == 2 ]] || { echo "fake: $1 without C=2" >&2; exit 2; }
	for f in "$src/$1"*.c "$src/$1"*/*.c "$src/$1"*/*/*.c; do
		[[ ! -f $f ]] || "$CHECK" "$f"
	done
	;;
olddefconfig) ;;
*) echo "fake: no rule to make target '$1'" >&2; exit 2 ;;
esac
