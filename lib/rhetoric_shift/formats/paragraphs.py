"""Plain paragraphs (speeches, statements, articles by one author): each paragraph is one statement
of the document's speaker, or context when the document has none; a title line is context."""

from __future__ import annotations

from rhetoric_shift.formats.base import Format
from rhetoric_shift.formats.titles import is_heading


class Paragraphs(Format):
    name = "paragraphs"
    summary = "each paragraph is one statement of the document's speaker (the fallback)"
    cue = "anything else"

    def detect(self, lines: list[str]) -> bool:
        return True

    def paragraph(self, parser, start, end, next_line) -> None:
        if is_heading(parser.text[start:end]):  # a title is context, never speech
            parser.heading(start, end, entry=False)
            return
        speaker = parser.state.default_speaker
        parser.emit(start, end, "direct" if speaker else "context", speaker)
