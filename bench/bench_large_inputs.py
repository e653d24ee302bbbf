"""Large inputs: one long plain text and a CSV with many rows, built in time and memory proportional to their size.

Run: PYTHONPATH=lib python bench/bench_large_inputs.py [--text-mb 200] [--rows 1000000]
[--fractions 0.0625,0.25,1] [--steps build] [--runs 1] [--kinds text,csv] [--corpus PATH] [--timeout 3600]

The inputs are real sentences of the UN General Debate corpus (``--corpus``: its ``TXT`` folder
or the ``.tar.gz`` archive), taken speech by speech in a seeded order, so no line repeats until
the corpus runs out (the table says how much of an input is a second pass):

- text: speeches' paragraphs, one after another, in one ``.txt`` file (one document);
- CSV: one row per one or two consecutive sentences of a speech, with ``id, source, actor,
  speaker, period, text`` (the speech's country and year), so every row is a separate document
  of a speaker and the duplicate search has real candidates across rows of a period.

Steps, each in a fresh process:

- ``build``: the whole command ``rhetoric-shift build FILE --out X`` (read, segment, fit, apply,
  finish, write) with its worker processes; CPU is the process tree's (``RUSAGE_CHILDREN``),
  peak memory the tree's summed PSS (shared pages counted
  once), sampled every 0.5 s; the build report gives each stage's wall seconds;
- ``read``, ``segment``: the library's reading (and segmenting) alone, in one process.

For each input kind and step the rows at several sizes give the cost per input MB (text) or per
1000 rows (CSV), and a verdict: the largest size's per-unit cost over the smallest's, within
±25 % "proportional", above it "SUPERLINEAR", below it "sublinear" (fixed costs or bounded
samples spread thin). Memory is judged on the peak above a tiny build's peak (interpreter and
libraries), per unit. Not a test: nothing asserts. The machine may be shared: CPU seconds are
steadier than wall seconds; quote medians of ``--runs``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
LIB = ROOT / "lib"
CORPUS_CHOICES = (ROOT.parent / "ungdc" / "TXT", ROOT.parent / "shared" / "corpora" / "ungdc_1946-2024.tar.gz")
NAME = re.compile(r"([A-Z]{2,3}(?:-[A-Z]+)?)_(\d+)_(\d{4})\.txt$")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(A-Z])")
STAGES = ("read_main", "fit", "read+segment+apply", "finish")  # wall-second keys of the build report
TOLERANCE = 0.25

# The library's reading (and segmenting) alone, in a fresh interpreter.
STEP = """
import json, resource, sys, time
sys.path.insert(0, {lib!r})
from pathlib import Path
from rhetoric_shift.build import build_table
from rhetoric_shift.engine import LocalEngine
from rhetoric_shift.read import read_inputs
path, step = Path({path!r}), {step!r}
clock, cpu = time.perf_counter(), time.process_time()
if step == "read":
    documents, _ = read_inputs([path])
    n_docs, n_statements = len(documents), None
else:
    table = build_table([path], enrich=False, engine=LocalEngine(1)).table
    n_docs, n_statements = int(table["doc_id"].nunique()), len(table)
