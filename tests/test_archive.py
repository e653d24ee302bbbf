"""Zip inputs: hostile members are refused with a report line and the rest of the archive is read.

Every archive is built here, member by member, so each test knows exactly what it holds.
"""

from __future__ import annotations

import io
import stat
import struct
import tempfile
import zipfile
from pathlib import Path

import pytest

from conftest import assert_statement_table, assert_user_error
from rhetoric_shift.archive import member_path, safe_extract
from rhetoric_shift.build import build_table
from rhetoric_shift.errors import InputError
from rhetoric_shift.read import read_inputs

GOOD = "In 2017 the minister said the talks on Syria must go on."


def make_zip(path: Path, members: list[tuple[str | zipfile.ZipInfo, bytes]], *, method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=method) as zf:
        for name, data in members:
            zf.writestr(name, data, compress_type=method)
    return path


def special(name: str, mode: int, data: bytes = b"") -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # Unix: the mode lives in the high 16 bits of external_attr
    info.external_attr = (mode | 0o644) << 16
    return info, data


def extracted(dest: Path) -> list[str]:
    return sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())


def reasons(refused) -> dict[str, str]:
    return {r.path.split(".zip/", 1)[1]: r.reason for r in refused}


@pytest.mark.parametrize("name", ["../evil.txt", "a/../../evil.txt", "/abs/evil.txt", "C:/evil.txt", "..\\evil.txt", "//host/share/evil.txt"])
def test_a_name_climbing_out_is_refused_and_the_rest_extracted(tmp_path: Path, name: str) -> None:
    archive = make_zip(tmp_path / "in.zip", [(name, b"owned"), ("ok.txt", GOOD.encode())])
    dest = tmp_path / "out" / "x"
    refused = safe_extract(archive, dest)
    assert extracted(dest) == ["ok.txt"]
    assert len(refused) == 1 and refused[0].status == "skipped" and "outside the archive" in refused[0].reason
    assert not (tmp_path / "out" / "evil.txt").exists() and not Path("/abs/evil.txt").exists()


def test_member_names_are_normalised_or_refused() -> None:
    assert member_path("a/./b//c.txt") == "a/b/c.txt"
    assert member_path("dir\\file.txt") == "dir/file.txt"
    assert member_path("a/b/../c.txt") is None  # '..' anywhere is refused, even if it stays inside
    assert member_path("./") is None and member_path("") is None and member_path("a\x00.txt") is None


@pytest.mark.parametrize(("mode", "kind"), [(stat.S_IFLNK, "symbolic link"), (stat.S_IFCHR, "character device"),
                                            (stat.S_IFBLK, "block device"), (stat.S_IFIFO, "FIFO")])
def test_links_and_special_files_are_refused(tmp_path: Path, mode: int, kind: str) -> None:
    archive = make_zip(tmp_path / "in.zip", [special("link.txt", mode, b"/etc/passwd"), ("ok.txt", GOOD.encode())])
    refused = safe_extract(archive, tmp_path / "out")
    assert extracted(tmp_path / "out") == ["ok.txt"]
    assert kind in reasons(refused)["link.txt"]
    assert not (tmp_path / "out" / "link.txt").is_symlink()


def test_a_highly_compressible_large_member_is_refused_by_its_ratio(tmp_path: Path) -> None:
    # 8 MiB of one byte deflates to about 8 KiB: a ratio near 1000:1.
    archive = make_zip(tmp_path / "in.zip", [("bomb.txt", b"a" * (8 << 20)), ("ok.txt", GOOD.encode())])
    refused = safe_extract(archive, tmp_path / "out", max_ratio=100)
    assert extracted(tmp_path / "out") == ["ok.txt"]
    assert "compression ratio" in reasons(refused)["bomb.txt"]


def test_many_small_members_may_not_expand_the_archive_past_the_ratio(tmp_path: Path) -> None:
    # 30 members of 200 KiB of one byte: each is below the 1 MiB floor of the per-member check,
    # but the archive (about 10 KB) would expand to 6 MB. Five members (1,024,000 bytes) stay
    # under the floor; the sixth would pass it at a ratio far above 100:1, so it and the 24
    # after it are refused in one line.
    members = [("ok.txt", GOOD.encode())] + [(f"m{i:02}.txt", b"a" * 200 * 1024) for i in range(30)]
    archive = make_zip(tmp_path / "in.zip", members)
    assert archive.stat().st_size < 20_000
    refused = safe_extract(archive, tmp_path / "out", max_ratio=100)
    assert extracted(tmp_path / "out") == ["m00.txt", "m01.txt", "m02.txt", "m03.txt", "m04.txt", "ok.txt"]
    assert len(refused) == 1
    assert refused[0].path == f"{archive}/m05.txt (and 24 more members)"
    assert "would expand past 100 times its" in refused[0].reason and "zip bomb" in refused[0].reason


def test_a_small_member_may_compress_well(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "in.zip", [("spaces.txt", b" " * 100_000 + GOOD.encode())])
    assert safe_extract(archive, tmp_path / "out") == []
    assert extracted(tmp_path / "out") == ["spaces.txt"]


def _lie_about_size(path: Path, declared: int) -> None:
    """Rewrite the first member's uncompressed size in its local header and central directory entry."""
    data = bytearray(path.read_bytes())
    assert data[:4] == b"PK\x03\x04"
    struct.pack_into("<I", data, 22, declared)  # local file header: uncompressed size
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, declared)  # central directory: uncompressed size
    path.write_bytes(bytes(data))


