#!/usr/bin/env bats
# The GitLab CI pipeline (CI/): validated by gitlab-ci-local, the child
# pipeline that generate writes, the report merge, the LAVA job, and one
# check job run here as GitLab would run it.

# Each test runs in a subshell of its own: what it exports is its own.
# shellcheck disable=SC2030,SC2031
load helpers

setup() {
	export XE_STACK_CI_OUT=$BATS_TEST_TMPDIR/ci
	unset XE_STACK_SERIES XE_STACK_PATCHES
}

# expected_jobs SERIES: "check NN CONFIG" for every patch and pipeline
# config, those of when=top at the series' tops only.
expected_jobs() {
	local n=0 c tops
	tops=" $(stack_info "$1" tops | xargs) "
	while read -r _; do
		n=$((n + 1))
		while read -r c; do
			[[ $(stack_info when "$c") == patch || $tops == *" $n "* ]] || continue
			printf 'check %02d %s\n' "$n" "$c"
		done < <(stack_info configs pipeline)
	done < <(series_patches "$1")
}

# listed_jobs FILE: the check jobs gitlab-ci-local --list finds in FILE.
listed_jobs() {
	"$REPO/CI/job.sh" gitlab-ci-local --file "$1" --list 2>/dev/null |
		awk '$1 == "check" && $2 ~ /^[0-9][0-9]$/ { print $1, $2, $3 }'
}

@test "CI/job.sh and check-job.py are shellcheck-clean and answer --help" {
	shellcheck -x "$REPO/CI/job.sh"
	for s in "$REPO/CI/job.sh" "$REPO/CI/lava/check-job.py"; do
		run "$s" --help
		[ "$status" -eq 0 ]
		[[ $output == *Usage* ]]
	done
	run "$REPO/CI/job.sh" frobnicate
	[ "$status" -eq 2 ]
	[[ $output == *"[usage] unknown command 'frobnicate'"* ]]
}

@test "gitlab-ci-local validates CI/gitlab-ci.yml: prepare, generate, then the child pipeline from generate's artifact" {
	run "$REPO/CI/job.sh" gitlab-ci-local --file CI/gitlab-ci.yml --list
	[ "$status" -eq 0 ]
	[ "$(awk 'NR > 1 && $1 ~ /^(prepare|generate|checks)$/ { print $1, $2 }' <<<"$output" | xargs)" = \
		"prepare prepare generate prepare checks check" ]
	preview=$("$REPO/CI/job.sh" gitlab-ci-local --file CI/gitlab-ci.yml --preview 2>/dev/null)
	python3 - "$preview" <<-'EOF'
		import sys, yaml
		y = yaml.safe_load(sys.argv[1])
		t = y["checks"]["trigger"]
		assert t["include"] == [{"artifact": "out/ci/pipeline.yml", "job": "generate"}], t
		assert t["strategy"] == "depend", t
		assert y["generate"]["artifacts"]["paths"] == ["out/ci/pipeline.yml"]
		assert y["prepare"]["script"] == ["CI/job.sh deps"]
	EOF
	# The schema check can fail: a misspelt key is refused.
	sed 's/strategy: depend/strategy: depends/' "$REPO/CI/gitlab-ci.yml" >"$XE_STACK_CI_OUT/bad.yml"
	run "$REPO/CI/job.sh" gitlab-ci-local --file "$(realpath --relative-to="$REPO" "$XE_STACK_CI_OUT/bad.yml")" --list
	[ "$status" -ne 0 ]
}

