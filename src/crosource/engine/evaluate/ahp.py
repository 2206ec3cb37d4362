"""AHP weights from pairwise judgments: eigenvector priorities, consistency, group aggregation.

Plain array functions (`harker_matrix`, `principal_eigenvector`, `aggregate`) carry the
arithmetic; `matrix_from_judgments`, `priorities` and `group` validate inputs and return results
that keep every intermediate value.

A matrix holds a_ij = how many times criterion i is as important as criterion j; a_ji = 1/a_ij;
a missing judgment is 0 in both places.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

SAATY_MIN = 1.0 / 9.0
SAATY_MAX = 9.0
CR_THRESHOLD = 0.10
_TOL = 1e-9

# Saaty's random index (mean CI of random reciprocal matrices on the 1-9 scale).
RANDOM_INDEX: dict[int, float] = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
}
RI_SAATY = "Saaty (1980), The Analytic Hierarchy Process: random index table, n = 1..10"
# Saaty's table stops at 10; beyond it the linear fit of lambda_max for random matrices by
# Alonso & Lamata (2006), "Consistency in the analytic hierarchy process: a new approach",
# Int. J. Uncertainty, Fuzziness and Knowledge-Based Systems 14(4):445-459.
RI_ALONSO_LAMATA = "Alonso & Lamata (2006): RI(n) = (1.7699 n - 4.3513)/(n - 1)"


def random_index(n: int) -> tuple[float, str]:
    """RI(n) and the source of the value."""
    if n < 1:
        raise ValueError(f"random index needs n >= 1, got {n}")
    if n in RANDOM_INDEX:
        return RANDOM_INDEX[n], RI_SAATY
    return (1.7699 * n - 4.3513) / (n - 1), RI_ALONSO_LAMATA


# --------------------------------------------------------------------------- array functions


def harker_matrix(matrix: FloatArray) -> FloatArray:
    """Harker (1987): missing a_ij stay 0 and a_ii becomes 1 + number of missing in row i."""
    completed = np.array(matrix, dtype=float)
    missing = (completed == 0).sum(axis=1)
    np.fill_diagonal(completed, 1.0 + missing)
    return completed


def principal_eigenvector(matrix: FloatArray) -> tuple[float, FloatArray]:
    """Eigenvalue of largest real part and its eigenvector normalised to sum 1."""
    values, vectors = np.linalg.eig(matrix)
    k = int(np.argmax(values.real))
    vector = vectors[:, k].real
    return float(values[k].real), vector / vector.sum()


def log_errors(matrix: FloatArray, weights: FloatArray) -> FloatArray:
    """ln(a_ij w_j / w_i) for given judgments, 0 where absent."""
    given = matrix > 0
    ratio = np.ones_like(matrix)
    ratio[given] = (matrix * np.outer(1.0 / weights, weights))[given]
    return np.log(ratio)


def gci(matrix: FloatArray, weights: FloatArray) -> float:
    """Geometric consistency index of `matrix` against `weights`.

    Aguarón & Moreno-Jiménez (2003), "The geometric consistency index: approximated thresholds",
    EJOR 147(1):137-145: GCI = 2/((n-1)(n-2)) sum_{i<j} ln^2(a_ij w_j / w_i). Absent judgments
    add nothing. For n = 2 the normalisation is undefined; the single squared log error is used.
    """
    n = int(matrix.shape[0])
    total = float(np.sum(np.triu(log_errors(matrix, weights), k=1) ** 2))
    if n <= 2:
        return total
    return 2.0 * total / ((n - 1) * (n - 2))


def aggregate(matrices: Sequence[FloatArray]) -> FloatArray:
    """Element-wise geometric mean over the evaluators that gave each judgment.

    Entries absent (0) for every evaluator stay absent. The upper triangle is averaged and the
    lower triangle set to its reciprocal, so the result is exactly reciprocal.
    """
    if len(matrices) == 0:
        raise ValueError("aggregate needs at least one matrix")
    checked = [_check_matrix(np.asarray(m, dtype=float)) for m in matrices]
    if len({m.shape for m in checked}) != 1:
        raise ValueError("matrices to aggregate must all have the same shape")
    stack = np.stack(checked)
    given = stack > 0
    counts = given.sum(axis=0)
    log_sum = np.where(given, np.log(np.where(given, stack, 1.0)), 0.0).sum(axis=0)
    mean = np.where(counts > 0, np.exp(log_sum / np.maximum(counts, 1)), 0.0)
    upper = np.triu(mean, k=1)
    lower = np.where(upper > 0, 1.0 / np.where(upper > 0, upper, 1.0), 0.0).T
    result: FloatArray = upper + lower + np.eye(mean.shape[0])
    return result


# --------------------------------------------------------------------------- validation


def _split_key(key: str) -> tuple[str, str]:
    parts = key.split("/")
    if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        raise ValueError(f"judgment key {key!r} is not of the form 'a/b'")
    return parts[0].strip(), parts[1].strip()


def _check_value(key: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"judgment {key!r}: value {value!r} is not a number")
    v = float(value)
    if not math.isfinite(v) or v <= 0:
        raise ValueError(f"judgment {key!r}: value {v} is not a positive number")
    if v < SAATY_MIN * (1 - _TOL) or v > SAATY_MAX * (1 + _TOL):
        raise ValueError(f"judgment {key!r}: value {v} is out of range [1/9, 9] (Saaty scale)")
    return v


def _unreached(matrix: FloatArray) -> list[int]:
    """Indices not connected to index 0 through given judgments."""
    n = int(matrix.shape[0])
    seen = {0}
    frontier = [0]
    while frontier:
        i = frontier.pop()
        for j in np.flatnonzero(matrix[i] > 0):
            if int(j) not in seen:
                seen.add(int(j))
                frontier.append(int(j))
    return [i for i in range(n) if i not in seen]


def _check_matrix(matrix: FloatArray, criteria: Sequence[str] | None = None) -> FloatArray:
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] == 0:
        raise ValueError(f"pairwise matrix must be square and non-empty, got shape {matrix.shape}")
    if criteria is not None and len(criteria) != matrix.shape[0]:
        raise ValueError(
            f"{len(criteria)} criteria names for a {matrix.shape[0]}x{matrix.shape[0]} matrix"
        )
    if not np.all(np.isfinite(matrix)) or np.any(matrix < 0):
        raise ValueError("pairwise matrix entries must be finite and non-negative (0 = absent)")
    if not np.allclose(np.diag(matrix), 1.0):
        raise ValueError("pairwise matrix diagonal must be 1")
    if np.any((matrix > 0) != (matrix.T > 0)):
        raise ValueError(
            "pairwise matrix: a judgment and its reciprocal must both be given or absent"
        )
    given = matrix > 0
    if not np.allclose((matrix * matrix.T)[given], 1.0, rtol=1e-9):
        raise ValueError("pairwise matrix is not reciprocal: a_ji must equal 1/a_ij")
    cut = _unreached(matrix)
    if cut:
        names = [criteria[i] for i in cut] if criteria is not None else [str(i) for i in cut]
        raise ValueError(f"judgments are not connected: {', '.join(names)} cut off")
    return matrix


def _check_criteria(criteria: Sequence[str]) -> list[str]:
    names = [str(c) for c in criteria]
    if not names:
        raise ValueError("at least one criterion is needed")
    if len(set(names)) != len(names):
        raise ValueError("criterion names must be unique")
    for name in names:
        if "/" in name or not name.strip():
            raise ValueError(f"criterion name {name!r} must be non-empty and contain no '/'")
    return names


def matrix_from_judgments(criteria: Sequence[str], judgments: Mapping[str, float]) -> FloatArray:
    """Pairwise matrix from {"a/b": value}: a is `value` times as important as b."""
    names = _check_criteria(criteria)
    index = {name: i for i, name in enumerate(names)}
    matrix = np.eye(len(names))
    for key, value in judgments.items():
        a, b = _split_key(key)
        for name in (a, b):
            if name not in index:
                raise ValueError(f"judgment {key!r}: unknown criterion {name!r}")
        if a == b:
            raise ValueError(f"judgment {key!r} compares a criterion with itself")
        i, j = index[a], index[b]
        if matrix[i, j] > 0:
            raise ValueError(f"pair {a}/{b} is judged twice ({key!r} and its reverse)")
        v = _check_value(key, value)
        matrix[i, j], matrix[j, i] = v, 1.0 / v
    _check_matrix(matrix, names)
    return matrix


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Judgment:
    """One given judgment: `pair` "a/b" with a_ij >= 1, and the ratio the weights imply."""

    pair: str
    i: int
    j: int
    given: float
    implied: float
    log_error: float

    def to_json(self) -> dict[str, Any]:
        return {
            "pair": self.pair,
            "given": self.given,
            "implied": self.implied,
            "log_error": self.log_error,
        }


@dataclass(frozen=True)
class AhpResult:
    weights: FloatArray
    lambda_max: float
    ci: float
    cr: float
    ri: float
    ri_source: str
    n: int
    matrix: FloatArray
    eigen_matrix: FloatArray
    complete: bool
    worst: Judgment | None
    criteria: tuple[str, ...] | None = None

    @property
    def consistent(self) -> bool:
        return self.cr <= CR_THRESHOLD

    @property
    def warning(self) -> str | None:
        if self.consistent:
            return None
        text = f"CR {self.cr:.3f} > {CR_THRESHOLD:.2f}"
        if self.worst is not None:
            text += (
                f"; most inconsistent judgment {self.worst.pair}: given {self.worst.given:.3g},"
                f" weights imply {self.worst.implied:.3g}"
            )
        return text

    def weight_map(self) -> dict[str, float]:
        names = self.criteria or tuple(str(i) for i in range(self.n))
        return {name: float(w) for name, w in zip(names, self.weights, strict=True)}

    def to_json(self) -> dict[str, Any]:
        weights: dict[str, float] | list[float] = (
            self.weight_map() if self.criteria else [float(w) for w in self.weights]
        )
        return {
            "criteria": list(self.criteria) if self.criteria else None,
            "weights": weights,
            "lambda_max": self.lambda_max,
            "ci": self.ci,
            "cr": self.cr,
            "ri": self.ri,
            "ri_source": self.ri_source,
            "n": self.n,
            "consistent": self.consistent,
            "warning": self.warning,
            "worst": self.worst.to_json() if self.worst else None,
            "complete": self.complete,
            "matrix": self.matrix.tolist(),
            "eigen_matrix": self.eigen_matrix.tolist(),
        }


def _worst(matrix: FloatArray, weights: FloatArray, names: Sequence[str]) -> Judgment | None:
    errors = np.abs(np.triu(log_errors(matrix, weights), k=1))
    upper_given = np.triu(matrix > 0, k=1)
    if not upper_given.any():
        return None
    i, j = (
        int(x)
        for x in np.unravel_index(np.argmax(np.where(upper_given, errors, -1.0)), errors.shape)
    )
    if matrix[i, j] < 1.0:  # report as "a is k times b" with k >= 1
        i, j = j, i
    return Judgment(
        pair=f"{names[i]}/{names[j]}",
        i=i,
        j=j,
        given=float(matrix[i, j]),
        implied=float(weights[i] / weights[j]),
        log_error=float(errors[min(i, j), max(i, j)]),
    )


def priorities(matrix: FloatArray, criteria: Sequence[str] | None = None) -> AhpResult:
    """Principal-eigenvector weights, consistency (CI, CR) and the worst judgment.

    Incomplete matrices use Harker's method; its principal eigenvalue gives lambda_max.
    """
    names = _check_criteria(criteria) if criteria is not None else None
    a = _check_matrix(np.asarray(matrix, dtype=float), names)
    n = int(a.shape[0])
    eigen_matrix = harker_matrix(a)
    lambda_max, weights = principal_eigenvector(eigen_matrix)
    if not np.all(weights > 0):
        raise ValueError("principal eigenvector is not positive; check the judgments")
    ri, ri_source = random_index(n)
    ci = (lambda_max - n) / (n - 1) if n > 1 else 0.0
    cr = ci / ri if n > 2 else 0.0
    labels = names if names is not None else [str(i) for i in range(n)]
    return AhpResult(
        weights=weights,
        lambda_max=lambda_max,
        ci=ci,
        cr=cr,
        ri=ri,
        ri_source=ri_source,
        n=n,
        matrix=a,
        eigen_matrix=eigen_matrix,
        complete=bool(np.all(a > 0)),
        worst=_worst(a, weights, labels),
        criteria=tuple(names) if names is not None else None,
    )


# --------------------------------------------------------------------------- group


@dataclass(frozen=True)
class Distance:
    """How far an evaluator is from the group."""

    euclidean: float
    gci: float

    def to_json(self) -> dict[str, float]:
        return {"euclidean": self.euclidean, "gci": self.gci}


@dataclass(frozen=True)
class GroupResult:
    criteria: tuple[str, ...]
    evaluators: dict[str, AhpResult]
    group: AhpResult
    distances: dict[str, Distance]

    def to_json(self) -> dict[str, Any]:
        return {
            "criteria": list(self.criteria),
            "group": self.group.to_json(),
            "evaluators": {
                name: {**result.to_json(), "distance": self.distances[name].to_json()}
                for name, result in self.evaluators.items()
            },
        }


def group(criteria: Sequence[str], evaluators: Mapping[str, Mapping[str, float]]) -> GroupResult:
    """Each evaluator's priorities, the group's from the geometric-mean matrix, and distances."""
    names = _check_criteria(criteria)
    if not evaluators:
        raise ValueError("group needs at least one evaluator")
    own: dict[str, AhpResult] = {}
    for evaluator, judgments in evaluators.items():
        try:
            own[evaluator] = priorities(matrix_from_judgments(names, judgments), names)
        except ValueError as exc:
            raise ValueError(f"evaluator {evaluator!r}: {exc}") from exc
    together = priorities(aggregate([r.matrix for r in own.values()]), names)
    distances = {
        evaluator: Distance(
            euclidean=float(np.linalg.norm(result.weights - together.weights)),
            gci=gci(result.matrix, together.weights),
        )
        for evaluator, result in own.items()
    }
    return GroupResult(criteria=tuple(names), evaluators=own, group=together, distances=distances)
