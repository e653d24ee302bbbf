"""Loading the statement table for the dashboard, once per change of its inputs.

The table comes from, in order of precedence: ``streamlit run dashboard.py -- --table FILE``,
the ``RHETORIC_SHIFT_TABLE`` environment variable, or a build of the bundled ``seeds/`` folder.
Builds and reads are cached with ``st.cache_data`` keyed on the inputs' modification times and
sizes, so an edited file is picked up and an unchanged one is never rebuilt. Nothing here reads
a path from the URL.

A prebuilt table of more than ``LARGE_TABLE_ROWS`` statements is never read into memory: the
pages get a ``query.Slice`` over one DuckDB store per process (``st.cache_resource``), which
answers every aggregate in SQL over the Parquet files and remembers its answers.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from rhetoric_shift import build, query
from rhetoric_shift.engine import LocalEngine
from rhetoric_shift.schema import COLUMN_NAMES, check_table
from rhetoric_shift.store import DuckStore, files_stamp, parquet_rows

TABLE_ENV = "RHETORIC_SHIFT_TABLE"
ORIGIN_ATTR = "rhetoric_shift_origin"  # in DataFrame.attrs: which files, as of when, the table came from
LARGE_TABLE_ROWS = 100_000  # above this many statements a prebuilt table stays on disk, queried through DuckDB
DUCKDB_MEMORY = "600MB"  # DuckDB's share of the server's memory (it spills beyond); the process stays under 1.5 GB


@dataclass(frozen=True)
class TableSource:
    """Where the table comes from: a prebuilt Parquet file, or a folder of documents to build."""

    path: Path
    prebuilt: bool

    def describe(self) -> str:
        return f"{self.path.name} (prebuilt table)" if self.prebuilt else f"{self.path.name}/ (built on start)"


def table_source(argv: Sequence[str], environ: Mapping[str, str], seeds_dir: Path) -> TableSource:
    """Choose the table: ``--table FILE`` in the script's arguments, else the env var, else seeds/.

    Unknown arguments are ignored, since under test the arguments are pytest's own.
    """
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--table", type=Path)
    args, _ = parser.parse_known_args(list(argv))
    if args.table is not None:
        return TableSource(args.table, prebuilt=True)
    if environ.get(TABLE_ENV):
        return TableSource(Path(environ[TABLE_ENV]), prebuilt=True)
    return TableSource(seeds_dir, prebuilt=False)


@st.cache_data(show_spinner="Reading the statement table…", max_entries=4)
def _read_prebuilt(path: str, file_stamp: tuple) -> pd.DataFrame:
    return _with_origin(build.read_table(Path(path)), file_stamp)


@st.cache_data(show_spinner="Building the statement table from the documents (first start only)…", max_entries=4)
def _build_folder(path: str, file_stamp: tuple) -> pd.DataFrame:
    # The same build as `rhetoric-shift build FOLDER`: it finds the folder's manifest itself.
    return _with_origin(build.build_table([Path(path)], engine=LocalEngine(1)).table, file_stamp)  # no workers forked inside the server


def _with_origin(table: pd.DataFrame, file_stamp: tuple) -> pd.DataFrame:
    table.attrs[ORIGIN_ATTR] = hashlib.sha1(repr(file_stamp).encode()).hexdigest()
    return table


def table_key(table: pd.DataFrame) -> str:
    """The cache key of a table handed to a cached call: its origin and which of its rows, in order.

    Pages only ever pass row subsets of the loaded table (filters keep ``attrs``), so origin
    plus statement ids identify the content without hashing every cell; any other table is
    hashed whole.
    """
    origin = table.attrs.get(ORIGIN_ATTR)
    if origin is None:
        return hashlib.sha1(pickle.dumps(table)).hexdigest()
    ids = pd.util.hash_pandas_object(table["statement_id"], index=False).to_numpy()
    return origin + ":" + hashlib.sha1(ids.tobytes()).hexdigest()


def read_source(source: TableSource) -> pd.DataFrame:
    """The table of ``source``, cached on its files' stamps. Raises what the reader raises."""
    if not source.path.exists():
        raise FileNotFoundError(f"{source.path.name} does not exist")
    reader = _read_prebuilt if source.prebuilt else _build_folder
    # The stamp is part of the cache key (the path alone is hashed as text): an edited file misses.
    return reader(str(source.path), files_stamp(source.path))


@st.cache_resource(show_spinner="Opening the statement table…", max_entries=2)
def _duck_store(path: str, file_stamp: tuple) -> DuckStore:
    # One store (one DuckDB connection) per process and table version; each query takes its own cursor.
    return DuckStore(Path(path), memory_limit=DUCKDB_MEMORY)


def is_large(source: TableSource) -> bool:
    """Whether ``source`` is a prebuilt table of more than ``LARGE_TABLE_ROWS`` statements (read from the Parquet footers)."""
    if not (source.prebuilt and source.path.exists()):
        return False
    return _rows(str(source.path), files_stamp(source.path)) > LARGE_TABLE_ROWS


@st.cache_data(show_spinner=False, max_entries=8)
def _rows(path: str, file_stamp: tuple) -> int:
    try:
        return parquet_rows(Path(path))
    except Exception:  # noqa: BLE001 - not Parquet: the ordinary reader says what is wrong with it
        return -1


def _large_problem(path: Path) -> str | None:
    """What keeps a large table from being a statement table (missing columns), from its schema alone."""
    import pyarrow.parquet as pq

    first = path if path.is_file() else next(iter(sorted(path.rglob("*.parquet"))), None)
    if first is None:
        return "no Parquet files in the folder"
    names = set(pq.read_schema(first).names) | ({"period"} if path.is_dir() else set())
    missing = [c for c in COLUMN_NAMES if c not in names]
    return f"missing columns {', '.join(missing)}" if missing else None


def load_table(source: TableSource) -> pd.DataFrame | query.Slice:
    """The statement table for the pages; on any failure, one line of error and the run stops.

    A missing or broken file is the visitor's or deployer's problem to fix, so they get the
    file and the reason, not a traceback.
    """
    name = source.path.name  # the deployer's file name; its folders stay on the server
    if is_large(source):
        try:
            problem = _large_problem(source.path)
            if problem is None:
                return query.Slice(_duck_store(str(source.path), files_stamp(source.path)))
        except Exception as exc:  # noqa: BLE001 - the UI boundary: every failure becomes one line
            problem = _reason(exc)
        st.error(f"Cannot load the statement table {name}: {_public(problem, source.path)}")
        st.stop()
    try:
        table = read_source(source)
    except Exception as exc:  # noqa: BLE001 - the UI boundary: every failure becomes one line
        hint = " (check --table or RHETORIC_SHIFT_TABLE)" if isinstance(exc, FileNotFoundError) else ""
        st.error(f"Cannot load the statement table {name}: {_public(_reason(exc), source.path)}{hint}")
        st.stop()
    problems = check_table(table)
    if problems:
        st.error(f"The statement table {name} breaks its contract: {_public(problems[0], source.path)}")
        st.stop()
    return table


def _public(line: str, path: Path) -> str:
    """``line`` with the server's folders left out: visitors see the table's file name only."""
    for long in (str(path.resolve()), str(path), str(path.resolve().parent), str(path.parent)):
        if long not in ("", "."):
            line = line.replace(long, path.name if long.endswith(path.name) else "…")
    return line


def _reason(exc: Exception) -> str:
    """The first line of an exception's message, with its type when the message is empty."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
