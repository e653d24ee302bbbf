"""Comparisons of a target across periods: the numbers behind the position cards, with their evidence.

Who is counted (stated once here, printed by ``method()`` on the Method page and in ``--json``):

- ``who="officials"`` (the default of the cards, the dashboard and the CLI): statements of kind
  ``direct`` or ``reported`` whose speaker is not the press. ``who="all"`` adds headlines,
  narration (``context``) and journalists' questions;
- ``by="remark"`` (the default there) keeps one row per ``dup_group``
  (``duplicates.unique_remarks``, which carries the union of the group's targets), so a remark
  printed by RT and by Sputnik counts once; ``by="report"`` counts every row;
- salience: counted statements of the period whose own ``targets`` name the target, over all
  counted statements of the period, with a Wilson interval;
- tone, stance, distinctive terms and centroids: counted statements about the target (naming it,
  or under a heading or question that names it: ``targets`` or ``context_targets``);
- representative quotes: of those, statements that name the target themselves, direct speech
  first, nearest the period's TF-IDF centroid, one per duplicate group.

Every change between periods (``changes``) gets its difference, interval, p-value and
Benjamini-Hochberg adjusted p from ``stats``; words follow the evidence (``verdict``).
"""

from __future__ import annotations

import json
import math
import re
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from rhetoric_shift import stats
from rhetoric_shift.duplicates import unique_remarks
from rhetoric_shift.schema import PRESS, PRIMARY_TARGETS
from rhetoric_shift.tokens import StemAnalyzer, content_stems, count_stems, stem, surface_forms

# How rows are counted, and how the dashboard and the cards name each way.
BY_LABELS = {"remark": "each unique remark once", "report": "every report"}
BY = tuple(BY_LABELS)
WHO_LABELS = {
    "officials": "officials' statements (direct and reported)",
    "all": "every statement (headlines, narration and questions included)",
}
WHO = tuple(WHO_LABELS)
MEASURES = ("tone", "stance")
CHANGE_MEASURES = ("salience", "tone", "stance")
OFFICIAL_KINDS = ("direct", "reported")
MIN_N_FOR_INTERVAL = stats.MIN_N_FOR_INTERVAL
NO_INTERVAL = f"under {MIN_N_FOR_INTERVAL} remarks: no interval, its coverage falls short there"
# Keyness: a period needs this many remarks about the target before any word can be typical of
# it, and a word this many distinct remarks of the period; fewer is one speaker's turn of phrase.
MIN_KEYNESS_REMARKS = 3
NO_DISTINCTIVE = "no word is distinctive at this sample size"


# --- selections -------------------------------------------------------------------------------


def check_by(by: str) -> None:
    """Raise ValueError listing the allowed values when ``by`` is not one of ``BY``."""
    if by not in BY:
        raise ValueError(f"Unknown by={by!r}; allowed: {', '.join(BY)}")


def check_who(who: str) -> None:
    """Raise ValueError listing the allowed values when ``who`` is not one of ``WHO``."""
    if who not in WHO:
        raise ValueError(f"Unknown who={who!r}; allowed: {', '.join(WHO)}")


def officials(table: pd.DataFrame) -> np.ndarray:
    """True for officials' statements: kind direct or reported, speaker not the press."""
    return (table["kind"].isin(OFFICIAL_KINDS) & (table["speaker"].fillna("") != PRESS)).to_numpy(dtype=bool)


def counted_rows(table: pd.DataFrame, by: str = "report", who: str = "all") -> pd.DataFrame:
    """The rows that count: officials' or all (``who``), every row or one per dup_group (``by``)."""
    check_by(by)
    check_who(who)
    rows = table if who == "all" else table[officials(table)]
    return rows if by == "report" else unique_remarks(rows)


def names_target(table: pd.DataFrame, target: str, column: str = "targets") -> np.ndarray:
    """True for statements whose ``column`` holds ``target``.

    ``targets`` (the default) are those the statement names itself: the rule salience and a
    salience cell's drill-down count by; ``context_targets`` those it inherits from a heading.
    """
    return np.array([target in list(v) for v in table[column]], dtype=bool)


def target_statements(table: pd.DataFrame, target: str, by: str = "report", who: str = "officials") -> pd.DataFrame:
    """The counted statements about ``target``: target in ``targets`` or ``context_targets``."""
    rows = counted_rows(table, by, who)
    about = names_target(rows, target) | names_target(rows, target, "context_targets")
    return rows[about]


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


# --- composition ------------------------------------------------------------------------------


def composition(rows: pd.DataFrame, periods: Sequence[int]) -> pd.DataFrame:
    """What stands behind each period: ``[period, n_statements, n_documents, n_outlets, outlets]``.

    ``rows``: the counted statements (``counted_rows``); ``outlets`` is a comma-joined, sorted list.
    """
    records = []
    for p in periods:
        part = rows[rows["period"] == p]
        outlets = sorted(part["source"].dropna().astype(str).unique())
        records.append({"period": int(p), "n_statements": len(part), "n_documents": int(part["doc_id"].nunique()),
                        "n_outlets": len(outlets), "outlets": ", ".join(outlets)})
    return pd.DataFrame(records, columns=["period", "n_statements", "n_documents", "n_outlets", "outlets"])


def composition_line(row: pd.Series | dict) -> str:
    """"2014: 1 document, 1 outlet (MFA of Russia)": one period's composition in words."""
    docs, outs = int(row["n_documents"]), int(row["n_outlets"])
    return (f"{row['period']}: {docs} document{'s' * (docs != 1)}, {outs} outlet{'s' * (outs != 1)}"
            + (f" ({row['outlets']})" if outs else ""))


