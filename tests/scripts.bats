#!/usr/bin/env bats
# The scripts themselves: lint, help, the pin, config checking and the
# warning keys. Fast; needs the pinned tree (fetched on first use).

load helpers

@test "every script is shellcheck-clean and answers --help" {
	shellcheck -x "$REPO"/scripts/*.sh "$REPO"/.ci/run "$REPO"/tests/data/*.sh
	for s in "$REPO"/scripts/*.sh "$REPO"/scripts/*.py; do
		[[ $s == */lib.sh || $s == */sparse-wrap.sh ]] && continue
		run "$s" --help
		[ "$status" -eq 0 ] || { echo "$s --help: $status"; false; }
		[[ $output == *Usage* ]] || { echo "$s --help says no Usage"; false; }
	done
}

@test "fetch: a second run downloads nothing and prints the same tree" {
	first=$("$REPO/scripts/fetch-kernel.sh")
	start=$SECONDS
	second=$("$REPO/scripts/fetch-kernel.sh")
	[ "$first" = "$second" ]
	[ $((SECONDS - start)) -le 5 ]
	[ -f "$first/.xe-stack-pristine" ]
	grep -q "^7.3.4-1~bpo13+1 " "$first/.xe-stack-pristine"
}

@test "fetch: a checksum mismatch is reported as such and the file dropped" {
	tmp=$BATS_TEST_TMPDIR/cache
	mkdir -p "$tmp/downloads"
	cp "$CACHE"/downloads/linux-source-7.3_*.deb "$tmp/downloads/"
	# A mirror holding the same .deb: the one kept is fetched again first.
	. "$REPO/pin.conf"
	mkdir -p "$BATS_TEST_TMPDIR/mirror/$PIN_POOL_DIR"
	ln -s "$CACHE"/downloads/linux-source-7.3_*.deb "$BATS_TEST_TMPDIR/mirror/$PIN_POOL_DIR/"
	mirror "$BATS_TEST_TMPDIR/mirror"
	sed 's/^PIN_DEB_SHA256=.*/PIN_DEB_SHA256=0000/' "$REPO/pin.conf" >"$BATS_TEST_TMPDIR/pin.conf"
	XE_STACK_CACHE=$tmp XE_STACK_PIN_FILE=$BATS_TEST_TMPDIR/pin.conf run "$REPO/scripts/fetch-kernel.sh"
	stop_mirror
	[ "$status" -eq 1 ]
	[[ $output == *"is not the one pin.conf names now: fetching it again"* ]]
	[[ $output == *"[checksum]"*"pin.conf expects 0000"* ]]
	[ -z "$(ls "$tmp/downloads")" ]
}

@test "fetch: no network, no disk and a missing tool each say so" {
	tmp=$BATS_TEST_TMPDIR/cache
	XE_STACK_CACHE=$tmp XE_STACK_MIRROR=http://127.0.0.1:9 run "$REPO/scripts/fetch-kernel.sh"
	[ "$status" -eq 1 ]
	[[ $output == *"[network]"* ]]
	mkdir -p "$tmp/downloads"
	cp "$CACHE"/downloads/linux-source-7.3_*.deb "$tmp/downloads/"
	XE_STACK_CACHE=$tmp XE_STACK_MIN_FREE_KB=999999999999 run "$REPO/scripts/fetch-kernel.sh"
	[ "$status" -eq 1 ]
	[[ $output == *"[disk]"*"MiB free"* ]]
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	for t in bash dirname basename cat sed awk nproc; do ln -s "$(command -v $t)" "$BATS_TEST_TMPDIR/bin/"; done
	XE_STACK_CACHE=$tmp/none PATH=$BATS_TEST_TMPDIR/bin run "$REPO/scripts/fetch-kernel.sh"
	[ "$status" -eq 1 ]
	[[ $output == *"[tools]"*"'curl' not found: install the Debian package 'curl'"* ]]
}

@test "fetch: a tarball of your own is unpacked once and marked unverified" {
	tar -C "$BATS_TEST_TMPDIR" -czf "$BATS_TEST_TMPDIR/k.tar.gz" --transform 's,^,mykernel/,' \
		-C "$("$REPO/scripts/fetch-kernel.sh")" Makefile drivers/gpu/drm/xe/Kconfig
	XE_STACK_CACHE=$BATS_TEST_TMPDIR/cache run "$REPO/scripts/fetch-kernel.sh" --tarball "$BATS_TEST_TMPDIR/k.tar.gz"
	[ "$status" -eq 0 ]
	[ -f "${lines[-1]}/drivers/gpu/drm/xe/Kconfig" ]
	grep -q '^unverified ' "${lines[-1]}/.xe-stack-pristine"
}

