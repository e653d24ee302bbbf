"""The build: input files become the statement table (Parquet) and a build report beside it.

``build_table`` runs in tasks of whole documents up to ``BATCH_BYTES`` of input each (a document
with more than ``BATCH_ROWS`` statements is analysed in slices of rows, one task each):

1. sample: the documents the corpus-wide models are fitted on (a bounded, seeded sample chosen
   by a hash of their ids) are read and segmented first;
2. read + segment + apply, and fit: each batch is segmented and analysed in one task
   (``segment_apply_batch``, a pure function of the batch and the lexicon), run by an engine
   (local processes or Dask, see ``engine``), while this process fits the corpus-wide models on
   the sample; a UN General Debate archive is streamed, one batch at a time;
3. as the batches come back, this process places their statements on the topics and the map
   (from each statement's term codes);
4. finish: the duplicate groups, over the whole table, again on the engine.

Results come back in input order, so the table is the same whatever the engine and the number of
workers. The report lists every input file, used or skipped, and every span of text that did not
become a statement, with the reason. ``write_table`` writes the table and report to temporary
files and renames both into place together.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import heapq
import itertools
import json
import logging
import os
import shutil
import signal
import sys
import time
from array import array
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from rhetoric_shift import __version__, ungdc
from rhetoric_shift.analysis import analyse_batch
from rhetoric_shift.engine import Engine, LocalEngine, Prefetch
from rhetoric_shift.errors import InputError
from rhetoric_shift.read import Document, FileReport, NoUsableInput, read_inputs
from rhetoric_shift.schema import COLUMN_NAMES, MODELS_ATTR, PRESS, check_table, conform_table, empty_table, table_from_records
from rhetoric_shift.segment import Segmentation, findings, segment
from rhetoric_shift.spans import normalize_whitespace
from rhetoric_shift.speakers import SpeakerRegistry
from rhetoric_shift.targets import load_lexicon

log = logging.getLogger(__name__)
METADATA_KEY = b"rhetoric_shift"
# A task holds whole documents up to BATCH_BYTES of input (large enough to amortise a task, small
# enough to balance the workers) and at most BATCH_DOCUMENTS of them, so tasks are even whether a
# document is a CSV row or a book. A document with more than BATCH_ROWS statements is analysed in
# slices of that many rows, one task each; one larger than HUGE_BYTES is segmented before it is cut.
# On the UN corpus (about 100 speeches a task) 2 MB tasks built in 36 s where 0.5 MB ones took 42 s
# (1 MB: 39 s, 4 MB: 37 s), with Dask 41 s against 47 s.
BATCH_BYTES = 2_000_000
BATCH_DOCUMENTS = 5_000
BATCH_ROWS = 4_000
HUGE_BYTES = 2_000_000
LARGE_TABLE_ROWS = 2_000_000  # above this a table is written as a dataset partitioned by period
PARTITION = "period"
SAMPLE_BYTES = 16_000_000  # the most input the corpus-wide models are fitted on: about 30,000 paragraphs of UN speeches
SAMPLE_SHARE = 0.1  # below that cap, the share of the input fitted on, so a smaller corpus pays proportionally less
SAMPLE_MIN_BYTES = 2_000_000  # but never fewer than this (about 4,000 paragraphs): a small corpus is fitted whole
STAGES = ("fit", "read+segment", "apply", "finish")  # the stages ``build_table`` reports progress of, in order
USED_LINES = 20  # report files one by one up to this many; more are summed up per folder or archive


@dataclass(slots=True)  # no per-instance dict: a million CSV rows are a million reports
class DocumentReport:
    """What segmentation made of one document."""

    doc_id: str
    path: str
    format: str
    n_statements: int
    kinds: dict[str, int]
    dropped: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what segmentation found, and hints
    speaker: str | None = None
    post: str | None = None


@dataclass
class BuildReport:
    files: list[FileReport]
    documents: list[DocumentReport]
    parameters: dict
    seconds: dict[str, float] = field(default_factory=dict)
    filtered: int = 0  # documents left out by --actors/--years
    engine: str = ""
    models: str = ""  # how the corpus-wide models were fitted (sample, topics and how k was chosen), for the Method page

    @property
    def n_statements(self) -> int:
        return sum(d.n_statements for d in self.documents)

    def lines(self) -> list[str]:
        """One line per input file for the terminal; past ``USED_LINES`` used files, one line per folder or archive."""
        counts = {d.doc_id: d.n_statements for d in self.documents}
        notes = {d.doc_id: d.notes for d in self.documents}
        used = [f for f in self.files if f.status == "used"]
        out = []
        for f in self.files:
            if f.status == "used" and len(used) > USED_LINES:
                continue
            line = f.line()
            if f.status == "used":
                n = sum(counts.get(doc_id, 0) for doc_id in f.doc_ids)
                line += ("; " if f.notes else ": ") + f"{n} statements"
                if len(f.doc_ids) == 1 and notes.get(f.doc_ids[0]):
                    line += "\n         " + "; ".join(notes[f.doc_ids[0]])
            out.append(line)
        if len(used) > USED_LINES:
            by_root = Counter(_root_of(f.path) for f in used)
            statements = Counter()
            for f in used:
                statements[_root_of(f.path)] += sum(counts.get(doc_id, 0) for doc_id in f.doc_ids)
            out += [f"{'used':8} {root}: {n:,} files, {statements[root]:,} statements" for root, n in by_root.items()]
        if self.filtered:
            out.append(f"{'filtered':8} {self.filtered:,} documents outside --actors/--years")
        return out

    def to_dict(self, documents: bool = True) -> dict:
        """Everything in the report (``documents``: with the list of documents, the last key)."""
        out = {
            "rhetoric_shift_version": __version__,
            "parameters": self.parameters,
            "engine": self.engine,
            "models": self.models,
            "n_statements": self.n_statements,
            "filtered": self.filtered,
            "seconds": self.seconds,
            "files": [asdict(f) for f in self.files],
        }
        if documents:
            out["documents"] = [asdict(d) for d in self.documents]
        return out


def _root_of(path: str) -> str:
    """The archive a member path belongs to, else the file's folder."""
    for suffix in ungdc.ARCHIVE_SUFFIXES:
        cut = path.lower().find(suffix + "/")
        if cut >= 0:
            return path[: cut + len(suffix)]
    return str(Path(path).parent)


