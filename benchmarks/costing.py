"""Monte Carlo throughput against the random-number floor, and peak memory (cost-model.md,
"Performance").

Run: .venv/bin/python benchmarks/costing.py [--draws 100000] [--studies 100]

A seeded synthetic portfolio of STUDIES studies x 13 functions and 20 providers, five scenarios
priced together on common random numbers, on one core (BLAS threads pinned to 1). Prints:
- floor: the seconds this machine takes only to draw the random numbers the run needs (the
  same generator calls, shapes and chunks as the engine);
- run: the seconds of the whole simulation, and draws per second (all scenarios); floor and run
  are each the best of --repeat timings (default 3);
- ratio floor/run (target >= 0.5: the model costs at most as much again as its randomness);
- peak memory of the process (max RSS) after runs of increasing draws: it must stay flat.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from synthetic import synthetic  # noqa: E402

from crosource.domain.taxonomy import FUNCTIONS  # noqa: E402
from crosource.engine.costing.compiled import Compiled  # noqa: E402
from crosource.engine.costing.model import compile_scenarios  # noqa: E402
from crosource.engine.costing.simulate import CHUNK, simulate  # noqa: E402


def floor_seconds(plan: Compiled, draws: int) -> float:
    """Only the random numbers: the engine's generator calls, shapes and chunks."""
    layout, params = plan.layout, plan.params
    cells, studies = len(layout.cells), len(layout.studies)
    shape = np.maximum(layout.enrolling_sites, 1e-9) / params.site_rate_cv**2
    k = 1 / params.startup_cv**2
    children = np.random.SeedSequence(1).spawn(-(-draws // CHUNK))
    started = time.perf_counter()
    for child in children:
        rng = np.random.default_rng(child)
        rng.standard_normal((CHUNK, cells))
        rng.random((CHUNK, cells), dtype=np.float32)
        rng.random((CHUNK, studies))
        rng.standard_gamma(k, (CHUNK, studies))
        rng.standard_gamma(shape, (CHUNK, studies))
    return time.perf_counter() - started


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--studies", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many timings")
    args = parser.parse_args()
    started = time.perf_counter()
    portfolio = synthetic(args.studies)
    plans = compile_scenarios(
        portfolio, ["recommended", "fsp_core", "in_house_max", "all_fso:V0", "all_fso:V1"]
    )
    print(
        f"portfolio: {args.studies} studies x {len(FUNCTIONS)} functions, "
        f"{len(portfolio.providers)} providers, {len(plans[0].layout.cells)} cells; "
        f"{len(plans)} scenarios compiled in {time.perf_counter() - started:.1f} s"
    )
    floor = min(floor_seconds(plans[0], args.draws) for _ in range(args.repeat))
    print(
        f"floor: {floor:.2f} s to draw the random numbers of {args.draws:,} draws "
        f"(best of {args.repeat})"
    )
    for draws in (args.draws // 10, args.draws):
        times = []
        for _ in range(args.repeat if draws == args.draws else 1):
            started = time.perf_counter()
            simulate(plans, draws, seed=1)
            times.append(time.perf_counter() - started)
        run = min(times)
        rate = draws * len(plans) / run
        print(
            f"run: {draws:,} draws x {len(plans)} scenarios in {run:.2f} s = {rate:,.0f} "
            f"scenario-draws/s; peak RSS {peak_rss_mib():,.0f} MiB"
        )
    print(f"ratio floor/run: {floor / run:.2f} (target >= 0.50)")


if __name__ == "__main__":
    main()
