"""Spans of text: trimming, white space and word checks shared by the segmenter's parts.

These run several times on every line and paragraph of every document, so each takes the
cheap exact path first (C-level string methods) and falls back to the general one.
"""

from __future__ import annotations

import re

# Zero-width characters that pages scatter through text; str.isspace() does not count them.
ZERO_WIDTH = "\u200b\ufeff"
# re's \w is str.isalnum() plus "_", so this matches exactly the characters str.isalnum() accepts.
_ALNUM = re.compile(r"[^\W_]")


def is_blank(ch: str) -> bool:
    return ch.isspace() or ch in ZERO_WIDTH


def trim_span(text: str, start: int, end: int, trailing: str = "") -> tuple[int, int]:
    """``(start, end)`` narrowed past white space at both ends, and past ``trailing`` characters at the end."""
    while start < end and (text[start].isspace() or text[start] in ZERO_WIDTH):
        start += 1
    while end > start and ((ch := text[end - 1]).isspace() or ch in ZERO_WIDTH or ch in trailing):
        end -= 1
    return start, end


def has_words(text: str, start: int = 0, end: int | None = None) -> bool:
    """True when ``text`` (or ``text[start:end]``) holds a letter or digit: a statement, not leftover punctuation."""
    if end is None:
        end = len(text)
    return start < end and _ALNUM.search(text, start, end) is not None


def normalize_whitespace(text: str) -> str:
    """Collapse every run of white space (no-break and zero-width spaces included) to one space; trim the ends."""
    # Printable means no white space but " " and no zero-width character (both are categories
    # str.isprintable() rejects): text already normalised comes back as it is, without a copy.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    for ch in ZERO_WIDTH:
        if ch in text:  # rare; str.translate would be slower on any non-ASCII text
            text = text.replace(ch, " ")
    return " ".join(text.split())
