"""The statistics behind every claimed number: intervals, tests and false-discovery control.

In: plain arrays (counts, per-statement values and the remark each statement reports). Out:
floats and tuples. No pandas, no knowledge of the statement table; ``compare`` decides which
statements go in.

Choices, stated once (the Method page and ``compare --json`` print ``METHOD``):

- a share (salience) gets a Wilson score interval; the difference of two shares Newcombe's
  hybrid score interval (his method 10) and a two-sided Fisher exact test;
- a mean (tone, stance) treats each *remark* as the unit of evidence: statements of one
  ``dup_group`` (the same remark printed by two outlets) form one cluster. Its interval is a
  Student t interval with a cluster-robust standard error and (clusters - 1) degrees of freedom
  (with one statement per remark it is the ordinary t interval). Its coverage is measured by
  ``bench/bench_coverage.py``, which resamples remarks from the table's own values; below
  ``MIN_N_FOR_INTERVAL`` remarks the measured coverage falls short and no interval is given;
- the difference of two means gets a permutation test that moves whole remarks between the
  two periods (exact enumeration when there are at most ``n_perm`` arrangements), and a Welch
  interval on the same cluster-robust standard errors;
- p-values of all the changes shown together are adjusted with Benjamini-Hochberg; a change is
  called a rise or a fall only when its adjusted p is below ``ALPHA``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from scipy import stats as _sp

ALPHA = 0.05
LEVEL = 0.95
N_PERM = 4000
# Measured by bench/bench_coverage.py (t interval over remarks, 4000 simulated samples per n,
# drawn from the seed table's tone and stance of officials' remarks): the smallest n of the grid
# at which the nominal 95% interval covered the true mean at least COVERAGE_FLOOR of the time for
# both measures. Rerun the benchmark after changing the interval and update these lines.
COVERAGE_FLOOR = 0.93
MEASURED_COVERAGE: dict[str, dict[int, float]] = {
    "tone": {5: 0.940, 10: 0.951, 20: 0.945, 50: 0.955},
    "stance": {5: 0.927, 10: 0.949, 20: 0.945, 50: 0.947},
}
MIN_N_FOR_INTERVAL = 10
# Above this many remarks in the two periods together, a permutation test is replaced by Welch's t
# test on the same cluster-robust standard errors: with that many remarks the permutation
# distribution of a difference of means is normal to well within the Monte Carlo error of
# N_PERM permutations, and permuting would cost N_PERM x remarks per change.
MAX_PERM_CLUSTERS = 2_000

METHOD: dict[str, str] = {
    "share_interval": "Wilson score interval, 95%",
    "share_difference_interval": "Newcombe hybrid score interval (method 10), 95%",
    "share_test": "Fisher exact test, two-sided",
    "mean_interval": "Student t interval over remarks (cluster-robust standard error, clusters = dup_group, "
    "df = remarks - 1), 95%",
    "mean_difference_interval": "Welch t interval on the cluster-robust standard errors, 95%",
    "mean_test": "permutation test moving whole remarks between the two periods (exact when the arrangements "
    f"are at most {N_PERM}, else {N_PERM} seeded random permutations), two-sided, difference of means; above "
    f"{MAX_PERM_CLUSTERS:,} remarks in the two periods together, Welch's t test on the same cluster-robust standard errors",
    "correction": "Benjamini-Hochberg false discovery rate across every change shown together; "
    f"a change is called a rise or fall only when the adjusted p < {ALPHA}",
}


def wilson_interval(k: int, n: int, level: float = LEVEL) -> tuple[float, float]:
    """Wilson score interval of the share ``k / n``; (nan, nan) when ``n`` is 0."""
    if n <= 0:
        return math.nan, math.nan
    z = _z(level)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


@lru_cache(maxsize=16)
def _z(level: float) -> float:
    # scipy's ppf costs tens of microseconds: a grid of actors x periods asks for the same z thousands of times.
    return float(_sp.norm.ppf((1 + level) / 2))


def share_difference_interval(k1: int, n1: int, k2: int, n2: int, level: float = LEVEL) -> tuple[float, float]:
    """Newcombe's hybrid score interval of ``k2/n2 - k1/n1`` (method 10); nan when a period is empty."""
    if n1 <= 0 or n2 <= 0:
        return math.nan, math.nan
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_interval(k1, n1, level)
    l2, u2 = wilson_interval(k2, n2, level)
    d = p2 - p1
    low = d - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    high = d + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    return max(-1.0, low), min(1.0, high)


