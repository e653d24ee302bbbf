"""Engines give one result; tables are written whole or not at all.

The corpus: the seeds plus a small UN-General-Debate-shaped archive, built in batches of two
documents so that every engine really splits the work.
"""

from __future__ import annotations

import fcntl
import itertools
import os
import pty
import signal
import struct
import subprocess
import sys
import termios
import textwrap
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, SEEDS, assert_statement_table
from rhetoric_shift import build as build_module, enrich
from rhetoric_shift.build import build_table, read_table, write_table, writes_dataset
from rhetoric_shift.engine import DaskEngine, LocalEngine, Prefetch
from test_ungdc import corpus_files, write_archive


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    return write_archive(tmp_path_factory.mktemp("ungdc") / "ungdc_sample.tar.gz", corpus_files())


@pytest.fixture(scope="module")
def inline_table(archive) -> pd.DataFrame:
    return build_table([SEEDS, archive], engine=LocalEngine(1), batch_documents=2, n_topics=4).table


def test_local_worker_processes_give_the_inline_table(archive, inline_table):
    with LocalEngine(2) as engine:
        table = build_table([SEEDS, archive], engine=engine, batch_documents=2, n_topics=4).table
        again = build_table([SEEDS, archive], engine=engine, batch_documents=3, n_topics=4).table  # the pool serves a second build
    assert_statement_table(inline_table)
    pd.testing.assert_frame_equal(again, inline_table)
    pd.testing.assert_frame_equal(table, inline_table)


def test_batch_size_does_not_change_the_table(archive, inline_table):
    table = build_table([SEEDS, archive], engine=LocalEngine(1), batch_documents=3, n_topics=4).table
    pd.testing.assert_frame_equal(table, inline_table)


def test_dask_local_cluster_of_two_gives_the_local_table(archive, inline_table, partial_sample_build):
    pytest.importorskip("dask.distributed")
    engine = DaskEngine("local:2")
    try:
        assert engine.n_workers == 2
        # the workers of a LocalCluster run without the statistical profiler, forked from a forkserver
        # that imported the workers' code once, and not scikit-learn, which they never need (a local
        # function travels by value: running it imports nothing), with one BLAS thread each and
        # glibc's own malloc trimming (no MALLOC_TRIM_THRESHOLD_)
        def worker_start() -> tuple[bool, str, bool, str | None, str | None]:
            import multiprocessing
            import os

            import dask

            return (dask.config.get("distributed.worker.profile.enabled"), multiprocessing.get_start_method(allow_none=True) or "",
                    "rhetoric_shift.analysis" in sys.modules and "sklearn" not in sys.modules, os.environ.get("MALLOC_TRIM_THRESHOLD_"),
                    os.environ.get("OMP_NUM_THREADS"))

        started = engine.client.run(worker_start)
        assert sorted(started.values()) == [(False, "forkserver", True, None, "1")] * 2
        table = build_table([SEEDS, archive], engine=engine, batch_documents=2, n_topics=4).table
        # a partial fit sample: the batches are analysed on the cluster while the models are fitted
        partial = build_table([SEEDS, archive], engine=engine, batch_documents=8, n_topics=4, sample_bytes=SMALL_SAMPLE).table
    finally:
        engine.close()
    pd.testing.assert_frame_equal(table, inline_table)
    pd.testing.assert_frame_equal(partial, partial_sample_build.table)


def test_a_local_cluster_that_cannot_start_says_so_where_it_is_first_needed(monkeypatch):
    pytest.importorskip("dask.distributed")
    from rhetoric_shift import engine as engine_module

    def fail(self, n_workers):
        self._start_error = OSError("no free port")

    monkeypatch.setattr(engine_module.DaskEngine, "_start_local", fail)
    engine = DaskEngine("local:2")
    with pytest.raises(OSError, match="no free port"):
        list(engine.map(len, [[1], [2]]))
    engine.close()


