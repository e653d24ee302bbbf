"""enrich(): the analysis columns on a segmented table, for small, empty and real tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import SEEDS, assert_statement_table, make_table

from rhetoric_shift import build
from rhetoric_shift.enrich import enrich
from rhetoric_shift.schema import empty_table
from rhetoric_shift.tone import stance, tone


def segmented():
    """A segmented table: a heading, statements under it, two outlets reporting one remark."""
    return make_table(
        [
            {"doc_id": "rt", "statement_id": "rt:000000", "kind": "context", "speaker": None, "text": "On Syria and the Astana talks"},
            {"doc_id": "rt", "statement_id": "rt:000100", "parent_id": "rt:000000",
             "text": "We expect the new administration to accept this invitation and to send experts."},
            {"doc_id": "rt", "statement_id": "rt:000200",
             "text": "The Americans are known for their feelings of exceptionalism"},
            {"doc_id": "sp", "statement_id": "sp:000000",
             "text": "The Americans are known for their exceptionalism feelings, and still rely on this mentality"},
            {"doc_id": "sp", "statement_id": "sp:000100",
             "text": "Russia is ready for dialogue and cooperation with Japan on the Kuril Islands."},
            {"doc_id": "sp", "statement_id": "sp:000200", "text": "Sanctions and pressure against Russia are unacceptable, the minister said."},
            {"doc_id": "sp", "statement_id": "sp:000300", "text": "Good things first."},
        ]
    )


def test_enrich_fills_every_analysis_column():
    table = segmented()
    out = enrich(table)
    assert_statement_table(out)
    assert out["statement_id"].tolist() == table["statement_id"].tolist()  # same rows, same order
    assert out["targets"].tolist() == [["Syria"], [], ["US"], ["US"], ["Japan"], [], []]
    assert out["context_targets"].tolist() == [[], ["Syria"], [], [], [], [], []]
    assert out["tone"].tolist() == pytest.approx(tone(table["text"].tolist()))
    assert out["stance"].tolist() == stance(table["text"].tolist())
    assert out.loc[4, "stance"] == 1.0 and out.loc[5, "stance"] == -1.0
    # the RT and Sputnik translations are one remark, named by the smaller id
    assert out["dup_group"].tolist()[2:4] == ["rt:000200", "rt:000200"]
    assert out.loc[6, "dup_group"] == "sp:000300"
    # "Good things first." has one content word: too short for a topic
    assert out.loc[6, "topic"] == -1 and out.loc[6, "topic_label"] == "(too short)"
    assert (out.loc[1:5, "topic"] >= 0).all() and out.loc[1:5, "topic_label"].str.len().gt(0).all()


def test_enrich_is_deterministic():
    pd.testing.assert_frame_equal(enrich(segmented()), enrich(segmented()))


def test_enrich_with_a_fixed_number_of_topics():
    assert enrich(segmented(), n_topics=2)["topic"].max() == 1


def test_enrich_empty_and_one_statement_tables():
    out = enrich(empty_table())
    assert_statement_table(out)
    assert out.empty
    one = enrich(make_table([{"text": "Russia and the US discussed Syria at length in Bonn today."}]))
    assert_statement_table(one)
    assert one.loc[0, "targets"] == ["Syria", "US"] and one.loc[0, "topic"] == 0
    headline = enrich(make_table([{"text": "Lavrov speaks", "kind": "context", "speaker": None}]))
    assert_statement_table(headline)
    assert headline.loc[0, "topic"] == -1 and headline.loc[0, "map_x"] == 0.0


def test_enrich_keeps_a_non_default_index_order():
    table = segmented().iloc[::-1]
    out = enrich(table)
    assert out["statement_id"].tolist() == table["statement_id"].tolist()
    assert out.index.tolist() == list(range(len(table)))


def test_enrich_with_a_user_targets_file(tmp_path: Path):
    path = tmp_path / "targets.toml"
    path.write_text('[[target]]\nlabel = "Arctic"\naliases = ["Kuril Islands"]\n', encoding="utf-8")
    out = enrich(segmented(), targets_file=path)
    assert out["targets"].tolist()[4] == ["Arctic"] and out["targets"].tolist()[2] == []


def test_enrich_errors(tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[target]", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.toml: not valid TOML"):
        enrich(segmented(), targets_file=bad)
    with pytest.raises(ValueError, match="lacks the segmentation column"):
        enrich(segmented().drop(columns=["period"]))


def test_enrich_seed_corpus():
    segmented_seeds = build.build_table([SEEDS], enrich=False).table
    out = enrich(segmented_seeds)
    assert_statement_table(out)
    assert len(out) == len(segmented_seeds)
    assert out["statement_id"].tolist() == segmented_seeds["statement_id"].tolist()
    assert out["tone"].between(-1, 1).all() and out["stance"].between(-1, 1).all()
    assert out["topic"].nunique() >= 4
    # duplicates are only ever found between the two outlets of the 2018 press conference
    multi = out[out.duplicated("dup_group", keep=False)]
    assert set(multi["source"]) <= {"RT", "Sputnik"} and len(multi) >= 6


def _batches(table: pd.DataFrame, n: int) -> list[pd.DataFrame]:
    """``table`` cut into ``n`` batches of whole documents."""
    docs = list(dict.fromkeys(table["doc_id"]))
    return [table[table["doc_id"].isin(docs[i::n])] for i in range(n)]


def test_fit_apply_finish_equals_enrich_whatever_the_batching():
    from rhetoric_shift.enrich import apply_models, finish, fit_models

    table = build.build_table([SEEDS], enrich=False).table
    models = fit_models(table)
    one = finish(models, apply_models(models, table))
    three = finish(models, pd.concat([apply_models(models, b) for b in _batches(table, 3)], ignore_index=True))
    three = three.set_index("statement_id").loc[one["statement_id"]].reset_index()
    pd.testing.assert_frame_equal(one, three)
    pd.testing.assert_frame_equal(one, enrich(table))
    assert_statement_table(one)


def test_models_are_fitted_on_a_sample_chosen_by_id():
    import pickle

    from rhetoric_shift.enrich import fit_models

    table = build.build_table([SEEDS], enrich=False).table
    small = fit_models(table, max_sample=50)
    assert small.n_sample == 50 and small.topics.n_fitted_ == 50
    # the sample depends on the ids, not on the order of the rows
    shuffled = fit_models(table.sample(frac=1.0, random_state=1), max_sample=50)
    assert shuffled.sample_ids == small.sample_ids
    assert shuffled.topics.topic_labels_ == small.topics.topic_labels_
    assert "50 of" in small.method_text()
    clone = pickle.loads(pickle.dumps(small))
    assert clone.topics.predict(table["text"]).tolist() == small.topics.predict(table["text"]).tolist()
