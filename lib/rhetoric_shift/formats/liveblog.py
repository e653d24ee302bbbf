"""Live blogs: entries under clock stamps ("• 10:19"), or none; headlines and reporting prose.

A stamp sets the time of what follows; entries without stamps may run newest first, so there a
statement belongs to a question or heading only in the same or the next paragraph.
"""

from __future__ import annotations

import re

from rhetoric_shift import dates
from rhetoric_shift.formats.news import News


class Liveblog(News):
    name = "liveblog"
    summary = "entries under clock stamps; headlines and reporting prose as in news"
    cue = "two or more clock stamps on lines of their own (\"• 10:19\"), or \"Live blog\" / \"Live updates\" at the top"

    def detect(self, lines: list[str]) -> bool:
        if sum(1 for ln in lines if dates.time_stamp(ln)) >= 2:
            return True
        # A page that calls itself live near its top: "Live Blog", "Live updates", "... – live".
        head = [ln for ln in lines if ln][:8]
        return any(_LIVE.search(ln) and len(ln.split()) <= 20 for ln in head)


# "Live", "Live updates", "... – as it happened", "... news – live", "... war news – latest: Blinken meets Lavrov".
_LIVE = re.compile(
    r"^live(?:\s+(?:blog|updates?|coverage|news))?$|[–—-]\s*(?:as it happened|live|latest(?:\s+(?:news|updates))?)(?:$|:)"
    r"|\blive (?:blog|updates)\b",
    re.I,
)
