"""The UN General Debate reader on a small archive shaped like the distributed corpus, written here."""

from __future__ import annotations

import io
import random
import re
import tarfile
import textwrap
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT, assert_statement_table
from rhetoric_shift import ungdc
from rhetoric_shift.build import build_table
from rhetoric_shift.read import read_inputs
from rhetoric_shift.spans import normalize_whitespace

# Three paragraphs of one speech, delivered on one line each (as the recent sessions are).
RUS_PARAGRAPHS = [
    "Mr. President, the crisis in Ukraine cannot be resolved by force; we call on all parties to implement the Minsk agreements in full.",
    "The conflict in Syria has lasted too long. Russia supports the Geneva talks and the fight against terrorism in that country.",
    "We are ready to work with everyone who respects international law and the central role of the United Nations Charter.",
]
# Three paragraphs typeset in narrow columns: hard-wrapped, no blank line between paragraphs.
FRA_PARAGRAPHS = [
    "France welcomes the fiftieth anniversary of the Organization. It was founded on the ruins of a terrible war.",
    "The Organization must adapt to a changed world. Peacekeeping has grown beyond what its founders imagined, and "
    "its finances no longer match the tasks that the Member States give it every year in this Hall.",
    "Let us therefore reform the Security Council. Its composition should reflect the world as it is today.",
]
USA_PARAGRAPHS = ["We meet in a year of hope.", "The United States will keep its commitments to this Organization."]
SPEAKERS = [
    ("Year", "Session", "ISO Code", "Country", "Name of Person Speaking", "Post"),
    (2017, 72, "RUS", "Russia", "Mr. Sergey  Lavrov", "Minister for Foreign Affairs"),
    (1995, 50, "FRA", "France", "Mr. HERVÉ DE CHARETTE ", "Minister for Foreign Affairs "),
]


def wrapped(paragraphs: list[str], width: int = 48) -> str:
    """The paragraphs filled to ``width`` like a typeset column: one line break between paragraphs."""
    return "\n".join(textwrap.fill(p, width) for p in paragraphs) + "\n"


def fra_text() -> str:
    """The French speech with a page break (page number and blank lines) in the middle of paragraph 2."""
    lines = wrapped(FRA_PARAGRAPHS).splitlines()
    cut = next(i for i, line in enumerate(lines) if line.rstrip().endswith(("and", "the", "of", "its", "to", "no")) and i > 3)
    return "\n".join(lines[: cut + 1] + ["12", "", "", ""] + lines[cut + 1:]) + "\n"


def speakers_sheet() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in SPEAKERS:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def corpus_files() -> dict[str, bytes]:
    return {
        "README.txt": b"The UN General Debate Corpus, a sample.\n",
        "Speakers_by_session.xlsx": speakers_sheet(),
        "TXT/Session 72 - 2017/RUS_72_2017.txt": ("\n".join(RUS_PARAGRAPHS) + "\n").encode(),
        "TXT/Session 50 - 1995/FRA_50_1995.txt": fra_text().encode(),
        # bare carriage returns end the lines of some files
        "TXT/Session 50 - 1995/USA_50_1995.txt": "\ufeff".encode() + "\r".join(USA_PARAGRAPHS).encode(),
        "TXT/Session 35 - 1980/.Rhistory": b"setwd('~/ungdc')\nlibrary(readtext)\n",
    }


def write_archive(path: Path, files: dict[str, bytes], *, sheet_last: bool = False) -> Path:
    names = sorted(files, key=lambda n: (sheet_last and n.endswith(".xlsx"), n))
    with tarfile.open(path, "w:gz") as archive:
        for name in names:
            info = tarfile.TarInfo(name)
            info.size = len(files[name])
            archive.addfile(info, io.BytesIO(files[name]))
    return path


