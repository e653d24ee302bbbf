"""Comparisons: salience, intervals, tested changes, keyness, composition, quotes, the position card and its JSON."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from conftest import SEEDS, make_table

from rhetoric_shift import build, compare
from collections import Counter

from rhetoric_shift import stats
from rhetoric_shift.compare import (
    MIN_N_FOR_INTERVAL,
    NO_DISTINCTIVE,
    changes,
    check_by,
    centroid_similarity,
    compare_positions,
    composition,
    composition_warnings,
    distinctive_terms,
    format_comparison,
    format_mean,
    known_targets,
    log_odds_z,
    measure_by_period,
    quote_line,
    representative_statements,
    salience_by_period,
    target_forms,
)
from rhetoric_shift.tokens import stem


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


def test_salience_counts_statements_of_the_period_with_a_wilson_interval():
    frame = salience_by_period(ukraine_table(), ["Ukraine"])
    assert frame[["period", "n_target", "n_statements", "salience"]].to_dict("records") == [
        {"period": 2014, "n_target": 2, "n_statements": 4, "salience": 0.5},
        {"period": 2017, "n_target": 2, "n_statements": 5, "salience": 0.4},
    ]
    assert frame.loc[0, ["ci_low", "ci_high"]].tolist() == pytest.approx(list(stats.wilson_interval(2, 4)))
    # officials only: the press question and the context line leave both counts
    officials = salience_by_period(ukraine_table(), ["Ukraine"], who="officials")
    assert officials[["n_target", "n_statements"]].to_numpy().tolist() == [[1, 3], [2, 4]]
    # by unique remark the RT/Sputnik pair counts once
    remarks = salience_by_period(ukraine_table(), ["Ukraine"], by="remark")
    assert remarks[["n_target", "n_statements"]].to_numpy().tolist() == [[2, 4], [1, 4]]


def test_measure_uses_officials_statements_about_the_target():
    frame = measure_by_period(ukraine_table(), "Ukraine", "tone")
    # 2014: direct 0.2 and, through its heading, 0.4 (the press question, -0.9, is left out): mean 0.3
    row = frame.set_index("period").loc[2014]
    assert row["n"] == 2 and row["n_remarks"] == 2 and row["mean"] == pytest.approx(0.3)
    # two remarks are below MIN_N_FOR_INTERVAL: a mean, but no interval
    assert math.isnan(row["ci_low"]) and math.isnan(row["ci_high"])
    # 2017: -0.1, -0.3 (one remark in two reports) and -0.5: mean -0.3 over 3 reports of 2 remarks
    last = frame.set_index("period").loc[2017]
    assert last["mean"] == pytest.approx(-0.3) and (last["n"], last["n_remarks"]) == (3, 2)
    stance = measure_by_period(ukraine_table(), "Ukraine", "stance", by="remark").set_index("period")
    assert stance.loc[2017, "n"] == 2 and stance.loc[2017, "mean"] == -1.0


def test_an_interval_appears_from_the_minimum_number_of_remarks():
    u = ["Ukraine"]
    rows = [{"period": 2014, "text": f"Dialogue with Ukraine, round {i}.", "targets": u, "stance": 1.0} for i in range(2)]
    rows += [{"period": 2017, "text": f"Ukraine and partnership, point {i}.", "targets": u, "stance": 0.5 * (i % 2)}
             for i in range(MIN_N_FOR_INTERVAL)]
    comparison = compare_positions(table_of(rows), "Ukraine", [2014, 2017])
    first, last = comparison.to_dict()["periods"]
    assert first["stance_mean"] == 1.0 and first["stance_ci"] == [None, None]
    assert None not in last["stance_ci"]
    text = format_comparison(comparison)
    assert f"Stance    +1.00 (n=2, under {MIN_N_FOR_INTERVAL} remarks: no interval" in text
    assert "[+1.00, +1.00]" not in text and "95% CI" in text.split("2017")[1]


def test_format_mean_says_what_is_missing():
    assert format_mean(0.123, (-0.05, 0.3), 14) == "+0.12 (95% CI -0.05 to +0.30, n=14)"
    assert format_mean(0.5, (math.nan, math.nan), 3).startswith(f"+0.50 (n=3, under {MIN_N_FOR_INTERVAL} remarks: no interval")
    assert format_mean(math.nan, (math.nan, math.nan), 0) == "n/a (no statements)"


# --- changes ------------------------------------------------------------------------------------


def syria_rise(n: int = 10):
    """2014: n officials' statements, none about Syria; 2017: n, all about Syria, tone alike in both."""
    rows = [{"period": 2014, "doc_id": "a", "text": f"Trade and energy, item {i}.", "tone": 0.1 * (i % 3)} for i in range(n)]
    rows += [{"period": 2017, "doc_id": "b", "source": "RT", "text": f"Syria settlement, item {i}.", "targets": ["Syria"],
              "tone": 0.1 * (i % 3)} for i in range(n)]
    return table_of(rows)