def test_a_member_lying_about_its_size_is_stopped_while_extracting(tmp_path: Path) -> None:
    # Declares 100 bytes (so the declared-size and ratio checks pass) but inflates to 4 MiB.
    archive = make_zip(tmp_path / "in.zip", [("liar.txt", b"b" * (4 << 20)), ("ok.txt", GOOD.encode())])
    _lie_about_size(archive, 100)
    with zipfile.ZipFile(archive) as zf:
        assert zf.getinfo("liar.txt").file_size == 100
    refused = safe_extract(archive, tmp_path / "out")
    assert extracted(tmp_path / "out") == ["ok.txt"]
    assert "declared size" in reasons(refused)["liar.txt"]
    assert sum(p.stat().st_size for p in (tmp_path / "out").rglob("*") if p.is_file()) == len(GOOD)


def test_declared_sizes_past_the_byte_budget_are_refused(tmp_path: Path) -> None:
    members = [(f"doc{i}.txt", bytes(range(256)) * 16) for i in range(4)]  # 4 KiB each, barely compressible
    archive = make_zip(tmp_path / "in.zip", members)
    refused = safe_extract(archive, tmp_path / "out", max_total_bytes=10_000)
    assert extracted(tmp_path / "out") == ["doc0.txt", "doc1.txt"]
    assert set(reasons(refused)) == {"doc2.txt", "doc3.txt"}
    assert all("limit" in r.reason for r in refused)


def test_too_many_members_are_refused_in_one_line(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "in.zip", [(f"doc{i}.txt", GOOD.encode()) for i in range(7)])
    refused = safe_extract(archive, tmp_path / "out", max_members=3)
    assert extracted(tmp_path / "out") == ["doc0.txt", "doc1.txt", "doc2.txt"]
    assert len(refused) == 1 and "7 members" in refused[0].reason and "first 3" in refused[0].reason


def test_a_repeated_name_is_not_extracted_over_the_first(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "in.zip", [("a.txt", b"first"), ("A.TXT", b"second"), ("./a.txt", b"third")])
    refused = safe_extract(archive, tmp_path / "out")
    assert (tmp_path / "out" / "a.txt").read_bytes() == b"first"
    assert len(refused) == 2 and all("second member" in r.reason for r in refused)


def test_an_encrypted_member_is_refused(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "in.zip", [("secret.txt", b"x"), ("ok.txt", GOOD.encode())])
    data = bytearray(archive.read_bytes())
    struct.pack_into("<H", data, 6, 0x1)  # local header flag bits of the first member
    struct.pack_into("<H", data, data.index(b"PK\x01\x02") + 8, 0x1)  # and its central entry
    archive.write_bytes(bytes(data))
    refused = safe_extract(archive, tmp_path / "out")
    assert extracted(tmp_path / "out") == ["ok.txt"] and "encrypted" in reasons(refused)["secret.txt"]


def test_a_file_that_is_not_a_zip_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"this is not a zip archive")
    with pytest.raises(InputError) as caught:
        safe_extract(bad, tmp_path / "out")
    assert_user_error(caught.value, bad, "not a readable zip archive")


def test_nothing_is_extracted_into_an_existing_folder(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "in.zip", [("ok.txt", GOOD.encode())])
    (tmp_path / "out").mkdir()
    with pytest.raises(InputError, match="already exists"):
        safe_extract(archive, tmp_path / "out")


# --- through the build ---------------------------------------------------------------------

MANIFEST = """
[[document]]
id = "talks"
file = "texts/talks.txt"
source = "Upload Daily"
period = 2016
actor = "RUS"
speaker = "Sergey Lavrov"
format = "paragraphs"
"""


def test_a_zip_input_builds_with_its_manifest_and_reports_what_it_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    archive = make_zip(tmp_path / "pages.zip", [
        ("manifest.toml", MANIFEST.encode()),
        ("texts/talks.txt", b"We are ready for talks on Syria.\n\nThe sanctions against us are counterproductive.\n"),
        ("../escape.txt", b"In 2017 we said nothing."),
        special("texts/passwd.txt", stat.S_IFLNK, b"/etc/passwd"),
        ("inner.zip", make_zip_bytes([("x.txt", GOOD.encode())])),
    ])
    result = build_table([archive], enrich=False)
    assert_statement_table(result.table)
    assert set(result.table["doc_id"]) == {"talks"}
    assert set(result.table["source"]) == {"Upload Daily"} and set(result.table["period"]) == {2016}
    lines = {f.path: (f.status, f.reason) for f in result.report.files}
    assert lines[f"{archive}/texts/talks.txt"] == ("used", "")
    assert lines[f"{archive}/../escape.txt"][0] == "skipped"
    assert "symbolic link" in lines[f"{archive}/texts/passwd.txt"][1]
    assert lines[f"{archive}/inner.zip"][0] == "skipped"  # archives inside archives are not opened
    assert all(str(tmp_path / "tmp") not in path for path in lines)
    assert list((tmp_path / "tmp").iterdir()) == []  # the extraction folder is gone


def test_a_broken_zip_is_one_skipped_line_and_the_other_inputs_build(tmp_path: Path) -> None:
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 truncated")
    (tmp_path / "talks_2016.txt").write_text("We are ready for talks on Syria.\n", encoding="utf-8")
    documents, reports = read_inputs([tmp_path / "bad.zip", tmp_path / "talks_2016.txt"])
    assert [d.doc_id for d in documents] == ["talks_2016"]
    bad = [r for r in reports if r.path == str(tmp_path / "bad.zip")]
    assert len(bad) == 1 and bad[0].status == "skipped" and "not a readable zip" in bad[0].reason


def make_zip_bytes(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buffer.getvalue()
