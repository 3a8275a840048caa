#!/usr/bin/env bash
# Usage: stage-process.sh [--placeholder 'NAME <EMAIL>'] [--git DIR] INDEX LOGS PATCH_FILE
#
# The process stage, under the stages' contract (README.md, "Stages"):
# what the list's bots (NIPA's process checks, b4) ask of a patch before
# anyone reads its code, judged on PATCH_FILE as it is mailed. Each
# finding is a line of LOGS/INDEX-process.log; exit 0 when there is none,
# 1 when there is one, 3 (warn) when there are only warnings, 2 usage.
#
#  - mail: PATCH_FILE is a mail, as git format-patch writes it;
#  - sign-off: the patch has a Signed-off-by, and one of them has the
#    author's address (the in-body From: if there is one, else the
#    header's); under another name, that is a warning;
#  - identity: no From: or Signed-off-by address is a placeholder, one in
#    a domain reserved for examples (RFC 2606, RFC 6761: the top-level
#    domains example, invalid, localhost and test; example.com, .net,
#    .org). --placeholder names the one that is accepted: the project's
#    own (project.conf), which the patch files carry;
#  - subject: "PREFIX: Summary" after the [PATCH ...] tag (decoded), at
#    most 75 characters, no final period, PREFIX lower-case words joined
#    by "/" (drm/xe/AREA, drm/COMPONENT); drm/xe on a patch that touches
#    only xe's files (drivers/gpu/drm/xe/, include/uapi/drm/xe_drm.h), and
#    not on one that touches none (MAINTAINERS-notes/README.md, "Subject
#    prefixes");
#  - fixes: each Fixes: line of the message is `Fixes: ID ("SUBJECT")`
#    with ID 12 to 40 lower-case hex digits. With --git DIR, the base's
#    git repository, ID is a commit there and SUBJECT its subject; without
#    one (an imported tarball has no history), that part is not checked,
#    nor in a shallow clone (a warning says so).
#
#   --placeholder 'NAME <EMAIL>'  the placeholder identity accepted
#   --git DIR                     look Fixes: ids up in the git repo DIR
#   -h, --help                    this text
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

placeholder='' git_dir=''
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--placeholder) optval "$@"; placeholder=$2; shift ;;
	--git) optval "$@"; git_dir=$2; shift ;;
	-*) die usage "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
	shift