@test "config: every option a fragment asks for is checked, by name" {
	src=$("$REPO/scripts/fetch-kernel.sh")
	frag=$BATS_TEST_TMPDIR/frag
	cp -r "$REPO/config-fragments" "$frag"
	# GPUSVM needs ZONE_DEVICE: merge_config.sh only warns; we fail.
	printf '# CONFIG_MEMORY_HOTREMOVE is not set\n' >"$frag/nohotremove.config"
	printf 'broken pipeline base xe debug svm nohotremove\n' >>"$frag/matrix"
	XE_STACK_FRAGMENTS=$frag run "$REPO/scripts/make-config.sh" "$src" "$BATS_TEST_TMPDIR/b" broken
	[ "$status" -eq 1 ]
	[[ $output == *"CONFIG_DRM_XE_GPUSVM requested 'y'"* ]]
	[[ $output == *"[config] broken: options above are not in the final .config"* ]]
	run "$REPO/scripts/make-config.sh" "$src" "$BATS_TEST_TMPDIR/ok" xe-nosvm
	[ "$status" -eq 0 ]
	grep -q '^CONFIG_DRM_XE=m$' "$BATS_TEST_TMPDIR/ok/.config"
	run ! grep -q '^CONFIG_DRM_XE_GPUSVM=' "$BATS_TEST_TMPDIR/ok/.config"
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
	run awk -v src=/t/src -f "$REPO/scripts/warnings.awk" "$log"
	[ "${#lines[@]}" -eq 4 ]
	[ "${lines[0]}" = "$(printf 'cc\tdrivers/gpu/drm/xe/a.c\twarning unused variable '"'x'"' [-Wunused-variable]')" ]
	[[ ${lines[1]} == sparse$'\t'drivers/gpu/drm/xe/a.c$'\t'* ]]
	[[ ${lines[2]} == kernel-doc$'\t'drivers/gpu/drm/xe/b.c$'\t'No\ description* ]]
	sed -i 's/:10:5:/:99:1:/' "$log"
	run awk -v src=/t/src -f "$REPO/scripts/warnings.awk" "$log"
	[ "${lines[0]}" = "$(printf 'cc\tdrivers/gpu/drm/xe/a.c\twarning unused variable '"'x'"' [-Wunused-variable]')" ]
}

@test "report: table, JSON and JUnit from a results file" {
	out=$BATS_TEST_TMPDIR/out
	mkdir -p "$out"
	printf 'index\tpatch\tsubject\n01\ta.patch\tdrm/xe: A\n02\tb.patch\tdrm/xe: B\n' >"$out/patches.tsv"
	printf 'index\tpatch\tstage\tstatus\tseconds\tlog\n01\ta.patch\tapply\tpass\t1\tl\n01\ta.patch\tbuild:x\tfail\t9\tl\n' >"$out/results.tsv"
	run "$REPO/scripts/report.py" "$out"
	[ "$status" -eq 0 ]
	grep -q '| 01 | drm/xe: A | pass 1s | fail 9s |' "$out/report.md"
	grep -q '| 02 | drm/xe: B | skipped | skipped |' "$out/report.md"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["failed"] == 1' "$out/report.json"
	python3 -c 'import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])' "$out/junit.xml"
	grep -q '<failure' "$out/junit.xml"
}

