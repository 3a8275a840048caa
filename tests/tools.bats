#!/usr/bin/env bats
# The fast tier (make check-fast): the tools that need no kernel, no root
# and no network, on canned inputs (tests/data/) as kunit.py's own tests
# do: lint, the parsers of the series and the matrix, the boot console
# judge, KUnit result comparison, warning keys and the report.

load helpers

DATA=$REPO/tests/data

@test "make lint passes; every script answers --help" {
	run make -s -C "$REPO" lint
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	for s in "$REPO"/scripts/*/*.sh "$REPO"/scripts/*/*.py; do
		[[ $s == */lib.sh || $s == */sparse-wrap.sh ]] && continue
		run "$s" --help
		[ "$status" -eq 0 ] || { echo "$s --help: $status"; false; }
		[[ $output == *Usage* ]] || { echo "$s --help says no Usage"; false; }
	done
}

@test "warning keys ignore line numbers and the tree's path" {
	log=$BATS_TEST_TMPDIR/log
	cat >"$log" <<'LOG'
/t/src/drivers/gpu/drm/xe/a.c:10:5: warning: unused variable 'x' [-Wunused-variable]
sparse: /t/src/drivers/gpu/drm/xe/a.c:12:3: warning: symbol 'y' was not declared. Should it be static?
sparse: /t/src/drivers/gpu/drm/xe/a.c:12:3:    expected int
Warning: /t/src/drivers/gpu/drm/xe/b.c:2324 No description found for return value of 'f'
WARNING: modpost: missing MODULE_DESCRIPTION() in drivers/x.o
  CC [M]  drivers/gpu/drm/xe/a.o
LOG
	run awk -v src=/t/src -f "$REPO/scripts/pipeline/warnings.awk" "$log"
	[ "${#lines[@]}" -eq 4 ]
	[ "${lines[0]}" = "$(printf 'cc\tdrivers/gpu/drm/xe/a.c\twarning unused variable '"'x'"' [-Wunused-variable]')" ]
	[[ ${lines[1]} == sparse$'\t'drivers/gpu/drm/xe/a.c$'\t'* ]]
	[[ ${lines[2]} == kernel-doc$'\t'drivers/gpu/drm/xe/b.c$'\t'No\ description* ]]
	sed -i 's/:10:5:/:99:1:/' "$log"
	run awk -v src=/t/src -f "$REPO/scripts/pipeline/warnings.awk" "$log"
	[ "${lines[0]}" = "$(printf 'cc\tdrivers/gpu/drm/xe/a.c\twarning unused variable '"'x'"' [-Wunused-variable]')" ]
}

@test "report: table, JSON and JUnit from a results file" {
	out=$BATS_TEST_TMPDIR/out
	mkdir -p "$out"
	printf 'index\tpatch\tsubject\n01\ta.patch\tdrm/xe: A\n02\tb.patch\tdrm/xe: B\n' >"$out/patches.tsv"
	printf 'index\tpatch\tstage\tstatus\tseconds\tlog\n01\ta.patch\tapply\tpass\t1\tl\n01\ta.patch\tbuild:x\tfail\t9\tl\n' >"$out/results.tsv"
	run "$REPO/scripts/pipeline/report.py" "$out"
	[ "$status" -eq 0 ]
	grep -q '| 01 | drm/xe: A | pass 1s | fail 9s |' "$out/report.md"
	grep -q '| 02 | drm/xe: B | skipped | skipped |' "$out/report.md"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["failed"] == 1' "$out/report.json"
	python3 -c 'import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])' "$out/junit.xml"
	grep -q '<failure' "$out/junit.xml"
}

