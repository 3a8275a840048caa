#!/usr/bin/env bash
# Usage: thread-mbox.sh [--mbox FILE] MSGID OUT
#
# Write the posted thread that holds message MSGID (any message of it,
# the cover letter's for instance; with or without <>) as an mbox to OUT,
# for b4 to read offline (`b4 --offline-mode am|trailers -m OUT`):
#  - with --mbox FILE, the thread saved before (`b4 mbox MSGID`, or the
#    mails saved from a mail client): FILE, once it is known to hold
#    MSGID;
#  - without, fetched by `b4 mbox` from lore, the transfer stopped after
#    XE_STACK_NET_TIMEOUT seconds (default 300).
# OUT must not exist: it is written under a temporary name and renamed
# when complete. export-series.sh (the previous version of a series, for
# the range-diff) and import-series.sh (review trailers) read threads
# this way.
#
#   --mbox FILE  the thread, saved
#   -h, --help   this text
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

mbox=
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--mbox)
		[[ $# -ge 2 ]] || die usage "--mbox needs a value"
		mbox=$2
		shift 2 ;;
	-*) die usage "unknown argument '$1' (see --help)" ;;
	*) break ;;
	esac
done
[[ $# -eq 2 ]] || die usage "want MSGID and OUT (see --help)"
msgid=${1#<}
msgid=${msgid%>}
out=$2
[[ $msgid =~ ^[^[:space:]\<\>@]+@[^[:space:]\<\>@]+$ ]] || die usage "'$1' is no Message-Id"
[[ ! -e $out && ! -L $out ]] || die usage "$out exists: name a new file"
[[ -z $mbox || -f $mbox ]] || die thread "no such mbox: $mbox"

timeout=${XE_STACK_NET_TIMEOUT:-300}
[[ $timeout =~ ^[1-9][0-9]*$ ]] || die usage "XE_STACK_NET_TIMEOUT='$timeout' is no number of seconds"

# holds FILE: FILE has a message whose Message-Id (any case, folded or
# not) is MSGID. awk reads all of FILE: no early exit to break a pipe.
holds() {
	awk -v id="$msgid" '
		function check() { gsub(/[<> \t\r]/, "", v); if (v == id) found = 1 }
		on && /^[ \t]/ { v = v $0; next }
		on { check(); on = 0 }
		tolower($0) ~ /^message-id:/ { v = substr($0, 12); on = 1 }
		END { if (on) check(); exit !found }' "$1"
}

part=$(mktemp "$out.XXXXXX")
trap 'rm -rf "$part" "$part.d"' EXIT
if [[ -n $mbox ]]; then
	holds "$mbox" || die thread "$mbox holds no message <$msgid>"
	cp "$mbox" "$part"
else
	need b4 b4
	mkdir "$part.d"
	log "fetching the thread of <$msgid> with b4"
	timeout --kill-after=10 "$timeout" b4 -n --no-stdin mbox -C -o "$part.d" -n thread.mbox "$msgid" >&2 ||
		die thread "b4 mbox could not fetch <$msgid> (no network, no such message, or no answer in $timeout s)"
	if [[ ! -f $part.d/thread.mbox ]] || ! holds "$part.d/thread.mbox"; then
		die thread "b4 mbox fetched no thread holding <$msgid>"
	fi
	mv "$part.d/thread.mbox" "$part"
fi
# A hard link fails where OUT appeared meanwhile: it is never replaced.
ln "$part" "$out" 2>/dev/null || die thread "cannot write $out (it exists now, or its folder is not writable)"