def test_dask_address_must_name_a_number_of_local_workers():
    pytest.importorskip("dask.distributed")
    with pytest.raises(ValueError, match="local:N"):
        DaskEngine("local:two")


def test_dask_is_not_imported_for_a_local_build(archive):
    code = (
        "import sys; from rhetoric_shift.build import build_table; "
        f"build_table([{str(SEEDS)!r}], enrich=False); print('dask' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), check=True)
    assert out.stdout.strip() == "False"


# --- writing -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_result(archive):
    return build_table([archive], enrich=False)


def test_a_folder_name_gets_a_dataset_partitioned_by_period(small_result, tmp_path):
    out = tmp_path / "ungdc"
    report = write_table(small_result, out)
    assert report == tmp_path / "ungdc.build.json" and report.is_file()
    assert sorted(p.name for p in out.iterdir()) == ["period=1995", "period=2017"]
    back = read_table(out)
    expected = small_result.table.sort_values("period", kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(back, expected)


def test_a_parquet_name_gets_one_file_unless_the_table_is_large(tmp_path):
    assert not writes_dataset(tmp_path / "x.parquet", 10)
    assert writes_dataset(tmp_path / "x.parquet", build_module.LARGE_TABLE_ROWS + 1)
    assert writes_dataset(tmp_path / "ungdc", 10)


def test_rewriting_a_dataset_replaces_it_whole(small_result, tmp_path):
    out = tmp_path / "t"
    write_table(small_result, out)
    (out / "period=1900").mkdir()  # a stale partition must not survive the next write
    write_table(small_result, out)
    assert sorted(p.name for p in out.iterdir()) == ["period=1995", "period=2017"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("name", ["t.parquet", "t"])
def test_an_interrupted_write_leaves_the_previous_table_and_report(small_result, tmp_path, monkeypatch, name):
    out = tmp_path / name
    write_table(small_result, out)
    before = _snapshot(tmp_path)

    def interrupted(*args, **kwargs):
        Path(args[1]).write_bytes(b"PAR1 half a file")  # a partial write, then the signal arrives
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module.pq, "write_table", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_table(small_result, out)
    assert _snapshot(tmp_path) == before  # no temporary file left, nothing replaced


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the terminal closes with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "lib")}


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_the_build_prints_one_line_and_keeps_the_old_table(small_result, tmp_path, sig):
    out = tmp_path / "t.parquet"
    write_table(small_result, out)
    before = _snapshot(tmp_path)
    command = [sys.executable, "-m", "rhetoric_shift", "build", str(SEEDS), "--out", str(out), "--workers", "1"]
    terminal, stderr = pty.openpty()  # progress bars are drawn on a terminal only
    fcntl.ioctl(stderr, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 100 columns wide
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr, env=_env(), cwd=ROOT)
    os.close(stderr)
    first = b""
    while b"read+segment" not in first:  # the bar of the main pass: the build is under way, the handlers are in place
        chunk = os.read(terminal, 64)
        assert chunk, first
        first += chunk
    process.send_signal(sig)
    output = (first + _read_all(terminal)).decode()  # until the process closes the terminal; decoded whole, a read may split a character
    process.wait(timeout=60)
    bars = ("fit", "read+segment", "finish")  # tqdm's lines, redrawn in place
    lines = [line for line in output.replace("\r", "\n").splitlines() if line.strip() and not line.strip().startswith(bars)]
    assert process.returncode == 128 + sig, output
    assert lines == [f"error: stopped by {sig.name} before finishing; run the command again"], repr(output)
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_the_write_prints_one_line_and_keeps_the_old_table(small_result, tmp_path, sig):
    out = tmp_path / "t.parquet"
    write_table(small_result, out)
    before = _snapshot(tmp_path)
    # The real build, held at the start of writing so that the signal surely arrives then.
    script = textwrap.dedent(f"""
        import sys, time
        import rhetoric_shift.build as build
        write = build.write_table
        def held(*args, **kwargs):
            print("writing", flush=True)
            time.sleep(60)
            return write(*args, **kwargs)
        build.write_table = held
        from rhetoric_shift.cli import main
        sys.exit(main(["build", {str(SEEDS)!r}, "--out", {str(out)!r}, "--workers", "1"]))
    """)
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), cwd=ROOT, text=True)
    assert process.stdout.readline() == "writing\n"
    process.send_signal(sig)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + sig
    assert err == f"error: stopped by {sig.name} before finishing; run the command again\n"
    assert _snapshot(tmp_path) == before  # the previous table and report, and nothing else


