"""Reading inputs: files and folders become ``Document``s, and every file gets a report line.

Supported: .txt and .md (plain text), .html/.htm (tags stripped, offsets kept), .csv and .jsonl
(one document per row: a ``text`` column plus optional metadata columns). A ``manifest.toml``
beside the inputs, or given explicitly, supplies each document's metadata.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from array import array
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from html import unescape
from pathlib import Path

import charset_normalizer

from rhetoric_shift.errors import InputError
from rhetoric_shift.manifest import MANIFEST_NAME, DocumentMeta, load_manifest

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
TABLE_SUFFIXES = {".csv", ".jsonl"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | TABLE_SUFFIXES
ROW_META_COLUMNS = ("id", "source", "actor", "period", "date", "title", "event", "speaker", "format")


@dataclass
class Document:
    """One text to segment, with its metadata and where it came from.

    ``text`` is what the segmenter reads. For plain text it is the decoded file, so statement
    offsets point straight into it; for HTML, ``starts``/``ends`` map each character of
    ``text`` back to its span in the decoded HTML source; for a CSV/JSONL row, offsets point
    into that row's text cell.
    """

    doc_id: str
    path: str
    text: str
    meta: DocumentMeta
    starts: array | None = None
    ends: array | None = None

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of ``text`` to the decoded source file."""
        if self.starts is None or self.ends is None or end <= start:
            return start, end
        return self.starts[start], self.ends[end - 1]


@dataclass
class FileReport:
    """What the build did with one input file."""

    path: str
    status: str  # "used" or "skipped"
    reason: str = ""
    doc_ids: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        detail = self.reason or ", ".join(self.notes)
        return f"{self.status:8} {self.path}" + (f": {detail}" if detail else "")


class SkipFile(Exception):
    """A file the build cannot use; the message says why."""


def read_inputs(inputs: list[Path], manifest: Path | None = None) -> tuple[list[Document], list[FileReport]]:
    """Read every file under ``inputs`` into documents, in a stable (sorted) order.

    Raises ``InputError`` for a path that does not exist or a broken manifest; files that
    cannot be used are reported as skipped with the reason and the rest is read.
    """
    manifests = _ManifestFinder(manifest)
    documents: list[Document] = []
    reports: list[FileReport] = []
    from rhetoric_shift import ungdc  # a corpus with its own layout, read without a manifest

    for corpus in [p for p in inputs if ungdc.is_corpus(p)]:
        corpus_documents, corpus_reports = ungdc.read_corpus(corpus)
        documents.extend(corpus_documents)
        reports.extend(corpus_reports)
    for root, path in _expand([p for p in inputs if not ungdc.is_corpus(p)]):
        if path.name == MANIFEST_NAME:
            continue
        meta = manifests.meta_for(path, root)
        report = FileReport(str(path), "used")
        try:
            docs = read_file(path, meta, report)
        except SkipFile as exc:
            report.status, report.reason = "skipped", str(exc)
            docs = []
        report.doc_ids = [d.doc_id for d in docs]
        documents.extend(docs)
        reports.append(report)
    _check_unique_ids(documents)
    return documents, reports


class _ManifestFinder:
    """The manifest entry of each input file: the explicit manifest, else the nearest
    ``manifest.toml`` in the file's folder or a parent folder up to the input folder."""

    def __init__(self, explicit: Path | None) -> None:
        self.explicit = Path(explicit) if explicit is not None else None
        self.loaded: dict[Path, dict[str, DocumentMeta]] = {}
        if self.explicit is not None:
            self.loaded[self.explicit] = load_manifest(self.explicit)

    def meta_for(self, path: Path, root: Path) -> DocumentMeta | None:
        for candidate in self._candidates(path, root):
            if candidate not in self.loaded:
                self.loaded[candidate] = load_manifest(candidate) if candidate.is_file() else {}
            meta = self.loaded[candidate].get(_relative_name(path, candidate.parent))
            if meta is not None or self.loaded[candidate]:
                return meta  # the nearest manifest speaks for the files below it
        return None

    def _candidates(self, path: Path, root: Path) -> list[Path]:
        if self.explicit is not None:
            return [self.explicit]
        folders = [path.parent]
        while folders[-1] != root and root in folders[-1].parents:
            folders.append(folders[-1].parent)
        return [folder / MANIFEST_NAME for folder in folders]


