"""The query layer's answers for a table left on disk: DuckDB over Parquet, never the whole table in memory.

``query`` hands a ``Slice`` (a ``DuckStore`` and the shared filters) here; every function returns
the frame its ``query`` namesake returns for the filtered DataFrame, with the same numbers
(``tests/test_sliced.py`` checks each against pandas on the seed table). How:

- "counted" rows (officials or all, every report or one row per remark) are a SQL subquery: one
  row per ``dup_group`` is the one with the smallest ``statement_id``, carrying the union of its
  group's targets, as ``duplicates.unique_remarks`` keeps it;
- shares are counts; a mean's interval needs, per period, the number of remarks and statements,
  the sum and the squared cluster residuals: exact sufficient statistics computed in SQL;
- a permutation test needs each remark's sum and size: fetched (in ``dup_group`` order, the
  order ``stats`` draws in) when the two periods hold at most ``stats.MAX_PERM_CLUSTERS``
  remarks, else the test is Welch's t on the same sufficient statistics (``stats.METHOD``);
- drill-downs, searches and point clouds fetch a bounded number of rows, and say how many
  there are in all (``frame.attrs["total"]``).

Each answer is remembered per store and arguments (``DuckStore.memo``): a rerun that changes
nothing asks DuckDB nothing. Values reach SQL as bound parameters; only schema names are in text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import wraps
from numbers import Integral

import numpy as np
import pandas as pd

from rhetoric_shift import compare, stats
from rhetoric_shift.schema import COLUMN_NAMES, KINDS, PRESS, PRIMARY_TARGETS
from rhetoric_shift.store import DuckStore, Filters, _conform

ROW_LIMIT = 1000  # rows a drill-down, search or table of documents shows
POINT_LIMIT = 2000  # points a scatter (topic map, timeline) draws, a seeded sample beyond
FRAME_LIMIT = 200_000  # a comparison fetches the filtered rows whole up to this many, else only its periods'
SIMILARITY_LIMIT = 50_000  # statements a similarity fits TF-IDF on, a seeded sample beyond
OFFICIAL = f"(kind IN ('direct', 'reported') AND coalesce(speaker, '') <> '{PRESS}')"
LISTS = ("targets", "context_targets")


@dataclass(frozen=True)
class Slice:
    """The statements of a large table passing the shared filters: what a page asks about.

    ``filters.targets`` is left empty by the pages (targets choose what an aggregate shows, not
    the denominator); ``naming`` keeps statements naming any of them (the Statements page).
    """

    store: DuckStore = field(compare=False)
    filters: Filters = Filters()

    def key(self) -> tuple:
        return (self.store.key, self.filters)

    def __hash__(self) -> int:
        return hash(self.key())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Slice) and self.key() == other.key()

    def with_filters(self, **changes) -> Slice:
        return Slice(self.store, replace(self.filters, **changes))


def narrowed(current: tuple, wanted: tuple) -> tuple:
    """A filter's values after also asking for ``wanted``: their intersection (a value nothing has when it is empty)."""
    if not current:
        return wanted
    both = tuple(v for v in wanted if v in current)
    if both:
        return both
    return (-(2**62),) if isinstance(current[0], int) else ("\0",)


def _memo_key(name: str, s: Slice, args: tuple, kwargs: dict) -> tuple:
    return (name, s.filters, args, tuple(sorted(kwargs.items())))


def memo(fn):
    """Remember ``fn(slice, *args)`` per store, filters and arguments; hand back a copy of a frame."""

    @wraps(fn)
    def wrapper(s: Slice, *args, **kwargs):
        found = s.store.memo(_memo_key(fn.__name__, s, args, kwargs), lambda: fn(s, *args, **kwargs))
        return found.copy() if isinstance(found, pd.DataFrame) else found

    return wrapper


# --- SQL building blocks -----------------------------------------------------------------------


def _sql(s: Slice, sql: str, params: Sequence) -> pd.DataFrame:
    return s.store._query(sql, list(params))


def _base(s: Slice, columns: Sequence[str], *, official: bool = False, extra: str = "", extra_params: Sequence = ()) -> tuple[str, list]:
    """``SELECT columns FROM the table WHERE the slice's filters`` (and officials only, and ``extra``)."""
    where, params = DuckStore._where(s.filters)
    conds = [where[len(" WHERE "):]] if where else []
    if official:
        conds.append(OFFICIAL)
    if extra:
        conds.append(extra)
        params = params + list(extra_params)
    cond = (" WHERE " + " AND ".join(conds)) if conds else ""
    return f"SELECT {', '.join(columns)} FROM {DuckStore.VIEW}{cond}", params


