"""Charts: plain functions from the library's frames to plotly figures (no Streamlit here).

Every chart is built for a projector as much as a laptop: fonts of 16 px, labelled axes with
units, colour-blind-safe palettes (Okabe-Ito for categories, Viridis for amounts, RdBu centred
at zero for tone and stance). Statement text reaches a chart only through hover labels, and is
HTML-escaped first, since plotly renders a subset of HTML in labels.

Heatmaps are drawn as square scatter markers rather than ``go.Heatmap`` so that a click on a
cell can be read back as a selection (plotly heatmaps do not support selection); each marker
carries its row's key in ``customdata`` (the target, or the topic id), its column is its x.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from rhetoric_shift.compare import format_mean
from rhetoric_shift.query import topic_name
from rhetoric_shift.topics import TOO_SHORT

FONT_SIZE = 16
# Okabe-Ito, yellow last: it is the one colour that reads poorly on white.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
TARGET_COLOURS = {"Syria": "#D55E00", "Ukraine": "#0072B2", "US": "#009E73", "DPRK": "#CC79A7"}
SEQUENTIAL = "Viridis"
DIVERGING = "RdBu"
EMPTY_CELL = "#D9D9D9"
CELL_PX = 64  # height of one heatmap row, and a little more than a cell marker
GRID_WIDTH_PX = 340  # the width a grid's columns may share before their cells shrink: a 390 px phone's plot area, so
# labelled cells never overlap there (markers keep their pixel size when the page is narrower than the grid)
MIN_CELL_PX = 14
LABELLED_CELL_PX = 48  # below this, a cell has no room for its numbers: they are in its hover and the CSV

# Two lines: on one, the scale is cut off on a phone (a 390 px chart is about 300 px tall).
MEASURE_TITLES = {
    "tone": "mean tone<br>(−1 negative … +1 positive)",
    "stance": "mean stance<br>(−1 confrontation … +1 cooperation)",
}


def colour_map(labels: Sequence[str]) -> dict[str, str]:
    """An Okabe-Ito colour per label, in order; a primary target always gets its own colour.

    Other labels next to primary targets take the colours targets do not use.
    """
    has_targets = any(label in TARGET_COLOURS for label in labels)
    spare = [c for c in OKABE_ITO if not has_targets or c not in TARGET_COLOURS.values()]
    others = [label for label in labels if label not in TARGET_COLOURS]
    out = {label: spare[i % len(spare)] for i, label in enumerate(others)}
    return {label: TARGET_COLOURS.get(label) or out[label] for label in labels}


def label(value: object) -> str:
    """A label from the data (outlet, target, term, topic) as plotly may draw it: HTML-escaped.

    Plotly renders ``<a href>``, ``<span style>`` and friends in trace names, tick labels, titles
    and hover text, so every label from the data goes through here before it reaches a figure.
    """
    return html.escape(str(value))


def short_label(value: object, max_chars: int = 14) -> str:
    """A tick label short enough for a 390 px phone, escaped; the hover carries the full label."""
    text = str(value)
    return label(text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…")


def outlet_styles(outlets: Sequence[str], targets: Sequence[str] = ()) -> dict[str, tuple[str, str]]:
    """A (colour, marker symbol) per outlet, from the Okabe-Ito colours no target uses.

    A page shows targets and outlets side by side (Timeline: outlets in one chart, targets in
    the next), so outlets never take a primary target's colour, nor the colour ``colour_map``
    gives any of ``targets`` (the page's other targets); when the colours run out the symbol
    changes, and with none left outlets are grey and told apart by symbol.
    """
    taken = set(TARGET_COLOURS.values()) | set(colour_map(list(targets)).values())
    spare = [c for c in OKABE_ITO if c not in taken] or ["#777777"]
    symbols = ("circle", "diamond", "square", "triangle-up", "x")
    return {o: (spare[i % len(spare)], symbols[(i // len(spare)) % len(symbols)]) for i, o in enumerate(outlets)}


def hover_text(text: str, width: int = 60, max_chars: int = 280) -> str:
    """Statement text made safe and readable for a plotly hover label: escaped, cut, wrapped."""
    short = text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"
    return "<br>".join(html.escape(line) for line in textwrap.wrap(short, width)) or "&nbsp;"


def _layout(fig: go.Figure, *, title: str | None = None, height: int = 460) -> go.Figure:
    fig.update_layout(
        font={"size": FONT_SIZE},
        title={"text": title} if title else None,
        height=height,
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        hoverlabel={"font_size": FONT_SIZE - 2, "align": "left"},
        legend={"font": {"size": FONT_SIZE - 2}},
        plot_bgcolor="white",
    )
    axis = {"linecolor": "#888", "title_font": {"size": FONT_SIZE}, "tickfont": {"size": FONT_SIZE - 1}}
    fig.update_xaxes(showgrid=False, **axis)
    fig.update_yaxes(gridcolor="#EEE", **axis)
    return fig


def _text_colour(rgb: str) -> str:
    """Black or white, whichever reads better on a fill given as 'rgb(r, g, b)' or '#rrggbb'."""
    if rgb.startswith("#"):
        r, g, b = (int(rgb[i : i + 2], 16) for i in (1, 3, 5))
    else:
        r, g, b = (float(v) for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(","))
    luminance = (0.299 * r + 0.587 * g + 0.114 * b) / 255
    return "black" if luminance > 0.55 else "white"


def _cell_grid(
    cells: pd.DataFrame,
    *,
    x_title: str,
    y_title: str,
    value_title: str,
    diverging: bool = False,
    bounds: tuple[float | None, float | None] = (None, None),
    x_order: Sequence[str] | None = None,
    y_order: Sequence[str] | None = None,
) -> go.Figure:
    """A heatmap of square markers from ``cells[x, y, value, label, hover]`` (x, y are strings).

    An optional ``row`` column is what a selected cell's ``customdata`` carries (default: y), so
    a click can be read back without parsing a label. An optional boolean ``hollow`` column draws
    those cells as outlined squares (a mean too thin for an interval).

    Cells whose value is missing (no statements) are grey and say so, in a trace of their own;
    the colour scale is Viridis (from ``bounds`` where given, else the data's range), or RdBu
    symmetric around zero when ``diverging``.
    """
    x_order = list(x_order) if x_order is not None else list(dict.fromkeys(cells["x"]))
    y_order = list(y_order) if y_order is not None else list(dict.fromkeys(cells["y"]))
    # Labels drawn escaped; the raw key stays in customdata for a click to read back.
    cells = cells.assign(row=cells["row"] if "row" in cells else cells["y"].astype(str),
                         x=cells["x"].map(label), y=cells["y"].map(label))
    x_order, y_ticks, y_order = [label(x) for x in x_order], [short_label(y) for y in y_order], [label(y) for y in y_order]
    # Many columns (79 UN sessions) share the width: cells shrink, rows with them, numbers move to the hover.
    cell = int(min(CELL_PX, max(MIN_CELL_PX, GRID_WIDTH_PX // max(len(x_order), 1))))
    mode = "markers+text" if cell >= LABELLED_CELL_PX else "markers"
    values = cells["value"].astype(float).to_numpy()
    finite = values[np.isfinite(values)]
    if diverging:
        bound = float(np.max(np.abs(finite))) if finite.size else 1.0
        cmin, cmax, scale = -(bound or 1.0), bound or 1.0, DIVERGING
    else:
        cmin = bounds[0] if bounds[0] is not None else float(finite.min()) if finite.size else 0.0
        cmax = bounds[1] if bounds[1] is not None else float(finite.max()) if finite.size else 1.0
        cmax = cmax if cmax > cmin else cmin + 1.0
        scale = SEQUENTIAL
    has = np.isfinite(values)
    fig = go.Figure()
    if (~has).any():
        # Cells with no statements: grey squares that say so, drawn without a colour value.
        empty = cells[~has]
        fig.add_trace(
            go.Scatter(
                x=empty["x"].astype(str).tolist(),
                y=empty["y"].astype(str).tolist(),
                mode=mode,
                marker={"symbol": "square", "size": cell - 6, "color": EMPTY_CELL},
                text=["–"] * len(empty) if mode == "markers+text" else None,
                textfont={"size": FONT_SIZE - 2, "color": "black"},
                hovertext=empty["hover"].tolist(),
                hoverinfo="text",
                name="no statements",
            )
        )
    shown = cells[has]
    hollow = shown["hollow"].to_numpy(dtype=bool) if "hollow" in shown else np.zeros(len(shown), dtype=bool)
    fills = (sample_colorscale(scale, [min(max((v - cmin) / (cmax - cmin), 0.0), 1.0) for v in values[has]])
             if mode == "markers+text" else [])
    fig.add_trace(
        go.Scatter(
            x=shown["x"].astype(str).tolist(),
            y=shown["y"].astype(str).tolist(),
            mode=mode,
            marker={
                "symbol": ["square-open" if h else "square" for h in hollow] if hollow.any() else "square",
                "size": cell - 6,
                "color": values[has],
                "colorscale": scale,
                "cmin": cmin,
                "cmax": cmax,
                "showscale": True,
                # under the grid, not beside it: on a 390 px phone the grid needs the width
                "colorbar": {"title": {"text": value_title, "side": "top"}, "orientation": "h", "y": -0.02,
                             "yanchor": "top", "thickness": 14, "len": 1.0},
                "line": {"width": [5 if h else 0 for h in hollow] if hollow.any() else 0},
            },
            text=shown["label"].tolist() if mode == "markers+text" else None,
            textfont={"size": FONT_SIZE - 2,
                      "color": ["black" if h else _text_colour(f) for f, h in zip(fills, hollow)] if mode == "markers+text" else "black"},
            hovertext=shown["hover"].tolist(),
            hoverinfo="text",
            customdata=shown["row"].astype(str).tolist(),
            unselected={"marker": {"opacity": 0.3}, "textfont": {"color": "#333333"}},  # labels stay legible
            name="cells",
        )
    )
    height = 210 + cell * len(y_order)  # 80 px of it for the colour bar below
    _layout(fig, height=height)
    fig.update_xaxes(title_text=x_title, type="category", categoryorder="array", categoryarray=x_order, side="top",
                     automargin=True)
    fig.update_yaxes(
        title_text=y_title, type="category", categoryorder="array", categoryarray=y_order[::-1], showgrid=False,
        tickvals=y_order, ticktext=y_ticks, automargin=True,
    )
    fig.update_layout(showlegend=False, clickmode="event+select", dragmode=False)
    return fig


def grid_trace(fig: go.Figure) -> go.Scatter:
    """The trace of a cell grid that carries the values (cells with statements) and selections."""
    return next(t for t in fig.data if t.name == "cells")


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def salience_heatmap(frame: pd.DataFrame, row: str = "target") -> go.Figure:
    """Target × period salience from ``frame[target, period, n_target, n_statements, salience]``.

    One cell is one target in one period: the share of that period's statements naming the
    target, labelled with the count behind it ("12% · 9/75"). ``row="actor"`` draws an
    ``actor_salience`` frame instead: one actor's statements per row.
    """
    if row != "target":
        frame = frame.rename(columns={row: "target"})
    cells = pd.DataFrame(
        {
            "x": frame["period"].astype(str),
            "y": frame["target"].astype(str),
            "value": frame["salience"].astype(float),
            "label": [
                f"{_pct(s)}<br>{a}/{b}" if b else "–"
                for s, a, b in zip(frame["salience"], frame["n_target"], frame["n_statements"])
            ],
            "hover": [
                f"{html.escape(str(t))}, {p}: {a} of {b} statements ({_pct(s) if b else 'n/a'})"
                + (f", 95% CI {_pct(lo)} to {_pct(hi)}" if b and np.isfinite(lo) else "")
                for t, p, a, b, s, lo, hi in zip(
                    frame["target"], frame["period"], frame["n_target"], frame["n_statements"], frame["salience"],
                    frame["ci_low"] if "ci_low" in frame else [np.nan] * len(frame),
                    frame["ci_high"] if "ci_high" in frame else [np.nan] * len(frame),
                )
            ],
        }
    )
    return _cell_grid(cells, x_title="period (year)", y_title=row, value_title="share of statements", bounds=(0.0, None))


def count_heatmap(frame: pd.DataFrame) -> go.Figure:
    """Target × period counts of statements naming the target (from the salience frame)."""
    cells = pd.DataFrame(
        {
            "x": frame["period"].astype(str),
            "y": frame["target"].astype(str),
            "value": frame["n_target"].astype(float),
            "label": frame["n_target"].astype(int).astype(str),
            "hover": [f"{label(t)}, {p}: {a} statements" for t, p, a in zip(frame["target"], frame["period"], frame["n_target"])],
        }
    )
    return _cell_grid(cells, x_title="period (year)", y_title="target", value_title="statements", bounds=(0.0, None))


def measure_heatmap(frame: pd.DataFrame, measure: str) -> go.Figure:
    """Target × period mean tone or stance from ``frame[target, period, n, mean, ci_low, ci_high]``.

    One cell is the mean over the officials' statements about the target in that period (kind
    direct or reported, naming it or under a heading or question naming it: see
    ``compare.target_statements``), labelled with the mean and the number of remarks; the
    hover adds the 95% interval. A cell with too few remarks for an interval is an outlined
    square marked "no CI": a mean of one or two remarks must not read like the others.
    """
    has = frame["n"] > 0
    n = frame["n_remarks"] if "n_remarks" in frame else frame["n"]
    no_ci = has & frame["ci_low"].isna()
    cells = pd.DataFrame(
        {
            "x": frame["period"].astype(str),
            "y": frame["target"].astype(str),
            "value": frame["mean"].where(has).astype(float),
            "hollow": no_ci.to_numpy(dtype=bool),
            "label": [
                (f"{m:+.2f}<br>n={k}" + (" no CI" if c else "")) if h else "–"
                for m, k, h, c in zip(frame["mean"], n, has, no_ci)
            ],
            "hover": [
                f"{html.escape(str(t))}, {p}: mean {format_mean(m, (lo, hi), int(k))}" if h else f"{html.escape(str(t))}, {p}: no statements"
                for t, p, m, lo, hi, k, h in zip(
                    frame["target"], frame["period"], frame["mean"], frame["ci_low"], frame["ci_high"], n, has
                )
            ],
        }
    )
    return _cell_grid(
        cells, x_title="period (year)", y_title="target", value_title=MEASURE_TITLES[measure], diverging=True
    )


def topic_heatmap(frame: pd.DataFrame) -> go.Figure:
    """Topic × period shares from ``frame[topic, topic_label, period, n_topic, n_statements, share]``."""
    names = [topic_name(t, label) for t, label in zip(frame["topic"], frame["topic_label"])]
    cells = pd.DataFrame(
        {
            "x": frame["period"].astype(str),
            "y": names,
            "row": frame["topic"].astype(int).astype(str),
            "value": frame["share"].astype(float),
            "label": [f"{_pct(s)}<br>{a}/{b}" if b else "–" for s, a, b in zip(frame["share"], frame["n_topic"], frame["n_statements"])],
            "hover": [
                f"{html.escape(n)}<br>{p}: {a} of {b} statements" for n, p, a, b in zip(names, frame["period"], frame["n_topic"], frame["n_statements"])
            ],
        }
    )
    return _cell_grid(
        cells, x_title="period (year)", y_title="topic (id: top terms)", value_title="share of statements", bounds=(0.0, None)
    )


def similarity_heatmap(frame: pd.DataFrame, target: str) -> go.Figure:
    """Period × period similarity of the words used about ``target``, ``frame[period_a, period_b, similarity]``."""
    cells = pd.DataFrame(
        {
            "x": frame["period_b"].astype(str),
            "y": frame["period_a"].astype(str),
            "value": frame["similarity"].astype(float),
            "label": [f"{s:.2f}" if np.isfinite(s) else "–" for s in frame["similarity"].astype(float)],
            "hover": [
                f"{label(target)}: {a} vs {b}, cosine similarity {s:.2f}"
                for a, b, s in zip(frame["period_a"], frame["period_b"], frame["similarity"].astype(float))
            ],
        }
    )
    order = list(dict.fromkeys(cells["x"]))
    return _cell_grid(
        cells,
        x_title="period (year)",
        y_title="period (year)",
        value_title="cosine similarity",
        bounds=(0.0, 1.0),
        x_order=order,
        y_order=order,
    )


def _jitter(ids: pd.Series, spread: float = 0.3) -> np.ndarray:
    """A deterministic vertical offset per statement, so marks at one date do not overlap."""
    codes = pd.util.hash_array(ids.astype(str).to_numpy()) % 1000
    return (codes / 999 - 0.5) * 2 * spread


def _outlet_traces(
    points: pd.DataFrame,
    *,
    x: str,
    y: Callable[[pd.DataFrame], object],
    marker: dict,
    hover: Callable[[str, str, object], str],
    hover_col: str | None = None,
) -> go.Figure:
    """A figure with one marker trace per outlet of ``points`` (its legend entry), in Okabe-Ito.

    ``x`` names the column of the x axis; ``y`` gives an outlet's y values from its rows;
    ``hover`` builds one label from (text, source, value of ``hover_col``, default ``x``). Each marker carries its statement_id.
    """
    styles = outlet_styles(sorted(points["source"].unique()), list(dict.fromkeys(points["target"])) if "target" in points else ())
    fig = go.Figure()
    for source, group in points.groupby("source", sort=True):
        colour, symbol = styles[source]
        fig.add_trace(
            go.Scatter(
                x=group[x],
                y=y(group),
                mode="markers",
                name=label(source),
                marker={"symbol": symbol, **marker, "color": colour},
                hovertext=[hover(t, s, v) + _kind_note(k) for t, s, v, k in
                           zip(group["text"], group["source"], group[hover_col or x], group["kind"] if "kind" in group else [None] * len(group))],
                hoverinfo="text",
                customdata=group["statement_id"],
            )
        )
    return fig


def _kind_note(kind: object) -> str:
    """How a statement's words are attributed, under its hover text: a paraphrase must not read as a quote."""
    labels = {"direct": "direct speech", "reported": "reported speech (the outlet's words)",
              "question": "a journalist's question", "context": "headline or narration"}
    return f"<br>({labels.get(str(kind), html.escape(str(kind)))})" if kind is not None else ""


def period_positions(points: pd.DataFrame, spread: float = 0.35) -> pd.Series:
    """Each point's x on a period axis: the period's index, plus its statement's place within it.

    Within a period, statements are spread over ``±spread`` in date order (undated last, then by
    statement id), so one statement sits at the same x in every target row it appears in.
    """
    periods = sorted(points["period"].astype(int).unique())
    index = {p: i for i, p in enumerate(periods)}
    ids = points[["statement_id", "period", "date"]].drop_duplicates("statement_id")
    ids = ids.sort_values(["period", "date", "statement_id"], na_position="last")
    rank = ids.groupby("period").cumcount()
    size = ids.groupby("period")["statement_id"].transform("size")
    offset = ((rank + 0.5) / size - 0.5) * 2 * spread
    place = dict(zip(ids["statement_id"], ids["period"].astype(int).map(index) + offset))
    return points["statement_id"].map(place)


def _when(date: object) -> str:
    return f"{date:%d %b %Y}" if pd.notna(date) else "undated"


def timeline_chart(points: pd.DataFrame) -> go.Figure:
    """Statements per period: one marker per statement and target it names, on a period axis.

    ``points[statement_id, target, period, date, source, speaker, text]``. The x axis is the
    period (the year a text is about), not the date: a review of 2016 published in January 2017
    belongs to 2016, and an undated statement still has its period. Within a period, markers
    are in date order (undated last); rows are targets, colour and symbol the outlet; the hover
    shows the quote, outlet, period and date.
    """
    targets = list(dict.fromkeys(points["target"]))
    row = {t: i for i, t in enumerate(targets)}
    periods = sorted(points["period"].astype(int).unique())
    fig = _outlet_traces(
        points.assign(x=period_positions(points).to_numpy(),
                      when=[f"period {p}, {_when(d)}" for p, d in zip(points["period"], points["date"])]),
        x="x",
        hover_col="when",
        y=lambda group: group["target"].map(row).to_numpy() + _jitter(group["statement_id"]),
        marker={"size": 11, "opacity": 0.8, "line": {"width": 0.5, "color": "white"}},
        hover=lambda t, s, w: f"{hover_text(t)}<br><i>{label(s)}, {w}</i>",
    )
    _layout(fig, height=160 + 80 * max(len(targets), 1))  # 40 px more: the outlet legend sits below
    fig.update_xaxes(title_text="period (year the text is about)", tickvals=list(range(len(periods))),
                     ticktext=[str(p) for p in periods], range=[-0.5, len(periods) - 0.5], automargin=True)
    fig.update_yaxes(title_text="target named", tickvals=list(row.values()), ticktext=[short_label(t) for t in targets],
                     range=[-0.6, len(targets) - 0.4], automargin=True)
    fig.update_layout(legend_title_text="outlet", legend={"orientation": "h", "yanchor": "top", "y": -0.25})
    return fig


def conference_chart(points: pd.DataFrame) -> go.Figure:
    """The order topics came up in a live-blogged event: ``points[statement_id, clock, label, source, text]``.

    ``clock`` is a datetime of the printed time stamp (as printed, in GMT); one marker per
    statement, rows are the target named (or "other"), colours the live blog.
    """
    points = points.assign(label=points["label"].map(label))
    labels = list(dict.fromkeys(points["label"]))
    fig = _outlet_traces(
        points,
        x="clock",
        y=lambda group: group["label"],
        marker={"size": 13, "opacity": 0.85, "symbol": "diamond"},
        hover=lambda t, s, c: f"{c:%H:%M} GMT · {html.escape(str(s))}<br>{hover_text(t)}",
    )
    _layout(fig, height=120 + 60 * max(len(labels), 1))
    fig.update_layout(showlegend=True)  # name the live blog even when only one prints times
    fig.update_xaxes(title_text="time stamp printed by the live blog (GMT)", tickformat="%H:%M")
    fig.update_yaxes(title_text="target named", type="category", categoryorder="array", categoryarray=labels[::-1])
    # Below the chart, as on the timeline: beside it the legend takes a phone's plot width and covers the markers.
    fig.update_layout(legend_title_text="live blog", legend={"orientation": "h", "yanchor": "top", "y": -0.45})
    return fig


def interval_chart(frame: pd.DataFrame, measure: str) -> go.Figure:
    """Mean tone or stance per period with 95% intervals, one series per target.

    ``frame[target, period, n, mean, ci_low, ci_high]``; one marker is the mean over the
    officials' statements about the target in that period (``compare.target_statements``: kind
    direct or reported, naming it or under a heading or question naming it), its bar the 95%
    interval over remarks. Below ``compare.MIN_N_FOR_INTERVAL`` remarks there is no interval: the
    point is a hollow marker with its n written beside it, in a trace of its own.
    """
    fig = go.Figure()
    targets = list(dict.fromkeys(frame["target"]))
    colours = colour_map(targets)
    n_col = "n_remarks" if "n_remarks" in frame else "n"
    for target in targets:
        group = frame[(frame["target"] == target) & (frame["n"] > 0)]
        for thin, part in ((False, group[group["ci_low"].notna()]), (True, group[group["ci_low"].isna()])):
            if thin and part.empty:
                continue
            hover = [
                f"{html.escape(str(target))}, {p}: {format_mean(m, (lo, hi), int(n))}"
                for p, m, lo, hi, n in zip(part["period"], part["mean"], part["ci_low"], part["ci_high"], part[n_col])
            ]
            fig.add_trace(
                go.Scatter(
                    x=part["period"].astype(str),
                    y=part["mean"],
                    mode="markers+text" if thin else "markers",
                    name=label(target) if not thin else f"{label(target)} (no interval)",
                    legendgroup=label(target),
                    marker={"size": 13, "color": colours[target], "symbol": "circle-open" if thin else "circle",
                            "line": {"width": 2.5 if thin else 0}},
                    text=[f"n={int(n)}" for n in part[n_col]] if thin else None,
                    textposition="middle right",
                    error_y=None if thin else {
                        "type": "data",
                        "array": (part["ci_high"] - part["mean"]).to_numpy(),
                        "arrayminus": (part["mean"] - part["ci_low"]).to_numpy(),
                        "thickness": 2,
                        "width": 6,
                    },
                    customdata=[target] * len(part),
                    hovertext=hover,
                    hoverinfo="text",
                )
            )
    _layout(fig, height=480)
    periods = sorted(frame["period"].astype(int).unique())
    fig.update_xaxes(title_text="period (year)", type="category", categoryorder="array", categoryarray=[str(p) for p in periods])
    fig.update_yaxes(title_text=MEASURE_TITLES[measure], zeroline=True, zerolinecolor="#555", zerolinewidth=1.5)
    # the legend under the plot: beside it, it would take half of a phone's width
    fig.update_layout(scattermode="group", legend_title_text="target",
                      legend={"orientation": "h", "yanchor": "top", "y": -0.25})
    return fig


def terms_chart(terms: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Terms of one period as horizontal bars: ``terms[term, z]`` (keyness z-score), optionally ``significant``.

    Words that survive the correction are solid; suggestive ones (``significant`` False) are
    outlined bars in grey, in a trace of their own named so.
    """
    ordered = terms.sort_values("z")
    sig = ordered["significant"].astype(bool) if "significant" in ordered else pd.Series(True, index=ordered.index)
    fig = go.Figure()
    for flag, name, style in ((True, "distinctive (adjusted p < 0.05)", {"color": OKABE_ITO[0]}),
                              (False, "suggestive (not significant after correction)",
                               {"color": "white", "line": {"color": "#777", "width": 2}})):
        part = ordered[sig == flag]
        if part.empty:
            continue
        fig.add_trace(go.Bar(x=part["z"], y=part["term"].map(label), orientation="h", name=name, marker=style,
                             hovertemplate="%{y}: z = %{x:.2f}<extra></extra>"))
    _layout(fig, title=label(title) if title else None, height=90 + 30 * max(len(ordered), 1))
    fig.update_xaxes(title_text="keyness (z-score vs other periods)", showgrid=True, gridcolor="#EEE")
    fig.update_yaxes(title_text=None, type="category")
    return fig


def topic_map_chart(points: pd.DataFrame) -> go.Figure:
    """The topic map: one marker per statement at ``map_x, map_y``, coloured by topic.

    ``points[statement_id, map_x, map_y, topic, topic_label, source, date, text]``.
    """
    names = [topic_name(t, label) for t, label in zip(points["topic"], points["topic_label"])]
    frame = points.assign(name=names)
    order = list(dict.fromkeys(frame.sort_values("topic")["name"]))
    colours = colour_map(order)
    too_short = frame.loc[frame["topic"] == TOO_SHORT, "name"]
    colours.update({name: EMPTY_CELL for name in too_short})
    symbols = ("circle", "square", "diamond", "triangle-up", "x")
    fig = go.Figure()
    for i, name in enumerate(order):
        group = frame[frame["name"] == name]
        fig.add_trace(
            go.Scatter(
                x=group["map_x"],
                y=group["map_y"],
                mode="markers",
                name=label(name),
                marker={"size": 10, "color": colours[name], "symbol": symbols[(i // len(OKABE_ITO)) % len(symbols)], "opacity": 0.8},
                hovertext=[f"{html.escape(name)}<br>{hover_text(t)}<br><i>{html.escape(str(s))}</i>" for t, s in zip(group["text"], group["source"])],
                hoverinfo="text",
                customdata=group["statement_id"],
            )
        )
    _layout(fig, height=560)
    fig.update_xaxes(title_text="map x (no unit: nearby statements use similar words)", showticklabels=False)
    fig.update_yaxes(title_text="map y", showticklabels=False)
    fig.update_layout(legend_title_text="topic")
    return fig
