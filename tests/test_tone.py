"""Tone (VADER equal to the reference vaderSentiment, offline) and the stance index (lexicon, negation)."""

from __future__ import annotations

from pathlib import Path

import nltk
import pytest
from conftest import assert_user_error

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rhetoric_shift import tone as tone_module
from rhetoric_shift.tone import (
    load_stance_lexicon,
    reference_analyzer,
    reference_tone,
    stance,
    stance_score,
    stance_terms,
    tone,
    vader,
)


@pytest.fixture
def offline(monkeypatch):
    """No nltk data directory at all, and any download attempt fails the test."""

    def no_download(*args, **kwargs):
        raise AssertionError("nltk.download was called")

    monkeypatch.setattr(nltk, "download", no_download)
    monkeypatch.setattr(nltk.data, "path", [])
    vader.cache_clear()
    reference_analyzer.cache_clear()
    yield
    vader.cache_clear()


def test_vader_works_offline(offline):
    # VADER compound = s / sqrt(s^2 + 15), s the sum of the words' lexicon valences:
    # "good" 1.9 + "agreement" 2.2 = 4.1 -> 4.1 / sqrt(31.81) = 0.7269;
    # "terrible" -2.1 + "threat" -2.4 = -4.5 -> -4.5 / sqrt(35.25) = -0.7579;
    # no lexicon word -> 0.0.
    scores = tone(["This is a good agreement.", "This is a terrible threat.", "The meeting is on Tuesday.", ""])
    assert scores == pytest.approx([0.7269, -0.7579, 0.0, 0.0], abs=1e-4)


@pytest.mark.parametrize(
    "text, expected",
    [
        # The reference strips punctuation only from tokens longer than two letters once stripped:
        # "OK." stays "OK.", which is not in the lexicon (nltk's port scores it 0.4466).
        ("It is OK.", 0.0),
        # Scare quotes are stripped: '"good"' is "good", 1.9 / sqrt(1.9^2 + 15) = 0.4404.
        ('They call it "good" news.', 0.4404),
        # One "!" adds 0.292 to a positive sum: 2.192 / sqrt(2.192^2 + 15) = 0.4925.
        ("It is good!", 0.4925),
        # Negation multiplies by -0.74: "not good" = -1.406 -> -1.406 / sqrt(1.406^2 + 15) = -0.3412.
        ("It is not good.", -0.3412),
    ],
)
def test_tone_values_worked_by_hand(text, expected):
    assert tone([text]) == pytest.approx([expected], abs=1e-4)


# Sentences that exercise every rule of VADER; the reference package is the oracle.
TRICKY = [
    "Russia is not ready for confrontation.",
    "This isn't a bad agreement at all.",
    "Never so good, never this good, never good.",
    "Without a doubt, an excellent idea.",
    "Without doubt, a good idea; without support, a bad one.",
    "The talks were useful, but the results are disappointing.",
    "The talks were disappointing but useful, but fragile.",
    "Good and good but bad and good.",  # the reference's "but" rule finds equal values by index
    "We want peace but not war, but we will defend ourselves.",
    "This is GOOD news for everyone.",
    "This is VERY good news.",
    "THIS IS ALL IN CAPITALS AND GOOD.",
    "NO good will come of it.",
    "There is no problem, no or nor threat here.",
    "A terrible, terrible mistake!!",
    "Stop the aggression!!!!!!",
    "Really?? Is this fair???",
    "Are you sure? Fair enough.",
    "The so-called 'peacekeepers' and their \u201cdemocracy\u201d bring \"freedom\".",
    "They are 'partners', they say.",
    "We are happy :) and sad :( at once :D",
    "Peace \U0001F54A\ufe0f and love \u2764 and a smile\U0001F601now \U0001F622",
    "The plan is kind of good, sort of helpful and kinda sad.",
    "The kind people of this land.",
    "This agreement is the bomb, yeah right, the kiss of death.",
    "That was the shit, a bad ass badass, a bus stop.",
    "It is the least good option; at least it is good; the very least helpful.",
    "Least helpful of all.",
    "He barely supported it and hardly helped; it was slightly better.",
    "Absolutely, extremely, incredibly HAPPY with the friendship.",
    "Enemies threaten, terrorists kill; we condemn terrorism.",
    "",
    "   ",
    "...!!!",
    "No",
    "no no no good",
    "It's a 'win-win' situation, isn't it?",
    "Ceasefire violations don't help.",
]


