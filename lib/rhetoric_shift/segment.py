"""Segmentation: one document's text becomes statements with speaker, kind, date, time and span.

The parsers are per *format*, not per file, so similar pages of other outlets work too; each
format is one module in ``rhetoric_shift.formats`` (``rhetoric-shift formats`` lists them).
This module is the engine they share: it classifies lines (``rhetoric_shift.furniture``), keeps
the reading state (date, clock time, current speaker, the heading or question a statement
belongs to), hands each paragraph to the format and collects what it emits.

Every character with a letter or digit ends up in a statement or in a dropped span that says why
(page furniture, a bare frame such as "he said", a speaker label, a stage note such as
"(inaudible)", a dateline, a stamp). A statement longer than ``MAX_STATEMENT_WORDS`` words is
split at sentence boundaries (a sentence longer than that at a clause mark or a space), so one
enormous paragraph costs time linear in its length and no statement is unbounded.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field, replace

from rhetoric_shift import dates, formats
from rhetoric_shift.attribute import Attributor, split_sentences
from rhetoric_shift.formats.base import Format
from rhetoric_shift.formats.titles import document_title_speaker, glued_title_end, is_heading, title_speaker
from rhetoric_shift.formats.transcript import is_salutation, label_pattern
from rhetoric_shift.furniture import Line, classify_lines
from rhetoric_shift.schema import PRESS
from rhetoric_shift.spans import has_words, normalize_whitespace, trim_span
from rhetoric_shift.speakers import SpeakerRegistry

__all__ = ["Segment", "Dropped", "Segmentation", "segment", "detect_format", "glued_title_end", "title_speaker"]

LONG_LINE = 100  # characters: longer than any hard-wrapped line
_CLOSES_SENTENCE = re.compile(r"[.!?…][\"”’)]?$")
MAX_STATEMENT_WORDS = 300
# Notes a transcript prints about the recording, not words anybody said.
STAGE_NOTE = re.compile(
    r"[(\[]\s*(?:inaudible|indistinct|unintelligible|indiscernible|applause|laughter|laughs|chuckles|crosstalk|cross-talk|"
    r"off[- ]mic(?:rophone)?|pause|silence|no audio|audio (?:gap|cut|drops?)|technical (?:difficulties|problems|glitch)|"
    r"(?:speaks?|speaking|spoke|in) (?:in )?(?:English|Russian|French|German|Arabic|Chinese|Spanish|Ukrainian|Korean|Japanese|Turkish|Persian)|"
    r"(?:through|via|by) (?:an? |the )?(?:translator|interpreter|interpretation|translation)|as translated|translated|interpreted|"
    r"(?:simultaneous|consecutive) (?:interpretation|translation)|(?:begin|end)(?: of)? (?:video|clip|transcript|audio)|video (?:clip|plays?)|"
    r"(?:the )?following is an? (?:unofficial )?translation|in progress|transcript in progress|recording)[^)\]\n]{0,40}[)\]]"
    r"|\[\d{1,2}:\d{2}(?::\d{2})?\]",  # a broadcast transcript's time code: "[14:00:00]"
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
    countries: dict[str, str] = field(default_factory=dict)  # speakers the registry lacks -> the state the text ties them to


@dataclass
class State:
    """What the parser knows at the current point of the text."""

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
    """Guess the format of a text whose manifest does not say (see ``rhetoric_shift.formats``)."""
    return formats.detect(text).name


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

    ``format`` is one of ``formats.NAMES`` (detected when None); ``speaker`` is the document's default
    speaker; ``date`` its fallback date; ``year`` fills datelines printed without one (defaults to
    ``date``'s year). Returns the statements in text order and the dropped spans with reasons.
    """
    fmt = formats.BY_NAME.get(format) if format else formats.detect(text)
    if fmt is None:
        raise ValueError(f"format must be one of {', '.join(formats.NAMES)}, got {format!r}")
    registry = registry or SpeakerRegistry.load()
    parser = Parser(text, fmt, registry, speaker, date, year if year is not None else (date.year if date else None))
    return parser.run()


