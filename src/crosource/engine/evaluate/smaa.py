"""SMAA-2 with the weighted-sum value function (evaluate.md, "Methods").

Stochastic multicriteria acceptability analysis (Lahdelma and Salminen 2001): sample weights
(uniformly on the simplex, or uniformly on the part of it inside given bounds) and, optionally,
uncertain scores (each uniformly within ± `spread` × its criterion's range), rank the
alternatives by the weighted sum of min-max normalised scores in every sample, and count:

- rank acceptability b[i, r]: the share of samples in which alternative i takes rank r + 1;
- central weights: the mean weight vector of the samples in which i ranks first;
- confidence factor: the share of score samples in which i ranks first with its central weights.

Tied scores in a sample split their ranks equally (two alternatives tied for first each get half
of rank 1 and half of rank 2), so acceptabilities sum to 1 per alternative and per rank.
Samples are processed in vectorised chunks; the result depends on the generator, `samples` and
`chunk` only.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from crosource.engine.evaluate.methods import (
    BoolArray,
    FloatArray,
    IntArray,
    minmax_normalise,
    rank,
    validate,
)

MAX_REJECTION_ROUNDS = 1000


@dataclass(frozen=True)
class SmaaResult:
    """Rank acceptability [alternatives, ranks], central weights, confidence factors."""

    acceptability: FloatArray
    central_weights: FloatArray
    confidence: FloatArray
    samples: int
    spread: float

    @property
    def first_rank(self) -> FloatArray:
        """First-rank acceptability of each alternative."""
        return self.acceptability[:, 0]

    @property
    def ranks(self) -> IntArray:
        """Ranks by descending first-rank acceptability (1 = best, ties share the min)."""
        return rank(self.first_rank)

    def to_json(self, alternatives: Sequence[str]) -> dict[str, Any]:
        """Everything by alternative name; NaN (never first) is written as null."""
        if len(alternatives) != len(self.acceptability):
            raise ValueError(
                f"{len(alternatives)} alternative names for {len(self.acceptability)} alternatives"
            )

        def clean(values: FloatArray) -> list[float | None]:
            return [None if np.isnan(v) else float(v) for v in values]

        names = list(alternatives)
        return {
            "method": "smaa",
            "samples": self.samples,
            "spread": self.spread,
            "scores": dict(zip(names, clean(self.first_rank), strict=True)),
            "ranks": {a: int(r) for a, r in zip(names, self.ranks, strict=True)},
            "acceptability": {
                a: row.tolist() for a, row in zip(names, self.acceptability, strict=True)
            },
            "central_weights": {
                a: clean(row) for a, row in zip(names, self.central_weights, strict=True)
            },
            "confidence": dict(zip(names, clean(self.confidence), strict=True)),
        }


# -- plain array functions ------------------------------------------------------------------


def sample_weights(
    rng: np.random.Generator, count: int, lower: FloatArray, upper: FloatArray
) -> FloatArray:
    """`count` weight vectors uniform on {w : sum w = 1, lower <= w <= upper}.

    Uniform on the simplex shifted above `lower` (lower + (1 - sum lower) × Dirichlet(1)), then
    rejection of the vectors above `upper`, in vectorised batches.
    """
    free = 1.0 - lower.sum()
    if free <= 1e-12:  # the bounds pin the weights down
        return np.tile(lower / lower.sum(), (count, 1))
    bounded = bool((upper < lower + free).any())
    kept: list[FloatArray] = []
    needed, rate = count, 1.0
    for _ in range(MAX_REJECTION_ROUNDS):
        batch = needed if not bounded else int(np.ceil(needed / max(rate, 1e-3) * 1.1)) + 16
        draws = rng.standard_exponential((batch, lower.size))
        weights = lower + free * draws / draws.sum(axis=1, keepdims=True)
        if bounded:
            inside = (weights <= upper).all(axis=1)
            rate = max(float(inside.mean()), 1e-6)
            weights = weights[inside]
        kept.append(weights[:needed])
        needed -= len(kept[-1])
        if needed == 0:
            return np.concatenate(kept)
    raise ValueError("weight bounds too tight: rejection sampling accepts almost no sample")


def _perturbed(
    rng: np.random.Generator, matrix: FloatArray, spread: float, count: int
) -> FloatArray:
    """`count` matrices, each score uniform within ± spread × its criterion's range."""
    span = matrix.max(axis=0) - matrix.min(axis=0)
    noise: FloatArray = rng.uniform(-1.0, 1.0, (count, *matrix.shape))
    noise *= spread * span
    noise += matrix
    return noise