@dataclass
class BuildResult:
    table: pd.DataFrame
    report: BuildReport


def statement_actor(speaker: str | None, document_actor: str, registry: SpeakerRegistry, found: dict[str, str] | None = None) -> str | None:
    """The state whose position a statement is: its speaker's country where the registry knows it, or
    where the text ties the speaker to one (``found``: "a senior US official" → USA; "" for people the
    text introduces without a state: an NGO head); none for the press; the document's actor otherwise
    (its own speaker, narration, unknown transcript labels)."""
    if speaker == PRESS:
        return None
    known = registry.country(speaker)
    if known:
        return known
    if speaker in (found or {}):  # a person or body the text introduced: only the state it ties them to
        return found[speaker] or None
    return document_actor


def segment_document(doc: Document, registry: SpeakerRegistry) -> tuple[list[dict] | DocumentRecords, DocumentReport]:
    """The statement records of one document (segmentation columns only) and its report.

    A pure function of its inputs, so documents can be segmented in any order or in parallel.
    A document with more than ``BATCH_ROWS`` statements gets its records as a ``DocumentRecords``,
    which makes them on demand, so a huge document's records are never all held at once.
    """
    meta = doc.meta
    result = segment(doc.text, format=meta.format, speaker=meta.speaker, date=meta.date, registry=registry)
    statements = DocumentRecords(doc, result, registry)
    records = statements if len(statements) > BATCH_ROWS else statements.rows(range(len(statements)))
    dropped = [
        {"char_start": s, "char_end": e, "reason": d.reason, "text": normalize_whitespace(doc.text[d.start:d.end])}
        for d in result.dropped
        for s, e in [doc.source_span(d.start, d.end)]
    ] + [{"char_start": r.start, "char_end": r.end, "reason": r.reason, "text": r.text} for r in doc.removed]
    kinds = dict(sorted(Counter(seg.kind for seg in result.statements).items()))
    # Interned: the notes of many small documents repeat ("format paragraphs ...") and are then held once per batch.
    notes = [sys.intern(note) for note in findings(result, format_given=meta.format is not None, date=meta.date, removed_before=len(doc.removed))]
    return records, DocumentReport(doc.doc_id, doc.path, result.format, len(statements), kinds, dropped, notes, meta.speaker)


class DocumentRecords(Sequence):
    """The statement records of one segmented document, made on demand from compact columns.

    In: the document, its segmentation and the speaker registry. A sequence of the same dicts
    ``segment_document`` makes for a small document; ``rows(positions)`` makes some of them, and
    ``ancestors(start, stop)`` names the statements before ``start`` that rows ``start:stop``
    belong to (their heading, its question), so a slice of rows can be analysed apart from the
    rest of the document and still inherit its headings' targets.
    """

    _ROWS_AT_ONCE = 10_000

    def __init__(self, doc: Document, result: Segmentation, registry: SpeakerRegistry) -> None:
        self.doc = doc
        self.registry = registry
        self.countries = result.countries
        segs = result.statements
        self.starts = array("q", [s.start for s in segs])
        self.ends = array("q", [s.end for s in segs])
        self.parents = array("q", [-1 if s.parent is None else s.parent for s in segs])
        # Few distinct values: the lists hold references to shared objects.
        self.kinds = [s.kind for s in segs]
        self.speakers = [s.speaker for s in segs]
        self.dates = [s.date for s in segs]
        self.times = [s.time for s in segs]

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.rows(range(len(self))[index])
        return self.rows([range(len(self))[index]])[0]

    def __iter__(self) -> Iterator[dict]:
        for start in range(0, len(self), self._ROWS_AT_ONCE):
            yield from self.rows(range(start, min(len(self), start + self._ROWS_AT_ONCE)))

    def statement_id(self, i: int) -> str:
        return f"{self.doc.doc_id}:{self.doc.source_span(self.starts[i], self.ends[i])[0]:06d}"

    def rows(self, positions: Iterable[int]) -> list[dict]:
        """The records of the statements at ``positions``, in that order."""
        doc, meta, records = self.doc, self.doc.meta, []
        for i in positions:
            start, end = self.starts[i], self.ends[i]
            char_start, char_end = doc.source_span(start, end)
            text = normalize_whitespace(doc.text[start:end])
            date, parent = self.dates[i], self.parents[i]
            records.append({
                "statement_id": f"{doc.doc_id}:{char_start:06d}",
                "doc_id": doc.doc_id,
                "source": meta.source,
                "actor": statement_actor(self.speakers[i], meta.actor, self.registry, self.countries),
                "speaker": self.speakers[i],
                "kind": self.kinds[i],
                "text": text,
                "char_start": char_start,
                "char_end": char_end,
                "date": pd.Timestamp(date) if date else None,
                "time": self.times[i],
                "period": meta.period,
                "parent_id": self.statement_id(parent) if parent >= 0 else None,
                "n_words": text.count(" ") + 1,  # normalised, non-empty: one space between words
            })
        return records

    def ancestors(self, start: int, stop: int) -> list[int]:
        """Positions before ``start`` that a statement in ``start:stop`` belongs to, directly or through its parent, in order."""
        found: set[int] = set()
        for parent in set(self.parents[start:stop]):
            while 0 <= parent < start and parent not in found:  # parents come before their statements
                found.add(parent)
                parent = self.parents[parent]
        return sorted(found)