def fisher_p(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided Fisher exact p-value for the shares ``k1/n1`` and ``k2/n2``; nan when a period is empty."""
    if n1 <= 0 or n2 <= 0:
        return math.nan
    return float(_sp.fisher_exact([[k1, n1 - k1], [k2, n2 - k2]]).pvalue)


def _clusters(values: Sequence[float], clusters: Sequence[object] | None) -> tuple[np.ndarray, np.ndarray]:
    """Per-cluster sums and sizes of ``values`` (each value its own cluster when ``clusters`` is None)."""
    x = np.asarray(values, dtype=float)
    if clusters is None:
        return x, np.ones_like(x)
    _, codes = np.unique(np.asarray(clusters, dtype=object).astype(str), return_inverse=True)
    return np.bincount(codes, weights=x), np.bincount(codes).astype(float)


def cluster_se(values: Sequence[float], clusters: Sequence[object] | None = None) -> tuple[float, float, int]:
    """Mean of ``values``, its cluster-robust standard error and the number of clusters.

    SE^2 = G/(G-1) * sum_g (sum_{i in g} (x_i - mean))^2 / N^2, which is s^2/n when every
    cluster holds one value. (nan, nan, G) below two clusters.
    """
    sums, sizes = _clusters(values, clusters)
    g, n = sums.size, sizes.sum()
    if g == 0:
        return math.nan, math.nan, 0
    mean = float(sums.sum() / n)
    resid = sums - sizes * mean
    return mean, cluster_se_from(float(np.sum(resid**2)), float(n), g), g


def cluster_se_from(resid_ss: float, n: float, g: int) -> float:
    """The cluster-robust SE from sufficient statistics: ``resid_ss`` = sum over clusters of
    (cluster sum - cluster size * mean)^2, ``n`` values in ``g`` clusters; nan below two clusters."""
    if g < 2:
        return math.nan
    return float(math.sqrt(g / (g - 1) * resid_ss / n**2))


def mean_interval(
    values: Sequence[float],
    clusters: Sequence[object] | None = None,
    level: float = LEVEL,
    min_n: int | None = None,
) -> tuple[float, float, float]:
    """Mean of ``values`` and its t interval over clusters (remarks): (mean, low, high).

    No interval (nan, nan) below ``min_n`` clusters (default ``MIN_N_FOR_INTERVAL``), where the
    measured coverage falls short of the promise; the mean is nan for no values.
    """
    mean, se, g = cluster_se(values, clusters)
    return _interval(mean, se, g, level, min_n)


def mean_interval_from(mean: float, resid_ss: float, n: int, g: int, level: float = LEVEL,
                       min_n: int | None = None) -> tuple[float, float, float]:
    """``mean_interval`` from sufficient statistics (see ``cluster_se_from``): what a SQL aggregate gives."""
    return _interval(mean, cluster_se_from(resid_ss, n, g) if g else math.nan, g, level, min_n)


def _interval(mean: float, se: float, g: int, level: float, min_n: int | None) -> tuple[float, float, float]:
    if g < (MIN_N_FOR_INTERVAL if min_n is None else min_n) or not math.isfinite(se):
        return mean, math.nan, math.nan
    t = float(_sp.t.ppf((1 + level) / 2, g - 1))
    return mean, mean - t * se, mean + t * se


def mean_difference_interval(
    x: Sequence[float], y: Sequence[float], cx: Sequence[object] | None = None, cy: Sequence[object] | None = None,
    level: float = LEVEL, min_n: int | None = None,
) -> tuple[float, float]:
    """Welch interval of mean(y) - mean(x) on cluster-robust SEs; nan below ``min_n`` clusters in either."""
    mx, sx, gx = cluster_se(x, cx)
    my, sy, gy = cluster_se(y, cy)
    return difference_interval_from(mx, sx, gx, my, sy, gy, level, min_n)


def difference_interval_from(mx: float, sx: float, gx: int, my: float, sy: float, gy: int, level: float = LEVEL,
                             min_n: int | None = None) -> tuple[float, float]:
    """``mean_difference_interval`` from each side's mean, cluster-robust SE and number of clusters."""
    floor = MIN_N_FOR_INTERVAL if min_n is None else min_n
    if min(gx, gy) < floor or not (math.isfinite(sx) and math.isfinite(sy)):
        return math.nan, math.nan
    vx, vy = sx**2, sy**2
    if vx + vy == 0:
        return my - mx, my - mx
    df = (vx + vy) ** 2 / (vx**2 / (gx - 1) + vy**2 / (gy - 1))
    t = float(_sp.t.ppf((1 + level) / 2, df))
    half = t * math.sqrt(vx + vy)
    return my - mx - half, my - mx + half


def permutation_p(
    x: Sequence[float],
    y: Sequence[float],
    cx: Sequence[object] | None = None,
    cy: Sequence[object] | None = None,
    n_perm: int = N_PERM,
    random_state: int | Sequence[int] = 0,
) -> float:
    """Two-sided permutation p-value of mean(y) - mean(x), moving whole clusters (remarks).

    Under no change, which period a remark fell in is arbitrary; every arrangement of the
    remarks into groups of the observed sizes is enumerated when there are at most ``n_perm``,
    else ``n_perm`` seeded random ones are drawn and p = (1 + hits) / (1 + n_perm). nan when a
    side has no remark.
    """
    sx, nx = _clusters(x, cx)
    sy, ny = _clusters(y, cy)
    return permutation_p_sums(sx, nx, sy, ny, n_perm=n_perm, random_state=random_state)


def permutation_p_sums(
    sx: np.ndarray, nx: np.ndarray, sy: np.ndarray, ny: np.ndarray, n_perm: int = N_PERM,
    random_state: int | Sequence[int] = 0,
) -> float:
    """``permutation_p`` from each remark's sum and size (in the order of the remarks' ids, as ``permutation_p`` sorts them)."""
    sx, nx, sy, ny = (np.asarray(a, dtype=float) for a in (sx, nx, sy, ny))
    gx, gy = sx.size, sy.size
    if gx == 0 or gy == 0:
        return math.nan
    sums, sizes = np.concatenate([sx, sy]), np.concatenate([nx, ny])
    observed = abs(sy.sum() / ny.sum() - sx.sum() / nx.sum())
    g = gx + gy
    exact = math.comb(g, gx) <= n_perm
    if exact:
        picks = np.zeros((math.comb(g, gx), g), dtype=bool)
        for row, chosen in enumerate(itertools.combinations(range(g), gx)):
            picks[row, list(chosen)] = True
        return _count_hits(picks, sums, sizes, observed) / len(picks)
    # Each draw shuffles the remarks (numpy's Fisher-Yates, O(g)) and takes the first k as one group:
    # a uniform random arrangement. The statistic is |difference|, so either group may be the one
    # drawn; the smaller (k = min(gx, gy)) costs the least to sum.
    rng = np.random.default_rng(random_state)
    k = min(gx, gy)
    order = np.arange(g, dtype=np.int32)
    total_s, total_n = float(sums.sum()), float(sizes.sum())
    hits, chunk = 0, max(1, 2_000_000 // g)  # bound memory: chunk x g indices at a time
    for start in range(0, n_perm, chunk):
        drawn = rng.permuted(np.broadcast_to(order, (min(chunk, n_perm - start), g)), axis=1)[:, :k]
        a_s, a_n = sums[drawn].sum(axis=1), sizes[drawn].sum(axis=1)
        diffs = np.abs((total_s - a_s) / (total_n - a_n) - a_s / a_n)
        hits += int(np.sum(diffs >= observed - 1e-12))
    return (1 + hits) / (1 + n_perm)


def welch_p_from(mx: float, sx: float, gx: int, my: float, sy: float, gy: int) -> float:
    """Two-sided Welch t-test p of mean(y) - mean(x) from each side's mean, cluster-robust SE and clusters."""
    if min(gx, gy) < 2 or not (math.isfinite(sx) and math.isfinite(sy)):
        return math.nan
    vx, vy = sx**2, sy**2
    if vx + vy == 0:
        return 1.0 if my == mx else 0.0
    df = (vx + vy) ** 2 / (vx**2 / (gx - 1) + vy**2 / (gy - 1))
    return float(2 * _sp.t.sf(abs(my - mx) / math.sqrt(vx + vy), df))


def _count_hits(picks: np.ndarray, sums: np.ndarray, sizes: np.ndarray, observed: float) -> int:
    """How many arrangements (rows of ``picks``: True = first group) differ at least as much as observed."""
    a_s, a_n = picks @ sums, picks @ sizes
    diffs = np.abs((sums.sum() - a_s) / (sizes.sum() - a_n) - a_s / a_n)
    return int(np.sum(diffs >= observed - 1e-12))


def benjamini_hochberg(pvalues: Sequence[float]) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values, in input order; nan stays nan and is not counted."""
    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, math.nan)
    ok = np.flatnonzero(np.isfinite(p))
    m = ok.size
    if m == 0:
        return out
    order = ok[np.argsort(p[ok], kind="stable")]
    ranked = p[order] * m / np.arange(1, m + 1)
    out[order] = np.minimum(1.0, np.minimum.accumulate(ranked[::-1])[::-1])
    return out


def z_pvalue(z: float) -> float:
    """Two-sided normal p-value of a z-score."""
    return float(math.erfc(abs(z) / math.sqrt(2)))
