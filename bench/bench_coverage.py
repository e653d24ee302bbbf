"""Benchmark: does the 95% interval of a mean tone or stance cover the true mean 95% of the time?

Run: ``python bench/bench_coverage.py [--reps 4000] [--table FILE]``. The population is the
table's own officials' statements (kind direct or reported), grouped into remarks by
``dup_group`` (default: a build of seeds/). For each n of 5, 10, 20, 50 it draws ``--reps``
samples of n remarks with replacement (a remark brings all its reports, so duplicates stay
clustered), computes the interval on every sample and counts how often it contains the
population's mean. It prints a markdown table for the interval the library uses
(``stats.mean_interval``: t over remarks, cluster-robust) and, for comparison, the row-level
percentile bootstrap the dashboard used before. The smallest n whose coverage reaches
``stats.COVERAGE_FLOOR`` for both measures is where intervals start being drawn
(``stats.MIN_N_FOR_INTERVAL``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lib"))

from rhetoric_shift import stats  # noqa: E402
from rhetoric_shift.build import build_table, read_table  # noqa: E402
from rhetoric_shift.compare import OFFICIAL_KINDS  # noqa: E402

SIZES = (5, 10, 20, 50)


def remarks(table: pd.DataFrame, measure: str) -> list[np.ndarray]:
    """The officials' statements' values of ``measure``, one array per remark (dup_group)."""
    rows = table[table["kind"].isin(OFFICIAL_KINDS)]
    return [g[measure].to_numpy(dtype=float) for _, g in rows.groupby("dup_group", sort=True)]


def t_covers(sample: list[np.ndarray], truth: float) -> bool:
    values = np.concatenate(sample)
    clusters = np.repeat(np.arange(len(sample)), [len(s) for s in sample])
    _, low, high = stats.mean_interval(values, clusters, min_n=2)
    return bool(low <= truth <= high)


def bootstrap_covers(sample: list[np.ndarray], truth: float, rng: np.random.Generator, n_boot: int = 1000) -> bool:
    values = np.concatenate(sample)  # rows, as the old percentile bootstrap resampled them
    means = values[rng.integers(0, values.size, size=(n_boot, values.size))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return bool(low <= truth <= high)


def coverage(groups: list[np.ndarray], n: int, reps: int, seed: int) -> tuple[float, float]:
    """(t-over-remarks coverage, row-bootstrap coverage) at sample size ``n`` remarks."""
    truth = float(np.concatenate(groups).mean())
    rng = np.random.default_rng(seed)
    t_hits = boot_hits = 0
    boot_reps = max(1, reps // 4)  # the bootstrap is 1000x slower; a quarter of the draws is enough to see it
    for rep in range(reps):
        sample = [groups[i] for i in rng.integers(0, len(groups), size=n)]
        t_hits += t_covers(sample, truth)
        if rep < boot_reps:
            boot_hits += bootstrap_covers(sample, truth, rng)
    return t_hits / reps, boot_hits / boot_reps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=4000)
    parser.add_argument("--table", type=Path)
    args = parser.parse_args(argv)
    table = read_table(args.table) if args.table else build_table([ROOT / "seeds"]).table
    print(f"Coverage of nominal 95% intervals, {args.reps} samples per cell (bootstrap: {max(1, args.reps // 4)}); "
          f"population: officials' remarks of {args.table or 'seeds/'}\n")
    print("| measure | remarks in population | n | t over remarks (used) | row percentile bootstrap (old) |")
    print("|---|---|---|---|---|")
    holds: dict[str, list[int]] = {}
    for measure in ("tone", "stance"):
        groups = remarks(table, measure)
        for n in SIZES:
            t_cov, b_cov = coverage(groups, n, args.reps, seed=n)
            if t_cov >= stats.COVERAGE_FLOOR:
                holds.setdefault(measure, []).append(n)
            print(f"| {measure} | {len(groups)} | {n} | {t_cov:.3f} | {b_cov:.3f} |")
    first = max((min(v) if v else 10**9) for v in (holds.get("tone", []), holds.get("stance", [])))
    print(f"\nSmallest n with coverage >= {stats.COVERAGE_FLOOR} for both measures: "
          f"{first if first < 10**9 else 'none of ' + str(SIZES)} (library: MIN_N_FOR_INTERVAL = {stats.MIN_N_FOR_INTERVAL})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
