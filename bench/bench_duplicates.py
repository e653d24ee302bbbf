"""Benchmark: the duplicate search of the build's finish stage on a research-scale table.

Run: ``python bench/bench_duplicates.py TABLE [--fractions 0.1 0.3 1] [--runs 3] [--terms-cache FILE]
[--rev REV]``. TABLE is a statement table (a Parquet file or dataset folder, e.g. a whole UN
General Debate build) or a Parquet file with at least statement_id, doc_id, kind, text, period.

Each fraction of the table is chosen by a hash of ``statement_id`` (so 10% is the same rows
whatever the table's order). The search's input is what ``enrich.finish`` receives: the rows
with their term codes, computed once here from the texts (not timed; ``--terms-cache`` keeps
them for the next run). Each run is a fresh process timing ``DuplicateFinder().fit_groups``:
CPU seconds of that process (the machine may be shared) and wall seconds, both medians of
``--runs``; the peak resident memory above what the process held before the call; how many
groups of two or more statements were found and the largest. ``--rev`` times the
``duplicates.py`` of a git revision instead (the same table and terms), for before/after tables.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = ["statement_id", "doc_id", "kind", "text", "period"]


def sample(table: pd.DataFrame, fraction: float) -> pd.DataFrame:
    """The rows whose ``statement_id`` hashes below ``fraction`` (stable across runs and orders)."""
    h = pd.util.hash_pandas_object(table["statement_id"].astype(str), index=False).to_numpy()
    return table[(h % 10_000) < round(fraction * 10_000)].reset_index(drop=True)


def load_with_terms(path: Path, cache: Path | None) -> pd.DataFrame:
    """The table's search columns and the term codes ``enrich.apply_models`` would hand on."""
    from rhetoric_shift.duplicates import DUP_TERMS, term_codes
    from rhetoric_shift.tokens import content_stems

    if cache is not None and cache.exists():
        return pd.read_parquet(cache)
    if path.is_dir():
        from rhetoric_shift.build import read_table

        table = read_table(path)[COLUMNS]
    else:
        table = pd.read_parquet(path, columns=COLUMNS)
    table = table.reset_index(drop=True)
    table[DUP_TERMS] = [term_codes(content_stems(str(t))) for t in table["text"]]
    if cache is not None:
        table.to_parquet(cache)
    return table


def _rss_now() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def _peak_rss() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def child(terms_file: Path, fraction: float, module_file: str | None) -> dict:
    """One timed run in this (fresh) process; returns its figures."""
    if module_file:
        import importlib.util

        spec = importlib.util.spec_from_file_location("duplicates_rev", module_file)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    else:
        from rhetoric_shift import duplicates as module
    table = sample(pd.read_parquet(terms_file), fraction)
    terms = table[module.DUP_TERMS].tolist()
    before = _rss_now()
    try:  # reset the peak so that it measures the search alone (Linux >= 4.0)
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass
    cpu, wall = time.process_time(), time.perf_counter()
    groups = module.DuplicateFinder().fit_groups(table, terms=terms)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    sizes = pd.Series(groups).value_counts()
    return {"rows": len(table), "cpu": cpu, "wall": wall, "rss": max(_peak_rss() - before, 0),
            "groups": int((sizes > 1).sum()), "in_groups": int(sizes[sizes > 1].sum()), "largest": int(sizes.max()) if len(sizes) else 0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("table", type=Path)
    parser.add_argument("--fractions", type=float, nargs="+", default=[0.1, 0.3, 1.0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--terms-cache", type=Path, default=None)
    parser.add_argument("--rev", default=None, help="time the duplicates.py of this git revision")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(Path(args.child[0]), float(args.child[1]), args.child[2] or None)))
        return 0
    if not args.table.exists():
        print(f"error: {args.table}: no such table; build one with `rhetoric-shift build --out DIR`", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        terms_file = args.terms_cache or Path(tmp) / "terms.parquet"
        if not terms_file.exists():
            load_with_terms(args.table, terms_file)
        module_file = ""
        if args.rev:
            module_file = str(Path(tmp) / "duplicates_rev.py")
            source = subprocess.run(["git", "-C", str(ROOT), "show", f"{args.rev}:lib/rhetoric_shift/duplicates.py"],
                                    check=True, capture_output=True, text=True).stdout
            Path(module_file).write_text(source)
        rows = []
        for fraction in args.fractions:
            runs = []
            for _ in range(max(args.runs, 1)):
                out = subprocess.run([sys.executable, __file__, str(args.table), "--child", str(terms_file), str(fraction), module_file],
                                     check=True, capture_output=True, text=True).stdout
                runs.append(json.loads(out.strip().splitlines()[-1]))
            rows.append((fraction, runs))
            print(f"{fraction:.0%}: {[round(r['cpu'], 2) for r in runs]} CPU s", file=sys.stderr, flush=True)
    label = f"duplicates.py at {args.rev}" if args.rev else "duplicates.py of this tree"
    print(f"DuplicateFinder().fit_groups on {args.table} ({label}); medians of {max(args.runs, 1)} runs, each a fresh process\n")
    print("| rows | share | CPU s | wall s | CPU µs / row | peak RSS increase MB | groups (≥ 2) | statements in groups | largest group |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for fraction, runs in rows:
        cpu = statistics.median(r["cpu"] for r in runs)
        wall = statistics.median(r["wall"] for r in runs)
        rss = statistics.median(r["rss"] for r in runs) / 2**20
        r = runs[0]
        print(f"| {r['rows']:,} | {fraction:.0%} | {cpu:.2f} | {wall:.2f} | {cpu / max(r['rows'], 1) * 1e6:.1f} | {rss:.0f} | "
              f"{r['groups']:,} | {r['in_groups']:,} | {r['largest']} |")
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
