"""Comparisons: salience, bootstrap intervals, keyness, quotes, the position card and its JSON."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from conftest import SEEDS, make_table

from rhetoric_shift import build
from rhetoric_shift.compare import (
    MIN_N_FOR_INTERVAL,
    bootstrap_mean,
    check_by,
    centroid_similarity,
    compare_positions,
    distinctive_terms,
    format_comparison,
    format_mean,
    known_targets,
    measure_by_period,
    representative_statements,
    salience_by_period,
)


def table_of(rows: list[dict]):
    """make_table, with neutral enrichment values where a row leaves a column others set."""
    defaults = {"targets": [], "context_targets": [], "tone": 0.0, "stance": 0.0, "dup_group": ""}
    return make_table([{**defaults, **row} for row in rows])


def ukraine_table():
    u = ["Ukraine"]
    return table_of(
        [
            # 2014: 4 statements, 2 name Ukraine (one of them a question)
            {"period": 2014, "text": "The Minsk protocol must be implemented in Ukraine.", "targets": u, "tone": 0.2, "stance": 1.0},
            {"period": 2014, "text": "Will Ukraine get gas?", "kind": "question", "speaker": "Press", "targets": u, "tone": -0.9},
            {"period": 2014, "text": "Humanitarian convoy reached Lugansk region.", "context_targets": u, "tone": 0.4, "stance": 0.0},
            {"period": 2014, "text": "Trade with Kazakhstan grows.", "tone": 0.5},
            # 2017: 5 statements, 2 name Ukraine; one more is about it through its heading
            {"period": 2017, "doc_id": "rt", "text": "Ukraine has subscribed to the Minsk accords and must implement them.",
             "targets": u, "tone": -0.1, "stance": -1.0},
            {"period": 2017, "doc_id": "sp", "text": "Ukraine has subscribed to the Minsk agreements and must implement them.",
             "targets": u, "tone": -0.3, "stance": -1.0, "dup_group": "rt:000004"},
            {"period": 2017, "text": "Kiev ignores the Minsk accords and sabotages the implementation.", "context_targets": u,
             "tone": -0.5, "stance": -1.0},
            {"period": 2017, "text": "Syria talks in Astana went well.", "targets": ["Syria"], "tone": 0.6},
            {"period": 2017, "text": "The weather in Moscow is cold.", "kind": "context", "speaker": None, "tone": 0.0},
        ]
    )


def test_salience_counts_all_statements_of_the_period():
    frame = salience_by_period(ukraine_table(), ["Ukraine"])
    assert frame.to_dict("records") == [
        {"target": "Ukraine", "period": 2014, "n_target": 2, "n_statements": 4, "salience": 0.5},
        {"target": "Ukraine", "period": 2017, "n_target": 2, "n_statements": 5, "salience": 0.4},
    ]
    officials = salience_by_period(ukraine_table(), ["Ukraine"], kinds=["direct", "reported"])
    assert officials[["n_target", "n_statements"]].to_numpy().tolist() == [[1, 3], [2, 4]]
    # by unique remark the RT/Sputnik pair counts once
    remarks = salience_by_period(ukraine_table(), ["Ukraine"], by="remark")
    assert remarks[["n_target", "n_statements"]].to_numpy().tolist() == [[2, 4], [1, 4]]


def test_measure_uses_officials_statements_about_the_target():
    frame = measure_by_period(ukraine_table(), "Ukraine", "tone", n_boot=500)
    # 2014: direct 0.2 and, through its heading, 0.4 (the press question, -0.9, is left out): mean 0.3
    row = frame.set_index("period").loc[2014]
    assert row["n"] == 2 and row["mean"] == pytest.approx(0.3)
    # two statements are below MIN_N_FOR_INTERVAL (5): a mean, but no interval
    assert math.isnan(row["ci_low"]) and math.isnan(row["ci_high"])
    # 2017: -0.1, -0.3, -0.5: mean -0.3
    assert frame.set_index("period").loc[2017, "mean"] == pytest.approx(-0.3)
    stance = measure_by_period(ukraine_table(), "Ukraine", "stance", n_boot=200, by="remark").set_index("period")
    assert stance.loc[2017, "n"] == 2 and stance.loc[2017, "mean"] == -1.0


def test_bootstrap_with_fewer_than_two_values():
    assert bootstrap_mean([0.7]) == (0.7, pytest.approx(math.nan, nan_ok=True), pytest.approx(math.nan, nan_ok=True))
    mean, lo, hi = bootstrap_mean([])
    assert math.isnan(mean) and math.isnan(lo) and math.isnan(hi)


def test_no_interval_below_the_minimum_sample():
    # Two equal values resample to the same mean every time: [+1.00, +1.00] would look precise.
    assert MIN_N_FOR_INTERVAL == 5
    for values in ([1.0, 1.0], [0.1, 0.5, -0.2, 0.3]):
        mean, lo, hi = bootstrap_mean(values, 200)
        assert mean == pytest.approx(np.mean(values)) and math.isnan(lo) and math.isnan(hi)
    # five values: every resampled mean lies between the smallest and largest value
    values = [0.1, 0.5, -0.2, 0.3, 0.0]
    mean, lo, hi = bootstrap_mean(values, 500)
    assert mean == pytest.approx(0.14) and -0.2 <= lo <= mean <= hi <= 0.5 and lo < hi


def test_two_equal_statements_give_a_mean_and_no_interval_in_json_and_text():
    u = ["Ukraine"]
    table = table_of(
        [{"period": 2014, "text": f"Dialogue with Ukraine, round {i}.", "targets": u, "stance": 1.0} for i in range(2)]
        + [{"period": 2017, "text": f"Ukraine and the partnership, point {i}.", "targets": u, "stance": 0.5 * (i % 2)} for i in range(5)]
    )
    comparison = compare_positions(table, "Ukraine", [2014, 2017], n_boot=100)
    first, last = comparison.to_dict()["periods"]
    assert first["stance_mean"] == 1.0 and first["stance_ci"] == [None, None]
    assert None not in last["stance_ci"]  # five statements: an interval
    text = format_comparison(comparison)
    assert "Stance    +1.00 (n=2, too few statements for an interval)" in text
    assert "[+1.00, +1.00]" not in text and "95% CI" in text.split("2017")[1]


def test_format_mean_says_what_is_missing():
    assert format_mean(0.123, (-0.05, 0.3), 14) == "+0.12 (95% CI -0.05 to +0.30, n=14)"
    assert format_mean(0.5, (math.nan, math.nan), 3) == "+0.50 (n=3, too few statements for an interval)"
    assert format_mean(math.nan, (math.nan, math.nan), 0) == "n/a (no statements)"


def test_bootstrap_interval_covers_the_true_mean_about_95_percent_of_the_time():
    # 300 samples of n=40 from N(0.3, 0.2): a 95% percentile interval should contain 0.3 in about
    # 95% of them (the percentile bootstrap runs slightly narrow at this n, around 93-94%). With
    # 300 trials the binomial standard error is ~1.3 points, so [0.89, 0.99] fails only if it is off.
    rng = np.random.default_rng(42)
    hits = 0
    for i in range(300):
        _, lo, hi = bootstrap_mean(rng.normal(0.3, 0.2, 40), n_boot=400, random_state=i)
        hits += lo <= 0.3 <= hi
    assert 0.89 <= hits / 300 <= 0.99


def test_bootstrap_is_deterministic():
    values = [0.1, 0.5, -0.2, 0.3]
    assert bootstrap_mean(values, 300, 7) == bootstrap_mean(values, 300, 7)


def test_keyness_z_scores_by_hand():
    # One statement per period, both about Syria, and nothing else in the table:
    #   2014 "peace peace war": y(peace)=2, y(war)=1, n=3;  2017 "war war war peace": y(peace)=1, y(war)=3, n=4.
    # Prior: the whole table's frequencies (peace 3/7, war 4/7) scaled to alpha0 = 3 + 4 = 7 words,
    # so a(peace)=3, a(war)=4. For 2014 against 2017 (Monroe et al. 2008):
    #   peace: log[(2+3)/(3+7-2-3)] - log[(1+3)/(4+7-1-3)] = log(1) - log(4/7) = 0.559616
    #          var = 1/(2+3) + 1/(1+3) = 0.45 -> z = 0.559616 / 0.670820 = 0.834230
    #   war:   log[(1+4)/(3+7-1-4)] - log[(3+4)/(4+7-3-4)] = log(1) - log(7/4) = -0.559616
    #          var = 1/(1+4) + 1/(3+4) = 0.342857 -> z = -0.559616 / 0.585540 = -0.955726
    table = make_table(
        [
            {"period": 2014, "text": "peace peace war", "targets": ["Syria"]},
            {"period": 2017, "text": "war war war peace", "targets": ["Syria"]},
        ]
    )
    terms = distinctive_terms(table, "Syria", 2014)
    assert terms["term"].tolist() == ["peace", "war"]  # surface forms, sorted by z
    assert terms["z"].tolist() == pytest.approx([0.834230, -0.955726], abs=1e-5)
    assert terms[["n_period", "n_other"]].to_numpy().tolist() == [[2, 1], [1, 3]]
    # 2017 against 2014 is the mirror image
    assert distinctive_terms(table, "Syria", 2017)["z"].tolist() == pytest.approx([0.955726, -0.834230], abs=1e-5)


def test_the_target_s_own_name_is_not_a_distinctive_term():
    # "Syria" is in every statement about Syria; listing it would say nothing about the position.
    table = make_table(
        [
            {"period": 2014, "text": "Syria peace peace", "targets": ["Syria"]},
            {"period": 2017, "text": "Syria Syria war", "targets": ["Syria"]},
        ]
    )
    assert set(distinctive_terms(table, "Syria", 2014)["term"]) == {"peace", "war"}


def test_representative_statements_are_officials_nearest_the_centroid():
    table = ukraine_table()
    quotes = representative_statements(table, "Ukraine", 2017, n=3)
    # the Sputnik line duplicates the RT one (same dup_group): only one of them; the heading-only
    # statement (context_targets) does not name Ukraine itself, the question is the press's.
    assert quotes["statement_id"].tolist() == ["rt:000004"]
    assert quotes.loc[0, "speaker"] == "Sergey Lavrov" and quotes.loc[0, "date"] == ""
    q2014 = representative_statements(table, "Ukraine", 2014)
    assert q2014["statement_id"].tolist() == ["d1:000000"]


def test_centroid_similarity_matrix():
    sims = centroid_similarity(ukraine_table(), "Ukraine")
    assert sims.index.tolist() == [2014, 2017]
    assert np.allclose(np.diag(sims.to_numpy()), 1.0)
    assert sims.loc[2014, 2017] == pytest.approx(sims.loc[2017, 2014])
    assert 0 < sims.loc[2014, 2017] < 1  # "minsk", "implement" are shared


def test_compare_positions_json_shape():
    comparison = compare_positions(ukraine_table(), "Ukraine", [2017, 2014], n_boot=200, n_terms=3, n_quotes=2)
    data = comparison.to_dict()
    json.dumps(data, allow_nan=False)  # plain floats, no NaN
    assert set(data) == {"target", "periods", "similarity"}
    assert [p["period"] for p in data["periods"]] == [2014, 2017]
    for p in data["periods"]:
        assert set(p) == {"period", "n_statements", "n_target", "salience", "tone_mean", "tone_ci", "stance_mean",
                          "stance_ci", "terms", "quotes"}
        assert all(set(t) == {"term", "z"} for t in p["terms"]) and len(p["terms"]) <= 3
        assert all(set(q) == {"statement_id", "text", "speaker", "source", "date"} for q in p["quotes"])
    first = data["periods"][0]
    assert (first["n_statements"], first["n_target"], first["salience"]) == (4, 2, 0.5)
    assert first["tone_mean"] == pytest.approx(0.3)
    assert len(data["similarity"]) == 2 and data["similarity"][0][0] == pytest.approx(1.0)
    shift = comparison.shifts[0]
    assert (shift.from_period, shift.to_period) == (2014, 2017)
    assert "accords" in shift.new  # used twice in 2017, never in 2014


def test_single_measured_statement_gives_null_interval():
    table = table_of(
        [
            {"period": 2014, "text": "Ukraine matters a lot to us.", "targets": ["Ukraine"], "tone": 0.1},
            {"period": 2017, "text": "Ukraine matters even more now.", "targets": ["Ukraine"], "tone": 0.2},
        ]
    )
    data = compare_positions(table, "Ukraine", [2014, 2017], n_boot=50).to_dict()
    assert data["periods"][0]["tone_mean"] == 0.1 and data["periods"][0]["tone_ci"] == [None, None]


def test_format_comparison_card():
    text = format_comparison(compare_positions(ukraine_table(), "Ukraine", [2014, 2017], n_boot=200))
    assert "2014\n  Salience  50.0% (2 of 4 statements name Ukraine)" in text
    # 2014 has two measured statements (0.2 and 0.4): a mean, too few for an interval
    assert "Tone      +0.30 (n=2, too few statements for an interval)" in text
    assert "Ukraine has subscribed to the Minsk accords" in text and "(Sergey Lavrov, TASS, undated; rt:000004)" in text
    assert "From 2014 to 2017" in text and "Similarity of period centroids" in text


def test_unknown_target_or_period_lists_the_allowed_values():
    table = ukraine_table()
    with pytest.raises(ValueError, match=r"Unknown target 'Ukrain'; allowed: Syria, Ukraine, US, DPRK"):
        compare_positions(table, "Ukrain", [2014])
    with pytest.raises(ValueError, match=r"unknown period\(s\) 2015; allowed: 2014, 2017"):
        compare_positions(table, "Ukraine", [2014, 2015])
    with pytest.raises(ValueError, match="Unknown measure 'mood'; allowed: tone, stance"):
        measure_by_period(table, "Ukraine", "mood")
    with pytest.raises(ValueError, match="Unknown by='outlet'; allowed: report, remark"):
        compare_positions(table, "Ukraine", [2014], by="outlet")
    with pytest.raises(ValueError, match="Unknown by='outlet'"):
        check_by("outlet")
    check_by("remark")


def test_known_targets_are_the_primary_ones_then_the_others_most_often_found():
    table = table_of(
        [
            {"text": "a", "targets": ["NATO"]},
            {"text": "b", "targets": ["EU"], "kind": "context", "speaker": None},
            {"text": "c", "context_targets": ["EU"]},
            {"text": "d", "targets": ["Iran", "Ukraine"]},
        ]
    )
    # EU twice (once inherited from a heading), Iran and NATO once each (ties alphabetical);
    # the primary targets always, absent or not.
    assert known_targets(table) == ["Syria", "Ukraine", "US", "DPRK", "EU", "Iran", "NATO"]


def test_compare_is_deterministic():
    a = compare_positions(ukraine_table(), "Ukraine", [2014, 2017], n_boot=300).to_dict()
    b = compare_positions(ukraine_table(), "Ukraine", [2014, 2017], n_boot=300).to_dict()
    assert a == b


def test_seed_corpus_ukraine_card():
    table = build.build_table([SEEDS]).table
    comparison = compare_positions(table, "Ukraine", [2014, 2017])
    data = comparison.to_dict()
    json.dumps(data, allow_nan=False)
    for p in data["periods"]:
        assert 0 < p["n_target"] <= p["n_statements"]
        assert p["quotes"] and all(q["speaker"] != "Press" for q in p["quotes"])
        lo, hi = p["tone_ci"]
        assert lo is None or lo <= p["tone_mean"] <= hi
    ids = set(table["statement_id"])
    assert all(q["statement_id"] in ids for p in data["periods"] for q in p["quotes"])
    assert "Minsk" in format_comparison(comparison)
