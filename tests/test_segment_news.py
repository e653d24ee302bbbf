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


def actors(text, fmt="news", speaker=LAVROV, document_actor="RUS"):
    from rhetoric_shift.build import statement_actor

    result = segment(text, format=fmt, speaker=speaker, registry=REGISTRY)
    return [(s.kind, s.speaker, statement_actor(s.speaker, document_actor, REGISTRY, result.countries)) for s in result.statements]


def test_institutions_and_unnamed_officials_speak_for_their_state():
    text = (
        "US officials said the meeting lasted ten minutes.\n\n"
        "The Russian Embassy replied that Britain had achieved nothing.\n\n"
        "The U.S. says that the regime used sarin gas.\n"
    )
    assert actors(text) == [
        ("reported", "US officials", "USA"),
        ("reported", "Russian Embassy", "RUS"),
        ("reported", "U.S.", "USA"),
    ]


def test_a_stranger_speaks_for_the_state_of_their_post_or_for_none():
    text = (
        "Mykhailo Podolyak, a presidential aide to Ukraine's president, said the claim was false.\n\n"
        "Jan Egeland, the head of a refugee charity, said aid must reach Aleppo.\n"
    )
    assert actors(text) == [
        ("reported", "Mykhailo Podolyak", "UKR"),
        ("reported", "Jan Egeland", None),  # an NGO head speaks for no state, not for the document's
    ]


def test_he_after_an_institution_is_the_person_named_last():
    text = (
        "The Russian Embassy has responded to Boris Johnson's call for protests.\n\n"
        "The foreign secretary said he wants to see demonstrations.\n"
    )
    assert [r[1] for r in rows(text, format="news")] == ["Russian Embassy", "Boris Johnson"]


def test_datelines_with_a_dash():
    result = segment("MOSCOW, 12 APR – RIA Novosti. Lavrov spoke about the talks.\n", format="news", year=2017, registry=REGISTRY)
    assert [(d.reason, d.end) for d in result.dropped][0] == ("dateline", len("MOSCOW, 12 APR – RIA Novosti."))
    assert result.statements[0].date.isoformat() == "2017-04-12"
    attached = "MOSCOW—U.S. Secretary of State Rex Tillerson met Lavrov.\n"
    assert rows(attached, format="news")[0][2] == "U.S. Secretary of State Rex Tillerson met Lavrov."
    assert rows("NATO - the alliance said it would respond.\n", format="news")[0][2].startswith("NATO")


def test_two_registries_in_one_process_each_attribute_by_their_own_aliases():
    # The frame patterns are compiled once per registry's aliases and reused by every document:
    # a registry must never get another's patterns, in either order. Both names open in lower
    # case, so only an alias makes them speakers ("Farhan" or "Mistura" alone is nobody known).
    text = "bin Farhan said the talks had been useful.\n\nde Mistura said the talks had been useful.\n"
    saudi = SpeakerRegistry({"Faisal bin Farhan": "Faisal bin Farhan", "bin Farhan": "Faisal bin Farhan"})
    envoy = SpeakerRegistry({"Staffan de Mistura": "Staffan de Mistura", "de Mistura": "Staffan de Mistura"})

    def attributed(registry):
        return [(s.kind, s.speaker) for s in segment(text, format="news", registry=registry).statements]

    assert attributed(saudi) == [("reported", "Faisal bin Farhan"), ("context", None)]
    assert attributed(envoy) == [("context", None), ("reported", "Staffan de Mistura")]
    assert attributed(saudi) == [("reported", "Faisal bin Farhan"), ("context", None)]
