#!/usr/bin/env python3
"""Check the structure of a LAVA job definition.

Usage: check-job.py JOB.yaml

Parses JOB.yaml and checks the keys LAVA's job schema requires: the
top-level job_name, device_type, timeouts (with job), priority, visibility
and actions; every deploy has `to` and what that method needs, every boot a
method, every test its definitions (from, name, path, and for inline ones
the repository's metadata and run steps); a job deploys, boots and tests,
in that order. Prints each problem and exits 1 if there is any. It does not
run or submit the job.
"""
import sys

import yaml

TOP = ["job_name", "device_type", "timeouts", "priority", "visibility", "actions"]
DEPLOY_NEEDS = {"tftp": ["kernel"], "downloads": ["images"],
                "tmpfs": ["images"], "nfs": ["nfsrootfs"]}


def check_deploy(where, a, errors):
    to = a.get("to")
    if not to:
        errors.append(f"{where}: no 'to'")
        return
    for key in DEPLOY_NEEDS.get(to, []):
        if key not in a:
            errors.append(f"{where}: deploy to {to} without '{key}'")
    for key, img in (a.get("images") or {}).items():
        if not isinstance(img, dict) or "url" not in img:
            errors.append(f"{where}: image '{key}' has no url")
    for key in ("kernel", "ramdisk", "nfsrootfs", "modules"):
        if key in a and "url" not in (a[key] or {}):
            errors.append(f"{where}: '{key}' has no url")


def check_test(where, a, errors):
    defs = a.get("definitions")
    if not defs:
        errors.append(f"{where}: no definitions")
        return
    for i, d in enumerate(defs):
        w = f"{where}: definition {i + 1}"
        for key in ("from", "name", "path"):
            if key not in d:
                errors.append(f"{w}: no '{key}'")
        if d.get("from") == "inline":
            repo = d.get("repository") or {}
            meta = repo.get("metadata") or {}
            for key in ("format", "name"):
                if key not in meta:
                    errors.append(f"{w}: inline metadata has no '{key}'")
            if not (repo.get("run") or {}).get("steps"):
                errors.append(f"{w}: inline definition has no run steps")
        elif "repository" not in d:
            errors.append(f"{w}: no 'repository'")


def check(job):
    errors = []
    if not isinstance(job, dict):
        return ["the job is not a mapping"]
    for key in TOP:
        if key not in job:
            errors.append(f"no top-level '{key}'")
    if "job" not in (job.get("timeouts") or {}):
        errors.append("timeouts has no 'job'")
    kinds = []
    for n, item in enumerate(job.get("actions") or [], 1):
        if not isinstance(item, dict) or len(item) != 1:
            errors.append(f"action {n}: not a single deploy/boot/test")
            continue
        kind, a = next(iter(item.items()))
        where = f"action {n} ({kind})"
        a = a or {}
        kinds.append(kind)
        if kind == "deploy":
            check_deploy(where, a, errors)
        elif kind == "boot":
            if "method" not in a:
                errors.append(f"{where}: no 'method'")
        elif kind == "test":
            check_test(where, a, errors)
        else:
            errors.append(f"{where}: unknown action")
    order = [k for i, k in enumerate(kinds) if i == 0 or kinds[i - 1] != k]
    if not {"deploy", "boot", "test"} <= set(kinds) or \
            order.index("test") < order.index("boot") or \
            order.index("boot") < order.index("deploy"):
        errors.append(f"actions must deploy, then boot, then test (have: {' '.join(kinds)})")
    return errors


def main(argv):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) == 2 else 2
    try:
        with open(argv[1]) as f:
            job = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        print(f"check-job: {argv[1]}: {e}", file=sys.stderr)
        return 1
    errors = check(job)
    for e in errors:
        print(f"check-job: {argv[1]}: {e}", file=sys.stderr)
    if not errors:
        print(f"check-job: {argv[1]}: valid ({len(job['actions'])} actions)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
