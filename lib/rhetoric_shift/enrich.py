"""Enrichment: the analysis columns of the statement table, filled from the segmented statements.

``enrich`` takes a table with the segmentation columns (statement_id, doc_id, kind, text,
period, parent_id, ...) and returns a new table, same rows in the same order, with targets,
context_targets, topic, topic_label, map_x, map_y, tone, stance and dup_group filled. The
per-statement steps (targets, tone, stance) are pure functions of the text; the corpus-wide
steps (topics, duplicates) are fitted on the whole table, then applied to it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rhetoric_shift.duplicates import DuplicateFinder
from rhetoric_shift.schema import conform_table, empty_table
from rhetoric_shift.targets import context_targets, load_lexicon, tag_targets
from rhetoric_shift.tone import stance, target_stance, tone
from rhetoric_shift.topics import TOO_SHORT, TOO_SHORT_LABEL, TopicModel

REQUIRED = ("statement_id", "doc_id", "kind", "text", "period")


def enrich(
    table: pd.DataFrame,
    *,
    targets_file: Path | None = None,
    n_topics: int | None = None,
    random_state: int = 0,
) -> pd.DataFrame:
    """The statement table with its analysis columns filled; passes ``schema.check_table``.

    ``targets_file``: a user targets lexicon (TOML) instead of the bundled one.
    ``n_topics``: fixed number of topics, or None to choose it by silhouette.
    Raises ValueError if a segmentation column is missing or the targets file is bad.
    """
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise ValueError(f"enrich: the table lacks the segmentation column(s) {', '.join(missing)}")
    lexicon = load_lexicon(targets_file)  # read before the empty check: a bad file is an error either way
    if table.empty:
        return empty_table()
    out = table.reset_index(drop=True).copy()
    if "parent_id" not in out:
        out["parent_id"] = None
    if "n_words" not in out:
        out["n_words"] = [len(t.split()) for t in out["text"]]
    texts = out["text"].astype(str).tolist()
    out["targets"] = tag_targets(texts, lexicon)
    out["context_targets"] = context_targets(out)
    out["tone"] = tone(texts)
    out["stance"] = stance(texts)
    out["target_stance"] = target_stance(texts, out["targets"], lexicon)
    out = _with_topics(out, texts, n_topics, random_state)
    out["dup_group"] = DuplicateFinder().fit_groups(out)
    return conform_table(out)


def _with_topics(out: pd.DataFrame, texts: list[str], n_topics: int | None, random_state: int) -> pd.DataFrame:
    model = TopicModel(n_topics=n_topics, random_state=random_state)
    if not model.clusterable(texts).any():
        # Nothing long enough to cluster (e.g. a one-headline table): every statement is "too short".
        out["topic"], out["topic_label"], out["map_x"], out["map_y"] = TOO_SHORT, TOO_SHORT_LABEL, 0.0, 0.0
        return out
    model.fit(texts)
    coords = model.coordinates(texts)
    out["topic"] = model.labels_
    out["topic_label"] = model.topic_label(model.labels_)
    out["map_x"], out["map_y"] = coords[:, 0], coords[:, 1]
    return out
