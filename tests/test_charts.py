"""Chart functions: the figure's data equal aggregates computed independently in the test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from conftest import make_table
from rhetoric_shift import charts, query


@pytest.fixture
def table() -> pd.DataFrame:
    rows = []
    # 2014: 4 statements, 1 names Ukraine; 2017: 5 statements, 3 name Ukraine, 2 name US.
    for i, (period, targets, tone) in enumerate(
        [
            (2014, ["Ukraine"], 0.5), (2014, [], 0.0), (2014, [], 0.1), (2014, ["Syria"], -0.2),
            (2017, ["Ukraine"], -0.5), (2017, ["Ukraine", "US"], -0.3), (2017, ["Ukraine"], 0.1),
            (2017, ["US"], -0.7), (2017, [], 0.0),
        ]
    ):
        rows.append({"text": f"statement number {i} <b>bold</b>", "period": period, "targets": targets, "tone": tone,
                     "stance": tone / 2, "date": f"{period + 1}-01-15", "source": "RT" if i % 2 else "Sputnik",
                     "topic": i % 2, "topic_label": "odd" if i % 2 else "even", "map_x": float(i), "map_y": float(-i)})
    return make_table(rows)


def _cells(fig: go.Figure) -> dict[tuple[str, str], float]:
    trace = charts.grid_trace(fig)
    return {(x, y): float(v) for x, y, v in zip(trace.x, trace.y, trace.marker.color)}


def test_salience_heatmap_cells_equal_shares_counted_here(table: pd.DataFrame) -> None:
    fig = charts.salience_heatmap(query.salience(table, ["Ukraine", "US", "Syria"]))
    cells = _cells(fig)
    for target in ("Ukraine", "US", "Syria"):
        for period in (2014, 2017):
            rows = table[table["period"] == period]
            expected = sum(target in t for t in rows["targets"]) / len(rows)
            assert cells[(str(period), target)] == pytest.approx(expected)
    trace = charts.grid_trace(fig)
    labels = dict(zip(zip(trace.x, trace.y), trace.text))
    assert labels[("2017", "Ukraine")] == "60%<br>3/5"
    assert trace.marker.colorscale and trace.marker.cmin == 0.0
    assert fig.layout.font.size >= 14


def test_count_heatmap_cells_are_counts(table: pd.DataFrame) -> None:
    cells = _cells(charts.count_heatmap(query.salience(table, ["Ukraine", "US"])))
    assert cells == {("2014", "Ukraine"): 1, ("2017", "Ukraine"): 3, ("2014", "US"): 0, ("2017", "US"): 2}


def test_measure_heatmap_is_diverging_around_zero_and_greys_empty_cells(table: pd.DataFrame) -> None:
    frame = query.measures(table, ["Ukraine", "US"], "tone")
    fig = charts.measure_heatmap(frame, "tone")
    cells = _cells(fig)
    assert cells[("2017", "Ukraine")] == pytest.approx(np.mean([-0.5, -0.3, 0.1]))
    assert ("2014", "US") not in cells  # no statements: not coloured as a value
    empty = next(t for t in fig.data if t.name == "no statements")
    assert list(zip(empty.x, empty.y)) == [("2014", "US")] and list(empty.text) == ["–"]
    trace = charts.grid_trace(fig)
    assert trace.marker.cmin == -trace.marker.cmax
    assert "RdBu" in str(trace.marker.colorscale) or trace.marker.colorscale[0][1].startswith("rgb(103")


def test_interval_chart_error_bars_are_the_interval_and_thin_points_are_hollow_with_n() -> None:
    frame = pd.DataFrame({"target": ["US", "US", "US"], "period": [2014, 2016, 2017], "n": [12, 2, 0], "n_remarks": [11, 2, 0],
                          "mean": [0.1, -0.4, np.nan], "ci_low": [-0.1, np.nan, np.nan], "ci_high": [0.25, np.nan, np.nan]})
    fig = charts.interval_chart(frame, "tone")
    solid, hollow = fig.data
    assert list(solid.x) == ["2014"] and solid.marker.symbol == "circle"
    assert solid.error_y.array[0] == pytest.approx(0.15) and solid.error_y.arrayminus[0] == pytest.approx(0.2)
    assert list(solid.hovertext) == ["US, 2014: +0.10 (95% CI -0.10 to +0.25, n=11)"]
    # no marker without statements; no interval under the minimum: hollow, with its n beside it
    assert list(hollow.x) == ["2016"] and hollow.marker.symbol == "circle-open" and hollow.error_y.array is None
    assert list(hollow.text) == ["n=2"] and list(hollow.customdata) == ["US"]
    assert "no interval" in hollow.hovertext[0]
    assert "tone" in fig.layout.yaxis.title.text


def test_topic_and_similarity_heatmaps(table: pd.DataFrame) -> None:
    fig = charts.topic_heatmap(query.topic_shares(table))
    cells = _cells(fig)
    late = table[table["period"] == 2017]
    assert cells[("2017", "1: odd")] == pytest.approx((late["topic"] == 1).sum() / len(late))
    trace = charts.grid_trace(fig)
    assert dict(zip(trace.y, trace.customdata)) == {"0: even": "0", "1: odd": "1"}  # a click reads back the id
    sim = pd.DataFrame({"period_a": [2014, 2014, 2017, 2017], "period_b": [2014, 2017, 2014, 2017], "similarity": [1.0, 0.25, 0.25, 1.0]})
    fig = charts.similarity_heatmap(sim, "Ukraine")
    assert _cells(fig)[("2017", "2014")] == 0.25
    assert (charts.grid_trace(fig).marker.cmin, charts.grid_trace(fig).marker.cmax) == (0.0, 1.0)


def test_timeline_has_one_marker_per_statement_and_target(table: pd.DataFrame) -> None:
    points = query.timeline_points(table, ["Ukraine", "US"])
    fig = charts.timeline_chart(points)
    assert sum(len(t.x) for t in fig.data) == sum(len(set(t) & {"Ukraine", "US"}) for t in table["targets"])
    assert {t.name for t in fig.data} == set(points["source"])
    hover = " ".join(h for t in fig.data for h in t.hovertext)
    assert "&lt;b&gt;bold&lt;/b&gt;" in hover and "<b>bold" not in hover  # statement text is escaped


def test_conference_chart_uses_printed_times() -> None:
    rows = make_table([{"text": "On Syria.", "targets": ["Syria"], "date": "2018-01-15", "time": "07:05", "source": "Sputnik"},
                       {"text": "Other things.", "date": "2018-01-15", "time": "09:40", "source": "RT"}])
    points = query.conference_points(rows, pd.Timestamp("2018-01-15").date(), ["Syria"])
    fig = charts.conference_chart(points)
    xs = sorted(pd.Timestamp(x).strftime("%H:%M") for t in fig.data for x in t.x)
    assert xs == ["07:05", "09:40"]
    assert "GMT" in fig.layout.xaxis.title.text


def test_terms_chart_and_topic_map(table: pd.DataFrame) -> None:
    fig = charts.terms_chart(pd.DataFrame({"term": ["minsk", "kiev"], "z": [2.0, 3.0]}))
    assert list(fig.data[0].y) == ["minsk", "kiev"] and list(fig.data[0].x) == [2.0, 3.0]
    topic_map = charts.topic_map_chart(query.topic_points(table))
    assert sum(len(t.x) for t in topic_map.data) == len(table)


def test_colours_are_okabe_ito_and_targets_keep_theirs() -> None:
    colours = charts.colour_map(["US", "EU", "Syria", "NATO"])
    assert colours["US"] == charts.TARGET_COLOURS["US"] and colours["Syria"] == charts.TARGET_COLOURS["Syria"]
    assert {colours["EU"], colours["NATO"]} <= set(charts.OKABE_ITO) - set(charts.TARGET_COLOURS.values())
    assert list(charts.colour_map(["RT", "TASS"]).values()) == list(charts.OKABE_ITO[:2])


def _salience_frame(n_periods: int, targets: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame([{"target": t, "period": 1946 + p, "n_target": 1, "n_statements": 4, "salience": 0.25,
                          "ci_low": 0.05, "ci_high": 0.7} for t in targets for p in range(n_periods)])


def test_a_grid_of_many_periods_shrinks_its_cells_and_moves_numbers_to_the_hover() -> None:
    few = charts.salience_heatmap(_salience_frame(3, ("Syria", "US")))
    many = charts.salience_heatmap(_salience_frame(79, ("Syria", "US")))
    assert charts.grid_trace(few).marker.size == charts.CELL_PX - 6 and charts.grid_trace(few).mode == "markers+text"
    # 79 columns share the 900 px: cells of 900 // 79 = 11 px are raised to the 14 px floor, without numbers
    assert charts.grid_trace(many).marker.size == charts.MIN_CELL_PX - 6
    assert charts.grid_trace(many).mode == "markers" and charts.grid_trace(many).text is None
    assert all("1 of 4" in h or "25%" in h for h in charts.grid_trace(many).hovertext)


def test_grid_height_follows_its_rows() -> None:
    two = charts.salience_heatmap(_salience_frame(3, ("Syria", "US")))
    four = charts.salience_heatmap(_salience_frame(3, ("Syria", "US", "Ukraine", "DPRK")))
    assert four.layout.height - two.layout.height == 2 * charts.CELL_PX
    small = charts.salience_heatmap(_salience_frame(79, ("Syria", "US", "Ukraine", "DPRK")))
    assert small.layout.height - charts.salience_heatmap(_salience_frame(79, ("Syria", "US"))).layout.height == 2 * charts.MIN_CELL_PX
