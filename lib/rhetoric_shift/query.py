"""Queries the dashboard asks of the statement table: filters, aggregates, drill-down rows, search.

Every number a page shows comes from a function here (or from ``compare``, which these wrap),
so the storage behind them can change in one place: today a pandas frame, later DuckDB over
Parquet. Each aggregate has a matching function returning the statements behind it
(``statements_in_cell``), and both select rows with ``compare``'s helpers (``counted_rows``,
``names_target``, ``target_statements``), so a count and its drill-down agree. The choices a page
offers come from ``compare`` too (``known_periods``, ``known_targets``): one rule for which
periods and targets exist, whether a page, the URL or the CLI asks.

A table too large to hold in memory reaches these functions as a ``Slice`` (a DuckDB store over
its Parquet files and the shared filters): each function then answers with the SQL of
``rhetoric_shift.sliced``, the same numbers on a bounded amount of memory, and drill-downs,
searches and point clouds fetch a bounded number of rows (``attrs["total"]`` says how many pass).

No Streamlit here; the pages call these through ``rhetoric_shift.ui``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from numbers import Integral

import numpy as np
import pandas as pd

from rhetoric_shift import compare, sliced, stats
from rhetoric_shift.schema import KINDS, MODELS_ATTR
from rhetoric_shift.tone import stance_terms

NO_TARGET = "(no target)"
Slice = sliced.Slice
Rows = pd.DataFrame | Slice  # what a page hands the query layer: the filtered table, or a slice of a large one
PROVENANCE = ("text", "source", "date", "time", "speaker", "kind", "period", "targets", "doc_id", "char_start", "char_end", "statement_id")


# --- choices -----------------------------------------------------------------------------------


def n_statements(table: Rows) -> int:
    """How many statements pass the filters."""
    return sliced.count(table) if isinstance(table, Slice) else len(table)


def known_periods(table: Rows) -> list[int]:
    """``compare.known_periods`` of the (filtered) table."""
    return sliced.known_periods(table) if isinstance(table, Slice) else compare.known_periods(table)


def known_targets(table: Rows) -> list[str]:
    """``compare.known_targets`` of the (filtered) table: the targets one may ask about."""
    return sliced.known_targets(table) if isinstance(table, Slice) else compare.known_targets(table)


def speakers(table: Rows) -> tuple[str, ...]:
    """Named speakers, most frequent first."""
    if isinstance(table, Slice):
        return sliced.speakers(table)
    counts = table["speaker"].dropna().value_counts()
    return tuple(sorted(counts.index, key=lambda s: (-counts[s], s)))


def sources(table: pd.DataFrame) -> tuple[str, ...]:
    """Outlets, alphabetically."""
    if isinstance(table, Slice):
        return sliced.sources(table)
    return tuple(sorted(table["source"].dropna().unique()))


def actors(table: pd.DataFrame) -> tuple[str, ...]:
    """Actors (whose position a statement is: ISO codes such as RUS, USA), most statements first.

    The press has no actor (null) and is never offered; "unknown" (a document without one) is.
    """
    if isinstance(table, Slice):
        return sliced.actors(table)
    counts = table["actor"].dropna().astype(str).value_counts()
    return tuple(sorted(counts.index, key=lambda a: (-counts[a], a)))


def empty_periods(table: pd.DataFrame, wanted: Sequence[int]) -> list[int]:
    """The periods of ``wanted`` with no statement in ``table`` (e.g. after a filter), in order."""
    present = set(known_periods(table))
    return [int(p) for p in wanted if int(p) not in present]


def kinds(table: pd.DataFrame) -> tuple[str, ...]:
    """Statement kinds present, in the schema's order."""
    if isinstance(table, Slice):
        return sliced.kinds(table)
    present = set(table["kind"])
    return tuple(k for k in KINDS if k in present)


def topics(table: pd.DataFrame) -> tuple[int, ...]:
    """Topic ids present (including -1, statements too short to cluster), in order."""
    if isinstance(table, Slice):
        return sliced.topics(table)
    return tuple(int(t) for t in sorted(table["topic"].unique()))


# --- filters -----------------------------------------------------------------------------------