def test_a_salience_change_is_called_a_rise_only_on_evidence():
    found = changes(syria_rise(), ["Syria"], measures=["salience"])
    row = found.iloc[0]
    # 0 of 10 against 10 of 10: Fisher's two-sided p = 2 / C(20, 10) = 2 / 184756
    assert row["p"] == pytest.approx(2 / 184756) and row["p_adj"] == pytest.approx(row["p"])
    assert row["difference"] == 1.0 and row["verdict"] == "rose"
    assert row["ci_low"] > 0 and row["ci_high"] <= 1.0
    # 1 of 4 against 2 of 4 is no evidence of anything
    small = table_of([{"period": p, "text": f"x {i}", "targets": ["Syria"] if i < k else []}
                      for p, k in ((2014, 1), (2017, 2)) for i in range(4)])
    assert changes(small, ["Syria"], measures=["salience"]).iloc[0]["verdict"] == "no evidence of change"


def test_changes_cover_consecutive_pairs_and_first_to_last_with_bh_across_all_rows():
    rows = [{"period": p, "text": f"Syria point {p} {i}.", "targets": ["Syria"], "tone": (p - 2014) * 0.1 + 0.01 * i}
            for p in (2014, 2016, 2017) for i in range(4)]
    found = changes(table_of(rows), ["Syria", "Ukraine"])
    pairs = found[(found["target"] == "Syria") & (found["measure"] == "tone")][["from_period", "to_period", "pair"]]
    assert pairs.to_numpy().tolist() == [[2014, 2016, "consecutive"], [2016, 2017, "consecutive"], [2014, 2017, "first to last"]]
    assert found["p_adj"].to_numpy() == pytest.approx(stats.benjamini_hochberg(found["p"].to_numpy()), nan_ok=True)
    ukraine = found[found["target"] == "Ukraine"]
    assert set(ukraine.loc[ukraine["measure"] != "salience", "verdict"]) == {
        "nothing to compare (no statements about the target in 2014 and 2016)",
        "nothing to compare (no statements about the target in 2016 and 2017)",
        "nothing to compare (no statements about the target in 2014 and 2017)"}
    # 4 remarks a period: no interval for a mean change, and the note says why
    tone = found[(found["target"] == "Syria") & (found["measure"] == "tone")].iloc[0]
    assert math.isnan(tone["ci_low"]) and "2014 has 4 remarks" in tone["ci_note"]


def test_one_remark_a_side_is_too_few_to_test():
    table = table_of([{"period": 2014, "text": "Syria one.", "targets": ["Syria"], "tone": 0.9},
                      {"period": 2017, "text": "Syria two.", "targets": ["Syria"], "tone": -0.9}])
    tone = changes(table, ["Syria"], measures=["tone"]).iloc[0]
    assert math.isnan(tone["p"]) and tone["verdict"] == "too few statements to test"


def test_a_mean_change_test_moves_whole_remarks():
    # 2014: one remark printed twice (+1, +1); 2017: one remark printed twice (-1, -1). As rows the
    # two periods differ in every arrangement but two of six (p = 1/3); as remarks there are two
    # arrangements, both as extreme as the observed one (p = 1): one remark a side says nothing.
    rows = [{"period": 2014, "doc_id": d, "text": "Syria is a partner.", "targets": ["Syria"], "tone": 1.0, "dup_group": "g14"}
            for d in ("rt", "sp")]
    rows += [{"period": 2017, "doc_id": d, "text": "Syria is a problem.", "targets": ["Syria"], "tone": -1.0, "dup_group": "g17"}
             for d in ("rt", "sp")]
    found = changes(table_of(rows), ["Syria"], measures=["tone"], by="report")
    assert found.iloc[0]["verdict"] == "too few statements to test"
    x, y = [1.0, 1.0], [-1.0, -1.0]
    assert stats.permutation_p(x, y) == pytest.approx(1 / 3)
    assert stats.permutation_p(x, y, ["g14", "g14"], ["g17", "g17"]) == 1.0


