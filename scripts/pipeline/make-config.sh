#!/usr/bin/env bash
# Usage: make-config.sh [--base FILE] [--localversion STR] SRC_TREE BUILD_DIR CONFIG_NAME
#
# Generate BUILD_DIR/.config for CONFIG_NAME (a row of
# config-fragments/matrix) with the kernel's merge_config.sh, then fail,
# naming each option, if any value a fragment asks for is not in the final
# .config (merge_config drops unmet dependencies with a mere warning).
# BUILD_DIR/.config is rewritten only when it changes, so incremental
# builds stay incremental.
#
# The row's arch= and cc= settings give make its ARCH and LLVM.
# Rows merge their fragments on allnoconfig, except rows of role "debian":
# those merge them on Debian's own amd64 config for the pinned kernel
# (linux-config-7.3, pin.conf; fetched by fetch-kernel.sh --debian-config),
# then run olddefconfig.
#
#   --base FILE         merge the fragments on FILE (a full .config), then
#                       olddefconfig, whatever the row's role
#   --localversion STR  also set CONFIG_LOCALVERSION="STR", checked like a
#                       fragment's option
#   -h, --help          this text
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

base='' localversion='' has_localversion=0
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--base) base=${2:?--base takes a file}; shift ;;
	--localversion) localversion=${2?--localversion takes a string}; has_localversion=1; shift ;;
	*) break ;;
	esac
	shift
done
[[ $# -eq 3 ]] || die usage "make-config.sh [--base FILE] [--localversion STR] SRC_TREE BUILD_DIR CONFIG_NAME (see --help)"
src=$1 build=$2 name=$3
FRAG_DIR=${XE_STACK_FRAGMENTS:-$REPO_DIR/config-fragments}

# fragments NAME: the fragment files of one matrix row.
fragments() {
	local f
	[[ -n ${matrix_frags[$1]+x} ]] || die config "no config '$1' in config-fragments/matrix"
	for f in ${matrix_frags[$1]}; do
		[[ -f $FRAG_DIR/$f.config ]] || die config "$1: missing fragment config-fragments/$f.config"
		printf '%s\n' "$FRAG_DIR/$f.config"
	done
}

read_matrix
mapfile -t frags < <(fragments "$name")
# The row's ARCH and toolchain, in the environment: merge_config.sh runs
# make itself, and Kconfig records the compiler (CONFIG_CC_IS_CLANG...).
mapfile -t make_env < <(matrix_make_args "$name")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$build"
if [[ -z $base && ${matrix_role[$name]} == debian ]]; then
	base=$("$REPO_DIR/scripts/pipeline/fetch-kernel.sh" --debian-config) ||
		die config "$name: cannot fetch Debian's config ($PIN_CONFIG_PACKAGE)"
fi
if ((has_localversion)); then
	printf 'CONFIG_LOCALVERSION="%s"\n' "$localversion" >"$tmp/localversion.config"
	frags+=("$tmp/localversion.config")
fi
if [[ -z $base ]]; then
	log "$name: merging $(printf '%s ' "${frags[@]##*/}")on allnoconfig"
	(cd "$src" && env "${make_env[@]}" scripts/kconfig/merge_config.sh -n -O "$tmp" "${frags[@]}") \
		>"$tmp/merge.log" 2>&1 || { cat "$tmp/merge.log" >&2; die config "$name: merge_config.sh failed"; }
else
	[[ -f $base ]] || die config "$name: no base config $base"
	log "$name: merging $(printf '%s ' "${frags[@]##*/}")on $base, then olddefconfig"
	(cd "$src" && env "${make_env[@]}" scripts/kconfig/merge_config.sh -m -O "$tmp" "$base" "${frags[@]}") \
		>"$tmp/merge.log" 2>&1 || { cat "$tmp/merge.log" >&2; die config "$name: merge_config.sh failed on $base"; }
	make -s -C "$src" O="$tmp" "${make_env[@]}" olddefconfig >>"$tmp/merge.log" 2>&1 ||
		{ cat "$tmp/merge.log" >&2; die config "$name: olddefconfig failed"; }
fi

# Every requested value must have survived; a later fragment's value
# replaces an earlier one's, as in merge_config.sh.
declare -A want=()
while IFS= read -r line; do
	if [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
		want[${BASH_REMATCH[1]}]=n
	elif [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
		want[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
	fi
done < <(cat "${frags[@]}")
missing=0
for opt in "${!want[@]}"; do
	got=$(sed -n "s/^$opt=//p" "$tmp/.config")
	if [[ ${want[$opt]} == n ]]; then
		[[ -z $got ]] && continue
	elif [[ $got == "${want[$opt]}" ]]; then
		continue
	fi
	log "$name: $opt requested '${want[$opt]}', final .config has '${got:-n}'"
	missing=1
done
((missing == 0)) || die config "$name: options above are not in the final .config (unmet dependencies?)"

if ! cmp -s "$tmp/.config" "$build/.config"; then
	cp "$tmp/.config" "$build/.config"
	log "$name: wrote $build/.config"
fi
