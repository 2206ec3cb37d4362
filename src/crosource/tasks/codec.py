"""A part's summaries as compact bytes, and back: what a worker stores for the part that merges.

Histograms are mostly empty, so only their occupied bins are kept (index, count, sum); scalars
go in a small JSON header (Python writes floats there exactly). Ranges are rebuilt from their
two ends with the same `linspace`, bit for bit. An `.npz` (zip of `.npy`) holds it all.
"""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np

from crosource.engine.costing.simulate import PairStats, ScenarioStats, Simulation
from crosource.engine.costing.streaming import Streaming, StreamingColumns

Arrays = dict[str, np.ndarray]


def _pack_streaming(name: str, s: Streaming, arrays: Arrays) -> dict[str, Any]:
    occupied = np.flatnonzero(s.counts)
    arrays[f"{name}.bin"] = occupied.astype(np.int32)
    arrays[f"{name}.count"] = s.counts[occupied].astype(np.int64)
    arrays[f"{name}.sum"] = s.sums[occupied] if len(s.sums) else np.zeros(0)
    ends = None if s.edges is None else [float(s.edges[0]), float(s.edges[-1])]
    return {
        "bins": s.bins,
        "count": s.count,
        "total": s.total,
        "total_sq": s.total_sq,
        "shift": s.shift,
        "low": s.low,
        "high": s.high,
        "ends": ends,
    }


def _unpack_streaming(name: str, head: dict[str, Any], arrays: Arrays) -> Streaming:
    s = Streaming(bins=head["bins"], count=head["count"], total=head["total"])
    s.total_sq, s.shift, s.low, s.high = head["total_sq"], head["shift"], head["low"], head["high"]
    if head["ends"] is not None:
        s.edges = np.linspace(head["ends"][0], head["ends"][1], s.bins + 1)
        s.counts, s.sums = np.zeros(s.bins + 2), np.zeros(s.bins + 2)
        occupied = arrays[f"{name}.bin"]
        s.counts[occupied] = arrays[f"{name}.count"]
        s.sums[occupied] = arrays[f"{name}.sum"]
    return s


def _pack_columns(name: str, c: StreamingColumns, arrays: Arrays) -> dict[str, Any]:
    flat = c.counts.ravel()
    occupied = np.flatnonzero(flat)
    arrays[f"{name}.bin"] = occupied.astype(np.int64)
    arrays[f"{name}.count"] = flat[occupied].astype(np.int64)
    arrays[f"{name}.total"] = c.total
    arrays[f"{name}.total_sq"] = c.total_sq
    if c.shift is not None:
        arrays[f"{name}.shift"] = c.shift
    return {"columns": c.columns, "bins": c.bins, "width": c.width, "count": c.count}


def _unpack_columns(name: str, head: dict[str, Any], arrays: Arrays) -> StreamingColumns:
    c = StreamingColumns(head["columns"], head["bins"], head["width"])
    flat = c.counts.ravel()
    flat[arrays[f"{name}.bin"]] = arrays[f"{name}.count"]
    c.counts = flat.reshape(c.counts.shape)
    c.total, c.total_sq = arrays[f"{name}.total"], arrays[f"{name}.total_sq"]
    c.count = head["count"]
    c.shift = arrays.get(f"{name}.shift")
    return c


def pack(simulation: Simulation) -> bytes:
    arrays: Arrays = {}
    scenarios = [
        {
            "name": s.name,
            "sums": s.sums,
            "cash": _pack_streaming(f"s{k}.cash", s.cash, arrays),
            "economic": _pack_streaming(f"s{k}.economic", s.economic, arrays),
            "completion": _pack_columns(f"s{k}.completion", s.completion, arrays),
        }
        for k, s in enumerate(simulation.scenarios)
    ]
    pairs = [
        {
            "a": p.a,
            "b": p.b,
            "a_cheaper": p.a_cheaper,
            "count": p.count,
            "difference": _pack_streaming(f"p{k}.difference", p.difference, arrays),
        }
        for k, p in enumerate(simulation.pairs)
    ]
    head = {"draws": simulation.draws, "seed": simulation.seed, "scenarios": scenarios}
    head["pairs"] = pairs
    arrays["head"] = np.frombuffer(json.dumps(head).encode(), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=False, **arrays)
    return buffer.getvalue()


def unpack(data: bytes) -> Simulation:
    with np.load(io.BytesIO(data), allow_pickle=False) as stored:
        arrays: Arrays = {name: stored[name] for name in stored.files}
    head = json.loads(arrays.pop("head").tobytes())
    scenarios = [
        ScenarioStats(
            s["name"],
            _unpack_streaming(f"s{k}.cash", s["cash"], arrays),
            _unpack_streaming(f"s{k}.economic", s["economic"], arrays),
            dict(s["sums"]),
            _unpack_columns(f"s{k}.completion", s["completion"], arrays),
        )
        for k, s in enumerate(head["scenarios"])
    ]
    pairs = [
        PairStats(
            p["a"],
            p["b"],
            p["a_cheaper"],
            p["count"],
            _unpack_streaming(f"p{k}.difference", p["difference"], arrays),
        )
        for k, p in enumerate(head["pairs"])
    ]
    return Simulation(head["draws"], head["seed"], scenarios, pairs)
