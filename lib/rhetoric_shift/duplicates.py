"""Duplicates: reports of the same remark in different documents share a ``dup_group``.

RT and Sputnik covered the same press conference and often print the same sentence in two
translations ("The Americans are known for their feelings of exceptionalism" / "... for their
exceptionalism feelings"). Counting both would double that remark in every aggregate, so
``DuplicateFinder`` links them:

- candidates: statements of kind ``direct``, ``reported`` or ``question`` (the remarks and the
  questions put to the speaker) with at least ``min_words`` content words; headlines and
  narration (``context``) are not remarks and each stays in a group of its own;
- a pair: two candidates from *different* documents of the *same* period whose TF-IDF cosine
  (content-word stems, sublinear tf, IDF over every statement of the table) is at least
  ``threshold``. Word stems rather than exact strings, because translations differ in
  inflection and word order; the same document never pairs with itself (a speaker repeating a
  line is not a second report). The default threshold 0.4 comes from the seed corpus: every
  RT/Sputnik pair at or above it is one remark in two translations or a close paraphrase ("The
  missile defense issue is a dark cloud in our relations" / "The problem of missile defense is
  overshadowing our relations", 0.41), while pairs below 0.35 are different remarks on the same
  subject;
- the search never compares all pairs. Terms are ordered rarest first, and each statement's
  *prefix* is its rarest terms up to where the rest of its weight can no longer reach the
  threshold (the rest's norm is below ``threshold``): two statements whose cosine reaches the
  threshold must share a prefix term. Every candidate pair found below is then scored by its
  exact cosine, so a pair is never reported that an all-pairs comparison would reject.
  On a period where it is cheap (at most ``exact_cost`` candidate pairs per statement), the
  search is the exact similarity join of prefix filtering (Bayardo et al. 2007, "Scaling up all
  pairs similarity search"): every pair that shares a prefix term is a candidate, and the pairs
  found are exactly those of an all-pairs comparison (the seeds are searched so).
  On a larger period (the UN General Debate's sessions of about 5,000 paragraphs, where a
  threshold of 0.4 leaves most terms in the prefix and the exact join would score hundreds
  of pairs per statement), candidates come from blocking keys, so the work per statement stays
  bounded: a statement's rarest term looked up in the others' prefixes, and every pair of its
  ``key_terms`` rarest terms (a near copy shares many such pairs, two remarks on one subject
  few). On the whole UN corpus this finds 96% of the exact join's pairs; the ones it misses
  are paraphrases near the threshold (96% of them below cosine 0.5, none above 0.7). In both
  searches a term, or pair of terms, shared by more than ``max_block`` statements of a period
  is too common to block on (its block alone would be quadratic);
- groups: each member of a group reached the threshold with the group's centre, so groups
  cannot chain into a crowd of statements that share nothing (star clustering: statements are
  taken by how many pairs they have, most first; one not yet in a group becomes a centre and
  takes every paired statement not yet in a group). A group's id is its smallest statement_id,
  so ids are stable when rows are added elsewhere. A statement without a pair is its own group.

``unique_remarks`` keeps one row per group, so aggregates can count "by report" (every row) or
"by unique remark".
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Real

import numpy as np
import pandas as pd
from scipy import sparse

from rhetoric_shift.engine import Engine
from rhetoric_shift.params import is_int, not_fitted_error, param_error
from rhetoric_shift.schema import KINDS
from rhetoric_shift.tokens import content_stems, term_codes, terms_per_row, unpack_terms

REMARK_KINDS = ("direct", "reported", "question")
# Helper column of ``enrich.apply_models``: each row's content stems as 64-bit term codes
# (``tokens.term_codes``), so neither the duplicate search nor the topics tokenise a text a second time.
DUP_TERMS = "_dup_terms"
_PAIR_CHUNK = 200_000  # candidate pairs scored at once: bounds memory on a large period
_CHUNK_ROWS = 50_000  # statements read or searched at once: bounds memory
_MIN_RUN_ROWS = 5_000  # statements searched by one of an engine's tasks, at least: a task has a cost of its own
_PROBE_TERMS = 1  # a statement's rarest terms looked up in the prefixes of the others



def _term_counts(rows: np.ndarray, terms: np.ndarray, n_terms: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each distinct (row, term) of the occurrences, sorted by row then term, and its count."""
    key = np.sort(rows * np.int64(max(n_terms, 1)) + terms)
    if not len(key):
        return key, key.copy(), key.copy()
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    counts = np.diff(np.r_[first, len(key)])
    key = key[first]
    return key // max(n_terms, 1), key % max(n_terms, 1), counts


