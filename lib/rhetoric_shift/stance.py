"""Stance of statements: a transparent cooperation (+) versus confrontation (-) index.

From the editable lexicon ``data/stance.toml`` (its comments document each key):
stance = (cooperation - confrontation) / (cooperation + confrontation) over the matched terms,
in -1..1, and 0 when none match. The rules, each general and each visible in ``stance_terms``:

- words match with their regular inflections only ("threat", "threats"; "cooperate",
  "cooperated", "cooperating"), never by a shared stem, so "exceptionalism" does not catch
  "exception", "containment" not "contains", "productive" not "products";
- a term inside a proper name is not a stance: a capitalised term in mid-sentence, or at the
  start of a sentence followed by another capitalised word ("Organisation for Security and
  Cooperation in Europe", "the National Dialogue Congress"), and the phrases listed as ``names``;
- a negator or reverser ("not", "without", "avoid", "freeze", "lift") among the few words before a
  term, in the same clause, flips it: "freeze any confrontation" counts for cooperation, "not
  dialogue" for confrontation; a comma, "but" or the end of a sentence ends its scope;
- a confrontation term next to a threat everyone shares ("terrorist threat", "the threat of
  terrorism") is no confrontation with anyone, and does not count.

``target_stance`` scores, for each target a statement names, only the sentences that name it.
In: texts (and target labels and the targets lexicon); out: floats or JSON strings. Pure functions.
"""

from __future__ import annotations

import json
import re
from itertools import compress, count
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rhetoric_shift.datafiles import read_toml
from rhetoric_shift.errors import InputError
from rhetoric_shift.targets import Lexicon, load_lexicon

# The word pattern of ``tokens.tokenize`` (letters with inner apostrophes or hyphens), kept with
# its offsets and case here: names are told by their capitals, clauses by the punctuation between.
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_CLAUSE_BREAK = re.compile(r"[,;:.!?()\[\]—–\-\"“”]")
_SENTENCE_BREAK = re.compile(r"[.!?:;\"“‘(\[\n•]")
# A sentence ends at . ! ? (and any closing quote or bracket) before white space, unless the dot
# ends an initial or an abbreviation ("U.S. officials", "Mr. Lavrov").
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+")
_ABBREVIATION = re.compile(r"(?:\b[A-Za-z]\.|\b(?:Mr|Mrs|Ms|Dr|St|Gen|Jr|Sr|No|vs|Prof|Sen|Rep|Amb)\.)$")


def inflections(word: str) -> frozenset[str]:
    """``word`` and its regular English inflections (-s/-es/-ies, -ed/-d/-ied, -ing, doubled consonant).

    Over-generation is harmless (a non-word never occurs); what matters is that no derived word
    with another meaning ("exception" from "exceptionalism") is produced.
    """
    forms = {word}
    last, before = word[-1:], word[-2:-1]
    consonant_y = last == "y" and before not in "aeiou"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        forms.add(word + "es")
    elif consonant_y:
        forms.add(word[:-1] + "ies")
    else:
        forms.add(word + "s")
    if word.endswith("ee"):
        forms |= {word + "d", word + "ing"}
    elif last == "e":
        forms |= {word + "d", word[:-1] + "ing"}
    elif consonant_y:
        forms |= {word[:-1] + "ied", word + "ing"}
    else:
        forms |= {word + "ed", word + "ing", word + last + "ed", word + last + "ing"}
    return frozenset(forms)


@dataclass(frozen=True)
class StanceTerm:
    """One lexicon entry: the accepted forms at each word position, its sign (+1 or -1) and its text."""

    words: tuple[frozenset[str], ...]
    sign: int
    text: str


@dataclass(frozen=True)
class StanceLexicon:
    """The stance lexicon, indexed by the forms of each entry's first word, longest entries first."""

    by_first: dict[str, tuple[StanceTerm, ...]]
    negators: frozenset[str]
    shared_threats: frozenset[str]
    names: dict[str, tuple[tuple[str, ...], ...]]  # first word -> name phrases, longest first
    window: int
    source: str
    firsts: frozenset[str] = frozenset()  # words that can start a term or a name: the only places worth a look

    def is_negator(self, token: str) -> bool:
        return token in self.negators or token.endswith("n't")


def _words(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and _WORD.search(v) for v in value):
        raise InputError(where, f"must be a list of words or phrases, got {value!r}")
    return value


def _tokens_of(phrase: str) -> list[str]:
    return [m.group().lower().replace("’", "'") for m in _WORD.finditer(phrase)]


