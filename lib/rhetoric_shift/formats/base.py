"""The interface every format implements: how to recognise it, and what to do with one paragraph.

A format is a layout of text (a transcript, a live blog, a news story, ...), not an outlet: the
engine in ``rhetoric_shift.segment`` reads lines, drops furniture and stamps, keeps the state
(date, time, current speaker, the heading or question a statement belongs to) and hands each
paragraph to the format, which emits statements through the engine. A new layout is one module
here with a ``Format`` subclass, added to ``rhetoric_shift.formats.FORMATS``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:  # the engine imports the formats; formats only call it
    from rhetoric_shift.segment import Line, Parser


class Format:
    """One layout. Subclasses set ``name``, ``summary``, ``cue`` and implement ``paragraph``.

    ``turns``: unlabelled paragraphs continue the current speaker's turn and labels may open any
    sentence of a paragraph (transcripts, digests of transcripts); otherwise a label counts only
    where it opens a paragraph.
    """

    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    cue: ClassVar[str] = ""  # what detection looks for, for `rhetoric-shift formats`
    turns: ClassVar[bool] = False

    def detect(self, lines: list[str]) -> bool:
        """Whether the stripped ``lines`` of a text show this layout (used without a manifest)."""
        return False

    def paragraph(self, parser: "Parser", start: int, end: int, next_line: "Line") -> None:
        """Emit the statements of the paragraph ``parser.text[start:end]`` (``next_line`` follows it)."""
        raise NotImplementedError
