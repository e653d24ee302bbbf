"""News stories beyond the seeds: third parties keep their words, attributions in any position."""

from __future__ import annotations

from rhetoric_shift.segment import detect_format, segment
from rhetoric_shift.spans import normalize_whitespace
from rhetoric_shift.speakers import SpeakerRegistry

REGISTRY = SpeakerRegistry.load()
LAVROV = "Sergey Lavrov"


def rows(text, **kwargs):
    result = segment(text, registry=REGISTRY, **kwargs)
    return [(s.kind, s.speaker, normalize_whitespace(text[s.start:s.end])) for s in result.statements]


def test_a_third_party_keeps_the_words_the_story_gives_them():
    text = (
        '"This administration is focused on one big thing," a senior US official told the BBC. '
        "He said sanctions would stay.\n\n"
        '"We will not accept ultimatums," Lavrov said.\n'
    )
    assert rows(text, format="news", speaker=LAVROV) == [
        ("direct", "US official", "This administration is focused on one big thing"),
        ("reported", "US official", "He said sanctions would stay."),  # "he": the person named last
        ("direct", LAVROV, "We will not accept ultimatums"),
    ]


def test_a_person_the_registry_does_not_know_is_named_as_printed_and_by_surname_later():
    text = (
        "John Smith, a spokesman for the State Department, said the talks had been useful. "
        '"We made progress," said Smith.\n'
    )
    assert rows(text, format="news", speaker=LAVROV) == [
        ("reported", "John Smith", "John Smith, a spokesman for the State Department, said the talks had been useful."),
        ("direct", "John Smith", "We made progress"),
    ]


def test_quoted_as_saying_and_told_an_outlet():
    text = "Peskov is quoted as saying the Kremlin was ready to talk.\n\nKerry told CNN the ceasefire was holding.\n"
    assert [r[:2] for r in rows(text, format="news", speaker=LAVROV)] == [("reported", "Dmitry Peskov"), ("reported", "John Kerry")]


def test_an_attribution_on_its_own_line_after_the_quotation():
    text = '"The West must stop pretending that nothing happened."\n\n– Sergei Lavrov, Russian foreign minister\n'
    result = segment(text, format="news", speaker="Dmitry Peskov", registry=REGISTRY)
    assert [(s.kind, s.speaker) for s in result.statements] == [("direct", LAVROV)]
    assert [d.reason for d in result.dropped] == ["attribution"]


def test_an_attribution_label_before_the_quotation():
    text = 'Foreign Minister Sergei Lavrov:\n\n"We are ready for dialogue."\n'
    assert rows(text, format="news") == [("direct", LAVROV, "We are ready for dialogue.")]


def test_a_place_or_an_institution_is_no_speaker():
    text = "Moscow said the strikes were illegal.\n\nThe Foreign Ministry said it would respond.\n"
    assert [r[:2] for r in rows(text, format="news")] == [("context", None), ("context", None)]


def test_a_wire_story_with_a_dateline_is_news():
    assert detect_format("WASHINGTON, March 3, 2017 (Reuters) - The talks ended.\n\nMore text.\n") == "news"
