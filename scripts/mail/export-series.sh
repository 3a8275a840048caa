#!/usr/bin/env bash
# Usage: export-series.sh [--out DIR] [--series FILE] [--patches DIR]
#                         [--covers DIR] [--refs PREFIX] [--branch-only]
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
# What a patch file holds between its "---" line and the diffstat (the
# changes between versions, which git am drops) is put back below the
# "---" line of its mail.
#
# Each mail series is `git format-patch --cover-letter -v N --thread
# --base=BASE` of its branch. N is the highest cover-letters/NAME-vN.txt;
# that file gives the cover letter: first line the subject, a blank line,
# then the body (for N > 1 with a "Changes in vN:" section). The export
# adds which patches come from which other series and why. When tags
# PREFIX/NAME-v(N-1) and PREFIX/NAME-v(N-1)-base exist (every export of
# version N tags it so), the cover letter ends with the `git range-diff`
# against that version. Where they do not (a fresh cache), version N-1
# is rebuilt from its mails as posted, saved as COVERS/NAME-v(N-1).mbox,
# applied to the base.
#
# To and Cc of every patch come from the base's
# scripts/get_maintainer.pl, as b4 does it: To the maintainers and
# reviewers (--nol), Cc the lists (--nom), plus intel-xe in Cc. The cover
# letter goes to the union. Message-Ids are derived from the content, so
# an unchanged stack gives byte-identical files and a run then rewrites
# nothing. Each series' mails must pass check-mails.sh (one version, 1/M
# to M/M, a cover letter, at most 15 patches). With b4 installed, each
# series is read back with `b4 --offline-mode am` as a check.
#
#   --out DIR       where the mail directories go (default out/mail)
#   --series FILE   the series file (default: the repo's)
#   --patches DIR   the patches directory (default: the repo's)
#   --covers DIR    the cover letters (default: the repo's cover-letters/)
#   --refs PREFIX   branch and tag prefix in the export repository
#   --branch-only   make the branches only, write no mail
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
XE_LIST=intel-xe@lists.freedesktop.org
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--branch-only) mail=0; shift ;;
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
	printf '%s %s\n' "$best" "$file"
}

# Versions first: a bad cover letter fails before anything is built.
declare -A version=() cover=()
if ((mail)); then
	for n in "${names[@]}"; do
		read -r "version[$n]" "cover[$n]" < <(cover_of "$n")
	done
fi

# One export at a time, and no export-base.sh in between: it clears the
# lock files a killed git left, which must not be those of a git at work.
cache_lock git
read -r repo base < <("$REPO_DIR/scripts/mail/export-base.sh") || die base "export-base.sh failed"
log "export repository $repo, base $base"
git_identity committer
g() { git -C "$repo" "$@"; }

