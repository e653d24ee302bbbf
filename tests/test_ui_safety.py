"""Labels from the data drawn as text, URL values bounded, tables readable, every chart's numbers
downloadable, the Timeline's period axis and the heatmap cell kept in the URL.

The hostile table names an outlet ``<a href="http://x">RT</a>`` and a target
``![x](http://127.0.0.1/p.png)``: neither may become a live link or a fetched image anywhere.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from conftest import dashboard_app, make_table
from rhetoric_shift import charts, query
from rhetoric_shift.ui.state import MAX_VALUE_CHARS, Allowed, parse_query, to_query, ViewState
from test_pages import ENTRY, PAGES, charts_of, click_cell, open_page

LINK_SOURCE = '<a href="http://x">RT</a>'
IMAGE_TARGET = "![x](http://127.0.0.1/p.png)"
SPAN = '<span style="color:red">!</span>'


def hostile_table() -> pd.DataFrame:
    """Two periods; the hostile outlet and target in both, beside Ukraine; one undated 2014 statement."""
    rows = []
    for period in (2014, 2017):
        for i in range(4):
            rows.append({
                "text": f"Statement {i} of {period} about {['sanctions', 'dialogue', 'missiles', 'talks'][i]} and "
                        f"{['Kiev', 'Minsk', 'Geneva', 'Astana'][(i + period) % 4]}.", "period": period,
                "targets": [IMAGE_TARGET] if i % 2 else ["Ukraine", IMAGE_TARGET], "source": LINK_SOURCE if i < 2 else "TASS",
                "doc_id": f"d{period}{i // 2}", "date": None if (period, i) == (2014, 3) else f"{period}-0{i + 1}-10",
                "tone": 0.1 * i - 0.1, "stance": -0.1 * i, "topic": i % 2, "topic_label": f"{IMAGE_TARGET} · t{i % 2}",
                "map_x": i / 4, "map_y": period % 7 / 7,
            })
    return make_table(rows)


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "hostile.parquet"
    hostile_table().to_parquet(path)
    return dashboard_app(path, monkeypatch, timeout=90)


def live_markup(text: str) -> list[str]:
    """What Markdown or HTML would act on in ``text`` once backslash-escaped characters are removed."""
    bare = re.sub(r"\\.", "", text)
    return re.findall(r"<a\b|<span|!\[|\]\(|\$|:red\[", bare)


def markdown_values(at: AppTest) -> list[str]:
    """Every string a page hands to Streamlit's Markdown: headings, text, notices, expander and link labels."""
    values = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error",
                                   "success") for e in getattr(at, kind)]
    values += [e.label for e in at.expander]
    values += [e.proto.label for e in at.get("page_link")]
    return values


# --- charts: every label escaped ---------------------------------------------------------------


def drawn(spec: dict) -> str:
    """A figure's JSON without ``customdata`` (the raw key a click reads back; plotly never draws it),
    with "<" as itself (plotly's ``to_json`` writes it as \\u003c)."""
    traces = [{k: v for k, v in trace.items() if k != "customdata"} for trace in spec["data"]]
    return json.dumps(traces) + json.dumps(spec["layout"])


def _frames() -> dict[str, pd.DataFrame]:
    """The library's frames of the hostile table, where the image target also carries a styled span."""
    table = hostile_table()
    targets = ["Ukraine", IMAGE_TARGET]
    styled = {IMAGE_TARGET: IMAGE_TARGET + SPAN}
    topics = query.topic_shares(table)
    return {
        "table": table,
        "salience": query.salience(table, targets).replace({"target": styled}),
        "tone": query.measures(table, targets, "tone", who="all").replace({"target": styled}),
        "topics": topics.assign(topic_label=topics["topic_label"] + SPAN),
        "points": query.timeline_points(table, targets, with_undated=True),
    }


CHARTS = {
    "salience": lambda f: charts.salience_heatmap(f["salience"]),
    "count": lambda f: charts.count_heatmap(f["salience"]),
    "measure": lambda f: charts.measure_heatmap(f["tone"], "tone"),
    "interval": lambda f: charts.interval_chart(f["tone"], "tone"),
    "topic": lambda f: charts.topic_heatmap(f["topics"]),
    "similarity": lambda f: charts.similarity_heatmap(
        pd.DataFrame({"period_a": [2014, 2017], "period_b": [2017, 2014], "similarity": [0.5, 0.5]}), IMAGE_TARGET),
    "timeline": lambda f: charts.timeline_chart(f["points"]),
    "conference": lambda f: charts.conference_chart(pd.DataFrame({
        "statement_id": ["a"], "clock": [pd.Timestamp("2018-01-15 07:05")], "label": [IMAGE_TARGET],
        "source": [LINK_SOURCE], "kind": ["direct"], "text": ["x"]})),
    "terms": lambda f: charts.terms_chart(pd.DataFrame({"term": ['<span style="color:red">w</span>'], "z": [2.0]}),
                                          title=LINK_SOURCE),
    "topic_map": lambda f: charts.topic_map_chart(query.topic_points(f["table"])),
}


