"""The build: input files become the statement table (Parquet) and a build report beside it.

``build_table`` runs read → segment (per document, independent) → enrich (corpus-wide) and
returns the table with a report of every input file, used or skipped, and of every span of text
that did not become a statement (page furniture, frames, labels), with the reason.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from rhetoric_shift import __version__
from rhetoric_shift.errors import InputError
from rhetoric_shift.read import Document, FileReport, NoUsableInput, read_inputs
from rhetoric_shift.schema import check_table, conform_table, table_from_records
from rhetoric_shift.segment import segment
from rhetoric_shift.spans import normalize_whitespace
from rhetoric_shift.speakers import SpeakerRegistry
from rhetoric_shift.targets import load_lexicon

log = logging.getLogger(__name__)
METADATA_KEY = b"rhetoric_shift"


@dataclass
class DocumentReport:
    """What segmentation made of one document."""

    doc_id: str
    path: str
    format: str
    n_statements: int
    kinds: dict[str, int]
    dropped: list[dict] = field(default_factory=list)


@dataclass
class BuildReport:
    files: list[FileReport]
    documents: list[DocumentReport]
    parameters: dict
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def n_statements(self) -> int:
        return sum(d.n_statements for d in self.documents)

    def lines(self) -> list[str]:
        """One line per input file, for the terminal."""
        counts = {d.doc_id: d.n_statements for d in self.documents}
        out = []
        for f in self.files:
            line = f.line()
            if f.status == "used":
                n = sum(counts.get(doc_id, 0) for doc_id in f.doc_ids)
                line += ("; " if f.notes else ": ") + f"{n} statements"
            out.append(line)
        return out

    def to_dict(self) -> dict:
        return {
            "rhetoric_shift_version": __version__,
            "parameters": self.parameters,
            "n_statements": self.n_statements,
            "seconds": self.seconds,
            "files": [asdict(f) for f in self.files],
            "documents": [asdict(d) for d in self.documents],
        }


@dataclass
class BuildResult:
    table: pd.DataFrame
    report: BuildReport


def segment_document(doc: Document, registry: SpeakerRegistry) -> tuple[list[dict], DocumentReport]:
    """The statement records of one document (segmentation columns only) and its report.

    A pure function of its inputs, so documents can be segmented in any order or in parallel.
    """
    meta = doc.meta
    result = segment(doc.text, format=meta.format, speaker=meta.speaker, date=meta.date, registry=registry)
    ids: list[str] = []
    records: list[dict] = []
    for seg in result.statements:
        char_start, char_end = doc.source_span(seg.start, seg.end)
        statement_id = f"{doc.doc_id}:{char_start:06d}"
        ids.append(statement_id)
        text = normalize_whitespace(doc.text[seg.start:seg.end])
        records.append({
            "statement_id": statement_id,
            "doc_id": doc.doc_id,
            "source": meta.source,
            "actor": meta.actor,
            "speaker": seg.speaker,
            "kind": seg.kind,
            "text": text,
            "char_start": char_start,
            "char_end": char_end,
            "date": pd.Timestamp(seg.date) if seg.date else None,
            "time": seg.time,
            "period": meta.period,
            "parent_id": ids[seg.parent] if seg.parent is not None else None,
            "n_words": len(text.split()),
        })
    dropped = [
        {"char_start": s, "char_end": e, "reason": d.reason, "text": normalize_whitespace(doc.text[d.start:d.end])}
        for d in result.dropped
        for s, e in [doc.source_span(d.start, d.end)]
    ]
    kinds = dict(sorted(Counter(r["kind"] for r in records).items()))
    return records, DocumentReport(doc.doc_id, doc.path, result.format, len(records), kinds, dropped)


def build_table(
    inputs: list[Path],
    manifest: Path | None = None,
    *,
    enrich: bool = True,
    targets_file: Path | None = None,
    speakers_file: Path | None = None,
    n_topics: int | None = None,
    random_state: int = 0,
) -> BuildResult:
    """Read ``inputs`` (files and folders), segment every document and, with ``enrich``, fill the analysis columns.

    Raises ``InputError`` when the build cannot go on (a missing path, a broken manifest, no usable input).
    """
    clock = time.perf_counter()
    # Read the user's lexicons first: a mistake in one should stop the build before any work.
    registry = SpeakerRegistry.load(speakers_file)
    if enrich:
        load_lexicon(targets_file)
    documents, files = read_inputs([Path(p) for p in inputs], manifest)
    seconds = {"read": time.perf_counter() - clock}
    if not documents:
        raise NoUsableInput(inputs, files)
    clock = time.perf_counter()
    records: list[dict] = []
    doc_reports: list[DocumentReport] = []
    for doc in documents:
        doc_records, doc_report = segment_document(doc, registry)
        records.extend(doc_records)
        doc_reports.append(doc_report)
    table = table_from_records(records)
    seconds["segment"] = time.perf_counter() - clock
    if enrich:
        from rhetoric_shift.enrich import enrich as enrich_table

        clock = time.perf_counter()
        table = enrich_table(table, targets_file=targets_file, n_topics=n_topics, random_state=random_state)
        seconds["enrich"] = time.perf_counter() - clock
    problems = check_table(table)
    if problems:  # a bug, not a user's mistake: fail loudly
        raise AssertionError("built table breaks its contract: " + "; ".join(problems))
    parameters = {
        "inputs": [str(p) for p in inputs],
        "manifest": str(manifest) if manifest else None,
        "enrich": enrich,
        "targets_file": str(targets_file) if targets_file else None,
        "speakers_file": str(speakers_file) if speakers_file else None,
        "n_topics": n_topics,
        "random_state": random_state,
    }
    return BuildResult(table, BuildReport(files, doc_reports, parameters, {k: round(v, 3) for k, v in seconds.items()}))


def report_path(table_path: Path) -> Path:
    """Where the build report of ``table_path`` is stored: ``x.parquet`` → ``x.build.json``."""
    return Path(table_path).with_suffix(".build.json")


def write_table(result: BuildResult, out: Path) -> Path:
    """Write the table to ``out`` (Parquet, with build parameters in its metadata) and the report beside it."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    arrow = pa.Table.from_pandas(result.table, preserve_index=False)
    summary = {"rhetoric_shift_version": __version__, "parameters": result.report.parameters}
    metadata = dict(arrow.schema.metadata or {})
    metadata[METADATA_KEY] = json.dumps(summary).encode()
    pq.write_table(arrow.replace_schema_metadata(metadata), out)
    path = report_path(out)
    path.write_text(json.dumps(result.report.to_dict(), indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    return path


def read_table(path: Path) -> pd.DataFrame:
    """Read a statement table written by ``write_table``; raises ``InputError`` if it is not one."""
    try:
        table = pd.read_parquet(path)
    except FileNotFoundError:
        raise InputError(path, "no such file; build one with `rhetoric-shift build --out FILE`") from None
    except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
        raise InputError(path, f"not a readable Parquet file ({type(exc).__name__}); build one with `rhetoric-shift build`") from None
    problems = check_table(table)
    if problems and not problems[0].startswith("missing columns"):
        table = conform_table(table)  # Parquet returns lists as arrays and may widen dtypes
        problems = check_table(table)
    if problems:
        raise InputError(path, "not a statement table: " + "; ".join(problems[:3]))
    return table