@test "the result cache is keyed by scripts/pipeline and scripts/lib, and the pipeline runs nothing else" {
	run "$REPO/scripts/pipeline/check-series.sh" --pipeline-files
	[ "$status" -eq 0 ]
	list=$output
	for f in pipeline/check-series.sh pipeline/stage-build.sh pipeline/guest/init pipeline/warnings.awk \
		pipeline/quiltrc lib/lib.sh; do
		grep -qx "scripts/$f" <<<"$list" || { echo "not in the key: $f"; false; }
	done
	run ! grep -qvE '^scripts/(pipeline|lib)/' <<<"$list"
	# Every script of the project that they name is theirs (install-deps.sh
	# is only named in hints).
	mapfile -t files <<<"$list"
	used=$(cd "$REPO" && grep -ohE 'scripts/(lib|pipeline|mail|package|bench|triage|setup)/[A-Za-z0-9_./-]*[A-Za-z0-9_]' "${files[@]}" | sort -u)
	[ -n "$used" ]
	for f in $used; do
		[[ $f == scripts/pipeline/* || $f == scripts/lib/* || $f == scripts/setup/install-deps.sh ]] ||
			{ echo "the pipeline runs $f"; false; }
	done
}

@test "check-series planning: the first index checked and the reference, from the cache, --from and --only" {
	# shellcheck source=../scripts/pipeline/lib/plan.sh
	. "$REPO/scripts/pipeline/lib/plan.sh"
	# patches cached --from --only -> first ref
	while read -r n cached from only want wref; do
		[[ $from == - ]] && from=
		[[ $only == - ]] && only=
		got=$(plan_run "$n" "$cached" "$from" "$only")
		[ "$got" = "$want $wref" ] || { echo "plan_run $n $cached '$from' '$only': $got, not $want $wref"; false; }
	done <<-'PLAN'
	3 0 - - 0 0
	3 2 - - 2 0
	3 4 - - 4 0
	3 4 2 - 2 0
	3 1 3 - 1 0
	3 0 3 3 3 2
	3 2 3 3 3 2
	3 3 3 3 3 0
	3 4 3 3 3 0
	3 0 1 1 0 0
	3 4 1 1 1 0
	PLAN
}

# kunit_json FILE SUITE:CASE:STATUS...: a result file as kunit.py writes it.
kunit_json() {
	local f=$1
	shift
	python3 - "$f" "$@" <<'PY'
import json, sys
suites = {}
for spec in sys.argv[2:]:
    suite, case, status = spec.split(":")
    suites.setdefault(suite, []).append({"name": case, "status": status})
root = {"name": "KUnit Test Group", "test_cases": [],
        "sub_groups": [{"name": s, "sub_groups": [], "test_cases": c} for s, c in suites.items()]}
json.dump(root, open(sys.argv[1], "w"))
PY
}

@test "kunit-compare: a failing, a vanished test and a vanished suite fail; old failures do not" {
	d=$BATS_TEST_TMPDIR
	kunit_json "$d/prev.json" a:one:PASS a:two:FAILURE b:only:SKIP c:x:PASS
	kunit_json "$d/same.json" a:one:PASS a:two:FAILURE b:only:SKIP c:x:PASS c:new:PASS
	run "$REPO/scripts/pipeline/kunit-compare.py" "$d/same.json" "$d/prev.json"
	[ "$status" -eq 0 ]
	[[ $output == *"still failing KUnit Test Group.a.two"* ]]
	# Suite b only skipped: no test of it passed, yet it must not vanish.
	kunit_json "$d/cur.json" a:one:PASS a:two:FAILURE c:x:PASS
	run "$REPO/scripts/pipeline/kunit-compare.py" "$d/cur.json" "$d/prev.json"
	[ "$status" -eq 1 ]
	[[ $output == *"REGRESSION suite b: disappeared (ran before)"* ]]
	kunit_json "$d/cur.json" a:one:FAILURE a:two:FAILURE b:only:SKIP
	run "$REPO/scripts/pipeline/kunit-compare.py" "$d/cur.json" "$d/prev.json"
	[ "$status" -eq 1 ]
	[[ $output == *"REGRESSION KUnit Test Group.a.one: FAILURE (before: PASS)"* ]]
	[[ $output == *"REGRESSION KUnit Test Group.c.x: disappeared (passed before)"* ]]
	kunit_json "$d/cur.json"
	run "$REPO/scripts/pipeline/kunit-compare.py" "$d/cur.json"
	[ "$status" -eq 1 ]
	[[ $output == *"no KUnit test ran"* ]]
	# A suite skipped as a whole is a case of the root, not a group.
	kunit_json "$d/cur.json" a:one:PASS
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); d["test_cases"].append({"name": "whole", "status": "SKIP"}); json.dump(d, open(sys.argv[2], "w"))' \
		"$d/cur.json" "$d/prev.json"
	run "$REPO/scripts/pipeline/kunit-compare.py" "$d/cur.json" "$d/prev.json"
	[ "$status" -eq 1 ]
	[[ $output == *"REGRESSION suite whole: disappeared (ran before)"* ]]
}

@test "stage-kunit-builtin: bad arguments are refused before anything is built" {
	d=$BATS_TEST_TMPDIR
	s=$REPO/scripts/pipeline/stage-kunit-builtin.sh
	mkdir -p "$d/logs"
	run "$s" 01 "$d/logs" "$d/none" "$d/b" "$d/o"
	[ "$status" -eq 2 ]
	[[ $output == *"[usage] no tree $d/none"* ]]
	run "$s" 01 "$d/nologs" "$d" "$d/b" "$d/o"
	[ "$status" -eq 2 ]
	[[ $output == *"[usage] no folder $d/nologs"* ]]
	run "$s" 01 "$d/logs" "$d" "$d/b" "$d/o"
	[ "$status" -eq 2 ]
	[[ $output == *"[usage]"*"has no tools/testing/kunit/kunit.py"* ]]
	mkdir -p "$d/tools/testing/kunit" "$d/drivers/gpu/drm/xe"
	touch "$d/tools/testing/kunit/kunit.py" "$d/drivers/gpu/drm/xe/.kunitconfig"
	run "$s" --prev-kunit "$d/none.json" 01 "$d/logs" "$d" "$d/b" "$d/o"
	[ "$status" -eq 2 ]
	[[ $output == *"--prev-kunit: no file $d/none.json"* ]]
	run "$s" 01 "$d/logs" "$d" "$d/b"
	[ "$status" -eq 2 ]
	[ ! -e "$d/b" ]
	[ ! -e "$d/o" ]
	[ -z "$(ls -A "$d/logs")" ]
}

# a_series LINES...: a series file of those lines in $BATS_TEST_TMPDIR/s,
# beside empty patches a.patch .. e.patch.
a_series() {
	local s=$BATS_TEST_TMPDIR/s
	mkdir -p "$s"
	touch "$s"/{a,b,c,d,e}.patch
	printf '%s\n' "$@" >"$s/series"
}

info() { "$REPO/scripts/lib/stack-info.sh" --series "$BATS_TEST_TMPDIR/s/series" --patches "$BATS_TEST_TMPDIR/s" "$@"; }

@test "stack-info: the patches, the mail series and what each mail series holds" {
	a_series '# mail: one' 'a.patch -p1 # first' '' 'b.patch' '#  mail:  two  ' '# with: a.patch' 'c.patch' 'd.patch'
	[ "$(info patches | paste -sd' ')" = "a.patch b.patch c.patch d.patch" ]
	[ "$(info mails | paste -sd' ')" = "one two" ]
	[ "$(info own one | paste -sd' ')" = "a.patch b.patch" ]
	[ "$(info with two)" = a.patch ]
	[ -z "$(info with one)" ]
	[ "$(info mail two | paste -sd' ')" = "a.patch c.patch d.patch" ]
	run info own three
	[ "$status" -eq 2 ]
	[[ $output == *"no mail series 'three'"* ]]
}

@test "stack-info: a series without mail lines is a series, but not a mail series" {
	a_series 'a.patch' 'b.patch'
	[ "$(info patches | wc -l)" -eq 2 ]
	run info mails
	[ "$status" -eq 1 ]
	[[ $output == *"[series] patch a.patch comes before any '# mail: NAME' line"* ]]
}

@test "stack-info: each wrong series is refused, naming the line or the patch" {
	bad() { # WHAT MESSAGE LINES...
		local what=$1 msg=$2
		shift 2
		a_series "$@"
		run info "$what"
		[ "$status" -ne 0 ] || { echo "accepted: $*"; false; }
		[[ $output == *"$msg"* ]] || { echo "for $*: $output"; false; }
	}
	bad patches "patch 2 of $BATS_TEST_TMPDIR/s/series, x.patch, is not in" a.patch x.patch
	bad patches "patch a.patch is listed twice" a.patch b.patch a.patch
	bad patches "patch a.patch is listed twice in $BATS_TEST_TMPDIR/s/series (mail series one and two)" \
		'# mail: one' a.patch '# mail: two' a.patch
	bad patches "has CRLF line ends (line 2)" a.patch $'b.patch\r'
	bad mails "'# with: a.patch' comes before any '# mail: NAME' line" '# with: a.patch' '# mail: one' a.patch
	bad mails "mail series one: '# with: b.patch' names no patch of a series before it" \
		'# mail: one' a.patch '# with: b.patch' '# mail: two' b.patch
	bad mails "mail series one: '# with: a.patch' names one of its own patches" '# mail: one' a.patch '# with: a.patch'
	bad mails "mail series two: '# with: a.patch' is there twice" \
		'# mail: one' a.patch '# mail: two' '# with: a.patch' '# with: a.patch' b.patch
	bad mails "mail series one is named twice" '# mail: one' a.patch '# mail: one' b.patch
	bad mails "mail series two has no patch" '# mail: one' a.patch '# mail: two'
	bad mails "no '# mail: NAME' line" '# no mail here'
}

@test "stack-info: the matrix's configs by role, and a row without fragments refused" {
	[ "$(stack_info configs pipeline | paste -sd' ')" = "xe-svm-debug xe-i386 xe-clang" ]
	[ "$(stack_info configs debian)" = deb-xe ]
	f=$BATS_TEST_TMPDIR/frag
	mkdir -p "$f"
	printf '# comment\nx pipeline base\ny extra\n' >"$f/matrix"
	XE_STACK_FRAGMENTS=$f run "$REPO/scripts/lib/stack-info.sh" configs pipeline
	[ "$status" -eq 1 ]
	[[ $output == *"[config] matrix row 'y' needs a role and fragments"* ]]
	# Settings: when, arch and cc, each with its values only.
	[ "$(stack_info when xe-clang)" = top ]
	[ "$(stack_info when xe-i386)" = patch ]
	printf 'x pipeline when=top arch=i386 cc=clang base\n' >"$f/matrix"
	XE_STACK_FRAGMENTS=$f run "$REPO/scripts/lib/stack-info.sh" when x
	[ "$output" = top ]
	for bad in when=often arch=arm64 cc=icc frobs=1; do
		printf 'x pipeline %s base\n' "$bad" >"$f/matrix"
		XE_STACK_FRAGMENTS=$f run "$REPO/scripts/lib/stack-info.sh" configs pipeline
		[ "$status" -eq 1 ]
		[[ $output == *"[config] matrix row 'x': unknown setting '$bad'"* ]]
	done
	# Only settings: no fragment.
	printf 'x pipeline when=top\n' >"$f/matrix"
	XE_STACK_FRAGMENTS=$f run "$REPO/scripts/lib/stack-info.sh" configs pipeline
	[[ $output == *"[config] matrix row 'x' needs a role and fragments"* ]]
}

@test "stack-info: the tops are the last patch of each mail series and the last patch" {
	[ "$(stack_info tops | xargs)" = "1 7 9" ]
	[ "$(stack_info "$FIXTURES/clean/series" tops | xargs)" = 3 ]
}

@test "check-boot: the base's console records 7.3's own KUnit warnings; against it, itself passes" {
	d=$BATS_TEST_TMPDIR
	run "$REPO/scripts/pipeline/check-boot.py" "$DATA/boot/base.console" "$d/base.sigs" --record
	[ "$status" -eq 0 ]
	[ "$(cat "$d/base.sigs")" = "13	WARNING: drivers/gpu/drm/xe/xe_rtp.c at rule_match_and [xe], CPU#N: kunit_try_catch/N @ rule_match_or [xe] < xe_rtp_rule_matches [xe] < xe_rtp_rules_tests [xe_test]" ]
	run "$REPO/scripts/pipeline/check-boot.py" "$DATA/boot/base.console" "$d/again.sigs" "$d/base.sigs"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# Without a base, kunit-configs/known-splats still excuses them.
	run "$REPO/scripts/pipeline/check-boot.py" "$DATA/boot/base.console" "$d/alone.sigs"
	[ "$status" -eq 0 ]
}

@test "check-boot: a new warning fails, named with its count and the lines around it" {
	d=$BATS_TEST_TMPDIR
	"$REPO/scripts/pipeline/check-boot.py" "$DATA/boot/base.console" "$d/base.sigs" --record
	run "$REPO/scripts/pipeline/check-boot.py" "$DATA/boot/warn.console" "$d/warn.sigs" "$d/base.sigs"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "new splat (4 here, 0 in the base): WARNING: drivers/gpu/drm/xe/xe_module.c at xe_init [xe], CPU#N: modprobe/N @ do_one_initcall < do_init_module < load_module" ]
	[[ ${lines[1]} == *"xe_module.c:191 at xe_init+0x11/0x140"* ]]
	# Then the call trace's reliable frames, for decode_stacktrace.sh.
	[[ ${lines[2]} == *" do_one_initcall+0xbf/0x400" ]]
	run ! grep -q '^    .* ? ' <<<"$output"
	grep -qx '13	WARNING: drivers/gpu/drm/xe/xe_rtp.c at rule_match_and \[xe\], CPU#N: kunit_try_catch/N @ .*' "$d/warn.sigs"
	# The same count in the base is not new.
	cp "$d/warn.sigs" "$d/same.sigs"
	run "$REPO/scripts/pipeline/check-boot.py" "$DATA/boot/warn.console" "$d/warn.sigs" "$d/same.sigs"
	[ "$status" -eq 0 ]
}

@test "check-boot: the same warning from another caller is a new splat, told apart by its stack" {
	d=$BATS_TEST_TMPDIR
	"$REPO/scripts/pipeline/check-boot.py" "$DATA/boot/warn.console" "$d/warn.sigs" --record
	# One of the 4 xe_init warnings reached through another function.
	awk '!done && /^ do_one_initcall\+/ { sub(/do_one_initcall/, "xe_other_caller"); done = 1 } 1' \
		"$DATA/boot/warn.console" >"$d/other.console"
	run "$REPO/scripts/pipeline/check-boot.py" "$d/other.console" "$d/other.sigs" "$d/warn.sigs"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "new splat (1 here, 0 in the base): WARNING: drivers/gpu/drm/xe/xe_module.c at xe_init [xe], CPU#N: modprobe/N @ xe_other_caller" ]
	grep -qx '3	WARNING: .* @ do_one_initcall < do_init_module < load_module' "$d/other.sigs"
	# kunit-configs/known-splats names xe_rtp's warning by its message:
	# any stack under it is excused.
	sed 's/xe_rtp_rule_matches+/xe_rtp_elsewhere+/' "$DATA/boot/base.console" >"$d/rtp.console"
	run "$REPO/scripts/pipeline/check-boot.py" "$d/rtp.console" "$d/rtp.sigs"
	[ "$status" -eq 0 ]
	grep -q '@ rule_match_or \[xe\] < xe_rtp_elsewhere \[xe\]' "$d/rtp.sigs"
}

@test "check-boot: a guest killed by the timeout, a failed step and a console that never ends fail" {
	d=$BATS_TEST_TMPDIR
	run "$REPO/scripts/pipeline/check-boot.py" "$DATA/boot/hang.console" "$d/hang.sigs" --record
	[ "$status" -eq 1 ]
	[[ $output == *"XE-STACK: FAIL guest killed after 120s"* ]]
	[[ $output == *"the guest did not reach its end"* ]]
	grep -v 'XE-STACK: done' "$DATA/boot/base.console" >"$d/cut.console"
	run "$REPO/scripts/pipeline/check-boot.py" "$d/cut.console" "$d/cut.sigs" --record
	[ "$status" -eq 1 ]
	[[ $output == "the guest did not reach its end"* ]]
	# A step of the guest that failed, in a console that ends.
	sed '/XE-STACK: done/i XE-STACK: FAIL modprobe -r xe' "$DATA/boot/base.console" >"$d/step.console"
	run "$REPO/scripts/pipeline/check-boot.py" "$d/step.console" "$d/step.sigs" --record
	[ "$status" -eq 1 ]
	[ "$output" = "XE-STACK: FAIL modprobe -r xe" ]
	run "$REPO/scripts/pipeline/check-boot.py" "$d/none.console" "$d/none.sigs"
	[ "$status" -eq 1 ]
	[[ $output == "no console to judge"* ]]
}

@test "kunit-compare: a real run with one broken case against its base" {
	run "$REPO/scripts/pipeline/kunit-compare.py" "$DATA/boot/kunit-break.kunit.json" "$DATA/boot/base.kunit.json"
	[ "$status" -eq 1 ]
	[[ $output == *"kunit: 368 tests, 367 passed, 1 failed, 0 skipped"* ]]
	[[ $output == *"REGRESSION KUnit Test Group.args.call_args_example: FAIL"* ]]
	run "$REPO/scripts/pipeline/kunit-compare.py" "$DATA/boot/base.kunit.json" "$DATA/boot/base.kunit.json"
	[ "$status" -eq 0 ]
}

@test "warning keys of real build logs: a sparse warning and a compile error" {
	for log in sparse-warning build-break; do
		run awk -v src=/src/linux -f "$REPO/scripts/pipeline/warnings.awk" "$DATA/build/$log.log"
		[ "$output" = "$(cat "$DATA/build/$log.keys")" ] || { echo "$log: $output"; false; }
	done
}

@test "report: a real run's results, with its failed boot" {
	cp -r "$DATA/results/boot-warn" "$BATS_TEST_TMPDIR/r"
	run "$REPO/scripts/pipeline/report.py" "$BATS_TEST_TMPDIR/r"
	[ "$status" -eq 0 ]
	grep -q '^| 01 | \[PATCH\] drm/xe: Warn at module init |.* fail 21s |' "$BATS_TEST_TMPDIR/r/report.md"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["failed"] == 1, d' "$BATS_TEST_TMPDIR/r/report.json"
	grep -q '<failure' "$BATS_TEST_TMPDIR/r/junit.xml"
	# The new splat, with its stack fingerprint, in each form.
	sig='new splat (4 here, 0 in the base): WARNING: drivers/gpu/drm/xe/xe_module.c at xe_init [xe], CPU#N: modprobe/N @ do_one_initcall < do_init_module < load_module'
	grep -qxF -- "- 01: $sig" "$BATS_TEST_TMPDIR/r/report.md"
	[[ $output == *"  01: $sig"* ]]
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["patches"][1]["splats"] == [sys.argv[2]], d' "$BATS_TEST_TMPDIR/r/report.json" "$sig"
	python3 -c 'import sys, xml.etree.ElementTree as E; m = [f.get("message") for f in E.parse(sys.argv[1]).iter("failure")]; assert m == [sys.argv[2]], m' "$BATS_TEST_TMPDIR/r/junit.xml" "$sig"
	# A run without kunit-builtin prints no reproducer; one with it does.
	[[ $output != *"kunit-builtin by hand"* ]]
	printf '01\tx.patch\tkunit-builtin\tpass\t9\tl\t\n' >>"$BATS_TEST_TMPDIR/r/results.tsv"
	run "$REPO/scripts/pipeline/report.py" "$BATS_TEST_TMPDIR/r"
	[[ ${lines[-1]} == "kunit-builtin by hand, in the kernel tree: ./tools/testing/kunit/kunit.py run --arch=x86_64 --kunitconfig=$REPO/kunit-configs/xe.kunitconfig" ]]
}

@test "mail-headers: headers read and rewritten with Python's email package, the body never" {
	m=$BATS_TEST_TMPDIR/m.patch
	h=$REPO/scripts/lib/mail-headers.py
	cp "$DATA/mail/folded.patch" "$m"
	[ "$("$h" get "$m" subject)" = "[PATCH v2 1/2] drm/xe: A subject that is long enough to need folding in the header of the mail, surely" ]
	[[ $("$h" get "$m" From) == "=?UTF-8?q?J=C3=B6hn"*"Ma?= =?UTF-8?q?ny=20Parts=20Really?= <john@example.org>" ]]
	[ "$("$h" addresses "$m" From)" = "J$(printf '\303\266')hn Very Long Name Of Somebody With Many Parts Really <john@example.org>" ]
	[ -z "$("$h" get "$m" Cc)" ]
	body() { sed -n '/^$/,$p' "$1"; }
	printf '<patch-1@example.org> <new-1@example.org>\n<cover@example.org> <new-0@example.org>\n' >"$BATS_TEST_TMPDIR/ids"
	printf 'To\ta@example.org\nTo\tB\303\266b <b@example.org>\nCc\tlist@example.org\n' >"$BATS_TEST_TMPDIR/rcpt"
	"$h" rewrite "$m" "$BATS_TEST_TMPDIR/ids" "$BATS_TEST_TMPDIR/rcpt"
	[ "$("$h" get "$m" Message-Id)" = "<new-1@example.org>" ]
	[ "$("$h" get "$m" In-Reply-To)" = "<new-0@example.org>" ]
	[ "$("$h" get "$m" References)" = "<new-0@example.org>" ]
	[ "$("$h" get "$m" X-Previous-Version)" = "<patch-1@example.org>" ]
	[ "$("$h" get "$m" To)" = "a@example.org, B$(printf '\303\266')b <b@example.org>" ]
	[ "$("$h" get "$m" Cc)" = "list@example.org" ]
	grep -qx "    B$(printf '\303\266')b <b@example.org>" "$m"
	[ "$(head -n 1 "$m")" = "$(head -n 1 "$DATA/mail/folded.patch")" ]
	diff <(body "$DATA/mail/folded.patch") <(body "$m")
	# Unfolded for b4, UTF-8 names and all.
	"$h" unfold "$m" | grep -qx "To: a@example.org, B$(printf '\303\266')b <b@example.org>"
	# Nothing to change: the same bytes.
	cp "$DATA/mail/folded.patch" "$m"
	: >"$BATS_TEST_TMPDIR/none"
	"$h" rewrite "$m" "$BATS_TEST_TMPDIR/none" "$BATS_TEST_TMPDIR/none"
	cmp "$m" "$DATA/mail/folded.patch"
	# Unfolded for b4: no header line continues, the body as it was.
	"$h" unfold "$m" "$m" >"$BATS_TEST_TMPDIR/mbox"
	[ "$(grep -c '^From 0000' "$BATS_TEST_TMPDIR/mbox")" -eq 2 ]
	run ! grep -q '^[ 	]' <(sed -n '1,/^$/p' "$BATS_TEST_TMPDIR/mbox")
	grep -qx 'Subject: \[PATCH v2 1/2\] drm/xe: A subject that is long enough to need folding in the header of the mail, surely' "$BATS_TEST_TMPDIR/mbox"
	grep -qx ' In-Reply-To: <cover@example.org>' "$BATS_TEST_TMPDIR/mbox"
	# A header line that is no header is refused, not dropped.
	sed '3a not a header' "$DATA/mail/folded.patch" >"$m"
	run "$h" unfold "$m"
	[ "$status" -eq 1 ]
	[[ $output == *"a line of the header is no header: not a header"* ]]
	# A reply saved with CRLF line ends: read, and rewritten with its own.
	printf 'From: r@example.org\r\nMessage-Id: <reply@example.org>\r\n\r\nThanks.\r\n' >"$m"
	[ "$("$h" get "$m" Message-Id)" = "<reply@example.org>" ]
	"$h" rewrite "$m" "$BATS_TEST_TMPDIR/ids" "$BATS_TEST_TMPDIR/none"
	[ "$(cat "$m")" = "$(printf 'From: r@example.org\r\nMessage-Id: <reply@example.org>\r\n\r\nThanks.\r')" ]
	"$h" rewrite "$m" "$BATS_TEST_TMPDIR/none" "$BATS_TEST_TMPDIR/rcpt"
	grep -q $'^To: a@example.org,\r$' "$m"
	[ "$(tail -c 13 "$m" | od -An -tx1 | xargs)" = "0d 0a 0d 0a 54 68 61 6e 6b 73 2e 0d 0a" ]
}

# process_patch FILE SUBJECT MESSAGE [DIFF_PATH]: a mail as format-patch
# writes it, From: A U Thor, changing DIFF_PATH (an xe file by default).
process_patch() {
	{
		printf 'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n'
		printf 'From: A U Thor\n <author@fakelinux.local>\nSubject: [PATCH] %s\n\n%s\n---\n' "$2" "$3"
		printf -- '--- a/%s\n+++ b/%s\n@@ -1 +1 @@\n-a\n+b\n' "${4:-drivers/gpu/drm/xe/xe_bo.c}" "${4:-drivers/gpu/drm/xe/xe_bo.c}"
	} >"$1"
}

@test "stage-process: sign-off, identity, subject and Fixes: findings, each named" {
	st=$REPO/scripts/pipeline/stage-process.sh
	p=$BATS_TEST_TMPDIR/p.patch L=$BATS_TEST_TMPDIR/logs
	mkdir -p "$L"
	sob='Signed-off-by: A U Thor <author@fakelinux.local>'
	# A git base whose history has the commit a Fixes: tag names.
	g=$BATS_TEST_TMPDIR/g
	git init -q "$g"
	git -C "$g" -c user.name=T -c user.email=t@t commit -q --allow-empty -m 'drm/xe: Add the thing'
	id=$(git -C "$g" rev-parse --short=12 HEAD)
	process_patch "$p" 'drm/xe/vm: Do a thing' "Why.

Fixes: $id (\"drm/xe: Add the thing\")
$sob"
	run "$st" --git "$g" 01 "$L" "$p"
	[ "$status" -eq 0 ] || { echo "$output"; cat "$L/01-process.log"; false; }
	grep -qx 'total: 0 findings, 0 warnings' "$L/01-process.log"
	# status | subject | message | changed file | finding (a glob)
	while IFS='|' read -r want subj msg file finding; do
		process_patch "$p" "$subj" "$(printf '%b' "$msg")" "$file"
		run "$st" --placeholder 'Seed <s@seed.example>' --git "$g" 01 "$L" "$p"
		[ "$status" -eq "$want" ] || { echo "status $status, not $want: $subj / $msg"; cat "$L/01-process.log"; false; }
		# shellcheck disable=SC2053 # a glob on purpose
		[[ $(cat "$L/01-process.log") == *$finding* ]] || { echo "$finding not in:"; cat "$L/01-process.log"; false; }
	done <<-CASES
	1|drm/xe: Do a thing|Why.||sign-off: no Signed-off-by
	1|drm/xe: Do a thing|Why.\n\nSigned-off-by: B Other <b@fakelinux.local>||sign-off: the author, A U Thor <author@fakelinux.local>, has no
	3|drm/xe: Do a thing|Why.\n\nSigned-off-by: A. U. Thor <Author@fakelinux.local>||the Signed-off-by of that address says A. U. Thor
	0|drm/xe: Do a thing|Why.\n\nSigned-off-by: "A U  Thor" <author@fakelinux.local>||total: 0 findings, 0 warnings
	0|drm/xe: Do a thing|From: B Other <b@fakelinux.local>\n\nWhy.\n\nSigned-off-by: B Other <b@fakelinux.local>||total: 0 findings
	1|drm/xe: Do a thing|From: B Other <b@fakelinux.local>\n\nWhy.\n\n$sob||the author, B Other <b@fakelinux.local>, has no
	1|drm/xe: Do a thing|Why.\n---\n+Signed-off-by: A U Thor <author@fakelinux.local>||sign-off: no Signed-off-by
	1|drm/xe: Do a thing|Why.\n\n$sob\nSigned-off-by: Your Name <you@example.com>||identity: Your Name <you@example.com> is a placeholder
	1|drm/xe: Do a thing|Why.\n\n$sob\nSigned-off-by: Seed <s@other.example>||identity: Seed <s@other.example> is a placeholder
	0|drm/xe: Do a thing|Why.\n\n$sob\nSigned-off-by: Seed <s@seed.example>||total: 0 findings
	1|xe: Do a thing|Why.\n\n$sob||subject: 'xe:' on a patch that touches only xe's files
	1|Do a thing|Why.\n\n$sob||subject: 'Do a thing' does not start with a prefix
	1|DRM/xe: Do a thing|Why.\n\n$sob||subject: 'DRM/xe: Do a thing' does not start with a prefix
	1|drm/i915: Do a thing|Why.\n\n$sob||subject: 'drm/i915:' on a patch that touches only xe's files
	1|drm/xe: Do a thing|Why.\n\n$sob|drivers/gpu/drm/drm_pagemap.c|subject: 'drm/xe:' on a patch that touches no file of xe's
	0|drm/panel-edp: Do a thing|Why.\n\n$sob|drivers/gpu/drm/panel/panel-edp.c|total: 0 findings
	1|drm/xe: Do a thing.|Why.\n\n$sob||subject: 'drm/xe: Do a thing.' ends with a period
	1|drm/xe: Do a thing that takes far more words than a subject line should hold|Why.\n\n$sob||has 76 characters, more than 75
	1|drm/xe: Fix ${id:0:8}|Why.\n\nFixes: ${id:0:8} ("drm/xe: Add the thing")\n$sob||fixes: 'Fixes: ${id:0:8} ("drm/xe: Add the thing")' is not Fixes:
	1|drm/xe: Do a thing|Why.\n\nFixes: ${id^^} ("drm/xe: Add the thing")\n$sob||lower-case hex digits
	1|drm/xe: Do a thing|Why.\n\nFixes: $id drm/xe: Add the thing\n$sob||is not Fixes: <12 to 40 lower-case hex digits>
	0|drm/xe: Do a thing|Why.\n\nFixes: $id ("drm/xe: Add the thing")  \n$sob||total: 0 findings
	1|drm/xe: Do a thing|Why.\n\nFixes: 0123456789ab ("drm/xe: Add the thing")\n$sob||fixes: 0123456789ab is no commit of $g
	1|drm/xe: Do a thing|Why.\n\nFixes: $id ("drm/xe: Add a thing")\n$sob||fixes: $id is "drm/xe: Add the thing" in $g, not "drm/xe: Add a thing"
	0|drm/xe: Do a thing|It fixes: nothing at all.\nfixes: the same.\n\n$sob||total: 0 findings
	1|drm/xe: Do a thing|Why.\n\n$sob\nSigned-off-by: Jane Doe||identity: 'Jane Doe' has no address
	0|drm/xe: Do a thing|From: author@fakelinux.local\n\nWhy.\n\n$sob||total: 0 findings, 0 warnings
	0|drm/xe: Do a thing|Date: Thu, 1 Jan 2026 00:00:00 +0000\nFrom: B Other <b@fakelinux.local>\n\nWhy.\n\nSigned-off-by: B Other <b@fakelinux.local>||total: 0 findings
	0|Revert "drm/xe: Do a thing"|Why.\n\n$sob||total: 0 findings
	1|Revert "drm/i915: Do a thing"|Why.\n\n$sob||subject: 'drm/i915:' on a patch that touches only xe's files
	0|drm/{i915,xe}: Do a thing|Why.\n\n$sob|drivers/gpu/drm/i915/i915_drv.h|total: 0 findings
	0|drm/xe/doc: Do a thing|Why.\n\n$sob|Documentation/gpu/xe/xe_mm.rst|total: 0 findings
	CASES
	# A subject that is not ASCII, as format-patch encodes it: decoded,
	# and counted in characters (this one has 75, in 77 bytes).
	process_patch "$p" '=?UTF-8?q?drm/xe:=20Fix=20the=20thing=20=E2=80=93=20and=20nothing=20else?=
 =?UTF-8?q?=20that=20could=20go=20wrong=20here,=20or=20there?=' "Why.

$sob"
	run "$st" 01 "$L" "$p"
	[ "$status" -eq 0 ] || { echo "$output"; cat "$L/01-process.log"; false; }
	# The placeholder that --placeholder names is accepted; without --git,
	# ids are not looked up, nor in a shallow clone (a warning).
	process_patch "$p" 'drm/pagemap: Do a thing' "Why.

Fixes: 0123456789ab (\"drm/xe: Add the thing\")
$sob
Signed-off-by: Seed <s@seed.example>" drivers/gpu/drm/drm_pagemap.c
	run "$st" --placeholder 'Seed <s@seed.example>' 01 "$L" "$p"
	[ "$status" -eq 0 ] || { echo "$output"; cat "$L/01-process.log"; false; }
	run "$st" 01 "$L" "$p"
	[ "$status" -eq 1 ]
	git -C "$g" -c user.name=T -c user.email=t@t commit -q --allow-empty -m 'drm/xe: Another'
	git clone -q --depth 1 "file://$g" "$BATS_TEST_TMPDIR/shallow"
	run "$st" --placeholder 'Seed <s@seed.example>' --git "$BATS_TEST_TMPDIR/shallow" 01 "$L" "$p"
	[ "$status" -eq 3 ]
	grep -q 'is a shallow clone: Fixes: ids not looked up (warn)' "$L/01-process.log"
	# A shallow clone warns only where there is an id to look up.
	process_patch "$p" 'drm/xe: Do a thing' "Why.

$sob"
	run "$st" --git "$BATS_TEST_TMPDIR/shallow" 01 "$L" "$p"
	[ "$status" -eq 0 ]
	# CRLF line ends, as some mailers save a mail.
	sed -i 's/$/\r/' "$p"
	run "$st" 01 "$L" "$p"
	[ "$status" -eq 0 ] || { cat "$L/01-process.log"; false; }
	# A header that cannot be decoded: a finding, not a crash.
	process_patch "$p" '=?x-bogus?q?drm/xe:=20Do?=' "Why.

$sob"
	run "$st" 01 "$L" "$p"
	[ "$status" -eq 1 ]
	grep -q "^mail: $p is no mail .*unknown encoding: x-bogus" "$L/01-process.log"
	# A patch file that is no mail fails, with a log.
	printf -- '--- a/x.c\n+++ b/x.c\n' >"$p"
	run "$st" 01 "$L" "$p"
	[ "$status" -eq 1 ]
	grep -q "^mail: $p is no mail" "$L/01-process.log"
	run "$st" --git "$BATS_TEST_TMPDIR" 01 "$L" "$p"
	[ "$status" -eq 2 ]
}

# mails DIR SUBJECT...: a folder of mails, one per SUBJECT.
mails() {
	local d=$1 k=0
	rm -rf "$d"
	mkdir -p "$d"
	shift
	for s in "$@"; do
		printf 'From: A U Thor <author@fakelinux.local>\nSubject: %s\n\nWhy.\n' "$s" >"$d/$(printf '%04d' "$k").patch"
		k=$((k + 1))
	done
}

@test "check-mails: one version and count, no v1, 1/M to M/M, a cover letter, at most 15 patches" {
	c=$REPO/scripts/mail/check-mails.sh d=$BATS_TEST_TMPDIR/m
	mails "$d" '[PATCH v2 0/2] drm/xe: Two' '[PATCH v2 1/2] drm/xe: One' '[PATCH v2 2/2] drm/xe: Two'
	run "$c" "$d"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	mails "$d" '[PATCH] drm/xe: Alone'
	run "$c" "$d"
	[ "$status" -eq 0 ]
	mails "$d" '[PATCH v1 0/2] drm/xe: Two' '[PATCH v1 1/2] drm/xe: One' '[PATCH v1 2/2] drm/xe: Two'
	run "$c" "$d"
	[ "$status" -eq 1 ]
	[[ $output == *"0000.patch: subject '[PATCH v1 0/2] drm/xe: Two' says v1: a first version is [PATCH k/M]"* ]]
	[ "$(grep -c 'says v1' <<<"$output")" -eq 3 ]
	mails "$d" '[PATCH 1/2] drm/xe: One' '[PATCH 2/2] drm/xe: Two'
	run "$c" "$d"
	[ "$status" -eq 1 ]
	[[ $output == *"2 patches and no cover letter (0/2)"* ]]
	mails "$d" '[PATCH v2 0/2] drm/xe: Two' '[PATCH v3 1/2] drm/xe: One' '[PATCH v2 2/2] drm/xe: Two'
	run "$c" "$d"
	[ "$status" -eq 1 ]
	[[ $output == *"the mails carry 2 versions: 2 3"* ]]
	mails "$d" '[PATCH 0/3] drm/xe: Three' '[PATCH 1/3] drm/xe: One' '[PATCH 1/3] drm/xe: Two'
	run "$c" "$d"
	[ "$status" -eq 1 ]
	[[ $output == *"0002.patch: patch 1/3 again (0001.patch)"* ]]
	[[ $output == *"2 patches, where the subjects say 3"* ]]
	mails "$d" '[PATCH 0/2] drm/xe: Two' '[PATCH 1/3] drm/xe: One' 'drm/xe: Two'
	run "$c" "$d"
	[ "$status" -eq 1 ]
	[[ $output == *"the mails count 2 different totals: 2 3"* ]]
	[[ $output == *"0002.patch: subject 'drm/xe: Two' has no [PATCH k/M]"* ]]
	subjects=('[PATCH 00/16] drm/xe: Many')
	for k in $(seq -w 1 16); do subjects+=("[PATCH $k/16] drm/xe: Part $k"); done
	mails "$d" "${subjects[@]}"
	run "$c" "$d"
	[ "$status" -eq 1 ]
	[[ $output == *"16 patches: at most 15"* ]]
	run "$c" "$BATS_TEST_TMPDIR/none"
	[ "$status" -eq 2 ]
}

@test "thread-mbox: a saved thread must hold the message; b4 fetches one, stopped when the transfer stalls; OUT is never overwritten" {
	t=$REPO/scripts/mail/thread-mbox.sh d=$BATS_TEST_TMPDIR
	printf 'From x\nMessage-ID: <cover-1@example.org>\nSubject: [PATCH 0/1] x\n\nbody\n' >"$d/saved.mbox"
	run "$t" --mbox "$d/saved.mbox" '<cover-1@example.org>' "$d/out.mbox"
	[ "$status" -eq 0 ]
	cmp "$d/saved.mbox" "$d/out.mbox"
	run "$t" --mbox "$d/saved.mbox" other@example.org "$d/other.mbox"
	[ "$status" -eq 1 ]
	[[ $output == *"[thread] $d/saved.mbox holds no message <other@example.org>"* ]]
	[ ! -e "$d/other.mbox" ]
	echo mine >"$d/mine.mbox"
	run "$t" --mbox "$d/saved.mbox" cover-1@example.org "$d/mine.mbox"
	[ "$status" -eq 2 ]
	[ "$(cat "$d/mine.mbox")" = mine ]
	# A folded header, in another message than the first.
	printf 'From y\nmessage-id:\n <reply-2@example.org>\nSubject: Re: x\n\nreply\n' >>"$d/saved.mbox"
	run "$t" --mbox "$d/saved.mbox" reply-2@example.org "$d/reply.mbox"
	[ "$status" -eq 0 ]
	run "$t" not-an-id "$d/x.mbox"
	[ "$status" -eq 2 ]
	[[ $output == *"'not-an-id' is no Message-Id"* ]]
	# A b4 whose transfer never ends.
	mkdir "$d/bin"
	printf '#!/bin/sh\nexec sleep 60\n' >"$d/bin/b4"
	chmod +x "$d/bin/b4"
	SECONDS=0
	run env PATH="$d/bin:$PATH" XE_STACK_NET_TIMEOUT=2 "$t" cover-1@example.org "$d/fetched.mbox"
	[ "$status" -eq 1 ]
	[[ $output == *"[thread] b4 mbox could not fetch <cover-1@example.org> (no network, no such message, or no answer in 2 s)"* ]]
	((SECONDS < 30))
	[ -z "$(find "$d" -maxdepth 1 -name 'fetched.mbox*')" ]
	run "$t" --help
	[ "$status" -eq 0 ]
}
