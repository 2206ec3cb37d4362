"""A published AHP worked example.

Source: T. L. Saaty, "A scaling method for priorities in hierarchical structures", Journal of
Mathematical Psychology 15(3), 1977, pp. 234-281: the light-intensity experiment (four chairs
at increasing distances from a light; judgments of their relative brightness). Saaty reports
λmax = 4.39, CI = 0.13 and priorities of about (0.61, 0.24, 0.10, 0.05), against the
inverse-square law's (0.61, 0.22, 0.11, 0.06). The figures are asserted at the two decimals at
which they are published.
"""

from __future__ import annotations

import numpy as np
import pytest

from crosource.engine.evaluate.ahp import matrix_from_judgments, priorities

CHAIRS = ["c1", "c2", "c3", "c4"]
JUDGMENTS = {"c1/c2": 5, "c1/c3": 6, "c1/c4": 7, "c2/c3": 4, "c2/c4": 6, "c3/c4": 4}


def test_light_intensity_example() -> None:
    matrix = matrix_from_judgments(CHAIRS, JUDGMENTS)
    expected = np.array(
        [[1, 5, 6, 7], [1 / 5, 1, 4, 6], [1 / 6, 1 / 4, 1, 4], [1 / 7, 1 / 6, 1 / 4, 1]]
    )
    assert np.allclose(matrix, expected)
    result = priorities(matrix, CHAIRS)
    assert round(result.lambda_max, 2) == 4.39
    assert round(result.ci, 2) == 0.13
    assert result.weights == pytest.approx([0.61, 0.24, 0.10, 0.05], abs=0.01)
    assert list(np.argsort(-result.weights)) == [0, 1, 2, 3]
    assert result.cr > 0.10 and not result.consistent  # 0.13 / 0.90: Saaty's own example