seconds, cpu = time.perf_counter() - clock, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": seconds, "cpu": cpu, "peak_mb": peak / 1024, "documents": n_docs, "statements": n_statements}}))
"""


# --- inputs -------------------------------------------------------------------------------------

@dataclass
class Speech:
    iso: str
    year: int
    paragraphs: list[str]


def speeches(corpus: Path, seed: int = 0) -> list[Speech]:
    """Every speech of the corpus (a ``TXT`` folder or the ``.tar.gz``), in a seeded random order."""
    found: list[Speech] = []
    if corpus.is_dir():
        for path in sorted(corpus.rglob("*.txt")):
            if m := NAME.search(path.name):
                found.append(_speech(m, path.read_bytes()))
    else:
        with tarfile.open(corpus) as archive:
            for member in archive:
                if member.isfile() and (m := NAME.search(member.name)):
                    found.append(_speech(m, archive.extractfile(member).read()))
    found.sort(key=lambda s: (s.year, s.iso))
    random.Random(seed).shuffle(found)
    return found


def _speech(m: re.Match, data: bytes) -> Speech:
    text = data.decode("utf-8-sig", errors="replace")
    return Speech(m.group(1), int(m.group(3)), [" ".join(p.split()) for p in text.splitlines() if p.strip()])


def _cycle(corpus: list[Speech]) -> Iterator[tuple[int, Speech]]:
    """The speeches again and again, with the number of the pass (0 first)."""
    rounds = 0
    while True:
        for speech in corpus:
            yield rounds, speech
        rounds += 1


def write_text(path: Path, megabytes: float, corpus: list[Speech]) -> float:
    """Speeches' paragraphs, blank lines between, up to ``megabytes`` MB of UTF-8; returns the share repeated."""
    target, written, repeated = int(megabytes * 1e6), 0, 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write("General Debate of the General Assembly\n\n")
        for rounds, speech in _cycle(corpus):
            for paragraph in speech.paragraphs:
                block = paragraph + "\n\n"
                handle.write(block)
                size = len(block.encode())
                written += size
                repeated += size if rounds else 0
                if written >= target:
                    return repeated / written


def write_csv(path: Path, rows: int, corpus: list[Speech], seed: int = 0) -> float:
    """``rows`` rows of one sentence (85 %) or two consecutive ones of a speech; returns the share of rows repeated."""
    rng = random.Random(seed)
    repeated = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "source", "actor", "speaker", "period", "text"])
        i = 0
        for rounds, speech in _cycle(corpus):
            sentences = [s for p in speech.paragraphs for s in SENTENCE_END.split(p) if len(s) > 1]
            at = 0
            while at < len(sentences):
                take = 1 if rng.random() < 0.85 else 2
                text = " ".join(sentences[at:at + take])
                at += take
                writer.writerow([f"r{i}", "UN General Debate", speech.iso, f"Head of delegation of {speech.iso}", speech.year, text])
                repeated += bool(rounds)
                i += 1
                if i >= rows:
                    return repeated / rows
    return 0.0


# --- measuring ----------------------------------------------------------------------------------

@dataclass
class Run:
    seconds: float
    cpu: float
    peak_mb: float
    documents: int | None = None
    statements: int | None = None
    stages: dict[str, float] = field(default_factory=dict)
    error: str | None = None


