"""The development and held-out sets are well formed, and the attribution benchmark scores right.

The gold files are checked against their documents (every statement, furniture string and label
occurs in the page, statements in reading order); the benchmark's scoring functions are checked
on tiny inline examples whose expected values are worked out by hand. No accuracy thresholds:
those are what bench/bench_attribution.py measures.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

from rhetoric_shift.manifest import FORMATS, load_manifest
from rhetoric_shift.schema import KINDS, PRIMARY_TARGETS

ROOT = Path(__file__).resolve().parent.parent
SETS = [ROOT / "tests" / "data" / "devset", ROOT / "tests" / "data" / "heldout"]
STATEMENT_KEYS = {"text", "speaker", "actor", "kind", "targets"}


def _load_bench():
    spec = importlib.util.spec_from_file_location("bench_attribution", ROOT / "bench" / "bench_attribution.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file executes
    spec.loader.exec_module(module)
    return module


bench = _load_bench()


def _squash(text: str) -> str:
    return " ".join(text.split())


def _gold_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _documents():
    for base in SETS:
        if not (base / "docs" / "manifest.toml").is_file():
            continue
        metas = load_manifest(base / "docs" / "manifest.toml")
        for file_name, meta in metas.items():
            yield pytest.param(base, file_name, meta, id=f"{base.name}/{meta.doc_id}")


def test_devset_has_enough_documents_and_heldout_is_separate():
    dev = load_manifest(SETS[0] / "docs" / "manifest.toml")
    held = load_manifest(SETS[1] / "docs" / "manifest.toml")
    assert len(dev) >= 12
    assert 3 <= len(held) <= 4
    assert not {m.doc_id for m in dev.values()} & {m.doc_id for m in held.values()}
    dev_texts = {_squash((SETS[0] / "docs" / f).read_text(encoding="utf-8")) for f in dev}
    assert not any(_squash((SETS[1] / "docs" / f).read_text(encoding="utf-8")) in dev_texts for f in held)


@pytest.mark.parametrize("base", [b for b in SETS if (b / "docs").is_dir()], ids=lambda b: b.name)
def test_every_document_has_one_gold_file_and_back(base):
    metas = load_manifest(base / "docs" / "manifest.toml")
    ids = {m.doc_id for m in metas.values()}
    assert ids == {p.stem for p in (base / "gold").glob("*.jsonl")}
    # the id is the file stem, so a build without the manifest finds the same gold file
    assert all(Path(file_name).stem == meta.doc_id for file_name, meta in metas.items())
    on_disk = {p.name for p in (base / "docs").iterdir()} - {"manifest.toml"}
    assert on_disk == set(metas)


@pytest.mark.parametrize("base, file_name, meta", list(_documents()))
def test_gold_file_is_well_formed_and_true_to_its_document(base, file_name, meta):
    document = _squash((base / "docs" / file_name).read_text(encoding="utf-8"))
    lines = _gold_lines(base / "gold" / f"{meta.doc_id}.jsonl")
    formats = [line["format"] for line in lines if "format" in line]
    assert len(formats) == 1 and formats[0] in FORMATS
    statements = [line for line in lines if "text" in line]
    assert statements, "a gold file lists at least one statement"
    position = 0
    for statement in statements:
        assert set(statement) == STATEMENT_KEYS, statement
        text = _squash(statement["text"])
        assert statement["kind"] in KINDS or statement["kind"] == bench.ANY, statement
        assert statement["speaker"] is None or (isinstance(statement["speaker"], str) and statement["speaker"].strip())
        actor = statement["actor"]
        assert actor is None or actor == bench.ANY or re.fullmatch(r"[A-Z]{3}", actor), statement
        if statement["speaker"] == "Press":
            assert actor is None and statement["kind"] == "question", statement
        if statement["kind"] == "context":
            assert statement["speaker"] is None, statement
        assert isinstance(statement["targets"], list) and set(statement["targets"]) <= set(PRIMARY_TARGETS)
        assert statement["targets"] == sorted(set(statement["targets"])), "targets sorted, no repeats"
        assert bench.tokens(text), statement
        found = document.find(text, position)
        assert found >= 0, f"not in {file_name} after the previous statement: {text!r}"
        position = found + 1
    for line in lines:
        if "furniture" in line or "label" in line:
            value = _squash(line.get("furniture") or line.get("label"))
            assert value in document, f"not in {file_name}: {value!r}"
            assert not [s for s in statements if value in _squash(s["text"])], f"a gold statement holds {value!r}"
        else:
            assert set(line) in ({"format"}, STATEMENT_KEYS), line


def test_tokens_drop_notes_case_and_punctuation():
    text = "FOREIGN MINISTER LAVROV: (Via interpreter) Good evening, “everyone” [14:00:00] – thanks."
    assert bench.tokens(text) == ["foreign", "minister", "lavrov", "good", "evening", "everyone", "thanks"]
    assert bench.tokens("(inaudible)") == []


def test_coverage_is_the_longest_run_in_order_over_the_gold_length():
    assert bench.coverage(["a", "b", "c", "d"], ["x", "b", "c", "y"]) == 0.5
    assert bench.coverage(["a", "b"], ["q", "a", "b", "r"]) == 1.0
    assert bench.coverage(["a", "b", "c", "d"], ["d", "c", "b", "a"]) == 0.25  # order matters
    assert bench.coverage([], ["a"]) == 0.0


def test_align_pairs_repeats_in_reading_order_and_judges_splits_by_the_largest_part():
    statements = [
        {"text": "Thank you very much"},
        {"text": "one two three four five six seven eight"},
        {"text": "Thank you very much"},
        {"text": "nothing like this appears anywhere at all"},
    ]
    rows = [
        "Thank you very much.",             # 0
        "one two three four five",          # 1: 5 of 8 words of the second statement
        "six seven eight",                  # 2: 3 of 8
        "Thank you very much!",             # 3
        "appears anywhere",                 # 4: 2 of 7 words, under half
    ]
    assert bench.align(statements, rows) == [0, 1, 3, None]


def test_align_prefers_the_tightest_row_among_equal_coverage():
    statements = [{"text": "#Syria"}, {"text": "We are closely monitoring events in Syria"}]
    rows = ["Situation in Syria", "Kiev regime crimes", "#Syria", "We are closely monitoring events in Syria."]
    assert bench.align(statements, rows) == [2, 3]


def test_align_short_statements_need_every_word():
    assert bench.align([{"text": "Thank you"}], ["Thank everyone"]) == [None]
    assert bench.align([{"text": "Thank you"}], ["Thank you"]) == [0]


def test_same_value_rules():
    assert bench.same_value("speaker", "Sergey Lavrov", "sergey  LAVROV")
    assert not bench.same_value("speaker", "Sergey Lavrov", None)
    assert bench.same_value("speaker", None, pd.NA)
    assert bench.same_value("actor", bench.ANY, "USA")
    assert bench.same_value("actor", None, None)
    assert not bench.same_value("actor", None, "RUS")
    assert bench.same_value("targets", ["Syria", "US"], ["US", "Terrorism", "Syria"])  # only primary targets count
    assert not bench.same_value("targets", ["Syria"], ["Syria", "DPRK"])
    assert bench.same_value("kind", "question", "question")


def test_furniture_rows_contain_lie_inside_or_have_no_words():
    furniture = ["Skip to main content", "• de-DE1 en-GB1 es-ES1"]
    assert bench.is_furniture("Skip to main content", furniture)
    assert bench.is_furniture("Home Skip to main content News", furniture)  # contains one
    assert bench.is_furniture("en-GB1 es-ES1", furniture)  # lies inside one
    assert bench.is_furniture("• —", furniture)  # no words at all
    assert not bench.is_furniture("We want an honest investigation", furniture)
    assert bench.is_furniture("main", ["Skip to main content"])  # one word of it is still furniture


def test_label_leaks_match_as_printed():
    labels = ["SECRETARY KERRY:", "(Via interpreter)"]
    assert bench.leaks_label("SECRETARY  KERRY: Well, thank you.", labels)
    assert bench.leaks_label("(Via interpreter) Good evening.", labels)
    assert not bench.leaks_label("Secretary Kerry said he was pleased.", labels)


def test_score_document_counts_by_hand():
    gold = bench.Gold("d1", "transcript", statements=[
        {"text": "What happened in Washington yesterday?", "speaker": "Press", "actor": None,
         "kind": "question", "targets": ["US"]},
        {"text": "The White House has explained everything", "speaker": "Sergey Lavrov", "actor": "RUS",
         "kind": "direct", "targets": ["US"]},
        {"text": "A sentence the build never produced at all", "speaker": "Sergey Lavrov", "actor": "RUS",
         "kind": "direct", "targets": []},
        {"text": "Moderator thanks everyone present today", "speaker": "Moderator", "actor": bench.ANY,
         "kind": "direct", "targets": []},
    ], furniture=["Advanced settings"], labels=["Question:"])
    rows = pd.DataFrame({
        "char_start": [0, 40, 90, 120],
        "text": ["Question: What happened in Washington yesterday?", "The White House has explained everything.",
                 "Advanced settings", "Moderator thanks everyone present today"],
        "speaker": ["Sergey Lavrov", "Sergey Lavrov", None, "Sergey Lavrov"],
        "actor": ["RUS", "RUS", "RUS", "RUS"],
        "kind": ["direct", "direct", "context", "direct"],
        "targets": [["US"], [], [], []],
    })
    counts = bench.score_document(gold, rows)
    assert counts["gold"] == 4 and counts["matched"] == 3 and counts["rows"] == 4
    assert counts["speaker"] == [1, 3]  # question given to Lavrov, moderator given to Lavrov
    assert counts["actor"] == [1, 2]  # the moderator's actor is open ("*")
    assert counts["kind"] == [2, 3]
    assert counts["targets"] == [2, 3]  # the answer lost its US target
    assert counts["furniture_rows"] == 1 and counts["label_leaks"] == 1
    only_speaker = bench.score_document(gold, rows, fields=("speaker",))
    assert only_speaker["kind"] == [0, 0] and only_speaker["speaker"] == [1, 3]


def test_score_document_without_rows_leaves_every_statement_unmatched():
    gold = bench.Gold("d1", "news", statements=[
        {"text": "Lavrov said the talks were useful", "speaker": "Sergey Lavrov", "actor": "RUS",
         "kind": "reported", "targets": []}])
    empty = pd.DataFrame({"char_start": [], "text": []})
    counts = bench.score_document(gold, empty)
    assert counts["matched"] == 0 and counts["rows"] == 0 and counts["furniture_rows"] == 0
