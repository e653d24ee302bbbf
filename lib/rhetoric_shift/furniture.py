"""Page furniture in plain-text copies of pages: a classifier of lines by their shape.

Each line of a text is classified as content, blank, furniture (with the reason), a clock stamp,
a date-only line or a digest entry header. Furniture is recognised by general shapes, not by the
strings of any one site: interface words ("Skip to main content", "Adjust Comment Print"), a
language switcher ("• de-DE1 en-GB1 ru-RU"), an archive menu ("July 2020 (3)"), phone numbers,
copyright and photo credits and the caption under them, a contents list, "Read more:" teasers,
a run of three or more short unpunctuated lines (a menu), and short unpunctuated lines repeated
on the page (headers and footers printed twice), pagers ("Version 16 Version 17"), relative times
("(35 minutes later)"), a video's title above its credited caption, and a site's header above the
page's own title. Every dropped line keeps its reason, which the build report lists.

Text stays text where its shape says so: "(c) to end ..." is the third item of a list, not a
copyright line; short sentences in a row are a speech's cadence, not a table of contents.

Every line of every document passes here, so the shapes are cheap to rule out: the ones anchored
at the start of a line are tried in one match, the others only when the line holds one of their
cues, and a line is normalised only when its white space needs it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from rhetoric_shift import dates
from rhetoric_shift.formats.titles import is_document_title, is_heading
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
# A word of a name of an agency or a photographer: capitalised (case-sensitive even inside a
# pattern that ignores case), a number, a joining word or a separator.
_NAME_WORD = r"(?-i:[A-Z0-9][\w.&'’-]*|of|and|the|for|via|de|von|van|[/&|–—-])"


@dataclass(frozen=True)
class Shape:
    """One shape of furniture line: the reason it is dropped, its pattern (searched in the line with
    its white space normalised) and cues, lowercase strings one of which every match contains.

    The cues only make the search cheap: a long line of prose that holds none of them is never
    searched. A pattern without cues must be anchored at the start of the line ("^..."): those are
    tried together in one match (``_UNCUED``), which fails at once on prose.
    """

    reason: str
    pattern: re.Pattern[str]
    cues: tuple[str, ...] = ()
    max_len: int | None = None  # longer lines are prose, whatever they hold ("(c)" of a list, "translated by")
    enumerator: bool = False  # the line opens with "(c)", which on a page of "(a)", "(b)" items is one of them


# Cues avoid the letters i, k and s: under re.I they also match "ı", the Kelvin sign and "ſ".
FURNITURE_SHAPES = [
    Shape("archive menu", re.compile(rf"^{dates.MONTH_NAME}\s+\d{{4}}\s*\(\d+\)$")),
    Shape("clock", re.compile(r"^[A-Z][a-z]+(?:\s[A-Z][a-z]+)?:\s*\d{1,2}:\d{2}$")),
    Shape("phone number", re.compile(r"^(?:(?:tel|phone|fax)\.?:?\s*)?\+?\(?\d[\d\s()\-./]{6,}\d$", re.I)),
    Shape("contact label", re.compile(r"^(?:consular|press|media|general|visa)\s+(?:queries|enquiries|inquiries|contacts?|office)\s*:?$", re.I)),
    Shape("copyright line", re.compile(r"^(?:©|copyright\b|all rights reserved|\(c\)\s*(?:(?:19|20)\d\d\b|copyright\b|all rights\b))", re.I)),
    # "(c) Reuters", "(c) Sputnik / Alexey Nikolsky": a name and nothing else. "(c) To end the
    # jurisdiction ..." is the third item of a list, and so is "(c) Economic Cooperation" under "(a)" and "(b)".
    Shape("copyright line", re.compile(rf"^\(c\)\s*{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,7}}\.?$", re.I), enumerator=True),
    Shape("page save stamp", dates.SAVE_STAMP),
    # Two or more language codes and nothing else, one of them with a region or a count ("de-DE1").
    Shape("language switcher", re.compile(
        r"^(?=(?:[•·|/]?\s*(?:[a-z]{2}(?:[-_][A-Z]{2})?\d*)\s*[•·|/,]?\s*){2,}$).*(?:\b[a-z]{2}[-_][A-Z]{2}|\b[a-z]{2}\d)")),
    Shape("caption", re.compile(
        r"^(?:(?:photo|image|picture|video|photograph|graphic|illustration)(?:\s+(?:caption|copyright|credit))?\s*[:|]"
        r"|(?:image|photo) (?:caption|copyright|source)\b)",
        re.I,
    )),
    Shape("caption", re.compile(r"^.{0,120}\b(?:getty images|afp via getty|/ ?(?:reuters|ap|afp|epa|tass|ria novosti|sputnik))\s*$", re.I),
          cues=("getty", "/")),
    Shape("credit", re.compile(r"(?:\bcredit|\bphoto|\bimage)\s*:\s*[\w .&/-]{2,40}$", re.I), cues=(":",)),
    Shape("credit", re.compile(r"^.{0,80}\btranslated (?:from [A-Z]\w+ )?by\b", re.I), cues=("lated",), max_len=160),
    # "Lavrov (R) and Kerry (L) shake hands": a marker after a name, as photo captions print it;
    # "section (C) of resolution 687" is a reference, "(c) To discuss ..." an item of a list.
    Shape("caption", re.compile(r"(?-i:[A-Z][\w.'’-]*)\s+\((?:(?-i:L|R|C)|left|right|centre|center)\)", re.I), cues=(")",), max_len=600),
    Shape("hashtags", re.compile(r"^#\w+(?:\s+#\w+)+$")),  # one "#Syria" alone heads a section
    Shape("script code", re.compile(r"\bfunction\s*\(|\}\s*\)\s*;|^\s*(?:var|const|let)\s+\w+\s*=|__\w+\.\w+\("),
          cues=("function", "}", "=", "__")),
    Shape("about the page", re.compile(
        r"^(?:this|the) (?:article|story|page|post|blog|report)\b.{0,40}\b(?:is from|was (?:first |originally )?(?:published|posted|updated)|has (?:been )?(?:changed|updated))",
        re.I,
    )),
    Shape("about the page", re.compile(r"\bRSS feed\b", re.I), cues=("feed",)),
    Shape("link line", re.compile(r"^(?!.*[\"“”]).{0,300}(?:https?://|www\.)\S+"), cues=("://", "www.")),
    Shape("teaser", re.compile(r"^(?:read more|read also|also read|see also|related|watch|listen|more on this story|recommended|more from|most read|you may also like)\b\s*[:»›>-]", re.I)),
    Shape("contents", re.compile(r"^(?:table of contents|contents|in this (?:article|story|section)|on this page)\s*:?$", re.I)),
    # "Version 16 Version 17", "Page 1 Page 2 Page 3": a pager between versions or pages of one text.
    Shape("pager", re.compile(r"^(?P<word>[A-Z][a-z]+)\s+\d+(?:\s+(?P=word)\s+\d+)+$")),
    # "(35 minutes later)", "2 hours ago", "5h ago": when an entry was posted, relative to another.
    Shape("relative time", re.compile(
        r"^\(?(?:\d+|an?|one)\s*(?:seconds?|secs?|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|months?|years?)\s+(?:later|earlier|ago)\)?$",
        re.I,
    )),
    Shape("time alone", re.compile(r"^(?:updated\s*:?\s*)?\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*(?:GMT|UTC|MSK|BST|EST|EDT|ET|CET))?$", re.I)),
]
_SENTENCE_END_CHARS = frozenset(".!?,;:\"”")
_WORD_SEPARATORS = re.compile(r"[\s|•·/]+")
_LINE = re.compile(r"[^\n]*")


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
    lines, printed = [], []
    for m in _LINE.finditer(text):
        if m.start() > 0 and m.start() == m.end() and text[m.start() - 1] != "\n":
            continue
        start, end = trim_span(text, m.start(), m.end())
        chunk = _normalized(text[start:end])
        lines.append(_classify(text, start, end, chunk))
        printed.append(chunk)
    _mark_list_items(text, lines, printed)
    _mark_contents(lines, printed)
    _mark_title_lists(lines, printed)
    _mark_menus(text, lines)
    _mark_media_captions(lines, printed)
    _mark_above_title(lines, printed)
    _mark_repeated(lines, printed, text)
    return lines


def classify(text: str, start: int, end: int) -> Line:
    """One line by its own shape."""
    return _classify(text, start, end, _normalized(text[start:end]))


def _classify(text: str, start: int, end: int, line: str, enumerated: bool = False) -> Line:
    """One line by its own shape; ``line`` is its text with white space normalised; ``enumerated``
    when the page lists items "(a)", "(b)", ..., so that "(c) ..." is one of them."""
    if start >= end:
        return Line(start, end, "blank")
    if end - start > 1000:  # no furniture is this long; spare the patterns a very long line
        return Line(start, end, "content")
    stamp = dates.time_stamp(line)
    if stamp:
        return Line(start, end, "stamp", "time stamp", time=stamp)
    if is_interface_line(line):
        return Line(start, end, "furniture", "page furniture")
    reason = furniture_reason(line, enumerated)
    if reason:
        return Line(start, end, "furniture", reason)
    only_date = dates.date_line(line)
    if only_date is not False:
        return Line(start, end, "dateonly", "date line", date=only_date)
    header = dates.entry_header(text[start:end])
    if header:
        return Line(start, end, "entry", date=header[0], title_start=start + header[1])
    return Line(start, end, "content")


def _screen(shapes: list[Shape]) -> re.Pattern[str]:
    """One pattern that matches at the start of a line where one of ``shapes``' patterns, all
    anchored there ("^..."), does."""
    return re.compile("|".join(
        f"(?i:{shape.pattern.pattern})" if shape.pattern.flags & re.I else f"(?:{shape.pattern.pattern})" for shape in shapes))


# The shapes without cues, all anchored at the start of the line, tried at once: on most lines
# none matches, and one match at the start decides it.
_UNCUED = _screen([shape for shape in FURNITURE_SHAPES if not shape.cues])
_CUES = frozenset(cue for shape in FURNITURE_SHAPES for cue in shape.cues)


def furniture_reason(line: str, enumerated: bool = False) -> str | None:
    """The reason of the first furniture shape that ``line`` (white space normalised) has, or None;
    ``enumerated`` when the page lists items "(a)", "(b)", ..., so that "(c) Name" is no copyright."""
    lowered = line.lower()
    cues = {cue for cue in _CUES if cue in lowered}
    uncued = _UNCUED.match(line) is not None
    for shape in FURNITURE_SHAPES:
        if shape.cues:
            if cues.isdisjoint(shape.cues):
                continue
        elif not uncued:
            continue
        if (shape.max_len is not None and len(line) > shape.max_len) or (enumerated and shape.enumerator):
            continue
        if shape.pattern.search(line):
            return shape.reason
    return None


def is_interface_line(line: str) -> bool:
    """A short line made only of interface words and symbols: "Skip to main content", "Share | Print"."""
    if not line or _ends_sentence(line):
        return False
    words = [w for w in _WORD_SEPARATORS.split(line.lower()) if w]
    if not words or len(words) > 8:
        return False
    return all(w.strip("()[]:") in INTERFACE_WORDS or not any(ch.isalnum() for ch in w) for w in words)


def _ends_sentence(chunk: str) -> bool:
    """Whether a trimmed line ends with sentence punctuation or a closing quotation mark, before any
    emphasis marks ("**Mr President,**")."""
    chunk = chunk.rstrip("*_")
    return chunk[-1:] in _SENTENCE_END_CHARS if chunk else False


def _normalized(chunk: str) -> str:
    """``chunk`` with white space normalised; most lines already are, and are returned as they are."""
    # A space is the only printable white space, and zero-width characters are not printable.
    if chunk.isprintable() and "  " not in chunk:
        return chunk.strip(" ")
    return normalize_whitespace(chunk)


_ENUMERATOR = re.compile(r"^\([a-hA-H]\)\s")


def _mark_list_items(text: str, lines: list[Line], printed: list[str]) -> None:
    """On a page that lists items "(a)", "(b)", "(d)", a line "(c) Name" is the third item, not a copyright line."""
    doubtful = [i for i, ln in enumerate(lines) if ln.reason == "copyright line" and printed[i][:3].lower() == "(c)"]
    if not doubtful or not any(_ENUMERATOR.match(chunk) and chunk[1] not in "cC" for chunk in printed):
        return
    for i in doubtful:
        lines[i] = _classify(text, lines[i].start, lines[i].end, printed[i], enumerated=True)


def _short_unpunctuated(text: str, line: Line) -> bool:
    if line.role != "content" or line.end - line.start > 40:
        return False
    chunk = text[line.start:line.end]
    return len(chunk.split()) <= 5 and not _ends_sentence(chunk)


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


def _mark_media_captions(lines: list[Line], printed: list[str]) -> None:
    """The line right under a copyright line ("© Sputnik") captions the photo or video it credits, and
    a title line right above a caption with its credit (no blank line between) is that video's title."""
    for above, line in zip(lines, lines[1:]):
        if above.reason == "copyright line" and line.role == "content":
            line.role, line.reason = "furniture", "media caption"
    for i in range(len(lines) - 1):
        above, line = lines[i], lines[i + 1]
        if line.reason in ("caption", "credit") and above.role == "content" and _title_shaped(printed[i]) \
                and not printed[i].endswith("."):
            above.role, above.reason = "furniture", "media caption"


