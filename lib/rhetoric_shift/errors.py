"""One shape for a user's mistake: the file (or option), the problem, and what to do next."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


class InputError(ValueError):
    """A problem with a user's file or option that stops the build: shown as one line, never a traceback.

    ``path`` names the file, row (``file#line=N``) or option (``--topics``); ``details`` are
    lines the command line prints before the error (e.g. one per skipped file).
    """

    def __init__(self, path: str | Path, problem: str, details: Iterable[str] = ()) -> None:
        self.path = str(path)
        self.problem = problem
        self.details = list(details)
        super().__init__(one_line(f"{self.path}: {problem}"))


def one_line(text: str) -> str:
    """``text`` with line breaks and other control characters escaped, so a hostile file name or
    cell cannot split a message or a report line in two. A byte of a file name that is not UTF-8
    (Python keeps it as a lone surrogate) is shown as the byte, ``\\xe8``."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _escaped(ch) for ch in text)


def _escaped(ch: str) -> str:
    if "\udc80" <= ch <= "\udcff":
        return f"\\x{ord(ch) - 0xDC00:02x}"
    return repr(ch)[1:-1]
