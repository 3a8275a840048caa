#!/usr/bin/env python3
"""Summarize benchmark runs: per-stage min / median / max and ratios.

Usage: bench-stats.py BENCH_DIR

Reads BENCH_DIR/{cold,touched,unchanged}-N/results.tsv and .../wall
(written by benchmark.sh). A stage's time in a run is the sum over the
patches that were really checked (cached rows count 0); "wall" is the
whole run.
"""
import csv
import statistics
import sys
from pathlib import Path

KINDS = ["cold", "touched", "unchanged"]


def runs(bench, kind):
    for d in sorted(bench.glob(f"{kind}-*")):
        if not (d / "results.tsv").exists():
            continue
        stages = {}
        with (d / "results.tsv").open(newline="") as f:
            for r in csv.DictReader(f, delimiter="\t"):
                if r.get("cached") == "cached":
                    continue
                stage = r["stage"]
                stages[stage] = stages.get(stage, 0) + int(r["seconds"] or 0)
        stages["wall"] = int((d / "wall").read_text()) if (d / "wall").exists() else 0
        yield stages


def fmt(vals):
    if not vals:
        return "-"
    return f"{min(vals)}/{statistics.median(vals):g}/{max(vals)}"


def main(argv):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) == 2 else 2
    bench = Path(argv[1])
    data = {k: list(runs(bench, k)) for k in KINDS}
    stages = []
    for k in KINDS:
        for r in data[k]:
            for s in r:
                if s not in stages:
                    stages.append(s)
    print(f"{'stage':<22}" + "".join(f"{k + ' (n=' + str(len(data[k])) + ')':>22}" for k in KINDS)
          + f"{'cold/touched':>14}{'cold/unch.':>12}")
    for s in stages:
        cols = {k: [r.get(s, 0) for r in data[k]] for k in KINDS}
        med = {k: statistics.median(v) if v else 0 for k, v in cols.items()}
        ratio = lambda a, b: f"{med[a] / med[b]:.1f}x" if med[a] and med[b] else "-"
        print(f"{s:<22}" + "".join(f"{fmt(cols[k]):>22}" for k in KINDS)
              + f"{ratio('cold', 'touched'):>14}{ratio('cold', 'unchanged'):>12}")
    print("seconds as min/median/max over the runs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
