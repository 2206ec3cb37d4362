"""AHP: eigenvector priorities, consistency, Harker's incomplete matrices, group aggregation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crosource.engine.evaluate.ahp import (
    RANDOM_INDEX,
    RI_ALONSO_LAMATA,
    RI_SAATY,
    FloatArray,
    aggregate,
    gci,
    group,
    matrix_from_judgments,
    priorities,
    random_index,
)

SAATY_SCALE = [1 / k for k in range(9, 1, -1)] + [float(k) for k in range(1, 10)]


def consistent_matrix(weights: list[float]) -> FloatArray:
    w = np.asarray(weights, dtype=float)
    return np.outer(w, 1.0 / w)


def power_iteration(matrix: FloatArray, steps: int = 1000) -> tuple[float, FloatArray]:
    """Independent check of the principal eigenpair (no numpy.linalg.eig)."""
    w = np.ones(matrix.shape[0]) / matrix.shape[0]
    for _ in range(steps):
        nxt = matrix @ w
        w = nxt / nxt.sum()
    lam = float(np.mean((matrix @ w) / w))
    return lam, w


def test_saaty_random_index() -> None:
    """Saaty (1980), The Analytic Hierarchy Process: RI(3..10)."""
    expected = {3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}
    for n, ri in expected.items():
        assert RANDOM_INDEX[n] == ri
        assert random_index(n) == (ri, RI_SAATY)
    assert RANDOM_INDEX[1] == RANDOM_INDEX[2] == 0.0


def test_random_index_beyond_table() -> None:
    """Alonso & Lamata (2006) fit RI(n) = (1.7699 n - 4.3513)/(n - 1) for n > 10."""
    ri, source = random_index(12)
    assert ri == pytest.approx((1.7699 * 12 - 4.3513) / 11)
    assert source == RI_ALONSO_LAMATA
    result = priorities(consistent_matrix([float(k) for k in range(1, 13)]))
    assert result.ri_source == RI_ALONSO_LAMATA
    # the fit joins Saaty's table smoothly at n = 10
    assert random_index(11)[0] == pytest.approx(1.51, abs=0.01)


def test_consistent_matrix_gives_back_weights() -> None:
    """A matrix of exact ratios w_i/w_j has eigenvector w, lambda_max = n, CI = CR = 0."""
    w = [0.4, 0.25, 0.2, 0.1, 0.05]
    result = priorities(consistent_matrix(w), ["a", "b", "c", "d", "e"])
    np.testing.assert_allclose(result.weights, w, atol=1e-12)
    assert result.lambda_max == pytest.approx(5, abs=1e-12)
    assert result.ci == pytest.approx(0, abs=1e-12)
    assert result.cr == pytest.approx(0, abs=1e-12)
    assert result.consistent
    assert result.warning is None
    assert result.complete
    assert result.to_json()["weights"] == pytest.approx(dict(zip("abcde", w, strict=True)))


def test_three_by_three_worked_example() -> None:
    """Widely reproduced 3x3 example (1, 3, 5; 1/3, 1, 3; 1/5, 1/3, 1): weights
    (0.6370, 0.2583, 0.1047), lambda_max 3.0385, CI 0.0193, CR 0.0332 — verified by independent
    power iteration below."""
    judgments = {"a/b": 3, "a/c": 5, "b/c": 3}
    matrix = matrix_from_judgments(["a", "b", "c"], judgments)
    np.testing.assert_allclose(
        matrix, [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]], rtol=1e-15, atol=0
    )
    result = priorities(matrix, ["a", "b", "c"])

    lam, w = power_iteration(matrix)
    np.testing.assert_allclose(result.weights, w, atol=1e-12)
    assert result.lambda_max == pytest.approx(lam, abs=1e-10)
    assert result.ci == pytest.approx((lam - 3) / 2, abs=1e-10)
    assert result.cr == pytest.approx((lam - 3) / 2 / 0.58, abs=1e-10)

    assert [round(float(x), 4) for x in result.weights] == [0.6370, 0.2583, 0.1047]
    assert round(result.lambda_max, 4) == 3.0385
    assert round(result.ci, 4) == 0.0193
    assert round(result.cr, 4) == 0.0332
    assert result.consistent
    assert result.ri == 0.58


def test_inconsistent_cycle_is_flagged() -> None:
    """a > b (9), b > c (9), c > a (9) is a cycle: far past CR 0.10."""
    matrix = matrix_from_judgments(["a", "b", "c"], {"a/b": 9, "b/c": 9, "c/a": 9})
    result = priorities(matrix, ["a", "b", "c"])
    assert result.cr > 0.10
    assert not result.consistent
    assert result.worst is not None
    assert result.worst.pair in {"a/b", "b/c", "c/a"}
    assert result.worst.given == pytest.approx(9)
    assert result.worst.implied == pytest.approx(1)  # the cycle cancels out: equal weights
    assert result.warning is not None and result.worst.pair in result.warning
    assert result.to_json()["worst"]["pair"] == result.worst.pair


def test_worst_judgment_is_the_odd_one() -> None:
    """In a consistent 4x4 matrix with one judgment changed, that judgment is the worst."""
    names = ["a", "b", "c", "d"]
    matrix = consistent_matrix([8, 4, 2, 1])
    matrix[0, 3], matrix[3, 0] = 1 / 8, 8
    result = priorities(matrix, names)
    assert result.worst is not None
    assert result.worst.pair == "d/a"
    assert result.worst.given == pytest.approx(8)


def test_harker_missing_judgment_matches_complete() -> None:
    """Harker (1987): for a consistent matrix, dropping a judgment keeps the weights."""
    w = [0.4, 0.3, 0.2, 0.1]
    complete = priorities(consistent_matrix(w))
    incomplete_matrix = consistent_matrix(w)
    incomplete_matrix[0, 3] = incomplete_matrix[3, 0] = 0.0
    incomplete = priorities(incomplete_matrix)
    np.testing.assert_allclose(incomplete.weights, complete.weights, atol=1e-9)
    assert not incomplete.complete
    assert incomplete.eigen_matrix[0, 0] == 2.0 and incomplete.eigen_matrix[3, 3] == 2.0
    assert incomplete.eigen_matrix[1, 1] == 1.0
    assert incomplete.lambda_max == pytest.approx(4, abs=1e-9)


def test_judgments_with_missing_pair() -> None:
    names = ["a", "b", "c"]
    matrix = matrix_from_judgments(names, {"a/b": 2, "b/c": 3})
    assert matrix[0, 2] == matrix[2, 0] == 0.0
    np.testing.assert_allclose(priorities(matrix).weights, np.array([6, 3, 1]) / 10, atol=1e-12)


def test_aggregate_geometric_mean() -> None:
    """Two evaluators with reciprocal disagreement on a/b meet at 1 (geometric mean)."""
    names = ["a", "b", "c"]
    one = matrix_from_judgments(names, {"a/b": 3, "b/c": 2, "a/c": 4})
    two = matrix_from_judgments(names, {"b/a": 3, "b/c": 8})
    combined = aggregate([one, two])
    assert combined[0, 1] == pytest.approx(1.0)
    assert combined[1, 2] == pytest.approx(4.0)
    assert combined[0, 2] == pytest.approx(4.0)  # only evaluator one judged a/c
    np.testing.assert_allclose(combined * combined.T, np.ones((3, 3)), rtol=1e-12)


def test_aggregate_absent_for_all_stays_absent() -> None:
    names = ["a", "b", "c"]
    one = matrix_from_judgments(names, {"a/b": 2, "b/c": 2})
    two = matrix_from_judgments(names, {"a/b": 8, "b/c": 1 / 2})
    combined = aggregate([one, two])
    assert combined[0, 2] == combined[2, 0] == 0.0
    assert combined[0, 1] == pytest.approx(4.0)
    assert combined[1, 2] == pytest.approx(1.0)


def test_group_identical_evaluators() -> None:
    """Identical consistent evaluators: zero distance and zero GCI from the group."""
    names = ["a", "b", "c"]
    judgments = {"a/b": 2, "b/c": 3, "a/c": 6}
    result = group(names, {"x": judgments, "y": dict(judgments)})
    for distance in result.distances.values():
        assert distance.euclidean == pytest.approx(0, abs=1e-12)
        assert distance.gci == pytest.approx(0, abs=1e-12)
    np.testing.assert_allclose(result.group.weights, np.array([6, 3, 1]) / 10, atol=1e-12)
    doc = result.to_json()
    assert set(doc["evaluators"]) == {"x", "y"}
    assert doc["group"]["weights"]["a"] == pytest.approx(0.6)


def test_group_disagreement() -> None:
    """Evaluators reporting opposite a/b meet in the middle; each is equally far from the group."""
    names = ["a", "b", "c"]
    result = group(names, {"x": {"a/b": 4, "b/c": 1, "a/c": 4}, "y": {"b/a": 4, "b/c": 4}})
    assert result.group.matrix[0, 1] == pytest.approx(1.0)
    assert result.group.matrix[1, 2] == pytest.approx(2.0)
    assert result.evaluators["x"].weights[0] > result.evaluators["y"].weights[0]
    assert all(d.euclidean > 0 and d.gci > 0 for d in result.distances.values())
    x = result.evaluators["x"]
    expected_gci = gci(x.matrix, result.group.weights)
    assert result.distances["x"].gci == pytest.approx(expected_gci)
    # by hand: GCI = 2/((n-1)(n-2)) * sum_{i<j} ln^2(a_ij w_j / w_i)
    w = result.group.weights
    terms = [math.log(x.matrix[i, j] * w[j] / w[i]) ** 2 for i, j in [(0, 1), (0, 2), (1, 2)]]
    assert expected_gci == pytest.approx(sum(terms))


def test_group_reports_bad_evaluator() -> None:
    with pytest.raises(ValueError, match=r"evaluator 'y'.*unknown criterion"):
        group(["a", "b"], {"x": {"a/b": 2}, "y": {"a/z": 2}})


@pytest.mark.parametrize(
    ("judgments", "message"),
    [
        ({"a/z": 3}, "unknown criterion 'z'"),
        ({"ab": 3}, "not of the form 'a/b'"),
        ({"a/b/c": 3}, "not of the form 'a/b'"),
        ({"a/a": 3}, "itself"),
        ({"a/b": 3, "b/a": 1 / 3, "b/c": 2}, "judged twice"),
        ({"a/b": 10, "b/c": 2}, "out of range"),
        ({"a/b": 0.1, "b/c": 2}, "out of range"),
        ({"a/b": 0, "b/c": 2}, "not a positive number"),
        ({"a/b": -2, "b/c": 2}, "not a positive number"),
        ({"a/b": float("nan"), "b/c": 2}, "not a positive number"),
        ({"a/b": 2}, "not connected: c cut off"),
        ({}, "not connected: b, c cut off"),
    ],
)
def test_bad_judgments(judgments: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        matrix_from_judgments(["a", "b", "c"], judgments)


def test_bad_matrices() -> None:
    with pytest.raises(ValueError, match="square"):
        priorities(np.ones((2, 3)))
    with pytest.raises(ValueError, match="reciprocal"):
        priorities(np.array([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(ValueError, match="diagonal"):
        priorities(np.array([[2.0, 1.0], [1.0, 1.0]]))
    with pytest.raises(ValueError, match="same shape"):
        aggregate([np.eye(1), consistent_matrix([1, 2])])
    with pytest.raises(ValueError, match="at least one"):
        aggregate([])


def test_extreme_scale_ends_accepted() -> None:
    matrix = matrix_from_judgments(["a", "b"], {"a/b": 1 / 9})
    result = priorities(matrix, ["a", "b"])
    np.testing.assert_allclose(result.weights, [0.1, 0.9], atol=1e-12)
    assert result.cr == 0.0


@st.composite
def saaty_matrices(draw: st.DrawFn) -> FloatArray:
    n = draw(st.integers(min_value=3, max_value=8))
    matrix = np.eye(n)
    for i in range(n):
        for j in range(i + 1, n):
            v = draw(st.sampled_from(SAATY_SCALE))
            matrix[i, j], matrix[j, i] = v, 1.0 / v
    return matrix


@settings(max_examples=200, deadline=None)
@given(saaty_matrices())
def test_random_reciprocal_matrices(matrix: FloatArray) -> None:
    n = matrix.shape[0]
    result = priorities(matrix)
    assert np.all(result.weights > 0)
    assert result.weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert result.lambda_max >= n - 1e-9
    assert result.cr >= -1e-12
    assert result.worst is not None
