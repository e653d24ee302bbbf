"""Overview: what the corpus is, how salient each target is per period, and what changed (with its evidence)."""

import streamlit as st

from rhetoric_shift import charts, compare, query, ui
from rhetoric_shift.ui import cached, render, session

ctx = ui.context()
rows = ctx.rows()
counting = ctx.counting
by, who = counting["by"], counting["who"]
shown = ctx.shown_targets()

st.title("Rhetoric Shift")
st.markdown("How did Moscow's positions on **Syria, Ukraine, the US and the DPRK** shift between periods?")
ui.require(rows)

numbers = query.corpus_numbers(rows)
for column, (name, value) in zip(st.columns(len(numbers)), numbers.items()):
    column.metric(name, value)
st.caption(f"Counting {compare.WHO_LABELS[who]}, {compare.BY_LABELS[by]} (change it in the sidebar).")
render.composition(query.composition(rows, by, who))

st.subheader("Salience: how often each target is named")
salience = cached.salience(rows, shown, by, who)
event = render.chart(
    render.figure(charts.salience_heatmap, salience),
    "One cell: the share of a period's counted statements that name the target, with the count behind it "
    "(named / counted); hover for its 95% Wilson interval. Click a cell to list its statements.",
    key="overview_grid",
    select=True,
    data=salience,
)
render.cell_statements(rows, event, key="overview_cell", counting=counting, remember=True)

st.subheader("What changed, and what the evidence allows one to say")
found = cached.changes(rows, shown, compare.CHANGE_MEASURES, by, who, tuple(query.tested_periods(rows)))
if found.empty:
    st.caption("Choose at least two periods to see what changed.")
elif note := query.tested_note(rows):
    st.caption(note)
for target in [t for t in shown if t in set(found["target"])]:
    st.markdown(f"**{render.escape_markdown(target)}**\n" +
                "\n".join(f"- {render.escape_markdown(line)}" for line in query.change_sentences(found, target)))
    st.page_link("pages/compare.py", label=f"Compare {render.escape_markdown(target)} across periods", icon=":material/arrow_forward:",
                 query_params=session.link_params(target=target))
with st.expander("All tested changes as a table"):
    render.changes(found, key="overview_changes")

if who == "officials":
    st.subheader("Not counted: headlines, narration and questions naming a target")
    st.dataframe(query.uncounted(rows, shown, by), key="overview_uncounted", hide_index=True, width="content")
    st.caption("Statements per period that name the target but are not an official's words (context: headlines and "
               "narration; question: journalists). Switch them in with 'Who is counted' in the sidebar.")

# The answer first, the corpus description after it: a classroom reads the top of the page.
st.subheader("Documents")
docs = query.documents(rows)
st.dataframe(docs, key="overview_documents", hide_index=True)
st.caption("One row per document: its outlet, period, dates, words and statements of each kind."
           + render.bounded(docs, "documents"))
st.subheader("Statements by kind")
st.dataframe(query.kind_counts(rows, by), key="overview_kinds", hide_index=True, width="content")
st.caption(f"Statements of each kind per period, counting {compare.BY_LABELS[by]}.")

session.copy_link(ctx.url_path)
