#!/usr/bin/env bash
# Usage: stage-kunit-builtin.sh [--prev-kunit JSON] INDEX LOGS TREE BUILD_DIR OUT_DIR
#
# The kunit-builtin stage, under the stages' contract (README.md,
# "Stages"), of one tree: every xe KUnit suite built in, run
# by TREE's own tools/testing/kunit/kunit.py (x86_64 under qemu) with
# kunit-configs/xe.kunitconfig (xe's own, and GPU SVM; the stage fails
# when TREE's drivers/gpu/drm/xe/.kunitconfig asks for more), in BUILD_DIR (incremental; kunit.py reconfigures it when the configs
# change). Suites #included from a .c file under IS_BUILTIN(...) run only
# here, not in the module boot. The results are compared with JSON
# (kunit-compare.py): a test that passed and now fails or is gone,
# or a suite that ran and is gone, fails the stage.
#
# When /dev/kvm can be opened but KVM cannot work (no vmx/svm, or
# XE_STACK_ACCEL is tcg), kunit.py would still try it first and hang: it
# then runs in a mount namespace where /dev/kvm is /dev/null (unshare; a
# user namespace when not root), so qemu uses TCG. A /dev/kvm that cannot
# be opened needs nothing: qemu falls back to TCG by itself.
#
# OUT_DIR gets kunit.json, kunit.txt (kunit.py's output) and console.log
# (the guest's raw output); LOGS/INDEX-kunit-builtin.log, the comparison.
# Exit status: 0 pass, 1 fail, 2 usage.
#
#   --prev-kunit JSON  results of the previous tree (default: none, every
#                      test must pass or skip)
#   -h, --help         this text
#
# XE_STACK_KUNIT_TIMEOUT: seconds kunit.py waits for the tests (default 900).
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

prev=
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--prev-kunit) optval "$@"; prev=$2; shift ;;
	-*) die usage "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
	shift
done
[[ $# -eq 5 ]] || die usage "stage-kunit-builtin.sh [--prev-kunit JSON] INDEX LOGS TREE BUILD_DIR OUT_DIR (see --help)"
idx=$1 logs=$2
shift 2
[[ -d $logs ]] || die usage "no folder $logs"
[[ -d $1 ]] || die usage "no tree $1"
tree=$(cd "$1" && pwd) build=$2 d=$3
[[ -f $tree/tools/testing/kunit/kunit.py ]] || die usage "$tree has no tools/testing/kunit/kunit.py"
[[ -f $tree/drivers/gpu/drm/xe/.kunitconfig ]] || die usage "$tree has no drivers/gpu/drm/xe/.kunitconfig"
[[ -z $prev || -f $prev ]] || die usage "--prev-kunit: no file $prev"
# kunit-configs/xe.kunitconfig is a copy of the pinned xe's own with more:
# a tree (a patch, or KERNEL_DIR) whose xe asks for what it lacks is said
# so, rather than run with less.
missing=$(grep -E '^(CONFIG_|# CONFIG_[A-Za-z0-9_]+ is not set)' "$tree/drivers/gpu/drm/xe/.kunitconfig" |
	grep -vxF -f "$REPO_DIR/kunit-configs/xe.kunitconfig" || true)
if [[ -n $missing ]]; then
	printf 'kunit-builtin: kunit-configs/xe.kunitconfig lacks what %s asks for: %s\n' \
		"$tree/drivers/gpu/drm/xe/.kunitconfig" "$(paste -sd';' <<<"$missing" | sed 's/;/; /g')" >"$logs/$idx-kunit-builtin.log"
	cat "$logs/$idx-kunit-builtin.log" >&2
	exit 1
fi
need qemu-system-x86_64 qemu-system-x86
mkdir -p "$build" "$d"
# kunit.py runs from the tree's root: every path it gets is absolute.
build=$(cd "$build" && pwd) d=$(cd "$d" && pwd)
# Nor may it leave __pycache__ in the tree, which a user's tree would keep.
export PYTHONDONTWRITEBYTECODE=1
rm -f "$d/kunit.json"

cmd=(python3 "$tree/tools/testing/kunit/kunit.py" run --arch=x86_64
	--build_dir="$build" --jobs="$JOBS" --timeout="${XE_STACK_KUNIT_TIMEOUT:-900}"
	--kunitconfig="$REPO_DIR/kunit-configs/xe.kunitconfig"
	--make_options="CC=ccache gcc" --json="$d/kunit.json")
if [[ -w /dev/kvm ]] && ! kvm_usable; then
	need unshare util-linux
	need mount mount
	ns=(unshare --mount)
	((EUID == 0)) || ns+=(--map-root-user)
	"${ns[@]}" sh -c 'mount --bind /dev/null /dev/kvm' 2>"$d/unshare.err" ||
		die tools "/dev/kvm works but KVM cannot (no vmx/svm), and it cannot be hidden from kunit.py's qemu: $(head -n1 "$d/unshare.err") (run as root, allow user namespaces, or make /dev/kvm unwritable)"
	cmd=("${ns[@]}" sh -c 'mount --bind /dev/null /dev/kvm && exec "$@"' sh "${cmd[@]}")
fi
export CCACHE_DIR=${CCACHE_DIR:-$CACHE_DIR/ccache}
rc=0
run "${cmd[@]}" >"$d/kunit.txt" 2>&1 || rc=$?
cp "$build/test.log" "$d/console.log" 2>/dev/null || true
if [[ ! -s $d/kunit.json ]]; then
	{
		echo "kunit-builtin: kunit.py gave no results (exit $rc); its last lines:"
		tail -n 20 "$d/kunit.txt"
	} >"$logs/$idx-kunit-builtin.log"
	head -n 1 "$logs/$idx-kunit-builtin.log" >&2
	exit 1
fi
rc=0
"$REPO_DIR/scripts/pipeline/kunit-compare.py" "$d/kunit.json" ${prev:+"$prev"} >"$logs/$idx-kunit-builtin.log" 2>&1 || rc=1
grep -m1 '^kunit:' "$logs/$idx-kunit-builtin.log" | sed 's/^/kunit-builtin: /' >&2 || true
((rc == 0)) || grep -E 'REGRESSION|no KUnit test|error' "$logs/$idx-kunit-builtin.log" | head -n 10 >&2 || true
exit "$rc"
