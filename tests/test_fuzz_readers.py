"""Hypothesis feeds random bytes, CSV, JSONL, HTML, manifests and zip archives to every reader.

Whatever comes in, reading ends in documents or report lines (one line each), or in one
``InputError`` line for a manifest that cannot be used: never another exception.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import tempfile
import warnings
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rhetoric_shift.errors import InputError
from rhetoric_shift.manifest import FORMATS, MANIFEST_NAME
from rhetoric_shift.read import ROW_META_COLUMNS, SUPPORTED, read_inputs

FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Values that broke the reader before, mixed into the random ones.
NASTY_TEXT = ["1e999", "-1", "0", "20150101", "2015-13-45", "bogus", "NaN", "", " ", "\x00", "\u2028", "9" * 5000, "Ünïcödé 2016"]


def read_and_check(inputs: Path) -> None:
    """Read ``inputs``; fail on anything but documents, one-line reports or a one-line InputError."""
    try:
        documents, reports = read_inputs([inputs])
    except InputError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(exc.path)
        return
    paths = {r.path for r in reports}
    for report in reports:
        assert report.status in ("used", "skipped")
        assert "\n" not in report.line() and "\r" not in report.line()
        assert (report.status == "skipped") == bool(report.reason)
        assert report.status == "skipped" or report.doc_ids
    for doc in documents:
        assert doc.path.split("#line=")[0] in paths
        assert isinstance(doc.text, str) and not doc.text.isspace() and doc.text
        assert isinstance(doc.meta.period, int) and dt.MINYEAR <= doc.meta.period <= dt.MAXYEAR
        assert doc.meta.format is None or doc.meta.format in FORMATS
        assert doc.meta.date is None or isinstance(doc.meta.date, dt.date)
    assert len({d.doc_id for d in documents}) == len(documents)


def read_files(files: dict[str, bytes], *, given: str | None = None) -> None:
    """Write ``files`` to a fresh folder and read it (or only the file named ``given``, as a .zip is read)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, data in files.items():
            (folder / name).write_bytes(data)
        read_and_check(folder / given if given else folder)


@FUZZ
@given(suffix=st.sampled_from(sorted(SUPPORTED)), data=st.binary(max_size=3000))
def test_random_bytes_into_every_reader(suffix, data):
    read_files({f"input_2017{suffix}": data})


@FUZZ
@given(suffix=st.sampled_from(sorted(SUPPORTED)), text=st.text(max_size=2000), encoding=st.sampled_from(["utf-8", "utf-16", "cp1252", "cp1251"]))
def test_random_text_in_several_encodings(suffix, text, encoding):
    read_files({f"input{suffix}": text.encode(encoding, errors="replace")})


cells = st.one_of(st.text(max_size=40), st.sampled_from(NASTY_TEXT), st.integers().map(str), st.floats().map(str))
column_names = st.one_of(st.sampled_from(["text", *ROW_META_COLUMNS]), st.text(max_size=8))


@FUZZ
@given(
    header=st.lists(column_names, min_size=1, max_size=6), with_text=st.booleans(),
    rows=st.lists(st.lists(cells, max_size=7), max_size=12), tail=st.text(max_size=30),
)
def test_random_csv(header, with_text, rows, tail):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["text", *header] if with_text else header)
    writer.writerows(rows)
    read_files({"rows.csv": (buffer.getvalue() + tail).encode("utf-8", errors="surrogatepass")})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30) | st.sampled_from(NASTY_TEXT),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)
# Rows with a usable text and metadata values, often ones that broke the reader before, so the
# value checks are reached; and rows of any shape.
nasty_values = st.sampled_from([math.inf, -math.inf, math.nan, 2015.5, 20150101, 10**30, -1, 0, True, None, [], {}, *NASTY_TEXT])
json_rows = st.builds(
    lambda text, meta: {"text": text, **meta},
    st.text(min_size=1, max_size=40), st.dictionaries(st.sampled_from(ROW_META_COLUMNS), nasty_values | json_values, max_size=5),
) | st.dictionaries(column_names, json_values, max_size=8)


@FUZZ
@given(lines=st.lists(st.one_of(json_rows.map(json.dumps), json_values.map(json.dumps), st.text(max_size=40)), max_size=12))
def test_random_jsonl(lines):
    read_files({"rows.jsonl": "\n".join(lines).encode("utf-8", errors="surrogatepass")})


html_pieces = st.one_of(
    st.sampled_from([
        "<p>", "</p>", "<div>", "</div>", "<br>", "<script>", "</script>", "<style>", "<nav>", "</nav>", "<!--", "-->",
        "<![CDATA[", "]]>", "<!DOCTYPE html>", "<?xml?>", "&amp;", "&nbsp;", "&#99999999;", "&#x110000;", "&#0;", "&bogus;",
        "<", ">", "</", "<a href='x'>", "<h1>", "<table><tr><td>", "<![if !IE]>", "<!x", "<!-->", "Sergey Lavrov:", "\n\n",
    ]),
    st.text(max_size=30),
)


@FUZZ
@given(pieces=st.lists(html_pieces, max_size=40))
def test_random_html(pieces):
    read_files({"page_2017.html": "".join(pieces).encode("utf-8", errors="surrogatepass")})


def toml_value(value) -> str:
    """TOML text for a random value (strings as JSON strings, which TOML reads as basic strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, (int, dt.date)):
        return str(value).replace(" ", "T")
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value)


toml_scalars = st.one_of(
    st.text(max_size=20), st.sampled_from(NASTY_TEXT + list(FORMATS) + ["speech.txt"]), st.integers(), st.floats(),
    st.booleans(), st.dates(), st.datetimes(), st.integers(1900, 2100),
)
manifest_keys = st.sampled_from(["id", "file", "source", "period", "actor", "title", "date", "event", "speaker", "format", "extra"])


@FUZZ
@given(
    entries=st.lists(st.dictionaries(manifest_keys, st.one_of(toml_scalars, st.lists(toml_scalars, max_size=2)), max_size=10), max_size=3),
    garbage=st.one_of(st.just(""), st.text(max_size=20)),
)
def test_random_manifests(entries, garbage):
    text = "".join("[[document]]\n" + "".join(f"{key} = {toml_value(value)}\n" for key, value in entry.items()) for entry in entries)
    read_files({"speech.txt": b"We are ready for dialogue.\n", MANIFEST_NAME: (text + garbage).encode("utf-8", errors="surrogatepass")})


@FUZZ
@given(data=st.binary(max_size=3000))
def test_random_bytes_as_a_zip_input(data):
    read_files({"input.zip": data}, given="input.zip")


member_names = st.one_of(
    st.sampled_from(["speech_2017.txt", "a/b_2016.md", "../up.txt", "/abs.txt", "a/../../x.txt", "rows.csv", "rows.jsonl", "page.html", MANIFEST_NAME, "dir/", ".hidden.txt"]),
    st.text(min_size=1, max_size=20),
)


@FUZZ
@given(members=st.lists(st.tuples(member_names, st.one_of(st.binary(max_size=200), st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")))), max_size=6))
def test_random_zip_archives(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a repeated name is one of the hostile cases
        for name, data in members:
            try:
                archive.writestr(name, data)
            except (ValueError, UnicodeEncodeError):  # names zipfile itself cannot store
                continue
    read_files({"input.zip": buffer.getvalue()}, given="input.zip")
