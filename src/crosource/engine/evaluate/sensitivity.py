"""Weight sensitivity of the weighted-sum winner (evaluate.md, "Methods").

Setting criterion j's weight to t and rescaling the others proportionally (w_k (1 - t) /
(1 - w_j)) makes every score linear in t, because the min-max normalisation does not depend on
the weights:

    score_a(t) = r_a + t (x_aj - r_a),   r_a = sum_{k != j} w_k x_ak / (1 - w_j)

(x normalised). The winner b stays first while score_b(t) - score_a(t) >= 0 for every a: one
linear inequality per rival, so the interval [lower, upper] of t is exact. At its ends the
winner ties a rival; beyond them that rival is ahead. When w_j = 1 the other weights are zero and
cannot be rescaled proportionally; they are then taken as equal shares of 1 - t.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from crosource.engine.evaluate.methods import FloatArray, minmax_normalise, validate


@dataclass(frozen=True)
class CriterionSensitivity:
    """Interval of one criterion's weight within which the winner stays first.

    `change` is the signed smallest change of the weight at which `rival` ties the winner (and
    overtakes it just beyond); both are None when no weight in [0, 1] dethrones the winner.
    """

    criterion: int
    weight: float
    lower: float
    upper: float
    winner: int
    change: float | None
    rival: int | None

    def to_json(self, criteria: Sequence[str], alternatives: Sequence[str]) -> dict[str, Any]:
        """The interval and the rival by criterion and alternative name."""
        return {
            "criterion": criteria[self.criterion],
            "weight": self.weight,
            "lower": self.lower,
            "upper": self.upper,
            "winner": alternatives[self.winner],
            "change": self.change,
            "rival": None if self.rival is None else alternatives[self.rival],
        }


def _rest_scores(normalised: FloatArray, weights: FloatArray, j: int) -> FloatArray:
    """r_a: the score of each alternative on the other criteria, rescaled to weigh 1 in total."""
    others = np.delete(np.arange(weights.size), j)
    rest = weights[others]
    share = rest / rest.sum() if rest.sum() > 0 else np.full(rest.size, 1.0 / rest.size)
    result: FloatArray = normalised[:, others] @ share
    return result


def criterion_interval(
    normalised: FloatArray, weights: FloatArray, j: int, winner: int
) -> CriterionSensitivity:
    """The exact interval of w_j keeping `winner` first, on a min-max normalised matrix."""
    rest = _rest_scores(normalised, weights, j)
    slope = normalised[:, j] - rest
    # Winner minus rival: p + q t >= 0.
    p = rest[winner] - rest
    q = slope[winner] - slope
    rivals = np.arange(len(rest)) != winner
    with np.errstate(divide="ignore", invalid="ignore"):
        cross = np.where(q != 0, -p / q, np.nan)
    rising, falling = rivals & (q > 0), rivals & (q < 0)
    lower = max(0.0, float(cross[rising].max())) if rising.any() else 0.0
    upper = min(1.0, float(cross[falling].min())) if falling.any() else 1.0
    # A rival overtakes only where its crossing lies inside [0, 1].
    below = rising & (cross == lower) & (cross >= 0)
    above = falling & (cross == upper) & (cross <= 1)
    w = float(weights[j])
    options: list[tuple[float, int]] = []
    if below.any():  # steepest rival leads just below the crossing
        options.append((lower - w, int(np.flatnonzero(below)[np.argmax(q[below])])))
    if above.any():
        options.append((upper - w, int(np.flatnonzero(above)[np.argmin(q[above])])))
    change, rival = min(options, key=lambda o: abs(o[0])) if options else (None, None)
    return CriterionSensitivity(j, w, lower, upper, winner, change, rival)


def weight_sensitivity(
    matrix: npt.ArrayLike, weights: npt.ArrayLike, benefit: npt.ArrayLike
) -> list[CriterionSensitivity]:
    """For each criterion, the interval of its weight keeping the weighted-sum winner first.

    The winner is the first-ranked alternative (the first in order among tied ones).
    """
    x, w, b = validate(matrix, weights, benefit)
    assert w is not None
    if x.shape[1] < 2:
        raise ValueError("weight sensitivity needs at least two criteria")
    normalised = minmax_normalise(x, b)
    winner = int(np.argmax(normalised @ w))
    return [criterion_interval(normalised, w, j, winner) for j in range(x.shape[1])]
