"""Seeded synthetic portfolios for the benchmarks: STUDIES studies x 13 functions, 20 providers
of every kind, rates, quality scores and (optionally) capacity limits."""

from __future__ import annotations

import datetime as dt

import numpy as np

from crosource.domain.portfolio import Portfolio
from crosource.domain.taxonomy import FUNCTIONS, REGIONS, THERAPEUTIC_AREAS


def synthetic(
    studies: int, providers: int = 20, seed: int = 2026, capacity: bool = False
) -> Portfolio:
    rng = np.random.default_rng(seed)
    programs = [
        {"id": f"PG{k}", "therapeutic_area": THERAPEUTIC_AREAS[k % 10]}
        for k in range(max(studies // 8, 1))
    ]
    kinds = ["large_cro", "midsize_cro", "fsp_specialist", "boutique"]
    vendors = []
    for p in range(providers):
        kind = kinds[p % 4]
        models = {
            "large_cro": ["fso", "fsp"],
            "midsize_cro": ["fso", "fsp"],
            "fsp_specialist": ["fsp"],
            "boutique": ["boutique"],
        }[kind]
        vendors.append(
            {
                "id": f"V{p}",
                "kind": kind,
                "models": models,
                "functions": list(FUNCTIONS),
                "regions": list(REGIONS),
                "scores": {"quality": int(rng.integers(1, 5))},
                "therapeutic_areas": {a: int(rng.integers(0, 5)) for a in THERAPEUTIC_AREAS[:10]},
                "rates_usd_per_fte_month": {
                    f: {"default": float(rng.uniform(9000, 26000))} for f in FUNCTIONS
                },
            }
        )
    items = []
    for s in range(studies):
        regions = rng.choice(REGIONS, size=int(rng.integers(1, 5)), replace=False)
        items.append(
            {
                "id": f"ST{s:03d}",
                "program": f"PG{s % len(programs)}",
                "phase": str(int(rng.integers(1, 5))),
                "start": (dt.date(2027, 1, 1) + dt.timedelta(days=int(rng.integers(0, 1500)))),
                "regions": {str(r): int(rng.integers(3, 40)) for r in regions},
                "patients": int(rng.integers(30, 800)),
                "enrollment_rate": float(rng.uniform(0.2, 1.5)),
                "treatment_followup_months": float(rng.integers(0, 24)),
                "complexity": ["low", "medium", "high"][int(rng.integers(0, 3))],
                "demand": {f: float(rng.uniform(5, 200)) for f in FUNCTIONS},
            }
        )
    internal = {
        f: {"fte": float(rng.uniform(5, 40)), "maturity": int(rng.integers(1, 5))}
        for f in FUNCTIONS[:8]
    }
    return Portfolio.model_validate(
        {
            "sponsor": {"name": "Synthetic", "internal": internal, "oversight_fte": 30},
            "programs": programs,
            "studies": items,
            "providers": vendors,
        }
    )
