"""Compare: position cards of one target side by side for two or three periods, and the tested changes."""

import json

import streamlit as st

from rhetoric_shift import charts, compare, query, ui
from rhetoric_shift.ui import cached, render, session

ctx = ui.context()
rows = ctx.rows(periods=False)  # the comparison picks its periods itself
counting = ctx.counting
by, who = counting["by"], counting["who"]

st.title("Compare positions")
left, right = st.columns([1, 2])
target = session.selectbox("Target", "target", ctx.allowed.targets, ctx.target(), container=left)
session.multiselect("Periods", "periods", ctx.allowed.periods, container=right, max_selections=3,
                    placeholder="All periods (choose 2 or 3)")
chosen = ctx.chosen_periods()
if not 2 <= len(chosen) <= 3:
    st.info("Choose two or three periods to compare.")
    st.stop()
ui.require(rows)
empty = query.empty_periods(rows, chosen)
if empty:  # the periods come from the whole table, the filters may leave one without statements
    st.info(f"No statements of {' or '.join(map(str, empty))} match the filters. "
            "Widen the filters in the sidebar or choose other periods.")
    st.stop()
if not ui.target_in(rows, target):
    st.stop()

filters = (("actor", ctx.state.actors), ("outlet", ctx.state.sources))
result = cached.comparison(rows, target, chosen, by, who, filters)
st.caption(f"{render.escape_markdown(target)}, counting {compare.WHO_LABELS[who]}, {compare.BY_LABELS[by]}. Tone and stance average the "
           f"statements about the target; 95% intervals over remarks, none under {compare.MIN_N_FOR_INTERVAL} remarks.")
for line in result.warnings:
    st.warning(render.escape_markdown(line), icon=":material/warning:")
for card, column in zip(result.periods, st.columns(len(result.periods))):
    with column:
        st.subheader(str(card.period))
        for line in render.card_numbers(card, target):
            st.markdown(line)
        if not card.distinctive:
            st.markdown(f"**Distinctive words:** {compare.NO_DISTINCTIVE}.")
        if card.terms:
            render.chart(charts.terms_chart(query.terms_frame(card.terms)), "One bar: a word typical of this period "
                         "against the others compared (weighted log-odds z-score), used in at least "
                         f"{compare.MIN_KEYNESS_REMARKS} remarks. Solid: survives the Benjamini-Hochberg correction; "
                         "outlined: suggestive only.", key=f"terms_{card.period}")
            st.dataframe(query.terms_frame(card.terms), key=f"terms_table_{card.period}", hide_index=True)
        st.markdown("**Representative quotes**")
        for q in card.quotes or []:
            render.quote(q)
        if not card.quotes:
            st.caption("No official's statement of this period names the target.")
        with st.expander(f"Statements behind {card.period}"):
            render.statements_table(query.statements_in_cell(rows, target=target, period=card.period, measured=True,
                                                             **counting), key=f"compare_rows_{card.period}", measured=True,
                                    target=target)

st.subheader("What changed, with its evidence")
render.changes(result.changes, key="compare_changes")

st.subheader("New and dropped words")
st.dataframe(query.shifts_frame(result.shifts), key="compare_shifts", hide_index=True)
st.caption("Words used at least twice in one period and never in the one before it (or after it); the target's own "
           "names are left out.")

st.download_button("Download the cards (text)", compare.format_comparison(result), file_name=f"compare-{target}.txt")
st.download_button("Download the cards (JSON)", json.dumps(result.to_dict(), indent=2, ensure_ascii=False),
                   file_name=f"compare-{target}.json", mime="application/json")
session.copy_link(ctx.url_path)