@test "the generate job, run by gitlab-ci-local (shell executor), makes one check job per patch and pipeline config" {
	run "$REPO/CI/job.sh" gitlab-ci-local --file CI/gitlab-ci.yml --force-shell-executor generate
	[ "$status" -eq 0 ]
	[[ $output == *"PASS"*"generate"* ]]
	child=$XE_STACK_CI_OUT/.gitlab-ci-local/artifacts/generate/out/ci/pipeline.yml
	[ -f "$child" ]
	# One per patch of the series and pipeline config: none is missed.
	n=$(series_patches | wc -l)
	c=$(stack_info configs pipeline | wc -l)
	[ "$n" -gt 0 ]
	[ "$c" -gt 0 ]
	t=$(stack_info tops | wc -l)
	# xe-clang (when=top) at the 3 mail series' tops only.
	[ "$t" -eq 3 ]
	[ "$(expected_jobs "$REPO/series" | wc -l)" -eq $((n * (c - 1) + t)) ]
	diff <(expected_jobs "$REPO/series") <(listed_jobs "$(realpath --relative-to="$REPO" "$child")")
	# Each job checks its own patch and config and publishes its junit.xml.
	python3 - "$child" <<-'EOF'
		import sys, yaml
		y = yaml.safe_load(open(sys.argv[1]))
		jobs = {k: v for k, v in y.items() if k.startswith("check ")}
		for name, j in jobs.items():
		    _, idx, cfg = name.split()
		    v = j["variables"]
		    assert v == {"XE_CHECK_PATCH": str(int(idx)), "XE_CHECK_CONFIG": cfg}, (name, v)
		    d = f"out/ci/{idx}-{cfg}"
		    assert j["artifacts"]["paths"] == [d + "/"], name
		    assert j["artifacts"]["reports"]["junit"] == d + "/junit.xml", name
		    assert j["extends"] == ".xe-check", name
		t = y[".xe-check"]
		assert t["script"] == ['CI/job.sh check "$XE_CHECK_PATCH" "$XE_CHECK_CONFIG"'], t["script"]
		assert y["report"]["when"] == "always"
		assert y["variables"] == {"XE_STACK_SERIES": "series", "XE_STACK_PATCHES": "patches"}, y["variables"]
	EOF
}

