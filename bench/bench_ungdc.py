"""The whole UN General Debate Corpus through ``rhetoric-shift build``, beside the bare scikit-learn floor.

Run: PYTHONPATH=lib python bench/bench_ungdc.py [--archive PATH] [--runs 3] [--fraction 1.0] [--skip-dask] [--skip-growth]

``--fraction F`` (0 < F <= 1) benchmarks the speeches whose file name hashes below F instead of the
whole archive (for a quick check of the script: ``--fraction 0.03 --runs 1``); growth is then
measured at 10 / 30 / 100% of that subset.

Prints markdown tables:
1. the full build (local engine) and the floor measured in the same run: wall time (median of
   ``--runs``) and peak memory (RSS summed over the build's whole process tree, sampled every 0.1 s);
   the floor is TF-IDF fitted on a 20% sample -> TruncatedSVD(100) -> L2 -> MiniBatchKMeans(40)
   over the same paragraphs (the built table's texts);
2. the stages of one build (from its report) and the apply step by column;
3. growth: 10 / 30 / 100% of the speeches (chosen by a hash of the file name), time per paragraph;
4. ``--dask local:2`` against the local engine;
5. on paper, a sizing table for 10 million speeches on N workers from the measured throughput.
Not a test: nothing here asserts. The machine may be shared; quote medians.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
ARCHIVE = ROOT.parent / "shared" / "corpora" / "ungdc_1946-2024.tar.gz"
GOALS = {"build / floor": 1.5, "peak GiB": 3.0, "dask / local": 1.15, "growth": 0.20}


def _runs(values, fmt: str = ".1f") -> str:
    """Every run's value, for the table beside the median."""
    return ", ".join(format(v, fmt) for v in values)


def run_build(inputs: list[str], out: Path, extra: list[str] = ()) -> dict:
    """One ``rhetoric-shift build`` in a child process: wall seconds, peak RSS (whole process tree and
    largest single process), and its report."""
    import psutil

    command = [sys.executable, "-m", "rhetoric_shift", "build", *inputs, "--out", str(out), "--quiet", *extra]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "lib")}
    clock = time.perf_counter()
    # stderr to a file, not a pipe: a chatty child (Dask's warnings under load) would fill a pipe and stall
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=ROOT)
        parent = psutil.Process(process.pid)
        peak = largest = 0
        while process.poll() is None:
            sizes = _tree_rss(parent)
            peak, largest = max(peak, sum(sizes)), max([largest, *sizes])
            time.sleep(0.1)
        seconds = time.perf_counter() - clock
        if process.returncode:
            err.seek(0)
            raise SystemExit(f"build failed ({process.returncode}): {err.read().decode(errors='replace')[-2000:]}")
    report = json.loads(out.with_suffix(".build.json").read_text())
    return {"seconds": seconds, "peak": peak, "largest": largest, "report": report}


def _tree_rss(parent) -> list[int]:
    """RSS of each process of the tree (pages shared after a fork count in each: the sum is an upper bound)."""
    import psutil

    sizes = []
    try:
        for proc in [parent, *parent.children(recursive=True)]:
            try:
                sizes.append(proc.memory_info().rss)
            except psutil.Error:
                pass
    except psutil.Error:
        pass
    return sizes


