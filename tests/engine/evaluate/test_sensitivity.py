"""Weight sensitivity: the winner stays first inside the interval and loses just outside it."""

from __future__ import annotations

import numpy as np
import pytest

from crosource.engine.evaluate.methods import weighted_sum
from crosource.engine.evaluate.sensitivity import weight_sensitivity

EPS = 1e-7


def weights_at(weights: np.ndarray, j: int, t: float) -> np.ndarray:
    """Criterion j set to t, the others rescaled proportionally."""
    moved = weights * (1 - t) / (1 - weights[j])
    moved[j] = t
    return moved


def random_problem(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    m, n = int(rng.integers(2, 9)), int(rng.integers(2, 7))
    return rng.uniform(0, 10, (m, n)), rng.dirichlet(np.ones(n)), rng.random(n) < 0.5


@pytest.mark.parametrize("seed", range(40))
def test_winner_stays_inside_and_loses_outside(seed: int) -> None:
    matrix, weights, benefit = random_problem(seed)
    base = weighted_sum(matrix, weights, benefit)
    for item in weight_sensitivity(matrix, weights, benefit):
        j, winner = item.criterion, item.winner
        assert base.ranks[winner] == 1
        assert item.lower <= item.weight <= item.upper
        inside = np.linspace(item.lower + EPS, item.upper - EPS, 7)
        for t in inside[(inside > item.lower) & (inside < item.upper)]:
            assert weighted_sum(matrix, weights_at(weights, j, t), benefit).ranks[winner] == 1
        for bound, step in ((item.lower, -EPS), (item.upper, EPS)):
            outside = bound + step
            if not 0 <= outside <= 1:
                continue
            result = weighted_sum(matrix, weights_at(weights, j, outside), benefit)
            assert result.ranks[winner] > 1
        if item.change is None:
            assert (item.lower, item.upper) == (0.0, 1.0)
            assert item.rival is None
        else:
            assert item.rival is not None and item.rival != winner
            beyond = item.weight + item.change + np.sign(item.change) * EPS
            result = weighted_sum(matrix, weights_at(weights, j, beyond), benefit)
            assert result.ranks[item.rival] == 1
            assert abs(item.change) == min(
                abs(b - item.weight) for b in (item.lower, item.upper) if 0 < b < 1
            )


def test_hand_computed_two_by_two() -> None:
    matrix = np.array([[1.0, 0.0], [0.0, 1.0]])
    first, second = weight_sensitivity(matrix, np.array([0.6, 0.4]), np.array([True, True]))
    assert (first.lower, first.upper) == pytest.approx((0.5, 1.0))
    assert (first.change, first.rival) == (pytest.approx(-0.1), 1)
    assert (second.lower, second.upper) == pytest.approx((0.0, 0.5))
    assert (second.change, second.rival) == (pytest.approx(0.1), 1)
    data = first.to_json(["quality", "price"], ["A", "B"])
    assert data["criterion"] == "quality" and data["winner"] == "A" and data["rival"] == "B"


def test_dominating_winner_has_no_rival() -> None:
    matrix = np.array([[5.0, 1.0, 9.0], [4.0, 2.0, 8.0], [3.0, 3.0, 7.0]])
    benefit = np.array([True, False, True])
    for item in weight_sensitivity(matrix, np.array([0.2, 0.3, 0.5]), benefit):
        assert (item.lower, item.upper, item.change, item.rival) == (0.0, 1.0, None, None)
        assert item.to_json(["a", "b", "c"], ["x", "y", "z"])["rival"] is None


def test_full_weight_on_one_criterion_uses_equal_shares() -> None:
    matrix = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0], [0.5, 0.0, 0.0]])
    item = weight_sensitivity(matrix, np.array([1.0, 0.0, 0.0]), np.ones(3, dtype=bool))[0]
    # Others at equal shares: A scores t, B scores 1 - t: B takes over below one half.
    assert (item.lower, item.upper, item.rival) == (pytest.approx(0.5), 1.0, 1)


def test_needs_two_criteria() -> None:
    with pytest.raises(ValueError, match="two criteria"):
        weight_sensitivity([[1.0], [2.0]], [1.0], np.array([True]))