@test "generate for a fixture series (XE_STACK_SERIES/XE_STACK_PATCHES): 3 patches x 2 configs, and xe-clang at the top" {
	export XE_STACK_SERIES=tests/fixtures/clean/series XE_STACK_PATCHES=tests/fixtures/clean
	mkdir -p "$REPO/out/tests"
	child=$(mktemp "$REPO/out/tests/ci-pipeline.XXXXXX")
	(cd "$REPO" && CI/job.sh generate "$child")
	[ "$(expected_jobs "$FIXTURES/clean/series" | wc -l)" -eq 7 ]
	grep -qx '"check 03 xe-clang":' "$child"
	run ! grep -q '"check 0[12] xe-clang":' "$child"
	diff <(expected_jobs "$FIXTURES/clean/series") <(listed_jobs "$(realpath --relative-to="$REPO" "$child")")
	grep -qx "  XE_STACK_SERIES: 'tests/fixtures/clean/series'" "$child"
	rm -f "$child"
	# A patch the series names but the directory lacks is refused, by name.
	cp -r "$FIXTURES/clean" "$BATS_TEST_TMPDIR/fx"
	rm "$BATS_TEST_TMPDIR/fx/drm-xe-Reword-the-fence-description-of-xe_range_fence_insert.patch"
	XE_STACK_SERIES=$BATS_TEST_TMPDIR/fx/series XE_STACK_PATCHES=$BATS_TEST_TMPDIR/fx \
		run "$REPO/CI/job.sh" generate "$BATS_TEST_TMPDIR/x.yml"
	[ "$status" -eq 1 ]
	[[ $output == *"[series] patch 3 of $BATS_TEST_TMPDIR/fx/series, drm-xe-Reword-the-fence-description"*"is not in"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/x.yml" ]
}

@test "a check job runs check-series.sh --only N in its config; only the boot config boots, sparse stays in the first" {
	run "$REPO/CI/job.sh" check --dry-run 3 xe-svm-debug
	[ "$status" -eq 0 ]
	[[ $output == *"/scripts/pipeline/check-series.sh --series $REPO/series --patches $REPO/patches --only 3 --configs xe-svm-debug --sparse-config xe-svm-debug --out $XE_STACK_CI_OUT/03-xe-svm-debug "* ]]
	[[ $output != *--no-boot* ]]
	XE_STACK_SERIES=$FIXTURES/clean/series XE_STACK_PATCHES=$FIXTURES/clean \
		run "$REPO/CI/job.sh" check --dry-run 1 xe-i386 --no-cache
	[[ $output == *"--series $FIXTURES/clean/series --patches $FIXTURES/clean --only 1 --configs xe-i386 --sparse-config xe-svm-debug --out $XE_STACK_CI_OUT/01-xe-i386 --no-boot --no-cache "* ]]
	n=$(series_patches | wc -l)
	run "$REPO/CI/job.sh" check $((n + 1)) xe-i386
	[ "$status" -eq 2 ]
	[[ $output == *"[usage] no patch $((n + 1))"*"(1..$n)"* ]]
	run "$REPO/CI/job.sh" check 1 xe-nothing
	[ "$status" -eq 2 ]
	[[ $output == *"[usage] no config 'xe-nothing'"* ]]
}

@test "report merges the jobs' results: one row per patch and stage, the worst status, no reference rows" {
	o=$XE_STACK_CI_OUT
	h=$'index\tpatch\tstage\tstatus\tseconds\tlog\tcached'
	for d in 01-xe-svm-debug 01-xe-i386 02-xe-svm-debug 02-xe-i386; do
		mkdir -p "$o/$d"
		printf 'index\tpatch\tsubject\n01\ta.patch\tdrm/xe: A\n02\tb.patch\tdrm/xe: B\n' >"$o/$d/patches.tsv"
		echo "base: pinned /x" >"$o/$d/base.txt"
	done
	printf '%s\n00\treference\tbuild:xe-svm-debug\tpass\t9\t\t\n01\ta.patch\tapply\tpass\t1\t\t\n01\ta.patch\tcheckpatch\twarn\t1\t\t\n01\ta.patch\tbuild:xe-svm-debug\tpass\t30\t\t\n01\ta.patch\tsparse\tpass\t0\t\t\n' "$h" >"$o/01-xe-svm-debug/results.tsv"
	printf '%s\n01\ta.patch\tapply\tpass\t1\t\t\n01\ta.patch\tcheckpatch\twarn\t1\t\t\n01\ta.patch\tbuild:xe-i386\tpass\t20\t\t\n' "$h" >"$o/01-xe-i386/results.tsv"
	printf '%s\n02\tb.patch\tapply\tpass\t1\t\t\n02\tb.patch\tkernel-doc\tpass\t1\t\t\n02\tb.patch\tbuild:xe-svm-debug\tpass\t30\t\t\n' "$h" >"$o/02-xe-svm-debug/results.tsv"
	printf '%s\n02\tb.patch\tapply\tpass\t1\t\t\n02\tb.patch\tkernel-doc\tfail\t1\tlogs/02-kernel-doc.log\t\n02\tb.patch\tbuild:xe-i386\tfail\t20\t\t\n' "$h" >"$o/02-xe-i386/results.tsv"
	run "$REPO/CI/job.sh" report
	[ "$status" -eq 0 ]
	r=$o/report/results.tsv
	[ "$(grep -c . "$r")" -eq 10 ]
	run ! grep -q '^00' "$r"
	[ "$(awk -F'\t' '$1 == "02" && $3 == "kernel-doc" { print $4 }' "$r")" = fail ]
	[ "$(awk -F'\t' '$1 == "01" && $3 == "checkpatch" { print $4 }' "$r")" = warn ]
	[ "$(awk -F'\t' '$1 == "02" && $3 == "build:xe-i386" { print $4 }' "$r")" = fail ]
	grep -q '^| 02 | drm/xe: B | pass 1s | skipped | pass 30s | fail 20s |' "$o/report/report.md"
	grep -q 'Build xe-svm-debug | Build xe-i386' "$o/report/report.md"
	grep -q 'failures="2"' "$o/report/junit.xml"
	rm -rf "${o:?}"/0*
	run "$REPO/CI/job.sh" report
	[ "$status" -eq 1 ]
	[[ $output == *"[report] no job results"* ]]
}

@test "the LAVA job parses, has LAVA's required keys, and tests xe, dmesg, IGT and KUnit" {
	job=$REPO/CI/lava/xe-boot.yaml
	run "$REPO/CI/lava/check-job.py" "$job"
	[ "$status" -eq 0 ]
	[[ $output == *"valid (4 actions)"* ]]
	# Every shell step parses; the tests the job promises are there.
	python3 - "$job" >"$BATS_TEST_TMPDIR/steps" <<-'EOF'
		import sys, yaml
		y = yaml.safe_load(open(sys.argv[1]))
		a = y["actions"]
		steps = a[0]["deploy"]["postprocess"]["docker"]["steps"]
		steps += a[3]["test"]["definitions"][0]["repository"]["run"]["steps"]
		sys.stdout.write("\0".join(steps))
	EOF
	while IFS= read -r -d '' s || [[ -n $s ]]; do
		sh -n -c "$s" || { echo "does not parse: $s"; false; }
	done <"$BATS_TEST_TMPDIR/steps"
	# shellcheck disable=SC2016 # the steps' text, not expanded here
	for want in 'linux-image-*.deb' 'modprobe xe' 'dmesg | grep -E "WARNING:|BUG:' \
		xe_exec_system_allocator xe_madvise 'modinfo "$m"' xe_test; do
		grep -qF -- "$want" "$BATS_TEST_TMPDIR/steps" || { echo "no step with: $want"; false; }
	done
	# The check can fail: each required key, removed, is named.
	for key in device_type job_name timeouts priority visibility actions; do
		python3 -c 'import sys, yaml; y = yaml.safe_load(open(sys.argv[1])); del y[sys.argv[2]]; print(yaml.safe_dump(y))' \
			"$job" "$key" >"$BATS_TEST_TMPDIR/bad.yaml"
		run "$REPO/CI/lava/check-job.py" "$BATS_TEST_TMPDIR/bad.yaml"
		[ "$status" -eq 1 ]
		[[ $output == *"no top-level '$key'"* ]]
	done
	sed 's/^    method: ipxe/    methd: ipxe/' "$job" >"$BATS_TEST_TMPDIR/bad.yaml"
	run "$REPO/CI/lava/check-job.py" "$BATS_TEST_TMPDIR/bad.yaml"
	[ "$status" -eq 1 ]
	[[ $output == *"(boot): no 'method'"* ]]
	printf 'actions: [\n' >"$BATS_TEST_TMPDIR/bad.yaml"
	run "$REPO/CI/lava/check-job.py" "$BATS_TEST_TMPDIR/bad.yaml"
	[ "$status" -eq 1 ]
}

@test "the LAVA job against a package: its file name, version and xe.ko, each mismatch named" {
	job=$REPO/CI/lava/xe-boot.yaml
	. "$REPO/project.conf"
	v=7.3.4-$SERIES_NAME-v$SERIES_VERSION
	# fakedeb NAME FILE...: a linux-image-$v package named NAME holding FILEs.
	fakedeb() {
		local p=$BATS_TEST_TMPDIR/pkg f
		rm -rf "$p"
		mkdir -p "$p/DEBIAN"
		printf 'Package: linux-image-%s\nVersion: 7.3.4-1\nArchitecture: amd64\nMaintainer: m <m@example.org>\nDescription: d\n' "$v" >"$p/DEBIAN/control"
		for f in "${@:2}"; do
			mkdir -p "$p/$(dirname "$f")"
			: >"$p/$f"
		done
		dpkg-deb -b "$p" "$BATS_TEST_TMPDIR/$1" >/dev/null
	}
	xe=lib/modules/$v/kernel/drivers/gpu/drm/xe/xe.ko.xz
	fakedeb "linux-image-${v}_7.3.4-1_amd64.deb" "boot/vmlinuz-$v" "$xe"
	run "$REPO/CI/lava/check-job.py" "$job" --deb "$BATS_TEST_TMPDIR/linux-image-${v}_7.3.4-1_amd64.deb"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"valid (4 actions), fits linux-image-${v}_7.3.4-1_amd64.deb"* ]]
	# A name the job's steps do not unpack.
	fakedeb "xe-kernel.deb" "boot/vmlinuz-$v" "$xe"
	run "$REPO/CI/lava/check-job.py" "$job" --deb "$BATS_TEST_TMPDIR/xe-kernel.deb"
	[ "$status" -eq 1 ]
	[[ $output == *"the steps name linux-image-*.deb, which xe-kernel.deb does not match"* ]]
	# A kernel under another version than the package's name gives.
	fakedeb "linux-image-${v}_1_amd64.deb" "boot/vmlinuz-7.3.4" "$xe"
	run "$REPO/CI/lava/check-job.py" "$job" --deb "$BATS_TEST_TMPDIR/linux-image-${v}_1_amd64.deb"
	[ "$status" -eq 1 ]
	[[ $output == *"has no /boot/vmlinuz-$v, which the job uses for version $v"* ]]
	# No xe.
	fakedeb "linux-image-${v}_2_amd64.deb" "boot/vmlinuz-$v" "lib/modules/$v/kernel/drivers/gpu/drm/i915/i915.ko.xz"
	run "$REPO/CI/lava/check-job.py" "$job" --deb "$BATS_TEST_TMPDIR/linux-image-${v}_2_amd64.deb"
	[ "$status" -eq 1 ]
	[[ $output == *"has no xe.ko"* ]]
	# The template filled in with the URL of another file.
	sed "s|'@LINUX_IMAGE_DEB@'|'https://ci.example.org/other.deb'|" "$job" >"$BATS_TEST_TMPDIR/filled.yaml"
	run "$REPO/CI/lava/check-job.py" "$BATS_TEST_TMPDIR/filled.yaml" --deb "$BATS_TEST_TMPDIR/linux-image-${v}_7.3.4-1_amd64.deb"
	[ "$status" -eq 1 ]
	[[ $output == *"the job's package URL https://ci.example.org/other.deb does not end in linux-image-${v}_7.3.4-1_amd64.deb"* ]]
}

