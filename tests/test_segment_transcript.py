"""Transcripts as outlets print them: labels in any case, with titles, initials, roles and notes."""

from __future__ import annotations

import pytest

from rhetoric_shift.build import statement_actor
from rhetoric_shift.segment import detect_format, segment
from rhetoric_shift.spans import normalize_whitespace
from rhetoric_shift.speakers import SpeakerRegistry

REGISTRY = SpeakerRegistry.load()
LAVROV, KERRY = "Sergey Lavrov", "John Kerry"

JOINT = (
    "Remarks With Russian Foreign Minister Sergey Lavrov at a Joint Press Availability\n\n"
    "SECRETARY KERRY: Well, thank you very much, Sergey. We had a productive meeting.\n\n"
    "FOREIGN MINISTER LAVROV: (Via interpreter) Thank you, John. We discussed Syria at length. (Applause.)\n\n"
    "We also spoke about Ukraine.\n\n"
    "QUESTION: Mr. Secretary, is there a deal on Syria?\n\n"
    "SERGEY LAVROV, RUSSIAN FOREIGN MINISTER (THROUGH TRANSLATOR): We are close.\n\n"
    "S.Lavrov: Let me add one thing. MODERATOR: Next question, please.\n\n"
    "MS. JANE DOE, CBS NEWS: Thank you. What about Ukraine?\n\n"
    "AMBASSADOR IVAN PETROV: I will answer that.\n"
)


def rows(text, **kwargs):
    result = segment(text, registry=REGISTRY, **kwargs)
    return [(s.kind, s.speaker, normalize_whitespace(text[s.start:s.end])) for s in result.statements]


def test_a_joint_press_conference_gives_each_side_its_own_words():
    assert rows(JOINT, format="transcript", speaker=LAVROV) == [
        ("context", None, "Remarks With Russian Foreign Minister Sergey Lavrov at a Joint Press Availability"),
        ("direct", KERRY, "Well, thank you very much, Sergey. We had a productive meeting."),
        ("direct", LAVROV, "Thank you, John. We discussed Syria at length."),
        ("direct", LAVROV, "We also spoke about Ukraine."),  # an unlabelled paragraph continues the turn
        ("question", "Press", "Mr. Secretary, is there a deal on Syria?"),
        ("direct", LAVROV, "We are close."),
        ("direct", LAVROV, "Let me add one thing."),
        ("direct", "Moderator", "Next question, please."),
        ("question", "Press", "Thank you. What about Ukraine?"),  # a role naming an outlet is the press
        ("direct", "Ivan Petrov", "I will answer that."),  # unknown: the printed name, never the default speaker
    ]


def test_labels_and_stage_notes_are_dropped_with_their_reasons():
    result = segment(JOINT, format="transcript", speaker=LAVROV, registry=REGISTRY)
    dropped = [(d.reason, normalize_whitespace(JOINT[d.start:d.end])) for d in result.dropped]
    assert ("stage note", "(Via interpreter)") in dropped
    assert ("stage note", "(Applause.)") in dropped
    assert ("speaker label", "SERGEY LAVROV, RUSSIAN FOREIGN MINISTER (THROUGH TRANSLATOR):") in dropped
    assert ("speaker label", "S.Lavrov:") in dropped
    texts = " ".join(normalize_whitespace(JOINT[s.start:s.end]) for s in result.statements)
    assert "interpreter" not in texts and "Applause" not in texts


def test_a_note_inside_a_turn_leaves_the_words_around_it_to_the_speaker():
    text = "Sergey Lavrov: We agreed (inaudible) on the ceasefire.\n"
    assert rows(text, format="transcript") == [("direct", LAVROV, "We agreed"), ("direct", LAVROV, "on the ceasefire.")]


@pytest.mark.parametrize(
    ("label", "speaker"),
    [
        ("S.Lavrov", LAVROV),
        ("SECRETARY KERRY", KERRY),
        ("Secretary Tillerson", "Rex Tillerson"),
        ("QUESTION", "Press"),
        ("Q (Reuters)", "Press"),
        ("SERGEY LAVROV, RUSSIAN FOREIGN MINISTER (THROUGH TRANSLATOR)", LAVROV),
        ("JOHN SMITH, REPORTER", "Press"),
        ("MR. IVAN PETROV-VODKIN", "Ivan Petrov-Vodkin"),
        ("Ivan Petrov", "Ivan Petrov"),
    ],
)
def test_label_speaker(label, speaker):
    assert REGISTRY.label_speaker(label) == speaker


def test_the_actor_is_the_speakers_state_then_the_documents_and_none_for_the_press():
    assert statement_actor(KERRY, "RUS", REGISTRY) == "USA"
    assert statement_actor(LAVROV, "USA", REGISTRY) == "RUS"
    assert statement_actor("Ivan Petrov", "RUS", REGISTRY) == "RUS"
    assert statement_actor(None, "RUS", REGISTRY) == "RUS"
    assert statement_actor("Press", "RUS", REGISTRY) is None


def test_capitalised_words_before_a_colon_in_prose_are_no_label():
    text = "In Syria, the situation is grave: we must act.\n\nThe Minsk Agreements: there is no alternative.\n"
    assert [r[1] for r in rows(text, format="transcript", speaker=LAVROV)] == [LAVROV, LAVROV]


def test_a_transcript_in_capitals_is_detected():
    assert detect_format(JOINT) == "transcript"


def test_a_heading_of_capitals_and_commas_is_no_label_and_is_read_in_linear_time():
    # Before role words were taken whole, each of these lines cost seconds to hours (backtracking).
    from rhetoric_shift.formats.transcript import count_labelled, label_pattern

    headings = ["DISARMAMENT, INTERNATIONAL PEACE AND SECURITY",
                "DISARMAMENT, INTERNATIONAL PEACE AND SECURITY, ECONOMIC AND SOCIAL DEVELOPMENT, HUMAN RIGHTS AND DECOLONIZATION"]
    assert count_labelled(headings) == 0
    pattern = label_pattern(SpeakerRegistry.load())
    assert [pattern.search(h) for h in headings] == [None, None]
    label = pattern.search("SERGEY LAVROV, RUSSIAN FOREIGN MINISTER (THROUGH TRANSLATOR): We agree.")
    assert label.group("label") == "SERGEY LAVROV, RUSSIAN FOREIGN MINISTER (THROUGH TRANSLATOR)"