def run_build(path: Path, out: Path, timeout: float) -> Run:
    """``rhetoric-shift build path --out out`` in a fresh process tree: wall, tree CPU, peak tree RSS, stages."""
    env = {**os.environ, "PYTHONPATH": str(LIB) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    clock = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "rhetoric_shift", "build", str(path), "--out", str(out), "--quiet"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    peak = _watch(process, timeout)
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - clock
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if process.returncode != 0:
        tail = (stderr.strip().splitlines() or [f"exit {process.returncode}"])[-1]
        return Run(seconds, cpu, peak, error=("not finished in %g s" % timeout) if peak < 0 else tail[:100])
    report_file = out.with_suffix(".build.json")
    report = json.loads(report_file.read_text(encoding="utf-8"))
    stages = {k: float(v) for k, v in report.get("seconds", {}).items() if k in STAGES}
    documents = sum(1 for d in report.get("documents", []))
    statements = sum(int(d.get("n_statements", 0)) for d in report.get("documents", []))
    _remove(out)
    report_file.unlink(missing_ok=True)
    return Run(seconds, cpu, peak, documents, statements, stages)


def _watch(process: subprocess.Popen, timeout: float) -> float:
    """Peak of the summed RSS of ``process`` and its descendants in MB (sampled); -1 after a timeout (killed)."""
    root = psutil.Process(process.pid)
    peak, start = 0.0, time.monotonic()
    while process.poll() is None:
        total = 0
        try:
            for proc in [root, *root.children(recursive=True)]:
                try:
                    total += _footprint(proc)
                except psutil.Error:
                    pass
        except psutil.Error:
            break
        peak = max(peak, total / 2**20)
        if time.monotonic() - start > timeout:
            for proc in [*root.children(recursive=True), root]:
                try:
                    proc.kill()
                except psutil.Error:
                    pass
            return -1.0
        time.sleep(0.5)
    return peak


def _footprint(proc: psutil.Process) -> int:
    """Proportional set size: forked workers share their parent's pages, and RSS would count those twice."""
    try:
        return proc.memory_full_info().pss
    except (psutil.AccessDenied, AttributeError):
        return proc.memory_info().rss


def _remove(out: Path) -> None:
    if out.is_dir():
        for child in sorted(out.rglob("*"), reverse=True):
            child.unlink() if child.is_file() else child.rmdir()
        out.rmdir()
    else:
        out.unlink(missing_ok=True)


def run_step(path: Path, step: str, timeout: float) -> Run:
    script = STEP.format(lib=str(LIB), path=str(path), step=step)
    clock = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return Run(time.perf_counter() - clock, 0, 0, error=f"not finished in {timeout:g} s")
    except subprocess.CalledProcessError as exc:
        return Run(0, 0, 0, error=(exc.stderr.strip().splitlines()[-1:] or ["?"])[0][:100])
    r = json.loads(done.stdout.strip().splitlines()[-1])
    return Run(r["seconds"], r["cpu"], r["peak_mb"], r["documents"], r["statements"])


def measure(path: Path, step: str, runs: int, timeout: float, tmp: Path) -> list[Run]:
    if step == "build":
        return [run_build(path, tmp / "out.parquet", timeout) for _ in range(runs)]
    return [run_step(path, step, timeout) for _ in range(runs)]


# --- the table ----------------------------------------------------------------------------------

@dataclass
class Row:
    kind: str
    label: str
    units: float  # MB of text, or thousands of CSV rows
    size_mb: float
    repeated: float
    step: str
    runs: list[Run]

    @property
    def done(self) -> list[Run]:
        return [r for r in self.runs if r.error is None]

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(r, attribute) for r in self.done)

    def stage(self, name: str) -> float:
        return statistics.median(r.stages.get(name, 0.0) for r in self.done)


def verdict(costs: list[float]) -> str:
    """Per-unit cost of the largest size over the smallest's, and what that ratio says."""
    if len(costs) < 2 or costs[0] <= 0:
        return "-"
    ratio = costs[-1] / costs[0]
    word = "proportional" if abs(ratio - 1) <= TOLERANCE else ("SUPERLINEAR" if ratio > 1 else "sublinear")
    return f"×{ratio:.2f} {word}"