def rank_shares(scores: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Rank acceptability counts [alternatives, ranks] and first-rank shares [samples, alts].

    `scores` is [samples, alternatives]; a group of k tied alternatives spreads 1/k over the k
    ranks it occupies.
    """
    count, m = scores.shape
    order = np.argsort(-scores, axis=1, kind="stable")
    ordered = np.take_along_axis(scores, order, axis=1)
    positions = np.arange(m)
    new_group = np.ones((count, m), dtype=bool)
    new_group[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    start = np.maximum.accumulate(np.where(new_group, positions, 0), axis=1)
    ends_group = np.ones((count, m), dtype=bool)
    ends_group[:, :-1] = new_group[:, 1:]
    # The first group end at or after each position: a running minimum from the right.
    marked = np.where(ends_group, positions, m - 1)[:, ::-1]
    end = np.minimum.accumulate(marked, axis=1)[:, ::-1]
    size = end - start + 1
    share = 1.0 / size
    # Difference array over ranks: +share at the group's first rank, -share after its last.
    base = order * (m + 1)
    index = np.concatenate([(base + start).ravel(), (base + end + 1).ravel()])
    weight = np.concatenate([share.ravel(), -share.ravel()])
    diff = np.bincount(index, weights=weight, minlength=m * (m + 1)).reshape(m, m + 1)
    counts = np.asarray(np.cumsum(diff, axis=1)[:, :m], dtype=np.float64)
    first = np.zeros((count, m))
    np.put_along_axis(first, order, np.where(start == 0, share, 0.0), axis=1)
    return counts, first


def _chunks(samples: int, chunk: int) -> Iterator[int]:
    for begin in range(0, samples, chunk):
        yield min(chunk, samples - begin)


def _normalised_samples(
    rng: np.random.Generator, matrix: FloatArray, benefit: BoolArray, spread: float, count: int
) -> FloatArray:
    return minmax_normalise(_perturbed(rng, matrix, spread, count), benefit)


def _confidence(normalised: FloatArray, central: FloatArray, candidates: IntArray) -> FloatArray:
    """First-rank shares [samples, candidates] of each candidate with its central weights.

    `normalised` is [samples, alternatives, criteria]; `central` [candidates, criteria] holds
    the central weights of the alternatives `candidates`; ties share first place.
    """
    count, m, n = normalised.shape
    k = candidates.size
    values = (normalised.reshape(count * m, n) @ central.T).reshape(count, m, k)
    own = values[:, candidates, np.arange(k)]
    top = values.max(axis=1)
    ties = (values == top[:, None, :]).sum(axis=1)
    return np.where(own == top, 1.0 / ties, 0.0)


def smaa_arrays(
    matrix: FloatArray,
    benefit: BoolArray,
    rng: np.random.Generator,
    samples: int,
    lower: FloatArray,
    upper: FloatArray,
    spread: float,
    chunk: int,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Acceptability, central weights (NaN rows if never first) and confidence factors."""
    m, n = matrix.shape
    weight_rng, score_rng = rng.spawn(2)
    replay = copy.deepcopy(score_rng)
    fixed = minmax_normalise(matrix, benefit)
    counts = np.zeros((m, m))
    weight_sums = np.zeros((m, n))
    first_totals = np.zeros(m)
    for size in _chunks(samples, chunk):
        weights = sample_weights(weight_rng, size, lower, upper)
        if spread > 0:
            normalised = _normalised_samples(score_rng, matrix, benefit, spread, size)
            scores = np.matmul(normalised, weights[:, :, None])[:, :, 0]
        else:
            scores = weights @ fixed.T
        chunk_counts, first = rank_shares(scores)
        counts += chunk_counts
        weight_sums += first.T @ weights
        first_totals += first.sum(axis=0)
    ever_first = first_totals > 0
    central = np.full((m, n), np.nan)
    central[ever_first] = weight_sums[ever_first] / first_totals[ever_first, None]
    confidence = np.full(m, np.nan)
    # Only alternatives that were ever first have central weights to re-evaluate with.
    candidates = np.flatnonzero(ever_first)
    if spread > 0:
        hits = np.zeros(candidates.size)
        for size in _chunks(samples, chunk):
            normalised = _normalised_samples(replay, matrix, benefit, spread, size)
            hits += _confidence(normalised, central[candidates], candidates).sum(axis=0)
        confidence[candidates] = hits / samples
    else:
        confidence[candidates] = _confidence(fixed[None], central[candidates], candidates)[0]
    return counts / samples, central, confidence


# -- validating wrapper ---------------------------------------------------------------------


def bounds_around(weights: npt.ArrayLike, tolerance: float) -> FloatArray:
    """Weight bounds [criteria, 2] of ± `tolerance` around elicited weights, clipped to 0..1."""
    w = np.asarray(weights, dtype=np.float64)
    return np.stack([np.clip(w - tolerance, 0.0, 1.0), np.clip(w + tolerance, 0.0, 1.0)], axis=1)


def _validate_bounds(bounds: npt.ArrayLike | None, n: int) -> tuple[FloatArray, FloatArray]:
    if bounds is None:
        return np.zeros(n), np.ones(n)
    b = np.asarray(bounds, dtype=np.float64)
    if b.shape != (n, 2):
        raise ValueError(f"weight_bounds must have shape ({n}, 2), got {b.shape}")
    lower, upper = b[:, 0], b[:, 1]
    if not np.isfinite(b).all() or (lower < 0).any() or (upper > 1).any() or (lower > upper).any():
        raise ValueError("weight_bounds must satisfy 0 <= lower <= upper <= 1")
    if lower.sum() > 1 + 1e-12 or upper.sum() < 1 - 1e-12:
        raise ValueError("weight_bounds admit no weights summing to 1")
    return lower, upper


def smaa(
    matrix: npt.ArrayLike,
    benefit: npt.ArrayLike,
    rng: np.random.Generator,
    samples: int = 10_000,
    weights: npt.ArrayLike | None = None,
    weight_bounds: npt.ArrayLike | None = None,
    spread: float = 0.0,
    chunk: int = 10_000,
) -> SmaaResult:
    """SMAA-2 over `matrix`; see the module docstring.

    Weights are uniform on the simplex, or uniform within `weight_bounds` [criteria, 2] (use
    `bounds_around(elicited, tolerance)` to sample around elicited weights). Given `weights`
    alone, they are held fixed and only the scores vary (`spread` > 0).
    """
    x, w, b = validate(matrix, weights, benefit)
    if w is not None and weight_bounds is not None:
        raise ValueError("give weights or weight_bounds, not both (see bounds_around)")
    if samples < 1 or chunk < 1:
        raise ValueError("samples and chunk must be positive")
    if not np.isfinite(spread) or spread < 0:
        raise ValueError(f"spread must be a non-negative number, got {spread}")
    if w is not None:
        lower, upper = w, w.copy()
    else:
        lower, upper = _validate_bounds(weight_bounds, x.shape[1])
    acceptability, central, confidence = smaa_arrays(
        x, b, rng, samples, lower, upper, float(spread), chunk
    )
    return SmaaResult(acceptability, central, confidence, samples, float(spread))
