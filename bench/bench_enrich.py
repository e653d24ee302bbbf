"""Benchmark: how long ``enrich`` takes on the seed corpus (goal: under 5 s), and what applying the
fitted models costs per statement, column by column, on a larger sample.

Run: ``python bench/bench_enrich.py [--runs 5] [--seeds seeds]``. Prints a markdown table with
the median and spread of ``--runs`` timed runs after one warm-up run (the warm-up pays for
imports and the VADER lexicon, which a build pays once).

The table comes from the build without enrichment (``build_table(..., enrich=False)``).

``--columns TABLE.parquet`` instead times ``enrich.apply_models`` on that table (any statement
table with the segmentation columns, e.g. a 5% sample of documents of a built UN General Debate
table): CPU seconds of this process (``time.process_time``), split by the column each call
fills, in µs per statement, the median of ``--runs`` runs. With ``--before REV`` the same
timings run first on the library of git revision ``REV`` (in a subprocess), and the table shows
both and their ratio, and whether the two outputs are equal, column by column, row by row.

    PYTHONPATH=lib python3 bench/bench_enrich.py --columns /tmp/sample.parquet --runs 3 --before main
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ORDER = ["tokens", "targets", "context_targets", "tone", "stance terms", "stance", "target_stance",
         "dup terms", "other", "apply_models, all of it", "finish: topics"]


def seed_runs(args: argparse.Namespace) -> None:
    from rhetoric_shift.build import build_table
    from rhetoric_shift.enrich import enrich

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


def _takes_words(lexicon) -> bool:
    """Whether this revision's ``Lexicon.tag_many`` reads shared tokens (as its ``apply_models`` passes them)."""
    import inspect

    return "words" in inspect.signature(lexicon.tag_many).parameters


def column_times(path: Path, runs: int, save: Path | None = None) -> dict:
    """Median µs per statement of each column of ``apply_models`` over ``runs`` runs on the table at ``path``.

    Each run times the steps of ``apply_models`` one after the other, in its order and with its
    arguments (each over the whole table), then ``apply_models`` itself; "other" is the difference
    (copying the frame, assigning columns). ``save``: where to pickle the output of the last
    ``apply_models``.
    """
    import pandas as pd

    from rhetoric_shift import enrich

    table = pd.read_parquet(path)
    try:
        from rhetoric_shift import analysis as steps  # the per-batch steps, since they need no fitted model
    except ImportError:  # a revision from before the analysis module: the steps were enrich's
        steps = enrich
    models = enrich.fit_models(table)
    enrich.apply_models(models, table.head(200))  # warm-up: lexicons loaded, caches of a fresh worker primed
    clock = time.process_time
    runs_out: list[dict[str, float]] = []
    for _ in range(max(runs, 1)):
        row: dict[str, float] = {}

        def timed(column, fn):
            start = clock()
            value = fn()
            row[column] = row.get(column, 0.0) + clock() - start
            return value

        out = table.reset_index(drop=True).copy()
        texts = out["text"].astype(str).tolist()
        words = timed("tokens", lambda: [steps.tokenize(t) for t in texts])
        stems = timed("tokens", lambda: [steps.content_stems_of(w) for w in words])
        out["targets"] = timed("targets", lambda: models.lexicon.tag_many(texts, words) if _takes_words(models.lexicon) else models.lexicon.tag_many(texts))
        timed("context_targets", lambda: steps.context_targets(out))
        timed("tone", lambda: steps.tone(texts))
        matches = timed("stance terms", lambda: [steps.stance_matches(t, tokens=w) for t, w in zip(texts, words)])
        timed("stance", lambda: [steps.stance_score(m) for m in matches])
        timed("target_stance", lambda: steps.target_stance(texts, out["targets"], models.lexicon, matches=matches))
        codes = timed("dup terms", lambda: [steps.term_codes(s) for s in stems])
        start = clock()
        applied = enrich.apply_models(models, table)
        total = clock() - start
        row["other"] = total - sum(row.values())
        row["apply_models, all of it"] = total
        if models.topics is not None and hasattr(models.topics, "locate_terms"):  # placed in finish, from the term codes
            timed("finish: topics", lambda: models.topics.locate_terms(codes))
        runs_out.append(row)
    if save is not None:
        applied.to_pickle(save)
    n = len(table)
    return {
        "statements": n,
        "documents": int(table["doc_id"].nunique()),
        "us": {col: statistics.median(r.get(col, 0.0) for r in runs_out) / n * 1e6 for col in ORDER},
        "runs_us": [r["apply_models, all of it"] / n * 1e6 for r in runs_out],
    }


