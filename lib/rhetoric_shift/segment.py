"""Segmentation: one document's text becomes statements with speaker, kind, date, time and span.

The parsers are per *format*, not per file, so similar pages of other outlets work too:

- ``transcript``: speaker labels ("Question:", "Q:", "Sergey Lavrov:"); unlabelled paragraphs
  continue the current speaker; a salutation ("Ladies and gentlemen,") opens a new speech of the
  document's speaker.
- ``liveblog``: entries under clock stamps ("• 10:19") or none; headlines and reporting prose.
- ``news``: a dateline ("MOSCOW, January 17. /TASS/."), section headings and reporting prose.
- ``digest``: dated items ("20.02.2017 - Title"); an item's title names its speaker
  ("Sergey Lavrov's remarks ...") or none (a press release is narration).
- ``paragraphs``: the fallback; each paragraph is one statement of the document's speaker.

Every character with a letter or digit ends up in a statement or in a dropped span that says why
(page furniture, a bare frame such as "he said", a speaker label, a dateline, a stamp).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from rhetoric_shift import dates
from rhetoric_shift.attribute import Attributor
from rhetoric_shift.manifest import FORMATS
from rhetoric_shift.schema import PRESS
from rhetoric_shift.spans import has_words, normalize_whitespace, trim_span
from rhetoric_shift.speakers import SpeakerRegistry

FURNITURE_LINES = {
    "all news", "listen live", "get short url", "new messages", "all messages", "community standards",
    "discussion", "community standardsdiscussion", "editor's column", "editor’s column", "golden collection",
    "all tags", "archive material", "mfa russia news", "share", "print", "subscribe", "read more", "related",
    "advertisement", "comments", "tags", "most read", "latest news", "follow us", "main news", "top stories",
    "load more", "show more", "back to top", "skip to content", "menu", "search", "home",
}
FURNITURE_PATTERNS = [
    ("archive menu", re.compile(rf"^{dates.MONTH_NAME}\s+\d{{4}}\s*\(\d+\)$")),
    ("clock", re.compile(r"^[A-Z][a-z]+(?:\s[A-Z][a-z]+)?:\s*\d{1,2}:\d{2}$")),
    ("phone number", re.compile(r"^(?:(?:tel|phone|fax)\.?:?\s*)?\+?\(?\d[\d\s()\-./]{6,}\d$", re.I)),
    ("contact label", re.compile(r"^(?:consular|press|media|general|visa)\s+(?:queries|enquiries|inquiries|contacts?|office)\s*:?$", re.I)),
    ("copyright line", re.compile(r"^(?:©|\(c\)\s|copyright\b|all rights reserved)", re.I)),
    ("page save stamp", dates.SAVE_STAMP),
]
LONG_LINE = 100  # characters: longer than any hard-wrapped line
_LABEL_WORDS = r"Question|Q|Answer|A|Journalist|Reporter|Correspondent|Moderator"
_SALUTATION = re.compile(
    r"^(?:(?:Dear|Distinguished|Respected|Esteemed)\s.{1,60}|Ladies and [Gg]entlemen|Mr\.?\s+\w+(?:\s\w+)?|"
    r"Madam\s+\w+(?:\s\w+)?|Secretary[- ]General|Your (?:Excellency|Excellencies|Majesty|Highness)|Excellenc(?:y|ies)|"
    r"Colleagues|Friends|President of .{1,60}|Good (?:morning|afternoon|evening))[,.!:]?$"
)
_NO_SPEAKER_TITLE = re.compile(r"^(?:press release|concept paper|joint statement|statement on|communiqu[eé]|agenda|schedule)\b", re.I)
_TITLE_POSSESSIVE = re.compile(
    r"(?P<name>(?:[A-Z][\w.-]*\s+){0,5}[A-Z][\w-]+)['’]s\s+(?:opening\s+|closing\s+|introductory\s+)?"
    r"(?:answers?|remarks|comments?|interview|reply|replies|statement|speech|article|address|briefing|message|op-ed|responses?)\b"
)
_TITLE_BY = re.compile(r"^(?:Briefing|Comment|Statement|Remarks|Interview|Speech|Article|Address|Answers?)s?\s+by\s+(?:the\s+)?(?P<name>.+?)(?:,|\s+on\s+|\s+at\s+|$)")
_SECTION_CUE = re.compile(
    r"^(?:(?:the\s+)?(?:topic|discussion|conversation)\s+(?:then\s+)?turns?\s+to|back to|more on|moving on(?:to)?|still on|on to"
    r"|(?:[\w-]+\s+){1,3}(?:continues|moves on|turns) (?:on|to) (?:the )?(?:theme|topic|subject|issue)s?\b)",
    re.I,
)


@dataclass(frozen=True)
class Segment:
    """One statement found in a text: its span in the text and its attribution."""

    start: int
    end: int
    kind: str
    speaker: str | None
    date: dt.date | None
    time: str | None
    parent: int | None = None  # index of the heading or question it belongs to


@dataclass(frozen=True)
class Dropped:
    """Text that is not a statement, and why."""

    start: int
    end: int
    reason: str


@dataclass
class Segmentation:
    format: str
    statements: list[Segment] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)


@dataclass
class _Line:
    start: int
    end: int
    role: str  # content, blank, furniture, stamp, dateonly, entry
    reason: str = ""
    time: str | None = None
    date: dt.date | None = None
    title_start: int = 0


@dataclass
class _State:
    date: dt.date | None
    default_speaker: str | None
    time: str | None = None
    last_named: str | None = None
    turn_speaker: str | None = None
    heading: int | None = None
    question: int | None = None
    heading_block: int = 0  # the paragraph the current heading is in
    question_block: int = 0  # the paragraph the current question is in
    block: int = 0  # the paragraph being read


def detect_format(text: str) -> str:
    """Guess the format of a text whose manifest does not say (see the module docstring)."""
    lines = [ln.strip() for ln in text.splitlines()]
    if sum(1 for ln in lines if dates.ENTRY_HEADER.match(ln)) >= 2:
        return "digest"
    if sum(1 for ln in lines if dates.time_stamp(ln)) >= 2:
        return "liveblog"
    labelled = sum(1 for ln in lines if re.match(rf"^(?:{_LABEL_WORDS}|[A-Z][a-z]+ [A-Z][a-z]+)\s*:\s", ln))
    if labelled >= 2:
        return "transcript"
    if any(dates.DATELINE.match(ln) for ln in lines[:40]) or re.search(r"[\"”],?\s+(?:he|she|[A-Z][a-z]+)\s+(?:said|says)\b", text):
        return "news"
    return "paragraphs"


def segment(
    text: str,
    *,
    format: str | None = None,
    speaker: str | None = None,
    date: dt.date | None = None,
    year: int | None = None,
    registry: SpeakerRegistry | None = None,
) -> Segmentation:
    """Split ``text`` into statements.

    ``format`` is one of ``FORMATS`` (detected when None); ``speaker`` is the document's default
    speaker; ``date`` its fallback date; ``year`` fills datelines printed without one (defaults to
    ``date``'s year). Returns the statements in text order and the dropped spans with reasons.
    """
    fmt = format or detect_format(text)
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    registry = registry or SpeakerRegistry.load()
    parser = _Parser(text, fmt, registry, speaker, date, year if year is not None else (date.year if date else None))
    return parser.run()


class _Parser:
    def __init__(self, text, fmt, registry, speaker, date, year) -> None:
        self.text = text
        self.fmt = fmt
        self.registry = registry
        self.attributor = Attributor(registry)
        self.year = year
        self.state = _State(date=date, default_speaker=speaker, turn_speaker=speaker)
        self.result = Segmentation(fmt)
        self.entries_unmarked = fmt == "liveblog" and not any(dates.time_stamp(line) for line in text.splitlines())
        self.salutation_start: int | None = None
        self.salutation_end = 0
        self.label_re = re.compile(
            rf"(?P<label>{_LABEL_WORDS}|{registry.alias_pattern()}|[A-Z][a-z]+(?:\s[A-Z][a-z'’-]+){{1,2}})\s*:(?=\s)"
        )

    # --- output -------------------------------------------------------------------------

    def drop(self, start: int, end: int, reason: str) -> None:
        start, end = trim_span(self.text, start, end)
        if start < end:
            self.result.dropped.append(Dropped(start, end, reason))

    def emit(self, start: int, end: int, kind: str, speaker: str | None, role: str = "statement") -> int | None:
        start, end = trim_span(self.text, start, end)
        if start >= end or not has_words(self.text[start:end]):
            if start < end:
                self.drop(start, end, "punctuation")
            return None
        st = self.state
        parent = None if role == "heading" else (self._near(st.heading, st.heading_block) if role == "question" else self._answered_question())
        self.result.statements.append(Segment(start, end, kind, speaker, st.date, st.time, parent))
        index = len(self.result.statements) - 1
        if role == "heading":
            st.heading, st.heading_block, st.question = index, st.block, None
        elif role == "question":
            st.question, st.question_block = index, st.block
        return index

    def _answered_question(self) -> int | None:
        """The question, else the heading, that the statement being emitted belongs to.

        A live blog without clock stamps may run newest entry first with nothing between the
        entries, so the paragraph after one entry can open an older entry whose question comes
        below it. There a statement belongs to a question or heading only in the same or the
        next paragraph.
        """
        st = self.state
        if st.question is not None:
            return self._near(st.question, st.question_block)
        return self._near(st.heading, st.heading_block)

    def _near(self, parent: int | None, block: int) -> int | None:
        if self.entries_unmarked and self.state.block - block > 1:
            return None
        return parent

    # --- lines and blocks ---------------------------------------------------------------

    def run(self) -> Segmentation:
        lines = self._classify_lines()
        block: list[_Line] = []
        for line in lines + [_Line(len(self.text), len(self.text), "blank")]:
            if line.role == "content" and block and self._ends_paragraph(block[-1]):
                self._block(block[0].start, block[-1].end, next_line=line)
                block = []
            if line.role == "content":
                block.append(line)
                continue
            if block:
                self._block(block[0].start, block[-1].end, next_line=line)
                block = []
            self._structural(line)
        self._flush_salutation()
        # Statements are emitted in text order (parents refer to earlier indices); dropped spans
        # are collected block by block, so they are sorted here.
        self.result.dropped.sort(key=lambda d: d.start)
        return self.result

    def _ends_paragraph(self, line: _Line) -> bool:
        """A long line closing a sentence is a paragraph of its own even without a blank line after it.

        Files with one paragraph per line have no blank lines; hard-wrapped files break lines at
        about 60 characters and separate paragraphs with blank lines, so their lines never qualify.
        """
        return line.end - line.start > LONG_LINE and bool(re.search(r"[.!?…][\"”’)]?$", self.text[line.start:line.end]))

    def _classify_lines(self) -> list[_Line]:
        lines = []
        for m in re.finditer(r"[^\n]*", self.text):
            if m.start() > 0 and m.start() == m.end() and self.text[m.start() - 1] != "\n":
                continue
            start, end = trim_span(self.text, m.start(), m.end())
            lines.append(self._classify(start, end))
        self._mark_menus(lines)
        self._mark_media_captions(lines)
        return lines

    @staticmethod
    def _mark_media_captions(lines: list[_Line]) -> None:
        """The line right under a copyright line ("© Sputnik") captions the photo or video it credits."""
        for above, line in zip(lines, lines[1:]):
            if above.reason == "copyright line" and line.role == "content":
                line.role, line.reason = "furniture", "media caption"

    def _classify(self, start: int, end: int) -> _Line:
        if start >= end:
            return _Line(start, end, "blank")
        line = normalize_whitespace(self.text[start:end])
        if line.lower() in FURNITURE_LINES:
            return _Line(start, end, "furniture", "page furniture")
        for reason, pattern in FURNITURE_PATTERNS:
            if pattern.search(line):
                return _Line(start, end, "furniture", reason)
        stamp = dates.time_stamp(line)
        if stamp:
            return _Line(start, end, "stamp", "time stamp", time=stamp)
        only_date = dates.date_line(line)
        if only_date is not False:
            return _Line(start, end, "dateonly", "date line", date=only_date)
        header = dates.entry_header(self.text[start:end])
        if header:
            return _Line(start, end, "entry", date=header[0], title_start=start + header[1])
        return _Line(start, end, "content")

    def _mark_menus(self, lines: list[_Line]) -> None:
        """Three or more short lines in a row without sentence punctuation are navigation, not text."""
        run: list[_Line] = []
        for line in lines + [_Line(0, 0, "blank")]:
            text = self.text[line.start:line.end]
            short = line.role in ("furniture", "dateonly") or (
                line.role == "content" and len(text.split()) <= 5 and len(text) <= 40 and not re.search(r"[.!?,;:\"”]$", text)
            )
            if short:
                run.append(line)
                continue
            if len(run) >= 3:
                for item in run:
                    if item.role != "furniture":
                        item.role, item.reason = "furniture", "navigation menu"
            run = []

    def _structural(self, line: _Line) -> None:
        st = self.state
        if line.role == "furniture":
            self.drop(line.start, line.end, line.reason)
        elif line.role == "stamp":
            st.time = line.time
            self.drop(line.start, line.end, "time stamp")
        elif line.role == "dateonly":
            if line.date is not None:
                st.date = line.date
            self.drop(line.start, line.end, "date line")
        elif line.role == "entry":
            self._flush_salutation()
            st.date, st.time = line.date or st.date, None
            self.drop(line.start, line.title_start, "entry date")
            self._heading(line.title_start, line.end, entry=True)

    def _flush_salutation(self) -> None:
        """A salutation with no paragraph of its speaker after it stands as a statement of its own."""
        if self.salutation_start is not None:
            start, self.salutation_start = self.salutation_start, None
            speaker = self.state.default_speaker
            self.emit(start, self.salutation_end, "direct" if speaker else "context", speaker)

    def _block(self, start: int, end: int, next_line: _Line) -> None:
        text = self.text
        self.state.block += 1
        if self.salutation_start is not None and not self._continues_speech(start, end):
            self._flush_salutation()
        if self.fmt == "paragraphs":
            speaker = self.state.default_speaker
            self.emit(start, end, "direct" if speaker else "context", speaker)
            return
        if self.fmt in ("news", "liveblog"):
            found = dates.dateline(text[start:end], self.year)
            if found:
                if found[0] is not None:
                    self.state.date = found[0]
                self.drop(start, start + found[1], "dateline")
                start = trim_span(text, start + found[1], end)[0]
                if start >= end:
                    return
        labels = self._labels(start, end)
        if labels:
            self._turns(start, end, labels)
            return
        if _is_heading(text[start:end]):
            self._heading(start, end, entry=False)
            return
        glued = glued_title_end(text[start:end])
        if glued is not None:
            # A section title run into its first sentence on one line: a heading of its own,
            # which leaves the speaker of the item unchanged.
            self.emit(start, start + glued, "context", None, "heading")
            self._block(start + glued, end, next_line)
            return
        if self.fmt in ("transcript", "digest") and _SALUTATION.match(normalize_whitespace(text[start:end])):
            # "Ladies and gentlemen," opens a new speech of the document's speaker; it is kept with
            # the paragraph it introduces rather than standing as a statement of its own.
            self.state.turn_speaker = self.state.default_speaker
            self.state.question = None
            self.salutation_start = self.salutation_start if self.salutation_start is not None else start
            self.salutation_end = end
            return
        if self.fmt in ("transcript", "digest") and self.state.turn_speaker:
            speaker = self.state.turn_speaker
            if self.salutation_start is not None and speaker == self.state.default_speaker:
                start, self.salutation_start = self.salutation_start, None
            self.emit(start, end, "question" if speaker == PRESS else "direct", speaker, "question" if speaker == PRESS else "statement")
            return
        self._prose(start, end, next_line)

    def _continues_speech(self, start: int, end: int) -> bool:
        """Whether this paragraph joins a pending salutation: another salutation, or the speech it opens."""
        if self.fmt not in ("transcript", "digest") or self._labels(start, end) or _is_heading(self.text[start:end]):
            return False
        if _SALUTATION.match(normalize_whitespace(self.text[start:end])):
            return True
        return self.state.turn_speaker is not None and self.state.turn_speaker == self.state.default_speaker

    def _heading(self, start: int, end: int, entry: bool) -> None:
        st = self.state
        title = normalize_whitespace(self.text[start:end])
        event_date = dates.last_date(title)
        if event_date is not None:
            st.date = event_date
        if entry or self.fmt == "digest":
            speaker = title_speaker(title, self.registry)
            st.turn_speaker = speaker
            if speaker:
                st.last_named = speaker
        self.emit(start, end, "context", None, "heading")

    # --- labelled turns -----------------------------------------------------------------

    def _labels(self, start: int, end: int) -> list[re.Match]:
        """Speaker labels that open the paragraph or a sentence inside it."""
        found = []
        for m in self.label_re.finditer(self.text, start, end):
            before = self.text[start:m.start()]
            if before.strip() and not re.search(r"[.?!…\"”)]\s+$", before):
                continue
            if m.group("label") in ("A", "Q") and before.strip():
                continue
            found.append(m)
        if found and found[0].start() != start and self.fmt not in ("transcript", "digest"):
            return []  # in reporting prose only a label that opens the paragraph starts a transcript
        return found

    def _turns(self, start: int, end: int, labels: list[re.Match]) -> None:
        st = self.state
        if labels[0].start() > start:
            self._block_without_labels(start, labels[0].start())
        for i, m in enumerate(labels):
            label = m.group("label")
            speaker = self._label_speaker(label)
            self.drop(m.start(), m.end(), "speaker label")
            turn_end = labels[i + 1].start() if i + 1 < len(labels) else end
            st.turn_speaker = speaker
            if speaker == PRESS:
                self.emit(m.end(), turn_end, "question", PRESS, "question")
            else:
                st.last_named = speaker
                self.emit(m.end(), turn_end, "direct", speaker)

    def _label_speaker(self, label: str) -> str:
        if label in ("Answer", "A"):
            return self.state.turn_speaker if self.state.turn_speaker not in (None, PRESS) else (self.state.default_speaker or "Unknown")
        return self.registry.resolve(label) or normalize_whitespace(label)

    def _block_without_labels(self, start: int, end: int) -> None:
        speaker = self.state.turn_speaker
        if speaker:
            self.emit(start, end, "question" if speaker == PRESS else "direct", speaker)
        else:
            self.emit(start, end, "context", None)

    # --- reporting prose ----------------------------------------------------------------

    def _prose(self, start: int, end: int, next_line: _Line) -> None:
        st = self.state
        default = st.turn_speaker if self.fmt == "digest" else st.default_speaker
        next_opens_quote = self._next_block_opens_quote(next_line)
        pieces, st.last_named = self.attributor.attribute(
            self.text, start, end, last_named=st.last_named, default=default, next_opens_quote=next_opens_quote
        )
        for piece in pieces:
            if piece.dropped:
                self.drop(piece.start, piece.end, piece.dropped)
                continue
            sentence = self.text[piece.start:piece.end]
            role = "question" if piece.kind == "question" else "statement"
            if piece.kind == "context" and _SECTION_CUE.match(sentence.strip()):
                role = "heading"
            self.emit(piece.start, piece.end, piece.kind, piece.speaker, role)

    def _next_block_opens_quote(self, line: _Line) -> bool:
        rest = self.text[line.end:]
        m = re.search(r"\S", rest)
        return bool(m) and rest[m.start()] in "\"“«„"


def _is_heading(paragraph: str) -> bool:
    """A one-line title: up to 20 words, no closing sentence punctuation, not a quotation."""
    line = normalize_whitespace(paragraph)
    if "\n" in paragraph.strip() or not line or len(line.split()) > 20:
        return False
    if line[0] in "\"“«„'‘" or not (line[0].isupper() or line[0].isdigit()):
        return False
    return not re.search(r"[.!?,;:\"”’…]$", line) and any(ch.isalpha() for ch in line)


_TITLE_SMALL_WORDS = {"a", "an", "and", "at", "by", "de", "for", "from", "in", "of", "on", "the", "to", "with", "van", "von"}
_SENTENCE_OPENERS = {"On", "In", "The", "At", "As", "During", "After", "Before", "Today", "This", "We", "It", "Yesterday", "Earlier"}


def glued_title_end(paragraph: str) -> int | None:
    """Where a title run into its paragraph ends, or None.

    "Visit by UN Special Envoy for Syria Staffan de Mistura to Russia On February 16, Moscow will ..."
    → the offset of "On": five or more title-case words without punctuation, then a capitalised
    word that opens sentences, not titles.
    """
    for k, word in enumerate(re.finditer(r"\S+", paragraph[:400])):
        token = word.group()
        if k >= 5 and token in _SENTENCE_OPENERS:
            return word.start()
        if k >= 25 or re.search(r"[.,;:!?\"“”]$", token):
            return None
        if not (token[0].isupper() or token[0].isdigit() or token in _TITLE_SMALL_WORDS):
            return None
    return None


def title_speaker(title: str, registry: SpeakerRegistry) -> str | None:
    """Whose words follow a digest title: "Sergey Lavrov's remarks ..." → "Sergey Lavrov"; a press release → None."""
    if _NO_SPEAKER_TITLE.match(title):
        return None
    m = _TITLE_POSSESSIVE.search(title) or _TITLE_BY.search(title)
    if not m:
        return None
    name = m.group("name").strip()
    resolved = registry.resolve(name)
    if resolved:
        return resolved
    mentioned = registry.mentions(name)
    if mentioned:
        return mentioned[-1][1]
    words = name.split()
    return " ".join(words[-2:]) if len(words) >= 2 else None
