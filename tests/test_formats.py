"""The formats registry, detection without a manifest, furniture shapes and the page's own date."""

from __future__ import annotations

import datetime as dt

import pytest

from rhetoric_shift import formats
from rhetoric_shift.cli import main
from rhetoric_shift.dates import document_date, document_year
from rhetoric_shift.furniture import classify_lines
from rhetoric_shift.manifest import FORMATS
from rhetoric_shift.segment import detect_format, findings, segment
from rhetoric_shift.spans import normalize_whitespace


def test_every_manifest_format_has_one_module_and_the_command_lists_them(capsys):
    assert set(formats.NAMES) == set(FORMATS) == set(formats.BY_NAME)
    assert main(["formats"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines() if not line.startswith(" ")]
    assert listed == list(formats.NAMES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SECRETARY KERRY: Thank you.\n\nFOREIGN MINISTER LAVROV: Thank you, John.\n", "transcript"),
        ("S.Lavrov: Good afternoon.\n\nQuestion: Why?\n\nS.Lavrov: Because.\n", "transcript"),
        ("10:19\n\nLavrov arrives.\n\n10:25 GMT\n\nHe speaks.\n", "liveblog"),
        ('Kerry and Lavrov met.\n\n"We agreed," said Kerry.\n', "news"),
        ("20.02.2017 - Remarks\n\nText.\n\n21.02.2017 - Comment\n\nText.\n", "digest"),
        ("The situation in Ukraine: remains grave.\n\nWe call for dialogue.\n", "paragraphs"),
        ("Live Blog\n\nTillerson and Lavrov meet\n\nThe talks began.\n", "liveblog"),
        ("MOSCOW—The talks began on Wednesday.\n\nThey ended late.\n", "news"),
        ("Remarks by Foreign Minister Sergey Lavrov at the OSCE, Basel\n\nThe meeting ends.\n", "transcript"),
        ("Ukraine war news – latest: ministers meet in Delhi\n\nThe ministers met.\n\nThey spoke.\n", "liveblog"),
        ("Ukraine war news – the latest talks in Delhi end\n\nThe ministers met.\n", "paragraphs"),
        ("Europe and Eurasia: Remarks With Foreign Minister Ivanov Before Their Meeting\n\nSECRETARY SMITH: Thank you.\n",
         "transcript"),
    ],
)
def test_detection(text, expected):
    assert detect_format(text) == expected


def reasons(text: str) -> dict[str, str]:
    return {normalize_whitespace(text[ln.start:ln.end]): ln.reason for ln in classify_lines(text) if ln.role == "furniture"}


def test_furniture_by_shape_not_by_site():
    text = (
        "Skip to main content\n\n• de-DE1 en-GB1 ru-RU2\n\nAdjust Comment Print\n\n"
        "Photo: Sergei Lavrov in Moscow / Reuters\n\nRead more: Lavrov meets Kerry\n\n"
        "Russia calls for restraint in Syria.\n\nJuly 2020 (3)\n"
    )
    found = reasons(text)
    assert found["Skip to main content"] == "page furniture"
    assert found["• de-DE1 en-GB1 ru-RU2"] == "language switcher"
    assert found["Adjust Comment Print"] == "page furniture"
    assert found["Photo: Sergei Lavrov in Moscow / Reuters"] == "caption"
    assert found["Read more: Lavrov meets Kerry"] == "teaser"
    assert found["July 2020 (3)"] == "archive menu"
    assert "Russia calls for restraint in Syria." not in found


def test_a_table_of_contents_and_lines_repeated_on_the_page():
    text = (
        "Foreign Ministry News Digest\n\n1. Talks with Kerry\n2. Remarks on Syria\n3. Comment on Ukraine\n\n"
        "Russia supports the ceasefire.\n\nForeign Ministry News Digest\n"
    )
    found = reasons(text)
    assert [found[t] for t in ("1. Talks with Kerry", "2. Remarks on Syria", "3. Comment on Ukraine")] == ["contents"] * 3
    assert found["Foreign Ministry News Digest"] == "repeated line"


