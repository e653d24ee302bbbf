"""The UN General Debate Corpus (UNGDC), read straight from its distributed .tar.gz or its folder.

Layout: ``TXT/Session NN - YYYY/ISO_NN_YYYY.txt`` (one speech each) and ``Speakers_by_session.xlsx``
(year, session, ISO code, country, name of the person speaking, post). No manifest is needed:
the actor is the ISO code of the file name, the source "UN General Assembly", the period the
session's year, the format ``paragraphs``, the speaker and post those of the speakers sheet where it
lists them.

The texts come from PDF transcripts: many are hard-wrapped at about 55 characters, without blank
lines between paragraphs, and page numbers and page breaks interrupt paragraphs. ``reflow`` rebuilds
the paragraphs (one per block, blocks separated by a blank line) and keeps a map from every
character back to the file, so statement offsets still point into the speech as distributed.

Reading is split in two so that a build can stream a large archive: ``iter_speeches`` (in the
process that owns the archive) yields the raw bytes of each speech with its metadata, and
``Speech.document`` (anywhere, e.g. in a worker) decodes and reflows one speech.
"""

from __future__ import annotations

import bisect
import functools
import io
import os
import posixpath
import re
import tarfile
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rhetoric_shift.manifest import DocumentMeta
from rhetoric_shift.read import Document, FileReport, SkipFile, decode_bytes
from rhetoric_shift.segment import LONG_LINE
from rhetoric_shift.spans import ZERO_WIDTH

SOURCE = "UN General Assembly"
SPEAKERS_SHEET = "Speakers_by_session.xlsx"
SPEECH_NAME = re.compile(r"^(?P<iso>[A-Z][A-Z0-9_]{1,7})_(?P<session>\d{1,3})_(?P<year>\d{4})\.txt$")
SESSION_FOLDER = re.compile(r"Session \d{1,3} - \d{4}$")
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar")
_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")
_PAGE_NUMBER = re.compile(r"\d{1,4}")
_PARAGRAPH_NUMBER = re.compile(r"\d{1,3}[.;]\s")  # "111.\tThe second fact ...": old records number their paragraphs
_SENTENCE_END = re.compile(r"[.!?:;…][\"”’')\]]*$")
_HONORIFIC = re.compile(r"^(?:(?:Mr|Mrs|Ms|Mme|Mlle|Dr|H\.\s?E|HE|M)\.?\s+)+")


# --- recognising the corpus ----------------------------------------------------------------

def is_corpus(path: Path) -> bool:
    """True for a UNGDC archive (.tar.gz/.tgz/.tar) or a folder laid out like the extracted corpus."""
    path = Path(path)
    if path.is_file():
        return path.name.lower().endswith(ARCHIVE_SUFFIXES)
    if not path.is_dir():
        return False
    if (path / SPEAKERS_SHEET).is_file():
        return True
    txt = path / "TXT" if (path / "TXT").is_dir() else path
    return any(SESSION_FOLDER.match(p.name) for p in txt.iterdir() if p.is_dir())


# --- the speakers sheet --------------------------------------------------------------------

def canonical_name(name: str) -> str:
    """A speaker's name as the table shows it: white space collapsed, honorific dropped, CAPITALS in title case.

    ``"Mr. VYSHINSKY "`` → ``"Vyshinsky"``; ``"Mr. Sergey Lavrov"`` → ``"Sergey Lavrov"``.
    """
    name = " ".join(str(name).split())
    name = _HONORIFIC.sub("", name).strip(" ,")
    words = [w.capitalize() if w.isupper() and len(w) > 1 and not _is_roman(w) else w for w in name.split()]
    return " ".join(words)


def _is_roman(word: str) -> bool:
    return bool(re.fullmatch(r"[IVXL]+", word))