def _split(labels: np.ndarray) -> list[np.ndarray]:
    """Row indices of each label (0..k-1), in label order, each ascending."""
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    return np.split(order, bounds) if len(order) else []


def _chunks(parts: list[np.ndarray], max_rows: int) -> list[np.ndarray]:
    """``parts`` concatenated into runs of about ``max_rows`` rows (a part is never split)."""
    out, run, size = [], [], 0
    for part in parts:
        if run and size + len(part) > max_rows:
            out.append(np.concatenate(run))
            run, size = [], 0
        run.append(part)
        size += len(part)
    if run:
        out.append(np.concatenate(run))
    return out


def _drop_common(P: sparse.csr_matrix, max_block: int) -> sparse.csr_matrix:
    """``P`` without the terms in more than ``max_block`` of its rows (blocks too large to join)."""
    P = P.tocsr(copy=True)
    too_common = np.bincount(P.indices, minlength=P.shape[1]) > max_block
    P.data[too_common[P.indices]] = 0
    P.eliminate_zeros()
    return P


def _join_cost(P: sparse.csr_matrix) -> int:
    """How many pairs the prefix join of ``P``'s rows would score: row pairs per shared column."""
    block = np.bincount(P.indices).astype(np.int64)
    return int((block * (block - 1) // 2).sum())


def _usable_keys(keys: np.ndarray, max_block: int) -> np.ndarray:
    """Each key numbered from 0, or -1 when no other row holds it or more than ``max_block`` do."""
    idx, _ = pd.factorize(keys)
    blocks = np.bincount(idx)
    usable = (blocks >= 2) & (blocks <= max_block)
    number = np.cumsum(usable) - 1
    return np.where(usable[idx], number[idx], -1)


def _incidence(rows: np.ndarray, keys: np.ndarray, shape: tuple[int, int]) -> sparse.csr_matrix:
    """The 0/1 matrix of rows holding keys (a row holds a key once)."""
    M = sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, keys)), shape=shape)
    M.data[:] = 1
    return M


