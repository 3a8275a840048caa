#!/usr/bin/env bats
# Export and mail: the stack as git commits on a reproducible base commit,
# one directory of mails per mail series, and the way back into patches/.
# Real inputs: the pinned tarball, the repo's series, patches and cover
# letters (copied wherever a test changes them). Nothing is sent.

load helpers

setup_file() {
	# The sender: a git identity, as a contributor has one.
	export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=$BATS_FILE_TMPDIR/gitconfig
	printf '[user]\n\tname = Tess Tester\n\temail = tess@example.org\n' >"$GIT_CONFIG_GLOBAL"
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
	git -C "$EXPORT_REPO" config --name-only --get-regexp '^branch\.xe-stack-test/' | sort -u |
		while read -r k; do git -C "$EXPORT_REPO" config --unset-all "$k"; done
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
SENDER="Tess Tester <tess@example.org>"
# mailf DIR V K: mail K (0: the cover letter) of version V in DIR; the
# files of a first version carry no "v1-".
mailf() {
	local p=
	(($2 == 1)) || p=v$2-
	ls "$1/$p$(printf %04d "$3")"-*.patch
}
# vmark V: what the subjects say of version V: nothing for v1.
vmark() { (($1 == 1)) || printf 'v%s ' "$1"; }
# no_ids DIR: the mails under DIR without the headers that hold
# Message-Ids.
no_ids() {
	(cd "$1" && find . -name '*.patch' | sort | while read -r f; do
		echo "== $f"
		grep -Eiv '^(Message-Id|In-Reply-To|References): ' "$f"
	done)
}

@test "every mail series: a cover letter and its patches, [PATCH k/M] or [PATCH vN k/M], base-commit, change-id, what it carries from other series" {
	for n in $(mail_names); do
		w=$(mail_with "$n" | wc -l)
		m=$(($(mail_count "$n") + w))
		v=$(version "$n")
		d=$MAIL/$n-v$v
		[ "$m" -gt 0 ]
		[ "$(find "$d" -mindepth 1 -maxdepth 1 -name '*.patch' | wc -l)" -eq $((m + 1)) ]
		# Besides the mails, only the record of what the export wrote.
		[ "$(find "$d" -mindepth 1 -maxdepth 1 ! -name '*.patch')" = "$d/.xe-stack-mails" ]
		for k in $(seq 0 "$m"); do
			f=$(mailf "$d" "$v" "$k")
			subject=$(header "$f" Subject)
			echo "$n $k: $subject"
			[[ $subject == "[PATCH $(vmark "$v")$k/$m] "* ]]
		done
		cover=$(mailf "$d" "$v" 0)
		[[ $cover == */*0000-cover-letter.patch ]]
		[ "$(header "$cover" Subject)" = "[PATCH $(vmark "$v")0/$m] $(sed -n 1p "$REPO/cover-letters/$n-v$v.txt")" ]
		grep -qxF "$(sed -n 3p "$REPO/cover-letters/$n-v$v.txt")" "$cover"
		# The base says what it is: a Debian tarball, in no public tree.
		. "$REPO/pin.conf"
		tr '\n' ' ' <"$cover" | grep -qF "Based on Linux 7.3.4 as Debian's $PIN_PACKAGE $PIN_VERSION ships it, Debian's patches included. The base-commit is a git import of that tarball: the same on every machine, but in no public tree."
		# b4's footer: the base, then the series' change-id.
		[ "$(grep -A1 -x "base-commit: $BASE" "$cover" | tail -n 1)" = "change-id: $(cat "$REPO/cover-letters/$n.change-id")" ]
		# From v2 on, a link to the previous version as posted.
		if ((v > 1)); then
			grep -q "^- Link to v$((v - 1)): https://lore.kernel.org/r/[^ ]*@" "$cover"
		fi
		# Alone on the base: nothing to name as a prerequisite.
		run ! grep -q '^prerequisite-patch-id: ' "$cover"
		# The patches it carries come first, and the cover letter says
		# where each one is from.
		k=0
		for p in $(mail_with "$n"); do
			k=$((k + 1))
			f=$(mailf "$d" "$v" "$k")
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
	# The stack of this repo: 1, 6 and 2 patches; the last carries 1. The
	# first is at v1.
	[ "$(mail_count pagemap-nothp) $(mail_count autoreset) $(mail_count purgeable-query)" = "1 6 2" ]
	[ "$(mail_with purgeable-query | wc -l)" -eq 1 ]
	[ "$(version pagemap-nothp)" -eq 1 ]
	[ "$(header "$(mailf "$MAIL/pagemap-nothp-v1" 1 1)" Subject)" = "[PATCH 1/1] $(header "$REPO/patches/$(mail_patches pagemap-nothp)" Subject | sed 's/^\[PATCH\] //')" ]
	# The autoreset series credits the design it builds on, posted before.
	a=$(version autoreset)
	tr '\n' ' ' <"$(mailf "$MAIL/autoreset-v$a" "$a" 0)" |
		grep -q 'The design is that of an earlier series, posted to dri-devel .* https://www.mail-archive.com/dri-devel@lists.freedesktop.org/msg610977.html.* That design is reused here; no code is.'
}

@test "the sender's git identity is From: and Signed-off-by: of the mails; other authors and trailers stay; the patch files keep the project's" {
	for f in "$MAIL"/*/*.patch; do
		[ "$(header "$f" From)" = "$SENDER" ]
		[[ $f == *0000-cover-letter.patch ]] && continue
		[ "$(grep '^Signed-off-by: ' "$f" | tail -n 1)" = "Signed-off-by: $SENDER" ]
	done
	run grep -rlF "$PROJECT_EMAIL" "$MAIL"
	[ "$status" -eq 1 ]
	for p in $(series_patches); do
		grep -qxF "Signed-off-by: $PROJECT_NAME <$PROJECT_EMAIL>" "$REPO/patches/$p"
	done

	# A patch that someone else wrote and signed keeps its author (a From:
	# line in the body) and trailers, and gains the sender's sign-off.
	s=$BATS_TEST_TMPDIR/stack
	mkdir -p "$s"
	cp -r "$REPO/series" "$REPO/patches" "$REPO/cover-letters" "$s/"
	p=$s/patches/$(mail_patches pagemap-nothp)
	ola="Ola Other <ola@example.org>"
	sed -i -e '2,/^Subject: /{/^From: /,/^Date: /{/^Date: /!d}}' -e "/^Date: /i From: $ola" \
		-e "s/^Signed-off-by: .*/Reported-by: Rita Reporter <rita@example.org>\nSigned-off-by: $ola/" "$p"
	[ "$(header "$p" From)" = "$ola" ]
	"$REPO/scripts/mail/export-series.sh" --series "$s/series" --patches "$s/patches" \
		--covers "$s/cover-letters" --refs xe-stack-test --out "$s/mail"
	f=$(mailf "$s/mail/pagemap-nothp-v1" 1 1)
	[ "$(header "$f" From)" = "$SENDER" ]
	[ "$(sed -n '/^$/,$p' "$f" | sed -n 2p)" = "From: $ola" ]
	[ "$(grep -E '^[A-Za-z-]+-by: ' "$f")" = "Reported-by: Rita Reporter <rita@example.org>
Signed-off-by: $ola
Signed-off-by: $SENDER" ]
	# git am of the mail makes Ola the author.
	git clone -q --shared --no-checkout "$EXPORT_REPO" "$s/am"
	git -C "$s/am" checkout -q -f --detach "$BASE"
	git -C "$s/am" am -q "$f"
	[ "$(git -C "$s/am" log -1 --format='%an <%ae>')" = "$ola" ]
}

@test "no mail is written as the placeholder identity unless asked, nor without a git identity" {
	# The repo's own git config would give an identity.
	[ -z "$(git -C "$REPO" config --local user.email)" ] || skip "the repo's .git/config sets user.email"
	o=$BATS_TEST_TMPDIR/mail
	run env GIT_CONFIG_GLOBAL=/dev/null "$REPO/scripts/mail/export-series.sh" --refs xe-stack-test --out "$o"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"[identity] no git identity: a Signed-off-by certifies the DCO for a real person; set yours with git config user.name and user.email"* ]]
	[ ! -e "$o" ]
	printf '[user]\n\tname = %s\n\temail = %s\n' "$PROJECT_NAME" "$PROJECT_EMAIL" >"$BATS_TEST_TMPDIR/gitconfig"
	run env GIT_CONFIG_GLOBAL="$BATS_TEST_TMPDIR/gitconfig" "$REPO/scripts/mail/export-series.sh" --refs xe-stack-test --out "$o"
	[ "$status" -eq 1 ]
	[[ $output == *"[identity] $PROJECT_NAME <$PROJECT_EMAIL> is the placeholder of project.conf"* ]]
	[ ! -e "$o" ]
	printf '[user]\n\tname = Tess Tester\n' >"$BATS_TEST_TMPDIR/gitconfig"
	run env GIT_CONFIG_GLOBAL="$BATS_TEST_TMPDIR/gitconfig" "$REPO/scripts/mail/export-series.sh" --refs xe-stack-test --out "$o"
	[ "$status" -eq 1 ]
	[[ $output == *"[identity] git config has user.name 'Tess Tester' and user.email '': set both"* ]]
	# Asked for (tests): the placeholder signs.
	run env GIT_CONFIG_GLOBAL=/dev/null "$REPO/scripts/mail/export-series.sh" --refs xe-stack-test --out "$o" --allow-placeholder
	[ "$status" -eq 0 ]
	f=$(mailf "$o/pagemap-nothp-v1" 1 1)
	[ "$(header "$f" From)" = "$PROJECT_NAME <$PROJECT_EMAIL>" ]
	grep -qxF "Signed-off-by: $PROJECT_NAME <$PROJECT_EMAIL>" "$f"
	# Branches need no identity.
	run env GIT_CONFIG_GLOBAL=/dev/null "$REPO/scripts/mail/export-series.sh" --refs xe-stack-test --branch-only
	[ "$status" -eq 0 ]
}

@test "To and Cc from get_maintainer.pl on every patch, intel-xe on every xe patch, the cover letter gets the union" {
	for d in "$MAIL"/*-v*; do
		all=
		for f in "$d"/*.patch; do
			[[ $f != *0000-cover-letter.patch ]] || continue
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
		cover=$(ls "$d"/*0000-cover-letter.patch)
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
		mails=("$MAIL/$n-v$v"/*.patch)
		git -C "$t/am" am -q "${mails[@]:1}"
		[ "$(git -C "$t/am" rev-parse 'HEAD^{tree}')" = "$(git -C "$EXPORT_REPO" rev-parse "$SERIES_NAME/$n^{tree}")" ]
	done
	# All of them in order, each patch once: what a series carries from
	# another is there already.
	git -C "$t/am" checkout -q -f --detach "$BASE"
	for n in $(mail_names); do
		v=$(version "$n")
		w=$(mail_with "$n" | wc -l)
		mails=("$MAIL/$n-v$v"/*.patch)
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

@test "every export is a new mailing: new unique Message-Ids, each patch answering its cover letter, nothing else changed" {
	ids() { for f in "$MAIL"/*/*.patch; do header "$f" Message-Id; done; }
	before=$(no_ids "$MAIL")
	before_ids=$(ids)
	run "$REPO/scripts/mail/export-series.sh" --out "$MAIL"
	[ "$status" -eq 0 ]
	[ "$(grep -c ', the same as before but for the Message-Ids, ' <<<"$output")" -eq "$(mail_names | wc -l)" ]
	[ "$(no_ids "$MAIL")" = "$before" ]
	after_ids=$(ids)
	# One per mail, none seen before; in the sender's domain.
	[ "$(wc -l <<<"$after_ids")" -eq "$(find "$MAIL" -name '*.patch' | wc -l)" ]
	[ -z "$(printf '%s\n%s\n' "$before_ids" "$after_ids" | sort | uniq -d)" ]
	run grep -v '^<[^ <>]*@example\.org>$' <<<"$after_ids"
	[ "$status" -eq 1 ]
	# Threading: the cover letter starts the thread, every patch answers it.
	for d in "$MAIL"/*-v*; do
		c=$(ls "$d"/*0000-cover-letter.patch)
		[ -z "$(header "$c" In-Reply-To)$(header "$c" References)" ]
		for f in "$d"/*.patch; do
			[ "$f" != "$c" ] || continue
			[ "$(header "$f" In-Reply-To)" = "$(header "$c" Message-Id)" ]
			[ "$(header "$f" References)" = "$(header "$c" Message-Id)" ]
		done
	done
	[ -z "$(find "$MAIL" -mindepth 1 -maxdepth 1 ! -regex '.*-v[0-9]*' -print -quit)" ]
	# A file no export wrote, or a mail edited since, in a mail directory,
	# stops the next export before it writes anything; the file stays.
	echo mine >"$MAIL/pagemap-nothp-v1/sent.txt"
	run "$REPO/scripts/mail/export-series.sh" --out "$MAIL"
	[ "$status" -eq 1 ]
	[[ $output == *"[mail] $MAIL/pagemap-nothp-v1 holds $MAIL/pagemap-nothp-v1/sent.txt, which no export writes"* ]]
	[ "$(ids)" = "$after_ids" ]
	[ "$(cat "$MAIL/pagemap-nothp-v1/sent.txt")" = mine ]
	rm "$MAIL/pagemap-nothp-v1/sent.txt"
	a=$(version autoreset)
	c=$(mailf "$MAIL/autoreset-v$a" "$a" 0)
	cp "$c" "$BATS_TEST_TMPDIR/cover"
	echo 'A line of my own.' >>"$c"
	run "$REPO/scripts/mail/export-series.sh" --out "$MAIL"
	[ "$status" -eq 1 ]
	[[ $output == *"[mail] $c changed since the export wrote it: move it away"* ]]
	[ "$(ids)" = "$after_ids" ]
	[ "$(tail -n 1 "$c")" = 'A line of my own.' ]
	cp "$BATS_TEST_TMPDIR/cover" "$c"
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
	# Nor one without the link to v1 as posted (b4's form).
	run "$REPO/scripts/mail/export-series.sh" "${args[@]}" --out "$s/mail"
	[ "$status" -ne 0 ]
	[[ $output == *"[cover]"*"pagemap-nothp-v2.txt has no line 'Link to v1: https://lore.kernel.org/r/MSGID'"* ]]
	v1=$(header "$s/before-pagemap-nothp/0000-cover-letter.patch" Message-Id)
	printf -- '- Link to v1: https://lore.kernel.org/r/%s\n' "${v1:1:-1}" >>"$s/cover-letters/pagemap-nothp-v2.txt"
	"$REPO/scripts/mail/export-series.sh" "${args[@]}" --out "$s/mail"

	d=$s/mail/pagemap-nothp-v2
	[ "$(find "$d" -mindepth 1 -maxdepth 1 -name '*.patch' | wc -l)" -eq 2 ]
	[[ $(header "$(ls "$d"/v2-0000-*.patch)" Subject) == "[PATCH v2 0/1] "* ]]
	[[ $(header "$(ls "$d"/v2-0001-*.patch)" Subject) == "[PATCH v2 1/1] "* ]]
	cover=$d/v2-0000-cover-letter.patch
	grep -q '^Changes in v2:$' "$cover"
	grep -q '^Range-diff against v1:$' "$cover"
	sed -n '/^Range-diff against v1:$/,/^base-commit:/p' "$cover"
	[ "$(grep -cE '^[0-9]+: +[0-9a-f]+ ! ' "$cover")" -eq 1 ]
	grep -q '^1: .* ! 1: ' "$cover"
	grep -q '^    +    This line is new in v2\.$' "$cover"
	grep -qxF -- "- Link to v1: https://lore.kernel.org/r/${v1:1:-1}" "$cover"
	# The change-id is the one of v1.
	grep -qxF "change-id: $(cat "$s/cover-letters/pagemap-nothp.change-id")" "$cover"
	grep -qxF "change-id: $(cat "$s/cover-letters/pagemap-nothp.change-id")" "$s/before-pagemap-nothp/0000-cover-letter.patch"
	# The other series are unchanged, at their versions, but for the ids.
	for n in $(mail_names "$s/series"); do
		[ "$n" != pagemap-nothp ] || continue
		diff <(no_ids "$s/before-$n") <(no_ids "$s/mail/$n-v$(version "$n" "$s/cover-letters")")
	done
	[ -d "$s/mail/pagemap-nothp-v1" ]
}

@test "with no tag of the previous version, the range-diff comes from its posted thread, found by the Message-Id of the Link line" {
	a=$(version autoreset)
	[ "$a" -ge 2 ]
	mbox=$REPO/cover-letters/autoreset-v$((a - 1)).mbox
	[ -f "$mbox" ]
	run "$REPO/scripts/mail/export-series.sh" --refs xe-stack-test --out "$BATS_TEST_TMPDIR/mail"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"autoreset v$((a - 1)) rebuilt from $mbox"* ]]
	q=$(version purgeable-query)
	[[ $output == *"purgeable-query v$((q - 1)) rebuilt from $REPO/cover-letters/purgeable-query-v$((q - 1)).mbox"* ]]
	grep -q "^Range-diff against v$((q - 1)):$" "$(mailf "$BATS_TEST_TMPDIR/mail/purgeable-query-v$q" "$q" 0)"
	cover=$(mailf "$BATS_TEST_TMPDIR/mail/autoreset-v$a" "$a" 0)
	grep -q "^Range-diff against v$((a - 1)):$" "$cover"
	# Every patch of the posted version is in it, matched or dropped; the
	# thread's cover letter is no patch.
	posted=$(grep -cE '^Subject: \[PATCH ([^]]* )?[1-9][0-9]*/[0-9]+\]' "$mbox")
	[ "$posted" -gt 0 ]
	grep -q '^Subject: \[PATCH \(v[0-9]* \)\{0,1\}0/' "$mbox"
	[ "$(grep -cE '^ *[0-9]+: +[0-9a-f]+ [<=!] ' "$cover")" -eq "$posted" ]
	# The tags are there now: a second export does not rebuild it.
	run "$REPO/scripts/mail/export-series.sh" --refs xe-stack-test --out "$BATS_TEST_TMPDIR/mail"
	[ "$status" -eq 0 ]
	[[ $output != *"rebuilt from"* ]]
	grep -q "^Range-diff against v$((a - 1)):$" "$cover"

	# A Link to a message the saved thread does not hold is refused.
	git -C "$EXPORT_REPO" tag -d "xe-stack-test/autoreset-v$((a - 1))" >/dev/null
	cp -r "$REPO/cover-letters" "$BATS_TEST_TMPDIR/covers"
	sed -i "s|^- Link to v$((a - 1)): https://lore.kernel.org/r/.*|- Link to v$((a - 1)): https://lore.kernel.org/r/nosuch@example.org|" \
		"$BATS_TEST_TMPDIR/covers/autoreset-v$a.txt"
	run "$REPO/scripts/mail/export-series.sh" --refs xe-stack-test --out "$BATS_TEST_TMPDIR/mail" --covers "$BATS_TEST_TMPDIR/covers"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"[cover] $BATS_TEST_TMPDIR/covers/autoreset-v$a.txt links v$((a - 1)) as <nosuch@example.org>, which is not a message of $BATS_TEST_TMPDIR/covers/autoreset-v$((a - 1)).mbox"* ]]

	# Without the saved thread, b4 fetches it by the Link's Message-Id (a
	# b4 whose `mbox` answers from a copy of the thread, as lore would).
	# The Link as copied from lore's thread view, its @ percent-encoded.
	link=$(sed -n "s|^- Link to v$((a - 1)): https://lore.kernel.org/r/||p" "$REPO/cover-letters/autoreset-v$a.txt")
	sed "s|^- Link to v$((a - 1)): .*|- Link to v$((a - 1)): https://lore.kernel.org/intel-xe/${link/@/%40}/T/#u|" \
		"$REPO/cover-letters/autoreset-v$a.txt" >"$BATS_TEST_TMPDIR/covers/autoreset-v$a.txt"
	mv "$BATS_TEST_TMPDIR/covers/autoreset-v$((a - 1)).mbox" "$BATS_TEST_TMPDIR/lore.mbox"
	mkdir "$BATS_TEST_TMPDIR/bin"
	cat >"$BATS_TEST_TMPDIR/bin/b4" <<EOF