@functools.lru_cache(maxsize=2)  # a build passes over a corpus twice (fit sample, then all): read its sheet once
def read_speakers(data: bytes) -> dict[tuple[str, int], tuple[str, str | None]]:
    """(ISO code, year) → (canonical speaker, post) from the bytes of ``Speakers_by_session.xlsx``.

    Reads the workbook's first sheet: a header row (Year, ISO Code, Name of Person Speaking and
    optionally Post, in any order and case) and one speech per row. Rows without a name, ISO code
    or whole-number year are left out; a later row for the same (ISO code, year) wins. Raises
    ``SkipFile`` when the workbook cannot be read or lacks those columns. The mapping returned is
    shared between calls with the same bytes: do not change it.
    """
    rows = _first_sheet_rows(data)
    number, cells = next(rows, (0, {}))
    header = {col: str(value or "").strip().lower() for col, value in cells.items()} if number == 1 else {}
    col_year, col_iso, col_name, col_post = (_header_column(header, k) for k in ("year", "iso code", "name of person speaking", "post"))
    if None in (col_year, col_iso, col_name):
        rows.close()
        raise SkipFile("the first sheet lacks the columns Year, ISO Code and Name of Person Speaking")
    speakers: dict[tuple[str, int], tuple[str, str | None]] = {}
    for _, cells in rows:
        name, iso = cells.get(col_name), cells.get(col_iso)
        if not name or not iso:
            continue
        try:
            year = int(cells.get(col_year))
        except (TypeError, ValueError, OverflowError):  # empty, text, NaN or infinite: not a year
            continue
        post = cells.get(col_post)
        post = " ".join(str(post).split()) if post else None
        speakers[(str(iso).strip().upper(), year)] = (canonical_name(name), post)
    return speakers


def _header_column(header: dict[int, str], title: str) -> int | None:
    """The leftmost column whose header is ``title``, or None."""
    return min((col for col, text in header.items() if text == title), default=None)


# --- a minimal reader of the first sheet of an .xlsx workbook (Office Open XML) --------------
# openpyxl reads the speakers sheet three times slower and takes longer to import than this
# takes to read it; only cell values are needed, never styles or formulas.

_MAX_PART_BYTES = 200 * 2**20  # uncompressed; a zip bomb is refused before it is inflated
_MAX_PENDING_ELEMENTS = 2**20  # XML elements held at once within one row or one string
_MAX_ROWS, _MAX_COLUMNS = 1_048_576, 16_384  # Excel's own limits
_ESCAPED_CHARACTER = re.compile(r"_x([0-9A-Fa-f]{4})_")  # ST_Xstring: "_x000D_" is a carriage return


class _Unreadable(Exception):
    """A workbook part that cannot be read; the message names it."""


