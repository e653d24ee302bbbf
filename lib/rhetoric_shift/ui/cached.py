"""The library's slower calls, cached per table and arguments for the pages.

Permutation tests and comparisons take tens of milliseconds each; a page may show a dozen.
``st.cache_data`` keys each call on its arguments (the filtered table is hashed by content),
so a rerun that changes nothing recomputes nothing, and a changed filter recomputes only
what it touches. A table is keyed by its origin and row ids (``data.table_key``). The functions are thin: the logic stays in ``query`` and ``compare``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rhetoric_shift import compare, query
from rhetoric_shift.ui.data import table_key

HASH = {pd.DataFrame: table_key, query.Slice: lambda s: repr(s.key())}


@st.cache_data(show_spinner=False, max_entries=128, hash_funcs=HASH)
def salience(table: pd.DataFrame, wanted: tuple[str, ...], by: str, who: str) -> pd.DataFrame:
    return query.salience(table, wanted, by=by, who=who)


@st.cache_data(show_spinner=False, max_entries=128, hash_funcs=HASH)
def measures(table: pd.DataFrame, wanted: tuple[str, ...], measure: str, by: str, who: str) -> pd.DataFrame:
    return query.measures(table, wanted, measure, by=by, who=who)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=HASH)
def comparison(table: pd.DataFrame, target: str, chosen: tuple[int, ...], by: str, who: str,
               filters: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> compare.Comparison:
    """``compare.compare_positions`` for the position cards (``filters`` only recorded in its JSON)."""
    return query.comparison(table, target, list(chosen), by=by, who=who, filters={k: list(v) for k, v in filters})


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=HASH)
def changes(table: pd.DataFrame, wanted: tuple[str, ...], measures: tuple[str, ...], by: str, who: str,
            periods: tuple[int, ...] | None = None) -> pd.DataFrame:
    """Tested changes over ``periods`` (permutation tests are the slow part: cached per filter and choice)."""
    return query.changes(table, wanted, measures, by=by, who=who, periods=periods)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=HASH)
def topic_shares(table: pd.DataFrame, by: str, who: str) -> pd.DataFrame:
    return query.topic_shares(table, by=by, who=who)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=HASH)
def similarity(table: pd.DataFrame, target: str, by: str, who: str, periods: tuple[int, ...] | None = None) -> pd.DataFrame:
    return query.similarity(table, target, by=by, who=who, periods=periods)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=HASH)
def actor_salience(table: pd.DataFrame, target: str, by: str, who: str, top: int | None = None) -> pd.DataFrame:
    return query.actor_salience(table, target, by=by, who=who, top=top)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=HASH)
def actor_comparison(table: pd.DataFrame, target: str, period: int, actors: tuple[str, ...], by: str, who: str) -> compare.Comparison:
    """``query.actor_comparison``: cards of two or three actors in one period."""
    return query.actor_comparison(table, target, period, actors, by=by, who=who)