def write_folder(path: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_bytes(data)
    return path


@pytest.fixture
def archive(tmp_path) -> Path:
    return write_archive(tmp_path / "ungdc_sample.tar.gz", corpus_files())


def test_every_speech_becomes_its_paragraphs_with_actor_period_and_speaker(archive):
    result = build_table([archive], enrich=False)
    table = result.table
    assert_statement_table(table)
    rus = table[table["doc_id"] == "RUS_72_2017"]
    assert rus["text"].tolist() == RUS_PARAGRAPHS
    assert set(rus["actor"]) == {"RUS"} and set(rus["period"]) == {2017}
    assert set(rus["speaker"]) == {"Sergey Lavrov"} and set(rus["kind"]) == {"direct"}
    assert set(table["source"]) == {"UN General Assembly"}
    fra = table[table["doc_id"] == "FRA_50_1995"]
    # wrapped lines joined, the page break inside paragraph 2 joined, its page number left out
    assert fra["text"].tolist() == FRA_PARAGRAPHS
    assert set(fra["speaker"]) == {"Hervé De Charette"} and set(fra["period"]) == {1995}
    usa = table[table["doc_id"] == "USA_50_1995"]
    assert usa["text"].tolist() == USA_PARAGRAPHS
    # not in the speakers sheet: nobody is named, so the paragraphs are context, not anyone's quotes
    assert usa["speaker"].isna().all() and set(usa["kind"]) == {"context"}
    posts = {d.doc_id: d.post for d in result.report.documents}
    assert posts == {"RUS_72_2017": "Minister for Foreign Affairs", "FRA_50_1995": "Minister for Foreign Affairs", "USA_50_1995": None}


def test_offsets_point_into_the_speech_as_distributed(archive):
    table = build_table([archive], enrich=False).table
    raw = {name.rsplit("/", 1)[-1][:-4]: data.decode("utf-8-sig") for name, data in corpus_files().items() if name.endswith("_1995.txt") or name.endswith("_2017.txt")}
    for row in table.itertuples():
        source = normalize_whitespace(raw[row.doc_id][row.char_start:row.char_end])
        if "12" in source.split():  # the paragraph the page break splits: the page number lies inside its span
            source = source.replace(" 12 ", " ")
        assert source == row.text


def test_stray_files_are_skipped_and_reported(archive):
    report = build_table([archive], enrich=False).report
    skipped = {Path(f.path).name: f.reason for f in report.files if f.status == "skipped"}
    assert skipped == {"README.txt": "corpus documentation, not a speech", ".Rhistory": "hidden file, not a speech"}
    lines = report.lines()
    assert sum(line.startswith("skipped") for line in lines) == 2
    notes = {Path(f.path).name: f.notes for f in report.files if f.status == "used"}
    assert notes["FRA_50_1995.txt"] == ["1 page-number line(s) left out"]


def test_archive_and_extracted_folder_give_the_same_table(archive, tmp_path):
    folder = write_folder(tmp_path / "extracted", corpus_files())
    from_archive = build_table([archive], enrich=False).table
    from_folder = build_table([folder], enrich=False).table
    by_id = ["doc_id", "char_start"]
    assert from_archive.sort_values(by_id).reset_index(drop=True).equals(from_folder.sort_values(by_id).reset_index(drop=True))


def test_speakers_sheet_after_the_speeches_still_names_them(tmp_path):
    archive = write_archive(tmp_path / "late_sheet.tgz", corpus_files(), sheet_last=True)
    table = build_table([archive], enrich=False).table
    assert set(table.loc[table["doc_id"] == "RUS_72_2017", "speaker"]) == {"Sergey Lavrov"}


def test_actor_and_year_filters_keep_only_matching_speeches(archive):
    result = build_table([archive], enrich=False, actors=["fra", "RUS"], years=(1990, 2000))
    assert set(result.table["doc_id"]) == {"FRA_50_1995"}
    assert result.report.filtered == 2


def test_read_inputs_reads_a_corpus_without_a_manifest(archive):
    documents, reports = read_inputs([archive])
    assert sorted(d.doc_id for d in documents) == ["FRA_50_1995", "RUS_72_2017", "USA_50_1995"]
    assert sum(r.status == "skipped" for r in reports) == 2


@pytest.mark.parametrize(
    ("text", "paragraphs"),
    [
        ("One paragraph on a long line that goes on well past any width a typesetter would use for a column of print.\n"
         "A second paragraph on its own long line, again longer than one hundred characters in all, as modern files are.",
         2),
        ("a sentence broken\n7\n\n\nacross a page", 1),  # lower case after a page break: the same sentence
        ("The first paragraph ends.\n\nThe second begins after a blank line.", 2),
        ("Words run on to a\nline break without a full stop", 1),
        # one paragraph per long line, one of them split by a page break before a proper noun
        ("We are fighting terrorism in the region, and for some reason it is tolerated by members of a coalition. Recent developments in\n"
         "Syria have given grounds for cautious optimism, as the meeting held in Astana finalized the zones agreed upon earlier.", 1),
        # a long line that stops mid-sentence before a numbered paragraph: the number opens a new one
        ("It is our duty to combat that phenomenon while at the same time promoting a society where every citizen has a place,\n"
         "111.\tThe second fact is this: in the present circumstances, the armaments race goes on.", 2),
    ],
)
def test_reflow_finds_paragraphs(text, paragraphs):
    flowed, _, _ = ungdc.reflow(text)
    assert len(flowed.split("\n\n")) == paragraphs


def test_reflow_maps_every_character_back_to_the_original():
    text = "First line of a\nparagraph.\n\n  Second\r\nparagraph here."
    flowed, offsets, _ = ungdc.reflow(text)
    assert flowed == "First line of a paragraph.\n\nSecond paragraph here."
    for i, ch in enumerate(flowed):
        start, end = offsets[i], offsets.ends[i]
        assert text[start:end] == ch or (ch.isspace() and start == end)


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
def test_reflow_reads_every_line_end_alike(line_end):
    # a zero-width space before the indent, a page number between two paragraphs
    lines = ["\u200b  First line of a", "paragraph.", "", "12", "", "Second paragraph, page", "number above."]
    text = line_end.join(lines)
    flowed, offsets, page_numbers = ungdc.reflow(text)
    assert flowed == "First line of a paragraph.\n\nSecond paragraph, page number above."
    assert page_numbers == 1
    assert offsets[0] == 3  # past the zero-width space and the indent
    for i, ch in enumerate(flowed):
        start, end = offsets[i], offsets.ends[i]
        assert text[start:end] == ch or (ch.isspace() and start == end)


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [("Mr. VYSHINSKY ", "Vyshinsky"), ("Mr. Sergey  Lavrov", "Sergey Lavrov"), ("Abdullah II ibn Al Hussein", "Abdullah II ibn Al Hussein"), ("H.E. Mrs. Ellen Johnson-Sirleaf", "Ellen Johnson-Sirleaf")],
)
def test_speaker_names_are_canonicalised(printed, canonical):
    assert ungdc.canonical_name(printed) == canonical