def _entries(section: object, sign: int, where: str) -> list[StanceTerm]:
    if not isinstance(section, dict):
        raise InputError(where, "must be a table with 'words' and/or 'exact' lists")
    unknown = sorted(set(section) - {"words", "stems", "exact"})
    if unknown:
        raise InputError(where, f"unknown key {unknown[0]!r} (allowed: exact, words)")
    terms = []
    for key in ("words", "stems", "exact"):  # "stems" is the older name of "words"
        for phrase in _words(section.get(key, []), f"{where}.{key}"):
            tokens = _tokens_of(phrase)
            forms = tuple(frozenset([t]) if key == "exact" else inflections(t) for t in tokens)
            terms.append(StanceTerm(forms, sign, phrase))
    return terms


def _index(terms: list[StanceTerm]) -> dict[str, tuple[StanceTerm, ...]]:
    index: dict[str, list[StanceTerm]] = {}
    for term in terms:
        for form in term.words[0]:
            index.setdefault(form, []).append(term)
    return {k: tuple(sorted(v, key=lambda t: -len(t.words))) for k, v in index.items()}


def parse_stance_lexicon(data: dict, source: str) -> StanceLexicon:
    """A stance lexicon from parsed TOML ``data``; ``source`` names the file in error messages."""
    for key in ("cooperation", "confrontation"):
        if key not in data:
            raise InputError(source, f"missing [{key}] table")
    window = data.get("negation_window", 3)
    if not isinstance(window, int) or isinstance(window, bool) or not 0 <= window <= 10:
        raise InputError(source, f"'negation_window' must be an integer in 0..10, got {window!r}")
    lists = {}
    for key in ("negators", "shared_threats", "names"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
            raise InputError(source, f"{key!r} must be a list of words, got {value!r}")
        lists[key] = value
    terms = _entries(data["cooperation"], +1, f"{source}: [cooperation]")
    terms += _entries(data["confrontation"], -1, f"{source}: [confrontation]")
    names: dict[str, list[tuple[str, ...]]] = {}
    for phrase in lists["names"]:
        tokens = tuple(_tokens_of(phrase))
        if tokens:
            names.setdefault(tokens[0], []).append(tokens)
    return StanceLexicon(
        by_first=_index(terms),
        negators=frozenset(f for n in lists["negators"] for t in _tokens_of(n) for f in inflections(t)),
        shared_threats=frozenset(f for n in lists["shared_threats"] for t in _tokens_of(n) for f in inflections(t)),
        names={k: tuple(sorted(v, key=len, reverse=True)) for k, v in names.items()},
        window=window,
        source=source,
        firsts=frozenset(_index(terms)) | frozenset(names),
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


class _Tokens:
    """The words of one text: lower case (straight apostrophe, possessive 's removed), with their
    spans; clause and sentence starts and capitals are looked up only around candidate terms.

    The words come from one ``findall`` over the lower-cased text (lower-casing changes no
    offset and no letter class, except for the dotted capital I). A word's span is worked out only
    when a candidate term needs it (a second pass of the regular expression over the whole text
    would cost more), by ``str.find`` on the lower-cased text:

    - next to a word already placed: the text between two words holds no letter, and a word
      starts and ends with one, so the first place the word is found after the end of the
      previous one (the last place before the start of the next one) is where it stands;
    - else: if the word occurs ``c`` times among the words before it, it is the ``c + 1``-th
      place where it is found standing as a whole word (``_whole_word_at``).
    """

    def __init__(self, text: str, tokens: list[str] | None = None) -> None:
        self.text = text
        self._found: list[re.Match[str]] | None = None
        self._starts: dict[int, int] = {}
        if "İ" not in text:  # the one letter whose lower case is longer (two code points)
            # ``tokens.tokenize`` is this very findall (its pattern is this one once ’ is made ')
            self._lower = text.lower().replace("’", "'")
            words = self._raw = tokens if tokens is not None else _WORD.findall(self._lower)
        else:
            words = self._raw = [m.group().lower().replace("’", "'") for m in self._matches()]
            self._starts = {i: m.start() for i, m in enumerate(self._matches())}
        self.words = [w[:-2] if w.endswith("'s") else w for w in words] if "'" in text or "’" in text else words

    def _matches(self) -> list[re.Match[str]]:
        if self._found is None:
            self._found = list(_WORD.finditer(self.text))
        return self._found

    def __len__(self) -> int:
        return len(self.words)

    def start(self, i: int) -> int:
        starts = self._starts
        at = starts.get(i)
        if at is None:
            raw, lower = self._raw, self._lower
            if i - 1 in starts:
                at = lower.find(raw[i], starts[i - 1] + len(raw[i - 1]))
            elif i + 1 in starts:
                at = lower.rfind(raw[i], 0, starts[i + 1])
            else:
                word, before = raw[i], raw[:i].count(raw[i])
                at = -1
                while True:
                    at = lower.find(word, at + 1)
                    if at < 0:
                        raise ValueError("stance: the tokens given are not those of the text")
                    if _whole_word_at(lower, at, len(word)):
                        if not before:
                            break
                        before -= 1
            starts[i] = at
        return at

    def end(self, i: int) -> int:
        if self._found is not None:  # a text with the dotted capital I: its words' spans are at hand
            return self._found[i].end()
        return self.start(i) + len(self._raw[i])

    def gap(self, i: int) -> str:
        if i == 0:
            return ""
        return self.text[self.end(i - 1) : self.start(i)]

    def clause_start(self, i: int) -> bool:
        """Punctuation or "but" between word ``i`` and the one before it."""
        return i == 0 or self.words[i - 1] == "but" or bool(_CLAUSE_BREAK.search(self.gap(i)))

    def sentence_start(self, i: int) -> bool:
        return i == 0 or bool(_SENTENCE_BREAK.search(self.gap(i)))

    def capital(self, i: int) -> bool:
        return self.text[self.start(i)].isupper()


_LETTER = re.compile(r"[^\W\d_]")


def _whole_word_at(lower: str, at: int, n: int) -> bool:
    """Is ``lower[at : at + n]`` (a word of ``_WORD``) one whole word of ``_WORD.findall(lower)``?

    Yes unless a letter, or an apostrophe or hyphen joining letters, stands right before or after it.
    """
    letter = _LETTER.match
    if at > 0 and (letter(lower, at - 1) or (at > 1 and lower[at - 1] in "'-" and letter(lower, at - 2))):
        return False
    end = at + n
    return not (letter(lower, end) or (lower[end : end + 1] in ("'", "-") and letter(lower, end + 1)))


def _match(tokens: _Tokens, i: int, lexicon: StanceLexicon) -> StanceTerm | None:
    """The longest lexicon entry starting at token ``i`` (within one clause), or None."""
    for term in lexicon.by_first.get(tokens.words[i], ()):
        n = len(term.words)
        if i + n <= len(tokens) and all(
            tokens.words[i + k] in forms and (k == 0 or not tokens.clause_start(i + k)) for k, forms in enumerate(term.words)
        ):
            return term
    return None


def _name_length(tokens: _Tokens, i: int, lexicon: StanceLexicon) -> int:
    for name in lexicon.names.get(tokens.words[i], ()):
        if tuple(tokens.words[i : i + len(name)]) == name:
            return len(name)
    return 0


def _in_name(tokens: _Tokens, i: int, shouting: bool) -> bool:
    """Is token ``i`` part of a proper name, judged by its capital letter?"""
    if shouting or not tokens.capital(i):
        return False
    if not tokens.sentence_start(i):
        return True
    return i + 1 < len(tokens) and tokens.capital(i + 1) and not tokens.clause_start(i + 1)


def _near_shared_threat(tokens: _Tokens, i: int, end: int, lexicon: StanceLexicon) -> bool:
    """A threat word of everyone's (terrorism) within the window before or after, same clause."""
    j = i
    while j > 0 and not tokens.clause_start(j) and i - j < lexicon.window:
        j -= 1
        if tokens.words[j] in lexicon.shared_threats:
            return True
    k = end
    while k < len(tokens) and not tokens.clause_start(k) and k - end < lexicon.window:
        if tokens.words[k] in lexicon.shared_threats:
            return True
        k += 1
    return False


def _negator_before(tokens: _Tokens, i: int, lexicon: StanceLexicon) -> int | None:
    j = i
    while j > 0 and not tokens.clause_start(j) and i - j < lexicon.window:
        j -= 1
        if lexicon.is_negator(tokens.words[j]):
            return j
    return None


@dataclass(frozen=True)
class Match:
    """One counted term: its span in the text, the words shown (from the negator on) and its sign."""

    start: int
    end: int
    text: str
    sign: int


def stance_matches(text: str, lexicon: StanceLexicon | None = None, tokens: list[str] | None = None) -> list[Match]:
    """The counted stance terms of ``text``, left to right (see the module docstring for the rules).

    ``tokens``: ``tokens.tokenize(text)`` when already computed (the words are read from it).
    """
    lexicon = lexicon or _bundled_stance_lexicon()
    tokens = _Tokens(text, tokens)
    words, firsts = tokens.words, lexicon.firsts
    if firsts.isdisjoint(words):
        return []
    candidates = compress(count(), map(firsts.__contains__, words))
    shouting = len(tokens) > 2 and text.upper() == text
    found: list[Match] = []
    done = 0  # matches do not overlap: the next one starts at or after ``done``
    for i in candidates:
        if i < done:
            continue
        skip = _name_length(tokens, i, lexicon)
        if skip:
            done = i + skip
            continue
        term = _match(tokens, i, lexicon)
        if term is None:
            continue
        end = done = i + len(term.words)
        if _in_name(tokens, i, shouting) or (term.sign < 0 and _near_shared_threat(tokens, i, end, lexicon)):
            continue
        negator = _negator_before(tokens, i, lexicon)
        first = i if negator is None else negator
        start, stop = tokens.start(first), tokens.end(end - 1)
        found.append(Match(start, stop, " ".join(_tokens_of(text[start:stop])), term.sign if negator is None else -term.sign))
    return found


def stance_terms(text: str, lexicon: StanceLexicon | None = None) -> list[tuple[str, int]]:
    """The stance terms in ``text`` with their effective sign (+1 cooperation, -1 confrontation).

    A negated term is returned from its negator on ("not a threat", +1), so a reader sees why its
    sign flipped. Matches do not overlap; the longest entry at a position wins.
    """
    return [(m.text, m.sign) for m in stance_matches(text, lexicon)]


def stance_score(terms: Iterable[tuple[str, int]] | Iterable[Match]) -> float:
    """(cooperation - confrontation) / (cooperation + confrontation) over matched terms; 0.0 if none."""
    signs = [t.sign if isinstance(t, Match) else t[1] for t in terms]
    if not signs:
        return 0.0
    coop = sum(1 for s in signs if s > 0)
    return (2 * coop - len(signs)) / len(signs)


def stance(texts: Sequence[str], lexicon: StanceLexicon | None = None) -> list[float]:
    """The stance index of each text, -1 (confrontation only) .. +1 (cooperation only)."""
    lexicon = lexicon or _bundled_stance_lexicon()
    return [stance_score(stance_matches(t, lexicon)) for t in texts]


def sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (ends at . ! ? before white space, not after an initial)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if _ABBREVIATION.search(text, 0, m.start()) or not text[m.end() : m.end() + 1].strip():
            continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def target_scores(
    text: str, targets: Sequence[str], targets_lexicon: Lexicon, lexicon: StanceLexicon | None = None,
    matches: list[Match] | None = None,
) -> dict[str, float]:
    """For each of ``targets``, the stance of only the sentences of ``text`` that name it (0.0: no term).

    ``matches``: ``stance_matches(text, lexicon)`` when already computed.
    """
    if not len(targets):
        return {}
    if matches is None:
        matches = stance_matches(text, lexicon)
    spans = sentences(text) if matches else []
    if len(spans) <= 1:  # no term, or one sentence: it names every target the row names
        score = round(stance_score(matches), 4)
        return {target: score for target in targets}
    # Each match's sentence, and the labels that sentence names (tagged once per sentence).
    labels: dict[int, set[str]] = {}
    per_target: dict[str, list[Match]] = {target: [] for target in targets}
    for m in matches:
        k = next(k for k, (a, b) in enumerate(spans) if m.start < b or k == len(spans) - 1)
        if k not in labels:
            labels[k] = set(targets_lexicon.tag(text[spans[k][0] : spans[k][1]]))
        for target in targets:
            if target in labels[k]:
                per_target[target].append(m)
    return {target: round(stance_score(found), 4) for target, found in per_target.items()}


def target_stance(
    texts: Sequence[str],
    targets: Sequence[Sequence[str]],
    targets_lexicon: Lexicon | None = None,
    lexicon: StanceLexicon | None = None,
    matches: Sequence[list[Match]] | None = None,
) -> list[str]:
    """Target-level stance of each row as a JSON object string: ``'{"Syria": -0.5, "US": 0.0}'``.

    In: the rows' texts, the targets each row names (the ``targets`` column) and the targets
    lexicon that tagged them (None: the bundled one); ``matches``: each text's ``stance_matches``
    when already computed (as ``enrich`` does for the stance column). Out: one string per row,
    ``'{}'`` when the row names no target; keys in the order of the row's targets.
    """
    targets_lexicon = targets_lexicon or load_lexicon(None)
    lexicon = lexicon or _bundled_stance_lexicon()
    if matches is None:
        matches = [None] * len(texts)
    return [
        json.dumps(target_scores(text, list(names), targets_lexicon, lexicon, found), ensure_ascii=False) if len(names) else "{}"
        for text, names, found in zip(texts, targets, matches)
    ]
