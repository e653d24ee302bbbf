"""Reading the TOML files users edit: manifests, target, stance and speaker lexicons."""

from __future__ import annotations

import stat
import sys
from importlib import resources
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from rhetoric_shift.errors import InputError

MAX_TOML_BYTES = 16 << 20  # far above any real manifest or lexicon


def read_toml(path: Path | None, bundled: str, what: str) -> tuple[dict, str]:
    """Parsed TOML of ``path``, or of the bundled ``data/<bundled>`` when None, and its name for messages.

    Raises ``InputError`` naming the file when it is not a regular file of at most
    ``MAX_TOML_BYTES``, cannot be read, or is not valid UTF-8 TOML.
    """
    if path is None:
        text = resources.files("rhetoric_shift").joinpath("data", bundled).read_text("utf-8")
        return tomllib.loads(text), f"rhetoric_shift/data/{bundled}"
    try:
        mode = Path(path).stat().st_mode  # before opening: a FIFO would block, /dev/zero never end
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a FIFO or a device)"
            raise InputError(path, f"is {kind}; give the {what} as a TOML file")
        with open(path, "rb") as handle:
            data = handle.read(MAX_TOML_BYTES + 1)
        if len(data) > MAX_TOML_BYTES:
            raise InputError(path, f"is larger than {MAX_TOML_BYTES // (1 << 20)} MB, too large for a {what}; check the path")
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise InputError(path, f"no such {what}; check the path") from None
    except UnicodeDecodeError:
        raise InputError(path, f"the {what} is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise InputError(path, f"cannot read the {what} ({(exc.strerror or str(exc)).lower()})") from None
    try:
        return tomllib.loads(text), str(path)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, f"not valid TOML ({exc}); fix the syntax") from None
    except RecursionError:
        raise InputError(path, f"not usable TOML (nested too deeply); fix the {what}") from None
