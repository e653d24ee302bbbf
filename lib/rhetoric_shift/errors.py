"""One shape for a user's mistake: the file, the problem, and what to do next."""

from __future__ import annotations

from pathlib import Path


class InputError(ValueError):
    """A problem with a user's file that stops the build: shown as one line, never a traceback."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")