@test "the result cache is keyed by every script the pipeline runs, and only those" {
	run "$REPO/scripts/check-series.sh" --pipeline-files
	[ "$status" -eq 0 ]
	for f in check-series.sh lib.sh stage-apply.sh stage-checkpatch.sh stage-kerneldoc.sh \
		stage-boot.sh build-kernel.sh make-config.sh boot-test.sh make-initramfs.sh \
		guest/init check-boot.py kunit-compare.py warnings.awk sparse-wrap.sh quiltrc \
		stage-kunit.sh; do
		grep -qx "scripts/$f" <<<"$output"
	done
	run ! grep -qxE 'scripts/(bisect-series.sh|benchmark.sh|bench-stats.py|install-deps.sh)' <<<"$output"
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
	run "$REPO/scripts/kunit-compare.py" "$d/same.json" "$d/prev.json"
	[ "$status" -eq 0 ]
	[[ $output == *"still failing KUnit Test Group.a.two"* ]]
	# Suite b only skipped: no test of it passed, yet it must not vanish.
	kunit_json "$d/cur.json" a:one:PASS a:two:FAILURE c:x:PASS
	run "$REPO/scripts/kunit-compare.py" "$d/cur.json" "$d/prev.json"
	[ "$status" -eq 1 ]
	[[ $output == *"REGRESSION suite b: disappeared (ran before)"* ]]
	kunit_json "$d/cur.json" a:one:FAILURE a:two:FAILURE b:only:SKIP
	run "$REPO/scripts/kunit-compare.py" "$d/cur.json" "$d/prev.json"
	[ "$status" -eq 1 ]
	[[ $output == *"REGRESSION KUnit Test Group.a.one: FAILURE (before: PASS)"* ]]
	[[ $output == *"REGRESSION KUnit Test Group.c.x: disappeared (passed before)"* ]]
	kunit_json "$d/cur.json"
	run "$REPO/scripts/kunit-compare.py" "$d/cur.json"
	[ "$status" -eq 1 ]
	[[ $output == *"no KUnit test ran"* ]]
	# A suite skipped as a whole is a case of the root, not a group.
	kunit_json "$d/cur.json" a:one:PASS
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); d["test_cases"].append({"name": "whole", "status": "SKIP"}); json.dump(d, open(sys.argv[2], "w"))' \
		"$d/cur.json" "$d/prev.json"
	run "$REPO/scripts/kunit-compare.py" "$d/cur.json" "$d/prev.json"
	[ "$status" -eq 1 ]
	[[ $output == *"REGRESSION suite whole: disappeared (ran before)"* ]]
}

@test "stage-kunit: bad arguments are refused before anything is built" {
	d=$BATS_TEST_TMPDIR
	run "$REPO/scripts/stage-kunit.sh" "$d/none" "$d/b" "$d/o"
	[ "$status" -eq 2 ]
	[[ $output == *"[usage] no tree $d/none"* ]]
	run "$REPO/scripts/stage-kunit.sh" "$d" "$d/b" "$d/o"
	[ "$status" -eq 2 ]
	[[ $output == *"[usage]"*"has no tools/testing/kunit/kunit.py"* ]]
	mkdir -p "$d/tools/testing/kunit" "$d/drivers/gpu/drm/xe"
	touch "$d/tools/testing/kunit/kunit.py" "$d/drivers/gpu/drm/xe/.kunitconfig"
	run "$REPO/scripts/stage-kunit.sh" --prev-kunit "$d/none.json" "$d" "$d/b" "$d/o"
	[ "$status" -eq 2 ]
	[[ $output == *"--prev-kunit: no file $d/none.json"* ]]
	run "$REPO/scripts/stage-kunit.sh" --prev-kunit "$d/none.json" "$d" "$d/b"
	[ "$status" -eq 2 ]
	[ ! -e "$d/b" ] && [ ! -e "$d/o" ]
}

@test "kernel-figures: bad arguments and an --out it did not make are refused before anything is written" {
	d=$BATS_TEST_TMPDIR
	export XE_STACK_CACHE=$d/cache
	run "$REPO/scripts/kernel-figures.sh" --runs 0 --out "$d/out"
	[ "$status" -eq 2 ]
	[[ $output == *"[usage] --runs: a number from 1, not '0'"* ]]
	run "$REPO/scripts/kernel-figures.sh" --out "$d/out" extra
	[ "$status" -eq 2 ]
	[[ $output == *"[usage] no arguments"* ]]
	mkdir -p "$d/mine"
	echo mine >"$d/mine/file"
	run "$REPO/scripts/kernel-figures.sh" --out "$d/mine"
	[ "$status" -eq 2 ]
	[[ $output == *"[usage] --out $d/mine holds files no xe-stack run wrote"* ]]
	[ "$(ls -A "$d/mine")" = file ] && [ "$(cat "$d/mine/file")" = mine ]
	[ ! -e "$d/cache" ] && [ ! -e "$d/out" ]
}

@test "kernel-figures: its patch applies to the harness as the series leaves it" {
	d=$BATS_TEST_TMPDIR/tree
	f=drivers/gpu/drm/xe/tests/xe_vm_kunit.c
	mkdir -p "$d"
	while read -r p; do
		filterdiff -p1 -i "$f" "$REPO/patches/$p" >"$BATS_TEST_TMPDIR/part"
		[ -s "$BATS_TEST_TMPDIR/part" ] || continue
		(cd "$d" && patch -p1 -s --no-backup-if-mismatch <"$BATS_TEST_TMPDIR/part")
	done < <(series_patches)
	[ -f "$d/$f" ]
	(cd "$d" && patch -p1 -s --dry-run <"$REPO/tests/figures/xe-vm-autoreset-figures.patch")
}
