"""Statements: full-text search with keyword in context, and every statement with its provenance."""

import streamlit as st

from rhetoric_shift import query, ui
from rhetoric_shift.ui import render, session
from rhetoric_shift.ui.state import MAX_QUERY_CHARS

ctx = ui.context()
rows = query.naming_any(ctx.rows(), ctx.state.targets)

st.title("Statements")
q = session.text_input("Search", "q", max_chars=MAX_QUERY_CHARS, placeholder="a word or phrase, e.g. sanctions",
                       help="Finds the phrase in any case; the sidebar filters apply too.")
found = query.search(rows, q)
if q:
    st.subheader(f"“{render.escape_markdown(q)}” in context")
    picked = st.dataframe(query.kwic_view(found), key="statements_kwic", hide_index=True, on_select="rerun",
                          selection_mode="single-row",
                          column_config={"left": st.column_config.TextColumn(width="medium", alignment="right"),
                                         "right": st.column_config.TextColumn(width="medium")})
    render.full_text(found.reset_index(drop=True), picked)
    total = found.attrs.get("total", len(found))
    times = f" ({query.n_hits(found)} times)" if total == len(found) else f"; {query.n_hits(found)} times in the {len(found):,} shown"
    st.caption(f"{total:,} statements contain the phrase{times}; "
               "one row is its first occurrence in a statement; select a row to read the whole statement.")

st.subheader("Statements with provenance")
render.statements_table(found, key="statements_rows", caption=(
    f"{found.attrs.get('total', len(found)):,} statements{render.bounded(found, 'statements')}. doc_id and char_start–char_end locate each one in its source file; "
    "source is the outlet, date the best-known date, kind how the words are attributed."))
session.copy_link(ctx.url_path)