def _counted(s: Slice, by: str, who: str, columns: Sequence[str], *, extra: str = "", extra_params: Sequence = ()) -> tuple[str, list]:
    """The counted rows (``compare.counted_rows``) with ``columns``, as a subquery and its parameters.

    ``extra`` filters rows before counting (like a filter of the table), not after.
    """
    compare.check_by(by)
    compare.check_who(who)
    columns = list(dict.fromkeys(columns))
    if by == "report":
        return _base(s, columns, official=who == "officials", extra=extra, extra_params=extra_params)
    need = list(dict.fromkeys([*columns, "statement_id", "dup_group"] + (["targets"] if "context_targets" in columns else [])))
    inner, params = _base(s, need, official=who == "officials", extra=extra, extra_params=extra_params)
    aggs = []
    for c in need:
        if c == "dup_group":
            aggs.append("dup_group")
        elif c in LISTS:
            aggs.append(f"list_distinct(flatten(list({c}))) AS {c}")
        else:
            aggs.append(f"arg_min({c}, statement_id) AS {c}")
    # Most remarks are reported once: only groups of several rows in the whole table are aggregated (a group
    # the filters leave one row of aggregates to that row), the rest pass as they are.
    # Groups are looked up by a 64-bit hash of their name (a third cheaper than by the string): a singleton whose
    # hash collides with a group's is aggregated by its own name, to itself, so a collision changes nothing.
    multi = f"SELECT h FROM {_multi_groups(s)}"
    single = f"SELECT {', '.join(need)} FROM ({inner}) WHERE hash(dup_group) NOT IN ({multi})"
    grouped = f"SELECT {', '.join(aggs)} FROM ({inner}) WHERE hash(dup_group) IN ({multi}) GROUP BY dup_group"
    outer = [("list_filter(context_targets, lambda x: NOT list_contains(targets, x)) AS context_targets"
              if c == "context_targets" else c) for c in columns]
    return f"SELECT {', '.join(outer)} FROM ({single} UNION ALL BY NAME {grouped})", params * 2


def _multi_groups(s: Slice) -> str:
    """The name of a table, made once per store, of the hashes ``h`` of the ``dup_group``s with more than one row in the whole table.

    Finding them is a GROUP BY over every row; once known, counting one row per remark only
    aggregates their rows (a tenth of the UN General Debate's) and passes the others through.
    """
    return s.store.derived_table("remark_groups", f"SELECT DISTINCT hash(dup_group) AS h FROM {DuckStore.VIEW} "
                                 "WHERE dup_group IS NOT NULL GROUP BY dup_group HAVING count(*) > 1")


def _about(target: str) -> tuple[str, list]:
    """Statements about ``target``: it is in their own targets or the heading's (``compare.target_statements``)."""
    return "(list_contains(targets, ?) OR list_contains(context_targets, ?))", [target, target]


def _pointer(target: str) -> str:
    """A JSON pointer to the key ``target`` (``~`` and ``/`` escaped)."""
    return "/" + target.replace("~", "~0").replace("/", "~1")


# --- choices -----------------------------------------------------------------------------------


@memo
def count(s: Slice) -> int:
    return s.store.count(s.filters)


@memo
def known_periods(s: Slice) -> list[int]:
    return [int(p) for p in s.store.distinct("period", s.filters)]


@memo
def known_targets(s: Slice) -> list[str]:
    """``compare.known_targets`` of the filtered rows."""
    inner, params = _base(s, ["targets", "context_targets"])
    out = _sql(s, f"SELECT t, count(*) AS n FROM (SELECT UNNEST(list_concat(targets, context_targets)) AS t FROM ({inner})) "
               "GROUP BY t", params)
    counts = dict(zip(out["t"], out["n"]))
    others = sorted((t for t in counts if t not in PRIMARY_TARGETS), key=lambda t: (-counts[t], t))
    return list(PRIMARY_TARGETS) + others


def _ranked(s: Slice, column: str) -> tuple[str, ...]:
    inner, params = _base(s, [column])
    out = _sql(s, f"SELECT {column} AS v, count(*) AS n FROM ({inner}) WHERE {column} IS NOT NULL GROUP BY v", params)
    return tuple(str(v) for v, _ in sorted(zip(out["v"], out["n"]), key=lambda vn: (-vn[1], str(vn[0]))))


@memo
def speakers(s: Slice) -> tuple[str, ...]:
    return _ranked(s, "speaker")


@memo
def actors(s: Slice) -> tuple[str, ...]:
    return _ranked(s, "actor")


@memo
def sources(s: Slice) -> tuple[str, ...]:
    return tuple(str(v) for v in s.store.distinct("source", s.filters))


@memo
def kinds(s: Slice) -> tuple[str, ...]:
    present = set(s.store.distinct("kind", s.filters))
    return tuple(k for k in KINDS if k in present)


@memo
def topics(s: Slice) -> tuple[int, ...]:
    return tuple(int(t) for t in s.store.distinct("topic", s.filters))


@memo
def models_description(s: Slice) -> str:
    from rhetoric_shift.build import _stored_summary

    return str(_stored_summary(s.store.path).get("models", "") or "")


# --- the corpus --------------------------------------------------------------------------------


