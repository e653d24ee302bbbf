"""Benchmark: the corpus-wide models on the UN General Debate paragraphs, beside the bare floor.

Run: ``python bench/bench_models.py [--corpus ../ungdc] [--fraction 1.0] [--runs 3]``. Prints a
markdown table: fitting the models on their sample, applying each column (targets, topics,
duplicates) over every paragraph in batches of ``--batch-docs`` speeches, and the bare
scikit-learn floor over the same paragraphs (TF-IDF fitted on a 20% sample -> SVD(100) -> L2
-> MiniBatchKMeans(40)); then the chosen k and its stability, the largest topic's share, the
largest duplicate group and the peak memory of the process. Medians of ``--runs`` runs; one
process, so on two cores a parallel build's wall time is about half of the summed apply times.

Paragraphs come from the extracted corpus (``TXT/Session NN - YYYY/ISO_NN_YYYY.txt``): split at
blank lines; a block longer than 2,000 characters (a hard-wrapped page) is split where a line
ends a sentence, and its lines are joined.
"""

from __future__ import annotations

import argparse
import re
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from rhetoric_shift.duplicates import DuplicateFinder, term_codes
from rhetoric_shift.enrich import fit_models
from rhetoric_shift.tokens import content_stems

ROOT = Path(__file__).resolve().parent.parent


def _clock() -> float:
    # CPU seconds of this process: on a shared machine wall time measures the neighbours.
    # Every step runs on one thread (threadpool_limits), the floor too, so they compare.
    return time.process_time()
NAME = re.compile(r"([A-Z]+)_(\d+)_(\d{4})$")


def read_paragraphs(corpus: Path, fraction: float) -> pd.DataFrame:
    """One row per paragraph: statement_id, doc_id, kind, text, period (speeches in file order)."""
    files = sorted(p for p in (corpus / "TXT").glob("*/*.txt") if NAME.match(p.stem))
    if fraction < 1:
        files = files[:: max(1, round(1 / fraction))]
    rows = []
    for path in files:
        period = int(NAME.match(path.stem).group(3))
        text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
        blocks = []
        for block in re.split(r"\n\s*\n", text):
            blocks += re.split(r"(?<=[.!?:\"”])[ \t]*\n", block) if len(block) > 2000 else [block]
        n = 0
        for block in blocks:
            para = " ".join(block.split())
            if len(para) > 1:
                rows.append((f"{path.stem}:{n:06d}", path.stem, "direct", para, period))
                n += 1
    return pd.DataFrame(rows, columns=["statement_id", "doc_id", "kind", "text", "period"])