def floor(texts: list[str], random_state: int = 0) -> float:
    """Seconds of the bare scikit-learn pipeline over ``texts``."""
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    clock = time.perf_counter()
    rng = np.random.default_rng(random_state)
    sample = rng.choice(len(texts), size=max(1, len(texts) // 5), replace=False)
    vectorizer = TfidfVectorizer().fit([texts[i] for i in sample])
    matrix = vectorizer.transform(texts)
    reduced = normalize(TruncatedSVD(100, random_state=random_state).fit_transform(matrix))
    MiniBatchKMeans(40, random_state=random_state, n_init=3).fit(reduced)
    return time.perf_counter() - clock


def subset_folder(archive: Path, fraction: float, dest: Path) -> int:
    """Extract the speeches whose name hashes below ``fraction`` (and the speakers sheet) into ``dest``; returns how many."""
    kept = 0
    with tarfile.open(archive, "r|*") as tar:
        for member in tar:
            if not member.isfile():
                continue
            name = member.name.rsplit("/", 1)[-1]
            speech = name.endswith(".txt") and not name.startswith(".") and name != "README.txt"
            if speech and int(hashlib.sha1(name.encode()).hexdigest()[:8], 16) / 2**32 >= fraction:
                continue
            target = dest / member.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(tar.extractfile(member).read())
            kept += speech
    return kept


def apply_by_column(table: pd.DataFrame, share: float = 0.05) -> dict[str, float]:
    """CPU seconds of each part of ``apply_models`` (and of placing the topics, in ``finish``) on a ``share`` of the documents, scaled to the table."""
    from rhetoric_shift import enrich
    from rhetoric_shift.stance import stance_matches, stance_score
    from rhetoric_shift.targets import context_targets
    from rhetoric_shift.tokens import content_stems, term_codes
    from rhetoric_shift.tone import target_stance, tone

    docs = table["doc_id"].drop_duplicates()
    chosen = set(docs.iloc[:: max(1, round(1 / share))])
    part = table[table["doc_id"].isin(chosen)].reset_index(drop=True)
    models = enrich.fit_models(table)
    texts = part["text"].astype(str).tolist()
    scale = len(table) / max(1, len(part))
    timings: dict[str, float] = {}

    def timed(name, fn):
        clock = time.process_time()
        value = fn()
        timings[name] = (time.process_time() - clock) * scale
        return value

    stems = timed("tokens + stems", lambda: [content_stems(t) for t in texts])
    out = part.copy()
    out["targets"] = timed("targets", lambda: models.lexicon.tag_many(texts))
    timed("context_targets", lambda: context_targets(out))
    timed("tone", lambda: tone(texts))
    matches = timed("stance terms", lambda: [stance_matches(t) for t in texts])
    timed("stance", lambda: [stance_score(m) for m in matches])
    timed("target_stance", lambda: target_stance(texts, out["targets"], models.lexicon, matches=matches))
    codes = timed("duplicate terms", lambda: [term_codes(s) for s in stems])
    clock = time.process_time()
    enrich.apply_models(models, part)
    timings["apply_models, all of it"] = (time.process_time() - clock) * scale
    if models.topics is not None:
        timed("finish: topic, map_x, map_y from the term codes", lambda: models.topics.locate_terms(codes))
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", type=Path, default=ARCHIVE)
    parser.add_argument("--runs", type=int, default=3, help="builds per measure; the tables quote medians (default 3)")
    parser.add_argument("--fraction", type=float, default=1.0, help="share of the speeches to benchmark, by a hash of the file name (default 1: all)")
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--skip-growth", action="store_true")
    args = parser.parse_args(argv)
    if not args.archive.is_file():
        print(f"error: {args.archive}: no such file; pass --archive PATH to the UN General Debate Corpus .tar.gz", file=sys.stderr)
        return 2
    if not 0 < args.fraction <= 1 or args.runs < 1:
        print("error: --fraction must be in (0, 1] and --runs at least 1", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT / "lib"))
    work = Path(tempfile.mkdtemp(prefix="bench_ungdc_"))
    from rhetoric_shift.build import read_table

    corpus = args.archive
    if args.fraction < 1:
        corpus = work / "corpus"
        subset_folder(args.archive, args.fraction, corpus)
    full = [run_build([str(corpus)], work / "local.parquet") for _ in range(args.runs)]
    table = read_table(work / "local.parquet")
    texts = table["text"].astype(str).tolist()
    floors = [floor(texts) for _ in range(args.runs)]
    build_s = statistics.median(r["seconds"] for r in full)
    floor_s = statistics.median(floors)
    peak = max(r["peak"] for r in full) / 2**30
    largest = max(r["largest"] for r in full) / 2**30
    n, docs = len(table), table["doc_id"].nunique()
    what = "whole archive" if args.fraction == 1 else f"{args.fraction:.0%} of the speeches, by a hash of the file name"
    print(f"# UN General Debate Corpus build ({what}: {docs:,} speeches, {n:,} statements), {args.runs} run(s), {os.cpu_count()} cores\n")
    print("| measure | median | runs | goal |")
    print("|---|---:|---|---|")
    print(f"| build, local engine (s) | {build_s:.1f} | {_runs(r['seconds'] for r in full)} | |")
    print(f"| scikit-learn floor, same paragraphs (s) | {floor_s:.1f} | {_runs(floors)} | |")
    print(f"| build / floor | {build_s / floor_s:.2f} | | <= {GOALS['build / floor']} |")
    print(f"| peak RSS, whole process tree (GiB, the largest of the runs; shared pages counted in each process) | {peak:.2f} | {_runs((r['peak'] / 2**30 for r in full), '.2f')} | <= {GOALS['peak GiB']} |")
    print(f"| peak RSS, largest process (GiB, the largest of the runs) | {largest:.2f} | {_runs((r['largest'] / 2**30 for r in full), '.2f')} | |")

    seconds = sorted(full, key=lambda r: r["seconds"])[len(full) // 2]["report"]["seconds"]
    walls = {k: v for k, v in seconds.items() if "CPU" not in k and ":" not in k}
    rest_s = build_s - sum(walls.values())
    print("\n## Stages of the median build (wall seconds; \"CPU\" rows are CPU seconds, those of the workers summed over the batches)\n")
    print("| stage | seconds |")
    print("|---|---:|")
    for name, value in seconds.items():
        print(f"| {name} | {value:.1f} |")
    print(f"| start-up, write and report (rest of the wall time) | {rest_s:.1f} |")
    print("\n## apply by column (CPU seconds on 5% of the speeches, scaled to the corpus; one process)\n")
    print("| column | CPU s | µs per statement |")
    print("|---|---:|---:|")
    for name, value in apply_by_column(table).items():
        print(f"| {name} | {value:.1f} | {value / n * 1e6:.0f} |")

    if not args.skip_growth:
        print("\n## Growth: time per statement at 10 / 30 / 100% of the speeches\n")
        print("| share | speeches | statements | build s (median) | runs | µs per statement | vs 100% |")
        print("|---:|---:|---:|---:|---|---:|---:|")
        per_100 = build_s / n * 1e6
        rows = []
        for share in (0.1, 0.3):
            folder = work / f"subset_{int(share * 100)}"
            subset_folder(args.archive, share * args.fraction, folder)
            out = work / f"s{int(share * 100)}.parquet"
            runs = [run_build([str(folder)], out) for _ in range(args.runs)]
            m = read_table(out)
            rows.append((share, m["doc_id"].nunique(), len(m), runs))
        rows.append((1.0, docs, n, full))
        for share, d, m, runs in rows:
            s = statistics.median(r["seconds"] for r in runs)
            per = s / m * 1e6
            print(f"| {share:.0%} | {d:,} | {m:,} | {s:.1f} | {_runs(r['seconds'] for r in runs)} | {per:.0f} | {per / per_100 - 1:+.0%} |")
        print(f"\n(goal: every share within ±{GOALS['growth']:.0%} of the 100% time per statement)")
        growth_stages(rows)

    if not args.skip_dask:
        dask = [run_build([str(corpus)], work / "dask.parquet", ["--dask", "local:2"]) for _ in range(args.runs)]
        dask_s = statistics.median(r["seconds"] for r in dask)
        same = _same_content(read_table(work / "dask.parquet"), table)
        print("\n## Engines\n")
        print("| engine | median s | runs | peak GiB (tree) | same table |")
        print("|---|---:|---|---:|---|")
        print(f"| local (2 processes) | {build_s:.1f} | {_runs(r['seconds'] for r in full)} | {peak:.2f} | (reference) |")
        print(f"| --dask local:2 | {dask_s:.1f} | {_runs(r['seconds'] for r in dask)} | {max(r['peak'] for r in dask) / 2**30:.2f} | {same} |")
        print(f"\ndask / local = {dask_s / build_s:.2f} (goal <= {GOALS['dask / local']})")

    sizing(seconds, docs, n)
    print(f"\n(work files in {work})")
    return 0


def growth_stages(rows: list[tuple[float, int, int, list[dict]]]) -> None:
    """Each stage of the growth builds: median seconds over the runs and µs per statement, so a
    fixed cost (one that does not shrink with the corpus) shows as a larger µs figure at 10%."""
    names: list[str] = []
    for _, _, _, runs in rows:
        for r in runs:
            names += [k for k in r["report"]["seconds"] if k not in names]
    rest = "start-up, write and report (rest of the wall time)"
    print("\n### Stages of the growth builds (median seconds of the runs / µs per statement; \"CPU\" rows are CPU seconds)\n")
    print("| stage | " + " | ".join(f"{share:.0%}" for share, *_ in rows) + " |")
    print("|---|" + "---:|" * len(rows))
    for name in [*names, rest]:
        cells = []
        for _, _, m, runs in rows:
            if name == rest:
                values = [r["seconds"] - sum(v for k, v in r["report"]["seconds"].items() if "CPU" not in k and ":" not in k) for r in runs]
            else:
                values = [r["report"]["seconds"].get(name, 0.0) for r in runs]
            median = statistics.median(values)
            cells.append(f"{median:.1f} s / {median / m * 1e6:.0f} µs")
        print(f"| {name} | " + " | ".join(cells) + " |")


def _same_content(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Whether two built tables hold the same rows and values (the Parquet metadata may differ)."""
    try:
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))
    except AssertionError:
        return False
    return True


def sizing(seconds: dict, docs: int, n: int) -> None:
    """On paper: 10 million speeches on N workers, from this run's per-speech worker seconds.

    Per speech: the CPU time of reading, segmenting and applying the models, summed over the workers (each task
    is a batch of whole speeches, so this scales with the workers); the fit is bounded (a fixed
    sample) and runs once; finish (duplicate groups) runs in one process, linear in statements.
    """
    work = sum(seconds.get(f"{k} (worker CPU)", 0.0) for k in ("read", "segment", "apply"))
    per_speech = work / docs
    fit = seconds.get("fit", 0.0)
    finish_per_statement = seconds.get("finish", 0.0) / n
    target = 10_000_000
    statements = target * n / docs
    print(f"\n## On paper: 10 million speeches ({statements / 1e6:.0f} M statements at this corpus's {n / docs:.0f} per speech)\n")
    print(f"Measured per speech: {per_speech * 1e3:.1f} ms of worker CPU (read {seconds.get('read (worker CPU)', 0) / docs * 1e3:.1f}, "
          f"segment {seconds.get('segment (worker CPU)', 0) / docs * 1e3:.1f}, apply {seconds.get('apply (worker CPU)', 0) / docs * 1e3:.1f}); "
          f"fit {fit:.1f} s once (bounded sample); finish {finish_per_statement * 1e6:.1f} µs per statement in one process. "
          "Assumes the workers are as fast as these and the input reaches them as fast as they read it.\n")
    print("| workers | read+segment+apply h | fit h | finish h (one process) | total h |")
    print("|---:|---:|---:|---:|---:|")
    for workers in (2, 8, 32, 128, 512):
        main = per_speech * target / workers / 3600
        fin = finish_per_statement * statements / 3600
        print(f"| {workers} | {main:.2f} | {fit / 3600:.2f} | {fin:.2f} | {main + fin + fit / 3600:.2f} |")


if __name__ == "__main__":
    sys.exit(main())
