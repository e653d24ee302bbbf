"""Segmentation per format, on short excerpts written for these tests.

Each expected row is what a careful reader says about the excerpt: who speaks, in which kind.
"""

from __future__ import annotations

import datetime as dt

import pytest

from rhetoric_shift.segment import detect_format, segment, title_speaker
from rhetoric_shift.spans import normalize_whitespace
from rhetoric_shift.speakers import SpeakerRegistry

LAVROV = "Sergey Lavrov"


def rows(text: str, **kwargs) -> list[tuple[str, str | None, str]]:
    """(kind, speaker, text) of every statement."""
    result = segment(text, **kwargs)
    return [(s.kind, s.speaker, normalize_whitespace(text[s.start:s.end])) for s in result.statements]


def dropped(text: str, **kwargs) -> list[tuple[str, str]]:
    result = segment(text, **kwargs)
    return [(d.reason, normalize_whitespace(text[d.start:d.end])) for d in result.dropped]


# --- news reports ----------------------------------------------------------------------------

NEWS = (
    "Minister holds annual press conference\n\n"
    "MOSCOW, January 17. /TASS/. Terrorism was the key threat last year, Foreign Minister Sergey Lavrov said:\n\n"
    '"The number of threats did not decrease," he said. Moscow regrets that the community "still cannot unite":\n\n'
    '"Of course this causes concern," Lavrov said.\n\n'
    "On Syria and the Astana talks\n\n"
    '"Now a meeting in Astana is being prepared," the minister said. "We invite the UN," Lavrov said.\n'
)


def test_news_dateline_gives_the_date_with_the_manifest_year_and_is_not_text():
    result = segment(NEWS, format="news", speaker=LAVROV, date=dt.date(2017, 1, 17))
    texts = [normalize_whitespace(NEWS[s.start:s.end]) for s in result.statements]
    assert not any("TASS" in t for t in texts)
    assert ("dateline", "MOSCOW, January 17. /TASS/.") in [(d.reason, normalize_whitespace(NEWS[d.start:d.end])) for d in result.dropped]
    assert {s.date for s in result.statements} == {dt.date(2017, 1, 17)}


def test_news_quotes_are_direct_paraphrase_reported_frames_dropped():
    assert rows(NEWS, format="news", speaker=LAVROV) == [
        ("context", None, "Minister holds annual press conference"),
        ("reported", LAVROV, "Terrorism was the key threat last year, Foreign Minister Sergey Lavrov said:"),
        ("direct", LAVROV, "The number of threats did not decrease"),
        # an embedded partial quotation stays inside the paraphrase
        ("reported", LAVROV, 'Moscow regrets that the community "still cannot unite":'),
        ("direct", LAVROV, "Of course this causes concern"),
        ("context", None, "On Syria and the Astana talks"),
        ("direct", LAVROV, "Now a meeting in Astana is being prepared"),
        ("direct", LAVROV, "We invite the UN"),
    ]
    frames = [t for reason, t in dropped(NEWS, format="news", speaker=LAVROV) if reason == "frame"]
    assert frames == ["he said.", "Lavrov said.", "the minister said.", "Lavrov said."]


def test_statements_under_a_heading_point_to_it():
    result = segment(NEWS, format="news", speaker=LAVROV)
    heading = next(i for i, s in enumerate(result.statements) if NEWS[s.start:s.end].startswith("On Syria"))
    after = result.statements[heading + 1:]
    assert after and all(s.parent == heading for s in after)


# --- live blogs --------------------------------------------------------------------------------

RT_STYLE = (
    "A question from Japan on a potential visit.\n\n"
    'Lavrov says, however: "The missile defense issue is a dark cloud in our relations."\n\n'
    '"They said the system will be different... we have our doubts.\n\n'
    '"I doubt the US will make an exception.\n\n'
    "Lavrov is asked about Ukraine - can he talk about missing citizens?\n\n"
    "Lavrov says Russia always responds to such reports, the foreign minister says.\n\n"
    '"But you are right - we are branded as enemies," Lavov says.\n\n'
    'A question on Russia-Poland ties: "Moscow says it is a partner - how can we build ties?"\n'
)


def test_liveblog_frames_questions_and_continued_quotations():
    assert rows(RT_STYLE, format="liveblog", speaker=LAVROV) == [
        ("question", "Press", "A question from Japan on a potential visit."),
        ("direct", LAVROV, "The missile defense issue is a dark cloud in our relations."),
        # a quotation left open runs on into the next paragraph: still Lavrov's words
        ("direct", LAVROV, "They said the system will be different... we have our doubts."),
        ("direct", LAVROV, "I doubt the US will make an exception."),
        ("question", "Press", "Lavrov is asked about Ukraine - can he talk about missing citizens?"),
        ("reported", LAVROV, "Lavrov says Russia always responds to such reports, the foreign minister says."),
        # "Lavov" is a misspelling of a known surname
        ("direct", LAVROV, "But you are right - we are branded as enemies"),
        # the journalist's quoted wording belongs to the question
        ("question", "Press", 'A question on Russia-Poland ties: "Moscow says it is a partner - how can we build ties?"'),
    ]


