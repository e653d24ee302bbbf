"""Opening ``.zip`` inputs safely: members are checked before and while they are extracted.

A member is refused, with one report line, when its name climbs out of the destination
(``../``, an absolute name, a drive letter), when it is a symlink, a device, a FIFO or a socket,
when it is encrypted, when its declared size breaks the archive's byte budget or its declared
compression ratio is that of a bomb, or when it writes more bytes than it declared. The rest of
the archive is extracted. Members past ``max_members``, and the members from the one that would
make the whole archive expand past ``max_ratio`` times its size, are refused together, in one line.

``safe_extract`` never overwrites a file: the destination is a fresh folder, and a second member
with the same name (after normalising) is refused.
"""

from __future__ import annotations

import contextlib
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from rhetoric_shift.errors import InputError

if TYPE_CHECKING:  # read.py imports this module at call time; a runtime import here would loop
    from rhetoric_shift.read import Document, FileReport

ARCHIVE_SUFFIXES = {".zip"}
MAX_MEMBERS = 5000
MAX_TOTAL_BYTES = 1 << 30  # what all members may expand to together
MAX_RATIO = 100.0
# Below this size a member cannot do harm whatever its ratio (a short text of repeated spaces
# compresses well past 100:1), so the ratio is only checked above it.
RATIO_FLOOR_BYTES = 1 << 20
CHUNK = 1 << 16


def safe_extract(
    archive: Path,
    dest: Path,
    *,
    max_members: int = MAX_MEMBERS,
    max_total_bytes: int = MAX_TOTAL_BYTES,
    max_ratio: float = MAX_RATIO,
) -> list[FileReport]:
    """Extract the regular files of zip ``archive`` under ``dest``; return one line per refused member.

    ``dest`` is created and must not exist yet (nothing is ever overwritten). Raises
    ``InputError`` when ``archive`` is not a readable zip file or ``dest`` already exists; a
    member that fails while extracting is removed and reported, and extraction goes on.
    """
    from rhetoric_shift.read import FileReport

    archive, dest = Path(archive), Path(dest)
    if dest.exists():
        raise InputError(dest, "already exists; extract into a new folder")
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputError(archive, f"not a readable zip archive ({_first_line(exc)})") from None
    dest.mkdir(parents=True)
    refused: list[FileReport] = []

    def refuse(name: str, reason: str) -> None:
        refused.append(FileReport(f"{archive}/{name}", "skipped", reason))

    with zf:
        members = zf.infolist()
        if len(members) > max_members:
            refuse(f"({len(members) - max_members} more members)",
                   f"the archive has {len(members)} members; only the first {max_members} were read")
            members = members[:max_members]
        budget = max_total_bytes
        taken: set[str] = set()
        declared, archive_bytes = 0, max(archive.stat().st_size, 1)
        for number, info in enumerate(members):
            name = info.filename
            target = member_path(name)
            if target is None:
                refuse(_printable(name), "name points outside the archive (absolute or '..'); not extracted")
                continue
            kind = _special_kind(info)
            if kind:
                refuse(target, f"{kind}; only regular files are extracted")
                continue
            if info.is_dir():
                continue
            if info.flag_bits & 0x1:
                refuse(target, "encrypted; add the file unencrypted")
                continue
            if target.casefold() in taken:
                refuse(target, "a second member with this name; not extracted over the first")
                continue
            if info.file_size > budget:
                refuse(target, f"declares {info.file_size} bytes, more than the {max_total_bytes}-byte limit of the "
                               "whole archive leaves; split the archive")
                continue
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR_BYTES and ratio > max_ratio:
                refuse(target, f"compression ratio {ratio:.0f}:1 exceeds {max_ratio:.0f}:1 (a zip bomb?); not extracted")
                continue
            # Many members each below the floor (or entries sharing one compressed stream) are a
            # bomb too: the whole archive may not expand past max_ratio times its own size.
            if declared + info.file_size > RATIO_FLOOR_BYTES and (declared + info.file_size) / archive_bytes > max_ratio:
                rest = sum(1 for later in members[number + 1:] if not later.is_dir())
                refuse(target + (f" (and {rest} more members)" if rest else ""),
                       f"the archive would expand past {max_ratio:.0f} times its {archive_bytes}-byte size "
                       "(a zip bomb?); not extracted")
                break
            declared += info.file_size
            taken.add(target.casefold())
            try:
                written = _copy_member(zf, info, dest / target, limit=min(info.file_size, budget))
            except _TooLarge:
                refuse(target, f"expands past its declared {info.file_size} bytes; not extracted")
                continue
            except zipfile.BadZipFile as exc:  # zipfile stops at the declared size; the CRC then fails
                refuse(target, f"corrupt, or its content differs from its declared size ({_first_line(exc)}); not extracted")
                continue
            except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError, ValueError) as exc:
                refuse(target, f"cannot be extracted ({_first_line(exc)})")
                continue
            budget -= written
    return refused