@test "check-deb: a package set that is not what build-deb.sh makes is refused, each finding named" {
	. "$REPO/project.conf"
	v=7.3.4-$SERIES_NAME-v$SERIES_VERSION d=$BATS_TEST_TMPDIR/debs
	mkdir -p "$d"
	# pkg NAME VERSION [MAINTAINER] FILE...: a package of the three.
	pkg() {
		local p=$BATS_TEST_TMPDIR/pkg f name=$1 ver=$2 maint=$3
		shift 3
		rm -rf "$p"
		mkdir -p "$p/DEBIAN"
		printf 'Package: %s\nVersion: %s\nArchitecture: amd64\nMaintainer: %s\nDescription: d\n' "$name" "$ver" "$maint" >"$p/DEBIAN/control"
		for f in "$@"; do
			mkdir -p "$p/$(dirname "$f")"
			: >"$p/$f"
		done
		dpkg-deb -b "$p" "$d/${name}_${ver}_amd64.deb" >/dev/null
	}
	me="$PROJECT_NAME <$PROJECT_EMAIL>"
	pkg "linux-image-$v" 7.3.4-1 "$me" "boot/vmlinuz-$v" "lib/modules/$v/modules.dep"
	pkg "linux-headers-$v" 7.3.4-2 "$me" "usr/src/linux-headers-$v/Makefile"
	pkg linux-libc-dev 7.3.4-1 "Someone Else <else@example.org>" usr/include/linux/types.h
	printf 'Module Size Used by\nnvme 61440 2\n' >"$BATS_TEST_TMPDIR/l"
	run "$REPO/scripts/package/check-deb.sh" --lsmod "$BATS_TEST_TMPDIR/l" "$d/linux-image-${v}_7.3.4-1_amd64.deb"
	echo "$output"
	[ "$status" -eq 1 ]
	f="check-deb: error: [deb]"
	[[ $output == *"$f $d: no linux-headers-${v}_7.3.4-1_amd64.deb beside linux-image-${v}_7.3.4-1_amd64.deb"* ]]
	[[ $output == *"$f linux-libc-dev_7.3.4-1_amd64.deb: Maintainer 'Someone Else <else@example.org>', not project.conf's"* ]]
	[[ $output == *"$f linux-image-${v}_7.3.4-1_amd64.deb: no /boot/System.map-$v"* ]]
	[[ $output == *"$f linux-image-${v}_7.3.4-1_amd64.deb: no xe.ko under /lib/modules/$v"* ]]
	[[ $output == *"$f linux-image-${v}_7.3.4-1_amd64.deb: module nvme of $BATS_TEST_TMPDIR/l is neither a module nor built in"* ]]
	run "$REPO/scripts/package/check-deb.sh" "$d/none.deb"
	[ "$status" -eq 2 ]
}

