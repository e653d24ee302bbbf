"""Attribution accuracy on real pages the parsers were not written against.

Run: PYTHONPATH=lib python3 bench/bench_attribution.py [--heldout] [--details]

Builds the development set (tests/data/devset/docs, or tests/data/heldout/docs with --heldout)
twice with the library: once with its manifest.toml, once from a copy of the documents without
it (format and date detected). Each produced row is compared with the hand-written gold file
of its document (tests/data/<set>/gold/<doc_id>.jsonl, described in gold/README.md) and the
results are printed as markdown tables; the last five lines are the overall summary. A document
the build skips without its manifest (a page that prints no date or year has no period) is
listed as skipped; its format is still scored, as the one detected from its text.

How rows are aligned to gold statements
- Both texts become word tokens: parenthesised notes of up to 40 characters ("(inaudible)",
  "(Via interpreter)") and bracketed time codes ("[14:00:00]") are removed, the rest lowercased
  and split on non-word characters, so quotes, dashes and punctuation do not matter.
- A gold statement's coverage by a row is the longest run of its tokens that the row contains
  in order, divided by its own length. It is matched to the row of the same document with the
  highest coverage, if that is at least 0.5 (all of it for statements of three words or fewer);
  ties go to rows at or after the previous match, so repeated phrases pair up in reading order,
  and among those to the row with the fewest other words, then the first. A row that merges two gold statements is matched by both; a gold statement
  split over rows is judged by its largest part.
- Speaker, actor, kind and targets are scored over matched gold statements whose gold value
  is not "*" (a value the statement-table contract leaves open). Speakers compare ignoring
  case; targets compare as sets of the primary targets (Syria, Ukraine, US, DPRK).
- A produced row is furniture when it has no words, contains one of the document's furniture
  strings, or is part of one (token runs, as above) without being a gold statement's row. A label leak is a row whose text contains
  one of the document's label strings exactly (case and punctuation as printed).
Nothing here asserts: it measures. Expected values live in the gold files only.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

import pandas as pd

from rhetoric_shift.build import build_table
from rhetoric_shift.schema import PRIMARY_TARGETS
from rhetoric_shift.segment import detect_format

ROOT = Path(__file__).resolve().parent.parent
SETS = {"devset": ROOT / "tests" / "data" / "devset", "heldout": ROOT / "tests" / "data" / "heldout"}
ANY = "*"  # a gold value that every produced value matches
MIN_COVERAGE = 0.5
FIELDS = ("speaker", "actor", "kind", "targets")
SKIPPED = "skipped, detected "  # a document the build skipped, and the format its text shows

_NOTE = re.compile(r"\([^()]{1,40}\)|\[[^\[\]]{1,20}\]")
_WORD = re.compile(r"\w+")


@dataclass
class Gold:
    """The hand-written truth for one document."""

    doc_id: str
    format: str
    statements: list[dict] = field(default_factory=list)
    furniture: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)


def tokens(text: str) -> list[str]:
    """Lowercase word tokens of ``text`` without transcript notes such as "(inaudible)"."""
    return _WORD.findall(_NOTE.sub(" ", text or "").lower())


def coverage(gold_tokens: list[str], row_tokens: list[str]) -> float:
    """Share of ``gold_tokens`` that ``row_tokens`` contains as one run in order (0..1)."""
    if not gold_tokens or not row_tokens:
        return 0.0
    match = SequenceMatcher(None, gold_tokens, row_tokens, autojunk=False).find_longest_match(
        0, len(gold_tokens), 0, len(row_tokens))
    return match.size / len(gold_tokens)


def contains_run(haystack: list[str], needle: list[str]) -> bool:
    """True when ``needle`` occurs in ``haystack`` as a contiguous run of tokens."""
    if not needle:
        return False
    return f" {' '.join(needle)} " in f" {' '.join(haystack)} "


def align(statements: list[dict], row_texts: list[str]) -> list[int | None]:
    """For each gold statement (in reading order), the index of its row in ``row_texts`` or None."""
    row_tokens = [tokens(t) for t in row_texts]
    out: list[int | None] = []
    last = 0
    for statement in statements:
        gold_tokens = tokens(statement["text"])
        needed = 1.0 if len(gold_tokens) <= 3 else MIN_COVERAGE
        scores = [coverage(gold_tokens, rt) for rt in row_tokens]
        best = max(scores, default=0.0)
        if not gold_tokens or best < needed:
            out.append(None)
            continue
        candidates = [i for i, s in enumerate(scores) if s == best]
        pool = [i for i in candidates if i >= last] or candidates
        # the tightest row wins ("#Syria" over a contents line "Situation in Syria"), then the first
        index = max(pool, key=lambda i: (best * len(gold_tokens) / max(len(row_tokens[i]), 1), -i))
        out.append(index)
        last = index
    return out


def same_value(name: str, gold: object, produced: object) -> bool:
    """Whether a produced value agrees with the gold one for column ``name``."""
    if gold == ANY:
        return True
    if name == "targets":
        primary = set(PRIMARY_TARGETS)
        return set(gold or []) & primary == set(list(produced) if produced is not None else []) & primary
    produced = None if produced is None or (not isinstance(produced, str) and pd.isna(produced)) else produced
    if gold is None or produced is None:
        return gold is None and produced is None
    if name == "speaker":
        return " ".join(str(gold).split()).casefold() == " ".join(str(produced).split()).casefold()
    return gold == produced


def is_furniture(row_text: str, furniture: list[str], *, statement: bool = False) -> bool:
    """A row with no words, or one that contains or lies inside a furniture string; ``statement``
    when the row is a gold statement's, which a furniture string may contain ("#Syria" heads a
    section; "Situation in Syria" is an entry of the page's contents)."""
    row = tokens(row_text)
    if not row:
        return True
    for item in furniture:
        item_tokens = tokens(item)
        if contains_run(row, item_tokens) or (not statement and contains_run(item_tokens, row)):
            return True
    return False


