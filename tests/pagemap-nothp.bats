#!/usr/bin/env bats
# The stack's first patch, proven: without huge page leaves the pinned
# drm_pagemap.c fails to build (BUILD_BUG from HPAGE_PMD_ORDER); with the
# patch it builds. Only drm_pagemap.o is built, in config xe-svm-nothp.

load helpers

setup_file() {
	export QUILTRC=$REPO/scripts/pipeline/quiltrc
	export TREE=$BATS_FILE_TMPDIR/linux BUILD=$CACHE/build/xe-svm-nothp
	"$REPO/scripts/pipeline/prepare-tree.sh" "$TREE"
	"$REPO/scripts/pipeline/make-config.sh" "$TREE" "$BUILD" xe-svm-nothp
	grep -q '^# CONFIG_TRANSPARENT_HUGEPAGE is not set$' "$BUILD/.config"
	grep -q '^CONFIG_ZONE_DEVICE=y$' "$BUILD/.config"
}

build_pagemap() {
	run make -C "$TREE" O="$BUILD" ARCH=x86_64 -j"$(nproc)" CC="ccache gcc" \
		drivers/gpu/drm/drm_pagemap.o
}

@test "pristine 7.3: drm_pagemap.o fails with BUILD_BUG" {
	build_pagemap
	[ "$status" -ne 0 ]
	[[ $output == *"drm_pagemap.c"*"BUILD_BUG failed"* ]]
}

@test "with the fix: drm_pagemap.o builds" {
	fix=$(grep -m1 '^drm-pagemap-' "$REPO/series")
	(cd "$TREE" && quilt push "$fix")
	build_pagemap
	[ "$status" -eq 0 ]
	[ -f "$BUILD/drivers/gpu/drm/drm_pagemap.o" ]
}