@dataclass
class SegmentedBatch:
    """The statements of one batch of documents, their reports, and the work it took."""

    table: pd.DataFrame
    documents: list[DocumentReport]
    files: list[FileReport]  # report lines made while reading (corpus speeches); other files are reported by read_inputs
    weight: int  # characters or bytes of input, for progress
    seconds: dict[str, float]
    n_context: int = 0  # leading rows of ``table`` that are a slice's ``context``, not statements of the batch


@dataclass
class SegmentedDocument:
    """One document already segmented (its records and report lines), handed to a later batch as it is.

    The documents the models are fitted on are segmented before the fit; the pass that applies
    the models takes them in this form, so no document is segmented twice.
    """

    records: list[dict] | DocumentRecords
    document: DocumentReport | None
    file: FileReport | None
    weight: int
    seconds: dict[str, float] = field(default_factory=dict)  # the reading and segmenting it took
    context: list[dict] = field(default_factory=list)  # a slice of a document's rows: the headings and questions they belong to


def _weight(item: Document | ungdc.Speech | SegmentedDocument) -> int:
    """Characters or bytes of input of one item, for progress and the fit sample's budget."""
    if isinstance(item, SegmentedDocument):
        return item.weight
    return len(item.data) if isinstance(item, ungdc.Speech) else len(item.text)


def _identity(item: Document | ungdc.Speech) -> tuple[str, str]:
    """(document id, path): one item of the input, the same in every pass over it."""
    return (item.meta.doc_id, item.path) if isinstance(item, ungdc.Speech) else (item.doc_id, item.path)


def segment_item(item: Document | ungdc.Speech, registry: SpeakerRegistry, seconds: dict[str, float] | None = None) -> SegmentedDocument:
    """Decode (a corpus speech) and segment one document; adds the CPU time taken to ``seconds["read"]``, ``["segment"]``.

    CPU time of this process, not wall time: on a shared machine the wall time says more about
    the neighbours than about the work.
    """
    seconds = seconds if seconds is not None else {"read": 0.0, "segment": 0.0}
    clock = time.process_time()
    post, file = None, None
    if isinstance(item, ungdc.Speech):
        doc, file = ungdc.read_speech(item)
        seconds["read"] = seconds.get("read", 0.0) + time.process_time() - clock
        if doc is None:
            return SegmentedDocument([], None, file, len(item.data), seconds)
        post = item.post
    else:
        doc = item
    clock = time.process_time()
    records, report = segment_document(doc, registry)
    report.post = post
    seconds["segment"] = seconds.get("segment", 0.0) + time.process_time() - clock
    return SegmentedDocument(records, report, file, _weight(item), seconds)


def segment_batch(items: list[Document | ungdc.Speech | SegmentedDocument], registry: SpeakerRegistry, with_context: bool = False) -> SegmentedBatch:
    """Decode (corpus speeches) and segment a batch of documents: a pure function of its inputs.

    A ``SegmentedDocument`` is taken as it is. ``with_context``: the table starts with the
    ``context`` rows of the items (``n_context`` of them), for the analysis to read.
    """
    seconds = {"read": 0.0, "segment": 0.0}
    context: list[dict] = []
    records: list[dict] = []
    documents: list[DocumentReport] = []
    files: list[FileReport] = []
    weight = 0
    for item in items:
        done = item if isinstance(item, SegmentedDocument) else segment_item(item, registry, seconds)
        weight += done.weight
        records.extend(done.records)
        if with_context:
            context.extend(done.context)
        if done.file is not None:
            files.append(done.file)
        if done.document is not None:
            documents.append(done.document)
    table = table_from_records(context + records) if records else empty_table()
    return SegmentedBatch(table, documents, files, weight, seconds, len(context) if records else 0)


def segment_items(items: list[Document | ungdc.Speech], registry: SpeakerRegistry) -> list[SegmentedDocument]:
    """``segment_item`` of each item: the documents of the fit sample, kept one by one for the later pass."""
    return [segment_item(item, registry, {"read": 0.0, "segment": 0.0}) for item in items]


