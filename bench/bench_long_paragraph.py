"""One enormous paragraph (a whole file on a single line): segmentation time per megabyte.

Run: PYTHONPATH=lib python bench/bench_long_paragraph.py [--sizes 0.5 1 2 4] [--formats paragraphs news transcript]
Prints a markdown table: seconds and seconds per MB for each size and format, and the longest
statement in words (bounded by segment.MAX_STATEMENT_WORDS). Linear cost shows as a flat
seconds-per-MB column. Not a test: nothing here asserts; the machine is shared, so quote medians.
"""

from __future__ import annotations

import argparse
import statistics
import time

from rhetoric_shift.segment import MAX_STATEMENT_WORDS, segment
from rhetoric_shift.speakers import SpeakerRegistry

SENTENCE = 'Russia is ready for dialogue with the "United States" on Syria, Lavrov said; the Minsk agreements must be implemented. '


def run(fmt: str, megabytes: float, runs: int, registry: SpeakerRegistry) -> tuple[float, int, int]:
    text = SENTENCE * max(1, int(megabytes * 1e6 / len(SENTENCE)))
    seconds = []
    for _ in range(runs):
        clock = time.perf_counter()
        result = segment(text, format=fmt, speaker="Sergey Lavrov", registry=registry)
        seconds.append(time.perf_counter() - clock)
    longest = max(len(text[s.start:s.end].split()) for s in result.statements)
    return statistics.median(seconds), len(result.statements), longest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.5, 1, 2, 4], help="megabytes of the single line")
    parser.add_argument("--formats", nargs="+", default=["paragraphs", "transcript", "news"])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    registry = SpeakerRegistry.load()
    print(f"| format | MB | seconds (median of {args.runs}) | s/MB | statements | longest (words, limit {MAX_STATEMENT_WORDS}) |")
    print("|---|---:|---:|---:|---:|---:|")
    for fmt in args.formats:
        for mb in args.sizes:
            seconds, n, longest = run(fmt, mb, args.runs, registry)
            print(f"| {fmt} | {mb:g} | {seconds:.2f} | {seconds / mb:.2f} | {n} | {longest} |", flush=True)


if __name__ == "__main__":
    main()
