"""Benchmark: how long ``enrich`` takes on the seed corpus (goal: under 5 s).

Run: ``python bench/bench_enrich.py [--runs 5] [--seeds seeds]``. Prints a markdown table with
the median and spread of ``--runs`` timed runs after one warm-up run (the warm-up pays for
imports and the VADER lexicon, which a build pays once).

The table comes from the build without enrichment (``build_table(..., enrich=False)``) when the
build module is there; otherwise from a rough paragraph split of the seed files (one statement
per paragraph), which is enough to time the analysis.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

from rhetoric_shift.enrich import enrich
from rhetoric_shift.schema import table_from_records

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def paragraph_table(seeds: Path) -> pd.DataFrame:
    """A crude statement table: one row per paragraph; short lines are headings, "Question:" lines questions."""
    manifest = tomllib.loads((seeds / "manifest.toml").read_text("utf-8"))
    records = []
    for doc in manifest["document"]:
        text = (seeds / doc["file"]).read_text("utf-8")
        parent = None
        for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
            para = " ".join(m.group().split())
            if not para:
                continue
            sid = f"{doc['id']}:{m.start():06d}"
            n_words = len(para.split())
            if para.startswith(("Question:", "Q:")):
                kind, speaker = "question", "Press"
            elif n_words < 12 and not para.endswith("."):
                kind, speaker = "context", None
            else:
                kind = "direct" if re.search(r"[\"“]", para) else "reported"
                speaker = doc.get("speaker")
            records.append(
                {
                    "statement_id": sid, "doc_id": doc["id"], "source": doc["source"], "actor": doc["actor"],
                    "speaker": speaker, "kind": kind, "text": para, "char_start": m.start(), "char_end": m.end(),
                    "date": pd.Timestamp(doc["date"]) if "date" in doc else None, "time": None, "period": doc["period"],
                    "parent_id": parent if kind not in ("context", "question") else None, "n_words": n_words,
                }
            )
            if kind in ("context", "question"):
                parent = sid
    return table_from_records(records)


def seed_table(seeds: Path) -> tuple[pd.DataFrame, str]:
    """The seed table without enrichment, and where it came from."""
    try:
        from rhetoric_shift.build import build_table
    except ImportError:
        return paragraph_table(seeds), "paragraph split (rhetoric_shift.build not available)"
    return build_table([seeds], enrich=False).table, "build_table(enrich=False)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    args = parser.parse_args(argv)
    table, origin = seed_table(args.seeds)
    enrich(table)  # warm-up
    times = []
    for _ in range(max(args.runs, 1)):
        start = time.perf_counter()
        enrich(table)
        times.append(time.perf_counter() - start)
    print(f"enrich() on the seed corpus: {len(table)} statements, table from {origin}\n")
    print("| runs | median s | min s | max s | goal |")
    print("|---:|---:|---:|---:|---|")
    print(f"| {len(times)} | {statistics.median(times):.3f} | {min(times):.3f} | {max(times):.3f} | < 5 s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