@test "one check job runs here: CI/job.sh check 2 xe-i386 on the clean fixture passes, build only, junit names patch 2" {
	cp -r "$FIXTURES/clean" "$BATS_TEST_TMPDIR/clean"
	export XE_STACK_SERIES=$BATS_TEST_TMPDIR/clean/series XE_STACK_PATCHES=$BATS_TEST_TMPDIR/clean
	run "$REPO/CI/job.sh" check 2 xe-i386
	mkdir -p "$RUNS" && printf '%s\n' "$output" >"$RUNS/ci-check.console"
	[ "$status" -eq 0 ]
	d=$XE_STACK_CI_OUT/02-xe-i386
	[[ $output == *"--only 2 --configs xe-i386"*"--no-boot"* ]]
	for s in apply checkpatch checkpatch:drm process build:xe-i386 kernel-doc; do
		[ "$(awk -F'\t' -v s="$s" '$1 == "02" && $3 == s { print $4 }' "$d/results.tsv")" = pass ] ||
			{ echo "02 $s: not pass"; false; }
	done
	# Patch 2 alone: no other patch is checked, nothing boots, no sparse
	# and no coccinelle here (they go with the sparse config's job).
	[ -z "$(awk -F'\t' 'NR > 1 && $1 != "00" && $1 != "02"' "$d/results.tsv")" ]
	run ! grep -qP '^[^\t]*\t[^\t]*\t(boot|kunit|sparse|coccinelle)\t' "$d/results.tsv"
	grep -q '<testsuite name="02 \[PATCH 2/3\] drm/xe: Say what xe_range_fence_insert' "$d/junit.xml"
	grep -q 'classname="patch.02" name="build:xe-i386"' "$d/junit.xml"
	run ! grep -q 'classname="patch.0[13]"' "$d/junit.xml"
}