def _first_sheet_rows(data: bytes) -> Iterator[tuple[int, dict[int, object]]]:
    """(row number, {column number: value}) for each row of the workbook's first sheet, in order.

    Row and column numbers start at 1; empty cells are absent. Values are those Excel last
    computed, typed as openpyxl gives them: ``str`` for text (shared, inline or a formula's),
    ``int`` or ``float`` for a number, ``bool``; dates stay ISO text. Raises ``SkipFile`` for
    anything that is not a readable workbook, parts too large to inflate included.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            ns, sheet, strings_part = _first_sheet_parts(book)
            strings = _shared_strings(book, strings_part, ns) if strings_part in book.NameToInfo else None
            yield from _sheet_rows(book, sheet, ns, strings)
    except _Unreadable as exc:
        raise SkipFile(f"not a readable Excel workbook ({exc})") from None
    except (ET.ParseError, LookupError) as exc:  # LookupError: an XML declaration names an unknown encoding
        raise SkipFile(f"not a readable Excel workbook (malformed XML: {exc})") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError, NotImplementedError) as exc:
        # not a zip, a damaged directory or member, an encrypted one, an unsupported compression
        raise SkipFile(f"not a readable Excel workbook ({type(exc).__name__}: {exc})") from None


def _open_part(book: zipfile.ZipFile, name: str):
    try:
        info = book.getinfo(name)
    except KeyError:
        raise _Unreadable(f"{name} missing") from None
    if info.file_size > _MAX_PART_BYTES:  # the stream stops at the declared size, so it bounds the work
        raise _Unreadable(f"{name} inflates to {info.file_size / 2**20:.0f} MB, above the {_MAX_PART_BYTES // 2**20} MB limit")
    return book.open(info)


def _parse_part(book: zipfile.ZipFile, name: str) -> ET.Element:
    with _open_part(book, name) as stream:
        return ET.parse(stream).getroot()


def _first_sheet_parts(book: zipfile.ZipFile) -> tuple[str, str, str | None]:
    """The workbook's namespace prefix ("{...}", transitional or strict OOXML), the zip name of its
    first sheet (the workbook's order, not the file names) and that of its shared strings, if any."""
    workbook = _parse_part(book, "xl/workbook.xml")
    ns = workbook.tag[: workbook.tag.find("}") + 1]
    first = workbook.find(f"{ns}sheets/{ns}sheet")
    if first is None:
        raise _Unreadable("xl/workbook.xml lists no sheet")
    # r:id, whichever namespace r stands for (transitional or strict)
    rel_id = next((v for k, v in first.attrib.items() if k.startswith("{") and k.endswith("}id")), None)
    targets, strings = {}, None
    for rel in _parse_part(book, "xl/_rels/workbook.xml.rels"):
        if rel.get("TargetMode") == "External" or not rel.get("Target"):
            continue
        targets[rel.get("Id")] = _part_name(rel.get("Target"))
        if rel.get("Type", "").endswith("/sharedStrings"):
            strings = targets[rel.get("Id")]
    if rel_id not in targets:
        raise _Unreadable(f"the first sheet's relationship {rel_id!r} is not in xl/_rels/workbook.xml.rels")
    return ns, targets[rel_id], strings


def _part_name(target: str) -> str:
    """The zip name of a relationship target of xl/workbook.xml: relative to xl/, or absolute from the root."""
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)


def _shared_strings(book: zipfile.ZipFile, name: str, ns: str) -> list[str]:
    """The workbook's shared strings in order; a rich-text string is its runs joined, phonetic hints left out."""
    strings: list[str] = []
    si, t, r = ns + "si", ns + "t", ns + "r"
    with _open_part(book, name) as stream:
        events = ET.iterparse(stream, events=("start", "end"))
        _, root = next(events)  # an empty part raises ParseError here
        pending = 0
        for event, elem in events:
            if event == "start":
                continue
            if elem.tag == si:
                strings.append(_string(elem, t, r))
                root.clear()  # only the strings are kept, not their elements
                pending = 0
            elif (pending := pending + 1) > _MAX_PENDING_ELEMENTS:
                raise _Unreadable(f"{name}: a string of more than {_MAX_PENDING_ELEMENTS} elements")
    return strings


def _string(box: ET.Element, t: str, r: str) -> str:
    """The text of an ``<si>`` or ``<is>`` element: its ``<t>``, or the ``<t>`` of each rich-text run."""
    parts = []
    for child in box:
        if child.tag == t:
            parts.append(child.text or "")
        elif child.tag == r:
            parts.extend(run.text or "" for run in child if run.tag == t)
    text = "".join(parts)
    return _ESCAPED_CHARACTER.sub(lambda m: chr(int(m[1], 16)), text) if "_x" in text else text


