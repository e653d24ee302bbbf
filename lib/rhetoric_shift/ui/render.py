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

from rhetoric_shift import charts, compare, query, stats
from rhetoric_shift.ui import cached, session

# Every character that starts Markdown syntax in Streamlit: emphasis, code, links and images
# ([]()!), headings, lists, tables, HTML tags (<>) and entities (&), LaTeX ($), colour and
# emoji directives (:red[...], :smile:), autolinked URLs (their ':' and '.').
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:&])")


def escape_markdown(text: str) -> str:
    """``text`` with every Markdown, HTML-tag and LaTeX trigger backslash-escaped, one line.

    The one way data (outlets, targets, speakers, topic labels, URL values) reaches a place
    Streamlit renders as Markdown: headings, captions, notices, expander and button labels.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


@st.cache_resource(show_spinner=False, max_entries=64)
def _figure(name: str, frame: pd.DataFrame, args: tuple, kwargs: tuple) -> go.Figure:
    return getattr(charts, name)(frame, *args, **dict(kwargs))


def figure(make: Callable[..., go.Figure], frame: pd.DataFrame, *args: Any, **kwargs: Any) -> go.Figure:
    """``make(frame, *args, **kwargs)`` (a function of ``charts``), built once per distinct data and shared.

    Building a figure of thousands of points or cells costs seconds of plotly's validation; the
    figure is only read when drawn, so one object serves every rerun and visitor with the same data.
    """
    return _figure(make.__name__, frame, args, tuple(sorted(kwargs.items())))


def bounded(frame: pd.DataFrame, what: str = "rows") -> str:
    """" (the first 1,000 of 12,345 rows)" when a large table's answer holds only part of what passes; "" otherwise."""
    total = frame.attrs.get("total")
    if total is None or total <= len(frame):
        return ""
    return f" (the first {len(frame):,} of {total:,} {what})"


def sampled(frame: pd.DataFrame, what: str = "statements") -> str:
    """" A sample of 5,000 of 123,456 statements, fixed by their ids." when a point cloud was sampled; "" otherwise."""
    total, shown = frame.attrs.get("total"), frame.attrs.get("shown", len(frame))
    if total is None or total <= shown:
        return ""
    return f" A sample of {shown:,} of {total:,} {what}, fixed by their ids, is drawn."


def download_csv(frame: pd.DataFrame, name: str, *, key: str, label: str = "Download the numbers (CSV)") -> None:
    """A CSV download of ``frame`` (the numbers behind a chart, card or table), spreadsheet-safe."""
    st.download_button(label, data=query.to_csv(frame), file_name=f"rhetoric-shift-{_file_part(name)}.csv",
                       mime="text/csv", key=f"{key}_csv")


def _file_part(name: str) -> str:
    # A download's file name from data (a target): letters, digits, dots and dashes only.
    return re.sub(r"[^A-Za-z0-9.]+", "-", name).strip("-.")[:80] or "table"


