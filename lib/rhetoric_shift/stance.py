"""Stance of statements: a transparent cooperation (+) versus confrontation (-) index.

From the editable lexicon ``data/stance.toml``: (cooperation - confrontation) / (cooperation +
confrontation) over the matched terms, 0 when none match; a negator shortly before a term flips
it. A heuristic: ``stance_terms`` shows exactly which words produced a score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rhetoric_shift.datafiles import read_toml
from rhetoric_shift.errors import InputError
from rhetoric_shift.tokens import stem, tokenize


@dataclass(frozen=True)
class StanceTerm:
    """One lexicon entry: its words (stemmed or as written), sign (+1 or -1) and the original text."""

    words: tuple[str, ...]
    sign: int
    stemmed: bool
    text: str


@dataclass(frozen=True)
class StanceLexicon:
    """The stance lexicon, indexed by the first word of each entry, longest entries first."""

    by_first_stem: dict[str, tuple[StanceTerm, ...]]
    by_first_word: dict[str, tuple[StanceTerm, ...]]
    negators: frozenset[str]
    window: int
    source: str

    def is_negator(self, token: str) -> bool:
        return token in self.negators or token.endswith("n't")


def _entries(section: object, sign: int, where: str) -> list[StanceTerm]:
    if not isinstance(section, dict):
        raise InputError(where, "must be a table with 'stems' and/or 'exact' lists")
    unknown = sorted(set(section) - {"stems", "exact"})
    if unknown:
        raise InputError(where, f"unknown key {unknown[0]!r} (allowed: exact, stems)")
    terms = []
    for key in ("stems", "exact"):
        values = section.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) and tokenize(v) for v in values):
            raise InputError(f"{where}.{key}", f"must be a list of words or phrases, got {values!r}")
        for v in values:
            words = tokenize(v)
            if key == "stems":
                words = [stem(w) for w in words]
            terms.append(StanceTerm(tuple(words), sign, key == "stems", v))
    return terms


def _index(terms: list[StanceTerm], stemmed: bool) -> dict[str, tuple[StanceTerm, ...]]:
    index: dict[str, list[StanceTerm]] = {}
    for t in terms:
        if t.stemmed == stemmed:
            index.setdefault(t.words[0], []).append(t)
    return {k: tuple(sorted(v, key=lambda t: -len(t.words))) for k, v in index.items()}


def parse_stance_lexicon(data: dict, source: str) -> StanceLexicon:
    """A stance lexicon from parsed TOML ``data``; ``source`` names the file in error messages."""
    for key in ("cooperation", "confrontation"):
        if key not in data:
            raise InputError(source, f"missing [{key}] table")
    window = data.get("negation_window", 3)
    if not isinstance(window, int) or isinstance(window, bool) or not 0 <= window <= 10:
        raise InputError(source, f"'negation_window' must be an integer in 0..10, got {window!r}")
    negators = data.get("negators", [])
    if not isinstance(negators, list) or not all(isinstance(n, str) for n in negators):
        raise InputError(source, f"'negators' must be a list of words, got {negators!r}")
    terms = _entries(data["cooperation"], +1, f"{source}: [cooperation]")
    terms += _entries(data["confrontation"], -1, f"{source}: [confrontation]")
    return StanceLexicon(
        by_first_stem=_index(terms, stemmed=True),
        by_first_word=_index(terms, stemmed=False),
        negators=frozenset(n.lower() for n in negators),
        window=window,
        source=source,
    )


def load_stance_lexicon(path: Path | None = None) -> StanceLexicon:
    """Load a stance lexicon (shape of ``data/stance.toml``); ``None`` loads the bundled one.

    Raises InputError (a ValueError) with one line naming the file and the problem.
    """
    return parse_stance_lexicon(*read_toml(path, "stance.toml", "stance lexicon"))


@lru_cache(maxsize=1)
def _bundled_stance_lexicon() -> StanceLexicon:
    # Cached for the bundled file only: a user's file is re-read on every call, so edits show.
    return load_stance_lexicon(None)


def _match_at(tokens: list[str], stems: list[str], i: int, lexicon: StanceLexicon) -> StanceTerm | None:
    """The longest lexicon entry starting at token ``i``, or None."""
    best: StanceTerm | None = None
    for candidates, seq in ((lexicon.by_first_stem.get(stems[i], ()), stems), (lexicon.by_first_word.get(tokens[i], ()), tokens)):
        for term in candidates:  # longest first within each index
            n = len(term.words)
            if tuple(seq[i : i + n]) == term.words:
                if best is None or n > len(best.words):
                    best = term
                break
    return best


def stance_terms(text: str, lexicon: StanceLexicon | None = None) -> list[tuple[str, int]]:
    """The stance terms in ``text`` with their effective sign (+1 cooperation, -1 confrontation).

    A negated term is returned from its negator on ("not a threat", +1), so a reader sees why its
    sign flipped. Matches do not overlap; the longest entry at a position wins.
    """
    lexicon = lexicon or _bundled_stance_lexicon()
    tokens = tokenize(text)
    stems = [stem(t) for t in tokens]
    found: list[tuple[str, int]] = []
    i = 0
    while i < len(tokens):
        term = _match_at(tokens, stems, i, lexicon)
        if term is None:
            i += 1
            continue
        end = i + len(term.words)
        negator = next((j for j in range(max(0, i - lexicon.window), i) if lexicon.is_negator(tokens[j])), None)
        start = i if negator is None else negator
        found.append((" ".join(tokens[start:end]), term.sign if negator is None else -term.sign))
        i = end
    return found


def stance_score(terms: Sequence[tuple[str, int]]) -> float:
    """(cooperation - confrontation) / (cooperation + confrontation) over matched terms; 0.0 if none."""
    if not terms:
        return 0.0
    coop = sum(1 for _, s in terms if s > 0)
    return (2 * coop - len(terms)) / len(terms)


def stance(texts: Sequence[str], lexicon: StanceLexicon | None = None) -> list[float]:
    """The stance index of each text, -1 (confrontation only) .. +1 (cooperation only)."""
    lexicon = lexicon or _bundled_stance_lexicon()
    return [stance_score(stance_terms(t, lexicon)) for t in texts]


def target_stance(texts, targets, lexicon=None):
    raise NotImplementedError
