"""The dashboard's Streamlit glue: the only part of the library that imports Streamlit.

Pages use ``context()`` (the table, the filtered rows and the view state the entry file
prepared), ``session`` (widgets bound to the URL), ``render`` (charts, tables, quotes) and
``cached`` (the library's slower calls, cached). ``state`` is pure and testable on its own.
"""

from rhetoric_shift.ui import cached, render, session
from rhetoric_shift.ui.app import Context, context, load, require, shared_filters, target_in

__all__ = ["Context", "cached", "context", "load", "render", "require", "session", "shared_filters", "target_in"]
