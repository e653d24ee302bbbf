"""A visitor's own texts: uploaded files become a statement table held in that visitor's session only.

``build_upload`` is the whole job without Streamlit's widgets: the uploaded bytes are written to a
new temporary folder (zips extracted there with ``archive.safe_extract``), a ``manifest.toml`` is
written from the visitor's fields wherever the files bring none, ``build.build_table`` runs on it,
and the folder is removed whatever happens. The table then lives in ``st.session_state`` under
``UPLOAD_KEY``; ``session_table`` hands it to the entry file in place of the bundled one.

Memory per session is bounded by ``Limits``: the bytes uploaded, what archives expand to, and the
statements kept. Nothing from the files is rendered as Markdown: reports are dataframes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import streamlit as st

from rhetoric_shift import archive, dates, query
from rhetoric_shift.build import BuildReport, build_table
from rhetoric_shift.engine import LocalEngine
from rhetoric_shift.errors import InputError
from rhetoric_shift.manifest import FORMATS, MANIFEST_NAME
from rhetoric_shift.read import SUPPORTED, FileReport, decode_bytes, infer_period, SkipFile
from rhetoric_shift.ui import render, session
from rhetoric_shift.ui.data import ORIGIN_ATTR, TableSource

UPLOAD_KEY = "rs_upload"
UPLOAD_TYPES = ("txt", "md", "html", "htm", "csv", "jsonl", "zip", "toml")
MAX_UPLOAD_MB = 50  # also server.maxUploadSize in .streamlit/config.toml (per file); checked here for the whole upload
LOOSE = "files"  # folder of the loose files inside the session's temporary folder
ARCHIVES = "archives"  # one folder per uploaded zip, named like the zip


@dataclass(frozen=True)
class Limits:
    """What one session may hold: uploaded bytes, bytes archives expand to, statements, files."""

    max_upload_bytes: int = MAX_UPLOAD_MB << 20
    max_extracted_bytes: int = 4 * MAX_UPLOAD_MB << 20
    max_statements: int = 50_000
    max_files: int = 2000


@dataclass(frozen=True)
class Fields:
    """What a manifest entry would say, for the files that bring no manifest of their own.

    Empty strings and None mean "not given": the reader then infers what it can (the period
    from a file's name or text, the format from its layout).
    """

    outlet: str = ""
    actor: str = ""
    period: int | None = None
    date: dt.date | None = None
    format: str | None = None
    speaker: str = ""

    def entry(self) -> dict[str, object]:
        """The manifest keys these fields fill (``period`` from the date when only a date is given)."""
        out: dict[str, object] = {"source": clean_field(self.outlet) or "unknown", "actor": clean_field(self.actor) or "unknown"}
        period = self.period if self.period is not None else (self.date.year if self.date else None)
        if period is not None:
            out["period"] = int(period)
        if self.date is not None:
            out["date"] = self.date
        if self.format in FORMATS:
            out["format"] = self.format
        if clean_field(self.speaker):
            out["speaker"] = clean_field(self.speaker)
        return out


@dataclass
class Upload:
    """A built upload: the table and what the build did with every file."""

    table: pd.DataFrame
    files: list[FileReport]
    report: BuildReport
    n_files: int
    digest: str
    notices: list[str] = field(default_factory=list)

    @property
    def n_used(self) -> int:
        """Files that gave documents (a zip's members count one by one)."""
        return sum(1 for f in self.files if f.status == "used")

    def report_frame(self) -> pd.DataFrame:
        """One row per file: used or skipped, the reason or notes, and its statements."""
        counts = {d.doc_id: d.n_statements for d in self.report.documents}
        return pd.DataFrame(
            [{"file": f.path, "status": f.status, "detail": f.reason or "; ".join(f.notes),
              "statements": sum(counts.get(i, 0) for i in f.doc_ids) if f.status == "used" else 0}
             for f in self.files],
            columns=["file", "status", "detail", "statements"],
        )

    def dropped_frame(self) -> pd.DataFrame:
        """Spans of text that became no statement, counted by reason and file."""
        counts = Counter((d.path, span["reason"]) for d in self.report.documents for span in d.dropped)
        return pd.DataFrame([{"file": p, "reason": r, "spans": n} for (p, r), n in sorted(counts.items())],
                            columns=["file", "reason", "spans"])


Progress = Callable[[str, int, int], None]
# The build's stages (``build.STAGES``, as ``build_table`` names them to ``progress``) and what the page calls
# them, in the build's order (the sample the models are fitted on is segmented before the texts are read whole); a test keeps
# the two equal, order included. Bars are drawn in this order.
STAGES = {
    "fit": "Fitting the models on a sample",
    "read+segment": "Reading and segmenting the texts",
    "apply": "Finding targets, tone and stance",
    "finish": "Placing topics and grouping duplicate remarks",
}


def stage_progress(stage: str, done: int, total: int) -> tuple[float, str]:
    """The fraction done (0 to 1) and the line drawn on a stage's bar, for ``done`` of ``total`` units.

    The units differ by stage (bytes read, statements tagged), so the line says a percentage.
    A stage without a known total (``total`` of 0 or less) counts as done.
    """
    fraction = 1.0 if total <= 0 else min(max(done / total, 0.0), 1.0)
    label = STAGES.get(stage, stage.capitalize())
    return fraction, f"{label}: {'done' if fraction >= 1 else f'{fraction:.0%}'}"


class UploadError(Exception):
    """The upload cannot be built at all; the message is one line for the visitor."""


def clean_field(text: str | None, limit: int = 200) -> str:
    """A form value as one clean line: control characters dropped, whitespace collapsed, length bounded."""
    kept = "".join(ch for ch in str(text or "") if unicodedata.category(ch) != "Cc" or ch in " \t\n")
    return " ".join(kept.split())[:limit]


def build_upload(
    files: Sequence[tuple[str, bytes]],
    fields: Fields,
    *,
    limits: Limits = Limits(),
    progress: Progress | None = None,
) -> Upload:
    """Build a statement table from uploaded ``(name, bytes)`` pairs and the visitor's ``fields``.

    ``progress(stage, done, total)`` is called as each batch of each build stage completes (see
    ``STAGES``). Files that cannot be used are reported (one line each) and the rest is built.
    Raises ``UploadError`` with one line when nothing can be built or a limit is passed. The
    temporary folder is removed before this returns or raises.
    """
    total = sum(len(data) for _, data in files)
    if not files:
        raise UploadError("no files uploaded; add .txt, .md, .html, .csv, .jsonl files or a .zip")
    if total > limits.max_upload_bytes:
        raise UploadError(f"the upload is {total / 2**20:.1f} MB; a session takes at most "
                          f"{limits.max_upload_bytes / 2**20:.0f} MB: upload fewer files, or build with the command line")
    if len(files) > limits.max_files:
        raise UploadError(f"{len(files)} files uploaded; a session takes at most {limits.max_files}: zip them or upload fewer")
    digest = _digest(files, fields)
    tmp = Path(tempfile.mkdtemp(prefix="rhetoric-shift-upload-"))
    try:
        inputs, refused = _save(files, tmp, limits)
        for folder in inputs:
            _write_manifest(folder, fields)
        try:
            # One process: a visitor's build must not fork workers inside the shared server.
            result = build_table(inputs, engine=LocalEngine(1), progress=progress or False)
        except InputError as exc:
            raise UploadError(_relative(str(exc), tmp)) from None
        table = result.table
        if len(table) > limits.max_statements:
            raise UploadError(f"the upload makes {len(table)} statements; a session holds at most {limits.max_statements}: "
                              "upload fewer texts, or build with the command line")
        table.attrs[ORIGIN_ATTR] = f"upload:{digest}"
        reports = [_renamed(r, tmp) for r in refused + result.report.files]
        for d in result.report.documents:
            d.path = _relative(d.path, tmp)
        return Upload(table, reports, result.report, n_files=len(files), digest=digest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _digest(files: Sequence[tuple[str, bytes]], fields: Fields) -> str:
    h = hashlib.sha256(repr(fields).encode())
    for name, data in files:
        h.update(name.encode("utf-8", "replace") + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()[:16]


def _save(files: Sequence[tuple[str, bytes]], tmp: Path, limits: Limits) -> tuple[list[Path], list[FileReport]]:
    """Write loose files to ``tmp/files`` and extract zips to ``tmp/archives/NAME.zip``; report refusals."""
    loose, archives = tmp / LOOSE, tmp / ARCHIVES
    loose.mkdir()
    archives.mkdir()
    refused: list[FileReport] = []
    seen: set[str] = set()
    budget = limits.max_extracted_bytes
    inputs: list[Path] = []
    for raw_name, data in files:
        name = safe_name(raw_name)
        suffix = Path(name).suffix.lower()
        if not name or name.casefold() in seen:
            refused.append(FileReport(clean_field(raw_name) or "(no name)", "skipped",
                                      "a second file with this name, or no usable name; rename it"))
            continue
        seen.add(name.casefold())
        if suffix in archive.ARCHIVE_SUFFIXES:
            (archives / (name + ".zip-data")).write_bytes(data)
            try:
                found = archive.safe_extract(archives / (name + ".zip-data"), archives / name,
                                             max_total_bytes=budget, max_members=limits.max_files)
            except InputError as exc:
                refused.append(FileReport(name, "skipped", exc.problem))
                continue
            finally:
                (archives / (name + ".zip-data")).unlink(missing_ok=True)
            budget -= sum(p.stat().st_size for p in (archives / name).rglob("*") if p.is_file())
            refused.extend(FileReport(r.path.replace(f"{archives / name}.zip-data", name, 1), r.status, r.reason)
                           for r in found)
            inputs.append(archives / name)
        elif suffix in SUPPORTED or name == MANIFEST_NAME:
            (loose / name).write_bytes(data)
        else:
            refused.append(FileReport(name, "skipped", f"unsupported file type {suffix or '(none)'}; "
                                      "use .txt, .md, .html, .csv, .jsonl or .zip"))
    if any(loose.iterdir()):
        inputs.insert(0, loose)
    return inputs, refused


def safe_name(name: str) -> str:
    """An uploaded file's name as one plain file name (the browser's folders and odd characters dropped)."""
    base = clean_field(str(name).replace("\\", "/").rsplit("/", 1)[-1], limit=120)
    return "" if base in ("", ".", "..") else base


def _write_manifest(folder: Path, fields: Fields) -> None:
    """A ``manifest.toml`` describing every readable file of ``folder`` with ``fields``, unless one exists.

    A file gets an entry only when its period is known (from the fields, else its name or text);
    the others are left to the reader, which infers or reports them.
    """
    if any(folder.rglob(MANIFEST_NAME)):
        return  # the files describe themselves
    base = fields.entry()
    lines: list[str] = []
    used_ids: set[str] = set()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED):
        relative = path.relative_to(folder).as_posix()
        entry = dict(base)
        printed = _printed_date(path)
        if "period" not in entry:
            period = printed.year if printed else _inferred_period(path)
            if period is None:
                continue
            entry["period"] = period
        if "date" not in entry and printed:
            entry["date"] = printed  # what the reader finds without a manifest entry, kept with one
        doc_id = relative.rsplit(".", 1)[0]
        entry = {"id": doc_id if doc_id not in used_ids else relative, "file": relative, **entry}
        used_ids.add(entry["id"])
        lines.append("[[document]]")
        lines.extend(f"{key} = {toml_value(value)}" for key, value in entry.items())
        lines.append("")
    if lines:
        (folder / MANIFEST_NAME).write_text("\n".join(lines), encoding="utf-8")


def _head_text(path: Path) -> str:
    """The start of a page's text (empty for CSV/JSONL, whose rows carry their own fields)."""
    if path.suffix.lower() in {".csv", ".jsonl"}:
        return ""
    try:
        return decode_bytes(path.read_bytes()[:20_000])[0]
    except SkipFile:
        return ""


def _inferred_period(path: Path) -> int | None:
    return infer_period(path.name, _head_text(path))


def _printed_date(path: Path) -> dt.date | None:
    return dates.document_date(path.name, _head_text(path))


def toml_value(value: object) -> str:
    """A TOML literal for a string, int or date (strings escaped, control characters as \\u escapes)."""
    if isinstance(value, bool):
        raise TypeError("booleans are not manifest values")
    if isinstance(value, (int, dt.date)):
        return str(value) if not isinstance(value, dt.date) else value.isoformat()
    out = []
    for ch in str(value):
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _relative(text: str, tmp: Path) -> str:
    """Paths under the temporary folder as the visitor named them (``a.txt``, ``pages.zip/a.txt``)."""
    for folder in (tmp / LOOSE, tmp / ARCHIVES):
        text = text.replace(str(folder) + "/", "")
    return text.replace(str(tmp / LOOSE), "your files").replace(str(tmp), "upload")


def _renamed(report: FileReport, tmp: Path) -> FileReport:
    return FileReport(_relative(report.path, tmp), report.status, report.reason, report.doc_ids, report.notes)


# --- the table in the session -----------------------------------------------------------------

@dataclass(frozen=True)
class UploadSource(TableSource):
    """The visitor's upload as the table's source (for the sidebar's description)."""

    n_files: int = 0

    def describe(self) -> str:
        return f"your upload ({self.n_files} file{'s' if self.n_files != 1 else ''})"


def session_table() -> tuple[pd.DataFrame, TableSource] | None:
    """The table this visitor built from an upload, with its source; None for the bundled table."""
    upload = st.session_state.get(UPLOAD_KEY)
    if upload is None:
        return None
    return upload.table, UploadSource(Path("upload"), prebuilt=True, n_files=upload.n_used)


def use(upload: Upload | None) -> None:
    """Make ``upload`` this session's table (None: back to the bundled one); the filters start afresh."""
    if upload is None:
        st.session_state.pop(UPLOAD_KEY, None)
    else:
        st.session_state[UPLOAD_KEY] = upload
    # Chosen periods or targets may not exist in the other table: start from the defaults.
    st.session_state.pop(session.STATE_KEY, None)
    st.query_params.clear()


def banner() -> None:
    """While an upload is in use: say so in the sidebar, with the way back to the bundled corpus."""
    upload = st.session_state.get(UPLOAD_KEY)
    if upload is None:
        st.sidebar.page_link("pages/upload.py", label="Analyse your own texts", icon=":material/upload_file:")
        return
    n_used = upload.n_used
    st.sidebar.info(f"Your upload: {len(upload.table)} statements from {n_used} file{'s' if n_used != 1 else ''}")
    st.sidebar.button("Back to the bundled corpus", key="upload_back", on_click=use, args=(None,),
                      icon=":material/undo:")


def table_csv(table: pd.DataFrame) -> bytes:
    """Every column of the table as CSV; lists as JSON arrays, formula-like cells made inert."""
    out = table.copy()
    for column in out.columns:
        if out[column].map(lambda v: isinstance(v, (list, tuple)) or hasattr(v, "tolist")).any():
            out[column] = out[column].map(lambda v: json.dumps(list(v), ensure_ascii=False))
    return query.to_csv(out)


def table_parquet(table: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    table.to_parquet(buffer, index=False)
    return buffer.getvalue()


# --- the page's parts ---------------------------------------------------------------------------

def form() -> tuple[list[tuple[str, bytes]], Fields] | None:
    """The upload form; on submit, the uploaded ``(name, bytes)`` and the fields, else None."""
    with st.form("upload_form"):
        uploaded = st.file_uploader(
            "Texts", type=list(UPLOAD_TYPES), accept_multiple_files=True, key="upload_files",
            max_upload_size=MAX_UPLOAD_MB,
            help="txt, md, html, csv or jsonl files, or a zip of them (with an optional manifest.toml). "
                 f"At most {MAX_UPLOAD_MB} MB in all.",
        )
        st.caption("For the files that do not say (no manifest.toml, no such CSV column), these describe every file:")
        left, right = st.columns(2)
        outlet = left.text_input("Outlet", key="upload_outlet", max_chars=200, placeholder="e.g. TASS")
        actor = right.text_input("Actor (whose positions, e.g. RUS)", key="upload_actor", max_chars=20)
        period = left.number_input("Period (year under analysis)", min_value=1900, max_value=2100, value=None, step=1,
                                   key="upload_period", help="Empty: each file's year is read from its name or text.")
        date = right.date_input("Date", value=None, key="upload_date", min_value=dt.date(1900, 1, 1),
                                help="Published or event date; fallback for statements without their own.")
        fmt = left.selectbox("Format", ("detect", *FORMATS), key="upload_format",
                             help="How the texts are laid out; 'detect' lets the reader decide per file.")
        speaker = right.text_input("Default speaker", key="upload_speaker", max_chars=200,
                                   help="Whose words unattributed paragraphs are.")
        submitted = st.form_submit_button("Build the table", type="primary", key="upload_build")
    if not submitted:
        return None
    fields = Fields(outlet=outlet, actor=actor, period=int(period) if period is not None else None, date=date,
                    format=None if fmt == "detect" else fmt, speaker=speaker)
    return [(f.name, f.getvalue()) for f in uploaded or []], fields


class StageBars:
    """One progress bar per build stage, drawn before the build starts and filled by its ``progress`` calls.

    A stage the build names that is not in ``STAGES`` gets a bar of its own below the others.
    """

    def __init__(self) -> None:
        self._box = st.container(key="upload_progress")
        self._bars = {stage: self._box.progress(0.0, text=f"{label}: waiting") for stage, label in STAGES.items()}

    def __call__(self, stage: str, done: int, total: int) -> None:
        fraction, text = stage_progress(stage, done, total)
        if stage not in self._bars:
            self._bars[stage] = self._box.progress(0.0)
        self._bars[stage].progress(fraction, text=text)


def build(files: list[tuple[str, bytes]], fields: Fields) -> None:
    """Build with a progress bar per stage; on success make it this session's table and rerun, else one line of error.

    After an error the bars stay, showing how far the build got.
    """
    bars = StageBars()
    try:
        built = build_upload(files, fields, progress=bars)
    except UploadError as exc:
        st.error(f"error: {render.escape_markdown(str(exc))}")
        return
    use(built)
    st.rerun()


def show(upload: Upload) -> None:
    """The build report of the upload in use, a link to the pages, and its downloads."""
    skipped = [f for f in upload.files if f.status != "used"]
    st.success(f"Built {len(upload.table)} statements from {upload.n_used} files; every page now shows them.")
    for f in skipped[:20]:
        st.caption(f"⚠️ {render.escape_markdown(f'{f.path}: {f.reason}')}")
    if len(skipped) > 20:
        st.caption(f"…and {len(skipped) - 20} more skipped files, listed in the report below.")
    st.page_link("pages/overview.py", label="Explore your texts", icon=":material/arrow_forward:")
    st.subheader("Build report")
    st.dataframe(upload.report_frame(), key="upload_report", hide_index=True, width="stretch")
    st.caption("One row per file: used (with its statements) or skipped (with the reason).")
    dropped = upload.dropped_frame()
    st.subheader("Text that became no statement")
    if dropped.empty:
        st.caption("None: every span of text became a statement.")
    else:
        st.dataframe(dropped, key="upload_dropped", hide_index=True, width="stretch")
        st.caption(f"{int(dropped['spans'].sum())} spans dropped, by file and reason "
                   "(page furniture, bare frames such as 'he said', speaker labels, datelines).")
    left, right = st.columns(2)
    left.download_button("Download the table (Parquet)", table_parquet(upload.table), file_name="statements.parquet",
                         mime="application/octet-stream", key="upload_parquet")
    right.download_button("Download the table (CSV, every column)", table_csv(upload.table), file_name="statements.csv",
                          mime="text/csv", key="upload_csv")
