"""Who speaks: canonical speaker names and the spellings that refer to them."""

from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

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
        """Read a speakers TOML file (the bundled one when ``path`` is None)."""
        if path is None:
            raw = resources.files("rhetoric_shift").joinpath("data/speakers.toml").read_text(encoding="utf-8")
            where: str | Path = "rhetoric_shift/data/speakers.toml"
        else:
            raw, where = Path(path).read_text(encoding="utf-8"), path
        try:
            data = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(where, f"not valid TOML ({exc})") from None
        aliases: dict[str, str] = {}
        for entry in data.get("speaker", []):
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                raise InputError(where, "every [[speaker]] needs a 'name' string")
            for alias in [entry["name"], *entry.get("aliases", [])]:
                aliases[alias] = entry["name"]
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