# --- composition ------------------------------------------------------------------------------


def test_composition_warns_about_one_document_and_different_outlets():
    comp = composition(syria_rise(), [2014, 2017])
    assert comp[["period", "n_documents", "n_outlets", "outlets"]].to_numpy().tolist() == [[2014, 1, 1, "TASS"], [2017, 1, 1, "RT"]]
    warnings = composition_warnings(comp)
    assert any(w.startswith("2014 rests on one document (TASS)") for w in warnings)
    assert any("different outlets (2014: TASS; 2017: RT)" in w for w in warnings)
    same = table_of([{"period": p, "doc_id": f"{d}{p}", "source": "RT", "text": "x"} for p in (2014, 2017) for d in "ab"])
    assert composition_warnings(composition(same, [2014, 2017])) == ["2014 rests on one outlet (RT).", "2017 rests on one outlet (RT)."]


# --- words ------------------------------------------------------------------------------------


def test_keyness_z_scores_by_hand():
    # 2014 "peace peace war": y(peace)=2, y(war)=1, n=3;  2017 "war war war peace": y(peace)=1, y(war)=3, n=4.
    # Prior: the whole table's frequencies (peace 3/7, war 4/7) scaled to alpha0 = 3 + 4 = 7 words,
    # so a(peace)=3, a(war)=4. For 2014 against 2017 (Monroe et al. 2008):
    #   peace: log[(2+3)/(3+7-2-3)] - log[(1+3)/(4+7-1-3)] = log(1) - log(4/7) = 0.559616
    #          var = 1/(2+3) + 1/(1+3) = 0.45 -> z = 0.559616 / 0.670820 = 0.834230
    #   war:   log[(1+4)/(3+7-1-4)] - log[(3+4)/(4+7-3-4)] = log(1) - log(7/4) = -0.559616
    #          var = 1/(1+4) + 1/(3+4) = 0.342857 -> z = -0.559616 / 0.585540 = -0.955726
    z = log_odds_z(Counter(peace=2, war=1), Counter(peace=1, war=3), {"peace": 3.0, "war": 4.0}, 7.0)
    assert [z["peace"], z["war"]] == pytest.approx([0.834230, -0.955726], abs=1e-5)


def test_no_terms_for_a_period_with_too_few_remarks_about_the_target():
    rows = [{"period": 2014, "text": "Syria ceasefire ceasefire.", "targets": ["Syria"]} for _ in range(2)]
    rows += [{"period": 2017, "text": f"Syria war {i}.", "targets": ["Syria"]} for i in range(5)]
    rows += [{"period": 2016, "text": "Trade grows."}]
    table = table_of(rows)
    assert distinctive_terms(table, "Syria", 2014).empty  # two remarks
    assert distinctive_terms(table, "Syria", 2016).empty  # none


def test_a_term_needs_three_distinct_remarks_and_one_remark_printed_twice_is_one():
    rows = [{"period": 2014, "text": f"War continues, part {i}.", "targets": ["Syria"]} for i in range(3)]
    rows += [
        {"period": 2017, "doc_id": "rt", "text": "Ceasefire holds in Syria.", "targets": ["Syria"], "dup_group": "g1"},
        {"period": 2017, "doc_id": "sp", "text": "The ceasefire holds in Syria.", "targets": ["Syria"], "dup_group": "g1"},
        {"period": 2017, "text": "Ceasefire talks on Syria.", "targets": ["Syria"]},
        {"period": 2017, "text": "Truce monitors in Syria.", "targets": ["Syria"]},
    ]
    terms = distinctive_terms(table_of(rows), "Syria", 2017, by="report")
    assert "ceasefire" not in set(terms["term"])  # in 2 remarks (3 reports)
    rows.append({"period": 2017, "text": "A ceasefire for Syria.", "targets": ["Syria"]})
    terms = distinctive_terms(table_of(rows), "Syria", 2017, by="report")
    assert terms["term"].tolist() == ["ceasefire"] and terms.loc[0, "n_remarks"] == 3