def chart(
    fig: go.Figure, caption: str, *, key: str | None = None, select: bool = False, data: pd.DataFrame | None = None
) -> Any:
    """Draw a figure with its caption (what one mark is); return the selection when ``select``.

    ``data``: the numbers the figure draws, offered as a CSV download under the caption.
    """
    event = st.plotly_chart(
        fig,
        width="stretch",
        key=key,
        on_select="rerun" if select else "ignore",
        selection_mode="points",
        config={"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}},
    )
    st.caption(caption)
    if data is not None:
        download_csv(data, key or "chart", key=f"{key or 'chart'}_data")
    return event


def selected_cells(event: Any) -> list[tuple[str, str]]:
    """The (x, row key) of the points picked in a chart's selection event.

    The row key is the point's ``customdata``: cell grids carry their row's key there (a target,
    a topic id, a period), interval charts their target. Points without one give their y value.
    """
    points = (event or {}).get("selection", {}).get("points", [])
    return [(str(p["x"]), str(p["customdata"] if p.get("customdata") is not None else p["y"])) for p in points if "x" in p]


def topic_grid(rows: pd.DataFrame, counting: dict[str, str], *, key: str) -> None:
    """The topic × period share grid and, when a cell is clicked, the statements behind it."""
    shares = cached.topic_shares(rows, counting["by"], counting["who"])
    event = chart(
        figure(charts.topic_heatmap, shares),
        "One cell: the share of the period's counted statements in the topic, with the count behind it. "
        "Click a cell to list its statements.",
        key=key,
        select=True,
        data=shares,
    )
    cell_statements(rows, event, key=f"{key}_rows", counting=counting, cell=topic_period)


def target_period(x: str, y: str) -> dict[str, object]:
    """A target × period cell (x: period, y: target) as arguments of ``query.statements_in_cell``."""
    return {"target": y, "period": int(x)}


def topic_period(x: str, topic: str) -> dict[str, object]:
    """A topic × period cell (x: period, customdata: the topic id) as drill-down arguments."""
    return {"topic": int(topic), "period": int(x)}


def interval_point(x: str, target: str) -> dict[str, object]:
    """A point of an interval chart (x: period, customdata: target) as drill-down arguments."""
    return {"target": target, "period": int(x), "measured": True}


def cell_statements(
    rows: pd.DataFrame,
    event: Any,
    *,
    key: str,
    counting: dict[str, str],
    cell: Callable[[str, str], dict[str, object]] = target_period,
    remember: bool = False,
) -> None:
    """List the statements behind the selected cell of a cell-grid chart (nothing when none is).

    ``counting`` (``{"by": ..., "who": ...}``) must be the one the chart was counted with.
    ``remember``: the chart is a period × target grid whose selected cell is kept in the URL
    (``cell=2017:Syria``), so a shared link reopens the same statements.
    """
    cells = selected_cells(event)
    if remember:
        cells = _remembered_cell(key, cells)
    if not cells:
        return
    args = cell(*cells[0])
    picked = query.statements_in_cell(rows, **counting, **args)
    st.markdown(f"**Statements behind the cell: {escape_markdown(_cell_title(args))}**")
    statements_table(picked, key=key, measured=bool(args.get("measured")), target=args.get("target"))


def _remembered_cell(key: str, cells: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The cell to list: a click (or clearing it) is written to the URL; otherwise the URL's cell.

    A chart opened from a link has no selection of its own, so only a change of the chart's
    selection since the last run replaces the cell the URL names.
    """
    seen_key = f"{key}_seen"
    now = cells[0] if cells else None
    if now != st.session_state.get(seen_key):
        st.session_state[seen_key] = now
        try:
            session.update_in_url(cell=(int(now[0]), now[1]) if now else None)
        except ValueError:  # not a period × target cell: nothing to keep
            return cells
    kept = session.current().cell
    return [(str(kept[0]), kept[1])] if kept else []


def _cell_title(args: dict[str, object]) -> str:
    """A drill-down's arguments as words: "target Ukraine · period 2017", "topic 3 · period 2014"."""
    parts = []
    for name in ("target", "topic", "period"):
        value = args.get(name)
        if value is not None:
            parts.append(f"{name} {' and '.join(map(str, value)) if isinstance(value, tuple) else value}")
    return " · ".join(parts)


def statements_table(
    rows: pd.DataFrame, *, key: str, caption: str | None = None, download: bool = True, measured: bool = False,
    target: str | None = None,
) -> None:
    """The statements with their provenance columns, and a CSV download of exactly those rows.

    ``measured``: rows behind a mean of tone or stance, shown with those columns and the stance
    terms matched, so the mean can be checked against its rows.
    """
    shown = query.provenance_view(rows, measured=measured, target=target if measured else None)
    event = st.dataframe(
        shown,
        key=key,
        hide_index=True,
        width="stretch",
        column_config={
            "text": st.column_config.TextColumn("text", width="large"),
            "date": st.column_config.DateColumn("date", format="YYYY-MM-DD"),
        },
        on_select="rerun",
        selection_mode="single-row",
    )
    total = rows.attrs.get("total", len(shown))
    st.caption((caption or f"{total:,} statements; one row is one statement with where it comes from.")
               + bounded(rows, "statements") + " Select a row to read its whole text below.")
    full_text(shown, event)
    if download:
        download_csv(query.export_view(rows, shown), key, key=key, label="Download these rows, every column (CSV)")


def full_text(shown: pd.DataFrame, event: Any) -> None:
    """The whole text of the row selected in a statements table, as plain text (never Markdown)."""
    picked = getattr(getattr(event, "selection", None), "rows", None) or []
    if not picked or picked[0] >= len(shown):
        return
    row = shown.iloc[picked[0]]
    with st.container(border=True):
        st.caption(escape_markdown(f"{row.get('speaker') or 'unattributed'} · {row.get('source')} · "
                                   f"{row.get('statement_id')}"))
        st.text(str(row["text"]))


def quote(q: dict) -> None:
    """One representative quote as its kind allows: direct speech in quotation marks, a paraphrase
    as "RT, paraphrasing Sergey Lavrov: …" (never quoted); both lines escaped (they come from documents)."""
    words, attribution = compare.quote_line(q)
    st.markdown(escape_markdown(words))
    st.caption(escape_markdown(attribution))


def card_numbers(card: Any, target: str) -> list[str]:
    """The number lines of a position card (``compare.PeriodCard``), as Markdown of our own making."""
    name = escape_markdown(target)
    return [
        f"**Behind it** {card.n_documents} document{'s' * (card.n_documents != 1)}, {card.n_outlets} "
        f"outlet{'s' * (card.n_outlets != 1)}" + (f" ({escape_markdown(card.outlets)})" if card.outlets else ""),
        f"**Salience** {escape_markdown(compare.format_share(card.salience, card.salience_ci))} · "
        f"{card.n_target} of {card.n_statements} statements name {name}",
        f"**Tone** {escape_markdown(compare.format_mean(card.tone_mean, card.tone_ci, card.n_remarks))}",
        f"**Stance** {escape_markdown(compare.format_mean(card.stance_mean, card.stance_ci, card.n_remarks))}",
    ]


def composition(comp: pd.DataFrame) -> None:
    """What stands behind each period (documents, outlets) in one caption, and a warning when a
    period rests on one document or outlet, or the periods' outlets differ."""
    lines = query.composition_lines(comp)
    if len(lines) <= compare.MAX_TESTED_PERIODS:
        st.caption("Behind each period: " + escape_markdown("; ".join(lines)))
    else:  # 79 lines would push the page's answer off a phone's screen: one line, the rest on request
        st.caption("Behind the periods: " + escape_markdown(compare.composition_summary(comp)))
        with st.expander("Documents and outlets behind each period"):
            st.caption(escape_markdown("; ".join(lines)))
    for line in query.composition_warnings(comp):
        st.warning(escape_markdown(line), icon=":material/warning:")


def changes(frame: pd.DataFrame, *, key: str, note: str = "") -> None:
    """The tested changes as a table, with what its columns mean (and ``note``: which periods were tested)."""
    if frame.empty:
        st.caption("Choose at least two periods to test changes.")
        return
    view = query.changes_view(frame)
    st.dataframe(view, key=key, hide_index=True, width="stretch")
    st.caption(
        "One row: a change between two periods with its 95% interval and p-value (salience: Fisher exact; tone and "
        "stance: permutation of remarks, Welch's t above "
        f"{stats.MAX_PERM_CLUSTERS:,} remarks). Adjusted p: Benjamini-Hochberg across the rows of this table. 'rose' or "
        "'fell' only when the adjusted p is below 0.05; otherwise 'no evidence of change'." + (f" {note}" if note else "")
    )
    download_csv(view, key, key=key)


def notices(lines: list[str]) -> None:
    """Quiet notices, e.g. URL values that were ignored: one caption line each."""
    for line in lines:
        st.caption(f"ℹ️ {escape_markdown(line)}")
