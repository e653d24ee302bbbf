"""The line classifier of page furniture: its cheap pre-checks never change a result, and list
items, speeches' short sentences and emphasised salutations stay text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rhetoric_shift.formats.titles import is_heading
from rhetoric_shift.furniture import FURNITURE_SHAPES, _normalized, classify_lines, furniture_reason
from rhetoric_shift.spans import normalize_whitespace

# Pieces near every shape's cue, with the characters that case-insensitive matching folds onto
# ASCII letters ("ſ" is an "s", the Kelvin sign a "k", "ı" an "i").
PIECES = st.sampled_from([
    "Credit: Reuters", "credit :", "Photo: AP", "IMAGE:", "Translated from Russian by", "TRANSLATED by", "tranſlated by",
    "(L)", "(r)", "(C)", "(c) ", "(centre)", "© ", "Getty Images", "/ Reuters", "/AFP", "function (", "}) ;", "var x =",
    "__a.b(", "RSS feed", "rſs FEED", "www.", "https://x.org", "\"", "“", "This article was first published", "The story",
    "ſ", "\u212a", "ı", "İ", "10:45", "July 2020 (3)", "Read more:", "Contents", " ", "  ", "\t", "\u00a0", "\u200b",
    "de-DE1", "en-GB", "•", "#Syria", "+44 (0) 203 668 7474", "Reuters", "2017", "a", "The", "said.",
])
LINES = st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=12).map("".join)


def first_reason_without_shortcuts(line: str, enumerated: bool = False) -> str | None:
    """The furniture reason by the plain definition: the first shape whose pattern is found."""
    for shape in FURNITURE_SHAPES:
        if shape.max_len is not None and len(line) > shape.max_len:
            continue
        if enumerated and shape.enumerator:
            continue
        if shape.pattern.search(line):
            return shape.reason
    return None


@settings(max_examples=400, deadline=None)
@given(LINES)
def test_cues_are_only_a_shortcut(raw):
    line = normalize_whitespace(raw)
    assert furniture_reason(line) == first_reason_without_shortcuts(line)
    for shape in FURNITURE_SHAPES:
        if shape.cues and shape.pattern.search(line):
            assert any(cue in line.lower() for cue in shape.cues), (shape.reason, line)


@settings(max_examples=400, deadline=None)
@given(st.one_of(
    st.text(alphabet="ab .,", max_size=20),
    st.text(alphabet="ab .,\t\n\r\x0b\x0c\x1c\u00a0\u2009\u3000\u200b\ufeff\u0085", max_size=20),
))
def test_normalising_a_line_takes_the_short_way_only_when_nothing_would_change(raw):
    assert _normalized(raw) == normalize_whitespace(raw)


def roles(text: str) -> list[tuple[str, str, str]]:
    return [(normalize_whitespace(text[ln.start:ln.end]), ln.role, ln.reason) for ln in classify_lines(text) if ln.role != "blank"]


@pytest.mark.parametrize("line", ["(c) 2017 Reuters", "(C) Sputnik / Alexey Nikolsky", "(c) Copyright 2016 CNN", "(c) AFP"])
def test_a_copyright_line_after_the_text(line):
    assert roles(f"Lavrov spoke in Moscow.\n\n{line}\n") == [
        ("Lavrov spoke in Moscow.", "content", ""), (line, "furniture", "copyright line")]


def test_a_list_item_c_is_text_whether_it_opens_in_lower_or_upper_case():
    text = (
        "The Conference should:\n\n(a) reduce armaments;\n\n(b) end the testing of weapons;\n\n"
        "(c) to end speedily the jurisdiction of foreign courts;\n\n(c) Economic Cooperation\n\n"
        "(c)\tThe Government uses forced labour on the harbour works.\n"
    )
    assert all(role == "content" for _, role, _ in roles(text))


def test_a_lone_item_c_with_a_clause_is_text_but_c_and_a_name_alone_is_a_copyright():
    assert roles("(c) The existence of any fact which would constitute a breach;\n")[0][1] == "content"
    assert roles("(c) Integration with an independent State.\n")[0][1] == "content"
    assert roles("(c) Guardian News and Media Limited\n")[0][2] == "copyright line"


def test_an_enumerator_inside_a_paragraph_is_no_photo_caption():
    para = "The Assembly suggested to the parties: (a) direct negotiations; (b) mediation; (c) arbitration."
    assert roles(para + "\n") == [(para, "content", "")]
    caption = "Rex Tillerson (L) and Sergei Lavrov (R) shake hands in Moscow"
    assert roles(caption + "\n")[0][2] == "caption"
    reference = "As for the implementation of section (C) of resolution 687 (1991), we expect progress."
    assert roles(reference + "\n") == [(reference, "content", "")]


def test_a_translators_credit_is_furniture_a_sentence_about_translation_is_not():
    assert roles("Translated from Russian by Kristina Kharlova\n")[0][2] == "credit"
    long_line = ("133. These paramount interests were translated by the people of East Timor into their declaration, "
                 "which the whole nation, after long years of struggle, endorsed with conviction.")
    assert roles(long_line + "\n")[0][1] == "content"


def test_short_sentences_in_a_row_are_a_speech_not_a_table_of_contents():
    text = ("The year the Second World War ended.\n\nThe year the United Nations was founded.\n\n"
            "It was a year when humanity found hope.\n\nThis year is one of the hardest since then.\n")
    assert all(role == "content" for _, role, _ in roles(text))
    cadence = "I remember reading the Declaration…\n\nAs a student.\n\nIt had a profound effect on me.\n\nBecause it speaks about dignity…\n"
    assert all(role == "content" for _, role, _ in roles(cadence))
    contents = "Situation in Syria\n\nKiev regime crimes\n\nLowering the mobilisation age.\n\nSituation in Moldova\n"
    assert [reason for _, _, reason in roles(contents)] == ["contents"] * 4


def test_an_emphasised_salutation_repeated_in_a_speech_is_text():
    text = "**Mr President,**\n\nWe meet again.\n\n**Mr President,**\n\nWe call for peace.\n"
    assert all(role == "content" for _, role, _ in roles(text))
    footer = "Foreign Ministry News\n\nWe meet again.\n\nForeign Ministry News\n"
    assert roles(footer)[0][2] == "repeated line"


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("Situation in Syria", True),
        ("Remarks and answers to media questions by Foreign Minister Sergey Lavrov at a joint news conference "
         "with the Foreign Minister of the Republic of Korea in Moscow on the outcome of the talks", True),
        ("Situation in Syria and the way the talks went and who came and what the ministers said and what "
         "they agreed on", False),  # 21 words and no transcript title: a sentence without its stop
        ("Situation in Syria.", False),
        ("Situation in Syria\u200b:", False),
        ("Situation in\nSyria", False),
        ("“We want peace”", False),
        ("", False),
    ],
)
def test_a_heading_is_one_short_line_without_a_closing_stop(paragraph, expected):
    assert is_heading(paragraph) is expected


def test_a_pager_and_a_relative_time_are_furniture_a_count_in_prose_is_not():
    text = "Version 3 Version 4\nTalks on a ceasefire end in Geneva after two days – live\n(35 minutes later)\n\nPage 1 Page 2 Page 3\n\n2 hours ago\n\nVersion 3 was adopted 2 hours ago.\n"
    assert roles(text) == [
        ("Version 3 Version 4", "furniture", "pager"), ("Talks on a ceasefire end in Geneva after two days – live", "content", ""),
        ("(35 minutes later)", "furniture", "relative time"), ("Page 1 Page 2 Page 3", "furniture", "pager"),
        ("2 hours ago", "furniture", "relative time"), ("Version 3 was adopted 2 hours ago.", "content", ""),
    ]


def test_a_title_right_above_a_credited_caption_is_the_videos_title():
    text = ("The talks went on late.\n\nFive Things to Know About the Talks\nAn analyst explains what is at stake. Photo: AP\n\n"
            "Talks in Moscow\n\nThe ministers met. Photo: AP\n")
    found = roles(text)
    assert found[1] == ("Five Things to Know About the Talks", "furniture", "media caption")
    assert found[2][2] == "credit"
    assert found[3] == ("Talks in Moscow", "content", "")  # a blank line between: a headline of its own


def test_text_above_a_pages_own_title_is_the_sites_header():
    text = ("There were 12 press releases posted in the last 24 hours.\n\n"
            "Europe: Remarks With Foreign Minister Ivanov Before Their Meeting\n\n"
            "SECRETARY SMITH: Thank you.\n")
    assert roles(text)[0] == ("There were 12 press releases posted in the last 24 hours.", "furniture", "above the page title")
    assert roles(text)[1][1] == "content"
    # A title further down, after the text has begun, leaves the text alone.
    body = "".join(f"Paragraph {i} of the speech.\n\n" for i in range(4))
    assert all(role == "content" for _, role, _ in roles(body + "Remarks by Foreign Minister Ivanov at the meeting\n"))


def test_shapes_without_cues_are_anchored_at_the_start_of_the_line():
    # They are tried together by one match at the start of the line, which is only right for these.
    import re._parser as sre_parse  # noqa: PLC0415 (the parser is the only way to see the anchor)

    for shape in FURNITURE_SHAPES:
        if not shape.cues:
            first = sre_parse.parse(shape.pattern.pattern, shape.pattern.flags)[0]
            assert first == (sre_parse.AT, sre_parse.AT_BEGINNING), shape.reason
