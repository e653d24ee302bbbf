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
- the search never compares all pairs. It is the exact similarity join of prefix filtering
  (Bayardo et al. 2007, "Scaling up all pairs similarity search"): terms are ordered rarest
  first, and each statement indexes only its *prefix*, its rarest terms up to where the rest of
  its weight can no longer reach the threshold (the rest's norm is below ``threshold``). Two
  statements whose cosine reaches the threshold must share a prefix term, so only those pairs
  are scored; common words ("nation", "peace") rarely sit in a prefix. The pairs found are
  exactly those an all-pairs comparison finds;
- groups: each member of a group reached the threshold with the group's centre, so groups
  cannot chain into a crowd of statements that share nothing (star clustering: statements are
  taken by how many pairs they have, most first; one not yet in a group becomes a centre and
  takes every paired statement not yet in a group). A group's id is its smallest statement_id,
  so ids are stable when rows are added elsewhere. A statement without a pair is its own group.

``unique_remarks`` keeps one row per group, so aggregates can count "by report" (every row) or
"by unique remark".
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from numbers import Real

import numpy as np
import pandas as pd
from scipy import sparse

from rhetoric_shift.params import is_int, not_fitted_error, param_error
from rhetoric_shift.schema import KINDS
from rhetoric_shift.tokens import content_stems

REMARK_KINDS = ("direct", "reported", "question")
# Helper column of ``enrich.apply_models``: each row's content stems as 64-bit term codes
# (``term_codes``), so the duplicate search never tokenises a text a second time.
DUP_TERMS = "_dup_terms"
_PAIR_CHUNK = 200_000  # candidate pairs scored at once: bounds memory on a large period
_ROW_CHUNK = 4_000  # statements of one period joined at once

_CODE_CACHE: dict[str, int] = {}


def term_codes(stems: Sequence[str]) -> bytes:
    """``stems`` as 64-bit codes (a stable hash of each stem), packed into bytes for a table column.

    Stable across processes and runs (unlike Python's ``hash``), so batches made anywhere agree.
    """
    cache = _CODE_CACHE
    out = []
    for s in stems:
        code = cache.get(s)
        if code is None:
            if len(cache) > 1_000_000:
                cache.clear()
            code = cache[s] = int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "little", signed=True)
        out.append(code)
    return np.asarray(out, dtype=np.int64).tobytes()


