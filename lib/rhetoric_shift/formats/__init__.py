"""The formats a text can be segmented as, one module each behind ``base.Format``.

``FORMATS`` is in detection order: the first whose ``detect`` accepts a text's lines is its
format when no manifest says (dated items → digest, clock stamps → live blog, speaker labels →
transcript, a dateline or "he said" → news, else plain paragraphs).
"""

from __future__ import annotations

from rhetoric_shift.formats.base import Format
from rhetoric_shift.formats.digest import Digest
from rhetoric_shift.formats.liveblog import Liveblog
from rhetoric_shift.formats.news import News
from rhetoric_shift.formats.paragraphs import Paragraphs
from rhetoric_shift.formats.transcript import Transcript

FORMATS: tuple[Format, ...] = (Digest(), Liveblog(), Transcript(), News(), Paragraphs())
BY_NAME: dict[str, Format] = {f.name: f for f in FORMATS}
# The manifest's names, in the order the README documents them.
NAMES: tuple[str, ...] = ("transcript", "liveblog", "news", "digest", "paragraphs")


def detect(text: str) -> Format:
    """The format of a text whose manifest does not say."""
    lines = [ln.strip() for ln in text.splitlines()]
    return next(f for f in FORMATS if f.detect(lines))


def describe() -> list[tuple[str, str, str]]:
    """(name, what it parses, what detection looks for) of every format, for ``rhetoric-shift formats``."""
    return [(BY_NAME[n].name, BY_NAME[n].summary, BY_NAME[n].cue) for n in NAMES]
