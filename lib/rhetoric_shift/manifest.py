"""The manifest: ``manifest.toml`` beside the inputs describes each document.

Each ``[[document]]`` entry needs ``id``, ``file``, ``source``, ``period`` and ``actor``; it may
give ``title``, ``date``, ``event``, ``speaker`` (the default speaker) and ``format``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from rhetoric_shift.datafiles import read_toml
from rhetoric_shift.errors import InputError

MANIFEST_NAME = "manifest.toml"

FORMATS = ("transcript", "liveblog", "news", "digest", "paragraphs")  # one module each in rhetoric_shift.formats
REQUIRED = ("id", "file", "source", "period", "actor")
OPTIONAL = ("title", "date", "event", "speaker", "format")


@dataclass(frozen=True)
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
    period = entry["period"]
    if isinstance(period, bool) or not isinstance(period, int):
        raise InputError(path, f"{where}: 'period' must be a year as a whole number, got {period!r}")
    fmt = entry.get("format")
    if fmt is not None and fmt not in FORMATS:
        raise InputError(path, f"{where}: 'format' must be one of {', '.join(FORMATS)}, got {fmt!r}")
    date = entry.get("date")
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            raise InputError(path, f"{where}: 'date' must be YYYY-MM-DD, got {date!r}") from None
    elif isinstance(date, dt.datetime):
        date = date.date()
    elif date is not None and not isinstance(date, dt.date):
        raise InputError(path, f"{where}: 'date' must be a date (YYYY-MM-DD), got {date!r}")
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
