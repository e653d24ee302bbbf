"""Words for the analysis: one tokeniser, one stemmer and one stop-word list shared by topics,
duplicates, keyness and the stance index, so that every measure counts the same "words".

Everything here works offline, without data files: the tokeniser is one regular expression, the
stemmer is Snowball's English (Porter 2) stemmer compiled in PyStemmer, and the stop words are
scikit-learn's English list plus the reporting verbs and boilerplate of news about diplomacy.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from importlib import resources
from itertools import chain
from typing import TypeVar

import numpy as np
import Stemmer  # PyStemmer: Snowball's own C stemmers; nltk's Python port cost 0.6 s of imports per process

# Letters with inner apostrophes or hyphens ("don't", "counter-terrorism", "al-Nusra"); digits
# and punctuation are not words for any of our measures.
# Apostrophes are made straight before matching, so one character class serves both.
_WORDS = re.compile(r"[^\W\d_]+(?:['\-][^\W\d_]+)*")
_STEMMER = Stemmer.Stemmer("english")

# Words that say who speaks or that a report is a report, not what is said. Without them every
# topic of a press-conference corpus is labelled "lavrov said minister".
REPORTING_WORDS = frozenset(
    """
    said says say saying told tell tells added adds add stressed stresses stress noted notes note
    stated states explained explains remarked remarks reiterated reiterates emphasised emphasized
    underscored underlined pointed quoted quote according asked asks answered answers replied
    commented comments believes believe think thinks mentioned mentions claimed claims warns warned
    lavrov sergey sergei minister ministry foreign russian top diplomat spokeswoman
    spokesperson zakharova maria press conference annual question questions journalist reporter
    mr ms ladies gentlemen dear let like just really course know want wants going yes
    """.split()
)
ENGLISH_STOP_WORDS: frozenset[str] = frozenset(
    line.strip() for line in resources.files("rhetoric_shift").joinpath("data", "english_stop_words.txt").read_text("utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)
STOP_WORDS: frozenset[str] = ENGLISH_STOP_WORDS | REPORTING_WORDS


# ASCII characters that never belong to a word: each becomes a space, so that in ASCII text the
# words are the pieces between spaces (apostrophes and hyphens aside).
_ASCII_GAPS = {c: " " for c in range(128) if not chr(c).isalpha() and chr(c) not in "'-"}


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens of ``text`` (letters only; curly apostrophes made straight).

    The words of ``_WORDS.findall`` over the lower-cased text. Plain ASCII text, most of any
    English corpus, takes a faster way to the same words: every character that is neither a letter,
    an apostrophe nor a hyphen becomes a space and ``split`` cuts the words; only a piece with an
    apostrophe or hyphen (which join words only between letters) goes through the expression.
    """
    lower = text.lower().replace("’", "'")
    if not lower.isascii():
        return _WORDS.findall(lower)
    pieces = lower.translate(_ASCII_GAPS).split()
    if "'" not in lower and "-" not in lower:
        return pieces
    words: list[str] = []
    for piece in pieces:
        if piece.isalpha():
            words.append(piece)
        else:
            words += _WORDS.findall(piece)
    return words


# A plain dict, not lru_cache: the lookup is the innermost loop of every analysis (tens of
# millions of words on a research corpus) and a dict's .get is several times cheaper.
_STEM_CACHE: dict[str, str] = {}
_STEM_CACHE_LIMIT = 500_000


def stem(word: str) -> str:
    """The Snowball (Porter 2) stem of a lower-case word; cached, stemming is the hot loop."""
    s = _STEM_CACHE.get(word)
    if s is None:
        if len(_STEM_CACHE) >= _STEM_CACHE_LIMIT:
            _STEM_CACHE.clear()  # bounded memory on an unbounded vocabulary
        s = _STEM_CACHE[word] = _STEMMER.stemWord(word)
    return s


_F = TypeVar("_F", bound=Callable)


def gc_paused(fn: _F) -> _F:
    """``fn`` run with Python's cyclic garbage collector paused (reference counting still frees memory).

    For the per-batch analysis: it makes millions of small lists (words, stems, terms) that form no
    reference cycles, and the collector, triggered by their number, would rescan every live object
    again and again for nothing. The collector is resumed afterwards, and left alone when it was
    already off (a nested or concurrent call).
    """

    @functools.wraps(fn)
    def run(*args, **kwargs):
        if not gc.isenabled():
            return fn(*args, **kwargs)
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            gc.enable()

    return run  # type: ignore[return-value]


def content_words(text: str) -> list[str]:
    """Tokens of ``text`` that are not stop words and longer than one letter, unstemmed.

    A possessive "'s" is dropped so that "Ukraine's" counts as "ukraine"; other words with an
    apostrophe are contractions ("we're", "don't") and, like stop words, say nothing of content.
    """
    return content_words_of(tokenize(text))


def content_words_of(tokens: Sequence[str]) -> list[str]:
    """``content_words`` of a text from its ``tokenize`` tokens, when they are already at hand."""
    stop = STOP_WORDS
    out = []
    for t in tokens:
        if "'" in t:
            if not t.endswith("'s"):
                continue
            t = t[:-2]
            if "'" in t:
                continue
        if len(t) > 1 and t not in stop:
            out.append(t)
    return out


