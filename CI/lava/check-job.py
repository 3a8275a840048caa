#!/usr/bin/env python3
"""Check the structure of a LAVA job definition.

Usage: check-job.py JOB.yaml [--deb LINUX_IMAGE_DEB]

Parses JOB.yaml and checks the keys LAVA's job schema requires: the
top-level job_name, device_type, timeouts (with job), priority, visibility
and actions; every deploy has `to` and what that method needs, every boot a
method, every test its definitions (from, name, path, and for inline ones
the repository's metadata and run steps); a job deploys, boots and tests,
in that order. Prints each problem and exits 1 if there is any. It does not
run or submit the job.

With --deb, the job is also checked against the linux-image package it is
to boot (build-deb.sh's): the package file names in its steps match the
.deb's name; the version the steps take from its Package field
(linux-image-V) names what the package holds, /boot/vmlinuz-V and
/lib/modules/V with xe in kernel/drivers/gpu/drm/xe, which the test
looks for under `uname -r`; and where the job's @LINUX_IMAGE_DEB@ is
filled in, its URL ends in the .deb's name.
"""
import fnmatch
import os
import re
import subprocess
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


def strings(node):
    """Every string in a parsed YAML tree."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)


def check_deb(job, deb):
    """What the job assumes of the package against the package."""
    errors = []
    name = os.path.basename(deb)
    try:
        pkg = subprocess.run(["dpkg-deb", "-f", deb, "Package"], check=True,
                             capture_output=True, text=True).stdout.strip()
        listing = subprocess.run(["dpkg-deb", "-c", deb], check=True,
                                 capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        return [f"{deb}: dpkg-deb cannot read it: {e}"]
    if not pkg.startswith("linux-image-"):
        return [f"{name}: package {pkg} is no linux-image-VERSION"]
    v = pkg[len("linux-image-"):]
    paths = {line.split()[-1].lstrip(".") for line in listing.splitlines() if line.split()}
    texts = list(strings(job))
    globs = {g for t in texts for g in re.findall(r"linux-image-[^\s'\"]*\.deb", t)}
    if not globs:
        errors.append("no step names the linux-image-*.deb it unpacks")
    for g in sorted(globs):
        if not fnmatch.fnmatch(name, g):
            errors.append(f"the steps name {g}, which {name} does not match")
    for want in (f"/boot/vmlinuz-{v}", f"/lib/modules/{v}/kernel/drivers/gpu/drm/xe/"):
        if not any(p == want or p.startswith(want) for p in paths) and \
                not any(p.startswith("/usr" + want) for p in paths):
            errors.append(f"{name} has no {want}, which the job uses for version {v}")
    if not any(re.search(r"/kernel/drivers/gpu/drm/xe/xe\.ko(\.[a-z]+)?$", p) for p in paths):
        errors.append(f"{name} has no xe.ko")
    urls = [t for t in texts if t.startswith(("http://", "https://")) and t.endswith(".deb")]
    for u in urls:
        if u.rsplit("/", 1)[-1] != name:
            errors.append(f"the job's package URL {u} does not end in {name}")
    return errors


def main(argv):
    deb = None
    if len(argv) >= 3 and argv[2] == "--deb":
        if len(argv) != 4:
            print("check-job: --deb takes one package (is a glob matching several?)", file=sys.stderr)
            return 2
        deb = argv[3]
        argv = argv[:2]
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
    if deb is not None and not errors:
        errors = check_deb(job, deb)
    for e in errors:
        print(f"check-job: {argv[1]}: {e}", file=sys.stderr)
    if not errors:
        print(f"check-job: {argv[1]}: valid ({len(job['actions'])} actions)"
              + (f", fits {os.path.basename(deb)}" if deb else ""))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