def _sheet_rows(book: zipfile.ZipFile, name: str, ns: str, strings: list[str] | None) -> Iterator[tuple[int, dict[int, object]]]:
    row_tag, cell_tag, value_tag, inline_tag, t, r = (ns + tag for tag in ("row", "c", "v", "is", "t", "r"))
    sheet_data = ns + "sheetData"
    columns: dict[str, int] = {}  # "AA" → 27, for the few distinct column letters of a sheet
    with _open_part(book, name) as stream:
        # End events only: start events would double the work. A row read is emptied, not removed
        # (that needs its parent), so the rows are capped at Excel's limit to bound memory.
        number, rows, pending = 0, 0, 0
        for _, elem in ET.iterparse(stream, events=("end",)):
            if elem.tag == row_tag:
                if (rows := rows + 1) > _MAX_ROWS:
                    raise _Unreadable(f"{name}: more than Excel's {_MAX_ROWS} rows")
                number = _row_number(elem.get("r"), number)
                cells: dict[int, object] = {}
                column = 0
                for cell in elem:
                    if cell.tag != cell_tag:
                        continue
                    ref = cell.get("r")
                    if ref:
                        letters = ref.rstrip("0123456789")
                        column = columns.get(letters) or _column_number(letters, columns, ref)
                    else:  # the attribute is optional: cells then follow one another
                        column += 1
                    kind = cell.get("t")
                    if kind == "inlineStr":
                        box = cell.find(inline_tag)
                        value = _string(box, t, r) if box is not None else None
                    else:
                        value = _cell_value(cell.findtext(value_tag) or None, kind or "n", strings, ref)
                    if value is not None:
                        cells[column] = value
                yield number, cells
                elem.clear()
                pending = 0
            elif elem.tag == sheet_data:
                return  # what follows the cells (merged ranges, links, ...) is not needed
            elif (pending := pending + 1) > _MAX_PENDING_ELEMENTS:
                raise _Unreadable(f"{name}: a row of more than {_MAX_PENDING_ELEMENTS} elements")


def _row_number(ref: str | None, previous: int) -> int:
    if ref is None:  # the attribute is optional: rows then follow one another
        return previous + 1
    if not ref.isdigit():
        raise _Unreadable(f"row number {ref[:20]!r} is not a number")
    return int(ref)


def _column_number(letters: str, known: dict[str, int], ref: str) -> int:
    """The column of a cell reference's letters, from 1: ``"E"`` → 5, ``"AA"`` → 27; remembered in ``known``."""
    number = 0
    for letter in letters.upper():
        if not "A" <= letter <= "Z":
            raise _Unreadable(f"cell reference {ref[:20]!r} is not a column and row")
        number = number * 26 + ord(letter) - 64
    if number == 0:
        raise _Unreadable(f"cell reference {ref[:20]!r} has no column")
    if number > _MAX_COLUMNS:
        raise _Unreadable(f"cell reference {ref[:20]!r} is outside Excel's {_MAX_COLUMNS} columns")
    known[letters] = number
    return number


def _cell_value(raw: str | None, kind: str, strings: list[str] | None, ref: str | None) -> object:
    """A cell's value from the text of its ``<v>`` and its type ``t``."""
    if raw is None:
        return None
    try:
        if kind == "n":
            return float(raw) if "." in raw or "e" in raw or "E" in raw else int(raw)
        if kind == "s":
            if strings is None:
                raise _Unreadable("a cell refers to shared strings, but the workbook has none")
            index = int(raw)
            if not 0 <= index < len(strings):
                raise _Unreadable(f"cell {ref} refers to shared string {index}, of {len(strings)}")
            return strings[index]
        if kind == "b":
            return bool(int(raw))
    except ValueError:
        raise _Unreadable(f"cell {ref}: {raw[:20]!r} is not a {'number' if kind == 'n' else 'valid index'}") from None
    return raw  # "str" (a formula's text), "e" (an error such as #N/A), "d" (an ISO date)


# --- speeches ------------------------------------------------------------------------------

@dataclass
class Speech:
    """One speech as read from the corpus: raw bytes and metadata, not yet decoded."""

    path: str  # the archive or folder, then the member: "ungdc.tar.gz/TXT/Session 69 - 2014/RUS_69_2014.txt"
    data: bytes
    meta: DocumentMeta
    post: str | None = None

    def document(self) -> tuple[Document, list[str]]:
        """The decoded, reflowed speech and notes for the report; raises ``SkipFile`` if unusable."""
        text, note = decode_bytes(self.data)
        if not text.strip():
            raise SkipFile("empty file")
        flowed, offsets, page_numbers = reflow(text)
        notes = [note] if note else []
        if page_numbers:
            notes.append(f"{page_numbers} page-number line(s) left out")
        return Document(self.meta.doc_id, self.path, flowed, self.meta, offsets, offsets.ends), notes


