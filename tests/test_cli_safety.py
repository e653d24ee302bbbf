"""The command line under misuse: --out never destroys an input, options are checked, signals and
closed pipes end with one line (or none), never a traceback."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT, make_table
from rhetoric_shift import build, read
from rhetoric_shift.cli import main
from rhetoric_shift.errors import one_line

LIB = ROOT / "lib"
SPEECH = "Sergey Lavrov: We are ready for dialogue with Ukraine.\n"
MANIFEST = '[[document]]\nid = "s"\nfile = "speech.txt"\nsource = "MFA"\nperiod = 2017\nactor = "RUS"\n'


def run_cli(args, capsys) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(status: int, err: str, *parts: str) -> None:
    assert status == 2, err
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ") and "Traceback" not in err, err
    for part in parts:
        assert part in err, err


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "speech.txt").write_text(SPEECH)
    (folder / "manifest.toml").write_text(MANIFEST)
    return folder


def _out_cases(corpus, tmp_path):
    targets = tmp_path / "targets.toml"
    targets.write_text('[[target]]\nlabel = "Ukraine"\n')
    return {
        "input file in a folder": (["build", corpus, "--out", corpus / "speech.txt"], "is an input file in"),
        "input file given directly": (["build", corpus / "speech.txt", "--out", corpus / "speech.txt"], "is an input file (the table would overwrite it)"),
        "manifest beside the inputs": (["build", corpus, "--out", corpus / "manifest.toml"], "is an input file in"),
        "explicit manifest": (["build", corpus / "speech.txt", "--manifest", corpus / "manifest.toml", "--out", corpus / "manifest.toml"], "is the manifest"),
        "targets lexicon": (["build", corpus, "--targets", targets, "--out", targets], "is a lexicon file this build reads"),
        "a link to an input": (["build", corpus, "--out", tmp_path / "link.parquet"], "is an input file in"),
    }


@pytest.mark.parametrize("case", ["input file in a folder", "input file given directly", "manifest beside the inputs", "explicit manifest", "targets lexicon", "a link to an input"])
def test_out_may_not_overwrite_what_the_build_reads(corpus, tmp_path, capsys, case):
    (tmp_path / "link.parquet").symlink_to(corpus / "speech.txt")
    args, message = _out_cases(corpus, tmp_path)[case]
    before = {p: p.read_bytes() for p in [*corpus.iterdir(), tmp_path / "targets.toml"]}
    status, _, err = run_cli([*args, "--no-enrich"], capsys)
    assert_one_line_error(status, err, message, "choose another --out")
    assert {p: p.read_bytes() for p in before} == before


def test_out_with_a_name_the_build_reads_inside_an_input_folder_is_refused(corpus, tmp_path, capsys):
    status, _, err = run_cli(["build", corpus, "--out", corpus / "table.md", "--no-enrich"], capsys)
    assert_one_line_error(status, err, "with a name the build reads (the next build would read the table as input)")
    assert not (corpus / "table.md").exists()


def test_a_parquet_table_inside_an_input_folder_is_allowed_and_rebuilt(corpus, capsys):
    for _ in range(2):  # the second build finds the first table (and its report) and reports them as skipped
        status, printed, err = run_cli(["build", corpus, "--out", corpus / "table.parquet", "--no-enrich"], capsys)
        assert status == 0, err
    assert "skipped  " + str(corpus / "table.parquet") + ": unsupported file type .parquet" in printed


def test_a_dataset_folder_is_rebuilt_in_place(corpus, tmp_path, capsys):
    out = tmp_path / "dataset"
    for _ in range(2):  # the second build replaces the dataset the first one wrote
        status, _, err = run_cli(["build", corpus, "--out", out, "--no-enrich"], capsys)
        assert status == 0, err
    assert out.is_dir() and all(p.name.startswith("period=") for p in out.iterdir())


def test_out_a_folder_or_an_existing_file_that_is_not_a_table(corpus, tmp_path, capsys):
    status, _, err = run_cli(["build", corpus, "--out", tmp_path, "--no-enrich"], capsys)
    assert_one_line_error(status, err, f"error: {tmp_path}: is a folder that is not a table written by `build`; give a new name, e.g. --out {tmp_path / 'statements.parquet'}")
    thesis = tmp_path / "thesis.docx"
    thesis.write_bytes(b"PK\x03\x04 my thesis")
    status, _, err = run_cli(["build", corpus, "--out", thesis, "--no-enrich"], capsys)
    assert_one_line_error(status, err, "exists and is not a Parquet table")
    assert thesis.read_bytes() == b"PK\x03\x04 my thesis"
    status, _, err = run_cli(["build", corpus, "--out", corpus / "speech.txt" / "t.parquet", "--no-enrich"], capsys)
    assert_one_line_error(status, err, "cannot be created:", "speech.txt is a file, not a folder")


def test_out_in_a_place_that_cannot_be_written(corpus, tmp_path, capsys, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    # root may write anywhere, so the permission is refused here as the kernel would for others
    monkeypatch.setattr(read.os, "access", lambda path, mode: False if str(path) == str(locked) else real_access(path, mode))
    status, _, err = run_cli(["build", corpus, "--out", locked / "sub" / "t.parquet", "--no-enrich"], capsys)
    assert_one_line_error(status, err, f"cannot be written: no permission to write in {locked}; choose a writable place")


def test_an_out_name_that_is_not_utf8_is_one_line(corpus, tmp_path, capsys):
    out = tmp_path / os.fsdecode(b"Gen\xe8ve.parquet")  # a Latin-1 name: Parquet cannot be opened by it
    status, _, err = run_cli(["build", corpus, "--out", out, "--no-enrich"], capsys)
    assert_one_line_error(status, err, f"error: {tmp_path}/Gen\\xe8ve.parquet: the name is not valid UTF-8", "give --out a UTF-8 name")
    status, _, err = run_cli(["compare", out, "--target", "Ukraine", "--periods", "2014", "2017"], capsys)
    assert_one_line_error(status, err, "Gen\\xe8ve.parquet: the name is not valid UTF-8", "give the table a UTF-8 name")


def test_one_line_shows_control_characters_and_undecodable_bytes_escaped():
    assert one_line("fine: Genève") == "fine: Genève"
    assert one_line("a\nb\r\x1b[31m\u2028" + os.fsdecode(b"\xe8")) == "a\\nb\\r\\x1b[31m\\u2028\\xe8"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in read-only folders")
def test_out_in_a_read_only_folder(corpus, tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    status, _, err = run_cli(["build", corpus, "--out", locked / "t.parquet", "--no-enrich"], capsys)
    assert_one_line_error(status, err, "cannot be written: no permission to write in")


def test_a_failed_write_is_one_line(corpus, tmp_path, capsys, monkeypatch):
    def full_disk(result, out):
        raise OSError(errno.ENOSPC, "No space left on device", str(out))

    monkeypatch.setattr(build, "write_table", full_disk)
    status, _, err = run_cli(["build", corpus, "--out", tmp_path / "t.parquet", "--no-enrich"], capsys)
    assert_one_line_error(status, err, f"error: {tmp_path / 't.parquet'}: cannot be written (no space left on device)")


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--topics", "0", "argument --topics: must be a whole number of at least 1, got '0'"),
        ("--topics", "many", "argument --topics: must be a whole number of at least 1, got 'many'"),
        ("--random-state", "-1", "argument --random-state: must be a whole number from 0 to 4294967295, got '-1'"),
        ("--random-state", str(2**32), "argument --random-state: must be a whole number from 0 to 4294967295, got '4294967296'"),
    ],
)
def test_options_out_of_range_are_one_line(corpus, tmp_path, capsys, option, value, message):
    status, _, err = run_cli(["build", corpus, "--out", tmp_path / "t.parquet", option, value], capsys)
    assert_one_line_error(status, err, "error: rhetoric-shift build: " + message, "see `rhetoric-shift build --help`")
    assert not (tmp_path / "t.parquet").exists()


@pytest.mark.parametrize("option", ["--manifest", "--targets", "--speakers"])
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda folder: os.mkfifo(folder / "x.toml"), "is not a regular file (a FIFO or a device)"),  # opening it would block
        (lambda folder: (folder / "x.toml").mkdir(), "is a folder; give the"),
        (lambda folder: (folder / "x.toml").write_text("a = " + "[" * 50_000 + "]" * 50_000), "not usable TOML (nested too deeply)"),
        (lambda folder: (folder / "x.toml").write_bytes(b"label = \"Gen\xe8ve\"\n"), "is not UTF-8 text; save it as UTF-8"),
        (lambda folder: (folder / "x.toml").write_bytes(b"#" * ((16 << 20) + 1)), "is larger than 16 MB"),
    ],
    ids=["fifo", "folder", "nested", "latin-1", "huge"],
)
def test_a_toml_option_that_is_no_usable_file_is_one_line(corpus, tmp_path, capsys, option, make, message):
    make(tmp_path)
    status, _, err = run_cli(["build", corpus, "--out", tmp_path / "t.parquet", option, tmp_path / "x.toml"], capsys)
    assert_one_line_error(status, err, f"error: {tmp_path / 'x.toml'}: ", message)


def test_a_device_as_the_manifest_is_refused_before_it_is_read(corpus, tmp_path, capsys):
    # /dev/zero never ends: read whole, it would take all the memory there is
    status, _, err = run_cli(["build", corpus, "--out", tmp_path / "t.parquet", "--manifest", "/dev/zero"], capsys)
    assert_one_line_error(status, err, "error: /dev/zero: is not a regular file (a FIFO or a device); give the manifest as a TOML file")


def test_a_missing_option_is_one_line_without_the_usage_text(capsys):
    status, _, err = run_cli(["compare", "x.parquet", "--target", "Ukraine"], capsys)
    assert_one_line_error(status, err, "the following arguments are required: --periods")


# --- Signals and pipes: a real process ----------------------------------------------------------

def _sighup_default() -> None:
    # a test runner started under nohup hands its children an ignored SIGHUP, which the command keeps
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def _slow_build_process(tmp_path, corpus, preexec_fn=_sighup_default) -> subprocess.Popen:
    """The command line with a build that waits, so a signal surely arrives during the build."""
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(LIB)!r})
        import rhetoric_shift.build as build
        def slow(*args, **kwargs):
            print("building", flush=True)
            time.sleep(60)
        build.build_table = slow
        from rhetoric_shift.cli import main
        sys.exit(main(["build", {str(corpus)!r}, "--out", {str(tmp_path / 't.parquet')!r}]))
    """)
    return subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=preexec_fn)


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_during_the_build_prints_one_line(corpus, tmp_path, signum, status):
    process = _slow_build_process(tmp_path, corpus)
    assert process.stdout.readline() == "building\n"
    process.send_signal(signum)
    _, err = process.communicate(timeout=30)
    assert process.returncode == status
    assert err == f"error: stopped by {signal.Signals(signum).name} before finishing; run the command again\n"
    assert not (tmp_path / "t.parquet").exists()


