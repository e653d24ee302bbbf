"""Drawing helpers the pages share: charts with captions, statement tables, quotes, downloads.

Statement text is untrusted (it comes from scraped pages): it is shown in dataframe cells, with
``st.text``, or through ``escape_markdown``; never with ``unsafe_allow_html``, and never as raw
Markdown, which would render links, remote images and LaTeX written into a document.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from rhetoric_shift import charts, query
from rhetoric_shift.ui import cached

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")


def escape_markdown(text: str) -> str:
    """``text`` with every Markdown, HTML-tag and LaTeX trigger backslash-escaped, one line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def chart(fig: go.Figure, caption: str, *, key: str | None = None, select: bool = False) -> Any:
    """Draw a figure with its caption (what one mark is); return the selection when ``select``."""
    event = st.plotly_chart(
        fig,
        width="stretch",
        key=key,
        on_select="rerun" if select else "ignore",
        selection_mode="points",
        config={"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}},
    )
    st.caption(caption)
    return event


def selected_cells(event: Any) -> list[tuple[str, str]]:
    """The (x, row) of the points picked in a chart's selection event.

    The row is the point's ``customdata`` (cell grids carry their row label there, interval
    charts their target), else its y value.
    """
    points = (event or {}).get("selection", {}).get("points", [])
    return [(str(p["x"]), str(p.get("customdata") or p["y"])) for p in points if "x" in p]


def topic_grid(rows: pd.DataFrame, by: str, *, key: str) -> None:
    """The topic × period share grid and, when a cell is clicked, the statements behind it."""
    event = chart(
        charts.topic_heatmap(cached.topic_shares(rows, by)),
        "One cell: the share of the period's statements in the topic, with the count behind it. "
        "Click a cell to list its statements.",
        key=key,
        select=True,
    )
    cell_statements(rows, event, key=f"{key}_rows", by=by, cell=topic_period)


def target_period(x: str, y: str) -> dict[str, object]:
    """A target × period cell (x: period, y: target) as arguments of ``query.statements_in_cell``."""
    return {"target": y, "period": int(x)}


def topic_period(x: str, y: str) -> dict[str, object]:
    """A topic × period cell (x: period, y: "<topic id>: <terms>") as drill-down arguments."""
    return {"topic": int(y.split(":", 1)[0]), "period": int(x)}


def interval_point(x: str, target: str) -> dict[str, object]:
    """A point of an interval chart (x: period, customdata: target) as drill-down arguments."""
    return {"target": target, "period": int(x), "measured": True}


def cell_statements(
    rows: pd.DataFrame,
    event: Any,
    *,
    key: str,
    by: str = "report",
    cell: Callable[[str, str], dict[str, object]] = target_period,
) -> None:
    """List the statements behind the selected cell of a cell-grid chart (nothing when none is)."""
    cells = selected_cells(event)
    if not cells:
        return
    x, y = cells[0]
    picked = query.statements_in_cell(rows, by=by, **cell(x, y))
    st.markdown(f"**Statements behind the cell {escape_markdown(y)} · {escape_markdown(x)}**")
    statements_table(picked, key=key)


def statements_table(rows: pd.DataFrame, *, key: str, caption: str | None = None, download: bool = True) -> None:
    """The statements with their provenance columns, and a CSV download of exactly those rows."""
    shown = query.provenance_view(rows)
    st.dataframe(
        shown,
        key=key,
        hide_index=True,
        width="stretch",
        column_config={
            "text": st.column_config.TextColumn("text", width="large"),
            "date": st.column_config.DateColumn("date", format="YYYY-MM-DD"),
        },
    )
    st.caption(caption or f"{len(shown)} statements; one row is one statement with where it comes from.")
    if download:
        st.download_button(
            "Download these rows (CSV)",
            data=query.to_csv(shown),
            file_name=f"rhetoric-shift-{key}.csv",
            mime="text/csv",
            key=f"{key}_csv",
        )


def quote(text: str, attribution: str) -> None:
    """One representative quote and its source line, both escaped (they come from documents)."""
    quoted = text if str(text)[:1] in "\"“«" else f"“{text}”"
    st.markdown(escape_markdown(quoted))
    st.caption(f"— {escape_markdown(attribution)}")


def _signed(value: float | None) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:+.2f}"


def _interval(ci: tuple[float, float]) -> str:
    low, high = ci
    if math.isnan(low) or math.isnan(high):
        return "no interval (fewer than 2 statements)"
    return f"95% CI {low:+.2f} to {high:+.2f}"


def card_numbers(card: Any, target: str) -> list[str]:
    """The number lines of a position card (``compare.PeriodCard``), as Markdown of our own making."""
    share = "n/a" if math.isnan(card.salience) else f"{card.salience:.0%}"
    name = escape_markdown(target)
    return [
        f"**Salience** {share} · {card.n_target} of {card.n_statements} statements name {name}",
        f"**Tone** {_signed(card.tone_mean)} · {_interval(card.tone_ci)} · n = {card.n_measured}",
        f"**Stance** {_signed(card.stance_mean)} · {_interval(card.stance_ci)} · n = {card.n_measured}",
    ]


def notices(lines: list[str]) -> None:
    """Quiet notices, e.g. URL values that were ignored: one caption line each."""
    for line in lines:
        st.caption(f"ℹ️ {escape_markdown(line)}")