@memo
def corpus_numbers(s: Slice) -> dict[str, int]:
    inner, params = _base(s, ["doc_id", "source", "period", "dup_group", "speaker"])
    row = _sql(s, f"SELECT count(DISTINCT doc_id) AS documents, count(DISTINCT source) AS outlets, count(DISTINCT period) AS periods, "
               f"count(*) AS statements, count(DISTINCT dup_group) AS remarks, count(DISTINCT speaker) AS speakers FROM ({inner})",
               params).iloc[0]
    return {"documents": int(row["documents"]), "outlets": int(row["outlets"]), "periods": int(row["periods"]),
            "statements": int(row["statements"]), "unique remarks": int(row["remarks"]), "speakers": int(row["speakers"])}


@memo
def documents(s: Slice, limit: int = ROW_LIMIT) -> pd.DataFrame:
    """``query.documents`` for the first ``limit`` documents (by doc_id); attrs["total"]: all of them."""
    inner, params = _base(s, ["doc_id", "source", "period", "date", "statement_id", "n_words", "kind"])
    kinds_sql = ", ".join(f"count_if(kind = '{k}') AS \"{k}\"" for k in KINDS)
    out = _sql(s, f"SELECT doc_id, arg_min(source, statement_id) AS source, arg_min(period, statement_id) AS period, "
               f"min(date) AS first_date, max(date) AS last_date, count(*) AS statements, sum(n_words) AS words, {kinds_sql} "
               f"FROM ({inner}) GROUP BY doc_id ORDER BY doc_id LIMIT ?", params + [int(limit)])
    for column in ("first_date", "last_date"):
        out[column] = pd.to_datetime(out[column]).dt.date
    out = out.astype({"period": "int64", "statements": "int64", "words": "int64", **{k: "int64" for k in KINDS}})
    out.attrs["total"] = int(_sql(s, f"SELECT count(DISTINCT doc_id) AS n FROM ({inner})", params)["n"].iloc[0])
    return out


@memo
def kind_counts(s: Slice, by: str = "report") -> pd.DataFrame:
    inner, params = _counted(s, by, "all", ["kind", "period"])
    out = _sql(s, f"SELECT kind, period, count(*) AS n FROM ({inner}) GROUP BY kind, period", params)
    wide = out.pivot(index="kind", columns="period", values="n").reindex(list(KINDS)).fillna(0).astype("int64")
    wide = wide[sorted(wide.columns)]
    wide.columns = [str(c) for c in wide.columns]
    wide["total"] = wide.sum(axis=1)
    return wide.rename_axis("kind").reset_index()


@memo
def composition(s: Slice, by: str, who: str) -> pd.DataFrame:
    inner, params = _counted(s, by, who, ["period", "doc_id", "source"])
    out = _sql(s, f"SELECT period, count(*) AS n_statements, count(DISTINCT doc_id) AS n_documents, "
               f"list_sort(list(DISTINCT source)) AS outlets FROM ({inner}) GROUP BY period", params)
    found = {int(r["period"]): r for r in out.to_dict("records")}
    records = []
    for p in known_periods(s):
        r = found.get(p)
        outlets = [str(o) for o in r["outlets"] if o is not None] if r else []
        records.append({"period": p, "n_statements": int(r["n_statements"]) if r else 0,
                        "n_documents": int(r["n_documents"]) if r else 0, "n_outlets": len(outlets), "outlets": ", ".join(outlets)})
    return pd.DataFrame(records, columns=["period", "n_statements", "n_documents", "n_outlets", "outlets"])


# --- target × period ---------------------------------------------------------------------------


def _named_counts(s: Slice, targets: Sequence[str], by: str, who: str, group: Sequence[str] = ("period",)) -> pd.DataFrame:
    """``[*group, n, n0, n1, ...]``: counted rows per group and those naming each target."""
    inner, params = _counted(s, by, who, [*group, "targets"])
    hits = "".join(f", count_if(list_contains(targets, ?)) AS n{i}" for i in range(len(targets)))
    keys = ", ".join(group)
    return _sql(s, f"SELECT {keys}, count(*) AS n{hits} FROM ({inner}) GROUP BY {keys}", list(targets) + params)


@memo
def salience(s: Slice, wanted: tuple[str, ...], by: str = "report", who: str = "all") -> pd.DataFrame:
    allowed = set(known_targets(s))
    counts = _period_counts(s, wanted, by, who)
    totals = {int(p): int(n) for p, n in zip(counts["period"], counts["n"])}
    records = []
    for i, t in enumerate(wanted):
        named = {int(p): int(n) for p, n in zip(counts["period"], counts[f"n{i}"])}
        periods = known_periods(s) if t in allowed else sorted(totals)
        for p in periods:
            n_all, n_t = totals.get(p, 0), named.get(p, 0)
            records.append({"target": t, "period": p, **compare.share_cell(n_t, n_all)})
    return pd.DataFrame(records, columns=compare.SALIENCE_COLUMNS)