def segment_apply_batch(items: list[Document | ungdc.Speech | SegmentedDocument], shared: tuple) -> SegmentedBatch:
    """Segment a batch of documents and fill the analysis columns that need no fitted model.

    ``shared``: (speaker registry, ``targets.Lexicon``). The batch's table comes back with
    ``analysis.analyse_batch``'s columns (and its helper column for ``enrich.finish``), so the
    segmented table never travels between processes.
    """
    registry, lexicon = shared
    batch = segment_batch(items, registry, with_context=True)
    clock = time.process_time()
    batch.table = analyse_batch(batch.table, lexicon)
    if batch.n_context:  # rows read only so that the slice's statements inherit their headings' targets
        batch.table = batch.table.iloc[batch.n_context:].reset_index(drop=True)
        batch.n_context = 0
    batch.seconds["apply"] = time.process_time() - clock
    return batch


def _check_unique_ids(reports: list[DocumentReport]) -> None:
    """Ids are unique within the files ``read_inputs`` reads and within a corpus; this checks across both."""
    seen: dict[str, str] = {}
    for doc in reports:
        if seen.setdefault(doc.doc_id, doc.path) != doc.path:
            raise InputError(doc.path, f"document id {doc.doc_id!r} is also used by {seen[doc.doc_id]}; give each document its own id")


Progress = Callable[[str, int, int], None]


def build_table(
    inputs: list[Path],
    manifest: Path | None = None,
    *,
    enrich: bool = True,
    targets_file: Path | None = None,
    speakers_file: Path | None = None,
    n_topics: int | None = None,
    random_state: int = 0,
    actors: Collection[str] | None = None,
    years: tuple[int, int] | None = None,
    engine: Engine | None = None,
    batch_documents: int = BATCH_DOCUMENTS,
    sample_bytes: int = SAMPLE_BYTES,
    progress: bool | Progress = False,
) -> BuildResult:
    """Read ``inputs`` (files, folders, UN General Debate archives), segment every document and, with ``enrich``, fill the analysis columns.

    ``actors`` (ISO codes) and ``years`` (inclusive first, last) keep only matching documents.
    ``engine`` runs the batches (default: this process, or local worker processes for several
    batches). With ``enrich``, the corpus-wide models are fitted on the documents with the
    smallest hash of their id, up to ``sample_bytes`` of input (all of a smaller corpus), while
    each batch is segmented and analysed in one task; the topics and duplicate groups follow.
    ``progress``: True draws progress bars with
    an ETA on stderr; a callable ``progress(stage, done, total)`` is called as each batch of each
    stage completes, with stage one of ``STAGES`` and ``done``/``total`` in the stage's units
    (bytes of input for "fit", "read+segment" and "apply"; statements for "finish"). Raises
    ``InputError`` when the build cannot go on (a missing path, a broken manifest, no usable input).
    """
    with contextlib.nullcontext(engine) if engine is not None else LocalEngine() as engine, _heap_frozen() as keep:
        return _build(inputs, manifest, engine, batch_documents, _Progress(progress), keep, enrich=enrich, targets_file=targets_file,
                      speakers_file=speakers_file, n_topics=n_topics, random_state=random_state, actors=actors, years=years,
                      sample_bytes=sample_bytes)


@contextlib.contextmanager
def _heap_frozen() -> Iterator[Callable[[], None]]:
    """A ``keep()`` that exempts every object alive from the cyclic collector's scans (``gc.freeze``); on exit all are scanned again.

    The main process gathers the table batch by batch: millions of lists and dicts that live to
    the end of the build and form no cycles. Each full collection would scan them all again (in
    a build of the UN corpus, 16 collections took 2.4 s, and while one runs the workers wait for
    tasks and Dask's scheduler thread waits too); ``keep()`` after each batch spares them.
    Reference counting still frees whatever the build lets go of. In a process that already
    froze objects of its own, ``keep`` does nothing, so theirs stay frozen.
    """
    if gc.get_freeze_count():
        yield lambda: None
        return
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


