"""Tokens: the fast way through ASCII text gives exactly the words of the regular expression."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rhetoric_shift.tokens import _WORDS, StemAnalyzer, StemListAnalyzer, tokenize


def regex_words(text: str) -> list[str]:
    return _WORDS.findall(text.lower().replace("’", "'"))


@pytest.mark.parametrize("text, expected", [
    ("The U.S.-Russia talks", ["the", "u", "s", "russia", "talks"]),  # a hyphen after a dot joins nothing
    ("counter-terrorism and al-Nusra's", ["counter-terrorism", "and", "al-nusra's"]),
    ("-peace- 'war' --x-- y'- z-'w", ["peace", "war", "x", "y", "z", "w"]),  # apostrophes and hyphens join only letters
    ("G20, 1945s, snake_case, x2y", ["g", "s", "snake", "case", "x", "y"]),  # digits and underscores split words
    ("Russia’s Ukraine's", ["russia's", "ukraine's"]),  # the curly apostrophe made straight
    ("", []),
    ("...!!! 123", []),
])
def test_tokens_worked_by_hand(text, expected):
    assert tokenize(text) == expected


@pytest.mark.parametrize("text", [
    "Côte d’Ivoire and São Tomé", "İstanbul İ", "\u212aelvin", "a\u00a0b\u2003c", "x²y and Ⅻ", "tab\tnew\nline\rcr\x0bvt\x1ffs",
])
def test_tokens_of_non_ascii_and_odd_white_space_equal_the_regex(text):
    assert tokenize(text) == regex_words(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aZq '’-_.,1\t\n\x1c\x85\u00a0é", max_size=40))
def test_tokens_equal_the_regex_on_random_strings(text):
    assert tokenize(text) == regex_words(text)


def test_gc_paused_runs_without_the_collector_and_restores_it():
    import gc

    from rhetoric_shift.tokens import gc_paused

    @gc_paused
    def state(fail: bool = False) -> bool:
        if fail:
            raise ValueError("boom")
        return gc.isenabled()

    was = gc.isenabled()
    try:
        gc.enable()
        assert state() is False and gc.isenabled()
        with pytest.raises(ValueError):
            state(fail=True)
        assert gc.isenabled()  # resumed after an error too
        gc.disable()
        assert state() is False and not gc.isenabled()  # left off when it was off
    finally:
        gc.enable() if was else gc.disable()


def test_each_analyzer_names_itself_in_its_repr():
    # a fitted vectorizer's repr shows its analyzer: it must say which of the two it holds
    assert repr(StemAnalyzer((1, 2))) == "StemAnalyzer(ngram_range=(1, 2))"
    assert repr(StemListAnalyzer((1, 1))) == "StemListAnalyzer(ngram_range=(1, 1))"


def test_the_bundled_stop_words_are_scikit_learns():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as sklearn_words

    from rhetoric_shift.tokens import ENGLISH_STOP_WORDS

    assert ENGLISH_STOP_WORDS == frozenset(sklearn_words)