@memo
def actor_salience(s: Slice, target: str, by: str = "remark", who: str = "officials") -> pd.DataFrame:
    counts = _named_counts(s, (target,), by, who, ("actor", "period"))
    counts = counts[counts["actor"].notna()]
    per_actor = counts.groupby("actor")["n"].sum()
    order = sorted(per_actor.index, key=lambda a: (-per_actor[a], str(a)))
    cells = {(a, int(p)): (int(n), int(k)) for a, p, n, k in zip(counts["actor"], counts["period"], counts["n"], counts["n0"])}
    records = []
    for actor in order:
        for p in known_periods(s):
            n_all, n_t = cells.get((actor, p), (0, 0))
            records.append({"actor": str(actor), "period": p, **compare.share_cell(n_t, n_all)})
    return pd.DataFrame(records, columns=["actor", "period", "n_target", "n_statements", "salience", "ci_low", "ci_high"])


def _about_rows(s: Slice, wanted: Sequence[str], by: str, who: str) -> tuple[str, list]:
    """SQL of the counted statements about each wanted target, ``[t, period, dup_group, tone, stance]``, and its parameters.

    One scan serves every target: the counted rows are joined to a list of the targets (with each
    one's JSON pointer into ``target_stance``), a row once per target it is about; ``stance`` is the
    stance toward that target (``compare.measure_values``).
    """
    about = "(list_contains(c.targets, w.t) OR list_contains(c.context_targets, w.t))"
    inner, params = _counted(s, by, who, ["period", "dup_group", "targets", "context_targets", "tone", "stance", "target_stance"])
    values = ", ".join("(?, ?)" for _ in wanted)
    stance = ("CASE WHEN json_valid(c.target_stance) AND json_type(c.target_stance, w.ptr) IN ('DOUBLE', 'BIGINT', 'UBIGINT') "
              "THEN json_extract(c.target_stance, w.ptr)::DOUBLE ELSE c.stance END")
    sql = (f"SELECT w.t AS t, c.period AS period, c.dup_group AS dup_group, c.tone AS tone, {stance} AS stance "
           f"FROM ({inner}) c JOIN (VALUES {values}) w(t, ptr) ON {about}")
    # Parameter order follows the SQL text: the counted rows' filters, then the targets' list.
    return sql, params + [v for t in wanted for v in (t, _pointer(t))]


CLUSTERS = ("SELECT t, period, dup_group, sum(tone) AS s_tone, sum(stance) AS s_stance, count(*) AS m FROM ({rows}) "
            "GROUP BY t, period, dup_group")
STATS_SQL = ("WITH means AS (SELECT t, period, sum(s_tone) / sum(m) AS mt, sum(s_stance) / sum(m) AS ms FROM clusters "
             "GROUP BY t, period) "
             "SELECT c.t, c.period, sum(c.m) AS n, count(*) AS g, any_value(means.mt) AS mean_tone, "
             "sum((c.s_tone - c.m * means.mt) ^ 2) AS resid_tone, any_value(means.ms) AS mean_stance, "
             "sum((c.s_stance - c.m * means.ms) ^ 2) AS resid_stance FROM clusters c JOIN means USING (t, period) "
             "GROUP BY c.t, c.period")
ARRAYS_SQL = ("WITH sizes AS (SELECT t, period, count(*) AS g FROM clusters WHERE period IN ({marks}) GROUP BY t, period) "
              "SELECT c.t, c.period, c.s_tone, c.s_stance, c.m FROM clusters c JOIN sizes USING (t, period) WHERE sizes.g <= ? "
              "ORDER BY c.t, c.period, c.dup_group")


@memo
def _target_stats(s: Slice, wanted: tuple[str, ...], by: str, who: str) -> pd.DataFrame:
    """Per target and period: statements ``n``, remarks ``g``, and of tone and stance the ``mean_*`` and the squared
    cluster residuals ``resid_*``, exactly (the sufficient statistics of ``stats.mean_interval_from``)."""
    return _target_clusters(s, wanted, by, who, ())[0]


def _target_clusters(s: Slice, wanted: tuple[str, ...], by: str, who: str, periods: tuple[int, ...]
                     ) -> tuple[pd.DataFrame, dict[tuple[str, int], pd.DataFrame]]:
    """``_target_stats``, and each remark's sums of tone and stance and its size (``[s_tone, s_stance, m]``, in
    ``dup_group`` order) per target and period of ``periods`` where the period holds at most
    ``stats.MAX_PERM_CLUSTERS`` remarks (more are tested with Welch): one scan of the table for both."""
    if not wanted:
        return pd.DataFrame(columns=["t", "period", "n", "g", "mean_tone", "resid_tone", "mean_stance", "resid_stance"]), {}
    rows, params = _about_rows(s, wanted, by, who)
    queries = [(STATS_SQL, [])]
    if periods:
        queries.append((ARRAYS_SQL.format(marks=", ".join("?" * len(periods))), [int(p) for p in periods] + [stats.MAX_PERM_CLUSTERS]))
    found = s.store._queries([(f"CREATE TEMP TABLE clusters AS {CLUSTERS.format(rows=rows)}", params)], queries)
    arrays = found[1] if periods else found[0].iloc[:0]
    return found[0], {(str(t), int(p)): g[["s_tone", "s_stance", "m"]] for (t, p), g in arrays.groupby(["t", "period"])}