class Parser:
    """Reads one text line by line and paragraph by paragraph; the format decides what each paragraph says."""

    def __init__(self, text: str, fmt: Format, registry: SpeakerRegistry, speaker: str | None, date: dt.date | None, year: int | None) -> None:
        self.text = text
        self.format = fmt
        self.registry = registry
        self.year = year
        self.state = State(date=date, default_speaker=speaker, turn_speaker=speaker)
        self.result = Segmentation(fmt.name)
        self.entries_unmarked = fmt.name == "liveblog" and not any(dates.time_stamp(line) for line in text.splitlines())
        self.salutation_start: int | None = None
        self.salutation_end = 0
        self.last_paragraph = (0, 0, 0)  # the latest paragraph's start and its statements' index range
        self._labels_memo: tuple[int, int, list[re.Match]] | None = None
        self._attributor: Attributor | None = None

    # Both made on first use: plain paragraphs (most of a large corpus) need neither.
    @property
    def attributor(self) -> Attributor:
        if self._attributor is None:
            self._attributor = Attributor(self.registry)
        return self._attributor

    @functools.cached_property
    def label_re(self) -> re.Pattern[str]:
        return label_pattern(self.registry)

    def reattribute(self, first: int, last: int, speaker: str) -> None:
        """Give statements ``first:last`` to ``speaker`` as direct speech (an attribution printed after them)."""
        for i in range(first, last):
            seg = self.result.statements[i]
            if seg.kind in ("direct", "context"):
                self.result.statements[i] = replace(seg, kind="direct", speaker=speaker)

    # --- output -------------------------------------------------------------------------

    def drop(self, start: int, end: int, reason: str) -> None:
        start, end = trim_span(self.text, start, end)
        if start < end:
            self.result.dropped.append(Dropped(start, end, reason))

    def emit(self, start: int, end: int, kind: str, speaker: str | None, role: str = "statement") -> int | None:
        """Emit one statement (split around stage notes and into bounded pieces); the index of the first piece."""
        start, end = trim_span(self.text, start, end)
        if end - start < MAX_STATEMENT_WORDS * 4 and not self._may_hold_note(start, end):
            return self._emit_one(start, end, kind, speaker, role)  # the usual paragraph: no note, not too long
        first = None
        for s, e in self._without_notes(start, end):
            for a, b in self._bounded(s, e):
                index = self._emit_one(a, b, kind, speaker, role)
                first = index if first is None else first
        return first

    def _may_hold_note(self, start: int, end: int) -> bool:
        return self.text.find("(", start, end) >= 0 or self.text.find("[", start, end) >= 0  # every note is bracketed

    def _without_notes(self, start: int, end: int) -> list[tuple[int, int]]:
        pieces, cursor = [], start
        if self._may_hold_note(start, end):
            for m in STAGE_NOTE.finditer(self.text, start, end):
                pieces.append((cursor, m.start()))
                self.drop(m.start(), m.end(), "stage note")
                cursor = m.end()
        pieces.append((cursor, end))
        return pieces

    def _bounded(self, start: int, end: int) -> list[tuple[int, int]]:
        """The span cut into pieces of at most ``MAX_STATEMENT_WORDS`` words: at sentence ends, and a
        sentence longer than that (text without sentence ends) at a clause mark or a space."""
        if end - start < MAX_STATEMENT_WORDS * 4 or len(self.text[start:end].split()) <= MAX_STATEMENT_WORDS:
            return [(start, end)]
        pieces, piece_start, words = [], start, 0
        for s, e in split_sentences(self.text, start, end):
            n = len(self.text[s:e].split())
            if words and words + n > MAX_STATEMENT_WORDS:
                pieces.append((piece_start, s))
                piece_start, words = s, 0
            if n > MAX_STATEMENT_WORDS:
                *whole, (piece_start, _) = _cut_words(self.text, s, e, MAX_STATEMENT_WORDS)
                pieces.extend(whole)
                n = len(self.text[piece_start:e].split())
            words += n
        pieces.append((piece_start, end))
        return pieces

    def _emit_one(self, start: int, end: int, kind: str, speaker: str | None, role: str) -> int | None:
        start, end = trim_span(self.text, start, end)
        if start >= end or not has_words(self.text, start, end):
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
        lines = classify_lines(self.text)
        block: list[Line] = []
        for line in lines + [Line(len(self.text), len(self.text), "blank")]:
            if line.role == "content" and block and self._ends_paragraph(block[-1]):
                self.block(block[0].start, block[-1].end, next_line=line)
                block = []
            if line.role == "content":
                block.append(line)
                continue
            if block:
                self.block(block[0].start, block[-1].end, next_line=line)
                block = []
            self._structural(line)
        self.flush_salutation()
        self.result.countries = dict(self._attributor.countries) if self._attributor is not None else {}
        # Statements are emitted in text order (parents refer to earlier indices); dropped spans
        # are collected block by block, so they are sorted here.
        self.result.dropped.sort(key=lambda d: d.start)
        return self.result

    def _ends_paragraph(self, line: Line) -> bool:
        """A long line closing a sentence is a paragraph of its own even without a blank line after it.

        Files with one paragraph per line have no blank lines; hard-wrapped files break lines at
        about 60 characters and separate paragraphs with blank lines, so their lines never qualify.
        """
        return line.end - line.start > LONG_LINE and _CLOSES_SENTENCE.search(self.text, max(line.start, line.end - 3), line.end) is not None

    def _structural(self, line: Line) -> None:
        st = self.state
        if line.role != "blank" and self.salutation_start is not None:
            self.flush_salutation()  # a salutation never joins a paragraph across a dropped line
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
            self.flush_salutation()
            st.date, st.time = line.date or st.date, None
            self.drop(line.start, line.title_start, "entry date")
            self.heading(line.title_start, line.end, entry=True)

    def flush_salutation(self) -> None:
        """A salutation with no paragraph of its speaker after it stands as a statement of its own."""
        if self.salutation_start is not None:
            start, self.salutation_start = self.salutation_start, None
            speaker = self.state.default_speaker
            self.emit(start, self.salutation_end, "direct" if speaker else "context", speaker)

    def block(self, start: int, end: int, next_line: Line) -> None:
        """One paragraph: the format says what it holds."""
        self.state.block += 1
        if self.salutation_start is not None and not self._continues_speech(start, end):
            self.flush_salutation()
        first = len(self.result.statements)
        self.format.paragraph(self, start, end, next_line)
        self.last_paragraph = (start, first, len(self.result.statements))

    def _continues_speech(self, start: int, end: int) -> bool:
        """Whether this paragraph joins a pending salutation: another salutation, or the speech it opens."""
        if not self.format.turns or self.labels(start, end) or is_heading(self.text[start:end]):
            return False
        if is_salutation(self.text[start:end]):
            return True
        return self.state.turn_speaker is not None and self.state.turn_speaker == self.state.default_speaker

    # --- steps the formats share --------------------------------------------------------

    def title(self, start: int, end: int, next_line: Line) -> bool:
        """A heading, or a title run into its first sentence; True when the paragraph was one."""
        if is_heading(self.text[start:end]):
            self.heading(start, end, entry=False)
            return True
        glued = glued_title_end(self.text[start:min(end, start + 400)])
        if glued is None:
            return False
        # The title is a heading of its own, which leaves the speaker of the item unchanged.
        self.emit(start, start + glued, "context", None, "heading")
        self.block(start + glued, end, next_line)
        return True

    def heading(self, start: int, end: int, entry: bool) -> None:
        st = self.state
        title = normalize_whitespace(self.text[start:end])
        event_date = dates.last_date(title)
        if event_date is not None:
            st.date = event_date
        if entry or getattr(self.format, "titles_name_speakers", False):
            speaker = title_speaker(title, self.registry)
            st.turn_speaker = speaker
            if speaker:
                st.last_named = speaker
        elif st.default_speaker is None and not self.result.statements and self.format.name in ("transcript", "paragraphs"):
            # Without a manifest speaker, the page's title says whose words follow: "Remarks ... by Foreign Minister Sergey Lavrov".
            speaker = document_title_speaker(title, self.registry)
            if speaker:
                st.default_speaker = st.turn_speaker = st.last_named = speaker
        self.emit(start, end, "context", None, "heading")

    def labels(self, start: int, end: int) -> list[re.Match]:
        """Speaker labels that open the paragraph or a sentence inside it."""
        # A paragraph is asked about again by the format after the engine asked; every label ends in a colon.
        if self._labels_memo is not None and self._labels_memo[:2] == (start, end):
            return self._labels_memo[2]
        found = self._find_labels(start, end) if self.text.find(":", start, end) >= 0 else []
        self._labels_memo = (start, end, found)
        return found

    def _find_labels(self, start: int, end: int) -> list[re.Match]:
        if not self.format.turns:  # in reporting prose only a label that opens the paragraph starts a transcript
            m = self.label_re.match(self.text, start, min(end, start + 300))
            return [m] if m else []
        found = []
        for m in self.label_re.finditer(self.text, start, end):
            before = self.text[max(start, m.start() - 8):m.start()]
            if m.start() > start and not re.search(r"(?:[.?!…\"”)]\s+|\n\s*)$", before):
                continue
            if m.group("label") in ("A", "Q") and m.start() > start:
                continue
            found.append(m)
        return found

    def labelled_turns(self, start: int, end: int) -> bool:
        """Split a paragraph with speaker labels into turns; False when it has none."""
        found = self.labels(start, end)
        if not found:
            return False
        st = self.state
        if found[0].start() > start:
            self._unlabelled_lead(start, found[0].start())
        for i, m in enumerate(found):
            speaker = self.label_speaker(m.group("label"))
            self.drop(m.start(), m.end(), "speaker label")
            turn_end = found[i + 1].start() if i + 1 < len(found) else end
            st.turn_speaker = speaker
            if speaker == PRESS:
                self.emit(m.end(), turn_end, "question", PRESS, "question")
            else:
                st.last_named = speaker
                self.emit(m.end(), turn_end, "direct", speaker)
        return True

    def label_speaker(self, label: str) -> str:
        if label in ("Answer", "A"):
            return self.state.turn_speaker if self.state.turn_speaker not in (None, PRESS) else (self.state.default_speaker or "Unknown")
        return self.registry.label_speaker(label) or normalize_whitespace(label)

    def _unlabelled_lead(self, start: int, end: int) -> None:
        speaker = self.state.turn_speaker
        if speaker:
            self.emit(start, end, "question" if speaker == PRESS else "direct", speaker)
        else:
            self.emit(start, end, "context", None)




