#!/usr/bin/env bats
# Export and mail: the stack as git commits on a reproducible base commit,
# one directory of mails per mail series, and the way back into patches/.
# Real inputs: the pinned tarball, the repo's series, patches and cover
# letters (copied wherever a test changes them). Nothing is sent.

load helpers

setup_file() {
	export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
	export QUILTRC=$REPO/scripts/pipeline/quiltrc
	export MAIL=$BATS_FILE_TMPDIR/mail
	"$REPO/scripts/mail/export-series.sh" --out "$MAIL" >"$BATS_FILE_TMPDIR/export.log" 2>&1 ||
		{ cat "$BATS_FILE_TMPDIR/export.log" >&3; return 1; }
}

setup() {
	read -r EXPORT_REPO BASE < <("$REPO/scripts/mail/export-base.sh")
	. "$REPO/project.conf"
	export GIT_COMMITTER_NAME=$PROJECT_NAME GIT_COMMITTER_EMAIL=$PROJECT_EMAIL
}

teardown() {
	# The refs of the v2 test live under their own prefix: drop them.
	git -C "$EXPORT_REPO" for-each-ref --format='%(refname)' refs/heads/xe-stack-test refs/tags/xe-stack-test |
		while read -r r; do git -C "$EXPORT_REPO" update-ref -d "$r"; done
	git -C "$EXPORT_REPO" config --get-regexp '^branch\.xe-stack-test/' | awk '{ print $1 }' |
		while read -r k; do git -C "$EXPORT_REPO" config --unset "$k"; done
	true
}

# The mail series of a series file, in order; the patches of one.
mail_names() { stack_info ${1:+"$1"} mails; }
mail_count() { mail_patches "$@" | wc -l; }
# The patches of other series that mail series NAME carries first.
mail_with() { stack_info ${2:+"$2"} with "$1"; }
# version NAME [COVERS]: the newest version of NAME's cover letter.
version() {
	find "${2:-$REPO/cover-letters}" -maxdepth 1 -name "$1-v*.txt" -printf '%f\n' |
		sed -n "s/^$1-v\([0-9]*\)\.txt$/\1/p" | sort -n | tail -n 1
}
# header FILE NAME: a mail header, continuation lines joined.
header() { "$REPO/scripts/lib/mail-headers.py" get "$1" "$2"; }

@test "every mail series: a cover letter and its patches, [PATCH vN k/M], base-commit, what it carries from other series" {
	for n in $(mail_names); do
		w=$(mail_with "$n" | wc -l)
		m=$(($(mail_count "$n") + w))
		v=$(version "$n")
		d=$MAIL/$n-v$v
		[ "$m" -gt 0 ]
		[ "$(find "$d" -mindepth 1 -maxdepth 1 | wc -l)" -eq $((m + 1)) ]
		[ -f "$d/v$v-0000-cover-letter.patch" ]
		for k in $(seq 0 "$m"); do
			f=$(ls "$d"/v"$v"-"$(printf %04d "$k")"-*.patch)
			subject=$(header "$f" Subject)
			echo "$n $k: $subject"
			[[ $subject == "[PATCH v$v $k/$m] "* ]]
		done
		cover=$d/v$v-0000-cover-letter.patch
		[ "$(header "$cover" Subject)" = "[PATCH v$v 0/$m] $(sed -n 1p "$REPO/cover-letters/$n-v$v.txt")" ]
		grep -qxF "$(sed -n 3p "$REPO/cover-letters/$n-v$v.txt")" "$cover"
		grep -qx "base-commit: $BASE" "$cover"
		# Alone on the base: nothing to name as a prerequisite.
		run ! grep -q '^prerequisite-patch-id: ' "$cover"
		# The patches it carries come first, and the cover letter says
		# where each one is from.
		k=0
		for p in $(mail_with "$n"); do
			k=$((k + 1))
			f=$(ls "$d"/v"$v"-"$(printf %04d "$k")"-*.patch)
			[[ $(header "$f" Subject) == *"] $(header "$REPO/patches/$p" Subject | sed 's/^\[PATCH\] //')" ]]
			# Its place in the series that owns it.
			for o in $(mail_names); do
				i=$(mail_patches "$o" | grep -nxF "$p" | cut -d: -f1)
				[ -n "$i" ] || continue
				ow=$(mail_with "$o" | wc -l)
				at="$((ow + i))/$((ow + $(mail_count "$o")))"
				subject=$(sed -n 1p "$REPO/cover-letters/$o-v$(version "$o").txt")
				grep -qxF "  $k/$m is patch $at of \"$subject\" v$(version "$o")" "$cover"
				awk '/^---$/ { on = 1; next } on' "$f" | sed -n '1,/^$/p' | tr '\n' ' ' |
					grep -qF "Carried unchanged from v$(version "$o") of \"$subject\", where it is patch $at, so that"
			done
		done
		if ((w == 0)); then
			run ! grep -q 'unchanged from another series' "$cover"
		fi
	done
	# The stack of this repo: 1, 6 and 2 patches; the last carries 1.
	[ "$(mail_count pagemap-nothp) $(mail_count autoreset) $(mail_count purgeable-query)" = "1 6 2" ]
	[ "$(mail_with purgeable-query | wc -l)" -eq 1 ]
}

