"""The query layer gives the same numbers for a large table (a ``Slice``: DuckDB over Parquet) as for the table in memory.

Every function a page calls is asked both ways on the seed table (one real build, written as a
period-partitioned dataset), under the default counting and the others, with and without filters;
the pandas answer is the reference. Bounded answers (drill-downs, samples) are checked for their
bound and their total.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from conftest import SEEDS, make_table
from rhetoric_shift import compare, query, sliced, stats
from rhetoric_shift.build import BuildReport, BuildResult, build_table, read_table, write_table
from rhetoric_shift.schema import PRIMARY_TARGETS
from rhetoric_shift.store import DuckStore


COUNTINGS = [("remark", "officials"), ("report", "all"), ("report", "officials"), ("remark", "all")]


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """(the seed table as written and read back, a Slice over the same files)."""
    out = tmp_path_factory.mktemp("seeds") / "t"
    write_table(build_table([SEEDS]), out)
    return read_table(out), query.Slice(DuckStore(out))


def assert_same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    got, want = got.reset_index(drop=True), want.reset_index(drop=True)
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want), (got, want)
    for column in want.columns:
        g, w = got[column].tolist(), want[column].tolist()
        if pd.api.types.is_float_dtype(want[column]) or any(isinstance(v, float) for v in w):
            np.testing.assert_allclose(np.array(g, dtype=float), np.array(w, dtype=float), rtol=1e-9, atol=1e-12,
                                       err_msg=column)
        else:
            assert [str(v) for v in g] == [str(v) for v in w], column


def test_choices_match(both):
    table, s = both
    assert query.known_periods(s) == compare.known_periods(table)
    assert query.known_targets(s) == compare.known_targets(table)
    for name in ("speakers", "sources", "actors", "kinds", "topics"):
        assert getattr(query, name)(s) == getattr(query, name)(table), name
    assert query.n_statements(s) == len(table)


@pytest.mark.parametrize("by,who", COUNTINGS)
def test_aggregates_match(both, by, who):
    table, s = both
    wanted = (*PRIMARY_TARGETS, "NoSuchTarget")
    assert_same(query.salience(s, wanted, by, who), query.salience(table, wanted, by, who))
    for measure in ("tone", "stance"):
        assert_same(query.measures(s, wanted, measure, by, who), query.measures(table, wanted, measure, by, who))
    assert_same(query.composition(s, by, who), query.composition(table, by, who))
    assert_same(query.topic_shares(s, by, who), query.topic_shares(table, by, who))
    assert_same(query.actor_salience(s, "Syria", by, who), query.actor_salience(table, "Syria", by, who))
    assert_same(query.kind_counts(s, by), query.kind_counts(table, by))
    assert_same(query.uncounted(s, wanted, by), query.uncounted(table, wanted, by))


@pytest.mark.parametrize("by,who", COUNTINGS[:2])
def test_tested_changes_match(both, by, who):
    """Fisher, Newcombe, Welch intervals, the permutation p (same remarks, same order, same seed) and BH."""
    table, s = both
    got = query.changes(s, PRIMARY_TARGETS, compare.CHANGE_MEASURES, by, who)
    want = query.changes(table, PRIMARY_TARGETS, compare.CHANGE_MEASURES, by, who)
    assert len(want) > 10 and want["p"].notna().sum() > 5
    assert_same(got, want)


def test_changes_of_chosen_periods_match(both):
    """Only the pairs of the periods asked for: 2014 -> 2017, one pair per target and measure, BH over those rows alone."""
    table, s = both
    got = query.changes(s, ("US", "Syria"), compare.CHANGE_MEASURES, periods=(2017, 2014, 1900))
    want = query.changes(table, ("US", "Syria"), compare.CHANGE_MEASURES, periods=(2017, 2014, 1900))
    assert set(zip(want["from_period"], want["to_period"])) == {(2014, 2017)} and len(want) == 6
    assert_same(got, want)
    assert query.changes(s, ("US",), periods=(2016,)).empty and query.changes(table, ("US",), periods=(2016,)).empty


def test_filters_match(both):
    table, s = both
    kw = dict(periods=(2016, 2017), sources=("RT", "Sputnik", "TASS"), kinds=("direct", "reported"))
    t, sl = query.filter_table(table, **kw), query.filter_table(s, **kw)
    assert query.n_statements(sl) == len(t)
    assert query.corpus_numbers(sl) == query.corpus_numbers(t)
    assert_same(query.salience(sl, PRIMARY_TARGETS), query.salience(t, PRIMARY_TARGETS))
    assert_same(query.changes(sl, ("US", "Syria")), query.changes(t, ("US", "Syria")))
    empty = query.filter_table(s, actors=("ZZZ",))
    assert query.n_statements(empty) == 0 and query.known_periods(empty) == []


def test_corpus_documents_and_topics_match(both):
    table, s = both
    assert query.corpus_numbers(s) == query.corpus_numbers(table)
    assert_same(query.documents(s), query.documents(table))
    assert_same(query.topic_summary(s), query.topic_summary(table))
    assert query.topic_names(s) == query.topic_names(table)
    assert query.default_topic(s) == query.default_topic(table)
    assert query.n_undated(s) == query.n_undated(table)
    assert_same(query.undated(s), query.undated(table))
    assert query.live_blog_days(s) == query.live_blog_days(table)
    day = query.live_blog_days(table)[0]
    assert_same(query.conference_points(s, day, PRIMARY_TARGETS), query.conference_points(table, day, PRIMARY_TARGETS))


@pytest.mark.parametrize("by,who", COUNTINGS[:2])
def test_drill_down_rows_are_the_cells_rows(both, by, who):
    table, s = both
    for args in ({"target": "Ukraine", "period": 2014}, {"target": "Syria", "period": 2017, "measured": True},
                 {"topic": 0, "period": 2016}, {"target": "US", "period": (2016, 2017), "measured": True}):
        got = query.statements_in_cell(s, by=by, who=who, **args)
        want = query.statements_in_cell(table, by=by, who=who, **args)
        assert got.attrs["total"] == len(want)
        key = ["statement_id"]
        assert sorted(got["statement_id"]) == sorted(want["statement_id"])
        merged = got.merge(want, on=key, suffixes=("", "_pd"))
        for column in ("text", "tone", "stance", "period"):
            assert merged[column].tolist() == merged[f"{column}_pd"].tolist()
        # a remark counted once carries its group's targets, both ways
        assert [sorted(v) for v in merged["targets"]] == [sorted(v) for v in merged["targets_pd"]]


def test_search_timeline_and_similarity_match(both):
    table, s = both
    got, want = query.search(s, "  sanctions "), query.search(table, "  sanctions ")
    assert got.attrs["total"] == len(want) > 0
    assert sorted(got["statement_id"]) == sorted(want["statement_id"])
    assert query.n_hits(got) == query.n_hits(want)
    narrowed = query.naming_any(s, ["Syria"])
    assert query.n_statements(narrowed) == len(query.naming_any(table, ["Syria"]))
    points = query.timeline_points(s, PRIMARY_TARGETS, with_undated=True)
    reference = query.timeline_points(table, PRIMARY_TARGETS, with_undated=True)
    assert sorted(zip(points["statement_id"], points["target"])) == sorted(zip(reference["statement_id"], reference["target"]))
    assert_same(query.similarity(s, "Ukraine", "remark", "officials"), query.similarity(table, "Ukraine", "remark", "officials"))
    assert sorted(query.topic_points(s)["statement_id"]) == sorted(table["statement_id"])


def test_comparison_matches(both):
    table, s = both
    got = query.comparison(s, "Ukraine", [2014, 2017]).to_dict()
    want = query.comparison(table, "Ukraine", [2014, 2017]).to_dict()
    assert json.dumps(got, sort_keys=True) == json.dumps(want, sort_keys=True)


def test_bounds_say_how_many_pass(both, monkeypatch):
    table, s = both
    got = sliced.statements_in_cell(s, target="Ukraine", limit=3)
    assert len(got) == 3 and got.attrs["total"] == int(query.salience(table, ["Ukraine"])["n_target"].sum())
    sample = sliced.topic_points(s, limit=7)
    assert len(sample) == 7 and sample.attrs["total"] == len(table)
    assert sliced.topic_points(s, limit=7)["statement_id"].tolist() == sample["statement_id"].tolist()  # fixed, not random


def test_stance_toward_the_target_reads_target_stance_like_pandas(tmp_path):
    """Malformed, non-numeric and missing entries fall back to the statement's stance, both ways."""
    cells = ['{"Syria": -0.5}', "not json", '{"Syria": true}', '{"Syria": "x"}', '{"US": 1}', '[1, 2]', '{"Syria": 2}', ""]
    rows = [dict(text=f"Syria point {i}.", targets=["Syria"], stance=0.25, target_stance=c, dup_group=f"g{i}",
                 period=2016 + i % 2) for i, c in enumerate(cells)]
    table = make_table(rows)
    write_table(BuildResult(table, BuildReport(files=[], documents=[], parameters={})), tmp_path / "t")
    s, back = query.Slice(DuckStore(tmp_path / "t")), read_table(tmp_path / "t")
    got, want = query.measures(s, ("Syria",), "stance", "report", "all"), query.measures(back, ("Syria",), "stance", "report", "all")
    assert_same(got, want)
    # by hand: 2016 holds cells 0, 2, 4, 6 -> -0.5, 0.25, 0.25, 2.0
    assert got.loc[got["period"] == 2016, "mean"].item() == pytest.approx((-0.5 + 0.25 + 0.25 + 2.0) / 4)


