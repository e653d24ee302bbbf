"""Tone (VADER equal to the reference vaderSentiment, offline) and the stance index (lexicon, negation)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pandas as pd
import pytest
from conftest import SEEDS, assert_user_error, make_table

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rhetoric_shift.enrich import enrich
from rhetoric_shift.targets import load_lexicon
from rhetoric_shift.stance import inflections, sentences
from rhetoric_shift.tone import (
    load_stance_lexicon,
    reference_analyzer,
    reference_tone,
    stance,
    stance_score,
    stance_terms,
    target_stance,
    tone,
    validation_figures,
    vader,
    write_figures,
)


@pytest.fixture
def offline(monkeypatch):
    """Fresh VADER caches, and any attempt to open a network connection fails the test."""

    def no_network(*args, **kwargs):
        raise AssertionError("a network connection was attempted")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
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


# --- stance rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word, expected",
    [
        ("threat", {"threat", "threats", "threated", "threating", "threatted", "threatting"}),
        ("cooperate", {"cooperate", "cooperates", "cooperated", "cooperating"}),
        ("agree", {"agree", "agrees", "agreed", "agreeing"}),
        ("enemy", {"enemy", "enemies", "enemied", "enemying"}),
        ("approach", {"approach", "approaches", "approached", "approaching", "approachhed", "approachhing"}),
    ],
)
def test_inflections(word, expected):
    assert inflections(word) == expected


@pytest.mark.parametrize(
    "text, terms",
    [
        # derived words that shared a Snowball stem with an entry are no longer caught
        ("I doubt they will make an exception; it is exceptional.", []),
        ("The Americans are known for their exceptionalism.", [("exceptionalism", -1)]),
        ("The text contains provisions on products and production.", []),
        ("A policy of containment.", [("containment", -1)]),
        ("The dictator and his dictatorship.", []),
        ("They dictated their terms.", [("dictated", -1)]),
        ("A consultant's report; ignorance.", []),
        ("We consulted our partners; they ignored us.", [("consulted", 1), ("partners", 1), ("ignored", -1)]),
    ],
)
def test_no_stem_collisions(text, terms):
    assert stance_terms(text) == terms


def test_no_form_is_both_cooperation_and_confrontation():
    lexicon = load_stance_lexicon()
    signs: dict[str, set[int]] = {}
    for terms in lexicon.by_first.values():
        for term in terms:
            if len(term.words) == 1:
                for form in term.words[0]:
                    signs.setdefault(form, set()).add(term.sign)
    assert not [form for form, s in signs.items() if len(s) > 1]


@pytest.mark.parametrize(
    "text, terms",
    [
        ("The Organisation for Security and Cooperation in Europe met in Basel.", []),
        ("Delegates of the Syrian National Dialogue Congress arrived.", []),
        ("The Caspian Council for Dialogue and Partnership met.", []),  # a name the lexicon does not list
        ("Dialogue Congress delegates arrived.", []),  # sentence-initial, followed by a capitalised word
        ("the shanghai cooperation organisation met.", []),  # listed in `names`
        ("Cooperation with China is growing.", [("cooperation", 1)]),  # sentence-initial, then lower case
        ("He said: Dialogue is the only way.", [("dialogue", 1)]),
        ("RUSSIA READY FOR DIALOGUE", [("dialogue", 1)]),  # a headline in capitals is not a name
    ],
)
def test_terms_inside_proper_names_do_not_count(text, terms):
    assert stance_terms(text) == terms


@pytest.mark.parametrize(
    "text, terms",
    [
        ("Russia and China propose to freeze any confrontation.", [("freeze any confrontation", 1)]),
        ("They lifted the sanctions.", [("lifted the sanctions", 1)]),
        ("They suspended cooperation.", [("suspended cooperation", -1)]),
        ("We prefer dialogue instead of confrontation.", [("dialogue", 1), ("instead of confrontation", 1)]),
        # a comma or "but" ends the negator's scope
        ("We will not accept it, dialogue is needed.", [("dialogue", 1)]),
        ("Not this but sanctions.", [("sanctions", -1)]),
        ("Not sanctions.", [("not sanctions", 1)]),
        # a preposition is no reverser: sanctions against someone are still sanctions
        ("Sanctions against Russia are unacceptable.", [("sanctions", -1), ("unacceptable", -1)]),
    ],
)
def test_negation_scope(text, terms):
    assert stance_terms(text) == terms


@pytest.mark.parametrize(
    "text, terms",
    [
        ("There is a terrorist threat in the region.", []),
        ("The threat of terrorism grows.", []),
        ("Pressure on the terrorists must grow.", []),
        ("The US threat to Iran grows.", [("threat", -1)]),
        # a threat in another clause is not the terrorists'
        ("They threaten us, while terrorism spreads.", [("threaten", -1)]),
    ],
)
def test_threats_everyone_shares_are_not_confrontation(text, terms):
    assert stance_terms(text) == terms


def test_sentences_do_not_end_at_initials_or_titles():
    text = "U.S. officials met Mr. Lavrov. He said no. Then? Yes"
    assert [text[a:b] for a, b in sentences(text)] == ["U.S. officials met Mr. Lavrov.", "He said no.", "Then?", "Yes"]


def test_target_stance_counts_only_the_sentences_naming_the_target():
    text = "Russia is ready for dialogue with Syria. The US threatens Syria and imposes sanctions. We want trust."
    # Syria: sentences 1-2: dialogue +, threatens -, sanctions - -> (1 - 2) / 3 = -0.3333
    # US: sentence 2 only: two confrontation terms -> -1.0; the third sentence names nobody.
    assert target_stance([text, "No target here."], [["Syria", "US"], []]) == ['{"Syria": -0.3333, "US": -1.0}', "{}"]
    assert stance([text]) == [pytest.approx((2 - 2) / 4)]


def test_target_stance_of_one_sentence_is_its_stance():
    text = "Russia and Syria agreed on a ceasefire, despite the threats."
    assert json.loads(target_stance([text], [["Syria"]])[0]) == {"Syria": pytest.approx(stance([text])[0], abs=1e-4)}


def test_enrich_fills_target_stance():
    table = make_table([
        {"text": "We want dialogue with Syria. Washington threatens everyone."},
        {"text": "Nothing to see."},
    ])
    out = enrich(table)
    assert list(out["target_stance"]) == ['{"Syria": 1.0, "US": -1.0}', "{}"]


def test_validation_figures_round_trip(tmp_path: Path):
    figures = [{"set": "seeds", "measure": "tone", "version": "after", "n": 3, "accuracy": 0.667, "kappa": 0.5, "neutral": 1}]
    path = write_figures(figures, gold_file="gold.csv", before="abc", path=tmp_path / "v.toml")
    frame = validation_figures(path)
    assert frame.to_dict("records") == figures
    assert "gold.csv" in frame.attrs["note"] and "abc" in frame.attrs["note"]


def test_method_page_shows_the_measured_agreement(tmp_path: Path, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from conftest import ROOT

    st.cache_data.clear()
    path = tmp_path / "t.parquet"
    make_table([{"text": "We want dialogue with Syria.", "targets": ["Syria"]}]).to_parquet(path)
    monkeypatch.setenv("RHETORIC_SHIFT_TABLE", str(path))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.switch_page("pages/method.py")
    at.run()
    assert not at.exception
    shown = next(frame.value for frame in at.dataframe if list(frame.value.columns) == list(validation_figures().columns))
    expected = validation_figures()
    assert len(expected) >= 4 and set(expected["measure"]) == {"stance", "tone"}
    pd.testing.assert_frame_equal(shown.reset_index(drop=True), expected, check_dtype=False)


def test_the_hand_coded_set_is_complete_and_well_formed():
    import csv

    from conftest import ROOT

    with (ROOT / "tests" / "data" / "stance_gold.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    coded = [r for r in rows if r["target"]]
    assert len(coded) >= 150 and len({r["statement_id"] for r in rows}) >= 150
    assert {r["stance"] for r in coded} == {"cooperative", "neutral", "confrontational"}
    assert {r["tone"] for r in rows} == {"positive", "neutral", "negative"}
    assert {r["kind"] for r in rows} == {"direct", "reported"}
    lexicon = load_lexicon()
    # Each coded target is named by its statement; a targets lexicon that stops naming many of them
    # would leave the benchmark scoring pairs the table no longer has.
    assert sum(r["target"] in lexicon.tag(r["text"]) for r in coded) >= 0.95 * len(coded)


@pytest.mark.parametrize("text", [
    "Russia’s cooperation with Ukraine's partners is not a threat.",
    "İstanbul talks: dialogue, not confrontation; counter-terrorism co-operation.",
    "We don't want confrontation — we want DIALOGUE and “partnership”.",
    "The Organization for Security and Co-operation in Europe met; rivals’ threats grew.",
])
def test_stance_terms_from_shared_tokens_equal_those_of_the_text(text):
    from rhetoric_shift.stance import stance_matches
    from rhetoric_shift.tokens import tokenize

    assert stance_matches(text, tokens=tokenize(text)) == stance_matches(text)


def test_stance_terms_from_shared_tokens_on_the_seeds():
    from rhetoric_shift.stance import stance_matches
    from rhetoric_shift.tokens import tokenize

    texts = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    paragraphs = [para for t in texts for para in t.split("\n") if para.strip()]
    assert len(paragraphs) > 100
    assert [stance_matches(p, tokens=tokenize(p)) for p in paragraphs] == [stance_matches(p) for p in paragraphs]


@pytest.mark.parametrize("text", [
    # repeated words, a word inside longer words, words joined by hyphens and apostrophes, digits
    "peace, peacekeeping and peace-building; peace's price: peace2peace and 'peace' - peace-",
    "war warfare toward war's end; anti-war, war - war' war-'s 1war war",
    "Russia’s and Russia's; the rivals’ threats, threat-threat and threats’",
    "İstanbul: dialogue İ dialogue and DIALOGUE",  # the capital whose lower case is longer
    "x y x-y y-x x'y x",
])
def test_word_spans_found_without_a_second_regex_pass_equal_the_regex_spans(text):
    # Spans asked for in any order (a candidate term far into the text first, then its neighbours)
    # equal those of the regular expression over the original text.
    import random

    from rhetoric_shift.stance import _WORD, _Tokens
    from rhetoric_shift.tokens import tokenize

    expected = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    for seed in range(5):
        tokens = _Tokens(text, tokenize(text))
        order = list(range(len(expected)))
        random.Random(seed).shuffle(order)
        assert {i: (tokens.start(i), tokens.end(i)) for i in order} == dict(enumerate(expected))
