"""The state of a view and its URL query string: pure parse and serialise, no Streamlit.

A dashboard view is fully described by a ``ViewState``: the shared filters (periods, targets,
speakers, kinds, outlets, actors, who and how statements are counted) and the fields a page owns (its target, search text,
topic, measure). ``parse_query`` turns a URL's query parameters into a state, validating every
value against what the table actually holds; ``to_query`` writes a state back as short,
readable parameters. Keeping this free of Streamlit lets it be unit-tested directly, and keeps
the one rule in one place: nothing from the URL is used unless it is an allowed value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from rhetoric_shift.compare import BY as COUNT_BY
from rhetoric_shift.compare import BY_LABELS, WHO_LABELS
from rhetoric_shift.compare import WHO as COUNT_WHO
from rhetoric_shift.schema import KINDS

MEASURES = ("salience", "tone", "stance", "count")
MAX_QUERY_CHARS = 200

# URL parameter name of each ViewState field (the URL is the public, shareable name).
PARAM_OF: dict[str, str] = {
    "periods": "periods",
    "targets": "targets",
    "speakers": "speaker",
    "kinds": "kind",
    "sources": "source",
    "actors": "actor",
    "by": "by",
    "who": "who",
    "target": "target",
    "q": "q",
    "topic": "topic",
    "measure": "measure",
}
FIELD_OF: dict[str, str] = {param: name for name, param in PARAM_OF.items()}

# What each URL parameter means and accepts: shown on the Method page and in docs/.
PARAM_HELP: dict[str, str] = {
    "periods": "comma-separated years, e.g. `2014,2017`; on Compare, the two or three periods compared",
    "targets": "comma-separated target labels drawn in charts, e.g. `Syria,Ukraine`",
    "speaker": "comma-separated speaker names, e.g. `Sergey Lavrov`",
    "kind": "comma-separated kinds among `direct`, `reported`, `question`, `context`",
    "source": "comma-separated outlets, e.g. `RT,Sputnik`",
    "actor": "comma-separated actors (whose position a statement is), e.g. `RUS,USA`",
    "by": " or ".join(f"`{by}` (count {label})" for by, label in BY_LABELS.items()),
    "who": " or ".join(f"`{who}` (count {label})" for who, label in WHO_LABELS.items()),
    "target": "one target label: the target of Compare and of the similarity heatmap",
    "q": f"search text on Statements (a literal phrase, any case, at most {MAX_QUERY_CHARS} characters)",
    "topic": "one topic id on Topics",
    "measure": "on Heatmaps: `salience`, `tone`, `stance` or `count`",
}

# Filters drawn in the sidebar of every page; they restrict which statements are counted.
SHARED_FIELDS: tuple[str, ...] = ("periods", "targets", "actors", "speakers", "kinds", "sources", "who", "by")

# Fields each page owns, keyed by the page's URL path ("" is the default page). A page's URL
# carries the shared filters plus its own fields; a field a page owns is drawn on the page,
# not in the sidebar (Compare chooses its periods itself).
PAGE_FIELDS: dict[str, tuple[str, ...]] = {
    "": (),
    "timeline": (),
    "heatmaps": ("measure", "target"),
    "compare": ("target", "periods"),
    "topics": ("topic",),
    "statements": ("q",),
    "method": (),
}


@dataclass(frozen=True)
class Allowed:
    """The values a URL may name, taken from the table being shown."""

    periods: tuple[int, ...] = ()
    targets: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    kinds: tuple[str, ...] = KINDS
    sources: tuple[str, ...] = ()
    topics: tuple[int, ...] = ()
    actors: tuple[str, ...] = ()


@dataclass(frozen=True)
class ViewState:
    """Everything that defines a view. Empty tuples mean "no restriction" (all values)."""

    periods: tuple[int, ...] = ()
    targets: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    who: str = "officials"
    by: str = "remark"
    target: str | None = None
    q: str = ""
    topic: int | None = None
    measure: str = "salience"

    def with_field(self, name: str, value: object) -> ViewState:
        """A copy with one field replaced (lists become tuples, as the state is hashable)."""
        if isinstance(value, list):
            value = tuple(value)
        return replace(self, **{name: value})


DEFAULT = ViewState()


@dataclass
class Parsed:
    """The result of reading a query string: the state, and one line per value ignored."""

    state: ViewState
    notices: list[str] = field(default_factory=list)


def _split(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def _pick_labels(param: str, raw: str, allowed: Sequence[str], notices: list[str]) -> tuple[str, ...]:
    """Keep the comma-separated labels that are allowed, in the table's order; note the rest."""
    wanted = _split(raw)
    unknown = [w for w in wanted if w not in allowed]
    if unknown:
        notices.append(f"Ignored {param}={', '.join(unknown)}: not in this table.")
    return tuple(a for a in allowed if a in wanted)