def before_times(rev: str, path: Path, runs: int, save: Path) -> dict:
    """``column_times`` on the library of git revision ``rev`` (extracted to a temporary folder)."""
    with tempfile.TemporaryDirectory(prefix="bench_enrich_") as tmp:
        archive = Path(tmp) / "lib.tar"
        subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), rev, "lib"], check=True)
        with tarfile.open(archive) as tar:
            tar.extractall(tmp)
        env = {**os.environ, "PYTHONPATH": str(Path(tmp) / "lib")}
        done = subprocess.run([sys.executable, __file__, "--columns", str(path), "--runs", str(runs), "--json", "--save", str(save)],
                              env=env, check=True, capture_output=True, text=True)
        return json.loads(done.stdout)


def differing_rows(a, b) -> dict[str, int]:
    """For each column of two ``apply_models`` outputs, how many rows differ (exact equality; lists
    compared as lists, missing values equal to missing values, floats by value and type)."""
    import pandas as pd

    def same(p, q) -> bool:
        if isinstance(p, (list, tuple)) or hasattr(p, "tolist"):
            return list(p) == list(q) if isinstance(q, (list, tuple)) or hasattr(q, "tolist") else False
        if pd.isna(p) or pd.isna(q):
            return bool(pd.isna(p) and pd.isna(q))
        return p == q and type(p) is type(q)

    if len(a) != len(b) or list(a.columns) != list(b.columns):
        return {"(shape or columns)": max(len(a), len(b))}
    return {c: sum(not same(p, q) for p, q in zip(a[c].tolist(), b[c].tolist())) for c in a.columns}


def column_report(args: argparse.Namespace) -> None:
    import pandas as pd

    with tempfile.TemporaryDirectory(prefix="bench_enrich_out_") as tmp:
        old_out, new_out = Path(tmp) / "before.pkl", Path(tmp) / "now.pkl"
        before = before_times(args.before, args.columns, args.runs, old_out) if args.before else None
        after = column_times(args.columns, args.runs, args.save or new_out)
        differ = differing_rows(pd.read_pickle(old_out), pd.read_pickle(args.save or new_out)) if before else None
    if args.json:
        print(json.dumps(after))
        return
    print(f"apply_models on {args.columns}: {after['statements']:,} statements of {after['documents']:,} documents, "
          f"CPU µs per statement (this process), median of {args.runs} run(s)\n")
    if before is None:
        print("| column | µs / statement |")
        print("|---|---:|")
        for col in ORDER:
            print(f"| {col} | {after['us'][col]:.1f} |")
    else:
        print(f"| column | {args.before} µs / statement | now µs / statement | now / {args.before} |")
        print("|---|---:|---:|---:|")
        for col in ORDER:
            b, a = before["us"][col], after["us"][col]
            print(f"| {col} | {b:.1f} | {a:.1f} | {a / b:.2f} |" if b > 0 else f"| {col} | {b:.1f} | {a:.1f} | |")
    print("\nruns (apply_models, all of it, µs / statement): "
          + (f"{args.before}: {', '.join(f'{x:.0f}' for x in before['runs_us'])}; " if before else "")
          + f"now: {', '.join(f'{x:.0f}' for x in after['runs_us'])}")
    if differ is not None:
        bad = {c: n for c, n in differ.items() if n}
        print(f"\nsame output as {args.before}: every one of {len(differ)} columns, {after['statements']:,} rows: "
              + ("yes, no row differs" if not bad else "NO: " + ", ".join(f"{c} ({n:,} rows)" for c, n in bad.items())))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    parser.add_argument("--columns", type=Path, help="time apply_models column by column on this statement table (Parquet)")
    parser.add_argument("--before", metavar="REV", help="with --columns: also time git revision REV's library")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--save", type=Path, help=argparse.SUPPRESS)  # where to pickle the last apply_models output
    args = parser.parse_args(argv)
    if args.columns is None:
        seed_runs(args)
        return 0
    if not args.columns.is_file():
        print(f"error: {args.columns}: no such file; pass a Parquet statement table to --columns", file=sys.stderr)
        return 2
    column_report(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
