"""Properties of segmentation on arbitrary text: nothing lost, nothing overlapping, offsets valid."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rhetoric_shift.manifest import FORMATS
from rhetoric_shift.segment import segment
from rhetoric_shift.spans import normalize_whitespace
from rhetoric_shift.speakers import SpeakerRegistry

REGISTRY = SpeakerRegistry.load()

# Pieces that exercise the parsers' rules, mixed with arbitrary text.
FRAGMENTS = st.sampled_from([
    '"', "“", "”", "«", "»", ":", ". ", "? ", "\n", "\n\n", "\u00a0", "\u200b", " ", ",",
    "Question: ", "Q: ", "Sergey Lavrov: ", "Maria Zakharova: ", "Lavrov says", " he said.",
    "• 10:19\n", "20.02.2017 - ", "MOSCOW, January 17. /TASS/. ", "Listen Live\n", "Ladies and gentlemen,\n",
    "A question from Japan", "the minister said", "February 18, 2017", "Mr. ", "U.S. ", "+44 (0) 203 668 7474\n",
    "Dear colleagues,\n\n", "Good afternoon.\n\n", "Headline Without Stop\n\n",
])
TEXTS = st.lists(st.one_of(FRAGMENTS, st.text(max_size=12)), max_size=40).map("".join)


def check_segmentation(text: str, fmt: str | None, speaker: str | None = "Sergey Lavrov") -> None:
    result = segment(text, format=fmt, speaker=speaker, registry=REGISTRY)
    spans = [(s.start, s.end) for s in result.statements] + [(d.start, d.end) for d in result.dropped]
    for start, end in spans:
        assert 0 <= start < end <= len(text)
    ordered = sorted(spans)
    for (_, end_a), (start_b, _) in zip(ordered, ordered[1:]):
        assert end_a <= start_b, "spans overlap"
    covered = bytearray(len(text))
    for start, end in spans:
        covered[start:end] = b"\x01" * (end - start)
    lost = [i for i, ch in enumerate(text) if ch.isalnum() and not covered[i]]
    assert not lost, f"text lost at {lost[:5]}: {text[max(0, lost[0] - 10):lost[0] + 10]!r}"
    starts = [s.start for s in result.statements]
    assert starts == sorted(starts), "statements out of text order"
    for i, s in enumerate(result.statements):
        assert normalize_whitespace(text[s.start:s.end]), "empty statement"
        assert s.parent is None or 0 <= s.parent < i, "a parent must come before its statement"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS, st.sampled_from([None, *FORMATS]), st.sampled_from([None, "Sergey Lavrov"]))
def test_segmentation_never_loses_or_overlaps_text(text, fmt, speaker):
    check_segmentation(text, fmt, speaker)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300), st.sampled_from([None, *FORMATS]))
def test_segmentation_of_any_unicode_text(text, fmt):
    check_segmentation(text, fmt)


def test_one_enormous_paragraph_becomes_statements_of_bounded_size():
    from rhetoric_shift.segment import MAX_STATEMENT_WORDS

    sentence = "Russia is ready for dialogue with everyone, the minister said. "  # 10 words
    text = sentence * 200  # one line of 2,000 words
    for fmt in ("paragraphs", "news", "transcript"):
        result = segment(text, format=fmt, speaker="Sergey Lavrov", registry=REGISTRY)
        sizes = [len(text[s.start:s.end].split()) for s in result.statements]
        assert max(sizes) <= MAX_STATEMENT_WORDS, fmt
        check_segmentation(text, fmt)
    pieces = segment(text, format="paragraphs", speaker="Sergey Lavrov", registry=REGISTRY).statements
    assert len(pieces) == 7  # 2,000 words in pieces of whole 10-word sentences, at most 300 words each
    assert all(text[s.end - 1] == "." for s in pieces)  # cut at sentence ends only
