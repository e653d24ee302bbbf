"""TopicModel: k chosen by stability, the largest-topic limit, labels, short statements, fit-then-apply, parameter checks."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from rhetoric_shift.topics import TOO_SHORT, TopicModel, _distinct_rows, adjusted_rand_index

GAS = [
    "Gas pipelines to Europe: Nord Stream pipeline supplies cheaper gas to European consumers.",
    "The pipeline project will deliver Russian gas to Europe through the Baltic pipeline.",
    "Liquefied gas from America is more expensive than pipeline gas for Europe.",
    "European gas consumers need the pipeline and reliable gas supplies.",
]
MISSILES = [
    "Missile defense systems in Japan threaten strategic stability in Asia.",
    "The missile defense deployment in Japan worries us; missile systems destabilize Asia.",
    "Aegis missile defense systems near our borders undermine strategic stability.",
    "We doubt Japan will control the missile defense systems deployed there.",
]
CEASEFIRE = [
    "The ceasefire in Idlib must be observed by the armed groups at the checkpoints in Syria.",
    "Checkpoints around Idlib help armed groups observe the ceasefire in Syria.",
    "Armed groups in Syria violated the Idlib ceasefire near the checkpoints.",
    "The Syria ceasefire needs more checkpoints for armed groups in Idlib.",
]
CORPUS = GAS + MISSILES + CEASEFIRE


@pytest.fixture(scope="module")
def model():
    # Three themes of four statements: a third each, so the one-fifth limit is lifted here.
    return TopicModel(k_range=(2, 5), max_share=None, random_state=0).fit(CORPUS)


def test_stability_finds_the_three_themes(model):
    # Three well-separated themes: subsamples agree most on the 3-partition, while 2 clusters must
    # merge two themes differently from run to run and 4 or 5 split a theme somewhere different.
    assert model.n_topics_ == 3 and model.k_chosen_by_ == "stability"
    assert set(model.stabilities_) == {2, 3, 4, 5}
    assert max(model.stabilities_, key=model.stabilities_.get) == 3
    assert model.stability_ == model.stabilities_[3] and model.stabilities_[2] < model.stabilities_[3]
    assert f"adjusted Rand index {model.stability_:.2f}" in model.method_text()
    labels = model.labels_
    # each theme is one cluster, and the three clusters differ
    assert len(set(labels[:4])) == len(set(labels[4:8])) == len(set(labels[8:])) == 1
    assert len({labels[0], labels[4], labels[8]}) == 3


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stability_is_not_an_accident_of_the_seed(seed):
    assert TopicModel(k_range=(2, 5), max_share=None, random_state=seed).fit(CORPUS).n_topics_ == 3


def test_labels_are_distinct_readable_words(model):
    by_theme = [model.topic_labels_[model.labels_[i]] for i in (0, 4, 8)]
    assert len(set(by_theme)) == 3
    assert "gas" in by_theme[0] and "pipeline" in by_theme[0]  # surface forms, not the stem "pipelin"
    assert "missile" in by_theme[1]
    assert "ceasefire" in by_theme[2] or "idlib" in by_theme[2]
    assert model.topic_labels_[-1] == "(too short)"


def test_short_statements_get_topic_minus_one():
    texts = CORPUS + ["He said so.", "Good things first"]  # 0 and 2 content words < min_words=4
    m = TopicModel(n_topics=3).fit(texts)
    assert m.labels_[-2:].tolist() == [-1, -1]
    assert m.topic_label(m.labels_[-2:]) == ["(too short)", "(too short)"]
    assert (m.labels_[:-2] >= 0).all()


def test_fit_then_predict_new_batches(model):
    new = [
        "Europe wants more pipeline gas from Russia.",
        "Japan and its missile defense systems worry Russia.",
        "Syria: the ceasefire around Idlib holds.",
        "Too short here.",
    ]
    predicted = model.predict(new)
    assert predicted.tolist() == [model.labels_[0], model.labels_[4], model.labels_[8], -1]
    # rows in the reduced space: one column per SVD axis, unit length (what k-means compares)
    Z = model.transform(new)
    assert Z.shape == (4, model.svd_.n_components)
    assert np.linalg.norm(Z[:3], axis=1) == pytest.approx(1.0)


def test_coordinates_put_themes_apart(model):
    xy = model.coordinates(CORPUS)
    assert xy.shape == (12, 2)
    centres = [xy[i : i + 4].mean(axis=0) for i in (0, 4, 8)]
    spread = max(np.linalg.norm(xy[i : i + 4] - centres[k], axis=1).max() for k, i in enumerate((0, 4, 8)))
    gap = min(np.linalg.norm(centres[a] - centres[b]) for a, b in ((0, 1), (0, 2), (1, 2)))
    assert gap > 0 and spread < 2 * gap


def test_no_topic_above_the_largest_share():
    # With a limit of 30%, three themes of a third each cannot stand: one is split in two.
    m = TopicModel(k_range=(2, 5), max_share=0.3, random_state=0).fit(CORPUS)
    assert m.n_split_ >= 1 and m.largest_share_ <= 0.3
    assert np.bincount(m.labels_).max() <= 0.3 * len(CORPUS)
    assert len(set(m.topic_labels_.values())) == len(m.topic_labels_)  # labels stay distinct
    # a fixed n_topics is the user's choice: never split
    assert TopicModel(n_topics=2, max_share=0.3).fit(CORPUS).n_topics_ == 2


def test_a_term_labels_one_topic_only(model):
    words = [w for c, lab in model.topic_labels_.items() if c >= 0 for w in lab.split(" · ")]
    assert len(words) == len(set(words))


def test_batches_do_not_change_predictions(model):
    whole = model.predict(CORPUS)
    parts = np.concatenate([model.predict(CORPUS[:5]), model.predict(CORPUS[5:6]), model.predict(CORPUS[6:])])
    assert whole.tolist() == parts.tolist()
    np.testing.assert_array_equal(model.coordinates(CORPUS), np.vstack([model.coordinates(CORPUS[:7]), model.coordinates(CORPUS[7:])]))


def test_precomputed_stems_give_the_same_answers(model):
    from rhetoric_shift.tokens import content_stems

    stems = [content_stems(t) for t in CORPUS]
    assert model.predict(CORPUS, stems=stems).tolist() == model.predict(CORPUS).tolist()


def test_term_codes_place_statements_exactly_where_their_texts_do(model):
    from rhetoric_shift.tokens import content_stems, term_codes

    # New texts too: one with a word outside the fitted vocabulary, one too short, one empty.
    texts = [*CORPUS, "Gas pipelines and missile defence zeppelins near Japan.", "Missiles.", ""]
    packed = [term_codes(content_stems(t)) for t in texts]
    topics, coords = model.locate(texts)
    by_codes, coords_by_codes = model.locate_terms(packed)
    assert by_codes.tolist() == topics.tolist()
    np.testing.assert_array_equal(coords_by_codes, coords)  # the same floats, not merely close ones
    assert by_codes[-2:].tolist() == [TOO_SHORT, TOO_SHORT]
    assert model.locate_terms([])[0].shape == (0,)
    bigrams = TopicModel(n_topics=2, ngram_range=(1, 2)).fit(CORPUS)
    with pytest.raises(ValueError, match="ngram_range"):
        bigrams.locate_terms(packed)


def test_deterministic_with_random_state():
    a = TopicModel(k_range=(2, 5), random_state=3).fit(CORPUS)
    b = TopicModel(k_range=(2, 5), random_state=3).fit(list(CORPUS))
    assert a.labels_.tolist() == b.labels_.tolist()
    assert a.topic_labels_ == b.topic_labels_
    np.testing.assert_array_equal(a.coordinates(CORPUS), b.coordinates(CORPUS))


def test_fixed_n_topics_and_tiny_corpora():
    assert TopicModel(n_topics=2).fit(CORPUS).n_topics_ == 2
    one = TopicModel().fit([GAS[0]])
    assert one.n_topics_ == 1 and one.labels_.tolist() == [0]
    assert one.coordinates([GAS[0]]).shape == (1, 2)
    # fewer distinct statements than clusters asked for: k shrinks to what the data allows
    assert TopicModel(n_topics=5).fit([GAS[0], GAS[0], MISSILES[0]]).n_topics_ == 2


def test_picklable_for_distributed_apply(model):
    clone = pickle.loads(pickle.dumps(model))
    assert clone.predict(CORPUS).tolist() == model.predict(CORPUS).tolist()


@pytest.mark.parametrize(
    "params, message",
    [
        ({"n_topics": 0}, "The 'n_topics' parameter of TopicModel must be an int >= 1 or None. Got 0 instead."),
        ({"k_range": (1, 4)}, "The 'k_range' parameter of TopicModel must be a pair (low, high) of ints with 2 <= low <= high. Got (1, 4) instead."),
        ({"k_range": (5, 4)}, "Got (5, 4) instead."),
        ({"min_words": 0}, "The 'min_words' parameter of TopicModel must be an int >= 1. Got 0 instead."),
        ({"ngram_range": (0, 1)}, "'ngram_range'"),
        ({"n_topics": 2.5}, "Got 2.5 instead."),
        ({"max_share": 0}, "The 'max_share' parameter of TopicModel must be a float in (0, 1] or None. Got 0 instead."),
        ({"n_runs": 1}, "'n_runs'"),
    ],
)
def test_parameters_are_checked_in_fit(params, message):
    m = TopicModel(**params)
    with pytest.raises(ValueError) as info:
        m.fit(CORPUS)
    assert message in str(info.value)


def test_empty_vocabulary_says_why():
    with pytest.raises(ValueError, match="empty vocabulary.*only contain stop words"):
        TopicModel().fit(["He said that it was so.", "They told us."])


def test_not_fitted():
    with pytest.raises(ValueError, match="not fitted yet"):
        TopicModel().predict(["x"])


def test_adjusted_rand_index_by_hand():
    # Same partition under other names: 1. Rows a,a,b,b against a,b,a,b: the two partitions share
    # no pair (0 pairs together in both), Rand-expected 2*2/6 = 2/3 pairs, max (2+2)/2 = 2: ARI -0.5.
    assert adjusted_rand_index(np.array([0, 0, 1, 1]), np.array([1, 1, 0, 0])) == 1.0
    assert adjusted_rand_index(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])) == pytest.approx(-0.5)
    assert adjusted_rand_index(np.zeros(5, int), np.zeros(5, int)) == 1.0  # one cluster each: the same partition
    assert adjusted_rand_index(np.arange(5), np.arange(5)) == 1.0  # every row apart in both


def test_adjusted_rand_index_equals_scikit_learn():
    from sklearn.metrics import adjusted_rand_score

    rng = np.random.default_rng(0)
    for _ in range(20):
        n = int(rng.integers(2, 300))
        a, b = rng.integers(0, rng.integers(1, 9), n), rng.integers(0, rng.integers(1, 9), n)
        b[: n // 2] = a[: n // 2]  # partly agreeing, so values spread over (0, 1)
        assert adjusted_rand_index(a, b) == pytest.approx(adjusted_rand_score(a, b), abs=1e-12)


def test_distinct_rows_to_nine_decimals():
    Z = np.array([[0.5, 0.0], [0.5, -0.0], [0.5 + 1e-12, 0.0], [0.25, 0.5], [0.25, 0.5]])
    ids = _distinct_rows(Z)
    assert ids[0] == ids[1] == ids[2] and ids[3] == ids[4] and ids[0] != ids[3]
    assert sorted(set(ids.tolist())) == [0, 1]


def test_k_is_chosen_on_at_most_max_stability_sample_statements():
    m = TopicModel(k_range=(2, 4), max_share=None, max_stability_sample=10, random_state=0).fit(CORPUS)
    assert m.n_stability_ == 10 and f"subsamples of {m.n_stability_:,} statements" in m.method_text()
    assert TopicModel(n_topics=3).fit(CORPUS).n_stability_ == 0
