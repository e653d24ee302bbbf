"""Heatmaps: target × period (salience, tone, stance, count), topic × period, and period ×
period similarity; clicking a cell lists the statements behind it."""

import streamlit as st

from rhetoric_shift import charts, ui
from rhetoric_shift.ui import cached, render, session
from rhetoric_shift.ui.state import MEASURES

ctx = ui.context()
rows = ctx.rows()
by = ctx.state.by
shown = ctx.shown_targets()

st.title("Heatmaps")
ui.require(rows)

st.subheader("Target × period")
measure = session.radio("Measure", "measure", MEASURES, horizontal=True)
if measure in ("tone", "stance"):
    fig = charts.measure_heatmap(cached.measures(rows, shown, measure, by), measure)
    caption = (f"One cell: the mean {measure} of the officials' statements about the target in that period "
               "(n = how many; hover for the 95% interval).")
else:
    frame = cached.salience(rows, shown, by)
    fig = charts.salience_heatmap(frame) if measure == "salience" else charts.count_heatmap(frame)
    caption = ("One cell: the share of the period's statements naming the target, with the count behind it."
               if measure == "salience" else "One cell: how many statements of the period name the target.")
event = render.chart(fig, caption + " Click a cell to list its statements.", key=f"heat_{measure}", select=True)
render.cell_statements(rows, event, key="heat_target_rows", by=by,
                       cell=render.interval_point if measure in ("tone", "stance") else render.target_period)

st.subheader("Topic × period")
render.topic_grid(rows, by, key="heat_topics")

st.subheader("Period × period: how alike the words about a target are")
target = session.selectbox("Target", "target", ctx.allowed.targets, ctx.target())
if ui.target_in(rows, target):
    event = render.chart(charts.similarity_heatmap(cached.similarity(rows, target, by), target),
                         "One cell: cosine similarity of the two periods' average TF-IDF word vectors of the "
                         "officials' statements about the target (1 = same vocabulary). Click a cell to list "
                         "the statements of both periods.", key="heat_similarity", select=True)
    render.cell_statements(rows, event, key="heat_similarity_rows", by=by,
                           cell=lambda x, y: {"target": target, "period": (int(x), int(y)), "measured": True})

session.copy_link(ctx.url_path)