def _cluster_stats(s: Slice, wanted: tuple[str, ...], target: str, measure: str, by: str, who: str) -> dict[int, dict]:
    """Per period: statements ``n``, remarks ``g``, ``mean`` and ``resid`` of ``measure`` about ``target`` (one of ``wanted``)."""
    if measure not in compare.MEASURES:
        raise ValueError(f"Unknown measure {measure!r}; allowed: {', '.join(compare.MEASURES)}")
    found = _target_stats(s, wanted, by, who)
    found = found[found["t"] == target]
    return {int(r["period"]): {"n": r["n"], "g": r["g"], "mean": r[f"mean_{measure}"], "resid": r[f"resid_{measure}"]}
            for r in found.to_dict("records")}


@memo
def _cluster_arrays(s: Slice, wanted: tuple[str, ...], by: str, who: str, periods: tuple[int, ...]) -> dict[tuple[str, int], pd.DataFrame]:
    """The remarks' sums of ``_target_clusters``; its statistics are remembered as ``_target_stats`` on the way."""
    found, arrays = _target_clusters(s, wanted, by, who, periods)
    s.store.memo(_memo_key("_target_stats", s, (wanted, by, who), {}), lambda: found)
    return arrays


@memo
def measures(s: Slice, wanted: tuple[str, ...], measure: str, by: str = "report", who: str = "officials") -> pd.DataFrame:
    allowed = set(known_targets(s))
    known = tuple(dict.fromkeys(t for t in wanted if t in allowed))
    frames = []
    for t in wanted:
        found = _cluster_stats(s, known, t, measure, by, who) if t in allowed else {}
        records = []
        for p in known_periods(s):
            r = found.get(p)
            if r is None:
                records.append({"target": t, "period": p, "n": 0, "n_remarks": 0, "mean": np.nan, "ci_low": np.nan, "ci_high": np.nan})
                continue
            mean, low, high = stats.mean_interval_from(float(r["mean"]), float(r["resid"]), int(r["n"]), int(r["g"]))
            records.append({"target": t, "period": p, "n": int(r["n"]), "n_remarks": int(r["g"]), "mean": mean,
                            "ci_low": low, "ci_high": high})
        frames.append(pd.DataFrame(records))
    if not frames:
        return pd.DataFrame(columns=["target", "period", "n", "n_remarks", "mean", "ci_low", "ci_high"])
    return pd.concat(frames, ignore_index=True)[["target", "period", "n", "n_remarks", "mean", "ci_low", "ci_high"]]


@memo
def changes(s: Slice, wanted: tuple[str, ...], measures_: tuple[str, ...], by: str = "remark", who: str = "officials",
            periods: tuple[int, ...] | None = None, n_perm: int = stats.N_PERM, random_state: int = 0) -> pd.DataFrame:
    """``query.changes``: the same rows as ``compare.changes`` over ``periods`` (default the slice's; BH across the rows returned)."""
    periods = tuple(known_periods(s)) if periods is None else tuple(sorted(int(p) for p in periods))
    if len(periods) < 2:
        return pd.DataFrame(columns=compare.CHANGE_COLUMNS)
    allowed = set(known_targets(s))
    for measure in measures_:
        if measure not in compare.CHANGE_MEASURES:
            raise ValueError(f"Unknown measure {measure!r}; allowed: {', '.join(compare.CHANGE_MEASURES)}")
    known = tuple(dict.fromkeys(t for t in wanted if t in allowed))
    records = [r for target in known for measure in measures_
               for r in _change_rows(s, known, target, measure, by, who, periods, n_perm, random_state)]
    out = pd.DataFrame(records, columns=[c for c in compare.CHANGE_COLUMNS if c not in ("p_adj", "verdict")])
    out["ci_note"] = out["ci_note"].astype(object)
    out["p_adj"] = stats.benjamini_hochberg(out["p"].to_numpy(dtype=float)) if len(out) else []
    out["verdict"] = [compare.verdict(r) for r in out.to_dict("records")]
    return out[compare.CHANGE_COLUMNS]


@memo
def _period_counts(s: Slice, wanted: tuple[str, ...], by: str, who: str) -> pd.DataFrame:
    """``_named_counts`` by period, remembered: salience and its tested changes share it."""
    return _named_counts(s, wanted, by, who)


