"""Benchmark: each dashboard page's rerun time and the process's peak memory, on the seeds, the UNGDC table and a 10 M copy.

Run: ``python bench/bench_pages.py [--runs 3] [--table PATH ...] [--replicate SOURCE --rows 10000000 --out DIR]``.

For every table (each in its own process, so the peak RSS printed is that table's alone) and
every page, it opens the page in AppTest (the first run pays for reading or attaching the
table and for the cached computations), then times ``--runs`` reruns and prints the median and
the slowest as a markdown table, with the process's peak RSS after all pages. Without
``--table`` it benchmarks seeds/ (built on first start).

``--replicate SOURCE`` first writes, under ``--out``, a dataset of about ``--rows`` statements
made by repeating every period's rows of SOURCE, with ``statement_id``, ``doc_id``,
``dup_group`` and ``parent_id`` made unique per copy (so each copy is new documents and new
remarks, not more reports of the same ones), then benchmarks it like any other table.

AppTest runs the script in-process, so a rerun's time is the server-side script time (what a
visitor waits for after a click, before the browser draws), plus AppTest's own small overhead.
Goals: a rerun <= 1 s on the UNGDC table, <= 1.5 s on 10 M statements, peak RSS < 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("overview", "timeline", "heatmaps", "compare", "topics", "statements", "method")
# The two questions of the study on the UNGDC table, as a visitor opens them by link.
QUESTIONS = {
    "compare: RUS on Ukraine 2014-2017": ("compare", {"actor": "RUS", "target": "Ukraine", "periods": "2014,2017"}),
    "compare: RUS vs USA on Syria 2017": ("compare", {"actor": "RUS,USA", "target": "Syria", "periods": "2017"}),
}


def replicate(source: Path, rows: int, out: Path) -> Path:
    """A dataset of about ``rows`` statements under ``out``: each period's rows of ``source`` repeated with fresh ids."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from rhetoric_shift.store import parquet_rows

    if out.exists():
        return out
    t0 = time.perf_counter()
    copies = math.ceil(rows / parquet_rows(source))
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)  # left by an interrupted run
    tmp.mkdir(parents=True)
    files = sorted(source.glob("period=*/*.parquet")) if source.is_dir() else [source]
    for file in files:
        table = pq.read_table(file)
        for period in (sorted(set(table.column("period").to_pylist())) if "period" in table.column_names else [file.parent.name.split("=", 1)[1]]):
            part = table if "period" not in table.column_names else table.filter(pc.equal(table.column("period"), period))
            if "period" in part.column_names:
                part = part.drop_columns(["period"])
            folder = tmp / f"period={period}"
            folder.mkdir(exist_ok=True)
            with pq.ParquetWriter(folder / f"part-{len(list(folder.iterdir()))}.parquet", part.schema, compression="zstd") as writer:
                for k in range(copies):
                    copy = part
                    for name in ("statement_id", "doc_id", "dup_group", "parent_id"):
                        i = copy.schema.get_field_index(name)
                        column = copy.column(i)
                        if k:
                            column = pc.binary_join_element_wise(column, pa.scalar(f"#{k}", type=column.type), pa.scalar("", type=column.type))
                        copy = copy.set_column(i, name, column.cast(copy.schema.field(name).type))
                    writer.write_table(copy)
    tmp.rename(out)
    print(f"wrote {out}: {copies} copies, {parquet_rows(out):,} statements in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return out


def time_page(page: str, params: dict[str, str], runs: int) -> tuple[float, float, list[float], list[float]]:
    """The first run's wall and CPU time, and the wall and CPU times (this process, every thread) of ``runs`` reruns of ``page``."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=1800)
    at.query_params.update(params)
    if page != "overview":
        at.switch_page(f"pages/{page}.py")
    start, start_cpu = time.perf_counter(), time.process_time()
    at.run()
    first, first_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    if at.exception or at.error:
        raise SystemExit(f"{page}: {[e.value for e in (*at.exception, *at.error)]}")
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        at.run()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return first, first_cpu, times, cpu


def worker(table: Path | None, runs: int, questions: bool) -> dict:
    """Every page (and the study's questions) on one table, in this process; the results as a dict."""
    if table is not None:
        os.environ["RHETORIC_SHIFT_TABLE"] = str(table.resolve())
    else:
        os.environ.pop("RHETORIC_SHIFT_TABLE", None)
    views = {page: (page, {}) for page in PAGES}
    if questions:
        views.update(QUESTIONS)
    out = {}
    for name, (page, params) in views.items():
        first, first_cpu, times, cpu = time_page(page, params, runs)
        out[name] = {"first": first, "first_cpu": first_cpu, "median": statistics.median(times), "slowest": max(times),
                     "cpu": statistics.median(cpu)}
    out["peak RSS (MB)"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def run_worker(table: Path | None, runs: int, questions: bool) -> dict:
    cmd = [sys.executable, __file__, "--worker", "--runs", str(runs)] + (["--table", str(table)] if table else [])
    cmd += ["--questions"] if questions else []
    done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "lib")})
    if done.returncode != 0:
        raise SystemExit(f"{table}: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="reruns timed per page (at least 3)")
    parser.add_argument("--table", type=Path, action="append", default=[], help="a prebuilt table (repeat for several)")
    parser.add_argument("--replicate", type=Path, help="a table to replicate to --rows statements under --out, then benchmark")
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--out", type=Path, default=Path("/tmp/rhetoric-shift-pages/replica"))
    parser.add_argument("--questions", action="store_true", help="also time the study's two comparisons (UNGDC tables)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    runs = max(args.runs, 3)
    if args.worker:
        print(json.dumps(worker(args.table[0] if args.table else None, runs, args.questions)))
        return 0
    tables: list[Path | None] = list(args.table) or ([] if args.replicate else [None])
    if args.replicate:
        sys.path.insert(0, str(ROOT / "lib"))
        tables.append(replicate(args.replicate, args.rows, args.out))
    load_before = os.getloadavg()[0]
    results = {(str(t) if t else "seeds/"): run_worker(t, runs, args.questions) for t in tables}
    print(f"Page reruns: the first run, then the median of {runs} AppTest reruns, seconds (wall, and CPU of the process, "
          "every thread); peak RSS of the process that ran every page of that table. Pages run in the order listed, "
          "in one process: a page's first run reuses what earlier pages computed (the store remembers answers).\n"
          f"Load average (1 min) before and after: {load_before:.1f}, {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(above the core count, wall times stretch: read the CPU columns).\n")
    names = list(results)
    print("| page | " + " | ".join(f"{n}: first | first CPU | median rerun | rerun CPU" for n in names) + " |")
    print("|---|" + "---:|---:|---:|---:|" * len(names))
    views = [v for v in results[names[0]] if v != "peak RSS (MB)"]
    for view in views:
        cells = [f"{r[view]['first']:.1f} | {r[view]['first_cpu']:.1f} | {r[view]['median']:.2f} | {r[view]['cpu']:.2f}"
                 if view in r else "– | – | – | –" for r in results.values()]
        print(f"| {view} | " + " | ".join(cells) + " |")
    print("| peak RSS (MB) | " + " | ".join(f"{r['peak RSS (MB)']:.0f} | | |" for r in results.values()) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
