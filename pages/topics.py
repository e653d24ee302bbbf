"""Topics: the topic map, each topic's terms and share per period, and one topic's statements."""

import streamlit as st

from rhetoric_shift import charts, query, ui
from rhetoric_shift.ui import render, session

ctx = ui.context()
rows = ctx.rows()
counting = ctx.counting

st.title("Topics")
ui.require(rows)

points = query.topic_points(rows)
render.chart(render.figure(charts.topic_map_chart, points),
             "One marker: one statement, placed so that statements using similar words sit close together "
             "(the axes have no unit); colour: its topic (TF-IDF cluster). Hover for the quote." + render.sampled(points),
             key="topic_map",
             data=points.drop(columns="text"))

st.subheader("Topics and their share per period")
st.dataframe(query.topic_summary(rows), key="topic_summary", hide_index=True)
st.caption("One row per topic: its most characteristic terms, its size, and the targets its statements name most.")
render.topic_grid(rows, counting, key="topic_grid")

st.subheader("Statements of one topic")
names = query.topic_names(rows)
topic = session.selectbox("Topic", "topic", list(names), ctx.state.topic if ctx.state.topic in names
                          else query.default_topic(rows), format_func=names.get)
render.statements_table(query.statements_in_cell(rows, topic=topic, **counting), key="topic_rows")

session.copy_link(ctx.url_path)
