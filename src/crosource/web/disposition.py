"""The Content-Disposition header of every download, for any file name (RFC 6266, RFC 5987).

HTTP headers are Latin-1: a name such as 日本の候補 cannot go in `filename="..."` as it is (the
server failed with a 500). The header therefore carries an ASCII fallback for old clients and
the exact name, percent-encoded as UTF-8, in `filename*`, which every current browser prefers.
Quotes, semicolons, backslashes, slashes and control characters never reach either form, so a
name cannot end the header's value, add a parameter or point to another folder.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal
from urllib.parse import quote

_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/;:*?<>|]+')
_NOT_ASCII_NAME = re.compile(r"[^A-Za-z0-9._-]+")
MAX_NAME = 120  # characters of the name kept; browsers and file systems balk at longer ones


def _clean(name: str) -> str:
    return _UNSAFE.sub("-", name).strip(" .-")[:MAX_NAME]


def content_disposition(
    stem: str, extension: str, kind: Literal["attachment", "inline"] = "attachment"
) -> str:
    """`attachment; filename="ascii.ext"; filename*=UTF-8''exact.ext` for a file named `stem`
    (any text) with the extension `extension` (without its dot)."""
    exact = _clean(stem) or "download"
    folded = unicodedata.normalize("NFKD", exact).encode("ascii", "ignore").decode()
    ascii_stem = _NOT_ASCII_NAME.sub("-", folded).strip("-.") or "download"
    ext = _NOT_ASCII_NAME.sub("", extension)
    return (
        f'{kind}; filename="{ascii_stem}.{ext}"; '
        f"filename*=UTF-8''{quote(f'{exact}.{ext}', safe='')}"
    )
