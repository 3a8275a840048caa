#!/usr/bin/env bash
# checkpatch.pl [OPTION...] PATCH: a WARNING per added "fake: checkpatch-warn",
# and, as the real one, FILE_PATH_CHANGES for a patch that adds a file
# unless an --ignore option names that type.
set -euo pipefail
patch=${*: -1}
w=0
while IFS= read -r msg; do
	echo "$patch: WARNING: FAKE: $msg"
	w=$((w + 1))
done < <(sed -n 's/^+.*fake: checkpatch-warn \(.*\) \*\/.*/\1/p' "$patch")
if grep -q '^--- /dev/null' "$patch" && [[ " $* " != *" --ignore "*FILE_PATH_CHANGES* ]]; then
	echo "$patch: WARNING: added, moved or deleted file(s), does MAINTAINERS need updating?"
	w=$((w + 1))
fi
echo "total: 0 errors, $w warnings, 0 checks, 1 lines checked"
