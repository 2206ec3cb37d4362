"""The zip of an .xlsx, checked before openpyxl sees it: every workbook we read goes through
`check_archive` (portfolio workbooks, bid grids, any sheet read with `excel_io.read_rows`).

A workbook is a zip of XML parts, and a small file can unpack to a huge part: a 1.4 MB file
whose shared strings unpack to 153 MB passed a check of the total alone, then took openpyxl two
minutes and 1.5 GB (it holds the shared strings and the styles in memory). So each part has a
limit of its own, by kind, on its declared size and on its compression ratio, checked from the
zip's directory at once; then every part is unpacked as a stream, counting bytes against the
same limits, so that a directory that lies about sizes is refused as well. The stream also tells
whether any sheet holds a formula. Nothing is kept in memory but one chunk at a time.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from crosource.io.errors import InvalidInput

MB = 1024 * 1024
MAX_MEMBERS = 10_000
MAX_UNPACKED_BYTES = 200 * MB  # all parts together
# Per part, unpacked. A sheet of 100,000 rows of a dozen cells is about 50 MB of XML; shared
# strings and styles are held whole in memory by openpyxl, so they get less; 16 MB of shared
# strings is some 400,000 distinct texts, far more than any portfolio or bid grid has.
PART_LIMITS: tuple[tuple[re.Pattern[str], str, int], ...] = (
    (re.compile(r"xl/sharedStrings\.xml", re.I), "shared strings", 16 * MB),
    (re.compile(r"xl/styles\.xml", re.I), "styles", 4 * MB),
    (re.compile(r"xl/worksheets/[^/]+\.xml", re.I), "sheet", 64 * MB),
)
OTHER_PART = ("part", 16 * MB)  # workbook, relations, theme, properties, pictures, ...
# Sheet XML compresses 5 to 30 times; zeros or one repeated cell compress about 1000 times.
MAX_RATIO = 200
RATIO_CHECKED_FROM = MB
CHUNK = MB
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def limit_of(part: str) -> tuple[str, int]:
    """What kind of part this is, and how many bytes it may unpack to."""
    for pattern, kind, limit in PART_LIMITS:
        if pattern.fullmatch(part):
            return kind, limit
    return OTHER_PART


def check_archive(file: Path, name: str) -> bool:
    """Refuse a workbook with a part too big, too compressed or lying about its size, naming
    the part and its limit; True if any sheet holds a formula. Zip errors propagate (the caller
    reports a damaged file)."""
    with zipfile.ZipFile(file) as archive:
        members = archive.infolist()
        _check_directory(name, members)
        formulas, total = False, 0
        for member in members:
            found, size = _unpack(archive, member, name)
            formulas = formulas or found
            total += size
            if total > MAX_UNPACKED_BYTES:
                raise _refused(name, f"it unpacks to more than {MAX_UNPACKED_BYTES:,} bytes")
        return formulas


def _refused(name: str, what: str) -> InvalidInput:
    return InvalidInput.single(name, f"refused: {what} (a zip bomb?)")


def _check_directory(name: str, members: list[zipfile.ZipInfo]) -> None:
    """The sizes the zip declares, before anything is unpacked."""
    if len(members) > MAX_MEMBERS:
        raise InvalidInput.single(
            name,
            f"refused: it holds {len(members):,} files; a workbook "
            f"has a few dozen (limit {MAX_MEMBERS:,})",
        )
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise _refused(
            name, f"it unpacks to {unpacked:,} bytes; the limit is {MAX_UNPACKED_BYTES:,} bytes"
        )
    for m in members:
        kind, limit = limit_of(m.filename)
        if m.file_size > limit:
            raise _refused(
                name,
                f"it has a {kind} part {m.filename} of {m.file_size:,} bytes unpacked; the limit "
                f"for {kind} is {limit:,} bytes",
            )
        if m.file_size > RATIO_CHECKED_FROM and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            ratio = m.file_size // max(m.compress_size, 1)
            raise _refused(name, f"its part {m.filename} is compressed {ratio:,} to 1")


def _unpack(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> tuple[bool, int]:
    """Unpack one part as a stream within its limit: whether it holds a formula (sheets only)
    and its size. zipfile stops at the declared size and checks the CRC; counting here does not
    rely on that."""
    kind, limit = limit_of(member.filename)
    sheet = kind == "sheet"
    found, size, tail = False, 0, b""
    with archive.open(member) as stream:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise _refused(
                    name,
                    f"it has a {kind} part {member.filename} that unpacks to more than {limit:,} "
                    f"bytes (the limit for {kind}), more than its header says",
                )
            if sheet and not found:
                found = _FORMULA.search(tail + chunk) is not None
                tail = chunk[-32:]
    return found, size