# rebuild_previous NAME V: where no export tagged version V of mail series
# NAME (a fresh cache), rebuild it from the mails as posted, COVERS/NAME-vV.mbox,
# for the range-diff: applied to the base, or, where they need the series
# before it (a version mailed on top of them), where NAME starts in the
# stack.
rebuild_previous() {
	local old=$prefix/$1-v$2 mbox=$covers/$1-v$2.mbox here at
	g rev-parse -q --verify "refs/tags/$old" >/dev/null && return 0
	[[ -f $mbox ]] || return 0
	here=$(g rev-parse HEAD)
	for at in "$base" "${stack_at[$1]}"; do
		g checkout -q -f --detach "$at"
		if g am -q --committer-date-is-author-date "$mbox" >"$repo/.git/xe-stack-am.log" 2>&1; then
			g tag -f "$old" HEAD >/dev/null
			g tag -f "$old-base" "$at" >/dev/null
			log "$1 v$2 rebuilt from $mbox"
			g checkout -q -f --detach "$here"
			return 0
		fi
		g am --abort >/dev/null 2>&1 || true
	done
	cat "$repo/.git/xe-stack-am.log" >&2
	log "warning: $mbox applies neither to the base nor where $1 starts in the stack (git am above): no range-diff against v$2"
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
		printf "Linux %s as Debian's %s %s ships it (base-commit: a git import of its tarball, the same on every machine)" \
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

domain=${PROJECT_EMAIL#*@}
words=$(base_words)
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

for n in "${names[@]}"; do
	v=${version[$n]}
	dir="$out/$n-v$v"
	tmp="$out/.$n-v$v.tmp"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	count=${size[$n]}

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
	g config "branch.$prefix/$n.description" "$desc"

	args=(-q -o "$tmp" --cover-letter --cover-from-description=subject -v "$v"
		--base="$base" --thread=shallow --no-signature)
	prev=$((v - 1))
	if ((prev >= 1)); then
		if g rev-parse -q --verify "refs/tags/$prefix/$n-v$prev" >/dev/null &&
			g rev-parse -q --verify "refs/tags/$prefix/$n-v$prev-base" >/dev/null; then
			args+=(--range-diff="$prefix/$n-v$prev-base..$prefix/$n-v$prev")
		else
			log "warning: no tag $prefix/$n-v$prev in $repo: the v$v cover letter of $n has no range-diff"
		fi
	fi
	GIT_COMMITTER_DATE=$(g log -1 --format=%cd --date=raw "${tip[$n]}") \
		g format-patch "${args[@]}" "$base..$prefix/$n" ||
		die format-patch "git format-patch failed for mail series $n"

	# What a patch file says below its "---" line (the changes between
	# versions) goes below the "---" line of its mail too: git am dropped it.
	# A patch carried from another series says where it is from instead:
	# its notes are that series' history.
	mapfile -t mem < <(grep . <<<"${mail_with[$n]}${mail_own[$n]}")
	k=0
	for f in "$tmp"/*.patch; do
		[[ $f == */v$v-0000-cover-letter.patch ]] && continue
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

	# Content-derived Message-Ids, recipients per patch, union for the cover.
	: >"$tmp/.ids"
	: >"$tmp/.all"
	k=0
	for f in "$tmp"/*.patch; do
		old=$(sed -n '1,/^$/s/^Message-Id: <\(.*\)>$/\1/p' "$f")
		sum=$(grep -Ev '^(Message-Id|In-Reply-To|References): ' "$f" | sha256sum | cut -c1-12)
		printf '%s %s\n' "$old" "$prefix-$n-v$v-$k-$sum@$domain" >>"$tmp/.ids"
		k=$((k + 1))
	done
	for f in "$tmp"/*.patch; do
		[[ $f == */v$v-0000-cover-letter.patch ]] && continue
		recipients "$f" >"$f.rcpt"
		cat "$f.rcpt" >>"$tmp/.all"
		rewrite "$f" "$tmp/.ids" "$f.rcpt"
		rm -f "$f.rcpt"
	done
	sort -u "$tmp/.all" | awk -F'\t' '$1 == "To" { to[$2] = 1; print; next } !($2 in to)' >"$tmp/.cover"
	rewrite "$tmp/v$v-0000-cover-letter.patch" "$tmp/.ids" "$tmp/.cover"
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

	# Replace the previous output only if something changed.
	if [[ -d $dir ]] && diff -r -q "$dir" "$tmp" >/dev/null 2>&1; then
		rm -rf "$tmp"
		log "$n v$v: unchanged, $dir"
	else
		rm -rf "$dir"
		mv "$tmp" "$dir"
		log "$n v$v: $count patches, $dir"
	fi
	for t in "$n-v$v:${tip[$n]}" "$n-v$v-base:$base"; do
		[[ $(g rev-parse -q --verify "refs/tags/$prefix/${t%%:*}" || true) == "${t#*:}" ]] ||
			g tag -f "$prefix/${t%%:*}" "${t#*:}" >/dev/null
	done
done

printf '\nNothing was sent. Check, then send each series with:\n\n'
for n in "${names[@]}"; do
	printf '  git send-email --no-thread --confirm=always --suppress-cc=self %s/*.patch\n' "$out/$n-v${version[$n]}"
done
printf '\n(git send-email: Debian package git-email. To, Cc and the threading\nheaders are in the files, hence --no-thread; --dry-run shows what would be sent.)\n'
