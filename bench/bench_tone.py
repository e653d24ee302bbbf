"""Tone on UN General Debate paragraphs: the reference VADER (vaderSentiment) against ``tone.tone``.

Samples ``--n`` paragraphs (default 10,000) with a fixed seed from the extracted corpus
(``--corpus``, default /work/ungdc or ../shared/corpora/ungdc), scores them with both, and prints
a markdown table: paragraphs per second of each (median of ``--runs`` runs, one core), the share
of paragraphs whose scores differ by at most 0.01, and the largest difference.

Paragraphs: a file whose lines are mostly long (median over 100 characters) has one paragraph
per line; a hard-wrapped file is split at blank lines and, inside a block, after a line that ends
a sentence and stops well short of the column width (the last line of a wrapped paragraph).
This approximates the corpus reader; the benchmark only needs realistic paragraphs.

    PYTHONPATH=lib python3 bench/bench_tone.py [--n 10000] [--runs 3] [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from rhetoric_shift.tone import reference_tone, tone

CORPORA = (Path("/work/ungdc"), Path(__file__).resolve().parents[2] / "shared" / "corpora" / "ungdc")
_SENTENCE_END = (".", "!", "?", ":", '"', "”", ";")


def paragraphs(text: str) -> list[str]:
    """The paragraphs of one speech (see the module docstring for the rule)."""
    lines = [line.strip() for line in text.splitlines()]
    lengths = sorted(len(line) for line in lines if line)
    if not lengths:
        return []
    if lengths[len(lengths) // 2] > 100:
        return [line for line in lines if line]
    width = lengths[int(len(lengths) * 0.9)]
    out: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        if current and (not line or (line.endswith(_SENTENCE_END) and len(line) < 0.8 * width)):
            out.append(" ".join(current))
            current = []
    if current:
        out.append(" ".join(current))
    return out


def sample_paragraphs(corpus: Path, n: int, seed: int) -> tuple[list[str], int]:
    """``n`` paragraphs drawn uniformly (fixed ``seed``) from every speech under ``corpus``, and the total."""
    files = sorted(corpus.glob("TXT/*/*.txt"))
    if not files:
        raise SystemExit(f"error: {corpus}: no TXT/*/*.txt speeches found; pass --corpus")
    every = [p for f in files for p in paragraphs(f.read_text("utf-8", errors="replace"))]
    return random.Random(seed).sample(every, min(n, len(every))), len(every)


def timed(fn, texts: list[str], runs: int) -> tuple[float, list[float]]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        scores = fn(texts)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=next((c for c in CORPORA if c.exists()), CORPORA[0]))
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    texts, total = sample_paragraphs(args.corpus, args.n, args.seed)
    # Distinct texts only, so that the per-call cache of ``tone`` cannot flatter its speed.
    texts = list(dict.fromkeys(texts))
    ref_s, ref = timed(reference_tone, texts, args.runs)
    new_s, new = timed(tone, texts, args.runs)
    diffs = [abs(a - b) for a, b in zip(ref, new)]
    within = sum(d <= 0.01 for d in diffs)
    n_words = sum(len(t.split()) for t in texts)
    print(f"{len(texts):,} distinct paragraphs ({n_words / len(texts):.0f} words on average), seed {args.seed}, "
          f"median of {args.runs} runs, one core\n")
    print(f"| implementation | seconds | paragraphs/s | speed-up | whole corpus ({total:,} paragraphs), one core |")
    print("|---|---:|---:|---:|---:|")
    print(f"| reference (vaderSentiment) | {ref_s:.2f} | {len(texts) / ref_s:,.0f} | 1.0× | {total * ref_s / len(texts):,.0f} s |")
    print(f"| rhetoric_shift.tone | {new_s:.2f} | {len(texts) / new_s:,.0f} | {ref_s / new_s:.1f}× | {total * new_s / len(texts):,.0f} s |")
    print()
    print("| agreement | value |")
    print("|---|---:|")
    print(f"| within 0.01 of the reference | {within:,} / {len(texts):,} ({within / len(texts):.2%}) |")
    print(f"| identical | {sum(d == 0 for d in diffs):,} / {len(texts):,} |")
    print(f"| largest difference | {max(diffs):.4f} |")


if __name__ == "__main__":
    main()
