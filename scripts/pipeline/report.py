#!/usr/bin/env python3
"""Turn a pipeline run's results.tsv into the CI report.

Usage: report.py OUT_DIR

Reads OUT_DIR/results.tsv (one row per patch and stage) and
OUT_DIR/patches.tsv (index, patch file, subject) and writes, next to them:
report.md (the table, one row per patch, one column per stage, as in the
intel-xe pre-merge CI mail), report.json and junit.xml (one testsuite per
patch, one testcase per stage). Prints the table as plain text.
"""
import csv
import json
import sys
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

FIXED = ["apply", "checkpatch", "checkpatch:drm", "process"]
LATE = ["sparse", "kernel-doc", "coccinelle", "kunit", "boot", "kunit-builtin"]
TITLES = {"apply": "Patch_applied", "checkpatch": "checkpatch",
          "checkpatch:drm": "checkpatch_drm",
          "process": "Process", "sparse": "checksparse",
          "kernel-doc": "kernel-doc", "coccinelle": "coccicheck",
          "kunit": "KUnit", "boot": "Boot",
          "kunit-builtin": "KUnit_builtin"}


def read_tsv(path):
    if not path.exists():
        return []
    with path.open(newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def columns(rows):
    seen = {r["stage"] for r in rows}
    builds = sorted({s for s in seen if s.startswith("build:")},
                    key=lambda s: [r["stage"] for r in rows].index(s))
    return [s for s in FIXED + builds + LATE if s in seen]


def title(stage):
    if stage.startswith("build:"):
        return "Build " + stage.split(":", 1)[1]
    return TITLES.get(stage, stage)


def main(argv):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) == 2 else 2
    out = Path(argv[1])
    rows = read_tsv(out / "results.tsv")
    subjects = {p["index"]: p for p in read_tsv(out / "patches.tsv")}
    cols = columns(rows)
    order = []
    cells = {}
    for r in rows:
        if r["index"] not in cells:
            order.append(r["index"])
            cells[r["index"]] = {}
        cells[r["index"]][r["stage"]] = r
    base = (out / "base.txt").read_text().strip() if (out / "base.txt").exists() else ""

    def subject(idx):
        if idx == "00":
            label = next(iter(cells["00"].values()), {}).get("patch", "base")
            return "(base tree)" if label == "base" else f"({label})"
        p = subjects.get(idx)
        return p["subject"] if p else cells[idx][next(iter(cells[idx]))]["patch"]

    def cell(idx, stage):
        r = cells[idx].get(stage)
        if r is None:
            return "skipped", ""
        return r["status"], r["seconds"]

    def cached(idx):
        return any(r.get("cached") == "cached" for r in cells[idx].values())

    # Patches the run never reached are listed as skipped.
    for idx in subjects:
        if idx not in cells:
            order.append(idx)
            cells[idx] = {}
    order.sort()

    # The boot's new splats, each with its stack fingerprint
    # (check-boot.py): what failed, not only that it did.
    def splats(idx):
        r = cells[idx].get("boot")
        if not r or r["status"] != "fail" or not r["log"]:
            return []
        try:
            log = (out / r["log"]).read_text(errors="replace").splitlines()
        except OSError:
            return []
        return [l for l in log if l.startswith("new splat")]

    header = ["#", "Patch"] + [title(c) for c in cols]
    md = [f"Base: {base}", "",
          "| " + " | ".join(header) + " |",
          "|" + "---|" * len(header)]
    text = []
    widths = [3, 46] + [max(len(title(c)), 12) for c in cols]
    text.append("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    for idx in order:
        vals = []
        for c in cols:
            st, sec = cell(idx, c)
            vals.append(f"{st} {sec}s" if sec != "" else st)
        subj = subject(idx)
        if cached(idx):
            subj += " (cached)"
        md.append(f"| {idx} | {subj} | " + " | ".join(vals) + " |")
        text.append("  ".join(v.ljust(w) for v, w in
                              zip([idx, subj[:46]] + vals, widths)))
    notes = [f"{idx}: {l}" for idx in order for l in splats(idx)]
    if notes:
        md += ["", "Splats:", ""] + [f"- {n}" for n in notes]
        text += ["Splats:"] + [f"  {n}" for n in notes]
    (out / "report.md").write_text("\n".join(md) + "\n")

    report = {"base": base, "stages": cols, "patches": []}
    for idx in order:
        report["patches"].append({
            "index": idx, "subject": subject(idx), "cached": cached(idx),
            "splats": splats(idx),
            "stages": {c: {"status": cell(idx, c)[0],
                           "seconds": int(cell(idx, c)[1] or 0),
                           "log": cells[idx].get(c, {}).get("log", "")}
                       for c in cols}})
    failed = sum(1 for r in rows if r["status"] == "fail")
    report["failed"] = failed
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n")

    x = ['<?xml version="1.0" encoding="UTF-8"?>',
         f'<testsuites name="xe-stack" tests="{len(rows)}" failures="{failed}">']
    for idx in order:
        rs = [r for r in rows if r["index"] == idx]
        nf = sum(1 for r in rs if r["status"] == "fail")
        x.append(f'  <testsuite name={quoteattr(idx + " " + subject(idx))} '
                 f'tests="{len(rs)}" failures="{nf}">')
        for r in rs:
            x.append(f'    <testcase classname={quoteattr("patch." + idx)} '
                     f'name={quoteattr(r["stage"])} time="{r["seconds"]}">')
            if r["status"] == "fail":
                what = "; ".join(splats(idx)) if r["stage"] == "boot" else ""
                x.append(f'      <failure message={quoteattr(what or r["stage"] + " failed")}>'
                         f'{escape(r["log"])}</failure>')
            elif r["status"] == "skip":
                x.append("      <skipped/>")
            elif r["status"] == "warn":
                x.append(f'      <system-out>warnings: {escape(r["log"])}</system-out>')
            x.append("    </testcase>")
        x.append("  </testsuite>")
    x.append("</testsuites>")
    (out / "junit.xml").write_text("\n".join(x) + "\n")

    print(f"Base: {base}")
    print("\n".join(text))
    if "kunit-builtin" in cols:
        kunitconfig = Path(__file__).resolve().parents[2] / "kunit-configs" / "xe.kunitconfig"
        print("kunit-builtin by hand, in the kernel tree: ./tools/testing/kunit/kunit.py run "
              f"--arch=x86_64 --kunitconfig={kunitconfig}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
