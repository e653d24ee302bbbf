"""Rhetoric Shift dashboard: how a government's positions move over time.

Run with ``streamlit run dashboard.py`` (builds the table from seeds/ on first start), or
``streamlit run dashboard.py -- --table statements.parquet``, or with the environment variable
``RHETORIC_SHIFT_TABLE`` naming a prebuilt table.
"""

from pathlib import Path

import streamlit as st

from rhetoric_shift import ui

ROOT = Path(__file__).resolve().parent

st.set_page_config(page_title="Rhetoric Shift", page_icon=":material/timeline:", layout="wide")

page = st.navigation(
    [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/timeline.py", title="Timeline", icon=":material/schedule:"),
        st.Page("pages/heatmaps.py", title="Heatmaps", icon=":material/grid_on:"),
        st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
        st.Page("pages/topics.py", title="Topics", icon=":material/bubble_chart:"),
        st.Page("pages/statements.py", title="Statements", icon=":material/format_quote:"),
        st.Page("pages/method.py", title="Method", icon=":material/menu_book:"),
    ]
)

table, source = ui.load(ROOT)
# The shared filters are drawn here, in the entry file, rather than in each page: the entry
# file runs before every page, so its widgets (and the view state behind them) persist across
# page switches and apply to every page. The URL is read and written here too, once per run,
# before the page reads the state; sidebar navigation drops the query string, and this puts
# the filters back into the new page's URL.
ui.shared_filters(table, source, page.url_path)
page.run()
