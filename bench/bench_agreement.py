"""Agreement of stance and tone with a careful reader: hand-coded seed statements and UN paragraphs.

Reads ``tests/data/stance_gold.csv`` (the seeds' officials' statements) and
``tests/data/stance_heldout.csv`` (UN General Debate paragraphs no rule was written against), both
coded by reading (see ``stance_gold.md``), and prints for each, as markdown, accuracy and Cohen's
kappa (three classes) for
- stance: the sign of the score toward the coded target against the reader's label
  (cooperative / neutral / confrontational), and
- tone: the sign of the VADER compound against the reader's tone (positive / neutral / negative),
before (the library at ``--before``, default the commit this work started from: nltk's VADER port,
the stemmed lexicon, one stance per statement) and after (the reference-equal VADER, the lexicon
with its rules, stance of only the sentences naming the target). It also writes the figures to
``lib/rhetoric_shift/data/validation.toml`` for the Method page (``--no-write`` to skip).

Neutral bands, fixed before scoring: tone within ±0.05 is neutral (the thresholds VADER's authors
recommend); stance within ±0.25 is neutral, i.e. a statement leans only when one kind of term
outnumbers the other at least two to one (3 against 2 is a balance, 2 against 1 is not).

    PYTHONPATH=lib python3 bench/bench_agreement.py [--before 2f55220]
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

from rhetoric_shift.stance import stance, target_stance
from rhetoric_shift.targets import load_lexicon
from rhetoric_shift.tone import tone
from rhetoric_shift.tone import STANCE_BAND, TONE_BAND, write_figures

ROOT = Path(__file__).resolve().parents[1]
SETS = {  # name shown -> coded file
    "seeds": ROOT / "tests" / "data" / "stance_gold.csv",
    "UN General Debate, held out": ROOT / "tests" / "data" / "stance_heldout.csv",
}
STANCE_LABELS = {1: "cooperative", 0: "neutral", -1: "confrontational"}
TONE_LABELS = {1: "positive", 0: "neutral", -1: "negative"}


def sign(value: float, band: float) -> int:
    return 0 if abs(value) < band else (1 if value > 0 else -1)


def load_before(rev: str):
    """The tone module of ``rev`` (and its stance lexicon), loaded beside the current library."""
    def show(path: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:{path}"], check=True, capture_output=True, text=True).stdout

    folder = Path(tempfile.mkdtemp(prefix="tone_before_"))
    (folder / "tone_before.py").write_text(show("lib/rhetoric_shift/tone.py"), "utf-8")
    (folder / "stance_before.toml").write_text(show("lib/rhetoric_shift/data/stance.toml"), "utf-8")
    spec = importlib.util.spec_from_file_location("tone_before", folder / "tone_before.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["tone_before"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module, module.load_stance_lexicon(folder / "stance_before.toml")


def agreement(pred: list[int], gold: list[int]) -> tuple[float, float]:
    accuracy = sum(p == g for p, g in zip(pred, gold)) / len(gold)
    return accuracy, float(cohen_kappa_score(gold, pred, labels=[-1, 0, 1]))


def measure_set(path: Path, old, old_lexicon, targets) -> tuple[str, dict]:
    """The header line and {(measure, version): (predicted signs, reader's signs)} for one coded set."""
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    coded = [r for r in rows if r["target"]]
    statements = list({r["statement_id"]: r for r in rows}.values())  # tone is per statement
    stance_gold = [{v: k for k, v in STANCE_LABELS.items()}[r["stance"]] for r in coded]
    tone_gold = [{v: k for k, v in TONE_LABELS.items()}[r["tone"]] for r in statements]
    texts = [r["text"] for r in coded]
    by_target = target_stance(texts, [targets.tag(t) for t in texts], targets)
    after_target = [json.loads(s).get(r["target"], 0.0) for s, r in zip(by_target, coded)]
    tone_texts = [r["text"] for r in statements]
    measures = {
        ("stance", "before: statement stance, stemmed lexicon"): (
            [sign(v, STANCE_BAND) for v in old.stance(texts, old_lexicon)], stance_gold),
        ("stance", "after: statement stance, rules"): ([sign(v, STANCE_BAND) for v in stance(texts)], stance_gold),
        ("stance", "after: target-level stance"): ([sign(v, STANCE_BAND) for v in after_target], stance_gold),
        ("tone", "before: nltk's VADER port"): ([sign(v, TONE_BAND) for v in old.tone(tone_texts)], tone_gold),
        ("tone", "after: reference VADER"): ([sign(v, TONE_BAND) for v in tone(tone_texts)], tone_gold),
    }
    header = (f"{path.name}: {len(coded)} (statement, target) pairs over {len({r['statement_id'] for r in coded})} "
              f"statements for stance, {len(statements)} statements for tone; reader's stance "
              f"{dict(Counter(r['stance'] for r in coded))}, tone {dict(Counter(r['tone'] for r in statements))}.")
    return header, measures, coded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="2f55220", help="git revision of the 'before' library")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    old, old_lexicon = load_before(args.before)
    targets = load_lexicon(None)
    print(f"Neutral bands: stance |s| < {STANCE_BAND}, tone |compound| < {TONE_BAND}.")
    figures = []
    for name, path in SETS.items():
        header, measures, coded = measure_set(path, old, old_lexicon, targets)
        print(f"\n{header}\n")
        print("| measure | version | n | accuracy | Cohen's kappa | scored neutral |")
        print("|---|---|---:|---:|---:|---:|")
        for (measure, version), (pred, gold) in measures.items():
            acc, kappa = agreement(pred, gold)
            zeros = sum(p == 0 for p in pred)
            figures.append({"set": name, "measure": measure, "version": version, "n": len(gold),
                            "accuracy": round(acc, 3), "kappa": round(kappa, 3), "neutral": zeros})
            print(f"| {measure} | {version} | {len(gold)} | {acc:.1%} | {kappa:.2f} | {zeros} |")
        primary = [i for i, r in enumerate(coded) if r["target"] in ("Syria", "Ukraine", "US", "DPRK")]
        if len(primary) < len(coded):
            print(f"\nStance, primary targets only (Syria, Ukraine, US, DPRK), n = {len(primary)}: " + "; ".join(
                f"{version} {agreement([pred[i] for i in primary], [gold[i] for i in primary])[0]:.1%}, "
                f"kappa {agreement([pred[i] for i in primary], [gold[i] for i in primary])[1]:.2f}"
                for (measure, version), (pred, gold) in measures.items() if measure == "stance"))
    if not args.no_write:
        path = write_figures(figures, gold_file=", ".join(f"tests/data/{p.name}" for p in SETS.values()), before=args.before)
        print(f"\nwrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