def test_each_term_carries_z_and_whether_it_survives_correction():
    # 30 statements a period, "ceasefire" in every one of 2017 and never in 2014: z is about 8.8
    # (see the hand computation's formula with y=60, a=60, n=60 a side), far beyond any correction.
    rows = [{"period": 2014, "text": f"War war, part {i}.", "targets": ["Syria"]} for i in range(30)]
    rows += [{"period": 2017, "text": f"Ceasefire ceasefire, part {i}.", "targets": ["Syria"]} for i in range(30)]
    table = table_of(rows)
    terms = distinctive_terms(table, "Syria", 2017)
    top = terms.iloc[0]
    assert top["term"] == "ceasefire" and top["z"] > 5 and bool(top["significant"]) and top["p_adj"] < 0.05
    card = format_comparison(compare_positions(table, "Syria", [2014, 2017]))
    assert "Distinctive terms: ceasefire (z +" in card
    # a weak difference: nothing survives, and the card says so in words
    weak = table_of([{"period": p, "text": f"Syria {'peace' if (i + (p == 2017)) % 2 else 'war'} talk {i}.",
                      "targets": ["Syria"]} for p in (2014, 2017) for i in range(6)])
    card = format_comparison(compare_positions(weak, "Syria", [2014, 2017]))
    assert f"Distinctive terms: {NO_DISTINCTIVE}" in card


def test_every_name_of_the_target_is_left_out_of_its_words():
    forms = target_forms("Syria")
    assert {stem(w) for w in ("syria", "syrian", "damascus", "assad", "aleppo", "astana")} <= forms
    assert stem("talks") not in forms and stem("process") not in forms  # "Astana talks": only the name
    assert {stem(w) for w in ("ukraine", "ukrainian", "kiev", "crimea", "poroshenko")} <= target_forms("Ukraine")
    assert {stem(w) for w in ("american", "americans", "trump", "washington")} <= target_forms("US")
    assert {stem(w) for w in ("north", "korea", "korean", "pyongyang")} <= target_forms("DPRK")
    rows = [{"period": 2014, "text": f"War goes on, part {i}.", "targets": ["Syria"]} for i in range(4)]
    rows += [{"period": 2017, "text": f"Syrian Damascus Assad peace, part {i}.", "targets": ["Syria"]} for i in range(4)]
    table = table_of(rows)
    assert set(distinctive_terms(table, "Syria", 2017)["term"]) == {"peace"}
    shift = compare_positions(table, "Syria", [2014, 2017]).shifts[0]
    assert "peace" in shift.new and not {"syrian", "damascus", "assad"} & set(shift.new)


# --- quotes -----------------------------------------------------------------------------------


def test_representative_statements_prefer_direct_speech_and_carry_their_kind():
    table = ukraine_table()
    quotes = representative_statements(table, "Ukraine", 2017, n=3)
    # the Sputnik line duplicates the RT one (same dup_group): only one of them; the heading-only
    # statement (context_targets) does not name Ukraine itself, the question is the press's.
    assert quotes["statement_id"].tolist() == ["rt:000004"] and quotes.loc[0, "kind"] == "direct"
    rows = [{"period": 2017, "text": "Lavrov notes that Ukraine must implement the Minsk accords.", "targets": ["Ukraine"],
             "kind": "reported", "source": "RT"},
            {"period": 2017, "text": "Minsk accords matter for Ukraine.", "targets": ["Ukraine"]}]
    picked = representative_statements(table_of(rows), "Ukraine", 2017, n=2)
    assert picked["kind"].tolist() == ["direct", "reported"]


def test_only_direct_speech_is_quoted():
    direct = {"text": "We are ready.", "kind": "direct", "speaker": "Sergey Lavrov", "source": "RT", "date": "2017-01-17"}
    assert quote_line(direct) == ("“We are ready.”", "— Sergey Lavrov, RT, 2017-01-17 (direct speech)")
    reported = {**direct, "text": "Lavrov notes that Crimea chose to reunite.", "kind": "reported"}
    words, who = quote_line(reported)
    assert words == "RT, paraphrasing Sergey Lavrov: Lavrov notes that Crimea chose to reunite."
    assert "“" not in words and "reported speech" in who


def test_the_card_never_puts_a_paraphrase_in_quotation_marks():
    paraphrase = "Lavrov notes that Ukraine must implement the Minsk accords fully."
    rows = [{"period": p, "text": paraphrase if p == 2017 else "Ukraine must talk.", "targets": ["Ukraine"],
             "kind": "reported", "source": "RT"} for p in (2014, 2017)]
    card = format_comparison(compare_positions(table_of(rows), "Ukraine", [2014, 2017]))
    assert f"RT, paraphrasing Sergey Lavrov: {paraphrase}" in card
    assert f"“{paraphrase}”" not in card and f'"{paraphrase}"' not in card


