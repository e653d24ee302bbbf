"""Who speaks: canonical speaker names and the spellings that refer to them."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rhetoric_shift.datafiles import read_toml
from rhetoric_shift.errors import InputError
from rhetoric_shift.schema import PRESS


@dataclass(frozen=True)
class SpeakerRegistry:
    """Canonical names by alias; ``resolve`` turns a printed name into its canonical form."""

    aliases: dict[str, str]

    @cached_property
    def mention_re(self) -> re.Pattern[str]:
        """Matches any alias of a person as a whole word."""
        return re.compile(r"\b(?:" + self.alias_pattern() + r")\b")

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
        for number, entry in enumerate(entries, start=1):
            name = entry.get("name") if isinstance(entry, dict) else None
            spellings = entry.get("aliases", []) if isinstance(entry, dict) else None
            if not isinstance(name, str) or not name.strip():
                raise InputError(where, f"[[speaker]] number {number} needs a non-empty string 'name'")
            if not isinstance(spellings, list) or not all(isinstance(a, str) and a.strip() for a in spellings):
                raise InputError(where, f"speaker {name!r}: 'aliases' must be a list of names, got {spellings!r}")
            for alias in [name, *spellings]:
                aliases[alias] = name
        return cls(aliases)

    @property
    def surnames(self) -> dict[str, str]:
        """Single-word aliases of people (not of the press), for typo-tolerant matching."""
        return {a: n for a, n in self.aliases.items() if " " not in a and n != PRESS and len(a) > 3}

    def alias_pattern(self) -> str:
        """A regex alternation of every alias of a person, longest first."""
        names = sorted((a for a, n in self.aliases.items() if n != PRESS), key=len, reverse=True)
        return "|".join(re.escape(n) for n in names)

    def resolve(self, name: str) -> str | None:
        """The canonical speaker for a printed name, a close misspelling of a known surname, or None."""
        name = " ".join(name.split())
        if name in self.aliases:
            return self.aliases[name]
        for alias, canonical in self.aliases.items():
            if name.endswith(" " + alias) and " " not in alias and canonical != PRESS:
                return canonical  # "Foreign Minister Lavrov"
        close = difflib.get_close_matches(name, list(self.surnames), n=1, cutoff=0.8)
        return self.surnames[close[0]] if close else None

    def mentions(self, text: str) -> list[tuple[int, str]]:
        """Positions and canonical names of the people named in ``text``, in order."""
        return [(m.start(), self.aliases[m.group(0)]) for m in self.mention_re.finditer(text)]
