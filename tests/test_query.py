"""The dashboard's queries on small tables written inline: every count equals its drill-down."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from conftest import make_table
from rhetoric_shift import compare, query


@pytest.fixture
def table() -> pd.DataFrame:
    """Two periods, two outlets, a live-blogged day, one remark reported twice."""
    return make_table(
        [
            {"text": "Kiev must implement the Minsk agreements.", "period": 2014, "targets": ["Ukraine"], "tone": 0.2, "stance": 0.5, "topic": 0, "topic_label": "minsk"},
            {"text": "Sanctions against Russia are counterproductive.", "period": 2014, "targets": ["US"], "tone": -0.4, "stance": -1.0, "topic": 1, "topic_label": "sanctions"},
            {"text": "We discussed the weather.", "period": 2014, "kind": "context", "speaker": None, "topic": -1, "topic_label": "(too short)"},
            {"text": "Washington threatens Pyongyang; sanctions again.", "period": 2017, "targets": ["US", "DPRK"], "tone": -0.6, "stance": -0.5,
             "source": "RT", "doc_id": "rt", "date": "2018-01-15", "time": "07:20", "topic": 1, "topic_label": "sanctions", "dup_group": "g1"},
            {"text": "Washington threatens Pyongyang, sanctions again.", "period": 2017, "targets": ["US", "DPRK"], "tone": -0.5, "stance": -0.5,
             "source": "Sputnik", "doc_id": "sp", "date": "2018-01-15", "time": "07:21", "topic": 1, "topic_label": "sanctions", "dup_group": "g1"},
            {"text": "Ukraine is artificially presented as a confrontation.", "period": 2017, "targets": ["Ukraine"], "tone": -0.1, "stance": -0.2,
             "source": "Sputnik", "doc_id": "sp", "date": "2018-01-15", "time": "07:05", "topic": 0, "topic_label": "minsk"},
            {"text": "What about Syria?", "period": 2017, "kind": "question", "speaker": "Press", "targets": ["Syria"],
             "source": "RT", "doc_id": "rt", "date": "2018-01-15", "time": "08:00", "topic": 2, "topic_label": "syria"},
        ]
    )


def test_choices_put_primary_targets_first_and_come_from_the_table(table: pd.DataFrame) -> None:
    assert compare.known_periods(table) == [2014, 2017]
    assert compare.known_targets(table) == ["Syria", "Ukraine", "US", "DPRK"]
    assert query.sources(table) == ("RT", "Sputnik", "TASS")
    assert query.kinds(table) == ("direct", "question", "context")
    assert query.topics(table) == (-1, 0, 1, 2)
    assert query.default_topic(table) == 1


def test_filters_combine_and_empty_means_all(table: pd.DataFrame) -> None:
    assert len(query.filter_table(table)) == len(table)
    rows = query.filter_table(table, periods=[2017], kinds=["direct"], sources=["Sputnik"])
    assert rows["text"].str.startswith(("Washington", "Ukraine")).all() and len(rows) == 2
    assert query.filter_table(table, speakers=["Sergey Lavrov"])["speaker"].eq("Sergey Lavrov").all()
    assert len(query.naming_any(table, ["DPRK", "Syria"])) == 3


def test_salience_matches_compare_and_its_cells_list_the_statements_counted(table: pd.DataFrame) -> None:
    for by in ("report", "remark"):
        frame = query.salience(table, ["Ukraine", "US", "DPRK"], by=by)
        pd.testing.assert_frame_equal(frame, compare.salience_by_period(table, ["Ukraine", "US", "DPRK"], by=by))
        for row in frame.itertuples():
            cell = query.statements_in_cell(table, target=row.target, period=row.period, by=by)
            assert len(cell) == row.n_target
    us_2017 = query.salience(table, ["US"], by="remark").query("period == 2017").iloc[0]
    assert (us_2017.n_target, us_2017.n_statements) == (1, 3)  # the remark reported twice counts once


def test_a_target_absent_from_the_filtered_rows_counts_zero(table: pd.DataFrame) -> None:
    rows = query.filter_table(table, periods=[2014])
    frame = query.salience(rows, ["Ukraine", "Iran"])
    assert frame.set_index("target").loc["Iran", "n_target"] == 0
    measured = query.measures(rows, ["Ukraine", "Iran"], "tone")
    assert measured.set_index("target").loc["Iran", "n"] == 0


def test_measure_cells_list_the_statements_averaged(table: pd.DataFrame) -> None:
    frame = query.measures(table, ["US", "Ukraine"], "tone")
    for row in frame.itertuples():
        cell = query.statements_in_cell(table, target=row.target, period=row.period, measured=True)
        assert len(cell) == row.n
        if row.n:
            assert cell["tone"].mean() == pytest.approx(row.mean)


def test_topic_shares_count_and_divide_by_the_period(table: pd.DataFrame) -> None:
    shares = query.topic_shares(table).set_index(["topic", "period"])
    assert shares.loc[(1, 2017), "n_topic"] == 2 and shares.loc[(1, 2017), "n_statements"] == 4
    assert shares.loc[(1, 2017), "share"] == pytest.approx(0.5)
    assert shares.loc[(2, 2014), "n_topic"] == 0
    assert len(query.statements_in_cell(table, topic=1, period=2017)) == 2
    assert query.topic_names(table)[1] == "1: sanctions" == query.topic_name(1, "sanctions")


def test_documents_and_kind_counts(table: pd.DataFrame) -> None:
    docs = query.documents(table).set_index("doc_id")
    assert docs.loc["rt", "statements"] == 2 and docs.loc["rt", "question"] == 1
    assert docs.loc["rt", "first_date"] == dt.date(2018, 1, 15)
    kinds = query.kind_counts(table).set_index("kind")
    assert kinds.loc["direct", "2017"] == 3 and kinds.loc["direct", "total"] == 5
    assert query.kind_counts(table, by="remark").set_index("kind").loc["direct", "2017"] == 2
    assert query.corpus_numbers(table)["unique remarks"] == 6


def test_search_gives_keyword_in_context_for_a_literal_phrase(table: pd.DataFrame) -> None:
    found = query.search(table, "SANCTIONS")
    assert len(found) == 3 and found["match"].str.lower().eq("sanctions").all()
    first = found.iloc[0]
    assert first["left"] + first["match"] + first["right"] == first["text"]
    assert query.search(table, "Minsk agreements.")["hits"].tolist() == [1]
    assert query.search(table, "(").empty  # the query is literal, not a regular expression
    assert len(query.search(table, "  ")) == len(table)
    view = query.kwic_view(found)
    assert list(view.columns[:3]) == ["left", "match", "right"]


def test_search_context_is_cut_with_ellipses() -> None:
    text = "a" * 100 + " sanctions " + "b" * 100
    found = query.search(make_table([{"text": text}]), "sanctions", width=10).iloc[0]
    assert found["left"] == "…" + "a" * 9 + " " and found["right"] == " " + "b" * 9 + "…"


def test_timeline_points_explode_targets_and_skip_undated(table: pd.DataFrame) -> None:
    points = query.timeline_points(table, ["US", "DPRK"])
    assert len(points) == 4 and set(points["target"]) == {"US", "DPRK"}
    assert points["date"].notna().all()
    assert query.undated(table)["statements"].sum() == 3


def test_conference_order_reads_printed_times(table: pd.DataFrame) -> None:
    days = query.live_blog_days(table)
    assert days == [dt.date(2018, 1, 15)]
    points = query.conference_points(table, days[0], ["Syria", "Ukraine", "US", "DPRK"])
    assert points["time"].tolist() == ["07:05", "07:20", "07:21", "08:00"]
    assert points["label"].tolist() == ["Ukraine", "US", "US", "Syria"]
    first = query.first_mentions(points)
    assert first["target"].tolist() == ["Ukraine", "US", "Syria"]
    assert first.set_index("target").loc["US", "mentions"] == 2


def test_provenance_view_and_csv(table: pd.DataFrame) -> None:
    rows = make_table([{"text": "=HYPERLINK(\"http://x\")", "targets": ["US", "DPRK"]}])
    view = query.provenance_view(rows)
    for column in ("doc_id", "char_start", "char_end", "source", "date", "speaker", "kind", "text"):
        assert column in view.columns
    assert view.loc[0, "targets"] == "US, DPRK"
    csv = query.to_csv(view).decode()
    assert "'=HYPERLINK" in csv  # a formula in a statement stays text in a spreadsheet


def test_changes_carry_their_numbers_and_say_no_evidence_on_noise(table: pd.DataFrame) -> None:
    found = query.changes(table, ["Ukraine", "Iran"], by="report")
    assert set(found["target"]) == {"Ukraine"}  # Iran is never named: nothing to test
    salience = found[found["measure"] == "salience"].iloc[0]
    # officials' statements: 1 of 2 in 2014 (the context line is not counted), 1 of 3 in 2017 (nor the question)
    assert (salience["n_from"], salience["n_to"]) == (2, 3) and salience["verdict"] == "no evidence of change"
    sentences = query.change_sentences(found, "Ukraine")
    assert sentences[0].startswith("Salience 2014 → 2017: 50% (n=2 statements) → 33% (n=3)")
    assert sentences[0].endswith("no evidence of change.")
    assert query.changes(query.filter_table(table, periods=[2017]), ["Ukraine"]).empty


def test_similarity_is_long_and_computed_as_described(table: pd.DataFrame) -> None:
    frame = query.similarity(table, "US")
    assert len(frame) == 4
    matrix = frame.pivot(index="period_a", columns="period_b", values="similarity")
    # The officials' statements about the US, as content stems (stop words dropped):
    #   2014: sanction, russia, counterproduct;  2017 (twice, RT and Sputnik): washington, threaten, pyongyang, sanction.
    # Smooth IDF over these 3 texts, idf = ln((1 + 3) / (1 + df)) + 1: sanction (df 3) 1, russia and
    # counterproduct (df 1) a = 1 + ln 2, the 2017 words (df 2) b = 1 + ln(4/3); every tf is 1.
    # The 2017 centroid is the mean of two equal unit rows, so the cosine is that of the two
    # texts: the shared "sanction" only, 1 / (|2014 row| * |2017 row|).
    a, b = 1 + math.log(2), 1 + math.log(4 / 3)
    expected = 1 / (math.sqrt(1 + 2 * a**2) * math.sqrt(1 + 3 * b**2))
    assert matrix.loc[2014, 2017] == pytest.approx(expected) == pytest.approx(0.15767, abs=1e-5)
    assert matrix.loc[2014, 2014] == pytest.approx(1.0)


def test_similarity_of_a_target_the_rows_never_mention_is_refused_with_the_allowed_list(table: pd.DataFrame) -> None:
    # The page checks first (ui.target_in) and shows a notice; the library names what it allows.
    rows = query.filter_table(table, sources=["RT"])
    assert "Afghanistan" not in compare.known_targets(rows)
    with pytest.raises(ValueError, match="Unknown target 'Afghanistan'; allowed: Syria, Ukraine, US, DPRK"):
        query.similarity(rows, "Afghanistan")
    assert query.similarity(rows, "Ukraine")["similarity"].isna().all()  # a primary target: no statements, NaN


def test_empty_periods_are_those_the_rows_lack(table: pd.DataFrame) -> None:
    rows = query.filter_table(table, sources=["RT"])
    assert query.empty_periods(rows, (2014, 2017)) == [2014]
    assert query.empty_periods(table, (2014, 2017)) == []


def test_a_cell_period_may_be_a_numpy_integer(table: pd.DataFrame) -> None:
    picked = query.statements_in_cell(table, target="US", period=np.int64(2017))
    assert len(picked) == 2 and set(picked["period"]) == {2017}


def test_measured_drill_down_shows_tone_stance_and_the_terms_behind_them() -> None:
    rows = make_table(
        [
            {"text": "We want dialogue, not a threat.", "targets": ["US"], "tone": 0.3, "stance": 1.0},
            {"text": "Sanctions are a threat.", "targets": ["US"], "tone": -0.4, "stance": -1.0},
        ]
    )
    view = query.provenance_view(query.statements_in_cell(rows, target="US", period=2017, measured=True), measured=True)
    assert list(view.columns[:4]) == ["text", "tone", "stance", "stance terms"]
    assert view["stance terms"].tolist() == ["dialogue +, not a threat +", "sanctions −, threat −"]
    assert view["tone"].mean() == pytest.approx(query.measures(rows, ["US"], "tone")["mean"].iloc[0])
    assert "tone" not in query.provenance_view(rows).columns


def test_terms_and_shifts_frames() -> None:
    terms = [{"term": "minsk", "stem": "minsk", "z": 2.5, "p": 0.01, "p_adj": 0.02, "significant": True, "n_period": 5,
              "n_other": 0, "n_remarks": 4}]
    assert query.terms_frame(terms).to_dict("list") == {"term": ["minsk"], "z": [2.5], "adjusted p": [0.02],
                                                          "significant": [True], "remarks": [4]}
    shift = compare.TermShift(2014, 2017, ["sanctions", "korea"], ["minsk"])
    assert query.shifts_frame([shift]).iloc[0].to_dict() == {"from": 2014, "to": 2017, "new words": "sanctions, korea", "dropped words": "minsk"}


def test_a_clear_change_is_said_with_its_evidence() -> None:
    # Six remarks a period, +0.9 against -0.9: of the C(12, 6) = 924 splits, 2 are this extreme, p = 2/924.
    rows = make_table(
        [{"text": f"Ukraine, point {i}.", "period": period, "targets": ["Ukraine"], "tone": tone}
         for period, tone in ((2014, 0.9), (2017, -0.9)) for i in range(6)]
    )
    tone = query.changes(rows, ["Ukraine"], measures=["tone"]).iloc[0]
    assert tone["p"] == pytest.approx(2 / 924) and tone["verdict"] == "fell"
    assert "no interval: 2014 has 6 remarks and 2017 has 6 remarks" in tone["ci_note"]


def test_actor_salience_divides_by_each_actors_own_statements() -> None:
    rows = make_table(
        [
            {"text": "Syria needs peace.", "targets": ["Syria"]},  # RUS
            {"text": "Trade grows.", "period": 2017},  # RUS
            {"text": "Syria must stop the fighting.", "targets": ["Syria"], "actor": "USA", "speaker": "John Kerry"},
            {"text": "What about Syria?", "kind": "question", "speaker": "Press", "actor": None, "targets": ["Syria"]},
        ]
    )
    frame = query.actor_salience(rows, "Syria", who="all").set_index("actor")
    assert frame.loc["RUS", ["n_target", "n_statements"]].tolist() == [1, 2]  # the press has no actor: not a row
    assert frame.loc["USA", ["n_target", "n_statements", "salience"]].tolist() == [1, 1, 1.0]
    assert list(frame.index) == ["RUS", "USA"]