@test "To and Cc from get_maintainer.pl on every patch, intel-xe on every xe patch, the cover letter gets the union" {
	for d in "$MAIL"/*-v*; do
		all=
		for f in "$d"/v*-000[1-9]-*.patch "$d"/v*-00[1-9][0-9]-*.patch; do
			[ -f "$f" ] || continue
			to=$(header "$f" To)
			cc=$(header "$f" Cc)
			echo "$f: To $to / Cc $cc"
			[ -n "$to" ]
			[ -n "$cc" ]
			if grep -q '^diff --git a/\(drivers/gpu/drm/xe/\|include/uapi/drm/xe_drm.h\)' "$f"; then
				[[ "$to, $cc" == *intel-xe@lists.freedesktop.org* ]]
			fi
			while IFS= read -r a; do
				[[ $to == *"$a"* ]]
			done < <(cd "$EXPORT_REPO" && perl scripts/get_maintainer.pl --no-git --no-git-fallback \
				--no-rolestats --no-fixes --nol "$f")
			all+="$to, $cc, "
		done
		cover=$(ls "$d"/v*-0000-cover-letter.patch)
		rcpt="$(header "$cover" To), $(header "$cover" Cc)"
		tr ',' '\n' <<<"$all" | sed 's/^ *//' | grep . | sort -u | while IFS= read -r a; do
			[[ $rcpt == *"$a"* ]] || { echo "cover of $d lacks $a"; false; }
		done
	done
}

@test "each mail series applies to the base alone with git am; all of them give the tree quilt push -a gives" {
	t=$BATS_TEST_TMPDIR
	git clone -q --shared --no-checkout "$EXPORT_REPO" "$t/am"
	# Each series alone, as a maintainer applies it: its export branch.
	for n in $(mail_names); do
		v=$(version "$n")
		git -C "$t/am" checkout -q -f --detach "$BASE"
		mails=("$MAIL/$n-v$v/v$v"-*.patch)
		git -C "$t/am" am -q "${mails[@]:1}"
		[ "$(git -C "$t/am" rev-parse 'HEAD^{tree}')" = "$(git -C "$EXPORT_REPO" rev-parse "$SERIES_NAME/$n^{tree}")" ]
	done
	# All of them in order, each patch once: what a series carries from
	# another is there already.
	git -C "$t/am" checkout -q -f --detach "$BASE"
	for n in $(mail_names); do
		v=$(version "$n")
		w=$(mail_with "$n" | wc -l)
		mails=("$MAIL/$n-v$v/v$v"-*.patch)
		git -C "$t/am" am -q "${mails[@]:$((w + 1))}"
	done
	tree_am=$(git -C "$t/am" rev-parse 'HEAD^{tree}')
	[ "$(git -C "$t/am" rev-list --count "$BASE..HEAD")" -eq "$(series_patches | wc -l)" ]
	# The export branch is that tree too.
	[ "$(git -C "$EXPORT_REPO" rev-parse "$SERIES_NAME/stack^{tree}")" = "$tree_am" ]

	"$REPO/scripts/pipeline/prepare-tree.sh" "$t/quilt"
	(cd "$t/quilt" && quilt push -a -q)
	# Hash the quilt tree into the same object store: every file (-f, no
	# .gitignore), without quilt's and the scripts' own files.
	tree_q=$(cd "$t/quilt" && export GIT_DIR=$t/am/.git GIT_WORK_TREE=$t/quilt GIT_INDEX_FILE=$t/quilt.index &&
		git add -A -f -- . ':!.pc' ':!patches' ':!series' ':!.xe-stack-base' ':!.xe-stack-pristine' &&
		git write-tree)
	if [ "$tree_q" != "$tree_am" ]; then
		echo "the quilt tree (b side) differs from the mails' tree (a side):"
		git -C "$t/am" diff --stat "$tree_am" "$tree_q"
		echo "(a path only on the b side may be a stray file in the pristine tree, not in the tarball)"
		false
	fi
}