def test_centroid_similarity_matrix():
    sims = centroid_similarity(ukraine_table(), "Ukraine")
    assert sims.index.tolist() == [2014, 2017]
    assert np.allclose(np.diag(sims.to_numpy()), 1.0)
    assert sims.loc[2014, 2017] == pytest.approx(sims.loc[2017, 2014])
    assert 0 < sims.loc[2014, 2017] < 1  # "minsk", "implement" are shared


# --- the comparison ---------------------------------------------------------------------------


def test_compare_positions_json_shape():
    comparison = compare_positions(ukraine_table(), "Ukraine", [2017, 2014], n_terms=3, n_quotes=2, by="report")
    data = comparison.to_dict()
    json.dumps(data, allow_nan=False)  # plain floats, no NaN
    assert set(data) == {"target", "filters", "method", "keyness_prior", "periods", "changes", "warnings",
                         "new_and_dropped_words", "similarity"}
    assert {"mean_interval", "mean_test", "share_test", "correction", "measured_coverage", "keyness_prior",
            "keyness_prior_scale", "who_is_counted"} <= set(data["method"])
    assert data["keyness_prior"]["alpha0"] > 0
    assert [p["period"] for p in data["periods"]] == [2014, 2017]
    for p in data["periods"]:
        assert {"n_documents", "n_outlets", "outlets", "salience_ci", "n_remarks", "terms", "terms_note", "quotes"} <= set(p)
        assert all(set(t) == {"term", "z", "p_adj", "significant", "n_remarks"} for t in p["terms"])
        assert all(set(q) == {"statement_id", "kind", "text", "speaker", "source", "date"} for q in p["quotes"])
    first = data["periods"][0]
    assert (first["n_statements"], first["n_target"]) == (3, 1)  # officials only: the press question is not
    assert first["tone_mean"] == pytest.approx(0.3)
    for change in data["changes"]:
        assert {"difference", "ci_low", "ci_high", "ci_note", "p", "p_adj", "verdict"} <= set(change)
    assert len(data["similarity"]) == 2 and data["similarity"][0][0] == pytest.approx(1.0)
    shift = comparison.shifts[0]
    assert (shift.from_period, shift.to_period) == (2014, 2017)
    assert "accords" in shift.new  # used twice in 2017, never in 2014


def test_format_comparison_card():
    text = format_comparison(compare_positions(ukraine_table(), "Ukraine", [2014, 2017]))
    assert "2014  (1 document, 1 outlet (TASS))" in text
    assert "Salience  33% (95% CI" in text and "1 of 3 statements name Ukraine" in text
    # 2014 has two measured remarks (0.2 and 0.4): a mean, too few for an interval
    assert "Tone      +0.30 (n=2, under" in text
    assert "“Ukraine has subscribed to the Minsk accords and must implement them.”" in text
    assert "— Sergey Lavrov, TASS, 2017 (no exact date) (direct speech); rt:000004" in text  # known by its period only
    assert "Changes (Benjamini-Hochberg" in text and "Salience 2014 → 2017" in text
    assert "From 2014 to 2017" in text and "Similarity of period centroids" in text


def test_unknown_target_or_period_lists_the_allowed_values():
    table = ukraine_table()
    with pytest.raises(ValueError, match=r"Unknown target 'Ukrain'; allowed: Syria, Ukraine, US, DPRK"):
        compare_positions(table, "Ukrain", [2014])
    with pytest.raises(ValueError, match=r"unknown period\(s\) 2015; allowed: 2014, 2017"):
        compare_positions(table, "Ukraine", [2014, 2015])
    with pytest.raises(ValueError, match="Unknown measure 'mood'; allowed: tone, stance"):
        measure_by_period(table, "Ukraine", "mood")
    with pytest.raises(ValueError, match="Unknown by='outlet'; allowed: remark, report"):
        compare_positions(table, "Ukraine", [2014], by="outlet")
    with pytest.raises(ValueError, match="Unknown who='pundits'; allowed: officials, all"):
        compare_positions(table, "Ukraine", [2014], who="pundits")
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
    a = compare_positions(ukraine_table(), "Ukraine", [2014, 2017]).to_dict()
    b = compare_positions(ukraine_table(), "Ukraine", [2014, 2017]).to_dict()
    assert a == b