def findings(result: Segmentation, *, format_given: bool, date: dt.date | None, removed_before: int = 0) -> list[str]:
    """What segmentation found in one document, for the build report; with a hint when nobody got any words.

    In: the segmentation, whether the manifest named the format, the document's date, the number of
    blocks the reader already removed (outside an HTML page's main content). Out: short notes
    such as "format transcript (detected: speaker labels)", "speakers: Sergey Lavrov 12, Press 4".
    """
    fmt = formats.BY_NAME[result.format]
    notes = [f"format {fmt.name}" + ("" if format_given else f" (detected: {fmt.cue})")]
    if date is not None:
        notes.append(f"date {date.isoformat()}")
    speakers: dict[str, int] = {}
    for s in result.statements:
        if s.speaker:
            speakers[s.speaker] = speakers.get(s.speaker, 0) + 1
    removed = removed_before + sum(1 for d in result.dropped if d.reason not in ("frame", "speaker label", "punctuation", "connective between quotations"))
    if removed:
        notes.append(f"{removed} blocks removed (listed in the report)")
    if speakers:
        top = sorted(speakers.items(), key=lambda kv: (-kv[1], kv[0]))
        notes.append("speakers: " + ", ".join(f"{name} {n}" for name, n in top[:5]) + (", ..." if len(top) > 5 else ""))
    elif result.statements:
        notes.append(
            "no statement has a speaker: give the document's speaker in manifest.toml "
            "(speaker = \"...\", and format = \"transcript\" if its paragraphs are one person's words)"
        )
    return notes


_WORD = re.compile(r"\S+")
_CLAUSE_END = re.compile(r"[;:,](?=\s)")


def _cut_words(text: str, start: int, end: int, most: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut into pieces of at most ``most`` words, each ending after the last
    clause mark (; : ,) in the second half of its words if there is one, else after its last word."""
    ends = [m.end() for m in _WORD.finditer(text, start, end)]
    pieces, first, piece_start = [], 0, start  # first: index in ``ends`` of the piece's first word
    while len(ends) - first > most:
        cut = ends[first + most - 1]
        marks = [m.end() for m in _CLAUSE_END.finditer(text, ends[first + max(most // 2, 1) - 1] - 1, cut)]
        cut = marks[-1] if marks else cut
        pieces.append((piece_start, cut))
        while ends[first] <= cut:
            first += 1
        piece_start = cut
    pieces.append((piece_start, end))
    return pieces
