#!/usr/bin/env bash
# Usage: export-series.sh [--out DIR] [--series FILE] [--patches DIR]
#                         [--covers DIR] [--refs PREFIX] [--branch-only]
#                         [--allow-placeholder]
#
# Export the stack as git commits on top of the base commit
# (export-base.sh) and write each mail series of `series` (the lines
# "# mail: NAME") as mails, ready for `git send-email`, to
# DIR/NAME-vN/ (default out/mail/). Nothing is sent: the command that
# would send them is printed.
#
# In the export repository (printed by export-base.sh) the patches are
# applied with `git am` (committer: project.conf, committer date = author
# date, so the same stack always gives the same commit ids). Branches:
# PREFIX/stack holds the whole stack on the base; PREFIX/NAME holds mail
# series NAME alone on the base, as a maintainer applies its mails: the
# patches of its "# with: PATCH" lines (patches of a series before it
# that it needs), then its own. A series that does not apply to the base
# that way is an error. PREFIX defaults to SERIES_NAME of project.conf.
#
# The sender is the git identity (`git config user.name` and
# `user.email`, as b4 and `git format-patch -s` take it): From: of every
# mail, and the Signed-off-by: that certifies the DCO. Branch
# PREFIX/NAME+mail holds series NAME as mailed: the patches that the
# project identity of project.conf (a placeholder) authored and signed
# are the sender's; any other author and trailer is kept (format-patch
# then puts the author's From: line in the body), and the sender's
# Signed-off-by: ends every patch. Without a git identity, or with the
# placeholder's, no mail is written unless --allow-placeholder is given.
#
# What a patch file holds between its "---" line and the diffstat (the
# changes between versions, which git am drops) is put back below the
# "---" line of its mail.
#
# Each mail series is `git format-patch --cover-letter --thread
# --base=BASE` of its branch, `-v N` from version 2 on: "[PATCH k/M]",
# then "[PATCH vN k/M]". N is the highest cover-letters/NAME-vN.txt;
# that file gives the cover letter: first line the subject, a blank line,
# then the body (for N > 1 with a "Changes in vN:" section and a line
# "Link to v(N-1): URL", URL ending in the Message-Id of the cover letter
# of v(N-1) as posted, https://lore.kernel.org/r/MSGID). The export adds
# which patches come from which other series and why, and after the
# base-commit: line the series' b4 change-id: (COVERS/NAME.change-id,
# one line made once per series, kept across versions).
#
# The cover letter of vN ends with the `git range-diff` against v(N-1):
# against the tags PREFIX/NAME-v(N-1) and PREFIX/NAME-v(N-1)-base that
# every export of a version makes; where they do not exist (a fresh
# cache), v(N-1) is rebuilt from its posted thread, found by the
# Message-Id of its Link line with `b4 am`: in COVERS/NAME-v(N-1).mbox
# (the thread as posted, `b4 mbox` of it) when it exists, else fetched
# by b4 (thread-mbox.sh). It is applied to the base, or where NAME starts
# in the stack.
#
# To and Cc of every patch come from the base's
# scripts/get_maintainer.pl, as b4 does it: To the maintainers and
# reviewers (--nol), Cc the lists (--nom), plus intel-xe in Cc. The cover
# letter goes to the union. Every export is a new mailing: its
# Message-Ids are new and unique (time, random, series, version, place;
# the sender's domain), and every patch answers the cover letter
# (In-Reply-To, References). A directory DIR/NAME-vN of an earlier export
# is replaced (it may hold only the mails an export writes); the log says
# whether the mails changed apart from their Message-Ids. Each series'
# mails must pass check-mails.sh (one version, 1/M to M/M, a cover
# letter, at most 15 patches). With b4 installed, each series is read
# back with `b4 --offline-mode am` as a check.
#
#   --out DIR       where the mail directories go (default out/mail)
#   --series FILE   the series file (default: the repo's)
#   --patches DIR   the patches directory (default: the repo's)
#   --covers DIR    the cover letters (default: the repo's cover-letters/)
#   --refs PREFIX   branch and tag prefix in the export repository
#   --branch-only   make the branches only, write no mail
#   --allow-placeholder  mail as project.conf's identity when git has no
#                   other (tests)
#   -h, --help      this text
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

