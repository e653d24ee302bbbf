"""Overview: what the corpus is, how salient each target is per period, and what changed."""

import streamlit as st

from rhetoric_shift import charts, compare, query, ui
from rhetoric_shift.schema import PRIMARY_TARGETS
from rhetoric_shift.ui import cached, render, session

ctx = ui.context()
rows = ctx.rows()
by = ctx.state.by

st.title("Rhetoric Shift")
st.markdown("How did Moscow's positions on **Syria, Ukraine, the US and the DPRK** shift between periods?")
ui.require(rows)

numbers = query.corpus_numbers(rows)
for column, (name, value) in zip(st.columns(len(numbers)), numbers.items()):
    column.metric(name, value)

st.subheader("Salience: how often each target is named")
salience = cached.salience(rows, ctx.shown_targets(), by)
event = render.chart(
    charts.salience_heatmap(salience),
    "One cell: the share of a period's statements that name the target, with the count behind it "
    "(named / all statements). Click a cell to list its statements.",
    key="overview_grid",
    select=True,
)
render.cell_statements(rows, event, key="overview_cell", by=by)

st.subheader("What changed")
for target in [t for t in PRIMARY_TARGETS if t in ctx.allowed.targets]:
    change = cached.change(rows, target, by)
    if change is None:
        st.caption("Choose at least two periods to see what changed.")
        break
    st.markdown(f"**{target}**, {change.first} → {change.last}\n" +
                "\n".join(f"- {render.escape_markdown(sentence)}" for sentence in change.sentences))
    st.page_link("pages/compare.py", label=f"Compare {target} across periods", icon=":material/arrow_forward:",
                 query_params=session.link_params(target=target))

# The answer first, the corpus description after it: a classroom reads the top of the page.
st.subheader("Documents")
st.dataframe(query.documents(rows), key="overview_documents", hide_index=True)
st.caption("One row per document: its outlet, period, dates, words and statements of each kind.")
st.subheader("Statements by kind")
st.dataframe(query.kind_counts(rows, by), key="overview_kinds", hide_index=True, width="content")
st.caption(f"Statements of each kind per period, counting {compare.BY_LABELS[by]}.")

session.copy_link(ctx.url_path)