def _build(inputs, manifest, engine: Engine, batch_documents: int, progress: "_Progress", keep: Callable[[], None], *, enrich, targets_file, speakers_file,
           n_topics, random_state, actors, years, sample_bytes) -> BuildResult:
    seconds: dict[str, float] = {}  # wall seconds of each stage; "(worker CPU)": CPU seconds summed over the batches
    clock, cpu_start = time.perf_counter(), time.process_time()
    # Read the user's lexicons first: a mistake in one should stop the build before any work.
    registry = SpeakerRegistry.load(speakers_file)
    lexicon = load_lexicon(targets_file) if enrich else None
    inputs = [Path(p) for p in inputs]
    actor_set = {a.strip().upper() for a in actors} if actors else None
    corpora = [p for p in inputs if ungdc.is_corpus(p)]
    others = [p for p in inputs if p not in corpora]
    documents, files = read_inputs(others, manifest) if others else ([], [])
    kept = [d for d in documents if _wanted(d.meta.actor, d.meta.period, actor_set, years)]
    n_read, n_kept = len(documents), len(kept)
    del documents
    total = sum(len(d.text) for d in kept) + sum(ungdc.corpus_bytes(c) for c in corpora)

    def items(scans: list[ungdc.CorpusScan], last: bool = False) -> Iterator:
        """The input's documents and speeches, in order; each call is a new pass over the corpora.

        ``last``: the final pass, which lets go of each document once it is handed on, so the
        documents and the table they become are not held together.
        """
        streams = [ungdc.iter_speeches(c, actors=actor_set, years=years, scan=s) for c, s in zip(corpora, scans)]
        return itertools.chain(_drain(kept) if last else kept, *streams)

    seconds["read_main"] = time.perf_counter() - clock
    worker_seconds: Counter = Counter()
    frames: list[pd.DataFrame] = []
    doc_reports: list[DocumentReport] = []
    scans = [ungdc.CorpusScan() for _ in corpora]
    models = None
    clock = time.perf_counter()
    with contextlib.ExitStack() as later:
        if enrich:
            sample = sample_documents(items([ungdc.CorpusScan() for _ in corpora]), sample_budget(total, sample_bytes), random_state)
            with progress.stages(("fit",), sum(_weight(i) for i in sample)):
                fit_table, n_fit_documents, segmented = _segment_sample(sample, registry, engine, batch_documents, progress, keep, worker_seconds)
                del sample
                # The workers segment and analyse the batches while this process fits the models.
                tasks = _tasks(_segmented_or_not(items(scans, last=True), segmented), registry, batch_documents, worker_seconds)
                batches = later.enter_context(Prefetch(engine.map(segment_apply_batch, tasks, shared=(registry, lexicon))))
                models = _fit(fit_table, n_fit_documents, seconds, targets_file=targets_file, n_topics=n_topics, random_state=random_state)
                del fit_table
                keep()  # the models
            seconds["fit"] = time.perf_counter() - clock
            clock = time.perf_counter()
            # Placing a batch's topics costs less here, while the workers go on, than shipping them the model.
            placed = (_placed(batch, models) for batch in batches)
            _gather(placed, ("read+segment", "apply"), total, progress, keep, frames, doc_reports, files, worker_seconds)
            seconds["read+segment+apply"] = time.perf_counter() - clock  # what is left of the pass once the models are fitted
        else:
            tasks = _tasks(items(scans, last=True), registry, batch_documents, worker_seconds)
            _gather(engine.map(segment_batch, tasks, shared=registry), ("read+segment",), total, progress, keep, frames, doc_reports, files, worker_seconds)
            seconds["read+segment"] = time.perf_counter() - clock
    for scan in scans:
        files.extend(scan.skipped)
    seconds.update({f"{k} (worker CPU)": v for k, v in worker_seconds.items()})
    filtered = n_read - n_kept + sum(s.filtered for s in scans)
    if not doc_reports:
        if filtered:
            raise InputError(", ".join(map(str, inputs)), f"no document matches the filters (--actors/--years left out {filtered:,}); widen them")
        raise NoUsableInput(inputs, files)
    _check_unique_ids(doc_reports)
    table = _concat(frames)
    del frames
    keep()  # the table, while the duplicates are grouped
    description = ""
    if enrich:
        clock = time.perf_counter()
        with progress.stages(("finish",), len(table)):
            table = _finish(models, table, engine)
            progress.advance(("finish",), len(table))
        seconds["finish"] = time.perf_counter() - clock
        models.n_table, models.n_documents = len(table), len(doc_reports)
        description = models.method_text()
    table.attrs[MODELS_ATTR] = description
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
        "actors": sorted(actor_set) if actor_set else None,
        "years": list(years) if years else None,
    }
    seconds["main process CPU"] = time.process_time() - cpu_start
    report = BuildReport(files, doc_reports, parameters, {k: round(v, 3) for k, v in seconds.items()}, filtered, _engine_name(engine), description)
    return BuildResult(table, report)


def _gather(batches: Iterable[SegmentedBatch], stages: tuple[str, ...], total: int, progress: "_Progress", keep: Callable[[], None],
            frames: list[pd.DataFrame], doc_reports: list[DocumentReport], files: list[FileReport], worker_seconds: Counter) -> None:
    """Take the batches as they come, in order: their tables to ``frames``, their reports and work to the other lists."""
    with progress.stages(stages, total):
        for batch in batches:
            frames.append(batch.table)
            doc_reports.extend(batch.documents)
            files.extend(batch.files)
            worker_seconds.update(batch.seconds)
            progress.advance(stages, batch.weight)
            keep()  # the batch stays to the end: see _heap_frozen


def _placed(batch: SegmentedBatch, models) -> SegmentedBatch:
    """``batch`` with its statements placed on the topics and the map (``enrich.place_topics``)."""
    from rhetoric_shift.enrich import place_topics

    if len(batch.table):
        place_topics(models, batch.table)
    return batch


def _drain(items: list) -> Iterator:
    """The items of a list in order, each removed from the list as it is handed out."""
    items.reverse()
    while items:
        yield items.pop()


def _wanted(actor: str, period: int | None, actors: set[str] | None, years: tuple[int, int] | None) -> bool:
    if actors and (actor or "").upper() not in actors:
        return False
    return not years or (period is not None and years[0] <= period <= years[1])


