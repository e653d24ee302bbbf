"""Heatmaps: target × period (salience, tone, stance, count), topic × period, and period ×
period similarity; clicking a cell lists the statements behind it."""

import streamlit as st

from rhetoric_shift import charts, compare, query, ui
from rhetoric_shift.ui import cached, render, session
from rhetoric_shift.ui.state import MEASURES

MAX_GRID = 15  # rows (actors) and columns (periods) of a grid that must stay readable

ctx = ui.context()
rows = ctx.rows()
counting = ctx.counting
by, who = counting["by"], counting["who"]
shown = ctx.shown_targets()

st.title("Heatmaps")
ui.require(rows)
render.composition(query.composition(rows, by, who))

st.subheader("Target × period")
measure = session.radio("Measure", "measure", MEASURES, horizontal=True)
if measure in ("tone", "stance"):
    frame = cached.measures(rows, shown, measure, by, who)
    fig = render.figure(charts.measure_heatmap, frame, measure)
    caption = (f"One cell: the mean {measure} of the counted statements about the target in that period (n = "
               f"remarks; hover for the 95% interval). Outlined cells marked 'no CI': under {compare.MIN_N_FOR_INTERVAL} "
               "remarks, too few for an interval whose coverage holds.")
else:
    frame = cached.salience(rows, shown, by, who)
    fig = render.figure(charts.salience_heatmap, frame) if measure == "salience" else render.figure(charts.count_heatmap, frame)
    caption = ("One cell: the share of the period's counted statements naming the target, with the count behind it."
               if measure == "salience" else "One cell: how many counted statements of the period name the target.")
event = render.chart(fig, caption + " Click a cell to list its statements.", key=f"heat_{measure}", select=True,
                     data=frame)
render.cell_statements(rows, event, key="heat_target_rows", counting=counting, remember=True,
                       cell=render.interval_point if measure in ("tone", "stance") else render.target_period)
tested = measure if measure in compare.CHANGE_MEASURES else "salience"
with st.expander(f"Tested changes of {tested} between periods"):
    render.changes(cached.changes(rows, shown, (tested,), by, who, tuple(query.tested_periods(rows))), key="heat_changes",
                   note=query.tested_note(rows))

st.subheader("Topic × period")
render.topic_grid(rows, counting, key="heat_topics")

st.subheader("Period × period: how alike the words about a target are")
target = session.selectbox("Target", "target", ctx.allowed.targets, ctx.target())
if ui.target_in(rows, target):
    periods = query.known_periods(rows)
    latest = tuple(periods[-MAX_GRID:])
    similar = cached.similarity(rows, target, by, who, latest)
    event = render.chart(render.figure(charts.similarity_heatmap, similar, target),
                         "One cell: cosine similarity of the two periods' average TF-IDF word vectors of the "
                         "counted statements about the target (1 = same vocabulary). Click a cell to list "
                         "the statements of both periods."
                         + (f" The latest {MAX_GRID} of {len(periods)} periods; choose others in the sidebar's Periods."
                            if len(periods) > MAX_GRID else ""), key="heat_similarity", select=True, data=similar)
    render.cell_statements(rows, event, key="heat_similarity_rows", counting=counting,
                           cell=lambda x, y: {"target": target, "period": (int(x), int(y)), "measured": True})
    st.subheader("Actor × period: how often each state names the target")
    by_actor = cached.actor_salience(rows, target, by, who, MAX_GRID)
    n_actors = len(query.actors(rows))
    render.chart(render.figure(charts.salience_heatmap, by_actor, row="actor"),
                 "One cell: the share of the actor's counted statements in that period that name "
                 f"{render.escape_markdown(target)}, with the count behind it; hover for its 95% Wilson interval. "
                 + (f"The {MAX_GRID} of {n_actors} actors with the most statements; choose others in the sidebar's Actors. "
                    if n_actors > MAX_GRID else "")
                 + "To compare two states on a target in one period, choose both in the sidebar's Actors, one period "
                 "on Compare, and open it.", key="heat_actors", data=by_actor)

session.copy_link(ctx.url_path)
