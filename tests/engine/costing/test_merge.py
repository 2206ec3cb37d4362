"""A run split into parts (chunks of its draws) merges into the numbers of one run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from crosource.engine.costing.compiled import Compiled
from crosource.engine.costing.model import compile_scenarios
from crosource.engine.costing.simulate import CHUNK, Simulation, partition, simulate
from crosource.engine.costing.streaming import Streaming
from crosource.io.portfolio_io import load_portfolio

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "emerging-biotech.yaml"
DRAWS = 60_000


@pytest.fixture(scope="module")
def plans() -> list[Compiled]:
    return compile_scenarios(load_portfolio(EXAMPLE), None)


def _by_parts(plans: list[Compiled], draws: int, seed: int, backwards: bool) -> Simulation:
    """Part 0 first (it fixes the ranges), the others in any order, merged in part order."""
    parts = partition(draws, part_draws=24_000)
    order = sorted(range(1, len(parts)), reverse=backwards)
    first = simulate(plans, draws, seed, chunks=parts[0])
    others = {k: simulate(plans, draws, seed, chunks=parts[k], like=first) for k in order}
    merged = first
    for k in range(1, len(parts)):
        merged.merge(others[k])
    return merged


def _close(a: float, b: float) -> bool:
    return a == b or abs(a - b) <= 1e-12 * max(abs(a), abs(b))


def test_the_partition_covers_every_chunk_on_batch_boundaries() -> None:
    parts = partition(1_000_000)
    chunks = [k for part in parts for k in part]
    assert chunks == list(range(250))
    assert parts[0] == range(3)  # one batch of the summaries: 3 chunks of 4,000 ≥ 10,000
    assert all(part.start % 3 == 0 for part in parts)
    assert partition(1_000_000) == partition(1_000_000, chunk=CHUNK)  # no worker count in it


def test_merged_parts_give_the_numbers_of_one_run(plans: list[Compiled]) -> None:
    one = simulate(plans, DRAWS, 7)
    merged = _by_parts(plans, DRAWS, 7, backwards=False)
    assert [len(p) for p in partition(DRAWS, part_draws=24_000)] == [3, 6, 6]
    assert merged.draws == one.draws == DRAWS
    for a, b in zip(one.scenarios, merged.scenarios, strict=True):
        for x, y in ((a.cash, b.cash), (a.economic, b.economic)):
            assert np.array_equal(x.counts, y.counts) and x.count == y.count
            for q in (0.005, 0.1, 0.5, 0.9, 0.995):
                assert x.quantile(q) == y.quantile(q)
            assert (x.low, x.high) == (y.low, y.high)
            assert _close(x.mean, y.mean) and _close(x.std, y.std)
            assert _close(x.cvar(0.9), y.cvar(0.9))
            assert x.histogram() == y.histogram()
        assert np.array_equal(a.completion.counts, b.completion.counts)
        for i in range(len(a.completion)):
            assert a.completion[i].quantile(0.5) == b.completion[i].quantile(0.5)
            assert _close(a.completion[i].mean, b.completion[i].mean)
        for key, value in a.sums.items():
            assert _close(value, b.sums[key]), key
    for p, q in zip(one.pairs, merged.pairs, strict=True):
        assert (p.a_cheaper, p.count) == (q.a_cheaper, q.count)
        assert np.array_equal(p.difference.counts, q.difference.counts)
        assert p.difference.quantile(0.5) == q.difference.quantile(0.5)


def test_the_order_parts_finish_in_changes_no_bit(plans: list[Compiled]) -> None:
    """One worker running the parts in order, or two finishing them in another order."""
    a = _by_parts(plans, DRAWS, 3, backwards=False)
    b = _by_parts(plans, DRAWS, 3, backwards=True)
    for x, y in zip(a.scenarios, b.scenarios, strict=True):
        assert x.cash.total == y.cash.total and x.cash.total_sq == y.cash.total_sq
        assert np.array_equal(x.cash.sums, y.cash.sums)
        assert x.sums == y.sums
        assert np.array_equal(x.completion.total, y.completion.total)


def test_summaries_on_different_ranges_are_not_merged() -> None:
    a, b = Streaming(), Streaming()
    a.add(np.arange(100.0))
    b.add(np.arange(50.0, 500.0))
    with pytest.raises(ValueError, match="different ranges"):
        a.merge(b)
    empty = Streaming()
    empty.merge(a)
    assert empty.quantile(0.5) == a.quantile(0.5)
