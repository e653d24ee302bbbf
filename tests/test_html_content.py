"""HTML pages: only the main content reaches the segmenter, and offsets still point into the HTML."""

from __future__ import annotations

import pytest

from rhetoric_shift.build import build_table
from rhetoric_shift.read import html_to_text
from rhetoric_shift.spans import normalize_whitespace

pytest.importorskip("trafilatura")

ARTICLE = " ".join(["Russian Foreign Minister Sergei Lavrov said on Wednesday that the strikes violated international law."] * 2)
PAGE = f"""<html><head><title>Lavrov on the strikes</title></head><body>
<div class="top"><ul><li><a href="/">Skip to main content</a></li><li><a href="/de">de-DE</a></li><li><a href="/en">en-GB</a></li></ul></div>
<div class="sidebar"><h3>Sport</h3><ul><li><a href="/s/1">Arsenal beat Chelsea in a thrilling derby</a></li>
<li><a href="/s/2">Five things we learned from the weekend</a></li></ul></div>
<article><h1>Lavrov warns Washington over Syria strikes</h1>
<p>MOSCOW, April 12 (Reuters) - {ARTICLE}</p>
<p>&quot;We will not accept ultimatums,&quot; Lavrov said. &quot;The strikes were an act of aggression against a sovereign state.&quot;</p>
<p>He added that Moscow would raise the issue at the United Nations Security Council later this week.</p>
</article>
<footer><p>Copyright 2017 Example News. All rights reserved.</p></footer>
</body></html>"""
MANIFEST = """[[document]]
id = "page"
file = "page.html"
source = "Example News"
period = 2017
actor = "RUS"
speaker = "Sergey Lavrov"
format = "news"
"""


def test_menus_and_teasers_are_removed_and_listed_with_a_reason(tmp_path):
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    result = build_table([tmp_path], enrich=False)
    texts = " ".join(result.table["text"])
    assert "Arsenal" not in texts and "Skip to main content" not in texts
    assert "We will not accept ultimatums" in texts
    removed = [d for d in result.report.documents[0].dropped if d["reason"] == "outside main content"]
    assert any("Arsenal" in d["text"] for d in removed)
    for d in removed:  # a removed block's span is where that text sits in the HTML
        assert normalize_whitespace(d["text"]).split()[0] in PAGE[d["char_start"]:d["char_end"]]


def test_offsets_still_point_into_the_html_source(tmp_path):
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    table = build_table([tmp_path], enrich=False).table
    for row in table.itertuples():
        plain, _, _ = html_to_text(PAGE[row.char_start:row.char_end])
        assert normalize_whitespace(plain) == row.text
