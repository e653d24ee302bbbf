"""The statement table: the contract between the library, the command line, the pages and the tests.

One row is one statement: who said what, when, in which outlet, as a quotation, a paraphrase,
a journalist's question or narration. ``COLUMNS`` lists every column with its pandas dtype and
meaning; ``check_table`` is the one place that enforces them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

KINDS = ("direct", "reported", "question", "context")
PRIMARY_TARGETS = ("Syria", "Ukraine", "US", "DPRK")
PRESS = "Press"  # canonical speaker of journalists' questions


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # a pandas dtype name, or "list" for a list of strings
    meaning: str
    nullable: bool = False


# In DataFrame.attrs (and the Parquet metadata): how the corpus-wide models were fitted, for the Method page.
MODELS_ATTR = "models"

COLUMNS: tuple[Column, ...] = (
    Column("statement_id", "string", "stable across rebuilds of the same input: <doc_id>:<char_start>"),
    Column("doc_id", "string", "the document's id in the manifest (the file stem)"),
    Column("source", "string", "outlet or publisher (TASS, RT, Sputnik, MFA of Russia, ...)"),
    Column("actor", "string", "the state whose position it is (ISO 3166 alpha-3): the speaker's where known, else the document's; null for the press", nullable=True),
    Column("speaker", "string", "canonical name; 'Press' for journalists; null where nobody speaks", nullable=True),
    Column("kind", "string", "direct, reported, question or context"),
    Column("text", "string", "the statement, whitespace-normalised"),
    Column("char_start", "int64", "start of the statement in the decoded source file"),
    Column("char_end", "int64", "end (exclusive) of the statement in the decoded source file"),
    Column("date", "datetime64[s]", "best-known date of the statement", nullable=True),
    Column("time", "string", "clock time HH:MM where the source prints one", nullable=True),
    Column("period", "int64", "the year under analysis"),
    Column("parent_id", "string", "statement_id of the heading or question this statement belongs to", nullable=True),
    Column("targets", "list", "targets the statement itself names"),
    Column("context_targets", "list", "targets of its heading or question, when it names none itself"),
    Column("topic", "int64", "topic cluster id (-1: too short to cluster)"),
    Column("topic_label", "string", "readable top terms of the topic"),
    Column("map_x", "float64", "horizontal position on the 2-D topic map"),
    Column("map_y", "float64", "vertical position on the 2-D topic map"),
    Column("tone", "float64", "VADER compound sentiment, -1..1"),
    Column("stance", "float64", "cooperation (+) versus confrontation (-) index, -1..1"),
    Column("target_stance", "string", 'JSON object: stance of only the sentences naming each target, e.g. {"Syria": -0.5}'),
    Column("dup_group", "string", "shared by reports of the same remark in different documents"),
    Column("n_words", "int64", "word count of text"),
)
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)


def conform_table(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` with the columns of ``COLUMNS``, in order, cast to their dtypes (lists as lists)."""
    columns: dict[str, object] = {}
    for col in COLUMNS:
        if col.dtype == "list":
            columns[col.name] = [_as_list(v) for v in table[col.name]]
        elif col.dtype.startswith("datetime64"):
            columns[col.name] = pd.to_datetime(table[col.name]).astype(col.dtype)
        else:
            columns[col.name] = table[col.name].astype(col.dtype)
    # one frame built at once: assigning the columns one by one costs more than the rows for a small batch
    return pd.DataFrame(columns, index=table.index).__finalize__(table)


def _as_list(value: object) -> list:
    """A cell of a list column as a new list; a missing value (None, NaN, NA) as an empty one."""
    # pd.isna of a list of two or more items raises and of none is empty, so neither is missing;
    # a one-item list is missing when its item is (``[None]``), and a string item never is.
    if type(value) is list and (len(value) != 1 or type(value[0]) is str):
        return list(value)
    return list(value) if value is not None and not _is_na(value) else []


def _is_na(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def empty_table() -> pd.DataFrame:
    """A statement table with every column and no rows."""
    return conform_table(pd.DataFrame({name: [] for name in COLUMN_NAMES}))


def neutral_enrichment() -> dict[str, object]:
    """Values of the enrichment columns before the analysis fills them."""
    return {
        "targets": [],
        "context_targets": [],
        "topic": -1,
        "topic_label": "",
        "map_x": 0.0,
        "map_y": 0.0,
        "tone": 0.0,
        "stance": 0.0,
        "target_stance": "{}",
        "dup_group": "",
    }


def table_from_records(records: list[dict]) -> pd.DataFrame:
    """Build a statement table from dicts that hold at least the segmentation columns.

    Missing enrichment columns get neutral values; ``dup_group`` defaults to the statement id.
    """
    if not records:
        return empty_table()
    frame = pd.DataFrame.from_records(records)
    # conform_table below gives every row a list of its own
    missing = {name: [value] * len(frame) for name, value in {**neutral_enrichment(), "parent_id": None}.items() if name not in frame}
    if missing:
        frame = pd.concat([frame, pd.DataFrame(missing, index=frame.index)], axis=1)
    frame["dup_group"] = frame["dup_group"].where(frame["dup_group"].fillna("").astype(bool), frame["statement_id"])
    return conform_table(frame)


def check_table(table: pd.DataFrame) -> list[str]:
    """Every way ``table`` breaks the contract, as one line each; an empty list when it holds.

    Checks column names and order, dtypes, nulls in non-nullable columns, the allowed kinds,
    unique statement ids, and offsets (0 <= char_start < char_end).
    """
    problems: list[str] = []
    missing = [n for n in COLUMN_NAMES if n not in table.columns]
    if missing:
        return [f"missing columns: {', '.join(missing)}"]
    for col in COLUMNS:
        series = table[col.name]
        if col.dtype == "list":
            bad = [v for v in series if not isinstance(v, (list, tuple)) and not hasattr(v, "tolist")]
            if bad:
                problems.append(f"{col.name}: expected lists of strings, found {type(bad[0]).__name__}")
        elif str(series.dtype) != col.dtype and not (
            col.dtype.startswith("datetime64") and str(series.dtype).startswith("datetime64")
        ):
            problems.append(f"{col.name}: expected dtype {col.dtype}, found {series.dtype}")
        if not col.nullable and col.dtype != "list" and series.isna().any():
            problems.append(f"{col.name}: {int(series.isna().sum())} null values")
    bad_kinds = sorted(set(table["kind"].dropna()) - set(KINDS))
    if bad_kinds:
        problems.append(f"kind: unknown values {bad_kinds}")
    if table["statement_id"].duplicated().any():
        problems.append("statement_id: duplicated ids")
    if len(table) and not ((table["char_start"] >= 0) & (table["char_start"] < table["char_end"])).all():
        problems.append("char_start/char_end: a span is empty or negative")
    return problems