@dataclass
class CorpusScan:
    """What ``iter_speeches`` found besides the speeches: stray files and filtered-out speeches."""

    skipped: list[FileReport] = field(default_factory=list)
    filtered: int = 0
    speeches: int = 0


def speech_meta(name: str, speakers: dict[tuple[str, int], tuple[str, str | None]]) -> tuple[DocumentMeta, str | None] | None:
    """Metadata of a speech file ``ISO_NN_YYYY.txt``, or None for any other name."""
    match = SPEECH_NAME.match(name)
    if not match:
        return None
    iso, year = match["iso"], int(match["year"])
    speaker, post = speakers.get((iso, year), (None, None))
    meta = DocumentMeta(
        doc_id=name[: -len(".txt")],
        source=SOURCE,
        actor=iso,
        period=year,
        event=f"UN General Debate, session {int(match['session'])}",
        speaker=speaker,
        format="paragraphs",
    )
    return meta, post


def iter_speeches(
    path: Path,
    *,
    actors: set[str] | None = None,
    years: tuple[int, int] | None = None,
    scan: CorpusScan | None = None,
) -> Iterator[Speech]:
    """Every speech of the corpus at ``path`` (archive or folder) in the corpus's order, filtered.

    ``actors``: ISO codes to keep; ``years``: an inclusive (first, last) range. Files that are not
    speeches are recorded in ``scan.skipped`` (with the reason), filtered speeches counted in
    ``scan.filtered``. Memory stays bounded: one speech is read at a time.
    """
    scan = scan if scan is not None else CorpusScan()
    members = _archive_members(Path(path)) if Path(path).is_file() else _folder_members(Path(path))
    speakers: dict[tuple[str, int], tuple[str, str | None]] = {}
    for member_path, name, read in members:
        if name == SPEAKERS_SHEET:
            try:
                speakers = read_speakers(read())
            except SkipFile as exc:
                scan.skipped.append(FileReport(member_path, "skipped", f"{exc}; speakers left unknown"))
            continue
        found = speech_meta(name, speakers)
        if found is None:
            scan.skipped.append(FileReport(member_path, "skipped", _stray_reason(name)))
            continue
        meta, post = found
        if (actors and meta.actor not in actors) or (years and not years[0] <= meta.period <= years[1]):
            scan.filtered += 1
            continue
        scan.speeches += 1
        yield Speech(member_path, read(), meta, post)


def _stray_reason(name: str) -> str:
    if name.startswith("."):
        return "hidden file, not a speech"
    if name.lower().startswith("readme"):
        return "corpus documentation, not a speech"
    return "not a speech (speech files are named ISO_SESSION_YEAR.txt)"


def _archive_members(path: Path):
    """(path, base name, reader) of each regular member of a tar archive, read as a stream.

    The speakers sheet is needed before the speeches; when the archive stores it after them, the
    speeches before it are held back (as bytes) until it arrives.
    """
    held: list[tuple[str, str, bytes]] = []
    sheet_seen = False
    try:
        with tarfile.open(path, mode="r|*") as archive:
            for member in archive:
                if not member.isfile():
                    continue
                name = member.name.rsplit("/", 1)[-1]
                data = archive.extractfile(member).read()
                where = f"{path}/{member.name}"
                if name == SPEAKERS_SHEET:
                    sheet_seen = True
                    yield where, name, lambda data=data: data
                    for item in held:
                        yield item[0], item[1], lambda data=item[2]: data
                    held = []
                elif sheet_seen or not SPEECH_NAME.match(name):
                    yield where, name, lambda data=data: data
                else:
                    held.append((where, name, data))
    except (tarfile.TarError, EOFError, OSError) as exc:
        from rhetoric_shift.errors import InputError

        raise InputError(path, f"not a readable tar archive ({type(exc).__name__}: {exc}); check the download") from None
    for where, name, data in held:
        yield where, name, lambda data=data: data


