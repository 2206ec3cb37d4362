"""SMAA and AHP timings (evaluate.md, "Performance").

Run: .venv/bin/python benchmarks/evaluate.py [--samples 100000] [--repeat 3]

On one core (BLAS threads pinned to 1), with seeded synthetic inputs:
- SMAA-2 over 50 alternatives x 15 criteria, weights uniform on the simplex, with exact scores
  (spread 0) and with uncertain scores (spread 0.1, which adds the confidence-factor replay):
  seconds (best of --repeat) and samples per second; target: under 2 s for 100,000 samples;
- AHP group priorities for 15 criteria and 10 evaluators (all 105 pairwise judgments each), when
  `crosource.engine.evaluate.ahp` is available.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from functools import partial  # noqa: E402

import numpy as np  # noqa: E402

from crosource.engine.evaluate.smaa import smaa  # noqa: E402

TARGET_SECONDS = 2.0
ALTERNATIVES, CRITERIA, EVALUATORS = 50, 15, 10


def best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_smaa(samples: int, repeat: int) -> None:
    rng = np.random.default_rng(2024)
    matrix = rng.uniform(0.0, 100.0, (ALTERNATIVES, CRITERIA))
    benefit = rng.random(CRITERIA) < 0.7
    for spread in (0.0, 0.1):
        run = partial(smaa, matrix, benefit, np.random.default_rng(1), samples, spread=spread)
        seconds = best_of(repeat, run)
        verdict = "OK" if seconds < TARGET_SECONDS else "OVER TARGET"
        print(
            f"smaa {ALTERNATIVES}x{CRITERIA} samples={samples} spread={spread}: "
            f"{seconds:.3f} s, {samples / seconds:,.0f} samples/s "
            f"(target < {TARGET_SECONDS} s: {verdict})"
        )


def judgments(rng: np.random.Generator, names: list[str]) -> dict[str, float]:
    """Saaty-scale judgments from a latent weight vector with noise (mildly inconsistent)."""
    latent = rng.dirichlet(np.ones(len(names)))
    out: dict[str, float] = {}
    for i, a in enumerate(names):
        for j in range(i + 1, len(names)):
            ratio = latent[i] / latent[j] * float(np.exp(rng.normal(0.0, 0.2)))
            value = float(np.clip(np.rint(ratio if ratio >= 1 else 1 / ratio), 1, 9))
            out[f"{a}/{names[j]}"] = value if ratio >= 1 else 1 / value
    return out


def bench_ahp(repeat: int) -> None:
    if importlib.util.find_spec("crosource.engine.evaluate.ahp") is None:
        print("ahp: crosource.engine.evaluate.ahp not available, skipped")
        return
    from crosource.engine.evaluate.ahp import group

    rng = np.random.default_rng(7)
    names = [f"c{k:02d}" for k in range(CRITERIA)]
    evaluators = {f"e{k}": judgments(rng, names) for k in range(EVALUATORS)}
    seconds = best_of(repeat, lambda: group(names, evaluators))
    print(f"ahp group {CRITERIA} criteria x {EVALUATORS} evaluators: {seconds * 1000:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bench_smaa(args.samples, args.repeat)
    bench_ahp(args.repeat)


if __name__ == "__main__":
    main()
