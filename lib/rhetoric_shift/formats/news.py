"""News stories: a dateline ("MOSCOW, January 17. /TASS/."), headings and reporting prose whose
quotations and paraphrases are attributed sentence by sentence (``rhetoric_shift.attribute``)."""

from __future__ import annotations

import re

from rhetoric_shift import dates
from rhetoric_shift.formats.base import Format
from rhetoric_shift.schema import PRESS
from rhetoric_shift.spans import normalize_whitespace, trim_span

_SECTION_CUE = re.compile(
    r"^(?:(?:the\s+)?(?:topic|discussion|conversation)\s+(?:then\s+)?turns?\s+to|back to|more on|moving on(?:to)?|still on|on to"
    r"|(?:[\w-]+\s+){1,3}(?:continues|moves on|turns) (?:on|to) (?:the )?(?:theme|topic|subject|issue)s?\b)",
    re.I,
)
# "said X, a spokesman for ...", "X told the BBC": a reporting verb near the start of a line.
_REPORTED_SPEECH = re.compile(
    r"[\"”],?\s+(?:he|she|[A-Z][a-z]+)\s+(?:said|says|told|added)\b|\b(?:said|told)\s+(?:the\s+)?[A-Z]|[\"”],?\s+[–—]\s+(?:the\s+)?[A-Za-z]"
)

# Reporting without quotation marks, twice or more: "Lavrov stressed that ...", "the minister noted".
# A speech cites others now and then ("As the Secretary-General said"); a story reports throughout.
_REPORTING = re.compile(
    r"\b(?!(?:I|We|You|They)\b)(?:he|she|[A-Z][a-z]+|(?:[Tt]he|[Aa])\s+(?:minister|spokes(?:wo)?man|diplomat|official|president|secretary))\s+"
    r"(?:said|says|stated|stressed|noted|added|emphasi[sz]ed|underlined|pointed out|told|warned|urged|insisted)\b"
)


class News(Format):
    name = "news"
    summary = "a dateline, headings and reporting prose: quotations direct, paraphrase reported, narration context"
    cue = "a dateline (\"MOSCOW, January 17. /TASS/.\") or quotations with \"he said\""

    def detect(self, lines: list[str]) -> bool:
        if any(dates.dateline(ln, None) for ln in lines[:40] if ln):
            return True
        text = "\n".join(lines)
        return len(_REPORTED_SPEECH.findall(text)) >= 1 or len(_REPORTING.findall(text)) >= 2

    def paragraph(self, parser, start, end, next_line) -> None:
        start = strip_dateline(parser, start, end)
        if start is None:
            return
        if attribution_line(parser, start, end):
            return
        if parser.labelled_turns(start, end):
            return
        if parser.title(start, end, next_line):
            return
        prose(parser, start, end, next_line)


# "– Russian Foreign Minister Sergei Lavrov" on its own line under a quotation.
_ATTRIBUTION_LINE = re.compile(r"^[–—―-]{1,2}\s*(?P<who>[A-Z][^.!?:\"“”]{2,120})$")


def attribution_line(parser, start: int, end: int) -> bool:
    """A line naming who said the quotation in the paragraph above it: that quotation becomes theirs."""
    m = _ATTRIBUTION_LINE.match(normalize_whitespace(parser.text[start:end]))
    if not m:
        return False
    quote_start, first, last = parser.last_paragraph
    if first == last or parser.text[quote_start] not in "\"“«„":
        return False
    speaker = parser.registry.label_speaker(m["who"])
    if not speaker or speaker == PRESS:
        return False
    parser.reattribute(first, last, speaker)
    parser.drop(start, end, "attribution")
    parser.state.last_named = speaker
    return True


def strip_dateline(parser, start: int, end: int) -> int | None:
    """Drop a dateline opening the paragraph (its date becomes the current date); where the rest starts, or None."""
    found = dates.dateline(parser.text[start:end], parser.year)
    if not found:
        return start
    if found[0] is not None:
        parser.state.date = found[0]
    parser.drop(start, start + found[1], "dateline")
    start = trim_span(parser.text, start + found[1], end)[0]
    return start if start < end else None


def prose(parser, start: int, end: int, next_line) -> None:
    """Attribute a paragraph of reporting prose sentence by sentence and emit its pieces."""
    st = parser.state
    default = st.turn_speaker if parser.format.turns and parser.format.name == "digest" else st.default_speaker
    pieces, st.last_named = parser.attributor.attribute(
        parser.text, start, end, last_named=st.last_named, default=default, next_opens_quote=_next_opens_quote(parser.text, next_line.end)
    )
    for piece in pieces:
        if piece.dropped:
            parser.drop(piece.start, piece.end, piece.dropped)
            continue
        sentence = parser.text[piece.start:piece.end]
        role = "question" if piece.kind == "question" else "statement"
        if piece.kind == "context" and _SECTION_CUE.match(sentence.strip()):
            role = "heading"
        parser.emit(piece.start, piece.end, piece.kind, piece.speaker, role)


def _next_opens_quote(text: str, at: int) -> bool:
    m = re.compile(r"\S").search(text, at)
    return bool(m) and text[m.start()] in "\"“«„"
