#!/usr/bin/env bats
# Mutation testing (scripts/triage/mutate.sh): mutants of a patch through the
# real pipeline, killed at a stage or surviving.

load helpers

setup() {
	muts=$REPO/tests/data/mutations-clean
	args=(--series "$FIXTURES/clean/series" --patches "$FIXTURES/clean")
}

@test "mutate: a mutation that is not exactly one added line is refused before anything runs" {
	d=$BATS_TEST_TMPDIR
	mkdir "$d/m"
	p=drm-xe-Fix-a-typo-in-the-xe_range_fence_insert-kernel-doc
	# The removed line, not an added one.
	printf 'id: removed-line\nfile: drivers/gpu/drm/xe/xe_range_fence.c\nline:  * @tree: range fence tree to insert intoi\nmutant: x\n' >"$d/m/$p.mut"
	run "$REPO/scripts/triage/mutate.sh" "${args[@]}" --mutations "$d/m" --out "$d/out"
	[ "$status" -eq 2 ]
	[[ $output == *"$d/m/$p.mut:1: removed-line: patch $p.patch does not add exactly one line"* ]]
	[ ! -e "$d/out" ]
	# The right line in another file.
	printf 'id: other-file\nfile: drivers/gpu/drm/xe/xe_vm.c\nline:  * @tree: range fence tree to insert into\nmutant: x\n' >"$d/m/$p.mut"
	run "$REPO/scripts/triage/mutate.sh" "${args[@]}" --mutations "$d/m" --list
	[ "$status" -eq 2 ]
	[[ $output == *"other-file: patch $p.patch does not add exactly one line"*"to drivers/gpu/drm/xe/xe_vm.c"* ]]
	# A .mut file for a patch the series does not have, and a block without its line.
	rm "$d/m/$p.mut"
	printf 'id: a\nfile: f\nline: l\nmutant: m\n' >"$d/m/no-such-patch.mut"
	run "$REPO/scripts/triage/mutate.sh" "${args[@]}" --mutations "$d/m" --list
	[ "$status" -eq 2 ]
	[[ $output == *"no-such-patch.mut: no patch no-such-patch.patch in"* ]]
	rm "$d/m/no-such-patch.mut"
	printf 'id: a\nfile: f\nmutant: m\n' >"$d/m/$p.mut"
	run "$REPO/scripts/triage/mutate.sh" "${args[@]}" --mutations "$d/m" --list
	[ "$status" -eq 2 ]
	[[ $output == *"$p.mut:1: a block needs id, file, line and mutant"* ]]
	# The first occurrence of a line added once is that line; a second is not.
	printf 'id: first\nfile: drivers/gpu/drm/xe/xe_range_fence.c\nline:  * @tree: range fence tree to insert into\nmutant: x\noccurrence: 1\nwhy: w\n' >"$d/m/$p.mut"
	run "$REPO/scripts/triage/mutate.sh" "${args[@]}" --mutations "$d/m" --list
	[ "$status" -eq 0 ]
	[[ ${lines[1]} == *"first"*"drivers/gpu/drm/xe/xe_range_fence.c	w" ]]
	sed -i 's/^occurrence: 1$/occurrence: 2/' "$d/m/$p.mut"
	run "$REPO/scripts/triage/mutate.sh" "${args[@]}" --mutations "$d/m" --list
	[ "$status" -eq 2 ]
	[[ $output == *"first: patch $p.patch does not add exactly one line"*"(occurrence 2)"* ]]
	run "$REPO/scripts/triage/mutate.sh" "${args[@]}" --mutations "$muts" --list
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
}

@test "mutate: lines with a backslash or added twice are named exactly; context lines are not added lines" {
	d=$BATS_TEST_TMPDIR
	mkdir "$d/p" "$d/m"
	cat >"$d/p/x.patch" <<'PATCH'
Subject: [PATCH] x

---
--- a/drivers/gpu/drm/xe/xe_x.c
+++ b/drivers/gpu/drm/xe/xe_x.c
@@ -1,2 +1,4 @@
 	pr_info("ctx\n");
+	pr_info("twice\n");
+	pr_info("twice\n");
 }
