#!/usr/bin/env python3
"""Compare two KUnit results (kunit.py parse --json) of consecutive patches.

Usage: kunit-compare.py CURRENT.json [PREVIOUS.json]

Prints the pass / fail / skip counts of CURRENT and every failing test.
Fails (exit 1) when a test fails that passed or did not exist in PREVIOUS,
when a test that passed in PREVIOUS is gone, when a suite that ran in
PREVIOUS is gone (even one whose tests all skipped), or when CURRENT holds
no test at all. Tests that already failed in PREVIOUS are listed, not
blamed.
"""
import json
import sys


def leaves(group, prefix=""):
    name = group.get("name") or ""
    path = f"{prefix}.{name}" if prefix and name else (name or prefix)
    for case in group.get("test_cases", []):
        yield f"{path}.{case['name']}" if path else case["name"], case["status"]
    for sub in group.get("sub_groups", []):
        yield from leaves(sub, path)


def load(path):
    """The tests of a result file by path, and its suites' names."""
    with open(path) as f:
        root = json.load(f)
    # A suite that ran no case (skipped or crashed as a whole) is a case of
    # the root; a suite with cases is a group.
    suites = {g.get("name") for g in root.get("sub_groups", [])}
    suites |= {c.get("name") for c in root.get("test_cases", [])}
    return dict(leaves(root)), suites


def main(argv):
    if len(argv) not in (2, 3) or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) == 2 else 2
    cur, cur_suites = load(argv[1])
    prev, prev_suites = load(argv[2]) if len(argv) == 3 else ({}, set())
    counts = {s: sum(1 for v in cur.values() if v == s) for s in ("PASS", "SKIP")}
    bad = len(cur) - counts["PASS"] - counts["SKIP"]
    print(f"kunit: {len(cur)} tests, {counts['PASS']} passed, {bad} failed, "
          f"{counts['SKIP']} skipped")
    failed = not cur
    if failed:
        print("no KUnit test ran")
    for name, status in sorted(cur.items()):
        if status in ("PASS", "SKIP"):
            continue
        before = prev.get(name)
        if before in (None, "PASS", "SKIP"):
            failed = True
            print(f"REGRESSION {name}: {status} (before: {before or 'absent'})")
        else:
            print(f"still failing {name}: {status}")
    for name, status in sorted(prev.items()):
        if status == "PASS" and name not in cur:
            failed = True
            print(f"REGRESSION {name}: disappeared (passed before)")
    for suite in sorted(prev_suites - cur_suites):
        failed = True
        print(f"REGRESSION suite {suite}: disappeared (ran before)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
