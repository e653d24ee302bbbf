"""Where the query layer gets its numbers: a pandas frame for a small table, DuckDB over Parquet for a large one.

A ``Store`` answers the few questions every dashboard aggregate reduces to (row counts, counts
by period × target with their denominators, mean tone or stance by period × target, counts by
period × topic and actor × period, the values a filter can take) and returns only the rows a
drill-down shows, one page at a time. ``PandasStore`` answers them from a frame in memory;
``DuckStore`` from a Parquet file or a dataset partitioned by period (what ``build.write_table``
writes) without loading it: DuckDB scans only the columns and partitions a question needs.
Both give the same answers (``tests/test_store.py``); ``open_store`` picks one by size.

Every value that comes from a user or from the data reaches DuckDB as a bound parameter; the
only words put into SQL text are column names checked against the schema.
"""

from __future__ import annotations

import tempfile
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from rhetoric_shift.schema import COLUMN_NAMES, COLUMNS

PARTITION = "period"
LARGE_ROWS = 1_000_000  # above this many rows ``open_store`` leaves the table on disk
FILTER_COLUMNS = {"periods": "period", "actors": "actor", "sources": "source", "speakers": "speaker", "kinds": "kind"}
COUNT_COLUMNS = ("period", "actor", "source", "speaker", "kind", "topic", "doc_id")
DISTINCT_COLUMNS = ("period", "actor", "source", "speaker", "kind", "topic", "targets")
MEASURES = ("tone", "stance")
ORDER = ("period", "doc_id", "char_start", "statement_id")  # one fixed order, so pages of a drill-down never overlap
_DTYPES = {c.name: c.dtype for c in COLUMNS}


@dataclass(frozen=True)
class Filters:
    """Which statements a question is about; an empty tuple (or None) means no restriction.

    ``targets`` keeps statements naming at least one of them (in their own ``targets``);
    ``text`` keeps those containing it, ignoring case (a plain substring, not a pattern).
    """

    periods: tuple[int, ...] = ()
    actors: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    topic: int | None = None
    text: str | None = None

    def without_targets(self) -> Filters:
        return replace(self, targets=())


NO_FILTER = Filters()


