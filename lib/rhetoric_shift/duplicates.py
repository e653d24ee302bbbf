"""Duplicates: reports of the same remark in different documents share a ``dup_group``.

RT and Sputnik covered the same press conference and often print the same sentence in two
translations ("The Americans are known for their feelings of exceptionalism" / "... for their
exceptionalism feelings"). Counting both would double that remark in every aggregate, so
``DuplicateFinder`` links them:

- candidates: statements of kind ``direct``, ``reported`` or ``question`` (the remarks and the
  questions put to the speaker) with at least ``min_words`` content words; headlines and
  narration (``context``) are not remarks and each stays in a group of its own;
- a pair: two candidates from *different* documents of the *same* period whose TF-IDF cosine
  (content-word stems, sublinear tf, IDF from the fitted corpus) is at least ``threshold``.
  Word stems rather than exact strings, because translations differ in inflection and word
  order; the same document never pairs with itself (a speaker repeating a line is not a second
  report). The default threshold 0.4 comes from the seed corpus: every RT/Sputnik pair at or
  above it is one remark in two translations or a close paraphrase ("The missile defense issue
  is a dark cloud in our relations" / "The problem of missile defense is overshadowing our
  relations", 0.41), while pairs below 0.35 are different remarks on the same subject;
- groups: connected components of the pairs (union-find); a group's id is its smallest
  statement_id, so ids are stable when rows are added elsewhere. A statement without a pair is
  its own group.

``unique_remarks`` keeps one row per group, so aggregates can count "by report" (every row) or
"by unique remark".
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Real

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from rhetoric_shift.params import is_int, not_fitted_error, param_error
from rhetoric_shift.schema import KINDS
from rhetoric_shift.tokens import StemAnalyzer, has_content_words

REMARK_KINDS = ("direct", "reported", "question")
# Helper column of ``enrich.apply_models``: each row's content stems, space-joined, so the
# duplicate search never tokenises a text a second time.
DUP_TERMS = "_dup_terms"


class DuplicateFinder:
    """Group statements that report the same remark in different documents.

    Parameters
    ----------
    threshold : float in (0, 1], the TF-IDF cosine at or above which two statements are one remark.
    min_words : int, fewer content words than this and a statement is never paired (short
        statements such as "Good things first" match by chance).
    kinds : the statement kinds that can pair.
    ngram_range : n-grams of content stems used as terms.

    Attributes (after ``fit``): ``vectorizer_``.
    """

    def __init__(
        self,
        threshold: float = 0.4,
        min_words: int = 4,
        kinds: Sequence[str] = REMARK_KINDS,
        ngram_range: tuple[int, int] = (1, 1),
    ) -> None:
        self.threshold = threshold
        self.min_words = min_words
        self.kinds = kinds
        self.ngram_range = ngram_range

    def _check_params(self) -> None:
        t = self.threshold
        if not isinstance(t, Real) or isinstance(t, bool) or not 0 < t <= 1:
            raise param_error("DuplicateFinder", "threshold", "a float in (0, 1]", t)
        if not is_int(self.min_words) or self.min_words < 1:
            raise param_error("DuplicateFinder", "min_words", "an int >= 1", self.min_words)
        unknown = sorted(set(self.kinds) - set(KINDS))
        if unknown:
            raise param_error("DuplicateFinder", "kinds", f"kinds among {', '.join(KINDS)}", unknown)

    def fit(self, texts: Sequence[str]) -> DuplicateFinder:
        """Learn the vocabulary and IDF weights from ``texts``; returns self.

        An empty or stop-word-only corpus is allowed: then nothing ever pairs.
        """
        self._check_params()
        texts = list(texts)
        texts = [t for t, keep in zip(texts, has_content_words(texts, 1)) if keep]
        self.vectorizer_ = TfidfVectorizer(analyzer=StemAnalyzer(tuple(self.ngram_range)), sublinear_tf=True)
        if texts:
            self.vectorizer_.fit(texts)
        return self

    def pairs(self, table: pd.DataFrame) -> pd.DataFrame:
        """Pairs of statements judged the same remark: columns a, b (statement ids, a < b), similarity."""
        if not hasattr(self, "vectorizer_"):
            raise not_fitted_error("DuplicateFinder")
        found: list[tuple[str, str, float]] = []
        if not hasattr(self.vectorizer_, "vocabulary_"):
            return pd.DataFrame(found, columns=["a", "b", "similarity"])
        eligible = table[table["kind"].isin(list(self.kinds))]
        eligible = eligible[has_content_words(eligible["text"].tolist(), self.min_words)]
        for _, block in eligible.groupby("period", sort=True):
            if block["doc_id"].nunique() > 1:
                found += self._block_pairs(block)
        return pd.DataFrame(sorted(found), columns=["a", "b", "similarity"])

    def _block_pairs(self, block: pd.DataFrame) -> list[tuple[str, str, float]]:
        # All pairs of one period at once: a sparse product. For very large periods this is the
        # place to switch to a nearest-neighbour index.
        X = self.vectorizer_.transform(block["text"].tolist())
        sims = (X @ X.T).tocoo()
        docs = block["doc_id"].to_numpy()
        ids = block["statement_id"].astype(str).to_numpy()
        keep = (sims.row < sims.col) & (sims.data >= self.threshold - 1e-12) & (docs[sims.row] != docs[sims.col])
        return [
            (min(ids[i], ids[j]), max(ids[i], ids[j]), round(float(s), 6))
            for i, j, s in zip(sims.row[keep], sims.col[keep], sims.data[keep])
        ]

    def groups(self, table: pd.DataFrame) -> list[str]:
        """The ``dup_group`` of each row of ``table``, in row order."""
        ids = table["statement_id"].astype(str).tolist()
        root = {sid: sid for sid in ids}
        for a, b in self.pairs(table)[["a", "b"]].itertuples(index=False):
            _union(root, a, b)
        return [_find(root, sid) for sid in ids]

    def fit_groups(self, table: pd.DataFrame, terms: Sequence[str] | None = None) -> list[str]:
        """``fit`` on the table's texts, then ``groups`` of its rows."""
        return self.fit(table["text"].tolist()).groups(table)

    def __repr__(self) -> str:
        return (
            f"DuplicateFinder(threshold={self.threshold!r}, min_words={self.min_words!r}, "
            f"kinds={tuple(self.kinds)!r}, ngram_range={self.ngram_range!r})"
        )


def _find(root: dict[str, str], x: str) -> str:
    while root[x] != x:
        root[x] = root[root[x]]  # path halving keeps the trees flat
        x = root[x]
    return x


def _union(root: dict[str, str], a: str, b: str) -> None:
    ra, rb = _find(root, a), _find(root, b)
    if ra != rb:
        # The smaller id becomes the root, so a group's id is its smallest statement_id.
        root[max(ra, rb)] = min(ra, rb)


def unique_remarks(table: pd.DataFrame) -> pd.DataFrame:
    """One row per ``dup_group``: the one with the smallest statement_id, in the table's row order."""
    frame = pd.DataFrame(
        {"group": table["dup_group"].to_numpy(), "sid": table["statement_id"].to_numpy(), "pos": np.arange(len(table))}
    )
    first = frame.sort_values("sid", kind="stable").drop_duplicates("group")["pos"]
    return table.iloc[np.sort(first.to_numpy())].copy()