def filter_table(
    table: pd.DataFrame,
    *,
    periods: Sequence[int] = (),
    speakers: Sequence[str] = (),
    kinds: Sequence[str] = (),
    sources: Sequence[str] = (),
    actors: Sequence[str] = (),
) -> pd.DataFrame:
    """The statements said in ``periods``, by ``speakers``, of ``kinds``, in ``sources``, of ``actors``.

    An empty sequence means no restriction. Targets are deliberately not a filter here: they
    choose which targets an aggregate shows, while the denominator of a share (all statements
    of a period) must stay whole.
    """
    if isinstance(table, Slice):
        given = {"periods": tuple(int(p) for p in periods), "speakers": tuple(speakers), "kinds": tuple(kinds),
                 "sources": tuple(sources), "actors": tuple(actors)}
        return table.with_filters(**{f: sliced.narrowed(getattr(table.filters, f), v) for f, v in given.items() if v})
    mask = np.ones(len(table), dtype=bool)
    for column, wanted in (("period", periods), ("speaker", speakers), ("kind", kinds), ("source", sources), ("actor", actors)):
        if wanted:
            mask &= table[column].isin(list(wanted)).to_numpy(dtype=bool, na_value=False)
    return table[mask]


def naming_any(table: pd.DataFrame, wanted: Sequence[str]) -> pd.DataFrame:
    """Statements naming at least one of ``wanted`` (all statements when ``wanted`` is empty)."""
    if not wanted:
        return table
    if isinstance(table, Slice):
        return table.with_filters(targets=tuple(wanted))
    chosen = set(wanted)
    return table[table["targets"].map(lambda names: bool(chosen.intersection(names))).astype(bool)]


# --- the corpus --------------------------------------------------------------------------------


def documents(table: pd.DataFrame) -> pd.DataFrame:
    """One row per document: outlet, period, dates, and statements of each kind (of a ``Slice``: the first 1,000)."""
    if isinstance(table, Slice):
        return sliced.documents(table)
    kinds_wide = pd.crosstab(table["doc_id"], table["kind"]).reindex(columns=list(KINDS), fill_value=0)
    meta = table.groupby("doc_id", sort=True).agg(
        source=("source", "first"),
        period=("period", "first"),
        first_date=("date", "min"),
        last_date=("date", "max"),
        statements=("statement_id", "size"),
        words=("n_words", "sum"),
    )
    for column in ("first_date", "last_date"):
        meta[column] = meta[column].dt.date  # a day, not a midnight timestamp
    return meta.join(kinds_wide).reset_index()


def kind_counts(table: pd.DataFrame, by: str = "report") -> pd.DataFrame:
    """Statements of each kind per period: ``[kind, <period>..., total]`` (rows counted ``by``)."""
    if isinstance(table, Slice):
        return sliced.kind_counts(table, by)
    rows = compare.counted_rows(table, by)
    wide = pd.crosstab(rows["kind"], rows["period"]).reindex(list(KINDS), fill_value=0)
    wide.columns = [str(c) for c in wide.columns]
    wide["total"] = wide.sum(axis=1)
    return wide.rename_axis("kind").reset_index()


def corpus_numbers(table: pd.DataFrame) -> dict[str, int]:
    """Headline sizes: documents, outlets, periods, statements, unique remarks, speakers."""
    if isinstance(table, Slice):
        return sliced.corpus_numbers(table)
    return {
        "documents": int(table["doc_id"].nunique()),
        "outlets": int(table["source"].nunique()),
        "periods": int(table["period"].nunique()),
        "statements": len(table),
        "unique remarks": int(table["dup_group"].nunique()),
        "speakers": int(table["speaker"].nunique()),
    }


# --- target × period ---------------------------------------------------------------------------


