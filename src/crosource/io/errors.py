"""Problems of an input file, each with the place a person can find it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path as FsPath

from crosource.domain.validation import Path

Locator = Callable[[Path], str]


@dataclass(frozen=True)
class FileProblem:
    file: str
    where: str
    message: str

    def __str__(self) -> str:
        place = f"{self.file}: {self.where}" if self.where else self.file
        return f"{place}: {self.message}"


class InvalidInput(Exception):
    """An input file (or form) that cannot be used, with every problem found in it."""

    def __init__(self, problems: Sequence[FileProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def details(self) -> list[dict[str, str]]:
        """Every problem as {"where", "message"}: the API's error details, a page's list."""
        return [{"where": p.where, "message": p.message} for p in self.problems]

    @classmethod
    def single(cls, file: str, message: str, where: str = "") -> InvalidInput:
        return cls([FileProblem(file, where, message)])


def atomic_target(directory: FsPath, name: str, suffix: str = "") -> FsPath:
    """A temporary file beside the target, readable as a normal new file would be (mkstemp
    makes it private), to be renamed onto the target once fully written."""
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=suffix)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    tmp = FsPath(tmp_name)
    tmp.chmod(0o666 & ~umask)
    return tmp


def check_size(file: FsPath, limit: int, what: str) -> None:
    """Refuse, before reading it, a file that cannot be read or is larger than `limit` bytes."""
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise InvalidInput.single(str(file), f"cannot be read ({exc.strerror or exc})") from None
    if size > limit:
        raise InvalidInput.single(
            str(file), f"is {size:,} bytes; the limit for {what} is {limit:,} bytes"
        )


def render_path(path: Path) -> str:
    """A YAML path as a person writes it: `studies[0].demand.clinical_monitoring`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