def has_content_words(texts: Sequence[str], min_words: int) -> np.ndarray:
    """Boolean mask: which ``texts`` have at least ``min_words`` content words.

    The one test of "long enough" for topics (shorter statements cannot be placed) and
    duplicates (shorter statements match by chance).
    """
    return np.array([len(content_words(t)) >= min_words for t in texts], dtype=bool)


class _ContentStems(dict):
    """word -> its stem if it is a content word, else "" (stop word, one letter, contraction).

    One dict lookup per token decides and stems at once; a new word is worked out on first sight.
    """

    def __missing__(self, token: str) -> str:
        if len(self) >= _STEM_CACHE_LIMIT:
            self.clear()  # bounded memory on an unbounded vocabulary
        words = content_words(token)  # the one definition of a content word
        value = self[token] = stem(words[0]) if len(words) == 1 and words[0] == _possessive(token) else ""
        return value


def _possessive(token: str) -> str:
    return token[:-2] if token.endswith("'s") else token


_CONTENT_STEMS = _ContentStems()


def content_stems(text: str) -> list[str]:
    """Stems of the content words of ``text``: the terms of topics, keyness and duplicates."""
    return content_stems_of(tokenize(text))


def content_stems_of(tokens: Sequence[str]) -> list[str]:
    """``content_stems`` of a text from its ``tokenize`` tokens, when they are already at hand."""
    return list(filter(None, map(_CONTENT_STEMS.__getitem__, tokens)))  # "" (not a content word) dropped


def ngrams(stems: Sequence[str], ngram_range: tuple[int, int]) -> list[str]:
    """The space-joined n-grams of ``stems`` for n in ``ngram_range`` (inclusive), shortest first."""
    lo, hi = ngram_range
    if (lo, hi) == (1, 1):
        return list(stems)
    grams: list[str] = []
    for n in range(lo, hi + 1):
        grams.extend(" ".join(stems[i : i + n]) for i in range(len(stems) - n + 1))
    return grams


class StemAnalyzer:
    """A picklable ``analyzer`` for scikit-learn vectorizers: content stems and their n-grams.

    ``ngram_range=(1, 2)`` yields "minsk", "agreement" and "minsk agreement". N-grams are built
    over the content words, so "the Minsk agreements" and "Minsk agreements" give the same bigram.
    """

    def __init__(self, ngram_range: tuple[int, int] = (1, 1)) -> None:
        self.ngram_range = ngram_range

    def __call__(self, text: str) -> list[str]:
        return ngrams(content_stems(text), self.ngram_range)

    def __repr__(self) -> str:
        return f"StemAnalyzer(ngram_range={self.ngram_range!r})"


class StemListAnalyzer(StemAnalyzer):
    """Like ``StemAnalyzer`` for documents already analysed: each document is its list of content
    stems (from ``content_stems``), so a batch is tokenised and stemmed once and reused by every step.
    """

    def __call__(self, stems: Sequence[str]) -> list[str]:  # type: ignore[override]
        return ngrams(stems, self.ngram_range)

    def __repr__(self) -> str:
        return f"StemListAnalyzer(ngram_range={self.ngram_range!r})"


def surface_forms(texts: Iterable[str]) -> dict[str, str]:
    """Map each stem to its most frequent surface word in ``texts`` (ties: alphabetically first).

    Stems are for counting; people read words: "agreement" rather than "agreement", "negotiations"
    rather than "negoti".
    """
    return surface_forms_of_words(content_words(text) for text in texts)


def surface_forms_of_words(word_lists: Iterable[Sequence[str]]) -> dict[str, str]:
    """``surface_forms`` from the texts' ``content_words``, when they are already computed."""
    counts = Counter(chain.from_iterable(word_lists))  # a word has one stem: count words, stem each once
    best: dict[str, tuple[int, str]] = {}
    for word, n in counts.items():
        s = stem(word)
        if s not in best or (-n, word) < (-best[s][0], best[s][1]):
            best[s] = (n, word)
    return {s: word for s, (_, word) in best.items()}


def readable(term: str, forms: dict[str, str]) -> str:
    """A stemmed term (unigram or space-joined n-gram) in its surface words."""
    return " ".join(forms.get(part, part) for part in term.split(" "))


def count_stems(texts: Sequence[str]) -> Counter[str]:
    """Total counts of content stems over ``texts``."""
    total: Counter[str] = Counter()
    for text in texts:
        total.update(content_stems(text))
    return total


# --- term codes: a text's content stems as 64-bit numbers, packed in bytes -------------------
# The build computes them once per statement; the duplicate search and the topics read them.

_CODE_CACHE: dict[str, int] = {}


def term_codes(stems: Sequence[str]) -> bytes:
    """``stems`` as 64-bit codes (a stable hash of each stem), in order, packed into bytes for a table column.

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


def terms_per_row(packed: Sequence[bytes]) -> np.ndarray:
    """How many terms each of ``packed`` (from ``term_codes``) holds."""
    return np.fromiter(map(len, packed), dtype=np.int64, count=len(packed)) // 8


def unpack_terms(packed: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Row index and code of every term occurrence in ``packed`` (from ``term_codes``), in order."""
    codes = np.frombuffer(b"".join(packed), dtype=np.int64)
    return np.repeat(np.arange(len(packed)), terms_per_row(packed)), codes
