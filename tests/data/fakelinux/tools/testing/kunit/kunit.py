#!/usr/bin/env python3
"""The fake tree's kunit.py: "run" and "parse" as the pipeline calls them.

run: the xe_fake_builtin suite, a case failing for each "fake: builtin-fail
CASE" in the tree's xe sources; parse: the KTAP of a console.
"""
import argparse
import glob
import json
import os
import re
import sys

TREE = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def ktap(lines):
    suites, cur = [], None
    for line in lines:
        m = re.match(r"^\s+# Subtest: (\S+)", line)
        if m:
            cur = {"name": m.group(1), "sub_groups": [], "test_cases": []}
            suites.append(cur)
            continue
        m = re.match(r"^\s+(not )?ok \d+ (\S+)", line)
        if m and cur is not None:
            status = "FAIL" if m.group(1) else "SKIP" if "# SKIP" in line else "PASS"
            cur["test_cases"].append({"name": m.group(2), "status": status})
    return {"name": "KUnit Test Group", "sub_groups": suites, "test_cases": []}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("command", choices=["run", "parse"])
    p.add_argument("--json")
    p.add_argument("--junit")
    p.add_argument("--raw_output")
    p.add_argument("--build_dir", default=".")
    args, rest = p.parse_known_args()
    files = [a for a in rest if not a.startswith("-")]
    if args.command == "run":
        failing = set()
        for f in glob.glob(os.path.join(TREE, "drivers/gpu/drm/xe/*.c")):
            failing |= set(re.findall(r"fake: builtin-fail (\w+)", open(f).read()))
        lines = ["KTAP version 1", "1..1", "    # Subtest: xe_fake_builtin", "    1..2"]
        for k, case in enumerate(["builtin_one", "builtin_two"], 1):
            lines.append(f"    {'not ' if case in failing else ''}ok {k} {case}")
        os.makedirs(args.build_dir, exist_ok=True)
        with open(os.path.join(args.build_dir, "test.log"), "w") as f:
            f.write("\n".join(lines) + "\n")
    else:
        lines = open(files[-1]).read().splitlines()
        if args.raw_output is not None:
            print("\n".join(lines))
            return 0
    result = ktap(lines)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f)
    if args.junit:
        with open(args.junit, "w") as f:
            f.write("<testsuites/>\n")
    bad = [c for s in result["sub_groups"] for c in s["test_cases"] if c["status"] == "FAIL"]
    print(f"fake kunit: {len(bad)} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