@test "a second export of an unchanged stack changes nothing" {
	snapshot() {
		(cd "$MAIL" && find . -type f -printf '%p %s %T@\n' | sort && find . -type f -exec sha256sum {} + | sort)
		git -C "$EXPORT_REPO" for-each-ref --format='%(refname) %(objectname)' "refs/heads/$SERIES_NAME" "refs/tags/$SERIES_NAME"
	}
	before=$(snapshot)
	run "$REPO/scripts/mail/export-series.sh" --out "$MAIL"
	[ "$status" -eq 0 ]
	[ "$(grep -c ': unchanged, ' <<<"$output")" -eq "$(mail_names | wc -l)" ]
	[ "$(snapshot)" = "$before" ]
	[ -z "$(find "$MAIL" -mindepth 1 -maxdepth 1 ! -regex '.*-v[0-9]*' -print -quit)" ]
}

@test "v2 of a series with one patch changed: [PATCH v2 k/M] and a range-diff against v1" {
	s=$BATS_TEST_TMPDIR/stack
	mkdir -p "$s"
	cp -r "$REPO/series" "$REPO/patches" "$REPO/cover-letters" "$s/"
	args=(--series "$s/series" --patches "$s/patches" --covers "$s/cover-letters" --refs xe-stack-test)
	"$REPO/scripts/mail/export-series.sh" "${args[@]}" --out "$s/mail"
	for n in $(mail_names "$s/series"); do
		cp -r "$s/mail/$n-v$(version "$n" "$s/cover-letters")" "$s/before-$n"
	done

	# The patch of pagemap-nothp, at v1, gains a line in its commit message.
	[ "$(version pagemap-nothp "$s/cover-letters")" -eq 1 ]
	[ "$(mail_count pagemap-nothp "$s/series")" -eq 1 ]
	p=$(mail_patches pagemap-nothp "$s/series")
	sed -i '0,/^Signed-off-by: /s//This line is new in v2.\n\n&/' "$s/patches/$p"
	grep -q '^This line is new in v2\.$' "$s/patches/$p"
	# A v2 cover letter without its changelog is refused, naming the file.
	cp "$s/cover-letters/pagemap-nothp-v1.txt" "$s/cover-letters/pagemap-nothp-v2.txt"
	run "$REPO/scripts/mail/export-series.sh" "${args[@]}" --out "$s/mail"
	[ "$status" -ne 0 ]
	[[ $output == *"[cover]"*"pagemap-nothp-v2.txt has no 'Changes in v2:' section"* ]]
	printf '\nChanges in v2:\n- one more line in the commit message\n' >>"$s/cover-letters/pagemap-nothp-v2.txt"
	"$REPO/scripts/mail/export-series.sh" "${args[@]}" --out "$s/mail"

	d=$s/mail/pagemap-nothp-v2
	[ "$(find "$d" -mindepth 1 -maxdepth 1 | wc -l)" -eq 2 ]
	[[ $(header "$(ls "$d"/v2-0000-*.patch)" Subject) == "[PATCH v2 0/1] "* ]]
	[[ $(header "$(ls "$d"/v2-0001-*.patch)" Subject) == "[PATCH v2 1/1] "* ]]
	cover=$d/v2-0000-cover-letter.patch
	grep -q '^Changes in v2:$' "$cover"
	grep -q '^Range-diff against v1:$' "$cover"
	sed -n '/^Range-diff against v1:$/,/^base-commit:/p' "$cover"
	[ "$(grep -cE '^[0-9]+: +[0-9a-f]+ ! ' "$cover")" -eq 1 ]
	grep -q '^1: .* ! 1: ' "$cover"
	grep -q '^    +    This line is new in v2\.$' "$cover"
	# The other series are unchanged, at their versions.
	for n in $(mail_names "$s/series"); do
		[ "$n" != pagemap-nothp ] || continue
		diff -r "$s/before-$n" "$s/mail/$n-v$(version "$n" "$s/cover-letters")"
	done
	[ -d "$s/mail/pagemap-nothp-v1" ]
}