def test_seed_corpus_cards():
    table = build.build_table([SEEDS]).table
    syria = compare_positions(table, "Syria", [2014, 2016, 2017]).to_dict()
    json.dumps(syria, allow_nan=False)
    first = syria["periods"][0]
    assert first["n_target"] == 0 and first["terms"] == [] and first["terms_note"] == NO_DISTINCTIVE
    assert all(t["z"] is not None and isinstance(t["significant"], bool) for p in syria["periods"] for t in p["terms"])
    consecutive = [c for c in syria["changes"] if c["to_period"] - c["from_period"] in (2, 1) and c["from_period"] != 2014
                   or (c["from_period"], c["to_period"]) == (2014, 2016)]
    assert all({"difference", "ci_low", "ci_high", "p_adj"} <= set(c) for c in consecutive)
    assert any("rests on one document" in w for w in syria["warnings"])
    ukraine = compare_positions(table, "Ukraine", [2014, 2016, 2017])
    data = ukraine.to_dict()
    forms = target_forms("Ukraine")
    words = [t["term"] for p in data["periods"] for t in p["terms"]]
    words += [w for s in data["new_and_dropped_words"] for w in s["new"] + s["dropped"]]
    assert not [w for w in words if stem(w.lower()) in forms or "ukrain" in w.lower()]
    ids = set(table["statement_id"])
    assert all(q["statement_id"] in ids for p in data["periods"] for q in p["quotes"])
    assert all(q["speaker"] != "Press" for p in data["periods"] for q in p["quotes"])
    assert "Minsk" in format_comparison(ukraine)


# --- the command line -------------------------------------------------------------------------


def actors_table():
    rows = []
    for p in (2014, 2017):
        rows += [{"period": p, "doc_id": f"rt{p}", "source": "RT", "kind": "reported",
                  "text": f"Lavrov says Syria needs talks, part {i} of {p}.", "targets": ["Syria"]} for i in range(3)]
        rows += [{"period": p, "doc_id": f"sd{p}", "source": "State Department", "actor": "USA", "speaker": "John Kerry",
                  "text": f"Syria must stop the fighting, point {i} of {p}.", "targets": ["Syria"]} for i in range(3)]
    return table_of(rows)