def _pick_ints(param: str, raw: str, allowed: Sequence[int], notices: list[str]) -> tuple[int, ...]:
    """Keep the comma-separated integers that are allowed; note malformed or unknown ones."""
    keep: set[int] = set()
    bad: list[str] = []
    for part in _split(raw):
        try:
            value = int(part)
        except ValueError:
            bad.append(part)
            continue
        if value in allowed:
            keep.add(value)
        else:
            bad.append(part)
    if bad:
        notices.append(f"Ignored {param}={', '.join(bad)}: not in this table.")
    return tuple(a for a in allowed if a in keep)


def _pick_one(param: str, raw: str, allowed: Sequence[str], notices: list[str]) -> str | None:
    value = raw.strip()
    if value in allowed:
        return value
    shown = ", ".join(map(str, allowed[:6])) + (", …" if len(allowed) > 6 else "")
    notices.append(f"Ignored {param}={value[:40]}: expected one of {shown}.")
    return None


def parse_query(params: Mapping[str, str], allowed: Allowed) -> Parsed:
    """Read a URL's query parameters into a ``ViewState``.

    Every value is checked against ``allowed``; a value that is unknown or malformed is left at
    its default and reported in ``notices`` (one line each), never raised. Parameters this app
    does not know (``utm_source``, Streamlit's ``embed``) are ignored silently.
    """
    notices: list[str] = []
    values: dict[str, object] = {}
    for param, raw in params.items():
        name = FIELD_OF.get(param)
        if name is None:
            continue
        raw = str(raw)
        if name == "periods":
            values[name] = _pick_ints(param, raw, allowed.periods, notices)
        elif name == "topic":
            picked = _pick_ints(param, raw, allowed.topics, notices)
            values[name] = picked[0] if len(picked) == 1 else None
        elif name in ("targets", "speakers", "kinds", "sources", "actors"):
            values[name] = _pick_labels(param, raw, getattr(allowed, name), notices)
        elif name == "target":
            values[name] = _pick_one(param, raw, allowed.targets, notices)
        elif name == "by":
            values[name] = _pick_one(param, raw, COUNT_BY, notices) or DEFAULT.by
        elif name == "who":
            values[name] = _pick_one(param, raw, COUNT_WHO, notices) or DEFAULT.who
        elif name == "measure":
            values[name] = _pick_one(param, raw, MEASURES, notices) or DEFAULT.measure
        elif name == "q":
            if len(raw) > MAX_QUERY_CHARS:
                notices.append(f"Search text cut to {MAX_QUERY_CHARS} characters.")
            values[name] = " ".join(raw[:MAX_QUERY_CHARS].split())
    return Parsed(replace(DEFAULT, **values), notices)


def _serialise(value: object) -> str:
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def to_query(state: ViewState, fields: Sequence[str]) -> dict[str, str]:
    """The query parameters that reproduce ``state`` for ``fields``; defaults are left out."""
    out: dict[str, str] = {}
    for name in fields:
        value = getattr(state, name)
        if value == getattr(DEFAULT, name) or value is None:
            continue
        out[PARAM_OF[name]] = _serialise(value)
    return out


def page_fields(url_path: str) -> tuple[str, ...]:
    """The fields a page's URL carries: the shared filters, then the page's own fields."""
    own = PAGE_FIELDS.get(url_path, ())
    return tuple(dict.fromkeys(SHARED_FIELDS + own))


def sidebar_fields(url_path: str) -> tuple[str, ...]:
    """The shared filters drawn in the sidebar of a page: those the page does not draw itself."""
    own = PAGE_FIELDS.get(url_path, ())
    return tuple(f for f in SHARED_FIELDS if f not in own)
