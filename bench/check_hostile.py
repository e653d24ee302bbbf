"""The steering check of hostile and broken inputs, run through the real command line: every case
of the new-user probe in issue 13 ("Why"), and variants of them that reach further.

Run: PYTHONPATH=lib python3 bench/check_hostile.py [--only SUBSTRING] [--jobs 3] [--keep]

Each case writes its inputs into a fresh temporary folder, runs ``python3 -m rhetoric_shift ...``
(the worktree's ``lib`` first on the path) with a timeout, and prints one row of a markdown
table: the exit code, the first line of stderr (when stderr is empty, the output line the
check looked at, marked ``out:``), whether a traceback was printed, whether the inputs are
intact, and the verdict.

"Input intact" hashes every entry of the case's folder (files by content, links by target,
FIFOs by kind) before and after the run, except the table and report the case is meant to
write: a changed, removed or new entry (an input overwritten, a half-written table left behind,
a zip member extracted outside its folder) is "no". Temporary folders go to the case's own
``tmp/``, which must be empty afterwards. A case is ``ok`` when it printed no traceback, left
its inputs intact, finished within its timeout, and showed what the case expects (a one-line
``error: ...`` with exit 2 for a mistake that stops the build; the reported line and a table
without the refused content for one that does not).

Each command may use at most 4 GB of address space (``prlimit``), so a case that reads without
end fails on its own instead of taking the machine's memory. Run as root, the commands run without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH (``setpriv``), so
unreadable files and read-only folders are refused as they are for any other user.

Signals: ``during the build`` and ``during the write`` start the same command line from a
short wrapper that holds it at a known point (the first file being read; the table's Parquet
written to its temporary name, before the rename), prints a marker, and waits; the signal is
sent on the marker, so the case is deterministic. The previous table and report in the folder
must come through unchanged.

Not a test: nothing asserts. It exits 1 when any case FAILs, else 0.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import shutil
import signal
import stat
import struct
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIB = ROOT / "lib"
MEMORY_LIMIT = 4_000_000_000  # bytes of address space per command (an enriched build of the seeds needs well under it)
TIMEOUT = 90  # seconds per case; the pattern that hung the build was still running after 120 s

SPEECH = "Sergey Lavrov: We are ready for dialogue with Ukraine, and the sanctions must end.\n"
MANIFEST = '[[document]]\nid = "s"\nfile = "speech.txt"\nsource = "MFA"\nperiod = 2017\nactor = "RUS"\n'
GOOD_2016 = "In 2016 the minister said the talks on Syria must go on. We are ready for dialogue.\n"
SHARED: dict = {}  # what ``prepare`` made for the cases that need a built table
SECRET = "root:x:0:0:rhetoric-shift-check-secret"  # stands for /etc/passwd's content where it must not go


# --- running one case ----------------------------------------------------------------------

@dataclass
class Run:
    folder: Path
    status: int | None  # None: timed out
    out: str
    err: str
    seconds: float
    extra: dict = field(default_factory=dict)

    def table(self, name: str = "t.parquet"):
        import pyarrow.parquet as pq

        path = self.folder / name
        return pq.read_table(path).to_pandas() if path.exists() else None

    def out_line(self, *parts: str) -> str | None:
        """The first stdout line holding every one of ``parts``."""
        return next((line for line in self.out.splitlines() if all(p in line for p in parts)), None)


@dataclass
class Case:
    name: str
    setup: Callable[[Path], list[str]]  # writes inputs into the folder, returns the CLI arguments
    expect: Callable[[Run], str | None]  # None when the case behaved, else what went wrong
    outputs: tuple[str, ...] = ("t.parquet", "t.build.json")  # entries the run may create or replace
    hook: str | None = None  # "build" or "write": held at that point and sent ``signum``
    signum: int = 0
    pipe_closed: bool = False  # stdout is a pipe whose reader is already gone
    timeout: float = TIMEOUT
    needs_table: bool = False  # reads SHARED["table"], the table ``prepare`` builds
    slow: bool = False  # started first, so the run takes about as long as its slowest case


def _command(args: list[str], hook: str | None) -> list[str]:
    cmd = [sys.executable, "-m", "rhetoric_shift", *args]
    if hook:
        cmd = [sys.executable, "-c", HOLD, hook, *args]
    if shutil.which("prlimit"):  # a case that reads without end fails on its own, not the machine
        cmd = ["prlimit", f"--as={MEMORY_LIMIT}", *cmd]
    if os.geteuid() == 0 and shutil.which("setpriv"):
        cmd = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *cmd]
    return cmd


# The command line, held at one point: prints a marker on stderr and waits for the signal.
HOLD = textwrap.dedent("""
    import os, sys, time
    hook, args = sys.argv[1], sys.argv[2:]
    def hold():
        os.write(2, b"@@held\\n")
        time.sleep(60)
    if hook == "build":
        import rhetoric_shift.read as read
        real_read = read.read_file
        def read_file(*a, **k):
            hold()
            yield from real_read(*a, **k)
        read.read_file = read_file
    else:
        import pyarrow.parquet as pq
        real_write = pq.write_table
        def write_table(*a, **k):
            real_write(*a, **k)
            hold()
        pq.write_table = write_table
    from rhetoric_shift.cli import main
    sys.exit(main(args))
