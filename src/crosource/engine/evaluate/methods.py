"""Weighted sum and TOPSIS over a decision matrix (evaluate.md, "Methods").

Conventions: `matrix` is [alternatives, criteria] of finite floats, `weights` [criteria] are
non-negative and sum to 1, `benefit` [criteria] is True where higher is better and False for a
cost criterion (lower is better). Ranks: 1 = best; tied scores share the smallest rank.

The algorithms are plain array functions (`minmax_normalise`, `vector_normalise`,
`weighted_sum_arrays`, `topsis_arrays`); `weighted_sum` and `topsis` validate their inputs and
wrap the arrays in a `MethodResult` that keeps every intermediate value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

WEIGHT_SUM_TOLERANCE = 1e-6


@dataclass(frozen=True)
class MethodResult:
    """Scores (higher is better), ranks (1 = best) and the named intermediate arrays."""

    method: str
    scores: FloatArray
    ranks: IntArray
    intermediate: dict[str, FloatArray] = field(default_factory=dict)

    def to_json(self, alternatives: Sequence[str]) -> dict[str, Any]:
        """Scores and ranks by alternative name, and the intermediate values as lists."""
        if len(alternatives) != len(self.scores):
            raise ValueError(
                f"{len(alternatives)} alternative names for {len(self.scores)} alternatives"
            )
        return {
            "method": self.method,
            "scores": {a: float(s) for a, s in zip(alternatives, self.scores, strict=True)},
            "ranks": {a: int(r) for a, r in zip(alternatives, self.ranks, strict=True)},
            "intermediate": {k: v.tolist() for k, v in self.intermediate.items()},
        }


def rank(scores: npt.ArrayLike) -> IntArray:
    """Ranks of `scores`, 1 for the highest; equal scores share the smallest (min) rank."""
    values = np.asarray(scores, dtype=np.float64)
    descending = np.sort(-values)
    # 1 + the number of scores strictly greater than each one.
    return (np.searchsorted(descending, -values, side="left") + 1).astype(np.int64)


# -- plain array functions (no validation) --------------------------------------------------


def minmax_normalise(matrix: FloatArray, benefit: BoolArray) -> FloatArray:
    """Rescale each criterion to 0..1 over the alternatives (axis -2); cost criteria reversed.

    A constant criterion cannot separate the alternatives: it normalises to 1 for all of them
    (as pymcdm does), so it adds the same amount to every score. Works on a stack of matrices.
    """
    oriented = np.where(benefit, matrix, -matrix)  # higher is better on every criterion
    low = oriented.min(axis=-2, keepdims=True)
    span = oriented.max(axis=-2, keepdims=True) - low
    constant = span == 0
    scale = np.where(constant, 0.0, 1.0 / np.where(constant, 1.0, span))
    # In place: SMAA normalises stacks of thousands of matrices.
    oriented -= low
    oriented *= scale
    oriented += constant
    return oriented


def vector_normalise(matrix: FloatArray) -> FloatArray:
    """Divide each criterion by its Euclidean norm over the alternatives."""
    norms: FloatArray = np.sqrt((matrix**2).sum(axis=0))
    return matrix / norms


def weighted_sum_arrays(
    matrix: FloatArray, weights: FloatArray, benefit: BoolArray
) -> dict[str, FloatArray]:
    """Min-max normalised matrix, its weighted form and the scores (row sums)."""
    normalised = minmax_normalise(matrix, benefit)
    weighted = normalised * weights
    return {"normalised": normalised, "weighted": weighted, "scores": weighted.sum(axis=1)}


def topsis_arrays(
    matrix: FloatArray, weights: FloatArray, benefit: BoolArray
) -> dict[str, FloatArray]:
    """TOPSIS (Hwang and Yoon 1981): closeness d⁻ / (d⁺ + d⁻) to the ideal alternative.

    When every alternative is the same after weighting, ideal and anti-ideal coincide and the
    closeness is 0.5 for all (a tie) instead of 0/0.
    """
    normalised = vector_normalise(matrix)
    weighted = normalised * weights
    best, worst = weighted.max(axis=0), weighted.min(axis=0)
    ideal = np.where(benefit, best, worst)
    anti_ideal = np.where(benefit, worst, best)
    d_plus = np.sqrt(((weighted - ideal) ** 2).sum(axis=1))
    d_minus = np.sqrt(((weighted - anti_ideal) ** 2).sum(axis=1))
    total = d_plus + d_minus
    closeness = np.where(total > 0, d_minus / np.where(total > 0, total, 1.0), 0.5)
    return {
        "normalised": normalised,
        "weighted": weighted,
        "ideal": ideal,
        "anti_ideal": anti_ideal,
        "d_plus": d_plus,
        "d_minus": d_minus,
        "scores": closeness,
    }


# -- validating wrappers --------------------------------------------------------------------


def validate(
    matrix: npt.ArrayLike, weights: npt.ArrayLike | None, benefit: npt.ArrayLike
) -> tuple[FloatArray, FloatArray | None, BoolArray]:
    """Check shapes and values; return float/bool arrays (weights may be omitted)."""
    x = np.asarray(matrix, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] < 1 or x.shape[1] < 1:
        raise ValueError(f"matrix must be 2-D [alternatives, criteria], got shape {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError("matrix must hold finite numbers only")
    criteria = x.shape[1]
    b = np.asarray(benefit)
    if b.shape != (criteria,) or b.dtype != np.bool_:
        raise ValueError(f"benefit must be {criteria} booleans, got {b.dtype} of shape {b.shape}")
    if weights is None:
        return x, None, b
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (criteria,):
        raise ValueError(f"weights must have shape ({criteria},), got {w.shape}")
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError("weights must be finite and non-negative")
    if abs(w.sum() - 1.0) > WEIGHT_SUM_TOLERANCE:
        raise ValueError(f"weights must sum to 1, got {w.sum():.9g}")
    return x, w, b


def _result(method: str, arrays: dict[str, FloatArray]) -> MethodResult:
    scores = arrays.pop("scores")
    return MethodResult(method=method, scores=scores, ranks=rank(scores), intermediate=arrays)


def weighted_sum(
    matrix: npt.ArrayLike, weights: npt.ArrayLike, benefit: npt.ArrayLike
) -> MethodResult:
    """Weighted sum of min-max normalised scores (see `minmax_normalise`)."""
    x, w, b = validate(matrix, weights, benefit)
    assert w is not None
    return _result("weighted_sum", weighted_sum_arrays(x, w, b))


def topsis(matrix: npt.ArrayLike, weights: npt.ArrayLike, benefit: npt.ArrayLike) -> MethodResult:
    """TOPSIS with vector normalisation (see `topsis_arrays`)."""
    x, w, b = validate(matrix, weights, benefit)
    assert w is not None
    zero = np.flatnonzero(np.sqrt((x**2).sum(axis=0)) == 0)
    if zero.size:
        raise ValueError(f"criteria {zero.tolist()} are zero for every alternative: no norm")
    return _result("topsis", topsis_arrays(x, w, b))