class DuplicateFinder:
    """Group statements that report the same remark in different documents.

    Parameters
    ----------
    threshold : float in (0, 1], the TF-IDF cosine at or above which two statements are one remark.
    min_words : int, fewer content words than this and a statement is never paired (short
        statements such as "Good things first" match by chance).
    kinds : the statement kinds that can pair.
    max_block : int, a term (or blocking key) in the prefixes of more statements of one period
        than this is too common to block on (its block alone would be quadratic); pairs that
        share only such terms are not searched.
    exact_cost : int, a period is searched by the exact prefix join when that join scores at most
        this many candidate pairs per statement, otherwise by blocking keys.
    key_terms : int, the blocking keys of a statement are the pairs of its this many rarest
        prefix terms (besides its rarest term looked up in the others' prefixes).

    Attributes (after ``fit``): ``codes_`` (sorted term codes), ``df_`` (statements containing
    each), ``n_docs_`` (statements with at least one content word).
    """

    def __init__(
        self,
        threshold: float = 0.4,
        min_words: int = 4,
        kinds: Sequence[str] = REMARK_KINDS,
        max_block: int = 200,
        exact_cost: int = 20,
        key_terms: int = 8,
    ) -> None:
        self.threshold = threshold
        self.min_words = min_words
        self.kinds = kinds
        self.max_block = max_block
        self.exact_cost = exact_cost
        self.key_terms = key_terms

    def _check_params(self) -> None:
        t = self.threshold
        if not isinstance(t, Real) or isinstance(t, bool) or not 0 < t <= 1:
            raise param_error("DuplicateFinder", "threshold", "a float in (0, 1]", t)
        if not is_int(self.min_words) or self.min_words < 1:
            raise param_error("DuplicateFinder", "min_words", "an int >= 1", self.min_words)
        if not is_int(self.max_block) or self.max_block < 2:
            raise param_error("DuplicateFinder", "max_block", "an int >= 2", self.max_block)
        if not is_int(self.exact_cost) or self.exact_cost < 0:
            raise param_error("DuplicateFinder", "exact_cost", "an int >= 0", self.exact_cost)
        if not is_int(self.key_terms) or self.key_terms < 2:
            raise param_error("DuplicateFinder", "key_terms", "an int >= 2", self.key_terms)
        unknown = sorted(set(self.kinds) - set(KINDS))
        if unknown:
            raise param_error("DuplicateFinder", "kinds", f"kinds among {', '.join(KINDS)}", unknown)

    @staticmethod
    def _terms(texts: Sequence[str], terms: Sequence[bytes] | None) -> list[bytes]:
        if terms is not None:
            if len(terms) != len(texts):
                raise ValueError(f"DuplicateFinder: {len(texts)} texts but {len(terms)} term lists")
            return list(terms)
        return [term_codes(content_stems(str(t))) for t in texts]

    def fit(self, texts: Sequence[str], terms: Sequence[bytes] | None = None) -> DuplicateFinder:
        """Learn the document frequency of every term in ``texts``; returns self.

        ``terms``: the texts' ``term_codes``, when already computed. An empty or stop-word-only
        corpus is allowed: then nothing ever pairs. Counts the texts in chunks of rows, so memory
        does not grow with the corpus beyond its vocabulary. The counting stays in this process
        whatever the engine: shipping the term codes to workers cost more than counting them
        (the UN corpus: 0.5 s here, 0.5-0.8 s on two local workers, 0.8-1.3 s on Dask).
        """
        self._check_params()
        packed = self._terms(texts if hasattr(texts, "__len__") else list(texts), terms)
        chunks = (packed[start : start + _CHUNK_ROWS] for start in range(0, len(packed), _CHUNK_ROWS))
        codes, counts, self.n_docs_ = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], 0
        for chunk_codes, chunk_counts, n_docs in map(_count_terms, chunks):
            codes.append(chunk_codes)
            counts.append(chunk_counts)
            self.n_docs_ += n_docs
        self.codes_, term_idx = np.unique(np.concatenate(codes), return_inverse=True)
        self.df_ = np.bincount(term_idx, weights=np.concatenate(counts), minlength=len(self.codes_)).astype(np.int64)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "df_"):
            raise not_fitted_error("DuplicateFinder")

    def _matrix(self, packed: list[bytes]) -> sparse.csr_matrix:
        """L2-normalised TF-IDF rows (sublinear tf, smooth idf as scikit-learn's), columns ordered
        rarest term first (ties by code), so each row's entries run from its rarest term."""
        rows, codes = unpack_terms(packed)
        return self._tfidf(rows, codes, len(packed))

    def _tfidf(self, rows: np.ndarray, codes: np.ndarray, n_rows: int, known: np.ndarray | None = None) -> sparse.csr_matrix:
        """``_matrix`` of term occurrences (row, code); ``known``: each code's index in ``codes_``
        when already looked up. Terms unseen by ``fit`` (document frequency 0) are rarest of all,
        ordered by code, and take the first columns."""
        if known is None:
            known = pd.Index(self.codes_).get_indexer(codes) if len(self.codes_) else np.full(len(codes), -1)
        unseen = known < 0
        unseen_codes, unseen_col = np.unique(codes[unseen], return_inverse=True)
        by_rarity = np.lexsort((self.codes_, self.df_))
        rank = np.empty(len(self.codes_), dtype=np.int64)
        rank[by_rarity] = np.arange(len(self.codes_)) + len(unseen_codes)
        cols = np.empty(len(codes), dtype=np.int64)
        cols[unseen] = unseen_col
        cols[~unseen] = rank[known[~unseen]]
        n_cols = len(unseen_codes) + len(self.codes_)
        df_by_col = np.concatenate([np.zeros(len(unseen_codes), np.int64), self.df_[by_rarity]])
        idf_by_col = np.log((1 + self.n_docs_) / (1 + df_by_col)) + 1
        rows, cols, counts = _term_counts(rows, cols, n_cols)
        data = (1 + np.log(counts)) * idf_by_col[cols]
        norms = np.sqrt(np.bincount(rows, weights=data**2, minlength=n_rows))
        data /= norms[rows]
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n_rows))])
        X = sparse.csr_matrix((data, cols, indptr), shape=(n_rows, n_cols))
        X.has_sorted_indices = True  # _term_counts sorts each row's columns
        return X

    def _prefixes(self, X: sparse.csr_matrix) -> tuple[sparse.csr_matrix, np.ndarray]:
        """The prefix of each row and the norm of the rest (its suffix).

        The prefix: the row's entries from the rarest term on, while the weight from there to the
        row's end reaches ``threshold``²; the suffix's norm is then below ``threshold``, so two
        rows can only reach the threshold when their prefixes share a term. Rows hold no empty
        ones here (every candidate has ``min_words`` terms).
        """
        sq = X.data**2
        row_of = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
        before = np.cumsum(sq) - sq  # weight of everything earlier in the flattened matrix
        earlier_in_row = before - before[X.indptr[:-1]][row_of]
        totals = np.add.reduceat(sq, X.indptr[:-1])[row_of] if len(sq) else sq
        rest = totals - earlier_in_row  # this entry and all after it, in its row
        keep = rest >= self.threshold**2 - 1e-9
        indptr = np.concatenate([[0], np.cumsum(np.bincount(row_of[keep], minlength=X.shape[0]))])
        prefix = sparse.csr_matrix((X.data[keep], X.indices[keep], indptr), shape=X.shape)
        suffix_norm = np.sqrt(np.maximum(np.bincount(row_of[~keep], weights=sq[~keep], minlength=X.shape[0]), 0))
        return prefix, suffix_norm

    def pairs(self, table: pd.DataFrame, terms: Sequence[bytes] | None = None) -> pd.DataFrame:
        """Pairs of statements judged the same remark: columns a, b (statement ids, a < b), similarity.

        ``terms``: the rows' ``term_codes`` when already computed.
        """
        self._check_fitted()
        i, j, s = self._pair_rows(table, self._terms(table["text"], terms))
        ids = table["statement_id"].astype(str).to_numpy()
        a, b = np.minimum(ids[i], ids[j]), np.maximum(ids[i], ids[j])
        out = pd.DataFrame({"a": a, "b": b, "similarity": np.round(s, 6)}, columns=["a", "b", "similarity"])
        return out.sort_values(["a", "b"], kind="stable").reset_index(drop=True)

    def _pair_rows(self, table: pd.DataFrame, packed: list[bytes], engine: Engine | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``pairs`` as row positions in ``table`` (i, j) and cosines, unordered.

        Periods are searched in runs of about ``_CHUNK_ROWS`` statements (a period is never
        split), so memory is bounded by the largest run, not the table. With an ``engine``, the
        runs are its tasks, about two per worker: a period's pairs depend only on its own rows,
        so the pairs are the same however the periods are grouped into runs.
        """
        eligible = table["kind"].isin(list(self.kinds)).to_numpy() & (terms_per_row(packed) >= self.min_words)
        empty = np.zeros(0, np.int64)
        if not eligible.any() or not len(self.codes_):
            return empty, empty, np.zeros(0)
        where = np.flatnonzero(eligible)
        docs = pd.factorize(table["doc_id"])[0][where]
        periods = pd.factorize(table["period"], sort=True)[0][where]
        searched = [rows for rows in _split(periods)  # rows without a period, or of one document, never pair
                    if periods[rows[0]] >= 0 and len(np.unique(docs[rows])) > 1]
        runs = _chunks(searched, _rows_per_task(sum(map(len, searched)), engine))
        tasks = (([packed[k] for k in where[run]], periods[run], docs[run]) for run in runs)
        found = engine.map(_search_run, tasks, shared=self) if engine is not None else (_search_run(t, self) for t in tasks)
        out_i, out_j, out_s = [empty], [empty], [np.zeros(0)]
        for run, (i, j, s) in zip(runs, found):
            out_i.append(where[run[i]])
            out_j.append(where[run[j]])
            out_s.append(s)
        return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_s)

    def _candidates(self, X: sparse.csr_matrix, periods: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Candidate pairs (i, j) of rows of ``X``: same period, different documents; by the
        exact prefix join where it is cheap, by blocking keys elsewhere."""
        P, suffix = self._prefixes(X)
        cand_i, cand_j = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
        keyed: list[np.ndarray] = []
        for rows in _split(periods):
            Pw = _drop_common(P[rows], self.max_block)
            if _join_cost(Pw) <= self.exact_cost * len(rows):
                i, j = self._prefix_candidates(Pw, suffix[rows])
                cand_i.append(rows[i])
                cand_j.append(rows[j])
            else:
                keyed.append(rows)
        if keyed:
            i, j = self._key_candidates(P, periods, np.concatenate(keyed))
            cand_i.append(i)
            cand_j.append(j)
        i, j = np.concatenate(cand_i), np.concatenate(cand_j)
        keep = docs[i] != docs[j]  # the same document never pairs with itself
        return i[keep], j[keep]

    def _prefix_candidates(self, P: sparse.csr_matrix, suffix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pairs of one period that share a prefix term and can still reach the threshold.

        The product of the prefixes is the cosine over the shared prefix terms; every other
        shared term lies in a suffix, which adds at most the two suffix norms.
        """
        C = (P @ P.T.tocsr()).tocoo()
        keep = (C.row < C.col) & (C.data + suffix[C.row] + suffix[C.col] >= self.threshold - 1e-9)
        return C.row[keep].astype(np.int64), C.col[keep].astype(np.int64)

    def _key_candidates(self, P: sparse.csr_matrix, periods: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pairs of ``rows`` (indices of ``P``) of the same period that share a blocking key.

        Two statements are candidates when one's ``_PROBE_TERMS`` rarest terms include a term
        of the other's prefix, or when both hold the same two terms among their ``key_terms``
        rarest (prefix columns run rarest first). A term or pair of terms in more than
        ``max_block`` prefixes of a period is too common to block on.
        """
        lengths = np.diff(P.indptr)[rows]
        starts = P.indptr[:-1][rows]
        n_cols = np.int64(P.shape[1])
        local = np.zeros(len(periods), np.int64)  # small period numbers keep the keys in int64
        local[rows] = np.unique(periods[rows], return_inverse=True)[1]
        # A term of a period's prefixes, probed by the rarest terms of that period's statements.
        entry_rows = np.repeat(rows, lengths)
        position = np.arange(len(entry_rows)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        entries = np.repeat(starts, lengths) + position
        terms = _usable_keys(local[entry_rows] * n_cols + P.indices[entries], self.max_block)
        usable = terms >= 0
        shape = (P.shape[0], int(terms.max(initial=-1)) + 1)
        held = _incidence(entry_rows[usable], terms[usable], shape)
        probe = usable & (position < _PROBE_TERMS)
        probed = _incidence(entry_rows[probe], terms[probe], shape) @ held.T.tocsr()
        # Pairs of rare terms: a near copy shares many of them, two remarks on one subject few.
        key_rows, keys = [], []
        for p in range(min(self.key_terms, int(lengths.max(initial=0)))):
            has_p = lengths > p
            r, first = rows[has_p], P.indices[starts[has_p] + p].astype(np.int64)
            for q in range(p + 1, self.key_terms):
                has_q = lengths[has_p] > q
                if not has_q.any():
                    break
                second = P.indices[starts[has_p][has_q] + q].astype(np.int64)
                key_rows.append(r[has_q])
                keys.append((local[r[has_q]] * n_cols + first[has_q]) * n_cols + second)
        found = probed + probed.T
        if keys:
            pair_keys = _usable_keys(np.concatenate(keys), self.max_block)
            key_rows, usable = np.concatenate(key_rows), pair_keys >= 0
            K = _incidence(key_rows[usable], pair_keys[usable], (P.shape[0], int(pair_keys.max(initial=-1)) + 1))
            found = found + K @ K.T.tocsr()  # each pair once, however many keys the two share
        C = sparse.triu(found, k=1).tocoo()
        return C.row.astype(np.int64), C.col.astype(np.int64)

    def _verify(self, X: sparse.csr_matrix, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The candidate pairs whose exact cosine reaches the threshold, and that cosine."""
        out_i, out_j, out_s = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0)]
        for p in range(0, len(i), _PAIR_CHUNK):
            ci, cj = i[p : p + _PAIR_CHUNK], j[p : p + _PAIR_CHUNK]
            sims = np.asarray(X[ci].multiply(X[cj]).sum(axis=1)).ravel()
            hit = sims >= self.threshold - 1e-12
            out_i.append(ci[hit])
            out_j.append(cj[hit])
            out_s.append(sims[hit])
        return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_s)

    def groups(self, table: pd.DataFrame, terms: Sequence[bytes] | None = None, engine: Engine | None = None) -> list[str]:
        """The ``dup_group`` of each row of ``table``, in row order (star clustering of the pairs).

        ``engine``: searches runs of periods as its tasks (the same groups whatever the engine).
        """
        self._check_fitted()
        i, j, _ = self._pair_rows(table, self._terms(table["text"], terms), engine)
        return _star_groups(table["statement_id"].astype(str).to_numpy(), i, j)

    def fit_groups(self, table: pd.DataFrame, terms: Sequence[bytes] | None = None, engine: Engine | None = None) -> list[str]:
        """``fit`` on the table's texts, then ``groups`` of its rows."""
        terms = self._terms(table["text"], terms)
        return self.fit(table["text"], terms).groups(table, terms, engine)

    def __repr__(self) -> str:
        return (f"DuplicateFinder(threshold={self.threshold!r}, min_words={self.min_words!r}, "
                f"kinds={tuple(self.kinds)!r}, max_block={self.max_block!r}, exact_cost={self.exact_cost!r}, "
                f"key_terms={self.key_terms!r})")


def _count_terms(packed: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray, int]:
    """The distinct term codes of ``packed`` (from ``term_codes``), how many rows hold each, and how
    many rows hold any: one chunk of ``DuplicateFinder.fit``."""
    rows, occurrences = unpack_terms(packed)
    term_idx, uniques = pd.factorize(occurrences)
    rows, counted, _ = _term_counts(rows, term_idx, len(uniques))
    n_docs = int(np.count_nonzero(np.diff(rows)) + 1) if len(rows) else 0
    return np.asarray(uniques, dtype=np.int64), np.bincount(counted, minlength=len(uniques)), n_docs


def _search_run(task: tuple[list[bytes], np.ndarray, np.ndarray], finder: DuplicateFinder) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs (i, j, cosine) among one run of whole periods: (term codes, period, document of each row).

    A module-level function of its inputs, so an engine's worker can run it.
    """
    packed, periods, docs = task
    rows, codes = unpack_terms(packed)
    X = finder._tfidf(rows, codes, len(packed), pd.Index(finder.codes_).get_indexer(codes))
    i, j = finder._candidates(X, periods, docs)
    return finder._verify(X, i, j)


def _star_groups(ids: np.ndarray, i: np.ndarray, j: np.ndarray) -> list[str]:
    """The group of each of ``ids`` by star clustering of the pairs of rows (i, j).

    Statements are taken by how many pairs they have, most first (ties by id); one not yet in a
    group becomes a centre and takes every paired statement not yet in a group, so each member
    pairs with its centre and groups never chain. A group is named by its smallest id.
    """
    n = len(ids)
    group = ids.copy()
    if not len(i):
        return group.tolist()
    nodes = np.unique(np.concatenate([i, j]))
    id_rank = np.empty(n, dtype=np.int64)
    id_rank[nodes[np.argsort(ids[nodes], kind="stable")]] = np.arange(len(nodes))
    degree = np.bincount(i, minlength=n) + np.bincount(j, minlength=n)
    ends, others = np.concatenate([i, j]), np.concatenate([j, i])
    by_end = np.argsort(ends, kind="stable")
    others = others[by_end]
    start = np.searchsorted(ends[by_end], np.arange(n + 1))
    centre = np.full(n, -1, dtype=np.int64)
    for node in nodes[np.lexsort((id_rank[nodes], -degree[nodes]))].tolist():
        if centre[node] >= 0:
            continue
        centre[node] = node
        near = others[start[node] : start[node + 1]]
        centre[near[centre[near] < 0]] = node
    first = pd.Series(id_rank[nodes]).groupby(centre[nodes]).transform("min").to_numpy()
    by_rank = nodes[np.argsort(id_rank[nodes])]
    group[nodes] = ids[by_rank[first]]
    return group.tolist()


def unique_remarks(table: pd.DataFrame) -> pd.DataFrame:
    """One row per ``dup_group``: the one with the smallest statement_id, in the table's row order.

    The row kept carries the union of its group's ``targets`` (and of ``context_targets``, less
    those), in order of first appearance within the group: RT's report of a remark may name the
    missile-defence target that Sputnik's translation of it does not, and counting the remark
    once must not drop it.
    """
    frame = pd.DataFrame(
        {"group": table["dup_group"].to_numpy(), "sid": table["statement_id"].to_numpy(), "pos": np.arange(len(table))}
    )
    ordered = frame.sort_values("sid", kind="stable")
    first = ordered.drop_duplicates("group")["pos"]
    out = table.iloc[np.sort(first.to_numpy())].copy()
    sizes = frame["group"].value_counts()
    if len(out) == len(table) or not (sizes > 1).any():
        return out
    members = ordered[ordered["group"].map(sizes) > 1]
    unions: dict[str, tuple[list[str], list[str]]] = {}
    targets, inherited = table["targets"].to_numpy(), table["context_targets"].to_numpy()
    for group, pos in zip(members["group"], members["pos"]):
        own, ctx = unions.setdefault(group, ([], []))
        own += [t for t in targets[pos] if t not in own]
        ctx += [t for t in inherited[pos] if t not in ctx]
    merged = [unions.get(g) for g in out["dup_group"]]
    out["targets"] = [list(u[0]) if u else list(t) for u, t in zip(merged, out["targets"])]
    out["context_targets"] = [[t for t in u[1] if t not in u[0]] if u else list(t) for u, t in zip(merged, out["context_targets"])]
    return out


def _rows_per_task(n: int, engine: Engine | None) -> int:
    """Rows per task for ``n`` rows: about two tasks per worker, within [_MIN_RUN_ROWS, _CHUNK_ROWS]."""
    if engine is None or engine.n_workers <= 1:
        return _CHUNK_ROWS
    return min(_CHUNK_ROWS, max(_MIN_RUN_ROWS, -(-n // (2 * engine.n_workers))))
