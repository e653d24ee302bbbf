"""Timeline: when each target was named, the order topics came up at a live-blogged event,
and tone and stance per period with their intervals."""

import streamlit as st

from rhetoric_shift import charts, compare, query, ui
from rhetoric_shift.ui import cached, render, session

ctx = ui.context()
rows = ctx.rows()
shown = ctx.shown_targets()

st.title("Timeline")
ui.require(rows)

st.subheader("Statements per period")
points = query.timeline_points(rows, shown, with_undated=True)
if points.empty:
    st.info("No statements name the chosen targets.")
else:
    render.chart(render.figure(charts.timeline_chart, points), "One marker: one statement naming the target of its row, in its "
                 "period (the year the text is about, which a review published the next January keeps), in date "
                 "order within the period; colour and symbol: the outlet (a statement naming two targets appears "
                 "in both rows). Hover for the quote and its date." + render.sampled(points), key="timeline_points",
                 data=points.drop(columns="text"))
missing = query.undated(rows)
if not missing.empty:
    st.caption(f"{query.n_undated(rows):,} statements have no date: they sit at the end of their period."
               + render.bounded(missing, "documents"))
    st.dataframe(missing, key="timeline_undated", hide_index=True)

days = query.live_blog_days(rows)
if days:
    day = days[0]
    st.subheader(f"Order of topics at the event of {day:%d %B %Y}")
    event_points = query.conference_points(rows, day, shown)
    render.chart(charts.conference_chart(event_points), "One marker: one time-stamped live-blog entry, at the time "
                 "the live blog printed (GMT, as printed), in the row of the first chosen target it names.")
    first = query.first_mentions(event_points)
    render.full_text(first, st.dataframe(first, key="timeline_first", hide_index=True, on_select="rerun",
                                         selection_mode="single-row"))
    st.caption("When each target first came up, with how many entries named it and the first quote "
               "(select a row to read it whole).")

st.subheader("Tone and stance per period")
counting = ctx.counting
by, who = counting["by"], counting["who"]
render.composition(query.composition(rows, by, who))
events = {}
for measure, column in zip(("tone", "stance"), st.columns(2)):
    with column:
        frame = cached.measures(rows, shown, measure, by, who)
        events[measure] = render.chart(
            render.figure(charts.interval_chart, frame, measure), f"One marker: the mean {measure} of the counted "
            "statements about a target in a period; bars: 95% interval over remarks. Hollow markers "
            f"with n beside them: under {compare.MIN_N_FOR_INTERVAL} remarks, too few for an interval "
            "whose coverage holds. Click a marker for its statements.", key=f"timeline_{measure}",
            select=True, data=frame)
for measure, event in events.items():  # the statements at full width, not in the chart's half
    render.cell_statements(rows, event, key=f"timeline_{measure}_rows", counting=counting, cell=render.interval_point)
with st.expander("Tested changes of tone and stance between periods"):
    render.changes(cached.changes(rows, shown, compare.MEASURES, by, who, tuple(query.tested_periods(rows))),
                   key="timeline_changes", note=query.tested_note(rows))

session.copy_link(ctx.url_path)