def test_answer_points_to_the_question_it_answers():
    result = segment(RT_STYLE, format="liveblog", speaker=LAVROV)
    kinds = [s.kind for s in result.statements]
    question = kinds.index("question", 1)  # "Lavrov is asked about Ukraine ..."
    assert result.statements[question + 1].parent == question


SPUTNIK_STYLE = (
    "00:47 GMT25 November 2020\n"
    "Listen Live\n"
    "    Get short URL\n\n"
    "    © Sputnik\n"
    "    Lavrov Holds Press Conference (VIDEO)\n\n"
    "    New messages\n"
    "    • 10:19\n\n"
    "      Russia Concerned About Missile Defense in Japan\n\n"
    '      "We have serious doubts that this is so," Lavrov stressed.\n\n'
    "    • 09:28\n\n"
    "      Moscow Respects Ukraine's Integrity\n\n"
    '      "The Minsk deal is the most important issue," the minister said.\n'
)


def test_liveblog_times_come_from_stamps_and_the_save_stamp_is_not_a_date():
    result = segment(SPUTNIK_STYLE, format="liveblog", speaker=LAVROV, date=dt.date(2018, 1, 15))
    got = [(s.time, s.date, s.kind, normalize_whitespace(SPUTNIK_STYLE[s.start:s.end])) for s in result.statements]
    jan15 = dt.date(2018, 1, 15)
    assert got == [
        ("10:19", jan15, "context", "Russia Concerned About Missile Defense in Japan"),
        ("10:19", jan15, "direct", "We have serious doubts that this is so"),
        ("09:28", jan15, "context", "Moscow Respects Ukraine's Integrity"),
        ("09:28", jan15, "direct", "The Minsk deal is the most important issue"),
    ]
    reasons = {normalize_whitespace(SPUTNIK_STYLE[d.start:d.end]): d.reason for d in result.dropped}
    assert reasons["00:47 GMT25 November 2020"] == "page save stamp"
    assert reasons["Listen Live"] == "page furniture" and reasons["Get short URL"] == "page furniture"
    assert reasons["© Sputnik"] == "copyright line"
    assert reasons["Lavrov Holds Press Conference (VIDEO)"] == "media caption"


def test_a_question_and_the_answer_in_one_sentence_are_two_statements():
    text = "Lavrov is asked about ties with the Vatican, and lists a range of areas of cooperation.\n"
    assert rows(text, format="liveblog", speaker=LAVROV) == [
        ("question", "Press", "Lavrov is asked about ties with the Vatican,"),
        ("reported", LAVROV, "and lists a range of areas of cooperation."),
    ]


# --- transcripts -------------------------------------------------------------------------------

TRANSCRIPT = (
    "Question: What are our main achievements?\n\n"
    "Sergey Lavrov: We have drawn attention to a multipolar system.\n\n"
    "It is enshrined in the UN Charter.\n\n"
    "Ladies and gentlemen,\n\n"
    "I am pleased to welcome my Serbian colleague.\n\n"
    "Q: Mr. Lavrov, let's begin with Ukraine. Any news? Maria Zakharova: I will answer that.\n"
)


def test_transcript_labels_split_turns_and_unlabelled_paragraphs_continue_the_speaker():
    assert rows(TRANSCRIPT, format="transcript", speaker=LAVROV) == [
        ("question", "Press", "What are our main achievements?"),
        ("direct", LAVROV, "We have drawn attention to a multipolar system."),
        ("direct", LAVROV, "It is enshrined in the UN Charter."),
        # a salutation opens the paragraph it introduces
        ("direct", LAVROV, "Ladies and gentlemen, I am pleased to welcome my Serbian colleague."),
        # "Mr." does not end a sentence, and a label after a sentence splits the paragraph
        ("question", "Press", "Mr. Lavrov, let's begin with Ukraine. Any news?"),
        ("direct", "Maria Zakharova", "I will answer that."),
    ]
    labels = [t for reason, t in dropped(TRANSCRIPT, format="transcript", speaker=LAVROV) if reason == "speaker label"]
    assert labels == ["Question:", "Sergey Lavrov:", "Q:", "Maria Zakharova:"]


def test_salutation_starts_a_new_speech_of_the_document_speaker():
    text = "Question: Why?\n\nOleg Syromolotov: Because.\n\nMr. Chairperson,\n\nLadies and gentlemen,\n\nWe are here today.\n"
    assert rows(text, format="transcript", speaker=LAVROV) == [
        ("question", "Press", "Why?"),
        ("direct", "Oleg Syromolotov", "Because."),
        ("direct", LAVROV, "Mr. Chairperson, Ladies and gentlemen, We are here today."),
    ]