def _expand(inputs: list[Path]) -> list[tuple[Path, Path]]:
    """Every input file with the folder it was found under (a file given directly: its own folder)."""
    files: list[tuple[Path, Path]] = []
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            files.extend((path, p) for p in sorted(path.rglob("*")) if p.is_file())
        elif path.is_file():
            files.append((path.parent, path))
        else:
            raise InputError(path, "no such file or folder; check the path")
    return files


def _relative_name(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.name


def _check_unique_ids(documents: list[Document]) -> None:
    seen: dict[str, str] = {}
    for doc in documents:
        if doc.doc_id in seen:
            raise InputError(doc.path, f"document id {doc.doc_id!r} is also used by {seen[doc.doc_id]}; give each document its own id")
        seen[doc.doc_id] = doc.path


def read_file(path: Path, meta: DocumentMeta | None, report: FileReport) -> list[Document]:
    """Read one file into documents (several for CSV/JSONL); raise ``SkipFile`` if unusable."""
    suffix = path.suffix.lower()
    if path.name.startswith("."):
        raise SkipFile("hidden file")
    if suffix not in SUPPORTED:
        raise SkipFile(f"unsupported file type {suffix or '(none)'}; use .txt, .md, .html, .csv or .jsonl")
    text, note = decode_bytes(path.read_bytes())
    if note:
        report.notes.append(note)
    if not text.strip():
        raise SkipFile("empty file")
    if suffix in TABLE_SUFFIXES:
        return _read_rows(path, text, meta, report)
    meta = meta or DocumentMeta(doc_id=path.stem)
    if suffix in HTML_SUFFIXES:
        plain, starts, ends = html_to_text(text)
        if not plain.strip():
            raise SkipFile("HTML page without text")
        return [_document(path, plain, meta, starts, ends, report)]
    return [_document(path, text, meta, None, None, report)]


def _document(path: Path, text: str, meta: DocumentMeta, starts, ends, report: FileReport) -> Document:
    if meta.period is None:
        period = infer_period(path.name, text)
        if period is None:
            raise SkipFile("no period: no year in the file name or text; give 'period' in manifest.toml")
        meta = replace(meta, period=period)
        report.notes.append(f"period {period} inferred (no manifest entry)")
    return Document(meta.doc_id, str(path), text, meta, starts, ends)


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Decode file bytes as UTF-8, else as the detected encoding (with a note saying so).

    Raises ``SkipFile`` for binary content or an encoding that cannot be detected.
    """
    head = data[:8192]
    if b"\x00" in head and not (head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff")):
        raise SkipFile("binary file, not text")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise SkipFile("not UTF-8 and no text encoding could be detected; save it as UTF-8")
    text = str(best)
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.05 * max(1, min(len(text), 8192)):
        raise SkipFile("binary file, not text")
    return text, f"not UTF-8: decoded as {best.encoding} (detected)"


_YEAR = re.compile(r"(?<!\d)(19[4-9]\d|20\d\d)(?!\d)")


def infer_period(name: str, text: str) -> int | None:
    """The year under analysis when no manifest says: the last year in the file name, else the first in the text."""
    in_name = _YEAR.findall(name)
    if in_name:
        return int(in_name[-1])
    in_text = _YEAR.search(text[:5000])
    return int(in_text.group(1)) if in_text else None


# --- CSV and JSONL -------------------------------------------------------------------------

def _read_rows(path: Path, text: str, meta: DocumentMeta | None, report: FileReport) -> list[Document]:
    rows = _parse_rows(path, text)
    if not rows:
        raise SkipFile("no rows")
    if not any("text" in row for row in rows):
        raise SkipFile(f"no 'text' column; found: {', '.join(sorted(rows[0]))}; name the column with the statements 'text'")
    documents, empty = [], 0
    for number, row in enumerate(rows, start=1):
        body = row.get("text")
        if not isinstance(body, str) or not body.strip():
            empty += 1
            continue
        row_meta = _row_meta(path, number, row, meta)
        try:
            documents.append(_document(path, body, row_meta, None, None, report))
        except SkipFile as exc:
            report.notes.append(f"row {number} skipped: {exc}")
            continue
        documents[-1].path = f"{path}#row={number}"
    if empty:
        report.notes.append(f"{empty} row(s) without text skipped")
    if not documents:
        raise SkipFile("no row has text")
    return documents


def _parse_rows(path: Path, text: str) -> list[dict]:
    if path.suffix.lower() == ".csv":
        try:
            return list(csv.DictReader(io.StringIO(text)))
        except csv.Error as exc:
            raise SkipFile(f"not valid CSV ({exc})") from None
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SkipFile(f"line {number} is not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise SkipFile(f"line {number} is not a JSON object")
        rows.append(row)
    return rows


def _row_meta(path: Path, number: int, row: dict, meta: DocumentMeta | None) -> DocumentMeta:
    base = meta or DocumentMeta(doc_id=path.stem)
    values = {k: row[k] for k in ROW_META_COLUMNS if row.get(k) not in (None, "")}
    doc_id = str(values.pop("id", f"{base.doc_id}-{number}"))
    period = values.pop("period", base.period)
    try:
        period = int(period) if period is not None else None
    except (TypeError, ValueError):
        raise SkipFile(f"row {number}: period {period!r} is not a year") from None
    date = values.pop("date", base.date)
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date[:10])
        except ValueError:
            date = None
    fields = {k: str(v) for k, v in values.items()}
    return replace(base, doc_id=doc_id, period=period, date=date, **fields)


# --- HTML ----------------------------------------------------------------------------------

_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
    "table", "section", "article", "blockquote", "title", "dd", "dt", "pre", "figcaption",
}
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "head", "nav", "footer", "form", "button", "iframe"}


class _TextExtractor(HTMLParser):
    """Collects an HTML page's text with each character's span in the source."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.chars: list[str] = []
        self.starts = array("q")
        self.ends = array("q")
        self.skip_depth = 0

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _emit(self, text: str, start: int, width: int) -> None:
        for i, ch in enumerate(text):
            self.chars.append(ch)
            self.starts.append(start + (i if width == len(text) else 0))
            self.ends.append(start + (i + 1 if width == len(text) else width))

    def _break(self) -> None:
        if self.chars and self.chars[-1] != "\n":
            pos = self._offset()
            self._emit("\n\n", pos, 0)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP_TAGS:
            self.skip_depth += 1
        if tag in _BLOCK_TAGS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self.skip_depth:
            self.skip_depth -= 1
        if tag in _BLOCK_TAGS:
            self._break()

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self._emit(data, self._offset(), len(data))

    def handle_entityref(self, name: str) -> None:
        if not self.skip_depth:
            raw = f"&{name};"
            self._emit(unescape(raw), self._offset(), len(raw))

    def handle_charref(self, name: str) -> None:
        if not self.skip_depth:
            raw = f"&#{name};"
            self._emit(unescape(raw), self._offset(), len(raw))


def html_to_text(source: str) -> tuple[str, array, array]:
    """Strip tags from an HTML page: its text, and each character's start and end in ``source``.

    Block elements become paragraph breaks; script, style, navigation and footer content is left out.
    """
    parser = _TextExtractor(source)
    parser.feed(source)
    parser.close()
    return "".join(parser.chars), parser.starts, parser.ends