def _known(table: pd.DataFrame, wanted: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split ``wanted`` into targets ``compare`` allows for ``table`` and those it does not."""
    known = set(compare.known_targets(table))
    return [t for t in wanted if t in known], [t for t in wanted if t not in known]


def salience(table: pd.DataFrame, wanted: Sequence[str], by: str = "report", who: str = "all") -> pd.DataFrame:
    """``compare.SALIENCE_COLUMNS`` for every wanted target and period (counted ``by`` and ``who``).

    A target the (filtered) table never names gets counts of zero rather than an error.
    """
    if isinstance(table, Slice):
        return sliced.salience(table, tuple(wanted), by, who)
    known, absent = _known(table, wanted)
    out = compare.salience_by_period(table, targets=known, by=by, who=who)
    if absent:
        totals = compare.counted_rows(table, by, who).groupby("period").size()
        zeros = pd.DataFrame(
            [{"target": t, "period": int(p), "n_target": 0, "n_statements": int(n), "salience": 0.0,
              "ci_low": stats.wilson_interval(0, int(n))[0], "ci_high": stats.wilson_interval(0, int(n))[1]}
             for t in absent for p, n in totals.items()]
        )
        out = pd.concat([out, zeros], ignore_index=True)
    order = {t: i for i, t in enumerate(wanted)}
    return out.sort_values(["target", "period"], key=lambda s: s.map(order) if s.name == "target" else s, ignore_index=True)


def actor_salience(table: Rows, target: str, by: str = "remark", who: str = "officials", top: int | None = None) -> pd.DataFrame:
    """Actor × period salience of one target: ``[actor, period, n_target, n_statements, salience, ci_low, ci_high]``.

    Each actor's share of its own counted statements that name ``target`` (Wilson interval), for
    every period of the table; statements without an actor (the press) are left out. Actors with
    the most statements first; only the ``top`` of them when given.
    """
    if isinstance(table, Slice):
        out = sliced.actor_salience(table, target, by, who)
        return out[out["actor"].isin(list(dict.fromkeys(out["actor"]))[:top])].reset_index(drop=True) if top else out
    rows = compare.counted_rows(table, by, who)
    rows = rows[rows["actor"].notna()]
    named = compare.names_target(rows, target)
    totals = rows.groupby(["actor", "period"]).size()
    hits = rows[named].groupby(["actor", "period"]).size()
    records = []
    for actor in actors(rows)[:top]:
        for p in compare.known_periods(table):
            n_all, n_t = int(totals.get((actor, p), 0)), int(hits.get((actor, p), 0))
            records.append({"actor": actor, "period": p, **compare.share_cell(n_t, n_all)})
    return pd.DataFrame(records, columns=["actor", "period", "n_target", "n_statements", "salience", "ci_low", "ci_high"])


MEASURE_COLUMNS = ["target", "period", "n", "n_remarks", "mean", "ci_low", "ci_high"]


def measures(table: pd.DataFrame, wanted: Sequence[str], measure: str, by: str = "report", who: str = "officials") -> pd.DataFrame:
    """``MEASURE_COLUMNS``: mean tone or stance with its 95% interval (none under the minimum of remarks).

    Over the counted statements about each target (``compare.target_statements``); a target
    the table never names gets n = 0 and no mean.
    """
    if isinstance(table, Slice):
        return sliced.measures(table, tuple(wanted), measure, by, who)
    known, absent = _known(table, wanted)
    frames = [
        compare.measure_by_period(table, target, measure=measure, by=by, who=who).assign(target=target)
        for target in known
    ]
    frames += [
        pd.DataFrame({"target": t, "period": compare.known_periods(table), "n": 0, "n_remarks": 0, "mean": np.nan,
                      "ci_low": np.nan, "ci_high": np.nan})
        for t in absent
    ]
    if not frames:
        return pd.DataFrame(columns=MEASURE_COLUMNS)
    out = pd.concat(frames, ignore_index=True)[MEASURE_COLUMNS]
    order = {t: i for i, t in enumerate(wanted)}
    return out.sort_values(["target", "period"], key=lambda s: s.map(order) if s.name == "target" else s, ignore_index=True)


def statements_in_cell(
    table: pd.DataFrame,
    *,
    target: str | None = None,
    period: int | Sequence[int] | None = None,
    topic: int | None = None,
    by: str = "report",
    who: str = "all",
    measured: bool = False,
) -> pd.DataFrame:
    """The statements behind one cell of a heatmap (any of target, period(s), topic may be given).

    Counted like the aggregates (``by``), so the number of rows equals the count in the cell.
    With ``measured``, a target's statements are those its tone and stance are averaged over
    (``compare.target_statements``: officials' words about it); otherwise those naming it.
    Of a ``Slice``: the first 1,000 rows, ``attrs["total"]`` the count in the cell.
    """
    if isinstance(table, Slice):
        cell = period if period is None or isinstance(period, Integral) else tuple(int(p) for p in period)
        return sliced.statements_in_cell(table, target, int(cell) if isinstance(cell, Integral) else cell, topic, by, who, measured)
    if target is not None and measured:
        table = compare.target_statements(table, target, by, who)
    else:
        table = compare.counted_rows(table, by, who)
    mask = pd.Series(True, index=table.index)
    if target is not None and not measured:
        mask &= compare.names_target(table, target)
    if period is not None:
        mask &= table["period"].isin([period] if isinstance(period, Integral) else list(period))
    if topic is not None:
        mask &= table["topic"] == topic
    return table[mask]


# --- topics ------------------------------------------------------------------------------------


def topic_shares(table: pd.DataFrame, by: str = "report", who: str = "all") -> pd.DataFrame:
    """``[topic, topic_label, period, n_topic, n_statements, share]`` for every topic and period."""
    if isinstance(table, Slice):
        return sliced.topic_shares(table, by, who)
    rows = compare.counted_rows(table, by, who)
    totals = rows.groupby("period").size()
    labels = rows.groupby("topic")["topic_label"].first()
    counts = rows.groupby(["topic", "period"]).size()
    index = pd.MultiIndex.from_product([labels.index, totals.index], names=["topic", "period"])
    out = counts.reindex(index, fill_value=0).rename("n_topic").reset_index()
    out["topic_label"] = out["topic"].map(labels)
    out["n_statements"] = out["period"].map(totals)
    out["share"] = out["n_topic"] / out["n_statements"]
    return out[["topic", "topic_label", "period", "n_topic", "n_statements", "share"]]


def default_topic(table: pd.DataFrame) -> int | None:
    """The topic a page shows when none is chosen: the largest real topic (not -1, too short)."""
    if isinstance(table, Slice):
        sizes = {t: n for t, n in sliced.topic_sizes(table).items() if t >= 0}
        return min(sizes, key=lambda t: (-sizes[t], t)) if sizes else None
    sizes = table.loc[table["topic"] >= 0, "topic"].value_counts()
    return int(sizes.index[0]) if len(sizes) else None


def topic_name(topic: int, label: str) -> str:
    """A topic's readable name, "<id>: <top terms>": how every chart, list and widget shows it."""
    return f"{int(topic)}: {label}"


def topic_names(table: pd.DataFrame) -> dict[int, str]:
    """Each topic id's readable name (``topic_name``)."""
    if isinstance(table, Slice):
        return {t: topic_name(t, label) for t, label in sliced.topic_labels(table).items()}
    labels = table.groupby("topic")["topic_label"].first()
    return {int(t): topic_name(t, label) for t, label in labels.items()}


def topic_summary(table: pd.DataFrame) -> pd.DataFrame:
    """One row per topic: id, top terms, statements, and its most frequent targets."""
    if isinstance(table, Slice):
        return sliced.topic_summary(table)
    rows = []
    for topic, group in table.groupby("topic", sort=True):
        counts = group["targets"].explode().dropna().value_counts()
        named = counts.loc[sorted(counts.index, key=lambda t: (-counts[t], t))[:3]]  # ties alphabetical, whatever the row order
        rows.append(
            {
                "topic": int(topic),
                "terms": group["topic_label"].iloc[0],
                "statements": len(group),
                "top targets": ", ".join(f"{t} ({n})" for t, n in named.items()),
            }
        )
    return pd.DataFrame(rows, columns=["topic", "terms", "statements", "top targets"])


def topic_points(table: pd.DataFrame) -> pd.DataFrame:
    """The topic map's points: ``[statement_id, map_x, map_y, topic, topic_label, source, date, text]``.

    Of a ``Slice``: a sample of 2,000 fixed by the statement ids (``attrs["total"]``: all of them).
    """
    if isinstance(table, Slice):
        return sliced.topic_points(table)
    return table[["statement_id", "map_x", "map_y", "topic", "topic_label", "source", "date", "text"]]


# --- time --------------------------------------------------------------------------------------


def timeline_points(table: pd.DataFrame, wanted: Sequence[str], *, with_undated: bool = False) -> pd.DataFrame:
    """One row per dated statement and wanted target it names: ``[statement_id, target, period, date, source, speaker, kind, text]``.

    ``with_undated`` keeps statements without a date too (for an axis of periods, where they have a place).
    Of a ``Slice``: the statements of a sample of 2,000 fixed by their ids (``attrs["total"]``: all of them).
    """
    if isinstance(table, Slice):
        fetched = sliced.timeline_rows(table, tuple(wanted), with_undated)
        out = timeline_points(fetched, wanted, with_undated=with_undated)
        out.attrs["total"] = fetched.attrs["total"]
        out.attrs["shown"] = len(fetched)
        return out
    rows = table if with_undated else table[table["date"].notna()]
    rows = rows[["statement_id", "targets", "period", "date", "source", "speaker", "kind", "text"]]
    long = rows.explode("targets").rename(columns={"targets": "target"})
    long = long[long["target"].isin(list(wanted))]
    order = {t: i for i, t in enumerate(wanted)}
    return long.sort_values(["target", "period", "date"], key=lambda s: s.map(order) if s.name == "target" else s).reset_index(drop=True)


def undated(table: pd.DataFrame) -> pd.DataFrame:
    """Statements without a date (they cannot sit on a date axis): count per document (of a ``Slice``: the first 1,000)."""
    if isinstance(table, Slice):
        return sliced.undated(table)
    rows = table[table["date"].isna()]
    return rows.groupby(["doc_id", "source", "period"]).size().rename("statements").reset_index()


def n_undated(table: pd.DataFrame) -> int:
    """How many statements have no date (the total of ``undated``)."""
    if isinstance(table, Slice):
        return sliced.n_undated(table)
    return int(table["date"].isna().sum())


def live_blog_days(table: pd.DataFrame) -> list[dt.date]:
    """Dates on which statements carry printed clock times (live-blogged events), most first."""
    if isinstance(table, Slice):
        table = sliced.live_rows(table)
    stamped = table[table["time"].notna() & table["date"].notna()]
    return [d.date() for d in stamped["date"].value_counts().index]


def conference_points(table: pd.DataFrame, day: dt.date, wanted: Sequence[str]) -> pd.DataFrame:
    """The time-stamped statements of one day: ``[statement_id, time, clock, label, source, kind, text]``.

    ``label`` is the first wanted target the statement names (or ``NO_TARGET``); ``clock`` the
    printed time on that day. Times are as the live blogs print them (GMT), not converted.
    """
    if isinstance(table, Slice):
        table = sliced.live_rows(table)
    rows = table[table["time"].notna() & (table["date"].dt.date == day)]
    chosen = list(wanted)
    labels = rows["targets"].map(lambda names: next((t for t in chosen if t in names), NO_TARGET))
    clock = pd.to_datetime(day.isoformat() + " " + rows["time"].astype(str), format="%Y-%m-%d %H:%M", errors="coerce")
    out = pd.DataFrame(
        {
            "statement_id": rows["statement_id"],
            "time": rows["time"],
            "clock": clock,
            "label": labels,
            "source": rows["source"],
            "kind": rows["kind"],
            "text": rows["text"],
        }
    )
    return out[out["clock"].notna()].sort_values(["clock", "statement_id"]).reset_index(drop=True)


def first_mentions(points: pd.DataFrame) -> pd.DataFrame:
    """When each target first came up in a live-blogged event, in that order, with the quote."""
    named = points[points["label"] != NO_TARGET]
    first = named.sort_values(["clock", "statement_id"]).drop_duplicates("label")
    counts = named.groupby("label").size()
    out = first.assign(mentions=first["label"].map(counts))
    return out[["label", "time", "source", "mentions", "text", "statement_id"]].rename(
        columns={"label": "target", "time": "first time (GMT)"}
    ).reset_index(drop=True)


# --- search ------------------------------------------------------------------------------------


def search(table: pd.DataFrame, q: str, width: int = 60) -> pd.DataFrame:
    """Statements containing ``q`` (a literal phrase, any case), with keyword-in-context columns.

    Adds ``left``, ``match``, ``right`` (``width`` characters either side of the first hit)
    and ``hits`` (occurrences in the statement). An empty query returns every statement with
    empty context columns. Of a ``Slice``: the first 1,000 statements, ``attrs["total"]`` all of them.
    """
    if isinstance(table, Slice):
        fetched = sliced.search_rows(table, q) if q.strip() else sliced.rows(table)
        out = search(fetched, q, width)
        out.attrs["total"] = fetched.attrs["total"]
        return out
    if not q.strip():
        return table.assign(left="", match="", right="", hits=0)
    pattern = re.compile(re.escape(" ".join(q.split())), re.IGNORECASE)
    matches = [list(pattern.finditer(text)) for text in table["text"]]
    keep = np.array([bool(m) for m in matches], dtype=bool)
    rows, hits = table[keep], [m for m in matches if m]
    left, match, right = [], [], []
    for text, found in zip(rows["text"], hits):
        m = found[0]
        left.append(("…" if m.start() > width else "") + text[max(0, m.start() - width) : m.start()])
        match.append(m.group(0))
        right.append(text[m.end() : m.end() + width] + ("…" if len(text) - m.end() > width else ""))
    return rows.assign(left=left, match=match, right=right, hits=[len(m) for m in hits])


def n_hits(found: pd.DataFrame) -> int:
    """Occurrences of the phrase over all statements a ``search`` found (a statement may hold several)."""
    return int(found["hits"].sum())


def kwic_view(found: pd.DataFrame) -> pd.DataFrame:
    """The keyword-in-context columns of a search, with the statement id and where it comes from."""
    view = found[["left", "match", "right", "hits", "source", "date", "speaker", "kind", "statement_id"]].reset_index(drop=True)
    view["date"] = view["date"].dt.date  # a day, not a midnight timestamp
    return view


# --- rows for display --------------------------------------------------------------------------


def provenance_view(rows: pd.DataFrame, *, measured: bool = False, target: str | None = None) -> pd.DataFrame:
    """Statements with their provenance (file offsets, outlet, date, speaker, kind), for tables and CSV.

    ``measured`` (the rows behind a mean tone or stance) adds, after the text, each statement's
    ``tone``, ``stance`` and the ``stance terms`` that produced it ("dialogue +, threat −", matched
    with the bundled lexicon, the one the build scores with), so a cell's mean can be recomputed
    from the rows it lists. With ``target``, stance is the stance toward it (``compare.measure_values``),
    the value the mean averages.
    """
    out = rows[list(PROVENANCE)].copy()
    out["targets"] = out["targets"].map(lambda names: ", ".join(names))
    if measured:
        terms = [", ".join(f"{term} {'+' if sign > 0 else '−'}" for term, sign in stance_terms(text)) for text in rows["text"]]
        out.insert(1, "tone", rows["tone"].to_numpy())
        stance = compare.measure_values(rows, "stance", target) if target is not None else rows["stance"].to_numpy()
        out.insert(2, "stance", stance)
        out.insert(3, "stance terms", terms)
    return out.reset_index(drop=True)


def export_view(rows: pd.DataFrame, shown: pd.DataFrame | None = None) -> pd.DataFrame:
    """Statements for download: the columns of ``shown`` (a view of the same rows, in order; default
    the provenance columns) first, then every other column of the table (tone, stance,
    target_stance, topic, topic_label, dup_group, ...), nothing left out."""
    rows = rows.reset_index(drop=True)
    first = shown.reset_index(drop=True) if shown is not None else rows[[c for c in PROVENANCE if c in rows.columns]]
    return pd.concat([first, rows[[c for c in rows.columns if c not in first.columns]]], axis=1)


def cards_frame(periods: Sequence[dict]) -> pd.DataFrame:
    """The numbers of position cards (the ``periods`` of ``Comparison.to_dict()``), one row per period.

    Intervals become ``*_low`` and ``*_high`` columns and the outlets one "RT; TASS" cell; the
    terms and quotes, lists of their own, have their own downloads and are left out here.
    """
    rows = []
    for card in periods:
        row: dict[str, object] = {}
        for name, value in card.items():
            if name.endswith("_ci"):
                row[f"{name[:-3]}_low"], row[f"{name[:-3]}_high"] = value
            elif name == "outlets":
                row[name] = "; ".join(value)
            elif not isinstance(value, (list, dict)):
                row[name] = value
        rows.append(row)
    return pd.DataFrame(rows)


def to_csv(rows: pd.DataFrame) -> bytes:
    """Rows as UTF-8 CSV, cells that a spreadsheet would run as formulas made inert.

    List cells (a statement's ``targets``) are written as "Syria; US".
    """
    safe = rows.copy()
    for column in safe.columns:
        if safe[column].dtype == object or str(safe[column].dtype).startswith("string"):
            safe[column] = safe[column].map(_flat_cell).map(_inert_cell)
    return safe.to_csv(index=False).encode("utf-8")


def _flat_cell(value: object) -> object:
    if isinstance(value, (list, tuple, np.ndarray)):
        return "; ".join(map(str, value))
    return value


def _inert_cell(value: object) -> object:
    # A cell starting with = + - @ is run as a formula by spreadsheets (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


# --- comparisons -------------------------------------------------------------------------------


def similarity(table: Rows, target: str, by: str = "report", who: str = "officials",
               periods: Sequence[int] | None = None) -> pd.DataFrame:
    """How alike the words about ``target`` are between periods: ``[period_a, period_b, similarity]``.

    Cosine similarity of the periods' TF-IDF centroids (``compare.centroid_similarity``); NaN
    where a period has no statements about the target. Of a ``Slice``: TF-IDF fitted on at most
    50,000 of the statements about the target, a sample fixed by their ids.
    """
    if isinstance(table, Slice):
        periods = list(periods) if periods is not None else known_periods(table)
        rows = sliced.target_rows(table, target, by, who)
        sims = compare._TargetSpace.build(rows).similarity(periods)
        matrix = pd.DataFrame(sims, index=periods, columns=periods)
    else:
        matrix = compare.centroid_similarity(table, target, periods=periods, by=by, who=who)
    return (
        matrix.rename_axis(index="period_a", columns="period_b")
        .stack()
        .rename("similarity")
        .reset_index()
    )


def changes(
    table: pd.DataFrame, wanted: Sequence[str], measures: Sequence[str] = compare.CHANGE_MEASURES,
    by: str = "remark", who: str = "officials", periods: Sequence[int] | None = None,
) -> pd.DataFrame:
    """``compare.changes`` of the wanted targets over ``periods`` (default: the table's), BH across all rows returned.

    Targets the (filtered) table never names are left out: there is nothing to test. Periods the
    table does not hold are left out too.
    """
    present = known_periods(table)
    chosen = present if periods is None else [p for p in sorted(int(p) for p in periods) if p in set(present)]
    if isinstance(table, Slice):
        return sliced.changes(table, tuple(wanted), tuple(measures), by, who, tuple(chosen))
    known, _ = _known(table, wanted)
    if len(chosen) < 2:
        return pd.DataFrame(columns=compare.CHANGE_COLUMNS)
    return compare.changes(table, known, chosen, measures=measures, by=by, who=who)


def tested_periods(table: Rows) -> list[int]:
    """The periods whose changes the pages test (``compare.tested_periods`` of the filtered table's periods)."""
    return compare.tested_periods(known_periods(table))


def tested_note(table: Rows) -> str:
    """The line a page shows when it tests fewer periods than the filters leave (``compare.tested_note``)."""
    periods = known_periods(table)
    return compare.tested_note(periods, compare.tested_periods(periods))


def change_sentences(frame: pd.DataFrame, target: str) -> list[str]:
    """The sentences of one target's changes (``compare.change_sentence``), in the frame's order."""
    return [compare.change_sentence(r) for r in frame[frame["target"] == target].to_dict("records")]


def changes_view(frame: pd.DataFrame) -> pd.DataFrame:
    """A changes frame as the readable table every page shows (``compare.changes_view``)."""
    return compare.changes_view(frame)


def composition(table: pd.DataFrame, by: str = "remark", who: str = "officials") -> pd.DataFrame:
    """Documents and outlets behind each period of the counted rows (``compare.composition``)."""
    if isinstance(table, Slice):
        return sliced.composition(table, by, who)
    rows = compare.counted_rows(table, by, who)
    return compare.composition(rows, compare.known_periods(table))


def composition_warnings(comp: pd.DataFrame) -> list[str]:
    """The warnings a composition frame calls for (``compare.composition_warnings``)."""
    return compare.composition_warnings(comp)


def composition_lines(comp: pd.DataFrame) -> list[str]:
    """One line per period: "2014: 1 document, 1 outlet (MFA of Russia)"."""
    return [compare.composition_line(r) for r in comp.to_dict("records")]


def uncounted(table: pd.DataFrame, wanted: Sequence[str], by: str = "remark") -> pd.DataFrame:
    """Statements not counted by default, as their own rows: ``[target, kind, <period>...]``.

    Headlines and narration (``context``) and questions (and anything the press says) that name
    each wanted target, per period; they count only when "every statement" is chosen.
    """
    if isinstance(table, Slice):
        return sliced.uncounted(table, tuple(wanted), by)
    rows = compare.counted_rows(table, by, "all")
    rows = rows[~compare.officials(rows)]
    periods = [str(p) for p in compare.known_periods(table)]
    records = []
    for target in wanted:
        named = rows[compare.names_target(rows, target)]
        for kind, group in named.groupby("kind", sort=True):
            counts = group.groupby("period").size()
            records.append({"target": target, "kind": kind, **{p: int(counts.get(int(p), 0)) for p in periods}})
    return pd.DataFrame(records, columns=["target", "kind", *periods])


def terms_frame(terms: Sequence[dict]) -> pd.DataFrame:
    """A position card's terms (``compare.TERM_COLUMNS`` records) as ``[term, z, adjusted p, significant, remarks]`` rows."""
    frame = pd.DataFrame(list(terms), columns=compare.TERM_COLUMNS)
    return pd.DataFrame({"term": frame["term"], "z": frame["z"].astype(float), "adjusted p": frame["p_adj"].astype(float),
                         "significant": frame["significant"].astype(bool), "remarks": frame["n_remarks"].astype(int)})


def shifts_frame(shifts: Sequence[compare.TermShift]) -> pd.DataFrame:
    """New and dropped words between consecutive periods, one row per pair of periods."""
    return pd.DataFrame(
        [{"from": s.from_period, "to": s.to_period, "new words": ", ".join(s.new), "dropped words": ", ".join(s.dropped)} for s in shifts],
        columns=["from", "to", "new words", "dropped words"],
    )


# --- method ------------------------------------------------------------------------------------


def method_table(by: str = "remark", who: str = "officials") -> pd.DataFrame:
    """Every choice behind the numbers (``compare.method``) as ``[choice, how]`` rows for the Method page."""
    rows = [(k.replace("_", " "), v) for k, v in compare.method(by, who).items() if isinstance(v, str)]
    return pd.DataFrame(rows, columns=["choice", "how"])


def coverage_table() -> pd.DataFrame:
    """The measured coverage of the 95% interval for a mean: ``[n remarks, tone, stance, interval drawn]``."""
    sizes = sorted(stats.MEASURED_COVERAGE["tone"])
    return pd.DataFrame({
        "n remarks": sizes,
        "tone": [stats.MEASURED_COVERAGE["tone"][n] for n in sizes],
        "stance": [stats.MEASURED_COVERAGE["stance"][n] for n in sizes],
        "interval drawn": ["yes" if n >= stats.MIN_N_FOR_INTERVAL else "no" for n in sizes],
    })


def models_description(table: pd.DataFrame) -> str:
    """How the table's corpus-wide models were fitted (sample, topics, how k was chosen), as the build recorded it; "" if not."""
    if isinstance(table, Slice):
        return sliced.models_description(table)
    return str(table.attrs.get(MODELS_ATTR) or "")


def comparison(
    table: Rows, target: str, periods: Sequence[int], *, by: str = "remark", who: str = "officials",
    filters: dict[str, list[str]] | None = None,
) -> compare.Comparison:
    """``compare.compare_positions`` of the filtered table.

    Of a ``Slice``: its rows are fetched whole up to 200,000; beyond, only the compared periods'
    (the keyness prior then counts those periods' statements, not the table's: the comparison's
    ``keyness_prior`` says which).
    """
    if isinstance(table, Slice):
        frame = sliced.comparison_rows(table, tuple(int(p) for p in periods))
        return compare.compare_positions(frame, target, list(periods), by=by, who=who, filters=filters)
    return compare.compare_positions(table, target, list(periods), by=by, who=who, filters=filters)


def actor_comparison(
    table: Rows, target: str, period: int, actors: Sequence[str], *, by: str = "remark", who: str = "officials",
) -> compare.Comparison:
    """Position cards of ``target`` for each of ``actors`` (2 or 3) in one ``period``, how they differ, and the evidence.

    The same cards, tests and quotes as a comparison of periods, with the actors in the place of
    the periods: each card's ``period`` is the actor's index in ``actors`` (``actor_labels``
    turns them back into names), distinctive words are each actor's against the others', and a
    change "from" one actor "to" another is a difference between them. ValueError when an actor
    has no statement in that period (``empty_actors`` says which).
    """
    rows = filter_table(table, periods=[int(period)], actors=list(actors))
    frame = sliced.comparison_rows(rows, (int(period),)) if isinstance(rows, Slice) else rows
    codes = {a: i for i, a in enumerate(actors)}
    frame = frame[frame["actor"].isin(list(actors))].assign(period=lambda f: f["actor"].map(codes).astype("int64"))
    result = compare.compare_positions(frame, target, list(codes.values()), by=by, who=who,
                                       filters={"period": [str(period)], "actor": list(actors)})
    labels = actor_labels(actors)
    comp = compare.composition(compare.counted_rows(frame, by, who), list(codes.values()))
    result.warnings = compare.composition_warnings(comp.assign(period=comp["period"].map(labels)))
    result.changes = result.changes.assign(from_period=result.changes["from_period"].map(labels),
                                           to_period=result.changes["to_period"].map(labels))
    return result


def actor_labels(actors: Sequence[str]) -> dict[int, str]:
    """The names behind the card indices of an ``actor_comparison``."""
    return dict(enumerate(actors))


def empty_actors(table: Rows, period: int, wanted: Sequence[str]) -> list[str]:
    """The actors of ``wanted`` with no statement in ``period`` (after the filters), in order."""
    present = set(actors(filter_table(table, periods=[int(period)])))
    return [a for a in wanted if a not in present]
