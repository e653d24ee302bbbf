"""Reading files and folders, and every kind of bad input: one line naming the file, never a traceback."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from conftest import assert_statement_table
from rhetoric_shift.build import build_table, report_path
from rhetoric_shift.cli import main
from rhetoric_shift.errors import InputError
from rhetoric_shift import read
from rhetoric_shift.read import html_to_text, read_inputs

GOOD = "Question: Will Russia talk?\n\nSergey Lavrov: We are ready for dialogue with Ukraine.\n"
MANIFEST = """
[[document]]
id = "good"
file = "good.txt"
source = "MFA of Russia"
period = 2017
actor = "RUS"
speaker = "Sergey Lavrov"
format = "transcript"
"""


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    return folder


def test_build_reports_every_file_and_writes_table_and_report(corpus, tmp_path, capsys):
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    (corpus / "blank.md").write_text(" \n\u00a0\n", encoding="utf-8")
    (corpus / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (corpus / "notes.pdf").write_bytes(b"%PDF-1.4")
    (corpus / "latin1_2016.txt").write_bytes("Le ministre a déclaré à la presse : « Nous sommes prêts »".encode("cp1252"))
    out = tmp_path / "t.parquet"
    status, printed, err = run_cli(["build", corpus, "--out", out, "--no-enrich"], capsys)
    assert status == 0, err
    lines = {line.split()[1].rsplit("/", 1)[-1].rstrip(":"): line for line in printed.splitlines() if line.startswith(("used", "skipped"))}
    assert lines["empty.txt"].startswith("skipped") and "empty file" in lines["empty.txt"]
    assert "empty file" in lines["blank.md"]
    assert "binary file" in lines["image.txt"]
    assert "unsupported file type .pdf" in lines["notes.pdf"]
    assert lines["latin1_2016.txt"].startswith("used") and "not UTF-8: decoded as" in lines["latin1_2016.txt"]
    assert lines["good.txt"].startswith("used") and "2 statements" in lines["good.txt"]
    table = pd.read_parquet(out)
    assert "déclaré" in " ".join(table["text"])  # decoded, not mangled
    assert set(table.loc[table["doc_id"] == "latin1_2016", "period"]) == {2016}  # from the file name
    report = json.loads(report_path(out).read_text())
    assert len(report["files"]) == 6
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ("[[document]\nid = ", "not valid TOML"),
        ('[[document]]\nid = "good"\nfile = "good.txt"\nsource = "X"\nactor = "RUS"\n', "lacks required key 'period'"),
        ('[[document]]\nid = "gone"\nfile = "gone.txt"\nsource = "X"\nperiod = 2017\nactor = "RUS"\n', "names file 'gone.txt', which does not exist"),
        ('[[document]]\nid = "good"\nfile = "good.txt"\nsource = "X"\nperiod = "2017"\nactor = "RUS"\n', "'period' must be a year"),
        ('[[document]]\nid = "good"\nfile = "good.txt"\nsource = "X"\nperiod = 2017\nactor = "RUS"\nformat = "poem"\n', "'format' must be one of"),
        ('[[document]]\nid = "good"\nfile = "good.txt"\nsource = "X"\nperiod = 1e999\nactor = "RUS"\n', "'period' must be a year as a whole number from 1 to 9999, got inf"),
        ('[[document]]\nid = "good"\nfile = "good.txt"\nsource = "X"\nperiod = 20170\nactor = "RUS"\n', "'period' must be a year as a whole number from 1 to 9999, got 20170"),
        ('[[document]]\nid = "good"\nfile = "good.txt"\nsource = "X"\nperiod = 2017\nactor = "RUS"\ndate = 20150101\n', "'date' must be a date written YYYY-MM-DD, got 20150101"),
    ],
)
def test_a_broken_manifest_stops_the_build_with_one_line(corpus, tmp_path, capsys, manifest, message):
    (corpus / "manifest.toml").write_text(manifest, encoding="utf-8")
    status, _, err = run_cli(["build", corpus, "--out", tmp_path / "t.parquet", "--no-enrich"], capsys)
    assert status == 2
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("error: ") and "manifest.toml" in err and message in err


def test_a_missing_path_stops_the_build(tmp_path, capsys):
    status, _, err = run_cli(["build", tmp_path / "nowhere", "--out", tmp_path / "t.parquet"], capsys)
    assert status == 2
    assert err.strip() == f"error: {tmp_path / 'nowhere'}: no such file or folder; check the path"


def test_no_usable_input_stops_the_build(tmp_path, capsys):
    (tmp_path / "empty.txt").write_text("")
    status, _, err = run_cli(["build", tmp_path, "--out", tmp_path / "t.parquet"], capsys)
    assert status == 2 and "no usable input" in err and "empty file" in err


def test_compare_on_a_file_that_is_not_a_table(tmp_path, capsys):
    bad = tmp_path / "x.parquet"
    bad.write_text("not parquet")
    status, _, err = run_cli(["compare", bad, "--target", "Ukraine", "--periods", "2014", "2017"], capsys)
    assert status == 2 and err.startswith(f"error: {bad}: not a readable Parquet file")


def test_html_text_keeps_offsets_into_the_source():
    html = '<html><head><title>T</title><script>var x="no";</script></head><body><nav>Home</nav>' \
           "<p>Lavrov &amp; Kerry met.</p><p>Talks&nbsp;went well.</p></body></html>"
    text, starts, ends = html_to_text(html)
    assert "no" not in text and "Home" not in text and "T" not in text.split()
    at = text.index("Kerry")
    assert html[starts[at]:ends[at + 4]] == "Kerry"
    amp = text.index("&")
    assert html[starts[amp]:ends[amp]] == "&amp;"


def test_html_build_maps_statements_to_the_html_source(tmp_path):
    html = "<p>Question: Will Russia talk?</p>\n<p>Sergey Lavrov: We are <b>ready</b> for dialogue.</p>"
    (tmp_path / "page_2017.html").write_text(html, encoding="utf-8")
    table = build_table([tmp_path], enrich=False).table
    answer = table[table["speaker"] == "Sergey Lavrov"].iloc[0]
    assert answer["text"] == "We are ready for dialogue."
    assert html[answer["char_start"]:answer["char_end"]] == "We are <b>ready</b> for dialogue."


def test_csv_and_jsonl_rows_become_documents_with_their_metadata(tmp_path):
    (tmp_path / "speeches.csv").write_text(
        "id,text,period,speaker,source,format\n"
        's1,"We support the Minsk agreements.",2015,Sergey Lavrov,UN,paragraphs\n'
        "s2,,2016,,UN,paragraphs\n",
        encoding="utf-8",
    )
    (tmp_path / "more.jsonl").write_text(
        json.dumps({"id": "j1", "text": "Dialogue with Washington is possible.", "period": 2017, "speaker": "Maria Zakharova", "format": "paragraphs"}) + "\n",
        encoding="utf-8",
    )
    result = build_table([tmp_path], enrich=False)
    assert_statement_table(result.table)
    rows = result.table.set_index("doc_id")
    assert rows.loc["s1", "speaker"] == "Sergey Lavrov" and rows.loc["s1", "period"] == 2015
    assert rows.loc["j1", "text"] == "Dialogue with Washington is possible."
    csv_report = next(f for f in result.report.files if f.path.endswith("speeches.csv"))
    assert "1 row(s) without text skipped" in csv_report.notes


def test_csv_without_a_text_column_is_skipped_with_the_columns_it_has(tmp_path):
    (tmp_path / "a.csv").write_text("body,year\nhello,2017\n", encoding="utf-8")
    (tmp_path / "b_2017.txt").write_text("We are ready.", encoding="utf-8")
    _, reports = read_inputs([tmp_path])
    reason = next(r.reason for r in reports if r.path.endswith("a.csv"))
    assert reason.startswith("no 'text' column; found: body, year")


def test_a_file_without_any_year_is_skipped_with_what_to_do(tmp_path):
    (tmp_path / "notes.txt").write_text("No year here at all.", encoding="utf-8")
    (tmp_path / "other_2014.txt").write_text("We are ready.", encoding="utf-8")
    _, reports = read_inputs([tmp_path])
    reason = next(r.reason for r in reports if r.path.endswith("notes.txt"))
    assert "give 'period' in manifest.toml" in reason


def test_a_second_document_with_a_taken_id_is_skipped_and_reported(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"id": "x", "text": "One.", "period": 2017}\n{"id": "x", "text": "Two.", "period": 2017}\n')
    (tmp_path / "x.txt").write_text("Three, 2017.")  # its id is its stem, x, taken by the row above
    documents, reports = read_inputs([tmp_path])
    assert [d.text for d in documents] == ["One."]
    rows, text = reports
    assert rows.rows_skipped == [{"line": 2, "reason": f"document id 'x' is also used by {tmp_path / 'a.jsonl'}#line=1; give each document its own id"}]
    assert text.status == "skipped" and text.reason.startswith("document id 'x' is also used")


@pytest.mark.parametrize(
    ("option", "content", "message"),
    [
        ("--targets", "[[target]]\nlabel = 3\n", "needs a non-empty string 'label'"),
        ("--targets", None, "no such targets file; check the path"),
        ("--speakers", '[[speaker]]\nname = "Sergey Lavrov"\naliases = "Lavrov"\n', "'aliases' must be a list of names"),
        ("--speakers", "[[speaker]\n", "not valid TOML"),
    ],
)
def test_a_broken_lexicon_stops_the_build_with_one_line(corpus, tmp_path, capsys, option, content, message):
    lexicon = tmp_path / "lexicon.toml"
    if content is not None:
        lexicon.write_text(content, encoding="utf-8")
    status, _, err = run_cli(["build", corpus, "--out", tmp_path / "t.parquet", option, lexicon], capsys)
    assert status == 2
    assert err.startswith(f"error: {lexicon}: ")
    assert message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "t.parquet").exists()


def test_compare_needs_two_periods(tmp_path, capsys):
    status, _, err = run_cli(["compare", tmp_path / "x.parquet", "--target", "Ukraine", "--periods", "2014"], capsys)
    assert status == 2 and "--periods needs two or more different years to compare, got 2014" in err
    status, _, err = run_cli(["compare", tmp_path / "x.parquet", "--target", "Ukraine", "--periods", "2014", "2014"], capsys)
    assert status == 2 and "--periods needs two or more different years to compare, got 2014 2014" in err


def test_a_manifest_at_the_top_of_a_folder_describes_files_in_subfolders(tmp_path):
    (tmp_path / "2014").mkdir()
    (tmp_path / "2014" / "speech.txt").write_text("We support the Minsk agreements.\n", encoding="utf-8")
    (tmp_path / "manifest.toml").write_text(
        '[[document]]\nid = "un-2014"\nfile = "2014/speech.txt"\nsource = "UN General Assembly"\n'
        'period = 2014\nactor = "RUS"\nspeaker = "Sergey Lavrov"\nformat = "paragraphs"\n',
        encoding="utf-8",
    )
    documents, reports = read_inputs([tmp_path])
    assert [(d.doc_id, d.meta.source, d.meta.speaker) for d in documents] == [("un-2014", "UN General Assembly", "Sergey Lavrov")]
    assert reports[0].notes == []  # nothing inferred: the manifest described the file


# --- Folders: links, special files and unreadable entries are reported, never read silently ---

def _reasons(reports) -> dict[str, str]:
    return {r.path.rsplit("/", 1)[-1]: f"{r.status}: {r.reason}" for r in reports}


def test_links_are_followed_only_inside_the_input_folder(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("SECRET words of 2017.")
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "speech_2017.txt").write_text("We are ready for dialogue.")
    (corpus / "to_secret.txt").symlink_to(outside / "secret.txt")
    (corpus / "to_outside_folder").symlink_to(outside)
    (corpus / "to_sub").symlink_to(corpus / "sub")
    (corpus / "again_2017.txt").symlink_to(corpus / "speech_2017.txt")
    (corpus / "loop.txt").symlink_to(corpus / "loop.txt")
    (corpus / "broken.txt").symlink_to(corpus / "gone.txt")
    documents, reports = read_inputs([corpus])
    assert "SECRET" not in " ".join(d.text for d in documents)
    reasons = _reasons(reports)
    assert reasons["to_secret.txt"].startswith("skipped: symbolic link leading outside the input folder")
    assert reasons["to_outside_folder"].startswith("skipped: symbolic link leading outside the input folder")
    assert reasons["to_sub"].startswith("skipped: symbolic link to a folder; not followed")
    assert reasons["loop.txt"] == "skipped: symbolic link loop; not followed"
    assert reasons["broken.txt"].startswith("skipped: broken symbolic link")
    assert reasons["again_2017.txt"] == "used: "  # a link inside the folder is read
    assert sorted(d.doc_id for d in documents) == ["again_2017", "speech_2017"]


def test_special_files_and_unreadable_entries_each_get_a_report_line(tmp_path, monkeypatch):
    (tmp_path / "ok_2017.txt").write_text("We are ready.")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "locked.txt").write_text("Locked, 2017.")
    (tmp_path / "closed").mkdir()
    (tmp_path / "closed" / "inside_2017.txt").write_text("Inside.")
    (tmp_path / ".git").mkdir()
    real_read_bytes, real_scandir = Path.read_bytes, os.scandir

    def read_bytes(path):  # root reads through chmod 000, so refuse here as the kernel would
        if path.name == "locked.txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_read_bytes(path)

    def scandir(path):
        if Path(path).name == "closed":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(os, "scandir", scandir)
    documents, reports = read_inputs([tmp_path])
    reasons = _reasons(reports)
    assert [d.doc_id for d in documents] == ["ok_2017"]
    assert reasons == {
        ".git": "skipped: hidden folder; not read",
        "closed": "skipped: folder cannot be read (permission denied); check its permissions",
        "locked.txt": "skipped: cannot be read (permission denied); check its permissions",
        "ok_2017.txt": "used: ",
        "pipe.txt": "skipped: FIFO (named pipe), not a regular file; not read",
    }


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_a_file_without_read_permission_is_skipped(tmp_path):
    (tmp_path / "ok_2017.txt").write_text("We are ready.")
    locked = tmp_path / "locked_2017.txt"
    locked.write_text("Locked.")
    locked.chmod(0)
    _, reports = read_inputs([tmp_path])
    assert _reasons(reports)["locked_2017.txt"] == "skipped: cannot be read (permission denied); check its permissions"


def test_no_usable_input_names_every_file_grouped_by_reason(tmp_path, capsys):
    names = [f"empty{i}.txt" for i in range(6)] + [f"doc{i}.pdf" for i in range(3)] + ["a.png.txt", "b.png.txt"]
    for name in names:
        path = tmp_path / name
        path.write_bytes(b"" if name.startswith("empty") else b"\x89PNG\x00\x00" if name.endswith(".png.txt") else b"%PDF")
    status, printed, err = run_cli(["build", tmp_path, "--out", tmp_path / "t.parquet"], capsys)
    assert status == 2 and len(err.strip().splitlines()) == 1
    assert "no usable input in 11 file(s): " in err
    assert "empty file (6: " in err and "binary file, not text (2: " in err and "unsupported file type .pdf (3: " in err
    assert all(name in err for name in names)
    assert sorted(line.split()[1].rsplit("/", 1)[-1].rstrip(":") for line in printed.splitlines()) == sorted(names)


# --- Rows: a bad row costs that row, reported with its line number ---------------------------

def test_bad_jsonl_lines_skip_only_their_row(tmp_path):
    lines = [
        {"id": "a", "text": "We are ready.", "period": 2017},
        '{"id": "broken", "text": "unclosed',
        {"id": "b", "text": "Infinite.", "period": 1e999},
        {"id": "c", "text": "Number date.", "period": 2015, "date": 20150101},
        {"id": "d", "text": "Odd format.", "period": 2015, "format": "bogus"},
        {"id": "e", "text": 5, "period": 2015},
        '{"id": "f", "text": "One.", "text": "Two.", "period": 2015}',
        "[" * 100_000 + "]" * 100_000,
        '["not", "an", "object"]',
        {"id": "g", "text": "Also ready.", "period": "2016", "date": "2016-03-01"},
    ]
    (tmp_path / "rows.jsonl").write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n")
    documents, (report,) = read_inputs([tmp_path])
    assert [(d.doc_id, d.meta.period) for d in documents] == [("a", 2017), ("g", 2016)]
    assert documents[1].meta.date.isoformat() == "2016-03-01"
    skipped = {row["line"]: row["reason"] for row in report.rows_skipped}
    assert sorted(skipped) == [2, 3, 4, 5, 6, 7, 8, 9]
    assert skipped[2] == "not valid JSON at column 26: Unterminated string starting at"
    assert skipped[3] == "'period' must be a year as a whole number from 1 to 9999, got inf"
    assert skipped[4] == "'date' must be a date written YYYY-MM-DD, got 20150101"
    assert skipped[5].startswith("'format' must be one of transcript, liveblog") and skipped[5].endswith("got 'bogus'")
    assert skipped[6] == "'text' must be text, got int"
    assert skipped[7] == "key 'text' appears twice; keep one"
    assert skipped[8] == "not usable JSON (nested too deeply)"
    assert skipped[9] == "not a JSON object (a list)"
    assert report.status == "used" and "line 2 skipped: not valid JSON" in report.line()


def test_csv_rows_long_cells_and_bad_rows(tmp_path, monkeypatch):
    long_cell = "word " * 40_000  # 200,000 characters: beyond the csv module's default limit of 131,072
    (tmp_path / "a.csv").write_text(f'id,text,period\nlong,"{long_cell}",2017\nshort,We are ready.,2017\nwide,"a",2017,extra\n')
    documents, (report,) = read_inputs([tmp_path])
    assert [d.doc_id for d in documents] == ["long", "short"] and len(documents[0].text) == len(long_cell)
    assert report.rows_skipped == [{"line": 4, "reason": "4 fields where the header has 3; quote cells that contain commas"}]

    monkeypatch.setattr(read, "CSV_FIELD_LIMIT", 1000)
    documents, (report,) = read_inputs([tmp_path])
    assert [d.doc_id for d in documents] == ["short"]
    assert report.rows_skipped[0] == {"line": 2, "reason": "not valid CSV (a cell is longer than 1,000 characters (an unclosed quote?))"}


def test_a_csv_with_two_text_columns_is_reported_not_halved(tmp_path):
    (tmp_path / "two.csv").write_text("id,text,period,text\nx,First half.,2017,Second half.\n")
    (tmp_path / "ok_2017.txt").write_text("We are ready.")
    _, reports = read_inputs([tmp_path])
    assert _reasons(reports)["two.csv"] == "skipped: column 'text' appears 2 times (columns 2, 4); rename or remove all but one"


def test_row_ids_count_rows_and_periods_come_from_csv_text(tmp_path):
    (tmp_path / "s.csv").write_text("text,period,date\nOne.,2015.0,2015-02-01T10:00:00\n\nTwo.,1e999,\n")
    documents, (report,) = read_inputs([tmp_path])
    assert [(d.doc_id, d.meta.period, str(d.meta.date)) for d in documents] == [("s-1", 2015, "2015-02-01")]
    assert report.rows_skipped == [{"line": 4, "reason": "'period' must be a year as a whole number from 1 to 9999, got '1e999'"}]


# --- Encodings: the plausible decoding, not the detector's first legal one ---------------------

@pytest.mark.parametrize(
    ("text", "encoding", "language"),
    [
        ("Le ministre est arrivé à Genève.", "latin-1", "French"),
        ("à Genève", "cp1252", "French"),
        ("El ministro dijo que España está dispuesta a negociar.", "cp1252", "Spanish"),
        ("Ministr zahraničí řekl, že Česko podporuje Ukrajinu.", "cp1250", "Czech"),
        ("Minister powiedział, że Polska popiera Ukrainę.", "cp1250", "Polish"),
        ("Министр заявил, что Россия готова к диалогу.", "cp1251", "Russian"),
        ("Министр заявил, что Россия готова к диалогу.", "koi8-r", "Russian"),
        ("Dışişleri Bakanı görüşmelere hazır olduğunu söyledi.", "cp1254", "Turkish"),
    ],
)
def test_a_legacy_encoding_is_decoded_to_the_text_it_was(tmp_path, text, encoding, language):
    (tmp_path / "speech_2017.txt").write_bytes(text.encode(encoding))
    (document,), (report,) = read_inputs([tmp_path])
    assert document.text == text
    assert f"letters fit {language}" in report.notes[0] and report.notes[0].startswith("not UTF-8: decoded as")


def test_csv_in_a_legacy_encoding_is_streamed_in_that_encoding(tmp_path):
    (tmp_path / "rows.csv").write_bytes("text,period\n\"Réunion à Genève, où l'on a parlé.\",2017\n".encode("latin-1"))
    (document,), (report,) = read_inputs([tmp_path])
    assert document.text == "Réunion à Genève, où l'on a parlé."
    assert "decoded as cp1252 (letters fit French" in report.notes[0]


def test_a_read_error_midway_keeps_the_rows_before_it(tmp_path, monkeypatch):
    (tmp_path / "rows.csv").write_text("text,period\nFirst.,2017\nSecond.,2017\n")
    real_rows = read._csv_rows

    def failing_disk(handle):
        rows = real_rows(handle)
        yield next(rows)
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(read, "_csv_rows", failing_disk)
    documents, (report,) = read_inputs([tmp_path])
    assert [d.text for d in documents] == ["First."]
    assert report.status == "used" and report.notes == ["reading stopped after line 2 (input/output error); the rows before it are used"]


def test_a_manifest_linked_from_outside_the_folder_is_not_read(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "manifest.toml").write_text(MANIFEST.replace('source = "MFA of Russia"', 'source = "Planted"'))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(GOOD + "2017\n")
    (corpus / "manifest.toml").symlink_to(tmp_path / "elsewhere" / "manifest.toml")
    documents, reports = read_inputs([corpus])
    assert [(d.doc_id, d.meta.source) for d in documents] == [("good", "unknown")]  # not "Planted"
    assert _reasons(reports)["manifest.toml"].startswith("skipped: symbolic link leading outside the input folder")


def test_no_usable_input_groups_a_reason_that_holds_a_semicolon_in_parentheses():
    from rhetoric_shift.read import _reason_head

    assert _reason_head("every row was skipped (2; first: line 3: bad JSON); fix the rows") == "every row was skipped (2; first: line 3: bad JSON)"
    assert _reason_head("empty file") == "empty file"


def test_a_file_reached_twice_is_read_once_and_the_second_time_reported(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "speech_2017.txt").write_text("We are ready for dialogue.")
    documents, reports = read_inputs([corpus, corpus, corpus / "speech_2017.txt"])
    assert [d.doc_id for d in documents] == ["speech_2017"]
    skipped = [r for r in reports if r.status == "skipped"]
    assert len(skipped) == 2
    assert all(r.reason == f"already read as {corpus / 'speech_2017.txt'}" for r in skipped)


def test_a_file_name_that_is_not_utf8_is_shown_by_its_bytes_and_builds(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    name = os.fsdecode(b"Gen\xe8ve 2017.txt")  # a Latin-1 name: Python keeps the byte as a lone surrogate
    (corpus / name).write_text("We are ready for dialogue in Geneva.")
    result = build_table([corpus], enrich=False)
    assert list(result.table["doc_id"]) == ["Gen\\xe8ve 2017"]
    assert result.report.files[0].path.endswith("Gen\\xe8ve 2017.txt")
    json.dumps(result.report.to_dict())  # the report can be written
