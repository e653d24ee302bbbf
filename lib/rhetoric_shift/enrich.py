"""Enrichment: the analysis columns of the statement table, filled from the segmented statements.

The work is split so that its cost grows linearly with the corpus and batches can run anywhere:

- ``fit_models(table)`` fits every corpus-wide model ONCE, on a bounded sample of the table chosen
  by a hash of ``statement_id`` (so the sample, and every model, is the same however the table
  is later cut into batches): the targets lexicon, the topic model (vocabulary, TF-IDF weights,
  reduced space, clusters, labels, map axes) and the duplicate finder's parameters;
- ``apply_models(models, batch)`` fills the per-statement columns of one batch of whole
  documents (targets, context_targets, tone, stance, target_stance) and the column ``DUP_TERMS``
  (each text's content stems as term codes), analysing each text once. It needs only the
  lexicon (``analysis.analyse_batch``), so a build analyses its batches while the models are fitted;
- ``place_topics(models, batch)`` places a batch's statements on the topics and the map, from
  the term codes; a build does it in its own process as each batch comes back;
- ``finish(models, table)`` runs the corpus-wide step after all batches: duplicate groups by
  blocking (never all pairs), the topics of rows not placed yet, and returns a table that
  passes ``schema.check_table``;
- ``enrich(table)`` is fit, apply and finish over one table.

In: a table with the segmentation columns (statement_id, doc_id, kind, text, period, parent_id,
...). Out: the same rows in the same order with every analysis column filled. The same input
gives the same table whatever the batching.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from rhetoric_shift.analysis import TOPIC_COLUMNS, analyse_batch, check_columns
from rhetoric_shift.duplicates import DUP_TERMS, DuplicateFinder
from rhetoric_shift.engine import Engine
from rhetoric_shift.params import is_int
from rhetoric_shift.schema import conform_table, empty_table
from rhetoric_shift.targets import Lexicon, load_lexicon
from rhetoric_shift.tokens import content_stems_of, content_words_of, term_codes, tokenize
from rhetoric_shift.topics import TOO_SHORT, TOO_SHORT_LABEL, TopicModel

# The sample hash's key: fixed, so the sample depends only on the ids and random_state.
_HASH_KEY = "rhetoric-shift-s"


@dataclass
class EnrichModels:
    """Every corpus-wide model of one build, fitted once by ``fit_models``; picklable.

    ``topics`` is None when no sampled statement was long enough to cluster (then every
    statement is "too short"). ``n_sample`` is how many statements the models were fitted on,
    out of ``n_table``.
    """

    lexicon: Lexicon
    topics: TopicModel | None
    duplicates: DuplicateFinder
    random_state: int
    n_sample: int
    n_table: int
    sample_ids: list[str] = field(default_factory=list, repr=False)
    n_documents_sample: int | None = None  # when the table fitted on is a sample of documents (a build): how many
    n_documents: int | None = None  # ... out of how many

    def method_text(self) -> str:
        """A short paragraph for the Method page: what was fitted on what, and how k was chosen."""
        if self.n_documents_sample is not None and self.n_documents and self.n_documents_sample < self.n_documents:
            lines = [f"Corpus-wide models were fitted once on {self.n_sample:,} of {self.n_table:,} statements "
                     f"(chosen by a hash of the statement id among the statements of the {self.n_documents_sample:,} of "
                     f"{self.n_documents:,} documents with the smallest hash of their id, random_state={self.random_state})."]
        else:
            lines = [f"Corpus-wide models were fitted once on {self.n_sample:,} of {self.n_table:,} statements "
                     f"(a sample chosen by a hash of the statement id, random_state={self.random_state})."]
        if self.topics is None:
            lines.append("No sampled statement was long enough to cluster, so there are no topics.")
        else:
            lines.append(self.topics.method_text())
        return " ".join(lines)


def sample_positions(ids: pd.Series, size: int, random_state: int = 0) -> np.ndarray:
    """Positions of the ``size`` rows whose hashed id is smallest, in hash order.

    The hash depends only on the id and ``random_state``, so a row is in the sample or not
    whatever else the table holds in which order, and the sample's order is fixed too.
    """
    if len(ids) == 0 or size <= 0:
        return np.zeros(0, dtype=np.int64)
    key = f"{random_state % 10**16:016d}" if random_state else _HASH_KEY
    hashes = pd.util.hash_pandas_object(ids.astype(str).reset_index(drop=True), index=False, hash_key=key).to_numpy()
    order = np.lexsort((ids.astype(str).to_numpy(), hashes))  # ties (never seen) broken by the id
    return order[: min(size, len(order))]


def fit_models(
    table: pd.DataFrame,
    *,
    targets_file: Path | None = None,
    n_topics: int | None = None,
    random_state: int = 0,
    max_sample: int = 20_000,
) -> EnrichModels:
    """Fit every corpus-wide model once, on at most ``max_sample`` statements of ``table``.

    In: the segmented table (or any superset of the rows that will be enriched). The sample
    takes the long-enough statements with the smallest hash of their id. ``targets_file``: a
    user targets lexicon (TOML) instead of the bundled one; ``n_topics``: a fixed number of topics,
    or None to choose it by stability. Raises ValueError if a segmentation column is missing or
    the targets file is bad.
    """
    check_columns(table)
    lexicon = load_lexicon(targets_file)  # read first: a bad file is an error even for an empty table
    if not is_int(max_sample) or max_sample < 1:
        raise ValueError(f"fit_models: max_sample must be an int >= 1, got {max_sample!r}")
    topics = TopicModel(n_topics=n_topics, random_state=random_state)
    ids = table["statement_id"].astype(str).reset_index(drop=True)
    # Take candidates in hash order until max_sample of them are long enough to cluster:
    # short headlines would otherwise crowd the sample of a press corpus.
    order = sample_positions(ids, len(ids), random_state)
    texts = table["text"].astype(str).to_numpy()
    chosen: list[int] = []
    stems: list[list[str]] = []  # one stem per content word: the test of "long enough" and the topics' terms
    words: list[list[str]] = []  # the content words themselves, for the labels' surface forms
    for i in order:
        tokens = tokenize(texts[i])
        s = content_stems_of(tokens)
        if len(s) >= topics.min_words:
            chosen.append(int(i))
            stems.append(s)
            words.append(content_words_of(tokens))
            if len(chosen) == max_sample:
                break
    sample_texts = [str(texts[i]) for i in chosen]
    fitted: TopicModel | None = topics.fit(sample_texts, stems=stems, words=words) if chosen else None
    if fitted is None:
        topics._check_params()  # a bad n_topics is an error even when nothing can be clustered
    return EnrichModels(
        lexicon=lexicon,
        topics=fitted,
        duplicates=DuplicateFinder(),
        random_state=random_state,
        n_sample=len(chosen),
        n_table=len(table),
        sample_ids=[ids[i] for i in chosen],
    )


def apply_models(models: EnrichModels, batch: pd.DataFrame) -> pd.DataFrame:
    """One batch of whole documents with its per-statement analysis columns filled: ``analyse_batch`` with the models' lexicon."""
    return analyse_batch(batch, models.lexicon)