""")


def run_case(case: Case, base: Path) -> dict:
    folder = base / case.name.replace(" ", "_").replace("/", "_")
    folder.mkdir()
    tmp = folder / "tmp"
    tmp.mkdir()
    args = case.setup(folder)
    args = build_args(args) if isinstance(args, Path) else args
    args = [os.path.relpath(a, folder) if a.startswith(f"{folder}/") else a for a in map(str, args)]  # short messages
    before = snapshot(folder, case.outputs)
    env = {**os.environ, "PYTHONPATH": str(LIB), "TMPDIR": str(tmp), "PYTHONDONTWRITEBYTECODE": "1"}
    started = time.perf_counter()
    status, out, err = _execute(_command(args, case.hook), folder, env, case)
    seconds = time.perf_counter() - started
    after = snapshot(folder, case.outputs)
    run = Run(folder, status, out, err.replace("@@held\n", ""), seconds)
    intact = before == after and not any(tmp.iterdir())
    traceback = "Traceback (most recent call last)" in out + err
    problem = None
    if status is None:
        problem = f"still running after {case.timeout:.0f} s"
    elif traceback:
        problem = "a traceback"
    elif not intact:
        problem = "inputs changed: " + _difference(before, after, tmp)
    else:
        try:
            problem = case.expect(run)
        except Exception as exc:  # a broken expectation is the check's bug: shown, not hidden
            problem = f"check failed: {type(exc).__name__}: {exc}"
    first = next((line for line in run.err.splitlines() if line.strip()), "")
    if not first:
        shown = run.extra.get("line") or next((line for line in out.splitlines() if line.strip()), "")
        first = f"out: {shown}" if shown else "(stdout and stderr empty)"
    return {
        "case": case.name, "exit": "timeout" if status is None else str(status), "message": first,
        "traceback": "yes" if traceback else "no", "intact": "yes" if intact else "no",
        "verdict": "ok" if problem is None else f"FAIL: {problem}", "seconds": seconds,
    }


def _execute(cmd: list[str], folder: Path, env: dict, case: Case) -> tuple[int | None, str, str]:
    if case.pipe_closed:
        read_end, write_end = os.pipe()
        os.close(read_end)  # as after `| head -0`: the reader is gone before anything is written
        try:
            done = subprocess.run(cmd, cwd=folder, env=env, stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=case.timeout)
        except subprocess.TimeoutExpired as exc:
            return None, "", _text(exc.stderr)
        finally:
            os.close(write_end)
        return done.returncode, "", done.stderr
    # SIGHUP at its default, as in a terminal, even when this check itself runs under nohup
    process = subprocess.Popen(cmd, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL))
    err_head = ""
    if case.hook:
        deadline = time.monotonic() + case.timeout
        while time.monotonic() < deadline:  # the marker comes before anything else on stderr
            line = process.stderr.readline()
            err_head += line
            if line == "@@held\n" or not line:
                break
        if err_head.endswith("@@held\n"):
            process.send_signal(case.signum)
    try:
        out, err = process.communicate(timeout=case.timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the group this run started, nothing else
        out, err = process.communicate()
        return None, out, err_head + err
    return process.returncode, out, err_head + err


def _text(data) -> str:
    return data.decode(errors="replace") if isinstance(data, bytes) else (data or "")


def snapshot(folder: Path, outputs: tuple[str, ...]) -> dict[str, str]:
    """Every entry under ``folder`` (but ``tmp/`` and ``outputs``) with a digest of what it is."""
    entries = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        for name in [*dirnames, *filenames]:
            path = here / name
            rel = path.relative_to(folder).as_posix()
            if rel == "tmp" or rel.startswith("tmp/") or rel.split("/")[0] in outputs:
                continue
            entries[rel] = _digest(path)
    return entries


def _digest(path: Path) -> str:
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode):
        return "link:" + os.readlink(path)
    if stat.S_ISDIR(mode):
        return f"dir:{stat.S_IMODE(mode):o}"
    if not stat.S_ISREG(mode):
        return f"special:{stat.S_IFMT(mode):o}"
    if not os.access(path, os.R_OK) or not stat.S_IMODE(mode) & 0o444:
        return f"locked:{path.stat().st_size}"
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _difference(before: dict, after: dict, tmp: Path) -> str:
    changed = sorted(k for k in before.keys() & after.keys() if before[k] != after[k])
    parts = [f"changed {', '.join(changed)}" if changed else "",
             f"removed {', '.join(sorted(before.keys() - after.keys()))}" if before.keys() - after.keys() else "",
             f"new {', '.join(sorted(after.keys() - before.keys()))}" if after.keys() - before.keys() else "",
             f"left in tmp: {', '.join(p.name for p in tmp.iterdir())}" if any(tmp.iterdir()) else ""]
    return "; ".join(p for p in parts if p)


# --- what a case expects ---------------------------------------------------------------------

def one_line_error(*parts: str, status: int = 2, table_written: bool | None = False) -> Callable[[Run], str | None]:
    """Exit ``status``, stderr exactly one ``error: `` line holding ``parts``, and no table written
    (``table_written=None``: a table was there before; the intact check covers it)."""
    def check(run: Run) -> str | None:
        lines = run.err.strip().splitlines()
        if run.status != status:
            return f"exit {run.status}, expected {status}"
        if len(lines) != 1 or not lines[0].startswith("error: "):
            return f"stderr has {len(lines)} lines, expected one 'error: ...' line"
        missing = [p for p in parts if p not in lines[0]]
        if missing:
            return f"the message lacks {missing!r}"
        if table_written is False and (run.folder / "t.parquet").exists():
            return "a table was written"
        return None
    return check


def built(*lines: tuple[str, ...], table: Callable | None = None) -> Callable[[Run], str | None]:
    """Exit 0; for each tuple in ``lines``, a stdout line holding all its parts; ``table(df)`` says
    what is wrong with the table written (None when nothing is)."""
    def check(run: Run) -> str | None:
        if run.status != 0:
            return f"exit {run.status}, expected 0 (the rest still builds)"
        for parts in lines:
            line = run.out_line(*parts)
            if line is None:
                return f"no output line with {' + '.join(repr(p) for p in parts)}"
            run.extra.setdefault("line", line)
        frame = run.table()
        if frame is None:
            return "no table written"
        return table(frame) if table else None
    return check


def without(text: str) -> Callable:
    return lambda df: f"the table holds {text!r}" if df["text"].str.contains(text, regex=False).any() else None


def holds(text: str) -> Callable:
    return lambda df: None if df["text"].str.contains(text, regex=False).any() else f"no statement holds {text!r}"


def docs(*ids: str) -> Callable:
    def check(df):
        got = set(df["doc_id"])
        return None if got == set(ids) else f"documents {sorted(got)}, expected {sorted(ids)}"
    return check


def both(*checks: Callable) -> Callable:
    return lambda df: next((p for p in (c(df) for c in checks) if p), None)


# --- the inputs ------------------------------------------------------------------------------

def corpus(folder: Path) -> Path:
    """``corpus/`` with one speech and its manifest."""
    (folder / "corpus").mkdir(exist_ok=True)
    (folder / "corpus" / "speech.txt").write_text(SPEECH)
    (folder / "corpus" / "manifest.toml").write_text(MANIFEST)
    return folder / "corpus"


def build_args(*inputs, out="t.parquet", extra=("--no-enrich",)) -> list[str]:
    return ["build", *map(str, inputs), "--out", str(out), *extra]


def plain(folder: Path, name: str = "good_2016.txt") -> Path:
    (folder / "corpus").mkdir(exist_ok=True)
    (folder / "corpus" / name).write_text(GOOD_2016)
    return folder / "corpus"


def zipped(folder: Path, members: list, *, method: int = zipfile.ZIP_DEFLATED) -> Path:
    """``corpus/pages.zip`` with ``members`` (name or ZipInfo, bytes) and a good 2016 text first."""
    (folder / "corpus").mkdir(exist_ok=True)
    path = folder / "corpus" / "pages.zip"
    with zipfile.ZipFile(path, "w", compression=method) as zf:
        zf.writestr("good_2016.txt", GOOD_2016)
        for name, data in members:
            zf.writestr(name, data)
    return path


def _rewrite_size(path: Path, member: int, declared: int) -> None:
    """Set member number ``member``'s uncompressed size in its local header and central entry."""
    data = bytearray(path.read_bytes())
    local = central = -1
    for _ in range(member + 1):
        local = data.index(b"PK\x03\x04", local + 1)
        central = data.index(b"PK\x01\x02", central + 1)
    struct.pack_into("<I", data, local + 22, declared)
    struct.pack_into("<I", data, central + 24, declared)
    path.write_bytes(bytes(data))