@memo
def _change_rows(s: Slice, wanted: tuple[str, ...], target: str, measure: str, by: str, who: str, periods: tuple[int, ...],
                 n_perm: int, random_state: int) -> list[dict]:
    """One target's (of ``wanted``, asked together) and measure's changes over the pairs of ``periods``, before the
    adjustment (remembered: pages ask for different sets of measures, and the permutation tests are the slow part)."""
    pairs = compare.period_pairs(periods)
    records = []
    if measure == "salience":
        counts = _period_counts(s, wanted, by, who)
        i = wanted.index(target)
        totals = {int(p): int(n) for p, n in zip(counts["period"], counts["n"])}
        named = {int(p): int(n) for p, n in zip(counts["period"], counts[f"n{i}"])}
        for a, b, pair in pairs:
            numbers = compare.salience_change_numbers(named.get(a, 0), totals.get(a, 0), named.get(b, 0), totals.get(b, 0))
            records.append({"target": target, "measure": measure, "from_period": a, "to_period": b, "pair": pair, **numbers})
        return records
    arrays = _cluster_arrays(s, wanted, by, who, periods)  # first: it leaves the statistics remembered, one scan for both
    sums = _cluster_stats(s, wanted, target, measure, by, who)
    for a, b, pair in pairs:
        seed = compare._seed(random_state, target, measure, a, b)
        xa, xb = (arrays.get((target, p)) for p in (a, b))
        numbers = _mean_numbers(sums.get(a), sums.get(b), None if xa is None else (xa[f"s_{measure}"], xa["m"]),
                                None if xb is None else (xb[f"s_{measure}"], xb["m"]), a, b, seed, n_perm)
        records.append({"target": target, "measure": measure, "from_period": a, "to_period": b, "pair": pair, **numbers})
    return records


def _mean_numbers(ra: dict | None, rb: dict | None, xa, xb, a: int, b: int, seed: list[int], n_perm: int) -> dict:
    """``compare._mean_change`` from sufficient statistics (and the remarks' sums when few enough to permute)."""
    ga, gb = (int(ra["g"]) if ra else 0), (int(rb["g"]) if rb else 0)
    va, vb = (float(ra["mean"]) if ra else math.nan), (float(rb["mean"]) if rb else math.nan)
    sa = stats.cluster_se_from(float(ra["resid"]), int(ra["n"]), ga) if ra else math.nan
    sb = stats.cluster_se_from(float(rb["resid"]), int(rb["n"]), gb) if rb else math.nan
    permute = None if xa is None or xb is None else (
        lambda: stats.permutation_p_sums(xa[0], xa[1], xb[0], xb[1], n_perm=n_perm, random_state=seed))
    return compare.mean_change_row(a, ga, va, b, gb, vb, stats.difference_interval_from(va, sa, ga, vb, sb, gb),
                                   permute=permute, welch=lambda: stats.welch_p_from(va, sa, ga, vb, sb, gb))


@memo
def uncounted(s: Slice, wanted: tuple[str, ...], by: str = "remark") -> pd.DataFrame:
    inner, params = _counted(s, by, "all", ["kind", "speaker", "period", "targets"])
    hits = "".join(f", count_if(list_contains(targets, ?)) AS n{i}" for i in range(len(wanted)))
    out = _sql(s, f"SELECT kind, period{hits} FROM ({inner}) WHERE NOT {OFFICIAL} GROUP BY kind, period",
               list(wanted) + params)
    periods = [str(p) for p in known_periods(s)]
    records = []
    for i, target in enumerate(wanted):
        for kind, group in sorted(out.groupby("kind"), key=lambda kg: kg[0]):
            counts = {int(p): int(n) for p, n in zip(group["period"], group[f"n{i}"]) if n}
            if counts:
                records.append({"target": target, "kind": kind, **{p: counts.get(int(p), 0) for p in periods}})
    return pd.DataFrame(records, columns=["target", "kind", *periods])


# --- rows --------------------------------------------------------------------------------------


ROW_COLUMNS = COLUMN_NAMES
ORDER_SQL = "period, doc_id, char_start, statement_id"


def _fetch(sql: str, s: Slice, params: list) -> pd.DataFrame:
    return _conform(_sql(s, sql, params))


@memo
def statements_in_cell(s: Slice, target: str | None = None, period=None, topic: int | None = None, by: str = "report",
                       who: str = "all", measured: bool = False, limit: int = ROW_LIMIT) -> pd.DataFrame:
    """``query.statements_in_cell``: the first ``limit`` rows in table order; attrs["total"]: how many in all."""
    conds, cparams = [], []
    if target is not None:
        if measured:
            cond, p = _about(target)
        else:
            cond, p = "list_contains(targets, ?)", [target]
        conds.append(cond)
        cparams += p
    if period is not None:
        periods = [period] if isinstance(period, Integral) else list(period)
        conds.append(f"period IN ({', '.join('?' * len(periods))})")
        cparams += [int(p) for p in periods]
    if topic is not None:
        conds.append("topic = ?")
        cparams.append(int(topic))
    inner, params = _counted(s, by, who, ["statement_id", "period", "doc_id", "char_start", "topic", *LISTS])
    where = (" WHERE " + " AND ".join(conds)) if conds else ""
    keys = _sql(s, f"SELECT statement_id, {', '.join(LISTS)} FROM ({inner}){where} ORDER BY {ORDER_SQL} LIMIT ?",
                params + cparams + [int(limit)])
    out = _whole_rows(s, keys)
    out.attrs["total"] = int(_sql(s, f"SELECT count(*) AS n FROM ({inner}){where}", params + cparams)["n"].iloc[0])
    return out


