"""The statistics module: intervals, tests and the correction, against values worked out by hand or published."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rhetoric_shift import stats


def test_wilson_interval_matches_the_published_values():
    # 0 of 10: (0, 0.2775); 5 of 10: (0.2366, 0.7634) (Newcombe 1998, Table I, cases worked the same way)
    assert stats.wilson_interval(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)
    assert stats.wilson_interval(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert all(math.isnan(v) for v in stats.wilson_interval(0, 0))


def test_newcombe_difference_interval_matches_his_example():
    # Newcombe (1998), method 10: 56/70 against 48/80, difference 0.2, interval 0.0524 to 0.3339
    assert stats.share_difference_interval(48, 80, 56, 70) == pytest.approx((0.0524, 0.3339), abs=1e-4)


def test_fisher_exact_on_the_tea_tasting_table():
    # [[3, 0], [0, 3]]: 2 of the 20 arrangements are this extreme, p = 0.1
    assert stats.fisher_p(3, 3, 0, 3) == pytest.approx(0.1)
    assert math.isnan(stats.fisher_p(0, 0, 1, 2))


def test_cluster_robust_standard_error_by_hand():
    # one value per cluster: s / sqrt(n); s of 1, 2, 3, 4 is 1.290994
    mean, se, g = stats.cluster_se([1, 2, 3, 4])
    assert (mean, g) == (2.5, 4) and se == pytest.approx(1.290994 / 2)
    # [1, 1] one remark, [3] another: mean 5/3; cluster residual sums -4/3 and 4/3;
    # SE^2 = 2/1 * (16/9 + 16/9) / 3^2 = 64/81, SE = 8/9
    mean, se, g = stats.cluster_se([1, 1, 3], ["a", "a", "b"])
    assert mean == pytest.approx(5 / 3) and se == pytest.approx(8 / 9) and g == 2


def test_mean_interval_is_a_t_interval_over_remarks_from_the_minimum():
    values = np.arange(10.0)  # mean 4.5, s 3.027650, t(0.975, 9) = 2.262157
    mean, low, high = stats.mean_interval(values, min_n=10)
    half = 2.262157 * 3.027650 / math.sqrt(10)
    assert (mean, low, high) == pytest.approx((4.5, 4.5 - half, 4.5 + half), abs=1e-5)
    mean, low, high = stats.mean_interval(values[:5], min_n=10)
    assert mean == 2.0 and math.isnan(low) and math.isnan(high)
    # ten reports of five remarks are five pieces of evidence: no interval
    assert math.isnan(stats.mean_interval(values, np.repeat(np.arange(5), 2), min_n=10)[1])


def test_the_interval_minimum_is_where_measured_coverage_holds():
    # for each measure, the smallest n from which every measured n keeps the floor; intervals start at the larger
    def holds_from(by_n: dict[int, float]) -> int:
        return min(n for n in by_n if all(c >= stats.COVERAGE_FLOOR for k, c in by_n.items() if k >= n))

    assert stats.MIN_N_FOR_INTERVAL == max(holds_from(by_n) for by_n in stats.MEASURED_COVERAGE.values())


def test_t_interval_coverage_on_a_skewed_population():
    # 2000 samples of 10 from a two-point population (0.9 with probability 0.3, else -0.1), much like
    # VADER's spikes: the interval should cover the true mean 0.2 at least 92% of the time (the binomial
    # standard error of 2000 trials is 0.5 points).
    rng = np.random.default_rng(7)
    hits = 0
    for _ in range(2000):
        sample = np.where(rng.random(10) < 0.3, 0.9, -0.1)
        _, low, high = stats.mean_interval(sample, min_n=10)
        hits += low <= 0.2 <= high
    assert hits / 2000 >= 0.92


def test_permutation_p_is_exact_for_small_samples_and_seeded_otherwise():
    # x = 0, 0 and y = 1, 1: of the six ways to split four values in two, two are as extreme
    assert stats.permutation_p([0, 0], [1, 1]) == pytest.approx(2 / 6)
    rng = np.random.default_rng(0)
    x, y = rng.normal(0, 1, 40), rng.normal(2, 1, 40)
    p = stats.permutation_p(x, y, n_perm=999, random_state=3)
    assert p == pytest.approx(1 / 1000) and p == stats.permutation_p(x, y, n_perm=999, random_state=3)
    same = stats.permutation_p(rng.normal(0, 1, 30), rng.normal(0, 1, 30), n_perm=999)
    assert same > 0.01
    assert math.isnan(stats.permutation_p([], [1.0]))


def test_benjamini_hochberg_by_hand():
    # sorted 0.005, 0.01, 0.03, 0.04 (m = 4): 0.02, 0.02, 0.04, 0.04 after the step-up minimum
    assert stats.benjamini_hochberg([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    out = stats.benjamini_hochberg([math.nan, 0.5])
    assert math.isnan(out[0]) and out[1] == 0.5
    assert stats.benjamini_hochberg([0.9, 0.95]).tolist() == [0.95, 0.95]


def test_random_permutations_match_the_hypergeometric_p():
    # x = 1, 1, 0 and y = one 1 among 29 values: 3 ones among 32 remarks, C(32, 3) = 4960 arrangements,
    # more than 4000, so the p is drawn. A group of three holding j ones differs from the rest by
    # |j/3 - (3-j)/29|: 0.10, 0.26, 0.60, 1.0 for j = 0..3, and the observed 2/3 - 1/29 = 0.60 is j = 2.
    # So p = P(j >= 2) = (C(3,2) C(29,1) + C(3,3)) / C(32,3) = 88 / 4960 = 0.0177; the Monte Carlo
    # standard error of 4000 draws is 0.0021. Either side may be x: the test is two-sided.
    x, y = [1.0, 1.0, 0.0], [1.0] + [0.0] * 28
    assert math.comb(32, 3) > stats.N_PERM
    assert stats.permutation_p(x, y, random_state=1) == pytest.approx(88 / 4960, abs=0.009)
    assert stats.permutation_p(y, x, random_state=2) == pytest.approx(88 / 4960, abs=0.009)
    # Eight and eight remarks, 3 ones against 5: |8 - 2j| / 8 >= 2/8 unless the drawn eight hold 4 of
    # the 8 ones, so p = 1 - C(8,4)^2 / C(16,8) = 1 - 4900 / 12870 = 0.619 (standard error 0.008).
    x, y = [1.0] * 3 + [0.0] * 5, [1.0] * 5 + [0.0] * 3
    assert stats.permutation_p(x, y, random_state=3) == pytest.approx(1 - 4900 / 12870, abs=0.03)


def test_random_permutations_move_whole_remarks():
    # Two remarks of sizes 3 and 1 against 30 single ones: the drawn group's mean weighs each remark by
    # its size, so a sum-and-size draw equals drawing from the values, clustered. With x's remarks
    # (0,0,0) and (0) and y all 1: only the arrangements putting x's two remarks apart from every 1 are as
    # extreme, and they are 1 of C(32, 2) = 496 (exact) -> p = 1/496; forced random (n_perm=400 < 496):
    # (1+hits)/401 with hits ~ Poisson(400/496), above 4 once in 700 seeds.
    cx, x = ["a", "a", "a", "b"], [0.0, 0.0, 0.0, 0.0]
    y = [1.0] * 30
    assert stats.permutation_p(x, y, cx, None) == pytest.approx(1 / 496)
    assert stats.permutation_p(x, y, cx, None, n_perm=400, random_state=0) <= 5 / 401