def composition_warnings(comp: pd.DataFrame) -> list[str]:
    """Warnings a reader needs before comparing the periods of ``comp`` (from ``composition``).

    A period with no statements, resting on one document or on one outlet; periods whose outlets
    differ, since a difference between periods may then be a difference between outlets.
    """
    # The same warning for many periods (79 years of one UN outlet) is one line naming them, not one line each.
    found: dict[tuple[str, str], list] = {}
    for row in comp.to_dict("records"):
        kind = ("empty" if row["n_statements"] == 0 else "document" if row["n_documents"] == 1
                else "outlet" if row["n_outlets"] == 1 else None)
        if kind:
            found.setdefault((kind, row["outlets"]), []).append(row["period"])
    out = []
    for (kind, outlets), periods in found.items():
        if len(periods) < MANY_PERIODS:
            for period in periods:
                out.append({"empty": f"{period} has no counted statements.",
                            "document": f"{period} rests on one document ({outlets}): its numbers describe that document, not the period.",
                            "outlet": f"{period} rests on one outlet ({outlets})."}[kind])
            continue
        named = f"{len(periods)} periods ({period_runs(periods)})"
        out.append({"empty": f"{named} have no counted statements.",
                    "document": f"{named} rest on one document each ({outlets}): their numbers describe those documents, "
                    "not the periods.",
                    "outlet": f"{named} rest on one outlet each ({outlets})."}[kind])
    present = [r for r in comp.to_dict("records") if r["n_statements"]]
    if len({r["outlets"] for r in present}) > 1:
        by_outlets: dict[str, list] = {}
        for r in present:
            by_outlets.setdefault(r["outlets"], []).append(r["period"])
        listed = "; ".join(f"{period_runs(ps)}: {outlets}" for outlets, ps in by_outlets.items())
        out.append(f"The periods come from different outlets ({listed}): a difference between periods may be a "
                   "difference between outlets. Compare within one outlet with the Outlets filter.")
    return out


MANY_PERIODS = 3  # from this many periods sharing a warning, one line names them all


def period_runs(periods: Sequence) -> str:
    """Periods as runs of consecutive years: [1946, 1947, 1948, 1950] -> "1946–1948, 1950" (other labels listed as they are)."""
    if not all(isinstance(p, (int, np.integer)) for p in periods):
        return ", ".join(map(str, periods))
    ps, runs = sorted(int(p) for p in periods), []
    start = prev = ps[0]
    for p in ps[1:] + [None]:
        if p is not None and p == prev + 1:
            prev = p
            continue
        runs.append(str(start) if start == prev else f"{start}–{prev}")
        if p is not None:
            start = prev = p
    return ", ".join(runs)


def composition_summary(comp: pd.DataFrame) -> str:
    """All periods of ``comp`` in one line: "79 periods (1946–2024): 10,952 documents, 1 outlet (UN General Assembly)"."""
    outlets = sorted({o for line in comp["outlets"] for o in str(line).split(", ") if o})
    shown = ", ".join(outlets[:5]) + (f" and {len(outlets) - 5} more" if len(outlets) > 5 else "")
    docs = int(comp["n_documents"].sum())
    return (f"{len(comp)} periods ({period_runs(list(comp['period']))}): {docs:,} document{'s' * (docs != 1)}, "
            f"{len(outlets)} outlet{'s' * (len(outlets) != 1)}" + (f" ({shown})" if outlets else ""))


# --- salience and measures --------------------------------------------------------------------


SALIENCE_COLUMNS = ["target", "period", "n_target", "n_statements", "salience", "ci_low", "ci_high"]


def salience_by_period(
    table: pd.DataFrame,
    targets: Sequence[str] | None = None,
    by: str = "report",
    kinds: Sequence[str] | None = None,
    who: str = "all",
) -> pd.DataFrame:
    """Share of each period's counted statements that name each target, with a Wilson interval.

    Columns: target, period, n_target (counted statements whose ``targets`` contain it),
    n_statements (counted statements of the period; ``kinds`` narrows both further),
    salience = n_target / n_statements, ci_low, ci_high (95% Wilson).
    ``targets`` defaults to ``known_targets(table)``. One row per target and period, sorted.
    """
    rows = counted_rows(table, by, who)
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
            records.append({"target": t, "period": p, **share_cell(n_t, n_all)})
    return pd.DataFrame(records, columns=SALIENCE_COLUMNS)


def share_cell(n_target: int, n_statements: int) -> dict:
    """One salience cell: the counts, the share (nan without statements) and its Wilson 95% interval."""
    low, high = stats.wilson_interval(n_target, n_statements)
    return {"n_target": n_target, "n_statements": n_statements,
            "salience": n_target / n_statements if n_statements else math.nan, "ci_low": low, "ci_high": high}


def measure_values(rows: pd.DataFrame, measure: str, target: str) -> np.ndarray:
    """Each row's tone or stance *toward* ``target``: the one place the measured values are read.

    Stance reads the row's ``target_stance`` (a JSON object: the stance of only the sentences
    naming each target) when the table has that column and the row scores the target; otherwise
    the statement's ``stance`` (a statement about the target through its heading names no target
    itself, so its whole text is what it says about it). Tone is the statement's.
    """
    values = rows[measure].to_numpy(dtype=float).copy()
    if measure != "stance" or "target_stance" not in rows.columns:
        return values
    for i, raw in enumerate(rows["target_stance"]):
        try:
            scored = json.loads(raw) if isinstance(raw, str) and raw else {}
        except ValueError:
            continue  # a malformed cell: the statement's stance stands
        value = scored.get(target) if isinstance(scored, dict) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            values[i] = float(value)
    return values


MEASURE_COLUMNS = ["period", "n", "n_remarks", "mean", "ci_low", "ci_high"]