@pytest.mark.parametrize("name", list(CHARTS))
def test_chart_labels_from_the_data_are_escaped(name: str) -> None:
    spec = drawn(json.loads(CHARTS[name](_frames()).to_json()))
    assert "<a href" not in spec and "<span" not in spec  # plotly would draw them as a live link, styled text
    assert "&lt;a href" in spec or "&lt;span" in spec or name == "similarity"  # the label is there, as text


def test_a_clicked_cell_reads_back_the_raw_label_not_the_escaped_one() -> None:
    fig = charts.salience_heatmap(_frames()["salience"])
    trace = charts.grid_trace(fig)
    assert IMAGE_TARGET + SPAN in trace.customdata and all("<" not in y for y in trace.y)


# --- pages: every Markdown place escaped -------------------------------------------------------

PAGE_PARAMS = {
    "compare": {"target": IMAGE_TARGET, "periods": "2014,2017", "targets": f"{IMAGE_TARGET},Ukraine"},
    "heatmaps": {"target": IMAGE_TARGET, "targets": f"{IMAGE_TARGET},Ukraine", "cell": f"2017:{IMAGE_TARGET}"},
}


@pytest.mark.parametrize("page", [p for p in PAGES if p != "method"])
def test_no_page_renders_a_label_from_the_data_as_markup(hostile, page: str) -> None:
    params = PAGE_PARAMS.get(page, {"targets": f"{IMAGE_TARGET},Ukraine", "source": f"{LINK_SOURCE},TASS"})
    at = open_page(hostile(**params), page)
    shown = markdown_values(at)
    assert not [v for v in shown if live_markup(v)], [v for v in shown if live_markup(v)]
    figures = [drawn(spec) for spec in charts_of(at)]
    assert not [text for text in figures if "<a href" in text or "<span" in text]
    cells = [frame.value.to_csv() for frame in at.dataframe]
    assert any("127" in text for text in shown + figures + cells)  # the hostile label is on the page, as text


def test_a_url_value_from_the_data_is_escaped_in_its_notice(hostile) -> None:
    at = open_page(hostile(targets=f"{IMAGE_TARGET}x,<span style='x'>y</span>"), "overview")
    said = [c.value for c in at.caption if "Ignored" in c.value]
    assert said and not live_markup(" ".join(said))


def test_a_missing_table_is_named_without_the_servers_folders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import streamlit as st

    st.cache_data.clear()
    monkeypatch.setenv("RHETORIC_SHIFT_TABLE", str(tmp_path / "deep" / "nowhere.parquet"))
    at = AppTest.from_file(ENTRY, default_timeout=60).run()
    assert len(at.error) == 1 and "nowhere" in at.error[0].value and str(tmp_path) not in at.error[0].value


# --- URL values --------------------------------------------------------------------------------

ALLOWED = Allowed(periods=(2014, 2017), targets=("Syria", "Ukraine"), topics=(0, 1, 2))


def test_a_long_url_value_is_cut_and_the_notice_stays_short() -> None:
    parsed = parse_query({"targets": "Syria," + "x" * 100_000}, ALLOWED)
    assert parsed.state.targets == ("Syria",)
    assert all(len(line) < 300 for line in parsed.notices) and len(parsed.notices) == 2
    assert any(f"after {MAX_VALUE_CHARS} characters" in line for line in parsed.notices)


def test_many_unknown_values_are_listed_by_count_not_in_full() -> None:
    parsed = parse_query({"targets": ",".join(f"T{i}" for i in range(9))}, ALLOWED)
    assert parsed.notices == ["Ignored targets=T0, T1, T2, T3, T4 and 4 more: not in this table."]


def test_several_topics_keep_the_first_and_say_which_were_ignored() -> None:
    parsed = parse_query({"topic": "0,1,2"}, ALLOWED)
    assert parsed.state.topic == 0
    assert parsed.notices == ["Ignored topic=1, 2: one topic at a time; showing topic 0."]


@pytest.mark.parametrize("raw", ["2015:Syria", "2017:Mars", "Syria", "2017", ":", "2017:Syria:x"])
def test_a_cell_outside_the_table_is_ignored_with_a_notice(raw: str) -> None:
    parsed = parse_query({"cell": raw}, ALLOWED)
    assert parsed.state.cell is None and parsed.notices[0].startswith("Ignored cell=")


def test_a_cell_round_trips_through_the_url() -> None:
    state = ViewState(cell=(2017, "Syria"))
    assert to_query(state, ("cell",)) == {"cell": "2017:Syria"}
    assert parse_query({"cell": "2017:Syria"}, ALLOWED).state == state


# --- the heatmap cell in the URL ---------------------------------------------------------------


def test_a_shared_cell_link_reopens_the_drill_down_and_a_click_rewrites_it(hostile) -> None:
    at = open_page(hostile(cell="2014:Ukraine", targets=f"Ukraine,{IMAGE_TARGET}"), "heatmaps")
    behind = [m.value for m in at.markdown if "Statements behind the cell" in m.value]
    assert behind and "Ukraine" in behind[0] and "2014" in behind[0]
    click_cell(at, "heat_salience", x="2017", y=IMAGE_TARGET, customdata=IMAGE_TARGET)
    assert at.query_params["cell"] == f"2017:{IMAGE_TARGET}"
    rows = next(d.value for d in at.dataframe if "char_start" in d.value.columns)
    assert set(rows["period"]) == {2017} and len(rows) == 4  # every 2017 statement names the hostile target


