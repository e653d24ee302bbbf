"""Attribution inside a paragraph of reporting prose: who says each part, and in which kind.

A paragraph such as ``Lavrov says, however: "The missile defense issue is a dark cloud."``
yields the quotation as a ``direct`` statement of Sergey Lavrov; the bare frame ("Lavrov says,
however:") is not a statement of its own. Paraphrase that carries content ("Lavrov says Russia
is ready ...") is ``reported``; journalists' questions are ``question`` with speaker "Press";
narration is ``context``.

The rules, in order of precedence, for a sentence outside quotation marks:
1. a bare frame (speaker + speech verb and nothing that carries content) is dropped and names
   the speaker of the quotation beside it;
2. a question cue ("Lavrov is asked", "A question from Japan", "a reporter says") makes a
   ``question`` of the press;
3. a frame anywhere ("..., he said", "according to the minister") makes it ``reported``;
4. a sentence ending in "?" is a ``question``;
5. a lead-in ending in ":" before a quotation is ``reported`` by the document's speaker;
6. anything else is ``context``.
Pronouns and descriptions ("he", "the minister", "Russia's top diplomat") resolve to the last
speaker named in a frame, a label or a title, else to the document's default speaker.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

from rhetoric_shift.schema import PRESS
from rhetoric_shift.spans import has_words, trim_span
from rhetoric_shift.speakers import SpeakerRegistry

QUOTE_PAIRS = {'"': '"', "“": "”", "«": "»", "„": "“"}
_QUOTE_MARK = re.compile("[" + "".join(QUOTE_PAIRS) + "]")
MAX_QUOTE_CHARS = 20_000  # a quotation mark not closed within this many characters is left open
_LEAD_WINDOW = 400
CONNECTIVES = {"but", "and", "or", "then", "while", "yet", "adding", "and added", "but added", "he added", "she added"}

SPEECH_VERBS = (
    "says said say adds added notes noted stresses stressed explains explained states stated claims claimed "
    "reiterates reiterated warns warned responds responded tells told cites cited highlights highlighted "
    "mentions mentioned laments lamented criticizes criticized criticises criticised links linked urges urged "
    "insists insisted argues argued believes believed hopes hoped praises praised underscores underscored "
    "emphasizes emphasized emphasises emphasised recalls recalled admits admitted suggests suggested accuses "
    "accused rejects rejected denies denied describes described assures assured confirms confirmed announces "
    "announced remarks remarked comments commented answers answered replies replied "
    "asserts asserted declares declared promises promised proposes proposed dismisses dismissed blames blamed "
    "expects expected welcomes welcomed condemns condemned reaffirms reaffirmed acknowledges acknowledged "
    "observes observed agrees agreed thinks considers considered voices voiced expresses expressed complains discusses discussed "
    "complained concludes concluded reiterating"
).split()
_VERB = (
    r"(?:(?:is|was|has been) quoted as saying|points? out|pointed out|went on|goes on|play(?:s|ed)? down|rul(?:es|ed) out|"
    r"call(?:s|ed)? (?:for|on)|hit out at|lash(?:es|ed) out at|push(?:es|ed) back|(?:appeared|appears|seemed|seems) to (?:warn|suggest|say|accuse|reject|signal)|"
    r"questioned|signall?ed|indicated|hinted|vowed|pledged|"
) + "|".join(sorted(set(SPEECH_VERBS), key=len, reverse=True)) + r")"
_VERB_CUE = re.compile(_VERB + r"\b")  # in every frame: none in a sentence, no frame
_IN_WORDS_CUE = re.compile(r"(?:words|view|opinion|assessment)\b")
_ADVERBS = r"(?:(?:also|again|then|further|later|once again|has|had|have|now|repeatedly|however|previously|reportedly|earlier|even)\s+)*"
_PRONOUN = r"\b(?:[Hh]e|[Ss]he)\b"
_DESCRIPTION = (
    r"\b(?:[Tt]he\s+)?(?:(?:Russian|Russia['’]s|[Tt]op|[Ff]oreign|[Dd]eputy|[Ff]irst|[Ss]enior|[Rr]ussian)\s+){0,3}"
    r"(?:[Mm]inister|[Dd]iplomat|[Ss]pokes(?:wo)?man|[Ss]pokesperson|[Ss]ecretary(?: of [Ss]tate)?)\b"
)
# A state's institution or officials as a subject: "US officials", "the Russian Embassy", "The U.S.", "the White House".
_COLLECTIVE = (
    r"(?:\b[Tt]he\s+)?(?:(?:U\.S\.|US|UK|EU|[A-Z][a-z]+)\s+)?(?:[Ss]tate\s+[Dd]epartment|[Ff]oreign\s+[Oo]ffice|[Ee]mbassy|"
    r"[Ff]oreign\s+[Mm]inistry|[Dd]efen[cs]e\s+[Mm]inistry|[Mm]inistry|[Oo]fficials|[Gg]overnment|[Aa]uthorities|[Aa]dministration|"
    r"[Dd]elegation|[Ww]hite\s+[Hh]ouse|Kremlin|Pentagon|Downing\s+Street)\b|\b[Tt]he\s+U\.S\.(?=\s|$)"
)
_CONJUNCTIONS = {"But", "And", "Meanwhile", "However", "Yet", "So", "Also", "Now", "Then", "Still", "Later", "Earlier"}
_NAME = r"\b[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2}\b"
# Somebody the story introduces without a name: "a senior US official", "a spokesman for the ministry".
_THIRD_PARTY = (
    r"\b(?:[Aa]n?|[Oo]ne|[Aa]nother)\s+(?:[\w.-]+\s+){0,4}?"
    r"(?:official|spokes(?:man|woman|person)|diplomat|source|minister|ambassador|envoy|analyst|expert|lawmaker|senator|"
    r"advis[eo]r|aide|representative|officer|negotiator|commander)\b"
)
# "John Smith, a spokesman for the State Department, said": who the speaker is, between commas.
_APPOSITIVE = r"(?:\s*,\s+(?P<appos>(?:an?|the|[a-z]+|[A-Z][\w'’-]*['’]s)\s[^,.;:!?\"“”]{2,120}),)?"
# "A senior US official who spoke to reporters on condition of anonymity said".
_RELATIVE = r"(?:\s+who\s+[^,.;:!?\"“”]{2,100}?(?=\s+(?:also\s+|later\s+)?(?:said|says|told|added)\b))?"
# An appositive ties a person to a state only when it names a post: "a presidential aide to Ukraine's president".
_STATE_POST = re.compile(
    r"\b(?:minister|president|presidential|prime|aide|adviser|advisor|official|spokes(?:man|woman|person)|ambassador|envoy|"
    r"secretary|general|commander|deputy|senator|lawmaker|diplomat|chancellor|head of state|government)\b",
    re.I,
)
_VAGUE_WORDS = {"a", "an", "one", "another", "senior", "top", "high-ranking", "high-level", "unnamed", "anonymous", "former", "leading"}
# Words that make a capitalised phrase an institution or a place, not a person ("Foreign Ministry", "White House").
_NOT_PERSON = set(
    "Ministry Department Office Kremlin House Council Agency Committee Union Nations Organization Organisation Service "
    "Government Parliament Duma Senate Congress Embassy Mission Army Forces Press News Times Post Journal Group Party Bank "
    "University Institute Center Centre Foundation Federation Republic Security States Kingdom Moscow Washington Russia "
    "America Ukraine Syria Europe Britain China Japan Korea Iran Turkey Israel Germany France Kiev Kyiv Damascus Beijing "
    "London Paris Berlin Tokyo Ankara Tehran Pyongyang Seoul Brussels Geneva Monday Tuesday Wednesday Thursday Friday "
    "Saturday Sunday January February March April May June July August September October November December".split()
)

_QUESTION_CUES = [
    re.compile(r"\b(?:is|was|were|gets|got|being) asked\b", re.I),
    re.compile(r"\b(?:journalist|reporter|correspondent|questioner)s?\s+(?:[\w-]+\s+)?(?:asks|asked|says|said|wants to know|wonders|wondered)\b", re.I),
    re.compile(r"^\W*(?:also\W+|and\W+)?(?:a|the|another|one more)\s+(?:[\w-]+\s+){0,3}questions?\b", re.I),
    re.compile(r"\breceives? (?:a|another|the) (?:[\w-]+\s+){0,2}question\b", re.I),
    re.compile(r"\bturns to the (?:[\w-]+\s+){0,2}question\b", re.I),
]
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "gen", "col", "lt", "sgt", "rev", "u.s", "u.k", "u.n",
    "e.g", "i.e", "vs", "etc", "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "inc", "ltd", "co", "approx", "ed",
}
# A reported clause after a speech verb opens with its subject: a determiner or a pronoun.
_CLAUSE_OPENER = r"(?:the|a|an|it|its|they|there|these|those|we|he|she|his|her|their|our|russia|moscow|washington|kyiv|kiev)\b"
_PREPOSITIONS_ING = {"during", "following", "regarding", "concerning", "including"}
_LEAD_BOUNDARY = re.compile(r"[.!?:…][\"”’)\]]*\s+")


@dataclass
class Piece:
    """A part of a paragraph: a statement (kind and speaker) or dropped text (reason)."""

    start: int
    end: int
    kind: str | None
    speaker: str | None
    is_quote: bool = False
    dropped: str | None = None
    outer_end: int | None = None  # a quotation's end including its closing mark


class Attributor:
    """Splits reporting prose into attributed pieces; holds the compiled patterns for one registry."""

    def __init__(self, registry: SpeakerRegistry) -> None:
        self.registry = registry
        self.people: dict[str, str] = {}  # surname -> full name of people the text introduced
        self.countries: dict[str, str] = {}  # speakers the text introduced -> the state the text ties them to, "" for none
        self.collectives: set[str] = set()  # speakers that are institutions, never "he" or "the minister"
        self.last_person: str | None = None
        (self.frame, self.frame_named, self.inverted, self.according, self.in_words, self.participle,
         self.asked_and_answers, self.leading) = _frame_patterns(registry.alias_pattern())

    # --- frames -------------------------------------------------------------------------

    def _resolve(self, ref: str, last_named: str | None, default: str | None) -> str | None:
        """The speaker a reference names: "he" → the last one named; a known name; a person the
        story introduces ("John Smith", later "Smith"); "a senior US official" → "US official"; else None."""
        if _is_anaphor(ref):
            if last_named in self.collectives:  # "he" is a person: the last person named, not "the Kremlin"
                return self.last_person or default
            return last_named or default
        words = ref.split()
        while len(words) > 1 and words[0] in _CONJUNCTIONS:
            words.pop(0)
        ref = " ".join(words)
        known = self.registry.resolve(ref)
        if known:
            return self._person(known)
        if re.fullmatch(_THIRD_PARTY, ref):
            return self._introduce(" ".join(w for w in words if w.lower() not in _VAGUE_WORDS), ref)
        if any(w in _NOT_PERSON for w in words) and not re.fullmatch(_COLLECTIVE, ref):
            return None  # "Russia considers", "Moscow said": a place is no speaker
        if re.fullmatch(_COLLECTIVE, ref):
            country = self.registry.place_country(ref)
            if country is None:
                return None  # "the ministry said": no state named, no speaker
            name = re.sub(r"^[Tt]he\s+", "", ref)
            self.collectives.add(name)
            return self._introduce(name, ref)
        if len(words) >= 2:
            self.people[words[-1]] = ref
            return self._person(self._introduce(ref, ""))
        return self._person(self.people[ref]) if ref in self.people else None

    def _person(self, name: str) -> str:
        self.last_person = name
        return name

    def _introduce(self, name: str, description: str) -> str:
        """A speaker the registry does not know; the state its description names is remembered."""
        country = self.registry.place_country(description) if description else None
        if not self.countries.get(name):
            self.countries[name] = country or ""  # "": speaks for no state the text names
        return name

    def note_apposition(self, speaker: str | None, m: re.Match) -> None:
        """"Mykhailo Podolyak, a presidential aide to Ukraine's president, said": the appositive names his state."""
        appos = m.groupdict().get("appos")
        if speaker and appos and self.registry.country(speaker) is None and not self.countries.get(speaker) and _STATE_POST.search(appos):
            country = self.registry.place_country(appos)
            if country:
                self.countries[speaker] = country

    def frame_speaker(self, sentence: str, last_named: str | None, default: str | None) -> tuple[str | None, bool]:
        """The speaker a frame anywhere in the sentence names, and whether by name (not "he", "the minister")."""
        # The earliest frame wins: in "Podolyak, an aide to Zelensky, said" the subject comes first.
        # frame_named also admits unknown capitalised words, so that a misspelling ("Lavov") still
        # resolves; "Moscow believes" does not resolve and is passed over.
        best: tuple[int, str, bool] | None = None
        for pattern in self._frame_patterns_for(sentence):
            for m in pattern.finditer(sentence):
                if best is not None and m.start() >= best[0]:
                    break
                speaker = self._resolve(m["ref"], last_named, default)
                if speaker:
                    self.note_apposition(speaker, m)
                    best = (m.start(), speaker, not _is_anaphor(m["ref"]))
                    break
        return (best[1], best[2]) if best else (None, False)

    def _frame_patterns_for(self, sentence: str) -> list[re.Pattern[str]]:
        """The frame patterns that can match ``sentence``, in order of precedence.

        Each needs words that a quick search finds or rules out (a speech verb, "according to",
        "words"/"view"/...): most sentences have no frame, and the patterns, which try every known
        name at every position, are the costliest part of attribution.
        """
        verb = _VERB_CUE.search(sentence) is not None
        patterns = [self.frame] if verb else []
        if "according to" in sentence:
            patterns.append(self.according)
        if _IN_WORDS_CUE.search(sentence):
            patterns.append(self.in_words)
        patterns.append(self.participle)  # anchored at the start: tried once
        if verb:
            patterns.append(self.frame_named)
        return patterns

    def leading_frame(self, sentence: str, last_named: str | None, default: str | None) -> str | None:
        """The speaker when the sentence opens with a frame ("Lavrov said ...", "said Lavrov ...")."""
        m = self.leading.match(sentence) or self.inverted.match(sentence)
        if not m:
            return None
        speaker = self._resolve(m["ref"], last_named, default)
        if speaker is None and re.fullmatch(_NAME, m["ref"]) and " " not in m["ref"] and m["ref"] not in _NOT_PERSON:
            speaker = m["ref"]  # a surname the registry does not know yet
        self.note_apposition(speaker, m)
        return speaker

    def is_bare_frame(self, sentence: str) -> bool:
        """True for a frame that carries no content: "he said.", "Lavrov said during his press conference."."""
        m = self.leading.match(sentence) or self.inverted.match(sentence)
        if not m:
            return False
        tail = sentence[m.end():].strip(" \t\n,.;:!?–—-\"”’")
        if not tail:
            return True
        participle = re.match(r"(\w+ing)\b", tail)
        if re.search(r"\bthat\b|;|, but\b|, and\b|\?", tail):
            return False
        addressee = re.search(r"\b(?:told|tells|tell)$", sentence[:m.end()])  # "told an annual news conference"
        if len(tail.split()) >= 4 and not addressee and re.match(_CLAUSE_OPENER, tail, re.I):
            return False  # "John Smith, a spokesman, said the talks had been useful": a reported clause
        if participle and participle.group(1).lower() not in _PREPOSITIONS_ING and len(tail.split()) > 6:
            return False  # "Lavrov says, mentioning the recent US steps in pushing RT ..." carries content
        return len(tail.split()) <= 14 and not self.frame.search(tail)

    @staticmethod
    def is_question(sentence: str) -> bool:
        return any(p.search(sentence) for p in _QUESTION_CUES)

    # --- paragraphs ---------------------------------------------------------------------

    def attribute(
        self,
        text: str,
        start: int,
        end: int,
        *,
        last_named: str | None,
        default: str | None,
        next_opens_quote: bool = False,
    ) -> tuple[list[Piece], str | None]:
        """Attribute the paragraph ``text[start:end]``; return its pieces and the updated last-named speaker."""
        quotes = find_quotes(text, start, end)
        standalone = self._standalone_quotes(text, start, quotes)
        masked = _mask(text, start, end, [q for q in quotes if q not in standalone])
        pieces: list[Piece] = []
        cursor = start
        for q_start, q_end, closed in standalone:
            pieces.extend(self._sentences(masked, start, cursor, q_start))
            inner = _trim_quote(text, q_start, q_end, closed)
            if inner:
                pieces.append(Piece(inner[0], inner[1], None, None, is_quote=True, outer_end=q_end))
            cursor = q_end
        pieces.extend(self._sentences(masked, start, cursor, end))
        pieces = [part for piece in pieces for part in self._split_asked_and_answers(text, piece, last_named, default)]
        last_named = self._assign(text, pieces, last_named, default, next_opens_quote)
        return _merge(pieces), last_named

    def _split_asked_and_answers(self, text: str, piece: Piece, last_named: str | None, default: str | None) -> list[Piece]:
        """"Lavrov is asked about X, and lists Y" holds a question and the answer's paraphrase: two statements."""
        if piece.is_quote:
            return [piece]
        m = self.asked_and_answers.match(text, piece.start, piece.end)
        speaker = self._resolve(m["ref"], last_named, default) if m else None
        if not speaker:
            return [piece]
        question = Piece(piece.start, m.start("answer"), "question", PRESS)
        answer = Piece(m.start("answer"), piece.end, "reported", speaker)
        return [question, answer]

    def _standalone_quotes(self, text: str, start: int, quotes: list[tuple[int, int, bool]]):
        """Quotations that stand as statements; the rest are embedded in a paraphrase ("called it "deplorable"")."""
        standalone = []
        previous_end = start
        for q in quotes:
            # Only the lead's last sentence matters; a window keeps a paragraph of many embedded quotations linear.
            lead = text[max(previous_end, q[0] - _LEAD_WINDOW):q[0]]
            boundaries = list(_LEAD_BOUNDARY.finditer(lead))
            tail = (lead[boundaries[-1].end():] if boundaries else lead).strip(" \t\n,;–—-")
            if not tail or tail.lower() in CONNECTIVES or lead.rstrip().endswith(":"):
                standalone.append(q)
                previous_end = q[1]
        return standalone

    @staticmethod
    def _sentences(masked: str, base: int, start: int, end: int) -> list[Piece]:
        """Sentences of ``text[start:end]``, split on ``masked`` (the paragraph from ``base``, embedded quotations hidden)."""
        # Leftover punctuation between quotations (a closing "." or ":") is not a sentence.
        return [
            Piece(s + base, e + base, None, None)
            for s, e in split_sentences(masked, start - base, end - base)
            if has_words(masked[s:e])
        ]

    def _quote_frame_speaker(self, text: str, pieces: list[Piece], i: int, last_named: str | None, default: str | None) -> str | None:
        """The speaker a frame right after (or a bare frame right before) quotation ``pieces[i]`` names."""
        after = pieces[i + 1] if i + 1 < len(pieces) and not pieces[i + 1].is_quote else None
        before = pieces[i - 1] if i > 0 and not pieces[i - 1].is_quote else None
        speaker = None
        if after is not None and text[after.start:after.end].strip(" ,.;:–—-").lower() not in CONNECTIVES:
            speaker = self.leading_frame(text[after.start:after.end], last_named, default)
        if speaker is None and before is not None and before.dropped == "frame":
            speaker = self.leading_frame(text[before.start:before.end], last_named, default)
        return speaker

    def _sentence(self, text: str, pieces: list[Piece], i: int, last_named: str | None, default: str | None) -> str | None:
        """Attribute the sentence ``pieces[i]`` (outside quotation marks); returns the updated last-named speaker."""
        piece = pieces[i]
        sentence = text[piece.start:piece.end]
        beside_quote = (i > 0 and pieces[i - 1].is_quote) or (i + 1 < len(pieces) and pieces[i + 1].is_quote)
        if sentence.strip(" ,.;:–—-").lower() in CONNECTIVES and beside_quote:
            piece.dropped = "connective between quotations"
            return last_named
        if beside_quote and self.is_bare_frame(sentence):
            piece.dropped = "frame"
            return last_named
        if self.is_question(sentence):
            piece.kind, piece.speaker = "question", PRESS
            return last_named
        speaker, named = self.frame_speaker(sentence, last_named, default)
        mentioned = self.registry.mentions(sentence)
        if mentioned and mentioned[-1][1] != speaker:
            self.last_person = mentioned[-1][1]  # "...responded to Boris Johnson's call. The foreign secretary said"
        if speaker:
            piece.kind, piece.speaker = "reported", speaker
            return speaker if named else last_named
        if sentence.rstrip().endswith("?"):
            piece.kind, piece.speaker = "question", PRESS
        else:
            piece.kind, piece.speaker = "context", None
        return last_named

    def _assign(self, text: str, pieces: list[Piece], last_named: str | None, default: str | None, next_opens_quote: bool) -> str | None:
        # Pass 1, in text order, so that "he" means the person named last before it: sentences
        # (frames, questions, paraphrase, narration) and quotations with a frame beside them.
        nearest: dict[int, str | None] = {}  # the last-named speaker at each unattributed quotation
        for i, piece in enumerate(pieces):
            if piece.is_quote:
                speaker = self._quote_frame_speaker(text, pieces, i, last_named, default)
                if speaker is not None:
                    piece.kind, piece.speaker = "direct", speaker
                    last_named = speaker
                else:
                    nearest[i] = last_named
                continue
            if piece.kind is not None:
                continue
            last_named = self._sentence(text, pieces, i, last_named, default)
        for i in range(len(pieces) - 1, -1, -1):
            piece = pieces[i]
            if not piece.is_quote or piece.kind is not None:
                continue
            linked = _next_linked_quote(pieces, i)
            if linked is not None and linked.kind is not None:
                piece.kind, piece.speaker = linked.kind, linked.speaker
        for i, piece in enumerate(pieces):
            if not piece.is_quote or piece.kind is not None:
                continue
            previous = next((p for p in reversed(pieces[:i]) if p.dropped is None), None)
            quote = text[piece.start:piece.end]
            asks = quote.rstrip(" \"”").endswith("?") and (self.registry.mentions(quote) or re.search(r"\byou\b", quote, re.I))
            if (previous is not None and previous.kind == "question") or asks:
                piece.kind, piece.speaker = "question", PRESS
            else:
                piece.kind, piece.speaker = "direct", nearest.get(i) or default
                if piece.speaker is None:
                    piece.kind = "context"
        # Pass 3: a lead-in ending in ":" belongs with what it introduces ("Back to ties with America: "Does ...?"").
        for i, piece in enumerate(pieces):
            if piece.kind != "context" or not text[piece.start:piece.end].rstrip().endswith(":"):
                continue
            following = pieces[i + 1] if i + 1 < len(pieces) else None
            if following is not None and following.is_quote and following.kind == "question":
                piece.kind, piece.speaker = "question", PRESS
            elif following is not None and following.is_quote and following.kind == "direct":
                piece.kind, piece.speaker = "reported", following.speaker
            elif following is None and next_opens_quote and (last_named or default):
                piece.kind, piece.speaker = "reported", last_named or default
        return last_named


