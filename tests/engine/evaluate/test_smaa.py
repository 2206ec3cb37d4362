"""SMAA-2: acceptability sums, seeding, dominance and agreement with a per-sample loop."""

from __future__ import annotations

import numpy as np
import pytest

from crosource.engine.evaluate.methods import weighted_sum
from crosource.engine.evaluate.smaa import bounds_around, rank_shares, sample_weights, smaa


def problem(seed: int, m: int = 5, n: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Seeded factory: m alternatives x n criteria, the last criterion a cost."""
    rng = np.random.default_rng(seed)
    benefit = np.ones(n, dtype=bool)
    benefit[-1] = False
    return rng.uniform(0.0, 10.0, (m, n)), benefit


@pytest.mark.parametrize("spread", [0.0, 0.2])
def test_acceptabilities_sum_to_one(spread: float) -> None:
    matrix, benefit = problem(1, m=6, n=4)
    result = smaa(
        matrix, benefit, np.random.default_rng(7), samples=5_000, spread=spread, chunk=700
    )
    np.testing.assert_allclose(result.acceptability.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(result.acceptability.sum(axis=0), 1.0, atol=1e-12)
    ever_first = result.first_rank > 0
    assert np.isnan(result.central_weights[~ever_first]).all()
    np.testing.assert_allclose(result.central_weights[ever_first].sum(axis=1), 1.0)
    assert np.isnan(result.confidence[~ever_first]).all()
    assert ((result.confidence[ever_first] >= 0) & (result.confidence[ever_first] <= 1)).all()


def test_ties_split_ranks() -> None:
    counts, first = rank_shares(np.array([[0.5, 0.5, 0.2], [1.0, 1.0, 1.0]]))
    third = 1 / 3
    pair = [0.5 + third, 0.5 + third, third]
    np.testing.assert_allclose(counts, [pair, pair, [third, third, 1 + third]])
    np.testing.assert_allclose(first, [[0.5, 0.5, 0.0], [1 / 3, 1 / 3, 1 / 3]])


def test_same_seed_same_result() -> None:
    matrix, benefit = problem(2)
    runs = [
        smaa(matrix, benefit, np.random.default_rng(42), samples=3_000, spread=0.1, chunk=1_000)
        for _ in range(2)
    ]
    np.testing.assert_array_equal(runs[0].acceptability, runs[1].acceptability)
    np.testing.assert_array_equal(runs[0].central_weights, runs[1].central_weights)
    np.testing.assert_array_equal(runs[0].confidence, runs[1].confidence)
    other = smaa(matrix, benefit, np.random.default_rng(43), samples=3_000, spread=0.1)
    assert not np.array_equal(runs[0].acceptability, other.acceptability)


def test_dominating_alternative_always_first() -> None:
    matrix, benefit = problem(3)
    best = np.where(benefit, matrix.max(axis=0) + 1.0, matrix.min(axis=0) - 1.0)
    matrix = np.vstack([matrix, best])
    result = smaa(matrix, benefit, np.random.default_rng(0), samples=4_000)
    assert result.first_rank[-1] == 1.0
    assert result.confidence[-1] == 1.0
    assert result.ranks[-1] == 1
    # Its central weights are the mean of all samples: about 1/n each.
    np.testing.assert_allclose(result.central_weights[-1], 1 / 3, atol=0.02)


def test_one_criterion_best_always_first() -> None:
    matrix = np.array([[3.0], [1.0], [2.0]])
    for benefit, best in ((np.array([True]), 0), (np.array([False]), 1)):
        result = smaa(matrix, benefit, np.random.default_rng(5), samples=1_000, spread=0.1)
        assert result.first_rank[best] == 1.0
        assert result.confidence[best] == 1.0


def reference(
    matrix: np.ndarray, benefit: np.ndarray, rng: np.random.Generator, samples: int, spread: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A slow, literal SMAA-2: one weighted_sum per sample (assumes no ties)."""
    m, n = matrix.shape
    span = matrix.max(axis=0) - matrix.min(axis=0)
    acceptability, sums, firsts = np.zeros((m, m)), np.zeros((m, n)), np.zeros(m)
    drawn = []
    for _ in range(samples):
        weights = rng.dirichlet(np.ones(n))
        sample = matrix + rng.uniform(-spread, spread, matrix.shape) * span
        drawn.append(sample)
        ranks = weighted_sum(sample, weights, benefit).ranks
        acceptability[np.arange(m), ranks - 1] += 1
        first = int(np.argmin(ranks))
        sums[first] += weights
        firsts[first] += 1
    central = sums / firsts[:, None]
    confidence = np.zeros(m)
    for i in np.flatnonzero(firsts):
        for sample in drawn:
            confidence[i] += weighted_sum(sample, central[i], benefit).ranks[i] == 1
    return acceptability / samples, central, confidence / samples


def test_agrees_with_reference_loop() -> None:
    matrix, benefit = problem(4, m=4, n=3)
    expected = reference(matrix, benefit, np.random.default_rng(1), 4_000, 0.3)
    result = smaa(
        matrix, benefit, np.random.default_rng(2), samples=20_000, spread=0.3, chunk=3_000
    )
    # Standard error of a share at most sqrt(0.25 / 4000) = 0.008: allow about 4 of them.
    np.testing.assert_allclose(result.acceptability, expected[0], atol=0.035)
    frequent = expected[0][:, 0] > 0.1
    np.testing.assert_allclose(result.central_weights[frequent], expected[1][frequent], atol=0.04)
    np.testing.assert_allclose(result.confidence[frequent], expected[2][frequent], atol=0.04)


def test_fixed_weights_vary_only_scores() -> None:
    matrix, benefit = problem(6)
    weights = np.array([0.5, 0.3, 0.2])
    result = smaa(matrix, benefit, np.random.default_rng(0), samples=2_000, weights=weights)
    winner = int(np.argmin(weighted_sum(matrix, weights, benefit).ranks))
    assert result.first_rank[winner] == 1.0
    np.testing.assert_allclose(result.central_weights[winner], weights)
    spread = smaa(matrix, benefit, np.random.default_rng(0), 2_000, weights=weights, spread=0.5)
    ever_first = spread.first_rank > 0
    np.testing.assert_allclose(
        spread.central_weights[ever_first], np.broadcast_to(weights, (ever_first.sum(), 3))
    )


def test_sample_weights_within_bounds_and_uniform() -> None:
    lower, upper = np.array([0.1, 0.0, 0.2]), np.array([0.5, 0.4, 0.6])
    weights = sample_weights(np.random.default_rng(0), 20_000, lower, upper)
    assert weights.shape == (20_000, 3)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0)
    assert ((weights >= lower - 1e-12) & (weights <= upper)).all()
    unbounded = sample_weights(np.random.default_rng(0), 50_000, np.zeros(4), np.ones(4))
    np.testing.assert_allclose(unbounded.mean(axis=0), 0.25, atol=0.005)
    # Uniform on the simplex: each coordinate is Beta(1, n - 1), variance 3 / 80 for n = 4.
    np.testing.assert_allclose(unbounded.var(axis=0), 3 / 80, atol=0.002)