def test_the_command_line_filters_and_writes_a_dataset(archive, tmp_path):
    out = tmp_path / "ungdc"
    command = [sys.executable, "-m", "rhetoric_shift", "build", str(archive), "--out", str(out), "--actors", "RUS,USA", "--years", "1990-2020", "--quiet", "--no-enrich"]
    for _ in range(2):  # the second build replaces the dataset the first wrote
        done = subprocess.run(command, capture_output=True, text=True, env=_env(), cwd=ROOT, timeout=120)
        assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # --quiet: no progress bars
    table = read_table(out)
    assert set(table["doc_id"]) == {"RUS_72_2017", "USA_50_1995"}
    assert "filtered 1 documents outside --actors/--years" in done.stdout


@pytest.mark.parametrize(("option", "value"), [("--dask", "local:zero"), ("--workers", "0"), ("--years", "2017-2014"), ("--actors", ",")])
def test_a_bad_engine_or_filter_option_is_one_line(tmp_path, capsys, option, value):
    from rhetoric_shift.cli import main

    out = tmp_path / "t.parquet"
    try:
        status = main(["build", str(SEEDS), "--out", str(out), option, value])
    except SystemExit as exc:  # argparse's own one-line usage error
        status = exc.code
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and option in err[-1] and "Traceback" not in "".join(err)
    assert not out.exists()


SMALL_SAMPLE = 20_000  # characters: the models are fitted on a few of the corpus's documents, not all


@pytest.fixture(scope="module")
def partial_sample_build(archive):
    return build_table([SEEDS, archive], engine=LocalEngine(1), batch_documents=2, n_topics=4, sample_bytes=SMALL_SAMPLE)


def test_a_partial_fit_sample_gives_one_table_whatever_the_engine_and_batching(archive, partial_sample_build):
    described = partial_sample_build.report.models
    n_docs = partial_sample_build.table["doc_id"].nunique()
    assert "documents with the smallest hash of their id" in described and f"of {n_docs:,} documents" in described
    with LocalEngine(2) as engine:
        table = build_table([SEEDS, archive], engine=engine, batch_documents=3, n_topics=4, sample_bytes=SMALL_SAMPLE).table
    pd.testing.assert_frame_equal(table, partial_sample_build.table)


def test_the_fit_sample_is_the_smallest_keys_within_the_budget_whatever_the_order():
    from rhetoric_shift.read import read_inputs

    documents, _ = read_inputs([SEEDS], None)
    key = {d.doc_id: build_module.document_key(d.doc_id) for d in documents}
    budget = sum(len(d.text) for d in documents) // 3
    chosen = build_module.sample_documents(documents, budget)
    assert [d.doc_id for d in chosen] == [d.doc_id for d in documents if d in chosen]  # in input order
    assert 1 <= len(chosen) < len(documents) and sum(len(d.text) for d in chosen) <= budget
    left_out = [d for d in documents if d not in chosen]
    assert max(key[d.doc_id] for d in chosen) < min(key[d.doc_id] for d in left_out)  # a prefix in key order ...
    smallest_left = min(left_out, key=lambda d: key[d.doc_id])
    assert sum(len(d.text) for d in chosen) + len(smallest_left.text) > budget  # ... as long as the budget allows
    reordered = build_module.sample_documents(list(reversed(documents)), budget)
    assert sorted(d.doc_id for d in reordered) == sorted(d.doc_id for d in chosen)
    assert len(build_module.sample_documents(documents, 0)) == 1  # never empty: one document at least
    assert build_module.sample_documents(documents, 10**9) == documents