def test_a_salutation_with_nothing_after_it_stands_alone():
    text = "Sergey Lavrov: Thank you.\n\nQuestion: And now?\n\nGood afternoon.\n"
    assert rows(text, format="transcript", speaker=LAVROV)[-1] == ("direct", LAVROV, "Good afternoon.")


# --- digests -----------------------------------------------------------------------------------

DIGEST = (
    "20 February 2017\nMoscow: 01:23\nLondon: 22:23\n\n"
    "Consular queries:\n+44 (0) 203 668 7474\n\n"
    "20.02.2017 - Sergey Lavrov’s answer to a media question, Munich, February 18, 2017\n\n"
    "Question: How do you feel? Sergey Lavrov: They were predictable.\n\n"
    "16.02.2017 - Press release on Foreign Minister Sergey Lavrov’s talks with the UN envoy\n\n"
    "On February 16, Foreign Minister Sergey Lavrov held talks in Moscow.\n\n"
    "13.02.2017 - Comment by the Foreign Ministry Press and Information Department on the missile test\n\n"
    "We consider the missile test another demonstrative act.\n\n"
    "all messages\n"
)


def test_digest_items_take_event_dates_and_title_speakers():
    result = segment(DIGEST, format="digest", date=dt.date(2017, 2, 20))
    got = [(s.date, s.kind, s.speaker, normalize_whitespace(DIGEST[s.start:s.end])) for s in result.statements]
    feb = lambda day: dt.date(2017, 2, day)  # noqa: E731
    assert got == [
        (feb(18), "context", None, "Sergey Lavrov’s answer to a media question, Munich, February 18, 2017"),
        (feb(18), "question", "Press", "How do you feel?"),
        (feb(18), "direct", LAVROV, "They were predictable."),
        (feb(16), "context", None, "Press release on Foreign Minister Sergey Lavrov’s talks with the UN envoy"),
        # a press release narrates: no speaker
        (feb(16), "context", None, "On February 16, Foreign Minister Sergey Lavrov held talks in Moscow."),
        (feb(13), "context", None, "Comment by the Foreign Ministry Press and Information Department on the missile test"),
        (feb(13), "direct", "MFA Press and Information Department", "We consider the missile test another demonstrative act."),
    ]
    reasons = {normalize_whitespace(DIGEST[d.start:d.end]): d.reason for d in result.dropped}
    assert reasons["Moscow: 01:23"] in ("clock", "navigation menu")
    assert reasons["+44 (0) 203 668 7474"] == "phone number"
    assert reasons["Consular queries:"] == "contact label"
    assert reasons["all messages"] == "page furniture"
    assert reasons["20.02.2017 -"] == "entry date"


@pytest.mark.parametrize(
    ("title", "speaker"),
    [
        ("Foreign Minister Sergey Lavrov’s remarks and answers to media questions, Munich", LAVROV),
        ("Briefing by Foreign Ministry Spokesperson Maria Zakharova, Moscow, February 15, 2017", "Maria Zakharova"),
        ("Deputy Foreign Minister Oleg Syromolotov’s interview with Izvestia newspaper", "Oleg Syromolotov"),
        ("Ivan Petrov's statement on the talks", "Ivan Petrov"),
        ("Press release on Foreign Minister Sergey Lavrov’s talks", None),
        ("Ambassador Yakovenko congratulates Ambassador Elliott", None),
    ],
)
def test_title_speaker(title, speaker):
    assert title_speaker(title, SpeakerRegistry.load()) == speaker


# --- the fallback, menus, detection ------------------------------------------------------------

def test_plain_paragraphs_join_wrapped_lines_and_belong_to_the_document_speaker():
    text = "Mr. President,\nthe situation in Ukraine\nremains grave.\n\nWe call for dialogue.\n"
    assert rows(text, format="paragraphs", speaker=LAVROV) == [
        ("direct", LAVROV, "Mr. President, the situation in Ukraine remains grave."),
        ("direct", LAVROV, "We call for dialogue."),
    ]
    assert [r[:2] for r in rows(text, format="paragraphs")] == [("context", None), ("context", None)]


def test_a_run_of_short_lines_is_a_navigation_menu():
    text = "Minister Sergey Lavrov\nEditor's Column\nGolden Collection\nOctober 2018 (14)\n\nQuestion: Why now?\n"
    assert rows(text, format="transcript", speaker=LAVROV) == [("question", "Press", "Why now?")]
    assert {reason for reason, _ in dropped(text, format="transcript")} >= {"navigation menu", "archive menu"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01.02.2017 - One\n\nBody.\n\n02.02.2017 - Two\n\nBody.\n", "digest"),
        ("• 10:19\n\nHeadline\n\n• 10:25\n\nAnother\n", "liveblog"),
        ("Question: Why?\n\nSergey Lavrov: Because.\n", "transcript"),
        ('MOSCOW, May 3. /TASS/. Text.\n\n"Quote," he said.\n', "news"),
        ("Just a paragraph.\n\nAnother one.\n", "paragraphs"),
    ],
)
def test_detect_format(text, expected):
    assert detect_format(text) == expected


