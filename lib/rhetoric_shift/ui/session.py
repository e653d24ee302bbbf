"""Streamlit glue between the view state, the widgets and the URL.

One ``ViewState`` lives in ``st.session_state`` under ``STATE_KEY``; it is the single source
of truth. Widgets are drawn from it and write back to it in ``on_change`` callbacks, which
Streamlit runs before the script, so when the entry file writes the URL at the top of a run
the state already holds the visitor's latest change. The URL is read into the state on a
session's first run, and later only when it differs from what this code last wrote and is not
empty: sidebar navigation clears the query string, and that must not reset the filters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from rhetoric_shift.ui.state import (
    DEFAULT,
    FIELD_OF,
    PAGE_FIELDS,
    PARAM_OF,
    Allowed,
    ViewState,
    page_fields,
    parse_query,
    to_query,
)

STATE_KEY = "rs_view"
WRITTEN_KEY = "rs_written_query"


def current() -> ViewState:
    """The view state of this session (the defaults before anything was chosen)."""
    return st.session_state.get(STATE_KEY, DEFAULT)


def update(**changes: Any) -> None:
    """Replace fields of the view state (lists are stored as tuples)."""
    state = current()
    for name, value in changes.items():
        state = state.with_field(name, value)
    st.session_state[STATE_KEY] = state


def _query_dict() -> dict[str, str]:
    return {key: st.query_params[key] for key in st.query_params}


def sync_url(allowed: Allowed, url_path: str) -> list[str]:
    """Read the URL into the state when it is new, then write the state back to the URL.

    Returns one notice per URL value that was ignored (unknown or malformed). Fields that the
    URL names are taken from it; the page's own fields missing from it go back to their
    defaults (a default is left out of the URL); other fields keep the session's values.
    """
    params = _query_dict()
    first_run = STATE_KEY not in st.session_state
    notices: list[str] = []
    if first_run or (params and params != st.session_state.get(WRITTEN_KEY)):
        parsed = parse_query(params, allowed)
        notices = parsed.notices
        named = {FIELD_OF[p] for p in params if p in FIELD_OF} | set(PAGE_FIELDS.get(url_path, ()))
        state = DEFAULT if first_run else current()
        for name in named:
            state = state.with_field(name, getattr(parsed.state, name))
        st.session_state[STATE_KEY] = state
    wanted = to_query(current(), page_fields(url_path))
    if wanted != params:
        st.query_params.from_dict(wanted)
    st.session_state[WRITTEN_KEY] = wanted
    return notices


def update_in_url(**changes: Any) -> None:
    """Replace fields of the state during a page's run and write them to the URL at once.

    The entry file wrote the URL before the page ran; a choice made inside the page (a clicked
    cell) goes to the URL here, and is recorded as written so the next run does not read it back.
    """
    update(**changes)
    for name in changes:
        param = PARAM_OF[name]
        value = to_query(current(), (name,)).get(param)
        if value is not None:
            st.query_params[param] = value
        elif param in st.query_params:
            del st.query_params[param]
    st.session_state[WRITTEN_KEY] = _query_dict()


def link_params(**changes: Any) -> dict[str, str]:
    """Query parameters for a link to another page: the shared filters plus ``changes``."""
    state = current()
    for name, value in changes.items():
        state = state.with_field(name, value)
    return to_query(state, page_fields("") + tuple(changes))


def view_url(url_path: str) -> str:
    """The shareable URL of the current view (absolute when the browser told us the address)."""
    query = urlencode(to_query(current(), page_fields(url_path)), safe=",")
    base = st.context.url or f"/{url_path}"
    return f"{base}?{query}" if query else base


def copy_link(url_path: str) -> None:
    """Show the URL of this view, with the copy button ``st.code`` carries."""
    with st.expander("Copy link to this view"):
        st.code(view_url(url_path), language=None)
        st.caption("Opening this link shows the same page with the same filters and choices.")


def _on_change(name: str, key: str, convert: Callable[[Any], Any]) -> None:
    update(**{name: convert(st.session_state[key])})


def _widget_key(name: str) -> str:
    return f"w_{name}"


def multiselect(
    label: str,
    name: str,
    options: Sequence[Any],
    *,
    container: Any = st,
    **kwargs: Any,
) -> list[Any]:
    """A multiselect bound to the state field ``name`` (values outside ``options`` are dropped)."""
    key = _widget_key(name)
    st.session_state[key] = [v for v in getattr(current(), name) if v in options]
    return container.multiselect(label, list(options), key=key, on_change=_on_change, args=(name, key, tuple), **kwargs)


def selectbox(label: str, name: str, options: Sequence[Any], value: Any, *, container: Any = st, **kwargs: Any) -> Any:
    """A selectbox bound to the state field ``name``, showing ``value`` (the effective choice)."""
    key = _widget_key(name)
    st.session_state[key] = value if value in options else (options[0] if options else None)
    return container.selectbox(label, list(options), key=key, on_change=_on_change, args=(name, key, _same), **kwargs)


def radio(label: str, name: str, options: Sequence[Any], *, container: Any = st, **kwargs: Any) -> Any:
    """A radio group bound to the state field ``name``."""
    key = _widget_key(name)
    value = getattr(current(), name)
    st.session_state[key] = value if value in options else options[0]
    return container.radio(label, list(options), key=key, on_change=_on_change, args=(name, key, _same), **kwargs)


def text_input(label: str, name: str, *, container: Any = st, **kwargs: Any) -> str:
    """A text input bound to the state field ``name`` (whitespace collapsed)."""
    key = _widget_key(name)
    st.session_state[key] = getattr(current(), name)
    return container.text_input(label, key=key, on_change=_on_change, args=(name, key, _squash), **kwargs)


def _same(value: Any) -> Any:
    return value


def _squash(value: str | None) -> str:
    return " ".join((value or "").split())