class _FramePatterns(NamedTuple):
    frame: re.Pattern[str]
    frame_named: re.Pattern[str]
    inverted: re.Pattern[str]
    according: re.Pattern[str]
    in_words: re.Pattern[str]
    participle: re.Pattern[str]
    asked_and_answers: re.Pattern[str]
    leading: re.Pattern[str]


@functools.lru_cache(maxsize=8)
def _frame_patterns(aliases: str) -> _FramePatterns:
    """The compiled frame patterns for a registry's alias alternation (``SpeakerRegistry.alias_pattern``).

    Compiling them takes about a third of a second; every document's ``Attributor`` reuses them,
    and a registry with other aliases gets its own.
    """
    ref = rf"(?P<ref>{aliases}|{_DESCRIPTION}|{_PRONOUN}|{_THIRD_PARTY}|{_COLLECTIVE})"
    ref_or_name = rf"(?P<ref>{aliases}|{_DESCRIPTION}|{_PRONOUN}|{_THIRD_PARTY}|{_COLLECTIVE}|{_NAME})"
    return _FramePatterns(
        frame=re.compile(rf"{ref}{_APPOSITIVE}{_RELATIVE}(?:\s*,)?\s+{_ADVERBS}{_VERB}\b"),
        frame_named=re.compile(rf"{ref_or_name}{_APPOSITIVE}{_RELATIVE}(?:\s*,)?\s+{_ADVERBS}{_VERB}\b"),
        inverted=re.compile(rf"^\W*{_VERB}\s+{ref_or_name}"),
        according=re.compile(rf"\baccording to\s+{ref}"),
        in_words=re.compile(rf"\b[Ii]n\s+{ref}['’]s?\s+(?:words|view|opinion|assessment)\b"),
        # "He then turns to Israel-Palestine, saying that ...": the participle carries the frame.
        participle=re.compile(rf"^\W*{ref}\b[^.?!]{{0,80}}?,\s+(?:saying|adding|noting|stressing|arguing|insisting|warning|recalling)\b"),
        asked_and_answers=re.compile(
            rf"\W*{ref}\s+(?:is|was)\s+asked\b[^.?!]*?,?\s+(?P<answer>and\s+(?:then\s+)?(?:lists|says|replies|answers|notes|responds|stresses|insists|explains|recalls)\b)"
        ),
        leading=re.compile(rf"^[\s,.;:–—-]*{ref_or_name}{_APPOSITIVE}(?:\s*,)?\s+{_ADVERBS}{_VERB}\b"),
    )