# --- reading and exporting ---------------------------------------------------------------------


def test_selecting_a_statement_shows_its_whole_text(hostile) -> None:
    at = open_page(hostile(q="Statement 0"), "statements")
    at.session_state["statements_rows"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert [t.value for t in at.text] and at.text[0].value.startswith("Statement 0 of")


def test_keyword_in_context_left_column_is_right_aligned(hostile) -> None:
    at = open_page(hostile(q="about"), "statements")
    kwic = next(d for d in at.dataframe if "left" in d.value.columns)
    config = json.loads(kwic.proto.columns)
    assert config["left"]["alignment"] == "right"
    at.session_state["statements_kwic"] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()
    assert at.text[0].value == kwic.value["left"][1].lstrip("…") + "about" + kwic.value["right"][1]


@pytest.mark.parametrize(("page", "params", "least"), [
    ("overview", {}, 2), ("timeline", {}, 3), ("heatmaps", {}, 4), ("topics", {}, 3),
    ("compare", {"target": "Ukraine", "periods": "2014,2017"}, 3), ("statements", {}, 1),
])
def test_every_chart_has_a_download_of_its_numbers(hostile, page: str, params: dict, least: int) -> None:
    at = open_page(hostile(**params), page)
    labels = [b.proto.label for b in at.get("download_button")]
    assert sum("CSV" in label for label in labels) >= max(least, len(charts_of(at))), labels


def test_statement_downloads_carry_every_column() -> None:
    table = hostile_table()
    csv = pd.read_csv(io.BytesIO(query.to_csv(query.export_view(table))))
    assert set(table.columns) <= set(csv.columns)
    assert {"tone", "stance", "topic", "targets"} <= set(csv.columns)
    assert csv["targets"].iloc[0] == f"Ukraine; {IMAGE_TARGET}"


# --- the Timeline ------------------------------------------------------------------------------


def test_timeline_places_statements_in_their_period_undated_included() -> None:
    table = make_table([
        {"text": "Review of 2016.", "period": 2016, "targets": ["Syria"], "date": "2017-01-17", "doc_id": "a"},
        {"text": "Undated 2014.", "period": 2014, "targets": ["Syria"], "date": None, "doc_id": "b"},
        {"text": "Dated 2017.", "period": 2017, "targets": ["Syria"], "date": "2017-06-01", "doc_id": "c"},
    ])
    fig = charts.timeline_chart(query.timeline_points(table, ["Syria"], with_undated=True))
    assert list(fig.layout.xaxis.ticktext) == ["2014", "2016", "2017"]
    where = {h.split("<br>")[0]: x for t in fig.data for h, x in zip(t.hovertext, t.x)}
    assert round(where["Review of 2016."]) == 1 and round(where["Undated 2014."]) == 0 and round(where["Dated 2017."]) == 2
    assert "undated" in " ".join(h for t in fig.data for h in t.hovertext)


def test_outlets_never_take_a_targets_colour() -> None:
    styles = charts.outlet_styles([f"outlet {i}" for i in range(6)])
    assert not {c for c, _ in styles.values()} & set(charts.TARGET_COLOURS.values())
    assert len(set(styles.values())) == 6  # past the spare colours, the symbol tells them apart
    beside = charts.colour_map(["Syria", "Afghanistan", "EU"])  # the Timeline's interval charts colour these
    with_targets = charts.outlet_styles(["RT", "TASS"], ["Syria", "Afghanistan", "EU"])
    assert not {c for c, _ in with_targets.values()} & set(beside.values())


def test_heatmap_tick_labels_are_short_and_make_room_for_themselves() -> None:
    long_topic = pd.DataFrame({"topic": [0], "topic_label": ["a very long topic label · with many terms"], "period": [2017],
                               "n_topic": [1], "n_statements": [2], "share": [0.5]})
    fig = charts.topic_heatmap(long_topic)
    assert max(len(t) for t in fig.layout.yaxis.ticktext) <= 14 and fig.layout.yaxis.automargin
    assert np.isclose(charts.grid_trace(fig).marker.color[0], 0.5)


def test_card_numbers_flatten_to_one_row_per_period() -> None:
    cards = [{"period": 2014, "outlets": ["RT", "TASS"], "salience": 0.25, "salience_ci": [0.1, 0.5], "tone_mean": None,
              "tone_ci": [None, None], "terms": [{"term": "minsk"}], "quotes": [], "terms_note": ""}]
    frame = query.cards_frame(cards)
    assert frame.to_dict("records") == [{"period": 2014, "outlets": "RT; TASS", "salience": 0.25, "salience_low": 0.1,
                                         "salience_high": 0.5, "tone_mean": None, "tone_low": None, "tone_high": None,
                                         "terms_note": ""}]
