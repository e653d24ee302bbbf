"""Shared test helpers: one check of the statement-table contract, and small tables written inline."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from rhetoric_shift.schema import check_table, neutral_enrichment, table_from_records

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def assert_statement_table(table: pd.DataFrame) -> None:
    """Fail with every broken rule of the statement-table contract at once."""
    problems = check_table(table)
    assert not problems, "statement table breaks its contract:\n" + "\n".join(problems)


def assert_user_error(error: BaseException, path, problem: str) -> None:
    """The one shape of a user's mistake: a single line that starts with the file and says the problem."""
    message = str(error)
    assert message.startswith(str(path)) and problem in message and "\n" not in message, message


def make_table(rows: list[dict]) -> pd.DataFrame:
    """A valid statement table from short dicts; unspecified columns get plain defaults.

    Each row needs at least ``text``; ``period`` defaults to 2017, ``kind`` to "direct",
    ``speaker`` to "Sergey Lavrov", ``doc_id`` to "d1".
    """
    records = []
    offset = 0
    for i, row in enumerate(rows):
        text = row["text"]
        rec = {
            "doc_id": "d1",
            "source": "TASS",
            "actor": "RUS",
            "speaker": "Sergey Lavrov",
            "kind": "direct",
            "date": None,
            "time": None,
            "period": 2017,
            "parent_id": None,
        }
        rec.update({k: (list(v) if isinstance(v, list) else v) for k, v in neutral_enrichment().items()})
        rec.update(row)
        rec.setdefault("char_start", offset)
        rec.setdefault("char_end", rec["char_start"] + max(len(text), 1))
        rec.setdefault("statement_id", f"{rec['doc_id']}:{i:06d}")
        rec.setdefault("n_words", len(text.split()))
        offset = rec["char_end"] + 1
        records.append(rec)
    table = table_from_records(records)
    assert_statement_table(table)
    return table


def dashboard_app(table_path: Path, monkeypatch: pytest.MonkeyPatch, timeout: float = 60, backend: str = "pandas"):
    """A factory of fresh AppTests of the dashboard on the table at ``table_path``: ``make(**query_params)``.

    ``backend="duckdb"`` makes the dashboard treat the table as large (left on disk, every
    aggregate in DuckDB), whatever its size. Streamlit's caches outlive AppTest instances, so
    they are cleared first.
    """
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from rhetoric_shift.ui import data

    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setenv("RHETORIC_SHIFT_TABLE", str(table_path))
    if backend == "duckdb":
        monkeypatch.setattr(data, "LARGE_TABLE_ROWS", -1)
    else:
        assert backend == "pandas", backend

    def make(**params: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout)
        at.query_params.update(params)
        return at

    return make


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS
