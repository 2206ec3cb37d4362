"""Property: a randomly broken portfolio always ends in a clean validation result (the portfolio,
or problems with their places), never in an exception; and a portfolio that does validate can
always be recommended on."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosource.domain.validation import validate_portfolio
from crosource.engine.recommend.engine import recommend
from crosource.io.errors import InvalidInput
from crosource.io.portfolio_io import load_portfolio

GOLDEN = Path(__file__).parents[1] / "golden"
SOURCES = [yaml.safe_load(p.read_text()) for p in sorted(GOLDEN.glob("case*.yaml"))]

junk = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.dates().map(str)
    | st.sampled_from(["oncology", "fso", "north_america", "2", "high"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


def _mutate(data: Any, path: tuple[Any, ...], action: str, value: Any) -> Any:
    if not path:
        return value
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "delete":
        del parent[last]
    elif action == "add" and isinstance(parent, dict):
        parent[f"unknown_{len(parent)}"] = value
    else:
        parent[last] = value
    return data


@st.composite
def broken_portfolios(draw: st.DrawFn) -> Any:
    data = copy.deepcopy(draw(st.sampled_from(SOURCES)))
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        data = _mutate(data, path, action, draw(junk))
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_portfolios())
def test_broken_portfolios_give_problems_not_exceptions(data: Any) -> None:
    portfolio, problems = validate_portfolio(data)
    if portfolio is None:
        assert problems
        for problem in problems:
            assert problem.message and isinstance(problem.path, tuple)
    else:
        assert not problems
        recommend(portfolio)  # a valid portfolio never crashes the engine


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_portfolios())
def test_broken_files_raise_only_invalid_input(tmp_path_factory: Any, data: Any) -> None:
    file = tmp_path_factory.mktemp("broken") / "p.yaml"
    try:
        file.write_text(yaml.safe_dump(data, allow_unicode=True))
    except (yaml.YAMLError, ValueError):
        return
    try:
        load_portfolio(file)
    except InvalidInput as exc:
        assert exc.problems
        assert all(str(file) in str(p) for p in exc.problems)