PATCH
	echo x.patch >"$d/p/series"
	set_mut() { printf 'id: m\nfile: drivers/gpu/drm/xe/xe_x.c\nline: \t%s\nmutant: x\n%b' "$1" "${2:-}" >"$d/m/x.mut"; }
	set_mut 'pr_info("twice\n");'
	run "$REPO/scripts/triage/mutate.sh" --series "$d/p/series" --patches "$d/p" --mutations "$d/m" --list
	[ "$status" -eq 2 ]
	[[ $output == *"does not add exactly one line"* ]]
	set_mut 'pr_info("twice\n");' 'occurrence: 2\n'
	run "$REPO/scripts/triage/mutate.sh" --series "$d/p/series" --patches "$d/p" --mutations "$d/m" --list
	[ "$status" -eq 0 ]
	set_mut 'pr_info("twice\n");' 'occurrence: 3\n'
	run "$REPO/scripts/triage/mutate.sh" --series "$d/p/series" --patches "$d/p" --mutations "$d/m" --list
	[ "$status" -eq 2 ]
	set_mut 'pr_info("ctx\n");'
	run "$REPO/scripts/triage/mutate.sh" --series "$d/p/series" --patches "$d/p" --mutations "$d/m" --list
	[ "$status" -eq 2 ]
}

@test "mutate: each mutant is killed at the stage that catches it, or listed as a survivor" {
	fresh_run mutate
	run "$REPO/scripts/triage/mutate.sh" "${args[@]}" --mutations "$muts" --out "$RUNS/mutate" \
		--configs xe-i386 --no-boot
	printf '%s\n' "$output"
	# 1 of 2 killed: under the 90 % asked for by default.
	[ "$status" -eq 1 ]
	# The series itself passed first.
	grep -q 'Patch_applied' "$RUNS/mutate/original/report.md"
	grep -qP '^param-renamed\t.*\tkernel-doc\t' "$RUNS/mutate/mutants.tsv"
	grep -qP '^wording\t.*\tsurvived\t' "$RUNS/mutate/mutants.tsv"
	grep -q 'mutants: 2, killed: 1, survived: 1, errors: 0, kill ratio: 50%' "$RUNS/mutate/summary.txt"
	grep -q 'wording (.*: a change of wording, harmless by design)' "$RUNS/mutate/summary.txt"
	# The mutant, not the patch, was checked, and only its patch.
	grep -q '^+ \* @tre: range fence' "$RUNS/mutate/runs/param-renamed/patches/drm-xe-Fix-a-typo-in-the-xe_range_fence_insert-kernel-doc.patch"
	grep -q '^+ \* @tree: range fence tree to insert into$' "$FIXTURES/clean/drm-xe-Fix-a-typo-in-the-xe_range_fence_insert-kernel-doc.patch"
	[ -z "$(awk -F'\t' '$1 == "02"' "$RUNS/mutate/runs/wording/check/results.tsv")" ]
	run "$REPO/scripts/triage/mutate.sh" "${args[@]}" --mutations "$muts" --out "$RUNS/mutate" \
		--configs xe-i386 --no-boot --min-ratio 100 param-renamed
	[ "$status" -eq 0 ]
	grep -q 'mutants: 1, killed: 1' "$RUNS/mutate/summary.txt"
}

@test "the series' own mutations each name one line their patch adds; each xe patch that adds xe code has some" {
	run "$REPO/scripts/triage/mutate.sh" --list
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(($(grep -c . <<<"$output") - 1))" -eq "$(cat "$REPO"/tests/mutations/*.mut | grep -c '^id:')" ]
	# Every patch of mail series autoreset and purgeable-query that adds a
	# line to a .c file of xe.
	while read -r p; do
		if awk '/^\+\+\+ b\/drivers\/gpu\/drm\/xe\/[^ ]*\.c$/ && !/\/tests\// { f = 1; next } /^\+\+\+ / { f = 0 } f && /^\+[^+]/ { found = 1 } END { exit !found }' "$REPO/patches/$p"; then
			echo "$p"
			[ -f "$REPO/tests/mutations/${p%.patch}.mut" ]
		fi
	done < <(mail_patches autoreset; mail_patches purgeable-query)
}
