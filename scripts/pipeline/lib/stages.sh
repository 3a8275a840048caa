# shellcheck shell=bash
# shellcheck disable=SC2154,SC2034 # the run's state is check-series.sh's (below)
# Sourced by check-series.sh: the stages of one index, as the run calls
# them. Each stage is a script with the stages' contract (README.md,
# "Stages"); these functions give it its inputs, merge what it found into
# the state the next patch is compared with, and record its verdict.
#
# The run's state they read and write (check-series.sh's globals): out,
# results, tree, configs, sparse_config, sparse_scope, scope_args,
# boot_config, kunit_builtin, tops, base_ident, base_git, base_label, ref, failed,
# prev_kunit, prev_kbuiltin, base_splats, applied.

# status_of EXIT: a stage's status from its exit code (the contract).
status_of() {
	case $1 in 0) echo pass ;; 3) echo warn ;; *) echo fail ;; esac
}

# record INDEX PATCH STAGE STATUS SECONDS LOG
record() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\t\n' "$1" "$2" "$3" "$4" "$5" "${6#"$out"/}" >>"$results"
	printf '  %-22s %-5s %4ss  %s\n' "$3" "$4" "$5" "${6#"$out"/}" >&2
	[[ $4 != fail ]] || failed=1
}

# merge_keys STATE KEYS: add the keys of file KEYS to the state file STATE.
merge_keys() {
	LC_ALL=C sort -u -o "$1" "$1" "$2"
}

