"""The main content of an HTML page, with every character still pointing into the HTML source.

``read.html_to_text`` turns a page into text block by block and keeps, for each character, its
span in the source. This module asks trafilatura (a maintained main-content extractor, offline,
already used for web corpora) which text is the page's main content, and keeps only the blocks
it kept, so menus, teasers, footers, cookie notices and sidebars never reach the segmenter. Each
removed block is returned with its source span and a reason, for the build report.

Why trafilatura: it scores page regions by text density and markup (with jusText as a fallback)
instead of per-site rules, is maintained, and runs without network access. Its own output loses
the offsets, hence the alignment here: a block is kept when trafilatura printed it.
"""

from __future__ import annotations

import logging
import re
from array import array
from dataclasses import dataclass

from rhetoric_shift.spans import normalize_whitespace

log = logging.getLogger(__name__)
MIN_KEPT_SHARE = 0.05  # below this share of the page's text, trust the whole page rather than the extractor
_SUBSTRING_LIMIT = 2_000_000  # characters: past this, match blocks by whole lines only (linear time)


@dataclass(frozen=True)
class Removed:
    """A block of a page left out of the text, with its span in the HTML source."""

    start: int
    end: int
    reason: str
    text: str


def main_text(source: str) -> str | None:
    """trafilatura's main-content text of an HTML page, or None when it finds none or cannot run."""
    try:
        import trafilatura
    except ImportError:  # the extractor is optional at run time: without it the whole page is kept
        log.warning("trafilatura is not installed; HTML pages are read whole")
        return None
    try:
        return trafilatura.extract(source, include_comments=False, include_tables=True, deduplicate=False, favor_recall=True)
    except Exception as exc:  # a page trafilatura cannot parse is read whole rather than lost
        log.warning("main-content extraction failed (%s); the page is read whole", type(exc).__name__)
        return None


def keep_main_content(source: str, text: str, starts: array, ends: array) -> tuple[str, array, array, list[Removed]]:
    """Keep only the blocks of ``text`` (paragraphs separated by blank lines) that are main content.

    In: the HTML ``source`` and its text with each character's source span (``starts``, ``ends``).
    Out: the kept text with its spans, and the removed blocks. When the extractor finds nothing,
    or keeps almost nothing, the whole text is kept and nothing is removed.
    """
    main = main_text(source)
    if not main or not main.strip():
        return text, starts, ends, []
    blocks = _blocks(text)
    lines = {normalize_whitespace(line) for line in main.splitlines() if line.strip()}
    joined = normalize_whitespace(main) if len(main) <= _SUBSTRING_LIMIT else ""
    kept: list[tuple[int, int]] = []
    removed: list[Removed] = []
    for start, end in blocks:
        block = normalize_whitespace(text[start:end])
        if not block:
            continue
        if block in lines or (joined and len(block) >= 20 and block in joined) or _all_lines_kept(text[start:end], lines):
            kept.append((start, end))
        else:
            removed.append(Removed(starts[start], ends[end - 1], "outside main content", block))
    kept_chars = sum(e - s for s, e in kept)
    if kept_chars < MIN_KEPT_SHARE * sum(e - s for s, e in blocks):
        return text, starts, ends, []
    return (*_join(text, starts, ends, kept), removed)


def _blocks(text: str) -> list[tuple[int, int]]:
    """Spans of the paragraphs of ``text`` (separated by blank lines)."""
    spans, cursor = [], 0
    for m in re.finditer(r"\n[ \t\r\f\v]*\n\s*", text):
        spans.append((cursor, m.start()))
        cursor = m.end()
    spans.append((cursor, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _all_lines_kept(block: str, lines: set[str]) -> bool:
    parts = [normalize_whitespace(p) for p in block.splitlines() if p.strip()]
    return len(parts) > 1 and all(p in lines for p in parts)


def _join(text: str, starts: array, ends: array, kept: list[tuple[int, int]]) -> tuple[str, array, array]:
    """The kept blocks joined by blank lines; a separator maps to the end of the block before it."""
    chars: list[str] = []
    new_starts, new_ends = array("q"), array("q")
    for k, (start, end) in enumerate(kept):
        if k:
            anchor = ends[kept[k - 1][1] - 1]
            chars.append("\n\n")
            new_starts.extend((anchor, anchor))
            new_ends.extend((anchor, anchor))
        chars.append(text[start:end])
        new_starts.extend(starts[start:end])
        new_ends.extend(ends[start:end])
    return "".join(chars), new_starts, new_ends
