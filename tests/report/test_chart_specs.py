"""Every chart the reports draw is a valid Vega-Lite spec: pages skip the schema check for speed
(charts.CHECK_SPECS), so it is made here on the charts of real results."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from crosource.cli_costing import price_result, simulate_result
from crosource.engine.recommend.engine import recommend
from crosource.io.portfolio_io import load_portfolio
from crosource.report import charts
from crosource.report.costing_html import costing_html
from crosource.report.html import recommendation_html

ROOT = Path(__file__).parents[2]
MIDSIZE = ROOT / "examples" / "midsize-hybrid.yaml"


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    made: list[int] = []
    finish = charts._finish

    def counted(chart: object) -> charts.Spec:
        made.append(1)
        return finish(chart)  # type: ignore[arg-type]

    monkeypatch.setattr(charts, "CHECK_SPECS", True)
    monkeypatch.setattr(charts, "_finish", counted)
    return made


def test_the_recommendation_and_cost_charts_are_valid_specs(checked: list[int]) -> None:
    portfolio = load_portfolio(MIDSIZE)
    recommendation_html(portfolio, recommend(portfolio))
    priced = price_result(MIDSIZE, None)
    costing_html("price", *priced)
    simulated = simulate_result(MIDSIZE, None, 500, 7, True, 100, Console(quiet=True))
    costing_html("simulate", *simulated)
    assert len(checked) >= 7  # every chart kind went through the schema check


def test_a_malformed_spec_is_caught_when_checking(monkeypatch: pytest.MonkeyPatch) -> None:
    import altair as alt
    from jsonschema import ValidationError

    monkeypatch.setattr(charts, "CHECK_SPECS", True)
    broken = alt.Chart(alt.InlineData(values=[{"a": 1}])).mark_bar().encode(x="a:Q")
    broken.mark = "not-a-mark"  # type: ignore[assignment]
    with pytest.raises(ValidationError):
        charts._finish(broken)
