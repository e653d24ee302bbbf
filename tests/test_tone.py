"""Tone (VADER, offline) and the stance index (lexicon, negation)."""

from __future__ import annotations

from pathlib import Path

import nltk
import pytest
from conftest import assert_user_error

from rhetoric_shift import tone as tone_module
from rhetoric_shift.tone import load_stance_lexicon, stance, stance_score, stance_terms, tone, vader_analyzer


@pytest.fixture
def offline_nltk(monkeypatch):
    """No nltk data directory at all, and any download attempt fails the test."""

    def no_download(*args, **kwargs):
        raise AssertionError("nltk.download was called")

    monkeypatch.setattr(nltk, "download", no_download)
    monkeypatch.setattr(nltk.data, "path", [])
    vader_analyzer.cache_clear()
    yield
    vader_analyzer.cache_clear()


def test_vader_works_offline_without_nltk_data(offline_nltk):
    # VADER compound = s / sqrt(s^2 + 15), s the sum of the words' lexicon valences:
    # "good" 1.9 + "agreement" 2.2 = 4.1 -> 4.1 / sqrt(31.81) = 0.7269;
    # "terrible" -2.1 + "threat" -2.4 = -4.5 -> -4.5 / sqrt(35.25) = -0.7579;
    # no lexicon word -> 0.0.
    scores = tone(["This is a good agreement.", "This is a terrible threat.", "The meeting is on Tuesday.", ""])
    assert scores == pytest.approx([0.7269, -0.7579, 0.0, 0.0], abs=1e-4)


def test_tone_is_nltks_analyser_not_vadersentiments(offline_nltk):
    # The two implementations differ on capitalised "OK": nltk adds the ALL-CAPS boost,
    # 1.2 + 0.733 = 1.933 -> 1.933 / sqrt(18.737) = 0.4466 (vaderSentiment gives 0.0).
    assert tone(["It is OK."]) == pytest.approx([0.4466], abs=1e-4)


def test_vader_folder_is_added_to_nltk_path_once(offline_nltk):
    vader_analyzer()
    vader_analyzer.cache_clear()
    vader_analyzer()
    assert nltk.data.path == [tone_module._vader_folder()]


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
