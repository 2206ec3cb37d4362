"""Every part of an .xlsx has a limit of its own (xlsx_archive): a shared-strings bomb (a valid
workbook of about 1 MB whose shared strings unpack to 150 MB, compressed less than the ratio
limit) is refused before openpyxl opens it, naming the part and the limit, by the CLI
(`crosource validate`, exit 2), the web import (422) and a bid grid upload; a zip directory that
lies about a part's size is refused too. No timing is asserted; each refusal is immediate."""

from __future__ import annotations

import struct
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from crosource.io import xlsx_archive
from crosource.io.bids_io import load_bids
from crosource.io.errors import InvalidInput
from crosource.io.excel_io import write_workbook
from crosource.io.portfolio_io import load_portfolio
from tests.io.test_excel_io import MINIMAL, portfolio

ROOT = Path(__file__).resolve().parents[2]
SHARED = "xl/sharedStrings.xml"
RELATION = (
    '<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
)
OVERRIDE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
)


def _strings(megabytes: int) -> Iterator[bytes]:
    """Shared-strings XML of about `megabytes` MB, 1 MB at a time: one distinct string in 20
    keeps deflate at about 150 to 1, under the ratio limit of 200."""
    common = "<si><t>Monitoring visit at the site</t></si>" * 19
    yield b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    block, n = 0, 0
    while block < megabytes:
        chunk = "".join(f"<si><t>site {n + i:07d}</t></si>{common}" for i in range(1200))
        n += 1200
        block += 1
        yield chunk.encode()
    yield b"</sst>"


def shared_strings_bomb(file: Path, megabytes: int = 150) -> Path:
    """A valid workbook (the minimal portfolio) with shared strings of `megabytes` MB."""
    plain = file.with_name("plain.xlsx")
    write_workbook(portfolio(MINIMAL), plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", OVERRIDE.encode() + b"</Types>")
            if info.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(
                    b"</Relationships>", RELATION.encode() + b"</Relationships>"
                )
            out.writestr(info.filename, content, zipfile.ZIP_DEFLATED)
        with out.open(SHARED, "w", force_zip64=True) as member:
            for chunk in _strings(megabytes):
                member.write(chunk)
    return file


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    file = shared_strings_bomb(tmp_path_factory.mktemp("bomb") / "bomb.xlsx")
    with zipfile.ZipFile(file) as archive:
        info = archive.getinfo(SHARED)
    assert info.file_size > 150_000_000 > 100 * info.compress_size  # big, not absurd
    assert info.file_size < xlsx_archive.MAX_RATIO * info.compress_size
    assert file.stat().st_size < 2 * 1024 * 1024
    return file


LOCATED = "shared strings part xl/sharedStrings.xml of"
LIMIT = "the limit for shared strings is 16,777,216 bytes"


def test_a_workbook_with_every_part_within_its_limit_reads(tmp_path: Path) -> None:
    small = shared_strings_bomb(tmp_path / "small.xlsx", megabytes=2)
    assert load_portfolio(small) == portfolio(MINIMAL)


def test_the_shared_strings_bomb_is_refused_naming_the_part(bomb: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        load_portfolio(bomb)
    (problem,) = caught.value.problems
    assert LOCATED in problem.message and LIMIT in problem.message, problem.message


def test_the_cli_refuses_it(bomb: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "crosource", "validate", str(bomb)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert LOCATED in done.stdout + done.stderr


def test_a_bid_grid_refuses_it(bomb: Path, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        load_bids(bomb)
    assert LIMIT in caught.value.problems[0].message


def _lying(file: Path, tmp_path: Path) -> Path:
    """The workbook with the central directory saying its shared strings unpack to 1,000
    bytes (the uncompressed size of the part's entry, 24 bytes into it)."""
    data = bytearray(file.read_bytes())
    name = SHARED.encode()
    at = data.rfind(b"PK\x01\x02")
    while at >= 0 and data[at + 46 : at + 46 + len(name)] != name:
        at = data.rfind(b"PK\x01\x02", 0, at)
    assert at >= 0
    struct.pack_into("<I", data, at + 24, 1000)
    out = tmp_path / "lying.xlsx"
    out.write_bytes(bytes(data))
    return out


def test_a_directory_lying_about_a_size_is_refused(tmp_path: Path) -> None:
    file = _lying(shared_strings_bomb(tmp_path / "b.xlsx", megabytes=20), tmp_path)
    with zipfile.ZipFile(file) as archive:
        assert archive.getinfo(SHARED).file_size == 1000  # the lie is believed by the directory
    with pytest.raises(InvalidInput) as caught:
        load_portfolio(file)
    message = caught.value.problems[0].message
    assert "refused" in message or "damaged" in message, message