def _chunks(items: Iterable, size: int, max_bytes: int | None = None) -> Iterator[list]:
    """Consecutive items, ``size`` at most per chunk, a chunk closed once it holds ``max_bytes`` of input.

    An item that is a list is already a chunk (a slice of a document, see ``_tasks``): it comes alone.
    """
    max_bytes = max_bytes or BATCH_BYTES
    chunk: list = []
    weight = 0
    for item in items:
        if isinstance(item, list):
            if chunk:
                yield chunk
                chunk, weight = [], 0
            yield item
            continue
        chunk.append(item)
        weight += _weight(item)
        if len(chunk) >= size or weight >= max_bytes:
            yield chunk
            chunk, weight = [], 0
    if chunk:
        yield chunk


def _tasks(items: Iterable, registry: SpeakerRegistry, size: int, seconds: Counter, rows: int | None = None) -> Iterator[list]:
    """The tasks of the pass that segments and applies: ``_chunks`` of the items, but a document
    with more than ``rows`` statements in slices of ``rows`` statements, one task each.

    A document larger than ``HUGE_BYTES`` not yet segmented (by the fit) is segmented here, in
    this process, so that it can be cut (its CPU time added to ``seconds``).
    """
    def whole(items: Iterable) -> Iterator:
        for item in items:
            if isinstance(item, Document) and len(item.text) > HUGE_BYTES:
                item = segment_item(item, registry)
                seconds.update(item.seconds)
                item.seconds = {}
            if isinstance(item, SegmentedDocument) and isinstance(item.records, DocumentRecords):
                yield from ([piece] for piece in _slices(item, rows))
            else:
                yield item

    rows = rows or BATCH_ROWS
    return _chunks(whole(items), size)


def _slices(done: SegmentedDocument, rows: int) -> Iterator[SegmentedDocument]:
    """A segmented document as slices of ``rows`` statements, each with the statements it belongs to as context.

    The first slice carries the document's report lines; the input's size is shared out by rows.
    """
    statements = done.records
    n = len(statements)
    for start in range(0, n, rows):
        stop = min(n, start + rows)
        first = start == 0
        yield SegmentedDocument(
            statements.rows(range(start, stop)), done.document if first else None, done.file if first else None,
            done.weight * stop // n - done.weight * start // n, context=statements.rows(statements.ancestors(start, stop)),
        )


def _engine_name(engine: Engine) -> str:
    return f"{type(engine).__name__}({engine.n_workers} workers)"


def document_key(doc_id: str, random_state: int = 0) -> int:
    """A document's place in the fit sample's order: a 64-bit hash of its id, stable across processes and runs."""
    digest = hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=8, key=str(random_state).encode()).digest()
    return int.from_bytes(digest, "big")


def sample_documents(items: Iterable, budget: int, random_state: int = 0) -> list:
    """The items with the smallest ``document_key`` whose sizes add up to at most ``budget`` (at least one), in input order.

    One pass, holding at most the sample: an item leaves the running sample when smaller keys
    fill the budget without it. The result depends only on the items' ids and sizes, not on
    their order or on how the input is later cut into batches.
    """
    heap: list[tuple[int, str, int, int, object]] = []  # (-key, -id order, size, position, item): the largest key on top
    size_sum = 0
    for position, item in enumerate(items):
        doc_id = _identity(item)[0]
        size = _weight(item)
        heapq.heappush(heap, (-document_key(doc_id, random_state), _negated(doc_id), size, position, item))
        size_sum += size
        while size_sum > budget and len(heap) > 1:
            size_sum -= heapq.heappop(heap)[2]
    return [entry[4] for entry in sorted(heap, key=lambda entry: entry[3])]


def _negated(text: str) -> tuple[int, ...]:
    """A key that sorts strings in reverse order (ties of the hash, never seen in practice, go by id)."""
    return tuple(-ord(c) for c in text) + (1,)


def sample_budget(total_bytes: int, cap: int = SAMPLE_BYTES, share: float = SAMPLE_SHARE, minimum: int = SAMPLE_MIN_BYTES) -> int:
    """How many bytes of an input of ``total_bytes`` the corpus-wide models are fitted on.

    ``share`` of the input, but at least ``minimum`` and at most ``cap``: the fit's cost then grows
    with the corpus up to the cap and stays bounded after it, so the build's time per statement
    does not depend on the corpus size.
    """
    return int(min(cap, max(minimum, share * total_bytes)))


def _segment_sample(sample: list, registry: SpeakerRegistry, engine: Engine, batch_documents: int, progress: "_Progress",
                    keep: Callable[[], None], worker_seconds: Counter) -> tuple[pd.DataFrame, int, dict]:
    """Segment the fit sample's documents on ``engine``, advancing the "fit" stage.

    Returns their table, how many of them are documents (not skipped files), and each of them
    segmented, by ``_identity``: the pass over the whole input takes these as they are, so no
    document is segmented twice.
    """
    segmented: dict[tuple[str, str], SegmentedDocument] = {}
    records: list[dict] = []
    chunks = list(_chunks(sample, _task_size(len(sample), engine.n_workers, batch_documents)))
    for chunk, done in zip(chunks, engine.map(segment_items, chunks, shared=registry)):
        for item, one in zip(chunk, done):
            segmented[_identity(item)] = one
            records.extend(one.records)
            worker_seconds.update(one.seconds)
        progress.advance(("fit",), sum(one.weight for one in done))
        keep()  # the sample stays until the models are fitted: see _heap_frozen
    table = table_from_records(records) if records else empty_table()
    return table, sum(1 for one in segmented.values() if one.document is not None), segmented


