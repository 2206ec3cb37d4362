"""Uploaded evaluation files and bid grids: refused when of the wrong kind or too large, else
written to a temporary file for the readers of crosource.io, which read files, not streams."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import Request
from starlette.datastructures import UploadFile

from crosource.io.errors import InvalidInput
from crosource.web.errors import ApiError

EVALUATION_SUFFIXES = frozenset({".yaml", ".yml", ".json"})
GRID_SUFFIXES = frozenset({".csv", ".xlsx"})


def _safe_stem(filename: str) -> str:
    stem = Path(filename).stem[:100]
    return "".join(c if c.isalnum() or c in "-_ ." else "-" for c in stem).strip() or "upload"


@contextmanager
def uploaded(
    request: Request, file: UploadFile | None, suffixes: frozenset[str], what: str
) -> Iterator[tuple[Path, str]]:
    """The upload as a temporary file, and the name it was sent with; removed afterwards."""
    if file is None or not file.filename:
        raise InvalidInput.single("file", f"choose a {what} to upload")
    suffix = Path(file.filename).suffix.lower()
    if suffix not in suffixes:
        kinds = ", ".join(sorted(suffixes))
        raise InvalidInput.single("file", f"a {what} must be one of {kinds}; got {file.filename!r}")
    limit = request.app.state.settings.max_upload_bytes
    content = file.file.read(limit + 1)
    if len(content) > limit:
        raise ApiError(413, "too_large", f"the file is larger than {limit:,} bytes")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{_safe_stem(file.filename)}{suffix}"
        path.write_bytes(content)
        yield path, file.filename[:200]