@test "with no tag of the previous version (a fresh cache), the range-diff comes from its saved mails" {
	a=$(version autoreset)
	[ "$a" -ge 2 ]
	[ -f "$REPO/cover-letters/autoreset-v$((a - 1)).mbox" ]
	run "$REPO/scripts/mail/export-series.sh" --refs xe-stack-test --out "$BATS_TEST_TMPDIR/mail"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"autoreset v$((a - 1)) rebuilt from $REPO/cover-letters/autoreset-v$((a - 1)).mbox"* ]]
	q=$(version purgeable-query)
	[[ $output == *"purgeable-query v$((q - 1)) rebuilt from $REPO/cover-letters/purgeable-query-v$((q - 1)).mbox"* ]]
	grep -q "^Range-diff against v$((q - 1)):$" "$BATS_TEST_TMPDIR/mail/purgeable-query-v$q/v$q-0000-cover-letter.patch"
	cover=$BATS_TEST_TMPDIR/mail/autoreset-v$a/v$a-0000-cover-letter.patch
	grep -q "^Range-diff against v$((a - 1)):$" "$cover"
	# Every patch of the saved version is in it, matched or dropped.
	[ "$(grep -cE '^ *[0-9]+: +[0-9a-f]+ [<=!] ' "$cover")" -eq "$(grep -c '^From [0-9a-f]\{40\} ' "$REPO/cover-letters/autoreset-v$((a - 1)).mbox")" ]
	# The tags are there now: a second export does not rebuild it.
	run "$REPO/scripts/mail/export-series.sh" --refs xe-stack-test --out "$BATS_TEST_TMPDIR/mail"
	[ "$status" -eq 0 ]
	[[ $output != *"rebuilt from"* ]]
	grep -q "^Range-diff against v$((a - 1)):$" "$cover"
}

@test "a commit message line starting with 'From ' is refused, naming the mail and the line" {
	s=$BATS_TEST_TMPDIR/stack
	mkdir -p "$s"
	cp -r "$REPO/series" "$REPO/patches" "$REPO/cover-letters" "$s/"
	p=$(awk '/^# mail: pagemap-nothp/ { on = 1; next } on && /^[^#]/ && NF { print; exit }' "$s/series")
	sed -i '0,/^Signed-off-by: /s//From now on this line splits the mail.\n\n&/' "$s/patches/$p"
	run "$REPO/scripts/mail/export-series.sh" --series "$s/series" --patches "$s/patches" \
		--covers "$s/cover-letters" --refs xe-stack-test --out "$s/mail"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"[format-patch] mail series pagemap-nothp: v1-0001-"*" line "*": From now on this line splits the mail."* ]]
	[ ! -d "$s/mail/pagemap-nothp-v1" ]
}

@test "what a patch file says below its --- line is below the --- line of its mail" {
	found=0
	for n in $(mail_names); do
		v=$(version "$n")
		k=$(mail_with "$n" | wc -l)
		while read -r p; do
			k=$((k + 1))
			notes=$(awk '/^---$/ { on = 1; next } on && (/^ .*[|] / || /^diff /) { exit } on' "$REPO/patches/$p" | grep . || true)
			[ -n "$notes" ] || continue
			found=$((found + 1))
			f=$(ls "$MAIL/$n-v$v/v$v-$(printf %04d "$k")"-*.patch)
			echo "$n $k: $f"
			got=$(awk '/^---$/ { on = 1; next } on && (/^ .*[|] / || /^diff /) { exit } on' "$f" | grep . || true)
			[ "$got" = "$notes" ]
		done < <(mail_patches "$n")
	done
	# The repo's series has such notes, so that this test means something.
	[ "$found" -gt 0 ]
}

@test "importing the export back into patches/ rewrites no file" {
	cp -rp "$REPO/patches" "$BATS_TEST_TMPDIR/patches"
	touch "$BATS_TEST_TMPDIR/mark"
	sleep 1
	"$REPO/scripts/mail/import-series.sh" --patches "$BATS_TEST_TMPDIR/patches"
	diff -r "$REPO/patches" "$BATS_TEST_TMPDIR/patches"
	[ -z "$(find "$BATS_TEST_TMPDIR/patches" -type f -newer "$BATS_TEST_TMPDIR/mark")" ]
}

