"""What the entry file does on every run, and what it hands to the page it runs.

The entry file loads the table, reads the URL into the view state, draws the shared filters
in the sidebar and then runs the chosen page. It leaves a ``Context`` in the session for that
page: the table, the filtered rows, the state, so a page never re-derives them.
"""

from __future__ import annotations

import os
import runpy
import sys
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from rhetoric_shift import compare, query
from rhetoric_shift.schema import PRIMARY_TARGETS
from rhetoric_shift.ui import render, session, upload
from rhetoric_shift.ui.data import TableSource, load_table, table_source
from rhetoric_shift.ui.state import Allowed, ViewState, sidebar_fields

CONTEXT_KEY = "rs_context"
ENTRY_FILE = "dashboard.py"  # the entry file, beside the pages/ folder
KIND_HELP = (
    "direct: the speaker's own words; reported: an outlet's paraphrase; "
    "question: a journalist's question; context: headlines and narration."
)


@dataclass(frozen=True)
class Context:
    """What a page needs: the whole table, the current view state and where the table came from."""

    table: query.Rows  # the whole table, or for a large one a Slice of it without filters
    state: ViewState
    allowed: Allowed
    url_path: str
    source: TableSource

    def rows(self, *, periods: bool = True) -> query.Rows:
        """The statements passing the shared filters (optionally ignoring the period filter)."""
        s = self.state
        return query.filter_table(
            self.table,
            periods=s.periods if periods else (),
            speakers=s.speakers,
            kinds=s.kinds,
            sources=s.sources,
            actors=s.actors,
        )

    def shown_targets(self) -> tuple[str, ...]:
        """Targets to draw in charts: the chosen ones, else the primary targets (the study's question)."""
        return self.state.targets or PRIMARY_TARGETS

    @property
    def counting(self) -> dict[str, str]:
        """How statements are counted in this view: ``{"by": ..., "who": ...}`` for the library's calls."""
        return {"by": self.state.by, "who": self.state.who}

    def target(self) -> str | None:
        """The single target a page is about: the chosen one, else the first allowed (a primary target)."""
        return self.state.target or (self.allowed.targets[0] if self.allowed.targets else None)

    def chosen_periods(self) -> tuple[int, ...]:
        """The periods in view: the chosen ones, else all."""
        return self.state.periods or self.allowed.periods


def allowed_values(table: query.Rows) -> Allowed:
    """Everything a URL or a widget may name, read from the table."""
    return Allowed(
        periods=tuple(query.known_periods(table)),
        targets=tuple(query.known_targets(table)),
        speakers=query.speakers(table),
        kinds=query.kinds(table),
        sources=query.sources(table),
        topics=query.topics(table),
        actors=query.actors(table),
    )


def load(app_root: Path) -> tuple[query.Rows, TableSource]:
    """The table named by ``--table``, ``RHETORIC_SHIFT_TABLE`` or built from ``seeds/`` (stops on failure).

    A table the visitor built from an upload replaces it, for that visitor's session only.
    """
    uploaded = upload.session_table()
    if uploaded is not None:
        return uploaded
    source = table_source(sys.argv[1:], os.environ, app_root / "seeds")
    return load_table(source), source


def shared_filters(table: query.Rows, source: TableSource, url_path: str) -> None:
    """Sync the URL, draw the sidebar filters, and leave the page its ``Context``."""
    allowed = allowed_values(table)
    notices = session.sync_url(allowed, url_path)
    fields = sidebar_fields(url_path)
    bar = st.sidebar
    bar.header("Filters")
    if "periods" in fields:
        session.multiselect("Periods", "periods", allowed.periods, container=bar, placeholder="All periods")
    else:
        bar.caption("Periods are chosen on this page.")
    session.multiselect(
        "Targets", "targets", allowed.targets, container=bar, placeholder="The primary targets",
        help="Targets drawn in charts and, on Statements, statements naming any of them.",
    )
    session.multiselect(
        "Actors", "actors", allowed.actors, container=bar, placeholder="All actors",
        help="Whose position a statement is (a country code, e.g. RUS, USA). Choose one to compare periods "
        "within it, or compare actors with the Outlets and Periods filters.",
    )
    session.multiselect("Speakers", "speakers", allowed.speakers, container=bar, placeholder="All speakers")
    session.multiselect("Kinds", "kinds", allowed.kinds, container=bar, placeholder="All kinds", help=KIND_HELP)
    session.multiselect("Outlets", "sources", allowed.sources, container=bar, placeholder="All outlets",
                        help="Choose one outlet to compare periods within it: a difference between periods "
                        "from different outlets may be a difference between outlets.")
    session.radio(
        "Who is counted",
        "who",
        compare.WHO,
        container=bar,
        format_func=compare.WHO_LABELS.get,
        help="By default the measures count officials' own statements and paraphrases; headlines, narration "
        "and journalists' questions are shown apart and can be switched in here.",
    )
    session.radio(
        "Count",
        "by",
        compare.BY,
        container=bar,
        format_func=compare.BY_LABELS.get,
        help=f"RT and Sputnik often report the same remark; '{compare.BY_LABELS['remark']}' counts such a group once.",
    )
    bar.caption(f"Table: {source.describe()}, {query.n_statements(table):,} statements"
                + (" (queried on disk with DuckDB)." if isinstance(table, query.Slice) else "."))
    render.notices(notices)
    st.session_state[CONTEXT_KEY] = Context(table, session.current(), allowed, url_path, source)


def context() -> Context:
    """The context the entry file prepared in this run, for the page being run (taken once).

    Missing when the page runs without the entry file. Streamlit does that while
    ``PagesManager.uses_pages_directory`` is still set: with a ``pages/`` folder beside the entry
    file, a server process treats it as a legacy multipage folder until some run calls
    ``st.navigation``, so a fresh server's first visit to ``/compare?...`` runs
    ``pages/compare.py`` alone (and AppTest starts every run that way). Then run the entry
    file here, which draws the filters and runs this page properly, and end this run. The
    context is popped, not read, so one left by an earlier run is never taken for this run's.
    """
    ctx = st.session_state.pop(CONTEXT_KEY, None)
    if ctx is None:
        page_file = Path(sys._getframe(1).f_globals.get("__file__", ENTRY_FILE))
        runpy.run_path(str(page_file.resolve().parent.parent / ENTRY_FILE), run_name="__main__")
        st.stop()
    return ctx


def require(rows: query.Rows, what: str = "statements") -> None:
    """Stop the page with guidance when the filters leave nothing to show."""
    if query.n_statements(rows) == 0:
        st.info(f"No {what} match the filters. Widen them in the sidebar.")
        st.stop()


def target_in(rows: query.Rows, target: str) -> bool:
    """Whether ``rows`` can be asked about ``target``; if not, say so (the filters removed it).

    The widgets offer the targets of the whole table; the library answers for the filtered rows
    and refuses a target they never mention, so a page checks first and shows this notice.
    """
    if target in query.known_targets(rows):
        return True
    st.info(f"No statement about {render.escape_markdown(target)} matches the filters. Widen them in the sidebar or choose another target.")
    return False
