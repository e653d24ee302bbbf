"""Digests: dated items ("20.02.2017 - Title") on one page, each a transcript or a release.

An item's title names its speaker ("Sergey Lavrov's remarks ...") or none (a press release is
narration); the item's paragraphs then read as a transcript of that speaker.
"""

from __future__ import annotations

from rhetoric_shift import dates
from rhetoric_shift.formats.transcript import Transcript


class Digest(Transcript):
    name = "digest"
    summary = "dated items (\"20.02.2017 - Title\"); a title names whose words follow, or nobody's"
    cue = "two or more lines opening with a date and a dash"
    titles_name_speakers = True

    def detect(self, lines: list[str]) -> bool:
        return sum(1 for ln in lines if dates.ENTRY_HEADER.match(ln)) >= 2
