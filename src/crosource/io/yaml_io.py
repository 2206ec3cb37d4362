"""YAML and JSON portfolio files, read as hostile input.

Safe loading only (no Python objects), a size limit, and a limit on how much aliases may expand:
a "billion laughs" file is small on disk but expands to billions of nodes when validated.
Every problem is reported with its line in the file.
"""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Any

import yaml

from crosource.domain.validation import Path
from crosource.io.errors import InvalidInput, Locator, check_size, render_path

MAX_BYTES = 10 * 1024 * 1024
MAX_EXPANDED_NODES = 1_000_000


class _Expansion(Exception):
    pass


class _Loader(yaml.SafeLoader):
    """Safe loading that keeps dates as text: the validator parses them and says what is wrong
    with an impossible one (2027-13-01) instead of failing inside the parser."""


_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    lambda loader, node: loader.construct_scalar(node),  # type: ignore[arg-type]
)


def read_text(file: FsPath, max_bytes: int = MAX_BYTES) -> str:
    name = str(file)
    check_size(file, max_bytes, "a portfolio file")
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput.single(name, f"is not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise InvalidInput.single(name, f"cannot be read ({exc.strerror or exc})") from None


def _expanded_size(node: yaml.Node, memo: dict[int, int], active: set[int]) -> int:
    key = id(node)
    if key in memo:
        return memo[key]
    if key in active:
        raise _Expansion("an alias refers to a node that contains it (a recursive structure)")
    active.add(key)
    total = 1
    if isinstance(node, yaml.SequenceNode):
        total += sum(_expanded_size(child, memo, active) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            total += _expanded_size(key_node, memo, active)
            total += _expanded_size(value_node, memo, active)
    active.discard(key)
    memo[key] = total
    if total > MAX_EXPANDED_NODES:
        raise _Expansion(
            f"expands to more than {MAX_EXPANDED_NODES:,} values through aliases (&, *); "
            "write the values out instead"
        )
    return total


def _lines(
    node: yaml.Node, path: tuple[str, ...], out: dict[tuple[str, ...], int], seen: set[int]
) -> None:
    if id(node) in seen:  # reached again through an alias
        return
    seen.add(id(node))
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            _lines(child, (*path, str(i)), out, seen)
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            out.setdefault((*path, str(key_node.value)), key_node.start_mark.line + 1)
            _lines(value_node, (*path, str(key_node.value)), out, seen)


def parse_yaml(text: str, name: str) -> tuple[Any, Locator]:
    """The data of a YAML (or JSON) document, and a locator giving each path its line."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InvalidInput.single(name, "is empty; expected a portfolio")
        _expanded_size(node, {}, set())
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InvalidInput.single(name, f"is not valid YAML: {exc.problem or exc}", where) from None
    except yaml.YAMLError as exc:
        raise InvalidInput.single(name, f"is not valid YAML: {exc}") from None
    except _Expansion as exc:
        raise InvalidInput.single(name, f"refused: it {exc}") from None
    except (ValueError, TypeError, OverflowError) as exc:
        raise InvalidInput.single(name, f"is not valid YAML: {exc}") from None
    except RecursionError:
        raise InvalidInput.single(name, "refused: it is nested too deeply") from None
    finally:
        loader.dispose()
    lines: dict[tuple[str, ...], int] = {}
    _lines(node, (), lines, set())
    return data, _locator(lines)


def _locator(lines: dict[tuple[str, ...], int]) -> Locator:
    def locate(path: Path) -> str:
        parts = tuple(str(p) for p in path)
        for end in range(len(parts), -1, -1):
            if parts[:end] in lines:
                return f"line {lines[parts[:end]]}, {render_path(path) or '(top)'}"
        return render_path(path)

    return locate


def dump_yaml(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