def _is_anaphor(ref: str) -> bool:
    return bool(re.fullmatch(_PRONOUN, ref) or re.fullmatch(_DESCRIPTION, ref))


def _next_linked_quote(pieces: list[Piece], i: int) -> Piece | None:
    """The quotation after pieces[i] when only a connective ("but", "and") stands between them."""
    j = i + 1
    while j < len(pieces) and pieces[j].dropped == "connective between quotations":
        j += 1
    if j < len(pieces) and pieces[j].is_quote and j > i:
        return pieces[j]
    return None


def _merge(pieces: list[Piece]) -> list[Piece]:
    """Join neighbouring sentences of one speaker and kind (a question with its quoted wording, too)."""
    merged: list[Piece] = []
    for piece in pieces:
        prev = merged[-1] if merged else None
        same = prev is not None and prev.dropped is None and piece.dropped is None and (prev.kind, prev.speaker) == (piece.kind, piece.speaker)
        if same and (piece.kind == "question" or not (prev.is_quote or piece.is_quote)):
            # a lead-in joined to a quotation keeps both quotation marks
            prev.end = piece.outer_end if piece.is_quote and not prev.is_quote and piece.outer_end else piece.end
            prev.is_quote = prev.is_quote and piece.is_quote
        else:
            merged.append(piece)
    return merged