def measure_by_period(
    table: pd.DataFrame,
    target: str,
    measure: str = "tone",
    by: str = "report",
    periods: Sequence[int] | None = None,
    who: str = "officials",
) -> pd.DataFrame:
    """Mean tone or stance of the counted statements about ``target``, per period, with a 95% interval.

    Columns: period, n (statements), n_remarks (distinct dup_groups: the unit of evidence),
    mean, ci_low, ci_high (``stats.mean_interval``: t over remarks; NaN under
    ``MIN_N_FOR_INTERVAL`` remarks).
    """
    if measure not in MEASURES:
        raise ValueError(f"Unknown measure {measure!r}; allowed: {', '.join(MEASURES)}")
    check_target(table, target)
    periods = check_periods(table, periods) if periods is not None else known_periods(table)
    rows = target_statements(table, target, by, who)
    records = []
    for p in periods:
        part = rows[rows["period"] == p]
        values = measure_values(part, measure, target)
        mean, lo, hi = stats.mean_interval(values, part["dup_group"].to_numpy())
        records.append({"period": p, "n": int(values.size), "n_remarks": int(part["dup_group"].nunique()),
                        "mean": mean, "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(records, columns=MEASURE_COLUMNS)


# --- changes ----------------------------------------------------------------------------------


CHANGE_COLUMNS = ["target", "measure", "from_period", "to_period", "pair", "n_from", "n_to", "value_from", "value_to",
                  "difference", "ci_low", "ci_high", "ci_note", "p", "p_adj", "verdict"]


def period_pairs(periods: Sequence[int]) -> list[tuple[int, int, str]]:
    """Consecutive pairs of ``periods`` (sorted), then first -> last when that is not one of them."""
    ps = sorted(periods)
    pairs = [(a, b, "consecutive") for a, b in zip(ps, ps[1:])]
    if len(ps) > 2:
        pairs.append((ps[0], ps[-1], "first to last"))
    return pairs


MAX_TESTED_PERIODS = 6  # periods whose changes a page tests together: 6 pairs per target and measure stay readable


def tested_periods(periods: Sequence[int], most: int = MAX_TESTED_PERIODS) -> list[int]:
    """The periods whose changes a page tests: all of ``periods`` up to ``most``, else the latest ``most``.

    Testing every consecutive pair of a long series (78 pairs of the UN General Debate's years) would
    print more changes than anyone reads and make the false-discovery adjustment pay for pairs
    nobody looks at; the visitor chooses other periods with the Periods filter.
    """
    return sorted(int(p) for p in periods)[-most:]


def tested_note(periods: Sequence[int], tested: Sequence[int]) -> str:
    """What a page says when ``tested`` is fewer than ``periods``; "" when every period is tested."""
    if len(tested) >= len(periods):
        return ""
    return (f"Changes are tested between the latest {len(tested)} of {len(periods)} periods ({tested[0]}–{tested[-1]}): "
            f"consecutive ones and first → last. Choose up to {MAX_TESTED_PERIODS} periods in the sidebar's Periods "
            "to test others.")


def _seed(random_state: int, *parts: object) -> list[int]:
    # A change's permutations depend only on its own target, measure and periods, never on which
    # other changes are shown with it.
    return [random_state] + [zlib.crc32(str(p).encode()) for p in parts]


def _salience_change(rows: pd.DataFrame, target: str, a: int, b: int) -> dict:
    named = names_target(rows, target)
    ka, na = int((named & (rows["period"] == a).to_numpy()).sum()), int((rows["period"] == a).sum())
    kb, nb = int((named & (rows["period"] == b).to_numpy()).sum()), int((rows["period"] == b).sum())
    return salience_change_numbers(ka, na, kb, nb)


def salience_change_numbers(ka: int, na: int, kb: int, nb: int) -> dict:
    """A change of share from ``ka / na`` to ``kb / nb``: values, difference, Newcombe interval, Fisher p."""
    low, high = stats.share_difference_interval(ka, na, kb, nb)
    va, vb = (ka / na if na else math.nan), (kb / nb if nb else math.nan)
    note = "" if na and nb else "no interval: a period has no statements"
    return {"n_from": na, "n_to": nb, "value_from": va, "value_to": vb, "difference": vb - va,
            "ci_low": low, "ci_high": high, "ci_note": note, "p": stats.fisher_p(ka, na, kb, nb)}


def _mean_change(about: pd.DataFrame, target: str, measure: str, a: int, b: int, seed: list[int], n_perm: int) -> dict:
    pa, pb = about[about["period"] == a], about[about["period"] == b]
    x, y = measure_values(pa, measure, target), measure_values(pb, measure, target)
    cx, cy = pa["dup_group"].to_numpy(), pb["dup_group"].to_numpy()
    va = float(x.mean()) if x.size else math.nan
    vb = float(y.mean()) if y.size else math.nan
    ga, gb = int(pa["dup_group"].nunique()), int(pb["dup_group"].nunique())
    return mean_change_row(
        a, ga, va, b, gb, vb, stats.mean_difference_interval(x, y, cx, cy),
        permute=lambda: stats.permutation_p(x, y, cx, cy, n_perm=n_perm, random_state=seed),
        welch=lambda: stats.welch_p_from(*stats.cluster_se(x, cx), *stats.cluster_se(y, cy)),
    )


def mean_change_row(a: int, ga: int, va: float, b: int, gb: int, vb: float, interval: tuple[float, float], *,
                    permute: Callable[[], float] | None, welch: Callable[[], float]) -> dict:
    """The numbers of a change of mean from period ``a`` (``ga`` remarks, mean ``va``) to ``b``.

    The test: none without remarks on both sides or with under two remarks in all; a permutation
    of whole remarks (``permute()``) up to ``stats.MAX_PERM_CLUSTERS`` remarks together, when the
    caller can permute; else Welch's t on the cluster-robust standard errors (``welch()``), since
    with that many remarks the permutation distribution is normal.
    """
    if not (ga and gb) or max(ga, gb) < 2:
        p = math.nan
    elif permute is not None and ga + gb <= stats.MAX_PERM_CLUSTERS:
        p = permute()
    else:
        p = welch()
    low, high = interval
    return {"n_from": ga, "n_to": gb, "value_from": va, "value_to": vb, "difference": vb - va,
            "ci_low": low, "ci_high": high, "ci_note": mean_change_note(a, ga, b, gb), "p": p}


def mean_change_note(a: int, ga: int, b: int, gb: int) -> str:
    """Why a change of mean between ``a`` (``ga`` remarks) and ``b`` (``gb``) has no interval; "" when it has one."""
    short = [f"{period} has {g} remark{'s' * (g != 1)}" for period, g in ((a, ga), (b, gb)) if g < MIN_N_FOR_INTERVAL]
    if not (ga and gb):
        return "no interval: a period has no statements about the target"
    if short:
        return f"no interval: {' and '.join(short)}, under the {MIN_N_FOR_INTERVAL} where its coverage holds"
    return ""


def verdict(row: dict | pd.Series, alpha: float = stats.ALPHA) -> str:
    """What a change's evidence allows one to say: "rose", "fell", "no evidence of change", or why not tested."""
    if not (math.isfinite(row["value_from"]) and math.isfinite(row["value_to"])):
        empty = [str(row[p]) for p, v in (("from_period", "value_from"), ("to_period", "value_to")) if not math.isfinite(row[v])]
        return f"nothing to compare (no statements about the target in {' and '.join(empty)})"
    if not math.isfinite(row["p"]):
        return "too few statements to test"
    if math.isfinite(row["p_adj"]) and row["p_adj"] < alpha and row["difference"] != 0:
        return "rose" if row["difference"] > 0 else "fell"
    return "no evidence of change"


def changes(
    table: pd.DataFrame,
    targets: Sequence[str],
    periods: Sequence[int] | None = None,
    *,
    measures: Sequence[str] = CHANGE_MEASURES,
    by: str = "remark",
    who: str = "officials",
    n_perm: int = stats.N_PERM,
    random_state: int = 0,
) -> pd.DataFrame:
    """Every change of ``measures`` for ``targets`` between consecutive ``periods`` and first -> last.

    One row per target, measure and pair of periods (``CHANGE_COLUMNS``): the values, their
    difference (to minus from), its 95% interval, the p-value (Fisher exact for salience, a
    permutation of remarks for tone and stance), the Benjamini-Hochberg adjusted p across every
    row returned, and the ``verdict``. n_from/n_to count statements for salience, remarks for means.
    A target the table never mentions gives rows with no values. ``periods`` default: all.
    """
    check_by(by)
    check_who(who)
    periods = check_periods(table, periods) if periods is not None else known_periods(table)
    rows = counted_rows(table, by, who)
    records = []
    for target in targets:
        about = rows[names_target(rows, target) | names_target(rows, target, "context_targets")]
        for measure in measures:
            for a, b, pair in period_pairs(periods):
                if measure == "salience":
                    numbers = _salience_change(rows, target, a, b)
                elif measure in MEASURES:
                    numbers = _mean_change(about, target, measure, a, b, _seed(random_state, target, measure, a, b), n_perm)
                else:
                    raise ValueError(f"Unknown measure {measure!r}; allowed: {', '.join(CHANGE_MEASURES)}")
                records.append({"target": target, "measure": measure, "from_period": a, "to_period": b, "pair": pair, **numbers})
    out = pd.DataFrame(records, columns=[c for c in CHANGE_COLUMNS if c not in ("p_adj", "verdict")])
    out["ci_note"] = out["ci_note"].astype(object)
    out["p_adj"] = stats.benjamini_hochberg(out["p"].to_numpy(dtype=float)) if len(out) else []
    out["verdict"] = [verdict(r) for r in out.to_dict("records")]
    return out[CHANGE_COLUMNS]


def _fmt_value(measure: str, value: float) -> str:
    if not math.isfinite(value):
        return "n/a"
    return f"{value:.0%}" if measure == "salience" else f"{value:+.2f}"


def _fmt_diff(measure: str, value: float) -> str:
    if not math.isfinite(value):
        return "n/a"
    # Rounded first, so a tiny negative difference reads "+0", never "-0".
    return f"{round(100 * value) + 0:+d} points" if measure == "salience" else f"{round(value, 2) + 0.0:+.2f}"


def change_sentence(row: dict | pd.Series) -> str:
    """One change in words with its numbers: "Tone 2014 → 2017: +0.10 → −0.20, difference … : no evidence of change."."""
    m = row["measure"]
    unit = ("statement" if m == "salience" else "remark") + ("s" if int(row["n_from"]) != 1 else "")
    text = (f"{m.capitalize()} {row['from_period']} → {row['to_period']}: {_fmt_value(m, row['value_from'])} "
            f"(n={int(row['n_from'])} {unit}) → {_fmt_value(m, row['value_to'])} (n={int(row['n_to'])})")
    if math.isfinite(row["difference"]):
        text += f", difference {_fmt_diff(m, row['difference'])}"
        if math.isfinite(row["ci_low"]):
            text += f" (95% CI {_fmt_diff(m, row['ci_low'])} to {_fmt_diff(m, row['ci_high'])})"
        else:
            text += f" ({row['ci_note']})"
    if math.isfinite(row["p"]):
        text += f", p = {row['p']:.3f}, adjusted {row['p_adj']:.3f}"
    return f"{text}: {row['verdict']}."


def changes_view(frame: pd.DataFrame) -> pd.DataFrame:
    """A changes frame as a readable table: one row per change with formatted numbers and the verdict."""
    out = pd.DataFrame({
        "target": frame["target"],
        "measure": frame["measure"],
        "periods": [f"{a} → {b}" for a, b in zip(frame["from_period"], frame["to_period"])],
        "from": [f"{_fmt_value(m, v)} (n={n})" for m, v, n in zip(frame["measure"], frame["value_from"], frame["n_from"])],
        "to": [f"{_fmt_value(m, v)} (n={n})" for m, v, n in zip(frame["measure"], frame["value_to"], frame["n_to"])],
        "difference (95% CI)": [
            _fmt_diff(m, d) + (f" ({_fmt_diff(m, lo)} to {_fmt_diff(m, hi)})" if math.isfinite(lo) else " (no interval)")
            for m, d, lo, hi in zip(frame["measure"], frame["difference"], frame["ci_low"], frame["ci_high"])
        ],
        "p": frame["p"].round(4),
        "adjusted p": frame["p_adj"].round(4),
        "verdict": frame["verdict"],
    })
    return out.reset_index(drop=True)


# --- words ------------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def target_forms(target: str) -> frozenset[str]:
    """Stems of every name of ``target`` in the bundled targets lexicon: aliases, demonyms, leaders.

    Words of an alias with a capital letter ("Bashar al-Assad" gives "bashar", "al-assad";
    "Astana talks" gives "astana" but not "talks") and the label's own words. A word that names
    the target says nothing about what is said of it, so keyness and new/dropped words leave it out.
    """
    from rhetoric_shift.targets import load_lexicon  # the lexicon is read once, on first use

    words = set(re.findall(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*", target))
    for t in load_lexicon().targets:
        if t.label == target:
            for phrase in (*t.aliases, *t.exact):
                words.update(w for w in re.findall(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*", phrase) if w != w.lower())
    plain = (w[:-2] if w.lower().endswith(("'s", "’s")) else w for w in words)
    return frozenset(stem(w.lower()) for w in plain)


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
        if a <= 0 or n_a + alpha0 - ya - a <= 0 or n_b + alpha0 - yb - a <= 0:
            continue  # no pseudo-count (an empty background) or nothing left to contrast with: no score
        delta = math.log((ya + a) / (n_a + alpha0 - ya - a)) - math.log((yb + a) / (n_b + alpha0 - yb - a))
        z[w] = delta / math.sqrt(1 / (ya + a) + 1 / (yb + a))
    return z


TERM_COLUMNS = ["term", "stem", "z", "p", "p_adj", "significant", "n_period", "n_other", "n_remarks"]


def _remark_support(rows: pd.DataFrame) -> Counter[str]:
    """For each stem, how many distinct remarks (dup_groups) of ``rows`` use it."""
    per_group: dict[str, set[str]] = {}
    for group, text in zip(rows["dup_group"], rows["text"]):
        per_group.setdefault(str(group), set()).update(content_stems(text))
    return Counter(s for stems in per_group.values() for s in stems)


def keyness_alpha0(n_words: int) -> float:
    """The prior's scale: pseudo-counts equal to the words compared, so the prior weighs as much as the data."""
    return float(n_words)


def distinctive_terms(
    table: pd.DataFrame,
    target: str,
    period: int,
    *,
    periods: Sequence[int] | None = None,
    by: str = "report",
    who: str = "officials",
    n_terms: int | None = None,
    alpha0: float | None = None,
) -> pd.DataFrame:
    """Words of the counted statements about ``target`` typical of ``period`` against the others.

    "The others" pools the statements of the other ``periods`` (default: every other period).
    The prior is the word frequencies of every counted statement of the table, scaled to
    ``alpha0`` pseudo-counts (default ``keyness_alpha0``: the words being compared).
    No term at all when the period has fewer than ``MIN_KEYNESS_REMARKS`` remarks about the
    target. A candidate is a word more frequent in the period than the prior expects (z > 0),
    used in at least ``MIN_KEYNESS_REMARKS`` distinct remarks of the period, that is not a name of
    the target (``target_forms``). Columns ``TERM_COLUMNS``: p is the two-sided normal p of z,
    p_adj its Benjamini-Hochberg adjustment across the candidates, significant = p_adj < 0.05;
    sorted by z descending (ties by term), first ``n_terms`` rows when given.
    """
    check_target(table, target)
    chosen = check_periods(table, periods if periods is not None else known_periods(table))
    (period,) = check_periods(table, [period])
    rows = target_statements(table, target, by, who)
    rows = rows[rows["period"].isin(chosen)]
    mine_rows = rows[rows["period"] == period]
    if mine_rows["dup_group"].nunique() < MIN_KEYNESS_REMARKS:
        return pd.DataFrame(columns=TERM_COLUMNS)
    mine = count_stems(mine_rows["text"].tolist())
    other = count_stems(rows.loc[rows["period"] != period, "text"].tolist())
    vocab = set(mine) | set(other)
    if not vocab:
        return pd.DataFrame(columns=TERM_COLUMNS)
    background = count_stems(counted_rows(table, by, who)["text"].tolist())
    total = sum(background.values())
    a0 = float(alpha0) if alpha0 is not None else keyness_alpha0(sum(mine.values()) + sum(other.values()))
    prior = {w: a0 * background[w] / total for w in vocab if background[w]}
    z = log_odds_z(mine, other, prior, a0)
    support = _remark_support(mine_rows)
    own = target_forms(target)
    forms = surface_forms(rows["text"].tolist())
    candidates = [w for w in z if z[w] > 0 and support[w] >= MIN_KEYNESS_REMARKS and w not in own]
    frame = pd.DataFrame(
        [(forms.get(w, w), w, z[w], stats.z_pvalue(z[w]), mine.get(w, 0), other.get(w, 0), support[w]) for w in candidates],
        columns=["term", "stem", "z", "p", "n_period", "n_other", "n_remarks"],
    )
    frame["p_adj"] = stats.benjamini_hochberg(frame["p"].to_numpy(dtype=float)) if len(frame) else []
    frame["significant"] = frame["p_adj"] < stats.ALPHA
    frame = frame[TERM_COLUMNS].sort_values(["z", "term"], ascending=[False, True], kind="stable", ignore_index=True)
    return frame.head(n_terms) if n_terms is not None else frame


@dataclass(frozen=True)
class TermShift:
    """Words that appear (``new``) or disappear (``dropped``) between two consecutive periods."""

    from_period: int
    to_period: int
    new: list[str]
    dropped: list[str]


def term_shifts(rows: pd.DataFrame, periods: Sequence[int], n_terms: int = 10, min_count: int = 2,
                exclude: frozenset[str] = frozenset()) -> list[TermShift]:
    """For consecutive ``periods``: words used at least ``min_count`` times in one and never in the other.

    ``rows``: the statements to compare (e.g. ``target_statements``); stems in ``exclude`` (the
    target's names, ``target_forms``) are never listed. Most frequent first.
    """
    forms = surface_forms(rows["text"].tolist())
    counts = {p: count_stems(rows.loc[rows["period"] == p, "text"].tolist()) for p in periods}

    def appearing(a: Counter[str], b: Counter[str]) -> list[str]:
        words = sorted((w for w, c in b.items() if c >= min_count and w not in a and w not in exclude),
                       key=lambda w: (-b[w], forms.get(w, w)))
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
        ok = ((rows["period"] == period).to_numpy() & names_target(rows, target) & officials(rows))
        if centroid is None or not ok.any() or not np.linalg.norm(centroid):
            return _quote_frame([])
        scores = np.asarray(self.X[ok] @ centroid).ravel() / np.linalg.norm(centroid)
        # Direct speech first: a quotation is the speaker's own words, a paraphrase an outlet's.
        picked = rows[ok].assign(similarity=scores, indirect=(rows.loc[ok, "kind"] != "direct").to_numpy())
        picked = picked.sort_values(["indirect", "similarity", "statement_id"], ascending=[True, False, True])
        return _quote_frame(picked.drop_duplicates("dup_group").head(n).to_dict("records"))


def _cosine(a: np.ndarray | None, b: np.ndarray | None) -> float:
    if a is None or b is None or not np.linalg.norm(a) or not np.linalg.norm(b):
        return math.nan
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


QUOTE_COLUMNS = ["statement_id", "text", "speaker", "source", "date", "period", "kind", "similarity"]


def _quote_frame(records: list[dict]) -> pd.DataFrame:
    out = [{"statement_id": str(r["statement_id"]), "text": str(r["text"]),
            "speaker": "" if pd.isna(r["speaker"]) else str(r["speaker"]), "source": str(r["source"]),
            "date": "" if pd.isna(r["date"]) else pd.Timestamp(r["date"]).date().isoformat(),
            "period": None if pd.isna(r.get("period")) else int(r["period"]),
            "kind": str(r["kind"]), "similarity": float(r["similarity"])} for r in records]
    return pd.DataFrame(out, columns=QUOTE_COLUMNS)


_QUOTE_MARKS = "\"“”«»'‘’„"


def quote_line(q: dict) -> tuple[str, str]:
    """A quote as it is shown everywhere: (the words, the attribution line), by its kind.

    Only ``direct`` speech goes in quotation marks ("“We are ready.”", "— Sergey Lavrov, RT,
    2017-01-17 (direct speech)"); a paraphrase never does: "RT, paraphrasing Sergey Lavrov: Lavrov
    notes that …" with "(reported speech: the outlet's words)". Other kinds name their kind.
    """
    speaker, source = q.get("speaker") or "an unnamed speaker", q.get("source") or "an unnamed outlet"
    # a speech known only by its year (a UN session) is placed by its period, not called undated
    date = q.get("date") or (f"{q['period']} (no exact date)" if q.get("period") is not None and not pd.isna(q.get("period")) else "undated")
    text, kind = str(q["text"]), str(q.get("kind", ""))
    if kind == "direct":
        words = text if text[:1] in "\"“«" else f"“{text}”"
        return words, f"— {speaker}, {source}, {date} (direct speech)"
    if kind == "reported":
        return f"{source}, paraphrasing {speaker}: {text}", f"{date} (reported speech: the outlet's words, not a quotation)"
    return f"{source} ({kind}): {text}", f"{date} ({kind}, not an official's statement)"


def representative_statements(table: pd.DataFrame, target: str, period: int, n: int = 3, by: str = "report",
                              who: str = "officials") -> pd.DataFrame:
    """The ``n`` officials' statements naming ``target`` nearest the period's TF-IDF centroid, direct speech first.

    Columns ``QUOTE_COLUMNS`` (date ISO or ""; similarity: cosine to the centroid). Never
    questions, context or the press; one statement per duplicate group.
    """
    check_target(table, target)
    (period,) = check_periods(table, [period])
    return _TargetSpace.build(target_statements(table, target, by, who)).quotes(period, target, n)


def centroid_similarity(table: pd.DataFrame, target: str, periods: Sequence[int] | None = None, by: str = "report",
                        who: str = "officials") -> pd.DataFrame:
    """Cosine similarity of the periods' TF-IDF centroids of the statements about ``target`` (NaN: no statements)."""
    check_target(table, target)
    periods = check_periods(table, periods) if periods is not None else known_periods(table)
    sims = _TargetSpace.build(target_statements(table, target, by, who)).similarity(periods)
    return pd.DataFrame(sims, index=periods, columns=periods)


# --- the method -------------------------------------------------------------------------------


def method(by: str = "remark", who: str = "officials") -> dict:
    """Every choice behind the numbers, as plain data: printed by ``compare --json`` and the Method page."""
    return {
        "who_is_counted": WHO_LABELS[who],
        "counting": BY_LABELS[by],
        "salience": "counted statements naming the target / counted statements of the period",
        "tone_and_stance": "mean over counted statements about the target (naming it or under a heading or "
        "question naming it)",
        **stats.METHOD,
        "tested_pairs": "changes between consecutive periods in view and from the first to the last; over "
        f"{MAX_TESTED_PERIODS} periods in view, only the latest {MAX_TESTED_PERIODS} are tested (the Periods filter chooses "
        "others), and the adjustment counts only the changes tested",
        "interval_minimum": f"no interval under {MIN_N_FOR_INTERVAL} remarks",
        "measured_coverage": {m: {str(n): c for n, c in v.items()} for m, v in stats.MEASURED_COVERAGE.items()},
        "coverage_benchmark": "bench/bench_coverage.py",
        "keyness": "weighted log-odds z-scores with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008), "
        "each period against the other periods compared; two-sided normal p, Benjamini-Hochberg across a "
        f"period's candidate words; a word needs {MIN_KEYNESS_REMARKS} distinct remarks, a period "
        f"{MIN_KEYNESS_REMARKS} remarks about the target; the target's names (aliases, demonyms, leaders in "
        "the targets lexicon) are left out",
        "keyness_prior": "word frequencies of every counted statement of the table",
        "keyness_prior_scale": "alpha0 = the number of words compared (the prior weighs as much as the data)",
        "quotes": "officials' statements naming the target, direct speech first, nearest the period's TF-IDF "
        "centroid, one per duplicate group; only direct speech is shown in quotation marks",
    }


# --- the comparison ---------------------------------------------------------------------------


@dataclass
class PeriodCard:
    """Everything the position card of one period shows."""

    period: int
    n_statements: int
    n_target: int
    salience: float
    salience_ci: tuple[float, float]
    n_measured: int  # counted statements about the target behind tone and stance
    n_remarks: int  # distinct remarks among them: the unit of evidence of the intervals
    tone_mean: float
    tone_ci: tuple[float, float]
    stance_mean: float
    stance_ci: tuple[float, float]
    terms: list[dict]  # TERM_COLUMNS records: significant first, then suggestive
    quotes: list[dict[str, str]]
    n_documents: int = 0
    n_outlets: int = 0
    outlets: str = ""

    @property
    def distinctive(self) -> list[dict]:
        return [t for t in self.terms if t["significant"]]

    @property
    def suggestive(self) -> list[dict]:
        return [t for t in self.terms if not t["significant"]]


@dataclass
class Comparison:
    """A target compared across periods. ``to_dict`` gives the JSON of ``rhetoric-shift compare --json``."""

    target: str
    by: str
    periods: list[PeriodCard]
    similarity: list[list[float]]
    shifts: list[TermShift] = field(default_factory=list)
    who: str = "officials"
    changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS))
    warnings: list[str] = field(default_factory=list)
    keyness_alpha0: float = math.nan
    filters: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Plain, JSON-serialisable data in the documented shape; NaN becomes None (null)."""
        return {
            "target": self.target,
            "filters": self.filters,
            "method": method(self.by, self.who),
            "keyness_prior": {"source": "word frequencies of every counted statement of the table",
                              "alpha0": _num(self.keyness_alpha0)},
            "periods": [
                {
                    "period": int(c.period),
                    "n_documents": c.n_documents,
                    "n_outlets": c.n_outlets,
                    "outlets": c.outlets.split(", ") if c.outlets else [],
                    "n_statements": int(c.n_statements),
                    "n_target": int(c.n_target),
                    "salience": _num(c.salience),
                    "salience_ci": [_num(v) for v in c.salience_ci],
                    "n_measured": int(c.n_measured),
                    "n_remarks": int(c.n_remarks),
                    "tone_mean": _num(c.tone_mean),
                    "tone_ci": [_num(v) for v in c.tone_ci],
                    "stance_mean": _num(c.stance_mean),
                    "stance_ci": [_num(v) for v in c.stance_ci],
                    "terms": [{"term": t["term"], "z": _num(t["z"]), "p_adj": _num(t["p_adj"]),
                               "significant": bool(t["significant"]), "n_remarks": int(t["n_remarks"])} for t in c.terms],
                    "terms_note": "" if c.distinctive else NO_DISTINCTIVE,
                    "quotes": [{k: q[k] for k in ("statement_id", "kind", "text", "speaker", "source", "date")} for q in c.quotes],
                }
                for c in self.periods
            ],
            "changes": [
                {k: (_num(v) if isinstance(v, float) else v.item() if hasattr(v, "item") else v) for k, v in r.items()}
                for r in self.changes.to_dict("records")
            ],
            "warnings": list(self.warnings),
            "new_and_dropped_words": [
                {"from": s.from_period, "to": s.to_period, "new": s.new, "dropped": s.dropped} for s in self.shifts
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
    by: str = "remark",
    who: str = "officials",
    n_terms: int = 10,
    n_quotes: int = 3,
    n_perm: int = stats.N_PERM,
    random_state: int = 0,
    filters: dict[str, list[str]] | None = None,
) -> Comparison:
    """Position cards of ``target`` for each of ``periods`` (sorted), how they differ, and the evidence.

    Distinctive terms compare each period with the other requested periods pooled; ``changes``
    test every consecutive pair and first -> last (BH across the card's changes). ``filters`` is
    only recorded (the caller filtered ``table``). Raises ValueError listing the allowed values
    for an unknown target, period, ``by`` or ``who``.
    """
    check_target(table, target)
    periods = check_periods(table, periods)
    check_by(by)
    check_who(who)
    salience = salience_by_period(table, [target], by, who=who).set_index("period")
    measures = {m: measure_by_period(table, target, m, by, periods, who).set_index("period") for m in MEASURES}
    rows = target_statements(table, target, by, who)
    rows = rows[rows["period"].isin(periods)]
    space = _TargetSpace.build(rows)
    comp = composition(counted_rows(table, by, who), periods).set_index("period")
    cards = []
    for p in periods:
        terms = (distinctive_terms(table, target, p, periods=periods, by=by, who=who) if len(periods) > 1
                 else pd.DataFrame(columns=TERM_COLUMNS))
        terms = pd.concat([terms[terms["significant"].astype(bool)].head(n_terms),
                           terms[~terms["significant"].astype(bool)].head(n_terms)])
        tone_row, stance_row, s = measures["tone"].loc[p], measures["stance"].loc[p], salience.loc[p]
        cards.append(PeriodCard(
            period=p,
            n_statements=int(s["n_statements"]),
            n_target=int(s["n_target"]),
            salience=float(s["salience"]),
            salience_ci=(float(s["ci_low"]), float(s["ci_high"])),
            n_measured=int(tone_row["n"]),
            n_remarks=int(tone_row["n_remarks"]),
            tone_mean=float(tone_row["mean"]),
            tone_ci=(float(tone_row["ci_low"]), float(tone_row["ci_high"])),
            stance_mean=float(stance_row["mean"]),
            stance_ci=(float(stance_row["ci_low"]), float(stance_row["ci_high"])),
            terms=terms.to_dict("records"),
            quotes=space.quotes(p, target, n_quotes).drop(columns="similarity").to_dict("records"),
            n_documents=int(comp.loc[p, "n_documents"]),
            n_outlets=int(comp.loc[p, "n_outlets"]),
            outlets=str(comp.loc[p, "outlets"]),
        ))
    found = changes(table, [target], periods, by=by, who=who, n_perm=n_perm, random_state=random_state)
    alpha0 = keyness_alpha0(sum(count_stems(rows["text"].tolist()).values()))
    return Comparison(target, by, cards, space.similarity(periods),
                      term_shifts(rows, periods, n_terms, exclude=target_forms(target)), who, found,
                      composition_warnings(comp.reset_index()), alpha0, dict(filters or {}))


# --- text card --------------------------------------------------------------------------------


def format_mean(mean: float, ci: tuple[float, float], n: int) -> str:
    """A mean with its 95% interval and sample size (remarks), as every view writes it.

    "+0.12 (95% CI -0.05 to +0.30, n=14)"; "+0.12 (n=3, under 10 remarks: no interval …)"
    below ``MIN_N_FOR_INTERVAL``; "n/a (no statements)" for none.
    """
    if n == 0 or mean is None or math.isnan(mean):
        return "n/a (no statements)"
    low, high = ci
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return f"{mean:+.2f} (n={n}, {NO_INTERVAL})"
    return f"{mean:+.2f} (95% CI {low:+.2f} to {high:+.2f}, n={n})"


def format_share(share: float, ci: tuple[float, float]) -> str:
    """A share with its Wilson interval: "12% (95% CI 6% to 22%)"; "n/a" for an empty period."""
    if share is None or math.isnan(share):
        return "n/a"
    return f"{share:.0%} (95% CI {ci[0]:.0%} to {ci[1]:.0%})"


def _terms_text(terms: list[dict]) -> str:
    return ", ".join(f"{t['term']} (z {t['z']:+.2f}, {t['n_remarks']} remarks)" for t in terms)


def _card_lines(c: PeriodCard, target: str) -> list[str]:
    lines = [
        f"{c.period}  ({composition_line({'period': c.period, 'n_documents': c.n_documents, 'n_outlets': c.n_outlets, 'outlets': c.outlets}).split(': ', 1)[1]})",
        f"  Salience  {format_share(c.salience, c.salience_ci)}, {c.n_target} of {c.n_statements} statements name {target}",
        f"  Tone      {format_mean(c.tone_mean, c.tone_ci, c.n_remarks)}",
        f"  Stance    {format_mean(c.stance_mean, c.stance_ci, c.n_remarks)}",
        "  Distinctive terms: " + (_terms_text(c.distinctive) or NO_DISTINCTIVE),
    ]
    if c.suggestive:
        lines.append("  Suggestive, not significant after correction: " + _terms_text(c.suggestive))
    lines.append("  Representative quotes:" if c.quotes else "  Representative quotes: none")
    for q in c.quotes:
        words, who = quote_line(q)
        lines.append(f"    {words}\n      {who}; {q['statement_id']}")
    return lines


def format_comparison(comparison: Comparison) -> str:
    """A plain-text position card per period, then the tested changes, term changes and centroid similarity."""
    c = comparison
    filters = "; ".join(f"{k}: {', '.join(v)}" for k, v in c.filters.items() if v)
    lines = [f"{c.target}: positions by period (counting {WHO_LABELS[c.who]}, {BY_LABELS[c.by]}"
             + (f"; {filters}" if filters else "") + "; tone = VADER compound, stance = cooperation minus "
             "confrontation terms; z = weighted log-odds vs the other periods)", ""]
    for w in c.warnings:
        lines.append(f"! {w}")
    if c.warnings:
        lines.append("")
    for card in c.periods:
        lines += _card_lines(card, c.target) + [""]
    if len(c.changes):
        lines.append("Changes (Benjamini-Hochberg adjusted p across these; 'rose'/'fell' only when adjusted p < 0.05)")
        lines += [f"  {change_sentence(r)}" for r in c.changes.to_dict("records")]
        lines.append("")
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
