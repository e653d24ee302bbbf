"""Topics: k-means clusters of statements over TF-IDF, with readable labels and a 2-D map.

``TopicModel`` is a scikit-learn-style estimator, fitted once on a corpus and then applied to
new batches (``predict``, ``coordinates``):

- terms: content-word stems and stem bigrams (``tokens.StemAnalyzer``), TF-IDF with sublinear
  term frequency, rows L2-normalised, so Euclidean k-means on them clusters by cosine;
- statements with fewer than ``min_words`` content words (stop words and reporting verbs do not
  count) are too short to place: topic -1, label "(too short)";
- k: ``n_topics`` when given, else the k in ``k_range`` with the best mean silhouette
  (cosine) on the fitted statements; ties go to the smaller k; k never exceeds the number of
  distinct clusterable statements - 1 (a single cluster when fewer than three). On short,
  sparse statements silhouettes are small (about 0.01 on the seed sentences) and tend to grow
  with k, so the search then ends at the top of ``k_range``: narrow the range or pass
  ``n_topics`` when you want fewer, broader topics;
- labels: the three heaviest terms of each cluster centroid in their most frequent surface
  words; a bigram that extends a chosen word replaces it, a term sharing a word with the label is
  skipped, and terms are added until every label differs from the others;
- map: the first two components of a truncated SVD of the TF-IDF rows (LSA).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score

from rhetoric_shift.params import is_int, not_fitted_error, param_error
from rhetoric_shift.tokens import StemAnalyzer, has_content_words, readable, surface_forms

TOO_SHORT = -1
TOO_SHORT_LABEL = "(too short)"
SILHOUETTE_SAMPLE = 5000


class TopicModel:
    """Cluster statements into topics with k-means over TF-IDF.

    Parameters
    ----------
    n_topics : int or None, number of clusters; None chooses k by silhouette over ``k_range``.
    k_range : (int, int), inclusive range of k tried when ``n_topics`` is None.
    min_words : int, statements with fewer content words get topic -1.
    ngram_range : (int, int), n-grams of content stems used as terms.
    n_labels : int, terms per topic label.
    n_init : int, k-means restarts.
    random_state : int, seed of k-means and of the SVD map.

    Attributes (after ``fit``)
    ----------
    vectorizer_, kmeans_, svd_ (None when the vocabulary has fewer than 3 terms),
    labels_ (topic of each fitted text, -1 for short ones), n_topics_, topic_labels_
    (topic id -> label, with -1 -> "(too short)"), silhouettes_ (k -> score, empty if not searched),
    surface_forms_ (stem -> most frequent word).
    """

    def __init__(
        self,
        n_topics: int | None = None,
        k_range: tuple[int, int] = (4, 12),
        min_words: int = 4,
        ngram_range: tuple[int, int] = (1, 2),
        n_labels: int = 3,
        n_init: int = 10,
        random_state: int = 0,
    ) -> None:
        self.n_topics = n_topics
        self.k_range = k_range
        self.min_words = min_words
        self.ngram_range = ngram_range
        self.n_labels = n_labels
        self.n_init = n_init
        self.random_state = random_state

    # -- parameters ------------------------------------------------------------------------

    def _check_params(self) -> None:
        if self.n_topics is not None and (not is_int(self.n_topics) or self.n_topics < 1):
            raise param_error("TopicModel", "n_topics", "an int >= 1 or None", self.n_topics)
        k = self.k_range
        if not (isinstance(k, (tuple, list)) and len(k) == 2 and all(is_int(v) for v in k) and 2 <= k[0] <= k[1]):
            raise param_error("TopicModel", "k_range", "a pair (low, high) of ints with 2 <= low <= high", k)
        if not is_int(self.min_words) or self.min_words < 1:
            raise param_error("TopicModel", "min_words", "an int >= 1", self.min_words)
        g = self.ngram_range
        if not (isinstance(g, (tuple, list)) and len(g) == 2 and all(is_int(v) for v in g) and 1 <= g[0] <= g[1]):
            raise param_error("TopicModel", "ngram_range", "a pair (low, high) of ints with 1 <= low <= high", g)
        if not is_int(self.n_labels) or self.n_labels < 1:
            raise param_error("TopicModel", "n_labels", "an int >= 1", self.n_labels)
        if not is_int(self.n_init) or self.n_init < 1:
            raise param_error("TopicModel", "n_init", "an int >= 1", self.n_init)

    # -- fitting ---------------------------------------------------------------------------

    def clusterable(self, texts: Sequence[str]) -> np.ndarray:
        """Boolean mask: which texts have at least ``min_words`` content words."""
        return has_content_words(texts, self.min_words)

    def fit(self, texts: Sequence[str]) -> TopicModel:
        """Learn vocabulary, clusters, labels and map axes from ``texts``; returns self.

        Raises ValueError when no text has ``min_words`` content words (empty vocabulary).
        """
        self._check_params()
        texts = list(texts)
        mask = self.clusterable(texts)
        long_texts = [t for t, keep in zip(texts, mask) if keep]
        if not long_texts:
            raise ValueError(
                f"TopicModel: empty vocabulary; none of the {len(texts)} statements has {self.min_words} "
                "or more content words. Perhaps the statements only contain stop words, or min_words is too high."
            )
        self.vectorizer_ = TfidfVectorizer(analyzer=StemAnalyzer(tuple(self.ngram_range)), sublinear_tf=True)
        X = self.vectorizer_.fit_transform(long_texts)
        self.surface_forms_ = surface_forms(long_texts)
        k, self.silhouettes_ = self._choose_k(X)
        self.kmeans_ = KMeans(n_clusters=k, n_init=self.n_init, random_state=self.random_state).fit(X)
        self.n_topics_ = k
        self.labels_ = np.full(len(texts), TOO_SHORT, dtype=np.int64)
        self.labels_[mask] = self.kmeans_.labels_
        self.topic_labels_ = self._label_topics()
        self.svd_ = None
        if X.shape[1] > 2 and X.shape[0] > 1:
            self.svd_ = TruncatedSVD(n_components=2, random_state=self.random_state).fit(X)
        return self

    def _choose_k(self, X) -> tuple[int, dict[int, float]]:
        n_distinct = _n_distinct_rows(X)
        if self.n_topics is not None:
            return min(self.n_topics, n_distinct), {}
        lo, hi = self.k_range
        candidates = [k for k in range(lo, hi + 1) if k <= n_distinct - 1]
        if not candidates:
            # Too few statements to compare clusterings: as many clusters as the data allows.
            return max(1, min(lo, n_distinct - 1)), {}
        scores = {}
        for k in candidates:
            labels = KMeans(n_clusters=k, n_init=self.n_init, random_state=self.random_state).fit_predict(X)
            # Silhouette is quadratic in n: past SILHOUETTE_SAMPLE statements, a seeded sample.
            sample = SILHOUETTE_SAMPLE if X.shape[0] > SILHOUETTE_SAMPLE else None
            scores[k] = float(silhouette_score(X, labels, metric="cosine", sample_size=sample, random_state=self.random_state))
        best = max(candidates, key=lambda k: (round(scores[k], 12), -k))
        return best, scores

    def _label_topics(self) -> dict[int, str]:
        terms = self.vectorizer_.get_feature_names_out()
        order = np.argsort(-self.kmeans_.cluster_centers_, axis=1, kind="stable")
        ranked = [[readable(terms[j], self.surface_forms_) for j in row] for row in order]
        labels = {c: _label(ranked[c], self.n_labels) for c in range(len(ranked))}
        n = self.n_labels
        while len(set(labels.values())) < len(labels) and n < len(terms):
            n += 1
            clashing = {lab for lab in labels.values() if list(labels.values()).count(lab) > 1}
            labels.update({c: _label(ranked[c], n) for c, lab in labels.items() if lab in clashing})
        if len(set(labels.values())) < len(labels):  # identical centroids: number them apart
            labels = {c: f"{lab} #{c}" for c, lab in labels.items()}
        labels[TOO_SHORT] = TOO_SHORT_LABEL
        return labels

    # -- applying --------------------------------------------------------------------------

    def _check_fitted(self) -> None:
        if not hasattr(self, "kmeans_"):
            raise not_fitted_error("TopicModel")

    def transform(self, texts: Sequence[str]):
        """TF-IDF rows (sparse, L2-normalised) of ``texts`` in the fitted vocabulary."""
        self._check_fitted()
        return self.vectorizer_.transform(list(texts))

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Topic of each text: the nearest cluster centroid, or -1 for a too-short text."""
        self._check_fitted()
        texts = list(texts)
        topics = np.full(len(texts), TOO_SHORT, dtype=np.int64)
        mask = self.clusterable(texts)
        if mask.any():
            topics[mask] = self.kmeans_.predict(self.transform([t for t, m in zip(texts, mask) if m]))
        return topics

    def topic_label(self, topics: Sequence[int]) -> list[str]:
        """The readable label of each topic id."""
        self._check_fitted()
        return [self.topic_labels_[int(t)] for t in topics]

    def coordinates(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 2) positions on the topic map: the texts' TF-IDF projected on the fitted SVD axes.

        Zeros when the fitted vocabulary was too small for two axes.
        """
        self._check_fitted()
        texts = list(texts)
        if self.svd_ is None or not texts:
            return np.zeros((len(texts), 2))
        return self.svd_.transform(self.transform(texts))

    def __repr__(self) -> str:
        return (
            f"TopicModel(n_topics={self.n_topics!r}, k_range={self.k_range!r}, min_words={self.min_words!r}, "
            f"ngram_range={self.ngram_range!r}, n_labels={self.n_labels!r}, n_init={self.n_init!r}, "
            f"random_state={self.random_state!r})"
        )


def _label(ranked_terms: list[str], n: int) -> str:
    """The first ``n`` terms that do not repeat a word of the label, joined by " · ".

    A bigram that extends a chosen word replaces it ("armed" then "armed groups" gives
    "armed groups"); any other term sharing a word with the label is skipped.
    """
    chosen: list[str] = []
    for term in ranked_terms:
        parts = set(term.split())
        extended = [i for i, c in enumerate(chosen) if set(c.split()) < parts]
        others = [c for i, c in enumerate(chosen) if i not in extended]
        if any(parts & set(c.split()) for c in others):
            continue
        if extended:  # takes the place of the first word it extends
            chosen = [term if i == extended[0] else c for i, c in enumerate(chosen) if i == extended[0] or i not in extended]
        else:
            chosen.append(term)
        if len(chosen) == n:
            break
    return " · ".join(chosen)


def _n_distinct_rows(X) -> int:
    """Distinct rows of a sparse matrix: k-means cannot make more clusters than distinct points."""
    X = X.tocsr(copy=True)
    X.sort_indices()
    bounds = zip(X.indptr[:-1], X.indptr[1:])
    return len({(X.indices[a:b].tobytes(), np.round(X.data[a:b], 12).tobytes()) for a, b in bounds})

