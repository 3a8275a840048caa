#!/usr/bin/env bash
# merge_config.sh -n|-m -O DIR FRAGMENT...: the fragments merged in order,
# a later value replacing an earlier one, into DIR/.config.
set -euo pipefail
out=.
while [[ $1 == -* ]]; do
	case $1 in -O) out=$2; shift ;; esac
	shift
done
awk '/^CONFIG_[A-Za-z0-9_]+=/ { n = index($0, "="); v[substr($0, 1, n - 1)] = $0; next }
	/^# CONFIG_[A-Za-z0-9_]+ is not set$/ { delete v[$2] }
	END { for (k in v) print v[k] }' "$@" | sort >"$out/.config"