_HEADER_LINES = 12  # a page's own title comes within its first lines
_HEADER_CONTENT = 3  # a site's header above it holds a few lines of text at most


def _mark_above_title(lines: list[Line], printed: list[str]) -> None:
    """Text above a page's own title ("Remarks With ...", "Interview by ...") near the top of the page
    is the site's header: a banner, a counter of press releases or of days since an event."""
    above: list[Line] = []
    seen = 0
    for line, chunk in zip(lines, printed):
        if line.role == "blank":
            continue
        seen += 1
        if seen > _HEADER_LINES or line.role == "entry":
            return
        if line.role != "content":
            continue
        if is_document_title(chunk) and is_heading(chunk):
            for item in above:
                item.role, item.reason = "furniture", "above the page title"
            return
        above.append(line)
        if len(above) > _HEADER_CONTENT:
            return


_NUMBERED = re.compile(r"^(?:\d{1,2}[.)]|[•·▪◦*-])\s+\S")


def _mark_contents(lines: list[Line], printed: list[str]) -> None:
    """Lines under a "Contents" line, or three or more numbered short titles in a row, are a table of contents.

    ``printed`` holds each line's text with white space normalised."""
    run: list[Line] = []
    for line, chunk in zip(lines + [Line(0, 0, "blank")], printed + [""]):
        if line.role == "content" and chunk and _NUMBERED.match(chunk) and len(chunk.split()) <= 12 and not _ends_sentence(chunk):
            run.append(line)
            continue
        if line.role == "blank" and run:
            continue
        if len(run) >= 3:
            for item in run:
                item.role, item.reason = "furniture", "contents"
        run = []