@pytest.mark.parametrize("workers", [1, 2])
def test_each_document_is_segmented_once(archive, monkeypatch, tmp_path, partial_sample_build, workers):
    # The batches are segmented and analysed while the models are fitted (a slow fit here, so some
    # surely are); the pass must take the sample's documents, segmented before, as they are.
    log = tmp_path / "segmented.txt"
    segment_document = build_module.segment_document

    def counted(doc, registry):
        with open(log, "a", encoding="utf-8") as f:  # appended from every worker process
            f.write(doc.doc_id + "\n")
        return segment_document(doc, registry)

    fit_models = enrich.fit_models

    def slow_fit(*args, **kwargs):
        time.sleep(1.0)
        return fit_models(*args, **kwargs)

    monkeypatch.setattr(build_module, "segment_document", counted)
    monkeypatch.setattr(enrich, "fit_models", slow_fit)
    with LocalEngine(workers) as engine:
        table = build_table([SEEDS, archive], engine=engine, batch_documents=8, n_topics=4, sample_bytes=SMALL_SAMPLE).table
    seen = log.read_text(encoding="utf-8").split()
    assert sorted(seen) == sorted(set(seen)) and set(table["doc_id"]) <= set(seen)
    pd.testing.assert_frame_equal(table, partial_sample_build.table)


def _double(task: int, shared: int) -> int:
    if task == shared:
        raise ValueError(f"task {task} fails")
    time.sleep(0.01)
    return 2 * task


def test_the_workers_code_imports_no_scikit_learn():
    # The workers are forked before the build's own process imports scikit-learn (for the fit),
    # and the code they run (segmenting, the analysis, the duplicate search) must not import it:
    # each would spend half a second on it.
    code = "import sys, rhetoric_shift.build, rhetoric_shift.duplicates; print(sorted(m for m in ('sklearn', 'scipy.stats') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), cwd=ROOT, timeout=120)
    assert done.stdout.strip() == "[]", done.stderr


def test_prefetch_takes_the_items_while_the_caller_works_and_gives_them_in_order():
    taken = []

    def numbers():
        for n in range(5):
            taken.append(n)
            yield n

    with Prefetch(numbers()) as items:
        deadline = time.monotonic() + 60
        while len(taken) < 5 and time.monotonic() < deadline:  # the caller iterates nothing yet
            time.sleep(0.01)
        assert taken == [0, 1, 2, 3, 4]
        assert list(items) == [0, 1, 2, 3, 4]


def test_prefetch_of_an_engine_map_gives_its_results_and_raises_a_task_error_in_its_place():
    with LocalEngine(2) as engine:
        with Prefetch(engine.map(_double, range(4), shared=-1)) as results:
            assert list(results) == [0, 2, 4, 6]
        got = []
        with pytest.raises(ValueError, match="task 4 fails"):
            with Prefetch(engine.map(_double, range(10), shared=4)) as results:
                for value in results:
                    got.append(value)
        assert got == [0, 2, 4, 6]  # every result before the failed task, in order


def test_local_engine_starts_its_pool_in_the_thread_that_asks_for_the_map():
    # A map taken by a Prefetch thread must not fork from that thread: the pool starts when
    # map() is called, before any result is asked for.
    with LocalEngine(2) as engine:
        results = engine.map(_double, range(4), shared=-1)
        assert engine._pool is not None
        with Prefetch(results) as taken:
            assert list(taken) == [0, 2, 4, 6]


def test_prefetch_closed_early_stops_taking_and_closes_the_iterator():
    closed = threading.Event()

    def endless():
        try:
            yield from itertools.count()
        finally:
            closed.set()

    items = Prefetch(endless())
    first = next(iter(items))
    items.close()
    assert first == 0 and closed.is_set()
    assert not items._thread.is_alive()
