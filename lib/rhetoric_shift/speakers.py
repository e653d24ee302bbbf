"""Who speaks: canonical speaker names, the spellings that refer to them, and the state each speaks for."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rhetoric_shift.datafiles import read_toml
from rhetoric_shift.errors import InputError
from rhetoric_shift.schema import PRESS

# Words of a printed label that say what a person is, not who: "SECRETARY KERRY", "Foreign Minister Lavrov".
TITLE_WORDS = frozenset(
    "mr mrs ms miss dr prof sir madam secretary minister ministers foreign deputy president vice prime ambassador "
    "spokesperson spokesman spokeswoman general chairman chairwoman chair senator state acting first excellency "
    "his her director under assistant special envoy representative permanent official head of the affairs "
    "defense defence interior chancellor premier king queen crown prince sheikh".split()
)
# A role after the name that makes the speaker a journalist: "JOHN SMITH, CBS NEWS", "Q (Reuters)".
_PRESS_ROLE = re.compile(
    r"\b(?:reporter|journalist|correspondent|news|press|tv|television|radio|agency|newspaper|times|post|daily|"
    r"channel|magazine|reuters|bloomberg|interfax|tass|ria|afp|ap|bbc|cnn|cbs|nbc|abc|fox|rt|sputnik|kyodo|xinhua|question)\b",
    re.I,
)
_NOTE = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*")
_INITIALS = re.compile(r"^(?:[A-Z]\.\s*){1,3}(?=[A-Z][a-z]|[A-Z]{2})")


@dataclass(frozen=True)
class SpeakerRegistry:
    """Canonical names by alias, and each canonical name's state (ISO 3166 alpha-3).

    ``resolve`` turns a printed name into its canonical form; ``country`` gives a speaker's state.
    """

    aliases: dict[str, str]
    countries: dict[str, str] = field(default_factory=dict)
    places: dict[str, str] = field(default_factory=dict)  # "US", "Kremlin", "Russian" -> the state's code

    @cached_property
    def place_re(self) -> re.Pattern[str] | None:
        """Matches any word of ``places`` as a whole word (case kept: "US" is not "us")."""
        if not self.places:
            return None
        words = sorted(self.places, key=len, reverse=True)
        return re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w])")

    def place_country(self, text: str) -> str | None:
        """The state the first place word in ``text`` names ("a senior US official" → "USA"), or None."""
        m = self.place_re.search(text) if self.place_re is not None else None
        return self.places[m.group(0)] if m else None

    @cached_property
    def mention_re(self) -> re.Pattern[str]:
        """Matches any alias of a person as a whole word."""
        return re.compile(r"\b(?:" + self.alias_pattern() + r")\b")

    @cached_property
    def _folded(self) -> dict[str, str]:
        return {alias.casefold(): name for alias, name in self.aliases.items()}

    @classmethod
    def load(cls, path: Path | None = None) -> "SpeakerRegistry":
        """Read a speakers TOML file (the bundled one when ``path`` is None).

        Raises ``InputError`` naming the file when it is unreadable, not TOML or malformed.
        """
        data, where = read_toml(path, "speakers.toml", "speakers file")
        entries = data.get("speaker")
        if not isinstance(entries, list) or not entries:
            raise InputError(where, "no [[speaker]] tables found; see rhetoric_shift/data/speakers.toml")
        aliases: dict[str, str] = {}
        countries: dict[str, str] = {}
        for number, entry in enumerate(entries, start=1):
            name = entry.get("name") if isinstance(entry, dict) else None
            spellings = entry.get("aliases", []) if isinstance(entry, dict) else None
            if not isinstance(name, str) or not name.strip():
                raise InputError(where, f"[[speaker]] number {number} needs a non-empty string 'name'")
            if not isinstance(spellings, list) or not all(isinstance(a, str) and a.strip() for a in spellings):
                raise InputError(where, f"speaker {name!r}: 'aliases' must be a list of names, got {spellings!r}")
            country = entry.get("country")
            if country is not None:
                if not (isinstance(country, str) and re.fullmatch(r"[A-Z]{3}", country)):
                    raise InputError(where, f"speaker {name!r}: 'country' must be an ISO 3166 alpha-3 code such as \"RUS\", got {country!r}")
                countries[name] = country
            for alias in [name, *spellings]:
                aliases[alias] = name
        places: dict[str, str] = {}
        table = data.get("places", {})
        if not isinstance(table, dict):
            raise InputError(where, "[places] must map a state's code to a list of words, e.g. USA = [\"US\", \"American\"]")
        for code, words in table.items():
            if not re.fullmatch(r"[A-Z]{3}", code) or not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
                raise InputError(where, f"[places] {code!r}: expected an ISO 3166 alpha-3 code and a list of words, got {words!r}")
            places.update({word: code for word in words})
        return cls(aliases, countries, places)

    @property
    def surnames(self) -> dict[str, str]:
        """Single-word aliases of people (not of the press), for typo-tolerant matching."""
        return {a: n for a, n in self.aliases.items() if " " not in a and n != PRESS and len(a) > 3}

    def alias_pattern(self) -> str:
        """A regex alternation of every alias of a person, longest first."""
        names = sorted((a for a, n in self.aliases.items() if n != PRESS), key=len, reverse=True)
        return "|".join(re.escape(n) for n in names)

    def country(self, speaker: str | None) -> str | None:
        """The state a known speaker speaks for, or None (unknown people, the press, nobody)."""
        return self.countries.get(speaker) if speaker else None

    def resolve(self, name: str) -> str | None:
        """The canonical speaker for a printed name, a close misspelling of a known surname, or None.

        Case is ignored for names of two or more letters ("SERGEY LAVROV" is "Sergey Lavrov").
        """
        name = " ".join(name.split())
        if name in self.aliases:
            return self.aliases[name]
        folded = name.casefold()
        if len(name) > 1 and folded in self._folded:
            return self._folded[folded]
        for alias, canonical in self.aliases.items():
            if " " not in alias and canonical != PRESS and folded.endswith(" " + alias.casefold()):
                return canonical  # "Foreign Minister Lavrov"
        close = difflib.get_close_matches(name, list(self.surnames), n=1, cutoff=0.8)
        return self.surnames[close[0]] if close else None

    def mentions(self, text: str) -> list[tuple[int, str]]:
        """Positions and canonical names of the people named in ``text``, in order."""
        return [(m.start(), self.aliases[m.group(0)]) for m in self.mention_re.finditer(text)]

    def label_speaker(self, label: str) -> str | None:
        """The speaker a printed transcript label names, canonicalised; None when it names nobody.

        "S.Lavrov" → "Sergey Lavrov"; "SECRETARY KERRY" → "John Kerry"; "SERGEY LAVROV, RUSSIAN FOREIGN
        MINISTER (THROUGH TRANSLATOR)" → "Sergey Lavrov"; "QUESTION" or "JOHN SMITH, CBS NEWS" → "Press";
        an unknown "AMBASSADOR IVAN PETROV" → "Ivan Petrov" (printed name, titles dropped, capitalised).
        """
        text = _NOTE.sub(" ", label).strip(" :,")
        name, _, role = text.partition(",")
        name = _INITIALS.sub("", name.strip())
        if self.resolve(name) == PRESS or (role and _PRESS_ROLE.search(role)):
            return PRESS
        known = self.resolve(name)
        if known:
            return known
        words = name.split()
        while words and words[0].casefold().rstrip(".") in TITLE_WORDS | {"h.e"}:
            words.pop(0)
        if not words:
            return canonical_case(name) or None  # a bare title such as "MODERATOR" or "THE PRESIDENT"
        rest = " ".join(words)
        return self.resolve(rest) or canonical_case(rest)


def canonical_case(name: str) -> str:
    """A printed name in the case people write it: "SERGEY LAVROV" → "Sergey Lavrov"; mixed case is kept."""
    name = " ".join(name.split())
    if name.isupper() or name.islower():
        return name.title()
    return name
