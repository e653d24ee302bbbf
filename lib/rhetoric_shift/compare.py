"""Comparisons of a target across periods: the numbers behind the position cards.

Which statements count (stated once here, shown on the Method page):

- salience: n_target / n_statements, where n_statements is every statement of the period
  (all kinds: the issue defines salience as "statements naming the target over all statements
  of the period"; pass ``kinds`` to narrow both counts) and n_target those whose own
  ``targets`` contain the target;
- tone, stance, distinctive terms and centroids: the officials' words about the target, i.e.
  statements of kind ``direct`` or ``reported`` whose ``targets`` or ``context_targets``
  contain it (a quotation under a heading "On Ukraine" is about Ukraine);
- representative quotes: of those, statements that name the target themselves and whose speaker
  is not the press, nearest the period's TF-IDF centroid, one per duplicate group.

``by="report"`` counts every row; ``by="remark"`` first keeps one row per ``dup_group``
(``duplicates.unique_remarks``), so a remark printed by RT and by Sputnik counts once.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from rhetoric_shift.duplicates import unique_remarks
from rhetoric_shift.schema import PRESS, PRIMARY_TARGETS
from rhetoric_shift.tokens import StemAnalyzer, content_stems, count_stems, stem, surface_forms

# How rows are counted, and how the dashboard and the cards name each way.
BY_LABELS = {"report": "every report", "remark": "each unique remark once"}
BY = tuple(BY_LABELS)
MEASURES = ("tone", "stance")
OFFICIAL_KINDS = ("direct", "reported")
# Below this many statements a bootstrap interval is not shown: resampling two or three values
# gives an interval that looks precise (two equal values give [+1.00, +1.00]) but says nothing
# of how the mean would vary in another sample of the same period.
MIN_N_FOR_INTERVAL = 5
NO_INTERVAL = "too few statements for an interval"


# --- selections -------------------------------------------------------------------------------


def check_by(by: str) -> None:
    """Raise ValueError listing the allowed values when ``by`` is not one of ``BY``."""
    if by not in BY:
        raise ValueError(f"Unknown by={by!r}; allowed: {', '.join(BY)}")


def counted_rows(table: pd.DataFrame, by: str = "report") -> pd.DataFrame:
    """The rows that count: all of them (``by="report"``) or one per dup_group (``by="remark"``)."""
    check_by(by)
    return table if by == "report" else unique_remarks(table)


def names_target(table: pd.DataFrame, target: str, column: str = "targets") -> np.ndarray:
    """True for statements whose ``column`` holds ``target``.

    ``targets`` (the default) are those the statement names itself: the rule salience and a
    salience cell's drill-down count by; ``context_targets`` those it inherits from a heading.
    """
    return np.array([target in list(v) for v in table[column]], dtype=bool)


def target_statements(table: pd.DataFrame, target: str, by: str = "report") -> pd.DataFrame:
    """The officials' statements about ``target``: kind direct/reported, target in targets or context_targets."""
    rows = counted_rows(table, by)
    about = names_target(rows, target) | names_target(rows, target, "context_targets")
    return rows[about & rows["kind"].isin(OFFICIAL_KINDS).to_numpy()]


def known_targets(table: pd.DataFrame) -> list[str]:
    """The targets one may ask about: the primary targets, then every other label the table holds.

    The primary targets are always there (they are the study's question; a period or filter
    without them gives counts of zero, not an error); the others are those found in the
    statements' ``targets`` or ``context_targets``, most often found first (ties alphabetical).
    This is the one list the dashboard offers, the URL accepts and ``check_target`` allows.
    """
    counts = Counter(t for col in ("targets", "context_targets") for v in table[col] for t in v)
    others = sorted((t for t in counts if t not in PRIMARY_TARGETS), key=lambda t: (-counts[t], t))
    return list(PRIMARY_TARGETS) + others


def known_periods(table: pd.DataFrame) -> list[int]:
    """The periods present in the table, ascending."""
    return sorted(int(p) for p in table["period"].unique())