def test_an_ignored_sighup_stays_ignored(corpus, tmp_path):
    # under nohup a closed terminal must not stop the build
    process = _slow_build_process(tmp_path, corpus, preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
    assert process.stdout.readline() == "building\n"
    process.send_signal(signal.SIGHUP)
    with pytest.raises(subprocess.TimeoutExpired):
        process.wait(timeout=1)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 143 and "SIGTERM" in err


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_during_the_write_leaves_the_previous_table_and_report(corpus, tmp_path, signum, status):
    out = tmp_path / "t.parquet"
    assert main(["build", str(corpus), "--out", str(out), "--no-enrich", "--quiet"]) == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert set(before) == {"t.parquet", "t.build.json"}
    # the new table is written to its temporary name, then the command waits before the rename
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(LIB)!r})
        import pyarrow.parquet as pq
        real = pq.write_table
        def held(*args, **kwargs):
            real(*args, **kwargs)
            print("written", flush=True)
            time.sleep(60)
        pq.write_table = held
        from rhetoric_shift.cli import main
        sys.exit(main(["build", {str(corpus)!r}, "--out", {str(out)!r}, "--no-enrich", "--quiet"]))
    """)
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=_sighup_default)
    assert process.stdout.readline() == "written\n"
    assert any(p.name.startswith(".t.parquet.tmp-") for p in tmp_path.iterdir())
    process.send_signal(signum)
    _, err = process.communicate(timeout=30)
    assert process.returncode == status
    assert err == f"error: stopped by {signal.Signals(signum).name} before finishing; run the command again\n"
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before  # no leftover, nothing replaced


def test_compare_into_a_closed_pipe_is_quiet(tmp_path):
    rows = [{"text": f"We support Ukraine {i}.", "targets": ["Ukraine"], "period": 2014 + 3 * (i % 2)} for i in range(12)]
    make_table(rows).to_parquet(tmp_path / "t.parquet")
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before compare writes anything, as after `| head -0`
    process = subprocess.run(
        [sys.executable, "-m", "rhetoric_shift", "compare", str(tmp_path / "t.parquet"), "--target", "Ukraine", "--periods", "2014", "2017"],
        stdout=write_end, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(LIB)}, timeout=120,
    )
    os.close(write_end)
    assert process.stderr == ""
    assert process.returncode == 128 + signal.SIGPIPE
