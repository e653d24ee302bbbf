"""The two stores give the same answers: DuckDB over Parquet (a file or a period-partitioned dataset) equals pandas in memory."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from conftest import SEEDS, make_table
from rhetoric_shift.build import BuildReport, BuildResult, build_table, read_table, write_table
from rhetoric_shift.store import DISTINCT_COLUMNS, DuckStore, Filters, PandasStore, files_stamp, open_store


SHOWN = ["statement_id", "period", "actor", "speaker", "kind", "text", "targets", "tone", "date"]


def _write(table: pd.DataFrame, out) -> None:
    write_table(BuildResult(table, BuildReport(files=[], documents=[], parameters={})), out)


def _stores(table: pd.DataFrame, tmp, layout: str) -> tuple[PandasStore, DuckStore]:
    out = tmp / ("t.parquet" if layout == "file" else "t")
    _write(table, out)
    assert out.is_dir() == (layout == "dataset")
    # the reference reads the same written table back, so both sides see identical values
    return PandasStore(read_table(out)), DuckStore(out)


# --- a small table whose answers can be worked out by hand -------------------------------------

SMALL = [
    dict(text="Syria and the US must talk.", period=2016, actor="RUS", targets=["Syria", "US"], tone=0.5, stance=0.2, topic=0, topic_label="talks"),
    dict(text="Syria again.", period=2016, actor="RUS", targets=["Syria"], tone=-0.5, stance=-0.4, topic=0, topic_label="talks"),
    dict(text="Nothing about anyone.", period=2016, actor="USA", speaker="Nikki Haley", targets=[], tone=0.0, stance=0.0, topic=1, topic_label="other"),
    dict(text="Ukraine's 50% claim_x is odd.", period=2017, actor="USA", speaker="Nikki Haley", targets=["Ukraine"], tone=0.25, stance=0.5, topic=1, topic_label="other"),
    dict(text="The press asks about Syria.", period=2017, actor=None, speaker="Press", kind="question", targets=["Syria"], tone=0.1, stance=0.0, topic=0, topic_label="talks"),
    dict(text="O'Brien said '; DROP TABLE statements; --", period=2017, actor="RUS", source="RT", targets=[], tone=0.0, stance=0.0, topic=-1, topic_label=""),
]


@pytest.fixture(scope="module", params=["file", "dataset"])
def small(request, tmp_path_factory):
    return _stores(make_table(SMALL), tmp_path_factory.mktemp(f"small-{request.param}"), request.param)


def test_salience_counts_and_denominators_by_hand(small):
    for store in small:
        out = store.salience(Filters(targets=("Syria", "DPRK")))
        got = {(r.period, r.target): (r.n_target, r.n_statements) for r in out.itertuples()}
        assert got == {(2016, "Syria"): (2, 3), (2016, "DPRK"): (0, 3), (2017, "Syria"): (1, 3), (2017, "DPRK"): (0, 3)}
        assert out.loc[0, "salience"] == pytest.approx(2 / 3)


def test_measure_by_hand(small):
    for store in small:
        out = store.measure("tone", Filters(targets=("Syria",)))
        assert out["n"].tolist() == [2, 1]
        assert out["mean"].tolist() == pytest.approx([0.0, 0.1])
        assert out.loc[0, "sd"] == pytest.approx(math.sqrt(0.5)) and math.isnan(out.loc[1, "sd"])  # 0.5 and -0.5; one value
        ukraine_2016 = store.measure("stance", Filters(targets=("Ukraine",))).iloc[0]
        assert ukraine_2016["n"] == 0 and math.isnan(ukraine_2016["mean"])


def test_actor_and_topic_counts_by_hand(small):
    for store in small:
        actors = store.actor_counts()
        assert list(actors.itertuples(index=False, name=None)) == [("RUS", 2016, 2), ("RUS", 2017, 1), ("USA", 2016, 1), ("USA", 2017, 1)]
        kinds = store.counts(["kind", "period"])
        assert list(kinds.itertuples(index=False, name=None)) == [("direct", 2016, 3), ("direct", 2017, 2), ("question", 2017, 1)]
        topics = store.topic_counts(Filters(periods=(2017,)))
        assert list(topics.itertuples(index=False, name=None)) == [(2017, -1, "", 1), (2017, 0, "talks", 1), (2017, 1, "other", 1)]


def test_filters_by_hand(small):
    for store in small:
        assert store.count() == 6
        assert store.count(Filters(actors=("USA",), periods=(2017,))) == 1
        assert store.count(Filters(kinds=("question",))) == 1
        assert store.count(Filters(targets=("US", "Ukraine"))) == 2
        assert store.count(Filters(topic=0, sources=("TASS",))) == 3
        assert store.distinct("targets") == ["Syria", "US", "Ukraine"]
        assert store.distinct("period", Filters(actors=("USA",))) == [2016, 2017]


def test_search_is_literal_and_ignores_case(small):
    for store in small:
        assert store.search("SYRIA", columns=["text"])[0] == 3
        assert store.search("50%", columns=["text"])[0] == 1  # % is a character, not a wildcard
        assert store.search("clai_", columns=["text"])[0] == 0  # nor is _ (as a wildcard it would match "claim")
        n, rows = store.search("syria", limit=2, columns=["statement_id"])
        assert n == 3 and len(rows) == 2
        assert store.search("syria", most=2, columns=["text"])[0] == 2  # "at least 2"


@pytest.mark.parametrize("hostile", ["'; DROP TABLE statements; --", "O'Brien", "\\", "%", "Syria' OR '1'='1"])
def test_hostile_filter_values_are_only_values(small, hostile):
    for store in small:
        assert store.count(Filters(speakers=(hostile,))) == 0
        assert store.count(Filters(targets=(hostile,))) == 0
        assert store.salience(Filters(targets=(hostile,)))["n_target"].sum() == 0
        assert store.count(Filters(text=hostile)) == sum(hostile.lower() in row["text"].lower() for row in SMALL)
        assert store.count() == 6  # the table is still there


def test_unknown_columns_and_measures_are_refused(small):
    for store in small:
        with pytest.raises(ValueError, match="unknown column"):
            store.rows(columns=["text; DROP TABLE statements"])
        with pytest.raises(ValueError, match="unknown measure"):
            store.measure("n_words")
        with pytest.raises(ValueError, match="cannot count"):
            store.counts(["text"])
        with pytest.raises(ValueError, match="cannot list"):
            store.distinct("text")


# --- the seed table: every operation, both layouts ---------------------------------------------


@pytest.fixture(scope="module")
def seed_table():
    return build_table([SEEDS]).table


@pytest.fixture(scope="module", params=["file", "dataset"])
def seeds(request, seed_table, tmp_path_factory):
    return _stores(seed_table, tmp_path_factory.mktemp(f"seeds-{request.param}"), request.param)


def _cases(pandas_store: PandasStore) -> list[Filters]:
    periods = pandas_store.distinct("period")
    speaker = pandas_store.distinct("speaker")[0]
    return [
        Filters(),
        Filters(periods=tuple(periods[:1])),
        Filters(targets=("Syria", "Ukraine")),
        Filters(kinds=("direct", "reported"), targets=("Syria",)),
        Filters(speakers=(speaker,), sources=tuple(pandas_store.distinct("source")[:2])),
        Filters(actors=("RUS",), topic=pandas_store.distinct("topic")[-1]),
        Filters(text="syria"),
    ]


def test_seed_aggregates_equal(seeds):
    ref, duck = seeds
    assert ref.count() > 50
    for f in _cases(ref):
        assert duck.count(f) == ref.count(f), f
        pd.testing.assert_frame_equal(duck.period_counts(f), ref.period_counts(f))
        pd.testing.assert_frame_equal(duck.salience(f), ref.salience(f), check_dtype=False)
        for measure in ("tone", "stance"):
            pd.testing.assert_frame_equal(duck.measure(measure, f), ref.measure(measure, f), check_dtype=False, rtol=1e-9)
        pd.testing.assert_frame_equal(duck.topic_counts(f), ref.topic_counts(f), check_dtype=False)
        pd.testing.assert_frame_equal(duck.actor_counts(f), ref.actor_counts(f), check_dtype=False)
        for by in (["kind", "period"], ["source"], ["speaker", "period"], ["doc_id"]):
            pd.testing.assert_frame_equal(duck.counts(by, f), ref.counts(by, f), check_dtype=False)
        for column in DISTINCT_COLUMNS:
            assert duck.distinct(column, f) == ref.distinct(column, f), (column, f)


def test_seed_drill_down_pages_equal_and_tile(seeds):
    ref, duck = seeds
    biggest = ref.salience(Filters(targets=("Syria", "Ukraine"))).sort_values("n_target").iloc[-1]
    cell = Filters(periods=(int(biggest["period"]),), targets=(biggest["target"],))
    n = ref.count(cell)
    assert n > 3
    pages = [duck.rows(cell, SHOWN, limit=3, offset=o) for o in range(0, n, 3)]
    for o, page in zip(range(0, n, 3), pages):
        assert list(page.columns) == SHOWN
        pd.testing.assert_frame_equal(page, ref.rows(cell, SHOWN, limit=3, offset=o), check_dtype=False)
    ids = pd.concat(pages)["statement_id"]
    assert len(ids) == n and ids.is_unique  # pages neither overlap nor skip
    assert duck.rows(cell, SHOWN, limit=3, offset=n).empty


def test_open_store_picks_by_size(seeds, seed_table, tmp_path):
    out = tmp_path / "t"
    _write(seed_table, out)
    assert isinstance(open_store(out), PandasStore)
    assert isinstance(open_store(out, large_rows=10), DuckStore)


def test_cursors_are_independent(seeds):
    _, duck = seeds
    a, b = duck.cursor(), duck.cursor()
    assert a.execute("SELECT count(*) FROM statements").fetchone() == b.execute("SELECT count(*) FROM statements").fetchone()


def test_files_stamp_changes_when_a_matching_file_changes(tmp_path):
    (tmp_path / "a.parquet").write_bytes(b"12")
    (tmp_path / "notes.txt").write_bytes(b"x")
    before = files_stamp(tmp_path, "*.parquet")
    assert [(name.rsplit("/", 1)[-1], size) for name, _, size in before] == [("a.parquet", 2)]
    (tmp_path / "notes.txt").write_bytes(b"xyz")  # not matched: the key stays
    assert files_stamp(tmp_path, "*.parquet") == before
    (tmp_path / "a.parquet").write_bytes(b"123")
    assert files_stamp(tmp_path, "*.parquet") != before
    assert len(files_stamp(tmp_path)) == 2  # every file by default
    assert files_stamp(tmp_path / "a.parquet") == files_stamp(tmp_path, "a.parquet")