class Store(ABC):
    """The questions the pages ask of a statement table; subclasses answer them from one storage."""

    # --- what each storage answers --------------------------------------------------------------

    @abstractmethod
    def count(self, filters: Filters = NO_FILTER) -> int:
        """Number of statements passing ``filters``."""

    @abstractmethod
    def _counts(self, by: list[str], filters: Filters) -> pd.DataFrame:
        """``[*by, n]`` for every combination with statements, rows with a null in ``by`` left out, sorted by ``by``."""

    @abstractmethod
    def _target_counts(self, filters: Filters, measure: str | None) -> pd.DataFrame:
        """``[period, target, n]`` (plus ``mean`` and ``sd`` of ``measure`` over its non-null values, counted in ``n``) for targets named in passing rows; ``filters.targets`` limits which targets, not which rows."""

    def counts(self, by: Sequence[str], filters: Filters = NO_FILTER) -> pd.DataFrame:
        """``[*by, n]``: statements passing ``filters`` per combination of ``by`` (columns of ``COUNT_COLUMNS``), e.g. kind × period.

        Statements with a null in ``by`` (the press has no actor) are left out; sorted by ``by``.
        """
        by = list(by)
        unknown = [c for c in by if c not in COUNT_COLUMNS]
        if unknown or not by:
            raise ValueError(f"cannot count by {unknown or by}; use columns of {', '.join(COUNT_COLUMNS)}")
        out = self._counts(by, filters)
        return out.astype({c: ("int64" if _DTYPES[c] == "int64" else "string") for c in by} | {"n": "int64"})

    def period_counts(self, filters: Filters = NO_FILTER) -> pd.DataFrame:
        """``[period, n]`` for every period with a statement passing ``filters``, ascending."""
        return self.counts(["period"], filters)

    def actor_counts(self, filters: Filters = NO_FILTER) -> pd.DataFrame:
        """``[actor, period, n]`` for every (actor, period) with statements; statements without an actor (the press) are left out."""
        return self.counts(["actor", "period"], filters)

    @abstractmethod
    def topic_counts(self, filters: Filters = NO_FILTER) -> pd.DataFrame:
        """``[period, topic, topic_label, n]`` for every (period, topic) with statements, sorted by period then topic."""

    @abstractmethod
    def distinct(self, column: str, filters: Filters = NO_FILTER) -> list:
        """The distinct non-null values of ``column`` (one of ``DISTINCT_COLUMNS``; ``targets`` lists each name) among passing rows, ascending."""

    @abstractmethod
    def rows(self, filters: Filters = NO_FILTER, columns: Sequence[str] = COLUMN_NAMES, *, limit: int = 50, offset: int = 0) -> pd.DataFrame:
        """One page of the passing statements, only ``columns``, in the order of ``ORDER``."""

    # --- built on those -------------------------------------------------------------------------

    def salience(self, filters: Filters = NO_FILTER) -> pd.DataFrame:
        """``[period, target, n_target, n_statements, salience]`` on the full grid of periods × targets.

        ``n_statements`` counts every statement of the period passing the filters other than
        ``targets`` (a share's denominator stays whole); the targets are ``filters.targets`` when
        given (a target never named gets zeros), otherwise every target named.
        """
        totals = self.period_counts(filters.without_targets())
        counts = self._target_counts(filters, None)
        grid = _grid(totals, counts, filters.targets)
        grid = grid.rename(columns={"n": "n_target"})
        grid["n_statements"] = grid["period"].map(dict(zip(totals["period"], totals["n"]))).astype("int64")
        grid["salience"] = grid["n_target"] / grid["n_statements"]
        return grid[["period", "target", "n_target", "n_statements", "salience"]]

    def measure(self, measure: str, filters: Filters = NO_FILTER) -> pd.DataFrame:
        """``[period, target, n, mean, sd]``: mean ``measure`` (tone or stance) of the statements naming each target, how many it averages and their sample standard deviation.

        On the same grid as ``salience``; a cell without statements has n = 0 and a missing mean
        (and a single statement a missing sd). ``sd`` lets a caller give an interval without the rows.
        """
        if measure not in MEASURES:
            raise ValueError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
        totals = self.period_counts(filters.without_targets())
        counts = self._target_counts(filters, measure)
        return _grid(totals, counts, filters.targets, mean=True)[["period", "target", "n", "mean", "sd"]]

    def search(self, text: str, filters: Filters = NO_FILTER, columns: Sequence[str] = COLUMN_NAMES, *, limit: int = 50, most: int = 1000) -> tuple[int, pd.DataFrame]:
        """``(number of hits up to `most`, the first `limit` of them)`` for statements containing ``text`` (any case).

        A count equal to ``most`` means "at least that many": counting stops there, so a common
        word does not cost a scan of every text.
        """
        found = replace(filters, text=text)
        return self.count_upto(found, most), self.rows(found, columns, limit=limit)

    def count_upto(self, filters: Filters, most: int) -> int:
        """``min(count(filters), most)``, stopping early where the storage can."""
        return min(self.count(filters), int(most))


def _grid(totals: pd.DataFrame, counts: pd.DataFrame, wanted: Sequence[str], mean: bool = False) -> pd.DataFrame:
    """Counts per (period, target) on every period of ``totals`` × every target (``wanted``, else those counted), zeros filled."""
    targets = list(wanted) if wanted else sorted(counts["target"].unique())
    index = pd.MultiIndex.from_product([totals["period"].astype("int64"), targets], names=["period", "target"])
    out = counts.set_index(["period", "target"]).reindex(index).reset_index()
    out["n"] = out["n"].fillna(0).astype("int64")
    if mean:
        out[["mean", "sd"]] = out[["mean", "sd"]].astype("float64")
    order = {t: i for i, t in enumerate(targets)}
    return out.sort_values(["period", "target"], key=lambda s: s.map(order) if s.name == "target" else s, ignore_index=True)


def _check_columns(columns: Sequence[str]) -> list[str]:
    unknown = [c for c in columns if c not in COLUMN_NAMES]
    if unknown:
        raise ValueError(f"unknown column(s) {', '.join(map(repr, unknown))}; use columns of the statement table")
    return list(columns)


def _check_page(limit: int, offset: int) -> None:
    if int(limit) < 0 or int(offset) < 0:
        raise ValueError(f"limit and offset must be >= 0, got {limit} and {offset}")


