#!/usr/bin/env bats
# UAPI compatibility of the stack: struct drm_xe_mem_range_attr keeps the
# size and every 7.3 offset (tests/uapi/abi_check.c, whose numbers must also
# hold for the pristine 7.3 header), headers_install stays clean, and the
# kernel's own header test passes for xe_drm.h.

load helpers

setup_file() {
	export QUILTRC=$REPO/scripts/pipeline/quiltrc
	export PRISTINE TREE=$BATS_FILE_TMPDIR/linux H=$BATS_FILE_TMPDIR/hdr
	PRISTINE=$("$REPO/scripts/pipeline/fetch-kernel.sh")
	"$REPO/scripts/pipeline/prepare-tree.sh" "$TREE"
	(cd "$TREE" && quilt push -a -q)
	make -s -C "$PRISTINE" O="$H/pristine-build" ARCH=x86_64 \
		INSTALL_HDR_PATH="$H/pristine" headers_install
	make -s -C "$TREE" O="$H/patched-build" ARCH=x86_64 \
		INSTALL_HDR_PATH="$H/patched" headers_install
}

abi_check() { # HEADER_ROOT [CFLAG...]
	local root=$1
	shift
	cc -std=c11 -Wall -Werror "$@" -I "$root/include" -o "$BATS_TEST_TMPDIR/abi" \
		"$REPO/tests/uapi/abi_check.c" && "$BATS_TEST_TMPDIR/abi"
}

@test "the 7.3 numbers in abi_check.c are the pristine header's" {
	abi_check "$H/pristine"
}

@test "the stack keeps struct drm_xe_mem_range_attr's size and offsets" {
	abi_check "$H/patched"
	grep -q 'DRM_XE_QUERY_CONFIG_FLAG_HAS_MEM_RANGE_PURGEABLE_STATE' "$H/patched/include/drm/xe_drm.h"
	# 32-bit userspace sees the same layout.
	if printf '#include <stdio.h>\n' | cc -m32 -fsyntax-only -x c - 2>/dev/null; then
		abi_check "$H/patched" -m32
	fi
}

@test "a moved field fails the check" {
	cp -r "$H/patched" "$BATS_TEST_TMPDIR/moved"
	h=$BATS_TEST_TMPDIR/moved/include/drm/xe_drm.h
	# Swap the 7.3 pat_index and atomic members of drm_xe_mem_range_attr.
	python3 - "$h" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
i = s.index("struct drm_xe_mem_range_attr {")
j = s.index("\n};", i)
body = s[i:j]
body2 = body.replace("__u64 start;", "__u64 TMP_START;").replace("__u64 end;", "__u64 start;").replace("__u64 TMP_START;", "__u64 end;\n\t__u64 pad_moved;")
assert body2 != body
open(p, "w").write(s[:i] + body2 + s[j:])
PY
	run abi_check "$BATS_TEST_TMPDIR/moved"
	[ "$status" -ne 0 ]
	[[ $output == *"changed from 64"* || $output == *"moved from offset"* ]]
}

@test "the kernel's UAPI header test passes for xe_drm.h" {
	b=$BATS_FILE_TMPDIR/hdrtest
	mkdir -p "$b"
	printf 'CONFIG_UAPI_HEADER_TEST=y\nCONFIG_HEADERS_INSTALL=y\n' >"$b/frag.config"
	(cd "$TREE" && KCONFIG_ALLCONFIG="$b/frag.config" make -s O="$b" ARCH=x86_64 allnoconfig)
	grep -q '^CONFIG_UAPI_HEADER_TEST=y' "$b/.config"
	# The header test is built as part of usr/ (every exported header,
	# compiled alone as C and C++, plus headers_check.pl).
	run make -C "$TREE" O="$b" ARCH=x86_64 -j"$(nproc)" usr/
	echo "$output" | grep -E 'xe_drm|rror|arning' || true
	[ "$status" -eq 0 ]
	[[ $output == *"HDRTEST usr/include/drm/xe_drm.h"* ]]
	run ! grep -E 'xe_drm\.h.*(error|warning)' <<<"$output"
}
