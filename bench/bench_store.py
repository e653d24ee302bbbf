"""Latency of the store's questions, pandas in memory against DuckDB over Parquet, on the UNGDC table and a 10 M-row copy.

Usage:
    PYTHONPATH=lib python3 bench/bench_store.py [--table PATH] [--rows 10000000] [--runs 3] [--work /tmp/rhetoric-shift-store]

The UNGDC table is ``--table`` (default /tmp/ungdc.parquet) when it exists; otherwise
``--segmented`` (a table built with ``--no-enrich``) or the corpus at ../shared/corpora segmented
here, with its analysis columns filled cheaply: targets by the real lexicon, tone, stance and topic drawn from a
seeded generator (their values do not change what a query costs). The large table replicates it
to ``--rows`` rows as a dataset partitioned by period under ``--work`` (never in the repository).

Each (store, table) pair runs in its own process, so the peak RSS printed is that store's alone:
opening the store, then every question ``--runs`` times; the median is printed. A page rerun asks
several questions; the "page rerun" line adds the medians of choices + salience + measure +
drill-down, what the comparison page asks on each interaction.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "ungdc_1946-2024.tar.gz"
TARGETS = ("Syria", "Ukraine", "US", "DPRK")
CHOICES = ("period", "actor", "source", "speaker", "kind", "topic")
SHOWN = ["statement_id", "period", "actor", "speaker", "kind", "text", "targets", "tone", "stance"]


def ungdc_table(out: Path, segmented: Path | None) -> Path:
    """The cheap UNGDC table at ``out``, from a ``--no-enrich`` table ``segmented`` or by segmenting the corpus."""
    if out.exists():
        return out
    from rhetoric_shift.build import BuildReport, BuildResult, build_table, write_table
    from rhetoric_shift.schema import conform_table, neutral_enrichment
    from rhetoric_shift.targets import load_lexicon

    t0 = time.perf_counter()
    if segmented is not None:
        table = pd.read_parquet(segmented)
        for name, value in neutral_enrichment().items():  # a table from an older schema lacks the newer columns
            if name not in table:
                table[name] = [value] * len(table) if isinstance(value, list) else value
        table = conform_table(table)
    else:
        table = build_table([CORPUS], enrich=False).table
    rng = np.random.default_rng(0)
    table["targets"] = load_lexicon().tag_many(table["text"].tolist())
    table["tone"] = rng.uniform(-1, 1, len(table)).round(4)
    table["stance"] = rng.uniform(-1, 1, len(table)).round(4)
    table["topic"] = rng.integers(-1, 40, len(table))
    table["topic_label"] = ["" if t < 0 else f"topic {t}" for t in table["topic"]]
    write_table(BuildResult(table, BuildReport(files=[], documents=[], parameters={"cheap analysis columns": True})), out)
    print(f"built {out}: {len(table):,} rows in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return out


def replicate(source: Path, rows: int, root: Path) -> Path:
    """A dataset of about ``rows`` rows under ``root``: every period's rows repeated, ids made unique."""
    if root.exists():
        return root
    t0 = time.perf_counter()
    table = pq.read_table(source) if source.is_file() else pq.read_table(source, partitioning="hive")
    copies = math.ceil(rows / table.num_rows)
    periods = table.column("period").to_numpy()
    tmp = root.with_name(root.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)  # left by an interrupted run
    tmp.mkdir(parents=True)
    without = table.drop_columns(["period"])
    for period in sorted(set(periods.tolist())):
        part = without.take(pa.array((periods == period).nonzero()[0]))
        folder = tmp / f"period={period}"
        folder.mkdir()
        with pq.ParquetWriter(folder / "part-0.parquet", part.schema, compression="zstd") as writer:
            for k in range(copies):
                ids = pa.array([f"{s}#{k}" for s in part.column("statement_id").to_pylist()], type=part.schema.field("statement_id").type)
                writer.write_table(part.set_column(part.schema.get_field_index("statement_id"), "statement_id", ids))
    tmp.rename(root)
    print(f"wrote {root}: {copies} copies in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return root


def questions(store, periods: list[int]):
    """The questions the pages ask, as (name, thunk)."""
    from rhetoric_shift.store import Filters

    recent = tuple(p for p in periods if 2014 <= p <= 2017) or tuple(periods[-4:])
    cell = Filters(periods=(recent[-1],), targets=("Syria",))
    return [
        ("choices (6 distinct lists)", lambda: [store.distinct(c) for c in CHOICES]),
        ("count, RUS 2014-17", lambda: store.count(Filters(actors=("RUS",), periods=recent))),
        ("salience, 4 targets", lambda: store.salience(Filters(targets=TARGETS))),
        ("measure tone, RUS vs USA", lambda: store.measure("tone", Filters(actors=("RUS", "USA"), targets=TARGETS))),
        ("topic counts", lambda: store.topic_counts()),
        ("actor x period counts", lambda: store.actor_counts()),
        ("drill-down page 2 (50 rows)", lambda: store.rows(cell, SHOWN, limit=50, offset=50)),
        ("search 'crimea' in 2014-17 (count + 50)", lambda: store.search("crimea", Filters(periods=recent), columns=SHOWN, limit=50)),
    ]


PAGE = ("choices (6 distinct lists)", "salience, 4 targets", "measure tone, RUS vs USA", "drill-down page 2 (50 rows)")


def worker(kind: str, path: Path, runs: int) -> dict:
    """Open one store on ``path`` and time every question; runs in its own process."""
    from rhetoric_shift.build import read_table
    from rhetoric_shift.store import DuckStore, PandasStore

    t0 = time.perf_counter()
    store = PandasStore(read_table(path)) if kind == "pandas" else DuckStore(path)
    opened = time.perf_counter() - t0
    periods = store.distinct("period")
    out = {"open": opened}
    for name, ask in questions(store, periods):
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            ask()
            times.append(time.perf_counter() - t)
        out[name] = statistics.median(times)
    out["page rerun"] = sum(out[n] for n in PAGE)
    out["rows"] = store.count()
    out["peak RSS (MB)"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def run_worker(kind: str, path: Path, runs: int) -> dict | str:
    cmd = [sys.executable, __file__, "--worker", kind, "--table", str(path), "--runs", str(runs)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        return f"failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", type=Path, default=Path("/tmp/ungdc.parquet"))
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--segmented", type=Path, help="a table built with --no-enrich to fill cheaply instead of segmenting the corpus")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/rhetoric-shift-store"))
    parser.add_argument("--pandas-large", action="store_true", help="also hold the large table in pandas (needs many GB)")
    parser.add_argument("--worker", choices=["pandas", "duckdb"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.table, args.runs)))
        return
    small = args.table if args.table.exists() else ungdc_table(args.work / "ungdc.parquet", args.segmented)
    large = replicate(small, args.rows, args.work / f"large-{args.rows}")
    columns = {}
    for label, path in (("UNGDC", small), (f"{args.rows / 1e6:g} M", large)):
        for kind in ("pandas", "duckdb"):
            if kind == "pandas" and path is large and not args.pandas_large:
                columns[f"{kind}, {label}"] = "not run (the whole table in memory is several GB; --pandas-large)"
                continue
            columns[f"{kind}, {label}"] = run_worker(kind, path, args.runs)
    print_table(columns, args.runs)


def print_table(columns: dict, runs: int) -> None:
    names = [n for n, v in columns.items()]
    measured = [v for v in columns.values() if isinstance(v, dict)]
    rows = list(measured[0]) if measured else []
    print(f"median of {runs} runs, seconds (open: read/attach once per process)\n")
    print("| question | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for row in rows:
        cells = []
        for value in columns.values():
            if not isinstance(value, dict):
                cells.append("–")
            elif row in ("rows",):
                cells.append(f"{int(value[row]):,}")
            elif row == "peak RSS (MB)":
                cells.append(f"{value[row]:.0f}")
            else:
                cells.append(f"{value[row]:.3f}")
        print(f"| {row} | " + " | ".join(cells) + " |")
    for name, value in columns.items():
        if not isinstance(value, dict):
            print(f"\n{name}: {value}")


if __name__ == "__main__":
    main()