def test_a_broken_archive_is_one_line_naming_it(tmp_path):
    from conftest import assert_user_error
    from rhetoric_shift.errors import InputError

    bad = tmp_path / "broken.tar.gz"
    bad.write_bytes(b"\x1f\x8b not really gzip")
    with pytest.raises(InputError) as info:
        build_table([bad], enrich=False)
    assert_user_error(info.value, bad, "not a readable tar archive")


CORPUS = ROOT.parent / "shared" / "corpora" / "ungdc_1946-2024.tar.gz"


@pytest.mark.skipif(not CORPUS.is_file(), reason=f"the UN General Debate Corpus is not at {CORPUS}")
def test_one_real_session_from_the_distributed_archive():
    result = build_table([CORPUS], enrich=False, years=(1995, 1995))
    table = result.table
    assert_statement_table(table)
    assert table["doc_id"].nunique() >= 150 and set(table["period"]) == {1995}
    assert (table["n_words"] > 2000).sum() == 0  # hard-wrapped paragraphs are rebuilt, not one per page
    per_speech = table.groupby("doc_id").size()
    assert 15 <= per_speech.median() <= 60
    rus = table[table["doc_id"] == "RUS_50_1995"]
    assert set(rus["speaker"]) == {"Kozyrev"}
    assert rus["text"].iloc[0].startswith("First of all, allow me to congratulate my colleague")