def check_target(table: pd.DataFrame, target: str) -> None:
    """Raise ValueError listing the allowed targets when ``target`` is not one of them."""
    allowed = known_targets(table)
    if target not in allowed:
        raise ValueError(f"Unknown target {target!r}; allowed: {', '.join(allowed)}")


def check_periods(table: pd.DataFrame, periods: Sequence[int]) -> list[int]:
    """The requested periods, sorted and unique; ValueError listing the allowed ones otherwise."""
    allowed = known_periods(table)
    wanted = list(periods)
    bad = [p for p in wanted if not isinstance(p, Integral) or isinstance(p, bool) or int(p) not in allowed]
    if bad or not wanted:
        got = f"unknown period(s) {', '.join(map(str, bad))}" if bad else "no periods"
        raise ValueError(f"{got}; allowed: {', '.join(map(str, allowed)) or '(the table is empty)'}")
    return sorted({int(p) for p in wanted})


# --- salience and measures --------------------------------------------------------------------


def salience_by_period(
    table: pd.DataFrame,
    targets: Sequence[str] | None = None,
    by: str = "report",
    kinds: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Share of each period's statements that name each target.

    Columns: target, period, n_target (statements whose ``targets`` contain it), n_statements
    (all statements of the period, or of ``kinds`` when given), salience = n_target / n_statements.
    ``targets`` defaults to ``known_targets(table)``. One row per target and period, sorted.
    """
    rows = counted_rows(table, by)
    if kinds is not None:
        rows = rows[rows["kind"].isin(list(kinds))]
    targets = list(targets) if targets is not None else known_targets(table)
    for t in targets:
        check_target(table, t)
    periods = known_periods(table)
    records = []
    totals = rows.groupby("period").size()
    for t in targets:
        named = rows[names_target(rows, t)].groupby("period").size()
        for p in periods:
            n_all, n_t = int(totals.get(p, 0)), int(named.get(p, 0))
            records.append({"target": t, "period": p, "n_target": n_t, "n_statements": n_all,
                            "salience": n_t / n_all if n_all else math.nan})
    return pd.DataFrame(records, columns=["target", "period", "n_target", "n_statements", "salience"])


def bootstrap_mean(values: Sequence[float], n_boot: int = 2000, random_state: int | Sequence[int] = 0,
                   level: float = 0.95) -> tuple[float, float, float]:
    """Mean of ``values`` and its percentile-bootstrap interval at ``level``.

    ``n_boot`` resamples with replacement; the interval is the (1-level)/2 and (1+level)/2
    percentiles of the resampled means. Fewer than ``MIN_N_FOR_INTERVAL`` values: the mean (NaN
    for none) and a NaN interval, since so few values say next to nothing about spread.
    """
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        return math.nan, math.nan, math.nan
    mean = float(x.mean())
    if x.size < MIN_N_FOR_INTERVAL:
        return mean, math.nan, math.nan
    rng = np.random.default_rng(random_state)
    means = np.empty(n_boot)
    chunk = max(1, 2_000_000 // x.size)  # bound memory: n_boot x n indices at most ~2e6 at a time
    for start in range(0, n_boot, chunk):
        stop = min(n_boot, start + chunk)
        means[start:stop] = x[rng.integers(0, x.size, size=(stop - start, x.size))].mean(axis=1)
    tail = (1 - level) / 2 * 100
    lo, hi = np.percentile(means, [tail, 100 - tail])
    return mean, float(lo), float(hi)


def measure_by_period(
    table: pd.DataFrame,
    target: str,
    measure: str = "tone",
    n_boot: int = 2000,
    random_state: int = 0,
    by: str = "report",
    periods: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Mean tone or stance of the officials' statements about ``target``, per period, with 95% CI.

    Columns: period, n, mean, ci_low, ci_high (percentile bootstrap; NaN below
    ``MIN_N_FOR_INTERVAL`` statements, see ``bootstrap_mean``). Each period's resampling is
    seeded by (random_state, period), so a period's interval does not depend on which other
    periods are asked for.
    """
    if measure not in MEASURES:
        raise ValueError(f"Unknown measure {measure!r}; allowed: {', '.join(MEASURES)}")
    check_target(table, target)
    periods = check_periods(table, periods) if periods is not None else known_periods(table)
    rows = target_statements(table, target, by)
    records = []
    for p in periods:
        values = rows.loc[rows["period"] == p, measure].to_numpy(dtype=float)
        mean, lo, hi = bootstrap_mean(values, n_boot, [random_state, p])
        records.append({"period": p, "n": int(values.size), "mean": mean, "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(records, columns=["period", "n", "mean", "ci_low", "ci_high"])


# --- words ------------------------------------------------------------------------------------


def log_odds_z(counts_a: Counter[str], counts_b: Counter[str], prior: dict[str, float], alpha0: float) -> dict[str, float]:
    """Weighted log-odds ratio z-scores with an informative Dirichlet prior (Monroe et al. 2008, eq. 16-22).

    For each word w of ``prior`` with pseudo-count a_w (summing to ``alpha0`` over the background
    vocabulary): delta_w = log[(y_aw + a_w) / (n_a + alpha0 - y_aw - a_w)] - the same for b;
    var ~ 1/(y_aw + a_w) + 1/(y_bw + a_w); z = delta / sqrt(var). Positive: more typical of a.
    """
    n_a, n_b = sum(counts_a.values()), sum(counts_b.values())
    z = {}
    for w, a in prior.items():
        ya, yb = counts_a.get(w, 0), counts_b.get(w, 0)
        delta = math.log((ya + a) / (n_a + alpha0 - ya - a)) - math.log((yb + a) / (n_b + alpha0 - yb - a))
        z[w] = delta / math.sqrt(1 / (ya + a) + 1 / (yb + a))
    return z


def distinctive_terms(
    table: pd.DataFrame,
    target: str,
    period: int,
    *,
    periods: Sequence[int] | None = None,
    by: str = "report",
    n_terms: int | None = None,
    alpha0: float | None = None,
) -> pd.DataFrame:
    """Words of the officials' statements about ``target`` typical of ``period`` against the others.

    "The others" pools the statements of the other ``periods`` (default: every other period of
    the table). The prior is the whole table's word frequencies (every statement, every kind),
    scaled to ``alpha0`` pseudo-counts; by default alpha0 = the number of words being compared,
    so the prior weighs as much as the data and a word seen once or twice cannot top the list.
    Columns: term (most frequent surface form), stem, z, n_period, n_other; sorted by z
    descending (ties by term), first ``n_terms`` rows when given. The target's own name
    ("ukraine" for Ukraine) is counted but not listed: every statement about it names it, so how
    often says more about the outlet's style than about the position.
    """
    check_target(table, target)
    chosen = check_periods(table, periods if periods is not None else known_periods(table))
    (period,) = check_periods(table, [period])
    rows = target_statements(table, target, by)
    rows = rows[rows["period"].isin(chosen)]
    mine = count_stems(rows.loc[rows["period"] == period, "text"].tolist())
    other = count_stems(rows.loc[rows["period"] != period, "text"].tolist())
    columns = ["term", "stem", "z", "n_period", "n_other"]
    vocab = set(mine) | set(other)
    if not vocab:
        return pd.DataFrame(columns=columns)
    background = count_stems(counted_rows(table, by)["text"].tolist())
    total = sum(background.values())
    a0 = float(alpha0) if alpha0 is not None else float(sum(mine.values()) + sum(other.values()))
    prior = {w: a0 * background[w] / total for w in vocab}
    z = log_odds_z(mine, other, prior, a0)
    forms = surface_forms(rows["text"].tolist())
    own_name = {stem(word) for word in re.findall(r"[a-z]+", target.lower())}
    frame = pd.DataFrame(
        [(forms.get(w, w), w, z[w], mine.get(w, 0), other.get(w, 0)) for w in vocab if w not in own_name], columns=columns
    ).sort_values(["z", "term"], ascending=[False, True], kind="stable", ignore_index=True)
    return frame.head(n_terms) if n_terms is not None else frame


@dataclass(frozen=True)
class TermShift:
    """Words that appear (``new``) or disappear (``dropped``) between two consecutive periods."""

    from_period: int
    to_period: int
    new: list[str]
    dropped: list[str]


def term_shifts(rows: pd.DataFrame, periods: Sequence[int], n_terms: int = 10, min_count: int = 2) -> list[TermShift]:
    """For consecutive ``periods``: words used at least ``min_count`` times in one and never in the other.

    ``rows``: the statements to compare (e.g. ``target_statements``). Most frequent first.
    """
    forms = surface_forms(rows["text"].tolist())
    counts = {p: count_stems(rows.loc[rows["period"] == p, "text"].tolist()) for p in periods}

    def appearing(a: Counter[str], b: Counter[str]) -> list[str]:
        words = sorted((w for w, c in b.items() if c >= min_count and w not in a), key=lambda w: (-b[w], forms.get(w, w)))
        return [forms.get(w, w) for w in words[:n_terms]]

    return [
        TermShift(p0, p1, appearing(counts[p0], counts[p1]), appearing(counts[p1], counts[p0]))
        for p0, p1 in zip(periods, periods[1:])
    ]


# --- centroids and quotes ---------------------------------------------------------------------


@dataclass
class _TargetSpace:
    """TF-IDF rows of the statements about a target, and their period centroids."""

    rows: pd.DataFrame
    X: object  # sparse, L2-normalised rows

    @classmethod
    def build(cls, rows: pd.DataFrame) -> _TargetSpace:
        texts = rows["text"].tolist()
        if not any(content_stems(t) for t in texts):
            return cls(rows, None)
        return cls(rows, TfidfVectorizer(analyzer=StemAnalyzer(), sublinear_tf=True).fit_transform(texts))

    def centroid(self, period: int) -> np.ndarray | None:
        mask = (self.rows["period"] == period).to_numpy()
        if self.X is None or not mask.any():
            return None
        return np.asarray(self.X[mask].mean(axis=0)).ravel()

    def similarity(self, periods: Sequence[int]) -> list[list[float]]:
        cents = [self.centroid(p) for p in periods]
        return [[_cosine(a, b) for b in cents] for a in cents]

    def quotes(self, period: int, target: str, n: int) -> pd.DataFrame:
        centroid = self.centroid(period)
        rows = self.rows
        ok = ((rows["period"] == period).to_numpy() & names_target(rows, target)
              & (rows["speaker"].fillna("") != PRESS).to_numpy())
        if centroid is None or not ok.any() or not np.linalg.norm(centroid):
            return _quote_frame([])
        scores = np.asarray(self.X[ok] @ centroid).ravel() / np.linalg.norm(centroid)
        picked = rows[ok].assign(similarity=scores).sort_values(["similarity", "statement_id"], ascending=[False, True])
        return _quote_frame(picked.drop_duplicates("dup_group").head(n).to_dict("records"))


def _cosine(a: np.ndarray | None, b: np.ndarray | None) -> float:
    if a is None or b is None or not np.linalg.norm(a) or not np.linalg.norm(b):
        return math.nan
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


QUOTE_COLUMNS = ["statement_id", "text", "speaker", "source", "date", "similarity"]


def _quote_frame(records: list[dict]) -> pd.DataFrame:
    out = [{"statement_id": str(r["statement_id"]), "text": str(r["text"]),
            "speaker": "" if pd.isna(r["speaker"]) else str(r["speaker"]), "source": str(r["source"]),
            "date": "" if pd.isna(r["date"]) else pd.Timestamp(r["date"]).date().isoformat(),
            "similarity": float(r["similarity"])} for r in records]
    return pd.DataFrame(out, columns=QUOTE_COLUMNS)


def representative_statements(table: pd.DataFrame, target: str, period: int, n: int = 3, by: str = "report") -> pd.DataFrame:
    """The ``n`` officials' statements naming ``target`` nearest the period's TF-IDF centroid.

    Columns: statement_id, text, speaker, source, date (ISO or ""), similarity (cosine to the
    centroid). Never questions, context or the press; one statement per duplicate group.
    """
    check_target(table, target)
    (period,) = check_periods(table, [period])
    return _TargetSpace.build(target_statements(table, target, by)).quotes(period, target, n)


def centroid_similarity(table: pd.DataFrame, target: str, periods: Sequence[int] | None = None, by: str = "report") -> pd.DataFrame:
    """Cosine similarity of the periods' TF-IDF centroids of the statements about ``target`` (NaN: no statements)."""
    check_target(table, target)
    periods = check_periods(table, periods) if periods is not None else known_periods(table)
    sims = _TargetSpace.build(target_statements(table, target, by)).similarity(periods)
    return pd.DataFrame(sims, index=periods, columns=periods)


# --- the comparison ---------------------------------------------------------------------------


@dataclass
class PeriodCard:
    """Everything the position card of one period shows."""

    period: int
    n_statements: int
    n_target: int
    salience: float
    n_measured: int  # statements about the target behind tone and stance
    tone_mean: float
    tone_ci: tuple[float, float]
    stance_mean: float
    stance_ci: tuple[float, float]
    terms: list[tuple[str, float]]
    quotes: list[dict[str, str]]


@dataclass
class Comparison:
    """A target compared across periods. ``to_dict`` gives the JSON of ``rhetoric-shift compare --json``."""

    target: str
    by: str
    periods: list[PeriodCard]
    similarity: list[list[float]]
    shifts: list[TermShift] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Plain, JSON-serialisable data in the documented shape; NaN becomes None (null)."""
        return {
            "target": self.target,
            "periods": [
                {
                    "period": int(c.period),
                    "n_statements": int(c.n_statements),
                    "n_target": int(c.n_target),
                    "salience": _num(c.salience),
                    "tone_mean": _num(c.tone_mean),
                    "tone_ci": [_num(v) for v in c.tone_ci],
                    "stance_mean": _num(c.stance_mean),
                    "stance_ci": [_num(v) for v in c.stance_ci],
                    "terms": [{"term": t, "z": _num(z)} for t, z in c.terms],
                    "quotes": [{k: q[k] for k in ("statement_id", "text", "speaker", "source", "date")} for q in c.quotes],
                }
                for c in self.periods
            ],
            "similarity": [[_num(v) for v in row] for row in self.similarity],
        }


def _num(value: float) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value), 6)


def compare_positions(
    table: pd.DataFrame,
    target: str,
    periods: Sequence[int],
    *,
    by: str = "report",
    n_boot: int = 2000,
    n_terms: int = 10,
    n_quotes: int = 3,
    random_state: int = 0,
) -> Comparison:
    """Position cards of ``target`` for each of ``periods`` (sorted), and how they differ.

    Distinctive terms compare each period with the other requested periods pooled.
    Raises ValueError listing the allowed values for an unknown target, period or ``by``.
    """
    check_target(table, target)
    periods = check_periods(table, periods)
    check_by(by)
    salience = salience_by_period(table, [target], by).set_index("period")
    measures = {m: measure_by_period(table, target, m, n_boot, random_state, by, periods).set_index("period") for m in MEASURES}
    rows = target_statements(table, target, by)
    rows = rows[rows["period"].isin(periods)]
    space = _TargetSpace.build(rows)
    cards = []
    for p in periods:
        terms = distinctive_terms(table, target, p, periods=periods, by=by, n_terms=n_terms) if len(periods) > 1 else pd.DataFrame(columns=["term", "z"])
        tone_row, stance_row = measures["tone"].loc[p], measures["stance"].loc[p]
        cards.append(PeriodCard(
            period=p,
            n_statements=int(salience.loc[p, "n_statements"]),
            n_target=int(salience.loc[p, "n_target"]),
            salience=float(salience.loc[p, "salience"]),
            n_measured=int(tone_row["n"]),
            tone_mean=float(tone_row["mean"]),
            tone_ci=(float(tone_row["ci_low"]), float(tone_row["ci_high"])),
            stance_mean=float(stance_row["mean"]),
            stance_ci=(float(stance_row["ci_low"]), float(stance_row["ci_high"])),
            terms=[(str(t), float(z)) for t, z in zip(terms["term"], terms["z"])],
            quotes=space.quotes(p, target, n_quotes).drop(columns="similarity").to_dict("records"),
        ))
    return Comparison(target, by, cards, space.similarity(periods), term_shifts(rows, periods, n_terms))


# --- text card --------------------------------------------------------------------------------


def format_mean(mean: float, ci: tuple[float, float], n: int) -> str:
    """A mean with its 95% interval and sample size, as every view writes it.

    "+0.12 (95% CI -0.05 to +0.30, n=14)"; "+0.12 (n=3, too few statements for an interval)"
    below ``MIN_N_FOR_INTERVAL``; "n/a (no statements)" for none.
    """
    if n == 0 or mean is None or math.isnan(mean):
        return "n/a (no statements)"
    low, high = ci
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return f"{mean:+.2f} (n={n}, {NO_INTERVAL})"
    return f"{mean:+.2f} (95% CI {low:+.2f} to {high:+.2f}, n={n})"


def _card_lines(c: PeriodCard, target: str) -> list[str]:
    share = "n/a" if math.isnan(c.salience) else f"{c.salience:.1%}"
    lines = [
        f"{c.period}",
        f"  Salience  {share} ({c.n_target} of {c.n_statements} statements name {target})",
        f"  Tone      {format_mean(c.tone_mean, c.tone_ci, c.n_measured)}",
        f"  Stance    {format_mean(c.stance_mean, c.stance_ci, c.n_measured)}",
        "  Distinctive terms: " + (", ".join(f"{t} ({z:+.2f})" for t, z in c.terms) or "none"),
        "  Representative quotes:" if c.quotes else "  Representative quotes: none",
    ]
    for q in c.quotes:
        who = ", ".join(v for v in (q["speaker"], q["source"], q["date"] or "undated") if v)
        text = q["text"] if q["text"][:1] in "\"“" else f"“{q['text']}”"
        lines.append(f"    {text}\n      ({who}; {q['statement_id']})")
    return lines


def format_comparison(comparison: Comparison) -> str:
    """A plain-text position card per period, then term changes and centroid similarity."""
    c = comparison
    lines = [f"{c.target}: positions by period (counting by {c.by}; tone = VADER compound, "
             "stance = cooperation minus confrontation terms; z = weighted log-odds vs the other periods)", ""]
    for card in c.periods:
        lines += _card_lines(card, c.target) + [""]
    for s in c.shifts:
        lines.append(f"From {s.from_period} to {s.to_period}")
        lines.append("  New words:     " + (", ".join(s.new) or "none"))
        lines.append("  Dropped words: " + (", ".join(s.dropped) or "none"))
        lines.append("")
    if len(c.periods) > 1:
        labels = [str(card.period) for card in c.periods]
        lines.append("Similarity of period centroids (cosine, 1 = same vocabulary)")
        lines.append("        " + "  ".join(f"{p:>6}" for p in labels))
        for p, row in zip(labels, c.similarity):
            lines.append(f"  {p:>6}" + "  ".join(f"{'n/a' if math.isnan(v) else f'{v:.2f}':>6}" for v in row))
    return "\n".join(lines).rstrip() + "\n"