def _whole_rows(s: Slice, keys: pd.DataFrame, columns: Sequence[str] = ROW_COLUMNS) -> pd.DataFrame:
    """The rows of ``keys[statement_id]``, in that order, every column, with the (remark-wide) targets of ``keys``.

    Counting picks the rows on a few small columns; only the rows shown are then read whole, so a
    drill-down never holds every text of a large table at once.
    """
    ids = [str(i) for i in keys["statement_id"]]
    # A semi-join on the ids (a hash table), not list_contains: that compares every row with every id.
    found = _sql(s, f"SELECT {', '.join(columns)} FROM {DuckStore.VIEW} WHERE statement_id IN (SELECT UNNEST(?::VARCHAR[]))", [ids])
    found = found.set_index("statement_id", drop=False).reindex(ids).reset_index(drop=True)
    for name in LISTS:
        if name in found and name in keys:
            found[name] = list(keys[name])
    return _conform(found)


@memo
def rows(s: Slice, limit: int = ROW_LIMIT) -> pd.DataFrame:
    """The first ``limit`` statements of the slice in table order; attrs["total"]: how many pass."""
    out = s.store.rows(s.filters, ROW_COLUMNS, limit=limit)
    out.attrs["total"] = count(s)
    return out


@memo
def search_rows(s: Slice, q: str, limit: int = ROW_LIMIT) -> pd.DataFrame:
    """Statements containing ``q`` (any case, the phrase's spaces normalised), first ``limit``; attrs["total"]: all hits."""
    found = s.with_filters(text=" ".join(q.split()))
    out = s.store.rows(found.filters, ROW_COLUMNS, limit=limit)
    out.attrs["total"] = count(found)
    return out


def _sample(s: Slice, columns: Sequence[str], cond: str, params: list, limit: int) -> tuple[pd.DataFrame, int]:
    """At most ``limit`` rows passing ``cond``, a sample fixed by a hash of the statement id; and how many pass."""
    inner, base_params = _base(s, ["statement_id"], extra=cond, extra_params=params)
    keys = _sql(s, f"SELECT * FROM ({inner}) ORDER BY hash(statement_id), statement_id LIMIT ?", base_params + [int(limit)])
    total = int(_sql(s, f"SELECT count(*) AS n FROM ({inner})", base_params)["n"].iloc[0])
    return _whole_rows(s, keys, list(dict.fromkeys(["statement_id", *columns]))), total


@memo
def timeline_rows(s: Slice, wanted: tuple[str, ...], with_undated: bool = False, limit: int = POINT_LIMIT) -> pd.DataFrame:
    """Statements naming a wanted target (dated unless ``with_undated``), a sample of ``limit``; attrs["total"]."""
    cond = "list_has_any(targets, ?::VARCHAR[])" + ("" if with_undated else " AND date IS NOT NULL")
    out, total = _sample(s, ["statement_id", "targets", "period", "date", "source", "speaker", "kind", "text"], cond,
                         [list(wanted)], limit)
    out.attrs["total"] = total
    return out


@memo
def undated(s: Slice, limit: int = ROW_LIMIT) -> pd.DataFrame:
    inner, params = _base(s, ["doc_id", "source", "period"], extra="date IS NULL")
    out = _sql(s, f"SELECT doc_id, source, period, count(*) AS statements FROM ({inner}) GROUP BY doc_id, source, period "
               "ORDER BY doc_id, source, period LIMIT ?", params + [int(limit)])
    out.attrs["total"] = int(_sql(s, f"SELECT count(DISTINCT doc_id) AS n FROM ({inner})", params)["n"].iloc[0])
    return out.astype({"period": "int64", "statements": "int64"})


@memo
def n_undated(s: Slice) -> int:
    return s.store.count(s.filters) - int(_sql(s, *_count_dated(s))["n"].iloc[0])


def _count_dated(s: Slice) -> tuple[str, list]:
    inner, params = _base(s, ["date"], extra="date IS NOT NULL")
    return f"SELECT count(*) AS n FROM ({inner})", params


@memo
def live_rows(s: Slice) -> pd.DataFrame:
    """The time-stamped, dated statements (live blogs): small in any corpus."""
    inner, params = _base(s, ["statement_id", "time", "date", "targets", "source", "kind", "text"],
                          extra="time IS NOT NULL AND date IS NOT NULL")
    return _conform(_sql(s, f"SELECT * FROM ({inner}) ORDER BY statement_id", params))