@test "a Reviewed-by from a reply to the mails lands in the patch file it answers" {
	v=$(version pagemap-nothp)
	d=$MAIL/pagemap-nothp-v$v
	f=$(ls "$d"/v"$v"-0001-*.patch)
	id=$(header "$f" Message-Id)
	{
		cat "$d"/*.patch
		printf 'From reviewer Mon Sep 17 00:00:00 2001\nFrom: Rita Reviewer <rita@example.org>\n'
		printf 'Date: Mon, 23 Nov 2026 10:00:00 +0000\nSubject: Re: %s\n' "$(header "$f" Subject)"
		printf 'Message-Id: <review-1@example.org>\nIn-Reply-To: %s\nReferences: %s\n\n' "$id" "$id"
		printf '> drm_pagemap.c computes the order\n\nLooks right.\n\nReviewed-by: Rita Reviewer <rita@example.org>\n'
	} >"$BATS_TEST_TMPDIR/thread.mbox"
	cp -r "$REPO/patches" "$BATS_TEST_TMPDIR/patches"
	"$REPO/scripts/mail/import-series.sh" --patches "$BATS_TEST_TMPDIR/patches" --trailers-mbox "$BATS_TEST_TMPDIR/thread.mbox"
	p=$(sed -n '/^# mail: pagemap-nothp/,/^# mail:/{/^[^#]/p}' "$REPO/series" | head -n 1)
	run diff -r "$REPO/patches" "$BATS_TEST_TMPDIR/patches"
	echo "$output"
	[ "$(grep -c '^diff ' <<<"$output")" -eq 1 ]
	[[ $output == *"$p"* ]]
	[ "$(grep -c '^> ' <<<"$output")" -eq 1 ]
	grep -A1 '^Reviewed-by: Rita Reviewer <rita@example.org>$' "$BATS_TEST_TMPDIR/patches/$p" |
		grep -q "^Signed-off-by: $PROJECT_NAME <$PROJECT_EMAIL>$"
}

@test "the MAINTAINERS table of MAINTAINERS-notes is what get_maintainer.pl says" {
	"$REPO/scripts/mail/maintainers-table.sh" >"$BATS_TEST_TMPDIR/table"
	sed -n '/^<!-- maintainers-table start -->$/,/^<!-- maintainers-table end -->$/p' \
		"$REPO/MAINTAINERS-notes/README.md" | sed '1d;$d' >"$BATS_TEST_TMPDIR/recorded"
	diff "$BATS_TEST_TMPDIR/recorded" "$BATS_TEST_TMPDIR/table"
	[ "$(grep -c '^| ' "$BATS_TEST_TMPDIR/table")" -eq $(($(series_patches | wc -l) + 2)) ]
}

@test "the base commit is the recorded one" {
	# That an import depends on the tarball alone is tested on a small
	# tarball (recovery.bats); this is the pinned one's id.
	run "$REPO/scripts/mail/export-base.sh" --verify
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "$EXPORT_REPO $BASE" ]
}

@test "KERNEL_DIR a git checkout: based on its HEAD, and nothing in it is written" {
	u=$BATS_TEST_TMPDIR/user
	# A user's checkout whose HEAD is the base (sparse: the xe driver only).
	git clone -q --shared --no-checkout "$EXPORT_REPO" "$u"
	git -C "$u" sparse-checkout set drivers/gpu/drm/xe
	git -C "$u" checkout -q -b mywork "$BASE"
	echo 'local change' >>"$u/drivers/gpu/drm/xe/Makefile"
	state() {
		git -C "$u" for-each-ref --format='%(refname) %(objectname)'
		git -C "$u" rev-parse HEAD
		git -C "$u" --no-optional-locks status --porcelain
		find "$u/.git" -printf '%p %s %T@\n' | sort
	}
	before=$(state)
	run env XE_STACK_CACHE="$BATS_TEST_TMPDIR/cache" KERNEL_DIR="$u" \
		"$REPO/scripts/mail/export-series.sh" --out "$BATS_TEST_TMPDIR/mail"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"has uncommitted changes"* ]]
	[ "$(state)" = "$before" ]
	for n in $(mail_names); do
		v=$(version "$n")
		grep -qx "base-commit: $BASE" "$BATS_TEST_TMPDIR/mail/$n-v$v/v$v-0000-cover-letter.patch"
		# The patches are those of the pinned export (the cover letter's
		# Message-Id they refer to differs: its text names the base).
		for f in "$MAIL/$n-v$v"/v*-000[1-9]-*.patch; do
			diff <(grep -Ev '^(In-Reply-To|References): ' "$f") \
				<(grep -Ev '^(In-Reply-To|References): ' "$BATS_TEST_TMPDIR/mail/$n-v$v/${f##*/}")
		done
	done
}