def _conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows as the statement table types them, whichever storage they came from."""
    for name in frame.columns:
        dtype = _DTYPES[name]
        if dtype == "list":
            frame[name] = [list(v) if v is not None and not (isinstance(v, float) and np.isnan(v)) else [] for v in frame[name]]
        else:
            frame[name] = frame[name].astype(dtype)
    return frame


# --- pandas ------------------------------------------------------------------------------------


class PandasStore(Store):
    """A statement table held in memory as a DataFrame (a small table, the tests' reference)."""

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table

    def _mask(self, filters: Filters) -> np.ndarray:
        table = self.table
        mask = np.ones(len(table), dtype=bool)
        for field, column in FILTER_COLUMNS.items():
            wanted = getattr(filters, field)
            if wanted:
                mask &= table[column].isin(list(wanted)).to_numpy(dtype=bool, na_value=False)
        if filters.targets:
            chosen = set(filters.targets)
            mask &= np.fromiter((bool(chosen.intersection(v)) for v in table["targets"]), dtype=bool, count=len(table))
        if filters.topic is not None:
            mask &= (table["topic"] == filters.topic).to_numpy(dtype=bool)
        if filters.text is not None:
            mask &= table["text"].str.contains(filters.text, case=False, regex=False).to_numpy(dtype=bool, na_value=False)
        return mask

    def _passing(self, filters: Filters) -> pd.DataFrame:
        return self.table[self._mask(filters)]

    def count(self, filters: Filters = NO_FILTER) -> int:
        return int(self._mask(filters).sum())

    def _counts(self, by: list[str], filters: Filters) -> pd.DataFrame:
        return self._passing(filters).groupby(by, dropna=True).size().rename("n").reset_index()

    def _target_counts(self, filters: Filters, measure: str | None) -> pd.DataFrame:
        rows = self._passing(filters)
        named = rows[["period", "targets"] + ([measure] if measure else [])].explode("targets").dropna(subset=["targets"])
        named = named.rename(columns={"targets": "target"})
        if filters.targets:
            named = named[named["target"].isin(list(filters.targets))]
        if measure is None:
            return named.groupby(["period", "target"]).size().rename("n").reset_index()
        named = named.dropna(subset=[measure])
        return named.groupby(["period", "target"])[measure].agg(n="size", mean="mean", sd="std").reset_index()

    def topic_counts(self, filters: Filters = NO_FILTER) -> pd.DataFrame:
        rows = self._passing(filters)
        out = rows.groupby(["period", "topic"]).agg(topic_label=("topic_label", "min"), n=("topic", "size")).reset_index()
        return out.astype({"period": "int64", "topic": "int64", "n": "int64"})

    def distinct(self, column: str, filters: Filters = NO_FILTER) -> list:
        if column not in DISTINCT_COLUMNS:
            raise ValueError(f"cannot list the values of {column!r}; use one of {', '.join(DISTINCT_COLUMNS)}")
        values = self._passing(filters)[column]
        if column == "targets":
            values = values.explode()
        return sorted(v.item() if hasattr(v, "item") else v for v in values.dropna().unique())

    def rows(self, filters: Filters = NO_FILTER, columns: Sequence[str] = COLUMN_NAMES, *, limit: int = 50, offset: int = 0) -> pd.DataFrame:
        columns = _check_columns(columns)
        _check_page(limit, offset)
        page = self._passing(filters).sort_values(list(ORDER), kind="stable").iloc[offset : offset + limit]
        return _conform(page[columns].reset_index(drop=True).copy())


# --- DuckDB ------------------------------------------------------------------------------------


class DuckStore(Store):
    """A statement table left on disk: a Parquet file or a dataset partitioned by period, read through DuckDB.

    The store owns one DuckDB connection (create it once per process, e.g. behind the page's
    resource cache); each question runs on its own cursor, so concurrent script runs do not share
    one. ``memory_limit`` and ``threads`` bound what DuckDB itself uses.
    """

    VIEW = "statements"

    def __init__(self, path: Path, *, memory_limit: str = "1GB", threads: int = 2) -> None:
        import duckdb  # only large tables need it

        self.path = Path(path)
        source = str(self.path / "**" / "*.parquet") if self.path.is_dir() else str(self.path)
        # Past memory_limit DuckDB spills to disk (a large GROUP BY over millions of rows) instead of failing.
        spill = Path(tempfile.gettempdir()) / "rhetoric-shift-duckdb"
        self.connection_ = duckdb.connect(config={"memory_limit": memory_limit, "threads": threads, "temp_directory": str(spill),
                                                   "preserve_insertion_order": False})  # every query that needs an order says so
        self.connection_.read_parquet(source, hive_partitioning=True).create_view(self.VIEW)
        self._lock = threading.Lock()  # cursor() on a shared connection is not itself thread-safe
        self._derive_lock = threading.Lock()
        self.derived_: set[str] = set()
        self.key = (str(self.path), files_stamp(self.path, "*.parquet"))
        self.memo_: OrderedDict = OrderedDict()
        self.memo_size = 512

    def memo(self, key: Hashable, compute: Callable[[], object]) -> object:
        """``compute()``, remembered under ``key`` (the ``memo_size`` most recent answers): the table never changes under a store."""
        with self._lock:
            if key in self.memo_:
                self.memo_.move_to_end(key)
                return self.memo_[key]
        value = compute()
        with self._lock:
            self.memo_[key] = value
            while len(self.memo_) > self.memo_size:
                self.memo_.popitem(last=False)
        return value

    def derived_table(self, name: str, sql: str) -> str:
        """``name``, a table of the store's database holding the result of ``sql`` (over the view), made on first use.

        For what many questions share and the table never changes under (the duplicated remarks'
        groups): made once per store, under a lock so concurrent runs do not make it twice.
        """
        with self._derive_lock:
            if name not in self.derived_:
                cur = self.cursor()
                try:
                    cur.execute(f"CREATE OR REPLACE TABLE {name} AS {sql}")
                finally:
                    cur.close()
                self.derived_.add(name)
        return name

    def cursor(self):
        """A new cursor on the store's connection: one per script run (or per question)."""
        with self._lock:
            cur = self.connection_.cursor()
        cur.execute("SET enable_progress_bar = false")  # a connection-local option; the bar would write into the page's log
        return cur

    def _query(self, sql: str, params: list) -> pd.DataFrame:
        cur = self.cursor()
        try:
            return cur.execute(sql, params).df()
        finally:
            cur.close()

    def _queries(self, setup: Sequence[tuple[str, list]], queries: Sequence[tuple[str, list]]) -> list[pd.DataFrame]:
        """Run ``setup`` statements (e.g. a TEMP table several questions share), then answer ``queries``, on one cursor."""
        cur = self.cursor()
        try:
            for sql, params in setup:
                cur.execute(sql, params)
            return [cur.execute(sql, params).df() for sql, params in queries]
        finally:
            cur.close()  # its TEMP tables go with it

    @staticmethod
    def _where(filters: Filters) -> tuple[str, list]:
        """A WHERE clause with ``?`` for every value and the values in order."""
        clauses, params = [], []
        for field, column in FILTER_COLUMNS.items():
            wanted = list(getattr(filters, field))
            if wanted:
                clauses.append(f"{column} IN ({', '.join('?' * len(wanted))})")
                params += [int(v) for v in wanted] if column == "period" else [str(v) for v in wanted]
        if filters.targets:
            clauses.append("list_has_any(targets, ?::VARCHAR[])")
            params.append([str(t) for t in filters.targets])
        if filters.topic is not None:
            clauses.append("topic = ?")
            params.append(int(filters.topic))
        if filters.text is not None:
            clauses.append("text ILIKE ? ESCAPE '\\'")
            params.append("%" + _escape_like(filters.text) + "%")
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def count(self, filters: Filters = NO_FILTER) -> int:
        where, params = self._where(filters)
        return int(self._query(f"SELECT count(*) AS n FROM {self.VIEW}{where}", params)["n"].iloc[0])

    def count_upto(self, filters: Filters, most: int) -> int:
        where, params = self._where(filters)
        return int(self._query(f"SELECT count(*) AS n FROM (SELECT 1 FROM {self.VIEW}{where} LIMIT ?)", params + [int(most)])["n"].iloc[0])

    def _counts(self, by: list[str], filters: Filters) -> pd.DataFrame:
        where, params = self._where(filters)
        present = " AND ".join(f"{c} IS NOT NULL" for c in by)
        cond = (where + " AND " if where else " WHERE ") + present
        keys = ", ".join(by)
        return self._query(f"SELECT {keys}, count(*) AS n FROM {self.VIEW}{cond} GROUP BY {keys} ORDER BY {keys}", params)

    def _target_counts(self, filters: Filters, measure: str | None) -> pd.DataFrame:
        if filters.targets:
            return self._wanted_target_counts(filters, measure)
        where, params = self._where(filters)
        value = f", {measure} AS value" if measure else ""
        inner = f"SELECT period, UNNEST(targets) AS target{value} FROM {self.VIEW}{where}"
        cond = " WHERE value IS NOT NULL" if measure else ""
        agg = "count(*) AS n" + (", avg(value) AS mean, stddev_samp(value) AS sd" if measure else "")
        out = self._query(f"SELECT period, target, {agg} FROM ({inner}){cond} GROUP BY period, target", params)
        return out.astype({"period": "int64", "target": "object", "n": "int64"})

    def _wanted_target_counts(self, filters: Filters, measure: str | None) -> pd.DataFrame:
        """The same for named targets, one aggregate column per target: list_contains per row is ~5x cheaper than UNNEST."""
        where, params = self._where(filters)
        aggs, agg_params = [], []
        for i, target in enumerate(filters.targets):
            hit = "list_contains(targets, ?)" + (f" AND {measure} IS NOT NULL" if measure else "")
            aggs.append(f"count_if({hit}) AS n{i}")
            agg_params.append(str(target))
            if measure:
                value = f"CASE WHEN list_contains(targets, ?) THEN {measure} END"
                aggs.append(f"avg({value}) AS mean{i}, stddev_samp({value}) AS sd{i}")
                agg_params += [str(target), str(target)]
        wide = self._query(f"SELECT period, {', '.join(aggs)} FROM {self.VIEW}{where} GROUP BY period", agg_params + params)
        frames = []
        for i, target in enumerate(filters.targets):
            part = pd.DataFrame({"period": wide["period"].astype("int64"), "target": target, "n": wide[f"n{i}"].astype("int64")})
            if measure:
                part["mean"], part["sd"] = wide[f"mean{i}"], wide[f"sd{i}"]
            frames.append(part[part["n"] > 0])
        return pd.concat(frames, ignore_index=True)

    def topic_counts(self, filters: Filters = NO_FILTER) -> pd.DataFrame:
        where, params = self._where(filters)
        out = self._query(
            f"SELECT period, topic, min(topic_label) AS topic_label, count(*) AS n FROM {self.VIEW}{where} GROUP BY period, topic ORDER BY period, topic",
            params,
        )
        return out.astype({"period": "int64", "topic": "int64", "n": "int64"})

    def distinct(self, column: str, filters: Filters = NO_FILTER) -> list:
        if column not in DISTINCT_COLUMNS:
            raise ValueError(f"cannot list the values of {column!r}; use one of {', '.join(DISTINCT_COLUMNS)}")
        where, params = self._where(filters)
        value = "UNNEST(targets)" if column == "targets" else column
        out = self._query(f"SELECT DISTINCT v FROM (SELECT {value} AS v FROM {self.VIEW}{where}) WHERE v IS NOT NULL ORDER BY v", params)
        return [v.item() if hasattr(v, "item") else v for v in out["v"]]

    def rows(self, filters: Filters = NO_FILTER, columns: Sequence[str] = COLUMN_NAMES, *, limit: int = 50, offset: int = 0) -> pd.DataFrame:
        columns = _check_columns(columns)
        _check_page(limit, offset)
        where, params = self._where(filters)
        out = self._query(
            f"SELECT {', '.join(columns)} FROM {self.VIEW}{where} ORDER BY {', '.join(ORDER)} LIMIT ? OFFSET ?",
            params + [int(limit), int(offset)],
        )
        return _conform(out)


def _escape_like(text: str) -> str:
    """``text`` matched literally by LIKE: its wildcards and the escape character escaped."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def files_stamp(path: Path, pattern: str = "*") -> tuple[tuple[str, int, int], ...]:
    """Name, mtime (ns) and size of a file, or of every file under a folder matching ``pattern``: a key of its content that changes when a file is edited."""
    files = sorted(p for p in path.rglob(pattern) if p.is_file()) if path.is_dir() else [path]
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)


def parquet_rows(path: Path) -> int:
    """Rows of a Parquet file or dataset, from the footers only."""
    import pyarrow.parquet as pq

    path = Path(path)
    files = sorted(path.rglob("*.parquet")) if path.is_dir() else [path]
    return sum(pq.ParquetFile(f).metadata.num_rows for f in files)


def open_store(path: Path, *, large_rows: int = LARGE_ROWS) -> Store:
    """A ``DuckStore`` for a table of more than ``large_rows`` statements, else a ``PandasStore`` of the table read into memory.

    Raises ``InputError`` (via ``build.read_table``) for a file that is not a statement table.
    """
    if parquet_rows(path) > large_rows:
        return DuckStore(path)
    from rhetoric_shift.build import read_table

    return PandasStore(read_table(path))