def test_cli_compare_filters_by_actor_and_outlet(tmp_path, capsys):
    from rhetoric_shift.cli import main

    path = tmp_path / "t.parquet"
    actors_table().to_parquet(path)
    assert main(["compare", str(path), "--target", "Syria", "--periods", "2014", "2017", "--actor", "USA", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["filters"] == {"actor": ["USA"], "outlet": []}
    assert {q["speaker"] for p in data["periods"] for q in p["quotes"]} == {"John Kerry"}
    assert [p["n_statements"] for p in data["periods"]] == [3, 3]
    assert main(["compare", str(path), "--target", "Syria", "--periods", "2014", "2017", "--actor", "RUS"]) == 0
    card = capsys.readouterr().out
    assert "RT, paraphrasing Sergey Lavrov: Lavrov says Syria needs talks" in card and "John Kerry" not in card
    assert "“Lavrov says" not in card
    assert main(["compare", str(path), "--target", "Syria", "--periods", "2014", "2017", "--outlet", "Pravda"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: unknown --outlet Pravda; allowed: RT, State Department") and err.count("\n") == 1


def test_stance_toward_a_target_reads_target_stance_when_the_table_has_it():
    rows = [{"period": 2017, "text": f"Syria talks go well; the US threatens, part {i}.", "targets": ["Syria", "US"],
             "stance": 0.0} for i in range(3)]
    table = table_of(rows)
    assert measure_by_period(table, "Syria", "stance")["mean"].tolist() == [0.0]  # no column: the statement's stance
    table["target_stance"] = ['{"Syria": 1.0, "US": -1.0}', '{"Syria": 0.5}', "not json"]
    # Syria: 1.0, 0.5 and, for the malformed cell, the statement's 0.0; US: -1.0 then the statement's 0.0 twice
    assert measure_by_period(table, "Syria", "stance")["mean"].tolist() == pytest.approx([0.5])
    assert measure_by_period(table, "US", "stance")["mean"].tolist() == pytest.approx([-1 / 3])
    assert measure_by_period(table, "US", "tone")["mean"].tolist() == [0.0]


def test_log_odds_gives_no_score_where_the_prior_has_no_mass():
    from collections import Counter

    from rhetoric_shift.compare import log_odds_z

    # An empty background: every pseudo-count is 0, so no word can be scored (and nothing divides by zero).
    assert log_odds_z(Counter(), Counter(), {"minsk": 0.0}, 0.0) == {}
    # One word that is the whole prior: nothing else to contrast it with.
    assert log_odds_z(Counter({"minsk": 2}), Counter(), {"minsk": 1.0}, 1.0) == {}
    # Two words, a uses only "minsk", b only "crimea": "minsk" is typical of a, so z > 0.
    z = log_odds_z(Counter({"minsk": 3}), Counter({"crimea": 3}), {"minsk": 1.0, "crimea": 1.0}, 2.0)
    assert z["minsk"] > 0 > z["crimea"]


def test_tested_periods_are_the_latest_few_and_say_so():
    years = list(range(1946, 2025))  # 79 periods, as the UN General Debate has
    tested = compare.tested_periods(reversed(years))
    assert tested == list(range(2025 - compare.MAX_TESTED_PERIODS, 2025))
    assert len(compare.period_pairs(tested)) == compare.MAX_TESTED_PERIODS  # 5 consecutive pairs and first -> last
    note = compare.tested_note(years, tested)
    assert f"latest {compare.MAX_TESTED_PERIODS} of 79 periods (2019–2024)" in note
    assert compare.tested_periods([2017, 2014, 2016]) == [2014, 2016, 2017]
    assert compare.tested_note([2014, 2016, 2017], [2014, 2016, 2017]) == ""


def test_a_warning_shared_by_many_periods_is_one_line():
    # Five years of one outlet, one document each in 1946-1948 and 1950, two documents in 1951.
    comp = pd.DataFrame({"period": [1946, 1947, 1948, 1950, 1951], "n_statements": [3, 3, 3, 3, 6],
                         "n_documents": [1, 1, 1, 1, 2], "n_outlets": [1] * 5, "outlets": ["UN"] * 5})
    assert compare.composition_warnings(comp) == [
        "4 periods (1946–1948, 1950) rest on one document each (UN): their numbers describe those documents, not the periods.",
        "1951 rests on one outlet (UN).",
    ]
    assert compare.composition_summary(comp) == "5 periods (1946–1948, 1950–1951): 6 documents, 1 outlet (UN)"
    assert compare.period_runs([2017]) == "2017" and compare.period_runs(["RUS", "USA"]) == "RUS, USA"


def test_a_quote_without_a_date_is_placed_by_its_period():
    base = {"text": "We are ready.", "speaker": "Sergey Lavrov", "source": "UN General Debate", "kind": "direct"}
    assert quote_line({**base, "date": "", "period": 2017})[1] == "— Sergey Lavrov, UN General Debate, 2017 (no exact date) (direct speech)"
    assert quote_line({**base, "date": "2017-09-21", "period": 2017})[1].endswith("2017-09-21 (direct speech)")
    assert quote_line({**base, "date": "", "period": None})[1].endswith("undated (direct speech)")


def test_a_change_of_mean_is_permuted_when_small_and_tested_by_welch_when_large():
    def row(ga: int, gb: int, permute=lambda: 0.25):
        return compare.mean_change_row(2014, ga, 0.1, 2017, gb, 0.4, (0.05, 0.55), permute=permute, welch=lambda: 0.5)

    assert row(3, 4)["p"] == 0.25  # few remarks: the permutation test
    assert row(3, 4, permute=None)["p"] == 0.5  # the caller cannot permute: Welch
    assert row(stats.MAX_PERM_CLUSTERS, 1)["p"] == 0.5  # too many remarks to permute
    assert math.isnan(row(0, 4)["p"]) and math.isnan(row(1, 1)["p"])  # a side without remarks; one remark each
    full = row(3, 4)
    assert full["difference"] == pytest.approx(0.3) and (full["ci_low"], full["ci_high"]) == (0.05, 0.55)
    assert (full["n_from"], full["n_to"], full["ci_note"]) == (3, 4, "no interval: 2014 has 3 remarks and 2017 has 4 remarks, under the 10 where its coverage holds")