def corpus_bytes(path: Path) -> int:
    """The corpus's size in bytes, uncompressed (a gzip file records it modulo 2**32 in its last four bytes)."""
    path = Path(path)
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    size = path.stat().st_size
    if not path.name.lower().endswith((".gz", ".tgz")) or size < 4:
        return size
    with open(path, "rb") as handle:
        handle.seek(-4, os.SEEK_END)
        isize = int.from_bytes(handle.read(4), "little")
    while isize < size:  # wrapped past 4 GiB
        isize += 2**32
    return isize


def _folder_members(path: Path):
    files = sorted(p for p in path.rglob("*") if p.is_file())
    sheet = [p for p in files if p.name == SPEAKERS_SHEET]
    for p in sheet + [p for p in files if p.name != SPEAKERS_SHEET]:
        yield str(p), p.name, p.read_bytes


def corpus_documents(path: Path, reports: list[FileReport]) -> Iterator[Document]:
    """The speeches of the corpus at ``path`` as documents, one at a time; a report line per file is appended to ``reports``."""
    scan = CorpusScan()
    for speech in iter_speeches(path, scan=scan):
        doc, report = read_speech(speech)
        reports.append(report)
        if doc is not None:
            yield doc
    reports.extend(scan.skipped)


def read_speech(speech: Speech) -> tuple[Document | None, FileReport]:
    """Decode one speech: its document (None when it cannot be used) and its report line."""
    report = FileReport(speech.path, "used")
    try:
        doc, report.notes = speech.document()
    except SkipFile as exc:
        report.status, report.reason = "skipped", str(exc)
        return None, report
    report.doc_ids = [doc.doc_id]
    return doc, report


# --- reflowing hard-wrapped text -----------------------------------------------------------

class OffsetMap:
    """Maps each character of a reflowed text to its span in the original text.

    Built from verbatim pieces: ``(new_start, old_start, length)``; characters between pieces are
    inserted separators, mapped to the empty span where the original line break was. Indexing
    gives the start (``offsets[i]``), ``offsets.ends[i]`` the end, as ``Document`` expects.
    """

    def __init__(self, pieces: list[tuple[int, int, int]], gaps: list[int]) -> None:
        self.new_starts = [p[0] for p in pieces]
        self.pieces = pieces
        self.gaps = gaps  # original position of the break after each piece
        self.ends = _Ends(self)

    def __getitem__(self, i: int) -> int:
        """The original position of character ``i``."""
        return self._original(i, 0)

    def end(self, i: int) -> int:
        """The original end of character ``i``: one past its position, or the break itself for a separator."""
        return self._original(i, 1)

    def _original(self, i: int, past: int) -> int:
        k = bisect.bisect_right(self.new_starts, i) - 1
        if k < 0:
            return 0
        new_start, old_start, length = self.pieces[k]
        return old_start + (i - new_start) + past if i < new_start + length else self.gaps[k]


class _Ends:
    def __init__(self, offsets: OffsetMap) -> None:
        self.offsets = offsets

    def __getitem__(self, i: int) -> int:
        return self.offsets.end(i)


@dataclass(slots=True)
class _Line:
    start: int  # of the stripped content in the original text
    end: int
    indented: bool
    gap_before: bool = False  # blank or page-number lines between this line and the previous content line
    content: str = ""  # text[start:end]