def table(rows: list[Row], base_mb: dict[str, float]) -> str:
    unit = {"text": "MB", "csv": "1k rows"}
    lines = [
        "| input | file MB | repeated | step | documents | statements | wall s | CPU s (tree) | CPU s per unit | peak PSS MB (tree) | (peak − base) per unit MB |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    verdicts = ["", "| input | step | unit | CPU per unit, largest/smallest | memory above base per unit, largest/smallest | stage (wall s per unit, smallest → largest) |",
                "|---|---|---|---|---|---|"]
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        groups.setdefault((row.kind, row.step), []).append(row)
        if not row.done:
            error = next(r.error for r in row.runs)
            lines.append(f"| {row.label} | {row.size_mb:.1f} | {row.repeated:.0%} | {row.step} | - | - | {error} | - | - | - | - |")
            continue
        statements = row.done[0].statements
        cpu, peak = row.median("cpu"), row.median("peak_mb")
        base = base_mb.get(row.step, 0.0)
        lines.append(
            f"| {row.label} | {row.size_mb:.1f} | {row.repeated:.0%} | {row.step} | {row.done[0].documents:,} | "
            f"{'-' if statements is None else f'{statements:,}'} | {row.median('seconds'):.1f} | {cpu:.1f} | "
            f"{cpu / row.units:.3f} | {peak:.0f} | {(peak - base) / row.units:.2f} |"
        )
    for (kind, step), group in groups.items():
        done = sorted((r for r in group if r.done), key=lambda r: r.units)
        cpu = verdict([r.median("cpu") / r.units for r in done])
        base = base_mb.get(step, 0.0)
        memory = verdict([(r.median("peak_mb") - base) / r.units for r in done])
        stages = []
        if step == "build" and done:
            for name in STAGES:
                costs = [r.stage(name) / r.units for r in done]
                stages.append(f"{name} {' → '.join(f'{c:.3f}' for c in costs)} ({verdict(costs)})")
        verdicts.append(f"| {kind} | {step} | {unit[kind]} | {cpu} | {memory} | {'<br>'.join(stages) or '-'} |")
    return "\n".join(lines + verdicts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text-mb", type=float, default=200)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--kinds", default="text,csv", help="comma-separated: text, csv")
    parser.add_argument("--steps", default="build", help="comma-separated: build (the whole command), read, segment (read + segment)")
    parser.add_argument("--fractions", default="0.0625,0.25,1", help="sizes to run, as fractions of the full size")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--corpus", type=Path, default=next((p for p in CORPUS_CHOICES if p.exists()), CORPUS_CHOICES[0]),
                        help="the UN General Debate corpus: its TXT folder or the .tar.gz archive")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per run before it is reported as not finished")
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        parser.error(f"{args.corpus}: not found; give the UN General Debate corpus with --corpus")
    steps, kinds = args.steps.split(","), args.kinds.split(",")
    fractions = sorted(float(f) for f in args.fractions.split(","))
    corpus = speeches(args.corpus)
    print(f"{len(corpus):,} speeches read from {args.corpus}", file=sys.stderr, flush=True)
    rows: list[Row] = []
    base_mb: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench_large_") as folder:
        tmp = Path(folder)
        tiny = tmp / "tiny_2015.txt"
        write_text(tiny, 0.01, corpus)
        for step in steps:  # the interpreter and libraries: what a build of almost nothing holds
            base_mb[step] = statistics.median(r.peak_mb for r in measure(tiny, step, 1, args.timeout, tmp) if r.error is None)
        for kind in kinds:
            for fraction in fractions:
                if kind == "text":
                    mb = args.text_mb * fraction
                    path, units, label = tmp / "speeches_2015.txt", mb, f"text {mb:g} MB"
                    repeated = write_text(path, mb, corpus)
                else:
                    n = int(args.rows * fraction)
                    path, units, label = tmp / "rows.csv", n / 1000, f"CSV {n:,} rows"
                    repeated = write_csv(path, n, corpus)
                for step in steps:
                    row = Row(kind, label, units, path.stat().st_size / 1e6, repeated, step, measure(path, step, args.runs, args.timeout, tmp))
                    rows.append(row)
                    print(f"{label} {step}: " + "; ".join(r.error or f"{r.seconds:.0f} s wall, {r.cpu:.0f} s CPU, {r.peak_mb:.0f} MB, "
                                                          f"{r.documents} documents, {r.statements} statements, {r.stages}"
                                                          for r in row.runs), file=sys.stderr, flush=True)
                    # The table so far, so a run stopped before the largest size still leaves its numbers.
                    print(table(rows, base_mb), file=sys.stderr, flush=True)
                path.unlink()
    print(f"Large inputs built from UN General Debate sentences; median of {args.runs} run(s) each in a fresh process; "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d')}. "
          f"Base (a 10 kB build): {', '.join(f'{s} {m:.0f} MB' for s, m in base_mb.items())}.\n")
    print(table(rows, base_mb))
    return 0


if __name__ == "__main__":
    sys.exit(main())
