#!/usr/bin/env bash
# Usage: build-kernel.sh [--sparse | --sparse-all DIR...] SRC_TREE CONFIG_NAME [BUILD_DIR]
#
# Build bzImage and modules of SRC_TREE for CONFIG_NAME (a row of
# config-fragments/matrix) out of tree in BUILD_DIR (default
# $XE_STACK_CACHE/build/CONFIG_NAME), incrementally, through ccache, with
# W=1. Prints every make command.
#
#   --sparse          also C=1: sparse checks every file that is recompiled,
#                     its lines prefixed "sparse: "
#   --sparse-all DIR  instead of building, C=2: sparse checks every C file
#                     under DIR (repeatable), built or not
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

sparse=0
targets=(bzImage modules)
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--sparse) sparse=1 ;;
	--sparse-all)
		[[ $sparse == 2 ]] || targets=()
		sparse=2
		targets+=("${2:?--sparse-all takes a directory}")
		shift ;;
	*) break ;;
	esac
	shift
done
[[ $# -eq 2 || $# -eq 3 ]] || die usage "build-kernel.sh [--sparse | --sparse-all DIR] SRC_TREE CONFIG_NAME [BUILD_DIR] (see --help)"
src=$1 name=$2
build=${3:-$CACHE_DIR/build/$name}
need ccache ccache
need make make

"$REPO_DIR/scripts/pipeline/make-config.sh" "$src" "$build" "$name"

export CCACHE_DIR=${CCACHE_DIR:-$CACHE_DIR/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-10G}
# The row's ARCH and toolchain; the compiler through ccache either way.
read_matrix
mapfile -t args < <(matrix_make_args "$name")
if [[ ${matrix_cc[$name]} == clang ]]; then
	need "clang$PIN_LLVM" "clang$PIN_LLVM lld$PIN_LLVM llvm$PIN_LLVM"
	args+=(CC="ccache clang$PIN_LLVM")
else
	args+=(CC="ccache gcc")
fi
args+=(-C "$src" O="$build" -j"$JOBS" W=1
	KBUILD_BUILD_TIMESTAMP=xe-stack KBUILD_BUILD_USER=xe-stack KBUILD_BUILD_HOST=xe-stack)
# The kernel runs its Python tools as $(PYTHON3): kernel-doc once per
# compiled file under W=1, about 1,100 times in a cold build. Given the
# interpreter python3 resolves to, a version manager's shim (pyenv's
# costs ~0.1 s a call) is entered once, not for every file.
py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) || py=
[[ $py != /* ]] || args+=(PYTHON3="$py")
if ((sparse)); then
	XE_STACK_SPARSE=${XE_STACK_SPARSE:-$CACHE_DIR/tools/sparse-$PIN_SPARSE_VERSION/sparse}
	[[ -x $XE_STACK_SPARSE ]] || die tools "no sparse at $XE_STACK_SPARSE: run scripts/setup/install-deps.sh"
	export XE_STACK_SPARSE
	args+=(C="$sparse" CHECK="$REPO_DIR/scripts/pipeline/sparse-wrap.sh")
fi
run make "${args[@]}" "${targets[@]}"