def test_weight_bounds_and_bounds_around() -> None:
    matrix, benefit = problem(8)
    bounds = bounds_around([0.5, 0.3, 0.2], 0.05)
    np.testing.assert_allclose(bounds, [[0.45, 0.55], [0.25, 0.35], [0.15, 0.25]])
    result = smaa(matrix, benefit, np.random.default_rng(0), samples=3_000, weight_bounds=bounds)
    ever_first = result.first_rank > 0
    central = result.central_weights[ever_first]
    assert ((central >= bounds[:, 0]) & (central <= bounds[:, 1])).all()


def test_to_json() -> None:
    matrix = np.array([[3.0, 3.0], [1.0, 1.0], [2.0, 2.0]])
    result = smaa(matrix, np.array([True, True]), np.random.default_rng(0), samples=500)
    data = result.to_json(["a", "b", "c"])
    assert data["scores"] == {"a": 1.0, "b": 0.0, "c": 0.0}
    assert data["ranks"] == {"a": 1, "b": 2, "c": 2}
    assert data["acceptability"]["c"] == [0.0, 1.0, 0.0]
    assert data["central_weights"]["b"] == [None, None]
    assert data["confidence"] == {"a": 1.0, "b": None, "c": None}
    with pytest.raises(ValueError, match="alternative names"):
        result.to_json(["a"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"samples": 0}, "positive"),
        ({"spread": -0.1}, "spread"),
        ({"weight_bounds": [[0.0, 1.0]]}, "shape"),
        ({"weight_bounds": [[0.6, 0.5], [0.0, 1.0], [0.0, 1.0]]}, "lower <= upper"),
        ({"weight_bounds": [[0.0, 0.2], [0.0, 0.2], [0.0, 0.2]]}, "no weights"),
        ({"weights": [0.5, 0.3, 0.2], "weight_bounds": [[0, 1]] * 3}, "not both"),
    ],
)
def test_validation(kwargs: dict[str, object], message: str) -> None:
    matrix, benefit = problem(9)
    with pytest.raises(ValueError, match=message):
        smaa(matrix, benefit, np.random.default_rng(0), **kwargs)  # type: ignore[arg-type]
