"""The seed build: the table's invariants, provenance, and what careful readers checked by hand."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from conftest import SEEDS, assert_statement_table
from rhetoric_shift.build import build_table, read_table, report_path, write_table
from rhetoric_shift.read import decode_bytes
from rhetoric_shift.spans import normalize_whitespace

FURNITURE = [
    "All news", "Listen Live", "Get short URL", "New messages", "all messages", "Community standards",
    "Editor's Column", "Golden Collection", "Archive material", "October 2018 (14)", "Moscow: 01:23",
    "London: 22:23", "+44 (0) 203", "Consular queries", "© Sputnik", "GMT25 November 2020", "Updated 7 years ago",
    "/TASS/",
]


@pytest.fixture(scope="module")
def seed_build():
    return build_table([SEEDS], enrich=False)


@pytest.fixture(scope="module")
def table(seed_build) -> pd.DataFrame:
    return seed_build.table


def source_text(doc_id: str) -> str:
    return decode_bytes((SEEDS / f"{doc_id}.txt").read_bytes())[0]


def find(table: pd.DataFrame, fragment: str) -> pd.Series:
    hits = table[table["text"].str.contains(fragment, regex=False)]
    assert len(hits) >= 1, f"no statement contains {fragment!r}"
    return hits.iloc[0]


def test_seed_table_keeps_its_contract(table):
    assert_statement_table(table)
    assert set(table["doc_id"]) == {p.stem for p in SEEDS.glob("*.txt")}
    assert set(table["period"]) == {2014, 2016, 2017}
    assert set(table["kind"]) == {"direct", "reported", "question", "context"}
    assert (table.loc[table["kind"] == "context", "speaker"].isna()).all()
    assert (table.loc[table["kind"] == "question", "speaker"] == "Press").all()


def test_offsets_point_at_the_statement_in_the_decoded_source(table):
    for doc_id, rows in table.groupby("doc_id"):
        source = source_text(doc_id)
        for row in rows.itertuples():
            assert normalize_whitespace(source[row.char_start:row.char_end]) == row.text


def test_no_page_furniture_is_left(table):
    for fragment in FURNITURE:
        assert not table["text"].str.contains(fragment, regex=False).any(), fragment


def test_every_word_of_every_seed_is_a_statement_or_dropped_with_a_reason(seed_build):
    for doc in seed_build.report.documents:
        source = source_text(doc.doc_id)
        covered = bytearray(len(source))
        rows = seed_build.table[seed_build.table["doc_id"] == doc.doc_id]
        spans = list(zip(rows["char_start"], rows["char_end"])) + [(d["char_start"], d["char_end"]) for d in doc.dropped]
        for start, end in spans:
            covered[start:end] = b"\x01" * (end - start)
        lost = [i for i, ch in enumerate(source) if ch.isalnum() and not covered[i]]
        assert not lost, f"{doc.doc_id}: text lost near {source[lost[0]:lost[0] + 40]!r}"
        reasons = {d["reason"] for d in doc.dropped}
        assert reasons <= {"page furniture", "navigation menu", "archive menu", "clock", "phone number", "contact label",
                           "copyright line", "media caption", "page save stamp", "time stamp", "date line", "entry date", "dateline",
                           "frame", "connective between quotations", "speaker label", "punctuation"}


def test_the_same_input_gives_the_same_table(table):
    again = build_table([SEEDS], enrich=False).table
    pd.testing.assert_frame_equal(table, again)


def test_dates_come_from_the_page_not_the_save_stamp(table):
    assert dt.date(2020, 11, 25) not in set(table["date"].dropna().dt.date)
    by_doc = table.groupby("doc_id")["date"].agg(lambda s: set(s.dropna().dt.date))
    assert by_doc["000_bb360a3f7372e1c7"] == {dt.date(2017, 1, 17)}  # dateline "MOSCOW, January 17." + manifest year
    assert by_doc["001_b67fdff47a7d7312"] == {dt.date(2018, 1, 15)}
    assert table.loc[table["doc_id"] == "003_f812aaa87b2870d0", "date"].isna().all()  # the archive page prints none


# Rows a careful reader checked against the seeds: (fragment, speaker, kind, date, time).
CHECKED = [
    ("The missile defense issue is a dark cloud in our relations.", "Sergey Lavrov", "direct", "2018-01-15", None),
    ("Lavrov is asked by a journalist from the Dozhd TV station", "Press", "question", "2018-01-15", None),
    ("A range of reasons create obstacles for joining efforts, he said.", "Sergey Lavrov", "reported", "2017-01-17", None),
    ("On Syria and the upcoming Astana talks", None, "context", "2017-01-17", None),
    ("The Minsk deal is the most important issue at the moment.", "Sergey Lavrov", "direct", "2018-01-15", "07:35"),
    ("Moscow Respects Ukraine's Integrity", None, "context", "2018-01-15", "07:35"),
    ("They were predictable, given our Western colleagues", "Sergey Lavrov", "direct", "2017-02-18", None),
    ("This position of South Ossetia is absolutely legitimate.", "Maria Zakharova", "direct", "2017-02-14", None),
    ("You are absolutely right: in order to fight international terrorism", "Oleg Syromolotov", "direct", "2017-02-13", None),
    ("Mr. Lavrov, let’s begin with the crisis in Ukraine.", "Press", "question", None, None),
    ("We have been pushing for convening another meeting in Minsk", "Sergey Lavrov", "direct", None, None),
    ("But you are right - we are branded as enemies by Poland", "Sergey Lavrov", "direct", "2018-01-15", None),
    ("Sergey Lavrov is introduced by Foreign Ministry spokeswoman Maria Zakharova.", None, "context", "2018-01-15", None),
]


@pytest.mark.parametrize(("fragment", "speaker", "kind", "date", "time"), CHECKED)
def test_rows_checked_by_hand(table, fragment, speaker, kind, date, time):
    row = find(table, fragment)
    assert (row["speaker"] if pd.notna(row["speaker"]) else None) == speaker
    assert row["kind"] == kind
    assert (row["date"].date().isoformat() if pd.notna(row["date"]) else None) == date
    assert (row["time"] if pd.notna(row["time"]) else None) == time


def test_write_and_read_back_with_the_report_beside_the_table(seed_build, tmp_path):
    out = tmp_path / "t.parquet"
    report_file = write_table(seed_build, out)
    assert report_file == report_path(out) == tmp_path / "t.build.json"
    again = read_table(out)
    assert_statement_table(again)
    assert list(again["statement_id"]) == list(seed_build.table["statement_id"])
    report = json.loads(report_file.read_text())
    assert [f["status"] for f in report["files"]] == ["used"] * 5
    assert report["n_statements"] == len(seed_build.table)
    # written a document at a time, it reads back as the whole report
    assert report == json.loads(json.dumps(seed_build.report.to_dict(), default=str))
    assert [d["doc_id"] for d in report["documents"]] == list(seed_build.table["doc_id"].unique())


def test_the_models_description_is_kept_with_the_table(tmp_path):
    from rhetoric_shift import query

    seed_build = build_table([SEEDS])
    described = seed_build.report.models
    # fitted once on a sample of the seeds' 277 statements; k and how it was chosen are said
    assert described.startswith("Corpus-wide models were fitted once on ") and "of 277 statements" in described
    assert "Topics: " in described and " clusters " in described
    assert query.models_description(seed_build.table) == described
    assert report_path(tmp_path / "t.parquet") == write_table(seed_build, tmp_path / "t.parquet")
    assert json.loads(report_path(tmp_path / "t.parquet").read_text())["models"] == described
    for out in (tmp_path / "t.parquet", tmp_path / "dataset"):
        write_table(seed_build, out)
        assert query.models_description(read_table(out)) == described


def test_a_table_without_enrichment_describes_no_models(tmp_path):
    result = build_table([SEEDS / "003_f812aaa87b2870d0.txt"], SEEDS / "manifest.toml", enrich=False)
    assert result.report.models == ""
    from rhetoric_shift import query

    assert query.models_description(result.table) == ""


def test_progress_can_be_a_callable_told_each_stage_in_order():
    calls: list[tuple[str, int, int]] = []
    build_table([SEEDS], progress=lambda stage, done, total: calls.append((stage, done, total)))
    stages = list(dict.fromkeys(stage for stage, _, _ in calls))
    assert stages == ["fit", "read+segment", "apply", "finish"]
    for stage in stages:
        mine = [(done, total) for s, done, total in calls if s == stage]
        assert mine[0][0] == 0 and mine[-1][0] == mine[-1][1] > 0  # from nothing to all of it
        assert all(0 <= d <= t for d, t in mine)
        assert [d for d, _ in mine] == sorted(d for d, _ in mine)  # never goes back
    # the pass over the whole input reports both of its stages, batch by batch
    assert [c[1:] for c in calls if c[0] == "read+segment"] == [c[1:] for c in calls if c[0] == "apply"]


def test_progress_of_a_build_without_enrichment_has_one_stage():
    calls: list[tuple[str, int, int]] = []
    build_table([SEEDS], enrich=False, progress=lambda *args: calls.append(args))
    assert {stage for stage, _, _ in calls} == {"read+segment"} and calls[-1][1] == calls[-1][2] > 0


def test_sample_budget_grows_with_the_input_between_its_floor_and_its_cap():
    from rhetoric_shift.build import sample_budget

    assert sample_budget(1_000, cap=16_000_000, share=0.1, minimum=2_000_000) == 2_000_000  # a small input is fitted whole
    assert sample_budget(50_000_000, cap=16_000_000, share=0.1, minimum=2_000_000) == 5_000_000  # a tenth of a mid-sized one
    assert sample_budget(10**9, cap=16_000_000, share=0.1, minimum=2_000_000) == 16_000_000  # bounded on a large one
    assert sample_budget(10**9, cap=500, share=0.1, minimum=2_000_000) == 500  # an explicit cap wins over the floor


def _long_document(folder) -> None:
    """Four headed parts of five paragraphs each: the headings name the targets, the paragraphs none."""
    parts = []
    for i in range(4):
        parts.append(f"Part {i + 1}: the war in Syria" if i % 2 == 0 else f"Part {i + 1}: talks with Ukraine")
        for j in range(5):
            parts.append(f"We discussed point number {j} of part {i + 1} at length with our partners. Progress was slow but real.")
    (folder / "speeches_2015.txt").write_text("\n\n".join(parts) + "\n", encoding="utf-8")


@pytest.mark.parametrize("enrich", [False, True])
def test_a_document_cut_into_slices_gives_the_table_of_the_whole(tmp_path, monkeypatch, enrich):
    from rhetoric_shift import build as build_module
    from rhetoric_shift.engine import LocalEngine

    _long_document(tmp_path)
    whole = build_table([tmp_path], enrich=enrich, n_topics=2).table
    cut: list[int] = []
    slices = build_module._slices

    def counted(done, rows):
        for piece in slices(done, rows):
            cut.append(len(piece.records))
            yield piece

    monkeypatch.setattr(build_module, "_slices", counted)
    monkeypatch.setattr(build_module, "BATCH_ROWS", 4)  # 24 statements: 6 slices of 4 rows
    monkeypatch.setattr(build_module, "HUGE_BYTES", 100)  # so the document is cut even when the fit did not segment it
    with LocalEngine(2) as engine:
        sliced = build_table([tmp_path], enrich=enrich, n_topics=2, engine=engine).table
    assert cut == [4] * 6
    pd.testing.assert_frame_equal(sliced, whole)
    if enrich:  # a paragraph in another slice than its heading still inherits the heading's target
        paragraph = sliced[sliced["text"].str.startswith("We discussed point number 4 of part 3 ")].iloc[0]
        assert paragraph["targets"] == [] and paragraph["context_targets"] == ["Syria"]


def test_tasks_close_at_a_byte_budget_or_a_document_count():
    from rhetoric_shift.build import _chunks
    from rhetoric_shift.manifest import DocumentMeta
    from rhetoric_shift.read import Document

    def doc(name: str, size: int) -> Document:
        return Document(name, name, "x" * size, DocumentMeta(name, period=2015))

    items = [doc("a", 60), doc("b", 50), doc("c", 10), doc("d", 10), doc("e", 10), [doc("slice", 5)], doc("f", 200)]
    chunks = _chunks(items, size=3, max_bytes=100)
    names = [[d.doc_id for d in chunk] for chunk in chunks]
    # a+b reach 100 bytes; c, d, e reach 3 documents; a slice is a task of its own; f alone is over the budget
    assert names == [["a", "b"], ["c", "d", "e"], ["slice"], ["f"]]


def test_the_build_keeps_its_batches_out_of_the_collectors_scans_and_gives_them_back():
    import gc

    frozen: list[int] = []
    build_table([SEEDS], enrich=False, progress=lambda *args: frozen.append(gc.get_freeze_count()))
    assert max(frozen) > 0  # batches already gathered are frozen while the build runs
    assert gc.get_freeze_count() == 0  # and nothing stays frozen once it returns
    with pytest.raises(Exception):
        build_table([SEEDS / "no-such-file.html"])
    assert gc.get_freeze_count() == 0  # nor when it fails


def test_a_process_that_froze_objects_of_its_own_keeps_them_frozen():
    import gc

    mine = [[] for _ in range(100)]
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        build_table([SEEDS], enrich=False)
        assert gc.get_freeze_count() == before  # the build neither froze more nor thawed the host's
    finally:
        gc.unfreeze()
    assert mine