def place_topics(models: EnrichModels, table: pd.DataFrame) -> None:
    """Fill ``table``'s topic, topic_label, map_x and map_y (in place) from its term codes.

    In: rows from ``apply_models`` (their ``DUP_TERMS``; without it, their texts). A pure function
    of each row, so a build places each batch as it comes in and ``finish`` only places rows
    that are not placed yet.
    """
    model = models.topics
    if model is None:
        for column, value in zip(TOPIC_COLUMNS, (TOO_SHORT, TOO_SHORT_LABEL, 0.0, 0.0)):
            table[column] = value
        return
    terms = table[DUP_TERMS].tolist() if DUP_TERMS in table else [term_codes(content_stems_of(tokenize(str(t)))) for t in table["text"]]
    topics, coords = model.locate_terms(terms)
    table["topic"] = topics
    table["topic_label"] = model.topic_label(topics)
    table["map_x"], table["map_y"] = coords[:, 0], coords[:, 1]


def finish(models: EnrichModels, table: pd.DataFrame, *, copy: bool = True, engine: Engine | None = None) -> pd.DataFrame:
    """The corpus-wide steps after every batch: topics and duplicate groups; returns the final statement table.

    In: the concatenated outputs of ``apply_models`` (in any batch order), their topics placed
    by ``place_topics`` or not yet (then they are placed here). Out: the same rows, topic,
    topic_label, map_x, map_y and dup_group filled, helper columns dropped, columns and dtypes as
    ``schema.COLUMNS``. ``copy=False`` lets it write into ``table`` itself (a build's own table,
    which it then drops), so a large table is not held twice. ``engine``: the duplicate search
    runs its periods on the engine's workers (the same table whatever the engine).
    """
    if table.empty:
        return empty_table()
    out = table.reset_index(drop=True).copy() if copy else table.reset_index(drop=True)
    if "topic" not in out:
        place_topics(models, out)
    terms = out[DUP_TERMS].tolist() if DUP_TERMS in out else None
    out["dup_group"] = models.duplicates.fit_groups(out, terms=terms, engine=engine)
    return conform_table(out)


def enrich(
    table: pd.DataFrame,
    *,
    targets_file: Path | None = None,
    n_topics: int | None = None,
    random_state: int = 0,
) -> pd.DataFrame:
    """The statement table with its analysis columns filled; passes ``schema.check_table``.

    Equals ``finish(models, apply_models(models, table))`` with ``models = fit_models(table, ...)``.
    ``targets_file``: a user targets lexicon (TOML) instead of the bundled one.
    ``n_topics``: fixed number of topics, or None to choose it by stability.
    Raises ValueError if a segmentation column is missing or the targets file is bad.
    """
    models = fit_models(table, targets_file=targets_file, n_topics=n_topics, random_state=random_state)
    if table.empty:
        return empty_table()
    return finish(models, apply_models(models, table))
