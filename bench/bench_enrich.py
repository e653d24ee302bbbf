"""Benchmark: how long ``enrich`` takes on the seed corpus (goal: under 5 s).

Run: ``python bench/bench_enrich.py [--runs 5] [--seeds seeds]``. Prints a markdown table with
the median and spread of ``--runs`` timed runs after one warm-up run (the warm-up pays for
imports and the VADER lexicon, which a build pays once).

The table comes from the build without enrichment (``build_table(..., enrich=False)``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from rhetoric_shift.build import build_table
from rhetoric_shift.enrich import enrich

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    args = parser.parse_args(argv)
    table = build_table([args.seeds], enrich=False).table
    enrich(table)  # warm-up
    times = []
    for _ in range(max(args.runs, 1)):
        start = time.perf_counter()
        enrich(table)
        times.append(time.perf_counter() - start)
    print(f"enrich() on the seed corpus: {len(table)} statements, table from build_table(enrich=False)\n")
    print("| runs | median s | min s | max s | goal |")
    print("|---:|---:|---:|---:|---|")
    print(f"| {len(times)} | {statistics.median(times):.3f} | {min(times):.3f} | {max(times):.3f} | < 5 s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