# build_stage INDEX PATCH CONFIG [cold]: the build stage, then, in the
# sparse config, the sparse stage; what they found joins the state that
# the next patch is compared with. A cold build runs no sparse:
# sparse_scan covers the base. At the base (index 00) everything found
# is the baseline, not a failure.
build_stage() {
	local idx=$1 patch=$2 cfg=$3 cold=${4:-} t0 status=pass sstatus=pass
	local sparse_arg=() base_arg=() sbase_arg=()
	[[ $cfg != "$sparse_config" || -n $cold ]] || sparse_arg=(--sparse)
	[[ $idx == 00 ]] || base_arg=(--baseline "$out/state/$cfg.cc") sbase_arg=(--baseline "$out/state/sparse")
	t0=$SECONDS
	printf '[%s] %s: build %s%s ...\n' "$idx" "$patch" "$cfg" "${cold:+ (cold)}" >&2
	"$REPO_DIR/scripts/pipeline/stage-build.sh" "${sparse_arg[@]}" "${base_arg[@]}" \
		"$idx" "$out/logs" "$tree" "$cfg" || status=fail
	# W=1 also runs kernel-doc on compiled files: that is the kernel-doc
	# stage's to judge (it covers headers too), not the build's.
	grep -vE '^(sparse|kernel-doc)' "$out/logs/$idx-build-$cfg.keys" >"$out/state/$idx-$cfg.found" || true
	merge_keys "$out/state/$cfg.cc" "$out/state/$idx-$cfg.found"
	record "$idx" "$patch" "build:$cfg" "$status" $((SECONDS - t0)) "$out/logs/$idx-build-$cfg.log"
	[[ $status == pass || $idx == 00 || ${matrix_when[$cfg]} != top ]] ||
		log "$cfg is built at series tops only: what it found may come from any patch since the last top; make bisect ARGS=\"--stage build --config $cfg\" finds which"
	((${#sparse_arg[@]})) || return 0
	"$REPO_DIR/scripts/pipeline/stage-sparse.sh" "${sbase_arg[@]}" "${scope_args[@]}" \
		"$idx" "$out/logs" "$tree" "$cfg" || sstatus=fail
	merge_keys "$out/state/sparse" "$out/logs/$idx-sparse.keys"
	[[ $status != fail || $sstatus == fail ]] || sstatus=skip
	record "$idx" "$patch" sparse "$sstatus" 0 "$out/logs/$idx-sparse.log"
}

# timed NAME COMMAND...: run COMMAND, its stderr to NAME.err; NAME.secs
# gets its wall time in seconds.
timed() {
	local f=$1 t0=$SECONDS rc=0
	shift
	"$@" 2>"$f.err" || rc=$?
	echo $((SECONDS - t0)) >"$f.secs"
	return "$rc"
}

# timed_end NAME: what timed NAME printed on stderr; its seconds.
timed_end() {
	cat "$1.err" >&2 2>/dev/null || true
	cat "$1.secs" 2>/dev/null || echo 0
}

# qemu_stages INDEX PATCH: the stages that run qemu, side by side. One
# boots the boot config's kernel (the boot stage) and judges the KUnit
# results on its console (the kunit stage); the other runs the built-in
# suites with the tree's kunit.py (the kunit-builtin stage). Under TCG
# each keeps about one core busy most of the time, and they share no
# file: the boot reads the boot config's build dir, kunit.py builds in its
# own. When both are done, what each said on stderr is printed and their
# verdicts are recorded, in that order. KUnit results are
# judged against the previous patch's; splats against the base's (index
# 00, whose results become the reference).
qemu_stages() {
	local idx=$1 patch=$2 bd=$out/boot/$1 kd=$out/kunit-builtin/$1
	local boot=0 bpid kpid st=pass kst=pass kbst=pass opts=() secs
	if [[ $boot_config != none ]]; then
		if [[ $(awk -F'\t' -v i="$idx" -v s="build:$boot_config" '$1 == i && $3 == s { print $4 }' "$results") == pass ]]; then
			boot=1
		else
			record "$idx" "$patch" kunit skip 0 ""
			record "$idx" "$patch" boot skip 0 ""
		fi
	fi
	if ((boot)); then
		printf '[%s] %s: boot %s ...\n' "$idx" "$patch" "$boot_config" >&2
		# The base's splats are the reference (7.3's own KUnit suites warn
		# on purpose); from patch 1 on, only more of them fail.
		if [[ $idx == 00 ]]; then
			opts=(--record)
		elif [[ -n $base_splats ]]; then
			opts=(--splats-ref "$base_splats")
		fi
		timed "$out/state/$idx-boot" "$REPO_DIR/scripts/pipeline/stage-boot.sh" "${opts[@]}" \
			"$idx" "$out/logs" "$CACHE_DIR/build/$boot_config" "$bd" &
		bpid=$!
	fi
	if ((kunit_builtin)); then
		printf '[%s] %s: kunit-builtin (kunit.py) ...\n' "$idx" "$patch" >&2
		timed "$out/state/$idx-kunit-builtin" "$REPO_DIR/scripts/pipeline/stage-kunit-builtin.sh" \
			${prev_kbuiltin:+--prev-kunit "$prev_kbuiltin"} \
			"$idx" "$out/logs" "$tree" "$CACHE_DIR/build/kunit-builtin" "$kd" &
		kpid=$!
	fi
	((!boot)) || wait "$bpid" || st=fail
	((!kunit_builtin)) || wait "$kpid" || kbst=fail

	if ((boot)); then
		secs=$(timed_end "$out/state/$idx-boot")
		"$REPO_DIR/scripts/pipeline/stage-kunit.sh" ${prev_kunit:+--prev-kunit "$prev_kunit"} \
			"$idx" "$out/logs" "$tree" "$bd" || kst=fail
		[[ $kst == fail ]] || prev_kunit=$bd/kunit.json
		record "$idx" "$patch" kunit "$kst" 0 "$out/logs/$idx-kunit.log"
		printf '  boot: %s\n' "$(cat "$bd/accel" 2>/dev/null)" >&2
		record "$idx" "$patch" boot "$st" "$secs" "$out/logs/$idx-boot.log"
	fi
	if ((kunit_builtin)); then
		[[ $kbst == fail ]] || prev_kbuiltin=$kd/kunit.json
		secs=$(timed_end "$out/state/$idx-kunit-builtin")
		record "$idx" "$patch" kunit-builtin "$kbst" "$secs" "$out/logs/$idx-kunit-builtin.log"
	fi
	[[ $idx == 00 ]] || return 0
	[[ $st == pass ]] || die baseline "the $base_label does not boot cleanly: see $out/logs/00-boot.log"
	((!boot)) || base_splats=$bd/splats
	[[ $kbst == pass ]] || die baseline "kunit-builtin fails on the $base_label: see $out/logs/00-kunit-builtin.log"
}

# sparse_scan CONFIG: sparse over the whole sparse scope of the base tree
# (C=2), stored in the build dir as the sparse baseline.
sparse_scan() {
	local cfg=$1 id=$2 log=$out/logs/00-sparse-$1.log t0=$SECONDS scope_args=()
	for d in "${sparse_scope[@]}"; do scope_args+=(--sparse-all "$d"); done
	printf '[00] base: sparse over %s ...\n' "${sparse_scope[*]}" >&2
	"$REPO_DIR/scripts/pipeline/build-kernel.sh" "${scope_args[@]}" "$tree" "$cfg" >"$log" 2>&1 ||
		die baseline "sparse over ${sparse_scope[*]} failed on the base tree: see $log"
	warning_keys "$tree" "$log" | { grep '^sparse' || true; } | in_scope "${sparse_scope[@]}" |
		sort -u -o "$out/state/sparse" - "$out/state/sparse"
	((ref)) || { echo "$id"; cat "$out/state/sparse"; } >"$CACHE_DIR/build/$cfg/.xe-stack-sparse-baseline"
	record 00 "$base_label" sparse pass $((SECONDS - t0)) "$log"
}

# baseline CONFIG: bring the build dir to the unpatched tree and record the
# warnings already there. A build dir without a baseline for this exact
# base and .config (new, or interrupted) is emptied and built in full.
baseline() {
	local cfg=$1 build=$CACHE_DIR/build/$1 id sid stored cold=
	mkdir -p "$build"
	"$REPO_DIR/scripts/pipeline/make-config.sh" "$tree" "$build" "$cfg" 2>"$out/logs/config-$cfg.log" ||
		die config "cannot make the $cfg config: see $out/logs/config-$cfg.log"
	id=$(baseline_id "$build" "$base_ident")
	stored=$build/.xe-stack-baseline
	if [[ ! -f $stored || $(head -n1 "$stored") != "$id" ]]; then
		log "$cfg: no baseline for this base and config: full build"
		find "$build" -mindepth 1 -maxdepth 1 ! -name .config -exec rm -rf {} +
		cold=cold
	fi
	: >"$out/state/$cfg.cc"
	[[ $cfg == "$sparse_config" ]] && : >"$out/state/sparse"
	build_stage 00 "$base_label" "$cfg" $cold
	[[ $(awk -F'\t' -v s="build:$cfg" '$3 == s { print $4 }' "$results") == pass ]] ||
		die baseline "the $base_label does not build in $cfg: see $out/logs/00-build-$cfg.log"
	# Only a build of the base itself is stored as the base's baseline.
	# A cold build saw every warning; an incremental one adds the stored.
	if [[ -n $cold ]] && ((ref == 0)); then
		{ echo "$id"; cat "$out/state/$cfg.cc"; } >"$stored"
	elif [[ -z $cold ]]; then
		tail -n +2 "$stored" | sort -u -o "$out/state/$cfg.cc" - "$out/state/$cfg.cc"
	fi
	[[ $cfg == "$sparse_config" ]] || return 0
	sid="$id scope=${sparse_scope[*]}"
	stored=$build/.xe-stack-sparse-baseline
	if [[ -z $cold && -f $stored && $(head -n1 "$stored") == "$sid" ]]; then
		tail -n +2 "$stored" | sort -u -o "$out/state/sparse" - "$out/state/sparse"
	else
		sparse_scan "$cfg" "$sid"
	fi
}


# reference_stages: the reference every patch is compared with (the base,
# or with --only the tree at patch ref): each config built, its warnings
# recorded, booted, and its KUnit results taken, as index 00.
reference_stages() {
	local cfg
	for cfg in "${configs[@]}"; do
		baseline "$cfg"
	done
	qemu_stages 00 "$base_label"
}

# apply_unchecked FROM TO: apply patches FROM..TO without checking them
# (their results are cached, or the reference is built from them).
apply_unchecked() {
	local k idx
	mkdir -p "$out/logs/applied"
	for ((k = $1; k <= $2; k++)); do
		idx=$(printf '%02d' "$k")
		"$REPO_DIR/scripts/pipeline/stage-apply.sh" "$idx" "$out/logs/applied" "$tree" ||
			die apply "patch $k (${entries[k - 1]}) no longer applies: see $out/logs/applied/$idx-apply.log"
	done
}

# patch_stages INDEX PATCH FILE: every stage of one patch, in order: apply,
# checkpatch (strict, then drm's profile), process, build (and sparse) in
# each config scheduled for it, kernel-doc, coccinelle (with sparse's
# config), then the qemu
# stages (kunit and boot, kunit-builtin). Sets applied=0 if the patch does
# not apply: nothing else can run then. It always returns 0, so that its
# callers never run it where bash ignores set -e (left of || or in an if).
patch_stages() {
	local idx=$1 patch=$2 file=$3 t0 rc cfg touched cocci cocci_before
	applied=0
	mapfile -t touched < <(grep -E '^\+\+\+ b/' "$file" | sed 's|^+++ b/||; s|\t.*||')
	"$REPO_DIR/scripts/pipeline/stage-kerneldoc.sh" "$idx-before" "$out/state" "$tree" "${touched[@]}"
	# Coccinelle goes with sparse: in the run (or CI job) that builds the
	# sparse config, whose build dir has the generated headers.
	cocci=0 cocci_before=pass
	for cfg in "${configs[@]}"; do
		[[ $cfg != "$sparse_config" ]] || cocci=1
	done
	if ((cocci)); then
		"$REPO_DIR/scripts/pipeline/stage-coccinelle.sh" "$idx-before" "$out/state" "$tree" \
			"$CACHE_DIR/build/$sparse_config" "${touched[@]}" || cocci_before=fail
	fi

	t0=$SECONDS
	if ! "$REPO_DIR/scripts/pipeline/stage-apply.sh" "$idx" "$out/logs" "$tree"; then
		record "$idx" "$patch" apply fail $((SECONDS - t0)) "$out/logs/$idx-apply.log"
		return 0
	fi
	applied=1
	record "$idx" "$patch" apply pass $((SECONDS - t0)) "$out/logs/$idx-apply.log"

	t0=$SECONDS rc=0
	"$REPO_DIR/scripts/pipeline/stage-checkpatch.sh" "$idx" "$out/logs" "$tree" "$file" || rc=$?
	record "$idx" "$patch" checkpatch "$(status_of "$rc")" $((SECONDS - t0)) "$out/logs/$idx-checkpatch.log"
	t0=$SECONDS rc=0
	"$REPO_DIR/scripts/pipeline/stage-checkpatch.sh" --profile drm "$idx" "$out/logs" "$tree" "$file" || rc=$?
	record "$idx" "$patch" checkpatch:drm "$(status_of "$rc")" $((SECONDS - t0)) "$out/logs/$idx-checkpatch-drm.log"

	t0=$SECONDS rc=0
	"$REPO_DIR/scripts/pipeline/stage-process.sh" --placeholder "$PROJECT_NAME <$PROJECT_EMAIL>" \
		${base_git:+--git "$base_git"} "$idx" "$out/logs" "$file" || rc=$?
	record "$idx" "$patch" process "$(status_of "$rc")" $((SECONDS - t0)) "$out/logs/$idx-process.log"

	for cfg in "${configs[@]}"; do
		# A config scheduled at series tops (config-fragments/matrix,
		# when=top) is built only there: the top's build covers the
		# patches below it, and its findings are the top's.
		[[ ${matrix_when[$cfg]} == patch || -n ${tops[10#$idx]:-} ]] || continue
		build_stage "$idx" "$patch" "$cfg"
	done

	t0=$SECONDS rc=0
	"$REPO_DIR/scripts/pipeline/stage-kerneldoc.sh" --baseline "$out/state/$idx-before-kernel-doc.keys" \
		"$idx" "$out/logs" "$tree" "${touched[@]}" || rc=$?
	record "$idx" "$patch" kernel-doc "$(status_of "$rc")" $((SECONDS - t0)) "$out/logs/$idx-kernel-doc.log"

	if ((cocci)); then
		t0=$SECONDS rc=0
		if [[ $cocci_before == fail ]]; then
			# No baseline to judge the patch by: the tool's failure is
			# the stage's, named.
			cp "$out/state/$idx-before-coccinelle.log" "$out/logs/$idx-coccinelle.log"
			log "[coccinelle] patch $idx: coccicheck fails on the tree before it: see $out/logs/$idx-coccinelle.log"
			rc=1
		else
			"$REPO_DIR/scripts/pipeline/stage-coccinelle.sh" --baseline "$out/state/$idx-before-coccinelle.keys" \
				"$idx" "$out/logs" "$tree" "$CACHE_DIR/build/$sparse_config" "${touched[@]}" || rc=$?
		fi
		record "$idx" "$patch" coccinelle "$(status_of "$rc")" $((SECONDS - t0)) "$out/logs/$idx-coccinelle.log"
	fi

	qemu_stages "$idx" "$patch"
}
