"""Seed-corpus build timings: read + segment, and the full build with enrichment.

Run: python bench/bench_build.py [--runs 5]. Prints a markdown table of medians (and min/max)
over several runs; the machine is shared, so quote medians. Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

from rhetoric_shift.build import build_table

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def time_runs(runs: int, **kwargs) -> tuple[list[float], int]:
    seconds = []
    n = 0
    for _ in range(runs):
        clock = time.perf_counter()
        result = build_table([SEEDS], **kwargs)
        seconds.append(time.perf_counter() - clock)
        n = len(result.table)
    return seconds, n


def peak_mib(**kwargs) -> float:
    tracemalloc.start()
    build_table([SEEDS], **kwargs)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    build_table([SEEDS], enrich=False)  # warm imports and caches once, outside the timings
    rows = []
    for label, kwargs, goal in [
        ("read + segment (no enrichment)", {"enrich": False}, "-"),
        ("full build (with enrichment)", {"enrich": True}, "< 3 s"),
    ]:
        seconds, n = time_runs(args.runs, **kwargs)
        rows.append((label, n, statistics.median(seconds), min(seconds), max(seconds), peak_mib(**kwargs), goal))
    print(f"Seed corpus build, {args.runs} runs, Python {sys.version.split()[0]}\n")
    print("| step | statements | median s | min s | max s | peak Python heap MiB | goal |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for label, n, med, lo, hi, mib, goal in rows:
        print(f"| {label} | {n} | {med:.3f} | {lo:.3f} | {hi:.3f} | {mib:.1f} | {goal} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