def leaks_label(row_text: str, labels: list[str]) -> bool:
    """A row whose text still holds a speaker label or transcript note, as printed."""
    text = " ".join((row_text or "").split())
    return any(" ".join(label.split()) in text for label in labels)


def score_document(gold: Gold, rows: pd.DataFrame, *, fields: tuple[str, ...] = FIELDS) -> dict:
    """Counts for one document: matched gold statements, right values of ``fields``, furniture rows."""
    rows = rows.sort_values("char_start") if len(rows) else rows
    texts = list(rows["text"]) if len(rows) else []
    matches = align(gold.statements, texts)
    statement_rows = {i for i in matches if i is not None}
    counts: dict = {"gold": len(gold.statements), "matched": 0, "rows": len(texts),
                    "furniture_rows": sum(is_furniture(t, gold.furniture, statement=i in statement_rows) for i, t in enumerate(texts)),
                    "label_leaks": sum(leaks_label(t, gold.labels) for t in texts), "misses": []}
    for name in FIELDS:
        counts[name] = [0, 0]  # right, scored
    records = rows.to_dict("records") if len(rows) else []
    for statement, index in zip(gold.statements, matches):
        if index is None:
            counts["misses"].append(("unmatched", statement["text"], None, None))
            continue
        counts["matched"] += 1
        row = records[index]
        for name in fields:
            if statement.get(name, ANY) == ANY:
                continue
            right = same_value(name, statement[name], row.get(name))
            counts[name][0] += right
            counts[name][1] += 1
            if not right:
                counts["misses"].append((name, statement["text"], statement[name], row.get(name)))
    return counts


def load_gold(gold_dir: Path) -> dict[str, Gold]:
    """Every gold file in ``gold_dir``, by document id (the file stem)."""
    out = {}
    for path in sorted(gold_dir.glob("*.jsonl")):
        gold = Gold(path.stem, "")
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            if "format" in item:
                gold.format = item["format"]
            elif "furniture" in item:
                gold.furniture.append(item["furniture"])
            elif "label" in item:
                gold.labels.append(item["label"])
            else:
                gold.statements.append(item)
        out[gold.doc_id] = gold
    return out


def document_files(docs: Path) -> list[Path]:
    return sorted(p for p in docs.iterdir() if p.is_file() and p.name != "manifest.toml")


def build_set(docs: Path, *, with_manifest: bool) -> tuple[pd.DataFrame, dict[str, str]]:
    """The table of ``docs`` and the format each document was read as (with or without its manifest)."""
    if with_manifest:
        result = build_table(document_files(docs), docs / "manifest.toml", enrich=True)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            copies = []
            for path in document_files(docs):
                copies.append(Path(shutil.copy2(path, Path(tmp) / path.name)))
            result = build_table(copies, None, enrich=False)
    formats = {d.doc_id: d.format for d in result.report.documents}
    for path in document_files(docs):
        if path.stem not in formats:  # skipped (no period without a manifest): the layout it shows all the same
            formats[path.stem] = SKIPPED + detect_format(path.read_text(encoding="utf-8", errors="replace"))
    return result.table, formats


def ratio(right: int, total: int) -> str:
    return f"{right / total:.2f} ({right}/{total})" if total else "- (0/0)"


def share(part: int, total: int) -> str:
    return f"{100 * part / total:.0f}% ({part}/{total})" if total else "- (0/0)"


def total_counts(per_doc: dict[str, dict]) -> dict:
    total: dict = {"gold": 0, "matched": 0, "rows": 0, "furniture_rows": 0, "label_leaks": 0}
    for name in FIELDS:
        total[name] = [0, 0]
    for counts in per_doc.values():
        for key in ("gold", "matched", "rows", "furniture_rows", "label_leaks"):
            total[key] += counts[key]
        for name in FIELDS:
            total[name][0] += counts[name][0]
            total[name][1] += counts[name][1]
    return total


