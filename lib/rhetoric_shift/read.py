"""Reading inputs: files and folders become ``Document``s, and every file gets a report line.

Supported: .txt and .md (plain text), .html/.htm (tags stripped, offsets kept), .csv and .jsonl
(one document per row: a ``text`` column plus optional metadata columns). A ``manifest.toml``
beside the inputs, or given explicitly, supplies each document's metadata.

Nothing vanishes silently: an entry that is not read (a symbolic link leading out of the input
folder, a link to a folder, a loop, an unreadable file or folder, a FIFO or device) gets a
``skipped`` line with the reason, and a bad CSV/JSONL row skips only that row, reported with
its line number. CSV and JSONL files are read as a stream, so memory follows the documents kept.
"""

from __future__ import annotations

import codecs
import csv
import errno
import json
import os
import re
import stat
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from html.parser import HTMLParser
from html import unescape
from pathlib import Path

from rhetoric_shift import dates
from rhetoric_shift.decoding import guess_encoding
from rhetoric_shift.errors import InputError, one_line
from rhetoric_shift.html_content import keep_main_content
from rhetoric_shift.manifest import (
    MANIFEST_NAME, DocumentMeta, check_date, check_format, check_period, check_text, load_manifest,
)

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
TABLE_SUFFIXES = {".csv", ".jsonl"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | TABLE_SUFFIXES
ROW_META_COLUMNS = ("id", "source", "actor", "period", "date", "title", "event", "speaker", "format")
CSV_FIELD_LIMIT = 16 * 1024 * 1024  # characters in one cell; a longer one is most likely an unclosed quote
ROWS_LISTED = 10  # skipped rows named one by one in a file's notes; the build report lists them all


@dataclass(slots=True)  # no per-instance dict: a million CSV rows are a million documents
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
    removed: list = field(default_factory=list)  # html_content.Removed: blocks left out of ``text``

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of ``text`` to the decoded source file."""
        if self.starts is None or self.ends is None or end <= start:
            return start, end
        return self.starts[start], self.ends[end - 1]


@dataclass
class FileReport:
    """What the build did with one input file (or folder, or link that was not followed).

    ``rows_skipped`` holds every skipped CSV/JSONL row as ``{"line": n, "reason": ...}``;
    ``notes`` name the first ``ROWS_LISTED`` of them.
    """

    path: str
    status: str  # "used" or "skipped"
    reason: str = ""
    doc_ids: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows_skipped: list[dict] = field(default_factory=list)

    def line(self) -> str:
        detail = self.reason or ", ".join(self.notes)
        return one_line(f"{self.status:8} {self.path}" + (f": {detail}" if detail else ""))

    def skip_row(self, line: int, reason: str) -> None:
        """Record a row that was left out; the file's other rows are still read."""
        self.rows_skipped.append({"line": line, "reason": reason})
        if len(self.rows_skipped) <= ROWS_LISTED:
            self.notes.append(f"line {line} skipped: {reason}")

    def finish_rows(self) -> None:
        extra = len(self.rows_skipped) - ROWS_LISTED
        if extra > 0:
            self.notes.append(f"{extra} more row(s) skipped (all are listed in the build report)")


class SkipFile(Exception):
    """A file the build cannot use; the message says why."""


class NoUsableInput(InputError):
    """Every input was skipped: the message groups the reasons with counts, ``details`` has a line per file."""

    def __init__(self, inputs: Iterable[Path], reports: list[FileReport]) -> None:
        by_reason: dict[str, list[str]] = defaultdict(list)
        for report in reports:
            by_reason[_reason_head(report.reason) or "no documents"].append(Path(report.path).name)
        shown = "; ".join(f"{reason} ({len(names)}: {_names(names)})" for reason, names in by_reason.items())
        where = ", ".join(str(p) for p in inputs)
        super().__init__(where, f"no usable input in {len(reports)} file(s): {shown or 'no files found'}; fix or add files and build again",
                         details=[r.line() for r in reports])


def _reason_head(reason: str) -> str:
    """A skip reason up to its first ``;`` outside parentheses (the rest is advice that differs per file)."""
    depth = 0
    for i, ch in enumerate(reason):
        depth += (ch == "(") - (ch == ")")
        if ch == ";" and depth <= 0:
            return reason[:i]
    return reason


def _names(names: list[str], limit: int = 8) -> str:
    return ", ".join(names) if len(names) <= limit else ", ".join(names[:limit]) + f" and {len(names) - limit} more"


def read_inputs(inputs: list[Path], manifest: Path | None = None) -> tuple[list[Document], list[FileReport]]:
    """Read every file under ``inputs`` into documents, in a stable (sorted) order.

    Raises ``InputError`` for a path that does not exist or a broken manifest; files, rows and
    folder entries that cannot be used are reported as skipped with the reason and the rest is
    read. The caller raises ``NoUsableInput`` when no document came. A ``.zip`` input is read as
    the folder it holds, extracted safely (``archive.safe_extract``).
    """
    from rhetoric_shift.archive import read_with_archives  # archive imports this module

    return read_with_archives(inputs, manifest, _read_all)


def _read_all(inputs: list[Path], manifest: Path | None) -> tuple[list[Document], list[FileReport]]:
    from rhetoric_shift import ungdc  # a corpus with its own layout, read without a manifest

    documents: list[Document] = []
    reports: list[FileReport] = []
    for corpus in [p for p in inputs if ungdc.is_corpus(p)]:
        documents.extend(ungdc.corpus_documents(corpus, reports))
    documents.extend(iter_documents([p for p in inputs if not ungdc.is_corpus(p)], manifest, reports))
    return documents, reports


def iter_documents(inputs: list[Path], manifest: Path | None, reports: list[FileReport]) -> Iterator[Document]:
    """Yield the documents of ``inputs`` one at a time; each file's report is appended to ``reports``.

    A document whose id is already taken is skipped (the file, or the row, with the reason),
    so the ids of the yielded documents are unique.
    """
    manifests = _ManifestFinder(manifest)
    seen: dict[str, str] = {}
    # A file reached twice (a folder given twice, a file and its folder) is read once. Only its
    # folder is resolved: a link with a name of its own inside the input folder stays a document.
    read_as: dict[Path, str] = {}
    for item in _expand([Path(p) for p in inputs]):
        if isinstance(item, FileReport):
            reports.append(item)
            continue
        root, path = item
        if path.name == MANIFEST_NAME:
            continue
        key = path.parent.resolve() / path.name
        if key in read_as:
            reports.append(_skipped(path, f"already read as {read_as[key]}"))
            continue
        read_as[key] = shown(path)
        report = FileReport(shown(path), "used")
        reports.append(report)
        try:
            meta = manifests.meta_for(path, root)
            for doc in _unique(read_file(path, meta, report), seen, report):
                report.doc_ids.append(doc.doc_id)
                yield doc
            if not report.doc_ids:
                raise SkipFile(_why_no_documents(report))
        except SkipFile as exc:
            report.status, report.reason = "skipped", str(exc)
        report.finish_rows()


def _unique(documents: Iterable[Document], seen: dict[str, str], report: FileReport) -> Iterator[Document]:
    for doc in documents:
        first = seen.setdefault(doc.doc_id, doc.path)
        if first == doc.path:
            yield doc
            continue
        problem = f"document id {doc.doc_id!r} is also used by {first}; give each document its own id"
        if doc.path == report.path:
            raise SkipFile(problem)
        report.skip_row(_row_line(doc.path), problem)


def _why_no_documents(report: FileReport) -> str:
    if report.rows_skipped:
        return f"every row was skipped ({len(report.rows_skipped)}; first: line {report.rows_skipped[0]['line']}: {report.rows_skipped[0]['reason']})"
    return "no row has text"


def _row_line(doc_path: str) -> int:
    return int(doc_path.rsplit("#line=", 1)[1])


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
                self.loaded[candidate] = load_manifest(candidate) if _readable_manifest(candidate, root) else {}
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


# --- Finding the files: links, special files and unreadable folders are reported ------------

def _readable_manifest(candidate: Path, root: Path) -> bool:
    """A manifest found in a folder is read under the rule for every other file there: a link
    only to a file inside the input folder (one that is not has its own skipped line)."""
    if candidate.is_symlink():
        return _link_problem(candidate, root.resolve()) is None
    return candidate.is_file()


def _expand(inputs: list[Path]) -> Iterator[tuple[Path, Path] | FileReport]:
    """Every regular file to read, with the folder it was found under (a file given directly:
    its own folder), and a skipped report for each entry that is not read."""
    for path in inputs:
        try:
            mode = path.stat().st_mode  # a path given by name is followed wherever it leads
        except FileNotFoundError:
            raise InputError(path, "no such file or folder; check the path") from None
        except (OSError, RuntimeError) as exc:
            raise InputError(path, f"cannot be opened ({_os_reason(exc)}); check the path and its permissions") from None
        if stat.S_ISDIR(mode):
            yield from _walk(path, path, path.resolve())
        elif stat.S_ISREG(mode):
            yield path.parent, path
        else:
            yield _skipped(path, f"{_special_kind(mode)}, not a regular file; not read")


def _walk(folder: Path, root: Path, real_root: Path) -> Iterator[tuple[Path, Path] | FileReport]:
    """Depth first in name order, so the documents come in a stable order."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        yield _skipped(folder, f"folder cannot be read ({_os_reason(exc)}); check its permissions")
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError as exc:
            yield _skipped(path, f"cannot be read ({_os_reason(exc)})")
            continue
        if stat.S_ISLNK(mode):
            problem = _link_problem(path, real_root)
            yield _skipped(path, problem) if problem else (root, path)
        elif stat.S_ISDIR(mode):
            if entry.name.startswith("."):
                yield _skipped(path, "hidden folder; not read")
            else:
                yield from _walk(path, root, real_root)
        elif stat.S_ISREG(mode):
            yield root, path
        else:
            yield _skipped(path, f"{_special_kind(mode)}, not a regular file; not read")


def _link_problem(path: Path, real_root: Path) -> str | None:
    """Why a symbolic link inside an input folder is not followed, or None to read its file."""
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        return "broken symbolic link (its target does not exist)"
    except RuntimeError:  # Python < 3.13 reports a loop so
        return "symbolic link loop; not followed"
    except OSError as exc:
        return "symbolic link loop; not followed" if exc.errno == errno.ELOOP else f"symbolic link cannot be followed ({_os_reason(exc)})"
    if not target.is_relative_to(real_root):
        return "symbolic link leading outside the input folder; not followed (copy what it points to into the folder to use it)"
    mode = target.stat().st_mode
    if stat.S_ISDIR(mode):
        return "symbolic link to a folder; not followed (give that folder as an input to read it)"
    if not stat.S_ISREG(mode):
        return f"symbolic link to a {_special_kind(mode)}; not read"
    return None


def _special_kind(mode: int) -> str:
    kinds = [(stat.S_ISFIFO, "FIFO (named pipe)"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device")]
    return next((name for test, name in kinds if test(mode)), "special file")


def _os_reason(exc: BaseException) -> str:
    return exc.strerror.lower() if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__


def _skipped(path: Path, reason: str) -> FileReport:
    return FileReport(shown(path), "skipped", reason)


def shown(path: Path | str) -> str:
    """``path`` as text that can be stored and printed: a byte of its name that is not UTF-8
    (which Python keeps as a lone surrogate) becomes ``\\xe8``."""
    return one_line(str(path))


def _relative_name(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.name


# --- Where the table may be written ----------------------------------------------------------

def check_output(out: Path, inputs: list[Path], *, manifest: Path | None = None, also_read: Iterable[Path | None] = (),
                 companions: Iterable[Path] = ()) -> None:
    """Raise ``InputError`` if writing ``out`` (and its ``companions``, e.g. the build report) could
    destroy an input or cannot work: an input file, the manifest, a file in ``also_read`` (the
    lexicons), a file in an input folder the build would read, a folder, an existing file that is
    not a Parquet table, or a place that cannot be written.
    """
    out = Path(out)
    for path in (out, *companions):
        problem = _overwrites_input(Path(path).resolve(), inputs, manifest, [p for p in also_read if p is not None])
        if problem:
            raise InputError(out, f"{problem}; choose another --out, e.g. statements.parquet outside the input folders")
    from rhetoric_shift.build import is_dataset  # build imports this module

    if out.is_dir() and not is_dataset(out):
        raise InputError(out, f"is a folder that is not a table written by `build`; give a new name, e.g. --out {out / 'statements.parquet'}")
    if out.is_file() and not _is_parquet(out):
        raise InputError(out, "exists and is not a Parquet table; choose another --out or remove that file first")
    parent = next((p for p in out.parents if p.exists()), None)
    if parent is not None and not parent.is_dir():
        raise InputError(out, f"cannot be created: {parent} is a file, not a folder")
    if parent is not None and not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(out, f"cannot be written: no permission to write in {parent}; choose a writable place")


def _overwrites_input(target: Path, inputs: list[Path], manifest: Path | None, also_read: list[Path]) -> str | None:
    if manifest is not None and target == Path(manifest).resolve():
        return "is the manifest (the table would overwrite it)"
    if any(target == Path(p).resolve() for p in also_read):
        return "is a lexicon file this build reads (the table would overwrite it)"
    for given in map(Path, inputs):
        real = given.resolve()
        if target == real:
            return "is an input file (the table would overwrite it)"
        if given.is_dir() and target.is_relative_to(real) and (target.name == MANIFEST_NAME or target.suffix.lower() in SUPPORTED):
            if target.exists():
                return f"is an input file in {given} (the table would overwrite it)"
            return f"is in the input folder {given} with a name the build reads (the next build would read the table as input)"
    return None


def _is_parquet(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(4) == b"PAR1"
    except OSError:
        return False


# --- One file ------------------------------------------------------------------------------

def read_file(path: Path, meta: DocumentMeta | None, report: FileReport) -> Iterator[Document]:
    """Read one file into documents (several for CSV/JSONL); raise ``SkipFile`` if unusable.

    A generator: CSV and JSONL rows are read one at a time.
    """
    suffix = path.suffix.lower()
    if path.name.startswith("."):
        raise SkipFile("hidden file")
    if suffix not in SUPPORTED:
        raise SkipFile(f"unsupported file type {suffix or '(none)'}; use .txt, .md, .html, .csv or .jsonl")
    if suffix in TABLE_SUFFIXES:
        yield from _read_rows(path, meta, report)
        return
    text = _read_text(path, report)
    meta = meta or DocumentMeta(doc_id=shown(path.stem))
    if suffix in HTML_SUFFIXES:
        try:
            plain, starts, ends = html_to_text(text)
        except Exception as exc:  # a hostile page must cost one file, never the build
            raise SkipFile(f"the HTML could not be read ({type(exc).__name__}); check the file") from None
        if _blank(plain):
            raise SkipFile("HTML page without text")
        plain, starts, ends, removed = keep_main_content(text, plain, starts, ends)
        document = _document(path, plain, meta, starts, ends, report)
        document.removed = removed
        yield document
        return
    yield _document(path, text, meta, None, None, report)


def _read_text(path: Path, report: FileReport) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SkipFile(f"cannot be read ({_os_reason(exc)}); check its permissions") from None
    text, note = decode_bytes(data)
    del data
    if note:
        report.notes.append(note)
    if _blank(text):
        raise SkipFile("empty file")
    return text


def _blank(text: str) -> bool:
    return not text or text.isspace()  # no copy of a long text, unlike strip()


def _document(path: Path, text: str, meta: DocumentMeta, starts, ends, report: FileReport) -> Document:
    if meta.period is None:
        found = meta.date or dates.document_date(path.name, text)
        period = found.year if found else infer_period(path.name, text)
        if period is None:
            raise SkipFile("no period: no year in the file name or text; give 'period' in manifest.toml")
        meta = replace(meta, period=period, date=found)
        report.notes.append(f"period {period} inferred" + (f" from the date {found.isoformat()}" if found else "") + " (no manifest entry)")
    return Document(meta.doc_id, shown(path), text, meta, starts, ends)


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Decode file bytes as UTF-8, else as the most plausible legacy encoding (with a note saying so).

    Raises ``SkipFile`` for binary content or bytes no text encoding decodes.
    """
    _check_not_binary(data[:8192])
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    guess = guess_encoding(data)
    if guess is None:
        raise SkipFile("not UTF-8 and no text encoding decodes it; save it as UTF-8")
    text = data.decode(guess.encoding)
    _check_not_control(text[:8192])
    return text, guess.note()


def _check_not_binary(head: bytes) -> None:
    if b"\x00" in head and not (head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff")):
        raise SkipFile("binary file, not text")


def _check_not_control(head: str) -> None:
    controls = sum(1 for ch in head if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.05 * max(1, len(head)):
        raise SkipFile("binary file, not text")


def _stream_encoding(path: Path, report: FileReport) -> str:
    """The encoding to stream ``path`` with: UTF-8 when every byte decodes so (checked chunk by
    chunk, nothing kept), else the guessed legacy encoding (noted)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
            _check_not_binary(head)
            chunk = head
            while chunk:
                decoder.decode(chunk)
                chunk = handle.read(1 << 20)
            decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    except OSError as exc:
        raise SkipFile(f"cannot be read ({_os_reason(exc)}); check its permissions") from None
    data = path.read_bytes()
    guess = guess_encoding(data)
    if guess is None:
        raise SkipFile("not UTF-8 and no text encoding decodes it; save it as UTF-8")
    _check_not_control(data[:8192].decode(guess.encoding, errors="replace"))
    report.notes.append(guess.note())
    return guess.encoding


def infer_period(name: str, text: str) -> int | None:
    """The year under analysis when no manifest says (see ``dates.document_year``)."""
    return dates.document_year(name, text)


# --- CSV and JSONL: one document per row; a bad row costs that row ----------------------------

def _read_rows(path: Path, meta: DocumentMeta | None, report: FileReport) -> Iterator[Document]:
    encoding = _stream_encoding(path, report)
    rows = _csv_rows if path.suffix.lower() == ".csv" else _jsonl_rows
    defaults = asdict(meta or DocumentMeta(doc_id=shown(path.stem)))
    where = f"{shown(path)}#line="
    n_rows = empty = 0
    try:
        handle = path.open(encoding=encoding, newline="")
    except OSError as exc:
        raise SkipFile(f"cannot be read ({_os_reason(exc)}); check its permissions") from None
    with handle:
        for line, row in _stop_on_read_error(rows(handle), report):
            n_rows += 1
            if isinstance(row, str):
                report.skip_row(line, row)
                continue
            body = row.get("text")
            if body is None or (isinstance(body, str) and _blank(body)):
                empty += 1
                continue
            try:
                if not isinstance(body, str):
                    raise ValueError(f"'text' must be text, got {type(body).__name__}")
                doc = _document(path, body, _row_meta(defaults, n_rows, row), None, None, report)
            except (ValueError, SkipFile) as exc:
                report.skip_row(line, str(exc))
                continue
            doc.path = f"{where}{line}"
            yield doc
    if not n_rows:
        raise SkipFile("no rows")
    if empty:
        report.notes.append(f"{empty} row(s) without text skipped")


def _stop_on_read_error(rows: Iterator[tuple[int, dict | str]], report: FileReport) -> Iterator[tuple[int, dict | str]]:
    """The rows until the file fails to read (it changed or the disk failed): a note, not a traceback."""
    line = 0
    try:
        for line, row in rows:
            yield line, row
    except (OSError, UnicodeDecodeError) as exc:
        report.notes.append(f"reading stopped after line {line} ({_os_reason(exc)}); the rows before it are used")


def _csv_rows(handle) -> Iterator[tuple[int, dict | str]]:
    """``(line, row)`` for each CSV record, or ``(line, problem)`` for one that cannot be parsed."""
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(handle)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        return
    except csv.Error as exc:
        raise SkipFile(f"the header line is not valid CSV ({exc})") from None
    _check_header(header)
    line = reader.line_num + 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problem = str(exc)
            if "field larger than field limit" in problem:
                problem = f"a cell is longer than {CSV_FIELD_LIMIT:,} characters (an unclosed quote?)"
            yield line, f"not valid CSV ({problem})"
        else:
            if fields and len(fields) != len(header):
                yield line, f"{len(fields)} fields where the header has {len(header)}; quote cells that contain commas"
            elif fields:
                yield line, dict(zip(header, fields))
        line = reader.line_num + 1


def _check_header(header: list[str]) -> None:
    if "text" not in header:
        raise SkipFile(f"no 'text' column; found: {', '.join(sorted(header)[:20])}; name the column with the statements 'text'")
    for name in ("text", *ROW_META_COLUMNS):
        columns = [str(i) for i, h in enumerate(header, start=1) if h == name]
        if len(columns) > 1:
            raise SkipFile(f"column {name!r} appears {len(columns)} times (columns {', '.join(columns)}); rename or remove all but one")


def _jsonl_rows(handle) -> Iterator[tuple[int, dict | str]]:
    """``(line, object)`` for each JSON line, or ``(line, problem)`` for one that is not a usable object."""
    for line, text in enumerate(handle, start=1):
        if _blank(text):
            continue
        try:
            row = json.loads(text.rstrip("\r\n"), object_pairs_hook=_no_duplicate_keys)
        except json.JSONDecodeError as exc:
            yield line, f"not valid JSON at column {exc.colno}: {exc.msg}"
        except RecursionError:
            yield line, "not usable JSON (nested too deeply)"
        except ValueError as exc:
            yield line, str(exc)
        else:
            yield line, row if isinstance(row, dict) else f"not a JSON object (a {type(row).__name__})"


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    row = dict(pairs)
    if len(row) != len(pairs):
        seen: set[str] = set()
        twice = sorted({k for k, _ in pairs if k in seen or seen.add(k)})
        raise ValueError(f"key {', '.join(repr(k) for k in twice)} appears twice; keep one")
    return row


def _row_meta(defaults: dict, number: int, row: dict) -> DocumentMeta:
    """The metadata of row ``number``: its own columns over ``defaults`` (the fields of the
    manifest's entry, or the file's). Raises ``ValueError`` naming the column for a value that cannot be used.
    """
    fields = dict(defaults, doc_id=f"{defaults['doc_id']}-{number}")
    for key in ROW_META_COLUMNS:
        value = row.get(key)
        if value is None or value == "":
            continue
        if key == "period":
            fields[key] = check_period(value, from_text=True)
        elif key == "date":
            fields[key] = check_date(value)
        elif key == "format":
            fields[key] = check_format(value.strip() if isinstance(value, str) else value)
        else:
            fields["doc_id" if key == "id" else key] = check_text(key, value)
    return DocumentMeta(**fields)


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
