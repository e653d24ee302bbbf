"""Page furniture in plain-text copies of pages: a classifier of lines by their shape.

Each line of a text is classified as content, blank, furniture (with the reason), a clock stamp,
a date-only line or a digest entry header. Furniture is recognised by general shapes, not by the
strings of any one site: interface words ("Skip to main content", "Adjust Comment Print"), a
language switcher ("• de-DE1 en-GB1 ru-RU"), an archive menu ("July 2020 (3)"), phone numbers,
copyright and photo credits and the caption under them, a contents list, "Read more:" teasers,
a run of three or more short unpunctuated lines (a menu), and short unpunctuated lines repeated
on the page (headers and footers printed twice). Every dropped line keeps its reason, which the
build report lists.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from rhetoric_shift import dates
from rhetoric_shift.formats.titles import is_document_title
from rhetoric_shift.spans import normalize_whitespace, trim_span

# Words of site interfaces. A short line made only of these is navigation, whatever the site.
INTERFACE_WORDS = frozenset(
    "all news listen live get short url new messages community standards discussion standardsdiscussion editor's "
    "editor’s column golden collection tags archive material share print subscribe read more related advertisement "
    "comments comment tags most latest follow us main top stories load show back to skip content menu search home "
    "adjust font size text email e-mail tweet facebook twitter telegram vk whatsapp linkedin copy link sign in up "
    "log login logout register close open next previous prev page of the navigation toggle expand collapse view "
    "views photo photos video videos gallery audio download pdf version mobile full site map sitemap contact "
    "contacts about rss feed feeds newsletter cookie cookies accept settings privacy policy terms use help "
    "a and or on in for this article story save bookmark report print-friendly printable trending popular "
    "recommended sponsored promoted ad ads hide language languages english русский français deutsch español "
    "live blog blogs updates update key points advanced return transcripts transcript main watch listen play "
    "中文 العربية | • · / » « > < — – - + × ☰".split()
)
FURNITURE_PATTERNS = [
    ("archive menu", re.compile(rf"^{dates.MONTH_NAME}\s+\d{{4}}\s*\(\d+\)$")),
    ("clock", re.compile(r"^[A-Z][a-z]+(?:\s[A-Z][a-z]+)?:\s*\d{1,2}:\d{2}$")),
    ("phone number", re.compile(r"^(?:(?:tel|phone|fax)\.?:?\s*)?\+?\(?\d[\d\s()\-./]{6,}\d$", re.I)),
    ("contact label", re.compile(r"^(?:consular|press|media|general|visa)\s+(?:queries|enquiries|inquiries|contacts?|office)\s*:?$", re.I)),
    ("copyright line", re.compile(r"^(?:©|\(c\)\s|copyright\b|all rights reserved)", re.I)),
    ("page save stamp", dates.SAVE_STAMP),
    ("language switcher", re.compile(r"^(?=.*(?:\b[a-z]{2}[-_][A-Z]{2}|\b[a-z]{2}\d))(?:[•·|/]?\s*(?:[a-z]{2}(?:[-_][A-Z]{2})?\d*)\s*[•·|/,]?\s*){2,}$")),
    ("caption", re.compile(
        r"^(?:(?:photo|image|picture|video|photograph|graphic|illustration)(?:\s+(?:caption|copyright|credit))?\s*[:|]"
        r"|(?:image|photo) (?:caption|copyright|source)\b|.{0,120}\b(?:getty images|afp via getty|/ ?(?:reuters|ap|afp|epa|tass|ria novosti|sputnik))\s*$)",
        re.I,
    )),
    ("credit", re.compile(r"(?:\bcredit|\bphoto|\bimage)\s*:\s*[\w .&/-]{2,40}$|^.{0,80}\btranslated (?:from [A-Z]\w+ )?by\b", re.I)),
    ("caption", re.compile(r"\((?:L|R|C|left|right|centre|center)\)", re.I)),
    ("hashtags", re.compile(r"^#\w+(?:\s+#\w+)+$")),  # one "#Syria" alone heads a section
    ("script code", re.compile(r"\bfunction\s*\(|\}\s*\)\s*;|^\s*(?:var|const|let)\s+\w+\s*=|__\w+\.\w+\(")),
    ("about the page", re.compile(
        r"^(?:this|the) (?:article|story|page|post|blog|report)\b.{0,40}\b(?:is from|was (?:first |originally )?(?:published|posted|updated)|has (?:been )?(?:changed|updated))"
        r"|\bRSS feed\b",
        re.I,
    )),
    ("link line", re.compile(r"^(?!.*[\"“”]).{0,300}(?:https?://|www\.)\S+")),
    ("teaser", re.compile(r"^(?:read more|read also|also read|see also|related|watch|listen|more on this story|recommended|more from|most read|you may also like)\b\s*[:»›>-]", re.I)),
    ("contents", re.compile(r"^(?:table of contents|contents|in this (?:article|story|section)|on this page)\s*:?$", re.I)),
    ("time alone", re.compile(r"^(?:updated\s*:?\s*)?\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*(?:GMT|UTC|MSK|BST|EST|EDT|ET|CET))?$", re.I)),
]
_SENTENCE_END = re.compile(r"[.!?,;:\"”]$")


@dataclass
class Line:
    """One line of a text and what it is: content, blank, furniture, stamp, dateonly or entry."""

    start: int
    end: int
    role: str
    reason: str = ""
    time: str | None = None
    date: dt.date | None = None
    title_start: int = 0


def classify_lines(text: str) -> list[Line]:
    """Every line of ``text`` (trimmed spans), classified; menus, captions and repeated lines marked."""
    lines = []
    for m in re.finditer(r"[^\n]*", text):
        if m.start() > 0 and m.start() == m.end() and text[m.start() - 1] != "\n":
            continue
        start, end = trim_span(text, m.start(), m.end())
        lines.append(classify(text, start, end))
    _mark_contents(text, lines)
    _mark_title_lists(text, lines)
    _mark_menus(text, lines)
    _mark_media_captions(lines)
    _mark_repeated(text, lines)
    return lines


def classify(text: str, start: int, end: int) -> Line:
    """One line by its own shape."""
    if start >= end:
        return Line(start, end, "blank")
    raw = text[start:end]
    if len(raw) > 1000:  # no furniture is this long; spare the patterns a very long line
        return Line(start, end, "content")
    line = normalize_whitespace(raw)
    stamp = dates.time_stamp(line)
    if stamp:
        return Line(start, end, "stamp", "time stamp", time=stamp)
    if is_interface_line(line):
        return Line(start, end, "furniture", "page furniture")
    for reason, pattern in FURNITURE_PATTERNS:
        if pattern.search(line):
            return Line(start, end, "furniture", reason)
    only_date = dates.date_line(line)
    if only_date is not False:
        return Line(start, end, "dateonly", "date line", date=only_date)
    header = dates.entry_header(raw)
    if header:
        return Line(start, end, "entry", date=header[0], title_start=start + header[1])
    return Line(start, end, "content")


def is_interface_line(line: str) -> bool:
    """A short line made only of interface words and symbols: "Skip to main content", "Share | Print"."""
    words = [w for w in re.split(r"[\s|•·/]+", line.lower()) if w]
    if not words or len(words) > 8 or _SENTENCE_END.search(line):
        return False
    return all(w.strip("()[]:") in INTERFACE_WORDS or not any(ch.isalnum() for ch in w) for w in words)


def _short_unpunctuated(text: str, line: Line) -> bool:
    chunk = text[line.start:line.end]
    return line.role == "content" and len(chunk.split()) <= 5 and len(chunk) <= 40 and not _SENTENCE_END.search(chunk)


def _mark_menus(text: str, lines: list[Line]) -> None:
    """Three or more short lines in a row without sentence punctuation are navigation, not text."""
    run: list[Line] = []
    for line in lines + [Line(0, 0, "blank")]:
        if line.role in ("furniture", "dateonly") or _short_unpunctuated(text, line):
            run.append(line)
            continue
        if len(run) >= 3:
            for item in run:
                if item.role == "content":  # a date line keeps its date
                    item.role, item.reason = "furniture", "navigation menu"
        run = []


def _mark_media_captions(lines: list[Line]) -> None:
    """The line right under a copyright line ("© Sputnik") captions the photo or video it credits."""
    for above, line in zip(lines, lines[1:]):
        if above.reason == "copyright line" and line.role == "content":
            line.role, line.reason = "furniture", "media caption"


_NUMBERED = re.compile(r"^(?:\d{1,2}[.)]|[•·▪◦*-])\s+\S")


def _mark_contents(text: str, lines: list[Line]) -> None:
    """Lines under a "Contents" line, or three or more numbered short titles in a row, are a table of contents."""
    run: list[Line] = []
    for line in lines + [Line(0, 0, "blank")]:
        chunk = normalize_whitespace(text[line.start:line.end]) if line.role == "content" else ""
        if chunk and _NUMBERED.match(chunk) and len(chunk.split()) <= 12 and not _SENTENCE_END.search(chunk):
            run.append(line)
            continue
        if line.role == "blank" and run:
            continue
        if len(run) >= 3:
            for item in run:
                item.role, item.reason = "furniture", "contents"
        run = []


def _mark_title_lists(text: str, lines: list[Line]) -> None:
    """Four or more short title lines in a row (blank lines between allowed) list what a page holds:
    a table of contents. Reporting has sentences between its headings; the page's own title
    ("Remarks by ...", "Briefing by ...") is no entry of a list."""
    run: list[Line] = []
    for line in lines + [Line(0, 0, "content", "end")]:
        if line.role == "blank" or (line.role == "furniture" and run):
            continue
        chunk = normalize_whitespace(text[line.start:line.end])
        if line.role == "content" and _title_shaped(chunk) and not is_document_title(chunk):
            run.append(line)
            continue
        if len(run) >= 4:
            for item in run:
                item.role, item.reason = "furniture", "contents"
        run = []


def _title_shaped(chunk: str) -> bool:
    return (
        0 < len(chunk.split()) <= 15
        and len(chunk) <= 120
        and (chunk[0].isupper() or chunk[0].isdigit())
        and not re.search(r"[,;:!?\"”]$", chunk)
        and not re.search(r"[.!?]\s+[A-Z]", chunk)
    )


def _mark_repeated(text: str, lines: list[Line]) -> None:
    """A short unpunctuated line printed twice or more on one page is a header or footer; a sentence
    without quotation marks printed twice, the second time with more after it, is a photo caption
    printed again with its credit."""
    keys = [normalize_whitespace(text[ln.start:ln.end]).lower() if _short_unpunctuated(text, ln) else "" for ln in lines]
    counts = Counter(k for k in keys if k)
    for line, key in zip(lines, keys):
        if key and counts[key] >= 2 and len(key.split()) >= 2:
            line.role, line.reason = "furniture", "repeated line"
    printed = [ln for ln in lines if ln.role in ("content", "furniture") and ln.end - ln.start <= 1000]
    for above, below in zip(printed, printed[1:]):
        if above.role != "content":
            continue
        first, second = normalize_whitespace(text[above.start:above.end]), normalize_whitespace(text[below.start:below.end])
        if len(first.split()) >= 6 and second.startswith(first) and not re.search(r"[\"“”]", first):
            above.role, above.reason = "furniture", "caption"
            if below.role == "content":
                below.role, below.reason = "furniture", "caption"