def table_with_manifest(per_doc: dict[str, dict]) -> list[str]:
    lines = ["| document | speaker | actor | kind | targets | furniture rows | label leaks | unmatched gold |",
             "|---|---|---|---|---|---|---|---|"]
    for doc_id, c in list(per_doc.items()) + [("**overall**", total_counts(per_doc))]:
        lines.append(f"| {doc_id} | " + " | ".join(ratio(*c[n]) for n in FIELDS)
                     + f" | {share(c['furniture_rows'], c['rows'])} | {share(c['label_leaks'], c['rows'])}"
                     f" | {share(c['gold'] - c['matched'], c['gold'])} |")
    return lines


def table_without_manifest(per_doc: dict[str, dict], golds: dict[str, Gold], formats: dict[str, str]) -> list[str]:
    lines = ["| document | format (gold → detected) | speaker | kind | furniture rows | unmatched gold |",
             "|---|---|---|---|---|---|"]
    for doc_id, c in per_doc.items():
        got = formats.get(doc_id, "skipped")
        mark = "ok" if got.removeprefix(SKIPPED) == golds[doc_id].format else "WRONG"
        lines.append(f"| {doc_id} | {golds[doc_id].format} → {got} ({mark}) | {ratio(*c['speaker'])} | {ratio(*c['kind'])}"
                     f" | {share(c['furniture_rows'], c['rows'])} | {share(c['gold'] - c['matched'], c['gold'])} |")
    return lines


def score_set(golds: dict[str, Gold], table: pd.DataFrame, *, fields: tuple[str, ...]) -> dict[str, dict]:
    groups = {doc_id: rows for doc_id, rows in table.groupby("doc_id")} if len(table) else {}
    empty = table.iloc[0:0]
    return {doc_id: score_document(gold, groups.get(doc_id, empty), fields=fields)
            for doc_id, gold in golds.items()}


def print_details(title: str, per_doc: dict[str, dict]) -> None:
    print(f"\n### Misses {title}\n")
    for doc_id, c in per_doc.items():
        for what, text, want, got in c["misses"]:
            got_text = list(got) if isinstance(got, (list, tuple)) or hasattr(got, "tolist") else got
            print(f"- {doc_id} [{what}] {text[:70]!r}: gold {want!r}, got {got_text!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--heldout", action="store_true", help="measure on the held-out set instead")
    parser.add_argument("--details", action="store_true", help="list every mismatch and unmatched gold statement")
    args = parser.parse_args(argv)
    name = "heldout" if args.heldout else "devset"
    base = SETS[name]
    golds = load_gold(base / "gold")
    clock = time.perf_counter()
    table, _ = build_set(base / "docs", with_manifest=True)
    with_manifest = score_set(golds, table, fields=FIELDS)
    bare_table, formats = build_set(base / "docs", with_manifest=False)
    without_manifest = score_set(golds, bare_table, fields=("speaker", "kind"))  # no actor or targets without a manifest
    seconds = time.perf_counter() - clock

    print(f"## Attribution on the {name} ({len(golds)} documents, "
          f"{sum(len(g.statements) for g in golds.values())} gold statements)\n")
    print("### With manifests\n")
    print("\n".join(table_with_manifest(with_manifest)))
    print("\n### Without manifests\n")
    print("\n".join(table_without_manifest(without_manifest, golds, formats)))
    if args.details:
        print_details("with manifests", with_manifest)
        print_details("without manifests", without_manifest)
    total, bare = total_counts(with_manifest), total_counts(without_manifest)
    n_format = sum(formats.get(d, "").removeprefix(SKIPPED) == g.format for d, g in golds.items())
    skipped = sorted(d for d in golds if formats.get(d, SKIPPED).startswith(SKIPPED))
    print(f"\n{name}: {len(golds)} documents, {total['gold']} gold statements, built twice in {seconds:.1f} s")
    print(f"with manifests: speaker {ratio(*total['speaker'])}, actor {ratio(*total['actor'])}, "
          f"kind {ratio(*total['kind'])}, targets {ratio(*total['targets'])}")
    print(f"with manifests: furniture rows {share(total['furniture_rows'], total['rows'])}, label leaks "
          f"{share(total['label_leaks'], total['rows'])}, unmatched gold {share(total['gold'] - total['matched'], total['gold'])}")
    print(f"without manifests: format right {n_format} of {len(golds)}, speaker {ratio(*bare['speaker'])}, "
          f"unmatched gold {share(bare['gold'] - bare['matched'], bare['gold'])}")
    print(f"without manifests: skipped {len(skipped)} of {len(golds)} (no date or year printed; their format is "
          f"scored as detected): {', '.join(skipped) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
