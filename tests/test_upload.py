"""A visitor's own texts: built in their session only, reported file by file, bounded, exportable.

``build_upload`` is tested on bytes written here; the page is driven through AppTest, whose
``file_uploader`` accepts ``(name, bytes, mime)`` tuples; the real browser upload is in
test_browser.py.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, assert_statement_table, make_table
from rhetoric_shift.schema import COLUMNS
from rhetoric_shift.ui import upload
from rhetoric_shift.ui.upload import Fields, Limits, UploadError, build_upload, table_csv, table_parquet, toml_value

ENTRY = str(ROOT / "dashboard.py")
TALKS = b"We are ready for talks on Syria.\n\nThe sanctions against us are counterproductive.\n"
MINSK = b"Kiev must implement the Minsk agreements.\n"
FIELDS = Fields(outlet="Upload Daily", actor="RUS", period=2016, format="paragraphs", speaker="Sergey Lavrov")


def zip_bytes(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def tmpdir_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Temporary folders of the build go here, so a test can see that none is left behind."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


# --- building from bytes --------------------------------------------------------------------

def test_loose_files_take_the_fields_and_each_bad_file_gets_a_line(tmpdir_root: Path) -> None:
    built = build_upload([("talks.txt", TALKS), ("minsk.md", MINSK), ("blob.txt", b"\x00\x01" * 50),
                          ("tool.exe", b"MZ"), ("Talks.TXT", b"again")], FIELDS)
    assert_statement_table(built.table)
    assert len(built.table) == 3  # two paragraphs and one sentence, format "paragraphs"
    assert set(built.table["source"]) == {"Upload Daily"} and set(built.table["actor"]) == {"RUS"}
    assert set(built.table["period"]) == {2016} and set(built.table["speaker"]) == {"Sergey Lavrov"}
    report = built.report_frame().set_index("file")
    assert report.loc["talks.txt", "statements"] == 2 and report.loc["minsk.md", "statements"] == 1
    assert report.loc["blob.txt", "status"] == "skipped" and "binary" in report.loc["blob.txt", "detail"]
    assert "unsupported file type .exe" in report.loc["tool.exe", "detail"]
    assert any("second file with this name" in f.reason for f in built.files)
    assert list(tmpdir_root.iterdir()) == []


def test_without_a_period_each_file_takes_the_year_in_its_name(tmpdir_root: Path) -> None:
    built = build_upload([("talks_2014.txt", TALKS), ("minsk_2017.txt", MINSK)], Fields(outlet="X"))
    periods = built.table.groupby("doc_id")["period"].first().to_dict()
    assert periods == {"talks_2014": 2014, "minsk_2017": 2017}
    assert set(built.table["source"]) == {"X"}


def test_a_date_alone_gives_the_period(tmpdir_root: Path) -> None:
    built = build_upload([("talks.txt", TALKS)], Fields(date=dt.date(2015, 3, 1), format="paragraphs"))
    assert set(built.table["period"]) == {2015}


MANIFEST = """
[[document]]
id = "talks"
file = "talks.txt"
source = "Manifest Wire"
period = 2014
actor = "UKR"
format = "paragraphs"
"""


def test_a_zip_with_its_own_manifest_keeps_it_and_refused_members_are_reported(tmpdir_root: Path) -> None:
    data = zip_bytes([("manifest.toml", MANIFEST.encode()), ("talks.txt", TALKS), ("../escape.txt", MINSK)])
    built = build_upload([("pages.zip", data), ("minsk.txt", MINSK)], FIELDS)
    by_doc = built.table.groupby("doc_id")[["source", "period", "actor"]].first()
    assert by_doc.loc["talks"].tolist() == ["Manifest Wire", 2014, "UKR"]  # the zip's manifest, not the fields
    assert by_doc.loc["minsk"].tolist() == ["Upload Daily", 2016, "RUS"]  # the loose file takes the fields
    lines = {f.path: f for f in built.files}
    assert lines["pages.zip/talks.txt"].status == "used"
    assert lines["pages.zip/../escape.txt"].status == "skipped"
    assert all("rhetoric-shift-upload" not in path for path in lines)
    assert list(tmpdir_root.iterdir()) == []


def test_a_zip_without_a_manifest_takes_the_fields(tmpdir_root: Path) -> None:
    built = build_upload([("pages.zip", zip_bytes([("a/talks.txt", TALKS), ("b/minsk.txt", MINSK)]))], FIELDS)
    assert set(built.table["doc_id"]) == {"a/talks", "b/minsk"}
    assert set(built.table["source"]) == {"Upload Daily"}


def test_limits_stop_the_build_with_one_line_and_leave_no_files(tmpdir_root: Path) -> None:
    with pytest.raises(UploadError, match=r"at most 0 MB"):
        build_upload([("talks.txt", TALKS)], FIELDS, limits=Limits(max_upload_bytes=10))
    with pytest.raises(UploadError, match=r"makes 3 statements; a session holds at most 2"):
        build_upload([("talks.txt", TALKS), ("minsk.txt", MINSK)], FIELDS, limits=Limits(max_statements=2))
    with pytest.raises(UploadError, match="no files"):
        build_upload([], FIELDS)
    with pytest.raises(UploadError, match="no usable input") as caught:
        build_upload([("blob.txt", b"\x00" * 10)], FIELDS)
    assert "\n" not in str(caught.value) and str(tmpdir_root) not in str(caught.value)
    assert str(caught.value).startswith("your files: no usable input") and "blob.txt" in str(caught.value)
    assert list(tmpdir_root.iterdir()) == []


def test_a_broken_manifest_in_a_zip_is_one_line_naming_it_without_server_paths(tmpdir_root: Path) -> None:
    data = zip_bytes([("manifest.toml", b"[[document]]\nid = 'talks'\n"), ("talks.txt", TALKS)])
    with pytest.raises(UploadError) as caught:
        build_upload([("pages.zip", data)], FIELDS)
    message = str(caught.value)
    assert message.startswith("pages.zip/manifest.toml: ") and "lacks required key" in message, message
    assert "\n" not in message and "rhetoric-shift-upload" not in message
    assert list(tmpdir_root.iterdir()) == []


def test_an_archive_past_the_extraction_budget_is_refused_member_by_member(tmpdir_root: Path) -> None:
    data = zip_bytes([("talks.txt", TALKS), ("minsk.txt", MINSK * 100)])
    built = build_upload([("pages.zip", data)], FIELDS, limits=Limits(max_extracted_bytes=len(TALKS) + 10))
    assert set(built.table["doc_id"]) == {"talks"}
    assert "limit" in {f.path: f for f in built.files}["pages.zip/minsk.txt"].reason


def test_form_values_are_written_to_the_manifest_as_plain_strings(tmpdir_root: Path) -> None:
    outlet = 'The "Daily" \\ News\x07 = [x]\n# not a comment'
    built = build_upload([("talks.txt", TALKS)], Fields(outlet=outlet, actor="RUS", period=2016))
    assert set(built.table["source"]) == {'The "Daily" \\ News = [x] # not a comment'}
    assert toml_value("a\x7fb") == '"a\\u007Fb"' and toml_value(dt.date(2017, 1, 17)) == "2017-01-17"


def test_downloads_carry_every_column(tmp_path: Path) -> None:
    table = make_table([{"text": "=HYPERLINK(1)", "targets": ["Syria", "US"]}, {"text": "Plain."}])
    frame = pd.read_csv(io.BytesIO(table_csv(table)))
    assert list(frame.columns) == list(table.columns) and {c.name for c in COLUMNS} <= set(frame.columns)
    assert json.loads(frame.loc[0, "targets"]) == ["Syria", "US"]
    assert frame.loc[0, "text"] == "'=HYPERLINK(1)"  # inert in a spreadsheet
    (tmp_path / "t.parquet").write_bytes(table_parquet(table))
    from rhetoric_shift.build import read_table

    assert read_table(tmp_path / "t.parquet")["statement_id"].tolist() == table["statement_id"].tolist()


# --- the page ---------------------------------------------------------------------------------

@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """AppTests of the dashboard on a small prebuilt table (the bundled corpus of these tests)."""
    import streamlit as st

    st.cache_data.clear()
    bundled = tmp_path / "bundled.parquet"
    make_table([{"text": f"Bundled statement {i} about Syria.", "targets": ["Syria"]} for i in range(5)]).to_parquet(bundled)
    monkeypatch.setenv("RHETORIC_SHIFT_TABLE", str(bundled))
    return lambda: AppTest.from_file(ENTRY, default_timeout=60)


def open_upload(at: AppTest) -> AppTest:
    at.switch_page("pages/upload.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def submit(at: AppTest, files: list[tuple[str, bytes]], outlet: str = "Upload Daily") -> AppTest:
    at.file_uploader(key="upload_files").set_value([(name, data, "text/plain") for name, data in files])
    at.text_input(key="upload_outlet").input(outlet)
    at.text_input(key="upload_actor").input("RUS")
    at.number_input(key="upload_period").set_value(2016)
    at.selectbox(key="upload_format").select("paragraphs")
    at.button(key="upload_build").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first dataframe on the page that has ``column`` (frames are not widgets: no keys)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def sidebar_text(at: AppTest) -> str:
    return " ".join(str(e.value) for e in at.sidebar.caption) + " " + " ".join(str(e.value) for e in at.sidebar.info)


def test_the_page_builds_an_upload_and_every_page_then_shows_it(app) -> None:
    at = open_upload(app())
    assert "bundled.parquet" in sidebar_text(at) and "5 statements" in sidebar_text(at)
    submit(at, [("talks.txt", TALKS), ("minsk.txt", MINSK), ("blob.txt", b"\x00" * 20)])
    assert "Your upload: 3 statements from 2 files" in sidebar_text(at)
    assert "your upload (2 files), 3 statements" in sidebar_text(at)
    report = frame_with(at, "detail").set_index("file")
    assert report.loc["talks.txt", "statements"] == 2 and report.loc["blob.txt", "status"] == "skipped"
    assert any("blob.txt: binary file" in c.value.replace("\\", "") for c in at.caption)  # escaped Markdown
    assert [b.label for b in at.get("download_button")] == ["Download the table (Parquet)", "Download the table (CSV, every column)"]

    at.switch_page("pages/statements.py").run()
    assert not at.exception
    shown = frame_with(at, "text")
    assert sorted(shown["text"]) == sorted(["We are ready for talks on Syria.",
                                            "The sanctions against us are counterproductive.",
                                            "Kiev must implement the Minsk agreements."])

    at.button(key="upload_back").click().run()
    assert not at.exception
    assert "bundled.parquet" in sidebar_text(at) and "Your upload" not in sidebar_text(at)
    assert len(frame_with(at, "text")) == 5


def test_a_second_session_keeps_the_bundled_table(app) -> None:
    first = submit(open_upload(app()), [("talks.txt", TALKS)])
    second = open_upload(app())
    assert "Your upload: 2 statements" in sidebar_text(first)
    assert "bundled.parquet" in sidebar_text(second) and "5 statements" in sidebar_text(second)
    assert upload.UPLOAD_KEY not in second.session_state


SAME_NAME_TEXTS = {"Syria": b"We are ready for talks on Syria.\n\nThe war in Syria must end.\n",
                   "Ukraine": b"Ukraine must implement the Minsk agreements.\n"}


def test_builds_running_side_by_side_keep_their_own_files(tmpdir_root: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        built = dict(zip(SAME_NAME_TEXTS, pool.map(lambda data: build_upload([("talks.txt", data)], FIELDS),
                                                    SAME_NAME_TEXTS.values())))
    assert built["Syria"].table["text"].tolist() == ["We are ready for talks on Syria.", "The war in Syria must end."]
    assert built["Ukraine"].table["text"].tolist() == ["Ukraine must implement the Minsk agreements."]
    assert built["Syria"].digest != built["Ukraine"].digest  # the caches' key for each table
    assert list(tmpdir_root.iterdir()) == []


def test_two_concurrent_sessions_with_different_uploads_see_only_their_own(app) -> None:
    # Same file name, different texts: the statement ids agree, so only the upload's own key tells
    # the tables apart in the caches every session shares.
    # AppTest drives one script run at a time, so the two sessions interleave here; the builds
    # themselves run side by side in threads in the test below, as the server runs sessions.
    sessions = {target: open_upload(app()) for target in SAME_NAME_TEXTS}
    for target, data in SAME_NAME_TEXTS.items():
        submit(sessions[target], [("talks.txt", data)])
    for target, at in sessions.items():
        at.switch_page("pages/overview.py").run()
    for target, at in sessions.items():
        assert not at.exception, [e.value for e in at.exception]
        assert set(frame_with(at, "target")["target"]) == {target}
        at.switch_page("pages/statements.py").run()
        assert " ".join(frame_with(at, "text")["text"]).count(target) == SAME_NAME_TEXTS[target].count(target.encode())
    assert "2 statements" in sidebar_text(sessions["Syria"]) and "1 statements" in sidebar_text(sessions["Ukraine"])
    assert "5 statements" in sidebar_text(open_upload(app()))  # a third visitor: the bundled table


def test_a_failed_build_is_one_line_and_keeps_the_current_table(app) -> None:
    at = submit(open_upload(app()), [("blob.txt", b"\x00" * 20)])
    assert len(at.error) == 1 and at.error[0].value.startswith("error: ") and "no usable input" in at.error[0].value
    assert "\n" not in at.error[0].value
    assert "5 statements" in sidebar_text(at)


def test_nothing_from_the_files_is_rendered_as_markup(app) -> None:
    name = "[click](javascript:alert(1)) <img src=x>.txt"
    at = submit(open_upload(app()), [(name, b"\x00" * 20), ("talks.txt", TALKS)], outlet="![pixel](http://example.invalid/p.png)")
    markdown = [str(e.value) for e in [*at.markdown, *at.caption, *at.error, *at.warning, *at.success, *at.info]]
    live = re.compile(r"(?<!\\)\]\(|(?<!\\)<img")  # a link or a tag that Markdown would render
    assert not [m for m in markdown if live.search(m)]
    assert any("javascript" in m and "click" in m for m in markdown)  # the file is named, escaped
    assert set(frame_with(at, "detail")["file"]) == {"talks.txt", "[click](javascript:alert(1)) <img src=x>.txt"}


# --- progress per stage ----------------------------------------------------------------------

def test_a_stage_line_says_how_far_it_got_in_percent() -> None:
    assert upload.stage_progress("apply", 1, 4) == (0.25, "Finding targets, tone and stance: 25%")
    assert upload.stage_progress("read+segment", 3, 3) == (1.0, "Reading and segmenting the texts: done")
    assert upload.stage_progress("fit", 0, 0) == (1.0, "Fitting the models on a sample: done")  # no known total
    assert upload.stage_progress("finish", 7, 5)[0] == 1.0 and upload.stage_progress("finish", -1, 5)[0] == 0.0
    assert upload.stage_progress("write", 1, 2) == (0.5, "Write: 50%")  # a stage the page does not know


def test_the_page_knows_every_stage_the_build_reports_in_its_order() -> None:
    from rhetoric_shift.build import STAGES

    assert list(upload.STAGES) == list(STAGES)


def staged_build(calls: list, fail: str | None = None):
    """A stand-in for ``build_table`` that reports every stage (half, then whole) and builds for real, or fails at ``fail``."""
    from rhetoric_shift.build import build_table
    from rhetoric_shift.errors import InputError

    def fake(inputs, *args, progress=False, **kwargs):
        from rhetoric_shift.build import STAGES

        for stage in STAGES:
            if stage == fail:
                progress(stage, 1, 4)
                raise InputError(inputs[0], "no usable input: stopped here")
            progress(stage, 5, 10)
            progress(stage, 10, 10)
            calls.append(stage)
        return build_table(inputs, *args, **kwargs)

    return fake


def test_build_upload_hands_its_progress_to_the_build(tmpdir_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls, seen = [], []
    monkeypatch.setattr(upload, "build_table", staged_build(calls))
    built = build_upload([("talks.txt", TALKS)], FIELDS, progress=lambda *call: seen.append(call))
    assert len(built.table) == 2
    assert seen == [(stage, n, 10) for stage in upload.STAGES for n in (5, 10)]


def progress_bars(at: AppTest) -> list[tuple[int, str]]:
    return [(bar.proto.value, bar.proto.text) for bar in at.get("progress")]


def test_the_page_draws_a_bar_per_stage_and_keeps_them_when_the_build_fails(app, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upload, "build_table", staged_build([], fail="apply"))
    at = submit(open_upload(app()), [("talks.txt", TALKS)])
    assert progress_bars(at) == [(100, "Fitting the models on a sample: done"), (100, "Reading and segmenting the texts: done"),
                                 (25, "Finding targets, tone and stance: 25%"), (0, "Placing topics and grouping duplicate remarks: waiting")]
    assert len(at.error) == 1 and "stopped here" in at.error[0].value
    assert "5 statements" in sidebar_text(at)  # the bundled table is still in use


def test_the_page_builds_through_every_stage(app, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(upload, "build_table", staged_build(calls))
    at = submit(open_upload(app()), [("talks.txt", TALKS)])
    assert calls == list(upload.STAGES)
    assert "Your upload: 2 statements from 1 file" in sidebar_text(at)
    assert progress_bars(at) == []  # the page reran on the new table


# --- hosting --------------------------------------------------------------------------------

def test_the_hosting_files_agree_with_the_code() -> None:
    from rhetoric_shift.datafiles import read_toml

    config, _ = read_toml(ROOT / ".streamlit" / "config.toml", "config.toml", "Streamlit config")
    assert config["server"]["maxUploadSize"] == upload.MAX_UPLOAD_MB == Limits().max_upload_bytes >> 20
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["showSidebarNavigation"] is False  # dashboard.py draws its menu at the top
    requirements = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    assert "." in requirements  # Community Cloud installs this package, whose dependencies are in pyproject.toml
    pages = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))
    entry = (ROOT / "dashboard.py").read_text(encoding="utf-8")
    assert all(f'("{name}", ' in entry for name in pages), "every file in pages/ is in dashboard.PAGES"


def test_a_date_the_page_prints_is_kept_when_the_form_gives_none(tmpdir_root: Path) -> None:
    # The form fills the manifest; a date printed in the text must survive it, as it does without a manifest.
    text = "Moscow, 12 April 2017\n\nWe are ready for talks on Syria, the minister said.\n".encode()
    upload = build_upload([("remarks.txt", text)], Fields(outlet="Wire", actor="RUS"))
    assert set(upload.table["date"].dropna().dt.date.astype(str)) == {"2017-04-12"}
    assert set(upload.table["period"]) == {2017}
