#!/usr/bin/env bats
# The stack with plain quilt on a prepared copy of the pinned tree: the
# repo's series and patches are used in place, the pristine tree is never
# written, and unrefreshed work is never thrown away.

load helpers

setup() {
	export QUILTRC=$REPO/scripts/pipeline/quiltrc
	# One tree for the file: preparing it again is incremental.
	TREE=$BATS_FILE_TMPDIR/linux
	PRISTINE=$("$REPO/scripts/pipeline/fetch-kernel.sh")
	# A private copy of the fixture, so refresh can write to it.
	cp -r "$FIXTURES/clean" "$BATS_TEST_TMPDIR/stack"
	STACK=$BATS_TEST_TMPDIR/stack
}

@test "push -a, pop -a and refresh work on the repo's own files" {
	"$REPO/scripts/pipeline/prepare-tree.sh" "$TREE" "$STACK/series" "$STACK"
	[ "$(readlink "$TREE/patches")" = "$STACK" ]
	cd "$TREE"
	quilt push -a
	[ "$(quilt applied | wc -l)" -eq 3 ]
	grep -q 'range fence tree to insert into$' drivers/gpu/drm/xe/xe_range_fence.c
	# Edit the top patch and refresh: the repo's patch file changes, keeps
	# its mail header and stays in git format.
	top=$(quilt top)
	sed -i 's/removed and freed/removed, then freed/' drivers/gpu/drm/xe/xe_range_fence.c
	quilt refresh
	grep -q '^+ \* @fence: dma fence which signals that the range fence can be removed, then freed$' "$STACK/$top"
	grep -q '^Subject: ' "$STACK/$top"
	grep -q '^Signed-off-by: ' "$STACK/$top"
	# quilt writes plain unified diffs (no 'diff --git' lines): a/ b/ paths
	# and the diffstat keep it a mail that git am applies.
	grep -q '^+++ b/drivers/gpu/drm/xe/xe_range_fence.c' "$STACK/$top"
	grep -q '^ drivers/gpu/drm/xe/xe_range_fence.c | ' "$STACK/$top"
	quilt pop -a
	cmp drivers/gpu/drm/xe/xe_range_fence.c "$PRISTINE/drivers/gpu/drm/xe/xe_range_fence.c"
}

@test "quilt new/add make a new patch in the repo's patch directory" {
	"$REPO/scripts/pipeline/prepare-tree.sh" "$TREE" "$STACK/series" "$STACK"
	cd "$TREE"
	quilt push -a
	quilt new drm-xe-extra.patch
	quilt add drivers/gpu/drm/xe/xe_range_fence.h
	echo '/* extra */' >>drivers/gpu/drm/xe/xe_range_fence.h
	quilt refresh
	[ -f "$STACK/drm-xe-extra.patch" ]
	[ "$(tail -n1 "$STACK/series")" = drm-xe-extra.patch ]
}

@test "the pristine tree is never written and refuses to be a destination" {
	before=$(find "$PRISTINE" -newer "$PRISTINE/.xe-stack-pristine" | wc -l)
	"$REPO/scripts/pipeline/prepare-tree.sh" "$TREE" "$STACK/series" "$STACK"
	(cd "$TREE" && quilt push -a && quilt pop -a)
	[ "$(find "$PRISTINE" -newer "$PRISTINE/.xe-stack-pristine" | wc -l)" -eq "$before" ]
	run "$REPO/scripts/pipeline/prepare-tree.sh" "$PRISTINE" "$STACK/series" "$STACK"
	[ "$status" -eq 2 ]
	[[ $output == *"[usage] DEST $PRISTINE "* ]]
}

@test "preparing again keeps unrefreshed changes unless forced" {
	"$REPO/scripts/pipeline/prepare-tree.sh" "$TREE" "$STACK/series" "$STACK"
	(cd "$TREE" && quilt push -a && echo '/* unsaved */' >>drivers/gpu/drm/xe/xe_range_fence.c)
	run "$REPO/scripts/pipeline/prepare-tree.sh" "$TREE" "$STACK/series" "$STACK"
	[ "$status" -eq 1 ]
	[[ $output == *"not yet refreshed"* ]]
	grep -q 'unsaved' "$TREE/drivers/gpu/drm/xe/xe_range_fence.c"
	"$REPO/scripts/pipeline/prepare-tree.sh" --force "$TREE" "$STACK/series" "$STACK"
	cmp "$TREE/drivers/gpu/drm/xe/xe_range_fence.c" "$PRISTINE/drivers/gpu/drm/xe/xe_range_fence.c"
	[ ! -d "$TREE/.pc" ]
}

@test "a user's own kernel tree is copied, reported unverified and left alone" {
	own=$BATS_TEST_TMPDIR/own
	mkdir -p "$own"
	cp -r "$PRISTINE/." "$own/"
	chmod -R u+w "$own"
	(cd "$own" && git init -q && git add -f Makefile && git -c user.name=t -c user.email=t@t commit -qm base)
	KERNEL_DIR=$own "$REPO/scripts/pipeline/prepare-tree.sh" "$TREE" "$STACK/series" "$STACK"
	grep -q '^base: unverified ' "$TREE/.xe-stack-base"
	(cd "$TREE" && quilt push -a)
	[ -z "$(cd "$own" && git status --porcelain --untracked-files=no)" ]
	grep -q 'insert intoi$' "$own/drivers/gpu/drm/xe/xe_range_fence.c"
}
