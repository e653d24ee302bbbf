"""Tone of statements: the VADER compound score (Hutto & Gilbert 2014), -1..1.

``tone`` gives, for each text, exactly the compound score of the reference implementation (the
``vaderSentiment`` package's ``SentimentIntensityAnalyzer``), computed by a streamlined port of
its algorithm. The reference rebuilds a lower-cased copy of the whole text several times for
every sentiment word, so its cost grows with (words x sentiment words) per text; the port
lower-cases once and visits only the sentiment words, which makes it 7-10 times faster
on paragraphs of UN speeches (``bench/bench_tone.py`` measures it and its
agreement). The lexicon, emoji descriptions and every constant are read from the installed
package, so the two cannot drift apart; its quirks (the order-dependent "but" rule, the
ALL-CAPS boost of a neutralised "no") are reproduced on purpose, because the point is to equal
the reference. Tone is general-purpose sentiment ("good", "terrible"), not a measure of diplomacy.

``stance`` (the cooperation/confrontation index) lives in ``rhetoric_shift.stance`` and is
re-exported here. Everything works offline: nothing is downloaded.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from itertools import compress
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from vaderSentiment import vaderSentiment as _ref

from rhetoric_shift.datafiles import read_toml

from rhetoric_shift.stance import (  # noqa: F401  (re-exported: enrich and query import them from here)
    StanceLexicon,
    load_stance_lexicon,
    stance,
    stance_score,
    stance_terms,
    target_stance,
)

_PUNCT = string.punctuation
_NEGATE = frozenset(_ref.NEGATE)
_BOOSTERS: dict[str, float] = dict(_ref.BOOSTER_DICT)
_SPECIAL: dict[str, float] = dict(_ref.SPECIAL_CASES)
_B_NGRAMS = {k: v for k, v in _BOOSTERS.items() if " " in k}  # "kind of", "sort of", "just enough"
# Every idiom or booster phrase starts with one of these words; a sentiment word with none of them
# among the three words before it and itself cannot meet an idiom (the check is the hot loop).
_IDIOM_FIRST = frozenset(k.split()[0] for k in (*_SPECIAL, *_B_NGRAMS))
N_SCALAR, C_INCR = _ref.N_SCALAR, _ref.C_INCR
# A fast path for the common sentiment word, which ``_valence`` would leave at its lexicon value.
# An idiom or booster phrase can only match where its longest word stands (``_IDIOM_KEYS``): its
# first words ("the", "to") are everywhere, its longest ("bomb", "die") rarely. Nothing changes a
# valence but boosters, negations, "no", "least", the "never so"/"without doubt"/"so"/"this"
# rules and those phrases, each within three words before the sentiment word or, for phrases, two
# after it; and "n't" or capitals. So a word with none of ``_TRIGGERS`` among the three words
# before it, no idiom key among the two after, itself not "no", "kind" or an idiom key, not in
# capitals, in a text without "n't", keeps its lexicon valence exactly.
_IDIOM_KEYS = frozenset(max(k.split(), key=len) for k in (*_SPECIAL, *_B_NGRAMS) if " " in k)
_TRIGGERS = frozenset(_BOOSTERS) | _NEGATE | _IDIOM_KEYS | {"no", "least", "never", "without", "so", "this"}
_SELF_TRIGGERS = _IDIOM_KEYS | {"no", "kind"}
_CACHE_LIMIT = 500_000


class _Stripped(dict):
    """A lower-case word -> the reference's form of it: stripped of punctuation at both ends unless
    that leaves two letters or fewer. Cached: a speech repeats its words, and the strip is the hot loop."""

    def __missing__(self, word: str) -> str:
        if len(self) >= _CACHE_LIMIT:
            self.clear()  # bounded memory on an unbounded vocabulary
        value = self[word] = s if len(s := word.strip(_PUNCT)) > 2 else word
        return value


@lru_cache(maxsize=1)
def reference_analyzer() -> _ref.SentimentIntensityAnalyzer:
    """The reference analyser of the ``vaderSentiment`` package (its lexicon files ship inside it)."""
    return _ref.SentimentIntensityAnalyzer()


class Vader:
    """VADER's compound score, equal to ``reference_analyzer().polarity_scores(text)["compound"]``.

    In: the reference analyser (for its lexicon and emoji table). ``compound(text)`` returns a float
    in -1..1, rounded to 4 decimals like the reference. Stateless after construction and picklable.
    """

    def __init__(self, reference: _ref.SentimentIntensityAnalyzer) -> None:
        self.lexicon: dict[str, float] = dict(reference.lexicon)
        # The reference replaces emojis one character at a time, so only one-character keys ever match.
        self.emojis: dict[str, str] = {k: v for k, v in reference.emojis.items() if len(k) == 1}
        self._emoji_chars = frozenset(self.emojis)
        self._scored = frozenset(w for w in self.lexicon if w not in _BOOSTERS)  # words that carry a valence of their own
        self._stripped = _Stripped()

    def _replace_emojis(self, text: str) -> str:
        # The reference's loop, kept as written: a description is glued to the next character.
        out: list[str] = []
        prev_space = True
        for ch in text:
            if ch in self.emojis:
                if not prev_space:
                    out.append(" ")
                out.append(self.emojis[ch])
                prev_space = False
            else:
                out.append(ch)
                prev_space = ch == " "
        return "".join(out)

    def compound(self, text: str) -> float:
        if not text.isascii() and not self._emoji_chars.isdisjoint(text):
            text = self._replace_emojis(text)
        text = text.strip()
        # ``words`` only answer isupper(), which stripping punctuation (it has no case) does not change.
        words = text.split()
        if not words:
            return 0.0
        lower = text.lower()
        if "İ" in text:  # the one letter whose lower case is longer: lower each stripped word, as the reference does
            lows = [(s if len(s := w.strip(_PUNCT)) > 2 else w).lower() for w in words]
        else:  # lower-casing keeps every other word's length and its punctuation: lower once, then strip
            lows = list(map(self._stripped.__getitem__, lower.split()))
        scored = self._scored
        if scored.isdisjoint(lows):
            return 0.0
        n = len(words)
        hits = compress(range(n), map(scored.__contains__, lows))
        cap_diff: list[bool] = []  # computed at most once, and only when a word is in capitals
        values: list[tuple[int, float]] = []
        lex, plain = self.lexicon, "n't" not in lower
        for i in hits:
            low = lows[i]
            if (plain and low not in _SELF_TRIGGERS and _TRIGGERS.isdisjoint(lows[i - 3 if i > 3 else 0 : i])
                    and _IDIOM_KEYS.isdisjoint(lows[i + 1 : i + 3]) and not words[i].isupper()):
                v = lex[low]
            elif low == "kind" and i < n - 1 and lows[i + 1] == "of":
                continue
            else:
                v = self._valence(words, lows, i, cap_diff)
            if v != 0:
                values.append((i, v))
        if "but" in lows and values:
            values = _but_rule(values, lows.index("but"))
        total = float(sum(v for _, v in values))  # the same builtin sum, in the same order, as the reference
        if total == 0:
            return 0.0
        amp = _punctuation_emphasis(text)
        total = total + amp if total > 0 else total - amp
        return round(_ref.normalize(total), 4)

    def _is_cap_diff(self, words: list[str], cache: list[bool]) -> bool:
        if not cache:
            caps = sum(1 for w in words if w.isupper())
            cache.append(0 < len(words) - caps < len(words))
        return cache[0]

    def _valence(self, words: list[str], lows: list[str], i: int, cap_diff: list[bool]) -> float:
        lex = self.lexicon
        low = lows[i]
        valence = lex[low]
        n = len(words)
        if low == "no" and i != n - 1 and lows[i + 1] in lex:
            valence = 0.0
        if (i > 0 and lows[i - 1] == "no") or (i > 1 and lows[i - 2] == "no") or (
            i > 2 and lows[i - 3] == "no" and lows[i - 1] in ("or", "nor")
        ):
            valence = lex[low] * N_SCALAR
        if words[i].isupper() and self._is_cap_diff(words, cap_diff):
            valence = valence + C_INCR if valence > 0 else valence - C_INCR
        for start_i in range(3):
            j = i - (start_i + 1)
            if j < 0 or lows[j] in lex:
                continue
            prev = lows[j]
            if prev in _BOOSTERS:
                s = _BOOSTERS[prev]
                if valence < 0:
                    s *= -1
                if words[j].isupper() and self._is_cap_diff(words, cap_diff):
                    s = s + C_INCR if valence > 0 else s - C_INCR
                if start_i == 1:
                    s *= 0.95
                elif start_i == 2:
                    s *= 0.9
                valence += s
            valence = _negation(valence, lows, start_i, i)
            if start_i == 2:
                valence = _idioms(valence, lows, i)
        if i > 0 and lows[i - 1] == "least":  # "least" is not in the lexicon
            if i == 1 or lows[i - 2] not in ("at", "very"):
                valence *= N_SCALAR
        return valence


def _negated(word: str) -> bool:
    return word in _NEGATE or "n't" in word


def _negation(valence: float, lows: list[str], start_i: int, i: int) -> float:
    if start_i == 0:
        return valence * N_SCALAR if _negated(lows[i - 1]) else valence
    if start_i == 1:
        if lows[i - 2] == "never" and lows[i - 1] in ("so", "this"):
            return valence * 1.25
        if lows[i - 2] == "without" and lows[i - 1] == "doubt":
            return valence
        return valence * N_SCALAR if _negated(lows[i - 2]) else valence
    if (lows[i - 3] == "never" and lows[i - 2] in ("so", "this")) or lows[i - 1] in ("so", "this"):
        return valence * 1.25
    if lows[i - 3] == "without" and (lows[i - 2] == "doubt" or lows[i - 1] == "doubt"):
        return valence
    return valence * N_SCALAR if _negated(lows[i - 3]) else valence


def _idioms(valence: float, lows: list[str], i: int) -> float:
    w3, w2, w1, w0 = lows[i - 3], lows[i - 2], lows[i - 1], lows[i]
    if w3 not in _IDIOM_FIRST and w2 not in _IDIOM_FIRST and w1 not in _IDIOM_FIRST and w0 not in _IDIOM_FIRST:
        return valence
    for seq in (f"{w1} {w0}", f"{w2} {w1} {w0}", f"{w2} {w1}", f"{w3} {w2} {w1}", f"{w3} {w2}"):
        if seq in _SPECIAL:
            valence = _SPECIAL[seq]
            break
    n = len(lows)
    if n - 1 > i and (seq := f"{w0} {lows[i + 1]}") in _SPECIAL:
        valence = _SPECIAL[seq]
    if n - 1 > i + 1 and (seq := f"{w0} {lows[i + 1]} {lows[i + 2]}") in _SPECIAL:
        valence = _SPECIAL[seq]
    for seq in (f"{w3} {w2} {w1}", f"{w3} {w2}", f"{w2} {w1}"):
        if seq in _B_NGRAMS:
            valence += _B_NGRAMS[seq]
    return valence


def _but_rule(values: list[tuple[int, float]], but_at: int) -> list[tuple[int, float]]:
    """The reference's contrast rule over the nonzero valences (zeros are unchanged by it).

    The reference scales each value found by ``list.index(value)``, i.e. at the first position
    that currently holds an equal value; an equal value earlier in the text is scaled instead of
    the later one. Reproduced: the first position whose current value equals the value read.
    """
    current = [v for _, v in values]
    for _, value in values:  # the value read at step k is still the original one: only earlier positions change
        si = current.index(value)
        if values[si][0] < but_at:
            current[si] = value * 0.5
        elif values[si][0] > but_at:
            current[si] = value * 1.5
    return [(p, v) for (p, _), v in zip(values, current)]


def _punctuation_emphasis(text: str) -> float:
    ep = min(text.count("!"), 4) * 0.292
    qm = text.count("?")
    return ep + (0 if qm <= 1 else qm * 0.18 if qm <= 3 else 0.96)


@lru_cache(maxsize=1)
def vader() -> Vader:
    """The shared port (the lexicon takes ~50 ms to parse; it is immutable)."""
    return Vader(reference_analyzer())


def tone(texts: Sequence[str]) -> list[float]:
    """VADER compound sentiment of each text, in -1..1 (0.0 for text without sentiment words).

    Equal to the reference ``vaderSentiment`` compound; each distinct text is scored once.
    """
    scorer = vader()
    seen: dict[str, float] = {}
    out = []
    for t in texts:
        if not t:
            out.append(0.0)
            continue
        score = seen.get(t)
        if score is None:
            score = seen[t] = float(scorer.compound(t))
        out.append(score)
    return out


def reference_tone(texts: Sequence[str]) -> list[float]:
    """The reference implementation's compound scores (for tests and benchmarks; slower)."""
    analyzer = reference_analyzer()
    return [float(analyzer.polarity_scores(t)["compound"]) if t else 0.0 for t in texts]