def reflow(text: str) -> tuple[str, OffsetMap, int]:
    """Paragraphs of a speech, one per block separated by a blank line, with the map back to ``text``.

    Returns the new text, its ``OffsetMap`` and the number of page-number lines left out. Lines of
    one paragraph are joined by a space; see ``_continues`` for where a paragraph ends.
    """
    lines, page_numbers = _content_lines(text)
    if not lines:
        return "", OffsetMap([], []), page_numbers
    short = sorted(ln.end - ln.start for ln in lines if ln.end - ln.start <= LONG_LINE)
    # the column width of a hard-wrapped file; without enough short lines to tell, no line counts as full
    width = short[int(0.9 * (len(short) - 1))] if len(short) >= 5 else LONG_LINE
    indent_marks = sum(ln.indented for ln in lines) < 0.3 * len(lines)
    parts: list[str] = [lines[0].content]
    pieces: list[tuple[int, int, int]] = [(0, lines[0].start, lines[0].end - lines[0].start)]
    gaps: list[int] = []
    size = lines[0].end - lines[0].start
    for prev, line in zip(lines, lines[1:]):
        sep = " " if _continues(prev, line, width, indent_marks) else "\n\n"
        gaps.append(prev.end)
        size += len(sep)
        pieces.append((size, line.start, line.end - line.start))
        parts.append(sep)
        parts.append(line.content)
        size += line.end - line.start
    gaps.append(lines[-1].end)
    return "".join(parts), OffsetMap(pieces, gaps), page_numbers


def _content_lines(text: str) -> tuple[list[_Line], int]:
    """The non-blank lines of ``text`` (page numbers left out), each marked when a gap precedes it."""
    lines: list[_Line] = []
    page_numbers = 0
    gap = False
    for begin, raw in _raw_lines(text):
        if raw.isascii():  # the usual case: no zero-width character to strip
            stripped = raw.strip()
            offset = len(raw) - len(raw.lstrip()) if stripped else 0
        else:
            stripped = raw.strip().strip(ZERO_WIDTH).strip()
            offset = raw.index(stripped) if stripped else 0
        if not stripped or (len(stripped) <= 4 and _PAGE_NUMBER.fullmatch(stripped)):
            page_numbers += bool(stripped)
            gap = True
            continue
        start = begin + offset
        lines.append(_Line(start, start + len(stripped), raw[:1].isspace(), gap, stripped))
        gap = False
    return lines, page_numbers


def _raw_lines(text: str) -> Iterator[tuple[int, str]]:
    """Each line of ``text`` with its offset, without its end: "\\r\\n", "\\r" (some files end lines so) or "\\n"."""
    begin = 0
    if "\r" not in text:
        for raw in text.split("\n"):
            yield begin, raw
            begin += len(raw) + 1
        return
    for i, raw in enumerate(_LINE_BREAK.split(text)):
        if not i % 2:  # split() alternates lines and the breaks between them
            yield begin, raw
        begin += len(raw)


def _continues(prev: _Line, line: _Line, width: int, indent_marks: bool) -> bool:
    """Whether ``line`` continues the paragraph of ``prev``.

    - a line that opens in lower case continues a sentence (also across a page break);
    - a long line (longer than any hard-wrapped line) is a paragraph of its own, unless it stops
      mid-sentence and the next line does not open a numbered paragraph;
    - across blank lines or a page number, a paragraph goes on only mid-sentence;
    - between adjacent lines, a sentence end ends the paragraph when the line is indented (in files
      that mark paragraphs so) or when the next line's first word would have fitted after it: the
      typesetter broke the line early, so the paragraph ended there.
    """
    head = line.content
    if head[0].islower():
        return True
    prev_length = prev.end - prev.start
    ends_sentence = _SENTENCE_END.search(prev.content) is not None
    if not ends_sentence and prev_length > LONG_LINE:
        # a paragraph-per-line file whose line stops mid-sentence ("Recent developments in" / "Syria
        # have ..."): a page break split it, unless the next line opens a numbered paragraph
        return _PARAGRAPH_NUMBER.match(head) is None
    if prev_length > LONG_LINE or line.end - line.start > LONG_LINE and line.gap_before:
        return False
    if not ends_sentence:
        return True
    if line.gap_before:
        return False
    if indent_marks and line.indented:
        return False
    first_word = len(head.split(None, 1)[0])
    return prev_length + 1 + first_word > width
