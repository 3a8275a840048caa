#!/usr/bin/env bash
# Usage: stage-coccinelle.sh [--baseline KEYS] INDEX LOGS TREE BUILD_DIR FILE...
#
# The coccinelle stage, under the stages' contract (README.md, "Stages"):
# the kernel's scripts/coccicheck in report mode, as "make C=1
# CHECK=scripts/coccicheck" runs it on one file, with every semantic patch
# of TREE's scripts/coccinelle, on each of the given tree-relative C files
# that exists in TREE. BUILD_DIR is a build of TREE (its generated
# headers). Each report becomes a warning key, "cocci<TAB>FILE<TAB>MESSAGE"
# with the line numbers taken out, in LOGS/INDEX-coccinelle.keys; the
# reports themselves go to LOGS/INDEX-coccinelle.log. With --baseline, the
# keys that KEYS does not hold are new: they go to
# LOGS/INDEX-coccinelle.new and fail the stage. Run it without --baseline
# before a patch, and with the keys it wrote as the baseline after it.
#
# A file's reports are kept in $XE_STACK_CACHE/coccinelle, keyed by its
# path and content, the headers of drivers/gpu/drm/ and include/, the
# semantic patches and spatch's version: the tree before a patch is the
# tree after the one before it, so the run before a patch finds what the
# run after the previous one stored. Like ccache, the store is a cache
# of the tool's output, kept whatever --no-cache says. Files are checked
# $JOBS at a time, each within XE_STACK_COCCI_TIMEOUT seconds (900).
# Exit 0 pass, 1 fail, 2 usage.
#
#   --baseline KEYS  the keys that are not new
#   -h, --help       this text
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

baseline=''
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--baseline) optval "$@"; baseline=$2; shift ;;
	-*) die usage "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
	shift
done
(($# >= 4)) || die usage "stage-coccinelle.sh [--baseline KEYS] INDEX LOGS TREE BUILD_DIR FILE... (see --help)"
idx=$1 logs=$2
[[ -d $logs ]] || die usage "no folder $logs"
[[ -x $3/scripts/coccicheck ]] || die usage "no kernel tree at $3 (no scripts/coccicheck)"
[[ -d $4 ]] || die usage "no build dir $4"
[[ -z $baseline || -f $baseline ]] || die usage "--baseline: no file $baseline"
tree=$(cd "$3" && pwd) build=$(cd "$4" && pwd)
shift 4
need spatch coccinelle
# Two of the kernel's semantic patches are scripted in OCaml, which
# spatch compiles when it runs them.
need ocamlopt ocaml-nox
timeout=${XE_STACK_COCCI_TIMEOUT:-900}
[[ $timeout =~ ^[1-9][0-9]*$ ]] || die usage "XE_STACK_COCCI_TIMEOUT: seconds, not '$timeout'"

files=()
for f in "$@"; do
	[[ $f == *.c && -f $tree/$f ]] && files+=("$f")
done
log=$logs/$idx-coccinelle.log keys=$logs/$idx-coccinelle.keys
rm -f "$logs/$idx-coccinelle.new"
: >"$log"
: >"$keys"

store=$CACHE_DIR/coccinelle
mkdir -p "$store"
# What a run killed half-way left: its partial entries (KEY.new.PID).
find "$store" -maxdepth 1 -name '*.new.*' -mmin +60 -delete 2>/dev/null || true
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# What every file's reports depend on besides its own content: spatch,
# the semantic patches, and the headers a semantic patch may read (those
# of drivers/gpu/drm/ and include/, as the tree has them now).
(
	spatch --version | head -n1
	cd "$tree"
	for d in scripts/coccinelle drivers/gpu/drm include; do
		[[ ! -d $d ]] || find "$d" \( -name '*.cocci' -o -name '*.h' \) -type f -print0
	done | LC_ALL=C sort -z | xargs -0r sha256sum
	sha256sum scripts/coccicheck
) | sha256sum | cut -c1-32 >"$tmp/common"

# check FILE: FILE's reports into $tmp/N.out, from the store or coccicheck.
check() {
	local f=$1 n=$2 key entry part
	key=$({ cat "$tmp/common"; echo "$f"; sha256sum <"$tree/$f"; } | sha256sum | cut -c1-32)
	entry=$store/$key part=$store/$key.new.$BASHPID
	if [[ ! -f $entry ]]; then
		# coccicheck as make's C=1 calls it: the file last, make's
		# include flags in LINUXINCLUDE, from the build dir.
		if ! (cd "$build" && timeout "$timeout" env C=1 MODE=report srctree="$tree" DEBUG_FILE="$tmp/$n.debug" \
			LINUXINCLUDE="-I$tree/arch/x86/include -I./arch/x86/include/generated -I$tree/include -I./include -I$tree/arch/x86/include/uapi -I./arch/x86/include/generated/uapi -I$tree/include/uapi -I./include/generated/uapi -include $tree/include/linux/compiler-version.h -include $tree/include/linux/kconfig.h" \
			"$tree/scripts/coccicheck" "$tree/$f") >"$tmp/$n.raw" 2>&1; then
			{
				echo "coccicheck failed (or ran over ${timeout}s) on $f:"
				cat "$tmp/$n.raw" "$tmp/$n.debug"
			} >"$tmp/$n.err" 2>/dev/null
			return 1
		fi
		awk -v p="$tree/$f:" 'index($0, p) == 1 && substr($0, length(p) + 1) ~ /^[0-9]+:/ {
			print substr($0, length(p) - length(f))
		}' f="$f" "$tmp/$n.raw" >"$part"
		mv -f "$part" "$entry"
	fi
	cp "$entry" "$tmp/$n.out"
}
n=0 pids=() status=0
for f in "${files[@]}"; do
	n=$((n + 1))
	check "$f" "$n" &
	pids+=($!)
	if ((${#pids[@]} >= JOBS)); then
		wait "${pids[0]}" || status=1
		pids=("${pids[@]:1}")
	fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
if ((status)); then
	cat "$tmp"/*.err >"$log" 2>/dev/null || true
	log "[coccinelle] coccicheck failed: see $log"
	exit 1
fi
cat "$tmp"/*.out >"$log" 2>/dev/null || true
# FILE:LINE:COL-COL: MESSAGE; a message's own "line N" is a line number
# too. The same report twice in a file is two keys (" #2"): a patch that
# adds one more copy of a report the file has adds a key.
sed -E 's/^([^:]+):[0-9]+:[^ ]*: (.*)$/cocci\t\1\t\2/; s/line [0-9]+/line N/g' "$log" |
	LC_ALL=C sort | awk '{ n[$0]++; print $0 (n[$0] > 1 ? " #" n[$0] : "") }' >"$keys"
[[ -n $baseline ]] || exit 0
new_keys "$baseline" <"$keys" >"$tmp/new" || true
[[ -s $tmp/new ]] || exit 0
cp "$tmp/new" "$logs/$idx-coccinelle.new"
log "[coccinelle] new reports:"
cat "$tmp/new" >&2
exit 1
