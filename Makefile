# The front door: every action of the project is a target here, and each
# target is one script you can also run by hand (scripts/*/*, --help).
#
# Variables: KERNEL_DIR=<your kernel tree> or KERNEL_TARBALL=<file> instead
# of the pinned kernel; XE_STACK_CACHE (default ~/.cache/xe-stack); JOBS;
# TREE (your quilt work tree); ARGS (extra options for the script).

SHELL := /bin/bash
.DEFAULT_GOAL := help
CACHE ?= $(or $(XE_STACK_CACHE),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/xe-stack)
TREE ?= $(CACHE)/tree/linux
export QUILTRC := $(CURDIR)/scripts/pipeline/quiltrc
# The fast tier needs no kernel, no root and no network; the kernel tier
# builds and boots the pinned kernel.
FAST_TESTS := tests/tools.bats tests/pipeline.bats tests/safety.bats tests/recovery.bats
KERNEL_TESTS := tests/deps.bats tests/scripts.bats tests/quilt.bats tests/stack.bats \
	tests/pagemap-nothp.bats tests/uapi.bats tests/fixtures.bats \
	tests/bisect.bats tests/mutate.bats tests/ci.bats tests/deb.bats \
	tests/export.bats
# The fast tests are independent of each other: they run side by side,
# one per core (bats --jobs, with GNU parallel).
FAST_JOBS := $(shell nproc 2>/dev/null || echo 1)

.PHONY: help deps check-tools fetch tree check check-mail pipeline bisect mutate figures export mail import maintainers deb-config deb ci-lint bench check-fast check-kernel check-deb test lint clean

help: ## List the targets
	@awk -F':.*## ' '/^[a-z-]+:.*## / { printf "  make %-10s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

deps: ## Install the Debian packages and build sparse (needs root or sudo)
	scripts/setup/install-deps.sh

fetch: ## Download and verify the pinned kernel; print the pristine tree
	scripts/pipeline/fetch-kernel.sh

tree: ## Prepare $(TREE) and apply the stack there with quilt push -a (keeps your edits)
	scripts/pipeline/prepare-tree.sh --push $(TREE)
	@echo "quilt tree: $(TREE) (export QUILTRC=$(QUILTRC))"

check: ## The per-patch pipeline over the stack (ARGS="--keep-going" ...)
	scripts/pipeline/check-series.sh $(ARGS)

check-mail: ## Each mail series alone on the base, as a maintainer applies it: apply and build (after check)
	scripts/mail/check-mail-series.sh $(ARGS)

pipeline: deps fetch check check-mail ## Install, fetch, then run the whole pipeline

bisect: ## First patch where a check fails (ARGS="--stage build" or ARGS="-- CMD")
	scripts/triage/bisect-series.sh $(ARGS)

mutate: ## Mutants of the series' patches (tests/mutations/*.mut) through the pipeline: kill ratio
	scripts/triage/mutate.sh $(ARGS)

figures: ## The autoreset series' cost, measured in KUnit (out/figures/summary.txt)
	scripts/bench/kernel-figures.sh $(ARGS)

bench: ## Time the pipeline cold and warm (out/bench/summary.txt)
	scripts/bench/benchmark.sh $(ARGS)

check-fast: ## The project's fast tests: lint and the tools on canned inputs (no kernel, no root; seconds)
	bats --jobs $(FAST_JOBS) --timing $(ARGS) $(FAST_TESTS)

# One bats run per file, each file's wall time after it (ARGS, bats
# options, apply to each run); a Ctrl-C stops them all.
check-kernel: ## The project's kernel tier: the pinned kernel built, booted, bisected (needs make deps)
	@trap 'exit 130' INT; failed=; for f in $(KERNEL_TESTS); do \
		start=$$SECONDS; bats --timing $(ARGS) "$$f" || failed="$$failed $$f"; \
		echo "# $$f: $$((SECONDS - start)) s"; \
	done; [ -z "$$failed" ] || { echo "# failed:$$failed"; exit 1; }

check-deb: ## Campaign, not in make test: xe.ko with Debian's config; the trimmed package built, installed, booted (~1 h cold)
	bats --timing $(ARGS) tests/deb-build.bats

test: deps ## The project's own tests: the fast tier, then the kernel tier (builds, boots)
	$(MAKE) --no-print-directory check-fast
	$(MAKE) --no-print-directory check-kernel

export: ## The stack as git branches on the base commit (export repository in the cache)
	scripts/mail/export-series.sh --branch-only $(ARGS)

mail: ## Each mail series to out/mail/NAME-vN/ with git send-email commands (sends nothing)
	scripts/mail/export-series.sh $(ARGS)

import: ## The exported branch back into patches/ (ARGS="--trailers MSGID" adds review tags)
	scripts/mail/import-series.sh $(ARGS)

maintainers: ## Regenerate the MAINTAINERS table of MAINTAINERS-notes/README.md
	scripts/mail/maintainers-table.sh --update

deb-config: ## Config of the Xe kernel package (Debian's config + deb-xe), checked
	scripts/package/build-deb.sh --config-only $(ARGS)

deb: ## Installable kernel .debs of the pin + the stack in out/deb (ARGS="--lsmod FILE": for one machine)
	scripts/package/build-deb.sh $(ARGS)

ci-lint: ## Validate CI/gitlab-ci.yml, its child pipeline and the LAVA job
	CI/job.sh lint

check-tools: ## Check that every tool the scripts use works here
	scripts/setup/check-tools.sh

lint: ## shellcheck over the scripts, the guest's init and the bats files; pyflakes over the Python
	shellcheck -x scripts/*/*.sh scripts/pipeline/lib/*.sh scripts/pipeline/guest/init .ci/run CI/job.sh tests/data/*.sh tests/helpers.bash \
		tests/data/fakebin/* tests/data/fakelinux/scripts/fake-build.sh tests/data/fakelinux/scripts/kernel-doc \
		tests/data/fakelinux/scripts/checkpatch.pl tests/data/fakelinux/scripts/coccicheck \
		tests/data/fakelinux/scripts/kconfig/merge_config.sh
	shellcheck -s bats tests/*.bats
	pyflakes3 scripts/*/*.py tests/data/*.py CI/lava/*.py tests/data/fakelinux/tools/testing/kunit/kunit.py

clean: ## Remove out/ (results); the cache is left alone
	rm -rf out