def link_member(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


def rows_file(folder: Path, name: str, rows: list[dict]) -> Path:
    (folder / "corpus").mkdir(exist_ok=True)
    path = folder / "corpus" / name
    if name.endswith(".jsonl"):
        path.write_text("".join(json.dumps(r) + "\n" if isinstance(r, dict) else r + "\n" for r in rows))
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        header = list(dict.fromkeys(k for r in rows for k in r))
        writer.writerow(header)
        writer.writerows([[r.get(k, "") for k in header] for r in rows])
        path.write_text(buffer.getvalue())
    return path


ROW = {"id": "r", "source": "MFA", "actor": "RUS", "period": "2016", "text": "We are ready for dialogue on Syria."}


def bad_values_rows() -> list[dict]:
    """A good row (line 1 of the body), then period 1e999, date 20150101, format "bogus", then a good row."""
    return [dict(ROW, id="a"), dict(ROW, id="b", period="1e999"), dict(ROW, id="c", date="20150101"),
            dict(ROW, id="d", format="bogus"), dict(ROW, id="e")]


def _skip_lines(*numbers: int) -> tuple[tuple[str, ...], ...]:
    return tuple(("skipped", f"line {n} skipped") for n in numbers)


def _eleven_unusable(folder: Path) -> list[str]:
    inp = folder / "corpus"
    inp.mkdir()
    for i in range(3):
        (inp / f"empty{i}.txt").write_text("")
    for i in range(3):
        (inp / f"binary{i}.txt").write_bytes(bytes(range(256)) * 4)
    for suffix in (".docx", ".pdf", ".odt"):
        (inp / f"office{suffix}").write_bytes(b"PK\x03\x04 not for this build")
    for i in range(2):
        (inp / f"undated{i}.txt").write_text("We are ready for dialogue. The talks must go on.\n")
    return build_args(inp)


def _every_file_named(run: Run) -> str | None:
    problem = one_line_error("no usable input in 11 file(s)")(run)
    if problem:
        return problem
    names = [f"empty{i}.txt" for i in range(3)] + [f"binary{i}.txt" for i in range(3)] + \
            ["office.docx", "office.pdf", "office.odt"] + [f"undated{i}.txt" for i in range(2)]
    missing = [n for n in names if not run.out_line("skipped", n)]
    return f"no line names {', '.join(missing)}" if missing else None


def _fifo(folder: Path) -> list[str]:
    inp = plain(folder)
    os.mkfifo(inp / "pipe.txt")
    return build_args(inp)


def _locked(folder: Path, what: str) -> list[str]:
    inp = plain(folder)
    if what == "folder":
        (inp / "private").mkdir()
        (inp / "private" / "x_2016.txt").write_text(GOOD_2016)
        (inp / "private").chmod(0)
    else:
        (inp / "secret_2017.txt").write_text("In 2017 we said nothing in public.\n")
        (inp / "secret_2017.txt").chmod(0)
    return build_args(inp)


def _read_only_out(folder: Path) -> list[str]:
    inp = plain(folder)
    (folder / "locked").mkdir()
    (folder / "locked").chmod(0o555)
    return build_args(inp, out=folder / "locked" / "t.parquet")


def _targets(folder: Path) -> list[str]:
    inp = plain(folder)
    (folder / "targets.toml").write_text('[[target]]\nlabel = "Evil"\npatterns = ["(a+)+b"]\n')
    return build_args(inp, extra=("--targets", str(folder / "targets.toml")))


def _latin1(folder: Path) -> list[str]:
    (folder / "corpus").mkdir()
    (folder / "corpus" / "geneve_2016.txt").write_bytes(
        "Le ministre a déclaré à Genève que les négociations sur la Syrie continueront. "
        "Nous sommes prêts au dialogue, a-t-il précisé, et la délégation française était là.\n".encode("latin-1"))
    return build_args(folder / "corpus")


def _ten_mb_line(folder: Path) -> list[str]:
    (folder / "corpus").mkdir()
    sentence = "The minister said in 2016 that the talks on Syria must go on without delay. "
    (folder / "corpus" / "long_2016.txt").write_text(sentence * (10_000_000 // len(sentence)) + "\n")
    return build_args(folder / "corpus")


def _unpunctuated_line(folder: Path) -> list[str]:
    (folder / "corpus").mkdir()
    words = "the talks on syria must go on without delay and without conditions "
    (folder / "corpus" / "long_2016.txt").write_text(words * (1_000_000 // len(words)) + "\n")
    return build_args(folder / "corpus")


def bounded(limit_words: int) -> Callable:
    def check(df):
        longest = int(df["text"].str.split().str.len().max())
        return None if longest <= limit_words else f"a statement of {longest:,} words (bound {limit_words})"
    return check


def _oversized_csv_field(folder: Path) -> list[str]:
    (folder / "corpus").mkdir()
    with (folder / "corpus" / "rows.csv").open("w") as handle:
        handle.write("id,period,text\n")
        handle.write("a,2016,We are ready for dialogue on Syria.\n")
        handle.write("b,2016," + "x" * (17 << 20) + "\n")  # past the reader's 16 MiB cell limit
        handle.write("c,2016,The sanctions must end.\n")
    return build_args(folder / "corpus")


def _prior_table(folder: Path) -> list[str]:
    """The one-speech corpus, with a previous table and report (copies of the shared ones) where the build writes."""
    inp = corpus(folder)
    table = SHARED["table"]
    shutil.copy(table, folder / "t.parquet")
    shutil.copy(table.with_suffix(".build.json"), folder / "t.build.json")
    return build_args(inp)


def _signal_case(name: str, hook: str, signum: int) -> Case:
    expect = one_line_error(f"stopped by {signal.Signals(signum).name}", status=128 + signum, table_written=None)
    return Case(name, _prior_table, expect, outputs=(), hook=hook, signum=signum, needs_table=True)


def _zip_with_prior_table(folder: Path) -> list[str]:
    _prior_table(folder)
    return build_args(zipped(folder, []))


HOSTILE_NAME = "evil\n\x1b[31mred_2016.txt"  # a line break and a terminal colour code in a file name


def _hostile_name(folder: Path) -> list[str]:
    plain(folder, HOSTILE_NAME)
    return build_args(folder / "corpus")


def _name_escaped(run: Run) -> str | None:
    problem = built(("used", "red_2016.txt"))(run)
    if problem:
        return problem
    if "\x1b" in run.out + run.err:
        return "a raw escape character reached the terminal"
    return None if run.out_line("used", "corpus/evil") else "the name's line was split in two"


def _latin1_name(folder: Path) -> list[str]:
    inp = plain(folder)
    (inp / os.fsdecode(b"Gen\xe8ve_2016.txt")).write_text(GOOD_2016)  # a Latin-1 name, as old archives unpack
    return build_args(inp)


def _compare(folder: Path) -> list[str]:
    return ["compare", str(SHARED["table"]), "--target", "Ukraine", "--periods", "2014", "2017"]


def _quiet(run: Run) -> str | None:
    if run.err.strip():
        return "stderr is not empty"
    return None if run.status in (0, 128 + signal.SIGPIPE) else f"exit {run.status}"


def cases() -> list[Case]:
    return [
        # --out
        Case("--out an input file", lambda f: build_args(corpus(f), out=f / "corpus" / "speech.txt"), one_line_error("is an input file", "choose another --out")),
        Case("--out the manifest", lambda f: build_args(corpus(f), out=f / "corpus" / "manifest.toml"), one_line_error("is an input file", "choose another --out")),
        Case("--out the --manifest given", lambda f: build_args(corpus(f) / "speech.txt", out=f / "corpus" / "manifest.toml", extra=("--manifest", f / "corpus" / "manifest.toml", "--no-enrich")), one_line_error("is the manifest")),
        Case("--out a new .md inside an input folder", lambda f: build_args(corpus(f), out=f / "corpus" / "sub" / "table.md"), one_line_error("with a name the build reads")),
        Case("--out a folder", lambda f: (corpus(f), (f / "results").mkdir(), (f / "results" / "notes.txt").write_text("mine"))[0] and build_args(f / "corpus", out=f / "results"), one_line_error("is a folder that is not a table")),
        Case("--out a read-only folder", _read_only_out, one_line_error("cannot be written")),
        Case("--out under /proc", lambda f: build_args(corpus(f), out="/proc/rhetoric-shift-check/t.parquet"), one_line_error("cannot be")),
        Case("--out an existing non-table file", lambda f: (corpus(f), (f / "t.parquet").write_text("my notes"))[0] and build_args(f / "corpus"), one_line_error("exists and is not a Parquet table", table_written=None), outputs=()),
        # input folders
        Case("symlink to /etc/passwd in a folder", lambda f: (plain(f), (f / "corpus" / "passwd.txt").symlink_to("/etc/passwd"))[0] and build_args(f / "corpus"),
             built(("skipped", "passwd.txt", "outside the input folder"), table=without("root:"))),
        Case("symlink to a secret outside the folder", lambda f: (plain(f), (f / "secret_2016.txt").write_text(SECRET + " in 2016.\n"), (f / "corpus" / "s.txt").symlink_to(f / "secret_2016.txt"))[0] and build_args(f / "corpus"),
             built(("skipped", "s.txt", "outside the input folder"), table=without("rhetoric-shift-check-secret"))),
        Case("symlinked folder outside", lambda f: (plain(f), (f / "other").mkdir(), (f / "other" / "o_2016.txt").write_text(GOOD_2016), (f / "corpus" / "linked").symlink_to(f / "other"))[0] and build_args(f / "corpus"),
             built(("skipped", "linked", "symbolic link"), table=docs("good_2016"))),
        Case("symlinked folder inside", lambda f: (plain(f), (f / "corpus" / "sub").mkdir(), (f / "corpus" / "sub" / "x_2016.txt").write_text(GOOD_2016), (f / "corpus" / "again").symlink_to(f / "corpus" / "sub"))[0] and build_args(f / "corpus"),
             built(("skipped", "again", "symbolic link to a folder"))),
        Case("symlink self-loop", lambda f: (plain(f), (f / "corpus" / "loop.txt").symlink_to("loop.txt"))[0] and build_args(f / "corpus"),
             built(("skipped", "loop.txt", "loop"))),
        Case("symlink folder loop", lambda f: (plain(f), (f / "corpus" / "up").symlink_to(".."))[0] and build_args(f / "corpus"),
             built(("skipped", "up", "symbolic link"))),
        Case("unreadable folder", lambda f: _locked(f, "folder"), built(("skipped", "private", "cannot be read"))),
        Case("unreadable file", lambda f: _locked(f, "file"), built(("skipped", "secret_2017.txt", "cannot be read"), table=docs("good_2016"))),
        Case("unreadable file given alone", lambda f: _locked(f, "file") and build_args(f / "corpus" / "secret_2017.txt"), one_line_error("secret_2017.txt")),
        Case("FIFO in a folder", _fifo, built(("skipped", "pipe.txt", "FIFO"))),
        # options
        Case("--targets pattern (a+)+b", _targets, one_line_error("targets.toml", "(a+)+b")),
        Case("--topics 0", lambda f: build_args(corpus(f), extra=("--topics", "0")), one_line_error("--topics")),
        Case("--random-state -1", lambda f: build_args(corpus(f), extra=("--random-state", "-1")), one_line_error("--random-state")),
        Case("--random-state 2**32", lambda f: build_args(corpus(f), extra=("--random-state", str(2**32))), one_line_error("--random-state")),
        Case("the same folder given twice", lambda f: build_args(corpus(f), f / "corpus"), built(("used", "speech.txt"), table=docs("s"))),
        Case("a file and its folder both given", lambda f: build_args(corpus(f) / "speech.txt", f / "corpus"), built(("used", "speech.txt"), table=docs("s"))),
        Case("a missing input path", lambda f: build_args(f / "nowhere"), one_line_error("no such file or folder")),
        # rows
        Case("JSONL period 1e999, date 20150101, format bogus", lambda f: rows_file(f, "rows.jsonl", [
            dict(ROW, id="a"), json.dumps(dict(ROW, id="b", period=0)).replace('"period": 0', '"period": 1e999'),
            dict(ROW, id="c", date=20150101), dict(ROW, id="d", format="bogus"), dict(ROW, id="e")]) and build_args(f / "corpus"),
             built(*_skip_lines(2, 3, 4), table=docs("a", "e"))),
        Case("CSV period 1e999, date 20150101, format bogus", lambda f: rows_file(f, "rows.csv", bad_values_rows()) and build_args(f / "corpus"),
             built(*_skip_lines(3, 4, 5), table=docs("a", "e"))),
        Case("manifest period = 1e999", lambda f: (corpus(f), (f / "corpus" / "manifest.toml").write_text(MANIFEST.replace("2017", "1e999")))[0] and build_args(f / "corpus"), one_line_error("manifest.toml", "period")),
        Case("manifest date = 20150101", lambda f: (corpus(f), (f / "corpus" / "manifest.toml").write_text(MANIFEST + "date = 20150101\n"))[0] and build_args(f / "corpus"), one_line_error("manifest.toml", "date")),
        Case('manifest format = "bogus"', lambda f: (corpus(f), (f / "corpus" / "manifest.toml").write_text(MANIFEST + 'format = "bogus"\n'))[0] and build_args(f / "corpus"), one_line_error("manifest.toml", "format")),
        Case("one bad JSONL line", lambda f: rows_file(f, "rows.jsonl", [dict(ROW, id="a"), '{"id": "b", "text": "unclosed', dict(ROW, id="c")]) and build_args(f / "corpus"),
             built(*_skip_lines(2), table=docs("a", "c"))),
        Case("one oversized CSV field (17 MiB)", _oversized_csv_field, built(*_skip_lines(3), table=docs("a", "c"))),
        Case("CSV with two text columns", lambda f: (plain(f), (f / "corpus" / "two.csv").write_text("id,period,text,text\na,2016,First text.,Second text.\n"))[0] and build_args(f / "corpus"),
             built(("skipped", "two.csv", "'text' appears 2 times"))),
        Case("11 files all skipped", _eleven_unusable, _every_file_named),
        Case("Latin-1 file", _latin1, built(("used", "geneve_2016.txt"), table=holds("à Genève"))),
        Case("10 MB single line of sentences", _ten_mb_line, built(("used", "long_2016.txt"), table=bounded(1000)), timeout=240, slow=True),
        Case("1 MB single line without sentence ends", _unpunctuated_line, built(("used", "long_2016.txt"), table=bounded(1000))),
        # zip archives: each with a good text that must still build
        Case("zip member ../ traversal", lambda f: build_args(zipped(f, [("../../../escape_2016.txt", GOOD_2016), ("a/../../b_2016.txt", GOOD_2016)])),
             built(("skipped", "escape_2016.txt", "outside the archive"), ("skipped", "b_2016.txt", "outside the archive"), table=docs("good_2016"))),
        Case("zip member absolute name", lambda f: build_args(zipped(f, [(str(f / "abs_2016.txt"), GOOD_2016)])),
             built(("skipped", "abs_2016.txt", "outside the archive"), table=docs("good_2016"))),
        Case("zip member symlink", lambda f: build_args(zipped(f, [link_member("passwd.txt", "/etc/passwd")])),
             built(("skipped", "passwd.txt", "symbolic link"), table=both(docs("good_2016"), without("root:")))),
        Case("zip bomb: declared size 3 GiB", lambda f: (p := zipped(f, [("big.txt", GOOD_2016 * 10)]), _rewrite_size(p, 1, 3 << 30))[0],
             built(("skipped", "big.txt", "declares"), table=docs("good_2016"))),
        Case("zip bomb: more bytes than declared", lambda f: (p := zipped(f, [("liar.txt", "b" * (8 << 20))]), _rewrite_size(p, 1, 100))[0],
             built(("skipped", "liar.txt"), table=docs("good_2016"))),
        Case("zip bomb: 6000 members", lambda f: build_args(zipped(f, [(f"m{i:04}.bin", b"x") for i in range(6000)], method=zipfile.ZIP_STORED)),
             built(("skipped", "more members", "only the first 5000"), table=docs("good_2016"))),
        Case("zip bomb: ratio 1000:1", lambda f: build_args(zipped(f, [("zeros.txt", " " * (16 << 20))])),
             built(("skipped", "zeros.txt", "compression ratio"), table=docs("good_2016"))),
        Case("zip bomb: 300 members of 1 MiB (whole-archive ratio)", lambda f: build_args(zipped(f, [(f"m{i:03}.txt", " " * (1 << 20)) for i in range(300)])),
             built(("skipped", "more members)", "zip bomb"), table=docs("good_2016"))),
        # lexicons and manifests that are no usable file
        Case("--manifest /dev/zero", lambda f: build_args(corpus(f), extra=("--manifest", "/dev/zero", "--no-enrich")), one_line_error("/dev/zero", "not a regular file")),
        Case("--manifest a FIFO", lambda f: (corpus(f), os.mkfifo(f / "m.toml"))[0] and build_args(f / "corpus", extra=("--manifest", f / "m.toml", "--no-enrich")),
             one_line_error("m.toml", "not a regular file")),
        Case("--targets nested 100,000 deep", lambda f: (corpus(f), (f / "x.toml").write_text("a = " + "[" * 100_000 + "]" * 100_000))[0]
             and build_args(f / "corpus", extra=("--targets", f / "x.toml")), one_line_error("x.toml", "nested too deeply")),
        Case("manifest.toml in a folder nested 100,000 deep", lambda f: (corpus(f), (f / "corpus" / "manifest.toml").write_text("a = " + "[" * 100_000 + "]" * 100_000))[0]
             and build_args(f / "corpus"), one_line_error("manifest.toml", "nested too deeply")),
        # signals, with a previous table and report in place
        _signal_case("SIGINT during the build", "build", signal.SIGINT),
        _signal_case("SIGTERM during the build", "build", signal.SIGTERM),
        _signal_case("SIGINT during the write", "write", signal.SIGINT),
        _signal_case("SIGTERM during the write", "write", signal.SIGTERM),
        _signal_case("SIGHUP during the write (terminal closed)", "write", signal.SIGHUP),
        Case("SIGTERM during the build of a zip", _zip_with_prior_table,
             one_line_error("stopped by SIGTERM", status=143, table_written=None), outputs=(), hook="build", signum=signal.SIGTERM, needs_table=True),
        # names that could forge output
        Case("file name with a line break and an escape code", _hostile_name, _name_escaped),
        Case("file name that is not UTF-8 (Latin-1 'Genève')", _latin1_name, built(("ve_2016.txt",), table=lambda df: None if "good_2016" in set(df["doc_id"]) else "good_2016 missing")),
        Case("--out a name that is not UTF-8", lambda f: build_args(corpus(f), out=os.fsdecode(b"Gen\xe8ve.parquet")), one_line_error("Gen\\xe8ve.parquet", "not valid UTF-8")),
        Case("input path with a line break", lambda f: build_args(f / "no\nwhere"), one_line_error("no\\nwhere: no such file")),
        # pipes
        Case("compare into a closed pipe (| head)", _compare, _quiet, outputs=(), pipe_closed=True, needs_table=True),
    ]


def prepare(base: Path) -> dict:
    """A small enriched table, written once: the previous table of the signal cases and what ``compare`` reads."""
    folder = base / "_shared"
    folder.mkdir()
    table = folder / "seeds.parquet"
    done = subprocess.run([sys.executable, "-m", "rhetoric_shift", "build", str(ROOT / "seeds"), "--out", str(table), "--quiet"],
                          env={**os.environ, "PYTHONPATH": str(LIB)}, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        sys.exit(f"error: the shared seeds table could not be built:\n{done.stderr}")
    return {"table": table}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run only the cases whose name contains this")
    parser.add_argument("--jobs", type=int, default=3, help="cases run at once (default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print its path")
    args = parser.parse_args()
    sys.stdout.reconfigure(errors="backslashreplace")  # a case's message may hold a file name that is not UTF-8
    selected = [c for c in cases() if not args.only or args.only.lower() in c.name.lower()]
    base = Path(tempfile.mkdtemp(prefix="rhetoric-shift-hostile-"))
    base.chmod(0o755)
    started = time.perf_counter()
    try:
        with ThreadPoolExecutor(args.jobs) as pool:
            table = pool.submit(prepare, base) if any(c.needs_table for c in selected) else None

            def run(case: Case) -> dict:
                if case.needs_table:
                    SHARED.update(table.result())
                return run_case(case, base)

            # the slowest cases start first, beside the shared table's build; rows keep the list's order
            order = sorted(range(len(selected)), key=lambda i: (not selected[i].slow, selected[i].needs_table))
            futures = {i: pool.submit(run, selected[i]) for i in order}
            rows = [futures[i].result() for i in range(len(selected))]
    finally:
        if args.keep:
            print(f"kept {base}", file=sys.stderr)
        else:
            _unlock(base)
            shutil.rmtree(base, ignore_errors=True)
    print("| case | exit | first line of stderr | traceback? | input intact? | verdict | s |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {_cell(row['case'])} | {row['exit']} | {_cell(row['message'])} | {row['traceback']} | {row['intact']} | "
              f"{_cell(row['verdict'])} | {row['seconds']:.1f} |")
    failed = sum(not r["verdict"].startswith("ok") for r in rows)
    print(f"\n{len(rows) - failed} of {len(rows)} cases ok, {failed} FAIL; {time.perf_counter() - started:.0f} s")
    return 1 if failed else 0


def _unlock(base: Path) -> None:
    for path in base.rglob("*"):
        if not path.is_symlink() and path.is_dir():
            path.chmod(0o755)


def _cell(text: str, limit: int = 140) -> str:
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.replace("|", "\\|").replace("\n", " ")


if __name__ == "__main__":
    sys.exit(main())
