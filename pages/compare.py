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
vs = ctx.state.actors if len(chosen) == 1 and 2 <= len(ctx.state.actors) <= 3 else ()
if not vs and not 2 <= len(chosen) <= 3:
    st.info("Choose two or three periods to compare; or one period, and two or three actors in the sidebar "
            "to compare the actors (e.g. RUS and USA in 2017).")
    st.stop()
ui.require(rows)
empty = query.empty_actors(rows, chosen[0], vs) if vs else query.empty_periods(rows, chosen)
if empty:  # the periods and actors come from the whole table, the filters may leave one without statements
    st.info(f"No statements of {render.escape_markdown(' or '.join(map(str, empty)))} match the filters"
            + (f" in {chosen[0]}" if vs else "") + ". Widen the filters in the sidebar or choose others.")
    st.stop()
if not ui.target_in(rows, target):
    st.stop()

if vs:
    result = cached.actor_comparison(rows, target, chosen[0], vs, by, who)
    names = query.actor_labels(vs)
    st.caption(f"Actors side by side in {chosen[0]}: each card is one actor's statements; the changes are the "
               "differences between the actors, tested like differences between periods.")
else:
    filters = (("actor", ctx.state.actors), ("outlet", ctx.state.sources))
    result = cached.comparison(rows, target, chosen, by, who, filters)
    names = {p: str(p) for p in chosen}
st.caption(f"{render.escape_markdown(target)}, counting {compare.WHO_LABELS[who]}, {compare.BY_LABELS[by]}. Tone and stance average the "
           f"statements about the target; 95% intervals over remarks, none under {compare.MIN_N_FOR_INTERVAL} remarks.")
for line in result.warnings:
    st.warning(render.escape_markdown(line), icon=":material/warning:")
for card, column in zip(result.periods, st.columns(len(result.periods))):
    with column:
        st.subheader(render.escape_markdown(names[card.period]))
        for line in render.card_numbers(card, target):
            st.markdown(line)
        if not card.distinctive:
            st.markdown(f"**Distinctive words:** {compare.NO_DISTINCTIVE}.")
        if card.terms:
            terms = query.terms_frame(card.terms)
            render.chart(charts.terms_chart(terms), "One bar: a word typical of this "
                         f"{'actor' if vs else 'period'} against the others compared (weighted log-odds z-score), used "
                         f"in at least {compare.MIN_KEYNESS_REMARKS} remarks. Solid: survives the Benjamini-Hochberg "
                         "correction; outlined: suggestive only.", key=f"terms_{card.period}", data=terms)
            st.dataframe(terms, key=f"terms_table_{card.period}", hide_index=True)
        st.markdown("**Representative quotes**")
        for q in card.quotes or []:
            render.quote(q)
        if not card.quotes:
            st.caption(f"No official's statement of this {'actor' if vs else 'period'} names the target.")
for card in result.periods:  # at full width, under the cards: a statement's text needs the room
    with st.expander(f"Statements behind {render.escape_markdown(names[card.period])}"):
        source = query.filter_table(rows, actors=[names[card.period]]) if vs else rows
        period = chosen[0] if vs else card.period
        render.statements_table(query.statements_in_cell(source, target=target, period=period, measured=True, **counting),
                                key=f"compare_rows_{card.period}", measured=True, target=target)

st.subheader("What changed, with its evidence")
render.changes(result.changes, key="compare_changes")

st.subheader("New and dropped words")
shifts = query.shifts_frame(result.shifts)
if vs:
    shifts[["from", "to"]] = shifts[["from", "to"]].map(names.get)
st.dataframe(shifts, key="compare_shifts", hide_index=True)
st.caption("Words used at least twice in one period and never in the one before it (or after it); the target's own "
           "names are left out.")
render.download_csv(shifts, f"new-dropped-words-{target}", key="compare_shifts")

cards = query.cards_frame(result.to_dict()["periods"])
if vs:
    cards.insert(0, "actor", cards.pop("period").map(names))
    cards.insert(1, "period", chosen[0])
render.download_csv(cards, f"cards-{target}", key="compare_cards", label="Download the cards' numbers (CSV)")
if not vs:  # the text and JSON cards are the command line's, which compares periods
    st.download_button("Download the cards (text)", compare.format_comparison(result), file_name=f"compare-{render._file_part(target)}.txt")
    st.download_button("Download the cards (JSON)", json.dumps(result.to_dict(), indent=2, ensure_ascii=False),
                       file_name=f"compare-{render._file_part(target)}.json", mime="application/json")
session.copy_link(ctx.url_path)