def find_quotes(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """Quotation spans ``(open, close_end, closed)`` in ``text[start:end]``, outermost only.

    A quotation mark that opens the paragraph or a sentence and is never closed runs to the end of
    the paragraph (the convention for a quotation continued in the next paragraph).
    """
    found = []
    first_word = trim_span(text, start, end)[0]
    m = _QUOTE_MARK.search(text, start, end)
    while m:
        i, ch = m.start(), m.group()
        limit = min(end, i + 1 + MAX_QUOTE_CHARS)
        close = text.find(QUOTE_PAIRS[ch], i + 1, limit)
        if close == -1 and ch == "“":
            close = text.find('"', i + 1, limit)
        if close == -1:
            if i <= first_word or re.search(r"[.!?:]\s*$", text[max(start, i - 20):i]):
                found.append((i, end, False))
                break
            m = _QUOTE_MARK.search(text, i + 1, end)
            continue
        found.append((i, close + 1, True))
        m = _QUOTE_MARK.search(text, close + 1, end)
    return found


def _trim_quote(text: str, q_start: int, q_end: int, closed: bool) -> tuple[int, int] | None:
    """The words inside quotation marks, without the marks, outer spaces and a trailing comma."""
    s, e = trim_span(text, q_start + 1, q_end - 1 if closed else q_end, trailing=",;:")
    return (s, e) if has_words(text[s:e]) else None


def _mask(text: str, start: int, end: int, quotes: list[tuple[int, int, bool]]) -> str:
    """The paragraph ``text[start:end]`` with the words inside embedded quotations hidden, so sentence splitting ignores them."""
    if not quotes:
        return text[start:end]
    parts, cursor = [], start
    for q_start, q_end, _ in quotes:
        inner_end = max(q_start + 1, q_end - 1)
        parts.append(text[cursor:q_start + 1])
        parts.append(re.sub(r"\S", "x", text[q_start + 1:inner_end]))
        cursor = inner_end
    parts.append(text[cursor:end])
    return "".join(parts)


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans in ``text[start:end]``, trimmed of outer spaces; abbreviations ("Mr.", "U.S.") do not end one."""
    spans = []
    s = start
    for m in _SENTENCE_END.finditer(text, start, end):
        word = re.search(r"([\w.]+)$", text[s:m.start()])
        token = word.group(1).lower().rstrip(".") if word else ""
        if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
            continue
        spans.append((s, m.end()))
        s = m.end()
    spans.append((s, end))
    trimmed = [trim_span(text, a, b) for a, b in spans]
    return [(a, b) for a, b in trimmed if a < b]