def test_many_remarks_use_welch_from_sufficient_statistics(monkeypatch):
    """Above the bound the p-value is Welch's on the same SEs, and it agrees with scipy's Welch test."""
    rng = np.random.default_rng(3)
    x, y = rng.normal(0, 1, 40), rng.normal(0.5, 1, 50)
    mx, sx, gx = stats.cluster_se(x)
    my, sy, gy = stats.cluster_se(y)
    from scipy import stats as sp

    assert stats.welch_p_from(mx, sx, gx, my, sy, gy) == pytest.approx(sp.ttest_ind(y, x, equal_var=False).pvalue, rel=1e-9)
    assert math.isnan(stats.welch_p_from(mx, sx, 1, my, sy, gy))


def _actors_table():
    return make_table([
        dict(text="Syria needs a dialogue.", period=2017, actor="RUS", targets=["Syria"], tone=0.5, dup_group="g1"),
        dict(text="Syria again, and dialogue.", period=2017, actor="RUS", targets=["Syria"], tone=0.3, dup_group="g2"),
        dict(text="Nothing about anyone.", period=2017, actor="RUS", targets=[], tone=0.0, dup_group="g3"),
        dict(text="The Syria regime must go.", period=2017, actor="USA", speaker="Nikki Haley", targets=["Syria"], tone=-0.4,
             doc_id="d2", dup_group="g4"),
        dict(text="Other things.", period=2017, actor="USA", speaker="Nikki Haley", targets=[], tone=0.0, doc_id="d2", dup_group="g5"),
        dict(text="Syria in another year.", period=2016, actor="RUS", targets=["Syria"], tone=0.9, dup_group="g6"),
    ])


