"""Duplicate groups: the same remark reported by different outlets."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import SEEDS, make_table

from rhetoric_shift import build
from rhetoric_shift.duplicates import DuplicateFinder, unique_remarks

RT = "001_rt"
SPUTNIK = "002_sputnik"


def coverage_table():
    # Two outlets at the same press conference (period 2017), one earlier document (2016).
    return make_table(
        [
            {"doc_id": RT, "source": "RT", "statement_id": "a1",
             "text": "The Americans are known for their feelings of exceptionalism"},
            {"doc_id": RT, "source": "RT", "statement_id": "a2",
             "text": "The bottom line is that Ukraine has subscribed to the Minsk accord, this has nothing to do with Crimea"},
            {"doc_id": RT, "source": "RT", "statement_id": "a3", "text": "Russia and China are working together on space exploration."},
            # the same document repeating a line is not a second report of it
            {"doc_id": RT, "source": "RT", "statement_id": "a4",
             "text": "The Americans are known for their feelings of exceptionalism, he repeated"},
            {"doc_id": SPUTNIK, "source": "Sputnik", "statement_id": "b1",
             "text": "The Americans are known for their exceptionalism feelings, and still rely on this mentality"},
            {"doc_id": SPUTNIK, "source": "Sputnik", "statement_id": "b2",
             "text": "The bottom line is that Ukraine has subscribed to the Minsk agreements, which has nothing to do with Crimea"},
            # a headline with the same words is not a remark
            {"doc_id": SPUTNIK, "source": "Sputnik", "statement_id": "b3", "kind": "context", "speaker": None,
             "text": "The Americans are known for their exceptionalism feelings"},
            {"doc_id": "000_tass", "source": "TASS", "statement_id": "c1", "period": 2016,
             "text": "The Americans are known for their feelings of exceptionalism"},
        ]
    )


def test_translations_in_different_documents_share_the_smallest_id():
    table = coverage_table()
    groups = dict(zip(table["statement_id"], DuplicateFinder().fit_groups(table)))
    # a1~b1 and a2~b2 pair across RT and Sputnik. a4 repeats a1 in the same document: it still joins
    # the group, through b1 (a4~b1 across documents), which is right: all three report one remark.
    assert groups["a1"] == groups["b1"] == groups["a4"] == "a1"
    assert groups["a2"] == groups["b2"] == "a2"
    assert groups["a3"] == "a3"  # unrelated
    assert groups["b3"] == "b3"  # headline: context is never paired
    assert groups["c1"] == "c1"  # another period


def test_same_document_alone_never_pairs():
    table = make_table(
        [
            {"statement_id": "x1", "text": "We are interested in the full implementation of the Minsk accords"},
            {"statement_id": "x2", "text": "We are interested in the full implementation of the Minsk accords"},
        ]
    )
    assert DuplicateFinder().fit_groups(table) == ["x1", "x2"]


def test_pairs_report_the_cosine():
    table = coverage_table()
    pairs = DuplicateFinder().fit(table["text"]).pairs(table)
    assert {tuple(p) for p in pairs[["a", "b"]].to_numpy()} == {("a1", "b1"), ("a2", "b2"), ("a4", "b1")}
    assert ((pairs["similarity"] >= 0.4) & (pairs["similarity"] <= 1.0)).all()


def test_members_join_through_the_group_centre():
    # p~q and q~r pair, p and r share fewer words: q is the centre, so one group, named by its smallest id.
    table = make_table(
        [
            {"doc_id": "d1", "statement_id": "r", "text": "missile defense system Japan control doubts"},
            {"doc_id": "d2", "statement_id": "q", "text": "missile defense system Japan control assurances needed"},
            {"doc_id": "d3", "statement_id": "p", "text": "Japan control assurances needed urgently from Washington now"},
        ]
    )
    finder = DuplicateFinder(threshold=0.45).fit(table["text"])
    pairs = {tuple(p) for p in finder.pairs(table)[["a", "b"]].to_numpy()}
    assert ("q", "r") in pairs and ("p", "q") in pairs and ("p", "r") not in pairs
    assert finder.groups(table) == ["p", "p", "p"]


def test_a_chain_of_pairs_does_not_become_one_group():
    # Four statements in four documents, each sharing two of its four words with the next:
    # s1~s2 (cosine 0.44), s2~s3 (0.5), s3~s4 (0.44); s1 shares nothing with s3 or s4.
    words = ["alpha bravo charlie delta", "charlie delta echo foxtrot", "echo foxtrot golf hotel", "golf hotel india juliet"]
    table = make_table([{"doc_id": f"d{i}", "statement_id": f"s{i + 1}", "text": w} for i, w in enumerate(words)])
    finder = DuplicateFinder().fit(table["text"])
    pairs = {tuple(p) for p in finder.pairs(table)[["a", "b"]].to_numpy()}
    assert pairs == {("s1", "s2"), ("s2", "s3"), ("s3", "s4")}
    # s2 has the most pairs and is a centre: s1 and s3 join it; s4 is not paired with s2, so it
    # does not follow s3 into the group (connected components would merge all four).
    assert finder.groups(table) == ["s1", "s1", "s1", "s4"]


def test_prefix_filtering_finds_exactly_the_pairs_of_all_pairs():
    table = build.build_table([SEEDS], enrich=False).table
    finder = DuplicateFinder(threshold=0.2).fit(table["text"])  # a low threshold: many pairs to find
    found = {tuple(p) for p in finder.pairs(table)[["a", "b"]].to_numpy()}
    # every pair compared, the quadratic way, in the finder's own TF-IDF space
    from rhetoric_shift.duplicates import term_codes
    from rhetoric_shift.tokens import content_stems

    eligible = table[table["kind"].isin(["direct", "reported", "question"])].reset_index(drop=True)
    packed = [term_codes(content_stems(t)) for t in eligible["text"]]
    eligible = eligible[[len(p) // 8 >= 4 for p in packed]].reset_index(drop=True)
    X = finder._matrix([term_codes(content_stems(t)) for t in eligible["text"]])
    sims = (X @ X.T).toarray()
    brute = {
        (min(eligible["statement_id"][i], eligible["statement_id"][j]), max(eligible["statement_id"][i], eligible["statement_id"][j]))
        for i in range(len(eligible)) for j in range(i + 1, len(eligible))
        if sims[i, j] >= 0.2 - 1e-12 and eligible["doc_id"][i] != eligible["doc_id"][j] and eligible["period"][i] == eligible["period"][j]
    }
    assert len(brute) > 20 and found == brute


def test_a_term_too_common_to_block_on_is_left_out():
    # Three reports of one remark whose only rare-enough terms are shared by all three: with
    # blocks of at most two statements, the shared terms are too common to block on.
    text = "Gas pipelines to Europe supply cheaper gas"
    table = make_table([{"doc_id": f"d{i}", "statement_id": f"s{i}", "text": text} for i in range(3)])
    assert len(DuplicateFinder().fit(table["text"]).pairs(table)) == 3
    assert DuplicateFinder(max_block=2).fit(table["text"]).pairs(table).empty


def copies_table():
    # One remark printed three times (an exact copy, a copy with one word changed) and an unrelated one.
    remark = "The Minsk agreements must be implemented in full by Kiev and the militias of Donbass"
    return make_table(
        [
            {"doc_id": "d1", "statement_id": "k1", "text": remark},
            {"doc_id": "d2", "statement_id": "k2", "text": remark},
            {"doc_id": "d3", "statement_id": "k3", "text": remark.replace("agreements", "accords")},
            {"doc_id": "d4", "statement_id": "k4", "text": "Gas transit through Ukraine will continue after the contract expires"},
        ]
    )


@pytest.mark.parametrize("exact_cost", [20, 0])  # 0: every period searched by blocking keys
def test_exact_and_near_copies_share_a_group(exact_cost):
    table = copies_table()
    finder = DuplicateFinder(exact_cost=exact_cost).fit(table["text"])
    pairs = finder.pairs(table)
    # k1 = k2 word for word; k3 differs in one of ten content words; k4 shares none of them
    assert {tuple(p) for p in pairs[["a", "b"]].to_numpy()} == {("k1", "k2"), ("k1", "k3"), ("k2", "k3")}
    assert pairs.loc[(pairs["a"] == "k1") & (pairs["b"] == "k2"), "similarity"].item() == pytest.approx(1.0)
    assert finder.groups(table) == ["k1", "k1", "k1", "k4"]


def test_the_keyed_search_keeps_the_star_rule_on_a_chain():
    # The chain of test_a_chain_of_pairs_does_not_become_one_group, searched by blocking keys:
    # 4-word statements hold all their terms among the key terms, so every pair is found and
    # s4 still does not follow s3 into s2's group.
    words = ["alpha bravo charlie delta", "charlie delta echo foxtrot", "echo foxtrot golf hotel", "golf hotel india juliet"]
    table = make_table([{"doc_id": f"d{i}", "statement_id": f"s{i + 1}", "text": w} for i, w in enumerate(words)])
    finder = DuplicateFinder(exact_cost=0).fit(table["text"])
    assert {tuple(p) for p in finder.pairs(table)[["a", "b"]].to_numpy()} == {("s1", "s2"), ("s2", "s3"), ("s3", "s4")}
    assert finder.groups(table) == ["s1", "s1", "s1", "s4"]


@pytest.mark.parametrize("exact_cost", [20, 0])
def test_groups_do_not_depend_on_row_order(exact_cost):
    table = pd.concat([coverage_table(), copies_table()], ignore_index=True)
    expected = dict(zip(table["statement_id"], DuplicateFinder(exact_cost=exact_cost).fit_groups(table)))
    assert expected["k3"] == "k1" and expected["b1"] == "a1"
    for seed in range(3):
        shuffled = table.sample(frac=1, random_state=seed).reset_index(drop=True)
        got = dict(zip(shuffled["statement_id"], DuplicateFinder(exact_cost=exact_cost).fit_groups(shuffled)))
        assert got == expected


def test_a_key_too_common_to_block_on_is_left_out():
    text = "Gas pipelines to Europe supply cheaper gas"
    table = make_table([{"doc_id": f"d{i}", "statement_id": f"s{i}", "text": text} for i in range(4)])
    assert len(DuplicateFinder(exact_cost=0, max_block=4).fit(table["text"]).pairs(table)) == 6  # 4 choose 2
    assert DuplicateFinder(exact_cost=0, max_block=3).fit(table["text"]).pairs(table).empty  # every key in 4 rows


def test_the_keyed_search_finds_only_pairs_of_the_exact_search_and_the_seed_translations():
    table = build.build_table([SEEDS], enrich=False).table
    exact = DuplicateFinder(threshold=0.2).fit(table["text"]).pairs(table)
    keyed = DuplicateFinder(threshold=0.2, exact_cost=0).fit(table["text"]).pairs(table)
    # candidates are verified by their exact cosine: never a pair the exact search would reject
    assert set(map(tuple, keyed[["a", "b"]].to_numpy())) <= set(map(tuple, exact[["a", "b"]].to_numpy()))
    groups = dict(zip(table["statement_id"], DuplicateFinder(exact_cost=0).fit_groups(table)))

    def group_of(fragment: str, source: str) -> str:
        rows = table[table["text"].str.contains(fragment, regex=False) & (table["source"] == source)]
        return groups[rows["statement_id"].iloc[0]]

    assert group_of("known for their feelings of exceptionalism", "RT") == group_of("known for their exceptionalism feelings", "Sputnik")
    assert group_of("subscribed to the Minsk accord,", "RT") == group_of("subscribed to the Minsk agreements", "Sputnik")
    assert group_of("missile defense issue is a dark cloud", "RT") == group_of("missile defense is overshadowing", "Sputnik")


def test_precomputed_terms_give_the_same_groups():
    from rhetoric_shift.duplicates import term_codes
    from rhetoric_shift.tokens import content_stems

    table = coverage_table()
    terms = [term_codes(content_stems(t)) for t in table["text"]]
    assert DuplicateFinder().fit_groups(table, terms=terms) == DuplicateFinder().fit_groups(table)


def test_unique_remarks_keeps_the_first_row_of_each_group_in_table_order():
    table = coverage_table()
    table["dup_group"] = DuplicateFinder().fit_groups(table)
    unique = unique_remarks(table)
    assert unique["statement_id"].tolist() == ["a1", "a2", "a3", "b3", "c1"]


def test_deterministic_and_empty_inputs():
    table = coverage_table()
    assert DuplicateFinder().fit_groups(table) == DuplicateFinder().fit_groups(table.copy())
    empty = table.iloc[:0]
    assert DuplicateFinder().fit_groups(empty) == []
    assert unique_remarks(empty).empty
    stop_words_only = make_table([{"text": "he said that", "doc_id": "d1"}, {"text": "he said that", "doc_id": "d2"}])
    assert DuplicateFinder().fit_groups(stop_words_only) == ["d1:000000", "d2:000001"]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"threshold": 0}, "'threshold' parameter of DuplicateFinder must be a float in (0, 1]. Got 0"),
        ({"threshold": 1.5}, "Got 1.5"),
        ({"min_words": 0}, "'min_words' parameter"),
        ({"kinds": ("direct", "headline")}, "Got ['headline']"),
        ({"max_block": 1}, "The 'max_block' parameter of DuplicateFinder must be an int >= 2. Got 1 instead."),
        ({"exact_cost": -1}, "The 'exact_cost' parameter of DuplicateFinder must be an int >= 0. Got -1 instead."),
        ({"key_terms": 1}, "The 'key_terms' parameter of DuplicateFinder must be an int >= 2. Got 1 instead."),
    ],
)
def test_parameters_are_checked_in_fit(params, message):
    finder = DuplicateFinder(**params)  # constructing never fails: parameters are checked by fit
    with pytest.raises(ValueError) as info:
        finder.fit(["a text"])
    assert message in str(info.value)


def test_estimators_word_their_parameter_errors_alike():
    from rhetoric_shift.topics import TopicModel

    for estimator in (DuplicateFinder(min_words=0), TopicModel(min_words=0)):
        with pytest.raises(ValueError) as info:
            estimator.fit(["a text"])
        name = type(estimator).__name__
        assert str(info.value) == f"The 'min_words' parameter of {name} must be an int >= 1. Got 0 instead."


def test_long_enough_is_one_rule_for_duplicates_and_topics():
    from rhetoric_shift.tokens import has_content_words
    from rhetoric_shift.topics import TopicModel

    # content words: none ("he said that" are stop or reporting words); minsk, accords, hold (3);
    # minsk, accords, hold, firm, today (5)
    texts = ["He said that.", "Minsk accords hold.", "The Minsk accords hold firm today."]
    assert has_content_words(texts, 4).tolist() == [False, False, True]
    assert TopicModel(min_words=4).clusterable(texts).tolist() == [False, False, True]
    short = make_table([{"text": texts[1], "doc_id": "a"}, {"text": texts[1], "doc_id": "b"}])
    assert DuplicateFinder(min_words=4).fit(short["text"]).pairs(short).empty  # 3 words: never paired
    assert len(DuplicateFinder(min_words=3).fit(short["text"]).pairs(short)) == 1


def test_not_fitted():
    with pytest.raises(ValueError, match="not fitted"):
        DuplicateFinder().pairs(coverage_table())


def test_seed_corpus_rt_and_sputnik_pairs():
    table = build.build_table([SEEDS]).table

    def group_of(fragment: str, source: str) -> str:
        rows = table[table["text"].str.contains(fragment, regex=False) & (table["source"] == source)]
        assert len(rows) >= 1, (fragment, source)
        return rows["dup_group"].iloc[0]

    assert group_of("known for their feelings of exceptionalism", "RT") == group_of("known for their exceptionalism feelings", "Sputnik")
    assert group_of("subscribed to the Minsk accord,", "RT") == group_of("subscribed to the Minsk agreements", "Sputnik")
    assert group_of("missile defense issue is a dark cloud", "RT") == group_of("missile defense is overshadowing", "Sputnik")
    for group, rows in table.groupby("dup_group"):
        assert group == min(rows["statement_id"])
        if len(rows) > 1:
            assert rows["doc_id"].nunique() > 1 and rows["period"].nunique() == 1
            assert not (rows["kind"] == "context").any()


def test_a_remark_counted_once_keeps_every_target_its_reports_name():
    table = make_table(
        [
            {"text": "The missile defence issue is a dark cloud over our relations with Washington.", "doc_id": "rt",
             "targets": ["US"], "dup_group": "rt:000000", "statement_id": "rt:000000"},
            {"text": "Missile defence is a dark cloud over relations with the US and over Korea.", "doc_id": "sp",
             "targets": ["US", "DPRK"], "context_targets": ["Syria"], "dup_group": "rt:000000", "statement_id": "sp:000000"},
            {"text": "Another remark about Syria.", "doc_id": "sp", "targets": ["Syria"], "statement_id": "sp:000100"},
        ]
    )
    once = unique_remarks(table)
    assert once["statement_id"].tolist() == ["rt:000000", "sp:000100"]
    assert [list(t) for t in once["targets"]] == [["US", "DPRK"], ["Syria"]]
    assert [list(t) for t in once["context_targets"]] == [["Syria"], []]
    assert [list(t) for t in table["targets"]] == [["US"], ["US", "DPRK"], ["Syria"]]  # the input is untouched


class _CountingEngine:
    """A local engine of two workers that counts the tasks it is given."""

    def __init__(self, engine):
        self.engine, self.n_workers, self.tasks = engine, engine.n_workers, 0

    def map(self, fn, tasks, shared=None):
        def counted():
            for task in tasks:
                self.tasks += 1
                yield task

        return self.engine.map(fn, counted(), shared)


def test_periods_searched_on_an_engine_give_the_same_pairs_and_groups(monkeypatch):
    from rhetoric_shift import duplicates
    from rhetoric_shift.engine import LocalEngine

    later = copies_table().assign(period=2018)
    again = copies_table().assign(period=2019, statement_id=lambda t: "z" + t["statement_id"])
    table = pd.concat([coverage_table(), later, again], ignore_index=True)  # four periods, three with pairs
    monkeypatch.setattr(duplicates, "_MIN_RUN_ROWS", 1)  # one task per period or two, not one for the whole table
    finder = DuplicateFinder().fit(table["text"])
    inline = finder._pair_rows(table, finder._terms(table["text"], None))
    with LocalEngine(2) as local:
        engine = _CountingEngine(local)
        spread = finder._pair_rows(table, finder._terms(table["text"], None), engine)
        groups = finder.groups(table, engine=engine)
    assert engine.tasks >= 3
    as_set = lambda found: {(min(i, j), max(i, j), round(s, 12)) for i, j, s in zip(*found)}  # noqa: E731
    # 2017: b1 with a1 and with a4 (one RT document: a1 and a4 never pair), b2 with a2; each copies period: three pairs
    assert as_set(spread) == as_set(inline) and len(inline[0]) == 3 + 3 + 3
    assert groups == finder.groups(table)
    assert dict(zip(table["statement_id"], groups))["zk3"] == "zk1"


def test_document_frequencies_do_not_depend_on_how_the_rows_are_chunked(monkeypatch):
    from rhetoric_shift import duplicates

    table = pd.concat([coverage_table(), copies_table().assign(period=2018)], ignore_index=True)
    whole = DuplicateFinder().fit(table["text"])
    monkeypatch.setattr(duplicates, "_CHUNK_ROWS", 1)  # one row per chunk: every count is a sum over chunks
    chunked = DuplicateFinder().fit(table["text"])
    assert chunked.n_docs_ == whole.n_docs_ and (chunked.codes_ == whole.codes_).all() and (chunked.df_ == whole.df_).all()
    assert whole.n_docs_ > 1 and whole.df_.max() > 1  # several rows, and terms shared between them