def batches(table: pd.DataFrame, docs_per_batch: int) -> list[pd.DataFrame]:
    starts = np.flatnonzero(table["doc_id"].ne(table["doc_id"].shift()).to_numpy())
    bounds = list(starts[::docs_per_batch]) + [len(table)]
    return [table.iloc[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


def floor(table: pd.DataFrame, random_state: int = 0) -> float:
    """Seconds of the bare scikit-learn pipeline over the same paragraphs."""
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    start = _clock()
    texts = table["text"].tolist()
    rng = np.random.default_rng(random_state)
    sample = [texts[i] for i in rng.choice(len(texts), len(texts) // 5, replace=False)]
    vec = TfidfVectorizer().fit(sample)
    X = vec.transform(texts)
    svd = TruncatedSVD(100, random_state=random_state).fit(vec.transform(sample))
    Z = normalize(svd.transform(X))
    MiniBatchKMeans(40, random_state=random_state, n_init=1).fit(Z)
    return _clock() - start


def one_run(table: pd.DataFrame, docs_per_batch: int) -> dict:
    out: dict = {}
    start = _clock()
    models = fit_models(table)
    out["fit"] = _clock() - start
    out["models"] = models
    stems_s = targets_s = topics_s = codes_s = 0.0
    topics, codes = [], []
    for batch in batches(table, docs_per_batch):
        texts = batch["text"].tolist()
        t0 = _clock()
        stems = [content_stems(t) for t in texts]
        t1 = _clock()
        models.lexicon.tag_many(texts)
        t2 = _clock()
        topics.append(models.topics.locate(texts, stems=stems)[0])
        t3 = _clock()
        codes += [term_codes(s) for s in stems]
        t4 = _clock()
        stems_s, targets_s, topics_s, codes_s = stems_s + t1 - t0, targets_s + t2 - t1, topics_s + t3 - t2, codes_s + t4 - t3
    start = _clock()
    groups = DuplicateFinder().fit_groups(table, terms=codes)
    out["groups"] = _clock() - start
    out.update(stems=stems_s, targets=targets_s, topics=topics_s, codes=codes_s)
    out["topic"] = np.concatenate(topics)
    out["dup_sizes"] = pd.Series(groups).value_counts()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "ungdc")
    parser.add_argument("--fraction", type=float, default=1.0, help="share of the speeches (every n-th file)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch-docs", type=int, default=100)
    args = parser.parse_args(argv)
    if not (args.corpus / "TXT").is_dir():
        print(f"error: {args.corpus}: no TXT folder of the UN General Debate corpus; pass --corpus", file=sys.stderr)
        return 2
    start = _clock()
    table = read_paragraphs(args.corpus, args.fraction)
    read_s = _clock() - start
    with threadpool_limits(limits=1):
        runs = [one_run(table, args.batch_docs) for _ in range(max(1, args.runs))]
        floors = [floor(table) for _ in range(max(1, args.runs))]
    med = {k: statistics.median(r[k] for r in runs) for k in ("fit", "stems", "targets", "topics", "codes", "groups")}
    n = len(table)
    last = runs[-1]
    topics = last["models"].topics
    shares = pd.Series(last["topic"][last["topic"] >= 0]).value_counts(normalize=True)
    apply_total = med["stems"] + med["targets"] + med["topics"] + med["codes"]
    ours = med["fit"] + apply_total + med["groups"]
    print(f"Corpus-wide models on {n:,} UNGDC paragraphs of {table['doc_id'].nunique():,} speeches "
          f"(read and reflowed in {read_s:.1f} s); CPU seconds, medians of {len(runs)} runs, one process, one thread.\n")
    print("| step | seconds | paragraphs / s |")
    print("|---|---:|---:|")
    print(f"| fit_models on the sample ({last['models'].n_sample:,} statements) | {med['fit']:.1f} | |")
    for key, name in (("stems", "analyse: tokenise + stem once"), ("targets", "apply: targets"),
                      ("topics", "apply: topics + map"), ("codes", "apply: duplicate term codes"),
                      ("groups", "finish: duplicate groups (prefix-filtered join)")):
        print(f"| {name} | {med[key]:.1f} | {n / med[key]:,.0f} |")
    print(f"| **ours: fit + apply + finish (tone excluded)** | **{ours:.1f}** | {n / ours:,.0f} |")
    print(f"| floor: TF-IDF(20% sample) -> SVD(100) -> L2 -> MiniBatchKMeans(40) | {statistics.median(floors):.1f} | "
          f"{n / statistics.median(floors):,.0f} |")
    print()
    sizes = last["dup_sizes"]
    print("| measure | value |")
    print("|---|---:|")
    print(f"| chosen k (stability over {topics.k_range}) | {topics.n_topics_} ({topics.n_split_} from splits) |")
    stab = ", ".join(f"{k}: {v:.2f}" for k, v in topics.stabilities_.items())
    print(f"| stability (mean ARI) of the chosen k | {topics.stability_:.2f} ({stab}) |")
    print(f"| largest topic share, all paragraphs (fit sample) | {shares.max():.1%} ({topics.largest_share_:.1%}) |")
    print(f"| statements in duplicate groups | {int(sizes[sizes > 1].sum()):,} in {int((sizes > 1).sum()):,} groups |")
    print(f"| largest duplicate group | {int(sizes.max())} |")
    print(f"| peak memory (max RSS) | {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB |")
    print()
    print("Topic labels:", "; ".join(f"{k}: {v}" for k, v in topics.topic_labels_.items() if k >= 0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