@test "--branch-only: one branch per mail series and the stack, no mail, no cover letter needed" {
	mkdir "$BATS_TEST_TMPDIR/no-covers"
	run "$REPO/scripts/mail/export-series.sh" --refs xe-stack-test --covers "$BATS_TEST_TMPDIR/no-covers" \
		--out "$BATS_TEST_TMPDIR/mail" --branch-only
	[ "$status" -eq 0 ]
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/mail")" ]
	# Each series alone on the base: what it carries, then its own.
	for n in $(mail_names); do
		c=$(($(mail_count "$n") + $(mail_with "$n" | wc -l)))
		[ "$(git -C "$EXPORT_REPO" rev-parse "xe-stack-test/$n~$c")" = "$BASE" ]
	done
	# The stack: every patch once, in order.
	stack=$(git -C "$EXPORT_REPO" rev-parse xe-stack-test/stack)
	[ "$(git -C "$EXPORT_REPO" rev-list --count "$BASE..$stack")" -eq "$(series_patches | wc -l)" ]
	[ "$(git -C "$EXPORT_REPO" rev-parse "$SERIES_NAME/stack")" = "$stack" ]
}

@test "git send-email --dry-run takes recipients, Message-Ids and threading from the files" {
	v=$(version autoreset)
	d=$MAIL/autoreset-v$v
	cover_id=$(header "$d/v$v-0000-cover-letter.patch" Message-Id)
	run git send-email --dry-run --no-thread --confirm=never --suppress-cc=self \
		--from="$PROJECT_NAME <$PROJECT_EMAIL>" "$d"/*.patch
	[ "$status" -eq 0 ]
	[ "$(grep -c '^Dry-OK' <<<"$output")" -eq "$(find "$d" -mindepth 1 -maxdepth 1 | wc -l)" ]
	for f in "$d"/*.patch; do
		grep -qxF "Message-Id: $(header "$f" Message-Id)" <<<"$output"
	done
	[ "$(grep -cxF "In-Reply-To: $cover_id" <<<"$output")" -eq "$(mail_count autoreset)" ]
	grep -qx 'RCPT TO:<intel-xe@lists.freedesktop.org>' <<<"$output"
	[ "$(grep -c "RCPT TO:<$PROJECT_EMAIL>" <<<"$output" || true)" -eq 0 ]
}

@test "a series file with a bad '# with:' line is refused before anything is exported, naming the line" {
	s=$BATS_TEST_TMPDIR/s
	mkdir -p "$s"
	first=$(mail_patches pagemap-nothp)
	last=$(series_patches | tail -n 1)
	bad() { # SED-SCRIPT WANT
		sed "$1" "$REPO/series" >"$s/series"
		run "$REPO/scripts/mail/export-series.sh" --series "$s/series" --refs xe-stack-test \
			--out "$s/mail" --branch-only
		echo "$output"
		[ "$status" -ne 0 ]
		[[ $output == *"[series] "*"$2"* ]]
		run ! git -C "$EXPORT_REPO" rev-parse -q --verify refs/heads/xe-stack-test/stack
	}
	bad "1i # with: $first" "'# with: $first' comes before any '# mail: NAME' line"
	bad "/^# mail: pagemap-nothp/a # with: $last" "mail series pagemap-nothp: '# with: $last' names no patch of a series before it"
	bad "\\|^$last|i # with: $last" "mail series purgeable-query: '# with: $last' names no patch of a series before it"
	bad "/^# mail: pagemap-nothp/,/^\$/{/^$first/a # with: $first
}" "mail series pagemap-nothp: '# with: $first' names one of its own patches"
	bad "/^# with: /p" "mail series purgeable-query: '# with: $(mail_with purgeable-query)' is there twice"
	bad "/^# with: /a $(mail_with purgeable-query)" "patch $(mail_with purgeable-query) is listed twice in $s/series (mail series autoreset and purgeable-query)"
}

@test "a mail series that does not apply to the base alone stops the export, naming the series and the patch" {
	s=$BATS_TEST_TMPDIR/s
	mkdir -p "$s"
	grep -v '^# with: ' "$REPO/series" >"$s/series"
	run "$REPO/scripts/mail/export-series.sh" --series "$s/series" --refs xe-stack-test --out "$s/mail" --branch-only
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"[apply] mail series purgeable-query does not apply to the base alone: git am failed on drm-xe-"*"Fill-purgeable-state-"* ]]
}
