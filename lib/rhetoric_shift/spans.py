"""Spans of text: trimming, white space and word checks shared by the segmenter's parts."""

from __future__ import annotations

# Zero-width characters that pages scatter through text; str.isspace() does not count them.
ZERO_WIDTH = "\u200b\ufeff"


def is_blank(ch: str) -> bool:
    return ch.isspace() or ch in ZERO_WIDTH


def trim_span(text: str, start: int, end: int, trailing: str = "") -> tuple[int, int]:
    """``(start, end)`` narrowed past white space at both ends, and past ``trailing`` characters at the end."""
    while start < end and is_blank(text[start]):
        start += 1
    while end > start and (is_blank(text[end - 1]) or text[end - 1] in trailing):
        end -= 1
    return start, end


def has_words(text: str) -> bool:
    """True when ``text`` holds a letter or digit: a statement, not leftover punctuation."""
    return any(ch.isalnum() for ch in text)


def normalize_whitespace(text: str) -> str:
    """Collapse every run of white space (no-break and zero-width spaces included) to one space; trim the ends."""
    for ch in ZERO_WIDTH:
        text = text.replace(ch, " ")
    return " ".join(text.split())