def test_unknown_format_is_refused_with_the_allowed_values():
    with pytest.raises(ValueError, match="transcript, liveblog, news, digest, paragraphs"):
        segment("text", format="poem")


def test_a_salutation_without_a_document_speaker_is_not_given_to_the_next_paragraph():
    # A digest item with no speaker in its title: the salutation cannot open anybody's speech.
    text = "01.02.2017 - Press release on the talks\n\nLadies and gentlemen,\n\nThe talks went well, Lavrov said.\n"
    assert rows(text, format="digest") == [
        ("context", None, "Press release on the talks"),
        ("context", None, "Ladies and gentlemen,"),
        ("reported", LAVROV, "The talks went well, Lavrov said."),
    ]


def test_one_paragraph_per_line_without_blank_lines():
    first = "We call on all parties to respect the Minsk agreements, which remain the only basis for a settlement."
    second = "Russia is ready for dialogue with everyone who is ready for it on the basis of equality and respect."
    assert len(first) > 100  # a line this long is no hard-wrapped line
    assert rows(f"{first}\n{second}\n", format="paragraphs", speaker=LAVROV) == [
        ("direct", LAVROV, first),
        ("direct", LAVROV, second),
    ]


@pytest.mark.parametrize(
    ("paragraph", "title"),
    [
        ("Visit by UN Special Envoy for Syria Staffan de Mistura to Russia On February 16, Moscow will host talks.",
         "Visit by UN Special Envoy for Syria Staffan de Mistura to Russia"),
        ("We hope the talks in Geneva On Syria will succeed.", None),  # "hope" is no title word
        ("Russia And China Agree On Everything", None),  # a title with no sentence after it
        ("The Minsk Agreements, Signed In September, Are Binding. On this we insist.", None),  # punctuation ends a title run
    ],
)
def test_glued_title(paragraph, title):
    from rhetoric_shift.segment import glued_title_end

    end = glued_title_end(paragraph)
    assert (paragraph[:end].strip() if end is not None else None) == title


def test_a_title_run_into_a_briefing_paragraph_is_its_own_heading():
    text = (
        "15.02.2017 - Briefing by Foreign Ministry Spokesperson Maria Zakharova, Moscow, February 15, 2017\n\n"
        "Visit by UN Special Envoy for Syria Staffan de Mistura to Russia On February 16, Moscow will host talks.\n"
    )
    assert rows(text, format="digest") == [
        ("context", None, "Briefing by Foreign Ministry Spokesperson Maria Zakharova, Moscow, February 15, 2017"),
        ("context", None, "Visit by UN Special Envoy for Syria Staffan de Mistura to Russia"),
        ("direct", "Maria Zakharova", "On February 16, Moscow will host talks."),
    ]


def test_in_a_live_blog_without_stamps_an_answer_belongs_only_to_a_question_just_above_it():
    # Entries may run newest first with nothing between them: a paragraph two below a question
    # can open an older entry, so it is not taken as that question's answer.
    text = (
        "Lavrov is asked about Ukraine.\n\n"
        "Lavrov says the Minsk accords must be implemented.\n\n"
        "Lavrov says Russia would abide by any decision on the naming row.\n"
    )
    result = segment(text, format="liveblog", speaker=LAVROV)
    assert [s.parent for s in result.statements] == [None, 0, None]
    stamped = "• 10:19\n\n" + text
    assert [s.parent for s in segment(stamped, format="liveblog", speaker=LAVROV).statements] == [None, 0, 0]


def test_text_without_sentence_ends_is_cut_into_bounded_statements_at_clause_marks():
    from rhetoric_shift.segment import MAX_STATEMENT_WORDS

    # 1,000 words, a comma after every 50th: no sentence ends anywhere
    words = [f"w{i}," if i % 50 == 49 else f"w{i}" for i in range(1000)]
    text = " ".join(words)
    result = segment(text, format="paragraphs", year=2017)
    pieces = [text[s.start:s.end] for s in result.statements]
    assert " ".join(pieces).split() == words  # every word kept, in order, once
    assert all(len(p.split()) <= MAX_STATEMENT_WORDS for p in pieces)
    # a piece ends at the last comma of the second half of its 300 words: after w249, w499, w749
    assert [p.split()[-1] for p in pieces] == ["w249,", "w499,", "w749,", "w999,"]
