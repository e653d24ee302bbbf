"""Transcripts: speaker labels as transcripts print them, turns, and salutations.

Labels come in any case, with titles, initials, a role and a note: "Question:", "Q (Reuters):",
"S.Lavrov:", "SECRETARY KERRY:", "SERGEY LAVROV, RUSSIAN FOREIGN MINISTER (THROUGH TRANSLATOR):".
A label may open a paragraph or any sentence inside it. Unlabelled paragraphs continue the current
speaker; a salutation ("Ladies and gentlemen,") opens a new speech of the document's speaker.
A label nobody is registered under opens a turn of the person it prints (titles dropped, case
made ordinary), never of the document's speaker.
"""

from __future__ import annotations

import re

from rhetoric_shift.formats.base import Format
from rhetoric_shift.formats.news import prose
from rhetoric_shift.formats.titles import SECTION_PREFIX
from rhetoric_shift.schema import PRESS
from rhetoric_shift.spans import normalize_whitespace
from rhetoric_shift.speakers import SpeakerRegistry

LABEL_WORDS = r"Question|Q|Answer|A|Journalist|Reporter|Correspondent|Moderator|Questioner"
_UPPER = r"(?:[A-Z]\.\s?){0,2}[A-Z][A-Z'’.-]*[A-Z.]"
_CAPITAL = r"(?:[A-Z]\.\s?){0,2}[A-Z][a-z][\w'’.-]*"
_PARTICLE = r"(?:de|da|del|van|von|al|bin|la|le|ibn)"
# Capitalised sentence openers and headings that a colon follows in prose, never names.
_NOT_NAME_WORDS = (
    "The This That These Those In On At As For And But Or So If When What Why How Who Where Which It We Our "
    "Note Update Updated Editor Source Photo Video Watch Read See Related Tags Topics Breaking Live Correction "
    "More Also Share Subject Re Date Time Place Location Venue Contents Summary Background Agenda Conclusion Key Main"
).split()
_NOT_NAMES = r"(?:" + "|".join(_NOT_NAME_WORDS) + r")\b"
_NOT_NAMES_UPPER = r"(?:" + "|".join(w.upper() for w in _NOT_NAME_WORDS) + r")\b"
_NOTE = r"(?:\s*[(\[][^)\]\n]{1,60}[)\]])"
# A role word is taken whole (the lookahead): else a line of capitals with commas ("DISARMAMENT,
# INTERNATIONAL PEACE AND SECURITY") could be cut into words in exponentially many ways before the
# missing colon fails the match.
_ROLE = r"(?:,\s*(?:(?:[A-Z][\w'’.&-]*(?![\w'’.&-])|of|the|for|and|on|to|in|at|de)\.?\s*){1,12})"


def label_pattern(registry: SpeakerRegistry) -> re.Pattern[str]:
    """A speaker label ending in a colon: known names, press words, capitalised names, names in capitals."""
    names_upper = rf"{_UPPER}(?:\s+{_UPPER}){{0,4}}"
    names_mixed = rf"(?!{_NOT_NAMES}){_CAPITAL}(?:\s+(?:{_CAPITAL}|{_PARTICLE})){{1,4}}"
    initialled = rf"(?:[A-Z]\.\s?){{1,2}}[A-Z][a-z][\w'’-]*"  # "S.Lavrov", "S. V. Lavrov"
    name = rf"(?:{LABEL_WORDS}|{registry.alias_pattern()}|{names_mixed}|{initialled}|(?!{_NOT_NAMES_UPPER}){names_upper})"
    return re.compile(rf"(?P<label>{name}(?:{_NOTE}|{_ROLE})*)\s*:(?=\s|$)")


class Transcript(Format):
    name = "transcript"
    summary = "speaker labels (\"Question:\", \"S.Lavrov:\", \"SECRETARY KERRY:\"); unlabelled paragraphs continue the speaker"
    cue = "two or more lines opening with a speaker label, or a title such as \"Remarks by ...\", or a salutation"
    turns = True

    def detect(self, lines: list[str]) -> bool:
        if count_labelled(lines) >= 2:
            return True
        # A speech or press conference printed without labels: its title says so, or it opens with a salutation.
        head = [ln for ln in lines if ln][:30]
        return any(_TRANSCRIPT_TITLE.match(ln) for ln in head) or any(is_salutation(ln) for ln in head)

    def paragraph(self, parser, start, end, next_line) -> None:
        if parser.labelled_turns(start, end):
            return
        if parser.title(start, end, next_line):
            return
        if opens_speech(parser, start, end):
            return
        if continue_turn(parser, start, end):
            return
        prose(parser, start, end, next_line)


_LINE_LABEL = re.compile(
    rf"^(?:{LABEL_WORDS}|(?:[A-Z]\.\s?)*[A-Z][a-z]+(?:\s[A-Z][a-z'’-]+){{0,3}}|[A-Z][A-Z.'’ -]{{1,40}}[A-Z.])"
    rf"(?:{_NOTE}|{_ROLE})*\s*:(?:\s|$)"
)


_TRANSCRIPT_TITLE = re.compile(
    rf"^{SECTION_PREFIX}(?:(?:opening|closing|introductory)\s+)?(?:remarks|answers|responses|speech|address|interview|transcript)\b.{{0,200}}\b(?:by|of|with)\s+[A-Z]"
    rf"|^{SECTION_PREFIX}(?:joint\s+)?(?:press|news)\s+conference\b",
    re.I,
)


def count_labelled(lines: list[str]) -> int:
    """Lines opening with something shaped like a speaker label (one- or two-word names of capitalised words, or capitals)."""
    count = 0
    for ln in lines:
        m = _LINE_LABEL.match(ln)
        if m and not re.match(_NOT_NAMES, ln, re.I) and not re.match(r"^[A-Z][a-z]+:\s*\d", ln):
            count += 1
    return count


_SALUTATION = re.compile(
    r"^(?:(?:Dear|Distinguished|Respected|Esteemed)\s.{1,60}|Ladies and [Gg]entlemen|Mr\.?\s+\w+(?:\s\w+)?|"
    r"Madam\s+\w+(?:\s\w+)?|Secretary[- ]General|Your (?:Excellency|Excellencies|Majesty|Highness)|Excellenc(?:y|ies)|"
    r"Colleagues|Friends|President of .{1,60}|Good (?:morning|afternoon|evening))[,.!:]?$"
)


def is_salutation(paragraph: str) -> bool:
    return bool(_SALUTATION.match(normalize_whitespace(paragraph)))


def opens_speech(parser, start: int, end: int) -> bool:
    """A salutation opens a new speech of the document's speaker; it is kept with the paragraph it introduces."""
    if not is_salutation(parser.text[start:end]):
        return False
    st = parser.state
    st.turn_speaker, st.question = st.default_speaker, None
    if parser.salutation_start is None:
        parser.salutation_start = start
    parser.salutation_end = end
    return True


def continue_turn(parser, start: int, end: int) -> bool:
    """An unlabelled paragraph continues the current turn (a question when the press is speaking)."""
    speaker = parser.state.turn_speaker
    if not speaker:
        return False
    if parser.salutation_start is not None and speaker == parser.state.default_speaker:
        start, parser.salutation_start = parser.salutation_start, None
    asking = speaker == PRESS
    parser.emit(start, end, "question" if asking else "direct", speaker, "question" if asking else "statement")
    return True
