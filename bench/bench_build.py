"""Seed-corpus build timings: read + segment, the full build with enrichment, and the same on two worker processes.

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
from rhetoric_shift.engine import LocalEngine

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def time_runs(runs: int, **kwargs) -> tuple[list[float], int]:
    seconds = []
    n = 0
    for _ in range(runs):
        clock = time.perf_counter()
        result = _build(**kwargs)
        seconds.append(time.perf_counter() - clock)
        n = len(result.table)
    return seconds, n


def _build(engine: str | None = None, **kwargs):
    """One seed build; ``engine="local:N"`` runs it on N local worker processes (pool start included)."""
    if engine is None:
        return build_table([SEEDS], **kwargs)
    with LocalEngine(int(engine.split(":")[1])) as pool:
        return build_table([SEEDS], engine=pool, **kwargs)


def peak_mib(**kwargs) -> float:
    tracemalloc.start()
    _build(**kwargs)
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
        # the same build split into one-document batches on two worker processes: the engine's overhead
        ("full build, 2 worker processes, 1 document per batch", {"enrich": True, "batch_documents": 1, "engine": "local:2"}, "-"),
    ]:
        seconds, n = time_runs(args.runs, **kwargs)
        rows.append((label, n, statistics.median(seconds), min(seconds), max(seconds), peak_mib(**kwargs), goal))
    print(f"Seed corpus build, {args.runs} runs, Python {sys.version.split()[0]}\n")
    print("| step | statements | median s | min s | max s | peak Python heap MiB (this process) | goal |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for label, n, med, lo, hi, mib, goal in rows:
        print(f"| {label} | {n} | {med:.3f} | {lo:.3f} | {hi:.3f} | {mib:.1f} | {goal} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