#!/bin/bash
args=("\$@") o= n= sub=
while ((\$#)); do
	case \$1 in
	mbox | am | trailers) sub=\$1 ;;
	-o) o=\$2; shift ;;
	-n) [[ \$sub != mbox ]] || { n=\$2; shift; } ;;
	esac
	shift
done
[[ \$sub == mbox ]] || exec $(command -v b4) "\${args[@]}"
echo "\${args[-1]}" >>"$BATS_TEST_TMPDIR/fetched"
cp "$BATS_TEST_TMPDIR/lore.mbox" "\$o/\$n"
EOF
	chmod +x "$BATS_TEST_TMPDIR/bin/b4"
	run env PATH="$BATS_TEST_TMPDIR/bin:$PATH" "$REPO/scripts/mail/export-series.sh" --refs xe-stack-test \
		--out "$BATS_TEST_TMPDIR/mail2" --covers "$BATS_TEST_TMPDIR/covers"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/fetched")" = "$link" ]
	[[ $output == *"autoreset v$((a - 1)) rebuilt from the thread of <$link>"* ]]
	grep -q "^Range-diff against v$((a - 1)):$" "$(mailf "$BATS_TEST_TMPDIR/mail2/autoreset-v$a" "$a" 0)"
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
	[[ $output == *"[format-patch] mail series pagemap-nothp: 0001-"*" line "*": From now on this line splits the mail."* ]]
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
			f=$(mailf "$MAIL/$n-v$v" "$v" "$k")
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
	f=$(mailf "$d" "$v" 1)
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

