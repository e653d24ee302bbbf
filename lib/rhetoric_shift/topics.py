"""Topics: k-means clusters of statements in a reduced TF-IDF space, with readable labels and a 2-D map.

``TopicModel`` is a scikit-learn-style estimator, fitted once on a bounded sample of a corpus
and then applied to any number of batches (``predict``, ``coordinates``); applying is a pure
function of each row, so the result does not depend on how the corpus is cut into batches:

- terms: content-word stems (``tokens.content_stems``; bigrams with ``ngram_range=(1, 2)``, which
  cost several times more at scale), TF-IDF with sublinear term frequency over a capped vocabulary (``max_features`` most frequent terms that occur in
  at least ``min_df`` fitted statements);
- space: a truncated SVD of the TF-IDF rows (``n_components`` axes, LSA), rows L2-normalised,
  so Euclidean k-means there clusters by cosine; the first two SVD axes are the topic map;
- statements with fewer than ``min_words`` content words (stop words and reporting verbs do not
  count) are too short to place: topic -1, label "(too short)";
- k: ``n_topics`` when given, else the k in ``k_range`` whose clusterings are most STABLE: on
  at most ``max_stability_sample`` of the fitted statements (a seeded random choice), for each
  k, ``n_runs`` k-means fits (Lloyd's algorithm, one seeded start each) on different seeded
  subsamples (``stability_fraction`` of them) label all of them, and the stability is the mean
  adjusted Rand index (ARI) between every two runs (1: the same partition every time; 0:
  chance). On a few thousand rows full-batch k-means costs less than mini-batch k-means' many
  small steps, and its runs differ less by the optimiser's own draws. Ties go to the smaller k. The scores are kept in ``stabilities_`` and described by ``method_text()``;
- when k is chosen (not fixed by ``n_topics``), no cluster holds more than ``max_share`` of the
  fitted statements: a larger one is split in two (2-means on its members) and every statement
  reassigned, until none is, or the clusters cannot be split further (``largest_share_`` says);
- labels: each cluster's terms ranked by how much heavier they are in the cluster than in the
  whole sample, in their most frequent surface words; a term labels one topic only, a bigram
  that extends a chosen word replaces it, and a term sharing a word with the label is skipped.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from rhetoric_shift.params import is_int, not_fitted_error, param_error
from rhetoric_shift.tokens import (
    StemListAnalyzer,
    content_stems,
    readable,
    surface_forms,
    surface_forms_of_words,
    term_codes,
    terms_per_row,
    unpack_terms,
)

TOO_SHORT = -1
TOO_SHORT_LABEL = "(too short)"
_CHUNK = 2048  # rows per distance computation: bounds memory, and each row is computed alone


class TopicModel:
    """Cluster statements into topics: TF-IDF -> truncated SVD -> L2 -> mini-batch k-means.

    Parameters
    ----------
    n_topics : int or None, number of clusters; None chooses k by stability over ``k_range``.
    k_range : (int, int), inclusive range of k tried when ``n_topics`` is None.
    min_words : int, statements with fewer content words get topic -1.
    ngram_range : (int, int), n-grams of content stems used as terms.
    n_labels : int, terms per topic label.
    max_features : int, vocabulary cap (most frequent terms).
    min_df : int, a term must occur in this many fitted statements (lowered to 1 when that
        would leave no term, as on a handful of statements).
    n_components : int, SVD axes (fewer when the sample is small).
    max_share : float in (0, 1] or None, largest share of fitted statements one topic may hold
        when k is chosen by stability (None: no limit).
    n_runs : int >= 2, clusterings compared per candidate k.
    stability_fraction : float in (0, 1], share of the fitted statements each run is fitted on.
    max_stability_sample : int, at most this many statements take part in choosing k (a few
        thousand estimate the stability of up to a dozen clusters; more only cost time).
    n_init : int, k-means restarts of the final clustering.
    random_state : int, seed of the SVD, the subsamples and k-means.

    Attributes (after ``fit``)
    ----------
    vectorizer_, svd_ (None when the vocabulary or sample is too small for two axes),
    cluster_centers_ (k x d, in the normalised space), labels_ (topic of each fitted text,
    -1 for short ones), n_topics_, topic_labels_ (topic id -> label, with -1 -> "(too short)"),
    stabilities_ (k -> mean ARI, empty if k was not searched), stability_ (that of the chosen k,
    None if not searched), n_stability_ (statements k was chosen on), k_chosen_by_ ("stability",
    "n_topics" or "size"), n_split_ (clusters added to respect ``max_share``), largest_share_,
    n_fitted_ (statements clustered), surface_forms_ (stem -> most frequent word).
    """

    def __init__(
        self,
        n_topics: int | None = None,
        k_range: tuple[int, int] = (4, 12),
        min_words: int = 4,
        ngram_range: tuple[int, int] = (1, 1),
        n_labels: int = 3,
        max_features: int = 50_000,
        min_df: int = 2,
        n_components: int = 100,
        max_share: float = 0.2,
        n_runs: int = 5,
        stability_fraction: float = 0.8,
        max_stability_sample: int = 2_000,
        n_init: int = 3,
        random_state: int = 0,
    ) -> None:
        self.n_topics = n_topics
        self.k_range = k_range
        self.min_words = min_words
        self.ngram_range = ngram_range
        self.n_labels = n_labels
        self.max_features = max_features
        self.min_df = min_df
        self.n_components = n_components
        self.max_share = max_share
        self.n_runs = n_runs
        self.stability_fraction = stability_fraction
        self.max_stability_sample = max_stability_sample
        self.n_init = n_init
        self.random_state = random_state

    # -- parameters ------------------------------------------------------------------------

    def _check_params(self) -> None:
        name = "TopicModel"
        if self.n_topics is not None and (not is_int(self.n_topics) or self.n_topics < 1):
            raise param_error(name, "n_topics", "an int >= 1 or None", self.n_topics)
        k = self.k_range
        if not (isinstance(k, (tuple, list)) and len(k) == 2 and all(is_int(v) for v in k) and 2 <= k[0] <= k[1]):
            raise param_error(name, "k_range", "a pair (low, high) of ints with 2 <= low <= high", k)
        g = self.ngram_range
        if not (isinstance(g, (tuple, list)) and len(g) == 2 and all(is_int(v) for v in g) and 1 <= g[0] <= g[1]):
            raise param_error(name, "ngram_range", "a pair (low, high) of ints with 1 <= low <= high", g)
        for param, low in (("min_words", 1), ("n_labels", 1), ("max_features", 1), ("min_df", 1),
                           ("n_components", 2), ("n_runs", 2), ("max_stability_sample", 10), ("n_init", 1)):
            value = getattr(self, param)
            if not is_int(value) or value < low:
                raise param_error(name, param, f"an int >= {low}", value)
        for param in ("max_share", "stability_fraction"):
            value = getattr(self, param)
            if param == "max_share" and value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
                raise param_error(name, param, "a float in (0, 1]" + (" or None" if param == "max_share" else ""), value)

    # -- analysis --------------------------------------------------------------------------

    def _stems(self, texts: Sequence[str], stems: Sequence[Sequence[str]] | None) -> list[Sequence[str]]:
        if stems is None:
            return [content_stems(t) for t in texts]
        if len(stems) != len(texts):
            raise ValueError(f"TopicModel: {len(texts)} texts but {len(stems)} stem lists")
        return list(stems)

    def clusterable(self, texts: Sequence[str], stems: Sequence[Sequence[str]] | None = None) -> np.ndarray:
        """Boolean mask: which texts have at least ``min_words`` content words.

        ``stems``: the texts' ``content_stems``, when already computed (one per content word).
        """
        return np.array([len(s) >= self.min_words for s in self._stems(texts, stems)], dtype=bool)

    # -- fitting ---------------------------------------------------------------------------

    def fit(self, texts: Sequence[str], stems: Sequence[Sequence[str]] | None = None, words: Sequence[Sequence[str]] | None = None) -> TopicModel:
        """Learn vocabulary, space, clusters, labels and map axes from ``texts``; returns self.

        ``stems``, ``words``: the texts' ``content_stems`` and ``content_words`` when already
        computed (``words`` gives the labels' surface forms). Raises ValueError when no text has
        ``min_words`` content words (empty vocabulary).
        """
        self._check_params()
        # One thread: k-means' OpenMP threads cost more than they save on these sizes, and
        # builds run one process per core already.
        with threadpool_limits(limits=1):
            return self._fit(list(texts), stems, words)

    def _fit(self, texts: list[str], stems: Sequence[Sequence[str]] | None, words: Sequence[Sequence[str]] | None) -> TopicModel:
        stems = self._stems(texts, stems)
        mask = np.array([len(s) >= self.min_words for s in stems], dtype=bool)
        long_stems = [s for s, keep in zip(stems, mask) if keep]
        if not long_stems:
            raise ValueError(
                f"TopicModel: empty vocabulary; none of the {len(texts)} statements has {self.min_words} "
                "or more content words. Perhaps the statements only contain stop words, or min_words is too high."
            )
        X = self._fit_vectorizer(long_stems)
        self._index_vocabulary()
        if words is not None:
            self.surface_forms_ = surface_forms_of_words(w for w, keep in zip(words, mask) if keep)
        else:
            self.surface_forms_ = surface_forms(t for t, keep in zip(texts, mask) if keep)
        self.svd_ = None
        n_axes = min(self.n_components, X.shape[1] - 1, X.shape[0] - 1)
        if n_axes >= 2:
            self.svd_ = TruncatedSVD(n_components=n_axes, random_state=self.random_state).fit(X)
        Z = self._space(X)
        self.n_stability_ = min(len(Z), self.max_stability_sample) if self.n_topics is None else 0
        k, self.stabilities_, self.k_chosen_by_ = self._choose_k(Z)
        self.stability_ = self.stabilities_.get(k)
        labels, centers = self._cluster(Z, k, self.n_init, self.random_state)
        if self.max_share is not None and self.k_chosen_by_ == "stability":
            labels, centers, self.n_split_ = self._enforce_max_share(Z, labels, centers)
        else:
            labels, centers, self.n_split_ = self._by_size(Z, centers)
        self.cluster_centers_ = centers
        self.n_topics_ = len(centers)
        self.n_fitted_ = len(long_stems)
        self.largest_share_ = float(np.bincount(labels, minlength=self.n_topics_).max() / len(labels))
        self.labels_ = np.full(len(texts), TOO_SHORT, dtype=np.int64)
        self.labels_[mask] = labels
        self.topic_labels_ = self._label_topics(X, labels)
        return self

    def _fit_vectorizer(self, long_stems: list[Sequence[str]]):
        def vectorizer(min_df: int) -> TfidfVectorizer:
            return TfidfVectorizer(analyzer=StemListAnalyzer(tuple(self.ngram_range)), sublinear_tf=True,
                                   min_df=min_df, max_features=self.max_features, dtype=np.float64)

        try:
            self.vectorizer_ = vectorizer(self.min_df)
            return self.vectorizer_.fit_transform(long_stems)
        except ValueError:  # min_df left no term (a handful of statements): keep every term
            self.vectorizer_ = vectorizer(1)
            return self.vectorizer_.fit_transform(long_stems)

    def _index_vocabulary(self) -> None:
        """The vocabulary's term codes (``tokens.term_codes``), sorted, and the column of each: for ``locate_terms``."""
        codes = np.frombuffer(term_codes(self.vectorizer_.get_feature_names_out().tolist()), dtype=np.int64)
        order = np.argsort(codes, kind="stable")
        self.vocabulary_codes_, self.vocabulary_columns_ = codes[order], order

    def _space(self, X) -> np.ndarray:
        """Rows of TF-IDF ``X`` in the clustering space: SVD axes, L2-normalised (zero rows stay zero)."""
        Z = self.svd_.transform(X) if self.svd_ is not None else X.toarray()
        norms = np.sqrt(np.einsum("ij,ij->i", Z, Z))
        return Z / np.where(norms > 0, norms, 1.0)[:, None]

    def _cluster(self, Z: np.ndarray, k: int, n_init: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
        km = MiniBatchKMeans(n_clusters=k, n_init=n_init, random_state=seed, batch_size=2048).fit(Z)
        centers = np.asarray(km.cluster_centers_, dtype=np.float64)
        return _nearest(Z, centers), centers

    def _choose_k(self, Z: np.ndarray) -> tuple[int, dict[int, float], str]:
        distinct = _distinct_rows(Z)
        n_distinct = int(distinct.max(initial=-1)) + 1
        if self.n_topics is not None:
            return min(self.n_topics, n_distinct), {}, "n_topics"
        lo, hi = self.k_range
        candidates = [k for k in range(lo, hi + 1) if k <= n_distinct - 1]
        if not candidates:
            # Too few statements to compare clusterings: as many clusters as the data allows.
            return max(1, min(lo, n_distinct - 1)), {}, "size"
        rng = np.random.default_rng(self.random_state)
        if len(Z) > self.max_stability_sample:
            chosen = np.sort(rng.choice(len(Z), self.max_stability_sample, replace=False))
            Z, distinct = Z[chosen], distinct[chosen]
        n_fit = max(2, int(round(self.stability_fraction * len(Z))))
        subsets = [np.sort(rng.choice(len(Z), n_fit, replace=False)) for _ in range(self.n_runs)]
        n_distinct_in = [len(np.unique(distinct[rows])) for rows in subsets]
        scores: dict[int, float] = {}
        for k in candidates:
            runs = []
            for r, rows in enumerate(subsets):
                if n_distinct_in[r] < k:
                    runs.append(np.zeros(len(Z), dtype=np.int64))  # cannot make k clusters here
                    continue
                km = KMeans(n_clusters=k, n_init=1, algorithm="lloyd", random_state=self.random_state + r + 1).fit(Z[rows])
                runs.append(_nearest_by_product(Z, np.asarray(km.cluster_centers_, dtype=np.float64)))
            pairs = [(a, b) for a in range(len(runs)) for b in range(a + 1, len(runs))]
            scores[k] = float(np.mean([adjusted_rand_index(runs[a], runs[b]) for a, b in pairs]))
        best = max(candidates, key=lambda k: (round(scores[k], 6), -k))
        return best, scores, "stability"

    def _enforce_max_share(self, Z: np.ndarray, labels: np.ndarray, centers: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
        n_split = 0
        limit = self.max_share * len(Z)
        for _ in range(len(Z)):
            counts = np.bincount(labels, minlength=len(centers))
            big = int(np.argmax(counts))
            members = Z[labels == big]
            if counts[big] <= limit or _distinct_rows(members).max(initial=0) < 1:
                break
            _, halves = self._cluster(members, 2, self.n_init, self.random_state + len(centers))
            centers = np.vstack([np.delete(centers, big, axis=0), halves])
            labels = _nearest(Z, centers)
            n_split += 1
        labels, centers, _ = self._by_size(Z, centers)
        return labels, centers, n_split

    @staticmethod
    def _by_size(Z: np.ndarray, centers: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
        # Number clusters by size (largest first) so topic ids read the same way on every corpus.
        order = np.argsort(-np.bincount(_nearest(Z, centers), minlength=len(centers)), kind="stable")
        centers = centers[order]
        return _nearest(Z, centers), centers, 0

    def _label_topics(self, X, labels: np.ndarray) -> dict[int, str]:
        terms = self.vectorizer_.get_feature_names_out()
        k = self.n_topics_
        member = sparse.csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(k, len(labels)))
        sizes = np.maximum(np.asarray(member.sum(axis=1)).ravel(), 1)
        means = np.asarray((member @ X).todense()) / sizes[:, None]
        overall = np.asarray(X.mean(axis=0)).ravel()
        score = means - overall  # heavier here than in the whole sample: distinctive, not merely common
        order = np.argsort(-score, axis=1, kind="stable")
        top = order[:, : 50 * self.n_labels]  # enough candidates for distinct labels
        ranked = [[readable(terms[j], self.surface_forms_) for j in row if means[c, j] > 0] for c, row in enumerate(top)]
        labels_out: dict[int, str] = {}
        used: set[str] = set()  # a term labels one topic only
        for c in np.argsort(-sizes, kind="stable"):
            label = _label([t for t in ranked[c] if t not in used], self.n_labels)
            used.update(part for part in label.split(" · ") if part)
            labels_out[int(c)] = label or f"topic {c}"
        if len(set(labels_out.values())) < len(labels_out):  # identical clusters: number them apart
            labels_out = {c: f"{lab} #{c}" for c, lab in labels_out.items()}
        labels_out[TOO_SHORT] = TOO_SHORT_LABEL
        return dict(sorted(labels_out.items()))

    # -- applying --------------------------------------------------------------------------

    def _check_fitted(self) -> None:
        if not hasattr(self, "cluster_centers_"):
            raise not_fitted_error("TopicModel")

    def transform(self, texts: Sequence[str], stems: Sequence[Sequence[str]] | None = None) -> np.ndarray:
        """(n, d) rows of ``texts`` in the clustering space (SVD axes, L2-normalised)."""
        self._check_fitted()
        texts = list(texts)
        stems = self._stems(texts, stems)
        if not stems:
            return np.zeros((0, self.cluster_centers_.shape[1]))
        return self._space(self.vectorizer_.transform(stems))

    def predict(self, texts: Sequence[str], stems: Sequence[Sequence[str]] | None = None) -> np.ndarray:
        """Topic of each text: the nearest cluster centre, or -1 for a too-short text."""
        self._check_fitted()
        texts = list(texts)
        stems = self._stems(texts, stems)
        topics = np.full(len(texts), TOO_SHORT, dtype=np.int64)
        mask = np.array([len(s) >= self.min_words for s in stems], dtype=bool)
        if mask.any():
            topics[mask] = _nearest(self.transform([t for t, m in zip(texts, mask) if m],
                                                   [s for s, m in zip(stems, mask) if m]), self.cluster_centers_)
        return topics

    def locate(self, texts: Sequence[str], stems: Sequence[Sequence[str]] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``predict`` and ``coordinates`` at once, from one TF-IDF transform: (topics, (n, 2) map positions)."""
        self._check_fitted()
        texts = list(texts)
        stems = self._stems(texts, stems)
        topics = np.full(len(texts), TOO_SHORT, dtype=np.int64)
        if not texts:
            return topics, np.zeros((0, 2))
        X = self.vectorizer_.transform(stems)
        mask = np.array([len(s) >= self.min_words for s in stems], dtype=bool)
        if mask.any():
            topics[mask] = _nearest(self._space(X[np.flatnonzero(mask)]), self.cluster_centers_)
        coords = np.zeros((len(texts), 2)) if self.svd_ is None else np.asarray(X @ self.svd_.components_[:2].T)
        return topics, coords

    def locate_terms(self, packed: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
        """``locate`` from the texts' content stems as ``tokens.term_codes``, as a build keeps them.

        The same topics and map positions as ``locate`` (the TF-IDF rows are built the way the
        fitted vectorizer builds them), without the texts: so the topics can be placed after
        the batches are analysed, while the model was being fitted. Unigram models only: the
        codes of single stems cannot make n-grams. Raises ValueError for an n-gram model.
        """
        self._check_fitted()
        if tuple(self.ngram_range) != (1, 1):
            raise ValueError(f"TopicModel.locate_terms: term codes are single stems; this model uses ngram_range={self.ngram_range!r}")
        topics = np.full(len(packed), TOO_SHORT, dtype=np.int64)
        if not len(packed):
            return topics, np.zeros((0, 2))
        X = self._tfidf_of_terms(packed)
        mask = terms_per_row(packed) >= self.min_words
        if mask.any():
            topics[mask] = _nearest(self._space(X[np.flatnonzero(mask)]), self.cluster_centers_)
        coords = np.zeros((len(packed), 2)) if self.svd_ is None else np.asarray(X @ self.svd_.components_[:2].T)
        return topics, coords

    def _tfidf_of_terms(self, packed: Sequence[bytes]) -> sparse.csr_matrix:
        """The rows ``vectorizer_.transform`` makes of the stems whose codes are ``packed``: counts of
        the vocabulary's terms (columns in order within a row), sublinear tf, IDF, L2 norm."""
        rows, codes = unpack_terms(packed)
        vocabulary, n_terms = self.vocabulary_codes_, len(self.vocabulary_codes_)
        at = np.minimum(np.searchsorted(vocabulary, codes), n_terms - 1)
        known = vocabulary[at] == codes
        cells, counts = np.unique(rows[known] * n_terms + self.vocabulary_columns_[at[known]], return_counts=True)
        indptr = np.searchsorted(cells // n_terms, np.arange(len(packed) + 1))
        X = sparse.csr_matrix((counts.astype(np.float64), cells % n_terms, indptr), shape=(len(packed), n_terms))
        vectorizer = self.vectorizer_
        if vectorizer.sublinear_tf:  # as TfidfTransformer.transform does it
            np.log(X.data, X.data)
            X.data += 1.0
        if vectorizer.use_idf:
            X.data *= vectorizer.idf_[X.indices]
        return normalize(X, norm=vectorizer.norm, copy=False) if vectorizer.norm else X

    def topic_label(self, topics: Sequence[int]) -> list[str]:
        """The readable label of each topic id."""
        self._check_fitted()
        return [self.topic_labels_[int(t)] for t in topics]

    def coordinates(self, texts: Sequence[str], stems: Sequence[Sequence[str]] | None = None) -> np.ndarray:
        """(n, 2) positions on the topic map: the texts' TF-IDF projected on the first two SVD axes.

        Zeros when the fitted vocabulary or sample was too small for two axes.
        """
        self._check_fitted()
        texts = list(texts)
        stems = self._stems(texts, stems)
        if self.svd_ is None or not texts:
            return np.zeros((len(texts), 2))
        X = self.vectorizer_.transform(stems)
        return np.asarray(X @ self.svd_.components_[:2].T)

    def method_text(self) -> str:
        """How the topics were made, in two or three sentences for the Method page."""
        self._check_fitted()
        space = f"{self.svd_.n_components} SVD axes" if self.svd_ is not None else "the TF-IDF terms"
        text = (f"Topics: {self.n_topics_} clusters of {self.n_fitted_:,} statements by mini-batch k-means over "
                f"{len(self.vectorizer_.vocabulary_):,} terms reduced to {space}.")
        if self.k_chosen_by_ == "stability":
            scores = ", ".join(f"k={k}: {v:.2f}" for k, v in self.stabilities_.items())
            text += (f" k was chosen as the most stable partition: {self.n_runs} k-means clusterings of different subsamples "
                     f"of {self.n_stability_:,} statements agree with adjusted Rand index {self.stability_:.2f} "
                     f"(1 = identical, 0 = chance; {scores}).")
        elif self.k_chosen_by_ == "n_topics":
            text += " k was fixed by the user."
        else:
            text += " k is as large as the few distinct statements allow."
        if self.n_split_:
            text += f" {self.n_split_} cluster(s) were split so that no topic holds more than {self.max_share:.0%} of the statements."
        text += f" The largest topic holds {self.largest_share_:.0%}."
        return text

    def __repr__(self) -> str:
        return (
            f"TopicModel(n_topics={self.n_topics!r}, k_range={self.k_range!r}, min_words={self.min_words!r}, "
            f"ngram_range={self.ngram_range!r}, n_labels={self.n_labels!r}, max_features={self.max_features!r}, "
            f"min_df={self.min_df!r}, n_components={self.n_components!r}, max_share={self.max_share!r}, "
            f"random_state={self.random_state!r})"
        )


def _nearest(Z: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Index of the nearest centre of each row (ties: the lower index).

    Computed row by row with elementwise arithmetic, not a matrix product, so a row's answer
    never depends on which other rows share its batch.
    """
    out = np.empty(len(Z), dtype=np.int64)
    for start in range(0, len(Z), _CHUNK):
        block = Z[start : start + _CHUNK]
        d = ((block[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
        out[start : start + len(block)] = np.argmin(d, axis=1)
    return out


def _nearest_by_product(Z: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """``_nearest`` by one matrix product (|c|² - 2 z·c): much faster, but a row's rounding may
    depend on its batch, so it serves only inside a fit (choosing k), never to label a statement."""
    return np.argmin(np.einsum("ij,ij->i", centers, centers)[None, :] - 2 * (Z @ centers.T), axis=1)


def _distinct_rows(Z: np.ndarray) -> np.ndarray:
    """An id per row, equal for rows equal to 9 decimals (ids 0..n_distinct-1)."""
    if not len(Z):
        return np.zeros(0, dtype=np.int64)
    rounded = np.ascontiguousarray(np.round(Z, 9) + 0.0)  # + 0.0: -0.0 and 0.0 are one value
    as_bytes = rounded.view(np.dtype((np.void, rounded.dtype.itemsize * rounded.shape[1])))
    return np.unique(as_bytes.ravel(), return_inverse=True)[1].astype(np.int64)


def adjusted_rand_index(a: np.ndarray, b: np.ndarray) -> float:
    """The adjusted Rand index of two labelings (non-negative ints) of the same rows, as
    ``sklearn.metrics.adjusted_rand_score``, from one contingency table counted with ``bincount``."""
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    n = len(a)
    if n < 2:
        return 1.0
    ka, kb = int(a.max()) + 1, int(b.max()) + 1
    table = np.bincount(a * kb + b, minlength=ka * kb).astype(np.float64)
    pairs = lambda counts: float((counts * (counts - 1)).sum() / 2)  # noqa: E731
    both = pairs(table)
    in_a = pairs(np.bincount(a).astype(np.float64))
    in_b = pairs(np.bincount(b).astype(np.float64))
    expected = in_a * in_b / (n * (n - 1) / 2)
    mean = (in_a + in_b) / 2
    if mean == expected:  # both labelings put everything together, or every row apart
        return 1.0
    return (both - expected) / (mean - expected)


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
