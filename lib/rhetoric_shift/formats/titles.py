"""Titles: headings, titles run into their first sentence, and the speaker a title names.

Shared by every format: a title is context (or, for a digest item, names whose words follow),
never speech.
"""

from __future__ import annotations

import re

from rhetoric_shift.spans import normalize_whitespace
from rhetoric_shift.speakers import SpeakerRegistry

_NO_SPEAKER_TITLE = re.compile(r"^(?:press release|concept paper|joint statement|statement on|communiqu[eé]|agenda|schedule)\b", re.I)
_TITLE_POSSESSIVE = re.compile(
    r"(?P<name>(?:[A-Z][\w.-]*\s+){0,5}[A-Z][\w-]+)['’]s\s+(?:opening\s+|closing\s+|introductory\s+)?"
    r"(?:answers?|remarks|comments?|interview|reply|replies|statement|speech|article|address|briefing|message|op-ed|responses?)\b"
)
_TITLE_BY = re.compile(r"^(?:Briefing|Comment|Statement|Remarks|Interview|Speech|Article|Address|Answers?)s?\s+by\s+(?:the\s+)?(?P<name>.+?)(?:,|\s+on\s+|\s+at\s+|$)")
# A transcript's title: "Opening remarks and answers to media questions by ...", "Remarks With Foreign Minister ...",
# perhaps under the section of the site it is filed in ("Europe and Eurasia: Remarks With ...").
SECTION_PREFIX = r"(?:[A-Z][\w&'’,-]*(?:\s+[\w&'’,-]+){0,4}:\s+)?"
_TRANSCRIPT_TITLE = re.compile(
    r"^" + SECTION_PREFIX + r"(?:(?:Foreign\s+Minister|Secretary|President|Deputy\s+Foreign\s+Minister)\b.{0,80}['’]s\s+)?"
    r"(?:(?:opening|closing|introductory|press)\s+)?(?:remarks|answers|statement|speech|address|comments?|interview|briefing|transcript|"
    r"press\s+conference|joint\s+press\s+(?:conference|availability)|news\s+conference)\b",
    re.I,
)
MAX_TITLE_WORDS = 20


def is_document_title(line: str) -> bool:
    """A page's own title: "Remarks With ...", "Briefing by ...", "Sergey Lavrov's interview ..."."""
    return bool(_TRANSCRIPT_TITLE.match(line) or _TITLE_POSSESSIVE.search(line) or _TITLE_BY.search(line))

MAX_LONG_TITLE_WORDS = 45


def is_heading(paragraph: str) -> bool:
    """A one-line title: no closing sentence punctuation, not a quotation; up to 20 words, or 45 for
    a transcript's title ("Remarks and answers to media questions by ... at a joint news conference with ...")."""
    stripped = paragraph.strip()
    # The cheap tests first: most paragraphs are prose that ends a sentence or runs long.
    if not stripped or stripped[-1] in _HEADING_END_CHARS or "\n" in stripped:
        return False
    line = normalize_whitespace(stripped)
    if not line or line[-1] in _HEADING_END_CHARS:
        return False
    n_words = line.count(" ") + 1
    if n_words > MAX_LONG_TITLE_WORDS:
        return False
    if line[0] in "\"“«„'‘" or not (line[0].isupper() or line[0].isdigit() or re.match(r"#\w", line)):
        return False
    if n_words > MAX_TITLE_WORDS and not (_TRANSCRIPT_TITLE.match(line) or _TITLE_POSSESSIVE.search(line)):
        return False
    return any(ch.isalpha() for ch in line)


_HEADING_END_CHARS = frozenset(".!?,;:\"”’…")


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


def document_title_speaker(title: str, registry: SpeakerRegistry) -> str | None:
    """Whose words a page's title announces: a digest-style title, else the first known person after
    "by" ("Remarks and responses to reporters' questions by Foreign Minister Sergey Lavrov, Basel")."""
    speaker = title_speaker(title, registry)
    if speaker:
        return speaker
    m = re.search(r"\bby\s+(.+)", title)
    mentioned = registry.mentions(m.group(1)) if m else []
    return mentioned[0][1] if mentioned else None