@pytest.mark.parametrize("text", TRICKY)
def test_tone_equals_the_reference_vader(text):
    assert tone([text]) == [reference_tone([text])[0]]


_WORDS = st.sampled_from(
    "good bad GOOD BAD not no never so this without doubt but least at very kind of sort "
    "kinda really extremely barely the bomb shit yeah right kiss death isn't don't nor or "
    "peace war threat agreement 'good' \"bad\" good! bad? :) :( \U0001F601 ok OK. hope fear".split()
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_WORDS, max_size=14), st.sampled_from(["", ".", "!", "!!", "?", "??", "???!"]))
def test_tone_equals_the_reference_on_random_word_sequences(words, ending):
    text = " ".join(words) + ending
    assert tone([text]) == reference_tone([text])


def test_each_distinct_text_is_scored_once(monkeypatch):
    calls = []
    scorer = vader()
    original = scorer.compound
    good, bad = original("Good."), original("Bad.")
    monkeypatch.setattr(scorer, "compound", lambda t: calls.append(t) or original(t))
    assert tone(["Good.", "Bad.", "Good."]) == [good, bad, good]
    assert calls == ["Good.", "Bad."]


@pytest.mark.parametrize(
    "text, terms, score",
    [
        ("Russia is ready for dialogue and cooperation.", [("dialogue", 1), ("cooperation", 1)], 1.0),
        ("Sanctions and pressure are unacceptable.", [("sanctions", -1), ("pressure", -1), ("unacceptable", -1)], -1.0),
        # one of each: (1 - 1) / 2 = 0
        ("Partnership despite the threats.", [("partnership", 1), ("threats", -1)], 0.0),
        # "not sanctions" is negated confrontation, so it counts for cooperation
        ("We want dialogue, not sanctions.", [("dialogue", 1), ("not sanctions", 1)], 1.0),
        # negation within three tokens before flips the sign
        ("This is not a threat.", [("not a threat", 1)], 1.0),
        ("Russia refrains from confrontation.", [("refrains from confrontation", 1)], 1.0),
        ("They acted without any consultation.", [("without any consultation", -1)], -1.0),
        ("They don't want dialogue.", [("don't want dialogue", -1)], -1.0),
        # four tokens away is outside the window: not flipped
        ("No, we see it as a threat.", [("threat", -1)], -1.0),
        # multi-word entry; longest match wins
        ("There are double standards.", [("double standards", -1)], -1.0),
        # "constructive" is matched as written: "construction" (same stem) is not cooperation
        ("The talks were constructive; the construction goes on.", [("talks", 1), ("constructive", 1)], 1.0),
        ("The weather is fine today.", [], 0.0),
    ],
)
def test_stance_terms_and_score(text, terms, score):
    assert stance_terms(text) == terms
    assert stance([text]) == [score]


def test_stance_score_formula():
    # (coop - conf) / (coop + conf): 3 cooperation, 1 confrontation -> (3 - 1) / 4 = 0.5
    assert stance_score([("a", 1), ("b", 1), ("c", 1), ("d", -1)]) == 0.5
    assert stance_score([]) == 0.0


def test_user_stance_lexicon(tmp_path: Path):
    path = tmp_path / "stance.toml"
    path.write_text(
        'negators = ["hardly"]\nnegation_window = 1\n[cooperation]\nstems = ["friendship"]\n[confrontation]\nexact = ["rivals"]\n',
        encoding="utf-8",
    )
    lexicon = load_stance_lexicon(path)
    assert stance_terms("Hardly friendship; rivals, friendships.", lexicon) == [
        ("hardly friendship", -1),
        ("rivals", -1),
        ("friendships", 1),
    ]


@pytest.mark.parametrize(
    "content, problem",
    [
        ("[cooperation]\nstems = ['a']", "missing [confrontation] table"),
        ("negation_window = 'x'\n[cooperation]\n[confrontation]", "'negation_window' must be an integer"),
        ("[cooperation]\nstem = ['a']\n[confrontation]", "unknown key 'stem'"),
        ("[cooperation]\nstems = [1]\n[confrontation]", "must be a list of words"),
        ("[cooperation", "not valid TOML"),
    ],
)
def test_bad_stance_lexicon(tmp_path: Path, content: str, problem: str):
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError) as info:
        load_stance_lexicon(path)
    assert_user_error(info.value, path, problem)
