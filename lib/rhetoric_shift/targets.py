"""Targets: which countries, organisations and issues a statement names.

A lexicon (``data/targets.toml``, or a user file of the same shape; the file's comments document
the keys and the matching decisions) maps aliases to labels. All aliases of all targets compile
into one matcher, longest alias first, matched left to right on word boundaries; an exclusion
("Latin American", "South Korea") is an alternative that consumes its span and names no target.
Acronyms that are also ordinary words ("US" and the pronoun "us") are matched with case;
everything else ignoring case. The matcher indexes aliases by their first word, so its cost
grows with the text, not with the size of the lexicon (``Lexicon``); it gives exactly the tags
of one regular expression of every alias (``reference_tag``, kept for the tests). A user's
patterns must stay in a safe subset of regular expressions (``check_pattern``), so that no
pattern can stall the build.

In: texts (and, for ``context_targets``, the statement table). Out: for each statement, its
labels: unique, primary targets first in lexicon order, then the others alphabetically.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from rhetoric_shift.datafiles import read_toml
from rhetoric_shift.errors import InputError

try:  # the regex parser, to check user patterns; public name since Python 3.11
    from re import _constants as _sre_constants
    from re import _parser as _sre_parser
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre_constants  # type: ignore[no-redef]
    import sre_parse as _sre_parser  # type: ignore[no-redef]

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
class Alternative:
    """One way of naming a target: a regular expression, the label it gives (None: an exclusion),
    and its priority (lower wins where two match at the same place)."""

    regex: str
    label: str | None
    priority: int


@dataclass(frozen=True)
class Lexicon:
    """Targets compiled into one matcher. Build it with ``load_lexicon`` or ``compile_lexicon``.

    Matching means: scan left to right; at the leftmost place where any alternative matches on
    word boundaries, the one of lowest priority wins, its span is consumed, and the scan goes on
    after it. That is what one regular expression of all alternatives in priority order does
    (``reference_tag``), but trying hundreds of alternatives at every character is slow. So the
    alternatives that start with a word are indexed by that word, case-folded: a text's words
    are looked up in the index at once (a set intersection), the places where an indexed word
    stands are found by plain substring search, and only the alternatives that begin with that
    word are tried there. Patterns (and an alias starting with punctuation) form a second
    expression, searched only when the text contains a literal the pattern requires.
    """

    targets: tuple[Target, ...]
    source: str
    alternatives: tuple[Alternative, ...] = field(repr=False)
    by_first_word: dict[str, tuple[tuple[re.Pattern[str], Alternative], ...]] = field(repr=False)
    word_finders: dict[str, re.Pattern[str]] = field(repr=False)  # folded first word -> its places
    searched: re.Pattern[str] | None = field(repr=False)  # the alternatives not indexed, in priority order
    searched_groups: dict[str, Alternative] = field(repr=False)
    searched_needs: tuple[str, ...] | None = field(repr=False)  # folded literals, one of which a match needs (None: always search)
    word_needs: dict[str, tuple[str, ...]] = field(repr=False)  # first word -> the longest word of each alternative under it
    rank: dict[str, int] = field(repr=False)  # primary label -> its place in the lexicon
    first_words: frozenset[str] = field(default=frozenset(), repr=False)  # the keys of ``word_finders``
    odd_first_words: tuple[str, ...] = field(default=(), repr=False)  # those not made of letters only ("g20")

    @property
    def labels(self) -> list[str]:
        """Every label, in output order."""
        return sort_labels([t.label for t in self.targets], self)

    @property
    def primary(self) -> list[str]:
        """Labels of the primary targets, in lexicon order."""
        return [t.label for t in self.targets if t.primary]

    def tag_many(self, texts: Sequence[str], words: Sequence[Sequence[str]] | None = None) -> list[list[str]]:
        """The labels each of ``texts`` names.

        ``words``: each text's ``tokens.tokenize`` tokens when already at hand (the same labels, sooner).
        """
        if words is None:
            return [self.tag(t) for t in texts]
        return [self.tag(t, w) for t, w in zip(texts, words)]

    def tag(self, text: str, words: Sequence[str] | None = None) -> list[str]:
        """The labels ``text`` names, sorted (primary first); ``words`` as in ``tag_many``."""
        found = {alt.label for alt in self.matches(text, words)}
        found.discard(None)
        return sort_labels(found, self)  # type: ignore[arg-type]

    def matches(self, text: str, words: Sequence[str] | None = None) -> list[Alternative]:
        """The alternatives matched in ``text``, left to right, spans never overlapping.

        ``words``: ``tokens.tokenize(text)`` when already at hand; it only narrows which indexed
        words are looked for, so the matches are the same.
        """
        folded = _fold(text)
        places = self._word_places(text, folded, words)
        search_on = self.searched is not None and (
            self.searched_needs is None or any(lit in folded for lit in self.searched_needs)
        )
        if not places and not search_on:
            return []
        out: list[Alternative] = []
        pos, k = 0, 0
        word = search = None
        while True:
            if word is None or word[0] < pos:
                word, k = self._next_word(text, places, k, pos)
            if search_on and (search is None or search.start() < pos):
                search = self.searched.search(text, pos)  # type: ignore[union-attr]
            if word is None and search is None:
                return out
            at = min(x[0] if isinstance(x, tuple) else x.start() for x in (word, search) if x is not None)
            best: tuple[int, int, Alternative] | None = None  # (priority, end, alternative)
            if word is not None and word[0] == at:
                best = word[1:]
            if search is not None and search.start() == at:
                alt = self.searched_groups[search.lastgroup]  # type: ignore[index]
                if best is None or alt.priority < best[0]:
                    best = (alt.priority, search.end(), alt)
            out.append(best[2])  # type: ignore[index]
            pos = best[1]  # type: ignore[index]

    def _word_places(self, text: str, folded: str, words: Sequence[str] | None = None) -> list[tuple[int, str]]:
        """(start, folded word) of every place an indexed first word stands, in text order."""
        if len(folded) != len(text):  # folding changed offsets (never seen in practice): try every word
            return [(m.start(), "") for m in _WORD.finditer(text)]
        needs = self.word_needs
        if words is None or not _folds_by_lower(text):
            present = set(_WORD.findall(folded)).intersection(self.word_finders)
        else:
            present = set(self.first_words.intersection(_letter_runs(words)))
            present.update(w for w in self.odd_first_words if w in folded)
        # Skip a word when no alternative under it can match ("the" stands everywhere, "the Koreas" rarely).
        hits = [w for w in present if any(n in folded for n in needs[w])]
        places = [
            (m.start(), w) for w in hits for m in self.word_finders[w].finditer(folded)
            if m.start() == 0 or not _WORD_CHAR.match(folded, m.start() - 1)
        ]
        places.sort()
        return places

    def _next_word(self, text: str, places: list[tuple[int, str]], k: int, pos: int) -> tuple[tuple[int, int, int, Alternative] | None, int]:
        """The first indexed alternative matching at a place at or after ``pos``: ((start, priority, end, alt), next k)."""
        while k < len(places):
            start, w = places[k]
            k += 1
            if start < pos:
                continue
            candidates = self.by_first_word[w] if w else [c for cs in self.by_first_word.values() for c in cs]
            best = None
            for rx, alt in candidates:  # in priority order: the first that matches wins
                hit = rx.match(text, start)
                if hit is not None:
                    best = (start, alt.priority, hit.end(), alt)
                    break
            if best is not None:
                return best, k
        return None, k


def _fold_tables() -> tuple[dict[int, str], dict[int, str]]:
    """Translations that make ``str.lower`` agree with the regex engine's IGNORECASE: the dotted
    capital I lowers to one letter as the engine has it, and the letters the engine also treats
    as equal ("ſ" and "s", "ı" and "i", ...) become one."""
    try:
        from re._casefix import _EXTRA_CASES as extra
    except ImportError:  # pragma: no cover - other Python versions: the common pairs
        extra = {ord("i"): (0x131,), ord("s"): (0x17F,), ord("k"): (0x212A,)}
    post: dict[int, str] = {}
    for code, others in extra.items():
        group = (code, *others)
        for c in group:
            post[c] = chr(min(group))
    return {0x130: "i"}, post


_PRE_FOLD, _POST_FOLD = _fold_tables()
_WORD = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")


_NEEDS_FOLD = re.compile("[" + re.escape("".join(chr(c) for c in {0x130, *_POST_FOLD} if c > 127)) + "]")


def _folds_by_lower(text: str) -> bool:
    """Whether ``_fold(text)`` is plain ``text.lower()`` (the text ``tokens.tokenize`` reads)."""
    return text.isascii() or not _NEEDS_FOLD.search(text)


def _fold(text: str) -> str:
    """``text`` case-folded as the regex engine compares letters under IGNORECASE, same length."""
    if _folds_by_lower(text):
        return text.lower()
    return text.translate(_PRE_FOLD).lower().translate(_POST_FOLD)


_LETTERS = re.compile(r"[^\W\d_]+")


def _letter_runs(words: Sequence[str]) -> Sequence[str]:
    """The runs of letters in ``tokenize`` tokens (split at their inner apostrophes and hyphens).

    Every word of the text made of letters only (a run of ``\\w`` between non-word characters)
    is one of them, so they are a superset of the text's letter-only ``\\w+`` words; a run that
    is not such a word ("abc" of "abc1") finds no place, since places are checked on word
    boundaries. Most tokens are their own run: then ``words`` itself is returned.
    """
    joined = " ".join(words)
    if "'" not in joined and "-" not in joined:
        return words
    return joined.replace("'", " ").replace("-", " ").split()


def reference_tag(lexicon: Lexicon, text: str) -> list[str]:
    """``Lexicon.tag`` the slow, obvious way: one regular expression of every alternative in
    priority order, applied with ``finditer``. For tests that prove the fast matcher equal."""
    rx = _reference_regex(lexicon.alternatives)
    labels = {lexicon.alternatives[int(m.lastgroup[1:])].label for m in rx.finditer(text) if m.lastgroup}
    labels.discard(None)
    return sort_labels(labels, lexicon)  # type: ignore[arg-type]


@lru_cache(maxsize=8)
def _reference_regex(alternatives: tuple[Alternative, ...]) -> re.Pattern[str]:
    body = "|".join(f"(?P<g{i}>{a.regex})" for i, a in enumerate(alternatives)) or "(?!)"
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


def sort_labels(labels: Sequence[str] | set[str], lexicon: Lexicon) -> list[str]:
    """Unique ``labels``: primary targets in lexicon order, then the rest alphabetically."""
    rank = lexicon.rank
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


def _first_word(phrase: str) -> str | None:
    """The case-folded first word of a literal phrase, or None when it starts with punctuation."""
    m = _WORD.match(phrase)
    return _fold(m.group()) if m else None


def compile_lexicon(targets: Sequence[Target], source: str = "<targets>") -> Lexicon:
    """Compile ``targets`` into one matcher: aliases and exclusions longest first, then patterns.

    Raises InputError (a ValueError) naming ``source`` and the target when a pattern is not a
    valid regular expression or is outside the safe subset (``check_pattern``).
    """
    phrases: list[tuple[str, str | None, str]] = []  # (regex, label, literal for ordering)
    for t in targets:
        phrases += [(f"(?i:{_phrase_regex(a)})", t.label, a) for a in t.aliases]
        phrases += [(_phrase_regex(a), t.label, a) for a in t.exact]
        phrases += [(f"(?i:{_phrase_regex(x)})", None, x) for x in t.exclude]
    # Longest first: at one place, the first alternative that matches wins, not the longest.
    phrases.sort(key=lambda p: (-len(p[2]), p[2]))
    firsts = [_first_word(literal) for _, _, literal in phrases]
    needs: list[str | None] = [max(_WORD.findall(_fold(literal)), key=len, default=None) for _, _, literal in phrases]
    for t in targets:
        for pat in t.patterns:
            check_pattern(pat, f"{source}: target {t.label!r}")
            phrases.append((f"(?i:{pat})", t.label, pat))
            firsts.append(None)
            needs.append(required_literal(pat))
    alternatives = tuple(Alternative(rx, label, i) for i, (rx, label, _) in enumerate(phrases))
    by_first_word: dict[str, list[tuple[re.Pattern[str], Alternative]]] = {}
    word_needs: dict[str, set[str]] = {}
    searched: list[Alternative] = []
    searched_needs: list[str | None] = []
    for alt, first, need in zip(alternatives, firsts, needs):
        if first is None:
            searched.append(alt)
            searched_needs.append(need)
        else:
            by_first_word.setdefault(first, []).append((re.compile(rf"(?:{alt.regex})(?!\w)"), alt))
            word_needs.setdefault(first, set()).add(need or first)
    searched_rx = None
    if searched:
        body = "|".join(f"(?P<s{a.priority}>{a.regex})" for a in searched)
        searched_rx = re.compile(rf"(?<!\w)(?:{body})(?!\w)")
    return Lexicon(
        targets=tuple(targets),
        source=source,
        alternatives=alternatives,
        by_first_word={k: tuple(v) for k, v in by_first_word.items()},
        word_finders={w: re.compile(re.escape(w) + r"(?!\w)") for w in by_first_word},
        searched=searched_rx,
        searched_groups={f"s{a.priority}": a for a in searched},
        searched_needs=None if any(n is None for n in searched_needs) else tuple(searched_needs),  # type: ignore[arg-type]
        word_needs={w: tuple(sorted(n)) for w, n in word_needs.items()},
        rank={t.label: i for i, t in enumerate(targets) if t.primary},
        first_words=frozenset(by_first_word),
        odd_first_words=tuple(sorted(w for w in by_first_word if not _LETTERS.fullmatch(w))),
    )


def required_literal(pattern: str) -> str | None:
    """A case-folded string every match of ``pattern`` contains (its longest run of plain letters
    outside repeats, branches and negative lookarounds), or None when there is none of 3+ letters."""
    c = _sre_constants
    runs: list[str] = []

    def walk(tree) -> None:
        run: list[str] = []
        for op, av in tree:
            if op is c.LITERAL:
                run.append(chr(av))
                continue
            runs.append("".join(run))
            run = []
            if op is c.SUBPATTERN:
                walk(av[-1])
            elif op is c.ASSERT:
                walk(av[1])
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
                walk(av[2])
        runs.append("".join(run))

    try:
        walk(_sre_parser.parse(pattern))
    except (re.error, RecursionError):
        return None
    best = _fold(max(runs, key=len, default=""))
    return best if len(best) >= 3 else None


# -- user patterns: a safe subset of regular expressions ----------------------------------------

MAX_PATTERN_LENGTH = 300
MAX_UNBOUNDED = 4  # repeats without an upper bound (+, *, {n,}) in one pattern


def check_pattern(pattern: str, where: str) -> None:
    """Refuse a pattern that is invalid or could take exponential time (catastrophic backtracking).

    The safe subset: at most ``MAX_PATTERN_LENGTH`` characters; no backreferences or
    conditionals; no repeat inside a repeated group when either is unbounded ("(a+)+b",
    "(\\w*\\s?)*"); no alternation inside an unbounded repeat ("(a|ab)*"); at most
    ``MAX_UNBOUNDED`` unbounded repeats; and it must not match an empty string. Bounded forms
    such as "[^.]{0,80}" and "(?:\\s\\w{1,20}){0,3}" stay allowed. Raises InputError naming ``where``.
    """
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise InputError(where, f"pattern {pattern[:40]!r}... is longer than {MAX_PATTERN_LENGTH} characters; split it into aliases")
    try:
        compiled = re.compile(pattern)
        tree = _sre_parser.parse(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        raise InputError(where, f"pattern {pattern!r} is not a valid regular expression: {exc}") from None
    problem = _unsafe(tree, inside_repeat=None)
    if problem is None and _count_unbounded(tree) > MAX_UNBOUNDED:
        problem = f"has more than {MAX_UNBOUNDED} unbounded repeats (+, *, {{n,}})"
    if problem is None and compiled.fullmatch("") is not None:
        problem = "matches an empty string"
    if problem:
        raise InputError(
            where, f"pattern {pattern!r} {problem}, which can make matching take exponential time or never end; "
            "use a bounded repeat such as {0,80}, or list the phrases as aliases"
        )


def _children(op, av) -> list:
    """The sub-patterns of one parsed node (sre's internal tree, stable across 3.11-3.13)."""
    c = _sre_constants
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
        return [av[2]]
    if op is c.SUBPATTERN:
        return [av[-1]]
    if op is c.BRANCH:
        return list(av[1])
    if op in (c.ASSERT, c.ASSERT_NOT):
        return [av[1]]
    return []


def _unsafe(tree, inside_repeat: str | None) -> str | None:
    c = _sre_constants
    for op, av in tree:
        if op in (c.GROUPREF, c.GROUPREF_EXISTS):
            return "uses a backreference or conditional"
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            lo, hi, body = av
            unbounded = hi == c.MAXREPEAT
            if inside_repeat is not None and (unbounded or inside_repeat == "unbounded"):
                return "has a repeat inside a repeated group"
            if unbounded and any(o is c.BRANCH for o, _ in _walk(body)):
                return "has alternatives inside an unbounded repeat"
            kind = "unbounded" if unbounded else ("bounded" if hi > 1 else None)
            problem = _unsafe(body, kind or inside_repeat)
            if problem:
                return problem
            continue
        for child in _children(op, av):
            problem = _unsafe(child, inside_repeat)
            if problem:
                return problem
    return None


def _walk(tree):
    for op, av in tree:
        yield op, av
        for child in _children(op, av):
            yield from _walk(child)


def _count_unbounded(tree) -> int:
    c = _sre_constants
    return sum(1 for op, av in _walk(tree) if op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[1] == c.MAXREPEAT)


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
    return lexicon.tag_many(texts)


def context_targets(table: pd.DataFrame, primary: Sequence[str] | None = None) -> list[list[str]]:
    """For each statement, the targets it inherits from its nearest ancestor that names any.

    Ancestors follow ``parent_id`` (the heading or journalist's question a statement belongs to,
    which may itself belong to a heading). A statement that names no target inherits all of that
    ancestor's targets; one that names targets itself still keeps the ancestor's *primary*
    targets (``primary``, default the schema's) it does not name: an answer under "On Syria"
    that mentions Turkey is still about Syria. Statements with no such ancestor get ``[]``.
    In: a table with statement_id, parent_id and targets.
    """
    from rhetoric_shift.schema import PRIMARY_TARGETS

    keep = set(PRIMARY_TARGETS if primary is None else primary)
    own = dict(zip(table["statement_id"], (list(t) for t in table["targets"])))
    parent = dict(zip(table["statement_id"], table["parent_id"]))
    result = []
    for sid in table["statement_id"]:
        inherited = _inherited(sid, own, parent)
        if own[sid]:
            inherited = [t for t in inherited if t in keep and t not in own[sid]]
        result.append(inherited)
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