def test_two_actors_in_one_period_by_hand_on_both_backends(tmp_path):
    table = _actors_table()
    write_table(BuildResult(table, BuildReport(files=[], documents=[], parameters={})), tmp_path / "t")
    for rows in (read_table(tmp_path / "t"), query.Slice(DuckStore(tmp_path / "t"))):
        result = query.actor_comparison(rows, "Syria", 2017, ["RUS", "USA"])
        rus, usa = result.periods
        assert (rus.n_statements, rus.n_target, usa.n_statements, usa.n_target) == (3, 2, 2, 1)
        assert (rus.tone_mean, usa.tone_mean) == (pytest.approx(0.4), pytest.approx(-0.4))
        assert query.actor_labels(["RUS", "USA"]) == {0: "RUS", 1: "USA"}
        changes = result.changes.set_index("measure")
        assert (changes.loc["tone", "from_period"], changes.loc["tone", "to_period"]) == ("RUS", "USA")
        assert changes.loc["salience", "difference"] == pytest.approx(1 / 2 - 2 / 3)
        assert changes.loc["salience", "p"] == pytest.approx(1.0)  # Fisher on [[2, 1], [1, 1]]
        # three remarks, 3 arrangements of 2 + 1: only the observed one differs by 0.8 or more
        assert changes.loc["tone", "p"] == pytest.approx(1 / 3)
        assert any(w.startswith("RUS rests on one document") for w in result.warnings)
        assert query.empty_actors(rows, 2016, ["RUS", "USA"]) == ["USA"]


def test_above_the_bound_both_backends_test_with_welch(both, monkeypatch):
    """Over stats.MAX_PERM_CLUSTERS remarks in a pair, both ways give Welch's p on the remarks (here one value each)."""
    table, s = both
    monkeypatch.setattr(stats, "MAX_PERM_CLUSTERS", 6)
    s = query.Slice(DuckStore(s.store.path))  # a fresh store: nothing remembered from the unbounded tests
    got = query.changes(s, ("US",), ("tone",), "remark", "officials")
    want = query.changes(table, ("US",), ("tone",), "remark", "officials")
    assert_same(got, want)
    from scipy import stats as sp

    rows = compare.target_statements(table, "US", "remark", "officials")
    row = want[want["p"].notna() & (want["n_from"] + want["n_to"] > 6) & (want["n_from"] > 1) & (want["n_to"] > 1)].iloc[0]
    x = rows.loc[rows["period"] == row["from_period"], "tone"].to_numpy()
    y = rows.loc[rows["period"] == row["to_period"], "tone"].to_numpy()
    assert row["p"] == pytest.approx(sp.ttest_ind(y, x, equal_var=False).pvalue, rel=1e-9)
