"""Benchmark: each dashboard page's script time on the seed corpus, once cached (goal: under 0.5 s).

Run: ``python bench/bench_pages.py [--runs 7] [--table FILE]``. For every page it opens the page
in AppTest (the first run pays for the build of seeds/ and the cached computations), then times
``--runs`` reruns and prints the median and the slowest as a markdown table. With ``--table``
the app reads that Parquet file instead of building seeds/.

AppTest runs the script in-process, so the time is the server-side script time of a rerun
(what a visitor waits for after a click, before the browser draws), plus AppTest's own small
overhead.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("overview", "timeline", "heatmaps", "compare", "topics", "statements", "method")
GOAL_S = 0.5


def time_page(page: str, runs: int) -> tuple[float, list[float]]:
    """The first run's time and the times of ``runs`` reruns of ``page``."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
    if page != "overview":
        at.switch_page(f"pages/{page}.py")
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    if at.exception or at.error:
        raise SystemExit(f"{page}: {[e.value for e in (*at.exception, *at.error)]}")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    return first, times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="reruns timed per page (at least 5)")
    parser.add_argument("--table", type=Path, help="a prebuilt Parquet table instead of building seeds/")
    args = parser.parse_args(argv)
    if args.table:
        os.environ["RHETORIC_SHIFT_TABLE"] = str(args.table.resolve())
    else:
        os.environ.pop("RHETORIC_SHIFT_TABLE", None)
    runs = max(args.runs, 5)
    print(f"Dashboard pages on {'`' + str(args.table) + '`' if args.table else 'seeds/ (built on first start)'}: "
          f"script time per rerun, median of {runs} AppTest reruns after the first run (goal < {GOAL_S} s).\n")
    print("| page | first run (s) | median rerun (s) | slowest rerun (s) | goal |")
    print("|---|---:|---:|---:|---|")
    for page in PAGES:
        first, times = time_page(page, runs)
        median = statistics.median(times)
        print(f"| {page} | {first:.2f} | {median:.3f} | {max(times):.3f} | {'ok' if median < GOAL_S else 'SLOW'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