# --- the speakers sheet, read without openpyxl -----------------------------------------------
# Sheets are written by openpyxl (which stores text as inline strings), then rewritten part by
# part into the other shapes Excel and other producers write. Each case states its mapping, and
# openpyxl's own reading of the same bytes (``speakers_by_openpyxl``) must agree with it.

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook(*sheets: list[tuple]) -> bytes:
    """An .xlsx with one sheet per list of rows, in order; ``None`` leaves a cell empty."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for i, rows in enumerate(sheets):
        sheet = book.create_sheet(f"Sheet {i + 1}")
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite(data: bytes, edit) -> bytes:
    """The workbook with its parts (zip name → bytes) changed in place by ``edit``."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    edit(parts)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        for name, part in parts.items():
            book.writestr(name, part)
    return buffer.getvalue()


def replace_in(name: str, *changes: tuple[str, str]):
    """An edit for ``rewrite``: each (old, new) text replaced in the part ``name``, in turn; old must be there."""
    def edit(parts: dict[str, bytes]) -> None:
        text = parts[name].decode()
        for old, new in changes:
            assert old in text, f"{old!r} not in {name}"
            text = text.replace(old, new)
        parts[name] = text.encode()
    return edit


def share_strings(parts: dict[str, bytes]) -> None:
    """Move every inline string of every sheet into xl/sharedStrings.xml, rich-text runs and all, as Excel stores them."""
    ET.register_namespace("", MAIN_NS)
    table = ET.Element(f"{{{MAIN_NS}}}sst")
    for name in [n for n in parts if n.startswith("xl/worksheets/")]:
        sheet = ET.fromstring(parts[name])
        for cell in sheet.iter(f"{{{MAIN_NS}}}c"):
            if cell.get("t") == "inlineStr":
                inline = cell.find(f"{{{MAIN_NS}}}is")
                cell.remove(inline)
                inline.tag = f"{{{MAIN_NS}}}si"
                table.append(inline)
                cell.set("t", "s")
                ET.SubElement(cell, f"{{{MAIN_NS}}}v").text = str(len(table) - 1)
        parts[name] = ET.tostring(sheet)
    parts["xl/sharedStrings.xml"] = ET.tostring(table)
    replace_in("xl/_rels/workbook.xml.rels", ("</Relationships>",
               '<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'))(parts)
    replace_in("[Content_Types].xml", ("</Types>",
               '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))(parts)


def swap_sheet_files(parts: dict[str, bytes]) -> None:
    """Store the first sheet in sheet2.xml and the second in sheet1.xml, the first one's target written relative to xl/."""
    parts["xl/worksheets/sheet1.xml"], parts["xl/worksheets/sheet2.xml"] = parts["xl/worksheets/sheet2.xml"], parts["xl/worksheets/sheet1.xml"]
    replace_in("xl/_rels/workbook.xml.rels", ('Target="/xl/worksheets/sheet1.xml"', 'Target="@first"'),
               ('Target="/xl/worksheets/sheet2.xml"', 'Target="/xl/worksheets/sheet1.xml"'),
               ('Target="@first"', 'Target="worksheets/sheet2.xml"'))(parts)


def speakers_by_openpyxl(data: bytes) -> dict:
    """The reference: the speakers mapping read with openpyxl (read-only, values only)."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = [str(v or "").strip().lower() for v in next(rows)]
    col_year, col_iso, col_name = (header.index(k) for k in ("year", "iso code", "name of person speaking"))
    col_post = header.index("post") if "post" in header else None
    speakers = {}
    for row in rows:
        if len(row) <= max(col_year, col_iso, col_name) or not row[col_name] or not row[col_iso]:
            continue
        try:
            year = int(row[col_year])
        except (TypeError, ValueError):
            continue
        post = row[col_post] if col_post is not None and col_post < len(row) else None
        speakers[(str(row[col_iso]).strip().upper(), year)] = (ungdc.canonical_name(row[col_name]), " ".join(str(post).split()) if post else None)
    book.close()
    return speakers


def rich(*runs: str):
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    return CellRichText([runs[0], *(TextBlock(InlineFont(b=True), run) for run in runs[1:])])


HEADER = ("Year", "Session", "ISO Code", "Country", "Name of Person Speaking", "Post")
RUS_2017 = (2017, 72, "RUS", "Russia", "Mr. Sergey Lavrov", "Minister for Foreign Affairs")
AGO_2018 = (2018, 73, "AGO", "Angola", rich("Mr. Jo", "ão Lourenço"), "President")
LAVROV = ("Sergey Lavrov", "Minister for Foreign Affairs")
LOURENCO = ("João Lourenço", "President")

SHEETS = {
    # Excel's layout: every text in the shared strings, a name in two rich-text runs
    "shared strings": (rewrite(workbook([HEADER, RUS_2017, AGO_2018]), share_strings),
                       {("RUS", 2017): LAVROV, ("AGO", 2018): LOURENCO}),
    # openpyxl's layout: inline strings; the header in another order, case and padding
    "inline strings, other column order": (
        workbook([(" post", "NAME OF PERSON SPEAKING ", "iso code", "YEAR"), ("President", "Mr. João Lourenço", "AGO", 2018)]),
        {("AGO", 2018): LOURENCO}),
    # empty columns between the used ones, Post in column AA (27), a row without ISO code (left out):
    # positions come from the cells' references, not their order
    "skipped columns": (
        rewrite(workbook([("Year", None, "ISO Code", None, "Name of Person Speaking") + (None,) * 21 + ("Post",),
                          (2017, None, "rus", None, "Mr. Sergey Lavrov") + (None,) * 21 + ("Minister for  Foreign Affairs",),
                          (1995, None, "FRA", None, "Mr. HERVÉ DE CHARETTE"),
                          (1996, None, None, None, "Mr. Nobody") + (None,) * 21 + ("No country",)]), share_strings),
        {("RUS", 2017): LAVROV, ("FRA", 1995): ("Hervé De Charette", None)}),
    # a year stored as a float, one as a formula's text result, one that is not a year (left out)
    "years as float and formula text": (
        rewrite(workbook([HEADER, RUS_2017, (1995, 50, "FRA", "France", "Mr. Hervé de Charette", None), (2001, 56, "USA", "USA", "Mr. Colin Powell", None),
                          ("n/a", 1, "GBR", "UK", "Mr. Bevin", None)]),
                replace_in("xl/worksheets/sheet1.xml", ('<c r="A3" t="n"><v>1995</v>', '<c r="A3" t="n"><v>1995.0</v>'),
                           ('<c r="A4" t="n"><v>2001</v></c>', '<c r="A4" t="str"><f>TEXT(2001,"0")</f><v>2001</v></c>'))),
        {("RUS", 2017): LAVROV, ("FRA", 1995): ("Hervé de Charette", None), ("USA", 2001): ("Colin Powell", None)}),
    # the first sheet in the workbook's order is read, wherever its part is stored; the second is ignored
    "second sheet ignored": (
        rewrite(workbook([HEADER, RUS_2017], [HEADER, (2017, 72, "RUS", "Russia", "Mr. Somebody Else", "Not a minister")]), swap_sheet_files),
        {("RUS", 2017): LAVROV}),
    "no Post column": (workbook([HEADER[:5], RUS_2017[:5]]), {("RUS", 2017): (LAVROV[0], None)}),
}


@pytest.mark.parametrize("case", list(SHEETS))
def test_speakers_sheet_reads_as_openpyxl_reads_it(case):
    data, expected = SHEETS[case]
    ungdc.read_speakers.cache_clear()
    assert ungdc.read_speakers(data) == expected
    assert speakers_by_openpyxl(data) == expected


def test_escaped_characters_in_shared_strings_are_decoded():
    # Excel writes a carriage return inside a cell's text as _x000D_, and a literal "_x" as _x005F_x
    data = rewrite(workbook([HEADER, (2017, 72, "RUS", "Russia", "Mr. Sergey Lavrov", "Minister for@Foreign Affairs_x005F_x0031_")]), share_strings)
    data = rewrite(data, replace_in("xl/sharedStrings.xml", ("@", "_x000D__x000A_")))
    assert ungdc.read_speakers(data) == {("RUS", 2017): (LAVROV[0], "Minister for Foreign Affairs_x0031_")}


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"PK\x03\x04 not really a zip", "not a readable Excel workbook"),
        (rewrite(workbook([HEADER, RUS_2017]), lambda parts: parts.pop("xl/workbook.xml")), "not a readable Excel workbook (xl/workbook.xml missing)"),
        (rewrite(workbook([HEADER, RUS_2017]), lambda parts: parts.pop("xl/worksheets/sheet1.xml")), "not a readable Excel workbook (xl/worksheets/sheet1.xml missing)"),
        (rewrite(workbook([HEADER, RUS_2017]), replace_in("xl/worksheets/sheet1.xml", ("</sheetData>", "</sheetDta>"))), "not a readable Excel workbook (malformed XML"),
        # a text cell pointing past the shared strings (here there are none at all)
        (rewrite(workbook([HEADER, RUS_2017]), replace_in("xl/worksheets/sheet1.xml", ('<c r="C2" t="inlineStr"><is><t>RUS</t></is>', '<c r="C2" t="s"><v>7</v>'))),
         "not a readable Excel workbook (a cell refers to shared strings, but the workbook has none)"),
        (workbook([("Year", "ISO", "Speaker"), (2017, "RUS", "Mr. Sergey Lavrov")]), "the first sheet lacks the columns Year, ISO Code and Name of Person Speaking"),
        (workbook([], [HEADER, RUS_2017]), "the first sheet lacks the columns"),  # the speakers are on the second sheet
    ],
    ids=["not a zip", "no workbook part", "no sheet part", "malformed XML", "bad shared string", "other columns", "empty first sheet"],
)
def test_an_unreadable_speakers_sheet_is_skipped_with_its_reason(data, problem):
    with pytest.raises(ungdc.SkipFile, match=re.escape(problem)):
        ungdc.read_speakers(data)


def test_a_part_that_inflates_beyond_the_limit_is_refused_before_reading():
    data = bytearray(workbook([HEADER, RUS_2017]))
    # declare the sheet's uncompressed size as 300 MB in its central directory entry (the last copy of its name, 46 bytes in)
    entry = data.rindex(b"xl/worksheets/sheet1.xml") - 46
    assert data[entry: entry + 4] == b"PK\x01\x02"
    data[entry + 24: entry + 28] = (300 * 2**20).to_bytes(4, "little")
    with pytest.raises(ungdc.SkipFile, match="xl/worksheets/sheet1.xml inflates to 300 MB, above the 200 MB limit"):
        ungdc.read_speakers(bytes(data))


def test_a_damaged_workbook_gives_speakers_or_a_reason_never_a_crash():
    base = bytearray(rewrite(workbook([HEADER, RUS_2017, AGO_2018]), share_strings))
    rng = random.Random(7)
    outcomes = {"read": 0, "skipped": 0}
    for _ in range(300):
        data = bytearray(base)
        for _ in range(rng.randint(1, 3)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            speakers = ungdc.read_speakers(bytes(data))
        except ungdc.SkipFile as exc:
            assert str(exc).startswith(("not a readable Excel workbook", "the first sheet lacks"))
            outcomes["skipped"] += 1
        else:
            assert isinstance(speakers, dict)
            outcomes["read"] += 1
    assert outcomes["read"] and outcomes["skipped"]
