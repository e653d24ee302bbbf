"""CPU cost of read + segment per MB of input, on UN speeches and on the web pages of the seeds and devset.

Run: PYTHONPATH=lib python3 bench/bench_segment.py [--runs 3] [--step 40] [--corpus PATH] [--profile]

Inputs: every ``--step``-th speech of the UN General Debate Corpus (the extracted folder
``../ungdc``, or ``--corpus``; left out when absent), the seeds (``seeds/`` with its manifest) and
the development set (``tests/data/devset/docs`` with its manifest). Each is read and segmented
as the build does it: ``build.segment_batch`` over the speeches' bytes (decode + reflow +
segment + table), or ``read.read_inputs`` then ``build.segment_batch`` over the pages. The small
inputs are processed several times per run so that a run lasts about half a second.

Prints a markdown table: MB, documents, statements, CPU seconds (``time.process_time``, median of
``--runs``, per pass over the input), CPU s/MB, the part spent in the line classifier and the
heading test (``furniture.classify_lines``, ``titles.is_heading``, timed by wrapping them in one
extra run) and the rest (everything else: measured directly, median of ``--runs``, with those two
answering from a table of their results); with ``--profile``, the top functions of a cProfile
run by own time. Measures CPU of this process only, so a shared machine skews it less than wall
time; still, compare runs made side by side. Nothing here asserts.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lib"))

from rhetoric_shift import build, furniture, segment, ungdc  # noqa: E402
from rhetoric_shift.formats import titles  # noqa: E402
from rhetoric_shift.read import read_inputs  # noqa: E402
from rhetoric_shift.speakers import SpeakerRegistry  # noqa: E402

CORPUS = ROOT.parent / "ungdc"
MIN_RUN_SECONDS = 0.5


def un_input(corpus: Path, step: int):
    """Every ``step``-th speech (raw bytes and metadata), its size in MB, and one pass's work."""
    speeches = [s for i, s in enumerate(ungdc.iter_speeches(corpus)) if i % step == 0]
    mb = sum(len(s.data) for s in speeches) / 1e6
    registry = SpeakerRegistry.load()
    return mb, len(speeches), lambda: build.segment_batch(speeches, registry)


def pages_input(folder: Path):
    """The files of ``folder`` read with its manifest, as the build reads them, then segmented."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.name != "manifest.toml")
    mb = sum(p.stat().st_size for p in files) / 1e6
    registry = SpeakerRegistry.load()

    def work():
        documents, _ = read_inputs(files, folder / "manifest.toml")
        return build.segment_batch(documents, registry)

    return mb, len(files), work


def repeats_for(work: Callable) -> int:
    """Passes per run so that a run lasts about ``MIN_RUN_SECONDS`` of CPU (the first pass also warms caches)."""
    clock = time.process_time()
    work()
    once = max(time.process_time() - clock, 1e-6)
    return max(1, round(MIN_RUN_SECONDS / once))


def cpu_per_pass(work: Callable, repeats: int) -> float:
    clock = time.process_time()
    for _ in range(repeats):
        work()
    return (time.process_time() - clock) / repeats


def _patched(replacement: Callable):
    """Replace ``classify_lines`` and ``is_heading`` wherever the segmenter calls them by ``replacement(original)``."""
    patched = []
    for module in [segment, *_format_modules()]:
        for name, original in (("classify_lines", furniture.classify_lines), ("is_heading", titles.is_heading)):
            if getattr(module, name, None) is original:
                patched.append((module, name, original))
                setattr(module, name, replacement(original))
    return patched


def _restore(patched) -> None:
    for module, name, original in patched:
        setattr(module, name, original)


def classifier_cpu(work: Callable, repeats: int) -> float:
    """CPU per pass inside ``classify_lines`` and ``is_heading``, timed by wrapping them where they are called."""
    spent = [0.0]

    def timed(fn):
        def wrapper(*args, **kwargs):
            clock = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[0] += time.process_time() - clock
        return wrapper

    patched = _patched(timed)
    try:
        for _ in range(repeats):
            work()
    finally:
        _restore(patched)
    return spent[0] / repeats


def rest_cpu(work: Callable, repeats: int, runs: int) -> float:
    """CPU per pass (median of ``runs``) of everything but ``classify_lines`` and ``is_heading``, whose
    results are looked up (from a first pass) instead of computed: the part those two do not own."""
    memo: dict = {}

    def looked_up(fn):
        def wrapper(text):
            key = (fn.__name__, text)
            if key not in memo:
                memo[key] = fn(text)
            return memo[key]
        return wrapper

    patched = _patched(looked_up)
    try:
        work()
        return statistics.median(cpu_per_pass(work, repeats) for _ in range(runs))
    finally:
        _restore(patched)


def _format_modules():
    import importlib
    import pkgutil

    from rhetoric_shift import formats

    return [importlib.import_module(f"rhetoric_shift.formats.{m.name}") for m in pkgutil.iter_modules(formats.__path__)]


def top_functions(work: Callable, n: int = 6) -> str:
    profile = cProfile.Profile()
    profile.enable()
    work()
    profile.disable()
    stats = pstats.Stats(profile).stats
    rows = sorted(stats.items(), key=lambda kv: kv[1][2], reverse=True)[:n]  # by own time
    total = sum(v[2] for v in stats.values()) or 1.0
    return ", ".join(f"{_name(func)} {100 * v[2] / total:.0f}%" for func, v in rows)


def _name(func) -> str:
    filename, _, name = func
    module = Path(filename).stem if filename != "~" else ""
    return f"{module}.{name}" if module else name.strip("<>")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--step", type=int, default=40, help="take every step-th UN speech")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the extracted UN General Debate Corpus")
    parser.add_argument("--profile", action="store_true", help="add the top functions of a cProfile run")
    args = parser.parse_args()

    inputs = []
    if args.corpus.is_dir():
        inputs.append((f"UN speeches, every {args.step}th", *un_input(args.corpus, args.step)))
    else:
        print(f"(UN corpus not found at {args.corpus}: left out)")
    inputs.append(("seeds", *pages_input(ROOT / "seeds")))
    inputs.append(("devset", *pages_input(ROOT / "tests" / "data" / "devset" / "docs")))

    header = ("| input | MB | documents | statements | CPU s (median of {}) | CPU s/MB | classifier + heading s/MB "
              "| rest s/MB (looked up) |".format(args.runs))
    lines = [header, "|---|---|---|---|---|---|---|---|"]
    profiles = []
    for name, mb, documents, work in inputs:
        repeats = repeats_for(work)
        statements = len(work().table)
        runs = [cpu_per_pass(work, repeats) for _ in range(args.runs)]
        cpu = statistics.median(runs)
        classifier = classifier_cpu(work, repeats)
        rest = rest_cpu(work, repeats, args.runs)
        lines.append(
            f"| {name} | {mb:.2f} | {documents} | {statements} | {cpu:.3f} ({', '.join(f'{r:.3f}' for r in runs)}) "
            f"| {cpu / mb:.3f} | {classifier / mb:.3f} | {rest / mb:.3f} |"
        )
        if args.profile:
            profiles.append(f"| {name} | {top_functions(work)} |")
    print("\n".join(lines))
    if profiles:
        print("\n| input | top functions by own time (cProfile, one pass) |\n|---|---|")
        print("\n".join(profiles))


if __name__ == "__main__":
    main()
