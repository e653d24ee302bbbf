"""Large inputs: a long plain text and a CSV with many rows, read (and segmented, and built) in
time and memory proportional to their size.

Run: python bench/bench_large_inputs.py [--text-mb 200] [--rows 1000000] [--steps read,segment]
[--fractions 0.25,0.5,1] [--runs 3] [--timeout 900]. The inputs are generated in a temporary
folder with a fixed seed. Every step runs in a fresh process (so its peak resident memory is its
own); the table gives median wall and CPU seconds over ``--runs`` (the CPU time is steadier on
a shared machine), MB per CPU second, peak RSS and peak RSS per input MB,
at several fractions of the full size so linearity can be read off. Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LIB = Path(__file__).resolve().parent.parent / "lib"
WORDS = (
    "the minister said that russia is ready for dialogue with ukraine and the united states on security "
    "in europe syria sanctions talks agreement president foreign policy cooperation partners position "
    "government we believe it is important to continue our work within the framework of international law"
).split()

# One step in a fresh interpreter: prints wall and CPU seconds, peak RSS, documents and statements.
STEP = """
import json, resource, sys, time
sys.path.insert(0, {lib!r})
from pathlib import Path
from rhetoric_shift.build import build_table
from rhetoric_shift.read import read_inputs
path, step = Path({path!r}), {step!r}
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
clock, cpu = time.perf_counter(), time.process_time()
if step == "read":
    documents, _ = read_inputs([path])
    n_docs, n_statements = len(documents), None
else:
    table = build_table([path], enrich=(step == "build")).table
    n_docs, n_statements = int(table["doc_id"].nunique()), len(table)
seconds, cpu = time.perf_counter() - clock, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": seconds, "cpu": cpu, "peak_mb": peak / 1024, "base_mb": base / 1024, "documents": n_docs, "statements": n_statements}}))
"""


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 24))
    return " ".join(words).capitalize() + "."


def write_text(path: Path, megabytes: float, seed: int = 0) -> None:
    """Paragraphs of a speech, 2-6 sentences each, blank lines between: ``megabytes`` MB of UTF-8."""
    rng = random.Random(seed)
    paragraphs = ["\n\n".join([" ".join(sentence(rng) for _ in range(rng.randint(2, 6)))]) for _ in range(2000)]
    target = int(megabytes * 1_000_000)
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Statement by the Minister for Foreign Affairs, 2017\n\n")
        written, i = 0, 0
        while written < target:
            block = f"{i}. {paragraphs[i % len(paragraphs)]}\n\n"
            handle.write(block)
            written += len(block)
            i += 1


def write_csv(path: Path, rows: int, seed: int = 0) -> None:
    """``rows`` rows of id, text (one or two sentences), period."""
    rng = random.Random(seed)
    texts = [" ".join(sentence(rng) for _ in range(rng.randint(1, 2))) for _ in range(5000)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "period"])
        for i in range(rows):
            writer.writerow([f"r{i}", texts[i % len(texts)], 2014 + i % 4])


def run_step(path: Path, step: str, timeout: float) -> dict | None:
    script = STEP.format(lib=str(LIB), path=str(path), step=step)
    try:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as exc:
        tail = exc.stderr.strip().splitlines()[-1:] or ["?"]
        return {"error": tail[0][:80]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--text-mb", type=float, default=200)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--steps", default="read,segment", help="comma-separated: read, segment (read + segment), build (with enrichment)")
    parser.add_argument("--fractions", default="0.25,0.5,1", help="sizes to run, as fractions of the full size")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=900, help="seconds per step before it is reported as not finished")
    args = parser.parse_args(argv)
    steps = args.steps.split(",")
    fractions = [float(f) for f in args.fractions.split(",")]
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("text", "csv"):
            for fraction in fractions:
                if kind == "text":
                    path = Path(tmp) / f"speech_{fraction}_2017.txt"
                    write_text(path, args.text_mb * fraction)
                    label = f"text {args.text_mb * fraction:g} MB"
                else:
                    path = Path(tmp) / f"rows_{fraction}.csv"
                    write_csv(path, int(args.rows * fraction))
                    label = f"CSV {int(args.rows * fraction):,} rows"
                size_mb = path.stat().st_size / 1e6
                for step in steps:
                    results = [run_step(path, step, args.timeout) for _ in range(args.runs)]
                    lines.append(_row(label, size_mb, step, results, args.timeout))
                    print(lines[-1], file=sys.stderr, flush=True)
                path.unlink()
    print(f"Large inputs, median of {args.runs} runs each in a fresh process, Python {sys.version.split()[0]}, "
          f"{time.strftime('%Y-%m-%d')}\n")
    print("| input | file MB | step | documents | statements | median wall s | median CPU s | MB per CPU s | peak RSS MB | interpreter MB | (peak - interpreter) / file MB |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(lines))
    return 0


def _row(label: str, size_mb: float, step: str, results: list[dict | None], timeout: float) -> str:
    done = [r for r in results if r and "error" not in r]
    if not done:
        failed = next((r["error"] for r in results if r), f"not finished in {timeout:g} s")
        return f"| {label} | {size_mb:.0f} | {step} | - | - | {failed} | - | - | - | - | - |"
    seconds = statistics.median(r["seconds"] for r in done)
    cpu = statistics.median(r["cpu"] for r in done)
    peak = statistics.median(r["peak_mb"] for r in done)
    base = statistics.median(r["base_mb"] for r in done)
    statements = done[0]["statements"]
    return (f"| {label} | {size_mb:.0f} | {step} | {done[0]['documents']:,} | {'-' if statements is None else f'{statements:,}'} "
            f"| {seconds:.1f} | {cpu:.1f} | {size_mb / max(cpu, 1e-3):.1f} | {peak:.0f} | {base:.0f} | {(peak - base) / size_mb:.2f} |")


if __name__ == "__main__":
    sys.exit(main())
