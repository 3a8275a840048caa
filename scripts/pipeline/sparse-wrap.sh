#!/usr/bin/env bash
# Usage: CHECK=scripts/pipeline/sparse-wrap.sh (for kbuild; not run by hand)
#
# Runs sparse ($XE_STACK_SPARSE) with kbuild's arguments and prefixes each
# line it prints with "sparse: ", so the pipeline tells sparse's findings
# apart from the compiler's in one build log (line-buffered, so parallel
# jobs never interleave within a line). Exit status is sparse's.
set -uo pipefail
{ "${XE_STACK_SPARSE:?set XE_STACK_SPARSE to the sparse binary}" "$@" 2>&1 1>&3 3>&- |
	sed -u 's/^/sparse: /' >&2; } 3>&1
