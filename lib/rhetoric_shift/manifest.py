"""The manifest: ``manifest.toml`` beside the inputs describes each document.

Each ``[[document]]`` entry needs ``id``, ``file``, ``source``, ``period`` and ``actor``; it may
give ``title``, ``date``, ``event``, ``speaker`` (the default speaker) and ``format``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path

from rhetoric_shift.datafiles import read_toml
from rhetoric_shift.errors import InputError
from rhetoric_shift.formats import NAMES

MANIFEST_NAME = "manifest.toml"

FORMATS = NAMES  # one module each in rhetoric_shift.formats
REQUIRED = ("id", "file", "source", "period", "actor")
OPTIONAL = ("title", "date", "event", "speaker", "format")


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """What the manifest (or the reader, without one) says about one document."""

    doc_id: str
    source: str = "unknown"
    actor: str = "unknown"
    period: int | None = None
    title: str | None = None
    date: dt.date | None = None
    event: str | None = None
    speaker: str | None = None
    format: str | None = None


def load_manifest(path: Path) -> dict[str, DocumentMeta]:
    """Read ``path`` and return its entries keyed by file name (relative to the manifest).

    Raises ``InputError`` naming the manifest for invalid TOML, a missing required key,
    a value of the wrong type, an unknown format or a file that does not exist.
    """
    data, _ = read_toml(path, MANIFEST_NAME, "manifest")
    entries = data.get("document", [])
    if not isinstance(entries, list) or not entries:
        raise InputError(path, "no [[document]] entries; add one per file (see seeds/manifest.toml)")
    metas: dict[str, DocumentMeta] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"document {number}"
        if not isinstance(entry, dict):
            raise InputError(path, f"{where} is not a table")
        missing = [key for key in REQUIRED if key not in entry]
        if missing:
            raise InputError(path, f"{where} ({entry.get('id', '?')}) lacks required key {', '.join(repr(m) for m in missing)}")
        unknown = sorted(set(entry) - set(REQUIRED) - set(OPTIONAL))
        if unknown:
            raise InputError(path, f"{where} ({entry['id']}) has unknown key {', '.join(repr(u) for u in unknown)}; allowed: {', '.join(REQUIRED + OPTIONAL)}")
        meta = _meta_from_entry(path, where, entry)
        file_name = str(entry["file"])
        if not (path.parent / file_name).is_file():
            raise InputError(path, f"{where} ({meta.doc_id}) names file {file_name!r}, which does not exist beside the manifest")
        metas[file_name] = meta
    return metas


def _meta_from_entry(path: Path, where: str, entry: dict) -> DocumentMeta:
    for key in ("id", "file", "source", "actor", "title", "event", "speaker", "format"):
        if key in entry and not isinstance(entry[key], str):
            raise InputError(path, f"{where}: {key!r} must be a string, got {entry[key]!r}")
    try:
        period = check_period(entry["period"])
        fmt = check_format(entry.get("format"))
        date = check_date(entry.get("date"))
    except ValueError as exc:
        raise InputError(path, f"{where}: {exc}") from None
    return DocumentMeta(
        doc_id=entry["id"],
        source=entry["source"],
        actor=entry["actor"],
        period=period,
        title=entry.get("title"),
        date=date,
        event=entry.get("event"),
        speaker=entry.get("speaker") or None,
        format=fmt,
    )


# --- values: one check per field, shared by manifest entries and CSV/JSONL rows ----------------
# Each raises ValueError with a message that names the field, what is allowed and what came.

def check_period(value: object, *, from_text: bool = False) -> int:
    """A year from 1 to 9999. With ``from_text`` (CSV cells, JSON numbers) "2015" and 2015.0 count too."""
    year = value
    if from_text and isinstance(year, str):
        try:
            year = float(year.strip()) if not year.strip().isdigit() else int(year.strip())
        except ValueError:
            pass
    if from_text and isinstance(year, float) and math.isfinite(year) and year.is_integer():
        year = int(year)
    if isinstance(year, bool) or not isinstance(year, int) or not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise ValueError(f"'period' must be a year as a whole number from {dt.MINYEAR} to {dt.MAXYEAR}, got {_short(value)}")
    return year


def check_date(value: object) -> dt.date | None:
    """A date: a TOML date, or text starting YYYY-MM-DD (a timestamp's time is dropped); None stays None."""
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise ValueError(f"'date' must be a date written YYYY-MM-DD, got {_short(value)}")


def check_format(value: object) -> str | None:
    """One of ``FORMATS``, or None to let the segmenter detect it."""
    if value is None or value in FORMATS:
        return value
    raise ValueError(f"'format' must be one of {', '.join(FORMATS)}, got {_short(value)}")


def check_text(key: str, value: object) -> str:
    """A text field: a string, or a number written as one (a CSV/JSON id such as 17)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"{key!r} must be text, got {_short(value)}")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?![\d])")


def _short(value: object, limit: int = 60) -> str:
    """A value for a message: its repr, cut so one hostile cell cannot flood the report."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
