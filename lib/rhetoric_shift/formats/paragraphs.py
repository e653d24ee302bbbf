"""Plain paragraphs (speeches, statements, articles by one author): each paragraph is one statement
of the document's speaker, or context when the document has none."""

from __future__ import annotations

from rhetoric_shift.formats.base import Format


class Paragraphs(Format):
    name = "paragraphs"
    summary = "each paragraph is one statement of the document's speaker (the fallback)"
    cue = "anything else"

    def detect(self, lines: list[str]) -> bool:
        return True

    def paragraph(self, parser, start, end, next_line) -> None:
        speaker = parser.state.default_speaker
        parser.emit(start, end, "direct" if speaker else "context", speaker)