@test "KERNEL_DIR a git checkout, fresh cache: base-commit is its HEAD, the range-diff comes from the saved thread, nothing in it is written" {
	u=$BATS_TEST_TMPDIR/user
	# A user's checkout (sparse: the xe driver only) whose HEAD is a commit
	# on top of the base, as a drm-tip checkout is a public commit; without
	# the tags of the export repository.
	git clone -q --shared --no-checkout --no-tags "$EXPORT_REPO" "$u"
	[ -z "$(git -C "$u" tag -l)" ]
	git -C "$u" sparse-checkout set drivers/gpu/drm/xe
	git -C "$u" checkout -q -b mywork "$BASE"
	git -C "$u" commit -q --allow-empty -m "drm-tip: 2026y-12m-05d-08h-00m-00s UTC integration manifest"
	head=$(git -C "$u" rev-parse HEAD)
	[ "$head" != "$BASE" ]
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
	log=$output
	[[ $log == *"has uncommitted changes"* ]]
	[[ $log != *"in no public tree"* ]]
	[ "$(state)" = "$before" ]
	for n in $(mail_names); do
		v=$(version "$n")
		cover=$(mailf "$BATS_TEST_TMPDIR/mail/$n-v$v" "$v" 0)
		grep -qx "base-commit: $head" "$cover"
		grep -q '^Based on Linux 7\.3\.4 (' "$cover"
		run grep -q "Debian" "$cover"
		[ "$status" -eq 1 ]
		# A new cache has no tag of v(N-1): it comes from the saved thread.
		if ((v > 1)); then
			[[ $log == *"$n v$((v - 1)) rebuilt from $REPO/cover-letters/$n-v$((v - 1)).mbox"* ]]
			grep -q "^Range-diff against v$((v - 1)):$" "$cover"
		fi
		# The patches are those of the pinned export but for their commit
		# ids and Message-Ids.
		for k in $(seq "$(($(mail_count "$n") + $(mail_with "$n" | wc -l)))"); do
			f=$(mailf "$MAIL/$n-v$v" "$v" "$k")
			diff <(sed 1d "$f" | grep -Eiv '^(Message-Id|In-Reply-To|References): ') \
				<(sed 1d "$BATS_TEST_TMPDIR/mail/$n-v$v/${f##*/}" | grep -Eiv '^(Message-Id|In-Reply-To|References): ')
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
	cover_id=$(header "$(mailf "$d" "$v" 0)" Message-Id)
	run git send-email --dry-run --no-thread --confirm=never --suppress-cc=self \
		--from="$SENDER" "$d"/*.patch
	[ "$status" -eq 0 ]
	[ "$(grep -c '^Dry-OK' <<<"$output")" -eq "$(find "$d" -mindepth 1 -maxdepth 1 -name '*.patch' | wc -l)" ]
	for f in "$d"/*.patch; do
		grep -qxF "Message-Id: $(header "$f" Message-Id)" <<<"$output"
	done
	[ "$(grep -cxF "In-Reply-To: $cover_id" <<<"$output")" -eq "$(mail_count autoreset)" ]
	grep -qx 'RCPT TO:<intel-xe@lists.freedesktop.org>' <<<"$output"
	[ "$(grep -c "RCPT TO:<$PROJECT_EMAIL>\|RCPT TO:<tess@example.org>" <<<"$output" || true)" -eq 0 ]
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