# --- topics ------------------------------------------------------------------------------------


@memo
def topic_shares(s: Slice, by: str = "report", who: str = "all") -> pd.DataFrame:
    inner, params = _counted(s, by, who, ["topic", "topic_label", "period", "statement_id"])
    out = _sql(s, f"SELECT topic, period, count(*) AS n, arg_min(topic_label, statement_id) AS label FROM ({inner}) "
               "GROUP BY topic, period", params)
    totals = out.groupby("period")["n"].sum()
    labels = out.sort_values("period").groupby("topic")["label"].first()  # every row of a topic carries one label
    index = pd.MultiIndex.from_product([labels.index.astype("int64"), totals.index.astype("int64")], names=["topic", "period"])
    counts = out.set_index(["topic", "period"])["n"]
    frame = counts.reindex(index, fill_value=0).rename("n_topic").reset_index()
    frame["topic_label"] = frame["topic"].map(labels)
    frame["n_statements"] = frame["period"].map(totals)
    frame["share"] = frame["n_topic"] / frame["n_statements"]
    return frame.astype({"n_topic": "int64", "n_statements": "int64"})[
        ["topic", "topic_label", "period", "n_topic", "n_statements", "share"]]


@memo
def topic_labels(s: Slice) -> dict[int, str]:
    inner, params = _base(s, ["topic", "topic_label", "statement_id"])
    out = _sql(s, f"SELECT topic, arg_min(topic_label, statement_id) AS label, count(*) AS n FROM ({inner}) GROUP BY topic "
               "ORDER BY topic", params)
    return {int(t): str(label) for t, label in zip(out["topic"], out["label"])}


@memo
def topic_sizes(s: Slice) -> dict[int, int]:
    inner, params = _base(s, ["topic"])
    out = _sql(s, f"SELECT topic, count(*) AS n FROM ({inner}) GROUP BY topic ORDER BY topic", params)
    return {int(t): int(n) for t, n in zip(out["topic"], out["n"])}


@memo
def topic_summary(s: Slice) -> pd.DataFrame:
    inner, params = _base(s, ["topic", "targets"])
    named = _sql(s, f"SELECT topic, t, count(*) AS n FROM (SELECT topic, UNNEST(targets) AS t FROM ({inner})) GROUP BY topic, t",
                 params)
    labels, sizes = topic_labels(s), topic_sizes(s)
    rows = []
    for topic in sorted(labels):
        part = named[named["topic"] == topic]
        top = sorted(zip(part["t"], part["n"]), key=lambda tn: (-tn[1], tn[0]))[:3]
        rows.append({"topic": topic, "terms": labels[topic], "statements": sizes[topic],
                     "top targets": ", ".join(f"{t} ({n})" for t, n in top)})
    return pd.DataFrame(rows, columns=["topic", "terms", "statements", "top targets"])


@memo
def topic_points(s: Slice, limit: int = POINT_LIMIT) -> pd.DataFrame:
    out, total = _sample(s, ["statement_id", "map_x", "map_y", "topic", "topic_label", "source", "date", "text"], "", [], limit)
    out.attrs["total"] = total
    return out


# --- comparisons -------------------------------------------------------------------------------


def comparison_rows(s: Slice, periods: tuple[int, ...]) -> pd.DataFrame:
    """The rows a position card is computed from: the whole slice up to ``FRAME_LIMIT`` rows, else only ``periods``.

    Not remembered (it may be large): the page caches the comparison made from it.

    Beyond, the keyness prior counts the compared periods' statements rather than the table's.
    """
    part = s if count(s) <= FRAME_LIMIT else s.with_filters(periods=tuple(periods))
    return part.store.rows(part.filters, ROW_COLUMNS, limit=count(part))


def target_rows(s: Slice, target: str, by: str, who: str, limit: int = SIMILARITY_LIMIT) -> pd.DataFrame:
    """The counted statements about ``target`` (up to ``limit``, a seeded sample beyond); attrs["total"]."""
    about, about_params = _about(target)
    inner, params = _counted(s, by, who, ["statement_id", "period", "doc_id", "char_start", *LISTS])
    sql = f"SELECT * FROM ({inner}) WHERE {about}"
    keys = _sql(s, f"{sql} ORDER BY hash(statement_id), statement_id LIMIT ?", params + about_params + [int(limit)])
    keys = keys.sort_values(["period", "doc_id", "char_start", "statement_id"], kind="stable", ignore_index=True)
    out = _whole_rows(s, keys, ["statement_id", "period", "text", "targets", "context_targets", "dup_group", "kind", "speaker",
                                "source", "date"])
    out.attrs["total"] = int(_sql(s, f"SELECT count(*) AS n FROM ({sql})", params + about_params)["n"].iloc[0])
    return out
