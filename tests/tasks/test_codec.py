"""A part's summaries survive the trip to bytes and back bit for bit, in a compact form."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from crosource.engine.costing.model import compile_scenarios
from crosource.engine.costing.simulate import partition, simulate
from crosource.io.portfolio_io import load_portfolio
from crosource.tasks.codec import pack, unpack

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "emerging-biotech.yaml"


def test_summaries_round_trip_exactly() -> None:
    plans = compile_scenarios(load_portfolio(EXAMPLE), None)
    parts = partition(40_000, part_draws=12_000)
    first = simulate(plans, 40_000, 5, chunks=parts[0])
    part = simulate(plans, 40_000, 5, chunks=parts[1], like=first)
    data = pack(part)
    back = unpack(data)
    assert len(data) < 2_000_000  # only occupied bins are kept
    assert (back.draws, back.seed) == (part.draws, part.seed)
    for a, b in zip(part.scenarios, back.scenarios, strict=True):
        assert a.name == b.name and a.sums == b.sums
        for x, y in ((a.cash, b.cash), (a.economic, b.economic)):
            assert x.edges is not None and y.edges is not None
            assert np.array_equal(x.edges, y.edges)
            assert np.array_equal(x.counts, y.counts) and np.array_equal(x.sums, y.sums)
            assert (x.count, x.total, x.total_sq) == (y.count, y.total, y.total_sq)
            assert x.shift == y.shift
            assert (x.low, x.high) == (y.low, y.high)
        assert np.array_equal(a.completion.counts, b.completion.counts)
        assert np.array_equal(a.completion.total, b.completion.total)
        assert a.completion.shift is not None and b.completion.shift is not None
        assert np.array_equal(a.completion.shift, b.completion.shift)
    for p, q in zip(part.pairs, back.pairs, strict=True):
        assert (p.a, p.b, p.a_cheaper, p.count) == (q.a, q.b, q.a_cheaper, q.count)
        assert np.array_equal(p.difference.counts, q.difference.counts)
    merged = unpack(pack(first))
    merged.merge(back)  # the ranges rebuilt from their ends are those of the first part
    assert merged.draws == first.draws + part.draws
