"""Reading files and folders, and every kind of bad input: one line naming the file, never a traceback."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from conftest import assert_statement_table
from rhetoric_shift.build import build_table, report_path
from rhetoric_shift.cli import main
from rhetoric_shift.errors import InputError
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


def test_two_documents_with_one_id_are_refused(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"id": "x", "text": "One.", "period": 2017}\n{"id": "x", "text": "Two.", "period": 2017}\n')
    with pytest.raises(InputError, match="document id 'x' is also used"):
        read_inputs([tmp_path])


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
    assert status == 2 and "--periods needs two or more years to compare, got 2014" in err


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