out=$REPO_DIR/out/mail
series=$REPO_DIR/series
patches=$REPO_DIR/patches
covers=$REPO_DIR/cover-letters
prefix=$SERIES_NAME
mail=1
placeholder_ok=0
# What an export wrote into a mail folder, with their SHA256.
MANIFEST=.xe-stack-mails
XE_LIST=intel-xe@lists.freedesktop.org
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--branch-only) mail=0; shift ;;
	--allow-placeholder) placeholder_ok=1; shift ;;
	--out | --series | --patches | --covers | --refs)
		[[ $# -ge 2 ]] || die usage "$1 needs a value"
		case $1 in
		--out) out=$2 ;; --series) series=$2 ;; --patches) patches=$2 ;;
		--covers) covers=$2 ;; --refs) prefix=$2 ;;
		esac
		shift 2 ;;
	*) die usage "unknown argument '$1' (see --help)" ;;
	esac
done
[[ -f $series ]] || die series "no series file: $series"
[[ -d $patches ]] || die series "no patches directory: $patches"
[[ -d $covers ]] || die cover "no cover letter directory: $covers"
need git git
need perl perl

# The sender, read before git_identity hides the user's config.
placeholder="$PROJECT_NAME <$PROJECT_EMAIL>"
sender=
if ((mail)); then
	name=$(git -C "$REPO_DIR" config user.name || true)
	email=$(git -C "$REPO_DIR" config user.email || true)
	if [[ -n $name && -n $email ]]; then
		[[ $email =~ ^[^@[:space:]\<\>]+@[^@[:space:]\<\>]+$ && $name != *[\<\>]* ]] ||
			die identity "git config user.name/user.email '$name <$email>' is no name and address"
		sender="$name <$email>"
	elif [[ -n $name$email ]]; then
		die identity "git config has user.name '$name' and user.email '$email': set both (the From: and Signed-off-by: of the mails)"
	fi
	if [[ -z $sender || $email == "$PROJECT_EMAIL" ]] && ((!placeholder_ok)); then
		die identity "${sender:-no git identity}${sender:+ is the placeholder of project.conf}: a Signed-off-by certifies the DCO for a real person; set yours with git config user.name and user.email (or, for tests only, --allow-placeholder)"
	fi
	sender=${sender:-$placeholder}
	sender_name=${sender% <*}
	sender_email=${sender##*<}
	sender_email=${sender_email%>}
	domain=${sender_email#*@}
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)

# Mail series in stack order, and the patch files of each.
read_mail_series "$series" "$patches"
names=("${mail_names[@]}")

# cover_of NAME: "N FILE" of the highest version; checks the format.
cover_of() {
	local f v best=0 file=
	for f in "$covers/$1"-v*.txt; do
		[[ -e $f ]] || continue
		v=${f##*-v}
		v=${v%.txt}
		[[ $v =~ ^[1-9][0-9]*$ ]] || continue
		((v > best)) && best=$v && file=$f
	done
	[[ -n $file ]] || die cover "no cover letter $covers/$1-vN.txt for mail series $1"
	[[ -n $(sed -n 1p "$file") && -z $(sed -n 2p "$file") && -n $(sed -n '3,$p' "$file" | tr -d '[:space:]') ]] ||
		die cover "$file: want the subject on line 1, a blank line 2, then the body"
	if grep -q '\*\*\*' "$file"; then die cover "$file still holds a '***' placeholder"; fi
	((best == 1)) || grep -q "^Changes in v$best:" "$file" ||
		die cover "$file has no 'Changes in v$best:' section"
	# b4's form: "- Link to v1: https://lore.kernel.org/r/MSGID".
	local ln=-
	if ((best > 1)); then
		ln=$(link_msgid "$file" "$((best - 1))")
		[[ -n $ln && $(wc -l <<<"$ln") -eq 1 ]] ||
			die cover "$file has no line 'Link to v$((best - 1)): https://lore.kernel.org/r/MSGID' (the Message-Id of the v$((best - 1)) cover letter as posted)"
	fi
	printf '%s\t%s\t%s\n' "$best" "$file" "$ln"
}

# link_msgid FILE V: the Message-Id of the "Link to vV: URL" lines of
# FILE, the URL's last path part (a lore URL as copied: /r/MSGID, or
# /list/MSGID/ with /T/, #u and the like after it), percent-decoded.
link_msgid() {
	python3 - "$1" "$2" <<'PY'
import re, sys, urllib.parse
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    m = re.match(r"^[-* ]*Link to v%s:\s*(https?://\S+)\s*$" % sys.argv[2], line)
    if not m:
        continue
    path = urllib.parse.urlsplit(m.group(1)).path
    parts = [p for p in path.split("/") if p]
    while parts and "@" not in urllib.parse.unquote(parts[-1]):
        parts.pop()
    if parts:
        print(urllib.parse.unquote(parts[-1]).strip("<>"))
PY
}

# change_id NAME: the series' b4 change-id, COVERS/NAME.change-id.
change_id() {
	local f=$covers/$1.change-id id
	[[ -f $f ]] || die cover "no $f: the series' b4 change-id, made once and kept across versions, e.g. printf '%s\\n' $(date -u +%Y%m%d)-$1-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n') >$f"
	id=$(cat "$f")
	[[ $id =~ ^[0-9]{8}-[A-Za-z0-9._-]+-[0-9a-f]{12}$ ]] ||
		die cover "$f: want one line YYYYMMDD-NAME-<12 hex digits> (b4's change-id), not '$id'"
	printf '%s\n' "$id"
}

# ours_to_replace DIR: the directory of an earlier export is replaced only
# if it holds what that export wrote (its MANIFEST), unchanged. Checked
# before anything is built, and again right before it is replaced.
ours_to_replace() {
	local dir=$1 other f edited
	[[ -e $dir || -L $dir ]] || return 0
	[[ -d $dir && ! -L $dir && -f $dir/$MANIFEST ]] ||
		die mail "$dir is no folder of mails an export wrote (no $MANIFEST): move it away"
	other=$(find "$dir" -mindepth 1 ! -name "$MANIFEST" \( ! -type f -o ! -name '*.patch' \) -print -quit)
	[[ -z $other ]] || die mail "$dir holds $other, which no export writes: move it away (the export replaces $dir)"
	while IFS= read -r f; do
		cut -c67- "$dir/$MANIFEST" | grep -qxF -- "$f" || die mail "$dir/$f is not a mail the export wrote: move it away (the export replaces $dir)"
	done < <(cd "$dir" && find . -name '*.patch' -printf '%P\n')
	edited=$(cd "$dir" && { sha256sum -c --quiet "$MANIFEST" 2>&1 || true; } | sed -n 's/: FAILED.*//p' | head -n 1)
	[[ -z $edited ]] || die mail "$dir/$edited changed since the export wrote it: move it away (the export replaces $dir)"
}

# Versions first: a bad cover letter fails before anything is built.
declare -A version=() cover=() link=() changeid=()
if ((mail)); then
	for n in "${names[@]}"; do
		IFS=$'\t' read -r "version[$n]" "cover[$n]" "link[$n]" < <(cover_of "$n")
		changeid[$n]=$(change_id "$n")
	done
	for n in "${names[@]}"; do
		ours_to_replace "$out/$n-v${version[$n]}"
	done
fi

# The scratch folder of rebuild_previous, removed however the run ends.
work=
trap '[[ -z $work ]] || rm -rf "$work"' EXIT

# One export at a time, and no export-base.sh in between: it clears the
# lock files a killed git left, which must not be those of a git at work.
cache_lock git
read -r repo base < <("$REPO_DIR/scripts/mail/export-base.sh") || die base "export-base.sh failed"
log "export repository $repo, base $base"
git_identity committer
g() { git -C "$repo" "$@"; }

# rebuild_previous NAME V: where no export tagged version V of mail series
# NAME (a fresh cache), rebuild it from its posted thread, found by the
# Message-Id of the Link line of the cover letter (link[NAME]): b4 am
# picks the patches of version V out of COVERS/NAME-vV.mbox, or out of
# the thread b4 fetches. Applied to the base, or, where they need the
# series before it (a version mailed on top of them), where NAME starts
# in the stack.
rebuild_previous() {
	g rev-parse -q --verify "refs/tags/$prefix/$1-v$2" >/dev/null && return 0
	if ! command -v b4 >/dev/null 2>&1; then
		log "warning: b4 is not installed: no range-diff of $1 against v$2 (Debian package b4)"
		return 0
	fi
	work=$(mktemp -d)
	rebuild_in_work "$1" "$2"
	rm -rf "$work"
	work=
}

# rebuild_in_work NAME V: rebuild_previous's work, in its scratch $work.
rebuild_in_work() {
	local old=$prefix/$1-v$2 mbox=$covers/$1-v$2.mbox msgid=${link[$1]} here at from
	from="the thread of <$msgid>"
	if [[ -f $mbox ]]; then
		from="$mbox"
		"$REPO_DIR/scripts/mail/thread-mbox.sh" --mbox "$mbox" "$msgid" "$work/thread.mbox" ||
			die cover "${cover[$1]} links v$2 as <$msgid>, which is not a message of $mbox"
	elif ! "$REPO_DIR/scripts/mail/thread-mbox.sh" "$msgid" "$work/thread.mbox"; then
		log "warning: cannot fetch $from: no range-diff of $1 against v$2 (save the thread as $mbox to work offline)"
		return 0
	fi
	mkdir "$work/am"
	if ! (cd "$work" && b4 --offline-mode --no-stdin -n am -m thread.mbox -v "$2" -o am -n prev "$msgid") \
		>"$work/b4.log" 2>&1 || [[ ! -s $work/am/prev.mbx ]]; then
		cat "$work/b4.log" >&2
		log "warning: b4 am finds no v$2 of $1 in $from (b4's messages above): no range-diff against v$2"
		return 0
	fi
	here=$(g rev-parse HEAD)
	for at in "$base" "${stack_at[$1]}"; do
		g checkout -q -f --detach "$at"
		if g am -q --committer-date-is-author-date "$work/am/prev.mbx" >"$repo/.git/xe-stack-am.log" 2>&1; then
			g tag -f "$old" HEAD >/dev/null
			g tag -f "$old-base" "$at" >/dev/null
			log "$1 v$2 rebuilt from $from"
			g checkout -q -f --detach "$here"
			return 0
		fi
		g am --abort >/dev/null 2>&1 || true
	done
	cat "$repo/.git/xe-stack-am.log" >&2
	log "warning: v$2 of $1 from $from applies neither to the base nor where $1 starts in the stack (git am above): no range-diff against v$2"
	g checkout -q -f --detach "$here"
}

# am_each FILE...: git am each patch file at HEAD; on failure, am_failed
# names the one that did not apply.
am_each() {
	local p
	for p in "$@"; do
		if ! g am -q --committer-date-is-author-date "$patches/$p" >"$repo/.git/xe-stack-am.log" 2>&1; then
			cat "$repo/.git/xe-stack-am.log" >&2
			g am --abort >/dev/null 2>&1 || true
			am_failed=$p
			return 1
		fi
	done
}

# A fresh detached checkout of the base, then git am patch by patch: the
# stack, then each mail series alone.
[[ ! -d $repo/.git/rebase-apply ]] || g am --abort >/dev/null 2>&1 || true
fresh_base() {
	g checkout -q -f --detach "$base" || die export "cannot check out the base $base in $repo (see git's message above)"
	g clean -q -f -d -x
}
fresh_base
declare -A stack_at=()
for n in "${names[@]}"; do
	stack_at[$n]=$(g rev-parse HEAD)
	mapfile -t own < <(grep . <<<"${mail_own[$n]}")
	am_each "${own[@]}" || die apply "git am failed on $am_failed (mail series $n, in stack order) in $repo"
done
g branch -f -q "$prefix/stack" HEAD
# Per series: its tip, how many patches it carries and how many its mails hold.
declare -A tip=() nwith=() size=()
for n in "${names[@]}"; do
	fresh_base
	if ((mail)) && ((version[$n] > 1)); then
		rebuild_previous "$n" "$((version[$n] - 1))"
	fi
	mapfile -t with < <(grep . <<<"${mail_with[$n]}" || true)
	mapfile -t own < <(grep . <<<"${mail_own[$n]}")
	nwith[$n]=${#with[@]}
	size[$n]=$((${#with[@]} + ${#own[@]}))
	am_each "${with[@]}" "${own[@]}" ||
		die apply "mail series $n does not apply to the base alone: git am failed on $am_failed in $repo ('# with: PATCH' lines in $series add the patches of other series it needs)"
	tip[$n]=$(g rev-parse HEAD)
	g branch -f -q "$prefix/$n" "${tip[$n]}"
done
if ((mail == 0)); then
	printf '%s\n' "$prefix/stack" "${names[@]/#/$prefix/}" | sed "s|^|$repo: |"
	exit 0
fi

# as_mailed NAME: branch PREFIX/NAME+mail, series NAME as the sender
# mails it: a patch that the placeholder authored is the sender's, the
# placeholder's Signed-off-by: goes, and the sender's ends every patch
# (as format-patch -s adds it: unless it is the last trailer already), so
# that the sender signs once, last. Other authors and trailers are kept.
# Committer and dates as in the export: the same sender gives the same
# commits.
as_mailed() {
	local c parent=$base an ae ad msg
	for c in $(g rev-list --reverse "$base..${tip[$1]}"); do
		IFS=$'\t' read -r an ae ad < <(g log -1 --format=$'%an\t%ae\t%ad' --date=raw "$c")
		if [[ "$an <$ae>" == "$placeholder" ]]; then
			an=$sender_name ae=$sender_email
		fi
		msg=$(g log -1 --format=%B "$c" | awk -v old="Signed-off-by: $placeholder" '$0 != old' |
			g interpret-trailers --if-exists addIfDifferentNeighbor --trailer "Signed-off-by: $sender")
		parent=$(GIT_AUTHOR_NAME=$an GIT_AUTHOR_EMAIL=$ae GIT_AUTHOR_DATE=$ad GIT_COMMITTER_DATE=$ad \
			g commit-tree "$c^{tree}" -p "$parent" <<<"$msg") ||
			die mail "cannot make the mailed form of $c (mail series $1)"
	done
	g branch -f -q "$prefix/$1+mail" "$parent"
}

# A line on what the base is, for the cover letters.
base_words() {
	local v
	v=$(g show "$base:Makefile" | awk -F' = ' '$1 == "VERSION" { v = $2 } $1 == "PATCHLEVEL" { p = $2 }
		$1 == "SUBLEVEL" { s = $2 } $1 == "EXTRAVERSION" { e = $2 }
		/^NAME/ { printf "%s.%s.%s%s", v, p, s, e; exit }')
	if [[ -n ${KERNEL_DIR:-} ]]; then
		printf 'Linux %s (%s)' "$v" "$(g describe --always --tags "$base" 2>/dev/null || echo "$base")"
	elif [[ -n ${KERNEL_TARBALL:-} ]]; then
		printf 'Linux %s from %s (base-commit: a git import of that tarball)' "$v" "$(basename "$KERNEL_TARBALL")"
	else
		printf "Linux %s as Debian's %s %s ships it, Debian's patches included. The base-commit is a git import of that tarball: the same on every machine, but in no public tree" \
			"$v" "$PIN_PACKAGE" "$PIN_VERSION"
	fi
}

# Who gets a mail: "To" and "Cc" lines, sorted, for one patch file.
recipients() {
	local to cc
	to=$(get_maintainer "$repo" --nol "$1" | sort -u) || die maintainers "get_maintainer.pl failed on $1"
	cc=$( (get_maintainer "$repo" --nom "$1" && printf '%s\n' "$XE_LIST") | sort -u |
		grep -vxF -f <(printf '%s\n' "$to") || true) || die maintainers "get_maintainer.pl failed on $1"
	printf '%s\n' "$to" | awk 'NF { print "To\t" $0 }'
	printf '%s\n' "$cc" | awk 'NF { print "Cc\t" $0 }'
}

# rewrite FILE IDMAP RCPTS: new Message-Id/In-Reply-To/References from
# IDMAP ("old new" lines), and To/Cc headers from RCPTS, at the end of
# the mail header (Python's email package; the body is kept as it is).
rewrite() {
	"$REPO_DIR/scripts/lib/mail-headers.py" rewrite "$1" "$2" "$3" ||
		die mail "cannot rewrite the headers of $1"
}

# b4_check DIR M: b4 reads the series back (offline) and finds M patches.
b4_check() {
	local tmp got
	command -v b4 >/dev/null 2>&1 || { log "b4 not installed: no b4 check of $1"; return 0; }
	tmp=$(mktemp -d)
	mkdir "$tmp/out"
	# b4 0.12 cannot read a folded From: header (format-patch folds long
	# ones): unfold the headers of the copy it reads.
	"$REPO_DIR/scripts/lib/mail-headers.py" unfold "$1"/*.patch >"$tmp/series.mbox"
	(cd "$tmp" && b4 --offline-mode --no-stdin -n am -C -m series.mbox -o out -n series) >"$tmp/b4.log" 2>&1 ||
		{ cat "$tmp/b4.log" >&2; rm -rf "$tmp"; die b4 "b4 am cannot read the mails in $1"; }
	got=$(grep -c '^From ' "$tmp/out/series.mbx" 2>/dev/null || true)
	if [[ $got != "$2" ]] || ! grep -q 'base-commit' "$tmp/b4.log"; then
		cat "$tmp/b4.log" >&2
		rm -rf "$tmp"
		die b4 "b4 am found ${got:-no} patches (want $2) or no base-commit in $1"
	fi
	rm -rf "$tmp"
}

words=$(base_words)
[[ -n ${KERNEL_DIR:-} ]] ||
	log "the base is an import of a tarball, in no public tree: to post, export on a drm-xe-next checkout (KERNEL_DIR=DIR)"
# Where each patch is in the mails of the series that owns it: "k/M NAME".
declare -A place=()
for n in "${names[@]}"; do
	k=${nwith[$n]}
	while IFS= read -r p; do
		[[ -n $p ]] || continue
		k=$((k + 1))
		place[$p]="$k/${size[$n]} $n"
	done <<<"${mail_own[$n]}"
done

# ids_out DIR: the mails of DIR without the headers that carry the
# Message-Ids: what two exports of the same series share.
ids_out() {
	local f
	for f in "$1"/*.patch; do
		printf '== %s\n' "${f##*/}"
		grep -Eiv '^(Message-Id|In-Reply-To|References): ' "$f"
	done
}

# A new mailing: new Message-Ids, unique across exports and machines.
stamp=$(date -u +%Y%m%d%H%M%S)
for n in "${names[@]}"; do
	v=${version[$n]}
	dir="$out/$n-v$v"
	tmp="$out/.$n-v$v.tmp"
	# A first version is "[PATCH k/M]", later ones "[PATCH vN k/M]".
	fp=
	((v == 1)) || fp=v$v-
	cl=$tmp/${fp}0000-cover-letter.patch
	rm -rf "$tmp"
	mkdir -p "$tmp"
	count=${size[$n]}
	as_mailed "$n"

	# The branch description is what format-patch puts in the cover letter.
	desc=$(cat "${cover[$n]}")
	desc+=$'\n\n'$(fmt -w 72 <<<"Based on $words.")
	if ((nwith[$n])); then
		what="Patch 1 comes"
		((nwith[$n] == 1)) || what="Patches 1-${nwith[$n]} come"
		desc+=$'\n\n'$(fmt -w 72 <<<"$what unchanged from another series that this one needs, so that this one applies to the base alone:")$'\n'
		k=0
		while IFS= read -r p; do
			[[ -n $p ]] || continue
			k=$((k + 1))
			o=${place[$p]#* }
			desc+=$'\n'"  $k/$count is patch ${place[$p]%% *} of \"$(sed -n 1p "${cover[$o]}")\" v${version[$o]}"
		done <<<"${mail_with[$n]}"
	fi
	g config "branch.$prefix/$n+mail.description" "$desc"

	args=(-q -o "$tmp" --cover-letter --cover-from-description=subject --from="$sender"
		--base="$base" --thread=shallow --no-signature)
	((v == 1)) || args+=(-v "$v")
	prev=$((v - 1))
	if ((prev >= 1)); then
		if g rev-parse -q --verify "refs/tags/$prefix/$n-v$prev" >/dev/null &&
			g rev-parse -q --verify "refs/tags/$prefix/$n-v$prev-base" >/dev/null; then
			args+=(--range-diff="$prefix/$n-v$prev-base..$prefix/$n-v$prev")
		else
			log "warning: no tag $prefix/$n-v$prev in $repo: the v$v cover letter of $n has no range-diff"
		fi
	fi
	# The cover letter's From: is the committer's.
	GIT_COMMITTER_DATE=$(g log -1 --format=%cd --date=raw "${tip[$n]}") \
		GIT_COMMITTER_NAME=$sender_name GIT_COMMITTER_EMAIL=$sender_email \
		g format-patch "${args[@]}" "$base..$prefix/$n+mail" ||
		die format-patch "git format-patch failed for mail series $n"

	# What a patch file says below its "---" line (the changes between
	# versions) goes below the "---" line of its mail too: git am dropped it.
	# A patch carried from another series says where it is from instead:
	# its notes are that series' history.
	mapfile -t mem < <(grep . <<<"${mail_with[$n]}${mail_own[$n]}")
	k=0
	for f in "$tmp"/*.patch; do
		[[ $f == "$cl" ]] && continue
		if ((k < nwith[$n])); then
			o=${place[${mem[$k]}]#* }
			fmt -w 72 <<<"Carried unchanged from v${version[$o]} of \"$(sed -n 1p "${cover[$o]}")\", where it is patch ${place[${mem[$k]}]%% *}, so that this series applies to the base alone." >"$tmp/.notes"
		else
			patch_notes "$patches/${mem[$k]}" >"$tmp/.notes"
		fi
		insert_notes "$f" "$tmp/.notes"
		k=$((k + 1))
	done
	rm -f "$tmp/.notes"
	# b4's change-id: right after the last base-commit: line, format-patch's.
	at=$(grep -n '^base-commit: ' "$cl" | tail -n 1 | cut -d: -f1)
	[[ -n $at ]] || die format-patch "mail series $n: no base-commit: line in $cl"
	sed -i "${at}a change-id: ${changeid[$n]}" "$cl"

	# New Message-Ids, recipients per patch, union for the cover.
	rand=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
	: >"$tmp/.ids"
	: >"$tmp/.all"
	k=0
	for f in "$tmp"/*.patch; do
		old=$("$REPO_DIR/scripts/lib/mail-headers.py" get "$f" Message-Id)
		old=${old#<}
		old=${old%>}
		[[ -n $old ]] || die format-patch "mail series $n: no Message-Id in $f"
		printf '%s %s\n' "$old" "$stamp.$rand-$n-v$v-$k@$domain" >>"$tmp/.ids"
		k=$((k + 1))
	done
	for f in "$tmp"/*.patch; do
		[[ $f == "$cl" ]] && continue
		recipients "$f" >"$f.rcpt"
		cat "$f.rcpt" >>"$tmp/.all"
		rewrite "$f" "$tmp/.ids" "$f.rcpt"
		rm -f "$f.rcpt"
	done
	sort -u "$tmp/.all" | awk -F'\t' '$1 == "To" { to[$2] = 1; print; next } !($2 in to)' >"$tmp/.cover"
	rewrite "$cl" "$tmp/.ids" "$tmp/.cover"
	rm -f "$tmp/.ids" "$tmp/.all" "$tmp/.cover"
	[[ $(find "$tmp" -name '*.patch' | wc -l) -eq $((count + 1)) ]] ||
		die format-patch "mail series $n: want a cover letter and $count patches in $tmp"
	# A body line starting with "From " splits the mail in an mbox (b4,
	# mail archives): name it rather than let b4 miss a patch.
	for f in "$tmp"/*.patch; do
		l=$(awk 'NR > 1 && /^From / { print NR ": " $0; exit }' "$f")
		[[ -z $l ]] || die format-patch "mail series $n: $(basename "$f") line $l: a line starting with 'From ' splits the mail in an mbox; reword it in the patch file"
	done
	# What the list's bots check of a series as a whole.
	"$REPO_DIR/scripts/mail/check-mails.sh" "$tmp" ||
		die series "mail series $n: its mails fail the series checks above (check-mails.sh)"
	b4_check "$tmp" "$count"

	(cd "$tmp" && sha256sum -- *.patch >"$MANIFEST")
	same=
	[[ -d $dir ]] && cmp -s <(ids_out "$dir") <(ids_out "$tmp") && same=", the same as before but for the Message-Ids"
	ours_to_replace "$dir"
	rm -rf "$dir"
	mv "$tmp" "$dir"
	log "$n v$v: $count patches$same, $dir"
	for t in "$n-v$v:$(g rev-parse "$prefix/$n+mail")" "$n-v$v-base:$base"; do
		[[ $(g rev-parse -q --verify "refs/tags/$prefix/${t%%:*}" || true) == "${t#*:}" ]] ||
			g tag -f "$prefix/${t%%:*}" "${t#*:}" >/dev/null
	done
done

printf '\nNothing was sent. Check, then send each series with:\n\n'
for n in "${names[@]}"; do
	printf '  git send-email --no-thread --confirm=always --suppress-cc=self %s/*.patch\n' "$out/$n-v${version[$n]}"
done
printf '\n(git send-email: Debian package git-email. To, Cc and the threading\nheaders are in the files, hence --no-thread; --dry-run shows what would be sent.)\n'