# --- validation against a careful reader --------------------------------------------------------

# Neutral bands for the sign of a score (bench/bench_agreement.py says why these values).
TONE_BAND = 0.05  # the thresholds VADER's authors recommend
STANCE_BAND = 0.25  # a statement leans only when one kind of term outnumbers the other 2:1
VALIDATION_FILE = "validation.toml"


def validation_figures(path: Path | None = None) -> pd.DataFrame:
    """Agreement of stance and tone signs with hand-coded seed statements, as the benchmark measured it.

    Out: ``[set, measure, version, n, accuracy, kappa, neutral]`` (one row per coded set, measure
    and library version) with ``attrs["note"]`` saying where the figures come from; an empty frame when the
    benchmark has not written them. Read from ``path``, by default the bundled ``data/validation.toml``
    that ``bench/bench_agreement.py`` writes.
    """
    columns = ["set", "measure", "version", "n", "accuracy", "kappa", "neutral"]
    try:
        data, _ = read_toml(path, VALIDATION_FILE, "validation figures")
    except FileNotFoundError:  # the bundled file, before the benchmark has run
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(data.get("figure", []), columns=columns)
    frame.attrs["note"] = data.get("note", "")
    return frame


def write_figures(figures: list[dict], *, gold_file: str, before: str, path: Path | None = None) -> Path:
    """Write the benchmark's ``figures`` (dicts with the columns of ``validation_figures``) as TOML."""
    path = path or Path(str(resources.files("rhetoric_shift").joinpath("data", VALIDATION_FILE)))
    note = (f"Signs compared with {gold_file} (coded by reading); neutral bands: stance |s| < {STANCE_BAND}, "
            f"tone |compound| < {TONE_BAND}; 'before' is the library at {before}. "
            "Written by bench/bench_agreement.py.")
    lines = ["# Written by bench/bench_agreement.py; do not edit by hand.", f"note = {_toml_str(note)}", ""]
    for fig in figures:
        lines.append("[[figure]]")
        lines += [f"{k} = {_toml_str(v) if isinstance(v, str) else v}" for k, v in fig.items()]
        lines.append("")
    path.write_text("\n".join(lines), "utf-8")
    return path


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
