"""Targets: which countries, organisations and issues a statement names.

A lexicon (``data/targets.toml``, or a user file of the same shape; the file's comments document
the keys and the matching decisions) maps aliases to labels. All aliases of all targets compile
into one regular expression, longest alias first, matched left to right on word boundaries; an
exclusion ("Latin American", "South Korea") is an alternative that consumes its span and names
no target. Acronyms that are also ordinary words ("US" and the pronoun "us") are matched with
case; everything else ignoring case.

In: texts (and, for ``context_targets``, the statement table). Out: for each statement, its
labels: unique, primary targets first in lexicon order, then the others alphabetically.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from rhetoric_shift.datafiles import read_toml
from rhetoric_shift.errors import InputError

DEFAULT_TARGETS_FILE = "targets.toml"
_TARGET_KEYS = {"label", "primary", "aliases", "exact", "patterns", "exclude"}


@dataclass(frozen=True)
class Target:
    """One target and the phrases that name it (see ``data/targets.toml`` for each key)."""

    label: str
    primary: bool = False
    aliases: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    """Targets compiled into one matcher. Build it with ``load_lexicon`` or ``compile_lexicon``."""

    targets: tuple[Target, ...]
    source: str
    matcher: re.Pattern[str] = field(repr=False)
    group_labels: dict[str, str | None] = field(repr=False)  # regex group name -> label (None: excluded)

    @property
    def labels(self) -> list[str]:
        """Every label, in output order."""
        return sort_labels([t.label for t in self.targets], self)

    @property
    def primary(self) -> list[str]:
        """Labels of the primary targets, in lexicon order."""
        return [t.label for t in self.targets if t.primary]

    def tag_many(self, texts: Sequence[str]) -> list[list[str]]:
        """The labels each of ``texts`` names."""
        return [self.tag(t) for t in texts]

    def tag(self, text: str) -> list[str]:
        """The labels ``text`` names, sorted (primary first)."""
        found = {self.group_labels[m.lastgroup] for m in self.matcher.finditer(text) if m.lastgroup}
        found.discard(None)
        return sort_labels(found, self)  # type: ignore[arg-type]


def sort_labels(labels: Sequence[str] | set[str], lexicon: Lexicon) -> list[str]:
    """Unique ``labels``: primary targets in lexicon order, then the rest alphabetically."""
    rank = {t.label: i for i, t in enumerate(lexicon.targets) if t.primary}
    return sorted(set(labels), key=lambda lab: (0, rank[lab], "") if lab in rank else (1, 0, lab))


def _phrase_regex(phrase: str) -> str:
    """A literal phrase as a regex: any whitespace between words, hyphen or dash alike, either apostrophe."""
    out = []
    for ch in phrase:
        if ch.isspace():
            out.append(r"\s+")
        elif ch in "-‐–":
            out.append(r"[\-‐–\s]")
        elif ch in "'’":
            out.append("['’]")
        else:
            out.append(re.escape(ch))
    return re.sub(r"(\\s\+)+", r"\\s+", "".join(out))


def compile_lexicon(targets: Sequence[Target], source: str = "<targets>") -> Lexicon:
    """Compile ``targets`` into one matcher: aliases and exclusions longest first, then patterns.

    Raises InputError (a ValueError) naming ``source`` when a pattern is not a valid regular expression.
    """
    phrases: list[tuple[str, str | None, str]] = []  # (regex, label, literal for ordering)
    for t in targets:
        phrases += [(f"(?i:{_phrase_regex(a)})", t.label, a) for a in t.aliases]
        phrases += [(_phrase_regex(a), t.label, a) for a in t.exact]
        phrases += [(f"(?i:{_phrase_regex(x)})", None, x) for x in t.exclude]
    # Longest first: Python's alternation takes the first alternative that matches, not the longest.
    phrases.sort(key=lambda p: (-len(p[2]), p[2]))
    for t in targets:
        for pat in t.patterns:
            try:
                re.compile(pat)
            except re.error as exc:
                raise InputError(source, f"target {t.label!r}: pattern {pat!r} is not a valid regular expression: {exc}") from None
            phrases.append((f"(?i:{pat})", t.label, pat))
    group_labels: dict[str, str | None] = {}
    parts = []
    for i, (rx, label, _) in enumerate(phrases):
        group_labels[f"g{i}"] = label
        parts.append(f"(?P<g{i}>{rx})")
    body = "|".join(parts) if parts else "(?!)"
    matcher = re.compile(rf"(?<!\w)(?:{body})(?!\w)")
    return Lexicon(tuple(targets), source, matcher, group_labels)


def _string_list(value: object, where: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InputError(where, f"{key!r} must be a list of non-empty strings, got {value!r}")
    return tuple(v.strip() for v in value)


def _parse_target(entry: object, source: str, index: int) -> Target:
    if not isinstance(entry, dict):
        raise InputError(source, f"[[target]] number {index + 1} is not a table")
    label = entry.get("label")
    if not isinstance(label, str) or not label.strip():
        raise InputError(source, f"[[target]] number {index + 1} needs a non-empty string 'label'")
    where = f"{source}: target {label!r}"
    unknown = sorted(set(entry) - _TARGET_KEYS)
    if unknown:
        raise InputError(where, f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(_TARGET_KEYS))})")
    primary = entry.get("primary", False)
    if not isinstance(primary, bool):
        raise InputError(where, f"'primary' must be true or false, got {primary!r}")
    lists = {k: _string_list(entry.get(k, []), where, k) for k in ("aliases", "exact", "patterns", "exclude")}
    if not (lists["aliases"] or lists["exact"] or lists["patterns"]):
        raise InputError(where, "no 'aliases', 'exact' or 'patterns', so nothing can name it")
    return Target(label=label.strip(), primary=primary, **lists)


def parse_lexicon(data: dict, source: str) -> Lexicon:
    """A lexicon from parsed TOML ``data``; ``source`` names the file in error messages."""
    entries = data.get("target")
    if not isinstance(entries, list) or not entries:
        raise InputError(source, "no [[target]] tables found")
    targets = [_parse_target(e, source, i) for i, e in enumerate(entries)]
    seen: set[str] = set()
    for t in targets:
        if t.label in seen:
            raise InputError(source, f"target label {t.label!r} is defined twice")
        seen.add(t.label)
    return compile_lexicon(targets, source)


def load_lexicon(path: Path | None = None) -> Lexicon:
    """Load a targets file (TOML, shape of ``data/targets.toml``); ``None`` loads the bundled one.

    Raises InputError (a ValueError) with one line naming the file and the problem (unreadable, not TOML,
    missing or malformed keys, duplicate labels, invalid patterns).
    """
    return parse_lexicon(*read_toml(path, DEFAULT_TARGETS_FILE, "targets file"))


def tag_targets(texts: Sequence[str], lexicon: Lexicon | None = None) -> list[list[str]]:
    """For each text, the labels it names (sorted, unique, primary first)."""
    lexicon = lexicon or load_lexicon()
    return [lexicon.tag(text) for text in texts]


def context_targets(table: pd.DataFrame) -> list[list[str]]:
    """For each statement that names no target itself, the targets of its nearest ancestor that does.

    Ancestors follow ``parent_id`` (the heading or journalist's question a statement belongs to,
    which may itself belong to a heading). Statements that name targets themselves, and those
    with no such ancestor, get ``[]``. In: a table with statement_id, parent_id and targets.
    """
    own = dict(zip(table["statement_id"], (list(t) for t in table["targets"])))
    parent = dict(zip(table["statement_id"], table["parent_id"]))
    result = []
    for sid in table["statement_id"]:
        if own[sid]:
            result.append([])
            continue
        result.append(_inherited(sid, own, parent))
    return result


def _inherited(sid: str, own: dict[str, list[str]], parent: dict[str, object]) -> list[str]:
    seen = {sid}
    current = parent.get(sid)
    while isinstance(current, str) and current in own and current not in seen:  # a cycle is a data error: stop
        if own[current]:
            return list(own[current])
        seen.add(current)
        current = parent.get(current)
    return []