class _TooLarge(Exception):
    """A member produced more bytes than it may."""


def _copy_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, *, limit: int) -> int:
    """Stream one member to ``path`` (a new file), counting the bytes; remove it on any failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        with zf.open(info) as src, open(path, "xb") as out:
            while chunk := src.read(CHUNK):
                written += len(chunk)
                if written > limit:
                    raise _TooLarge
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return written


def member_path(name: str) -> str | None:
    """The relative POSIX path a member name stands for, or None when it would leave the folder.

    Backslashes count as separators (archives made on Windows); empty and ``.`` parts are
    dropped; a leading ``/``, a drive letter, a ``..`` part or a NUL refuse the name.
    """
    if "\x00" in name:
        return None
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) >= 2 and name[1] == ":"):
        return None
    parts = [p for p in PurePosixPath(name).parts if p not in ("", ".")]
    if not parts or ".." in parts:
        return None
    return "/".join(parts)


def _special_kind(info: zipfile.ZipInfo) -> str | None:
    """What a member is when it is not a regular file or folder (Unix mode in the high bits)."""
    mode = info.external_attr >> 16
    if not mode:
        return None
    for test, kind in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return kind
    return None


def _printable(name: str) -> str:
    return name.replace("\x00", "\\0")[:200]


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


@contextlib.contextmanager
def opened_archives(inputs: list[Path]) -> Iterator[tuple[list[Path], list[FileReport], dict[str, str]]]:
    """Inputs with every ``.zip`` file replaced by the folder it was safely extracted to.

    Yields the new inputs, the report lines of refused members and unreadable archives, and the
    renaming that turns an extracted path back into ``archive.zip/member`` (for reports). The
    temporary folder is removed on exit, also after an error.
    """
    paths = [Path(p) for p in inputs]
    if not any(p.suffix.lower() in ARCHIVE_SUFFIXES and p.is_file() for p in paths):
        yield paths, [], {}
        return
    from rhetoric_shift.read import FileReport

    tmp = Path(tempfile.mkdtemp(prefix="rhetoric-shift-zip-"))
    try:
        expanded: list[Path] = []
        refused: list[FileReport] = []
        renames: dict[str, str] = {}
        for number, path in enumerate(paths):
            if not (path.suffix.lower() in ARCHIVE_SUFFIXES and path.is_file()):
                expanded.append(path)
                continue
            folder = tmp / str(number) / path.name
            try:
                refused.extend(safe_extract(path, folder))
            except InputError as exc:
                refused.append(FileReport(str(path), "skipped", exc.problem))
                continue
            renames[str(folder)] = str(path)
            expanded.append(folder)
        yield expanded, refused, renames
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def rename(path: str, renames: dict[str, str]) -> str:
    """``path`` with an extraction folder's prefix replaced by its archive's path."""
    for folder, archive in renames.items():
        if path == folder or path.startswith(folder + "/"):
            return archive + path[len(folder):]
    return path


def read_with_archives(inputs: list[Path], manifest: Path | None, read) -> tuple[list[Document], list[FileReport]]:
    """``read(inputs, manifest)`` with zip inputs opened by ``opened_archives``; paths name the archive."""
    with opened_archives(inputs) as (expanded, refused, renames):
        try:
            documents, reports = read(expanded, manifest)
        except InputError as exc:
            raise InputError(rename(exc.path, renames), exc.problem) from None
    for item in [*documents, *reports]:
        item.path = rename(item.path, renames)
    return documents, refused + reports