def _segmented_or_not(items: Iterable, segmented: dict) -> Iterator:
    """``items``, each taken from ``segmented`` (by ``_identity``) where it is there, and let go of there."""
    for item in items:
        yield segmented.pop(_identity(item), item)


def _fit(table: pd.DataFrame, n_documents: int, seconds: dict[str, float], **options):
    """The corpus-wide models (``enrich.EnrichModels``), fitted on the table of the sample's ``n_documents`` documents."""
    from rhetoric_shift import enrich as enrichment

    clock = time.perf_counter()
    models = enrichment.fit_models(table, **options)
    seconds["fit: models only"] = time.perf_counter() - clock
    models.n_documents_sample = n_documents
    return models


def _task_size(n_items: int, n_workers: int, batch_documents: int) -> int:
    """Documents per task so that ``n_items`` make about two tasks per worker, at most ``batch_documents``."""
    return max(1, min(batch_documents, -(-n_items // (2 * max(1, n_workers)))))


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    if not frames:
        return empty_table()
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)


def _finish(models, table: pd.DataFrame, engine: Engine) -> pd.DataFrame:
    from rhetoric_shift import enrich as enrichment

    return enrichment.finish(models, table, copy=False, engine=engine)


class _Progress:
    """The build's progress: terminal bars (``True``), a callable ``progress(stage, done, total)``, or nothing."""

    def __init__(self, progress: bool | Progress) -> None:
        self.callback = progress if callable(progress) else None
        self.bars = bool(progress) and self.callback is None
        self.done: dict[str, int] = {}
        self.total: dict[str, int] = {}
        self._bar = None

    @contextlib.contextmanager
    def stages(self, names: tuple[str, ...], total: int):
        """Stages that advance together over ``total`` units (the pass that segments and applies is two)."""
        for name in names:
            self.done[name], self.total[name] = 0, total
            self._call(name)
        with _bar(self.bars, total, "+".join(names), unit="statements" if names == ("finish",) else "B") as bar:
            self._bar = bar
            yield self
            for name in names:  # archive headers and skipped files count in the total but not in any batch
                self.done[name] = self.total[name]
                self._call(name)
        self._bar = None

    def advance(self, names: tuple[str, ...], n: int) -> None:
        for name in names:
            self.done[name] = min(self.total[name], self.done[name] + n)
            self._call(name)
        if self._bar is not None:
            self._bar.update(n)

    def _call(self, name: str) -> None:
        if self.callback is not None:
            self.callback(name, self.done[name], self.total[name])


@contextlib.contextmanager
def _bar(enabled: bool, total: int, desc: str, unit: str):
    """A tqdm progress bar with an ETA on stderr, or a stand-in that draws nothing.

    Drawn only on a terminal: in a log or a pipe the carriage returns would be noise.
    """
    if not enabled or not sys.stderr.isatty():
        yield _NoBar()
        return
    from tqdm import tqdm

    bar = None
    try:
        bar = tqdm(total=total, desc=desc, unit=unit, unit_scale=True, file=sys.stderr, mininterval=0.5, leave=True, dynamic_ncols=True)
        yield bar
        if bar.n < total:
            bar.update(total - bar.n)  # archive headers and skipped files count in the total but not in any batch
        bar.close()
    except BaseException:
        if bar is not None:
            bar.close()  # nothing more to draw when the signal came while it was closing
        sys.stderr.write("\n")  # a signal may cut the bar mid-line: the message that follows starts a line of its own
        raise


class _NoBar:
    def update(self, n: int) -> None:
        pass


# --- writing and reading -------------------------------------------------------------------

def report_path(table_path: Path) -> Path:
    """Where the build report of ``table_path`` is stored: ``x.parquet`` → ``x.build.json``, ``x/`` → ``x.build.json``."""
    return Path(table_path).with_suffix(".build.json")


def writes_dataset(out: Path, n_rows: int) -> bool:
    """Whether ``out`` gets a Parquet dataset partitioned by period: a folder named without a suffix, or a large table."""
    out = Path(out)
    return out.is_dir() or not out.suffix or n_rows > LARGE_TABLE_ROWS


def is_dataset(path: Path) -> bool:
    """Whether ``path`` is a folder holding only ``period=YEAR`` folders: a dataset ``write_table`` may replace."""
    try:
        entries = list(Path(path).iterdir()) if Path(path).is_dir() else []
        return bool(entries) and all(
            e.is_dir() and not e.is_symlink() and e.name.startswith(f"{PARTITION}=")
            and all(part.is_file() and part.suffix == ".parquet" for part in e.iterdir())
            for e in entries
        )
    except OSError:
        return False


def write_table(result: BuildResult, out: Path) -> Path:
    """Write the table to ``out`` and the report beside it; returns the report's path.

    ``out`` is a Parquet file (``x.parquet``) or, for a folder name or a large table, a Parquet
    dataset partitioned by period (``x/period=2017/part-0.parquet``). Both are written to
    temporary names and renamed into place together: an interrupted write leaves the previous
    table and report as they were.
    """
    out = Path(out)
    report = report_path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tag = f".tmp-{os.getpid()}"
    tmp_table = out.parent / f".{out.name}{tag}"
    tmp_report = report.parent / f".{report.name}{tag}"
    arrow = pa.Table.from_pandas(result.table, preserve_index=False)
    summary = {"rhetoric_shift_version": __version__, "parameters": result.report.parameters, "models": result.report.models}
    metadata = dict(arrow.schema.metadata or {})
    metadata[METADATA_KEY] = json.dumps(summary).encode()
    arrow = arrow.replace_schema_metadata(metadata)
    try:
        if writes_dataset(out, len(result.table)):
            _write_dataset(arrow, result.table, tmp_table)
        else:
            pq.write_table(arrow, tmp_table)
        write_report(result.report, tmp_report)
        _replace_together([(tmp_table, out), (tmp_report, report)])
    finally:
        for leftover in (tmp_table, tmp_report):
            _remove(leftover)
    return report


def write_report(report: BuildReport, path: Path) -> None:
    """``report.to_dict()`` as JSON in ``path``, written one document at a time (one line each), so a
    report of a million CSV rows is never held as one string."""
    head = json.dumps(report.to_dict(documents=False), indent=2, ensure_ascii=False, default=str)
    with path.open("w", encoding="utf-8") as handle:
        handle.write(head[: -len("\n}")] + ',\n  "documents": [')  # the head's closing brace comes after the list
        for i, document in enumerate(report.documents):
            handle.write(("\n    " if i == 0 else ",\n    ") + json.dumps(asdict(document), ensure_ascii=False, default=str))
        handle.write("\n  ]\n}\n" if report.documents else "]\n}\n")


def _write_dataset(arrow: pa.Table, table: pd.DataFrame, root: Path) -> None:
    """One Parquet file per period under ``root/period=YYYY/`` (Hive layout, which DuckDB and pyarrow read)."""
    root.mkdir()
    periods = table[PARTITION].to_numpy()
    without = arrow.drop_columns([PARTITION])
    for period in sorted(set(periods.tolist())):
        folder = root / f"{PARTITION}={period}"
        folder.mkdir()
        rows = (periods == period).nonzero()[0]
        pq.write_table(without.take(pa.array(rows)), folder / "part-0.parquet")


def _replace_together(moves: list[tuple[Path, Path]]) -> None:
    """Rename each temporary file or folder onto its destination, with SIGINT, SIGTERM and SIGHUP held until all are done."""
    blocked = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    can_block = hasattr(signal, "pthread_sigmask")
    if can_block:
        signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    aside: list[Path] = []
    try:
        for tmp, dest in moves:
            if dest.is_dir() and not dest.is_symlink():
                old = dest.parent / f".{dest.name}.old-{os.getpid()}"
                os.replace(dest, old)  # a folder cannot be replaced in one rename: move it aside first
                aside.append(old)
            os.replace(tmp, dest)
    finally:
        if can_block:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, blocked)
    for old in aside:
        _remove(old)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink(missing_ok=True)


def read_table(path: Path) -> pd.DataFrame:
    """Read a statement table written by ``write_table`` (a Parquet file or a dataset folder); raises ``InputError`` if it is not one.

    A dataset comes back with its rows ordered by period, in the order written within each period.
    """
    path = Path(path)
    try:
        table = _read_dataset(path) if path.is_dir() else pd.read_parquet(path)
    except FileNotFoundError:
        raise InputError(path, "no such file; build one with `rhetoric-shift build --out FILE`") from None
    except InputError:
        raise
    except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
        raise InputError(path, f"not a readable Parquet file ({type(exc).__name__}); build one with `rhetoric-shift build`") from None
    problems = check_table(table)
    if problems and not problems[0].startswith("missing columns"):
        table = conform_table(table)  # Parquet returns lists as arrays and may widen dtypes
        problems = check_table(table)
    if problems:
        raise InputError(path, "not a statement table: " + "; ".join(problems[:3]))
    table.attrs[MODELS_ATTR] = _stored_summary(path).get("models", "")
    return table


def _stored_summary(path: Path) -> dict:
    """The build summary ``write_table`` keeps in the Parquet metadata ({} when there is none)."""
    try:
        first = next(iter(sorted(path.glob(f"{PARTITION}=*/*.parquet")))) if path.is_dir() else path
        raw = (pq.read_schema(first).metadata or {}).get(METADATA_KEY)
        return json.loads(raw) if raw else {}
    except (StopIteration, OSError, ValueError, pa.ArrowException):
        return {}


def _read_dataset(root: Path) -> pd.DataFrame:
    parts = []
    for folder in root.iterdir():
        key, _, value = folder.name.partition("=")
        if key != PARTITION or not folder.is_dir():
            continue
        try:
            period = int(value)
        except ValueError:
            raise InputError(folder, f"not a period folder ({PARTITION}=YEAR)") from None
        for file in sorted(folder.glob("*.parquet")):
            part = pd.read_parquet(file)
            part.insert(list(COLUMN_NAMES).index(PARTITION), PARTITION, period)
            parts.append((period, file.name, part))
    if not parts:
        raise InputError(root, f"a folder without {PARTITION}=YEAR/*.parquet files; give a table written by `rhetoric-shift build`")
    parts.sort(key=lambda p: (p[0], p[1]))
    return conform_table(pd.concat([p[2] for p in parts], ignore_index=True))
