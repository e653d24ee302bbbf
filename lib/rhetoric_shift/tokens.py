"""Words for the analysis: one tokeniser, one stemmer and one stop-word list shared by topics,
duplicates, keyness and the stance index, so that every measure counts the same "words".

Everything here works without nltk data files: ``RegexpTokenizer`` and ``SnowballStemmer``
ship with nltk's code, and the stop words are scikit-learn's English list plus the reporting
verbs and boilerplate of news about diplomacy (``nltk.corpus.stopwords`` would need a download).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize import RegexpTokenizer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# Letters with inner apostrophes or hyphens ("don't", "counter-terrorism", "al-Nusra"); digits
# and punctuation are not words for any of our measures.
_TOKENIZER = RegexpTokenizer(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_STEMMER = SnowballStemmer("english")

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
STOP_WORDS: frozenset[str] = frozenset(ENGLISH_STOP_WORDS) | REPORTING_WORDS


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens of ``text`` (letters only; curly apostrophes made straight)."""
    return [t.replace("’", "'") for t in _TOKENIZER.tokenize(text.lower())]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball (Porter 2) stem of a lower-case word; cached, stemming is the hot loop."""
    return _STEMMER.stem(word)


def content_words(text: str) -> list[str]:
    """Tokens of ``text`` that are not stop words and longer than one letter, unstemmed.

    A possessive "'s" is dropped so that "Ukraine's" counts as "ukraine"; other words with an
    apostrophe are contractions ("we're", "don't") and, like stop words, say nothing of content.
    """
    words = (t[:-2] if t.endswith("'s") else t for t in tokenize(text))
    return [w for w in words if len(w) > 1 and "'" not in w and w not in STOP_WORDS]


def has_content_words(texts: Sequence[str], min_words: int) -> np.ndarray:
    """Boolean mask: which ``texts`` have at least ``min_words`` content words.

    The one test of "long enough" for topics (shorter statements cannot be placed) and
    duplicates (shorter statements match by chance).
    """
    return np.array([len(content_words(t)) >= min_words for t in texts], dtype=bool)


def content_stems(text: str) -> list[str]:
    """Stems of the content words of ``text``: the terms of topics, keyness and duplicates."""
    return [stem(w) for w in content_words(text)]


class StemAnalyzer:
    """A picklable ``analyzer`` for scikit-learn vectorizers: content stems and their n-grams.

    ``ngram_range=(1, 2)`` yields "minsk", "agreement" and "minsk agreement". N-grams are built
    over the content words, so "the Minsk agreements" and "Minsk agreements" give the same bigram.
    """

    def __init__(self, ngram_range: tuple[int, int] = (1, 1)) -> None:
        self.ngram_range = ngram_range

    def __call__(self, text: str) -> list[str]:
        stems = content_stems(text)
        lo, hi = self.ngram_range
        if (lo, hi) == (1, 1):
            return stems
        grams: list[str] = []
        for n in range(lo, hi + 1):
            grams.extend(" ".join(stems[i : i + n]) for i in range(len(stems) - n + 1))
        return grams

    def __repr__(self) -> str:
        return f"StemAnalyzer(ngram_range={self.ngram_range!r})"


def surface_forms(texts: Iterable[str]) -> dict[str, str]:
    """Map each stem to its most frequent surface word in ``texts`` (ties: alphabetically first).

    Stems are for counting; people read words: "agreement" rather than "agreement", "negotiations"
    rather than "negoti".
    """
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        for word in content_words(text):
            counts[stem(word)][word] += 1
    return {s: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for s, c in counts.items()}


def readable(term: str, forms: dict[str, str]) -> str:
    """A stemmed term (unigram or space-joined n-gram) in its surface words."""
    return " ".join(forms.get(part, part) for part in term.split(" "))


def count_stems(texts: Sequence[str]) -> Counter[str]:
    """Total counts of content stems over ``texts``."""
    total: Counter[str] = Counter()
    for text in texts:
        total.update(content_stems(text))
    return total
