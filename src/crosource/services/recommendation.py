"""The recommendation of a stored portfolio, remembered per portfolio version.

Recommending the large example takes more than a second and its report is a megabyte of HTML;
both depend only on the stored document, so repeat views are answered from the report cache
(services/report_cache.py), keyed by the database, workspace, portfolio, version and a hash of
the document: a deleted portfolio's id given again never finds the old result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from crosource.domain.portfolio import Portfolio
from crosource.engine.recommend.engine import recommend
from crosource.engine.recommend.result import Recommendation
from crosource.report.html import recommendation_html
from crosource.report.templating import fragment
from crosource.services.report_cache import cached, portfolio_key
from crosource.store.portfolios import document_to_portfolio
from crosource.store.tables import PortfolioRecord


@dataclass(frozen=True)
class Recommended:
    portfolio: Portfolio
    result: Recommendation
    _html: list[str]  # the report fragment once rendered (one element), shared by repeat views

    def fragment_html(self) -> str:
        """The report as a fragment for a page (interactive charts), rendered once."""
        if not self._html:
            with fragment():
                self._html.append(recommendation_html(self.portfolio, self.result))
        return self._html[0]

    def to_json(self) -> dict[str, Any]:
        return self.result.to_json()


def recommend_stored(session: Session, *, record: PortfolioRecord) -> Recommended:
    """The recommendation of a stored portfolio's document, computed once per version."""

    def make() -> Recommended:
        portfolio = document_to_portfolio(record.document, f"portfolio {record.id}")
        return Recommended(portfolio, recommend(portfolio), [])

    return cached(portfolio_key(session, record, "recommendation"), make)
