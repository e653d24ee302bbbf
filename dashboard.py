"""Rhetoric Shift dashboard: how a government's positions move over time.

Run with ``streamlit run dashboard.py`` (builds the table from seeds/ on first start), or
``streamlit run dashboard.py -- --table statements.parquet``, or with the environment variable
``RHETORIC_SHIFT_TABLE`` naming a prebuilt table. A visitor can build a table from their own
texts on "Your texts"; it replaces the bundled table in that visitor's session only.
"""

from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from rhetoric_shift import ui
from rhetoric_shift.ui import render, upload

ROOT = Path(__file__).resolve().parent
PAGES = [  # file in pages/, title, icon; the first is the default page
    ("overview", "Overview", ":material/dashboard:"),
    ("timeline", "Timeline", ":material/schedule:"),
    ("heatmaps", "Heatmaps", ":material/grid_on:"),
    ("compare", "Compare", ":material/compare_arrows:"),
    ("topics", "Topics", ":material/bubble_chart:"),
    ("statements", "Statements", ":material/format_quote:"),
    ("method", "Method", ":material/menu_book:"),
    ("upload", "Your texts", ":material/upload_file:"),
]


def unknown_page() -> str | None:
    """The page name the browser asked for when no page has it (Streamlit then runs the default page)."""
    ctx = get_script_run_ctx()
    wanted = ctx.pages_manager.intended_page_name if ctx is not None else None
    return wanted if wanted and wanted.strip("/") not in {name for name, _, _ in PAGES} else None


st.set_page_config(page_title="Rhetoric Shift", page_icon=":material/timeline:", layout="wide")

# The menu is placed explicitly at the top, and .streamlit/config.toml hides the sidebar menu that
# Streamlit builds from the pages/ folder: a fresh server otherwise shows that menu (file names)
# until this script's menu replaces it.
page = st.navigation(
    [st.Page(f"pages/{name}.py", title=title, icon=icon, default=(i == 0)) for i, (name, title, icon) in enumerate(PAGES)],
    position="top",
)
missing = unknown_page()
if missing:
    st.warning(f"There is no page “{render.escape_markdown(missing[:60])}”; here is the Overview. "
               "Choose a page in the menu above.")

table, source = ui.load(ROOT)
upload.banner()
# The shared filters are drawn here, in the entry file, rather than in each page: the entry
# file runs before every page, so its widgets (and the view state behind them) persist across
# page switches and apply to every page. The URL is read and written here too, once per run,
# before the page reads the state; sidebar navigation drops the query string, and this puts
# the filters back into the new page's URL.
ui.shared_filters(table, source, page.url_path)
page.run()
