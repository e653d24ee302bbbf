"""Real UN General Assembly speeches through the plain-paragraph path (runs only where the corpus is).

The UN General Debate Corpus lives in ../shared/corpora on development machines, not on users'
machines; this test skips without it.
"""

from __future__ import annotations

import re
import tarfile
from pathlib import Path

import pytest

from conftest import ROOT, assert_statement_table
from rhetoric_shift.build import build_table
from rhetoric_shift.segment import LONG_LINE

ARCHIVE = ROOT.parent / "shared" / "corpora" / "ungdc_1946-2024.tar.gz"
SPEECHES = {  # Russia's General Assembly speeches in the seed corpus's years, delivered by Lavrov
    "RUS_69_2014": "TXT/Session 69 - 2014/RUS_69_2014.txt",
    "RUS_71_2016": "TXT/Session 71 - 2016/RUS_71_2016.txt",
    "RUS_72_2017": "TXT/Session 72 - 2017/RUS_72_2017.txt",
}

pytestmark = pytest.mark.skipif(not ARCHIVE.is_file(), reason=f"the UN General Debate Corpus is not at {ARCHIVE}")


@pytest.fixture(scope="module")
def speeches(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("ungdc")
    with tarfile.open(ARCHIVE) as archive:
        for doc_id, member in SPEECHES.items():
            data = archive.extractfile(member).read()
            (folder / f"{doc_id}.txt").write_bytes(data)
    entries = "".join(
        f'[[document]]\nid = "{doc_id}"\nfile = "{doc_id}.txt"\nsource = "UN General Assembly"\n'
        f'period = {doc_id[-4:]}\nactor = "RUS"\nspeaker = "Sergey Lavrov"\nformat = "paragraphs"\n\n'
        for doc_id in SPEECHES
    )
    (folder / "manifest.toml").write_text(entries, encoding="utf-8")
    return folder


def expected_paragraphs(text: str) -> int:
    """Paragraphs as a reader counts them: blank-line-separated blocks, and long lines of their own."""
    count = 0
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        # inside a block, every long line that closes a sentence ends a paragraph
        count += 1 + sum(1 for line in lines[:-1] if len(line.strip()) > LONG_LINE and line.strip()[-1] in ".!?”\"")
    return count


def test_un_speeches_become_one_direct_statement_per_paragraph(speeches):
    table = build_table([speeches]).table
    assert_statement_table(table)
    assert set(table["kind"]) == {"direct"} and set(table["speaker"]) == {"Sergey Lavrov"}
    for doc_id in SPEECHES:
        text = (speeches / f"{doc_id}.txt").read_text(encoding="utf-8")
        rows = table[table["doc_id"] == doc_id]
        assert len(rows) == expected_paragraphs(text), doc_id
        # hard-wrapped lines are joined back: no statement ends mid-sentence at a line break
        assert rows["text"].str.contains("\n").sum() == 0
    assert table.loc[table["period"] == 2014, "targets"].map(lambda t: "Ukraine" in t).sum() >= 5