def _mark_title_lists(lines: list[Line], printed: list[str]) -> None:
    """Four or more short title lines in a row (blank lines between allowed) list what a page holds:
    a table of contents. Reporting has sentences between its headings; the page's own title
    ("Remarks by ...", "Briefing by ...") is no entry of a list."""
    run: list[Line] = []
    stops = 0
    for line, chunk in zip(lines + [Line(0, 0, "content", "end")], printed + [""]):
        if line.role == "blank" or (line.role == "furniture" and run):
            continue
        if line.role == "content" and _title_shaped(chunk) and not is_document_title(chunk):
            run.append(line)
            stops += chunk.endswith((".", "…"))
            continue
        # Titles seldom end with a full stop or an ellipsis; four short sentences in a row are a speech's cadence.
        if len(run) >= 4 and 2 * stops < len(run):
            for item in run:
                item.role, item.reason = "furniture", "contents"
        run, stops = [], 0


_TITLE_END_CHARS = frozenset(",;:!?\"”")
_SENTENCE_INSIDE = re.compile(r"[.!?]\s+[A-Z]")


def _title_shaped(chunk: str) -> bool:
    return (
        0 < len(chunk) <= 120
        and len(chunk.split()) <= 15
        and (chunk[0].isupper() or chunk[0].isdigit())
        and chunk[-1] not in _TITLE_END_CHARS
        and not _SENTENCE_INSIDE.search(chunk)
    )


def _mark_repeated(lines: list[Line], printed: list[str], text: str) -> None:
    """A short unpunctuated line printed twice or more on one page is a header or footer; a sentence
    without quotation marks printed twice, the second time with more after it, is a photo caption
    printed again with its credit."""
    keys = [chunk.lower() if _short_unpunctuated(text, ln) else "" for ln, chunk in zip(lines, printed)]
    counts = Counter(k for k in keys if k)
    for line, key in zip(lines, keys):
        if key and counts[key] >= 2 and len(key.split()) >= 2:
            line.role, line.reason = "furniture", "repeated line"
    kept = [(ln, chunk) for ln, chunk in zip(lines, printed) if ln.role in ("content", "furniture") and ln.end - ln.start <= 1000]
    for (above, first), (below, second) in zip(kept, kept[1:]):
        if above.role != "content":
            continue
        if second.startswith(first) and len(first.split()) >= 6 and not _QUOTE_MARK.search(first):
            above.role, above.reason = "furniture", "caption"
            if below.role == "content":
                below.role, below.reason = "furniture", "caption"


_QUOTE_MARK = re.compile(r"[\"“”]")
