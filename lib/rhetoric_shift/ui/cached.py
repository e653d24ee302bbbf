"""The library's slower calls, cached per table and arguments for the pages.

Bootstrap intervals and comparisons take tens of milliseconds each; a page may show a dozen.
``st.cache_data`` keys each call on its arguments (the filtered table is hashed by content),
so a rerun that changes nothing recomputes nothing, and a changed filter recomputes only
what it touches. A table is keyed by its origin and row ids (``data.table_key``). The functions are thin: the logic stays in ``query`` and ``compare``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rhetoric_shift import compare, query
from rhetoric_shift.ui.data import table_key

N_BOOT = 2000  # bootstrap resamples for every 95% interval on screen
HASH = {pd.DataFrame: table_key}


@st.cache_data(show_spinner=False, max_entries=128, hash_funcs=HASH)
def salience(table: pd.DataFrame, wanted: tuple[str, ...], by: str) -> pd.DataFrame:
    return query.salience(table, wanted, by=by)


@st.cache_data(show_spinner=False, max_entries=128, hash_funcs=HASH)
def measures(table: pd.DataFrame, wanted: tuple[str, ...], measure: str, by: str) -> pd.DataFrame:
    return query.measures(table, wanted, measure, by=by, n_boot=N_BOOT)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=HASH)
def comparison(table: pd.DataFrame, target: str, chosen: tuple[int, ...], by: str) -> compare.Comparison:
    """``compare.compare_positions`` for the position cards."""
    return compare.compare_positions(table, target, list(chosen), by=by, n_boot=N_BOOT)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=HASH)
def change(table: pd.DataFrame, target: str, by: str) -> query.Change | None:
    return query.describe_change(table, target, by=by, n_boot=N_BOOT)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=HASH)
def topic_shares(table: pd.DataFrame, by: str) -> pd.DataFrame:
    return query.topic_shares(table, by=by)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=HASH)
def similarity(table: pd.DataFrame, target: str, by: str) -> pd.DataFrame:
    return query.similarity(table, target, by=by)