def _unpack(packed: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Row index and code of every term occurrence in ``packed`` (from ``term_codes``)."""
    lengths = np.fromiter((len(b) // 8 for b in packed), dtype=np.int64, count=len(packed))
    codes = np.frombuffer(b"".join(packed), dtype=np.int64)
    return np.repeat(np.arange(len(packed)), lengths), codes


class DuplicateFinder:
    """Group statements that report the same remark in different documents.

    Parameters
    ----------
    threshold : float in (0, 1], the TF-IDF cosine at or above which two statements are one remark.
    min_words : int, fewer content words than this and a statement is never paired (short
        statements such as "Good things first" match by chance).
    kinds : the statement kinds that can pair.

    Attributes (after ``fit``): ``codes_`` (sorted term codes), ``df_`` (statements containing
    each), ``n_docs_`` (statements with at least one content word).
    """

    def __init__(self, threshold: float = 0.4, min_words: int = 4, kinds: Sequence[str] = REMARK_KINDS) -> None:
        self.threshold = threshold
        self.min_words = min_words
        self.kinds = kinds

    def _check_params(self) -> None:
        t = self.threshold
        if not isinstance(t, Real) or isinstance(t, bool) or not 0 < t <= 1:
            raise param_error("DuplicateFinder", "threshold", "a float in (0, 1]", t)
        if not is_int(self.min_words) or self.min_words < 1:
            raise param_error("DuplicateFinder", "min_words", "an int >= 1", self.min_words)
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
        corpus is allowed: then nothing ever pairs.
        """
        self._check_params()
        texts = list(texts)
        rows, codes = _unpack(self._terms(texts, terms))
        # One count per statement and term: codes are factorised, then (row, term) made unique.
        term_idx, uniques = pd.factorize(codes, sort=True)
        uniq_pairs = pd.unique(rows * max(len(uniques), 1) + term_idx)
        self.codes_ = np.asarray(uniques, dtype=np.int64)
        self.df_ = np.bincount(uniq_pairs % max(len(uniques), 1), minlength=len(uniques)).astype(np.int64)
        self.n_docs_ = int(len(np.unique(rows)))
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "df_"):
            raise not_fitted_error("DuplicateFinder")

    def _matrix(self, packed: list[bytes]) -> sparse.csr_matrix:
        """L2-normalised TF-IDF rows (sublinear tf, smooth idf as scikit-learn's), columns ordered
        rarest term first (ties by code), so each row's entries run from its rarest term."""
        rows, codes = _unpack(packed)
        pos = np.searchsorted(self.codes_, codes)
        pos_c = np.minimum(pos, max(len(self.codes_) - 1, 0))
        known = (pos < len(self.codes_)) & (self.codes_[pos_c] == codes) if len(self.codes_) else np.zeros(len(codes), bool)
        df = np.where(known, self.df_[pos_c] if len(self.codes_) else 0, 0)
        # Columns: rank by (df, code); an unseen term (df 0) is rarest of all.
        local_codes, local_idx = np.unique(codes, return_inverse=True)
        local_df = np.zeros(len(local_codes), dtype=np.int64)
        local_df[local_idx] = df
        rank = np.empty(len(local_codes), dtype=np.int64)
        rank[np.lexsort((local_codes, local_df))] = np.arange(len(local_codes))
        cols = rank[local_idx]
        counts = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(packed), len(local_codes)))
        counts.sum_duplicates()
        idf_by_col = np.empty(len(local_codes))
        idf_by_col[rank] = np.log((1 + self.n_docs_) / (1 + local_df)) + 1
        X = counts.copy()
        X.data = (1 + np.log(X.data)) * idf_by_col[X.indices]
        norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
        X = sparse.diags(1 / np.where(norms > 0, norms, 1)) @ X
        X = X.tocsr()
        X.sort_indices()
        return X

    def _prefixes(self, X: sparse.csr_matrix) -> sparse.csr_matrix:
        """The prefix of each row: its entries from the rarest on, while the weight from there to
        the row's end reaches ``threshold``² (entries after it cannot lift a cosine to the threshold)."""
        sq = X.data**2
        row_of = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
        before = np.cumsum(sq) - sq  # weight of everything earlier in the flattened matrix
        earlier_in_row = before - before[X.indptr[:-1]][row_of]
        totals = np.add.reduceat(sq, X.indptr[:-1])[row_of] if len(sq) else sq
        rest = totals - earlier_in_row  # this entry and all after it, in its row
        keep = rest >= self.threshold**2 - 1e-9
        indptr = np.concatenate([[0], np.cumsum(np.bincount(row_of[keep], minlength=X.shape[0]))])
        return sparse.csr_matrix((np.ones(int(keep.sum())), X.indices[keep], indptr), shape=X.shape)

    def pairs(self, table: pd.DataFrame, terms: Sequence[bytes] | None = None) -> pd.DataFrame:
        """Pairs of statements judged the same remark: columns a, b (statement ids, a < b), similarity.

        ``terms``: the rows' ``term_codes`` when already computed.
        """
        self._check_fitted()
        columns = ["a", "b", "similarity"]
        packed = self._terms(table["text"].tolist(), terms)
        lengths = np.fromiter((len(b) // 8 for b in packed), dtype=np.int64, count=len(packed))
        eligible = np.flatnonzero(table["kind"].isin(list(self.kinds)).to_numpy() & (lengths >= self.min_words))
        if not len(eligible) or not len(self.codes_):
            return pd.DataFrame([], columns=columns)
        sub = table.iloc[eligible]
        X = self._matrix([packed[i] for i in eligible])
        P = self._prefixes(X)
        docs = pd.factorize(sub["doc_id"].astype(str))[0]
        ids = sub["statement_id"].astype(str).to_numpy()
        found = []
        for _, where in sorted(pd.Series(np.arange(len(sub))).groupby(sub["period"].to_numpy()).groups.items()):
            where = np.asarray(where)
            if len(np.unique(docs[where])) > 1:
                found.append(self._block_pairs(X[where], P[where], docs[where], where))
        if not found:
            return pd.DataFrame([], columns=columns)
        i, j, s = (np.concatenate(parts) for parts in zip(*found))
        a, b = np.minimum(ids[i], ids[j]), np.maximum(ids[i], ids[j])
        out = pd.DataFrame({"a": a, "b": b, "similarity": np.round(s, 6)})
        return out.sort_values(["a", "b"], kind="stable").reset_index(drop=True)

    def _block_pairs(self, X, P, docs, where) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pairs of one period: candidates share a prefix term, then their exact cosine decides."""
        out_i, out_j, out_s = [], [], []
        PT = P.T.tocsr()
        for start in range(0, P.shape[0], _ROW_CHUNK):
            C = (P[start : start + _ROW_CHUNK] @ PT).tocoo()
            ci, cj = C.row + start, C.col
            keep = (ci < cj) & (docs[ci] != docs[cj])
            ci, cj = ci[keep], cj[keep]
            for p in range(0, len(ci), _PAIR_CHUNK):
                i, j = ci[p : p + _PAIR_CHUNK], cj[p : p + _PAIR_CHUNK]
                sims = np.asarray(X[i].multiply(X[j]).sum(axis=1)).ravel()
                hit = sims >= self.threshold - 1e-12
                out_i.append(where[i[hit]])
                out_j.append(where[j[hit]])
                out_s.append(sims[hit])
        empty = np.zeros(0, dtype=np.int64)
        return (np.concatenate(out_i) if out_i else empty, np.concatenate(out_j) if out_j else empty,
                np.concatenate(out_s) if out_s else np.zeros(0))

    def groups(self, table: pd.DataFrame, terms: Sequence[bytes] | None = None) -> list[str]:
        """The ``dup_group`` of each row of ``table``, in row order (star clustering of the pairs)."""
        ids = table["statement_id"].astype(str).tolist()
        pairs = self.pairs(table, terms)
        neighbours: dict[str, list[str]] = {}
        for a, b in zip(pairs["a"], pairs["b"]):
            neighbours.setdefault(a, []).append(b)
            neighbours.setdefault(b, []).append(a)
        centre_of: dict[str, str] = {}
        for node in sorted(neighbours, key=lambda n: (-len(neighbours[n]), n)):
            if node in centre_of:
                continue
            centre_of[node] = node
            for other in neighbours[node]:
                centre_of.setdefault(other, node)
        members: dict[str, list[str]] = {}
        for node, centre in centre_of.items():
            members.setdefault(centre, []).append(node)
        group_of = {node: min(group) for group in members.values() for node in group}
        return [group_of.get(sid, sid) for sid in ids]

    def fit_groups(self, table: pd.DataFrame, terms: Sequence[bytes] | None = None) -> list[str]:
        """``fit`` on the table's texts, then ``groups`` of its rows."""
        terms = self._terms(table["text"].tolist(), terms)
        return self.fit(table["text"].tolist(), terms).groups(table, terms)

    def __repr__(self) -> str:
        return f"DuplicateFinder(threshold={self.threshold!r}, min_words={self.min_words!r}, kinds={tuple(self.kinds)!r})"


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
