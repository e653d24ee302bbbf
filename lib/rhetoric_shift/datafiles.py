"""Reading the TOML files users edit: manifests, target, stance and speaker lexicons."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from rhetoric_shift.errors import InputError


def read_toml(path: Path | None, bundled: str, what: str) -> tuple[dict, str]:
    """Parsed TOML of ``path``, or of the bundled ``data/<bundled>`` when None, and its name for messages.

    Raises ``InputError`` naming the file when it cannot be read or is not valid TOML.
    """
    if path is None:
        text = resources.files("rhetoric_shift").joinpath("data", bundled).read_text("utf-8")
        return tomllib.loads(text), f"rhetoric_shift/data/{bundled}"
    try:
        text = Path(path).read_text("utf-8")
    except FileNotFoundError:
        raise InputError(path, f"no such {what}; check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read the {what} ({exc})") from None
    try:
        return tomllib.loads(text), str(path)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, f"not valid TOML ({exc}); fix the syntax") from None