done
[[ $# -eq 3 ]] || die usage "stage-process.sh [OPTION...] INDEX LOGS PATCH_FILE (see --help)"
idx=$1 file=$3
[[ -d $2 ]] || die usage "no folder $2"
[[ -f $file ]] || die usage "no patch file $file"
[[ -z $git_dir ]] || git -C "$git_dir" rev-parse --git-dir >/dev/null 2>&1 ||
	die usage "--git $git_dir is no git repository"
log=$(cd "$2" && pwd)/$idx-process.log
headers=$REPO_DIR/scripts/lib/mail-headers.py

found=() warned=()
finding() { found+=("$1: $2"); }
warning() { warned+=("$1: $2 (warn)"); }

# addr_of 'NAME <EMAIL>': EMAIL, in lower case.
addr_of() {
	local a=${1##*<}
	a=${a%%>*}
	printf '%s\n' "${a,,}"
}

# name_of 'NAME <EMAIL>': NAME, its blanks squeezed, without quotes
# (empty for a bare address).
name_of() {
	[[ $1 == *"<"* ]] || return 0
	local n=${1%%<*}
	n=${n//\"/}
	tr -s ' \t' ' ' <<<"$n" | sed 's/^ //; s/ $//'
}

# placeholder_addr ADDRESS: its domain is reserved for examples.
placeholder_addr() {
	local d=${1##*@}
	[[ $1 == *@* ]] || return 0
	case $d in
	example | invalid | localhost | test | *.example | *.invalid | *.localhost | *.test) return 0 ;;
	example.com | example.net | example.org | *.example.com | *.example.net | *.example.org) return 0 ;;
	esac
	return 1
}

# chars TEXT: its length in characters, whatever the locale.
chars() { python3 -c 'import sys; print(len(sys.argv[1]))' "$1"; }

report() {
	{
		echo "process checks of $file${git_dir:+ (Fixes: looked up in $git_dir)}"
		((${#found[@]} == 0)) || printf '%s\n' "${found[@]}"
		((${#warned[@]} == 0)) || printf '%s\n' "${warned[@]}"
		echo "total: ${#found[@]} findings, ${#warned[@]} warnings"
	} >"$log"
	if ((${#found[@]})); then
		printf '%s\n' "${found[@]}" | head -n 10 >&2
		exit 1
	fi
	if ((${#warned[@]})); then
		printf '%s\n' "${warned[@]}" | head -n 10 >&2
		exit 3
	fi
	exit 0
}

# A patch file that is no mail (quilt new writes none) is a finding.
if ! from=$("$headers" addresses "$file" From 2>&1); then
	finding mail "$file is no mail git format-patch would write: $from"
	report
fi
if ! subject=$("$headers" text "$file" Subject 2>&1); then
	finding mail "$file is no mail git format-patch would write: $subject"
	report
fi
from=${from%%$'\n'*}
# The mail without CRs, for what is read from its body.
text=$(tr -d '\r' <"$file")
# The message: from the end of the header to the first "---" line. An
# in-body From: in the header lines at its top (From:, Date:, Subject:)
# names the author when the sender is another (git format-patch --from),
# as git am and checkpatch read it.
message=$(awk 'body && /^---$/ { exit } body { print } /^$/ { body = 1 }' <<<"$text")
author=$(awk 'NF == 0 && !seen { next } { seen = 1 } /^From: / { sub(/^From: */, ""); print; exit }
	!/^(Date|Subject): / { exit }' <<<"$message")
author=${author:-$from}
[[ -n $author ]] || finding sign-off "no From: header"
mapfile -t sobs < <(sed -n 's/^Signed-off-by:[[:space:]]*\(.*[^[:space:]]\)[[:space:]]*$/\1/p' <<<"$message")

# sign-off: matched by address, as checkpatch and the bots do; the same
# address under another name is only a warning.
if ((${#sobs[@]} == 0)); then
	finding sign-off "no Signed-off-by"
elif [[ -n $author ]]; then
	match='' named=0
	for s in "${sobs[@]}"; do
		[[ $(addr_of "$s") == "$(addr_of "$author")" ]] || continue
		match=$s
		# A bare address on either side has no name to differ.
		[[ -n $(name_of "$s") && -n $(name_of "$author") && $(name_of "$s") != "$(name_of "$author")" ]] || named=1
	done
	if [[ -z $match ]]; then
		finding sign-off "the author, $author, has no Signed-off-by of their own"
	elif ((!named)); then
		warning sign-off "the author is $author, the Signed-off-by of that address says $match"
	fi
fi

# identity
for who in ${author:+"$author"} "${sobs[@]}"; do
	if [[ $who != *@* ]]; then
		finding identity "'$who' has no address"
		continue
	fi
	placeholder_addr "$(addr_of "$who")" || continue
	[[ -n $placeholder && $(addr_of "$who") == "$(addr_of "$placeholder")" &&
		$(name_of "$who") == "$(name_of "$placeholder")" ]] && continue
	finding identity "$who is a placeholder identity (a domain reserved for examples)"
done

# subject
summary=$(sed -E 's/^(\[[^]]*\][[:space:]]*)*//' <<<"$subject")
# A revert carries the subject it reverts: its prefix is that one's.
prefix=${summary#Revert \"}
prefix=${prefix%%: *}
mapfile -t touched < <(sed -n 's|^+++ b/||p; s|^--- a/||p' <<<"$text" | sed 's/\t.*//' | sort -u)
xe=0 other=0
for t in "${touched[@]}"; do
	case $t in
	drivers/gpu/drm/xe/* | include/uapi/drm/xe_drm.h | Documentation/gpu/xe/* | Documentation/ABI/testing/sysfs-driver-intel-xe*) xe=1 ;;
	*) other=1 ;;
	esac
done
if [[ $summary != *": "* || ! $prefix =~ ^[a-z0-9_{},-]+(/[a-z0-9_.{},-]+)*$ ]]; then
	finding subject "'$summary' does not start with a prefix such as drm/xe/AREA: or drm/COMPONENT:"
elif ((xe && !other)) && [[ $prefix != drm/xe && $prefix != drm/xe/* ]]; then
	finding subject "'$prefix:' on a patch that touches only xe's files: drm/xe: or drm/xe/AREA:"
elif ((!xe && other)) && [[ $prefix == drm/xe || $prefix == drm/xe/* ]]; then
	finding subject "'$prefix:' on a patch that touches no file of xe's: name the component it changes"
fi
n=$(chars "$summary")
((n <= 75)) || finding subject "'$summary' has $n characters, more than 75"
[[ $summary != *. ]] || finding subject "'$summary' ends with a period"

# fixes: the lines checkpatch takes for a Fixes: tag (an id after it).
shallow=0 unchecked=0
[[ -z $git_dir || $(git -C "$git_dir" rev-parse --is-shallow-repository) != true ]] || shallow=1
while IFS= read -r line; do
	line=${line%"${line##*[![:space:]]}"}
	if [[ ! $line =~ ^Fixes:\ ([0-9a-f]{12,40})\ \(\"(.+)\"\)$ ]]; then
		finding fixes "'$line' is not Fixes: <12 to 40 lower-case hex digits> (\"subject\")"
		continue
	fi
	id=${BASH_REMATCH[1]} want=${BASH_REMATCH[2]}
	[[ -n $git_dir ]] || continue
	if ((shallow)); then
		unchecked=1
		continue
	fi
	if ! got=$(git -C "$git_dir" log -1 --format=%s "$id^{commit}" 2>/dev/null); then
		finding fixes "$id is no commit of $git_dir"
	elif [[ $got != "$want" ]]; then
		finding fixes "$id is \"$got\" in $git_dir, not \"$want\""
	fi
done < <(grep -iE '^[[:space:]]*fixes:?[[:space:]]*(commit[[:space:]]*)?[0-9a-f]{5,}' <<<"$message" || true)
((!unchecked)) || warning fixes "$git_dir is a shallow clone: Fixes: ids not looked up"

report