@pytest.mark.parametrize(
    ("name", "text", "date"),
    [
        ("cnn.txt", "CNN\nAired April 12, 2017 - 10:00 ET\nTranscript", dt.date(2017, 4, 12)),
        ("mfa.txt", "July 2020 (3)\nJune 2020 (1)\n14 October 2014\nRemarks", dt.date(2014, 10, 14)),
        ("2017-04-12-lavrov.txt", "No date here.", dt.date(2017, 4, 12)),
        ("briefing.txt", "Briefing, 20.02.2017\nText", dt.date(2017, 2, 20)),
        ("un_2014.txt", "On 26 June 1945 the Charter was signed.\n24 September 2014", dt.date(2014, 9, 24)),
        ("note.txt", "No date at all.", None),
    ],
)
def test_the_date_a_page_prints_for_itself(name, text, date):
    assert document_date(name, text) == date


def test_the_year_skips_archive_menus():
    assert document_year("page.txt", "October 2018 (14)\nSeptember 2018 (8)\nRemarks of 2014\n") == 2014


def test_the_report_says_what_to_put_in_the_manifest_when_nobody_speaks():
    result = segment("Russia calls for restraint.\n\nThe talks continue.\n", format="paragraphs")
    notes = findings(result, format_given=False, date=None)
    assert notes[0].startswith("format paragraphs (detected:")
    assert any("speaker = " in note for note in notes)


def test_without_a_manifest_speaker_the_title_names_whose_words_follow():
    text = "Remarks and answers to questions by Foreign Minister Sergey Lavrov, Basel\n\nLadies and Gentlemen,\n\nThe meeting ends.\n"
    result = segment(text)
    assert [(s.kind, s.speaker) for s in result.statements] == [("context", None), ("direct", "Sergey Lavrov")]


@pytest.mark.parametrize(
    ("line", "time"),
    [("10.45am GMT", "10:45"), ("7:35 p.m. ET", "19:35"), ("19:22 , Joe Middleton", "19:22"), ("12.5 percent", None)],
)
def test_clock_stamps_as_live_blogs_print_them(line, time):
    from rhetoric_shift.dates import time_stamp

    assert time_stamp(line) == time


def test_a_caption_printed_twice_and_a_line_with_a_link_are_furniture():
    caption = "Lavrov and Tillerson enter a hall during their meeting in Moscow on Wednesday."
    text = f"{caption}\n\n{caption} PHOTO: AGENCY\n\nYou can find the original at http://example.org/a\n\nLavrov said the talks were useful.\n"
    found = reasons(text)
    assert found[caption] == "caption" and found[f"{caption} PHOTO: AGENCY"] in ("caption", "credit")
    assert found["You can find the original at http://example.org/a"] == "link line"
    assert "Lavrov said the talks were useful." not in found


def test_sentences_about_the_page_are_furniture():
    text = (
        "This article was originally published on 12 April 2017.\n\n"
        "The article has changed 23 times. There is an RSS feed of changes available.\n\n"
        "This article is important, Lavrov said.\n"
    )
    found = reasons(text)
    assert found["This article was originally published on 12 April 2017."] == "about the page"
    assert found["The article has changed 23 times. There is an RSS feed of changes available."] == "about the page"
    assert "This article is important, Lavrov said." not in found


def test_a_story_that_reports_without_quotation_marks_is_news_a_speech_citing_once_is_not():
    story = ("Ministers met in Geneva.\n\nIvanov stressed that the talks must go on.\n\n"
             "The minister noted that no date was set.\n")
    assert detect_format(story) == "news"
    speech = "We meet in difficult times.\n\nAs the Secretary-General said, peace needs work.\n\nWe said so before.\n"
    assert detect_format(speech) == "paragraphs"
